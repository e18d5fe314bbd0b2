#!/usr/bin/env bash
# make bench: bwvoice side by side with the alternatives, from C, Python and
# Go, against loopback servers this script starts and always stops.
# Prints the results table and writes target/bench/results.json.
# See bench/README.md. Needs `make build` first (the Makefile target does it).
#
# Knobs (environment): BENCH_ROUNDS (5), BENCH_CALLS (2000), BENCH_WARMUP (500),
# BENCH_FANOUT_THREADS (64), BENCH_FANOUT_CALLS (50), BENCH_FANOUT_ROUNDS (3),
# BENCH_MEMORY_CALLS (100000), BENCH_BXML_DOCS (20000), BENCH_BXML_CHECKS (500),
# BENCH_CALLBACK_BODIES (20000), BENCH_SCALE_CALLS ("1000 10000"),
# BENCH_LIBRARY (the libbwvoice.so to measure;
# default target/release's; same ABI version), BENCH_PIN (1: pin each latency
# run and its server to one CPU; 0: let the scheduler place them),
# BENCH_STRICT=1 (exit 1 when a target is missed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/bench
RAW=$OUT/raw
LIB=${BENCH_LIBRARY:-$ROOT/target/release/libbwvoice.so}
PC_DIR=$ROOT/target/pkgconfig
CARGO=${CARGO:-cargo}
CC=${CC:-cc}
GO=${GO:-go}
PYTHON=${PYTHON:-python3}
ROUNDS=${BENCH_ROUNDS:-5}
CALLS=${BENCH_CALLS:-2000}
WARMUP=${BENCH_WARMUP:-500}
FAN_THREADS=${BENCH_FANOUT_THREADS:-64}
FAN_CALLS=${BENCH_FANOUT_CALLS:-50}
FAN_ROUNDS=${BENCH_FANOUT_ROUNDS:-3}
MEM_CALLS=${BENCH_MEMORY_CALLS:-100000}
ASYNC_CALLS=${BENCH_ASYNC_CALLS:-10000} # hang-ups per round through the C async API
COLD_CALLS=${BENCH_COLD_CALLS:-200}     # new client + first call over HTTPS, per round
BXML_DOCS=${BENCH_BXML_DOCS:-20000}     # IVR answers built and rendered per round
BXML_CHECKS=${BENCH_BXML_CHECKS:-500}   # 64 KB documents checked per round
CALLBACK_BODIES=${BENCH_CALLBACK_BODIES:-20000} # gather callbacks parsed per round (C)
CALLBACK_BODY=$ROOT/bench/data/gather-callback.json
SCALE_CALLS=${BENCH_SCALE_CALLS:-1000 10000} # calls in flight at once, one scale row each
PIN=${BENCH_PIN:-1}
STEP_LIMIT=300 # seconds: no single step may run longer

say() { printf '== %s\n' "$*" >&2; }

