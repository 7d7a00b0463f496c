//! What the stages saw, one JSON object per line: for checking how an input was
//! read, tokenized and counted without writing outputs.

use std::io::Write;

use serde_json::json;

use super::Pipeline;
use super::corpus::{Corpus, Feed, source_parts};
use super::passes::{Analysis, Placing};
use crate::Error;
use crate::count::Counts;
use crate::ingest::Segment;
use crate::score::vocabulary_mask;
use crate::theme::discover::{DiscoverOptions, chunk_matrix};
use crate::window::Windows;

/// What [`Pipeline::inspect`] prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Inspect {
    /// Each input file: format, title, line counts, and its problems.
    Sources,
    /// Each timed segment of text.
    Segments,
    /// Each segment's tokens: surface words and the terms they stem to.
    Tokens,
    /// Each window's term counts (terms that meet `min-count`), as scored.
    Counts,
    /// The TF-IDF rows of the chunks that theme discovery factorises.
    Chunks,
}

impl Inspect {
    /// Every kind, in the order of the stages.
    pub const ALL: [Inspect; 5] = [
        Inspect::Sources,
        Inspect::Segments,
        Inspect::Tokens,
        Inspect::Counts,
        Inspect::Chunks,
    ];

    /// Its name (`segments`).
    pub fn name(self) -> &'static str {
        match self {
            Inspect::Sources => "sources",
            Inspect::Segments => "segments",
            Inspect::Tokens => "tokens",
            Inspect::Counts => "counts",
            Inspect::Chunks => "chunks",
        }
    }

    /// What it shows, for help.
    pub fn about(self) -> &'static str {
        match self {
            Inspect::Sources => "Each input file: format, title, line counts, and its problems.",
            Inspect::Segments => "Each timed segment of text.",
            Inspect::Tokens => "Each segment's tokens: surface words and the terms they stem to.",
            Inspect::Counts => "Each window's term counts (terms that meet min-count), as scored.",
            Inspect::Chunks => "The TF-IDF rows of the chunks that theme discovery factorises.",
        }
    }
}

impl Pipeline {
    /// Writes what the stages saw of `corpus` to `out`, one JSON object per line.
    pub fn inspect(
        &self,
        corpus: Corpus,
        what: Inspect,
        out: &mut (dyn Write + Send),
    ) -> Result<(), Error> {
        self.pool
            .install(|| self.inspect_in_pool(corpus, what, out))
    }

