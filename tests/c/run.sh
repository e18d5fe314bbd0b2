#!/usr/bin/env bash
# Builds the C tests against include/bwvoice.h and target/release/libbwvoice.so,
# starts the simulator on loopback, and runs the tests three ways: plain,
# under ASan+UBSan, and under valgrind (errors or definite/indirect leaks fail).
set -euo pipefail
cd "$(dirname "$0")/../.."

SIM=${BWVOICE_SIM:-target/release/bwvoice-sim}
LIBDIR=$PWD/target/release
OUT=target/ctest
mkdir -p "$OUT"

# The header must compile on its own in every language mode users build with.
for mode in "gcc -std=c99" "gcc -std=c11" "g++ -std=c++17"; do
  echo '#include "bwvoice.h"' | $mode -Wall -Wextra -Werror -pedantic -Iinclude \
    -x "$([[ $mode == g++* ]] && echo c++ || echo c)" -fsyntax-only -
done
echo "header compiles as C99, C11 and C++17"

SRC="tests/c/test_bwvoice.c tests/c/test_calls.c tests/c/test_conferences.c tests/c/test_bxml.c
  tests/c/test_callbacks.c tests/c/test_callback_corpus.c
  tests/c/bxml_tree.c tests/c/json_reader.c tests/c/check.c tests/c/sim.c"
COMMON="-std=c11 -Wall -Wextra -Werror -g -Iinclude -Itests/c -pthread"
LINK="-L$LIBDIR -Wl,-rpath,$LIBDIR -lbwvoice"
gcc $COMMON -O1 $SRC -o "$OUT/test_bwvoice" $LINK
gcc $COMMON -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
  $SRC -o "$OUT/test_bwvoice_asan" $LINK

# The simulator prints "listening on URL" once bound; read blocks until then.
exec 3< <(exec "$SIM" --port 0 2>"$OUT/sim.log")
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
read -r -t 30 banner <&3 || { echo "simulator did not start"; cat "$OUT/sim.log"; exit 1; }
BW_SIM_URL=${banner#listening on }
export BW_SIM_URL

echo "== plain"
"$OUT/test_bwvoice"
echo "== ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$OUT/test_bwvoice_asan"
echo "== valgrind"
BW_TEST_CALLS_PER_THREAD=10 valgrind -q --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  "$OUT/test_bwvoice"
