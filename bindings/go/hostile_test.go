package bwvoice_test

// Servers that misbehave on purpose, on raw loopback connections: each test
// starts its own and scripts its answers request by request.

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// hostilePassword must never appear in an error, nor its Basic token.
const hostilePassword = "pw-Hq7xR2"

// okEmpty is a keep-alive 200 with no body.
const okEmpty = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

// unscripted answers a request the script did not expect; it is counted
// all the same, so the test sees it.
const unscripted = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

// Bounds on the server's loops: far more than any test needs.
const (
	maxHostileConns    = 16
	maxRequestsPerConn = 16
)

// reply is what the server does once it has read a request in full:
// reset the connection, or write the raw response and keep reading.
type reply struct {
	reset    bool
	response string
}

var resetAfterReading = reply{reset: true}

func respond(raw string) reply { return reply{response: raw} }

// seenRequest is a request the server read in full.
type seenRequest struct {
	conn          int // index of the accepted connection it came on
	method, uri   string
	authorization string
	body          string
}

type hostileServer struct {
	loopback
	script []reply // the reply to the n-th request read (in any connection)

	mu   sync.Mutex
	seen []seenRequest
}

// startHostile listens on 127.0.0.1:0 and plays script, on at most
// maxHostileConns connections.
func startHostile(t *testing.T, script ...reply) *hostileServer {
	t.Helper()
	s := &hostileServer{script: script}
	s.listen(t, maxHostileConns, s.serve)
	return s
}

func (s *hostileServer) serve(nc net.Conn, conn int) {
	c := nc.(*net.TCPConn)
	br := bufio.NewReader(c)
	for range maxRequestsPerConn {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		// Counted before anything is written or reset, so a call that
		// has returned was counted.
		s.mu.Lock()
		n := len(s.seen)
		s.seen = append(s.seen, seenRequest{
			conn: conn, method: req.Method, uri: req.RequestURI,
			authorization: req.Header.Get("Authorization"), body: string(body),
		})
		s.mu.Unlock()
		r := respond(unscripted)
		if n < len(s.script) {
			r = s.script[n]
		}
		if r.reset {
			// Linger 0: Close sends a TCP RST instead of a FIN.
			if err := c.SetLinger(0); err != nil {
				panic(err)
			}
			return
		}
		if _, err := io.WriteString(c, r.response); err != nil {
			return
		}
	}
}

