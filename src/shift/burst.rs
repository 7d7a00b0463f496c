//! Kleinberg's burst detection (2002), the two-state automaton for batched counts.
//!
//! For one term, window `t` holds `r_t` of its occurrences among `d_t` tokens. The
//! automaton has a base state emitting at the term's overall rate `p0 = Σr/Σd`
//! and a burst state at `p1 = s·p0`. The cost of emitting `r_t` in state `i` is
//! the negative log-likelihood of a binomial,
//! `−ln[C(d_t, r_t) · p_i^r_t · (1−p_i)^(d_t−r_t)]`, with the binomial
//! coefficient from log-gamma functions, and entering the burst state costs
//! `γ·ln n` (leaving it is free). The cheapest state sequence is found exactly by
//! the Viterbi algorithm in log space (not greedily, as some packages do); each
//! maximal run of burst states is a burst, weighted by how much cheaper the burst
//! state made it: `Σ (cost₀ − cost₁)`.
//!
//! The binomial coefficient `ln C(d_t, r_t)` is the same in both states, so it
//! adds the same amount to every path through window `t`: it cancels from every
//! comparison Viterbi makes and from every weight. The search therefore runs on
//! [`state_cost`], the cost without it, and [`cost`] (with the log-gamma
//! coefficient) is the full negative log-likelihood for whoever needs its value.

use serde::Serialize;

/// Burst-detection parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BurstOptions {
    /// How much higher the burst rate is than the base rate (`s`).
    pub s: f64,
    /// How costly entering a burst is (`γ`, times `ln n`).
    pub gamma: f64,
}

impl Default for BurstOptions {
    fn default() -> Self {
        BurstOptions { s: 2.0, gamma: 1.0 }
    }
}

/// A burst: windows `start..=end` in the burst state, and its weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Burst {
    /// First window of the burst.
    pub start: usize,
    /// Last window of the burst.
    pub end: usize,
    /// `Σ (cost₀ − cost₁)` over the burst: how strongly the counts favour it.
    pub weight: f64,
}

/// `ln C(n, k)`.
fn ln_choose(n: f64, k: f64) -> f64 {
    libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
}

/// Negative log-likelihood of `r` of `d` at rate `p`.
pub fn cost(r: f64, d: f64, p: f64) -> f64 {
    if d <= 0.0 {
        return 0.0;
    }
    -ln_choose(d, r) + state_cost(r, d, LogRate::new(p))
}

/// `ln p` and `ln (1 − p)` of a state's rate, computed once per term.
#[derive(Debug, Clone, Copy)]
pub struct LogRate {
    hit: f64,
    miss: f64,
}

impl LogRate {
    /// The logarithms of rate `p` (clamped away from 0 and 1).
    pub fn new(p: f64) -> LogRate {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        LogRate {
            hit: p.ln(),
            miss: (1.0 - p).ln(),
        }
    }
}

/// The part of the negative log-likelihood of `r` of `d` that depends on the
/// state: `−(r ln p + (d − r) ln(1 − p))`.
pub fn state_cost(r: f64, d: f64, rate: LogRate) -> f64 {
    if d <= 0.0 {
        return 0.0;
    }
    -(r * rate.hit + (d - r) * rate.miss)
}

/// Whether a term seen `total` times in `windows` windows, in clumps of
/// `dispersion` (see [`bursts_of`]), could burst at all: a burst saves at most
/// `ln s` per occurrence it covers, and entering one costs `φ γ ln n`.
pub fn may_burst(total: u64, windows: usize, dispersion: f64, options: &BurstOptions) -> bool {
    windows > 0
        && total as f64 * options.s.ln()
            > options.gamma * (windows as f64).ln() * dispersion.max(1.0)
}

/// The bursts of a term counted `r[t]` times among `d[t]` tokens in window `t`.
pub fn bursts(r: &[u64], d: &[u64], options: &BurstOptions) -> Vec<Burst> {
    bursts_of(
        &occurrences_in(r),
        &TokenSeries::new(d.to_vec()),
        1.0,
        options,
    )
}

