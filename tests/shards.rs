//! Shards: counting split across processes, merged into the run of the whole.
//!
//! The property the design rests on: `merge(count(A), count(B))` is `run(A ∪ B)`,
//! byte for byte, in every output, when every step shares the counting options
//! and, for a pooled timeline, counts the phrases mined over all inputs
//! (`mine` per shard, `select` once). Checked on random transcripts through the
//! library, and on real State of the Union addresses through the binary.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use themeline::shard::{CandidateFile, PassageFile, PhraseList};
use themeline::{Config, Pipeline};

mod common;
use common::{files_in, root, themeline};

fn assert_same_outputs(a: &Path, b: &Path) {
    let (a, b) = (files_in(a), files_in(b));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    let expected: usize = themeline::emit::OutputFormat::DEFAULT
        .iter()
        .map(|f| f.files().len())
        .sum();
    assert_eq!(a.len(), expected, "{:?}", names(&a));
    assert_eq!(names(&a), names(&b), "both runs write the same files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if x != y {
            let keep = std::env::temp_dir().join("themeline-shard-diff");
            std::fs::create_dir_all(&keep).unwrap();
            std::fs::write(keep.join(format!("run-{name}")), x).unwrap();
            std::fs::write(keep.join(format!("merged-{name}")), y).unwrap();
            panic!(
                "{name} differs between the run and the merge (both kept in {})",
                keep.display()
            );
        }
    }
}

/// The library's way through shards: the passages of each part, select, mine each
/// part with that list, select, count each part with the phrase list, write each
/// file to JSON and read it back, merge. With a timeline per source, each shard
/// reads its own sources instead.
fn through_shards(config: &Config, parts: &[Vec<PathBuf>], dir: &Path) -> themeline::Timeline {
    if config.group_by == themeline::config::GroupBy::Source {
        let shards = parts
            .iter()
            .enumerate()
            .map(|(i, paths)| {
                let pipeline = Pipeline::new(config.clone()).unwrap();
                let corpus = pipeline.read(paths).unwrap();
                let json = serde_json::to_string(&pipeline.count(corpus).unwrap()).unwrap();
                (
                    format!("shard-{i}.json"),
                    serde_json::from_str(&json).unwrap(),
                )
            })
            .collect();
        return Pipeline::new(config.clone())
            .unwrap()
            .merge(shards)
            .unwrap();
    }
    // Through each file format and back.
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
    }
    let passages: Vec<(String, PassageFile)> = parts
        .iter()
        .enumerate()
        .map(|(i, paths)| {
            let pipeline = Pipeline::new(config.clone()).unwrap();
            let corpus = pipeline.read(paths).unwrap();
            let file = round_trip(&pipeline.passages(corpus).unwrap());
            (format!("passages-{i}.json"), file)
        })
        .collect();
    let selector = Pipeline::new(config.clone()).unwrap();
    let list = selector.select_passages(passages).unwrap();
    assert!(list.phrases.is_none());
    let passages_path = dir.join("passages.json");
    std::fs::write(&passages_path, serde_json::to_string(&list).unwrap()).unwrap();
    let mining = Config {
        phrase_list: Some(passages_path),
        ..config.clone()
    };
    let candidates: Vec<(String, CandidateFile)> = parts
        .iter()
        .enumerate()
        .map(|(i, paths)| {
            let pipeline = Pipeline::new(mining.clone()).unwrap();
            let corpus = pipeline.read(paths).unwrap();
            // Through the file format and back.
            let json = serde_json::to_string(&pipeline.mine(corpus).unwrap()).unwrap();
            (
                format!("candidates-{i}.json"),
                serde_json::from_str(&json).unwrap(),
            )
        })
        .collect();
    let selector = Pipeline::new(config.clone()).unwrap();
    let list: PhraseList = selector.select(candidates).unwrap();
    let list_path = dir.join("phrases.json");
    std::fs::write(&list_path, serde_json::to_string(&list).unwrap()).unwrap();
    let counting = Config {
        phrase_list: Some(list_path),
        ..config.clone()
    };
    let shards = parts
        .iter()
        .enumerate()
        .map(|(i, paths)| {
            let pipeline = Pipeline::new(counting.clone()).unwrap();
            let corpus = pipeline.read(paths).unwrap();
            let json = serde_json::to_string(&pipeline.count(corpus).unwrap()).unwrap();
            (
                format!("shard-{i}.json"),
                serde_json::from_str(&json).unwrap(),
            )
        })
        .collect();
    Pipeline::new(config.clone())
        .unwrap()
        .merge(shards)
        .unwrap()
}

