//! AWS Transcribe batch job output (JSON).
//!
//! Spec: the Amazon Transcribe developer guide, "Example diarization output
//! (batch)" and "Partitioning speakers (diarization)" (awsdocs/amazon-transcribe-
//! developer-guide, commit `32dea244`; field notes in
//! `tests/fixtures/asr/README.md`). `results.items[]` lists the words in spoken
//! order: a `pronunciation` item has `start_time` and `end_time` (decimal
//! strings of seconds, `"0.43"`) and its word in `alternatives[0].content`; a
//! `punctuation` item has no times and attaches to the word before it. Speakers
//! come from `items[].speaker_label` (newer outputs) or else from
//! `results.speaker_labels.segments[].items[]`, matched by `start_time`.
//!
//! Every word keeps its time ([`super::asr::emit_words`]); segments also end at a
//! sentence's end (`.`, `?`, `!`) and where the speaker changes. A job without
//! `results` (`"status": "FAILED"`) is refused; so is a file whose items are not
//! an array. Channel identification (`channel_labels`) and Call Analytics
//! output are other formats and are not read.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::asr::{self, Use, Word};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis, parse_offset};

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let Some(value) = asr::parse_json(reader, text, "AWS Transcribe JSON")? else {
        return Ok(());
    };
    let Some(results) = value.get("results").and_then(Value::as_object) else {
        let status = value
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let message = format!("no \"results\" object (the job's status is {status:?})");
        return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, &message);
    };
    let items = match results.get("items") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("\"results.items\" is {}, not an array", asr::kind_of(other));
            return asr::refuse(reader, text, 1, DiagnosticKind::MalformedRecord, &message);
        }
        None => {
            let message = "no \"results.items\" array: not AWS Transcribe output";
            return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, message);
        }
    };
    let labels = speaker_labels(results);
    let spans = asr::array_spans(text, &["results", "items"]);
    let lines = asr::Lines::new(text);
    let document = reader.new_document();
    let mut words: Vec<Word> = Vec::new();
    let mut used = Vec::new();
    let mut previous = 0;
    let mut sentence_ended = true;
    for (i, item) in items.iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..text.len());
        let line = lines.of(span.start);
        let usage = match read_item(item) {
            Ok(Item::Punctuation(mark)) => {
                match words.last_mut() {
                    Some(last) => {
                        last.text.push_str(mark);
                    }
                    None => words.push(Word {
                        text: mark.to_string(),
                        start: 0,
                        end: 0,
                        line,
                        speaker: None,
                        spaced: true,
                        boundary: true,
                    }),
                }
                sentence_ended = matches!(mark, "." | "?" | "!");
                Use::Record
            }
            Ok(Item::Word {
                content,
                start,
                end,
                start_text,
                speaker,
            }) => {
                let start =
                    asr::in_order(reader, line, &format!("items[{i}]"), start, &mut previous)?;
                let speaker = speaker
                    .or_else(|| labels.get(start_text).map(String::as_str))
                    .and_then(|name| reader.speaker(name));
                words.push(Word {
                    text: content.to_string(),
                    start,
                    end: end.max(start),
                    line,
                    speaker,
                    spaced: true,
                    boundary: std::mem::take(&mut sentence_ended),
                });
                Use::Record
            }
            Err((kind, message)) => {
                reader.warn(line, kind, format!("items[{i}] {message}; skipped"))?;
                Use::skipped(kind)
            }
        };
        used.push((span, usage));
    }
    asr::count_lines(reader, text, &used);
    asr::emit_words(reader, document, &words);
    reader.set_format(Format::AwsTranscribe, TimeAxis::Offset);
    Ok(())
}

/// Speaker labels by the `start_time` text of their items, from
/// `results.speaker_labels.segments[].items[]`.
fn speaker_labels(results: &Map<String, Value>) -> HashMap<&str, String> {
    let mut labels = HashMap::new();
    let segments = results
        .get("speaker_labels")
        .and_then(|l| l.get("segments"))
        .and_then(Value::as_array);
    for segment in segments.into_iter().flatten() {
        for item in segment
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(start), Some(label)) = (
                item.get("start_time").and_then(Value::as_str),
                item.get("speaker_label").and_then(Value::as_str),
            ) {
                labels.insert(start, label.to_string());
            }
        }
    }
    labels
}

enum Item<'v> {
    Punctuation(&'v str),
    Word {
        content: &'v str,
        start: Millis,
        end: Millis,
        start_text: &'v str,
        speaker: Option<&'v str>,
    },
}

fn read_item(item: &Value) -> Result<Item<'_>, (DiagnosticKind, String)> {
    let Some(object) = item.as_object() else {
        let why = format!("is {}, not an object", asr::kind_of(item));
        return Err((DiagnosticKind::MalformedRecord, why));
    };
    let Some(content) = object
        .get("alternatives")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| a.get("content"))
        .and_then(Value::as_str)
    else {
        let why = "has no \"alternatives\" with a \"content\"".to_string();
        return Err((DiagnosticKind::MissingField, why));
    };
    let kind = object.get("type").and_then(Value::as_str);
    let time = |key: &str| -> Result<Option<(Millis, &str)>, (DiagnosticKind, String)> {
        match object.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                // A decimal number of seconds: digits and one point, no clock.
                let decimal = !s.is_empty()
                    && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && s.bytes().filter(|&b| b == b'.').count() <= 1;
                match decimal.then(|| parse_offset(s)).flatten() {
                    Some(ms) => Ok(Some((ms, s.as_str()))),
                    None => Err((
                        DiagnosticKind::MalformedTimestamp,
                        format!("has \"{key}\" {s:?}, not a decimal number of seconds"),
                    )),
                }
            }
            Some(other) => Err((
                DiagnosticKind::MalformedTimestamp,
                format!(
                    "has \"{key}\" {}, not a string of seconds",
                    asr::kind_of(other)
                ),
            )),
        }
    };
    let (start, end) = (time("start_time")?, time("end_time")?);
    match (kind, start) {
        (Some("punctuation"), _) => Ok(Item::Punctuation(content)),
        (_, Some((start, start_text))) => Ok(Item::Word {
            content,
            start,
            end: end.map_or(start, |(end, _)| end),
            start_text,
            speaker: object.get("speaker_label").and_then(Value::as_str),
        }),
        (_, None) => Err((
            DiagnosticKind::MissingField,
            "is a pronunciation without \"start_time\" (only punctuation may lack times)".into(),
        )),
    }
}
