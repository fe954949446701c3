#!/usr/bin/env bash
# The engine at another revision against the working tree, side by side:
#   bench/compare.sh REV [RUNS] [bench options]      e.g. bench/compare.sh HEAD~1 6 --rounds 7
# Builds both benchmarks, then runs `webhooks` alternately RUNS times each (default 6) and prints every run's median
# engine/raw ratio and each side's median of them. One run's median moves by several points on this shared machine
# (docs/benchmarks.md#judging-a-change-to-the-engine-alternate-whole-runs), so a change is judged by alternating runs,
# never by one.
set -euo pipefail
rev=${1:?usage: bench/compare.sh REV [RUNS] [bench options]}
runs=${2:-6}
shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d /tmp/rewardportal-compare-XXXXXX)
trap 'git -C "$root" worktree remove --force "$work/before" > /dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/before" "$rev" > /dev/null
dotnet build -c Release "$work/before/bench/RewardPortal.Bench" > "$work/build-before.txt"
dotnet build -c Release "$here/RewardPortal.Bench" > "$work/build-after.txt"
declare -A dll=(
  [before]="$work/before/bench/RewardPortal.Bench/bin/Release/net10.0/RewardPortal.Bench.dll"
  [after]="$here/RewardPortal.Bench/bin/Release/net10.0/RewardPortal.Bench.dll"
)

for run in $(seq 1 "$runs"); do
  for side in before after; do
    out="$work/run-$run-$side.txt"
    dotnet "${dll[$side]}" webhooks "$@" > "$out" 2>&1 || true
    ratio=$(grep 'engine / raw, median' "$out" | grep -oE '[0-9]+ %' | head -n 1 | tr -d ' %' || true)
    if [ -z "$ratio" ]; then
      echo "run $run $side printed no ratio; its last lines:" >&2
      tail -n 20 "$out" >&2
      exit 1
    fi
    echo "run $run $side: ${ratio} %"
    echo "$ratio" >> "$work/$side.txt"
  done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "before ($rev): median $(median "$work/before.txt") % of $(paste -sd' ' "$work/before.txt")"
echo "after (working tree): median $(median "$work/after.txt") % of $(paste -sd' ' "$work/after.txt")"
