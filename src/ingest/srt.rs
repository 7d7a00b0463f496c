//! SubRip captions (`.srt`).
//!
//! Blocks separated by blank lines: a cue number, a timing line
//! `HH:MM:SS,mmm --> HH:MM:SS,mmm` (a `.` before the milliseconds is accepted too),
//! and text lines with optional `<i>`/`<b>`/`<font>` tags and `{\an8}` overrides.
//! A missing cue number is tolerated. Live-caption exports often grow each line
//! over several cues; [`super::captions`] keeps only the new words.

use super::captions::{self, Cue};
use super::{FileReader, Format, IngestError};
use crate::time::parse_offset;

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let blocks = captions::blocks(reader, text);
    let mut cues: Vec<Cue> = Vec::new();
    for block in &blocks {
        let Some(timing) = block.iter().take(2).position(|(_, l)| l.contains("-->")) else {
            captions::skip_untimed(reader, block)?;
            continue;
        };
        // A line before the timing line is the cue number.
        reader.lines().metadata += timing as u64;
        captions::block_cues(reader, &block[timing..], parse_offset, &mut cues)?;
    }
    captions::finish(reader, Format::Srt, cues)
}

#[cfg(test)]
mod tests {
    use crate::ingest::{DiagnosticKind, Format, IngestOptions, Ingested, LineCounts, read_bytes};

    fn read(text: &str) -> Ingested {
        let mut ingested = Ingested::default();
        read_bytes(
            "captions.srt",
            text.as_bytes(),
            &mut ingested,
            &IngestOptions::default(),
        )
        .unwrap();
        let lines = ingested.sources[0].lines;
        assert_eq!(lines.total, lines.accounted(), "{lines:?}");
        ingested
    }

    fn texts(ingested: &Ingested) -> Vec<(i64, i64, &str)> {
        ingested
            .segments
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str()))
            .collect()
    }

    #[test]
    fn numbered_cues_with_tags() {
        let ingested = read(
            "1\n00:00:01,000 --> 00:00:04,000\n<i>Hello</i> there,\n{\\an8}general Kenobi\n\n\
             2\n00:00:04,500 --> 00:00:06,000\nSecond &amp; last\n",
        );
        assert_eq!(
            texts(&ingested),
            [
                (1_000, 4_000, "Hello there, general Kenobi"),
                (4_500, 6_000, "Second & last")
            ]
        );
        assert_eq!(ingested.sources[0].format, Some(Format::Srt));
        assert_eq!(
            ingested.sources[0].lines,
            LineCounts {
                total: 8,
                blank: 1,
                metadata: 2,
                timing: 2,
                text: 3,
                ..LineCounts::default()
            }
        );
    }

    #[test]
    fn progressive_live_captions_keep_only_new_words() {
        let ingested = read(
            "1\n00:00:00,000 --> 00:00:01,000\nhello\n\n2\n00:00:01,000 --> 00:00:02,000\nhello everyone\n\n\
             3\n00:00:02,000 --> 00:00:03,000\nhello everyone and\n\n4\n00:00:03,000 --> 00:00:04,000\nwelcome\n",
        );
        let words: Vec<&str> = ingested.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(words, ["hello", "everyone", "and", "welcome"]);
    }

    #[test]
    fn missing_numbers_dot_milliseconds_and_text_before_the_first_cue() {
        let ingested = read(
            "Some title\n\n00:00:01.000 --> 00:00:02.000\nno number\n\n7\n00:00:03,000 --> 00:00:04,000\nok\n",
        );
        assert_eq!(
            texts(&ingested),
            [(1_000, 2_000, "no number"), (3_000, 4_000, "ok")]
        );
        let d = &ingested.diagnostics[0];
        assert_eq!((d.line, d.kind), (1, DiagnosticKind::MalformedTimestamp));
        assert!(d.message.contains("outside any cue"));
    }

    #[test]
    fn text_with_no_timing_at_all_is_skipped() {
        let mut ingested = Ingested::default();
        let forced = IngestOptions {
            format: Some(Format::Srt),
            ..IngestOptions::default()
        };
        read_bytes("x.srt", b"1\nno timing here\n", &mut ingested, &forced).unwrap();
        assert!(ingested.segments.is_empty());
        assert_eq!(ingested.sources[0].lines.skipped, 2);
    }
}
