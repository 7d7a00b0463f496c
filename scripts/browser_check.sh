#!/usr/bin/env bash
# Opens the HTML report in a real browser (headless Chromium): takes the README's
# screenshot, checks that the rendered page holds the chart, that the browser
# logged no console message (the page has no script, so any message is a fault),
# and, on a copy with scripts/browser_layout.js injected, laid out in a 1280 px
# window: that no two texts of a chart overlap (chapter titles included), no
# dashed line crosses a label, and nothing is clipped or wider than the
# window.
#
# Run by .ci/run. It needs Debian's chromium, which it installs with apt-get
# when missing (as root). Regenerate output/ first (`cargo run --release`), then:
#
#   scripts/browser_check.sh                       # output/report.html -> docs/report.png
#   scripts/browser_check.sh OUT/report.html /tmp/shot.png
set -euo pipefail
cd "$(dirname "$0")/.."

report=${1:-output/report.html}
shot=${2:-docs/report.png}
[ -f "$report" ] || { echo "no $report: run \`cargo run --release\` first" >&2; exit 1; }

if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "chromium is not installed: apt-get install -y chromium (as root)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

flags=(--headless --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --hide-scrollbars)
# Chromium's sandbox refuses to run as root.
[ "$(id -u)" -eq 0 ] && flags+=(--no-sandbox)
url="file://$(realpath "$report")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "browser check FAILED: $*" >&2; exit 1; }

# 1. The screenshot.
mkdir -p "$(dirname "$shot")"
timeout 120 chromium "${flags[@]}" --user-data-dir="$tmp/shot" --window-size=1280,1600 \
    --screenshot="$(realpath -m "$shot")" "$url" >"$tmp/shot.out" 2>&1 || fail "screenshot: $(tail -3 "$tmp/shot.out")"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$shot is not a PNG"
[ "$(stat -c %s "$shot")" -gt 20000 ] || fail "$shot is suspiciously small"

# 2. The DOM as the browser built it, and its console.
timeout 120 chromium "${flags[@]}" --user-data-dir="$tmp/dom" --enable-logging=stderr --v=0 \
    --dump-dom "$url" >"$tmp/dom.html" 2>"$tmp/dom.log" || fail "dump-dom: $(tail -3 "$tmp/dom.log")"

charts=$(grep -o '<svg class="chart"' "$tmp/dom.html" | wc -l || true)
bands=$(grep -o '<path class="band ' "$tmp/dom.html" | wc -l || true)
markers=$(grep -o '<g class="shift">' "$tmp/dom.html" | wc -l || true)
rows=$(grep -o '<th class="win">' "$tmp/dom.html" | wc -l || true)
[ "$charts" -ge 1 ] || fail "no chart SVG in the rendered page"
[ "$bands" -ge 1 ] || fail "the chart has no theme bands"
# The browser parsed every band and marker the file holds.
[ "$bands" -eq "$(grep -o '<path class="band ' "$report" | wc -l)" ] || fail "bands lost in parsing"
[ "$markers" -eq "$(grep -o '<g class="shift">' "$report" | wc -l || true)" ] || fail "shift markers lost in parsing"
grep -q '<script' "$tmp/dom.html" && fail "the page has a script element"
grep -Eq '(src|href)="https?:|url\([^#]' "$tmp/dom.html" && fail "the page refers to an outside resource"
if grep -q ':CONSOLE' "$tmp/dom.log"; then
    grep ':CONSOLE' "$tmp/dom.log" >&2
    fail "console messages"
fi

# 3. The layout, measured by the browser at 1280 px.
awk -v js=scripts/browser_layout.js \
    '/<\/body>/ { print "<script>"; while ((getline l < js) > 0) print l; print "</script>" } { print }' \
    "$report" >"$tmp/layout.html"
grep -q '<script>' "$tmp/layout.html" || fail "could not inject the layout probe"
timeout 120 chromium "${flags[@]}" --user-data-dir="$tmp/layout" --window-size=1280,1000 \
    --virtual-time-budget=5000 --dump-dom "file://$tmp/layout.html" >"$tmp/layout.dom" 2>"$tmp/layout.log" \
    || fail "layout: $(tail -3 "$tmp/layout.log")"
result=$(awk '$0 == "BC-RESULT-END" { on = 0 } on { print } $0 == "BC-RESULT-BEGIN" { on = 1 }' "$tmp/layout.dom")
[ -n "$result" ] || fail "the layout probe did not run"
[ "$result" = OK ] || fail "layout at 1280 px:
$result"

echo "browser check passed: $charts chart(s), $bands bands, $markers dominant-shift markers, $rows heat-table rows, no console messages, no overlapping or clipped text at 1280 px; screenshot $shot"
