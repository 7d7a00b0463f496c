#!/usr/bin/env bash
# Benchmarks themeline against the scikit-learn baseline on generated corpora shaped
# like real data.
#
# Usage: scripts/bench.sh [SIZE...]        (default: 10MB 100MB; e.g. scripts/bench.sh 1GB)
#
# Installs what it needs (scikit-learn and PyStemmer with pip, GNU time with
# apt-get), builds themeline in release, generates each corpus once into bench-data/
# (git-ignored; scripts/gen_corpus.py --shape SHAPE, byte-identical for a shape and
# SIZE), then runs one at a time, each under /usr/bin/time -v, for every shape:
#   segments     the original corpus (corpus-SIZE.txt): transcript, K lines per stamp, under 90 h, 5-minute windows
#   transcript   transcript, one ~100-byte line per stamp at the bundled transcript's density, 5-minute windows
#   vtt          one WebVTT file of ~40-byte Deepgram-style cues (rawkode), 5-minute windows
#   jsonl        JSON Lines talk records (pyvideo) recorded 2015-2024, monthly windows (--window month)
#   manywindows  transcript over a fixed 2,000 hours, one-minute windows: 120,000 windows at every SIZE
# the commands
#   sklearn       scripts/baseline_sklearn.py for the shape's format and windows: regex, token
#                 pattern, stop words, PyStemmer, TfidfVectorizer, top 20
#   tfidf         themeline run --window W --top 20 --phrases off --discover 0 (tokenize, stem, TF-IDF, top k)
#   full          the default run's stages and outputs: themeline run --window W --top 20, with
#                 --aliases cloud-native --themes cloud-native for the recordings (segments,
#                 transcript, vtt, manywindows), discovered themes (NMF, no lexicon) for jsonl
#   tfidf-t1/-t2  tfidf with --threads 1 and --threads 2
# (jsonl runs also get --time-col recorded --text-col title --text-col description),
# and writes one table: windows, kept tokens (themeline: timeline.json
# meta.statistics.tokens; sklearn: tokens after its stop words), wall seconds, CPU
# seconds (user + sys), peak RSS, MB/s, wall and CPU nanoseconds per kept token, and
# the speed-up over the shape's sklearn run (wall and CPU).
#   BENCH_SHAPES="a b"        run only these shapes (default: segments transcript vtt jsonl manywindows)
#   BENCH_COMMANDS="a b"      run only these commands (default: sklearn tfidf full tfidf-t1 tfidf-t2)
#   BENCH_REPEAT=N            run each command N times, keep the fastest (default 1)
#   BENCH_MEM_GIB=N           cap each run's address space at N GiB (prlimit), so a run
#                             that would exhaust the machine fails instead (a failed
#                             run is a "failed after" row; the others still run)
#   BENCH_DATA=DIR            where corpora and results go (default bench-data/)
#   BENCH_BIN=PATH            run this themeline binary instead of building one (to
#                             measure a copy of the binary from before a change)
# Corpora, outputs (DIR/SIZE/SHAPE/COMMAND/), /usr/bin/time logs and the table
# (results.md) go to bench-data/ (or BENCH_DATA).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10MB 100MB)
repeat=${BENCH_REPEAT:-1}
limit=()
[ -z "${BENCH_MEM_GIB:-}" ] || limit=(prlimit --as=$((BENCH_MEM_GIB << 30)) --)
read -r -a commands <<<"${BENCH_COMMANDS:-sklearn tfidf full tfidf-t1 tfidf-t2}"
read -r -a shapes <<<"${BENCH_SHAPES:-segments transcript vtt jsonl manywindows}"
for shape in "${shapes[@]}"; do
    case $shape in
    segments | transcript | vtt | jsonl | manywindows) ;;
    *) echo "bench.sh: unknown shape $shape (segments transcript vtt jsonl manywindows)" >&2; exit 2 ;;
    esac
done
for name in "${commands[@]}"; do
    case $name in
    sklearn | tfidf | full | tfidf-t1 | tfidf-t2) ;;
    *) echo "bench.sh: unknown command $name (sklearn tfidf full tfidf-t1 tfidf-t2)" >&2; exit 2 ;;
    esac
done
data=${BENCH_DATA:-$root/bench-data}
if [ -L "$data" ] && [ ! -e "$data" ]; then
    echo "bench.sh: $data is a symlink to $(readlink "$data"), which does not exist; create that directory or set BENCH_DATA=DIR" >&2
    exit 1
