package bwvoice_test

// GetCallState, UpdateCallBXML, PauseRecording and ResumeRecording against
// the simulator: what goes on the wire, what comes back, and every
// documented failure.

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// liveOp is one of the live-call operations, as the tests run it.
type liveOp struct {
	name   string
	method string // the HTTP method it sends
	suffix string // its path after the call's own
	route  string // the simulator's fault route
	run    func(ctx context.Context, c *bwvoice.Client, acct, call string) error
}

const simpleBXML = `<Bxml><SpeakSentence>hello</SpeakSentence></Bxml>`

var (
	opGetCallState = liveOp{"GetCallState", "GET", "", "call",
		func(ctx context.Context, c *bwvoice.Client, acct, call string) error {
			st, err := c.GetCallState(ctx, acct, call)
			if (st == nil) == (err == nil) {
				return errors.New("GetCallState returned both a state and an error, or neither")
			}
			return err
		}}
	opUpdateCallBXML = liveOp{"UpdateCallBXML", "PUT", "/bxml", "bxml",
		func(ctx context.Context, c *bwvoice.Client, acct, call string) error {
			return c.UpdateCallBXML(ctx, acct, call, simpleBXML)
		}}
	opPauseRecording = liveOp{"PauseRecording", "PUT", "/recording", "recording",
		func(ctx context.Context, c *bwvoice.Client, acct, call string) error {
			return c.PauseRecording(ctx, acct, call)
		}}
	opResumeRecording = liveOp{"ResumeRecording", "PUT", "/recording", "recording",
		func(ctx context.Context, c *bwvoice.Client, acct, call string) error {
			return c.ResumeRecording(ctx, acct, call)
		}}
	liveOps = []liveOp{opGetCallState, opUpdateCallBXML, opPauseRecording, opResumeRecording}
)

// path is the request path op uses for call.
func (op liveOp) path(acct, call string) string {
	return "/api/v2/accounts/" + url.PathEscape(acct) + "/calls/" + url.PathEscape(call) + op.suffix
}

// opRequests lists the logged requests op made for call.
func opRequests(t *testing.T, op liveOp, acct, call string) []loggedRequest {
	t.Helper()
	var reqs []loggedRequest
	for _, r := range shared.accountRequests(t, acct) {
		if r.Method == op.method && r.Path == op.path(acct, call) {
			reqs = append(reqs, r)
		}
	}
	return reqs
}

// forEachOp runs test for each of ops, in parallel subtests named
// prefix+op.name.
func forEachOp(t *testing.T, prefix string, ops []liveOp, test func(t *testing.T, op liveOp)) {
	t.Helper()
	for _, op := range ops {
		t.Run(prefix+op.name, func(t *testing.T) {
			t.Parallel()
			test(t, op)
		})
	}
}

// simTime parses a time of the simulator's control view (nil: absent).
func simTime(t *testing.T, field string, text *string) time.Time {
	t.Helper()
	if text == nil {
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, *text)
	if err != nil {
		t.Fatalf("simulator's %s: %v", field, err)
	}
	return v
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkAgainstSim checks every field of got against the simulator's own
// view of the call.
func checkAgainstSim(t *testing.T, when string, got *bwvoice.CallState, sim callState) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want string
	}{
		{"CallID", got.CallID, sim.CallID},
		{"AccountID", got.AccountID, sim.AccountID},
		{"ApplicationID", got.ApplicationID, str(sim.ApplicationID)},
		{"ParentCallID", got.ParentCallID, str(sim.ParentCallID)},
		{"To", got.To, str(sim.To)},
		{"From", got.From, str(sim.From)},
		{"Direction", got.Direction, str(sim.Direction)},
		{"State", got.State, sim.State},
		{"DisconnectCause", got.DisconnectCause, str(sim.DisconnectCause)},
		{"ErrorMessage", got.ErrorMessage, str(sim.ErrorMessage)},
		{"ErrorID", got.ErrorID, str(sim.ErrorID)},
		{"Identity", got.Identity, str(sim.Identity)},
	} {
		if f.got != f.want {
			t.Errorf("%s: %s = %q, the simulator says %q", when, f.name, f.got, f.want)
		}
	}
	for _, f := range []struct {
		name string
		got  time.Time
		want *string
	}{
		{"EnqueuedTime", got.EnqueuedTime, sim.EnqueuedTime},
		{"StartTime", got.StartTime, sim.StartTime},
		{"AnswerTime", got.AnswerTime, sim.AnswerTime},
		{"EndTime", got.EndTime, sim.EndTime},
		{"LastUpdate", got.LastUpdate, sim.LastUpdate},
	} {
		want := simTime(t, f.name, f.want)
		if !f.got.Equal(want) || f.got.IsZero() != want.IsZero() || !f.got.IsZero() && f.got.Location() != time.UTC {
			t.Errorf("%s: %s = %v, the simulator says %s", when, f.name, f.got, deref(f.want))
		}
	}
	if !reflect.DeepEqual(got.StirShaken, sim.StirShaken) {
		t.Errorf("%s: StirShaken = %v, the simulator says %v", when, got.StirShaken, sim.StirShaken)
	}
}

