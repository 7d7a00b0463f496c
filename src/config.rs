//! Run options shared by every stage, and the parsing of their textual forms.
//!
//! One [`Config`] describes a whole run. The CLI builds it from flags, the library
//! builds it with [`crate::PipelineBuilder`], and `timeline.json` records it so a
//! result can always be traced back to the options that produced it. Durations are
//! kept as integer milliseconds ([`Millis`]) so window arithmetic is exact and the
//! output never depends on floating-point rounding of time.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::emit::OutputFormat;
use crate::ingest::{Columns, Dedupe, Format, IngestOptions};
use crate::score::{Method, Reference};
use crate::stem::{Language, LanguageChoice};
use crate::time::{Zone, rfc3339};
use crate::tokenize::phrases::PhraseMode;
use crate::window::{BinBy, WindowLength, WindowSpec};

/// A time on the run's axis, or a span of time, in whole milliseconds.
///
/// For transcripts this is the offset from the start of the recording.
pub type Millis = i64;

/// Errors in the options of a run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A duration such as `--window 5x` that cannot be read.
    #[error("invalid duration {value:?}: {reason}")]
    InvalidDuration {
        /// The text as given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An option value outside its allowed range.
    #[error("invalid value for {option}: {reason}")]
    InvalidValue {
        /// The option's name as on the command line, without dashes.
        option: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A configuration, alias or lexicon file that cannot be parsed.
    #[error("{path}: {message}")]
    File {
        /// The file (or a description of the built-in data).
        path: String,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },
    /// A word-list file (stop words) that cannot be read.
    #[error("cannot read {path}: {source}")]
    WordList {
        /// The file as given.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// How term frequency enters TF-IDF (scikit-learn's `sublinear_tf`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TfMode {
    /// The raw count in the window.
    Raw,
    /// `1 + ln(count)`, which damps terms a speaker repeats many times in a row.
    Sublinear,
}

/// Inverse document frequency, with windows as documents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IdfMode {
    /// `ln((1 + n) / (1 + df)) + 1` (scikit-learn's default, `smooth_idf=True`).
    Smooth,
    /// `ln(n / df) + 1` (`smooth_idf=False`).
    Plain,
    /// No IDF: every term weighs 1 (`use_idf=False`).
    None,
}

/// Normalisation of each window's score vector.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum NormMode {
    /// Unit Euclidean length.
    L2,
    /// Scores sum to one.
    L1,
    /// Unnormalised.
    None,
}

/// Whether the run makes one timeline or one per source.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One timeline over all inputs.
    #[default]
    None,
    /// One timeline per input file, each with its own windows and IDF.
    Source,
}

