//! Every input format on real material (fixtures made by
//! `scripts/make_format_fixtures.py` from the shared corpora; see
//! `tests/fixtures/README.md`): each reader gives the text a person would expect,
//! conversions of one source agree with each other, and runs go end to end.

use std::path::{Path, PathBuf};

use themeline::ingest::{Columns, Dedupe, Format, IngestOptions, Ingested, Segment, read_paths};
use themeline::time::Millis;
use themeline::time::{TimeAxis, Zone, parse_instant};
use themeline::{Config, Pipeline};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_with(name: &str, options: IngestOptions) -> Ingested {
    let ingested = read_paths(&[fixture(name)], &options).unwrap();
    for source in &ingested.sources {
        assert_eq!(
            source.lines.total,
            source.lines.accounted(),
            "{name}: {:?}",
            source.lines
        );
    }
    ingested
}

fn read(name: &str) -> Ingested {
    read_with(name, IngestOptions::default())
}

fn words(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .flat_map(|s| s.text.split_whitespace())
        .collect()
}

/// The bundled transcript, read by the transcript reader.
fn transcript() -> Ingested {
    read_paths(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("data/kubecon-eu-2024-recap.txt")],
        &IngestOptions::default(),
    )
    .unwrap()
}

fn first_ten_minutes(ingested: &Ingested) -> Vec<Segment> {
    ingested
        .segments
        .iter()
        .filter(|s| s.start < 600_000)
        .cloned()
        .collect()
}

#[test]
fn real_webvtt_transcripts_come_through_unchanged() {
    let ingested = read("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt");
    let source = &ingested.sources[0];
    assert_eq!(
        (source.format, source.axis),
        (Some(Format::WebVtt), Some(TimeAxis::Offset))
    );
    assert_eq!(ingested.segments.len(), 150, "one segment per cue");
    assert_eq!(
        source.lines.duplicate, 0,
        "ordinary captions are not de-duplicated"
    );
    let first = &ingested.segments[0];
    assert_eq!((first.start, first.end), (102_055, 105_415));
    assert_eq!(
        first.text,
        "Hello, and welcome back to the Rawkode Academy."
    );
    assert!(
        ingested
            .segments
            .windows(2)
            .all(|p| p[0].start <= p[1].start)
    );
    assert!(ingested.diagnostics.is_empty());

    let whole = read("rawkode-k42oh0xm4308e1k5b12vzy8q.vtt");
    assert_eq!(whole.segments.len(), 17);
    assert_eq!(
        whole.sources[0].lines.metadata, 7,
        "WEBVTT line and the NOTE block"
    );
}

#[test]
fn subrip_conversion_reads_the_same_as_the_webvtt_original() {
    let vtt = read("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt");
    let srt = read("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt");
    assert_eq!(srt.sources[0].format, Some(Format::Srt));
    let key = |s: &Segment| (s.start, s.end, s.text.clone());
    assert_eq!(
        srt.segments.iter().map(key).collect::<Vec<_>>(),
        vtt.segments.iter().map(key).collect::<Vec<_>>()
    );
}

#[test]
fn rolling_youtube_captions_count_every_word_once() {
    let original = first_ten_minutes(&transcript());
    let rolling = read("kubecon-rolling.vtt");
    let lines = rolling.sources[0].lines;
    assert!(lines.duplicate > 150, "{lines:?}");
    assert_eq!(words(&rolling.segments), words(&original));
    // Segment times survive the round trip (cues end 10 ms before the transition).
    assert_eq!(rolling.segments[1].start, original[1].start);

    let naive = read_with(
        "kubecon-rolling.vtt",
        IngestOptions {
            dedupe: Dedupe::Off,
            ..IngestOptions::default()
        },
    );
    let ratio = words(&naive.segments).len() as f64 / words(&original).len() as f64;
    assert!(
        (2.8..3.1).contains(&ratio),
        "every line shows up three times without de-duplication: {ratio}"
    );
}

#[test]
fn progressive_live_captions_count_every_word_once() {
    let original = first_ten_minutes(&transcript());
    let progressive = read("kubecon-progressive.srt");
    assert_eq!(words(&progressive.segments), words(&original));
    let naive = read_with(
        "kubecon-progressive.srt",
        IngestOptions {
            dedupe: Dedupe::Off,
            ..IngestOptions::default()
        },
    );
    assert!(words(&naive.segments).len() > 2 * words(&original).len() * 9 / 10);
}

#[test]
fn youtube_transcript_api_json_matches_the_transcript() {
    let json = read("kubecon-youtube.json");
    let original = transcript();
    assert_eq!(json.sources[0].format, Some(Format::YoutubeJson));
    let key = |s: &Segment| (s.start, s.end, s.text.clone());
    assert_eq!(
        json.segments.iter().map(key).collect::<Vec<_>>(),
        original.segments.iter().map(key).collect::<Vec<_>>()
    );
    // Line numbers point into the JSON file: item i starts on line 2 + 5·i.
    assert_eq!(json.segments[3].line, 2 + 5 * 3);
}

fn at(date: &str) -> Millis {
    parse_instant(date, &Zone::utc()).unwrap()
}

fn talk_columns() -> IngestOptions {
    IngestOptions {
        columns: Columns {
            text: vec!["title".into(), "description".into()],
            ..Columns::default()
        },
        ..IngestOptions::default()
    }
}

