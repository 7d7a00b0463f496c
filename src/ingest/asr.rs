//! What the speech-recognition readers share: timed words grouped into segments,
//! and JSON read with each element's line.
//!
//! **Word times.** A segment's words are placed in time by interpolation over its
//! bytes ([`crate::window::token_time`]): exact at its start, approximate after.
//! Formats with word times (Whisper `words[]`, AWS Transcribe items, YouTube
//! `json3` word offsets, whisper.cpp `-ojf` tokens, one-word Podcasting 2.0
//! segments) would lose them if their words were joined into sentence segments,
//! and would cost a segment (about 64 bytes plus the text) per word if each word
//! were one. [`emit_words`] does neither: it groups consecutive words into
//! segments that start at their first word's time and end at their last word's
//! end, and closes a group before the word that interpolation would put
//! outside its neighbours: **every word is placed no earlier than the word before
//! it starts and no later than the word after it ends**, so the error is at most
//! a word either side, and at a window boundary only the words next to it can
//! land on the wrong side. Speech is close to evenly paced within a phrase, so groups
//! run to many words (at most [`MAX_GROUP_WORDS`]); a pause or a change of pace
//! ends one. Groups also end at a speaker change and wherever the format marks
//! a boundary (a Whisper segment, a sentence end in AWS output, a caption).
//! Since phrases are counted within a segment, keeping groups long matters for
//! phrase mining as well as for memory.
//!
//! **JSON lines.** serde_json says where a syntax error is but not where a value
//! is, so [`array_spans`] scans the text once for the byte spans of the elements
//! of one array (`segments`, `results.items`, `events`), which gives each
//! element's diagnostics a line and lets every line be counted: lines of used
//! elements are `records`, lines of skipped ones `skipped`, the rest `metadata`
//! or `blank`.

use std::ops::Range;

use serde_json::Value;

use super::{DiagnosticKind, FileReader, IngestError};
use crate::time::{Millis, clock_label, offset_from_seconds};
use crate::window::token_time;

/// The most words in one segment made by [`emit_words`].
pub(super) const MAX_GROUP_WORDS: usize = 64;

/// A timed word (or a longer timed piece, such as a caption or a Podcasting 2.0
/// body) of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    /// Its text, trimmed.
    pub text: String,
    /// When it starts.
    pub start: Millis,
    /// When it ends (at least `start`).
    pub end: Millis,
    /// The line it was read from.
    pub line: u32,
    /// Who says it.
    pub speaker: Option<u32>,
    /// Written apart from the word before it (a space between them); `false`
    /// glues it on (punctuation, a sub-word piece).
    pub spaced: bool,
    /// It starts a new segment whatever the timing says.
    pub boundary: bool,
}

/// Adds `words` (in time order) to `document` as segments that place each word
/// within one word of its own time (see the module documentation).
pub(super) fn emit_words(reader: &mut FileReader<'_>, document: u32, words: &[Word]) {
    // Pieces glued to the word before them (punctuation, sub-word tokens) become
    // part of it first, so that a word is never split or moved by its pieces.
    let mut merged: Vec<Word> = Vec::with_capacity(words.len());
    for word in words.iter().filter(|w| !w.text.is_empty()) {
        match merged.last_mut() {
            Some(last) if !word.spaced && !word.boundary && last.speaker == word.speaker => {
                last.text.push_str(&word.text);
                last.end = last.end.max(word.end);
            }
            _ => merged.push(word.clone()),
        }
    }
    let mut group: Vec<&Word> = Vec::new();
    let mut text = String::new();
    let mut starts: Vec<usize> = Vec::new();
    for word in &merged {
        let forced = word.boundary || group.last().is_some_and(|w| w.speaker != word.speaker);
        let split = !group.is_empty()
            && (forced || starts.len() >= MAX_GROUP_WORDS || !fits(&group, &text, &starts, word));
        if split {
            flush(reader, document, &mut group, &mut text, &mut starts);
        }
        if !text.is_empty() {
            text.push(' ');
        }
        starts.push(text.len());
        text.push_str(&word.text);
        group.push(word);
    }
    flush(reader, document, &mut group, &mut text, &mut starts);
}