/// A transcript of `lines`, each (second, words) as indices into a small vocabulary
/// with a few fixed collocations, so phrases are mined.
fn transcript(lines: &[(u16, Vec<u8>)]) -> String {
    const WORDS: [&str; 12] = [
        "security",
        "service mesh",
        "platform",
        "developer experience",
        "cloud",
        "AI",
        "models",
        "policy",
        "supply chain",
        "tools",
        "of the",
        "cluster",
    ];
    let mut text = String::from("A talk\n\n");
    let mut at = 0u32;
    for (gap, words) in lines {
        at += u32::from(*gap % 90);
        let words: Vec<&str> = words
            .iter()
            .map(|&w| WORDS[w as usize % WORDS.len()])
            .collect();
        text.push_str(&format!("{}:{:02}{}\n", at / 60, at % 60, words.join(" ")));
    }
    text
}

fn lines() -> impl Strategy<Value = Vec<(u16, Vec<u8>)>> {
    prop::collection::vec((0u16..200, prop::collection::vec(0u8..12, 1..8)), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// merge(count(A), count(B)) = run(A ∪ B), for every output file.
    #[test]
    fn merging_shards_is_running_on_everything(a in lines(), b in lines(), pooled in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let (pa, pb) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        std::fs::write(&pa, transcript(&a)).unwrap();
        std::fs::write(&pb, transcript(&b)).unwrap();
        let config = Config {
            window: "1m".parse().unwrap(),
            min_count: 1,
            min_phrase_count: 2,
            themes: Some("cloud-native".into()),
            group_by: if pooled { themeline::config::GroupBy::None } else { themeline::config::GroupBy::Source },
            ..Config::default()
        };
        let run = Pipeline::new(config.clone()).unwrap().run(&[pa.clone(), pb.clone()]).unwrap();
        let merged = through_shards(&config, &[vec![pa], vec![pb]], dir.path());
        let (x, y) = (dir.path().join("run"), dir.path().join("merged"));
        themeline::write_outputs(&run, &x).unwrap();
        themeline::write_outputs(&merged, &y).unwrap();
        assert_same_outputs(&x, &y);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The same with five or more transcripts, some opening with the same
    /// sponsor read, cut into two shards anywhere: the read is boilerplate over
    /// all of them (when five hold it), whichever shard holds how many.
    #[test]
    fn boilerplate_over_shards_is_the_runs(
        talks in prop::collection::vec((lines(), any::<bool>()), 5..9),
        cut in 1usize..8,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = talks
            .iter()
            .enumerate()
            .map(|(i, (lines, read))| {
                let mut text = transcript(lines);
                if *read {
                    text = text.replacen(
                        "\n\n",
                        "\n\n0:00 This episode is brought to you by Acme Widgets, the widget people.\n",
                        1,
                    );
                }
                let path = dir.path().join(format!("talk-{i}.txt"));
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect();
        let config = Config {
            window: "1m".parse().unwrap(),
            min_count: 1,
            min_phrase_count: 2,
            themes: Some("cloud-native".into()),
            ..Config::default()
        };
        let run = Pipeline::new(config.clone()).unwrap().run(&paths).unwrap();
        let cut = cut.min(paths.len() - 1);
        let merged = through_shards(&config, &[paths[..cut].to_vec(), paths[cut..].to_vec()], dir.path());
        let (x, y) = (dir.path().join("run"), dir.path().join("merged"));
        themeline::write_outputs(&run, &x).unwrap();
        themeline::write_outputs(&merged, &y).unwrap();
        assert_same_outputs(&x, &y);
    }
}

#[test]
fn the_command_line_recipe_reproduces_a_run_on_real_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let sotu = root().join("tests/fixtures/sotu");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&sotu)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let (a, b) = files.split_at(files.len() / 2);
    for (part, files) in [("a", a), ("b", b)] {
        std::fs::create_dir(dir.path().join(part)).unwrap();
        for file in files {
            std::fs::copy(file, dir.path().join(part).join(file.file_name().unwrap())).unwrap();
        }
    }
    let path = |name: &str| dir.path().join(name).display().to_string();
    let options = [
        "--no-config",
        "--window",
        "decade",
        "--themes",
        "cloud-native",
        "--quiet",
    ];
    let step = |args: &[&str]| {
        themeline().args(args).args(options).assert().success();
    };
    step(&["run", &path("a"), &path("b"), "--out", &path("run")]);
    step(&["passages", &path("a"), "--out", &path("pa.json")]);
    step(&["passages", &path("b"), "--out", &path("pb.json")]);
    step(&[
        "select",
        &path("pa.json"),
        &path("pb.json"),
        "--out",
        &path("passages.json"),
    ]);
    for part in ["a", "b"] {
        step(&[
            "mine",
            &path(part),
            "--phrase-list",
            &path("passages.json"),
            "--out",
            &path(&format!("c{part}.json")),
        ]);
    }
    step(&[
        "select",
        &path("ca.json"),
        &path("cb.json"),
        "--out",
        &path("phrases.json"),
    ]);
    for part in ["a", "b"] {
        step(&[
            "count",
            &path(part),
            "--phrase-list",
            &path("phrases.json"),
            "--out",
            &path(&format!("{part}.json")),
        ]);
    }
    step(&[
        "merge",
        &path("a.json"),
        &path("b.json"),
        "--out",
        &path("merged"),
    ]);
    assert_same_outputs(&dir.path().join("run"), &dir.path().join("merged"));
    // The phrase list names the phrases the whole corpus makes.
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("phrases.json")).unwrap()).unwrap();
    assert_eq!(list["format"], "themeline-phrases");
    assert!(list["phrases"].as_array().unwrap().len() > 20);
}

