#!/usr/bin/env bash
# Runs the pods of count-job.yaml on this machine, one after another, and checks
# that the merged outputs equal one `themeline run` over all inputs, byte for byte.
#
# Each pod of the manifest runs `bash /etc/themeline/shard.sh PHASE` (its init
# container `shard.sh wait PHASE`); this runs the same script with the same
# environment (shard.env), for JOB_COMPLETION_INDEX=0..N-1 where the Job is
# Indexed: passages, boilerplate, mine, select, count, merge. Only the paths differ: INPUT_LIST lists
# the corpus here and WORK is .k8s-sim/work. validate_manifest.py checks that
# the manifest runs exactly these commands; it needs PyYAML (scripts/spark_demo.sh
# installs it into .venv-spark/) and is skipped without it.
#
#   examples/k8s/simulate.sh                    # examples/sotu/speeches, SHARDS from shard.env
#   SHARDS=7 examples/k8s/simulate.sh tests/fixtures/sotu
#
# Environment: SHARDS and SHARD_OPTIONS override shard.env; THEMELINE is the
# binary (default: target/release/themeline, built when missing). Exit status 0
# when every output is identical, 1 when any differs, 2 on an error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

corpus=${1:-examples/sotu/speeches}
[[ -d $corpus ]] || { echo "simulate.sh: no corpus folder $corpus" >&2; exit 2; }

# The pods' environment, from shard.env (KEY=VALUE lines, values taken literally).
while IFS='=' read -r key value; do
    [[ -z $key || $key == \#* ]] && continue
    case $key in
    SHARDS | SHARD_OPTIONS) [[ -n ${!key+set} ]] || export "$key=$value" ;;
    esac
done <"$here/shard.env"

if [[ -z ${THEMELINE:-} ]]; then
    THEMELINE=${CARGO_TARGET_DIR:-target}/release/themeline
    [[ -x $THEMELINE ]] || cargo build --release --quiet
fi
THEMELINE=$(cd "$(dirname "$THEMELINE")" && pwd)/$(basename "$THEMELINE")
export THEMELINE

sim=$root/.k8s-sim
rm -rf "$sim"
mkdir -p "$sim"
export WORK=$sim/work
export INPUT_LIST=$sim/inputs.txt
# Absolute paths, sorted by name: the order a run over the folder would read them.
find "$(cd "$corpus" && pwd)" -maxdepth 1 -type f | LC_ALL=C sort >"$INPUT_LIST"
n=$(wc -l <"$INPUT_LIST")

for python in .venv-spark/bin/python python3; do
    if command -v "$python" >/dev/null && "$python" -c 'import yaml' 2>/dev/null; then
        "$python" "$here/validate_manifest.py"
        break
    fi
    [[ $python == python3 ]] && echo "(no PyYAML: manifest not validated; scripts/spark_demo.sh installs it)"
done

echo "simulating count-job.yaml: $n files from $corpus, SHARDS=$SHARDS, options: $SHARD_OPTIONS"
timings=()
elapsed() { awk -v what="$1" -v from="$2" -v to="$EPOCHREALTIME" 'BEGIN { printf "%-28s %6.2f\n", what, to - from }'; }
pod() { # JOB [INDEX]: the Job's init container (if any), then its container
    local job=$1 wait=
    case $job in
    boilerplate) wait=passages ;;
    mine) wait=boilerplate ;;
    select) wait=mine ;;
    count) wait=select ;;
    merge) wait=count ;;
    esac
    if [[ -n $wait ]]; then WAIT_SECONDS=0 bash "$here/shard.sh" wait "$wait"; fi
    bash "$here/shard.sh" "$job"
}
for job in passages boilerplate mine select count merge; do
    start=$EPOCHREALTIME
    case $job in
    passages | mine | count)
        for ((i = 0; i < SHARDS; i++)); do JOB_COMPLETION_INDEX=$i pod "$job"; done
        ;;
    *) pod "$job" ;;
    esac
    timings+=("$(elapsed "themeline-$job" "$start")")
done

start=$EPOCHREALTIME
read -r -a options <<<"$SHARD_OPTIONS"
mapfile -t files <"$INPUT_LIST"
"$THEMELINE" run "${files[@]}" --out "$sim/single" "${options[@]}"
timings+=("$(elapsed "themeline run (one process)" "$start")")
printf '%s\n' "seconds, pods one after another:" "${timings[@]}"

status=0
for file in "$sim/single"/* "$WORK/out"/*; do
    name=$(basename "$file")
    [[ -e $sim/single/$name && -e $WORK/out/$name ]] || { echo "FAIL $name: in one output only"; status=1; continue; }
    [[ $file == "$WORK/out/$name" ]] && continue
    if cmp -s "$sim/single/$name" "$WORK/out/$name"; then
        echo "PASS $name"
    else
        echo "FAIL $name ($(cmp "$sim/single/$name" "$WORK/out/$name" | sed 's/.*differ: //'))"
        status=1
    fi
done
((status == 0)) && echo "merge of $SHARDS shards equals themeline run" || echo "outputs differ (kept in $sim)"
exit $status
