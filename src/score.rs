//! TF-IDF with windows as documents, exactly as scikit-learn computes it.
//!
//! Each window is a document and the run's windows are the collection, so a term
//! scores high in a window when it is frequent there and rare in the other windows:
//! what the conversation was about *then*. The variants are scikit-learn's
//! `TfidfVectorizer` options, with the same formulas and the same order of
//! floating-point operations, so any score can be checked against it (a test does,
//! to 1e-9, with fixtures scikit-learn produced):
//!
//! | option | formula |
//! | --- | --- |
//! | `tf raw` / `sublinear` | `count` / `1 + ln(count)` |
//! | `idf smooth` / `plain` / `none` | `ln((1+n)/(1+df)) + 1` / `ln(n/df) + 1` / `1` |
//! | `norm l2` / `l1` / `none` | `x / ‖x‖₂` / `x / ‖x‖₁` / `x` |
//!
//! `n` counts every window, empty ones included, as scikit-learn counts empty
//! documents. Windows are independent once IDF is known, so they are scored in
//! parallel with rayon; each window's arithmetic runs in term order, so results do
//! not depend on the number of threads.

use std::cmp::Ordering;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{IdfMode, NormMode, TfMode};
use crate::count::{Counts, TermId, WindowCounts};

/// A term's score in one window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TermScore {
    /// The term.
    pub term: TermId,
    /// Its score.
    pub score: f64,
    /// Its count in the window.
    pub count: u64,
}

/// The TF-IDF variant of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TfIdf {
    /// Term-frequency variant.
    pub tf: TfMode,
    /// IDF variant.
    pub idf: IdfMode,
    /// Normalisation.
    pub norm: NormMode,
}

/// Which terms take part in scoring: those seen at least `min_count` times in the run.
pub fn vocabulary_mask(counts: &Counts, min_count: u64) -> Vec<bool> {
    counts.terms.iter().map(|t| t.total >= min_count).collect()
}

impl TfIdf {
    /// IDF weight of every term (0 for terms outside `mask`).
    pub fn idf_weights(&self, counts: &Counts, mask: &[bool]) -> Vec<f64> {
        let mut df = vec![0u64; counts.terms.len()];
        for window in &counts.windows {
            for &(term, _) in &window.terms {
                df[term as usize] += 1;
            }
        }
        let n = counts.windows.len() as f64;
        df.iter()
            .zip(mask)
            .map(|(&df, &kept)| {
                if !kept || df == 0 {
                    return 0.0;
                }
                let df = df as f64;
                match self.idf {
                    IdfMode::Smooth => ((1.0 + n) / (1.0 + df)).ln() + 1.0,
                    IdfMode::Plain => (n / df).ln() + 1.0,
                    IdfMode::None => 1.0,
                }
            })
            .collect()
    }

    /// Scores every kept term of one window, in term order.
    pub fn score_window(
        &self,
        window: &WindowCounts,
        mask: &[bool],
        idf: &[f64],
    ) -> Vec<TermScore> {
        let mut scores: Vec<TermScore> = window
            .terms
            .iter()
            .filter(|&&(term, _)| mask[term as usize])
            .map(|&(term, count)| {
                let tf = match self.tf {
                    TfMode::Raw => count as f64,
                    TfMode::Sublinear => (count as f64).ln() + 1.0,
                };
                TermScore {
                    term,
                    score: tf * idf[term as usize],
                    count,
                }
            })
            .collect();
        let norm = match self.norm {
            NormMode::None => return scores,
            NormMode::L1 => scores.iter().map(|s| s.score.abs()).sum::<f64>(),
            NormMode::L2 => scores.iter().map(|s| s.score * s.score).sum::<f64>().sqrt(),
        };
        if norm > 0.0 {
            for s in &mut scores {
                s.score /= norm;
            }
        }
        scores
    }

    /// Scores every window in parallel; each window's scores are in term order.
    pub fn score(&self, counts: &Counts, min_count: u64) -> Vec<Vec<TermScore>> {
        let mask = vocabulary_mask(counts, min_count);
        let idf = self.idf_weights(counts, &mask);
        counts
            .windows
            .par_iter()
            .map(|window| self.score_window(window, &mask, &idf))
            .collect()
    }
}

