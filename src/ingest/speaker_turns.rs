//! Speaker-turn transcripts: what podcasts, meeting note-takers and interview
//! archives publish as text, a speaker's name before each turn and a time on some.
//!
//! One reader, four layouts, told apart line by line (a file may mix them):
//!
//! * **Podcast Markdown** (thechangelog/transcripts, whose README fixes the
//!   stamps as `\[HH:MM:SS.ms\]`, hours and fraction optional): a turn is a
//!   paragraph starting `**Name:**` (or `**Name**:`); a stamp may follow the
//!   label or open an unlabelled paragraph, which continues the same speaker;
//!   `**Break:** \[15:45\]` marks an ad break. `**Name**` without a colon is
//!   emphasis, not a turn.
//! * `[HH:MM:SS] Name: text`, one turn per line.
//! * `Name (HH:MM:SS):` on a line, the text on the lines after it (or after the
//!   colon), as in podcast archives; a label without its colon is read as a
//!   turn, with a warning.
//! * Otter.ai exports: `Name␠␠M:SS␠␠` on its own line, the text on the next.
//!
//! A stamp is a bracketed or parenthesised clock, `M:SS`, `MM:SS`, `H:MM:SS` with
//! an optional fraction (hundredths in the Markdown files: `.16`); minutes and
//! seconds are two digits below 60. A bracket holding anything else —
//! `\[laughs\]`, `\[unintelligible 00:24:38.10\]` — is a stage direction and stays
//! in the text (the tokenizer counts it, never as a term). A clock-like stamp
//! that does not read (`\[12:75\]`, `[00:0:31]`, an unclosed `[00:00:32`) is
//! reported with its line, and its turn is timed as if it had none.
//!
//! Timing ([`super::turns`]): each paragraph is a segment; turns without a stamp
//! share the time between the stamps around them in proportion to their length;
//! a break ends the segments before it. Markup is removed from the text and
//! counted in the source's `markup`: `**`, backslash escapes (`\[`, `\*`),
//! links `[text](url)` (their text is kept). Lines before the first turn are the
//! header (title, then description). Otter's `Unknown Speaker` is no speaker.

use super::turns::{self, Para, Stamp};
use super::{FileReader, IngestError};
use crate::time::Millis;

/// The longest speaker name, in bytes; a longer "label" is prose.
const MAX_NAME: usize = 60;

/// What one line of a speaker-turn file is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line<'a> {
    /// Empty or whitespace.
    Blank,
    /// A turn label: who, its stamp, whatever text follows on the line; a
    /// `Break` marker when `speaker` is `None`; `colonless` when a parenthesised
    /// label lacked its colon.
    Turn {
        speaker: Option<&'a str>,
        stamp: Stamp,
        text: &'a str,
        colonless: bool,
    },
    /// Text, perhaps opened by a stamp.
    Text { stamp: Stamp, text: &'a str },
}

