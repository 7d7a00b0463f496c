//! In how many documents each term occurs: what tells a collection's boilerplate
//! (sponsor reads, intros, URL pieces) from its topics.
//!
//! A worker reads contiguous pieces of the text, so a document's segments reach
//! it in one run, except where a piece starts or ends inside a document whose
//! other segments another worker (or the next batch) reads. A document wholly
//! inside a piece is counted at once; the first and last document of every piece
//! keep their terms until the end, where the parts of each are joined. So the
//! counts are exact, whatever the split.

use rustc_hash::FxHashMap;

use super::TermId;

/// Document frequencies while counting: one per worker.
#[derive(Debug)]
pub(super) struct DocumentTally {
    /// The document whose segments are being read, and its distinct terms so far.
    current: Option<u32>,
    terms: Vec<TermId>,
    /// Per term (this builder's ids), the generation of the document part that
    /// last listed it: a term is listed once per part, however often it occurs.
    seen: Vec<u32>,
    /// The current document part's generation (never 0, what `seen` starts at).
    generation: u32,
    /// Whether `current` is the first document of its piece.
    first_in_piece: bool,
    /// Documents counted in full, by term (this builder's ids).
    frequency: Vec<u64>,
    /// How many documents those are.
    documents: u64,
    /// Documents that may continue in another piece: their terms so far.
    open: FxHashMap<u32, OpenTerms>,
}

/// The terms of a document that may continue elsewhere: possibly repeated, the
/// first `distinct` of them sorted and distinct.
#[derive(Debug, Default)]
struct OpenTerms {
    terms: Vec<TermId>,
    distinct: usize,
}

impl OpenTerms {
    fn dedup(&mut self) {
        self.terms.sort_unstable();
        self.terms.dedup();
        self.distinct = self.terms.len();
    }
}

impl Default for DocumentTally {
    fn default() -> Self {
        DocumentTally {
            current: None,
            terms: Vec::new(),
            seen: Vec::new(),
            generation: 1,
            first_in_piece: true,
            frequency: Vec::new(),
            documents: 0,
            open: FxHashMap::default(),
        }
    }
}

impl DocumentTally {
    /// A segment of `document` begins.
    pub(super) fn segment(&mut self, document: u32) {
        if self.current != Some(document) {
            self.close();
            self.current = Some(document);
        }
    }

    /// The current document holds `term`.
    pub(super) fn term(&mut self, term: TermId) {
        if self.current.is_none() {
            return;
        }
        let i = term as usize;
        if self.seen.len() <= i {
            self.seen.resize((i + 1).next_power_of_two(), 0);
        }
        if self.seen[i] != self.generation {
            self.seen[i] = self.generation;
            self.terms.push(term);
        }
    }

    /// The current document part is done: the next one lists its terms afresh.
    fn next_generation(&mut self) {
        self.terms.clear();
        if self.generation == u32::MAX {
            self.seen.fill(0);
            self.generation = 0;
        }
        self.generation += 1;
    }

    /// The current document is done (in this piece).
    fn close(&mut self) {
        let Some(document) = self.current.take() else {
            return;
        };
        if self.first_in_piece {
            self.keep_open(document);
        } else {
            for &t in &self.terms {
                bump(&mut self.frequency, t, 1);
            }
            self.documents += 1;
        }
        self.next_generation();
        self.first_in_piece = false;
    }

    /// Adds the current part's terms to `document`'s open list. The list is
    /// deduplicated only when it has doubled since (a document read in many
    /// batches would otherwise sort its whole vocabulary once per batch), and in
    /// full before it is read.
    fn keep_open(&mut self, document: u32) {
        let open = self.open.entry(document).or_default();
        open.terms.extend_from_slice(&self.terms);
        if open.terms.len() >= 2 * open.distinct.max(1024) {
            open.dedup();
        }
    }

