//! Speaker turns from paragraphs to timed segments: the timing half of the
//! speaker-turn reader ([`super::speaker_turns`] classifies the lines).
//!
//! Most turns carry no stamp. A paragraph with a stamp starts at it; the
//! paragraphs from one stamp to the next share the time between the two in
//! proportion to their length in characters (a long turn takes longer to say),
//! those before the first stamp share the time from 0, and those after the last
//! one are timed at [`CHARS_PER_SECOND`], about 160 words a minute. A stamp
//! earlier than the one before it is reported and moved to it. A break
//! (`**Break:**`) is a paragraph without text: segments before it end at its
//! time. A file without a single readable stamp cannot be placed in time and is
//! skipped, every line counted.

use super::speaker_turns::{Line, strip_markup};
use super::{DiagnosticKind, FileReader, Format, IngestError};
use crate::time::{Millis, TimeAxis, clock_label};

/// The speaking rate after the last stamp: characters of text per second.
pub(super) const CHARS_PER_SECOND: i64 = 15;

/// A stamp as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stamp {
    /// No stamp.
    None,
    /// A readable stamp.
    Valid(Millis),
    /// A clock-like stamp that does not read, and why.
    Malformed(String),
}

/// One paragraph of a turn: a segment once timed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Para {
    /// Its first line.
    line: u32,
    /// Who speaks (`None` for a break or an unknown speaker).
    speaker: Option<String>,
    /// Its stamp, and the stamp's line.
    stamp: Option<(Millis, u32)>,
    /// Its text, markup removed.
    text: String,
    /// Pieces of markup removed from it.
    markup: u64,
    /// A break marker.
    is_break: bool,
}

/// How a line was used, applied once the file is known to have a stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Blank,
    Metadata,
    Timing,
    Text,
}

/// Assembles paragraphs from classified lines.
#[derive(Debug, Default)]
pub(super) struct Builder {
    open: Option<Para>,
    speaker: Option<String>,
    started: bool,
    header: Vec<String>,
    header_markup: u64,
    classes: Vec<Class>,
}

/// Otter's footer line in untouched exports.
const OTTER_FOOTER: &str = "Transcribed by https://otter.ai";

impl Builder {
    fn close(&mut self, paras: &mut Vec<Para>) {
        if let Some(para) = self.open.take() {
            paras.push(para);
        }
    }

    /// Takes one classified line.
    pub(super) fn line(
        &mut self,
        reader: &mut FileReader<'_>,
        number: u32,
        raw: &str,
        line: Line<'_>,
        paras: &mut Vec<Para>,
    ) -> Result<(), IngestError> {
        // Markup anywhere on the line: the label's bold, escaped stamp brackets,
        // and the text's own.
        let markup = strip_markup(raw).1;
        let (stamp, text) = match &line {
            Line::Blank => {
                self.classes.push(Class::Blank);
                self.close(paras);
                return Ok(());
            }
            Line::Turn { stamp, text, .. } | Line::Text { stamp, text } => (stamp, *text),
        };
        if let Stamp::Malformed(why) = stamp {
            reader.warn(
                number,
                DiagnosticKind::MalformedTimestamp,
                format!(
                    "unreadable stamp {why}; the text is kept and timed from the stamps around it"
                ),
            )?;
        }
        let valid = match stamp {
            Stamp::Valid(ms) => Some((*ms, number)),
            _ => None,
        };
        let cleaned = strip_markup(text).0;
        match line {
            Line::Turn {
                speaker, colonless, ..
            } => {
                if colonless {
                    reader.warn(
                        number,
                        DiagnosticKind::MalformedTimestamp,
                        "speaker label without its colon (`Name (HH:MM:SS):`); read as a turn",
                    )?;
                }
                self.close(paras);
                self.started = true;
                let speaker = speaker.map(|s| strip_markup(s).0.trim().to_string());
                self.speaker = speaker.clone();
                let is_break = speaker.is_none();
                self.classes.push(match (valid, cleaned.is_empty()) {
                    (Some(_), _) => Class::Timing,
                    (None, false) => Class::Text,
                    (None, true) => Class::Metadata,
                });
                self.open = Some(Para {
                    line: number,
                    speaker: speaker.filter(|s| !s.eq_ignore_ascii_case("unknown speaker")),
                    stamp: valid,
                    text: cleaned,
                    markup,
                    is_break,
                });
                if is_break {
                    self.close(paras);
                }
            }
            Line::Text { .. } if !self.started && valid.is_none() => {
                self.classes.push(Class::Metadata);
                self.header.push(cleaned);
                self.header_markup += markup;
            }
            Line::Text { .. } if text == OTTER_FOOTER => self.classes.push(Class::Metadata),
            Line::Text { .. } => {
                self.started = true;
                self.classes.push(if valid.is_some() {
                    Class::Timing
                } else {
                    Class::Text
                });
                match &mut self.open {
                    Some(para) if valid.is_none() => {
                        if !para.text.is_empty() && !cleaned.is_empty() {
                            para.text.push(' ');
                        }
                        para.text.push_str(&cleaned);
                        para.markup += markup;
                    }
                    _ => {
                        self.close(paras);
                        self.open = Some(Para {
                            line: number,
                            speaker: self
                                .speaker
                                .clone()
                                .filter(|s| !s.eq_ignore_ascii_case("unknown speaker")),
                            stamp: valid,
                            text: cleaned,
                            markup,
                            is_break: false,
                        });
                    }
                }
            }
            Line::Blank => unreachable!("handled above"),
        }
        Ok(())
    }

