//! Where a recording's topic changes: chapter boundaries found from the text at a
//! fine time resolution, independent of the run's windows.
//!
//! The method is TextTiling (Hearst 1997) on time rather than on sentences, chosen
//! by measurement against TopicTiling-, C99- and BayesSeg-style alternatives (see
//! `EVALUATION.md`). A recording is cut into units of 30 s; each unit holds the
//! term counts of the words spoken in it (each word at its own time), so phrase
//! cues of 2 s and transcript lines of 6 s give the same units. At every unit edge
//! the terms of the two minutes before and the two minutes after are compared
//! (cosine of TF-IDF vectors, with the recording's units as the documents); the
//! similarities are smoothed over three edges, and each local minimum gets
//! Hearst's depth score: how far the similarity climbs on both sides before it
//! falls again. Boundaries are the minima whose depth is at least the mean minus
//! half a standard deviation of the minima's depths (Hearst's cutoff), so the
//! number of chapters comes from the text, not from a parameter; then, deepest
//! first, those that leave every chapter at least two minutes long are kept, and
//! each is moved to the start of the segment with the longest silence before it
//! within a quarter of a minute.
//!
//! A user may ask for a number of chapters instead ([`SegmentOptions::chapters`]),
//! and change the shortest chapter; everything else follows from the data.
//! [`titles`] names each chapter by its most distinctive terms.

pub mod titles;

use crate::count::packed::Pairs;
use crate::count::{Pause, TermId};
use crate::time::Millis;

/// The options of segmentation.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentOptions {
    /// The length of a unit (30 s).
    pub unit: Millis,
    /// Units compared on each side of an edge (4: two minutes).
    pub block: usize,
    /// Edges a similarity is averaged over (3), centred.
    pub smoothing: usize,
    /// The shortest chapter (2 minutes); boundaries are also at least this far
    /// from the start and the end.
    pub min_chapter: Millis,
    /// A number of chapters to find instead of the depth cutoff's.
    pub chapters: Option<usize>,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            unit: 30_000,
            block: 4,
            smoothing: 3,
            min_chapter: 120_000,
            chapters: None,
        }
    }
}

/// What segmentation reads of one recording: its units' term counts and the
/// pauses near each unit edge.
///
/// A unit is any list of pairs (`U`): owned, or borrowed from counts that are held
/// anyway, so that a caller need not copy them.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'a, U: Pairs = Vec<(TermId, u64)>> {
    /// The length of a unit.
    pub unit: Millis,
    /// `(term, count)` of each unit, sorted by term; unit `u` covers
    /// `[u·unit, (u+1)·unit)` of the recording.
    pub units: &'a [U],
    /// The best pause near the edge before each unit (times on the run's axis).
    pub pauses: &'a [Option<Pause>],
    /// Where the recording starts on the run's axis.
    pub origin: Millis,
    /// How long it lasts.
    pub duration: Millis,
}

/// A chapter boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    /// Where the new chapter starts, on the run's axis.
    pub at: Millis,
    /// The unit edge the text changes at, before moving to a pause.
    pub edge: Millis,
    /// Its depth score: how much the lexical cohesion dips there (0 to 2).
    pub depth: f64,
}

/// The similarity of the text before and after each inner unit edge `g = 1 ..
/// n−1` (index `g − 1`), smoothed.
pub fn edge_scores<U: Pairs + Sync>(units: &[U], options: &SegmentOptions) -> Vec<f64> {
    let n = units.len();
    if n < 2 {
        return Vec::new();
    }
    // Inverse document frequency with the units as documents (scikit-learn's
    // smooth idf): a word said throughout says little about where topics turn.
    let mut df: rustc_hash::FxHashMap<TermId, u64> = rustc_hash::FxHashMap::default();
    for unit in units {
        for (term, _) in unit.pairs() {
            *df.entry(term).or_default() += 1;
        }
    }
    // Each term's idf once, not once per edge it is near.
    let mut idfs = vec![0.0; df.keys().max().map_or(0, |&t| t as usize + 1)];
    for (&term, &d) in &df {
        idfs[term as usize] = ((1.0 + n as f64) / (1.0 + d as f64)).ln() + 1.0;
    }
    let idf = |term: TermId| idfs[term as usize];
    let block = options.block.max(1);
    // Every edge on its own, in parallel: a long recording is one task
    // otherwise, and the serial tail of a run on two cores.
    use rayon::prelude::*;
    let sims: Vec<f64> = (1..n)
        .into_par_iter()
        .map(|g| {
            let left = sum_units(&units[g.saturating_sub(block)..g]);
            let right = sum_units(&units[g..(g + block).min(n)]);
            cosine(&left, &right, idf)
        })
        .collect();
    smooth(&sims, options.smoothing)
}

