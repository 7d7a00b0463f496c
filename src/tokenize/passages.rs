//! Boilerplate passages: sentences that many documents of a collection repeat
//! word for word (sponsor reads, intros and outros, licence blurbs, "follow us
//! at" lines), found and set aside before the words are counted.
//!
//! A passage is a sentence or a line (text between a `.`, `!` or `?` followed by a
//! space, a `;`, or a line break) of at least [`MIN_WORDS`] words, compared
//! case-folded with everything but letters and digits as single spaces, and
//! without the web addresses in it (a line that differs only in its link is the
//! same line). A first pass over a collection counts
//! in how many documents each passage occurs, in a fixed-size sketch (two tables
//! of saturating counters under two hashes, the smaller count kept), so memory
//! does not grow with the corpus and a rare passage is taken for a common one
//! about once in a hundred thousand. A passage that at least [`MIN_DOCUMENTS`]
//! documents hold is boilerplate: copied text, not what a document is about. The
//! counting passes then leave its words out, and count them as dropped.

use std::hash::{Hash, Hasher};
use std::ops::Range;

/// The fewest words of a passage: shorter sentences ("thank you so much") are
/// said everywhere without being copied.
pub const MIN_WORDS: usize = 6;

/// The fewest documents that must repeat a passage for it to be boilerplate.
pub const MIN_DOCUMENTS: u8 = 5;

/// Counters per table: 8 Mi each, 16 MiB in all.
const SLOTS: usize = 1 << 23;

/// How many documents hold each passage, approximately from above.
#[derive(Clone)]
pub struct PassageCounts {
    tables: [Vec<u8>; 2],
    /// Documents counted.
    documents: u64,
}

impl std::fmt::Debug for PassageCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassageCounts")
            .field("documents", &self.documents)
            .finish_non_exhaustive()
    }
}

impl Default for PassageCounts {
    fn default() -> Self {
        PassageCounts {
            tables: [vec![0; SLOTS], vec![0; SLOTS]],
            documents: 0,
        }
    }
}

/// The two slots of a passage's hash.
fn slots(hash: u64) -> [usize; 2] {
    [
        (hash as usize) & (SLOTS - 1),
        ((hash >> 32) as usize ^ (hash as usize).rotate_left(13)) & (SLOTS - 1),
    ]
}

impl PassageCounts {
    /// Counts one document's passages (`hashes`, in any order, repeats allowed).
    pub fn add_document(&mut self, hashes: &mut Vec<u64>) {
        hashes.sort_unstable();
        hashes.dedup();
        for &hash in hashes.iter() {
            for (table, slot) in self.tables.iter_mut().zip(slots(hash)) {
                table[slot] = table[slot].saturating_add(1);
            }
        }
        self.documents += 1;
    }

    /// How many documents hold the passage, at least (never fewer).
    pub fn documents_with(&self, hash: u64) -> u8 {
        let [a, b] = slots(hash);
        self.tables[0][a].min(self.tables[1][b])
    }

    /// Whether the passage is boilerplate.
    pub fn is_boilerplate(&self, hash: u64) -> bool {
        self.documents_with(hash) >= MIN_DOCUMENTS
    }

    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }
}

/// Whether the byte at `i` ends a passage: a line break or `;`, or sentence
/// punctuation before a space or the end (not the dots of `example.org`).
fn ends_passage(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b';' | b'\n' | b'\r' => true,
        b'.' | b'!' | b'?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
        _ => false,
    }
}

/// The passages of `text` with at least [`MIN_WORDS`] words: their byte ranges
/// (without the closing punctuation) and hashes.
pub fn passages(text: &str, mut each: impl FnMut(Range<usize>, u64)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut normalised = String::new();
    for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || ends_passage(bytes, i)) {
        let piece = &text[start..end];
        normalised.clear();
        let mut words = 0;
        for run in piece.split_whitespace() {
            let lower = run.to_ascii_lowercase();
            if lower.contains("://") || lower.starts_with("www.") {
                continue;
            }
            let mut in_word = false;
            for c in run.chars() {
                if c.is_alphanumeric() {
                    if !in_word {
                        if words > 0 {
                            normalised.push(' ');
                        }
                        words += 1;
                        in_word = true;
                    }
                    normalised.extend(c.to_lowercase());
                } else {
                    in_word = false;
                }
            }
        }
        if words >= MIN_WORDS {
            let mut hasher = rustc_hash::FxHasher::default();
            normalised.hash(&mut hasher);
            each(start..end, hasher.finish());
        }
        start = end + 1;
    }
}

/// `text` with its boilerplate passages blanked out (spaces, so byte offsets and
/// sentence breaks stay), and the ranges blanked; `None` when it has none.
pub fn without_boilerplate(
    text: &str,
    counts: &PassageCounts,
) -> Option<(String, Vec<Range<usize>>)> {
    let mut ranges = Vec::new();
    passages(text, |range, hash| {
        if counts.is_boilerplate(hash) {
            ranges.push(range);
        }
    });
    if ranges.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in &ranges {
        bytes[range.clone()].fill(b' ');
    }
    // Only whole passages were blanked, between ASCII delimiters: still UTF-8.
    Some((
        String::from_utf8(bytes).expect("blanked at character boundaries"),
        ranges,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_sentences_of_six_words_or_more_compared_loosely() {
        let mut found = Vec::new();
        passages(
            "Thanks for coming. This episode is brought to you by Acme!\nTHIS EPISODE is brought  to you, by ACME",
            |range, hash| found.push((range, hash)),
        );
        assert_eq!(found.len(), 2, "the short sentence is no passage");
        assert_eq!(found[0].1, found[1].1, "case and punctuation do not matter");
        assert_eq!(
            found[0].0,
            18..57,
            "from after the first sentence to before the '!'"
        );
    }

    #[test]
    fn a_link_does_not_make_a_line_another() {
        let mut found = Vec::new();
        for text in [
            "Slides and video of this talk at https://a.example.org/1 are online now",
            "Slides and video of this talk at https://b.example.org/2 are online now",
        ] {
            passages(text, |_, hash| found.push(hash));
        }
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], found[1]);
    }

    #[test]
    fn passages_many_documents_repeat_are_boilerplate() {
        let mut counts = PassageCounts::default();
        let sponsor = "This episode is brought to you by Acme Widgets.";
        for i in 0..6 {
            let text = format!("{sponsor} Today we talk about topic number {i} in depth here.");
            let mut hashes = Vec::new();
            // A document repeating the read counts once.
            passages(&format!("{text} {sponsor}"), |_, h| hashes.push(h));
            counts.add_document(&mut hashes);
        }
        let text = format!("{sponsor} A new sentence about the weather in Paris today.");
        let (kept, ranges) = without_boilerplate(&text, &counts).unwrap();
        assert_eq!(ranges.len(), 1);
        assert!(kept.trim_start().starts_with(". A new sentence"), "{kept}");
        assert_eq!(kept.len(), text.len(), "byte offsets stay");
        let mut unique = Vec::new();
        passages(
            "Today we talk about topic number 3 in depth here",
            |_, h| unique.push(h),
        );
        assert!(!counts.is_boilerplate(unique[0]), "held by one document");
    }
}