    /// Closes the last paragraph.
    pub(super) fn finish(&mut self, paras: &mut Vec<Para>) {
        self.close(paras);
    }

    /// The header lines (and their markup) and how each line was used.
    pub(super) fn into_lines(self) -> (Vec<String>, u64, Vec<Class>) {
        (self.header, self.header_markup, self.classes)
    }
}

/// Times the paragraphs and adds their segments.
pub(super) fn emit(
    reader: &mut FileReader<'_>,
    mut paras: Vec<Para>,
    (header, header_markup, classes): (Vec<String>, u64, Vec<Class>),
) -> Result<(), IngestError> {
    reader.lines().total += classes.len() as u64;
    if !paras.iter().any(|p| p.stamp.is_some()) {
        let blank = classes.iter().filter(|c| **c == Class::Blank).count() as u64;
        reader.lines().blank += blank;
        let skipped = classes.len() as u64 - blank;
        reader.skip(skipped, DiagnosticKind::NoTimestamps);
        return reader.warn(
            0,
            DiagnosticKind::NoTimestamps,
            format!(
                "speaker turns without a single readable stamp (\\[MM:SS\\], [HH:MM:SS], \
                 (HH:MM:SS), Name  M:SS) cannot be placed in time; skipped {skipped} lines"
            ),
        );
    }
    for class in &classes {
        let lines = reader.lines();
        match class {
            Class::Blank => lines.blank += 1,
            Class::Metadata => lines.metadata += 1,
            Class::Timing => lines.timing += 1,
            Class::Text => lines.text += 1,
        }
    }
    reader.count_markup(header_markup);
    let mut header = header.into_iter().filter(|h| !h.is_empty());
    reader.source().title = header.next();
    let description: Vec<String> = header.collect();
    if !description.is_empty() {
        reader.source().description = Some(description.join("\n"));
    }
    // Stamps in order.
    let mut previous = 0;
    for para in &mut paras {
        if let Some((at, line)) = &mut para.stamp {
            if *at < previous {
                reader.warn(
                    *line,
                    DiagnosticKind::TimeBackwards,
                    format!(
                        "time goes backwards: {} comes after {}; the turn is kept at {}",
                        clock_label(*at),
                        clock_label(previous),
                        clock_label(previous)
                    ),
                )?;
                *at = previous;
            }
            previous = *at;
        }
    }
    let starts = spread(&paras);
    let document = reader.new_document();
    for (k, para) in paras.iter().enumerate() {
        reader.count_markup(para.markup);
        if para.text.is_empty() {
            continue;
        }
        let start = starts[k];
        let end = match starts.get(k + 1) {
            Some(&next) => next.max(start),
            None => start + duration(&para.text),
        };
        let speaker = para.speaker.as_deref().and_then(|s| reader.speaker(s));
        reader.push_spoken(
            document,
            para.line,
            (start, end),
            para.text.clone(),
            speaker,
        );
    }
    reader.set_format(Format::SpeakerTurns, TimeAxis::Offset);
    Ok(())
}

/// How long `text` takes to say at [`CHARS_PER_SECOND`] (at least a second).
fn duration(text: &str) -> Millis {
    (text.chars().count() as Millis * 1000 / CHARS_PER_SECOND).max(1000)
}