/// Every option of a run. `Config::default()` is the documented default run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Config {
    /// Window length: a duration or a calendar unit.
    pub window: WindowLength,
    /// Distance between window starts for durations; `None` means windows do not overlap.
    #[serde(serialize_with = "serialize_opt_duration")]
    #[schemars(with = "Option<Duration>")]
    pub step: Option<Millis>,
    /// Equal bins over the data's extent instead of `window`.
    pub bins: Option<usize>,
    /// Whether bins are equal in time or in tokens.
    pub bins_by: BinBy,
    /// Ranked terms kept per window (0 keeps all).
    pub top: usize,
    /// Terms seen fewer times than this in the whole run are dropped before scoring.
    pub min_count: u64,
    /// Stemming and stop-word language, or `auto` to detect it per source.
    pub language: LanguageChoice,
    /// Term-frequency variant.
    pub tf: TfMode,
    /// IDF variant.
    pub idf: IdfMode,
    /// Normalisation of each window's scores.
    pub norm: NormMode,
    /// Keep tokens made only of digits and separators (`2024`, `12,000`).
    pub keep_numbers: bool,
    /// Shortest token kept, in characters (2 keeps `AI` and `ML`).
    pub min_token_len: usize,
    /// Stop-word files that replace the built-in lists (empty: use the built-in lists).
    pub stopwords: Vec<PathBuf>,
    /// Stop-word files added to whichever lists are in use.
    pub add_stopwords: Vec<PathBuf>,
    /// Alias tables (TOML files, or built-in names such as `cloud-native`) that
    /// repair spellings before anything else.
    pub aliases: Vec<String>,
    /// Extra protected-token patterns (regular expressions).
    pub protect: Vec<String>,
    /// Phrase mining: `auto`, `listed` (only `phrase`), or `off`.
    pub phrases: PhraseMode,
    /// Phrases that always count, as written (`developer experience`).
    pub phrase: Vec<String>,
    /// Fewest occurrences of a mined phrase.
    pub min_phrase_count: u64,
    /// Lowest NPMI of a mined phrase.
    pub phrase_threshold: f64,
    /// Count these phrases (a `themeline select` file) instead of mining them.
    pub phrase_list: Option<PathBuf>,
    /// How long the last segment of a transcript lasts (it has no successor to end it).
    #[serde(serialize_with = "serialize_duration")]
    #[schemars(with = "Duration")]
    pub last_segment: Millis,
    /// Fail on the first problem in the input instead of skipping or repairing it.
    pub strict: bool,
    /// Read every input as this format instead of detecting it (`--input-format`).
    pub input_format: Option<Format>,
    /// JSON Lines / CSV column with the time (detected when unset).
    pub time_col: Option<String>,
    /// JSON Lines / CSV columns with the text, joined in order (detected when empty).
    pub text_col: Vec<String>,
    /// JSON Lines / CSV column naming each record.
    pub id_col: Option<String>,
    /// Time zone for calendar windows and for dates written without an offset.
    pub tz: Zone,
    /// Anchors recordings (offsets) at this instant, so they join dated documents.
    #[serde(serialize_with = "serialize_opt_instant")]
    #[schemars(with = "Option<String>")]
    pub start: Option<Millis>,
    /// One timeline, or one per source.
    pub group_by: GroupBy,
    /// Removal of the rolling duplicates of auto-generated captions.
    pub dedupe: Dedupe,
    /// Transcripts of at least this many bytes are read in pieces, never held
    /// whole (0: read every file whole). How the text is read, not what is
    /// found in it, so like the thread count it is not recorded in outputs.
    #[serde(skip_serializing)]
    pub stream_bytes: u64,
    /// The scoring method.
    pub score: Method,
    /// What keyness (`g2`, `logodds`) compares each window with.
    pub reference: Reference,
    /// Score each window on its counts summed with the `smooth − 1` windows before it.
    pub smooth: usize,
    /// Collection statistics from the windows up to each window only.
    pub as_of: bool,
    /// BM25's term-frequency saturation.
    pub bm25_k1: f64,
    /// BM25's length normalisation.
    pub bm25_b: f64,
    /// c-TF-IDF: BERTopic's BM25-inspired IDF.
    pub ctfidf_bm25_weighting: bool,
    /// c-TF-IDF: square root of the frequencies.
    pub reduce_frequent_words: bool,
    /// Theme lexicon: a TOML file or a built-in name (`cloud-native`); none
    /// discovers themes.
    pub themes: Option<String>,
    /// Discover this many themes (overrides `themes`; 0: no themes).
    pub discover: Option<usize>,
    /// How a lexicon theme counts its members.
    pub theme_weight: crate::theme::ThemeWeight,
    /// |G²| for a significant change of a theme or term between windows.
    pub significance: f64,
    /// Smallest share change of a rising or fading theme.
    pub min_share_change: f64,
    /// Kleinberg burst rate ratio `s`.
    pub burst_s: f64,
    /// Kleinberg burst cost `γ`.
    pub burst_gamma: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window: WindowLength::Duration(5 * 60_000),
            step: None,
            bins: None,
            bins_by: BinBy::Time,
            top: 10,
            min_count: 2,
            language: LanguageChoice::Fixed(Language::English),
            tf: TfMode::Raw,
            idf: IdfMode::Smooth,
            norm: NormMode::L2,
            keep_numbers: false,
            min_token_len: 2,
            stopwords: Vec::new(),
            add_stopwords: Vec::new(),
            aliases: Vec::new(),
            protect: Vec::new(),
            phrases: PhraseMode::Auto,
            phrase: Vec::new(),
            min_phrase_count: 3,
            phrase_threshold: 0.5,
            phrase_list: None,
            last_segment: 10_000,
            strict: false,
            input_format: None,
            time_col: None,
            text_col: Vec::new(),
            id_col: None,
            tz: Zone::utc(),
            start: None,
            group_by: GroupBy::None,
            dedupe: Dedupe::Auto,
            stream_bytes: 64 << 20,
            score: Method::Tfidf,
            reference: Reference::Rest,
            smooth: 1,
            as_of: false,
            bm25_k1: 1.5,
            bm25_b: 0.75,
            ctfidf_bm25_weighting: false,
            reduce_frequent_words: false,
            themes: None,
            discover: None,
            theme_weight: crate::theme::ThemeWeight::Idf,
            significance: 3.84,
            min_share_change: 0.1,
            burst_s: 2.0,
            burst_gamma: 1.0,
        }
    }
}

