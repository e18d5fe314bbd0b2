package bwvoice

// Observability: the library's events (bw_event) as Event values for
// Options.OnEvent and records for Options.Logger, and its counters
// (bw_client_stats) as Stats. Events reach Go through the client's queue
// (async.go), never through a cgo callback.

/*
#include "bwvoice.h"
*/
import "C"

import (
	"context"
	"log/slog"
	"math"
	"runtime/debug"
	"strconv"
	"time"
)

// RetryBudgetOff, as Options.RetryBudget, turns the retry budget off:
// retries are then limited only by MaxAttempts and the time budget
// (BW_RETRY_BUDGET_OFF).
const RetryBudgetOff = -1

// EventKind says what an Event reports (the C BW_EVENT_*).
type EventKind int32

const (
	// EventAttemptEnd: one HTTP exchange ended, answered or failed.
	EventAttemptEnd EventKind = C.BW_EVENT_ATTEMPT_END
	// EventRetryScheduled: the call will be tried again after RetryDelay.
	EventRetryScheduled EventKind = C.BW_EVENT_RETRY_SCHEDULED
	// EventRetryDenied: a retry was refused because the retry budget is empty.
	EventRetryDenied EventKind = C.BW_EVENT_RETRY_DENIED
	// EventTokenFetch: an OAuth2 token request ended.
	EventTokenFetch EventKind = C.BW_EVENT_TOKEN_FETCH
	// EventCallEnd: the call ended; Status is its outcome.
	EventCallEnd EventKind = C.BW_EVENT_CALL_END
)

