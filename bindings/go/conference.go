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

// ConferenceStatus is what an UpdateConferenceRequest asks for (its Status
// field, the C BW_CONFERENCE_STATUS_*).
type ConferenceStatus int32

const (
	// ConferenceStatusUnset sends no status (Bandwidth treats it as active).
	ConferenceStatusUnset ConferenceStatus = C.BW_CONFERENCE_STATUS_UNSET
	// ConferenceStatusActive sends "active": a redirect; needs RedirectURL.
	ConferenceStatusActive ConferenceStatus = C.BW_CONFERENCE_STATUS_ACTIVE
	// ConferenceStatusCompleted sends "completed": end the conference; every
	// member leaves and goes on with its own BXML.
	ConferenceStatusCompleted ConferenceStatus = C.BW_CONFERENCE_STATUS_COMPLETED
)

// UpdateConferenceRequest holds every parameter of "Update conference"; it
// mirrors the C bw_update_conference_request. Either set RedirectURL (new
// BXML for the conference, from a conferenceRedirect webhook) or Status
// ConferenceStatusCompleted (then no redirect field). An empty string and
// MethodUnset mean "not set, not sent". Printing it hides the passwords.
type UpdateConferenceRequest struct {
	// Status: ConferenceStatusUnset, ConferenceStatusActive or
	// ConferenceStatusCompleted.
	Status ConferenceStatus
	// RedirectURL receives the conferenceRedirect event and answers with BXML.
	RedirectURL    string
	RedirectMethod Method
	// Username and Password are Basic auth credentials for RedirectURL.
	Username string
	Password string
	// RedirectFallbackURL is tried when RedirectURL fails to answer.
	RedirectFallbackURL    string
	RedirectFallbackMethod Method
	// FallbackUsername and FallbackPassword are Basic auth credentials for
	// RedirectFallbackURL.
	FallbackUsername string
	FallbackPassword string
}

// UpdateConferenceMemberRequest holds every parameter of "Update conference
// member"; what is left nil is not sent and does not change. The library
// refuses a request that changes nothing (Field "req").
type UpdateConferenceMemberRequest struct {
	// Mute: Bool(true) mutes the member (it still hears the others),
	// Bool(false) unmutes it.
	Mute *bool
	// Hold: Bool(true) holds the member (it neither hears nor is heard),
	// Bool(false) resumes it.
	Hold *bool
	// CallIDsToCoach replaces the calls this member coaches (they hear it,
	// the rest of the conference does not): nil leaves the list as it is,
	// an empty non-nil slice ([]string{}) coaches no one. At most 20; it
	// does not bring those calls into the conference.
	CallIDsToCoach []string
}

// Conference is a conference and its active members as "Get conference
// information" reads it (the C bw_conference, copied into Go memory). A
// string not reported is "", a time the zero time.Time; times are UTC.
type Conference struct {
	ID string
	// Name is the name the application gave it in <Conference>.
	Name        string
	CreatedTime time.Time
	// CompletedTime is when it ended; zero while it goes on.
	CompletedTime time.Time
	// ConferenceEventURL and ConferenceEventMethod ("GET", "POST") are
	// where its events go.
	ConferenceEventURL    string
	ConferenceEventMethod string
	Tag                   string
	// ActiveMembers are its members now; nil when none.
	ActiveMembers []ConferenceMember
}

// ConferenceMember is a member of a conference as Bandwidth reports it
// (the C bw_conference_member, copied into Go memory).
type ConferenceMember struct {
	// CallID is the member's call; it is also its member id.
	CallID       string
	ConferenceID string
	// MemberURL is the URL of this member.
	MemberURL string
	// Mute and Hold are nil when not reported.
	Mute *bool
	Hold *bool
	// CallIDsToCoach are the calls this member coaches; nil when none.
	CallIDsToCoach []string
}

