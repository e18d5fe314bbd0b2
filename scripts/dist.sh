#!/usr/bin/env bash
# Builds the publishable artifacts into target/dist (`make dist`):
#
#   libbwvoice-VERSION-x86_64-linux-gnu.tar.gz  the `make install` tree, relocatable
#   bwvoice-VERSION-py3-none-manylinux...whl    the Python package with the library
#   bwvoice-VERSION.tar.gz                      the Python sdist, Rust sources in rust/
#   each with a .sha256 (`cd target/dist && sha256sum -c FILE.sha256`); what
#   auditwheel says about the wheel goes to target/dist-build/auditwheel-show.txt,
#   so target/dist holds only what is published.
#
# The library is built once, for glibc 2.17 (the floor of Rust's standard
# library itself), with cargo-zigbuild; the C tarball and the wheel carry that
# same build. The tools come from scripts/dist-requirements.txt, installed
# into the virtualenv target/dist-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

GLIBC=2.17
TRIPLE=x86_64-unknown-linux-gnu
PLATFORM=manylinux_2_17_x86_64
TOOLS=$ROOT/target/dist-tools
BUILD=$ROOT/target/dist-build
OUT=$ROOT/target/dist
CARGO=${CARGO:-cargo}

die() { echo "dist.sh: $*" >&2; exit 1; }
# Runs a command with its output in $stage/$1.log, shown only on failure.
quiet() {
  local log=$stage/$1.log
  shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; die "$* failed"; }
}

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ -n "$VERSION" ] || die "cannot read the version from Cargo.toml"
NAME=libbwvoice-$VERSION-x86_64-linux-gnu
# Every timestamp in the archives: the last commit's, unless given.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || true)}
[ -n "$SOURCE_DATE_EPOCH" ] || die "not a git checkout: set SOURCE_DATE_EPOCH (seconds since 1970)"
export SOURCE_DATE_EPOCH

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

echo "== tools: $TOOLS"
# Recreated only when missing or when the pinned list changed (the venv keeps
# a copy of the list it was made from, written last).
if ! cmp -s scripts/dist-requirements.txt "$TOOLS/requirements.txt"; then
  rm -rf "$TOOLS"
  python3 -m venv "$TOOLS"
  quiet pip "$TOOLS/bin/python" -m pip install --disable-pip-version-check \
    -r scripts/dist-requirements.txt
  cp scripts/dist-requirements.txt "$TOOLS/requirements.txt"
fi
export PATH=$TOOLS/bin:$PATH

echo "== libbwvoice for glibc $GLIBC (cargo zigbuild)"
"$CARGO" zigbuild --release -p bwvoice --locked --target "$TRIPLE.$GLIBC" --target-dir "$BUILD"
libs=$BUILD/$TRIPLE/release
so=$libs/libbwvoice.so
# The glibc floor: the highest GLIBC_x.y symbol version the library needs.
floor=$(objdump -T "$so" | grep -o 'GLIBC_[0-9][0-9.]*[0-9]' | sed 's/^GLIBC_//' | sort -uV | tail -1)
[ -n "$floor" ] || die "no GLIBC symbol versions in $so"
[ "$(printf '%s\n' "$floor" "$GLIBC" | sort -V | tail -1)" = "$GLIBC" ] ||
  die "$so needs glibc $floor, newer than $GLIBC"
echo "  glibc floor: $floor"

rm -rf "$OUT"
mkdir -p "$OUT"

echo "== $NAME.tar.gz"
quiet install env RELOCATABLE=1 BUILD_DIR="$libs" PREFIX="/$NAME" DESTDIR="$stage/c" \
  LIBDIR=lib INCLUDEDIR=include scripts/install.sh install
install -m 0644 LICENSE README.md "$stage/c/$NAME/"
# The reference the README links to.
install -d "$stage/c/$NAME/docs" && install -m 0644 docs/*.md "$stage/c/$NAME/docs/"
if [ -f CHANGELOG.md ]; then install -m 0644 CHANGELOG.md "$stage/c/$NAME/"; fi
# Reproducible: sorted names, one mtime, no owner names, no gzip timestamp.
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  --mode=u+rwX,go=rX --format=gnu -C "$stage/c" -cf - "$NAME" | gzip -9n >"$OUT/$NAME.tar.gz"

echo "== Python sdist and wheel"
# build makes the sdist, then the wheel from the unpacked sdist (so the sdist
# is known to work), bundling the glibc 2.17 library instead of running cargo.
quiet python-build env BWVOICE_PREBUILT_LIBRARY="$so" \
  python -m build --no-isolation --outdir "$stage/python" bindings/python
sdist=bwvoice-$VERSION.tar.gz
[ -f "$stage/python/$sdist" ] || die "no $sdist: does bindings/python's version differ from $VERSION?"
# repair finds no library to graft (the wheel needs only glibc), checks the
# symbol versions against the policy and retags linux_x86_64 as manylinux.
quiet repair auditwheel repair --plat "$PLATFORM" --wheel-dir "$stage/wheel" "$stage"/python/*.whl
wheels=("$stage"/wheel/*.whl)
[ ${#wheels[@]} -eq 1 ] || die "expected one repaired wheel, got ${wheels[*]}"
wheel=${wheels[0]##*/}
cp "$stage/python/$sdist" "${wheels[0]}" "$OUT/"
auditwheel show "$OUT/$wheel" >"$BUILD/auditwheel-show.txt"
cat "$BUILD/auditwheel-show.txt"

artifacts=("$NAME.tar.gz" "$wheel" "$sdist")
(cd "$OUT" && for f in "${artifacts[@]}"; do sha256sum "$f" >"$f.sha256"; done)

echo
echo "target/dist (library built for glibc $GLIBC, needs glibc $floor):"
for f in "${artifacts[@]}"; do
  printf '  %7s  %s\n' "$(numfmt --to=iec --suffix=B "$(stat -c %s "$OUT/$f")")" "$f"
done
