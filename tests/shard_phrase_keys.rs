//! A phrase candidate holding a word that is also a connector word must survive
//! the candidate file (`themeline mine` -> `themeline select`) as it is.
//!
//! Ignored: it fails with the themeline of this commit. `without` is one of the
//! phrase connectors (`CONNECTOR_WORDS`) but not an English stop word, so it is
//! counted as a word and candidates such as "injunct without notic" have three
//! words. The candidate file writes keys as text, and `Miner::from_counts`
//! reads every part that is a connector word as a connector: the key comes back
//! with two words, its NPMI changes (and "alpha without" comes back with one
//! word, NPMI -1), so `select` keeps other phrases than a run mines. On the 249
//! State of the Union addresses this drops "injunctions without notice"
//! (NPMI 0.5033 as three words, 0.4974 as two), and terms.csv, timeline.json
//! and report.html of the merge differ from the run's, for any number of
//! shards (one included). Remove the `ignore` once the candidate file keeps
//! words and connectors apart.

use std::path::Path;

use assert_cmd::Command;

fn themeline(dir: &Path, args: &[&str]) {
    Command::cargo_bin("themeline")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args([
            "--no-config",
            "--window",
            "year",
            "--discover",
            "0",
            "--quiet",
        ])
        .assert()
        .success();
}

#[test]
#[ignore = "themeline bug: candidate files read the word `without` back as a connector"]
fn a_word_that_is_also_a_connector_survives_the_candidate_file() {
    let dir = tempfile::tempdir().unwrap();
    // "alpha without beta" three times among 300 tokens: a phrase of three words
    // (NPMI 0.59), which as two words would fall below the threshold (0.18).
    let mut lines = vec!["Alpha without beta."; 3];
    lines.extend(["Alpha."; 17]);
    lines.extend(["Beta."; 17]);
    lines.extend(["River."; 257]);
    std::fs::write(
        dir.path().join("2000-01-01-talk.txt"),
        lines.join("\n") + "\n",
    )
    .unwrap();
    let d = dir.path();
    themeline(d, &["run", "2000-01-01-talk.txt", "--out", "run"]);
    themeline(d, &["mine", "2000-01-01-talk.txt", "--out", "cand.json"]);
    themeline(d, &["select", "cand.json", "--out", "phrases.json"]);
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("phrases.json")).unwrap()).unwrap();
    assert_eq!(
        list["phrases"],
        serde_json::json!(["alpha without", "alpha without beta", "without beta"]),
        "the phrases the run mines"
    );
    themeline(
        d,
        &[
            "count",
            "2000-01-01-talk.txt",
            "--phrase-list",
            "phrases.json",
            "--out",
            "counts.json",
        ],
    );
    themeline(d, &["merge", "counts.json", "--out", "merged"]);
    for name in ["terms.csv", "timeline.json"] {
        assert!(
            std::fs::read(d.join("run").join(name)).unwrap()
                == std::fs::read(d.join("merged").join(name)).unwrap(),
            "{name}"
        );
    }
}
