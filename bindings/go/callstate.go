package bwvoice

/*
#include "bwvoice.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// CallState is a call's state as GetCallState read it (Bandwidth's
// callState; the C bw_call_state, copied into Go memory).
//
// Every field is optional on the wire: a string the server sent as null or
// not at all is "", a time is the zero time.Time (test with IsZero), and
// StirShaken is nil. Times are UTC, to the millisecond.
//
// State, Direction and DisconnectCause are the server's text. Bandwidth may
// add values at any time, so compare them with the State*, Direction* and
// Disconnect* constants and treat any other value as "other", never as an
// error.
type CallState struct {
	CallID        string
	AccountID     string
	ApplicationID string
	// ParentCallID is the A-leg's call id when this call is the B-leg of a
	// <Transfer>.
	ParentCallID string
	// To is the E.164 number or SIP URI that received the call.
	To string
	// From is the E.164 number that made the call.
	From string
	// Direction is DirectionInbound, DirectionOutbound, or a newer value.
	Direction string
	// State is StateQueued, StateInitiated, StateAnswered,
	// StateDisconnected, or a newer value.
	State string
	// EnqueuedTime is when the call was queued.
	EnqueuedTime time.Time
	// StartTime is when the call was initiated; zero while it is queued.
	StartTime time.Time
	// AnswerTime is when the call was answered; zero until then.
	AnswerTime time.Time
	// EndTime is when the call ended; zero until then.
	EndTime time.Time
	// LastUpdate is the last time the call's state changed.
	LastUpdate time.Time
	// DisconnectCause says why the call ended (one of the Disconnect*
	// constants, or a newer value); "" while it is in progress.
	DisconnectCause string
	// ErrorMessage and ErrorID are set when the call ended with an error:
	// the explanation and Bandwidth's id for it.
	ErrorMessage string
	ErrorID      string
	// Identity is the inbound INVITE's Identity header, if forwarded.
	Identity string
	// StirShaken holds the STIR/SHAKEN verification (verstat,
	// attestationIndicator, originatingId, ...); nil when absent. A value
	// the server sent as a non-string is its JSON text.
	StirShaken map[string]string
}

// The values of CallState.State that Bandwidth documents. (CallStateActive
// and CallStateCompleted are what a ModifyCallRequest asks for, not these.)
const (
	StateQueued       = "queued"
	StateInitiated    = "initiated"
	StateAnswered     = "answered"
	StateDisconnected = "disconnected"
)

// The values of CallState.Direction that Bandwidth documents.
const (
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"
)

// The values of CallState.DisconnectCause that Bandwidth documents.
const (
	DisconnectHangup               = "hangup"
	DisconnectBusy                 = "busy"
	DisconnectTimeout              = "timeout"
	DisconnectCancel               = "cancel"
	DisconnectRejected             = "rejected"
	DisconnectCallbackError        = "callback-error"
	DisconnectInvalidBXML          = "invalid-bxml"
	DisconnectApplicationError     = "application-error"
	DisconnectAccountLimit         = "account-limit"
	DisconnectNodeCapacityExceeded = "node-capacity-exceeded"
	DisconnectError                = "error"
	DisconnectUnknown              = "unknown"
)

// newCallState copies a bw_call_state into Go memory; the caller frees s.
func newCallState(s *C.bw_call_state) (*CallState, error) {
	// bw_version_compatible (checked by NewClient) guarantees a library at
	// least as new as the header, whose struct has every field read here.
	if s == nil || uintptr(s.struct_size) < C.sizeof_bw_call_state {
		return nil, &Error{Status: ErrInternal, Message: "bwvoice: the library returned a bw_call_state smaller than this binding's bwvoice.h"}
	}
	st := &CallState{
		CallID:          C.GoString(s.call_id),
		AccountID:       C.GoString(s.account_id),
		ApplicationID:   C.GoString(s.application_id),
		ParentCallID:    C.GoString(s.parent_call_id),
		To:              C.GoString(s.to),
		From:            C.GoString(s.from),
		Direction:       C.GoString(s.direction),
		State:           C.GoString(s.state),
		EnqueuedTime:    unixMillis(s.enqueued_time_ms),
		StartTime:       unixMillis(s.start_time_ms),
		AnswerTime:      unixMillis(s.answer_time_ms),
		EndTime:         unixMillis(s.end_time_ms),
		LastUpdate:      unixMillis(s.last_update_ms),
		DisconnectCause: C.GoString(s.disconnect_cause),
		ErrorMessage:    C.GoString(s.error_message),
		ErrorID:         C.GoString(s.error_id),
		Identity:        C.GoString(s.identity),
	}
	if n := int(s.stir_shaken_len); n > 0 && s.stir_shaken != nil {
		st.StirShaken = make(map[string]string, n)
		for _, kv := range unsafe.Slice(s.stir_shaken, n) {
			st.StirShaken[C.GoString(kv.key)] = C.GoString(kv.value)
		}
	}
	return st, nil
}

// unixMillis converts a bw_call_state *_ms time: BW_TIME_ABSENT is the
// zero time.Time, anything else that instant in UTC.
func unixMillis(ms C.int64_t) time.Time {
	if ms == C.BW_TIME_ABSENT {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms)).UTC()
}
