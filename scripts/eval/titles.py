"""Chapter titles: the terms that are key to a chapter against the rest of the
recording, and the title hit rate against reference titles.

Terms are stems of content words (eval.tokens) and bigrams of two adjacent content
words with no dropped word (stop word, number, short word), punctuation (.,;:!?())
or stage direction between them (the bigram key is "stem1 stem2"). A chapter's
tokens are those of the cues whose midpoint (start + end) / 2 falls in
[chapter start, next chapter start).

Measures (a = the term's count in the chapter, b = in the other chapters, t_n / r_n
= unigram tokens in the chapter / in the other chapters):
* 'g2tf' (RECOMMENDED): candidates are the terms with a >= MIN_COUNT whose signed
  G2 (chapter vs the rest; quanteda's lr formula with eps 1e-9, as
  src/score/keyness.rs signed_g2) is > G2_MIN (0); ranked by a, ties by G2, then
  by key; i.e. the chapter's most frequent terms among those it over-uses;
* 'g2': ranked by signed G2; 'logodds': by the log-odds z with an informative
  Dirichlet prior (Monroe et al. 2008; prior = the term's count in the recording,
  alpha0 = the recording's tokens), as keyness.rs log_odds_z;
* 'tfidf': a * (ln((1 + n_chapters) / (1 + df)) + 1), chapters as documents;
* 'tf': a (baseline); 'global': the recording's most frequent terms for every
  chapter (baseline).
If the recording has a single chapter (r_n = 0) a term's score is a.

Filters: a term must occur at least MIN_COUNT (3) times in the chapter; no word of
it may be a likely person name (a capitalised word right after "my name is", "my
name's", "I'm", "hi", "hey", "hello", "thanks", "thank you" or "welcome", that is
capitalised in >= 80% of its occurrences in the recording); a unigram may not be in
GENERIC, a bigram may not have both words in GENERIC.

Choice: walk the ranking; a unigram u is replaced by the chapter's most frequent
candidate bigram containing u (ties: smallest key) when that bigram's count is at
least PROMOTE (0.5) times u's count; a term is skipped if it is already chosen or
shares a word with a chosen term; stop at N_TERMS (4) terms. Each term is shown in
its most frequent surface form (as written; ties: the smallest string), joined with
", ".
"""

import math
import re
from collections import Counter, defaultdict

from . import tokens as T

MIN_COUNT = 3
N_TERMS = 4
BIGRAM_BOOST = 1.0
PROMOTE = 0.5
EPS = 1e-9
G2_MIN = 0.0  # g2tf: a term must have signed G2 above this (3.84: p < 0.05, 1 df)

# Verb-ish and discourse words left in by the stop lists that never make a title.
GENERIC = set(T.stem(w) for w in """
use used using work works working worked run running runs ran start started
starting show showing shows showed set setting try tries basic question questions
answer minute minutes second seconds today time times day week year years yes
part point case idea sense reason problem problems example examples stuff
okay alright hello welcome thank thanks cheer cheers share sharing screen chat
let's lets hope wait look looks looked bit change changes create created
add added adding type typed click clicked open opened place right left new old
different same important easi easy hard real realli actual kind sure gonna
find found help helps live stream streams today's awesome
""".split())

NAME_CUE = re.compile(
    r"(?:[Mm]y name is|[Mm]y name's|I'm|[Hh]i|[Hh]ey|[Hh]ello|[Tt]hanks|[Tt]hank you|[Ww]elcome)"
    r"\s+([A-Z][a-z]+)")


def likely_names(rec):
    """Lower-cased words that look like person names in this recording."""
    cued = Counter()
    cap = Counter()
    tot = Counter()
    for c in rec.cues:
        for m in NAME_CUE.finditer(c.text):
            cued[m.group(1).lower()] += 1
        for w in re.findall(r"\b\w+\b", c.text):
            lw = w.lower()
            tot[lw] += 1
            if w[:1].isupper():
                cap[lw] += 1
    return {w for w in cued if tot[w] and cap[w] / tot[w] >= 0.8}


def chapter_terms(rec, bounds):
    """Per chapter: Counter of unigram and bigram keys, plus surface forms."""
    edges = [0.0] + list(bounds) + [rec.duration + 1e-6]
    counts = [Counter() for _ in range(len(edges) - 1)]
    surface = defaultdict(Counter)
    import bisect

    for c in rec.cues:
        mid = (c.start + c.end) / 2
        i = max(0, min(len(counts) - 1, bisect.bisect_right(edges, mid) - 1))
        seq = T.tokens_with_breaks(c.text)
        prev = None
        for item in seq:
            if item is None:
                prev = None
                continue
            s, w = item
            counts[i][s] += 1
            surface[s][w] += 1
            if prev is not None:
                key = prev[0] + " " + s
                counts[i][key] += 1
                surface[key][prev[1] + " " + w] += 1
            prev = item
    return counts, surface


def signed_g2(a, b, t_n, r_n):
    c, d = t_n - a, r_n - b
    n = a + b + c + d
    if n <= 0:
        return 0.0
    e = (a + b) * (a + c) / n

    def cell(o, row, col):
        return 0.0 if o == 0 else o * math.log(o / (row * col / n) + EPS)

    g2 = 2.0 * (cell(a, a + b, a + c) + cell(b, a + b, b + d) + cell(c, a + c, c + d) + cell(d, b + d, c + d))
    return g2 if a > e else -g2


