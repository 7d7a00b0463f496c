//! JSON Schemas of the JSON files themeline writes and reads, generated from the
//! Rust types with `schemars` (draft 2020-12), so a schema cannot drift from what
//! the code writes. `themeline schema NAME` prints them.
//!
//! | name | file |
//! | --- | --- |
//! | `timeline` | `timeline.json` ([`crate::Timeline`]) |
//! | `window` | one line of `timeline.ndjson` ([`crate::pipeline::WindowReport`]) |
//! | `shard` | a shard of counts from `themeline count` ([`ShardFile`]) |
//! | `candidates` | a shard of phrase candidates from `themeline mine` ([`CandidateFile`]) |
//! | `phrases` | a phrase list from `themeline select` ([`PhraseList`]) |
//! | `config` | `themeline.toml`, as the JSON data model of TOML ([`ConfigFile`]) |
//!
//! The version fields are pinned (`schema_version` to
//! [`crate::pipeline::SCHEMA_VERSION`], a shard's `format` and `version` to its own),
//! so a file of another layout fails validation at once rather than somewhere deep.
//! Types whose JSON form is a string written by hand (durations, zones, languages,
//! window lengths, input formats) get their schemas here.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Value, json};

use crate::config::{ConfigFile, Duration};
use crate::count::shard::{
    self, CANDIDATES_FORMAT, COUNTS_FORMAT, CandidateFile, PHRASES_FORMAT, PhraseList, ShardFile,
};
use crate::ingest::Format;
use crate::pipeline::{SCHEMA_VERSION, Timeline, WindowReport};
use crate::stem::{Language, LanguageChoice};
use crate::time::Zone;
use crate::window::{CalendarUnit, WindowLength};

/// The JSON documents themeline has a schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaName {
    /// `timeline.json`.
    Timeline,
    /// One line of `timeline.ndjson`: a window, as in `timeline.json`'s `windows[]`.
    Window,
    /// A shard of counts (`themeline count`).
    Shard,
    /// A shard of phrase candidates (`themeline mine`).
    Candidates,
    /// A phrase list (`themeline select`, `--phrase-list`).
    Phrases,
    /// `themeline.toml`.
    Config,
}

/// The JSON Schema of `name`.
pub fn schema(name: SchemaName) -> Value {
    match name {
        SchemaName::Timeline => timeline(),
        SchemaName::Window => output::<WindowReport>(
            "themeline timeline.ndjson line",
            "One window of a theme timeline: a line of timeline.ndjson, or an element of timeline.json's windows[].",
        ),
        SchemaName::Shard => pin_shard(
            output::<ShardFile>(
                "themeline shard",
                "Per-window counts written by `themeline count`, added up by `themeline merge`.",
            ),
            COUNTS_FORMAT,
        ),
        SchemaName::Candidates => pin_shard(
            output::<CandidateFile>(
                "themeline phrase candidates",
                "Phrase candidates written by `themeline mine`, added up by `themeline select`.",
            ),
            CANDIDATES_FORMAT,
        ),
        SchemaName::Phrases => pin_shard(
            output::<PhraseList>(
                "themeline phrase list",
                "The phrases to count, written by `themeline select` and read by --phrase-list.",
            ),
            PHRASES_FORMAT,
        ),
        SchemaName::Config => {
            let generator = SchemaSettings::draft2020_12()
                .for_deserialize()
                .into_generator();
            let mut schema = generator.into_root_schema_for::<ConfigFile>().to_value();
            describe(
                &mut schema,
                "themeline.toml",
                "The options file, in the JSON data model of TOML (for editors that validate TOML with a JSON Schema).",
            );
            schema
        }
    }
}

/// The schema of `timeline.json`.
pub fn timeline() -> Value {
    let mut schema = output::<Timeline>(
        "themeline timeline.json",
        "A theme timeline: the run's inputs, options and statistics, every window with its ranked terms and theme shares, the terms, the themes and the shift events.",
    );
    schema["properties"]["schema_version"] = json!({
        "description": "Version of this layout; bumped on breaking changes.",
        "const": SCHEMA_VERSION,
    });
    schema
}

/// The schema of a type as themeline serializes it.
fn output<T: JsonSchema>(title: &str, description: &str) -> Value {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    describe(&mut schema, title, description);
    schema
}

fn describe(schema: &mut Value, title: &str, description: &str) {
    schema["title"] = json!(title);
    schema["description"] = json!(description);
}

fn pin_shard(mut schema: Value, format: &str) -> Value {
    schema["properties"]["format"] = json!({"description": "The kind of file.", "const": format});
    schema["properties"]["version"] =
        json!({"description": "Version of the shard formats.", "const": shard::VERSION});
    schema
}

fn string_enum(description: &str, names: Vec<String>) -> Schema {
    json_schema!({"type": "string", "description": description, "enum": names})
}

impl JsonSchema for Format {
    fn schema_name() -> Cow<'static, str> {
        "Format".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        use clap::ValueEnum;
        let names = Format::value_variants()
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        string_enum("An input format, by its --input-format name.", names)
    }
}

impl JsonSchema for super::OutputFormat {
    fn schema_name() -> Cow<'static, str> {
        "OutputFormat".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names = super::OutputFormat::ALL
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        string_enum("An output format, by its --format name.", names)
    }
}

impl JsonSchema for Language {
    fn schema_name() -> Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names = Language::ALL.map(|l| l.name().to_string()).to_vec();
        string_enum("A language with a Snowball stemmer.", names)
    }
}

impl JsonSchema for LanguageChoice {
    fn schema_name() -> Cow<'static, str> {
        "LanguageChoice".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut names = vec!["auto".to_string()];
        names.extend(Language::ALL.map(|l| l.name().to_string()));
        string_enum(
            "A language for every input, or auto to detect it per input.",
            names,
        )
    }
}

impl JsonSchema for Zone {
    fn schema_name() -> Cow<'static, str> {
        "Zone".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IANA time zone name (UTC, Europe/Berlin).",
            "examples": ["UTC", "Europe/Berlin"],
        })
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A span of time: 5m, 90s, 1h30m, 90d, 2w, PT5M, or seconds.",
            "examples": ["5m", "1h30m"],
        })
    }
}

impl JsonSchema for WindowLength {
    fn schema_name() -> Cow<'static, str> {
        "WindowLength".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let units: Vec<&str> = CalendarUnit::ALL.iter().map(|u| u.name()).collect();
        json_schema!({
            "type": "string",
            "description": format!(
                "A window length: a duration (5m, 90s, 1h30m, 90d, 2w, PT5M, seconds) or a calendar unit ({}).",
                units.join(", ")
            ),
            "examples": ["5m", "month"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_draft_2020_12_with_a_title() {
        use clap::ValueEnum;
        for name in SchemaName::value_variants() {
            let schema = schema(*name);
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert!(schema["title"].is_string(), "{name:?}");
            assert_eq!(schema["type"], "object", "{name:?}");
        }
    }

    #[test]
    fn version_fields_are_pinned() {
        assert_eq!(
            timeline()["properties"]["schema_version"]["const"],
            SCHEMA_VERSION
        );
        let shard = schema(SchemaName::Shard);
        assert_eq!(shard["properties"]["format"]["const"], COUNTS_FORMAT);
        assert_eq!(shard["properties"]["version"]["const"], shard::VERSION);
    }
}
