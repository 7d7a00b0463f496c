//! WebVTT captions (W3C WebVTT).
//!
//! A `WEBVTT` line and header lines, then blocks separated by blank lines: `NOTE`,
//! `STYLE` and `REGION` blocks (metadata), and cues: an optional identifier, a
//! timing line `start --> end [settings]` with `hh:mm:ss.ttt` or `mm:ss.ttt` times,
//! and payload lines. Payload markup (`<v Speaker 0>`, `<c>`, inline timestamps)
//! is removed and YouTube's rolling duplicates are dropped by [`super::captions`].
//! A file whose format was forced may lack the `WEBVTT` line.

use super::captions::{self, Cue};
use super::{FileReader, Format, IngestError};
use crate::time::parse_offset;

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let blocks = captions::blocks(reader, text);
    let mut cues: Vec<Cue> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        let first = block[0].1.trim_start();
        let is_header = index == 0 && first.starts_with("WEBVTT") && !first.contains("-->");
        let keyword = |word: &str| {
            first
                .strip_prefix(word)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if is_header || keyword("NOTE") || keyword("STYLE") || keyword("REGION") {
            reader.lines().metadata += block.len() as u64;
            if is_header
                && let Some(title) = block.iter().find_map(|(_, l)| l.strip_prefix("Title:"))
            {
                reader.source().title = Some(title.trim().to_string());
            }
            continue;
        }
        // The timing line is the first or, after a cue identifier, the second line.
        let Some(timing) = block.iter().take(2).position(|(_, l)| l.contains("-->")) else {
            captions::skip_untimed(reader, block)?;
            continue;
        };
        reader.lines().metadata += timing as u64;
        captions::block_cues(reader, &block[timing..], parse_offset, &mut cues)?;
    }
    captions::finish(reader, Format::WebVtt, cues)
}

#[cfg(test)]
mod tests {
    use crate::ingest::{
        Dedupe, DiagnosticKind, Format, IngestOptions, Ingested, LineCounts, read_bytes,
    };

    fn read_with(text: &str, dedupe: Dedupe) -> Ingested {
        let mut ingested = Ingested::default();
        let options = IngestOptions {
            dedupe,
            ..IngestOptions::default()
        };
        read_bytes("captions.vtt", text.as_bytes(), &mut ingested, &options).unwrap();
        let lines = ingested.sources[0].lines;
        assert_eq!(lines.total, lines.accounted(), "{lines:?}");
        ingested
    }

    fn read(text: &str) -> Ingested {
        read_with(text, Dedupe::Auto)
    }

