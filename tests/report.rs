//! `report.html` and `timeline.vl.json` end to end: the binary's default run on the
//! bundled transcript, a dated corpus, per-source timelines, a run without themes
//! and one of thousands of windows; and the same bytes from separate processes
//! with any thread count, which is the determinism that matters (one process
//! rendering a timeline twice would hide anything seeded per process).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::root;

/// Runs `themeline run ARGS --quiet --out TMP` from the repository root.
fn run(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("themeline")
        .unwrap()
        .current_dir(root())
        .arg("run")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    out
}

fn text(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The rows of a CSV file, header first.
fn rows(dir: &Path, name: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
    let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
    rows.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect()),
    );
    rows
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn the_default_report_charts_every_theme_and_the_strongest_dominant_shifts() {
    let out = run(&[]);
    let html = text(out.path(), "report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>KubeCon Europe 2024 Highlights</h1>"));
    // Self-contained: no script, nothing fetched.
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
    assert!(!html.contains("<link") && !html.contains("@import"));

    let themes = rows(out.path(), "themes.csv");
    let names: Vec<&str> = themes[1..]
        .iter()
        .filter(|r| r[0] == "0")
        .map(|r| r[3].as_str())
        .collect();
    assert_eq!(names.len(), 9, "{names:?}");
    assert_eq!(html.matches("<path class=\"band ").count(), names.len());
    for name in &names {
        assert!(
            html.contains(&format!("<title>{}: mean share", escape(name))),
            "{name}"
        );
    }

    let shifts = rows(out.path(), "shifts.csv");
    let dominant: Vec<&Vec<String>> = shifts[1..].iter().filter(|r| r[1] == "dominant").collect();
    assert!(dominant.len() >= 3, "{dominant:?}");
    // The strongest are charted, as many as have room for their labels (the
    // page says how many), and every one is in the shift table.
    let drawn = html.matches("<g class=\"shift\">").count();
    assert!((3..=dominant.len()).contains(&drawn), "{drawn} drawn");
    if drawn < dominant.len() {
        assert!(html.contains(&format!(
            "The dashed lines mark the {drawn} strongest of {} new dominant themes",
            dominant.len()
        )));
    }
    let strength = |r: &Vec<String>| r[5].parse::<f64>().unwrap().abs();
    let strongest = dominant
        .iter()
        .max_by(|a, b| strength(a).total_cmp(&strength(b)))
        .unwrap();
    let label = format!("{} → {}", strongest[3], strongest[4]);
    assert!(
        html.contains(&format!(">{}</text></g>", escape(&label))),
        "{label}"
    );
    for row in &dominant {
        let label = format!("{} → {}", row[3], row[4]);
        assert!(
            html.contains(&format!("<td>{}</td>", escape(&label))),
            "{label}"
        );
    }
    // A heat-table row per window, with the labels of windows.csv.
    let windows = rows(out.path(), "windows.csv");
    for window in &windows[1..] {
        assert!(html.contains(&format!("<th class=\"win\">{}</th>", window[3])));
    }
    let terms = rows(out.path(), "terms.csv");
    assert!(html.contains(&format!(">{}</td>", escape(&terms[1][5]))));
    // Options and statistics.
    assert!(html.contains("data/themes/cloud-native.toml"));
    let timeline: Value = serde_json::from_str(&text(out.path(), "timeline.json")).unwrap();
    let tokens = &timeline["meta"]["statistics"]["tokens"];
    assert!(html.contains(&format!(
        "<tr><th>tokens</th><td class=\"num\">{tokens}</td></tr>"
    )));

    // Byte-identical for a second run, in another process.
    let again = run(&[]);
    assert!(text(again.path(), "report.html") == html);
    assert!(text(again.path(), "timeline.vl.json") == text(out.path(), "timeline.vl.json"));
}

#[test]
fn the_vega_lite_spec_reads_the_columns_of_themes_csv() {
    let out = run(&[]);
    let spec: Value = serde_json::from_str(&text(out.path(), "timeline.vl.json")).unwrap();
    assert_eq!(
        spec["$schema"],
        "https://vega.github.io/schema/vega-lite/v5.json"
    );
    assert_eq!(spec["data"]["url"], "themes.csv");
    let header = &rows(out.path(), "themes.csv")[0];
    for (channel, field) in [("x", "start"), ("y", "share"), ("color", "theme")] {
        assert_eq!(spec["encoding"][channel]["field"], field);
        assert!(
            header.iter().any(|c| c == field),
            "{field} not in {header:?}"
        );
    }
    assert_eq!(spec["encoding"]["x"]["type"], "quantitative");
    assert_eq!(spec["encoding"]["color"]["scale"]["domain"][0], "AI/ML");
    assert!(spec["layer"][1]["encoding"]["tooltip"].is_array());
}

