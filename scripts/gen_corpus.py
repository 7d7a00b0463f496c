#!/usr/bin/env python3
"""Deterministic benchmark corpus in the bundled transcript's format.

Usage: scripts/gen_corpus.py SIZE OUT      (SIZE: 10MB, 100MB, 1GB, 500KB, 64MiB, or bytes)

Writes a YouTube-style transcript like data/kubecon-eu-2024-recap.txt: the title,
description and "AI-generated transcript" header lines, then text lines resampled
(with a fixed seed) from the bundled transcript's text lines, each followed by a
blank line as in the original, with `M:SS` stamps glued to the text and `H:MM:SS`
once past an hour. 5% of the words that end in a letter get a numeric suffix
(`kubernetes` -> `kubernetes17`, 1..999, seeded) so the vocabulary grows with the
corpus. Stamps advance by the original's own gaps between lines (5-14 s, mean 6.4 s),
resampled, so they strictly increase.

themeline's transcript reader (like YouTube) takes at most two digits of hours, so a
transcript ends at 99:59:59; at the original's density (about 16 bytes of text per
second) that is 5.6 MB. Larger corpora therefore glue K resampled text lines (joined
by a space) behind each stamp, K chosen from SIZE so the last stamp stays below 90
hours: K is 1 up to about 5 MB, 2 at 10MB, 20 at 100MB, 192 at 1GB (lines of about
0.2, 2 and 20 kB). Every non-blank line after the header still starts with its stamp,
so format detection (a quarter of the lines stamped) and any reader of the original
take it as is. Every corpus from 10MB up thus has about 1,000 five-minute windows and
~50,000 segments; what grows with SIZE is the text per segment and the vocabulary.

Same SIZE, same bytes: the output depends only on SIZE and the bundled transcript.
The file is streamed (about 1 MB buffered), never held in memory. Prints the bytes,
lines, text lines glued, K and the last stamp written.
"""

import math
import pathlib
import random
import re
import sys

SEED = 6  # issue 6
SUFFIX_RATE = 0.05
MAX_STAMP = 99 * 3600 + 59 * 60 + 59  # the reader's last valid H:MM:SS
BUDGET = 90 * 3600  # what K aims for, leaving room for the randomness of gaps
FLUSH = 1 << 20

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "data" / "kubecon-eu-2024-recap.txt"
# H:MM:SS first: text glued after M:SS never starts with a colon. Seconds are always
# two digits ("0:5112,000 people" is 0:51 then "12,000 people").
STAMP = re.compile(r"^(?:(\d{1,2}):(\d\d):(\d\d)|(\d{1,3}):(\d\d))")
LOOKS_LIKE_STAMP = re.compile(r"^\d{1,3}:")
# A word eligible for a suffix: its last letter, then only trailing punctuation.
LAST_LETTER = re.compile(r"^(.*[^\W\d_])([^\w]*)$", re.S)
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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    target = parse_size(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    header, texts, gaps = read_source()

    words = [t.split(" ") for t in texts]
    # Index of each word that can take a suffix, per line.
    eligible = [[i for i, w in enumerate(ws) if LAST_LETTER.match(w)] for ws in words]
    encoded = [t.encode("utf-8") for t in texts]
    mean_text = sum(map(len, encoded)) / len(encoded) + 1
    mean_gap = sum(gaps) / len(gaps)
    # Text lines per stamp: enough that the expected last stamp stays within BUDGET.
    k = max(1, math.ceil(target / mean_text * mean_gap / BUDGET))

    rng = random.Random(SEED)
    log_keep = math.log(1.0 - SUFFIX_RATE)

    def gap_to_next_suffix():
        # Geometric: eligible words skipped before the next suffixed one.
        return int(math.log(1.0 - rng.random()) / log_keep)

    countdown = gap_to_next_suffix()

    def resampled():
        """One resampled text line, with its words' suffixes."""
        nonlocal countdown
        i = rng.randrange(len(texts))
        spots = eligible[i]
        if countdown >= len(spots):
            countdown -= len(spots)
            return encoded[i]
        ws = list(words[i])
        at = countdown
        while at < len(spots):
            m = LAST_LETTER.match(ws[spots[at]])
            ws[spots[at]] = f"{m.group(1)}{rng.randrange(1, 1000)}{m.group(2)}"
            at += 1 + gap_to_next_suffix()
        countdown = at - len(spots)
        return " ".join(ws).encode("utf-8")

    title = f"{header[0]} (synthetic {sys.argv[1]} benchmark corpus, seed {SEED})" if header else ""
    head = "".join(f"{h}\n\n" for h in [title, *header[1:]]).encode("utf-8")
    written, lines, text_lines, t = len(head), 2 * (len(header) or 1), 0, 10
    buffer, buffered = [], 0
    with open(out, "wb") as f:
        f.write(head)
        while True:
            at = t + rng.choice(gaps) if text_lines else t
            line = clock(at).encode("ascii") + b" ".join(resampled() for _ in range(k)) + b"\n\n"
            if written + len(line) > target:
                break
            if at > MAX_STAMP:
                sys.exit(f"gen_corpus: stamp {clock(at)} past 99:59:59 (K={k} too small)")
            t = at
            buffer.append(line)
            buffered += len(line)
            written += len(line)
            lines += 2
            text_lines += k
            if buffered >= FLUSH:
                f.write(b"".join(buffer))
                buffer, buffered = [], 0
        f.write(b"".join(buffer))
    print(
        f"{out}: {written} bytes, {lines} lines ({lines // 2 - len(header)} stamped, "
        f"each {k} resampled text lines: {text_lines}), last stamp {clock(t)}"
    )


if __name__ == "__main__":
    main()
