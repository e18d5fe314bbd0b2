package bwvoice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// lockedBuffer is a log sink the handler's goroutines may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type webhookServer struct {
	url    string
	client *http.Client
	log    *lockedBuffer
}

// serveCallbacks runs CallbackHandler(fn, opts) on a loopback server,
// logging to a buffer the test can read.
func serveCallbacks(t *testing.T, fn func(context.Context, *bwvoice.Callback) (*bwvoice.BXML, error), opts bwvoice.CallbackHandlerOptions) *webhookServer {
	t.Helper()
	logs := &lockedBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(bwvoice.CallbackHandler(fn, opts))
	t.Cleanup(srv.Close)
	return &webhookServer{url: srv.URL + "/callbacks/answer", client: srv.Client(), log: logs}
}

type webhookReply struct {
	status int
	header http.Header
	body   string
}

// send makes one request; user "" sends no Authorization header.
func (s *webhookServer) send(t *testing.T, method, query string, body []byte, user, password string) webhookReply {
	t.Helper()
	req, err := http.NewRequest(method, s.url+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, s.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webhookReply{resp.StatusCode, resp.Header, string(b)}
}

// greet answers every callback with one SpeakSentence naming its event.
func greet(_ context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
	return bwvoice.Response(bwvoice.SpeakSentence("event "+cb.EventType+" from "+cb.From, nil)), nil
}

func wantBXML(t *testing.T, r webhookReply, text string) {
	t.Helper()
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("webhookReply %d %q %q, want 200 BXML", r.status, r.header.Get("Content-Type"), r.body)
	}
	if !strings.Contains(r.body, "<Response><SpeakSentence>"+text+"</SpeakSentence></Response>") {
		t.Fatalf("body %q lacks %q", r.body, text)
	}
	if err := bwvoice.CheckBXML(r.body, bwvoice.BXMLResponse, false); err != nil {
		t.Fatalf("CheckBXML: %v", err)
	}
}

func TestCallbackHandlerChallengeFlow(t *testing.T) {
	var calls atomic.Int32
	s := serveCallbacks(t, func(ctx context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
		calls.Add(1)
		return greet(ctx, cb)
	}, bwvoice.CallbackHandlerOptions{Username: "bw-user", Password: "pa:ss", Realm: "voice"})
	body := callbackJSON(t, "answer", nil)

	// Bandwidth's first request carries no credentials: 401 with the challenge.
	r := s.send(t, http.MethodPost, "", body, "", "")
	if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != `Basic realm="voice"` {
		t.Fatalf("first request: %d, WWW-Authenticate %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r.header.Get("Content-Length") != "0" || r.body != "" {
		t.Fatalf("401 has a body: %q (Content-Length %q)", r.body, r.header.Get("Content-Length"))
	}
	// Its second carries them: the callback is handled.
	wantBXML(t, s.send(t, http.MethodPost, "", body, "bw-user", "pa:ss"), "event answer from +19195550111")
	if n := calls.Load(); n != 1 {
		t.Fatalf("fn ran %d times, want 1", n)
	}

	// Another scheme is challenged; wrong Basic credentials are refused
	// without a challenge, so Bandwidth does not send them again.
	for _, c := range []struct {
		header string
		status int
	}{
		{"Bearer abc", http.StatusUnauthorized},
		{"Basic " + b64("bw-user:wrong"), http.StatusForbidden},
		{"Basic " + b64("other:pa:ss"), http.StatusForbidden},
		{"Basic ###", http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
		req.Header.Set("Authorization", c.header)
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("Authorization %q: %d, want %d", c.header, resp.StatusCode, c.status)
		}
		if c.status == http.StatusForbidden && resp.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("Authorization %q: 403 with a challenge", c.header)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("fn ran %d times for refused requests", n-1)
	}
	if strings.Contains(s.log.String(), "pa:ss") || strings.Contains(s.log.String(), "wrong") {
		t.Fatalf("a credential reached the log: %s", s.log)
	}
}

func TestCallbackHandlerRequests(t *testing.T) {
	var lastCtx atomic.Value
	s := serveCallbacks(t, func(ctx context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
		lastCtx.Store(ctx)
		switch cb.Event {
		case bwvoice.CallbackDisconnect:
			return nil, nil
		case bwvoice.CallbackRedirect:
			return nil, errors.New("database password=hunter2 unreachable")
		case bwvoice.CallbackDTMF:
			panic("handler bug with secret hunter2")
		case bwvoice.CallbackConferenceCreated:
			return bwvoice.Response(bwvoice.Element("NoSuchVerb", nil)), nil
		}
		return greet(ctx, cb)
	}, bwvoice.CallbackHandlerOptions{})

	t.Run("GET query", func(t *testing.T) {
		q := "?" + url.Values{"eventType": {"gather"}, "from": {"+1 555"}, "digits": {"9"}}.Encode()
		wantBXML(t, s.send(t, http.MethodGet, q, nil, "", ""), "event gather from +1 555")
	})
	t.Run("the request's context", func(t *testing.T) {
		wantBXML(t, s.send(t, http.MethodPost, "", callbackJSON(t, "answer", nil), "", ""), "event answer from +19195550111")
		if ctx, _ := lastCtx.Load().(context.Context); ctx == nil || ctx.Value(http.ServerContextKey) == nil {
			t.Fatal("fn did not get the request's context")
		}
	})
	t.Run("204 for nil BXML", func(t *testing.T) {
		r := s.send(t, http.MethodPost, "", callbackJSON(t, "disconnect", nil), "", "")
		if r.status != http.StatusNoContent || r.body != "" {
			t.Fatalf("webhookReply %d %q", r.status, r.body)
		}
	})
	t.Run("400 with the library's message", func(t *testing.T) {
		for _, body := range []string{`{"eventType":"answer","eventTime":"noon"}`, `{"callId":"c"}`, `not json`, ``, "\x00\xff"} {
			_, parseErr := bwvoice.ParseCallback([]byte(body))
			r := s.send(t, http.MethodPost, "", []byte(body), "", "")
			if r.status != http.StatusBadRequest || r.body != parseErr.Error()+"\n" ||
				!strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
				t.Fatalf("body %q: %d %q %q, want 400 %q", body, r.status, r.header.Get("Content-Type"), r.body, parseErr)
			}
		}
		r := s.send(t, http.MethodGet, "?tag=only", nil, "", "")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "eventType") {
			t.Fatalf("GET without eventType: %d %q", r.status, r.body)
		}
	})
	t.Run("413 over 64 KiB", func(t *testing.T) {
		body := callbackJSON(t, "answer", map[string]any{"tag": strings.Repeat("x", bwvoice.MaxCallbackBytes)})
		if r := s.send(t, http.MethodPost, "", body, "", ""); r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("webhookReply %d %q", r.status, r.body)
		}
	})
	t.Run("405 for another method", func(t *testing.T) {
		r := s.send(t, http.MethodPut, "", callbackJSON(t, "answer", nil), "", "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("webhookReply %d, Allow %q", r.status, r.header.Get("Allow"))
		}
	})
	t.Run("500 for an error, a panic or BXML that does not render", func(t *testing.T) {
		for _, event := range []string{"redirect", "dtmf", "conferenceCreated"} {
			r := s.send(t, http.MethodPost, "", callbackJSON(t, event, nil), "", "")
			if r.status != http.StatusInternalServerError || r.body != "internal server error\n" {
				t.Fatalf("%s: webhookReply %d %q", event, r.status, r.body)
			}
		}
		logs := s.log.String()
		for _, want := range []string{"callback handler failed", "callback handler panicked", "does not render", "event_type=dtmf"} {
			if !strings.Contains(logs, want) {
				t.Errorf("log lacks %q:\n%s", want, logs)
			}
		}
		// The server survived the panic.
		wantBXML(t, s.send(t, http.MethodPost, "", callbackJSON(t, "answer", nil), "", ""), "event answer from +19195550111")
	})
}

