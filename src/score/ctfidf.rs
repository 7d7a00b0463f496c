//! Class-based TF-IDF exactly as BERTopic's `ClassTfidfTransformer` computes it,
//! with windows as the classes.
//!
//! Each window's counts are normalised to frequencies (L1), optionally square-rooted
//! (`reduce_frequent_words`), and weighted by `ln(A / f + 1)`, where `f` is the
//! term's frequency over all windows and `A` the average number of tokens per
//! window, truncated to an integer as BERTopic does (`int(X.sum(axis=1).mean())`);
//! with `bm25_weighting` the weight is `ln(1 + (A − f + 0.5) / (f + 0.5))`.
//! `tests/peer_scores.rs` checks every score against BERTopic's own transformer.
//!
//! BERTopic's `topics_over_time` fits this per time bin and then, with
//! `evolution_tuning`, averages each bin with its neighbour; themeline scores each
//! window on its own counts unless `--smooth` asks for the trailing windows.

use rayon::prelude::*;

use super::{AsOf, TermScore, Windowed};

/// The two switches of BERTopic's `ClassTfidfTransformer`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CTfIdf {
    /// BM25-inspired IDF.
    pub bm25_weighting: bool,
    /// Square root of the frequencies.
    pub reduce_frequent_words: bool,
}

impl CTfIdf {
    fn idf(&self, frequency: u64, average: f64) -> f64 {
        if frequency == 0 {
            return 0.0;
        }
        let f = frequency as f64;
        if self.bm25_weighting {
            (1.0 + (average - f + 0.5) / (f + 0.5)).ln()
        } else {
            (average / f + 1.0).ln()
        }
    }

    fn score_window(
        &self,
        terms: &[(crate::count::TermId, u64)],
        idf: impl Fn(usize, crate::count::TermId) -> f64,
    ) -> Vec<TermScore> {
        let length: f64 = terms.iter().map(|&(_, c)| c as f64).sum();
        terms
            .iter()
            .enumerate()
            .map(|(i, &(term, count))| {
                let mut tf = count as f64 / length;
                if self.reduce_frequent_words {
                    tf = tf.sqrt();
                }
                TermScore {
                    term,
                    score: tf * idf(i, term),
                    count,
                }
            })
            .collect()
    }

    /// Scores every window's terms, in parallel; with `as_of`, frequencies and the
    /// average come from the windows up to each window.
    pub fn score(&self, windows: &Windowed, as_of: Option<&[AsOf]>) -> Vec<Vec<TermScore>> {
        match as_of {
            None => {
                let frequency = windows.term_totals();
                let n = windows.counts.len().max(1) as f64;
                let tokens: u64 = frequency.iter().sum();
                // numpy: int(X.sum(axis=1).mean()), a truncation towards zero.
                let average = (tokens as f64 / n).trunc();
                let idf: Vec<f64> = frequency.iter().map(|&f| self.idf(f, average)).collect();
                windows
                    .counts
                    .par_iter()
                    .map(|terms| self.score_window(terms, |_, term| idf[term as usize]))
                    .collect()
            }
            Some(as_of) => windows
                .counts
                .par_iter()
                .zip(as_of)
                .enumerate()
                .map(|(w, (terms, seen))| {
                    let average = (seen.tokens as f64 / (w + 1) as f64).trunc();
                    self.score_window(terms, |i, _| self.idf(seen.terms[i].1, average))
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        let windows = Windowed {
            counts: vec![vec![(0, 3), (1, 1)], vec![(1, 4)], vec![]],
            terms: 2,
        };
        let scores = CTfIdf::default().score(&windows, None);
        // A = int(8 / 3) = 2; f = 3, 5.
        assert!((scores[0][0].score - 0.75 * (2.0f64 / 3.0 + 1.0).ln()).abs() < 1e-15);
        assert!((scores[1][0].score - (2.0f64 / 5.0 + 1.0).ln()).abs() < 1e-15);
        assert!(scores[2].is_empty());
        let reduced = CTfIdf {
            bm25_weighting: true,
            reduce_frequent_words: true,
        }
        .score(&windows, None);
        let idf = (1.0 + (2.0 - 3.0 + 0.5) / 3.5f64).ln();
        assert!((reduced[0][0].score - 0.75f64.sqrt() * idf).abs() < 1e-15);
    }
}
