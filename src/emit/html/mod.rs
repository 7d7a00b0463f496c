//! `report.html`: the run as one page a person reads in a browser.
//!
//! The CSV and JSON files are for dashboards and programs; this page is for the
//! person who ran themeline and wants to see the story without setting anything up.
//! It is one self-contained file (inline CSS and SVG, no script, no fonts, nothing
//! fetched), so it can be mailed, attached to an issue or opened from a CI
//! artifact. A run with speakers opens with a small table of them (`speakers`).
//! Each timeline (one, or one per source or speaker with `--group-by`) gets a
//! stacked-area chart of its themes' shares by window start, with the changes of
//! the dominant theme drawn as labelled vertical lines and rising themes and term
//! bursts as ticks under the axis; a legend; a heat table of each window's top
//! terms (colour by score, the tooltip gives score, count and status); and the list
//! of shift events. The run's inputs, statistics, diagnostics and options close the
//! page. Tooltips are SVG `<title>` elements and `title` attributes, and highlights
//! are CSS `:hover`, so the page needs no JavaScript at all.
//!
//! The SVG is built with plain string formatting. Every number is written with a
//! fixed number of decimals and nothing depends on the clock or on hash order, so
//! the same [`Timeline`](crate::Timeline) always gives the same bytes. Every piece
//! of input text (titles, paths, terms, labels, theme names, option values) goes
//! through [`escape`]: a term `<script>` is shown as text, never run.
//!
//! The page is bounded whatever the number of windows, and so is the sink's
//! memory: it keeps no window, but folds each into at most
//! [`MAX_COLUMNS`](aggregate::MAX_COLUMNS) columns per timeline as it comes (see
//! `aggregate`). Up to that many windows a column is a window and the page is
//! what it always was; beyond, a column is a run of windows, the page says so,
//! and the chart's marks and the shift tables list the strongest events with a
//! count of the rest. The page is written to the writer as it is formatted,
//! never held as one string.
//!
//! This file assembles the page (the sink, the head, the overview, one section per
//! timeline, the run's details); `aggregate` keeps the columns, `markup` has the
//! escaping, numbers and colours, `chart` the SVG chart and its legend, `tables`
//! the heat and shift tables.

mod aggregate;
mod chart;
mod markup;
mod speakers;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use super::{EmitError, Sink, Summary};
use crate::timeline::{ChapterReport, GroupBy, Meta, ShiftReport, ThemeReport, WindowReport};
pub use aggregate::NameList;
use aggregate::{Column, Run, Series};
pub use markup::{colour, escape};
use markup::{count, option_text};

/// The file [`HtmlReport`] writes in the default run.
pub const REPORT_FILE: &str = "report.html";

/// Most diagnostics listed one by one on the page (all are counted).
const LISTED_DIAGNOSTICS: usize = 50;

/// Folds the windows into what the page shows as they come, and writes
/// `report.html` when the run is finished.
#[derive(Debug)]
pub struct HtmlReport<W: Write> {
    writer: W,
    meta: Option<Meta>,
    run: Run,
}

impl<W: Write> HtmlReport<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        HtmlReport {
            writer,
            meta: None,
            run: Run::default(),
        }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> Sink for HtmlReport<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.meta = Some(meta.clone());
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        self.run.add(window);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let meta = self.meta.as_ref().expect("begin is called before finish");
        // Written piece by piece as it is formatted: the page is never one string.
        let mut out = BufWriter::with_capacity(1 << 16, &mut self.writer);
        render(&mut out, meta, &self.run, summary)
            .and_then(|()| out.flush())
            .map_err(|source| EmitError::Io {
                path: PathBuf::from(REPORT_FILE),
                source,
            })
    }
}

