package bwvoice_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// 200 goroutines share one client; a quarter each redirect, hang up, hit
// an unknown call (404) and redirect an unanswered call (409), all at
// once. Every goroutine must get its own, correct result.
func TestSharedClientConcurrency(t *testing.T) {
	t.Parallel()
	runSharedClient(t, 200)
}

// The same under GOGC=1, so the collector runs constantly while calls are
// inside C: shakes out any Go memory the binding fails to keep alive.
// Not parallel: the GC percentage is process-wide.
func TestSharedClientConcurrencyGOGC1(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	done := make(chan struct{})
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for {
			select {
			case <-done:
				return
			default:
				runtime.GC()
			}
		}
	}()
	runSharedClient(t, 200)
	close(done)
	<-collected
}

func runSharedClient(t *testing.T, n int) {
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	ctx := context.Background()

	type job struct {
		call string
		run  func(call string, i int) error
		want bwvoice.Status // 0: success
		tag  string         // the call's tag afterwards ("" for none)
	}
	jobs := make([]job, n)
	for i := range jobs {
		switch i % 4 {
		case 0:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"), tag: fmt.Sprintf("tag-%d", i),
				run: func(call string, i int) error {
					return c.Redirect(ctx, acct, call, shared.appURL(fmt.Sprintf("g%d", i)), bwvoice.WithTag(fmt.Sprintf("tag-%d", i)))
				}}
		case 1:
			jobs[i] = job{call: fmt.Sprintf("c-unknown-%d", i), want: bwvoice.ErrNotFound,
				run: func(call string, i int) error { return c.Hangup(ctx, acct, call) }}
		case 2:
			jobs[i] = job{call: shared.createCall(t, acct, "answered"),
				run: func(call string, i int) error { return c.Hangup(ctx, acct, call) }}
		case 3:
			jobs[i] = job{call: shared.createCall(t, acct, "initiated"), want: bwvoice.ErrConflict,
				run: func(call string, i int) error {
					return c.Redirect(ctx, acct, call, shared.appURL(fmt.Sprintf("g%d", i)))
				}}
		}
	}

	errs := runAtOnce(n, func(i int) error { return jobs[i].run(jobs[i].call, i) })

	ids := map[string]int{}
	for i, err := range errs {
		j := jobs[i]
		if j.want == 0 {
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
			}
		} else {
			var e *bwvoice.Error
			if !errors.As(err, &e) || e.Status != j.want || !errors.Is(err, j.want) {
				t.Errorf("goroutine %d: got %v, want %v", i, err, j.want)
				continue
			}
			// Each failure carries its own response: the simulator gives
			// every error a fresh id.
			if prev, dup := ids[e.ID]; dup || e.ID == "" {
				t.Errorf("goroutine %d: error id %q (also seen by goroutine %d)", i, e.ID, prev)
			}
			ids[e.ID] = i
		}
	}
	if t.Failed() {
		return
	}
	for i, j := range jobs {
		if i%4 == 0 || i%4 == 2 {
			st := shared.call(t, j.call)
			if i%4 == 2 && st.State != "disconnected" {
				t.Errorf("goroutine %d: call state %q after Hangup", i, st.State)
			}
			if i%4 == 0 && deref(st.Tag) != fmt.Sprintf("%q", j.tag) {
				t.Errorf("goroutine %d: tag %s, want %q", i, deref(st.Tag), j.tag)
			}
		}
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != n {
		t.Errorf("%d requests logged, want %d", len(reqs), n)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	call := shared.createCall(t, acct, "answered")
	c := newClient(t, shared.basicOptions())
	for range 2 {
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	ctx := context.Background()
	for name, err := range everyOperation(t, ctx, c, acct, call) {
		if !errors.Is(err, bwvoice.ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", name, err)
		}
	}
	// A Client not made by NewClient behaves like a closed one.
	var zero bwvoice.Client
	if err := zero.Hangup(ctx, acct, call); !errors.Is(err, bwvoice.ErrClosed) {
		t.Errorf("zero Client: got %v, want ErrClosed", err)
	}
	if _, err := zero.GetCallState(ctx, acct, call); !errors.Is(err, bwvoice.ErrClosed) {
		t.Errorf("zero Client GetCallState: got %v, want ErrClosed", err)
	}
	if err := zero.Close(); err != nil {
		t.Errorf("zero Client Close: %v", err)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Errorf("%d requests were sent", len(reqs))
	}
}

// Close waits for the calls inside C to return before freeing the client.
func TestCloseWaitsForCallsInFlight(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	const n = 8
	c := newClient(t, shared.basicOptions())
	calls := shared.createCalls(t, acct, n)
	shared.fault(t, fault{Match: acct, Count: n, DelayMs: 300})

	results := startEach(calls, func(call string) error {
		return c.Redirect(context.Background(), acct, call, shared.appURL("slow"))
	})
	// Once the simulator has every request, every goroutine is inside C.
	waitFor(t, "the requests to reach the simulator", func() bool {
		return len(shared.accountRequests(t, acct)) == n
	})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}()
	}
	wg.Wait()
	for range n {
		if err := <-results; err != nil {
			t.Errorf("call in flight during Close: %v", err)
		}
	}
	if err := c.Hangup(context.Background(), acct, calls[0]); !errors.Is(err, bwvoice.ErrClosed) {
		t.Errorf("after Close: got %v, want ErrClosed", err)
	}
}

