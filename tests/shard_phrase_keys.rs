//! A phrase candidate holding a word that is also a connector word must survive
//! the candidate file (`themeline mine` -> `themeline select`) as it is.
//!
//! `without` is one of the phrase connectors (`CONNECTOR_WORDS`) but no English
//! stop word, so it is counted as a word and a candidate such as "injunct
//! without notic" has three words. Candidate files once wrote keys as plain text
//! and read every part that is a connector word back as a connector: on the 249
//! State of the Union addresses that dropped "injunctions without notice" from
//! the merge's phrases (found by `scripts/spark_demo.sh`). They now mark
//! connectors with `~`.

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
