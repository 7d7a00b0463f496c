//! The speech-recognition and speaker-turn readers on the real files of
//! `tests/fixtures/asr/` (provenance and field specs in its README), their
//! bad-input variants, and the ways in: standard input, compressed files, and
//! dates from a side file.

use std::io::Write;
use std::path::{Path, PathBuf};

use themeline::ingest::{
    DiagnosticKind, Format, IngestOptions, Ingested, Segment, read_bytes, read_paths,
};
use themeline::time::Millis;
use themeline::window::token_time;

mod common;
use common::{root, themeline};

fn asr(name: &str) -> PathBuf {
    root().join("tests/fixtures/asr").join(name)
}

fn read_with(path: &Path, options: &IngestOptions) -> Ingested {
    let ingested = read_paths(&[path.to_path_buf()], options).unwrap();
    for source in &ingested.sources {
        assert_eq!(source.lines.total, source.lines.accounted(), "{:?}", source);
        assert_eq!(
            source.lines.skipped,
            source.skipped_lines.values().sum::<u64>()
        );
    }
    ingested
}

fn read(name: &str) -> Ingested {
    read_with(&asr(name), &IngestOptions::default())
}

fn words(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .flat_map(|s| s.text.split_whitespace())
        .collect()
}

fn speakers(ingested: &Ingested) -> Vec<Option<&str>> {
    ingested
        .segments
        .iter()
        .map(|s| s.speaker.and_then(|id| ingested.speaker(id)))
        .collect()
}

#[test]
fn every_fixture_is_detected_as_its_format() {
    for (name, format) in [
        ("whisper/gossos.word_timestamps.json", Format::WhisperJson),
        ("whisper/dosparlants.diarization.json", Format::WhisperJson),
        ("whisper/dosparlants.diarization.tsv", Format::WhisperTsv),
        ("whisper/gossos.openai_writer.tsv", Format::WhisperTsv),
        ("whisper/gossos.translate.tsv", Format::WhisperTsv),
        ("whisper_cpp/gossos.converted.oj.json", Format::WhisperCpp),
        ("whisper_cpp/jfk.stub-tiny-en.oj.json", Format::WhisperCpp),
        (
            "whisper_cpp/jfk.stub-tiny-auto.ojf.json",
            Format::WhisperCpp,
        ),
        (
            "podcasting20/podnews_weekly_review_2023-05-05.json",
            Format::PodcastJson,
        ),
        (
            "podcasting20/how_to_start_a_podcast.cut.json",
            Format::PodcastJson,
        ),
        ("podcasting20/spec_example.json", Format::PodcastJson),
        (
            "podcasting20/edge_optional_fields.json",
            Format::PodcastJson,
        ),
        (
            "aws_transcribe/osr_us_000_0010.cut.json",
            Format::AwsTranscribe,
        ),
        (
            "aws_transcribe/music-to-my-ears.json",
            Format::AwsTranscribe,
        ),
        (
            "aws_transcribe/aws_docs_diarization_example.json",
            Format::AwsTranscribe,
        ),
        ("youtube_json3/auto_captions.cut.json3", Format::Json3),
        ("youtube_json3/manual_captions.cut.json3", Format::Json3),
        (
            "speaker_turns/changelog-go-time-334.cut.md",
            Format::SpeakerTurns,
        ),
        (
            "speaker_turns/changelog-go-time-240.cut.md",
            Format::SpeakerTurns,
        ),
        (
            "speaker_turns/otter-ladybug-66.head.txt",
            Format::SpeakerTurns,
        ),
        (
            "speaker_turns/otter-ladybug-38.tail.md",
            Format::SpeakerTurns,
        ),
        (
            "speaker_turns/bracket-stamp-speaker.converted.txt",
            Format::SpeakerTurns,
        ),
        (
            "speaker_turns/speaker-paren-stamp.converted.md",
            Format::SpeakerTurns,
        ),
    ] {
        let ingested = read(name);
        assert_eq!(ingested.sources[0].format, Some(format), "{name}");
        let real = !name.starts_with("whisper_cpp/jfk");
        assert_eq!(ingested.segments.is_empty(), !real, "{name}");
        if real {
            assert!(
                ingested.diagnostics.is_empty(),
                "{name}: {:?}",
                ingested.diagnostics
            );
        }
    }
}

