#!/usr/bin/env bash
# Where the CPU goes in the engine's drain and in the raw loop, side by side, per delivery:
#   bench/profile.sh [webhooks|drain] [bench options]
# Needs Debian's linux-perf (software CPU-clock sampling works where hardware counters are not offered). .NET writes
# the names of its compiled code for perf (DOTNET_PerfMapEnabled). Only the samples inside the measured runs count.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/rewardportal-profile-XXXXXX)
dotnet build -c Release "$here/RewardPortal.Bench" > "$out/build.txt"
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet "$here/RewardPortal.Bench/bin/Release/net10.0/RewardPortal.Bench.dll" "${1:-webhooks}" --windows "${@:2}" > "$out/bench.txt" &
bench=$!
perf record -k CLOCK_MONOTONIC -e cpu-clock -F 999 -g -p "$bench" -o "$out/perf.data" > "$out/perf.txt" 2>&1 &
recorder=$!
wait "$bench"
kill -INT "$recorder" 2> /dev/null || true
wait "$recorder" || true
perf script -i "$out/perf.data" -F tid,time,ip,sym,dso > "$out/samples.txt" 2> /dev/null
grep '^|' "$out/bench.txt"
python3 "$here/profile_windows.py" "$out/bench.txt" "$out/samples.txt"
echo "files: $out"
