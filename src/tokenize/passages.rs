//! Boilerplate passages: sentences that many documents of a collection repeat
//! word for word (sponsor reads, intros and outros, licence blurbs, "follow us
//! at" lines), found and set aside before the words are counted.
//!
//! A passage is a sentence or a line (text between a `.`, `!` or `?` followed by a
//! space, a `;`, or a line break) of at least [`MIN_WORDS`] words, compared
//! case-folded with everything but letters and digits as single spaces, and
//! without the web addresses in it (a line that differs only in its link is the
//! same line; the link still counts as one of its words, so "Follow PyCon India
//! on Twitter: <link>" is a passage). A first pass over a collection counts
//! in how many documents each passage occurs, in a fixed-size sketch (two tables
//! of saturating counters under two hashes, the smaller count kept), so memory
//! does not grow with the corpus and a rare passage is taken for a common one
//! about once in a hundred thousand. A passage that at least [`MIN_DOCUMENTS`]
//! documents hold is boilerplate: copied text, not what a document is about. The
//! counting passes then leave its words out, and count them as dropped.
//!
//! A collection split into shards applies the same rule to the sum of its parts:
//! each part counts exactly how many of its documents hold each passage
//! ([`PassageTally`]), and [`boilerplate_of_parts`] adds the parts' counts into
//! the sketch a run over the whole collection would have filled (the counts add,
//! and saturating at 255 commutes with adding) and lists the passages that sketch
//! calls boilerplate. A [`Boilerplate`] of those listed hashes then leaves out in
//! each part exactly what the whole collection's sketch would.

use std::hash::{Hash, Hasher};
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

/// The fewest words of a passage: shorter sentences ("thank you so much") are
/// said everywhere without being copied.
pub const MIN_WORDS: usize = 6;

/// The fewest documents that must repeat a passage for it to be boilerplate.
pub const MIN_DOCUMENTS: u8 = 5;

/// Whether a collection of `documents` looks for boilerplate at all: fewer than
/// [`MIN_DOCUMENTS`] cannot tell copied text from a topic.
pub fn detects(documents: u64) -> bool {
    documents >= u64::from(MIN_DOCUMENTS)
}

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
            self.add(hash, 1);
        }
        self.documents += 1;
    }

    /// Counts a passage that `documents` documents hold, as that many calls of
    /// [`PassageCounts::add_document`] would.
    fn add(&mut self, hash: u64, documents: u32) {
        let step = u8::try_from(documents).unwrap_or(u8::MAX);
        for (table, slot) in self.tables.iter_mut().zip(slots(hash)) {
            table[slot] = table[slot].saturating_add(step);
        }
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

/// How many documents hold each passage, exactly: what one shard of a collection
/// counts for [`boilerplate_of_parts`]. It grows with the distinct passages, so
/// only a shard keeps one; a run over the whole collection keeps the sketch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageTally {
    documents: FxHashMap<u64, u32>,
    /// Documents counted.
    counted: u64,
}

impl PassageTally {
    /// Counts one document's passages (`hashes`, in any order, repeats allowed).
    pub fn add_document(&mut self, hashes: &mut Vec<u64>) {
        hashes.sort_unstable();
        hashes.dedup();
        for &hash in hashes.iter() {
            *self.documents.entry(hash).or_default() += 1;
        }
        self.counted += 1;
    }

    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.counted
    }

    /// Each passage and how many documents hold it, by hash.
    pub fn into_sorted(self) -> Vec<(u64, u32)> {
        let mut pairs: Vec<(u64, u32)> = self.documents.into_iter().collect();
        pairs.sort_unstable();
        pairs
    }
}

/// The boilerplate passages of a collection counted in parts: `documents` in
/// all, and each part's passages with the number of its documents holding them
/// ([`PassageTally::into_sorted`]). Exactly the passages of the parts that a
/// [`PassageCounts`] of the whole collection calls boilerplate (none when it has
/// too few documents to look, [`detects`]), by hash, sorted.
pub fn boilerplate_of_parts(documents: u64, parts: &[&[(u64, u32)]]) -> Vec<u64> {
    if !detects(documents) {
        return Vec::new();
    }
    let mut counts = PassageCounts::default();
    for &(hash, holding) in parts.iter().copied().flatten() {
        counts.add(hash, holding);
    }
    let mut boilerplate: Vec<u64> = parts
        .iter()
        .copied()
        .flatten()
        .map(|&(hash, _)| hash)
        .filter(|&hash| counts.is_boilerplate(hash))
        .collect();
    boilerplate.sort_unstable();
    boilerplate.dedup();
    boilerplate
}

/// The passages a collection leaves out.
#[derive(Debug, Clone)]
pub enum Boilerplate {
    /// Those its own sketch calls boilerplate.
    Counted(PassageCounts),
    /// These, by hash: chosen over the whole collection of which this is a part
    /// ([`boilerplate_of_parts`]).
    Listed(FxHashSet<u64>),
}

