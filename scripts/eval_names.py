#!/usr/bin/env python3
"""How often the words naming discovered themes and titling chapters are words
people used to title the same recording.

For each rawkode recording (the 30 WebVTT transcripts with chapter lists in
../shared/data/rawkode), themeline's outputs are read from DIR/<video id>/
(`themes.csv` and `chapters.csv`, as `themeline run --no-config V.vtt --out
DIR/<id> --format csv` writes them). Every term of a theme's name ("vault /
HashiCorp / Wonderful" has three) and of a chapter's title is reduced to its
content stems with the evaluation's one tokenisation (scripts/eval/tokens.py);
the term *hits* when one of its stems is among the stems of all the human chapter
titles of that recording. Precision = hits / terms, macro over recordings, per
split (scripts/eval/data.py: the same sha1 hold-out rule as eval_chapters.py).

It measures whether names say what people say a recording is about; verbs of
doing, judgements, adverbs and speakers' first names almost never hit. The
reference titles are generated and dense (see EVALUATION.md), a weak reference:
compare variants with it, do not tune to it, and read the held-out split once.

    python3 scripts/eval_names.py DIR [DIR2 ...] [--split tune|held-out|all]
"""

import argparse
import csv
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from eval import data, tokens as T  # noqa: E402


def stems(text):
    out = set()
    for w in T.words(text):
        k = T.keep(w)
        if k:
            out.add(T.stem(k))
    return out


def name_terms(outdir):
    themes = outdir / "themes.csv"
    if not themes.exists():
        return None
    names = {row["theme"] for row in csv.DictReader(themes.open(encoding="utf-8"))}
    return [t.strip() for name in sorted(names) for t in name.split(" / ") if t.strip()]


def title_terms(outdir):
    chapters = outdir / "chapters.csv"
    if not chapters.exists():
        return None
    terms = []
    for row in csv.DictReader(chapters.open(encoding="utf-8")):
        terms.extend(t.strip() for t in row["title"].split(",") if t.strip())
    return terms


def precision(terms, reference):
    if not terms:
        return None
    return sum(1 for t in terms if stems(t) & reference) / len(terms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=pathlib.Path)
    parser.add_argument("--split", default="tune", choices=["tune", "held-out", "all"])
    args = parser.parse_args()
    recordings = [r for r in data.load_rawkode() if r.duration >= 300]
    if args.split != "all":
        recordings = [r for r in recordings if r.split == args.split]
    print(f"| outputs | split | recordings | theme-name terms | name precision | "
          f"title terms | title precision |")
    print("|---|---|---|---|---|---|---|")
    for d in args.dirs:
        names, titles, n_names, n_titles = [], [], 0, 0
        for r in recordings:
            reference = set().union(*(stems(t) for _, t in r.chapters))
            ns, ts = name_terms(d / r.rid), title_terms(d / r.rid)
            if ns:
                names.append(precision(ns, reference))
                n_names += len(ns)
            if ts:
                titles.append(precision(ts, reference))
                n_titles += len(ts)
        mean = lambda xs: f"{statistics.mean(xs):.3f}" if xs else "-"
        print(f"| {d} | {args.split} | {len(recordings)} | {n_names} | {mean(names)} | "
              f"{n_titles} | {mean(titles)} |")


if __name__ == "__main__":
    main()