#[test]
fn json_lines_of_real_talks() {
    let ingested = read_with("pyvideo-sample.jsonl", talk_columns());
    let source = &ingested.sources[0];
    assert_eq!(
        (source.format, source.axis),
        (Some(Format::JsonLines), Some(TimeAxis::Instant))
    );
    let total = source.lines.total;
    assert!(total > 390);
    // Only the record with a null date is skipped, with its line.
    assert_eq!(ingested.diagnostics.len(), 1, "{:?}", ingested.diagnostics);
    assert_eq!(ingested.diagnostics[0].line, 105);
    assert_eq!(source.documents, total - 1);
    assert_eq!(ingested.segments.len() as u64, total - 1);
    let first = &ingested.segments[0];
    assert_eq!(first.start, at("2016-04-28"));
    assert!(first.text.starts_with("April 2016 BayPiggies meeting at LinkedIn: A Preview of PyCon\nThere were 3 excellent talks"));
    // A date-time without an offset is read in the run's zone.
    let years: std::collections::BTreeSet<i64> = ingested
        .segments
        .iter()
        .map(|s| {
            jiff::Timestamp::from_millisecond(s.start)
                .unwrap()
                .to_string()[..4]
                .parse()
                .unwrap()
        })
        .collect();
    assert!(*years.first().unwrap() <= 2009, "{years:?}");
    assert!(years.contains(&2025));
}

#[test]
fn json_lines_detect_their_columns() {
    let ingested = read("pyvideo-sample.jsonl");
    // Detected: "recorded" for time, and every text column present, title then
    // description, joined: the same as naming them. A talk with only a title is
    // read, not skipped.
    let named = read_with("pyvideo-sample.jsonl", talk_columns());
    assert_eq!(ingested.segments, named.segments);
    assert_eq!(ingested.diagnostics, named.diagnostics);
    assert!(
        ingested.segments[0]
            .text
            .starts_with("April 2016 BayPiggies meeting at LinkedIn"),
        "the title comes first"
    );
    let csv = read("pyvideo-sample.csv");
    assert_eq!(csv.segments.len(), ingested.segments.len());
}

#[test]
fn csv_of_the_same_talks_reads_the_same() {
    let jsonl = read_with("pyvideo-sample.jsonl", talk_columns());
    let csv = read_with("pyvideo-sample.csv", talk_columns());
    assert_eq!(csv.sources[0].format, Some(Format::Csv));
    let key = |s: &Segment| (s.start, s.text.replace("\r\n", "\n"));
    assert_eq!(
        csv.segments.iter().map(key).collect::<Vec<_>>(),
        jsonl.segments.iter().map(key).collect::<Vec<_>>()
    );
    // Multi-line descriptions are quoted fields spanning several lines.
    let lines = csv.sources[0].lines;
    assert!(lines.records > csv.segments.len() as u64);
    assert_eq!(csv.diagnostics.len(), 1);
}

#[test]
fn every_format_runs_end_to_end() {
    for (name, window) in [
        ("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt", "1m"),
        ("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt", "1m"),
        ("kubecon-rolling.vtt", "2m"),
        ("kubecon-progressive.srt", "2m"),
        ("kubecon-youtube.json", "5m"),
        ("pyvideo-sample.jsonl", "year"),
        ("pyvideo-sample.csv", "year"),
    ] {
        let config = Config {
            window: window.parse().unwrap(),
            text_col: vec!["title".into(), "description".into()],
            ..Config::default()
        };
        let timeline = Pipeline::new(config)
            .unwrap()
            .run(&[fixture(name)])
            .unwrap();
        let with_terms = timeline
            .windows
            .iter()
            .filter(|w| !w.terms.is_empty())
            .count();
        assert!(with_terms >= 2, "{name}: {with_terms} windows with terms");
    }
}

#[test]
fn formats_mix_in_one_run_with_a_timeline_per_source() {
    let config = Config {
        window: "2m".parse().unwrap(),
        group_by: themeline::config::GroupBy::Source,
        ..Config::default()
    };
    let inputs = [
        fixture("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt"),
        fixture("kubecon-youtube.json"),
        fixture("kubecon-progressive.srt"),
    ];
    let timeline = Pipeline::new(config).unwrap().run(&inputs).unwrap();
    let sources: std::collections::BTreeSet<&str> = timeline
        .windows
        .iter()
        .map(|w| w.source.as_deref().unwrap())
        .collect();
    assert_eq!(sources.len(), 3);
    let formats: Vec<_> = timeline
        .meta
        .inputs
        .iter()
        .map(|s| s.format.unwrap())
        .collect();
    assert_eq!(formats, [Format::WebVtt, Format::YoutubeJson, Format::Srt]);
}

#[test]
fn repeated_text_columns_are_joined_in_order_from_the_command_line() {
    let segments = |columns: &[&str]| -> Vec<String> {
        let mut command = assert_cmd::Command::cargo_bin("themeline").unwrap();
        command
            .args(["inspect", "--what", "segments"])
            .arg(fixture("pyvideo-sample.jsonl"));
        for column in columns {
            command.args(["--text-col", column]);
        }
        let output = command.assert().success().get_output().stdout.clone();
        String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|l| {
                let segment: serde_json::Value = serde_json::from_str(l).unwrap();
                segment["text"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let title = "April 2016 BayPiggies meeting at LinkedIn: A Preview of PyCon";
    let both = segments(&["title", "description"]);
    assert!(
        both[0].starts_with(&format!("{title}\nThere were 3 excellent talks")),
        "{}",
        both[0]
    );
    let reversed = segments(&["description", "title"]);
    assert!(
        reversed[0].starts_with("There were 3 excellent talks")
            && reversed[0].ends_with(&format!("\n{title}")),
        "{}",
        reversed[0]
    );
    assert_eq!(segments(&["title"])[0], title);
}
