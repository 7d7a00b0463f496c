"""Segmentation methods: baselines and prototypes. Every method takes a Recording
and returns a sorted list of boundary times in seconds (chapter starts, 0 excluded).

Time units: the recording [0, duration) is cut into units of `unit` seconds; the
tokens of a cue are spread evenly over the cue's time span (token i of n in a cue
[s, e] sits at s + (i + 0.5) / n * (e - s)) and counted in the unit that time falls
in. So a 5 s line and the same words in three 1.7 s phrase cues give the same
counts (up to the few tokens near a unit edge): the methods work on time, not on
cue counts.
"""

import math

import numpy as np
from scipy.special import gammaln

from . import tokens as T


# --------------------------------------------------------------------------- units


_UNITS_CACHE = {}


def Units(rec, unit):
    """Cached _Units (per recording object, its cue list and the unit length)."""
    key = (id(rec), id(rec.cues), len(rec.cues), float(unit))
    u = _UNITS_CACHE.get(key)
    if u is None:
        if len(_UNITS_CACHE) > 512:
            _UNITS_CACHE.clear()
        u = _Units(rec, unit)
        _UNITS_CACHE[key] = (u, rec)  # keep rec alive so id() stays unique
        return u
    return u[0]


class _Units:
    """Counts of stems per time unit of one recording."""

    def __init__(self, rec, unit):
        self.unit = float(unit)
        self.duration = rec.duration
        n = max(1, int(math.ceil(rec.duration / unit)))
        self.n = n
        vocab = {}
        rows, cols = [], []
        for c in rec.cues:
            toks = T.tokens(c.text)
            if not toks:
                continue
            span = max(0.0, c.end - c.start)
            for i, t in enumerate(toks):
                at = c.start + (i + 0.5) / len(toks) * span
                u = min(n - 1, max(0, int(at // unit)))
                j = vocab.setdefault(t, len(vocab))
                rows.append(u)
                cols.append(j)
        self.vocab = vocab
        self.terms = [None] * len(vocab)
        for t, j in vocab.items():
            self.terms[j] = t
        X = np.zeros((n, max(1, len(vocab))))
        if rows:
            np.add.at(X, (np.array(rows), np.array(cols)), 1.0)
        self.X = X

    def edge(self, g):
        """Time of the edge before unit g."""
        return g * self.unit


def weight(M, scheme, df=None, n_docs=None):
    """Weight a (rows x V) count matrix: 'count', 'sublinear' (1 + ln tf for tf > 0),
    'tfidf' (tf * idf), 'subidf' ((1 + ln tf) * idf); idf = ln((1 + n) / (1 + df)) + 1
    with df over the recording's units (scikit-learn's smooth idf)."""
    if scheme == "count":
        return M
    W = M.copy()
    if scheme in ("sublinear", "subidf"):
        nz = W > 0
        W[nz] = 1.0 + np.log(W[nz])
    if scheme in ("tfidf", "subidf"):
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        W = W * idf[None, :]
    return W


def cosine_rows(A, B):
    na = np.linalg.norm(A, axis=1)
    nb = np.linalg.norm(B, axis=1)
    dot = np.sum(A * B, axis=1)
    out = np.zeros(len(dot))
    ok = (na > 0) & (nb > 0)
    out[ok] = dot[ok] / (na[ok] * nb[ok])
    return out


def depth_scores(s):
    """Hearst's depth at every gap: climb left while the score does not decrease,
    climb right likewise; depth = (left peak - s) + (right peak - s)."""
    n = len(s)
    d = np.zeros(n)
    for g in range(n):
        l = g
        while l > 0 and s[l - 1] >= s[l]:
            l -= 1
        r = g
        while r < n - 1 and s[r + 1] >= s[r]:
            r += 1
        d[g] = (s[l] - s[g]) + (s[r] - s[g])
    return d


def local_minima(s):
    """Gaps whose score is <= both neighbours (< the left one on a plateau: the
    first gap of a flat valley floor); the ends count with one neighbour."""
    n = len(s)
    out = []
    for g in range(n):
        left = s[g - 1] if g > 0 else np.inf
        right = s[g + 1] if g < n - 1 else np.inf
        if s[g] < left and s[g] <= right:
            out.append(g)
    return out


def select_spaced(cands, scores, times, duration, min_len, edge_min=None):
    """Greedy by score descending (ties: earlier time first): keep a candidate if it
    is at least min_len from every kept one and at least edge_min (default
    min_len) from 0 and from the end."""
    if edge_min is None:
        edge_min = min_len
    order = sorted(cands, key=lambda c: (-scores[c], times[c]))
    kept = []
    for c in order:
        t = times[c]
        if t < edge_min or duration - t < edge_min:
            continue
        if all(abs(t - times[k]) >= min_len for k in kept):
            kept.append(c)
    return sorted(times[k] for k in kept)


def snap_to_cues(bounds, rec, radius):
    """Move each boundary to the start of a cue within +-radius: the one with the
    longest silence before it (start minus the previous cue's end), ties to the
    nearest; a boundary with no cue start in reach stays."""
    starts = np.array([c.start for c in rec.cues])
    ends = np.array([c.end for c in rec.cues])
    gaps = np.empty(len(starts))
    if len(starts):
        gaps[0] = starts[0]
        gaps[1:] = starts[1:] - ends[:-1]
    out = []
    for b in bounds:
        lo = np.searchsorted(starts, b - radius, side="left")
        hi = np.searchsorted(starts, b + radius, side="right")
        if hi <= lo:
            out.append(b)
            continue
        idx = np.arange(lo, hi)
        best = max(idx, key=lambda i: (round(gaps[i], 3), -abs(starts[i] - b)))
        out.append(float(starts[best]))
    return sorted(set(out))


# --------------------------------------------------------------------------- baselines


def evenly(rec, k):
    """k marks at duration * i / (k + 1)."""
    return [rec.duration * i / (k + 1) for i in range(1, k + 1)]


def valley(rec, k, block=120.0):
    """The 30-line baseline: 2-minute blocks, TF-IDF (smooth idf, l2; blocks as the
    documents), cosine between adjacent blocks; the k deepest valleys (Hearst depth
    at local minima of the similarity; if there are fewer minima than k, the other
    gaps fill in by depth then by lowest similarity). Boundary = the block edge."""
    if k <= 0:
        return []
    U = Units(rec, block)
    if U.n < 2:
        return []
    df = (U.X > 0).sum(axis=0)
    W = weight(U.X, "tfidf", df, U.n)
    sim = cosine_rows(W[:-1], W[1:])  # gap g between block g and g+1
    d = depth_scores(sim)
    mins = local_minima(sim)
    order = sorted(mins, key=lambda g: (-d[g], sim[g], g))
    rest = sorted(set(range(len(sim))) - set(mins), key=lambda g: (-d[g], sim[g], g))
    pick = (order + rest)[:k]
    return sorted(U.edge(g + 1) for g in pick)


def nltk_texttiling(rec, **kw):
    """NLTK's TextTilingTokenizer with its defaults (w=20, k=10, block comparison,
    smoothing, HC cutoff off, i.e. mean - sd/2) on the cue texts joined with a
    paragraph break between cues; stop words: the Snowball English list
    (NLTK's own list needs nltk_data). A segment's start is mapped back to the
    time of the cue its first character belongs to."""
    from nltk.tokenize.texttiling import TextTilingTokenizer

    texts = [c.text.replace("\n", " ").strip() or "." for c in rec.cues]
    joined = "\n\n".join(texts)
    # character offset where each cue starts
    offs = []
    pos = 0
    for t in texts:
        offs.append(pos)
        pos += len(t) + 2
    tt = TextTilingTokenizer(stopwords=sorted(T.SNOWBALL_EN), **kw)
    try:
        segs = tt.tokenize(joined)
    except Exception:
        return []
    bounds = []
    pos = 0
    offs = np.array(offs)
    for seg in segs[:-1]:
        pos += len(seg)
        # first non-space char of the next segment
        j = pos
        while j < len(joined) and joined[j].isspace():
            j += 1
        i = int(np.searchsorted(offs, j, side="right") - 1)
        t = rec.cues[max(0, i)].start
        if t > 0:
            bounds.append(t)
    return sorted(set(bounds))


# --------------------------------------------------------------------------- prototypes


def gap_similarity(U, w, scheme):
    """Block comparison at every inner unit edge g = 1..n-1: cosine between the
    weighted sums of the w units before and the w units after (truncated at the
    ends). Returns sims for g = 1..n-1 (index g-1)."""
    n = U.n
    df = (U.X > 0).sum(axis=0)
    C = np.vstack([np.zeros((1, U.X.shape[1])), np.cumsum(U.X, axis=0)])
    L = np.array([C[g] - C[max(0, g - w)] for g in range(1, n)])
    R = np.array([C[min(n, g + w)] - C[g] for g in range(1, n)])
    if len(L) == 0:
        return np.zeros(0)
    return cosine_rows(weight(L, scheme, df, n), weight(R, scheme, df, n))


def smooth(s, width):
    """Centred moving average over `width` gaps (odd), truncated at the ends."""
    if width <= 1 or len(s) == 0:
        return s.copy()
    h = width // 2
    out = np.empty(len(s))
    for i in range(len(s)):
        lo, hi = max(0, i - h), min(len(s), i + h + 1)
        out[i] = s[lo:hi].mean()
    return out


def time_tiling(rec, unit=30.0, w=4, smooth_w=3, scheme="tfidf", cutoff=-0.5,
                cutoff_over="minima", min_len=120.0, snap=True, return_scores=False):
    """TextTiling over time units. Gap scores (block comparison, w units each side),
    smoothed; depth at local minima; boundaries at minima whose depth exceeds
    mean + cutoff * sd of the minima's depths (Hearst's liberal cutoff is -0.5),
    thinned greedily by depth so chapters are at least min_len long; then snapped to
    a cue start within half a unit."""
    U = Units(rec, unit)
    if U.n < 3:
        return []
    s = smooth(gap_similarity(U, w, scheme), smooth_w)
    d = depth_scores(s)
    mins = local_minima(s)
    if not mins:
        return []
    pool = d[mins] if cutoff_over == "minima" else d
    thr = pool.mean() + cutoff * pool.std()
    cands = [g for g in mins if d[g] >= thr and d[g] > 0]
    times = {g: U.edge(g + 1) for g in range(len(s))}
    b = select_spaced(cands, d, times, rec.duration, min_len)
    if snap:
        b = snap_to_cues(b, rec, unit / 2)
    if return_scores:
        return b, s, d, U
    return b


def ranked_gaps(rec, unit=30.0, w=4, smooth_w=3, scheme="tfidf"):
    """(times, depth) of local minima, for the oracle-count analysis."""
    U = Units(rec, unit)
    if U.n < 3:
        return [], []
    s = smooth(gap_similarity(U, w, scheme), smooth_w)
    d = depth_scores(s)
    mins = local_minima(s)
    return [U.edge(g + 1) for g in mins], [d[g] for g in mins]


def time_tiling_k(rec, k, min_len=60.0, **kw):
    """time_tiling's scores with a given count k (oracle analysis only)."""
    unit = kw.get("unit", 30.0)
    t, d = ranked_gaps(rec, **kw)
    idx = list(range(len(t)))
    times = dict(enumerate(t))
    sc = dict(enumerate(d))
    order = sorted(idx, key=lambda i: (-sc[i], times[i]))
    kept = []
    for i in order:
        if len(kept) >= k:
            break
        ti = times[i]
        if ti < min_len or rec.duration - ti < min_len:
            continue
        if all(abs(ti - times[j]) >= min_len for j in kept):
            kept.append(i)
    return sorted(times[i] for i in kept)


# ---- penalised optimal partitioning


def _dcm_costs(X, alpha, min_units):
    """cost[i, j] for segments of units [i, j): minus the log marginal likelihood of
    their counts under a Dirichlet-multinomial with symmetric concentration alpha
    over the recording's vocabulary (BayesSeg's segment likelihood). inf where
    j - i < min_units."""
    n, V = X.shape
    C = np.vstack([np.zeros((1, V)), np.cumsum(X, axis=0)])
    cost = np.full((n + 1, n + 1), np.inf)
    lga = gammaln(alpha)
    for i in range(n):
        js = np.arange(i + min_units, n + 1)
        if len(js) == 0:
            continue
        seg = C[js] - C[i]
        N = seg.sum(axis=1)
        ll = gammaln(V * alpha) - gammaln(N + V * alpha) + (gammaln(seg + alpha) - lga).sum(axis=1)
        cost[i, js] = -ll
    return cost


def _multinomial_costs(X, min_units):
    """cost[i, j] = - sum_v n_v ln(n_v / N): the maximised multinomial log
    likelihood of the segment's counts."""
    n, V = X.shape
    C = np.vstack([np.zeros((1, V)), np.cumsum(X, axis=0)])
    cost = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        js = np.arange(i + min_units, n + 1)
        if len(js) == 0:
            continue
        seg = C[js] - C[i]
        N = seg.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(seg > 0, seg * np.log(seg / np.maximum(N, 1e-300)), 0.0)
        cost[i, js] = -t.sum(axis=1)
    return cost


def _cos_costs(W, min_units):
    """cost[i, j] = sum ||x_t||^2 - ||sum x_t||^2 / (j - i) over L2-normalised unit
    vectors x_t (the linear-kernel change-point cost; 0 for a perfectly cohesive
    segment, up to j - i for mutually orthogonal units)."""
    n, V = W.shape
    nr = np.linalg.norm(W, axis=1, keepdims=True)
    Xn = np.where(nr > 0, W / np.maximum(nr, 1e-300), 0.0)
    C = np.vstack([np.zeros((1, V)), np.cumsum(Xn, axis=0)])
    sq = np.concatenate([[0.0], np.cumsum((Xn ** 2).sum(axis=1))])
    cost = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        js = np.arange(i + min_units, n + 1)
        if len(js) == 0:
            continue
        seg = C[js] - C[i]
        cost[i, js] = (sq[js] - sq[i]) - (seg ** 2).sum(axis=1) / (js - i)
    return cost


def optimal_partition(cost, beta):
    """Exact penalised optimal partitioning (Jackson et al. 2005; PELT gives the same
    answer faster): minimise sum of segment costs + beta * number of boundaries.
    Ties: the earliest last change point. Returns the inner boundaries (unit idx)."""
    n = cost.shape[0] - 1
    F = np.full(n + 1, np.inf)
    F[0] = -beta
    back = np.zeros(n + 1, dtype=int)
    for j in range(1, n + 1):
        vals = F[:j] + cost[:j, j] + beta
        i = int(np.argmin(vals))
        F[j] = vals[i]
        back[j] = i
    if not np.isfinite(F[n]):
        return []
    out = []
    j = n
    while j > 0:
        i = back[j]
        if i > 0:
            out.append(i)
        j = i
    return sorted(out)


def penalised(rec, unit=30.0, cost="dcm", alpha=0.1, beta=None, pen=1.0, scheme="tfidf",
              min_len=120.0, snap=True):
    """Optimal partitioning over time units. cost 'dcm' (Dirichlet-multinomial
    marginal likelihood; beta defaults to pen * ln(duration_units) ), 'mult'
    (multinomial ML cost with BIC-like penalty pen * (V_eff / 2) ln N), 'cos'
    (linear kernel on L2-normalised weighted unit vectors; beta = pen * sigma2 *
    ln(n), sigma2 = median over t of ||x_t+1 - x_t||^2 / 2)."""
    U = Units(rec, unit)
    m = max(1, int(math.ceil(min_len / unit - 1e-9)))
    if U.n < 2 * m:
        return []
    X = U.X
    if cost == "dcm":
        Cm = _dcm_costs(X, alpha, m)
        b = pen * math.log(U.n) if beta is None else beta
    elif cost == "mult":
        Cm = _multinomial_costs(X, m)
        N = X.sum()
        veff = float(np.exp(-(p := X.sum(0) / max(N, 1)) [p > 0] @ np.log(p[p > 0])))
        b = pen * veff / 2 * math.log(max(N, 2)) if beta is None else beta
    elif cost == "cos":
        df = (X > 0).sum(axis=0)
        Wt = weight(X, scheme, df, U.n)
        Cm = _cos_costs(Wt, m)
        nr = np.linalg.norm(Wt, axis=1, keepdims=True)
        Xn = np.where(nr > 0, Wt / np.maximum(nr, 1e-300), 0.0)
        sig2 = float(np.median((np.diff(Xn, axis=0) ** 2).sum(axis=1) / 2)) if U.n > 1 else 1.0
        b = pen * sig2 * math.log(U.n) if beta is None else beta
    else:
        raise ValueError(cost)
    gs = optimal_partition(Cm, b)
    bounds = [U.edge(g) for g in gs]
    if snap:
        bounds = snap_to_cues(bounds, rec, unit / 2)
    return bounds


# ---- C99


def c99(rec, unit=30.0, rank_r=5, scheme="tfidf", min_len=120.0, stop_ratio=1.2, snap=True,
        max_k=None):
    """Choi (2000) over time units: cosine similarity matrix of weighted unit vectors,
    rank transform in an r x r mask (share of neighbours with lower similarity),
    divisive clustering maximising inside density D = sum of inner sums / sum of
    areas; stop when the density gain falls below mean + stop_ratio * sd of gains
    (Choi's rule with c = 1.2). Segments shorter than min_len are not allowed."""
    U = Units(rec, unit)
    n = U.n
    m = max(1, int(math.ceil(min_len / unit - 1e-9)))
    if n < 2 * m:
        return []
    df = (U.X > 0).sum(axis=0)
    W = weight(U.X, scheme, df, n)
    nr = np.linalg.norm(W, axis=1, keepdims=True)
    Xn = np.where(nr > 0, W / np.maximum(nr, 1e-300), 0.0)
    S = Xn @ Xn.T
    h = rank_r // 2
    Rk = np.zeros_like(S)
    for i in range(n):
        for j in range(n):
            lo_i, hi_i = max(0, i - h), min(n, i + h + 1)
            lo_j, hi_j = max(0, j - h), min(n, j + h + 1)
            block = S[lo_i:hi_i, lo_j:hi_j]
            cnt = block.size - 1
            Rk[i, j] = (block < S[i, j]).sum() / cnt if cnt > 0 else 0.0
    P = np.zeros((n + 1, n + 1))
    P[1:, 1:] = np.cumsum(np.cumsum(Rk, axis=0), axis=1)

    def inner(a, b):  # sum of Rk[a:b, a:b]
        return P[b, b] - P[a, b] - P[b, a] + P[a, a]

    segs = [(0, n)]
    dens = []
    bounds = []
    total_in = inner(0, n)
    total_area = n * n
    history = [total_in / total_area]
    while True:
        best = None
        for si, (a, b) in enumerate(segs):
            for c in range(a + m, b - m + 1):
                new_in = total_in - inner(a, b) + inner(a, c) + inner(c, b)
                new_area = total_area - (b - a) ** 2 + (c - a) ** 2 + (b - c) ** 2
                D = new_in / new_area
                if best is None or D > best[0]:
                    best = (D, si, c, new_in, new_area)
        if best is None:
            break
        D, si, c, new_in, new_area = best
        a, b = segs.pop(si)
        segs[si:si] = [(a, c), (c, b)]
        total_in, total_area = new_in, new_area
        bounds.append(c)
        history.append(D)
        if max_k is not None and len(bounds) >= max_k:
            break
    if max_k is None and len(bounds) > 1:
        gains = np.diff(history)
        mu, sd = gains.mean(), gains.std()
        thr = mu + stop_ratio * sd
        # Choi: stop at the first split whose gain falls below the threshold... the
        # gain curve drops sharply; keep splits before the first gain < thr after the
        # largest second difference. Simple form: keep the prefix while gain > thr.
        keep = len(gains)
        for i, g in enumerate(gains):
            if g < thr:
                keep = i
                break
        bounds = bounds[:keep]
    out = sorted(U.edge(c) for c in bounds)
    if snap:
        out = snap_to_cues(out, rec, unit / 2)
    return out


def partition_k(cost, k):
    """Exact optimal partition of the units into k + 1 segments (k inner
    boundaries) minimising the total cost (dynamic programming over segment
    counts). Returns inner boundaries (unit idx), [] if infeasible."""
    n = cost.shape[0] - 1
    K = k + 1
    F = np.full((K + 1, n + 1), np.inf)
    B = np.zeros((K + 1, n + 1), dtype=int)
    F[0, 0] = 0.0
    for s in range(1, K + 1):
        for j in range(1, n + 1):
            vals = F[s - 1, :j] + cost[:j, j]
            i = int(np.argmin(vals))
            F[s, j] = vals[i]
            B[s, j] = i
    if not np.isfinite(F[K, n]):
        return []
    out = []
    j = n
    for s in range(K, 0, -1):
        i = B[s, j]
        if i > 0:
            out.append(i)
        j = i
    return sorted(out)


def segment_costs(rec, unit=30.0, cost="dcm", alpha=0.1, scheme="tfidf", min_len=120.0):
    U = Units(rec, unit)
    m = max(1, int(math.ceil(min_len / unit - 1e-9)))
    if cost == "dcm":
        return U, _dcm_costs(U.X, alpha, m)
    if cost == "mult":
        return U, _multinomial_costs(U.X, m)
    df = (U.X > 0).sum(axis=0)
    return U, _cos_costs(weight(U.X, scheme, df, U.n), m)
