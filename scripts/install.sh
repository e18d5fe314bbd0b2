#!/usr/bin/env bash
# Installs (or uninstalls) libbwvoice like a system C library, with the
# layout cargo-c uses:
#
#   $LIBDIR/libbwvoice.so.X.Y.Z          the shared library (soname libbwvoice.so.X)
#   $LIBDIR/libbwvoice.so.X -> .so.X.Y.Z runtime link (what programs load)
#   $LIBDIR/libbwvoice.so   -> .so.X.Y.Z development link (what -lbwvoice finds)
#   $LIBDIR/libbwvoice.a
#   $LIBDIR/pkgconfig/bwvoice.pc         -lbwvoice (the .so; Libs.private for --static)
#   $LIBDIR/pkgconfig/bwvoice-static.pc  the archive by name, with what it needs
#   $LIBDIR/cmake/bwvoice/bwvoiceConfig.cmake, bwvoiceConfigVersion.cmake
#   $INCLUDEDIR/bwvoice.h, bwvoice.hpp
#
# Usage: scripts/install.sh install|uninstall|build-link|build-pc DIR
#   build-link: creates target/release/libbwvoice.so.X -> libbwvoice.so, so
#   programs linked in-tree (examples, C and Go tests) find the soname at run time.
#   build-pc DIR: writes bwvoice.pc and bwvoice-static.pc for the in-tree build
#   (BUILD_DIR, with an rpath) into DIR, for cgo and the benchmarks.
# Settings (environment):
#   PREFIX      install prefix, written into bwvoice.pc (default /usr/local)
#   DESTDIR     staging root prepended to every path written (packaging)
#   LIBDIR      relative to PREFIX or absolute (default lib; e.g. lib/x86_64-linux-gnu)
#   INCLUDEDIR  relative to PREFIX or absolute (default include)
#   BUILD_DIR   where `make build` put the libraries (default target/release)
#   RELOCATABLE 1: bwvoice.pc finds the prefix from its own location
#               (prefix=${pcfiledir}/../..), so the tree works wherever it is
#               unpacked (the release tarball); LIBDIR/INCLUDEDIR must be relative
# Installs what `make build` built; it never builds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
LIBDIR=${LIBDIR:-lib}
INCLUDEDIR=${INCLUDEDIR:-include}
BUILD_DIR=${BUILD_DIR:-$ROOT/target/release}
RELOCATABLE=${RELOCATABLE:-}

# What a program linking libbwvoice.a needs besides it, as printed by
# `rustc --print native-static-libs` for this crate (duplicates dropped,
# the last occurrence kept). tests/install/run.sh fails when it drifts.
NATIVE_STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

die() { echo "install.sh: $*" >&2; exit 1; }

case $action in install | uninstall | build-link | build-pc) ;; *) die "usage: $0 install|uninstall|build-link|build-pc DIR" ;; esac
case $PREFIX in /*) ;; *) die "PREFIX must be an absolute path, not '$PREFIX'" ;; esac
case "$PREFIX$LIBDIR$INCLUDEDIR" in
  *[[:space:]]*) die "PREFIX, LIBDIR and INCLUDEDIR must not contain whitespace (bwvoice.pc cannot express it)" ;;
esac
case $RELOCATABLE in
  "" | 0) ;;
  1) case "$LIBDIR:$INCLUDEDIR" in /* | *:/*) die "RELOCATABLE=1 needs LIBDIR and INCLUDEDIR relative to PREFIX" ;; esac ;;
  *) die "RELOCATABLE must be 1 or empty, not '$RELOCATABLE'" ;;
esac

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
[[ $VERSION =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "cannot read the version from Cargo.toml"
MAJOR=${BASH_REMATCH[1]}
MINOR=${BASH_REMATCH[2]}
SONAME=libbwvoice.so.$MAJOR
REALNAME=libbwvoice.so.$VERSION

# Final (run-time) locations, then the same under DESTDIR.
case $LIBDIR in /*) libdir=$LIBDIR ;; *) libdir=$PREFIX/$LIBDIR ;; esac
case $INCLUDEDIR in /*) includedir=$INCLUDEDIR ;; *) includedir=$PREFIX/$INCLUDEDIR ;; esac
cmakedir=$libdir/cmake/bwvoice
pcdir=$libdir/pkgconfig
d_lib=$DESTDIR$libdir
d_inc=$DESTDIR$includedir
d_cmake=$DESTDIR$cmakedir
d_pc=$DESTDIR$pcdir

# Replaces @NAME@ in template $1 with the values given as NAME=value pairs.
render() {
  local text pair
  text=$(<"$1")
  shift
  for pair in "$@"; do
    text=${text//"@${pair%%=*}@"/"${pair#*=}"}
  done
  printf '%s\n' "$text"
}

if [ "$action" = build-link ]; then
  [ -f "$BUILD_DIR/libbwvoice.so" ] || die "$BUILD_DIR/libbwvoice.so is missing; run 'make build' first"
  ln -sfn libbwvoice.so "$BUILD_DIR/$SONAME"
  exit 0
fi

if [ "$action" = build-pc ]; then
  out=${2:?build-pc needs a directory}
  mkdir -p "$out"
  printf 'Name: bwvoice\nDescription: Bandwidth Voice API call control (in-tree build)\nVersion: %s\nCflags: -I%s\nLibs: -L%s -Wl,-rpath,%s -lbwvoice\nLibs.private: %s\n' \
    "$VERSION" "$ROOT/include" "$BUILD_DIR" "$BUILD_DIR" "$NATIVE_STATIC_LIBS" >"$out/bwvoice.pc"
  printf 'Name: bwvoice-static\nDescription: Bandwidth Voice API call control, linked statically (in-tree build)\nVersion: %s\nCflags: -I%s\nLibs: %s/libbwvoice.a %s\n' \
    "$VERSION" "$ROOT/include" "$BUILD_DIR" "$NATIVE_STATIC_LIBS" >"$out/bwvoice-static.pc"
  exit 0
fi

if [ "$action" = uninstall ]; then
  rm -f "$d_lib/$REALNAME" "$d_lib/libbwvoice.a" "$d_inc/bwvoice.h" "$d_inc/bwvoice.hpp" \
    "$d_pc/bwvoice.pc" "$d_pc/bwvoice-static.pc" "$d_cmake/bwvoiceConfig.cmake" "$d_cmake/bwvoiceConfigVersion.cmake"
  # The links go only if they point at this version (another may be installed).
  for link in "$d_lib/$SONAME" "$d_lib/libbwvoice.so"; do
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$REALNAME" ]; then rm -f "$link"; fi
  done
  if [ -d "$d_cmake" ]; then rmdir --ignore-fail-on-non-empty "$d_cmake"; fi
  echo "uninstalled bwvoice $VERSION from ${DESTDIR}${PREFIX}"
  exit 0
fi

so=$BUILD_DIR/libbwvoice.so
for f in "$so" "$BUILD_DIR/libbwvoice.a" "$ROOT/include/bwvoice.h" "$ROOT/include/bwvoice.hpp"; do
  [ -f "$f" ] || die "$f is missing; run 'make build' first"
done
actual=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$actual" = "$SONAME" ] ||
  die "$so has soname '$actual', expected '$SONAME'; rebuild with 'make build'"
case $(readelf -h "$so" | sed -n 's/^ *Class: *//p') in
  ELF64) pointer_size=8 ;;
  ELF32) pointer_size=4 ;;
  *) die "cannot tell the ELF class of $so" ;;
