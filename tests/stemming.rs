//! themeline's stemming path against the official Snowball implementation.
//!
//! `tests/fixtures/snowball/*-pairs.txt` hold word → stem pairs produced by the
//! Snowball project's C library (release 2.0.0, the algorithms rust-stemmers
//! implements) over excerpts of the official Snowball test vocabularies for
//! English, German and French, and over a sample of real English talk abstracts.
//! `scripts/snowball_pairs.py` regenerates them.

use themeline::stem::{Language, StemCache};

fn check(file: &str, language: Language) -> usize {
    let path = format!(
        "{}/tests/fixtures/snowball/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut stems = StemCache::new(language);
    let mut wrong = Vec::new();
    let mut pairs = 0;
    for line in text.lines() {
        let (word, expected) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{file}: bad line {line:?}"));
        pairs += 1;
        let stem = stems.stem(word);
        if stem != expected {
            wrong.push(format!("{word}: {stem} (Snowball: {expected})"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{file}: {} of {pairs} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    pairs
}

#[test]
fn english_official_vocabulary() {
    assert!(check("english-pairs.txt", Language::English) > 200);
}

#[test]
fn german_official_vocabulary() {
    assert!(check("german-pairs.txt", Language::German) > 200);
}

#[test]
fn french_official_vocabulary() {
    assert!(check("french-pairs.txt", Language::French) > 200);
}

#[test]
fn english_words_of_real_talk_abstracts() {
    assert!(check("english-pyvideo-pairs.txt", Language::English) > 6000);
}
