//! The stages wired together: inputs in, a [`Timeline`] out.
//!
//! [`Pipeline`] owns nothing but the run's options and its analyzer; each call runs
//! ingest → tokenize → stem → window → count → score and returns plain data. The
//! expensive middle (tokenize, stem, count) is a rayon fold over segments: every
//! worker gets its own stem cache and [`CountBuilder`], and the builders are merged
//! at the end. The [`Timeline`] is what every emitter reads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::Error;
use crate::config::{Config, Millis, clock_label};
use crate::count::{CountBuilder, Counts};
use crate::ingest::{self, Diagnostic, IngestOptions, Ingested, LineCounts, Segment, Source};
use crate::score::{TfIdf, top_terms, vocabulary_mask};
use crate::stem::{Language, StemCache};
use crate::tokenize::{Analyzer, DropReason, TokenStats};
use crate::window::{WindowGrid, token_time};

/// Version of the `timeline.json` layout; bumped on breaking changes.
pub const SCHEMA_VERSION: u32 = 1;

/// How many diagnostics `timeline.json` lists one by one (all are counted).
pub const MAX_LISTED_DIAGNOSTICS: usize = 1000;

/// A configured run of the stages.
#[derive(Debug)]
pub struct Pipeline {
    config: Config,
    analyzer: Analyzer,
}

/// Builds a [`Pipeline`] from typed options; every option defaults to
/// [`Config::default`].
#[derive(Debug, Clone, Default)]
pub struct PipelineBuilder {
    config: Config,
}

impl PipelineBuilder {
    /// Window length.
    pub fn window(mut self, size: std::time::Duration) -> Self {
        self.config.window = size.as_millis() as Millis;
        self
    }

    /// Distance between window starts, for overlapping windows.
    pub fn step(mut self, step: std::time::Duration) -> Self {
        self.config.step = Some(step.as_millis() as Millis);
        self
    }

    /// Ranked terms kept per window (0 keeps all).
    pub fn top(mut self, top: usize) -> Self {
        self.config.top = top;
        self
    }

    /// Minimum occurrences of a term in the run for it to be scored.
    pub fn min_count(mut self, min_count: u64) -> Self {
        self.config.min_count = min_count;
        self
    }

    /// Stemming language.
    pub fn language(mut self, language: Language) -> Self {
        self.config.language = language;
        self
    }

    /// The TF-IDF variant.
    pub fn tfidf(mut self, tfidf: TfIdf) -> Self {
        self.config.tf = tfidf.tf;
        self.config.idf = tfidf.idf;
        self.config.norm = tfidf.norm;
        self
    }

    /// Fail on the first input problem.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// Replaces the whole configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Checks the options and loads word lists.
    pub fn build(self) -> Result<Pipeline, Error> {
        Pipeline::new(self.config)
    }
}

/// One ranked term of a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedTerm {
    /// 1 for the best term of the window.
    pub rank: u32,
    /// The term (a stem): stable across windows and runs, for joining.
    pub term: String,
    /// The word people read: the term's most frequent surface form.
    pub label: String,
    /// The term's score in the window.
    pub score: f64,
    /// The term's count in the window.
    pub count: u64,
}

/// One window of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowReport {
    /// Position on the grid, from 0.
    pub index: usize,
    /// Start, in seconds from the start of the recording.
    pub start: f64,
    /// End (exclusive), in seconds.
    pub end: f64,
    /// Start as `H:MM:SS`.
    pub start_label: String,
    /// End as `H:MM:SS`.
    pub end_label: String,
    /// Segments starting in the window.
    pub segments: u64,
    /// Tokens in the window, before `min_count` pruning.
    pub tokens: u64,
    /// The best-ranked terms.
    pub terms: Vec<RankedTerm>,
}

/// Totals over the whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistics {
    /// How the input lines were used, summed over sources.
    pub lines: LineCounts,
    /// Segments read.
    pub segments: u64,
    /// Words found by segmentation.
    pub words: u64,
    /// Words kept as tokens.
    pub tokens: u64,
    /// Words dropped, by reason.
    pub dropped: BTreeMap<DropReason, u64>,
    /// Stage directions such as `[Music]`, by name.
    pub stage_directions: BTreeMap<String, u64>,
    /// Distinct terms.
    pub terms: u64,
    /// Distinct terms that met `min_count` and were scored.
    pub terms_scored: u64,
    /// Windows in the timeline.
    pub windows: u64,
    /// Input problems, by kind.
    pub diagnostics: BTreeMap<&'static str, u64>,
}

