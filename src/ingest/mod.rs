//! Input files to timed [`Segment`]s, with every line accounted for.
//!
//! Ingest is the only stage that sees bytes. It decodes them (repairing invalid
//! UTF-8 with a warning), detects each file's [`Format`] from its extension and
//! content (or takes the one forced with `--input-format`), and hands the text to that
//! format's reader, which turns it into a [`Source`] (what the file is) and its
//! [`Segment`]s (timed pieces of text). Anything odd about the input becomes a
//! [`Diagnostic`] naming the file and line, and each line is counted in
//! [`LineCounts`], so a run can show that no text was lost silently. Under
//! `strict`, the first diagnostic is an error instead.
//!
//! Readers share one small interface, `FileReader`: report a problem, start a
//! document, add a segment, name its speaker. Each format lives in its own file;
//! the speech-recognition formats share `asr.rs`'s word grouping and JSON helpers.
//! Files ending in `.gz` or `.zst` are decompressed on the way in ([`input`]), and
//! `-` reads standard input.

mod asr;
mod aws_transcribe;
mod captions;
pub mod dates;
mod detect;
mod documents;
pub mod input;
mod json3;
mod podcast;
mod records;
mod speaker_turns;
mod srt;
pub mod stream;
mod transcript;
mod turns;
mod vtt;
mod whisper;
mod whisper_cpp;
mod youtube_json;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::progress::{ProgressEvent, ProgressHook};
use crate::time::Millis;
use crate::time::{TimeAxis, Zone};
pub use detect::detect_format;

/// A timed piece of text from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Index of the source in [`Ingested::sources`].
    pub source: u32,
    /// The document it belongs to: a whole transcript, one record of a JSON Lines
    /// or CSV file, one dated file. Numbered across the run.
    pub document: u32,
    /// The 1-based line where the segment starts.
    pub line: u32,
    /// When the segment starts, on the source's time axis.
    pub start: Millis,
    /// When the segment ends (equal to `start` for a dated document).
    pub end: Millis,
    /// The text.
    pub text: String,
    /// Who speaks it, when the format says: an index into [`Ingested::speakers`].
    /// `inspect --what segments` prints the name, and only when there is one.
    #[serde(skip)]
    pub speaker: Option<u32>,
    /// Its own language, when it was decided for this segment rather than for its
    /// source (`language auto` on JSON Lines and CSV decides per record); `None`
    /// means the source's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::stem::Language>,
}

impl Segment {
    /// The language this segment is analysed in: its own, else its source's in
    /// `by_source` (indexed by source).
    pub fn language_in(&self, by_source: &[crate::stem::Language]) -> crate::stem::Language {
        self.language
            .unwrap_or_else(|| by_source[self.source as usize])
    }
}

/// The input formats themeline reads. Serialized by their `--input-format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// YouTube-style transcript text: `M:SS` or `H:MM:SS` at the start of a line,
    /// glued to its text or on a line of its own, after optional header lines.
    Transcript,
    /// WebVTT captions (`.vtt`).
    WebVtt,
    /// SubRip captions (`.srt`).
    Srt,
    /// youtube-transcript-api JSON: `[{"text", "start", "duration"}, ...]`.
    YoutubeJson,
    /// JSON Lines: one object per line with a time field and text fields.
    JsonLines,
    /// CSV with a header row, a time column and text columns.
    Csv,
    /// A plain-text document dated by its file name or a `date:` front-matter line.
    Document,
    /// Speaker-turn transcripts: podcast Markdown (`**Name:** text` with
    /// `\[MM:SS\]` stamps), `[HH:MM:SS] Name: text`, `Name (HH:MM:SS):` and
    /// Otter.ai's `Name  M:SS` exports.
    SpeakerTurns,
    /// openai-whisper (and whisper-ctranslate2, faster-whisper) JSON:
    /// `{"text", "segments": [{"start", "end", "text", "words"?}], "language"}`.
    WhisperJson,
    /// openai-whisper TSV: a `start\tend\ttext` header, times in milliseconds.
    WhisperTsv,
    /// whisper.cpp `-oj`/`-ojf` JSON: `transcription[]` with `offsets` in ms.
    WhisperCpp,
    /// Podcasting 2.0 JSON transcripts: `{"version", "segments": [{"speaker",
    /// "startTime", "endTime", "body"}]}`.
    PodcastJson,
    /// AWS Transcribe batch JSON: `results.items[]` with word times and speakers.
    AwsTranscribe,
    /// YouTube timedtext `json3` captions (yt-dlp `--sub-format json3`).
    Json3,
}

impl Format {
    /// Every format: the first seven as they have always been listed, then the
    /// speaker-turn and speech-recognition formats.
    pub const ALL: [Format; 14] = [
        Format::Transcript,
        Format::WebVtt,
        Format::Srt,
        Format::YoutubeJson,
        Format::JsonLines,
        Format::Csv,
        Format::Document,
        Format::SpeakerTurns,
        Format::WhisperJson,
        Format::WhisperTsv,
        Format::WhisperCpp,
        Format::PodcastJson,
        Format::AwsTranscribe,
        Format::Json3,
    ];

