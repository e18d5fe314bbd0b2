// Command livecall drives a live call through the call-control operations:
// it reads the call's state, replaces its BXML with a <SpeakSentence> of
// caller-supplied text, pauses and resumes its recording, hangs it up and
// reads the state again.
//
// The document is built with bwvoice.BXML, which escapes the text, so text
// such as "</SpeakSentence><Transfer>" is spoken as it is instead of ending
// the verb and starting another.
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_TOKEN_URL=http://127.0.0.1:PORT/api/v1/oauth2/token \
//	  BW_CLIENT_ID=client BW_CLIENT_SECRET=secret \
//	  go run ./examples/livecall -account 9900000 -call c-123 -text 'Hello <caller>'
//
// The call must be answered and have a recording in progress. It exits 0 on
// success, 4 if the call is not answered (its BXML cannot be replaced), 1 on
// any other failure, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

// defaultText shows escaping at work: unescaped, it would close the
// <SpeakSentence> and transfer the call.
const defaultText = `Thanks for waiting </SpeakSentence><Transfer>+15550100</Transfer><SpeakSentence> & goodbye`

func main() {
	common := cli.Flags("budget of each operation")
	text := flag.String("text", defaultText, "text to speak; escaped, so markup in it is spoken (control characters are refused)")
	common.Main("livecall", "-account ID -call ID [-text TEXT]", nil, func(client *bwvoice.Client) int {
		return run(common, client, *text)
	})
}

// run drives the call through the operations and returns the exit code.
func run(common cli.Common, client *bwvoice.Client, text string) int {
	// Each operation gets its own budget (see cli.Do).
	step := func(what string, op func(ctx context.Context) error) bool {
		if err := common.Do(op); err != nil {
			common.Failed(what, describe(err))
			return false
		}
		return true
	}
	var st *bwvoice.CallState
	getState := func(ctx context.Context) (err error) {
		st, err = client.GetCallState(ctx, *common.Account, *common.Call)
		return err
	}

	if !step("reading the state", getState) {
		return 1
	}
	printState("before", st)
	switch st.State {
	case bwvoice.StateAnswered:
	case bwvoice.StateDisconnected:
		fmt.Printf("call %s has already ended: replacing its BXML would fail with 404 Not Found\n", *common.Call)
		return 4
	default:
		fmt.Printf("call %s is %s, not answered yet: replacing its BXML would fail with 409 Conflict\n", *common.Call, st.State)
		return 4
	}

	doc, err := (&bwvoice.BXML{Kind: bwvoice.BXMLUpdateCall, Verbs: []bwvoice.Node{
		bwvoice.SpeakSentence(text, bwvoice.Attrs{"voice": "julie"}),
	}}).Render()
	if err != nil {
		fmt.Fprintf(os.Stderr, "livecall: -text cannot be spoken: %v\n", err)
		return 2
	}
	fmt.Printf("text:     %s\n", text)
	fmt.Printf("new BXML: %s\n", doc)
	if !step("replacing the BXML", func(ctx context.Context) error { return client.UpdateCallBXML(ctx, *common.Account, *common.Call, doc) }) {
		return 1
	}
	fmt.Println("replaced the BXML")

	if !step("pausing the recording", func(ctx context.Context) error { return client.PauseRecording(ctx, *common.Account, *common.Call) }) {
		return 1
	}
	fmt.Println("paused the recording")
	if !step("resuming the recording", func(ctx context.Context) error { return client.ResumeRecording(ctx, *common.Account, *common.Call) }) {
		return 1
	}
	fmt.Println("resumed the recording")

	if !step("hanging up", func(ctx context.Context) error { return client.Hangup(ctx, *common.Account, *common.Call) }) {
		return 1
	}
	fmt.Println("hung up")
	if !step("reading the state", getState) {
		return 1
	}
	printState("after", st)
	return 0
}

// printState prints the fields a caller usually wants, one line.
func printState(when string, st *bwvoice.CallState) {
	line := fmt.Sprintf("%s: call %s is %s (%s, from %s to %s", when, st.CallID, st.State, st.Direction, st.From, st.To)
	if !st.AnswerTime.IsZero() {
		line += ", answered " + st.AnswerTime.Format(time.RFC3339Nano)
	}
	if !st.EndTime.IsZero() {
		line += ", ended " + st.EndTime.Format(time.RFC3339Nano)
	}
	line += ")"
	if st.DisconnectCause != "" {
		line += ", disconnect cause " + st.DisconnectCause
	}
	fmt.Println(line)
}

// describe is cli.Describe with one hint more: here a 400's description
// says what is wrong with the call (no recording in progress).
func describe(err error) string {
	text := cli.Describe(err)
	var e *bwvoice.Error
	if errors.Is(err, bwvoice.ErrBadRequest) && errors.As(err, &e) && e.Description != "" {
		text += " (" + e.Description + ")"
	}
	return text
}
