package bwvoice_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// fullCreateCall sets every parameter of createCall. Its webhooks have
// credentials, so they are https (which the simulator does not deliver:
// the call then ends with callback-error, which this test does not mind).
func fullCreateCall() bwvoice.CreateCallRequest {
	return bwvoice.CreateCallRequest{
		To:                   "+15551230001",
		From:                 "+15559870001",
		ApplicationID:        "app-1",
		AnswerURL:            "https://127.0.0.1:1/answer",
		AnswerMethod:         bwvoice.MethodGET,
		Username:             "hook-user",
		Password:             "hook-secret",
		AnswerFallbackURL:    "https://127.0.0.1:1/fallback",
		AnswerFallbackMethod: bwvoice.MethodPOST,
		FallbackUsername:     "fb-user",
		FallbackPassword:     "fb-secret",
		DisconnectURL:        "http://127.0.0.1:1/disconnect",
		DisconnectMethod:     bwvoice.MethodGET,
		Privacy:              bwvoice.Bool(true),
		DisplayName:          "Anonymous",
		UUI:                  "bXkgdXVp;encoding=base64,0aff;purpose=isdn-uui;encoding=hex",
		CallTimeout:          45500 * time.Millisecond,
		CallbackTimeout:      10 * time.Second,
		Priority:             2,
		Tag:                  `order-17 "é"`,
		MachineDetection: &bwvoice.MachineDetection{
			Mode:                      bwvoice.MachineDetectionAsync,
			DetectionTimeout:          15 * time.Second,
			SilenceTimeout:            10 * time.Second,
			SpeechThreshold:           9 * time.Second,
			SpeechEndThreshold:        5 * time.Second,
			MachineSpeechEndThreshold: 3 * time.Second,
			DelayResult:               bwvoice.Bool(false),
			CallbackURL:               "http://127.0.0.1:1/amd",
			CallbackMethod:            bwvoice.MethodPOST,
			Username:                  "amd-user",
			Password:                  "amd-secret",
			FallbackURL:               "http://127.0.0.1:1/amd-fallback",
			FallbackMethod:            bwvoice.MethodGET,
			FallbackUsername:          "amd-fb-user",
			FallbackPassword:          "amd-fb-secret",
		},
	}
}

// Every parameter reaches the wire, and every field of the answer comes back.
func TestCreateCallEveryField(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	created, err := c.CreateCall(context.Background(), acct, fullCreateCall())
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/api/v2/accounts/"+acct+"/calls" || r.Status != 201 ||
		!strings.HasPrefix(r.Headers["content-type"], "application/json") {
		t.Errorf("got %s %s -> %d (%s)", r.Method, r.Path, r.Status, r.Headers["content-type"])
	}
	checkJSON(t, "createCall", r.Body, map[string]any{
		"to": "+15551230001", "from": "+15559870001", "applicationId": "app-1",
		"answerUrl": "https://127.0.0.1:1/answer", "answerMethod": "GET",
		"username": "hook-user", "password": "hook-secret",
		"answerFallbackUrl": "https://127.0.0.1:1/fallback", "answerFallbackMethod": "POST",
		"fallbackUsername": "fb-user", "fallbackPassword": "fb-secret",
		"disconnectUrl": "http://127.0.0.1:1/disconnect", "disconnectMethod": "GET",
		"privacy": true, "displayName": "Anonymous",
		"uui":         "bXkgdXVp;encoding=base64,0aff;purpose=isdn-uui;encoding=hex",
		"callTimeout": 45.5, "callbackTimeout": 10, "priority": 2, "tag": `order-17 "é"`,
		"machineDetection": map[string]any{
			"mode": "async", "detectionTimeout": 15, "silenceTimeout": 10, "speechThreshold": 9,
			"speechEndThreshold": 5, "machineSpeechEndThreshold": 3, "delayResult": false,
			"callbackUrl": "http://127.0.0.1:1/amd", "callbackMethod": "POST",
			"username": "amd-user", "password": "amd-secret",
			"fallbackUrl": "http://127.0.0.1:1/amd-fallback", "fallbackMethod": "GET",
			"fallbackUsername": "amd-fb-user", "fallbackPassword": "amd-fb-secret",
		},
	})
	// Whole seconds are written as integers.
	if !strings.Contains(r.Body, `"callbackTimeout":10,`) || !strings.Contains(r.Body, `"detectionTimeout":15,`) {
		t.Errorf("whole seconds written with a fraction: %s", r.Body)
	}

	if !strings.HasPrefix(created.CallID, "c-") {
		t.Fatalf("CallID %q", created.CallID)
	}
	want := bwvoice.CreatedCall{
		CallID: created.CallID, AccountID: acct, ApplicationID: "app-1",
		To: "+15551230001", From: "+15559870001",
		CallURL:      shared.apiURL() + "/accounts/" + acct + "/calls/" + created.CallID,
		EnqueuedTime: created.EnqueuedTime,
		CallTimeout:  45500 * time.Millisecond, CallbackTimeout: 10 * time.Second, Priority: 2,
		Tag:       `order-17 "é"`,
		AnswerURL: "https://127.0.0.1:1/answer", AnswerMethod: "GET",
		AnswerFallbackURL: "https://127.0.0.1:1/fallback", AnswerFallbackMethod: "POST",
		DisconnectURL: "http://127.0.0.1:1/disconnect", DisconnectMethod: "GET",
		Username: "hook-user", Password: "*****", FallbackUsername: "fb-user", FallbackPassword: "*****",
	}
	if *created != want {
		t.Errorf("CreatedCall\n got %#v\nwant %#v", *created, want)
	}
	if since := time.Since(created.EnqueuedTime); since < -time.Minute || since > time.Minute {
		t.Errorf("EnqueuedTime %v is not about now", created.EnqueuedTime)
	}
	if created.EnqueuedTime.Location() != time.UTC {
		t.Errorf("EnqueuedTime %v is not UTC", created.EnqueuedTime)
	}
	st := shared.call(t, created.CallID)
	if st.AccountID != acct || str(st.Direction) != "outbound" || str(st.To) != "+15551230001" {
		t.Errorf("simulator's call: %+v", st)
	}
}

