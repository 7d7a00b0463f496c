//! JSON Lines and CSV: one record per document, with a time column and text
//! columns.
//!
//! Exports of talks, posts, tickets or transcripts usually come as records. Each
//! record becomes a document with one segment. Columns are named with `--time-col`,
//! `--text-col` (repeatable: a talk's `title` and `description` are joined) and
//! `--id-col`, or detected from the first record's field names
//! ([`TIME_COLUMNS`], [`TEXT_COLUMNS`], [`ID_COLUMNS`], case-insensitive). Detected
//! text is **every** column of [`TEXT_COLUMNS`] present in the first record (a
//! CSV file's header), joined in that order
//! (title, then description, abstract, summary, text, ...) with a line break; a
//! record is skipped only when all of them are missing or null, and one whose
//! columns are all empty is a document without text.
//!
//! With `language auto` each record's language is decided from its own text
//! ([`Segment::language`](super::Segment::language)) when the detector is
//! confident of it ([`RECORD_LANGUAGE_CONFIDENCE`]); otherwise the record takes
//! its file's language.
//!
//! A time is a date when it reads as one (`2024-03-20`, RFC 3339, `2024-03`, a
//! four-digit year) and otherwise an offset into a recording (`1:02:03`, `75.5`);
//! a JSON number is seconds, except in a column named like `year`. The first usable
//! record fixes the file's axis. Records on an offset axis (a CSV of transcript
//! lines) end at an `end` column, or `start + duration`, or the next record's start.
//! A record that cannot be used is skipped with a diagnostic naming its line.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::Millis;
use crate::time::{TimeAxis, Zone, offset_from_seconds, parse_instant, parse_offset};

/// Names tried for the time column, in order.
pub const TIME_COLUMNS: &[&str] = &[
    "time",
    "timestamp",
    "date",
    "datetime",
    "start",
    "published",
    "published_at",
    "recorded",
    "created_at",
    "created",
    "year",
];

/// Names read as text when no text column is named: every one present is read,
/// and they are joined in this order.
pub const TEXT_COLUMNS: &[&str] = &[
    "title",
    "description",
    "abstract",
    "summary",
    "text",
    "content",
    "body",
    "transcript",
    "message",
];

/// The least confidence (0 to 1) of the language detector for a record to take
/// the language found in its own text rather than its file's.
pub const RECORD_LANGUAGE_CONFIDENCE: f64 = 0.5;

/// Names tried for the id column, in order.
pub const ID_COLUMNS: &[&str] = &["id", "video_id", "fileid", "slug"];

/// A field's value, whatever the format.
#[derive(Debug, Clone, PartialEq)]
enum Field<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Missing,
}

/// Which columns hold what, resolved against the first record.
#[derive(Debug, Clone)]
struct Layout {
    time: String,
    text: Vec<String>,
    id: Option<String>,
    end: Option<String>,
    duration: Option<String>,
}

impl Layout {
    /// Resolves the options against the names of the first record; `Err` says why
    /// the file cannot be read.
    fn resolve(names: &[&str], reader: &FileReader<'_>) -> Result<Layout, String> {
        let columns = &reader.options().columns;
        let find = |wanted: &str| {
            names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(wanted))
                .map(|n| n.to_string())
        };
        let first_of = |candidates: &[&str]| candidates.iter().find_map(|c| find(c));
        let listed = || names.join(", ");
        let time = match &columns.time {
            Some(name) => find(name)
                .ok_or_else(|| format!("no time column {name:?} (columns: {})", listed()))?,
            None => first_of(TIME_COLUMNS).ok_or_else(|| {
                format!(
                    "no time column found among {} (name one with `time-col`)",
                    listed()
                )
            })?,
        };
        let text = if columns.text.is_empty() {
            let present: Vec<String> = TEXT_COLUMNS.iter().filter_map(|c| find(c)).collect();
            if present.is_empty() {
                return Err(format!(
                    "no text column found among {} (name one with `text-col`)",
                    listed()
                ));
            }
            present
        } else {
            columns
                .text
                .iter()
                .map(|name| {
                    find(name)
                        .ok_or_else(|| format!("no text column {name:?} (columns: {})", listed()))
                })
                .collect::<Result<_, _>>()?
        };
        let id = match &columns.id {
            Some(name) => Some(
                find(name)
                    .ok_or_else(|| format!("no id column {name:?} (columns: {})", listed()))?,
            ),
            None => first_of(ID_COLUMNS),
        };
        Ok(Layout {
            time,
            text,
            id,
            end: find("end"),
            duration: find("duration"),
        })
    }
}

