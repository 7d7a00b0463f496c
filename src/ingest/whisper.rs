//! openai-whisper's JSON and TSV outputs (also written by whisper-ctranslate2 and
//! the faster-whisper command lines).
//!
//! Spec: openai/whisper `whisper/utils.py` (`WriteJSON`: `json.dump` of the
//! result; `WriteTSV`: a `start\tend\ttext` header, then `round(1000 × start)`,
//! `round(1000 × end)` and the stripped text per segment) and
//! `whisper/transcribe.py` (the result: `{"text", "segments", "language"}`), at
//! commit `c0d2f624`; the field notes and real files are in
//! `tests/fixtures/asr/README.md`.
//!
//! **JSON.** Each element of `segments` has `start` and `end` (float seconds)
//! and `text`; with `--word_timestamps True` also `words[]` of `{word, start, end,
//! probability}`, and whisper-ctranslate2's diarization adds `speaker`. Words, when
//! every word of a segment has its times, are placed exactly ([`asr::emit_words`]);
//! a word's text carries its leading space, and a word without one continues the
//! word before it (`" L"` + `"'esquelet"`). A segment without words is one
//! segment. A word outside its segment by more than a second is reported and
//! moved into it. `words: null` (ctranslate2) is no words. The top-level
//! `language` (a code or a name, depending on the tool) is not used: the run's
//! `language` option decides.
//!
//! **TSV.** Integer milliseconds, one segment per line, no speakers. A file
//! without the header, or with seconds (`0.0`) instead of milliseconds, is not
//! Whisper TSV and is refused (the header) or has the line skipped (the time).

use serde_json::{Map, Value};

use super::asr::{self, Use, Word};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis, clock_label};

/// How far a word may lie outside its segment before it is reported.
const WORD_SLACK: Millis = 1_000;

pub(super) fn parse_json(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let Some(value) = asr::parse_json(reader, text, "Whisper JSON")? else {
        return Ok(());
    };
    let segments = match value.get("segments") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("\"segments\" is {}, not an array", asr::kind_of(other));
            return asr::refuse(reader, text, 1, DiagnosticKind::MalformedRecord, &message);
        }
        None => {
            let message = "no \"segments\" array: not a Whisper transcript";
            return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, message);
        }
    };
    let spans = asr::array_spans(text, &["segments"]);
    let lines = asr::Lines::new(text);
    let document = reader.new_document();
    let mut words: Vec<Word> = Vec::new();
    let mut used = Vec::new();
    let mut previous = 0;
    for (i, segment) in segments.iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..text.len());
        let line = lines.of(span.start);
        let usage = match read_segment(reader, i, segment, line, &mut previous, &mut words)? {
            Ok(()) => Use::Record,
            Err((kind, message)) => {
                reader.warn(line, kind, format!("segments[{i}]{message}; skipped"))?;
                Use::skipped(kind)
            }
        };
        used.push((span, usage));
    }
    asr::count_lines(reader, text, &used);
    asr::emit_words(reader, document, &words);
    reader.set_format(Format::WhisperJson, TimeAxis::Offset);
    Ok(())
}

/// Why an element was skipped: its kind and what is wrong.
type Skip = (DiagnosticKind, String);

