//! Keyness: what is distinctive about a window compared with a reference, the rest
//! of the run or the window before it.
//!
//! Two measures, each checked against its peer by `tests/peer_scores.rs`:
//!
//! * **Signed log-likelihood G²** (Dunning 1993), as quanteda's
//!   `textstat_keyness(measure = "lr", correction = "none")` computes it: for a term
//!   seen `a` times among the window's `tN` tokens and `b` times among the
//!   reference's `rN`, in the 2×2 table `a, b, c = tN − a, d = rN − b`,
//!   `G² = 2 Σ O ln(O/E + ε)` with quanteda's `ε = 10⁻⁹` (which keeps empty cells
//!   finite), negative unless `a` exceeds its expected count. quanteda cannot be
//!   installed here (CRAN is out of reach), so the fixture transcribes its C++
//!   formula and checks it against NLTK's independent `likelihood_ratio`.
//! * **Log-odds ratio with an informative Dirichlet prior** (Monroe, Colaresi and
//!   Quinn 2008, "Fightin' words"): the z-score of the difference in log-odds of
//!   the term between window and reference, each smoothed by a prior equal to the
//!   term's count in the whole run, as scattertext's
//!   `LogOddsRatioInformativeDirichletPrior(scale_type="none")` computes it.
//!
//! Only terms present in the window are scored: keyness ranks what a window says,
//! not what it leaves out. A window with no reference (the first, against the
//! previous one; or a run of one window) has no scores. With `--as-of`, the rest of
//! the run means the windows before this one, and the prior the counts so far.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AsOf, TermScore, Windowed};

/// What a window is compared with.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// Every other window of the run (with `--as-of`: every earlier window).
    #[default]
    Rest,
    /// The window just before (nothing for the first window).
    Previous,
}

/// quanteda's offset inside the logarithms (`keyness.cpp`).
const EPSILON: f64 = 0.000000001;

/// Signed G² of a term seen `a` times among `t_n` window tokens against `b` times
/// among `r_n` reference tokens, exactly as quanteda's `lr_lambda` with
/// `correction = "none"` (its order of operations kept).
pub fn signed_g2(a: f64, b: f64, t_n: f64, r_n: f64) -> f64 {
    let (c, d) = (t_n - a, r_n - b);
    let n = a + b + c + d;
    if n <= 0.0 {
        return 0.0;
    }
    let e = (a + b) * (a + c) / n;
    let cell = |o: f64, row: f64, column: f64| {
        if o == 0.0 {
            // 0 · ln(ε) = 0; also keeps an empty row or column from giving 0/0.
            0.0
        } else {
            o * (o / (row * column / n) + EPSILON).ln()
        }
    };
    let g2 = 2.0
        * (cell(a, a + b, a + c)
            + cell(b, a + b, b + d)
            + cell(c, a + c, c + d)
            + cell(d, b + d, c + d));
    if a > e { g2 } else { -g2 }
}

/// Log-odds z-score of a term seen `a` times among `n_i` window tokens against `b`
/// times among `n_j` reference tokens, with prior count `alpha` out of `alpha0`
/// (scattertext's formula: both sides use the same prior). A collection of one
/// term has no "other words" to compare odds with; its score is 0, not NaN.
pub fn log_odds_z(a: f64, b: f64, n_i: f64, n_j: f64, alpha: f64, alpha0: f64) -> f64 {
    let z = log_odds_raw(a, b, n_i, n_j, alpha, alpha0);
    if z.is_finite() { z } else { 0.0 }
}

fn log_odds_raw(a: f64, b: f64, n_i: f64, n_j: f64, alpha: f64, alpha0: f64) -> f64 {
    let delta = ((a + alpha) / (n_i + alpha0 - a - alpha)).ln()
        - ((b + alpha) / (n_j + alpha0 - b - alpha)).ln();
    let variance = 1.0 / (a + alpha)
        + 1.0 / (n_i + alpha0 - a - alpha)
        + 1.0 / (b + alpha)
        + 1.0 / (n_j + alpha0 - b - alpha);
    delta / variance.sqrt()
}

/// One term of a window, with what the measures need.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// Count in the window.
    a: f64,
    /// Count in the reference.
    b: f64,
    /// Count in the run (or so far): the prior.
    prior: f64,
}

