//! Chapters of a timeline: the segment stage on each recording's units (or, for a
//! dated timeline, on its windows), titled, with each chapter's dominant theme;
//! and dominant-theme shifts moved to the chapter boundary nearest them.

use super::Pipeline;
use crate::count::packed::Pairs;
use crate::count::{Counts, Packed, TermId, UnitGrid};
use crate::segment::titles::{TitleOptions, title_terms_within, word_tokens};
use crate::segment::{self, Boundary, Recording, SegmentOptions};
use crate::theme::{Theme, ThemeWindow};
use crate::time::{Millis, TimeAxis, clock_label};
use crate::timeline::{ChapterReport, ShiftKind, ShiftReport, TimeValue};
use crate::window::Windows;

/// How many distinctive terms a chapter lists; its title is the first four.
const CHAPTER_TERMS: usize = 8;

/// Terms in a title.
const TITLE_TERMS: usize = 4;

/// What the chapters of one timeline are made from.
pub(crate) struct ChapterInput<'a> {
    /// The timeline, with `--group-by source`.
    pub source: &'a Option<String>,
    /// Its counts, phrases claimed.
    pub counts: &'a Counts,
    /// Its recordings' unit grids (`(source, grid)`).
    pub grids: &'a [(u32, UnitGrid)],
    /// The path of each source of the run.
    pub paths: &'a [String],
    /// Its windows and their labels.
    pub windows: &'a Windows,
    /// Each window's label.
    pub labels: &'a [String],
    /// The run's axis.
    pub axis: TimeAxis,
    /// Its themes and their windows.
    pub themes: &'a [Theme],
    /// Each window's theme tokens.
    pub theme_windows: &'a [ThemeWindow],
    /// The collection's boilerplate terms, which never make a title.
    pub boilerplate: &'a [bool],
}

/// One chapter before it is reported: its time span, its counts and the
/// boundary it starts at.
struct Span {
    start: Millis,
    end: Millis,
    /// Packed: the counts of all of a long recording's chapters are held until
    /// they are titled, as many pairs as its units hold.
    counts: Packed,
    strength: Option<f64>,
    label: String,
    end_label: String,
}

impl Pipeline {
    /// The chapters of one timeline: of each recording when it holds recordings,
    /// else the periods between the strongest changes of its windows.
    pub(crate) fn chapters(&self, input: &ChapterInput<'_>) -> Vec<ChapterReport> {
        let options = self.config.segment_options();
        if input.grids.is_empty() {
            let spans = self.periods(input, &options);
            return self.report(input, input.source.clone(), spans);
        }
        let mut chapters = Vec::new();
        for &(source, grid) in input.grids {
            let spans = recording_spans(input.counts, &grid, &options);
            let path = input.paths.get(source as usize).cloned();
            chapters.extend(self.report(input, path, spans));
        }
        chapters
    }

    /// A dated timeline's periods: the segment stage on its windows, each window a
    /// unit.
    fn periods(&self, input: &ChapterInput<'_>, options: &SegmentOptions) -> Vec<Span> {
        let n = input.counts.windows.len();
        if n == 0 {
            return Vec::new();
        }
        // Borrowed: on records of a rich vocabulary the windows' terms are most
        // of the counts.
        let units: Vec<&Packed> = input.counts.windows.iter().map(|w| &w.terms).collect();
        // On the windows' own scale: an edge every window, periods of at least two.
        let recording = Recording {
            unit: 1,
            units: &units,
            pauses: &[],
            origin: 0,
            duration: n as Millis,
        };
        let found = segment::boundaries(
            &recording,
            &SegmentOptions {
                block: 2,
                min_chapter: 2,
                ..options.clone()
            },
        );
        let cuts: Vec<(usize, f64)> = found.iter().map(|b| (b.edge as usize, b.depth)).collect();
        let mut spans = Vec::new();
        let mut from = 0usize;
        let mut strength = None;
        for (to, depth) in cuts.into_iter().chain(std::iter::once((n, 0.0))) {
            spans.push(Span {
                start: input.windows.window(from).start,
                end: input.windows.window(to - 1).end,
                counts: Packed::from_sorted(&sum_lists(units[from..to].iter())),
                strength,
                label: input.labels[from].clone(),
                end_label: input.labels[to - 1].clone(),
            });
            from = to;
            strength = Some(depth);
        }
        spans
    }

