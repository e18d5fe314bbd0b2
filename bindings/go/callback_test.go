package bwvoice_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// callFields are what every call event in these tests carries.
var callFields = map[string]any{
	"eventTime":     "2023-03-04T10:01:00.000Z",
	"accountId":     "9911223",
	"applicationId": "a0b1c2d3-0000-4000-8000-000000000001",
	"from":          "+19195550111",
	"to":            "+19195550122",
	"direction":     "outbound",
	"callId":        "c-aaaa1111",
	"callUrl":       "https://voice.example/accounts/9911223/calls/c-aaaa1111",
	"enqueuedTime":  "2023-03-04T10:00:00.500Z",
	"startTime":     "2023-03-04T10:00:01Z",
	"answerTime":    "2023-03-04T12:00:05.250+02:00",
	"tag":           "campaign-7",
}

// callbackJSON is a callback body: callFields, eventType and extra.
func callbackJSON(t testing.TB, eventType string, extra map[string]any) []byte {
	t.Helper()
	body := map[string]any{"eventType": eventType}
	for k, v := range callFields {
		body[k] = v
	}
	for k, v := range extra {
		body[k] = v
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseOK(t testing.TB, body []byte) *bwvoice.Callback {
	t.Helper()
	cb, err := bwvoice.ParseCallback(body)
	if err != nil {
		t.Fatalf("ParseCallback(%s): %v", body, err)
	}
	return cb
}

var (
	stream = map[string]any{
		"id": "s-5e6f", "name": "agent-audio", "destination": "wss://media.example/in",
		"type": "WebSocket", "startTime": "2023-03-04T10:00:10Z", "duration": "PT1M2.5S",
		"tracks": []string{"inbound", "outbound"},
	}
	liveTranscription = map[string]any{
		"id": "t-77", "name": "live", "status": "available", "url": "https://voice.example/t-77",
		"completedTime": "2023-03-04T10:05:00Z", "destination": "wss://stt.example",
		"stabilized": "true", "tracks": []string{"inbound"},
	}
)

func TestParseCallbackEveryEvent(t *testing.T) {
	recording := map[string]any{
		"recordingId": "r-1f2e", "channels": 2, "duration": "PT13.67S", "fileFormat": "wav",
		"mediaUrl": "https://voice.example/recordings/r-1f2e/media", "status": "complete",
		"endTime": "2023-03-04T10:00:20Z",
	}
	transfer := map[string]any{"transferCallerId": "Anonymous", "transferTo": "+19195550133", "parentCallId": "c-parent"}
	cases := []struct {
		eventType string
		want      bwvoice.CallbackEvent
		extra     map[string]any
		check     func(t *testing.T, cb *bwvoice.Callback)
	}{
		{"answer", bwvoice.CallbackAnswer, nil, nil},
		{"bridgeComplete", bwvoice.CallbackBridgeComplete, map[string]any{"cause": "hangup"}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Cause, "hangup")
		}},
		{"bridgeTargetComplete", bwvoice.CallbackBridgeTargetComplete, nil, nil},
		{"conferenceCreated", bwvoice.CallbackConferenceCreated, map[string]any{"conferenceId": "conf-0a1b", "name": "weekly-sync"},
			func(t *testing.T, cb *bwvoice.Callback) {
				equal(t, cb.ConferenceID, "conf-0a1b")
				equal(t, cb.Name, "weekly-sync")
			}},
		{"conferenceRedirect", bwvoice.CallbackConferenceRedirect, nil, nil},
		{"conferenceMemberJoin", bwvoice.CallbackConferenceMemberJoin, nil, nil},
		{"conferenceMemberExit", bwvoice.CallbackConferenceMemberExit, nil, nil},
		{"conferenceCompleted", bwvoice.CallbackConferenceCompleted, nil, nil},
		{"conferenceRecordingAvailable", bwvoice.CallbackConferenceRecordingAvailable, recording, nil},
		{"disconnect", bwvoice.CallbackDisconnect, map[string]any{
			"cause": "rejected", "errorMessage": "Call rejected", "errorId": "e-1", "sipResponseCode": 603,
			"sipCallId": "x@sbc", "endTime": "2023-03-04T10:03:00Z",
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.SIPResponseCode, 603)
			equal(t, cb.ErrorMessage, "Call rejected")
			equal(t, cb.ErrorID, "e-1")
			equal(t, cb.SIPCallID, "x@sbc")
			equal(t, cb.EndTime, time.Date(2023, 3, 4, 10, 3, 0, 0, time.UTC))
		}},
		{"dtmf", bwvoice.CallbackDTMF, map[string]any{"digit": "#"}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Digit, "#")
		}},
		{"gather", bwvoice.CallbackGather, map[string]any{"digits": "1234", "terminatingDigit": "#"}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Digits, "1234")
			equal(t, cb.TerminatingDigit, "#")
		}},
		{"initiate", bwvoice.CallbackInitiate, map[string]any{
			"diversion":  map[string]any{"reason": "no-answer", "origTo": "+19195550166", "limit": 5, "screen": nil},
			"stirShaken": map[string]any{"verstat": "TN-Validation-Passed", "attestationIndicator": "B"},
			"sipHeaders": map[string]any{"x-trace": "t 1", "x-account-ref": "A-17"},
			"uui":        "aGVsbG8;encoding=base64",
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Diversion, []bwvoice.KeyValue{{"limit", "5"}, {"origTo", "+19195550166"}, {"reason", "no-answer"}})
			equal(t, cb.StirShaken, []bwvoice.KeyValue{{"attestationIndicator", "B"}, {"verstat", "TN-Validation-Passed"}})
			equal(t, cb.SIPHeaders, []bwvoice.KeyValue{{"x-account-ref", "A-17"}, {"x-trace", "t 1"}})
			equal(t, cb.UUI, "aGVsbG8;encoding=base64")
		}},
		{"machineDetectionComplete", bwvoice.CallbackMachineDetectionComplete, map[string]any{
			"machineDetectionResult": map[string]any{"value": "answering-machine", "duration": "PT4.98S"},
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.MachineDetectionResult, &bwvoice.CallbackMachineDetection{Value: "answering-machine", Duration: "PT4.98S"})
		}},
		{"recordingComplete", bwvoice.CallbackRecordingComplete, recording, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.RecordingID, "r-1f2e")
			equal(t, cb.Channels, 2)
			equal(t, cb.Duration, "PT13.67S")
			equal(t, cb.FileFormat, "wav")
			equal(t, cb.MediaURL, "https://voice.example/recordings/r-1f2e/media")
			equal(t, cb.Status, "complete")
		}},
		{"recordComplete", bwvoice.CallbackRecordingComplete, recording, nil},
		{"recordingAvailable", bwvoice.CallbackRecordingAvailable, recording, nil},
		{"redirect", bwvoice.CallbackRedirect, nil, nil},
		{"transcriptionAvailable", bwvoice.CallbackTranscriptionAvailable, map[string]any{
			"transcription": map[string]any{"id": "t-9a8b", "status": "available", "url": "https://voice.example/t-9a8b",
				"completedTime": "2023-03-04T10:01:30.125Z"},
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Transcription, &bwvoice.CallbackTranscription{
				ID: "t-9a8b", Status: "available", URL: "https://voice.example/t-9a8b",
				CompletedTime:     time.Date(2023, 3, 4, 10, 1, 30, 125e6, time.UTC),
				CompletedTimeText: "2023-03-04T10:01:30.125Z",
			})
		}},
		{"transferAnswer", bwvoice.CallbackTransferAnswer, transfer, nil},
		{"transferComplete", bwvoice.CallbackTransferComplete, transfer, nil},
		{"transferDisconnect", bwvoice.CallbackTransferDisconnect, transfer, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.TransferCallerID, "Anonymous")
			equal(t, cb.TransferTo, "+19195550133")
			equal(t, cb.ParentCallID, "c-parent")
		}},
		{"mediaStreamStarted", bwvoice.CallbackMediaStreamStarted, map[string]any{"mediaStream": stream},
			func(t *testing.T, cb *bwvoice.Callback) {
				equal(t, cb.MediaStream, &bwvoice.CallbackMediaStream{
					ID: "s-5e6f", Name: "agent-audio", Destination: "wss://media.example/in", Type: "WebSocket",
					StartTime: time.Date(2023, 3, 4, 10, 0, 10, 0, time.UTC), StartTimeText: "2023-03-04T10:00:10Z",
					Duration: "PT1M2.5S", Tracks: []string{"inbound", "outbound"},
				})
			}},
		{"mediaStreamStopped", bwvoice.CallbackMediaStreamStopped, map[string]any{"mediaStream": stream, "cause": "closed"}, nil},
		{"mediaStreamRejected", bwvoice.CallbackMediaStreamRejected, map[string]any{
			"mediaStream": stream, "originalStreamInfo": stream, "rejectReason": "Duplicate Stream",
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.Reason, "Duplicate Stream")
			equal(t, cb.OriginalMediaStream, cb.MediaStream)
		}},
		{"realTimeTranscriptionStarted", bwvoice.CallbackRealTimeTranscriptionStarted, map[string]any{"realTimeTranscription": liveTranscription},
			func(t *testing.T, cb *bwvoice.Callback) {
				tr := cb.RealTimeTranscription
				if tr == nil || tr.Stabilized == nil || !*tr.Stabilized {
					t.Fatalf("RealTimeTranscription = %+v, want stabilized", tr)
				}
				equal(t, tr.Tracks, []string{"inbound"})
				equal(t, tr.Destination, "wss://stt.example")
			}},
		{"realTimeTranscriptionAvailable", bwvoice.CallbackRealTimeTranscriptionAvailable, map[string]any{"realtimeTranscription": liveTranscription}, nil},
		{"realtimeTranscriptionStarted", bwvoice.CallbackRealTimeTranscriptionStarted, nil, nil},
		{"realTimeTranscriptionStopped", bwvoice.CallbackRealTimeTranscriptionStopped, nil, nil},
		{"realTimeTranscriptionRejected", bwvoice.CallbackRealTimeTranscriptionRejected, map[string]any{
			"realTimeTranscription": liveTranscription, "originalTranscription": liveTranscription,
		}, func(t *testing.T, cb *bwvoice.Callback) {
			equal(t, cb.OriginalTranscription, cb.RealTimeTranscription)
			equal(t, cb.OriginalTranscription.Name, "live")
		}},
		{"somethingBandwidthAddsLater", bwvoice.CallbackUnknown, map[string]any{"newField": []int{1}}, nil},
	}
	seen := map[bwvoice.CallbackEvent]bool{}
	for _, c := range cases {
		t.Run(c.eventType, func(t *testing.T) {
			cb := parseOK(t, callbackJSON(t, c.eventType, c.extra))
			seen[cb.Event] = true
			equal(t, cb.Event, c.want)
			equal(t, cb.EventType, c.eventType)
			equal(t, cb.EventTime, time.Date(2023, 3, 4, 10, 1, 0, 0, time.UTC))
			equal(t, cb.EventTimeText, "2023-03-04T10:01:00.000Z")
			equal(t, cb.AccountID, "9911223")
			equal(t, cb.ApplicationID, "a0b1c2d3-0000-4000-8000-000000000001")
			equal(t, cb.From, "+19195550111")
			equal(t, cb.To, "+19195550122")
			equal(t, cb.Direction, bwvoice.DirectionOutbound)
			equal(t, cb.CallID, "c-aaaa1111")
			equal(t, cb.CallURL, "https://voice.example/accounts/9911223/calls/c-aaaa1111")
			equal(t, cb.Tag, "campaign-7")
			equal(t, cb.EnqueuedTime, time.Date(2023, 3, 4, 10, 0, 0, 500e6, time.UTC))
			equal(t, cb.StartTime, time.Date(2023, 3, 4, 10, 0, 1, 0, time.UTC))
			// An offset other than Z: the instant in UTC, the text as sent.
			equal(t, cb.AnswerTime, time.Date(2023, 3, 4, 10, 0, 5, 250e6, time.UTC))
			equal(t, cb.AnswerTimeText, "2023-03-04T12:00:05.250+02:00")
			if c.check != nil {
				c.check(t, cb)
			}
		})
	}
	// Every constant from CallbackUnknown to the last one was produced.
	for e := bwvoice.CallbackUnknown; e <= bwvoice.CallbackRealTimeTranscriptionRejected; e++ {
		if !seen[e] {
			t.Errorf("no case produced event %d", e)
		}
	}
}