// requests returns a copy of the requests read in full so far.
func (s *hostileServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// client makes a client for this server with the default retry policy
// (three attempts, redirects not retried after they may have taken effect).
func (s *hostileServer) client(t *testing.T) *bwvoice.Client {
	t.Helper()
	return shared.client(t, bwvoice.Options{BaseURL: s.baseURL(), Username: "user", Password: hostilePassword})
}

const (
	hostileAccount = "9900000"
	hostileCall    = "c-1"
	hostileHook    = "https://app.example/next"
)

// checkSeen checks every request the server read: n of them, each the
// expected call with body, the i-th on connection conns[i].
func checkSeen(t *testing.T, reqs []seenRequest, body string, conns ...int) {
	t.Helper()
	if len(reqs) != len(conns) {
		t.Fatalf("the server read %d requests in full, want %d: %+v", len(reqs), len(conns), reqs)
	}
	for i, r := range reqs {
		if r.method != "POST" || r.uri != "/api/v2/accounts/"+hostileAccount+"/calls/"+hostileCall || r.body != body {
			t.Errorf("request %d: %s %s %s", i, r.method, r.uri, r.body)
		}
		if r.conn != conns[i] {
			t.Errorf("request %d came on connection %d, want %d", i, r.conn, conns[i])
		}
	}
}

// A server that reads the whole redirect and then resets the connection
// may have acted on it: the redirect is not sent again, and says so.
func TestRedirectReadThenResetIsSentOnce(t *testing.T) {
	t.Parallel()
	redirectBody := `{"redirectUrl":"` + hostileHook + `"}`
	check := func(t *testing.T, err error) {
		t.Helper()
		e := asError(t, err, bwvoice.ErrConnect)
		if e.Attempts != 1 || !e.MaybeApplied || e.HTTPStatus != 0 {
			t.Errorf("Attempts %d MaybeApplied %v HTTPStatus %d: %v", e.Attempts, e.MaybeApplied, e.HTTPStatus, e)
		}
	}
	ctx := context.Background()

	t.Run("fresh connection", func(t *testing.T) {
		t.Parallel()
		s := startHostile(t, resetAfterReading)
		c := s.client(t)
		check(t, c.Redirect(ctx, hostileAccount, hostileCall, hostileHook))
		checkSeen(t, s.requests(), redirectBody, 0)
	})

	t.Run("reused keep-alive connection", func(t *testing.T) {
		t.Parallel()
		s := startHostile(t, respond(okEmpty), resetAfterReading, respond(okEmpty))
		c := s.client(t)
		if err := c.Redirect(ctx, hostileAccount, hostileCall, hostileHook); err != nil {
			t.Fatalf("first Redirect: %v", err)
		}
		check(t, c.Redirect(ctx, hostileAccount, hostileCall, hostileHook))
		// Both on the first connection: the second reused it.
		checkSeen(t, s.requests(), redirectBody, 0, 0)
		// The client still works, on a new connection.
		if err := c.Redirect(ctx, hostileAccount, hostileCall, hostileHook); err != nil {
			t.Fatalf("Redirect after the reset: %v", err)
		}
		checkSeen(t, s.requests(), redirectBody, 0, 0, 1)
	})
}

// A hang-up is harmless to repeat: after the same reset it is retried; the
// final 404 may be the first attempt's doing, and the error says so.
func TestHangupReadThenResetIsRetried(t *testing.T) {
	t.Parallel()
	s := startHostile(t, resetAfterReading, respond("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
	c := s.client(t)
	e := asError(t, c.Hangup(context.Background(), hostileAccount, hostileCall), bwvoice.ErrNotFound)
	if e.Attempts != 2 || !e.MaybeApplied || e.HTTPStatus != 404 {
		t.Errorf("Attempts %d MaybeApplied %v HTTPStatus %d: %v", e.Attempts, e.MaybeApplied, e.HTTPStatus, e)
	}
	checkSeen(t, s.requests(), `{"state":"completed"}`, 0, 1)
}

// "." and ".." are path dot-segments that URL normalisation removes
// ("calls/.." would address the account): refused as ids, nothing sent.
func TestDotSegmentIDsAreRefused(t *testing.T) {
	t.Parallel()
	s := startHostile(t, respond(okEmpty), respond(okEmpty))
	c := s.client(t)
	ctx := context.Background()
	for _, dots := range []string{".", ".."} {
		for _, tc := range []struct {
			name, field string
			err         error
		}{
			{"Redirect call", "call_id", c.Redirect(ctx, hostileAccount, dots, hostileHook)},
			{"Hangup call", "call_id", c.Hangup(ctx, hostileAccount, dots)},
			{"ModifyCall call", "call_id", c.ModifyCall(ctx, hostileAccount, dots,
				bwvoice.ModifyCallRequest{State: bwvoice.CallStateActive, RedirectURL: hostileHook})},
			{"Redirect account", "account_id", c.Redirect(ctx, dots, hostileCall, hostileHook)},
			{"Hangup account", "account_id", c.Hangup(ctx, dots, hostileCall)},
		} {
			checkRefused(t, fmt.Sprintf("%s %q", tc.name, dots), tc.err, tc.field)
		}
	}
	if reqs := s.requests(); len(reqs) != 0 {
		t.Fatalf("%d requests were sent: %+v", len(reqs), reqs)
	}
	// Only the bare dot-segments: longer runs of dots are ordinary ids,
	// sent as they are (this also shows the server would have seen them).
	if err := c.Hangup(ctx, hostileAccount, "..."); err != nil {
		t.Fatalf("Hangup of call %q: %v", "...", err)
	}
	if err := c.Hangup(ctx, "...", hostileCall); err != nil {
		t.Fatalf("Hangup on account %q: %v", "...", err)
	}
	reqs := s.requests()
	want := []string{"/api/v2/accounts/" + hostileAccount + "/calls/...", "/api/v2/accounts/.../calls/" + hostileCall}
	if len(reqs) != len(want) {
		t.Fatalf("the server read %d requests, want %d: %+v", len(reqs), len(want), reqs)
	}
	for i, r := range reqs {
		if r.uri != want[i] {
			t.Errorf("request %d: %s, want %s", i, r.uri, want[i])
		}
	}
}

// A server that echoes the request's credentials in its error body: no
// part of the error carries the password or the Basic token.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	token := base64.StdEncoding.EncodeToString([]byte("user:" + hostilePassword))
	cases := []struct {
		name, contentType, body string
		wantType, wantID        string
	}{
		{name: "description echoes", contentType: "application/json",
			body:     `{"type":"unauthorized","description":"echo: Authorization: Basic ` + token + ` ` + hostilePassword + `","id":"x"}`,
			wantType: "unauthorized", wantID: "x"},
		{name: "every field echoes", contentType: "application/json",
			body:     `{"type":"echo ` + hostilePassword + `","description":"echo: Authorization: Basic ` + token + `","id":"` + token + `"}`,
			wantType: "echo <redacted>", wantID: "<redacted>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := fmt.Sprintf("HTTP/1.1 401 Unauthorized\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
				tc.contentType, len(tc.body), tc.body)
			s := startHostile(t, respond(raw))
			c := s.client(t)
			err := c.Redirect(context.Background(), hostileAccount, hostileCall, hostileHook)
			e := asError(t, err, bwvoice.ErrUnauthorized)
			if e.HTTPStatus != 401 || e.Attempts != 1 || e.MaybeApplied {
				t.Errorf("HTTPStatus %d Attempts %d MaybeApplied %v", e.HTTPStatus, e.Attempts, e.MaybeApplied)
			}
			// The server did see the secrets it echoed.
			reqs := s.requests()
			if len(reqs) != 1 || reqs[0].authorization != "Basic "+token {
				t.Fatalf("the server read %+v, want one request with Authorization Basic %s", reqs, token)
			}
			everything := map[string]string{
				"Error()":     err.Error(),
				"%v":          fmt.Sprintf("%v", err),
				"%+v":         fmt.Sprintf("%+v", err),
				"%#v":         fmt.Sprintf("%#v", err),
				"*Error %+v":  fmt.Sprintf("%+v", *e),
				"Type":        e.Type,
				"Description": e.Description,
				"ID":          e.ID,
				"Field":       e.Field,
				"Message":     e.Message,
			}
			for what, text := range everything {
				for _, secret := range []string{hostilePassword, token} {
					if strings.Contains(text, secret) {
						t.Errorf("%s contains %q: %s", what, secret, text)
					}
				}
			}
			if !strings.Contains(e.Description, "Authorization: Basic <redacted>") {
				t.Errorf("Description %q lacks %q", e.Description, "Authorization: Basic <redacted>")
			}
			if e.Type != tc.wantType || e.ID != tc.wantID {
				t.Errorf("Type %q (want %q) ID %q (want %q)", e.Type, tc.wantType, e.ID, tc.wantID)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Error("matches context.DeadlineExceeded")
			}
		})
	}
}
