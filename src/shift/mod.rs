//! Shifts: the moments a timeline changes, as events.
//!
//! From theme timelines and term counts this stage derives:
//!
//! * **dominant** changes: the window where another theme takes the largest share
//!   ("AI/ML → security at 0:35:00"), with the share margin as strength;
//! * **rising** and **fading** themes: a theme whose tokens change significantly
//!   against the window before (signed log-likelihood G² beyond the 5% critical
//!   value 3.84 by default) and whose share moves by at least a minimum;
//! * **bursts** ([`burst`]): Kleinberg intervals in which a term is used at a
//!   markedly higher rate than in the rest of the run;
//! * a **status** for every ranked term in every window: `new` (first window it
//!   appears in), `gone` (last window it appears in, before the end), `emerging`
//!   or `fading` (significantly more or less used than in the window before),
//!   `burst` (inside one of its bursts), or `stable`.
//!
//! Every event carries its evidence: the terms that drove it.

pub mod burst;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::count::{Counts, TermId};
use crate::score::keyness::signed_g2;
use crate::theme::{Theme, ThemeWindow};
pub use burst::{Burst, BurstOptions, bursts};

/// Options of shift detection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShiftOptions {
    /// |G²| needed for a significant change (3.84: p < 0.05 with one degree of freedom).
    pub significance: f64,
    /// Smallest share change of a rising or fading theme.
    pub min_share_change: f64,
    /// Burst detection.
    pub burst: BurstOptions,
}

impl Default for ShiftOptions {
    fn default() -> Self {
        ShiftOptions {
            significance: 3.84,
            min_share_change: 0.1,
            burst: BurstOptions::default(),
        }
    }
}

/// What kind of change an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShiftKind {
    /// Another theme takes the largest share.
    Dominant,
    /// A theme gains significantly.
    Rising,
    /// A theme loses significantly.
    Fading,
    /// A term bursts.
    Burst,
}

impl ShiftKind {
    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            ShiftKind::Dominant => "dominant",
            ShiftKind::Rising => "rising",
            ShiftKind::Fading => "fading",
            ShiftKind::Burst => "burst",
        }
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// The window where it happens (where a burst starts).
    pub window: usize,
    /// What kind.
    pub kind: ShiftKind,
    /// The theme or term concerned.
    pub subject: String,
    /// Before: the previous dominant theme, the previous share, or the burst's first window.
    pub from: String,
    /// After: the new dominant theme, the new share, or the burst's last window.
    pub to: String,
    /// How strong: share margin, G², or burst weight.
    pub strength: f64,
    /// The subject's share before, for theme events.
    pub share_before: Option<f64>,
    /// The subject's share after, for theme events.
    pub share_after: Option<f64>,
    /// The terms that drove it, most first.
    pub evidence: Vec<String>,
    /// The window where a burst ends (the same as `window` otherwise).
    pub end_window: usize,
}

/// How a ranked term stands in a window.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TermStatus {
    /// First window the term appears in (after the first window).
    New,
    /// Significantly more used than in the window before.
    Emerging,
    /// Neither significantly more nor less used.
    Stable,
    /// Significantly less used than in the window before.
    Fading,
    /// Last window the term appears in, before the timeline ends.
    Gone,
    /// Inside one of the term's bursts.
    Burst,
}

/// A term's count in each window.
pub fn term_series(counts: &Counts, term: TermId) -> Vec<u64> {
    counts.windows.iter().map(|w| count_in(w, term)).collect()
}

/// A term's count in one window.
fn count_in(window: &crate::count::WindowCounts, term: TermId) -> u64 {
    window.terms.get(term)
}

/// The themes' member terms that changed most between two windows, as labels.
fn theme_evidence(
    theme: &Theme,
    counts: &Counts,
    w: usize,
    previous: Option<usize>,
    n: usize,
) -> Vec<String> {
    let mut changes: Vec<(f64, TermId)> = theme
        .members
        .iter()
        .filter_map(|(term, weight)| {
            let id = counts.find(term)?;
            let before = previous.map_or(0, |p| count_in(&counts.windows[p], id));
            let change = weight * (count_in(&counts.windows[w], id) as f64 - before as f64);
            (change > 0.0).then_some((change, id))
        })
        .collect();
    // Ties by term (ids follow the terms' order); only the winners get labels.
    changes.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    changes
        .into_iter()
        .take(n)
        .map(|(_, id)| counts.label(id))
        .collect()
}

