//! Shared checks for the fuzz targets: the invariants every reader must keep.

use std::sync::OnceLock;
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

/// The longest span, in five-minute windows, that the pipeline target runs with
/// the default `--window 5m`. A run near the 1,000,000-window cap is legitimate but
/// takes about ten seconds under the sanitizer (a dated file spanning seven years
/// has 740,000 windows), and a few such inputs took most of the target's time;
/// longer spans run with `--bins 12` instead, so they still go through every stage.
const MAX_FIVE_MINUTE_WINDOWS: i64 = 20_000;

/// Runs the whole pipeline on `data` with a detected format. Errors (no text,
/// too many windows) are fine; panics are not.
pub fn check_pipeline(data: &[u8]) {
    // Built once: compiling the protected-token patterns took more than half of
    // each run's time when the pipeline was built per input.
    static DEFAULT: OnceLock<Pipeline> = OnceLock::new();
    static BINNED: OnceLock<Pipeline> = OnceLock::new();
    let build = |bins| {
        Pipeline::new(Config {
            min_count: 1,
            bins,
            ..Config::default()
        })
        .expect("valid options")
    };
    let default = DEFAULT.get_or_init(|| build(None));
    let mut ingested = Ingested::default();
    read_bytes(
        "fuzz-input",
        data,
        &mut ingested,
        &default.config().ingest_options(),
    )
    .expect("lenient reading never fails");
    check(&ingested);
    let first = ingested.segments.iter().map(|s| s.start).min();
    let last = ingested.segments.iter().map(|s| s.end).max();
    let span = last
        .zip(first)
        .map_or(0, |(last, first)| last.saturating_sub(first));
    let pipeline = if span / 300_000 > MAX_FIVE_MINUTE_WINDOWS {
        BINNED.get_or_init(|| build(Some(12)))
    } else {
        default
    };
    if let Ok(timeline) = pipeline.run_corpus(ingested.into()) {
        for window in &timeline.windows {
            assert!(window.start_ms < window.end_ms);
            assert!(window.terms.windows(2).all(|p| p[0].score >= p[1].score));
        }
    }
}
