//! themeline turns timestamped text into theme timelines: which terms and themes
//! dominate each time window of a recording or a calendar, and where the
//! conversation shifts.
//!
//! The pipeline is a chain of stages, each a module with one job, meeting through a
//! few plain types:
//!
//! | stage | module | in → out |
//! | --- | --- | --- |
//! | ingest | [`ingest`] | files → [`Segment`]s (timed text), [`Diagnostic`]s |
//! | tokenize | [`tokenize`] | text → case-folded word tokens, through filters |
//! | stem | [`stem`] | word → Snowball stem, cached |
//! | window | [`window`] | time → window indices ([`window::Windows`]: durations, calendar units, bins) |
//! | count | [`count`] | tokens → per-window [`Counts`] (mergeable) |
//! | score | [`score`] | counts → a score per term and window: TF-IDF (scikit-learn), BM25, c-TF-IDF, keyness |
//! | theme | [`theme`] | counts → theme strengths and shares per window (a lexicon, or NMF) |
//! | shift | [`shift`] | theme windows and counts → events: dominant changes, rising, fading, bursts |
//! | emit | [`emit`] | [`Timeline`] → `terms.csv`, `windows.csv`, `themes.csv`, `shifts.csv`, `timeline.json`, `timeline.ndjson`, `report.html`, `timeline.vl.json` |
//!
//! [`Pipeline`] runs them in order; its builder takes the options of [`Config`].
//! The whole pipeline on a string:
//!
//! ```
//! use std::time::Duration;
//!
//! let transcript = "\
//! Platform news
//! 0:00 Welcome! Today: AI models, AI agents and GPUs for AI.
//! 2:30 Then security: supply chain security and signing.
//! ";
//! let timeline = themeline::Pipeline::builder()
//!     .window(Duration::from_secs(150))
//!     .min_count(1)
//!     .themes("cloud-native")
//!     .build()?
//!     .run_text("talk.txt", transcript)?;
//!
//! // Terms: the best-ranked term of each window.
//! let leaders: Vec<&str> = timeline.windows.iter().map(|w| w.terms[0].label.as_str()).collect();
//! assert_eq!(leaders, ["AI", "security"]);
//! assert_eq!(timeline.windows[1].label, "0:02:30");
//! assert_eq!(timeline.meta.inputs[0].title.as_deref(), Some("Platform news"));
//!
//! // Themes: the dominant theme of each window, and the shift between them.
//! let dominant: Vec<_> = timeline.windows.iter().map(|w| w.dominant.as_deref()).collect();
//! assert_eq!(dominant, [Some("AI/ML"), Some("security")]);
//! let shift = timeline.shifts.iter().find(|s| s.kind == themeline::shift::ShiftKind::Dominant).unwrap();
//! assert_eq!((shift.from.as_str(), shift.to.as_str(), shift.at_ms), ("AI/ML", "security", 150_000));
//! # Ok::<(), themeline::Error>(())
//! ```
//!
//! Output is deterministic: the same input and options give byte-identical files
//! whatever the number of threads, because counting merges integers and every
//! ranking breaks ties by score descending, then term ascending.

#![deny(missing_docs)]

pub mod config;
pub mod config_file;
pub mod count;
pub mod emit;
mod error;
pub mod ingest;
pub mod pipeline;
pub mod progress;
pub mod schema;
pub mod score;
pub mod segment;
pub mod shard;
pub mod shift;
pub mod stem;
pub mod theme;
pub mod time;
pub mod timeline;
pub mod tokenize;
pub mod window;

pub use config::{Config, ConfigError};
pub use config_file::ConfigFile;
pub use count::Counts;
pub use emit::{EmitError, Sink, write_outputs};
pub use error::Error;
pub use ingest::{Diagnostic, IngestError, Segment};
pub use pipeline::{Corpus, Inspect, Pipeline, PipelineBuilder, WindowReports};
pub use time::Millis;
pub use timeline::Timeline;
pub use window::{WindowGrid, Windows};

/// The README's code examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
