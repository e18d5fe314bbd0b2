package bwvoice_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// boolText shows an optional boolean.
func boolText(b *bool) string {
	if b == nil {
		return "<nil>"
	}
	if *b {
		return "true"
	}
	return "false"
}

// checkMember checks every field of got against the simulator's member.
func checkMember(t *testing.T, got bwvoice.ConferenceMember, want simMember) {
	t.Helper()
	if got.CallID != want.CallID || got.ConferenceID != want.ConferenceID || got.MemberURL != want.MemberURL ||
		boolText(got.Mute) != boolText(want.Mute) || boolText(got.Hold) != boolText(want.Hold) ||
		!slices.Equal(got.CallIDsToCoach, want.CallIDsToCoach) {
		t.Errorf("member\n got %+v (mute %s hold %s)\nwant %+v (mute %s hold %s)",
			got, boolText(got.Mute), boolText(got.Hold), want, boolText(want.Mute), boolText(want.Hold))
	}
}

// GetConference reads every field, its members included.
func TestGetConference(t *testing.T) {
	t.Parallel()
	acct, c, conf := withConference(t, map[string]any{
		"tag": "room-tag", "conferenceEventUrl": shared.appURL("conf-events"), "conferenceEventMethod": "GET",
	})
	got, err := c.GetConference(context.Background(), acct, conf.ID)
	if err != nil {
		t.Fatalf("GetConference: %v", err)
	}
	if got.ID != conf.ID || got.Name != conf.Name || got.Tag != "room-tag" ||
		got.ConferenceEventURL != shared.appURL("conf-events") || got.ConferenceEventMethod != "GET" ||
		!got.CreatedTime.Equal(simTime(t, "createdTime", conf.CreatedTime)) || got.CreatedTime.IsZero() ||
		!got.CompletedTime.IsZero() {
		t.Errorf("conference %+v\nsimulator %+v", got, conf)
	}
	if len(got.ActiveMembers) != 2 {
		t.Fatalf("%d members, want 2", len(got.ActiveMembers))
	}
	for i, m := range got.ActiveMembers {
		checkMember(t, m, conf.ActiveMembers[i])
		if boolText(m.Mute) != "false" || boolText(m.Hold) != "false" || len(m.CallIDsToCoach) != 0 {
			t.Errorf("a new member reports mute %s hold %s coach %v", boolText(m.Mute), boolText(m.Hold), m.CallIDsToCoach)
		}
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 1 || reqs[0].Method != "GET" || reqs[0].Path != "/api/v2/accounts/"+acct+"/conferences/"+conf.ID {
		t.Errorf("requests %+v", reqs)
	}
}

// UpdateConferenceMember sends what is set and nothing else; the member
// reads back as set. A nil coach list leaves it, an empty one empties it.
func TestConferenceMember(t *testing.T) {
	t.Parallel()
	acct, c, conf := withConference(t, nil)
	ctx := context.Background()
	a, b := conf.ActiveMembers[0].CallID, conf.ActiveMembers[1].CallID
	steps := []struct {
		req  bwvoice.UpdateConferenceMemberRequest
		body string
		mute string
		hold string
		out  []string
	}{
		{bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true), Hold: bwvoice.Bool(false), CallIDsToCoach: []string{b}},
			`{"mute":true,"hold":false,"callIdsToCoach":["` + b + `"]}`, "true", "false", []string{b}},
		{bwvoice.UpdateConferenceMemberRequest{Hold: bwvoice.Bool(true)}, `{"hold":true}`, "true", "true", []string{b}},
		{bwvoice.UpdateConferenceMemberRequest{CallIDsToCoach: []string{}}, `{"callIdsToCoach":[]}`, "true", "true", nil},
		{bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(false)}, `{"mute":false}`, "false", "true", nil},
	}
	memberPath := "/api/v2/accounts/" + acct + "/conferences/" + conf.ID + "/members/" + a
	for i, step := range steps {
		if err := c.UpdateConferenceMember(ctx, acct, conf.ID, a, step.req); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		m, err := c.GetConferenceMember(ctx, acct, conf.ID, a)
		if err != nil {
			t.Fatalf("step %d: GetConferenceMember: %v", i, err)
		}
		if boolText(m.Mute) != step.mute || boolText(m.Hold) != step.hold || !slices.Equal(m.CallIDsToCoach, step.out) {
			t.Errorf("step %d: mute %s hold %s coach %v", i, boolText(m.Mute), boolText(m.Hold), m.CallIDsToCoach)
		}
		checkMember(t, *m, shared.conference(t, conf.ID).ActiveMembers[0])
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 2*len(steps) {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, step := range steps {
		put, get := reqs[2*i], reqs[2*i+1]
		if put.Method != "PUT" || put.Path != memberPath || put.Body != step.body || put.Status != 204 {
			t.Errorf("step %d sent %s %s %s -> %d, want PUT %s", i, put.Method, put.Path, put.Body, put.Status, step.body)
		}
		if get.Method != "GET" || get.Path != memberPath {
			t.Errorf("step %d read %s %s", i, get.Method, get.Path)
		}
	}
	// The other member is untouched.
	m, err := c.GetConferenceMember(ctx, acct, conf.ID, b)
	if err != nil || boolText(m.Mute) != "false" || boolText(m.Hold) != "false" || len(m.CallIDsToCoach) != 0 {
		t.Errorf("other member: %+v, %v", m, err)
	}
}

// A redirect with every parameter sends them all and delivers the
// conferenceRedirect event; new BXML is stored; ending it removes the
// members, after which the changes are 404.
func TestUpdateConference(t *testing.T) {
	t.Parallel()
	acct, c, conf := withConference(t, map[string]any{"tag": "t-conf"})
	ctx := context.Background()
	primary, fallback := shared.appURL("conf-"+acct), shared.appURL("conf-fallback-"+acct)
	err := c.UpdateConference(ctx, acct, conf.ID, bwvoice.UpdateConferenceRequest{
		Status: bwvoice.ConferenceStatusActive, RedirectURL: primary, RedirectMethod: bwvoice.MethodPOST,
		Username: "u", Password: "conf-secret", RedirectFallbackURL: fallback, RedirectFallbackMethod: bwvoice.MethodGET,
		FallbackUsername: "fu", FallbackPassword: "fb-secret",
	})
	if err != nil {
		t.Fatalf("UpdateConference: %v", err)
	}
	d := shared.waitDelivery(t, "conferenceRedirect", conf.ID)
	var event map[string]any
	if err := json.Unmarshal([]byte(d.Body), &event); err != nil || d.URL != primary || event["tag"] != "t-conf" || event["conferenceId"] != conf.ID {
		t.Errorf("delivery %+v (%v)", d, err)
	}

	doc := `<Bxml><StartRecording/></Bxml>`
	if err := c.UpdateConferenceBXML(ctx, acct, conf.ID, doc); err != nil {
		t.Fatalf("UpdateConferenceBXML: %v", err)
	}
	if got := shared.conference(t, conf.ID).BXML; got == nil || *got != doc {
		t.Errorf("simulator's BXML %s", deref(got))
	}

	if err := c.UpdateConference(ctx, acct, conf.ID, bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatusCompleted}); err != nil {
		t.Fatalf("end: %v", err)
	}
	ended, err := c.GetConference(ctx, acct, conf.ID)
	if err != nil || ended.CompletedTime.IsZero() || ended.ActiveMembers != nil {
		t.Errorf("after the end: %+v, %v", ended, err)
	}
	member := conf.ActiveMembers[0].CallID
	for name, err := range map[string]error{
		"UpdateConferenceBXML":   c.UpdateConferenceBXML(ctx, acct, conf.ID, doc),
		"UpdateConferenceMember": c.UpdateConferenceMember(ctx, acct, conf.ID, member, bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)}),
		"redirect":               c.UpdateConference(ctx, acct, conf.ID, bwvoice.UpdateConferenceRequest{RedirectURL: primary}),
	} {
		if e := asError(t, err, bwvoice.ErrNotFound); e.HTTPStatus != 404 {
			t.Errorf("%s after the end: %+v", name, e)
		}
	}
	if st := shared.call(t, member); st.State != "answered" {
		t.Errorf("the member's call is %s after the conference ended", st.State)
	}

	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 7 {
		t.Fatalf("%d requests, want 7", len(reqs))
	}
	confPath := "/api/v2/accounts/" + acct + "/conferences/" + conf.ID
	checkJSON(t, "redirect", reqs[0].Body, map[string]any{
		"status": "active", "redirectUrl": primary, "redirectMethod": "POST", "username": "u", "password": "conf-secret",
		"redirectFallbackUrl": fallback, "redirectFallbackMethod": "GET", "fallbackUsername": "fu", "fallbackPassword": "fb-secret",
	})
	for i, want := range []struct{ method, path, body string }{
		{"POST", confPath, reqs[0].Body},
		{"PUT", confPath + "/bxml", doc},
		{"POST", confPath, `{"status":"completed"}`},
		{"GET", confPath, ""},
	} {
		if r := reqs[i]; r.Method != want.method || r.Path != want.path || r.Body != want.body {
			t.Errorf("request %d: %s %s %s, want %s %s %s", i, r.Method, r.Path, r.Body, want.method, want.path, want.body)
		}
	}
	if ct := reqs[1].Headers["content-type"]; !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("BXML content-type %q", ct)
	}
}

