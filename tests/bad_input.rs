//! Bad input, end to end through the binary: every case gets a message naming the
//! file (and line where there is one), a count in `timeline.json`, and a defined
//! exit code; nothing panics and no text disappears without a trace.
//!
//! Exit codes: 0 when the run completes (problems are warnings), 1 when it cannot
//! (no usable text, an unreadable path named on the command line, any problem under
//! `--strict`), 2 for usage errors.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

struct Run {
    code: i32,
    stderr: String,
    timeline: Option<Value>,
}

fn run(args: &[&str], inputs: &[&Path]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("themeline")
        .unwrap()
        .arg("run")
        .args(inputs)
        .args(args)
        .arg("--out")
        .arg(out.path())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    let timeline = std::fs::read(out.path().join("timeline.json"))
        .ok()
        .map(|bytes| serde_json::from_slice(&bytes).unwrap());
    Run {
        code: output.status.code().expect("exited normally"),
        stderr,
        timeline,
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A small valid transcript so runs with one bad file still have text.
fn good(dir: &Path) -> PathBuf {
    write(
        dir,
        "good.txt",
        b"Title\n0:00 security matters\n0:30 security again and ai\n",
    )
}

fn diagnostics(run: &Run) -> &Value {
    &run.timeline.as_ref().expect("timeline.json written")["meta"]["statistics"]["diagnostics"]
}

#[test]
fn invalid_utf8_is_repaired_with_a_warning_or_fails_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "latin1.txt",
        b"0:00 caf\xe9 security\n0:10 more security\n",
    );
    let lenient = run(&[], &[&bad]);
    assert_eq!(lenient.code, 0);
    assert!(
        lenient
            .stderr
            .contains(&format!("{}:1: invalid UTF-8", bad.display())),
        "{}",
        lenient.stderr
    );
    assert_eq!(diagnostics(&lenient)["invalid_utf8"], 1);
    let strict = run(&["--strict"], &[&bad]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains(&format!("error: {}:1: invalid UTF-8", bad.display()))
    );
    assert!(
        strict.timeline.is_none(),
        "no outputs under a strict failure"
    );
}

#[test]
fn empty_and_binary_files_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"");
    let binary = write(dir.path(), "image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let result = run(&[], &[&empty, &binary, &good(dir.path())]);
    assert_eq!(result.code, 0);
    assert!(
        result
            .stderr
            .contains(&format!("{}: empty file", empty.display()))
    );
    assert!(
        result
            .stderr
            .contains(&format!("{}: binary file", binary.display()))
    );
    let d = diagnostics(&result);
    assert_eq!(
        (d["empty_file"].as_u64(), d["binary_file"].as_u64()),
        (Some(1), Some(1))
    );
    let lines = &result.timeline.as_ref().unwrap()["meta"]["statistics"]["lines"];
    assert_eq!(lines["skipped"], 3, "the binary file's three lines");
    // Only empty or binary input: nothing to analyse.
    assert_eq!(run(&[], &[&empty, &binary]).code, 1);
}

#[test]
fn a_50_megabyte_single_line_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut line = b"0:00 ".to_vec();
    while line.len() < 50 * 1024 * 1024 {
        line.extend_from_slice(b"kubernetes security platform engineering ");
    }
    let huge = write(dir.path(), "one-line.txt", &line);
    let started = Instant::now();
    let result = run(&["--window", "1m"], &[&huge]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    let stats = &result.timeline.as_ref().unwrap()["meta"]["statistics"];
    assert_eq!(stats["segments"], 1);
    assert!(stats["tokens"].as_u64().unwrap() > 5_000_000);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn time_going_backwards_and_malformed_stamps_keep_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "talk.txt",
        b"0:10 alpha\n0:20 beta\n0:15 gamma\n0:7 delta\n0:30 epsilon\n",
    );
    let result = run(&["--min-count", "1"], &[&file]);
    assert_eq!(result.code, 0);
    assert!(
        result
            .stderr
            .contains(&format!("{}:3: time goes backwards", file.display()))
    );
    assert!(
        result
            .stderr
            .contains(&format!("{}:4: malformed timestamp", file.display()))
    );
    let timeline = result.timeline.unwrap();
    let labels: Vec<&str> = timeline["windows"][0]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    for word in ["alpha", "beta", "gamma", "delta", "epsilon"] {
        assert!(labels.contains(&word), "{word} lost: {labels:?}");
    }
}