esac

case $libdir in "$PREFIX"/*) pc_libdir="\${exec_prefix}${libdir#"$PREFIX"}" ;; *) pc_libdir=$libdir ;; esac
case $includedir in "$PREFIX"/*) pc_includedir="\${prefix}${includedir#"$PREFIX"}" ;; *) pc_includedir=$includedir ;; esac
cmake_rel_includedir=$(realpath -m --relative-to="$cmakedir" "$includedir")
# pkg-config and pkgconf both define ${pcfiledir}, the directory of the .pc.
pc_prefix=$PREFIX
if [ "$RELOCATABLE" = 1 ]; then pc_prefix="\${pcfiledir}/$(realpath -m --relative-to="$pcdir" "$PREFIX")"; fi

install -d "$d_lib" "$d_inc" "$d_pc" "$d_cmake"
install -m 0755 "$so" "$d_lib/$REALNAME"
ln -sfn "$REALNAME" "$d_lib/$SONAME"
ln -sfn "$REALNAME" "$d_lib/libbwvoice.so"
install -m 0644 "$BUILD_DIR/libbwvoice.a" "$d_lib/libbwvoice.a"
install -m 0644 "$ROOT/include/bwvoice.h" "$ROOT/include/bwvoice.hpp" "$d_inc/"

subst=(
  "PREFIX=$pc_prefix" "PC_LIBDIR=$pc_libdir" "PC_INCLUDEDIR=$pc_includedir"
  "VERSION=$VERSION" "MAJOR=$MAJOR" "MINOR=$MINOR" "SIZEOF_VOID_P=$pointer_size"
  "LIBS_PRIVATE=$NATIVE_STATIC_LIBS" "CMAKE_LIBS_PRIVATE=${NATIVE_STATIC_LIBS// /;}"
  "CMAKE_REL_INCLUDEDIR=$cmake_rel_includedir"
)
render "$ROOT/pkgconfig/bwvoice.pc.in" "${subst[@]}" >"$d_pc/bwvoice.pc"
render "$ROOT/pkgconfig/bwvoice-static.pc.in" "${subst[@]}" >"$d_pc/bwvoice-static.pc"
render "$ROOT/cmake/bwvoiceConfig.cmake.in" "${subst[@]}" >"$d_cmake/bwvoiceConfig.cmake"
render "$ROOT/cmake/bwvoiceConfigVersion.cmake.in" "${subst[@]}" >"$d_cmake/bwvoiceConfigVersion.cmake"
chmod 0644 "$d_pc/bwvoice.pc" "$d_pc/bwvoice-static.pc" "$d_cmake/bwvoiceConfig.cmake" "$d_cmake/bwvoiceConfigVersion.cmake"

echo "installed bwvoice $VERSION into ${DESTDIR}${PREFIX} (libraries in ${DESTDIR}${libdir})"
