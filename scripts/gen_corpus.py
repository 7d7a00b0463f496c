#!/usr/bin/env python3
"""Deterministic benchmark corpora shaped like real data.

Usage: scripts/gen_corpus.py [--shape SHAPE] SIZE OUT
       (SIZE: 10MB, 100MB, 1GB, 500KB, 64MiB, or bytes; SHAPE: segments (default),
       transcript, vtt, jsonl, manywindows)

Every shape resamples real text with a fixed seed and gives 5% of the words that end
in a letter a numeric suffix (`kubernetes` -> `kubernetes17`, 1..999, seeded) so the
vocabulary grows with the corpus. Same SHAPE and SIZE, same bytes: the output depends
only on them and on the source texts. The file is streamed (about 1 MB buffered),
never held in memory; it is as large as it can be without exceeding SIZE. Prints the
bytes, lines and extent written.

segments (the original benchmark corpus; its bytes are unchanged for every SIZE)
    A YouTube-style transcript like data/kubecon-eu-2024-recap.txt: the title,
    description and "AI-generated transcript" header lines, then text lines
    resampled from the bundled transcript's text lines, each followed by a blank
    line as in the original, with `M:SS` stamps glued to the text and `H:MM:SS`
    once past an hour. Stamps advance by the original's own gaps between lines
    (5-14 s, mean 6.4 s), resampled, so they strictly increase.

    themeline's transcript reader took at most two digits of hours when this shape
    was written (it now takes five), so a transcript ended at 99:59:59; at the
    original's density (about 16 bytes of text per second) that is 5.6 MB. Larger
    corpora therefore glue K resampled text lines (joined by a space) behind each
    stamp, K chosen from SIZE so the last stamp stays below 90 hours: K is 1 up to
    about 5 MB, 2 at 10MB, 20 at 100MB, 192 at 1GB (lines of about 0.2, 2 and 20 kB).
    Every corpus from 10MB up thus has about 1,000 five-minute windows and ~50,000
    segments; what grows with SIZE is the text per segment and the vocabulary.

transcript
    The same header and the same resampled lines, but one text line (~100 bytes)
    per stamp at the original's density: stamps advance by the original's gaps
    (5-14 s), `H:MM:SS` with as many hour digits as needed (the reader takes up to
    five: 99999:59:59, which this density reaches at about 6 GB; the generator
    stops with an error beyond). 10MB: 86,645 stamps up to 154:00:46, 1,849
    five-minute windows; about 185,000 windows at 1GB.

vtt
    One WebVTT file like the Deepgram transcripts in ../shared/data/rawkode: a
    `WEBVTT` line and a `NOTE` header block, then phrase-level cues of ~40 bytes of
    payload (`<v Speaker N>` voice tag and ~30 bytes of text), resampled from the
    35,947 cues of the 30 rawkode files with their voice tags. Each cue's duration
    and the silence before the next are resampled as a pair from consecutive real
    cues (durations above 0, silences from 0; start to start 2.5 s on average), so
    starts strictly increase. Times are `HH:MM:SS.mmm`, with more hour digits past
    99 hours (themeline's WebVTT reader takes up to nine, to 277,777 hours, its
    offset limit). 10MB: 133,133 cues up to 92:32:44.516, 1,111 five-minute
    windows; about 9,000 hours and 110,000 windows at 1GB.

jsonl
    JSON Lines talk records of ~800 bytes like ../shared/data/pyvideo-talks.jsonl:
    `event`, `recorded`, `title`, `description`, `speakers`, `language`, resampled
    whole from the 16,985 pyvideo records recorded 2015-2024, keeping their dates
    (so records cluster on conference days as the real ones do, and come in no
    order): a decade, 120 monthly windows (`--window month`) from 100 MB up (10MB:
    11,394 records, 2015-01-31 to 2024-11-03, 119 windows).

manywindows
    The transcript shape's lines (one stamp per line, or K glued lines when the
    corpus is too dense for its extent), with stamps spread over a fixed 2,000 hours
    whatever SIZE: about 120,000 one-minute windows (`--window 1m`) at every SIZE
    (it stops with an error below 100,000). The original's gaps are scaled to fill
    the 2,000 hours (x13 at 10MB and x1.3 at 100MB with K = 1; K = 9 and x1.1 at
    1GB), so what grows with SIZE is the text per window. 10MB: 85,779 stamps up
    to 2007:46:39, 120,467 windows.
"""

import argparse
import json
import math
import os
import pathlib
import random
import re
import sys