def log_odds_z(a, b, n_i, n_j, alpha, alpha0):
    try:
        delta = math.log((a + alpha) / (n_i + alpha0 - a - alpha)) - math.log(
            (b + alpha) / (n_j + alpha0 - b - alpha))
        var = 1 / (a + alpha) + 1 / (n_i + alpha0 - a - alpha) + 1 / (b + alpha) + 1 / (n_j + alpha0 - b - alpha)
        z = delta / math.sqrt(var)
        return z if math.isfinite(z) else 0.0
    except (ValueError, ZeroDivisionError):
        return 0.0


def _display(key, surface):
    forms = surface.get(key)
    if not forms:
        return key
    return sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def titles(rec, bounds, measure="g2", n_terms=N_TERMS, bigrams=True, min_count=MIN_COUNT):
    """One title per chapter (len(bounds) + 1 strings) and the stems it contains."""
    counts, surface = chapter_terms(rec, bounds)
    total = Counter()
    for c in counts:
        total.update(c)
    names = {T.stem(n) for n in likely_names(rec)}

    def bad(key):
        parts = key.split(" ")
        if any(p in names for p in parts):
            return True
        if len(parts) == 1 and key in GENERIC:
            return True
        if len(parts) == 2 and (parts[0] in GENERIC and parts[1] in GENERIC):
            return True
        return False

    # token totals count unigrams only (bigram cells use the same totals)
    uni_total = sum(v for k, v in total.items() if " " not in k)
    n_ch = len(counts)
    dfc = Counter()
    for c in counts:
        dfc.update(c.keys())
    out = []
    for c in counts:
        t_n = sum(v for k, v in c.items() if " " not in k)
        r_n = uni_total - t_n
        scored = []
        if measure == "global":
            for k, v in total.items():
                if (" " in k and not bigrams) or bad(k):
                    continue
                scored.append((v, k))
        else:
            for k, a in c.items():
                if a < min_count or (" " in k and not bigrams) or bad(k):
                    continue
                b = total[k] - a
                if measure == "g2":
                    s = signed_g2(a, b, t_n, r_n) if r_n > 0 else float(a)
                elif measure == "logodds":
                    s = log_odds_z(a, b, t_n, r_n, total[k], uni_total) if r_n > 0 else float(a)
                elif measure == "tf":
                    s = float(a)
                elif measure == "tfidf":
                    # chapters as documents, smooth idf, raw tf
                    s = a * (math.log((1 + n_ch) / (1 + dfc[k])) + 1)
                elif measure == "g2tf":
                    # key (G2 > 0) terms ranked by their count, G2 breaking ties
                    g = signed_g2(a, b, t_n, r_n) if r_n > 0 else float(a)
                    s = a + g / (1 + g) if g > G2_MIN else -1.0
                else:
                    raise ValueError(measure)
                if s <= 0:
                    continue
                if " " in k:
                    s *= BIGRAM_BOOST
                scored.append((s, k))
        scored.sort(key=lambda x: (-x[0], x[1]))
        # phrase promotion: a unigram stands for its most frequent bigram in the
        # chapter when that bigram covers at least PROMOTE of its occurrences
        best_bi = {}
        for k, a in c.items():
            if " " in k and a >= min_count and bigrams and not bad(k):
                for p in k.split(" "):
                    cur = best_bi.get(p)
                    # the most frequent; ties: the lexicographically smallest key
                    if cur is None or a > cur[0] or (a == cur[0] and k < cur[1]):
                        best_bi[p] = (a, k)
        chosen = []
        used = set()
        for s, k in scored:
            if " " not in k and k in best_bi and best_bi[k][0] >= PROMOTE * c[k]:
                k = best_bi[k][1]
            parts = k.split(" ")
            if k in chosen or any(p in used for p in parts):
                continue
            chosen.append(k)
            used.update(parts)
            if len(chosen) >= n_terms:
                break
        out.append((", ".join(_display(k, surface) for k in chosen), set(" ".join(chosen).split())))
    return out


def ref_title_stems(title):
    if not title or title.startswith("<Untitled"):
        return set()
    return set(T.tokens(title))


def hit_rate(rec, hyp_bounds, hyp_title_stems):
    """For each reference chapter with content words in its title: does one of them
    appear among the title stems of the hypothesis chapter that overlaps it most
    (ties: the earlier chapter)? Returns (hits, scored)."""
    ref = rec.chapters
    ref_edges = [s for s, _ in ref] + [rec.duration]
    hyp_edges = [0.0] + list(hyp_bounds) + [rec.duration]
    hits = scored = 0
    for i, (s, title) in enumerate(ref):
        want = ref_title_stems(title)
        if not want:
            continue
        e = ref_edges[i + 1]
        best, best_ov = 0, -1.0
        for j in range(len(hyp_edges) - 1):
            ov = min(e, hyp_edges[j + 1]) - max(s, hyp_edges[j])
            if ov > best_ov:
                best, best_ov = j, ov
        scored += 1
        if want & hyp_title_stems[best]:
            hits += 1
    return hits, scored
