#!/usr/bin/env bash
# No-op plan at 1,000 and 10,000 images, side by side with a program that
# only stats the same files. Prints hyperfine's medians and GNU time's peak
# RSS. Needs: hyperfine and time (Debian packages of those names).
#
#   bench/noop-plan.sh [work-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
runs=${RUNS:-15}
. "$root/bench/lib.sh"
build_plan_tools
easel=$work/bin/easel

for n in 1000 10000; do
  dir=$work/noop-$n
  generated_project "$dir" "$n"
  "$easel" -chdir="$dir" plan -detailed-exitcode >/dev/null   # warm: exit 0 means no changes
  echo "== $n images"
  hyperfine -N --style basic --warmup 2 --runs "$runs" --export-json "$work/noop-$n.json" \
    -n "easel plan" "$easel -chdir=$dir plan -detailed-exitcode" \
    -n "stat only" "$work/bin/statonly -dir $dir"
  for cmd in "$easel -chdir=$dir plan -detailed-exitcode" "$work/bin/statonly -dir $dir"; do
    rss=()
    for i in 1 2 3 4 5; do
      rss+=("$(/usr/bin/time -f %M $cmd 2>&1 >/dev/null | tail -1)")
    done
    printf 'peak RSS KiB (5 runs) %s: %s\n' "${cmd%% *}" "${rss[*]}"
  done
  python3 - "$work/noop-$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
m = {x["command"]: x["median"] for x in r}
e, s = m["easel plan"], m["stat only"]
print(f"median: easel plan {e*1000:.1f} ms, stat only {s*1000:.1f} ms, ratio {e/s:.1f}x")
PY
done
# The plan without the plan cache (after an edit, or on a fresh clone) is
# measured by bench/cold-plan.sh.
