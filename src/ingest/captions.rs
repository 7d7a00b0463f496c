//! What WebVTT and SubRip have in common: cues, inline markup, and the rolling
//! duplicates of auto-generated captions.
//!
//! Both readers parse their syntax into [`Cue`]s and hand them to [`emit_cues`],
//! which cleans each payload line (tags, entities), removes repeated text when the
//! file is rolling or progressive, keeps the time axis ordered, and adds the
//! segments.
//!
//! **Rolling captions.** YouTube's automatic captions show two lines at a time: each
//! cue repeats the line before it and adds a new one, with ~10 ms "transition" cues
//! in between that repeat a line alone. Live captioning tools instead grow a line
//! word by word ("hello" → "hello everyone" → "hello everyone and"). Read naively,
//! every phrase counts two or more times. The [`Deduplicator`] drops a line that
//! repeats a line of the previous cue and keeps only the new words of a line that
//! extends the previous one. In `--dedupe auto` mode it runs only when the file
//! looks rolling (inline word timestamps, or many cues that start with the previous
//! cue's last line), so ordinary captions where a speaker says "Yes." twice keep
//! both.

use super::{Dedupe, DiagnosticKind, FileReader, Format, IngestError};
use crate::time::TimeAxis;
use crate::time::{Millis, clock_label};

/// One caption cue as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cue {
    /// The 1-based line of the timing line.
    pub line: u32,
    /// Start and end as written.
    pub start: Millis,
    /// End as written (never before `start`: readers fix that with a warning).
    pub end: Millis,
    /// Payload lines with their line numbers, as written (markup included).
    pub payload: Vec<(u32, String)>,
}

/// Removes inline markup and decodes character references from a payload line.
///
/// Markup is anything between `<` and the next `>` (voice spans `<v Speaker 0>`,
/// classes `<c.color>`, `<i>`, inline timestamps `<00:00:01.469>`, SubRip's
/// `<font color=...>`) and SubRip's ASS overrides `{\an8}`. A `<` or `{` that never
/// closes is text.
pub(super) fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find(['<', '{', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let skip = match tail.as_bytes()[0] {
            // A tag starts with a name, a closing slash or a timestamp digit, and ends
            // before any other `<`: `a < b` and `x>y` are text.
            b'<' if tail[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '/') => tail
                .find('>')
                .filter(|&end| !tail[1..end].contains('<'))
                .map(|end| end + 1),
            b'{' if tail.starts_with("{\\") => tail.find('}').map(|end| end + 1),
            b'&' => decode_entity(tail).map(|(text, len)| {
                out.push_str(&text);
                len
            }),
            _ => None,
        };
        match skip {
            Some(len) => rest = &tail[len..],
            None => {
                // Not markup: keep the character and go on after it.
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The speaker of a WebVTT voice span in a payload line: `<v Speaker 0>` or
/// `<v.loud Esme>` (a cue's segment takes its first voice).
pub(super) fn voice(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once("<v")?;
    let rest = rest.strip_prefix('.').map_or(rest, |classes| {
        classes.trim_start_matches(|c: char| !c.is_whitespace() && c != '>')
    });
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (name, _) = rest.split_once('>')?;
    let name = name.trim();
    (!name.is_empty()).then_some(name)
}

/// Decodes the character reference at the start of `text`: its text and length.
fn decode_entity(text: &str) -> Option<(String, usize)> {
    let end = text
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => "&".to_string(),
        "lt" => "<".to_string(),
        "gt" => ">".to_string(),
        "quot" => "\"".to_string(),
        "apos" => "'".to_string(),
        "nbsp" => " ".to_string(),
        "lrm" | "rlm" => String::new(),
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
            char::from_u32(code)?.to_string()
        }
    };
    Some((decoded, end + 1))
}

/// Collapses runs of whitespace into single spaces and trims.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops caption text that repeats the cue before it.
#[derive(Debug, Default)]
pub(super) struct Deduplicator {
    previous_cue: Vec<String>,
    current_cue: Vec<String>,
    last_line: String,
}

/// What became of one payload line.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kept {
    /// All of it is new.
    All(String),
    /// Only these words at its end are new.
    Extension(String),
    /// Nothing is new.
    Repeat,
}

impl Deduplicator {
    /// Starts a new cue.
    pub fn next_cue(&mut self) {
        self.previous_cue = std::mem::take(&mut self.current_cue);
    }

    /// Judges one normalised, non-empty payload line of the current cue.
    pub fn line(&mut self, line: &str) -> Kept {
        let kept = if line == self.last_line || self.previous_cue.iter().any(|l| l == line) {
            Kept::Repeat
        } else if !self.last_line.is_empty()
            && line.len() > self.last_line.len()
            && line.starts_with(self.last_line.as_str())
            && line.as_bytes()[self.last_line.len()] == b' '
        {
            Kept::Extension(line[self.last_line.len() + 1..].to_string())
        } else {
            Kept::All(line.to_string())
        };
        self.current_cue.push(line.to_string());
        self.last_line = line.to_string();
        kept
    }
}

/// Whether cues look rolling or progressive: inline word timestamps, or at least
/// two cues — and 30% of those with text — whose first line repeats or extends
/// the previous cue's last line.
fn looks_rolling(cues: &[(u32, Vec<String>)], inline_timestamps: bool) -> bool {
    if inline_timestamps {
        return true;
    }
    let mut with_text = 0usize;
    let mut repeating = 0usize;
    let mut previous_last: Option<&str> = None;
    for (_, lines) in cues {
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            continue;
        };
        with_text += 1;
        if let Some(prev) = previous_last
            && (first == prev
                || (first.starts_with(prev) && first.as_bytes().get(prev.len()) == Some(&b' ')))
        {
            repeating += 1;
        }
        previous_last = Some(last);
    }
    repeating >= 2 && repeating * 10 >= with_text * 3
}

