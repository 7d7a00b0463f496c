//! Scores: how much each term marks each window.
//!
//! Every method reads the same per-window counts ([`Windowed`]: the counts of the
//! terms that met `--min-count`) and gives each term present in a window a score
//! there; the methods differ in what "marks" means, and each is checked against the
//! peer it claims to match, with fixtures that peer produced:
//!
//! | `--score` | what it measures | peer |
//! | --- | --- | --- |
//! | `tfidf` | frequent here, rare in other windows | scikit-learn `TfidfVectorizer` |
//! | `bm25` | the same, saturating with the count and normalised by window length ([`bm25`]) | `rank_bm25.BM25Okapi` |
//! | `ctfidf` | class-based TF-IDF, windows as classes ([`ctfidf`]) | BERTopic `ClassTfidfTransformer` |
//! | `g2` | signed log-likelihood against a reference ([`keyness`]) | quanteda `textstat_keyness(measure = "lr")` |
//! | `logodds` | log-odds ratio with an informative Dirichlet prior ([`keyness`]) | scattertext |
//!
//! A window's scores use only that window's counts and the collection's statistics.
//! Two options change which counts and which collection: `--smooth N` scores each
//! window on the sum of its counts and those of the `N − 1` windows before it (never
//! after it, so nothing from the future leaks into the past), and `--as-of` takes
//! the collection statistics (IDF, average lengths, reference counts) from the
//! windows up to each window only, as a stream processor would see them.
//!
//! ## TF-IDF, exactly as scikit-learn computes it
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

pub mod bm25;
pub mod ctfidf;
pub mod keyness;

use std::cmp::Ordering;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::count::{Counts, TermId};
pub use bm25::Bm25;
pub use ctfidf::CTfIdf;
pub use keyness::Reference;

/// How term frequency enters TF-IDF (scikit-learn's `sublinear_tf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TfMode {
    /// Sublinear for a collection of documents in windows (two or more documents
    /// a window on average), raw for a recording cut into windows.
    Auto,
    /// The raw count in the window.
    Raw,
    /// `1 + ln(count)`, which damps terms a speaker repeats many times in a row.
    Sublinear,
}

/// Inverse document frequency, with windows as documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IdfMode {
    /// `ln((1 + n) / (1 + df)) + 1` (scikit-learn's default, `smooth_idf=True`).
    Smooth,
    /// `ln(n / df) + 1` (`smooth_idf=False`).
    Plain,
    /// No IDF: every term weighs 1 (`use_idf=False`).
    None,
}

/// Normalisation of each window's score vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NormMode {
    /// Unit Euclidean length.
    L2,
    /// Scores sum to one.
    L1,
    /// Unnormalised.
    None,
}

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

/// What TF-IDF's inverse document frequency counts: windows, or the documents
/// the windows hold.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IdfOver {
    /// Documents when the windows hold at least two documents each on average (a
    /// collection of dated documents in calendar windows), else windows (a
    /// recording cut into windows).
    #[default]
    Auto,
    /// Windows are the documents (scikit-learn's view of a window per document).
    Windows,
    /// The documents themselves: a term's IDF is its rarity among documents.
    Documents,
}

impl IdfOver {
    /// Whether IDF counts documents for `counts`. When every window holds many
    /// documents, every common word is in every window and IDF over windows says
    /// nothing; over documents it still tells `asyncio` from `using`.
    pub fn documents(self, counts: &Counts) -> bool {
        match self {
            IdfOver::Windows => false,
            IdfOver::Documents => true,
            IdfOver::Auto => is_collection(counts),
        }
    }
}

/// Whether `counts` are of a collection of documents in windows (two or more
/// documents a window on average) rather than of recordings cut into windows:
/// the shape that decides the `auto` settings of TF-IDF. Summed over many
/// documents, a common word's raw count outgrows any topic's, so a collection
/// takes sublinear TF and IDF over documents.
pub fn is_collection(counts: &Counts) -> bool {
    counts.documents >= 2 * counts.windows.len() as u64
}

