#!/usr/bin/env bash
# Install smoke test. Uses what `make build` left in target/release (never
# builds the crate), installs it into a temporary prefix with
# scripts/install.sh, and checks that the result works like a system library:
#
#   - only the header's bw_* functions are exported; versions agree everywhere;
#   - the soname, links, pkg-config file, CMake package and DESTDIR staging;
#   - Libs.private equals `rustc --print native-static-libs` for this crate;
#   - C examples built with `pkg-config --libs` (shared, from the prefix, not
#     target/release) and `pkg-config --static --libs` (no libbwvoice.so
#     NEEDED), the C++ example and the C++ wrapper test built with CMake's
#     find_package, all run against the simulator on 127.0.0.1;
#   - uninstall leaves no file behind.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
REL=$ROOT/target/release
SIM=${BWVOICE_SIM:-$REL/bwvoice-sim}
CC=${CC:-cc}
CXX=${CXX:-c++}
export CC CXX
unset LD_LIBRARY_PATH PKG_CONFIG_PATH
export LC_ALL=C # the file lists below are sorted bytewise

# shellcheck source=tests/lib.sh
. tests/lib.sh

for tool in "$CC" "$CXX" pkg-config cmake readelf nm rustc python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
for f in "$REL/libbwvoice.so" "$REL/libbwvoice.a" "$REL/libbwvoice.rlib" "$SIM"; do
  [ -f "$f" ] || fail "$f is missing; run 'make build' first"
done

MAJOR=${VERSION%%.*}

prefix=$work/prefix
libdir=$prefix/lib
pc() { PKG_CONFIG_LIBDIR=$libdir/pkgconfig pkg-config "$@"; }

step "exports: exactly the bw_* functions declared in bwvoice.h"
declared=$(python3 - include/bwvoice.h <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)   # comments mention functions too
text = re.sub(r"//[^\n]*", "", text)
text = re.sub(r"^\s*#[^\n]*", "", text, flags=re.M)  # and so could macros
print("\n".join(sorted(set(re.findall(r"\b(bw_\w+)\s*\(", text)))))
PY
)
exported=$(nm -D --defined-only "$REL/libbwvoice.so" | awk '{print $3}' | sort -u)
[ -n "$declared" ] || fail "no functions found in include/bwvoice.h"
[ "$declared" = "$exported" ] ||
  fail "exports differ from the header:"$'\n'"$(diff <(echo "$declared") <(echo "$exported") || true)"
echo "  $(echo "$exported" | tr '\n' ' ')"
ok

step "install with DESTDIR staging"
stage=$work/stage
quiet stage-install env DESTDIR="$stage" PREFIX=/opt/bwvoice scripts/install.sh install
expected="include/bwvoice.h
include/bwvoice.hpp
lib/cmake/bwvoice/bwvoiceConfig.cmake
lib/cmake/bwvoice/bwvoiceConfigVersion.cmake
lib/libbwvoice.a
lib/libbwvoice.so
lib/libbwvoice.so.$MAJOR
lib/libbwvoice.so.$VERSION
lib/pkgconfig/bwvoice-static.pc
lib/pkgconfig/bwvoice.pc"
actual=$(cd "$stage/opt/bwvoice" && find . ! -type d | sed 's|^\./||' | sort)
[ "$actual" = "$expected" ] || fail "staged files differ:"$'\n'"$(diff <(echo "$expected") <(echo "$actual") || true)"
grep -qx 'prefix=/opt/bwvoice' "$stage/opt/bwvoice/lib/pkgconfig/bwvoice.pc" || fail "bwvoice.pc: prefix is not PREFIX"
if grep -rq "$stage" "$stage"; then fail "DESTDIR leaked into an installed file"; fi
quiet stage-uninstall env DESTDIR="$stage" PREFIX=/opt/bwvoice scripts/install.sh uninstall
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "uninstall left: $left"
ok

step "install into $prefix"
quiet install env PREFIX="$prefix" scripts/install.sh install
[ "$(readlink "$libdir/$SONAME")" = "libbwvoice.so.$VERSION" ] || fail "$SONAME link"
[ "$(readlink "$libdir/libbwvoice.so")" = "libbwvoice.so.$VERSION" ] || fail "libbwvoice.so link"
soname=$(readelf -d "$libdir/libbwvoice.so.$VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$SONAME" ] || fail "soname is '$soname', expected $SONAME"
[ "$(pc --modversion bwvoice)" = "$VERSION" ] || fail "pkg-config --modversion"
[ "$(pc --variable=libdir bwvoice)" = "$libdir" ] || fail "pkg-config libdir"
echo "  soname $soname, pkg-config $(pc --modversion bwvoice)"
ok

step "Libs.private = rustc --print native-static-libs"
probe=$work/probe
mkdir -p "$probe"
echo 'pub use bwvoice::*;' >"$probe/lib.rs"
# A staticlib re-exporting the built rlib: rustc prints the native libraries
# of the whole crate graph, as for libbwvoice.a, without rebuilding anything.
rustc --edition 2021 --crate-type staticlib --crate-name bwvoice_probe \
  --print native-static-libs --extern bwvoice="$REL/libbwvoice.rlib" \
  -L dependency="$REL/deps" --out-dir "$probe" "$probe/lib.rs" >"$probe/log" 2>&1 ||
  { cat "$probe/log" >&2; fail "rustc probe failed"; }