// Unknown conferences and members are ErrNotFound with Bandwidth's details.
func TestConferenceNotFound(t *testing.T) {
	t.Parallel()
	acct, c, conf := withConference(t, nil)
	ctx := context.Background()
	got, err := c.GetConference(ctx, acct, "conf-no-such")
	if got != nil {
		t.Errorf("a conference with the error: %+v", got)
	}
	if e := asError(t, err, bwvoice.ErrNotFound); e.HTTPStatus != 404 || e.Type == "" || e.Attempts != 1 {
		t.Errorf("%+v", e)
	}
	m, err := c.GetConferenceMember(ctx, acct, conf.ID, "c-no-such")
	if m != nil {
		t.Errorf("a member with the error: %+v", m)
	}
	asError(t, err, bwvoice.ErrNotFound)
	asError(t, c.UpdateConferenceMember(ctx, acct, "conf-no-such", conf.ActiveMembers[0].CallID,
		bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)}), bwvoice.ErrNotFound)
	asError(t, c.UpdateConferenceBXML(ctx, acct, "conf-no-such", simpleBXML), bwvoice.ErrNotFound)
	asError(t, c.UpdateConference(ctx, acct, "conf-no-such", bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatusCompleted}), bwvoice.ErrNotFound)
	// Another account's conference is not found either.
	_, err = c.GetConference(ctx, accountID(t), conf.ID)
	asError(t, err, bwvoice.ErrNotFound)
}

