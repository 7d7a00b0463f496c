#!/usr/bin/env python3
"""themeline's shard protocol on Apache Spark, checked against a run on one machine.

The corpus (a folder of dated documents) is sorted by file name and cut into N
contiguous shards. Spark runs `themeline passages` on each shard as one task (an
RDD of shard indices with numSlices=N; each partition calls the binary through
subprocess), the driver collects the passage files and runs `themeline select`
(the boilerplate passages of all shards), Spark runs `themeline mine
--phrase-list` with that list on each shard as one task, the driver collects the
candidate files and runs `themeline select` (the phrases), Spark runs `themeline
count --phrase-list` on each shard as one task, and the driver collects the
counts and runs `themeline merge` on them in shard order. Then `themeline run` reads all files, in the same order, on the driver,
and every output file of the two is compared byte for byte.

The tasks depend on nothing but the binary (shipped with SparkContext.addFile)
and the input files (which a real cluster would read from shared storage at the
same paths): passages, candidates and counts travel back to the driver as task
results, and the two lists go out to the mine and count tasks as broadcast
variables.

Usage (from the repository root; scripts/spark_demo.sh installs pyspark and
builds themeline first):

    python scripts/spark_demo.py [--corpus DIR] [--shards N] [--master local[2]]
                                 [--themeline BIN] [--work DIR] [-- EXTRA OPTIONS]

Options after `--` are added to every step (they must be the same everywhere).
Exits 0 when every output file is identical, 1 when any differs, 2 on an error.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The options every step gets. `--threads` is left out: output is identical for
# any thread count, so tasks use --task-threads and the driver all cores.
OPTIONS = ["--no-config", "--window", "decade", "--themes", "cloud-native", "--quiet"]

OUTPUTS = [
    "terms.csv",
    "windows.csv",
    "themes.csv",
    "shifts.csv",
    "timeline.json",
    "report.html",
    "timeline.vl.json",
]


def parse_args(argv):
    extra = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        default=str(ROOT / "examples" / "sotu" / "speeches"),
        help="folder of input files (default: examples/sotu/speeches, in the repository)",
    )
    parser.add_argument("--shards", type=int, default=4, help="number of shards (default 4)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument(
        "--themeline",
        default=str(ROOT / "target" / "release" / "themeline"),
        help="the themeline binary (default target/release/themeline)",
    )
    parser.add_argument(
        "--work", default=str(ROOT / ".spark-demo"), help="work folder, emptied first (default .spark-demo/)"
    )
    parser.add_argument(
        "--task-threads",
        type=int,
        default=1,
        help="--threads of each Spark task (default 1: local[2] runs two tasks at once on two cores)",
    )
    args = parser.parse_args(argv)
    args.extra = extra
    return args


def contiguous_shards(files, n):
    """Cuts `files` into n contiguous, non-empty runs: shard i is files[i*len/n : (i+1)*len/n].

    Contiguous runs, merged in index order, give the merge its inputs in the order
    a run over all files reads them. No shard may be empty: `themeline passages`,
    `mine` and `count` without inputs read their default inputs instead.
    """
    if not 1 <= n <= len(files):
        raise SystemExit(f"error: --shards must be between 1 and the number of files ({len(files)}), not {n}")
    return [files[i * len(files) // n : (i + 1) * len(files) // n] for i in range(n)]


def run_themeline(binary, args):
    """Runs themeline; returns seconds taken. Raises with its stderr on failure."""
    started = time.perf_counter()
    done = subprocess.run([binary, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"themeline {' '.join(args[:1])} failed ({done.returncode}): {done.stderr.strip()}")
    return time.perf_counter() - started


def shard_task(step, shards, options, phrases=None):
    """The function Spark runs on each partition: one themeline step per shard index.

    Yields (index, file bytes, seconds, pid) per shard. Runs on an executor: it
    uses only its arguments, the shipped binary and the input files.
    """

    def task(indices):
        from pyspark import SparkFiles

        binary = SparkFiles.get("themeline")
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        for i in indices:
            with tempfile.TemporaryDirectory(prefix=f"themeline-{step}-{i}-") as scratch:
                out = os.path.join(scratch, f"{step}-{i}.json")
                args = [step, *shards[i], "--out", out, *options]
                if phrases is not None:
                    listed = os.path.join(scratch, "phrases.json")
                    with open(listed, "wb") as f:
                        f.write(phrases.value)
                    args += ["--phrase-list", listed]
                seconds = run_themeline(binary, args)
                with open(out, "rb") as f:
                    yield (i, f.read(), seconds, os.getpid())

    return task


def spark_stage(sc, step, shards, options, phrases=None):
    """Runs `step` on every shard as one Spark task each; returns results by index and wall seconds."""
    started = time.perf_counter()
    results = (
        sc.parallelize(range(len(shards)), numSlices=len(shards))
        .mapPartitions(shard_task(step, shards, options, phrases))
        .collect()
    )
    wall = time.perf_counter() - started
    results.sort(key=lambda r: r[0])
    assert [r[0] for r in results] == list(range(len(shards))), "every shard ran once"
    return results, wall


def first_difference(a, b):
    """The 1-based line of the first difference of two byte strings."""
    for line, (x, y) in enumerate(zip(a.split(b"\n"), b.split(b"\n")), start=1):
        if x != y:
            return line
    return min(a.count(b"\n"), b.count(b"\n")) + 1


def compare(single, merged):
    """Prints PASS or FAIL per output file; returns whether all are identical."""
    names = sorted(set(OUTPUTS) | {p.name for p in single.iterdir()} | {p.name for p in merged.iterdir()})
    ok = True
    for name in names:
        a, b = single / name, merged / name
        if not a.exists() or not b.exists():
            print(f"FAIL {name}: only in {'the merge' if b.exists() else 'the single run'}")
            ok = False
            continue
        x, y = a.read_bytes(), b.read_bytes()
        if x == y:
            print(f"PASS {name} ({len(x)} bytes, identical)")
        else:
            print(f"FAIL {name}: {len(x)} bytes in the single run, {len(y)} merged; first difference on line {first_difference(x, y)}")
            ok = False
    return ok


def main(argv):
    args = parse_args(argv)
    corpus = Path(args.corpus).resolve()
    binary = str(Path(args.themeline).resolve())
    if not corpus.is_dir():
        raise SystemExit(f"error: no corpus folder {corpus}")
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"error: no themeline binary {binary} (cargo build --release)")
    # Sorted by name, as themeline reads a folder; passed as files, in this order,
    # to the shards and to the single run alike (so every path is the same string).
    files = sorted(str(p) for p in corpus.iterdir() if p.is_file())
    shards = contiguous_shards(files, args.shards)
    options = OPTIONS + args.extra
    task_options = options + ["--threads", str(args.task_threads)]

    work = Path(args.work).resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    print(f"themeline on Spark: {len(files)} files from {corpus}, {len(shards)} contiguous shards, master {args.master}")
    print(f"options of every step: {' '.join(options)} (tasks: --threads {args.task_threads})")
    for i, shard in enumerate(shards):
        print(f"  shard {i}: {len(shard):3} files, {Path(shard[0]).name} .. {Path(shard[-1]).name}")

    timings = []
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    started = time.perf_counter()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(args.master)
        .appName("themeline-shards")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    sc.addFile(binary)
    timings.append(("Spark session start", time.perf_counter() - started, ""))

    try:
        distributed = time.perf_counter()
        read, wall = spark_stage(sc, "passages", shards, task_options)
        passage_files = []
        for i, data, _, _ in read:
            path = work / f"pass-{i:04}.json"
            path.write_bytes(data)
            passage_files.append(str(path))
        timings.append((f"passages ({len(shards)} Spark tasks)", wall, tasks_note(read)))

        boilerplate = work / "passages.json"
        seconds = run_themeline(binary, ["select", *passage_files, "--out", str(boilerplate), *options])
        timings.append(("select passages (driver)", seconds, ""))

        mined, wall = spark_stage(sc, "mine", shards, task_options, sc.broadcast(boilerplate.read_bytes()))
        candidates = []
        for i, data, _, _ in mined:
            path = work / f"cand-{i:04}.json"
            path.write_bytes(data)
            candidates.append(str(path))
        timings.append((f"mine ({len(shards)} Spark tasks)", wall, tasks_note(mined)))

        phrases = work / "phrases.json"
        seconds = run_themeline(binary, ["select", *candidates, "--out", str(phrases), *options])
        timings.append(("select phrases (driver)", seconds, ""))

        counted, wall = spark_stage(sc, "count", shards, task_options, sc.broadcast(phrases.read_bytes()))
        counts = []
        for i, data, _, _ in counted:
            path = work / f"counts-{i:04}.json"
            path.write_bytes(data)
            counts.append(str(path))
        timings.append((f"count ({len(shards)} Spark tasks)", wall, tasks_note(counted)))

        merged = work / "merged"
        # In shard order: the order a run over all files reads their inputs.
        seconds = run_themeline(binary, ["merge", *counts, "--out", str(merged), *options])
        timings.append(("merge (driver)", seconds, ""))
        timings.append(("all steps but the run", time.perf_counter() - distributed, ""))
    finally:
        spark.stop()

    single = work / "single"
    seconds = run_themeline(binary, ["run", *files, "--out", str(single), *options])
    timings.append(("themeline run (one machine)", seconds, ""))

    print()
    print(f"{'stage':<34} {'seconds':>8}")
    for stage, seconds, note in timings:
        print(f"{stage:<34} {seconds:8.2f}  {note}".rstrip())
    sizes = [sum(Path(p).stat().st_size for p in files) for files in (passage_files, candidates, counts)]
    print(
        f"passages {sizes[0] / 1e6:.1f} MB, candidates {sizes[1] / 1e6:.1f} MB, counts {sizes[2] / 1e6:.1f} MB, "
        f"{len(phrases.read_bytes()) / 1e3:.0f} kB phrase list"
    )
    print()
    print(f"merge of {len(shards)} shards vs themeline run, byte for byte:")
    ok = compare(single, merged)
    print("all outputs identical" if ok else f"outputs differ (both kept in {work})")
    return 0 if ok else 1


def tasks_note(results):
    pids = len({r[3] for r in results})
    each = " ".join(f"{r[2]:.2f}" for r in results)
    return f"themeline per task: {each} (in {pids} Python worker{'s' if pids != 1 else ''})"


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # a failed step, here or in a Spark task
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
