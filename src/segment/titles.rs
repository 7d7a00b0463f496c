//! Chapter titles: each chapter named by its two to four most distinctive terms
//! and phrases against the rest of its recording.
//!
//! A term is a candidate for a chapter's title when it is said there at least
//! three times and more often than in the rest of the recording (its signed
//! log-likelihood G² against the rest is positive), and it is no generic word (a
//! verb of doing or a discourse word, from a title stop list). Candidates are
//! ranked by how often the chapter says them, then by G², so a title names what
//! the chapter is mostly about rather than its rarest word; a word gives way to a
//! phrase that holds at least half of its uses ("developer experience" over
//! "developer"), and no two chosen terms share a word. This ranking was measured
//! against pure keyness rankings (G², log-odds) on human chapter titles, which it
//! matches better (see `EVALUATION.md`).

use rustc_hash::FxHashSet;

use crate::count::{Counts, TermId};
use crate::score::keyness::signed_g2;

/// The English words that never make a title (`data/stopwords/english-title.txt`):
/// verbs of doing and discourse words the stop-word lists keep.
pub const ENGLISH_GENERIC: &str = include_str!("../../data/stopwords/english-title.txt");

/// The words of a list in the stop-word file format (one per line, `#` comments).
pub fn list_words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|word| !word.is_empty())
}

/// How a chapter's title is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleOptions {
    /// The most terms in a title.
    pub terms: usize,
    /// The fewest times a chapter must say a term for it to name the chapter.
    pub min_count: u64,
}

impl Default for TitleOptions {
    fn default() -> Self {
        TitleOptions {
            terms: 4,
            min_count: 3,
        }
    }
}

/// The terms that name one chapter, best first.
///
/// `chapter` and `rest` are the counts of the chapter and of the rest of its
/// recording (`(term, count)`, sorted by term); `generic` holds the terms (stems)
/// that never make a title, and `excluded` marks more by id (a collection's
/// boilerplate; empty for none).
pub fn title_terms(
    counts: &Counts,
    chapter: &[(TermId, u64)],
    rest: &[(TermId, u64)],
    generic: &FxHashSet<String>,
    excluded: &[bool],
    options: &TitleOptions,
) -> Vec<TermId> {
    let in_rest = |term: TermId| {
        rest.binary_search_by_key(&term, |&(t, _)| t)
            .map_or(0, |i| rest[i].1)
    };
    let rest_words = word_tokens(counts, rest);
    choose(
        counts, chapter, rest_words, in_rest, generic, excluded, options,
    )
}

/// The terms that name one chapter, best first, from the counts of the whole
/// recording instead of the rest of it: the same result as [`title_terms`] with
/// `rest = whole - chapter`, in time proportional to the chapter's terms (the
/// rest is never built, so a recording of many chapters is not scanned whole
/// once per chapter). `whole_words` is [`word_tokens`] of `whole`.
pub fn title_terms_within(
    counts: &Counts,
    chapter: &[(TermId, u64)],
    whole: &[(TermId, u64)],
    whole_words: u64,
    generic: &FxHashSet<String>,
    excluded: &[bool],
    options: &TitleOptions,
) -> Vec<TermId> {
    let in_rest = |term: TermId| {
        let all = whole
            .binary_search_by_key(&term, |&(t, _)| t)
            .map_or(0, |i| whole[i].1);
        let here = chapter
            .binary_search_by_key(&term, |&(t, _)| t)
            .map_or(0, |i| chapter[i].1);
        all.saturating_sub(here)
    };
    let rest_words = whole_words.saturating_sub(word_tokens(counts, chapter));
    choose(
        counts, chapter, rest_words, in_rest, generic, excluded, options,
    )
}

/// The word tokens (phrases left out) of a count list.
pub fn word_tokens(counts: &Counts, list: &[(TermId, u64)]) -> u64 {
    list.iter()
        .filter(|&&(t, _)| !counts.terms[t as usize].is_phrase())
        .map(|&(_, n)| n)
        .sum()
}

