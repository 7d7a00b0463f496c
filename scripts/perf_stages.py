#!/usr/bin/env python3
"""Splits a `perf record --call-graph dwarf` profile of themeline by pipeline stage.

Usage: scripts/perf_stages.py PERF_DATA

Runs `perf script` on PERF_DATA and attributes every sample to the outermost stage
frame on its stack (segment analysis, the merge of per-worker counts, phrase
selection, freezing the counts, ingest, themes, reports, emit), then splits segment
analysis by the innermost frame it is in (protected-token regex, Unicode words and
case folding, counting, stemming, phrase candidates, filters, aliases). Also prints
each stage's samples per thread, which shows what runs serially, and the share of
each stage's samples whose leaf is the allocator, page faults or memcpy.

Profile with symbols first, e.g.:
  CARGO_PROFILE_RELEASE_DEBUG=true CARGO_TARGET_DIR=target/perf cargo build --release
  perf record -F 250 --call-graph dwarf,32768 -o full.data -- target/perf/release/themeline run ...
"""

import collections
import re
import subprocess
import sys

STAGES = [
    ("Pipeline::new", r"themeline::pipeline::Pipeline::new\b"),
    ("ingest", r"themeline::ingest::"),
    ("analyze segments (tokenize, stem, count)", r"themeline::tokenize::Analyzer::analyze\b"),
    ("CountBuilder::merge (reduce of workers' counts)", r"themeline::count::CountBuilder::merge\b"),
    ("phrases::select (keep phrases, recount)", r"themeline::tokenize::phrases::select\b"),
    ("CountBuilder::finish (sort vocabulary, freeze)", r"themeline::count::CountBuilder::finish\b"),
    ("themes", r"themeline::pipeline::Pipeline::themes|themeline::theme::"),
    ("reports (score, rank, shifts)", r"themeline::pipeline::Pipeline::reports|themeline::score::|themeline::shift::"),
    ("emit", r"themeline::emit::"),
]
ANALYZE = [
    ("protected-token regex", r"regex::regex::string::Matches|regex_automata::"),
    ("stem", r"themeline::stem::StemCache::stem"),
    ("count (CountBuilder::add, intern, form)", r"themeline::count::CountBuilder::"),
    ("phrase candidates", r"themeline::tokenize::phrases::Candidates::event"),
    ("filters (stop words, numbers, length)", r"themeline::tokenize::Analyzer::filter\b"),
    ("aliases", r"themeline::tokenize::aliases::"),
    ("Unicode words, case folding", r"unicode_segmentation::|themeline::tokenize::Analyzer::words|fold"),
]
ALLOC = re.compile(r"malloc|_int_free|cfree|\bfree\b|unlink_chunk|realloc|clear_page|page_fault|mmap|munmap|memmove|memcpy")


def first_match(frames, patterns):
    for frame in frames:
        for name, rx in patterns:
            if rx.search(frame):
                return name
    return None


def samples(path):
    """(thread id, frames leaf first) per sample."""
    out = subprocess.run(
        ["perf", "script", "-i", path, "-F", "tid,ip,sym"],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout
    tid, frames = None, []
    for line in out.splitlines():
        if not line.strip():
            if frames:
                yield tid, frames
            tid, frames = None, []
        elif line[0] not in "\t ":
            tid, frames = line.split()[0], []
        else:
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else "?")
    if frames:
        yield tid, frames


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    stages = [(n, re.compile(p)) for n, p in STAGES]
    analyze = [(n, re.compile(p)) for n, p in ANALYZE]
    stage, alloc, split, threads = (collections.Counter() for _ in range(4))
    total = 0
    for tid, frames in samples(sys.argv[1]):
        total += 1
        name = first_match(reversed(frames), stages) or "other"
        stage[name] += 1
        threads[name, tid] += 1
        alloc[name] += bool(ALLOC.search(frames[0]))
        if name.startswith("analyze"):
            split[first_match(frames, analyze) or "rest"] += 1
    if not total:
        sys.exit("perf_stages: no samples")
    pct = lambda n: f"{100 * n / total:5.1f}%"  # noqa: E731
    print(f"{total} samples")
    for name, n in stage.most_common():
        per = ", ".join(f"{t}: {c}" for (s, t), c in sorted(threads.items()) if s == name)
        print(f"{pct(n)}  {name}  [allocator leaf {pct(alloc[name])}; samples by thread {per}]")
        if name.startswith("analyze"):
            for sub, m in split.most_common():
                print(f"    {pct(m)}  {sub}")


if __name__ == "__main__":
    main()
