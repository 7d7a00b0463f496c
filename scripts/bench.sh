#!/usr/bin/env bash
# Benchmarks themeline against the scikit-learn baseline on generated corpora.
#
# Usage: scripts/bench.sh [SIZE...]        (default: 10MB 100MB; e.g. scripts/bench.sh 1GB)
#
# Installs what it needs (scikit-learn and PyStemmer with pip, GNU time with
# apt-get), builds themeline in release, generates each corpus once into bench-data/
# (git-ignored; scripts/gen_corpus.py, byte-identical for a SIZE), then runs one at a
# time, each under /usr/bin/time -v:
#   sklearn       scripts/baseline_sklearn.py: regex, token pattern, stop words, PyStemmer, TfidfVectorizer, top 20
#   tfidf         themeline run --window 5m --top 20 --phrases off --discover 0 (tokenize, stem, TF-IDF, top k)
#   full          themeline run --aliases cloud-native --themes cloud-native --window 5m --top 20 (every stage and output)
#   tfidf-t1/-t2  tfidf with --threads 1 and --threads 2
# and prints a table (wall seconds, MB/s, CPU seconds (user + sys), peak RSS) with the
# speed-up of tfidf over sklearn and of 2 threads over 1.
#   BENCH_REPEAT=N            run each command N times, keep the fastest (default 1)
#   BENCH_COMMANDS="a b"      run only these commands
#   BENCH_MEM_GIB=N           cap each run's address space at N GiB (prlimit), so a run
#                             that would exhaust the machine fails instead (a failed
#                             run is a "failed after" row; the others still run)
# Outputs, /usr/bin/time logs and the table (results.md) go to bench-data/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10MB 100MB)
repeat=${BENCH_REPEAT:-1}
limit=()
[ -z "${BENCH_MEM_GIB:-}" ] || limit=(prlimit --as=$((BENCH_MEM_GIB << 30)) --)
read -r -a commands <<<"${BENCH_COMMANDS:-sklearn tfidf full tfidf-t1 tfidf-t2}"
data=$root/bench-data
mkdir -p "$data"

# What the runs need.
if ! python3 -c 'import sklearn, Stemmer' 2>/dev/null; then
    python3 -m pip install --quiet scikit-learn PyStemmer
fi
if [ ! -x /usr/bin/time ]; then
    apt-get install -y time || { apt-get update && apt-get install -y time; }
fi
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$root/target}/release/themeline
[ -x "$bin" ] || { echo "bench.sh: no binary at $bin" >&2; exit 1; }

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' (modified)'), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "load average $(cut -d" " -f1-3 /proc/loadavg) at start; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "$(rustc --version), $(python3 --version), scikit-learn $(python3 -c 'import sklearn; print(sklearn.__version__)'), PyStemmer $(python3 -c 'import Stemmer; print(Stemmer.version())')"
echo

# run NAME OUTDIR CMD...: runs CMD under /usr/bin/time -v, BENCH_REPEAT times, and
# sets $wall (seconds, the fastest run), $cpu (user + sys seconds) and $rss (MiB) of
# that run. When CMD fails: prints its output, sets them for the failed run, returns 1.
run() {
    local name=$1 out=$2 best="" best_rss="" best_cpu="" i log w r c failed=""
    shift 2
    for ((i = 1; i <= repeat; i++)); do
        rm -rf "$out"
        log=$data/$size/$name.time
        /usr/bin/time -v -o "$log" "${limit[@]}" "$@" >"$data/$size/$name.log" 2>&1 || failed=1
        w=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                n = split($2, p, ":"); s = 0
                for (j = 1; j <= n; j++) s = s * 60 + p[j]
                printf "%.2f", s }' "$log")
        r=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
        c=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$log")
        if [ -n "$failed" ]; then
            echo "bench.sh: $name on $size failed after $w s (peak RSS $r MiB):" >&2
            head -c 2000 "$data/$size/$name.log" >&2
            wall=$w rss=$r cpu=$c
            return 1
        fi
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$w best_rss=$r best_cpu=$c
        fi
    done
    wall=$best rss=$best_rss cpu=$best_cpu
}

table=$data/results.md
{
    echo "| corpus | MB | command | wall s | MB/s | CPU s | peak RSS MiB |"
    echo "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
} >"$table"
speedups=()
for size in "${sizes[@]}"; do
    corpus=$data/corpus-$size.txt
    if [ ! -f "$corpus" ]; then
        python3 scripts/gen_corpus.py "$size" "$corpus.tmp" && mv "$corpus.tmp" "$corpus"
    fi
    bytes=$(stat -c %s "$corpus")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    mkdir -p "$data/$size"
    out=$data/$size
    tfidf=(run "$corpus" --no-config --quiet --window 5m --top 20 --phrases off --discover 0) # themeline's arguments
    declare -A walls=()
    for name in "${commands[@]}"; do
        case $name in
        sklearn) cmd=(python3 scripts/baseline_sklearn.py "$corpus" "$out/sklearn") ;;
        tfidf) cmd=("$bin" "${tfidf[@]}" --out "$out/tfidf") ;;
        full) cmd=("$bin" run "$corpus" --no-config --quiet --aliases cloud-native --themes cloud-native
            --window 5m --top 20 --out "$out/full") ;;
        tfidf-t1) cmd=("$bin" "${tfidf[@]}" --threads 1 --out "$out/tfidf-t1") ;;
        tfidf-t2) cmd=("$bin" "${tfidf[@]}" --threads 2 --out "$out/tfidf-t2") ;;
        esac
        if ! run "$name" "$out/$name" "${cmd[@]}"; then
            row="| $size | $mb | $name | failed after $wall | | $cpu | $rss |"
            echo "$row" >>"$table"
            echo "$row"
            continue
        fi
        if [ -f "$out/$name/timeline.json" ]; then
            # Every line of a generated corpus must be read: input problems would make the
            # numbers meaningless.
            python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["meta"]["statistics"]["diagnostics"]
sys.exit(f"bench.sh: input problems in {sys.argv[1]}: {d}" if d else 0)' "$out/$name/timeline.json"
        fi
        walls[$name]=$wall
        rate=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? b / 1e6 / w : 0) }')
        row="| $size | $mb | $name | $wall | $rate | $cpu | $rss |"
        echo "$row" >>"$table"
        echo "$row"
    done
    speedups+=("$(awk -v a="${walls[sklearn]:-}" -v b="${walls[tfidf]:-}" -v t1="${walls[tfidf-t1]:-}" -v t2="${walls[tfidf-t2]:-}" -v s="$size" \
        'BEGIN { printf "%s: tfidf over sklearn %s, 2 threads over 1 %s", s,
                 (a && b) ? sprintf("%.2fx", a / b) : "n/a", (t1 && t2) ? sprintf("%.2fx", t1 / t2) : "n/a" }')")
    unset walls
done
{
    echo
    for s in "${speedups[@]}"; do echo "- $s"; done
} >>"$table"
echo "load average $(cut -d" " -f1-3 /proc/loadavg) at the end" >>"$table"
echo
cat "$table"
