//! Okapi BM25 with windows as documents, as the rank_bm25 package computes it.
//!
//! A term's weight in a window saturates with its count (`k1`) and is normalised
//! by the window's length against the average (`b`), so a long window does not win
//! by size alone. IDF is `ln(N − n + 0.5) − ln(n + 0.5)`; a term in more than half
//! the windows would get a negative IDF, which rank_bm25 replaces by `epsilon`
//! times the average IDF, and so does themeline. `tests/peer_scores.rs` checks
//! every score against rank_bm25's `BM25Okapi`.

use super::{TermScore, Windowed};

/// BM25 parameters (rank_bm25's defaults).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bm25 {
    /// Term-frequency saturation.
    pub k1: f64,
    /// Length normalisation, 0 (none) to 1 (full).
    pub b: f64,
    /// Floor for negative IDF, as a fraction of the average IDF.
    pub epsilon: f64,
}

impl Default for Bm25 {
    fn default() -> Self {
        Bm25 {
            k1: 1.5,
            b: 0.75,
            epsilon: 0.25,
        }
    }
}

impl Bm25 {
    /// IDF of every term from document frequencies over `n` windows.
    pub fn idf(&self, df: &[u64], n: usize) -> Vec<f64> {
        let n = n as f64;
        let mut idf: Vec<f64> = df
            .iter()
            .map(|&df| if df == 0 { 0.0 } else { (n - df as f64 + 0.5).ln() - (df as f64 + 0.5).ln() })
            .collect();
        let seen = df.iter().filter(|&&d| d > 0).count();
        if seen > 0 {
            let average = idf.iter().zip(df).filter(|(_, d)| **d > 0).map(|(i, _)| i).sum::<f64>() / seen as f64;
            for (value, &d) in idf.iter_mut().zip(df) {
                if d > 0 && *value < 0.0 {
                    *value = self.epsilon * average;
                }
            }
        }
        idf
    }

    /// Scores every window's terms.
    pub fn score(&self, windows: &Windowed) -> Vec<Vec<TermScore>> {
        let n = windows.counts.len();
        let lengths: Vec<f64> = windows.counts.iter().map(|w| w.iter().map(|&(_, c)| c as f64).sum()).collect();
        let average = lengths.iter().sum::<f64>() / n.max(1) as f64;
        let idf = self.idf(&windows.document_frequency(), n);
        windows
            .counts
            .iter()
            .zip(&lengths)
            .map(|(terms, &length)| {
                terms
                    .iter()
                    .map(|&(term, count)| {
                        let tf = count as f64;
                        let norm = 1.0 - self.b + self.b * length / average;
                        TermScore {
                            term,
                            score: idf[term as usize] * (tf * (self.k1 + 1.0) / (tf + self.k1 * norm)),
                            count,
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
