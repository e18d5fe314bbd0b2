package bwvoice

// Reading Bandwidth's Voice callbacks and checking their credentials: thin
// wrappers over bw_callback_parse, bw_callback_parse_query,
// bw_callback_check_auth and bw_callback_challenge. The library decides
// everything; this file copies its answers into Go values.

/*
#include <stdlib.h>
#include "bwvoice.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// CallbackEvent is what a callback reports (the C bw_callback_event), read
// from its eventType. Bandwidth adds events: treat a value you do not know
// like CallbackUnknown and read Callback.EventType.
type CallbackEvent int32

// The events the library knows. An eventType it does not know is
// CallbackUnknown, never an error.
const (
	CallbackUnknown                        CallbackEvent = C.BW_CALLBACK_UNKNOWN
	CallbackAnswer                         CallbackEvent = C.BW_CALLBACK_ANSWER
	CallbackBridgeComplete                 CallbackEvent = C.BW_CALLBACK_BRIDGE_COMPLETE
	CallbackBridgeTargetComplete           CallbackEvent = C.BW_CALLBACK_BRIDGE_TARGET_COMPLETE
	CallbackConferenceCreated              CallbackEvent = C.BW_CALLBACK_CONFERENCE_CREATED
	CallbackConferenceRedirect             CallbackEvent = C.BW_CALLBACK_CONFERENCE_REDIRECT
	CallbackConferenceMemberJoin           CallbackEvent = C.BW_CALLBACK_CONFERENCE_MEMBER_JOIN
	CallbackConferenceMemberExit           CallbackEvent = C.BW_CALLBACK_CONFERENCE_MEMBER_EXIT
	CallbackConferenceCompleted            CallbackEvent = C.BW_CALLBACK_CONFERENCE_COMPLETED
	CallbackConferenceRecordingAvailable   CallbackEvent = C.BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE
	CallbackDisconnect                     CallbackEvent = C.BW_CALLBACK_DISCONNECT
	CallbackDTMF                           CallbackEvent = C.BW_CALLBACK_DTMF
	CallbackGather                         CallbackEvent = C.BW_CALLBACK_GATHER
	CallbackInitiate                       CallbackEvent = C.BW_CALLBACK_INITIATE
	CallbackMachineDetectionComplete       CallbackEvent = C.BW_CALLBACK_MACHINE_DETECTION_COMPLETE
	CallbackRecordingComplete              CallbackEvent = C.BW_CALLBACK_RECORDING_COMPLETE // also sent as "recordComplete"
	CallbackRecordingAvailable             CallbackEvent = C.BW_CALLBACK_RECORDING_AVAILABLE
	CallbackRedirect                       CallbackEvent = C.BW_CALLBACK_REDIRECT
	CallbackTranscriptionAvailable         CallbackEvent = C.BW_CALLBACK_TRANSCRIPTION_AVAILABLE
	CallbackTransferAnswer                 CallbackEvent = C.BW_CALLBACK_TRANSFER_ANSWER
	CallbackTransferComplete               CallbackEvent = C.BW_CALLBACK_TRANSFER_COMPLETE
	CallbackTransferDisconnect             CallbackEvent = C.BW_CALLBACK_TRANSFER_DISCONNECT
	CallbackMediaStreamStarted             CallbackEvent = C.BW_CALLBACK_MEDIA_STREAM_STARTED
	CallbackMediaStreamStopped             CallbackEvent = C.BW_CALLBACK_MEDIA_STREAM_STOPPED
	CallbackMediaStreamRejected            CallbackEvent = C.BW_CALLBACK_MEDIA_STREAM_REJECTED
	CallbackRealTimeTranscriptionStarted   CallbackEvent = C.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED // also "realtimeTranscription…"
	CallbackRealTimeTranscriptionAvailable CallbackEvent = C.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE
	CallbackRealTimeTranscriptionStopped   CallbackEvent = C.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED
	CallbackRealTimeTranscriptionRejected  CallbackEvent = C.BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED
)

// Callback is one Voice callback as the library read it (the C
// bw_callback, copied into Go memory). One type serves every event; a field
// the event did not carry is "" (strings), the zero time.Time (times: test
// with IsZero), 0 (SIPResponseCode, Channels) or nil (nested values and
// lists). An empty string that was sent (Digits on a gather timeout) is ""
// too.
//
// Text Bandwidth documents as a set of values (Direction, Cause, Status,
// FileFormat, MachineDetectionResult.Value) is as sent: Bandwidth adds
// values, so treat one you do not know as "other".
//
// Times are UTC, to the millisecond; each *Text field keeps the RFC 3339
// text as sent (its offset and whole fraction).
type Callback struct {
	Event CallbackEvent
	// EventType is eventType as sent, never "": "recordComplete" for
	// CallbackRecordingComplete, or the name of an event this library does
	// not know.
	EventType     string
	EventTime     time.Time
	EventTimeText string
	AccountID     string
	ApplicationID string
	// CallID is the call (for conference member events: the member's call).
	CallID  string
	CallURL string
	// ParentCallID is the A-leg's call id, for the B-leg of a <Transfer>.
	ParentCallID string
	ConferenceID string
	// Name is the conference's name.
	Name string
	// From is the caller: E.164, a SIP URI, or "Private", "Anonymous",
	// "Restricted", "Unavailable": text, not a number.
	From string
	To   string
	// Direction is DirectionInbound, DirectionOutbound, or a newer value.
	Direction        string
	Tag              string
	EnqueuedTime     time.Time
	EnqueuedTimeText string
	StartTime        time.Time
	StartTimeText    string
	AnswerTime       time.Time
	AnswerTimeText   string
	EndTime          time.Time
	EndTimeText      string
	// Digits are gather's digits ("" on a timeout).
	Digits string
	// Digit is dtmf's digit.
	Digit string
	// TerminatingDigit is the digit that ended a gather ("" when none).
	TerminatingDigit string
	// Cause says why a call, leg or stream ended: "hangup", "busy",
	// "timeout", …, "closed" (streams), or a newer value.
	Cause        string
	ErrorMessage string
	ErrorID      string
	// SIPResponseCode is, in a disconnect, the SIP status of a rejected
	// outbound INVITE.
	SIPResponseCode int
	SIPCallID       string
	// MachineDetectionResult is machineDetectionComplete's result.
	MachineDetectionResult *CallbackMachineDetection
	RecordingID            string
	MediaURL               string
	// Duration is the recording's length, ISO 8601 ("PT13.67S").
	Duration string
	// FileFormat is "wav", "mp3", or a newer value.
	FileFormat string
	// Channels is the recording's number of channels.
	Channels int
	// Status is the recording's state: "complete", "partial", "error", or
	// a newer value.
	Status string
	// Transcription is transcriptionAvailable's (the documentation's
	// real-time transcription examples use this name too).
	Transcription    *CallbackTranscription
	TransferCallerID string
	TransferTo       string
	// Diversion holds, in an initiate, the Diversion header's parameters
	// (origTo, reason, …), sorted by key.
	Diversion []KeyValue
	// StirShaken holds, in an initiate, the STIR/SHAKEN verification
	// (verstat, attestationIndicator, …), sorted by key.
	StirShaken []KeyValue
	// UUI is, in an initiate, the User-To-User header.
	UUI string
	// SIPHeaders are, in an initiate, the INVITE's X- headers (lower-case
	// names), sorted by name.
	SIPHeaders  []KeyValue
	MediaStream *CallbackMediaStream
	// OriginalMediaStream is, in a mediaStreamRejected, the stream already
	// running under that name.
	OriginalMediaStream   *CallbackMediaStream
	RealTimeTranscription *CallbackTranscription
	// OriginalTranscription is, in a realTimeTranscriptionRejected, the
	// one already running under that name.
	OriginalTranscription *CallbackTranscription
	// Reason is why a media stream was rejected.
	Reason string
}

// KeyValue is one entry of an open-ended map a callback carries
// (Diversion, StirShaken, SIPHeaders). A number or boolean value is its
// JSON text.
type KeyValue struct {
	Key   string
	Value string
}

// CallbackMachineDetection is answering machine detection's result.
type CallbackMachineDetection struct {
	// Value is "human", "answering-machine", "silence", "timeout",
	// "error", or a newer value.
	Value string
	// Duration is how long detection took, ISO 8601 ("PT4.98S"); "" when
	// not sent.
	Duration string
}

// CallbackTranscription is a transcription: a recording's (ID, Status,
// URL, CompletedTime) or a real-time one (also Name, StartTime, Duration,
// Destination, Stabilized, Tracks).
type CallbackTranscription struct {
	ID string
	// Name is a real-time transcription's name.
	Name string
	// Status is "available", "error", "timeout", "failed", … or a newer
	// value.
	Status            string
	URL               string
	CompletedTime     time.Time
	CompletedTimeText string
	StartTime         time.Time
	StartTimeText     string
	// Duration is ISO 8601 ("PT1M52.2S").
	Duration    string
	Destination string
	// Stabilized is nil when not sent.
	Stabilized *bool
	// Tracks are "inbound", "outbound".
	Tracks []string
}

// CallbackMediaStream is a media stream (<StartStream>).
type CallbackMediaStream struct {
	ID   string
	Name string
	// Destination is where the media goes ("wss://…").
	Destination string
	// Type is "WebSocket" (JSON type).
	Type          string
	StartTime     time.Time
	StartTimeText string
	// Duration is how long it ran, ISO 8601.
	Duration string
	// Tracks are "inbound", "outbound".
	Tracks []string
}

// MaxCallbackBytes is the largest callback the library reads (64 KiB), a
// JSON body or a query string.
const MaxCallbackBytes = C.BW_MAX_CALLBACK_BYTES

// ParseCallback reads the JSON body of a callback POST
// (bw_callback_parse). Anything a callback cannot be is an *Error with
// Status ErrInvalidArgument and Field naming it: "body" (not JSON, not an
// object, over MaxCallbackBytes), "event_type" (missing) or the member
// whose value is wrong ("event_time", "channels", "transcription", …).
// Unknown fields are ignored, and an unknown eventType is CallbackUnknown.
// The message never shows a value.
func ParseCallback(body []byte) (*Callback, error) {
	// C reads exactly len(body) bytes and needs a non-NULL pointer even
	// for none.
	ptr := (*C.char)(unsafe.Pointer(unsafe.SliceData([]byte{0})))
	if len(body) > 0 {
		ptr = (*C.char)(unsafe.Pointer(unsafe.SliceData(body)))
	}
	var out *C.bw_callback
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	// C only reads body during the call and keeps no pointer to it.
	if status := C.bw_callback_parse(ptr, C.size_t(len(body)), &out, &cerr); status != C.BW_OK {
		return nil, newError(status, &cerr)
	}
	defer C.bw_callback_free(out)
	return newCallback(out)
}

// ParseCallbackQuery reads the query string of a callback GET
// (bw_callback_parse_query), with or without its "?": the same fields,
// percent-decoded, nested objects from dotted names
// ("machineDetectionResult.value=human"), tracks from comma-separated text.
// Errors as ParseCallback's, Field "query" for the whole.
func ParseCallbackQuery(query string) (*Callback, error) {
	var cs cstrings
	defer cs.free()
	cquery := cs.required("query", query)
	if cs.err != nil {
		return nil, cs.err
	}
	var out *C.bw_callback
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	if status := C.bw_callback_parse_query(cquery, &out, &cerr); status != C.BW_OK {
		return nil, newError(status, &cerr)
	}
	defer C.bw_callback_free(out)
	return newCallback(out)
}

// CallbackAuth is the verdict of CheckCallbackAuth (the C bw_callback_auth).
type CallbackAuth int32

const (
	// CallbackAuthOK: the expected credentials; handle the callback.
	CallbackAuthOK CallbackAuth = C.BW_CALLBACK_AUTH_OK
	// CallbackAuthChallenge: no credentials, or not Basic ones. Answer 401
	// Unauthorized with the header WWW-Authenticate set to
	// CallbackChallenge's value; Bandwidth then sends the callback again
	// with its credentials.
	CallbackAuthChallenge CallbackAuth = C.BW_CALLBACK_AUTH_CHALLENGE
	// CallbackAuthRefused: wrong or malformed Basic credentials. Answer 403
	// Forbidden, without a challenge.
	CallbackAuthRefused CallbackAuth = C.BW_CALLBACK_AUTH_REFUSED
)

// CheckCallbackAuth checks a callback request's Authorization header ("" when
// the request has none) against the credentials set for callbacks
// (bw_callback_check_auth). Both are compared in constant time. An empty
// username or password is an *Error with Status ErrInvalidArgument (Field
// "username" or "password"; nothing to check against), and the verdict is
// then CallbackAuthRefused. No message ever holds a credential.
func CheckCallbackAuth(authorization, username, password string) (CallbackAuth, error) {
	var cs cstrings
	defer cs.free()
	cauth := cs.optional("authorization", authorization)
	cuser := cs.required("username", username)
	cpass := cs.required("password", password)
	if cs.err != nil {
		return CallbackAuthRefused, cs.err
	}
	verdict := C.bw_callback_auth(C.BW_CALLBACK_AUTH_REFUSED)
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	if status := C.bw_callback_check_auth(cauth, cuser, cpass, &verdict, &cerr); status != C.BW_OK {
		return CallbackAuthRefused, newError(status, &cerr)
	}
	return CallbackAuth(verdict), nil
}

// CallbackChallenge returns the WWW-Authenticate value for the 401 that
// asks Bandwidth for its credentials (bw_callback_challenge):
// `Basic realm="…"`, the realm's `"` and `\` escaped ("" is a fine realm).
// A realm with control characters or anything but ASCII is an *Error with
// Status ErrInvalidArgument, Field "realm".
func CallbackChallenge(realm string) (string, error) {
	var cs cstrings
	defer cs.free()
	crealm := cs.required("realm", realm)
	if cs.err != nil {
		return "", cs.err
	}
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	// A realm short enough for any sane header fits at once; a longer one
	// is written again at the size the first attempt reported.
	out := make([]byte, 256)
	for {
		var needed C.size_t
		status := C.bw_callback_challenge(crealm, (*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &needed, &cerr)
		if status == C.BW_OK {
			return string(out[:needed-1]), nil
		}
		if int(needed) <= len(out) {
			return "", newError(status, &cerr)
		}
		out = make([]byte, needed)
	}
}

// newCallback copies a bw_callback into Go memory; the caller frees c.
func newCallback(c *C.bw_callback) (*Callback, error) {
	// bw_version_compatible guarantees a library at least as new as the
	// header, whose structs have every field read here.
	if c == nil || uintptr(c.struct_size) < C.sizeof_bw_callback {
		return nil, tooSmall("bw_callback")
	}
	cb := &Callback{
		Event:            CallbackEvent(c.event),
		EventType:        C.GoString(c.event_type),
		EventTime:        unixMillis(c.event_time_ms),
		EventTimeText:    C.GoString(c.event_time),
		AccountID:        C.GoString(c.account_id),
		ApplicationID:    C.GoString(c.application_id),
		CallID:           C.GoString(c.call_id),
		CallURL:          C.GoString(c.call_url),
		ParentCallID:     C.GoString(c.parent_call_id),
		ConferenceID:     C.GoString(c.conference_id),
		Name:             C.GoString(c.name),
		From:             C.GoString(c.from),
		To:               C.GoString(c.to),
		Direction:        C.GoString(c.direction),
		Tag:              C.GoString(c.tag),
		EnqueuedTime:     unixMillis(c.enqueued_time_ms),
		EnqueuedTimeText: C.GoString(c.enqueued_time),
		StartTime:        unixMillis(c.start_time_ms),
		StartTimeText:    C.GoString(c.start_time),
		AnswerTime:       unixMillis(c.answer_time_ms),
		AnswerTimeText:   C.GoString(c.answer_time),
		EndTime:          unixMillis(c.end_time_ms),
		EndTimeText:      C.GoString(c.end_time),
		Digits:           C.GoString(c.digits),
		Digit:            C.GoString(c.digit),
		TerminatingDigit: C.GoString(c.terminating_digit),
		Cause:            C.GoString(c.cause),
		ErrorMessage:     C.GoString(c.error_message),
		ErrorID:          C.GoString(c.error_id),
		SIPResponseCode:  max(int(c.sip_response_code), 0),
		SIPCallID:        C.GoString(c.sip_call_id),
		RecordingID:      C.GoString(c.recording_id),
		MediaURL:         C.GoString(c.media_url),
		Duration:         C.GoString(c.duration),
		FileFormat:       C.GoString(c.file_format),
		Channels:         max(int(c.channels), 0),
		Status:           C.GoString(c.status),
		TransferCallerID: C.GoString(c.transfer_caller_id),
		TransferTo:       C.GoString(c.transfer_to),
		Diversion:        keyValues(c.diversion, c.diversion_len),
		StirShaken:       keyValues(c.stir_shaken, c.stir_shaken_len),
		UUI:              C.GoString(c.uui),
		SIPHeaders:       keyValues(c.sip_headers, c.sip_headers_len),
		Reason:           C.GoString(c.reason),
	}
	var ok bool
	if cb.MachineDetectionResult, ok = newMachineDetection(c.machine_detection_result); !ok {
		return nil, tooSmall("bw_callback_machine_detection")
	}
	for _, t := range []struct {
		dst **CallbackTranscription
		src *C.bw_callback_transcription
	}{
		{&cb.Transcription, c.transcription},
		{&cb.RealTimeTranscription, c.real_time_transcription},
		{&cb.OriginalTranscription, c.original_transcription},
	} {
		if *t.dst, ok = newTranscription(t.src); !ok {
			return nil, tooSmall("bw_callback_transcription")
		}
	}
	if cb.MediaStream, ok = newMediaStream(c.media_stream); !ok {
		return nil, tooSmall("bw_callback_media_stream")
	}
	if cb.OriginalMediaStream, ok = newMediaStream(c.original_media_stream); !ok {
		return nil, tooSmall("bw_callback_media_stream")
	}
	return cb, nil
}

// Each nested copy returns nil, true for NULL, and false for a struct
// smaller than this header's.

func newMachineDetection(m *C.bw_callback_machine_detection) (*CallbackMachineDetection, bool) {
	if m == nil {
		return nil, true
	}
	if uintptr(m.struct_size) < C.sizeof_bw_callback_machine_detection {
		return nil, false
	}
	return &CallbackMachineDetection{Value: C.GoString(m.value), Duration: C.GoString(m.duration)}, true
}

func newTranscription(t *C.bw_callback_transcription) (*CallbackTranscription, bool) {
	if t == nil {
		return nil, true
	}
	if uintptr(t.struct_size) < C.sizeof_bw_callback_transcription {
		return nil, false
	}
	return &CallbackTranscription{
		ID:                C.GoString(t.id),
		Name:              C.GoString(t.name),
		Status:            C.GoString(t.status),
		URL:               C.GoString(t.url),
		CompletedTime:     unixMillis(t.completed_time_ms),
		CompletedTimeText: C.GoString(t.completed_time),
		StartTime:         unixMillis(t.start_time_ms),
		StartTimeText:     C.GoString(t.start_time),
		Duration:          C.GoString(t.duration),
		Destination:       C.GoString(t.destination),
		Stabilized:        reportedBool(t.stabilized),
		Tracks:            goStrings(t.tracks, t.tracks_len),
	}, true
}

func newMediaStream(m *C.bw_callback_media_stream) (*CallbackMediaStream, bool) {
	if m == nil {
		return nil, true
	}
	if uintptr(m.struct_size) < C.sizeof_bw_callback_media_stream {
		return nil, false
	}
	return &CallbackMediaStream{
		ID:            C.GoString(m.id),
		Name:          C.GoString(m.name),
		Destination:   C.GoString(m.destination),
		Type:          C.GoString(m.stream_type),
		StartTime:     unixMillis(m.start_time_ms),
		StartTimeText: C.GoString(m.start_time),
		Duration:      C.GoString(m.duration),
		Tracks:        goStrings(m.tracks, m.tracks_len),
	}, true
}

// keyValues copies n bw_key_value pairs (nil for none).
func keyValues(p *C.bw_key_value, n C.size_t) []KeyValue {
	if p == nil || n == 0 {
		return nil
	}
	out := make([]KeyValue, int(n))
	for i, kv := range unsafe.Slice(p, int(n)) {
		out[i] = KeyValue{Key: C.GoString(kv.key), Value: C.GoString(kv.value)}
	}
	return out
}
