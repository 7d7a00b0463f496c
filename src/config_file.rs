//! The layers a run's options are read from: `themeline.toml`, `THEMELINE_*`
//! environment variables, and flags.
//!
//! Each layer is read into a [`ConfigFile`], which has one field per option (and
//! the command line's own keys: inputs, out, format, quiet, verbose,
//! progress-interval), all unset until the layer sets them. Layers are merged in
//! order, later ones winning (defaults < file < environment < flags), and applied
//! to [`Config::default`]. The fields come from the same list as [`Config`]'s
//! (see [`crate::config`]), so a new option is a key, a variable and a flag at
//! once. Every layer goes through the same deserializer: an environment variable
//! or a flag's value is read as the TOML line `key = value` would be.

/// The options file a directory of inputs may hold (the bundled demo keeps
/// `data/themeline.toml`): the CLI reads it as the lowest layer for runs on
/// that directory, and a directory walk passes over it.
pub use crate::ingest::DIRECTORY_OPTIONS_FILE;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::config::{Config, ConfigError, GroupBy, OPTIONS, OptionKind, for_each_option};
use crate::emit::OutputFormat;
use crate::ingest::{Dedupe, Format};
use crate::score::{Boilerplate, IdfMode, IdfOver, Method, NormMode, Reference, TfMode};
use crate::stem::LanguageChoice;
use crate::theme::ThemeWeight;
use crate::time::{Anchor, Span, Zone};
use crate::tokenize::phrases::PhraseMode;
use crate::window::{BinBy, WindowLength};

/// Why a layer of options cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigFileError {
    /// A configuration file that cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file as given.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A layer that says something no option means.
    #[error("{origin}: {message}")]
    Invalid {
        /// Where: the file, `environment variable NAME=value`, or a flag.
        origin: String,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },
}

/// The type of a [`ConfigFile`] field for an option of each shape.
macro_rules! file_type {
    (one $t:ty) => { Option<$t> };
    (opt $t:ty) => { Option<$t> };
    (many $t:ty) => { Option<Vec<$t>> };
    (flag $t:ty) => { Option<$t> };
}

macro_rules! set_field {
    (one, $field:expr, $value:expr) => {
        $field = $value.clone()
    };
    (opt, $field:expr, $value:expr) => {
        $field = Some($value.clone())
    };
    (many, $field:expr, $value:expr) => {
        $field = $value.clone()
    };
    (flag, $field:expr, $value:expr) => {
        $field = *$value
    };
}

macro_rules! get_field {
    (one, $field:expr) => {
        Some($field.clone())
    };
    (opt, $field:expr) => {
        $field.clone()
    };
    (many, $field:expr) => {
        Some($field.clone())
    };
    (flag, $field:expr) => {
        Some($field)
    };
}

