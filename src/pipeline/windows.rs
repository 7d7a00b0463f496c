//! The window reports of a timeline, made one at a time as the outputs take them.
//!
//! A window's report holds its ranked terms as strings (term, label, label in the
//! window) and each theme's score under the theme's name: several times what its
//! scores and counts take. With 120,000 one-minute windows the reports held whole
//! were the largest part of a run's peak memory, although every output format
//! reads them once, in order (see [`crate::emit::Sink`]). So the last timeline's
//! windows (a run's only one, unless timelines are per source) are not
//! assembled: [`WindowReports`] keeps what they are made from (the counts
//! without their unit counts, which only chapters read, the scores, the term
//! histories and the theme windows) and makes each report when it is asked for.
//! The reports are the same as when they were built together, so every output is
//! the same bytes.

use std::collections::BTreeMap;

use crate::count::{Counts, TermId};
use crate::score::TermScore;
use crate::shift::{self, ShiftOptions, TermHistory};
use crate::theme::ThemeWindow;
use crate::time::{TimeAxis, offset_label};
use crate::timeline::{RankedTerm, ThemeScore, TimeValue, WindowReport};
use crate::window::{Extent, Windows};

/// What one timeline's window reports are made from.
pub(crate) struct ReportParts {
    /// The timeline's source, with `--group-by source`.
    pub source: Option<String>,
    /// Its windows.
    pub windows: Windows,
    /// The extent of its data.
    pub extent: Extent,
    /// The run's axis.
    pub axis: TimeAxis,
    /// Each window's label.
    pub labels: Vec<String>,
    /// Its counts, phrases claimed.
    pub counts: Counts,
    /// Each window's ranked terms.
    pub scores: Vec<Vec<TermScore>>,
    /// The history of every ranked term.
    pub histories: BTreeMap<TermId, TermHistory>,
    /// The themes' names, in report order.
    pub themes: Vec<String>,
    /// Each window's theme strengths.
    pub theme_windows: Vec<ThemeWindow>,
    /// How term statuses are read from histories.
    pub options: ShiftOptions,
}

/// The window reports of a run's last timeline, in window order, each made when
/// it is asked for ([`Iterator::next`]); see the module documentation.
pub struct WindowReports {
    parts: Option<Box<ReportParts>>,
    /// Each window's tokens, for term statuses.
    tokens: Vec<u64>,
    scores: std::vec::IntoIter<Vec<TermScore>>,
    next: usize,
}

impl WindowReports {
    /// No windows.
    pub fn empty() -> WindowReports {
        WindowReports {
            parts: None,
            tokens: Vec::new(),
            scores: Vec::new().into_iter(),
            next: 0,
        }
    }

    /// The reports of one timeline.
    pub(crate) fn new(mut parts: ReportParts) -> WindowReports {
        // Chapters are found before: what is left to report needs no unit counts.
        parts.counts.units = Default::default();
        let tokens = parts.counts.windows.iter().map(|w| w.tokens).collect();
        let scores = std::mem::take(&mut parts.scores).into_iter();
        WindowReports {
            parts: Some(Box::new(parts)),
            tokens,
            scores,
            next: 0,
        }
    }

    fn report(&self, index: usize, ranked: Vec<TermScore>) -> Option<WindowReport> {
        let parts = self.parts.as_deref()?;
        let counts = &parts.counts;
        // As a zip of the scores, the windows' counts and their theme windows:
        // the shortest ends the reports.
        let window_counts = counts.windows.get(index)?;
        let theme_window = parts.theme_windows.get(index)?;
        let window = parts.windows.window(index);
        let terms = ranked
            .into_iter()
            .zip(1..)
            .map(|(s, rank)| RankedTerm {
                rank,
                term: counts.terms[s.term as usize].term.clone(),
                label: counts.label(s.term),
                window_label: counts.window_label(index, s.term),
                score: s.score,
                count: s.count,
                status: shift::term_status(
                    &parts.histories[&s.term],
                    &self.tokens,
                    index,
                    &parts.options,
                ),
            })
            .collect();
        let themes = parts
            .themes
            .iter()
            .enumerate()
            .map(|(t, theme)| ThemeScore {
                theme: theme.clone(),
                score: theme_window.strength[t],
                share: theme_window.share[t],
                tokens: theme_window.tokens[t],
            })
            .collect();
        Some(WindowReport {
            source: parts.source.clone(),
            index,
            start: TimeValue::new(window.start, parts.axis),
            end: TimeValue::new(window.end, parts.axis),
            start_ms: window.start,
            end_ms: window.end,
            label: parts.labels[index].clone(),
            end_label: offset_label(window.end, parts.axis),
            documents: window_counts.documents,
            segments: window_counts.segments,
            tokens: window_counts.tokens,
            partial: window.start < parts.extent.start || window.end > parts.extent.end,
            dominant: theme_window.dominant().map(|t| parts.themes[t].clone()),
            terms,
            themes,
        })
    }
}

impl Iterator for WindowReports {
    type Item = WindowReport;

    fn next(&mut self) -> Option<WindowReport> {
        let ranked = self.scores.next()?;
        let index = self.next;
        self.next += 1;
        self.report(index, ranked)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.scores.size_hint()
    }
}

impl ExactSizeIterator for WindowReports {}

impl std::fmt::Debug for WindowReports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowReports")
            .field("next", &self.next)
            .field("left", &self.scores.len())
            .finish()
    }
}
