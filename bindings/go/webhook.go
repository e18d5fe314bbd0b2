package bwvoice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// CallbackHandlerOptions configure CallbackHandler.
type CallbackHandlerOptions struct {
	// Username and Password are the Basic credentials set for callbacks
	// (on the Voice application, or a call's callback username and
	// password). Empty both: callbacks are not checked. Set one without
	// the other and CallbackHandler panics.
	Username string
	Password string
	// Realm is the realm of the challenge ("" is fine: Bandwidth's own
	// example). CallbackHandler panics on one CallbackChallenge refuses.
	Realm string
	// Logger records what the handler answered with an error (5xx at
	// Error, 4xx at Debug). nil is slog.Default().
	Logger *slog.Logger
}

// CallbackHandler serves Bandwidth's Voice callbacks: it checks the
// credentials, reads the callback, calls fn with the request's context and
// writes fn's BXML.
//
//   - With credentials set, a request without an Authorization header (or
//     with another scheme) gets 401 with the WWW-Authenticate challenge
//     Bandwidth waits for before it sends them; wrong or malformed ones get
//     403 (CheckCallbackAuth decides).
//   - POST reads the JSON body (at most MaxCallbackBytes, beyond it 413),
//     GET the query string; any other method gets 405.
//   - A callback the library cannot read gets 400 with its message as
//     text/plain.
//   - fn's BXML is rendered and sent as 200 application/xml; nil BXML is
//     204 (what callbacks that do not drive the call expect).
//   - fn's error, a BXML that does not render, or a panic in fn get 500
//     with a generic text; the cause goes to the Logger, never to the
//     caller. A panic never takes the server down (http.ErrAbortHandler
//     still aborts the response, as net/http intends).
//
// Bandwidth waits 15 seconds by default (callbackTimeout): fn should answer
// well within it.
func CallbackHandler(fn func(ctx context.Context, cb *Callback) (*BXML, error), opts CallbackHandlerOptions) http.Handler {
	if fn == nil {
		panic("bwvoice: CallbackHandler needs a function")
	}
	h := &callbackHandler{fn: fn, opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	if opts.Username != "" || opts.Password != "" {
		// The library judges the credentials; a mistake shows at once
		// rather than as a 500 on every callback.
		if _, err := CheckCallbackAuth("", opts.Username, opts.Password); err != nil {
			panic(fmt.Sprintf("bwvoice: CallbackHandler: %v", err))
		}
		challenge, err := CallbackChallenge(opts.Realm)
		if err != nil {
			panic(fmt.Sprintf("bwvoice: CallbackHandler: %v", err))
		}
		h.challenge = challenge
	}
	return h
}

type callbackHandler struct {
	fn        func(ctx context.Context, cb *Callback) (*BXML, error)
	opts      CallbackHandlerOptions
	log       *slog.Logger
	challenge string // "" when credentials are not checked
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The credentials first: an unauthenticated caller learns nothing else.
	if h.challenge != "" && !h.authorized(w, r) {
		return
	}
	cb, ok := h.read(w, r)
	if !ok {
		return
	}
	bxml, ok := h.call(r.Context(), cb)
	if !ok {
		serverError(w)
		return
	}
	if bxml == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	doc, err := bxml.Render()
	if err != nil {
		h.log.ErrorContext(r.Context(), "bwvoice: callback BXML does not render",
			"event_type", cb.EventType, "call_id", cb.CallID, "error", err)
		serverError(w)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = io.WriteString(w, doc)
}

// authorized answers 401 or 403 and returns false unless the request
// carries the expected credentials.
func (h *callbackHandler) authorized(w http.ResponseWriter, r *http.Request) bool {
	verdict, err := CheckCallbackAuth(r.Header.Get("Authorization"), h.opts.Username, h.opts.Password)
	switch {
	case err != nil:
		// The credentials were checked at construction, so only an
		// Authorization header C cannot carry gets here.
		h.log.DebugContext(r.Context(), "bwvoice: callback refused", "error", err)
		w.WriteHeader(http.StatusForbidden)
		return false
	case verdict == CallbackAuthOK:
		return true
	case verdict == CallbackAuthChallenge:
		w.Header().Set("WWW-Authenticate", h.challenge)
		w.WriteHeader(http.StatusUnauthorized)
		return false
	}
	h.log.DebugContext(r.Context(), "bwvoice: callback credentials refused", "remote_addr", r.RemoteAddr)
	w.WriteHeader(http.StatusForbidden)
	return false
}

// read parses the callback, or answers 405, 413 or 400 and returns false.
func (h *callbackHandler) read(w http.ResponseWriter, r *http.Request) (*Callback, bool) {
	var cb *Callback
	var err error
	switch r.Method {
	case http.MethodPost:
		body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxCallbackBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(readErr, &tooLarge) {
			plainText(w, http.StatusRequestEntityTooLarge, "callback body over 64 KiB")
			return nil, false
		}
		if readErr != nil {
			h.log.DebugContext(r.Context(), "bwvoice: callback body unreadable", "error", readErr)
			plainText(w, http.StatusBadRequest, "callback body unreadable")
			return nil, false
		}
		cb, err = ParseCallback(body)
	case http.MethodGet:
		cb, err = ParseCallbackQuery(r.URL.RawQuery)
	default:
		w.Header().Set("Allow", "GET, POST")
		plainText(w, http.StatusMethodNotAllowed, "callbacks are GET or POST")
		return nil, false
	}
	if err != nil {
		h.log.DebugContext(r.Context(), "bwvoice: callback unreadable", "error", err)
		plainText(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return cb, true
}

// call runs fn, turning its error or panic into a log record and false.
func (h *callbackHandler) call(ctx context.Context, cb *Callback) (bxml *BXML, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // net/http's own way to abort a response: let it
				panic(v)
			}
			h.log.ErrorContext(ctx, "bwvoice: callback handler panicked",
				"event_type", cb.EventType, "call_id", cb.CallID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			bxml, ok = nil, false
		}
	}()
	bxml, err := h.fn(ctx, cb)
	if err != nil {
		h.log.ErrorContext(ctx, "bwvoice: callback handler failed",
			"event_type", cb.EventType, "call_id", cb.CallID, "error", err)
		return nil, false
	}
	return bxml, true
}

// serverError is the whole of what the caller learns of a failure.
func serverError(w http.ResponseWriter) {
	plainText(w, http.StatusInternalServerError, "internal server error")
}

func plainText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}
