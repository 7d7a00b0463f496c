//! The stacked-area SVG chart of one timeline and its legend.
//!
//! Each window is a step, from its start to the next window's start (the last to
//! its end): a window's shares are one value for all of it, and a window without
//! theme terms is a gap rather than a dip drawn between its neighbours. Above the
//! plot, a dashed line with a label marks a new dominant theme, the strongest
//! first, in at most three rows where no label overlaps another or a line
//! ([`place_labels`]); the rest are in the shift tables. Under the
//! axis, the chapters' bands with their titles, triangles mark
//! rising themes and ticks the windows where terms burst; thin columns (little
//! text) are veiled ([`thin`]).
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
use crate::timeline::{ChapterReport, ShiftKind, ShiftReport};

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

/// Most rows of shift labels above the plot: more rows push the chart down and
/// read as a stack rather than as marks on a time axis.
pub(super) const LABEL_ROWS: usize = 3;

/// A vertical marker over the chart and its label's row.
pub(super) struct Marker<'a> {
    pub(super) x: f64,
    pub(super) row: usize,
    pub(super) anchor_end: bool,
    /// The label's box, left and right edges in user units.
    pub(super) left: f64,
    pub(super) right: f64,
    label: String,
    shift: &'a ShiftReport,
}

/// Places the labels of new dominant themes, the strongest first, each in the
/// first of [`LABEL_ROWS`] rows where its box overlaps no placed box and no
/// placed marker's line (a line runs from its label down through the rows
/// under it), and where its own line crosses no box placed below it. A label
/// that fits nowhere is left out (with its line): the shift tables list it.
/// The markers come back in the order given.
pub(super) fn place_labels<'a>(shifts: &[(f64, String, &'a ShiftReport)]) -> Vec<Marker<'a>> {
    const GAP: f64 = 4.0;
    let mut order: Vec<usize> = (0..shifts.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (shifts[a].2.strength.abs(), shifts[b].2.strength.abs());
        sb.total_cmp(&sa).then(a.cmp(&b))
    });
    let mut placed: Vec<(usize, Marker<'a>)> = Vec::new();
    for i in order {
        let (x, label, shift) = &shifts[i];
        let width = label.chars().count() as f64 * CHAR_WIDTH + 6.0;
        let anchor_end = x + 3.0 + width > WIDTH - 2.0;
        let (left, right) = if anchor_end {
            (x - 3.0 - width, *x)
        } else {
            (*x, x + 3.0 + width)
        };
        let fits = |row: usize| {
            placed.iter().all(|(_, m)| {
                let boxes_apart = m.row != row || left > m.right + GAP || right < m.left - GAP;
                // A line above this label's row would run through it.
                let line_clear = m.row >= row || m.x < left - GAP || m.x > right + GAP;
                // This label's line would run through a label under it.
                let own_clear = m.row <= row || *x < m.left - GAP || *x > m.right + GAP;
                boxes_apart && line_clear && own_clear
            })
        };
        if let Some(row) = (0..LABEL_ROWS).find(|&row| fits(row)) {
            placed.push((
                i,
                Marker {
                    x: *x,
                    row,
                    anchor_end,
                    left,
                    right,
                    label: label.clone(),
                    shift,
                },
            ));
        }
    }
    placed.sort_by_key(|(i, _)| *i);
    placed.into_iter().map(|(_, m)| m).collect()
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
        // Clear of the y axis's 0% label, whose text reaches under the axis.
        let rise_top = bottom + 10.0;
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
    let strip = if group.chapters.is_empty() {
        0.0
    } else {
        CHAPTER_STRIP
    };
    let ticks = Ticks::new(&group.shifts, series, frame.bottom + strip);
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
    let veils = thin(frame.columns);
    veil(out, &frame, &veils)?;
    columns(out, &frame, group, names)?;
    chapters(out, &frame, &group.chapters)?;
    x_axis(out, &frame, ticks.labels_y)?;
    rising(out, &frame, &ticks, names)?;
    bursts(out, &frame, &ticks)?;
    dominant(out, &frame, &markers)?;
    out.write_all(b"</svg>\n")?;
    let thin_columns = veils.iter().filter(|&&v| v > 0.0).count();
    if thin_columns > 0 {
        writeln!(
            out,
            "<p class=\"note\">Pale, hatched: {} holding under a quarter of the median \
             column's tokens per window, whose shares rest on little text.</p>",
            count(thin_columns, "column", "columns"),
        )?;
    }
    if series.is_aggregated() {
        writeln!(
            out,
            "<p class=\"note\">The dashed lines mark the {} strongest of {} (as many as \
             have room for their labels); under a column, at most {STACKED_RISING} rising \
             themes (the strongest) are drawn and a tick's tooltip names at most \
             {NAMED_BURSTS} bursts. The shift events below and <code>shifts.csv</code> have \
             them all.</p>",
            markers.len(),
            count(all_dominant, "new dominant theme", "new dominant themes"),
        )?;
    } else if markers.len() < all_dominant {
        writeln!(
            out,
            "<p class=\"note\">The dashed lines mark the {} strongest of {}, as many as \
             have room for their labels; the shift events below list them all.</p>",
            markers.len(),
            count(all_dominant, "new dominant theme", "new dominant themes"),
        )?;
    }
    Ok(())
}

/// Height of the strip of chapters under the plot: two rows of titles.
const CHAPTER_STRIP: f64 = 30.0;

