//! Aliases: repairing the spellings a speech recogniser invents, before anything
//! else sees the words.
//!
//! Auto-generated transcripts spell the same name many ways: KubeCon comes out as
//! "cucon", "cubec con", "cube con", "ccon". An alias table maps a canonical form to
//! its variants, single or multi-word, in TOML:
//!
//! ```toml
//! KubeCon = ["cucon", "cubec con", "cube con", "ccon"]
//! Cilium = ["psyllium", "selum", "syum"]
//! ```
//!
//! Matching is case-insensitive on whole words and runs in one pass over a
//! segment's words with an Aho-Corasick automaton (leftmost-longest, so "cube con"
//! wins over a shorter "cube" alias). The canonical form is written as people
//! should read it: its spelling becomes the term's display form (`KubeCon`,
//! `OpenTelemetry`). Every repair is counted.
//!
//! Each word is padded with one space on each side before matching (`" cube  con "`),
//! so a match always starts and ends on word boundaries and two matches never share
//! a character.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Deserialize;

use super::TokenizeError;
use super::fold_into;

/// Alias sets compiled into the binary, by name (`--aliases cloud-native`).
pub const BUILTIN: &[(&str, &str)] = &[(
    "cloud-native",
    include_str!("../../data/aliases/cloud-native.toml"),
)];

/// What a matched variant becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The canonical form as written in the table (`KubeCon`).
    pub display: String,
    /// Its words, as written.
    pub words: Vec<String>,
    /// The variant that was matched, case-folded (`cubec con`).
    pub variant: String,
}

/// A compiled alias table.
#[derive(Debug, Clone)]
pub struct Aliases {
    automaton: AhoCorasick,
    replacements: Vec<Replacement>,
}

#[derive(Deserialize)]
#[serde(transparent)]
struct AliasFile(BTreeMap<String, Vec<String>>);

/// Splits into case-folded words the way the analyzer does, so a variant written
/// `Cube Con` matches the words `cube` `con`.
fn folded_words(text: &str) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_words()
        .map(|w| {
            let mut folded = String::new();
            fold_into(w, &mut folded);
            folded
        })
        .collect()
}

fn padded(words: &[String]) -> String {
    let mut out = String::new();
    for w in words {
        out.push(' ');
        out.push_str(w);
        out.push(' ');
    }
    out
}

impl Aliases {
    /// Reads alias sets: built-in names (`cloud-native`) or TOML files.
    pub fn load(sources: &[String]) -> Result<Option<Aliases>, TokenizeError> {
        if sources.is_empty() {
            return Ok(None);
        }
        let mut table: Vec<(String, String)> = Vec::new();
        for source in sources {
            let (name, text) = match BUILTIN.iter().find(|(name, _)| name == source) {
                Some((name, text)) => (format!("built-in aliases {name}"), text.to_string()),
                None => {
                    let text =
                        std::fs::read_to_string(source).map_err(|e| TokenizeError::Read {
                            path: Path::new(source).to_path_buf(),
                            source: e,
                        })?;
                    (source.clone(), text)
                }
            };
            let file: AliasFile = toml::from_str(&text).map_err(|e| TokenizeError::Aliases {
                origin: name.clone(),
                message: e.to_string(),
            })?;
            for (canonical, variants) in file.0 {
                for variant in variants {
                    table.push((canonical.clone(), variant));
                }
            }
        }
        Aliases::new(&table).map(Some)
    }