    fn inspect_in_pool(
        &self,
        corpus: Corpus,
        what: Inspect,
        out: &mut (dyn Write + Send),
    ) -> Result<(), Error> {
        let mut ingested = corpus.ingested;
        match what {
            Inspect::Sources => {
                for (id, source) in ingested.sources.iter().enumerate() {
                    let problems: Vec<_> = ingested
                        .diagnostics
                        .iter()
                        .filter(|d| d.file == source.path)
                        .collect();
                    let row = json!({"source": id, "input": source, "diagnostics": problems});
                    writeln!(out, "{row}")?;
                }
            }
            Inspect::Segments => {
                // What the parser read, as read: no axis, windows or languages.
                for part in source_parts(&ingested).into_iter().flatten() {
                    let parts = [part];
                    let feed = Feed::new(&ingested, &parts, &self.ingest_options);
                    write_rows(&feed, out, |segment, out| {
                        // The segment, and its speaker's name where it has one.
                        #[derive(serde::Serialize)]
                        struct Row<'a> {
                            #[serde(flatten)]
                            segment: &'a Segment,
                            #[serde(skip_serializing_if = "Option::is_none")]
                            speaker: Option<&'a str>,
                        }
                        let speaker = segment.speaker.and_then(|id| ingested.speaker(id));
                        let line = serde_json::to_string(&Row { segment, speaker })
                            .map_err(std::io::Error::from)?;
                        writeln!(out, "{line}")?;
                        Ok(())
                    })?;
                }
            }
            Inspect::Tokens => {
                let plan = self.plan(&mut ingested)?;
                for group in &plan.groups {
                    let feed = self.feed(&ingested, group);
                    let kept =
                        self.phrases_to_count(&feed, &plan.languages, group.passages.as_ref())?;
                    let placing = Placing {
                        windows: &group.windows,
                        kept: &kept,
                        languages: &plan.languages,
                        grids: &[],
                        passages: group.passages.as_ref(),
                    };
                    let mut analysis = Analysis::default();
                    write_rows(&feed, out, |segment, out| {
                        let (mut words, mut terms, mut windows, mut phrases) =
                            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                        self.analyze_segment(
                            segment,
                            placing,
                            &mut analysis,
                            |w, _, token| {
                                words.push(token.display.clone());
                                terms.push(token.term.clone());
                                windows.push(w.start);
                            },
                            |_, _, _, surface, _| phrases.push(surface.to_string()),
                        );
                        let row = json!({
                            "source": segment.source, "document": segment.document,
                            "line": segment.line, "start_ms": segment.start, "words": words,
                            "terms": terms, "windows": windows, "phrase_candidates": phrases,
                        });
                        writeln!(out, "{row}")?;
                        Ok(())
                    })?;
                }
            }
            Inspect::Counts | Inspect::Chunks => {
                let (counted, plan, mut tapes) =
                    self.count_ingested(&mut ingested, what == Inspect::Chunks)?;
                for (index, group) in counted.groups.into_iter().enumerate() {
                    let (counts, _) = self.claim(group.counts);
                    let windows = &plan.groups[index].windows;
                    if what == Inspect::Counts {
                        self.inspect_counts(&counts, &group.source, windows, out)?;
                    } else {
                        let tape = tapes.get_mut(index).and_then(Option::take);
                        self.inspect_chunks(tape, &plan.groups[index], &counts, out)?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    }

    fn inspect_counts(
        &self,
        counts: &Counts,
        source: &Option<String>,
        windows: &Windows,
        out: &mut (dyn Write + Send),
    ) -> Result<(), Error> {
        let mask = vocabulary_mask(counts, self.config.min_count);
        for (index, window) in counts.windows.iter().enumerate() {
            let terms: serde_json::Map<String, serde_json::Value> = window
                .terms
                .iter()
                .filter(|(id, _)| mask[*id as usize])
                .map(|(id, n)| (counts.terms[id as usize].term.clone(), json!(n)))
                .collect();
            let w = windows.window(index);
            let row = json!({
                "source": source,
                "window": index,
                "start_ms": w.start,
                "end_ms": w.end,
                "counts": terms,
            });
            writeln!(out, "{row}")?;
        }
        Ok(())
    }

    fn inspect_chunks(
        &self,
        tape: Option<super::tape::ChunkTape>,
        group: &super::plan::Group,
        counts: &Counts,
        out: &mut (dyn Write + Send),
    ) -> Result<(), Error> {
        let source = &group.source;
        let options = self.config.discover_options().unwrap_or_default();
        let tokens: u64 = counts.windows.iter().map(|w| w.tokens).sum();
        let chunk_tokens = options.chunk_length(tokens);
        let (chunks, _) = tape
            .map(|t| t.chunks(counts, chunk_tokens))
            .unwrap_or_default();
        let mask = vocabulary_mask(counts, self.config.min_count);
        let matrix = chunk_matrix(&chunks, &mask, DiscoverOptions::default().max_terms);
        for (row, &chunk) in matrix.matrix.rows.iter().zip(&matrix.rows) {
            let terms: serde_json::Map<String, serde_json::Value> = row
                .iter()
                .map(|&(c, v)| {
                    let term = &counts.terms[matrix.columns[c as usize] as usize].term;
                    (term.clone(), json!(v))
                })
                .collect();
            let windows = &chunks[chunk].windows;
            let line = json!({
                "source": source,
                "chunk": chunk,
                "windows": [windows.start, windows.end],
                "tokens": chunks[chunk].tokens,
                "terms": terms,
            });
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// Calls `row` for every segment of `feed`, stopping at the first failure.
fn write_rows(
    feed: &Feed<'_>,
    out: &mut (dyn Write + Send),
    mut row: impl FnMut(&Segment, &mut (dyn Write + Send)) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut written: Result<(), Error> = Ok(());
    feed.for_each(|segments| {
        for segment in segments {
            if written.is_ok() {
                written = row(segment, out);
            }
        }
    })?;
    written
}
