//! Class-based TF-IDF exactly as BERTopic's `ClassTfidfTransformer` computes it,
//! with windows as the classes.
//!
//! Each window's counts are normalised to frequencies (L1), optionally square-rooted
//! (`reduce_frequent_words`), and weighted by `ln(A / f + 1)`, where `f` is the
//! term's frequency over all windows and `A` the average number of tokens per
//! window, truncated to an integer as BERTopic does; with `bm25_weighting` the
//! weight is `ln(1 + (A − f + 0.5) / (f + 0.5))`. `tests/peer_scores.rs` checks
//! every score against BERTopic's own transformer.

use super::{TermScore, Windowed};

/// The two switches of BERTopic's `ClassTfidfTransformer`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CTfIdf {
    /// BM25-inspired IDF.
    pub bm25_weighting: bool,
    /// Square root of the frequencies.
    pub reduce_frequent_words: bool,
}

impl CTfIdf {
    /// Scores every window's terms.
    pub fn score(&self, windows: &Windowed) -> Vec<Vec<TermScore>> {
        let frequency = windows.term_totals();
        let n = windows.counts.len().max(1) as f64;
        let tokens: u64 = frequency.iter().sum();
        // numpy: int(X.sum(axis=1).mean()), a truncation towards zero.
        let average = (tokens as f64 / n).trunc();
        let idf: Vec<f64> = frequency
            .iter()
            .map(|&f| {
                if f == 0 {
                    return 0.0;
                }
                let f = f as f64;
                if self.bm25_weighting {
                    (1.0 + (average - f + 0.5) / (f + 0.5)).ln()
                } else {
                    (average / f + 1.0).ln()
                }
            })
            .collect();
        windows
            .counts
            .iter()
            .map(|terms| {
                let length: f64 = terms.iter().map(|&(_, c)| c as f64).sum();
                terms
                    .iter()
                    .map(|&(term, count)| {
                        let mut tf = count as f64 / length;
                        if self.reduce_frequent_words {
                            tf = tf.sqrt();
                        }
                        TermScore {
                            term,
                            score: tf * idf[term as usize],
                            count,
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
