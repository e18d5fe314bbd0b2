package bwvoice_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// examples/callflow against the simulator: the call is placed and found
// again, the member muted and read back; failures are explained.
func TestCallFlowExample(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH to build the example")
	}
	exe := filepath.Join(t.TempDir(), "callflow")
	if out, err := exec.Command(goTool, "build", "-o", exe, "./examples/callflow").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	acct := accountID(t)
	run := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		cmd := exec.Command(exe, args...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "BW_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "BW_BASE_URL="+shared.apiURL(), "BW_TOKEN_URL="+shared.tokenURL(),
			"BW_CLIENT_ID="+simClientID, "BW_CLIENT_SECRET="+simClientSecret, "BW_ACCOUNT_ID="+acct)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("callflow: %v", err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}

	members := shared.createCalls(t, acct, 2)
	conf := shared.createConference(t, acct, "flow", members, nil)
	// A call of the account with other numbers, which the filter leaves out.
	shared.createCallWith(t, map[string]any{"accountId": acct, "to": "+15550107001", "from": "+15550108002"})
	args := []string{"-to", "+15550107000", "-from", "+15550108000", "-application", "app-flow",
		"-url", shared.appURL("callflow-" + acct), "-tag", "flow-1", "-conference", conf.ID, "-call", members[0], "-other", members[1]}
	code, out, errOut := run(args...)
	if code != 0 || errOut != "" {
		t.Fatalf("callflow: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "placed call c-") || !strings.Contains(lines[0], `(tag "flow-1"`) ||
		!strings.HasSuffix(lines[1], ": 1") || !strings.HasPrefix(lines[2], "found call c-") ||
		lines[3] != `conference `+conf.ID+` "flow" has 2 members: `+members[0]+", "+members[1] ||
		lines[4] != "muted "+members[0] || lines[5] != "member "+members[0]+": muted, not on hold, coaching no one" {
		t.Errorf("callflow printed\n%s", out)
	}
	callID := strings.Fields(lines[0])[2]
	if st := shared.waitCallState(t, callID, "answered"); str(st.To) != "+15550107000" || str(st.Direction) != "outbound" {
		t.Errorf("the placed call: %+v", st)
	}
	if m := shared.conference(t, conf.ID).ActiveMembers; boolText(m[0].Mute) != "true" || boolText(m[1].Mute) != "false" {
		t.Errorf("members after callflow: %+v", m)
	}

	// An unknown conference: explained, exit 1, after the call was placed.
	args[len(args)-5] = "conf-no-such"
	code, _, errOut = run(args...)
	if code != 1 || !strings.Contains(errOut, "BW_ERR_NOT_FOUND") || !strings.Contains(errOut, "unknown or ended conference") {
		t.Errorf("unknown conference: exit %d, stderr %q", code, errOut)
	}
	// A createCall that may have been placed is looked for, not repeated.
	shared.fault(t, fault{Match: acct, Route: "calls", Method: "POST", Status: 500})
	args[len(args)-5] = conf.ID
	code, out, errOut = run(args...)
	if code != 0 || !strings.Contains(out, "may have succeeded: looking for it") || !strings.Contains(out, "candidate c-") {
		t.Errorf("after a 500: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if code, _, _ = run("-to", "+15550107000"); code != 2 {
		t.Errorf("without the other flags: exit %d, want 2", code)
	}
}