impl Config {
    /// Checks the options that types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |option, reason: &str| {
            Err(ConfigError::InvalidValue {
                option,
                reason: reason.to_string(),
            })
        };
        match (self.window, self.step, self.bins) {
            (_, Some(_), Some(_)) => return invalid("step", "cannot be combined with --bins"),
            (WindowLength::Calendar(unit), Some(_), None) => {
                return Err(ConfigError::InvalidValue {
                    option: "step",
                    reason: format!("works with duration windows, not --window {}", unit.name()),
                });
            }
            (WindowLength::Duration(size), step, _) => {
                if size <= 0 {
                    return invalid("window", "must be longer than zero");
                }
                if let Some(step) = step
                    && (step <= 0 || step > size)
                {
                    return Err(ConfigError::InvalidValue {
                        option: "step",
                        reason: format!(
                            "must be longer than zero and at most the window ({})",
                            Duration(size)
                        ),
                    });
                }
            }
            _ => {}
        }
        if self.bins == Some(0) {
            return invalid("bins", "must be at least 1");
        }
        if !(0..=crate::time::MAX_OFFSET).contains(&self.last_segment) {
            return invalid("last-segment", "must be between 0 and about 31 years");
        }
        if self.min_token_len == 0 {
            return invalid("min-token-len", "must be at least 1");
        }
        if !(-1.0..=1.0).contains(&self.phrase_threshold) {
            return invalid("phrase-threshold", "must be between -1 and 1 (an NPMI)");
        }
        if self.smooth == 0 {
            return invalid("smooth", "must be at least 1 (1: no smoothing)");
        }
        if !(self.bm25_k1.is_finite() && self.bm25_k1 >= 0.0) {
            return invalid("bm25-k1", "must be a number of at least 0");
        }
        if !(0.0..=1.0).contains(&self.bm25_b) {
            return invalid("bm25-b", "must be between 0 and 1");
        }
        if !(self.significance.is_finite() && self.significance >= 0.0) {
            return invalid("significance", "must be a number of at least 0");
        }
        if !(0.0..=1.0).contains(&self.min_share_change) {
            return invalid("min-share-change", "must be between 0 and 1");
        }
        if !(self.burst_s.is_finite() && self.burst_s > 1.0) {
            return invalid("burst-s", "must be greater than 1");
        }
        if !(self.burst_gamma.is_finite() && self.burst_gamma >= 0.0) {
            return invalid("burst-gamma", "must be a number of at least 0");
        }
        Ok(())
    }

    /// The options that decide what is counted, as JSON: every option except
    /// those of scoring, themes and shifts, which act after counting. Shards
    /// record them, and a merge checks its own against theirs.
    pub fn counting_options(&self) -> serde_json::Value {
        const AFTER_COUNTING: &[&str] = &[
            "top",
            "min_count",
            "tf",
            "idf",
            "norm",
            "score",
            "reference",
            "smooth",
            "as_of",
            "bm25_k1",
            "bm25_b",
            "ctfidf_bm25_weighting",
            "reduce_frequent_words",
            "discover",
            "theme_weight",
            "significance",
            "min_share_change",
            "burst_s",
            "burst_gamma",
            "phrase_list",
        ];
        let mut options = serde_json::to_value(self).expect("options serialize");
        if let Some(map) = options.as_object_mut() {
            map.retain(|name, _| !AFTER_COUNTING.contains(&name.as_str()));
        }
        options
    }

    /// The windows these options ask for.
    pub fn window_spec(&self) -> WindowSpec {
        if let Some(count) = self.bins {
            return WindowSpec::Bins {
                count,
                by: self.bins_by,
            };
        }
        match self.window {
            WindowLength::Duration(size) => WindowSpec::Span {
                size,
                step: self.step.unwrap_or(size),
            },
            WindowLength::Calendar(unit) => WindowSpec::Calendar {
                unit,
                zone: self.tz.clone(),
            },
        }
    }

    /// The options of the ingest stage.
    pub fn ingest_options(&self) -> IngestOptions {
        IngestOptions {
            strict: self.strict,
            last_segment: self.last_segment,
            format: self.input_format,
            columns: Columns {
                time: self.time_col.clone(),
                text: self.text_col.clone(),
                id: self.id_col.clone(),
            },
            zone: self.tz.clone(),
            dedupe: self.dedupe,
            stream_bytes: self.stream_bytes,
        }
    }
}

/// A span of time as read from and written to options: `5m`, `90s`, `1h30m`.
///
/// Parsing accepts jiff's friendly format (`5m`, `1h 30m`, `90 seconds`), ISO 8601
/// (`PT5M`) and a bare number of seconds (`300`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub Millis);

impl From<Duration> for Millis {
    fn from(d: Duration) -> Millis {
        d.0
    }
}

impl FromStr for Duration {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| ConfigError::InvalidDuration {
            value: s.to_string(),
            reason,
        };
        let trimmed = s.trim();
        let millis = if let Some(ms) = calendar_days(trimmed) {
            ms.ok_or_else(|| invalid("too long".into()))?
        } else if let Ok(secs) = trimmed.parse::<u64>() {
            i64::try_from(secs)
                .ok()
                .and_then(|s| s.checked_mul(1000))
                .ok_or_else(|| invalid("too long".into()))?
        } else {
            let d: jiff::SignedDuration = trimmed.parse().map_err(|e: jiff::Error| {
                invalid(format!("{e}; write it like 5m, 90s or 1h30m"))
            })?;
            i64::try_from(d.as_millis()).map_err(|_| invalid("too long".into()))?
        };
        if millis <= 0 {
            return Err(invalid("must be longer than zero".into()));
        }
        Ok(Duration(millis))
    }
}

