//! `timeline.ndjson`: one window per line, for streams and log pipelines.
//!
//! Each line is one JSON object, exactly an element of `timeline.json`'s
//! `windows[]` (`source?, speaker?, index, start, end, start_ms, end_ms, label, end_label?,
//! documents, segments, tokens, partial, dominant, terms[], themes[]`), written as
//! soon as the window comes, so `themeline run --format ndjson --out - | head -3`
//! stops after three windows' worth of work on the output side. A window per line
//! (rather than a window × term per line) keeps one object per time step, the shape
//! time-series tools (`jq`, DuckDB's `read_json`, Vector, Loki) expect, and every
//! field keeps its `timeline.json` name and meaning: `themeline schema window` is
//! the schema of a line. Speakers are not window fields: their rows per window
//! are `timeline.json`'s `speakers[].windows[]` and `speakers.csv`.

use std::io::Write;

use super::{EmitError, Sink, Summary};
use crate::timeline::{Meta, WindowReport};

/// Writes each window as one line of JSON.
#[derive(Debug)]
pub struct WindowsNdjson<W: Write> {
    writer: W,
}

impl<W: Write> WindowsNdjson<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        WindowsNdjson { writer }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> Sink for WindowsNdjson<W> {
    fn begin(&mut self, _: &Meta) -> Result<(), EmitError> {
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        serde_json::to_writer(&mut self.writer, window)?;
        self.writer
            .write_all(b"\n")
            .map_err(serde_json::Error::io)?;
        Ok(())
    }

    fn finish(&mut self, _: &Summary<'_>) -> Result<(), EmitError> {
        self.writer.flush().map_err(serde_json::Error::io)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{emit, testing};
    use crate::timeline::TermStatus;

    #[test]
    fn one_line_per_window_equal_to_the_json_windows() {
        // What `0:00 security security` and `2:10 ai ai` give with 1-minute windows.
        let timeline = testing::Builder::new()
            .input("t.txt", Some("T"), 2)
            .window(
                None,
                (0, 60),
                2,
                &[("secur", "security", 0.6, 2, TermStatus::Stable)],
                &[],
            )
            .window(None, (60, 120), 0, &[], &[])
            .counts(0, 0)
            .window(
                None,
                (120, 180),
                2,
                &[("ai", "ai", 0.6, 2, TermStatus::New)],
                &[],
            )
            .build();
        let mut sink = WindowsNdjson::new(Vec::new());
        emit(&timeline, &mut [&mut sink]).unwrap();
        let text = String::from_utf8(sink.into_inner()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        for (line, window) in lines.iter().zip(&timeline.windows) {
            assert_eq!(*line, serde_json::to_value(window).unwrap());
        }
        assert_eq!(lines[2]["start"], 120.0);
        assert_eq!(lines[2]["label"], "0:02:00");
        assert_eq!(lines[2]["end_label"], "0:03:00");
        assert_eq!(lines[0]["terms"][0]["label"], "security");
    }
}
