//go:build bwvoice_static

package bwvoice

// With -tags bwvoice_static the library is linked with `pkg-config --static`,
// so Libs.private (the Rust standard library's system dependencies) is added
// and a bwvoice.pc whose Libs name the archive (libbwvoice.a) produces one
// self-contained binary. See README.md, "Static linking".

// #cgo pkg-config: --static bwvoice
import "C"