/// A record that passed: where it is, when, and its text.
#[derive(Debug)]
struct Row {
    line: u32,
    document: u32,
    start: Millis,
    end: Option<Millis>,
    text: String,
    language: Option<crate::stem::Language>,
}

/// Reads a time field; the axis comes with it.
fn read_time(field: &Field<'_>, column: &str, zone: &Zone) -> Result<(Millis, TimeAxis), String> {
    match field {
        Field::Missing => Err(format!("no {column:?}")),
        Field::Text(text) if text.trim().is_empty() => Err(format!("empty {column:?}")),
        Field::Text(text) => parse_instant(text, zone)
            .map(|t| (t, TimeAxis::Instant))
            .or_else(|| parse_offset(text).map(|t| (t, TimeAxis::Offset)))
            .ok_or_else(|| format!("unreadable {column:?} {text:?}")),
        Field::Number(n) if column.to_ascii_lowercase().contains("year") => {
            let year = n.trunc() as i64;
            (n.fract() == 0.0 && (-9999..=9999).contains(&year))
                .then(|| parse_instant(&format!("{year:04}"), zone))
                .flatten()
                .map(|t| (t, TimeAxis::Instant))
                .ok_or_else(|| format!("unreadable year {n}"))
        }
        Field::Number(n) => offset_from_seconds(*n)
            .map(|t| (t, TimeAxis::Offset))
            .ok_or_else(|| format!("unreadable {column:?} {n}")),
    }
}

/// Reads a field holding a duration or an end offset, in seconds or clock form.
fn read_offset(field: &Field<'_>) -> Option<Millis> {
    match field {
        Field::Text(text) => parse_offset(text),
        Field::Number(n) if n.is_finite() && *n >= 0.0 && *n < 1e12 => {
            Some((n * 1000.0).round() as Millis)
        }
        _ => None,
    }
}

/// Shared record handling: checks each record, then adds the documents.
struct Records<'r, 'a> {
    reader: &'r mut FileReader<'a>,
    layout: Layout,
    axis: Option<TimeAxis>,
    rows: Vec<Row>,
}

/// Why a record was skipped.
type Skip = (DiagnosticKind, String);

impl<'r, 'a> Records<'r, 'a> {
    fn new(reader: &'r mut FileReader<'a>, layout: Layout) -> Self {
        Records {
            reader,
            layout,
            axis: None,
            rows: Vec::new(),
        }
    }

    /// Checks one record, given a way to read its fields; returns why it was
    /// skipped, if it was.
    fn record<'v>(&mut self, line: u32, get: impl Fn(&str) -> Field<'v>) -> Result<(), Skip> {
        let layout = &self.layout;
        let name = match layout.id.as_deref().map(&get) {
            Some(Field::Text(id)) => format!("record {id:?}"),
            Some(Field::Number(id)) => format!("record {id}"),
            _ => "record".to_string(),
        };
        let zone = &self.reader.options().zone;
        let (start, axis) = read_time(&get(&layout.time), &layout.time, zone).map_err(|why| {
            let kind = if why.starts_with("unreadable") {
                DiagnosticKind::MalformedTimestamp
            } else {
                DiagnosticKind::MissingField
            };
            (kind, format!("{name} has {why}; skipped"))
        })?;
        match self.axis {
            None => self.axis = Some(axis),
            Some(file_axis) if file_axis != axis => {
                let (this, file) = match axis {
                    TimeAxis::Instant => ("a date", "offsets into a recording"),
                    TimeAxis::Offset => ("an offset into a recording", "dates"),
                };
                return Err((
                    DiagnosticKind::MalformedTimestamp,
                    format!(
                        "{name}'s {:?} is {this}, but this file's times are {file}; skipped",
                        layout.time
                    ),
                ));
            }
            Some(_) => {}
        }
        let mut parts: Vec<Cow<'v, str>> = Vec::new();
        let mut any_field = false;
        for column in &layout.text {
            match get(column) {
                Field::Text(text) => {
                    any_field = true;
                    if !text.trim().is_empty() {
                        parts.push(text);
                    }
                }
                Field::Number(n) => {
                    any_field = true;
                    parts.push(Cow::Owned(n.to_string()));
                }
                Field::Missing => {}
            }
        }
        if !any_field {
            return Err((
                DiagnosticKind::MissingField,
                format!("{name} has no {}; skipped", layout.text.join(" or ")),
            ));
        }
        let end = if axis == TimeAxis::Offset {
            let end = layout.end.as_deref().and_then(|c| read_offset(&get(c)));
            let duration = layout
                .duration
                .as_deref()
                .and_then(|c| read_offset(&get(c)));
            end.or(duration.map(|d| start + d))
                .map(|end| end.max(start))
        } else {
            Some(start)
        };
        let document = self.reader.new_document();
        let text = parts.join("\n");
        let language = if self.reader.options().record_languages {
            crate::stem::Language::detect(&text)
                .filter(|(_, confidence)| *confidence >= RECORD_LANGUAGE_CONFIDENCE)
                .map(|(language, _)| language)
        } else {
            None
        };
        self.rows.push(Row {
            line,
            document,
            start,
            end,
            text,
            language,
        });
        Ok(())
    }

    /// Adds the segments and records the format; offsets without an end run to the
    /// next record (the last: `--last-segment`).
    fn finish(self, format: Format) -> Result<(), IngestError> {
        let Records {
            reader, axis, rows, ..
        } = self;
        let Some(axis) = axis else {
            return Ok(());
        };
        let last_segment = reader.options().last_segment;
        let starts: Vec<Millis> = rows.iter().map(|r| r.start).collect();
        for (i, row) in rows.into_iter().enumerate() {
            let end = row.end.unwrap_or_else(|| match starts.get(i + 1) {
                Some(&next) if next >= row.start => next,
                _ => row.start + last_segment,
            });
            if !row.text.is_empty() {
                reader.push_segment(super::Segment {
                    source: 0,
                    document: row.document,
                    line: row.line,
                    start: row.start,
                    end,
                    text: row.text,
                    speaker: None,
                    language: row.language,
                });
            }
        }
        reader.set_format(format, axis);
        Ok(())
    }
}

