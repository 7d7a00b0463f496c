//! The files that carry boilerplate passages across shards: the passages of each
//! shard ([`PassageFile`]), the boilerplate chosen over all of them
//! ([`PassageSelection`], in a phrase list), and what each candidate file and
//! shard of counts left out ([`PassagesLeftOut`]), which `select` and `merge`
//! check is what one run over all the shards would have left out.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    CANDIDATES_FORMAT, CandidateFile, PASSAGES_FORMAT, ShardError, VERSION, check_version,
    keys_sorted, read_json,
};
use crate::config::CountingOptions;
use crate::score::Boilerplate;
use crate::tokenize::passages;

/// A passage's hash ([`crate::tokenize::passages`]), written as 16 hexadecimal
/// digits: JSON numbers above 2^53 do not survive every reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PassageHash(pub u64);

impl Serialize for PassageHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for PassageHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        if text.len() != 16 {
            return Err(serde::de::Error::custom(format!(
                "a passage hash is 16 hexadecimal digits, not {text:?}"
            )));
        }
        u64::from_str_radix(&text, 16)
            .map(PassageHash)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is no passage hash")))
    }
}

impl schemars::JsonSchema for PassageHash {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PassageHash".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A passage's hash: 16 lower-case hexadecimal digits.",
            "type": "string",
            "pattern": "^[0-9a-f]{16}$",
        })
    }
}

/// The boilerplate passages of a corpus split into shards, as `themeline select`
/// chose them from the shards' [`PassageFile`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PassageSelection {
    /// The documents they were chosen over: all the shards'.
    pub documents: u64,
    /// The boilerplate passages, sorted.
    pub boilerplate: Vec<PassageHash>,
}

impl PassageSelection {
    /// What the passage stage leaves out for this selection.
    pub fn to_boilerplate(&self) -> passages::Boilerplate {
        passages::Boilerplate::Listed(self.boilerplate.iter().map(|h| h.0).collect())
    }
}

/// Which boilerplate passages a file's text was read without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PassagesLeftOut {
    /// The documents of its timeline.
    pub documents: u64,
    /// How the passages left out were found.
    pub found: PassagesFound,
}

/// How the passages a file left out were found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PassagesFound {
    /// None were: `boilerplate` off.
    Off,
    /// By the step that wrote the file, over its own documents.
    Own,
    /// By `themeline select`, over all shards (given as `phrase-list`).
    Selected(PassageSelection),
}

impl std::fmt::Display for PassagesFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassagesFound::Off => f.write_str("none, boilerplate off"),
            PassagesFound::Own => f.write_str("those found over its own documents"),
            PassagesFound::Selected(s) => write!(
                f,
                "{} chosen over {} documents",
                s.boilerplate.len(),
                s.documents
            ),
        }
    }
}

impl PassagesLeftOut {
    /// What the files of one timeline (`(path, left out)`, in order) left out
    /// together, checked to be what one step over all their documents would
    /// have left out with `boilerplate`: the same passages everywhere, found
    /// over all the documents (or by the one file, or where too few documents
    /// were looked for none), and none left out with `boilerplate` off, or
    /// looked for with it on.
    pub fn combine<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a PassagesLeftOut)>,
        boilerplate: Boilerplate,
    ) -> Result<PassagesLeftOut, ShardError> {
        let files: Vec<(&str, &PassagesLeftOut)> = files.into_iter().collect();
        let (first_path, first) = *files.first().ok_or(ShardError::Empty)?;
        if let Some((path, other)) = files.iter().find(|(_, other)| other.found != first.found) {
            return Err(ShardError::PassagesDiffer {
                path: path.to_string(),
                found: other.found.to_string(),
                first: first_path.to_string(),
                expected: first.found.to_string(),
            });
        }
        let documents: u64 = files.iter().map(|(_, f)| f.documents).sum();
        let off = boilerplate == Boilerplate::Off;
        let mismatch = |left_out| {
            Err(ShardError::Boilerplate {
                path: first_path.to_string(),
                left_out,
            })
        };
        match &first.found {
            PassagesFound::Off if !off && passages::detects(documents) => return mismatch(false),
            PassagesFound::Own if off && passages::detects(documents) => return mismatch(true),
            PassagesFound::Own if files.len() > 1 && passages::detects(documents) => {
                return Err(ShardError::OwnPassages {
                    path: first_path.to_string(),
                    documents: first.documents,
                    total: documents,
                });
            }
            PassagesFound::Selected(selection) if selection.documents != documents => {
                return Err(ShardError::PassagesCover {
                    path: first_path.to_string(),
                    selected: selection.documents,
                    documents,
                });
            }
            PassagesFound::Selected(selection) if off && !selection.boilerplate.is_empty() => {
                return mismatch(true);
            }
            _ => {}
        }
        Ok(PassagesLeftOut {
            documents,
            found: first.found.clone(),
        })
    }

    /// The passages a phrase list hands on to the steps after it: those chosen
    /// over all shards (the others find their own, or none).
    pub fn selection(&self) -> Option<PassageSelection> {
        match &self.found {
            PassagesFound::Selected(selection) => Some(selection.clone()),
            PassagesFound::Off | PassagesFound::Own => None,
        }
    }
}