#[test]
fn csv_rows_with_missing_columns_are_skipped_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "talks.csv",
        b"date,title,text\n2024-01-05,One,security talk\n2024-02-05\n2024-03-05,Three,\"ai talk,\nover two lines\"\n",
    );
    let result = run(&["--window", "month"], &[&csv]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stderr.contains(&format!("{}:3:", csv.display())),
        "{}",
        result.stderr
    );
    assert_eq!(diagnostics(&result)["missing_field"], 1);
    let stats = &result.timeline.as_ref().unwrap()["meta"]["statistics"];
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["lines"]["skipped"], 1);
}

#[test]
fn malformed_json_lines_are_skipped_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(
        dir.path(),
        "talks.jsonl",
        b"{\"date\": \"2024-01-05\", \"text\": \"security talk\"}\n{\"date\": \"2024-02-05\", \"text\": \n{\"date\": \"2024-03-05\", \"text\": \"ai talk\"}\n",
    );
    let result = run(&["--window", "month"], &[&jsonl]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stderr.contains(&format!("{}:2:", jsonl.display())),
        "{}",
        result.stderr
    );
    assert_eq!(diagnostics(&result)["malformed_record"], 1);
    assert_eq!(
        result.timeline.as_ref().unwrap()["meta"]["statistics"]["documents"],
        2
    );
    assert_eq!(run(&["--strict"], &[&jsonl]).code, 1);
}

#[test]
fn unknown_formats_are_skipped_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let prose = write(
        dir.path(),
        "notes.txt",
        b"Some prose.\nNo dates, no stamps.\n",
    );
    let result = run(&[], &[&prose, &good(dir.path())]);
    assert_eq!(result.code, 0);
    assert!(
        result
            .stderr
            .contains(&format!("{}: unknown format", prose.display()))
    );
    assert!(result.stderr.contains("--input-format"));
    assert_eq!(diagnostics(&result)["unknown_format"], 1);
}

#[test]
fn unreadable_paths() {
    let dir = tempfile::tempdir().unwrap();
    // Named on the command line: the run cannot do what was asked.
    let missing = dir.path().join("missing.txt");
    let result = run(&[], &[&missing]);
    assert_eq!(result.code, 1);
    assert!(
        result
            .stderr
            .contains(&format!("error: {}: ", missing.display()))
    );
    // Inside a directory: skipped with a warning, the rest is read.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    good(&folder);
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), folder.join("dangling.txt"))
        .unwrap();
    let result = run(&[], &[&folder]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stderr.contains("dangling.txt: cannot read"),
        "{}",
        result.stderr
    );
    assert_eq!(diagnostics(&result)["unreadable_file"], 1);
}

#[test]
fn a_directory_with_no_usable_file_fails_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "slides.pdf", b"%PDF-1.4");
    write(dir.path(), "notes.txt", b"undated prose\n");
    let result = run(&[], &[dir.path()]);
    assert_eq!(result.code, 1);
    assert!(
        result.stderr.contains("slides.pdf: not read"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("notes.txt: unknown format"));
    assert!(result.stderr.contains("error: no text to analyse"));
}

#[test]
fn mixing_recordings_with_dated_documents_needs_an_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let talk = good(dir.path());
    let doc = write(
        dir.path(),
        "2024-03-21-notes.txt",
        b"notes about security\n",
    );
    let mixed = run(&[], &[&talk, &doc]);
    assert_eq!(mixed.code, 1);
    assert!(mixed.stderr.contains("--start"), "{}", mixed.stderr);
    let anchored = run(
        &["--start", "2024-03-20T09:00:00Z", "--window", "day"],
        &[&talk, &doc],
    );
    assert_eq!(anchored.code, 0, "{}", anchored.stderr);
    let windows = anchored.timeline.unwrap()["windows"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(windows, 2);
    let bad_anchor = run(&["--start", "next tuesday"], &[&talk]);
    assert_eq!(bad_anchor.code, 2);
}

