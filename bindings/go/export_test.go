package bwvoice

// For the tests in package bwvoice_test, which cannot use cgo.

import (
	"sync"
	"weak"
)

// HeaderVersionNumber is BW_VERSION_NUMBER of the bwvoice.h compiled in.
const HeaderVersionNumber = headerVersion

// jobs records, per client, the job ids the library accepted and every
// completion delivered for them. Clients are keyed weakly, so a recorded
// client can still be collected (TestClientWithoutClose relies on it).
var jobs = struct {
	sync.Mutex
	byClient map[weak.Pointer[Client]]*JobLog
}{byClient: map[weak.Pointer[Client]]*JobLog{}}

// JobLog is what the hooks saw for one client.
type JobLog struct {
	// Submitted lists the job ids of the calls the library queued, in the
	// order the binding learnt them.
	Submitted []uint64
	// Completions lists, per job id, the status of every completion
	// delivered for it (exactly one each, unless something is wrong).
	Completions map[uint64][]Status
}

func init() {
	testHooks = &hooks{
		submitted: func(c *Client, job uint64) {
			jobs.Lock()
			defer jobs.Unlock()
			l := jobLogLocked(c)
			l.Submitted = append(l.Submitted, job)
		},
		completed: func(c *Client, job uint64, status Status) {
			jobs.Lock()
			defer jobs.Unlock()
			l := jobLogLocked(c)
			l.Completions[job] = append(l.Completions[job], status)
		},
	}
}

func jobLogLocked(c *Client) *JobLog {
	k := weak.Make(c)
	l := jobs.byClient[k]
	if l == nil {
		l = &JobLog{Completions: map[uint64][]Status{}}
		jobs.byClient[k] = l
	}
	return l
}

// Jobs returns a copy of what the hooks have seen for c so far.
func Jobs(c *Client) JobLog {
	jobs.Lock()
	defer jobs.Unlock()
	l := jobLogLocked(c)
	out := JobLog{Submitted: append([]uint64(nil), l.Submitted...), Completions: map[uint64][]Status{}}
	for job, st := range l.Completions {
		out.Completions[job] = append([]Status(nil), st...)
	}
	return out
}

// EventHook reports whether c installed the library's on_event hook, and
// the event_mask it gave (0: every event).
func EventHook(c *Client) (installed bool, mask uint32) {
	return c.hooked, c.eventMask
}
