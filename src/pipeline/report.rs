//! The stages after counting, and the [`Timeline`] they make.
//!
//! For each timeline: phrases claim their words, themes are measured or
//! discovered, every window is scored, shifts are found, and the results are
//! written into the output model, but for the window reports, which are made as
//! the outputs take them (`windows.rs`). Then the timelines' statistics are
//! summed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::Pipeline;
use super::chapters::{ChapterInput, place_shifts};
use super::speakers::remask;
use super::tape::ChunkTape;
use super::themes::SpeakerParts;
use super::windows::{Frame, RankedWindows, WindowReports};
use crate::Error;
use crate::config::GroupBy;
use crate::count::claim::Phrase;
use crate::count::{Counts, TermId};
use crate::ingest::{Ingested, LineCounts};
use crate::score::{TermScore, boilerplate_mask, top_terms, vocabulary_mask};
use crate::shard::Counted;
use crate::shift::{self, Shift, TermHistory};
use crate::stem::Language;
use crate::theme::{Origin, Theme, ThemeWindow};
use crate::time::{TimeAxis, offset_label};
use crate::timeline::{
    BoilerplateTerm, FormCount, Meta, SCHEMA_VERSION, ShiftReport, Statistics, TermReport,
    ThemeMember, ThemeReport, TimeValue, Timeline, UnassignedTerm,
};
use crate::tokenize::TokenStats;
use crate::window::{WindowLength, Windows};

/// How many unassigned terms a timeline reports.
const UNASSIGNED: usize = 20;

/// One timeline as the reports see it.
pub(super) struct GroupView<'a> {
    pub(super) source: &'a Option<String>,
    /// The speaker, for a speaker's timeline.
    pub(super) speaker: Option<String>,
    pub(super) windows: &'a Windows,
    pub(super) axis: TimeAxis,
    /// Each window's label.
    pub(super) labels: &'a [String],
}

impl Pipeline {
    /// The run's options as they were applied: `window` auto becomes the length
    /// it chose (that of the first timeline), so the outputs say which.
    fn settled_options(&self, group_windows: &[Windows]) -> crate::Config {
        let mut options = self.config.clone();
        if options.window == WindowLength::Auto {
            match group_windows.first() {
                Some(Windows::Grid(grid)) => options.window = WindowLength::Duration(grid.size),
                Some(Windows::Calendar { unit, .. }) => {
                    options.window = WindowLength::Calendar(*unit);
                }
                _ => {}
            }
        }
        options
    }

