#!/usr/bin/env bash
# apply N images (default 500) on the openai provider against the fake
# OpenAI server, run as its own process with a fixed latency (default
# 200ms), at each parallelism in PARALLELISM (default "16 64"). Each run
# starts from a fresh project (no lockfile, outputs or cache), so every
# image is a real call. Prints, per parallelism, the median wall time of
# RUNS runs (default 3) against the ideal ceil(N/P) x latency, and the
# median peak RSS (the largest of easel and its provider process), and the
# median CPU time of both processes (user and system), the steadier figure
# on a shared machine. bench/measure takes these, as GNU time would, but
# also counts the provider process when easel exits without waiting for
# it (the kernel ends it with easel). The fake's -timeline splits each
# run's wall time: start-up before the first request reached the API, the
# span of requests (with the mean number in flight, against P), and what
# easel did after the last answer. Beside each parallelism, the baseline:
# bench/apply/bareclient makes the same requests from one bare process
# (no plan, provider process, files or lockfile), alternating with easel's
# runs; easel's time over it is easel's own cost on this machine. Needs:
# python3.
#
# The projects live in the work directory: one on tmpfs (/dev/shm/...)
# bounds what the disk costs (file creation and fsync). PROFILE=1 writes a
# CPU profile of each parallelism's last run, easel's and its provider's
# (EASEL_CPUPROFILE), to the work directory:
# go tool pprof -top WORK/bin/easel WORK/cpu-P64.prof.openai
#
#   bench/apply/run.sh [work-dir]
#   N=500 LATENCY_MS=200 PARALLELISM="16 64" RUNS=5 bench/apply/run.sh
#   N=2000 PARALLELISM=64 RUNS=1 PROFILE=1 bench/apply/run.sh /dev/shm/applybench
#   BUILD=0 RUNS=7 bench/apply/run.sh /tmp/applybench  # binaries already built there
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
n=${N:-500}
latency_ms=${LATENCY_MS:-200}
parallelism=${PARALLELISM:-"16 64"}
runs=${RUNS:-3}
port=${PORT:-18931}
key=sk-bench-not-a-secret
mkdir -p "$work/bin"
# BUILD=0 reuses the binaries of an earlier run in the same work directory:
# on ext4, the files a build creates and deletes slow the file creation of
# the runs that follow it within a minute or so.
if [ "${BUILD:-1}" != 0 ]; then
  (cd "$root" && go build -o "$work/bin/easel" ./cmd/easel && go build -o "$work/bin/fakeapi" ./internal/fakeapi/cmd/fakeapi &&
    go build -o "$work/bin/bareclient" ./bench/apply/bareclient && go build -o "$work/bin/measure" ./bench/measure)
fi

timeline=$work/timeline
"$work/bin/fakeapi" -addr "127.0.0.1:$port" -key "$key" -latency "${latency_ms}ms" -timeline "$timeline" 2>"$work/fakeapi.log" &
fake=$!
rm -rf "$work/runs"
trap 'kill $fake 2>/dev/null || true; rm -rf "$work/runs"' EXIT
for _ in $(seq 50); do
  grep -q serving "$work/fakeapi.log" && break
  sleep 0.1
done