/// Every theme name of the run, in [`Timeline::themes`](crate::Timeline::themes)
/// order, each once (per-source timelines may share names); the index of a name is
/// its colour. When the summary has no themes, the names `seen` in the windows.
pub fn theme_names(themes: &[ThemeReport], seen: &NameList) -> Vec<String> {
    let mut names = NameList::default();
    for name in themes.iter().map(|t| t.name.as_str()) {
        names.add(name);
    }
    for name in seen.names() {
        names.add(name);
    }
    names.names().to_vec()
}

/// The page's title: the inputs' titles (or their file stems: a reader names a
/// talk, not a directory), the first three of them.
pub fn title(meta: &Meta) -> String {
    let mut names: Vec<&str> = Vec::new();
    for source in &meta.inputs {
        let name = source
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| stem(&source.path));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => "themeline report".to_string(),
        1..=3 => names.join(", "),
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// A path's file name without its extensions (`talks/a.en.vtt.gz` -> `a`), or
/// the path itself when that leaves nothing. Only `/` separates: a backslash in
/// a source's name is the escape of a byte that is not UTF-8 (`a\xE9.txt`).
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or(path);
    match name.split('.').next() {
        Some(stem) if !stem.is_empty() => stem,
        _ => name,
    }
}

/// One timeline of the run as the page draws it: its columns, themes and shifts.
struct Group<'a> {
    series: &'a Series,
    /// Indices into the run's theme names, in this timeline's order.
    themes: Vec<usize>,
    /// For each of `themes`, its place in the series' shares.
    slots: Vec<Option<usize>>,
    shifts: Vec<&'a ShiftReport>,
    themes_reports: Vec<&'a ThemeReport>,
    /// This timeline's chapters (or periods), in time order.
    chapters: Vec<&'a ChapterReport>,
}

impl Group<'_> {
    fn source(&self) -> Option<&str> {
        self.series.source.as_deref()
    }

    /// The share in `column` of the `k`th theme of [`Group::themes`].
    fn share(&self, column: &Column, k: usize) -> f64 {
        self.slots[k]
            .and_then(|slot| column.shares.get(slot))
            .copied()
            .unwrap_or(0.0)
    }

    /// The mean share over every window of the `k`th theme of [`Group::themes`].
    fn mean(&self, k: usize) -> f64 {
        let sum = self.slots[k].map_or(0.0, |slot| self.series.share_sums[slot]);
        sum / self.series.windows.max(1) as f64
    }
}

/// The timelines as the page shows them. A speaker's timeline (`per_speaker`)
/// has the run's themes and its recording's chapters.
fn groups<'a>(
    run: &'a Run,
    summary: &Summary<'a>,
    names: &[String],
    per_speaker: bool,
) -> Vec<Group<'a>> {
    let mut groups = Vec::new();
    for series in &run.series {
        let timeline = series.source.as_deref();
        let source = if per_speaker { None } else { timeline };
        let themes_reports: Vec<&ThemeReport> = summary
            .themes
            .iter()
            .filter(|t| t.source.as_deref() == source)
            .collect();
        let mut themes: Vec<usize> = Vec::new();
        let mine = themes_reports
            .iter()
            .map(|t| t.name.as_str())
            .chain(series.names.iter().map(String::as_str));
        for name in mine {
            if let Some(i) = names.iter().position(|n| n == name)
                && !themes.contains(&i)
            {
                themes.push(i);
            }
        }
        let slots = themes
            .iter()
            .map(|&i| series.names.iter().position(|n| *n == names[i]))
            .collect();
        groups.push(Group {
            series,
            themes,
            slots,
            shifts: summary
                .shifts
                .iter()
                .filter(|s| s.timeline() == timeline)
                .collect(),
            themes_reports,
            chapters: chapters_of(summary.chapters, source),
        });
    }
    groups
}