/// The counts of several units added up, sorted by term.
///
/// Each unit is sorted by term already, so they are merged one after another
/// rather than concatenated and sorted: a sort per side of every edge was most of
/// segmentation's time on recordings of short lines.
fn sum_units<U: Pairs>(units: &[U]) -> Vec<(TermId, u64)> {
    let mut summed: Vec<(TermId, u64)> = Vec::new();
    let mut merged: Vec<(TermId, u64)> = Vec::new();
    // A term listed twice in one unit still comes out once.
    let push =
        |merged: &mut Vec<(TermId, u64)>, (term, count): (TermId, u64)| match merged.last_mut() {
            Some((t, c)) if *t == term => *c += count,
            _ => merged.push((term, count)),
        };
    for unit in units {
        let mut unit = unit.pairs().peekable();
        merged.clear();
        merged.reserve(summed.len() + unit.size_hint().0);
        let mut i = 0;
        loop {
            let next = match (summed.get(i), unit.peek()) {
                (None, None) => break,
                // The sum so far first among equal terms.
                (Some(&pair), theirs) if theirs.is_none_or(|t| pair.0 <= t.0) => {
                    i += 1;
                    pair
                }
                _ => unit.next().expect("peeked"),
            };
            push(&mut merged, next);
        }
        std::mem::swap(&mut summed, &mut merged);
    }
    summed
}

/// The cosine of two count vectors weighted by `idf` (0 when either is empty).
fn cosine(a: &[(TermId, u64)], b: &[(TermId, u64)], idf: impl Fn(TermId) -> f64) -> f64 {
    let norm = |v: &[(TermId, u64)]| {
        v.iter()
            .map(|&(t, c)| (c as f64 * idf(t)).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let w = idf(a[i].0);
                dot += a[i].1 as f64 * w * b[j].1 as f64 * w;
                i += 1;
                j += 1;
            }
        }
    }
    dot / (na * nb)
}

