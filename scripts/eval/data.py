"""Recordings and their reference chapters.

A recording is a list of cues (start_s, end_s, text) plus a duration and a list of
reference chapters (start_s, title). Two readers: WebVTT (the rawkode transcripts,
Deepgram phrase cues with `<v Speaker N>` tags) and the YouTube "Show transcript"
text of the bundled KubeCon webinar.
"""

import hashlib
import json
import os
import pathlib
import re
from dataclasses import dataclass, field

DATA = pathlib.Path(os.environ.get("THEMELINE_SHARED_DATA", "/work/shared/data"))
RAWKODE = DATA / "rawkode"
KUBECON = DATA / "kubecon-eu-2024-recap.txt"
KUBECON_ID = "kubecon-eu-2024-recap"
# The human listener's topic turns (minutes), from /work/shared/data/README.md.
KUBECON_TURNS_MIN = [5, 10, 17, 22, 27, 35, 42, 47, 51]
KUBECON_TITLES = [
    "introductions",
    "what AI vs ML means",
    "AI everywhere in the keynotes and the community reunion",
    "education and certifications, OpenTelemetry graduation, Jaeger",
    "sustainability, energy use, eBPF, WebAssembly vs AI, Flux after Weaveworks",
    "platform engineering and tool consolidation, Cilium",
    "security",
    "developer experience and documentation",
    "eBPF, Dapr, Cilium and service mesh",
    "what people look forward to at the next KubeCon",
]

DEDUPE_S = 10.0  # reference starts closer than this to the previous kept one are merged


@dataclass
class Cue:
    start: float
    end: float
    text: str


@dataclass
class Recording:
    rid: str
    title: str
    duration: float
    cues: list
    chapters: list  # [(start_s, title)], sorted, deduped, first at 0
    split: str = ""
    kind: str = "vtt"
    raw_chapters: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ref_bounds(self):
        return [s for s, _ in self.chapters if s > 0]


def split_of(rid):
    """The hold-out rule: sha1(video_id) as hex; first hex digit < 6 (6/16 of the
    id space) marks `held-out`, the rest `tune`. The KubeCon webinar is always
    held-out (it is the sanity check nobody tunes on)."""
    if rid == KUBECON_ID:
        return "held-out"
    return "held-out" if int(hashlib.sha1(rid.encode()).hexdigest()[0], 16) < 6 else "tune"


def dedupe_chapters(chapters, duration=None):
    """Drop chapters starting at or after the end of the transcript (one video,
    r1erhp4o..., lists 29 chapters past its 69-minute transcript); sort by start; drop a chapter starting within DEDUPE_S seconds after the
    previous KEPT start (the first title of a near-duplicate pair is kept); make sure
    a chapter starts at 0 (a missing one is added as an untitled intro)."""
    out = []
    if duration is not None:
        chapters = [c for c in chapters if c[0] < duration]
    for s, t in sorted(chapters, key=lambda c: c[0]):
        if out and s - out[-1][0] < DEDUPE_S:
            continue
        out.append((float(s), t))
    if not out or out[0][0] > 0:
        # starts within DEDUPE_S of 0 count as 0
        if out and out[0][0] < DEDUPE_S:
            out[0] = (0.0, out[0][1])
        else:
            out.insert(0, (0.0, ""))
    return out


TS = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
VOICE = re.compile(r"<v\s+([^>]*)>")
TAG = re.compile(r"</?[^>]+>")


def _ts(s):
    m = TS.fullmatch(s.strip())
    if not m:
        raise ValueError(f"bad timestamp {s!r}")
    h = int(m.group(1) or 0)
    frac = m.group(4) or "0"
    return h * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + int(frac) / (10 ** len(frac))


def read_vtt(path):
    """Cues of a WebVTT file; voice tags and other tags removed."""
    cues = []
    duration = None
    blocks = re.split(r"\n\s*\n", pathlib.Path(path).read_text(encoding="utf-8").replace("\r", ""))
    for block in blocks:
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        if lines[0].startswith("WEBVTT") or lines[0].startswith("NOTE"):
            for l in lines:
                m = re.match(r"Duration:\s*([\d.]+)", l)
                if m:
                    duration = float(m.group(1))
            continue
        for i, l in enumerate(lines):
            if "-->" in l:
                a, b = l.split("-->")
                start, end = _ts(a), _ts(b.split()[0])
                text = TAG.sub("", " ".join(lines[i + 1 :])).strip()
                cues.append(Cue(start, end, text))
                break
    cues.sort(key=lambda c: c.start)
    return cues, duration


STAMP = re.compile(r"(?:(\d{1,2}):(\d\d):(\d\d)|(\d{1,3}):(\d\d))")


def read_youtube_text(path):
    """Segments of a YouTube "Show transcript" text: a stamp glued to the start of a
    line opens a segment; lines before the first stamp are the header. Seconds are
    always two digits ("0:5112,000" is 0:51 + "12,000"). A segment ends where the
    next one starts; the last lasts 5 s."""
    starts, texts = [], []
    for line in pathlib.Path(path).read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if not line:
            continue
        m = STAMP.match(line)
        if m:
            if m.group(1) is not None:
                t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
            else:
                t = int(m.group(4)) * 60 + int(m.group(5))
            starts.append(float(t))
            texts.append(line[m.end():])
        elif texts:
            texts[-1] += " " + line
    cues = []
    for i, (s, t) in enumerate(zip(starts, texts)):
        e = starts[i + 1] if i + 1 < len(starts) else s + 5.0
        cues.append(Cue(s, e, t))
    return cues


def load_rawkode():
    recs = []
    for line in (RAWKODE / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        cues, vdur = read_vtt(RAWKODE / d["transcript_path"])
        dur = float(d.get("duration_s") or vdur or (cues[-1].end if cues else 0))
        if cues:
            dur = max(dur, cues[-1].end)
        chapters = [(float(c["start_s"]), c["title"]) for c in d["chapters"]]
        recs.append(
            Recording(
                rid=d["video_id"],
                title=d["title"],
                duration=dur,
                cues=cues,
                chapters=dedupe_chapters(chapters, dur),
                split=split_of(d["video_id"]),
                kind="vtt",
                raw_chapters=len(chapters),
            )
        )
    return recs


def load_kubecon():
    cues = read_youtube_text(KUBECON)
    chapters = [(0.0, KUBECON_TITLES[0])] + [
        (m * 60.0, t) for m, t in zip(KUBECON_TURNS_MIN, KUBECON_TITLES[1:])
    ]
    return Recording(
        rid=KUBECON_ID,
        title="KubeCon Europe 2024 Highlights",
        duration=cues[-1].end,
        cues=cues,
        chapters=chapters,
        split=split_of(KUBECON_ID),
        kind="youtube-text",
        raw_chapters=len(chapters),
    )


def load_all():
    return load_rawkode() + [load_kubecon()]


def reshape_cues(cues, target_s):
    """The same speech as longer lines: consecutive cues merged until a line spans
    at least target_s seconds (a YouTube-like 5 s line shape, for the robustness
    check). Text and times are kept; only the cue granularity changes."""
    out = []
    cur = None
    for c in cues:
        if cur is None:
            cur = Cue(c.start, c.end, c.text)
        else:
            cur.end = c.end
            cur.text += " " + c.text
        if cur.end - cur.start >= target_s:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out
