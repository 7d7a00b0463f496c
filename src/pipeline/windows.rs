//! The window reports of a run, made one at a time as the outputs take them.
//!
//! A window's report holds its ranked terms as strings (term, label, label in the
//! window), each theme's score under the theme's name, and its own copies of its
//! timeline's source, speaker and labels. With 120,000 one-minute windows the
//! reports held whole were the largest part of a run's peak memory, although
//! every output format reads them once, in order (see [`crate::emit::Sink`]). So
//! no timeline's reports are assembled while the run is scored: each timeline
//! keeps only what its reports are made from ([`RankedWindows`]: per window its
//! ranked term ids with their scores, counts and statuses, and the counts of
//! their surface forms in the window; once per timeline the ranked terms'
//! strings) and its theme windows, and [`WindowReports`] makes each report when
//! it is asked for, timeline after timeline, in the order the held reports had.
//!
//! Every timeline is kept so, not only the last: what is kept holds no counts
//! (no term that ranks nowhere, no window's list of every term and form, no unit
//! counts, no term histories) and names a ranked term once per timeline where
//! the reports name it three times in every window it ranks in, so it is never
//! much more than the reports it replaces (a timeline of one window whose ranked
//! terms have many spellings) and far less for a timeline of many windows; runs
//! of many timelines (`--group-by source`, `speaker`) gain like a run of one. The reports are the same values as when they were built
//! together, so every output is the same bytes.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::sync::Arc;

use crate::count::packed::count_of;
use crate::count::{Counts, TermId};
use crate::score::TermScore;
use crate::shift::{self, ShiftOptions, TermHistory, TermStatus};
use crate::theme::ThemeWindow;
use crate::time::{TimeAxis, offset_label};
use crate::timeline::{RankedTerm, ThemeScore, TimeValue, WindowReport};
use crate::window::{Extent, Windows};

/// What the timelines of one counted group share (a group's speakers' timelines
/// are cut from the same windows).
#[derive(Debug)]
pub(super) struct Frame {
    /// The group's source, with `--group-by source`.
    pub(super) source: Option<String>,
    /// Its windows.
    pub(super) windows: Windows,
    /// The extent of its data.
    pub(super) extent: Extent,
    /// The run's axis.
    pub(super) axis: TimeAxis,
    /// Each window's label.
    pub(super) labels: Vec<String>,
}

/// A term that ranks in some window of a timeline.
#[derive(Debug)]
struct Term {
    term: String,
    /// Its label in the whole timeline ([`Counts::label`]), made once here
    /// rather than for every window it ranks in.
    label: String,
    /// Its surface forms: a range of [`RankedWindows::forms`].
    forms: Range<u32>,
}

/// One ranked term of one window.
#[derive(Debug)]
struct Ranked {
    /// Its place in [`RankedWindows::terms`].
    term: u32,
    score: f64,
    count: u64,
    status: TermStatus,
    /// Its forms' counts in the window: a range of [`Window::forms`].
    forms: Range<u32>,
}

/// One window as its report needs it.
#[derive(Debug)]
struct Window {
    documents: u64,
    segments: u64,
    tokens: u64,
    /// In rank order.
    terms: Box<[Ranked]>,
    /// `(form, count)`, a form being a place in [`RankedWindows::forms`]; each
    /// ranked term's forms together, in the order of the counts' form ids.
    forms: Box<[(u32, u64)]>,
}

/// One timeline's windows as their reports need them, without the themes; see
/// the module documentation.
#[derive(Debug)]
pub(super) struct RankedWindows {
    /// The terms that rank somewhere, in term id order.
    terms: Vec<Term>,
    /// The surface forms of [`RankedWindows::terms`], grouped by term.
    forms: Vec<String>,
    windows: Vec<Window>,
}