    /// The stages after counting, on counted timelines laid over `windows`. With
    /// the text (`ingested`, and each timeline's chunks recorded while counting),
    /// themes can be discovered; without it only a lexicon's themes can be
    /// measured. The [`Timeline`] holds no window
    /// reports: they come after it, each made as it is taken.
    pub(crate) fn assemble(
        &self,
        counted: Counted,
        group_windows: Vec<Windows>,
        text: Option<(&Ingested, Vec<Option<ChunkTape>>)>,
    ) -> Result<(Timeline, WindowReports), Error> {
        let axis = counted.axis;
        let options = self.settled_options(&group_windows);
        self.progress()
            .scoring(counted.groups.iter().map(|g| g.counts.windows.len()).sum());
        let mut windows = WindowReports::default();
        let mut tokens = TokenStats::default();
        let mut terms = BTreeSet::new();
        let mut terms_scored = BTreeSet::new();
        let mut terms_ranked: BTreeMap<String, TermReport> = BTreeMap::new();
        let mut kept_phrases: BTreeMap<String, Phrase> = BTreeMap::new();
        let (mut themes, mut shifts, mut unassigned, mut discovery, mut chapters) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let paths: Vec<String> = counted.sources.iter().map(|s| s.path.clone()).collect();
        let analysed_in = analysed_in(&counted.sources);
        let (ingested, mut tapes) = match text {
            Some((ingested, tapes)) => (Some(ingested), tapes),
            None => (None, Vec::new()),
        };
        let mut set_aside: Vec<BoilerplateTerm> = Vec::new();
        let mut speaker_reports = Vec::new();
        for (index, (counted_group, group_windows)) in
            counted.groups.into_iter().zip(group_windows).enumerate()
        {
            let (counts, phrases) = self.claim(counted_group.counts);
            let speakers = self.claim_speakers(counted_group.speakers, &phrases);
            let frame = Arc::new(Frame {
                labels: (0..counts.windows.len())
                    .map(|w| group_windows.label(w, axis, &self.config.tz))
                    .collect(),
                source: counted_group.source,
                windows: group_windows,
                extent: counted_group.extent,
                axis,
            });
            let view = GroupView {
                source: &frame.source,
                speaker: None,
                windows: &frame.windows,
                axis,
                labels: &frame.labels,
            };
            let tape = tapes.get_mut(index).and_then(Option::take);
            let boilerplate = boilerplate_mask(&counts, self.config.boilerplate);
            for (id, _) in boilerplate.iter().enumerate().filter(|&(_, &b)| b) {
                let info = &counts.terms[id];
                set_aside.push(BoilerplateTerm {
                    term: info.term.clone(),
                    label: counts.label(id as TermId),
                    documents: info.documents,
                    of: counts.documents,
                });
            }
            let parts = SpeakerParts {
                speakers: &speakers,
                names: ingested.map_or(&[][..], |ingested| ingested.speakers.as_slice()),
            };
            let ((group_themes, theme_windows, discovered), speaker_windows) =
                self.timings.time("theme", || {
                    self.themes(tape.as_ref(), &analysed_in, &counts, &boilerplate, parts)
                })?;
            let mut timelines = Vec::new();
            // A speaker's timeline is cut from the recording's: its windows,
            // themes and chapters stay shared, so speakers compare window by
            // window; only terms and shifts are the speaker's own.
            if self.config.group_by == GroupBy::Speaker {
                for (speaker, windows) in speakers.iter().zip(&speaker_windows) {
                    let view = GroupView {
                        speaker: Some(speaker.name.clone()),
                        ..view
                    };
                    let masked = remask(&counts, &boilerplate, &speaker.counts);
                    let (ranked, shifts) = self.timeline_reports(
                        &view,
                        &speaker.counts,
                        &group_themes,
                        windows,
                        &masked,
                    );
                    timelines.push((view.speaker, ranked, shifts));
                }
            } else {
                let (ranked, shifts) = self.timeline_reports(
                    &view,
                    &counts,
                    &group_themes,
                    &theme_windows,
                    &boilerplate,
                );
                timelines.push((None, ranked, shifts));
            }
            let group_chapters = self.timings.time("segment", || {
                self.chapters(&ChapterInput {
                    source: view.source,
                    counts: &counts,
                    grids: &counted_group.grids,
                    paths: &paths,
                    windows: view.windows,
                    labels: view.labels,
                    axis,
                    themes: &group_themes,
                    theme_windows: &theme_windows,
                    boilerplate: &boilerplate,
                })
            });
            for (speaker, ranked, group_shifts) in &mut timelines {
                if !counted_group.grids.is_empty() {
                    place_shifts(group_shifts, &group_chapters, view.windows, axis);
                }
                shifts.append(group_shifts);
                if group_themes.iter().any(|t| t.origin == Origin::Lexicon) {
                    unassigned.extend(unassigned_terms(
                        &group_themes,
                        view.source,
                        speaker,
                        ranked,
                    ));
                }
                for term in ranked.terms() {
                    if !terms_ranked.contains_key(term)
                        && let Some(id) = counts.find(term)
                    {
                        terms_ranked.insert(term.to_string(), term_report(&counts, id));
                    }
                }
            }
            chapters.extend(group_chapters);
            speaker_reports.extend(self.speaker_reports(
                &view,
                &counts,
                &boilerplate,
                &speakers,
                &speaker_windows,
                &group_themes,
            ));
            let names: Arc<[String]> = group_themes.iter().map(|t| t.name.clone()).collect();
            themes.extend(theme_reports(&view, &counts, group_themes, &theme_windows));
            discovery.extend(discovered);
            // The timelines' theme windows have had their last other reader.
            let theme_sets = if self.config.group_by == GroupBy::Speaker {
                speaker_windows
            } else {
                vec![theme_windows]
            };
            for ((speaker, ranked, _), theme_windows) in timelines.into_iter().zip(theme_sets) {
                windows.push(frame.clone(), speaker, names.clone(), ranked, theme_windows);
            }
            for phrase in phrases {
                kept_phrases.entry(phrase.term.clone()).or_insert(phrase);
            }
            tokens.merge(&counts.tokens);
            let mask = vocabulary_mask(&counts, self.config.min_count);
            for (info, kept) in counts.terms.iter().zip(mask) {
                if kept {
                    terms_scored.insert(info.term.clone());
                }
                terms.insert(info.term.clone());
            }
        }
        let mut lines = LineCounts::default();
        let mut skipped_lines: BTreeMap<&'static str, u64> = BTreeMap::new();
        for source in &counted.sources {
            lines.add(&source.lines);
            for (kind, n) in &source.skipped_lines {
                *skipped_lines.entry(kind.name()).or_default() += n;
            }
        }
        let statistics = Statistics {
            lines,
            skipped_lines,
            documents: counted.documents,
            segments: counted.segments,
            words: tokens.words,
            tokens: tokens.kept,
            dropped: tokens.dropped,
            stage_directions: tokens.stage_directions,
            terms: terms.len() as u64,
            terms_scored: terms_scored.len() as u64,
            protected: tokens.protected,
            repairs: tokens.repairs.clone(),
            phrases: {
                let mut phrases: Vec<Phrase> = kept_phrases.into_values().collect();
                phrases.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
                phrases
            },
            windows: windows.len() as u64,
            discovery,
            diagnostics: counted.diagnostic_counts,
            boilerplate: {
                set_aside.sort_by(|a, b| {
                    (b.documents * a.of.max(1))
                        .cmp(&(a.documents * b.of.max(1)))
                        .then(a.term.cmp(&b.term))
                });
                set_aside.dedup_by(|a, b| a.term == b.term);
                set_aside.truncate(50);
                set_aside
            },
        };
        let terms = terms_ranked
            .into_values()
            .map(|mut report| {
                report.repaired_from = report
                    .forms
                    .iter()
                    .flat_map(|f| tokens.repairs.get(&f.form).into_iter().flatten())
                    .map(|(variant, &count)| FormCount {
                        form: variant.clone(),
                        count,
                    })
                    .collect();
                report
                    .repaired_from
                    .sort_by(|a, b| b.count.cmp(&a.count).then(a.form.cmp(&b.form)));
                report
            })
            .collect();
        let timeline = Timeline {
            schema_version: SCHEMA_VERSION,
            meta: Meta {
                tool: "themeline",
                version: env!("CARGO_PKG_VERSION"),
                time_axis: axis,
                inputs: counted.sources,
                options,
                statistics,
                diagnostics: counted.diagnostics,
            },
            windows: Vec::new(),
            terms,
            themes,
            shifts,
            chapters,
            unassigned,
            speakers: speaker_reports,
        };
        Ok((timeline, windows))
    }

