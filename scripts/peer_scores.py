#!/usr/bin/env python3
"""Regenerate tests/fixtures/peer_scores.json: BM25, c-TF-IDF, G² and log-odds
scores of themeline's own per-window counts, computed by the peers themeline
claims to match.

  bm25      rank_bm25.BM25Okapi (k1=1.5, b=0.75, epsilon=0.25), windows as
            documents; a term's score in a window is get_scores([term]).
  ctfidf    BERTopic's ClassTfidfTransformer (all four combinations of
            bm25_weighting and reduce_frequent_words), windows as classes. The
            module file is loaded directly so BERTopic's embedding stack is not
            needed.
  g2        quanteda's textstat_keyness(measure = "lr", correction = "none"):
            the 2x2 table of a term in the window against the reference (the
            rest of the run, or the previous window). quanteda is an R package
            and CRAN is out of reach from this machine, so `quanteda_lr` below
            transcribes its C++ (quanteda.textstats src/keyness.cpp, lr_lambda:
            G2 = 2 * sum(O * log(O / E + 1e-9)), negative unless a > E). As an
            independent check the script also records NLTK's
            BigramAssocMeasures.likelihood_ratio (exact G2, no epsilon) signed
            the same way; the test checks themeline against quanteda's formula
            to 1e-9 and against NLTK to the size of quanteda's epsilon.
  logodds   scattertext's LogOddsRatioInformativeDirichletPrior (Monroe et al.
            2008) with the run's counts as the prior (scale_type "none"), against
            the same references. Its two module files are loaded directly.

tests/peer_scores.rs rebuilds the counts and compares every score to 1e-9.

Usage (from the repository root):
    pip install rank_bm25 nltk scipy scikit-learn
    pip install --no-deps bertopic scattertext   # their math modules only, loaded by path
    python3 scripts/peer_scores.py --scattertext "$(python3 -c 'import site; print(site.getsitepackages()[0])')"

Versions that produced the committed fixture: rank-bm25 0.2.2, bertopic 0.17.4,
scattertext 0.2.2, nltk 3.10.4, numpy 2.4.6, scipy 1.17.1.
"""

import argparse
import importlib.util
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from nltk.metrics.association import BigramAssocMeasures
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "peer_scores.json"


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def bertopic_ctfidf():
    spec = importlib.util.find_spec("bertopic")
    path = Path(spec.submodule_search_locations[0]) / "vectorizers" / "_ctfidf.py"
    return load_module("bertopic_ctfidf", path).ClassTfidfTransformer


def scattertext_log_odds(root):
    base = Path(root) / "scattertext"
    # Only the math modules are loaded; their package imports are stubbed.
    for name in ("scattertext", "scattertext.termranking", "scattertext.termsignificance"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["scattertext.termranking"].AbsoluteFrequencyRanker = object
    term_significance = load_module(
        "scattertext.termsignificance.TermSignificance", base / "termsignificance" / "TermSignificance.py"
    )
    sys.modules["scattertext.termsignificance"].TermSignificance = term_significance
    uninformative = load_module(
        "scattertext.termsignificance.LogOddsRatioUninformativeDirichletPrior",
        base / "termsignificance" / "LogOddsRatioUninformativeDirichletPrior.py",
    )
    sys.modules["scattertext.termsignificance"].LogOddsRatioUninformativeDirichletPrior = (
        uninformative.LogOddsRatioUninformativeDirichletPrior
    )
    informative = load_module(
        "scattertext.termsignificance.LogOddsRatioInformativeDirichletPiror",
        base / "termsignificance" / "LogOddsRatioInformativeDirichletPiror.py",
    )
    return informative.LogOddsRatioInformativeDirichletPrior


def themeline_counts(args):
    cmd = ["cargo", "run", "--release", "--quiet", "--", "inspect", "--no-config", "--what", "counts", *args]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line)["counts"] for line in out.splitlines()]