impl RankedWindows {
    /// The windows of `scores` (one list of ranked terms per window, no more
    /// windows than `counts` has) of a timeline counted as `counts`, with the
    /// `histories` of its ranked terms for their statuses.
    pub(super) fn new(
        counts: &Counts,
        scores: Vec<Vec<TermScore>>,
        histories: &BTreeMap<TermId, TermHistory>,
        options: &ShiftOptions,
    ) -> RankedWindows {
        let tokens: Vec<u64> = counts.windows.iter().map(|w| w.tokens).collect();
        let mut ids: Vec<TermId> = scores.iter().flatten().map(|s| s.term).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut forms = Vec::new();
        let terms: Vec<Term> = ids
            .iter()
            .map(|&id| {
                let info = &counts.terms[id as usize];
                let start = forms.len() as u32;
                forms.extend(
                    counts.forms[info.forms.start as usize..info.forms.end as usize]
                        .iter()
                        .map(|f| f.form.clone()),
                );
                Term {
                    term: info.term.clone(),
                    label: counts.label(id),
                    forms: start..forms.len() as u32,
                }
            })
            .collect();
        // The term counts of the window before, decoded, for the statuses.
        let mut before: Vec<(TermId, u64)> = Vec::new();
        let windows = scores
            .into_iter()
            .enumerate()
            .map(|(index, ranked)| {
                let counted = &counts.windows[index];
                // Decoded once: each ranked term looks its forms up in it.
                let counted_forms = counted.forms.to_vec();
                let counted_terms = counted.terms.to_vec();
                let mut window_forms = Vec::new();
                let terms = ranked
                    .into_iter()
                    .map(|s| {
                        let place = ids.binary_search(&s.term).expect("a ranked term is listed");
                        let range = &counts.terms[s.term as usize].forms;
                        // As `Counts::window_label` finds them: the window's
                        // forms are sorted by form id, so grouped by term.
                        let start = counted_forms.partition_point(|&(f, _)| f < range.start);
                        let end = counted_forms.partition_point(|&(f, _)| f < range.end);
                        let first = window_forms.len() as u32;
                        let base = terms[place].forms.start;
                        window_forms.extend(
                            counted_forms[start..end]
                                .iter()
                                .map(|&(f, n)| (base + (f - range.start), n)),
                        );
                        Ranked {
                            term: place as u32,
                            score: s.score,
                            count: s.count,
                            status: shift::term_status(
                                &histories[&s.term],
                                &tokens,
                                index,
                                (count_of(&counted_terms, s.term), count_of(&before, s.term)),
                                options,
                            ),
                            forms: first..window_forms.len() as u32,
                        }
                    })
                    .collect();
                before = counted_terms;
                Window {
                    documents: counted.documents,
                    segments: counted.segments,
                    tokens: counted.tokens,
                    terms,
                    forms: window_forms.into_boxed_slice(),
                }
            })
            .collect();
        RankedWindows {
            terms,
            forms,
            windows,
        }
    }

    /// Every term that ranks in some window, once, in term order.
    pub(super) fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.term.as_str())
    }

    /// Every ranked term of every window as `(window, term, label, score)`, in
    /// window order and then rank order.
    pub(super) fn ranked(&self) -> impl Iterator<Item = (usize, &str, &str, f64)> {
        self.windows.iter().enumerate().flat_map(move |(index, w)| {
            w.terms.iter().map(move |r| {
                let term = &self.terms[r.term as usize];
                (index, term.term.as_str(), term.label.as_str(), r.score)
            })
        })
    }

    /// A ranked term's label in one window, from its forms there (`forms`) as
    /// [`Counts::window_label`] makes it: its timeline label if it has none.
    fn window_label(&self, term: &Term, forms: &[(u32, u64)]) -> String {
        if forms.is_empty() {
            return term.label.clone();
        }
        crate::count::label(
            forms
                .iter()
                .map(|&(f, n)| (self.forms[f as usize].as_str(), n)),
        )
    }
}