SEED = 6  # issue 6
SUFFIX_RATE = 0.05
MAX_STAMP = 99 * 3600 + 59 * 60 + 59  # segments: the two-digit-hour reader's last H:MM:SS
MAX_LONG_STAMP = 99999 * 3600 + 59 * 60 + 59  # the five-digit-hour reader's last H:MM:SS
BUDGET = 90 * 3600  # what K aims for, leaving room for the randomness of gaps
MANY_EXTENT = 2000 * 3600  # manywindows: 120,000 one-minute windows
MANY_LEAST = 100_000 * 60  # manywindows must reach at least 100,000 windows
JSONL_YEARS = ("2015", "2024")  # a decade of records, 120 monthly windows
FLUSH = 1 << 20
SHAPES = ("segments", "transcript", "vtt", "jsonl", "manywindows")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "kubecon-eu-2024-recap.txt"
SHARED = pathlib.Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))
RAWKODE = SHARED / "rawkode" / "transcripts"
PYVIDEO = SHARED / "pyvideo-talks.jsonl"
# H:MM:SS first: text glued after M:SS never starts with a colon. Seconds are always
# two digits ("0:5112,000 people" is 0:51 then "12,000 people").
STAMP = re.compile(r"^(?:(\d{1,2}):(\d\d):(\d\d)|(\d{1,3}):(\d\d))")
LOOKS_LIKE_STAMP = re.compile(r"^\d{1,3}:")
# A word eligible for a suffix: its last letter, then only trailing punctuation.
LAST_LETTER = re.compile(r"^(.*[^\W\d_])([^\w]*)$", re.S)
VTT_TIMING = re.compile(r"^(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})")
VOICE = re.compile(r"^(<v [^>]*>)(.*)$")
UNITS = {
    "": 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
}


def parse_size(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m or m.group(2).upper() not in UNITS:
        sys.exit(f"gen_corpus: bad SIZE {text!r} (examples: 10MB, 100MB, 1GB, 64MiB, 5000000)")
    return int(float(m.group(1)) * UNITS[m.group(2).upper()])


def clock(seconds):
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def vtt_clock(millis):
    seconds, ms = divmod(millis, 1000)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def read_source():
    """Header lines, text lines (as word lists) and gaps between stamps."""
    header, texts, stamps = [], [], []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        m = STAMP.match(line)
        if m is None:
            if not stamps:
                header.append(line)
            continue
        if m.group(1) is not None:
            t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
        else:
            t = int(m.group(4)) * 60 + int(m.group(5))
        stamps.append(t)
        text = line[m.end() :].strip()
        # A line without its stamp must not read as one.
        if text and not LOOKS_LIKE_STAMP.match(text):
            texts.append(text)
    gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b > a]
    return header, texts, gaps


class Pool:
    """Texts to resample, with the words of each that can take a numeric suffix."""

    def __init__(self, texts):
        self.texts = texts
        self.words = [t.split(" ") for t in texts]
        self.eligible = [[i for i, w in enumerate(ws) if LAST_LETTER.match(w)] for ws in self.words]
        self.encoded = [t.encode("utf-8") for t in texts]


class Suffixes:
    """The seeded stream of numeric suffixes: every eligible word, whichever pool
    it comes from, has a SUFFIX_RATE chance (a geometric countdown between them)."""

    def __init__(self, rng):
        self.rng = rng
        self.log_keep = math.log(1.0 - SUFFIX_RATE)
        self.countdown = self.gap()

    def gap(self):
        # Geometric: eligible words skipped before the next suffixed one.
        return int(math.log(1.0 - self.rng.random()) / self.log_keep)

    def text(self, pool, i):
        """Text `i` of `pool` with its words' suffixes; None when it has none."""
        spots = pool.eligible[i]
        if self.countdown >= len(spots):
            self.countdown -= len(spots)
            return None
        ws = list(pool.words[i])
        at = self.countdown
        while at < len(spots):
            m = LAST_LETTER.match(ws[spots[at]])
            ws[spots[at]] = f"{m.group(1)}{self.rng.randrange(1, 1000)}{m.group(2)}"
            at += 1 + self.gap()
        self.countdown = at - len(spots)
        return " ".join(ws)

    def resampled(self, pool):
        """One text resampled from `pool`, as bytes, with its words' suffixes."""
        i = self.rng.randrange(len(pool.texts))
        text = self.text(pool, i)
        return pool.encoded[i] if text is None else text.encode("utf-8")

    def string(self, pool, i):
        text = self.text(pool, i)
        return pool.texts[i] if text is None else text


