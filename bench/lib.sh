# Shared by the plan benchmarks; source it after setting root and work.

# build_plan_tools builds easel, statonly and gen into $work/bin.
build_plan_tools() {
  mkdir -p "$work/bin"
  (cd "$root" && go build -o "$work/bin/easel" ./cmd/easel && go build -o "$work/bin/statonly" ./bench/statonly &&
    go build -o "$work/bin/gen" ./bench/gen)
}

# generated_project DIR N makes DIR a generated project of N images,
# applied once (setup, not measured), unless it already is one.
generated_project() {
  if [ ! -f "$1/easel.lock.hcl" ]; then
    rm -rf "$1"
    "$work/bin/gen" -n "$2" -dir "$1"
    echo "applying $2 images once (setup, not measured)..."
    "$work/bin/easel" -chdir="$1" apply -auto-approve -parallelism=8 >/dev/null
  fi
}
