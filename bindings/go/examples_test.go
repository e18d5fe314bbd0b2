package bwvoice_test

import (
	"bytes"
	"debug/elf"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The example programs, built and run against the simulator as a user
// would run them.
func TestExamples(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH to build the examples")
	}
	bin := t.TempDir()
	build := exec.Command(goTool, "build", "-o", bin+string(filepath.Separator), "./examples/redirect", "./examples/hangup", "./examples/livecall", "./examples/ivr")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	acct := accountID(t)
	// OAuth2 client credentials, as every example uses (Bandwidth retired
	// Basic API-user credentials on 2026-12-02).
	oauth := []string{"BW_BASE_URL=" + shared.apiURL(), "BW_TOKEN_URL=" + shared.tokenURL(),
		"BW_CLIENT_ID=" + simClientID, "BW_CLIENT_SECRET=" + simClientSecret, "BW_ACCOUNT_ID=" + acct}
	run := func(env []string, name string, args ...string) (code int, stdout, stderr string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, name), args...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "BW_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, env...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%s: %v", name, err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}

	call := shared.createCall(t, acct, "answered")
	next := shared.appURL("example")
	code, out, errOut := run(oauth, "redirect", "-call", call, "-url", next, "-tag", "from-example")
	if code != 0 || out != "redirected call "+call+" to "+next+"\n" {
		t.Errorf("redirect: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if tag := shared.call(t, call).Tag; tag == nil || *tag != "from-example" {
		t.Errorf("tag after the example: %s", deref(tag))
	}
	code, out, errOut = run(oauth, "hangup", "-call", call)
	if code != 0 || out != "hung up call "+call+"\n" {
		t.Errorf("hangup: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = run(oauth, "hangup", "-call", call)
	if code != 3 || errOut != "" || !strings.Contains(out, "not found") {
		t.Errorf("second hangup: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = run(oauth, "redirect", "-call", call, "-url", next)
	if code != 1 || !strings.Contains(errOut, "BW_ERR_NOT_FOUND") {
		t.Errorf("redirect of an ended call: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ = run(oauth, "redirect", "-call", call); code != 2 {
		t.Errorf("redirect without -url: exit %d, want 2", code)
	}
	if code, _, _ = run(nil, "hangup", "-account", acct, "-call", call); code != 2 {
		t.Errorf("hangup without credentials: exit %d, want 2", code)
	}

	// livecall: hostile text stays text.
	hostile := `</SpeakSentence><Transfer>+15550100</Transfer> "Tom" & 'Jerry' <3`
	call = shared.createRecordedCall(t, acct)
	code, out, errOut = run(oauth, "livecall", "-call", call, "-text", hostile)
	if code != 0 || errOut != "" ||
		!strings.Contains(out, "before: call "+call+" is answered") ||
		!strings.Contains(out, "after: call "+call+" is disconnected") ||
		!strings.HasSuffix(out, ", disconnect cause hangup\n") {
		t.Errorf("livecall: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	st := shared.call(t, call)
	var doc struct {
		XMLName  xml.Name `xml:"Bxml"`
		Speak    []string `xml:"SpeakSentence"`
		Transfer []string `xml:"Transfer"`
	}
	if st.BXML == nil {
		t.Fatal("livecall left no BXML on the call")
	}
	if err := xml.Unmarshal([]byte(*st.BXML), &doc); err != nil || len(doc.Speak) != 1 || doc.Speak[0] != hostile || len(doc.Transfer) != 0 {
		t.Errorf("livecall's BXML %q reads as %+v (%v), want one SpeakSentence with the text", *st.BXML, doc, err)
	}
	if st.State != "disconnected" || deref(st.DisconnectCause) != `"hangup"` || st.Recording != nil {
		t.Errorf("after livecall: state %q cause %s recording %s", st.State, deref(st.DisconnectCause), deref(st.Recording))
	}
	var steps []string
	for _, r := range shared.requests(t, "/calls/"+call) {
		steps = append(steps, r.Method+" "+strings.TrimPrefix(r.Path, "/api/v2/accounts/"+acct+"/calls/"+call)+" "+r.Body)
	}
	wantSteps := []string{"GET  ", "PUT /bxml " + *st.BXML, `PUT /recording {"state":"paused"}`,
		`PUT /recording {"state":"recording"}`, `POST  {"state":"completed"}`, "GET  "}
	if strings.Join(steps, "\n") != strings.Join(wantSteps, "\n") {
		t.Errorf("livecall sent\n%s\nwant\n%s", strings.Join(steps, "\n"), strings.Join(wantSteps, "\n"))
	}
	// Its default text is hostile too, and shown escaped.
	call = shared.createRecordedCall(t, acct)
	code, out, errOut = run(oauth, "livecall", "-call", call)
	if code != 0 || !strings.Contains(out, "&lt;/SpeakSentence&gt;&lt;Transfer&gt;") {
		t.Errorf("livecall with the default text: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Not answered: explained, exit 4, nothing but the read is sent.
	call = shared.createCall(t, acct, "initiated")
	code, out, errOut = run(oauth, "livecall", "-call", call)
	if code != 4 || errOut != "" || !strings.Contains(out, "409") || !strings.Contains(out, "is initiated") {
		t.Errorf("livecall of an unanswered call: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if reqs := shared.requests(t, "/calls/"+call); len(reqs) != 1 || reqs[0].Method != "GET" {
		t.Errorf("livecall of an unanswered call sent %+v", reqs)
	}
	// No recording in progress: the 400 is reported, exit 1.
	call = shared.createCall(t, acct, "answered")
	code, _, errOut = run(oauth, "livecall", "-call", call)
	if code != 1 || !strings.Contains(errOut, "BW_ERR_BAD_REQUEST") || !strings.Contains(errOut, "No recording is in progress") {
		t.Errorf("livecall without a recording: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(oauth, "livecall", "-call", "c-no-such-call")
	if code != 1 || !strings.Contains(errOut, "BW_ERR_NOT_FOUND") {
		t.Errorf("livecall of an unknown call: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ = run(oauth, "livecall"); code != 2 {
		t.Errorf("livecall without -call: exit %d, want 2", code)
	}

	uas := map[string]bool{}
	for _, r := range shared.accountRequests(t, acct) {
		uas[r.Headers["user-agent"]] = true
	}
	for _, want := range []string{"(go; example-redirect)", "(go; example-hangup)", "(go; example-livecall)"} {
		found := false
		for ua := range uas {
			found = found || strings.HasSuffix(ua, want)
		}
		if !found {
			t.Errorf("no request with a user-agent ending in %q: %v", want, uas)
		}
	}
}

// The bwvoice_static build tag links libbwvoice.a into the program through
// the bwvoice-static pkg-config module (the in-tree one, next to bwvoice.pc).
func TestStaticExample(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	if err := exec.Command("pkg-config", "--exists", "bwvoice-static").Run(); err != nil {
		t.Skipf("pkg-config cannot find bwvoice-static: %v", err)
	}
	exe := filepath.Join(t.TempDir(), "hangup")
	build := exec.Command(goTool, "build", "-tags", "bwvoice_static", "-o", exe, "./examples/hangup")
	// Go's build cache does not notice a different pkg-config file
	// (golang/go#24544): a flag of its own keeps this build apart.
	cflags := os.Getenv("CGO_CFLAGS")
	if cflags == "" {
		cflags = "-O2 -g"
	}
	build.Env = append(os.Environ(), "CGO_CFLAGS="+cflags+" -DBWVOICE_STATIC_TEST=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags bwvoice_static: %v\n%s", err, out)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skipf("not an ELF executable: %v", err)
	}
	libs, err := f.ImportedLibraries()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range libs {
		if strings.Contains(lib, "bwvoice") {
			t.Errorf("the static build still needs %s", lib)
		}
	}

	acct := accountID(t)
	call := shared.createCall(t, acct, "answered")
	run := exec.Command(exe, "-account", acct, "-call", call)
	run.Env = []string{"BW_BASE_URL=" + shared.apiURL(), "BW_TOKEN_URL=" + shared.tokenURL(),
		"BW_CLIENT_ID=" + simClientID, "BW_CLIENT_SECRET=" + simClientSecret}
	if out, err := run.CombinedOutput(); err != nil || string(out) != "hung up call "+call+"\n" {
		t.Errorf("static hangup: %v: %s", err, out)
	}
}
