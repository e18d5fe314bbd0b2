package bwvoice_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	v := bwvoice.Version()
	want := fmt.Sprintf(`^bwvoice/%d\.[0-9]+\.[0-9]+$`, bwvoice.VersionMajor)
	if !regexp.MustCompile(want).MatchString(v) {
		t.Fatalf("Version() = %q; the loaded library does not match this binding (want %s)", v, want)
	}
}

// bw_version_number agrees with the header it was built with and with bw_version.
func TestVersionNumber(t *testing.T) {
	t.Parallel()
	n := bwvoice.VersionNumber()
	if n != bwvoice.HeaderVersionNumber {
		t.Errorf("VersionNumber() = %#06x, BW_VERSION_NUMBER = %#06x", n, bwvoice.HeaderVersionNumber)
	}
	if want := fmt.Sprintf("bwvoice/%d.%d.%d", n>>16, n>>8&0xff, n&0xff); bwvoice.Version() != want {
		t.Errorf("Version() = %q, VersionNumber() = %#06x (%s)", bwvoice.Version(), n, want)
	}
	if minimum := uint32(bwvoice.VersionMajor<<16 | bwvoice.VersionMinor<<8); n < minimum || n>>16 != bwvoice.VersionMajor {
		t.Errorf("VersionNumber() = %#06x, want at least %#06x with the same major", n, minimum)
	}
}

func TestStatusNames(t *testing.T) {
	t.Parallel()
	for status, name := range map[bwvoice.Status]string{
		0:                          "BW_OK",
		bwvoice.ErrInvalidArgument: "BW_ERR_INVALID_ARGUMENT",
		bwvoice.ErrUnauthorized:    "BW_ERR_UNAUTHORIZED",
		bwvoice.ErrForbidden:       "BW_ERR_FORBIDDEN",
		bwvoice.ErrNotFound:        "BW_ERR_NOT_FOUND",
		bwvoice.ErrConflict:        "BW_ERR_CONFLICT",
		bwvoice.ErrRateLimited:     "BW_ERR_RATE_LIMITED",
		bwvoice.ErrBadRequest:      "BW_ERR_BAD_REQUEST",
		bwvoice.ErrServer:          "BW_ERR_SERVER",
		bwvoice.ErrTimeout:         "BW_ERR_TIMEOUT",
		bwvoice.ErrConnect:         "BW_ERR_CONNECT",
		bwvoice.ErrTLS:             "BW_ERR_TLS",
		bwvoice.ErrProtocol:        "BW_ERR_PROTOCOL",
		bwvoice.ErrInternal:        "BW_ERR_INTERNAL",
		bwvoice.ErrBusy:            "BW_ERR_BUSY",
		bwvoice.ErrCancelled:       "BW_ERR_CANCELLED",
		bwvoice.Status(1000):       "BW_ERR_UNKNOWN",
		bwvoice.Status(-1):         "BW_ERR_UNKNOWN",
		bwvoice.ErrCancelled + 1:   "BW_ERR_UNKNOWN",
	} {
		if got := status.String(); got != name {
			t.Errorf("Status(%d).String() = %q, want %q", int32(status), got, name)
		}
		if got := status.Error(); got != name {
			t.Errorf("Status(%d).Error() = %q, want %q", int32(status), got, name)
		}
	}
}

// The exact JSON body of every parameter, in the order the core writes it.
func TestModifyCallSendsEveryParameter(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	primary, fallback := shared.appURL("primary"), shared.appURL("fallback")

	err := c.ModifyCall(context.Background(), acct, call, bwvoice.ModifyCallRequest{
		State:                  bwvoice.CallStateActive,
		RedirectURL:            primary,
		RedirectMethod:         bwvoice.MethodGET,
		Username:               "hook-user",
		Password:               "hook-pass",
		Tag:                    bwvoice.Tag(`step-2 "quoted" é`),
		RedirectFallbackURL:    fallback,
		RedirectFallbackMethod: bwvoice.MethodPOST,
		FallbackUsername:       "fb-user",
		FallbackPassword:       "fb-pass",
	})
	if err != nil {
		t.Fatalf("ModifyCall: %v", err)
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	want := `{"state":"active","redirectUrl":"` + primary + `","redirectMethod":"GET",` +
		`"username":"hook-user","password":"hook-pass","tag":"step-2 \"quoted\" é",` +
		`"redirectFallbackUrl":"` + fallback + `","redirectFallbackMethod":"POST",` +
		`"fallbackUsername":"fb-user","fallbackPassword":"fb-pass"}`
	if r.Body != want {
		t.Errorf("body\n got %s\nwant %s", r.Body, want)
	}
	if r.Method != "POST" || r.Path != "/api/v2/accounts/"+acct+"/calls/"+call || r.Status != 200 {
		t.Errorf("got %s %s -> %d", r.Method, r.Path, r.Status)
	}
	if ct := r.Headers["content-type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content-type %q", ct)
	}
	if auth := r.Headers["authorization"]; auth != "Basic dXNlcjpwYXNz" { // user:pass
		t.Errorf("authorization %q", auth)
	}
	if tag := shared.call(t, call).Tag; tag == nil || *tag != `step-2 "quoted" é` {
		t.Errorf("simulator's tag = %v", tag)
	}
}

