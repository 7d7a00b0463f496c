//! Shared checks for the fuzz targets: the invariants every reader must keep.

use themeline::ingest::{Format, IngestOptions, Ingested, read_bytes};
use themeline::{Config, Pipeline};

/// Reads `data` as `format` (detected when `None`) and checks the invariants:
/// no error outside `--strict`, every line accounted for, segments well formed.
pub fn check_reader(format: Option<Format>, data: &[u8]) {
    let options = IngestOptions {
        format,
        ..IngestOptions::default()
    };
    let mut ingested = Ingested::default();
    read_bytes("fuzz-input", data, &mut ingested, &options).expect("lenient reading never fails");
    check(&ingested);
}

fn check(ingested: &Ingested) {
    for source in &ingested.sources {
        assert_eq!(
            source.lines.total,
            source.lines.accounted(),
            "{:?}",
            source.lines
        );
        assert_eq!(
            source.lines.skipped,
            source.skipped_lines.values().sum::<u64>(),
            "{:?}",
            source.skipped_lines
        );
        assert_eq!(source.segments as usize, ingested.segments.len());
    }
    for segment in &ingested.segments {
        assert!(segment.end >= segment.start, "{segment:?}");
        assert!(segment.line >= 1);
    }
}

/// Runs the whole pipeline on `data` with a detected format. Errors (no text,
/// too many windows) are fine; panics are not.
pub fn check_pipeline(data: &[u8]) {
    let pipeline = Pipeline::new(Config {
        min_count: 1,
        ..Config::default()
    })
    .expect("default options are valid");
    let mut ingested = Ingested::default();
    read_bytes(
        "fuzz-input",
        data,
        &mut ingested,
        &pipeline.config().ingest_options(),
    )
    .expect("lenient reading never fails");
    check(&ingested);
    if let Ok(timeline) = pipeline.run_ingested(ingested) {
        for window in &timeline.windows {
            assert!(window.start_ms < window.end_ms);
            assert!(window.terms.windows(2).all(|p| p[0].score >= p[1].score));
        }
    }
}
