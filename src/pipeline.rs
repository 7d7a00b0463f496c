//! The stages wired together: inputs in, a [`Timeline`] out.
//!
//! [`Pipeline`] owns nothing but the run's options and its analyzers (one per
//! language it may meet); each call runs
//! ingest → tokenize → stem → window → count → score and returns plain data. After
//! ingest the run settles its time axis (offsets into recordings, or instants), cuts
//! the segments into groups (one, or one per source with `--group-by source`), and
//! resolves each group's windows against that group's extent. The expensive middle
//! (tokenize, stem, count) is a rayon fold over segments: every worker gets its own
//! stem cache and [`CountBuilder`], and the builders are merged at the end. The
//! [`Timeline`] is what every emitter reads.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::Error;
use crate::config::{Config, GroupBy, Millis};
use crate::count::shard::{self, Counted, CountedGroup, ShardFile};
use crate::count::{CountBuilder, Counts};
use crate::ingest::{self, Diagnostic, Ingested, LineCounts, Segment, Source};
use crate::score::{Scorer, TfIdf, top_terms, vocabulary_mask};
use crate::shift::{self, ShiftKind, ShiftOptions, TermStatus};
use crate::stem::{Language, LanguageChoice, StemCache};
use crate::theme::discover::{Chunk, DiscoverOptions};
use crate::theme::{self, Lexicon, Origin, Theme, ThemeWindow};
use crate::time::{TimeAxis, rfc3339};
use crate::tokenize::phrases::{
    self, Candidates, KeptPhrases, Miner, Phrase, PhraseMode, PhraseOptions,
};
use crate::tokenize::{Analyzer, DropReason, Event, TokenStats};
use crate::window::{Extent, Windows, token_bin_edges, token_time};

/// Version of the `timeline.json` layout; bumped on breaking changes (2: the
/// input format option is `input_format` in `meta.options`).
pub const SCHEMA_VERSION: u32 = 2;

/// How many diagnostics `timeline.json` lists one by one (all are counted).
pub const MAX_LISTED_DIAGNOSTICS: usize = 1000;

/// Wall-clock time spent in each stage, summed over groups, for `--verbose`, and
/// where stage boundaries are reported as progress.
/// Never written to an output: outputs must not depend on how fast a run was.
#[derive(Debug, Default)]
pub struct Timings(
    std::sync::Mutex<Vec<(&'static str, std::time::Duration)>>,
    crate::progress::ProgressHook,
);

impl Timings {
    /// Runs `f`, adding its time to `stage`.
    pub fn time<T>(&self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        self.1.stage(stage);
        let started = std::time::Instant::now();
        let result = f();
        self.add(stage, started.elapsed());
        result
    }

    /// Adds `elapsed` to `stage`.
    pub fn add(&self, stage: &'static str, elapsed: std::time::Duration) {
        self.1.stage_done(stage, elapsed);
        let mut stages = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += elapsed,
            None => stages.push((stage, elapsed)),
        }
    }

    /// The stages timed so far, in the order first seen.
    pub fn stages(&self) -> Vec<(&'static str, std::time::Duration)> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A configured run of the stages.
#[derive(Debug)]
pub struct Pipeline {
    config: Config,
    /// Where the time went.
    timings: Timings,
    /// One analyzer per language the run may meet, in `Language::ALL` order.
    analyzers: Vec<(Language, Analyzer)>,
    phrases: PhraseOptions,
    /// The theme lexicon, unless themes are discovered.
    lexicon: Option<Lexicon>,
    /// The phrases to count instead of mining them (`--phrase-list`).
    phrase_list: Option<Vec<String>>,
}

/// Builds a [`Pipeline`] from typed options; every option defaults to
/// [`Config::default`].
#[derive(Debug, Clone, Default)]
pub struct PipelineBuilder {
    config: Config,
    progress: crate::progress::ProgressHook,
}

impl PipelineBuilder {
    /// Window length.
    pub fn window(mut self, size: std::time::Duration) -> Self {
        self.config.window = crate::window::WindowLength::Duration(size.as_millis() as Millis);
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
        self.config.language = LanguageChoice::Fixed(language);
        self
    }

    /// The TF-IDF variant.
    pub fn tfidf(mut self, tfidf: TfIdf) -> Self {
        self.config.tf = tfidf.tf;
        self.config.idf = tfidf.idf;
        self.config.norm = tfidf.norm;
        self
    }

    /// The scoring method.
    pub fn score(mut self, method: crate::score::Method) -> Self {
        self.config.score = method;
        self
    }

    /// A theme lexicon: a TOML file, or a built-in name (`cloud-native`).
    pub fn themes(mut self, lexicon: impl Into<String>) -> Self {
        self.config.themes = Some(lexicon.into());
        self
    }

    /// Discover `k` themes instead of using a lexicon (0: no themes).
    pub fn discover(mut self, k: usize) -> Self {
        self.config.discover = Some(k);
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

    /// Where the pipeline reports its progress (see [`crate::progress`]).
    pub fn progress(mut self, progress: impl crate::progress::Progress + 'static) -> Self {
        self.progress = crate::progress::ProgressHook::new(progress);
        self
    }

    /// Checks the options and loads word lists.
    pub fn build(self) -> Result<Pipeline, Error> {
        let mut pipeline = Pipeline::new(self.config)?;
        pipeline.timings.1 = self.progress;
        Ok(pipeline)
    }
}

/// A time as written out: seconds into a recording, or an instant in RFC 3339 (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum TimeValue {
    /// Seconds from the start of the recording.
    Seconds(f64),
    /// An RFC 3339 instant in UTC.
    Instant(String),
}

impl TimeValue {
    /// The value of `t` on `axis`.
    pub fn new(t: Millis, axis: TimeAxis) -> Self {
        match axis {
            TimeAxis::Offset => TimeValue::Seconds(t as f64 / 1000.0),
            TimeAxis::Instant => TimeValue::Instant(rfc3339(t)),
        }
    }
}

/// `t` as `H:MM:SS` on an offset axis (recordings); `None` for instants, which
/// RFC 3339 already writes for people.
pub fn clock_label(t: Millis, axis: TimeAxis) -> Option<String> {
    (axis == TimeAxis::Offset).then(|| crate::config::clock_label(t))
}

impl fmt::Display for TimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeValue::Seconds(s) => s.fmt(f),
            TimeValue::Instant(s) => f.write_str(s),
        }
    }
}

/// One worker's share of a counting pass: its counts and what it reuses from
/// segment to segment.
#[derive(Debug, Default)]
pub struct CountWorker {
    stems: StemCaches,
    builder: CountBuilder,
    stats: TokenStats,
    candidates: Candidates,
}

impl CountWorker {
    /// A worker per thread of the current pool (at least one).
    pub fn for_threads() -> Vec<CountWorker> {
        (0..rayon::current_num_threads().max(1))
            .map(|_| CountWorker::default())
            .collect()
    }

    /// The workers' counts merged, pairwise in parallel.
    pub fn merge(workers: Vec<CountWorker>) -> CountBuilder {
        workers
            .into_par_iter()
            .map(|mut worker| {
                worker.builder.add_token_stats(&worker.stats);
                worker.builder
            })
            .reduce(CountBuilder::new, |mut a, b| {
                a.merge(b);
                a
            })
    }
}

/// One worker's share of phrase mining.
#[derive(Debug, Default)]
pub struct MineWorker {
    stems: StemCaches,
    miner: Miner,
    stats: TokenStats,
}

impl MineWorker {
    /// A worker per thread of the current pool (at least one).
    pub fn for_threads() -> Vec<MineWorker> {
        (0..rayon::current_num_threads().max(1))
            .map(|_| MineWorker::default())
            .collect()
    }

    /// The workers' candidates merged, pairwise in parallel.
    pub fn merge(workers: Vec<MineWorker>) -> Miner {
        workers
            .into_par_iter()
            .map(|worker| worker.miner)
            .reduce(Miner::new, |mut a, b| {
                a.merge(b);
                a
            })
    }
}

/// A worker's stem caches, one per language it meets.
#[derive(Debug, Default)]
pub struct StemCaches {
    caches: Vec<(Language, StemCache)>,
}

impl StemCaches {
    /// The cache for `language`, created on first use.
    pub fn get(&mut self, language: Language) -> &mut StemCache {
        let index = match self.caches.iter().position(|(l, _)| *l == language) {
            Some(index) => index,
            None => {
                self.caches.push((language, StemCache::new(language)));
                self.caches.len() - 1
            }
        };
        &mut self.caches[index].1
    }
}

