#!/usr/bin/env bash
# themeline's shard protocol (passages -> select -> mine -> select -> count -> merge) on
# Apache Spark in local mode, checked byte for byte against `themeline run` on one machine.
#
# Installs what it needs itself: pyspark and PyYAML into .venv-spark/ (git-ignored),
# and builds themeline (cargo build --release). Needs Java 17 or later (pyspark 4),
# found through JAVA_HOME or `java` on the PATH. Not run by CI (it downloads
# pyspark, ~400 MB); tests/k8s_shards.rs checks the same protocol without Spark.
#
#   scripts/spark_demo.sh                                  # SOTU addresses, 4 shards, local[2]
#   scripts/spark_demo.sh --corpus DIR --shards 8
#   scripts/spark_demo.sh -- --tf sublinear                # extra options for every step
#
# Arguments go to scripts/spark_demo.py (--corpus, --shards, --master, --work,
# --task-threads; options after `--` are added to every themeline step). Exit
# status: 0 when every output file is identical, 1 when any differs, 2 on error.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-spark
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv" >&2
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import pyspark, yaml' 2>/dev/null; then
    echo "installing pyspark and PyYAML into $venv" >&2
    "$venv/bin/pip" install --quiet 'pyspark==4.3.0' 'PyYAML==6.0.*'
fi

if [ -z "${JAVA_HOME:-}" ]; then
    java=$(command -v java || true)
    [ -n "$java" ] || { echo "error: no java on the PATH and no JAVA_HOME: install Java 17 or later" >&2; exit 2; }
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
    export JAVA_HOME
fi
version=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
if [ -z "$version" ] || [ "$version" -lt 17 ]; then
    echo "error: pyspark 4 needs Java 17 or later; $JAVA_HOME/bin/java is version ${version:-unknown}" >&2
    exit 2
fi

cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}

# Local mode: the driver and its executor talk over the loopback interface only.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
export PYSPARK_PYTHON="$PWD/$venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$PYSPARK_PYTHON"
exec "$venv/bin/python" scripts/spark_demo.py --themeline "$target/release/themeline" "$@"
