//! youtube-transcript-api JSON: `[{"text": "...", "start": 1.23, "duration": 4.5}]`.
//!
//! The Python package youtube-transcript-api, and many tools built on it, save a
//! video's captions as one JSON array of snippets with `start` and `duration` in
//! seconds. Each snippet becomes a segment `[start, start + duration)` of one
//! document. serde_json does not report where array items are, so a small scanner
//! finds each item's byte span, which gives every diagnostic its line.

use serde_json::Value;

use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, clock_label};
use crate::time::{TimeAxis, offset_from_seconds, parse_offset};

/// Byte spans of the items of the top-level array in valid JSON text.
fn item_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut item_start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'[' | b'{' => {
                if depth == 1 && item_start.is_none() {
                    item_start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let Some(start) = item_start.take()
                {
                    spans.push((start, i + 1));
                } else if depth == 0
                    && let Some(start) = item_start.take()
                {
                    spans.push((start, i));
                }
            }
            b',' if depth == 1 => {
                if let Some(start) = item_start.take() {
                    spans.push((start, i));
                }
            }
            b'"' => {
                if depth == 1 && item_start.is_none() {
                    item_start = Some(i);
                }
                in_string = true;
            }
            b if depth == 1 && !b.is_ascii_whitespace() && item_start.is_none() => {
                item_start = Some(i)
            }
            _ => {}
        }
    }
    spans
}

