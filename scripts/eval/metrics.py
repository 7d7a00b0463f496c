"""Boundary metrics.

* Boundary P/R/F1 within a tolerance: an OPTIMAL one-to-one matching (each reference
  and each hypothesis boundary used at most once) that maximises the number of pairs
  closer than or equal to the tolerance, ties broken by the smallest total distance
  (scipy's linear_sum_assignment on distance, with pairs beyond the tolerance priced
  out). P = matched/|hyp|, R = matched/|ref|; with an empty hypothesis P is 0 (and 1
  if the reference is empty too); F1 = 2PR/(P+R), 0 when P+R = 0.
* Pk and WindowDiff on a 10 s grid: t_i = 0, 10, 20, ... < duration; the segment of
  t is the number of boundaries <= t. k = max(1, round(mean reference segment length
  / 2 / 10)) grid steps, where mean reference segment length = duration /
  (number of reference boundaries + 1). Pk = share of i in [0, N-k) where
  [seg_ref(t_i) == seg_ref(t_i+k)] != [seg_hyp(t_i) == seg_hyp(t_i+k)];
  WindowDiff = share where the number of boundaries in (t_i, t_i+k] differs
  (Pevzner & Hearst 2002).
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

GRID = 10.0


def match_count(ref, hyp, tol):
    if not ref or not hyp:
        return 0
    r = np.asarray(ref, float)[:, None]
    h = np.asarray(hyp, float)[None, :]
    d = np.abs(r - h)
    big = 1e9
    cost = np.where(d <= tol, d, big)
    ri, ci = linear_sum_assignment(cost)
    return int(np.sum(cost[ri, ci] < big))


def prf(ref, hyp, tol):
    m = match_count(ref, hyp, tol)
    if hyp:
        p = m / len(hyp)
    else:
        p = 1.0 if not ref else 0.0
    r = m / len(ref) if ref else (1.0 if not hyp else 0.0)
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def _seg_ids(bounds, grid):
    b = np.sort(np.asarray(bounds, float))
    return np.searchsorted(b, grid, side="right")


def pk_wd(ref, hyp, duration):
    grid = np.arange(0.0, duration, GRID)
    n = len(grid)
    mean_seg = duration / (len(ref) + 1)
    k = max(1, int(round(mean_seg / 2 / GRID)))
    if n <= k:
        return 0.0, 0.0, k
    sr = _seg_ids(ref, grid)
    sh = _seg_ids(hyp, grid)
    dr = sr[k:] - sr[:-k]
    dh = sh[k:] - sh[:-k]
    pk = float(np.mean((dr == 0) != (dh == 0)))
    wd = float(np.mean(dr != dh))
    return pk, wd, k


TOLS = (30, 60, 120)


def evaluate(ref, hyp, duration):
    out = {"n_hyp": len(hyp), "n_ref": len(ref)}
    for t in TOLS:
        p, r, f = prf(ref, hyp, t)
        out[f"P@{t}"], out[f"R@{t}"], out[f"F1@{t}"] = p, r, f
    out["Pk"], out["WD"], out["k"] = pk_wd(ref, hyp, duration)
    return out


def paired_bootstrap(a, b, n=2000, seed=12345):
    """95% percentile interval of mean(a - b) over recordings resampled with
    replacement (paired: the same recordings for both)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = a - b
    if len(d) == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d), size=(n, len(d)))
    means = d[idx].mean(axis=1)
    return float(d.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))
