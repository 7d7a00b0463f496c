//! What a run read, and one way for every pass to go through it.
//!
//! Small inputs are held in memory; inputs beyond `stream-bytes` are read again
//! from disk by each pass that needs their text (see [`crate::ingest::stream`]).
//! A [`Feed`] hides the difference: it hands a pass the segments of one
//! timeline in reading order, batch by batch, whether they are held or read
//! again, so each pass is written once.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::ingest::stream::{self, StreamedSource};
use crate::ingest::{
    Diagnostic, IngestError, IngestOptions, Ingested, LineCounts, Segment, Source,
};

/// Everything read from the inputs of a run: its sources, their segments, and
/// every problem found, before the run settles its time axis and windows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corpus {
    pub(crate) ingested: Ingested,
}

impl From<Ingested> for Corpus {
    fn from(ingested: Ingested) -> Self {
        Corpus { ingested }
    }
}

impl Corpus {
    /// The inputs, in the order read.
    pub fn sources(&self) -> &[Source] {
        &self.ingested.sources
    }

    /// Every problem found, in reading order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.ingested.diagnostics
    }

    /// Problems by kind.
    pub fn diagnostic_counts(&self) -> BTreeMap<&'static str, u64> {
        self.ingested.diagnostic_counts()
    }

    /// Skipped lines by the kind of problem that skipped them.
    pub fn skipped_line_counts(&self) -> BTreeMap<&'static str, u64> {
        self.ingested.skipped_line_counts()
    }

    /// Line counts summed over sources.
    pub fn line_counts(&self) -> LineCounts {
        self.ingested.line_counts()
    }

    /// Segments read, held or streamed.
    pub fn segment_count(&self) -> u64 {
        self.ingested.segment_count()
    }

    /// What the readers produced, as they produced it.
    pub fn ingested(&self) -> &Ingested {
        &self.ingested
    }
}

/// A run of a timeline's segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Segments held in [`Ingested::segments`].
    Held(Range<usize>),
    /// A large input read in pieces: an index into [`Ingested::streamed`].
    Streamed(usize),
}

/// Each source's segments, by source index: held (a contiguous run of
/// [`Ingested::segments`], which holds them in source order) or streamed.
pub(crate) fn source_parts(ingested: &Ingested) -> Vec<Option<Part>> {
    let mut parts: Vec<Option<Part>> = vec![None; ingested.sources.len()];
    let mut from = 0;
    for (i, segment) in ingested.segments.iter().enumerate() {
        let next = ingested.segments.get(i + 1).map(|s| s.source);
        if next != Some(segment.source) {
            parts[segment.source as usize] = Some(Part::Held(from..i + 1));
            from = i + 1;
        }
    }
    for (i, streamed) in ingested.streamed.iter().enumerate() {
        parts[streamed.source as usize] = Some(Part::Streamed(i));
    }
    parts
}

/// How much text a batch of a streamed file holds.
const BATCH_BYTES: usize = 16 << 20;

/// The segments of one timeline, in reading order, held or read again.
#[derive(Debug, Clone)]
pub(crate) struct Feed<'a> {
    held: &'a [Segment],
    streamed: &'a [StreamedSource],
    parts: &'a [Part],
    options: &'a IngestOptions,
}

impl<'a> Feed<'a> {
    /// The parts `parts` of `ingested`.
    pub(crate) fn new(
        ingested: &'a Ingested,
        parts: &'a [Part],
        options: &'a IngestOptions,
    ) -> Self {
        Feed {
            held: &ingested.segments,
            streamed: &ingested.streamed,
            parts,
            options,
        }
    }

    /// Calls `f` with the segments, in reading order: held segments in one slice
    /// per run, streamed files in batches read again from disk (on a thread of
    /// their own, while the batch before is worked on).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[Segment])) -> Result<(), IngestError> {
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            if let Part::Held(range) = part {
                f(&self.held[range.clone()]);
                continue;
            }
            // A run of streamed files, read in batches that may span small files.
            let mut run: Vec<&StreamedSource> = Vec::new();
            let mut next = Some(part);
            while let Some(Part::Streamed(i)) = next {
                run.push(&self.streamed[*i]);
                next = match parts.peek() {
                    Some(Part::Streamed(_)) => parts.next(),
                    _ => None,
                };
            }
            let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Segment>>(1);
            let (options, run) = (self.options, &run);
            std::thread::scope(|scope| -> Result<(), IngestError> {
                let reader = scope.spawn(move || {
                    stream::replay_all(run, options, BATCH_BYTES, |batch| {
                        // A closed channel means the consumer is gone; the read
                        // still runs to its end.
                        let _ = sender.send(batch);
                    })
                });
                for batch in &batches {
                    f(&batch);
                }
                reader.join().expect("the reading thread does not panic")
            })?;
        }
        Ok(())
    }
}