/// Every word of `words` (text, start, end) is placed, by interpolation within
/// its segment, no earlier than the word before it starts and no later than the
/// word after it ends.
fn assert_words_placed(segments: &[Segment], timed: &[(String, Millis, Millis)]) {
    let mut k = 0;
    for segment in segments {
        let mut offset = 0;
        for piece in segment.text.split(' ') {
            let at = token_time(segment.start, segment.end, offset, segment.text.len());
            let low = if k == 0 { 0 } else { timed[k - 1].1 };
            let high = timed.get(k + 1).map_or(Millis::MAX, |w| w.2);
            assert!(
                (low..=high).contains(&at),
                "word {k} {piece:?} placed at {at}, not within {low}..={high}"
            );
            offset += piece.len() + 1;
            k += 1;
        }
    }
    assert_eq!(k, timed.len(), "every word once");
}

#[test]
fn whisper_word_timestamps_place_every_word() {
    let ingested = read("whisper/gossos.word_timestamps.json");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(asr("whisper/gossos.word_timestamps.json")).unwrap())
            .unwrap();
    let mut timed: Vec<(String, Millis, Millis)> = Vec::new();
    for segment in json["segments"].as_array().unwrap() {
        for word in segment["words"].as_array().unwrap() {
            let text = word["word"].as_str().unwrap();
            let ms = |v: &serde_json::Value| (v.as_f64().unwrap() * 1000.0).round() as Millis;
            if text.starts_with(' ') || timed.is_empty() {
                timed.push((text.trim().into(), ms(&word["start"]), ms(&word["end"])));
            } else {
                timed.last_mut().unwrap().0.push_str(text);
            }
        }
    }
    assert_eq!(
        timed.len(),
        62,
        "65 words, three glued on: L'esquelet, s'han, impulsar-los"
    );
    assert_eq!(words(&ingested.segments).len(), timed.len());
    assert!(
        ingested.segments.len() <= 16,
        "{} segments",
        ingested.segments.len()
    );
    assert_words_placed(&ingested.segments, &timed);
    assert!(words(&ingested.segments).contains(&"L'esquelet"));
    // A whisper segment boundary is a segment boundary.
    assert!(ingested.segments.iter().any(|s| s.start == 16_000));
}

#[test]
fn whisper_json_and_tsv_of_one_run_agree() {
    let json = read("whisper/dosparlants.diarization.json");
    let tsv = read("whisper/dosparlants.diarization.tsv");
    let key = |s: &Segment| (s.start, s.end, s.text.clone());
    assert_eq!(
        json.segments.iter().map(key).collect::<Vec<_>>(),
        tsv.segments.iter().map(key).collect::<Vec<_>>()
    );
    // Diarization in the JSON only.
    let names = speakers(&json);
    assert!(names.contains(&Some("SPEAKER_00")) && names.contains(&Some("SPEAKER_01")));
    assert!(speakers(&tsv).iter().all(Option::is_none));
    assert_eq!(tsv.sources[0].lines.metadata, 1, "the header");
}

#[test]
fn whisper_cpp_reads_offsets_in_milliseconds() {
    let cpp = read("whisper_cpp/gossos.converted.oj.json");
    let tsv = read("whisper/gossos.openai_writer.tsv");
    let key = |s: &Segment| (s.start, s.end, s.text.clone());
    assert_eq!(
        cpp.segments.iter().map(key).collect::<Vec<_>>(),
        tsv.segments.iter().map(key).collect::<Vec<_>>()
    );
    // The stub model's empty transcription is said, not silently nothing.
    let empty = read("whisper_cpp/jfk.stub-tiny-en.oj.json");
    assert_eq!(empty.diagnostics[0].kind, DiagnosticKind::EmptyFile);
}

