//! A streamed run (the last timeline's windows made one at a time as the outputs
//! take them, `Pipeline::run_corpus_streamed`) writes the same bytes as a run
//! whose timeline holds every window, with one timeline and with one per source,
//! and through a shard merge.

use std::path::{Path, PathBuf};

use themeline::config::GroupBy;
use themeline::emit::OutputFormat;
use themeline::{Config, Pipeline};

mod common;
use common::{files_in, root};

fn held_and_streamed(config: &Config, inputs: &[PathBuf], dir: &Path) {
    let pipeline = Pipeline::new(config.clone()).unwrap();
    let timeline = pipeline.run_corpus(pipeline.read(inputs).unwrap()).unwrap();
    let (partial, mut last) = pipeline
        .run_corpus_streamed(pipeline.read(inputs).unwrap())
        .unwrap();
    assert_eq!(partial.meta.statistics, timeline.meta.statistics);
    assert_eq!(partial.windows.len() + last.len(), timeline.windows.len());
    let (held, streamed) = (dir.join("held"), dir.join("streamed"));
    themeline::emit::write_formats(&timeline, &held, &OutputFormat::ALL).unwrap();
    themeline::emit::write_formats_with(&partial, &mut last, &streamed, &OutputFormat::ALL)
        .unwrap();
    assert_eq!(last.len(), 0, "every window was written");
    let files = files_in(&held);
    assert_eq!(files.len(), 10);
    assert_eq!(files, files_in(&streamed));
}

#[test]
fn streamed_windows_write_the_same_bytes_in_one_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        window: "2m".parse().unwrap(),
        ..Config::default()
    };
    held_and_streamed(
        &config,
        &[root().join("data/kubecon-eu-2024-recap.txt")],
        dir.path(),
    );
}

#[test]
fn streamed_windows_write_the_same_bytes_with_timelines_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        window: "decade".parse().unwrap(),
        group_by: GroupBy::Source,
        ..Config::default()
    };
    held_and_streamed(&config, &[root().join("tests/fixtures/sotu")], dir.path());
}

#[test]
fn a_streamed_merge_writes_what_a_held_merge_writes() {
    let config = Config {
        window: "2m".parse().unwrap(),
        discover: Some(0),
        ..Config::default()
    };
    let pipeline = Pipeline::new(config).unwrap();
    let inputs = [root().join("data/kubecon-eu-2024-recap.txt")];
    let shard = || {
        let shard = pipeline.count(pipeline.read(&inputs).unwrap()).unwrap();
        vec![("shard.json".to_string(), shard)]
    };
    let timeline = pipeline.merge(shard()).unwrap();
    let (partial, mut last) = pipeline.merge_streamed(shard()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (held, streamed) = (dir.path().join("held"), dir.path().join("streamed"));
    themeline::emit::write_formats(&timeline, &held, &OutputFormat::DEFAULT).unwrap();
    themeline::emit::write_formats_with(&partial, &mut last, &streamed, &OutputFormat::DEFAULT)
        .unwrap();
    assert_eq!(files_in(&held), files_in(&streamed));
}
