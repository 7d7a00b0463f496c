//! The JSON Lines and CSV readers on small inputs, and their round trips.

use super::*;
use crate::ingest::{Columns, IngestOptions, Ingested, read_bytes};
use proptest::prelude::*;

fn read_with(name: &str, text: &str, columns: Columns) -> Ingested {
    let mut ingested = Ingested::default();
    let options = IngestOptions {
        columns,
        ..IngestOptions::default()
    };
    read_bytes(name, text.as_bytes(), &mut ingested, &options).unwrap();
    let lines = ingested.sources[0].lines;
    assert_eq!(lines.total, lines.accounted(), "{lines:?}");
    ingested
}

fn read(name: &str, text: &str) -> Ingested {
    read_with(name, text, Columns::default())
}

fn at(date: &str) -> Millis {
    parse_instant(date, &Zone::utc()).unwrap()
}

fn texts(ingested: &Ingested) -> Vec<(Millis, Millis, &str)> {
    ingested
        .segments
        .iter()
        .map(|s| (s.start, s.end, s.text.as_str()))
        .collect()
}

#[test]
fn json_lines_with_detected_columns() {
    let ingested = read(
        "talks.jsonl",
        "{\"recorded\": \"2016-04-28\", \"title\": \"T1\", \"description\": \"About asyncio\"}\n\
         \n{\"recorded\": \"2018-07-01\", \"title\": \"T2\", \"description\": \"\"}\n",
    );
    // "title" and "description" are detected and joined; the second record's
    // empty description leaves its title.
    assert_eq!(
        texts(&ingested),
        [
            (at("2016-04-28"), at("2016-04-28"), "T1\nAbout asyncio"),
            (at("2018-07-01"), at("2018-07-01"), "T2")
        ]
    );
    assert_eq!(ingested.documents, 2);
    let source = &ingested.sources[0];
    assert_eq!(
        (source.format, source.axis),
        (Some(Format::JsonLines), Some(TimeAxis::Instant))
    );
    assert_eq!((source.lines.records, source.lines.blank), (2, 1));
}

#[test]
fn a_record_is_skipped_only_when_every_text_column_is_missing() {
    let ingested = read(
        "talks.jsonl",
        "{\"date\": \"2020\", \"title\": \"Only a title\", \"description\": null}\n\
         {\"date\": \"2021\", \"title\": null, \"description\": null}\n\
         {\"date\": \"2022\", \"title\": \"\", \"description\": \"\"}\n",
    );
    assert_eq!(
        texts(&ingested),
        [(at("2020-01-01"), at("2020-01-01"), "Only a title")]
    );
    assert_eq!(ingested.diagnostics.len(), 1);
    assert_eq!(ingested.diagnostics[0].line, 2);
    assert!(
        ingested.diagnostics[0]
            .message
            .contains("has no title or description"),
        "{}",
        ingested.diagnostics[0].message
    );
    // Empty but present: a document without text, as before.
    assert_eq!(ingested.documents, 2);
}

#[test]
fn several_text_columns_are_joined_in_order() {
    let columns = Columns {
        text: vec!["title".into(), "Description".into()],
        ..Columns::default()
    };
    let ingested = read_with(
        "talks.jsonl",
        "{\"date\": \"2020\", \"title\": \"Async IO\", \"description\": \"Event loops\", \"speakers\": [\"A\"]}\n",
        columns,
    );
    assert_eq!(ingested.segments[0].text, "Async IO\nEvent loops");
    assert_eq!(ingested.segments[0].start, at("2020-01-01"));
}

#[test]
fn bad_json_lines_are_skipped_with_their_line() {
    let text = "{\"date\": \"2024-01-05\", \"text\": \"one\"}\n{\"date\": \"2024-02-05\", \"text\": \n[1, 2]\n\
                {\"date\": null, \"text\": \"no date\"}\n{\"date\": \"someday\", \"text\": \"bad date\"}\n\
                {\"date\": \"2024-03-05\"}\n{\"date\": \"0:10\", \"text\": \"an offset\"}\r\n{\"date\": \"2024-04-05\", \"text\": \"four\"}\r\n";
    let ingested = read("x.jsonl", text);
    let found: Vec<_> = ingested
        .diagnostics
        .iter()
        .map(|d| (d.line, d.kind))
        .collect();
    use DiagnosticKind::*;
    assert_eq!(
        found,
        [
            (2, MalformedRecord),
            (3, MalformedRecord),
            (4, MissingField),
            (5, MalformedTimestamp),
            (6, MissingField),
            (7, MalformedTimestamp),
        ]
    );
    assert_eq!(ingested.segments.len(), 2);
    assert_eq!(ingested.sources[0].lines.skipped, 6);
    assert!(ingested.diagnostics[0].message.contains("invalid JSON"));
    assert!(
        ingested.diagnostics[5]
            .message
            .contains("this file's times are dates")
    );
}

#[test]
fn a_missing_named_column_skips_the_file() {
    let columns = Columns {
        time: Some("published".into()),
        ..Columns::default()
    };
    let ingested = read_with(
        "x.jsonl",
        "{\"date\": \"2024\", \"text\": \"a\"}\n{\"date\": \"2025\", \"text\": \"b\"}\n",
        columns,
    );
    assert!(ingested.segments.is_empty());
    assert_eq!(ingested.sources[0].lines.skipped, 2);
    assert!(
        ingested.diagnostics[0]
            .message
            .contains("no time column \"published\"")
    );
}

