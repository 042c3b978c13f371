#!/bin/bash
# A/B of a timeline export between two running `trailhound serve`s on the same graph: downloads
# alternate between the two (so both see the same machine load), each saved nowhere, as curl
# saving a file would; prints each server's median time and all times.
#   usage: test/bench/exportAb.sh <port A> <port B> [rounds=9] [user=bob] [format=csv]
# e.g. two checkouts serving the benchmark graph (.bench/neo4j-api-1000000, `trailhound db start
# --data-dir .bench/neo4j-api-1000000 --port 7698`), NEO4J_URI=bolt://127.0.0.1:7698 for both.
set -euo pipefail
a=$1; b=$2; rounds=${3:-9}; who=${4:-bob}; format=${5:-csv}
path="/api/export/timeline?entity=IamUser:arn:aws:iam::111122223333:user/$who&format=$format"
for port in "$a" "$b"; do curl -sf -o /dev/null "http://127.0.0.1:$port$path"; done # warm-up
for _ in $(seq "$rounds"); do
  for port in "$a" "$b"; do
    echo "$port $(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path")"
  done
done | sort -k1,1 -k2n | awk '{n[$1]++; t[$1,n[$1]]=$2; all[$1]=all[$1]" "$2}
  END {for (p in n) printf "port %s: median %.2f s (%s )\n", p, t[p,int((n[p]+1)/2)], all[p]}'
