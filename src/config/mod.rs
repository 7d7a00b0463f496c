//! The options of a run, each defined once, and the stage options built from them.
//!
//! One [`Config`] describes a whole run. The CLI builds it from layers (defaults,
//! `themeline.toml`, `THEMELINE_*`, flags; see [`crate::config_file`]), the
//! library with [`crate::PipelineBuilder`], and `timeline.json` records it so a
//! result can always be traced back to the options that produced it.
//!
//! Every option is one entry of the list in `options.rs`: its doc, default,
//! checks, and whether shards must agree on it. From that list come the fields of
//! [`Config`], the typed [`CountingOptions`] a shard records, the `themeline.toml`
//! keys and `THEMELINE_*` variables, and [`OPTIONS`], the table the command line
//! makes its flags from. Stages never see a `Config`: each has its own options
//! type, which the methods here build ([`Config::ingest_options`],
//! [`Config::scorer`], ...).

mod options;
mod stages;

pub(crate) use options::for_each_option;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ingest::{Dedupe, Format};
use crate::score::{Boilerplate, IdfMode, IdfOver, Method, NormMode, Reference, TfMode};
use crate::stem::{Language, LanguageChoice};
use crate::theme::ThemeWeight;
use crate::time::{Anchor, Span, Zone};
use crate::tokenize::phrases::PhraseMode;
use crate::window::{BinBy, WindowLength};

/// An option value that breaks its rules, or options that do not go together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid value for {option}: {reason}")]
#[non_exhaustive]
pub struct ConfigError {
    /// The option's name, as a `themeline.toml` key (`bm25-k1`).
    pub option: String,
    /// Why it was rejected.
    pub reason: String,
}

impl ConfigError {
    /// An error in `option` (a field name or a key).
    pub fn new(option: &str, reason: impl Into<String>) -> Self {
        ConfigError {
            option: option.replace('_', "-"),
            reason: reason.into(),
        }
    }
}

/// Whether the run makes one timeline, one per source, or one per speaker.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One timeline over all inputs.
    #[default]
    None,
    /// One timeline per input file, each with its own windows and IDF.
    Source,
    /// One timeline per speaker (named by voice tags, turns or labels; `""` for
    /// text whose input names none), on the windows of the whole run, with the
    /// run's themes and the recordings' chapters.
    Speaker,
}

/// The shape of an option's value, which decides how it is given on the command
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// One value (`--top 5`).
    One,
    /// One value or none (`--step 1m`).
    Optional,
    /// Any number of values, each given on its own (`--text-col a --text-col b`).
    Many,
    /// On or off (`--strict`, `--strict=false`).
    Flag,
}

/// What the command line (or any front end) needs to know of one option.
#[derive(Debug, Clone, Copy)]
pub struct OptionInfo {
    /// The field of [`Config`] (`bm25_k1`); the flag, key and variable follow from it.
    pub field: &'static str,
    /// Its doc: the first line is the short help.
    pub doc: &'static str,
    /// The placeholder of its value in help (`N`, `DURATION`).
    pub value_name: &'static str,
    /// The help section it is listed in.
    pub heading: &'static str,
    /// The shape of its value.
    pub kind: OptionKind,
    /// The JSON Schema of one of its values, for the values a front end may offer.
    pub schema: fn() -> serde_json::Value,
}

impl OptionInfo {
    /// The name of its flag and `themeline.toml` key (`bm25-k1`).
    pub fn key(&self) -> String {
        self.field.replace('_', "-")
    }

    /// Its doc as one paragraph of text.
    pub fn help(&self) -> String {
        self.doc
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_string()
    }