    /// The chapters of `spans`, titled.
    fn report(
        &self,
        input: &ChapterInput<'_>,
        source: Option<String>,
        spans: Vec<Span>,
    ) -> Vec<ChapterReport> {
        let counts = input.counts;
        let whole = sum_dense(spans.iter().map(|s| &s.counts), counts.terms.len());
        let options = TitleOptions {
            terms: CHAPTER_TERMS,
            ..TitleOptions::default()
        };
        // Only a term said often enough in the recording can title a chapter.
        let mut candidates = whole
            .iter()
            .filter(|&&(_, n)| n >= options.min_count)
            .map(|&(t, _)| t);
        let excluded: Vec<bool> = self
            .unnameable(counts, &mut candidates)
            .into_iter()
            .zip(input.boilerplate.iter().chain(std::iter::repeat(&false)))
            .map(|(unnameable, &boilerplate)| unnameable || boilerplate)
            .collect();
        // Each chapter's rest is `whole` minus the chapter, read term by term
        // rather than built: building it scanned the whole vocabulary per chapter.
        let whole_words = word_tokens(counts, &whole);
        // Each chapter titled on its own, in parallel (collected in order).
        use rayon::prelude::*;
        spans
            .into_par_iter()
            .enumerate()
            .map(|(i, span)| {
                let span_counts = span.counts.to_vec();
                let title = |excluded: &[bool]| {
                    title_terms_within(
                        counts,
                        &span_counts,
                        &whole,
                        whole_words,
                        &self.title_generic,
                        excluded,
                        &options,
                    )
                };
                let mut chosen = title(&excluded);
                // A chapter that says only verbs and judgements more than the rest
                // ("describe, delete") is titled by them rather than left blank.
                if chosen.is_empty() {
                    chosen = title(input.boilerplate);
                }
                let terms: Vec<String> = chosen.into_iter().map(|t| counts.label(t)).collect();
                let title = terms
                    .iter()
                    .take(TITLE_TERMS)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                ChapterReport {
                    source: source.clone(),
                    chapter: i + 1,
                    start: TimeValue::new(span.start, input.axis),
                    end: TimeValue::new(span.end, input.axis),
                    start_ms: span.start,
                    end_ms: span.end,
                    label: span.label,
                    end_label: span.end_label,
                    title,
                    terms,
                    dominant: dominant(input, span.start, span.end),
                    strength: span.strength,
                }
            })
            .collect()
    }
}

/// One recording's chapters, as spans of its units.
fn recording_spans(counts: &Counts, grid: &UnitGrid, options: &SegmentOptions) -> Vec<Span> {
    let (base, n) = (grid.base as usize, grid.count as usize);
    // The recording's units as counted, borrowed: on a long recording they are a
    // large share of the run's memory, and copying them twice (all, then words
    // alone) made the chapter stage the run's peak. Units past the stored ones
    // are empty.
    let all = &counts.units.counts;
    let stored = &all[base.min(all.len())..(base + n).min(all.len())];
    let units = |from: usize, to: usize| &stored[from.min(stored.len())..to.min(stored.len())];
    // Where the topic changes is read from words alone: a phrase would count its
    // words twice. Without phrases the units are their words already.
    let has_phrases = counts.terms.iter().any(|t| t.is_phrase());
    let words: std::borrow::Cow<'_, [Packed]> = if !has_phrases && stored.len() == n {
        std::borrow::Cow::Borrowed(stored)
    } else {
        std::borrow::Cow::Owned(
            (0..n)
                .map(|u| {
                    stored.get(u).map_or_else(Packed::new, |unit| {
                        let words: Vec<(TermId, u64)> = unit
                            .iter()
                            .filter(|&(t, _)| !counts.terms[t as usize].is_phrase())
                            .collect();
                        Packed::from_sorted(&words)
                    })
                })
                .collect(),
        )
    };
    let pauses: Vec<_> = (base..base + n)
        .map(|u| counts.units.pauses.get(u).copied().flatten())
        .collect();
    let duration = grid.duration;
    let recording = Recording {
        unit: grid.unit,
        units: &words,
        pauses: &pauses,
        origin: grid.origin,
        duration,
    };
    let found: Vec<Boundary> = segment::boundaries(&recording, options);
    let end = grid.origin + duration;
    let mut spans = Vec::new();
    let (mut from_unit, mut from_time, mut strength) = (0usize, grid.origin, None);
    let cuts = found
        .iter()
        .map(|b| {
            let unit = ((b.edge - grid.origin) / grid.unit) as usize;
            (unit, b.at, Some(b.depth))
        })
        .chain(std::iter::once((n, end, None)));
    for (to_unit, to_time, depth) in cuts {
        spans.push(Span {
            start: from_time,
            end: to_time,
            counts: Packed::from_sorted(&sum(units(from_unit, to_unit.max(from_unit)))),
            strength,
            label: clock_label(from_time - grid.origin),
            end_label: clock_label(to_time - grid.origin),
        });
        (from_unit, from_time, strength) = (to_unit, to_time, depth);
    }
    spans
}

