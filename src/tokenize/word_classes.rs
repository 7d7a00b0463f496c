//! Which words may name a theme or title a chapter: nouns, not verbs, judgements,
//! adverbs or people's first names.
//!
//! A theme's name and a chapter's title say what a stretch of text is about, and
//! in English that is a noun phrase ("service mesh", "certificates", "Teleport").
//! The words that most often crowded them out on recordings nobody tuned for
//! were verbs of doing ("generate", "operate"), judgements ("scary", "best"),
//! adverbs ("across", "normally") and the first names of whoever spoke. Without a
//! part-of-speech tagger, each word's usual class comes from WordNet 3.0's
//! tagged corpus counts, generated into `data/stopwords/english-not-nouns.txt`
//! by `scripts/gen_word_classes.py`: a word form is listed when the verb,
//! adjective and adverb readings it can have were tagged more often than its
//! noun readings ("files" is listed, "security" is not). First names that are
//! not also English words come from the 1990 US Census lists
//! (`data/stopwords/english-given-names.txt`).
//!
//! The rule reads a term as shown (its label), because a stem cannot tell
//! "security" from "secure". A phrase names when its head (last word) is a
//! noun, or its first word is a noun modifying the rest ("machine learning",
//! "pen testing"), not "create a new". A capitalised word is a proper noun
//! whatever its class ("Spin", "Helm"), unless it is a first name.

use std::sync::OnceLock;

const ENGLISH_NOT_NOUNS: &str = include_str!("../../data/stopwords/english-not-nouns.txt");
const ENGLISH_GIVEN_NAMES: &str = include_str!("../../data/stopwords/english-given-names.txt");

/// The English words that never name a theme or title a chapter by their class.
#[derive(Debug)]
pub struct NameWords {
    /// Word forms whose usual class is not a noun, sorted.
    not_nouns: Vec<&'static str>,
    /// Lower-cased first names that are not English words, sorted.
    given_names: Vec<&'static str>,
}

/// The words of a generated list: one per line, `#` comments, already sorted.
fn sorted_words(text: &'static str) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|word| !word.is_empty())
        .collect();
    // The generator sorts; sorting again keeps a hand edit from breaking lookups.
    words.sort_unstable();
    words
}

impl NameWords {
    /// The built-in English lists, read once per process.
    pub fn english() -> &'static NameWords {
        static WORDS: OnceLock<NameWords> = OnceLock::new();
        WORDS.get_or_init(|| NameWords {
            not_nouns: sorted_words(ENGLISH_NOT_NOUNS),
            given_names: sorted_words(ENGLISH_GIVEN_NAMES),
        })
    }

    /// Whether a term shown as `label` may name a theme or title a chapter.
    pub fn may_name(&self, label: &str) -> bool {
        let words: Vec<&str> = label.split_whitespace().collect();
        let Some(head) = words.last() else {
            return false;
        };
        let capitalised = |word: &str| word.chars().next().is_some_and(char::is_uppercase);
        let is_name = |word: &str| {
            capitalised(word)
                && self
                    .given_names
                    .binary_search(&word.to_lowercase().as_str())
                    .is_ok()
        };
        if words.iter().any(|w| is_name(w)) {
            return false;
        }
        // A capitalised word names a thing (a product, a project), whatever the
        // common word it spells; only lower-case words are looked up.
        let noun = |word: &str| {
            word.chars().any(char::is_uppercase) || self.not_nouns.binary_search(&word).is_err()
        };
        // A phrase is a noun phrase when its head (last word) is a noun, or its
        // first word is a noun modifying what follows ("machine learning",
        // "pen testing"); "create a new" and "getting started" are neither.
        noun(head) || (words.len() > 1 && noun(words[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_name_and_verbs_judgements_adverbs_do_not() {
        let words = NameWords::english();
        for noun in [
            "security",
            "cluster",
            "certificates",
            "scanners",
            "namespace",
        ] {
            assert!(words.may_name(noun), "{noun}");
        }
        for word in ["generate", "operate", "scary", "best", "across", "normally"] {
            assert!(!words.may_name(word), "{word}");
        }
        // An inflection is judged as the forms it can be: "forgotten" is forget.
        assert!(!words.may_name("forgotten"));
    }

    #[test]
    fn a_phrase_is_judged_by_its_head() {
        let words = NameWords::english();
        assert!(words.may_name("service mesh"));
        // A noun modifying a gerund: the head alone would not name.
        assert!(!words.may_name("learning") && words.may_name("machine learning"));
        assert!(words.may_name("pen testing"));
        assert!(!words.may_name("create a new") && !words.may_name("getting started"));
    }

    #[test]
    fn capitalised_words_are_proper_nouns_unless_first_names() {
        let words = NameWords::english();
        // "spin" is a verb; "Spin" is a product.
        assert!(!words.may_name("spin"));
        assert!(words.may_name("Spin"));
        for name in ["David", "Jason", "Brian", "David Flanagan"] {
            assert!(!words.may_name(name), "{name}");
        }
        // A first name that is an English word first stays a word.
        for word in ["Ruby", "Mark", "Will"] {
            assert!(words.may_name(word), "{word}");
        }
        // Unknown words (product names, jargon) are nouns.
        assert!(words.may_name("kubectl") && words.may_name("YAML"));
        assert!(!words.may_name(""));
    }

    #[test]
    fn the_lists_are_sorted_and_lower_case() {
        let words = NameWords::english();
        assert!(words.not_nouns.len() > 10_000 && words.given_names.len() > 1_000);
        for list in [&words.not_nouns, &words.given_names] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
            assert!(
                list.iter()
                    .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            );
        }
    }
}