func TestRedirectOptions(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	primary, fallback := shared.appURL("next"), shared.appURL("backup")
	ctx := context.Background()

	if err := c.Redirect(ctx, acct, call, primary); err != nil {
		t.Fatalf("Redirect: %v", err)
	}
	err := c.Redirect(ctx, acct, call, primary,
		bwvoice.WithTag("t1"),
		bwvoice.WithRedirectMethod(bwvoice.MethodPOST),
		bwvoice.WithCredentials("u", "p"),
		bwvoice.WithFallback(fallback),
		bwvoice.WithFallbackMethod(bwvoice.MethodGET),
		bwvoice.WithFallbackCredentials("fu", "fp"),
	)
	if err != nil {
		t.Fatalf("Redirect with options: %v", err)
	}
	want := []string{
		`{"redirectUrl":"` + primary + `"}`,
		`{"redirectUrl":"` + primary + `","redirectMethod":"POST","username":"u","password":"p",` +
			`"tag":"t1","redirectFallbackUrl":"` + fallback + `","redirectFallbackMethod":"GET",` +
			`"fallbackUsername":"fu","fallbackPassword":"fp"}`,
	}
	assertBodies(t, shared.accountRequests(t, acct), want)
}

// Tag is three-valued: absent (leave alone), "" (clear), text (set).
func TestTagUnsetClearSet(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	next := shared.appURL("next")
	ctx := context.Background()

	steps := []struct {
		name    string
		send    func() error
		body    string
		wantTag *string // the simulator's tag afterwards
	}{
		{"set", func() error { return c.Redirect(ctx, acct, call, next, bwvoice.WithTag("one")) },
			`{"redirectUrl":"` + next + `","tag":"one"}`, bwvoice.Tag("one")},
		{"unset leaves it", func() error { return c.Redirect(ctx, acct, call, next) },
			`{"redirectUrl":"` + next + `"}`, bwvoice.Tag("one")},
		{"nil pointer leaves it", func() error {
			return c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{RedirectURL: next, Tag: nil})
		}, `{"redirectUrl":"` + next + `"}`, bwvoice.Tag("one")},
		{"ClearTag", func() error { return c.Redirect(ctx, acct, call, next, bwvoice.ClearTag()) },
			`{"redirectUrl":"` + next + `","tag":""}`, nil},
		{"set again", func() error {
			return c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{RedirectURL: next, Tag: bwvoice.Tag("two")})
		}, `{"redirectUrl":"` + next + `","tag":"two"}`, bwvoice.Tag("two")},
		{"pointer to empty clears", func() error {
			return c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{RedirectURL: next, Tag: bwvoice.Tag("")})
		}, `{"redirectUrl":"` + next + `","tag":""}`, nil},
		{"WithTag empty clears", func() error { return c.Redirect(ctx, acct, call, next, bwvoice.WithTag("")) },
			`{"redirectUrl":"` + next + `","tag":""}`, nil},
	}
	var bodies []string
	for _, step := range steps {
		if err := step.send(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		bodies = append(bodies, step.body)
		got := shared.call(t, call).Tag
		if (got == nil) != (step.wantTag == nil) || got != nil && *got != *step.wantTag {
			t.Errorf("%s: simulator's tag = %v, want %v", step.name, deref(got), deref(step.wantTag))
		}
	}
	assertBodies(t, shared.accountRequests(t, acct), bodies)
}

func TestHangup(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "answered")
	ctx := context.Background()

	if err := c.Hangup(ctx, acct, call); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	st := shared.call(t, call)
	if st.State != "disconnected" || st.DisconnectCause == nil || *st.DisconnectCause != "hangup" {
		t.Errorf("after Hangup the simulator says state %q cause %v", st.State, deref(st.DisconnectCause))
	}
	// The call has ended: both operations now report ErrNotFound.
	for _, after := range []struct {
		name string
		err  error
	}{
		{"Hangup again", c.Hangup(ctx, acct, call)},
		{"Redirect", c.Redirect(ctx, acct, call, shared.appURL("late"))},
		{"ModifyCall completed", c.ModifyCall(ctx, acct, call, bwvoice.ModifyCallRequest{State: bwvoice.CallStateCompleted})},
	} {
		if !errors.Is(after.err, bwvoice.ErrNotFound) {
			t.Errorf("%s after hang-up: got %v, want ErrNotFound", after.name, after.err)
		}
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 4 {
		t.Fatalf("got %d requests, want 4", len(reqs))
	}
	for _, i := range []int{0, 1, 3} {
		if reqs[i].Body != `{"state":"completed"}` {
			t.Errorf("hang-up body %q, want exactly {\"state\":\"completed\"}", reqs[i].Body)
		}
	}
}

// An unanswered call is cancelled by Hangup.
func TestHangupInitiatedCall(t *testing.T) {
	t.Parallel()
	acct, c, call := withCall(t, shared.basicOptions(), "initiated")
	if err := c.Hangup(context.Background(), acct, call); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	if st := shared.call(t, call); st.State != "disconnected" {
		t.Errorf("state %q", st.State)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	acct, plain, call := withCall(t, shared.basicOptions(), "answered")
	opts := shared.basicOptions()
	opts.UserAgentSuffix = "my-app/1.2"
	suffixed := shared.client(t, opts)
	for _, c := range []*bwvoice.Client{plain, suffixed} {
		if err := c.Redirect(context.Background(), acct, call, shared.appURL("ua")); err != nil {
			t.Fatal(err)
		}
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 2 {
		t.Fatalf("got %d requests", len(reqs))
	}
	want := []string{bwvoice.Version() + " (go)", bwvoice.Version() + " (go; my-app/1.2)"}
	for i, r := range reqs {
		ua := r.Headers["user-agent"]
		if ua != want[i] || !strings.Contains(ua, "(go") {
			t.Errorf("user-agent %q, want %q", ua, want[i])
		}
	}
}

func assertBodies(t *testing.T, reqs []loggedRequest, want []string) {
	t.Helper()
	if len(reqs) != len(want) {
		t.Fatalf("got %d requests, want %d", len(reqs), len(want))
	}
	for i := range want {
		if reqs[i].Body != want[i] {
			t.Errorf("request %d body\n got %s\nwant %s", i, reqs[i].Body, want[i])
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", *p)
}