    fn texts(ingested: &Ingested) -> Vec<(i64, i64, &str)> {
        ingested
            .segments
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str()))
            .collect()
    }

    const RAWKODE_STYLE: &str = "WEBVTT\n\nNOTE\nTranscription provided by Deepgram\nDuration: 5673.64\n\n\
        00:01:42.055 --> 00:01:45.415\n<v Speaker 0>Hello, and welcome back to the Rawkode Academy.\n\n\
        00:01:45.575 --> 00:01:47.735\n<v Speaker 0>Today is an episode of Rawkode Live where\n\n\
        00:01:47.735 --> 00:01:48.000\n<v Speaker 1>Yes.\n\n00:01:48.000 --> 00:01:48.500\n<v Speaker 1>Yes.\n";

    #[test]
    fn cues_with_voices_and_notes() {
        let ingested = read(RAWKODE_STYLE);
        assert_eq!(
            texts(&ingested),
            [
                (
                    102_055,
                    105_415,
                    "Hello, and welcome back to the Rawkode Academy."
                ),
                (
                    105_575,
                    107_735,
                    "Today is an episode of Rawkode Live where"
                ),
                (107_735, 108_000, "Yes."),
                (108_000, 108_500, "Yes."),
            ]
        );
        let source = &ingested.sources[0];
        assert_eq!(source.format, Some(Format::WebVtt));
        assert_eq!(
            source.lines,
            LineCounts {
                total: 17,
                blank: 5,
                metadata: 4,
                timing: 4,
                text: 4,
                ..LineCounts::default()
            }
        );
        assert!(ingested.diagnostics.is_empty());
    }

    const YOUTUBE_ROLLING: &str = "WEBVTT\nKind: captions\nLanguage: en\n\n\
        00:00:00.000 --> 00:00:02.340 align:start position:0%\n \nhello<00:00:00.480><c> everyone</c><00:00:00.960><c> and</c>\n\n\
        00:00:02.340 --> 00:00:02.350 align:start position:0%\nhello everyone and\n \n\n\
        00:00:02.350 --> 00:00:05.000 align:start position:0%\nhello everyone and\nwelcome<00:00:02.800><c> to</c><00:00:03.100><c> the</c><00:00:03.500><c> show</c>\n";

    #[test]
    fn youtube_rolling_captions_count_each_phrase_once() {
        let ingested = read(YOUTUBE_ROLLING);
        assert_eq!(
            texts(&ingested),
            [
                (0, 2_340, "hello everyone and"),
                (2_350, 5_000, "welcome to the show")
            ]
        );
        let lines = ingested.sources[0].lines;
        assert_eq!((lines.duplicate, lines.text, lines.blank), (2, 2, 5));
        assert_eq!(lines.metadata, 3);

        let all = read_with(YOUTUBE_ROLLING, Dedupe::Off);
        let words: usize = all
            .segments
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum();
        assert_eq!(words, 3 + 3 + 3 + 4);
    }

    #[test]
    fn ordinary_repeats_survive_in_auto_mode_but_not_when_forced() {
        assert_eq!(read(RAWKODE_STYLE).segments.len(), 4);
        assert_eq!(read_with(RAWKODE_STYLE, Dedupe::On).segments.len(), 3);
    }

    #[test]
    fn hours_are_optional_and_identifiers_are_metadata() {
        let ingested = read(
            "WEBVTT\n\nintro\n00:01.000 --> 00:04.500\nfirst\nsecond line\n\n2\n01:00:00.000 --> 01:00:01.000\nlate\n",
        );
        assert_eq!(
            texts(&ingested),
            [
                (1_000, 4_500, "first second line"),
                (3_600_000, 3_601_000, "late")
            ]
        );
        assert_eq!(ingested.sources[0].lines.metadata, 3);
    }

    #[test]
    fn bad_timings_and_stray_text_are_reported_with_lines() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\nstray text\nmore stray\n\n\
            00:0x.000 --> 00:03.000\nlost cue\n\n00:05.000 --> 00:04.000\nbackwards end\n\n\
            00:03.000 --> 00:06.000\nearlier start\n";
        let ingested = read(text);
        let kinds: Vec<_> = ingested
            .diagnostics
            .iter()
            .map(|d| (d.line, d.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (6, DiagnosticKind::MalformedTimestamp),
                (9, DiagnosticKind::MalformedTimestamp),
                (12, DiagnosticKind::MalformedTimestamp),
                (15, DiagnosticKind::TimeBackwards),
            ]
        );
        assert_eq!(
            texts(&ingested),
            [
                (1_000, 2_000, "ok"),
                (5_000, 5_000, "backwards end"),
                (5_000, 6_000, "earlier start")
            ]
        );
        assert_eq!(ingested.sources[0].lines.skipped, 4);
    }

    #[test]
    fn cues_glued_without_blank_lines_are_split() {
        let ingested =
            read("WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:02.000 --> 00:03.000\ntwo\n");
        assert_eq!(
            texts(&ingested),
            [(1_000, 2_000, "one"), (2_000, 3_000, "two")]
        );
    }

    #[test]
    fn a_file_without_cues_is_skipped() {
        let ingested = read("WEBVTT\n\nNOTE nothing here\n\njust text\n");
        assert!(ingested.segments.is_empty());
        assert_eq!(ingested.sources[0].format, None);
        let last = ingested.diagnostics.last().unwrap();
        assert_eq!(last.kind, DiagnosticKind::NoTimestamps);
    }

    #[test]
    fn a_forced_file_without_header_and_with_crlf() {
        let mut ingested = Ingested::default();
        let options = IngestOptions {
            format: Some(Format::WebVtt),
            ..IngestOptions::default()
        };
        read_bytes(
            "x.txt",
            b"00:01.000 --> 00:02.000\r\nhi \xc3\xbc\r\n",
            &mut ingested,
            &options,
        )
        .unwrap();
        assert_eq!(ingested.segments[0].text, "hi ü");
    }
}
