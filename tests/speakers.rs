//! Speakers as a dimension, end to end on real Deepgram WebVTT transcripts with
//! `<v Speaker N>` voice tags (`tests/fixtures/rawkode-*-excerpt.vtt`): the rows
//! of `speakers.csv` add up to the windows', timelines per speaker, shards that
//! merge into the whole run byte for byte, any thread count, the schema, no
//! `speakers.csv` for a run without speakers, and the speakers of the other
//! readers (speaker turns, Podcasting 2.0, AWS Transcribe, Whisper diarization).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;
use common::{files_in, root, themeline};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Two speakers.
fn universal_blue() -> PathBuf {
    fixture("rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt")
}

/// Three speakers, named like the other file's (`Speaker 0`, ...).
fn kpt() -> PathBuf {
    fixture("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt")
}

/// The same text as [`kpt`] without its voice tags.
fn kpt_unnamed() -> PathBuf {
    fixture("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt")
}

/// Runs `themeline run` on `inputs` with `args` into `out`.
fn run(inputs: &[PathBuf], args: &[&str], out: &Path) {
    themeline()
        .args(["run", "--no-config", "--quiet"])
        .args(inputs)
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// A CSV file as maps from column to cell, one per row.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = {:?} is not a number", row[column]))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Checks that `speakers.csv` in `out` adds up to `windows.csv` and
/// `themes.csv`; returns the speakers' names.
fn check_sums(out: &Path) -> BTreeSet<String> {
    let windows = rows(&out.join("windows.csv"));
    let themes = rows(&out.join("themes.csv"));
    let speakers = rows(&out.join("speakers.csv"));
    assert!(!speakers.is_empty());
    // Per (speaker, window): tokens and share_of_window, the same on each theme row.
    let mut per_speaker: BTreeMap<(String, String), (f64, f64, f64)> = BTreeMap::new();
    // Per (window, theme): the speakers' shares of the theme and their tokens.
    let mut per_theme: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for row in &speakers {
        let (tokens, of_window) = (num(row, "tokens"), num(row, "share_of_window"));
        assert!((0.0..=1.0).contains(&of_window), "{row:?}");
        let key = (row["speaker"].clone(), row["window"].clone());
        let entry = per_speaker.entry(key).or_insert((tokens, of_window, 0.0));
        assert_eq!((entry.0, entry.1), (tokens, of_window), "{row:?}");
        if row["theme"].is_empty() {
            continue;
        }
        let (share, of_theme) = (num(row, "share"), num(row, "share_of_theme"));
        assert!((0.0..=1.0).contains(&share) && (0.0..=1.0).contains(&of_theme));
        entry.2 += share;
        let theme = per_theme
            .entry((row["window"].clone(), row["theme"].clone()))
            .or_default();
        theme.0 += of_theme;
        theme.1 += num(row, "theme_tokens");
    }
    for ((speaker, window), (_, _, shares)) in &per_speaker {
        assert!(
            close(*shares, 1.0) || *shares == 0.0,
            "{speaker:?} in window {window}: theme shares sum to {shares}"
        );
    }
    for window in &windows {
        let index = &window["window"];
        let tokens: f64 = per_speaker
            .iter()
            .filter(|((_, w), _)| w == index)
            .map(|(_, v)| v.0)
            .sum();
        assert_eq!(tokens, num(window, "tokens"), "window {index}'s tokens");
        let shares: f64 = per_speaker
            .iter()
            .filter(|((_, w), _)| w == index)
            .map(|(_, v)| v.1)
            .sum();
        assert!(
            close(shares, 1.0) || tokens == 0.0,
            "window {index}: shares of the window sum to {shares}"
        );
    }
    for theme in &themes {
        let window_tokens = windows
            .iter()
            .find(|w| w["window"] == theme["window"])
            .map(|w| num(w, "tokens"))
            .unwrap();
        // themes.csv's score is tokens per 1,000 tokens of the window.
        let tokens = num(theme, "score") * window_tokens / 1000.0;
        let (of_theme, spoken) = per_theme
            .get(&(theme["window"].clone(), theme["theme"].clone()))
            .copied()
            .unwrap_or_default();
        assert!(
            (spoken - tokens).abs() <= 1e-6 * tokens.max(1.0),
            "window {} theme {}: the speakers' {spoken} tokens, the window's {tokens}",
            theme["window"],
            theme["theme"]
        );
        assert!(
            close(of_theme, 1.0) || tokens == 0.0,
            "{theme:?}: {of_theme}"
        );
    }
    per_speaker.keys().map(|(s, _)| s.clone()).collect()
}

#[test]
fn speakers_csv_adds_up_to_the_windows_and_their_themes() {
    let dir = tempfile::tempdir().unwrap();
    // A lexicon's themes, and themes discovered from the text.
    for (name, args) in [
        (
            "lexicon",
            &["--window", "1m", "--themes", "cloud-native"][..],
        ),
        ("discovered", &["--window", "90s"][..]),
        (
            "overlapping",
            &["--window", "2m", "--step", "1m", "--themes", "cloud-native"][..],
        ),
    ] {
        let out = dir.path().join(name);
        run(&[universal_blue()], args, &out);
        let names = check_sums(&out);
        assert_eq!(
            names,
            BTreeSet::from(["Speaker 0".to_string(), "Speaker 1".to_string()])
        );
        // Each token once, however many windows it falls in.
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("timeline.json")).unwrap())
                .unwrap();
        let spoken: u64 = json["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["tokens"].as_u64().unwrap())
            .sum();
        assert_eq!(
            spoken,
            json["meta"]["statistics"]["tokens"].as_u64().unwrap(),
            "{name}"
        );
    }
    // Text without a speaker is the unnamed speaker's, never dropped.
    let out = dir.path().join("mixed");
    run(
        &[universal_blue(), kpt_unnamed()],
        &["--window", "2m", "--themes", "cloud-native"],
        &out,
    );
    let names = check_sums(&out);
    assert!(names.contains(""), "{names:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("timeline.json")).unwrap()).unwrap();
    let speakers = json["speakers"].as_array().unwrap();
    let total: u64 = speakers.iter().map(|s| s["tokens"].as_u64().unwrap()).sum();
    assert_eq!(
        total,
        json["meta"]["statistics"]["tokens"].as_u64().unwrap()
    );
    let host = speakers.iter().find(|s| s["name"] == "Speaker 0").unwrap();
    assert!(host["seconds"].as_f64().unwrap() > 60.0);
    assert!(!host["terms"].as_array().unwrap().is_empty());
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<h2>Speakers</h2>") && report.contains("(no speaker named)"));
}

#[test]
fn group_by_speaker_gives_each_speaker_a_timeline_on_the_run_s_windows() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--window", "1m", "--themes", "cloud-native"];
    let (whole, per) = (dir.path().join("whole"), dir.path().join("per"));
    run(&[universal_blue()], &args, &whole);
    run(
        &[universal_blue()],
        &[&args[..], &["--group-by", "speaker"]].concat(),
        &per,
    );
    let windows = rows(&whole.join("windows.csv"));
    let theirs = rows(&per.join("windows.csv"));
    let speakers: BTreeSet<&str> = theirs.iter().map(|r| r["speaker"].as_str()).collect();
    assert_eq!(speakers, BTreeSet::from(["Speaker 0", "Speaker 1"]));
    for speaker in &speakers {
        let own: Vec<_> = theirs.iter().filter(|r| r["speaker"] == *speaker).collect();
        assert_eq!(own.len(), windows.len(), "{speaker}: the run's windows");
        for (mine, all) in own.iter().zip(&windows) {
            assert_eq!(mine["start"], all["start"]);
        }
    }
    // A window's tokens, split between the speakers' timelines.
    for window in &windows {
        let split: f64 = theirs
            .iter()
            .filter(|r| r["window"] == window["window"])
            .map(|r| num(r, "tokens"))
            .sum();
        assert_eq!(split, num(window, "tokens"));
    }
    for file in ["terms.csv", "themes.csv", "shifts.csv"] {
        let text = std::fs::read_to_string(per.join(file)).unwrap();
        assert!(text.starts_with("speaker,"), "{file}: {text:.80}");
    }
    let report = std::fs::read_to_string(per.join("report.html")).unwrap();
    assert!(report.contains("<h2>Speaker 0</h2>") && report.contains("<h2>Speaker 1</h2>"));
    let chart: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(per.join("timeline.vl.json")).unwrap())
            .unwrap();
    assert_eq!(chart["facet"]["row"]["field"], "speaker");
    // Chapters stay the recording's.
    assert_eq!(
        std::fs::read(whole.join("chapters.csv")).unwrap(),
        std::fs::read(per.join("chapters.csv")).unwrap()
    );
    assert_eq!(
        std::fs::read(whole.join("speakers.csv")).unwrap(),
        std::fs::read(per.join("speakers.csv")).unwrap()
    );
    check_sums(&whole);
}