#[test]
fn shards_counted_differently_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let talk = "data/kubecon-eu-2024-recap.txt";
    themeline()
        .args([
            "count",
            talk,
            "--no-config",
            "-q",
            "--out",
            &out("five.json"),
        ])
        .assert()
        .success();
    themeline()
        .args([
            "count",
            talk,
            "--no-config",
            "-q",
            "--window",
            "2m",
            "--out",
            &out("two.json"),
        ])
        .assert()
        .success();
    // `merge` of these shards with these flags fails (exit 1); what it says.
    let merge_fails = |shards: &[&str], flags: &[&str]| -> String {
        let mut cmd = themeline();
        cmd.arg("merge");
        for shard in shards {
            cmd.arg(out(shard));
        }
        let merged = cmd
            .args(["--no-config", "--out", &out("merged")])
            .args(flags)
            .assert()
            .code(1);
        String::from_utf8_lossy(&merged.get_output().stderr).to_string()
    };
    let no_discovery = ["--discover", "0"];
    let stderr = merge_fails(&["five.json", "two.json"], &no_discovery);
    assert!(
        stderr.contains("two.json") && stderr.contains("window: \"2m\" vs \"auto\""),
        "{stderr}"
    );
    // Each shard mined its own phrases: merging them would not be the whole's run.
    let other = dir.path().join("other.txt");
    std::fs::write(
        &other,
        "0:00 service mesh and service mesh\n0:30 service mesh again\n",
    )
    .unwrap();
    themeline()
        .args([
            "count",
            other.to_str().unwrap(),
            "--no-config",
            "-q",
            "--out",
            &out("other.json"),
        ])
        .assert()
        .success();
    let stderr = merge_fails(&["five.json", "other.json"], &no_discovery);
    assert!(stderr.contains("--phrase-list"), "{stderr}");
    // Discovering themes needs the text.
    let stderr = merge_fails(&["five.json"], &[]);
    assert!(stderr.contains("--themes"), "{stderr}");
    // A file of another version, or not a shard at all (written plain, as earlier
    // versions wrote shards; `count` writes them gzip-compressed).
    let mut shard: serde_json::Value = serde_json::from_reader(flate2::read::GzDecoder::new(
        std::fs::File::open(out("five.json")).unwrap(),
    ))
    .unwrap();
    shard["version"] = 99.into();
    std::fs::write(out("future.json"), shard.to_string()).unwrap();
    std::fs::write(out("junk.json"), "{\"hello\": 1}").unwrap();
    for (file, says) in [
        ("future.json", "version 99"),
        ("junk.json", "not a themeline"),
    ] {
        let stderr = merge_fails(&[file], &no_discovery);
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn one_shard_is_the_run_of_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    // The default run's options come from themeline.toml, for count and merge alike.
    themeline()
        .args(["count", "-q", "--out", &out("all.json")])
        .assert()
        .success();
    themeline()
        .args(["merge", &out("all.json"), "-q", "--out", &out("merged")])
        .assert()
        .success();
    assert_same_outputs(&root().join("output"), &dir.path().join("merged"));
}

