//! The `themeline` binary end to end: defaults, outputs, determinism, bad input and
//! exit codes (0 success, 1 runtime failure, 2 usage).

use std::path::Path;

use assert_cmd::Command;

mod common;
use common::{root, themeline};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const OUTPUTS: [&str; 7] = [
    "terms.csv",
    "windows.csv",
    "themes.csv",
    "shifts.csv",
    "timeline.json",
    "report.html",
    "timeline.vl.json",
];

#[test]
fn committed_output_is_what_the_default_run_writes() {
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    for name in OUTPUTS {
        assert!(
            read(&out.path().join(name)) == read(&root().join("output").join(name)),
            "output/{name} is stale: regenerate it with `cargo run --release` and commit it"
        );
    }
}

#[test]
fn bare_invocation_reads_data_and_writes_output() {
    // A fresh directory with what the default run needs: the config file, the
    // transcript and the alias table it names.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data/aliases")).unwrap();
    std::fs::create_dir_all(dir.path().join("data/themes")).unwrap();
    for file in [
        "data/themeline.toml",
        "data/kubecon-eu-2024-recap.txt",
        "data/aliases/cloud-native.toml",
        "data/themes/cloud-native.toml",
    ] {
        std::fs::copy(root().join(file), dir.path().join(file)).unwrap();
    }
    let assert = Command::cargo_bin("themeline")
        .unwrap()
        .current_dir(dir.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("13 windows"), "{stderr}");
    for name in OUTPUTS {
        assert!(
            read(&dir.path().join("output").join(name)) == read(&root().join("output").join(name)),
            "{name} differs from the committed output"
        );
    }
}

/// Runs `args` with 1, 2 and 3 threads and checks every output is the same.
fn assert_same_for_any_thread_count(args: &[&str]) {
    let runs: Vec<tempfile::TempDir> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let out = tempfile::tempdir().unwrap();
            themeline()
                .args(args)
                .args(["--threads", threads, "--out"])
                .arg(out.path())
                .assert()
                .success();
            out
        })
        .collect();
    for name in OUTPUTS {
        let first = read(&runs[0].path().join(name));
        assert!(first.len() > 500, "{name} is too small to be a real check");
        for run in &runs[1..] {
            assert!(
                read(&run.path().join(name)) == first,
                "{name} differs across thread counts ({args:?})"
            );
        }
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    assert_same_for_any_thread_count(&[
        "run", "data", "--quiet", "--window", "2m", "--step", "1m", "--top", "0",
    ]);
}

#[test]
fn discovered_themes_and_keyness_are_identical_for_any_thread_count() {
    assert_same_for_any_thread_count(&[
        "run",
        "tests/fixtures/sotu",
        "--no-config",
        "--quiet",
        "--window",
        "decade",
        "--discover",
        "6",
        "--score",
        "logodds",
        "--smooth",
        "2",
    ]);
    assert_same_for_any_thread_count(&[
        "run",
        "data",
        "--quiet",
        "--discover",
        "8",
        "--score",
        "bm25",
        "--as-of",
    ]);
}

#[test]
fn terms_csv_has_the_documented_columns_and_sliding_windows() {
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args([
            "run",
            "data/kubecon-eu-2024-recap.txt",
            "-q",
            "--window",
            "6m",
            "--step",
            "3m",
            "--top",
            "3",
        ])
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let text = String::from_utf8(read(&out.path().join("terms.csv"))).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("window,start,end,rank,term,label,score,count")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 1:01:10 of audio in 6-minute windows every 3 minutes: 21 windows, 3 terms each.
    assert_eq!(rows.len(), 21 * 3);
    assert_eq!(&rows[3][..4], ["1", "180", "540", "1"]);
    for row in &rows {
        let score: f64 = row[6].parse().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{row:?}");
        assert!(row[7].parse::<u64>().unwrap() >= 1);
    }
}