// String returns "attempt_end", "retry_scheduled", "retry_denied",
// "token_fetch" or "call_end" (or "EventKind(N)" for a newer kind).
func (k EventKind) String() string {
	switch k {
	case EventAttemptEnd:
		return "attempt_end"
	case EventRetryScheduled:
		return "retry_scheduled"
	case EventRetryDenied:
		return "retry_denied"
	case EventTokenFetch:
		return "token_fetch"
	case EventCallEnd:
		return "call_end"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one fact about a call, for logs, metrics and traces (the C
// bw_event, copied into Go memory). It never holds a credential, token,
// header or body. The OpenTelemetry attribute a field corresponds to, as
// Options.Logger names it, is given in brackets.
type Event struct {
	Kind EventKind
	// Operation is the spec's operationId of the call (e.g. "updateCall";
	// bwvoice.h lists the operations), or "token" for a token fetch
	// [bwvoice.operation].
	Operation string
	// Method is "GET", "POST" or "PUT" [http.request.method].
	Method string
	// URLTemplate is e.g. "/accounts/{accountId}/calls/{callId}"; "" for a
	// token fetch [url.template].
	URLTemplate string
	// AccountID and CallID are the call's ids [bwvoice.account_id,
	// bwvoice.call_id]. CallID is the member's call for a conference member
	// operation, "" for an operation on no one call (CreateCall, ListCalls,
	// a conference).
	AccountID string
	CallID    string
	// ConferenceID is the conference the operation acts on, "" outside
	// conferences [bwvoice.conference_id].
	ConferenceID string
	// ServerAddress and ServerPort are the host and port called
	// [server.address, server.port].
	ServerAddress string
	ServerPort    int
	// Attempt is 1 for the first attempt, 2 for the first retry, ...; 0
	// for a token fetch [http.request.resend_count is Attempt-1]. For a
	// retry event, the attempt that failed; for a call end, the attempts
	// made.
	Attempt int
	// HTTPStatus is the response's status code; 0 when there was none
	// [http.response.status_code].
	HTTPStatus int
	// Status is 0 for success, or the failure's Err* constant
	// [bwvoice.status, as its String()].
	Status Status
	// ErrorType is the HTTP status code ("503") of an error response,
	// else a short status name ("timeout", "connect"); "" on success
	// [error.type].
	ErrorType string
	// RetryReason, for retry events: "rate_limited", "unavailable",
	// "server_error", "timeout", "connect" or "stale_token"
	// [bwvoice.retry_reason].
	RetryReason string
	// RetryDelay, for EventRetryScheduled: the wait before the retry
	// [bwvoice.retry_delay].
	RetryDelay time.Duration
	// Duration is how long the attempt, token fetch or whole call took
	// [bwvoice.duration].
	Duration time.Duration
	// ConnectionReused: the attempt used a pooled connection (no TCP or
	// TLS setup) [bwvoice.connection_reused].
	ConnectionReused bool
}

// newEvent copies a bw_event into Go memory.
func newEvent(e *C.bw_event) Event {
	return Event{
		Kind:             EventKind(e.kind),
		Operation:        C.GoString(e.operation),
		Method:           C.GoString(e.http_request_method),
		URLTemplate:      C.GoString(e.url_template),
		AccountID:        C.GoString(e.account_id),
		CallID:           C.GoString(e.call_id),
		ConferenceID:     C.GoString(e.conference_id),
		ServerAddress:    C.GoString(e.server_address),
		ServerPort:       int(e.server_port),
		Attempt:          int(e.attempt),
		HTTPStatus:       int(e.http_response_status_code),
		Status:           Status(e.status),
		ErrorType:        C.GoString(e.error_type),
		RetryReason:      C.GoString(e.retry_reason),
		RetryDelay:       duration(uint64(e.retry_delay_ms), time.Millisecond),
		Duration:         duration(uint64(e.duration_us), time.Microsecond),
		ConnectionReused: bool(e.connection_reused),
	}
}

// duration is n units, saturating.
func duration(n uint64, unit time.Duration) time.Duration {
	if n > uint64(math.MaxInt64/unit) {
		return math.MaxInt64
	}
	return time.Duration(n) * unit
}

// The level and message of the kinds a Logger records; the others (call
// ends) are not logged: the caller gets the call's outcome.
func logLevel(k EventKind) (slog.Level, string, bool) {
	switch k {
	case EventAttemptEnd:
		return slog.LevelDebug, "bwvoice: attempt ended", true
	case EventTokenFetch:
		return slog.LevelDebug, "bwvoice: OAuth2 token request ended", true
	case EventRetryScheduled:
		return slog.LevelWarn, "bwvoice: retry scheduled", true
	case EventRetryDenied:
		return slog.LevelWarn, "bwvoice: retry denied: the client's retry budget is exhausted", true
	}
	return 0, "", false
}

// eventMask is the bw_client_config.event_mask for these options, and
// whether to install the hook at all. OnEvent sees every kind (mask 0). A
// Logger alone gets the kinds it records at a level it has enabled now;
// none of them (or neither option): no hook, so no event is even built.
func eventMask(logger *slog.Logger, onEvent func(Event)) (uint32, bool) {
	if onEvent != nil {
		return 0, true
	}
	if logger == nil {
		return 0, false
	}
	var mask uint32
	for _, k := range []EventKind{EventAttemptEnd, EventRetryScheduled, EventRetryDenied, EventTokenFetch} {
		if level, _, _ := logLevel(k); logger.Enabled(context.Background(), level) {
			mask |= 1 << uint(k)
		}
	}
	return mask, mask != 0
}

// event delivers one event on the reader's goroutine: to the Logger, then
// to OnEvent.
func (r *reader) event(e Event) {
	if r.logger != nil {
		if level, msg, ok := logLevel(e.Kind); ok && r.logger.Enabled(context.Background(), level) {
			r.logger.LogAttrs(context.Background(), level, msg, e.attrs()...)
		}
	}
	if r.onEvent != nil {
		r.callOnEvent(e)
	}
}

// callOnEvent calls OnEvent. With a Logger, a panic in it is recovered
// and logged at Error, and delivery goes on; without one it is not
// recovered, so it ends the program with its own value and stack, as a
// panic in any goroutine does.
func (r *reader) callOnEvent(e Event) {
	if r.logger == nil {
		r.onEvent(e)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			attrs := append([]slog.Attr{slog.Any("panic", v), slog.String("stack", string(debug.Stack())),
				slog.String("bwvoice.event", e.Kind.String())}, e.attrs()...)
			r.logger.LogAttrs(context.Background(), slog.LevelError, "bwvoice: Options.OnEvent panicked; the event was dropped", attrs...)
		}
	}()
	r.onEvent(e)
}

// attrs are the event's fields as slog attributes, with OpenTelemetry's
// names where there is one; empty and meaningless fields are left out.
func (e Event) attrs() []slog.Attr {
	a := make([]slog.Attr, 0, 16)
	a = append(a,
		slog.String("bwvoice.operation", e.Operation),
		slog.String("http.request.method", e.Method),
		slog.String("server.address", e.ServerAddress),
		slog.Int("server.port", e.ServerPort))
	if e.URLTemplate != "" {
		a = append(a, slog.String("url.template", e.URLTemplate))
	}
	if e.AccountID != "" {
		a = append(a, slog.String("bwvoice.account_id", e.AccountID))
	}
	if e.CallID != "" {
		a = append(a, slog.String("bwvoice.call_id", e.CallID))
	}
	if e.ConferenceID != "" {
		a = append(a, slog.String("bwvoice.conference_id", e.ConferenceID))
	}
	if e.Attempt > 0 {
		a = append(a, slog.Int("http.request.resend_count", e.Attempt-1))
	}
	if e.HTTPStatus != 0 {
		a = append(a, slog.Int("http.response.status_code", e.HTTPStatus))
	}
	if e.ErrorType != "" {
		a = append(a, slog.String("error.type", e.ErrorType))
	}
	if e.Status != 0 {
		a = append(a, slog.String("bwvoice.status", e.Status.String()))
	}
	switch e.Kind {
	case EventRetryScheduled, EventRetryDenied:
		if e.RetryReason != "" {
			a = append(a, slog.String("bwvoice.retry_reason", e.RetryReason))
		}
		if e.Kind == EventRetryScheduled {
			a = append(a, slog.Duration("bwvoice.retry_delay", e.RetryDelay))
		}
	case EventAttemptEnd:
		a = append(a, slog.Duration("bwvoice.duration", e.Duration),
			slog.Bool("bwvoice.connection_reused", e.ConnectionReused))
	default:
		a = append(a, slog.Duration("bwvoice.duration", e.Duration))
	}
	return a
}

// Stats is a snapshot of a client's counters (the C bw_stats). Every field
// but RetryBudgetTokens, JobsQueued and JobsRunning only grows, so two
// snapshots subtract into a rate.
type Stats struct {
	// Calls is the number of calls ended (a call refused before it was
	// queued, or cancelled while queued, never started and is not counted).
	Calls uint64
	// Attempts is the number of HTTP attempts to the Voice API.
	Attempts uint64
	// Retries is the number of retries scheduled; the Retries* fields
	// split it by reason.
	Retries            uint64
	RetriesRateLimited uint64
	RetriesUnavailable uint64
	RetriesServerError uint64
	RetriesTimeout     uint64
	RetriesConnect     uint64
	RetriesStaleToken  uint64
	// RetriesDenied is the number of retries refused because the retry
	// budget was empty.
	RetriesDenied uint64
	// RetryBudgetTokens is the tokens left in the retry budget; -1 when it
	// is off (RetryBudgetOff).
	RetryBudgetTokens int64
	// TokenFetches is the number of OAuth2 token requests.
	TokenFetches uint64
	// ConnectionsOpened and ConnectionsReused count the attempts that
	// opened a connection and that reused a pooled one.
	ConnectionsOpened uint64
	ConnectionsReused uint64
	// JobsQueued and JobsRunning are the calls waiting for a library
	// thread, and running, right now.
	JobsQueued  uint64
	JobsRunning uint64
	// Outcomes counts the calls ended by Status: Outcomes[0] succeeded,
	// Outcomes[ErrNotFound] ended with a 404, and so on.
	Outcomes [C.BW_STATS_OUTCOMES]uint64
}

// Stats returns the client's counters (bw_client_stats): cheap, from any
// goroutine, at any time. After Close it returns the counters as they were
// when the client was freed, with nothing queued or running.
func (c *Client) Stats() Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return c.final
	}
	return c.statsLocked()
}