/// Each paragraph's start: stamped ones at their stamp, the rest spread
/// between the stamps around them by length, after the last at the speaking rate.
fn spread(paras: &[Para]) -> Vec<Millis> {
    let mut starts = vec![0; paras.len()];
    let anchors: Vec<usize> = (0..paras.len())
        .filter(|&k| paras[k].stamp.is_some())
        .collect();
    let time = |k: usize| paras[k].stamp.map_or(0, |(at, _)| at);
    let length = |k: usize| paras[k].text.chars().count() as i128;
    // Runs: [0, first anchor), [anchor, next anchor), ..., [last anchor, end).
    let mut bounds: Vec<(usize, Millis)> = vec![(0, 0)];
    bounds.extend(anchors.iter().map(|&k| (k, time(k))));
    for (i, &(from, at)) in bounds.iter().enumerate() {
        match bounds.get(i + 1) {
            Some(&(to, until)) => {
                let total: i128 = (from..to).map(length).sum();
                let span = i128::from(until - at);
                let mut done = 0i128;
                for (k, start) in starts.iter_mut().enumerate().take(to).skip(from) {
                    *start = at
                        + if total == 0 {
                            0
                        } else {
                            (span * done / total) as Millis
                        };
                    done += length(k);
                }
            }
            None => {
                let mut t = at;
                for (k, start) in starts.iter_mut().enumerate().skip(from) {
                    *start = t;
                    if !paras[k].text.is_empty() {
                        t += duration(&paras[k].text);
                    }
                }
            }
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use crate::ingest::{DiagnosticKind, Format, IngestOptions, Ingested, read_bytes};

    fn read(name: &str, text: &str) -> Ingested {
        let mut ingested = Ingested::default();
        let options = IngestOptions {
            format: Some(Format::SpeakerTurns),
            ..IngestOptions::default()
        };
        read_bytes(name, text.as_bytes(), &mut ingested, &options).unwrap();
        let lines = ingested.sources[0].lines;
        assert_eq!(lines.total, lines.accounted(), "{lines:?}");
        ingested
    }

    fn timeline(ingested: &Ingested) -> Vec<(i64, i64, Option<&str>, &str)> {
        ingested
            .segments
            .iter()
            .map(|s| {
                let speaker = s.speaker.and_then(|id| ingested.speaker(id));
                (s.start, s.end, speaker, s.text.as_str())
            })
            .collect()
    }

    #[test]
    fn turns_between_stamps_share_the_time_by_length() {
        let ingested = read(
            "ep.md",
            "**A:** \\[00:10\\] one two\n\n**B:** three four five six\n\n**A:** \\[00:40\\] last\n",
        );
        // 7 and 19 characters share the 30 seconds between the stamps.
        assert_eq!(
            timeline(&ingested),
            [
                (10_000, 18_076, Some("A"), "one two"),
                (18_076, 40_000, Some("B"), "three four five six"),
                (40_000, 41_000, Some("A"), "last"),
            ]
        );
    }

    #[test]
    fn breaks_end_segments_and_continuations_keep_the_speaker() {
        let ingested = read(
            "ep.md",
            "Episode title\n\n**A:** hello there\n\nmore from a\n\n**Break:** \\[01:00\\]\n\n**B:** after\n",
        );
        let got = timeline(&ingested);
        assert_eq!(got[0], (0, 30_000, Some("A"), "hello there"));
        assert_eq!(got[1], (30_000, 60_000, Some("A"), "more from a"));
        assert_eq!(got[2].0, 60_000);
        assert_eq!(ingested.sources[0].title.as_deref(), Some("Episode title"));
    }

    #[test]
    fn backwards_and_missing_stamps_are_reported() {
        let ingested = read("b.txt", "[00:00:10] A: one\n[00:00:05] B: two\n");
        let d = &ingested.diagnostics[0];
        assert_eq!((d.kind, d.line), (DiagnosticKind::TimeBackwards, 2));
        assert_eq!(ingested.segments[1].start, 10_000);
        let none = read("n.md", "**A:** one\n\n**B:** two\n");
        assert!(none.segments.is_empty());
        assert_eq!(none.sources[0].lines.skipped, 2);
        assert_eq!(none.diagnostics[0].kind, DiagnosticKind::NoTimestamps);
    }
}