    /// The values it takes, with what each means, when they are a fixed set.
    pub fn possible_values(&self) -> Vec<(String, Option<String>)> {
        let schema = (self.schema)();
        if let Some(names) = schema.get("enum").and_then(|e| e.as_array()) {
            return names
                .iter()
                .filter_map(|n| Some((n.as_str()?.to_string(), None)))
                .collect();
        }
        schema
            .get("oneOf")
            .and_then(|e| e.as_array())
            .map(|variants| {
                variants
                    .iter()
                    .filter_map(|v| {
                        let name = v.get("const")?.as_str()?.to_string();
                        let doc = v.get("description").and_then(|d| d.as_str());
                        Some((name, doc.map(str::to_string)))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The JSON Schema of `T` as plain JSON.
fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
    schemars::SchemaGenerator::default()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The Rust type of a [`Config`] field of each shape.
macro_rules! config_type {
    (one $t:ty) => { $t };
    (opt $t:ty) => { Option<$t> };
    (many $t:ty) => { Vec<$t> };
    (flag $t:ty) => { $t };
}

macro_rules! option_kind {
    (one) => {
        OptionKind::One
    };
    (opt) => {
        OptionKind::Optional
    };
    (many) => {
        OptionKind::Many
    };
    (flag) => {
        OptionKind::Flag
    };
}

/// The options shards must agree on, picked from the list by their `[count]` tag.
macro_rules! counting_options {
    (@ [$($fields:tt)*] [$($names:ident)*]) => {
        /// The options that decide what is counted: every option except those of
        /// scoring, themes and shifts, which act after counting. A shard records
        /// them, and a merge refuses shards whose options differ from its own.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
        pub struct CountingOptions { $($fields)* }

        impl Config {
            /// The options that decide what is counted.
            pub fn counting_options(&self) -> CountingOptions {
                CountingOptions { $($names: self.$names.clone(),)* }
            }

            /// Takes every option that decides what is counted from `options`
            /// (a shard's), leaving the others.
            pub fn adopt_counting_options(&mut self, options: &CountingOptions) {
                $(self.$names = options.$names.clone();)*
            }
        }
    };
    (@ [$($fields:tt)*] [$($names:ident)*] [count] $(#[$a:meta])* $name:ident : $t:ty ; $($rest:tt)*) => {
        counting_options!(@ [$($fields)* $(#[$a])* pub $name: $t,] [$($names)* $name] $($rest)*);
    };
    (@ [$($fields:tt)*] [$($names:ident)*] [after] $(#[$a:meta])* $name:ident : $t:ty ; $($rest:tt)*) => {
        counting_options!(@ [$($fields)*] [$($names)*] $($rest)*);
    };
}

macro_rules! define_config {
    (options { $(
        $(#[doc = $doc:literal])*
        [$tag:ident] $(#[serde($($serde:tt)*)])*
        $name:ident : $kind:ident $ty:ty = $default:expr,
            $value_name:literal, $heading:literal, check $check:ident;
    )* }) => {
        /// Every option of a run. `Config::default()` is the documented default run.
        #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
        pub struct Config {
            $(
                $(#[doc = $doc])*
                $(#[serde($($serde)*)])*
                pub $name: config_type!($kind $ty),
            )*
        }

        impl Default for Config {
            fn default() -> Self {
                Config { $($name: $default,)* }
            }
        }

        impl Config {
            /// Checks each option's own rules (not how options combine).
            fn check_each(&self) -> Result<(), ConfigError> {
                $(
                    $check(&self.$name).map_err(|reason| ConfigError::new(stringify!($name), reason))?;
                )*
                Ok(())
            }
        }

        /// Every option, in the order of [`Config`]'s fields.
        pub const OPTIONS: &[OptionInfo] = &[$(
            OptionInfo {
                field: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                value_name: $value_name,
                heading: $heading,
                kind: option_kind!($kind),
                schema: schema_of::<$ty>,
            },
        )*];

        counting_options!(@ [] [] $(
            [$tag] $(#[doc = $doc])* $(#[serde($($serde)*)])* $name : config_type!($kind $ty);
        )*);
    };
}

for_each_option!(define_config);

/// A check that every value passes.
fn no_check<T>(_: &T) -> Result<(), String> {
    Ok(())
}

fn positive_window(window: &WindowLength) -> Result<(), String> {
    match window {
        WindowLength::Duration(size) if *size <= 0 => Err("must be longer than zero".into()),
        _ => Ok(()),
    }
}

fn positive_step(step: &Option<Span>) -> Result<(), String> {
    match step {
        Some(step) if step.0 <= 0 => Err("must be longer than zero".into()),
        _ => Ok(()),
    }
}

fn at_least_one(n: &usize) -> Result<(), String> {
    if *n >= 1 {
        Ok(())
    } else {
        Err("must be at least 1".into())
    }
}

fn at_least_two(n: &Option<usize>) -> Result<(), String> {
    match n {
        Some(n) if *n < 2 => Err("must be at least 2 (one chapter needs no finding)".into()),
        _ => Ok(()),
    }
}

fn bins_in_range(bins: &Option<usize>) -> Result<(), String> {
    match *bins {
        Some(0) => Err("must be at least 1".into()),
        Some(n) if n > crate::window::MAX_WINDOWS => Err(format!(
            "must be at most {} (the most windows a run makes)",
            crate::window::MAX_WINDOWS
        )),
        _ => Ok(()),
    }
}

fn npmi(x: &f64) -> Result<(), String> {
    if (-1.0..=1.0).contains(x) {
        Ok(())
    } else {
        Err("must be between -1 and 1 (an NPMI)".into())
    }
}

fn non_negative(x: &f64) -> Result<(), String> {
    if x.is_finite() && *x >= 0.0 {
        Ok(())
    } else {
        Err("must be a number of at least 0".into())
    }
}

fn fraction(x: &f64) -> Result<(), String> {
    if (0.0..=1.0).contains(x) {
        Ok(())
    } else {
        Err("must be between 0 and 1".into())
    }
}

fn above_one(x: &f64) -> Result<(), String> {
    if x.is_finite() && *x > 1.0 {
        Ok(())
    } else {
        Err("must be greater than 1".into())
    }
}

fn offset_span(span: &Span) -> Result<(), String> {
    if (0..=crate::time::MAX_OFFSET).contains(&span.0) {
        Ok(())
    } else {
        Err("must be between 0 and about 31 years".into())
    }
}

#[allow(clippy::ptr_arg)] // checks take a reference to the field's type
fn patterns(patterns: &Vec<String>) -> Result<(), String> {
    crate::tokenize::Protected::check_patterns(patterns)
}

/// The most worker threads a run starts per core: more only adds switching.
pub const THREADS_PER_CORE: usize = 4;

/// The cores of this machine, as the thread count `0` means.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn thread_count(threads: &usize) -> Result<(), String> {
    let max = cores() * THREADS_PER_CORE;
    if *threads <= max {
        Ok(())
    } else {
        Err(format!(
            "must be at most {max} ({THREADS_PER_CORE} per core on this machine; 0: one per core)"
        ))
    }
}

impl Config {
    /// Checks every option, alone and in combination.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_each()?;
        match (self.window, self.step, self.bins) {
            (_, Some(_), Some(_)) => {
                return Err(ConfigError::new("step", "cannot be combined with bins"));
            }
            (WindowLength::Calendar(unit), Some(_), None) => {
                return Err(ConfigError::new(
                    "step",
                    format!("works with duration windows, not window = {}", unit.name()),
                ));
            }
            (WindowLength::Duration(size), Some(step), _) if step.0 > size => {
                return Err(ConfigError::new(
                    "step",
                    format!("must be at most the window ({})", Span(size)),
                ));
            }
            (WindowLength::Auto, Some(step), _) if step.0 > crate::window::AUTO_RECORDING => {
                return Err(ConfigError::new(
                    "step",
                    format!(
                        "must be at most the window (auto: {} for recordings)",
                        Span(crate::window::AUTO_RECORDING)
                    ),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads a local `start` date-time in the run's time zone, so the option holds
    /// an instant from here on.
    pub fn resolve_start(&mut self) {
        if let Some(anchor) = &self.start {
            self.start = Some(Anchor::At(anchor.resolve(&self.tz)));
        }
    }

    /// The instant recordings are anchored at, if any.
    pub fn anchor(&self) -> Option<crate::time::Millis> {
        self.start.as_ref().map(|a| a.resolve(&self.tz))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rejects_impossible_window_combinations() {
        let bad = |config: Config| config.validate().unwrap_err().to_string();
        let step = Config {
            step: Some(Span(10 * 60_000)),
            ..Config::default()
        };
        assert!(bad(step).contains("at most the window"));
        let calendar = Config {
            window: WindowLength::Calendar(crate::window::CalendarUnit::Month),
            step: Some(Span(1000)),
            ..Config::default()
        };
        assert!(bad(calendar).contains("window = month"));
        let bins_and_step = Config {
            bins: Some(4),
            step: Some(Span(1000)),
            ..Config::default()
        };
        assert!(bad(bins_and_step).contains("bins"));
        let no_bins = Config {
            bins: Some(0),
            ..Config::default()
        };
        assert!(bad(no_bins).contains("at least 1"));
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn every_check_names_its_option() {
        let cases = [
            (
                Config {
                    bm25_b: 2.0,
                    ..Config::default()
                },
                "bm25-b",
            ),
            (
                Config {
                    significance: f64::NAN,
                    ..Config::default()
                },
                "significance",
            ),
            (
                Config {
                    threads: 1_000_000,
                    ..Config::default()
                },
                "threads",
            ),
            (
                Config {
                    protect: vec!["x*".into()],
                    ..Config::default()
                },
                "protect",
            ),
            (
                Config {
                    bins: Some(2_000_000),
                    ..Config::default()
                },
                "bins",
            ),
        ];
        for (config, option) in cases {
            let err = config.validate().unwrap_err();
            assert_eq!(err.option, option, "{err}");
        }
    }

    #[test]
    fn the_table_lists_every_field_with_its_values() {
        let serialized = serde_json::to_value(Config::default()).unwrap();
        let fields: Vec<&str> = OPTIONS.iter().map(|o| o.field).collect();
        for key in serialized.as_object().unwrap().keys() {
            assert!(fields.contains(&key.as_str()), "{key}");
        }
        let tf = OPTIONS.iter().find(|o| o.field == "tf").unwrap();
        let values: Vec<String> = tf.possible_values().into_iter().map(|v| v.0).collect();
        assert_eq!(values, ["auto", "raw", "sublinear"]);
        let format = OPTIONS.iter().find(|o| o.field == "input_format").unwrap();
        assert!(format.possible_values().iter().any(|v| v.0 == "vtt"));
        assert_eq!(format.key(), "input-format");
    }

    #[test]
    fn counting_options_leave_out_what_acts_after_counting() {
        let options = serde_json::to_value(Config::default().counting_options()).unwrap();
        let keys: Vec<&String> = options.as_object().unwrap().keys().collect();
        assert!(keys.iter().any(|k| *k == "window") && keys.iter().any(|k| *k == "themes"));
        for after in ["top", "tf", "score", "discover", "phrase_list", "threads"] {
            assert!(!keys.iter().any(|k| *k == after), "{after}");
        }
    }
}