// A call read before and after it is answered, and after it is hung up;
// each GET is a bare GET of the call's URL.
func TestGetCallStateLifecycle(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "initiated")
	ctx := context.Background()
	get := func(when string) *bwvoice.CallState {
		t.Helper()
		st, err := c.GetCallState(ctx, acct, call)
		if err != nil {
			t.Fatalf("GetCallState %s: %v", when, err)
		}
		checkAgainstSim(t, when, st, shared.call(t, call))
		return st
	}

	before := get("before the answer")
	if before.CallID != call || before.AccountID != acct || before.State != bwvoice.StateInitiated ||
		before.Direction != bwvoice.DirectionOutbound || before.EnqueuedTime.IsZero() ||
		!before.AnswerTime.IsZero() || !before.EndTime.IsZero() || before.DisconnectCause != "" {
		t.Errorf("before the answer: %+v", before)
	}

	shared.control(t, "POST", "/sim/calls/"+url.PathEscape(call)+"/answer", nil, nil)
	answered := get("after the answer")
	if answered.State != bwvoice.StateAnswered || answered.AnswerTime.IsZero() ||
		!answered.EndTime.IsZero() || answered.DisconnectCause != "" ||
		answered.AnswerTime.Before(answered.StartTime) || answered.LastUpdate.Before(before.LastUpdate) {
		t.Errorf("after the answer: %+v", answered)
	}

	if err := c.Hangup(ctx, acct, call); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	ended := get("after the hang-up")
	if ended.State != bwvoice.StateDisconnected || ended.DisconnectCause != bwvoice.DisconnectHangup ||
		ended.EndTime.IsZero() || !ended.AnswerTime.Equal(answered.AnswerTime) ||
		ended.EndTime.Before(ended.AnswerTime) || ended.LastUpdate.Before(answered.LastUpdate) {
		t.Errorf("after the hang-up: %+v", ended)
	}

	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 4 {
		t.Fatalf("got %d requests, want 4", len(reqs))
	}
	for _, i := range []int{0, 1, 3} {
		r := reqs[i]
		if r.Method != "GET" || r.Path != opGetCallState.path(acct, call) || r.Body != "" || r.Status != 200 {
			t.Errorf("request %d: %s %s %q -> %d", i, r.Method, r.Path, r.Body, r.Status)
		}
		if ct, ok := r.Headers["content-type"]; ok {
			t.Errorf("request %d: a GET with content-type %q", i, ct)
		}
		if auth := r.Headers["authorization"]; auth != "Basic dXNlcjpwYXNz" {
			t.Errorf("request %d: authorization %q", i, auth)
		}
	}
}