class Writer:
    """Buffered output that knows how much has been written."""

    def __init__(self, f, written=0):
        self.f, self.written, self.buffer, self.buffered = f, written, [], 0

    def add(self, data):
        self.buffer.append(data)
        self.buffered += len(data)
        self.written += len(data)
        if self.buffered >= FLUSH:
            self.flush()

    def flush(self):
        self.f.write(b"".join(self.buffer))
        self.buffer, self.buffered = [], 0


def segments(size, target, out):
    """The original corpus: K text lines per stamp, below 90 hours (see the header)."""
    header, texts, gaps = read_source()
    pool = Pool(texts)
    mean_text = sum(map(len, pool.encoded)) / len(pool.encoded) + 1
    mean_gap = sum(gaps) / len(gaps)
    # Text lines per stamp: enough that the expected last stamp stays within BUDGET.
    k = max(1, math.ceil(target / mean_text * mean_gap / BUDGET))
    rng = random.Random(SEED)
    suffixes = Suffixes(rng)
    title = f"{header[0]} (synthetic {size} benchmark corpus, seed {SEED})" if header else ""
    return stamped(out, target, header, title, pool, suffixes, k, lambda: rng.choice(gaps), MAX_STAMP)


def transcript(size, target, out, many=False):
    """One stamp per text line at the original's density (transcript), or over a
    fixed extent (manywindows)."""
    header, texts, gaps = read_source()
    pool = Pool(texts)
    mean_text = sum(map(len, pool.encoded)) / len(pool.encoded) + 1
    mean_gap = sum(gaps) / len(gaps)
    rng = random.Random(SEED)
    suffixes = Suffixes(rng)
    k, gap = 1, lambda: rng.choice(gaps)
    if many:
        # Glue K lines only when the original's density would overrun the extent;
        # then stretch the gaps so that the stamps fill it.
        k = max(1, math.ceil(target / mean_text * mean_gap / MANY_EXTENT))
        # Bytes per stamped line: K texts with their suffixes (about 2.9 digits
        # each) and the spaces between them, the stamp, the two newlines.
        suffix = sum(map(len, pool.eligible)) / len(pool.eligible) * SUFFIX_RATE * 2.89
        stamps = target / (k * (mean_text + suffix) - 1 + len(clock(MANY_EXTENT // 2)) + 2)
        scale = MANY_EXTENT / (stamps * mean_gap)
        at = 10.0

        def gap():
            # Fractions carry over, so the scaled gaps keep their mean.
            nonlocal at
            before = int(at)
            at += rng.choice(gaps) * scale
            return max(1, int(at) - before)

    shape = "manywindows" if many else "transcript"
    title = f"{header[0]} (synthetic {size} {shape} benchmark corpus, seed {SEED})"
    last = stamped(out, target, header, title, pool, suffixes, k, gap, MAX_LONG_STAMP)
    if many and last < MANY_LEAST:
        sys.exit(f"gen_corpus: last stamp {clock(last)} short of 100,000 minutes")
    return last


def stamped(out, target, header, title, pool, suffixes, k, gap, max_stamp):
    """Writes a transcript: header lines, then K resampled lines per stamp, stamps
    advancing by `gap()`. Returns the last stamp."""
    head = "".join(f"{h}\n\n" for h in [title, *header[1:]]).encode("utf-8")
    lines, text_lines, t = 2 * (len(header) or 1), 0, 10
    with open(out, "wb") as f:
        f.write(head)
        w = Writer(f, len(head))
        while True:
            at = t + gap() if text_lines else t
            line = clock(at).encode("ascii") + b" ".join(suffixes.resampled(pool) for _ in range(k)) + b"\n\n"
            if w.written + len(line) > target:
                break
            if at > max_stamp:
                sys.exit(f"gen_corpus: stamp {clock(at)} past {clock(max_stamp)} (K={k} too small)")
            t = at
            w.add(line)
            lines += 2
            text_lines += k
        w.flush()
    print(
        f"{out}: {w.written} bytes, {lines} lines ({lines // 2 - len(header)} stamped, "
        f"each {k} resampled text lines: {text_lines}), last stamp {clock(t)}"
    )
    return t


def read_cues():
    """Voice tags, cue texts, and (duration, silence before the next) pairs in
    milliseconds, from the rawkode WebVTT files."""
    voices, texts, timings = [], [], []
    for path in sorted(RAWKODE.glob("*.vtt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        previous = None  # (start, end) of the cue before
        for i, line in enumerate(lines):
            m = VTT_TIMING.match(line)
            if not m:
                continue
            g = [int(x) for x in m.groups()]
            start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
            end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
            if previous is not None:
                duration, silence = previous[1] - previous[0], start - previous[1]
                if duration > 0 and silence >= 0:
                    timings.append((duration, silence))
            previous = (start, end)
            payload = lines[i + 1] if i + 1 < len(lines) else ""
            v = VOICE.match(payload)
            voice, text = (v.group(1), v.group(2)) if v else ("", payload)
            text = text.strip()
            if text and not text.startswith("NOTE"):
                voices.append(voice)
                texts.append(text)
    if not texts:
        sys.exit(f"gen_corpus: no cues in {RAWKODE}")
    return voices, texts, timings


def vtt(size, target, out):
    voices, texts, timings = read_cues()
    pool = Pool(texts)
    rng = random.Random(SEED)
    suffixes = Suffixes(rng)
    head = (
        "WEBVTT\n\nNOTE\nTranscription provided by Deepgram\n"
        f"Synthetic {size} vtt benchmark corpus, seed {SEED}: cues resampled from "
        f"{len(set(voices))} voices and {len(texts)} cues of the rawkode transcripts\n\n"
    ).encode("utf-8")
    cues, t, last = 0, 0, 0
    with open(out, "wb") as f:
        f.write(head)
        w = Writer(f, len(head))
        while True:
            i = rng.randrange(len(texts))
            duration, silence = rng.choice(timings)
            text = suffixes.string(pool, i)
            cue = f"{vtt_clock(t)} --> {vtt_clock(t + duration)}\n{voices[i]}{text}\n\n".encode("utf-8")
            if w.written + len(cue) > target:
                break
            w.add(cue)
            cues += 1
            last, t = t, t + duration + silence
        w.flush()
    print(f"{out}: {w.written} bytes, {cues} cues resampled from {len(texts)}, last cue at {vtt_clock(last)}")


def read_talks():
    """Talk records recorded in JSONL_YEARS, as (fields before the text, title,
    description, fields after) with the text fields' pools."""
    rows = []
    with open(PYVIDEO, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            recorded = d.get("recorded") or ""
            if not (JSONL_YEARS[0] <= recorded[:4] <= JSONL_YEARS[1]) or not d.get("title"):
                continue
            rows.append(
                (
                    {"event": d.get("event"), "recorded": recorded},
                    d["title"],
                    d.get("description") or "",
                    {"speakers": d.get("speakers") or [], "language": d.get("language")},
                )
            )
    if not rows:
        sys.exit(f"gen_corpus: no records of {JSONL_YEARS[0]}-{JSONL_YEARS[1]} in {PYVIDEO}")
    return rows


def jsonl(size, target, out):
    rows = read_talks()
    titles = Pool([r[1] for r in rows])
    descriptions = Pool([r[2] for r in rows])
    rng = random.Random(SEED)
    suffixes = Suffixes(rng)
    records, first, last = 0, None, None
    with open(out, "wb") as f:
        w = Writer(f)
        while True:
            i = rng.randrange(len(rows))
            before, _, _, after = rows[i]
            record = dict(before)
            record["title"] = suffixes.string(titles, i)
            record["description"] = suffixes.string(descriptions, i)
            record.update(after)
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            if w.written + len(line) > target:
                break
            w.add(line)
            records += 1
            day = before["recorded"][:10]
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
        w.flush()
    print(f"{out}: {w.written} bytes, {records} records resampled from {len(rows)}, recorded {first} to {last}")


def main():
    parser = argparse.ArgumentParser(
        description="Deterministic benchmark corpora shaped like real data (see the script's header)."
    )
    parser.add_argument("--shape", choices=SHAPES, default="segments")
    parser.add_argument("size", metavar="SIZE", help="10MB, 100MB, 1GB, 500KB, 64MiB, or bytes")
    parser.add_argument("out", metavar="OUT", type=pathlib.Path)
    args = parser.parse_args()
    target = parse_size(args.size)
    if args.shape == "segments":
        segments(args.size, target, args.out)
    elif args.shape == "transcript":
        transcript(args.size, target, args.out)
    elif args.shape == "manywindows":
        transcript(args.size, target, args.out, many=True)
    elif args.shape == "vtt":
        vtt(args.size, target, args.out)
    else:
        jsonl(args.size, target, args.out)


if __name__ == "__main__":
    main()
