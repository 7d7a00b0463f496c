#!/usr/bin/env bash
# Measures shard bytes per input byte: the Spark recipe's protocol (passages,
# select, mine, select, count) on N contiguous shards of a corpus, run one shard
# after another.
#
# Usage: scripts/shard_size.sh [CORPUS_DIR] [N] [-- OPTIONS]
#   CORPUS_DIR  default ../shared/data/sotu/speeches (the 249 State of the Union
#               addresses as plain text, 13 MB), else examples/sotu/speeches
#   N           shards (default 4), contiguous ranges of the sorted file list, as
#               scripts/spark_demo.py cuts them
#   OPTIONS     counting options for every step (default: the recipe's
#               --no-config --window decade --themes cloud-native --quiet --threads 1)
# THEMELINE=PATH runs that binary instead of building one. Prints, per shard, its
# input bytes and the bytes of its passage, candidate and counts files, then the
# totals and the ratios; the files stay in SHARD_DIR (default a temporary
# directory, removed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-}
if [ -z "$corpus" ]; then
    corpus=$root/../shared/data/sotu/speeches
    [ -d "$corpus" ] || corpus=$root/examples/sotu/speeches
fi
shards=${2:-4}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" != -- ] || shift
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(--no-config --window decade --themes cloud-native --quiet --threads 1)
if [ -n "${THEMELINE:-}" ]; then
    bin=$THEMELINE
else
    (cd "$root" && cargo build --release --quiet)
    bin=${CARGO_TARGET_DIR:-$root/target}/release/themeline
fi
work=${SHARD_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${SHARD_DIR:-}" ] || trap 'rm -rf "$work"' EXIT

mapfile -t files < <(find "$corpus" -maxdepth 1 -type f | LC_ALL=C sort)
n=${#files[@]}
[ "$n" -ge "$shards" ] || { echo "shard_size.sh: $n files, fewer than $shards shards" >&2; exit 1; }
bytes() { stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'; }

for ((i = 0; i < shards; i++)); do
    part=("${files[@]:i*n/shards:(i+1)*n/shards-i*n/shards}")
    printf '%s\n' "${part[@]}" >"$work/files-$i"
    "$bin" passages "${part[@]}" "${options[@]}" --out "$work/pass-$(printf %02d "$i").json"
done
"$bin" select "$work"/pass-*.json "${options[@]}" --out "$work/passages.json"
for ((i = 0; i < shards; i++)); do
    mapfile -t part <"$work/files-$i"
    "$bin" mine "${part[@]}" "${options[@]}" --phrase-list "$work/passages.json" \
        --out "$work/cand-$(printf %02d "$i").json"
done
"$bin" select "$work"/cand-*.json "${options[@]}" --out "$work/phrases.json"
for ((i = 0; i < shards; i++)); do
    mapfile -t part <"$work/files-$i"
    "$bin" count "${part[@]}" "${options[@]}" --phrase-list "$work/phrases.json" \
        --out "$work/counts-$(printf %02d "$i").json"
done

echo "corpus $corpus: $n files, $shards shards, options ${options[*]}"
echo "| shard | files | input bytes | passage bytes | candidate bytes | counts bytes |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
total_in=0
for ((i = 0; i < shards; i++)); do
    mapfile -t part <"$work/files-$i"
    k=$(printf %02d "$i")
    in=$(bytes "${part[@]}")
    total_in=$((total_in + in))
    echo "| $i | ${#part[@]} | $in | $(bytes "$work/pass-$k.json") | $(bytes "$work/cand-$k.json") | $(bytes "$work/counts-$k.json") |"
done
pass=$(bytes "$work"/pass-*.json)
cand=$(bytes "$work"/cand-*.json)
counts=$(bytes "$work"/counts-*.json)
echo "| all | $n | $total_in | $pass | $cand | $counts |"
awk -v i="$total_in" -v s="$pass" -v c="$cand" -v k="$counts" -v p="$(bytes "$work/phrases.json")" \
    -v b="$(bytes "$work/passages.json")" 'BEGIN {
    printf "passages %.3f bytes per input byte, candidates %.3f, counts %.3f; ", s / i, c / i, k / i
    printf "boilerplate list %d bytes, phrase list %d bytes\n", b, p }'