#[test]
fn podcasting_json_joins_one_word_segments_and_keeps_speakers() {
    let ingested = read("podcasting20/how_to_start_a_podcast.cut.json");
    let text = words(&ingested.segments).join(" ");
    assert!(
        text.starts_with("Hey, Travis Albritain here. Uh, so I hope"),
        "{text}"
    );
    assert!(
        ingested.segments.len() < 75 / 3,
        "{}",
        ingested.segments.len()
    );
    let names = speakers(&ingested);
    assert_eq!(names[0], Some("Travis"));
    assert!(names.contains(&Some("Eric")));
    let edge = read("podcasting20/edge_optional_fields.json");
    assert_eq!(
        words(&edge.segments).join(" "),
        "No speaker field at all. Speaker is null; times are integers. No endTime (spec: 'if available').,"
    );
    // Podnews: cross-talk goes back in time a little, reported and kept.
    let podnews = read_with(
        &asr("podcasting20/podnews_weekly_review_2023-05-05.json"),
        &IngestOptions::default(),
    );
    assert!(
        podnews
            .segments
            .windows(2)
            .all(|p| p[0].start <= p[1].start)
    );
}

#[test]
fn aws_transcribe_attaches_punctuation_and_labels_speakers() {
    let ingested = read("aws_transcribe/aws_docs_diarization_example.json");
    let texts: Vec<&str> = ingested.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts.join(" "),
        "I've been on hold for an hour. Sorry about that."
    );
    assert_eq!(speakers(&ingested).first(), Some(&Some("spk_0")));
    assert_eq!(speakers(&ingested).last(), Some(&Some("spk_1")));
    // Older outputs: speakers only under speaker_labels (none here) — and no
    // diarization at all.
    let plain = read("aws_transcribe/music-to-my-ears.json");
    assert!(speakers(&plain).iter().all(Option::is_none));
    assert_eq!(plain.segments[0].start, 650);
    let osr = read("aws_transcribe/osr_us_000_0010.cut.json");
    // What the recogniser heard of "The birch canoe slid on the smooth planks",
    // a sentence a segment.
    assert_eq!(osr.segments[0].text, "the birds.");
    assert!(osr.segments[1].text.starts_with("Canoes lit"));
}

#[test]
fn json3_auto_captions_place_words_and_skip_line_breaks() {
    let ingested = read("youtube_json3/auto_captions.cut.json3");
    let text = words(&ingested.segments).join(" ");
    assert!(
        text.starts_with("in the comments all right oh good I think we"),
        "{text}"
    );
    assert!(!text.contains('\n'));
    assert_eq!(ingested.segments[0].start, 0);
    let manual = read("youtube_json3/manual_captions.cut.json3");
    assert_eq!(manual.segments.len(), 6, "a segment per caption");
    assert_eq!(
        (manual.segments[1].start, manual.segments[1].end),
        (4_040, 9_130)
    );
    assert_eq!(
        manual.segments[1].text,
        "Today, I have some good news and some bad news."
    );
}

#[test]
fn changelog_markdown_turns_are_timed_between_their_stamps() {
    let ingested = read("speaker_turns/changelog-go-time-334.cut.md");
    let source = &ingested.sources[0];
    assert!(source.markup > 50, "{}", source.markup);
    let first = &ingested.segments[0];
    assert_eq!(first.start, 0);
    assert!(first.text.starts_with("Hello, fellow gophers."));
    assert!(!ingested.segments.iter().any(|s| s.text.contains("**")));
    // The turn stamped \[07:50\] starts then, and its text loses the stamp.
    let stamped = ingested
        .segments
        .iter()
        .find(|s| s.text.starts_with("A whopping 92%"))
        .unwrap();
    assert_eq!(stamped.start, 470_000);
    // `**Name**:` is a turn; an inline \[unintelligible 00:24:38.10\] is not a stamp.
    let names = speakers(&ingested);
    assert!(names.contains(&Some("Natalie Pistunovich")));
    assert!(
        ingested
            .segments
            .iter()
            .any(|s| s.text.contains("[unintelligible 00:24:38.10]"))
    );
    // The break ends the segments before it.
    let before_break = ingested
        .segments
        .iter()
        .filter(|s| s.start < 945_000)
        .map(|s| s.end)
        .max()
        .unwrap();
    assert_eq!(before_break, 945_000);
    assert!(ingested.segments.windows(2).all(|p| p[0].end <= p[1].start));
    let old = read("speaker_turns/changelog-go-time-240.cut.md");
    assert!(
        old.segments.iter().any(|s| s.start == 484_160),
        "\\[00:08:04.16\\]"
    );
}