func TestParseCallbackAbsentFields(t *testing.T) {
	cb := parseOK(t, []byte(`{"eventType":"answer","digits":"","channels":null,"transcription":null}`))
	want := &bwvoice.Callback{Event: bwvoice.CallbackAnswer, EventType: "answer"}
	equal(t, cb, want)
	if !cb.EventTime.IsZero() || cb.MachineDetectionResult != nil || cb.Diversion != nil {
		t.Fatalf("absent fields set: %+v", cb)
	}
	// machineDetectionResult sent as plain text, as one documented example does.
	cb = parseOK(t, []byte(`{"eventType":"machineDetectionComplete","machineDetectionResult":"human"}`))
	equal(t, cb.MachineDetectionResult, &bwvoice.CallbackMachineDetection{Value: "human"})
}

func TestParseCallbackQuery(t *testing.T) {
	for _, prefix := range []string{"", "?"} {
		cb, err := bwvoice.ParseCallbackQuery(prefix + "eventType=gather&eventTime=2023-03-04T10%3A01%3A00Z" +
			"&callId=c-1&from=%2B19195550111&digits=12&terminatingDigit=&tag=a+b" +
			"&machineDetectionResult.value=human&diversion.origTo=%2B15551234567" +
			"&mediaStream.tracks=inbound,outbound&channels=&sipResponseCode=486")
		if err != nil {
			t.Fatalf("ParseCallbackQuery: %v", err)
		}
		equal(t, cb.Event, bwvoice.CallbackGather)
		equal(t, cb.EventTime, time.Date(2023, 3, 4, 10, 1, 0, 0, time.UTC))
		equal(t, cb.From, "+19195550111")
		equal(t, cb.Digits, "12")
		equal(t, cb.Tag, "a b")
		equal(t, cb.Channels, 0)
		equal(t, cb.SIPResponseCode, 486)
		equal(t, cb.MachineDetectionResult.Value, "human")
		equal(t, cb.Diversion, []bwvoice.KeyValue{{"origTo", "+15551234567"}})
		equal(t, cb.MediaStream.Tracks, []string{"inbound", "outbound"})
	}
}

