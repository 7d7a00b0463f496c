//! Tidy CSV: one row per observation, one column per variable, plain numbers.
//!
//! Dashboards (DuckDB, Grafana, a spreadsheet) read these without configuration, so
//! every number is written as a plain decimal (Rust's shortest round-trip form,
//! never an exponent or a thousands separator) and every text field is quoted only
//! when it must be.
//!
//! Text comes from the input (terms, theme names from a lexicon, file names), so a
//! cell could start like a formula (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`) that a
//! spreadsheet would run. Unless `raw_csv` is set, every text cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule
//! against CSV injection), which spreadsheets show as text and do not display.
//! Numeric cells never change (a negative G² stays `-7.38`); in a column that holds
//! numbers or text (`from` and `to` of `shifts.csv`), a cell that is a plain number
//! is left alone.
//!
//! With `--group-by source` every table but `chapters.csv` opens with a `source`
//! column; with `--group-by speaker` with a `speaker` column instead (speakers'
//! timelines share the recording's chapters). `speakers.csv` is written only when
//! some input names its speakers (see [`SpeakersCsv`]).

mod speakers;

use std::borrow::Cow;
use std::io::Write;

use super::{EmitError, Sink, Summary};
use crate::timeline::GroupBy;
use crate::timeline::{Meta, TimeValue, WindowReport};
pub use speakers::SpeakersCsv;

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as written: with a leading `'` when it starts like a formula,
/// unless `raw`.
fn text(raw: bool, cell: &str) -> Cow<'_, str> {
    if !raw && cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell of a column holding numbers or text: a plain decimal number (`-0.25`)
/// as it is, anything else as [`text`].
fn number_or_text(raw: bool, cell: &str) -> Cow<'_, str> {
    let plain_number = !cell.is_empty()
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && cell.parse::<f64>().is_ok();
    if plain_number {
        Cow::Borrowed(cell)
    } else {
        text(raw, cell)
    }
}

/// A CSV writer that prefixes every record with the `source` column when
/// timelines are per source (`speaker` when they are per speaker): the one thing
/// the tables share besides the format itself.
#[derive(Debug)]
struct TidyWriter<W: Write> {
    writer: csv::Writer<W>,
    /// Whether rows carry their timeline's source or speaker.
    per_source: bool,
    /// Text cells as they are (`raw_csv`), not defused.
    raw: bool,
}

impl<W: Write> TidyWriter<W> {
    fn new(writer: W) -> Self {
        TidyWriter {
            writer: csv::Writer::from_writer(writer),
            per_source: false,
            raw: false,
        }
    }

    /// Writes the header, learning from `meta` whether rows carry a source and
    /// whether text cells are written raw.
    fn header(&mut self, meta: &Meta, columns: &[&str]) -> Result<(), EmitError> {
        let group = match meta.options.group_by {
            GroupBy::None => None,
            GroupBy::Source => Some("source"),
            GroupBy::Speaker => Some("speaker"),
        };
        self.per_source = group.is_some();
        self.raw = meta.options.raw_csv;
        self.row(group, columns)
    }

    /// Writes one record; `source` (the source or speaker of its timeline) is
    /// written only when timelines are per source or per speaker.
    fn row(&mut self, source: Option<&str>, fields: &[&str]) -> Result<(), EmitError> {
        if self.per_source {
            self.writer
                .write_field(text(self.raw, source.unwrap_or("")).as_bytes())?;
        }
        self.writer.write_record(fields)?;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), EmitError> {
        self.writer.flush().map_err(::csv::Error::from)?;
        Ok(())
    }
}

/// `terms.csv`: one row per window and ranked term.
///
/// Columns: `window, start, end, rank, term, label, score, count`, preceded by
/// `source` when timelines are per source. `start` and `end` are seconds from the
/// start of the recording, or RFC 3339 instants for dated documents. Windows with
/// no terms have no rows here; `windows.csv` lists every window.
#[derive(Debug)]
pub struct TermsCsv<W: Write> {
    out: TidyWriter<W>,
}

impl<W: Write> TermsCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        TermsCsv {
            out: TidyWriter::new(writer),
        }
    }
}

