#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, one after another,
# starting from the committed seeds in fuzz/corpus/<target>. New inputs go to
# fuzz/target/corpus/<target> (not committed); a crash stops the run and
# leaves its input in fuzz/artifacts/<target>/. Needs nightly + cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz/run.sh needs nightly Rust and cargo-fuzz:" >&2
  echo "  rustup toolchain install nightly && cargo install cargo-fuzz" >&2
  exit 1
fi

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(modify_call response token_reply bxml_check bxml_build callback)

for target in "${targets[@]}"; do
  case $target in
    modify_call) dict=dict/modify_call.dict max_len=20000 ;;  # room for a 4097-char tag
    bxml_*) dict=dict/bxml.dict max_len=8192 ;;
    callback) dict=dict/callback.dict max_len=8192 ;;
    *) dict=dict/json.dict max_len=8192 ;;
  esac
  work=target/corpus/$target
  mkdir -p "$work"
  echo "== $target: ${seconds}s"
  cargo +nightly fuzz run "$target" "$work" "corpus/$target" -- \
    -max_total_time="$seconds" -dict="$PWD/$dict" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