func TestParseCallbackErrors(t *testing.T) {
	cases := []struct {
		name, body, field string
	}{
		{"empty", ``, "body"},
		{"not JSON", `eventType=answer`, "body"},
		{"not an object", `["answer"]`, "body"},
		{"no eventType", `{"callId":"c-1"}`, "event_type"},
		{"null eventType", `{"eventType":null}`, "event_type"},
		{"bad time", `{"eventType":"answer","eventTime":"yesterday"}`, "event_time"},
		{"negative channels", `{"eventType":"recordingAvailable","channels":-1}`, "channels"},
		{"huge channels", `{"eventType":"recordingAvailable","channels":99999999999}`, "channels"},
		{"wrong type", `{"eventType":"answer","callId":7}`, "call_id"},
		{"repeated key", `{"eventType":"answer","callId":"a","callId":"b"}`, "call_id"},
		{"NUL in a string", `{"eventType":"answer","tag":"a\u0000b"}`, "tag"},
		{"two spellings", `{"eventType":"mediaStreamRejected","reason":"a","rejectReason":"b"}`, "reason"},
		{"nested", `{"eventType":"transcriptionAvailable","transcription":{"completedTime":"soon"}}`, "transcription"},
		{"too deep", strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000), "body"},
		{"over 64 KiB", `{"eventType":"answer","tag":"` + strings.Repeat("x", bwvoice.MaxCallbackBytes) + `"}`, "body"},
		{"not UTF-8", "{\"eventType\":\"answer\",\"tag\":\"\xff\"}", "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cb, err := bwvoice.ParseCallback([]byte(c.body))
			if cb != nil {
				t.Fatalf("callback %+v on an error", cb)
			}
			checkInvalid(t, err, c.field)
			if len(err.Error()) > 512 || strings.Contains(err.Error(), "\n") {
				t.Fatalf("message not one short line: %q", err)
			}
		})
	}
	// A value never shows in a message, even a wrong one.
	_, err := bwvoice.ParseCallback([]byte(`{"eventType":"answer","eventTime":"secret-value-1234"}`))
	if err == nil || strings.Contains(err.Error(), "secret-value-1234") {
		t.Fatalf("err = %v", err)
	}
	for _, q := range []string{"callId=c-1", "eventType=answer&channels=two", "eventType=answer\x00"} {
		_, err := bwvoice.ParseCallbackQuery(q)
		var e *bwvoice.Error
		if !errors.As(err, &e) || !errors.Is(err, bwvoice.ErrInvalidArgument) || e.Field == "" {
			t.Fatalf("ParseCallbackQuery(%q) = %v", q, err)
		}
	}
}

