//! Shards: counts written by one machine and merged by another.
//!
//! Counting is the expensive part of a run and it is a monoid (see
//! [`crate::count`]), so it can be split across processes and machines: each
//! shard runs `themeline count` over some input files and writes a
//! [`ShardFile`]; `themeline merge` adds the shards' counts together and runs
//! scoring, themes, shifts and emit on the sum. Everything that depends on the
//! whole corpus happens after the merge: document frequencies, phrase claims,
//! `--min-count` pruning, themes and shifts. So `merge(count(A), count(B))` is
//! `run(A ∪ B)`, byte for byte.
//!
//! Two things must be settled before the shards count. The counting options
//! (tokenizing, stemming, windows, phrases, input formats) must be the same for
//! every shard and for the merge: a shard records them, and the merge refuses
//! shards whose options differ from its own. And the phrases to count must be
//! the same everywhere: mining phrases needs the whole corpus, so for a pooled
//! timeline split into shards, phrases are mined first in the same map-then-merge
//! way: `themeline mine` writes each shard's phrase candidates
//! ([`CandidateFile`]), `themeline select` adds them up and writes the phrases
//! ([`PhraseList`]), and every `themeline count` gets `--phrase-list`. (With
//! `--group-by source` a timeline is one input file, which one shard holds whole,
//! so each shard mines its own.)
//!
//! Boilerplate passages (see [`crate::tokenize::passages`]) are left out before
//! phrases are mined, so they are settled first, the same way ([`PassageFile`]):
//! `themeline passages` per shard, `themeline select` into a phrase list of
//! passages only, which every `themeline mine` gets as `--phrase-list`; candidate
//! files and counts record what they left out, and `select` and `merge` check it.
//!
//! The files are JSON, versioned by `format` and `version`; a reader refuses a
//! format or version it does not know (phrase lists of version 4, which hold only
//! phrases, still read). Shards of counts, of candidates and of passages are
//! written gzip-compressed ([`write_compressed`]): their JSON repeats the same keys
//! and sorted, prefix-sharing terms, and compressed they are a fifth of the size
//! (a shard is what crosses the network between machines). A reader tells the two
//! apart by gzip's magic bytes, so plain JSON files, as earlier versions wrote
//! them, still read. Phrase lists stay plain JSON: they are small and read by
//! people. Window indices in a shard are relative to
//! the shard's own windows, laid over its data; the merge lays the windows over
//! the union of the shards' data and moves each shard's windows to the windows
//! with the same start, so shards may cover different stretches of time.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::CountingOptions;
use crate::count::speakers::{self, SpeakerCounts, UNKNOWN};
use crate::count::{Counts, Packed, UnitCounts, UnitGrid};
use crate::ingest::{Diagnostic, Source};
use crate::score::Boilerplate;
use crate::time::{Millis, TimeAxis, Zone};
use crate::tokenize::phrases::Miner;
use crate::window::{Extent, WindowSpec, Windows};

mod passages;

pub use passages::{
    PassageFile, PassageGroup, PassageHash, PassageSelection, PassagesFound, PassagesLeftOut,
    SelectFile,
};

/// The `format` of a shard of counts.
pub const COUNTS_FORMAT: &str = "themeline-counts";
/// The `format` of a shard of phrase candidates.
pub const CANDIDATES_FORMAT: &str = "themeline-candidates";
/// The `format` of a phrase list.
pub const PHRASES_FORMAT: &str = "themeline-phrases";
/// The `format` of a shard of passages.
pub const PASSAGES_FORMAT: &str = "themeline-passages";
/// The version of all four formats; bumped on any incompatible change (2: the
/// input format option is `input_format` in the counting options; 3: the
/// recordings' unit counts, for chapters; 4: counts per speaker; 5: boilerplate
/// passages chosen over all shards: passage shards, the passages candidates and
/// counts left out, phrase lists that carry them).
pub const VERSION: u32 = 5;

/// The version of phrase lists before they carried passages, which still read:
/// a list of phrases to count, nothing more.
const PHRASES_ONLY_VERSION: u32 = 4;