impl<W: Write> Sink for TermsCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.out.header(
            meta,
            &[
                "window", "start", "end", "rank", "term", "label", "score", "count",
            ],
        )
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        let (index, start, end) = (
            window.index.to_string(),
            window.start.to_string(),
            window.end.to_string(),
        );
        let raw = self.out.raw;
        for term in &window.terms {
            self.out.row(
                window.timeline(),
                &[
                    &index,
                    &start,
                    &end,
                    &term.rank.to_string(),
                    &text(raw, &term.term),
                    &text(raw, &term.label),
                    &term.score.to_string(),
                    &term.count.to_string(),
                ],
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &Summary<'_>) -> Result<(), EmitError> {
        self.out.flush()
    }
}

/// `windows.csv`: one row per window, empty windows included.
///
/// Columns: `window, start, end, label, documents, segments, tokens, partial,
/// start_ms, end_ms, end_label`, preceded by `source` when timelines are per
/// source. `partial` is `true` when the data starts or ends inside the window, so
/// its counts cover less than its length. `start_ms`/`end_ms` are integers on the
/// run's axis (milliseconds into the recording, or since the Unix epoch), for the
/// tables that share the `window` column (`terms.csv`, `themes.csv`); `end_label`
/// is the end as `H:MM:SS` for recordings (`label` is the start) and empty for
/// dated documents.
#[derive(Debug)]
pub struct WindowsCsv<W: Write> {
    out: TidyWriter<W>,
}

impl<W: Write> WindowsCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        WindowsCsv {
            out: TidyWriter::new(writer),
        }
    }
}

impl<W: Write> Sink for WindowsCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.out.header(
            meta,
            &[
                "window",
                "start",
                "end",
                "label",
                "documents",
                "segments",
                "tokens",
                "partial",
                "start_ms",
                "end_ms",
                "end_label",
            ],
        )
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        let raw = self.out.raw;
        self.out.row(
            window.timeline(),
            &[
                &window.index.to_string(),
                &window.start.to_string(),
                &window.end.to_string(),
                &text(raw, &window.label),
                &window.documents.to_string(),
                &window.segments.to_string(),
                &window.tokens.to_string(),
                if window.partial { "true" } else { "false" },
                &window.start_ms.to_string(),
                &window.end_ms.to_string(),
                &text(raw, window.end_label.as_deref().unwrap_or("")),
            ],
        )
    }

    fn finish(&mut self, _: &Summary<'_>) -> Result<(), EmitError> {
        self.out.flush()
    }
}

/// `themes.csv`: one row per window and theme, empty windows included.
///
/// Columns: `window, start, end, theme, score, share`, preceded by `source` when
/// timelines are per source. `score` is the theme's strength, its tokens per 1,000
/// tokens of the window; `share` is its part of the window's theme strength (the
/// shares of a window sum to 1, or are all 0 when no theme is present).
#[derive(Debug)]
pub struct ThemesCsv<W: Write> {
    out: TidyWriter<W>,
}

impl<W: Write> ThemesCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        ThemesCsv {
            out: TidyWriter::new(writer),
        }
    }
}

impl<W: Write> Sink for ThemesCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.out
            .header(meta, &["window", "start", "end", "theme", "score", "share"])
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        let (index, start, end) = (
            window.index.to_string(),
            window.start.to_string(),
            window.end.to_string(),
        );
        let raw = self.out.raw;
        for theme in &window.themes {
            self.out.row(
                window.timeline(),
                &[
                    &index,
                    &start,
                    &end,
                    &text(raw, &theme.theme),
                    &theme.score.to_string(),
                    &theme.share.to_string(),
                ],
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &Summary<'_>) -> Result<(), EmitError> {
        self.out.flush()
    }
}

/// `shifts.csv`: one row per shift event, in time order.
///
/// Columns: `at, kind, subject, from, to, strength, evidence, at_ms, label`,
/// preceded by `source` when timelines are per source. `at` is in the units of
/// `start` in `terms.csv` (seconds, or an RFC 3339 instant): the start of the
/// window where the change shows; `at_ms` is the same as an integer on the run's
/// axis and `label` is that window's label (`H:MM:SS` for recordings). `kind` is `dominant` (another theme takes the largest share; `from`
/// and `to` are the themes, `strength` the share margin), `rising` or `fading` (a
/// theme's tokens change significantly against the window before; `from` and `to`
/// are its shares, `strength` the signed G²), or `burst` (a Kleinberg burst of a
/// term; `from` and `to` are its first and last windows, `strength` its weight).
/// `evidence` lists the terms that drove the event, separated by `; `.
#[derive(Debug)]
pub struct ShiftsCsv<W: Write> {
    out: TidyWriter<W>,
}

