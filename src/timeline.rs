//! The output model: what a run found, as every emitter and shard reads it.
//!
//! A [`Timeline`] is plain data: windows with their ranked terms and theme
//! shares, the themes, the shift events, the terms' forms, and [`Meta`] (inputs,
//! options, statistics, diagnostics). The pipeline builds it; `emit` writes it out
//! and reads nothing else, which is why the few stage types it mentions (a
//! source, a diagnostic, a shift's kind) are re-exported here.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::config::Config;
pub use crate::config::GroupBy;
pub use crate::count::claim::Phrase;
pub use crate::ingest::{Diagnostic, LineCounts, Source};
pub use crate::shift::{ShiftKind, TermStatus};
pub use crate::theme::Origin;
use crate::time::Millis;
pub use crate::time::TimeAxis;
use crate::time::rfc3339;
pub use crate::tokenize::DropReason;
/// Version of the `timeline.json` layout; bumped on breaking changes (2: the
/// input format option is `input_format` in `meta.options`; 3: `chapters[]`;
/// 4: `speakers[]`, and `speaker` on the rows of timelines per speaker).
pub const SCHEMA_VERSION: u32 = 4;

/// How many diagnostics `timeline.json` lists one by one (all are counted).
pub const MAX_LISTED_DIAGNOSTICS: usize = 1000;

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

impl fmt::Display for TimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeValue::Seconds(s) => s.fmt(f),
            TimeValue::Instant(s) => f.write_str(s),
        }
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
    /// The speaker this window's timeline belongs to, with `--group-by speaker`
    /// (`""` for the text of no named speaker).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
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

/// One chapter of a recording (where its topic holds), or one period of a dated
/// timeline (between its strongest changes).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChapterReport {
    /// The recording (its path), or for a dated timeline the source it belongs
    /// to with `--group-by source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its number in its recording or timeline, from 1.
    pub chapter: usize,
    /// Where it starts: seconds into the recording, or an RFC 3339 instant.
    pub start: TimeValue,
    /// Where it ends (exclusive), like `start`.
    pub end: TimeValue,
    /// `start` in milliseconds on the run's axis.
    pub start_ms: Millis,
    /// `end` in milliseconds on the run's axis.
    pub end_ms: Millis,
    /// How people name its start: `0:12:30` into a recording, or the label of
    /// the window a period starts in (`1860s`).
    pub label: String,
    /// How people name its end.
    pub end_label: String,
    /// Its title: its most distinctive terms and phrases, as people read them,
    /// joined by commas (empty when nothing stands out).
    pub title: String,
    /// Its distinctive terms, best first (the title's first).
    pub terms: Vec<String>,
    /// The theme with the largest share of it, if any theme is present.
    pub dominant: Option<String>,
    /// How sharply the text changes where it starts: the depth of the dip in
    /// lexical cohesion at its boundary (0 to 2); absent for a first chapter.
    pub strength: Option<f64>,
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
    /// The speaker whose timeline it belongs to, with `--group-by speaker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
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
    /// The speaker's timeline, with `--group-by speaker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
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
    /// The share of the chunks' tokens the background took (the vocabulary the
    /// whole corpus shares, in no theme), when themes were learned over one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_share: Option<f64>,
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
    /// The terms set aside as a collection's boilerplate (held by at least half of
    /// its documents): scored, but never leading a window, a theme or a title.
    /// The most widely held first, at most 50.
    pub boilerplate: Vec<BoilerplateTerm>,
}

/// A term a collection's documents all but share.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoilerplateTerm {
    /// The term.
    pub term: String,
    /// How people read it.
    pub label: String,
    /// In how many documents it occurs.
    pub documents: u64,
    /// Of how many.
    pub of: u64,
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
    /// The chapters of each recording, or the periods of each dated timeline, in
    /// time order.
    pub chapters: Vec<ChapterReport>,
    /// The best-scoring terms that belong to no lexicon theme, best first.
    pub unassigned: Vec<UnassignedTerm>,
    /// Who speaks, per timeline (absent when no input names its speakers).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub speakers: Vec<SpeakerReport>,
}

impl WindowReport {
    /// The timeline it belongs to: its source or its speaker, when timelines are
    /// per source or per speaker.
    pub fn timeline(&self) -> Option<&str> {
        self.source.as_deref().or(self.speaker.as_deref())
    }
}

impl ShiftReport {
    /// The timeline it belongs to: its source or its speaker.
    pub fn timeline(&self) -> Option<&str> {
        self.source.as_deref().or(self.speaker.as_deref())
    }
}

/// A speaker of a timeline: how much they said, what they said more than the
/// others, the themes they carry, and all of it per window.
///
/// Segments whose input names no speaker belong to the speaker named `""`
/// (listed when there are any), so a timeline's tokens add up over its speakers.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SpeakerReport {
    /// The timeline, with `--group-by source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The name the input gives (`""`: no name given).
    pub name: String,
    /// Their tokens (kept words), each once (with overlapping windows a token
    /// counts in every window it falls in, but here once).
    pub tokens: u64,
    /// Their part of the timeline's tokens, 0 to 1.
    pub share: f64,
    /// How long their segments last, summed, in seconds (0 for dated documents).
    pub seconds: f64,
    /// Their part of the time everyone's segments last, 0 to 1.
    pub time_share: f64,
    /// What they say more than everyone else: terms by signed G² of their counts
    /// against the other speakers', best first (only terms they over-use).
    pub terms: Vec<SpeakerTerm>,
    /// The theme with the largest share of their theme tokens, if any.
    pub dominant: Option<String>,
    /// The theme they lead most: of the themes where their tokens outnumber every
    /// other speaker's, the one where theirs are the largest part of all; `None`
    /// when they lead none.
    pub leads: Option<String>,
    /// Their tokens of each theme over the timeline, in the order of the themes.
    pub themes: Vec<SpeakerTheme>,
    /// The windows where they speak, in time order.
    pub windows: Vec<SpeakerWindow>,
}

/// A distinctive term of a speaker.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SpeakerTerm {
    /// The term.
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Its count in what they say.
    pub count: u64,
    /// Signed G² against the other speakers (positive: they use it more).
    pub g2: f64,
}

/// A theme in what one speaker says in one window (or the whole timeline).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SpeakerTheme {
    /// The theme's name.
    pub theme: String,
    /// The theme's part of the speaker's theme strength, 0 to 1: the window's
    /// `share`, computed on the speaker's words alone.
    pub share: f64,
    /// The (weighted) tokens of the theme in the speaker's words.
    pub tokens: f64,
    /// The speaker's part of the theme's tokens among all speakers, 0 to 1 (0
    /// when nobody speaks of it): who drives the theme.
    pub share_of_theme: f64,
}

/// One speaker in one window.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SpeakerWindow {
    /// The window's index in its timeline.
    pub window: usize,
    /// Its start, as in `windows[]`.
    pub start: TimeValue,
    /// Its end, as in `windows[]`.
    pub end: TimeValue,
    /// Its label, as in `windows[]`.
    pub label: String,
    /// The speaker's tokens in it.
    pub tokens: u64,
    /// Their part of the window's tokens, 0 to 1.
    pub share_of_window: f64,
    /// Every theme, in the order of the themes.
    pub themes: Vec<SpeakerTheme>,
}