#[test]
fn a_dated_corpus_is_labelled_by_decade_on_a_temporal_axis() {
    let out = run(&[
        "tests/fixtures/sotu",
        "--no-config",
        "--window",
        "decade",
        "--discover",
        "4",
    ]);
    let html = text(out.path(), "report.html");
    assert!(html.contains(">1790s</text>") && html.contains("<th class=\"win\">1860s</th>"));
    assert_eq!(html.matches("<path class=\"band ").count(), 4);
    let spec: Value = serde_json::from_str(&text(out.path(), "timeline.vl.json")).unwrap();
    assert_eq!(spec["encoding"]["x"]["type"], "temporal");
}

#[test]
fn per_source_timelines_get_one_chart_each() {
    let out = run(&[
        "data/kubecon-eu-2024-recap.txt",
        "tests/fixtures/kubecon-youtube.json",
        "--group-by",
        "source",
    ]);
    let html = text(out.path(), "report.html");
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    assert!(html.contains("<h2>data/kubecon-eu-2024-recap.txt"));
    assert!(html.contains("<h2>tests/fixtures/kubecon-youtube.json"));
    let spec: Value = serde_json::from_str(&text(out.path(), "timeline.vl.json")).unwrap();
    assert_eq!(spec["facet"]["row"]["field"], "source");
    assert_eq!(rows(out.path(), "themes.csv")[0][0], "source");
}

#[test]
fn a_run_without_themes_says_so_instead_of_charting() {
    let out = run(&["--discover", "0"]);
    let html = text(out.path(), "report.html");
    assert!(!html.contains("<svg"));
    assert!(html.contains("This timeline has no themes"));
    assert!(html.contains("<table class=\"heat\">"));
}

/// The outputs people compare by eye or by diff, of `args` run with `threads`.
fn outputs(args: &[&str], threads: &str) -> Vec<(&'static str, String)> {
    let out = run(&[args, &["--threads", threads]].concat());
    ["report.html", "timeline.vl.json", "timeline.json"]
        .into_iter()
        .map(|name| (name, text(out.path(), name)))
        .collect()
}

#[test]
fn reports_are_byte_identical_across_processes_and_thread_counts() {
    let runs: [&[&str]; 4] = [
        &[],
        &[
            "tests/fixtures/sotu",
            "--no-config",
            "--window",
            "decade",
            "--discover",
            "4",
        ],
        &[
            "data/kubecon-eu-2024-recap.txt",
            "tests/fixtures/kubecon-youtube.json",
            "--group-by",
            "source",
        ],
        // More windows than the chart has columns.
        &["--no-config", "data", "--bins", "3000"],
    ];
    for args in runs {
        let one = outputs(args, "1");
        let two = outputs(args, "2");
        for ((name, a), (_, b)) in one.iter().zip(&two) {
            assert!(a == b, "{name} of {args:?} differs between processes");
        }
    }
}

#[test]
fn thousands_of_windows_give_a_bounded_page_that_says_they_are_aggregated() {
    let out = run(&["--no-config", "data", "--bins", "3000"]);
    let windows = rows(out.path(), "windows.csv").len() - 1;
    assert!(windows > 2000, "{windows}");
    let html = text(out.path(), "report.html");
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
    let columns = html.matches("<rect class=\"col\"").count();
    assert!((500..=1000).contains(&columns), "{columns}");
    assert_eq!(html.matches("<th class=\"win\">").count(), columns);
    let per = windows.div_ceil(columns);
    assert!(html.contains(&format!(
        "<b>{windows} windows shown as {columns} columns of {} windows each</b>",
        per.next_power_of_two()
    )));
    // The spec reads themes.csv and holds no window of its own.
    assert!(text(out.path(), "timeline.vl.json").len() < 10_000);
}

/// `--bins 1000000` on the bundled transcript (920,000 windows) once took a
/// 1.4 GB allocation for the page alone (about 9 s and 1.4 GB for the run).
#[test]
fn a_million_bins_give_a_page_of_a_few_megabytes() {
    let out = run(&["--no-config", "data", "--bins", "1000000"]);
    let html = text(out.path(), "report.html");
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
    assert!(html.contains(" windows shown as "));
}