/// `90d`, `2w`, `3 days`: whole days and weeks of 24 hours, which jiff's
/// `SignedDuration` declines to parse because calendar days can be 23 or 25 hours.
/// `None` when the text is not in this form; `Some(None)` when it overflows.
fn calendar_days(text: &str) -> Option<Option<Millis>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let days_per_unit = match unit.trim() {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        _ => return None,
    };
    let n: i64 = number.parse().ok()?;
    Some(n.checked_mul(days_per_unit * 86_400_000))
}

impl fmt::Display for Duration {
    /// The shortest `1d1h30m5s`-style spelling; milliseconds appear only when present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        // Days only for whole days: `1d1h` would not read back (see `calendar_days`).
        let whole_days = ms % 86_400_000 == 0;
        let (d, h, m, s, rest) = (
            if whole_days { ms / 86_400_000 } else { 0 },
            if whole_days { 0 } else { ms / 3_600_000 },
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000,
        );
        if d != 0 {
            write!(f, "{d}d")?;
        }
        if h != 0 {
            write!(f, "{h}h")?;
        }
        if m != 0 {
            write!(f, "{m}m")?;
        }
        if s != 0 {
            write!(f, "{s}s")?;
        }
        if rest != 0 {
            write!(f, "{rest}ms")?;
        }
        Ok(())
    }
}

/// Formats an offset as `H:MM:SS` (with `.mmm` only when there are milliseconds).
pub fn clock_label(ms: Millis) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if rest == 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{h}:{m:02}:{s:02}.{rest:03}")
    }
}

fn serialize_duration<S: Serializer>(ms: &Millis, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&Duration(*ms))
}

fn serialize_opt_instant<S: Serializer>(ms: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.serialize_str(&rfc3339(*ms)),
        None => s.serialize_none(),
    }
}

fn serialize_opt_duration<S: Serializer>(ms: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.collect_str(&Duration(*ms)),
        None => s.serialize_none(),
    }
}

/// Reads a value through its `FromStr`, for options written as strings in TOML.
fn from_str_de<'de, D: Deserializer<'de>, T: FromStr>(d: D) -> Result<Option<T>, D::Error>
where
    T::Err: fmt::Display,
{
    let text = String::deserialize(d)?;
    text.parse().map(Some).map_err(serde::de::Error::custom)
}

/// `themeline.toml`: any run option, named as on the command line.
///
/// A run reads `./themeline.toml` when it exists (or `--config FILE`); each option
/// is layered defaults < this file < the environment (`THEMELINE_WINDOW=2m`, see
/// [`ConfigFile::from_env`]) < flags given on the command line, with one name in
/// all of them (`--min-count`, `min-count`, `THEMELINE_MIN_COUNT`). Relative paths
/// in a file are relative to the file. Unknown keys are errors, with their line.
/// `inputs`, `out`, `threads`, `format`, `quiet`, `verbose` and
/// `progress-interval` are the command line's own; the rest set a [`Config`].
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(missing_docs)]
pub struct ConfigFile {
    pub inputs: Option<Vec<PathBuf>>,
    pub out: Option<PathBuf>,
    /// Output formats: a list, or one string separated by commas.
    #[serde(default, deserialize_with = "output_formats_de")]
    #[schemars(with = "Option<OutputFormats>")]
    pub format: Option<Vec<OutputFormat>>,
    pub quiet: Option<bool>,
    pub verbose: Option<bool>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub progress_interval: Option<Duration>,
    pub threads: Option<usize>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub window: Option<WindowLength>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub step: Option<Duration>,
    pub bins: Option<usize>,
    pub bins_by: Option<BinBy>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub tz: Option<Zone>,
    pub start: Option<String>,
    pub group_by: Option<GroupBy>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub input_format: Option<Format>,
    pub time_col: Option<String>,
    pub text_col: Option<Vec<String>>,
    pub id_col: Option<String>,
    pub dedupe: Option<Dedupe>,
    pub stream_bytes: Option<u64>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub last_segment: Option<Duration>,
    pub strict: Option<bool>,
    #[serde(default, deserialize_with = "from_str_de")]
    pub language: Option<LanguageChoice>,
    pub keep_numbers: Option<bool>,
    pub min_token_len: Option<usize>,
    pub stopwords: Option<Vec<PathBuf>>,
    pub add_stopwords: Option<Vec<PathBuf>>,
    pub aliases: Option<Vec<String>>,
    pub protect: Option<Vec<String>>,
    pub phrases: Option<PhraseMode>,
    pub phrase: Option<Vec<String>>,
    pub min_phrase_count: Option<u64>,
    pub phrase_threshold: Option<f64>,
    pub phrase_list: Option<PathBuf>,
    pub top: Option<usize>,
    pub min_count: Option<u64>,
    pub tf: Option<TfMode>,
    pub idf: Option<IdfMode>,
    pub norm: Option<NormMode>,
    pub score: Option<Method>,
    pub reference: Option<Reference>,
    pub smooth: Option<usize>,
    pub as_of: Option<bool>,
    pub bm25_k1: Option<f64>,
    pub bm25_b: Option<f64>,
    pub ctfidf_bm25_weighting: Option<bool>,
    pub reduce_frequent_words: Option<bool>,
    pub themes: Option<String>,
    pub discover: Option<usize>,
    pub theme_weight: Option<crate::theme::ThemeWeight>,
    pub significance: Option<f64>,
    pub min_share_change: Option<f64>,
    pub burst_s: Option<f64>,
    pub burst_gamma: Option<f64>,
}

