#!/usr/bin/env bash
# Release artifact test. Runs scripts/dist.sh (`make dist`), then uses what it
# wrote to target/dist as a user would, against the simulator on 127.0.0.1:
#
#   - every .sha256 verifies; `cargo package --list` is exactly the expected
#     files (the sdist's rust/ directory is that list too);
#   - the wheel is manylinux_2_17_x86_64 and its library needs at most
#     GLIBC_2.17; installed with no cargo on PATH it hangs up a call with the
#     copy it bundles;
#   - the sdist, with no cargo on PATH, fails with a clear message; with cargo
#     it builds, and hangs up a call with the library it built;
#   - the C tarball, unpacked and then moved: examples/c/hangup.c built from
#     another directory with pkg-config (shared and --static) and with CMake
#     (bwvoice::bwvoice, bwvoice::bwvoice_static), and Go's examples/hangup
#     (shared and -tags bwvoice_static), each hangs up a call.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DIST=$ROOT/target/dist
SIM=${BWVOICE_SIM:-$ROOT/target/release/bwvoice-sim}
CC=${CC:-cc}
GO=${GO:-go}
CARGO=${CARGO:-cargo}
unset LD_LIBRARY_PATH PKG_CONFIG_PATH BWVOICE_LIBRARY PYTHONPATH VIRTUAL_ENV

