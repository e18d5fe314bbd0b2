package bwvoice_test

// The asynchronous path: every call is submitted to the library's worker
// threads and completed through the exported callback. These tests count
// completions through the package's test hooks (export_test.go) and use
// the simulator's delay faults to hold calls in flight; they wait for
// conditions (the simulator's `wait=N`, the hooks), never for time.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// waitRequests waits, inside the simulator, until at least n logged /api
// requests have a path containing contains, and returns them.
func (s *simulator) waitRequests(t testing.TB, contains string, n int) []loggedRequest {
	t.Helper()
	var list []loggedRequest
	s.control(t, "GET", "/sim/requests?path_contains="+url.QueryEscape(contains)+"&wait="+strconv.Itoa(n), nil, &list)
	if len(list) < n {
		t.Fatalf("the simulator saw %d requests for %q, want at least %d", len(list), contains, n)
	}
	return list
}

// waitSubmitted waits until the library has accepted n calls on c.
func waitSubmitted(t testing.TB, c *bwvoice.Client, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(bwvoice.Jobs(c).Submitted) < n {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %d calls to be submitted (%d were)", n, len(bwvoice.Jobs(c).Submitted))
		}
		runtime.Gosched()
	}
}

// startHeldHangup hangs up call on c under ctx while the simulator holds
// the request for delayMs, and returns once the request has reached the
// simulator: a library thread is busy with it. The result arrives on the
// channel.
func startHeldHangup(t *testing.T, ctx context.Context, c *bwvoice.Client, acct, call string, delayMs int) chan error {
	t.Helper()
	shared.fault(t, fault{Match: call, DelayMs: delayMs})
	done := make(chan error, 1)
	go func() { done <- c.Hangup(ctx, acct, call) }()
	shared.waitRequests(t, "/calls/"+call, 1)
	return done
}

// holdOnlyWorker makes an account of the test's own and a client with
// opts and a single library thread, and keeps that thread busy with the
// hang-up of a call of the account that the simulator holds beyond the
// hang-up's 3 s deadline: calls made meanwhile wait in the queue. The
// hang-up's result, ErrTimeout once its deadline passes, arrives on the
// channel.
func holdOnlyWorker(t *testing.T, opts bwvoice.Options) (acct string, c *bwvoice.Client, heldDone chan error) {
	t.Helper()
	acct = accountID(t)
	opts.MaxConcurrency = 1
	c = shared.client(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	t.Cleanup(cancel)
	return acct, c, startHeldHangup(t, ctx, c, acct, shared.createCall(t, acct, "answered"), 60000)
}

// startQueuedHangup hangs up call on c under a context whose cancel it
// returns, and returns once the library has accepted it as c's
// submitted-th call, queued behind the held ones.
func startQueuedHangup(t *testing.T, c *bwvoice.Client, acct, call string, submitted int) (context.CancelFunc, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Hangup(ctx, acct, call) }()
	waitSubmitted(t, c, submitted)
	return cancel, done
}

// checkExactlyOnce checks that every call the library accepted on c (a
// closed client: every completion has run) completed exactly once, and
// nothing else did. It returns the completion statuses, per job.
func checkExactlyOnce(t *testing.T, c *bwvoice.Client) map[uint64]bwvoice.Status {
	t.Helper()
	log := bwvoice.Jobs(c)
	out := map[uint64]bwvoice.Status{}
	for _, job := range log.Submitted {
		if _, dup := out[job]; dup {
			t.Errorf("job id %d was given out twice", job)
		}
		got := log.Completions[job]
		if len(got) != 1 {
			t.Errorf("job %d: %d completions %v, want exactly one", job, len(got), got)
			continue
		}
		out[job] = got[0]
	}
	for job, got := range log.Completions {
		if !slices.Contains(log.Submitted, job) {
			t.Errorf("completion %v for job %d, which was never submitted", got, job)
		}
	}
	return out
}

// osThreads is the process's current number of OS threads.
func osThreads(t testing.TB) int {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no Threads: line in /proc/self/status (%v)", sc.Err())
	return 0
}