/// A required field of seconds.
fn time_field(object: &Map<String, Value>, key: &str) -> Result<Millis, Skip> {
    match object.get(key) {
        None => Err((DiagnosticKind::MissingField, format!(" has no \"{key}\""))),
        Some(value) => asr::seconds(value).ok_or_else(|| {
            (
                DiagnosticKind::MalformedTimestamp,
                format!(
                    ".{key} is {} ({value}), not a number of seconds",
                    asr::kind_of(value)
                ),
            )
        }),
    }
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
    let (start, end) = match (time_field(object, "start"), time_field(object, "end")) {
        (Ok(start), Ok(end)) => (start, end),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let Some(text) = object.get("text").and_then(Value::as_str) else {
        let why = " has no \"text\" string".to_string();
        return Ok(Err((DiagnosticKind::MissingField, why)));
    };
    let what = format!("segments[{i}]");
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
        Some(name) => reader.speaker(name),
        None => None,
    };
    let timed = object
        .get("words")
        .and_then(Value::as_array)
        .map(|list| timed_words(list))
        .unwrap_or_default();
    if timed.is_empty() {
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
    let outside = timed
        .iter()
        .find(|(_, s, _)| *s + WORD_SLACK < start || *s > end + WORD_SLACK);
    if let Some((word, at, _)) = outside {
        reader.warn(
            line,
            DiagnosticKind::MalformedTimestamp,
            format!(
                "{what} has the word {:?} at {}, outside the segment ({} to {}); its words are \
                 kept inside it",
                word.trim(),
                clock_label(*at),
                clock_label(start),
                clock_label(end)
            ),
        )?;
    }
    let mut last = start;
    for (k, (word, word_start, word_end)) in timed.into_iter().enumerate() {
        let word_start = word_start.clamp(last, end.max(last));
        let word_end = word_end.clamp(word_start, end.max(word_start));
        last = word_start;
        words.push(Word {
            text: word.trim().to_string(),
            start: word_start,
            end: word_end,
            line,
            speaker,
            spaced: k == 0 || word.starts_with(char::is_whitespace),
            boundary: k == 0,
        });
    }
    Ok(Ok(()))
}

/// A segment's words with their times, or none when any word lacks them.
fn timed_words(list: &[Value]) -> Vec<(&str, Millis, Millis)> {
    let timed: Option<Vec<_>> = list
        .iter()
        .map(|w| {
            let word = w.get("word")?.as_str()?;
            let start = asr::seconds(w.get("start")?)?;
            let end = asr::seconds(w.get("end")?)?.max(start);
            Some((word, start, end))
        })
        .collect();
    timed.unwrap_or_default()
}

/// The TSV header openai-whisper writes.
const TSV_HEADER: &str = "start\tend\ttext";

pub(super) fn parse_tsv(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let header = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty());
    let Some((header_index, header)) = header.filter(|(_, l)| l.trim_end() == TSV_HEADER) else {
        let line = header.map_or(1, |(i, _)| i + 1) as u32;
        let message = "no `start<TAB>end<TAB>text` header: not Whisper TSV";
        return asr::refuse(reader, text, line, DiagnosticKind::MissingField, message);
    };
    let _ = header;
    let document = reader.new_document();
    let mut previous = 0;
    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        reader.lines().total += 1;
        if index <= header_index {
            if raw.trim().is_empty() {
                reader.lines().blank += 1;
            } else {
                reader.lines().metadata += 1;
            }
            continue;
        }
        if raw.trim().is_empty() {
            reader.lines().blank += 1;
            continue;
        }
        let fields: Vec<&str> = raw.splitn(3, '\t').collect();
        if fields.len() < 3 {
            reader.skip(1, DiagnosticKind::MissingField);
            reader.warn(
                number,
                DiagnosticKind::MissingField,
                format!(
                    "expected 3 tab-separated fields (start, end, text), found {}; skipped the line",
                    fields.len()
                ),
            )?;
            continue;
        }
        let ms = |field: &str| {
            let field = field.trim();
            (!field.is_empty() && field.len() <= 13 && field.bytes().all(|b| b.is_ascii_digit()))
                .then(|| field.parse::<Millis>().ok())
                .flatten()
        };
        let (Some(start), Some(end)) = (ms(fields[0]), ms(fields[1])) else {
            reader.skip(1, DiagnosticKind::MalformedTimestamp);
            reader.warn(
                number,
                DiagnosticKind::MalformedTimestamp,
                format!(
                    "start {:?} and end {:?} must be whole milliseconds (Whisper TSV writes \
                     round(1000 × seconds)); skipped the line",
                    fields[0], fields[1]
                ),
            )?;
            continue;
        };
        reader.lines().records += 1;
        let start = asr::in_order(reader, number, "the line", start, &mut previous)?;
        let end = if end < start {
            reader.warn(
                number,
                DiagnosticKind::MalformedTimestamp,
                format!(
                    "the line ends at {} before it starts at {}; it is kept as ending when it starts",
                    clock_label(end),
                    clock_label(start)
                ),
            )?;
            start
        } else {
            end
        };
        let words = fields[2].trim();
        if !words.is_empty() {
            reader.push(document, number, start, end, words.to_string());
        }
    }
    reader.set_format(Format::WhisperTsv, TimeAxis::Offset);
    Ok(())
}
