//! YouTube timedtext `json3` captions (`fmt=json3`; yt-dlp `--sub-format json3`).
//!
//! There is no published spec; the layout below is that of real responses (see
//! `tests/fixtures/asr/README.md`, from treant5612/y2bcaptions `json3_test.go`).
//! `events[]` each have `tStartMs` (integer ms), usually `dDurationMs`, and
//! `segs[]` of `{utf8, tOffsetMs?}`; styling (`pens`, `wsWinStyles`,
//! `wpWinPositions`) and window events without `segs` carry no text.
//!
//! * **Auto-generated tracks** put one word per seg, at `tStartMs + tOffsetMs`
//!   (the first seg of an event has no offset: 0). Between word events come
//!   `aAppend` events whose only seg is `"\n"`, a line break of the rolling
//!   display, not text. Words keep their times ([`super::asr::emit_words`]); a
//!   word lasts until the next one starts (event durations overlap: each lasts
//!   until its line scrolls away, so they are not an end of speech).
//! * **Manual tracks** hold a caption per event (`\n` inside `utf8` breaks its
//!   lines); each event is a segment `[tStartMs, tStartMs + dDurationMs)`.
//!
//! An event whose `tStartMs` is not a whole number, or with a negative offset, is
//! reported and skipped.

use serde_json::Value;

use super::asr::{self, Use, Word};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis};

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let Some(value) = asr::parse_json(reader, text, "YouTube json3 captions")? else {
        return Ok(());
    };
    let events = match value.get("events") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("\"events\" is {}, not an array", asr::kind_of(other));
            return asr::refuse(reader, text, 1, DiagnosticKind::MalformedRecord, &message);
        }
        None => {
            let message = "no \"events\" array: not json3 captions";
            return asr::refuse(reader, text, 1, DiagnosticKind::MissingField, message);
        }
    };
    let spans = asr::array_spans(text, &["events"]);
    let lines = asr::Lines::new(text);
    let document = reader.new_document();
    // Each seg as a word, and the end of the event it is in.
    let mut words: Vec<(Word, Millis)> = Vec::new();
    let mut used = Vec::new();
    let mut previous = 0;
    for (i, event) in events.iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..text.len());
        let line = lines.of(span.start);
        let usage = match read_event(event) {
            Ok(None) => Use::Metadata,
            Ok(Some(event)) => {
                let what = format!("events[{i}]");
                let start = asr::in_order(reader, line, &what, event.start, &mut previous)?;
                let caption = event.segs.len() == 1 && !event.timed;
                let count = words.len();
                for (k, (piece, offset)) in event.segs.iter().enumerate() {
                    let text = piece.split_whitespace().collect::<Vec<_>>().join(" ");
                    words.push((
                        Word {
                            spaced: k == 0 || piece.starts_with(char::is_whitespace),
                            text,
                            start: start + offset,
                            end: start + offset,
                            line,
                            speaker: None,
                            boundary: caption,
                        },
                        event
                            .end
                            .map_or(start + offset, |end| end.max(start + offset)),
                    ));
                }
                if caption
                    && words.len() > count
                    && let Some((word, end)) = words.last_mut()
                {
                    word.end = *end;
                }
                Use::Record
            }
            Err((kind, message)) => {
                reader.warn(line, kind, format!("events[{i}] {message}; skipped"))?;
                Use::skipped(kind)
            }
        };
        used.push((span, usage));
    }
    // A word lasts until the next starts, within its event; a caption its event.
    let mut words: Vec<Word> = {
        let starts: Vec<Millis> = words.iter().map(|(w, _)| w.start).collect();
        words
            .into_iter()
            .enumerate()
            .map(|(k, (mut word, event_end))| {
                if !word.boundary {
                    let next = starts.get(k + 1).copied().unwrap_or(event_end);
                    word.end = next.min(event_end).max(word.start);
                }
                word
            })
            .collect()
    };
    // Keep word starts in order within an event, too.
    let mut last = 0;
    for word in &mut words {
        word.start = word.start.max(last);
        word.end = word.end.max(word.start);
        last = word.start;
    }
    asr::count_lines(reader, text, &used);
    asr::emit_words(reader, document, &words);
    reader.set_format(Format::Json3, TimeAxis::Offset);
    Ok(())
}

/// An event with text: its start, end (when it has a duration), and segs with
/// their offsets; `timed` when any seg had an offset of its own.
struct Event<'v> {
    start: Millis,
    end: Option<Millis>,
    segs: Vec<(&'v str, Millis)>,
    timed: bool,
}

fn read_event(event: &Value) -> Result<Option<Event<'_>>, (DiagnosticKind, String)> {
    let Some(object) = event.as_object() else {
        let why = format!("is {}, not an object", asr::kind_of(event));
        return Err((DiagnosticKind::MalformedRecord, why));
    };
    let whole = |key: &str, value: &Value| {
        asr::millis(value).ok_or_else(|| {
            let what = if value.as_i64().is_some_and(|v| v < 0) {
                "negative".to_string()
            } else {
                format!(
                    "{}, not a whole number of milliseconds",
                    asr::kind_of(value)
                )
            };
            (
                DiagnosticKind::MalformedTimestamp,
                format!("has \"{key}\" {value}: {what}"),
            )
        })
    };
    let Some(segs) = object.get("segs").and_then(Value::as_array) else {
        return Ok(None);
    };
    let Some(start) = object.get("tStartMs") else {
        let why = "has no \"tStartMs\"".to_string();
        return Err((DiagnosticKind::MissingField, why));
    };
    let start = whole("tStartMs", start)?;
    let end = match object.get("dDurationMs") {
        Some(duration) => Some(start + whole("dDurationMs", duration)?),
        None => None,
    };
    let mut pieces = Vec::new();
    let mut timed = false;
    for seg in segs {
        let Some(text) = seg.get("utf8").and_then(Value::as_str) else {
            continue;
        };
        let offset = match seg.get("tOffsetMs") {
            Some(offset) => {
                timed = true;
                whole("tOffsetMs", offset)?
            }
            None => 0,
        };
        if !text.trim().is_empty() {
            pieces.push((text, offset));
        }
    }
    if pieces.is_empty() {
        return Ok(None);
    }
    Ok(Some(Event {
        start,
        end,
        segs: pieces,
        timed: timed || segs.len() > 1,
    }))
}