// Calls racing with Close either complete or get ErrClosed; nothing crashes.
func TestCloseRacingWithCalls(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	call := shared.createCall(t, acct, "answered")
	c := newClient(t, shared.basicOptions())
	const n = 100
	errs := runAtOnce(n, func(i int) error {
		if i == n/2 {
			return c.Close()
		}
		return c.Redirect(context.Background(), acct, call, shared.appURL("race"))
	})
	sent := 0
	for i, err := range errs {
		switch {
		case err == nil:
			if i != n/2 {
				sent++
			}
		case !errors.Is(err, bwvoice.ErrClosed):
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if got := len(shared.accountRequests(t, acct)); got != sent {
		t.Errorf("%d requests logged, %d calls succeeded", got, sent)
	}
}

// Clients dropped without Close are freed by the runtime cleanup: once the
// collector finds one unreachable, bw_free closes its pooled keep-alive
// connection. A client still in use keeps its connection until Close.
func TestClientWithoutClose(t *testing.T) {
	t.Parallel()
	srv := startConnCounter(t)
	opts := bwvoice.Options{BaseURL: srv.baseURL(), Username: simUser, Password: simPassword}
	const n = 20
	use := func(c *bwvoice.Client) {
		t.Helper()
		if err := c.Hangup(context.Background(), "9900000", "c-unknown"); !errors.Is(err, bwvoice.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	}
	kept := newClient(t, opts)
	use(kept)
	func() {
		for range n {
			use(newClient(t, opts))
		}
	}()
	if got := srv.opened.Load(); got != n+1 {
		t.Fatalf("%d connections opened, want one per client (%d)", got, n+1)
	}
	waitFor(t, "the dropped clients' connections to be closed", func() bool {
		runtime.GC()
		return srv.closed.Load() >= n
	})
	// kept is still referenced below: its connection is still open.
	if got := srv.closed.Load(); got != n {
		t.Errorf("%d connections closed, want %d: a client still in use lost its connection", got, n)
	}
	use(kept)
	if got := srv.opened.Load(); got != n+1 {
		t.Errorf("the kept client opened a new connection (%d in all)", got)
	}
	if err := kept.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Close to close the kept client's connection", func() bool { return srv.closed.Load() == n+1 })
}

// connCounter is a loopback HTTP server that answers every request with a
// keep-alive 404 and counts the connections it accepted and saw closed.
type connCounter struct {
	loopback
	opened, closed atomic.Int32
}

func startConnCounter(t *testing.T) *connCounter {
	t.Helper()
	s := &connCounter{}
	s.listen(t, 0, s.serve)
	return s
}

func (s *connCounter) serve(c net.Conn, _ int) {
	// Counted before the request is read, so before its answer.
	s.opened.Add(1)
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.closed.Add(1) // the client closed it
			}
			return
		}
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return
		}
		if _, err := io.WriteString(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"); err != nil {
			return
		}
	}
}