impl TfMode {
    /// The mode `auto` stands for on `counts`.
    pub fn resolve(self, counts: &Counts) -> TfMode {
        match self {
            TfMode::Auto if is_collection(counts) => TfMode::Sublinear,
            TfMode::Auto => TfMode::Raw,
            mode => mode,
        }
    }
}

/// Whether a collection's boilerplate is set aside.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Boilerplate {
    /// Set it aside in collections of at least [`BOILERPLATE_MIN_DOCUMENTS`]
    /// documents.
    #[default]
    Auto,
    /// Keep every term.
    Off,
}

/// The fewest documents a collection needs before a term most of them hold
/// counts as its boilerplate: with fewer, sharing a word says little.
pub const BOILERPLATE_MIN_DOCUMENTS: u64 = 20;

/// The share of a collection's documents a term must occur in to be its
/// boilerplate: at least half.
pub const BOILERPLATE_SHARE: f64 = 0.5;

/// Which terms are a collection's boilerplate: those that at least half of its
/// documents hold (sponsor reads, intros and outros, URL pieces, markup, and the
/// words every document of a genre repeats), once there are at least
/// [`BOILERPLATE_MIN_DOCUMENTS`] documents. They are still counted and scored; they
/// are only kept from leading a window's terms, a discovered theme or a title,
/// as `max_df` keeps them out of scikit-learn's vocabulary.
pub fn boilerplate_mask(counts: &Counts, mode: Boilerplate) -> Vec<bool> {
    let n = counts.documents;
    if mode == Boilerplate::Off || n < BOILERPLATE_MIN_DOCUMENTS {
        return vec![false; counts.terms.len()];
    }
    counts
        .terms
        .iter()
        .map(|t| t.documents as f64 >= BOILERPLATE_SHARE * n as f64)
        .collect()
}

/// The counts every method scores: per window, the `(term, count)` pairs of the
/// terms that take part, sorted by term.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Windowed {
    /// Per window, `(term, count)` sorted by term.
    pub counts: Vec<Vec<(TermId, u64)>>,
    /// Size of the vocabulary (term ids are below it).
    pub terms: usize,
}

impl Windowed {
    /// The counts of the terms in `mask`.
    pub fn new(counts: &Counts, mask: &[bool]) -> Windowed {
        Windowed {
            counts: counts
                .windows
                .iter()
                .map(|w| w.terms.iter().filter(|&(t, _)| mask[t as usize]).collect())
                .collect(),
            terms: counts.terms.len(),
        }
    }

    /// Each term's count over all windows.
    pub fn term_totals(&self) -> Vec<u64> {
        let mut totals = vec![0u64; self.terms];
        for window in &self.counts {
            for &(term, count) in window {
                totals[term as usize] += count;
            }
        }
        totals
    }

    /// In how many windows each term occurs.
    pub fn document_frequency(&self) -> Vec<u64> {
        let mut df = vec![0u64; self.terms];
        for window in &self.counts {
            for &(term, _) in window {
                df[term as usize] += 1;
            }
        }
        df
    }

    /// Each window's token count (of the terms taking part).
    pub fn lengths(&self) -> Vec<u64> {
        self.counts
            .iter()
            .map(|w| w.iter().map(|&(_, c)| c).sum())
            .collect()
    }