#[test]
fn the_three_layouts_of_one_otter_export_agree() {
    let otter = read("speaker_turns/otter-ladybug-66.head.txt");
    let key = |i: &Ingested| -> Vec<(Millis, Option<String>, String)> {
        i.segments
            .iter()
            .map(|s| {
                let name = s.speaker.and_then(|id| i.speaker(id)).map(str::to_string);
                (s.start, name, s.text.clone())
            })
            .collect()
    };
    let bracket = read("speaker_turns/bracket-stamp-speaker.converted.txt");
    let paren = read("speaker_turns/speaker-paren-stamp.converted.md");
    assert_eq!(key(&otter), key(&bracket));
    assert_eq!(key(&otter), key(&paren));
    assert_eq!(otter.segments.len(), 17);
    let tail = read("speaker_turns/otter-ladybug-38.tail.md");
    // The hour rolls over (59:47 -> 1:00:22); Unknown Speaker is no one.
    assert!(tail.segments.iter().any(|s| s.start == 3_622_000));
    assert!(speakers(&tail).contains(&None));
    assert!(!speakers(&tail).contains(&Some("Unknown Speaker")));
}

/// What each bad input must give: the kinds of its diagnostics and their lines
/// (0: the file), and how many segments are still read.
#[test]
fn bad_inputs_end_in_a_message_with_their_line() {
    use DiagnosticKind::*;
    type Case<'a> = (&'a str, &'a [(DiagnosticKind, u32)], usize);
    let cases: &[Case] = &[
        ("aws_missing_alternatives.json", &[(MissingField, 1)], 2),
        ("aws_no_results.json", &[(MissingField, 1)], 0),
        (
            "aws_pronunciation_without_start.json",
            &[(MissingField, 1)],
            1,
        ),
        ("aws_time_backwards.json", &[(TimeBackwards, 1)], 3),
        ("aws_time_not_a_number.json", &[(MalformedTimestamp, 1)], 2),
        // 00:00:20 goes back only from the two stamps that do not read.
        (
            "bracket_stamp_bad.txt",
            &[(MalformedTimestamp, 2), (MalformedTimestamp, 3)],
            4,
        ),
        (
            "changelog_malformed_stamps.md",
            &[
                (MalformedTimestamp, 1),
                (MalformedTimestamp, 3),
                (MalformedTimestamp, 5),
                (NoTimestamps, 0),
            ],
            0,
        ),
        ("changelog_time_backwards.md", &[(TimeBackwards, 3)], 2),
        (
            "json3_negative_offset.json3",
            &[(MalformedTimestamp, 76)],
            7,
        ),
        ("json3_no_events.json3", &[(MissingField, 1)], 0),
        ("json3_truncated.json3", &[(MalformedRecord, 86)], 0),
        (
            "json3_tstartms_string.json3",
            &[(MalformedTimestamp, 76)],
            7,
        ),
        (
            "otter_bad_time.txt",
            &[
                (MalformedTimestamp, 1),
                (MalformedTimestamp, 4),
                (MalformedTimestamp, 7),
                (NoTimestamps, 0),
            ],
            0,
        ),
        ("otter_time_backwards.txt", &[(TimeBackwards, 4)], 2),
        (
            "paren_stamp_bad.md",
            &[
                (MalformedTimestamp, 1),
                (MalformedTimestamp, 4),
                (MalformedTimestamp, 7),
            ],
            3,
        ),
        ("podcast20_body_not_string.json", &[(MalformedRecord, 1)], 0),
        ("podcast20_missing_starttime.json", &[(MissingField, 1)], 1),
        (
            "podcast20_negative_time.json",
            &[(MalformedTimestamp, 1)],
            0,
        ),
        (
            "podcast20_segments_not_array.json",
            &[(MalformedRecord, 1)],
            0,
        ),
        ("podcast20_truncated.json", &[(MalformedRecord, 1)], 0),
        ("whisper_cpp_no_transcription.json", &[(MissingField, 1)], 0),
        (
            "whisper_cpp_offsets_as_strings.json",
            &[(MalformedTimestamp, 31)],
            1,
        ),
        // Accepted: whisper.cpp writes raw control characters itself.
        ("whisper_cpp_raw_control_chars.json", &[], 2),
        ("whisper_cpp_truncated.json", &[(MalformedRecord, 38)], 0),
        (
            "whisper_end_before_start.json",
            &[(MalformedTimestamp, 1)],
            1,
        ),
        ("whisper_missing_segments.json", &[(MissingField, 1)], 0),
        (
            "whisper_start_as_string.json",
            &[(MalformedTimestamp, 1)],
            1,
        ),
        (
            "whisper_time_backwards.json",
            &[(TimeBackwards, 1), (MalformedTimestamp, 1)],
            2,
        ),
        ("whisper_truncated.json", &[(MalformedRecord, 1)], 0),
        ("whisper_tsv_missing_column.tsv", &[(MissingField, 3)], 1),
        ("whisper_tsv_no_header.tsv", &[(MissingField, 1)], 0),
        (
            "whisper_tsv_seconds_not_ms.tsv",
            &[(MalformedTimestamp, 2), (MalformedTimestamp, 3)],
            0,
        ),
        (
            "whisper_word_outside_segment.json",
            &[(MalformedTimestamp, 1)],
            1,
        ),
    ];
    let listed: Vec<String> = std::fs::read_dir(asr("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(listed.len(), cases.len(), "a case for every bad file");
    for (name, expected, segments) in cases {
        let ingested = read(&format!("bad/{name}"));
        let found: Vec<(DiagnosticKind, u32)> = ingested
            .diagnostics
            .iter()
            .map(|d| (d.kind, d.line))
            .collect();
        assert_eq!(found, *expected, "{name}: {:?}", ingested.diagnostics);
        assert_eq!(ingested.segments.len(), *segments, "{name}");
        for d in &ingested.diagnostics {
            assert!(
                d.to_string()
                    .starts_with(&asr("bad").join(name).display().to_string())
            );
        }
        // Under strict, the first problem is an error naming the file.
        if let Some(first) = ingested.diagnostics.first() {
            let strict = IngestOptions {
                strict: true,
                ..IngestOptions::default()
            };
            let err = read_paths(&[asr("bad").join(name)], &strict).unwrap_err();
            assert!(err.to_string().contains(&first.message), "{name}: {err}");
        }
    }
}

#[test]
fn the_bad_inputs_run_end_to_end_without_a_panic() {
    let out = tempfile::tempdir().unwrap();
    let output = themeline()
        .args(["run", "--no-config", "--window", "10s", "--min-count", "1"])
        .arg(asr("bad"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("aws_no_results.json:1: no \"results\" object"),
        "{stderr}"
    );
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("timeline.json")).unwrap()).unwrap();
    let diagnostics = timeline["meta"]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 43);
    let tsv = diagnostics
        .iter()
        .find(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .ends_with("whisper_tsv_missing_column.tsv")
        })
        .unwrap();
    assert_eq!(tsv["line"], 3);
    assert_eq!(timeline["meta"]["statistics"]["lines"]["total"], 820);
}

