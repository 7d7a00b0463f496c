//! Dated corpora end to end: a folder of real State of the Union addresses
//! (`tests/fixtures/sotu/`, thirteen addresses from 1790 to 2020, dated by their
//! file names) under calendar windows, bins and time zones.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn sotu() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sotu")
}

/// Runs the binary on the addresses and returns (terms.csv rows, windows.csv rows,
/// timeline.json).
fn run(args: &[&str]) -> (Vec<Vec<String>>, Vec<Vec<String>>, Value) {
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("themeline")
        .unwrap()
        .arg("run")
        .arg(sotu())
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let rows = |name: &str| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(out.path().join(name)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut rows = vec![header];
        rows.extend(
            reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect()),
        );
        rows
    };
    let json =
        serde_json::from_slice(&std::fs::read(out.path().join("timeline.json")).unwrap()).unwrap();
    (rows("terms.csv"), rows("windows.csv"), json)
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[i].as_str()).collect()
}

#[test]
fn decades_from_the_1790s_to_the_2020s() {
    let (terms, windows, json) = run(&["--window", "decade", "--tf", "sublinear", "--top", "5"]);
    assert_eq!(json["meta"]["time_axis"], "instant");
    assert_eq!(json["meta"]["statistics"]["documents"], 13);
    let labels = column(&windows, "label");
    assert_eq!(labels.len(), 24, "1790s to 2020s, empty decades included");
    assert_eq!((labels[0], labels[23]), ("1790s", "2020s"));
    assert_eq!(column(&windows, "start")[0], "1790-01-01T00:00:00Z");
    assert_eq!(column(&windows, "end")[23], "2030-01-01T00:00:00Z");
    // One address per sampled decade; 1810s, 1830s, ... are empty but present.
    let documents = column(&windows, "documents");
    assert_eq!(documents.iter().filter(|&&d| d == "1").count(), 13);
    assert_eq!(documents[1], "1", "1800-Adams-1");
    assert_eq!(documents[2], "0", "no 1810s address in the sample");
    assert_eq!(documents[3], "1", "1820-Monroe-1");
    // The last decade ends long after the last address (dated 2020-01-01).
    assert_eq!(column(&windows, "partial")[23], "true");
    assert_eq!(column(&windows, "partial")[0], "false");
    // Terms carry RFC 3339 window bounds too; each address's decade has terms.
    let term_starts: std::collections::BTreeSet<&str> =
        column(&terms, "start").into_iter().collect();
    assert_eq!(term_starts.len(), 13);
    // What each era talked about (sublinear tf reads best on long windows).
    let top = |decade: &str| -> Vec<&str> {
        let starts = column(&terms, "start");
        let labels = column(&terms, "label");
        starts
            .iter()
            .zip(labels)
            .filter(|(s, _)| s.starts_with(decade))
            .map(|(_, l)| l)
            .collect()
    };
    let eighteen60s = top("1860");
    assert!(
        eighteen60s.iter().any(|t| [
            "emancipation",
            "rebellion",
            "slaves",
            "insurgent",
            "insurgents"
        ]
        .contains(t)),
        "{eighteen60s:?}"
    );
    let two_thousands = top("2000");
    assert!(
        two_thousands
            .iter()
            .any(|t| ["terrorists", "terror", "afghanistan", "homeland"].contains(t)),
        "{two_thousands:?}"
    );
}

#[test]
fn years_quarters_and_time_zones() {
    let (_, windows, _) = run(&["--window", "year"]);
    let labels = column(&windows, "label");
    assert_eq!(labels.len(), 2020 - 1790 + 1);
    assert_eq!(labels[230], "2020");

    // A file-name year is 1 January at midnight *in the run's zone*: in
    // America/New_York that instant is 05:00 UTC.
    let (_, windows, json) = run(&["--window", "quarter", "--tz", "America/New_York"]);
    assert_eq!(json["meta"]["options"]["tz"], "America/New_York");
    assert_eq!(column(&windows, "label")[0], "1790-Q1");
    assert_eq!(
        column(&windows, "start")[0],
        "1790-01-01T04:56:02Z",
        "New York's local mean time in 1790"
    );
    assert_eq!(column(&windows, "label").last(), Some(&"2020-Q1"));
}

#[test]
fn equal_bins_by_time_and_by_tokens() {
    let (_, windows, _) = run(&["--bins", "4"]);
    assert_eq!(windows.len() - 1, 4);
    let documents: u64 = column(&windows, "documents")
        .iter()
        .map(|d| d.parse::<u64>().unwrap())
        .sum();
    assert_eq!(documents, 13);

    let (_, windows, _) = run(&["--bins", "4", "--bins-by", "tokens"]);
    let tokens: Vec<u64> = column(&windows, "tokens")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let total: u64 = tokens.iter().sum();
    assert_eq!(tokens.len(), 4);
    // Whole addresses cannot be split, so bins are only roughly equal.
    for t in &tokens {
        assert!(*t > total / 10 && *t < total * 6 / 10, "{tokens:?}");
    }
}

#[test]
fn durations_over_dates() {
    let (_, windows, _) = run(&["--window", "3650d"]);
    let labels = column(&windows, "label");
    assert_eq!(labels[0], "1790-01-01");
    assert_eq!(labels[1], "1799-12-30", "3650 days are not quite ten years");
}

#[test]
fn one_timeline_per_source() {
    let (terms, windows, _) = run(&["--window", "decade", "--group-by", "source"]);
    assert_eq!(windows[0][0], "source");
    assert_eq!(terms[0][0], "source");
    // Each address is its own one-window timeline.
    assert_eq!(windows.len() - 1, 13);
    assert!(
        column(&windows, "source")
            .iter()
            .all(|s| s.ends_with(".txt"))
    );
    assert!(column(&windows, "window").iter().all(|w| *w == "0"));
}

#[test]
fn without_a_window_dated_documents_get_decades_and_a_shard_must_choose() {
    // 1790 to 2020: years would be 231 windows, decades 24 (at most 50).
    let (_, windows, json) = run(&["--no-config"]);
    let labels = column(&windows, "label");
    assert_eq!(labels.first(), Some(&"1790s"));
    assert_eq!(labels.last(), Some(&"2020s"));
    assert_eq!(labels.len(), 24);
    assert_eq!(
        json["meta"]["options"]["window"], "decade",
        "the length chosen"
    );
    // The same decades as asked for by name.
    let (_, asked, _) = run(&["--no-config", "--window", "decade"]);
    assert_eq!(windows, asked);
    // A shard sees only its part of the span, so auto cannot choose for it.
    let out = tempfile::tempdir().unwrap();
    let refused = Command::cargo_bin("themeline")
        .unwrap()
        .args(["count", "--no-config", "--quiet"])
        .arg(sotu())
        .arg("--out")
        .arg(out.path().join("shard.json"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr);
    assert!(
        stderr.contains("auto") && stderr.contains("shard"),
        "{stderr}"
    );
    assert!(!out.path().join("shard.json").exists());
}
