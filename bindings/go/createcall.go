package bwvoice

/*
#include "bwvoice.h"

extern const bw_completion_fn bwvoice_done;
*/
import "C"

import (
	"context"
	"time"
)

// MachineDetectionMode is how answering-machine detection reports its
// result (MachineDetection.Mode, the C BW_MACHINE_DETECTION_*).
type MachineDetectionMode int32

const (
	// MachineDetectionUnset sends no mode (Bandwidth's default is async).
	MachineDetectionUnset MachineDetectionMode = C.BW_MACHINE_DETECTION_UNSET
	// MachineDetectionSync: the answer webhook waits for the result.
	MachineDetectionSync MachineDetectionMode = C.BW_MACHINE_DETECTION_SYNC
	// MachineDetectionAsync: the result comes in a machineDetectionComplete
	// webhook to CallbackURL.
	MachineDetectionAsync MachineDetectionMode = C.BW_MACHINE_DETECTION_ASYNC
)

// CreateCallRequest holds every parameter of "Create call"; it mirrors the
// C bw_create_call_request. To, From, ApplicationID and AnswerURL are
// required; for the rest an empty string, a zero number, a nil pointer and
// MethodUnset mean "not set, not sent". The library checks everything
// before sending (ErrInvalidArgument naming the field, e.g. "to",
// "machine_detection.silence_timeout"). Printing it (fmt, slog) hides the
// passwords.
type CreateCallRequest struct {
	// To is the number to call (E.164, "+15555551212") or a SIP URI
	// ("sip:user@host").
	To string
	// From is a Bandwidth number of the account (E.164), even with Privacy.
	From string
	// ApplicationID is the application of the From number.
	ApplicationID string
	// AnswerURL is where Bandwidth fetches the first BXML once the call is
	// answered: an absolute http(s) URL, https when Username is set.
	AnswerURL string
	// AnswerMethod: MethodUnset, MethodGET or MethodPOST.
	AnswerMethod Method
	// Username and Password are Basic auth credentials for AnswerURL.
	Username string
	Password string
	// AnswerFallbackURL is tried when AnswerURL fails to answer.
	AnswerFallbackURL    string
	AnswerFallbackMethod Method
	// FallbackUsername and FallbackPassword are Basic auth credentials for
	// AnswerFallbackURL.
	FallbackUsername string
	FallbackPassword string
	// DisconnectURL receives the disconnect event when the call ends.
	DisconnectURL    string
	DisconnectMethod Method
	// Privacy hides the calling number (nil: not sent; see Bool).
	Privacy *bool
	// DisplayName is the caller name shown, at most 256 characters; with
	// Privacy true, one of Restricted, Anonymous, Private, Unavailable.
	DisplayName string
	// UUI is the User-To-User header of a SIP To: comma-separated values,
	// each ending in ;encoding=jwt, base64 or hex; at most 350 characters.
	UUI string
	// CallTimeout is how long the callee has to answer once ringing,
	// 1 to 300 s (Bandwidth's default 30 s). Sent in seconds; fractions allowed.
	CallTimeout time.Duration
	// CallbackTimeout is how long Bandwidth waits for each webhook answer,
	// 1 to 25 s (default 15 s).
	CallbackTimeout time.Duration
	// Priority orders the account's queued calls: 1 (first) to 5 (default).
	Priority int
	// Tag is sent with every webhook of the call, at most 4096 characters.
	Tag string
	// MachineDetection turns on answering-machine detection; nil: none.
	MachineDetection *MachineDetection
}