/// The eight excerpts of `tests/fixtures/jefferson/` copied into `a/` (1801-1804)
/// and `b/` (1805-1808) under `dir`. Five of the eight open with the same
/// salutation, which a run over all of them leaves out as boilerplate; neither
/// half holds five documents, so neither half finds it alone.
fn jefferson_halves(dir: &Path) {
    let fixtures = root().join("tests/fixtures/jefferson");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 8);
    for (part, files) in [("a", &files[..4]), ("b", &files[4..])] {
        std::fs::create_dir(dir.join(part)).unwrap();
        for file in files {
            std::fs::copy(file, dir.join(part).join(file.file_name().unwrap())).unwrap();
        }
    }
}

/// `themeline STEP ARGS OPTIONS`, which must succeed.
fn step(args: &[&str], options: &[&str]) {
    themeline().args(args).args(options).assert().success();
}

/// `themeline STEP ARGS OPTIONS`, which must fail with exit status 1: what it says.
fn refused(args: &[&str], options: &[&str]) -> String {
    let assert = themeline().args(args).args(options).assert().code(1);
    String::from_utf8_lossy(&assert.get_output().stderr).to_string()
}

/// The options of every step on the Jefferson halves.
const JEFFERSON: [&str; 6] = [
    "--no-config",
    "--window",
    "year",
    "--discover",
    "0",
    "--quiet",
];

/// The whole protocol on the Jefferson halves under `dir`: passages, select,
/// mine, select, count (`counts-a.json`, `counts-b.json`).
fn jefferson_counts(dir: &Path) {
    let path = |name: &str| dir.join(name).display().to_string();
    for part in ["a", "b"] {
        step(
            &[
                "passages",
                &path(part),
                "--out",
                &path(&format!("pass-{part}.json")),
            ],
            &JEFFERSON,
        );
    }
    step(
        &[
            "select",
            &path("pass-a.json"),
            &path("pass-b.json"),
            "--out",
            &path("passages.json"),
        ],
        &JEFFERSON,
    );
    for part in ["a", "b"] {
        step(
            &[
                "mine",
                &path(part),
                "--phrase-list",
                &path("passages.json"),
                "--out",
                &path(&format!("cand-{part}.json")),
            ],
            &JEFFERSON,
        );
    }
    step(
        &[
            "select",
            &path("cand-a.json"),
            &path("cand-b.json"),
            "--out",
            &path("phrases.json"),
        ],
        &JEFFERSON,
    );
    for part in ["a", "b"] {
        step(
            &[
                "count",
                &path(part),
                "--phrase-list",
                &path("phrases.json"),
                "--out",
                &path(&format!("counts-{part}.json")),
            ],
            &JEFFERSON,
        );
    }
}