/// The chapters a timeline's chart draws: its own, or, for the one timeline of a
/// run that is not grouped by source, those of its recording when it is just
/// one (chapters of several recordings on one offset axis would overlap).
fn chapters_of<'a>(chapters: &'a [ChapterReport], source: Option<&str>) -> Vec<&'a ChapterReport> {
    let own: Vec<&ChapterReport> = chapters
        .iter()
        .filter(|c| c.source.as_deref() == source)
        .collect();
    if !own.is_empty() || source.is_some() {
        return own;
    }
    let first = chapters.first().map(|c| c.source.as_deref());
    if chapters.iter().all(|c| Some(c.source.as_deref()) == first) {
        chapters.iter().collect()
    } else {
        Vec::new()
    }
}

const STYLE: &str = r#"
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--rule:#d1d9e0;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1320px;margin:0 auto}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 6px;padding-top:12px;border-top:1px solid var(--rule)}
h3{font-size:15px;margin:22px 0 6px}
p{margin:4px 0 10px}
.muted,.note{color:var(--muted)}
.note{font-size:12.5px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
svg.chart{display:block;width:100%;max-width:1200px;height:auto;font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.chart .grid{stroke:#e3e8ee;stroke-width:1}
svg.chart .axis{fill:var(--muted)}
svg.chart .band{stroke:#fff;stroke-width:.6}
svg.chart .col{fill:#000;fill-opacity:0}
svg.chart .col:hover{fill-opacity:.07}
svg.chart .thin{pointer-events:none}
svg.chart .chapter rect{fill:#eef1f4;stroke:#fff;stroke-width:1}
svg.chart .chapter.ch-1 rect{fill:#dde3ea}
svg.chart .chapter-titles text{fill:var(--ink);font-size:10px;pointer-events:none}
svg.chart .chapter:hover rect{fill:#c9d1da}
svg.chart .shift line{stroke:#1f2328;stroke-width:1.2;stroke-dasharray:3 2}
svg.chart .shift text{fill:#1f2328;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg.chart .shift:hover line{stroke-width:2.4;stroke-dasharray:none}
svg.chart .tick{stroke:#8c959f;stroke-width:1}
svg.chart .burst{stroke:#59636e;stroke-width:2}
svg.chart .burst:hover,svg.chart .rise:hover{opacity:.6}
ul.legend{list-style:none;margin:8px 0 4px;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;max-width:1200px}
ul.legend li{display:flex;align-items:center;gap:6px;cursor:default}
ul.legend .sw{display:inline-block;width:13px;height:13px;border-radius:3px}
ul.legend .mean{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:6px 0 8px}
th,td{padding:3px 8px;text-align:left;vertical-align:top}
thead th{font-weight:600;border-bottom:1px solid var(--rule);font-size:12.5px;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.heat{font-size:12px;width:100%}
table.heat td.term{padding:3px 4px}
table.heat td.term{border:1px solid #fff;background-repeat:no-repeat;overflow-wrap:break-word}
table.heat th.win{white-space:nowrap;font-variant-numeric:tabular-nums}
table.heat td.term:hover{outline:2px solid #1f2328;outline-offset:-2px}
.st-new{background-image:linear-gradient(135deg,#2da44e 7px,transparent 7px)}
.st-emerging{background-image:linear-gradient(135deg,#f28e2b 7px,transparent 7px)}
.st-burst{background-image:linear-gradient(135deg,#d1242f 7px,transparent 7px)}
.st-fading{background-image:linear-gradient(135deg,#8c959f 7px,transparent 7px)}
.st-gone{background-image:linear-gradient(135deg,#1f2328 7px,transparent 7px)}
.key{display:inline-block;width:11px;height:11px;margin:0 4px -1px 10px;border:1px solid #d1d9e0;background-color:#fff}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 5px -1px 0}
table.shifts td{border-bottom:1px solid #eef1f4}
table.shifts{font-size:13px}
table.chapters{font-size:13px}
table.chapters td{border-bottom:1px solid #eef1f4}
.kind{display:inline-block;padding:0 6px;border-radius:9px;font-size:11.5px;font-weight:600;background:#eef1f4}
.kind-dominant{background:#1f2328;color:#fff}
.kind-rising{background:#dff3e4;color:#1a7f37}
.kind-fading{background:#f1f3f5;color:#59636e}
.kind-burst{background:#ffe5e3;color:#b42318}
table.kv th{font-weight:500;color:var(--muted);white-space:nowrap}
table.kv td{overflow-wrap:anywhere}
.cols{display:flex;flex-wrap:wrap;gap:8px 48px;align-items:flex-start}
div.grow{flex:1 1 600px}
ul.opts{list-style:none;padding:0;margin:6px 0;column-count:3;column-gap:32px;font-size:13px}
ul.opts li{break-inside:avoid;overflow-wrap:anywhere;padding:1px 0}
details summary{cursor:pointer;color:var(--muted);margin:6px 0}
ul.diag{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding-left:18px}
footer{margin-top:36px;color:var(--muted);font-size:12px}
"#;

/// The whole page.
fn render(out: &mut dyn Write, meta: &Meta, run: &Run, summary: &Summary<'_>) -> io::Result<()> {
    let names = theme_names(summary.themes, &run.names);
    let per_speaker = meta.options.group_by == GroupBy::Speaker;
    let groups = groups(run, summary, &names, per_speaker);
    let title = title(meta);
    out.write_all(b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")?;
    out.write_all(b"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")?;
    writeln!(out, "<title>{} · themeline</title>", escape(&title))?;
    out.write_all(b"<style>")?;
    out.write_all(STYLE.as_bytes())?;
    if !summary.speakers.is_empty() {
        out.write_all(speakers::STYLE.as_bytes())?;
    }
    // Hovering a legend entry fades the other bands of its chart (CSS only).
    if !names.is_empty() {
        let selectors: Vec<String> = (0..names.len())
            .map(|i| format!("section:has(.lg-{i}:hover) .band:not(.b-{i})"))
            .collect();
        writeln!(out, "{}{{opacity:.25}}", selectors.join(","))?;
    }
    out.write_all(b"</style>\n</head>\n<body>\n<main>\n")?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    overview(out, meta, run.windows, summary)?;
    speakers::speaker_table(out, summary.speakers, &names)?;
    let per_source = groups.iter().any(|g| g.source().is_some());
    for group in &groups {
        section(out, meta, group, &names, per_source, per_speaker)?;
    }
    if groups.is_empty() {
        out.write_all(b"<p>The run has no windows.</p>\n")?;
    }
    run_details(out, meta)?;
    writeln!(
        out,
        "<footer>Written by {} {} · the same data is in <code>themes.csv</code>, \
         <code>terms.csv</code>, <code>shifts.csv</code> and <code>timeline.json</code> \
         beside this file; <code>timeline.vl.json</code> charts <code>themes.csv</code> \
         with Vega-Lite.</footer>",
        escape(meta.tool),
        escape(meta.version)
    )?;
    out.write_all(b"</main>\n</body>\n</html>\n")
}

/// The line under the title: what the run read and how it windowed it.
fn overview(
    out: &mut dyn Write,
    meta: &Meta,
    windows: usize,
    summary: &Summary<'_>,
) -> io::Result<()> {
    let options = serde_json::to_value(&meta.options).unwrap_or_default();
    let windowing = match (&options["bins"], &options["step"]) {
        (serde_json::Value::Number(n), _) => {
            format!("{} in {n} bins", count(windows, "window", "windows"))
        }
        (_, serde_json::Value::String(step)) => format!(
            "{} of {}, one every {step}",
            count(windows, "window", "windows"),
            option_text(&options["window"]),
        ),
        _ => format!(
            "{} of {}",
            count(windows, "window", "windows"),
            option_text(&options["window"])
        ),
    };
    let themes = match (&options["themes"], &options["discover"]) {
        (_, serde_json::Value::Number(k)) if k.as_u64() == Some(0) => "no themes".to_string(),
        (_, serde_json::Value::Number(k)) => format!("{k} discovered themes"),
        (serde_json::Value::String(lexicon), _) => format!("themes from {lexicon}"),
        _ => "discovered themes".to_string(),
    };
    let stats = &meta.statistics;
    let parts = [
        windowing,
        count(meta.inputs.len(), "input", "inputs"),
        count(stats.documents as usize, "document", "documents"),
        count(stats.tokens as usize, "token", "tokens"),
        themes,
        count(summary.shifts.len(), "shift event", "shift events"),
        format!("scores: {}", option_text(&options["score"])),
    ];
    writeln!(out, "<p class=\"muted\">{}</p>", escape(&parts.join(" · ")))
}

/// One timeline: chart, legend, heat table, shift events.
fn section(
    out: &mut dyn Write,
    meta: &Meta,
    group: &Group<'_>,
    names: &[String],
    per_source: bool,
    per_speaker: bool,
) -> io::Result<()> {
    out.write_all(b"<section class=\"timeline\">\n")?;
    let series = group.series;
    if let (Some(name), true) = (group.source(), per_speaker) {
        writeln!(out, "<h2>{}</h2>", speakers::speaker_name(name))?;
    } else if let Some(source) = group.source() {
        let input_title = meta
            .inputs
            .iter()
            .find(|s| s.path == source)
            .and_then(|s| s.title.as_deref());
        write!(out, "<h2>{}", escape(source))?;
        if let Some(t) = input_title {
            write!(out, " <span class=\"muted\">· {}</span>", escape(t))?;
        }
        out.write_all(b"</h2>\n")?;
    } else if per_source {
        out.write_all(b"<h2>Timeline</h2>\n")?;
    }
    if per_source {
        writeln!(
            out,
            "<p class=\"muted\">{} window{} from {} to {}.</p>",
            series.windows,
            if series.windows == 1 { "" } else { "s" },
            escape(&series.first_label),
            escape(&series.last_label)
        )?;
    }
    if series.is_aggregated() {
        aggregation_note(out, series)?;
    }
    tables::chapter_table(out, group, names)?;
    out.write_all(b"<h3>Themes over time</h3>\n")?;
    if group.themes.is_empty() {
        out.write_all(
            b"<p>This timeline has no themes: the run used no theme lexicon and discovered \
             none (<code>--discover 0</code>), so there is no theme chart. The terms below \
             are still ranked.</p>\n",
        )?;
    } else if !series.any_share {
        out.write_all(
            b"<p>No term of any theme occurs in this timeline, so every share is 0 and there \
             is no theme chart.</p>\n",
        )?;
    } else {
        out.write_all(
            "<p class=\"note\">Each band is a theme's share of the window's theme strength \
             (<code>share</code> in <code>themes.csv</code>); each window is a column from its \
             start to the next window's start, and the first theme of the legend is the lowest \
             band. Dashed lines mark a new dominant theme at the start of the window where it \
             takes over; under the axis, ▲ marks a rising theme and | a burst of terms. Hover \
             for details.</p>\n"
                .as_bytes(),
        )?;
        chart::chart(out, group, names)?;
        chart::legend(out, group, names)?;
    }
    tables::heat_table(out, group, names)?;
    tables::shift_table(out, group)?;
    out.write_all(b"</section>\n")
}

/// What the chart and the heat table of a timeline of too many windows show.
fn aggregation_note(out: &mut dyn Write, series: &Series) -> io::Result<()> {
    let columns = series.columns.len();
    let last = series.columns.last().map_or(0, |c| c.windows);
    let rest = if last == series.per {
        String::new()
    } else {
        format!(" (the last of {last})")
    };
    writeln!(
        out,
        "<p class=\"note\"><b>{} windows shown as {} columns of {} windows each</b>{rest}: \
         more windows than the chart has pixels. A column's shares are its windows' shares \
         weighted by their tokens, a row of the heat table is a column and shows the terms that \
         score highest in any of its windows. Every window is in <code>windows.csv</code>, \
         <code>themes.csv</code> and <code>terms.csv</code>.</p>",
        series.windows, columns, series.per
    )
}

/// Inputs, statistics, diagnostics and options.
fn run_details(out: &mut dyn Write, meta: &Meta) -> io::Result<()> {
    out.write_all(b"<h2>The run</h2>\n<h3>Inputs</h3>\n")?;
    out.write_all(b"<table class=\"kv\">\n<thead><tr><th>path</th><th>format</th><th>title</th><th>language</th><th class=\"num\">documents</th><th class=\"num\">segments</th><th class=\"num\">bytes</th></tr></thead>\n<tbody>\n")?;
    for source in &meta.inputs {
        let format = serde_json::to_value(source.format).unwrap_or_default();
        let language = serde_json::to_value(source.language).unwrap_or_default();
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&source.path),
            escape(&option_text(&format)),
            escape(source.title.as_deref().unwrap_or("—")),
            escape(&option_text(&language)),
            source.documents,
            source.segments,
            source.bytes
        )?;
    }
    out.write_all(b"</tbody>\n</table>\n")?;

    let s = &meta.statistics;
    let diagnostics: u64 = s.diagnostics.values().sum();
    let mut rows: Vec<(String, String)> = vec![
        ("documents".into(), s.documents.to_string()),
        ("segments".into(), s.segments.to_string()),
        ("words".into(), s.words.to_string()),
        ("tokens".into(), s.tokens.to_string()),
    ];
    for (reason, count) in &s.dropped {
        let reason = serde_json::to_value(reason).unwrap_or_default();
        rows.push((
            format!("dropped: {}", option_text(&reason)),
            count.to_string(),
        ));
    }
    rows.extend([
        ("terms".into(), s.terms.to_string()),
        ("terms scored".into(), s.terms_scored.to_string()),
        ("phrases".into(), s.phrases.len().to_string()),
        ("windows".into(), s.windows.to_string()),
        ("diagnostics".into(), diagnostics.to_string()),
    ]);
    for (kind, count) in &s.diagnostics {
        rows.push((format!("diagnostics: {kind}"), count.to_string()));
    }
    out.write_all(
        b"<div class=\"cols\">\n<div>\n<h3>Statistics</h3>\n<table class=\"kv\">\n<tbody>\n",
    )?;
    for (name, value) in &rows {
        writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td></tr>",
            escape(name),
            escape(value)
        )?;
    }
    out.write_all(b"</tbody>\n</table>\n</div>\n")?;

    out.write_all(b"<div class=\"grow\">\n<h3>Options</h3>\n<ul class=\"opts\">\n")?;
    if let serde_json::Value::Object(options) =
        serde_json::to_value(&meta.options).unwrap_or_default()
    {
        // Sorted by name, whatever order the map keeps.
        let sorted: BTreeMap<&String, &serde_json::Value> = options.iter().collect();
        for (name, value) in sorted {
            writeln!(
                out,
                "<li><span class=\"muted\">{}</span> {}</li>",
                escape(name),
                escape(&option_text(value))
            )?;
        }
    }
    out.write_all(b"</ul>\n</div>\n</div>\n")?;

    out.write_all(b"<h3>Diagnostics</h3>\n")?;
    if meta.diagnostics.is_empty() {
        out.write_all(b"<p>No input problems.</p>\n")?;
    } else {
        out.write_all(b"<ul class=\"diag\">\n")?;
        for d in meta.diagnostics.iter().take(LISTED_DIAGNOSTICS) {
            writeln!(out, "<li>{}</li>", escape(&d.to_string()))?;
        }
        out.write_all(b"</ul>\n")?;
        if diagnostics as usize > LISTED_DIAGNOSTICS.min(meta.diagnostics.len()) {
            writeln!(
                out,
                "<p class=\"note\">{} of {} listed; all are in <code>timeline.json</code>.</p>",
                LISTED_DIAGNOSTICS.min(meta.diagnostics.len()),
                diagnostics
            )?;
        }
    }
    Ok(())
}
