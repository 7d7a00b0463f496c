#!/usr/bin/env python3
"""Evaluate topic segmentation ("chapters") against reference chapter starts.

Usage (from the repository root; see EVALUATION.md for what every number means):

  nice python3 scripts/eval_chapters.py                      # every method, report
  nice python3 scripts/eval_chapters.py --skip nltk          # without the slow one
  nice python3 scripts/eval_chapters.py --themeline DIR      # + themeline's chapters.csv
  nice python3 scripts/eval_chapters.py --themeline-cmd \\
        'themeline run --no-config {input} --out {out}'      # run the tool per recording
  nice python3 scripts/eval_chapters.py --sweep              # the tune-split parameter sweep
  nice python3 scripts/eval_chapters.py --shape              # cue-shape robustness check
  nice python3 scripts/eval_chapters.py --thin               # word-thinning robustness check
  nice python3 scripts/eval_chapters.py --fixed-density      # placement with the count fixed
  nice python3 scripts/eval_chapters.py --write-fake DIR     # chapters.csv files from the
                                                             # recommended prototype (to test
                                                             # the --themeline reader)

Recordings: the 30 rawkode WebVTT transcripts (reference = their chapter list) and
the KubeCon webinar (reference = the 9 listener turns). Split: sha1(video_id), first
hex digit < 6 -> held-out, else tune; KubeCon is held-out. Recordings shorter than
5 minutes are listed but left out of the averages.

--themeline DIR reads, for each recording, the first of DIR/<id>/chapters.csv,
DIR/<id>.chapters.csv, DIR/<id>.csv, or the rows of DIR/chapters.csv whose `source`
contains <id>. Columns are matched case-insensitively: `start` (seconds, or
H:MM:SS / M:SS), optional `title`, `source`, `chapter`, `end`. A chapter starting
within 1 s of 0 is the opening chapter, not a boundary. --themeline-cmd runs the
template with {input} = the transcript path, {out} = a fresh temporary directory,
{id} = the recording id, then reads {out} as above. A recording with no CSV is
reported as missing and left out of that method's averages.
"""

import argparse
import copy
import csv
import datetime
import io
import math
import os
import pathlib
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from eval import data, methods as Mt, metrics as M, titles as Ti, tokens as T  # noqa: E402

MIN_DURATION = 300.0
TOLS = M.TOLS

# ---------------------------------------------------------------------------------
# The recommended configuration (chosen on the tune split; see EVALUATION.md).
REC = dict(unit=30.0, w=4, smooth_w=3, scheme="tfidf", cutoff=-0.5, min_len=120.0)
TITLE = dict(measure="g2tf", n_terms=4)


def tt_rec(r):
    return Mt.time_tiling(r, **REC)


METHODS = {
    # name: (function(rec) -> bounds, short description)
    "timetiling": (tt_rec, "TextTiling over 30 s units: w=4 units (2 min) each side, tf-idf, "
                           "smooth 3, depth >= mean - sd/2, min chapter 120 s [RECOMMENDED]"),
    "timetiling-fine": (lambda r: Mt.time_tiling(r, unit=20.0, w=4, smooth_w=3, scheme="tfidf",
                                                 cutoff=-0.5, min_len=120.0),
                        "same, 20 s units, w=4 (80 s)"),
    "timetiling-coarse": (lambda r: Mt.time_tiling(r, unit=30.0, w=8, smooth_w=3, scheme="tfidf",
                                                   cutoff=-0.5, min_len=180.0),
                          "same, w=8 units (4 min), min chapter 180 s"),
    "bayesseg-op": (lambda r: Mt.penalised(r, unit=30.0, cost="dcm", alpha=0.1, pen=5.0, min_len=120.0),
                    "optimal partitioning of 30 s units, Dirichlet-multinomial segment "
                    "likelihood (alpha 0.1), penalty 5 ln(n units), min chapter 120 s"),
    "c99": (lambda r: Mt.c99(r, unit=30.0, min_len=120.0, stop_ratio=1.2),
            "C99 on 30 s units (5x5 rank mask), Choi's stop rule c=1.2"),
    "nltk-texttiling": (Mt.nltk_texttiling, "NLTK TextTilingTokenizer defaults, a paragraph per cue"),
}
DEFAULT_CANDIDATE = "timetiling"


# ---------------------------------------------------------------------------------
# themeline CSVs