    /// [`Windowed::trailing_sum`], borrowed when there is nothing to sum: a
    /// copy of every window's counts otherwise.
    fn smoothed(&self, n: usize) -> std::borrow::Cow<'_, Windowed> {
        if n <= 1 {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(self.trailing_sum(n))
        }
    }

    /// Each window's counts summed with those of the `n − 1` windows before it.
    pub fn trailing_sum(&self, n: usize) -> Windowed {
        if n <= 1 {
            return self.clone();
        }
        let counts = (0..self.counts.len())
            .into_par_iter()
            .map(|w| {
                let mut sum: Vec<(TermId, u64)> = self.counts[w.saturating_sub(n - 1)..=w]
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                sum.sort_unstable_by_key(|&(t, _)| t);
                sum.dedup_by(|later, kept| {
                    if later.0 == kept.0 {
                        kept.1 += later.1;
                        true
                    } else {
                        false
                    }
                });
                sum
            })
            .collect();
        Windowed {
            counts,
            terms: self.terms,
        }
    }

    /// The statistics of the windows `0..=w` for the terms of window `w`, for every
    /// `w`: what `--as-of` scores with. One pass in time order.
    pub fn as_of(&self) -> Vec<AsOf> {
        let mut df = vec![0u64; self.terms];
        let mut totals = vec![0u64; self.terms];
        let mut tokens = 0u64;
        self.counts
            .iter()
            .map(|window| {
                let terms = window
                    .iter()
                    .map(|&(term, count)| {
                        df[term as usize] += 1;
                        totals[term as usize] += count;
                        (df[term as usize], totals[term as usize])
                    })
                    .collect();
                tokens += window.iter().map(|&(_, c)| c).sum::<u64>();
                AsOf { terms, tokens }
            })
            .collect()
    }
}

/// The collection up to and including one window, seen from that window's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsOf {
    /// For each `(term, count)` of the window: the term's document frequency and
    /// total count over the windows so far.
    pub terms: Vec<(u64, u64)>,
    /// Tokens of the windows so far.
    pub tokens: u64,
}

/// The scoring method (`--score`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// TF-IDF with windows as documents (scikit-learn's variants).
    #[default]
    Tfidf,
    /// Okapi BM25 with windows as documents (rank_bm25).
    Bm25,
    /// Class-based TF-IDF with windows as classes (BERTopic).
    Ctfidf,
    /// Signed log-likelihood G² against a reference (quanteda).
    G2,
    /// Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008).
    Logodds,
}

/// Everything that decides a run's scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scorer {
    /// The method.
    pub method: Method,
    /// TF-IDF's variant.
    pub tfidf: TfIdf,
    /// BM25's parameters.
    pub bm25: Bm25,
    /// c-TF-IDF's switches.
    pub ctfidf: CTfIdf,
    /// What keyness compares a window with.
    pub reference: Reference,
    /// Windows whose counts are summed into each window's (1: none).
    pub smooth: usize,
    /// Collection statistics from the windows up to each window only.
    pub as_of: bool,
    /// What TF-IDF's IDF counts.
    pub idf_over: IdfOver,
}

impl Scorer {
    /// Scores every window of `counts` (terms seen at least `min_count` times);
    /// each window's scores are in term order.
    pub fn score(&self, counts: &Counts, min_count: u64) -> Vec<Vec<TermScore>> {
        self.score_each(counts, min_count, |scores| scores)
    }