/// Whether `next`, added to the group, leaves every word of it placed between
/// the start of the word before it and the end of the word after it.
fn fits(group: &[&Word], text: &str, starts: &[usize], next: &Word) -> bool {
    let len = text.len() + 1 + next.text.len();
    let start = group[0].start;
    let end = next.end.max(next.start);
    let times: Vec<(Millis, Millis)> = group
        .iter()
        .map(|w| (w.start, w.end.max(w.start)))
        .chain(std::iter::once((next.start, end)))
        .collect();
    let offset = |k: usize| starts.get(k).copied().unwrap_or(text.len() + 1);
    (1..times.len()).all(|k| {
        let at = token_time(start, end, offset(k), len);
        let low = times[k - 1].0;
        let high = times.get(k + 1).map_or(end, |t| t.1).max(times[k].0);
        (low..=high).contains(&at)
    })
}

fn flush(
    reader: &mut FileReader<'_>,
    document: u32,
    group: &mut Vec<&Word>,
    text: &mut String,
    starts: &mut Vec<usize>,
) {
    let (Some(first), Some(last)) = (group.first(), group.last()) else {
        return;
    };
    let (start, end) = (first.start, last.end.max(last.start).max(first.start));
    let (line, speaker) = (first.line, first.speaker);
    reader.push_spoken(document, line, (start, end), std::mem::take(text), speaker);
    group.clear();
    starts.clear();
}

/// Parses a whole file as JSON. When it is not JSON, every line is skipped with
/// one diagnostic at the error's line and `None` is returned.
pub(super) fn parse_json(
    reader: &mut FileReader<'_>,
    text: &str,
    what: &str,
) -> Result<Option<Value>, IngestError> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX).max(1);
            refuse(
                reader,
                text,
                line,
                DiagnosticKind::MalformedRecord,
                &format!("not {what}: invalid JSON ({e})"),
            )?;
            Ok(None)
        }
    }
}

/// Skips every line of the file with one diagnostic: `message`, then what was
/// skipped.
pub(super) fn refuse(
    reader: &mut FileReader<'_>,
    text: &str,
    line: u32,
    kind: DiagnosticKind,
    message: &str,
) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    reader.lines().total = total;
    reader.skip(total, kind);
    reader.warn(
        line,
        kind,
        format!("{message}; skipped the file ({total} lines)"),
    )
}

/// How an element of the array was used, for counting its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Use {
    /// Not text (a styling event, an element with nothing to read).
    Metadata,
    /// Skipped, with a diagnostic of this kind.
    Skipped(DiagnosticKindRank),
    /// Read.
    Record,
}

/// A [`DiagnosticKind`] that orders (for [`Use`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct DiagnosticKindRank(pub DiagnosticKind);

impl Use {
    /// Skipped because of a problem of `kind`.
    pub fn skipped(kind: DiagnosticKind) -> Use {
        Use::Skipped(DiagnosticKindRank(kind))
    }
}