/// Why shards cannot be read or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// A file that cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file that is not JSON of the expected shape.
    #[error("{path}: not a themeline {expected} file: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// The format expected.
        expected: &'static str,
        /// What the parser said.
        message: String,
    },
    /// A file of another format or version.
    #[error(
        "{path}: {found} version {version}, but this themeline reads {expected} version {VERSION}{}",
        if *version < VERSION && found == expected {
            " (written by an earlier themeline: write it again with this one)"
        } else {
            ""
        }
    )]
    Version {
        /// The file.
        path: String,
        /// Its format.
        found: String,
        /// Its version.
        version: u32,
        /// The format expected.
        expected: &'static str,
    },
    /// Shards counted with other options than the merge's.
    #[error(
        "{path} was counted with other options than this merge: {differences}; \
         give every count and the merge the same counting options"
    )]
    Options {
        /// The shard.
        path: String,
        /// The options that differ, with both values.
        differences: String,
    },
    /// Candidate or passage files read with other options than the select's.
    #[error(
        "{path} was read with other options than this select: {differences}; \
         give every passages, mine and select the same counting options"
    )]
    MinedOptions {
        /// The candidate or passage file.
        path: String,
        /// The options that differ, with both values.
        differences: String,
    },
    /// Mining or passages asked for timelines per source, which need neither:
    /// one shard holds each timeline whole.
    #[error(
        "with `group-by` source each timeline is one input, which one shard holds whole: \
         count it without passages, mine and select"
    )]
    MinePerSource,
    /// A phrase list chosen over a pooled timeline given to timelines per source.
    #[error(
        "{path} lists boilerplate passages chosen over one pooled timeline, but with \
         `group-by` source each timeline finds its own: count without `phrase-list`"
    )]
    PooledPassages {
        /// The phrase list.
        path: String,
    },
    /// Select given candidate and passage shards at once.
    #[error(
        "{path} is a {found} file, but {first} is a {expected} file: \
         select the passage shards first, then the candidate shards mined with their list"
    )]
    Mixed {
        /// The file that differs.
        path: String,
        /// Its format.
        found: String,
        /// The first file.
        first: String,
        /// The first file's format.
        expected: String,
    },
    /// A phrase list of passages only, where the phrases to count were wanted.
    #[error(
        "{path} lists boilerplate passages but no phrases yet: give it to `themeline mine` \
         on every shard, then `themeline select` the candidate files, and count with that list"
    )]
    NoPhrasesYet {
        /// The phrase list.
        path: String,
    },
    /// Files of one timeline that left out different passages.
    #[error(
        "{path} left out other boilerplate passages than {first} ({found} vs {expected}): \
         give every mine and count the same `phrase-list`, and every step the same `boilerplate`"
    )]
    PassagesDiffer {
        /// The file that differs.
        path: String,
        /// What it left out.
        found: String,
        /// The first file.
        first: String,
        /// What the first file left out.
        expected: String,
    },
    /// Files that found boilerplate over their own documents, part of the corpus.
    #[error(
        "{path} left out the boilerplate passages of its own {documents} documents, not of \
         all {total}: run `themeline passages` on every shard and `themeline select` on those \
         files, and give every mine and count that list with `phrase-list` (or give every step \
         `boilerplate` off)"
    )]
    OwnPassages {
        /// The first such file.
        path: String,
        /// The documents it found passages over.
        documents: u64,
        /// The documents of all the files.
        total: u64,
    },
    /// Files whose passages were chosen over other documents than theirs.
    #[error(
        "the boilerplate passages that {path} left out were chosen over {selected} documents, \
         but the files hold {documents}: give every shard the passages were chosen over, and \
         no other"
    )]
    PassagesCover {
        /// The first file.
        path: String,
        /// The documents the passages were chosen over.
        selected: u64,
        /// The documents the files hold.
        documents: u64,
    },
    /// Files that left passages out (or not) against this step's `boilerplate`.
    #[error(
        "{path} {}, but this step has `boilerplate` {}: give every step the same `boilerplate`",
        if *left_out { "left out boilerplate passages" } else { "was read with `boilerplate` off" },
        if *left_out { "off" } else { "auto" }
    )]
    Boilerplate {
        /// The file.
        path: String,
        /// Whether it left passages out.
        left_out: bool,
    },
    /// Shards of one timeline that counted different phrases.
    #[error(
        "{path} counted other phrases than {first}: mine them over all inputs first \
         (`themeline mine` per shard, `themeline select`) and give every count `phrase-list`"
    )]
    Phrases {
        /// The shard that differs.
        path: String,
        /// The first shard.
        first: String,
    },
    /// Shards on different time axes.
    #[error("{path} is on the {found:?} time axis, but {first} is on {expected:?}")]
    Axis {
        /// The shard.
        path: String,
        /// Its axis.
        found: TimeAxis,
        /// The first shard.
        first: String,
        /// The first shard's axis.
        expected: TimeAxis,
    },
    /// Windows that cannot be laid over the union of the shards.
    #[error("{0}")]
    Windows(String),
    /// Nothing to merge.
    #[error("no shards to merge")]
    Empty,
}

