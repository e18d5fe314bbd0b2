package bwvoice_test

// Helpers the tests of several files share: how they start (an account, a
// client, a call), how they race goroutines, the raw loopback servers, and
// the checks of errors that more than one test makes.

import (
	"context"
	"net"
	"sync"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// newClient makes a client the test closes itself, to check what Close
// does (simulator.client closes it at the end of the test instead).
func newClient(t testing.TB, opts bwvoice.Options) *bwvoice.Client {
	t.Helper()
	c, err := bwvoice.NewClient(opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// withCall is what most tests start from: an account of their own, a
// client with opts (closed at the end of the test) and a call in state
// ("answered" or "initiated") on the shared simulator.
func withCall(t *testing.T, opts bwvoice.Options, state string) (acct string, c *bwvoice.Client, call string) {
	t.Helper()
	acct = accountID(t)
	return acct, shared.client(t, opts), shared.createCall(t, acct, state)
}

// withRecordedCall is withCall with an answered call whose recording is in
// progress, as the recording operations need.
func withRecordedCall(t *testing.T, opts bwvoice.Options) (acct string, c *bwvoice.Client, call string) {
	t.Helper()
	acct = accountID(t)
	return acct, shared.client(t, opts), shared.createRecordedCall(t, acct)
}

// createCalls creates n answered calls of accountID.
func (s *simulator) createCalls(t testing.TB, accountID string, n int) []string {
	t.Helper()
	calls := make([]string, n)
	for i := range calls {
		calls[i] = s.createCall(t, accountID, "answered")
	}
	return calls
}

// runAtOnce runs f(0) to f(n-1), each in a goroutine of its own, all
// released together so that they race, and returns their results once
// every one has returned.
func runAtOnce(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// startEach runs f(call) for every call, each in a goroutine of its own,
// and returns the channel their results arrive on.
func startEach(calls []string, f func(call string) error) <-chan error {
	results := make(chan error, len(calls))
	for _, call := range calls {
		go func() { results <- f(call) }()
	}
	return results
}

// everyOperation calls each of c's operations on call under ctx and returns
// their errors by name, for a test in which none of them may be sent.
// GetCallState's error comes with the check that it returned no state (and
// the newer operations' with theirs, see newOperations).
func everyOperation(t *testing.T, ctx context.Context, c *bwvoice.Client, acct, call string) map[string]error {
	t.Helper()
	st, getErr := c.GetCallState(ctx, acct, call)
	if st != nil {
		t.Errorf("GetCallState returned a state: %+v", st)
	}
	next := shared.appURL("next")
	errs := newOperations(t, ctx, c, acct, call)
	for name, err := range map[string]error{
		"Redirect":             c.Redirect(ctx, acct, call, next),
		"Hangup":               c.Hangup(ctx, acct, call),
		"ModifyCall completed": c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.CallStateCompleted}),
		"ModifyCall redirect":  c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{RedirectURL: next}),
		"GetCallState":         getErr,
		"UpdateCallBXML":       c.UpdateCallBXML(ctx, acct, call, simpleBXML),
		"PauseRecording":       c.PauseRecording(ctx, acct, call),
		"ResumeRecording":      c.ResumeRecording(ctx, acct, call),
	} {
		errs[name] = err
	}
	return errs
}

// checkRefused checks that err is the library refusing an argument before
// sending anything: ErrInvalidArgument naming field, with no attempt, no
// HTTP status and no possible effect. what says which call it was.
func checkRefused(t testing.TB, what string, err error, field string) *bwvoice.Error {
	t.Helper()
	e := asError(t, err, bwvoice.ErrInvalidArgument)
	if e.Field != field || e.Attempts != 0 || e.HTTPStatus != 0 || e.MaybeApplied {
		t.Errorf("%s: Field %q (want %q) Attempts %d HTTPStatus %d MaybeApplied %v: %v",
			what, e.Field, field, e.Attempts, e.HTTPStatus, e.MaybeApplied, e)
	}
	return e
}

// checkOptionsRefused checks that NewClient refuses opts, naming field,
// and makes no client.
func checkOptionsRefused(t testing.TB, what string, opts bwvoice.Options, field string) {
	t.Helper()
	c, err := bwvoice.NewClient(opts)
	if c != nil {
		t.Errorf("%s: NewClient returned a client with error %v", what, err)
		_ = c.Close()
	}
	if e := asError(t, err, bwvoice.ErrInvalidArgument); e.Field != field {
		t.Errorf("%s: Field %q, want %q (%v)", what, e.Field, field, e)
	}
}

// loopback is what the tests' hand-written servers share: a listener on
// 127.0.0.1, the connections it accepted and the goroutines serving them.
// At the end of the test (after the clients, which are made later) the
// listener and every connection are closed and the goroutines waited for.
type loopback struct {
	ln      net.Listener
	wg      sync.WaitGroup
	connsMu sync.Mutex
	conns   []net.Conn
}

// listen accepts up to maxConns connections (0: any number), and serves
// the i-th (from 0) with serve(c, i) in a goroutine of its own, which
// closes c when serve returns.
func (l *loopback) listen(t *testing.T, maxConns int, serve func(c net.Conn, i int)) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.ln = ln
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for i := 0; maxConns == 0 || i < maxConns; i++ {
			c, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			l.connsMu.Lock()
			l.conns = append(l.conns, c)
			l.connsMu.Unlock()
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				defer c.Close()
				serve(c, i)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		l.connsMu.Lock()
		for _, c := range l.conns {
			_ = c.Close()
		}
		l.connsMu.Unlock()
		l.wg.Wait()
	})
}

func (l *loopback) baseURL() string { return "http://" + l.ln.Addr().String() + "/api/v2" }