/// Orders scores for ranking: score descending, then term ascending. Term ids
/// follow the terms' sorted order, so this is also alphabetical among equals.
pub fn rank_order(a: &TermScore, b: &TermScore) -> Ordering {
    b.score.total_cmp(&a.score).then(a.term.cmp(&b.term))
}

/// The `top` best-ranked scores (all of them when `top` is 0), best first.
pub fn top_terms(mut scores: Vec<TermScore>, top: usize) -> Vec<TermScore> {
    if top > 0 && scores.len() > top {
        scores.select_nth_unstable_by(top - 1, rank_order);
        scores.truncate(top);
    }
    scores.sort_unstable_by(rank_order);
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    /// Three windows: "a a b", "b c", "" (empty).
    fn sample() -> Counts {
        let mut b = CountBuilder::new();
        for (w, term) in [(0, "a"), (0, "a"), (0, "b"), (1, "b"), (1, "c")] {
            b.add(term, term, w..w + 1);
        }
        b.finish(3)
    }

    fn tfidf(tf: TfMode, idf: IdfMode, norm: NormMode) -> TfIdf {
        TfIdf { tf, idf, norm }
    }

    #[test]
    fn smooth_idf_raw_tf_l2_by_hand() {
        let scores = tfidf(TfMode::Raw, IdfMode::Smooth, NormMode::L2).score(&sample(), 1);
        // n = 3; idf(a) = ln(4/2)+1, idf(b) = ln(4/3)+1.
        let (ia, ib) = ((2.0f64).ln() + 1.0, (4.0f64 / 3.0).ln() + 1.0);
        let (xa, xb) = (2.0 * ia, ib);
        let norm = (xa * xa + xb * xb).sqrt();
        assert_eq!(scores[0].len(), 2);
        assert!((scores[0][0].score - xa / norm).abs() < 1e-15);
        assert!((scores[0][1].score - xb / norm).abs() < 1e-15);
        assert_eq!(scores[0][0].count, 2);
        assert!(scores[2].is_empty(), "the empty window has no scores");
    }

    #[test]
    fn plain_idf_sublinear_tf_l1() {
        let scores = tfidf(TfMode::Sublinear, IdfMode::Plain, NormMode::L1).score(&sample(), 1);
        let (xa, xb) = ((2.0f64).ln() + 1.0, 1.0);
        let xa = xa * ((3.0f64 / 1.0).ln() + 1.0);
        let xb = xb * ((3.0f64 / 2.0).ln() + 1.0);
        assert!((scores[0][0].score - xa / (xa + xb)).abs() < 1e-15);
        let total: f64 = scores[1].iter().map(|s| s.score).sum();
        assert!((total - 1.0).abs() < 1e-15);
    }

    #[test]
    fn no_idf_no_norm_is_the_raw_count() {
        let scores = tfidf(TfMode::Raw, IdfMode::None, NormMode::None).score(&sample(), 1);
        let raw: Vec<f64> = scores[0].iter().map(|s| s.score).collect();
        assert_eq!(raw, [2.0, 1.0]);
    }

    #[test]
    fn min_count_prunes_before_normalising() {
        let scores = tfidf(TfMode::Raw, IdfMode::None, NormMode::L1).score(&sample(), 2);
        // "c" (once) is gone, so window 1 holds only "b", whose share is all of it.
        assert_eq!(scores[1].len(), 1);
        assert_eq!(scores[1][0].score, 1.0);
    }

    #[test]
    fn ranking_breaks_ties_by_term() {
        let s = |term, score| TermScore {
            term,
            score,
            count: 1,
        };
        let ranked = top_terms(vec![s(3, 0.5), s(1, 0.9), s(2, 0.5), s(0, 0.5)], 3);
        let order: Vec<_> = ranked.iter().map(|s| s.term).collect();
        assert_eq!(order, [1, 0, 2]);
        assert_eq!(top_terms(vec![s(1, 0.1), s(0, 0.2)], 0).len(), 2);
    }
}