/// The counts of several units (or windows) added up, sorted by term.
fn sum<P: Pairs>(units: &[P]) -> Vec<(TermId, u64)> {
    sum_lists(units.iter())
}

fn sum_lists<P: Pairs>(lists: impl Iterator<Item = P>) -> Vec<(TermId, u64)> {
    let mut all: Vec<(TermId, u64)> = Vec::new();
    for list in lists {
        all.extend(list.pairs());
    }
    all.sort_unstable_by_key(|&(t, _)| t);
    let mut summed: Vec<(TermId, u64)> = Vec::with_capacity(all.len());
    for (t, n) in all {
        match summed.last_mut() {
            Some((last, m)) if *last == t => *m += n,
            _ => summed.push((t, n)),
        }
    }
    summed
}

/// [`sum_lists`] of many lists, added into one count per term of a vocabulary of
/// `terms` instead of gathered and sorted: the lists of all a recording's
/// chapters gathered were as large as its unit counts.
fn sum_dense<P: Pairs>(lists: impl Iterator<Item = P>, terms: usize) -> Vec<(TermId, u64)> {
    // `None`: absent, so that a listed zero stays listed, as when sorted.
    let mut dense: Vec<Option<u64>> = vec![None; terms];
    for list in lists {
        for (t, n) in list.pairs() {
            let slot = &mut dense[t as usize];
            *slot = Some(slot.unwrap_or(0) + n);
        }
    }
    dense
        .into_iter()
        .enumerate()
        .filter_map(|(t, n)| n.map(|n| (t as TermId, n)))
        .collect()
}

/// The theme with the most (weighted) tokens in `[start, end)`, each window
/// counted by the part of it the span covers.
fn dominant(input: &ChapterInput<'_>, start: Millis, end: Millis) -> Option<String> {
    let mut tokens = vec![0.0; input.themes.len()];
    for (w, theme_window) in input.theme_windows.iter().enumerate() {
        let window = input.windows.window(w);
        let overlap = (window.end.min(end) - window.start.max(start)).max(0);
        if overlap == 0 || window.end <= window.start {
            continue;
        }
        let part = overlap as f64 / (window.end - window.start) as f64;
        for (t, n) in theme_window.tokens.iter().enumerate() {
            tokens[t] += n * part;
        }
    }
    let best = tokens
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))?;
    Some(input.themes[best.0].name.clone())
}

/// Moves each dominant-theme shift of a timeline of recordings to the chapter
/// boundary nearest the change, within the two windows the change is between
/// (the event keeps the window it is reported in).
pub(crate) fn place_shifts(
    shifts: &mut [ShiftReport],
    chapters: &[ChapterReport],
    windows: &Windows,
    axis: TimeAxis,
) {
    let boundaries: Vec<Millis> = chapters
        .iter()
        .filter(|c| c.strength.is_some())
        .map(|c| c.start_ms)
        .collect();
    if boundaries.is_empty() {
        return;
    }
    for shift in shifts.iter_mut().filter(|s| s.kind == ShiftKind::Dominant) {
        let before = windows.window(shift.window.saturating_sub(1)).start;
        let after = windows.window(shift.window).end;
        let Some(&at) = boundaries
            .iter()
            .filter(|&&b| (before..after).contains(&b))
            .min_by_key(|&&b| ((b - shift.at_ms).abs(), b))
        else {
            continue;
        };
        shift.at_ms = at;
        shift.at = TimeValue::new(at, axis);
        if axis == TimeAxis::Offset {
            shift.label = clock_label(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_by_term() {
        let a = vec![(1, 2), (3, 1)];
        let b = vec![(1, 1), (2, 4)];
        let whole = sum(&[a.clone(), b]);
        assert_eq!(whole, [(1, 3), (2, 4), (3, 1)]);
    }
}