// MachineDetection configures answering-machine detection (the C
// bw_machine_detection). Every time is sent in whole seconds: Bandwidth
// mishandles fractions, so the library refuses them. Zero values and
// empty strings are not sent. Printing it hides the passwords.
type MachineDetection struct {
	// Mode: MachineDetectionUnset (async), MachineDetectionSync or
	// MachineDetectionAsync.
	Mode MachineDetectionMode
	// DetectionTimeout bounds the whole detection (then the result is "timeout").
	DetectionTimeout time.Duration
	// SilenceTimeout: silence this long gives the result "silence".
	SilenceTimeout time.Duration
	// SpeechThreshold: speech this long counts as a machine.
	SpeechThreshold time.Duration
	// SpeechEndThreshold: silence this long ends the callee's speech.
	SpeechEndThreshold time.Duration
	// MachineSpeechEndThreshold: silence this long ends a machine's
	// message (default SpeechEndThreshold).
	MachineSpeechEndThreshold time.Duration
	// DelayResult waits until a machine's message ends before reporting it.
	DelayResult *bool
	// CallbackURL receives machineDetectionComplete (async mode only, where
	// it is required).
	CallbackURL    string
	CallbackMethod Method
	// Username and Password are Basic auth credentials for CallbackURL.
	Username string
	Password string
	// FallbackURL is tried when CallbackURL fails to answer.
	FallbackURL    string
	FallbackMethod Method
	// FallbackUsername and FallbackPassword are Basic auth credentials for FallbackURL.
	FallbackUsername string
	FallbackPassword string
}

// CreatedCall is what Bandwidth answered to "Create call" (every field of
// its createCallResponse; the C bw_created_call, copied into Go memory). A
// string not reported is "", a number 0, a time the zero time.Time.
// Methods are the server's text ("POST", "GET"). The passwords are as
// Bandwidth shows them (masked, as a rule); printing the value hides them
// anyway.
type CreatedCall struct {
	// CallID is the new call's id, for every later operation on it.
	CallID        string
	AccountID     string
	ApplicationID string
	To            string
	From          string
	// CallURL is the URL of the call.
	CallURL string
	// EnqueuedTime is when the call entered the account's queue (UTC).
	EnqueuedTime time.Time
	// CallTimeout and CallbackTimeout are the timeouts in force.
	CallTimeout     time.Duration
	CallbackTimeout time.Duration
	// Priority is the call's place in the queue, 1 (first) to 5.
	Priority             int
	Tag                  string
	AnswerURL            string
	AnswerMethod         string
	AnswerFallbackURL    string
	AnswerFallbackMethod string
	DisconnectURL        string
	DisconnectMethod     string
	Username             string
	Password             string
	FallbackUsername     string
	FallbackPassword     string
}

