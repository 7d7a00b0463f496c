//! Per-window term counts that merge: the one place where work is split and joined.
//!
//! Counting is map-then-merge. Each worker (a thread's share of the segments, or
//! later a shard on another machine) fills its own [`CountBuilder`] with no
//! coordination, and builders merge by adding counts. Addition of integers is
//! associative and commutative, and [`CountBuilder::finish`] sorts the vocabulary,
//! so the resulting [`Counts`] is identical however the work was split: this is
//! what makes output byte-identical for any number of threads.
//!
//! Terms are stems; each term also keeps how often each surface word produced it,
//! so that the most frequent one can label the term for people.

use std::collections::hash_map::Entry;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::config::Millis;
use crate::tokenize::TokenStats;

/// A term's index in [`Counts::terms`]; ids follow the terms' sorted order.
pub type TermId = u32;

/// One term of the vocabulary and the surface words it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermInfo {
    /// The term (a stem).
    pub term: String,
    /// Occurrences in the whole run (each token once, even with sliding windows).
    pub total: u64,
    /// Surface words and their occurrences, most frequent first, then by word.
    pub forms: Vec<(String, u64)>,
}

impl TermInfo {
    /// The label people read: the most frequent surface word.
    pub fn label(&self) -> &str {
        self.forms
            .first()
            .map_or(self.term.as_str(), |(form, _)| form)
    }
}

/// The counts of one window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WindowCounts {
    /// Documents with a segment starting in the window.
    pub documents: u64,
    /// Segments that start in the window.
    pub segments: u64,
    /// Tokens (kept words) placed in the window.
    pub tokens: u64,
    /// `(term, count)` pairs, sorted by term id.
    pub terms: Vec<(TermId, u64)>,
}

/// Finished, canonical counts of a run: the vocabulary in sorted order and the
/// counts of every window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// The vocabulary, sorted by term; a term's position is its [`TermId`].
    pub terms: Vec<TermInfo>,
    /// Counts per window index.
    pub windows: Vec<WindowCounts>,
    /// What the analyzer saw.
    pub tokens: TokenStats,
    /// The end of the latest segment counted.
    pub extent: Millis,
}

impl Counts {
    /// The counts of the union of two inputs.
    pub fn merge(self, other: Counts) -> Counts {
        let windows = self.windows.len().max(other.windows.len());
        let mut builder = CountBuilder::from(self);
        builder.merge(CountBuilder::from(other));
        builder.finish(windows)
    }

    /// Looks a term up by its text.
    pub fn find(&self, term: &str) -> Option<TermId> {
        self.terms
            .binary_search_by(|t| t.term.as_str().cmp(term))
            .ok()
            .map(|i| i as TermId)
    }
}

/// Accumulates counts; one per worker, merged at the end.
#[derive(Debug, Default)]
pub struct CountBuilder {
    ids: FxHashMap<Box<str>, TermId>,
    terms: Vec<Box<str>>,
    /// Surface word → (its term, occurrences). A surface word always stems to the
    /// same term, so the word alone is the key.
    forms: FxHashMap<Box<str>, (TermId, u64)>,
    windows: Vec<FxHashMap<TermId, u64>>,
    tallies: Vec<Tally>,
    tokens: TokenStats,
    extent: Millis,
}

/// Per-window totals besides term counts.
#[derive(Debug, Clone, Default)]
struct Tally {
    segments: u64,
    tokens: u64,
    /// Documents seen in this process. A set, because one document's segments may
    /// be counted by several workers.
    documents: FxHashSet<u32>,
    /// Documents counted elsewhere (a finished [`Counts`] keeps only the number).
    documents_elsewhere: u64,
}