impl<W: Write> ShiftsCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        ShiftsCsv {
            out: TidyWriter::new(writer),
        }
    }
}

impl<W: Write> Sink for ShiftsCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.out.header(
            meta,
            &[
                "at", "kind", "subject", "from", "to", "strength", "evidence", "at_ms", "label",
            ],
        )
    }

    fn window(&mut self, _: &WindowReport) -> Result<(), EmitError> {
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let raw = self.out.raw;
        for shift in summary.shifts {
            let at: &TimeValue = &shift.at;
            self.out.row(
                shift.timeline(),
                &[
                    &at.to_string(),
                    shift.kind.name(),
                    &text(raw, &shift.subject),
                    &number_or_text(raw, &shift.from),
                    &number_or_text(raw, &shift.to),
                    &shift.strength.to_string(),
                    &text(raw, &shift.evidence.join("; ")),
                    &shift.at_ms.to_string(),
                    &text(raw, &shift.label),
                ],
            )?;
        }
        self.out.flush()
    }
}

/// `chapters.csv`: one row per chapter of a recording, or per period of a dated
/// timeline.
///
/// Columns: `source, chapter, start, end, label, end_label, title, terms,
/// dominant, strength, start_ms, end_ms`. `source` names the recording (empty for
/// the periods of a timeline over all inputs); `chapter` counts from 1 in each;
/// `start`/`end` are seconds into the recording or RFC 3339 instants, and
/// `label`/`end_label` the same as people read them; `terms` are its distinctive
/// terms, best first, joined by `; ` (the title is the first four, joined by
/// commas); `strength` is how sharply the text changes where it starts (empty for
/// a first chapter).
#[derive(Debug)]
pub struct ChaptersCsv<W: Write> {
    writer: csv::Writer<W>,
    raw: bool,
}

impl<W: Write> ChaptersCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        ChaptersCsv {
            writer: csv::Writer::from_writer(writer),
            raw: false,
        }
    }
}

