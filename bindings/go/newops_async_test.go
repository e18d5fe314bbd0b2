package bwvoice_test

// createCall, listCalls and the conference operations on the asynchronous
// path: a cancelled context still cancels a queued call, and a deadline
// bounds a running one.

import (
	"context"
	"errors"
	"slices"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// Each operation, queued behind a held call and then cancelled, returns
// context.Canceled at once and is never sent.
func TestNewOperationsCancelQueued(t *testing.T) {
	t.Parallel()
	acct, c, heldDone := holdOnlyWorker(t, shared.basicOptions())
	call := shared.createCall(t, acct, "answered")
	for i, name := range []string{"CreateCall", "ListCalls", "GetConference", "UpdateConference",
		"UpdateConferenceBXML", "GetConferenceMember", "UpdateConferenceMember"} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- newOperation(t, ctx, c, acct, call, name) }()
		waitSubmitted(t, c, i+2) // after the held call and those before
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("%s: got %v, want context.Canceled", name, err)
		}
	}
	select {
	case err := <-heldDone:
		t.Errorf("the held call returned before the cancelled ones (%v)", err)
		heldDone <- err
	default:
	}
	asError(t, <-heldDone, bwvoice.ErrTimeout)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	done := checkExactlyOnce(t, c)
	for _, job := range bwvoice.Jobs(c).Submitted[1:] {
		if done[job] != bwvoice.ErrCancelled {
			t.Errorf("job %d completed with %v, want ErrCancelled", job, done[job])
		}
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 1 {
		t.Errorf("%d requests, want only the held one: %+v", len(reqs), reqs)
	}
}

// newOperation runs one of the operations of newOperations, by name.
func newOperation(t *testing.T, ctx context.Context, c *bwvoice.Client, acct, call, name string) error {
	switch name {
	case "CreateCall":
		_, err := c.CreateCall(ctx, acct, bwvoice.CreateCallRequest{
			To: "+15551230009", From: "+15559870009", ApplicationID: "app", AnswerURL: shared.appURL("answer"),
		})
		return err
	case "ListCalls":
		_, err := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{})
		return err
	case "GetConference":
		_, err := c.GetConference(ctx, acct, "conf-none")
		return err
	case "UpdateConference":
		return c.UpdateConference(ctx, acct, "conf-none", bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatusCompleted})
	case "UpdateConferenceBXML":
		return c.UpdateConferenceBXML(ctx, acct, "conf-none", simpleBXML)
	case "GetConferenceMember":
		_, err := c.GetConferenceMember(ctx, acct, "conf-none", call)
		return err
	case "UpdateConferenceMember":
		return c.UpdateConferenceMember(ctx, acct, "conf-none", call, bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)})
	}
	t.Errorf("no operation %s", name)
	return nil
}

// A createCall whose deadline runs out while the server holds it may have
// placed the call: ErrTimeout, context.DeadlineExceeded, MaybeApplied, and
// it is not sent again.
func TestCreateCallDeadline(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	opts := shared.basicOptions()
	opts.RetryNonIdempotent = true
	c := shared.client(t, opts)
	shared.fault(t, fault{Match: acct, DelayMs: 3000})
	var err error
	checkDeadlineRunsOut(t, func(ctx context.Context) error {
		_, err = c.CreateCall(ctx, acct, bwvoice.CreateCallRequest{
			To: "+15551230010", From: "+15559870010", ApplicationID: "app", AnswerURL: shared.appURL("answer"),
		})
		return err
	})
	var e *bwvoice.Error
	if !errors.As(err, &e) || !e.MaybeApplied {
		t.Errorf("MaybeApplied false for a createCall sent and timed out: %v", err)
	}
	if reqs := shared.waitRequests(t, "/accounts/"+acct+"/", 1); len(reqs) != 1 {
		t.Errorf("%d requests, want 1", len(reqs))
	}
}

// A page whose deadline runs out stops the iteration with that error.
func TestCallsDeadline(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	calls := shared.createCalls(t, acct, 3)
	first, err := c.ListCalls(context.Background(), acct, bwvoice.ListCallsQuery{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	shared.fault(t, fault{Match: acct, DelayMs: 3000, Count: 1})
	checkDeadlineRunsOut(t, func(ctx context.Context) error {
		ids, err := collect(c.Calls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 2, PageToken: first.NextPageToken}))
		if len(ids) != 0 {
			t.Errorf("yielded %v", ids)
		}
		return err
	})
	if ids, err := collect(c.Calls(context.Background(), acct, bwvoice.ListCallsQuery{})); err != nil || !slices.Equal(ids, calls) {
		t.Errorf("afterwards: %v, %v", ids, err)
	}
}