/// A shard of passages, as `themeline passages` writes it: every passage of its
/// inputs (see [`crate::tokenize::passages`]) and how many of their documents
/// hold it, for `themeline select` to choose the boilerplate of all shards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PassageFile {
    /// Always [`PASSAGES_FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The counting options.
    #[serde(serialize_with = "keys_sorted")]
    pub options: CountingOptions,
    /// The documents of its inputs.
    pub documents: u64,
    /// Its passages, grouped by how many documents hold them (fewest first).
    pub passages: Vec<PassageGroup>,
}

/// The passages that the same number of documents hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PassageGroup {
    /// How many documents hold each.
    pub documents: u32,
    /// The passages, sorted.
    pub hashes: Vec<PassageHash>,
}

impl PassageFile {
    /// The passages of `documents` documents: each passage's hash and how many
    /// of them hold it, sorted by hash ([`passages::PassageTally::into_sorted`]).
    pub fn new(documents: u64, counted: &[(u64, u32)], options: CountingOptions) -> PassageFile {
        let mut by_documents: BTreeMap<u32, Vec<PassageHash>> = BTreeMap::new();
        for &(hash, holding) in counted {
            by_documents
                .entry(holding)
                .or_default()
                .push(PassageHash(hash));
        }
        PassageFile {
            format: PASSAGES_FORMAT.to_string(),
            version: VERSION,
            options,
            documents,
            passages: by_documents
                .into_iter()
                .map(|(documents, hashes)| PassageGroup { documents, hashes })
                .collect(),
        }
    }

    /// Reads a passage shard.
    pub fn load(path: &Path) -> Result<PassageFile, ShardError> {
        let file: PassageFile = read_json(path, PASSAGES_FORMAT)?;
        check_version(path, &file.format, file.version, PASSAGES_FORMAT)?;
        Ok(file)
    }

    /// Each passage's hash and how many documents hold it, in any order.
    pub fn counted(&self) -> Vec<(u64, u32)> {
        self.passages
            .iter()
            .flat_map(|g| g.hashes.iter().map(move |h| (h.0, g.documents)))
            .collect()
    }
}

/// What `themeline select` adds up: passage shards, or candidate shards.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectFile {
    /// A shard of passages ([`PASSAGES_FORMAT`]).
    Passages(PassageFile),
    /// A shard of phrase candidates ([`CANDIDATES_FORMAT`]).
    Candidates(CandidateFile),
}

impl SelectFile {
    /// Reads a passage or candidate shard, whichever it is.
    pub fn load(path: &Path) -> Result<SelectFile, ShardError> {
        /// The fields that tell a file's kind, read before the rest.
        #[derive(Deserialize)]
        struct Kind {
            format: String,
        }
        let kind: Kind = read_json(path, CANDIDATES_FORMAT)?;
        if kind.format == PASSAGES_FORMAT {
            PassageFile::load(path).map(SelectFile::Passages)
        } else {
            CandidateFile::load(path).map(SelectFile::Candidates)
        }
    }

    /// Its `format`.
    pub fn format(&self) -> &str {
        match self {
            SelectFile::Passages(file) => &file.format,
            SelectFile::Candidates(file) => &file.format,
        }
    }
}