fn json_field<'v>(object: &'v Map<String, Value>, column: &str) -> Field<'v> {
    let value = object.get(column).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(column))
            .map(|(_, v)| v)
    });
    match value {
        None | Some(Value::Null) => Field::Missing,
        Some(Value::String(s)) => Field::Text(Cow::Borrowed(s)),
        Some(Value::Number(n)) => n.as_f64().map_or(Field::Missing, Field::Number),
        Some(Value::Bool(b)) => Field::Text(Cow::Owned(b.to_string())),
        Some(Value::Array(items)) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if texts.is_empty() {
                Field::Missing
            } else {
                Field::Text(Cow::Owned(texts.join(", ")))
            }
        }
        Some(Value::Object(_)) => Field::Missing,
    }
}

pub(super) fn parse_json_lines(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    reader.lines().total += text.lines().count() as u64;
    let parse = |line: &str| match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("not a JSON object; skipped".to_string()),
        Err(e) => Err(format!("invalid JSON ({e}); skipped")),
    };
    // The first object fixes the layout; later records are checked against it.
    let first = text
        .lines()
        .enumerate()
        .find_map(|(i, line)| parse(line).ok().map(|object| (i, object)));
    let Some((first_index, first_object)) = first else {
        // Not one object: every non-blank line is reported.
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                reader.lines().blank += 1;
            } else if let Err(message) = parse(line) {
                reader.skip(1, DiagnosticKind::MalformedRecord);
                let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
                reader.warn(number, DiagnosticKind::MalformedRecord, message)?;
            }
        }
        return Ok(());
    };
    let names: Vec<&str> = first_object.keys().map(String::as_str).collect();
    let layout = match Layout::resolve(&names, reader) {
        Ok(layout) => layout,
        Err(why) => {
            let used = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
            let lines = reader.lines();
            lines.blank += lines.total - used;
            reader.skip(used, DiagnosticKind::MissingField);
            let line = u32::try_from(first_index + 1).unwrap_or(u32::MAX);
            return reader.warn(
                line,
                DiagnosticKind::MissingField,
                format!("{why}; skipped the file"),
            );
        }
    };
    let mut records = Records::new(reader, layout);
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            records.reader.lines().blank += 1;
            continue;
        }
        let outcome = match parse(line) {
            Ok(object) => records.record(number, |column| json_field(&object, column)),
            Err(message) => Err((DiagnosticKind::MalformedRecord, message)),
        };
        match outcome {
            Ok(()) => records.reader.lines().records += 1,
            Err((kind, message)) => {
                records.reader.skip(1, kind);
                records.reader.warn(number, kind, message)?;
            }
        }
    }
    records.finish(Format::JsonLines)
}

/// What a physical line of a CSV file was used for; a line shared by several
/// records (a lone `\r` ends a record too) takes the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvLine {
    Unused,
    Header,
    Skipped(DiagnosticKind),
    Record,
}