#[test]
fn numbers_are_seconds_unless_the_column_is_a_year() {
    let ingested = read(
        "x.jsonl",
        "{\"start\": 1.5, \"text\": \"a\"}\n{\"start\": 4, \"text\": \"b\"}\n",
    );
    assert_eq!(
        texts(&ingested),
        [(1_500, 4_000, "a"), (4_000, 14_000, "b")]
    );
    assert_eq!(ingested.sources[0].axis, Some(TimeAxis::Offset));
    let years = read("y.jsonl", "{\"year\": 1790, \"text\": \"union\"}\n");
    assert_eq!(years.segments[0].start, at("1790-01-01"));
}

#[test]
fn a_megabyte_line_is_fine() {
    let long = "word ".repeat(200_000);
    let ingested = read(
        "big.jsonl",
        &format!("{{\"date\": \"2024-01-01\", \"text\": \"{long}\"}}\n"),
    );
    assert_eq!(ingested.segments[0].text.len(), long.len());
}

#[test]
fn csv_with_quoted_multiline_fields_and_short_rows() {
    let text = "\u{feff}date,title,text\r\n2024-01-05,One,\"security, \"\"quoted\"\"\r\nand more\"\r\n\r\n2024-02-05\r\n2024-03-05,Three,ai,extra\r\n";
    let mut ingested = Ingested::default();
    read_bytes(
        "talks.csv",
        text.as_bytes(),
        &mut ingested,
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(
        texts(&ingested),
        [
            (
                at("2024-01-05"),
                at("2024-01-05"),
                "One\nsecurity, \"quoted\"\r\nand more"
            ),
            (at("2024-03-05"), at("2024-03-05"), "Three\nai"),
        ]
    );
    let d = &ingested.diagnostics[0];
    assert_eq!((d.line, d.kind), (5, DiagnosticKind::MissingField));
    assert!(d.message.contains("1 of 3 columns"), "{}", d.message);
    let lines = ingested.sources[0].lines;
    assert_eq!(
        (lines.metadata, lines.records, lines.skipped, lines.blank),
        (1, 3, 1, 1)
    );
    assert_eq!(lines.total, lines.accounted());
}

#[test]
fn csv_edge_cases_do_not_panic() {
    for text in [
        "date,text\n",
        "date,text\n2024-01-01,\"never closed\nsecond line\n",
        "\"unclosed header\n",
        ",,,\n,,,\n",
        "text\nno time column\n",
    ] {
        let mut ingested = Ingested::default();
        read_bytes(
            "x.csv",
            text.as_bytes(),
            &mut ingested,
            &IngestOptions::default(),
        )
        .unwrap();
        let lines = ingested.sources[0].lines;
        assert_eq!(lines.total, lines.accounted(), "{text:?}: {lines:?}");
    }
    let unclosed = read(
        "x.csv",
        "date,text\n2024-01-01,\"never closed\nsecond line\n",
    );
    assert_eq!(unclosed.segments[0].text, "never closed\nsecond line\n");
    let header_only = read("x.csv", "date,text\n");
    assert!(header_only.segments.is_empty());
    assert_eq!(header_only.sources[0].lines.metadata, 1);
}

#[test]
fn csv_records_ended_by_a_lone_carriage_return_share_their_line() {
    // The csv crate ends a record at a lone `\r` (old Mac line endings); the
    // lines counted are `\n` lines, so several records can share one. Found by
    // the csv fuzz target (tests/fixtures/fuzz/csv-lone-carriage-return).
    let ingested = read("mac.csv", "date,text\r2024-01-05,one\r2024-02-05,two\r");
    assert_eq!(
        texts(&ingested),
        [
            (at("2024-01-05"), at("2024-01-05"), "one"),
            (at("2024-02-05"), at("2024-02-05"), "two")
        ]
    );
    assert_eq!(ingested.sources[0].lines.records, 1);
    let mixed = read(
        "mixed.csv",
        "date,text\r\n2024-01-05,one\r2024-02-05\n\n2024-03-05,\"three\nlines\r\nlong\"\r\n",
    );
    assert_eq!(mixed.segments.len(), 2);
    let lines = mixed.sources[0].lines;
    // The short row shares line 2 with a record that was read.
    assert_eq!(
        (lines.metadata, lines.records, lines.skipped, lines.blank),
        (1, 4, 0, 1)
    );
    assert_eq!(mixed.diagnostics[0].line, 2);
    let header_only = read("h.csv", "recorded,title\r,");
    assert!(header_only.segments.is_empty());
}

#[test]
fn csv_of_transcript_lines_uses_end_or_duration_columns() {
    let ingested = read(
        "lines.csv",
        "start,duration,text\n0:01,2.5,hello\n0:05,,world\n",
    );
    assert_eq!(
        texts(&ingested),
        [(1_000, 3_500, "hello"), (5_000, 15_000, "world")]
    );
}

fn record_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "word",
            "ünï",
            "\"quoted\"",
            "a,b",
            "line\nbreak",
            "😀",
            "x",
        ]),
        1..8,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn json_lines_and_csv_round_trip(
        records in prop::collection::vec((0i64..4_000_000_000_000, record_text()), 1..20),
    ) {
        let mut jsonl = String::new();
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(["date", "text"]).unwrap();
        for (ms, text) in &records {
            let date = crate::time::rfc3339(*ms);
            jsonl.push_str(&serde_json::json!({"date": date, "text": text}).to_string());
            jsonl.push('\n');
            csv.write_record([date.as_str(), text.as_str()]).unwrap();
        }
        let csv = String::from_utf8(csv.into_inner().unwrap()).unwrap();
        let from_jsonl = read("r.jsonl", &jsonl);
        let from_csv = read("r.csv", &csv);
        let expected: Vec<(Millis, Millis, &str)> = records.iter().map(|(ms, t)| (*ms, *ms, t.as_str())).collect();
        prop_assert_eq!(texts(&from_jsonl), expected.clone());
        prop_assert_eq!(texts(&from_csv), expected);
    }
}
