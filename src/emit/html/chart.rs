//! The stacked-area SVG chart of one timeline and its legend.
//!
//! Each window is a step, from its start to the next window's start (the last to
//! its end): a window's shares are one value for all of it, and a window without
//! theme terms is a gap rather than a dip drawn between its neighbours. Above the
//! plot, a dashed line with a label marks each new dominant theme; the labels are
//! laid out in rows so that none overlaps another ([`place_labels`]). Under the
//! axis, triangles mark rising themes and ticks the windows where terms burst.
//! Every mark carries an SVG `<title>`, which is the page's only tooltip
//! mechanism: the report has no script. When a column is a run of windows, the
//! marks of its events are bounded too (the strongest new dominant themes, a few
//! rising themes per column), and a note under the chart says what was left out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::Group;
use super::aggregate::{Column, Series};
use super::markup::{colour, count, escape, evidence_tip, num, percent, short};
use crate::timeline::{ShiftKind, ShiftReport};

/// Chart geometry, in SVG user units.
pub(super) const WIDTH: f64 = 1200.0;
pub(super) const LEFT: f64 = 52.0;
pub(super) const RIGHT: f64 = 44.0;
const PLOT_HEIGHT: f64 = 300.0;
/// Height of one row of shift labels above the plot.
const LABEL_ROW: f64 = 16.0;
/// Rough width of one character of 11px sans-serif text, for laying out labels.
const CHAR_WIDTH: f64 = 6.4;
/// When columns are runs of windows: most new dominant themes marked (the
/// strongest), rising themes stacked under one column (the strongest) and burst
/// terms named in one column's tooltip. A window rarely has more; a run of a
/// thousand windows may have hundreds.
const MARKED_DOMINANT: usize = 20;
const STACKED_RISING: usize = 3;
const NAMED_BURSTS: usize = 12;

/// A vertical marker over the chart and its label's row.
pub(super) struct Marker<'a> {
    x: f64,
    pub(super) row: usize,
    pub(super) anchor_end: bool,
    label: String,
    shift: &'a ShiftReport,
}

/// Puts each label in the first row where it overlaps no label placed before it.
pub(super) fn place_labels<'a>(shifts: &[(f64, String, &'a ShiftReport)]) -> Vec<Marker<'a>> {
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

/// Where things go: the time scale, each column's step and the plot's rows.
struct Frame<'a> {
    series: &'a Series,
    columns: &'a [Column],
    /// The first window's start and the last one's end, in milliseconds.
    d0: i64,
    d1: i64,
    /// Each column's step, in user units.
    steps: Vec<(f64, f64)>,
    /// The plot's top and bottom edges.
    top: f64,
    bottom: f64,
}

impl<'a> Frame<'a> {
    /// The time scale of the series; the plot's rows are placed by [`Frame::rows`].
    fn new(series: &'a Series) -> Self {
        let columns = series.columns.as_slice();
        let last = &columns[columns.len() - 1];
        let mut frame = Frame {
            series,
            columns,
            d0: columns[0].start_ms,
            d1: last.end_ms.max(last.last_start_ms + 1),
            steps: Vec::new(),
            top: 0.0,
            bottom: 0.0,
        };
        frame.steps = columns
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let right = columns.get(i + 1).map_or(frame.d1, |next| next.start_ms);
                (frame.x(w.start_ms), frame.x(right))
            })
            .collect();
        frame
    }

    /// Makes room for `label_rows` rows of labels above the plot.
    fn rows(&mut self, label_rows: usize) {
        self.top = 10.0 + label_rows as f64 * LABEL_ROW;
        self.bottom = self.top + PLOT_HEIGHT;
    }

    fn plot_width() -> f64 {
        WIDTH - LEFT - RIGHT
    }

    fn x(&self, ms: i64) -> f64 {
        let span = (self.d1 - self.d0).max(1) as f64;
        LEFT + (ms.clamp(self.d0, self.d1) - self.d0) as f64 / span * Self::plot_width()
    }

    fn y(&self, share: f64) -> f64 {
        self.top + PLOT_HEIGHT * (1.0 - share.clamp(0.0, 1.0))
    }

    /// The middle of the shift's column, or its time when no column matches.
    fn centre(&self, shift: &ShiftReport) -> f64 {
        self.series.column_of(shift).map_or_else(
            || self.x(shift.at_ms),
            |i| (self.steps[i].0 + self.steps[i].1) / 2.0,
        )
    }
}