impl CsvLine {
    fn rank(self) -> u8 {
        match self {
            CsvLine::Unused => 0,
            CsvLine::Header => 1,
            CsvLine::Skipped(_) => 2,
            CsvLine::Record => 3,
        }
    }
}

pub(super) fn parse_csv(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    reader.lines().total = total;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    // The csv crate counts records, not physical lines, and ends a record at
    // `\n`, `\r\n` or a lone `\r`, so several records can share one of the lines
    // counted here. Each record's lines are found from byte positions instead: a
    // record starts at the first byte after its position that is not a line
    // terminator, and ends before the reader's position after reading it. Every
    // line is then used once, for the most important record on it.
    let bytes = text.as_bytes();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // The 1-based line holding `byte` (the last line for the end of the text).
    let line_of =
        |byte: usize| (line_starts.partition_point(|&s| s <= byte) as u64).clamp(1, total.max(1));
    let record_start = |position: Option<&csv::Position>| {
        let mut byte = position.map_or(0, |p| p.byte() as usize).min(bytes.len());
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        byte
    };
    let mut used = vec![CsvLine::Unused; total as usize];
    let mut mark = |first: usize, end: usize, what: CsvLine| {
        let (first, last) = (line_of(first), line_of(end.saturating_sub(1).max(first)));
        for slot in &mut used[first as usize - 1..last as usize] {
            if what.rank() > slot.rank() {
                *slot = what;
            }
        }
    };
    let headers = match csv.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            reader.skip(total, DiagnosticKind::MalformedRecord);
            return reader.warn(
                1,
                DiagnosticKind::MalformedRecord,
                format!("unreadable CSV header ({e}); skipped the file"),
            );
        }
    };
    let header_start = record_start(headers.position());
    let header_line = line_of(header_start) as u32;
    mark(
        header_start,
        csv.position().byte() as usize,
        CsvLine::Header,
    );
    let names: Vec<&str> = headers.iter().collect();
    let layout = match Layout::resolve(&names, reader) {
        Ok(layout) => layout,
        Err(why) => {
            let header = used.iter().filter(|&&u| u == CsvLine::Header).count() as u64;
            reader.lines().metadata += header;
            reader.skip(total - header, DiagnosticKind::MissingField);
            return reader.warn(
                header_line,
                DiagnosticKind::MissingField,
                format!("{why}; skipped the file"),
            );
        }
    };
    let index_of = |column: &str| names.iter().position(|n| *n == column);
    let columns: Vec<(String, Option<usize>)> = std::iter::once(&layout.time)
        .chain(&layout.text)
        .chain(layout.id.iter())
        .chain(layout.end.iter())
        .chain(layout.duration.iter())
        .map(|c| (c.clone(), index_of(c)))
        .collect();
    let mut records = Records::new(reader, layout);
    let mut record = csv::StringRecord::new();
    loop {
        let read = csv.read_record(&mut record);
        let end = csv.position().byte() as usize;
        match read {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let start = record_start(e.position());
                mark(
                    start,
                    end,
                    CsvLine::Skipped(DiagnosticKind::MalformedRecord),
                );
                records.reader.warn(
                    u32::try_from(line_of(start)).unwrap_or(u32::MAX),
                    DiagnosticKind::MalformedRecord,
                    format!("unreadable CSV row ({e}); skipped"),
                )?;
                continue;
            }
        }
        let start = record_start(record.position());
        let line = u32::try_from(line_of(start)).unwrap_or(u32::MAX);
        let get = |column: &str| -> Field<'_> {
            let index = columns
                .iter()
                .find(|(c, _)| c == column)
                .and_then(|(_, i)| *i);
            match index.and_then(|i| record.get(i)) {
                Some(value) => Field::Text(Cow::Borrowed(value)),
                None => Field::Missing,
            }
        };
        match records.record(line, get) {
            Ok(()) => mark(start, end, CsvLine::Record),
            Err((kind, message)) => {
                mark(start, end, CsvLine::Skipped(kind));
                let message = if record.len() < names.len() {
                    format!(
                        "{message} (the row has {} of {} columns)",
                        record.len(),
                        names.len()
                    )
                } else {
                    message
                };
                records.reader.warn(line, kind, message)?;
            }
        }
    }
    for line in used {
        match line {
            CsvLine::Record => records.reader.lines().records += 1,
            CsvLine::Skipped(kind) => records.reader.skip(1, kind),
            CsvLine::Header => records.reader.lines().metadata += 1,
            // The csv reader passes over empty lines.
            CsvLine::Unused => records.reader.lines().blank += 1,
        }
    }
    records.finish(Format::Csv)
}

#[cfg(test)]
mod tests;