    /// The name used by `--input-format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Transcript => "transcript",
            Format::WebVtt => "vtt",
            Format::Srt => "srt",
            Format::YoutubeJson => "youtube-json",
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::Document => "document",
            Format::SpeakerTurns => "speaker-turns",
            Format::WhisperJson => "whisper-json",
            Format::WhisperTsv => "whisper-tsv",
            Format::WhisperCpp => "whisper-cpp",
            Format::PodcastJson => "podcast-json",
            Format::AwsTranscribe => "aws-transcribe",
            Format::Json3 => "json3",
        }
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Format {
    fn schema_name() -> Cow<'static, str> {
        "Format".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An input format, by its input-format name.",
            "enum": names,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the lines of a source were used. The categories add up to `total`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct LineCounts {
    /// Every line of the file.
    pub total: u64,
    /// Empty or whitespace-only lines.
    pub blank: u64,
    /// Lines about the file rather than its text: transcript titles and
    /// descriptions, the `WEBVTT` header and `NOTE`/`STYLE`/`REGION` blocks, cue
    /// numbers, a CSV header row, front matter.
    pub metadata: u64,
    /// Lines that carry a time: transcript stamps (with any text glued to them) and
    /// cue timing lines.
    pub timing: u64,
    /// Lines of text.
    pub text: u64,
    /// Lines of JSON Lines or CSV records that were read.
    pub records: u64,
    /// Caption lines dropped because they repeat the previous cue's text (rolling
    /// auto-captions); counted so their removal is visible.
    pub duplicate: u64,
    /// Lines whose content could not be used (each explained by a diagnostic).
    pub skipped: u64,
}

impl LineCounts {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &LineCounts) {
        self.total += other.total;
        self.blank += other.blank;
        self.metadata += other.metadata;
        self.timing += other.timing;
        self.text += other.text;
        self.records += other.records;
        self.duplicate += other.duplicate;
        self.skipped += other.skipped;
    }

    /// The sum of the categories, which equals `total` for a correctly read file.
    pub fn accounted(&self) -> u64 {
        self.blank
            + self.metadata
            + self.timing
            + self.text
            + self.records
            + self.duplicate
            + self.skipped
    }
}

/// One input file as the run saw it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Source {
    /// The path as given (or the name given to in-memory text).
    pub path: String,
    /// The format it was read as; `None` when it could not be read as any.
    pub format: Option<Format>,
    /// Whether its times are offsets or instants; `None` when it has no segments.
    pub axis: Option<TimeAxis>,
    /// A title, when the file has one (transcript header, front matter, ...).
    pub title: Option<String>,
    /// A description, when the file has one.
    pub description: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// How its lines were used.
    pub lines: LineCounts,
    /// Segments read from it.
    pub segments: u64,
    /// Documents read from it.
    pub documents: u64,
    /// Pieces of markup removed from its text (Markdown bold, backslash escapes,
    /// links reduced to their text) by the speaker-turn reader. Left out of the JSON
    /// when there were none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub markup: u64,
    /// Its skipped lines by the kind of problem that skipped them; they add up
    /// to `lines.skipped`. Left out of the JSON when nothing was skipped.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_lines: BTreeMap<DiagnosticKind, u64>,
    /// Its language (fixed by `--language`, or detected).
    pub language: Option<crate::stem::Language>,
    /// The language detector's confidence (0 to 1), when it was detected.
    pub language_confidence: Option<f64>,
    /// Its segments whose own text decided their language (records under
    /// `language auto`), by language. Left out of the JSON when there were none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub segment_languages: BTreeMap<crate::stem::Language, u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The kinds of input problems, each with a defined behaviour.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// Bytes that are not UTF-8; replaced with U+FFFD and kept.
    InvalidUtf8,
    /// A time that cannot be read (`1:5`, `0:75`, a cue timing line without
    /// `-->`, a date field that is not a date). What happens to the text depends on
    /// the format and is said in the message.
    MalformedTimestamp,
    /// A time earlier than the one before it in a recording; the text is kept and
    /// moved to the previous time so the axis stays ordered.
    TimeBackwards,
    /// A file with no text; nothing to read.
    EmptyFile,
    /// A file containing NUL bytes; skipped.
    BinaryFile,
    /// Text with no timestamp and no date; skipped.
    NoTimestamps,
    /// A file in a directory that no reader handles; not read.
    IgnoredFile,
    /// A file whose format cannot be recognised; skipped.
    UnknownFormat,
    /// A file inside a directory that cannot be read; skipped.
    UnreadableFile,
    /// A JSON line that is not valid JSON, or a CSV row that cannot be parsed;
    /// skipped.
    MalformedRecord,
    /// A record without its time or text field, or a CSV row with fewer columns
    /// than the header; skipped.
    MissingField,
    /// A file the run itself writes (an output in the `out` directory); not read.
    OwnOutput,
}

impl DiagnosticKind {
    /// The snake_case name used in statistics.
    pub fn name(self) -> &'static str {
        match self {
            DiagnosticKind::InvalidUtf8 => "invalid_utf8",
            DiagnosticKind::MalformedTimestamp => "malformed_timestamp",
            DiagnosticKind::TimeBackwards => "time_backwards",
            DiagnosticKind::EmptyFile => "empty_file",
            DiagnosticKind::BinaryFile => "binary_file",
            DiagnosticKind::NoTimestamps => "no_timestamps",
            DiagnosticKind::IgnoredFile => "ignored_file",
            DiagnosticKind::UnknownFormat => "unknown_format",
            DiagnosticKind::UnreadableFile => "unreadable_file",
            DiagnosticKind::MalformedRecord => "malformed_record",
            DiagnosticKind::MissingField => "missing_field",
            DiagnosticKind::OwnOutput => "own_output",
        }
    }
}