/// Reads a clock `M:SS`, `MM:SS`, `H:MM:SS` (fraction optional) as written in a
/// stamp; `Err` says why it does not read.
pub(super) fn parse_clock(clock: &str) -> Result<Millis, &'static str> {
    let (whole, fraction) = match clock.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (clock, None),
    };
    let fields: Vec<&str> = whole.split(':').collect();
    if fields.len() < 2 || fields.len() > 3 {
        return Err("expected M:SS, MM:SS or H:MM:SS");
    }
    if fields
        .iter()
        .any(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("expected digits between the colons");
    }
    let last_two = &fields[fields.len() - 2..];
    let lead = fields[0];
    if fields.len() == 3 && last_two[0].len() != 2 {
        return Err("minutes must be two digits in H:MM:SS");
    }
    if last_two[1].len() != 2 {
        return Err("seconds must be two digits");
    }
    if lead.len() > 3 {
        return Err("too many digits");
    }
    let number = |f: &str| f.parse::<i64>().unwrap_or(0);
    let (hours, minutes, seconds) = match fields.len() {
        3 => (number(fields[0]), number(fields[1]), number(fields[2])),
        _ => (0, number(fields[0]), number(fields[1])),
    };
    if seconds >= 60 || (fields.len() == 3 && minutes >= 60) {
        return Err("minutes and seconds must be below 60");
    }
    let fraction = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 3 && f.bytes().all(|b| b.is_ascii_digit()) => {
            number(f) * 10i64.pow(3 - f.len() as u32)
        }
        Some(_) => return Err("the fraction must be one to three digits"),
    };
    Ok(((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction)
}

/// Whether `text` looks like a clock (digits, colons, a fraction) — a stamp
/// attempt rather than a stage direction.
fn clock_like(text: &str) -> bool {
    text.contains(':')
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
}

/// A stamp at the start of `text`: `\[..\]`, `[..]` (or `(..)` when `paren`).
/// Returns the stamp and the text after it; `Stamp::None` (and `text`) when the
/// start is not a clock in brackets.
fn leading_stamp(text: &str) -> (Stamp, &str) {
    for (open, close) in [("\\[", "\\]"), ("[", "]")] {
        let Some(rest) = text.strip_prefix(open) else {
            continue;
        };
        let clock_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
            .unwrap_or(rest.len());
        let clock = &rest[..clock_end];
        if !clock_like(clock) {
            return (Stamp::None, text);
        }
        let after = &rest[clock_end..];
        return match after.strip_prefix(close) {
            Some(after) => match parse_clock(clock) {
                Ok(ms) => (Stamp::Valid(ms), after),
                Err(why) => (
                    Stamp::Malformed(format!("{open}{clock}{close}: {why}")),
                    after,
                ),
            },
            None if after.is_empty() || after.starts_with(char::is_whitespace) => (
                Stamp::Malformed(format!("{open}{clock} is not closed")),
                after,
            ),
            None => (Stamp::None, text),
        };
    }
    (Stamp::None, text)
}

/// A speaker's name as written: short, not empty, no markup of its own.
fn name_like(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.contains("**")
        && !name.contains(['[', ']', '(', ')', ':'])
        && !name.bytes().all(|b| b.is_ascii_digit())
}

/// A `Name: text` label at the start of `text` (after a bracketed stamp).
fn colon_label(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = text.split_once(':')?;
    (name_like(name) && name.split_whitespace().count() <= 6 && !rest.starts_with("//"))
        .then(|| (name.trim(), rest))
}

/// Classifies one line.
pub(super) fn classify(line: &str) -> Line<'_> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    // Podcast Markdown: **Name:** text, **Name**: text, **Break:** \[15:45\].
    if let Some(rest) = trimmed.strip_prefix("**")
        && let Some(close) = rest.find("**")
    {
        let inner = &rest[..close];
        let after = &rest[close + 2..];
        let label = match (inner.strip_suffix(':'), after.strip_prefix(':')) {
            (Some(name), _) => Some((name, after)),
            (None, Some(after)) => Some((inner, after)),
            _ => None,
        };
        if let Some((name, after)) = label
            && name_like(name)
        {
            let (stamp, text) = leading_stamp(after.trim_start());
            let speaker = (!name.trim().eq_ignore_ascii_case("break")).then_some(name.trim());
            return Line::Turn {
                speaker,
                stamp,
                text: text.trim(),
                colonless: false,
            };
        }
    }
    // [HH:MM:SS] Name: text, or a paragraph opened by a stamp.
    let (stamp, rest) = leading_stamp(trimmed);
    if stamp != Stamp::None {
        let rest = rest.trim_start();
        if let Some((name, text)) = colon_label(rest) {
            return Line::Turn {
                speaker: Some(name),
                stamp,
                text: text.trim(),
                colonless: false,
            };
        }
        return Line::Text {
            stamp,
            text: rest.trim(),
        };
    }
    // Name (HH:MM:SS): text
    if let Some(open) = trimmed.find(" (")
        && let Some(close) = trimmed[open..].find(')').map(|c| open + c)
        && clock_like(&trimmed[open + 2..close])
        && name_like(&trimmed[..open])
        && trimmed[..open].split_whitespace().count() <= 6
    {
        let after = &trimmed[close + 1..];
        let (text, colonless) = match after.strip_prefix(':') {
            Some(text) => (text.trim(), false),
            None if after.trim().is_empty() => ("", true),
            None => ("", false),
        };
        if colonless || after.starts_with(':') {
            let clock = &trimmed[open + 2..close];
            let stamp = match parse_clock(clock) {
                Ok(ms) => Stamp::Valid(ms),
                Err(why) => Stamp::Malformed(format!("({clock}): {why}")),
            };
            return Line::Turn {
                speaker: Some(trimmed[..open].trim()),
                stamp,
                text,
                colonless,
            };
        }
    }
    // Otter: Name␠␠M:SS␠␠ (the name perhaps bolded).
    let end_trimmed = line.trim_end();
    if let Some(gap) = end_trimmed.rfind("  ") {
        let clock = end_trimmed[gap..].trim();
        let name = end_trimmed[..gap].trim();
        let name = name
            .strip_prefix("**")
            .and_then(|n| n.strip_suffix("**"))
            .unwrap_or(name);
        if !clock.is_empty()
            && clock.bytes().all(|b| b.is_ascii_digit() || b == b':')
            && clock.contains(':')
            && name_like(name)
            && name.split_whitespace().count() <= 6
        {
            let stamp = match parse_clock(clock) {
                Ok(ms) => Stamp::Valid(ms),
                Err(why) => Stamp::Malformed(format!("{clock}: {why}")),
            };
            return Line::Turn {
                speaker: Some(name),
                stamp,
                text: "",
                colonless: false,
            };
        }
    }
    Line::Text {
        stamp: Stamp::None,
        text: trimmed,
    }
}

/// Whether text reads as speaker turns: at least two turn labels, at least one
/// stamp (readable or not), and labels on at least a tenth of the non-blank
/// lines.
pub(super) fn looks_like_speaker_turns(text: &str) -> bool {
    let (mut lines, mut labels, mut stamps) = (0usize, 0usize, 0usize);
    for line in text.lines() {
        let kind = classify(line);
        match &kind {
            Line::Blank => continue,
            Line::Turn { stamp, .. } => {
                labels += 1;
                stamps += usize::from(*stamp != Stamp::None);
            }
            Line::Text { stamp, .. } => stamps += usize::from(*stamp != Stamp::None),
        }
        lines += 1;
    }
    labels >= 2 && stamps >= 1 && labels * 10 >= lines
}

