//! The bundled transcript's story, as a listener would tell it, in the default run:
//! AI and machine learning early, security in the late 30s, developer experience
//! and documentation in the 40s.

use std::path::PathBuf;

use themeline::pipeline::WindowReport;
use themeline::{Config, Pipeline, Timeline};

fn default_run() -> Timeline {
    let transcript = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/kubecon-eu-2024-recap.txt"
    ));
    Pipeline::new(Config::default())
        .unwrap()
        .run(&[transcript])
        .unwrap()
}

fn window_at(timeline: &Timeline, minute: f64) -> &WindowReport {
    let t = (minute * 60_000.0) as i64;
    timeline
        .windows
        .iter()
        .find(|w| w.start_ms <= t && t < w.end_ms)
        .unwrap_or_else(|| panic!("no window contains minute {minute}"))
}

fn labels(window: &WindowReport) -> Vec<&str> {
    window.terms.iter().map(|t| t.label.as_str()).collect()
}

fn assert_has_any(timeline: &Timeline, minute: f64, wanted: &[&str]) {
    let window = window_at(timeline, minute);
    let top = labels(window);
    assert!(
        wanted.iter().any(|w| top.contains(w)),
        "window {} (to {} s, minute {minute}) top terms {top:?} lack all of {wanted:?}",
        window.label,
        window.end_ms / 1000
    );
}

#[test]
fn ai_and_ml_around_minute_8() {
    let timeline = default_run();
    assert_has_any(&timeline, 8.0, &["ai"]);
    assert_has_any(&timeline, 8.0, &["ml", "machine", "learning"]);
}

#[test]
fn security_leads_around_minute_37() {
    let timeline = default_run();
    let window = window_at(&timeline, 37.0);
    assert_eq!(window.terms[0].label, "security", "{:?}", labels(window));
    assert!(window.terms[0].count >= 10);
}

#[test]
fn developer_experience_around_minute_44() {
    let timeline = default_run();
    assert_has_any(
        &timeline,
        44.0,
        &["developer", "experience", "documentation"],
    );
    assert_has_any(&timeline, 44.0, &["experience"]);
}

#[test]
fn the_run_reads_the_whole_transcript() {
    let timeline = default_run();
    let stats = &timeline.meta.statistics;
    let source = &timeline.meta.inputs[0];
    assert_eq!(
        source.title.as_deref(),
        Some("KubeCon Europe 2024 Highlights")
    );
    assert!(
        source
            .description
            .as_deref()
            .unwrap()
            .contains("AI-generated transcript")
    );
    // Every line is metadata (title, description), blank, a stamp or text: nothing skipped.
    let l = &stats.lines;
    assert_eq!(l.total, l.metadata + l.blank + l.timing + l.text);
    assert_eq!((l.skipped, l.duplicate, l.records), (0, 0, 0));
    assert_eq!(l.metadata, 3);
    assert_eq!(stats.segments, l.timing);
    assert!(
        stats.diagnostics.is_empty(),
        "{:?}",
        timeline.meta.diagnostics
    );
    // The transcript runs to 1:01:10 (+10 s for the last segment): 13 five-minute windows.
    assert_eq!(timeline.windows.len(), 13);
    assert_eq!(timeline.windows.last().unwrap().end_ms, 3_900_000);
    assert_eq!(timeline.windows.last().unwrap().label, "1:00:00");
    assert!(stats.stage_directions["music"] >= 1);
    // Every window holds text and ranks its full quota of terms.
    for w in &timeline.windows {
        assert!(w.tokens > 0 && w.terms.len() == 10, "window {}", w.index);
    }
    // No stem reaches a label: labels are words that occur in the transcript.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/kubecon-eu-2024-recap.txt"
    ))
    .unwrap()
    .to_lowercase()
    .replace('’', "'");
    for term in timeline.windows.iter().flat_map(|w| &w.terms) {
        assert!(
            text.contains(&term.label),
            "label {:?} is not in the text",
            term.label
        );
    }
}