/// A centred moving average over `width` values, truncated at the ends.
fn smooth(values: &[f64], width: usize) -> Vec<f64> {
    if width <= 1 {
        return values.to_vec();
    }
    let half = width / 2;
    (0..values.len())
        .map(|i| {
            let window = &values[i.saturating_sub(half)..(i + half + 1).min(values.len())];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect()
}

/// Hearst's depth at every edge: climb left while the score does not fall, climb
/// right likewise; depth = (left peak − score) + (right peak − score).
pub fn depths(scores: &[f64]) -> Vec<f64> {
    let n = scores.len();
    (0..n)
        .map(|g| {
            let mut l = g;
            while l > 0 && scores[l - 1] >= scores[l] {
                l -= 1;
            }
            let mut r = g;
            while r + 1 < n && scores[r + 1] >= scores[r] {
                r += 1;
            }
            (scores[l] - scores[g]) + (scores[r] - scores[g])
        })
        .collect()
}

/// The edges whose score is below the one before and not above the one after
/// (on a flat valley floor, its first edge); the ends count with one neighbour.
fn local_minima(scores: &[f64]) -> Vec<usize> {
    let n = scores.len();
    (0..n)
        .filter(|&g| {
            let left = if g > 0 { scores[g - 1] } else { f64::INFINITY };
            let right = if g + 1 < n {
                scores[g + 1]
            } else {
                f64::INFINITY
            };
            scores[g] < left && scores[g] <= right
        })
        .collect()
}

/// The chapter boundaries of a recording.
pub fn boundaries<U: Pairs + Sync>(
    recording: &Recording<'_, U>,
    options: &SegmentOptions,
) -> Vec<Boundary> {
    let duration = recording.duration;
    let scores = edge_scores(recording.units, options);
    if scores.len() < 2 {
        return Vec::new();
    }
    let depth = depths(&scores);
    let minima = local_minima(&scores);
    // Edge index i in `scores` is the unit edge g = i + 1.
    let time = |i: usize| (i as Millis + 1) * recording.unit;
    let mut candidates: Vec<usize> = match options.chapters {
        Some(_) => {
            // The asked-for count: minima by depth first, then the other edges.
            let mut rest: Vec<usize> = (0..scores.len()).filter(|i| !minima.contains(i)).collect();
            rest.sort_by(|&a, &b| {
                depth[b]
                    .total_cmp(&depth[a])
                    .then(scores[a].total_cmp(&scores[b]))
            });
            let mut ranked = by_depth(&minima, &depth, &time);
            ranked.extend(rest);
            ranked
        }
        None => {
            if minima.is_empty() {
                return Vec::new();
            }
            let pool: Vec<f64> = minima.iter().map(|&i| depth[i]).collect();
            let mean = pool.iter().sum::<f64>() / pool.len() as f64;
            let sd =
                (pool.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / pool.len() as f64).sqrt();
            let cutoff = mean - sd / 2.0;
            let kept: Vec<usize> = minima
                .iter()
                .copied()
                .filter(|&i| depth[i] >= cutoff && depth[i] > 0.0)
                .collect();
            by_depth(&kept, &depth, &time)
        }
    };
    let wanted = options.chapters.map(|n| n.saturating_sub(1));
    let mut accepted: Vec<usize> = Vec::new();
    for i in candidates.drain(..) {
        if wanted.is_some_and(|w| accepted.len() >= w) {
            break;
        }
        let t = time(i);
        let spaced = t >= options.min_chapter
            && duration - t >= options.min_chapter
            && accepted
                .iter()
                .all(|&a| (time(a) - t).abs() >= options.min_chapter);
        if spaced {
            accepted.push(i);
        }
    }
    let mut found: Vec<Boundary> = accepted
        .into_iter()
        .map(|i| {
            let edge = recording.origin + time(i);
            // At the start of the segment after the longest silence near the edge.
            let at = recording
                .pauses
                .get(i + 1)
                .copied()
                .flatten()
                .map_or(edge, |p| p.at);
            Boundary {
                at,
                edge,
                depth: depth[i],
            }
        })
        .collect();
    found.sort_by_key(|b| b.at);
    found.dedup_by_key(|b| b.at);
    found
}

/// `edges` by depth, deepest first; ties to the earlier.
fn by_depth(edges: &[usize], depth: &[f64], time: &impl Fn(usize) -> Millis) -> Vec<usize> {
    let mut ranked = edges.to_vec();
    ranked.sort_by(|&a, &b| depth[b].total_cmp(&depth[a]).then(time(a).cmp(&time(b))));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units of a recording that talks of terms `0..5` for `a` units, then of
    /// terms `5..10` for `b` units.
    fn two_topics(a: usize, b: usize) -> Vec<Vec<(TermId, u64)>> {
        let unit = |base: TermId, i: usize| -> Vec<(TermId, u64)> {
            // Each unit names three of its topic's five terms, rotating.
            let mut terms: Vec<(TermId, u64)> = (0..3)
                .map(|k| (base + ((i + k) % 5) as TermId, 2))
                .collect();
            terms.sort_unstable();
            terms
        };
        (0..a)
            .map(|i| unit(0, i))
            .chain((0..b).map(|i| unit(5, i)))
            .collect()
    }

    fn recording<'a>(
        units: &'a [Vec<(TermId, u64)>],
        pauses: &'a [Option<Pause>],
    ) -> Recording<'a> {
        Recording {
            unit: 30_000,
            units,
            pauses,
            origin: 0,
            duration: units.len() as Millis * 30_000,
        }
    }

    #[test]
    fn a_change_of_vocabulary_is_a_boundary_at_its_edge() {
        let units = two_topics(20, 20);
        let found = boundaries(&recording(&units, &[]), &SegmentOptions::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].at, 20 * 30_000);
        assert!(found[0].depth > 1.0, "{found:?}");
    }

    #[test]
    fn one_topic_throughout_has_no_boundary() {
        let units = two_topics(40, 0);
        let found = boundaries(&recording(&units, &[]), &SegmentOptions::default());
        assert!(found.iter().all(|b| b.depth < 0.2), "{found:?}");
    }

    #[test]
    fn chapters_are_at_least_the_shortest_chapter_long() {
        // A change after one minute is too close to the start.
        let units = two_topics(2, 30);
        let found = boundaries(&recording(&units, &[]), &SegmentOptions::default());
        assert!(found.iter().all(|b| b.at >= 120_000), "{found:?}");
    }

    #[test]
    fn a_boundary_moves_to_the_longest_silence_nearby() {
        let units = two_topics(20, 20);
        let mut pauses = vec![None; 40];
        pauses[20] = Some(Pause {
            edge: 20 * 30_000,
            at: 20 * 30_000 + 9_000,
            silence: 4_000,
        });
        let found = boundaries(&recording(&units, &pauses), &SegmentOptions::default());
        assert_eq!(found[0].at, 20 * 30_000 + 9_000);
        assert_eq!(found[0].edge, 20 * 30_000);
    }

    #[test]
    fn a_count_can_be_asked_for() {
        let units = two_topics(20, 20);
        let options = SegmentOptions {
            chapters: Some(3),
            ..SegmentOptions::default()
        };
        let found = boundaries(&recording(&units, &[]), &options);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(|b| b.at == 20 * 30_000));
    }

    #[test]
    fn depth_climbs_to_the_peaks_on_both_sides() {
        let d = depths(&[0.9, 0.5, 0.2, 0.6, 0.7, 0.4]);
        assert!((d[2] - ((0.9 - 0.2) + (0.7 - 0.2))).abs() < 1e-12);
        assert_eq!(local_minima(&[0.9, 0.5, 0.2, 0.6, 0.7, 0.4]), [2, 5]);
    }
}