/// The `(window, count)` pairs of a series, where it is above 0.
fn occurrences_in(r: &[u64]) -> Vec<(usize, u64)> {
    r.iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(t, &n)| (t, n))
        .collect()
}

/// The tokens of each window of a timeline, with what the burst search of every
/// term reads from them: made once per timeline, shared by all its terms.
#[derive(Debug, Clone, Default)]
pub struct TokenSeries {
    /// Tokens per window.
    tokens: Vec<u64>,
    /// `before[t]`: the tokens of windows `0..t` (so `before[n]` is the total).
    before: Vec<u64>,
    /// `spoken[t]`: the last window at or before `t` that has tokens, if any.
    spoken: Vec<Option<usize>>,
}

impl TokenSeries {
    /// The series of windows holding `tokens[t]` tokens each.
    pub fn new(tokens: Vec<u64>) -> TokenSeries {
        let mut before = Vec::with_capacity(tokens.len() + 1);
        let mut sum = 0u64;
        before.push(0);
        let mut spoken = Vec::with_capacity(tokens.len());
        let mut last = None;
        for (t, &d) in tokens.iter().enumerate() {
            sum += d;
            before.push(sum);
            if d > 0 {
                last = Some(t);
            }
            spoken.push(last);
        }
        TokenSeries {
            tokens,
            before,
            spoken,
        }
    }

    /// Tokens per window.
    pub fn tokens(&self) -> &[u64] {
        &self.tokens
    }

    /// All tokens.
    pub fn total(&self) -> u64 {
        self.before.last().copied().unwrap_or(0)
    }

    /// The tokens of windows `from..=to`.
    fn between(&self, from: usize, to: usize) -> u64 {
        self.before[to + 1] - self.before[from]
    }
}

