//! Shard files on disk: counts and candidate shards are gzip-compressed JSON,
//! the plain JSON files earlier versions wrote still read and merge to the same
//! bytes, and a damaged file is refused with the reason.

use std::io::{Read, Write};
use std::path::Path;

use themeline::shard::{CandidateFile, ShardFile, write_compressed};
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
    step(&["mine", FIXTURES, "--out", &path("cand.json")]);
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
        assert!(
            bytes.len() * 3 < plain.len(),
            "{name}: {} of {}",
            bytes.len(),
            plain.len()
        );
        // As an earlier version wrote it.
        std::fs::write(path(&format!("plain-{name}")), plain).unwrap();
    }
    // Phrases selected from a plain candidate file are the same list.
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
    assert_eq!(ShardFile::load(&counts).unwrap(), shard);
    assert_eq!(CandidateFile::load(&mined).unwrap(), candidates);
}