/// A problem in the input, located by file and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// The file as given.
    pub file: String,
    /// The 1-based line, or 0 for the whole file.
    pub line: u32,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// What happened and what themeline did about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Errors that stop ingest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A path named on the command line that cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A problem that `--strict` turns into a failure.
    #[error("{0} (`strict`)")]
    Strict(Diagnostic),
    /// A `dates` side file that cannot be used.
    #[error("{path}:{line}: {message}")]
    Dates {
        /// The side file.
        path: String,
        /// The 1-based line (0: the whole file).
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// Standard input named twice, or larger than [`input::STDIN_LIMIT`].
    #[error("standard input (`-`): {0}")]
    Stdin(String),
    /// Recordings timed from their start mixed with dated documents.
    #[error(
        "cannot put recordings timed from their start ({offsets}) on one axis with dated documents ({instants}): \
         anchor the recordings with `start`, e.g. `start` 2024-03-20T09:00:00Z"
    )]
    MixedAxes {
        /// Some of the sources with offsets.
        offsets: String,
        /// Some of the sources with instants.
        instants: String,
    },
}

/// Column (or field) names for JSON Lines and CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Columns {
    /// The time column; detected from common names when `None`.
    pub time: Option<String>,
    /// The text columns, joined in this order; detected when empty.
    pub text: Vec<String>,
    /// A column naming each record (kept as its document title).
    pub id: Option<String>,
}

/// Whether to remove the rolling duplicates of auto-generated captions.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Dedupe {
    /// Remove them when the file looks like rolling captions.
    #[default]
    Auto,
    /// Always remove text that repeats the previous cue.
    On,
    /// Keep every cue as written.
    Off,
}

/// Options for reading input.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Fail on the first diagnostic.
    pub strict: bool,
    /// Duration given to the last segment of a transcript that has no end time.
    pub last_segment: Millis,
    /// Read every file as this format instead of detecting it.
    pub format: Option<Format>,
    /// Columns of JSON Lines and CSV.
    pub columns: Columns,
    /// Time zone for dates without an offset.
    pub zone: Zone,
    /// Rolling-caption de-duplication.
    pub dedupe: Dedupe,
    /// Transcripts of at least this many bytes are read in pieces, never whole
    /// ([`stream`]); 0 reads every file whole.
    pub stream_bytes: u64,
    /// Decide the language of each JSON Lines and CSV record from its own text
    /// (`language auto`), into [`Segment::language`].
    pub record_languages: bool,
    /// A side file of dates for documents ([`dates`]), loaded on first use.
    pub dates: Option<dates::DatesFile>,
    /// The files the run writes: never read as input, whether named or met in a
    /// directory, so that `--out` pointing into an input directory does not feed
    /// one run's outputs to the next. Each one met is an [`DiagnosticKind::OwnOutput`].
    pub outputs: Vec<PathBuf>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            strict: false,
            last_segment: 10_000,
            format: None,
            columns: Columns::default(),
            zone: Zone::utc(),
            dedupe: Dedupe::Auto,
            stream_bytes: 64 << 20,
            record_languages: false,
            dates: None,
            outputs: Vec::new(),
        }
    }
}

/// Everything read from the inputs of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    /// One entry per file, in the order read.
    pub sources: Vec<Source>,
    /// All segments, grouped by source in source order.
    pub segments: Vec<Segment>,
    /// Every problem found, in reading order.
    pub diagnostics: Vec<Diagnostic>,
    /// Documents read.
    pub documents: u32,
    /// Large transcripts read in pieces, whose segments are not in `segments`.
    pub streamed: Vec<stream::StreamedSource>,
    /// Every speaker named in the run, once each, in the order first met;
    /// [`Segment::speaker`] indexes it.
    pub speakers: Vec<String>,
    /// `speakers` by name.
    speaker_ids: rustc_hash::FxHashMap<String, u32>,
    /// Whether standard input was read (it can be read once).
    stdin_read: bool,
}

impl Ingested {
    /// The name of speaker `id` of [`Segment::speaker`].
    pub fn speaker(&self, id: u32) -> Option<&str> {
        self.speakers.get(id as usize).map(String::as_str)
    }

