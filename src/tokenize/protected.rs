//! Protected tokens: `C++`, `.NET`, `CI/CD`, `#hashtag`, `@handle`, `Node.js`.
//!
//! Unicode word segmentation splits `CI/CD` into two words and drops the `++` of
//! `C++`; the stop-word filter would drop `I/O`'s halves. Terms like these are
//! matched first by regular expressions (the built-in list is
//! `data/patterns/protected.txt`; `--protect REGEX` adds more), and each match becomes one
//! token that skips the filters and the stemmer, with its spelling as its label.

use regex::Regex;

use super::TokenizeError;

/// The built-in patterns.
pub const BUILTIN: &str = include_str!("../../data/patterns/protected.txt");

/// A compiled set of protected-token patterns.
#[derive(Debug, Clone)]
pub struct Protected {
    regex: Regex,
    /// Whether only the built-in patterns are in use: each of their matches holds
    /// one of [`TRIGGERS`] and no whitespace, which lets [`Protected::find`] search
    /// only the whitespace-delimited runs of text around those bytes.
    builtin_only: bool,
}

/// Bytes of which every match of a built-in pattern holds at least one.
const TRIGGERS: &[u8] = b"+#./@";

/// [`TRIGGERS`] as a lookup table.
const IS_TRIGGER: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < TRIGGERS.len() {
        table[TRIGGERS[i] as usize] = true;
        i += 1;
    }
    table
};

impl Protected {
    /// The built-in patterns plus `extra`.
    pub fn new(extra: &[String]) -> Result<Protected, TokenizeError> {
        Protected::check_patterns(extra).map_err(|reason| TokenizeError::Pattern {
            pattern: extra.join(" "),
            reason,
        })?;
        let mut patterns: Vec<String> = BUILTIN
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        for pattern in extra {
            patterns.push(pattern.clone());
        }
        let combined = patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        let regex = Regex::new(&combined).map_err(|e| TokenizeError::Pattern {
            pattern: combined.clone(),
            reason: e.to_string(),
        })?;
        Ok(Protected {
            regex,
            builtin_only: extra.is_empty(),
        })
    }

    /// Checks patterns given by a user: each must be a regular expression that
    /// cannot match the empty string (an empty match would be a token of nothing,
    /// at every position of the text).
    pub fn check_patterns(patterns: &[String]) -> Result<(), String> {
        for pattern in patterns {
            let regex = Regex::new(pattern).map_err(|e| format!("{pattern:?}: {e}"))?;
            if regex.is_match("") || regex.find("x").is_some_and(|m| m.is_empty()) {
                return Err(format!(
                    "{pattern:?} can match the empty string; a protected token needs at least one character"
                ));
            }
        }
        Ok(())
    }

    /// Byte ranges of protected tokens in `text`, left to right, not overlapping.
    ///
    /// With the built-in patterns only, the regular expression runs on just the
    /// whitespace-delimited runs that hold a trigger byte: a match can neither
    /// cross whitespace nor lack a trigger, and a run's edges look to `\b` like the
    /// edges of the text, so the result is the same as searching all of it (a
    /// property test checks), at a fraction of the cost on ordinary prose.
    pub fn find(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        if !self.builtin_only {
            return self.regex.find_iter(text).map(|m| m.range()).collect();
        }
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(offset) = bytes[at..].iter().position(|&b| IS_TRIGGER[b as usize]) {
            let trigger = at + offset;
            let start = bytes[..trigger]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(0, |i| i + 1)
                .max(at);
            let end = bytes[trigger..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |i| trigger + i);
            found.extend(
                self.regex
                    .find_iter(&text[start..end])
                    .map(|m| start + m.start()..start + m.end()),
            );
            at = end;
        }
        found
    }

    /// The matches of a search over all of `text`, as [`Protected::find`] without
    /// its shortcut.
    #[cfg(test)]
    fn find_everywhere(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.regex.find_iter(text).map(|m| m.range()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn matches(text: &str) -> Vec<&str> {
        let protected = Protected::new(&[]).unwrap();
        protected
            .find(text)
            .into_iter()
            .map(|r| &text[r])
            .collect::<Vec<_>>()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn searching_runs_is_searching_everything(parts in prop::collection::vec(
            prop::sample::select(vec![
                "c", "C", "f", "net", "NET", "js", "ci", "cd", "i", "o", "x9", "é", "ü", "_",
                "+", "++", "#", ".", "/", "@", "-", " ", "\t", "\n", "\u{a0}", ",", ";", "'",
            ]),
            0..24,
        )) {
            let text = parts.concat();
            let protected = Protected::new(&[]).unwrap();
            prop_assert_eq!(protected.find(&text), protected.find_everywhere(&text));
        }
    }

    #[test]
    fn builtin_patterns() {
        assert_eq!(
            matches(
                "C++ and C# on .NET and ASP.NET with CI/CD, I/O; Node.js, #KubeCon @kelseyhightower @ada@hachyderm.io."
            ),
            [
                "C++",
                "C#",
                ".NET",
                "ASP.NET",
                "CI/CD",
                "I/O",
                "Node.js",
                "#KubeCon",
                "@kelseyhightower",
                "@ada@hachyderm.io"
            ]
        );
        assert!(matches("an ordinary sentence, nothing special; and/or 3.5").is_empty());
    }

    #[test]
    fn extra_patterns_and_errors() {
        let protected = Protected::new(&["(?i)\\bk8s\\b".into()]).unwrap();
        let text = "K8s clusters";
        assert_eq!(
            protected
                .find(text)
                .into_iter()
                .map(|r| &text[r])
                .collect::<Vec<_>>(),
            ["K8s"]
        );
        let err = Protected::new(&["(".into()]).unwrap_err().to_string();
        assert!(err.contains("protect"), "{err}");
    }
}
