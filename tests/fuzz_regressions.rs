//! Inputs the fuzzers once crashed on (`tests/fixtures/fuzz/`), read as every
//! format: none may panic, and every line must be accounted for.

use themeline::ingest::{Format, IngestOptions, Ingested, read_bytes};

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

#[test]
fn crashers_are_read_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        for format in FORMATS {
            let options = IngestOptions {
                format,
                ..IngestOptions::default()
            };
            let mut ingested = Ingested::default();
            read_bytes("crasher", &bytes, &mut ingested, &options).unwrap();
            let lines = ingested.sources[0].lines;
            assert_eq!(
                lines.total,
                lines.accounted(),
                "{} as {format:?}",
                path.display()
            );
        }
    }
    assert!(files >= 2);
}