#[test]
fn messy_input_is_repaired_reported_and_counted() {
    let out = tempfile::tempdir().unwrap();
    let assert = themeline()
        .args([
            "run",
            "tests/fixtures/messy-transcript.txt",
            "--window",
            "30s",
            "--min-count",
            "1",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for expected in [
        "warning: tests/fixtures/messy-transcript.txt:11: time goes backwards: 0:00:45 comes after 0:00:51",
        "warning: tests/fixtures/messy-transcript.txt:14: malformed timestamp",
        "warning: tests/fixtures/messy-transcript.txt:21: invalid UTF-8",
        "input problems: 1 invalid_utf8, 1 malformed_timestamp, 1 time_backwards",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&read(&out.path().join("timeline.json"))).unwrap();
    let stats = &json["meta"]["statistics"];
    assert_eq!(stats["diagnostics"]["time_backwards"], 1);
    assert_eq!(stats["lines"]["total"], 21);
    assert_eq!(stats["lines"]["metadata"], 1);
    assert_eq!(stats["lines"]["timing"], 9);
    assert_eq!(stats["lines"]["text"], 2);
    assert_eq!(stats["lines"]["skipped"], 0);
    assert_eq!(json["meta"]["diagnostics"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["meta"]["inputs"][0]["title"],
        "KubeCon Europe 2024 Highlights (messy copy)"
    );
    // The repaired and moved text still counts: "experience" (backwards line) and
    // "intros" (the line after a bare stamp) are terms.
    let terms: Vec<&str> = json["windows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["terms"].as_array().unwrap())
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert!(
        terms.contains(&"experience") && terms.contains(&"intros"),
        "{terms:?}"
    );
}

#[test]
fn strict_fails_with_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args([
            "run",
            "tests/fixtures/messy-transcript.txt",
            "--strict",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "error: tests/fixtures/messy-transcript.txt:21: invalid UTF-8",
        ));
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no partial outputs"
    );
}

#[test]
fn runtime_failures_exit_1() {
    themeline()
        .args(["run", "no/such/file.txt"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("error: no/such/file.txt: "));
    let dir = tempfile::tempdir().unwrap();
    let prose = dir.path().join("prose.txt");
    std::fs::write(&prose, "A paragraph with no timestamps.\nAnother line.\n").unwrap();
    themeline()
        .arg("run")
        .arg(&prose)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "unknown format: not a transcript, captions, JSON, CSV or dated document; skipped 2 lines",
        ))
        .stderr(predicates::str::contains("error: no text to analyse"));
}

#[test]
fn usage_errors_exit_2() {
    themeline()
        .args(["run", "--window", "5x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("\"5x\""));
    themeline().args(["run", "--tf", "log"]).assert().code(2);
    themeline()
        .args(["run", "--language", "klingon"])
        .assert()
        .code(2);
    themeline().arg("--no-such-flag").assert().code(2);
}

#[test]
fn invalid_option_combinations_are_usage_errors_with_a_reason() {
    themeline()
        .args([
            "run",
            "--window",
            "5m",
            "--step",
            "10m",
            "--out",
            "/nonexistent/never",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value for step"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let assert = themeline().args(["run", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for expected in [
        "Examples:",
        "--window",
        "--step",
        "--top",
        "--language",
        "--threads",
        "Exit codes",
    ] {
        assert!(help.contains(expected), "{expected} missing from help");
    }
}

#[test]
fn inspect_prints_window_counts_as_json_lines() {
    let assert = themeline()
        .args(["inspect", "data", "--what", "counts"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[7]["start_ms"], 2_100_000);
    assert!(rows[7]["counts"]["secur"].as_u64().unwrap() >= 10);
}

#[test]
fn inspect_segments_show_the_parsed_text() {
    let assert = themeline()
        .args([
            "inspect",
            "data/kubecon-eu-2024-recap.txt",
            "--what",
            "segments",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["start"], 10_000);
    assert_eq!(first["text"], "[Music]");
    let glued: serde_json::Value = serde_json::from_str(stdout.lines().nth(5).unwrap()).unwrap();
    assert_eq!(glued["start"], 51_000);
    assert!(glued["text"].as_str().unwrap().starts_with("12,000 people"));
}

#[test]
fn the_readme_excerpts_are_real_output() {
    let readme = String::from_utf8(read(&root().join("README.md"))).unwrap();
    let outputs: String = ["terms.csv", "shifts.csv", "themes.csv"]
        .iter()
        .map(|name| String::from_utf8(read(&root().join("output").join(name))).unwrap())
        .collect();
    let blocks: Vec<&str> = readme
        .split("```csv\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(
        blocks.len() >= 2,
        "README has csv excerpts of terms and shifts"
    );
    let mut checked = 0;
    for line in blocks.iter().flat_map(|b| b.lines()) {
        assert!(
            outputs.lines().any(|l| l == line),
            "README line {line:?} is in none of output/terms.csv, shifts.csv, themes.csv"
        );
        checked += 1;
    }
    assert!(checked > 20);
}

#[test]
fn every_format_runs_from_the_command_line() {
    for (fixture, args) in [
        (
            "rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt",
            vec!["--window", "1m"],
        ),
        (
            "rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt",
            vec!["--window", "1m", "--step", "30s"],
        ),
        ("kubecon-rolling.vtt", vec!["--bins", "5"]),
        (
            "kubecon-progressive.srt",
            vec!["--bins", "4", "--bins-by", "tokens"],
        ),
        ("kubecon-youtube.json", vec!["--window", "10m"]),
        (
            "pyvideo-sample.jsonl",
            vec![
                "--window",
                "year",
                "--text-col",
                "title",
                "--text-col",
                "description",
            ],
        ),
        (
            "pyvideo-sample.csv",
            vec![
                "--window",
                "quarter",
                "--text-col",
                "title",
                "--time-col",
                "recorded",
            ],
        ),
        ("sotu", vec!["--window", "decade"]),
    ] {
        let out = tempfile::tempdir().unwrap();
        themeline()
            .arg("run")
            .arg(root().join("tests/fixtures").join(fixture))
            .args(&args)
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        let terms = String::from_utf8(read(&out.path().join("terms.csv"))).unwrap();
        assert!(
            terms.lines().count() > 10,
            "{fixture} {args:?}: too few term rows"
        );
    }
}

#[test]
fn start_anchored_windows_begin_at_the_anchor_not_midnight() {
    // The dashboard recipe: the recording began at 09:00, so its first window
    // starts there and none of the windows is an empty stretch before it.
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args([
            "run",
            "--quiet",
            "data/kubecon-eu-2024-recap.txt",
            "--start",
            "2024-03-20T09:00:00Z",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let csv = String::from_utf8(read(&out.path().join("windows.csv"))).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (start, tokens) = (col("start"), col("tokens"));
    let rows: Vec<Vec<&str>> = rows.map(|r| r.split(',').collect()).collect();
    assert!(rows.len() > 1, "{csv}");
    assert_eq!(rows[0][start], "2024-03-20T09:00:00Z", "{csv}");
    let empty = rows.iter().filter(|r| r[tokens] == "0").count();
    assert!(
        empty * 10 < rows.len(),
        "{empty} of {} windows empty: {csv}",
        rows.len()
    );
}

#[test]
fn readme_state_of_the_union_example_runs_from_the_repository() {
    // The README's command as written (its corpus ships in examples/sotu), with
    // only the output folder moved to a temporary directory.
    let readme = String::from_utf8(read(&root().join("README.md"))).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- run examples/sotu/speeches"))
        .expect("the README's State of the Union example");
    let mut args: Vec<&str> = line.split_whitespace().skip(4).collect();
    let out_flag = args.iter().position(|a| *a == "--out").unwrap();
    args.truncate(out_flag);
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args(&args)
        .arg("--quiet")
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let csv = String::from_utf8(read(&out.path().join("windows.csv"))).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|r| r.split(',').collect())
        .collect();
    // 1790s to 2020s, and every one of the 249 addresses read.
    assert_eq!(rows.len(), 24, "{csv}");
    assert_eq!(rows[0][3], "1790s");
    let documents: u64 = rows.iter().map(|r| r[4].parse::<u64>().unwrap()).sum();
    assert_eq!(documents, 249, "{csv}");
}
