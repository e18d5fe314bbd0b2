// Package bwvoice controls live calls through Bandwidth's Voice API:
// redirect a call to new BXML, change its tag or hang it up ("Update active
// call"), read its state (GetCallState), replace its BXML in place
// (UpdateCallBXML; escape caller text with encoding/xml's EscapeText), and
// pause or resume its recording (PauseRecording, ResumeRecording).
//
// It is a thin cgo binding of the native bwvoice library (libbwvoice, C
// header bwvoice.h): validation, authentication (Basic or OAuth2 client
// credentials), retries, timeouts and error mapping all happen in the
// library; this package converts Go values to C and C errors to Go.
//
//	c, err := bwvoice.NewClient(bwvoice.Options{ClientID: id, ClientSecret: secret})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	err = c.Redirect(ctx, accountID, callID, "https://app.example/next", bwvoice.WithTag("step-2"))
//	if errors.Is(err, bwvoice.ErrNotFound) {
//		// the call has already ended
//	}
//
// # Installing and linking
//
// This documentation is for bwvoice 0.2.0; the package needs libbwvoice 0.2.0 or a later 0.x.
//
//	go get github.com/bwvoice/bwvoice/bindings/go@v0.2.0
//
// The module lives in the repository's bindings/go directory, so its release
// tags are bindings/go/v0.2.0 and so on. The package uses cgo and finds the C
// library through pkg-config (bwvoice.pc), so a build needs a C compiler,
// pkg-config and the library, either:
//
//   - installed (make install from a checkout, or a distribution package):
//     bwvoice.pc is on the system pkg-config path and a plain go build links
//     libbwvoice.so.0;
//   - or from the release tarball libbwvoice-0.2.0-x86_64-linux-gnu.tar.gz,
//     unpacked anywhere as <tree>: set PKG_CONFIG_PATH=<tree>/lib/pkgconfig.
//     The program then needs <tree>/lib/libbwvoice.so.0 at run time: build
//     with CGO_LDFLAGS=-Wl,-rpath,<tree>/lib, or set LD_LIBRARY_PATH=<tree>/lib
//     when it runs.
//
// With -tags bwvoice_static the package links libbwvoice.a instead, through
// the bwvoice-static pkg-config module (installed and in the tarball next to
// bwvoice.pc), into one self-contained binary that needs no libbwvoice.so at
// run time:
//
//	PKG_CONFIG_PATH=<tree>/lib/pkgconfig go build -tags bwvoice_static
//
// Go's build cache does not notice a changed C library or pkg-config file:
// after switching to another libbwvoice, build with go build -a.
//
// # Errors
//
// Failures are *Error values carrying the library's Status, the HTTP status
// and Bandwidth's error details. Every Status constant (ErrNotFound,
// ErrTimeout, ...) is also a sentinel error for errors.Is. A closed client
// returns ErrClosed; a context that is already done returns ctx.Err().
//
// # Contexts
//
// A context that is done before the call returns ctx.Err() and sends
// nothing. A context deadline is the call's whole time budget (retries
// included): the time left is passed to the library, which uses the smaller
// of it and Options.Timeout; when the deadline runs out the error
// matches both ErrTimeout and context.DeadlineExceeded. Cancelling the
// context returns ctx.Err() at once: a call still queued is never sent, one
// already running is stopped on a best-effort basis and may still take
// effect.
//
// # Concurrency
//
// A Client is safe for concurrent use and meant to be shared: calls run in
// parallel over one connection pool and one OAuth2 token. Every call runs
// on the library's asynchronous API: at most Options.MaxConcurrency calls
// run at once on library threads, the rest wait in a queue of at most
// Options.MaxQueued (beyond it: ErrBusy), and a goroutine waiting for its
// call holds no OS thread. Completions come back without Go code ever
// running on a library thread: a C callback queues them and wakes the
// client's delivery goroutine through an eventfd (Linux only). Close makes
// later calls return ErrClosed, lets the calls already submitted finish,
// then frees the client and stops that goroutine.
//
// # Observability
//
// Options.Logger (a *slog.Logger) records every attempt at Debug and every
// retry scheduled or refused by the retry budget (Options.RetryBudget) at
// Warn, with OpenTelemetry attribute names (http.request.method,
// server.address, http.response.status_code, error.type, ...).
// Options.OnEvent receives every Event. Both run on the client's delivery
// goroutine, and a call's events are delivered before it returns.
// Without either, no event is built at all; a Logger alone gets only the
// events at the levels it has enabled. Client.Stats returns the client's
// counters (calls, attempts, retries by reason, outcomes by Status, ...).
package bwvoice
