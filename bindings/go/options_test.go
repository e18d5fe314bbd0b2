package bwvoice_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// OAuth2: one token for many concurrent calls, sent as a Bearer header.
// A private simulator, so the token endpoint's log is this test's alone.
func TestOAuth2TokenFetchedOnce(t *testing.T) {
	t.Parallel()
	sim := newSimulator(t)
	acct := accountID(t)
	c := sim.client(t, bwvoice.Options{
		BaseURL: sim.apiURL(), TokenURL: sim.tokenURL(),
		ClientID: simClientID, ClientSecret: simClientSecret,
	})
	const n = 50
	calls := sim.createCalls(t, acct, n)
	var wg sync.WaitGroup
	for _, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Redirect(context.Background(), acct, call, sim.appURL("oauth")); err != nil {
				t.Errorf("Redirect: %v", err)
			}
		}()
	}
	wg.Wait()
	if err := c.Hangup(context.Background(), acct, calls[0]); err != nil {
		t.Errorf("Hangup: %v", err)
	}

	tokens := sim.requests(t, "/oauth2/token")
	if len(tokens) != 1 {
		t.Fatalf("token endpoint asked %d times, want once", len(tokens))
	}
	tok := tokens[0]
	if tok.Method != "POST" || tok.Body != "grant_type=client_credentials" || tok.Status != 200 ||
		tok.Headers["authorization"] != "Basic Y2xpZW50OnNlY3JldA==" { // client:secret
		t.Errorf("token request %+v", tok)
	}
	reqs := sim.accountRequests(t, acct)
	if len(reqs) != n+1 {
		t.Fatalf("%d call requests, want %d", len(reqs), n+1)
	}
	bearer := reqs[0].Headers["authorization"]
	for _, r := range reqs {
		if !strings.HasPrefix(r.Headers["authorization"], "Bearer ") || r.Headers["authorization"] != bearer {
			t.Errorf("authorization %q", r.Headers["authorization"])
		}
		if !strings.Contains(r.Headers["user-agent"], "(go") {
			t.Errorf("user-agent %q", r.Headers["user-agent"])
		}
	}
}

func TestOAuth2BadSecret(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, bwvoice.Options{
		BaseURL: shared.apiURL(), TokenURL: shared.tokenURL(),
		ClientID: simClientID, ClientSecret: "not-the-secret", MaxAttempts: 1,
	})
	e := asError(t, c.Hangup(context.Background(), acct, "c-1"), bwvoice.ErrUnauthorized)
	if e.HTTPStatus != 401 || strings.Contains(e.Message, "not-the-secret") {
		t.Errorf("HTTPStatus %d Message %q", e.HTTPStatus, e.Message)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Errorf("%d call requests sent without a token", len(reqs))
	}
}

// MaxAttempts and RetryNonIdempotent reach the core's retry policy.
func TestRetryOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		maxAttempts  int
		retryNonIdem bool
		fault        fault
		want         bwvoice.Status // 0: success
		sent         int
	}{
		{"503 retried up to MaxAttempts", 2, false, fault{Status: 503, Count: 5}, bwvoice.ErrServer, 2},
		{"default MaxAttempts is 3", 0, false, fault{Status: 503, Count: 5}, bwvoice.ErrServer, 3},
		{"503 then success", 2, false, fault{Status: 503, Count: 1}, 0, 2},
		{"500 on a redirect is not retried", 3, false, fault{Status: 500, Count: 1}, bwvoice.ErrServer, 1},
		{"500 retried with RetryNonIdempotent", 3, true, fault{Status: 500, Count: 1}, 0, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := shared.basicOptions()
			opts.MaxAttempts, opts.RetryNonIdempotent = tc.maxAttempts, tc.retryNonIdem
			acct, c, call := withCall(t, opts, "answered")
			tc.fault.Match = acct
			shared.fault(t, tc.fault)
			err := c.Redirect(context.Background(), acct, call, shared.appURL("retry"))
			if tc.want == 0 {
				if err != nil {
					t.Fatalf("Redirect: %v", err)
				}
			} else if e := asError(t, err, tc.want); e.Attempts != tc.sent {
				t.Errorf("Attempts %d, want %d", e.Attempts, tc.sent)
			}
			if got := len(shared.accountRequests(t, acct)); got != tc.sent {
				t.Errorf("%d requests sent, want %d", got, tc.sent)
			}
		})
	}
}