/// [`bursts`] of a term given by its `occurrences` (`(window, count)`, sorted by
/// window, counts above 0) among the windows of `series`, whose occurrences
/// come in clumps of `dispersion` on average.
///
/// The binomial takes every occurrence as independent evidence. In a collection
/// they are not: a document that uses a word uses it several times, and the
/// document is the unit that is sampled. With a term's mean uses per document
/// that uses it as `dispersion` φ (quasi-likelihood's dispersion), each cost is
/// divided by φ: a burst must be as strong in documents as the binomial would
/// ask of single occurrences. Dividing every cost by φ is entering a burst at
/// `φ·γ·ln n` with the costs as they are, so the search is unchanged; weights
/// are reported divided by φ.
///
/// **The search costs the term's occurrences, not the run's windows.** Viterbi
/// compares the two states' cheapest costs only through their difference
/// `g = best₁ − best₀`, which obeys `g_t = clamp(g_{t−1}, 0, γ') + δ_t` with
/// `δ_t = cost₁(t) − cost₀(t)` and `γ' = φγ ln n` (a burst is entered when
/// `g > γ'`, left when `g < 0`). In a window where the term does not occur,
/// `δ_t` is its tokens times `ln(1−p₀) − ln(1−p₁) > 0`, so over a run of such
/// windows `g` rises by the run's tokens (a prefix sum) until it passes `γ'`
/// and stays there: each run is one step, found by binary search, and so is
/// the way back through it. Searching window by window, a term of a run of
/// 180,000 windows took as long as its windows, for each of tens of thousands
/// of terms, which made bursts half of a 1 GB run. Ties are broken as window
/// by window: a state is kept unless the other is strictly cheaper.
pub fn bursts_of(
    occurrences: &[(usize, u64)],
    series: &TokenSeries,
    dispersion: f64,
    options: &BurstOptions,
) -> Vec<Burst> {
    let d = series.tokens();
    let n = d.len();
    let Some(model) = Model::of(occurrences, series.total(), n, dispersion, options) else {
        return Vec::new();
    };
    let Model {
        rate0,
        rate1,
        up,
        dispersion,
    } = model;
    let costs = |t: usize, r: u64| model.costs(r, d[t]);
    let quiet = Quiet {
        series,
        per_token: rate0.miss - rate1.miss,
        up,
    };
    // Forward: `g` before each occurrence and before each quiet run (the windows
    // between occurrences), kept for the way back. The automaton starts in the
    // base state: before window 0, only the base state is reachable, as if the
    // burst state cost infinitely more.
    let mut g = f64::INFINITY;
    let mut before_run = Vec::with_capacity(occurrences.len() + 1);
    let mut before_hit = Vec::with_capacity(occurrences.len());
    let mut next = 0;
    for &(w, r) in occurrences {
        before_run.push(g);
        if next < w {
            g = quiet.forward(g, next, w - 1);
        }
        before_hit.push(g);
        let cost = costs(w, r);
        g = g.clamp(0.0, up) + (cost[1] - cost[0]);
        next = w + 1;
    }
    before_run.push(g);
    if next < n {
        g = quiet.forward(g, next, n - 1);
    }
    // Back, block by block from the last window: `burst` is the state of the
    // window after the block, `open` the last window of the burst it is in.
    let mut burst = g < 0.0;
    let mut open = burst.then_some(n - 1);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut begin = |at: usize, open: &mut Option<usize>| {
        if let Some(last) = open.take() {
            spans.push((at, last));
        }
    };
    let mut end = n;
    for k in (0..=occurrences.len()).rev() {
        // The quiet run between occurrence k − 1 and occurrence k (or the end).
        let from = k.checked_sub(1).map_or(0, |i| occurrences[i].0 + 1);
        if from < end {
            let g = before_run[k];
            if burst {
                match quiet.back(g, from, end - 1) {
                    Some(entered) => {
                        begin(entered, &mut open);
                        // Before the entry, the base state, reached from the burst
                        // state at `from − 1` only if that was cheaper.
                        burst = entered > from && g < 0.0;
                    }
                    None => burst = true,
                }
            } else {
                burst = g < 0.0;
            }
            if burst {
                open.get_or_insert(from.saturating_sub(1));
            }
        }
        let Some(&(w, _)) = k.checked_sub(1).and_then(|i| occurrences.get(i)) else {
            break;
        };
        // The occurrence at w, reached with `g` from window w − 1.
        let g = before_hit[k - 1];
        if burst {
            burst = g <= up;
            if !burst {
                begin(w, &mut open);
            }
        } else {
            burst = g < 0.0;
            if burst {
                open = Some(w.saturating_sub(1));
            }
        }
        end = w;
    }
    spans.reverse();
    spans
        .into_iter()
        .map(|(start, end)| {
            // Each window's saving, in window order, as the dense search added them.
            let from = occurrences.partition_point(|&(w, _)| w < start);
            let mut hits = occurrences[from..].iter().peekable();
            let weight = (start..=end)
                .map(|i| {
                    let r = match hits.peek() {
                        Some(&&(w, r)) if w == i => {
                            hits.next();
                            r
                        }
                        _ => 0,
                    };
                    let cost = costs(i, r);
                    cost[0] - cost[1]
                })
                .sum::<f64>()
                / dispersion;
            Burst { start, end, weight }
        })
        .collect()
}

/// A term's automaton: its two states' rates and the cost of entering a burst.
#[derive(Debug, Clone, Copy)]
struct Model {
    rate0: LogRate,
    rate1: LogRate,
    /// `φ γ ln n`.
    up: f64,
    /// `φ`, at least 1.
    dispersion: f64,
}

