package bwvoice

/*
#include <stdint.h>
#include <stdlib.h>
#include "bwvoice.h"

// This binding is written against the 0.2 C ABI; later 0.x headers only
// append fields, which it leaves zero.
#if BW_VERSION_NUMBER < 0x000200 || BW_VERSION_MAJOR != 0
#error "bwvoice.h is older than 0.2.0 or not 0.x: this Go binding needs updating"
#endif

// Every operation runs on the asynchronous C API. Its userdata is a node
// (reader.newNode, async.go) made by Client.submit just before the
// bw_*_async call, holding the client's queue and the call's cgo.Handle;
// its bw_completion_fn, bwvoice_done (async.go), is plain C that fills the
// node in and queues it for the client's reader goroutine. If nothing was
// queued, the callback never runs and submit frees the node.
extern const bw_completion_fn bwvoice_done;
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The C ABI version this binding is written for: the cgo preamble refuses
// a bwvoice.h older than VersionMajor.VersionMinor.0 or of another major.
const (
	VersionMajor = 0
	VersionMinor = 2
)

// headerVersion is BW_VERSION_NUMBER of the bwvoice.h this package was
// compiled with; NewClient refuses a loaded library that does not serve it
// (bw_version_compatible).
const headerVersion = C.BW_VERSION_NUMBER

// binding is this binding's name, which the library puts first in the
// User-Agent comment: "bwvoice/x.y.z (go[; <Options.UserAgentSuffix>])".
const binding = "go"

// Version returns the loaded library's version, e.g. "bwvoice/0.2.0" (bw_version).
func Version() string {
	return C.GoString(C.bw_version())
}

// VersionNumber returns the loaded library's version as one number,
// major<<16 | minor<<8 | patch, e.g. 0x000200 for 0.2.0 (bw_version_number).
func VersionNumber() uint32 {
	return uint32(C.bw_version_number())
}

// TLSRoots selects the certificate authorities to trust (bw_client_config.tls_roots).
type TLSRoots int32

const (
	// TLSRootsBundled trusts Mozilla's root certificates, built into the library (default).
	TLSRootsBundled TLSRoots = C.BW_TLS_ROOTS_BUNDLED
	// TLSRootsSystem trusts the operating system's store.
	TLSRootsSystem TLSRoots = C.BW_TLS_ROOTS_SYSTEM
)

// RequestedState is the state a ModifyCallRequest asks for (its State
// field, the C BW_CALL_STATE_* values). It is not what GetCallState reports:
// that is CallState.State, the server's text.
type RequestedState int32

const (
	// CallStateUnset sends no state (Bandwidth treats the call as active).
	CallStateUnset RequestedState = C.BW_CALL_STATE_UNSET
	// CallStateActive sends "active"; needs RedirectURL.
	CallStateActive RequestedState = C.BW_CALL_STATE_ACTIVE
	// CallStateCompleted sends "completed": hang up (or cancel an unanswered call).
	CallStateCompleted RequestedState = C.BW_CALL_STATE_COMPLETED
)

// Method is the HTTP method Bandwidth uses to deliver the Redirect event.
type Method int32

const (
	// MethodUnset sends no method (Bandwidth's default is POST).
	MethodUnset Method = C.BW_METHOD_UNSET
	// MethodGET: the event arrives as query parameters.
	MethodGET Method = C.BW_METHOD_GET
	// MethodPOST: the event arrives as a JSON body.
	MethodPOST Method = C.BW_METHOD_POST
)

// Options configures a Client; it mirrors the C bw_client_config. A zero
// value ("" or 0) means the library's documented default. Give exactly one
// kind of credentials: Username+Password (Basic) or ClientID+ClientSecret
// (OAuth2 client credentials).
type Options struct {
	// Username and Password are Basic auth credentials (Bandwidth "API user").
	Username string
	Password string
	// ClientID and ClientSecret are OAuth2 client credentials. The token is
	// fetched once and shared by every call on the client.
	ClientID     string
	ClientSecret string
	// TokenURL is the OAuth2 token endpoint; default
	// https://api.bandwidth.com/api/v1/oauth2/token.
	TokenURL string
	// BaseURL is the Voice API base URL; default
	// https://voice.bandwidth.com/api/v2. Plain http:// is accepted only
	// for loopback hosts (local simulators).
	BaseURL string
	// ConnectTimeout bounds DNS, TCP and TLS; default 5 s. Rounded up to
	// whole milliseconds.
	ConnectTimeout time.Duration
	// Timeout is the total budget of one call, retries and waits included;
	// default 30 s. A context deadline can only shorten it for that call:
	// the library takes the smaller of the two.
	Timeout time.Duration
	// MaxAttempts is the number of attempts per call, the first included;
	// default 3; 1 disables retries.
	MaxAttempts int
	// RetryNonIdempotent also retries a redirect or new BXML (of a call or
	// a conference) after a failure the server may have acted on (timeout,
	// connection reset, 5xx other than 503). Off by default: a repeated
	// redirect fires your webhook twice. Hang-ups, reads and member updates
	// are always retried; CreateCall never is, whatever this says.
	RetryNonIdempotent bool
	// TLSRoots selects the trusted CAs; default TLSRootsBundled.
	TLSRoots TLSRoots
	// CAFile is a PEM file whose CA certificates are trusted instead of TLSRoots.
	CAFile string
	// Proxy is an HTTP proxy URL, e.g. http://user:pass@proxy.example:3128.
	Proxy string
	// ProxyFromEnv uses HTTPS_PROXY / ALL_PROXY / NO_PROXY from the environment.
	ProxyFromEnv bool
	// UserAgentSuffix is added to the User-Agent after the binding's own
	// "go": "bwvoice/0.2.0 (go; <suffix>)"; 1-128 printable ASCII characters.
	UserAgentSuffix string
	// MaxConcurrency is how many calls run at once, each on one of the
	// library's worker threads (started as needed); default 64, at most
	// 4096. Goroutines waiting for a call hold no OS thread.
	MaxConcurrency int
	// MaxQueued is how many calls may wait for a free worker; a call beyond
	// it fails at once with ErrBusy, nothing sent. Default 10,000.
	MaxQueued int
	// RetryBudget is the capacity of the client's retry budget, a token
	// bucket that retries draw from (5 tokens, 10 after a timeout) and
	// successful calls refill (1 each); when it is empty calls are not
	// retried, so a degraded server is not hit with MaxAttempts times the
	// load. 0: 500 tokens; RetryBudgetOff: no budget.
	RetryBudget int
	// AllowUnknownBXMLVerbs lets BXML verbs this library does not know
	// through the check UpdateCallBXML and UpdateConferenceBXML make before
	// sending (verbs Bandwidth added after this version); known verbs are
	// checked either way. Off by default, so a typo such as
	// <SpeakSentance> fails before it reaches a live call.
	AllowUnknownBXMLVerbs bool

	// Logger, if not nil, receives the library's events as records:
	// every attempt's end (and every OAuth2 token request) at Debug, every
	// retry scheduled and every retry denied by the budget at Warn, with
	// the event's fields as attributes named after OpenTelemetry (see
	// Event). Which levels the Logger has enabled is asked once, in
	// NewClient: the library then reports only the events it will record,
	// none at all if it records none. nil: nothing is logged.
	Logger *slog.Logger
	// OnEvent, if not nil, receives every event of the client (attempt
	// ends, retries scheduled and denied, token fetches, call ends). It
	// runs on the client's delivery goroutine, one event at a time, in
	// order; a call's events are delivered before the call returns. It
	// must return quickly (no completion of the client is delivered while
	// it runs) and must not call the client's methods or Close, which
	// would wait for that goroutine: a deadlock. A panic in it is
	// recovered and logged at Error if Logger is set; without a Logger it
	// is not recovered and ends the program, like a panic in any goroutine.
	// (A Client dropped without Close whose OnEvent refers to it is never
	// collected: call Close.)
	OnEvent func(Event)
}

// ModifyCallRequest holds every parameter of "Update active call"; it
// mirrors the C bw_modify_call_request. An empty string means "not set, not
// sent". Tag is three-valued: nil leaves the call's tag alone, a pointer to
// "" clears it, any other text sets it (see the Tag helper).
type ModifyCallRequest struct {
	// State: CallStateUnset, CallStateActive or CallStateCompleted.
	State RequestedState
	// RedirectURL receives the Redirect event and answers with new BXML.
	// Required unless State is CallStateCompleted (then forbidden).
	RedirectURL string
	// RedirectMethod: MethodUnset, MethodGET or MethodPOST. Forbidden when completing.
	RedirectMethod Method
	// Username and Password are Basic auth credentials for RedirectURL.
	Username string
	Password string
	// Tag is sent with this and later callbacks: nil leaves it alone, ""
	// clears it. Forbidden when completing.
	Tag *string
	// RedirectFallbackURL is tried when RedirectURL fails to answer.
	RedirectFallbackURL string
	// RedirectFallbackMethod: MethodUnset, MethodGET or MethodPOST.
	RedirectFallbackMethod Method
	// FallbackUsername and FallbackPassword are Basic auth credentials for
	// RedirectFallbackURL.
	FallbackUsername string
	FallbackPassword string
}

// Tag returns a pointer to tag, for ModifyCallRequest.Tag: Tag("step-2")
// sets the call's tag, Tag("") clears it.
func Tag(tag string) *string { return &tag }

// RedirectOption sets an optional parameter of Client.Redirect.
type RedirectOption func(*ModifyCallRequest)

// WithTag sets the call's tag (sent with this and later callbacks).
func WithTag(tag string) RedirectOption {
	return func(r *ModifyCallRequest) { r.Tag = Tag(tag) }
}

// ClearTag clears the call's tag (sends "tag": "").
func ClearTag() RedirectOption {
	return func(r *ModifyCallRequest) { r.Tag = Tag("") }
}

// WithRedirectMethod sets the method used to deliver the Redirect event.
func WithRedirectMethod(m Method) RedirectOption {
	return func(r *ModifyCallRequest) { r.RedirectMethod = m }
}

// WithCredentials sets Basic auth credentials for the redirect URL.
func WithCredentials(username, password string) RedirectOption {
	return func(r *ModifyCallRequest) { r.Username, r.Password = username, password }
}

// WithFallback sets the URL tried when the redirect URL fails to answer.
func WithFallback(url string) RedirectOption {
	return func(r *ModifyCallRequest) { r.RedirectFallbackURL = url }
}

// WithFallbackMethod sets the method used for the fallback URL.
func WithFallbackMethod(m Method) RedirectOption {
	return func(r *ModifyCallRequest) { r.RedirectFallbackMethod = m }
}

// WithFallbackCredentials sets Basic auth credentials for the fallback URL.
func WithFallbackCredentials(username, password string) RedirectOption {
	return func(r *ModifyCallRequest) { r.FallbackUsername, r.FallbackPassword = username, password }
}

// Client is a Voice API client. It is safe for concurrent use: every call
// on one Client shares its connection pool and OAuth2 token. Close it when
// done.
type Client struct {
	// mu guards ptr and closing: calls hold the read lock while they submit
	// to C or cancel there, Close takes the write lock, so the C client is
	// never freed under a C call.
	mu      sync.RWMutex
	ptr     *C.bw_client // nil once freed (or never made)
	closing bool         // Close has begun: new calls get ErrClosed
	// submitting serialises the C submits, which the library serialises
	// on its queue's lock anyway: goroutines contending for it park here
	// instead of each blocking an OS thread inside C.
	submitting sync.Mutex
	// rd delivers completions and events from the library's threads.
	rd *reader
	// inflight counts the calls submitted and not yet completed (their
	// completion has not been delivered by rd); Close waits for it to drop
	// to zero.
	inflight  sync.WaitGroup
	closeOnce sync.Once
	cleanup   runtime.Cleanup
	// final is what Stats returns once the client is freed.
	final Stats
	// eventMask is the event_mask installed, if hooked (for the tests).
	eventMask uint32
	hooked    bool
	// inline counts the uncancellable calls that considered running on
	// their own thread (Client.do).
	inline atomic.Int32
}

// freeing is what the runtime cleanup of a Client dropped without Close
// needs; it must not refer to the Client.
type freeing struct {
	ptr *C.bw_client
	rd  *reader
}

// NewClient creates a client. Invalid options give an *Error with Status
// ErrInvalidArgument and Field naming the bw_client_config field. A loaded
// libbwvoice older than the bwvoice.h this package was compiled with (or of
// another major version) gives an *Error with Status ErrInternal.
func NewClient(opts Options) (*Client, error) {
	// (A library older than 0.2.0 lacks bw_version_number: the dynamic
	// linker already refuses it when the program starts.)
	if !C.bw_version_compatible(headerVersion) {
		return nil, &Error{Status: ErrInternal, Message: fmt.Sprintf(
			"bwvoice: the loaded library is %s, but this program was built with bwvoice.h %s; install a matching libbwvoice",
			Version(), C.BW_VERSION_STRING)}
	}
	var cs cstrings
	defer cs.free()

	cfg := C.bw_client_config{struct_size: C.sizeof_bw_client_config}
	cfg.base_url = cs.optional("base_url", opts.BaseURL)
	cfg.username = cs.optional("username", opts.Username)
	cfg.password = cs.optional("password", opts.Password)
	cfg.client_id = cs.optional("client_id", opts.ClientID)
	cfg.client_secret = cs.optional("client_secret", opts.ClientSecret)
	cfg.token_url = cs.optional("token_url", opts.TokenURL)
	cfg.ca_file = cs.optional("ca_file", opts.CAFile)
	cfg.proxy = cs.optional("proxy", opts.Proxy)
	cfg.user_agent_suffix = cs.optional("user_agent_suffix", opts.UserAgentSuffix)
	cfg.binding = cs.optional("binding", binding)
	if cs.err != nil {
		return nil, cs.err
	}
	var err error
	if cfg.connect_timeout_ms, err = durationMillis("connect_timeout_ms", opts.ConnectTimeout); err != nil {
		return nil, err
	}
	if cfg.timeout_ms, err = durationMillis("timeout_ms", opts.Timeout); err != nil {
		return nil, err
	}
	if opts.MaxAttempts < 0 || int64(opts.MaxAttempts) > math.MaxUint32 {
		return nil, invalidArgument("max_attempts", "max_attempts is out of range")
	}
	cfg.max_attempts = C.uint32_t(opts.MaxAttempts)
	if opts.MaxConcurrency < 0 || int64(opts.MaxConcurrency) > math.MaxUint32 {
		return nil, invalidArgument("max_concurrency", "max_concurrency is out of range")
	}
	cfg.max_concurrency = C.uint32_t(opts.MaxConcurrency)
	if opts.MaxQueued < 0 || int64(opts.MaxQueued) > math.MaxUint32 {
		return nil, invalidArgument("max_queued", "max_queued is out of range")
	}
	cfg.max_queued = C.uint32_t(opts.MaxQueued)
	switch {
	case opts.RetryBudget == RetryBudgetOff:
		cfg.retry_budget = C.BW_RETRY_BUDGET_OFF
	case opts.RetryBudget < 0 || int64(opts.RetryBudget) >= math.MaxUint32:
		return nil, invalidArgument("retry_budget", "retry_budget is out of range")
	default:
		cfg.retry_budget = C.uint32_t(opts.RetryBudget)
	}
	cfg.retry_non_idempotent = C.bool(opts.RetryNonIdempotent)
	cfg.tls_roots = C.int32_t(opts.TLSRoots)
	cfg.proxy_from_env = C.bool(opts.ProxyFromEnv)
	cfg.allow_unknown_bxml_verbs = C.bool(opts.AllowUnknownBXMLVerbs)

	rd, err := newReader(opts.Logger, opts.OnEvent)
	if err != nil {
		return nil, err
	}
	// No Logger or OnEvent (or a Logger that records none of the events):
	// no hook, so the library builds no event at all.
	mask, hooked := eventMask(opts.Logger, opts.OnEvent)
	if hooked {
		rd.installEvents(&cfg, mask)
	}
	var ptr *C.bw_client
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	status := C.bw_client_new(&cfg, &ptr, &cerr)
	if status != C.BW_OK {
		rd.discard()
		return nil, newError(status, &cerr)
	}
	rd.start()
	c := &Client{ptr: ptr, rd: rd, eventMask: mask, hooked: hooked}
	// Safety net for a Client dropped without Close. It cannot run while a
	// call is pending: each keeps c reachable through its cgo.Handle until
	// its completion has been delivered. Nothing is pending then, so
	// bw_free returns at once, and the reader can be stopped.
	c.cleanup = runtime.AddCleanup(c, func(f freeing) {
		C.bw_free(f.ptr)
		f.rd.stop()
	}, freeing{ptr, rd})
	return c, nil
}

// Close frees the client. Calls started from now on fail with ErrClosed at
// once; calls already submitted (queued or running, including those whose
// callers stopped waiting when their context was cancelled) finish
// normally and deliver their results (and events) first. Close returns
// when the client has been freed and its delivery goroutine has exited,
// also to concurrent callers. Closing twice is fine. Do not call it from
// Options.OnEvent: it would wait for itself.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closing = true
		c.mu.Unlock()
		// No call can be submitted any more; wait for the completions of
		// the ones that were. Delivering them takes no lock of c, so this
		// cannot deadlock.
		c.inflight.Wait()
		c.mu.Lock()
		if c.ptr == nil {
			c.mu.Unlock()
			return // a Client not made by NewClient
		}
		c.cleanup.Stop()
		// Every call has ended, so the counters are final; after bw_free
		// nothing is queued or running.
		c.final = c.statsLocked()
		c.final.JobsQueued, c.final.JobsRunning = 0, 0
		C.bw_free(c.ptr) // nothing is pending: returns at once
		c.ptr = nil
		c.mu.Unlock()
		// The library's threads are gone: let the reader drain what they
		// queued (by now nothing: every completion has been delivered, and
		// a call's events come before it), release the eventfd and exit.
		// Outside c.mu, so that an OnEvent reading Stats cannot block it.
		c.rd.stop()
	})
	runtime.KeepAlive(c)
	return nil
}

// Redirect points a live call at new BXML served at url ("Update active
// call" with redirectUrl), with optional parameters:
//
//	err := c.Redirect(ctx, accountID, callID, "https://app.example/next",
//		bwvoice.WithTag("step-2"), bwvoice.WithFallback("https://backup.example/next"))
func (c *Client) Redirect(ctx context.Context, accountID, callID, url string, opts ...RedirectOption) error {
	req := ModifyCallRequest{RedirectURL: url}
	for _, opt := range opts {
		opt(&req)
	}
	return c.ModifyCall(ctx, accountID, callID, req)
}

// Hangup ends a call (cancels it if not yet answered). It sends exactly
// {"state":"completed"} (bw_hangup_async). Safe to repeat: retried on
// timeouts and 5xx. Contexts work as for ModifyCall.
func (c *Client) Hangup(ctx context.Context, accountID, callID string) error {
	var cs cstrings
	defer cs.free()
	account, call := cs.ids(accountID, callID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_hangup_async(a.client, account, call, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// ModifyCall sends "Update active call" with every parameter of req
// (bw_modify_call_async). It waits for the answer, an error, or the end of
// the time budget; the call itself runs on a library thread, so the waiting
// goroutine holds no OS thread.
//
// A context that is already done returns ctx.Err() and sends nothing. A
// context deadline bounds the call together with Options.Timeout: the
// earlier one wins, as with net/http. If the context's deadline is what ran
// out, the *Error matches both ErrTimeout and context.DeadlineExceeded.
// Cancelling the context returns ctx.Err() at once: a call still queued is
// never sent; one already running is stopped on a best-effort basis (no
// further attempt or retry wait) and may still take effect, so treat it as
// possibly applied. A full queue (Options.MaxQueued) is ErrBusy, nothing
// sent.
func (c *Client) ModifyCall(ctx context.Context, accountID, callID string, req ModifyCallRequest) error {
	var cs cstrings
	defer cs.free()
	creq := C.bw_modify_call_request{struct_size: C.sizeof_bw_modify_call_request}
	creq.state = C.int32_t(req.State)
	creq.redirect_url = cs.optional("redirect_url", req.RedirectURL)
	creq.redirect_method = C.int32_t(req.RedirectMethod)
	creq.username = cs.optional("username", req.Username)
	creq.password = cs.optional("password", req.Password)
	creq.redirect_fallback_url = cs.optional("redirect_fallback_url", req.RedirectFallbackURL)
	creq.redirect_fallback_method = C.int32_t(req.RedirectFallbackMethod)
	creq.fallback_username = cs.optional("fallback_username", req.FallbackUsername)
	creq.fallback_password = cs.optional("fallback_password", req.FallbackPassword)
	if req.Tag != nil {
		creq.tag = cs.required("tag", *req.Tag)
	}
	account, call := cs.ids(accountID, callID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_modify_call_async(a.client, account, call, &creq, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// GetCallState reads a call's state ("Get call state", bw_get_call_state_async):
// whether it is answered yet, when, and why it ended. Safe to repeat:
// retried on timeouts and 5xx. ErrNotFound means the call is unknown or
// ended more than 7 days ago; a reply that is not a callState is
// ErrProtocol. Contexts work as for ModifyCall.
func (c *Client) GetCallState(ctx context.Context, accountID, callID string) (*CallState, error) {
	var cs cstrings
	defer cs.free()
	account, call := cs.ids(accountID, callID)
	return doResult[CallState](ctx, c, &cs, "bw_call_state", func(a *asyncCall) C.bw_status {
		return C.bw_get_call_state_async(a.client, account, call, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
}

// UpdateCallBXML replaces a live call's BXML with the document bxml
// ("Update call BXML", bw_update_call_bxml_async), without a webhook round trip.
//
// The library checks the document first, as CheckBXML with BXMLUpdateCall
// does: at most 64 KiB (BW_MAX_BXML_BYTES), well-formed, rooted at <Bxml>,
// every verb known (unless Options.AllowUnknownBXMLVerbs) and held to
// Bandwidth's rules; otherwise the error is ErrInvalidArgument with Field
// "bxml", the message names the element and its line and column, and
// nothing is sent. Build the document with BXML.Render, which escapes
// caller-supplied text so that it cannot inject verbs:
//
//	doc, err := (&bwvoice.BXML{Kind: bwvoice.BXMLUpdateCall, Verbs: []bwvoice.Node{
//		bwvoice.SpeakSentence(callerText, nil),
//	}}).Render()
//	if err != nil {
//		return err
//	}
//	err = c.UpdateCallBXML(ctx, accountID, callID, doc)
//
// Like a redirect, it is not repeated after a failure the server may have
// acted on (a second one restarts the script) unless
// Options.RetryNonIdempotent is set; Error.MaybeApplied tells. ErrConflict:
// the call is not answered yet. Contexts work as for ModifyCall.
func (c *Client) UpdateCallBXML(ctx context.Context, accountID, callID, bxml string) error {
	var cs cstrings
	defer cs.free()
	doc := cs.required("bxml", bxml)
	account, call := cs.ids(accountID, callID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_update_call_bxml_async(a.client, account, call, doc, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// PauseRecording pauses the call's recording ("Update recording" with
// state "paused", bw_update_call_recording_async), e.g. while a caller reads a
// card number. Pausing a paused recording is fine. Safe to repeat: retried
// on timeouts and 5xx. ErrBadRequest: the call has no recording in
// progress. Contexts work as for ModifyCall.
func (c *Client) PauseRecording(ctx context.Context, accountID, callID string) error {
	return c.updateRecording(ctx, accountID, callID, C.BW_RECORDING_STATE_PAUSED)
}

// ResumeRecording resumes the call's paused recording ("Update recording"
// with state "recording"). Otherwise as PauseRecording.
func (c *Client) ResumeRecording(ctx context.Context, accountID, callID string) error {
	return c.updateRecording(ctx, accountID, callID, C.BW_RECORDING_STATE_RECORDING)
}

func (c *Client) updateRecording(ctx context.Context, accountID, callID string, state C.int32_t) error {
	var cs cstrings
	defer cs.free()
	account, call := cs.ids(accountID, callID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_update_call_recording_async(a.client, account, call, state, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// asyncCall is what every bw_*_async function takes after the operation's
// own arguments, as do and submit prepare it: the live client, the
// per-call options, the userdata (the call's node, async.go), where the job
// id goes, and the error record filled when nothing could be queued. The
// completion function is always C.bwvoice_done.
type asyncCall struct {
	client *C.bw_client
	opts   C.bw_call_options
	node   unsafe.Pointer
	job    C.uint64_t
	err    *C.bw_error
}

// submitFn submits one operation: a closure over the operation's own
// converted arguments that calls its bw_*_async function with a's.
type submitFn func(a *asyncCall) C.bw_status

// do is what every operation shares, once it has converted its arguments
// into cs. A context that is already done returns ctx.Err(); a string that
// failed to convert returns its error (the first one: the operation's own,
// then the ids); a closed client returns ErrClosed; in all three cases
// nothing is sent. Otherwise it submits op under the read lock (so Close
// cannot free the client meanwhile) with the context's remaining time as
// bw_call_options.timeout_ms, rounded up to whole milliseconds (0 without
// a deadline): the library takes the smaller of it and the client's own
// budget. A call the library refuses to queue (invalid arguments, ErrBusy)
// fails at once. Otherwise do waits, holding no OS thread, for the
// completion (delivered by the client's reader, async.go) or for the
// context:
//
//   - cancelled: bw_cancel, and ctx.Err() at once. The completion still
//     runs later and releases everything; Close waits for it.
//   - its deadline passed: the library was given the same deadline and
//     enforces it, so do keeps waiting for the library's own answer, an
//     ErrTimeout that also matches context.DeadlineExceeded (with Attempts
//     and MaybeApplied), or whatever answer beat it.
//
// It returns the operation's result, copied into Go memory (resultValue,
// results.go): nil for an operation without one.
func (c *Client) do(ctx context.Context, cs *cstrings, op submitFn) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	opts := C.bw_call_options{struct_size: C.sizeof_bw_call_options}
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, context.DeadlineExceeded
		}
		opts.timeout_ms = C.uint32_t(min(ceilMillis(left), math.MaxUint32))
	}
	if cs.err != nil {
		return nil, cs.err
	}
	// A call nothing can cancel, while few others run this way, runs on
	// this goroutine's thread (BW_CALL_INLINE): no hand-over to a library
	// thread and back. Bounded, so that many waiting goroutines still hold
	// no OS thread each.
	inline := false
	if ctx.Done() == nil && !c.hooked {
		inline = c.inline.Add(1) <= int32(runtime.GOMAXPROCS(0))
		defer c.inline.Add(-1)
	}
	if inline {
		opts.flags = C.BW_CALL_INLINE
	}

	done := make(chan result, 1)
	job, err := c.submit(op, opts, done, inline)
	if err != nil {
		return nil, err
	}

	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		select {
		case r = <-done: // it completed meanwhile: its answer stands
		default:
			if ctx.Err() != context.DeadlineExceeded || !hasDeadline {
				c.cancel(job)
				return nil, ctx.Err()
			}
			r = <-done
		}
	}
	if e, ok := r.err.(*Error); ok && e.Status == ErrTimeout && hasDeadline && !time.Now().Before(deadline) {
		e.ctxErr = context.DeadlineExceeded
	}
	return r.value, r.err
}

// submit queues op on the live client, unless it is closed (ErrClosed),
// with a new cgo.Handle through which the completion reaches done, held by
// a new node. It returns the job id, or the library's error when nothing
// was queued (then no completion will run, and the handle and node are
// released here).
func (c *Client) submit(op submitFn, opts C.bw_call_options, done chan result, inline bool) (uint64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil || c.closing {
		return 0, ErrClosed
	}
	h := cgo.NewHandle(&pending{client: c, done: done})
	node := c.rd.newNode(h, !c.hooked)
	if node == nil {
		h.Delete()
		return 0, &Error{Status: ErrInternal, Message: "bwvoice: out of memory"}
	}
	c.inflight.Add(1)
	a := asyncCall{client: c.ptr, opts: opts, node: node}
	var status C.bw_status
	if inline {
		// The call runs inside op: it gets an error record of its own
		// rather than holding the shared one for that long.
		if a.err = newInlineError(); a.err == nil {
			C.free(node)
			h.Delete()
			c.inflight.Done()
			return 0, &Error{Status: ErrInternal, Message: "bwvoice: out of memory"}
		}
		defer C.free(unsafe.Pointer(a.err))
		status = op(&a)
	} else {
		c.submitting.Lock()
		defer c.submitting.Unlock()
		a.err = c.rd.submitError()
		status = op(&a)
	}
	runtime.KeepAlive(c)
	if status != C.BW_OK {
		err := newError(status, a.err)
		C.free(node)
		h.Delete()
		c.inflight.Done()
		return 0, err
	}
	if testHooks != nil {
		testHooks.submitted(c, uint64(a.job))
	}
	if completedEarly(node) {
		deliverEarly(node)
	}
	return uint64(a.job), nil
}

// cancel asks the library to cancel job (bw_cancel): a queued call is never
// sent, a running one stops on a best-effort basis. Its completion runs
// either way. A job that has already completed is not found, which is fine;
// so is a client freed meanwhile (then every job had completed).
func (c *Client) cancel(job uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr != nil {
		C.bw_cancel(c.ptr, C.uint64_t(job), nil)
	}
}

// cstrings collects C copies of Go strings for one C call and frees them.
// The first string that cannot be converted (it contains a NUL byte) is
// remembered in err; later conversions return NULL and copy nothing.
type cstrings struct {
	ptrs []unsafe.Pointer
	err  error
}

// required returns a C copy of s ("" stays "").
func (cs *cstrings) required(field, s string) *C.char {
	if cs.err != nil {
		return nil
	}
	if strings.IndexByte(s, 0) >= 0 {
		cs.err = invalidArgument(field, field+" contains a NUL byte")
		return nil
	}
	p := C.CString(s)
	cs.ptrs = append(cs.ptrs, unsafe.Pointer(p))
	return p
}

// ids returns C copies of the account and call ids.
func (cs *cstrings) ids(accountID, callID string) (account, call *C.char) {
	return cs.required("account_id", accountID), cs.required("call_id", callID)
}

// optional is required, except that "" means "not set" (NULL).
func (cs *cstrings) optional(field, s string) *C.char {
	if s == "" {
		return nil
	}
	return cs.required(field, s)
}

func (cs *cstrings) free() {
	for _, p := range cs.ptrs {
		C.free(p)
	}
	cs.ptrs = nil
}

// durationMillis converts an Options duration to the C milliseconds field:
// 0 stays 0 (the default), anything else is rounded up to whole ms.
func durationMillis(field string, d time.Duration) (C.uint32_t, error) {
	if d < 0 {
		return 0, invalidArgument(field, field+" is negative")
	}
	ms := ceilMillis(d)
	if ms > math.MaxUint32 {
		return 0, invalidArgument(field, field+" is too large")
	}
	return C.uint32_t(ms), nil
}

// ceilMillis rounds a positive duration up to whole milliseconds.
func ceilMillis(d time.Duration) int64 {
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		ms++
	}
	return ms
}
