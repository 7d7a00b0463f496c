//! whisper.cpp's JSON output (`whisper-cli -oj`, and `-ojf` with tokens).
//!
//! Spec: ggerganov/whisper.cpp `examples/cli/cli.cpp`, `output_json`, at commit
//! `f0d2bfbf` (see `tests/fixtures/asr/README.md`). The file is written by hand,
//! not by a JSON library: `transcription[]` holds `offsets` `{from, to}` in
//! **integer milliseconds** (the `timestamps` strings beside them are for people)
//! and `text`; `-ojf` adds `tokens[]` with their own `offsets` when they have
//! times; `-di` adds `speaker` (`"0"`, `"1"`, `"?"`, the last meaning unknown).
//!
//! Tokens are assembled into words: a control token (`[_BEG_]`, `[_TT_123]`) is
//! dropped, a token with a leading space starts a word, one without continues
//! the word before it; a segment whose tokens carry times has its words placed
//! exactly ([`super::asr::emit_words`]), otherwise it is one segment.
//!
//! **Raw control characters.** whisper.cpp escapes only `"` and `\`, so a text
//! with a tab or a newline makes the file invalid JSON. Such a file is accepted:
//! when strict parsing fails on a control character, the raw control characters
//! inside strings are read as spaces and the file is parsed again (only then,
//! and only for this format). Invalid UTF-8 from split multi-byte tokens is
//! repaired as in every file, with a warning per line.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::asr::{self, Use, Word};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis, clock_label};

/// `text` with the raw control characters inside JSON strings made spaces.
fn spaces_for_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                (false, c) if c.is_control() && (c as u32) < 0x20 => {
                    out.push(' ');
                    continue;
                }
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    // Control characters are one byte, as are the spaces put for them: byte
    // offsets (and so lines, counted in the original) stay the same.
    let repaired: Cow<'_, str> = match serde_json::from_str::<Value>(text) {
        Err(e) if e.to_string().contains("control character") => {
            Cow::Owned(spaces_for_controls(text))
        }
        _ => Cow::Borrowed(text),
    };
    let value: Value = match serde_json::from_str(&repaired) {
        Ok(value) => value,
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX).max(1);
            let message = format!("not whisper.cpp JSON: invalid JSON ({e})");
            return asr::refuse(
                reader,
                text,
                line,
                DiagnosticKind::MalformedRecord,
                &message,
            );
        }
    };
    let segments = match value.get("transcription") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("\"transcription\" is {}, not an array", asr::kind_of(other));
            return asr::refuse(reader, text, 1, DiagnosticKind::MalformedRecord, &message);
        }
        None => {
            let message = "no \"transcription\" array: not whisper.cpp output";
            return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, message);
        }
    };
    if segments.is_empty() {
        asr::count_lines(reader, text, &[]);
        reader.set_format(Format::WhisperCpp, TimeAxis::Offset);
        return reader.warn(
            0,
            DiagnosticKind::EmptyFile,
            "empty \"transcription\": whisper.cpp found no speech",
        );
    }
    let spans = asr::array_spans(&repaired, &["transcription"]);
    let lines = asr::Lines::new(text);
    let document = reader.new_document();
    let mut words = Vec::new();
    let mut used = Vec::new();
    let mut previous = 0;
    for (i, segment) in segments.iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..text.len());
        let line = lines.of(span.start);
        let usage = match read_segment(reader, i, segment, line, &mut previous, &mut words)? {
            Ok(()) => Use::Record,
            Err((kind, message)) => {
                reader.warn(line, kind, format!("transcription[{i}]{message}; skipped"))?;
                Use::skipped(kind)
            }
        };
        used.push((span, usage));
    }
    asr::count_lines(reader, text, &used);
    asr::emit_words(reader, document, &words);
    reader.set_format(Format::WhisperCpp, TimeAxis::Offset);
    Ok(())
}

type Skip = (DiagnosticKind, String);