/// The chapters' spine: a band per chapter under the plot, its title in one of
/// two staggered rows, so that a title may run on over the next chapter's band
/// (whose title is in the other row) up to the start of the chapter after it;
/// cut at a word to what fits there (its number alone where no word fits). The
/// whole title, span and dominant theme are in the tooltip. No two titles
/// overlap: a row's titles each end before the next one of the row begins.
fn chapters(out: &mut dyn Write, frame: &Frame<'_>, chapters: &[&ChapterReport]) -> io::Result<()> {
    let y = frame.bottom + 2.0;
    // Titles after all the bands, so that no band is painted over a title that
    // runs on over it.
    let mut titles = String::new();
    for (i, chapter) in chapters.iter().enumerate() {
        let (left, right) = (frame.x(chapter.start_ms), frame.x(chapter.end_ms));
        // A band under half a unit wide shows nothing (and a long run of
        // chapters writes at most a few thousand bands).
        if right - left < 0.5 {
            continue;
        }
        // The title's room: to the start of the next chapter in its row.
        let end = chapters
            .get(i + 2)
            .map_or(WIDTH - RIGHT, |c| frame.x(c.start_ms).max(left));
        let room = ((end - left - 8.0) / CHAPTER_CHAR).floor().max(0.0) as usize;
        let number = chapter.chapter.to_string();
        let shown = if chapter.title.is_empty() {
            String::new()
        } else {
            fit(&format!("{number}. {}", chapter.title), room)
        };
        let shown = if shown.is_empty() || !shown.contains(' ') {
            if number.chars().count() <= room {
                number
            } else {
                String::new()
            }
        } else {
            shown
        };
        let tip = format!(
            "chapter {} · {}–{}{}{}",
            chapter.chapter,
            chapter.label,
            chapter.end_label,
            if chapter.title.is_empty() {
                String::new()
            } else {
                format!("\n{}", chapter.title)
            },
            chapter
                .dominant
                .as_deref()
                .map(|d| format!("\nmostly {d}"))
                .unwrap_or_default()
        );
        write!(
            out,
            "<g class=\"chapter ch-{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            i % 2,
            escape(&tip),
            num(left, 1),
            num(y, 1),
            num(right - left, 1),
            num(CHAPTER_STRIP - 4.0, 1)
        )?;
        out.write_all(b"</g>\n")?;
        if !shown.is_empty() {
            let _ = writeln!(
                titles,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                num(left + 4.0, 1),
                num(y + 10.5 + 12.0 * (i % 2) as f64, 1),
                escape(&shown)
            );
        }
    }
    if !titles.is_empty() {
        write!(out, "<g class=\"chapter-titles\">\n{titles}</g>\n")?;
    }
    Ok(())
}

/// `text` in at most `room` characters: whole, or cut after a word with `…`
/// (nothing when not even one word fits).
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    if room < 2 {
        return String::new();
    }
    let head: String = text.chars().take(room - 1).collect();
    let next = text.chars().nth(room - 1);
    // Cut inside a word: back to the last break.
    let cut = if next.is_some_and(|c| c == ' ' || c == '/') {
        head.as_str()
    } else {
        head.rfind([' ', '/']).map_or("", |i| &head[..i])
    };
    let cut = cut.trim_end_matches([' ', '/', ',', ';', '·', '.']);
    if cut.is_empty() {
        String::new()
    } else {
        format!("{cut}…")
    }
}

/// Width of one character of a chapter title (10px), rounded up so that a cut
/// title never runs past its band.
const CHAPTER_CHAR: f64 = 6.2;

/// Below this fraction of the median column's tokens per window, a column is
/// thin: its shares rest on little text, and the chart veils it.
pub(super) const THIN: f64 = 0.25;

/// How strongly to veil each column, 0 (not thin) to 0.8 (no tokens): a
/// 49-token final window beside windows of a thousand, or a year of two
/// documents, should not read as a full column. Density is tokens per window,
/// so a run of windows compares fairly with a single one.
pub(super) fn thin(columns: &[Column]) -> Vec<f64> {
    let density = |c: &Column| c.tokens as f64 / c.windows.max(1) as f64;
    let mut sorted: Vec<f64> = columns.iter().map(density).filter(|&d| d > 0.0).collect();
    sorted.sort_by(f64::total_cmp);
    let Some(&median) = sorted.get(sorted.len() / 2) else {
        return vec![0.0; columns.len()];
    };
    columns
        .iter()
        .map(|c| {
            let weight = density(c) / median;
            if weight >= THIN {
                0.0
            } else {
                0.2 + 0.6 * (1.0 - weight / THIN)
            }
        })
        .collect()
}

/// The veils of thin columns: a white wash as opaque as the column is thin, and
/// a hatch so that a thin column reads as such without colour too.
fn veil(out: &mut dyn Write, frame: &Frame<'_>, veils: &[f64]) -> io::Result<()> {
    if veils.iter().all(|&v| v == 0.0) {
        return Ok(());
    }
    out.write_all(
        b"<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
          patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" \
          stroke=\"#fff\" stroke-width=\"2\"/></pattern></defs>\n",
    )?;
    for ((left, right), &v) in frame.steps.iter().zip(veils) {
        if v == 0.0 {
            continue;
        }
        let (x, y, w, h) = (
            num(*left, 1),
            num(frame.top, 1),
            num(right - left, 1),
            num(PLOT_HEIGHT, 1),
        );
        writeln!(
            out,
            "<rect class=\"thin\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" \
             fill=\"#fff\" fill-opacity=\"{}\"/><rect class=\"thin\" x=\"{x}\" y=\"{y}\" \
             width=\"{w}\" height=\"{h}\" fill=\"url(#hatch)\"/>",
            num(v, 2)
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