/// The JSON Schema of `format` in a config file: a list, or one string.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum OutputFormats {
    /// `["csv", "json"]`.
    List(Vec<OutputFormat>),
    /// `"csv,json"`.
    Text(String),
}

/// `format = ["csv", "json"]` or `format = "csv,json"`.
fn output_formats_de<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<OutputFormat>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Formats {
        List(Vec<String>),
        Text(String),
    }
    let names = match Formats::deserialize(d)? {
        Formats::List(names) => names,
        Formats::Text(text) => text.split(',').map(str::to_string).collect(),
    };
    names
        .iter()
        .filter(|name| !name.trim().is_empty())
        .map(|name| name.parse().map_err(serde::de::Error::custom))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Levenshtein distance, for suggesting the option a misspelt variable meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The prefix of the environment variables that set options.
pub const ENV_PREFIX: &str = "THEMELINE_";

/// Environment variables the command line reads itself: the config file's path
/// (like `--config`) and whether to read none (like `--no-config`).
pub const ENV_CONFIG: [&str; 2] = ["THEMELINE_CONFIG", "THEMELINE_NO_CONFIG"];

impl ConfigFile {
    /// Every key a file may hold, in file order (kebab-case, as the long flags).
    pub fn keys() -> Vec<String> {
        let schema = schemars::schema_for!(ConfigFile);
        schema
            .get("properties")
            .and_then(|p| p.as_object())
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The environment variable of a key: `min-count` → `THEMELINE_MIN_COUNT`.
    pub fn env_name(key: &str) -> String {
        format!("{ENV_PREFIX}{}", key.replace('-', "_").to_ascii_uppercase())
    }

    /// Reads and checks a config file; relative paths become relative to its
    /// directory.
    pub fn load(path: &std::path::Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::WordList {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file = ConfigFile::parse(&text, &path.display().to_string())?;
        file.resolve(path.parent().unwrap_or(std::path::Path::new("")));
        Ok(file)
    }

    /// Parses the text of a config file (`origin` names it in errors); paths stay
    /// as written.
    pub fn parse(text: &str, origin: &str) -> Result<ConfigFile, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::File {
            path: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })
    }