def _parse_time(v):
    v = (v or "").strip()
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        pass
    parts = v.replace(",", ".").split(":")
    try:
        secs = 0.0
        for p in parts:
            secs = secs * 60 + float(p)
        return secs
    except ValueError:
        return None


def read_chapters_csv(path, rid=None):
    """(bounds, titles) from a chapters.csv; titles are per chapter in start order
    (the first one is the opening chapter's). Rows of other sources are skipped when
    the file has a `source` column and rid is given and some row matches it."""
    text = pathlib.Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        return [], [""]
    norm = lambda k: (k or "").strip().lower()
    rows = [{norm(k): (v or "") for k, v in row.items()} for row in rows]
    if rid and "source" in rows[0]:
        mine = [r for r in rows if rid in r.get("source", "")]
        if mine:
            rows = mine
    chapters = []
    for r in rows:
        s = _parse_time(r.get("start") or r.get("start_s") or r.get("begin"))
        if s is None:
            continue
        chapters.append((s, r.get("title", "") or r.get("label", "")))
    chapters.sort(key=lambda c: c[0])
    if not chapters:
        return [], [""]
    titles = []
    bounds = []
    if chapters[0][0] > 1.0:
        titles.append("")  # nothing said about the opening stretch
    for s, t in chapters:
        if s > 1.0:
            bounds.append(s)
        titles.append(t)
    return bounds, titles


def find_csv(d, rid):
    d = pathlib.Path(d)
    for cand in (d / rid / "chapters.csv", d / f"{rid}.chapters.csv", d / f"{rid}.csv"):
        if cand.is_file():
            return cand
    if (d / "chapters.csv").is_file():
        txt = (d / "chapters.csv").read_text(encoding="utf-8-sig")
        if rid in txt:
            return d / "chapters.csv"
    return None


def transcript_path(rec):
    if rec.rid == data.KUBECON_ID:
        return data.KUBECON
    return data.RAWKODE / "transcripts" / f"{rec.rid}.vtt"


def themeline_from_dir(d):
    def fn(rec):
        p = find_csv(d, rec.rid)
        if p is None:
            return None
        return read_chapters_csv(p, rec.rid)
    return fn


def themeline_from_cmd(template, keep=None):
    def fn(rec):
        out = pathlib.Path(tempfile.mkdtemp(prefix=f"tl-{rec.rid[:8]}-", dir=keep))
        cmd = template.format(input=shlex.quote(str(transcript_path(rec))), out=shlex.quote(str(out)),
                              id=rec.rid)
        try:
            res = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            print(f"themeline-cmd: timeout on {rec.rid}", file=sys.stderr)
            return None
        if res.returncode != 0:
            print(f"themeline-cmd: exit {res.returncode} on {rec.rid}: {res.stderr.strip()[:300]}",
                  file=sys.stderr)
        p = find_csv(out, rec.rid) or (out / "chapters.csv" if (out / "chapters.csv").is_file() else None)
        if p is None:
            hits = list(out.rglob("chapters.csv"))
            p = hits[0] if hits else None
        if p is None:
            return None
        return read_chapters_csv(p, rec.rid)
    return fn