fi
mkdir -p "$data"
data=$(cd "$data" && pwd)

# What the runs need.
if ! python3 -c 'import sklearn, Stemmer' 2>/dev/null; then
    python3 -m pip install --quiet scikit-learn PyStemmer
fi
if [ ! -x /usr/bin/time ]; then
    apt-get install -y time || { apt-get update && apt-get install -y time; }
fi
if [ -n "${BENCH_BIN:-}" ]; then
    bin=$BENCH_BIN # a binary kept aside, e.g. the one before a change
else
    cargo build --release --quiet
    bin=${CARGO_TARGET_DIR:-$root/target}/release/themeline
fi
[ -x "$bin" ] || { echo "bench.sh: no binary at $bin" >&2; exit 1; }

table=$data/results.md
{
    echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' (modified)')${BENCH_BIN:+, binary $BENCH_BIN}, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "load average $(cut -d" " -f1-3 /proc/loadavg) at start; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "$(rustc --version), $(python3 --version), scikit-learn $(python3 -c 'import sklearn; print(sklearn.__version__)'), PyStemmer $(python3 -c 'import Stemmer; print(Stemmer.version())')"
    echo "BENCH_REPEAT=$repeat BENCH_SHAPES=\"${shapes[*]}\" BENCH_COMMANDS=\"${commands[*]}\"${BENCH_MEM_GIB:+ BENCH_MEM_GIB=$BENCH_MEM_GIB}"
} | tee "$table.head"
echo

# run NAME LOGDIR CMD...: runs CMD under /usr/bin/time -v, BENCH_REPEAT times (its
# output directory, LOGDIR/NAME, emptied first), and sets $wall (seconds, the fastest
# run), $cpu (user + sys seconds) and $rss (MiB) of that run. When CMD fails: prints
# its output, sets them for the failed run, returns 1.
run() {
    local name=$1 logs=$2 best="" best_rss="" best_cpu="" i log w r c failed=""
    shift 2
    for ((i = 1; i <= repeat; i++)); do
        rm -rf "${logs:?}/$name"
        log=$logs/$name.time
        /usr/bin/time -v -o "$log" "${limit[@]}" "$@" >"$logs/$name.log" 2>&1 || failed=1
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                n = split($2, p, ":"); s = 0
                for (j = 1; j <= n; j++) s = s * 60 + p[j]
                printf "%.2f", s }' "$log")
        r=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
        c=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$log")
        if [ -n "$failed" ]; then
            echo "bench.sh: $name on $shape $size failed after $w s (peak RSS $r MiB):" >&2
            head -c 2000 "$logs/$name.log" >&2
            wall=$w rss=$r cpu=$c
            return 1
        fi
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$w best_rss=$r best_cpu=$c
        fi
    done
    wall=$best rss=$best_rss cpu=$best_cpu
}

# counted NAME LOGDIR: sets $windows and $tokens (kept) of a finished run, from its
# timeline.json (themeline) or its summary line on stderr (sklearn). A themeline run
# with input problems fails: every line of a generated corpus must be read, or the
# numbers mean nothing.
counted() {
    local name=$1 logs=$2 got
    if [ "$name" = sklearn ]; then
        got=$(sed -n 's/^baseline_sklearn: \([0-9]*\) windows, \([0-9]*\) tokens.*/\1 \2/p' "$logs/$name.log")
    else
        got=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = d["meta"]["statistics"]
problems, skipped = s["diagnostics"], s["skipped_lines"]
if problems or skipped:
    sys.exit(f"bench.sh: input problems in {sys.argv[1]}: {problems}, skipped lines {skipped}")
print(len(d["windows"]), s["tokens"])' "$logs/$name/timeline.json")
    fi
    read -r windows tokens <<<"$got"
}

