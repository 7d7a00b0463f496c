//! Inputs the fuzzers once crashed on (`tests/fixtures/fuzz/`), read as every
//! format: none may panic, every line must be accounted for (skipped ones by
//! reason), and the whole pipeline must run on each without panicking.

use themeline::ingest::{Format, IngestOptions, Ingested, read_bytes};
use themeline::{Config, Pipeline};

const FORMATS: [Option<Format>; 8] = [
    None,
    Some(Format::Transcript),
    Some(Format::WebVtt),
    Some(Format::Srt),
    Some(Format::YoutubeJson),
    Some(Format::JsonLines),
    Some(Format::Csv),
    Some(Format::Document),
];

fn crashers() -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    files
}

#[test]
fn crashers_are_read_without_panicking() {
    for (path, bytes) in crashers() {
        for format in FORMATS {
            let options = IngestOptions {
                format,
                ..IngestOptions::default()
            };
            let mut ingested = Ingested::default();
            read_bytes("crasher", &bytes, &mut ingested, &options).unwrap();
            let source = &ingested.sources[0];
            let lines = source.lines;
            let what = format!("{} as {format:?}", path.display());
            assert_eq!(lines.total, lines.accounted(), "{what}: {lines:?}");
            assert_eq!(
                lines.skipped,
                source.skipped_lines.values().sum::<u64>(),
                "{what}: {:?}",
                source.skipped_lines
            );
            for segment in &ingested.segments {
                assert!(segment.end >= segment.start, "{what}: {segment:?}");
            }
        }
    }
}

#[test]
fn crashers_go_through_the_pipeline_without_panicking() {
    // What the `pipeline` fuzz target does: detected format, every term scored.
    let pipeline = Pipeline::new(Config {
        min_count: 1,
        ..Config::default()
    })
    .unwrap();
    for (path, bytes) in crashers() {
        let mut ingested = Ingested::default();
        read_bytes(
            "crasher",
            &bytes,
            &mut ingested,
            &pipeline.config().ingest_options(),
        )
        .unwrap();
        // Errors (no text, too many windows) are answers; panics are not.
        if let Ok(timeline) = pipeline.run_corpus(ingested.into()) {
            for window in &timeline.windows {
                assert!(window.start_ms < window.end_ms, "{}", path.display());
            }
        }
    }
}
