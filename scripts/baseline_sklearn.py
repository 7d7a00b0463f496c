#!/usr/bin/env python3
"""The scikit-learn peer for the benchmarks: what an analyst writes instead of themeline.

Usage: scripts/baseline_sklearn.py CORPUS OUTDIR      (needs scikit-learn, PyStemmer)

Reads a YouTube-style transcript (header lines, then `M:SS` or `H:MM:SS` stamps glued
to their text; a line without a stamp belongs to the stamp before it), puts each
stamped segment in the 5-minute window its stamp falls in, tokenizes every window
with scikit-learn's default token pattern after lower-casing, drops scikit-learn's
English stop words, stems with PyStemmer's Snowball English (a dict caches each
distinct word's stem), scores with TfidfVectorizer (smooth idf, l2 norm, windows as
documents) over the pre-stemmed tokens, and writes the top 20 terms of every
non-empty window to OUTDIR/terms.csv (window, start, end, rank, term, score; ties by
score descending, then term ascending). Prints the windows, tokens, terms and the
seconds each step took to stderr.

It is the peer the benchmarks compare themeline's `--phrases off --discover 0` path
with, so it is meant to be honest and reasonably efficient: one pass over the file,
one regex scan per window, one dict lookup per token, and scikit-learn's own sparse
TF-IDF.
"""

import csv
import pathlib
import re
import sys
import time

import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

WINDOW = 300  # seconds
TOP = 20
# H:MM:SS first; seconds are always two digits ("0:5112,000" is 0:51 + "12,000").
STAMP = re.compile(r"(?:(\d{1,2}):(\d\d):(\d\d)|(\d{1,3}):(\d\d))")
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern


class StemCache(dict):
    """Stem per distinct lower-cased word; None for a stop word."""

    def __init__(self):
        super().__init__()
        self.stemmer = Stemmer.Stemmer("english")

    def __missing__(self, word):
        stem = None if word in ENGLISH_STOP_WORDS else self.stemmer.stemWord(word)
        self[word] = stem
        return stem


def read_windows(path):
    """Text of each window, by window index."""
    windows = {}
    current = None  # the list the current segment's lines go to
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            m = STAMP.match(line)
            if m:
                if m.group(1) is not None:
                    t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
                else:
                    t = int(m.group(4)) * 60 + int(m.group(5))
                current = windows.setdefault(t // WINDOW, [])
                line = line[m.end() :]
            if current is not None:  # lines before the first stamp are the header
                current.append(line)
    return windows


def identity(tokens):
    return tokens


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    corpus, outdir = sys.argv[1], pathlib.Path(sys.argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    steps = []

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        steps.append(f"{name} {now - clock:.2f}s")
        clock = now

    windows = read_windows(corpus)
    step("read")
    order = sorted(windows)
    cache = StemCache()
    docs = []
    tokens = 0
    for w in order:
        words = TOKEN.findall(" ".join(windows.pop(w)).lower())
        stems = [s for s in map(cache.__getitem__, words) if s is not None]
        tokens += len(stems)
        docs.append(stems)
    step("tokenize+stem")

    vectorizer = TfidfVectorizer(analyzer=identity)
    matrix = vectorizer.fit_transform(docs)
    del docs
    terms = vectorizer.get_feature_names_out()
    step("tfidf")

    with open(outdir / "terms.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["window", "start", "end", "rank", "term", "score"])
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
        for row, w in enumerate(order):
            lo, hi = indptr[row], indptr[row + 1]
            scores, ids = data[lo:hi], indices[lo:hi]
            if len(scores) > TOP:
                # Everything scoring at least the TOP-th best, then exact ranking.
                cut = np.partition(scores, len(scores) - TOP)[len(scores) - TOP]
                keep = scores >= cut
                scores, ids = scores[keep], ids[keep]
            # Term ids are in alphabetical order, so ties break by term ascending.
            ranked = np.lexsort((ids, -scores))[:TOP]
            start = w * WINDOW
            for rank, k in enumerate(ranked, 1):
                out.writerow([w, start, start + WINDOW, rank, terms[ids[k]], repr(float(scores[k]))])
    step("write")
    print(
        f"baseline_sklearn: {len(order)} windows, {tokens} tokens, {len(terms)} terms, "
        f"{len(cache)} distinct words; " + ", ".join(steps),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
