#!/usr/bin/env bash
# Derives 100 images (10 social and web sizes x cover/contain/fill x
# webp/jpeg/png) from one 4096x4096 source through the transform
# provider's Generate, RUNS times per source format, and prints the median
# wall time, CPU time and peak RSS (GNU time's %M); for the PNG source also with
# -fresh (every image decodes the source, as when each variant reached a
# new provider process). Then one 8192x8192 source: a single 4096x4096
# PNG and ten social sizes. Needs: time (Debian package).
#
#   bench/transform/run.sh [work-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
runs=${RUNS:-3}
sources=${SOURCES:-png jpg}
mkdir -p "$work"
(cd "$root" && go build -o "$work/transform-bench" ./bench/transform)
bench=$work/transform-bench

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure LABEL ARGS...: RUNS runs; median wall seconds, CPU seconds
# (user+sys: steadier than wall on a shared machine) and peak RSS MiB.
measure() {
  local label=$1; shift
  local secs=() cpu=() rss=()
  for i in $(seq "$runs"); do
    out=$(/usr/bin/time -f 'TIME %e %U %S %M' "$bench" "$@" 2>&1)
    [ "$i" = 1 ] && echo "$out" | grep -v '^TIME'
    secs+=("$(echo "$out" | awk '/^TIME/ {print $2}')")
    cpu+=("$(echo "$out" | awk '/^TIME/ {printf "%.2f", $3+$4}')")
    rss+=("$(echo "$out" | awk '/^TIME/ {printf "%.0f", $5/1024}')")
  done
  printf '%s: median %ss wall, %ss CPU, peak RSS %s MiB (runs: %s s wall; %s s CPU; %s MiB)\n' "$label" \
    "$(printf '%s\n' "${secs[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)" \
    "${secs[*]}" "${cpu[*]}" "${rss[*]}"
}

for ext in $sources; do
  [ -f "$work/src4k.$ext" ] || "$bench" -make-source "$work/src4k.$ext" -size 4096
  measure "100 images from a 4096x4096 $ext" -source "$work/src4k.$ext" -n 100
done
measure "100 images from a 4096x4096 png, decoded every time" -source "$work/src4k.png" -n 100 -fresh

[ -f "$work/src8k.png" ] || "$bench" -make-source "$work/src8k.png" -size 8192
measure "one 4096x4096 png from an 8192x8192 png" -source "$work/src8k.png" -n 1 -sizes 4096x4096 -formats png
measure "10 social sizes from an 8192x8192 png" -source "$work/src8k.png" -n 10 -formats webp,jpeg