// GetConference reads a conference and its active members ("Get
// conference information", bw_get_conference_async). Safe to repeat:
// retried on timeouts and 5xx. ErrNotFound: unknown conference, another
// account's, or one that ended long ago. Contexts work as for ModifyCall.
func (c *Client) GetConference(ctx context.Context, accountID, conferenceID string) (*Conference, error) {
	var cs cstrings
	defer cs.free()
	account, conference := cs.required("account_id", accountID), cs.required("conference_id", conferenceID)
	return doResult[Conference](ctx, c, &cs, "bw_conference", func(a *asyncCall) C.bw_status {
		return C.bw_get_conference_async(a.client, account, conference, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
}

// UpdateConference redirects a conference to new BXML or ends it ("Update
// conference", bw_update_conference_async). A redirect is not repeated
// after a failure the server may have acted on (it would fire the webhook
// twice) unless Options.RetryNonIdempotent is set; ending is safe to
// repeat. ErrNotFound: unknown or ended conference. Contexts work as for
// ModifyCall.
func (c *Client) UpdateConference(ctx context.Context, accountID, conferenceID string, req UpdateConferenceRequest) error {
	var cs cstrings
	defer cs.free()
	creq := C.bw_update_conference_request{struct_size: C.sizeof_bw_update_conference_request}
	creq.status = C.int32_t(req.Status)
	creq.redirect_url = cs.optional("redirect_url", req.RedirectURL)
	creq.redirect_method = C.int32_t(req.RedirectMethod)
	creq.username = cs.optional("username", req.Username)
	creq.password = cs.optional("password", req.Password)
	creq.redirect_fallback_url = cs.optional("redirect_fallback_url", req.RedirectFallbackURL)
	creq.redirect_fallback_method = C.int32_t(req.RedirectFallbackMethod)
	creq.fallback_username = cs.optional("fallback_username", req.FallbackUsername)
	creq.fallback_password = cs.optional("fallback_password", req.FallbackPassword)
	account, conference := cs.required("account_id", accountID), cs.required("conference_id", conferenceID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_update_conference_async(a.client, account, conference, &creq, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// UpdateConferenceBXML replaces a conference's BXML with the document bxml
// ("Update conference BXML", bw_update_conference_bxml_async). The
// document is checked as for UpdateCallBXML, as BXMLUpdateConference: only
// the verbs a conference plays (build it with BXML.Render); it is not
// repeated after a failure the server may have acted on unless
// Options.RetryNonIdempotent is set. ErrNotFound: unknown
// or ended conference. Contexts work as for ModifyCall.
func (c *Client) UpdateConferenceBXML(ctx context.Context, accountID, conferenceID, bxml string) error {
	var cs cstrings
	defer cs.free()
	doc := cs.required("bxml", bxml)
	account, conference := cs.required("account_id", accountID), cs.required("conference_id", conferenceID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_update_conference_bxml_async(a.client, account, conference, doc, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// GetConferenceMember reads one member of a conference ("Get conference
// member", bw_get_conference_member_async); memberID is the member's call
// id. Safe to repeat. ErrNotFound: unknown conference or member. Contexts
// work as for ModifyCall.
func (c *Client) GetConferenceMember(ctx context.Context, accountID, conferenceID, memberID string) (*ConferenceMember, error) {
	var cs cstrings
	defer cs.free()
	account, conference := cs.required("account_id", accountID), cs.required("conference_id", conferenceID)
	member := cs.required("member_id", memberID)
	return doResult[ConferenceMember](ctx, c, &cs, "bw_conference_member", func(a *asyncCall) C.bw_status {
		return C.bw_get_conference_member_async(a.client, account, conference, member, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
}

// UpdateConferenceMember mutes or unmutes, holds or resumes a member, or
// sets the calls it coaches ("Update conference member",
// bw_update_conference_member_async). Safe to repeat: it sets states.
// ErrNotFound: unknown or ended conference, or unknown member. Contexts
// work as for ModifyCall.
func (c *Client) UpdateConferenceMember(ctx context.Context, accountID, conferenceID, memberID string, req UpdateConferenceMemberRequest) error {
	var cs cstrings
	defer cs.free()
	creq := C.bw_update_conference_member_request{struct_size: C.sizeof_bw_update_conference_member_request}
	creq.mute = optionalBool(req.Mute)
	creq.hold = optionalBool(req.Hold)
	creq.call_ids_to_coach, creq.call_ids_to_coach_len = cs.array("call_ids_to_coach", req.CallIDsToCoach)
	account, conference := cs.required("account_id", accountID), cs.required("conference_id", conferenceID)
	member := cs.required("member_id", memberID)
	_, err := c.do(ctx, &cs, func(a *asyncCall) C.bw_status {
		return C.bw_update_conference_member_async(a.client, account, conference, member, &creq, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
	return err
}

// newConference copies a bw_conference, its members included, into Go memory.
func newConference(v *C.bw_conference) (*Conference, error) {
	if v == nil || uintptr(v.struct_size) < C.sizeof_bw_conference {
		return nil, tooSmall("bw_conference")
	}
	members, ok := structPointers(v.active_members, v.active_members_len, C.sizeof_bw_conference_member)
	if !ok {
		return nil, tooSmall("bw_conference_member")
	}
	conf := &Conference{
		ID:                    C.GoString(v.id),
		Name:                  C.GoString(v.name),
		CreatedTime:           unixMillis(v.created_time_ms),
		CompletedTime:         unixMillis(v.completed_time_ms),
		ConferenceEventURL:    C.GoString(v.conference_event_url),
		ConferenceEventMethod: C.GoString(v.conference_event_method),
		Tag:                   C.GoString(v.tag),
	}
	for _, m := range members {
		member, err := newConferenceMember(m)
		if err != nil {
			return nil, err
		}
		conf.ActiveMembers = append(conf.ActiveMembers, *member)
	}
	return conf, nil
}

// newConferenceMember copies a bw_conference_member into Go memory.
func newConferenceMember(v *C.bw_conference_member) (*ConferenceMember, error) {
	if v == nil || uintptr(v.struct_size) < C.sizeof_bw_conference_member {
		return nil, tooSmall("bw_conference_member")
	}
	return &ConferenceMember{
		CallID:         C.GoString(v.call_id),
		ConferenceID:   C.GoString(v.conference_id),
		MemberURL:      C.GoString(v.member_url),
		Mute:           reportedBool(v.mute),
		Hold:           reportedBool(v.hold),
		CallIDsToCoach: goStrings(v.call_ids_to_coach, v.call_ids_to_coach_len),
	}, nil
}