// An unanswered call that is hung up ends as "cancel" (outbound) or
// "rejected" (inbound), without an answer time.
func TestGetCallStateUnansweredHangup(t *testing.T) {
	t.Parallel()
	for direction, cause := range map[string]string{
		bwvoice.DirectionOutbound: bwvoice.DisconnectCancel,
		bwvoice.DirectionInbound:  bwvoice.DisconnectRejected,
	} {
		acct := accountID(t)
		c := shared.client(t, shared.basicOptions())
		call := shared.createCallWith(t, map[string]any{"accountId": acct, "state": "initiated", "direction": direction})
		if err := c.Hangup(context.Background(), acct, call); err != nil {
			t.Fatalf("Hangup: %v", err)
		}
		st, err := c.GetCallState(context.Background(), acct, call)
		if err != nil {
			t.Fatalf("GetCallState: %v", err)
		}
		checkAgainstSim(t, direction, st, shared.call(t, call))
		if st.Direction != direction || st.State != bwvoice.StateDisconnected || st.DisconnectCause != cause ||
			!st.AnswerTime.IsZero() || st.EndTime.IsZero() {
			t.Errorf("%s: %+v", direction, st)
		}
	}
}

// Every field of the C bw_call_state reaches CallState, from callState
// documents the simulator serves as given.
func TestGetCallStateEveryField(t *testing.T) {
	t.Parallel()
	ms := func(text string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	cases := []struct {
		name, body string
		want       bwvoice.CallState
	}{
		{"spec example", `{
			"applicationId": "04e88489-df02-4e34-a0ee-27a91849555f",
			"accountId": "9900000",
			"callId": "c-15ac29a2",
			"parentCallId": "c-25ac29a2",
			"to": "+19195551234",
			"from": "+19195554321",
			"direction": "inbound",
			"state": "disconnected",
			"stirShaken": {"verstat": "TN-Validation-Passed", "attestationIndicator": "A", "originatingId": "abc123", "n": 5, "b": true},
			"identity": "eyJhbGciOiJFUzI1NiJ9.e30.sig;info=<https://cert.example/c.pem>;alg=ES256;ppt=shaken",
			"enqueuedTime": "2022-06-16T13:15:07.160Z",
			"startTime": "2022-06-16T15:15:07.1+02:00",
			"answerTime": "2022-06-16T13:15:18.126Z",
			"endTime": "2022-06-16T13:15:18.314Z",
			"disconnectCause": "error",
			"errorMessage": "Call was rejected: \"busy here\" é",
			"errorId": "4642074b-7b58-478b-96e4-3a60955c6765",
			"lastUpdate": "1969-12-31T23:59:59.999Z",
			"brandNewField": [1, 2]
		}`, bwvoice.CallState{
			CallID:          "c-15ac29a2",
			AccountID:       "9900000",
			ApplicationID:   "04e88489-df02-4e34-a0ee-27a91849555f",
			ParentCallID:    "c-25ac29a2",
			To:              "+19195551234",
			From:            "+19195554321",
			Direction:       bwvoice.DirectionInbound,
			State:           bwvoice.StateDisconnected,
			EnqueuedTime:    ms("2022-06-16T13:15:07.160Z"),
			StartTime:       ms("2022-06-16T13:15:07.100Z"),
			AnswerTime:      ms("2022-06-16T13:15:18.126Z"),
			EndTime:         ms("2022-06-16T13:15:18.314Z"),
			LastUpdate:      ms("1969-12-31T23:59:59.999Z"),
			DisconnectCause: bwvoice.DisconnectError,
			ErrorMessage:    `Call was rejected: "busy here" é`,
			ErrorID:         "4642074b-7b58-478b-96e4-3a60955c6765",
			Identity:        "eyJhbGciOiJFUzI1NiJ9.e30.sig;info=<https://cert.example/c.pem>;alg=ES256;ppt=shaken",
			StirShaken: map[string]string{
				"verstat": "TN-Validation-Passed", "attestationIndicator": "A", "originatingId": "abc123",
				"n": "5", "b": "true",
			},
		}},
		{"empty object", `{}`, bwvoice.CallState{}},
		{"nulls", `{"callId":null,"parentCallId":null,"stirShaken":null,"identity":null,"enqueuedTime":null,
			"startTime":null,"answerTime":null,"endTime":null,"disconnectCause":null,"errorMessage":null,
			"errorId":null,"lastUpdate":null}`, bwvoice.CallState{}},
		{"values Bandwidth may add later", `{"state":"transferring","direction":"sideways",
			"disconnectCause":"solar-flare","stirShaken":{}}`,
			bwvoice.CallState{State: "transferring", Direction: "sideways", DisconnectCause: "solar-flare"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acct := accountID(t)
			c := shared.client(t, shared.basicOptions())
			shared.fault(t, fault{Match: acct, Method: "GET", Route: "call", Status: 200, Body: tc.body})
			got, err := c.GetCallState(context.Background(), acct, "c-1")
			if err != nil {
				t.Fatalf("GetCallState: %v", err)
			}
			for _, tm := range []time.Time{got.EnqueuedTime, got.StartTime, got.AnswerTime, got.EndTime, got.LastUpdate} {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Errorf("time %v is not in UTC", tm)
				}
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
			if tc.want.StirShaken == nil && got.StirShaken != nil {
				t.Errorf("StirShaken = %#v, want nil", got.StirShaken)
			}
		})
	}
}

// A 200 whose body is not a callState is a protocol error, never half a state.
func TestGetCallStateMalformedReply(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"{oops", "[]", `{"state":5}`, `{"answerTime":"yesterday"}`} {
		acct := accountID(t)
		c := shared.client(t, shared.basicOptions())
		shared.fault(t, fault{Match: acct, Method: "GET", Status: 200, Body: body})
		st, err := c.GetCallState(context.Background(), acct, "c-1")
		if st != nil {
			t.Errorf("%s: got a state %+v", body, st)
		}
		if e := asError(t, err, bwvoice.ErrProtocol); e.HTTPStatus != 200 {
			t.Errorf("%s: HTTPStatus %d", body, e.HTTPStatus)
		}
	}
}

