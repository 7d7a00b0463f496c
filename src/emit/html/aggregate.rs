//! What the report keeps of the windows: per timeline, at most [`MAX_COLUMNS`]
//! display columns, built as the windows stream by.
//!
//! The page cannot show more columns than its chart has pixels (the plot is 1,104
//! units wide), and a heat table of a million rows is not a table anyone reads,
//! yet `--bins 1000000` gives a million windows. So the sink does not keep the
//! windows: it folds each one into the last column of its timeline. While a
//! timeline has at most [`MAX_COLUMNS`] windows, a column is one window, kept
//! exactly as the page shows it (the page is then what it always was). When one
//! more arrives, neighbouring columns merge pairwise and each column covers twice
//! as many windows, which keeps between half the cap and the cap of columns, each
//! (but the last) covering the same power of two of windows, whatever the number
//! of windows, without knowing it in advance. A merged column's theme shares are
//! its windows' shares weighted by their tokens (a window without theme terms
//! counts as a gap, as in the chart of single windows); its terms are the
//! [`TABLE_TERMS`] that score highest in any of its windows, which merging two
//! columns' lists gives exactly. What the page says over every window (each
//! theme's mean share, the best score, the widest row) is summed as the windows
//! come, in window order, so it is the same number the windows themselves give.

use crate::timeline::{RankedTerm, ShiftReport, TermStatus, WindowReport};

/// Most display columns of one timeline's chart and heat table.
pub(super) const MAX_COLUMNS: usize = 1000;

/// Most ranked terms per column shown in the heat table.
pub(super) const TABLE_TERMS: usize = 10;

/// Names in the order they were first seen, each once.
#[derive(Debug, Default, Clone)]
pub struct NameList {
    names: Vec<String>,
}

impl NameList {
    /// The position of `name`, added at the end if it is new.
    pub fn add(&mut self, name: &str) -> usize {
        match self.position(name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        }
    }