// CreateCall places an outbound call ("Create call", bw_create_call_async):
// Bandwidth queues it, rings req.To, and once it is answered fetches
// req.AnswerURL for its first BXML. Everything is validated by the library
// first; on ErrInvalidArgument nothing was sent.
//
// It is never sent twice once it may have reached Bandwidth, whatever
// Options.RetryNonIdempotent says: a second request would ring a second
// phone. It is retried only when it certainly was not (no connection,
// 429). Any other failure after the request went out, a 503 included (a
// proxy may answer it after passing the request on), has MaybeApplied
// set: the call may exist. Find it with Calls (To, From, MinStartTime a
// little before the attempt) rather than calling again; see the package
// documentation. Contexts work as for ModifyCall; a call whose context is
// cancelled while it runs may have been placed too.
func (c *Client) CreateCall(ctx context.Context, accountID string, req CreateCallRequest) (*CreatedCall, error) {
	var cs cstrings
	defer cs.free()
	creq := C.bw_create_call_request{struct_size: C.sizeof_bw_create_call_request}
	creq.to = cs.required("to", req.To)
	creq.from = cs.required("from", req.From)
	creq.application_id = cs.required("application_id", req.ApplicationID)
	creq.answer_url = cs.required("answer_url", req.AnswerURL)
	creq.answer_method = C.int32_t(req.AnswerMethod)
	creq.username = cs.optional("username", req.Username)
	creq.password = cs.optional("password", req.Password)
	creq.answer_fallback_url = cs.optional("answer_fallback_url", req.AnswerFallbackURL)
	creq.answer_fallback_method = C.int32_t(req.AnswerFallbackMethod)
	creq.fallback_username = cs.optional("fallback_username", req.FallbackUsername)
	creq.fallback_password = cs.optional("fallback_password", req.FallbackPassword)
	creq.disconnect_url = cs.optional("disconnect_url", req.DisconnectURL)
	creq.disconnect_method = C.int32_t(req.DisconnectMethod)
	creq.privacy = optionalBool(req.Privacy)
	creq.display_name = cs.optional("display_name", req.DisplayName)
	creq.uui = cs.optional("uui", req.UUI)
	creq.call_timeout = seconds(req.CallTimeout)
	creq.callback_timeout = seconds(req.CallbackTimeout)
	creq.priority = cs.count("priority", req.Priority)
	creq.tag = cs.optional("tag", req.Tag)
	if req.MachineDetection != nil {
		creq.machine_detection = cs.machineDetection(req.MachineDetection)
	}
	account := cs.required("account_id", accountID)
	return doResult[CreatedCall](ctx, c, &cs, "bw_created_call", func(a *asyncCall) C.bw_status {
		return C.bw_create_call_async(a.client, account, &creq, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
}

// machineDetection converts d into C memory (the request that points to it
// is in Go memory, which cgo forbids to hold Go pointers).
func (cs *cstrings) machineDetection(d *MachineDetection) *C.bw_machine_detection {
	const prefix = "machine_detection."
	md := (*C.bw_machine_detection)(cs.alloc(C.sizeof_bw_machine_detection))
	md.struct_size = C.sizeof_bw_machine_detection
	md.mode = C.int32_t(d.Mode)
	md.detection_timeout = seconds(d.DetectionTimeout)
	md.silence_timeout = seconds(d.SilenceTimeout)
	md.speech_threshold = seconds(d.SpeechThreshold)
	md.speech_end_threshold = seconds(d.SpeechEndThreshold)
	md.machine_speech_end_threshold = seconds(d.MachineSpeechEndThreshold)
	md.delay_result = optionalBool(d.DelayResult)
	md.callback_url = cs.optional(prefix+"callback_url", d.CallbackURL)
	md.callback_method = C.int32_t(d.CallbackMethod)
	md.username = cs.optional(prefix+"username", d.Username)
	md.password = cs.optional(prefix+"password", d.Password)
	md.fallback_url = cs.optional(prefix+"fallback_url", d.FallbackURL)
	md.fallback_method = C.int32_t(d.FallbackMethod)
	md.fallback_username = cs.optional(prefix+"fallback_username", d.FallbackUsername)
	md.fallback_password = cs.optional(prefix+"fallback_password", d.FallbackPassword)
	return md
}

// newCreatedCall copies a bw_created_call into Go memory.
func newCreatedCall(v *C.bw_created_call) (*CreatedCall, error) {
	if v == nil || uintptr(v.struct_size) < C.sizeof_bw_created_call {
		return nil, tooSmall("bw_created_call")
	}
	return &CreatedCall{
		CallID:               C.GoString(v.call_id),
		AccountID:            C.GoString(v.account_id),
		ApplicationID:        C.GoString(v.application_id),
		To:                   C.GoString(v.to),
		From:                 C.GoString(v.from),
		CallURL:              C.GoString(v.call_url),
		EnqueuedTime:         unixMillis(v.enqueued_time_ms),
		CallTimeout:          secondsDuration(v.call_timeout),
		CallbackTimeout:      secondsDuration(v.callback_timeout),
		Priority:             int(v.priority),
		Tag:                  C.GoString(v.tag),
		AnswerURL:            C.GoString(v.answer_url),
		AnswerMethod:         C.GoString(v.answer_method),
		AnswerFallbackURL:    C.GoString(v.answer_fallback_url),
		AnswerFallbackMethod: C.GoString(v.answer_fallback_method),
		DisconnectURL:        C.GoString(v.disconnect_url),
		DisconnectMethod:     C.GoString(v.disconnect_method),
		Username:             C.GoString(v.username),
		Password:             C.GoString(v.password),
		FallbackUsername:     C.GoString(v.fallback_username),
		FallbackPassword:     C.GoString(v.fallback_password),
	}, nil
}
