//! Inputs read again by each pass instead of held in memory.
//!
//! A run holds the segments of its inputs only up to
//! [`IngestOptions::stream_bytes`] (64 MiB) of input. Beyond that, files are read
//! once when the run is planned (their lines, problems, extent and a language
//! sample are kept, their segments are not) and again by each pass that needs
//! their text ([`replay_all`], in batches): the corpus is never held whole. A
//! transcript that large on its own is read line by line through the transcript
//! reader's state machine, so not even the file is held; any other file is read
//! whole, one at a time. Reading again gives the same segments, counts and
//! diagnostics as holding; a test runs the same inputs both ways and compares
//! every output.
//!
//! What needs the whole file is settled first by a scan of its bytes: whether it
//! has NUL bytes (binary) or no text at all, in which case it is read whole as
//! before so that its problem is reported as usual. The format is detected from
//! the first megabyte (and the name) instead of the whole text.
//!
//! A compressed file ([`super::input`]) is decompressed by each read; whether a
//! compressed transcript is large enough to stream is decided by its
//! decompressed size, which the scan of its bytes measures. Speakers are named
//! by the run ([`Ingested::speakers`]); a file read again names them in the same
//! order as the first time, and [`StreamedSource::speakers`] maps them back.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::input::{self, Compression};
use super::{
    DiagnosticKind, FileReader, Format, IngestError, IngestOptions, Ingested, LineCounts, Segment,
    Source, transcript,
};
use crate::time::Millis;

/// How much of a large file decides its format.
const HEAD: usize = 1 << 20;

/// How many characters of text a scan keeps for language detection (what the
/// pipeline samples from segments held in memory).
pub const SAMPLE: usize = 20_000;

/// How a file is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// Line by line (a large transcript).
    Lines,
    /// Whole, and parsed as when it was first read.
    Whole,
}

/// An input read again by each pass: what later passes need to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamedSource {
    /// How it is read.
    pub reread: Reread,
    /// Its index in [`Ingested::sources`].
    pub source: u32,
    /// The file's name in sources and messages ([`input::name_of`]).
    pub path: String,
    /// The file on disk, read again by this path: its name may not be UTF-8.
    pub file: std::path::PathBuf,
    /// Its document (a transcript is one).
    pub document: u32,
    /// Segments read from it.
    pub segments: u64,
    /// The earliest segment start.
    pub start: Millis,
    /// The latest segment end (at least start + 1).
    pub end: Millis,
    /// The start of its text, for language detection.
    pub sample: String,
    /// Added to every time: the `--start` anchor, once the axis is settled.
    pub shift: Millis,
    /// The run's ids of the speakers the file names, in the order it names them.
    pub speakers: Vec<u32>,
}

impl StreamedSource {
    /// The next source and document of `ingested`, before any segment is seen.
    fn next_in(ingested: &Ingested, reread: Reread, path: String, file: &Path) -> Self {
        StreamedSource {
            reread,
            source: u32::try_from(ingested.sources.len()).expect("fewer than 2^32 sources"),
            path,
            file: file.to_path_buf(),
            document: ingested.documents,
            segments: 0,
            start: Millis::MAX,
            end: Millis::MIN,
            sample: String::new(),
            shift: 0,
            speakers: Vec::new(),
        }
    }
}

/// What a read of the raw bytes says about a file.
struct Bytes {
    nul: bool,
    text: bool,
    /// Lines with bytes that are not UTF-8: reported before the text is read, as
    /// decoding a whole file reports them.
    invalid: Vec<u32>,
    /// The size of the (decompressed) content.
    size: u64,
}

fn scan_bytes(path: &Path) -> std::io::Result<Bytes> {
    let mut input = BufReader::with_capacity(1 << 20, input::open(path)?);
    let mut found = Bytes {
        nul: false,
        text: false,
        invalid: Vec::new(),
        size: 0,
    };
    let mut line = Vec::new();
    let mut line_no: u32 = 0;
    loop {
        // A buffer at a time, not `read_until`: a compressed file of zeros with
        // no newline would otherwise unpack into one line of gigabytes before
        // its first NUL is seen.
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            if !line.is_empty() {
                line_no = line_no.saturating_add(1);
                scan_line(&mut found, &line, line_no);
            }
            return Ok(found);
        }
        let (piece, ends) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..=i], true),
            None => (buffer, false),
        };
        // The line's bytes only: searching the whole buffer for each line read
        // each megabyte again per line in it (minutes of a 1 GB scan).
        if piece.contains(&0) {
            found.nul = true;
            return Ok(found);
        }
        line.extend_from_slice(piece);
        let n = piece.len();
        input.consume(n);
        found.size += n as u64;
        if ends {
            line_no = line_no.saturating_add(1);
            scan_line(&mut found, &line, line_no);
            line.clear();
        }
    }
}

