//! `report.html`: the run as one page a person reads in a browser.
//!
//! The CSV and JSON files are for dashboards and programs; this page is for the
//! person who ran themeline and wants to see the story without setting anything up.
//! It is one self-contained file (inline CSS and SVG, no script, no fonts, nothing
//! fetched), so it can be mailed, attached to an issue or opened from a CI
//! artifact. Each timeline (one, or one per source with `--group-by source`) gets a
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

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use super::{Collected, EmitError, Sink, Summary};
use crate::timeline::{Meta, ShiftReport, ThemeReport, WindowReport};
use crate::timeline::{ShiftKind, TermStatus};

/// The file [`HtmlReport`] writes in the default run.
pub const REPORT_FILE: &str = "report.html";

/// Most ranked terms per window shown in the heat table.
const TABLE_TERMS: usize = 10;

/// Most diagnostics listed one by one on the page (all are counted).
const LISTED_DIAGNOSTICS: usize = 50;

/// Chart geometry, in SVG user units.
const WIDTH: f64 = 1200.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 44.0;
const PLOT_HEIGHT: f64 = 300.0;
/// Height of one row of shift labels above the plot.
const LABEL_ROW: f64 = 16.0;
/// Rough width of one character of 11px sans-serif text, for laying out labels.
const CHAR_WIDTH: f64 = 6.4;

/// Collects the run and writes `report.html` when finished.
#[derive(Debug)]
pub struct HtmlReport<W: Write> {
    writer: W,
    run: Collected,
}

impl<W: Write> HtmlReport<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        HtmlReport {
            writer,
            run: Collected::default(),
        }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> Sink for HtmlReport<W> {
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError> {
        self.run.begin(meta);
        Ok(())
    }

    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError> {
        self.run.windows.push(window.clone());
        Ok(())
    }

    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError> {
        let page = render(self.run.meta(), &self.run.windows, summary);
        self.writer
            .write_all(page.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|source| EmitError::Io {
                path: PathBuf::from(REPORT_FILE),
                source,
            })
    }
}

/// `text` made safe for HTML and SVG text and for quoted attribute values: `&`,
/// `<`, `>`, `"` and `'` become character references, and control characters
/// other than tab and newline (which HTML does not allow) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `value` with `decimals` fixed decimals; never `-0.0`, never `NaN`.
fn num(value: f64, decimals: usize) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

/// A share as a percentage with one decimal: `58.3%`.
fn percent(share: f64) -> String {
    format!("{}%", num(share * 100.0, 1))
}

/// The colours of the first twenty themes: Tableau 10, then its lighter partners.
const PALETTE: [&str; 20] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
    "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
];

/// The colour of the `index`th theme of the run: the palette, then hues a golden
/// angle apart.
pub fn colour(index: usize) -> String {
    match PALETTE.get(index) {
        Some(c) => (*c).to_string(),
        None => {
            let hue = (index as f64 * 137.508) % 360.0;
            format!("hsl({},55%,55%)", num(hue, 1))
        }
    }
}

/// Every theme name of the run, in [`Timeline::themes`](crate::Timeline::themes)
/// order, each once (per-source timelines may share names); the index of a name is
/// its colour. When the summary has no themes, the names in the windows.
pub fn theme_names(themes: &[ThemeReport], windows: &[WindowReport]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let all = themes.iter().map(|t| t.name.as_str()).chain(
        windows
            .iter()
            .flat_map(|w| w.themes.iter().map(|t| t.theme.as_str())),
    );
    for name in all {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The page's title: the inputs' titles (or paths), the first three of them.
pub fn title(meta: &Meta) -> String {
    let mut names: Vec<&str> = Vec::new();
    for source in &meta.inputs {
        let name = source
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&source.path);
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

/// One timeline of the run: the windows of one source, or all of them.
struct Group<'a> {
    source: Option<&'a str>,
    windows: &'a [WindowReport],
    /// Indices into the run's theme names, in this timeline's order.
    themes: Vec<usize>,
    shifts: Vec<&'a ShiftReport>,
    themes_reports: Vec<&'a ThemeReport>,
}

fn groups<'a>(
    windows: &'a [WindowReport],
    summary: &Summary<'a>,
    names: &[String],
) -> Vec<Group<'a>> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < windows.len() {
        let source = windows[start].source.as_deref();
        let end = start
            + windows[start..]
                .iter()
                .take_while(|w| w.source.as_deref() == source)
                .count();
        let slice = &windows[start..end];
        let themes_reports: Vec<&ThemeReport> = summary
            .themes
            .iter()
            .filter(|t| t.source.as_deref() == source)
            .collect();
        let mut themes: Vec<usize> = Vec::new();
        let mine = themes_reports.iter().map(|t| t.name.as_str()).chain(
            slice
                .iter()
                .flat_map(|w| w.themes.iter().map(|t| t.theme.as_str())),
        );
        for name in mine {
            if let Some(i) = names.iter().position(|n| n == name)
                && !themes.contains(&i)
            {
                themes.push(i);
            }
        }
        groups.push(Group {
            source,
            windows: slice,
            themes,
            shifts: summary
                .shifts
                .iter()
                .filter(|s| s.source.as_deref() == source)
                .collect(),
            themes_reports,
        });
        start = end;
    }
    groups
}

