#!/usr/bin/env bash
# Runs the README's DuckDB examples ("For dashboards") on the committed output/
# and prints their results, to paste into the README when the output changes.
# (`window` is a keyword in SQL: DuckDB wants it quoted, "window".)
# Not run by CI: it needs the duckdb Python package (`pip install duckdb`).
#
#   scripts/duckdb_examples.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import duckdb

examples = {
    "dominant theme per window": """
SELECT "window", start, arg_max(theme, share) AS dominant, round(max(share), 2) AS share
FROM 'output/themes.csv'
GROUP BY "window", start
ORDER BY "window";
""",
    "top three terms per window, with the window's label": """
SELECT w.label, string_agg(t.label, ', ' ORDER BY t.rank) AS top_terms
FROM 'output/terms.csv' t JOIN 'output/windows.csv' w USING ("window")
WHERE t.rank <= 3
GROUP BY w."window", w.label
ORDER BY w."window";
""",
    "windows from timeline.json": """
SELECT w.label, w.end_label, w.start_ms, w.tokens, w.dominant, w.terms[1].label AS top_term
FROM (SELECT unnest(windows) AS w FROM read_json_auto('output/timeline.json'))
ORDER BY w.start_ms;
""",
}
con = duckdb.connect()
for title, sql in examples.items():
    print(f"-- {title}")
    print(sql.strip())
    print(con.sql(sql))
PY