    /// The id of speaker `name`, added to [`Ingested::speakers`] when new.
    fn speaker_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.speaker_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.speakers.len()).expect("fewer than 2^32 speakers");
        self.speakers.push(name.to_string());
        self.speaker_ids.insert(name.to_string(), id);
        id
    }

    /// Segments read, held or streamed.
    pub fn segment_count(&self) -> u64 {
        self.segments.len() as u64 + self.streamed.iter().map(|s| s.segments).sum::<u64>()
    }

    /// Diagnostics counted by kind name.
    pub fn diagnostic_counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts = BTreeMap::new();
        for d in &self.diagnostics {
            *counts.entry(d.kind.name()).or_default() += 1;
        }
        counts
    }

    /// Skipped lines by the kind of problem that skipped them, summed over
    /// sources; they add up to `line_counts().skipped`.
    pub fn skipped_line_counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts = BTreeMap::new();
        for source in &self.sources {
            for (kind, lines) in &source.skipped_lines {
                *counts.entry(kind.name()).or_default() += lines;
            }
        }
        counts
    }

    /// Line counts summed over sources.
    pub fn line_counts(&self) -> LineCounts {
        let mut lines = LineCounts::default();
        for source in &self.sources {
            lines.add(&source.lines);
        }
        lines
    }

    /// The time axis shared by every source with text, anchoring offsets at
    /// `anchor` (an instant) when given. Fails when recordings timed from their
    /// start are mixed with dated documents and no anchor is given. A run with no
    /// text is on the offset axis.
    pub fn resolve_axis(&mut self, anchor: Option<Millis>) -> Result<TimeAxis, IngestError> {
        let with_axis = |axis| {
            self.sources
                .iter()
                .filter(|s| s.axis == Some(axis))
                .map(|s| s.path.as_str())
                .collect::<Vec<_>>()
        };
        let (offsets, instants) = (with_axis(TimeAxis::Offset), with_axis(TimeAxis::Instant));
        let Some(anchor) = anchor else {
            if !offsets.is_empty() && !instants.is_empty() {
                let some = |paths: Vec<&str>| {
                    let more = paths.len().saturating_sub(3);
                    let mut list = paths.into_iter().take(3).collect::<Vec<_>>().join(", ");
                    if more > 0 {
                        list.push_str(&format!(" and {more} more"));
                    }
                    list
                };
                return Err(IngestError::MixedAxes {
                    offsets: some(offsets),
                    instants: some(instants),
                });
            }
            return Ok(if instants.is_empty() {
                TimeAxis::Offset
            } else {
                TimeAxis::Instant
            });
        };
        for (id, source) in self.sources.iter_mut().enumerate() {
            if source.axis != Some(TimeAxis::Offset) {
                continue;
            }
            source.axis = Some(TimeAxis::Instant);
            for segment in self.segments.iter_mut().filter(|s| s.source as usize == id) {
                segment.start += anchor;
                segment.end += anchor;
            }
            for streamed in self.streamed.iter_mut().filter(|s| s.source as usize == id) {
                streamed.shift += anchor;
                streamed.start += anchor;
                streamed.end += anchor;
            }
        }
        Ok(TimeAxis::Instant)
    }

    fn report(
        &mut self,
        diagnostic: Diagnostic,
        options: &IngestOptions,
    ) -> Result<(), IngestError> {
        if options.strict {
            return Err(IngestError::Strict(diagnostic));
        }
        self.diagnostics.push(diagnostic);
        Ok(())
    }
}

/// What a format's reader works with: the run's state and the source being read.
pub(crate) struct FileReader<'a> {
    ingested: &'a mut Ingested,
    options: &'a IngestOptions,
    source: Source,
    source_id: u32,
    /// The file name without its directory, for dates and titles.
    file_name: String,
    /// Where segments go when they are not kept in `ingested` (a streamed read).
    sink: Option<&'a mut dyn FnMut(Segment)>,
    /// The run's ids of the speakers this file named, in the order it named
    /// them: how a file read again maps its speakers back ([`stream`]).
    file_speakers: Vec<u32>,
}

impl FileReader<'_> {
    pub(crate) fn options(&self) -> &IngestOptions {
        self.options
    }

    pub(crate) fn source(&mut self) -> &mut Source {
        &mut self.source
    }

    pub(crate) fn file_name(&self) -> &str {
        &self.file_name
    }

    pub(crate) fn lines(&mut self) -> &mut LineCounts {
        &mut self.source.lines
    }

    /// Counts `lines` lines as skipped because of a problem of this kind. Every
    /// skipped line goes through here, so skips are known by reason.
    pub(crate) fn skip(&mut self, lines: u64, kind: DiagnosticKind) {
        if lines > 0 {
            self.source.lines.skipped += lines;
            *self.source.skipped_lines.entry(kind).or_default() += lines;
        }
    }

    /// Reports a problem at `line` (0: the whole file); fails under `--strict`.
    pub(crate) fn warn(
        &mut self,
        line: u32,
        kind: DiagnosticKind,
        message: impl Into<String>,
    ) -> Result<(), IngestError> {
        let diagnostic = Diagnostic {
            file: self.source.path.clone(),
            line,
            kind,
            message: message.into(),
        };
        self.ingested.report(diagnostic, self.options)
    }

    /// Starts a new document and returns its id.
    pub(crate) fn new_document(&mut self) -> u32 {
        let id = self.ingested.documents;
        self.ingested.documents += 1;
        self.source.documents += 1;
        id
    }

    /// Adds a segment of this source.
    pub(crate) fn push(
        &mut self,
        document: u32,
        line: u32,
        start: Millis,
        end: Millis,
        text: String,
    ) {
        self.push_segment(Segment {
            source: self.source_id,
            document,
            line,
            start,
            end,
            text,
            speaker: None,
            language: None,
        });
    }

    /// Adds a segment spoken by `speaker` (an id from [`FileReader::speaker`]).
    pub(crate) fn push_spoken(
        &mut self,
        document: u32,
        line: u32,
        (start, end): (Millis, Millis),
        text: String,
        speaker: Option<u32>,
    ) {
        self.push_segment(Segment {
            source: self.source_id,
            document,
            line,
            start,
            end,
            text,
            speaker,
            language: None,
        });
    }

    /// Adds a segment built by the reader (its source is set here).
    pub(crate) fn push_segment(&mut self, mut segment: Segment) {
        segment.source = self.source_id;
        self.source.segments += 1;
        if let Some(language) = segment.language {
            *self.source.segment_languages.entry(language).or_default() += 1;
        }
        match &mut self.sink {
            Some(sink) => sink(segment),
            None => self.ingested.segments.push(segment),
        }
    }

    /// The id of the speaker called `name` (trimmed; `None` when blank).
    pub(crate) fn speaker(&mut self, name: &str) -> Option<u32> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let id = self.ingested.speaker_id(name);
        if !self.file_speakers.contains(&id) {
            self.file_speakers.push(id);
        }
        Some(id)
    }

    /// Counts pieces of markup removed from the text.
    pub(crate) fn count_markup(&mut self, pieces: u64) {
        self.source.markup += pieces;
    }

    /// Records what the file was read as.
    pub(crate) fn set_format(&mut self, format: Format, axis: TimeAxis) {
        self.source.format = Some(format);
        self.source.axis = Some(axis);
    }
}