    /// The position of `name`, if it is in the list.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Every timeline of the run, as the page shows it.
#[derive(Debug, Default)]
pub(super) struct Run {
    /// Windows seen, over all timelines.
    pub(super) windows: usize,
    /// Theme names in the order the windows mention them.
    pub(super) names: NameList,
    /// The timelines, in the order their windows came.
    pub(super) series: Vec<Series>,
}

impl Run {
    /// Folds in the next window.
    pub(super) fn add(&mut self, window: &WindowReport) {
        self.windows += 1;
        let source = window.timeline();
        if self
            .series
            .last()
            .is_none_or(|s| s.source.as_deref() != source)
        {
            self.series.push(Series::new(source));
        }
        let series = self.series.last_mut().expect("pushed above");
        let known = series.names.len();
        series.add(window);
        // A name new to the run is new to its timeline: look only at those.
        for name in &series.names[known..] {
            self.names.add(name);
        }
    }
}

/// One timeline (a source's windows with `--group-by source`, a speaker's with
/// `--group-by speaker`, or all of them).
#[derive(Debug)]
pub(super) struct Series {
    /// The source or speaker of the timeline, when timelines are per source or
    /// per speaker.
    pub(super) source: Option<String>,
    /// Windows seen.
    pub(super) windows: usize,
    /// Theme names in the order this timeline's windows mention them; the columns'
    /// shares are in this order.
    pub(super) names: Vec<String>,
    /// Each theme's share summed over the windows, for the mean share.
    pub(super) share_sums: Vec<f64>,
    /// Whether any window has a theme share above 0.
    pub(super) any_share: bool,
    /// Most ranked terms of a window, up to [`TABLE_TERMS`].
    pub(super) terms_width: usize,
    /// The best finite score of any term of any window (0 when none is above 0).
    pub(super) best: f64,
    /// The first and the last window's labels.
    pub(super) first_label: String,
    pub(super) last_label: String,
    /// Windows per column (a power of two); 1 while the windows fit.
    pub(super) per: usize,
    pub(super) columns: Vec<Column>,
    /// This window's shares in `names` order, reused from window to window.
    scratch: Vec<f64>,
}

impl Series {
    fn new(source: Option<&str>) -> Self {
        Series {
            source: source.map(String::from),
            windows: 0,
            names: Vec::new(),
            share_sums: Vec::new(),
            any_share: false,
            terms_width: 0,
            best: 0.0,
            first_label: String::new(),
            last_label: String::new(),
            per: 1,
            columns: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Folds in the next window of this timeline.
    fn add(&mut self, window: &WindowReport) {
        let mut slots: Vec<usize> = Vec::with_capacity(window.themes.len());
        for (i, theme) in window.themes.iter().enumerate() {
            // Windows list their themes in the same order: check the same place first.
            let slot = match self.names.get(i) {
                Some(name) if *name == theme.theme => i,
                _ => match self.names.iter().position(|n| *n == theme.theme) {
                    Some(slot) => slot,
                    None => {
                        self.names.push(theme.theme.clone());
                        self.names.len() - 1
                    }
                },
            };
            slots.push(slot);
        }
        self.scratch.clear();
        self.scratch.resize(self.names.len(), 0.0);
        // In reverse, so that the first of two entries of one name counts, as a
        // lookup by name finds it.
        for (theme, &slot) in window.themes.iter().zip(&slots).rev() {
            self.scratch[slot] = theme.share;
        }
        self.share_sums.resize(self.names.len(), 0.0);
        for (sum, share) in self.share_sums.iter_mut().zip(&self.scratch) {
            *sum += share;
        }
        self.any_share |= window.themes.iter().any(|t| t.share > 0.0);
        self.terms_width = self.terms_width.max(window.terms.len().min(TABLE_TERMS));
        for term in &window.terms {
            if term.score.is_finite() {
                self.best = self.best.max(term.score);
            }
        }
        if self.windows == 0 {
            self.first_label.clone_from(&window.label);
        }
        self.last_label.clone_from(&window.label);
        self.windows += 1;

        match self.columns.last_mut() {
            Some(last) if last.windows < self.per => last.absorb(window, &self.scratch),
            _ => self.columns.push(Column::of(window, &self.scratch)),
        }
        if self.columns.len() > MAX_COLUMNS {
            self.per *= 2;
            let columns = std::mem::take(&mut self.columns);
            let mut pairs = columns.into_iter();
            while let Some(mut column) = pairs.next() {
                if let Some(next) = pairs.next() {
                    column.merge(next);
                }
                self.columns.push(column);
            }
        }
    }

    /// Whether the columns are windows (the timeline fits) rather than runs of them.
    pub(super) fn is_aggregated(&self) -> bool {
        self.per > 1
    }

    /// The column holding the shift's window (with the shift's time in it).
    pub(super) fn column_of(&self, shift: &ShiftReport) -> Option<usize> {
        let i = self.columns.partition_point(|c| c.last < shift.window);
        let column = self.columns.get(i)?;
        (column.first <= shift.window
            && (column.start_ms..=column.last_start_ms).contains(&shift.at_ms))
        .then_some(i)
    }
}

/// One column of the chart and row of the heat table: a window, or a run of
/// consecutive windows.
#[derive(Debug)]
pub(super) struct Column {
    /// The first and last window's indices in the timeline.
    pub(super) first: usize,
    pub(super) last: usize,
    /// The first window's start, the last window's start and end.
    pub(super) start_ms: i64,
    pub(super) last_start_ms: i64,
    pub(super) end_ms: i64,
    /// The first window's label; the last window's label and end label.
    pub(super) label: String,
    pub(super) last_label: String,
    pub(super) end_label: Option<String>,
    pub(super) windows: usize,
    pub(super) tokens: u64,
    /// Whether the data starts or ends inside one of its windows.
    pub(super) partial: bool,
    /// Each theme's share, in the timeline's `names` order (missing ones are 0):
    /// a window's own, or its windows' token-weighted mean.
    pub(super) shares: Vec<f64>,
    /// A window's dominant theme; for a run of windows, see [`Column::dominant`].
    dominant: Option<String>,
    /// A window's ranked terms in rank order; for a run of windows, the terms that
    /// score highest in any of them, best first.
    pub(super) terms: Vec<Cell>,
}

/// A term in a column of the heat table.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) term: String,
    pub(super) label: String,
    pub(super) score: f64,
    pub(super) count: u64,
    pub(super) status: TermStatus,
    /// The label of the window it scores this in, when the column is a run of
    /// windows.
    pub(super) at: Option<String>,
}

impl Cell {
    fn of(term: &RankedTerm, at: Option<&str>) -> Self {
        Cell {
            term: term.term.clone(),
            label: term.label.clone(),
            score: term.score,
            count: term.count,
            status: term.status,
            at: at.map(String::from),
        }
    }