    /// One timeline's windows and shifts: its windows scored (as what their
    /// reports are made from), its shifts found.
    fn timeline_reports(
        &self,
        view: &GroupView<'_>,
        counts: &Counts,
        themes: &[Theme],
        theme_windows: &[ThemeWindow],
        boilerplate: &[bool],
    ) -> (RankedWindows, Vec<ShiftReport>) {
        let mut scores = self
            .timings
            .time("score", || self.score(counts, boilerplate));
        let (histories, events) = self.timings.time("shift", || {
            self.shift(counts, &scores, themes, theme_windows, view.labels)
        });
        // A window is reported when it has its scores, its counts and its
        // themes' strengths.
        scores.truncate(counts.windows.len().min(theme_windows.len()));
        let ranked = RankedWindows::new(counts, scores, &histories, &self.config.shift_options());
        (ranked, shift_reports(view, events))
    }

    /// The score stage: each window's best terms, ranked.
    /// Boilerplate is scored like any term but never ranks.
    fn score(&self, counts: &Counts, boilerplate: &[bool]) -> Vec<Vec<TermScore>> {
        let config = &self.config;
        config
            .scorer()
            .score_each(counts, config.min_count, |mut scores| {
                scores.retain(|s| !boilerplate[s.term as usize]);
                let top = top_terms(scores, config.top);
                // Window by window, so a bar over many windows moves instead of
                // jumping from 0 to all of them when the stage ends.
                self.progress().scored(1);
                top
            })
    }

    /// The shift stage: the history (and bursts) of every term that ranks
    /// somewhere, and the events: theme changes and bursts, in time order.
    fn shift(
        &self,
        counts: &Counts,
        scores: &[Vec<TermScore>],
        themes: &[Theme],
        theme_windows: &[ThemeWindow],
        labels: &[String],
    ) -> (BTreeMap<TermId, TermHistory>, Vec<Shift>) {
        let options = self.config.shift_options();
        let mut ranked_ids: Vec<TermId> = scores.iter().flatten().map(|s| s.term).collect();
        ranked_ids.sort_unstable();
        ranked_ids.dedup();
        let histories: BTreeMap<TermId, TermHistory> = ranked_ids
            .iter()
            .copied()
            .zip(TermHistory::of_terms(counts, &ranked_ids, &options))
            .collect();
        let mut events = shift::theme_shifts(themes, theme_windows, counts, &options);
        events.extend(shift::burst_shifts(counts, &histories, labels));
        shift::sort(&mut events);
        (histories, events)
    }
}

