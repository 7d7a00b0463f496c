//! The chunks theme discovery factorises, recorded while counting.
//!
//! Discovery cuts a timeline's text into chunks: stretches of one document whose
//! tokens fall in the same windows, of at least a number of tokens that depends
//! on the timeline's total, which only counting knows. Analysing the text a
//! second time to cut them was a third of a default run (5 of 17 s on 100 MB
//! of transcript). Instead each counting worker records what cutting needs of
//! every segment it counts, on a tape: the segment's document and speaker, then
//! for each token its term's id (in the worker's builder) and each change of
//! the windows it falls in, and each kept phrase that ends at it. Varints: a
//! token is one or two bytes. Replaying the tapes in reading order (batch by
//! batch, each batch's workers in order) gives exactly the events the text
//! would, so the chunks are the same.

use std::ops::Range;

use crate::count::packed::{put, take};
use crate::count::{Counts, Packed, TermId};
use crate::theme::discover::Chunk;

/// A chunk's tokens per speaker (ingest index; `None` for segments without one),
/// in the order the speakers first speak in it.
pub(crate) type ChunkSpeakers = Vec<(Option<u32>, u64)>;

const TOKEN: u64 = 0;
const PHRASE: u64 = 1;
const WINDOWS: u64 = 2;
const SEGMENT: u64 = 3;

/// One counting worker's tape.
#[derive(Debug, Default)]
pub(crate) struct TapeWriter {
    bytes: Vec<u8>,
    /// `(batch, offset)`: where the worker's share of each batch starts.
    batches: Vec<(usize, usize)>,
    /// The windows of the last event written in the current segment.
    windows: Option<Range<usize>>,
}

impl TapeWriter {
    /// The worker's share of batch `batch` starts.
    pub(crate) fn batch(&mut self, batch: usize) {
        self.batches.push((batch, self.bytes.len()));
    }

    /// A segment of `document`, spoken by `speaker`, starts.
    pub(crate) fn segment(&mut self, document: u32, speaker: Option<u32>) {
        put(&mut self.bytes, (u64::from(document) << 2) | SEGMENT);
        put(&mut self.bytes, speaker.map_or(0, |s| u64::from(s) + 1));
        self.windows = None;
    }

    fn windows(&mut self, windows: &Range<usize>) {
        if self.windows.as_ref() != Some(windows) {
            put(&mut self.bytes, WINDOWS);
            put(&mut self.bytes, windows.start as u64);
            put(&mut self.bytes, (windows.end - windows.start) as u64);
            self.windows = Some(windows.clone());
        }
    }

    /// A token of the builder's term `id`, in `windows`.
    pub(crate) fn token(&mut self, windows: &Range<usize>, id: TermId) {
        self.windows(windows);
        put(&mut self.bytes, (u64::from(id) << 2) | TOKEN);
    }

    /// A kept phrase, the builder's term `id`, ending at a token in `windows`.
    pub(crate) fn phrase(&mut self, windows: &Range<usize>, id: TermId) {
        self.windows(windows);
        put(&mut self.bytes, (u64::from(id) << 2) | PHRASE);
    }
}

/// A timeline's tapes, one per counting worker, with each worker's term keys.
#[derive(Debug, Default)]
pub(crate) struct ChunkTape {
    workers: Vec<(TapeWriter, Vec<Box<str>>)>,
}

impl ChunkTape {
    /// Adds a worker's tape, with its builder's term keys by id.
    pub(crate) fn add(&mut self, writer: TapeWriter, keys: Vec<Box<str>>) {
        self.workers.push((writer, keys));
    }