    /// Compiles `(canonical, variant)` pairs. A variant may map to one canonical form
    /// only, and no canonical form may contain a variant: then applying the table
    /// twice changes nothing more than applying it once.
    pub fn new(pairs: &[(String, String)]) -> Result<Aliases, TokenizeError> {
        let invalid = |message: String| TokenizeError::Aliases {
            origin: "aliases".into(),
            message,
        };
        let mut by_variant: BTreeMap<String, Replacement> = BTreeMap::new();
        for (canonical, variant) in pairs {
            let words = folded_words(variant);
            if words.is_empty() || folded_words(canonical).is_empty() {
                return Err(invalid(format!(
                    "alias {canonical:?} = {variant:?} has no words"
                )));
            }
            let key = padded(&words);
            let replacement = Replacement {
                display: canonical.trim().to_string(),
                words: canonical.split_whitespace().map(str::to_string).collect(),
                variant: words.join(" "),
            };
            if let Some(other) = by_variant.get(&key)
                && other.display != replacement.display
            {
                return Err(invalid(format!(
                    "variant {variant:?} is listed for both {:?} and {canonical:?}",
                    other.display
                )));
            }
            by_variant.insert(key, replacement);
        }
        let patterns: Vec<&String> = by_variant.keys().collect();
        let replacements: Vec<Replacement> = by_variant.values().cloned().collect();
        // A DFA: alias tables are small, and it runs over every word of the run.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            // Every pattern starts with a space, so a prefilter on start bytes would
            // stop at every word.
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| invalid(e.to_string()))?;
        let aliases = Aliases {
            automaton,
            replacements,
        };
        // A canonical form may only be matched as a whole by its own variant (a
        // case-only alias such as `CNCF = ["cncf"]`); anything else would change
        // the words again on a second pass.
        for replacement in &aliases.replacements {
            let canonical = folded_words(&replacement.display);
            let refs: Vec<&str> = canonical.iter().map(String::as_str).collect();
            for (first, len, other) in aliases.find(&refs) {
                let whole_and_same =
                    first == 0 && len == refs.len() && other.display == replacement.display;
                if !whole_and_same {
                    return Err(invalid(format!(
                        "canonical form {:?} contains the variant {:?} of {:?}; the repair would not settle",
                        replacement.display, other.variant, other.display,
                    )));
                }
            }
        }
        Ok(aliases)
    }

    /// The repairs in a sequence of case-folded words: `(first word, words
    /// matched, replacement)`, left to right, never overlapping.
    pub fn find<'a>(&'a self, words: &[&str]) -> Vec<(usize, usize, &'a Replacement)> {
        let mut haystack = String::new();
        let mut starts = Vec::with_capacity(words.len());
        for w in words {
            starts.push(haystack.len());
            haystack.push(' ');
            haystack.push_str(w);
            haystack.push(' ');
        }
        let mut found = Vec::new();
        self.find_in(&haystack, &starts, &mut found);
        found
            .into_iter()
            .map(|(first, len, r)| (first, len, &self.replacements[r]))
            .collect()
    }

    /// [`Aliases::find`] on words already laid out as the automaton searches them:
    /// each case-folded word padded with a space on either side, the `i`-th
    /// starting (with its padding) at `starts[i]`. Appends `(first word, words
    /// matched, replacement index)` to `found`.
    pub fn find_in(
        &self,
        haystack: &str,
        starts: &[usize],
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        found.extend(self.automaton.find_iter(haystack).map(|m| {
            let first = starts.partition_point(|&s| s < m.start());
            let last = starts.partition_point(|&s| s < m.end());
            (first, last - first, m.pattern().as_usize())
        }));
    }

    /// The replacements, indexed as [`Aliases::find_in`] reports them.
    pub fn replacements(&self) -> &[Replacement] {
        &self.replacements
    }

    /// Number of variants.
    pub fn len(&self) -> usize {
        self.replacements.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.replacements.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(pairs: &[(&str, &str)]) -> Aliases {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect();
        Aliases::new(&pairs).unwrap()
    }

    fn apply(aliases: &Aliases, words: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        for (first, len, replacement) in aliases.find(words) {
            out.extend(words[i..first].iter().map(|w| w.to_string()));
            out.extend(folded_words(&replacement.display));
            i = first + len;
        }
        out.extend(words[i..].iter().map(|w| w.to_string()));
        out
    }

    #[test]
    fn single_and_multi_word_variants_on_word_boundaries() {
        let aliases = table(&[
            ("KubeCon", "cucon"),
            ("KubeCon", "Cube Con"),
            ("KubeCon", "cubec con"),
            ("Dapr", "dapper"),
        ]);
        let words = [
            "the", "cube", "con", "and", "cucon", "cubecon", "cubec", "con", "dapper",
        ];
        let found: Vec<_> = aliases
            .find(&words)
            .iter()
            .map(|(f, n, r)| (*f, *n, r.display.as_str(), r.variant.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (1, 2, "KubeCon", "cube con"),
                (4, 1, "KubeCon", "cucon"),
                (6, 2, "KubeCon", "cubec con"),
                (8, 1, "Dapr", "dapper")
            ]
        );
    }

    #[test]
    fn the_longest_variant_wins() {
        let aliases = table(&[
            ("Kubernetes", "kuber"),
            ("Kubernetes", "kuber nz"),
            ("cube", "cube flow"),
        ]);
        assert_eq!(
            apply(&aliases, &["kuber", "nz", "rocks"]),
            ["kubernetes", "rocks"]
        );
        assert_eq!(
            apply(&aliases, &["kuber", "rocks"]),
            ["kubernetes", "rocks"]
        );
    }

    #[test]
    fn conflicting_or_unsettled_tables_are_rejected() {
        let pairs = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let err = Aliases::new(&pairs(&[("KubeCon", "cucon"), ("Kubeflow", "Cucon")])).unwrap_err();
        assert!(err.to_string().contains("listed for both"), "{err}");
        let err = Aliases::new(&pairs(&[("cube flow", "kubeflow"), ("Cube", "cube")])).unwrap_err();
        assert!(err.to_string().contains("would not settle"), "{err}");
        // Case-only aliases are fine: they only set how the word is written.
        assert!(Aliases::new(&pairs(&[("CNCF", "cncf")])).is_ok());
        assert!(Aliases::new(&pairs(&[("KubeCon", "...")])).is_err());
    }

    #[test]
    fn the_builtin_set_loads() {
        let aliases = Aliases::load(&["cloud-native".into()]).unwrap().unwrap();
        assert!(aliases.len() > 20);
        let found = aliases.find(&["cubec", "con"]);
        assert_eq!(found[0].2.display, "KubeCon");
    }

    #[test]
    fn files_load_with_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        std::fs::write(&path, "Argo = [\"argos\"]\nbroken = \n").unwrap();
        let err = Aliases::load(&[path.display().to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("mine.toml") && err.contains("line 2"), "{err}");
        assert!(Aliases::load(&["no-such-set".into()]).is_err());
        assert!(Aliases::load(&[]).unwrap().is_none());
    }

    proptest! {
        #[test]
        fn aliasing_is_idempotent(words in prop::collection::vec(
            prop::sample::select(vec!["cube", "con", "cucon", "cubec", "dapper", "kuber", "nz", "the", "kubecon", "dapr", "flow"]),
            0..30,
        )) {
            let aliases = Aliases::load(&["cloud-native".into()]).unwrap().unwrap();
            let once = apply(&aliases, &words);
            let once_refs: Vec<&str> = once.iter().map(String::as_str).collect();
            let twice = apply(&aliases, &once_refs);
            prop_assert_eq!(once, twice);
        }
    }
}