// The core validates every request; nothing is sent on a bad field.
func TestConferenceValidation(t *testing.T) {
	t.Parallel()
	checkRefusedSendNothing(t, func(ctx context.Context, c *bwvoice.Client, acct, call, next string) []refusal {
		update := func(r bwvoice.UpdateConferenceRequest) error { return c.UpdateConference(ctx, acct, "conf-1", r) }
		member := func(r bwvoice.UpdateConferenceMemberRequest) error {
			return c.UpdateConferenceMember(ctx, acct, "conf-1", call, r)
		}
		tooMany := make([]string, 21)
		for i := range tooMany {
			tooMany[i] = "c-" + strings.Repeat("x", i+1)
		}
		done := bwvoice.ConferenceStatusCompleted
		_, getErr := c.GetConference(ctx, acct, "")
		_, memberErr := c.GetConferenceMember(ctx, acct, "conf-1", "")
		return []refusal{
			{"redirect_url", update(bwvoice.UpdateConferenceRequest{})},
			{"redirect_url", update(bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatusActive})},
			{"redirect_url", update(bwvoice.UpdateConferenceRequest{Status: done, RedirectURL: next})},
			{"redirect_method", update(bwvoice.UpdateConferenceRequest{Status: done, RedirectMethod: bwvoice.MethodGET})},
			{"redirect_fallback_url", update(bwvoice.UpdateConferenceRequest{Status: done, RedirectFallbackURL: next})},
			{"redirect_url", update(bwvoice.UpdateConferenceRequest{RedirectURL: "ftp://app.example/x"})},
			{"redirect_fallback_url", update(bwvoice.UpdateConferenceRequest{RedirectURL: next, RedirectFallbackURL: "no url"})},
			{"status", update(bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatus(5), RedirectURL: next})},
			{"redirect_method", update(bwvoice.UpdateConferenceRequest{RedirectURL: next, RedirectMethod: bwvoice.Method(4)})},
			{"username", update(bwvoice.UpdateConferenceRequest{RedirectURL: next, Username: strings.Repeat("u", 1025), Password: "p"})},
			{"fallback_password", update(bwvoice.UpdateConferenceRequest{RedirectURL: next, FallbackPassword: strings.Repeat("p", 1025)})},
			{"password", update(bwvoice.UpdateConferenceRequest{RedirectURL: next, Password: "p\x00"})},
			{"conference_id", c.UpdateConference(ctx, acct, "", bwvoice.UpdateConferenceRequest{Status: done})},
			{"bxml", c.UpdateConferenceBXML(ctx, acct, "conf-1", "<NotBxml/>")},
			{"bxml", c.UpdateConferenceBXML(ctx, acct, "conf-1", "")},
			{"bxml", c.UpdateConferenceBXML(ctx, acct, "conf-1", "<Bxml>"+strings.Repeat("x", 65536)+"</Bxml>")},
			{"conference_id", c.UpdateConferenceBXML(ctx, acct, "", simpleBXML)},
			{"conference_id", getErr},
			{"member_id", memberErr},
			{"req", member(bwvoice.UpdateConferenceMemberRequest{})},
			{"call_ids_to_coach_len", member(bwvoice.UpdateConferenceMemberRequest{CallIDsToCoach: tooMany})},
			{"call_ids_to_coach", member(bwvoice.UpdateConferenceMemberRequest{CallIDsToCoach: []string{"c-1", ""}})},
			{"call_ids_to_coach", member(bwvoice.UpdateConferenceMemberRequest{CallIDsToCoach: []string{"c-1\n"}})},
			{"call_ids_to_coach", member(bwvoice.UpdateConferenceMemberRequest{CallIDsToCoach: []string{"c-\x00"}})},
			{"member_id", c.UpdateConferenceMember(ctx, acct, "conf-1", "", bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)})},
			{"account_id", c.UpdateConferenceMember(ctx, "", "conf-1", call, bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)})},
		}
	})
}

