//! Input files to timed [`Segment`]s, with every line accounted for.
//!
//! Ingest is the only stage that sees bytes. It decodes them (repairing invalid
//! UTF-8 with a warning), detects the format, and turns each file into a
//! [`Source`] (what the file is) and its [`Segment`]s (timed pieces of text).
//! Anything odd about the input becomes a [`Diagnostic`] naming the file and line,
//! and each line is counted in [`LineCounts`] as header, blank, text or skipped,
//! so a run can show that no text was lost silently. Under `strict`, the first
//! diagnostic is an error instead.

mod transcript;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Millis;

/// A timed piece of text from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Index of the source in [`Ingested::sources`].
    pub source: u32,
    /// The 1-based line where the segment starts.
    pub line: u32,
    /// When the segment starts.
    pub start: Millis,
    /// When the segment ends (the next segment's start, for transcripts).
    pub end: Millis,
    /// The text, with continuation lines joined by a space.
    pub text: String,
}

/// The input formats themeline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// YouTube-style transcript text: `M:SS` or `H:MM:SS` at the start of a line,
    /// glued to its text or on a line of its own, after optional header lines.
    Transcript,
}

/// How the lines of a source were used. The counts add up to `total`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineCounts {
    /// Every line of the file.
    pub total: u64,
    /// Lines before the first timestamp (title and description).
    pub header: u64,
    /// Empty or whitespace-only lines.
    pub blank: u64,
    /// Lines that start with a timestamp.
    pub stamped: u64,
    /// Text lines without a timestamp, joined to the segment before them.
    pub continuation: u64,
    /// Lines whose text could not be used (counted in diagnostics).
    pub skipped: u64,
}

/// One input file as the run saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The path as given (or the name given to in-memory text).
    pub path: String,
    /// The detected format; `None` when the file could not be read as any format.
    pub format: Option<Format>,
    /// The first header line, for transcripts that have one.
    pub title: Option<String>,
    /// The remaining header lines, joined by newlines.
    pub description: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// How its lines were used.
    pub lines: LineCounts,
    /// Segments read from it.
    pub segments: u64,
}

/// The kinds of input problems, each with a defined behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// Bytes that are not UTF-8; replaced with U+FFFD and kept.
    InvalidUtf8,
    /// Something shaped like a timestamp that is not one (`1:5`, `0:75`); the line
    /// is kept as text of the segment before it.
    MalformedTimestamp,
    /// A timestamp earlier than the one before it; the segment is kept and moved to
    /// the previous time so the axis stays ordered.
    TimeBackwards,
    /// A file with no text; nothing to read.
    EmptyFile,
    /// A file containing NUL bytes; skipped.
    BinaryFile,
    /// Text that has no timestamp at all; skipped.
    NoTimestamps,
    /// A file in a directory that no reader handles; not read.
    IgnoredFile,
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
        }
    }
}

/// A problem in the input, located by file and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
pub enum IngestError {
    /// A path that cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A problem that `--strict` turns into a failure.
    #[error("{0} (--strict)")]
    Strict(Diagnostic),
}

/// Options for reading input.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// Fail on the first diagnostic.
    pub strict: bool,
    /// Duration given to the last segment of a transcript.
    pub last_segment: Millis,
}

/// Everything read from the inputs of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// One entry per file, in the order read.
    pub sources: Vec<Source>,
    /// All segments, grouped by source in source order, each source's in time order.
    pub segments: Vec<Segment>,
    /// Every problem found, in reading order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Ingested {
    /// Diagnostics counted by kind name.
    pub fn diagnostic_counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts = BTreeMap::new();
        for d in &self.diagnostics {
            *counts.entry(d.kind.name()).or_default() += 1;
        }
        counts
    }

    /// The end of the latest segment: the extent of the time axis.
    pub fn end(&self) -> Millis {
        self.segments.iter().map(|s| s.end).max().unwrap_or(0)
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

/// File extensions read when a directory is given. Files named explicitly are
/// always read, whatever their extension.
const DIRECTORY_EXTENSIONS: &[&str] = &["txt", "text", "transcript"];

/// Reads every path: files directly, directories one level deep in name order.
pub fn read_paths(paths: &[PathBuf], options: &IngestOptions) -> Result<Ingested, IngestError> {
    let mut ingested = Ingested::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            for file in directory_files(path, &mut ingested, options)? {
                read_file(&file, &mut ingested, options)?;
            }
        } else {
            read_file(path, &mut ingested, options)?;
        }
    }
    Ok(ingested)
}