/// Dominant-theme changes and rising and fading themes.
pub fn theme_shifts(
    themes: &[Theme],
    windows: &[ThemeWindow],
    counts: &Counts,
    options: &ShiftOptions,
) -> Vec<Shift> {
    let mut shifts = Vec::new();
    let mut last_dominant: Option<usize> = None;
    for (w, window) in windows.iter().enumerate() {
        let Some(dominant) = window.dominant() else {
            continue;
        };
        if let Some(previous) = last_dominant
            && previous != dominant
        {
            shifts.push(Shift {
                window: w,
                kind: ShiftKind::Dominant,
                subject: themes[dominant].name.clone(),
                from: themes[previous].name.clone(),
                to: themes[dominant].name.clone(),
                strength: window.share[dominant] - window.share[previous],
                share_before: w.checked_sub(1).map(|p| windows[p].share[dominant]),
                share_after: Some(window.share[dominant]),
                evidence: theme_evidence(&themes[dominant], counts, w, w.checked_sub(1), 3),
                end_window: w,
            });
        }
        last_dominant = Some(dominant);
    }
    for w in 1..windows.len() {
        let (now, before) = (&windows[w], &windows[w - 1]);
        for (i, theme) in themes.iter().enumerate() {
            let g2 = signed_g2(
                now.tokens[i],
                before.tokens[i],
                now.window_tokens as f64,
                before.window_tokens as f64,
            );
            let change = now.share[i] - before.share[i];
            let kind = if g2 >= options.significance && change >= options.min_share_change {
                ShiftKind::Rising
            } else if g2 <= -options.significance && change <= -options.min_share_change {
                ShiftKind::Fading
            } else {
                continue;
            };
            let evidence = match kind {
                ShiftKind::Rising => theme_evidence(theme, counts, w, Some(w - 1), 3),
                _ => theme_evidence(theme, counts, w - 1, Some(w), 3),
            };
            shifts.push(Shift {
                window: w,
                kind,
                subject: theme.name.clone(),
                from: format!("{:.3}", before.share[i]),
                to: format!("{:.3}", now.share[i]),
                strength: g2,
                share_before: Some(before.share[i]),
                share_after: Some(now.share[i]),
                evidence,
                end_window: w,
            });
        }
    }
    sort(&mut shifts);
    shifts
}

/// The bursts of terms, as events; `window_labels` names the windows.
pub fn burst_shifts(
    counts: &Counts,
    histories: &BTreeMap<TermId, TermHistory>,
    window_labels: &[String],
) -> Vec<Shift> {
    let mut shifts = Vec::new();
    for (&term, history) in histories {
        let label = counts.label(term);
        for burst in &history.bursts {
            shifts.push(Shift {
                window: burst.start,
                kind: ShiftKind::Burst,
                subject: label.clone(),
                from: window_labels[burst.start].clone(),
                to: window_labels[burst.end].clone(),
                strength: burst.weight,
                share_before: None,
                share_after: None,
                evidence: vec![label.clone()],
                end_window: burst.end,
            });
        }
    }
    sort(&mut shifts);
    shifts
}

/// Orders events by window, kind, then subject.
pub fn sort(shifts: &mut [Shift]) {
    shifts.sort_by(|a, b| {
        a.window
            .cmp(&b.window)
            .then(a.kind.cmp(&b.kind))
            .then(a.subject.cmp(&b.subject))
    });
}