func TestCheckCallbackAuth(t *testing.T) {
	basic := func(s string) string { return "Basic " + b64(s) }
	cases := []struct {
		header string
		want   bwvoice.CallbackAuth
	}{
		{"", bwvoice.CallbackAuthChallenge},
		{"Bearer abc", bwvoice.CallbackAuthChallenge},
		{basic("bw-user:s3cret:with:colons"), bwvoice.CallbackAuthOK},
		{"  bAsIc   " + b64("bw-user:s3cret:with:colons") + " ", bwvoice.CallbackAuthOK},
		{basic("bw-user:wrong"), bwvoice.CallbackAuthRefused},
		{basic("other:s3cret:with:colons"), bwvoice.CallbackAuthRefused},
		{basic("no colon"), bwvoice.CallbackAuthRefused},
		{"Basic !!!not-base64", bwvoice.CallbackAuthRefused},
		{"Basic", bwvoice.CallbackAuthRefused},
	}
	for _, c := range cases {
		got, err := bwvoice.CheckCallbackAuth(c.header, "bw-user", "s3cret:with:colons")
		if err != nil || got != c.want {
			t.Errorf("CheckCallbackAuth(%q) = %v, %v; want %v", c.header, got, err, c.want)
		}
	}
	for _, creds := range [][2]string{{"", "p"}, {"u", ""}, {"u\x00", "p"}} {
		got, err := bwvoice.CheckCallbackAuth(basic("u:p"), creds[0], creds[1])
		if got != bwvoice.CallbackAuthRefused || !errors.Is(err, bwvoice.ErrInvalidArgument) {
			t.Errorf("CheckCallbackAuth with %q = %v, %v", creds, got, err)
		}
	}
	_, err := bwvoice.CheckCallbackAuth(basic("u:p"), "", "p")
	checkInvalid(t, err, "username")
	_, err = bwvoice.CheckCallbackAuth(basic("u:p"), "u", "")
	checkInvalid(t, err, "password")
}

func TestCallbackChallenge(t *testing.T) {
	for realm, want := range map[string]string{
		"":                        `Basic realm=""`,
		"voice":                   `Basic realm="voice"`,
		`a "quoted" \ one`:        `Basic realm="a \"quoted\" \\ one"`,
		strings.Repeat("r", 1000): `Basic realm="` + strings.Repeat("r", 1000) + `"`,
	} {
		got, err := bwvoice.CallbackChallenge(realm)
		if err != nil || got != want {
			t.Errorf("CallbackChallenge(%q) = %q, %v; want %q", realm, got, err, want)
		}
	}
	for _, realm := range []string{"line\nbreak", "café", "nul\x00"} {
		_, err := bwvoice.CallbackChallenge(realm)
		checkInvalid(t, err, "realm")
	}
}

func checkInvalid(t testing.TB, err error, field string) {
	t.Helper()
	var e *bwvoice.Error
	if !errors.As(err, &e) || !errors.Is(err, bwvoice.ErrInvalidArgument) {
		t.Fatalf("err = %#v, want an *Error with ErrInvalidArgument", err)
	}
	if e.Field != field {
		t.Fatalf("Field = %q, want %q (%v)", e.Field, field, e)
	}
}

func equal[T any](t testing.TB, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