impl CountBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        CountBuilder::default()
    }

    fn intern(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = TermId::try_from(self.terms.len()).expect("fewer than 2^32 distinct terms");
        self.terms.push(term.into());
        self.ids.insert(term.into(), id);
        id
    }

    fn grow(&mut self, windows: usize) {
        if self.windows.len() < windows {
            self.windows.resize_with(windows, FxHashMap::default);
            self.tallies.resize_with(windows, Tally::default);
        }
    }

    /// Counts one token of `term`, written `surface` in the text, in each window of
    /// `windows`.
    pub fn add(&mut self, term: &str, surface: &str, windows: Range<usize>) {
        let id = match self.forms.get_mut(surface) {
            Some((id, n)) => {
                *n += 1;
                *id
            }
            None => {
                let id = self.intern(term);
                self.forms.insert(surface.into(), (id, 1));
                id
            }
        };
        self.grow(windows.end);
        for w in windows {
            *self.windows[w].entry(id).or_default() += 1;
            self.tallies[w].tokens += 1;
        }
    }

    /// Records a segment of `document` starting in `windows` and ending at `end`.
    pub fn add_segment(&mut self, windows: Range<usize>, document: u32, end: Millis) {
        self.grow(windows.end);
        for w in windows {
            self.tallies[w].segments += 1;
            self.tallies[w].documents.insert(document);
        }
        self.extent = self.extent.max(end);
    }

    /// Adds the analyzer's statistics.
    pub fn add_token_stats(&mut self, stats: &TokenStats) {
        self.tokens.merge(stats);
    }

    /// Adds another builder's counts into this one.
    pub fn merge(&mut self, other: CountBuilder) {
        let remap: Vec<TermId> = other.terms.iter().map(|t| self.intern(t)).collect();
        for (form, (id, n)) in other.forms {
            match self.forms.entry(form) {
                Entry::Occupied(mut e) => e.get_mut().1 += n,
                Entry::Vacant(e) => {
                    e.insert((remap[id as usize], n));
                }
            }
        }
        self.grow(other.windows.len());
        for (w, counts) in other.windows.into_iter().enumerate() {
            let mine = &mut self.windows[w];
            for (id, n) in counts {
                *mine.entry(remap[id as usize]).or_default() += n;
            }
        }
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            mine.segments += theirs.segments;
            mine.tokens += theirs.tokens;
            mine.documents.extend(theirs.documents);
            mine.documents_elsewhere += theirs.documents_elsewhere;
        }
        self.tokens.merge(&other.tokens);
        self.extent = self.extent.max(other.extent);
    }

    /// Sorts the vocabulary and freezes the counts, with at least `windows` windows.
    pub fn finish(mut self, windows: usize) -> Counts {
        self.grow(windows);
        let mut order: Vec<TermId> = (0..self.terms.len() as TermId).collect();
        order.sort_unstable_by(|&a, &b| self.terms[a as usize].cmp(&self.terms[b as usize]));
        let mut new_id = vec![0 as TermId; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as TermId;
        }

        let mut terms: Vec<TermInfo> = order
            .iter()
            .map(|&old| TermInfo {
                term: self.terms[old as usize].to_string(),
                total: 0,
                forms: Vec::new(),
            })
            .collect();
        for (form, (old, n)) in self.forms {
            let info = &mut terms[new_id[old as usize] as usize];
            info.total += n;
            info.forms.push((form.into_string(), n));
        }
        for info in &mut terms {
            info.forms
                .sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }

        let windows = self
            .windows
            .into_iter()
            .zip(self.tallies)
            .map(|(counts, tally)| {
                let mut terms: Vec<(TermId, u64)> = counts
                    .into_iter()
                    .map(|(old, n)| (new_id[old as usize], n))
                    .collect();
                terms.sort_unstable();
                WindowCounts {
                    documents: tally.documents.len() as u64 + tally.documents_elsewhere,
                    segments: tally.segments,
                    tokens: tally.tokens,
                    terms,
                }
            })
            .collect();
        Counts {
            terms,
            windows,
            tokens: self.tokens,
            extent: self.extent,
        }
    }
}

