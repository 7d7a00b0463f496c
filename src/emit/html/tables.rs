//! The report's tables: the heat table of each window's top terms and the list
//! of shift events.
//!
//! The heat table is the chart's companion for terms: a row per window, a cell per
//! ranked term, coloured by its score relative to the timeline's best and marked
//! in the corner with its status, so a glance down a column shows where the
//! vocabulary turns over (with a row per column of the chart when columns are
//! runs of windows). The shift table lists the theme events in time order; term
//! bursts, usually the most numerous, fold behind a `<details>` control. A long
//! timeline can have thousands of events: then the page lists the strongest of
//! each kind in turn, the first few open and the rest behind the control, and
//! counts the others, which `shifts.csv` has.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Group;
use super::aggregate::{Column, Series};
use super::markup::{colour, count, escape, heat, num, status_name};
use crate::timeline::{ShiftKind, ShiftReport};

/// Rows: columns of the chart (windows, or runs of them); cells: their top terms,
/// coloured by the score's rank among all the table's cells. Colouring by the
/// score over the timeline's best left all but a few cells pale: one outlier
/// sets the scale. Ranks spread the colours evenly whatever the distribution.
pub(super) fn heat_table(
    out: &mut dyn Write,
    group: &Group<'_>,
    names: &[String],
) -> io::Result<()> {
    out.write_all(b"<h3>Top terms per window</h3>\n")?;
    let series = group.series;
    let columns = series.terms_width;
    if columns == 0 {
        return out.write_all(b"<p>No window has a ranked term.</p>\n");
    }
    heat_key(out, series.is_aggregated())?;
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
    let mut scores: Vec<f64> = series
        .columns
        .iter()
        .flat_map(|c| c.terms.iter().take(columns).map(|t| t.score))
        .filter(|s| s.is_finite())
        .collect();
    scores.sort_by(f64::total_cmp);
    for column in &series.columns {
        let row = heat_row(column, series, &scores, names, columns, dominant_column);
        out.write_all(row.as_bytes())?;
    }
    out.write_all(b"</tbody>\n</table>\n")
}

/// One row of the heat table, `columns` cells wide.
fn heat_row(
    column: &Column,
    series: &Series,
    scores: &[f64],
    names: &[String],
    columns: usize,
    dominant_column: bool,
) -> String {
    let mut row = String::new();
    let label = if column.windows == 1 {
        escape(&column.label)
    } else {
        escape(&column.range())
    };
    let _ = write!(
        row,
        "<tr><th class=\"win\">{label}</th><td class=\"num\">{}</td>",
        column.tokens
    );
    match column.dominant(&series.names).filter(|_| dominant_column) {
        Some(dominant) => {
            let _ = write!(row, "<td class=\"dom\">{}</td>", swatched(names, dominant));
        }
        None if dominant_column => row.push_str("<td class=\"muted\">—</td>"),
        None => {}
    }
    if column.terms.is_empty() {
        let _ = write!(
            row,
            "<td class=\"muted\" colspan=\"{columns}\">no ranked terms</td>"
        );
    }
    for term in column.terms.iter().take(columns) {
        let t = rank(scores, term.score);
        let (background, ink) = heat(t);
        let status = status_name(term.status);
        let at = term
            .at
            .as_deref()
            .map(|at| format!(" in {}", escape(at)))
            .unwrap_or_default();
        let _ = write!(
            row,
            "<td class=\"term st-{status}\" style=\"background-color:{background};color:{ink}\" \
             title=\"{} ({})&#10;score {}{at} · count {} · {status}\">{}</td>",
            escape(&term.label),
            escape(&term.term),
            num(term.score, 4),
            term.count,
            escape(&term.label)
        );
    }
    if !column.terms.is_empty() {
        for _ in column.terms.len().min(columns)..columns {
            row.push_str("<td></td>");
        }
    }
    row.push_str("</tr>\n");
    row
}

/// Where `score` stands among the sorted `scores`, 0 (the lowest) to 1 (the
/// highest); equal scores share a rank.
pub(super) fn rank(scores: &[f64], score: f64) -> f64 {
    if scores.len() < 2 {
        return 1.0;
    }
    let below = scores.partition_point(|s| s.total_cmp(&score).is_lt());
    below as f64 / (scores.len() - 1) as f64
}