/// The status of a term in window `w`, from its history, each window's token
/// count and its counts in window `w` and the window before (`now`, `before`).
pub fn term_status(
    history: &TermHistory,
    tokens: &[u64],
    w: usize,
    (now, before): (u64, u64),
    options: &ShiftOptions,
) -> TermStatus {
    if history.bursts.iter().any(|b| b.start <= w && w <= b.end) {
        return TermStatus::Burst;
    }
    if w > 0 && history.first == Some(w) {
        return TermStatus::New;
    }
    if history.last == Some(w) && w + 1 < tokens.len() {
        return TermStatus::Gone;
    }
    if w == 0 {
        return TermStatus::Stable;
    }
    let g2 = signed_g2(
        now as f64,
        before as f64,
        tokens[w] as f64,
        tokens[w - 1] as f64,
    );
    if g2 >= options.significance {
        TermStatus::Emerging
    } else if g2 <= -options.significance {
        TermStatus::Fading
    } else {
        TermStatus::Stable
    }
}

/// Where a term occurs and its bursts: what its statuses come from, besides its
/// counts in each window (which the window's counts hold).
#[derive(Debug, Clone, PartialEq)]
pub struct TermHistory {
    /// The first window it occurs in.
    pub first: Option<usize>,
    /// The last window it occurs in.
    pub last: Option<usize>,
    /// Its bursts.
    pub bursts: Vec<Burst>,
}

/// How many `(window, count)` pairs the burst search holds at once: the terms
/// that may burst are searched in groups of about this many occurrences, one
/// pass over the windows each. Held for all terms at once, the series of a 1 GB
/// run were hundreds of megabytes, more than its counts.
const OCCURRENCES_AT_ONCE: usize = 1 << 22;

impl TermHistory {
    /// The history of a term that occurs as `occurrences` among the windows of
    /// `series`, its occurrences in clumps of `dispersion` (see
    /// [`burst::bursts_of`]).
    pub fn new(
        occurrences: &[(usize, u64)],
        series: &burst::TokenSeries,
        dispersion: f64,
        options: &ShiftOptions,
    ) -> TermHistory {
        let total: u64 = occurrences.iter().map(|&(_, n)| n).sum();
        let windows = series.tokens().len();
        let bursts = if burst::may_burst(total, windows, dispersion, &options.burst) {
            burst::bursts_of(occurrences, series, dispersion, &options.burst)
        } else {
            Vec::new()
        };
        TermHistory {
            first: occurrences.first().map(|&(w, _)| w),
            last: occurrences.last().map(|&(w, _)| w),
            bursts,
        }
    }