/// What one line (NUL-free) adds to a scan: text, or bytes that are not UTF-8.
fn scan_line(found: &mut Bytes, line: &[u8], line_no: u32) {
    let bytes = if line_no == 1 {
        line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
    } else {
        line
    };
    found.text |= bytes.iter().any(|b| !b.is_ascii_whitespace());
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_err() {
        found.invalid.push(line_no);
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> IngestError + '_ {
    move |source| IngestError::Io {
        path: input::name_of(path),
        source,
    }
}

/// Reads `path` as a streamed transcript if it is one and large enough, adding
/// its source and problems to `ingested` and its description to
/// `ingested.streamed`. Returns whether it did; if not, the caller reads the
/// file whole.
pub(super) fn scan(
    path: &Path,
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<bool, IngestError> {
    let size = std::fs::metadata(path).map_err(io_error(path))?.len();
    let name = input::name_of(path);
    let compressed = input::compression(&name) != Compression::None;
    // A compressed file's size is known once it is decompressed (below).
    if options.stream_bytes == 0 || (size < options.stream_bytes && !compressed) {
        return Ok(false);
    }
    let file_name = path.file_name().map_or_else(
        || name.clone(),
        |n| input::inner_name(&n.to_string_lossy()).to_string(),
    );
    let mut head = Vec::with_capacity(HEAD);
    let read_head =
        input::open(path).and_then(|file| file.take(HEAD as u64).read_to_end(&mut head));
    if read_head.is_err() {
        // Read whole by the caller, which reports the problem.
        return Ok(false);
    }
    let head =
        String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head)).into_owned();
    let format = options
        .format
        .or_else(|| super::detect_format(&file_name, &head));
    if format != Some(Format::Transcript) {
        return Ok(false);
    }
    let Ok(bytes) = scan_bytes(path) else {
        return Ok(false);
    };
    if bytes.nul || !bytes.text || bytes.size < options.stream_bytes {
        return Ok(false);
    }
    let source_id = u32::try_from(ingested.sources.len()).expect("fewer than 2^32 sources");
    let found = std::cell::RefCell::new(StreamedSource::next_in(
        ingested,
        Reread::Lines,
        name.clone(),
        path,
    ));
    let mut sink = |segment: Segment| observe(&mut found.borrow_mut(), &segment);
    let mut reader = FileReader {
        ingested,
        options,
        source: new_source(&name, bytes.size),
        source_id,
        file_name,
        sink: Some(&mut sink),
        file_speakers: Vec::new(),
    };
    let mut result = Ok(());
    for &line in &bytes.invalid {
        result = reader.warn(
            line,
            DiagnosticKind::InvalidUtf8,
            "invalid UTF-8; the bad bytes are replaced with U+FFFD and the line is kept",
        );
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = read_lines(&mut reader, path);
    }
    let FileReader {
        ingested,
        source,
        file_speakers,
        ..
    } = reader;
    ingested.sources.push(source);
    result?;
    let mut found = found.borrow().clone();
    found.speakers = file_speakers;
    if found.segments > 0 {
        ingested.streamed.push(found);
    }
    Ok(true)
}

/// Reads a file whose bytes are in memory: keeps its segments while the run
/// holds at most [`IngestOptions::stream_bytes`] of input, else keeps only what
/// planning needs and lets later passes read it again.
pub(super) fn read_or_scan(
    file: &Path,
    name: &str,
    bytes: &[u8],
    ingested: &mut Ingested,
    options: &IngestOptions,
) -> Result<(), IngestError> {
    let held: u64 = ingested.sources.iter().map(|s| s.bytes).sum();
    if options.stream_bytes == 0 || held + bytes.len() as u64 <= options.stream_bytes {
        return super::read_bytes(name, bytes, ingested, options);
    }
    let found = std::cell::RefCell::new(StreamedSource::next_in(
        ingested,
        Reread::Whole,
        name.to_string(),
        file,
    ));
    let mut sink = |segment: Segment| observe(&mut found.borrow_mut(), &segment);
    let speakers = super::read_bytes_into(name, bytes, ingested, options, Some(&mut sink))?;
    let mut found = found.into_inner();
    found.speakers = speakers;
    if found.segments > 0 {
        ingested.streamed.push(found);
    }
    Ok(())
}