{
    echo "| shape | size | MB | command | windows | tokens kept | wall s | CPU s | peak RSS MiB | MB/s | ns/token wall | ns/token CPU | × sklearn wall | × sklearn CPU |"
    echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$table.rows"
speedups=()
for size in "${sizes[@]}"; do
    for shape in "${shapes[@]}"; do
        window=5m extra=() lexicon=(--aliases cloud-native --themes cloud-native) format=transcript
        case $shape in
        segments) corpus=$data/corpus-$size.txt ;; # the name it always had
        transcript) corpus=$data/transcript-$size.txt ;;
        vtt) corpus=$data/vtt-$size.vtt format=vtt ;;
        jsonl)
            corpus=$data/jsonl-$size.jsonl format=jsonl window=month lexicon=()
            extra=(--time-col recorded --text-col title --text-col description)
            ;;
        manywindows) corpus=$data/manywindows-$size.txt window=1m ;;
        esac
        if [ ! -f "$corpus" ]; then
            python3 scripts/gen_corpus.py --shape "$shape" "$size" "$corpus.tmp" && mv "$corpus.tmp" "$corpus"
        fi
        bytes=$(stat -c %s "$corpus")
        mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
        logs=$data/$size/$shape
        mkdir -p "$logs"
        # themeline's arguments for the TF-IDF path
        tfidf=(run "$corpus" --no-config --quiet --window "$window" --top 20 --phrases off --discover 0 "${extra[@]}")
        declare -A walls=() cpus=()
        for name in "${commands[@]}"; do
            case $name in
            sklearn) cmd=(python3 scripts/baseline_sklearn.py --input-format "$format" --window "$window" "$corpus" "$logs/sklearn") ;;
            tfidf) cmd=("$bin" "${tfidf[@]}" --out "$logs/tfidf") ;;
            full) cmd=("$bin" run "$corpus" --no-config --quiet "${lexicon[@]}" --window "$window" --top 20
                "${extra[@]}" --out "$logs/full") ;;
            tfidf-t1) cmd=("$bin" "${tfidf[@]}" --threads 1 --out "$logs/tfidf-t1") ;;
            tfidf-t2) cmd=("$bin" "${tfidf[@]}" --threads 2 --out "$logs/tfidf-t2") ;;
            esac
            if ! run "$name" "$logs" "${cmd[@]}"; then
                row="| $shape | $size | $mb | $name | | | failed after $wall | $cpu | $rss | | | | | |"
                echo "$row" >>"$table.rows"
                echo "$row"
                continue
            fi
            counted "$name" "$logs"
            walls[$name]=$wall cpus[$name]=$cpu
            row=$(awk -v shape="$shape" -v size="$size" -v mb="$mb" -v name="$name" -v b="$bytes" \
                -v win="$windows" -v tok="$tokens" -v w="$wall" -v c="$cpu" -v r="$rss" \
                -v sw="${walls[sklearn]:-}" -v sc="${cpus[sklearn]:-}" '
                function thousands(n,   s, t) {
                    s = sprintf("%d", n); t = ""
                    while (length(s) > 3) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) }
                    return s t
                }
                function per(x) { return tok > 0 ? sprintf("%.0f", x * 1e9 / tok) : "" }
                function over(a, b) { return (name != "sklearn" && a > 0 && b > 0) ? sprintf("%.2f×", a / b) : "" }
                BEGIN {
                    printf "| %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %.1f | %s | %s | %s | %s |",
                        shape, size, mb, name, thousands(win), thousands(tok), w, c, r,
                        (w > 0 ? b / 1e6 / w : 0), per(w), per(c), over(sw, w), over(sc, c)
                }')
            echo "$row" >>"$table.rows"
            echo "$row"
        done
        speedups+=("$(awk -v a="${walls[sklearn]:-}" -v b="${walls[tfidf]:-}" -v f="${walls[full]:-}" \
            -v ac="${cpus[sklearn]:-}" -v bc="${cpus[tfidf]:-}" -v fc="${cpus[full]:-}" \
            -v t1="${walls[tfidf-t1]:-}" -v t2="${walls[tfidf-t2]:-}" -v s="$size $shape" '
            function x(p, q) { return (p > 0 && q > 0) ? sprintf("%.2f×", p / q) : "n/a" }
            BEGIN { printf "%s: tfidf over sklearn %s (CPU %s), full over sklearn %s (CPU %s), 2 threads over 1 %s",
                    s, x(a, b), x(ac, bc), x(a, f), x(ac, fc), x(t1, t2) }')")
        unset walls cpus
    done
done
{
    cat "$table.head"
    echo
    cat "$table.rows"
    echo
    for s in "${speedups[@]}"; do echo "- $s"; done
    echo
    echo "load average $(cut -d" " -f1-3 /proc/loadavg) at the end"
} >"$table"
rm -f "$table.head" "$table.rows"
echo
cat "$table"