/// One ranked term of a window.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RankedTerm {
    /// 1 for the best term of the window.
    pub rank: u32,
    /// The term (a stem, or a phrase's stems): stable across windows and runs, for
    /// joining.
    pub term: String,
    /// The word people read: the term's most frequent surface form in the run.
    pub label: String,
    /// The term's most frequent surface form in this window.
    pub window_label: String,
    /// The term's score in the window.
    pub score: f64,
    /// The term's count in the window.
    pub count: u64,
    /// How the term stands here: new, emerging, stable, fading, gone, or burst.
    pub status: TermStatus,
}

/// One theme in one window.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ThemeScore {
    /// The theme's name.
    pub theme: String,
    /// Strength: the theme's tokens per 1,000 tokens of the window.
    pub score: f64,
    /// The theme's part of the window's theme strength, 0 to 1 (0 when the window
    /// has no theme tokens).
    pub share: f64,
    /// The (weighted) tokens behind the strength.
    pub tokens: f64,
}

/// One window of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WindowReport {
    /// The source this window's timeline belongs to, with `--group-by source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Position in its timeline, from 0.
    pub index: usize,
    /// Start: seconds into the recording, or an RFC 3339 instant.
    pub start: TimeValue,
    /// End (exclusive), like `start`.
    pub end: TimeValue,
    /// Start in milliseconds on the run's axis (offset, or since the Unix epoch).
    pub start_ms: Millis,
    /// End in milliseconds on the run's axis.
    pub end_ms: Millis,
    /// How people name the window: `0:05:00`, `1790s`, `2024-Q1`, `2024-03-20`.
    /// For recordings it is the start as `H:MM:SS`.
    pub label: String,
    /// For recordings, the end as `H:MM:SS`; absent for dated documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_label: Option<String>,
    /// Documents with a segment starting in the window.
    pub documents: u64,
    /// Segments starting in the window.
    pub segments: u64,
    /// Tokens in the window, before `min_count` pruning.
    pub tokens: u64,
    /// Whether the data starts or ends inside the window.
    pub partial: bool,
    /// The theme with the largest share, if any theme is present.
    pub dominant: Option<String>,
    /// The best-ranked terms.
    pub terms: Vec<RankedTerm>,
    /// Every theme's strength and share, in the order of [`Timeline::themes`].
    pub themes: Vec<ThemeScore>,
}

/// A theme as the run defined or found it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ThemeReport {
    /// The timeline it belongs to, with `--group-by source` and discovered themes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its name.
    pub name: String,
    /// `lexicon` or `discovered`.
    pub origin: Origin,
    /// What it is about, from the lexicon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its terms and their weights.
    pub members: Vec<ThemeMember>,
    /// Lexicon entries that matched nothing in the run.
    pub unmatched: Vec<String>,
    /// Its most present terms, as people read them.
    pub top_terms: Vec<String>,
    /// Its tokens over the whole timeline.
    pub tokens: f64,
}

/// A term of a theme.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ThemeMember {
    /// The term.
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Its weight in the theme.
    pub weight: f64,
}

/// One shift event.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ShiftReport {
    /// The timeline it belongs to, with `--group-by source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When: the start of the window where it happens (where a burst begins).
    pub at: TimeValue,
    /// `at` in milliseconds on the run's axis.
    pub at_ms: Millis,
    /// Until: the end of that window, or of a burst's last window.
    pub until: TimeValue,
    /// `until` in milliseconds.
    pub until_ms: Millis,
    /// The window's index.
    pub window: usize,
    /// The window's label (for recordings, `at` as `H:MM:SS`).
    pub label: String,
    /// For recordings, `until` as `H:MM:SS`; absent for dated documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_label: Option<String>,
    /// `dominant`, `rising`, `fading` or `burst`.
    pub kind: ShiftKind,
    /// The theme or term.
    pub subject: String,
    /// Before: the previous dominant theme, the previous share, or the burst's
    /// first window.
    pub from: String,
    /// After: the new dominant theme, the new share, or the burst's last window.
    pub to: String,
    /// How strong: the share margin of a new dominant theme, the signed G² of a
    /// rising or fading theme, the weight of a burst.
    pub strength: f64,
    /// The subject's share before, for theme events.
    pub share_before: Option<f64>,
    /// The subject's share after, for theme events.
    pub share_after: Option<f64>,
    /// The terms that drove it, most first.
    pub evidence: Vec<String>,
}

/// A term that ranks high but belongs to no lexicon theme.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UnassignedTerm {
    /// The timeline, with `--group-by source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The term.
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Its best score in any window.
    pub score: f64,
    /// The window of that score.
    pub window: usize,
    /// In how many windows it ranks.
    pub windows: usize,
}

/// How theme discovery went.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DiscoveryReport {
    /// Themes asked for.
    pub themes: usize,
    /// Chunks (rows of the factorised matrix).
    pub chunks: usize,
    /// Tokens per chunk, at least.
    pub chunk_tokens: u64,
    /// Terms (columns).
    pub terms: usize,
    /// `‖A − WH‖ / ‖A‖`.
    pub relative_error: f64,
    /// Multiplicative-update iterations.
    pub iterations: usize,
}

/// Totals over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Statistics {
    /// How the input lines were used, summed over sources.
    pub lines: LineCounts,
    /// Skipped lines by the kind of problem that skipped them; they add up to
    /// `lines.skipped`.
    pub skipped_lines: BTreeMap<&'static str, u64>,
    /// Documents read.
    pub documents: u64,
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
    /// Protected tokens kept whole (`C++`, `CI/CD`).
    pub protected: u64,
    /// Alias repairs: canonical form → variant → count.
    pub repairs: BTreeMap<String, BTreeMap<String, u64>>,
    /// Phrases kept, most frequent first.
    pub phrases: Vec<Phrase>,
    /// Windows in the timeline (over all groups).
    pub windows: u64,
    /// Theme discovery, per timeline, when themes were discovered.
    pub discovery: Vec<DiscoveryReport>,
    /// Input problems, by kind.
    pub diagnostics: BTreeMap<String, u64>,
}

/// What a run read, how, and what it found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Meta {
    /// Always `themeline`.
    pub tool: &'static str,
    /// The themeline version that wrote the file.
    pub version: &'static str,
    /// `offset` (seconds into recordings) or `instant` (dates).
    pub time_axis: TimeAxis,
    /// The inputs, in the order read.
    pub inputs: Vec<Source>,
    /// The options of the run.
    pub options: Config,
    /// Totals.
    pub statistics: Statistics,
    /// Input problems, in reading order (the first [`MAX_LISTED_DIAGNOSTICS`]).
    pub diagnostics: Vec<Diagnostic>,
}

/// A surface form and how often it occurred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FormCount {
    /// The form as written.
    pub form: String,
    /// Occurrences.
    pub count: u64,
}

/// A term that ranks in some window, with everything merged into it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TermReport {
    /// The term (stems).
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Whether it is a phrase.
    pub phrase: bool,
    /// Occurrences in the run.
    pub total: u64,
    /// Its surface forms (inflections, spellings), most frequent first.
    pub forms: Vec<FormCount>,
    /// Speech-recognition spellings repaired into it by aliases.
    pub repaired_from: Vec<FormCount>,
}

/// The result of a run: what every emitter writes out.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    /// Version of this layout.
    pub schema_version: u32,
    /// Inputs, options and statistics.
    pub meta: Meta,
    /// Every window, in time order (grouped by source with `--group-by source`),
    /// empty ones included.
    pub windows: Vec<WindowReport>,
    /// The terms that rank in any window, sorted by term.
    pub terms: Vec<TermReport>,
    /// The themes, most present first (per timeline with `--group-by source`).
    pub themes: Vec<ThemeReport>,
    /// Shift events in time order (per timeline).
    pub shifts: Vec<ShiftReport>,
    /// The best-scoring terms that belong to no lexicon theme, best first.
    pub unassigned: Vec<UnassignedTerm>,
}

/// How a run will proceed once its inputs are read: the time axis, the timelines,
/// and each source's language.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Offsets or instants.
    pub axis: TimeAxis,
    /// One timeline, or one per source.
    pub groups: Vec<Group>,
    /// The language of each source, by source index.
    pub languages: Vec<Language>,
}