/// The share of theme `name` in `window` (0 when absent).
fn share(window: &WindowReport, name: &str) -> f64 {
    window
        .themes
        .iter()
        .find(|t| t.theme == name)
        .map_or(0.0, |t| t.share)
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
table.heat{font-size:12.5px;width:100%}
table.heat td.dom{white-space:nowrap}
table.heat td.term{border:1px solid #fff;background-repeat:no-repeat}
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
fn render(meta: &Meta, windows: &[WindowReport], summary: &Summary<'_>) -> String {
    let names = theme_names(summary.themes, windows);
    let groups = groups(windows, summary, &names);
    let title = title(meta);
    let mut page = String::with_capacity(64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(page, "<title>{} · themeline</title>", escape(&title));
    page.push_str("<style>");
    page.push_str(STYLE);
    // Hovering a legend entry fades the other bands of its chart (CSS only).
    if !names.is_empty() {
        let selectors: Vec<String> = (0..names.len())
            .map(|i| format!("section:has(.lg-{i}:hover) .band:not(.b-{i})"))
            .collect();
        let _ = writeln!(page, "{}{{opacity:.25}}", selectors.join(","));
    }
    page.push_str("</style>\n</head>\n<body>\n<main>\n");
    let _ = writeln!(page, "<h1>{}</h1>", escape(&title));
    page.push_str(&overview(meta, windows, summary));
    let per_source = groups.iter().any(|g| g.source.is_some());
    for group in &groups {
        page.push_str(&section(meta, group, &names, per_source));
    }
    if groups.is_empty() {
        page.push_str("<p>The run has no windows.</p>\n");
    }
    page.push_str(&run_details(meta));
    let _ = writeln!(
        page,
        "<footer>Written by {} {} · the same data is in <code>themes.csv</code>, \
         <code>terms.csv</code>, <code>shifts.csv</code> and <code>timeline.json</code> \
         beside this file; <code>timeline.vl.json</code> charts <code>themes.csv</code> \
         with Vega-Lite.</footer>",
        escape(meta.tool),
        escape(meta.version)
    );
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// `1 window`, `2 windows`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The line under the title: what the run read and how it windowed it.
fn overview(meta: &Meta, windows: &[WindowReport], summary: &Summary<'_>) -> String {
    let options = serde_json::to_value(&meta.options).unwrap_or_default();
    let windowing = match (&options["bins"], &options["step"]) {
        (serde_json::Value::Number(n), _) => {
            format!("{} in {n} bins", count(windows.len(), "window", "windows"))
        }
        (_, serde_json::Value::String(step)) => format!(
            "{} of {}, one every {step}",
            count(windows.len(), "window", "windows"),
            option_text(&options["window"]),
        ),
        _ => format!(
            "{} of {}",
            count(windows.len(), "window", "windows"),
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
    format!("<p class=\"muted\">{}</p>\n", escape(&parts.join(" · ")))
}

/// One timeline: chart, legend, heat table, shift events.
fn section(meta: &Meta, group: &Group<'_>, names: &[String], per_source: bool) -> String {
    let mut out = String::new();
    out.push_str("<section class=\"timeline\">\n");
    if let Some(source) = group.source {
        let input_title = meta
            .inputs
            .iter()
            .find(|s| s.path == source)
            .and_then(|s| s.title.as_deref());
        let _ = write!(out, "<h2>{}", escape(source));
        if let Some(t) = input_title {
            let _ = write!(out, " <span class=\"muted\">· {}</span>", escape(t));
        }
        out.push_str("</h2>\n");
    } else if per_source {
        out.push_str("<h2>Timeline</h2>\n");
    }
    if let (true, Some(first), Some(last)) =
        (per_source, group.windows.first(), group.windows.last())
    {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} window{} from {} to {}.</p>",
            group.windows.len(),
            if group.windows.len() == 1 { "" } else { "s" },
            escape(&first.label),
            escape(&last.label)
        );
    }
    out.push_str("<h3>Themes over time</h3>\n");
    let any_share = group
        .windows
        .iter()
        .any(|w| w.themes.iter().any(|t| t.share > 0.0));
    if group.themes.is_empty() {
        out.push_str(
            "<p>This timeline has no themes: the run used no theme lexicon and discovered \
             none (<code>--discover 0</code>), so there is no theme chart. The terms below \
             are still ranked.</p>\n",
        );
    } else if !any_share {
        out.push_str(
            "<p>No term of any theme occurs in this timeline, so every share is 0 and there \
             is no theme chart.</p>\n",
        );
    } else {
        out.push_str(
            "<p class=\"note\">Each band is a theme's share of the window's theme strength \
             (<code>share</code> in <code>themes.csv</code>); each window is a column from its \
             start to the next window's start, and the first theme of the legend is the lowest \
             band. Dashed lines mark a new dominant theme at the start of the window where it \
             takes over; under the axis, ▲ marks a rising theme and | a burst of terms. Hover \
             for details.</p>\n",
        );
        out.push_str(&chart(group, names));
        out.push_str(&legend(group, names));
    }
    out.push_str(&heat_table(group, names));
    out.push_str(&shift_table(group));
    out.push_str("</section>\n");
    out
}

/// A vertical marker over the chart and its label's row.
struct Marker<'a> {
    x: f64,
    row: usize,
    anchor_end: bool,
    label: String,
    shift: &'a ShiftReport,
}

/// Puts each label in the first row where it overlaps no label placed before it.
fn place_labels<'a>(shifts: &[(f64, String, &'a ShiftReport)]) -> Vec<Marker<'a>> {
    let mut row_ends: Vec<f64> = Vec::new();
    let mut markers = Vec::new();
    for (x, label, shift) in shifts {
        let width = label.chars().count() as f64 * CHAR_WIDTH + 6.0;
        let anchor_end = x + 3.0 + width > WIDTH - 2.0;
        let (left, right) = if anchor_end {
            (x - 3.0 - width, *x)
        } else {
            (*x, x + 3.0 + width)
        };
        let row = match row_ends.iter().position(|&end| left > end + 4.0) {
            Some(row) => {
                row_ends[row] = right;
                row
            }
            None => {
                row_ends.push(right);
                row_ends.len() - 1
            }
        };
        markers.push(Marker {
            x: *x,
            row,
            anchor_end,
            label: label.clone(),
            shift,
        });
    }
    markers
}

