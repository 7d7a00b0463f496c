//! Plain-text documents dated by their file name or front matter.
//!
//! A folder of speeches, minutes or release notes usually carries each document's
//! date in the file name (`2024-03-20-keynote.txt`, `1961-kennedy.txt`,
//! `1790-Washington-1.txt`) or in a front-matter block at the top:
//!
//! ```text
//! ---
//! title: Keynote
//! date: 2024-03-20
//! ---
//! ```
//!
//! (a bare `date:` line at the top works too). A front-matter date wins over the
//! file name, and a date from the `dates` side file ([`super::dates`]) wins over
//! both. A year alone dates the document to 1 January, a year and month to the
//! first of the month, in the run's time zone. The whole body becomes one segment at
//! that instant.

use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::Millis;
use crate::time::{TimeAxis, Zone, parse_date_prefix, parse_instant};

/// Where a document's date came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DocumentDate {
    /// The date text (`2024-03-20`, `1961`).
    pub text: String,
    /// Front-matter lines at the top of the file (0 when the date is in the name).
    pub front_matter_lines: usize,
    /// The front-matter title, if any.
    pub title: Option<String>,
}

/// Front matter: `---` ... `---` with `key: value` lines, or `key: value` lines at
/// the very top up to the first blank line. Returns the pairs and the lines used.
fn front_matter(text: &str) -> (Vec<(String, String)>, usize) {
    let mut lines = text.lines();
    let fenced = lines.next().is_some_and(|l| l.trim() == "---");
    let mut pairs = Vec::new();
    let mut used = usize::from(fenced);
    let body = if fenced { lines } else { text.lines() };
    for line in body {
        let trimmed = line.trim();
        if fenced && trimmed == "---" {
            return (pairs, used + 1);
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            break;
        }
        pairs.push((key, value.trim().trim_matches(['"', '\'']).to_string()));
        used += 1;
    }
    if fenced {
        // An unclosed fence is not front matter.
        return (Vec::new(), 0);
    }
    (pairs, used)
}

/// The date of a document, from front matter or the file name.
pub(super) fn date_of(file_name: &str, text: &str) -> Option<DocumentDate> {
    let (pairs, used) = front_matter(text);
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if let Some(date) = value("date") {
        return Some(DocumentDate {
            text: date,
            front_matter_lines: used,
            title: value("title"),
        });
    }
    let (year, month, day) = parse_date_prefix(file_name)?;
    let mut date = format!("{:04}", year.value);
    if let Some(month) = month {
        date.push_str(&format!("-{month:02}"));
    }
    if let Some(day) = day {
        date.push_str(&format!("-{day:02}"));
    }
    Some(DocumentDate {
        text: date,
        front_matter_lines: 0,
        title: None,
    })
}

fn instant(date: &DocumentDate, zone: &Zone) -> Option<Millis> {
    parse_instant(&date.text, zone)
}

/// Reads a dated document; `listed` is its date from the side file, if any.
pub(super) fn parse(
    reader: &mut FileReader<'_>,
    text: &str,
    listed: Option<(Millis, String)>,
) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    let date = date_of(reader.file_name(), text);
    let dated = match (listed, date) {
        (Some((at, text)), found) => Some((
            found.unwrap_or(DocumentDate {
                text,
                front_matter_lines: 0,
                title: None,
            }),
            at,
        )),
        (None, date) => date.and_then(|d| instant(&d, &reader.options().zone).map(|at| (d, at))),
    };
    let Some((date, at)) = dated else {
        reader.lines().total = total;
        reader.skip(total, DiagnosticKind::NoTimestamps);
        return reader.warn(
            0,
            DiagnosticKind::NoTimestamps,
            format!(
                "no readable date in the file name (2024-03-20-name.txt, 1961-name.txt), \
                 a front-matter `date:` line or the `dates` side file; skipped {total} lines"
            ),
        );
    };
    let document = reader.new_document();
    let mut body = String::with_capacity(text.len());
    let mut first_line = None;
    for (index, line) in text.lines().enumerate() {
        let lines = reader.lines();
        lines.total += 1;
        if index < date.front_matter_lines {
            lines.metadata += 1;
        } else if line.trim().is_empty() {
            lines.blank += 1;
        } else {
            lines.text += 1;
            first_line.get_or_insert(index + 1);
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(line.trim_end());
        }
    }
    reader.set_format(Format::Document, TimeAxis::Instant);
    let file_name = reader.file_name().to_string();
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(stem, _)| stem)
        .to_string();
    reader.source().title = Some(date.title.unwrap_or(stem));
    if let Some(line) = first_line {
        reader.push(document, line as u32, at, at, body);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestOptions, Ingested, read_bytes};

    fn read(name: &str, text: &str) -> Ingested {
        let mut ingested = Ingested::default();
        let options = IngestOptions {
            format: Some(Format::Document),
            ..IngestOptions::default()
        };
        read_bytes(name, text.as_bytes(), &mut ingested, &options).unwrap();
        ingested
    }

    fn at(date: &str) -> Millis {
        parse_instant(date, &Zone::utc()).unwrap()
    }

    #[test]
    fn dates_from_file_names() {
        let ingested = read("speeches/1961-Kennedy-1.txt", "Mr. Speaker.\n\nWe meet.\n");
        let segment = &ingested.segments[0];
        assert_eq!(
            (segment.start, segment.end),
            (at("1961-01-01"), at("1961-01-01"))
        );
        assert_eq!(segment.text, "Mr. Speaker.\nWe meet.");
        assert_eq!(segment.line, 1);
        let source = &ingested.sources[0];
        assert_eq!(source.title.as_deref(), Some("1961-Kennedy-1"));
        assert_eq!(
            (source.lines.text, source.lines.blank, source.lines.total),
            (2, 1, 3)
        );
        assert_eq!(
            read("2024-03-20-keynote.txt", "x").segments[0].start,
            at("2024-03-20")
        );
    }

    #[test]
    fn front_matter_dates_win_and_are_metadata() {
        let text = "---\ntitle: \"Keynote\"\ndate: 2024-03-20T09:30:00Z\n---\nBody text.\n";
        let ingested = read("1999-old-name.txt", text);
        assert_eq!(ingested.segments[0].start, at("2024-03-20T09:30:00Z"));
        assert_eq!(ingested.segments[0].text, "Body text.");
        assert_eq!(ingested.segments[0].line, 5);
        assert_eq!(ingested.sources[0].title.as_deref(), Some("Keynote"));
        assert_eq!(ingested.sources[0].lines.metadata, 4);

        let bare = read("notes.txt", "date: 2023-07\n\nText.\n");
        assert_eq!(bare.segments[0].start, at("2023-07-01"));
        assert_eq!(bare.sources[0].lines.metadata, 1);
    }

    #[test]
    fn front_matter_that_is_really_text_is_not_taken() {
        assert_eq!(
            front_matter("Note: this is prose, not metadata\n"),
            (
                vec![("note".into(), "this is prose, not metadata".into())],
                1
            )
        );
        assert_eq!(front_matter("---\ntitle: never closed\nBody\n").1, 0);
        assert_eq!(front_matter("Dear friends: hello").0.len(), 0);
    }

    #[test]
    fn undated_documents_are_skipped_with_a_reason() {
        let ingested = read("notes.txt", "Some text.\nMore.\n");
        assert!(ingested.segments.is_empty());
        assert_eq!(ingested.sources[0].lines.skipped, 2);
        assert!(ingested.diagnostics[0].message.contains("no readable date"));
        let bad = read("notes.txt", "date: someday\n\nText\n");
        assert!(bad.segments.is_empty());
    }
}