/// Removes Markdown markup from a piece of text: `**`, backslash escapes before
/// ASCII punctuation, links `[text](url)` (keeping their text). Returns the text
/// and how many pieces of markup were removed.
pub(super) fn strip_markup(text: &str) -> (String, u64) {
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let mut rest = text;
    while let Some(i) = rest.find(['*', '\\', '[']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("**") {
            removed += 1;
            rest = after;
        } else if tail.starts_with('\\')
            && let Some(c) = tail[1..].chars().next()
            && c.is_ascii_punctuation()
        {
            removed += 1;
            out.push(c);
            rest = &tail[1 + c.len_utf8()..];
        } else if let Some((label, after)) = link(tail) {
            removed += 1;
            out.push_str(label);
            rest = after;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    (out, removed)
}

/// A Markdown link `[text](url)` at the start of `text`: its text and what follows.
fn link(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let after = inner[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let url = &after[..end];
    (!url.is_empty() && !url.contains(char::is_whitespace))
        .then(|| (&inner[..close], &after[end + 1..]))
}

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let mut paras: Vec<Para> = Vec::new();
    let mut parser = turns::Builder::default();
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        parser.line(reader, number, line, classify(line), &mut paras)?;
    }
    parser.finish(&mut paras);
    turns::emit(reader, paras, parser.into_lines())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("07:50"), Ok(470_000));
        assert_eq!(parse_clock("00:08:04.16"), Ok(484_160));
        assert_eq!(parse_clock("1:00:22"), Ok(3_622_000));
        assert_eq!(parse_clock("3:09"), Ok(189_000));
        for bad in [
            "12:75",
            "15:45:99:01",
            "00:0:31",
            "0:3:54",
            "3:9",
            ":30",
            "00:61:00",
            "1:2:3.4567",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn layouts() {
        assert_eq!(
            classify("**Jerod Santo:** \\[07:50\\] A whopping 92%"),
            Line::Turn {
                speaker: Some("Jerod Santo"),
                stamp: Stamp::Valid(470_000),
                text: "A whopping 92%",
                colonless: false
            }
        );
        assert!(matches!(
            classify("**Natalie Pistunovich**: Maybe you have"),
            Line::Turn {
                speaker: Some("Natalie Pistunovich"),
                ..
            }
        ));
        assert!(matches!(
            classify("**Break:** \\[15:45\\]"),
            Line::Turn {
                speaker: None,
                stamp: Stamp::Valid(945_000),
                ..
            }
        ));
        assert!(matches!(
            classify("**Jerod Santo** We now"),
            Line::Text { .. }
        ));
        assert!(matches!(
            classify("[00:01:23] Kelly: It's no secret."),
            Line::Turn {
                speaker: Some("Kelly"),
                stamp: Stamp::Valid(83_000),
                text: "It's no secret.",
                ..
            }
        ));
        assert!(matches!(
            classify("Kelly (00:01:23):"),
            Line::Turn {
                speaker: Some("Kelly"),
                stamp: Stamp::Valid(83_000),
                text: "",
                colonless: false
            }
        ));
        assert!(matches!(
            classify("Sidney (00:07:23)"),
            Line::Turn {
                colonless: true,
                ..
            }
        ));
        assert!(matches!(
            classify("**Kelly**  58:22  "),
            Line::Turn {
                speaker: Some("Kelly"),
                stamp: Stamp::Valid(3_502_000),
                ..
            }
        ));
        assert!(matches!(
            classify("Unknown Speaker  1:00:22  "),
            Line::Turn {
                stamp: Stamp::Valid(3_622_000),
                ..
            }
        ));
        assert!(matches!(
            classify("\\[laughter\\] and so on"),
            Line::Text {
                stamp: Stamp::None,
                ..
            }
        ));
        assert!(matches!(
            classify("\\[12:00\\] 95% of people"),
            Line::Text {
                stamp: Stamp::Valid(720_000),
                ..
            }
        ));
        assert!(matches!(
            classify("[00:00:32 Shannon: And I'm Emma."),
            Line::Turn {
                stamp: Stamp::Malformed(_),
                speaker: Some("Shannon"),
                ..
            }
        ));
        assert!(matches!(
            classify("We met (10:30) in the morning."),
            Line::Text { .. }
        ));
        assert!(matches!(classify("Ratio 3:1 is fine"), Line::Text { .. }));
    }

    #[test]
    fn markup_is_removed_and_counted() {
        assert_eq!(
            strip_markup("Tell \\[laughter\\] **bold** see [the docs](https://go.dev/doc) \\*"),
            ("Tell [laughter] bold see the docs *".to_string(), 6)
        );
        assert_eq!(
            strip_markup("a [b] c \\ d"),
            ("a [b] c \\ d".to_string(), 0)
        );
    }
}