// writeCA writes a freshly generated self-signed CA certificate as PEM.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "bwvoice test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TLS settings are accepted (their failures are in TestNewClientInvalidOptions);
// ConnectTimeout and Timeout are accepted, sub-millisecond values rounded up.
func TestTransportOptionsAccepted(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	call := shared.createCall(t, acct, "answered")
	for _, f := range []func(o *bwvoice.Options){
		func(o *bwvoice.Options) { o.CAFile = writeCA(t) },
		func(o *bwvoice.Options) { o.TLSRoots = bwvoice.TLSRootsSystem },
		func(o *bwvoice.Options) { o.TLSRoots = bwvoice.TLSRootsBundled },
		func(o *bwvoice.Options) { o.ConnectTimeout, o.Timeout = 500*time.Microsecond, 10*time.Second },
	} {
		opts := shared.basicOptions()
		f(&opts)
		c := shared.client(t, opts)
		if err := c.Redirect(context.Background(), acct, call, shared.appURL("tls")); err != nil {
			t.Errorf("Redirect: %v", err)
		}
	}
}

// testProxy is a minimal HTTP proxy (CONNECT and absolute-form) that only
// forwards to 127.0.0.1 and records what it forwarded.
type testProxy struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func startProxy(t *testing.T) *testProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &testProxy{url: "http://" + l.Addr().String()}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

func (p *testProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *testProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if r.Method != http.MethodConnect {
		host = r.URL.Host
	}
	if h, _, err := net.SplitHostPort(host); err != nil || h != "127.0.0.1" {
		http.Error(w, "this proxy only forwards to 127.0.0.1", http.StatusForbidden)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.String())
	p.mu.Unlock()
	if r.Method == http.MethodConnect {
		p.tunnel(w, host)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *testProxy) tunnel(w http.ResponseWriter, host string) {
	upstream, err := net.Dial("tcp", host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		_, _ = io.Copy(upstream, buf)
		upstream.Close()
	}()
	_, _ = io.Copy(conn, upstream)
	conn.Close()
}

func TestProxy(t *testing.T) {
	t.Parallel()
	proxy := startProxy(t)
	opts := shared.basicOptions()
	opts.Proxy = proxy.url
	acct, c, call := withCall(t, opts, "answered")
	if err := c.Redirect(context.Background(), acct, call, shared.appURL("proxied")); err != nil {
		t.Fatalf("Redirect through the proxy: %v", err)
	}
	if seen := proxy.requests(); len(seen) != 1 {
		t.Errorf("proxy forwarded %v, want one request", seen)
	}
	if got := len(shared.accountRequests(t, acct)); got != 1 {
		t.Errorf("%d requests reached the simulator", got)
	}
}

// ProxyFromEnv takes the proxy from the environment, and only when set.
// Not parallel: it changes the process environment.
func TestProxyFromEnv(t *testing.T) {
	proxy := startProxy(t)
	for _, name := range []string{"ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY"} {
		t.Setenv(name, proxy.url)
		t.Setenv(strings.ToLower(name), proxy.url)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	acct := accountID(t)
	call := shared.createCall(t, acct, "answered")

	direct := shared.client(t, shared.basicOptions())
	if err := direct.Redirect(context.Background(), acct, call, shared.appURL("direct")); err != nil {
		t.Fatalf("Redirect: %v", err)
	}
	if seen := proxy.requests(); len(seen) != 0 {
		t.Fatalf("proxy used without ProxyFromEnv: %v", seen)
	}
	opts := shared.basicOptions()
	opts.ProxyFromEnv = true
	fromEnv := shared.client(t, opts)
	if err := fromEnv.Redirect(context.Background(), acct, call, shared.appURL("env")); err != nil {
		t.Fatalf("Redirect: %v", err)
	}
	if seen := proxy.requests(); len(seen) != 1 {
		t.Errorf("proxy forwarded %v, want one request", seen)
	}
}