    /// Cuts the recorded text into chunks of at least `chunk_tokens` tokens,
    /// counted against `counts` (the claimed counts: terms and phrases they no
    /// longer hold count as tokens only).
    pub(crate) fn chunks(
        &self,
        counts: &Counts,
        chunk_tokens: u64,
    ) -> (Vec<Chunk>, Vec<ChunkSpeakers>) {
        use rayon::prelude::*;
        // Each worker's ids in the claimed counts.
        let ids: Vec<Vec<Option<TermId>>> = self
            .workers
            .par_iter()
            .map(|(_, keys)| keys.iter().map(|key| counts.find(key)).collect())
            .collect();
        let components: Vec<Vec<TermId>> = counts
            .terms
            .iter()
            .map(|info| {
                info.components
                    .iter()
                    .filter_map(|c| counts.find(c))
                    .collect()
            })
            .collect();
        // Reading order: batch by batch, each batch's workers in order.
        let mut order: Vec<(usize, usize, Range<usize>)> = Vec::new();
        for (w, (writer, _)) in self.workers.iter().enumerate() {
            for (i, &(batch, start)) in writer.batches.iter().enumerate() {
                let end = writer
                    .batches
                    .get(i + 1)
                    .map_or(writer.bytes.len(), |b| b.1);
                order.push((batch, w, start..end));
            }
        }
        order.sort_by_key(|&(batch, w, _)| (batch, w));
        let mut cutter = Cutter {
            chunk_tokens,
            components: &components,
            ..Cutter::default()
        };
        for (_, w, range) in order {
            let ids = &ids[w];
            let mut bytes = &self.workers[w].0.bytes[range];
            let mut windows = 0..0;
            while !bytes.is_empty() {
                let (value, rest) = take(bytes);
                bytes = rest;
                match value & 3 {
                    SEGMENT => {
                        let (speaker, rest) = take(bytes);
                        bytes = rest;
                        cutter.end_segment();
                        cutter.segment = Some((
                            (value >> 2) as u32,
                            speaker.checked_sub(1).map(|s| s as u32),
                        ));
                    }
                    WINDOWS => {
                        let (start, rest) = take(bytes);
                        let (len, rest) = take(rest);
                        bytes = rest;
                        windows = start as usize..(start + len) as usize;
                    }
                    TOKEN => cutter.token(&windows, ids[(value >> 2) as usize]),
                    _ => cutter.phrase(&windows, ids[(value >> 2) as usize]),
                }
            }
        }
        cutter.end_segment();
        cutter.finish()
    }
}

/// Cuts chunks from the events of the text, segment by segment in reading order.
#[derive(Default)]
struct Cutter<'a> {
    chunk_tokens: u64,
    /// Each term's components (a phrase's words), by id in the counts.
    components: &'a [Vec<TermId>],
    /// The current segment's document and speaker.
    segment: Option<(u32, Option<u32>)>,
    /// The current segment's pieces.
    pieces: Vec<Piece>,
    /// The chunk being filled: its document, its pieces so far, its speakers.
    open: Option<(u32, Piece, ChunkSpeakers)>,
    chunks: Vec<Chunk>,
    speakers: Vec<ChunkSpeakers>,
}

impl Cutter<'_> {
    /// A token in `windows` of the term `id` (`None`: a term the counts no longer
    /// hold, a token all the same). A new piece where the windows change, and
    /// every `chunk_tokens` tokens of a long segment (a whole document is often
    /// one segment).
    fn token(&mut self, windows: &Range<usize>, id: Option<TermId>) {
        if self
            .pieces
            .last()
            .is_none_or(|p| p.windows != *windows || p.tokens >= self.chunk_tokens)
        {
            self.pieces.push(Piece {
                windows: windows.clone(),
                ..Piece::default()
            });
        }
        let piece = self.pieces.last_mut().expect("a piece was just made");
        piece.tokens += 1;
        if let Some(id) = id {
            piece.terms.push(id);
        }
    }

    /// A kept phrase ending at a token in `windows`: it claims its words in the
    /// piece of that token.
    fn phrase(&mut self, windows: &Range<usize>, id: Option<TermId>) {
        let Some(id) = id else { return };
        let Some(piece) = self.pieces.last_mut().filter(|p| p.windows == *windows) else {
            return;
        };
        piece.claims.extend(&self.components[id as usize]);
        piece.terms.push(id);
    }

    /// The segment ends: its pieces join the open chunk while they continue it
    /// (same document, same windows, the chunk still short), else start one.
    fn end_segment(&mut self) {
        let Some((document, speaker)) = self.segment else {
            return;
        };
        for piece in std::mem::take(&mut self.pieces) {
            let spoken = (speaker, piece.tokens);
            match &mut self.open {
                Some((open_document, chunk, by_speaker))
                    if *open_document == document
                        && chunk.windows == piece.windows
                        && chunk.tokens < self.chunk_tokens =>
                {
                    chunk.tokens += piece.tokens;
                    chunk.terms.extend(piece.terms);
                    chunk.claims.extend(piece.claims);
                    add_spoken(by_speaker, spoken);
                }
                _ => {
                    if let Some((_, chunk, by_speaker)) = self.open.take() {
                        self.chunks.push(chunk.close());
                        self.speakers.push(by_speaker);
                    }
                    self.open = Some((document, piece, vec![spoken]));
                }
            }
        }
        self.segment = None;
    }

    fn finish(mut self) -> (Vec<Chunk>, Vec<ChunkSpeakers>) {
        if let Some((_, chunk, by_speaker)) = self.open.take() {
            self.chunks.push(chunk.close());
            self.speakers.push(by_speaker);
        }
        (self.chunks, self.speakers)
    }
}