impl Model {
    /// The automaton of a term with `occurrences` among `total_d` tokens in `n`
    /// windows; `None` when it cannot burst.
    fn of(
        occurrences: &[(usize, u64)],
        total_d: u64,
        n: usize,
        dispersion: f64,
        options: &BurstOptions,
    ) -> Option<Model> {
        let total_r: u64 = occurrences.iter().map(|&(_, r)| r).sum();
        if n == 0 || total_r == 0 || total_d == 0 {
            return None;
        }
        let p0 = total_r as f64 / total_d as f64;
        let p1 = (options.s * p0).min(0.9999);
        if p1 <= p0 {
            return None;
        }
        let dispersion = dispersion.max(1.0);
        let up = options.gamma * (n as f64).ln() * dispersion;
        // A burst saves at most `ln(p1/p0) ≤ ln s` per occurrence it covers, so a
        // term whose occurrences cannot repay the cost of entering one never bursts.
        if total_r as f64 * (p1 / p0).ln() <= up {
            return None;
        }
        Some(Model {
            rate0: LogRate::new(p0),
            rate1: LogRate::new(p1),
            up,
            dispersion,
        })
    }

    /// The two states' costs of `r` occurrences among `d` tokens.
    fn costs(&self, r: u64, d: u64) -> [f64; 2] {
        let (r, d) = (r as f64, d as f64);
        [state_cost(r, d, self.rate0), state_cost(r, d, self.rate1)]
    }
}

/// The windows of a run in which a term does not occur, taken as one step of
/// the search (see [`bursts_of`]).
struct Quiet<'a> {
    series: &'a TokenSeries,
    /// `δ` per token of a window without the term: `ln(1−p₀) − ln(1−p₁)`.
    per_token: f64,
    /// The cost of entering a burst.
    up: f64,
}