func TestCallbackHandlerConcurrent(t *testing.T) {
	s := serveCallbacks(t, greet, bwvoice.CallbackHandlerOptions{Username: "u", Password: "p"})
	errs := runAtOnce(16, func(i int) error {
		from := fmt.Sprintf("+1555000%04d", i)
		req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(callbackJSON(t, "answer", map[string]any{"from": from})))
		req.SetBasicAuth("u", "p")
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), from) {
			return fmt.Errorf("webhookReply %d %q", resp.StatusCode, b)
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestCallbackHandlerMisconfigured(t *testing.T) {
	for name, opts := range map[string]bwvoice.CallbackHandlerOptions{
		"username without password": {Username: "u"},
		"password without username": {Password: "p"},
		"realm with a newline":      {Username: "u", Password: "p", Realm: "a\nb"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("CallbackHandler did not panic")
				}
			}()
			bwvoice.CallbackHandler(greet, opts)
		})
	}
}

func ExampleCallbackHandler() {
	handler := bwvoice.CallbackHandler(func(ctx context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
		switch cb.Event {
		case bwvoice.CallbackAnswer:
			return bwvoice.Response(bwvoice.SpeakSentence("Hello", nil), bwvoice.Hangup()), nil
		default:
			return nil, nil // 204: Bandwidth ignores the body of the others
		}
	}, bwvoice.CallbackHandlerOptions{Username: "bw-callbacks", Password: "a long random secret", Realm: "voice"})
	srv := httptest.NewServer(handler) // in production: http.Handle("/callbacks", handler)
	defer srv.Close()

	post := func(auth bool) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"eventType":"answer","callId":"c-1"}`))
		if auth {
			req.SetBasicAuth("bw-callbacks", "a long random secret")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, strings.TrimSpace(resp.Header.Get("WWW-Authenticate")+" "+string(body)))
	}
	post(false) // Bandwidth first sends no credentials
	post(true)  // then, challenged, it sends them
	// Output:
	// 401 Basic realm="voice"
	// 200 <?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>Hello</SpeakSentence><Hangup/></Response>
}