/// `name` cut to about `max` characters at a word or `/` boundary, with `…`.
fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let head: String = name.chars().take(max).collect();
    let cut = head
        .rfind([' ', '/'])
        .filter(|&i| i > 0)
        .map_or(head.as_str(), |i| &head[..i]);
    format!("{}…", cut.trim_end_matches([' ', '/']))
}

/// The stacked-area SVG chart of one timeline.
///
/// Each window is a step, from its start to the next window's start (the last to
/// its end): a window's shares are one value for all of it, and a window without
/// theme terms is a gap rather than a dip drawn between its neighbours.
fn chart(group: &Group<'_>, names: &[String]) -> String {
    let windows = group.windows;
    let plot_width = WIDTH - LEFT - RIGHT;
    let last = &windows[windows.len() - 1];
    let d0 = windows[0].start_ms;
    let d1 = last.end_ms.max(last.start_ms + 1);
    let span = (d1 - d0).max(1) as f64;
    let x = |ms: i64| LEFT + (ms.clamp(d0, d1) - d0) as f64 / span * plot_width;
    // Each window's step, in user units.
    let steps: Vec<(f64, f64)> = windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let right = windows.get(i + 1).map_or(d1, |next| next.start_ms);
            (x(w.start_ms), x(right))
        })
        .collect();
    let centre = |shift: &ShiftReport| {
        windows
            .iter()
            .position(|w| w.index == shift.window && w.start_ms == shift.at_ms)
            .map_or_else(|| x(shift.at_ms), |i| (steps[i].0 + steps[i].1) / 2.0)
    };

    let markers = place_labels(
        &group
            .shifts
            .iter()
            .filter(|s| s.kind == ShiftKind::Dominant)
            .map(|s| {
                let label = format!("{} → {}", short(&s.from, 22), short(&s.to, 22));
                (x(s.at_ms), label, *s)
            })
            .collect::<Vec<_>>(),
    );
    let rows = markers.iter().map(|m| m.row + 1).max().unwrap_or(0);
    let top = 10.0 + rows as f64 * LABEL_ROW;
    let bottom = top + PLOT_HEIGHT;
    let y = |share: f64| top + PLOT_HEIGHT * (1.0 - share.clamp(0.0, 1.0));

    // Rising themes (stacked where several rise at once) and bursts (one tick per
    // window, listing its terms), at the centre of their window.
    let mut rising: BTreeMap<i64, Vec<&ShiftReport>> = BTreeMap::new();
    let mut bursts: BTreeMap<i64, Vec<&ShiftReport>> = BTreeMap::new();
    for shift in &group.shifts {
        match shift.kind {
            ShiftKind::Rising => rising.entry(shift.at_ms).or_default().push(shift),
            ShiftKind::Burst => bursts.entry(shift.at_ms).or_default().push(shift),
            _ => {}
        }
    }
    let rise_rows = rising.values().map(Vec::len).max().unwrap_or(0);
    let rise_top = bottom + 6.0;
    let burst_top = rise_top + rise_rows as f64 * 9.0 + if rise_rows > 0 { 3.0 } else { 0.0 };
    let burst_rows = usize::from(!bursts.is_empty());
    let labels_y = burst_top + burst_rows as f64 * 10.0 + 12.0;
    let height = labels_y + 8.0;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Theme shares over time\">",
        w = num(WIDTH, 0),
        h = num(height, 0)
    );
    // Grid and y axis.
    for step in 0..=4 {
        let share = f64::from(step) * 0.25;
        let gy = num(y(share), 1);
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{gy}\" y2=\"{gy}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>",
            num(LEFT, 1),
            num(WIDTH - RIGHT, 1),
            num(LEFT - 6.0, 1),
            num(y(share) + 3.5, 1),
            step * 25
        );
    }
    // One band per theme, the first at the bottom.
    let mut lower = vec![0.0f64; windows.len()];
    for &theme in &group.themes {
        let name = &names[theme];
        let upper: Vec<f64> = windows
            .iter()
            .zip(&lower)
            .map(|(w, low)| low + share(w, name))
            .collect();
        let mut d = String::new();
        for (i, ((left, right), up)) in steps.iter().zip(&upper).enumerate() {
            let (l, r, u) = (num(*left, 1), num(*right, 1), num(y(*up), 1));
            let _ = write!(d, "{}{l},{u}L{r},{u}", if i == 0 { "M" } else { "L" });
        }
        for ((left, right), low) in steps.iter().zip(&lower).rev() {
            let (l, r, v) = (num(*left, 1), num(*right, 1), num(y(*low), 1));
            let _ = write!(d, "L{r},{v}L{l},{v}");
        }
        d.push('Z');
        let mean = windows.iter().map(|w| share(w, name)).sum::<f64>() / windows.len() as f64;
        let _ = writeln!(
            svg,
            "<path class=\"band b-{theme}\" fill=\"{}\" d=\"{d}\"><title>{}: mean share {}</title></path>",
            colour(theme),
            escape(name),
            percent(mean)
        );
        lower = upper;
    }
    // Hover columns, one per window, with every theme's share.
    for (w, (left, right)) in windows.iter().zip(&steps) {
        let mut shares: Vec<(usize, f64)> = group
            .themes
            .iter()
            .map(|&t| (t, share(w, &names[t])))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut tip = format!("{} · {} tokens", w.label, w.tokens);
        if w.partial {
            tip.push_str(" (partial window)");
        }
        if shares.is_empty() {
            tip.push_str("\nno theme terms");
        }
        for (t, s) in shares {
            let _ = write!(tip, "\n{} {}", names[t], percent(s));
        }
        let _ = writeln!(
            svg,
            "<rect class=\"col\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            num(*left, 1),
            num(top, 1),
            num(right - left, 1),
            num(PLOT_HEIGHT, 1),
            escape(&tip)
        );
    }
    // X axis: a tick per window start (and at the end), labels as many as fit.
    let _ = writeln!(
        svg,
        "<line class=\"tick\" x1=\"{}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\"/>",
        num(LEFT, 1),
        num(WIDTH - RIGHT, 1),
        b = num(bottom, 1)
    );
    let widest = windows
        .iter()
        .map(|w| w.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * CHAR_WIDTH
        + 14.0;
    let narrowest = steps
        .iter()
        .map(|(l, r)| r - l)
        .fold(plot_width, f64::min)
        .max(0.5);
    let every = (widest / narrowest).ceil().max(1.0) as usize;
    let ticks = windows.iter().map(|w| x(w.start_ms)).chain([x(d1)]);
    for (i, tick) in ticks.enumerate() {
        let tx = num(tick, 1);
        let _ = write!(
            svg,
            "<line class=\"tick\" x1=\"{tx}\" x2=\"{tx}\" y1=\"{}\" y2=\"{}\"/>",
            num(bottom, 1),
            num(bottom + 4.0, 1)
        );
        if let Some(w) = windows.get(i)
            && i % every == 0
        {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{tx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(labels_y, 1),
                escape(&w.label)
            );
        }
        svg.push('\n');
    }
    // Rising themes.
    if !rising.is_empty() {
        let _ = writeln!(
            svg,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">rising</text>",
            num(LEFT - 6.0, 1),
            num(rise_top + 7.0, 1)
        );
    }
    for events in rising.values() {
        for (row, shift) in events.iter().enumerate() {
            let cx = centre(shift);
            let ty = rise_top + row as f64 * 9.0;
            let fill = names
                .iter()
                .position(|n| *n == shift.subject)
                .map_or_else(|| "#8c959f".to_string(), colour);
            let _ = writeln!(
                svg,
                "<path class=\"rise\" fill=\"{fill}\" d=\"M{},{}L{},{}L{},{}Z\"><title>{} · {} rising: share {} → {} (G² {}){}</title></path>",
                num(cx - 4.5, 1),
                num(ty + 8.0, 1),
                num(cx + 4.5, 1),
                num(ty + 8.0, 1),
                num(cx, 1),
                num(ty, 1),
                escape(&shift.label),
                escape(&shift.subject),
                escape(&shift.from),
                escape(&shift.to),
                num(shift.strength, 1),
                evidence_tip(shift)
            );
        }
    }
    // Bursts.
    if !bursts.is_empty() {
        let _ = writeln!(
            svg,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">bursts</text>",
            num(LEFT - 6.0, 1),
            num(burst_top + 8.0, 1)
        );
    }
    for events in bursts.values() {
        let bx = num(centre(events[0]), 1);
        let terms: Vec<String> = events
            .iter()
            .map(|s| format!("{} (until {})", s.subject, s.to))
            .collect();
        let _ = writeln!(
            svg,
            "<line class=\"burst\" x1=\"{bx}\" x2=\"{bx}\" y1=\"{}\" y2=\"{}\"><title>{} · bursts: {}</title></line>",
            num(burst_top, 1),
            num(burst_top + 9.0, 1),
            escape(&events[0].label),
            escape(&terms.join(", "))
        );
    }
    // New dominant themes: a dashed line from the label's row to the axis.
    for marker in &markers {
        let mx = num(marker.x, 1);
        let label_y = 10.0 + marker.row as f64 * LABEL_ROW + 10.0;
        let (tx, anchor) = if marker.anchor_end {
            (marker.x - 3.0, "end")
        } else {
            (marker.x + 3.0, "start")
        };
        let s = marker.shift;
        let _ = writeln!(
            svg,
            "<g class=\"shift\"><title>{} · {} → {} (share margin {}){}</title>\
             <line x1=\"{mx}\" x2=\"{mx}\" y1=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            escape(&s.label),
            escape(&s.from),
            escape(&s.to),
            num(s.strength, 3),
            evidence_tip(s),
            num(label_y - 9.0, 1),
            num(bottom, 1),
            num(tx, 1),
            num(label_y, 1),
            escape(&marker.label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `; driven by a, b, c` for a tooltip, escaped.
fn evidence_tip(shift: &ShiftReport) -> String {
    if shift.evidence.is_empty() {
        String::new()
    } else {
        escape(&format!("\ndriven by {}", shift.evidence.join(", ")))
    }
}

/// The legend of one chart: swatch, name, mean share; the title gives the
/// description and top terms.
fn legend(group: &Group<'_>, names: &[String]) -> String {
    let mut out = String::from("<ul class=\"legend\">\n");
    for &theme in &group.themes {
        let name = &names[theme];
        let mean = group.windows.iter().map(|w| share(w, name)).sum::<f64>()
            / group.windows.len().max(1) as f64;
        let report = group.themes_reports.iter().find(|t| t.name == *name);
        let mut tip = String::new();
        if let Some(report) = report {
            if let Some(description) = &report.description {
                tip.push_str(description);
            }
            if !report.top_terms.is_empty() {
                if !tip.is_empty() {
                    tip.push('\n');
                }
                let _ = write!(tip, "top terms: {}", report.top_terms.join(", "));
            }
        }
        let _ = writeln!(
            out,
            "<li class=\"lg-{theme}\" title=\"{}\"><span class=\"sw\" style=\"background:{}\"></span>{} <span class=\"mean\">{}</span></li>",
            escape(&tip),
            colour(theme),
            escape(name),
            percent(mean)
        );
    }
    out.push_str("</ul>\n<p class=\"note\">Mean share over the windows beside each theme; hover a theme for its top terms.</p>\n");
    out
}

/// Stops of the heat scale (ColorBrewer's Blues), evenly spaced from 0 to 1.
const HEAT: [(f64, f64, f64); 5] = [
    (247.0, 251.0, 255.0),
    (198.0, 219.0, 239.0),
    (107.0, 174.0, 214.0),
    (33.0, 113.0, 181.0),
    (8.0, 48.0, 107.0),
];

/// A cell colour for `t` in 0..=1, and the text colour that reads on it.
fn heat(t: f64) -> (String, &'static str) {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (HEAT.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(HEAT.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (HEAT[i], HEAT[i + 1]);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let background = format!("rgb({},{},{})", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    (background, if t > 0.5 { "#fff" } else { "#1f2328" })
}

fn status_name(status: TermStatus) -> &'static str {
    match status {
        TermStatus::New => "new",
        TermStatus::Emerging => "emerging",
        TermStatus::Stable => "stable",
        TermStatus::Fading => "fading",
        TermStatus::Gone => "gone",
        TermStatus::Burst => "burst",
    }
}

/// Rows: windows; cells: their top terms, coloured by score relative to the
/// timeline's best score.
fn heat_table(group: &Group<'_>, names: &[String]) -> String {
    let mut out = String::from("<h3>Top terms per window</h3>\n");
    let columns = group
        .windows
        .iter()
        .map(|w| w.terms.len())
        .max()
        .unwrap_or(0)
        .min(TABLE_TERMS);
    if columns == 0 {
        out.push_str("<p>No window has a ranked term.</p>\n");
        return out;
    }
    let best = group
        .windows
        .iter()
        .flat_map(|w| &w.terms)
        .map(|t| t.score)
        .filter(|s| s.is_finite())
        .fold(0.0f64, f64::max);
    out.push_str(
        "<p class=\"note\">Cell colour: score relative to the best score of this timeline. \
         Corner: the term's status in the window:",
    );
    for (status, name) in [
        ("new", "new"),
        ("emerging", "emerging"),
        ("burst", "burst"),
        ("fading", "fading"),
        ("gone", "gone"),
    ] {
        let _ = write!(out, "<span class=\"key st-{status}\"></span>{name}");
    }
    out.push_str(" (stable: none). Hover a term for its score, count and status.</p>\n");
    let dominant_column = !group.themes.is_empty();
    out.push_str("<table class=\"heat\">\n<thead><tr><th>window</th><th class=\"num\">tokens</th>");
    if dominant_column {
        out.push_str("<th>dominant</th>");
    }
    for rank in 1..=columns {
        let _ = write!(out, "<th>{rank}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for w in group.windows {
        let _ = write!(
            out,
            "<tr><th class=\"win\">{}</th><td class=\"num\">{}</td>",
            escape(&w.label),
            w.tokens
        );
        match w.dominant.as_deref().filter(|_| dominant_column) {
            Some(dominant) => {
                let swatch = names
                    .iter()
                    .position(|n| n == dominant)
                    .map(|i| {
                        format!(
                            "<span class=\"sw\" style=\"background:{}\"></span>",
                            colour(i)
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(out, "<td class=\"dom\">{swatch}{}</td>", escape(dominant));
            }
            None if dominant_column => out.push_str("<td class=\"muted\">—</td>"),
            None => {}
        }
        if w.terms.is_empty() {
            let _ = write!(
                out,
                "<td class=\"muted\" colspan=\"{columns}\">no ranked terms</td>"
            );
        }
        for term in w.terms.iter().take(columns) {
            let t = if best > 0.0 { term.score / best } else { 0.0 };
            let (background, ink) = heat(t);
            let status = status_name(term.status);
            let _ = write!(
                out,
                "<td class=\"term st-{status}\" style=\"background-color:{background};color:{ink}\" \
                 title=\"{} ({})&#10;score {} · count {} · {status}\">{}</td>",
                escape(&term.label),
                escape(&term.term),
                num(term.score, 4),
                term.count,
                escape(&term.label)
            );
        }
        if !w.terms.is_empty() {
            for _ in w.terms.len().min(columns)..columns {
                out.push_str("<td></td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Every shift event of one timeline, in time order.
fn shift_table(group: &Group<'_>) -> String {
    let mut out = String::from("<h3>Shift events</h3>\n");
    if group.shifts.is_empty() {
        out.push_str("<p>No shift events.</p>\n");
        return out;
    }
    let (bursts, themes): (Vec<&ShiftReport>, Vec<&ShiftReport>) = group
        .shifts
        .iter()
        .partition(|s| s.kind == ShiftKind::Burst);
    out.push_str(
        "<p class=\"note\"><b>dominant</b>: another theme takes the largest share (strength: \
         the share margin); <b>rising</b>/<b>fading</b>: a theme's share changes significantly \
         (shares before → after; strength: signed G²); <b>burst</b>: a term bursts (first → \
         last window; strength: burst weight).</p>\n",
    );
    if themes.is_empty() {
        out.push_str("<p>No theme shifts.</p>\n");
    } else {
        out.push_str(&events(&themes));
    }
    if !bursts.is_empty() {
        let _ = writeln!(
            out,
            "<details>\n<summary>{}</summary>",
            count(bursts.len(), "term burst", "term bursts")
        );
        out.push_str(&events(&bursts));
        out.push_str("</details>\n");
    }
    out
}

/// A table of shift events.
fn events(shifts: &[&ShiftReport]) -> String {
    let mut out = String::from(
        "<table class=\"shifts\">\n<thead><tr><th>at</th><th>kind</th><th>subject</th>\
         <th>change</th><th class=\"num\">strength</th><th>evidence</th></tr></thead>\n<tbody>\n",
    );
    for s in shifts {
        let kind = s.kind.name();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><span class=\"kind kind-{kind}\">{kind}</span></td><td>{}</td><td>{} → {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&s.label),
            escape(&s.subject),
            escape(&s.from),
            escape(&s.to),
            num(s.strength, 3),
            escape(&s.evidence.join(", "))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// An option's value as text: strings bare, lists joined, none as a dash.
fn option_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.is_empty() => "—".to_string(),
        serde_json::Value::Array(items) => {
            items.iter().map(option_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// Inputs, statistics, diagnostics and options.
fn run_details(meta: &Meta) -> String {
    let mut out = String::from("<h2>The run</h2>\n<h3>Inputs</h3>\n");
    out.push_str("<table class=\"kv\">\n<thead><tr><th>path</th><th>format</th><th>title</th><th>language</th><th class=\"num\">documents</th><th class=\"num\">segments</th><th class=\"num\">bytes</th></tr></thead>\n<tbody>\n");
    for source in &meta.inputs {
        let format = serde_json::to_value(source.format).unwrap_or_default();
        let language = serde_json::to_value(source.language).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&source.path),
            escape(&option_text(&format)),
            escape(source.title.as_deref().unwrap_or("—")),
            escape(&option_text(&language)),
            source.documents,
            source.segments,
            source.bytes
        );
    }
    out.push_str("</tbody>\n</table>\n");

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
    out.push_str(
        "<div class=\"cols\">\n<div>\n<h3>Statistics</h3>\n<table class=\"kv\">\n<tbody>\n",
    );
    for (name, value) in &rows {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td></tr>",
            escape(name),
            escape(value)
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");

    out.push_str("<div class=\"grow\">\n<h3>Options</h3>\n<ul class=\"opts\">\n");
    if let serde_json::Value::Object(options) =
        serde_json::to_value(&meta.options).unwrap_or_default()
    {
        // Sorted by name, whatever order the map keeps.
        let sorted: BTreeMap<&String, &serde_json::Value> = options.iter().collect();
        for (name, value) in sorted {
            let _ = writeln!(
                out,
                "<li><span class=\"muted\">{}</span> {}</li>",
                escape(name),
                escape(&option_text(value))
            );
        }
    }
    out.push_str("</ul>\n</div>\n</div>\n");

    out.push_str("<h3>Diagnostics</h3>\n");
    if meta.diagnostics.is_empty() {
        out.push_str("<p>No input problems.</p>\n");
    } else {
        out.push_str("<ul class=\"diag\">\n");
        for d in meta.diagnostics.iter().take(LISTED_DIAGNOSTICS) {
            let _ = writeln!(out, "<li>{}</li>", escape(&d.to_string()));
        }
        out.push_str("</ul>\n");
        if diagnostics as usize > LISTED_DIAGNOSTICS.min(meta.diagnostics.len()) {
            let _ = writeln!(
                out,
                "<p class=\"note\">{} of {} listed; all are in <code>timeline.json</code>.</p>",
                LISTED_DIAGNOSTICS.min(meta.diagnostics.len()),
                diagnostics
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::emit;
    use crate::{Pipeline, Timeline};
    use crate::{config::Config, timeline::GroupBy};

    const TALK: &str = "Platform news\n\
        0:00 Welcome! Today: AI models, AI agents and GPUs for AI and machine learning.\n\
        2:30 Then security: supply chain security, signing and vulnerability policies.\n\
        5:00 More security and policies, then AI again.\n";

    /// The test options: 150 s windows, every term, the built-in lexicon.
    fn base() -> Config {
        Config {
            window: "150s".parse().unwrap(),
            min_count: 1,
            themes: Some("cloud-native".into()),
            ..Config::default()
        }
    }

    fn timeline(config: Config) -> Timeline {
        Pipeline::new(config)
            .unwrap()
            .run_text("talk.txt", TALK)
            .unwrap()
    }

    fn html(timeline: &Timeline) -> String {
        let mut sink = HtmlReport::new(Vec::new());
        emit(timeline, &mut [&mut sink]).unwrap();
        String::from_utf8(sink.into_inner()).unwrap()
    }

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>\u{0}\tok\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\u{FFFD}\tok\n"
        );
    }

    #[test]
    fn numbers_have_fixed_decimals_and_no_negative_zero() {
        assert_eq!(num(0.1 + 0.2, 3), "0.300");
        assert_eq!(num(-0.0001, 1), "0.0");
        assert_eq!(num(-1.25, 1), "-1.2");
        assert_eq!(num(f64::NAN, 2), "0.00");
        assert_eq!(percent(0.5834), "58.3%");
    }

    #[test]
    fn input_text_is_escaped_everywhere() {
        const EVIL: &str = "<script>alert(1)</script> & \"x\"";
        let mut timeline = timeline(Config {
            phrase: vec!["supply chain".into()],
            ..base()
        });
        timeline.meta.inputs[0].title = Some(EVIL.into());
        timeline.meta.inputs[0].path = EVIL.into();
        timeline.meta.options.phrase = vec![EVIL.into()];
        let renamed = timeline.themes[0].name.clone();
        timeline.themes[0].name = EVIL.into();
        timeline.themes[0].description = Some(EVIL.into());
        timeline.themes[0].top_terms = vec![EVIL.into()];
        for window in &mut timeline.windows {
            window.label = EVIL.into();
            for term in &mut window.terms {
                term.label = EVIL.into();
                term.term = EVIL.into();
            }
            for theme in &mut window.themes {
                if theme.theme == renamed {
                    theme.theme = EVIL.into();
                }
            }
            if window.dominant.as_deref() == Some(renamed.as_str()) {
                window.dominant = Some(EVIL.into());
            }
        }
        for shift in &mut timeline.shifts {
            shift.subject = EVIL.into();
            shift.from = EVIL.into();
            shift.to = EVIL.into();
            shift.label = EVIL.into();
            shift.evidence = vec![EVIL.into()];
        }
        assert!(
            timeline
                .shifts
                .iter()
                .any(|s| s.kind == ShiftKind::Dominant)
        );
        let page = html(&timeline);
        assert!(!page.to_lowercase().contains("<script"), "unescaped script");
        assert!(!page.contains(EVIL));
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;";
        // Title, heading, path, option, terms, theme, legend, shifts, labels.
        assert!(page.matches(escaped).count() > 10, "{page}");
        assert!(page.contains(&format!("<title>{escaped} · themeline</title>")));
        assert!(page.contains(&format!("<h1>{escaped}</h1>")));
    }

    #[test]
    fn the_chart_has_a_band_per_theme_and_a_line_per_dominant_shift() {
        let timeline = timeline(base());
        let page = html(&timeline);
        assert_eq!(page.matches("<svg class=\"chart\"").count(), 1);
        assert_eq!(
            page.matches("<path class=\"band ").count(),
            timeline.themes.len()
        );
        let dominant: Vec<_> = timeline
            .shifts
            .iter()
            .filter(|s| s.kind == ShiftKind::Dominant)
            .collect();
        assert!(!dominant.is_empty());
        assert_eq!(page.matches("<g class=\"shift\">").count(), dominant.len());
        for shift in dominant {
            let label = format!("{} → {}", shift.from, shift.to);
            assert!(
                page.contains(&format!(">{}</text></g>", escape(&label))),
                "{label}"
            );
        }
        // Bands in Timeline::themes order, each with its palette colour.
        for (i, theme) in timeline.themes.iter().enumerate() {
            assert!(page.contains(&format!(
                "<path class=\"band b-{i}\" fill=\"{}\"",
                colour(i)
            )));
            assert!(page.contains(&format!("<title>{}: mean share", escape(&theme.name))));
        }
        // A hover column per window, a heat-table row per window.
        assert_eq!(
            page.matches("<rect class=\"col\"").count(),
            timeline.windows.len()
        );
        assert_eq!(
            page.matches("<th class=\"win\">").count(),
            timeline.windows.len()
        );
        let first = &timeline.windows[0].terms[0];
        assert!(page.contains(&format!(
            "title=\"{} ({})&#10;score {} · count {} · ",
            escape(&first.label),
            escape(&first.term),
            num(first.score, 4),
            first.count
        )));
        assert!(!page.contains("<script") && !page.contains("http-equiv"));
    }

    #[test]
    fn the_same_timeline_gives_the_same_bytes() {
        let timeline = timeline(base());
        assert_eq!(html(&timeline), html(&timeline));
        assert_eq!(html(&timeline), html(&timeline.clone()));
    }

    #[test]
    fn one_window_spans_the_whole_plot() {
        let timeline = timeline(Config {
            window: "1h".parse().unwrap(),
            ..base()
        });
        assert_eq!(timeline.windows.len(), 1);
        let page = html(&timeline);
        let right = num(WIDTH - RIGHT, 1);
        assert!(page.contains(&format!("<rect class=\"col\" x=\"{}\" y=", num(LEFT, 1))));
        assert!(
            page.contains(&format!("L{right},")),
            "the band reaches the right edge"
        );
        assert_eq!(page.matches("<g class=\"shift\">").count(), 0);
    }

    #[test]
    fn without_themes_a_sentence_replaces_the_chart() {
        let timeline = timeline(Config {
            discover: Some(0),
            themes: None,
            ..base()
        });
        assert!(timeline.themes.is_empty());
        let page = html(&timeline);
        assert!(!page.contains("<svg"));
        assert!(page.contains("This timeline has no themes"));
        assert!(page.contains("<table class=\"heat\">"));
        assert!(!page.contains("<th>dominant</th>"));
    }

    #[test]
    fn per_source_timelines_get_a_chart_each() {
        let config = Config {
            group_by: GroupBy::Source,
            ..base()
        };
        let mut ingested = crate::ingest::Ingested::default();
        for (name, text) in [
            ("a.txt", TALK),
            ("b.txt", "0:00 security policies\n3:00 AI models and GPUs\n"),
        ] {
            crate::ingest::read_bytes(
                name,
                text.as_bytes(),
                &mut ingested,
                &config.ingest_options(),
            )
            .unwrap();
        }
        let pipeline = Pipeline::new(config).unwrap();
        let timeline = pipeline.run_corpus(ingested.into()).unwrap();
        let page = html(&timeline);
        assert_eq!(page.matches("<svg class=\"chart\"").count(), 2);
        assert!(page.contains("<h2>a.txt <span class=\"muted\">· Platform news</span></h2>"));
        assert!(page.contains("<h2>b.txt</h2>"));
        // The same theme has the same colour in both charts.
        assert_eq!(
            page.matches("<path class=\"band b-0\" fill=\"#4e79a7\"")
                .count(),
            2
        );
    }

    #[test]
    fn dominant_labels_never_overlap() {
        let timeline = timeline(base());
        let shift = &timeline.shifts[0];
        let placed = place_labels(&[
            (100.0, "a long label here".into(), shift),
            (110.0, "another long label".into(), shift),
            (400.0, "far away".into(), shift),
            (WIDTH - 10.0, "at the right edge".into(), shift),
        ]);
        let rows: Vec<usize> = placed.iter().map(|m| m.row).collect();
        assert_eq!(rows, [0, 1, 0, 0]);
        assert!(placed[3].anchor_end && !placed[0].anchor_end);
    }

    #[test]
    fn long_theme_names_are_cut_at_a_boundary() {
        assert_eq!(short("security", 22), "security");
        assert_eq!(
            short("Government / States / United States", 22),
            "Government / States…"
        );
        assert_eq!(short("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij…");
    }

    #[test]
    fn the_title_names_the_inputs() {
        let mut timeline = timeline(base());
        assert_eq!(title(&timeline.meta), "Platform news");
        let mut other = timeline.meta.inputs[0].clone();
        for path in ["b.txt", "c.txt", "d.txt"] {
            other.path = path.into();
            other.title = None;
            timeline.meta.inputs.push(other.clone());
        }
        assert_eq!(title(&timeline.meta), "Platform news, b.txt and 2 more");
        timeline.meta.inputs.clear();
        assert_eq!(title(&timeline.meta), "themeline report");
    }
}