/// Line numbers of a text, from byte offsets.
pub(super) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The line starts of `text`.
    pub fn new(text: &str) -> Self {
        Lines {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// The 1-based line of byte `offset`.
    pub fn of(&self, offset: usize) -> u32 {
        u32::try_from(self.starts.partition_point(|&s| s <= offset)).unwrap_or(u32::MAX)
    }
}

/// Counts every line of `text`: lines of elements (byte spans) by their use,
/// where several share a line the one ranked highest, and the rest as metadata
/// or blank.
pub(super) fn count_lines(reader: &mut FileReader<'_>, text: &str, used: &[(Range<usize>, Use)]) {
    let lines = Lines::new(text);
    let total = text.lines().count();
    let mut line_use: Vec<Option<Use>> = vec![None; total.max(1)];
    for (span, usage) in used {
        let first = lines.of(span.start) as usize;
        let last = lines.of(span.end.saturating_sub(1).max(span.start)) as usize;
        for slot in line_use.iter_mut().take(last.min(total)).skip(first - 1) {
            if slot.is_none_or(|u| *usage > u) {
                *slot = Some(*usage);
            }
        }
    }
    reader.lines().total = total as u64;
    for (index, line) in text.lines().enumerate() {
        match line_use[index] {
            Some(Use::Record) => reader.lines().records += 1,
            Some(Use::Skipped(kind)) => reader.skip(1, kind.0),
            _ if line.trim().is_empty() => reader.lines().blank += 1,
            _ => reader.lines().metadata += 1,
        }
    }
}

/// The byte spans of the elements of the array at `path` (keys of nested
/// objects from the top, e.g. `["results", "items"]`) in valid JSON text.
pub(super) fn array_spans(text: &str, path: &[&str]) -> Vec<Range<usize>> {
    #[derive(Debug)]
    enum Frame {
        /// An object: how many keys of `path` lead to it (`None`: off the path),
        /// and its current key.
        Object {
            level: Option<usize>,
            key: Option<Range<usize>>,
        },
        /// An array, and whether it is the one wanted (with its open element).
        Array { target: bool, item: Option<usize> },
    }
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Where the value that starts at `i` sits: in the wanted array, or as the
    // value of an object key on the path.
    let value_starts = |stack: &mut Vec<Frame>, i: usize| -> (bool, Option<usize>) {
        match stack.last_mut() {
            Some(Frame::Array { target: true, item }) => {
                if item.is_none() {
                    *item = Some(i);
                }
                (false, None)
            }
            Some(Frame::Object {
                level: Some(level),
                key: Some(key),
            }) if *level < path.len() && &text[key.clone()] == path[*level] => {
                (*level + 1 == path.len(), Some(*level + 1))
            }
            _ => (false, None),
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let string = start..i.min(bytes.len());
                match stack.last_mut() {
                    Some(Frame::Object { key, .. }) if key.is_none() => *key = Some(string),
                    _ => {
                        value_starts(&mut stack, start - 1);
                    }
                }
            }
            b'{' => {
                let (_, level) = value_starts(&mut stack, i);
                let level = if stack.is_empty() { Some(0) } else { level };
                stack.push(Frame::Object { level, key: None });
            }
            b'[' => {
                let (target, _) = value_starts(&mut stack, i);
                stack.push(Frame::Array { target, item: None });
            }
            b'}' | b']' => {
                if let Some(Frame::Array {
                    target: true,
                    item: Some(start),
                }) = stack.last()
                {
                    spans.push(*start..i);
                }
                // An element that was an object or array is pushed at the comma
                // or bracket after it.
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { target: true, item }) => {
                    if let Some(start) = item.take() {
                        spans.push(start..i);
                    }
                }
                Some(Frame::Object { key, .. }) => *key = None,
                _ => {}
            },
            b if !b.is_ascii_whitespace() && b != b':' => {
                value_starts(&mut stack, i);
            }
            _ => {}
        }
        i += 1;
    }
    for span in &mut spans {
        // Trim trailing whitespace from each element.
        while span.end > span.start && bytes[span.end - 1].is_ascii_whitespace() {
            span.end -= 1;
        }
    }
    spans
}

/// A number of seconds (a JSON number) as an offset.
pub(super) fn seconds(value: &Value) -> Option<Millis> {
    value.as_f64().and_then(offset_from_seconds)
}

/// A whole number of milliseconds (a JSON integer) as an offset.
pub(super) fn millis(value: &Value) -> Option<Millis> {
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        })
        .filter(|ms| (0..=crate::time::MAX_OFFSET).contains(ms))
}

/// What a JSON value is, for messages.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keeps start times in order: a start before `previous` is moved to it, with a
/// diagnostic naming `what`.
pub(super) fn in_order(
    reader: &mut FileReader<'_>,
    line: u32,
    what: &str,
    start: Millis,
    previous: &mut Millis,
) -> Result<Millis, IngestError> {
    if start < *previous {
        reader.warn(
            line,
            DiagnosticKind::TimeBackwards,
            format!(
                "time goes backwards: {what} starts at {}, before {}; its text is kept at {}",
                clock_label(start),
                clock_label(*previous),
                clock_label(*previous)
            ),
        )?;
        return Ok(*previous);
    }
    *previous = start;
    Ok(start)
}

