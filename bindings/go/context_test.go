package bwvoice_test

import (
	"context"
	"errors"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// A context that is already done returns ctx.Err() and sends nothing.
func TestDoneContextSendsNothing(t *testing.T) {
	t.Parallel()
	acct, c, call := withRecordedCall(t, shared.basicOptions())

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()

	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{canceled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		for name, err := range everyOperation(t, tc.ctx, c, acct, call) {
			if err != tc.want {
				t.Errorf("%s: got %v, want %v", name, err, tc.want)
			}
		}
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Errorf("%d requests were sent", len(reqs))
	}
	if st := shared.call(t, call); st.State != "answered" || st.BXML != nil || deref(st.Recording) != `"recording"` {
		t.Errorf("call state %q, BXML %s, recording %s", st.State, deref(st.BXML), deref(st.Recording))
	}
}

// checkDeadlineRunsOut runs call under a 200 ms deadline, which runs out
// while the simulator holds the request (3 s): the error is both ErrTimeout
// and context.DeadlineExceeded, after one attempt that got no answer.
func checkDeadlineRunsOut(t *testing.T, call func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := call(ctx)
	e := asError(t, err, bwvoice.ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
	}
	if e.Attempts != 1 || e.HTTPStatus != 0 {
		t.Errorf("Attempts %d HTTPStatus %d", e.Attempts, e.HTTPStatus)
	}
}

// checkClientTimeout checks the error of a call whose Options.Timeout ran
// out: an ErrTimeout, but not the context's.
func checkClientTimeout(t *testing.T, err error) {
	t.Helper()
	asError(t, err, bwvoice.ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the client's timeout matches context.DeadlineExceeded: %v", err)
	}
}

// redirectPastClientTimeout redirects, under ctx, a call the simulator
// holds for 3 s on a client whose Options.Timeout is 200 ms, checks the
// error with checkClientTimeout and returns how long the redirect took.
func redirectPastClientTimeout(t *testing.T, ctx context.Context) time.Duration {
	t.Helper()
	opts := shared.basicOptions()
	opts.Timeout = 200 * time.Millisecond
	acct, c, call := withCall(t, opts, "answered")
	shared.fault(t, fault{Match: acct, DelayMs: 3000})
	start := time.Now()
	checkClientTimeout(t, c.Redirect(ctx, acct, call, shared.appURL("slow")))
	return time.Since(start)
}

// The context's deadline is the call's budget; when it runs out the error
// is both ErrTimeout and context.DeadlineExceeded.
func TestContextDeadline(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	shared.fault(t, fault{Match: acct, DelayMs: 3000})
	checkDeadlineRunsOut(t, func(ctx context.Context) error {
		return c.Redirect(ctx, acct, call, shared.appURL("slow"))
	})
}

// Options.Timeout running out is an ErrTimeout, but not the context's.
func TestClientTimeoutIsNotDeadlineExceeded(t *testing.T) {
	t.Parallel()
	redirectPastClientTimeout(t, context.Background())
}

// A deadline later than Options.Timeout does not extend the call: the
// earlier of the two bounds it, and it is not the context's error.
func TestClientTimeoutWinsOverALaterDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Generous bound: the server holds the answer for 3 s.
	if elapsed := redirectPastClientTimeout(t, ctx); elapsed > 2500*time.Millisecond {
		t.Errorf("took %v: the later deadline extended the call", elapsed)
	}
}