/// What planning keeps of a segment of a file read again later.
fn observe(found: &mut StreamedSource, segment: &Segment) {
    found.segments += 1;
    found.start = found.start.min(segment.start);
    found.end = found.end.max(segment.end.max(segment.start + 1));
    if found.sample.len() < SAMPLE {
        let take = segment
            .text
            .floor_char_boundary((SAMPLE - found.sample.len()).min(segment.text.len()));
        found.sample.push_str(&segment.text[..take]);
        found.sample.push(' ');
    }
}

/// Reads a file again, calling `on_batch` with its segments in order, about
/// `batch_bytes` of text at a time. Its problems were reported when it was first
/// read and are not reported again.
pub fn replay(
    streamed: &StreamedSource,
    options: &IngestOptions,
    batch_bytes: usize,
    mut on_batch: impl FnMut(&[Segment]),
) -> Result<(), IngestError> {
    replay_all(&[streamed], options, batch_bytes, |batch| on_batch(&batch))
}

/// Reads files again, in order, handing over their segments about `batch_bytes`
/// of text at a time (a batch may hold several small files).
pub fn replay_all(
    sources: &[&StreamedSource],
    options: &IngestOptions,
    batch_bytes: usize,
    mut on_batch: impl FnMut(Vec<Segment>),
) -> Result<(), IngestError> {
    let quiet = IngestOptions {
        strict: false,
        ..options.clone()
    };
    let mut batch: Vec<Segment> = Vec::new();
    let mut text = 0usize;
    for &streamed in sources {
        let shift = streamed.shift;
        let mut take = |mut segment: Segment| {
            segment.source = streamed.source;
            // Speakers were numbered from 0 in the scratch run, in the order the
            // first read named them.
            segment.speaker = segment
                .speaker
                .and_then(|local| streamed.speakers.get(local as usize).copied());
            segment.start += shift;
            segment.end += shift;
            text += segment.text.len();
            batch.push(segment);
            if text >= batch_bytes {
                on_batch(std::mem::take(&mut batch));
                text = 0;
            }
        };
        let path = streamed.file.as_path();
        let mut scratch = Ingested {
            documents: streamed.document,
            ..Ingested::default()
        };
        match streamed.reread {
            Reread::Lines => {
                let file_name = path.file_name().map_or_else(
                    || streamed.path.clone(),
                    |n| input::inner_name(&n.to_string_lossy()).to_string(),
                );
                let mut reader = FileReader {
                    ingested: &mut scratch,
                    options: &quiet,
                    source: new_source(&streamed.path, 0),
                    source_id: streamed.source,
                    file_name,
                    sink: Some(&mut take),
                    file_speakers: Vec::new(),
                };
                read_lines(&mut reader, path)?;
            }
            Reread::Whole => {
                let bytes = input::read(path).map_err(io_error(path))?;
                super::read_bytes_into(
                    &streamed.path,
                    &bytes,
                    &mut scratch,
                    &quiet,
                    Some(&mut take),
                )?;
            }
        }
    }
    if !batch.is_empty() {
        on_batch(batch);
    }
    Ok(())
}

fn new_source(path: &str, bytes: u64) -> Source {
    Source {
        path: path.to_string(),
        format: None,
        axis: None,
        title: None,
        description: None,
        bytes,
        lines: LineCounts::default(),
        segments: 0,
        documents: 0,
        markup: 0,
        skipped_lines: Default::default(),
        language: None,
        language_confidence: None,
        segment_languages: Default::default(),
    }
}

/// Feeds the file's lines to the transcript reader, decoding each as the whole
/// file would be: a byte-order mark dropped, invalid UTF-8 replaced (its
/// warnings were given by the scan of the bytes), lines split as `str::lines`
/// splits them.
fn read_lines(reader: &mut FileReader<'_>, path: &Path) -> Result<(), IngestError> {
    let file = input::open(path).map_err(io_error(path))?;
    let mut input = BufReader::with_capacity(1 << 20, file);
    let mut parser = transcript::Lines::new(reader);
    let mut line = Vec::new();
    let mut line_no: u32 = 0;
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        line_no = line_no.saturating_add(1);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let bytes = if line_no == 1 {
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line)
        } else {
            &line
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => parser.line(reader, line_no, text)?,
            Err(_) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                parser.line(reader, line_no, &text)?;
            }
        }
    }
    parser.finish(reader)
}
