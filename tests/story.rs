//! The bundled transcript's story, as a listener would tell it, in the default run:
//! AI and machine learning early, security in the late 30s, developer experience
//! and documentation in the 40s.

use std::path::PathBuf;

use themeline::config_file::ConfigFile;
use themeline::timeline::WindowReport;
use themeline::{Config, Pipeline, Timeline};

/// The default run: `data/` with the options of `data/themeline.toml`.
fn default_run() -> Timeline {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let file = ConfigFile::load(&root.join("data/themeline.toml")).unwrap();
    let mut config = Config::default();
    file.apply(&mut config);
    Pipeline::new(config)
        .unwrap()
        .run(&[root.join("data")])
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
    assert_has_any(&timeline, 8.0, &["AI"]);
    assert_has_any(&timeline, 8.0, &["ML", "machine learning"]);
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
    assert_has_any(&timeline, 44.0, &["developer experience"]);
    assert_has_any(&timeline, 44.0, &["DX", "documentation", "developer"]);
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
    // No stem reaches a label: every label is a word or phrase of the transcript
    // (compared without case), or a canonical form an alias repaired into it.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/kubecon-eu-2024-recap.txt"
    ))
    .unwrap()
    .to_lowercase()
    .replace('’', "'");
    let repaired = &timeline.meta.statistics.repairs;
    for term in timeline.windows.iter().flat_map(|w| &w.terms) {
        assert!(
            text.contains(&term.label.to_lowercase()) || repaired.contains_key(&term.label),
            "label {:?} is not in the text",
            term.label
        );
    }
}

#[test]
fn no_misspelling_in_the_alias_table_reaches_a_label() {
    let timeline = default_run();
    let table: std::collections::BTreeMap<String, Vec<String>> = toml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/aliases/cloud-native.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    let variants: Vec<String> = table
        .iter()
        .flat_map(|(canonical, variants)| {
            variants
                .iter()
                .filter(move |v| !v.eq_ignore_ascii_case(canonical))
        })
        .map(|v| v.to_lowercase())
        .collect();
    let mut labels = 0;
    for term in timeline.windows.iter().flat_map(|w| &w.terms) {
        labels += 1;
        let label = term.label.to_lowercase();
        assert!(
            !variants.contains(&label),
            "misspelling {label:?} reached a label"
        );
        for word in label.split(' ') {
            assert!(
                !variants.contains(&word.to_string()),
                "misspelling {word:?} in label {label:?}"
            );
        }
    }
    assert!(labels >= 100);
    // And the repairs happened: KubeCon is a term, with what it was repaired from.
    let kubecon = timeline
        .terms
        .iter()
        .find(|t| t.label == "KubeCon")
        .expect("KubeCon ranks somewhere");
    assert!(kubecon.repaired_from.iter().any(|f| f.form == "cubec con"));
    assert!(timeline.meta.statistics.repairs["KubeCon"]["cucon"] >= 10);
}

#[test]
fn the_phrases_a_listener_would_name_are_found() {
    let timeline = default_run();
    let phrases: Vec<&str> = timeline
        .meta
        .statistics
        .phrases
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    for expected in [
        "developer experience",
        "platform engineering",
        "service mesh",
        "machine learning",
    ] {
        assert!(
            phrases.contains(&expected),
            "{expected} missing from {phrases:?}"
        );
    }
    // A phrase's words do not also count where the phrase does.
    let window = window_at(&timeline, 44.0);
    let phrase = window
        .terms
        .iter()
        .find(|t| t.label == "developer experience")
        .unwrap();
    assert!(
        !window
            .terms
            .iter()
            .any(|t| t.label == "experience" && t.count >= phrase.count)
    );
}

#[test]
fn labels_keep_the_case_people_write() {
    let timeline = default_run();
    let labels: std::collections::BTreeSet<&str> = timeline
        .windows
        .iter()
        .flat_map(|w| w.terms.iter().map(|t| t.label.as_str()))
        .collect();
    for expected in ["AI", "ML", "OpenTelemetry", "CNCF", "KubeCon", "security"] {
        assert!(labels.contains(expected), "{expected} missing");
    }
    assert!(!labels.contains("ai") && !labels.contains("Security"));
}