/// Mines, selects, counts and merges `parts` with the CLI into `out`.
fn through_shards(parts: &[PathBuf], args: &[&str], dir: &Path, out: &Path) {
    let mut candidates = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let file = dir.join(format!("cand-{i}.json"));
        themeline()
            .args(["mine", "--no-config", "--quiet"])
            .arg(part)
            .args(args)
            .arg("--out")
            .arg(&file)
            .assert()
            .success();
        candidates.push(file);
    }
    let phrases = dir.join("phrases.json");
    themeline()
        .args(["select", "--no-config", "--quiet"])
        .args(&candidates)
        .args(args)
        .arg("--out")
        .arg(&phrases)
        .assert()
        .success();
    let mut shards = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let file = dir.join(format!("counts-{i}.json"));
        themeline()
            .args(["count", "--no-config", "--quiet"])
            .arg(part)
            .args(args)
            .arg("--phrase-list")
            .arg(&phrases)
            .arg("--out")
            .arg(&file)
            .assert()
            .success();
        shards.push(file);
    }
    themeline()
        .args(["merge", "--no-config", "--quiet"])
        .args(&shards)
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn a_merge_of_shards_is_the_whole_run_speakers_joined_by_name() {
    // Two recordings whose speakers share names, and one with none: the unnamed
    // speaker of the merge must hold the text of the shard without speakers.
    let inputs = [universal_blue(), kpt(), kpt_unnamed()];
    for (name, group) in [("none", "none"), ("speaker", "speaker")] {
        let dir = tempfile::tempdir().unwrap();
        let args = [
            "--window",
            "2m",
            "--themes",
            "cloud-native",
            "--group-by",
            group,
        ];
        let (whole, merged) = (dir.path().join("whole"), dir.path().join("merged"));
        run(&inputs, &args, &whole);
        through_shards(&inputs, &args, dir.path(), &merged);
        let (a, b) = (files_in(&whole), files_in(&merged));
        assert!(a.iter().any(|(f, _)| f == "speakers.csv"));
        assert_eq!(
            a.iter().map(|f| &f.0).collect::<Vec<_>>(),
            b.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for ((file, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y,
                "group-by {name}: {file} differs between run and merge"
            );
        }
        let speakers: BTreeSet<String> = rows(&whole.join("speakers.csv"))
            .into_iter()
            .map(|r| r["speaker"].clone())
            .collect();
        assert_eq!(
            speakers,
            BTreeSet::from(["", "Speaker 0", "Speaker 1", "Speaker 2"].map(String::from))
        );
    }
}

#[test]
fn outputs_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = [universal_blue(), kpt()];
    let outs: Vec<_> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(threads);
            run(&inputs, &["--window", "1m", "--threads", threads], &out);
            files_in(&out)
        })
        .collect();
    assert!(
        outs[0] == outs[1],
        "--threads 1 and 3 write different files"
    );
}