impl Quiet<'_> {
    /// `g` while the difference has not passed the cost of entering, from `h`
    /// (clamped) over windows `from..=t`.
    fn rising(&self, h: f64, from: usize, t: usize) -> f64 {
        h + self.per_token * self.series.between(from, t) as f64
    }

    /// The first window of `from..=to` after which `g`, entering the run as `g`,
    /// has passed the cost of entering a burst; `None` if it never does.
    fn saturates(&self, g: f64, from: usize, to: usize) -> Option<usize> {
        let h = g.clamp(0.0, self.up);
        // `rising` grows with `t`: the first window past `up` by bisection.
        let (mut lo, mut hi) = (from, to + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.rising(h, from, mid) > self.up {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        (lo <= to).then_some(lo)
    }

    /// `g` after windows `from..=to`, entering them as `g`.
    fn forward(&self, g: f64, from: usize, to: usize) -> f64 {
        match self.saturates(g, from, to) {
            // Past `up` before the last window: each later window starts from `up`.
            Some(s) if s < to => self.up + self.per_token * self.series.tokens()[to] as f64,
            _ => self.rising(g.clamp(0.0, self.up), from, to),
        }
    }

    /// The way back through windows `from..=to`, entered as `g`, in the burst
    /// state at `to`: the window where that burst was entered, or `None` if it
    /// began before the run.
    fn back(&self, g: f64, from: usize, to: usize) -> Option<usize> {
        // Back to the last window `t` whose predecessor had `g > up`. After the
        // run saturates at `s`, a window's `g` is `up` plus its tokens' δ: above
        // `up` if it has tokens.
        if let Some(s) = self.saturates(g, from, to)
            && s < to
        {
            let last = self.series.spoken[to - 1].map_or(s, |u| u.max(s));
            return Some(last + 1);
        }
        (g > self.up).then_some(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The search window by window, as it was before runs without the term were
    /// taken in one step: the reference the search is checked against.
    fn dense_bursts(
        occurrences: &[(usize, u64)],
        d: &[u64],
        total_d: u64,
        dispersion: f64,
        options: &BurstOptions,
    ) -> Vec<Burst> {
        let n = d.len();
        let Some(model) = Model::of(occurrences, total_d, n, dispersion, options) else {
            return Vec::new();
        };
        let (up, dispersion) = (model.up, model.dispersion);
        let costs = |t: usize, r: u64| model.costs(r, d[t]);
        // The count of window `t`, read in window order.
        let mut next = 0;
        let mut count_at = |t: usize| match occurrences.get(next) {
            Some(&(w, r)) if w == t => {
                next += 1;
                r
            }
            _ => 0,
        };
        // Viterbi: best[i] = cheapest cost of windows 0..=t ending in state i; bit i
        // of from[t] is the state window t − 1 was in on that path. The automaton
        // starts in the base state.
        let mut from = vec![0u8; n];
        let first = costs(0, count_at(0));
        let mut best = [first[0], up + first[1]];
        for (t, back) in from.iter_mut().enumerate().skip(1) {
            let cost = costs(t, count_at(t));
            let mut now = [0.0f64; 2];
            for state in 0..2 {
                let stay = best[state];
                let switch = best[1 - state] + if state == 1 { up } else { 0.0 };
                // Ties keep the state: a burst must be strictly cheaper to begin.
                let (cost_before, previous) = if stay <= switch {
                    (stay, state)
                } else {
                    (switch, 1 - state)
                };
                now[state] = cost_before + cost[state];
                *back |= (previous as u8) << state;
            }
            best = now;
        }
        let mut states = vec![false; n];
        states[n - 1] = best[1] < best[0];
        for t in (1..n).rev() {
            states[t - 1] = from[t] >> usize::from(states[t]) & 1 == 1;
        }
        let count = |t: usize| {
            occurrences
                .binary_search_by_key(&t, |&(w, _)| w)
                .map_or(0, |i| occurrences[i].1)
        };
        let mut result = Vec::new();
        let mut t = 0;
        while t < n {
            if states[t] {
                let start = t;
                while t + 1 < n && states[t + 1] {
                    t += 1;
                }
                let weight = (start..=t)
                    .map(|i| {
                        let cost = costs(i, count(i));
                        cost[0] - cost[1]
                    })
                    .sum::<f64>()
                    / dispersion;
                result.push(Burst {
                    start,
                    end: t,
                    weight,
                });
            }
            t += 1;
        }
        result
    }

    /// Series with long quiet runs, windows without tokens, occurrences from
    /// single to clumped: where a one-step run could go wrong.
    fn series() -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
        proptest::collection::vec(
            (
                prop_oneof![3 => Just(0u64), 1 => 1u64..4, 1 => 5u64..40],
                prop_oneof![1 => Just(0u64), 6 => 50u64..400],
            ),
            1..300,
        )
        .prop_map(|pairs| pairs.into_iter().map(|(r, d)| (r.min(d), d)).unzip())
    }

    proptest! {
        #[test]
        fn runs_in_one_step_find_what_windows_one_by_one_find(
            (r, d) in series(),
            gamma in prop_oneof![Just(1.0f64), Just(0.2), Just(3.0)],
            dispersion in prop_oneof![Just(1.0f64), Just(2.5)],
        ) {
            let options = BurstOptions { s: 2.0, gamma };
            let occurrences = occurrences_in(&r);
            let series = TokenSeries::new(d.clone());
            let fast = bursts_of(&occurrences, &series, dispersion, &options);
            let dense = dense_bursts(&occurrences, &d, series.total(), dispersion, &options);
            prop_assert_eq!(fast, dense);
        }
    }

    #[test]
    fn a_burst_across_a_quiet_run_and_silent_windows() {
        // Windows without tokens before a burst join it (ties keep the state),
        // as window by window; a quiet run inside it is bridged.
        let mut d = vec![1000u64; 40];
        let mut r = vec![0u64; 40];
        for t in [10, 11] {
            d[t] = 0;
        }
        for t in [12, 13, 15, 16] {
            r[t] = 30;
        }
        r[30] = 1;
        let found = bursts(&r, &d, &BurstOptions::default());
        let occurrences = occurrences_in(&r);
        let total = d.iter().sum();
        assert_eq!(
            found,
            dense_bursts(&occurrences, &d, total, 1.0, &BurstOptions::default())
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (10, 16));
    }

    #[test]
    fn a_concentrated_term_bursts_where_it_concentrates() {
        let d = [1000u64; 10];
        let r = [1u64, 0, 1, 1, 20, 25, 22, 1, 0, 1];
        let found = bursts(&r, &d, &BurstOptions::default());
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (4, 6));
        assert!(found[0].weight > 10.0);
    }

    #[test]
    fn an_even_term_does_not_burst() {
        let d = [1000u64; 10];
        let r = [5u64; 10];
        assert!(bursts(&r, &d, &BurstOptions::default()).is_empty());
        assert!(bursts(&[0, 0], &[10, 10], &BurstOptions::default()).is_empty());
        assert!(bursts(&[], &[], &BurstOptions::default()).is_empty());
    }

    #[test]
    fn entering_a_burst_has_a_price() {
        // One slightly high window is not worth the cost of entering a burst
        // when gamma is large.
        let d = [1000u64; 8];
        let r = [3u64, 3, 3, 8, 3, 3, 3, 3];
        let strict = BurstOptions { s: 2.0, gamma: 5.0 };
        assert!(bursts(&r, &d, &strict).is_empty());
    }

    #[test]
    fn clumped_occurrences_are_weaker_evidence() {
        // Twelve uses in one window of ten: a burst of single occurrences; as
        // the clumps of four documents (three uses each) it cannot pay for one.
        let d = [1000u64; 10];
        let mut occurrences = vec![(0usize, 1u64), (3, 1), (5, 12), (7, 1)];
        let options = BurstOptions::default();
        let single = bursts_of(&occurrences, &TokenSeries::new(d.to_vec()), 1.0, &options);
        assert_eq!(single.len(), 1);
        assert_eq!((single[0].start, single[0].end), (5, 5));
        assert!(bursts_of(&occurrences, &TokenSeries::new(d.to_vec()), 3.0, &options).is_empty());
        assert!(!may_burst(15, 10, 20.0, &options) && may_burst(15, 10, 1.0, &options));
        // A burst strong enough either way keeps its place; its weight is in
        // documents' worth.
        occurrences[2].1 = 60;
        let single = bursts_of(&occurrences, &TokenSeries::new(d.to_vec()), 1.0, &options);
        let clumped = bursts_of(&occurrences, &TokenSeries::new(d.to_vec()), 3.0, &options);
        assert_eq!((clumped[0].start, clumped[0].end), (5, 5));
        assert!((clumped[0].weight * 3.0 - single[0].weight).abs() < 1e-9 * single[0].weight);
    }

    #[test]
    fn too_few_occurrences_cannot_pay_for_a_burst() {
        // 5 · ln 2 < ln 100: even all five in one window is no burst.
        let mut r = [0u64; 100];
        r[50] = 5;
        assert!(bursts(&r, &[1000; 100], &BurstOptions::default()).is_empty());
        // 8 · ln 2 > ln 100, and concentrated enough to be one.
        r[50] = 8;
        assert_eq!(bursts(&r, &[1000; 100], &BurstOptions::default()).len(), 1);
    }

    #[test]
    fn the_coefficient_cancels_from_the_search() {
        // The same bursts and weights with the full likelihood as with the state costs.
        let d = [900u64, 1000, 1100, 1000, 1000, 950, 1000, 1000];
        let r = [2u64, 1, 30, 28, 2, 1, 0, 3];
        let found = bursts(&r, &d, &BurstOptions::default());
        assert_eq!(found.len(), 1);
        let p0 = r.iter().sum::<u64>() as f64 / d.iter().sum::<u64>() as f64;
        let full: f64 = (found[0].start..=found[0].end)
            .map(|t| cost(r[t] as f64, d[t] as f64, p0) - cost(r[t] as f64, d[t] as f64, 2.0 * p0))
            .sum();
        assert!((found[0].weight - full).abs() < 1e-9 * full.abs());
    }

    #[test]
    fn costs_use_exact_binomials() {
        // C(10, 3) · 0.2³ · 0.8⁷
        let expected = -(120.0f64 * 0.008 * 0.8f64.powi(7)).ln();
        assert!((cost(3.0, 10.0, 0.2) - expected).abs() < 1e-10);
    }
}