/// Calls `measure(cell, window_tokens, reference_tokens, prior_tokens)` for every
/// term of every window that has a reference.
fn score_with(
    windows: &Windowed,
    against: Reference,
    as_of: bool,
    measure: impl Fn(Cell, f64, f64, f64) -> f64 + Sync,
) -> Vec<Vec<TermScore>> {
    let lengths = windows.lengths();
    let (totals, tokens) = if as_of {
        (Vec::new(), 0)
    } else {
        let totals = windows.term_totals();
        let tokens = totals.iter().sum();
        (totals, tokens)
    };
    let seen: Vec<AsOf> = if as_of { windows.as_of() } else { Vec::new() };
    (0..windows.counts.len())
        .into_par_iter()
        .map(|w| {
            let terms = &windows.counts[w];
            let window_tokens = lengths[w];
            // (term's total in the collection, the collection's tokens) per term.
            let collection = |i: usize, term: u32| -> (u64, u64) {
                if as_of {
                    (seen[w].terms[i].1, seen[w].tokens)
                } else {
                    (totals[term as usize], tokens)
                }
            };
            let previous = match against {
                Reference::Previous if w == 0 => return Vec::new(),
                Reference::Previous => Some(&windows.counts[w - 1]),
                Reference::Rest => None,
            };
            let reference_tokens = match previous {
                Some(_) => lengths[w - 1],
                None if terms.is_empty() => return Vec::new(),
                None => collection(0, terms[0].0).1 - window_tokens,
            };
            if reference_tokens == 0 {
                return Vec::new();
            }
            terms
                .iter()
                .enumerate()
                .map(|(i, &(term, count))| {
                    let (total, all) = collection(i, term);
                    let b = match previous {
                        Some(previous) => previous
                            .binary_search_by_key(&term, |&(t, _)| t)
                            .map_or(0, |j| previous[j].1),
                        None => total - count,
                    };
                    let cell = Cell {
                        a: count as f64,
                        b: b as f64,
                        prior: total as f64,
                    };
                    TermScore {
                        term,
                        score: measure(
                            cell,
                            window_tokens as f64,
                            reference_tokens as f64,
                            all as f64,
                        ),
                        count,
                    }
                })
                .collect()
        })
        .collect()
}

/// Signed G² of every window's terms against `against`.
pub fn g2(windows: &Windowed, against: Reference, as_of: bool) -> Vec<Vec<TermScore>> {
    score_with(windows, against, as_of, |cell, window, reference, _| {
        signed_g2(cell.a, cell.b, window, reference)
    })
}

/// Log-odds z-scores of every window's terms against `against`, with the run's
/// counts (or, with `as_of`, the counts so far) as the informative prior.
pub fn log_odds(windows: &Windowed, against: Reference, as_of: bool) -> Vec<Vec<TermScore>> {
    score_with(
        windows,
        against,
        as_of,
        |cell, window, reference, prior_tokens| {
            log_odds_z(cell.a, cell.b, window, reference, cell.prior, prior_tokens)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g2_by_hand() {
        // 10 of 100 tokens in the window, 10 of 900 in the reference.
        let g2 = signed_g2(10.0, 10.0, 100.0, 900.0);
        let e = [2.0f64, 18.0, 98.0, 882.0];
        let o = [10.0f64, 10.0, 90.0, 890.0];
        let exact: f64 = 2.0 * o.iter().zip(e).map(|(o, e)| o * (o / e).ln()).sum::<f64>();
        // quanteda's ε adds about 2·Σ O·ε/(O/E) = 2·Σ E·ε = 2·N·ε.
        assert!(
            (g2 - exact - 2.0 * 1000.0 * EPSILON).abs() < 1e-9,
            "{g2} vs {exact}"
        );
        assert!(g2 > 0.0);
        assert!(
            signed_g2(1.0, 50.0, 100.0, 900.0) < 0.0,
            "rarer than expected is negative"
        );
        assert!(
            signed_g2(5.0, 0.0, 100.0, 900.0) > 0.0,
            "an empty reference cell is finite"
        );
        assert_eq!(signed_g2(0.0, 0.0, 0.0, 0.0), 0.0);
    }

    #[test]
    fn log_odds_is_antisymmetric() {
        let z = log_odds_z(10.0, 5.0, 100.0, 200.0, 15.0, 300.0);
        let back = log_odds_z(5.0, 10.0, 200.0, 100.0, 15.0, 300.0);
        assert!((z + back).abs() < 1e-12);
        assert!(z > 0.0);
    }

    fn sample() -> Windowed {
        Windowed {
            counts: vec![
                vec![(0, 8), (1, 2)],
                vec![(1, 9), (2, 1)],
                vec![(0, 1), (1, 1)],
            ],
            terms: 3,
        }
    }

    #[test]
    fn references() {
        let w = sample();
        let rest = g2(&w, Reference::Rest, false);
        // Window 0 against windows 1 and 2: term 0 is 8 of 10 here, 1 of 12 there.
        assert!((rest[0][0].score - signed_g2(8.0, 1.0, 10.0, 12.0)).abs() < 1e-15);
        let previous = g2(&w, Reference::Previous, false);
        assert!(
            previous[0].is_empty(),
            "the first window has no previous one"
        );
        assert!((previous[1][0].score - signed_g2(9.0, 2.0, 10.0, 10.0)).abs() < 1e-15);
        let past = g2(&w, Reference::Rest, true);
        assert!(past[0].is_empty(), "nothing before the first window");
        // Window 2 against windows 0 and 1 only.
        assert!((past[2][0].score - signed_g2(1.0, 8.0, 2.0, 20.0)).abs() < 1e-15);
        let odds = log_odds(&w, Reference::Rest, true);
        assert!((odds[2][1].score - log_odds_z(1.0, 11.0, 2.0, 20.0, 12.0, 22.0)).abs() < 1e-15);
    }
}