    /// [`Scorer::score`], each window's scores passed through `keep` (which may
    /// cut them to the best few) as soon as they are made. A run keeps only a
    /// window's best terms, and on a run of many windows the scores of every
    /// term of every window, held until all were made, were a large share of its
    /// memory. TF-IDF over all windows (the default) scores window by window;
    /// the other methods score all windows first.
    pub fn score_each(
        &self,
        counts: &Counts,
        min_count: u64,
        keep: impl Fn(Vec<TermScore>) -> Vec<TermScore> + Sync,
    ) -> Vec<Vec<TermScore>> {
        let mask = vocabulary_mask(counts, min_count);
        let scorer = Scorer {
            tfidf: TfIdf {
                tf: self.tfidf.tf.resolve(counts),
                ..self.tfidf
            },
            ..*self
        };
        let scorer = &scorer;
        // Each term's IDF over the documents that hold it (`--idf-over`).
        let document_idf = || -> Vec<f64> {
            let n = counts.documents as usize;
            counts
                .terms
                .iter()
                .map(|t| scorer.tfidf.idf(t.documents, n))
                .collect()
        };
        if self.method == Method::Tfidf && !self.as_of && self.smooth <= 1 {
            // The default, read straight from the packed counts: each window's
            // pairs are decoded when it is scored, never all windows' at once (a
            // `Windowed` copy of them was the score stage's peak).
            let idf: Vec<f64> = if self.idf_over.documents(counts) {
                document_idf()
            } else {
                // `TfIdf::idf_weights` of the windows' counts in `mask`.
                let mut df = vec![0u64; counts.terms.len()];
                for window in &counts.windows {
                    for (term, _) in &window.terms {
                        if mask[term as usize] {
                            df[term as usize] += 1;
                        }
                    }
                }
                let n = counts.windows.len();
                df.iter().map(|&d| scorer.tfidf.idf(d, n)).collect()
            };
            return counts
                .windows
                .par_iter()
                .map_init(Vec::new, |pairs, window| {
                    pairs.clear();
                    pairs.extend(window.terms.iter().filter(|&(t, _)| mask[t as usize]));
                    keep(
                        scorer
                            .tfidf
                            .score_window(pairs, |_, term| idf[term as usize]),
                    )
                })
                .collect();
        }
        let windowed = Windowed::new(counts, &mask);
        if self.method == Method::Tfidf && !self.as_of {
            // `TfIdf::score_windowed` without `as_of`, window by window; the IDF
            // over documents, or over the windows as it would compute it.
            let smoothed = windowed.smoothed(self.smooth);
            let idf: Vec<f64> = if self.idf_over.documents(counts) {
                document_idf()
            } else {
                scorer.tfidf.idf_weights(&smoothed)
            };
            return smoothed
                .counts
                .par_iter()
                .map(|window| {
                    keep(
                        scorer
                            .tfidf
                            .score_window(window, |_, term| idf[term as usize]),
                    )
                })
                .collect();
        }
        scorer
            .score_windowed(&windowed)
            .into_par_iter()
            // By reference: `keep` is shared by the threads, not sent.
            .map(&keep)
            .collect()
    }

    /// Scores every window of `windowed`; each window's scores are in term order.
    pub fn score_windowed(&self, windowed: &Windowed) -> Vec<Vec<TermScore>> {
        let windowed = windowed.smoothed(self.smooth);
        let as_of = self.as_of.then(|| windowed.as_of());
        let as_of = as_of.as_deref();
        match self.method {
            Method::Tfidf => self.tfidf.score_windowed(&windowed, as_of),
            Method::Bm25 => self.bm25.score(&windowed, as_of),
            Method::Ctfidf => self.ctfidf.score(&windowed, as_of),
            Method::G2 => keyness::g2(&windowed, self.reference, self.as_of),
            Method::Logodds => keyness::log_odds(&windowed, self.reference, self.as_of),
        }
    }
}

impl TfIdf {
    /// IDF of a term in `df` of `n` windows.
    fn idf(&self, df: u64, n: usize) -> f64 {
        if df == 0 {
            return 0.0;
        }
        let (n, df) = (n as f64, df as f64);
        match self.idf {
            IdfMode::Smooth => ((1.0 + n) / (1.0 + df)).ln() + 1.0,
            IdfMode::Plain => (n / df).ln() + 1.0,
            IdfMode::None => 1.0,
        }
    }

    /// IDF weight of every term over all windows.
    pub fn idf_weights(&self, windowed: &Windowed) -> Vec<f64> {
        let n = windowed.counts.len();
        windowed
            .document_frequency()
            .iter()
            .map(|&df| self.idf(df, n))
            .collect()
    }

