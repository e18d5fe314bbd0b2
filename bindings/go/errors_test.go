package bwvoice_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

var allStatuses = []bwvoice.Status{
	bwvoice.ErrInvalidArgument, bwvoice.ErrUnauthorized, bwvoice.ErrForbidden,
	bwvoice.ErrNotFound, bwvoice.ErrConflict, bwvoice.ErrRateLimited,
	bwvoice.ErrBadRequest, bwvoice.ErrServer, bwvoice.ErrTimeout,
	bwvoice.ErrConnect, bwvoice.ErrTLS, bwvoice.ErrProtocol, bwvoice.ErrInternal,
	bwvoice.ErrBusy, bwvoice.ErrCancelled,
}

// asError checks that err is a *bwvoice.Error matching exactly one sentinel,
// want, and returns it.
func asError(t testing.TB, err error, want bwvoice.Status) *bwvoice.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want %v", want)
	}
	var e *bwvoice.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want a *bwvoice.Error", err, err)
	}
	for _, s := range allStatuses {
		if errors.Is(err, s) != (s == want) {
			t.Errorf("errors.Is(err, %v) = %v for %v (%v)", s, errors.Is(err, s), e.Status, err)
		}
	}
	if e.Status != want {
		t.Errorf("Status = %v, want %v", e.Status, want)
	}
	if err.Error() != e.Message || e.Message == "" {
		t.Errorf("Error() = %q, Message = %q", err.Error(), e.Message)
	}
	return e
}