/// One timeline's window reports still to be made.
#[derive(Debug)]
struct TimelineWindows {
    frame: Arc<Frame>,
    /// The speaker, for a speaker's timeline.
    speaker: Option<String>,
    /// The themes' names, in report order.
    themes: Arc<[String]>,
    /// The terms and forms the windows refer to; their windows are taken out.
    parts: RankedWindows,
    windows: std::vec::IntoIter<Window>,
    theme_windows: std::vec::IntoIter<ThemeWindow>,
    next: usize,
}

impl TimelineWindows {
    fn next_report(&mut self) -> Option<WindowReport> {
        let (counted, theme_window) = (self.windows.next()?, self.theme_windows.next()?);
        let index = self.next;
        self.next += 1;
        let frame = &*self.frame;
        let window = frame.windows.window(index);
        let parts = &self.parts;
        let terms = counted
            .terms
            .iter()
            .zip(1..)
            .map(|(r, rank)| {
                let term = &parts.terms[r.term as usize];
                RankedTerm {
                    rank,
                    term: term.term.clone(),
                    label: term.label.clone(),
                    window_label: parts.window_label(
                        term,
                        &counted.forms[r.forms.start as usize..r.forms.end as usize],
                    ),
                    score: r.score,
                    count: r.count,
                    status: r.status,
                }
            })
            .collect();
        let themes = self
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
            source: frame.source.clone(),
            speaker: self.speaker.clone(),
            index,
            start: TimeValue::new(window.start, frame.axis),
            end: TimeValue::new(window.end, frame.axis),
            start_ms: window.start,
            end_ms: window.end,
            label: frame.labels[index].clone(),
            end_label: offset_label(window.end, frame.axis),
            documents: counted.documents,
            segments: counted.segments,
            tokens: counted.tokens,
            partial: window.start < frame.extent.start || window.end > frame.extent.end,
            dominant: theme_window.dominant().map(|t| self.themes[t].clone()),
            terms,
            themes,
        })
    }
}

/// The window reports of a run, in the order of `timeline.json`'s `windows[]`
/// (timeline after timeline, each in window order), each made when it is asked
/// for ([`Iterator::next`]) and what it was made from dropped once made; see the
/// module documentation. From [`crate::Pipeline::run_corpus_streamed`] and
/// [`crate::Pipeline::merge_streamed`], for [`crate::emit::write_formats_with`].
#[derive(Default)]
pub struct WindowReports {
    timelines: VecDeque<TimelineWindows>,
    /// Reports not yet made, over every timeline.
    left: usize,
}

impl WindowReports {
    /// Adds a timeline's reports after those already held: its `ranked`
    /// windows on `frame`, for `speaker`, measured as `theme_windows` against
    /// the themes named `themes`. A window missing from either list is not
    /// reported.
    pub(super) fn push(
        &mut self,
        frame: Arc<Frame>,
        speaker: Option<String>,
        themes: Arc<[String]>,
        mut ranked: RankedWindows,
        mut theme_windows: Vec<ThemeWindow>,
    ) {
        let reported = ranked.windows.len().min(theme_windows.len());
        ranked.windows.truncate(reported);
        theme_windows.truncate(reported);
        let windows = std::mem::take(&mut ranked.windows).into_iter();
        self.left += reported;
        self.timelines.push_back(TimelineWindows {
            frame,
            speaker,
            themes,
            parts: ranked,
            windows,
            theme_windows: theme_windows.into_iter(),
            next: 0,
        });
    }
}

impl Iterator for WindowReports {
    type Item = WindowReport;

    fn next(&mut self) -> Option<WindowReport> {
        loop {
            let timeline = self.timelines.front_mut()?;
            if let Some(report) = timeline.next_report() {
                self.left -= 1;
                return Some(report);
            }
            // Done with: its terms and frame go before the next one's reports.
            self.timelines.pop_front();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for WindowReports {}

impl std::iter::FusedIterator for WindowReports {}

impl std::fmt::Debug for WindowReports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowReports")
            .field("timelines", &self.timelines.len())
            .field("left", &self.left)
            .finish()
    }
}
