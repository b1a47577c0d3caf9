#!/usr/bin/env bash
# Render `bloc report` in headless Chromium and fail on a blank or broken
# page: the DOM Chromium built must hold the report's pictures and headings,
# and the screenshot must be far from blank (a blank page of the same size
# compresses to a few kilobytes). Usage: tests/render_report.sh [BLOC]
# (default: target/release/bloc, or $CARGO_TARGET_DIR/release/bloc).
# Needs Debian's `chromium` (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bloc=${1:-${CARGO_TARGET_DIR:-target}/release/bloc}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "render_report: chromium is not installed (apt-get install chromium)" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bloc" report scenarios/taiwan-crisis.yaml --runs 50 --quiet --out "$work/report.html" >/dev/null
printf '<!DOCTYPE html><html><body></body></html>\n' >"$work/blank.html"

shot() {
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --hide-scrollbars --window-size=1280,2400 --user-data-dir="$work/profile" "$@" 2>/dev/null
}
shot --screenshot="$work/report.png" "file://$work/report.html" >/dev/null
shot --screenshot="$work/blank.png" "file://$work/blank.html" >/dev/null
shot --dump-dom "file://$work/report.html" >"$work/dom.html"

fail=0
check() {
    if ! grep -q -- "$1" "$work/dom.html"; then
        echo "render_report: the rendered page has no \`$1\`" >&2
        fail=1
    fi
}
check '<h1>Taiwan Strait crisis</h1>'
check '<h2>Verdicts</h2>'
check 'The world at the start'
check 'Who backed whom in the runs'
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
if [ "$svgs" -lt 5 ]; then
    echo "render_report: $svgs pictures rendered, expected 5 or more" >&2
    fail=1
fi
size=$(stat -c %s "$work/report.png")
blank=$(stat -c %s "$work/blank.png")
if [ "$size" -lt $((blank * 10)) ] || [ "$size" -lt 50000 ]; then
    echo "render_report: the screenshot looks blank ($size bytes; a blank page: $blank)" >&2
    fail=1
fi
if [ "$fail" = 0 ]; then
    echo "render_report: 1 passed, 0 failed ($svgs pictures, screenshot $size bytes, blank $blank)"
else
    echo "render_report: 0 passed, 1 failed"
fi
exit "$fail"
