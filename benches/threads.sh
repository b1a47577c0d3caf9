#!/usr/bin/env bash
# Two threads against one on every shipped scenario, interleaved (issue 12):
# ROUNDS rounds, each running every scenario with `--threads 1` then
# `--threads 2`; the medians of wall and user time over the rounds. Prints
# the table docs/performance.md uses.
#
#   benches/threads.sh [BLOC] [ROUNDS] [SCALE]
#
# BLOC defaults to target/release/bloc, ROUNDS to 5; SCALE multiplies the
# run counts below (chosen so that one thread takes about 1.5-2 s on the
# project's 2-core VM). Run it on an otherwise idle machine: the ratio is
# only as good as the quiet around it.
set -euo pipefail
self=$(realpath "$0")
BLOC=$(realpath "${1:-$(dirname "$self")/../target/release/bloc}")
ROUNDS=${2:-5}
SCALE=${3:-1}
cd "$(dirname "$self")/.."
[ -x "$BLOC" ] || { echo "no bloc binary at $BLOC" >&2; exit 2; }
[ "$ROUNDS" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a whole number, 1 or more" >&2; exit 2; }
TIMEFORMAT='%3R %3U'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Every shipped scenario must be in the list below.
listed=$(sed -n "/<<.LIST./,/^LIST$/p" "$self" | grep -v LIST | cut -d" " -f1 | sort)
for f in scenarios/*.yaml; do
  n=$(basename "$f" .yaml)
  grep -qx "$n" <<<"$listed" || echo "warning: $n is not in $self's list" >&2
done

# Round-robin: each round runs every scenario once on one thread and once
# on two, so that a disturbance of the shared machine (a neighbour's burst
# lasting seconds) spoils one round of several scenarios rather than every
# round of one; the medians over rounds then set it aside.
scenarios=()
while read -r name runs; do
  runs=$(awk -v r="$runs" -v s="$SCALE" 'BEGIN {printf "%d", r * s}')
  [ "$runs" -ge 1 ] || { echo "SCALE $SCALE leaves $name no runs" >&2; exit 2; }
  scenarios+=("$name:$runs")
done <<'LIST'
astana-2005 250000
baseline-2008 173000
berlin-1961 23000
beyond-2008 20000
csto-defends-kyrgyzstan 166000
defence-pact 800000
georgia-2008 210000
hungary-1956 266000
india-blocks-pakistan 800000
india-pakistan 666000
indo-pakistani-war-1965 173000
iran-admitted 125000
iran-joins 400000
mongolia 800000
peace-missions 444000
rising-threat 53000
rogun-abandonment 137000
sco-2008-from-data 70000
suez-1956 45000
taiwan-crisis 97000
LIST
for _ in $(seq "$ROUNDS"); do
  for sr in "${scenarios[@]}"; do
    name=${sr%%:*}; runs=${sr##*:}
    for t in 1 2; do
      # bloc's own stderr apart: only `time` writes to the timing file.
      if ! { time "$BLOC" run "scenarios/$name.yaml" --runs "$runs" --threads "$t" \
        --quiet >/dev/null 2>>"$tmp/stderr"; } 2>>"$tmp/$name.$t"; then
        echo "bloc failed on $name (--threads $t):" >&2
        cat "$tmp/stderr" >&2
        exit 1
      fi
    done
  done
done
if [ -s "$tmp/stderr" ]; then
  echo "warning: bloc wrote to stderr:" >&2
  sort -u "$tmp/stderr" >&2
fi

echo "| scenario | runs | 1 thread | 2 threads | speedup | user time 1 / 2 threads (s) |"
echo "|---|---|---|---|---|---|"
for sr in "${scenarios[@]}"; do
  name=${sr%%:*}; runs=${sr##*:}
  w1=$(cut -d' ' -f1 "$tmp/$name.1" | median); u1=$(cut -d' ' -f2 "$tmp/$name.1" | median)
  w2=$(cut -d' ' -f1 "$tmp/$name.2" | median); u2=$(cut -d' ' -f2 "$tmp/$name.2" | median)
  awk -v n="$name" -v r="$runs" -v w1="$w1" -v w2="$w2" -v u1="$u1" -v u2="$u2" \
    'BEGIN {printf "| %s | %d | %.3f s | %.3f s | **%.2f** | %.2f / %.2f |\n", n, r, w1, w2, w1 / w2, u1, u2}'
done