def quanteda_lr(a, b, t_n, r_n):
    """quanteda.textstats lr_lambda with correction "none", operation for operation."""
    epsilon = 0.000000001
    c, d = t_n - a, r_n - b
    n = a + b + c + d
    e = (a + b) * (a + c) / n

    def cell(o, row, column):
        # 0 * log(0 / E + eps) is 0 in C++; numpy would warn on 0/0 for an empty row.
        return 0.0 if o == 0 else o * math.log(o / (row * column / n) + epsilon)

    res = 2 * (cell(a, a + b, a + c) + cell(b, a + b, b + d) + cell(c, a + c, c + d) + cell(d, b + d, c + d))
    return res if a > e else -res


# Each case: a name, themeline's arguments (after --no-config).
CASES = {
    "kubecon-5m": ["data/kubecon-eu-2024-recap.txt", "--aliases", "cloud-native", "--window", "5m"],
    "sotu-decade": ["tests/fixtures/sotu", "--window", "decade", "--min-count", "8"],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scattertext", required=True, help="directory holding the scattertext package (site-packages, or an unpacked wheel)")
    options = parser.parse_args()
    ClassTfidfTransformer = bertopic_ctfidf()
    LogOdds = scattertext_log_odds(options.scattertext)

    cases = {}
    for name, args in CASES.items():
        windows = themeline_counts(args)
        cases[name] = {"themeline_args": args, "windows": windows, "scores": scores_of(windows, ClassTfidfTransformer, LogOdds)}
    fixture = {"generated_by": "scripts/peer_scores.py", "cases": cases}
    FIXTURE.write_text(json.dumps(fixture, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)} ({FIXTURE.stat().st_size} bytes)")


def scores_of(windows, ClassTfidfTransformer, LogOdds):
    vocabulary = sorted({t for w in windows for t in w})
    index = {t: i for i, t in enumerate(vocabulary)}
    matrix = np.zeros((len(windows), len(vocabulary)))
    for w, counts in enumerate(windows):
        for term, n in counts.items():
            matrix[w, index[term]] = n
    totals = matrix.sum(axis=0)

    def per_window(scores_of):
        return [[float(scores_of(w, term)) for term in sorted(counts)] for w, counts in enumerate(windows)]

    result = {}
    bm25 = BM25Okapi([[t for t, n in sorted(c.items()) for _ in range(n)] for c in windows])
    result["bm25"] = per_window(lambda w, term: bm25.get_scores([term])[w])

    for weighting in (False, True):
        for reduce in (False, True):
            model = ClassTfidfTransformer(bm25_weighting=weighting, reduce_frequent_words=reduce)
            scores = model.fit_transform(sp.csr_matrix(matrix)).toarray()
            name = f"ctfidf-bm25_weighting={weighting}-reduce_frequent_words={reduce}"
            result[name] = per_window(lambda w, term: scores[w, index[term]])

    def references(w, against):
        if against == "rest":
            return totals - matrix[w]
        return matrix[w - 1] if w > 0 else None

    for against in ("rest", "previous"):
        quanteda, nltk, log_odds = [], [], []
        for w, counts in enumerate(windows):
            reference = references(w, against)
            window_total = matrix[w].sum()
            if reference is None or reference.sum() == 0 or window_total == 0:
                for scores in (quanteda, nltk, log_odds):
                    scores.append([])
                continue
            reference_total = reference.sum()
            q_row, n_row = [], []
            for term in sorted(counts):
                a, b = matrix[w, index[term]], reference[index[term]]
                n = window_total + reference_total
                q_row.append(quanteda_lr(a, b, window_total, reference_total))
                value = BigramAssocMeasures.likelihood_ratio(a, (a + b, window_total), n)
                expected = (a + b) * window_total / n
                n_row.append(float(value if a > expected else -value))
            quanteda.append(q_row)
            nltk.append(n_row)
            z = LogOdds(priors=totals, scale_type="none").get_zeta_i_j_given_separate_counts(matrix[w], reference)
            log_odds.append([float(z[index[term]]) for term in sorted(counts)])
        result[f"g2-quanteda-{against}"] = quanteda
        result[f"g2-nltk-{against}"] = nltk
        result[f"logodds-{against}"] = log_odds
    return result


if __name__ == "__main__":
    main()