/// What a run read, how, and what it found.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Always `themeline`.
    pub tool: &'static str,
    /// The themeline version that wrote the file.
    pub version: &'static str,
    /// `offset`: times are seconds from the start of the recording.
    pub time_axis: &'static str,
    /// The inputs, in the order read.
    pub inputs: Vec<Source>,
    /// The options of the run.
    pub options: Config,
    /// Totals.
    pub statistics: Statistics,
    /// Input problems, in reading order (the first [`MAX_LISTED_DIAGNOSTICS`]).
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of a run: what every emitter writes out.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// Version of this layout.
    pub schema_version: u32,
    /// Inputs, options and statistics.
    pub meta: Meta,
    /// Every window of the grid, in time order, empty ones included.
    pub windows: Vec<WindowReport>,
}

impl Pipeline {
    /// A builder starting from the default options.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// A pipeline for `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let analyzer = Analyzer::from_config(&config)?;
        Ok(Pipeline { config, analyzer })
    }

    /// The options in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The window grid of this run.
    pub fn grid(&self) -> WindowGrid {
        WindowGrid::new(self.config.window, self.config.step)
    }

    fn ingest_options(&self) -> IngestOptions {
        IngestOptions {
            strict: self.config.strict,
            last_segment: self.config.last_segment,
            ..IngestOptions::default()
        }
    }

    /// Reads files and directories.
    pub fn ingest(&self, paths: &[PathBuf]) -> Result<Ingested, Error> {
        Ok(ingest::read_paths(paths, &self.ingest_options())?)
    }

    /// Reads in-memory text as one input called `name`.
    pub fn ingest_text(&self, name: &str, text: &str) -> Result<Ingested, Error> {
        let mut ingested = Ingested::default();
        ingest::read_bytes(name, text.as_bytes(), &mut ingested, &self.ingest_options())?;
        Ok(ingested)
    }

    /// Calls `on_token(window range, term, surface)` for every token of a segment.
    pub fn analyze_segment(
        &self,
        segment: &Segment,
        stems: &mut StemCache,
        stats: &mut TokenStats,
        mut on_token: impl FnMut(std::ops::Range<usize>, &str, &str),
    ) {
        let grid = self.grid();
        let len = segment.text.len();
        self.analyzer.analyze(&segment.text, stats, |token| {
            let at = token_time(segment.start, segment.end, token.offset, len);
            on_token(grid.containing(at), stems.stem(&token.text), &token.text);
        });
    }

    /// Tokenizes, stems, windows and counts the segments, in parallel.
    pub fn count(&self, ingested: &Ingested) -> Counts {
        let grid = self.grid();
        let language = self.config.language;
        let builder = ingested
            .segments
            .par_iter()
            .with_min_len(64)
            .fold(
                || {
                    (
                        StemCache::new(language),
                        CountBuilder::new(),
                        TokenStats::default(),
                    )
                },
                |(mut stems, mut builder, mut stats), segment| {
                    builder.add_segment(grid.containing(segment.start), segment.end);
                    self.analyze_segment(
                        segment,
                        &mut stems,
                        &mut stats,
                        |windows, term, surface| builder.add(term, surface, windows),
                    );
                    (stems, builder, stats)
                },
            )
            .map(|(_, mut builder, stats)| {
                builder.add_token_stats(&stats);
                builder
            })
            .reduce(CountBuilder::new, |mut a, b| {
                a.merge(b);
                a
            });
        let end = ingested
            .segments
            .iter()
            .map(|s| s.end.max(s.start + 1))
            .max()
            .unwrap_or(0);
        builder.finish(grid.len_to(end))
    }

    /// Scores counts and assembles the timeline.
    pub fn timeline(&self, ingested: &Ingested, counts: &Counts) -> Timeline {
        let config = &self.config;
        let tfidf = TfIdf {
            tf: config.tf,
            idf: config.idf,
            norm: config.norm,
        };
        let scores = tfidf.score(counts, config.min_count);
        let grid = self.grid();
        let windows = scores
            .into_iter()
            .zip(&counts.windows)
            .enumerate()
            .map(|(index, (scores, window_counts))| {
                let window = grid.window(index);
                let terms = top_terms(scores, config.top)
                    .into_iter()
                    .zip(1..)
                    .map(|(s, rank)| {
                        let info = &counts.terms[s.term as usize];
                        RankedTerm {
                            rank,
                            term: info.term.clone(),
                            label: info.label().to_string(),
                            score: s.score,
                            count: s.count,
                        }
                    })
                    .collect();
                WindowReport {
                    index,
                    start: seconds(window.start),
                    end: seconds(window.end),
                    start_label: clock_label(window.start),
                    end_label: clock_label(window.end),
                    segments: window_counts.segments,
                    tokens: window_counts.tokens,
                    terms,
                }
            })
            .collect::<Vec<_>>();

        let lines = ingested.line_counts();
        let statistics = Statistics {
            lines,
            segments: ingested.segments.len() as u64,
            words: counts.tokens.words,
            tokens: counts.tokens.kept,
            dropped: counts.tokens.dropped.clone(),
            stage_directions: counts.tokens.stage_directions.clone(),
            terms: counts.terms.len() as u64,
            terms_scored: vocabulary_mask(counts, config.min_count)
                .iter()
                .filter(|&&kept| kept)
                .count() as u64,
            windows: windows.len() as u64,
            diagnostics: ingested.diagnostic_counts(),
        };
        Timeline {
            schema_version: SCHEMA_VERSION,
            meta: Meta {
                tool: "themeline",
                version: env!("CARGO_PKG_VERSION"),
                time_axis: "offset",
                inputs: ingested.sources.clone(),
                options: config.clone(),
                statistics,
                diagnostics: ingested
                    .diagnostics
                    .iter()
                    .take(MAX_LISTED_DIAGNOSTICS)
                    .cloned()
                    .collect(),
            },
            windows,
        }
    }

    /// Runs every stage on files and directories.
    pub fn run(&self, paths: &[PathBuf]) -> Result<Timeline, Error> {
        let ingested = self.ingest(paths)?;
        self.run_ingested(&ingested)
    }

    /// Runs every stage on in-memory text.
    pub fn run_text(&self, name: &str, text: &str) -> Result<Timeline, Error> {
        let ingested = self.ingest_text(name, text)?;
        self.run_ingested(&ingested)
    }

    /// Runs the stages after ingest. Fails when the inputs hold no text at all.
    pub fn run_ingested(&self, ingested: &Ingested) -> Result<Timeline, Error> {
        if ingested.segments.is_empty() {
            return Err(Error::NoText {
                inputs: ingested.sources.len(),
                diagnostics: ingested.diagnostics.len(),
            });
        }
        let counts = self.count(ingested);
        Ok(self.timeline(ingested, &counts))
    }
}