// Every HTTP-level sentinel, each from a real simulator response.
func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	type setup struct {
		acct, call string
		opts       bwvoice.Options
	}
	cases := []struct {
		name    string
		want    bwvoice.Status
		http    int
		arrange func(t *testing.T, s *setup)
		check   func(t *testing.T, e *bwvoice.Error)
	}{
		{name: "400 validation", want: bwvoice.ErrBadRequest, http: 400,
			arrange: func(t *testing.T, s *setup) { shared.fault(t, fault{Match: s.acct, Status: 400}) },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "validation" || e.Description != "Invalid request" || e.ID == "" {
					t.Errorf("Type %q Description %q ID %q", e.Type, e.Description, e.ID)
				}
			}},
		{name: "401 wrong password", want: bwvoice.ErrUnauthorized, http: 401,
			arrange: func(t *testing.T, s *setup) { s.opts.Password = "wrong" },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "authentication-error" || e.Description != "Invalid username or password" {
					t.Errorf("Type %q Description %q", e.Type, e.Description)
				}
				if strings.Contains(e.Message, "wrong") {
					t.Errorf("message leaks the password: %q", e.Message)
				}
			}},
		{name: "403", want: bwvoice.ErrForbidden, http: 403,
			arrange: func(t *testing.T, s *setup) { shared.fault(t, fault{Match: s.acct, Status: 403}) }},
		{name: "404 unknown call", want: bwvoice.ErrNotFound, http: 404,
			arrange: func(t *testing.T, s *setup) { s.call = "c-no-such-call" },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "not-found" || e.Description != "The requested call was not found" || e.ID == "" {
					t.Errorf("Type %q Description %q ID %q", e.Type, e.Description, e.ID)
				}
			}},
		{name: "409 not answered", want: bwvoice.ErrConflict, http: 409,
			arrange: func(t *testing.T, s *setup) { s.call = shared.createCall(t, s.acct, "initiated") },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "conflict" || e.Description != "Call is not yet answered" {
					t.Errorf("Type %q Description %q", e.Type, e.Description)
				}
			}},
		{name: "429 Retry-After", want: bwvoice.ErrRateLimited, http: 429,
			arrange: func(t *testing.T, s *setup) {
				shared.fault(t, fault{Match: s.acct, Status: 429, Headers: map[string]string{"Retry-After": "1"}})
			},
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.RetryAfter != time.Second {
					t.Errorf("RetryAfter = %v, want 1s", e.RetryAfter)
				}
			}},
		{name: "500", want: bwvoice.ErrServer, http: 500,
			arrange: func(t *testing.T, s *setup) { shared.fault(t, fault{Match: s.acct, Status: 500}) },
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.RetryAfter != 0 {
					t.Errorf("RetryAfter = %v without a Retry-After header", e.RetryAfter)
				}
			}},
		{name: "503 html body", want: bwvoice.ErrServer, http: 503,
			arrange: func(t *testing.T, s *setup) {
				shared.fault(t, fault{Match: s.acct, Status: 503, Body: "<h1>down</h1>", ContentType: "text/html"})
			},
			check: func(t *testing.T, e *bwvoice.Error) {
				if e.Type != "" || e.Description != "" || e.ID != "" {
					t.Errorf("Type %q Description %q ID %q from an HTML body", e.Type, e.Description, e.ID)
				}
			}},
		{name: "302 is a protocol error", want: bwvoice.ErrProtocol, http: 302,
			arrange: func(t *testing.T, s *setup) {
				shared.fault(t, fault{Match: s.acct, Status: 302, Headers: map[string]string{"Location": "http://127.0.0.1:1/"}})
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &setup{acct: accountID(t), opts: shared.basicOptions()}
			s.opts.MaxAttempts = 1
			s.call = shared.createCall(t, s.acct, "answered")
			tc.arrange(t, s)
			c := shared.client(t, s.opts)
			err := c.Redirect(context.Background(), s.acct, s.call, shared.appURL("next"))
			e := asError(t, err, tc.want)
			if e.HTTPStatus != tc.http || e.Attempts != 1 || e.Field != "" {
				t.Errorf("HTTPStatus %d Attempts %d Field %q", e.HTTPStatus, e.Attempts, e.Field)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Error("matches context.DeadlineExceeded")
			}
			// A 4xx or 503 certainly had no effect.
			if e.MaybeApplied && (tc.http/100 == 4 || tc.http == 503) {
				t.Error("MaybeApplied after HTTP", tc.http)
			}
			if tc.check != nil {
				tc.check(t, e)
			}
			if n := len(shared.accountRequests(t, s.acct)); n != 1 {
				t.Errorf("%d requests sent, want 1", n)
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	c := shared.client(t, bwvoice.Options{
		BaseURL: "http://" + closedPort(t) + "/api/v2", Username: simUser, Password: simPassword, MaxAttempts: 1,
	})
	e := asError(t, c.Redirect(context.Background(), "9900000", "c-1", "https://app.example/next"), bwvoice.ErrConnect)
	if e.HTTPStatus != 0 || e.Attempts != 1 || e.RetryAfter != 0 || e.MaybeApplied {
		t.Errorf("HTTPStatus %d Attempts %d RetryAfter %v MaybeApplied %v", e.HTTPStatus, e.Attempts, e.RetryAfter, e.MaybeApplied)
	}
}

// TLS to the simulator's plain-HTTP port fails the handshake.
func TestTLSFailure(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	base := strings.Replace(shared.apiURL(), "http://", "https://", 1)
	c := shared.client(t, bwvoice.Options{BaseURL: base, Username: simUser, Password: simPassword, MaxAttempts: 1})
	e := asError(t, c.Hangup(context.Background(), acct, "c-1"), bwvoice.ErrTLS)
	if e.HTTPStatus != 0 {
		t.Errorf("HTTPStatus %d", e.HTTPStatus)
	}
}

// The core validates everything before sending; the binding adds nothing.
func TestValidationErrorsSendNothing(t *testing.T) {
	t.Parallel()
	checkRefusedSendNothing(t, func(ctx context.Context, c *bwvoice.Client, acct, call, next string) []refusal {
		return []refusal{
			{"redirect_url", c.Redirect(ctx, acct, call, "")},
			{"redirect_url", c.Redirect(ctx, acct, call, "ftp://app.example/next")},
			{"redirect_url", c.Redirect(ctx, acct, call, "https://app.example/a b")},
			{"redirect_fallback_url", c.Redirect(ctx, acct, call, next, bwvoice.WithFallback("mailto:x@example.com"))},
			{"redirect_method", c.Redirect(ctx, acct, call, next, bwvoice.WithRedirectMethod(bwvoice.Method(7)))},
			{"redirect_fallback_method", c.Redirect(ctx, acct, call, next, bwvoice.WithFallbackMethod(bwvoice.Method(-1)))},
			{"state", c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.RequestedState(9), RedirectURL: next})},
			{"tag", c.Redirect(ctx, acct, call, next, bwvoice.WithTag(strings.Repeat("x", 4097)))},
			{"username", c.Redirect(ctx, acct, call, next, bwvoice.WithCredentials(strings.Repeat("u", 1025), "p"))},
			{"fallback_password", c.Redirect(ctx, acct, call, next, bwvoice.WithFallback(next),
				bwvoice.WithFallbackCredentials("u", strings.Repeat("p", 1025)))},
			{"tag", c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.CallStateCompleted, Tag: bwvoice.Tag("")})},
			{"redirect_url", c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.CallStateCompleted, RedirectURL: next})},
			{"redirect_method", c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.CallStateCompleted, RedirectMethod: bwvoice.MethodPOST})},
			{"call_id", c.Hangup(ctx, acct, "")},
			{"account_id", c.Hangup(ctx, "", call)},
			{"call_id", c.Hangup(ctx, acct, "c-1\n")},
			{"call_id", getCallStateErr(c.GetCallState(ctx, acct, ""))},
			{"account_id", getCallStateErr(c.GetCallState(ctx, "", call))},
			{"call_id", c.UpdateCallBXML(ctx, acct, "", simpleBXML)},
			{"account_id", c.UpdateCallBXML(ctx, "", call, simpleBXML)},
			{"call_id", c.PauseRecording(ctx, acct, "c-1\n")},
			{"account_id", c.ResumeRecording(ctx, "", call)},
		}
	})
}