macro_rules! define_file {
    (runner { $(
        $(#[$runner_attr:meta])*
        $runner:ident : $runner_ty:ty;
    )* }
    options { $(
        $(#[doc = $doc:literal])*
        [$tag:ident] $(#[serde($($serde:tt)*)])*
        $name:ident : $kind:ident $ty:ty = $default:expr,
            $value_name:literal, $heading:literal, check $check:ident;
    )* }) => {
        /// `themeline.toml`, the `THEMELINE_*` environment or the flags: any run
        /// option, named as on the command line, each unset until the layer sets it.
        ///
        /// A run reads `./themeline.toml` when it exists (or `--config FILE`); each
        /// option is layered defaults < this file < the environment
        /// (`THEMELINE_WINDOW=2m`, see [`ConfigFile::from_env`]) < flags, with one
        /// name in all of them (`--min-count`, `min-count`, `THEMELINE_MIN_COUNT`).
        /// Relative paths in a file are relative to the file. Unknown keys are
        /// errors, with their line.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
        pub struct ConfigFile {
            $(
                $(#[$runner_attr])*
                pub $runner: $runner_ty,
            )*
            $(
                $(#[doc = $doc])*
                pub $name: file_type!($kind $ty),
            )*
        }

        impl ConfigFile {
            /// Sets the options this layer names.
            pub fn apply(&self, config: &mut Config) {
                $(
                    if let Some(value) = &self.$name {
                        set_field!($kind, config.$name, value);
                    }
                )*
            }

            /// This layer with `later`'s settings on top.
            pub fn merge(&mut self, later: ConfigFile) {
                $(
                    if later.$runner.is_some() {
                        self.$runner = later.$runner;
                    }
                )*
                $(
                    if later.$name.is_some() {
                        self.$name = later.$name;
                    }
                )*
            }

            /// Every option of `config`, as a file would set it (the command line's
            /// own keys unset).
            pub fn from_config(config: &Config) -> ConfigFile {
                ConfigFile {
                    $($name: get_field!($kind, config.$name),)*
                    ..ConfigFile::default()
                }
            }
        }
    };
}

for_each_option!(define_file, runner {
    /// Input files or directories.
    inputs: Option<Vec<PathBuf>>;
    /// Directory for the outputs, or `-` for one format on stdout.
    out: Option<PathBuf>;
    /// Output formats: a list, or one string separated by commas.
    #[serde(deserialize_with = "output_formats_de")]
    #[schemars(with = "Option<OutputFormats>")]
    format: Option<Vec<OutputFormat>>;
    /// Print nothing on success.
    quiet: Option<bool>;
    /// Also print where the time went, stage by stage.
    verbose: Option<bool>;
    /// How often progress is logged when stderr is not a terminal.
    progress_interval: Option<Span>;
});

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

/// A value as TOML would read it on the right of `key = `: as written when it is
/// a TOML value (`true`, `3`, `["a", "b"]`), else as a string, else as a list of
/// that one string, so `THEMELINE_ALIASES=cloud-native` needs no quotes. The
/// first reading the key accepts wins; when none does, the most telling error.
fn read_value(key: &str, raw: &str) -> Result<String, String> {
    let literals = [
        raw.to_string(),
        toml::Value::String(raw.to_string()).to_string(),
        toml::Value::Array(vec![toml::Value::String(raw.to_string())]).to_string(),
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
    if let Some(line) = attempts.iter().find_map(|a| a.as_ref().ok()) {
        return Ok(line.clone());
    }
    let errors: Vec<&String> = attempts.iter().filter_map(|a| a.as_ref().err()).collect();
    // The string's complaint, unless the option wants a list.
    let message = if errors[1].starts_with("invalid type: string")
        && !errors[2].starts_with("invalid type: sequence")
    {
        errors[2]
    } else {
        errors[1]
    };
    Err(message.clone())
}

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
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file = ConfigFile::parse(&text, &path.display().to_string())?;
        file.resolve(path.parent().unwrap_or(Path::new("")));
        Ok(file)
    }

    /// Parses the text of a config file (`origin` names it in errors); paths stay
    /// as written.
    pub fn parse(text: &str, origin: &str) -> Result<ConfigFile, ConfigFileError> {
        toml::from_str(text).map_err(|e| ConfigFileError::Invalid {
            origin: origin.to_string(),
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
    ) -> Result<ConfigFile, ConfigFileError> {
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
                return Err(ConfigFileError::Invalid {
                    origin: format!("environment variable {name}"),
                    message: format!(
                        "not an option; {hint}options are set by THEMELINE_ and their names \
                         in SCREAMING_SNAKE_CASE (THEMELINE_WINDOW, THEMELINE_MIN_COUNT, ...)"
                    ),
                });
            };
            let line = read_value(key, &raw).map_err(|message| ConfigFileError::Invalid {
                origin: format!("environment variable {name}={raw}"),
                message,
            })?;
            lines.push(line);
        }
        ConfigFile::parse(&lines.join("\n"), "the environment")
    }

    /// The options given as flags: each run option's key (`min-count`) with the
    /// values given, in order (none for a flag given bare, `--strict`). Values are
    /// read as the environment's are. On failure, the key of the flag at fault
    /// and why.
    pub fn from_flags<'a>(
        flags: impl IntoIterator<Item = (&'a str, Vec<String>)>,
    ) -> Result<ConfigFile, (String, String)> {
        let mut lines = Vec::new();
        for (key, values) in flags {
            let kind = OPTIONS
                .iter()
                .find(|o| o.key() == key)
                .map(|o| o.kind)
                .ok_or_else(|| (key.to_string(), "not an option".to_string()))?;
            let line = match kind {
                OptionKind::Many => {
                    let list =
                        toml::Value::Array(values.into_iter().map(toml::Value::String).collect());
                    let line = format!("{key} = {list}");
                    toml::from_str::<ConfigFile>(&line)
                        .map(|_| line)
                        .map_err(|e| e.message().to_string())
                }
                OptionKind::Flag if values.is_empty() => Ok(format!("{key} = true")),
                _ => read_value(key, values.last().map_or("", String::as_str)),
            };
            lines.push(line.map_err(|message| (key.to_string(), message))?);
        }
        ConfigFile::parse(&lines.join("\n"), "the command line")
            .map_err(|e| ("".to_string(), e.to_string()))
    }

    /// Makes relative paths relative to `base` (a config file's directory).
    fn resolve(&mut self, base: &Path) {
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
        self.dates = self.dates.as_ref().map(resolve);
        // Built-in lexicons and alias tables are names, not files.
        if let Some(themes) = &mut self.themes
            && !crate::theme::BUILTIN.iter().any(|(name, _)| name == themes)
        {
            *themes = resolve(&PathBuf::from(&*themes)).display().to_string();
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

    /// The file in `themeline.toml` syntax.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("options serialize as TOML")
    }

    /// The default shown for a key in help: its value in the default run, as a
    /// file would write it (`5m`, `english`); `None` for options unset by default,
    /// empty lists and flags that are off.
    pub fn default_text(key: &str) -> Option<String> {
        let defaults = serde_json::to_value(ConfigFile::from_config(&Config::default())).ok()?;
        match defaults.get(key)? {
            serde_json::Value::Null | serde_json::Value::Bool(false) => None,
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(items) if items.is_empty() => None,
            serde_json::Value::Array(items) => Some(
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            other => Some(other.to_string()),
        }
    }

    /// The configuration these layers make: `layers` merged in order onto the
    /// defaults, a local `start` read in the final time zone, and every option
    /// checked.
    pub fn layered(layers: impl IntoIterator<Item = ConfigFile>) -> Result<Config, ConfigError> {
        ConfigFile::layered_over(Config::default(), layers)
    }

    /// [`ConfigFile::layered`] over `base` instead of the defaults: the options
    /// no layer sets keep `base`'s values (a merge's, taken from its shards).
    pub fn layered_over(
        base: Config,
        layers: impl IntoIterator<Item = ConfigFile>,
    ) -> Result<Config, ConfigError> {
        let mut merged = ConfigFile::default();
        for layer in layers {
            merged.merge(layer);
        }
        let mut config = base;
        merged.apply(&mut config);
        config.resolve_start();
        config.validate()?;
        Ok(config)
    }
}

impl fmt::Display for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options_json(config: &Config) -> serde_json::Value {
        serde_json::to_value(config).unwrap()
    }

    #[test]
    fn every_option_survives_a_trip_through_a_config_file() {
        let config = Config {
            window: WindowLength::Duration(120_000),
            step: Some(Span(60_000)),
            top: 0,
            language: LanguageChoice::Auto,
            tf: TfMode::Sublinear,
            input_format: Some(Format::WebVtt),
            text_col: vec!["title".into(), "description".into()],
            tz: "Europe/Berlin".parse().unwrap(),
            start: Some(Anchor::At(1_710_925_200_000)),
            phrase: vec!["service mesh".into()],
            phrase_threshold: 0.25,
            discover: Some(4),
            themes: Some("cloud-native".into()),
            burst_gamma: 1.5,
            strict: true,
            last_segment: Span(2_500),
            ..Config::default()
        };
        let text = ConfigFile::from_config(&config).to_toml();
        let file = ConfigFile::parse(&text, "shown").unwrap();
        let read = ConfigFile::layered([file]).unwrap();
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

    fn env(vars: &[(&str, &str)]) -> Result<ConfigFile, ConfigFileError> {
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
    fn flags_read_like_the_environment_and_name_the_culprit() {
        let file = ConfigFile::from_flags([
            ("top", vec!["5".to_string()]),
            ("strict", vec![]),
            ("text-col", vec!["title".into(), "description".into()]),
            ("time-col", vec!["2024".into()]),
            ("as-of", vec!["false".into()]),
        ])
        .unwrap();
        assert_eq!(file.top, Some(5));
        assert_eq!(file.strict, Some(true));
        assert_eq!(file.as_of, Some(false));
        assert_eq!(file.time_col.as_deref(), Some("2024"));
        assert_eq!(
            file.text_col,
            Some(vec!["title".to_string(), "description".to_string()])
        );
        let (key, message) =
            ConfigFile::from_flags([("bm25-k1", vec!["high".to_string()])]).unwrap_err();
        assert_eq!(key, "bm25-k1");
        assert!(message.contains("expected f64"), "{message}");
    }

    #[test]
    fn later_layers_win_and_checks_name_the_option() {
        let file = ConfigFile::parse("top = 3\nwindow = \"2m\"\n", "file").unwrap();
        let flags = ConfigFile::from_flags([("top", vec!["7".to_string()])]).unwrap();
        let config = ConfigFile::layered([file, flags]).unwrap();
        assert_eq!(
            (config.top, config.window),
            (7, WindowLength::Duration(120_000))
        );
        let bad = ConfigFile::parse("bm25-b = 3.0\n", "file").unwrap();
        assert_eq!(ConfigFile::layered([bad]).unwrap_err().option, "bm25-b");
    }

    #[test]
    fn local_start_times_are_read_in_the_final_zone() {
        let file = ConfigFile::parse("start = \"2024-03-20T10:00:00\"\n", "file").unwrap();
        let flags = ConfigFile::from_flags([("tz", vec!["Europe/Paris".to_string()])]).unwrap();
        let config = ConfigFile::layered([file, flags]).unwrap();
        assert_eq!(config.start, Some(Anchor::At(1_710_925_200_000)));
    }

    #[test]
    fn defaults_are_shown_as_a_file_writes_them() {
        assert_eq!(ConfigFile::default_text("window").as_deref(), Some("auto"));
        assert_eq!(
            ConfigFile::default_text("language").as_deref(),
            Some("english")
        );
        assert_eq!(ConfigFile::default_text("step"), None);
        assert_eq!(ConfigFile::default_text("strict"), None);
    }
}
