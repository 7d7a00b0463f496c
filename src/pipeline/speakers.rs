//! Speakers as a dimension: who says how much of a timeline, what they say more
//! than the others, and which themes they carry, window by window.
//!
//! A timeline's speaker counts (see [`crate::count::speakers`]) are claimed by
//! the phrases the whole timeline kept and measured with its themes (the same
//! strengths and shares, with the IDF of the whole timeline, so the speakers'
//! theme tokens of a window add up to the window's). From them come the
//! [`SpeakerReport`]s, and with `--group-by speaker` each speaker's own
//! timeline (in `report.rs`).

use rayon::prelude::*;

use super::Pipeline;
use super::report::GroupView;
use crate::count::claim::{self, Phrase};
use crate::count::speakers::SpeakerCounts;
use crate::count::{Counts, TermId};
use crate::score::keyness::signed_g2;
use crate::score::vocabulary_mask;
use crate::theme::{Theme, ThemeWindow};
use crate::timeline::{SpeakerReport, SpeakerTerm, SpeakerTheme, SpeakerWindow, TimeValue};
use crate::tokenize::phrases::PhraseMode;

/// How many distinctive terms a speaker lists.
const SPEAKER_TERMS: usize = 10;

impl Pipeline {
    /// Lets the phrases the whole timeline kept claim their words in each
    /// speaker's counts.
    pub(super) fn claim_speakers(
        &self,
        speakers: Vec<SpeakerCounts>,
        phrases: &[Phrase],
    ) -> Vec<SpeakerCounts> {
        if self.phrases.mode == PhraseMode::Off || speakers.is_empty() {
            return speakers;
        }
        self.timings.time("phrases", || {
            speakers
                .into_par_iter()
                .map(|s| SpeakerCounts {
                    counts: claim::apply(s.counts, phrases),
                    ..s
                })
                .collect()
        })
    }

    /// The speakers of one timeline, as reported: `speakers` (claimed) with
    /// their theme windows `windows`, against the timeline's `counts` (claimed)
    /// and `themes`; the terms of `boilerplate` are never distinctive.
    pub(super) fn speaker_reports(
        &self,
        view: &GroupView<'_>,
        counts: &Counts,
        boilerplate: &[bool],
        speakers: &[SpeakerCounts],
        windows: &[Vec<ThemeWindow>],
        themes: &[Theme],
    ) -> Vec<SpeakerReport> {
        if speakers.is_empty() {
            return Vec::new();
        }
        let mut mask = vocabulary_mask(counts, self.config.min_count);
        for (kept, &b) in mask.iter_mut().zip(boilerplate) {
            *kept &= !b;
        }
        let whole = term_totals(counts, counts, &mask);
        let whole_n: u64 = whole.iter().sum();
        let window_tokens: Vec<u64> = counts.windows.iter().map(|w| w.tokens).collect();
        let all_tokens: u64 = speakers.iter().map(|s| tokens_once(&s.counts)).sum();
        let all_spoken: i64 = speakers.iter().map(|s| s.spoken).sum();
        let k = themes.len();
        // Per speaker and theme, their theme tokens over the timeline; per window
        // and theme, everyone's.
        let totals: Vec<Vec<f64>> = windows
            .iter()
            .map(|w| {
                (0..k)
                    .map(|t| w.iter().map(|x| x.tokens[t]).sum())
                    .collect()
            })
            .collect();
        let everyone: Vec<f64> = (0..k).map(|t| totals.iter().map(|s| s[t]).sum()).collect();
        let in_window: Vec<Vec<f64>> = (0..counts.windows.len())
            .map(|w| {
                (0..k)
                    .map(|t| {
                        windows
                            .iter()
                            .map(|s| s.get(w).map_or(0.0, |x| x.tokens[t]))
                            .sum()
                    })
                    .collect()
            })
            .collect();
        let part = |n: f64, of: f64| if of > 0.0 { n / of } else { 0.0 };
        speakers
            .iter()
            .zip(windows)
            .enumerate()
            .map(|(s, (speaker, theme_windows))| {
                let own = term_totals(counts, &speaker.counts, &mask);
                let own_n: u64 = own.iter().sum();
                let terms = distinctive(counts, &own, &whole, own_n, whole_n);
                let tokens = tokens_once(&speaker.counts);
                let overall = ThemeWindow::from_tokens(totals[s].clone(), tokens);
                let leads = (0..k)
                    .filter(|&t| {
                        totals[s][t] > 0.0
                            && totals.iter().enumerate().all(|(o, other)| {
                                other[t] < totals[s][t] || (other[t] == totals[s][t] && o >= s)
                            })
                    })
                    .fold(None, |best: Option<usize>, t| match best {
                        Some(b)
                            if part(totals[s][b], everyone[b])
                                >= part(totals[s][t], everyone[t]) =>
                        {
                            Some(b)
                        }
                        _ => Some(t),
                    });
                let speaker_windows = speaker
                    .counts
                    .windows
                    .iter()
                    .zip(theme_windows)
                    .enumerate()
                    .filter(|(_, (w, _))| w.tokens > 0 || w.segments > 0)
                    .map(|(w, (window, themed))| {
                        let at = view.windows.window(w);
                        SpeakerWindow {
                            window: w,
                            start: TimeValue::new(at.start, view.axis),
                            end: TimeValue::new(at.end, view.axis),
                            label: view.labels[w].clone(),
                            tokens: window.tokens,
                            share_of_window: part(window.tokens as f64, window_tokens[w] as f64),
                            themes: themes
                                .iter()
                                .enumerate()
                                .map(|(t, theme)| SpeakerTheme {
                                    theme: theme.name.clone(),
                                    share: themed.share[t],
                                    tokens: themed.tokens[t],
                                    share_of_theme: part(themed.tokens[t], in_window[w][t]),
                                })
                                .collect(),
                        }
                    })
                    .collect();
                SpeakerReport {
                    source: view.source.clone(),
                    name: speaker.name.clone(),
                    tokens,
                    share: part(tokens as f64, all_tokens as f64),
                    seconds: speaker.spoken as f64 / 1000.0,
                    time_share: part(speaker.spoken as f64, all_spoken as f64),
                    terms,
                    dominant: overall.dominant().map(|t| themes[t].name.clone()),
                    leads: leads.map(|t| themes[t].name.clone()),
                    themes: themes
                        .iter()
                        .enumerate()
                        .map(|(t, theme)| SpeakerTheme {
                            theme: theme.name.clone(),
                            share: overall.share[t],
                            tokens: totals[s][t],
                            share_of_theme: part(totals[s][t], everyone[t]),
                        })
                        .collect(),
                    windows: speaker_windows,
                }
            })
            .collect()
    }
}