// refusal is a call the library must refuse, naming field.
type refusal struct {
	field string
	err   error
}

// checkRefusedSendNothing makes an account, a client and an answered call,
// passes them to cases with a context and a valid redirect URL, and checks
// that each call cases made was refused naming its field (checkRefused)
// and that none reached the simulator: no request of the account, the
// call still answered. It returns the errors, in the order of the cases.
func checkRefusedSendNothing(t *testing.T, cases func(ctx context.Context, c *bwvoice.Client, acct, call, next string) []refusal) []*bwvoice.Error {
	t.Helper()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	refusals := cases(context.Background(), c, acct, call, shared.appURL("next"))
	errs := make([]*bwvoice.Error, len(refusals))
	for i, r := range refusals {
		errs[i] = checkRefused(t, fmt.Sprintf("case %d", i), r.err, r.field)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Errorf("%d requests were sent: %+v", len(reqs), reqs)
	}
	if st := shared.call(t, call); st.State != "answered" {
		t.Errorf("call state %q", st.State)
	}
	return errs
}

// getCallStateErr is GetCallState's error, checking that a failure comes
// without a state.
func getCallStateErr(st *bwvoice.CallState, err error) error {
	if st != nil && err != nil {
		return errors.New("GetCallState returned a state with its error")
	}
	return err
}

// A Go string with a NUL cannot be a C string: the binding refuses it
// before calling C.
func TestNULInStrings(t *testing.T) {
	t.Parallel()
	errs := checkRefusedSendNothing(t, func(ctx context.Context, c *bwvoice.Client, acct, call, next string) []refusal {
		return []refusal{
			{"account_id", c.Hangup(ctx, acct+"\x00x", call)},
			{"call_id", c.Hangup(ctx, acct, call+"\x00")},
			{"redirect_url", c.Redirect(ctx, acct, call, next+"\x00")},
			{"tag", c.Redirect(ctx, acct, call, next, bwvoice.WithTag("a\x00b"))},
			{"username", c.Redirect(ctx, acct, call, next, bwvoice.WithCredentials("\x00", "p"))},
			{"password", c.Redirect(ctx, acct, call, next, bwvoice.WithCredentials("u", "p\x00"))},
			{"redirect_fallback_url", c.Redirect(ctx, acct, call, next, bwvoice.WithFallback("\x00"))},
			{"fallback_username", c.Redirect(ctx, acct, call, next, bwvoice.WithFallback(next), bwvoice.WithFallbackCredentials("\x00", "p"))},
			{"fallback_password", c.Redirect(ctx, acct, call, next, bwvoice.WithFallback(next), bwvoice.WithFallbackCredentials("u", "\x00"))},
			{"account_id", getCallStateErr(c.GetCallState(ctx, "\x00", call))},
			{"call_id", getCallStateErr(c.GetCallState(ctx, acct, call+"\x00"))},
			{"bxml", c.UpdateCallBXML(ctx, acct, call, "<Bxml>\x00</Bxml>")},
			{"call_id", c.UpdateCallBXML(ctx, acct, "\x00", simpleBXML)},
			{"account_id", c.PauseRecording(ctx, "\x00", call)},
			{"call_id", c.ResumeRecording(ctx, acct, "\x00")},
		}
	})
	for i, e := range errs {
		if !strings.Contains(e.Message, "NUL") {
			t.Errorf("case %d: Message %q does not name the NUL", i, e.Message)
		}
	}
	for _, tc := range []struct {
		field string
		opts  func(o *bwvoice.Options)
	}{
		{"password", func(o *bwvoice.Options) { o.Password = "pa\x00ss" }},
		{"base_url", func(o *bwvoice.Options) { o.BaseURL += "\x00" }},
		{"user_agent_suffix", func(o *bwvoice.Options) { o.UserAgentSuffix = "\x00" }},
		{"ca_file", func(o *bwvoice.Options) { o.CAFile = "/tmp/\x00" }},
	} {
		opts := shared.basicOptions()
		tc.opts(&opts)
		checkOptionsRefused(t, "options with a NUL", opts, tc.field)
	}
}