/// A run counted but not yet scored: what a shard holds and what a merge adds up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counted {
    /// Offsets or instants.
    pub axis: TimeAxis,
    /// The inputs, in the order read.
    pub sources: Vec<Source>,
    /// Documents read.
    pub documents: u64,
    /// Segments read.
    pub segments: u64,
    /// The first [`crate::timeline::MAX_LISTED_DIAGNOSTICS`] problems, in reading order.
    pub diagnostics: Vec<Diagnostic>,
    /// All problems, counted by kind.
    pub diagnostic_counts: BTreeMap<String, u64>,
    /// One timeline, or one per source.
    pub groups: Vec<CountedGroup>,
}

/// One timeline's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CountedGroup {
    /// The source, when timelines are per source.
    pub source: Option<String>,
    /// The extent of its data; its windows are the run's windows laid over it.
    pub extent: Extent,
    /// The phrases counted (keys, sorted).
    pub phrases: Vec<String>,
    /// Its counts, before phrases claim their words.
    pub counts: Counts,
    /// The unit grid of each recording among its sources (`(source, grid)`, the
    /// source an index into [`Counted::sources`]), which its unit counts follow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grids: Vec<(u32, UnitGrid)>,
    /// Its counts per speaker, sorted by name, when any of its segments names
    /// its speaker (none otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<SpeakerCounts>,
    /// How long its segments last, summed, in milliseconds: what a shard without
    /// speakers gives the unnamed speaker when merged with shards that have them.
    #[serde(default)]
    pub spoken: Millis,
    /// The boilerplate passages its counts left out.
    pub passages: PassagesLeftOut,
}

/// A shard of counts, as `themeline count` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShardFile {
    /// Always [`COUNTS_FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The themeline that wrote it.
    pub themeline: String,
    /// The counting options, which every shard and the merge must share.
    #[serde(serialize_with = "keys_sorted")]
    pub options: CountingOptions,
    /// The counts.
    pub counted: Counted,
}

impl ShardFile {
    /// A shard of `counted`, counted with `options`.
    pub fn new(counted: Counted, options: CountingOptions) -> ShardFile {
        ShardFile {
            format: COUNTS_FORMAT.to_string(),
            version: VERSION,
            themeline: env!("CARGO_PKG_VERSION").to_string(),
            options,
            counted,
        }
    }

    /// Reads a shard.
    pub fn load(path: &Path) -> Result<ShardFile, ShardError> {
        let shard: ShardFile = read_json(path, COUNTS_FORMAT)?;
        check_version(path, &shard.format, shard.version, COUNTS_FORMAT)?;
        Ok(shard)
    }
}

/// A shard of phrase candidates, as `themeline mine` writes it: every candidate
/// and every word of its inputs, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CandidateFile {
    /// Always [`CANDIDATES_FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The counting options.
    #[serde(serialize_with = "keys_sorted")]
    pub options: CountingOptions,
    /// Tokens counted.
    pub tokens: u64,
    /// Each word (stem) and its count.
    pub words: BTreeMap<String, u64>,
    /// Each candidate (stems and connectors joined by spaces) and its count.
    pub candidates: BTreeMap<String, u64>,
    /// The boilerplate passages left out before mining.
    pub passages: PassagesLeftOut,
}

impl CandidateFile {
    /// The candidates a miner counted, in text without the passages `passages`
    /// says.
    pub fn new(
        miner: &Miner,
        options: CountingOptions,
        passages: PassagesLeftOut,
    ) -> CandidateFile {
        let (tokens, words, candidates) = miner.to_counts();
        CandidateFile {
            format: CANDIDATES_FORMAT.to_string(),
            version: VERSION,
            options,
            tokens,
            words,
            candidates,
            passages,
        }
    }