    /// The worker's piece ends: its last document may go on in another.
    pub(super) fn end_piece(&mut self) {
        if let Some(document) = self.current.take() {
            self.keep_open(document);
            self.next_generation();
        }
        self.first_in_piece = true;
    }

    /// Adds another worker's tally, its term ids mapped by `remap`.
    pub(super) fn merge(&mut self, mut other: DocumentTally, remap: &[TermId]) {
        other.end_piece();
        for (t, &n) in other.frequency.iter().enumerate() {
            if n > 0 {
                bump(&mut self.frequency, remap[t], n);
            }
        }
        self.documents += other.documents;
        for (document, mut terms) in other.open {
            terms.dedup();
            let open = self.open.entry(document).or_default();
            open.terms
                .extend(terms.terms.into_iter().map(|t| remap[t as usize]));
            open.dedup();
        }
    }

    /// Adds finished frequencies (a count of `documents` documents).
    pub(super) fn add_counted(
        &mut self,
        frequency: impl Iterator<Item = (TermId, u64)>,
        documents: u64,
    ) {
        for (t, n) in frequency {
            bump(&mut self.frequency, t, n);
        }
        self.documents += documents;
    }

    /// Every document's parts joined: the frequency of each term (this builder's
    /// ids) and the number of documents.
    pub(super) fn finish(mut self) -> (Vec<u64>, u64) {
        self.end_piece();
        for mut terms in self.open.into_values() {
            terms.dedup();
            for t in terms.terms {
                bump(&mut self.frequency, t, 1);
            }
            self.documents += 1;
        }
        (self.frequency, self.documents)
    }
}

fn bump(frequency: &mut Vec<u64>, term: TermId, n: u64) {
    let i = term as usize;
    if frequency.len() <= i {
        frequency.resize(i + 1, 0);
    }
    frequency[i] += n;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece of `(document, terms)` segments.
    fn piece(tally: &mut DocumentTally, segments: &[(u32, &[TermId])]) {
        for &(document, terms) in segments {
            tally.segment(document);
            for &t in terms {
                tally.term(t);
            }
        }
        tally.end_piece();
    }

    #[test]
    fn a_document_split_between_workers_counts_once() {
        let identity: Vec<TermId> = (0..10).collect();
        // Document 1 runs from the first worker's piece into the second's.
        let mut a = DocumentTally::default();
        piece(&mut a, &[(0, &[1, 2]), (1, &[2])]);
        let mut b = DocumentTally::default();
        piece(&mut b, &[(1, &[2, 3]), (2, &[3]), (3, &[3])]);
        a.merge(b, &identity);
        let (frequency, documents) = a.finish();
        assert_eq!(documents, 4);
        assert_eq!(&frequency[..4], [0, 1, 2, 3]);
    }

    #[test]
    fn the_split_does_not_change_the_counts() {
        let identity: Vec<TermId> = (0..10).collect();
        let segments: Vec<(u32, Vec<TermId>)> =
            (0..12).map(|i| (i / 3, vec![i % 4, (i * 7) % 5])).collect();
        let whole = {
            let mut t = DocumentTally::default();
            let view: Vec<(u32, &[TermId])> =
                segments.iter().map(|(d, t)| (*d, t.as_slice())).collect();
            piece(&mut t, &view);
            t.finish()
        };
        for cut in 1..12 {
            let view: Vec<(u32, &[TermId])> =
                segments.iter().map(|(d, t)| (*d, t.as_slice())).collect();
            let mut a = DocumentTally::default();
            piece(&mut a, &view[..cut]);
            let mut b = DocumentTally::default();
            piece(&mut b, &view[cut..]);
            b.merge(a, &identity);
            let (mut frequency, documents) = b.finish();
            frequency.resize(whole.0.len().max(frequency.len()), 0);
            let mut expected = whole.0.clone();
            expected.resize(frequency.len(), 0);
            assert_eq!((frequency, documents), (expected, whole.1), "cut at {cut}");
        }
    }
}