native=$(sed -n 's/^note: native-static-libs: //p' "$probe/log")
[ -n "$native" ] || fail "rustc printed no native-static-libs"
# Duplicates dropped, keeping the last occurrence (link order is preserved).
native_dedup=$(tr ' ' '\n' <<<"$native" | tac | awk 'NF && !seen[$0]++' | tac | paste -sd' ')
libs_private=$(sed -n 's/^Libs.private: //p' "$libdir/pkgconfig/bwvoice.pc")
[ "$libs_private" = "$native_dedup" ] ||
  fail "Libs.private is '$libs_private' but rustc says '$native' (update NATIVE_STATIC_LIBS in scripts/install.sh)"
echo "  $libs_private"
ok

step "versions: bw_version(), bw_version_number(), BW_VERSION_*, pkg-config, CMake = Cargo.toml $VERSION"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic tests/install/version.c -o "$work/version" \
  $(pc --cflags --libs bwvoice) -Wl,-rpath,"$libdir"
mapfile -t v < <("$work/version")
[ "${v[0]}" = "bwvoice/$VERSION" ] || fail "bw_version() is '${v[0]}'"
[ "${v[1]}" = "$VERSION" ] || fail "BW_VERSION_STRING is '${v[1]}'"
[ "${v[2]}" = "$VERSION" ] || fail "BW_VERSION_MAJOR.MINOR.PATCH is '${v[2]}'"
[ "${v[3]}" = "$VERSION" ] || fail "bw_version_number() is '${v[3]}'"
[ "${v[4]}" = same ] || fail "bw_version_number() != BW_VERSION_NUMBER"
for request in "" 0 0.2 "$VERSION" 0.1...0.3 "0.2...<1"; do
  quiet cmake-version cmake -S tests/install/cmake-version -B "$work/cmv" \
    -DCMAKE_PREFIX_PATH="$prefix" -DBW_REQUEST="$request"
  grep -q "bwvoice_VERSION=$VERSION\$" "$work/cmake-version.log" || fail "find_package(bwvoice $request)"
  rm -rf "$work/cmv"
done
for request in 0.1 0.3 1 0.2.1 0.0.1 0.3...0.4 "0.0...<0.2"; do
  if cmake -S tests/install/cmake-version -B "$work/cmv" -DCMAKE_PREFIX_PATH="$prefix" \
    -DBW_REQUEST="$request" >"$work/cmake-version.log" 2>&1; then
    fail "find_package(bwvoice $request) accepted $VERSION"
  fi
  rm -rf "$work/cmv"
done
echo "  CMake accepts '' 0 0.2 $VERSION 0.1...0.3 0.2...<1, refuses 0.1 0.3 1 0.2.1 0.0.1 0.3...0.4 0.0...<0.2"
ok

