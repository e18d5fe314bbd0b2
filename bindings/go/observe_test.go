package bwvoice_test

// Observability: events (Options.OnEvent), log records (Options.Logger),
// the retry budget and Stats, against the simulator. A call's events are
// delivered before the call returns, so the tests read them right after
// it, without waiting.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// recorder collects the events OnEvent receives.
type recorder struct {
	mu     sync.Mutex
	events []bwvoice.Event
}

func (r *recorder) on(e bwvoice.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// take returns the events so far and forgets them.
func (r *recorder) take() []bwvoice.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// logBuffer is a Logger's output, safe to read while the client writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logger returns a JSON Logger at level writing into b.
func (b *logBuffer) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: level}))
}

// records decodes the JSON records written so far and forgets them.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(&b.buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log record %q: %v", sc.Text(), err)
		}
		out = append(out, rec)
	}
	b.buf.Reset()
	return out
}

// wantRecords is records, checking that there are n of them; what says
// which call wrote them.
func (b *logBuffer) wantRecords(t *testing.T, what string, n int) []map[string]any {
	t.Helper()
	recs := b.records(t)
	if len(recs) != n {
		t.Fatalf("%s: %d records, want %d: %v", what, len(recs), n, recs)
	}
	return recs
}

// unavailable is a fault: 503 with Retry-After: 0, so the call is retried
// at once (once, unless the fault's Count says more).
func unavailable(match string) fault {
	return fault{Match: match, Status: 503, Headers: map[string]string{"Retry-After": "0"}}
}

