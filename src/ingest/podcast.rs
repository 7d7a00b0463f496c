//! Podcasting 2.0 JSON transcripts (`<podcast:transcript type="application/json">`).
//!
//! Spec: Podcastindex-org/podcast-namespace, `docs/examples/transcripts/
//! transcripts.md`, section "JSON" (commit `c0ff5caa`): `{"version": "1.0.0",
//! "segments": [{"speaker"?, "startTime", "endTime"?, "body"}]}` with times in
//! seconds (floats or integers). Hosts cut segments anywhere from one word
//! (Buzzsprout) to a caption line (Podnews); consecutive bodies of one speaker are
//! joined, each placed at its own time by [`super::asr::emit_words`], so one-word
//! segments keep their word times without costing a segment each. A body that is
//! only punctuation (`","`) attaches to the word before it. `speaker` may be
//! missing or `null`; `endTime` may be missing (then the next start, or the start
//! itself for the last). Cross-talk makes starts go slightly backwards between
//! speakers: reported, and kept at the earlier start's time.

use serde_json::Value;

use super::asr::{self, Use, Word};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis};

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let Some(value) = asr::parse_json(reader, text, "a Podcasting 2.0 JSON transcript")? else {
        return Ok(());
    };
    let segments = match value.get("segments") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("\"segments\" is {}, not an array", asr::kind_of(other));
            return asr::refuse(reader, text, 1, DiagnosticKind::MalformedRecord, &message);
        }
        None => {
            let message = "no \"segments\" array: not a Podcasting 2.0 transcript";
            return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, message);
        }
    };
    let spans = asr::array_spans(text, &["segments"]);
    let lines = asr::Lines::new(text);
    let document = reader.new_document();
    let mut words: Vec<Word> = Vec::new();
    let mut ends: Vec<Option<Millis>> = Vec::new();
    let mut used = Vec::new();
    let mut previous = 0;
    for (i, segment) in segments.iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..text.len());
        let line = lines.of(span.start);
        let usage = match read_segment(segment) {
            Ok((start, end, body, speaker)) => {
                let what = format!("segments[{i}]");
                let start = asr::in_order(reader, line, &what, start, &mut previous)?;
                let speaker = speaker.and_then(|name| reader.speaker(name));
                let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
                words.push(Word {
                    spaced: !asr::is_punctuation(&body),
                    text: body,
                    start,
                    end: start,
                    line,
                    speaker,
                    boundary: false,
                });
                ends.push(end);
                Use::Record
            }
            Err((kind, message)) => {
                reader.warn(line, kind, format!("segments[{i}] {message}; skipped"))?;
                Use::skipped(kind)
            }
        };
        used.push((span, usage));
    }
    // Ends: as written, else the next start; never before the start.
    for k in 0..words.len() {
        let next = words.get(k + 1).map(|w| w.start);
        let start = words[k].start;
        words[k].end = ends[k].or(next).unwrap_or(start).max(start);
    }
    asr::count_lines(reader, text, &used);
    asr::emit_words(reader, document, &words);
    reader.set_format(Format::PodcastJson, TimeAxis::Offset);
    Ok(())
}

type Segment<'v> = (Millis, Option<Millis>, &'v str, Option<&'v str>);

fn read_segment(segment: &Value) -> Result<Segment<'_>, (DiagnosticKind, String)> {
    let Some(object) = segment.as_object() else {
        let why = format!("is {}, not an object", asr::kind_of(segment));
        return Err((DiagnosticKind::MalformedRecord, why));
    };
    let time = |key: &str| -> Result<Option<Millis>, (DiagnosticKind, String)> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => match asr::seconds(value) {
                Some(ms) => Ok(Some(ms)),
                None if value.as_f64().is_some_and(|s| s < 0.0) => Err((
                    DiagnosticKind::MalformedTimestamp,
                    format!("has a negative \"{key}\" ({value})"),
                )),
                None => Err((
                    DiagnosticKind::MalformedTimestamp,
                    format!(
                        "has \"{key}\" {} ({value}), not a number of seconds",
                        asr::kind_of(value)
                    ),
                )),
            },
        }
    };
    let Some(start) = time("startTime")? else {
        let why = "has no \"startTime\"".to_string();
        return Err((DiagnosticKind::MissingField, why));
    };
    let end = time("endTime")?;
    let body = match object.get("body") {
        Some(Value::String(body)) => body.as_str(),
        Some(other) => {
            let why = format!("has \"body\" {}, not a string", asr::kind_of(other));
            return Err((DiagnosticKind::MalformedRecord, why));
        }
        None => {
            let why = "has no \"body\"".to_string();
            return Err((DiagnosticKind::MissingField, why));
        }
    };
    let speaker = object.get("speaker").and_then(Value::as_str);
    Ok((start, end, body, speaker))
}