// Every call the library accepts completes exactly once, whatever its
// outcome: success, each kind of failure, or a caller that stopped waiting
// (a context cancelled while the call is queued or running, whose late
// completion must still arrive once). Calls refused before queueing
// (invalid arguments) never complete. The completions' statuses are the
// callers' results.
func TestAsyncCompletesExactlyOnce(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	opts := shared.basicOptions()
	opts.MaxConcurrency = 4 // most calls wait in the queue
	c := newClient(t, opts)
	const kinds = 9
	const n = kinds * 20
	type job struct {
		call string
		run  func(ctx context.Context, call string) error
		want bwvoice.Status // 0: success
		stop bool           // its context is cancelled while it runs
	}
	jobs := make([]job, n)
	for i := range jobs {
		switch i % kinds {
		case 0:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), run: func(ctx context.Context, call string) error {
				return c.Redirect(ctx, acct, call, shared.appURL("once"))
			}}
		case 1:
			jobs[i] = job{call: fmt.Sprintf("c-unknown-%d", i), want: bwvoice.ErrNotFound, run: func(ctx context.Context, call string) error {
				return c.Hangup(ctx, acct, call)
			}}
		case 2:
			jobs[i] = job{call: shared.createCall(t, acct, "initiated"), want: bwvoice.ErrConflict, run: func(ctx context.Context, call string) error {
				return c.Redirect(ctx, acct, call, shared.appURL("once"))
			}}
		case 3:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), run: func(ctx context.Context, call string) error {
				st, err := c.GetCallState(ctx, acct, call)
				if err == nil && (st == nil || st.CallID != call) {
					return fmt.Errorf("GetCallState(%s) returned %+v", call, st)
				}
				return err
			}}
		case 4:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), want: bwvoice.ErrBadRequest, run: func(ctx context.Context, call string) error {
				return c.PauseRecording(ctx, acct, call) // no recording in progress
			}}
		case 5:
			call := shared.createCall(t, acct, "answered")
			shared.fault(t, fault{Match: call, Status: 403})
			jobs[i] = job{call: call, want: bwvoice.ErrForbidden, run: func(ctx context.Context, call string) error {
				return c.Hangup(ctx, acct, call)
			}}
		case 6:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), run: func(ctx context.Context, call string) error {
				return c.UpdateCallBXML(ctx, acct, call, simpleBXML)
			}}
		case 7: // refused by the library before anything is queued
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), want: bwvoice.ErrInvalidArgument, run: func(ctx context.Context, call string) error {
				return c.Redirect(ctx, acct, call, "")
			}}
		case 8:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), stop: true, run: func(ctx context.Context, call string) error {
				return c.Hangup(ctx, acct, call)
			}}
		}
	}

	// The contexts are made before the calls are released, so that the
	// stopped ones' cancels are already on their way.
	ctxs := make([]context.Context, n)
	for i := range jobs {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if jobs[i].stop {
			go cancel() // races with the submit, the queue and the worker
		}
		ctxs[i] = ctx
	}
	errs := runAtOnce(n, func(i int) error { return jobs[i].run(ctxs[i], jobs[i].call) })
	// Close waits for the completions of the calls whose callers stopped
	// waiting; after it, nothing more can complete.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// What the callers saw, per status (0: success), the cancelled aside.
	seen := map[bwvoice.Status]int{}
	invalid := 0
	for i, err := range errs {
		j := jobs[i]
		if j.stop {
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("goroutine %d (cancelled): %v", i, err)
			}
			continue
		}
		if j.want == 0 {
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
			}
			seen[0]++
			continue
		}
		var e *bwvoice.Error
		if !errors.As(err, &e) || e.Status != j.want {
			t.Errorf("goroutine %d: got %v, want %v", i, err, j.want)
			continue
		}
		if j.want == bwvoice.ErrInvalidArgument {
			invalid++
		} else {
			seen[j.want]++
		}
	}
	done := checkExactlyOnce(t, c)
	completed := map[bwvoice.Status]int{}
	for _, st := range done {
		completed[st]++
	}
	// Invalid calls were never queued: every other one was, except the
	// cancelled ones whose context was done before they were submitted.
	stopped := n / kinds
	if got, lo, hi := len(done), n-invalid-stopped, n-invalid; got < lo || got > hi {
		t.Errorf("%d calls completed, want %d to %d", got, lo, hi)
	}
	if completed[bwvoice.ErrInvalidArgument] != 0 {
		t.Errorf("%d invalid calls completed", completed[bwvoice.ErrInvalidArgument])
	}
	// Each caller's result is its call's completion; the rest are the
	// cancelled callers' calls (success, or cancelled in the library).
	extra := 0
	for _, st := range []bwvoice.Status{0, bwvoice.ErrNotFound, bwvoice.ErrConflict, bwvoice.ErrBadRequest, bwvoice.ErrForbidden, bwvoice.ErrCancelled} {
		if completed[st] < seen[st] {
			t.Errorf("%d completions with status %v, but %d callers saw it", completed[st], st, seen[st])
		}
		extra += completed[st] - seen[st]
		delete(completed, st)
	}
	if len(completed) != 0 {
		t.Errorf("unexpected completions (status: count): %v", completed)
	}
	if extra > stopped {
		t.Errorf("%d completions beyond the callers' results, want at most %d", extra, stopped)
	}
	if len(shared.requests(t, "/accounts/"+acct+"/calls/c-unknown-")) != n/kinds {
		t.Errorf("the unknown-call hang-ups were not each sent once")
	}
}

