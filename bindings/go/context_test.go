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
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	call := shared.createRecordedCall(t, acct)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()

	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{canceled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		st, getErr := c.GetCallState(tc.ctx, acct, call)
		if st != nil {
			t.Errorf("GetCallState returned a state: %+v", st)
		}
		for name, err := range map[string]error{
			"Redirect":        c.Redirect(tc.ctx, acct, call, shared.appURL("next")),
			"Hangup":          c.Hangup(tc.ctx, acct, call),
			"ModifyCall":      c.ModifyCall(tc.ctx, acct, call, bwvoice.ModifyCallRequest{RedirectURL: shared.appURL("next")}),
			"GetCallState":    getErr,
			"UpdateCallBXML":  c.UpdateCallBXML(tc.ctx, acct, call, simpleBXML),
			"PauseRecording":  c.PauseRecording(tc.ctx, acct, call),
			"ResumeRecording": c.ResumeRecording(tc.ctx, acct, call),
		} {
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

// The context's deadline is the call's budget; when it runs out the error
// is both ErrTimeout and context.DeadlineExceeded.
func TestContextDeadline(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	call := shared.createCall(t, acct, "answered")
	shared.fault(t, fault{Match: acct, DelayMs: 3000})

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := c.Redirect(ctx, acct, call, shared.appURL("slow"))
	e := asError(t, err, bwvoice.ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
	}
	if e.Attempts != 1 || e.HTTPStatus != 0 {
		t.Errorf("Attempts %d HTTPStatus %d", e.Attempts, e.HTTPStatus)
	}
}

// Options.Timeout running out is an ErrTimeout, but not the context's.
func TestClientTimeoutIsNotDeadlineExceeded(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	opts := shared.basicOptions()
	opts.Timeout = 200 * time.Millisecond
	c := shared.client(t, opts)
	call := shared.createCall(t, acct, "answered")
	shared.fault(t, fault{Match: acct, DelayMs: 3000})

	err := c.Redirect(context.Background(), acct, call, shared.appURL("slow"))
	asError(t, err, bwvoice.ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a client timeout matches context.DeadlineExceeded: %v", err)
	}
}

// A deadline later than Options.Timeout does not extend the call: the
// earlier of the two bounds it, and it is not the context's error.
func TestClientTimeoutWinsOverALaterDeadline(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	opts := shared.basicOptions()
	opts.Timeout = 200 * time.Millisecond
	c := shared.client(t, opts)
	call := shared.createCall(t, acct, "answered")
	shared.fault(t, fault{Match: acct, DelayMs: 3000})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err := c.Redirect(ctx, acct, call, shared.appURL("slow"))
	asError(t, err, bwvoice.ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the client's timeout matches context.DeadlineExceeded: %v", err)
	}
	// Generous bound: the server holds the answer for 3 s.
	if elapsed := time.Since(start); elapsed > 2500*time.Millisecond {
		t.Errorf("took %v: the later deadline extended the call", elapsed)
	}
}
