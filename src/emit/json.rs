//! `timeline.json`: the whole run as one JSON document.
//!
//! Layout: `{"schema_version", "meta": {time_axis, inputs, options, statistics,
//! diagnostics}, "windows": [{source?, index, start, end, start_ms, end_ms, label,
//! end_label?, documents, segments, tokens, partial, terms: [{rank, term, label, window_label,
//! score, count, status}], dominant, themes: [{theme, score, share, tokens}]}],
//! "terms": [{term, label, phrase, total, forms, repaired_from}], "themes":
//! [{name, origin, description?, members, unmatched, top_terms, tokens}], "shifts":
//! [{at, at_ms, until, until_ms, window, label, until_label?, kind, subject, from, to, strength,
//! share_before, share_after, evidence}], "chapters": [{source?, chapter, start, end,
//! start_ms, end_ms, label, end_label, title, terms, dominant, strength}],
//! "unassigned": [{term, label, score, window, windows}], "speakers"?: [{source?,
//! name, tokens, share, seconds, time_share, terms: [{term, label, count, g2}],
//! dominant, leads, themes: [{theme, share, tokens, share_of_theme}], windows:
//! [{window, start, end, label, tokens, share_of_window, themes}]}]}` (`speakers`
//! only when some input names its speakers; `speaker` on windows, shifts and
//! unassigned terms with `--group-by speaker`). `terms` lists every term that ranks in some window, with the
//! surface forms merged into it and the misspellings aliases repaired into it.
//! `start`/`end` are seconds for recordings and RFC 3339 (UTC) for dated
//! documents; `start_ms`/`end_ms` are always integers on the run's axis, and for
//! recordings `label`/`end_label` (`until_label`) give the times as `H:MM:SS`. Arrays are
//! row-oriented (one object per window, one per term) because that is what
//! dashboard data sources such as Grafana's Infinity plugin can read. Numbers are
//! JSON numbers, never formatted strings. Output is pretty-printed: people diff
//! and read it too.

use std::io::Write;

use serde::Serialize;

use super::{EmitError, Sink, Summary};
use crate::timeline::{Meta, SCHEMA_VERSION, WindowReport};

/// Writes the document as the run goes: the head (`schema_version`, `meta`) at
/// the beginning, each window as it comes, the run-level arrays at the end. The
/// windows are never held, so a run of a million windows costs the sink no
/// memory; the bytes are those of pretty-printing the whole document at once.
#[derive(Debug)]
pub struct TimelineJson<W: Write> {
    writer: W,
    windows: usize,
}

impl<W: Write> TimelineJson<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        TimelineJson { writer, windows: 0 }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }

    /// Writes `value` pretty-printed as a member of an object or array nested
    /// `depth` levels deep: every line after the first indented to that depth.
    fn nested<T: Serialize>(&mut self, value: &T, depth: usize) -> Result<(), EmitError> {
        let text = serde_json::to_vec_pretty(value)?;
        self.indented(&text, depth)
    }

    /// Writes pretty JSON `text` nested `depth` levels deep (see [`Self::nested`]).
    fn indented(&mut self, text: &[u8], depth: usize) -> Result<(), EmitError> {
        let indent = &b"\n        "[..1 + 2 * depth];
        // A newline in the pretty text is always the formatter's: JSON strings
        // escape theirs.
        let mut lines = text.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.raw(first)?;
        }
        for line in lines {
            self.raw(indent)?;
            self.raw(line)?;
        }
        Ok(())
    }

    /// Writes one window's pretty text as the next element of `windows`.
    fn window_text(&mut self, text: &[u8]) -> Result<(), EmitError> {
        self.raw(if self.windows == 0 {
            b",\n  \"windows\": [\n    "
        } else {
            b",\n    "
        })?;
        self.windows += 1;
        self.indented(text, 2)
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), EmitError> {
        self.writer
            .write_all(bytes)
            .map_err(|e| serde_json::Error::io(e).into())
    }
}