#[test]
fn a_run_with_speakers_matches_the_timeline_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schema: serde_json::Value = {
        let out = themeline().args(["schema", "timeline"]).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let validator = jsonschema::validator_for(&schema).unwrap();
    for group in ["none", "speaker"] {
        let out = dir.path().join(group);
        run(
            &[universal_blue(), kpt_unnamed()],
            &["--window", "2m", "--group-by", group],
            &out,
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("timeline.json")).unwrap())
                .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "group-by {group}: {errors:?}");
        assert!(!json["speakers"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_run_without_speakers_writes_no_speakers_csv_and_removes_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&[universal_blue()], &["--window", "2m"], &out);
    assert!(out.join("speakers.csv").exists());
    run(&[kpt_unnamed()], &["--window", "2m"], &out);
    assert!(
        !out.join("speakers.csv").exists(),
        "a stale speakers.csv stays"
    );
    let json = std::fs::read_to_string(out.join("timeline.json")).unwrap();
    assert!(!json.contains("\"speakers\""));
    // In place, beside a file of the user's, too.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run(&[universal_blue()], &["--window", "2m"], &out);
    assert!(out.join("speakers.csv").exists());
    run(&[kpt_unnamed()], &["--window", "2m"], &out);
    assert!(!out.join("speakers.csv").exists() && out.join("notes.txt").exists());
}

/// The speakers `themeline inspect --what segments` shows for `input`.
fn inspected_speakers(input: &Path) -> BTreeSet<String> {
    let out = themeline()
        .args(["inspect", "--no-config", "--what", "segments"])
        .arg(input)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .map(|line| {
            let segment: serde_json::Value = serde_json::from_str(line).unwrap();
            segment["speaker"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn every_reader_s_speakers_reach_speakers_csv() {
    let dir = tempfile::tempdir().unwrap();
    for input in [
        "asr/speaker_turns/changelog-go-time-334.cut.md",
        "asr/speaker_turns/otter-ladybug-38.tail.md",
        "asr/podcasting20/podnews_weekly_review_2023-05-05.json",
        "asr/aws_transcribe/aws_docs_diarization_example.json",
        "asr/whisper/dosparlants.diarization.json",
    ] {
        let input = fixture(input);
        let out = dir.path().join(input.file_name().unwrap());
        run(std::slice::from_ref(&input), &["--window", "1m"], &out);
        let names = check_sums(&out);
        assert_eq!(names, inspected_speakers(&input), "{}", input.display());
        assert!(names.len() >= 2, "{}: {names:?}", input.display());
    }
}