/// `offsets.from` and `offsets.to` of an element.
fn offsets(object: &Map<String, Value>) -> Result<(Millis, Millis), Skip> {
    let Some(offsets) = object.get("offsets").and_then(Value::as_object) else {
        return Err((
            DiagnosticKind::MissingField,
            " has no \"offsets\" object".into(),
        ));
    };
    let field = |key: &str| match offsets.get(key) {
        None => Err((
            DiagnosticKind::MissingField,
            format!(" has no \"offsets.{key}\""),
        )),
        Some(value) => asr::millis(value).ok_or_else(|| {
            (
                DiagnosticKind::MalformedTimestamp,
                format!(
                    ".offsets.{key} is {} ({value}), not a whole number of milliseconds",
                    asr::kind_of(value)
                ),
            )
        }),
    };
    Ok((field("from")?, field("to")?))
}

fn read_segment(
    reader: &mut FileReader<'_>,
    i: usize,
    segment: &Value,
    line: u32,
    previous: &mut Millis,
    words: &mut Vec<Word>,
) -> Result<Result<(), Skip>, IngestError> {
    let Some(object) = segment.as_object() else {
        let why = format!(" is {}, not an object", asr::kind_of(segment));
        return Ok(Err((DiagnosticKind::MalformedRecord, why)));
    };
    let (start, end) = match offsets(object) {
        Ok(times) => times,
        Err(e) => return Ok(Err(e)),
    };
    let Some(text) = object.get("text").and_then(Value::as_str) else {
        let why = " has no \"text\" string".to_string();
        return Ok(Err((DiagnosticKind::MissingField, why)));
    };
    let what = format!("transcription[{i}]");
    let start = asr::in_order(reader, line, &what, start, previous)?;
    let end = if end < start {
        reader.warn(
            line,
            DiagnosticKind::MalformedTimestamp,
            format!(
                "{what} ends at {} before it starts at {}; it is kept as ending when it starts",
                clock_label(end),
                clock_label(start)
            ),
        )?;
        start
    } else {
        end
    };
    let speaker = match object.get("speaker").and_then(Value::as_str) {
        Some("?") | None => None,
        Some(name) => reader.speaker(name),
    };
    let tokens = object
        .get("tokens")
        .and_then(Value::as_array)
        .map(|tokens| token_words(tokens, start, end))
        .unwrap_or_default();
    if tokens.is_empty() {
        words.push(Word {
            text: text.trim().to_string(),
            start,
            end,
            line,
            speaker,
            spaced: true,
            boundary: true,
        });
        return Ok(Ok(()));
    }
    for (k, (piece, at, until)) in tokens.into_iter().enumerate() {
        words.push(Word {
            spaced: k == 0 || piece.starts_with(char::is_whitespace),
            text: piece.trim().to_string(),
            start: at,
            end: until,
            line,
            speaker,
            boundary: k == 0,
        });
    }
    Ok(Ok(()))
}

/// The timed text tokens of a segment (control tokens dropped), or none when a
/// text token has no times. Times are kept within the segment and in order.
fn token_words(tokens: &[Value], start: Millis, end: Millis) -> Vec<(&str, Millis, Millis)> {
    let mut out = Vec::new();
    let mut last = start;
    for token in tokens {
        let Some(text) = token.get("text").and_then(Value::as_str) else {
            continue;
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || (trimmed.starts_with("[_") && trimmed.ends_with(']')) {
            continue;
        }
        let Some(Ok((from, to))) = token.as_object().map(offsets) else {
            return Vec::new();
        };
        let from = from.clamp(last, end.max(last));
        last = from;
        out.push((text, from, to.clamp(from, end.max(from))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_control_characters_become_spaces_inside_strings_only() {
        assert_eq!(
            spaces_for_controls("{\n\t\"text\": \"a\tb\nc \\\" \t\"\n}"),
            "{\n\t\"text\": \"a b c \\\"  \"\n}"
        );
    }
}