/// File extensions read when a directory is given, also under a `.gz` or `.zst`
/// ending. Files named explicitly are always read, whatever their extension.
pub const DIRECTORY_EXTENSIONS: &[&str] = &[
    "txt",
    "text",
    "transcript",
    "md",
    "vtt",
    "srt",
    "json",
    "jsonl",
    "ndjson",
    "csv",
    "tsv",
    "json3",
];

/// Reads every path: files directly, directories one level deep in name order.
pub fn read_paths(paths: &[PathBuf], options: &IngestOptions) -> Result<Ingested, IngestError> {
    read_paths_with(paths, options, &ProgressHook::default())
}

/// [`read_paths`], reporting to `progress` the bytes to read and each file read.
pub fn read_paths_with(
    paths: &[PathBuf],
    options: &IngestOptions,
    progress: &ProgressHook,
) -> Result<Ingested, IngestError> {
    let (files, bytes) = planned_size(paths);
    progress.report(&ProgressEvent::Reading { files, bytes });
    let mut ingested = Ingested::default();
    if let Some(dates) = &options.dates {
        dates.table(&options.zone)?;
    }
    let own = OwnOutputs::new(&options.outputs);
    for path in paths {
        if input::is_stdin(path) {
            read_stdin(&mut ingested, options, progress)?;
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
            path: input::name_of(path),
            source,
        })?;
        if meta.is_dir() {
            for file in directory_files(path, &own, &mut ingested, options)? {
                if stream::scan(&file, &mut ingested, options)? {
                    continue;
                }
                match input::read(&file) {
                    Ok(bytes) => {
                        let name = input::name_of(&file);
                        stream::read_or_scan(&file, &name, &bytes, &mut ingested, options)?;
                        progress.report(&ProgressEvent::Read {
                            path: &name,
                            bytes: input::disk_size(&file).unwrap_or(bytes.len() as u64),
                        });
                    }
                    Err(e) => ingested.report(
                        Diagnostic {
                            file: input::name_of(&file),
                            line: 0,
                            kind: DiagnosticKind::UnreadableFile,
                            message: format!("cannot read: {e}; skipped"),
                        },
                        options,
                    )?,
                }
            }
        } else if own.holds(path) {
            // Named, as a shell glob over the output directory names them.
            ingested.report(own.diagnostic(path), options)?;
        } else if !stream::scan(path, &mut ingested, options)? {
            let bytes = input::read(path).map_err(|source| IngestError::Io {
                path: input::name_of(path),
                source,
            })?;
            let name = input::name_of(path);
            stream::read_or_scan(path, &name, &bytes, &mut ingested, options)?;
            progress.report(&ProgressEvent::Read {
                path: &name,
                bytes: meta.len(),
            });
        }
    }
    Ok(ingested)
}

/// Reads standard input whole (it cannot be read again, so it is always held,
/// whatever `stream_bytes` says), as the input [`input::STDIN_NAME`].
fn read_stdin(
    ingested: &mut Ingested,
    options: &IngestOptions,
    progress: &ProgressHook,
) -> Result<(), IngestError> {
    if std::mem::replace(&mut ingested.stdin_read, true) {
        return Err(IngestError::Stdin("named more than once".into()));
    }
    let bytes = input::read_stdin(&mut std::io::stdin().lock())?;
    read_bytes(input::STDIN_NAME, &bytes, ingested, options)?;
    progress.report(&ProgressEvent::Read {
        path: input::STDIN_NAME,
        bytes: bytes.len() as u64,
    });
    Ok(())
}