    /// Reads a candidate shard.
    pub fn load(path: &Path) -> Result<CandidateFile, ShardError> {
        let file: CandidateFile = read_json(path, CANDIDATES_FORMAT)?;
        check_version(path, &file.format, file.version, CANDIDATES_FORMAT)?;
        Ok(file)
    }

    /// Back to a miner, to merge.
    pub fn into_miner(self) -> Miner {
        Miner::from_counts(self.tokens, self.words, self.candidates)
    }
}

/// The phrases to count, as `themeline select` writes it and `--phrase-list`
/// reads, with the boilerplate passages to leave out. Selected from passage
/// shards it holds the passages only, for `themeline mine`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhraseList {
    /// Always [`PHRASES_FORMAT`].
    pub format: String,
    /// [`VERSION`] (4 still reads: phrases only).
    pub version: u32,
    /// The phrases' keys (stems and connectors joined by spaces), sorted; absent
    /// from a list selected from passage shards, which has no phrases yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrases: Option<Vec<String>>,
    /// The boilerplate passages chosen over all shards, which `mine` and `count`
    /// leave out instead of finding their own; absent with `boilerplate` off and
    /// where one step reads all the documents (each then finds its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passages: Option<PassageSelection>,
}

impl PhraseList {
    /// A list of `phrases`, and of the `passages` they were mined without.
    pub fn new(mut phrases: Vec<String>, passages: Option<PassageSelection>) -> PhraseList {
        phrases.sort();
        phrases.dedup();
        PhraseList {
            format: PHRASES_FORMAT.to_string(),
            version: VERSION,
            phrases: Some(phrases),
            passages,
        }
    }

    /// A list of passages only, for mining.
    pub fn passages(passages: Option<PassageSelection>) -> PhraseList {
        PhraseList {
            format: PHRASES_FORMAT.to_string(),
            version: VERSION,
            phrases: None,
            passages,
        }
    }

    /// Reads a phrase list (of this version, or of version 4: phrases only).
    pub fn load(path: &Path) -> Result<PhraseList, ShardError> {
        let list: PhraseList = read_json(path, PHRASES_FORMAT)?;
        if list.format == PHRASES_FORMAT && list.version == PHRASES_ONLY_VERSION {
            return Ok(PhraseList {
                passages: None,
                ..list
            });
        }
        check_version(path, &list.format, list.version, PHRASES_FORMAT)?;
        Ok(list)
    }
}

/// The options with their keys in alphabetical order, as shard files have always
/// written them.
fn keys_sorted<S: serde::Serializer>(options: &CountingOptions, s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(options)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// The first two bytes of every gzip stream (RFC 1952): no JSON text starts so.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Writes `value` as a shard file: JSON, gzip-compressed, with a final newline
/// inside (as the plain files had). The compression level is flate2's default
/// (6): on the State of the Union shards it is a fifth of the JSON, level 1 a
/// quarter (see BENCHMARKS.md).
pub fn write_compressed<T: Serialize>(value: &T, out: impl Write) -> std::io::Result<()> {
    let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    {
        let mut json = std::io::BufWriter::new(&mut encoder);
        serde_json::to_writer(&mut json, value)?;
        json.write_all(b"\n")?;
        json.flush()?;
    }
    encoder.finish()?.flush()
}

/// Reads a JSON file, gzip-compressed or not.
fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    expected: &'static str,
) -> Result<T, ShardError> {
    /// The fields every themeline file starts with.
    #[derive(Deserialize)]
    struct Header {
        format: String,
        version: u32,
    }
    parse_json(path).map_err(|error| {
        // A file of another format or version has another shape: say that,
        // rather than what its shape lacks.
        if let Ok(header) = parse_json::<Header>(path)
            && let Err(version) = check_version(path, &header.format, header.version, expected)
        {
            return version;
        }
        match error {
            ParseError::Io(source) => ShardError::Io {
                path: path.display().to_string(),
                source,
            },
            ParseError::Json(e) => ShardError::Malformed {
                path: path.display().to_string(),
                expected,
                message: e.to_string(),
            },
        }
    })
}

/// Why a file did not parse.
enum ParseError {
    Io(std::io::Error),
    Json(serde_json::Error),
}