/// Segments that share one timeline, and that timeline's windows.
#[derive(Debug, Clone)]
pub struct Group {
    /// The source, when timelines are per source.
    pub source: Option<String>,
    /// Where its segments are, in reading order.
    pub parts: Vec<Part>,
    /// The extent of its data.
    pub extent: Extent,
    /// Its windows.
    pub windows: Windows,
}

/// A run of a group's segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Segments held in [`Ingested::segments`].
    Held(Range<usize>),
    /// A large transcript read in pieces: an index into [`Ingested::streamed`].
    Streamed(usize),
}

/// How much text a batch of a streamed file holds.
const BATCH_BYTES: usize = 16 << 20;

impl Pipeline {
    /// A builder starting from the default options.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// A pipeline for `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let analyzers = config
            .language
            .languages()
            .into_iter()
            .map(|language| Analyzer::for_language(&config, language).map(|a| (language, a)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut listed = Vec::new();
        for text in &config.phrase {
            let keys: Vec<String> = analyzers
                .iter()
                .filter_map(|(language, analyzer)| {
                    phrases::phrase_key(analyzer, &mut StemCache::new(*language), text)
                })
                .collect();
            if keys.is_empty() {
                return Err(crate::ConfigError::InvalidValue {
                    option: "phrase",
                    reason: format!("{text:?} has fewer than two words that are not stop words"),
                }
                .into());
            }
            listed.extend(keys);
        }
        let lexicon = match (&config.themes, config.discover) {
            (Some(source), None) => Some(Lexicon::load(source)?),
            _ => None,
        };
        // A lexicon's phrases always count, so its themes can find them.
        for text in lexicon
            .iter()
            .flat_map(|l| l.themes.values())
            .flat_map(|t| &t.terms)
        {
            for (language, analyzer) in &analyzers {
                if let Some(key) =
                    phrases::phrase_key(analyzer, &mut StemCache::new(*language), text)
                {
                    listed.push(key);
                }
            }
        }
        listed.sort();
        listed.dedup();
        let phrases = PhraseOptions {
            mode: config.phrases,
            min_count: config.min_phrase_count,
            threshold: config.phrase_threshold,
            listed,
        };
        let phrase_list = match &config.phrase_list {
            Some(path) => Some(crate::count::shard::PhraseList::load(path)?.phrases),
            None => None,
        };
        Ok(Pipeline {
            config,
            timings: Timings::default(),
            analyzers,
            phrases,
            lexicon,
            phrase_list,
        })
    }

    /// The run's terms for a lexicon entry: its stem (or protected form), or for
    /// several words the phrase key, in each language the run analyses.
    pub fn lexicon_keys(&self, text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (language, analyzer) in &self.analyzers {
            let mut stems = StemCache::new(*language);
            if let Some(key) = phrases::phrase_key(analyzer, &mut stems, text) {
                keys.push(key);
                continue;
            }
            // Several words that do not make a phrase key ("getting started", whose
            // first word is a stop word) must not match one of their words alone.
            if text.split_whitespace().count() > 1 {
                continue;
            }
            let mut words = Vec::new();
            analyzer.tokens(text, &mut TokenStats::default(), |token| {
                words.push(if token.protected {
                    token.text.clone()
                } else {
                    stems.stem(&token.text).to_string()
                })
            });
            if let [word] = words.as_slice() {
                keys.push(word.clone());
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// How this run scores terms.
    pub fn scorer(&self) -> Scorer {
        let c = &self.config;
        Scorer {
            method: c.score,
            tfidf: TfIdf {
                tf: c.tf,
                idf: c.idf,
                norm: c.norm,
            },
            bm25: crate::score::Bm25 {
                k1: c.bm25_k1,
                b: c.bm25_b,
                ..crate::score::Bm25::default()
            },
            ctfidf: crate::score::CTfIdf {
                bm25_weighting: c.ctfidf_bm25_weighting,
                reduce_frequent_words: c.reduce_frequent_words,
            },
            reference: c.reference,
            smooth: c.smooth,
            as_of: c.as_of,
        }
    }

    /// How this run finds shifts.
    pub fn shift_options(&self) -> ShiftOptions {
        let c = &self.config;
        ShiftOptions {
            significance: c.significance,
            min_share_change: c.min_share_change,
            burst: shift::BurstOptions {
                s: c.burst_s,
                gamma: c.burst_gamma,
            },
        }
    }

    /// How this run discovers themes, if it does.
    pub fn discover_options(&self) -> Option<DiscoverOptions> {
        if self.lexicon.is_some() {
            return None;
        }
        let k = self.config.discover.unwrap_or(DiscoverOptions::default().k);
        (k > 0).then(|| DiscoverOptions {
            k,
            ..DiscoverOptions::default()
        })
    }

    /// The options in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Wall-clock time per stage of the runs so far.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Sends this pipeline's progress to `progress` (see [`crate::progress`]).
    pub fn set_progress(&mut self, progress: impl crate::progress::Progress + 'static) {
        self.timings.1 = crate::progress::ProgressHook::new(progress);
    }

    /// Where this pipeline reports its progress.
    pub fn progress(&self) -> &crate::progress::ProgressHook {
        &self.timings.1
    }

    /// Reads files and directories.
    pub fn ingest(&self, paths: &[PathBuf]) -> Result<Ingested, Error> {
        let options = self.config.ingest_options();
        Ok(self.timings.time("ingest", || {
            ingest::read_paths_with(paths, &options, self.progress())
        })?)
    }

    /// Reads in-memory text as one input called `name`.
    pub fn ingest_text(&self, name: &str, text: &str) -> Result<Ingested, Error> {
        let mut ingested = Ingested::default();
        ingest::read_bytes(
            name,
            text.as_bytes(),
            &mut ingested,
            &self.config.ingest_options(),
        )?;
        Ok(ingested)
    }

    /// The analyzer for `language`.
    fn analyzer(&self, language: Language) -> &Analyzer {
        self.analyzers
            .iter()
            .find(|(l, _)| *l == language)
            .or(self.analyzers.first())
            .map(|(_, a)| a)
            .expect("a pipeline has an analyzer")
    }

    /// Each source's language: the fixed one, or detected from a sample of its
    /// text. Records it (and the detector's confidence) in the source.
    fn assign_languages(&self, ingested: &mut Ingested) -> Vec<Language> {
        /// Enough text for a reliable guess; more only costs time.
        const SAMPLE: usize = 20_000;
        let mut samples = vec![String::new(); ingested.sources.len()];
        if self.config.language == LanguageChoice::Auto {
            for streamed in &ingested.streamed {
                samples[streamed.source as usize] = streamed.sample.clone();
            }
            for segment in &ingested.segments {
                let sample = &mut samples[segment.source as usize];
                if sample.len() < SAMPLE {
                    let take = segment
                        .text
                        .floor_char_boundary((SAMPLE - sample.len()).min(segment.text.len()));
                    sample.push_str(&segment.text[..take]);
                    sample.push(' ');
                }
            }
        }
        ingested
            .sources
            .iter_mut()
            .zip(samples)
            .map(|(source, sample)| {
                let (language, confidence) = match self.config.language {
                    LanguageChoice::Fixed(language) => (language, None),
                    LanguageChoice::Auto => match Language::detect(&sample) {
                        Some((language, confidence)) => (language, Some(confidence)),
                        None => (Language::English, None),
                    },
                };
                source.language = Some(language);
                source.language_confidence = confidence;
                language
            })
            .collect()
    }

    /// Settles the time axis (anchoring recordings at `--start`), each source's
    /// language, and the timelines with their resolved windows.
    pub fn plan(&self, ingested: &mut Ingested) -> Result<Plan, Error> {
        let axis = ingested.resolve_axis(self.config.start)?;
        let languages = self.assign_languages(ingested);
        let parts = source_parts(ingested);
        let mut groups_parts: Vec<(Option<String>, Vec<Part>)> = Vec::new();
        match self.config.group_by {
            GroupBy::None => {
                let mut all: Vec<Part> = Vec::new();
                for part in parts.into_iter().flatten() {
                    // Adjacent held runs make one.
                    match (all.last_mut(), &part) {
                        (Some(Part::Held(run)), Part::Held(next)) if run.end == next.start => {
                            run.end = next.end;
                        }
                        _ => all.push(part),
                    }
                }
                groups_parts.push((None, all));
            }
            GroupBy::Source => {
                for (id, part) in parts.into_iter().enumerate() {
                    if let Some(part) = part {
                        groups_parts.push((Some(ingested.sources[id].path.clone()), vec![part]));
                    }
                }
            }
        }
        let spec = self.config.window_spec();
        let mut groups = Vec::with_capacity(groups_parts.len());
        for (source, parts) in groups_parts {
            let extent = group_extent(ingested, &parts, axis);
            let mut group = Group {
                source,
                parts,
                extent,
                windows: Windows::Grid(crate::window::WindowGrid::new(1, None)),
            };
            let mut failed = None;
            group.windows = Windows::resolve(&spec, axis, extent, &self.config.tz, |bins| {
                let mut pairs = Vec::new();
                let read = self.for_each_batch(ingested, &group, |segments| {
                    pairs.extend(self.tokens_by_time(segments, &languages));
                });
                if let Err(e) = read {
                    failed = Some(e);
                }
                pairs.sort_unstable();
                token_bin_edges(&pairs, bins)
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            groups.push(group);
        }
        Ok(Plan {
            axis,
            groups,
            languages,
        })
    }

    /// Calls `f` with the segments of `group`, in reading order: held segments in
    /// one slice per run, streamed files in batches read again from disk.
    pub fn for_each_batch(
        &self,
        ingested: &Ingested,
        group: &Group,
        mut f: impl FnMut(&[Segment]),
    ) -> Result<(), Error> {
        let options = self.config.ingest_options();
        let mut parts = group.parts.iter().peekable();
        while let Some(part) = parts.next() {
            if let Part::Held(range) = part {
                f(&ingested.segments[range.clone()]);
                continue;
            }
            // A run of files read again: on a thread of their own, in batches
            // that may span small files, while the batch before is worked on.
            let mut run: Vec<&ingest::stream::StreamedSource> = Vec::new();
            let mut next = Some(part);
            while let Some(Part::Streamed(i)) = next {
                run.push(&ingested.streamed[*i]);
                next = match parts.peek() {
                    Some(Part::Streamed(_)) => parts.next(),
                    _ => None,
                };
            }
            let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Segment>>(1);
            let options = &options;
            let run = &run;
            std::thread::scope(|scope| -> Result<(), Error> {
                let reader = scope.spawn(move || {
                    ingest::stream::replay_all(run, options, BATCH_BYTES, |batch| {
                        // A closed channel means the consumer is gone; the read
                        // still runs to its end.
                        let _ = sender.send(batch);
                    })
                });
                for batch in &batches {
                    f(&batch);
                }
                reader.join().expect("the reading thread does not panic")?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// `(start, tokens)` per segment, sorted by time: what bins by tokens split.
    fn tokens_by_time(&self, segments: &[Segment], languages: &[Language]) -> Vec<(Millis, u64)> {
        let mut pairs: Vec<(Millis, u64)> = segments
            .par_iter()
            .map(|segment| {
                let mut stats = TokenStats::default();
                let analyzer = self.analyzer(languages[segment.source as usize]);
                analyzer.tokens(&segment.text, &mut stats, |_| {});
                (segment.start, stats.kept)
            })
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// Calls `on_token(windows, term, token)` for every token of a segment in
    /// `language`, and `on_phrase(windows, term, surface, components)` for every
    /// occurrence of a phrase in `kept`.
    #[allow(clippy::too_many_arguments)]
    pub fn analyze_segment(
        &self,
        segment: &Segment,
        language: Language,
        windows: &Windows,
        stems: &mut StemCache,
        stats: &mut TokenStats,
        candidates: &mut Candidates,
        kept: &KeptPhrases,
        mut on_token: impl FnMut(Range<usize>, &str, &crate::tokenize::Token),
        mut on_phrase: impl FnMut(Range<usize>, &str, &str, &[&str]),
    ) {
        let len = segment.text.len();
        candidates.reset();
        self.analyzer(language)
            .analyze(&segment.text, stats, |event| {
                let (stem, in_windows) = match &event {
                    Event::Token(token) => {
                        let at = token_time(segment.start, segment.end, token.offset, len);
                        let in_windows = windows.containing(at);
                        let stem = if token.protected {
                            token.text.as_str()
                        } else {
                            stems.stem(&token.text)
                        };
                        on_token(in_windows.clone(), stem, token);
                        (Some(stem), in_windows)
                    }
                    _ => (None, 0..0),
                };
                if !kept.is_empty() {
                    candidates.event(&event, stem, kept, |key, surface, components| {
                        on_phrase(in_windows.clone(), key, surface, components);
                    });
                }
            });
    }

    /// The first pass of phrase mining: every phrase candidate of `segments`,
    /// counted.
    pub fn mine(&self, segments: &[Segment], languages: &[Language]) -> Miner {
        let mut workers = MineWorker::for_threads();
        self.mine_into(segments, languages, &mut workers);
        MineWorker::merge(workers)
    }

    /// Mines `segments` into `workers`, one contiguous piece per worker, in
    /// parallel; like [`Pipeline::count_into`], workers keep their counts from
    /// batch to batch.
    pub fn mine_into(
        &self,
        segments: &[Segment],
        languages: &[Language],
        workers: &mut [MineWorker],
    ) {
        let piece = segments.len().div_ceil(workers.len().max(1)).max(1);
        segments
            .par_chunks(piece)
            .zip(workers.par_iter_mut())
            .for_each(|(piece, worker)| {
                let MineWorker {
                    stems,
                    miner,
                    stats,
                } = worker;
                for segment in piece {
                    let language = languages[segment.source as usize];
                    let stems = stems.get(language);
                    miner.reset();
                    self.analyzer(language)
                        .analyze(&segment.text, stats, |event| {
                            let stem = match &event {
                                Event::Token(token) if token.protected => Some(token.text.as_str()),
                                Event::Token(token) => Some(stems.stem(&token.text)),
                                _ => None,
                            };
                            miner.event(&event, stem);
                        });
                }
            });
    }

    /// The phrases that `miner`'s candidates make under this run's options.
    pub fn select_phrases(&self, miner: &Miner) -> Vec<String> {
        miner.kept(&self.phrases)
    }

    /// The first pass of phrase mining over `segments`: the phrases the counting
    /// pass counts (none with `--phrases off`, the listed ones with `listed`).
    pub fn kept_phrases(&self, segments: &[Segment], languages: &[Language]) -> KeptPhrases {
        let options = &self.phrases;
        match options.mode {
            PhraseMode::Off => return KeptPhrases::default(),
            PhraseMode::Listed => {
                return KeptPhrases::new(options.listed.iter().map(String::as_str));
            }
            PhraseMode::Auto => {}
        }
        let miner = self.mine(segments, languages);
        let keys = miner.kept(options);
        KeptPhrases::new(keys.iter().map(String::as_str))
    }

    /// Tokenizes, stems, windows and counts segments in parallel, then keeps the
    /// phrase candidates that are phrases. `languages` gives each source's language.
    pub fn count(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        extent: Extent,
    ) -> (Counts, Vec<Phrase>) {
        let kept = self.phrases_to_count(segments, languages);
        let counts = self.count_with(segments, languages, windows, extent, &kept);
        self.claim(counts)
    }

    /// The phrases a counting pass over `segments` counts: `--phrase-list`'s when
    /// given, else mined from the segments.
    pub fn phrases_to_count(&self, segments: &[Segment], languages: &[Language]) -> KeptPhrases {
        if self.phrases.mode == PhraseMode::Off {
            return KeptPhrases::default();
        }
        match &self.phrase_list {
            Some(list) => {
                KeptPhrases::new(list.iter().chain(&self.phrases.listed).map(String::as_str))
            }
            None => self
                .timings
                .time("phrases", || self.kept_phrases(segments, languages)),
        }
    }

    /// [`Pipeline::phrases_to_count`] over a group's segments, held or streamed.
    pub fn phrases_to_count_in(
        &self,
        ingested: &Ingested,
        group: &Group,
        languages: &[Language],
    ) -> Result<KeptPhrases, Error> {
        if self.phrases.mode != PhraseMode::Auto || self.phrase_list.is_some() {
            return Ok(self.phrases_to_count(&[], languages));
        }
        let started = std::time::Instant::now();
        let mut workers = MineWorker::for_threads();
        self.for_each_batch(ingested, group, |segments| {
            self.mine_into(segments, languages, &mut workers);
        })?;
        let keys = MineWorker::merge(workers).kept(&self.phrases);
        self.timings.add("phrases", started.elapsed());
        Ok(KeptPhrases::new(keys.iter().map(String::as_str)))
    }

    /// Lets the phrases of `counts` claim their words, after dropping those that
    /// are not phrases after all.
    pub fn claim(&self, counts: Counts) -> (Counts, Vec<Phrase>) {
        if self.phrases.mode == PhraseMode::Off {
            return (counts, Vec::new());
        }
        self.timings
            .time("phrases", || phrases::select(counts, &self.phrases))
    }

    /// The counting pass: tokenizes, stems, windows and counts segments in
    /// parallel, counting the phrases of `kept`, which have not yet claimed their
    /// words (see [`Pipeline::claim`]).
    pub fn count_with(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        extent: Extent,
        kept: &KeptPhrases,
    ) -> Counts {
        let started = std::time::Instant::now();
        let counts = self
            .count_builder(segments, languages, windows, kept)
            .finish(windows.len_to(extent.end));
        self.timings.add("count", started.elapsed());
        counts
    }

    /// [`Pipeline::count_with`] before the counts are frozen: a builder to merge
    /// with those of other batches.
    pub fn count_builder(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        kept: &KeptPhrases,
    ) -> CountBuilder {
        let mut workers = CountWorker::for_threads();
        self.count_into(segments, languages, windows, kept, &mut workers);
        CountWorker::merge(workers)
    }

    /// Counts `segments` into `workers`, one contiguous piece per worker, in
    /// parallel. A worker keeps its counts and caches from batch to batch, so a
    /// streamed file costs one merge per worker at the end, not one per batch;
    /// the result does not depend on the split, since merging is exact.
    pub fn count_into(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        kept: &KeptPhrases,
        workers: &mut [CountWorker],
    ) {
        let piece = segments.len().div_ceil(workers.len().max(1)).max(1);
        segments
            .par_chunks(piece)
            .zip(workers.par_iter_mut())
            .for_each(|(piece, worker)| {
                let CountWorker {
                    stems,
                    builder,
                    stats,
                    candidates,
                } = worker;
                for segment in piece {
                    builder.add_segment(
                        windows.containing(segment.start),
                        segment.document,
                        segment.end,
                    );
                    let language = languages[segment.source as usize];
                    let builder_cell = std::cell::RefCell::new(&mut *builder);
                    self.analyze_segment(
                        segment,
                        language,
                        windows,
                        stems.get(language),
                        stats,
                        candidates,
                        kept,
                        |w, term, token| builder_cell.borrow_mut().add(term, &token.display, w),
                        |w, key, surface, components| {
                            builder_cell
                                .borrow_mut()
                                .add_phrase(key, surface, components, w)
                        },
                    );
                }
            });
    }

    /// Cuts segments into chunks for theme discovery: stretches of one document
    /// whose tokens fall in the same windows, of at least `chunk_tokens` tokens
    /// (the last of a document may be shorter), counted against `counts`'s
    /// vocabulary with kept phrases claiming their words.
    pub fn chunks(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        counts: &Counts,
        chunk_tokens: u64,
    ) -> Vec<Chunk> {
        self.chunks_from(
            |cut| {
                cut(segments);
                Ok(())
            },
            languages,
            windows,
            counts,
            chunk_tokens,
        )
        .expect("held segments are read without error")
    }

    /// [`Pipeline::chunks`] of the segments `feed` hands on, batch by batch, in
    /// reading order (a chunk may continue from one batch into the next).
    pub fn chunks_from(
        &self,
        feed: impl FnOnce(&mut dyn FnMut(&[Segment])) -> Result<(), Error>,
        languages: &[Language],
        windows: &Windows,
        counts: &Counts,
        chunk_tokens: u64,
    ) -> Result<Vec<Chunk>, Error> {
        /// Segments analysed at once: bounds the memory of the per-segment pieces.
        const BLOCK: usize = 16_384;
        let ids: rustc_hash::FxHashMap<&str, crate::count::TermId> = counts
            .terms
            .iter()
            .enumerate()
            .map(|(id, info)| (info.term.as_str(), id as crate::count::TermId))
            .collect();
        let kept = KeptPhrases::new(
            counts
                .terms
                .iter()
                .filter(|t| t.is_phrase())
                .map(|t| t.term.as_str()),
        );
        let components: Vec<Vec<crate::count::TermId>> = counts
            .terms
            .iter()
            .map(|info| {
                info.components
                    .iter()
                    .filter_map(|c| ids.get(c.as_str()).copied())
                    .collect()
            })
            .collect();
        /// A stretch of one segment in one set of windows: its terms, one entry
        /// per occurrence, and the word occurrences kept phrases claimed.
        #[derive(Default)]
        struct Piece {
            windows: Range<usize>,
            tokens: u64,
            terms: Vec<crate::count::TermId>,
            claims: Vec<crate::count::TermId>,
        }
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut open: Option<(u32, Piece)> = None;
        let close = |piece: Piece| {
            let (mut terms, mut claims) = (piece.terms, piece.claims);
            terms.sort_unstable();
            claims.sort_unstable();
            let mut counts: Vec<(crate::count::TermId, u64)> = Vec::new();
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
                windows: piece.windows,
                tokens: piece.tokens,
                terms: counts,
            }
        };
        let mut cut = |segments: &[Segment]| {
            for block in segments.chunks(BLOCK) {
                let pieces: Vec<Vec<Piece>> = block
                    .par_iter()
                    .map_init(
                        || {
                            (
                                StemCaches::default(),
                                TokenStats::default(),
                                Candidates::default(),
                            )
                        },
                        |(stems, stats, candidates), segment| {
                            let language = languages[segment.source as usize];
                            let pieces = std::cell::RefCell::new(Vec::<Piece>::new());
                            // A new piece where the windows change, and every
                            // `chunk_tokens` tokens of a long segment (a whole
                            // document is often one segment).
                            let piece_for = |pieces: &mut Vec<Piece>, w: &Range<usize>| {
                                if pieces
                                    .last()
                                    .is_none_or(|p| p.windows != *w || p.tokens >= chunk_tokens)
                                {
                                    pieces.push(Piece {
                                        windows: w.clone(),
                                        ..Piece::default()
                                    });
                                }
                                pieces.len() - 1
                            };
                            self.analyze_segment(
                                segment,
                                language,
                                windows,
                                stems.get(language),
                                stats,
                                candidates,
                                &kept,
                                |w, term, _| {
                                    let mut pieces = pieces.borrow_mut();
                                    let i = piece_for(&mut pieces, &w);
                                    pieces[i].tokens += 1;
                                    if let Some(&id) = ids.get(term) {
                                        pieces[i].terms.push(id);
                                    }
                                },
                                |w, key, _, _| {
                                    let Some(&id) = ids.get(key) else { return };
                                    let mut pieces = pieces.borrow_mut();
                                    let Some(piece) = pieces.last_mut().filter(|p| p.windows == w)
                                    else {
                                        return;
                                    };
                                    piece.claims.extend(&components[id as usize]);
                                    piece.terms.push(id);
                                },
                            );
                            pieces.into_inner()
                        },
                    )
                    .collect();
                for (segment, pieces) in block.iter().zip(pieces) {
                    for piece in pieces {
                        match &mut open {
                            Some((document, chunk))
                                if *document == segment.document
                                    && chunk.windows == piece.windows
                                    && chunk.tokens < chunk_tokens =>
                            {
                                chunk.tokens += piece.tokens;
                                chunk.terms.extend(piece.terms);
                                chunk.claims.extend(piece.claims);
                            }
                            _ => {
                                if let Some((_, chunk)) = open.take() {
                                    chunks.push(close(chunk));
                                }
                                open = Some((segment.document, piece));
                            }
                        }
                    }
                }
            }
        };
        feed(&mut cut)?;
        chunks.extend(open.map(|(_, chunk)| close(chunk)));
        Ok(chunks)
    }

    /// The themes of one group's counts and each window's theme tokens: the
    /// lexicon's, or discovered from chunks of the group's segments.
    pub fn themes(
        &self,
        segments: &[Segment],
        languages: &[Language],
        windows: &Windows,
        counts: &Counts,
    ) -> GroupThemes {
        self.themes_from(
            |cut| {
                cut(segments);
                Ok(())
            },
            languages,
            windows,
            counts,
        )
        .expect("held segments are read without error")
    }

    /// [`Pipeline::themes`] with the segments that `feed` hands on, batch by
    /// batch (they are read only to discover themes).
    pub fn themes_from(
        &self,
        feed: impl FnOnce(&mut dyn FnMut(&[Segment])) -> Result<(), Error>,
        languages: &[Language],
        windows: &Windows,
        counts: &Counts,
    ) -> Result<GroupThemes, Error> {
        if let Some(lexicon) = &self.lexicon {
            let themes = Theme::from_lexicon(lexicon, counts, |text| self.lexicon_keys(text));
            let windows = theme::lexicon_windows(
                &themes,
                counts,
                self.config.theme_weight,
                self.config.as_of,
            );
            return Ok((themes, windows, None));
        }
        let Some(options) = self.discover_options() else {
            let windows = counts
                .windows
                .iter()
                .map(|w| ThemeWindow::from_tokens(Vec::new(), w.tokens))
                .collect();
            return Ok((Vec::new(), windows, None));
        };
        let tokens: u64 = counts.windows.iter().map(|w| w.tokens).sum();
        let chunk_tokens = options.chunk_length(tokens);
        let chunks = self.chunks_from(feed, languages, windows, counts, chunk_tokens)?;
        let mask = vocabulary_mask(counts, self.config.min_count);
        let found = theme::discover::discover(&chunks, counts, &mask, &options);
        let report = DiscoveryReport {
            themes: options.k,
            chunks: found.shape.0,
            chunk_tokens,
            terms: found.shape.1,
            relative_error: found.relative_error,
            iterations: found.iterations,
        };
        Ok((found.themes, found.windows, Some(report)))
    }

    /// Scores, themes and shifts of one group, as reports.
    #[allow(clippy::too_many_arguments)]
    fn reports(
        &self,
        group: &Group,
        axis: TimeAxis,
        counts: &Counts,
        themes: &[Theme],
        theme_windows: &[ThemeWindow],
    ) -> (Vec<WindowReport>, Vec<ShiftReport>) {
        let config = &self.config;
        let ranked: Vec<Vec<crate::score::TermScore>> = self.timings.time("score", || {
            self.scorer()
                .score(counts, config.min_count)
                .into_par_iter()
                .map(|scores| top_terms(scores, config.top))
                .collect()
        });
        self.progress().scored(ranked.len());
        let options = self.shift_options();
        // Every term that ranks somewhere, with its bursts.
        let mut ranked_ids: Vec<crate::count::TermId> =
            ranked.iter().flatten().map(|s| s.term).collect();
        ranked_ids.sort_unstable();
        ranked_ids.dedup();
        let histories: BTreeMap<crate::count::TermId, shift::TermHistory> =
            self.timings.time("shift", || {
                ranked_ids
                    .iter()
                    .copied()
                    .zip(shift::TermHistory::of_terms(counts, &ranked_ids, &options))
                    .collect()
            });
        let tokens: Vec<u64> = counts.windows.iter().map(|w| w.tokens).collect();
        let labels: Vec<String> = (0..counts.windows.len())
            .map(|w| group.windows.label(w, axis, &config.tz))
            .collect();
        let windows: Vec<WindowReport> = ranked
            .into_iter()
            .zip(&counts.windows)
            .zip(theme_windows)
            .enumerate()
            .map(|(index, ((ranked, window_counts), theme_window))| {
                let window = group.windows.window(index);
                let terms = ranked
                    .into_iter()
                    .zip(1..)
                    .map(|(s, rank)| RankedTerm {
                        rank,
                        term: counts.terms[s.term as usize].term.clone(),
                        label: counts.label(s.term),
                        window_label: counts.window_label(index, s.term),
                        score: s.score,
                        count: s.count,
                        status: shift::term_status(&histories[&s.term], &tokens, index, &options),
                    })
                    .collect();
                let theme_scores = themes
                    .iter()
                    .enumerate()
                    .map(|(t, theme)| ThemeScore {
                        theme: theme.name.clone(),
                        score: theme_window.strength[t],
                        share: theme_window.share[t],
                        tokens: theme_window.tokens[t],
                    })
                    .collect();
                WindowReport {
                    source: group.source.clone(),
                    index,
                    start: TimeValue::new(window.start, axis),
                    end: TimeValue::new(window.end, axis),
                    start_ms: window.start,
                    end_ms: window.end,
                    label: labels[index].clone(),
                    end_label: clock_label(window.end, axis),
                    documents: window_counts.documents,
                    segments: window_counts.segments,
                    tokens: window_counts.tokens,
                    partial: window.start < group.extent.start || window.end > group.extent.end,
                    dominant: theme_window.dominant().map(|t| themes[t].name.clone()),
                    terms,
                    themes: theme_scores,
                }
            })
            .collect();
        let events = self.timings.time("shift", || {
            let mut events = shift::theme_shifts(themes, theme_windows, counts, &options);
            events.extend(shift::burst_shifts(counts, &histories, &labels));
            shift::sort(&mut events);
            events
        });
        let shifts = events
            .into_iter()
            .map(|event| {
                let at = group.windows.window(event.window).start;
                let until = group.windows.window(event.end_window).end;
                ShiftReport {
                    source: group.source.clone(),
                    at: TimeValue::new(at, axis),
                    at_ms: at,
                    until: TimeValue::new(until, axis),
                    until_ms: until,
                    window: event.window,
                    label: labels[event.window].clone(),
                    until_label: clock_label(until, axis),
                    kind: event.kind,
                    subject: event.subject,
                    from: event.from,
                    to: event.to,
                    strength: event.strength,
                    share_before: event.share_before,
                    share_after: event.share_after,
                    evidence: event.evidence,
                }
            })
            .collect();
        (windows, shifts)
    }

    /// Runs every stage on files and directories.
    pub fn run(&self, paths: &[PathBuf]) -> Result<Timeline, Error> {
        self.run_ingested(self.ingest(paths)?)
    }

    /// Runs every stage on in-memory text.
    pub fn run_text(&self, name: &str, text: &str) -> Result<Timeline, Error> {
        self.run_ingested(self.ingest_text(name, text)?)
    }

    /// Runs the stages after ingest. Fails when the inputs hold no text at all.
    pub fn run_ingested(&self, mut ingested: Ingested) -> Result<Timeline, Error> {
        let (counted, plan) = self.count_ingested(&mut ingested)?;
        let windows = plan.groups.iter().map(|g| g.windows.clone()).collect();
        self.assemble(counted, windows, Some((&ingested, &plan)))
    }

    /// Counts what was read: every stage up to and including the counting pass,
    /// which is what a shard holds. Phrases have not yet claimed their words.
    pub fn count_ingested(&self, ingested: &mut Ingested) -> Result<(Counted, Plan), Error> {
        if ingested.segment_count() == 0 {
            return Err(Error::NoText {
                inputs: ingested.sources.len(),
                diagnostics: ingested.diagnostics.len(),
            });
        }
        let plan = self.timings.time("plan", || self.plan(ingested))?;
        let mut groups = Vec::with_capacity(plan.groups.len());
        for group in &plan.groups {
            let kept = self.phrases_to_count_in(ingested, group, &plan.languages)?;
            let started = std::time::Instant::now();
            let mut workers = CountWorker::for_threads();
            self.for_each_batch(ingested, group, |segments| {
                self.count_into(
                    segments,
                    &plan.languages,
                    &group.windows,
                    &kept,
                    &mut workers,
                );
            })?;
            let counts = CountWorker::merge(workers).finish(group.windows.len_to(group.extent.end));
            self.timings.add("count", started.elapsed());
            groups.push(CountedGroup {
                source: group.source.clone(),
                extent: group.extent,
                phrases: kept.keys(),
                counts,
            });
        }
        let counted = Counted {
            axis: plan.axis,
            sources: ingested.sources.clone(),
            documents: u64::from(ingested.documents),
            segments: ingested.segment_count(),
            diagnostics: ingested
                .diagnostics
                .iter()
                .take(MAX_LISTED_DIAGNOSTICS)
                .cloned()
                .collect(),
            diagnostic_counts: ingested
                .diagnostic_counts()
                .into_iter()
                .map(|(kind, n)| (kind.to_string(), n))
                .collect(),
            groups,
        };
        Ok((counted, plan))
    }

    /// Adds up shards written by `themeline count` and runs the rest of the
    /// pipeline on the sum. Every shard must have been counted with this
    /// pipeline's counting options. Themes are the lexicon's: discovering them
    /// needs the text, which shards do not hold.
    pub fn merge(&self, shards: Vec<(String, ShardFile)>) -> Result<Timeline, Error> {
        let spec = self.config.window_spec();
        let counted = shard::merge(
            shards,
            &self.config.counting_options(),
            &spec,
            &self.config.tz,
        )?;
        let windows = counted
            .groups
            .iter()
            .map(|g| {
                Windows::resolve(&spec, counted.axis, g.extent, &self.config.tz, |_| {
                    Vec::new()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.assemble(counted, windows, None)
    }

    /// The stages after counting, on counted groups laid over `windows`. With
    /// the text (`ingested` and its plan), themes can be discovered; without it
    /// only a lexicon's themes can be measured.
    pub fn assemble(
        &self,
        counted: Counted,
        group_windows: Vec<Windows>,
        text: Option<(&Ingested, &Plan)>,
    ) -> Result<Timeline, Error> {
        let axis = counted.axis;
        self.progress()
            .scoring(counted.groups.iter().map(|g| g.counts.windows.len()).sum());
        let mut windows = Vec::new();
        let mut tokens = TokenStats::default();
        let mut terms = BTreeSet::new();
        let mut terms_scored = BTreeSet::new();
        let mut ranked: BTreeMap<String, TermReport> = BTreeMap::new();
        let mut kept_phrases: BTreeMap<String, Phrase> = BTreeMap::new();
        let (mut themes, mut shifts, mut unassigned, mut discovery) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (index, (counted_group, group_windows)) in
            counted.groups.into_iter().zip(group_windows).enumerate()
        {
            let (counts, phrases) = self.claim(counted_group.counts);
            let group = Group {
                source: counted_group.source,
                parts: Vec::new(),
                extent: counted_group.extent,
                windows: group_windows,
            };
            let (group_themes, theme_windows, discovered) =
                self.timings.time("theme", || match text {
                    Some((ingested, plan)) => self.themes_from(
                        |cut| self.for_each_batch(ingested, &plan.groups[index], cut),
                        &plan.languages,
                        &group.windows,
                        &counts,
                    ),
                    None if self.discover_options().is_some() => Err(Error::DiscoveryNeedsText),
                    None => Ok(self.themes(&[], &[], &group.windows, &counts)),
                })?;
            let (reports, group_shifts) =
                self.reports(&group, axis, &counts, &group_themes, &theme_windows);
            if group_themes.iter().any(|t| t.origin == Origin::Lexicon) {
                unassigned.extend(unassigned_terms(&group_themes, &reports));
            }
            themes.extend(group_themes.into_iter().enumerate().map(|(t, theme)| {
                ThemeReport {
                    source: group.source.clone(),
                    tokens: theme_windows.iter().map(|w| w.tokens[t]).sum(),
                    members: theme
                        .members
                        .iter()
                        .map(|(term, weight)| ThemeMember {
                            term: term.clone(),
                            label: counts
                                .find(term)
                                .map_or_else(|| term.clone(), |id| counts.label(id)),
                            weight: *weight,
                        })
                        .collect(),
                    name: theme.name,
                    origin: theme.origin,
                    description: theme.description,
                    unmatched: theme.unmatched,
                    top_terms: theme.top_terms,
                }
            }));
            shifts.extend(group_shifts);
            discovery.extend(discovered);
            for term in reports.iter().flat_map(|w| &w.terms) {
                if !ranked.contains_key(&term.term)
                    && let Some(id) = counts.find(&term.term)
                {
                    ranked.insert(term.term.clone(), term_report(&counts, id));
                }
            }
            windows.extend(reports);
            for phrase in phrases {
                kept_phrases.entry(phrase.term.clone()).or_insert(phrase);
            }
            tokens.merge(&counts.tokens);
            let mask = vocabulary_mask(&counts, self.config.min_count);
            for (info, kept) in counts.terms.iter().zip(mask) {
                if kept {
                    terms_scored.insert(info.term.clone());
                }
                terms.insert(info.term.clone());
            }
        }
        let mut lines = LineCounts::default();
        let mut skipped_lines: BTreeMap<&'static str, u64> = BTreeMap::new();
        for source in &counted.sources {
            lines.add(&source.lines);
            for (kind, n) in &source.skipped_lines {
                *skipped_lines.entry(kind.name()).or_default() += n;
            }
        }
        let statistics = Statistics {
            lines,
            skipped_lines,
            documents: counted.documents,
            segments: counted.segments,
            words: tokens.words,
            tokens: tokens.kept,
            dropped: tokens.dropped,
            stage_directions: tokens.stage_directions,
            terms: terms.len() as u64,
            terms_scored: terms_scored.len() as u64,
            protected: tokens.protected,
            repairs: tokens.repairs.clone(),
            phrases: {
                let mut phrases: Vec<Phrase> = kept_phrases.into_values().collect();
                phrases.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
                phrases
            },
            windows: windows.len() as u64,
            discovery,
            diagnostics: counted.diagnostic_counts,
        };
        Ok(Timeline {
            schema_version: SCHEMA_VERSION,
            meta: Meta {
                tool: "themeline",
                version: env!("CARGO_PKG_VERSION"),
                time_axis: axis,
                inputs: counted.sources,
                options: self.config.clone(),
                statistics,
                diagnostics: counted.diagnostics,
            },
            windows,
            terms: ranked
                .into_values()
                .map(|mut report| {
                    report.repaired_from = report
                        .forms
                        .iter()
                        .flat_map(|f| tokens.repairs.get(&f.form).into_iter().flatten())
                        .map(|(variant, &count)| FormCount {
                            form: variant.clone(),
                            count,
                        })
                        .collect();
                    report
                        .repaired_from
                        .sort_by(|a, b| b.count.cmp(&a.count).then(a.form.cmp(&b.form)));
                    report
                })
                .collect(),
            themes,
            shifts,
            unassigned,
        })
    }
}

/// How many unassigned terms a timeline reports.
const UNASSIGNED: usize = 20;

/// The ranked terms of `windows` that are members of no theme, by best score.
fn unassigned_terms(themes: &[Theme], windows: &[WindowReport]) -> Vec<UnassignedTerm> {
    let members: BTreeSet<&str> = themes
        .iter()
        .flat_map(|t| t.members.iter().map(|(term, _)| term.as_str()))
        .collect();
    let mut best: BTreeMap<&str, UnassignedTerm> = BTreeMap::new();
    for window in windows {
        for term in &window.terms {
            if members.contains(term.term.as_str()) {
                continue;
            }
            let entry = best.entry(&term.term).or_insert_with(|| UnassignedTerm {
                source: window.source.clone(),
                term: term.term.clone(),
                label: term.label.clone(),
                score: term.score,
                window: window.index,
                windows: 0,
            });
            entry.windows += 1;
            if term.score > entry.score {
                entry.score = term.score;
                entry.window = window.index;
            }
        }
    }
    let mut list: Vec<UnassignedTerm> = best.into_values().collect();
    list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    list.truncate(UNASSIGNED);
    list
}

/// Everything merged into one term: its forms, most frequent first.
fn term_report(counts: &Counts, id: crate::count::TermId) -> TermReport {
    let info = &counts.terms[id as usize];
    let mut forms: Vec<FormCount> = counts.forms
        [info.forms.start as usize..info.forms.end as usize]
        .iter()
        .map(|f| FormCount {
            form: f.form.clone(),
            count: f.total,
        })
        .collect();
    forms.sort_by(|a, b| b.count.cmp(&a.count).then(a.form.cmp(&b.form)));
    TermReport {
        term: info.term.clone(),
        label: counts.label(id),
        phrase: info.is_phrase(),
        total: info.total,
        forms,
        repaired_from: Vec::new(),
    }
}

/// Each source's segments, by source index: held (a contiguous run of
/// [`Ingested::segments`], which holds them in source order) or streamed.
pub fn source_parts(ingested: &Ingested) -> Vec<Option<Part>> {
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

/// A group's themes, their windows, and how discovery went.
pub type GroupThemes = (Vec<Theme>, Vec<ThemeWindow>, Option<DiscoveryReport>);

/// The extent of a group's segments, held and streamed.
fn group_extent(ingested: &Ingested, parts: &[Part], axis: TimeAxis) -> Extent {
    let mut held = Vec::new();
    let (mut start, mut end) = (Millis::MAX, Millis::MIN);
    for part in parts {
        match part {
            Part::Held(range) => held.push(extent(&ingested.segments[range.clone()], axis)),
            Part::Streamed(i) => {
                let streamed = &ingested.streamed[*i];
                start = start.min(streamed.start);
                end = end.max(streamed.end);
            }
        }
    }
    for e in held {
        start = start.min(e.start);
        end = end.max(e.end);
    }
    match axis {
        TimeAxis::Offset => Extent {
            start: 0,
            end: end.max(1),
        },
        TimeAxis::Instant if start == Millis::MAX => Extent { start: 0, end: 1 },
        TimeAxis::Instant => Extent { start, end },
    }
}

/// The extent of some segments: recordings start at 0, dated documents at the
/// first date; the end is just after the last time.
fn extent(segments: &[Segment], axis: TimeAxis) -> Extent {
    let start = match axis {
        TimeAxis::Offset => 0,
        TimeAxis::Instant => segments.iter().map(|s| s.start).min().unwrap_or(0),
    };
    let end = segments
        .iter()
        .map(|s| s.end.max(s.start + 1))
        .max()
        .unwrap_or(start + 1);
    Extent { start, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::WindowLength;

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

    fn labels(timeline: &Timeline) -> Vec<&str> {
        timeline.windows.iter().map(|w| w.label.as_str()).collect()
    }

    #[test]
    fn windows_rank_their_distinctive_terms() {
        let timeline = pipeline(120).run_text("talk.txt", TALK).unwrap();
        assert_eq!(timeline.windows.len(), 2);
        assert_eq!(timeline.windows[0].terms[0].label, "security");
        assert_eq!(timeline.windows[1].terms[0].label, "AI");
        assert_eq!(timeline.windows[1].terms[0].count, 3);
        assert_eq!(timeline.meta.inputs[0].title.as_deref(), Some("A Talk"));
        assert_eq!(timeline.meta.statistics.segments, 4);
        assert_eq!(timeline.meta.time_axis, TimeAxis::Offset);
        assert_eq!(labels(&timeline), ["0:00:00", "0:02:00"]);
        assert_eq!(timeline.windows[1].start, TimeValue::Seconds(120.0));
        assert!(!timeline.windows[0].partial && timeline.windows[1].partial);
    }

    #[test]
    fn empty_windows_appear_with_zero_counts() {
        let text = "0:00 security first\n9:59 ai last\n";
        let timeline = pipeline(120).run_text("gap.txt", text).unwrap();
        assert_eq!(timeline.windows.len(), 6);
        for w in &timeline.windows[1..4] {
            assert_eq!(
                (w.tokens, w.segments, w.documents, w.terms.len()),
                (0, 0, 0, 0)
            );
        }
        assert_eq!(timeline.windows[4].label, "0:08:00");
    }

    fn dated(config: Config, docs: &[(&str, &str)]) -> Timeline {
        let pipeline = Pipeline::new(Config {
            min_count: 1,
            ..config
        })
        .unwrap();
        let mut ingested = Ingested::default();
        for (name, text) in docs {
            ingest::read_bytes(
                name,
                text.as_bytes(),
                &mut ingested,
                &pipeline.config.ingest_options(),
            )
            .unwrap();
        }
        pipeline.run_ingested(ingested).unwrap()
    }

    #[test]
    fn dated_documents_get_calendar_windows_with_rfc3339_times() {
        let config = Config {
            window: "decade".parse::<WindowLength>().unwrap(),
            ..Config::default()
        };
        let docs = [
            ("1790-washington.txt", "union militia treasury"),
            ("1795-washington.txt", "treasury credit"),
            ("1821-monroe.txt", "navy commerce navy"),
        ];
        let timeline = dated(config, &docs);
        assert_eq!(timeline.meta.time_axis, TimeAxis::Instant);
        assert_eq!(labels(&timeline), ["1790s", "1800s", "1810s", "1820s"]);
        let first = &timeline.windows[0];
        assert_eq!(
            first.start,
            TimeValue::Instant("1790-01-01T00:00:00Z".into())
        );
        assert_eq!((first.documents, first.segments), (2, 2));
        assert_eq!(first.terms[0].label, "treasury");
        assert_eq!(timeline.windows[1].tokens, 0);
        assert_eq!(timeline.windows[3].terms[0].label, "navy");
        // The data starts on 1 January 1790 and ends just after 1 January 1821.
        assert!(!first.partial && timeline.windows[3].partial);
    }

    #[test]
    fn recordings_and_documents_mix_only_with_an_anchor() {
        let docs = [
            ("talk.txt", "0:00 security talk\n"),
            ("2024-03-21-notes.txt", "notes on ai"),
        ];
        let pipeline = Pipeline::new(Config::default()).unwrap();
        let mut ingested = Ingested::default();
        for (name, text) in docs {
            ingest::read_bytes(
                name,
                text.as_bytes(),
                &mut ingested,
                &pipeline.config.ingest_options(),
            )
            .unwrap();
        }
        let err = pipeline.run_ingested(ingested).unwrap_err();
        assert!(err.to_string().contains("--start"), "{err}");

        let anchored = Config {
            window: "day".parse().unwrap(),
            start: crate::time::parse_instant("2024-03-20T09:00:00Z", &crate::time::Zone::utc()),
            ..Config::default()
        };
        let timeline = dated(anchored, &docs);
        assert_eq!(labels(&timeline), ["2024-03-20", "2024-03-21"]);
        assert_eq!(timeline.windows[0].terms[0].label, "security");
    }

    #[test]
    fn timelines_per_source_have_their_own_windows() {
        let config = Config {
            window: "1m".parse().unwrap(),
            group_by: GroupBy::Source,
            ..Config::default()
        };
        let timeline = dated(
            config,
            &[
                ("a.txt", "0:00 alpha\n1:00 beta\n"),
                ("b.txt", "0:00 gamma\n"),
            ],
        );
        let sources: Vec<_> = timeline
            .windows
            .iter()
            .map(|w| (w.source.as_deref().unwrap(), w.index))
            .collect();
        assert_eq!(sources, [("a.txt", 0), ("a.txt", 1), ("b.txt", 0)]);
        assert_eq!(timeline.windows[2].terms[0].label, "gamma");
    }

    #[test]
    fn token_bins_hold_similar_numbers_of_tokens() {
        let text: String = (0..40)
            .map(|i| {
                let words = if i < 10 {
                    "alpha beta gamma delta epsilon zeta"
                } else {
                    "omega"
                };
                format!("{}:{:02} {words}\n", i / 60, i % 60)
            })
            .collect();
        let config = Config {
            bins: Some(3),
            bins_by: crate::window::BinBy::Tokens,
            ..Config::default()
        };
        let timeline = dated(config, &[("t.txt", &text)]);
        let tokens: Vec<u64> = timeline.windows.iter().map(|w| w.tokens).collect();
        assert_eq!(tokens.iter().sum::<u64>(), 90);
        assert!(tokens.iter().all(|&n| (25..=35).contains(&n)), "{tokens:?}");
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
        let mut ingested = p.ingest_text("big.txt", &text).unwrap();
        let plan = p.plan(&mut ingested).unwrap();
        let group = &plan.groups[0];
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let count = || {
            p.count(
                &ingested.segments,
                &plan.languages,
                &group.windows,
                group.extent,
            )
            .0
        };
        let one = pool(1).install(count);
        let four = pool(4).install(count);
        assert_eq!(one, four);
        assert!(one.windows.len() >= 33);
        assert_eq!(one.windows[0].documents, 1);
    }

    #[test]
    fn languages_are_detected_per_source() {
        let config = Config {
            language: "auto".parse().unwrap(),
            window: "1m".parse().unwrap(),
            group_by: GroupBy::Source,
            ..Config::default()
        };
        let english = "0:00 The security of the platform matters, and the developers want better tooling.\n\
                       0:30 Security teams and platform teams work together on the tooling.\n";
        let german = "0:00 Die Sicherheit der Plattform ist wichtig, und die Entwickler wollen bessere Werkzeuge.\n\
                      0:30 Die Sicherheitsteams und die Plattformteams arbeiten gemeinsam an den Werkzeugen.\n";
        let timeline = dated(config, &[("en.txt", english), ("de.txt", german)]);
        let languages: Vec<_> = timeline.meta.inputs.iter().map(|s| s.language).collect();
        assert_eq!(languages, [Some(Language::English), Some(Language::German)]);
        assert!(timeline.meta.inputs[1].language_confidence.unwrap() > 0.5);
        let german_terms: Vec<&str> = timeline
            .windows
            .iter()
            .filter(|w| w.source.as_deref() == Some("de.txt"))
            .flat_map(|w| w.terms.iter().map(|t| t.term.as_str()))
            .collect();
        // German stop words are gone and German stems are used.
        assert!(
            !german_terms.contains(&"und") && !german_terms.contains(&"die"),
            "{german_terms:?}"
        );
        assert!(german_terms.contains(&"werkzeug"), "{german_terms:?}");
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
