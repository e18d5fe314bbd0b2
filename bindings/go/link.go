//go:build !bwvoice_static

package bwvoice

// Default: link against the shared libbwvoice found through pkg-config
// (an installed bwvoice.pc, or the repository's target/pkgconfig/bwvoice.pc
// written by `make test-go` / `make demo`).

// #cgo pkg-config: bwvoice
import "C"
