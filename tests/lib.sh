# Shared by the shell test runners (tests/install/run.sh, tests/dist/run.sh):
# named steps, quiet commands, a scratch directory and the simulator.
# Source it after `set -Eeuo pipefail`, from the repository root.

current="setup"
passed=()
trap 'echo "FAILED: $current (line $LINENO)" >&2' ERR
step() { current=$1; echo "== $1"; }
ok() { passed+=("$current"); }
fail() { echo "FAIL ($current): $*" >&2; exit 1; }
# Runs a command with its output in $work/<name>.log, shown only on failure.
quiet() {
  local log=$work/$1.log
  shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$* failed"; }
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
# Where the dynamic loader finds soname $2 for program $1.
resolved() { ldd "$1" | awk -v so="$2" '$1 == so {print $3}'; }

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
SONAME=libbwvoice.so.${VERSION%%.*}

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts $SIM on 127.0.0.1 and points the examples at it (BW_* variables:
# OAuth2 client credentials, as every example uses; the Basic pair is for
# the C++ wrapper test, which checks how Basic credentials are handled);
# `sim call|state ID|tag ID|fault JSON` then drives it (tests/install/sim.py).
start_simulator() {
  # The simulator prints "listening on URL" once bound; read blocks until then.
  exec 3< <(exec "$SIM" --port 0 2>"$work/sim.log")
  sim_pid=$!
  read -r -t 30 banner <&3 || { cat "$work/sim.log" >&2; fail "simulator did not start"; }
  sim_url=${banner#listening on }
  export BW_BASE_URL=$sim_url/api/v2 BW_TOKEN_URL=$sim_url/api/v1/oauth2/token BW_ACCOUNT_ID=9900000
  export BW_CLIENT_ID=client BW_CLIENT_SECRET=secret BW_USERNAME=user BW_PASSWORD=pass
}
sim() { python3 "$ROOT/tests/install/sim.py" "$sim_url" "$@"; }

# Prints what passed; $1 names the suite.
summary() {
  echo
  printf '  ok  %s\n' "${passed[@]}"
  echo "$1: ${#passed[@]} passed, 0 failed"
}