// The four required fields alone: the answer carries Bandwidth's defaults,
// the call is answered (the simulator's default outbound setting) and the
// answer event reaches AnswerURL with the tag.
func TestCreateCallRequiredFieldsAndAnswer(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	answer := shared.appURL("answer-" + acct)
	created, err := c.CreateCall(context.Background(), acct, bwvoice.CreateCallRequest{
		To: "sip:alice@127.0.0.1", From: "+15559870002", ApplicationID: "app-2", AnswerURL: answer, Tag: "t-1",
	})
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 1 {
		t.Fatalf("got %d requests", len(reqs))
	}
	wantBody := `{"to":"sip:alice@127.0.0.1","from":"+15559870002","applicationId":"app-2","answerUrl":"` + answer + `","tag":"t-1"}`
	if reqs[0].Body != wantBody {
		t.Errorf("body\n got %s\nwant %s", reqs[0].Body, wantBody)
	}
	if created.CallTimeout != 30*time.Second || created.CallbackTimeout != 15*time.Second || created.Priority != 5 ||
		created.AnswerMethod != "POST" || created.Username != "" || created.Password != "" || created.DisconnectURL != "" {
		t.Errorf("defaults: %+v", created)
	}
	shared.waitCallState(t, created.CallID, "answered")
	d := shared.waitDelivery(t, "answer", created.CallID)
	var event map[string]any
	if err := json.Unmarshal([]byte(d.Body), &event); err != nil || event["tag"] != "t-1" || d.URL != answer || d.Status != 200 {
		t.Errorf("answer delivery %+v (%v)", d, err)
	}
	st, err := c.GetCallState(context.Background(), acct, created.CallID)
	if err != nil || st.State != bwvoice.StateAnswered || st.Direction != bwvoice.DirectionOutbound {
		t.Errorf("GetCallState: %+v, %v", st, err)
	}
}

