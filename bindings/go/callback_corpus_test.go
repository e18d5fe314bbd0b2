package bwvoice_test

// Every callback of tests/data/callbacks/ parses to its X.expected.json,
// field by field. The directory is walked, so a file added there is tested
// with no change here; its README gives the format. Go has "" for an absent
// string and 0 for an absent Channels or SIPResponseCode, so an expected ""
// counts as absent here.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

const corpusDir = "../../tests/data/callbacks"

// corpusEventNames are the BW_CALLBACK_* names without the prefix.
var corpusEventNames = map[bwvoice.CallbackEvent]string{
	bwvoice.CallbackUnknown:                        "UNKNOWN",
	bwvoice.CallbackAnswer:                         "ANSWER",
	bwvoice.CallbackBridgeComplete:                 "BRIDGE_COMPLETE",
	bwvoice.CallbackBridgeTargetComplete:           "BRIDGE_TARGET_COMPLETE",
	bwvoice.CallbackConferenceCreated:              "CONFERENCE_CREATED",
	bwvoice.CallbackConferenceRedirect:             "CONFERENCE_REDIRECT",
	bwvoice.CallbackConferenceMemberJoin:           "CONFERENCE_MEMBER_JOIN",
	bwvoice.CallbackConferenceMemberExit:           "CONFERENCE_MEMBER_EXIT",
	bwvoice.CallbackConferenceCompleted:            "CONFERENCE_COMPLETED",
	bwvoice.CallbackConferenceRecordingAvailable:   "CONFERENCE_RECORDING_AVAILABLE",
	bwvoice.CallbackDisconnect:                     "DISCONNECT",
	bwvoice.CallbackDTMF:                           "DTMF",
	bwvoice.CallbackGather:                         "GATHER",
	bwvoice.CallbackInitiate:                       "INITIATE",
	bwvoice.CallbackMachineDetectionComplete:       "MACHINE_DETECTION_COMPLETE",
	bwvoice.CallbackRecordingComplete:              "RECORDING_COMPLETE",
	bwvoice.CallbackRecordingAvailable:             "RECORDING_AVAILABLE",
	bwvoice.CallbackRedirect:                       "REDIRECT",
	bwvoice.CallbackTranscriptionAvailable:         "TRANSCRIPTION_AVAILABLE",
	bwvoice.CallbackTransferAnswer:                 "TRANSFER_ANSWER",
	bwvoice.CallbackTransferComplete:               "TRANSFER_COMPLETE",
	bwvoice.CallbackTransferDisconnect:             "TRANSFER_DISCONNECT",
	bwvoice.CallbackMediaStreamStarted:             "MEDIA_STREAM_STARTED",
	bwvoice.CallbackMediaStreamStopped:             "MEDIA_STREAM_STOPPED",
	bwvoice.CallbackMediaStreamRejected:            "MEDIA_STREAM_REJECTED",
	bwvoice.CallbackRealTimeTranscriptionStarted:   "REAL_TIME_TRANSCRIPTION_STARTED",
	bwvoice.CallbackRealTimeTranscriptionAvailable: "REAL_TIME_TRANSCRIPTION_AVAILABLE",
	bwvoice.CallbackRealTimeTranscriptionStopped:   "REAL_TIME_TRANSCRIPTION_STOPPED",
	bwvoice.CallbackRealTimeTranscriptionRejected:  "REAL_TIME_TRANSCRIPTION_REJECTED",
}

// corpusView builds the corpus's form of a parse: present fields only.
type corpusView map[string]any

func (v corpusView) text(name, value string) {
	if value != "" {
		v[name] = value
	}
}

func (v corpusView) time(name string, value time.Time, text string) {
	if !value.IsZero() || text != "" {
		v[name] = text
		v[name+"_ms"] = float64(value.UnixMilli())
	}
}

func (v corpusView) number(name string, value int) {
	if value != 0 {
		v[name] = float64(value)
	}
}

func (v corpusView) list(name string, value []string) {
	if len(value) > 0 {
		out := make([]any, len(value))
		for i, s := range value {
			out[i] = s
		}
		v[name] = out
	}
}

func (v corpusView) pairs(name string, value []bwvoice.KeyValue) {
	if len(value) > 0 {
		out := make([]any, len(value))
		for i, kv := range value {
			out[i] = []any{kv.Key, kv.Value}
		}
		v[name] = out
	}
}

func corpusTranscription(t *bwvoice.CallbackTranscription) corpusView {
	v := corpusView{}
	v.text("id", t.ID)
	v.text("name", t.Name)
	v.text("status", t.Status)
	v.text("url", t.URL)
	v.time("completed_time", t.CompletedTime, t.CompletedTimeText)
	v.time("start_time", t.StartTime, t.StartTimeText)
	v.text("duration", t.Duration)
	v.text("destination", t.Destination)
	if t.Stabilized != nil {
		v["stabilized"] = *t.Stabilized
	}
	v.list("tracks", t.Tracks)
	return v
}

func corpusMediaStream(s *bwvoice.CallbackMediaStream) corpusView {
	v := corpusView{}
	v.text("id", s.ID)
	v.text("name", s.Name)
	v.text("destination", s.Destination)
	v.text("stream_type", s.Type)
	v.time("start_time", s.StartTime, s.StartTimeText)
	v.text("duration", s.Duration)
	v.list("tracks", s.Tracks)
	return v
}