/// Whether a raw payload line carries an inline cue timestamp such as `<00:01.469>`.
fn has_inline_timestamp(line: &str) -> bool {
    line.match_indices('<').any(|(i, _)| {
        let inner = line[i + 1..].split('>').next().unwrap_or("");
        inner.contains(':')
            && inner
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
    })
}

/// Adds the segments of parsed cues: cleans payloads, removes rolling repeats,
/// keeps time ordered, and counts payload lines as `text`, `blank` or `duplicate`.
pub(super) fn emit_cues(
    reader: &mut FileReader<'_>,
    format: Format,
    cues: Vec<Cue>,
) -> Result<(), IngestError> {
    // Clean every payload line once; blank ones (YouTube writes " ") are blank lines.
    let mut inline_timestamps = false;
    let cleaned: Vec<(u32, Vec<String>)> = cues
        .iter()
        .map(|cue| {
            let lines = cue
                .payload
                .iter()
                .filter_map(|(_, raw)| {
                    inline_timestamps |= has_inline_timestamp(raw);
                    let line = normalise(&clean(raw));
                    (!line.is_empty()).then_some(line)
                })
                .collect();
            (cue.line, lines)
        })
        .collect();
    let dedupe = match reader.options().dedupe {
        Dedupe::On => true,
        Dedupe::Off => false,
        Dedupe::Auto => looks_rolling(&cleaned, inline_timestamps),
    };

    let document = reader.new_document();
    let mut dedup = Deduplicator::default();
    let mut previous_start: Option<Millis> = None;
    for (cue, (_, lines)) in cues.iter().zip(cleaned) {
        let payload_lines = cue.payload.len() as u64;
        let blank = payload_lines - lines.len() as u64;
        reader.lines().blank += blank;
        let mut start = cue.start;
        if let Some(previous) = previous_start
            && start < previous
        {
            reader.warn(
                cue.line,
                DiagnosticKind::TimeBackwards,
                format!(
                    "cue starts at {}, before the cue before it ({}); its text is kept at {}",
                    clock_label(start),
                    clock_label(previous),
                    clock_label(previous)
                ),
            )?;
            start = previous;
        }
        previous_start = Some(start);
        let end = cue.end.max(start);

        dedup.next_cue();
        let mut kept: Vec<String> = Vec::new();
        for line in lines {
            match if dedupe {
                dedup.line(&line)
            } else {
                Kept::All(line)
            } {
                Kept::All(text) | Kept::Extension(text) => {
                    reader.lines().text += 1;
                    kept.push(text);
                }
                Kept::Repeat => reader.lines().duplicate += 1,
            }
        }
        if !kept.is_empty() {
            let first_line = cue.payload.first().map_or(cue.line, |(n, _)| *n);
            let speaker = match cue.payload.iter().find_map(|(_, raw)| voice(raw)) {
                Some(name) => reader.speaker(name),
                None => None,
            };
            reader.push_spoken(document, first_line, (start, end), kept.join(" "), speaker);
        }
    }
    reader.set_format(format, TimeAxis::Offset);
    Ok(())
}