fn directory_files(
    dir: &Path,
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<Vec<PathBuf>, IngestError> {
    let io_error = |source| IngestError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden || !path.is_file() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    let mut readable = Vec::new();
    for path in files {
        let known = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DIRECTORY_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if known {
            readable.push(path);
        } else {
            ingested.report(
                Diagnostic {
                    file: path.display().to_string(),
                    line: 0,
                    kind: DiagnosticKind::IgnoredFile,
                    message: format!(
                        "not read: directories are read for files ending in .{} (name the file to read it anyway)",
                        DIRECTORY_EXTENSIONS.join(", .")
                    ),
                },
                options,
            )?;
        }
    }
    Ok(readable)
}

fn read_file(
    path: &Path,
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<(), IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.display().to_string(),
        source,
    })?;
    read_bytes(&path.display().to_string(), &bytes, ingested, options)
}

/// Reads one in-memory input named `name` and appends it to `ingested`.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<(), IngestError> {
    let source_id = u32::try_from(ingested.sources.len()).expect("fewer than 2^32 sources");
    let mut source = Source {
        path: name.to_string(),
        format: None,
        title: None,
        description: None,
        bytes: bytes.len() as u64,
        lines: LineCounts::default(),
        segments: 0,
    };
    let whole_file = |kind, message: String| Diagnostic {
        file: name.to_string(),
        line: 0,
        kind,
        message,
    };
    if bytes.contains(&0) {
        source.lines.total = count_lines(bytes);
        source.lines.skipped = source.lines.total;
        let d = whole_file(
            DiagnosticKind::BinaryFile,
            format!(
                "binary file (contains NUL bytes); skipped {} lines",
                source.lines.total
            ),
        );
        ingested.report(d, options)?;
    } else if bytes.iter().all(u8::is_ascii_whitespace) || bytes == b"\xEF\xBB\xBF" {
        source.lines.total = count_lines(bytes);
        source.lines.blank = source.lines.total;
        ingested.report(
            whole_file(DiagnosticKind::EmptyFile, "empty file: no text".into()),
            options,
        )?;
    } else {
        let first_segment = ingested.segments.len();
        transcript::parse(source_id, bytes, &mut source, ingested, options)?;
        source.segments = (ingested.segments.len() - first_segment) as u64;
    }
    ingested.sources.push(source);
    Ok(())
}

fn count_lines(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return 0;
    }
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: IngestOptions = IngestOptions {
        strict: false,
        last_segment: 10_000,
    };

    #[test]
    fn binary_and_empty_files_are_reported_not_read() {
        let mut ingested = Ingested::default();
        read_bytes("bin.txt", b"0:01 hi\n\0\x01\x02\n", &mut ingested, &OPTIONS).unwrap();
        read_bytes("empty.txt", b"", &mut ingested, &OPTIONS).unwrap();
        read_bytes("blank.txt", b"\n  \r\n", &mut ingested, &OPTIONS).unwrap();
        assert!(ingested.segments.is_empty());
        let kinds: Vec<_> = ingested.diagnostics.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DiagnosticKind::BinaryFile,
                DiagnosticKind::EmptyFile,
                DiagnosticKind::EmptyFile
            ]
        );
        assert_eq!(ingested.sources[0].lines.skipped, 2);
        assert_eq!(ingested.sources[2].lines.blank, 2);
        assert!(
            ingested.diagnostics[0]
                .to_string()
                .starts_with("bin.txt: binary file")
        );
    }

    #[test]
    fn strict_turns_the_first_diagnostic_into_an_error() {
        let mut ingested = Ingested::default();
        let strict = IngestOptions {
            strict: true,
            ..OPTIONS
        };
        let err = read_bytes("empty.txt", b"", &mut ingested, &strict).unwrap_err();
        assert!(matches!(err, IngestError::Strict(_)));
        assert!(err.to_string().contains("empty.txt"));
    }

    #[test]
    fn directories_read_known_extensions_and_report_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "0:01 second file\n").unwrap();
        std::fs::write(dir.path().join("a.txt"), "0:01 first file\n").unwrap();
        std::fs::write(dir.path().join("notes.pdf"), "%PDF").unwrap();
        std::fs::write(dir.path().join(".hidden.txt"), "0:01 hidden\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let ingested = read_paths(&[dir.path().to_path_buf()], &OPTIONS).unwrap();
        let texts: Vec<_> = ingested.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["first file", "second file"]);
        assert_eq!(ingested.diagnostics.len(), 1);
        assert_eq!(ingested.diagnostics[0].kind, DiagnosticKind::IgnoredFile);
        assert!(ingested.diagnostics[0].file.ends_with("notes.pdf"));
    }

    #[test]
    fn unreadable_paths_are_errors_naming_the_path() {
        let err = read_paths(&[PathBuf::from("/no/such/file.txt")], &OPTIONS).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/file.txt: "), "{err}");
    }
}