func corpusCallback(cb *bwvoice.Callback) corpusView {
	v := corpusView{"event": corpusEventNames[cb.Event], "event_type": cb.EventType}
	v.time("event_time", cb.EventTime, cb.EventTimeText)
	for _, f := range []struct{ name, value string }{
		{"account_id", cb.AccountID}, {"application_id", cb.ApplicationID},
		{"call_id", cb.CallID}, {"call_url", cb.CallURL}, {"parent_call_id", cb.ParentCallID},
		{"conference_id", cb.ConferenceID}, {"name", cb.Name}, {"from", cb.From}, {"to", cb.To},
		{"direction", cb.Direction}, {"tag", cb.Tag}, {"digits", cb.Digits}, {"digit", cb.Digit},
		{"terminating_digit", cb.TerminatingDigit}, {"cause", cb.Cause},
		{"error_message", cb.ErrorMessage}, {"error_id", cb.ErrorID},
		{"recording_id", cb.RecordingID}, {"media_url", cb.MediaURL}, {"duration", cb.Duration},
		{"file_format", cb.FileFormat}, {"status", cb.Status},
		{"transfer_caller_id", cb.TransferCallerID}, {"transfer_to", cb.TransferTo},
		{"uui", cb.UUI}, {"sip_call_id", cb.SIPCallID}, {"reason", cb.Reason},
	} {
		v.text(f.name, f.value)
	}
	v.time("enqueued_time", cb.EnqueuedTime, cb.EnqueuedTimeText)
	v.time("start_time", cb.StartTime, cb.StartTimeText)
	v.time("answer_time", cb.AnswerTime, cb.AnswerTimeText)
	v.time("end_time", cb.EndTime, cb.EndTimeText)
	v.number("sip_response_code", cb.SIPResponseCode)
	v.number("channels", cb.Channels)
	v.pairs("diversion", cb.Diversion)
	v.pairs("stir_shaken", cb.StirShaken)
	v.pairs("sip_headers", cb.SIPHeaders)
	if m := cb.MachineDetectionResult; m != nil {
		md := corpusView{}
		md.text("value", m.Value)
		md.text("duration", m.Duration)
		v["machine_detection_result"] = md
	}
	for name, t := range map[string]*bwvoice.CallbackTranscription{
		"transcription": cb.Transcription, "real_time_transcription": cb.RealTimeTranscription,
		"original_transcription": cb.OriginalTranscription,
	} {
		if t != nil {
			v[name] = corpusTranscription(t)
		}
	}
	for name, s := range map[string]*bwvoice.CallbackMediaStream{
		"media_stream": cb.MediaStream, "original_media_stream": cb.OriginalMediaStream,
	} {
		if s != nil {
			v[name] = corpusMediaStream(s)
		}
	}
	return v
}

// dropEmpty leaves out an expected "": Go cannot tell it from absent.
func dropEmpty(want map[string]any) map[string]any {
	out := map[string]any{}
	for k, val := range want {
		switch x := val.(type) {
		case string:
			if x != "" {
				out[k] = x
			}
		case map[string]any:
			out[k] = dropEmpty(x)
		default:
			out[k] = x
		}
	}
	return out
}

// corpusDiff lists each difference as "path: got X, expected Y".
func corpusDiff(path string, got, want any) []string {
	g, gok := got.(corpusView)
	w, wok := want.(map[string]any)
	if !gok || !wok {
		if !reflect.DeepEqual(got, want) {
			return []string{fmt.Sprintf("%s: got %#v, expected %#v", path, got, want)}
		}
		return nil
	}
	keys := map[string]bool{}
	for k := range g {
		keys[k] = true
	}
	for k := range w {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		at := k
		if path != "" {
			at = path + "." + k
		}
		gv, inGot := g[k]
		wv, inWant := w[k]
		switch {
		case !inWant:
			out = append(out, fmt.Sprintf("%s: got %#v, expected absent", at, gv))
		case !inGot:
			out = append(out, fmt.Sprintf("%s: absent, expected %#v", at, wv))
		default:
			out = append(out, corpusDiff(at, gv, wv)...)
		}
	}
	return out
}

func TestCallbackCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, e := range entries {
		name := e.Name()
		stem, isQuery := strings.CutSuffix(name, ".query")
		if !isQuery {
			var isJSON bool
			stem, isJSON = strings.CutSuffix(name, ".json")
			if !isJSON || strings.HasSuffix(stem, ".expected") {
				continue
			}
		}
		ran++
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(corpusDir, stem+".expected.json"))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var want map[string]any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s.expected.json: %v", stem, err)
			}
			input, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatal(err)
			}
			var cb *bwvoice.Callback
			if isQuery {
				// The file's final newline is not part of the query string.
				cb, err = bwvoice.ParseCallbackQuery(strings.TrimRight(string(input), "\r\n"))
			} else {
				cb, err = bwvoice.ParseCallback(input)
			}
			if err != nil {
				t.Fatalf("%s: did not parse: %v", name, err)
			}
			for _, d := range corpusDiff("", corpusCallback(cb), dropEmpty(want)) {
				t.Errorf("%s: %s", name, d)
			}
		})
	}
	if ran < 40 {
		t.Fatalf("only %d corpus files in %s", ran, corpusDir)
	}
}