// The document goes out as it is, as application/xml, and replaces the
// call's BXML.
func TestUpdateCallBXML(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	docs := []string{
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bxml>\n  <SpeakSentence voice=\"julie\">Caf\u00e9 &amp; cr\u00e8me: 5 &lt; 6</SpeakSentence>\n  <Pause duration=\"1\"/>\n</Bxml>\n",
		`<Bxml><Hangup/></Bxml>`,
	}
	for _, doc := range docs {
		if err := c.UpdateCallBXML(context.Background(), acct, call, doc); err != nil {
			t.Fatalf("UpdateCallBXML: %v", err)
		}
		if got := shared.call(t, call).BXML; got == nil || *got != doc {
			t.Errorf("the simulator's BXML is %s, want %q", deref(got), doc)
		}
	}
	reqs := opRequests(t, opUpdateCallBXML, acct, call)
	if len(reqs) != len(docs) {
		t.Fatalf("got %d requests, want %d", len(reqs), len(docs))
	}
	for i, r := range reqs {
		if r.Body != docs[i] || r.Status != 204 {
			t.Errorf("request %d: body %q -> %d, want %q -> 204", i, r.Body, r.Status, docs[i])
		}
		if ct := r.Headers["content-type"]; ct != "application/xml; charset=utf-8" {
			t.Errorf("request %d: content-type %q", i, ct)
		}
	}
}

