//! `chapters.txt`: each recording's chapters in the form a video description
//! takes, ready to paste.
//!
//! One line per chapter, `0:00 Title` (`M:SS` under an hour, `H:MM:SS` beyond),
//! the first at `0:00`, as YouTube reads chapters from a description (it also
//! asks for at least three chapters of at least ten seconds each; chapters are at
//! least two minutes long unless `min-chapter` says otherwise). A chapter whose
//! text has no distinctive term is called `Chapter N`. With several recordings,
//! each block is headed by its recording's name and blocks are separated by a
//! blank line. A dated timeline's periods are listed the same way, by the labels
//! of the windows they span (`1860s–1870s Title`).

use std::io::Write;

use super::{EmitError, Sink, Summary};
use crate::timeline::{ChapterReport, Meta, TimeValue, WindowReport};

/// Writes the chapters as description lines when the run is finished.
#[derive(Debug)]
pub struct ChaptersText<W: Write> {
    writer: W,
}

impl<W: Write> ChaptersText<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        ChaptersText { writer }
    }
}

/// A time into a recording as a description writes it: `4:05`, `1:02:03`.
fn description_time(ms: i64, long: bool) -> String {
    let s = ms.max(0) / 1000;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if long {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// One block of lines: a recording's chapters or a timeline's periods.
fn block(chapters: &[&ChapterReport]) -> String {
    let mut out = String::new();
    let recording = chapters
        .first()
        .is_some_and(|c| matches!(c.start, TimeValue::Seconds(_)));
    let origin = chapters.first().map_or(0, |c| c.start_ms);
    let long = chapters
        .last()
        .is_some_and(|c| c.end_ms - origin >= 3_600_000);
    for chapter in chapters {
        let title = if chapter.title.is_empty() {
            format!("Chapter {}", chapter.chapter)
        } else {
            chapter.title.clone()
        };
        let when = if recording {
            description_time(chapter.start_ms - origin, long)
        } else if chapter.label == chapter.end_label {
            chapter.label.clone()
        } else {
            format!("{}\u{2013}{}", chapter.label, chapter.end_label)
        };
        out.push_str(&format!("{when} {title}\n"));
    }
    out
}

impl<W: Write> Sink for ChaptersText<W> {
    fn begin(&mut self, _: &Meta) -> Result<(), EmitError> {
        Ok(())
    }

    fn window(&mut self, _: &WindowReport) -> Result<(), EmitError> {
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let mut blocks: Vec<(Option<&str>, Vec<&ChapterReport>)> = Vec::new();
        for chapter in summary.chapters {
            match blocks.last_mut() {
                Some((source, list))
                    if *source == chapter.source.as_deref() && chapter.chapter > 1 =>
                {
                    list.push(chapter)
                }
                _ => blocks.push((chapter.source.as_deref(), vec![chapter])),
            }
        }
        let several = blocks.len() > 1;
        let mut text = String::new();
        for (i, (source, chapters)) in blocks.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            if several && let Some(source) = source {
                text.push_str(source);
                text.push('\n');
            }
            text.push_str(&block(chapters));
        }
        let io = |e| EmitError::Io {
            path: "chapters.txt".into(),
            source: e,
        };
        self.writer.write_all(text.as_bytes()).map_err(io)?;
        self.writer.flush().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_descriptions_write_them() {
        assert_eq!(description_time(0, false), "0:00");
        assert_eq!(description_time(245_000, false), "4:05");
        assert_eq!(description_time(3_723_000, true), "1:02:03");
        assert_eq!(description_time(65_000, true), "0:01:05");
    }
}