/// The marks under the axis: rising themes (stacked where several rise at once)
/// and bursts (one tick per column, listing its terms), by column start.
struct Ticks<'a> {
    rising: BTreeMap<i64, Vec<&'a ShiftReport>>,
    bursts: BTreeMap<i64, Vec<&'a ShiftReport>>,
    rise_top: f64,
    burst_top: f64,
    labels_y: f64,
}

impl<'a> Ticks<'a> {
    fn new(shifts: &[&'a ShiftReport], series: &Series, bottom: f64) -> Self {
        let mut rising: BTreeMap<i64, Vec<&ShiftReport>> = BTreeMap::new();
        let mut bursts: BTreeMap<i64, Vec<&ShiftReport>> = BTreeMap::new();
        for shift in shifts {
            // A column is one window (whose start is the shift's time) or a run of
            // them: either way, marks of one column share a place.
            let at = series
                .column_of(shift)
                .map_or(shift.at_ms, |i| series.columns[i].start_ms);
            match shift.kind {
                ShiftKind::Rising => rising.entry(at).or_default().push(shift),
                ShiftKind::Burst => bursts.entry(at).or_default().push(shift),
                _ => {}
            }
        }
        if series.is_aggregated() {
            for events in rising.values_mut() {
                strongest(events, STACKED_RISING);
            }
        }
        let rise_rows = rising.values().map(Vec::len).max().unwrap_or(0);
        let rise_top = bottom + 6.0;
        let burst_top = rise_top + rise_rows as f64 * 9.0 + if rise_rows > 0 { 3.0 } else { 0.0 };
        let burst_rows = usize::from(!bursts.is_empty());
        Ticks {
            rising,
            bursts,
            rise_top,
            burst_top,
            labels_y: burst_top + burst_rows as f64 * 10.0 + 12.0,
        }
    }
}

/// The stacked-area SVG chart of one timeline.
pub(super) fn chart(out: &mut dyn Write, group: &Group<'_>, names: &[String]) -> io::Result<()> {
    let series = group.series;
    let mut frame = Frame::new(series);
    let mut dominant_shifts: Vec<&ShiftReport> = group
        .shifts
        .iter()
        .copied()
        .filter(|s| s.kind == ShiftKind::Dominant)
        .collect();
    let all_dominant = dominant_shifts.len();
    if series.is_aggregated() {
        strongest(&mut dominant_shifts, MARKED_DOMINANT);
    }
    let markers = place_labels(
        &dominant_shifts
            .iter()
            .map(|s| {
                let label = format!("{} → {}", short(&s.from, 22), short(&s.to, 22));
                (frame.x(s.at_ms), label, *s)
            })
            .collect::<Vec<_>>(),
    );
    frame.rows(markers.iter().map(|m| m.row + 1).max().unwrap_or(0));
    let ticks = Ticks::new(&group.shifts, series, frame.bottom);
    let height = ticks.labels_y + 8.0;
    writeln!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Theme shares over time\">",
        w = num(WIDTH, 0),
        h = num(height, 0)
    )?;
    grid(out, &frame)?;
    bands(out, &frame, group, names)?;
    columns(out, &frame, group, names)?;
    x_axis(out, &frame, ticks.labels_y)?;
    rising(out, &frame, &ticks, names)?;
    bursts(out, &frame, &ticks)?;
    dominant(out, &frame, &markers)?;
    out.write_all(b"</svg>\n")?;
    if series.is_aggregated() {
        writeln!(
            out,
            "<p class=\"note\">The dashed lines mark the {} strongest of {}; under a \
             column, at most {STACKED_RISING} rising themes (the strongest) are drawn and a \
             tick's tooltip names at most {NAMED_BURSTS} bursts. The shift events below and \
             <code>shifts.csv</code> have them all.</p>",
            markers.len(),
            count(all_dominant, "new dominant theme", "new dominant themes"),
        )?;
    }
    Ok(())
}

/// Keeps the `n` strongest of `events` (by the size of their strength, the
/// earlier of equals), in their order.
pub(super) fn strongest(events: &mut Vec<&ShiftReport>, n: usize) {
    if events.len() <= n {
        return;
    }
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        let (a_strength, b_strength) = (events[a].strength.abs(), events[b].strength.abs());
        b_strength.total_cmp(&a_strength).then(a.cmp(&b))
    });
    order.truncate(n);
    order.sort_unstable();
    *events = order.into_iter().map(|i| events[i]).collect();
}

