//! Tidy CSV: one row per observation, one column per variable, plain numbers.
//!
//! Dashboards (DuckDB, Grafana, a spreadsheet) read these without configuration, so
//! every number is written as a plain decimal (Rust's shortest round-trip form,
//! never an exponent or a thousands separator) and every text field is quoted only
//! when it must be.

use std::io::Write;

use super::{EmitError, Sink};
use crate::config::GroupBy;
use crate::pipeline::{Meta, WindowReport};

/// `terms.csv`: one row per window and ranked term.
///
/// Columns: `window, start, end, rank, term, label, score, count`, preceded by
/// `source` when timelines are per source. `start` and `end` are seconds from the
/// start of the recording, or RFC 3339 instants for dated documents. Windows with
/// no terms have no rows here; `windows.csv` lists every window.
#[derive(Debug)]
pub struct TermsCsv<W: Write> {
    writer: csv::Writer<W>,
    per_source: bool,
}

impl<W: Write> TermsCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        TermsCsv {
            writer: csv::Writer::from_writer(writer),
            per_source: false,
        }
    }
}

fn per_source(meta: &Meta) -> bool {
    meta.options.group_by == GroupBy::Source
}

impl<W: Write> Sink for TermsCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.per_source = per_source(meta);
        let columns = [
            "window", "start", "end", "rank", "term", "label", "score", "count",
        ];
        if self.per_source {
            self.writer.write_field("source")?;
        }
        self.writer.write_record(columns)?;
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        let (index, start, end) = (
            window.index.to_string(),
            window.start.to_string(),
            window.end.to_string(),
        );
        for term in &window.terms {
            if self.per_source {
                self.writer
                    .write_field(window.source.as_deref().unwrap_or(""))?;
            }
            self.writer.write_record([
                index.as_str(),
                &start,
                &end,
                &term.rank.to_string(),
                &term.term,
                &term.label,
                &term.score.to_string(),
                &term.count.to_string(),
            ])?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), EmitError> {
        self.writer.flush().map_err(::csv::Error::from)?;
        Ok(())
    }
}

/// `windows.csv`: one row per window, empty windows included.
///
/// Columns: `window, start, end, label, documents, segments, tokens, partial`,
/// preceded by `source` when timelines are per source. `partial` is `true` when the
/// data starts or ends inside the window, so its counts cover less than its length.
#[derive(Debug)]
pub struct WindowsCsv<W: Write> {
    writer: csv::Writer<W>,
    per_source: bool,
}

impl<W: Write> WindowsCsv<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        WindowsCsv {
            writer: csv::Writer::from_writer(writer),
            per_source: false,
        }
    }
}

impl<W: Write> Sink for WindowsCsv<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.per_source = per_source(meta);
        if self.per_source {
            self.writer.write_field("source")?;
        }
        self.writer.write_record([
            "window",
            "start",
            "end",
            "label",
            "documents",
            "segments",
            "tokens",
            "partial",
        ])?;
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        if self.per_source {
            self.writer
                .write_field(window.source.as_deref().unwrap_or(""))?;
        }
        self.writer.write_record([
            window.index.to_string().as_str(),
            &window.start.to_string(),
            &window.end.to_string(),
            &window.label,
            &window.documents.to_string(),
            &window.segments.to_string(),
            &window.tokens.to_string(),
            if window.partial { "true" } else { "false" },
        ])?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), EmitError> {
        self.writer.flush().map_err(::csv::Error::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::emit;
    use crate::pipeline::{RankedTerm, TimeValue};
    use crate::{Config, Pipeline};

    fn report(terms: Vec<RankedTerm>) -> WindowReport {
        WindowReport {
            source: None,
            index: 2,
            start: TimeValue::Seconds(600.0),
            end: TimeValue::Seconds(900.0),
            start_ms: 600_000,
            end_ms: 900_000,
            label: "0:10:00".into(),
            documents: 1,
            segments: 4,
            tokens: 9,
            partial: false,
            terms,
        }
    }

    #[test]
    fn term_rows_are_plain_and_quoted_only_when_needed() {
        let mut sink = TermsCsv::new(Vec::new());
        let timeline = Pipeline::new(Config::default())
            .unwrap()
            .run_text("t", "0:00 security security")
            .unwrap();
        sink.begin(&timeline.meta).unwrap();
        sink.window(&report(vec![
            RankedTerm {
                rank: 1,
                term: "secur".into(),
                label: "security".into(),
                window_label: "Security".into(),
                score: 0.1 + 0.2,
                count: 3,
            },
            RankedTerm {
                rank: 2,
                term: "a,b".into(),
                label: "say \"hi\"".into(),
                window_label: "say \"hi\"".into(),
                score: 1e-7,
                count: 1,
            },
        ]))
        .unwrap();
        sink.finish().unwrap();
        let text = String::from_utf8(sink.writer.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "window,start,end,rank,term,label,score,count\n\
             2,600,900,1,secur,security,0.30000000000000004,3\n\
             2,600,900,2,\"a,b\",\"say \"\"hi\"\"\",0.0000001,1\n"
        );
    }

    #[test]
    fn every_window_gets_a_row_in_windows_csv() {
        let timeline = Pipeline::builder()
            .window(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
            .run_text("t", "0:00 security\n3:00 ai\n")
            .unwrap();
        let mut sink = WindowsCsv::new(Vec::new());
        emit(&timeline, &mut [&mut sink]).unwrap();
        let text = String::from_utf8(sink.writer.into_inner().unwrap()).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows[0],
            "window,start,end,label,documents,segments,tokens,partial"
        );
        assert_eq!(rows.len(), 1 + 4);
        assert_eq!(rows[1], "0,0,60,0:00:00,1,1,1,false");
        assert_eq!(rows[2], "1,60,120,0:01:00,0,0,0,false");
        // The data ends at 3:10 (the last segment lasts 10 s), inside the last window.
        assert_eq!(rows[4], "3,180,240,0:03:00,1,1,1,true");
    }
}
