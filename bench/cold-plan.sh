#!/usr/bin/env bash
# Cold no-op plan: N images (default 10,000) that the plan cache cannot
# answer, side by side with the stat-only baseline. Two cases:
#   (a) stat cache warm, .easel/plancache removed before each run: the
#       first plan after any edit;
#   (b) no .easel/ at all, removed before each run: a fresh clone in CI,
#       where every output and reference is read and hashed once.
# Beside them: bench/statonly (stat every file) and statonly -hash (stat,
# read and sha256 every file, one at a time), the floors of (a) and (b).
# Prints hyperfine's medians, ratios, GNU time's peak RSS and the load
# average before and after. Needs: hyperfine and time (Debian packages).
#
#   RUNS=10 N=10000 bench/cold-plan.sh [work-dir]
#
# Set EASEL to time another easel binary against the same project (the
# setup apply always uses the one built here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
runs=${RUNS:-10}
n=${N:-10000}
. "$root/bench/lib.sh"
build_plan_tools
easel=${EASEL:-$work/bin/easel}
dir=$work/cold-$n
generated_project "$dir" "$n"
"$easel" -chdir="$dir" plan -detailed-exitcode >/dev/null # exit 0: no changes

plan="$easel -chdir=$dir plan -detailed-exitcode"
echo "== $n images, load before: $(uptime | sed 's/.*load average: //')"
hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$work/cold-$n.json" \
  -n "(a) no plan cache" --prepare "rm -f $dir/.easel/plancache" "$plan" \
  -n "(b) no .easel" --prepare "rm -rf $dir/.easel" "$plan" \
  -n "stat only" --prepare "true" "$work/bin/statonly -dir $dir" \
  -n "stat and hash" --prepare "true" "$work/bin/statonly -hash -dir $dir"
echo "load after: $(uptime | sed 's/.*load average: //')"

rss() { # prepare command, then command: peak RSS KiB of 3 runs
  local out=()
  for i in 1 2 3; do
    $1
    out+=("$(/usr/bin/time -f %M $2 2>&1 >/dev/null | tail -1)")
  done
  echo "${out[*]}"
}
echo "peak RSS KiB (a): $(rss "rm -f $dir/.easel/plancache" "$plan")"
echo "peak RSS KiB (b): $(rss "rm -rf $dir/.easel" "$plan")"
"$easel" -chdir="$dir" plan -detailed-exitcode >/dev/null # leave the caches warm

python3 - "$work/cold-$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
m = {x["command"]: x for x in r}
stat, hashed = m["stat only"]["median"], m["stat and hash"]["median"]
for name in ("(a) no plan cache", "(b) no .easel"):
    x = m[name]
    print(f"{name}: median {x['median']*1000:.0f} ms (min {x['min']*1000:.0f}, max {x['max']*1000:.0f}), "
          f"user {x['user']*1000:.0f} ms, sys {x['system']*1000:.0f} ms, {x['median']/stat:.1f}x stat only")
print(f"stat only: median {stat*1000:.1f} ms; stat and hash: median {hashed*1000:.1f} ms")
PY
