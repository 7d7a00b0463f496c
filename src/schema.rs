//! JSON Schemas of the JSON files themeline writes and reads, generated from the
//! Rust types with `schemars` (draft 2020-12), so a schema cannot drift from what
//! the code writes. `themeline schema NAME` prints them.
//!
//! | name | file |
//! | --- | --- |
//! | `timeline` | `timeline.json` ([`crate::Timeline`]) |
//! | `window` | one line of `timeline.ndjson` ([`crate::timeline::WindowReport`]) |
//! | `shard` | a shard of counts from `themeline count` ([`ShardFile`]) |
//! | `passages` | a shard of passages from `themeline passages` ([`PassageFile`]) |
//! | `candidates` | a shard of phrase candidates from `themeline mine` ([`CandidateFile`]) |
//! | `phrases` | a phrase list from `themeline select` ([`PhraseList`]), with or without phrases |
//! | `config` | `themeline.toml`, as the JSON data model of TOML ([`ConfigFile`]) |
//!
//! The version fields are pinned (`schema_version` to
//! [`crate::timeline::SCHEMA_VERSION`], a shard's `format` and `version` to its own),
//! so a file of another layout fails validation at once rather than somewhere deep.
//! Types whose JSON form is a string written by hand (durations, zones, languages,
//! window lengths, input formats) have their schemas beside them.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Value, json};

use crate::config_file::ConfigFile;
use crate::shard::{
    self, CANDIDATES_FORMAT, COUNTS_FORMAT, CandidateFile, PASSAGES_FORMAT, PHRASES_FORMAT,
    PassageFile, PhraseList, ShardFile,
};
use crate::timeline::{SCHEMA_VERSION, Timeline, WindowReport};

/// The JSON documents themeline has a schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaName {
    /// `timeline.json`.
    Timeline,
    /// One line of `timeline.ndjson`: a window, as in `timeline.json`'s `windows[]`.
    Window,
    /// A shard of counts (`themeline count`).
    Shard,
    /// A shard of passages (`themeline passages`).
    Passages,
    /// A shard of phrase candidates (`themeline mine`).
    Candidates,
    /// A phrase list (`themeline select`, `--phrase-list`).
    Phrases,
    /// `themeline.toml`.
    Config,
}

impl SchemaName {
    /// Every document, in the order `themeline schema` lists them.
    pub const ALL: [SchemaName; 7] = [
        SchemaName::Timeline,
        SchemaName::Window,
        SchemaName::Shard,
        SchemaName::Passages,
        SchemaName::Candidates,
        SchemaName::Phrases,
        SchemaName::Config,
    ];

    /// Its name, as `themeline schema NAME` takes it.
    pub fn name(self) -> &'static str {
        match self {
            SchemaName::Timeline => "timeline",
            SchemaName::Window => "window",
            SchemaName::Shard => "shard",
            SchemaName::Passages => "passages",
            SchemaName::Candidates => "candidates",
            SchemaName::Phrases => "phrases",
            SchemaName::Config => "config",
        }
    }
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
        SchemaName::Passages => pin_shard(
            output::<PassageFile>(
                "themeline passages",
                "How many documents of a shard hold each passage, written by `themeline passages`, added up by `themeline select` into the boilerplate passages of all shards.",
            ),
            PASSAGES_FORMAT,
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
                "The phrases to count and the boilerplate passages to leave out (or the passages only, for `themeline mine`), written by `themeline select` and read by --phrase-list.",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_draft_2020_12_with_a_title() {
        for name in SchemaName::ALL {
            let schema = schema(name);
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