/// Whether a piece of text is punctuation that attaches to the word before it.
pub(super) fn is_punctuation(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '…' | ')' | ']' | '%'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestOptions, Ingested, Source};

    #[test]
    fn spans_of_nested_arrays() {
        let text =
            "{\"a\": {\"items\": [\n {\"x\": \"]\\\"[\"},\n 2 ,\n [3, [4]]\n]}, \"items\": [9]}";
        let spans = array_spans(text, &["a", "items"]);
        let found: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(found, ["{\"x\": \"]\\\"[\"}", "2", "[3, [4]]"]);
        let top: Vec<&str> = array_spans(text, &["items"])
            .iter()
            .map(|s| &text[s.clone()])
            .collect();
        assert_eq!(top, ["9"]);
        assert!(array_spans("[1, 2]", &["items"]).is_empty());
        assert_eq!(
            array_spans("{\"items\": []}", &["items"]),
            Vec::<Range<usize>>::new()
        );
    }

    fn words_of(spec: &[(&str, Millis, Millis)]) -> Vec<Word> {
        spec.iter()
            .map(|&(text, start, end)| Word {
                text: text.to_string(),
                start,
                end,
                line: 1,
                speaker: None,
                spaced: !is_punctuation(text),
                boundary: false,
            })
            .collect()
    }

    fn grouped(words: &[Word]) -> Vec<(Millis, Millis, String)> {
        let mut ingested = Ingested::default();
        let options = IngestOptions::default();
        let mut reader = FileReader {
            ingested: &mut ingested,
            options: &options,
            source: Source {
                path: "x".into(),
                format: None,
                axis: None,
                title: None,
                description: None,
                bytes: 0,
                lines: Default::default(),
                segments: 0,
                documents: 0,
                markup: 0,
                skipped_lines: Default::default(),
                language: None,
                language_confidence: None,
                segment_languages: Default::default(),
            },
            source_id: 0,
            file_name: "x".into(),
            sink: None,
            file_speakers: Vec::new(),
        };
        emit_words(&mut reader, 0, words);
        ingested
            .segments
            .iter()
            .map(|s| (s.start, s.end, s.text.clone()))
            .collect()
    }

    #[test]
    fn evenly_paced_words_make_one_segment() {
        let words = words_of(&[
            ("one", 0, 400),
            ("two", 400, 800),
            ("six", 800, 1200),
            (",", 1200, 1200),
            ("ten", 1200, 1600),
        ]);
        assert_eq!(grouped(&words), [(0, 1600, "one two six, ten".to_string())]);
    }

    #[test]
    fn a_pause_ends_a_segment_so_each_word_keeps_its_time() {
        let words = words_of(&[
            ("before", 0, 500),
            ("the", 500, 700),
            ("pause", 700, 1200),
            ("after", 60_000, 60_500),
            ("it", 60_500, 60_700),
        ]);
        let segments = grouped(&words);
        assert_eq!(
            segments,
            [
                (0, 1200, "before the pause".to_string()),
                (60_000, 60_700, "after it".to_string())
            ]
        );
    }

    #[test]
    fn every_word_lands_between_its_neighbours() {
        // Uneven pace: check the promise directly on the segments made.
        let mut spec = Vec::new();
        let mut t = 0;
        for i in 0..300 {
            let len = 1 + (i * 7) % 9;
            let gap = 50 + (i * 13) % 400;
            spec.push(("w".repeat(len), t, t + 100 * len as i64));
            t += 100 * len as i64 + gap as i64;
        }
        let owned: Vec<(&str, Millis, Millis)> =
            spec.iter().map(|(w, s, e)| (w.as_str(), *s, *e)).collect();
        let words = words_of(&owned);
        let segments = grouped(&words);
        assert!(
            segments.len() < words.len() / 2,
            "{} segments",
            segments.len()
        );
        let mut k = 0;
        for (start, end, text) in &segments {
            let mut offset = 0;
            for piece in text.split(' ') {
                let at = token_time(*start, *end, offset, text.len());
                let low = if k == 0 { 0 } else { words[k - 1].start };
                let high = words.get(k + 1).map_or(Millis::MAX, |w| w.end);
                assert!((low..=high).contains(&at), "word {k} at {at}");
                offset += piece.len() + 1;
                k += 1;
            }
        }
        assert_eq!(k, words.len());
    }
}