/// About how many files and bytes [`read_paths`] will read: the files named, and
/// in directories the visible regular files with a known extension. Problems are
/// left for the reading to report.
fn planned_size(paths: &[PathBuf]) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for path in paths {
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        if !meta.is_dir() {
            files += 1;
            bytes += meta.len();
            continue;
        }
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            let path = entry.path();
            let visible = path
                .file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'));
            let known = input::known_extension(&path);
            if let (true, true, Ok(meta)) = (visible, known, std::fs::metadata(&path))
                && meta.is_file()
            {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    (files, bytes)
}

/// The run's own outputs that exist, by their canonical paths: a file is one of
/// them when it is the same file, whatever path (relative, through a symbolic
/// link) reaches it.
struct OwnOutputs(std::collections::HashSet<PathBuf>);

impl OwnOutputs {
    fn new(outputs: &[PathBuf]) -> Self {
        OwnOutputs(
            outputs
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect(),
        )
    }

    /// Whether `path` is one of the run's outputs.
    fn holds(&self, path: &Path) -> bool {
        !self.0.is_empty() && std::fs::canonicalize(path).is_ok_and(|p| self.0.contains(&p))
    }

    fn diagnostic(&self, path: &Path) -> Diagnostic {
        Diagnostic {
            file: input::name_of(path),
            line: 0,
            kind: DiagnosticKind::OwnOutput,
            message: "an output of this run (in `out`): not read, as themeline never reads its own outputs"
                .into(),
        }
    }
}

fn directory_files(
    dir: &Path,
    own: &OwnOutputs,
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<Vec<PathBuf>, IngestError> {
    let io_error = |source| IngestError::Io {
        path: input::name_of(dir),
        source,
    };
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        // `metadata` follows symlinks, so a dangling link shows up as an error here.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => files.push(path),
            // Directories are read one level deep: subdirectories are not inputs.
            Ok(meta) if meta.is_dir() => {}
            // A FIFO would block the open and a device never end: never opened.
            Ok(meta) => unreadable.push((
                path,
                format!(
                    "not a regular file ({})",
                    input::not_regular(&meta).unwrap_or("not a file")
                ),
            )),
            Err(e) => unreadable.push((path, e.to_string())),
        }
    }
    unreadable.sort();
    for (path, reason) in unreadable {
        ingested.report(
            Diagnostic {
                file: input::name_of(&path),
                line: 0,
                kind: DiagnosticKind::UnreadableFile,
                message: format!("cannot read: {reason}; skipped"),
            },
            options,
        )?;
    }
    files.sort();
    let mut readable = Vec::new();
    // The outputs are one note for the directory, not one each: a run into its
    // input directory would otherwise spend the printed warnings on them.
    let (outputs, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|path| own.holds(path));
    if !outputs.is_empty() {
        let names: Vec<String> = outputs
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| input::name_of(Path::new(n)))
            .collect();
        ingested.report(
            Diagnostic {
                file: input::name_of(dir),
                line: 0,
                kind: DiagnosticKind::OwnOutput,
                message: format!(
                    "holds {} output(s) of this run (it is `out`): {}; not read, as themeline never reads its own outputs",
                    names.len(),
                    names.join(", ")
                ),
            },
            options,
        )?;
    }
    for path in files {
        if input::known_extension(&path) {
            readable.push(path);
        } else if path
            .file_name()
            .is_some_and(|n| n == DIRECTORY_OPTIONS_FILE)
        {
            // The directory's own options, read by the caller: not text, and no problem.
        } else {
            ingested.report(
                Diagnostic {
                    file: input::name_of(&path),
                    line: 0,
                    kind: DiagnosticKind::IgnoredFile,
                    message: format!(
                        "not read: directories are read for files ending in .{} (also compressed: .gz, .zst; name the file to read it anyway)",
                        DIRECTORY_EXTENSIONS.join(", .")
                    ),
                },
                options,
            )?;
        }
    }
    Ok(readable)
}

/// The name of the options file a directory of inputs may hold (the bundled
/// demo's `data/themeline.toml`): a directory walk passes over it silently.
pub const DIRECTORY_OPTIONS_FILE: &str = "themeline.toml";

/// Reads one in-memory input named `name` and appends it to `ingested`.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<(), IngestError> {
    read_bytes_into(name, bytes, ingested, options, None).map(|_| ())
}

/// [`read_bytes`], handing each segment to `sink` instead of keeping it. Returns
/// the run's ids of the speakers the file named, in the order it named them.
pub(crate) fn read_bytes_into<'a>(
    name: &str,
    bytes: &[u8],
    ingested: &'a mut Ingested,
    options: &'a IngestOptions,
    sink: Option<&'a mut dyn FnMut(Segment)>,
) -> Result<Vec<u32>, IngestError> {
    let source_id = u32::try_from(ingested.sources.len()).expect("fewer than 2^32 sources");
    let file_name = Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
    let mut reader = FileReader {
        ingested,
        options,
        source: Source {
            path: name.to_string(),
            format: None,
            axis: None,
            title: None,
            description: None,
            bytes: bytes.len() as u64,
            lines: LineCounts::default(),
            segments: 0,
            documents: 0,
            markup: 0,
            skipped_lines: BTreeMap::new(),
            language: None,
            language_confidence: None,
            segment_languages: Default::default(),
        },
        source_id,
        file_name: input::inner_name(&file_name).to_string(),
        sink,
        file_speakers: Vec::new(),
    };
    let result = read_source(&mut reader, bytes);
    let FileReader {
        ingested,
        source,
        file_speakers,
        ..
    } = reader;
    ingested.sources.push(source);
    result.map(|()| file_speakers)
}