#[test]
fn webvtt_voices_are_speakers_in_inspect_output() {
    let output = themeline()
        .args(["inspect", "--no-config", "--what", "segments"])
        .arg(root().join("tests/fixtures/rawkode-k42oh0xm4308e1k5b12vzy8q.vtt"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["speaker"], "Speaker 0");
    // No speaker, no field.
    let output = themeline()
        .args(["inspect", "--no-config", "--what", "segments", "data"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(output.stdout)
            .unwrap()
            .contains("\"speaker\"")
    );
}

#[test]
fn speakers_survive_reading_again() {
    let inspect = |stream_bytes: &str| {
        let output = themeline()
            .args([
                "inspect",
                "--no-config",
                "--what",
                "segments",
                "--stream-bytes",
                stream_bytes,
            ])
            .arg(asr("whisper/dosparlants.diarization.json"))
            .arg(asr("aws_transcribe/aws_docs_diarization_example.json"))
            .arg(asr("speaker_turns/otter-ladybug-66.head.txt"))
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let held = inspect("0");
    assert!(held.contains("\"speaker\":\"spk_1\""));
    assert_eq!(held, inspect("1"));
}

#[test]
fn standard_input_is_read_by_content() {
    let tsv = std::fs::read(asr("whisper/dosparlants.diarization.tsv")).unwrap();
    let output = themeline()
        .args(["inspect", "--no-config", "--what", "sources", "-"])
        .write_stdin(tsv)
        .output()
        .unwrap();
    assert!(output.status.success());
    let row: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(row["input"]["path"], "<stdin>");
    assert_eq!(row["input"]["format"], "whisper-tsv");
    // Named twice: refused.
    let twice = themeline()
        .args(["inspect", "--no-config", "--what", "sources", "-", "-"])
        .write_stdin("0:01 hi\n")
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("standard input"));
}

fn compress(dir: &Path, source: &Path, ending: &str) -> PathBuf {
    let bytes = std::fs::read(source).unwrap();
    let name = format!("{}.{ending}", source.file_name().unwrap().to_string_lossy());
    let path = dir.join(name);
    let compressed = match ending {
        "gz" => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&bytes).unwrap();
            gz.finish().unwrap()
        }
        _ => ruzstd::encoding::compress_to_vec(
            bytes.as_slice(),
            ruzstd::encoding::CompressionLevel::Fastest,
        ),
    };
    std::fs::write(&path, compressed).unwrap();
    path
}

