//! A streamed run (its window reports made one at a time as the outputs take
//! them: `Pipeline::run_corpus_streamed`, `emit::write_formats_with`) writes the
//! same bytes as a run whose timeline holds every window, in every format, with
//! one timeline, one per source and one per speaker, and through a shard merge.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use themeline::config::GroupBy;
use themeline::emit::OutputFormat;
use themeline::{Config, Pipeline, Timeline, WindowReports};

mod common;
use common::{files_in, root};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Two recordings whose voice tags name their speakers (two and three).
fn with_speakers() -> Vec<PathBuf> {
    vec![
        fixture("rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt"),
        fixture("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt"),
    ]
}

/// The streamed reports hold nothing the timeline would: the timeline has no
/// window, and the reports are the held timeline's windows, in its order.
fn check_split(held: &Timeline, partial: &Timeline, streamed: &WindowReports) {
    assert!(partial.windows.is_empty(), "no report is held");
    assert_eq!(partial.meta.statistics, held.meta.statistics);
    assert_eq!(streamed.len(), held.windows.len());
    assert_eq!(held.meta.statistics.windows, held.windows.len() as u64);
}

/// Writes every format of `held` and of the streamed `partial` and `more`
/// (twice made: once into directories, once to writers) and checks that the
/// bytes are the same; returns the held timeline's files.
fn same_bytes(
    held: &Timeline,
    streamed: &mut dyn FnMut() -> (Timeline, WindowReports),
    dir: &Path,
) -> Vec<(String, Vec<u8>)> {
    let (partial, mut more) = streamed();
    check_split(held, &partial, &more);
    let (held_dir, streamed_dir) = (dir.join("held"), dir.join("streamed"));
    themeline::emit::write_formats(held, &held_dir, &OutputFormat::ALL).unwrap();
    themeline::emit::write_formats_with(&partial, &mut more, &streamed_dir, &OutputFormat::ALL)
        .unwrap();
    let files = files_in(&held_dir);
    assert!(files.len() >= 10, "{:?}", files.iter().map(|f| &f.0));
    let written = files_in(&streamed_dir);
    assert_eq!(
        files.iter().map(|f| &f.0).collect::<Vec<_>>(),
        written.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in files.iter().zip(&written) {
        assert!(a == b, "{name} differs between held and streamed windows");
    }
    assert_eq!(more.len(), 0, "every window was written");
    // One format to a writer (`--out -`).
    for format in OutputFormat::ALL {
        let (partial, mut more) = streamed();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        themeline::emit::write_to(held, format, &mut a).unwrap();
        themeline::emit::write_to_with(&partial, &mut more, format, &mut b).unwrap();
        assert!(a == b, "{format} to a writer differs");
    }
    files
}

/// Runs `config` on `inputs` held and streamed; returns the held timeline and
/// its files.
fn held_and_streamed(
    config: &Config,
    inputs: &[PathBuf],
    dir: &Path,
) -> (Timeline, Vec<(String, Vec<u8>)>) {
    let pipeline = Pipeline::new(config.clone()).unwrap();
    let held = pipeline.run_corpus(pipeline.read(inputs).unwrap()).unwrap();
    let files = same_bytes(
        &held,
        &mut || {
            pipeline
                .run_corpus_streamed(pipeline.read(inputs).unwrap())
                .unwrap()
        },
        dir,
    );
    (held, files)
}

#[test]
fn streamed_windows_write_the_same_bytes_in_one_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        window: "2m".parse().unwrap(),
        ..Config::default()
    };
    let (held, _) = held_and_streamed(
        &config,
        &[root().join("data/kubecon-eu-2024-recap.txt")],
        dir.path(),
    );
    assert!(held.windows.len() > 10);
}

#[test]
fn streamed_windows_write_the_same_bytes_with_timelines_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        window: "decade".parse().unwrap(),
        group_by: GroupBy::Source,
        themes: Some("cloud-native".into()),
        ..Config::default()
    };
    let (held, _) = held_and_streamed(&config, &[fixture("sotu")], dir.path());
    let sources: BTreeSet<_> = held.windows.iter().map(|w| w.source.clone()).collect();
    assert!(sources.len() > 2, "{sources:?}");
}

#[test]
fn streamed_windows_write_the_same_bytes_with_timelines_per_speaker() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        window: "1m".parse().unwrap(),
        group_by: GroupBy::Speaker,
        themes: Some("cloud-native".into()),
        ..Config::default()
    };
    let (held, files) = held_and_streamed(&config, &with_speakers(), dir.path());
    let speakers: BTreeSet<_> = held.windows.iter().map(|w| w.speaker.clone()).collect();
    assert!(speakers.len() >= 3, "{speakers:?}");
    assert!(speakers.iter().all(Option::is_some));
    // The lexicon's themes leave terms unassigned per speaker: made from what
    // the streamed reports keep, not from the reports.
    assert!(held.unassigned.iter().all(|u| u.speaker.is_some()));
    assert!(!held.unassigned.is_empty());
    assert!(files.iter().any(|(name, _)| name == "speakers.csv"));
}

#[test]
fn a_streamed_merge_writes_what_a_held_merge_writes() {
    let one = [root().join("data/kubecon-eu-2024-recap.txt")];
    let speakers = with_speakers();
    let runs: [(&[PathBuf], GroupBy, &str); 2] = [
        (&one, GroupBy::None, "2m"),
        (&speakers, GroupBy::Speaker, "1m"),
    ];
    for (inputs, group_by, window) in runs {
        let config = Config {
            window: window.parse().unwrap(),
            group_by,
            discover: Some(0),
            ..Config::default()
        };
        let pipeline = Pipeline::new(config).unwrap();
        let shard = || {
            let shard = pipeline.count(pipeline.read(inputs).unwrap()).unwrap();
            vec![("shard.json".to_string(), shard)]
        };
        let held = pipeline.merge(shard()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        same_bytes(
            &held,
            &mut || pipeline.merge_streamed(shard()).unwrap(),
            dir.path(),
        );
    }
}
