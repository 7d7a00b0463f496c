#!/usr/bin/env bash
# Writes the outputs of a fixed set of runs into DIR, for checking that a change
# which should not alter results (a refactor, a speed-up) leaves every byte alone:
#   scripts/golden.sh /tmp/before; (change); scripts/golden.sh /tmp/after; diff -r /tmp/before /tmp/after
# Uses target/release/themeline (build it first) and ../shared/data when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: golden.sh DIR}
bin=${THEMELINE:-$root/target/release/themeline}
shared=$root/../shared/data
fx=$root/tests/fixtures
rm -rf "$out"; mkdir -p "$out"
cd "$root"
t() { local name=$1; shift; "$bin" "$@" --out "$out/$name" --quiet --threads 2 2>"$out/$name.stderr" || echo "exit $?" >>"$out/$name.stderr"; }
t default run
"$bin" run --out "$out/default-t1" --quiet --threads 1
t sotu-fixture run --no-config "$fx/sotu" --window decade --tf sublinear --top 6
t messy run --no-config "$fx/messy-transcript.txt" --window 2m
t srt run --no-config "$fx/kubecon-progressive.srt"
t vtt run --no-config "$fx/kubecon-rolling.vtt" --window 2m --step 1m
t ytjson run --no-config "$fx/kubecon-youtube.json" --score bm25
t jsonl run --no-config "$fx/pyvideo-sample.jsonl" --window year --score g2
t csv run --no-config "$fx/pyvideo-sample.csv" --window year --score logodds --reference previous
t rawkode run --no-config "$fx/rawkode-k42oh0xm4308e1k5b12vzy8q.vtt" "$fx/rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt" --group-by source --window 1m
all=csv,json,ndjson,html,vegalite,chapters
t speakers run --no-config "$fx/rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt" "$fx/rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt" --window 1m --themes cloud-native --format $all
t speakers-group run --no-config "$fx/rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt" "$fx/rawkode-cbeascecdg8e9r04gjnagspj-excerpt.vtt" --window 1m --themes cloud-native --group-by speaker --format $all
t sotu-per-source run --no-config "$fx/sotu" --window decade --themes cloud-native --group-by source --format $all
t bins run --no-config data --bins 7 --bins-by tokens --score ctfidf --smooth 2
t asof run data --as-of --themes cloud-native --aliases cloud-native --discover 4
if [ -d "$shared" ]; then
  t sotu run --no-config "$shared/sotu/speeches" --window decade --tf sublinear --top 6
  t sotu-default run --no-config "$shared/sotu/speeches" --window decade
  for v in cbeascecdg8e9r04gjnagspj gz1nbyatbi6h3q1usddwkdqh; do
    t "rawkode-$v" run --no-config "$shared/rawkode/transcripts/$v.vtt"
  done
  t pyvideo run --no-config "$shared/pyvideo-talks.jsonl" --window year
fi
# Shards: count two halves and merge them.
mkdir -p "$out/shard"
"$bin" count --no-config "$fx/sotu/1790-Washington-1.txt" "$fx/sotu/1800-Adams-1.txt" --window decade --phrases listed --out "$out/shard/a.json" --quiet
"$bin" count --no-config "$fx/sotu/1864-Lincoln-1.txt" --window decade --phrases listed --out "$out/shard/b.json" --quiet
"$bin" merge --no-config "$out/shard/a.json" "$out/shard/b.json" --window decade --phrases listed --discover 0 --out "$out/shard/merged" --quiet
for what in sources segments tokens counts chunks; do
  "$bin" inspect --no-config data --what $what >"$out/inspect-$what.jsonl" 2>/dev/null || echo "exit $?" >>"$out/inspect-$what.jsonl"
done
# timeline.json records the version; nothing else may differ.
echo "golden outputs in $out"
