package bwvoice

// The completion side of the asynchronous C calls. This file holds the
// //export, so its preamble may only declare; the C shims that pass
// bwvoice_completed to the bw_*_async functions are in bwvoice.go.

/*
#include <stdint.h>
#include "bwvoice.h"
*/
import "C"

import "runtime/cgo"

// pending is one submitted call, reached from its completion through the
// cgo.Handle passed to C as userdata.
type pending struct {
	client *Client     // keeps the Client reachable until the call completes
	done   chan result // buffered (1): the completion never blocks
}

// result is a completed call, copied out of the library's memory.
type result struct {
	state *CallState // GetCallState's answer; nil otherwise
	err   error      // nil, or the *Error of the failure
}

// testHooks, when not nil, sees every call submitted and every completion
// delivered. Only the package's own tests set it, before any Client exists.
var testHooks *hooks

type hooks struct {
	submitted func(c *Client, job uint64)
	completed func(c *Client, job uint64, status Status)
}

// bwvoiceCompleted is the body of bwvoice_completed, the bw_completion_fn
// of every call. The library calls it exactly once per submitted call, on
// one of its own threads, with err and state valid during the call only:
// it copies the outcome into Go memory, releases the handle and hands the
// result to the waiting goroutine. It takes no lock and never blocks, so it
// cannot deadlock with Close (which waits for it) or with a caller that has
// stopped waiting (the buffered channel is then simply dropped).
//
//export bwvoiceCompleted
func bwvoiceCompleted(handle C.uintptr_t, job C.uint64_t, status C.bw_status, cerr *C.bw_error, state *C.bw_call_state) {
	h := cgo.Handle(handle)
	p := h.Value().(*pending)
	h.Delete()
	var r result
	if status != C.BW_OK {
		r.err = newError(status, cerr)
	} else if state != nil {
		r.state, r.err = newCallState(state)
	}
	if testHooks != nil {
		testHooks.completed(p.client, uint64(job), Status(status))
	}
	p.done <- r
	p.client.inflight.Done()
}