    /// The histories of `terms` (sorted): where each occurs in one pass over the
    /// windows, then the bursts of those that may burst, in parallel, a group
    /// of them at a time, about four million occurrences, so that memory does not
    /// follow the number of windows times the number of ranked terms.
    pub fn of_terms(counts: &Counts, terms: &[TermId], options: &ShiftOptions) -> Vec<TermHistory> {
        use rayon::prelude::*;
        let mut slot = vec![u32::MAX; counts.terms.len()];
        for (i, &term) in terms.iter().enumerate() {
            slot[term as usize] = i as u32;
        }
        let slot_of = |term: TermId| slot.get(term as usize).copied().filter(|&i| i != u32::MAX);
        // Per term: windows it occurs in, occurrences, first and last window.
        let mut seen = vec![(0usize, 0u64, usize::MAX, 0usize); terms.len()];
        for (w, window) in counts.windows.iter().enumerate() {
            for (term, n) in &window.terms {
                if let Some(i) = slot_of(term) {
                    let entry = &mut seen[i as usize];
                    entry.0 += 1;
                    entry.1 += n;
                    entry.2 = entry.2.min(w);
                    entry.3 = w;
                }
            }
        }
        let mut histories: Vec<TermHistory> = seen
            .iter()
            .map(|&(windows, _, first, last)| TermHistory {
                first: (windows > 0).then_some(first),
                last: (windows > 0).then_some(last),
                bursts: Vec::new(),
            })
            .collect();
        let series = burst::TokenSeries::new(counts.windows.iter().map(|w| w.tokens).collect());
        // In a collection the documents are what is sampled: a term's uses come
        // in clumps of its mean uses per document that uses it. A recording is
        // one document, its words the evidence.
        let collection = crate::score::is_collection(counts);
        let dispersion = |term: TermId| {
            let info = &counts.terms[term as usize];
            if collection && info.documents > 0 {
                info.total as f64 / info.documents as f64
            } else {
                1.0
            }
        };
        let windows = counts.windows.len();
        let searched: Vec<usize> = (0..terms.len())
            .filter(|&i| burst::may_burst(seen[i].1, windows, dispersion(terms[i]), &options.burst))
            .collect();
        let mut group_start = 0;
        while group_start < searched.len() {
            // At least one term a group, however many windows it occurs in.
            let mut held = seen[searched[group_start]].0;
            let mut group_end = group_start + 1;
            while group_end < searched.len()
                && held + seen[searched[group_end]].0 <= OCCURRENCES_AT_ONCE
            {
                held += seen[searched[group_end]].0;
                group_end += 1;
            }
            let group = &searched[group_start..group_end];
            let mut place = vec![u32::MAX; terms.len()];
            for (k, &i) in group.iter().enumerate() {
                place[i] = k as u32;
            }
            // Allocated once at their length: grown by pushes, the lists of a run
            // of many windows held up to twice their contents.
            let mut occurrences: Vec<Vec<(usize, u64)>> = group
                .iter()
                .map(|&i| Vec::with_capacity(seen[i].0))
                .collect();
            for (w, window) in counts.windows.iter().enumerate() {
                for (term, n) in &window.terms {
                    if let Some(i) = slot_of(term)
                        && place[i as usize] != u32::MAX
                    {
                        occurrences[place[i as usize] as usize].push((w, n));
                    }
                }
            }
            let bursts: Vec<Vec<Burst>> = occurrences
                .into_par_iter()
                .zip(group)
                .map(|(occurrences, &i)| {
                    TermHistory::new(&occurrences, &series, dispersion(terms[i]), options).bursts
                })
                .collect();
            for (&i, found) in group.iter().zip(bursts) {
                histories[i].bursts = found;
            }
            group_start = group_end;
        }
        histories
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;
    use crate::theme::{Origin, lexicon_windows};

    /// Six windows: AI talk, then security talk.
    fn talk() -> Counts {
        let mut b = CountBuilder::new();
        let plan: [&[(&str, usize)]; 6] = [
            &[("ai", 8), ("model", 4), ("other", 20)],
            &[("ai", 9), ("model", 3), ("other", 20)],
            &[("ai", 7), ("secur", 1), ("other", 20)],
            &[("secur", 9), ("ai", 1), ("other", 20)],
            &[("secur", 10), ("polici", 4), ("other", 20)],
            &[("secur", 8), ("other", 20)],
        ];
        for (w, terms) in plan.iter().enumerate() {
            for &(term, n) in terms.iter() {
                for _ in 0..n {
                    b.add(term, term, w..w + 1);
                }
            }
        }
        b.finish(6)
    }

    fn themes() -> Vec<Theme> {
        let theme = |name: &str, members: &[&str]| Theme {
            name: name.into(),
            origin: Origin::Lexicon,
            description: None,
            members: members.iter().map(|m| (m.to_string(), 1.0)).collect(),
            unmatched: Vec::new(),
            top_terms: Vec::new(),
        };
        vec![
            theme("AI/ML", &["ai", "model"]),
            theme("security", &["secur", "polici"]),
        ]
    }

    #[test]
    fn the_dominant_theme_changes_where_the_talk_turns() {
        let counts = talk();
        let themes = themes();
        let windows = lexicon_windows(&themes, &counts, crate::theme::ThemeWeight::Count, false);
        let shifts = theme_shifts(&themes, &windows, &counts, &ShiftOptions::default());
        let dominant: Vec<_> = shifts
            .iter()
            .filter(|s| s.kind == ShiftKind::Dominant)
            .collect();
        assert_eq!(dominant.len(), 1);
        assert_eq!(
            (
                dominant[0].window,
                dominant[0].from.as_str(),
                dominant[0].to.as_str()
            ),
            (3, "AI/ML", "security")
        );
        assert_eq!(dominant[0].evidence[0], "secur");
        let rising: Vec<_> = shifts
            .iter()
            .filter(|s| s.kind == ShiftKind::Rising)
            .map(|s| (s.window, s.subject.as_str()))
            .collect();
        assert!(rising.contains(&(3, "security")), "{rising:?}");
        let fading: Vec<_> = shifts
            .iter()
            .filter(|s| s.kind == ShiftKind::Fading)
            .map(|s| (s.window, s.subject.as_str()))
            .collect();
        assert!(fading.contains(&(3, "AI/ML")), "{fading:?}");
    }

    #[test]
    fn statuses_follow_a_terms_life() {
        let counts = talk();
        let options = ShiftOptions::default();
        let id = |t: &str| counts.find(t).unwrap();
        let tokens: Vec<u64> = counts.windows.iter().map(|w| w.tokens).collect();
        let status = |t: &str, w: usize| {
            let mut history = TermHistory::of_terms(&counts, &[id(t)], &options).remove(0);
            history.bursts.clear();
            let series = term_series(&counts, id(t));
            let before = w.checked_sub(1).map_or(0, |b| series[b]);
            term_status(&history, &tokens, w, (series[w], before), &options)
        };
        assert_eq!(status("secur", 2), TermStatus::New);
        assert_eq!(status("secur", 3), TermStatus::Emerging);
        assert_eq!(status("ai", 3), TermStatus::Gone);
        assert_eq!(status("polici", 4), TermStatus::New, "new wins over gone");
    }

    #[test]
    fn bursts_become_events_with_window_labels() {
        let counts = talk();
        let labels: Vec<String> = (0..6).map(|w| format!("w{w}")).collect();
        let options = ShiftOptions::default();
        let id = counts.find("secur").unwrap();
        let histories = BTreeMap::from([(
            id,
            TermHistory::of_terms(&counts, &[id], &options).remove(0),
        )]);
        let shifts = burst_shifts(&counts, &histories, &labels);
        assert_eq!(shifts.len(), 1);
        assert_eq!(
            (shifts[0].from.as_str(), shifts[0].to.as_str()),
            ("w3", "w5")
        );
        let history = &histories[&id];
        assert_eq!(history.bursts.len(), 1);
        assert_eq!((history.first, history.last), (Some(2), Some(5)));
        assert_eq!(term_series(&counts, id), [0, 0, 1, 9, 10, 8]);
    }

    /// Ten windows; a term said `clump` times by each of the documents that use
    /// it, once in four quiet windows and by `burst_documents` documents in
    /// window 6. Each window holds `per_window` documents in all.
    fn clumped(clump: usize, burst_documents: u32, per_window: u32) -> Counts {
        let mut b = CountBuilder::new();
        let mut document = 0u32;
        for w in 0..10usize {
            for d in 0..per_window {
                b.add_segment(w..w + 1, document, (w as crate::time::Millis + 1) * 1000);
                let says = (w == 6 && d < burst_documents) || ([1, 3, 8, 9].contains(&w) && d == 0);
                for _ in 0..if says { clump } else { 0 } {
                    b.add("x", "x", w..w + 1);
                }
                for _ in 0..200 {
                    b.add("other", "other", w..w + 1);
                }
                document += 1;
            }
        }
        b.finish(10)
    }

    #[test]
    fn in_a_collection_a_burst_needs_documents_not_repetitions() {
        let options = ShiftOptions::default();
        let bursts_of_x = |counts: &Counts| {
            let x = counts.find("x").unwrap();
            TermHistory::of_terms(counts, &[x], &options)[0]
                .bursts
                .clone()
        };
        // One document per window (a recording cut into windows): twelve
        // repetitions in window 6 are a burst.
        let one_each = clumped(12, 1, 1);
        assert!(!crate::score::is_collection(&one_each));
        assert_eq!(bursts_of_x(&one_each).len(), 1);
        // Six documents a window: the same twelve uses by one document are one
        // document's worth, no burst; all six documents saying it are one.
        assert!(bursts_of_x(&clumped(12, 1, 6)).is_empty());
        let found = bursts_of_x(&clumped(12, 6, 6));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].start, found[0].end), (6, 6));
    }
}
