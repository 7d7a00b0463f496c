#!/usr/bin/env python3
"""The scikit-learn peer for the benchmarks: what an analyst writes instead of themeline.

Usage: scripts/baseline_sklearn.py [--input-format F] [--window W] CORPUS OUTDIR
       (needs scikit-learn, PyStemmer; F: transcript (default), vtt, jsonl;
       W: a duration in seconds or with a unit, 300, 5m, 1m, 1h (default 5m), or month)

Reads the corpus in one of the shapes scripts/gen_corpus.py writes:

  transcript  a YouTube-style transcript (header lines, then `M:SS` or `H:MM:SS`
              stamps, up to five digits of hours, glued to their text; a line
              without a stamp belongs to the stamp before it): each stamped segment
              goes to the window its stamp falls in (shapes segments, transcript,
              manywindows)
  vtt         WebVTT: each cue goes to the window its start falls in, its payload
              without markup (`<v Speaker 0>`); header and NOTE blocks are skipped
  jsonl       JSON Lines records: `title` and `description` joined, in the window
              of the `recorded` date (UTC; `--window month`: calendar months)

Windows run from 0 (recordings) or the first record's month to the last, empty ones
included, as themeline's do (an empty window is a document for the idf). Then it
tokenizes every window with scikit-learn's default token pattern after lower-casing,
drops scikit-learn's English stop words, stems with PyStemmer's Snowball English (a
dict caches each distinct word's stem), scores with TfidfVectorizer (smooth idf, l2
norm, windows as documents) over the pre-stemmed tokens, and writes the top 20 terms
of every non-empty window to OUTDIR/terms.csv (window, start, end, rank, term,
score; ties by score descending, then term ascending; start and end in seconds, or
months as YYYY-MM). Prints the windows, tokens, terms and the seconds each step took
to stderr.

It is the peer the benchmarks compare themeline's `--phrases off --discover 0` path
with, so it is meant to be honest and reasonably efficient: one pass over the file,
one regex scan per window, one dict lookup per token, and scikit-learn's own sparse
TF-IDF.
"""

import argparse
import csv
import datetime
import json
import pathlib
import re
import sys
import time

import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

TOP = 20
# H:MM:SS first; seconds are always two digits ("0:5112,000" is 0:51 + "12,000").
STAMP = re.compile(r"(?:(\d{1,5}):(\d\d):(\d\d)|(\d{1,3}):(\d\d))")
VTT_TIME = re.compile(r"(?:(\d+):)?(\d\d):(\d\d)\.(\d{3})")
MARKUP = re.compile(r"<[^>]*>")
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MONTH = "month"


class StemCache(dict):
    """Stem per distinct lower-cased word; None for a stop word."""

    def __init__(self):
        super().__init__()
        self.stemmer = Stemmer.Stemmer("english")

    def __missing__(self, word):
        stem = None if word in ENGLISH_STOP_WORDS else self.stemmer.stemWord(word)
        self[word] = stem
        return stem


def read_transcript(path, window):
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
                current = windows.setdefault(t // window, [])
                line = line[m.end() :]
            if current is not None:  # lines before the first stamp are the header
                current.append(line)
    return windows


def read_vtt(path, window):
    """Text of each window, by window index: cue payloads, markup still in."""
    windows = {}
    current = None  # the list the current cue's payload goes to
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                current = None  # a blank line ends a cue
                continue
            if "-->" in line:
                m = VTT_TIME.match(line)
                if m:
                    h, mi, se, ms = m.groups()
                    t = (int(h or 0) * 3600 + int(mi) * 60 + int(se)) * 1000 + int(ms)
                    current = windows.setdefault(t // (window * 1000), [])
                continue
            if current is not None:  # header, NOTE blocks and cue identifiers are not
                current.append(line)
    return windows


def month_of(recorded):
    """Months since year 0 of a date or date-time, in UTC."""
    if len(recorded) == 10 or len(recorded) == 7:  # YYYY-MM-DD, YYYY-MM
        return int(recorded[:4]) * 12 + int(recorded[5:7]) - 1
    if len(recorded) == 4:  # YYYY
        return int(recorded) * 12
    at = datetime.datetime.fromisoformat(recorded)
    if at.tzinfo is not None:
        at = at.astimezone(datetime.timezone.utc)
    return at.year * 12 + at.month - 1


def read_jsonl(path, window):
    """Title and description of each record, by window index (months since year 0,
    or seconds since the epoch over the window)."""
    windows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            recorded = record["recorded"]
            if window == MONTH:
                w = month_of(recorded)
            else:
                at = datetime.datetime.fromisoformat(recorded)
                if at.tzinfo is None:
                    at = at.replace(tzinfo=datetime.timezone.utc)
                w = int(at.timestamp()) // window
            windows.setdefault(w, []).append(f"{record.get('title') or ''}\n{record.get('description') or ''}")
    return windows


def parse_window(text):
    if text == MONTH:
        return MONTH
    m = re.fullmatch(r"(\d+)([smhd]?)", text)
    if not m:
        sys.exit(f"baseline_sklearn: bad --window {text!r} (examples: 300, 5m, 1m, 1h, month)")
    return int(m.group(1)) * UNITS[m.group(2)]


def bounds(w, window):
    """Start and end of window `w`: seconds, or YYYY-MM for months."""
    if window == MONTH:
        return f"{w // 12:04d}-{w % 12 + 1:02d}", f"{(w + 1) // 12:04d}-{(w + 1) % 12 + 1:02d}"
    return w * window, (w + 1) * window


def identity(tokens):
    return tokens


def main():
    parser = argparse.ArgumentParser(description="The scikit-learn peer for the benchmarks (see the script's header).")
    parser.add_argument("--input-format", choices=("transcript", "vtt", "jsonl"), default="transcript")
    parser.add_argument("--window", default="5m", help="seconds, 5m, 1m, 1h, or month (default 5m)")
    parser.add_argument("corpus")
    parser.add_argument("outdir", type=pathlib.Path)
    args = parser.parse_args()
    corpus, outdir, window = args.corpus, args.outdir, parse_window(args.window)
    if window == MONTH and args.input_format != "jsonl":
        sys.exit("baseline_sklearn: --window month needs dated records (--input-format jsonl)")
    outdir.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    steps = []

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        steps.append(f"{name} {now - clock:.2f}s")
        clock = now

    read = {"transcript": read_transcript, "vtt": read_vtt, "jsonl": read_jsonl}[args.input_format]
    windows = read(corpus, window)
    step("read")
    # Every window from the first (0 for a recording) to the last, empty ones too.
    first = min(windows) if args.input_format == "jsonl" else 0
    order = range(first, max(windows) + 1) if windows else range(0)
    markup = args.input_format == "vtt"
    cache = StemCache()
    docs = []
    tokens = 0
    for w in order:
        text = " ".join(windows.pop(w, ()))
        if markup:
            text = MARKUP.sub(" ", text)
        words = TOKEN.findall(text.lower())
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
            start, end = bounds(w, window)
            for rank, k in enumerate(ranked, 1):
                out.writerow([w - first, start, end, rank, terms[ids[k]], repr(float(scores[k]))])
    step("write")
    print(
        f"baseline_sklearn: {len(order)} windows, {tokens} tokens, {len(terms)} terms, "
        f"{len(cache)} distinct words; " + ", ".join(steps),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
