#!/usr/bin/env python3
"""A stand-in for `themeline run ... --out DIR` while the Rust chapter stage does not
exist: writes DIR/chapters.csv for one transcript (VTT or YouTube text) with the
recommended prototype, in the layout the Rust stage is to write. For testing
scripts/eval_chapters.py --themeline-cmd only.

Usage: fake_themeline.py INPUT --out DIR [--hms]   (--hms writes start/end as H:MM:SS)
"""

import argparse
import csv
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from eval import data, methods as Mt, titles as Ti  # noqa: E402
import eval_chapters as E  # noqa: E402


def hms(s):
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--out", required=True)
    ap.add_argument("--hms", action="store_true")
    a = ap.parse_args()
    p = pathlib.Path(a.input)
    if p.suffix == ".vtt":
        cues, dur = data.read_vtt(p)
        dur = max(dur or 0, cues[-1].end)
    else:
        cues = data.read_youtube_text(p)
        dur = cues[-1].end
    rec = data.Recording(rid=p.stem, title=p.stem, duration=dur, cues=cues, chapters=[(0.0, "")])
    b = E.tt_rec(rec)
    ts = Ti.titles(rec, b, **E.TITLE)
    edges = [0.0] + b + [dur]
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    f = (lambda x: hms(x)) if a.hms else (lambda x: f"{x:.3f}")
    with open(out / "chapters.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["source", "chapter", "start", "end", "title"])
        for i in range(len(edges) - 1):
            w.writerow([str(p), i + 1, f(edges[i]), f(edges[i + 1]), ts[i][0]])


if __name__ == "__main__":
    main()