/// The note above the heat table: what the colour and the corner mean.
fn heat_key(out: &mut dyn Write, aggregated: bool) -> io::Result<()> {
    if aggregated {
        out.write_all(
            b"<p class=\"note\">A row is a column of the chart: its cells are the terms that \
             score highest in any of its windows, with that score, its count and status there; \
             the tooltip names the window.</p>\n",
        )?;
    }
    out.write_all(
        b"<p class=\"note\">Cell colour: the score's rank among the cells of this table (darkest: the highest scores). \
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

/// Most theme shifts, and most term bursts, of one timeline listed on the page;
/// of more theme shifts, the strongest [`OPEN_SHIFTS`] are open and the rest of
/// the listed ones behind a control. A window rarely has more than one of each
/// kind, so only long timelines have more, and those can have thousands.
const LISTED_SHIFTS: usize = 200;
const OPEN_SHIFTS: usize = 12;

/// The shift events of one timeline, in time order (the strongest, when there
/// are too many to list).
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
    } else if themes.len() <= OPEN_SHIFTS {
        events(out, &themes)?;
    } else {
        folded_theme_shifts(out, &themes)?;
    }
    if bursts.len() > LISTED_SHIFTS {
        writeln!(
            out,
            "<details>\n<summary>{}, the {LISTED_SHIFTS} strongest listed</summary>",
            count(bursts.len(), "term burst", "term bursts")
        )?;
        let listed = strongest_by_kind(&bursts, LISTED_SHIFTS);
        events(out, &in_time_order(&bursts, &listed))?;
        writeln!(
            out,
            "<p class=\"note\">The other {} are in <code>shifts.csv</code> and \
             <code>timeline.json</code>.</p>",
            bursts.len() - LISTED_SHIFTS
        )?;
        out.write_all(b"</details>\n")?;
    } else if !bursts.is_empty() {
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

/// More theme shifts than the page lists: the strongest open, the next behind a
/// control, a count of the rest.
fn folded_theme_shifts(out: &mut dyn Write, themes: &[&ShiftReport]) -> io::Result<()> {
    let listed = strongest_by_kind(themes, LISTED_SHIFTS);
    let (open, folded) = listed.split_at(OPEN_SHIFTS);
    let rest = if themes.len() > listed.len() {
        format!(
            "the next {} behind the control below, and the other {} are in \
             <code>shifts.csv</code> and <code>timeline.json</code>",
            folded.len(),
            themes.len() - listed.len()
        )
    } else {
        format!("the other {} behind the control below", folded.len())
    };
    writeln!(
        out,
        "<p class=\"note\">{} theme shifts: the {OPEN_SHIFTS} strongest are listed (the \
         strongest of each kind in turn), {rest}.</p>",
        themes.len(),
    )?;
    events(out, &in_time_order(themes, open))?;
    writeln!(
        out,
        "<details>\n<summary>{} theme shifts</summary>",
        if themes.len() > listed.len() {
            format!("the next {} strongest", folded.len())
        } else {
            format!("the other {}", folded.len())
        }
    )?;
    events(out, &in_time_order(themes, folded))?;
    out.write_all(b"</details>\n")
}

/// The indices of the `n` strongest of `shifts`, strongest first, taking the
/// strongest of each kind in turn: the kinds' strengths are not comparable (a
/// share margin, a G², a burst weight), their ranks are.
fn strongest_by_kind(shifts: &[&ShiftReport], n: usize) -> Vec<usize> {
    let mut by_strength: Vec<usize> = (0..shifts.len()).collect();
    by_strength.sort_by(|&a, &b| {
        let (a_strength, b_strength) = (shifts[a].strength.abs(), shifts[b].strength.abs());
        shifts[a]
            .kind
            .cmp(&shifts[b].kind)
            .then(b_strength.total_cmp(&a_strength))
            .then(a.cmp(&b))
    });
    let mut rank = vec![0usize; shifts.len()];
    for (i, &shift) in by_strength.iter().enumerate() {
        let same_kind_before = i > 0 && shifts[by_strength[i - 1]].kind == shifts[shift].kind;
        rank[shift] = if same_kind_before {
            rank[by_strength[i - 1]] + 1
        } else {
            0
        };
    }
    by_strength.sort_by_key(|&i| (rank[i], shifts[i].kind, i));
    by_strength.truncate(n);
    by_strength
}

/// The shifts at `picked`, in time order (the order of `shifts`).
fn in_time_order<'a>(shifts: &[&'a ShiftReport], picked: &[usize]) -> Vec<&'a ShiftReport> {
    let mut picked = picked.to_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| shifts[i]).collect()
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

/// Most chapters listed on the page; `chapters.csv` has them all.
const LISTED_CHAPTERS: usize = 60;

/// The chapters of a timeline as a list, the page's spine above its themes:
/// each one's span, title and dominant theme.
pub(super) fn chapter_table(
    out: &mut dyn Write,
    group: &Group<'_>,
    names: &[String],
) -> io::Result<()> {
    let chapters = &group.chapters;
    if chapters.is_empty() {
        return Ok(());
    }
    out.write_all(b"<h3>Chapters</h3>\n")?;
    out.write_all(
        b"<table class=\"chapters\">\n<thead><tr><th class=\"num\">#</th><th>from</th>\
          <th>to</th><th>title</th><th>mostly</th></tr></thead>\n<tbody>\n",
    )?;
    for chapter in chapters.iter().take(LISTED_CHAPTERS) {
        let dominant = match chapter.dominant.as_deref() {
            Some(dominant) => swatched(names, dominant),
            None => "—".to_string(),
        };
        writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"dom\">{dominant}</td></tr>",
            chapter.chapter,
            escape(&chapter.label),
            escape(&chapter.end_label),
            escape(&chapter.title),
        )?;
    }
    out.write_all(b"</tbody>\n</table>\n")?;
    if chapters.len() > LISTED_CHAPTERS {
        writeln!(
            out,
            "<p class=\"note\">The first {LISTED_CHAPTERS} of {} chapters; \
             <code>chapters.csv</code> has them all.</p>",
            chapters.len()
        )?;
    }
    Ok(())
}

/// A theme's name, escaped, after a swatch of its colour (none for a name not
/// among `names`).
pub(super) fn swatched(names: &[String], theme: &str) -> String {
    let swatch = names
        .iter()
        .position(|n| n == theme)
        .map(|i| {
            format!(
                "<span class=\"sw\" style=\"background:{}\"></span>",
                colour(i)
            )
        })
        .unwrap_or_default();
    format!("{swatch}{}", escape(theme))
}