#[test]
fn compressed_files_read_as_their_content_held_or_streamed() {
    let dir = tempfile::tempdir().unwrap();
    for source in [
        root().join("data/kubecon-eu-2024-recap.txt"),
        root().join("tests/fixtures/rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt"),
        asr("speaker_turns/changelog-go-time-334.cut.md"),
        root().join("tests/fixtures/sotu/1864-Lincoln-1.txt"),
    ] {
        let plain = read_with(&source, &IngestOptions::default());
        for ending in ["gz", "zst"] {
            let path = compress(dir.path(), &source, ending);
            for stream_bytes in [0, 1] {
                let options = IngestOptions {
                    stream_bytes,
                    ..IngestOptions::default()
                };
                let packed = read_with(&path, &options);
                let (a, b) = (&plain.sources[0], &packed.sources[0]);
                assert_eq!(
                    (a.format, a.lines, a.bytes),
                    (b.format, b.lines, b.bytes),
                    "{path:?}"
                );
                if stream_bytes == 0 {
                    assert_eq!(plain.segments, packed.segments, "{path:?}");
                } else {
                    assert_eq!(packed.streamed.len(), 1, "{path:?}");
                }
            }
        }
    }
    // In a directory, compressed files with a known inner extension are read.
    let dir_read = read_paths(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    assert_eq!(dir_read.sources.len(), 8);
    // A file that is not what its ending says is an error naming it.
    let broken = dir.path().join("broken.txt.gz");
    std::fs::write(&broken, b"plain text").unwrap();
    let err = read_paths(std::slice::from_ref(&broken), &IngestOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with(&broken.display().to_string()),
        "{err}"
    );
}

#[test]
fn a_dates_side_file_dates_documents_and_wins_over_names() {
    let sotu = root().join("tests/fixtures/sotu");
    let dates = root().join("tests/fixtures/sotu-dates.csv");
    let run = |extra: &[&str]| -> serde_json::Value {
        let out = tempfile::tempdir().unwrap();
        let output = themeline()
            .args(["run", "--no-config", "--window", "year", "--format", "json"])
            .arg(&sotu)
            .args(extra)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&std::fs::read(out.path().join("timeline.json")).unwrap()).unwrap()
    };
    let dated = run(&["--dates", dates.to_str().unwrap()]);
    assert_eq!(
        dated["meta"]["options"]["dates"].as_str(),
        Some(dates.to_str().unwrap())
    );
    let undated = run(&[]);
    assert!(
        undated["meta"]["options"].get("dates").is_none(),
        "not recorded when unset"
    );
    // Same years, other days: Lincoln's address was on 6 December 1864.
    let inspect = themeline()
        .args(["inspect", "--no-config", "--what", "segments", "--dates"])
        .arg(&dates)
        .arg(sotu.join("1864-Lincoln-1.txt"))
        .output()
        .unwrap();
    let row: serde_json::Value = serde_json::from_str(
        String::from_utf8(inspect.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let lincoln = themeline::time::parse_instant("1864-12-06", &themeline::time::Zone::utc());
    assert_eq!(row["start"].as_i64(), lincoln);
    // A file without a date in its name is dated by the side file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keynote.txt"),
        "A speech about platforms.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("dates.csv"), "keynote,2024-03-20\n").unwrap();
    let options = IngestOptions {
        dates: Some(themeline::ingest::dates::DatesFile::new(
            dir.path().join("dates.csv"),
        )),
        ..IngestOptions::default()
    };
    let ingested = read_with(&dir.path().join("keynote.txt"), &options);
    assert_eq!(ingested.sources[0].format, Some(Format::Document));
    // An unusable side file stops the run with its line.
    std::fs::write(dir.path().join("bad.csv"), "file,date\nkeynote,someday\n").unwrap();
    let output = themeline()
        .args(["run", "--no-config", "--dates"])
        .arg(dir.path().join("bad.csv"))
        .arg(dir.path().join("keynote.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.csv:2: "));
}

#[test]
fn records_decide_their_language_one_by_one_under_auto() {
    let text = concat!(
        "{\"date\": \"2024-01-01\", \"title\": \"Security\", \"description\": \"Security was the big theme of the conference, and platform engineering came right after it.\"}\n",
        "{\"date\": \"2024-02-01\", \"title\": \"Sicherheit\", \"description\": \"Die Sicherheit der Plattform ist wichtig, und wir haben viele neue Werkzeuge gesehen, die den Entwicklern helfen.\"}\n",
    );
    let mut ingested = Ingested::default();
    let auto = IngestOptions {
        record_languages: true,
        ..IngestOptions::default()
    };
    read_bytes("talks.jsonl", text.as_bytes(), &mut ingested, &auto).unwrap();
    let languages: Vec<_> = ingested.segments.iter().map(|s| s.language).collect();
    use themeline::stem::Language;
    assert_eq!(languages, [Some(Language::English), Some(Language::German)]);
    assert!(
        ingested.segments[0]
            .text
            .starts_with("Security\nSecurity was")
    );
    // The pipeline analyses each record in its own language.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("talks.jsonl");
    std::fs::write(&file, text).unwrap();
    let output = themeline()
        .args([
            "inspect",
            "--no-config",
            "--what",
            "tokens",
            "--language",
            "auto",
            "--window",
            "month",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let german: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
    let terms: Vec<&str> = german["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(terms.contains(&"werkzeug"), "German stems: {terms:?}");
    assert!(!terms.contains(&"die"), "German stop words: {terms:?}");
}

/// Cut and corrupted copies of every fixture, read as every new format: no
/// panic, every line counted (a cheap stand-in for the fuzz targets).
#[test]
fn damaged_fixtures_never_panic_in_any_reader() {
    let formats = [
        Format::SpeakerTurns,
        Format::WhisperJson,
        Format::WhisperTsv,
        Format::WhisperCpp,
        Format::PodcastJson,
        Format::AwsTranscribe,
        Format::Json3,
    ];
    let mut files = Vec::new();
    for dir in [
        "whisper",
        "whisper_cpp",
        "podcasting20",
        "aws_transcribe",
        "youtube_json3",
        "speaker_turns",
    ] {
        for entry in std::fs::read_dir(asr(dir)).unwrap() {
            files.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    for bytes in &files {
        let step = (bytes.len() / 7).max(1);
        let mut variants: Vec<Vec<u8>> = (1..7)
            .map(|k| bytes[..(k * step).min(bytes.len())].to_vec())
            .collect();
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(step.max(13) / 13 + 1) {
            flipped[i] = match flipped[i] {
                b'"' => b'\\',
                b'[' => b'{',
                b':' => b'"',
                b'0'..=b'9' => b'-',
                other => other ^ 0x20,
            };
        }
        variants.push(flipped);
        for variant in &variants {
            for format in formats {
                let mut ingested = Ingested::default();
                let options = IngestOptions {
                    format: Some(format),
                    ..IngestOptions::default()
                };
                read_bytes("damaged", variant, &mut ingested, &options).unwrap();
                let lines = ingested.sources[0].lines;
                assert_eq!(lines.total, lines.accounted(), "{format}: {lines:?}");
                for segment in &ingested.segments {
                    assert!(segment.end >= segment.start);
                }
            }
        }
    }
}
