package bwvoice

// #include "bwvoice.h"
import "C"

import "time"

// Go test files cannot use cgo: export_test.go hands these to the tests.

// errorRoundTrip writes e into a C bw_error as the library fills one in
// (strings truncated to their arrays, -1 for no Retry-After) and converts
// it back with newError.
func errorRoundTrip(e *Error) *Error {
	ce := C.bw_error{
		struct_size:    C.sizeof_bw_error,
		status:         C.bw_status(e.Status),
		http_status:    C.int32_t(e.HTTPStatus),
		attempts:       C.uint32_t(e.Attempts),
		retry_after_ms: -1,
		maybe_applied:  C.bool(e.MaybeApplied),
	}
	if e.RetryAfter > 0 {
		ce.retry_after_ms = C.int64_t(e.RetryAfter / time.Millisecond)
	}
	for _, f := range []struct {
		dst []C.char
		src string
	}{
		{ce.field[:], e.Field}, {ce.error_type[:], e.Type}, {ce.description[:], e.Description},
		{ce.error_id[:], e.ID}, {ce.message[:], e.Message},
	} {
		for i := 0; i < len(f.src) && i < len(f.dst)-1; i++ {
			f.dst[i] = C.char(f.src[i])
		}
	}
	return newError(ce.status, &ce)
}