/// The tokens of `counts`, each once however many windows it falls in: its
/// words' totals (phrases claim window counts, never the totals).
fn tokens_once(counts: &Counts) -> u64 {
    counts
        .terms
        .iter()
        .filter(|t| !t.is_phrase())
        .map(|t| t.total)
        .sum()
}

/// Each term of `whole`'s vocabulary (by its ids) counted over the windows of
/// `part` (`whole` itself, or a speaker's counts), 0 outside `mask`.
fn term_totals(whole: &Counts, part: &Counts, mask: &[bool]) -> Vec<u64> {
    let ids: Vec<Option<TermId>> = part.terms.iter().map(|t| whole.find(&t.term)).collect();
    let mut totals = vec![0u64; whole.terms.len()];
    for window in &part.windows {
        for (term, n) in &window.terms {
            if let Some(id) = ids[term as usize]
                && mask[id as usize]
            {
                totals[id as usize] += n;
            }
        }
    }
    totals
}

/// The terms a speaker (`own` counts of `own_n`) uses more than the rest of the
/// timeline (`whole` counts of `whole_n`, the speaker's included), by signed G²,
/// best first, ties by term.
fn distinctive(
    counts: &Counts,
    own: &[u64],
    whole: &[u64],
    own_n: u64,
    whole_n: u64,
) -> Vec<SpeakerTerm> {
    let rest_n = whole_n.saturating_sub(own_n) as f64;
    let mut scored: Vec<(f64, TermId)> = own
        .iter()
        .zip(whole)
        .enumerate()
        .filter(|&(_, (&a, _))| a > 0)
        .map(|(id, (&a, &all))| {
            let g2 = signed_g2(a as f64, (all - a) as f64, own_n as f64, rest_n);
            (g2, id as TermId)
        })
        .filter(|&(g2, _)| g2 > 0.0)
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0).then_with(|| {
            counts.terms[a.1 as usize]
                .term
                .cmp(&counts.terms[b.1 as usize].term)
        })
    });
    scored
        .into_iter()
        .take(SPEAKER_TERMS)
        .map(|(g2, id)| SpeakerTerm {
            term: counts.terms[id as usize].term.clone(),
            label: counts.label(id),
            count: own[id as usize],
            g2,
        })
        .collect()
}

/// `boilerplate` (over `whole`'s vocabulary) over the vocabulary of `part`.
pub(super) fn remask(whole: &Counts, boilerplate: &[bool], part: &Counts) -> Vec<bool> {
    part.terms
        .iter()
        .map(|t| {
            whole
                .find(&t.term)
                .is_some_and(|id| boilerplate[id as usize])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    #[test]
    fn a_speaker_s_distinctive_terms_are_what_they_say_more_than_the_rest() {
        let mut whole = CountBuilder::new();
        let mut own = CountBuilder::new();
        for (term, n, mine) in [("kube", 6, 5), ("secur", 6, 1), ("other", 8, 4)] {
            for i in 0..n {
                whole.add(term, term, 0..1);
                if i < mine {
                    own.add(term, term, 0..1);
                }
            }
        }
        let (whole, own) = (whole.finish(1), own.finish(1));
        let mask = vec![true; whole.terms.len()];
        let all = term_totals(&whole, &whole, &mask);
        let mine = term_totals(&whole, &own, &mask);
        assert_eq!(mine, [5, 4, 1], "by the whole's ids: kube, other, secur");
        let terms = distinctive(&whole, &mine, &all, 10, 20);
        let names: Vec<&str> = terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(names, ["kube"], "over-used only; secur is under-used");
        assert!(terms[0].g2 > 0.0);
        assert_eq!(terms[0].count, 5);
    }
}