    /// The options set by `THEMELINE_<KEY>` variables among `vars` (`KEY` in
    /// SCREAMING_SNAKE_CASE: `THEMELINE_WINDOW=2m`, `THEMELINE_MIN_COUNT=3`). A
    /// value is read as TOML when it is one (`true`, `3`, `["a.toml", "b.toml"]`),
    /// else as a string, else as a list of that one string, so
    /// `THEMELINE_ALIASES=cloud-native` and `THEMELINE_FORMAT=csv,json` need no
    /// quotes. Paths are relative to the working directory. A `THEMELINE_`
    /// variable that names no option is an error, like an unknown key in a file
    /// (except those of [`ENV_CONFIG`]).
    pub fn from_env(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ConfigFile, ConfigError> {
        let keys = ConfigFile::keys();
        let mut vars: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(name, _)| {
                name.starts_with(ENV_PREFIX) && !ENV_CONFIG.contains(&name.as_str())
            })
            .collect();
        vars.sort();
        let mut lines = Vec::new();
        for (name, raw) in vars {
            let Some(key) = keys.iter().find(|k| ConfigFile::env_name(k) == name) else {
                let closest = keys
                    .iter()
                    .map(|k| ConfigFile::env_name(k))
                    .min_by_key(|candidate| edit_distance(candidate, &name))
                    .filter(|candidate| edit_distance(candidate, &name) <= 3);
                let hint = match closest {
                    Some(candidate) => format!("did you mean {candidate}? "),
                    None => String::new(),
                };
                return Err(ConfigError::File {
                    path: format!("environment variable {name}"),
                    message: format!(
                        "not an option; {hint}options are set by THEMELINE_ and their names \
                         in SCREAMING_SNAKE_CASE (THEMELINE_WINDOW, THEMELINE_MIN_COUNT, ...)"
                    ),
                });
            };
            let literals = [
                raw.clone(),
                toml::Value::String(raw.clone()).to_string(),
                toml::Value::Array(vec![toml::Value::String(raw.clone())]).to_string(),
            ];
            let attempts: Vec<Result<String, String>> = literals
                .iter()
                .map(|literal| {
                    let line = format!("{key} = {literal}");
                    match toml::from_str::<ConfigFile>(&line) {
                        Ok(_) => Ok(line),
                        Err(e) => Err(e.message().to_string()),
                    }
                })
                .collect();
            match attempts.iter().find_map(|a| a.as_ref().ok()) {
                Some(line) => lines.push(line.clone()),
                None => {
                    let errors: Vec<&String> =
                        attempts.iter().filter_map(|a| a.as_ref().err()).collect();
                    // The string's complaint, unless the option wants a list.
                    let message = if errors[1].starts_with("invalid type: string")
                        && !errors[2].starts_with("invalid type: sequence")
                    {
                        errors[2]
                    } else {
                        errors[1]
                    };
                    return Err(ConfigError::File {
                        path: format!("environment variable {name}={raw}"),
                        message: message.clone(),
                    });
                }
            }
        }
        ConfigFile::parse(&lines.join("\n"), "the environment")
    }

    /// Makes relative paths relative to `base` (a config file's directory).
    fn resolve(&mut self, base: &std::path::Path) {
        let resolve = |p: &PathBuf| {
            if p.is_relative() {
                base.join(p)
            } else {
                p.clone()
            }
        };
        let resolve_all = |list: &mut Option<Vec<PathBuf>>| {
            if let Some(list) = list {
                *list = list.iter().map(resolve).collect();
            }
        };
        resolve_all(&mut self.inputs);
        resolve_all(&mut self.stopwords);
        resolve_all(&mut self.add_stopwords);
        // `-` is standard output, not a directory next to the file.
        self.out = self.out.as_ref().map(|out| {
            if out.as_os_str() == "-" {
                out.clone()
            } else {
                resolve(out)
            }
        });
        self.phrase_list = self.phrase_list.as_ref().map(resolve);
        if let Some(themes) = &mut self.themes {
            let builtin = crate::theme::BUILTIN.iter().any(|(name, _)| name == themes);
            if !builtin {
                *themes = resolve(&PathBuf::from(&*themes)).display().to_string();
            }
        }
        if let Some(aliases) = &mut self.aliases {
            for alias in aliases.iter_mut() {
                let builtin = crate::tokenize::aliases::BUILTIN
                    .iter()
                    .any(|(name, _)| name == alias);
                if !builtin {
                    *alias = resolve(&PathBuf::from(&*alias)).display().to_string();
                }
            }
        }
    }

    /// Every option of `config`, as a file would set it (the command line's own
    /// options unset): what `themeline config show` prints, and reads back.
    pub fn from_config(config: &Config) -> ConfigFile {
        let c = config.clone();
        ConfigFile {
            window: Some(c.window),
            step: c.step.map(Duration),
            bins: c.bins,
            bins_by: Some(c.bins_by),
            tz: Some(c.tz),
            start: c.start.map(rfc3339),
            group_by: Some(c.group_by),
            input_format: c.input_format,
            time_col: c.time_col,
            text_col: Some(c.text_col),
            id_col: c.id_col,
            dedupe: Some(c.dedupe),
            last_segment: Some(Duration(c.last_segment)),
            strict: Some(c.strict),
            language: Some(c.language),
            keep_numbers: Some(c.keep_numbers),
            min_token_len: Some(c.min_token_len),
            stopwords: Some(c.stopwords),
            add_stopwords: Some(c.add_stopwords),
            aliases: Some(c.aliases),
            protect: Some(c.protect),
            phrases: Some(c.phrases),
            phrase: Some(c.phrase),
            min_phrase_count: Some(c.min_phrase_count),
            phrase_threshold: Some(c.phrase_threshold),
            phrase_list: c.phrase_list,
            top: Some(c.top),
            min_count: Some(c.min_count),
            tf: Some(c.tf),
            idf: Some(c.idf),
            norm: Some(c.norm),
            score: Some(c.score),
            reference: Some(c.reference),
            smooth: Some(c.smooth),
            as_of: Some(c.as_of),
            bm25_k1: Some(c.bm25_k1),
            bm25_b: Some(c.bm25_b),
            ctfidf_bm25_weighting: Some(c.ctfidf_bm25_weighting),
            reduce_frequent_words: Some(c.reduce_frequent_words),
            themes: c.themes,
            discover: c.discover,
            theme_weight: Some(c.theme_weight),
            significance: Some(c.significance),
            min_share_change: Some(c.min_share_change),
            burst_s: Some(c.burst_s),
            burst_gamma: Some(c.burst_gamma),
            ..ConfigFile::default()
        }
    }