// statsLocked reads the live client's counters; c.mu is held.
func (c *Client) statsLocked() Stats {
	s := C.bw_stats{struct_size: C.sizeof_bw_stats}
	if C.bw_client_stats(c.ptr, &s, nil) != C.BW_OK {
		return Stats{} // not for a live client and a sized record
	}
	out := Stats{
		Calls:              uint64(s.calls),
		Attempts:           uint64(s.attempts),
		Retries:            uint64(s.retries),
		RetriesRateLimited: uint64(s.retries_rate_limited),
		RetriesUnavailable: uint64(s.retries_unavailable),
		RetriesServerError: uint64(s.retries_server_error),
		RetriesTimeout:     uint64(s.retries_timeout),
		RetriesConnect:     uint64(s.retries_connect),
		RetriesStaleToken:  uint64(s.retries_stale_token),
		RetriesDenied:      uint64(s.retries_denied),
		RetryBudgetTokens:  int64(s.retry_budget_tokens),
		TokenFetches:       uint64(s.token_fetches),
		ConnectionsOpened:  uint64(s.connections_opened),
		ConnectionsReused:  uint64(s.connections_reused),
		JobsQueued:         uint64(s.jobs_queued),
		JobsRunning:        uint64(s.jobs_running),
	}
	for i := range out.Outcomes {
		out.Outcomes[i] = uint64(s.outcomes[i])
	}
	return out
}
