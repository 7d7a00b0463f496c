//! Keyness: what is distinctive about a window compared with a reference, the rest
//! of the run or the window before it.
//!
//! Two measures, each checked against a peer:
//!
//! * **Signed log-likelihood G²** (Dunning 1993; quanteda's `textstat_keyness` with
//!   `measure = "lr"`, `correction = "none"`): for a term seen `a` times in the
//!   window and `b` times in the reference, in a 2×2 table against the window's and
//!   the reference's other tokens, `G² = 2 Σ O ln(O/E)`, negative when the term is
//!   rarer in the window than expected. Checked against NLTK's
//!   `BigramAssocMeasures.likelihood_ratio` on the same tables.
//! * **Log-odds ratio with an informative Dirichlet prior** (Monroe, Colaresi and
//!   Quinn 2008, "Fightin' words"): the z-score of the difference in log-odds of the
//!   term between window and reference, each smoothed by a prior proportional to
//!   the term's count in the whole run. Checked against scattertext's
//!   `LogOddsRatioInformativeDirichletPrior`.
//!
//! Only terms present in the window are scored: keyness ranks what a window says,
//! not what it leaves out.

use super::{TermScore, Windowed};
use crate::count::TermId;

/// What a window is compared with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// Every other window of the run (the rest of the corpus).
    #[default]
    Rest,
    /// The window just before (nothing for the first window).
    Previous,
}

/// Signed G² of a term seen `a` times among `window` tokens against `b` times
/// among `reference` tokens.
pub fn signed_g2(a: f64, b: f64, window: f64, reference: f64) -> f64 {
    let (c, d) = (window - a, reference - b);
    let n = window + reference;
    if n <= 0.0 {
        return 0.0;
    }
    let cells = [
        (a, (a + b) * window / n),
        (b, (a + b) * reference / n),
        (c, (c + d) * window / n),
        (d, (c + d) * reference / n),
    ];
    let g2 = 2.0 * cells.iter().map(|&(o, e)| if o > 0.0 { o * (o / e).ln() } else { 0.0 }).sum::<f64>();
    if a >= cells[0].1 { g2 } else { -g2 }
}

/// Log-odds z-score of a term seen `a` times among `window` tokens against `b` times
/// among `reference` tokens, with prior count `alpha` out of `alpha0`.
pub fn log_odds_z(a: f64, b: f64, window: f64, reference: f64, alpha: f64, alpha0: f64) -> f64 {
    let delta = ((a + alpha) / (window + alpha0 - a - alpha)).ln() - ((b + alpha) / (reference + alpha0 - b - alpha)).ln();
    let variance =
        1.0 / (a + alpha) + 1.0 / (window + alpha0 - a - alpha) + 1.0 / (b + alpha) + 1.0 / (reference + alpha0 - b - alpha);
    delta / variance.sqrt()
}

/// The reference counts of window `w` as a dense vector, and its token total.
fn reference(windows: &Windowed, totals: &[u64], w: usize, against: Reference) -> Option<(Vec<u64>, u64)> {
    match against {
        Reference::Rest => {
            let mut rest = totals.to_vec();
            for &(term, count) in &windows.counts[w] {
                rest[term as usize] -= count;
            }
            let sum = rest.iter().sum();
            Some((rest, sum))
        }
        Reference::Previous => {
            let previous = windows.counts.get(w.checked_sub(1)?)?;
            let mut dense = vec![0u64; totals.len()];
            for &(term, count) in previous {
                dense[term as usize] = count;
            }
            let sum = dense.iter().sum();
            Some((dense, sum))
        }
    }
}

fn score_with(
    windows: &Windowed,
    against: Reference,
    measure: impl Fn(TermId, f64, f64, f64, f64) -> f64,
) -> Vec<Vec<TermScore>> {
    let totals = windows.term_totals();
    (0..windows.counts.len())
        .map(|w| {
            let Some((reference, reference_total)) = reference(windows, &totals, w, against) else {
                return Vec::new();
            };
            let window_total: u64 = windows.counts[w].iter().map(|&(_, c)| c).sum();
            windows.counts[w]
                .iter()
                .map(|&(term, count)| TermScore {
                    term,
                    score: measure(
                        term,
                        count as f64,
                        reference[term as usize] as f64,
                        window_total as f64,
                        reference_total as f64,
                    ),
                    count,
                })
                .collect()
        })
        .collect()
}

/// Signed G² of every window's terms against `against`.
pub fn g2(windows: &Windowed, against: Reference) -> Vec<Vec<TermScore>> {
    score_with(windows, against, |_, a, b, window, reference| signed_g2(a, b, window, reference))
}

/// Log-odds z-scores of every window's terms against `against`, with the run's
/// counts as the informative prior.
pub fn log_odds(windows: &Windowed, against: Reference) -> Vec<Vec<TermScore>> {
    let prior = windows.term_totals();
    let alpha0: f64 = prior.iter().map(|&c| c as f64).sum();
    score_with(windows, against, |term, a, b, window, reference| {
        log_odds_z(a, b, window, reference, prior[term as usize] as f64, alpha0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g2_by_hand() {
        // 10 of 100 tokens in the window, 10 of 900 in the reference.
        let g2 = signed_g2(10.0, 10.0, 100.0, 900.0);
        let e = [2.0, 18.0, 98.0, 882.0];
        let o = [10.0, 10.0, 90.0, 890.0];
        let expected: f64 = 2.0 * o.iter().zip(e).map(|(o, e)| o * (o / e).ln()).sum::<f64>();
        assert!((g2 - expected).abs() < 1e-12);
        assert!(signed_g2(1.0, 50.0, 100.0, 900.0) < 0.0, "rarer than expected is negative");
        assert_eq!(signed_g2(0.0, 0.0, 0.0, 0.0), 0.0);
    }

    #[test]
    fn log_odds_is_symmetric() {
        let z = log_odds_z(10.0, 5.0, 100.0, 200.0, 15.0, 300.0);
        let back = log_odds_z(5.0, 10.0, 200.0, 100.0, 15.0, 300.0);
        assert!((z + back).abs() < 1e-12);
        assert!(z > 0.0);
    }
}