fn read_source(reader: &mut FileReader<'_>, bytes: &[u8]) -> Result<(), IngestError> {
    let total = count_lines(bytes);
    if bytes.contains(&0) {
        reader.source.lines.total = total;
        reader.skip(total, DiagnosticKind::BinaryFile);
        // Standard input and compressed files stop being read at their first
        // NUL (see `input`): their lines are the ones read until then.
        let message = if reader.source.path == input::STDIN_NAME {
            format!(
                "binary input (a NUL byte; reading stopped there); skipped the {total} lines read"
            )
        } else {
            format!("binary file (contains NUL bytes); skipped {total} lines")
        };
        return reader.warn(0, DiagnosticKind::BinaryFile, message);
    }
    let text = decode(reader, bytes)?;
    if text.trim().is_empty() {
        reader.source.lines.total = total;
        reader.source.lines.blank = total;
        return reader.warn(0, DiagnosticKind::EmptyFile, "empty file: no text");
    }
    // A date from the `dates` side file, when it lists this file.
    let listed = match &reader.options.dates {
        Some(dates) => dates
            .table(&reader.options.zone)?
            .date_of(&reader.source.path),
        None => None,
    };
    let detected = match detect_format(&reader.file_name, &text) {
        // A file the side file dates is a dated document unless it is something else.
        None if listed.is_some() => Some(Format::Document),
        found => found,
    };
    let format = match reader.options.format {
        Some(format) => format,
        None => match detected {
            Some(format) => format,
            None => {
                reader.source.lines.total = total;
                reader.skip(total, DiagnosticKind::UnknownFormat);
                return reader.warn(
                    0,
                    DiagnosticKind::UnknownFormat,
                    format!(
                        "unknown format: not a transcript, captions, JSON, CSV or dated document; \
                         skipped {total} lines (force one with `input-format`)"
                    ),
                );
            }
        },
    };
    match format {
        Format::Transcript => transcript::parse(reader, &text)?,
        Format::WebVtt => vtt::parse(reader, &text)?,
        Format::Srt => srt::parse(reader, &text)?,
        Format::YoutubeJson => youtube_json::parse(reader, &text)?,
        Format::JsonLines => records::parse_json_lines(reader, &text)?,
        Format::Csv => records::parse_csv(reader, &text)?,
        Format::Document => documents::parse(reader, &text, listed)?,
        Format::SpeakerTurns => speaker_turns::parse(reader, &text)?,
        Format::WhisperJson => whisper::parse_json(reader, &text)?,
        Format::WhisperTsv => whisper::parse_tsv(reader, &text)?,
        Format::WhisperCpp => whisper_cpp::parse(reader, &text)?,
        Format::PodcastJson => podcast::parse(reader, &text)?,
        Format::AwsTranscribe => aws_transcribe::parse(reader, &text)?,
        Format::Json3 => json3::parse(reader, &text)?,
    }
    debug_assert_eq!(
        reader.source.lines.total,
        reader.source.lines.accounted(),
        "{}: {:?}",
        reader.source.path,
        reader.source.lines
    );
    debug_assert_eq!(
        reader.source.lines.skipped,
        reader.source.skipped_lines.values().sum::<u64>(),
        "{}: {:?}",
        reader.source.path,
        reader.source.skipped_lines
    );
    Ok(())
}

/// Decodes UTF-8, dropping a byte-order mark and replacing invalid bytes with
/// U+FFFD, with one diagnostic per line that had any.
fn decode<'b>(reader: &mut FileReader<'_>, bytes: &'b [u8]) -> Result<Cow<'b, str>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let mut line: u32 = 1;
    let mut last_reported = 0;
    for chunk in bytes.utf8_chunks() {
        line += chunk.valid().bytes().filter(|&b| b == b'\n').count() as u32;
        if !chunk.invalid().is_empty() && line != last_reported {
            last_reported = line;
            reader.warn(
                line,
                DiagnosticKind::InvalidUtf8,
                "invalid UTF-8; the bad bytes are replaced with U+FFFD and the line is kept",
            )?;
        }
    }
    Ok(Cow::Owned(String::from_utf8_lossy(bytes).into_owned()))
}

