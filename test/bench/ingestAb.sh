#!/bin/bash
# A/B of ingest between checkouts: for each checkout in turn, a fresh throwaway Neo4j (the
# first load meets a cold JVM, as a user's first load does), then the files loaded one after
# another into it. Prints per load: wall time, records/s and peak RSS from the --json summary,
# and the CPU seconds Node (the whole command) and Neo4j used during it.
#   usage: test/bench/ingestAb.sh <source> <file> [<file>...] -- <checkout> [<checkout>...]
# e.g. git worktree add /tmp/before <rev>; ln -s "$PWD/node_modules" /tmp/before/node_modules
#      test/bench/ingestAb.sh vpcflow .bench/flows-1000000-seed42.log.gz .bench/flows-1000000-seed43.log.gz -- /tmp/before "$PWD"
# Extra ingest arguments for one checkout: "<checkout>:<args>" (e.g. "/tmp/before:--writers 1").
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
source=$1; shift
files=()
while [ "$1" != "--" ]; do files+=("$(realpath "$1")"); shift; done
shift
data=$(mktemp -d /tmp/trailhound-ab-XXXX)
port=7697
for spec in "$@"; do
  checkout=${spec%%:*}; extra=""; [ "$spec" != "$checkout" ] && extra=${spec#*:}
  rm -rf "$data" && (cd "$here" && npx trailhound db start --data-dir "$data" --port $port >/dev/null 2>&1)
  pid=$(pgrep -f "$data" | head -1)
  for file in "${files[@]}"; do
    before=$(awk '{print $14+$15}' "/proc/$pid/stat")
    # shellcheck disable=SC2086
    out=$( { cd "$checkout" && NEO4J_URI=bolt://127.0.0.1:$port /usr/bin/time -f "CPU %U %S" node bin/trailhound.js ingest "$source" "$file" --json --quiet $extra; } 2>&1 || true)
    after=$(awk '{print $14+$15}' "/proc/$pid/stat")
    summary=$(echo "$out" | grep '^{' | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%s s, %s/s, peak RSS %s MB" % (d["seconds"], d["recordsPerSecond"], d["peakRssMb"]))' 2>/dev/null || echo "FAILED: $(echo "$out" | tail -2 | tr '\n' ' ')")
    echo "$spec $(basename "$file"): $summary, Node CPU $(echo "$out" | grep -o 'CPU [0-9.]* [0-9.]*' | awk '{print $2+$3}') s, Neo4j CPU $(( (after - before) / 100 )) s"
  done
  (cd "$here" && npx trailhound db stop --data-dir "$data" --port $port >/dev/null 2>&1)
done
rm -rf "$data"
