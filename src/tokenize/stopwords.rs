//! Stop-word lists: the built-in ones and the user's files.
//!
//! The built-in English lists live in `data/stopwords/` as plain text so users can
//! read, copy and edit them; they are compiled into the binary so a run never
//! depends on the working directory. The other languages use the NLTK stop-word
//! lists as packaged by the stop-words crate. A list file has one word per line, `#` starts a comment,
//! and words are case-folded and apostrophe-normalised the same way tokens are, so
//! `It’s` in a file matches `it's` in text.

use std::path::Path;

use rustc_hash::FxHashSet;

use super::{AnalyzerOptions, TokenizeError};
use crate::stem::Language;

const ENGLISH: &str = include_str!("../../data/stopwords/english.txt");
const ENGLISH_SPOKEN: &str = include_str!("../../data/stopwords/english-spoken.txt");

/// A set of case-folded words to drop.
#[derive(Debug, Clone, Default)]
pub struct StopWords {
    words: FxHashSet<Box<str>>,
}

impl StopWords {
    /// An empty list.
    pub fn new() -> Self {
        StopWords::default()
    }

    /// The built-in lists for a language: for English the Snowball list plus
    /// spoken fillers (`data/stopwords/`); for the other languages the NLTK list
    /// (from the stop-words crate).
    pub fn builtin(language: Language) -> Self {
        let mut list = StopWords::new();
        if language == Language::English {
            list.add_text(ENGLISH);
            list.add_text(ENGLISH_SPOKEN);
        } else if let Some(words) = stop_words::lookup(language.iso_code()) {
            for word in words {
                list.insert(word);
            }
        }
        list
    }

    /// The lists a run's options select for `language`: the user's files if any
    /// replace the built-in lists, then any added files.
    pub fn from_options(
        options: &AnalyzerOptions,
        language: Language,
    ) -> Result<Self, TokenizeError> {
        let mut list = if options.stopwords.is_empty() {
            StopWords::builtin(language)
        } else {
            let mut list = StopWords::new();
            for path in &options.stopwords {
                list.add_file(path)?;
            }
            list
        };
        for path in &options.add_stopwords {
            list.add_file(path)?;
        }
        Ok(list)
    }

    /// Adds the words of a list file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), TokenizeError> {
        let bytes = std::fs::read(path).map_err(|source| TokenizeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_text(&String::from_utf8_lossy(&bytes));
        Ok(())
    }

    /// Adds the words of a list in the file format (one per line, `#` comments).
    pub fn add_text(&mut self, text: &str) {
        for line in text.lines() {
            let word = line.split('#').next().unwrap_or("").trim();
            if !word.is_empty() {
                self.insert(word);
            }
        }
    }

    /// Adds one word, normalised like a token.
    pub fn insert(&mut self, word: &str) {
        let mut folded = String::with_capacity(word.len());
        super::fold_into(word, &mut folded);
        self.words.insert(folded.into());
    }

    /// Whether a normalised token is a stop word.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::AnalyzerOptions;

    #[test]
    fn builtin_english_has_snowball_and_spoken_words() {
        let list = StopWords::builtin(Language::English);
        for word in [
            "the", "it's", "don't", "uh", "um", "yeah", "gonna", "kinda", "okay",
        ] {
            assert!(list.contains(word), "{word}");
        }
        for word in ["ai", "ml", "security", "us_"] {
            assert!(!list.contains(word), "{word}");
        }
        assert!(list.len() > 250, "{}", list.len());
    }

    #[test]
    fn every_language_has_a_builtin_list() {
        for language in Language::ALL {
            let list = StopWords::builtin(language);
            assert!(list.len() > 50, "{language}: {}", list.len());
        }
        assert!(StopWords::builtin(Language::German).contains("und"));
        assert!(StopWords::builtin(Language::French).contains("les"));
    }

    #[test]
    fn list_text_has_comments_and_is_normalised() {
        let mut list = StopWords::new();
        list.add_text("# a comment\nFoo  # trailing comment\n\n  It’s\n");
        assert!(list.contains("foo"));
        assert!(list.contains("it's"));
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn user_files_replace_or_extend_the_builtin_lists() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mine.txt");
        std::fs::write(&file, "kubernetes\n").unwrap();

        let replaced = StopWords::from_options(
            &AnalyzerOptions {
                stopwords: vec![file.clone()],
                ..AnalyzerOptions::default()
            },
            Language::English,
        )
        .unwrap();
        assert!(replaced.contains("kubernetes") && !replaced.contains("the"));

        let extended = StopWords::from_options(
            &AnalyzerOptions {
                add_stopwords: vec![file],
                ..AnalyzerOptions::default()
            },
            Language::English,
        )
        .unwrap();
        assert!(extended.contains("kubernetes") && extended.contains("the"));

        let missing = StopWords::from_options(
            &AnalyzerOptions {
                add_stopwords: vec![dir.path().join("nope.txt")],
                ..AnalyzerOptions::default()
            },
            Language::English,
        );
        assert!(missing.unwrap_err().to_string().contains("nope.txt"));
    }
}