# --- what a fresh machine lacks ------------------------------------------------
missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v strip >/dev/null && command -v readelf >/dev/null || missing+=(binutils)
command -v timeout >/dev/null || missing+=(coreutils)
command -v taskset >/dev/null || missing+=(util-linux)
pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -f "$LIB" ] || { echo "bench: $LIB is missing; run 'make build' (or 'make bench')" >&2; exit 1; }
[ -f "$PC_DIR/bwvoice.pc" ] || make -s "$PC_DIR/bwvoice.pc"
mkdir -p "$OUT" "$RAW"
rm -f "$RAW"/*.jsonl

# Programs record the library's soname (libbwvoice.so.<major>), which the
# in-tree build may not provide as a file; a link to $LIB under that name,
# first on the loader's path, also makes sure $LIB is what gets measured.
soname=$(readelf -d "$LIB" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
rm -rf "${OUT:?}/lib"
mkdir -p "$OUT/lib"
ln -s "$(readlink -f "$LIB")" "$OUT/lib/libbwvoice.so"
[ -z "$soname" ] || ln -s "$(readlink -f "$LIB")" "$OUT/lib/$soname"
export LD_LIBRARY_PATH="$OUT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# --- build the bench programs ----------------------------------------------------
say "building the bench server, the C and Go bench programs"
"$CARGO" build --release --quiet --locked --manifest-path bench/server/Cargo.toml \
  --target-dir "$OUT/server"
SERVER=$OUT/server/release/bwvoice-bench-server
# shellcheck disable=SC2046 # pkg-config output is meant to split
"$CC" -std=c11 -O2 -Wall -Wextra -Werror bench/c/bench.c bench/c/create.c bench/c/bxml.c bench/c/callback.c bench/c/floor.c bench/c/scale.c -Iinclude -o "$OUT/cbench" \
  -L"$OUT/lib" -Wl,-rpath,"$OUT/lib" -lbwvoice \
  $(pkg-config --cflags --libs libcurl) -lpthread
(cd bench/go && PKG_CONFIG_PATH="$PC_DIR" "$GO" build -o "$OUT/gobench" .)

VENV=$OUT/venv
if [ ! -x "$VENV/bin/python" ]; then
  say "creating the bench virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp=$(sha256sum bench/python/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$VENV/.bench-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "installing requests, bandwidth-sdk, httpx and aiohttp into the virtualenv"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r bench/python/requirements.txt
  echo "$stamp" >"$VENV/.bench-stamp"
fi

# --- servers ---------------------------------------------------------------------
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() { # VAR PORT_FILE ARGS... : starts a server, sets VAR to its port
  local var=$1 port_file=$2
  shift 2
  rm -f "$port_file"
  # Not in a subshell, so that its pid reaches the cleanup trap.
  "${pin_server[@]}" "$SERVER" --port-file "$port_file" "$@" >/dev/null </dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    if [ -s "$port_file" ]; then
      printf -v "$var" '%s' "$(cat "$port_file")"
      return
    fi
    sleep 0.05
  done
  echo "bench: the server did not start" >&2
  exit 1
}
# Latency runs share one CPU with their server: over loopback a wakeup
# across CPUs costs tens of microseconds in a VM, lands at random and would
# swamp the per-call work being compared. Pinned, every side sees the same
# two context switches per call and rounds agree within a few percent. The
# fan-out runs are not pinned (they need every core).
PIN_CPU=$("$PYTHON" -c 'import os; print(max(os.sched_getaffinity(0)))')
pinned=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null; then
  pinned=(taskset -c "$PIN_CPU")
else
  PIN=0
fi
BASIC="Basic dXNlcjpwYXNz" # base64("user:pass"), what every side sends
pin_server=("${pinned[@]}")
start_server FAST_PORT "$OUT/fast.port" --expect-auth "$BASIC" --expect-body-contains app.example/next
start_server TLS_PORT "$OUT/tls.port" --expect-auth "$BASIC" --expect-body-contains app.example/next \
  --tls-ca "$OUT/tls-ca.pem"
pin_server=()
start_server SLOW_PORT "$OUT/slow.port" --delay-ms 20 --expect-auth "$BASIC" --expect-body-contains app.example/next
FAST=http://127.0.0.1:$FAST_PORT
TLS=https://127.0.0.1:$TLS_PORT
SLOW=http://127.0.0.1:$SLOW_PORT

run() { # NAME COMMAND... : a bounded step whose stdout is kept as raw results
  local name=$1
  shift
  say "$name"
  timeout "$STEP_LIMIT" "$@" | tee -a "$RAW/$name.jsonl" >&2
}

# How many cores other processes keep busy while the bench is idle (1 s sample):
# the report warns when the machine is not quiet enough to trust.
busy_cores() {
  "$PYTHON" -c '
import os, time
def sample():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f), f[3] + f[4]  # total, idle + iowait
t0, i0 = sample(); time.sleep(1); t1, i1 = sample()
print(round((1 - (i1 - i0) / max(t1 - t0, 1)) * os.cpu_count(), 2))'
}
BUSY_BEFORE=$(busy_cores)

# --- measurements (each program alternates its sides round by round) -----------
run c-latency "${pinned[@]}" "$OUT/cbench" latency "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-state "${pinned[@]}" "$OUT/cbench" state "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-create "${pinned[@]}" "$OUT/cbench" create "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-events "${pinned[@]}" "$OUT/cbench" events "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-floor "${pinned[@]}" "$OUT/cbench" floor "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-tls "${pinned[@]}" "$OUT/cbench" tls "$TLS" "$OUT/tls-ca.pem" "$ROUNDS" "$CALLS" "$WARMUP"
run c-tls-cold "${pinned[@]}" "$OUT/cbench" tls-cold "$TLS" "$OUT/tls-ca.pem" "$ROUNDS" "$COLD_CALLS"
export BWVOICE_LIBRARY=$LIB PYTHONPATH=$ROOT/bindings/python/src
run python-latency "${pinned[@]}" "$VENV/bin/python" bench/python/bench.py latency "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run python-async "${pinned[@]}" "$VENV/bin/python" bench/python/bench.py async "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run python-bxml "${pinned[@]}" "$VENV/bin/python" bench/python/bench.py bxml "$ROUNDS" "$CALLS" "$WARMUP"
run python-callback "${pinned[@]}" "$VENV/bin/python" bench/python/bench.py callback "$CALLBACK_BODY" \
  "$ROUNDS" "$CALLS" "$WARMUP"
run go-latency "${pinned[@]}" "$OUT/gobench" latency "$FAST" "$ROUNDS" "$CALLS" "$WARMUP"
run c-fanout "$OUT/cbench" fanout "$SLOW" "$FAN_THREADS" "$FAN_CALLS" "$FAN_ROUNDS"
run c-async "$OUT/cbench" async "$SLOW" "$ASYNC_CALLS" "$FAN_THREADS" "$FAN_ROUNDS"
run go-fanout "$OUT/gobench" fanout "$SLOW" "$FAN_THREADS" "$FAN_CALLS" "$FAN_ROUNDS"
run python-fanout "$VENV/bin/python" bench/python/bench.py fanout "$SLOW" "$FAN_THREADS" "$FAN_CALLS" "$FAN_ROUNDS"
run python-async-fanout "$VENV/bin/python" bench/python/bench.py async-fanout "$SLOW" "$FAN_THREADS" "$FAN_CALLS" "$FAN_ROUNDS"
run go-threads "$OUT/gobench" threads "$SLOW" 5000
for in_flight in $SCALE_CALLS; do
  run c-scale "$OUT/cbench" scale "$SLOW" "$in_flight" "$FAN_ROUNDS"
done
run c-rejected "${pinned[@]}" "$OUT/cbench" rejected "$ROUNDS" 100000
run c-memory "${pinned[@]}" "$OUT/cbench" memory "$FAST" 1000 10000 "$MEM_CALLS"
run c-bxml "${pinned[@]}" "$OUT/cbench" bxml "$ROUNDS" "$BXML_DOCS" "$BXML_CHECKS"
run c-callback "${pinned[@]}" "$OUT/cbench" callback "$CALLBACK_BODY" "$ROUNDS" "$CALLBACK_BODIES"

# --- facts about the machine and the build ----------------------------------------
BUSY_AFTER=$(busy_cores)
strip --strip-all -o "$OUT/libbwvoice.stripped.so" "$LIB"
stats() { "$PYTHON" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/__stats", timeout=5).read().decode())' "$1"; }
"$PYTHON" - "$OUT/meta.json" "$(stats "$FAST")" "$(stats "$SLOW")" <<PY
import json, os, platform, sys, datetime
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
fast, slow = json.loads(sys.argv[2]), json.loads(sys.argv[3])
meta = {
    "machine": {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
                "busy_cores_before": $BUSY_BEFORE, "busy_cores_after": $BUSY_AFTER},
    "config": {"rounds": $ROUNDS, "calls": $CALLS, "warmup": $WARMUP, "fanout_threads": $FAN_THREADS,
               "fanout_calls_per_thread": $FAN_CALLS, "fanout_rounds": $FAN_ROUNDS,
               "memory_calls": $MEM_CALLS, "fanout_delay_ms": 20,
               "pinned_cpu": $PIN_CPU if $PIN else None},
    "library": {"path": "$LIB", "bytes": os.path.getsize("$LIB"),
                "stripped_bytes": os.path.getsize("$OUT/libbwvoice.stripped.so")},
    "server": {"requests": fast["requests"] + slow["requests"], "bad": fast["bad"] + slow["bad"],
               "connections": fast["connections"] + slow["connections"]},
    "results_path": "$OUT/results.json",
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY
echo >&2
"$PYTHON" bench/report.py "$OUT/meta.json" "$RAW"/*.jsonl
