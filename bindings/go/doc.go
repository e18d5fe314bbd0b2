// Package bwvoice controls calls through Bandwidth's Voice API: place a
// call (CreateCall) and list the account's calls (ListCalls, or the Calls
// iterator over every page); redirect a live call to new BXML, change its
// tag or hang it up ("Update active call"), read its state (GetCallState),
// replace its BXML in place (UpdateCallBXML), and pause or resume its
// recording (PauseRecording, ResumeRecording); read and steer conferences
// (GetConference, UpdateConference, UpdateConferenceBXML) and their members
// (GetConferenceMember, UpdateConferenceMember: mute, hold, coach); build
// and check BXML (Response, BXML.Render, CheckBXML); serve Bandwidth's
// callbacks (CallbackHandler, ParseCallback, CheckCallbackAuth).
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
// # Paging
//
// ListCalls reads one page; Calls is a range-over-func iterator over every
// call of every page, which reads a page only when the loop needs it:
//
//	for call, err := range c.Calls(ctx, accountID, bwvoice.ListCallsQuery{To: "+15551234567"}) {
//		if err != nil {
//			return err // yielded once; the iteration ends
//		}
//		fmt.Println(call.CallID, call.State)
//	}
//
// Breaking out of the loop stops it (nothing more is sent). A server that
// hands out a next-page token it gave before would send the loop round
// forever: the iterator yields ErrProtocol instead and stops.
//
// # Placing calls
//
// CreateCall is never sent twice once it may have reached Bandwidth,
// whatever Options.RetryNonIdempotent says: a second request would ring a
// second phone. When it fails with Error.MaybeApplied set (a timeout, a
// reset, a 5xx, a 503 included), the call may exist: do not call again,
// look for it with Calls filtered by To, From and a MinStartTime a little
// before the attempt (a minute, for clock skew). The call list does not
// carry the tag; with several candidates, match the tag you set in the
// answer or disconnect webhook your application received for each call id.
//
// # Building BXML
//
// Response (or a BXML value) is a document as a tree of Element, Text and
// SSML nodes, with shorthands for the common verbs; Render has the
// library check it against its table of Bandwidth's verbs and write it,
// escaping text and attribute values so that caller text cannot inject
// verbs:
//
//	doc, err := bwvoice.Response(
//		bwvoice.SpeakSentence("Hello "+callerName, bwvoice.Attrs{"voice": "julie"}),
//		bwvoice.Gather(bwvoice.Attrs{"gatherUrl": "https://app.example/menu", "maxDigits": 1},
//			bwvoice.PlayAudio("https://app.example/menu.wav", nil)),
//	).Render()
//
// A document breaking a rule is ErrInvalidArgument, Field naming what is
// wrong ("element", "name", "value", "text", "fragment", "bxml") and the
// message the element. BXMLUpdateCall and BXMLUpdateConference documents
// are for UpdateCallBXML and UpdateConferenceBXML, which check what they
// send by the same rules; CheckBXML checks BXML text, for instance in the
// tests of a webhook handler. Verbs the library does not know are refused
// unless BXML.AllowUnknownVerbs (or, for the client's check,
// Options.AllowUnknownBXMLVerbs) lets them through.
//
// # Webhooks
//
// CallbackHandler is an http.Handler for Bandwidth's Voice callbacks: it
// checks their Basic credentials (401 with the challenge Bandwidth waits
// for, 403 for wrong ones), reads the JSON body of a POST or the query
// string of a GET into a Callback, calls your function with the request's
// context and writes the BXML it returns (204 for nil):
//
//	http.Handle("/callbacks", bwvoice.CallbackHandler(func(ctx context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
//		if cb.Event == bwvoice.CallbackAnswer {
//			return bwvoice.Response(bwvoice.SpeakSentence("Hello", nil)), nil
//		}
//		return nil, nil
//	}, bwvoice.CallbackHandlerOptions{Username: "bw-callbacks", Password: secret}))
//
// A callback the library cannot read is 400 with its message; an error or
// a panic in the function is 500 with a generic text, its cause logged.
// ParseCallback, ParseCallbackQuery, CheckCallbackAuth and
// CallbackChallenge are the pieces, for a server of your own.
//
// # Optional values
//
// In requests an empty string, a zero number or duration, a nil pointer
// and the *Unset constants mean "not set, not sent". Optional booleans are
// *bool (Bool(true) makes one); ModifyCallRequest.Tag is a *string because
// "" clears the tag. The library checks every rule and names the field of
// a bad value (Error.Field); this package only converts. Request and
// result types that carry webhook passwords print them as "*****" (fmt,
// String, GoString, log/slog).
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
// A call whose context can never be cancelled (context.Background, TODO,
// or values only: ctx.Done() is nil) has nothing to wait for but itself:
// while fewer than GOMAXPROCS such calls are running it runs on its own
// goroutine's thread instead (the library's BW_CALL_INLINE), which saves
// a hand-over to a library thread and back. Those calls count against
// MaxConcurrency like the others, and there are never more than
// GOMAXPROCS of them, so the thread bound above holds. Clients with a
// Logger or OnEvent never do this: their events travel through the
// delivery goroutine, and a call's completion must come after them.
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