fn add_spoken(by_speaker: &mut ChunkSpeakers, (speaker, tokens): (Option<u32>, u64)) {
    match by_speaker.iter_mut().find(|(s, _)| *s == speaker) {
        Some((_, n)) => *n += tokens,
        None => by_speaker.push((speaker, tokens)),
    }
}

/// A stretch of one segment in one set of windows: its terms, one entry per
/// occurrence, and the word occurrences kept phrases claimed.
#[derive(Default)]
struct Piece {
    windows: Range<usize>,
    tokens: u64,
    terms: Vec<TermId>,
    claims: Vec<TermId>,
}

impl Piece {
    /// The chunk of this piece: its terms counted, claimed occurrences taken off.
    fn close(self) -> Chunk {
        let (mut terms, mut claims) = (self.terms, self.claims);
        terms.sort_unstable();
        claims.sort_unstable();
        let mut counts: Vec<(TermId, u64)> = Vec::new();
        for term in terms {
            match counts.last_mut() {
                Some((t, n)) if *t == term => *n += 1,
                _ => counts.push((term, 1)),
            }
        }
        let mut c = 0;
        for (term, n) in &mut counts {
            while c < claims.len() && claims[c] < *term {
                c += 1;
            }
            while c < claims.len() && claims[c] == *term {
                *n = n.saturating_sub(1);
                c += 1;
            }
        }
        counts.retain(|&(_, n)| n > 0);
        Chunk {
            windows: self.windows,
            tokens: self.tokens,
            terms: Packed::from_sorted(&counts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    /// Counts holding `a`, `b`, `c` and the phrase `a b`.
    fn counts() -> Counts {
        let mut builder = CountBuilder::new();
        for term in ["a", "b", "c"] {
            builder.add(term, term, 0..2);
        }
        builder.add_phrase("a b", "a b", &["a", "b"], 0..1);
        builder.finish(2)
    }

    /// A chunk as its windows, tokens and `(term, count)` pairs.
    type Cut = (Range<usize>, u64, Vec<(String, u64)>);

    fn terms(chunk: &Chunk, counts: &Counts) -> Vec<(String, u64)> {
        chunk
            .terms
            .iter()
            .map(|(t, n)| (counts.terms[t as usize].term.clone(), n))
            .collect()
    }

    #[test]
    fn replayed_in_reading_order_the_tapes_cut_the_chunks_the_text_would() {
        let counts = counts();
        let (w01, w12) = (0..1, 1..2);
        // Worker 0 knows a, b, a term the claimed counts no longer hold, and the
        // phrase; worker 1 has its own ids.
        let mut first = TapeWriter::default();
        let mut second = TapeWriter::default();
        first.batch(0);
        first.segment(0, None);
        first.token(&w01, 0);
        first.token(&w01, 1);
        first.phrase(&w01, 3);
        first.token(&w01, 2);
        second.batch(0);
        second.segment(0, Some(1));
        second.token(&w01, 0);
        second.token(&w01, 1);
        // Batch 1: a long segment of worker 0 cut every three tokens, then a
        // segment of another document on worker 1.
        second.batch(1);
        second.segment(1, None);
        second.token(&w12, 0);
        first.batch(1);
        first.segment(0, None);
        for _ in 0..4 {
            first.token(&w12, 0);
        }
        let mut tape = ChunkTape::default();
        tape.add(first, ["a", "b", "gone", "a b"].map(Box::from).to_vec());
        tape.add(second, ["b", "a"].map(Box::from).to_vec());
        let (chunks, speakers) = tape.chunks(&counts, 3);
        let cut: Vec<Cut> = chunks
            .iter()
            .map(|c| (c.windows.clone(), c.tokens, terms(c, &counts)))
            .collect();
        let owned = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
            pairs.iter().map(|&(t, n)| (t.to_string(), n)).collect()
        };
        assert_eq!(
            cut,
            [
                // The phrase claimed its words; the lost term is a token only.
                (0..1, 3, owned(&[("a b", 1)])),
                // Three tokens already: worker 1's segment starts a chunk.
                (0..1, 2, owned(&[("a", 1), ("b", 1)])),
                // Worker 0's long segment: three tokens, then the fourth, which
                // the next document's segment does not continue.
                (1..2, 3, owned(&[("a", 3)])),
                (1..2, 1, owned(&[("a", 1)])),
                (1..2, 1, owned(&[("b", 1)])),
            ]
        );
        assert_eq!(
            speakers,
            [
                vec![(None, 3)],
                vec![(Some(1), 2)],
                vec![(None, 3)],
                vec![(None, 1)],
                vec![(None, 1)],
            ]
        );
    }
}
