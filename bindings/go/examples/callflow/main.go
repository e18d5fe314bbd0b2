// Command callflow places an outbound call, finds it again in the
// account's call list, and mutes a member of a conference:
//
//  1. CreateCall to -to from -from, whose first BXML comes from -url,
//     tagged -tag;
//  2. Calls (the paging iterator) filtered by -to, -from and a start time
//     a minute before the attempt: how a createCall that failed with
//     MaybeApplied is reconciled instead of being sent again;
//  3. GetConference -conference, whose members are -call and -other;
//  4. UpdateConferenceMember: mute -call; GetConferenceMember reads it back.
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_TOKEN_URL=http://127.0.0.1:PORT/api/v1/oauth2/token \
//	  BW_CLIENT_ID=client BW_CLIENT_SECRET=secret BW_ACCOUNT_ID=9900000 \
//	  go run ./examples/callflow -to +15550100001 -from +15550100002 -application app-1 \
//	    -url http://127.0.0.1:PORT/sim/app/callflow -conference conf-1 -call c-1 -other c-2
//
// It exits 0 on success, 1 on any failure, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

type flow struct {
	common                     cli.Common
	client                     *bwvoice.Client
	to, from, application, url *string
	tag, conference, other     *string
}

func main() {
	f := flow{common: cli.Flags("budget of each operation (the whole call list counts as one)")}
	f.to = flag.String("to", "", "number to call (E.164 or SIP URI)")
	f.from = flag.String("from", "", "calling number, one of the account's (E.164)")
	f.application = flag.String("application", "", "application id of the -from number")
	f.url = flag.String("url", "", "answer URL: serves the call's first BXML")
	f.tag = flag.String("tag", "callflow", "tag of the new call, sent with each of its webhooks")
	f.conference = flag.String("conference", "", "conference whose members are -call and -other")
	f.other = flag.String("other", "", "the conference's other member (a call id)")
	required := []*string{f.to, f.from, f.application, f.url, f.conference, f.other}
	f.common.Main("callflow", "-to N -from N -application ID -url URL -conference ID -call ID -other ID", required,
		func(client *bwvoice.Client) int {
			f.client = client
			return f.run()
		})
}

// run goes through the steps and returns the exit code.
func (f flow) run() int {
	account := *f.common.Account
	// A minute of margin: Bandwidth's clock and ours may differ.
	since := time.Now().Add(-time.Minute).Truncate(time.Second)
	var created *bwvoice.CreatedCall
	err := f.common.Do(func(ctx context.Context) (err error) {
		created, err = f.client.CreateCall(ctx, account, bwvoice.CreateCallRequest{
			To: *f.to, From: *f.from, ApplicationID: *f.application, AnswerURL: *f.url, Tag: *f.tag,
		})
		return err
	})
	var e *bwvoice.Error
	switch {
	case err == nil:
		fmt.Printf("placed call %s from %s to %s (tag %q, queued %s)\n",
			created.CallID, created.From, created.To, created.Tag, created.EnqueuedTime.Format(time.RFC3339))
	case errors.As(err, &e) && e.MaybeApplied:
		// Never call again: the call may exist. Look for it instead.
		fmt.Printf("placing the call failed (%s) but may have succeeded: looking for it\n", cli.Explain(err))
	default:
		return fail("placing the call", err)
	}

	// -timeout bounds the whole listing, every page included.
	query := bwvoice.ListCallsQuery{To: *f.to, From: *f.from, MinStartTime: since, PageSize: 100}
	var found []bwvoice.CallState
	err = f.common.Do(func(ctx context.Context) error {
		for call, err := range f.client.Calls(ctx, account, query) {
			if err != nil {
				return err
			}
			found = append(found, call)
		}
		return nil
	})
	if err != nil {
		return fail("listing the calls", err)
	}
	fmt.Printf("calls from %s to %s since %s: %d\n", *f.from, *f.to, since.UTC().Format(time.RFC3339), len(found))
	mine := -1
	for i, call := range found {
		if created != nil && call.CallID == created.CallID {
			mine = i
		}
	}
	switch {
	case created != nil && mine >= 0:
		fmt.Printf("found call %s in the list: %s, %s\n", found[mine].CallID, found[mine].Direction, found[mine].State)
	case created != nil:
		fmt.Fprintf(os.Stderr, "callflow: call %s is not in the list\n", created.CallID)
		return 1
	default:
		// Without an id, the candidates are told apart by the tag in
		// their webhooks (the call list does not carry it).
		for _, call := range found {
			fmt.Printf("candidate %s: %s, started %s\n", call.CallID, call.State, call.StartTime.Format(time.RFC3339))
		}
	}

	var conf *bwvoice.Conference
	if err := f.common.Do(func(ctx context.Context) (err error) {
		conf, err = f.client.GetConference(ctx, account, *f.conference)
		return err
	}); err != nil {
		return failConference("reading the conference", err)
	}
	var members []string
	for _, m := range conf.ActiveMembers {
		members = append(members, m.CallID)
	}
	fmt.Printf("conference %s %q has %d members: %s\n", conf.ID, conf.Name, len(members), strings.Join(members, ", "))
	for _, want := range []string{*f.common.Call, *f.other} {
		if !slices.Contains(members, want) {
			fmt.Fprintf(os.Stderr, "callflow: %s is not a member of conference %s\n", want, conf.ID)
			return 1
		}
	}

	member := *f.common.Call
	if err := f.common.Do(func(ctx context.Context) error {
		return f.client.UpdateConferenceMember(ctx, account, *f.conference, member,
			bwvoice.UpdateConferenceMemberRequest{Mute: bwvoice.Bool(true)})
	}); err != nil {
		return failConference("muting "+member, err)
	}
	fmt.Printf("muted %s\n", member)
	var m *bwvoice.ConferenceMember
	if err := f.common.Do(func(ctx context.Context) (err error) {
		m, err = f.client.GetConferenceMember(ctx, account, *f.conference, member)
		return err
	}); err != nil {
		return failConference("reading member "+member, err)
	}
	fmt.Printf("member %s: %s, %s, coaching %s\n", m.CallID, flag3(m.Mute, "muted", "not muted"),
		flag3(m.Hold, "on hold", "not on hold"), listOrNone(m.CallIDsToCoach))
	if m.Mute == nil || !*m.Mute {
		fmt.Fprintf(os.Stderr, "callflow: member %s does not read back as muted\n", member)
		return 1
	}
	return 0
}

// fail reports on stderr that what failed, and returns exit code 1.
func fail(what string, err error) int {
	return failWith(what, err, "")
}

// failConference is fail for a conference operation: a 404 is explained.
func failConference(what string, err error) int {
	return failWith(what, err, " (unknown or ended conference or member, or a wrong id)")
}

func failWith(what string, err error, notFoundHint string) int {
	text := cli.Explain(err)
	if errors.Is(err, bwvoice.ErrNotFound) {
		text += notFoundHint
	}
	fmt.Fprintf(os.Stderr, "callflow: %s failed: %s\n", what, text)
	return 1
}

// flag3 words an optional boolean the server may not report.
func flag3(b *bool, yes, no string) string {
	switch {
	case b == nil:
		return "(" + yes + ": not reported)"
	case *b:
		return yes
	}
	return no
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "no one"
	}
	return strings.Join(ids, ", ")
}
