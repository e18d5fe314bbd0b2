package bwvoice_test

// Simulator helpers for createCall, listCalls and the conference
// operations: conferences, webhook deliveries, and the raw decoding of a
// logged request body.

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// simConference is the simulator's control view of a conference: the
// spec's conference plus accountId and bxml.
type simConference struct {
	ID                    string      `json:"id"`
	Name                  string      `json:"name"`
	CreatedTime           *string     `json:"createdTime"`
	CompletedTime         *string     `json:"completedTime"`
	ConferenceEventURL    *string     `json:"conferenceEventUrl"`
	ConferenceEventMethod *string     `json:"conferenceEventMethod"`
	Tag                   *string     `json:"tag"`
	ActiveMembers         []simMember `json:"activeMembers"`
	AccountID             string      `json:"accountId"`
	BXML                  *string     `json:"bxml"`
}

type simMember struct {
	CallID         string   `json:"callId"`
	ConferenceID   string   `json:"conferenceId"`
	MemberURL      string   `json:"memberUrl"`
	Mute           *bool    `json:"mute"`
	Hold           *bool    `json:"hold"`
	CallIDsToCoach []string `json:"callIdsToCoach"`
}

// createConference makes a conference of accountID from answered calls;
// extra holds further POST /sim/conferences fields (tag, ...).
func (s *simulator) createConference(t testing.TB, accountID, name string, members []string, extra map[string]any) simConference {
	t.Helper()
	body := map[string]any{"accountId": accountID, "name": name, "members": members}
	for k, v := range extra {
		body[k] = v
	}
	var conf simConference
	s.control(t, "POST", "/sim/conferences", body, &conf)
	if conf.ID == "" {
		t.Fatal("simulator returned no conference id")
	}
	return conf
}

func (s *simulator) conference(t testing.TB, id string) simConference {
	t.Helper()
	var conf simConference
	s.control(t, "GET", "/sim/conferences/"+url.PathEscape(id), nil, &conf)
	return conf
}

// withConference is an account of the test's own, a client with Basic
// credentials and a conference of two answered calls.
func withConference(t *testing.T, extra map[string]any) (acct string, c *bwvoice.Client, conf simConference) {
	t.Helper()
	acct = accountID(t)
	calls := shared.createCalls(t, acct, 2)
	return acct, shared.client(t, shared.basicOptions()), shared.createConference(t, acct, "room-"+acct, calls, extra)
}

// delivery is one webhook delivery as the simulator logged it.
type delivery struct {
	EventType    string  `json:"eventType"`
	URL          string  `json:"url"`
	Method       string  `json:"method"`
	Body         string  `json:"body"`
	Status       int     `json:"status"`
	Fallback     bool    `json:"fallback"`
	CallID       *string `json:"callId"`
	ConferenceID *string `json:"conferenceId"`
}

// waitDelivery waits until the simulator has delivered an event of type
// eventType about id (a call or a conference), and returns it.
func (s *simulator) waitDelivery(t testing.TB, eventType, id string) delivery {
	t.Helper()
	var found delivery
	waitFor(t, eventType+" delivery for "+id, func() bool {
		var all []delivery
		s.control(t, "GET", "/sim/webhooks", nil, &all)
		for _, d := range all {
			if d.EventType == eventType && (str(d.CallID) == id || str(d.ConferenceID) == id) {
				found = d
				return true
			}
		}
		return false
	})
	return found
}

// waitCallState waits (inside the simulator) until the call is in state.
func (s *simulator) waitCallState(t testing.TB, callID, state string) callState {
	t.Helper()
	var c callState
	s.control(t, "GET", "/sim/calls/"+url.PathEscape(callID)+"?wait="+state, nil, &c)
	if c.State != state {
		t.Fatalf("call %s is %s, want %s", callID, c.State, state)
	}
	return c
}

// checkJSON checks that body is the JSON of want (compared decoded).
func checkJSON(t testing.TB, what, body string, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%s: body %q: %v", what, body, err)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var norm map[string]any
	if err := json.Unmarshal(wantJSON, &norm); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, norm) {
		t.Errorf("%s: body\n got %s\nwant %s", what, body, wantJSON)
	}
}

// collect ranges over seq and returns the call ids it yielded, and its
// error (it stops at the first).
func collect(seq func(yield func(bwvoice.CallState, error) bool)) (ids []string, err error) {
	for call, e := range seq {
		if e != nil {
			return ids, e
		}
		ids = append(ids, call.CallID)
	}
	return ids, nil
}

// callsErr is the first error Calls yields under ctx, for the tables of
// operations that must not send anything.
func callsErr(ctx context.Context, c *bwvoice.Client, acct string, q bwvoice.ListCallsQuery) error {
	_, err := collect(c.Calls(ctx, acct, q))
	return err
}

// newOperations calls createCall, listCalls (and the Calls iterator) and
// each conference operation under ctx, on a conference that need not
// exist (call is its member), and returns their errors by name, checking
// that no failure comes with a result. everyOperation includes them.
func newOperations(t *testing.T, ctx context.Context, c *bwvoice.Client, acct, call string) map[string]error {
	t.Helper()
	const conf = "conf-none"
	created, createErr := c.CreateCall(ctx, acct, bwvoice.CreateCallRequest{
		To: "+15551230009", From: "+15559870009", ApplicationID: "app", AnswerURL: shared.appURL("answer"),
	})
	page, listErr := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{})
	info, getErr := c.GetConference(ctx, acct, conf)
	member, memberErr := c.GetConferenceMember(ctx, acct, conf, call)
	for name, result := range map[string]bool{
		"CreateCall": created != nil && createErr != nil, "ListCalls": page != nil && listErr != nil,
		"GetConference": info != nil && getErr != nil, "GetConferenceMember": member != nil && memberErr != nil,
	} {
		if result {
			t.Errorf("%s returned a result with its error", name)
		}
	}
	return map[string]error{
		"CreateCall":           createErr,
		"ListCalls":            listErr,
		"Calls":                callsErr(ctx, c, acct, bwvoice.ListCallsQuery{}),
		"GetConference":        getErr,
		"UpdateConference":     c.UpdateConference(ctx, acct, conf, bwvoice.UpdateConferenceRequest{Status: bwvoice.ConferenceStatusCompleted}),
		"UpdateConferenceBXML": c.UpdateConferenceBXML(ctx, acct, conf, simpleBXML),
		"GetConferenceMember":  memberErr,
		"UpdateConferenceMember": c.UpdateConferenceMember(ctx, acct, conf, call,
			bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)}),
	}
}