/// One timeline's shift events, as reported.
fn shift_reports(view: &GroupView<'_>, events: Vec<Shift>) -> Vec<ShiftReport> {
    events
        .into_iter()
        .map(|event| {
            let at = view.windows.window(event.window).start;
            let until = view.windows.window(event.end_window).end;
            ShiftReport {
                source: view.source.clone(),
                speaker: view.speaker.clone(),
                at: TimeValue::new(at, view.axis),
                at_ms: at,
                until: TimeValue::new(until, view.axis),
                until_ms: until,
                window: event.window,
                label: view.labels[event.window].clone(),
                until_label: offset_label(until, view.axis),
                kind: event.kind,
                subject: event.subject,
                from: event.from,
                to: event.to,
                strength: event.strength,
                share_before: event.share_before,
                share_after: event.share_after,
                evidence: event.evidence,
            }
        })
        .collect()
}

/// One timeline's themes, as reported.
fn theme_reports(
    view: &GroupView<'_>,
    counts: &Counts,
    themes: Vec<Theme>,
    theme_windows: &[ThemeWindow],
) -> Vec<ThemeReport> {
    themes
        .into_iter()
        .enumerate()
        .map(|(t, theme)| ThemeReport {
            source: view.source.clone(),
            tokens: theme_windows.iter().map(|w| w.tokens[t]).sum(),
            members: theme
                .members
                .iter()
                .map(|(term, weight)| ThemeMember {
                    term: term.clone(),
                    label: counts
                        .find(term)
                        .map_or_else(|| term.clone(), |id| counts.label(id)),
                    weight: *weight,
                })
                .collect(),
            name: theme.name,
            origin: theme.origin,
            description: theme.description,
            unmatched: theme.unmatched,
            top_terms: theme.top_terms,
        })
        .collect()
}

/// The ranked terms of a timeline's windows (`ranked`, of `source` and
/// `speaker`) that are members of no theme, by best score.
fn unassigned_terms(
    themes: &[Theme],
    source: &Option<String>,
    speaker: &Option<String>,
    ranked: &RankedWindows,
) -> Vec<UnassignedTerm> {
    let members: BTreeSet<&str> = themes
        .iter()
        .flat_map(|t| t.members.iter().map(|(term, _)| term.as_str()))
        .collect();
    let mut best: BTreeMap<&str, UnassignedTerm> = BTreeMap::new();
    for (window, term, label, score) in ranked.ranked() {
        if members.contains(term) {
            continue;
        }
        let entry = best.entry(term).or_insert_with(|| UnassignedTerm {
            source: source.clone(),
            speaker: speaker.clone(),
            term: term.to_string(),
            label: label.to_string(),
            score,
            window,
            windows: 0,
        });
        entry.windows += 1;
        if score > entry.score {
            entry.score = score;
            entry.window = window;
        }
    }
    let mut list: Vec<UnassignedTerm> = best.into_values().collect();
    list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    list.truncate(UNASSIGNED);
    list
}

/// Everything merged into one term: its forms, most frequent first.
fn term_report(counts: &Counts, id: TermId) -> TermReport {
    let info = &counts.terms[id as usize];
    let mut forms: Vec<FormCount> = counts.forms
        [info.forms.start as usize..info.forms.end as usize]
        .iter()
        .map(|f| FormCount {
            form: f.form.clone(),
            count: f.total,
        })
        .collect();
    forms.sort_by(|a, b| b.count.cmp(&a.count).then(a.form.cmp(&b.form)));
    TermReport {
        term: info.term.clone(),
        label: counts.label(id),
        phrase: info.is_phrase(),
        total: info.total,
        forms,
        repaired_from: Vec::new(),
    }
}

/// The languages the sources' text was analysed in: each source's own and those
/// its records took from their own text, in a fixed order. A shard merge finds
/// the same set in the shards' sources as the run on all the text.
fn analysed_in(sources: &[crate::ingest::Source]) -> Vec<Language> {
    let languages: BTreeSet<Language> = sources
        .iter()
        .flat_map(|s| {
            s.language
                .into_iter()
                .chain(s.segment_languages.keys().copied())
        })
        .collect();
    languages.into_iter().collect()
}
