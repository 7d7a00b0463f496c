//! Protected tokens: `C++`, `.NET`, `CI/CD`, `#hashtag`, `@handle`, `Node.js`.
//!
//! Unicode word segmentation splits `CI/CD` into two words and drops the `++` of
//! `C++`; the stop-word filter would drop `I/O`'s halves. Terms like these are
//! matched first by regular expressions (the built-in list is
//! `data/patterns/protected.txt`; `--protect REGEX` adds more), and each match becomes one
//! token that skips the filters and the stemmer, with its spelling as its label.

use regex::Regex;

use crate::config::ConfigError;

/// The built-in patterns.
pub const BUILTIN: &str = include_str!("../../data/patterns/protected.txt");

/// A compiled set of protected-token patterns.
#[derive(Debug, Clone)]
pub struct Protected {
    regex: Regex,
}

impl Protected {
    /// The built-in patterns plus `extra`.
    pub fn new(extra: &[String]) -> Result<Protected, ConfigError> {
        let mut patterns: Vec<String> = BUILTIN
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        for pattern in extra {
            Regex::new(pattern).map_err(|e| ConfigError::InvalidValue {
                option: "protect",
                reason: e.to_string(),
            })?;
            patterns.push(pattern.clone());
        }
        let combined = patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        let regex = Regex::new(&combined).map_err(|e| ConfigError::InvalidValue {
            option: "protect",
            reason: e.to_string(),
        })?;
        Ok(Protected { regex })
    }

    /// Byte ranges of protected tokens in `text`, left to right, not overlapping.
    pub fn find<'a>(&'a self, text: &'a str) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
        self.regex.find_iter(text).map(|m| m.range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str) -> Vec<&str> {
        let protected = Protected::new(&[]).unwrap();
        protected.find(text).map(|r| &text[r]).collect::<Vec<_>>()
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
            protected.find(text).map(|r| &text[r]).collect::<Vec<_>>(),
            ["K8s"]
        );
        let err = Protected::new(&["(".into()]).unwrap_err().to_string();
        assert!(err.contains("protect"), "{err}");
    }
}
