#!/usr/bin/env python3
"""Regenerate tests/fixtures/sklearn_tfidf.json: scikit-learn's TF-IDF of themeline's tokens.

themeline scores windows with scikit-learn's TfidfVectorizer formulas. To check that
claim without re-implementing anything, this script asks themeline for its own
per-window token counts (`themeline inspect --what counts`), feeds them to
TfidfVectorizer with a pass-through analyzer (analyzer=callable, so scikit-learn does
no tokenizing of its own), and records scikit-learn's scores for every combination
of tf (raw, sublinear), idf (smooth, plain, none) and norm (l2, l1, none).
tests/sklearn_crosscheck.rs rebuilds the same counts and compares to 1e-9.

Fixture layout: cases[].windows[w] is {term: count}; cases[].variants["tf-idf-norm"][w]
lists scikit-learn's scores of window w's terms in sorted term order.

Usage (from the repository root):
    pip install scikit-learn        # 1.5 or later
    python3 scripts/sklearn_crosscheck.py
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "sklearn_tfidf.json"
TRANSCRIPT = "data/kubecon-eu-2024-recap.txt"

# Each case is one themeline window configuration on the bundled transcript.
CASES = {
    "kubecon-5m": ["--window", "5m"],
    "kubecon-6m-step-3m": ["--window", "6m", "--step", "3m"],
}

VARIANTS = [
    (tf, idf, norm)
    for tf in ("raw", "sublinear")
    for idf in ("smooth", "plain", "none")
    for norm in ("l2", "l1", "none")
]


def themeline_counts(args):
    """Per-window {term: count} from themeline itself, in window order."""
    cmd = ["cargo", "run", "--release", "--quiet", "--", "inspect", TRANSCRIPT,
           "--what", "counts", *args]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["window"] for r in rows] == list(range(len(rows))), "windows out of order"
    return [r["counts"] for r in rows]


def pass_through(tokens):
    return tokens


def sklearn_scores(windows, tf, idf, norm):
    """scikit-learn's scores, per window, aligned with that window's sorted terms."""
    docs = [[term for term, n in sorted(counts.items()) for _ in range(n)] for counts in windows]
    vectorizer = TfidfVectorizer(
        analyzer=pass_through,
        lowercase=False,
        sublinear_tf=(tf == "sublinear"),
        use_idf=(idf != "none"),
        smooth_idf=(idf == "smooth"),
        norm=None if norm == "none" else norm,
        dtype=np.float64,
    )
    matrix = vectorizer.fit_transform(docs).tocsr()
    names = vectorizer.get_feature_names_out()
    result = []
    for row, counts in enumerate(windows):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        scores = dict(zip(names[matrix.indices[start:end]], matrix.data[start:end]))
        # Every counted term has a non-zero TF-IDF, so the alignment is total.
        assert sorted(scores) == sorted(counts), f"window {row}: terms differ"
        result.append([float(scores[term]) for term in sorted(counts)])
    return result


def main():
    fixture = {
        "generated_by": "scripts/sklearn_crosscheck.py",
        "sklearn_version": sklearn.__version__,
        "python_version": sys.version.split()[0],
        "input": TRANSCRIPT,
        "cases": [],
    }
    for name, args in CASES.items():
        windows = themeline_counts(args)
        case = {"name": name, "themeline_args": args, "windows": windows, "variants": {}}
        for tf, idf, norm in VARIANTS:
            case["variants"][f"{tf}-{idf}-{norm}"] = sklearn_scores(windows, tf, idf, norm)
        fixture["cases"].append(case)
    FIXTURE.write_text(json.dumps(fixture, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)} ({FIXTURE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