step "the runtime loader finds $SONAME (as the Python binding loads it)"
loaded=$(LD_LIBRARY_PATH=$libdir python3 -c '
import ctypes
lib = ctypes.CDLL("'"$SONAME"'")
lib.bw_version.restype = ctypes.c_char_p
path = [l.split()[-1] for l in open("/proc/self/maps") if "libbwvoice" in l][0]
print(lib.bw_version().decode(), path)')
[ "$loaded" = "bwvoice/$VERSION $libdir/libbwvoice.so.$VERSION" ] || fail "loaded: $loaded"
ok

step "C++ headers compile with -std=c++17/20 -Wall -Wextra -Werror -pedantic"
for std in c++17 c++20; do
  echo '#include <bwvoice.hpp>' | "$CXX" -std=$std -Wall -Wextra -Werror -pedantic \
    -I"$prefix/include" -x c++ -fsyntax-only -
done
ok

start_simulator
app=$sim_url/sim/app

# Redirects a fresh call and hangs it up with the examples in $1 (redirect, hangup).
run_c_examples() {
  local call
  call=$(sim call)
  quiet redirect "$1/redirect" "$call" "$app/next" "c-tag"
  [ "$(sim tag "$call")" = "c-tag" ] || fail "the redirect did not set the tag"
  quiet hangup "$1/hangup" "$call"
  [ "$(sim state "$call")" = "disconnected" ] || fail "the call was not hung up"
  local rc=0
  "$1/hangup" "$call" >/dev/null || rc=$?
  [ $rc -eq 3 ] || fail "hangup of an ended call exited $rc, expected 3"
}

step "C examples, shared, pkg-config --cflags --libs"
mkdir -p "$work/shared"
for ex in redirect hangup; do
  # shellcheck disable=SC2046
  "$CC" -std=c11 -Wall -Wextra -Werror -pedantic "examples/c/$ex.c" -o "$work/shared/$ex" \
    $(pc --cflags --libs bwvoice) -Wl,-rpath,"$libdir"
  needed "$work/shared/$ex" | grep -qx "$SONAME" || fail "$ex does not need $SONAME"
  found=$(resolved "$work/shared/$ex" "$SONAME")
  [ "$found" = "$libdir/$SONAME" ] || fail "$ex loads $SONAME from '$found', not the prefix"
done
run_c_examples "$work/shared"
echo "  $SONAME resolved to $libdir"
ok

step "C examples, static, pkg-config --cflags --libs bwvoice-static"
mkdir -p "$work/static"
flags=$(pc --cflags --libs bwvoice-static | xargs)
# It names the archive (-lbwvoice would pick the .so installed next to it)
# and adds exactly what bwvoice.pc lists for a static link.
[ "$flags" = "-I$prefix/include $libdir/libbwvoice.a $(sed -n 's/^Libs.private: //p' "$libdir/pkgconfig/bwvoice.pc")" ] ||
  fail "bwvoice-static: $flags"
for ex in redirect hangup; do
  # shellcheck disable=SC2086
  "$CC" -std=c11 -Wall -Wextra -Werror -pedantic "examples/c/$ex.c" -o "$work/static/$ex" $flags
  if needed "$work/static/$ex" | grep -q libbwvoice; then fail "$ex still needs libbwvoice.so"; fi
done
run_c_examples "$work/static"
echo "  $flags; NEEDED: $(needed "$work/static/hangup" | paste -sd' ')"
ok

step "C++ example with CMake find_package (bwvoice::bwvoice)"
quiet cpp-configure cmake -S examples/cpp -B "$work/cpp" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror -pedantic"
grep -qx "bwvoice_DIR:PATH=$libdir/cmake/bwvoice" "$work/cpp/CMakeCache.txt" || fail "found another bwvoice"
quiet cpp-build cmake --build "$work/cpp"
found=$(resolved "$work/cpp/redirect_hangup" "$SONAME")
[ "$found" = "$libdir/$SONAME" ] || fail "redirect_hangup loads $SONAME from '$found'"
call=$(sim call)
quiet cpp-run "$work/cpp/redirect_hangup" "$call" "$app/next" "cpp-tag"
[ "$(sim tag "$call")" = "cpp-tag" ] || fail "redirect_hangup did not set the tag"
[ "$(sim state "$call")" = "disconnected" ] || fail "redirect_hangup did not hang up"
rc=0
"$work/cpp/redirect_hangup" "$call" "$app/next" >/dev/null || rc=$?
[ $rc -eq 3 ] || fail "redirect_hangup on an ended call exited $rc, expected 3"
ok

step "C++ wrapper tests, the callback corpus and a C program with CMake (bwvoice::bwvoice_static)"
quiet wrap-configure cmake -S tests/install/cmake -B "$work/wrap" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release
quiet wrap-build cmake --build "$work/wrap"
for exe in test_wrapper test_callback_corpus hangup_static; do
  if needed "$work/wrap/$exe" | grep -q libbwvoice; then fail "$exe still needs libbwvoice.so"; fi
done
a=$(sim call) b=$(sim call) c=$(sim call) limited=$(sim call)
sim fault "{\"match\":\"$limited\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"}}"
# Account loop-pages: every page links to the same next page.
sim fault '{"match":"loop-pages","route":"calls","method":"GET","count":2,"status":200,"body":"[]","headers":{"Link":"<http://127.0.0.1/x?pageToken=again>; rel=\"next\""}}'
member_a=$(sim call) member_b=$(sim call)
conference=$(sim conference "$member_a" "$member_b")
BW_APP_URL=$app BW_BXML_SAME=$ROOT/tests/data/bxml/same "$work/wrap/test_wrapper" "$a" "$b" "$c" "$limited" "$conference" "$member_a" "$member_b" \
  >"$work/wrap.log" 2>&1 || { cat "$work/wrap.log" >&2; fail "test_wrapper failed"; }
sed 's/^/  /' "$work/wrap.log"
[ "$(sim tag "$a")" = "step-1" ] || fail "tag nullopt did not keep the tag"
[ -z "$(sim tag "$b")" ] || fail "tag \"\" did not clear the tag"
[ -n "$(sim conference-field "$conference" completedTime)" ] || fail "the conference was not ended"
[ "$(sim conference-field "$conference" bxml)" = '<?xml version="1.0" encoding="UTF-8"?><Bxml><PlayAudio>https://app.example/hold.wav</PlayAudio></Bxml>' ] ||
  fail "the conference's BXML is not the last one sent"
quiet callback-corpus "$work/wrap/test_callback_corpus" "$ROOT/tests/data/callbacks"
call=$(sim call)
quiet hangup-static "$work/wrap/hangup_static" "$call"
[ "$(sim state "$call")" = "disconnected" ] || fail "hangup_static did not hang up"
ok

step "uninstall"
quiet uninstall env PREFIX="$prefix" scripts/install.sh uninstall
left=$(find "$prefix" ! -type d)
[ -z "$left" ] || fail "uninstall left: $left"
ok

summary install
