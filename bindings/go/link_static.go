//go:build bwvoice_static

package bwvoice

// With -tags bwvoice_static the package links through the bwvoice-static
// pkg-config module, whose Libs name the archive (libbwvoice.a) and the
// system libraries the Rust standard library needs: one self-contained
// binary, even where libbwvoice.so sits next to the archive (make install,
// the release tarball). See README.md, "Static linking".

// #cgo pkg-config: bwvoice-static
import "C"