// Goroutines waiting for calls hold no OS thread: 2,000 concurrent
// hang-ups, 64 of them held by the simulator and the rest queued, run on
// MaxConcurrency library threads plus the Go runtime's own (up to one per
// P, and a few more), where the blocking cgo path used one thread per
// waiting goroutine: about 2,000. Not parallel: other tests' clients would
// add their own worker threads. With contexts nothing can cancel, up to
// GOMAXPROCS of the calls run inline, each on its caller's thread, inside
// the same bound (and those count as submitted once they return).
func TestAsyncGoroutinesHoldNoThreads(t *testing.T) {
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.Run("cancellable", func(t *testing.T) { goroutinesHoldNoThreads(t, cancellable, 0) })
	t.Run("uncancellable", func(t *testing.T) {
		goroutinesHoldNoThreads(t, context.Background(), runtime.GOMAXPROCS(0))
	})
}

func goroutinesHoldNoThreads(t *testing.T, ctx context.Context, inline int) {
	const n = 2000
	const maxConcurrency = 64
	margin := 50 + runtime.GOMAXPROCS(0)
	sim := newSimulator(t) // stopped below, to release the held calls
	acct := accountID(t)
	opts := sim.basicOptions()
	opts.MaxConcurrency = maxConcurrency
	opts.MaxAttempts = 1 // once the simulator is gone, fail fast
	c := newClient(t, opts)
	sim.fault(t, fault{Match: acct, Count: maxConcurrency, DelayMs: 60000})
	before := osThreads(t)

	results := make(chan error, n)
	for i := range n {
		go func() { results <- c.Hangup(ctx, acct, fmt.Sprintf("c-%d", i)) }()
	}
	// Every call is submitted, every worker is inside a held request, and
	// nothing can complete before the simulator is stopped: n goroutines
	// are waiting right now.
	waitSubmitted(t, c, n-inline)
	sim.waitRequests(t, "/accounts/"+acct+"/", maxConcurrency)
	inFlight := osThreads(t)
	t.Logf("OS threads: %d before, %d with %d calls in flight (MaxConcurrency %d, GOMAXPROCS %d)",
		before, inFlight, n, maxConcurrency, runtime.GOMAXPROCS(0))
	if inFlight > maxConcurrency+margin {
		t.Errorf("%d OS threads with %d calls in flight, want at most MaxConcurrency+50+GOMAXPROCS = %d",
			inFlight, n, maxConcurrency+margin)
	}
	if done := len(bwvoice.Jobs(c).Completions); done != 0 {
		t.Errorf("%d calls completed while the simulator held every worker", done)
	}

	sim.stop() // the held calls fail, the queued ones are refused
	for range n {
		var e *bwvoice.Error
		if err := <-results; !errors.As(err, &e) {
			t.Errorf("got %v, want an *Error from the stopped simulator", err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if done := checkExactlyOnce(t, c); len(done) != n {
		t.Errorf("%d calls completed, want %d", len(done), n)
	}
}

// Cancelling the context of a queued call returns context.Canceled at
// once, without waiting for a worker, and the call is never sent.
func TestAsyncCancelQueuedCall(t *testing.T) {
	t.Parallel()
	// The only worker runs the held call until its deadline.
	acct, c, heldDone := holdOnlyWorker(t, shared.basicOptions())
	queued := shared.createCall(t, acct, "answered")
	cancel, queuedDone := startQueuedHangup(t, c, acct, queued, 2)
	cancel()
	if err := <-queuedDone; err != context.Canceled {
		t.Fatalf("cancelled queued call: got %v, want context.Canceled", err)
	}
	// It returned while the worker was still busy with the held call.
	select {
	case err := <-heldDone:
		t.Errorf("the held call returned first (%v): the cancelled call waited for the worker", err)
		heldDone <- err
	default:
	}

	err := <-heldDone
	asError(t, err, bwvoice.ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("held call: %v does not match context.DeadlineExceeded", err)
	}
	// Close waits for the queued call's completion: after it, the call
	// can no longer be sent.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	done := checkExactlyOnce(t, c)
	if job := bwvoice.Jobs(c).Submitted[1]; done[job] != bwvoice.ErrCancelled {
		t.Errorf("the cancelled call completed with %v, want ErrCancelled", done[job])
	}
	if reqs := shared.requests(t, "/calls/"+queued); len(reqs) != 0 {
		t.Errorf("the cancelled call was sent: %+v", reqs)
	}
	if st := shared.call(t, queued); st.State != "answered" {
		t.Errorf("the cancelled call's state is %q, want answered", st.State)
	}
}

// Cancelling the context of a running call also returns at once; the
// request already sent still completes (here it takes effect), and its
// completion still arrives exactly once.
func TestAsyncCancelRunningCall(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := newClient(t, shared.basicOptions())
	call := shared.createCall(t, acct, "answered")
	ctx, cancel := context.WithCancel(context.Background())
	done := startHeldHangup(t, ctx, c, acct, call, 500)
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if err := c.Close(); err != nil { // waits for the late completion
		t.Fatal(err)
	}
	if got := checkExactlyOnce(t, c); len(got) != 1 {
		t.Errorf("%d completions, want 1", len(got))
	}
	if st := shared.call(t, call); st.State != "disconnected" {
		t.Errorf("call state %q: the hang-up sent before the cancel did not take effect", st.State)
	}
	if reqs := shared.requests(t, "/calls/"+call); len(reqs) != 1 {
		t.Errorf("%d requests, want 1 (no retry after the cancel)", len(reqs))
	}
}

// A full queue is ErrBusy at once, nothing queued or sent.
func TestAsyncBusy(t *testing.T) {
	t.Parallel()
	opts := shared.basicOptions()
	opts.MaxQueued = 1
	acct, c, heldDone := holdOnlyWorker(t, opts)
	queued := shared.createCall(t, acct, "answered")
	refused := shared.createCall(t, acct, "answered")
	cancel, queuedDone := startQueuedHangup(t, c, acct, queued, 2)

	err := c.Hangup(context.Background(), acct, refused)
	e := asError(t, err, bwvoice.ErrBusy)
	if e.Attempts != 0 || e.HTTPStatus != 0 || e.MaybeApplied {
		t.Errorf("Attempts %d HTTPStatus %d MaybeApplied %v", e.Attempts, e.HTTPStatus, e.MaybeApplied)
	}
	if _, err := c.GetCallState(context.Background(), acct, refused); !errors.Is(err, bwvoice.ErrBusy) {
		t.Errorf("GetCallState with a full queue: got %v, want ErrBusy", err)
	}
	if got := len(bwvoice.Jobs(c).Submitted); got != 2 {
		t.Errorf("%d calls submitted, want 2", got)
	}

	cancel()
	if err := <-queuedDone; err != context.Canceled {
		t.Errorf("queued call: got %v, want context.Canceled", err)
	}
	asError(t, <-heldDone, bwvoice.ErrTimeout)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, c)
	for _, call := range []string{queued, refused} {
		if reqs := shared.requests(t, "/calls/"+call); len(reqs) != 0 {
			t.Errorf("call %s was sent: %+v", call, reqs)
		}
	}
}

// Close with calls queued and running: new calls get ErrClosed at once,
// the pending calls are all sent and complete normally, and only then
// does Close return.
func TestAsyncCloseWithCallsPending(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	const n = 4
	opts := shared.basicOptions()
	opts.MaxConcurrency = 1 // one running, the others queued
	c := newClient(t, opts)
	calls := shared.createCalls(t, acct, n)
	shared.fault(t, fault{Match: acct, Count: n, DelayMs: 100})
	results := startEach(calls, func(call string) error { return c.Hangup(context.Background(), acct, call) })
	waitSubmitted(t, c, n)

	closed := make(chan int, 1)
	go func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		closed <- len(bwvoice.Jobs(c).Completions)
	}()
	// An invalid call reaches the library (ErrInvalidArgument, nothing
	// queued) until Close has begun; from then on it is ErrClosed.
	for {
		err := c.Hangup(context.Background(), "", "x")
		if errors.Is(err, bwvoice.ErrClosed) {
			break
		}
		asError(t, err, bwvoice.ErrInvalidArgument)
		runtime.Gosched()
	}
	if err := c.Hangup(context.Background(), acct, calls[0]); !errors.Is(err, bwvoice.ErrClosed) {
		t.Errorf("a call after Close began: got %v, want ErrClosed", err)
	}
	if done := <-closed; done != n {
		t.Errorf("Close returned after %d of %d completions", done, n)
	}
	for range n {
		if err := <-results; err != nil {
			t.Errorf("call pending during Close: %v", err)
		}
	}
	checkExactlyOnce(t, c)
	for _, call := range calls {
		if st := shared.call(t, call); st.State != "disconnected" {
			t.Errorf("call %s: state %q after Close, want disconnected", call, st.State)
		}
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != n {
		t.Errorf("%d requests, want %d", len(reqs), n)
	}
}

// The deadline of a queued call is enforced by the library, which was
// given it: once a worker is free the call fails with ErrTimeout (matching
// context.DeadlineExceeded) without being sent.
func TestAsyncDeadlineOfQueuedCall(t *testing.T) {
	t.Parallel()
	acct, c, heldDone := holdOnlyWorker(t, shared.basicOptions())
	queued := shared.createCall(t, acct, "answered")

	// Its deadline passes while the worker is still busy with the held call.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := c.Hangup(ctx, acct, queued)
	e := asError(t, err, bwvoice.ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not match context.DeadlineExceeded", err)
	}
	if e.MaybeApplied || e.HTTPStatus != 0 {
		t.Errorf("MaybeApplied %v HTTPStatus %d: the queued call was sent?", e.MaybeApplied, e.HTTPStatus)
	}
	asError(t, <-heldDone, bwvoice.ErrTimeout)
	if reqs := shared.requests(t, "/calls/"+queued); len(reqs) != 0 {
		t.Errorf("the timed-out queued call was sent: %+v", reqs)
	}
	if st := shared.call(t, queued); st.State != "answered" {
		t.Errorf("state %q, want answered", st.State)
	}
}

// eventFDs counts the process's open eventfds (/proc/self/fd).
func eventFDs(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	n := 0
	for _, e := range entries {
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && link == "anon_inode:[eventfd]" {
			n++
		}
	}
	return n
}

// readerGoroutines counts the goroutines delivering completions and
// events, one per live client.
func readerGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "bindings/go.(*reader).run(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Each client has one eventfd and one reader goroutine. Close, with a call
// running and a cancelled one still queued, delivers both completions (and
// the running call's events) before it returns, closes the eventfd, and
// the goroutine exits; so do those of a client dropped without Close, once
// it is collected. Not parallel: it counts the whole process's.
func TestReaderReleasedAfterClose(t *testing.T) {
	fds0, readers0 := eventFDs(t), readerGoroutines()
	acct := accountID(t)
	var rec recorder
	opts := shared.basicOptions()
	opts.MaxConcurrency = 1
	opts.OnEvent = rec.on
	c := newClient(t, opts)
	if fds := eventFDs(t); fds != fds0+1 {
		t.Errorf("with a client: %d eventfds, want %d", fds, fds0+1)
	}
	// (Until it first runs, the goroutine's stack does not show run yet.)
	waitFor(t, "the client's reader goroutine", func() bool {
		runtime.Gosched()
		return readerGoroutines() == readers0+1
	})
	held := shared.createCall(t, acct, "answered")
	queued := shared.createCall(t, acct, "answered")
	heldDone := startHeldHangup(t, context.Background(), c, acct, held, 300)
	cancel, queuedDone := startQueuedHangup(t, c, acct, queued, 2)
	cancel()
	if err := <-queuedDone; err != context.Canceled {
		t.Fatalf("cancelled call: %v", err)
	}

	if err := c.Close(); err != nil { // waits for both completions
		t.Fatal(err)
	}
	if fds := eventFDs(t); fds != fds0 {
		t.Errorf("after Close: %d eventfds, want %d", fds, fds0)
	}
	if err := <-heldDone; err != nil {
		t.Errorf("the call running during Close: %v", err)
	}
	done := checkExactlyOnce(t, c)
	if len(done) != 2 || done[bwvoice.Jobs(c).Submitted[1]] != bwvoice.ErrCancelled {
		t.Errorf("completions %v, want the held call's and the cancelled one's", done)
	}
	if got := rec.take(); !sameKinds(got, bwvoice.EventAttemptEnd, bwvoice.EventCallEnd) || got[1].CallID != held {
		t.Errorf("events delivered by Close: %+v, want the held call's attempt and end", got)
	}
	waitFor(t, "the reader goroutine to exit", func() bool { return readerGoroutines() == readers0 })
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	// A client dropped without Close: its cleanup frees it and stops its reader.
	func() {
		c := newClient(t, shared.basicOptions())
		asError(t, c.Hangup(context.Background(), acct, "c-unknown"), bwvoice.ErrNotFound)
	}()
	waitFor(t, "the dropped client's eventfd and reader to be released", func() bool {
		runtime.GC()
		return eventFDs(t) == fds0 && readerGoroutines() == readers0
	})
}