fn seconds(value: Option<&Value>) -> Option<Millis> {
    match value? {
        Value::Number(n) => n.as_f64().and_then(offset_from_seconds),
        Value::String(s) => parse_offset(s),
        _ => None,
    }
}

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let total = text.lines().count();
    reader.lines().total = total as u64;
    let items: Vec<Value> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(e) => {
            reader.skip(total as u64, DiagnosticKind::MalformedRecord);
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX).max(1);
            return reader.warn(
                line,
                DiagnosticKind::MalformedRecord,
                format!("not a youtube-transcript-api JSON array ({e}); skipped the file"),
            );
        }
    };
    let spans = item_spans(text);
    // Line numbers from byte offsets; spans agree with the items of valid JSON.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    // Each line is metadata (brackets), or belongs to a used or a skipped item.
    #[derive(Clone, Copy, PartialEq, PartialOrd)]
    enum Use {
        Metadata,
        Skipped,
        Record,
    }
    let mut line_use = vec![Use::Metadata; total.max(1)];

    let document = reader.new_document();
    let mut snippets: Vec<(u32, Millis, Option<Millis>, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let (first, last) = spans.get(i).map_or((1, 1), |&(start, end)| {
            (line_of(start), line_of(end.saturating_sub(1)))
        });
        let line = u32::try_from(first).unwrap_or(u32::MAX);
        let text = item.get("text").and_then(Value::as_str);
        let start = seconds(item.get("start"));
        let used = match (text, start) {
            (Some(text), Some(start)) => {
                let duration = seconds(item.get("duration"));
                snippets.push((
                    line,
                    start,
                    duration.map(|d| start + d),
                    text.replace('\n', " "),
                ));
                Use::Record
            }
            (text, start) => {
                let missing = match (text.is_none(), start.is_none()) {
                    (true, true) => "\"text\" and \"start\"",
                    (true, false) => "\"text\"",
                    _ => "a readable \"start\"",
                };
                reader.warn(
                    line,
                    DiagnosticKind::MissingField,
                    format!("snippet {} has no {missing}; skipped", i + 1),
                )?;
                Use::Skipped
            }
        };
        for slot in line_use.iter_mut().take(last).skip(first - 1) {
            if used > *slot {
                *slot = used;
            }
        }
    }
    for (index, line) in text.lines().enumerate() {
        match line_use[index] {
            Use::Record => reader.lines().records += 1,
            // The only reason a snippet is skipped.
            Use::Skipped => reader.skip(1, DiagnosticKind::MissingField),
            Use::Metadata if line.trim().is_empty() => reader.lines().blank += 1,
            Use::Metadata => reader.lines().metadata += 1,
        }
    }
    if snippets.is_empty() {
        return Ok(());
    }
    let last_segment = reader.options().last_segment;
    let mut previous = 0;
    for i in 0..snippets.len() {
        let (line, mut start, end, _) = snippets[i];
        if start < previous {
            reader.warn(
                line,
                DiagnosticKind::TimeBackwards,
                format!(
                    "snippet starts at {}, before the one before it ({}); kept at {}",
                    clock_label(start),
                    clock_label(previous),
                    clock_label(previous)
                ),
            )?;
            start = previous;
        }
        previous = start;
        let end = end
            .or_else(|| snippets.get(i + 1).map(|next| next.1))
            .unwrap_or(start + last_segment)
            .max(start);
        let text = std::mem::take(&mut snippets[i].3);
        reader.push(document, line, start, end, text);
    }
    reader.set_format(Format::YoutubeJson, TimeAxis::Offset);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestOptions, Ingested, read_bytes};
    use proptest::prelude::*;

    fn read(text: &str) -> Ingested {
        let mut ingested = Ingested::default();
        read_bytes(
            "captions.json",
            text.as_bytes(),
            &mut ingested,
            &IngestOptions::default(),
        )
        .unwrap();
        let lines = ingested.sources[0].lines;
        assert_eq!(lines.total, lines.accounted(), "{lines:?}");
        ingested
    }

    fn texts(ingested: &Ingested) -> Vec<(Millis, Millis, &str)> {
        ingested
            .segments
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str()))
            .collect()
    }

    #[test]
    fn snippets_become_segments() {
        let ingested = read(
            "[\n  {\"text\": \"[Music]\", \"start\": 10.0, \"duration\": 14.0},\n  {\"text\": \"all right\\nhey\", \"start\": 24.5, \"duration\": 7.5}\n]\n",
        );
        assert_eq!(
            texts(&ingested),
            [
                (10_000, 24_000, "[Music]"),
                (24_500, 32_000, "all right hey")
            ]
        );
        assert_eq!(ingested.segments[1].line, 3);
        let source = &ingested.sources[0];
        assert_eq!(
            (source.format, source.axis),
            (Some(Format::YoutubeJson), Some(TimeAxis::Offset))
        );
        assert_eq!((source.lines.records, source.lines.metadata), (2, 2));
    }

    #[test]
    fn one_line_arrays_and_missing_fields() {
        let ingested = read(
            "[{\"text\": \"a\", \"start\": 1}, {\"start\": 2}, {\"text\": \"c\", \"start\": \"0:03\"}]",
        );
        assert_eq!(
            texts(&ingested),
            [(1_000, 3_000, "a"), (3_000, 13_000, "c")]
        );
        assert_eq!(ingested.diagnostics[0].kind, DiagnosticKind::MissingField);
        assert_eq!(ingested.sources[0].lines.records, 1);
    }

    #[test]
    fn invalid_json_is_reported_at_its_line() {
        let ingested =
            read("[\n{\"text\": \"a\", \"start\": 1},\n{\"text\": \"b\" \"start\": 2}\n]");
        assert!(ingested.segments.is_empty());
        let d = &ingested.diagnostics[0];
        assert_eq!((d.line, d.kind), (3, DiagnosticKind::MalformedRecord));
        assert_eq!(ingested.sources[0].lines.skipped, 4);
    }

    #[test]
    fn spans_cover_strings_with_brackets_and_escapes() {
        let text = r#"[{"text": "a ] \" [ b", "start": 1}, 5, "x,y", [1, [2]]]"#;
        let spans = item_spans(text);
        let items: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            items,
            [
                r#"{"text": "a ] \" [ b", "start": 1}"#,
                "5",
                r#""x,y""#,
                "[1, [2]]"
            ]
        );
    }

    proptest! {
        #[test]
        fn round_trip(snippets in prop::collection::vec(("[a-zü😀 ]{1,12}", 0u32..100_000, 1u32..10_000), 1..20)) {
            let mut start = 0i64;
            let mut items = Vec::new();
            let mut expected = Vec::new();
            for (text, gap, duration) in &snippets {
                start += i64::from(*gap);
                let text = format!("w{text}");
                items.push(serde_json::json!({"text": text, "start": start as f64 / 1000.0, "duration": *duration as f64 / 1000.0}));
                expected.push((start, start + i64::from(*duration), text));
            }
            let json = serde_json::to_string_pretty(&items).unwrap();
            let ingested = read(&json);
            let got: Vec<(Millis, Millis, String)> = ingested.segments.iter().map(|s| (s.start, s.end, s.text.clone())).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