# project DIR: a fresh project of N generations on gpt-image-2.
project() {
  rm -rf "$1" && mkdir -p "$1"
  cat >"$1/main.easel.hcl" <<HCL
variable "openai_base_url" {
  type = string
}

provider "openai" {
  base_url        = var.openai_base_url
  max_concurrency = 256
}

image "p" {
  count    = $n
  provider = openai
  model    = "gpt-image-2"
  prompt   = "Product shot \${count.index}, flat vector illustration, brand blue"
  size     = "1024x1024"
  quality  = "low"
  output   = "assets/\${floor(count.index / 100)}/p\${count.index}.png"
}
HCL
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

export OPENAI_API_KEY=$key
url=http://127.0.0.1:$port/v1

# The fixed part of every apply: start, evaluate, validate and price N
# images through the provider process (what plan does), no API call.
project "$work/plan"
plan=()
for i in $(seq "$runs"); do
  plan+=("$( { "$work/bin/measure" "$work/bin/easel" -chdir="$work/plan" plan -var "openai_base_url=$url" >/dev/null; } 2>&1 | awk '/^TIME/ {print $2}')")
done
printf 'N=%s plan (start-up, evaluation, validation, estimates; no call): median %ss (runs: %s s)\n' \
  "$n" "$(printf '%s\n' "${plan[@]}" | median)" "${plan[*]}"
# phases START END: one run's split from the timeline, in seconds:
# start-up, request span, mean requests in flight, after the last answer.
phases() {
  python3 - "$timeline" "$1" "$2" <<'PY'
import sys
path, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
reqs = [tuple(map(int, l.split()[:2])) for l in open(path) if l.strip()]
reqs = [(s, e) for s, e in reqs if s >= t0 and e <= t1]
first, last = min(s for s, _ in reqs), max(e for _, e in reqs)
busy = sum(e - s for s, e in reqs)
print(f"{(first - t0) / 1e9:.3f} {(last - first) / 1e9:.3f} {busy / (last - first):.1f} {(t1 - last) / 1e9:.3f}")
PY
}

for p in $parallelism; do
  secs=() rss=() cpu=() split=() bare=()
  for i in $(seq "$runs"); do
    # A new directory per run, all removed at the end: removing the last
    # run's 2,000 files just before this one slows every file this run
    # creates on an ext4 without a journal (the inode allocator skips
    # recently deleted inodes one by one; 38% of all CPU in a profile).
    dir=$work/runs/apply-$p-$i
    project "$dir"
    profile=()
    if [ -n "${PROFILE:-}" ] && [ "$i" = "$runs" ]; then
      profile=(env "EASEL_CPUPROFILE=$work/cpu-P$p.prof")
    fi
    t0=$(date +%s%N)
    out=$("${profile[@]}" "$work/bin/measure" "$work/bin/easel" -chdir="$dir" apply -auto-approve -parallelism="$p" \
      -var "openai_base_url=$url" 2>&1 >"$work/apply-$p.out")
    # The run ends when easel exits, not when measure has reaped the
    # provider after it.
    t1=$((t0 + $(echo "$out" | awk '/^TIME/ {printf "%.0f", $2 * 1e9}')))
    grep -q "Apply complete: $n created." "$work/apply-$p.out" || { cat "$work/apply-$p.out"; echo "$out"; exit 1; }
    secs+=("$(echo "$out" | awk '/^TIME/ {print $2}')")
    bare+=("$("$work/bin/bareclient" -url "$url" -key "$key" -n "$n" -p "$p")")
    rss+=("$(echo "$out" | awk '/^TIME/ {printf "%.0f", $3/1024}')")
    cpu+=("$(echo "$out" | awk '/^TIME/ {printf "%.2f", $4 + $5}')")
    split+=("$(phases "$t0" "$t1")")
  done
  ideal=$(awk -v n="$n" -v p="$p" -v l="$latency_ms" 'BEGIN {printf "%.2f", int((n + p - 1) / p) * l / 1000}')
  med=$(printf '%s\n' "${secs[@]}" | median)
  printf 'N=%s P=%s latency=%sms: median %ss, ideal %ss, %+.1f%% over ideal; peak RSS median %s MiB (runs: %s s; %s MiB)\n' \
    "$n" "$p" "$latency_ms" "$med" "$ideal" "$(awk -v m="$med" -v i="$ideal" 'BEGIN {print (m / i - 1) * 100}')" \
    "$(printf '%s\n' "${rss[@]}" | median)" "${secs[*]}" "${rss[*]}"
  bmed=$(printf '%s\n' "${bare[@]}" | median)
  printf '  baseline, a bare HTTP client making the same requests (bench/apply/bareclient): median %ss, %+.1f%% over ideal; easel %+.3fs (x%.3f) (runs: %s s)\n' \
    "$bmed" "$(awk -v m="$bmed" -v i="$ideal" 'BEGIN {print (m / i - 1) * 100}')" \
    "$(awk -v e="$med" -v b="$bmed" 'BEGIN {print e - b}')" "$(awk -v e="$med" -v b="$bmed" 'BEGIN {print e / b}')" "${bare[*]}"
  col() { printf '%s\n' "${split[@]}" | awk -v c="$1" '{print $c}' | median; }
  printf '  CPU (user+system, easel and provider): median %ss (runs: %s s)\n' "$(printf '%s\n' "${cpu[@]}" | median)" "${cpu[*]}"
  printf '  split (medians): start-up %ss, requests %ss with %s of %s in flight on average, after the last answer %ss\n' \
    "$(col 1)" "$(col 2)" "$(col 3)" "$p" "$(col 4)"
  if [ ${#profile[@]} -gt 0 ]; then
    printf '  CPU profiles of the last run: %s and %s.openai\n' "$work/cpu-P$p.prof" "$work/cpu-P$p.prof"
  fi
done
