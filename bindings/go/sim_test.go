package bwvoice_test

// The Voice API simulator (target/release/bwvoice-sim) as a subprocess, and
// small helpers for its unauthenticated control API (/sim/...).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// Credentials the simulator accepts by default.
const (
	simUser         = "user"
	simPassword     = "pass"
	simClientID     = "client"
	simClientSecret = "secret"
)

// shared is the simulator started by TestMain; tests use distinct account
// ids so they can run in parallel against it.
var shared *simulator

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	s, err := startSimulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bwvoice tests:", err)
		return 1
	}
	defer s.stop()
	shared = s
	return m.Run()
}

type simulator struct {
	cmd *exec.Cmd
	url string // http://127.0.0.1:PORT
}

// simulatorPath is $BWVOICE_SIM, or the repository's own release build.
func simulatorPath() (string, error) {
	if p := os.Getenv("BWVOICE_SIM"); p != "" {
		return p, nil
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "target", "release", "bwvoice-sim"))
	if err == nil {
		if _, err = os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("set BWVOICE_SIM to the bwvoice-sim binary (cargo build --release -p bwvoice-sim): %v", err)
}

// startSimulator runs `bwvoice-sim --port 0` and reads the address from its
// first line of output, "listening on http://127.0.0.1:PORT".
func startSimulator() (*simulator, error) {
	path, err := simulatorPath()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, "--port", "0")
	cmd.Stderr = os.Stderr
	configureSimulatorProcess(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	s := &simulator{cmd: cmd}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") {
		s.stop()
		return nil, fmt.Errorf("%s: unexpected first line %q (%v)", path, line, err)
	}
	s.url = addr
	go func() { _, _ = io.Copy(io.Discard, r) }()
	return s, nil
}

func (s *simulator) stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// newSimulator starts a private simulator for a test that needs global
// state to itself (token counts, environment, ...).
func newSimulator(t *testing.T) *simulator {
	t.Helper()
	s, err := startSimulator()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	return s
}

func (s *simulator) apiURL() string   { return s.url + "/api/v2" }
func (s *simulator) tokenURL() string { return s.url + "/api/v1/oauth2/token" }

// appURL is the simulator's built-in webhook receiver (answers BXML).
func (s *simulator) appURL(name string) string { return s.url + "/sim/app/" + name }

// basicOptions are Options for this simulator with Basic credentials.
func (s *simulator) basicOptions() bwvoice.Options {
	return bwvoice.Options{BaseURL: s.apiURL(), Username: simUser, Password: simPassword}
}

// client makes a client closed at the end of the test.
func (s *simulator) client(t testing.TB, opts bwvoice.Options) *bwvoice.Client {
	t.Helper()
	c := newClient(t, opts)
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// control sends a control API request and decodes the JSON answer into out.
func (s *simulator) control(t testing.TB, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// callState is the simulator's control view of a call: the spec's
// callState plus tag, recording and bxml.
type callState struct {
	CallID          string            `json:"callId"`
	AccountID       string            `json:"accountId"`
	ApplicationID   *string           `json:"applicationId"`
	ParentCallID    *string           `json:"parentCallId"`
	To              *string           `json:"to"`
	From            *string           `json:"from"`
	Direction       *string           `json:"direction"`
	State           string            `json:"state"`
	EnqueuedTime    *string           `json:"enqueuedTime"`
	StartTime       *string           `json:"startTime"`
	AnswerTime      *string           `json:"answerTime"`
	EndTime         *string           `json:"endTime"`
	LastUpdate      *string           `json:"lastUpdate"`
	DisconnectCause *string           `json:"disconnectCause"`
	ErrorMessage    *string           `json:"errorMessage"`
	ErrorID         *string           `json:"errorId"`
	Identity        *string           `json:"identity"`
	StirShaken      map[string]string `json:"stirShaken"`
	Tag             *string           `json:"tag"`
	Recording       *string           `json:"recording"` // "recording", "paused" or null
	BXML            *string           `json:"bxml"`      // the latest replaced document
}

// createCall creates a call ("answered" or "initiated") and returns its id.
func (s *simulator) createCall(t testing.TB, accountID, state string) string {
	t.Helper()
	return s.createCallWith(t, map[string]any{"accountId": accountID, "state": state})
}

// createRecordedCall creates an answered call with a recording in progress.
func (s *simulator) createRecordedCall(t testing.TB, accountID string) string {
	t.Helper()
	return s.createCallWith(t, map[string]any{"accountId": accountID, "state": "answered", "recording": true})
}

// createCallWith creates a call from POST /sim/calls fields and returns its id.
func (s *simulator) createCallWith(t testing.TB, fields map[string]any) string {
	t.Helper()
	var c callState
	s.control(t, "POST", "/sim/calls", fields, &c)
	if c.CallID == "" {
		t.Fatal("simulator returned no callId")
	}
	return c.CallID
}

func (s *simulator) call(t testing.TB, callID string) callState {
	t.Helper()
	var c callState
	s.control(t, "GET", "/sim/calls/"+url.PathEscape(callID), nil, &c)
	return c
}

// loggedRequest is one /api request as the simulator recorded it.
type loggedRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Status  int               `json:"status"`
}

// requests lists the logged /api requests whose path contains contains.
func (s *simulator) requests(t testing.TB, contains string) []loggedRequest {
	t.Helper()
	var list []loggedRequest
	s.control(t, "GET", "/sim/requests?path_contains="+url.QueryEscape(contains), nil, &list)
	return list
}

// accountRequests lists the requests made for one account.
func (s *simulator) accountRequests(t testing.TB, accountID string) []loggedRequest {
	t.Helper()
	return s.requests(t, "/accounts/"+accountID+"/")
}

// fault makes the next Count requests matching Match (and Method and
// Route, when set) get this answer.
type fault struct {
	Match       string            `json:"match"`
	Method      string            `json:"method,omitempty"`
	Route       string            `json:"route,omitempty"` // "call", "bxml" or "recording"
	Count       int               `json:"count,omitempty"`
	Status      int               `json:"status,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	Body        string            `json:"body,omitempty"`
	ContentType string            `json:"contentType,omitempty"`
	DelayMs     int               `json:"delayMs,omitempty"`
	Close       bool              `json:"close,omitempty"`
}

func (s *simulator) fault(t testing.TB, f fault) {
	t.Helper()
	if f.Match == "" {
		t.Fatal("faults must match an account, call or 'token' so parallel tests are unaffected")
	}
	s.control(t, "POST", "/sim/faults", f, nil)
}

// accounts numbers account ids, so that they stay distinct when tests are
// repeated (go test -count N) against the same simulator.
var accounts atomic.Int64

// accountID derives a distinct, URL-safe account id from the test name.
func accountID(t testing.TB) string {
	var b strings.Builder
	fmt.Fprintf(&b, "go%d-", accounts.Add(1))
	for _, r := range t.Name() {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// waitFor polls cond (each poll is a simulator round trip) until it holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}