// A document the library refuses is ErrInvalidArgument naming "bxml", and
// nothing reaches the server.
func TestMalformedBXMLSendsNothing(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	// The largest document accepted is BW_MAX_BXML_BYTES (64 KiB).
	padded := func(n int) string {
		const open, closing = "<Bxml>", "</Bxml>"
		return open + strings.Repeat(" ", n-len(open)-len(closing)) + closing
	}
	cases := []struct {
		name, doc string
		position  bool // the message names a line and column
	}{
		{"empty", "", false},
		{"not XML", "hello", true},
		{"unclosed root", "<Bxml><SpeakSentence>hi</SpeakSentence>", true},
		{"mismatched tags", "<Bxml><SpeakSentence>hi</Bxml>", true},
		{"injected by unescaped text", "<Bxml><SpeakSentence>a </SpeakSentence><Transfer> b</SpeakSentence></Bxml>", true},
		{"wrong root", "<Response><Hangup/></Response>", false},
		{"two roots", "<Bxml/><Bxml/>", true},
		{"too large", padded(65536 + 1), false},
		{"NUL byte", "<Bxml>\x00</Bxml>", false},
	}
	for _, tc := range cases {
		e := checkRefused(t, tc.name, c.UpdateCallBXML(context.Background(), acct, call, tc.doc), "bxml")
		if msg := strings.ToLower(e.Message); tc.position && !(strings.Contains(msg, "line") && strings.Contains(msg, "column")) {
			t.Errorf("%s: the message names no line and column: %q", tc.name, e.Message)
		}
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Fatalf("%d requests were sent: %+v", len(reqs), reqs)
	}
	if got := shared.call(t, call).BXML; got != nil {
		t.Errorf("the simulator's BXML is %q", *got)
	}
	// The limit itself is fine: this one is sent.
	if err := c.UpdateCallBXML(context.Background(), acct, call, padded(65536)); err != nil {
		t.Fatalf("a document of exactly 64 KiB: %v", err)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 1 || len(reqs[0].Body) != 65536 {
		t.Errorf("%d requests sent for the 64 KiB document", len(reqs))
	}
}

// Pause and resume send {"state":...} as JSON and set the simulator's
// recording; pausing a paused recording is fine.
func TestPauseResumeRecording(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	ctx := context.Background()
	fromStart := shared.createRecordedCall(t, acct)
	startedLater := shared.createCall(t, acct, "answered")
	shared.control(t, "POST", "/sim/calls/"+url.PathEscape(startedLater)+"/recording", nil, nil)

	for _, call := range []string{fromStart, startedLater} {
		steps := []struct {
			name  string
			run   func() error
			body  string
			after string
		}{
			{"pause", func() error { return c.PauseRecording(ctx, acct, call) }, `{"state":"paused"}`, "paused"},
			{"pause again", func() error { return c.PauseRecording(ctx, acct, call) }, `{"state":"paused"}`, "paused"},
			{"resume", func() error { return c.ResumeRecording(ctx, acct, call) }, `{"state":"recording"}`, "recording"},
			{"resume again", func() error { return c.ResumeRecording(ctx, acct, call) }, `{"state":"recording"}`, "recording"},
		}
		var want []string
		for _, step := range steps {
			if err := step.run(); err != nil {
				t.Fatalf("%s %s: %v", call, step.name, err)
			}
			want = append(want, step.body)
			if got := shared.call(t, call).Recording; got == nil || *got != step.after {
				t.Errorf("%s %s: the simulator's recording is %s, want %q", call, step.name, deref(got), step.after)
			}
		}
		var reqs []loggedRequest
		for _, r := range shared.requests(t, "/calls/"+call+"/") {
			reqs = append(reqs, r)
			if r.Method != "PUT" || r.Path != opPauseRecording.path(acct, call) || r.Status != 200 {
				t.Errorf("%s %s -> %d", r.Method, r.Path, r.Status)
			}
			if ct := r.Headers["content-type"]; ct != "application/json; charset=utf-8" {
				t.Errorf("content-type %q", ct)
			}
		}
		assertBodies(t, reqs, want)
	}
}

// Every documented failure of the four operations, each from a real
// simulator answer, maps to its sentinel.
func TestLiveCallErrors(t *testing.T) {
	t.Parallel()
	both := []liveOp{opPauseRecording, opResumeRecording}
	type setup struct {
		acct, call string
		opts       bwvoice.Options
	}
	cases := []struct {
		name         string
		ops          []liveOp
		want         bwvoice.Status
		http         int
		attempts     int
		maybeApplied bool
		arrange      func(t *testing.T, s *setup, op liveOp)
		check        func(t *testing.T, e *bwvoice.Error)
	}{
		{name: "404 unknown call", ops: liveOps, want: bwvoice.ErrNotFound, http: 404, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) { s.call = "c-no-such-call" },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "not-found" || e.ID == "" {
					t.Errorf("Type %q ID %q", e.Type, e.ID)
				}
			}},
		{name: "404 ended call", ops: []liveOp{opUpdateCallBXML, opPauseRecording, opResumeRecording},
			want: bwvoice.ErrNotFound, http: 404, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				if err := shared.client(t, s.opts).Hangup(context.Background(), s.acct, s.call); err != nil {
					t.Fatalf("Hangup: %v", err)
				}
			}},
		{name: "404 other account's call", ops: liveOps, want: bwvoice.ErrNotFound, http: 404, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) { s.call = shared.createRecordedCall(t, s.acct+"-other") }},
		{name: "409 BXML of an unanswered call", ops: []liveOp{opUpdateCallBXML}, want: bwvoice.ErrConflict, http: 409, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) { s.call = shared.createCall(t, s.acct, "initiated") },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "conflict" || e.Description != "Call is not yet answered" {
					t.Errorf("Type %q Description %q", e.Type, e.Description)
				}
			}},
		{name: "400 no recording in progress", ops: both, want: bwvoice.ErrBadRequest, http: 400, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) { s.call = shared.createCall(t, s.acct, "answered") },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "validation" || e.Description != "No recording is in progress on this call" {
					t.Errorf("Type %q Description %q", e.Type, e.Description)
				}
			}},
		{name: "401 wrong password", ops: liveOps, want: bwvoice.ErrUnauthorized, http: 401, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) { s.opts.Password = "wrong" },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "authentication-error" || strings.Contains(e.Message, "wrong") {
					t.Errorf("Type %q Message %q", e.Type, e.Message)
				}
			}},
		{name: "403", ops: liveOps, want: bwvoice.ErrForbidden, http: 403, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				shared.fault(t, fault{Match: s.call, Route: op.route, Method: op.method, Status: 403})
			}},
		{name: "429 with MaxAttempts 1", ops: liveOps, want: bwvoice.ErrRateLimited, http: 429, attempts: 1,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				s.opts.MaxAttempts = 1
				shared.fault(t, fault{Match: s.call, Route: op.route, Method: op.method, Status: 429,
					Headers: map[string]string{"Retry-After": "1"}})
			},
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.RetryAfter != time.Second {
					t.Errorf("RetryAfter = %v, want 1s", e.RetryAfter)
				}
			}},
		{name: "429 on every attempt", ops: liveOps, want: bwvoice.ErrRateLimited, http: 429, attempts: 3,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				shared.fault(t, fault{Match: s.call, Route: op.route, Count: 5, Status: 429,
					Headers: map[string]string{"Retry-After": "0"}})
			}},
		{name: "503 on every attempt", ops: liveOps, want: bwvoice.ErrServer, http: 503, attempts: 3,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				shared.fault(t, fault{Match: s.call, Route: op.route, Count: 5, Status: 503})
			}},
		{name: "500 with MaxAttempts 1", ops: liveOps, want: bwvoice.ErrServer, http: 500, attempts: 1, maybeApplied: true,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				s.opts.MaxAttempts = 1
				shared.fault(t, fault{Match: s.call, Route: op.route, Status: 500})
			}},
		{name: "500 on every attempt", ops: []liveOp{opGetCallState, opPauseRecording, opResumeRecording},
			want: bwvoice.ErrServer, http: 500, attempts: 3, maybeApplied: true,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				shared.fault(t, fault{Match: s.call, Route: op.route, Count: 5, Status: 500})
			}},
		// New BXML restarts the call's script: like a redirect, it is not
		// repeated after a failure the server may have acted on.
		{name: "500 on BXML is not repeated", ops: []liveOp{opUpdateCallBXML},
			want: bwvoice.ErrServer, http: 500, attempts: 1, maybeApplied: true,
			arrange: func(t *testing.T, s *setup, op liveOp) {
				shared.fault(t, fault{Match: s.call, Route: op.route, Count: 5, Status: 500})
			}},
	}
	for _, tc := range cases {
		forEachOp(t, tc.name+"/", tc.ops, func(t *testing.T, op liveOp) {
			s := &setup{acct: accountID(t), opts: shared.basicOptions()}
			s.call = shared.createRecordedCall(t, s.acct)
			tc.arrange(t, s, op)
			c := shared.client(t, s.opts)
			err := op.run(context.Background(), c, s.acct, s.call)
			e := asError(t, err, tc.want)
			if e.HTTPStatus != tc.http || e.Attempts != tc.attempts || e.MaybeApplied != tc.maybeApplied || e.Field != "" {
				t.Errorf("HTTPStatus %d Attempts %d MaybeApplied %v Field %q, want %d, %d, %v",
					e.HTTPStatus, e.Attempts, e.MaybeApplied, e.Field, tc.http, tc.attempts, tc.maybeApplied)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Error("matches context.DeadlineExceeded")
			}
			if tc.check != nil {
				tc.check(t, e)
			}
			if n := len(opRequests(t, op, s.acct, s.call)); n != tc.attempts {
				t.Errorf("%d requests sent, want %d", n, tc.attempts)
			}
		})
	}
}

