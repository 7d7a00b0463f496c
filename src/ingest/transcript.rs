//! YouTube-style transcript text.
//!
//! This is what YouTube's "Show transcript" panel copies and what many transcript
//! tools write: optional header lines (title, description), then text lines that
//! each start with an `M:SS` or `H:MM:SS` stamp. The stamp is often glued to its
//! text with no space, including when the text starts with a digit: `0:5112,000
//! people` is `0:51` followed by `12,000 people`, which is why seconds are always
//! read as exactly two digits. A stamp may also stand on its own line with the text
//! on the lines after it. A segment ends where the next one starts.

use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::TimeAxis;
use crate::time::{Millis, clock_label};

/// What the start of a line looks like.
#[derive(Debug, PartialEq, Eq)]
enum Stamp<'a> {
    /// A valid stamp and the text after it.
    Valid(Millis, &'a str),
    /// Digits and a colon that do not form a valid stamp, and why.
    Malformed(&'static str),
    /// No stamp at all.
    Absent,
}

fn two_digits(bytes: &[u8], at: usize) -> Option<u32> {
    match bytes.get(at..at + 2) {
        Some([a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

fn parse_stamp(line: &str) -> Stamp<'_> {
    let bytes = line.as_bytes();
    let lead = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    // H:MM:SS takes precedence: text glued after M:SS never starts with a colon.
    // Hours may have up to five digits (a very long recording, or a corpus of them
    // end to end); minutes of M:SS at most three, since more leading digits are a
    // number in the text (a year), not minutes.
    let clock = bytes.get(lead + 3) == Some(&b':') && two_digits(bytes, lead + 1).is_some();
    let longest = if clock { 5 } else { 3 };
    if lead == 0 || lead > longest || bytes.get(lead) != Some(&b':') {
        return Stamp::Absent;
    }
    let lead_value: u32 = line[..lead].parse().expect("ASCII digits");
    let Some(second_field) = two_digits(bytes, lead + 1) else {
        return Stamp::Malformed("expected two digits after ':'");
    };
    if clock {
        let Some(seconds) = two_digits(bytes, lead + 4) else {
            return Stamp::Malformed("expected two digits of seconds in H:MM:SS");
        };
        if second_field >= 60 || seconds >= 60 {
            return Stamp::Malformed("minutes and seconds must be below 60");
        }
        let ms = (i64::from(lead_value) * 3600 + i64::from(second_field) * 60 + i64::from(seconds))
            * 1000;
        return Stamp::Valid(ms, &line[lead + 6..]);
    }
    if second_field >= 60 {
        return Stamp::Malformed("seconds must be below 60");
    }
    let ms = (i64::from(lead_value) * 60 + i64::from(second_field)) * 1000;
    Stamp::Valid(ms, &line[lead + 3..])
}

/// Whether text reads as a transcript: at least a quarter of its non-blank lines
/// start with a valid stamp, so a clock time in prose does not qualify.
pub(super) fn looks_like_transcript(text: &str) -> bool {
    let (mut lines, mut stamped) = (0usize, 0usize);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        lines += 1;
        stamped += usize::from(matches!(parse_stamp(line), Stamp::Valid(..)));
    }
    stamped > 0 && stamped * 4 >= lines
}

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let mut parser = Lines::new(reader);
    for (index, line) in text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        parser.line(reader, line_no, line)?;
    }
    parser.finish(reader)
}

/// The transcript reader as a state machine fed one line at a time, so that a
/// file too large to hold can be read in pieces ([`super::stream`]). A segment
/// is handed on as soon as the next stamp says where it ends; lines before the
/// first stamp are the header (title, then description).
#[derive(Debug)]
pub(super) struct Lines {
    document: u32,
    header: Vec<String>,
    /// The segment being read: (line, start, text).
    open: Option<(u32, Millis, String)>,
    seen_stamp: bool,
}

impl Lines {
    pub(super) fn new(reader: &mut FileReader<'_>) -> Lines {
        Lines {
            document: reader.new_document(),
            header: Vec::new(),
            open: None,
            seen_stamp: false,
        }
    }

    pub(super) fn line(
        &mut self,
        reader: &mut FileReader<'_>,
        line_no: u32,
        line: &str,
    ) -> Result<(), IngestError> {
        reader.lines().total += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            reader.lines().blank += 1;
            return Ok(());
        }
        match (parse_stamp(trimmed), &mut self.open) {
            (Stamp::Valid(at, rest), previous) => {
                reader.lines().timing += 1;
                let mut start = at;
                if let Some((_, previous_start, _)) = previous {
                    let previous_start = *previous_start;
                    if at < previous_start {
                        reader.warn(
                            line_no,
                            DiagnosticKind::TimeBackwards,
                            format!(
                                "time goes backwards: {} comes after {}; the text is kept at {}",
                                clock_label(at),
                                clock_label(previous_start),
                                clock_label(previous_start)
                            ),
                        )?;
                        start = previous_start;
                    }
                }
                if !self.seen_stamp {
                    self.seen_stamp = true;
                    self.set_header(reader);
                }
                if let Some((line, previous_start, text)) = self.open.take() {
                    reader.push(self.document, line, previous_start, start, text);
                }
                self.open = Some((line_no, start, rest.trim().to_string()));
            }
            (_, None) => {
                reader.lines().metadata += 1;
                self.header.push(trimmed.to_string());
            }
            (stamp, Some((_, previous_start, previous_text))) => {
                let previous_start = *previous_start;
                if !previous_text.is_empty() {
                    previous_text.push(' ');
                }
                previous_text.push_str(trimmed);
                reader.lines().text += 1;
                if let Stamp::Malformed(reason) = stamp {
                    reader.warn(
                        line_no,
                        DiagnosticKind::MalformedTimestamp,
                        format!(
                            "malformed timestamp ({reason}); the line is kept as text of the segment at {}",
                            clock_label(previous_start)
                        ),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The header lines as the source's title and description.
    fn set_header(&mut self, reader: &mut FileReader<'_>) {
        reader.set_format(Format::Transcript, TimeAxis::Offset);
        let mut header = std::mem::take(&mut self.header).into_iter();
        let title = header.next();
        let description: Vec<String> = header.collect();
        let source = reader.source();
        source.title = title;
        if !description.is_empty() {
            source.description = Some(description.join("\n"));
        }
    }

    pub(super) fn finish(mut self, reader: &mut FileReader<'_>) -> Result<(), IngestError> {
        let Some((line, start, text)) = self.open.take() else {
            // Without a single timestamp the header lines are all the text there
            // is, and none of it can be placed in time.
            let lines = reader.lines();
            let header = std::mem::take(&mut lines.metadata);
            reader.skip(header, DiagnosticKind::NoTimestamps);
            let skipped = reader.lines().skipped;
            return reader.warn(
                0,
                DiagnosticKind::NoTimestamps,
                format!(
                    "no line starts with a M:SS or H:MM:SS timestamp; skipped {skipped} lines of text"
                ),
            );
        };
        let last_segment = reader.options().last_segment;
        reader.push(self.document, line, start, start + last_segment, text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestOptions, Ingested, LineCounts, read_bytes};

    fn read(text: &[u8]) -> Ingested {
        let mut ingested = Ingested::default();
        read_bytes("talk.txt", text, &mut ingested, &IngestOptions::default()).unwrap();
        ingested
    }

    fn timeline(ingested: &Ingested) -> Vec<(Millis, Millis, &str)> {
        ingested
            .segments
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str()))
            .collect()
    }

    #[test]
    fn stamps_glued_to_text_including_digits() {
        assert_eq!(parse_stamp("0:10[Music]"), Stamp::Valid(10_000, "[Music]"));
        assert_eq!(
            parse_stamp("0:5112,000 people"),
            Stamp::Valid(51_000, "12,000 people")
        );
        assert_eq!(parse_stamp("1:00:04it's"), Stamp::Valid(3_604_000, "it's"));
        assert_eq!(parse_stamp("59:53yeah"), Stamp::Valid(3_593_000, "yeah"));
        assert_eq!(parse_stamp("125:07 long"), Stamp::Valid(7_507_000, " long"));
        assert_eq!(parse_stamp("12:00"), Stamp::Valid(720_000, ""));
        assert_eq!(
            parse_stamp("100:00:01text"),
            Stamp::Valid(360_001_000, "text")
        );
        assert_eq!(
            parse_stamp("12345:59:59 x"),
            Stamp::Valid((12_345 * 3600 + 3599) * 1000, " x")
        );
    }

    #[test]
    fn things_that_are_not_stamps() {
        assert_eq!(parse_stamp("2024: a year"), Stamp::Absent);
        assert_eq!(parse_stamp("2024:10 a ratio"), Stamp::Absent);
        assert_eq!(parse_stamp("123456:00:00 too many hours"), Stamp::Absent);
        assert_eq!(parse_stamp("hello 0:10"), Stamp::Absent);
        assert_eq!(parse_stamp(":10 x"), Stamp::Absent);
        assert!(matches!(parse_stamp("1:5 hello"), Stamp::Malformed(_)));
        assert!(matches!(parse_stamp("0:75text"), Stamp::Malformed(_)));
        assert!(matches!(parse_stamp("1:61:00"), Stamp::Malformed(_)));
        assert!(matches!(parse_stamp("1:00:4x"), Stamp::Malformed(_)));
    }

    #[test]
    fn header_lines_become_title_and_description() {
        let ingested = read(b"My Talk\n\nAbout things.\nMore.\n\n0:10[Music]\n\n0:24hello all\n");
        let source = &ingested.sources[0];
        assert_eq!(source.title.as_deref(), Some("My Talk"));
        assert_eq!(source.description.as_deref(), Some("About things.\nMore."));
        assert_eq!(source.format, Some(Format::Transcript));
        assert_eq!(
            timeline(&ingested),
            [(10_000, 24_000, "[Music]"), (24_000, 34_000, "hello all")]
        );
        assert_eq!(
            source.lines,
            LineCounts {
                total: 8,
                metadata: 3,
                blank: 3,
                timing: 2,
                ..LineCounts::default()
            }
        );
        assert!(ingested.diagnostics.is_empty());
    }

    #[test]
    fn stamps_on_their_own_line_take_the_following_text() {
        let ingested = read(b"0:00\nfirst line\nsecond line\n1:02:03\nlater\n");
        assert_eq!(
            timeline(&ingested),
            [
                (0, 3_723_000, "first line second line"),
                (3_723_000, 3_733_000, "later")
            ]
        );
        assert_eq!(ingested.sources[0].lines.text, 3);
    }

    #[test]
    fn crlf_and_bom_are_handled() {
        let ingested = read(b"\xEF\xBB\xBFTitle\r\n0:01 one\r\n0:02 two");
        assert_eq!(ingested.sources[0].title.as_deref(), Some("Title"));
        assert_eq!(
            timeline(&ingested),
            [(1_000, 2_000, "one"), (2_000, 12_000, "two")]
        );
        assert_eq!(ingested.sources[0].lines.total, 3);
    }

    #[test]
    fn time_going_backwards_is_reported_and_kept_in_order() {
        let ingested = read(b"0:10 a\n0:20 b\n0:15 c\n0:30 d\n");
        assert_eq!(
            timeline(&ingested),
            [
                (10_000, 20_000, "a"),
                (20_000, 20_000, "b"),
                (20_000, 30_000, "c"),
                (30_000, 40_000, "d")
            ]
        );
        let d = &ingested.diagnostics[0];
        assert_eq!((d.kind, d.line), (DiagnosticKind::TimeBackwards, 3));
        assert_eq!(
            d.to_string(),
            "talk.txt:3: time goes backwards: 0:00:15 comes after 0:00:20; the text is kept at 0:00:20"
        );
    }

    #[test]
    fn malformed_stamps_keep_their_text() {
        let ingested = read(b"0:10 a\n0:7 b\n0:20 c\n");
        assert_eq!(
            timeline(&ingested),
            [(10_000, 20_000, "a 0:7 b"), (20_000, 30_000, "c")]
        );
        assert_eq!(
            ingested.diagnostics[0].kind,
            DiagnosticKind::MalformedTimestamp
        );
        assert_eq!(ingested.diagnostics[0].line, 2);
    }

    #[test]
    fn text_forced_as_transcript_without_stamps_is_skipped_and_counted() {
        let mut ingested = Ingested::default();
        let forced = IngestOptions {
            format: Some(Format::Transcript),
            ..IngestOptions::default()
        };
        read_bytes(
            "talk.txt",
            b"just some prose\nwith two lines\n",
            &mut ingested,
            &forced,
        )
        .unwrap();
        assert!(ingested.segments.is_empty());
        assert_eq!(ingested.sources[0].lines.skipped, 2);
        assert_eq!(ingested.sources[0].format, None);
        assert_eq!(ingested.diagnostics[0].kind, DiagnosticKind::NoTimestamps);
    }

    #[test]
    fn strict_fails_on_backwards_time() {
        let mut ingested = Ingested::default();
        let strict = IngestOptions {
            strict: true,
            ..IngestOptions::default()
        };
        let err = read_bytes("t.txt", b"0:10 a\n0:05 b\n", &mut ingested, &strict).unwrap_err();
        assert!(
            err.to_string().starts_with("t.txt:2: time goes backwards"),
            "{err}"
        );
    }
}
