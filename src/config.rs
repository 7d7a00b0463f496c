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

use serde::{Serialize, Serializer};

use crate::stem::Language;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TfMode {
    /// The raw count in the window.
    Raw,
    /// `1 + ln(count)`, which damps terms a speaker repeats many times in a row.
    Sublinear,
}

/// Inverse document frequency, with windows as documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum NormMode {
    /// Unit Euclidean length.
    L2,
    /// Scores sum to one.
    L1,
    /// Unnormalised.
    None,
}

/// Every option of a run. `Config::default()` is the documented default run.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Window length.
    #[serde(serialize_with = "serialize_duration")]
    pub window: Millis,
    /// Distance between window starts; `None` means windows do not overlap.
    #[serde(serialize_with = "serialize_opt_duration")]
    pub step: Option<Millis>,
    /// Ranked terms kept per window (0 keeps all).
    pub top: usize,
    /// Terms seen fewer times than this in the whole run are dropped before scoring.
    pub min_count: u64,
    /// Stemming language (a Snowball algorithm).
    pub language: Language,
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
    /// How long the last segment of a transcript lasts (it has no successor to end it).
    #[serde(serialize_with = "serialize_duration")]
    pub last_segment: Millis,
    /// Fail on the first problem in the input instead of skipping or repairing it.
    pub strict: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window: 5 * 60_000,
            step: None,
            top: 10,
            min_count: 2,
            language: Language::English,
            tf: TfMode::Raw,
            idf: IdfMode::Smooth,
            norm: NormMode::L2,
            keep_numbers: false,
            min_token_len: 2,
            stopwords: Vec::new(),
            add_stopwords: Vec::new(),
            last_segment: 10_000,
            strict: false,
        }
    }
}

impl Config {
    /// Checks the options that types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.window <= 0 {
            return Err(ConfigError::InvalidValue {
                option: "window",
                reason: "must be longer than zero".into(),
            });
        }
        if let Some(step) = self.step
            && (step <= 0 || step > self.window)
        {
            return Err(ConfigError::InvalidValue {
                option: "step",
                reason: format!(
                    "must be longer than zero and at most the window ({})",
                    Duration(self.window)
                ),
            });
        }
        if self.last_segment < 0 {
            return Err(ConfigError::InvalidValue {
                option: "last-segment",
                reason: "must not be negative".into(),
            });
        }
        if self.min_token_len == 0 {
            return Err(ConfigError::InvalidValue {
                option: "min-token-len",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

/// A span of time as read from and written to options: `5m`, `90s`, `1h30m`.
///
/// Parsing accepts jiff's friendly format (`5m`, `1h 30m`, `90 seconds`), ISO 8601
/// (`PT5M`) and a bare number of seconds (`300`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub Millis);

impl FromStr for Duration {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| ConfigError::InvalidDuration {
            value: s.to_string(),
            reason,
        };
        let trimmed = s.trim();
        let millis = if let Ok(secs) = trimmed.parse::<u64>() {
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

impl fmt::Display for Duration {
    /// The shortest `1h30m5s`-style spelling; milliseconds appear only when present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
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

fn serialize_opt_duration<S: Serializer>(ms: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.collect_str(&Duration(*ms)),
        None => s.serialize_none(),
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
    }

    #[test]
    fn bad_durations_are_rejected_with_the_value() {
        for bad in ["", "5x", "0s", "-5m", "soon"] {
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
    fn validation_rejects_steps_longer_than_the_window() {
        let config = Config {
            step: Some(10 * 60_000),
            ..Config::default()
        };
        assert!(config.validate().unwrap_err().to_string().contains("step"));
        assert!(Config::default().validate().is_ok());
    }
}
