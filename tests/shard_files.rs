//! Shard files on disk: counts, passage and candidate shards are gzip-compressed
//! JSON, the plain JSON files earlier versions wrote still read and merge to the
//! same bytes, and a damaged file, or one of an earlier version, is refused with
//! the reason.

use std::io::{Read, Write};
use std::path::Path;

use themeline::shard::{CandidateFile, PassageFile, ShardFile, write_compressed};
use themeline::{Config, Pipeline};

mod common;
use common::{files_in, root, themeline};

const FIXTURES: &str = "tests/fixtures/sotu";

fn gunzip(path: &Path) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

fn step(args: &[&str]) {
    themeline()
        .args(args)
        .args(["--no-config", "-q", "--window", "decade"])
        .assert()
        .success();
}

#[test]
fn shards_are_compressed_and_plain_ones_still_merge_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    step(&["passages", FIXTURES, "--out", &path("pass.json")]);
    step(&[
        "select",
        &path("pass.json"),
        "--out",
        &path("passages.json"),
    ]);
    step(&[
        "mine",
        FIXTURES,
        "--phrase-list",
        &path("passages.json"),
        "--out",
        &path("cand.json"),
    ]);
    step(&["select", &path("cand.json"), "--out", &path("phrases.json")]);
    let list = std::fs::read(path("phrases.json")).unwrap();
    assert_eq!(
        list.first(),
        Some(&b'{'),
        "the phrase list stays plain JSON"
    );
    step(&[
        "count",
        FIXTURES,
        "--phrase-list",
        &path("phrases.json"),
        "--out",
        &path("counts.json"),
    ]);
    for (name, format) in [
        ("pass.json", "themeline-passages"),
        ("cand.json", "themeline-candidates"),
        ("counts.json", "themeline-counts"),
    ] {
        let file = dir.path().join(name);
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes[..2], [0x1f, 0x8b], "{name} is gzip");
        let plain = gunzip(&file);
        assert!(plain.ends_with(b"}\n"));
        let value: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(value["format"], format);
        // Passage hashes are random digits: they compress less.
        let ratio = if format == "themeline-passages" { 1 } else { 3 };
        assert!(
            bytes.len() * ratio < plain.len(),
            "{name}: {} of {}",
            bytes.len(),
            plain.len()
        );
        // As an earlier version wrote it.
        std::fs::write(path(&format!("plain-{name}")), plain).unwrap();
    }
    // Passages and phrases selected from plain files are the same lists.
    step(&[
        "select",
        &path("plain-pass.json"),
        "--out",
        &path("plain-passages.json"),
    ]);
    assert_eq!(
        std::fs::read(path("plain-passages.json")).unwrap(),
        std::fs::read(path("passages.json")).unwrap()
    );
    step(&[
        "select",
        &path("plain-cand.json"),
        "--out",
        &path("plain-phrases.json"),
    ]);
    assert_eq!(std::fs::read(path("plain-phrases.json")).unwrap(), list);
    let merge = |shard: &str, out: &str| {
        themeline()
            .args([
                "merge",
                &path(shard),
                "--no-config",
                "-q",
                "--discover",
                "0",
            ])
            .args(["--out", &path(out)])
            .assert()
            .success();
    };
    merge("counts.json", "merged");
    merge("plain-counts.json", "merged-plain");
    let (a, b) = (
        files_in(&dir.path().join("merged")),
        files_in(&dir.path().join("merged-plain")),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b, "a plain shard merges to the same outputs");
}

#[test]
fn a_damaged_compressed_shard_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    step(&["count", FIXTURES, "--out", &path("counts.json")]);
    let bytes = std::fs::read(path("counts.json")).unwrap();
    std::fs::write(path("cut.json"), &bytes[..bytes.len() / 2]).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    std::fs::write(path("flipped.json"), &flipped).unwrap();
    for name in ["cut.json", "flipped.json"] {
        let assert = themeline()
            .args(["merge", &path(name), "--no-config", "-q", "--discover", "0"])
            .args(["--out", &path("merged")])
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(
            stderr.contains(name) && stderr.contains("not a themeline themeline-counts file"),
            "{stderr}"
        );
    }
}

