package bwvoice_test

import (
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
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
	build := exec.Command(goTool, "build", "-o", bin+string(filepath.Separator), "./examples/redirect", "./examples/hangup")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	acct := accountID(t)
	basic := []string{"BW_BASE_URL=" + shared.apiURL(), "BW_USERNAME=" + simUser, "BW_PASSWORD=" + simPassword, "BW_ACCOUNT_ID=" + acct}
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
	code, out, errOut := run(basic, "redirect", "-call", call, "-url", next, "-tag", "from-example")
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
	code, out, errOut = run(basic, "hangup", "-call", call)
	if code != 3 || errOut != "" || !strings.Contains(out, "not found") {
		t.Errorf("second hangup: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = run(basic, "redirect", "-call", call, "-url", next)
	if code != 1 || !strings.Contains(errOut, "BW_ERR_NOT_FOUND") {
		t.Errorf("redirect of an ended call: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ = run(basic, "redirect", "-call", call); code != 2 {
		t.Errorf("redirect without -url: exit %d, want 2", code)
	}
	if code, _, _ = run(nil, "hangup", "-account", acct, "-call", call); code != 2 {
		t.Errorf("hangup without credentials: exit %d, want 2", code)
	}

	uas := map[string]bool{}
	for _, r := range shared.accountRequests(t, acct) {
		uas[r.Headers["user-agent"]] = true
	}
	for _, want := range []string{"(go; example-redirect)", "(go; example-hangup)"} {
		found := false
		for ua := range uas {
			found = found || strings.HasSuffix(ua, want)
		}
		if !found {
			t.Errorf("no request with a user-agent ending in %q: %v", want, uas)
		}
	}
}

// The bwvoice_static build tag links libbwvoice.a into the program, given a
// pkg-config file for the archive (the recipe in README.md).
func TestStaticExample(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	out, err := exec.Command("pkg-config", "--variable=pcfiledir", "bwvoice").Output()
	if err != nil {
		t.Skipf("pkg-config cannot find bwvoice: %v", err)
	}
	// The in-tree bwvoice.pc lives in target/pkgconfig, next to target/release.
	release := filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "release")
	include := filepath.Join(filepath.Dir(filepath.Dir(release)), "include")
	if _, err := os.Stat(filepath.Join(release, "libbwvoice.a")); err != nil {
		t.Skipf("no in-tree libbwvoice.a: %v", err)
	}
	pcDir := t.TempDir()
	pc := "libdir=" + release + "\nincludedir=" + include + "\n" +
		"Name: bwvoice\nDescription: bwvoice (static)\nVersion: " + strings.TrimPrefix(bwvoice.Version(), "bwvoice/") + "\n" +
		"Cflags: -I${includedir}\nLibs: ${libdir}/libbwvoice.a\n" +
		"Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc\n"
	if err := os.WriteFile(filepath.Join(pcDir, "bwvoice.pc"), []byte(pc), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "hangup")
	build := exec.Command(goTool, "build", "-tags", "bwvoice_static", "-o", exe, "./examples/hangup")
	// Go's build cache does not notice a different pkg-config file
	// (golang/go#24544): a flag of its own keeps this build apart.
	cflags := os.Getenv("CGO_CFLAGS")
	if cflags == "" {
		cflags = "-O2 -g"
	}
	build.Env = append(os.Environ(), "PKG_CONFIG_PATH="+pcDir, "CGO_CFLAGS="+cflags+" -DBWVOICE_STATIC_TEST=1")
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
	run.Env = []string{"BW_BASE_URL=" + shared.apiURL(), "BW_USERNAME=" + simUser, "BW_PASSWORD=" + simPassword}
	if out, err := run.CombinedOutput(); err != nil || string(out) != "hung up call "+call+"\n" {
		t.Errorf("static hangup: %v: %s", err, out)
	}
}