    /// The file in `themeline.toml` syntax.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("options serialize as TOML")
    }

    /// Sets the options this file names.
    pub fn apply(&self, config: &mut Config) -> Result<(), ConfigError> {
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(value) = &self.$field {
                    config.$field = value.clone().into();
                }
            )*};
        }
        set!(
            bins_by,
            tz,
            group_by,
            time_col,
            id_col,
            dedupe,
            stream_bytes,
            strict,
            language,
            keep_numbers,
            min_token_len,
            stopwords,
            add_stopwords,
            aliases,
            protect,
            phrases,
            phrase,
            min_phrase_count,
            phrase_threshold,
            top,
            min_count,
            tf,
            idf,
            norm,
            score,
            reference,
            smooth,
            as_of,
            bm25_k1,
            bm25_b,
            ctfidf_bm25_weighting,
            reduce_frequent_words,
            theme_weight,
            significance,
            min_share_change,
            burst_s,
            burst_gamma
        );
        if let Some(themes) = &self.themes {
            config.themes = Some(themes.clone());
        }
        if let Some(list) = &self.phrase_list {
            config.phrase_list = Some(list.clone());
        }
        if let Some(discover) = self.discover {
            config.discover = Some(discover);
        }
        if let Some(window) = self.window {
            config.window = window;
        }
        if let Some(step) = self.step {
            config.step = Some(step.0);
        }
        if let Some(bins) = self.bins {
            config.bins = Some(bins);
        }
        if let Some(format) = self.input_format {
            config.input_format = Some(format);
        }
        if let Some(text_col) = &self.text_col {
            config.text_col = text_col.clone();
        }
        if let Some(last_segment) = self.last_segment {
            config.last_segment = last_segment.0;
        }
        if let Some(start) = &self.start {
            let instant = crate::time::parse_instant(start, &config.tz).ok_or_else(|| {
                ConfigError::InvalidValue {
                    option: "start",
                    reason: format!("{start:?} is not a date or date-time"),
                }
            })?;
            config.start = Some(instant);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_friendly_iso_and_seconds_forms() {
        assert_eq!("5m".parse::<Duration>().unwrap().0, 300_000);
        assert_eq!("1h30m".parse::<Duration>().unwrap().0, 5_400_000);
        assert_eq!("90s".parse::<Duration>().unwrap().0, 90_000);
        assert_eq!("PT2M".parse::<Duration>().unwrap().0, 120_000);
        assert_eq!("300".parse::<Duration>().unwrap().0, 300_000);
        assert_eq!("1500ms".parse::<Duration>().unwrap().0, 1_500);
        assert_eq!("90d".parse::<Duration>().unwrap().0, 90 * 86_400_000);
        assert_eq!("2w".parse::<Duration>().unwrap().0, 14 * 86_400_000);
        assert_eq!("3 days".parse::<Duration>().unwrap().0, 3 * 86_400_000);
    }

    #[test]
    fn bad_durations_are_rejected_with_the_value() {
        for bad in ["", "5x", "0s", "-5m", "soon", "0d", "5 fortnights"] {
            let err = bad.parse::<Duration>().unwrap_err().to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn durations_print_compactly_and_round_trip() {
        for (ms, text) in [
            (300_000, "5m"),
            (5_400_000, "1h30m"),
            (90_000, "1m30s"),
            (1_500, "1s500ms"),
            (90 * 86_400_000, "90d"),
            (86_400_000 + 3_600_000, "25h"),
        ] {
            assert_eq!(Duration(ms).to_string(), text);
            assert_eq!(text.parse::<Duration>().unwrap().0, ms);
        }
    }

    #[test]
    fn clock_labels() {
        assert_eq!(clock_label(0), "0:00:00");
        assert_eq!(clock_label(3_670_000), "1:01:10");
        assert_eq!(clock_label(61_500), "0:01:01.500");
    }

    #[test]
    fn validation_rejects_impossible_window_combinations() {
        let bad = |config: Config| config.validate().unwrap_err().to_string();
        let step = Config {
            step: Some(10 * 60_000),
            ..Config::default()
        };
        assert!(bad(step).contains("at most the window"));
        let calendar = Config {
            window: WindowLength::Calendar(crate::window::CalendarUnit::Month),
            step: Some(1000),
            ..Config::default()
        };
        assert!(bad(calendar).contains("--window month"));
        let bins_and_step = Config {
            bins: Some(4),
            step: Some(1000),
            ..Config::default()
        };
        assert!(bad(bins_and_step).contains("--bins"));
        let no_bins = Config {
            bins: Some(0),
            ..Config::default()
        };
        assert!(bad(no_bins).contains("at least 1"));
        assert!(Config::default().validate().is_ok());
    }

    fn options_json(config: &Config) -> serde_json::Value {
        serde_json::to_value(config).unwrap()
    }

    #[test]
    fn every_option_survives_a_trip_through_a_config_file() {
        let mut config = Config {
            window: WindowLength::Duration(120_000),
            step: Some(60_000),
            top: 0,
            language: LanguageChoice::Auto,
            tf: TfMode::Sublinear,
            input_format: Some(Format::WebVtt),
            text_col: vec!["title".into(), "description".into()],
            tz: "Europe/Berlin".parse().unwrap(),
            start: Some(1_710_925_200_000),
            phrase: vec!["service mesh".into()],
            phrase_threshold: 0.25,
            discover: Some(4),
            themes: Some("cloud-native".into()),
            burst_gamma: 1.5,
            strict: true,
            ..Config::default()
        };
        config.last_segment = 2_500;
        let text = ConfigFile::from_config(&config).to_toml();
        let file = ConfigFile::parse(&text, "shown").unwrap();
        let mut read = Config::default();
        file.apply(&mut read).unwrap();
        assert_eq!(options_json(&read), options_json(&config), "{text}");
        assert!(text.contains("input-format = \"vtt\"\n"), "{text}");
        assert!(
            text.contains("start = \"2024-03-20T09:00:00Z\"\n"),
            "{text}"
        );
        // Unset options stay unset.
        let default = ConfigFile::from_config(&Config::default()).to_toml();
        assert!(!default.contains("step =") && !default.contains("themes ="));
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = ConfigFile::parse("top = 3\n\nwindw = \"5m\"\n", "themeline.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("themeline.toml: "), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("unknown field `windw`"), "{err}");
    }

    fn env(vars: &[(&str, &str)]) -> Result<ConfigFile, ConfigError> {
        ConfigFile::from_env(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn environment_variables_are_the_keys_in_screaming_snake_case() {
        let file = env(&[
            ("THEMELINE_WINDOW", "300"),
            ("THEMELINE_MIN_COUNT", "3"),
            ("THEMELINE_KEEP_NUMBERS", "true"),
            ("THEMELINE_TIME_COL", "2024"),
            ("THEMELINE_ALIASES", "cloud-native"),
            ("THEMELINE_TEXT_COL", r#"["title", "description"]"#),
            ("THEMELINE_FORMAT", "csv, ndjson"),
            ("THEMELINE_BM25_K1", "1.2"),
            ("THEMELINE_CONFIG", "elsewhere.toml"),
            ("OTHER", "x"),
        ])
        .unwrap();
        assert_eq!(file.window, Some(WindowLength::Duration(300_000)));
        assert_eq!(file.min_count, Some(3));
        assert_eq!(file.keep_numbers, Some(true));
        assert_eq!(file.time_col.as_deref(), Some("2024"));
        assert_eq!(file.aliases, Some(vec!["cloud-native".to_string()]));
        assert_eq!(
            file.text_col,
            Some(vec!["title".to_string(), "description".to_string()])
        );
        assert_eq!(
            file.format,
            Some(vec![OutputFormat::Csv, OutputFormat::Ndjson])
        );
        assert_eq!(file.bm25_k1, Some(1.2));
        assert_eq!(ConfigFile::env_name("bm25-k1"), "THEMELINE_BM25_K1");
    }

    #[test]
    fn bad_environment_variables_are_named() {
        let err = env(&[("THEMELINE_TF", "bogus")]).unwrap_err().to_string();
        assert!(
            err.contains("THEMELINE_TF=bogus") && err.contains("unknown variant"),
            "{err}"
        );
        let err = env(&[("THEMELINE_PHRASE_THRESHOLD", "high")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected f64"), "{err}");
        let err = env(&[("THEMELINE_PHRASES", "bogus")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant"), "{err}");
        let err = env(&[("THEMELINE_ALIAS", "x")]).unwrap_err().to_string();
        assert!(err.contains("THEMELINE_ALIAS: not an option"), "{err}");
        assert!(err.contains("did you mean THEMELINE_ALIASES"), "{err}");
    }

    #[test]
    fn window_specs_follow_the_options() {
        let sliding = Config {
            step: Some(60_000),
            ..Config::default()
        };
        assert_eq!(
            sliding.window_spec(),
            WindowSpec::Span {
                size: 300_000,
                step: 60_000
            }
        );
        let bins = Config {
            bins: Some(12),
            ..Config::default()
        };
        assert_eq!(
            bins.window_spec(),
            WindowSpec::Bins {
                count: 12,
                by: BinBy::Time
            }
        );
    }
}