// What the server leaves out reads as not reported: nil booleans, ""
// strings, zero times; every member of a longer list is read.
func TestConferenceSparseReply(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/members/") {
			_, _ = io.WriteString(w, `{"callId":"c-9","mute":true}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"conf-9","activeMembers":[{"callId":"c-1"},{"callId":"c-2","hold":false,"callIdsToCoach":["c-1","c-3"]},{"callId":"c-3","mute":false}]}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	c := shared.client(t, bwvoice.Options{BaseURL: "http://" + ln.Addr().String() + "/api/v2", Username: "u", Password: "p"})

	conf, err := c.GetConference(context.Background(), "a1", "conf-9")
	if err != nil {
		t.Fatal(err)
	}
	if conf.ID != "conf-9" || conf.Name != "" || !conf.CreatedTime.IsZero() || !conf.CompletedTime.IsZero() || conf.Tag != "" || len(conf.ActiveMembers) != 3 {
		t.Fatalf("conference %+v", conf)
	}
	for i, want := range []struct {
		id, mute, hold string
		coach          []string
	}{{"c-1", "<nil>", "<nil>", nil}, {"c-2", "<nil>", "false", []string{"c-1", "c-3"}}, {"c-3", "false", "<nil>", nil}} {
		m := conf.ActiveMembers[i]
		if m.CallID != want.id || boolText(m.Mute) != want.mute || boolText(m.Hold) != want.hold ||
			!slices.Equal(m.CallIDsToCoach, want.coach) || m.ConferenceID != "" || m.MemberURL != "" {
			t.Errorf("member %d: %+v (mute %s hold %s)", i, m, boolText(m.Mute), boolText(m.Hold))
		}
	}
	m, err := c.GetConferenceMember(context.Background(), "a1", "conf-9", "c-9")
	if err != nil || m.CallID != "c-9" || boolText(m.Mute) != "true" || m.Hold != nil || m.CallIDsToCoach != nil {
		t.Errorf("member %+v, %v", m, err)
	}
}