/// Splits a timing line `start --> end [settings]` into its two times, read with
/// `parse`. `None` when the line has no arrow or a time cannot be read.
pub(super) fn parse_timing(
    line: &str,
    parse: impl Fn(&str) -> Option<Millis>,
) -> Option<(Millis, Millis)> {
    let (left, right) = line.split_once("-->")?;
    let end = right.split_whitespace().next()?;
    Some((parse(left.trim())?, parse(end)?))
}

/// A blank-line-separated block of lines: `(line number, text)` pairs.
pub(super) type Block<'t> = Vec<(u32, &'t str)>;

/// Splits text into blocks separated by empty lines, counting the blank lines.
///
/// Only a truly empty line ends a block: YouTube writes a line holding one space
/// inside its cues, and that line is part of the payload. Whitespace-only lines at
/// the start of a block are blank lines between blocks.
pub(super) fn blocks<'t>(reader: &mut FileReader<'_>, text: &'t str) -> Vec<Block<'t>> {
    let mut blocks = Vec::new();
    let mut current: Block<'t> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        reader.lines().total += 1;
        if line.is_empty() || (current.is_empty() && line.trim().is_empty()) {
            reader.lines().blank += 1;
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push((number, line));
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// Turns the lines of one block, starting at its timing line, into cues: a block
/// normally holds one cue, but a missing blank line can glue several together, so
/// any later line with `-->` starts another. Unreadable timings skip their cue with
/// a warning.
pub(super) fn block_cues(
    reader: &mut FileReader<'_>,
    lines: &[(u32, &str)],
    parse: impl Fn(&str) -> Option<Millis> + Copy,
    cues: &mut Vec<Cue>,
) -> Result<(), IngestError> {
    let mut i = 0;
    while i < lines.len() {
        let (number, timing) = lines[i];
        let payload_end = lines[i + 1..]
            .iter()
            .position(|(_, l)| l.contains("-->"))
            .map_or(lines.len(), |p| i + 1 + p);
        let payload: Vec<(u32, String)> = lines[i + 1..payload_end]
            .iter()
            .map(|&(n, l)| (n, l.to_string()))
            .collect();
        match parse_timing(timing, parse) {
            Some((start, end)) => {
                reader.lines().timing += 1;
                let end = if end < start {
                    reader.warn(
                        number,
                        DiagnosticKind::MalformedTimestamp,
                        format!(
                            "cue ends at {} before it starts at {}; it is kept as ending when it starts",
                            clock_label(end),
                            clock_label(start)
                        ),
                    )?;
                    start
                } else {
                    end
                };
                cues.push(Cue {
                    line: number,
                    start,
                    end,
                    payload,
                });
            }
            None => {
                let skipped = 1 + payload.len() as u64;
                reader.skip(skipped, DiagnosticKind::MalformedTimestamp);
                reader.warn(
                    number,
                    DiagnosticKind::MalformedTimestamp,
                    format!(
                        "unreadable cue timing {:?}; skipped the cue ({skipped} lines)",
                        timing.trim()
                    ),
                )?;
            }
        }
        i = payload_end;
    }
    Ok(())
}

/// Skips the lines of a block that has no timing line at all.
pub(super) fn skip_untimed(
    reader: &mut FileReader<'_>,
    lines: &[(u32, &str)],
) -> Result<(), IngestError> {
    let skipped = lines.len() as u64;
    reader.skip(skipped, DiagnosticKind::MalformedTimestamp);
    reader.warn(
        lines[0].0,
        DiagnosticKind::MalformedTimestamp,
        format!("text outside any cue (no `-->` timing line); skipped {skipped} lines"),
    )
}

/// Finishes a caption file: emits its cues, or reports that it had none.
pub(super) fn finish(
    reader: &mut FileReader<'_>,
    format: Format,
    cues: Vec<Cue>,
) -> Result<(), IngestError> {
    if cues.is_empty() {
        let lines = *reader.lines();
        let skipped_before = lines.skipped;
        let unused = lines.total - lines.accounted();
        reader.skip(unused, DiagnosticKind::NoTimestamps);
        return reader.warn(
            0,
            DiagnosticKind::NoTimestamps,
            format!(
                "no caption cue with a readable `-->` timing line; skipped {} lines",
                skipped_before + unused
            ),
        );
    }
    emit_cues(reader, format, cues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_entities_are_removed() {
        assert_eq!(
            clean("<v Speaker 0>Hello, and welcome."),
            "Hello, and welcome."
        );
        assert_eq!(
            clean("hello<00:00:00.480><c> everyone</c><00:00:00.960><c.colorE5E5E5> and</c>"),
            "hello everyone and"
        );
        assert_eq!(
            clean("<i>Tom &amp; Jerry</i> &lt;3 &#233;t&#xE9;"),
            "Tom & Jerry <3 été"
        );
        assert_eq!(clean("{\\an8}<font color=\"#fff\">Top</font>"), "Top");
        assert_eq!(
            clean("a < b and {curly} & co; x>y"),
            "a < b and {curly} & co; x>y"
        );
        assert_eq!(
            clean("caf&eacute; &#99999999; &#xZZ;"),
            "caf&eacute; &#99999999; &#xZZ;"
        );
        assert_eq!(
            clean("ünï 😀 <b>ok</b> <unclosed ü"),
            "ünï 😀 ok <unclosed ü"
        );
    }

    #[test]
    fn voices_name_speakers() {
        assert_eq!(voice("<v Speaker 0>Hello"), Some("Speaker 0"));
        assert_eq!(voice("<v.loud.x Esme Smith>Hi</v>"), Some("Esme Smith"));
        assert_eq!(voice("<valign>no"), None);
        assert_eq!(voice("<v >x"), None);
        assert_eq!(voice("plain"), None);
    }

    #[test]
    fn rolling_lines_are_dropped_and_progressive_lines_trimmed() {
        let mut d = Deduplicator::default();
        d.next_cue();
        assert_eq!(
            d.line("hello everyone and"),
            Kept::All("hello everyone and".into())
        );
        d.next_cue();
        assert_eq!(d.line("hello everyone and"), Kept::Repeat);
        d.next_cue();
        assert_eq!(d.line("hello everyone and"), Kept::Repeat);
        assert_eq!(
            d.line("welcome to the show"),
            Kept::All("welcome to the show".into())
        );
        d.next_cue();
        assert_eq!(
            d.line("welcome to the show tonight"),
            Kept::Extension("tonight".into())
        );
        // A word that merely starts like the last line is not an extension.
        d.next_cue();
        assert_eq!(
            d.line("welcome to the showroom"),
            Kept::All("welcome to the showroom".into())
        );
    }

    #[test]
    fn rolling_detection() {
        let cue = |lines: &[&str]| {
            (
                1u32,
                lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            )
        };
        let rolling = [
            cue(&["a b"]),
            cue(&["a b", "c d"]),
            cue(&["c d", "e f"]),
            cue(&["e f", "g"]),
            cue(&["g", "h"]),
        ];
        assert!(looks_rolling(&rolling, false));
        let ordinary = [
            cue(&["Yes."]),
            cue(&["Yes."]),
            cue(&["No way."]),
            cue(&["Right."]),
            cue(&["Okay."]),
        ];
        assert!(!looks_rolling(&ordinary, false));
        assert!(looks_rolling(&ordinary, true));
        assert!(has_inline_timestamp("hello<00:00:00.480><c> everyone</c>"));
        assert!(!has_inline_timestamp("<v Speaker 0>hi <b>there</b>"));
    }

    #[test]
    fn timing_lines() {
        let parse = crate::time::parse_offset;
        assert_eq!(
            parse_timing("00:01:42.055 --> 00:01:45.415", parse),
            Some((102_055, 105_415))
        );
        assert_eq!(
            parse_timing("00:00.000 --> 00:02.340 align:start position:0%", parse),
            Some((0, 2_340))
        );
        assert_eq!(
            parse_timing("00:00:01,000 --> 00:00:04,000 X1:10", parse),
            Some((1_000, 4_000))
        );
        assert_eq!(parse_timing("00:00:01,000 -> 00:00:04,000", parse), None);
        assert_eq!(parse_timing("00:00:xx --> 00:00:04,000", parse), None);
        assert_eq!(parse_timing("00:00:01,000 -->", parse), None);
    }
}