    /// Whether a score of `score` for `term` ranks before this cell: by score,
    /// then by term, the order of the windows' rankings.
    fn beaten_by(&self, score: f64, term: &str) -> bool {
        score
            .total_cmp(&self.score)
            .then_with(|| self.term.as_str().cmp(term))
            .is_gt()
    }
}

impl Column {
    /// A column of one window, whose shares in the timeline's order are `shares`.
    fn of(window: &WindowReport, shares: &[f64]) -> Self {
        Column {
            first: window.index,
            last: window.index,
            start_ms: window.start_ms,
            last_start_ms: window.start_ms,
            end_ms: window.end_ms,
            label: window.label.clone(),
            last_label: window.label.clone(),
            end_label: window.end_label.clone(),
            windows: 1,
            tokens: window.tokens,
            partial: window.partial,
            shares: shares.to_vec(),
            dominant: window.dominant.clone(),
            terms: window
                .terms
                .iter()
                .take(TABLE_TERMS)
                .map(|t| Cell::of(t, None))
                .collect(),
        }
    }

    /// The dominant theme: a window's own; for a run of windows, the one of the
    /// largest share (the first of equals) among the timeline's `names`, `None`
    /// when every share is 0.
    pub(super) fn dominant<'a>(&'a self, names: &'a [String]) -> Option<&'a str> {
        if self.windows == 1 {
            return self.dominant.as_deref();
        }
        let mut best: Option<(usize, f64)> = None;
        for (i, &share) in self.shares.iter().enumerate() {
            if share > 0.0 && best.is_none_or(|(_, b)| share > b) {
                best = Some((i, share));
            }
        }
        best.and_then(|(i, _)| names.get(i)).map(String::as_str)
    }

    /// `0:05:00–0:10:00` (recordings) or `2024-03-20 – 2024-04-02` (dates): the
    /// time the column covers.
    pub(super) fn range(&self) -> String {
        match &self.end_label {
            Some(end) => format!("{}–{end}", self.label),
            None if self.windows == 1 => self.label.clone(),
            None => format!("{} – {}", self.label, self.last_label),
        }
    }

