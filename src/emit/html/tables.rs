//! The report's tables: the heat table of each window's top terms and the list
//! of shift events.
//!
//! The heat table is the chart's companion for terms: a row per window, a cell per
//! ranked term, coloured by its score relative to the timeline's best and marked
//! in the corner with its status, so a glance down a column shows where the
//! vocabulary turns over. The shift table lists the theme events in time order;
//! term bursts, usually the most numerous, fold behind a `<details>` control.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Group;
use super::markup::{colour, count, escape, heat, num, status_name};
use crate::timeline::{ShiftKind, ShiftReport};

/// Most ranked terms per window shown in the heat table.
pub(super) const TABLE_TERMS: usize = 10;

/// Rows: windows; cells: their top terms, coloured by score relative to the
/// timeline's best score.
pub(super) fn heat_table(
    out: &mut dyn Write,
    group: &Group<'_>,
    names: &[String],
) -> io::Result<()> {
    out.write_all(b"<h3>Top terms per window</h3>\n")?;
    let columns = group
        .windows
        .iter()
        .map(|w| w.terms.len())
        .max()
        .unwrap_or(0)
        .min(TABLE_TERMS);
    if columns == 0 {
        return out.write_all(b"<p>No window has a ranked term.</p>\n");
    }
    let best = group
        .windows
        .iter()
        .flat_map(|w| &w.terms)
        .map(|t| t.score)
        .filter(|s| s.is_finite())
        .fold(0.0f64, f64::max);
    heat_key(out)?;
    let dominant_column = !group.themes.is_empty();
    out.write_all(
        b"<table class=\"heat\">\n<thead><tr><th>window</th><th class=\"num\">tokens</th>",
    )?;
    if dominant_column {
        out.write_all(b"<th>dominant</th>")?;
    }
    for rank in 1..=columns {
        write!(out, "<th>{rank}</th>")?;
    }
    out.write_all(b"</tr></thead>\n<tbody>\n")?;
    for w in group.windows {
        let mut row = String::new();
        let _ = write!(
            row,
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
                let _ = write!(row, "<td class=\"dom\">{swatch}{}</td>", escape(dominant));
            }
            None if dominant_column => row.push_str("<td class=\"muted\">—</td>"),
            None => {}
        }
        if w.terms.is_empty() {
            let _ = write!(
                row,
                "<td class=\"muted\" colspan=\"{columns}\">no ranked terms</td>"
            );
        }
        for term in w.terms.iter().take(columns) {
            let t = if best > 0.0 { term.score / best } else { 0.0 };
            let (background, ink) = heat(t);
            let status = status_name(term.status);
            let _ = write!(
                row,
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
                row.push_str("<td></td>");
            }
        }
        row.push_str("</tr>\n");
        out.write_all(row.as_bytes())?;
    }
    out.write_all(b"</tbody>\n</table>\n")
}

/// The note above the heat table: what the colour and the corner mean.
fn heat_key(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"<p class=\"note\">Cell colour: score relative to the best score of this timeline. \
         Corner: the term's status in the window:",
    )?;
    for (status, name) in [
        ("new", "new"),
        ("emerging", "emerging"),
        ("burst", "burst"),
        ("fading", "fading"),
        ("gone", "gone"),
    ] {
        write!(out, "<span class=\"key st-{status}\"></span>{name}")?;
    }
    out.write_all(b" (stable: none). Hover a term for its score, count and status.</p>\n")
}

/// Every shift event of one timeline, in time order.
pub(super) fn shift_table(out: &mut dyn Write, group: &Group<'_>) -> io::Result<()> {
    out.write_all(b"<h3>Shift events</h3>\n")?;
    if group.shifts.is_empty() {
        return out.write_all(b"<p>No shift events.</p>\n");
    }
    let (bursts, themes): (Vec<&ShiftReport>, Vec<&ShiftReport>) = group
        .shifts
        .iter()
        .partition(|s| s.kind == ShiftKind::Burst);
    out.write_all(
        "<p class=\"note\"><b>dominant</b>: another theme takes the largest share (strength: \
         the share margin); <b>rising</b>/<b>fading</b>: a theme's share changes significantly \
         (shares before → after; strength: signed G²); <b>burst</b>: a term bursts (first → \
         last window; strength: burst weight).</p>\n"
            .as_bytes(),
    )?;
    if themes.is_empty() {
        out.write_all(b"<p>No theme shifts.</p>\n")?;
    } else {
        events(out, &themes)?;
    }
    if !bursts.is_empty() {
        writeln!(
            out,
            "<details>\n<summary>{}</summary>",
            count(bursts.len(), "term burst", "term bursts")
        )?;
        events(out, &bursts)?;
        out.write_all(b"</details>\n")?;
    }
    Ok(())
}

/// A table of shift events.
fn events(out: &mut dyn Write, shifts: &[&ShiftReport]) -> io::Result<()> {
    out.write_all(
        b"<table class=\"shifts\">\n<thead><tr><th>at</th><th>kind</th><th>subject</th>\
         <th>change</th><th class=\"num\">strength</th><th>evidence</th></tr></thead>\n<tbody>\n",
    )?;
    for s in shifts {
        let kind = s.kind.name();
        writeln!(
            out,
            "<tr><td>{}</td><td><span class=\"kind kind-{kind}\">{kind}</span></td><td>{}</td><td>{} → {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&s.label),
            escape(&s.subject),
            escape(&s.from),
            escape(&s.to),
            num(s.strength, 3),
            escape(&s.evidence.join(", "))
        )?;
    }
    out.write_all(b"</tbody>\n</table>\n")
}