/// The ranking of [`title_terms`], given the rest's word tokens and each term's
/// count in the rest. Token totals are summed as integers: exact, so both entry
/// points give the same G² to the bit.
fn choose(
    counts: &Counts,
    chapter: &[(TermId, u64)],
    rest_words: u64,
    in_rest: impl Fn(TermId) -> u64,
    generic: &FxHashSet<String>,
    excluded: &[bool],
    options: &TitleOptions,
) -> Vec<TermId> {
    let (chapter_tokens, rest_tokens) = (word_tokens(counts, chapter) as f64, rest_words as f64);
    let is_generic = |term: TermId| {
        if excluded.get(term as usize).copied().unwrap_or(false) {
            return true;
        }
        let info = &counts.terms[term as usize];
        if info.is_phrase() {
            info.components.iter().all(|c| generic.contains(c))
        } else {
            generic.contains(&info.term)
        }
    };
    // (term, count here, G²)
    let mut candidates: Vec<(TermId, u64, f64)> = chapter
        .iter()
        .filter(|&&(term, n)| n >= options.min_count && !is_generic(term))
        .filter_map(|&(term, n)| {
            let g2 = if rest_tokens == 0.0 {
                n as f64
            } else {
                signed_g2(n as f64, in_rest(term) as f64, chapter_tokens, rest_tokens)
            };
            (g2 > 0.0).then_some((term, n, g2))
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then_with(|| {
            counts.terms[a.0 as usize]
                .term
                .cmp(&counts.terms[b.0 as usize].term)
        })
    });
    let words_of = |term: TermId| -> Vec<&str> {
        let info = &counts.terms[term as usize];
        if info.is_phrase() {
            info.components.iter().map(String::as_str).collect()
        } else {
            vec![info.term.as_str()]
        }
    };
    let mut chosen: Vec<TermId> = Vec::new();
    for &(term, n, _) in &candidates {
        if chosen.len() >= options.terms {
            break;
        }
        // A word gives way to its most frequent phrase here when the phrase holds
        // at least half of the word's uses.
        let term = if counts.terms[term as usize].is_phrase() {
            term
        } else {
            let word = counts.terms[term as usize].term.as_str();
            candidates
                .iter()
                .filter(|&&(p, m, _)| {
                    2 * m >= n
                        && counts.terms[p as usize]
                            .components
                            .iter()
                            .any(|c| c == word)
                })
                .map(|&(p, _, _)| p)
                .next()
                .unwrap_or(term)
        };
        let overlaps = chosen
            .iter()
            .any(|&c| c == term || words_of(c).iter().any(|w| words_of(term).contains(w)));
        if !overlaps {
            chosen.push(term);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    /// Counts of two chapters (windows 0 and 1) of a recording.
    fn recording() -> Counts {
        let mut b = CountBuilder::new();
        let mut say = |term: &str, surface: &str, window: usize, n: usize| {
            for _ in 0..n {
                b.add(term, surface, window..window + 1);
            }
        };
        say("secur", "security", 0, 8);
        say("polici", "policies", 0, 4);
        say("use", "use", 0, 9);
        say("cluster", "cluster", 0, 3);
        say("cluster", "cluster", 1, 6);
        say("develop", "developer", 1, 3);
        say("experi", "experience", 1, 3);
        say("doc", "docs", 1, 5);
        b.add_phrase(
            "develop experi",
            "developer experience",
            &["develop", "experi"],
            1..2,
        );
        for _ in 0..3 {
            b.add_phrase(
                "develop experi",
                "developer experience",
                &["develop", "experi"],
                1..2,
            );
        }
        b.finish(2)
    }

    fn title(counts: &Counts, chapter: usize) -> Vec<String> {
        let other = 1 - chapter;
        let generic: FxHashSet<String> = ["use".to_string()].into_iter().collect();
        title_terms(
            counts,
            &counts.windows[chapter].terms.to_vec(),
            &counts.windows[other].terms.to_vec(),
            &generic,
            &[],
            &TitleOptions::default(),
        )
        .into_iter()
        .map(|t| counts.label(t))
        .collect()
    }

    #[test]
    fn a_title_names_what_the_chapter_says_more_than_the_rest() {
        let counts = recording();
        // "use" is said most but is generic; "cluster" is said more elsewhere.
        assert_eq!(title(&counts, 0), ["security", "policies"]);
    }

    #[test]
    fn titles_from_the_whole_match_titles_from_the_rest() {
        let counts = recording();
        let generic: FxHashSet<String> = ["use".to_string()].into_iter().collect();
        let mut whole: Vec<(TermId, u64)> = counts.windows[0].terms.to_vec();
        whole.extend(counts.windows[1].terms.iter());
        whole.sort_unstable_by_key(|&(t, _)| t);
        whole.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
        let whole_words = word_tokens(&counts, &whole);
        for chapter in 0..2 {
            let from_rest = title_terms(
                &counts,
                &counts.windows[chapter].terms.to_vec(),
                &counts.windows[1 - chapter].terms.to_vec(),
                &generic,
                &[],
                &TitleOptions::default(),
            );
            let from_whole = title_terms_within(
                &counts,
                &counts.windows[chapter].terms.to_vec(),
                &whole,
                whole_words,
                &generic,
                &[],
                &TitleOptions::default(),
            );
            assert!(!from_rest.is_empty());
            assert_eq!(from_rest, from_whole);
        }
    }

    #[test]
    fn a_phrase_takes_the_place_of_its_words() {
        let counts = recording();
        // The words give way to the phrase that holds more than half their uses.
        assert_eq!(
            title(&counts, 1),
            ["cluster", "docs", "developer experience"]
        );
    }
}