// port is the simulator's TCP port.
func (s *simulator) port(t testing.TB) int {
	t.Helper()
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func kinds(events []bwvoice.Event) []bwvoice.EventKind {
	out := make([]bwvoice.EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func sameKinds(got []bwvoice.Event, want ...bwvoice.EventKind) bool {
	k := kinds(got)
	if len(k) != len(want) {
		return false
	}
	for i := range k {
		if k[i] != want[i] {
			return false
		}
	}
	return true
}

// A redirect answered 503 (Retry-After: 0), then 200: its events come in
// order, with their fields, and all before the call returns.
func TestEventsOfARetriedCall(t *testing.T) {
	t.Parallel()
	var rec recorder
	opts := shared.basicOptions()
	opts.OnEvent = rec.on
	acct, c, call := withCall(t, opts, "answered")
	if hooked, mask := bwvoice.EventHook(c); !hooked || mask != 0 {
		t.Errorf("OnEvent: hook installed %v with mask %#x, want every event (0)", hooked, mask)
	}
	shared.fault(t, unavailable(call))
	if err := c.Redirect(context.Background(), acct, call, shared.appURL("next")); err != nil {
		t.Fatal(err)
	}
	got := rec.take()
	if !sameKinds(got, bwvoice.EventAttemptEnd, bwvoice.EventRetryScheduled, bwvoice.EventAttemptEnd, bwvoice.EventCallEnd) {
		t.Fatalf("events %v, want attempt_end retry_scheduled attempt_end call_end", kinds(got))
	}
	port := shared.port(t)
	for i, e := range got {
		if e.Operation != "updateCall" || e.Method != "POST" || e.URLTemplate != "/accounts/{accountId}/calls/{callId}" ||
			e.AccountID != acct || e.CallID != call || e.ServerAddress != "127.0.0.1" || e.ServerPort != port {
			t.Errorf("event %d (%v): %+v", i, e.Kind, e)
		}
	}
	first, retry, second, end := got[0], got[1], got[2], got[3]
	if first.Attempt != 1 || first.HTTPStatus != 503 || first.Status != bwvoice.ErrServer || first.ErrorType != "503" ||
		first.RetryReason != "" || first.Duration <= 0 || first.ConnectionReused {
		t.Errorf("first attempt: %+v", first)
	}
	if retry.Attempt != 1 || retry.RetryReason != "unavailable" || retry.RetryDelay != 0 ||
		retry.Status != bwvoice.ErrServer || retry.HTTPStatus != 503 || retry.ErrorType != "503" {
		t.Errorf("retry: %+v", retry)
	}
	if second.Attempt != 2 || second.HTTPStatus != 200 || second.Status != 0 || second.ErrorType != "" || second.Duration <= 0 {
		t.Errorf("second attempt: %+v", second)
	}
	if end.Attempt != 2 || end.HTTPStatus != 200 || end.Status != 0 || end.ErrorType != "" || end.Duration < second.Duration {
		t.Errorf("call end: %+v", end)
	}
	if n := len(shared.requests(t, "/calls/"+call)); n != 2 {
		t.Errorf("the simulator saw %d requests, want 2", n)
	}

	// A call-state read: GET, one attempt.
	if _, err := c.GetCallState(context.Background(), acct, call); err != nil {
		t.Fatal(err)
	}
	got = rec.take()
	if !sameKinds(got, bwvoice.EventAttemptEnd, bwvoice.EventCallEnd) {
		t.Fatalf("GetCallState: events %v, want attempt_end call_end", kinds(got))
	}
	for _, e := range got {
		if e.Operation != "getCallState" || e.Method != "GET" || e.HTTPStatus != 200 || e.Status != 0 || e.Attempt != 1 {
			t.Errorf("GetCallState event: %+v", e)
		}
	}
	if !got[0].ConnectionReused {
		t.Errorf("GetCallState's attempt opened a connection: %+v", got[0])
	}
	if s := bwvoice.EventRetryDenied.String(); s != "retry_denied" {
		t.Errorf("EventRetryDenied.String() = %q", s)
	}
}

// checkAttrs checks a log record's attributes against want (JSON values).
func checkAttrs(t *testing.T, what string, rec map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if v == nil {
			if got, ok := rec[k]; ok {
				t.Errorf("%s: %s = %v, want it absent", what, k, got)
			}
			continue
		}
		if got := rec[k]; got != v {
			t.Errorf("%s: %s = %#v, want %#v (record %v)", what, k, got, v, rec)
		}
	}
}

// A Logger gets a Debug record per attempt and a Warn record per retry,
// with OpenTelemetry's attribute names.
func TestLoggerRecords(t *testing.T) {
	t.Parallel()
	var out logBuffer
	opts := shared.basicOptions()
	opts.Logger = out.logger(slog.LevelDebug)
	acct, c, call := withCall(t, opts, "answered")
	all := uint32(1<<bwvoice.EventAttemptEnd | 1<<bwvoice.EventRetryScheduled | 1<<bwvoice.EventRetryDenied | 1<<bwvoice.EventTokenFetch)
	if hooked, mask := bwvoice.EventHook(c); !hooked || mask != all {
		t.Errorf("Debug Logger: hook installed %v with mask %#x, want %#x", hooked, mask, all)
	}
	shared.fault(t, unavailable(call))
	if err := c.Hangup(context.Background(), acct, call); err != nil {
		t.Fatal(err)
	}
	recs := out.wantRecords(t, "the retried hang-up", 3)
	common := map[string]any{
		"bwvoice.operation":   "updateCall",
		"http.request.method": "POST",
		"server.address":      "127.0.0.1",
		"server.port":         float64(shared.port(t)),
		"url.template":        "/accounts/{accountId}/calls/{callId}",
		"bwvoice.account_id":  acct,
		"bwvoice.call_id":     call,
	}
	for i, rec := range recs {
		checkAttrs(t, fmt.Sprintf("record %d", i), rec, common)
	}
	checkAttrs(t, "first attempt", recs[0], map[string]any{
		"level": "DEBUG", "msg": "bwvoice: attempt ended",
		"http.request.resend_count": float64(0), "http.response.status_code": float64(503),
		"error.type": "503", "bwvoice.status": "BW_ERR_SERVER", "bwvoice.connection_reused": false,
	})
	if d, ok := recs[0]["bwvoice.duration"].(float64); !ok || d <= 0 {
		t.Errorf("first attempt: bwvoice.duration %v", recs[0]["bwvoice.duration"])
	}
	checkAttrs(t, "retry", recs[1], map[string]any{
		"level": "WARN", "msg": "bwvoice: retry scheduled",
		"http.request.resend_count": float64(0), "http.response.status_code": float64(503),
		"error.type": "503", "bwvoice.retry_reason": "unavailable", "bwvoice.retry_delay": float64(0),
	})
	checkAttrs(t, "second attempt", recs[2], map[string]any{
		"level": "DEBUG", "msg": "bwvoice: attempt ended",
		"http.request.resend_count": float64(1), "http.response.status_code": float64(200),
		"error.type": nil, "bwvoice.status": nil,
	})
}

// The cost rule: no Logger and no OnEvent, or a Logger that records none
// of the events, installs no hook; a Warn Logger asks for the retry kinds
// only, so a call that succeeds at once produces no event at all.
func TestLoggerLevelSelectsEvents(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	none := shared.client(t, shared.basicOptions())
	if hooked, _ := bwvoice.EventHook(none); hooked {
		t.Error("no Logger, no OnEvent: a hook was installed")
	}
	var errOut logBuffer
	opts := shared.basicOptions()
	opts.Logger = errOut.logger(slog.LevelError)
	if hooked, _ := bwvoice.EventHook(shared.client(t, opts)); hooked {
		t.Error("an Error-level Logger: a hook was installed")
	}

	var out logBuffer
	opts.Logger = out.logger(slog.LevelWarn)
	c := shared.client(t, opts)
	want := uint32(1<<bwvoice.EventRetryScheduled | 1<<bwvoice.EventRetryDenied)
	if hooked, mask := bwvoice.EventHook(c); !hooked || mask != want {
		t.Errorf("Warn Logger: hook installed %v with mask %#x, want %#x", hooked, mask, want)
	}
	ok := shared.createCall(t, acct, "answered")
	if err := c.Hangup(context.Background(), acct, ok); err != nil {
		t.Fatal(err)
	}
	if recs := out.records(t); len(recs) != 0 {
		t.Errorf("a call that succeeded at once logged %v", recs)
	}
	retried := shared.createCall(t, acct, "answered")
	shared.fault(t, unavailable(retried))
	if err := c.Hangup(context.Background(), acct, retried); err != nil {
		t.Fatal(err)
	}
	recs := out.wantRecords(t, "the retried hang-up (the retry's only)", 1)
	checkAttrs(t, "retry", recs[0], map[string]any{"level": "WARN", "msg": "bwvoice: retry scheduled", "bwvoice.call_id": retried})
}

// An empty retry budget: the first call spends it, the second makes one
// attempt and says why, and a Warn record reports the refused retry.
func TestRetryBudgetExhausted(t *testing.T) {
	t.Parallel()
	var out logBuffer
	var rec recorder
	opts := shared.basicOptions()
	opts.RetryBudget = 10 // two retries at 5 tokens each
	opts.MaxAttempts = 3
	opts.Logger = out.logger(slog.LevelWarn)
	opts.OnEvent = rec.on
	acct, c, call := withCall(t, opts, "answered")
	if got := c.Stats().RetryBudgetTokens; got != 10 {
		t.Errorf("a new client's budget holds %d tokens, want 10", got)
	}
	always := unavailable(call)
	always.Count = 100
	shared.fault(t, always)

	e := asError(t, c.Hangup(context.Background(), acct, call), bwvoice.ErrServer)
	if e.Attempts != 3 {
		t.Errorf("first call: %d attempts, want 3", e.Attempts)
	}
	recs := out.records(t)
	if len(recs) != 2 || recs[0]["msg"] != "bwvoice: retry scheduled" || recs[1]["msg"] != "bwvoice: retry scheduled" {
		t.Errorf("first call: records %v, want two retries scheduled", recs)
	}
	rec.take()

	e = asError(t, c.Hangup(context.Background(), acct, call), bwvoice.ErrServer)
	if e.Attempts != 1 || !strings.Contains(e.Message, "retry budget is exhausted") {
		t.Errorf("second call: %d attempts, message %q; want 1 attempt and the budget named", e.Attempts, e.Message)
	}
	recs = out.wantRecords(t, "second call", 1)
	checkAttrs(t, "retry denied", recs[0], map[string]any{
		"level": "WARN", "msg": "bwvoice: retry denied: the client's retry budget is exhausted",
		"bwvoice.retry_reason": "unavailable", "http.response.status_code": float64(503),
		"bwvoice.call_id": call, "bwvoice.retry_delay": nil,
	})
	got := rec.take()
	if !sameKinds(got, bwvoice.EventAttemptEnd, bwvoice.EventRetryDenied, bwvoice.EventCallEnd) {
		t.Errorf("second call: events %v, want attempt_end retry_denied call_end", kinds(got))
	} else if got[1].RetryReason != "unavailable" || got[1].Attempt != 1 || got[2].Status != bwvoice.ErrServer {
		t.Errorf("second call: events %+v", got)
	}

	s := c.Stats()
	if s.Calls != 2 || s.Attempts != 4 || s.Retries != 2 || s.RetriesUnavailable != 2 || s.RetriesDenied != 1 ||
		s.RetryBudgetTokens != 0 || s.Outcomes[bwvoice.ErrServer] != 2 {
		t.Errorf("stats %+v", s)
	}
	if n := len(shared.requests(t, "/calls/"+call)); n != 4 {
		t.Errorf("the simulator saw %d requests, want 4", n)
	}
}

// RetryBudget: 0 is the default (500 tokens), RetryBudgetOff turns it off
// (-1 tokens), anything else negative or too large is refused.
func TestRetryBudgetOptions(t *testing.T) {
	t.Parallel()
	opts := shared.basicOptions()
	if got := shared.client(t, opts).Stats().RetryBudgetTokens; got != 500 {
		t.Errorf("default budget: %d tokens, want 500", got)
	}
	opts.RetryBudget = bwvoice.RetryBudgetOff
	if got := shared.client(t, opts).Stats().RetryBudgetTokens; got != -1 {
		t.Errorf("RetryBudgetOff: %d tokens, want -1", got)
	}
	for _, n := range []int{-2, math.MaxUint32} {
		opts.RetryBudget = n
		checkOptionsRefused(t, fmt.Sprintf("RetryBudget %d", n), opts, "retry_budget")
	}
}

// Stats add up after a known mix of calls from 16 goroutines, and the
// events agree with them, each call's ending its own.
func TestStatsAddUp(t *testing.T) {
	t.Parallel()
	const goroutines = 16
	acct := accountID(t)
	var rec recorder
	opts := shared.basicOptions()
	opts.OnEvent = rec.on
	c := newClient(t, opts)
	if s := c.Stats(); s.Calls != 0 || s.Attempts != 0 || s.RetryBudgetTokens != 500 {
		t.Errorf("a new client's stats: %+v", s)
	}
	type calls struct{ ok, retried, initiated string }
	ids := make([]calls, goroutines)
	for i := range ids {
		ids[i] = calls{shared.createCall(t, acct, "answered"), shared.createCall(t, acct, "answered"), shared.createCall(t, acct, "initiated")}
		get := unavailable(ids[i].retried)
		get.Method = "GET"
		shared.fault(t, get)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*5)
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			check := func(what string, err error, want bwvoice.Status) {
				if (want == 0 && err != nil) || (want != 0 && !errors.Is(err, want)) {
					errs <- fmt.Errorf("goroutine %d, %s: got %v, want %v", i, what, err, want)
				}
			}
			check("hang-up", c.Hangup(ctx, acct, ids[i].ok), 0)
			check("unknown call", c.Hangup(ctx, acct, fmt.Sprintf("c-unknown-%d", i)), bwvoice.ErrNotFound)
			check("unanswered redirect", c.Redirect(ctx, acct, ids[i].initiated, shared.appURL("next")), bwvoice.ErrConflict)
			_, err := c.GetCallState(ctx, acct, ids[i].retried)
			check("state after a 503", err, 0)
			check("invalid redirect", c.Redirect(ctx, acct, ids[i].ok, ""), bwvoice.ErrInvalidArgument)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	s := c.Stats()
	const n = goroutines
	// The invalid redirects were refused before anything was queued: they
	// are not calls.
	if s.Calls != 4*n || s.Attempts != 5*n || s.Retries != n || s.RetriesUnavailable != n ||
		s.RetriesRateLimited+s.RetriesServerError+s.RetriesTimeout+s.RetriesConnect+s.RetriesStaleToken != 0 ||
		s.RetriesDenied != 0 || s.TokenFetches != 0 || s.ConnectionsOpened+s.ConnectionsReused != s.Attempts {
		t.Errorf("stats %+v", s)
	}
	if s.Outcomes[0] != 2*n || s.Outcomes[bwvoice.ErrNotFound] != n || s.Outcomes[bwvoice.ErrConflict] != n ||
		s.Outcomes[bwvoice.ErrInvalidArgument] != 0 {
		t.Errorf("outcomes %v", s.Outcomes)
	}
	var sum uint64
	for _, o := range s.Outcomes {
		sum += o
	}
	if sum != s.Calls {
		t.Errorf("outcomes add up to %d, calls %d", sum, s.Calls)
	}
	// Every retry took 5 tokens, every success may have put one back.
	if s.RetryBudgetTokens < 500-5*n || s.RetryBudgetTokens > 500 {
		t.Errorf("retry budget: %d tokens left", s.RetryBudgetTokens)
	}
	if s.ConnectionsOpened == 0 || s.ConnectionsOpened > 64 {
		t.Errorf("%d connections opened, want 1 to 64 (MaxConcurrency)", s.ConnectionsOpened)
	}

	// The events tell the same story; each call's end is its last event.
	count := map[bwvoice.EventKind]uint64{}
	ended := map[string]bool{}
	for _, e := range rec.take() {
		count[e.Kind]++
		key := e.Operation + " " + e.CallID
		if ended[key] {
			t.Errorf("%v after the call end of %s", e.Kind, key)
		}
		if e.Kind == bwvoice.EventCallEnd {
			ended[key] = true
		}
	}
	if count[bwvoice.EventAttemptEnd] != s.Attempts || count[bwvoice.EventRetryScheduled] != s.Retries ||
		count[bwvoice.EventCallEnd] != s.Calls || len(ended) != int(s.Calls) {
		t.Errorf("events by kind %v, %d calls ended; stats %+v", count, len(ended), s)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	after := c.Stats()
	if after.JobsQueued != 0 || after.JobsRunning != 0 {
		t.Errorf("after Close: %d queued, %d running", after.JobsQueued, after.JobsRunning)
	}
	after.JobsQueued, after.JobsRunning, s.JobsQueued, s.JobsRunning = 0, 0, 0, 0
	if after != s {
		t.Errorf("after Close: stats %+v, want %+v", after, s)
	}
}

// No event or log record carries a password, a Basic credential, the
// OAuth2 secret or a token: Basic and OAuth2 clients, with a webhook
// password, success, 404, 503 retries, a refused token and a stale one.
func TestEventsCarryNoCredentials(t *testing.T) {
	t.Parallel()
	sim := newSimulator(t) // token faults must not reach other tests
	acct := accountID(t)
	var out logBuffer
	var rec recorder
	logger := out.logger(slog.LevelDebug)
	ctx := context.Background()

	basicOpts := sim.basicOptions()
	basicOpts.Logger, basicOpts.OnEvent = logger, rec.on
	oauthOpts := bwvoice.Options{BaseURL: sim.apiURL(), TokenURL: sim.tokenURL(), ClientID: simClientID,
		ClientSecret: simClientSecret, Logger: logger, OnEvent: rec.on}
	for _, opts := range []bwvoice.Options{basicOpts, oauthOpts} {
		c := sim.client(t, opts)
		ok := sim.createCall(t, acct, "answered")
		if err := c.Redirect(ctx, acct, ok, sim.appURL("next"), bwvoice.WithCredentials("hookuser", "hookpass")); err != nil {
			t.Fatal(err)
		}
		retried := sim.createCall(t, acct, "answered")
		sim.fault(t, unavailable(retried))
		if err := c.Hangup(ctx, acct, retried); err != nil {
			t.Fatal(err)
		}
		asError(t, c.Hangup(ctx, acct, "c-unknown"), bwvoice.ErrNotFound)
		if opts.ClientID != "" {
			stale := sim.createCall(t, acct, "answered")
			sim.fault(t, fault{Match: stale, Status: 401})
			if _, err := c.GetCallState(ctx, acct, stale); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A client whose first token request is refused.
	sim.fault(t, fault{Match: "token", Status: 401})
	refused := sim.client(t, oauthOpts)
	asError(t, refused.Hangup(ctx, acct, "c-x"), bwvoice.ErrUnauthorized)

	events := rec.take()
	seen := map[bwvoice.EventKind]int{}
	var text strings.Builder
	for _, e := range events {
		seen[e.Kind]++
		fmt.Fprintf(&text, "%+v\n%#v\n", e, e)
	}
	logs := out.String()
	if seen[bwvoice.EventTokenFetch] < 3 || seen[bwvoice.EventRetryScheduled] < 3 || seen[bwvoice.EventAttemptEnd] == 0 {
		t.Errorf("events by kind: %v, want token fetches and retries (a stale token's too)", seen)
	}
	if !strings.Contains(logs, `"bwvoice.retry_reason":"stale_token"`) || !strings.Contains(logs, "OAuth2 token request ended") {
		t.Errorf("the log lacks the stale-token retry or the token fetches:\n%s", logs)
	}
	secrets := []string{simPassword, "dXNlcjpwYXNz", simClientSecret, "Y2xpZW50OnNlY3JldA==", "hookpass"}
	tokens := 0
	for _, r := range sim.requests(t, "/") {
		if bearer, ok := strings.CutPrefix(r.Headers["authorization"], "Bearer "); ok && bearer != "" {
			secrets = append(secrets, bearer)
			tokens++
		}
	}
	if tokens == 0 {
		t.Fatal("no request carried a Bearer token")
	}
	for _, s := range secrets {
		if strings.Contains(text.String(), s) {
			t.Errorf("an event contains %q:\n%s", s, text.String())
		}
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q:\n%s", s, logs)
		}
	}
}

// A panic in OnEvent, with a Logger, is recovered and logged at Error;
// the calls and later events go on.
func TestOnEventPanicIsLogged(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	var out logBuffer
	var rec recorder
	opts := shared.basicOptions()
	opts.Logger = out.logger(slog.LevelError)
	opts.OnEvent = func(e bwvoice.Event) {
		if e.Kind == bwvoice.EventAttemptEnd {
			panic("bwvoice test: OnEvent panics")
		}
		rec.on(e)
	}
	c := shared.client(t, opts)
	for range 2 {
		if err := c.Hangup(context.Background(), acct, shared.createCall(t, acct, "answered")); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.take(); !sameKinds(got, bwvoice.EventCallEnd, bwvoice.EventCallEnd) {
		t.Errorf("events after the panics: %v, want two call ends", kinds(got))
	}
	recs := out.wantRecords(t, "two hang-ups, one panic each", 2)
	for _, r := range recs {
		checkAttrs(t, "panic", r, map[string]any{"level": "ERROR", "msg": "bwvoice: Options.OnEvent panicked; the event was dropped",
			"panic": "bwvoice test: OnEvent panics", "bwvoice.event": "attempt_end", "bwvoice.account_id": acct})
		if stack, _ := r["stack"].(string); !strings.Contains(stack, "observe_test.go") {
			t.Errorf("the record's stack does not show the panic's origin: %q", stack)
		}
	}
}

// Without a Logger a panic in OnEvent is not recovered: it ends the
// program with its own message, as in any goroutine. Run in a child
// process (this test binary, selecting the helper below).
func TestOnEventPanicWithoutLoggerCrashes(t *testing.T) {
	t.Parallel()
	if os.Getenv("BWVOICE_TEST_PANIC_HELPER") != "" {
		t.Skip("helper process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOnEventPanicHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BWVOICE_TEST_PANIC_HELPER=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("the helper did not crash (%v):\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("panic: bwvoice test: unrecovered OnEvent panic")) || !bytes.Contains(out, []byte("observe_test.go")) {
		t.Errorf("the crash does not show the panic and its origin:\n%s", out)
	}
}

func TestOnEventPanicHelper(t *testing.T) {
	if os.Getenv("BWVOICE_TEST_PANIC_HELPER") == "" {
		t.Skip("only run by TestOnEventPanicWithoutLoggerCrashes")
	}
	opts := shared.basicOptions()
	opts.OnEvent = func(bwvoice.Event) { panic("bwvoice test: unrecovered OnEvent panic") }
	c := shared.client(t, opts)
	_ = c.Hangup(context.Background(), accountID(t), "c-unknown")
	t.Error("the call returned: OnEvent's panic was swallowed")
}

// Events name the conference an operation acts on, and a member's call;
// the strings are the library's, copied before its callback returns.
func TestEventsNameTheConference(t *testing.T) {
	t.Parallel()
	var rec recorder
	opts := shared.basicOptions()
	opts.OnEvent = rec.on
	acct, c, call := withCall(t, opts, "answered")
	members := append([]string{call}, shared.createCalls(t, acct, 1)...)
	conf := shared.createConference(t, acct, "events", members, nil)
	ctx := context.Background()
	for _, step := range []struct {
		name               string
		run                func() error
		conference, callID string
	}{
		{"GetConference", func() error { _, err := c.GetConference(ctx, acct, conf.ID); return err }, conf.ID, ""},
		{"GetConferenceMember", func() error { _, err := c.GetConferenceMember(ctx, acct, conf.ID, call); return err }, conf.ID, call},
		{"GetCallState", func() error { _, err := c.GetCallState(ctx, acct, call); return err }, "", call},
	} {
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		events := rec.take()
		if len(events) == 0 {
			t.Fatalf("%s: no events", step.name)
		}
		for _, e := range events {
			if e.ConferenceID != step.conference || e.CallID != step.callID {
				t.Errorf("%s: event %s has conference %q and call %q, want %q and %q",
					step.name, e.Kind, e.ConferenceID, e.CallID, step.conference, step.callID)
			}
		}
	}
}