    /// Scores one window's `(term, count)` pairs, in term order, with `idf(i)`
    /// the IDF of the `i`-th pair.
    pub fn score_window(
        &self,
        window: &[(TermId, u64)],
        idf: impl Fn(usize, TermId) -> f64,
    ) -> Vec<TermScore> {
        let mut scores: Vec<TermScore> = window
            .iter()
            .enumerate()
            .map(|(i, &(term, count))| {
                let tf = match self.tf {
                    TfMode::Raw | TfMode::Auto => count as f64,
                    TfMode::Sublinear => (count as f64).ln() + 1.0,
                };
                TermScore {
                    term,
                    score: tf * idf(i, term),
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

    /// Scores every window in parallel, with the IDF of all windows or, given
    /// `as_of`, of the windows up to each.
    pub fn score_windowed(
        &self,
        windowed: &Windowed,
        as_of: Option<&[AsOf]>,
    ) -> Vec<Vec<TermScore>> {
        match as_of {
            None => {
                let idf = self.idf_weights(windowed);
                windowed
                    .counts
                    .par_iter()
                    .map(|window| self.score_window(window, |_, term| idf[term as usize]))
                    .collect()
            }
            Some(as_of) => windowed
                .counts
                .par_iter()
                .zip(as_of)
                .enumerate()
                .map(|(w, (window, seen))| {
                    self.score_window(window, |i, _| self.idf(seen.terms[i].0, w + 1))
                })
                .collect(),
        }
    }

    /// Scores every window in parallel with the given IDF of each term.
    pub fn score_with(&self, windowed: &Windowed, idf: &[f64]) -> Vec<Vec<TermScore>> {
        windowed
            .counts
            .par_iter()
            .map(|window| self.score_window(window, |_, term| idf[term as usize]))
            .collect()
    }

    /// Scores every window of `counts` (terms seen at least `min_count` times).
    pub fn score(&self, counts: &Counts, min_count: u64) -> Vec<Vec<TermScore>> {
        let windowed = Windowed::new(counts, &vocabulary_mask(counts, min_count));
        self.score_windowed(&windowed, None)
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
        // The ranked terms of every window are kept to the end of the run: not
        // at the capacity of every term the window scored.
        scores.shrink_to_fit();
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

    use proptest::prelude::*;

    fn windowed() -> impl Strategy<Value = Windowed> {
        prop::collection::vec(prop::collection::btree_map(0u32..8, 1u64..6, 0..6), 1..7).prop_map(
            |windows| Windowed {
                counts: windows
                    .into_iter()
                    .map(|w| w.into_iter().collect())
                    .collect(),
                terms: 8,
            },
        )
    }

    fn scorer(method: Method, reference: Reference) -> Scorer {
        Scorer {
            method,
            tfidf: TfIdf {
                tf: TfMode::Sublinear,
                idf: IdfMode::Smooth,
                norm: NormMode::L2,
            },
            bm25: Bm25::default(),
            ctfidf: CTfIdf::default(),
            reference,
            smooth: 1,
            as_of: false,
            idf_over: IdfOver::Windows,
        }
    }

    proptest! {
        /// `--as-of` scores window t exactly as a run that ended at t would.
        #[test]
        #[allow(clippy::needless_range_loop)]
        fn as_of_is_a_run_that_ends_at_each_window(windows in windowed()) {
            for method in [Method::Tfidf, Method::Bm25, Method::Ctfidf, Method::G2, Method::Logodds] {
                let full = scorer(method, Reference::Rest);
                let as_of = Scorer { as_of: true, ..full }.score_windowed(&windows);
                for t in 0..windows.counts.len() {
                    let prefix = Windowed { counts: windows.counts[..=t].to_vec(), terms: 8 };
                    let expected = &full.score_windowed(&prefix)[t];
                    prop_assert_eq!(as_of[t].len(), expected.len());
                    for (a, b) in as_of[t].iter().zip(expected) {
                        prop_assert_eq!(a.term, b.term);
                        prop_assert!((a.score - b.score).abs() <= 1e-12 * b.score.abs().max(1.0),
                            "{:?} window {}: {} vs {}", method, t, a.score, b.score);
                    }
                }
            }
        }

        /// `--smooth n` scores each window on the sum of it and the n − 1 before it.
        #[test]
        fn smoothing_sums_only_the_past(windows in windowed(), n in 1usize..4) {
            let smoothed = windows.trailing_sum(n);
            for t in 0..windows.counts.len() {
                let mut expected = [0u64; 8];
                for w in &windows.counts[t.saturating_sub(n - 1)..=t] {
                    for &(term, c) in w {
                        expected[term as usize] += c;
                    }
                }
                let got: Vec<(TermId, u64)> = expected.iter().enumerate()
                    .filter(|(_, c)| **c > 0).map(|(t, &c)| (t as TermId, c)).collect();
                prop_assert_eq!(&smoothed.counts[t], &got);
            }
        }
    }
}