/// Grid lines and the y axis, every 25%.
fn grid(out: &mut dyn Write, frame: &Frame<'_>) -> io::Result<()> {
    for step in 0..=4 {
        let share = f64::from(step) * 0.25;
        let gy = num(frame.y(share), 1);
        writeln!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{gy}\" y2=\"{gy}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>",
            num(LEFT, 1),
            num(WIDTH - RIGHT, 1),
            num(LEFT - 6.0, 1),
            num(frame.y(share) + 3.5, 1),
            step * 25
        )?;
    }
    Ok(())
}

/// One band per theme, the first at the bottom.
fn bands(
    out: &mut dyn Write,
    frame: &Frame<'_>,
    group: &Group<'_>,
    names: &[String],
) -> io::Result<()> {
    let columns = frame.columns;
    let mut lower = vec![0.0f64; columns.len()];
    for (k, &theme) in group.themes.iter().enumerate() {
        let upper: Vec<f64> = columns
            .iter()
            .zip(&lower)
            .map(|(c, low)| low + group.share(c, k))
            .collect();
        let mut d = String::new();
        for (i, ((left, right), up)) in frame.steps.iter().zip(&upper).enumerate() {
            let (l, r, u) = (num(*left, 1), num(*right, 1), num(frame.y(*up), 1));
            let _ = write!(d, "{}{l},{u}L{r},{u}", if i == 0 { "M" } else { "L" });
        }
        for ((left, right), low) in frame.steps.iter().zip(&lower).rev() {
            let (l, r, v) = (num(*left, 1), num(*right, 1), num(frame.y(*low), 1));
            let _ = write!(d, "L{r},{v}L{l},{v}");
        }
        d.push('Z');
        writeln!(
            out,
            "<path class=\"band b-{theme}\" fill=\"{}\" d=\"{d}\"><title>{}: mean share {}</title></path>",
            colour(theme),
            escape(&names[theme]),
            percent(group.mean(k))
        )?;
        lower = upper;
    }
    Ok(())
}

/// Hover columns, one per column of windows, with every theme's share.
fn columns(
    out: &mut dyn Write,
    frame: &Frame<'_>,
    group: &Group<'_>,
    names: &[String],
) -> io::Result<()> {
    for (column, (left, right)) in frame.columns.iter().zip(&frame.steps) {
        let mut shares: Vec<(usize, f64)> = group
            .themes
            .iter()
            .enumerate()
            .map(|(k, &t)| (t, group.share(column, k)))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut tip = if column.windows == 1 {
            format!("{} · {} tokens", column.label, column.tokens)
        } else {
            format!(
                "{} · {} windows · {} tokens",
                column.range(),
                column.windows,
                column.tokens
            )
        };
        if column.partial {
            tip.push_str(if column.windows == 1 {
                " (partial window)"
            } else {
                " (with a partial window)"
            });
        }
        if shares.is_empty() {
            tip.push_str("\nno theme terms");
        }
        for (t, s) in shares {
            let _ = write!(tip, "\n{} {}", names[t], percent(s));
        }
        writeln!(
            out,
            "<rect class=\"col\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            num(*left, 1),
            num(frame.top, 1),
            num(right - left, 1),
            num(PLOT_HEIGHT, 1),
            escape(&tip)
        )?;
    }
    Ok(())
}