def write_fake(d, recs):
    """chapters.csv per recording from the recommended prototype, in the column
    layout the Rust stage is to write (source, chapter, start, end, title)."""
    d = pathlib.Path(d)
    for r in recs:
        b = tt_rec(r)
        ts = Ti.titles(r, b, **TITLE)
        edges = [0.0] + b + [r.duration]
        (d / r.rid).mkdir(parents=True, exist_ok=True)
        with open(d / r.rid / "chapters.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["source", "chapter", "start", "end", "title", "terms"])
            for i in range(len(edges) - 1):
                w.writerow([str(transcript_path(r)), i + 1, f"{edges[i]:.3f}", f"{edges[i + 1]:.3f}",
                            ts[i][0], ";".join(sorted(ts[i][1]))])
    print(f"wrote {len(recs)} chapters.csv under {d}")


# ---------------------------------------------------------------------------------
# evaluation


def run_methods(recs, names, extra, skip):
    """{method: {rid: (bounds, titles or None)}} (None for a missing recording)."""
    out = {}
    for name in names:
        if name in skip:
            continue
        fn = METHODS[name][0]
        t = time.time()
        res = {}
        for r in recs:
            res[r.rid] = (fn(r), None)
        out[name] = res
        print(f"  {name}: {time.time() - t:.1f}s", file=sys.stderr)
    for name, fn in extra.items():
        t = time.time()
        res = {}
        for r in recs:
            got = fn(r)
            res[r.rid] = None if got is None else (got[0], got[1])
        out[name] = res
        print(f"  {name}: {time.time() - t:.1f}s", file=sys.stderr)
    return out


def per_video_rows(recs, results):
    rows = []
    for name, res in results.items():
        for r in recs:
            got = res.get(r.rid)
            if got is None:
                continue
            e = M.evaluate(r.ref_bounds, got[0], r.duration)
            rows.append(dict(method=name, rid=r.rid, split=r.split, duration=r.duration,
                             in_avg=r.duration >= MIN_DURATION, **e))
    return rows


def baselines_for(recs, res):
    """Evenly spaced and valley baselines with the method's count, per recording."""
    ev, va = {}, {}
    for r in recs:
        got = res.get(r.rid)
        if got is None:
            continue
        k = len(got[0])
        ev[r.rid] = M.evaluate(r.ref_bounds, Mt.evenly(r, k), r.duration)
        va[r.rid] = M.evaluate(r.ref_bounds, Mt.valley(r, k), r.duration)
    return ev, va


def fmt(x, nd=3):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def summary_table(recs, results, splits, boot_n):
    lines = []
    head = ("| method | split | n | bounds/video | bounds/hour | P@30 | R@30 | F1@30 | P@60 | R@60 | F1@60 "
            "| P@120 | R@120 | F1@120 | F1 ceiling | Pk | WD | ΔF1@60 vs even [95% CI] | ΔF1@60 vs valley [95% CI] "
            "| wins/ties/losses vs valley |")
    lines.append(head)
    lines.append("|" + "---|" * (head.count("|") - 1))
    allrows = {}
    for name, res in results.items():
        ev, va = baselines_for(recs, res)
        for sp in splits:
            sel = [r for r in recs if r.duration >= MIN_DURATION and (sp == "all" or r.split == sp)
                   and res.get(r.rid) is not None]
            if not sel:
                continue
            es = [M.evaluate(r.ref_bounds, res[r.rid][0], r.duration) for r in sel]
            m = lambda k: float(np.mean([e[k] for e in es]))
            f_me = [e["F1@60"] for e in es]
            f_ev = [ev[r.rid]["F1@60"] for r in sel]
            f_va = [va[r.rid]["F1@60"] for r in sel]
            d1 = M.paired_bootstrap(f_me, f_ev, boot_n)
            d2 = M.paired_bootstrap(f_me, f_va, boot_n)
            wins = sum(a > b + 1e-12 for a, b in zip(f_me, f_va))
            losses = sum(a < b - 1e-12 for a, b in zip(f_me, f_va))
            ties = len(sel) - wins - losses
            bph = float(np.mean([e["n_hyp"] / r.duration * 3600 for e, r in zip(es, sel)]))
            ceil = float(np.mean([2 * min(e["n_hyp"], e["n_ref"]) / max(1, e["n_hyp"] + e["n_ref"]) for e in es]))
            lines.append(
                f"| {name} | {sp} | {len(sel)} | {m('n_hyp'):.1f} | {bph:.1f} | "
                + " | ".join(fmt(m(f"{q}@{t}")) for t in TOLS for q in ("P", "R", "F1"))
                + f" | {ceil:.3f} | {fmt(m('Pk'))} | {fmt(m('WD'))} | {d1[0]:+.3f} [{d1[1]:+.3f}, {d1[2]:+.3f}] "
                f"| {d2[0]:+.3f} [{d2[1]:+.3f}, {d2[2]:+.3f}] | {wins}/{ties}/{losses} |")
            allrows[(name, sp)] = dict(f1=m("F1@60"), pk=m("Pk"), bph=bph, wins=wins, losses=losses,
                                       ties=ties, d_even=d1, d_valley=d2, n=len(sel))
        # the baselines themselves at this method's count (for the candidate only)
        for bname, table in ((("evenly", ev), ("valley", va)) if name == DEFAULT_CANDIDATE else ()):
            for sp in splits:
                sel = [r for r in recs if r.duration >= MIN_DURATION and (sp == "all" or r.split == sp)
                       and r.rid in table]
                if not sel:
                    continue
                es = [table[r.rid] for r in sel]
                m = lambda k: float(np.mean([e[k] for e in es]))
                bph = float(np.mean([e["n_hyp"] / r.duration * 3600 for e, r in zip(es, sel)]))
                lines.append(
                    f"| &nbsp;&nbsp;{bname} @ {name} count | {sp} | {len(sel)} | {m('n_hyp'):.1f} | {bph:.1f} | "
                    + " | ".join(fmt(m(f"{q}@{t}")) for t in TOLS for q in ("P", "R", "F1"))
                    + f" | | {fmt(m('Pk'))} | {fmt(m('WD'))} | | | |")
    return "\n".join(lines), allrows


def kubecon_check(recs, results):
    kube = next((r for r in recs if r.rid == data.KUBECON_ID), None)
    if kube is None:
        return ""
    ref = kube.ref_bounds
    lines = ["| method | boundaries | turns hit within 60 s (of 9) | " + " | ".join(f"{int(t // 60)}'" for t in ref)
             + " | hypothesis boundaries (min) |",
             "|" + "---|" * (4 + len(ref))]
    for name, res in list(results.items()) + [("evenly @ timetiling count", None),
                                             ("valley @ timetiling count", None)]:
        if res is None:
            base = results.get(DEFAULT_CANDIDATE, {}).get(kube.rid)
            if base is None:
                continue
            k = len(base[0])
            hyp = Mt.evenly(kube, k) if name.startswith("evenly") else Mt.valley(kube, k)
        else:
            got = res.get(kube.rid)
            if got is None:
                continue
            hyp = got[0]
        hit = _hits(ref, hyp, 60)
        marks = " | ".join("✓" if h else "·" for h in hit)
        hs = ", ".join(f"{b / 60:.1f}" for b in hyp) if len(hyp) <= 30 else f"{len(hyp)} boundaries"
        lines.append(f"| {name} | {len(hyp)} | {sum(hit)} | {marks} | {hs} |")
    return "\n".join(lines)


def _hits(ref, hyp, tol):
    """Which reference boundaries the optimal one-to-one matching pairs up."""
    from scipy.optimize import linear_sum_assignment

    if not ref or not hyp:
        return [False] * len(ref)
    d = np.abs(np.asarray(ref)[:, None] - np.asarray(hyp)[None, :])
    cost = np.where(d <= tol, d, 1e9)
    ri, ci = linear_sum_assignment(cost)
    hit = [False] * len(ref)
    for i, j in zip(ri, ci):
        if cost[i, j] < 1e9:
            hit[i] = True
    return hit


def per_video_table(recs, results, name):
    res = results.get(name)
    if res is None:
        return ""
    lines = ["| recording | split | min | ref | hyp | F1@30 | F1@60 | F1@120 | Pk | WD | F1@60 evenly | "
             "F1@60 valley | vs valley |", "|" + "---|" * 13]
    for r in recs:
        got = res.get(r.rid)
        if got is None:
            lines.append(f"| {r.rid} | {r.split} | {r.duration / 60:.0f} | {len(r.ref_bounds)} | missing |"
                         + " |" * 8)
            continue
        e = M.evaluate(r.ref_bounds, got[0], r.duration)
        k = len(got[0])
        fe = M.evaluate(r.ref_bounds, Mt.evenly(r, k), r.duration)["F1@60"]
        fv = M.evaluate(r.ref_bounds, Mt.valley(r, k), r.duration)["F1@60"]
        cmp_ = "win" if e["F1@60"] > fv + 1e-12 else ("loss" if e["F1@60"] < fv - 1e-12 else "tie")
        note = "" if r.duration >= MIN_DURATION else " (not averaged)"
        lines.append(f"| {r.rid}{note} | {r.split} | {r.duration / 60:.0f} | {len(r.ref_bounds)} | {k} | "
                     f"{e['F1@30']:.3f} | {e['F1@60']:.3f} | {e['F1@120']:.3f} | {e['Pk']:.3f} | {e['WD']:.3f} | "
                     f"{fe:.3f} | {fv:.3f} | {cmp_} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------
# titles

TITLE_VARIANTS = [
    ("g2tf", 4), ("g2tf", 3), ("tfidf", 4), ("tfidf", 3), ("g2", 4), ("g2", 3), ("logodds", 4), ("tf", 4), ("tf", 3),
    ("global", 4),
]


def _repetition(titles_stems):
    """Share of a recording's title terms (stems) that also appear in another
    chapter's title of the same recording."""
    cnt = {}
    for st in titles_stems:
        for t in st:
            cnt[t] = cnt.get(t, 0) + 1
    tot = sum(len(st) for st in titles_stems)
    return sum(1 for st in titles_stems for t in st if cnt[t] > 1) / tot if tot else 0.0


def title_eval(recs, results, splits, boot_n):
    """Hit rate of the reference titles (macro over recordings; micro in brackets),
    the repetition of title terms across a recording's chapters, and the paired
    bootstrap of each variant's tune hit rate against the recommended one."""
    lines = ["| titles | segmentation | " + " | ".join(f"hit rate {sp}" for sp in splits)
             + " | KubeCon | repeated title terms (all) | Δ vs recommended, tune [95% CI] |",
             "|" + "---|" * (5 + len(splits))]
    segs = {"recommended (timetiling)": {r.rid: results[DEFAULT_CANDIDATE][r.rid][0] for r in recs}
            if DEFAULT_CANDIDATE in results else None,
            "reference chapters (oracle)": {r.rid: r.ref_bounds for r in recs}}
    per = {}
    for segname, seg in segs.items():
        if seg is None:
            continue
        for meas, n in TITLE_VARIANTS:
            vals, rep = {}, {}
            for r in recs:
                b = seg[r.rid]
                ts = Ti.titles(r, b, measure=meas, n_terms=n)
                st = [set(T.tokens(t)) for t, _ in ts]
                h, sc = Ti.hit_rate(r, b, st)
                vals[r.rid] = (h, sc)
                rep[r.rid] = _repetition(st)
            per[(segname, meas, n)] = vals
            cells = []
            for sp in splits:
                sel = [r for r in recs if r.duration >= MIN_DURATION and (sp == "all" or r.split == sp)
                       and r.rid != data.KUBECON_ID and vals[r.rid][1] > 0]
                mac = np.mean([vals[r.rid][0] / vals[r.rid][1] for r in sel]) if sel else float("nan")
                mic = sum(vals[r.rid][0] for r in sel) / max(1, sum(vals[r.rid][1] for r in sel))
                cells.append(f"{mac:.3f} ({mic:.3f})")
            kh, ks = vals.get(data.KUBECON_ID, (0, 0))
            reps = np.mean([rep[r.rid] for r in recs if r.duration >= MIN_DURATION])
            base = per.get((segname, TITLE["measure"], TITLE["n_terms"]))
            tune = [r for r in recs if r.split == "tune" and r.duration >= MIN_DURATION and vals[r.rid][1] > 0]
            if base is not None and (meas, n) != (TITLE["measure"], TITLE["n_terms"]):
                d = M.paired_bootstrap([vals[r.rid][0] / vals[r.rid][1] for r in tune],
                                       [base[r.rid][0] / base[r.rid][1] for r in tune], boot_n)
                dcell = f"{d[0]:+.3f} [{d[1]:+.3f}, {d[2]:+.3f}]"
            else:
                dcell = "(recommended)" if base is not None else ""
            lines.append(f"| {meas}, {n} terms | {segname} | " + " | ".join(cells)
                         + f" | {kh}/{ks} | {reps:.2f} | {dcell} |")
    # themeline titles, if any
    for name, res in results.items():
        if not name.startswith("themeline"):
            continue
        vals = {}
        for r in recs:
            got = res.get(r.rid)
            if got is None or got[1] is None:
                continue
            b, titles = got
            vals[r.rid] = Ti.hit_rate(r, b, [set(T.tokens(t)) for t in titles])
        cells = []
        for sp in splits:
            sel = [r for r in recs if r.duration >= MIN_DURATION and (sp == "all" or r.split == sp)
                   and r.rid != data.KUBECON_ID and r.rid in vals and vals[r.rid][1] > 0]
            mac = np.mean([vals[r.rid][0] / vals[r.rid][1] for r in sel]) if sel else float("nan")
            cells.append(f"{mac:.3f}")
        kh, ks = vals.get(data.KUBECON_ID, (0, 0))
        lines.append(f"| {name} titles | {name} | " + " | ".join(cells) + f" | {kh}/{ks} | | |")
    return "\n".join(lines), per


def title_examples(recs, results, rid):
    r = next((x for x in recs if x.rid == rid), None)
    if r is None or DEFAULT_CANDIDATE not in results:
        return ""
    b = results[DEFAULT_CANDIDATE][rid][0]
    ts = Ti.titles(r, b, **TITLE)
    edges = [0.0] + b
    return "\n".join(f"- {int(s // 60)}:{int(s % 60):02d} {t}" for s, (t, _) in zip(edges, ts))


# ---------------------------------------------------------------------------------
# sweep and shape check


def sweep(recs):
    """The parameter sweep, on the tune split only (and the KubeCon count/hits shown
    for reading, not for choosing)."""
    import itertools

    tune = [r for r in recs if r.split == "tune" and r.duration >= MIN_DURATION]
    kube = next(r for r in recs if r.rid == data.KUBECON_ID)

    def agg(fn):
        es = [M.evaluate(r.ref_bounds, fn(r), r.duration) for r in tune]
        kb = fn(kube)
        return (np.mean([e["n_hyp"] / r.duration * 3600 for e, r in zip(es, tune)]),
                np.mean([e["F1@60"] for e in es]), np.mean([e["F1@30"] for e in es]),
                np.mean([e["Pk"] for e in es]), len(kb), M.match_count(kube.ref_bounds, kb, 60))

    print("| method | unit s | window s | smooth | weights | cutoff c | min len s | tune bounds/h | "
          "tune F1@60 | tune F1@30 | tune Pk | KubeCon n | KubeCon hits |")
    print("|" + "---|" * 13)
    for unit, wsec, sm, sch, c, ml in itertools.product((20, 30, 45), (90, 120, 180, 240), (1, 3, 5),
                                                         ("tfidf", "count"), (-0.5, 0.0, 0.5), (120, 180)):
        w = max(1, round(wsec / unit))
        fn = lambda r: Mt.time_tiling(r, unit=unit, w=w, smooth_w=sm, scheme=sch, cutoff=c, min_len=ml)
        a = agg(fn)
        print(f"| timetiling | {unit} | {w * unit} | {sm} | {sch} | {c:+.1f} | {ml} | {a[0]:.1f} | {a[1]:.3f} | "
              f"{a[2]:.3f} | {a[3]:.3f} | {a[4]} | {a[5]} |", flush=True)
    for alpha, pen in itertools.product((0.01, 0.1, 0.3, 0.5), (0, 2, 5, 8)):
        fn = lambda r: Mt.penalised(r, unit=30.0, cost="dcm", alpha=alpha, pen=pen, min_len=120.0)
        a = agg(fn)
        print(f"| bayesseg-op a={alpha} pen={pen} | 30 | | | counts | | 120 | {a[0]:.1f} | {a[1]:.3f} | "
              f"{a[2]:.3f} | {a[3]:.3f} | {a[4]} | {a[5]} |", flush=True)
    for pen in (0.2, 0.25, 0.3, 0.35):
        fn = lambda r: Mt.penalised(r, unit=30.0, cost="cos", pen=pen, min_len=120.0)
        a = agg(fn)
        print(f"| cosine-kernel-op pen={pen} | 30 | | | tfidf | | 120 | {a[0]:.1f} | {a[1]:.3f} | "
              f"{a[2]:.3f} | {a[3]:.3f} | {a[4]} | {a[5]} |", flush=True)


def fixed_density(recs, per_hour=11.0):
    """Placement quality with the count fixed at per_hour boundaries per hour."""
    K = lambda r: max(1, int(round(r.duration / 3600 * per_hour)))

    def dcm_k(r, k):
        U, C = Mt.segment_costs(r, unit=30.0, cost="dcm", alpha=0.1, min_len=120.0)
        return [U.edge(g) for g in Mt.partition_k(C, k)]

    cands = {
        "evenly": Mt.evenly,
        "valley (2-min blocks)": Mt.valley,
        "timetiling depth ranking": lambda r, k: Mt.time_tiling_k(r, k, unit=30.0, w=4, smooth_w=3,
                                                                 scheme="tfidf", min_len=120.0),
        "bayesseg exact k": dcm_k,
        "c99 first k splits": lambda r, k: Mt.c99(r, unit=30.0, min_len=120.0, max_k=k, snap=False),
    }
    print(f"| method (count fixed: {per_hour:g}/hour) | split | F1@30 | F1@60 | F1@120 | Pk | KubeCon hits (k=9) |")
    print("|---|---|---|---|---|---|---|")
    kube = next(r for r in recs if r.rid == data.KUBECON_ID)
    for name, fn in cands.items():
        for sp in ("tune", "held-out"):
            sel = [r for r in recs if r.split == sp and r.duration >= MIN_DURATION and r.rid != data.KUBECON_ID]
            es = [M.evaluate(r.ref_bounds, fn(r, K(r)), r.duration) for r in sel]
            m = lambda k: np.mean([e[k] for e in es])
            kh = M.match_count(kube.ref_bounds, fn(kube, 9), 60) if sp == "tune" else ""
            print(f"| {name} | {sp} | {m('F1@30'):.3f} | {m('F1@60'):.3f} | {m('F1@120'):.3f} | {m('Pk'):.3f} | {kh} |",
                  flush=True)


def shape_check(recs, names, target=5.0):
    """Each method on the rawkode cues merged into >= target-second lines: agreement
    with itself (F1@30 between the two outputs) and the change in F1@60."""
    print(f"| method | mean cue s (orig → merged) | bounds/video (orig → merged) | self-agreement F1@30 | "
          f"F1@60 (orig → merged) |")
    print("|---|---|---|---|---|")
    sel = [r for r in recs if r.kind == "vtt" and r.duration >= MIN_DURATION]
    for name in names:
        fn = METHODS[name][0]
        ag, n0, n1, f0, f1, c0, c1 = [], [], [], [], [], [], []
        for r in sel:
            q = copy.copy(r)
            q.cues = data.reshape_cues(r.cues, target)
            a, b = fn(r), fn(q)
            ag.append(M.prf(a, b, 30)[2])
            n0.append(len(a))
            n1.append(len(b))
            f0.append(M.evaluate(r.ref_bounds, a, r.duration)["F1@60"])
            f1.append(M.evaluate(r.ref_bounds, b, r.duration)["F1@60"])
            c0.append(np.mean([c.end - c.start for c in r.cues]))
            c1.append(np.mean([c.end - c.start for c in q.cues]))
        print(f"| {name} | {np.mean(c0):.1f} → {np.mean(c1):.1f} | {np.mean(n0):.1f} → {np.mean(n1):.1f} | "
              f"{np.mean(ag):.3f} | {np.mean(f0):.3f} → {np.mean(f1):.3f} |", flush=True)


def thin_check(recs, names, keeps=(0.7, 0.5), seed=0):
    """Each method on transcripts with words dropped at random (each word kept with
    probability keep, seeded): does the NUMBER of chapters depend on how many words
    there are? Also the correlation, over recordings, between bounds/hour and
    content tokens per minute."""
    import random

    sel = [r for r in recs if r.duration >= MIN_DURATION]

    def thin(r, keep):
        rng = random.Random(seed)
        q = copy.copy(r)
        q.cues = [data.Cue(c.start, c.end, " ".join(w for w in c.text.split() if rng.random() < keep))
                  for c in r.cues]
        return q

    print("| method | corr(bounds/h, content tokens/min) | " + " | ".join(
        f"keep {k}: bounds/h, self-agreement F1@30, F1@60" for k in (1.0,) + tuple(keeps)) + " |")
    print("|" + "---|" * (2 + 1 + len(keeps)))
    rate = [sum(len(T.tokens(c.text)) for c in r.cues) / r.duration * 60 for r in sel]
    for name in names:
        fn = METHODS[name][0]
        base = {r.rid: fn(r) for r in sel}
        bph = [len(base[r.rid]) / r.duration * 3600 for r in sel]
        cells = []
        for k in (1.0,) + tuple(keeps):
            n, ag, f = [], [], []
            for r in sel:
                b = base[r.rid] if k == 1.0 else fn(thin(r, k))
                n.append(len(b) / r.duration * 3600)
                ag.append(M.prf(base[r.rid], b, 30)[2])
                f.append(M.evaluate(r.ref_bounds, b, r.duration)["F1@60"])
            cells.append(f"{np.mean(n):.1f}, {np.mean(ag):.2f}, {np.mean(f):.3f}")
        print(f"| {name} | {np.corrcoef(rate, bph)[0, 1]:+.2f} | " + " | ".join(cells) + " |", flush=True)


# ---------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--methods", default=",".join(METHODS), help="comma list of prototypes/baselines")
    ap.add_argument("--skip", default="", help="comma list of methods to leave out (e.g. nltk-texttiling)")
    ap.add_argument("--themeline", action="append", default=[], metavar="DIR",
                    help="directory of themeline chapters.csv files (repeatable)")
    ap.add_argument("--themeline-cmd", default=None, metavar="TEMPLATE",
                    help="command run per recording; {input}, {out}, {id} are filled in")
    ap.add_argument("--keep-tmp", default=None, help="where --themeline-cmd output dirs go")
    ap.add_argument("--out", default=None, help="write per_video.csv and report.md here")
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap resamples")
    ap.add_argument("--sweep", action="store_true", help="run the tune-split parameter sweep only")
    ap.add_argument("--fixed-density", action="store_true", help="placement at a fixed count only")
    ap.add_argument("--shape", action="store_true", help="cue-shape robustness check only")
    ap.add_argument("--thin", action="store_true", help="word-thinning robustness check only")
    ap.add_argument("--write-fake", default=None, metavar="DIR",
                    help="write chapters.csv files from the recommended prototype and exit")
    ap.add_argument("--only", default=None, help="comma list of recording ids (or prefixes)")
    args = ap.parse_args()

    recs = data.load_all()
    if args.only:
        want = args.only.split(",")
        recs = [r for r in recs if any(r.rid.startswith(w) for w in want)]
    if args.write_fake:
        write_fake(args.write_fake, recs)
        return
    if args.sweep:
        sweep(recs)
        return
    if args.fixed_density:
        fixed_density(recs)
        return
    if args.thin:
        thin_check(recs, [m for m in args.methods.split(",") if m and m not in args.skip.split(",")])
        return
    if args.shape:
        shape_check(recs, [m for m in args.methods.split(",") if m and m not in args.skip.split(",")])
        return

    names = [m for m in args.methods.split(",") if m]
    skip = set(s for s in args.skip.split(",") if s)
    extra = {}
    for i, d in enumerate(args.themeline):
        extra["themeline" if i == 0 else f"themeline-{i + 1}"] = themeline_from_dir(d)
    if args.themeline_cmd:
        extra["themeline-cmd"] = themeline_from_cmd(args.themeline_cmd, args.keep_tmp)
    print("running methods:", file=sys.stderr)
    results = run_methods(recs, names, extra, skip)

    splits = ["held-out", "tune", "all"]
    out = []
    out.append(f"# Chapter segmentation evaluation\n\nRun {datetime.date.today().isoformat()} on "
               f"{platform.node() or 'this machine'} ({os.cpu_count()} cores), Python "
               f"{platform.python_version()}. Command: `{' '.join(sys.argv)}`.\n")
    nrec = sum(r.duration >= MIN_DURATION for r in recs)
    out.append(f"Recordings: {len(recs)} ({nrec} of at least {MIN_DURATION / 60:.0f} min in the averages); "
               f"held-out {sum(r.split == 'held-out' and r.duration >= MIN_DURATION for r in recs)}, "
               f"tune {sum(r.split == 'tune' and r.duration >= MIN_DURATION for r in recs)}.\n")
    for name, res in results.items():
        missing = [r.rid for r in recs if res.get(r.rid) is None]
        if missing:
            out.append(f"{name}: no chapters for {len(missing)} recording(s): {', '.join(missing[:8])}"
                       f"{' ...' if len(missing) > 8 else ''}\n")
    out.append("## Boundaries (macro averages over recordings)\n")
    table, summ = summary_table(recs, results, splits, args.boot)
    out.append(table + "\n")
    out.append("## KubeCon webinar: the listener's 9 turns\n")
    out.append(kubecon_check(recs, results) + "\n")
    for name in [DEFAULT_CANDIDATE] + [n for n in results if n.startswith("themeline")]:
        if name in results:
            out.append(f"## Per recording: {name}\n")
            out.append(per_video_table(recs, results, name) + "\n")
    tt, _ = title_eval(recs, results, splits, args.boot)
    out.append("## Titles: reference-title hit rate, macro (micro)\n")
    out.append(tt + "\n")
    out.append(f"Recommended titles ({TITLE}) on the KubeCon webinar:\n")
    out.append(title_examples(recs, results, data.KUBECON_ID) + "\n")
    report = "\n".join(out)
    print(report)
    if args.out:
        od = pathlib.Path(args.out)
        od.mkdir(parents=True, exist_ok=True)
        (od / "report.md").write_text(report, encoding="utf-8")
        rows = per_video_rows(recs, results)
        with open(od / "per_video.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        with open(od / "boundaries.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["method", "rid", "boundaries_s"])
            for name, res in results.items():
                for r in recs:
                    got = res.get(r.rid)
                    if got is not None:
                        w.writerow([name, r.rid, " ".join(f"{b:.1f}" for b in got[0])])
        print(f"wrote {od}/report.md, per_video.csv, boundaries.csv", file=sys.stderr)


if __name__ == "__main__":
    main()