/// Lines in `bytes`: newline-terminated lines plus a final unterminated one.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return 0;
    }
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.ends_with(b"\n"))
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown input format {s:?}: expected {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> IngestOptions {
        IngestOptions::default()
    }

    #[test]
    fn segments_stay_small() {
        // On the hot path: a speaker and a language fit in one more word.
        assert!(std::mem::size_of::<Segment>() <= 64);
    }

    #[test]
    fn speakers_are_named_once_per_run() {
        let mut ingested = Ingested::default();
        let options = options();
        for name in ["a.vtt", "b.vtt"] {
            read_bytes(
                name,
                b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ada>hello\n\n00:02.000 --> 00:03.000\n<v Bo>hi\n",
                &mut ingested,
                &options,
            )
            .unwrap();
        }
        assert_eq!(ingested.speakers, ["Ada", "Bo"]);
        let ids: Vec<_> = ingested.segments.iter().map(|s| s.speaker).collect();
        assert_eq!(ids, [Some(0), Some(1), Some(0), Some(1)]);
        assert_eq!(ingested.speaker(1), Some("Bo"));
    }

    #[test]
    fn binary_and_empty_files_are_reported_not_read() {
        let mut ingested = Ingested::default();
        read_bytes(
            "bin.txt",
            b"0:01 hi\n\0\x01\x02\n",
            &mut ingested,
            &options(),
        )
        .unwrap();
        read_bytes("empty.txt", b"", &mut ingested, &options()).unwrap();
        read_bytes("blank.txt", b"\n  \r\n", &mut ingested, &options()).unwrap();
        read_bytes("bom-only.txt", b"\xEF\xBB\xBF", &mut ingested, &options()).unwrap();
        assert!(ingested.segments.is_empty());
        let kinds: Vec<_> = ingested.diagnostics.iter().map(|d| d.kind).collect();
        use DiagnosticKind::*;
        assert_eq!(kinds, [BinaryFile, EmptyFile, EmptyFile, EmptyFile]);
        assert_eq!(ingested.sources[0].lines.skipped, 2);
        assert_eq!(ingested.sources[2].lines.blank, 2);
        assert!(
            ingested.diagnostics[0]
                .to_string()
                .starts_with("bin.txt: binary file")
        );
    }

    #[test]
    fn invalid_utf8_is_reported_once_per_line_with_its_number() {
        let mut ingested = Ingested::default();
        let text = b"0:01 ok\n0:02 caf\xE9 \xE9\n0:03 fine\n0:04 \xFF\n";
        read_bytes("t.txt", text, &mut ingested, &options()).unwrap();
        let lines: Vec<_> = ingested
            .diagnostics
            .iter()
            .map(|d| (d.kind, d.line))
            .collect();
        assert_eq!(
            lines,
            [
                (DiagnosticKind::InvalidUtf8, 2),
                (DiagnosticKind::InvalidUtf8, 4)
            ]
        );
        assert_eq!(ingested.segments[1].text, "caf\u{FFFD} \u{FFFD}");
    }

    #[test]
    fn unknown_formats_are_skipped_with_a_reason() {
        let mut ingested = Ingested::default();
        read_bytes(
            "notes.txt",
            b"just prose\nno dates\n",
            &mut ingested,
            &options(),
        )
        .unwrap();
        assert!(ingested.segments.is_empty());
        assert_eq!(ingested.sources[0].lines.skipped, 2);
    }

    #[test]
    fn strict_turns_the_first_diagnostic_into_an_error() {
        let mut ingested = Ingested::default();
        let strict = IngestOptions {
            strict: true,
            ..options()
        };
        let err = read_bytes("empty.txt", b"", &mut ingested, &strict).unwrap_err();
        assert!(matches!(err, IngestError::Strict(_)));
        assert!(err.to_string().contains("empty.txt"));
    }

    #[test]
    fn the_runs_own_outputs_are_never_read_however_they_are_reached() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "0:01 the input\n").unwrap();
        // An earlier run's chapters.txt reads as a transcript: it must not be.
        std::fs::write(dir.path().join("chapters.txt"), "0:00 Opening\n").unwrap();
        std::fs::write(dir.path().join("report.html"), "<html>").unwrap();
        let options = IngestOptions {
            outputs: ["chapters.txt", "report.html", "timeline.json"]
                .iter()
                .map(|f| dir.path().join(f))
                .collect(),
            ..options()
        };
        let ingested = read_paths(&[dir.path().to_path_buf()], &options).unwrap();
        let texts: Vec<_> = ingested.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["the input"]);
        assert_eq!(ingested.sources.len(), 1);
        // One note for the directory, naming both (not an ignored report.html).
        assert_eq!(ingested.diagnostics.len(), 1, "{:?}", ingested.diagnostics);
        let note = &ingested.diagnostics[0];
        assert_eq!(note.kind, DiagnosticKind::OwnOutput);
        assert_eq!(note.file, dir.path().display().to_string());
        assert!(note.message.contains("2 output(s)"), "{note}");
        assert!(note.message.contains("chapters.txt, report.html"), "{note}");
        // Named, by another spelling of the same path: skipped too.
        let named = dir.path().join(".").join("chapters.txt");
        let ingested = read_paths(&[named, dir.path().join("a.txt")], &options).unwrap();
        assert_eq!(ingested.sources.len(), 1);
        assert_eq!(ingested.diagnostics[0].kind, DiagnosticKind::OwnOutput);
        // Without outputs set, chapters.txt is an input like any other.
        let ingested = read_paths(&[dir.path().to_path_buf()], &super::tests::options()).unwrap();
        assert_eq!(ingested.sources.len(), 2);
    }

    #[test]
    fn directories_read_known_extensions_and_report_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "0:01 second file\n").unwrap();
        std::fs::write(dir.path().join("a.txt"), "0:01 first file\n").unwrap();
        std::fs::write(dir.path().join("notes.pdf"), "%PDF").unwrap();
        std::fs::write(dir.path().join(".hidden.txt"), "0:01 hidden\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let ingested = read_paths(&[dir.path().to_path_buf()], &options()).unwrap();
        let texts: Vec<_> = ingested.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["first file", "second file"]);
        assert_eq!(ingested.diagnostics.len(), 1);
        assert_eq!(ingested.diagnostics[0].kind, DiagnosticKind::IgnoredFile);
        assert!(ingested.diagnostics[0].file.ends_with("notes.pdf"));
    }

    #[test]
    fn unreadable_paths_are_errors_naming_the_path() {
        let err = read_paths(&[PathBuf::from("/no/such/file.txt")], &options()).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/file.txt: "), "{err}");
    }

    fn two_axes() -> Ingested {
        let mut ingested = Ingested::default();
        read_bytes("talk.txt", b"0:10 hello\n", &mut ingested, &options()).unwrap();
        read_bytes(
            "2024-03-20-notes.txt",
            b"dated text\n",
            &mut ingested,
            &options(),
        )
        .unwrap();
        ingested
    }

    #[test]
    fn offsets_and_instants_do_not_mix_without_an_anchor() {
        let err = two_axes().resolve_axis(None).unwrap_err().to_string();
        assert!(
            err.contains("talk.txt")
                && err.contains("2024-03-20-notes.txt")
                && err.contains("`start`"),
            "{err}"
        );
    }

    #[test]
    fn an_anchor_moves_recordings_onto_the_instant_axis() {
        let mut ingested = two_axes();
        let anchor = crate::time::parse_instant("2024-03-20T09:00:00Z", &Zone::utc()).unwrap();
        assert_eq!(
            ingested.resolve_axis(Some(anchor)).unwrap(),
            TimeAxis::Instant
        );
        assert_eq!(ingested.segments[0].start, anchor + 10_000);
        assert_eq!(ingested.sources[0].axis, Some(TimeAxis::Instant));
    }
}