/// The x axis: a tick per column start (and at the end), labels as many as fit.
fn x_axis(out: &mut dyn Write, frame: &Frame<'_>, labels_y: f64) -> io::Result<()> {
    let columns = frame.columns;
    let bottom = frame.bottom;
    writeln!(
        out,
        "<line class=\"tick\" x1=\"{}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\"/>",
        num(LEFT, 1),
        num(WIDTH - RIGHT, 1),
        b = num(bottom, 1)
    )?;
    let widest = columns
        .iter()
        .map(|w| w.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * CHAR_WIDTH
        + 14.0;
    let narrowest = frame
        .steps
        .iter()
        .map(|(l, r)| r - l)
        .fold(Frame::plot_width(), f64::min)
        .max(0.5);
    let every = (widest / narrowest).ceil().max(1.0) as usize;
    let ticks = columns
        .iter()
        .map(|w| frame.x(w.start_ms))
        .chain([frame.x(frame.d1)]);
    for (i, tick) in ticks.enumerate() {
        let tx = num(tick, 1);
        write!(
            out,
            "<line class=\"tick\" x1=\"{tx}\" x2=\"{tx}\" y1=\"{}\" y2=\"{}\"/>",
            num(bottom, 1),
            num(bottom + 4.0, 1)
        )?;
        if let Some(w) = columns.get(i)
            && i % every == 0
        {
            write!(
                out,
                "<text class=\"axis\" x=\"{tx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(labels_y, 1),
                escape(&w.label)
            )?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A triangle under the axis per rising theme, stacked within a column.
fn rising(
    out: &mut dyn Write,
    frame: &Frame<'_>,
    ticks: &Ticks<'_>,
    names: &[String],
) -> io::Result<()> {
    if !ticks.rising.is_empty() {
        writeln!(
            out,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">rising</text>",
            num(LEFT - 6.0, 1),
            num(ticks.rise_top + 7.0, 1)
        )?;
    }
    for events in ticks.rising.values() {
        for (row, shift) in events.iter().enumerate() {
            let cx = frame.centre(shift);
            let ty = ticks.rise_top + row as f64 * 9.0;
            let fill = names
                .iter()
                .position(|n| *n == shift.subject)
                .map_or_else(|| "#8c959f".to_string(), colour);
            writeln!(
                out,
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
            )?;
        }
    }
    Ok(())
}

/// A tick under the rising themes per column where terms burst.
fn bursts(out: &mut dyn Write, frame: &Frame<'_>, ticks: &Ticks<'_>) -> io::Result<()> {
    if !ticks.bursts.is_empty() {
        writeln!(
            out,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">bursts</text>",
            num(LEFT - 6.0, 1),
            num(ticks.burst_top + 8.0, 1)
        )?;
    }
    for events in ticks.bursts.values() {
        let bx = num(frame.centre(events[0]), 1);
        let named = if frame.series.is_aggregated() {
            NAMED_BURSTS
        } else {
            events.len()
        };
        let mut terms: Vec<String> = events
            .iter()
            .take(named)
            .map(|s| format!("{} (until {})", s.subject, s.to))
            .collect();
        if events.len() > named {
            terms.push(format!("and {} more", events.len() - named));
        }
        writeln!(
            out,
            "<line class=\"burst\" x1=\"{bx}\" x2=\"{bx}\" y1=\"{}\" y2=\"{}\"><title>{} · bursts: {}</title></line>",
            num(ticks.burst_top, 1),
            num(ticks.burst_top + 9.0, 1),
            escape(&events[0].label),
            escape(&terms.join(", "))
        )?;
    }
    Ok(())
}

/// New dominant themes: a dashed line from the label's row to the axis.
fn dominant(out: &mut dyn Write, frame: &Frame<'_>, markers: &[Marker<'_>]) -> io::Result<()> {
    for marker in markers {
        let mx = num(marker.x, 1);
        let label_y = 10.0 + marker.row as f64 * LABEL_ROW + 10.0;
        let (tx, anchor) = if marker.anchor_end {
            (marker.x - 3.0, "end")
        } else {
            (marker.x + 3.0, "start")
        };
        let s = marker.shift;
        writeln!(
            out,
            "<g class=\"shift\"><title>{} · {} → {} (share margin {}){}</title>\
             <line x1=\"{mx}\" x2=\"{mx}\" y1=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            escape(&s.label),
            escape(&s.from),
            escape(&s.to),
            num(s.strength, 3),
            evidence_tip(s),
            num(label_y - 9.0, 1),
            num(frame.bottom, 1),
            num(tx, 1),
            num(label_y, 1),
            escape(&marker.label)
        )?;
    }
    Ok(())
}

/// The legend of one chart: swatch, name, mean share; the title gives the
/// description and top terms.
pub(super) fn legend(out: &mut dyn Write, group: &Group<'_>, names: &[String]) -> io::Result<()> {
    out.write_all(b"<ul class=\"legend\">\n")?;
    for (k, &theme) in group.themes.iter().enumerate() {
        let name = &names[theme];
        let mean = group.mean(k);
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
        writeln!(
            out,
            "<li class=\"lg-{theme}\" title=\"{}\"><span class=\"sw\" style=\"background:{}\"></span>{} <span class=\"mean\">{}</span></li>",
            escape(&tip),
            colour(theme),
            escape(name),
            percent(mean)
        )?;
    }
    out.write_all(
        "</ul>\n<p class=\"note\">Mean share over the windows beside each theme; hover a theme for its top terms.</p>\n"
            .as_bytes(),
    )
}