# shellcheck source=tests/lib.sh
. tests/lib.sh
# The highest GLIBC_x.y symbol version a binary needs.
glibc_floor() { objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*[0-9]' | sed 's/^GLIBC_//' | sort -uV | tail -1; }

for tool in "$CC" "$GO" "$CARGO" cmake pkg-config readelf objdump python3 sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[ -x "$SIM" ] || fail "$SIM is missing; run 'make build' first"

NAME=libbwvoice-$VERSION-x86_64-linux-gnu


# PATH without any directory holding cargo: proves an install builds nothing.
nocargo_path=$(tr ':' '\n' <<<"$PATH" | while read -r dir; do
  if [ -n "$dir" ] && [ ! -e "$dir/cargo" ]; then echo "$dir"; fi
done | paste -sd:)
if PATH=$nocargo_path command -v cargo >/dev/null; then fail "cannot make a PATH without cargo"; fi

step "make dist (scripts/dist.sh)"
quiet dist scripts/dist.sh
sed -n '/^target\/dist/,$p' "$work/dist.log"
tarball=$DIST/$NAME.tar.gz
sdist=$DIST/bwvoice-$VERSION.tar.gz
wheels=("$DIST"/bwvoice-"$VERSION"-py3-none-*manylinux_2_17_x86_64*.whl)
[ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one manylinux_2_17 wheel, got ${wheels[*]}"
wheel=${wheels[0]}
ok

step "checksums: every artifact has a .sha256 that verifies"
for f in "$tarball" "$wheel" "$sdist"; do
  [ -f "$f.sha256" ] || fail "no $f.sha256"
  (cd "$DIST" && sha256sum --quiet -c "${f##*/}.sha256") || fail "${f##*/}.sha256 does not verify"
done
ok

step "cargo package --list: only the library's sources, headers and docs"
expected=$(
  printf '%s\n' Cargo.toml Cargo.toml.orig Cargo.lock build.rs cbindgen.toml \
    include/bwvoice.h include/bwvoice.hpp README.md LICENSE tests/data/call_state_example.json
  if [ -f CHANGELOG.md ]; then echo CHANGELOG.md; fi
  # cargo records the commit when it packages from a git checkout.
  if git rev-parse --git-dir >/dev/null 2>&1; then echo .cargo_vcs_info.json; fi
  find src docs -type f
)
expected=$(LC_ALL=C sort <<<"$expected")
"$CARGO" package --list --allow-dirty --locked -p bwvoice >"$work/package.list" 2>"$work/package.log" ||
  { cat "$work/package.log" >&2; fail "cargo package --list failed"; }
packaged=$(LC_ALL=C sort "$work/package.list")
[ "$packaged" = "$expected" ] ||
  fail "cargo package --list differs:"$'\n'"$(diff <(echo "$expected") <(echo "$packaged") || true)"
echo "  $(wc -l <<<"$packaged") files"
ok

step "wheel: manylinux_2_17_x86_64, bundles bwvoice/libbwvoice.so needing at most GLIBC_2.17"
python3 - "$wheel" "$work/wheel-lib.so" >"$work/wheel-tags" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as whl:
    (info,) = [n for n in whl.namelist() if n.endswith(".dist-info/WHEEL")]
    print("\n".join(l[5:] for l in whl.read(info).decode().splitlines() if l.startswith("Tag: ")))
    with whl.open("bwvoice/libbwvoice.so") as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
grep -qx 'py3-none-manylinux_2_17_x86_64' "$work/wheel-tags" || fail "wheel tags: $(paste -sd' ' "$work/wheel-tags")"
"$ROOT/target/dist-tools/bin/auditwheel" show "$wheel" >"$work/auditwheel.log" 2>&1 ||
  { cat "$work/auditwheel.log" >&2; fail "auditwheel show failed"; }
tr -s ' \n' ' ' <"$work/auditwheel.log" |
  grep -qF 'is consistent with the following platform tag: "manylinux_2_17_x86_64"' ||
  { cat "$work/auditwheel.log" >&2; fail "auditwheel does not call the wheel manylinux_2_17_x86_64"; }
floor=$(glibc_floor "$work/wheel-lib.so")
[ "$(printf '%s\n' "$floor" 2.17 | sort -V | tail -1)" = 2.17 ] || fail "the wheel's library needs GLIBC_$floor"
echo "  tags $(paste -sd' ' "$work/wheel-tags"); library needs GLIBC_$floor"
ok

start_simulator

# Hangs up a fresh call with the bwvoice installed in venv $1, which must
# load the library from inside the venv (its own bundled copy).
python_hangup() {
  local call
  call=$(sim call)
  PATH=$nocargo_path "$1/bin/python" - "$sim_url/api/v2" "$call" >"$work/py.log" 2>&1 <<'PY' ||
import pathlib, sys
import bwvoice
url, call = sys.argv[1:]
here = pathlib.Path(bwvoice.__file__).parent
assert pathlib.Path(bwvoice.LIBRARY_PATH) == here / "libbwvoice.so", bwvoice.LIBRARY_PATH
assert here.is_relative_to(sys.prefix), (here, sys.prefix)
with bwvoice.Client(username="user", password="pass", base_url=url) as client:
    client.hangup("9900000", call)
print(bwvoice.__version__, bwvoice.LIBRARY_PATH)
PY
    { cat "$work/py.log" >&2; fail "the hang-up from Python failed"; }
  [ "$(sim state "$call")" = disconnected ] || fail "the call was not hung up"
  echo "  bwvoice $(cat "$work/py.log")"
}

step "wheel: pip install with no cargo on PATH, hang up a call"
python3 -m venv "$work/wheel-venv"
quiet wheel-install env PATH="$nocargo_path" "$work/wheel-venv/bin/python" -m pip install \
  --disable-pip-version-check --no-index "$wheel"
(cd "$work" && python_hangup "$work/wheel-venv")
ok

step "sdist: self-contained (rust/ is the packaged crate)"
mkdir "$work/sdist"
tar -xzf "$sdist" -C "$work/sdist"
top=$work/sdist/bwvoice-$VERSION
for f in rust/Cargo.toml rust/Cargo.lock rust/include/bwvoice.h setup.py pyproject.toml; do
  [ -f "$top/$f" ] || fail "the sdist has no $f"
done
in_sdist=$(cd "$top/rust" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
[ "$in_sdist" = "$packaged" ] ||
  fail "rust/ differs from cargo package --list:"$'\n'"$(diff <(echo "$packaged") <(echo "$in_sdist") || true)"
if grep -q '^\[workspace\]' "$top/rust/Cargo.toml"; then fail "rust/Cargo.toml still has a [workspace]"; fi
ok

# The wheel cache is off: pip would otherwise reuse a wheel built from an
# earlier sdist of the same name.
pip_sdist=(-m pip install --disable-pip-version-check --no-cache-dir "$sdist")

step "sdist without cargo: pip install fails, saying what is needed"
python3 -m venv "$work/sdist-venv"
if PATH=$nocargo_path "$work/sdist-venv/bin/python" "${pip_sdist[@]}" >"$work/nocargo.log" 2>&1; then
  fail "pip install of the sdist succeeded without cargo"
fi
grep -qF "Building bwvoice from source needs Rust's cargo" "$work/nocargo.log" &&
  grep -qF "https://rustup.rs" "$work/nocargo.log" ||
  { cat "$work/nocargo.log" >&2; fail "the error does not say that cargo is needed"; }
grep -F "needs Rust's cargo" "$work/nocargo.log" | sed 's/^ *//; s/^/  /'
ok

step "sdist with cargo: pip install builds the library, hang up a call"
# A fixed target dir: a rerun builds only what changed.
quiet sdist-install env CARGO_TARGET_DIR="$ROOT/target/dist-sdist-build" \
  "$work/sdist-venv/bin/python" "${pip_sdist[@]}"
(cd "$work" && python_hangup "$work/sdist-venv")
ok

step "C tarball: one top directory, the make install layout, relocatable bwvoice.pc"
[ "$(tar -tzf "$tarball" | cut -d/ -f1 | sort -u)" = "$NAME" ] || fail "not one top directory $NAME"
[ "$(tar --numeric-owner -tvzf "$tarball" | awk '{print $2}' | sort -u)" = 0/0 ] || fail "owner is not 0/0"
mkdir "$work/unpacked" "$work/moved" "$work/elsewhere"
tar -xzf "$tarball" -C "$work/unpacked"
# Moved after unpacking: nothing may remember where it was.
mv "$work/unpacked/$NAME" "$work/moved/"
rmdir "$work/unpacked"
tree=$work/moved/$NAME
expected="LICENSE
README.md
$(if [ -f CHANGELOG.md ]; then echo CHANGELOG.md; fi)
$(find docs -type f)
include/bwvoice.h
include/bwvoice.hpp
lib/cmake/bwvoice/bwvoiceConfig.cmake
lib/cmake/bwvoice/bwvoiceConfigVersion.cmake
lib/libbwvoice.a
lib/libbwvoice.so
lib/libbwvoice.so.${VERSION%%.*}
lib/libbwvoice.so.$VERSION
lib/pkgconfig/bwvoice-static.pc
lib/pkgconfig/bwvoice.pc"
expected=$(grep . <<<"$expected" | LC_ALL=C sort)
actual=$(cd "$tree" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[ "$actual" = "$expected" ] || fail "files differ:"$'\n'"$(diff <(echo "$expected") <(echo "$actual") || true)"
lib=$tree/lib/libbwvoice.so.$VERSION
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$SONAME" ] || fail "soname is '$soname'"
floor=$(glibc_floor "$lib")
[ "$(printf '%s\n' "$floor" 2.17 | sort -V | tail -1)" = 2.17 ] || fail "the library needs GLIBC_$floor"
cmp -s "$lib" "$work/wheel-lib.so" || fail "the tarball and the wheel carry different builds"
for pcfile in bwvoice bwvoice-static; do
  grep -qx 'prefix=${pcfiledir}/../..' "$tree/lib/pkgconfig/$pcfile.pc" || fail "$pcfile.pc has no relocatable prefix"
done
pc() { PKG_CONFIG_PATH=$tree/lib/pkgconfig pkg-config "$@"; }
[ "$(pc --variable=pcfiledir bwvoice)" = "$tree/lib/pkgconfig" ] || fail "pkg-config found another bwvoice.pc"
[ "$(pc --modversion bwvoice)" = "$VERSION" ] || fail "pkg-config --modversion"
echo "  $soname, needs GLIBC_$floor, the same file as in the wheel"
ok

# Hangs up a fresh call with the C or Go hangup example $1 ($2... its
# arguments before the call id), then again: exit 3, the call is gone.
run_hangup() {
  local exe=$1 call rc=0
  shift
  call=$(sim call)
  quiet hangup "$exe" "$@" "$call"
  [ "$(sim state "$call")" = disconnected ] || fail "${exe##*/} did not hang up"
  "$exe" "$@" "$call" >/dev/null || rc=$?
  [ $rc -eq 3 ] || fail "${exe##*/} on an ended call exited $rc, expected 3"
}
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic)

step "C tarball: hangup.c with pkg-config --cflags --libs (shared), from another directory"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
(cd "$work/elsewhere" && "$CC" "${cflags[@]}" "$ROOT/examples/c/hangup.c" -o c-shared \
  $(pc --cflags --libs bwvoice) -Wl,-rpath,"$tree/lib")
exe=$work/elsewhere/c-shared
[ "$(resolved "$exe" "$SONAME")" = "$tree/lib/$SONAME" ] || fail "loads $SONAME from '$(resolved "$exe" "$SONAME")'"
run_hangup "$exe"
ok

step "C tarball: hangup.c with pkg-config bwvoice-static (libbwvoice.a)"
flags=$(pc --cflags --libs bwvoice-static)
# shellcheck disable=SC2086
(cd "$work/elsewhere" && "$CC" "${cflags[@]}" "$ROOT/examples/c/hangup.c" -o c-static $flags)
if needed "$work/elsewhere/c-static" | grep -q libbwvoice; then fail "c-static still needs libbwvoice.so"; fi
run_hangup "$work/elsewhere/c-static"
echo "  NEEDED: $(needed "$work/elsewhere/c-static" | paste -sd' ')"
ok

step "C tarball: hangup.c with CMake find_package (bwvoice::bwvoice, bwvoice::bwvoice_static)"
(cd "$work/elsewhere" && quiet cmake-configure cmake -S "$ROOT/tests/dist/cmake" -B cmake \
  -DCMAKE_PREFIX_PATH="$tree" -DCMAKE_BUILD_TYPE=Release)
grep -qx "bwvoice_DIR:PATH=$tree/lib/cmake/bwvoice" "$work/elsewhere/cmake/CMakeCache.txt" ||
  fail "CMake found another bwvoice"
quiet cmake-build cmake --build "$work/elsewhere/cmake"
exe=$work/elsewhere/cmake/hangup_shared
[ "$(resolved "$exe" "$SONAME")" = "$tree/lib/$SONAME" ] || fail "hangup_shared loads $SONAME from '$(resolved "$exe" "$SONAME")'"
run_hangup "$exe"
exe=$work/elsewhere/cmake/hangup_static
if needed "$exe" | grep -q libbwvoice; then fail "hangup_static still needs libbwvoice.so"; fi
run_hangup "$exe"
ok

# Go's build cache does not notice another pkg-config file or library
# (golang/go#24544): a define naming this tree keeps these builds apart.
go_cflags="-O2 -g -DBWVOICE_DIST_TREE=$(sha256sum <<<"$tree" | cut -c1-16)"

step "Go against the tarball: examples/hangup, shared (its bwvoice.pc, rpath to its lib)"
(cd bindings/go && quiet go-shared env PKG_CONFIG_PATH="$tree/lib/pkgconfig" CGO_CFLAGS="$go_cflags" \
  CGO_LDFLAGS="-Wl,-rpath,$tree/lib" "$GO" build -o "$work/go-shared" ./examples/hangup)
[ "$(resolved "$work/go-shared" "$SONAME")" = "$tree/lib/$SONAME" ] || fail "go-shared loads $SONAME from elsewhere"
run_hangup "$work/go-shared" -call
ok

step "Go against the tarball: examples/hangup, -tags bwvoice_static (its bwvoice-static.pc)"
(cd bindings/go && quiet go-static env PKG_CONFIG_PATH="$tree/lib/pkgconfig" CGO_CFLAGS="$go_cflags" \
  "$GO" build -tags bwvoice_static -o "$work/go-static" ./examples/hangup)
if needed "$work/go-static" | grep -q libbwvoice; then fail "go-static still needs libbwvoice.so"; fi
run_hangup "$work/go-static" -call
echo "  NEEDED: $(needed "$work/go-static" | paste -sd' ')"
ok

summary dist