#[test]
fn calendar_windows_on_recordings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let result = run(&["--window", "month"], &[&good(dir.path())]);
    assert_eq!(result.code, 1);
    assert!(
        result.stderr.contains("--window month needs dated input"),
        "{}",
        result.stderr
    );
}

#[test]
fn every_skipped_line_is_counted_by_reason() {
    let dir = tempfile::tempdir().unwrap();
    let binary = write(dir.path(), "image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let prose = write(dir.path(), "notes.txt", b"Some prose.\nNo dates.\n");
    let jsonl = write(
        dir.path(),
        "talks.jsonl",
        b"{\"date\": \"2024-01-05\", \"text\": \"security talk\"}\n{\"date\": \n\
          {\"date\": \"someday\", \"text\": \"x\"}\n{\"text\": \"no date\"}\n",
    );
    let vtt = write(
        dir.path(),
        "captions.vtt",
        b"WEBVTT\n\n00:01.000 --> 00:02.000\nsecurity\n\n00:0x.000 --> 00:03.000\nlost\ncue\n",
    );
    let good = good(dir.path());
    let inputs = [&binary, &prose, &jsonl, &vtt, &good].map(PathBuf::as_path);
    let result = run(
        &["--start", "2024-01-01T00:00:00Z", "--window", "month"],
        &inputs,
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    let meta = &result.timeline.as_ref().unwrap()["meta"];
    let by_reason: Vec<&Value> = meta["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| &input["skipped_lines"])
        .collect();
    assert_eq!(*by_reason[0], serde_json::json!({"binary_file": 3}));
    assert_eq!(*by_reason[1], serde_json::json!({"unknown_format": 2}));
    assert_eq!(
        *by_reason[2],
        serde_json::json!({"malformed_timestamp": 1, "malformed_record": 1, "missing_field": 1})
    );
    assert_eq!(*by_reason[3], serde_json::json!({"malformed_timestamp": 3}));
    assert!(by_reason[4].is_null(), "nothing skipped: {}", by_reason[4]);
    // Per input, and over the run, the reasons add up to the skipped lines.
    for input in meta["inputs"].as_array().unwrap() {
        let reasons: u64 = input["skipped_lines"]
            .as_object()
            .map_or(0, |m| m.values().map(|v| v.as_u64().unwrap()).sum());
        assert_eq!(reasons, input["lines"]["skipped"].as_u64().unwrap());
    }
    assert_eq!(meta["statistics"]["lines"]["skipped"], 3 + 2 + 3 + 3);
    assert_eq!(
        meta["statistics"]["skipped_lines"],
        serde_json::json!({"binary_file": 3, "unknown_format": 2, "malformed_timestamp": 4,
            "malformed_record": 1, "missing_field": 1})
    );
    assert!(
        result.stderr.contains(
            "lines skipped: 3 by binary_file, 1 by malformed_record, 4 by malformed_timestamp, \
             1 by missing_field, 2 by unknown_format"
        ),
        "{}",
        result.stderr
    );
    // Each skip is a diagnostic, summarised by kind on stderr.
    assert!(
        result.stderr.contains(
            "input problems: 1 binary_file, 1 malformed_record, 2 malformed_timestamp, \
             1 missing_field, 1 unknown_format"
        ),
        "{}",
        result.stderr
    );
}

#[test]
fn too_many_windows_fail_and_name_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(
        dir.path(),
        "talks.jsonl",
        b"{\"date\": \"0001-01-01\", \"text\": \"a stray date\"}\n{\"date\": \"2024-03-20\", \"text\": \"security talk\"}\n",
    );
    let result = run(&["--window", "5m"], &[&jsonl]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(
        result.stderr.contains("windows (at most 1000000)")
            && result.stderr.contains("0001")
            && result.stderr.contains("2024"),
        "{}",
        result.stderr
    );
    assert!(result.timeline.is_none());
}

#[test]
fn outputs_that_cannot_be_written_fail() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write(dir.path(), "not-a-directory", b"");
    let output = Command::cargo_bin("themeline")
        .unwrap()
        .arg("run")
        .arg(good(dir.path()))
        .arg("--out")
        .arg(blocker.join("out"))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: ") && stderr.contains("not-a-directory"),
        "{stderr}"
    );
}