// A 500 may have placed the call: never re-sent, even with
// RetryNonIdempotent, and reported as possibly applied. So is a 503 (a
// proxy may answer it after passing the request on). A 429 certainly was
// not applied: retried.
func TestCreateCallNeverResent(t *testing.T) {
	t.Parallel()
	opts := shared.basicOptions()
	opts.RetryNonIdempotent = true
	opts.MaxAttempts = 5
	for _, status := range []int{500, 503} {
		acct := accountID(t)
		c := shared.client(t, opts)
		shared.fault(t, fault{Match: acct, Route: "calls", Method: "POST", Status: status, Count: 5})
		created, err := c.CreateCall(context.Background(), acct, bwvoice.CreateCallRequest{
			To: "+15551230003", From: "+15559870003", ApplicationID: "app-3", AnswerURL: shared.appURL("a"),
		})
		if created != nil {
			t.Errorf("%d: a created call with the error", status)
		}
		e := asError(t, err, bwvoice.ErrServer)
		if !e.MaybeApplied || e.Attempts != 1 || e.HTTPStatus != status {
			t.Errorf("%d: MaybeApplied %v Attempts %d HTTPStatus %d", status, e.MaybeApplied, e.Attempts, e.HTTPStatus)
		}
		if reqs := shared.accountRequests(t, acct); len(reqs) != 1 {
			t.Errorf("%d: %d requests, want exactly 1", status, len(reqs))
		}
	}

	acct := accountID(t)
	c := shared.client(t, opts)
	shared.fault(t, fault{Match: acct, Route: "calls", Method: "POST", Status: 429, Headers: map[string]string{"Retry-After": "0"}})
	created, err := c.CreateCall(context.Background(), acct, bwvoice.CreateCallRequest{
		To: "+15551230003", From: "+15559870003", ApplicationID: "app-3", AnswerURL: shared.appURL("a"),
	})
	if err != nil || created.CallID == "" {
		t.Fatalf("after a 429: %v", err)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 2 || reqs[0].Status != 429 || reqs[1].Status != 201 {
		t.Errorf("after a 429: %+v", reqs)
	}
}

// The core validates every rule; nothing is sent on a bad field.
func TestCreateCallValidation(t *testing.T) {
	t.Parallel()
	checkRefusedSendNothing(t, func(ctx context.Context, c *bwvoice.Client, acct, _, next string) []refusal {
		with := func(change func(r *bwvoice.CreateCallRequest)) error {
			r := bwvoice.CreateCallRequest{To: "+15551230004", From: "+15559870004", ApplicationID: "app", AnswerURL: next}
			change(&r)
			created, err := c.CreateCall(ctx, acct, r)
			if created != nil && err != nil {
				t.Errorf("CreateCall returned a call with its error")
			}
			return err
		}
		md := func(change func(d *bwvoice.MachineDetection)) error {
			return with(func(r *bwvoice.CreateCallRequest) {
				r.MachineDetection = &bwvoice.MachineDetection{CallbackURL: next}
				change(r.MachineDetection)
			})
		}
		return []refusal{
			{"to", with(func(r *bwvoice.CreateCallRequest) { r.To = "" })},
			{"to", with(func(r *bwvoice.CreateCallRequest) { r.To = "5551230004" })},
			{"to", with(func(r *bwvoice.CreateCallRequest) { r.To = "+0551230004" })},
			{"to", with(func(r *bwvoice.CreateCallRequest) { r.To = "sip:alice at example" })},
			{"from", with(func(r *bwvoice.CreateCallRequest) { r.From = "sip:bob@example.com" })},
			{"from", with(func(r *bwvoice.CreateCallRequest) { r.From = "+1555123000412345" })},
			{"application_id", with(func(r *bwvoice.CreateCallRequest) { r.ApplicationID = "" })},
			{"answer_url", with(func(r *bwvoice.CreateCallRequest) { r.AnswerURL = "" })},
			{"answer_url", with(func(r *bwvoice.CreateCallRequest) { r.AnswerURL = "/relative" })},
			{"answer_url", with(func(r *bwvoice.CreateCallRequest) { r.AnswerURL = "ftp://app.example/a" })},
			{"answer_url", with(func(r *bwvoice.CreateCallRequest) { r.Username, r.Password = "u", "p" })},
			{"answer_fallback_url", with(func(r *bwvoice.CreateCallRequest) {
				r.AnswerFallbackURL, r.FallbackUsername, r.FallbackPassword = next, "u", "p"
			})},
			{"password", with(func(r *bwvoice.CreateCallRequest) { r.AnswerURL, r.Username = "https://app.example/a", "u" })},
			{"username", with(func(r *bwvoice.CreateCallRequest) {
				r.AnswerURL, r.Username, r.Password = "https://app.example/a", strings.Repeat("u", 1025), "p"
			})},
			{"answer_method", with(func(r *bwvoice.CreateCallRequest) { r.AnswerMethod = bwvoice.Method(9) })},
			{"disconnect_method", with(func(r *bwvoice.CreateCallRequest) { r.DisconnectMethod = bwvoice.Method(-1) })},
			{"display_name", with(func(r *bwvoice.CreateCallRequest) { r.Privacy, r.DisplayName = bwvoice.Bool(true), "Bob" })},
			{"display_name", with(func(r *bwvoice.CreateCallRequest) { r.DisplayName = strings.Repeat("n", 257) })},
			{"display_name", with(func(r *bwvoice.CreateCallRequest) { r.DisplayName = "Bob\tSmith" })},
			{"uui", with(func(r *bwvoice.CreateCallRequest) { r.UUI = "abcd" })},
			{"uui", with(func(r *bwvoice.CreateCallRequest) { r.UUI = "xyz;encoding=hex" })},
			{"uui", with(func(r *bwvoice.CreateCallRequest) { r.UUI = "abcd;encoding=rot13" })},
			{"uui", with(func(r *bwvoice.CreateCallRequest) { r.UUI = strings.Repeat("ab", 175) + ";encoding=hex" })},
			{"call_timeout", with(func(r *bwvoice.CreateCallRequest) { r.CallTimeout = 301 * time.Second })},
			{"call_timeout", with(func(r *bwvoice.CreateCallRequest) { r.CallTimeout = 500 * time.Millisecond })},
			{"call_timeout", with(func(r *bwvoice.CreateCallRequest) { r.CallTimeout = -time.Second })},
			{"callback_timeout", with(func(r *bwvoice.CreateCallRequest) { r.CallbackTimeout = 26 * time.Second })},
			{"priority", with(func(r *bwvoice.CreateCallRequest) { r.Priority = 6 })},
			{"priority", with(func(r *bwvoice.CreateCallRequest) { r.Priority = -1 })},
			{"tag", with(func(r *bwvoice.CreateCallRequest) { r.Tag = strings.Repeat("t", 4097) })},
			{"tag", with(func(r *bwvoice.CreateCallRequest) { r.Tag = "a\x00b" })},
			{"machine_detection.detection_timeout", md(func(d *bwvoice.MachineDetection) { d.DetectionTimeout = 2500 * time.Millisecond })},
			{"machine_detection.silence_timeout", md(func(d *bwvoice.MachineDetection) { d.SilenceTimeout = time.Second / 2 })},
			{"machine_detection.speech_threshold", md(func(d *bwvoice.MachineDetection) { d.SpeechThreshold = -3 * time.Second })},
			{"machine_detection.speech_end_threshold", md(func(d *bwvoice.MachineDetection) { d.SpeechEndThreshold = 1001 * time.Millisecond })},
			{"machine_detection.machine_speech_end_threshold", md(func(d *bwvoice.MachineDetection) { d.MachineSpeechEndThreshold = 1500 * time.Millisecond })},
			{"machine_detection.mode", md(func(d *bwvoice.MachineDetection) { d.Mode = bwvoice.MachineDetectionMode(7) })},
			{"machine_detection.callback_url", md(func(d *bwvoice.MachineDetection) { d.CallbackURL = "" })},
			{"machine_detection.callback_url", md(func(d *bwvoice.MachineDetection) { d.Mode = bwvoice.MachineDetectionSync })},
			{"machine_detection.callback_method", md(func(d *bwvoice.MachineDetection) { d.CallbackMethod = bwvoice.Method(3) })},
			{"machine_detection.fallback_url", md(func(d *bwvoice.MachineDetection) { d.FallbackURL = "mailto:x@example.com" })},
			{"machine_detection.password", md(func(d *bwvoice.MachineDetection) { d.Username = "u" })},
			{"machine_detection.password", md(func(d *bwvoice.MachineDetection) { d.Username, d.Password = "u", "p\x00" })},
			{"account_id", func() error {
				_, err := c.CreateCall(ctx, "", bwvoice.CreateCallRequest{To: "+15551230004", From: "+15559870004", ApplicationID: "app", AnswerURL: next})
				return err
			}()},
		}
	})
}
