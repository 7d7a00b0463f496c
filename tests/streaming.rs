//! Beyond `stream_bytes` of input, files are read again by each pass instead of
//! held (large transcripts line by line); that must not change a single byte of
//! any output. Each case runs the same inputs twice, once with every file read
//! again (`stream_bytes: 1`) and once with every file held (`stream_bytes: 0`),
//! and compares every output file.

use std::path::{Path, PathBuf};

use themeline::config::GroupBy;
use themeline::{Config, Pipeline};

mod common;
use common::root;

fn outputs(config: &Config, inputs: &[PathBuf], dir: &Path) -> (Vec<(String, Vec<u8>)>, usize) {
    let pipeline = Pipeline::new(config.clone()).unwrap();
    let corpus = pipeline.read(inputs).unwrap();
    let streamed = corpus.ingested().streamed.len();
    let timeline = pipeline.run_corpus(corpus).unwrap();
    themeline::write_outputs(&timeline, dir).unwrap();
    (common::files_in(dir), streamed)
}

/// Runs `config` on `inputs` streamed and held; returns how many sources streamed.
fn assert_streaming_changes_nothing(config: Config, inputs: &[PathBuf]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let (held, none) = outputs(
        &Config {
            stream_bytes: 0,
            ..config.clone()
        },
        inputs,
        &dir.path().join("held"),
    );
    assert_eq!(none, 0);
    let (streamed, count) = outputs(
        &Config {
            stream_bytes: 1,
            ..config
        },
        inputs,
        &dir.path().join("streamed"),
    );
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    // Every file of the formats, and speakers.csv for inputs that name speakers.
    for file in themeline::emit::OutputFormat::DEFAULT
        .iter()
        .flat_map(|f| f.files())
    {
        assert!(names(&held).iter().any(|n| n == file), "{file} is missing");
    }
    assert_eq!(
        names(&held),
        names(&streamed),
        "the same files, held or streamed"
    );
    for ((name, a), (_, b)) in held.iter().zip(&streamed) {
        assert!(a == b, "{name} differs when transcripts are streamed");
    }
    count
}

fn default_config() -> Config {
    let file =
        themeline::config_file::ConfigFile::load(&root().join("data/themeline.toml")).unwrap();
    let mut config = Config::default();
    file.apply(&mut config);
    config
}

#[test]
fn the_default_run_is_the_same_streamed() {
    let inputs = vec![root().join("data/kubecon-eu-2024-recap.txt")];
    assert_eq!(
        assert_streaming_changes_nothing(default_config(), &inputs),
        1
    );
    // Discovered themes read the text again, in batches.
    let discover = Config {
        discover: Some(8),
        ..default_config()
    };
    assert_streaming_changes_nothing(discover, &inputs);
    // So do bins by tokens, when the windows are laid out.
    let bins = Config {
        bins: Some(7),
        bins_by: themeline::window::BinBy::Tokens,
        ..default_config()
    };
    assert_streaming_changes_nothing(bins, &inputs);
}

#[test]
fn messy_transcripts_report_the_same_problems_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        b"\xEF\xBB\xBFA messy talk\r\nabout things\r\n\r\n0:05 hello security\r\n".to_vec();
    text.extend_from_slice(b"0:10 bad \xFF\xFE bytes here\n0:07 time goes back\n1:5 not a stamp\n");
    text.extend_from_slice(b"0:20\nstamp on its own line\nand more text\n0:30 [Music] last one\r");
    let messy = dir.path().join("messy.txt");
    std::fs::write(&messy, text).unwrap();
    let config = Config {
        window: "10s".parse().unwrap(),
        min_count: 1,
        ..Config::default()
    };
    assert_eq!(assert_streaming_changes_nothing(config, &[messy]), 1);
}

#[test]
fn streamed_and_held_sources_mix_in_one_run() {
    let inputs = vec![
        root().join("data/kubecon-eu-2024-recap.txt"),
        root().join("tests/fixtures/kubecon-rolling.vtt"),
        root().join("tests/fixtures/messy-transcript.txt"),
    ];
    for group_by in [GroupBy::None, GroupBy::Source] {
        let config = Config {
            group_by,
            ..default_config()
        };
        assert_eq!(assert_streaming_changes_nothing(config, &inputs), 3);
    }
    // Anchored at an instant, beside dated documents.
    let mut dated = inputs.clone();
    dated.push(root().join("tests/fixtures/sotu/1973-Nixon-1.txt"));
    let config = Config {
        window: "year".parse().unwrap(),
        start: Some("1973-01-01T09:00:00Z".parse().unwrap()),
        discover: Some(4),
        themes: None,
        ..default_config()
    };
    assert_eq!(assert_streaming_changes_nothing(config, &dated), 4);
}

#[test]
fn every_format_is_the_same_read_again() {
    let fixtures = root().join("tests/fixtures");
    let inputs = vec![
        fixtures.join("pyvideo-sample.jsonl"),
        fixtures.join("pyvideo-sample.csv"),
        fixtures.join("sotu"),
    ];
    let config = Config {
        window: "year".parse().unwrap(),
        discover: Some(5),
        ..Config::default()
    };
    let streamed = assert_streaming_changes_nothing(config, &inputs);
    assert!(streamed > 10, "{streamed} sources read again");
    let captions = vec![
        fixtures.join("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt"),
        fixtures.join("rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt"),
        fixtures.join("kubecon-youtube.json"),
        fixtures.join("kubecon-progressive.srt"),
    ];
    let config = Config {
        window: "1m".parse().unwrap(),
        group_by: GroupBy::Source,
        ..Config::default()
    };
    assert_eq!(assert_streaming_changes_nothing(config, &captions), 4);
    let asr = fixtures.join("asr");
    let recognised = vec![
        asr.join("whisper/gossos.word_timestamps.json"),
        asr.join("whisper/dosparlants.diarization.tsv"),
        asr.join("whisper_cpp/gossos.converted.oj.json"),
        asr.join("podcasting20/podnews_weekly_review_2023-05-05.json"),
        asr.join("aws_transcribe/osr_us_000_0010.cut.json"),
        asr.join("youtube_json3/auto_captions.cut.json3"),
        asr.join("speaker_turns/changelog-go-time-334.cut.md"),
        asr.join("speaker_turns/otter-ladybug-66.head.txt"),
    ];
    let config = Config {
        window: "1m".parse().unwrap(),
        min_count: 1,
        group_by: GroupBy::Source,
        ..Config::default()
    };
    assert_eq!(assert_streaming_changes_nothing(config, &recognised), 8);
}