fn seconds(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TALK: &str = "A Talk\n\n0:00 Kubernetes security matters. Security!\n\
        1:00 more security and kubernetes\n2:00 AI models and AI agents\n\
        3:00 AI inference with kubernetes\n";

    fn pipeline(window_secs: u64) -> Pipeline {
        Pipeline::builder()
            .window(std::time::Duration::from_secs(window_secs))
            .min_count(1)
            .build()
            .unwrap()
    }

    #[test]
    fn windows_rank_their_distinctive_terms() {
        let timeline = pipeline(120).run_text("talk.txt", TALK).unwrap();
        assert_eq!(timeline.windows.len(), 2);
        assert_eq!(timeline.windows[0].terms[0].label, "security");
        assert_eq!(timeline.windows[1].terms[0].label, "ai");
        assert_eq!(timeline.windows[1].terms[0].count, 3);
        assert_eq!(timeline.meta.inputs[0].title.as_deref(), Some("A Talk"));
        assert_eq!(timeline.meta.statistics.segments, 4);
    }

    #[test]
    fn empty_windows_appear_with_zero_counts() {
        let text = "0:00 security first\n9:59 ai last\n";
        let timeline = pipeline(120).run_text("gap.txt", text).unwrap();
        assert_eq!(timeline.windows.len(), 6);
        for w in &timeline.windows[1..4] {
            assert_eq!((w.tokens, w.segments, w.terms.len()), (0, 0, 0));
        }
        assert_eq!(timeline.windows[4].start_label, "0:08:00");
    }

    #[test]
    fn counting_is_the_same_on_one_thread_or_many() {
        let text: String = (0..2000)
            .map(|i| {
                format!(
                    "{}:{:02} word{} security ai platform{}\n",
                    i / 60,
                    i % 60,
                    i % 37,
                    i % 5
                )
            })
            .collect();
        let p = pipeline(60);
        let ingested = p.ingest_text("big.txt", &text).unwrap();
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| p.count(&ingested));
        let four = pool(4).install(|| p.count(&ingested));
        assert_eq!(one, four);
        assert!(one.windows.len() >= 33);
    }

    #[test]
    fn no_text_is_an_error() {
        let err = pipeline(60)
            .run_text("prose.txt", "no stamps here")
            .unwrap_err();
        assert!(matches!(
            err,
            Error::NoText {
                inputs: 1,
                diagnostics: 1
            }
        ));
    }
}
