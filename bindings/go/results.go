package bwvoice

// What the operations share beyond bwvoice.go: reading a completion's
// result by its kind, and converting the kinds of values the newer
// requests carry (optional booleans, seconds, counts, nested structs and
// string arrays in C memory).

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bwvoice.h"
*/
import "C"

import (
	"context"
	"math"
	"time"
	"unsafe"
)

// resultValue copies the result of a successful call into Go memory, by
// its kind: *CallState, *CreatedCall, *CallPage, *Conference or
// *ConferenceMember; nil for an operation without a value (or a result
// the library could not keep, which doResult reports).
func resultValue(res *C.bw_result) (any, error) {
	switch C.bw_result_kind(res) {
	case C.BW_RESULT_CALL_STATE:
		return nonNil(newCallState(C.bw_result_call_state(res)))
	case C.BW_RESULT_CREATED_CALL:
		return nonNil(newCreatedCall(C.bw_result_created_call(res)))
	case C.BW_RESULT_CALL_PAGE:
		return nonNil(newCallPage(C.bw_result_call_page(res)))
	case C.BW_RESULT_CONFERENCE:
		return nonNil(newConference(C.bw_result_conference(res)))
	case C.BW_RESULT_CONFERENCE_MEMBER:
		return nonNil(newConferenceMember(C.bw_result_conference_member(res)))
	}
	return nil, nil
}

// nonNil returns v as an any that is nil when v is, so that a failed
// conversion never reads as a typed nil result.
func nonNil[T any](v *T, err error) (any, error) {
	if v == nil {
		return nil, err
	}
	return v, err
}

// doResult runs op with do and returns its result, which must be a *T;
// what names the C type in the error for a completion without one.
func doResult[T any](ctx context.Context, c *Client, cs *cstrings, what string, op submitFn) (*T, error) {
	v, err := c.do(ctx, cs, op)
	if err != nil {
		return nil, err
	}
	r, ok := v.(*T)
	if !ok || r == nil {
		return nil, &Error{Status: ErrInternal, Message: "bwvoice: the library completed the call without a " + what}
	}
	return r, nil
}

// tooSmall is the error for a library-made struct smaller than this
// binding's bwvoice.h says (bw_version_compatible, checked by NewClient,
// rules it out).
func tooSmall(what string) *Error {
	return &Error{Status: ErrInternal, Message: "bwvoice: the library returned a " + what + " smaller than this binding's bwvoice.h"}
}

// structPointers returns the n pointers of an array the library made of
// pointers to a struct that begins with its struct_size (bw_call_state,
// bw_conference_member), or false if one is NULL or smaller than size (this
// header's sizeof).
func structPointers[T any](p **T, n C.size_t, size uintptr) ([]*T, bool) {
	if n == 0 {
		return nil, true
	}
	if p == nil {
		return nil, false
	}
	out := unsafe.Slice(p, int(n))
	for _, element := range out {
		if element == nil || uintptr(*(*C.uint32_t)(unsafe.Pointer(element))) < size {
			return nil, false
		}
	}
	return append([]*T(nil), out...), true
}

// goStrings copies n C strings (NULL ones as "").
func goStrings(p **C.char, n C.size_t) []string {
	if p == nil || n == 0 {
		return nil
	}
	out := make([]string, int(n))
	for i, s := range unsafe.Slice(p, int(n)) {
		out[i] = C.GoString(s)
	}
	return out
}

// Bool returns a pointer to v, for the optional booleans of a request
// (CreateCallRequest.Privacy, UpdateConferenceMemberRequest.Mute, ...):
// nil is "not set, not sent".
func Bool(v bool) *bool { return &v }

// optionalBool converts an optional boolean to BW_BOOL_*.
func optionalBool(v *bool) C.int32_t {
	switch {
	case v == nil:
		return C.BW_BOOL_UNSET
	case *v:
		return C.BW_BOOL_TRUE
	}
	return C.BW_BOOL_FALSE
}

// reportedBool converts a result's BW_BOOL_*: nil when not reported.
func reportedBool(v C.int32_t) *bool {
	switch v {
	case C.BW_BOOL_TRUE:
		return Bool(true)
	case C.BW_BOOL_FALSE:
		return Bool(false)
	}
	return nil
}

// seconds converts a request's duration to the C seconds (0 stays 0:
// not sent). Fractions are kept: the library decides where they are
// allowed.
func seconds(d time.Duration) C.double { return C.double(d.Seconds()) }

// secondsDuration converts a result's seconds (0 when not reported).
func secondsDuration(s C.double) time.Duration {
	return time.Duration(math.Round(float64(s) * float64(time.Second)))
}

// count converts a Go count to a C uint32_t (0 stays 0: not sent); a value
// C cannot hold is remembered in cs.err, like a string with a NUL.
func (cs *cstrings) count(field string, n int) C.uint32_t {
	if cs.err == nil && (n < 0 || int64(n) > math.MaxUint32) {
		cs.err = invalidArgument(field, field+" is out of range")
	}
	if cs.err != nil {
		return 0
	}
	return C.uint32_t(n)
}

// alloc returns size zeroed bytes of C memory, freed with the strings:
// for what a request points to, which cgo forbids in Go memory.
func (cs *cstrings) alloc(size C.size_t) unsafe.Pointer {
	p := C.malloc(size) // cgo's malloc never returns NULL
	C.memset(p, 0, size)
	cs.ptrs = append(cs.ptrs, p)
	return p
}

// array returns a C array of C copies of ss (non-NULL even when empty,
// which differs from "not set"), or NULL for a nil slice.
func (cs *cstrings) array(field string, ss []string) (**C.char, C.size_t) {
	if ss == nil || cs.err != nil {
		return nil, 0
	}
	ptrSize := C.size_t(unsafe.Sizeof((*C.char)(nil)))
	arr := (**C.char)(cs.alloc(ptrSize * C.size_t(max(len(ss), 1))))
	elems := unsafe.Slice(arr, max(len(ss), 1))
	for i, s := range ss {
		elems[i] = cs.required(field, s)
	}
	return arr, C.size_t(len(ss))
}

// rfc3339 formats a request's time as RFC 3339 in UTC ("" for the zero
// time: not sent).
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