// Transient failures are retried as the core's policy says: 429 and 503
// for every operation, 500 for all but BXML (unless RetryNonIdempotent).
func TestLiveCallRetries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		ops          []liveOp
		retryNonIdem bool
		fault        fault
	}{
		{"429 then success", liveOps, false, fault{Status: 429, Headers: map[string]string{"Retry-After": "0"}}},
		{"503 then success", liveOps, false, fault{Status: 503}},
		{"500 then success", []liveOp{opGetCallState, opPauseRecording, opResumeRecording}, false, fault{Status: 500}},
		{"500 then success with RetryNonIdempotent", []liveOp{opUpdateCallBXML}, true, fault{Status: 500}},
		{"connection dropped then success", []liveOp{opGetCallState, opPauseRecording, opResumeRecording}, false, fault{Close: true}},
	}
	for _, tc := range cases {
		forEachOp(t, tc.name+"/", tc.ops, func(t *testing.T, op liveOp) {
			opts := shared.basicOptions()
			opts.RetryNonIdempotent = tc.retryNonIdem
			acct, c, call := withRecordedCall(t, opts)
			f := tc.fault
			f.Match, f.Route, f.Method = call, op.route, op.method
			shared.fault(t, f)
			if err := op.run(context.Background(), c, acct, call); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			if n := len(opRequests(t, op, acct, call)); n != 2 {
				t.Errorf("%d requests sent, want 2", n)
			}
		})
	}
}

// The context's deadline is each operation's budget: when it runs out
// first, the error is both ErrTimeout and context.DeadlineExceeded.
func TestLiveCallContextDeadline(t *testing.T) {
	t.Parallel()
	forEachOp(t, "", liveOps, func(t *testing.T, op liveOp) {
		acct, c, call := withRecordedCall(t, shared.basicOptions())
		shared.fault(t, fault{Match: call, Route: op.route, Method: op.method, DelayMs: 3000})
		checkDeadlineRunsOut(t, func(ctx context.Context) error { return op.run(ctx, c, acct, call) })
	})
}

// Options.Timeout still bounds the new operations under a later deadline,
// and is not the context's error.
func TestLiveCallClientTimeoutWins(t *testing.T) {
	t.Parallel()
	forEachOp(t, "", liveOps, func(t *testing.T, op liveOp) {
		opts := shared.basicOptions()
		opts.Timeout = 200 * time.Millisecond
		acct, c, call := withRecordedCall(t, opts)
		shared.fault(t, fault{Match: call, Route: op.route, DelayMs: 3000})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		checkClientTimeout(t, op.run(ctx, c, acct, call))
	})
}