impl<W: Write> Sink for TimelineJson<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.raw(format!("{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"meta\": ").as_bytes())?;
        self.nested(meta, 1)
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        let text = serde_json::to_vec_pretty(window)?;
        self.window_text(&text)
    }

    /// Renders the windows on the thread pool (each window's text depends on it
    /// alone), then writes them in order: the same bytes as one at a time.
    fn windows(&mut self, windows: &[WindowReport]) -> Result<(), EmitError> {
        use rayon::prelude::*;
        let texts: Vec<Vec<u8>> = windows
            .par_iter()
            .map(serde_json::to_vec_pretty)
            .collect::<Result<_, _>>()?;
        texts.iter().try_for_each(|text| self.window_text(text))
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        self.raw(if self.windows == 0 {
            b",\n  \"windows\": []"
        } else {
            b"\n  ]"
        })?;
        self.raw(b",\n  \"terms\": ")?;
        self.nested(&summary.terms, 1)?;
        self.raw(b",\n  \"themes\": ")?;
        self.nested(&summary.themes, 1)?;
        self.raw(b",\n  \"shifts\": ")?;
        self.nested(&summary.shifts, 1)?;
        self.raw(b",\n  \"chapters\": ")?;
        self.nested(&summary.chapters, 1)?;
        self.raw(b",\n  \"unassigned\": ")?;
        self.nested(&summary.unassigned, 1)?;
        if !summary.speakers.is_empty() {
            self.raw(b",\n  \"speakers\": ")?;
            self.nested(&summary.speakers, 1)?;
        }
        self.raw(b"\n}\n")?;
        self.writer.flush().map_err(serde_json::Error::io)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{emit, testing};
    use crate::timeline::{TermStatus, Timeline};

    fn json(timeline: &Timeline) -> String {
        let mut sink = TimelineJson::new(Vec::new());
        emit(timeline, &mut [&mut sink]).unwrap();
        String::from_utf8(sink.into_inner()).unwrap()
    }

    #[test]
    fn the_document_has_meta_and_every_window() {
        // What `0:00 security and more security`, `0:40 cluster`, `2:10 ai` give
        // with 1-minute windows.
        let timeline = testing::Builder::new()
            .input("talk.txt", Some("My Title"), 3)
            .window(
                None,
                (0, 60),
                3,
                &[
                    ("secur", "security", 0.3, 2, TermStatus::Stable),
                    ("cluster", "cluster", 0.15, 1, TermStatus::Stable),
                ],
                &[],
            )
            .counts(1, 2)
            .window(None, (60, 120), 0, &[], &[])
            .counts(0, 0)
            .window(
                None,
                (120, 180),
                1,
                &[("ai", "ai", 0.2, 1, TermStatus::New)],
                &[],
            )
            .partial()
            .options(|meta| meta.options.window = "1m".parse().unwrap())
            .build();
        let value: serde_json::Value = serde_json::from_str(&json(&timeline)).unwrap();
        assert_eq!(value["schema_version"], SCHEMA_VERSION);
        assert_eq!(value["meta"]["inputs"][0]["title"], "My Title");
        assert_eq!(value["meta"]["options"]["window"], "1m");
        assert_eq!(value["meta"]["statistics"]["segments"], 3);
        let windows = value["windows"].as_array().unwrap();
        assert_eq!(windows.len(), 3);
        assert_eq!(windows[0]["terms"][0]["label"], "security");
        assert_eq!(windows[0]["terms"][0]["count"], 2);
        assert!(windows[0]["terms"][0]["score"].is_f64());
        assert_eq!(windows[1]["terms"].as_array().unwrap().len(), 0);
        assert_eq!(windows[2]["start"], 120.0);
    }

    #[test]
    fn the_streamed_document_is_the_timeline_pretty_printed() {
        let mut empty = testing::talk();
        empty.windows.clear();
        for timeline in [
            testing::talk(),
            testing::two_sources(),
            testing::with_speakers(),
            empty,
        ] {
            let whole = serde_json::to_string_pretty(&timeline).unwrap() + "\n";
            assert!(json(&timeline) == whole, "{}", json(&timeline));
        }
        assert!(json(&testing::talk()).contains("\n  \"windows\": [\n    {\n      \"index\": 0,"));
    }
}
