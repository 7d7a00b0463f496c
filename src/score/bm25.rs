//! Okapi BM25 with windows as documents, as the rank_bm25 package computes it.
//!
//! A term's weight in a window saturates with its count (`k1`) and is normalised
//! by the window's length against the average (`b`), so a long window does not win
//! by size alone: `idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))`. IDF is
//! `ln(N − df + 0.5) − ln(df + 0.5)`; a term in more than half the windows would get
//! a negative IDF, which rank_bm25's `BM25Okapi` replaces by `epsilon` times the
//! average IDF of the vocabulary, and so does themeline. `tests/peer_scores.rs`
//! checks every score against `BM25Okapi`.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{AsOf, TermScore, Windowed};

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

/// rank_bm25's raw IDF of a term in `df` of `n` windows.
fn raw_idf(df: u64, n: usize) -> f64 {
    (n as f64 - df as f64 + 0.5).ln() - (df as f64 + 0.5).ln()
}

impl Bm25 {
    /// IDF of every term from document frequencies over `n` windows (0 for terms
    /// in no window).
    pub fn idf(&self, df: &[u64], n: usize) -> Vec<f64> {
        let mut idf: Vec<f64> = df
            .iter()
            .map(|&df| if df == 0 { 0.0 } else { raw_idf(df, n) })
            .collect();
        let seen = df.iter().filter(|&&d| d > 0).count();
        if seen > 0 {
            let average = idf
                .iter()
                .zip(df)
                .filter(|(_, d)| **d > 0)
                .map(|(i, _)| i)
                .sum::<f64>()
                / seen as f64;
            for (value, &d) in idf.iter_mut().zip(df) {
                if d > 0 && *value < 0.0 {
                    *value = self.epsilon * average;
                }
            }
        }
        idf
    }

    fn weight(&self, idf: f64, count: u64, length: f64, average: f64) -> f64 {
        let tf = count as f64;
        let norm = 1.0 - self.b + self.b * length / average;
        idf * (tf * (self.k1 + 1.0) / (tf + self.k1 * norm))
    }

    /// Scores every window's terms, in parallel; with `as_of`, each window sees
    /// only the windows up to it.
    pub fn score(&self, windows: &Windowed, as_of: Option<&[AsOf]>) -> Vec<Vec<TermScore>> {
        let lengths: Vec<f64> = windows.lengths().iter().map(|&l| l as f64).collect();
        match as_of {
            None => {
                let n = windows.counts.len();
                let average = lengths.iter().sum::<f64>() / n.max(1) as f64;
                let idf = self.idf(&windows.document_frequency(), n);
                windows
                    .counts
                    .par_iter()
                    .zip(&lengths)
                    .map(|(terms, &length)| {
                        terms
                            .iter()
                            .map(|&(term, count)| TermScore {
                                term,
                                score: self.weight(idf[term as usize], count, length, average),
                                count,
                            })
                            .collect()
                    })
                    .collect()
            }
            Some(as_of) => {
                let floors = self.as_of_floors(windows);
                windows
                    .counts
                    .par_iter()
                    .zip(as_of)
                    .zip(&lengths)
                    .zip(&floors)
                    .enumerate()
                    .map(|(w, (((terms, seen), &length), &floor))| {
                        let average = seen.tokens as f64 / (w + 1) as f64;
                        terms
                            .iter()
                            .zip(&seen.terms)
                            .map(|(&(term, count), &(df, _))| {
                                let idf = raw_idf(df, w + 1);
                                let idf = if idf < 0.0 { floor } else { idf };
                                TermScore {
                                    term,
                                    score: self.weight(idf, count, length, average),
                                    count,
                                }
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// For each window, `epsilon` times the average IDF of the terms seen up to it.
    /// The average is kept through a histogram of document frequencies, so each
    /// window costs the number of distinct frequencies, not the vocabulary.
    fn as_of_floors(&self, windows: &Windowed) -> Vec<f64> {
        let mut df = vec![0u64; windows.terms];
        let mut histogram: BTreeMap<u64, u64> = BTreeMap::new();
        let mut seen = 0u64;
        windows
            .counts
            .iter()
            .enumerate()
            .map(|(w, terms)| {
                for &(term, _) in terms {
                    let d = &mut df[term as usize];
                    if *d == 0 {
                        seen += 1;
                    } else if let Some(n) = histogram.get_mut(d) {
                        *n -= 1;
                        if *n == 0 {
                            histogram.remove(d);
                        }
                    }
                    *d += 1;
                    *histogram.entry(*d).or_default() += 1;
                }
                if seen == 0 {
                    return 0.0;
                }
                let sum: f64 = histogram
                    .iter()
                    .map(|(&d, &n)| n as f64 * raw_idf(d, w + 1))
                    .sum();
                self.epsilon * sum / seen as f64
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Windowed {
        Windowed {
            counts: vec![vec![(0, 3), (1, 1)], vec![(1, 2), (2, 2)], vec![(1, 1)]],
            terms: 3,
        }
    }

    #[test]
    fn by_hand() {
        let bm25 = Bm25::default();
        let scores = bm25.score(&sample(), None);
        // df: 1, 3, 1 over 3 windows; term 1 is in all, so its IDF is negative and floored.
        let (i0, i1) = (raw_idf(1, 3), raw_idf(3, 3));
        assert!(i1 < 0.0);
        let floor = 0.25 * (i0 + i1 + i0) / 3.0;
        let average = 9.0 / 3.0;
        let expected = |idf: f64, tf: f64, len: f64| {
            idf * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * len / average))
        };
        assert!((scores[0][0].score - expected(i0, 3.0, 4.0)).abs() < 1e-12);
        assert!((scores[0][1].score - expected(floor, 1.0, 4.0)).abs() < 1e-12);
        assert!((scores[2][0].score - expected(floor, 1.0, 1.0)).abs() < 1e-12);
    }

    #[test]
    fn as_of_sees_only_the_past() {
        let bm25 = Bm25::default();
        let windows = sample();
        let as_of = windows.as_of();
        let scores = bm25.score(&windows, Some(&as_of));
        // Window 1 scored as if windows 0..=1 were the whole collection.
        let prefix = Windowed {
            counts: windows.counts[..2].to_vec(),
            terms: 3,
        };
        let close = |a: &[TermScore], b: &[TermScore]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.term == y.term && (x.score - y.score).abs() < 1e-12)
        };
        assert!(close(&scores[1], &bm25.score(&prefix, None)[1]));
        let first = Windowed {
            counts: windows.counts[..1].to_vec(),
            terms: 3,
        };
        assert!(close(&scores[0], &bm25.score(&first, None)[0]));
    }
}