    /// Makes a one-window column a run of windows: its terms learn their window,
    /// in the order merging keeps.
    fn widen(&mut self) {
        if self.windows != 1 {
            return;
        }
        for cell in &mut self.terms {
            cell.at = Some(self.label.clone());
        }
        self.terms.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.term.cmp(&b.term))
        });
        self.dominant = None;
    }

    /// Takes in `term` scoring `score`, if it is among the best (or betters its
    /// own cell); `make` builds the cell only then, so most windows' terms cost
    /// no allocation.
    fn offer(&mut self, score: f64, term: &str, make: impl FnOnce() -> Cell) {
        if let Some(i) = self.terms.iter().position(|c| c.term == term) {
            if !self.terms[i].beaten_by(score, term) {
                return;
            }
            self.terms.remove(i);
        } else if self.terms.len() == TABLE_TERMS
            && !self.terms[TABLE_TERMS - 1].beaten_by(score, term)
        {
            return;
        }
        let at = self.terms.partition_point(|c| !c.beaten_by(score, term));
        self.terms.insert(at, make());
        self.terms.truncate(TABLE_TERMS);
    }

    /// Shares weighted by tokens (by windows where neither side has a token).
    fn mix_shares(&mut self, shares: &[f64], tokens: u64, windows: usize) {
        let (mine, theirs) = if self.tokens + tokens > 0 {
            (self.tokens as f64, tokens as f64)
        } else {
            (self.windows as f64, windows as f64)
        };
        let total = mine + theirs;
        if self.shares.len() < shares.len() {
            self.shares.resize(shares.len(), 0.0);
        }
        for (i, share) in self.shares.iter_mut().enumerate() {
            let other = shares.get(i).copied().unwrap_or(0.0);
            *share = (*share * mine + other * theirs) / total;
        }
    }

    /// Folds in the next window, whose shares in the timeline's order are `shares`.
    fn absorb(&mut self, window: &WindowReport, shares: &[f64]) {
        self.widen();
        self.mix_shares(shares, window.tokens, 1);
        for term in window.terms.iter().take(TABLE_TERMS) {
            self.offer(term.score, &term.term, || {
                Cell::of(term, Some(&window.label))
            });
        }
        self.last = window.index;
        self.last_start_ms = window.start_ms;
        self.end_ms = window.end_ms;
        self.last_label.clone_from(&window.label);
        self.end_label.clone_from(&window.end_label);
        self.windows += 1;
        self.tokens += window.tokens;
        self.partial |= window.partial;
    }

    /// Folds in the column that follows this one.
    fn merge(&mut self, mut next: Column) {
        self.widen();
        next.widen();
        self.mix_shares(&next.shares, next.tokens, next.windows);
        for cell in next.terms {
            let (score, term) = (cell.score, cell.term.clone());
            self.offer(score, &term, || cell);
        }
        self.last = next.last;
        self.last_start_ms = next.last_start_ms;
        self.end_ms = next.end_ms;
        self.last_label = next.last_label;
        self.end_label = next.end_label;
        self.windows += next.windows;
        self.tokens += next.tokens;
        self.partial |= next.partial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::testing;

    fn run(timeline: &crate::timeline::Timeline) -> Run {
        let mut run = Run::default();
        for window in &timeline.windows {
            run.add(window);
        }
        run
    }

    #[test]
    fn windows_that_fit_are_kept_one_per_column() {
        let timeline = testing::talk();
        let run = run(&timeline);
        assert_eq!(run.windows, 3);
        assert_eq!(run.names.names(), ["AI/ML", "security", "observability"]);
        let series = &run.series[0];
        assert!(!series.is_aggregated());
        assert_eq!(series.columns.len(), 3);
        for (column, window) in series.columns.iter().zip(&timeline.windows) {
            assert_eq!(column.windows, 1);
            assert_eq!(column.label, window.label);
            assert_eq!(column.dominant(&series.names), window.dominant.as_deref());
            let terms: Vec<&str> = column.terms.iter().map(|c| c.term.as_str()).collect();
            let expected: Vec<&str> = window.terms.iter().map(|t| t.term.as_str()).collect();
            assert_eq!(terms, expected);
            for (share, theme) in column.shares.iter().zip(&window.themes) {
                assert_eq!(*share, theme.share);
            }
        }
        assert_eq!(series.share_sums[0], 1.0 + 0.0 + 0.429);
        assert_eq!(series.best, 0.682);
        assert_eq!(series.terms_width, 6);
        assert_eq!(
            (series.first_label.as_str(), series.last_label.as_str()),
            ("0:00:00", "0:05:00")
        );
    }

    #[test]
    fn each_source_is_a_series_and_names_keep_the_run_order() {
        let run = run(&testing::two_sources());
        let sources: Vec<_> = run.series.iter().map(|s| s.source.as_deref()).collect();
        assert_eq!(sources, [Some("a.txt"), Some("b.txt")]);
        assert_eq!(run.series[1].names, ["security", "AI/ML"]);
        assert_eq!(run.names.names(), ["AI/ML", "security", "observability"]);
    }

    #[test]
    fn many_windows_fold_into_at_most_the_cap_of_equal_columns() {
        let n = 50_000;
        let timeline = testing::long(n);
        let run = run(&timeline);
        let series = &run.series[0];
        assert!(series.is_aggregated());
        // The smallest power of two that fits 50,000 windows in 1,000 columns.
        assert_eq!(series.per, 64);
        assert_eq!(series.columns.len(), n.div_ceil(64));
        assert!(series.columns.len() <= MAX_COLUMNS && series.columns.len() > MAX_COLUMNS / 2);
        // Contiguous, covering every window once, all but the last of `per`.
        let mut next = 0;
        for (i, column) in series.columns.iter().enumerate() {
            assert_eq!(column.first, next);
            assert_eq!(column.last - column.first + 1, column.windows);
            if i + 1 < series.columns.len() {
                assert_eq!(column.windows, 64);
            }
            assert!(column.terms.len() <= TABLE_TERMS);
            next = column.last + 1;
        }
        assert_eq!(next, n);
        assert_eq!(
            series.columns.iter().map(|c| c.tokens).sum::<u64>(),
            timeline.windows.iter().map(|w| w.tokens).sum::<u64>()
        );
        // What the sink keeps is bounded by the columns, not by the windows.
        let cells: usize = series.columns.iter().map(|c| c.terms.len()).sum();
        assert!(cells <= MAX_COLUMNS * TABLE_TERMS);
        assert!(series.columns.iter().all(|c| c.shares.len() == 2));
        // The mean share still counts every window.
        let exact: f64 = timeline.windows.iter().map(|w| w.themes[1].share).sum();
        assert_eq!(series.share_sums[1], exact);
    }

    #[test]
    fn a_run_of_windows_has_token_weighted_shares_and_the_best_terms_of_any() {
        let timeline = testing::talk();
        let mut column = Column::of(&timeline.windows[0], &[1.0, 0.0, 0.0]);
        column.absorb(&timeline.windows[1], &[0.0, 1.0, 0.0]);
        // 10 tokens all AI/ML, 7 all security.
        assert_eq!(column.shares, [10.0 / 17.0, 7.0 / 17.0, 0.0]);
        assert_eq!(
            column.dominant(&["AI/ML".into(), "security".into()]),
            Some("AI/ML")
        );
        assert_eq!(column.range(), "0:00:00–0:05:00");
        assert_eq!((column.windows, column.tokens), (2, 17));
        let best: Vec<(&str, Option<&str>)> = column
            .terms
            .iter()
            .map(|c| (c.term.as_str(), c.at.as_deref()))
            .collect();
        assert_eq!(
            best,
            [
                ("ai", Some("0:00:00")),
                ("secur", Some("0:02:30")),
                ("sign", Some("0:02:30")),
                ("suppli chain", Some("0:02:30")),
                ("vulner", Some("0:02:30")),
                ("polici", Some("0:02:30")),
                ("agent", Some("0:00:00")),
                ("gpus", Some("0:00:00")),
                ("machin learn", Some("0:00:00")),
                ("model", Some("0:00:00")),
            ]
        );
        // A term seen again keeps its best score and the window of it.
        let mut later = Column::of(&timeline.windows[2], &[0.429, 0.571, 0.0]);
        later.widen();
        column.merge(later);
        let ai = column.terms.iter().find(|c| c.term == "ai").unwrap();
        assert_eq!((ai.score, ai.at.as_deref()), (0.682, Some("0:00:00")));
        let polici = column.terms.iter().find(|c| c.term == "polici").unwrap();
        assert_eq!(
            (polici.score, polici.at.as_deref()),
            (0.577, Some("0:05:00"))
        );
        assert_eq!(column.terms.len(), TABLE_TERMS);
        assert!(column.partial);
    }

    #[test]
    fn a_shift_finds_the_column_of_its_window() {
        let timeline = testing::long(5_000);
        let run = run(&timeline);
        let series = &run.series[0];
        for shift in &timeline.shifts {
            let i = series.column_of(shift).expect("a column");
            let column = &series.columns[i];
            assert!((column.first..=column.last).contains(&shift.window));
        }
        let mut stray = timeline.shifts[0].clone();
        stray.at_ms = -1;
        assert_eq!(series.column_of(&stray), None);
    }
}