/// Parses a JSON file, gzip-compressed or not.
fn parse_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ParseError> {
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).map_err(ParseError::Io)?);
    let compressed = reader
        .fill_buf()
        .map_err(ParseError::Io)?
        .starts_with(&GZIP_MAGIC);
    let parsed = if compressed {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        serde_json::from_reader(std::io::BufReader::new(decoder))
    } else {
        serde_json::from_reader(reader)
    };
    parsed.map_err(ParseError::Json)
}

fn check_version(
    path: &Path,
    format: &str,
    version: u32,
    expected: &'static str,
) -> Result<(), ShardError> {
    if format == expected && version == VERSION {
        return Ok(());
    }
    Err(ShardError::Version {
        path: path.display().to_string(),
        found: format.to_string(),
        version,
        expected,
    })
}

/// The counting options two runs disagree on, as `name: a vs b` (empty when
/// they agree).
pub fn differences(a: &CountingOptions, b: &CountingOptions) -> Vec<String> {
    if a == b {
        return Vec::new();
    }
    let as_json = |o: &CountingOptions| serde_json::to_value(o).expect("options serialize");
    json_differences(&as_json(a), &as_json(b))
}

/// The fields two JSON objects disagree on, as `name: a vs b`.
fn json_differences(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return vec![format!("{a} vs {b}")];
    };
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| a.get(*name) != b.get(*name))
        .map(|name| {
            let show =
                |v: Option<&serde_json::Value>| v.map_or("(unset)".to_string(), |v| v.to_string());
            format!("{name}: {} vs {}", show(a.get(name)), show(b.get(name)))
        })
        .collect()
}

/// Adds up shards (`(path, shard)`, in the order their inputs would have been
/// read), checking that each was counted with `options`, and that each timeline's
/// shards left out the boilerplate passages a run with `boilerplate` over all of
/// them would ([`PassagesLeftOut::combine`]). `spec` and `zone` lay the windows
/// over the union of the shards' data.
pub fn merge(
    shards: Vec<(String, ShardFile)>,
    options: &CountingOptions,
    boilerplate: Boilerplate,
    spec: &WindowSpec,
    zone: &Zone,
) -> Result<Counted, ShardError> {
    let first_path = shards.first().ok_or(ShardError::Empty)?.0.clone();
    for (path, shard) in &shards {
        let differences = differences(&shard.options, options);
        if !differences.is_empty() {
            return Err(ShardError::Options {
                path: path.clone(),
                differences: differences.join(", "),
            });
        }
    }
    let axis = shards[0].1.counted.axis;
    // Groups in the order first met, shards in order within each.
    let mut groups: Vec<(Option<String>, Vec<ShardGroup>)> = Vec::new();
    let mut merged = Counted {
        axis,
        sources: Vec::new(),
        documents: 0,
        segments: 0,
        diagnostics: Vec::new(),
        diagnostic_counts: BTreeMap::new(),
        groups: Vec::new(),
    };
    for (path, shard) in shards {
        let counted = shard.counted;
        // Sources are numbered across the merge.
        let offset = merged.sources.len() as u32;
        if counted.axis != axis {
            return Err(ShardError::Axis {
                path,
                found: counted.axis,
                first: first_path,
                expected: axis,
            });
        }
        merged.sources.extend(counted.sources);
        merged.documents += counted.documents;
        merged.segments += counted.segments;
        merged.diagnostics.extend(counted.diagnostics);
        merged
            .diagnostics
            .truncate(crate::timeline::MAX_LISTED_DIAGNOSTICS);
        for (kind, n) in counted.diagnostic_counts {
            *merged.diagnostic_counts.entry(kind).or_default() += n;
        }
        for mut group in counted.groups {
            for (source, _) in &mut group.grids {
                *source += offset;
            }
            match groups
                .iter_mut()
                .find(|(source, _)| *source == group.source)
            {
                Some((_, members)) => members.push((path.clone(), group)),
                None => groups.push((group.source.clone(), vec![(path.clone(), group)])),
            }
        }
    }
    for (source, members) in groups {
        merged
            .groups
            .push(merge_group(source, members, axis, boilerplate, spec, zone)?);
    }
    Ok(merged)
}