/// The salutation five of the eight open with is boilerplate over all of them,
/// and over neither half: the halves' steps leave out what the whole finds,
/// before phrases are mined (its words would make "house of representatives of
/// the United" a phrase) and before they are counted.
#[test]
fn boilerplate_passages_spread_over_shards_are_left_out_as_in_the_run() {
    let dir = tempfile::tempdir().unwrap();
    jefferson_halves(dir.path());
    let path = |name: &str| dir.path().join(name).display().to_string();
    step(
        &["run", &path("a"), &path("b"), "--out", &path("run")],
        &JEFFERSON,
    );
    jefferson_counts(dir.path());
    step(
        &[
            "merge",
            &path("counts-a.json"),
            &path("counts-b.json"),
            "--out",
            &path("merged"),
        ],
        &JEFFERSON,
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("run/timeline.json")).unwrap())
            .unwrap();
    assert!(
        run["meta"]["statistics"]["dropped"]["boilerplate"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "the run leaves the salutation out"
    );
    assert_same_outputs(&dir.path().join("run"), &dir.path().join("merged"));
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("phrases.json")).unwrap()).unwrap();
    assert_eq!(list["passages"]["documents"], 8);
    assert_eq!(list["passages"]["boilerplate"].as_array().unwrap().len(), 1);
    // The halves mined on their own, without the passages of the whole: refused,
    // saying what to run.
    for part in ["a", "b"] {
        step(
            &[
                "mine",
                &path(part),
                "--out",
                &path(&format!("own-{part}.json")),
            ],
            &JEFFERSON,
        );
    }
    let stderr = refused(
        &[
            "select",
            &path("own-a.json"),
            &path("own-b.json"),
            "--out",
            &path("own.json"),
        ],
        &JEFFERSON,
    );
    assert!(
        stderr.contains("own-a.json")
            && stderr.contains("its own 4 documents, not of all 8")
            && stderr.contains("themeline passages"),
        "{stderr}"
    );
}

/// What cannot be the run of the whole is refused, with the reason: shards
/// missing from the merge their passages were chosen over, a merge with
/// `boilerplate` off of shards that left passages out, counting with a list of
/// passages only, select given both kinds of shard, and steps without the list.
#[test]
fn boilerplate_passages_that_are_not_the_wholes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    jefferson_halves(dir.path());
    let path = |name: &str| dir.path().join(name).display().to_string();
    jefferson_counts(dir.path());
    let out = ["--out", &path("merged")];
    let stderr = refused(
        &[&["merge", &path("counts-a.json")][..], &out].concat(),
        &JEFFERSON,
    );
    assert!(
        stderr.contains("chosen over 8 documents, but the files hold 4"),
        "{stderr}"
    );
    let (a, b) = (path("counts-a.json"), path("counts-b.json"));
    let both = [&["merge", &a, &b][..], &out].concat();
    let stderr = refused(&both, &[&JEFFERSON[..], &["--boilerplate", "off"]].concat());
    assert!(
        stderr.contains("left out boilerplate passages, but this step has --boilerplate off"),
        "{stderr}"
    );
    let stderr = refused(
        &[
            "count",
            &path("a"),
            "--phrase-list",
            &path("passages.json"),
            "--out",
            &path("c.json"),
        ],
        &JEFFERSON,
    );
    assert!(stderr.contains("no phrases yet"), "{stderr}");
    let stderr = refused(
        &[
            "select",
            &path("pass-a.json"),
            &path("cand-b.json"),
            "--out",
            &path("x.json"),
        ],
        &JEFFERSON,
    );
    assert!(
        stderr.contains("cand-b.json is a themeline-candidates file, but")
            && stderr.contains("is a themeline-passages file"),
        "{stderr}"
    );
    // One half counted with the same phrases from a list of phrases only, as
    // version 4 wrote them (which still read), so it finds its own passages.
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("phrases.json")).unwrap()).unwrap();
    let old = serde_json::json!({
        "format": "themeline-phrases",
        "version": 4,
        "phrases": list["phrases"],
    });
    std::fs::write(path("v4.json"), old.to_string()).unwrap();
    step(
        &[
            "count",
            &path("b"),
            "--phrase-list",
            &path("v4.json"),
            "--out",
            &path("own-b.json"),
        ],
        &JEFFERSON,
    );
    let stderr = refused(
        &[
            &["merge", &path("counts-a.json"), &path("own-b.json")][..],
            &out,
        ]
        .concat(),
        &JEFFERSON,
    );
    assert!(
        stderr.contains("own-b.json left out other boilerplate passages than")
            && stderr.contains("1 chosen over 8 documents"),
        "{stderr}"
    );
}
