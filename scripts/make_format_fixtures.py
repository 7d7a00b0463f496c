#!/usr/bin/env python3
"""Regenerate the real-data format fixtures in tests/fixtures/ (Python 3 stdlib only).

Every input format themeline reads is exercised by a file taken or converted from
real material (see tests/fixtures/README.md for provenance and licences):

  rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt  first 150 cues of a real Deepgram
                                                WebVTT transcript, bytes unchanged
  rawkode-k42oh0xm4308e1k5b12vzy8q.vtt          a whole real transcript (43 s)
  rawkode-cbeascecdg8e9r04gjnagspj-excerpt.srt  the excerpt converted to SubRip
  kubecon-rolling.vtt       the first 10 minutes of the bundled YouTube transcript
                            as YouTube's rolling auto-captions (each line repeated
                            in the next cue, inline word timestamps, 10 ms
                            transition cues)
  kubecon-progressive.srt   the same minutes as live captions that grow each line
                            over up to three cues
  kubecon-youtube.json      the whole bundled transcript as youtube-transcript-api
                            JSON
  pyvideo-sample.jsonl      ~400 real talk records, lines unchanged, spread over
                            2008-2026, including the one with a null date
  pyvideo-sample.csv        the same records as CSV (recorded,title,description,event)

Usage (from the repository root; the shared corpora live in ../shared/data):
    python3 scripts/make_format_fixtures.py
"""

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "fixtures"
TRANSCRIPT = ROOT / "data" / "kubecon-eu-2024-recap.txt"
RAWKODE = SHARED / "rawkode" / "transcripts"
EXCERPT_ID = "cbeascecdg8e9r04gjnagspj"
WHOLE_ID = "k42oh0xm4308e1k5b12vzy8q"
STAMP = re.compile(r"^(?:(\d{1,2}):(\d{2}):(\d{2})|(\d{1,3}):(\d{2}))(.*)$")


def transcript_segments():
    """(start_ms, end_ms, text) of the bundled transcript, as themeline reads it."""
    starts = []
    for line in TRANSCRIPT.read_text(encoding="utf-8").splitlines():
        m = STAMP.match(line.strip())
        if not m:
            continue
        if m.group(1):
            seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
        else:
            seconds = int(m.group(4)) * 60 + int(m.group(5))
        starts.append((seconds * 1000, m.group(6).strip()))
    segments = []
    for i, (start, text) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else start + 10_000
        segments.append((start, end, text))
    return segments


def clock(ms, separator="."):
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, rest = divmod(rest, 1000)
    return f"{h:02}:{m:02}:{s:02}{separator}{rest:03}"


def rawkode_excerpt(cues=150):
    """The NOTE header and the first `cues` cues of a real transcript, unchanged."""
    text = (RAWKODE / f"{EXCERPT_ID}.vtt").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    header = [b for b in blocks if "-->" not in b]
    cue_blocks = [b for b in blocks if "-->" in b]
    assert header == blocks[: len(header)], "cues come after the header"
    kept = blocks[: len(header) + cues]
    return "\n\n".join(kept) + "\n"


def vtt_to_srt(vtt):
    """SubRip as converters write it: numbered cues, comma milliseconds, no voice tags."""
    out = []
    for block in vtt.split("\n\n"):
        lines = block.strip("\n").split("\n")
        timing = next((i for i, l in enumerate(lines) if "-->" in l), None)
        if timing is None:
            continue
        start, end = (t.strip().split()[0] for t in lines[timing].split("-->"))
        text = [re.sub(r"<[^>]+>", "", l) for l in lines[timing + 1 :]]
        out.append(f"{len(out) + 1}\n{start.replace('.', ',')} --> {end.replace('.', ',')}\n" + "\n".join(text))
    return "\n\n".join(out) + "\n"


def rolling_vtt(segments):
    """YouTube auto-captions: each cue repeats the previous line, then the new words
    with inline timestamps; a 10 ms transition cue shows the new line alone."""
    out = ["WEBVTT", "Kind: captions", "Language: en", ""]
    previous = " "
    for start, end, text in segments:
        words = text.split()
        if not words:
            continue
        end = max(end, start + 20)
        shown_until = end - 10
        timed = words[0]
        for k, word in enumerate(words[1:], start=1):
            at = start + (shown_until - start) * k // len(words)
            timed += f"<{clock(at)}><c> {word}</c>"
        out += [f"{clock(start)} --> {clock(shown_until)} align:start position:0%", previous, timed, ""]
        line = " ".join(words)
        out += [f"{clock(shown_until)} --> {clock(end)} align:start position:0%", line, " ", ""]
        previous = line
    return "\n".join(out)


def progressive_srt(segments):
    """Live captions: each line grows over up to three cues."""
    out = []
    for start, end, text in segments:
        words = text.split()
        if not words:
            continue
        steps = min(3, len(words))
        for step in range(1, steps + 1):
            shown = " ".join(words[: len(words) * step // steps])
            a = start + (end - start) * (step - 1) // steps
            b = start + (end - start) * step // steps
            out.append(f"{len(out) + 1}\n{clock(a, ',')} --> {clock(b, ',')}\n{shown}")
    return "\n\n".join(out) + "\n"


def youtube_json(segments):
    items = [
        {"text": text, "start": start / 1000, "duration": (end - start) / 1000}
        for start, end, text in segments
    ]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def pyvideo_sample(stride=54):
    """Every `stride`-th real record, plus the record with a null date and one with a
    date-time, lines unchanged."""
    lines = (SHARED / "pyvideo-talks.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    chosen = set(range(0, len(lines), stride))
    chosen.add(next(i for i, l in enumerate(lines) if '"recorded": null' in l))
    chosen.add(next(i for i, l in enumerate(lines) if re.search(r'"recorded": "\d{4}-\d\d-\d\dT', l)))
    return [lines[i] for i in sorted(chosen)]


def records_csv(jsonl_lines):
    path = FIXTURES / "pyvideo-sample.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["recorded", "title", "description", "event"])
        for line in jsonl_lines:
            record = json.loads(line)
            writer.writerow([record["recorded"] or "", record["title"] or "", record["description"] or "", record["event"]])


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    excerpt = rawkode_excerpt()
    (FIXTURES / f"rawkode-{EXCERPT_ID}-excerpt.vtt").write_text(excerpt, encoding="utf-8")
    (FIXTURES / f"rawkode-{EXCERPT_ID}-excerpt.srt").write_text(vtt_to_srt(excerpt), encoding="utf-8")
    whole = (RAWKODE / f"{WHOLE_ID}.vtt").read_bytes()
    (FIXTURES / f"rawkode-{WHOLE_ID}.vtt").write_bytes(whole)

    segments = transcript_segments()
    first_ten = [s for s in segments if s[0] < 600_000]
    (FIXTURES / "kubecon-rolling.vtt").write_text(rolling_vtt(first_ten), encoding="utf-8")
    (FIXTURES / "kubecon-progressive.srt").write_text(progressive_srt(first_ten), encoding="utf-8")
    (FIXTURES / "kubecon-youtube.json").write_text(youtube_json(segments), encoding="utf-8")

    sample = pyvideo_sample()
    (FIXTURES / "pyvideo-sample.jsonl").write_text("".join(sample), encoding="utf-8")
    records_csv(sample)
    for path in sorted(FIXTURES.glob("*")):
        if path.is_file() and path.name.startswith(("rawkode-", "kubecon-", "pyvideo-")):
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