// Every Options field reaches bw_client_config: the core's own checks
// name the field.
func TestNewClientInvalidOptions(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.pem")
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := shared.basicOptions
	with := func(f func(o *bwvoice.Options)) bwvoice.Options {
		o := base()
		f(&o)
		return o
	}
	cases := []struct {
		field string
		opts  bwvoice.Options
	}{
		{"username", bwvoice.Options{BaseURL: shared.apiURL()}},
		{"password", bwvoice.Options{Username: simUser}},
		{"username", bwvoice.Options{Password: simPassword}},
		{"client_secret", bwvoice.Options{ClientID: simClientID}},
		{"client_id", bwvoice.Options{ClientSecret: simClientSecret}},
		{"client_id", with(func(o *bwvoice.Options) { o.ClientID, o.ClientSecret = simClientID, simClientSecret })},
		{"username", with(func(o *bwvoice.Options) { o.Username = "a:b" })},
		{"base_url", with(func(o *bwvoice.Options) { o.BaseURL = "http://voice.example.com/api/v2" })},
		{"base_url", with(func(o *bwvoice.Options) { o.BaseURL = "not a url" })},
		{"token_url", bwvoice.Options{ClientID: simClientID, ClientSecret: simClientSecret, TokenURL: "http://auth.example.com/token"}},
		{"connect_timeout_ms", with(func(o *bwvoice.Options) { o.ConnectTimeout = -time.Second })},
		{"timeout_ms", with(func(o *bwvoice.Options) { o.Timeout = -1 })},
		{"timeout_ms", with(func(o *bwvoice.Options) { o.Timeout = 50 * 24 * time.Hour })},
		{"max_attempts", with(func(o *bwvoice.Options) { o.MaxAttempts = -1 })},
		{"max_concurrency", with(func(o *bwvoice.Options) { o.MaxConcurrency = -1 })},
		{"max_concurrency", with(func(o *bwvoice.Options) { o.MaxConcurrency = 4097 })},
		{"max_queued", with(func(o *bwvoice.Options) { o.MaxQueued = -1 })},
		{"tls_roots", with(func(o *bwvoice.Options) { o.TLSRoots = bwvoice.TLSRoots(5) })},
		{"ca_file", with(func(o *bwvoice.Options) { o.CAFile = missing })},
		{"ca_file", with(func(o *bwvoice.Options) { o.CAFile = notPEM })},
		{"ca_file", with(func(o *bwvoice.Options) { o.CAFile, o.TLSRoots = missing, bwvoice.TLSRootsSystem })},
		{"proxy", with(func(o *bwvoice.Options) { o.Proxy = "::not a proxy::" })},
		{"proxy", with(func(o *bwvoice.Options) { o.Proxy, o.ProxyFromEnv = "http://127.0.0.1:3128", true })},
		{"user_agent_suffix", with(func(o *bwvoice.Options) { o.UserAgentSuffix = "caf\u00e9" })},
		{"user_agent_suffix", with(func(o *bwvoice.Options) { o.UserAgentSuffix = strings.Repeat("x", 200) })},
	}
	for i, tc := range cases {
		checkOptionsRefused(t, fmt.Sprintf("case %d", i), tc.opts, tc.field)
	}
}