/// Files of version 4, before passages crossed shards, as that version wrote
/// them: its shards of counts and candidates are refused, saying to write them
/// again; its phrase lists, which hold only phrases, still read.
#[test]
fn files_of_an_earlier_version_are_refused_or_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    step(&["mine", FIXTURES, "--out", &path("cand.json")]);
    step(&["select", &path("cand.json"), "--out", &path("phrases.json")]);
    step(&[
        "count",
        FIXTURES,
        "--phrase-list",
        &path("phrases.json"),
        "--out",
        &path("counts.json"),
    ]);
    let as_version_4 = |name: &str, old: &str| {
        let mut value: serde_json::Value = serde_json::from_slice(&gunzip(&dir.path().join(name)))
            .unwrap_or_else(|_| {
                serde_json::from_slice(&std::fs::read(path(name)).unwrap()).unwrap()
            });
        value["version"] = 4.into();
        let object = value.as_object_mut().unwrap();
        object.remove("passages");
        for group in object
            .get_mut("counted")
            .and_then(|c| c["groups"].as_array_mut())
            .into_iter()
            .flatten()
        {
            group.as_object_mut().unwrap().remove("passages");
        }
        std::fs::write(path(old), value.to_string()).unwrap();
    };
    as_version_4("counts.json", "old-counts.json");
    as_version_4("cand.json", "old-cand.json");
    for (args, name, format) in [
        (
            vec!["merge", "--discover", "0", "--out"],
            "old-counts.json",
            "themeline-counts",
        ),
        (
            vec!["select", "--out"],
            "old-cand.json",
            "themeline-candidates",
        ),
    ] {
        let assert = themeline()
            .args(&args)
            .arg(path("out"))
            .arg(path(name))
            .args(["--no-config", "-q", "--window", "decade"])
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(
            stderr.contains(&format!(
                "{name}: {format} version 4, but this themeline reads {format} version 5 \
                 (written by an earlier themeline: write it again with this one)"
            )),
            "{stderr}"
        );
    }
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("phrases.json")).unwrap()).unwrap();
    std::fs::write(
        path("old-phrases.json"),
        serde_json::json!({"format": "themeline-phrases", "version": 4, "phrases": list["phrases"]})
            .to_string(),
    )
    .unwrap();
    step(&[
        "count",
        FIXTURES,
        "--phrase-list",
        &path("old-phrases.json"),
        "--out",
        &path("counts-old-list.json"),
    ]);
    assert_eq!(
        gunzip(&dir.path().join("counts-old-list.json")),
        gunzip(&dir.path().join("counts.json")),
        "a list of phrases only counts what the same list of this version counts"
    );
}

#[test]
fn the_library_round_trips_shards_through_the_compressed_encoding() {
    let config = Config {
        window: "decade".parse().unwrap(),
        ..Config::default()
    };
    let pipeline = Pipeline::new(config).unwrap();
    let inputs = [root().join(FIXTURES)];
    let shard = pipeline.count(pipeline.read(&inputs).unwrap()).unwrap();
    let candidates = pipeline.mine(pipeline.read(&inputs).unwrap()).unwrap();
    let passages = pipeline.passages(pipeline.read(&inputs).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, value: &dyn Fn(&mut std::fs::File)| {
        let path = dir.path().join(name);
        let mut file = std::fs::File::create(&path).unwrap();
        value(&mut file);
        file.flush().unwrap();
        path
    };
    let counts = write("counts.json", &|f| write_compressed(&shard, f).unwrap());
    let mined = write("cand.json", &|f| write_compressed(&candidates, f).unwrap());
    let read = write("pass.json", &|f| write_compressed(&passages, f).unwrap());
    assert_eq!(ShardFile::load(&counts).unwrap(), shard);
    assert_eq!(CandidateFile::load(&mined).unwrap(), candidates);
    assert_eq!(PassageFile::load(&read).unwrap(), passages);
}