/// A shard's counts of one timeline, with the shard's path.
type ShardGroup = (String, CountedGroup);

fn merge_group(
    source: Option<String>,
    members: Vec<ShardGroup>,
    axis: TimeAxis,
    boilerplate: Boilerplate,
    spec: &WindowSpec,
    zone: &Zone,
) -> Result<CountedGroup, ShardError> {
    let (first_path, first) = &members[0];
    let phrases = first.phrases.clone();
    if let Some((path, _)) = members.iter().find(|(_, g)| g.phrases != phrases) {
        return Err(ShardError::Phrases {
            path: path.clone(),
            first: first_path.clone(),
        });
    }
    let passages = PassagesLeftOut::combine(
        members.iter().map(|(path, g)| (path.as_str(), &g.passages)),
        boilerplate,
    )?;
    let extent = Extent {
        start: members
            .iter()
            .map(|(_, g)| g.extent.start)
            .min()
            .unwrap_or(0),
        end: members.iter().map(|(_, g)| g.extent.end).max().unwrap_or(1),
    };
    let resolve = |extent: Extent| {
        Windows::resolve(spec, axis, extent, zone, |_| Vec::new())
            .map_err(|e| ShardError::Windows(e.to_string()))
    };
    if matches!(spec, WindowSpec::Bins { .. }) {
        return Err(ShardError::Windows(
            "`bins` lays windows over the whole corpus, which no shard sees: use `window` with shards".into(),
        ));
    }
    let windows = resolve(extent)?;
    let len = windows.len_to(extent.end);
    let mut total = Counts::default();
    let mut by_speaker: Vec<SpeakerCounts> = Vec::new();
    let mut spoken = 0;
    // Where a shard with speakers meets one without, the latter's text is the
    // unnamed speaker's, as in a run over all of it.
    let with_speakers = members.iter().any(|(_, g)| !g.speakers.is_empty());
    // Each shard numbers its recordings' units from 0; the merge puts them one
    // after another.
    let mut grids: Vec<(u32, UnitGrid)> = Vec::new();
    let mut next_unit = 0u32;
    for (path, group) in members {
        let own = resolve(group.extent)?;
        let place = |mut counts: Counts| -> Result<Counts, ShardError> {
            let mut placed = vec![crate::count::WindowCounts::default(); len];
            for (k, window) in counts.windows.drain(..).enumerate() {
                let start = own.window(k).start;
                let Some(j) = windows
                    .containing(start)
                    .find(|&j| windows.window(j).start == start)
                else {
                    return Err(ShardError::Windows(format!(
                        "{path}: its window starting at {start} ms is not a window of the merged timeline; \
                         pin the windows' origin with `start`"
                    )));
                };
                placed[j] = window;
            }
            counts.windows = placed;
            Ok(counts)
        };
        let mut group_speakers = group.speakers;
        if with_speakers && group_speakers.is_empty() {
            group_speakers.push(SpeakerCounts {
                name: UNKNOWN.to_string(),
                spoken: group.spoken,
                counts: Counts {
                    tokens: Default::default(),
                    units: UnitCounts::default(),
                    ..group.counts.clone()
                },
            });
        }
        let group_speakers = group_speakers
            .into_iter()
            .map(|s| {
                Ok(SpeakerCounts {
                    counts: place(s.counts)?,
                    ..s
                })
            })
            .collect::<Result<Vec<_>, ShardError>>()?;
        by_speaker = speakers::merge(by_speaker, group_speakers);
        spoken += group.spoken;
        let mut counts = place(group.counts)?;
        let shift = next_unit;
        for &(source, grid) in &group.grids {
            grids.push((
                source,
                UnitGrid {
                    base: grid.base + shift,
                    ..grid
                },
            ));
            next_unit = next_unit.max(grid.base + shift + grid.count);
        }
        if shift > 0 && !counts.units.counts.is_empty() {
            let units = &mut counts.units;
            units
                .counts
                .splice(0..0, std::iter::repeat_n(Packed::new(), shift as usize));
            units
                .pauses
                .splice(0..0, std::iter::repeat_n(None, shift as usize));
        }
        total = total.merge(counts);
    }
    Ok(CountedGroup {
        source,
        extent,
        phrases,
        counts: total,
        grids,
        speakers: by_speaker,
        spoken,
        passages,
    })
}
