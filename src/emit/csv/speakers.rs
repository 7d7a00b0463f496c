//! `speakers.csv`: who speaks how much of each window, and of which themes.
//!
//! Long format, one row per speaker, window and theme, because that is what a
//! dashboard filters and DuckDB pivots (`PIVOT speakers ON theme USING
//! first(share)`) without knowing the themes in advance; a wide table would
//! change its columns with every lexicon.

use std::io::Write;

use super::{EmitError, Sink, Summary, text};
use crate::timeline::{GroupBy, Meta, WindowReport};

/// `speakers.csv`: one row per speaker, window where they speak, and theme.
///
/// Columns: `source` (only when timelines are per source), `speaker, window,
/// start, end, label, tokens, share_of_window, theme, share, theme_tokens,
/// share_of_theme`. `speaker` is the name the input gives, empty for text whose
/// input names no speaker (DuckDB reads the empty cell as NULL). `tokens` are the
/// speaker's tokens in the window (the tokens of a window's speakers add up to
/// its `tokens` in `windows.csv`) and `share_of_window` their part of the
/// window's, 0 to 1. `share` is the theme's share of what the speaker says in the
/// window (the window's theme shares of `themes.csv`, computed on the speaker's
/// words alone: they sum to 1 over the themes, or are all 0), `theme_tokens` the
/// speaker's weighted tokens of the theme, and `share_of_theme` the speaker's
/// part of the theme's tokens in the window, 0 to 1 (summing to 1 over the
/// speakers of a window where the theme is present): who drives the theme. A run
/// without themes writes one row per speaker and window, the theme columns
/// empty. Windows where a speaker says nothing have no rows.
#[derive(Debug)]
pub struct SpeakersCsv<W: Write> {
    writer: csv::Writer<W>,
    per_source: bool,
    raw: bool,
}

impl<W: Write> SpeakersCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        SpeakersCsv {
            writer: csv::Writer::from_writer(writer),
            per_source: false,
            raw: false,
        }
    }
}

const COLUMNS: [&str; 11] = [
    "speaker",
    "window",
    "start",
    "end",
    "label",
    "tokens",
    "share_of_window",
    "theme",
    "share",
    "theme_tokens",
    "share_of_theme",
];

impl<W: Write> Sink for SpeakersCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.per_source = meta.options.group_by == GroupBy::Source;
        self.raw = meta.options.raw_csv;
        if self.per_source {
            self.writer.write_field("source")?;
        }
        self.writer.write_record(COLUMNS)?;
        Ok(())
    }

    fn window(&mut self, _: &WindowReport) -> Result<(), EmitError> {
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let raw = self.raw;
        for speaker in summary.speakers {
            let name = text(raw, &speaker.name);
            for window in &speaker.windows {
                let head = [
                    name.to_string(),
                    window.window.to_string(),
                    window.start.to_string(),
                    window.end.to_string(),
                    text(raw, &window.label).into_owned(),
                    window.tokens.to_string(),
                    window.share_of_window.to_string(),
                ];
                let themes: Vec<[String; 4]> = if window.themes.is_empty() {
                    vec![Default::default()]
                } else {
                    window
                        .themes
                        .iter()
                        .map(|t| {
                            [
                                text(raw, &t.theme).into_owned(),
                                t.share.to_string(),
                                t.tokens.to_string(),
                                t.share_of_theme.to_string(),
                            ]
                        })
                        .collect()
                };
                for theme in themes {
                    if self.per_source {
                        let source = speaker.source.as_deref().unwrap_or("");
                        self.writer.write_field(text(raw, source).as_bytes())?;
                    }
                    self.writer.write_record(head.iter().chain(&theme))?;
                }
            }
        }
        self.writer.flush().map_err(::csv::Error::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::emit;
    use crate::emit::testing;

    fn csv(timeline: &crate::timeline::Timeline) -> String {
        let mut sink = SpeakersCsv::new(Vec::new());
        emit(timeline, &mut [&mut sink]).unwrap();
        String::from_utf8(sink.writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn rows_are_long_and_names_are_defused() {
        let text = csv(&testing::with_speakers());
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "speaker,window,start,end,label,tokens,share_of_window,theme,share,theme_tokens,share_of_theme"
            )
        );
        let rows: Vec<&str> = lines.collect();
        assert!(
            rows.iter()
                .any(|r| r.starts_with("'=Host,0,0,150,0:00:00,")),
            "{text}"
        );
        assert!(
            rows.iter().any(|r| r.starts_with(",0,0,150,0:00:00,")),
            "the unnamed speaker is an empty cell: {text}"
        );
        let themes = testing::with_speakers().themes.len();
        let windows: usize = testing::with_speakers()
            .speakers
            .iter()
            .map(|s| s.windows.len())
            .sum();
        assert_eq!(rows.len(), windows * themes.max(1));
    }
}