impl Boilerplate {
    /// Whether the passage is left out.
    pub fn is_boilerplate(&self, hash: u64) -> bool {
        match self {
            Boilerplate::Counted(counts) => counts.is_boilerplate(hash),
            Boilerplate::Listed(hashes) => hashes.contains(&hash),
        }
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

/// The passages of `text` with at least [`MIN_WORDS`] words (a web address
/// counting as one, but not alone): their byte ranges
/// (without the closing punctuation) and hashes.
pub fn passages(text: &str, mut each: impl FnMut(Range<usize>, u64)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut normalised = String::new();
    for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || ends_passage(bytes, i)) {
        let piece = &text[start..end];
        normalised.clear();
        let mut words = 0;
        // A web address is a word of the passage that is not compared: "Follow
        // us on Twitter: <link>" is as long as it reads, and the same line
        // whatever its link.
        let mut links = 0;
        for run in piece.split_whitespace() {
            let lower = run.to_ascii_lowercase();
            if lower.contains("://") || lower.starts_with("www.") {
                links += 1;
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
        if words > 0 && words + links >= MIN_WORDS {
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
    boilerplate: &Boilerplate,
) -> Option<(String, Vec<Range<usize>>)> {
    let mut ranges = Vec::new();
    passages(text, |range, hash| {
        if boilerplate.is_boilerplate(hash) {
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
    fn a_link_counts_as_a_word_of_its_line() {
        // A real template line of one event's talk records (pyvideo): five words
        // and a link, repeated by 57 records.
        let mut found = Vec::new();
        passages(
            "Follow PyCon India on Twitter: https://twitter.com/pyconindia\nFollow PyCon India on Twitter",
            |range, hash| found.push((range, hash)),
        );
        assert_eq!(found.len(), 1, "without its link the line is too short");
        assert_eq!(found[0].0, 0..61);
        let mut links_only = Vec::new();
        passages(
            "https://a.example.org www.b.example.org https://c.example.org/x https://d.example.org https://e.example.org https://f.example.org",
            |_, hash| links_only.push(hash),
        );
        assert!(links_only.is_empty(), "links alone are no passage");
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
        let (kept, ranges) =
            without_boilerplate(&text, &Boilerplate::Counted(counts.clone())).unwrap();
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

    /// Documents made of `words` (indices into a few sentences, some copied
    /// into many documents), with their passages' hashes.
    fn documents(words: &[&[usize]]) -> Vec<Vec<u64>> {
        const SENTENCES: [&str; 5] = [
            "This episode is brought to you by Acme Widgets.",
            "Follow us at example dot org for more episodes.",
            "Today we talk about the weather in Paris in depth.",
            "A guest explains how the river rose over the winter.",
            "Thanks for coming.",
        ];
        words
            .iter()
            .map(|picks| {
                let text: Vec<&str> = picks.iter().map(|&i| SENTENCES[i]).collect();
                let mut hashes = Vec::new();
                passages(&text.join(" "), |_, h| hashes.push(h));
                hashes
            })
            .collect()
    }

    #[test]
    fn parts_find_the_boilerplate_the_whole_finds() {
        let docs = documents(&[
            &[0, 2],
            &[0, 3, 0],
            &[1, 2],
            &[0, 1],
            &[0, 4],
            &[1, 3],
            &[0, 1, 2],
            &[1],
            &[3],
        ]);
        let mut whole = PassageCounts::default();
        for doc in &docs {
            whole.add_document(&mut doc.clone());
        }
        // Split unevenly: no part holds five documents with the sponsor read.
        let tallies: Vec<Vec<(u64, u32)>> = [&docs[..2], &docs[2..5], &docs[5..]]
            .iter()
            .map(|part| {
                let mut tally = PassageTally::default();
                for doc in *part {
                    tally.add_document(&mut doc.clone());
                }
                tally.into_sorted()
            })
            .collect();
        let parts: Vec<&[(u64, u32)]> = tallies.iter().map(Vec::as_slice).collect();
        let listed = boilerplate_of_parts(docs.len() as u64, &parts);
        let mut all: Vec<u64> = docs.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        let expected: Vec<u64> = all
            .into_iter()
            .filter(|&h| whole.is_boilerplate(h))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(
            listed.len(),
            2,
            "the sponsor read (5 documents) and the follow line (5)"
        );
        assert!(
            boilerplate_of_parts(4, &parts).is_empty(),
            "too few documents to look"
        );
    }

    #[test]
    fn a_passage_counted_at_once_fills_the_sketch_as_its_documents_do() {
        let (mut one_by_one, mut at_once) = (PassageCounts::default(), PassageCounts::default());
        for _ in 0..300 {
            one_by_one.add_document(&mut vec![7, 7, 1 << 40]);
        }
        at_once.add(7, 300);
        at_once.add(1 << 40, 300);
        assert_eq!(
            one_by_one.tables, at_once.tables,
            "saturating at 255 either way"
        );
    }
}