impl<W: Write> Sink for ChaptersCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.raw = meta.options.raw_csv;
        self.writer.write_record([
            "source",
            "chapter",
            "start",
            "end",
            "label",
            "end_label",
            "title",
            "terms",
            "dominant",
            "strength",
            "start_ms",
            "end_ms",
        ])?;
        Ok(())
    }

    fn window(&mut self, _: &WindowReport) -> Result<(), EmitError> {
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let raw = self.raw;
        for chapter in summary.chapters {
            self.writer.write_record::<[&str; 12], &str>([
                &text(raw, chapter.source.as_deref().unwrap_or("")),
                &chapter.chapter.to_string(),
                &chapter.start.to_string(),
                &chapter.end.to_string(),
                &text(raw, &chapter.label),
                &text(raw, &chapter.end_label),
                &text(raw, &chapter.title),
                &text(raw, &chapter.terms.join("; ")),
                &text(raw, chapter.dominant.as_deref().unwrap_or("")),
                &chapter.strength.map_or_else(String::new, |s| s.to_string()),
                &chapter.start_ms.to_string(),
                &chapter.end_ms.to_string(),
            ])?;
        }
        self.writer.flush().map_err(::csv::Error::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{emit, testing};
    use crate::timeline::{RankedTerm, ShiftReport, ThemeScore, TimeValue};
    use crate::timeline::{ShiftKind, TermStatus};

    fn report(terms: Vec<RankedTerm>) -> WindowReport {
        WindowReport {
            source: None,
            speaker: None,
            index: 2,
            start: TimeValue::Seconds(600.0),
            end: TimeValue::Seconds(900.0),
            start_ms: 600_000,
            end_ms: 900_000,
            label: "0:10:00".into(),
            end_label: Some("0:15:00".into()),
            documents: 1,
            segments: 4,
            tokens: 9,
            partial: false,
            dominant: Some("security".into()),
            terms,
            themes: vec![
                ThemeScore {
                    theme: "security".into(),
                    score: 300.0,
                    share: 0.75,
                    tokens: 3.0,
                },
                ThemeScore {
                    theme: "AI, ML".into(),
                    score: 100.0,
                    share: 0.25,
                    tokens: 1.0,
                },
            ],
        }
    }

    fn summary<'a>(shifts: &'a [ShiftReport]) -> Summary<'a> {
        Summary {
            terms: &[],
            themes: &[],
            shifts,
            chapters: &[],
            unassigned: &[],
            speakers: &[],
        }
    }

    #[test]
    fn term_rows_are_plain_and_quoted_only_when_needed() {
        let mut sink = TermsCsv::new(Vec::new());
        let timeline = testing::Builder::new().input("t", None, 1).build();
        sink.begin(&timeline.meta).unwrap();
        sink.window(&report(vec![
            RankedTerm {
                rank: 1,
                term: "secur".into(),
                label: "security".into(),
                window_label: "Security".into(),
                score: 0.1 + 0.2,
                count: 3,
                status: TermStatus::Stable,
            },
            RankedTerm {
                rank: 2,
                term: "a,b".into(),
                label: "say \"hi\"".into(),
                window_label: "say \"hi\"".into(),
                score: 1e-7,
                count: 1,
                status: TermStatus::New,
            },
        ]))
        .unwrap();
        sink.finish(&summary(&[])).unwrap();
        let text = String::from_utf8(sink.out.writer.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "window,start,end,rank,term,label,score,count\n\
             2,600,900,1,secur,security,0.30000000000000004,3\n\
             2,600,900,2,\"a,b\",\"say \"\"hi\"\"\",0.0000001,1\n"
        );
    }

    #[test]
    fn every_window_gets_a_row_in_windows_csv() {
        // What `0:00 security` and `3:00 ai` give with 1-minute windows.
        let timeline = testing::Builder::new()
            .input("t", None, 2)
            .window(None, (0, 60), 1, &[], &[])
            .window(None, (60, 120), 0, &[], &[])
            .counts(0, 0)
            .window(None, (120, 180), 0, &[], &[])
            .counts(0, 0)
            .window(None, (180, 240), 1, &[], &[])
            .counts(1, 1)
            .partial()
            .build();
        let mut sink = WindowsCsv::new(Vec::new());
        emit(&timeline, &mut [&mut sink]).unwrap();
        let text = String::from_utf8(sink.out.writer.into_inner().unwrap()).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows[0],
            "window,start,end,label,documents,segments,tokens,partial,start_ms,end_ms,end_label"
        );
        assert_eq!(rows.len(), 1 + 4);
        assert_eq!(rows[1], "0,0,60,0:00:00,1,1,1,false,0,60000,0:01:00");
        assert_eq!(rows[2], "1,60,120,0:01:00,0,0,0,false,60000,120000,0:02:00");
        // The data ends at 3:10 (the last segment lasts 10 s), inside the last window.
        assert_eq!(
            rows[4],
            "3,180,240,0:03:00,1,1,1,true,180000,240000,0:04:00"
        );
    }

    #[test]
    fn theme_rows_give_every_theme_of_every_window() {
        let timeline = testing::Builder::new().input("t", None, 1).build();
        let mut sink = ThemesCsv::new(Vec::new());
        sink.begin(&timeline.meta).unwrap();
        sink.window(&report(Vec::new())).unwrap();
        sink.finish(&summary(&[])).unwrap();
        let text = String::from_utf8(sink.out.writer.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "window,start,end,theme,score,share\n\
             2,600,900,security,300,0.75\n\
             2,600,900,\"AI, ML\",100,0.25\n"
        );
    }

    #[test]
    fn shift_rows_carry_time_kind_and_evidence() {
        let timeline = testing::Builder::new().input("t", None, 1).build();
        let shift = ShiftReport {
            source: None,
            speaker: None,
            at: TimeValue::Seconds(2100.0),
            at_ms: 2_100_000,
            until: TimeValue::Seconds(2400.0),
            until_ms: 2_400_000,
            window: 7,
            label: "0:35:00".into(),
            until_label: Some("0:40:00".into()),
            kind: ShiftKind::Dominant,
            subject: "security".into(),
            from: "AI/ML".into(),
            to: "security".into(),
            strength: 0.5,
            share_before: Some(0.1),
            share_after: Some(0.6),
            evidence: vec!["security".into(), "policies".into()],
        };
        let mut sink = ShiftsCsv::new(Vec::new());
        sink.begin(&timeline.meta).unwrap();
        sink.finish(&summary(&[shift])).unwrap();
        let text = String::from_utf8(sink.out.writer.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "at,kind,subject,from,to,strength,evidence,at_ms,label\n\
             2100,dominant,security,AI/ML,security,0.5,security; policies,2100000,0:35:00\n"
        );
    }

    #[test]
    fn text_cells_that_start_like_formulas_are_defused_and_numbers_are_not() {
        for (cell, defused) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@handle", "'@handle"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("", ""),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(text(false, cell), defused, "{cell:?}");
            assert_eq!(text(true, cell), cell, "{cell:?}");
        }
        for number in ["-0.25", "-7.382424305686755", "0.107", "1e-7", "12"] {
            assert_eq!(number_or_text(false, number), number);
        }
        for not_a_number in ["-inf", "-NaN", "-theme", "-1-2", "-"] {
            assert_eq!(
                number_or_text(false, not_a_number),
                format!("'{not_a_number}")
            );
        }
    }

    #[test]
    fn every_table_defuses_its_text_cells_unless_raw() {
        let mut timeline = testing::Builder::new().input("t", None, 1).build();
        let hostile = |timeline: &crate::timeline::Timeline| {
            let mut terms = TermsCsv::new(Vec::new());
            let mut themes = ThemesCsv::new(Vec::new());
            let mut shifts = ShiftsCsv::new(Vec::new());
            let mut window = report(vec![RankedTerm {
                rank: 1,
                term: "=cmd".into(),
                label: "@handle".into(),
                window_label: "@handle".into(),
                score: -0.5,
                count: 3,
                status: TermStatus::Stable,
            }]);
            window.themes[0].theme = "+theme".into();
            let shift = ShiftReport {
                source: None,
                speaker: None,
                at: TimeValue::Seconds(600.0),
                at_ms: 600_000,
                until: TimeValue::Seconds(900.0),
                until_ms: 900_000,
                window: 2,
                label: "0:10:00".into(),
                until_label: None,
                kind: ShiftKind::Fading,
                subject: "-theme".into(),
                from: "-0.25".into(),
                to: "=x".into(),
                strength: -7.5,
                share_before: None,
                share_after: None,
                evidence: vec!["@a".into(), "b".into()],
            };
            let shifts_list = [shift];
            for sink in [&mut terms as &mut dyn Sink, &mut themes, &mut shifts] {
                sink.begin(&timeline.meta).unwrap();
                sink.window(&window).unwrap();
                sink.finish(&summary(&shifts_list)).unwrap();
            }
            [
                String::from_utf8(terms.out.writer.into_inner().unwrap()).unwrap(),
                String::from_utf8(themes.out.writer.into_inner().unwrap()).unwrap(),
                String::from_utf8(shifts.out.writer.into_inner().unwrap()).unwrap(),
            ]
        };
        let [terms, themes, shifts] = hostile(&timeline);
        assert!(
            terms.ends_with("\n2,600,900,1,'=cmd,'@handle,-0.5,3\n"),
            "{terms}"
        );
        assert!(
            themes.contains("\n2,600,900,'+theme,300,0.75\n"),
            "{themes}"
        );
        assert!(
            shifts.ends_with("\n600,fading,'-theme,-0.25,'=x,-7.5,'@a; b,600000,0:10:00\n"),
            "{shifts}"
        );
        timeline.meta.options.raw_csv = true;
        let [terms, themes, shifts] = hostile(&timeline);
        assert!(
            terms.ends_with("\n2,600,900,1,=cmd,@handle,-0.5,3\n"),
            "{terms}"
        );
        assert!(themes.contains("\n2,600,900,+theme,300,0.75\n"), "{themes}");
        assert!(
            shifts.ends_with("\n600,fading,-theme,-0.25,=x,-7.5,@a; b,600000,0:10:00\n"),
            "{shifts}"
        );
    }
}
