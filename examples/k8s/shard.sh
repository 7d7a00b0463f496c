#!/usr/bin/env bash
# One step of themeline's shard protocol, as the pods of count-job.yaml run it
# (and as simulate.sh and tests/k8s_shards.rs run it outside Kubernetes).
#
#   shard.sh passages      Indexed Job pod: the passages of shard $JOB_COMPLETION_INDEX
#   shard.sh boilerplate   once: $WORK/passages.json, the boilerplate passages of
#                          the N passage files
#   shard.sh mine          Indexed Job pod: phrase candidates of shard $JOB_COMPLETION_INDEX
#   shard.sh select        once: $WORK/phrases.json from the N candidate files
#   shard.sh count         Indexed Job pod: counts of shard $JOB_COMPLETION_INDEX
#   shard.sh merge         once: $WORK/out/ from the N counts files, in index order
#   shard.sh files         prints the input files of shard $JOB_COMPLETION_INDEX
#   shard.sh wait PHASE    waits until every file PHASE (passages, boilerplate, mine,
#                          select, count) writes exists: what an init container
#                          runs before the next phase
#
# Environment (shard.env holds the values count-job.yaml gives its pods):
#   SHARDS                N, the Indexed Jobs' `completions`
#   JOB_COMPLETION_INDEX  0..N-1, set by Kubernetes in each pod of an Indexed Job
#   INPUT_LIST            file of input paths, one per line, in reading order
#   WORK                  shared folder: passages, candidates, phrases, counts, outputs
#   SHARD_OPTIONS        options of every step (split on spaces); they must be
#                         the same for every step, or merge refuses the shards
#   THEMELINE             the binary (default: themeline on the PATH)
#   WAIT_SECONDS          how long `wait` waits (default 3600)
#
# Shard i holds lines i*n/N to (i+1)*n/N - 1 of INPUT_LIST (integer division,
# n lines): contiguous ranges, so the shards in index order read the files in
# the order of the list, which is the order `themeline merge` must get them in
# to equal `themeline run $(cat INPUT_LIST)` byte for byte. Files are named with
# four-digit indices (counts-0002.json), so a glob sorts them by index too.
set -euo pipefail

fail() {
    echo "shard.sh: $*" >&2
    exit 2
}

phase=${1:-}
[[ -n ${SHARDS:-} ]] || fail "set SHARDS (the Indexed Jobs' completions)"
[[ -n ${WORK:-} ]] || fail "set WORK (the shared folder)"
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || fail "SHARDS must be a positive integer, not '$SHARDS'"
themeline=${THEMELINE:-themeline}
read -r -a options <<<"${SHARD_OPTIONS:-}"

name() { printf '%s/%s-%04d.json' "$WORK" "$1" "$2"; }

# The input files of shard $JOB_COMPLETION_INDEX, into the array `files`.
shard_files() {
    [[ -n ${INPUT_LIST:-} ]] || fail "set INPUT_LIST (the file listing the inputs)"
    [[ -n ${JOB_COMPLETION_INDEX:-} ]] || fail "set JOB_COMPLETION_INDEX (Kubernetes sets it in Indexed Jobs)"
    if ! [[ $JOB_COMPLETION_INDEX =~ ^(0|[1-9][0-9]*)$ ]] || ((JOB_COMPLETION_INDEX >= SHARDS)); then
        fail "JOB_COMPLETION_INDEX must be 0 to $((SHARDS - 1)), not '$JOB_COMPLETION_INDEX'"
    fi
    local all=() line
    while IFS= read -r line || [[ -n $line ]]; do
        [[ -n $line && $line != \#* ]] && all+=("$line")
    done <"$INPUT_LIST"
    local n=${#all[@]}
    # An empty shard would make themeline read its default inputs instead.
    ((SHARDS <= n)) || fail "$n input files cannot make $SHARDS non-empty shards"
    local from=$((JOB_COMPLETION_INDEX * n / SHARDS)) to=$(((JOB_COMPLETION_INDEX + 1) * n / SHARDS))
    files=("${all[@]:from:to-from}")
}

# Every file a phase writes, into the array `written`.
phase_files() {
    written=()
    local i
    case $1 in
    passages) for ((i = 0; i < SHARDS; i++)); do written+=("$(name pass "$i")"); done ;;
    boilerplate) written=("$WORK/passages.json") ;;
    mine) for ((i = 0; i < SHARDS; i++)); do written+=("$(name cand "$i")"); done ;;
    select) written=("$WORK/phrases.json") ;;
    count) for ((i = 0; i < SHARDS; i++)); do written+=("$(name counts "$i")"); done ;;
    *) fail "no phase '$1' to wait for (passages, boilerplate, mine, select, count)" ;;
    esac
}

# Fails unless every file of a phase exists.
require() {
    phase_files "$1"
    local file
    for file in "${written[@]}"; do
        [[ -f $file ]] || fail "$file is missing: has every pod of '$1' finished?"
    done
}

mkdir -p "$WORK"
case $phase in
files)
    shard_files
    printf '%s\n' "${files[@]}"
    ;;
passages)
    shard_files
    "$themeline" passages "${files[@]}" --out "$(name pass "$JOB_COMPLETION_INDEX")" "${options[@]}"
    ;;
boilerplate)
    require passages
    "$themeline" select "${written[@]}" --out "$WORK/passages.json" "${options[@]}"
    ;;
mine)
    shard_files
    require boilerplate
    "$themeline" mine "${files[@]}" --phrase-list "$WORK/passages.json" \
        --out "$(name cand "$JOB_COMPLETION_INDEX")" "${options[@]}"
    ;;
select)
    require mine
    "$themeline" select "${written[@]}" --out "$WORK/phrases.json" "${options[@]}"
    ;;
count)
    shard_files
    require select
    "$themeline" count "${files[@]}" --phrase-list "$WORK/phrases.json" \
        --out "$(name counts "$JOB_COMPLETION_INDEX")" "${options[@]}"
    ;;
merge)
    require count
    "$themeline" merge "${written[@]}" --out "$WORK/out" "${options[@]}"
    ;;
wait)
    phase_files "${2:-}"
    deadline=$((SECONDS + ${WAIT_SECONDS:-3600}))
    for file in "${written[@]}"; do
        until [[ -f $file ]]; do
            ((SECONDS < deadline)) || fail "gave up waiting for $file"
            sleep 5
        done
    done
    ;;
*)
    fail "usage: shard.sh passages|boilerplate|mine|select|count|merge|files|wait PHASE"
    ;;
esac