impl From<Counts> for CountBuilder {
    fn from(counts: Counts) -> Self {
        let mut builder = CountBuilder {
            tokens: counts.tokens,
            extent: counts.extent,
            ..CountBuilder::default()
        };
        for info in &counts.terms {
            let id = builder.intern(&info.term);
            for (form, n) in &info.forms {
                builder.forms.insert(form.as_str().into(), (id, *n));
            }
        }
        builder.grow(counts.windows.len());
        for (w, window) in counts.windows.into_iter().enumerate() {
            builder.windows[w].extend(window.terms);
            builder.tallies[w] = Tally {
                segments: window.segments,
                tokens: window.tokens,
                documents: FxHashSet::default(),
                documents_elsewhere: window.documents,
            };
        }
        builder
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A token: (window, stem index, surface variant).
    type Op = (usize, u8, u8);

    fn build(ops: &[Op]) -> CountBuilder {
        let mut b = CountBuilder::new();
        for &(w, stem, variant) in ops {
            let term = format!("t{stem}");
            let surface = format!("t{stem}{}", "s".repeat(variant as usize));
            b.add(&term, &surface, w..w + 1 + (variant as usize % 2));
            b.add_segment(w..w + 1, u32::from(stem), (w as Millis + 1) * 1000);
        }
        b
    }

    fn counts(ops: &[Op]) -> Counts {
        build(ops).finish(0)
    }

    #[test]
    fn terms_are_sorted_and_labelled_by_their_most_frequent_form() {
        let mut b = CountBuilder::new();
        b.add("secur", "security", 0..1);
        b.add("secur", "secure", 1..2);
        b.add("secur", "security", 1..2);
        b.add("ai", "ai", 0..2);
        let counts = b.finish(3);
        let terms: Vec<_> = counts
            .terms
            .iter()
            .map(|t| (t.term.as_str(), t.label(), t.total))
            .collect();
        assert_eq!(terms, [("ai", "ai", 1), ("secur", "security", 3)]);
        assert_eq!(counts.windows.len(), 3);
        assert_eq!(counts.windows[0].terms, [(0, 1), (1, 1)]);
        assert_eq!(counts.windows[1].terms, [(0, 1), (1, 2)]);
        assert_eq!(counts.windows[1].tokens, 3);
        assert!(counts.windows[2].terms.is_empty());
        assert_eq!(counts.find("secur"), Some(1));
        assert_eq!(counts.find("nope"), None);
    }

    #[test]
    fn label_ties_break_alphabetically() {
        let mut b = CountBuilder::new();
        b.add("run", "runs", 0..1);
        b.add("run", "running", 0..1);
        assert_eq!(b.finish(1).terms[0].label(), "running");
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec((0usize..6, 0u8..12, 0u8..3), 0..60)
    }

    proptest! {
        #[test]
        fn merging_shards_equals_counting_everything(a in ops(), b in ops()) {
            let whole: Vec<Op> = a.iter().chain(&b).copied().collect();
            let mut merged = build(&a);
            merged.merge(build(&b));
            prop_assert_eq!(merged.finish(0), counts(&whole));
        }

        #[test]
        fn merge_is_commutative(a in ops(), b in ops()) {
            prop_assert_eq!(counts(&a).merge(counts(&b)), counts(&b).merge(counts(&a)));
        }

        #[test]
        fn merge_is_associative(a in ops(), b in ops(), c in ops()) {
            let left = counts(&a).merge(counts(&b)).merge(counts(&c));
            let right = counts(&a).merge(counts(&b).merge(counts(&c)));
            prop_assert_eq!(left, right);
        }

        #[test]
        fn empty_counts_are_the_identity(a in ops()) {
            prop_assert_eq!(counts(&a).merge(Counts::default()), counts(&a));
        }

        #[test]
        fn a_round_trip_through_the_builder_changes_nothing(a in ops()) {
            let c = counts(&a);
            let n = c.windows.len();
            prop_assert_eq!(CountBuilder::from(c.clone()).finish(n), c);
        }
    }
}
