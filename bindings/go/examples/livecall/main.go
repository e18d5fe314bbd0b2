// Command livecall drives a live call through the call-control operations:
// it reads the call's state, replaces its BXML with a <SpeakSentence> of
// caller-supplied text, pauses and resumes its recording, hangs it up and
// reads the state again.
//
// The text is escaped with encoding/xml (xml.EscapeText) before it goes
// into the document, so text such as "</SpeakSentence><Transfer>" is spoken
// as it is instead of ending the verb and starting another.
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_USERNAME=user BW_PASSWORD=pass \
//	  go run ./examples/livecall -account 9900000 -call c-123 -text 'Hello <caller>'
//
// The call must be answered and have a recording in progress. It exits 0 on
// success, 4 if the call is not answered (its BXML cannot be replaced), 1 on
// any other failure, 2 on a usage error.
package main

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

// defaultText shows escaping at work: unescaped, it would close the
// <SpeakSentence> and transfer the call.
const defaultText = `Thanks for waiting </SpeakSentence><Transfer>+15550100</Transfer><SpeakSentence> & goodbye`

func main() {
	os.Exit(run())
}

func run() int {
	common := cli.Flags("budget of each operation")
	text := flag.String("text", defaultText, "text to speak; any characters, it is escaped")
	flag.Parse()
	if *common.Account == "" || *common.Call == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: livecall -account ID -call ID [-text TEXT]; see -h")
		return 2
	}

	client, err := common.Client("livecall")
	if err != nil {
		fmt.Fprintf(os.Stderr, "livecall: bad configuration: %v\n", err)
		return 2
	}
	defer client.Close()

	// Each operation gets its own budget: the context's deadline is the
	// per-call time budget (capped by Options.Timeout).
	step := func(what string, op func(ctx context.Context) error) bool {
		ctx, cancel := context.WithTimeout(context.Background(), *common.Timeout)
		defer cancel()
		if err := op(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "%s of call %s failed: %s\n", what, *common.Call, describe(err))
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

	var escaped strings.Builder
	if err := xml.EscapeText(&escaped, []byte(*text)); err != nil {
		fmt.Fprintf(os.Stderr, "livecall: cannot escape -text: %v\n", err)
		return 2
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?><Bxml><SpeakSentence>` + escaped.String() + `</SpeakSentence></Bxml>`
	fmt.Printf("text:     %s\n", *text)
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

// describe explains an error in one line.
func describe(err error) string {
	var e *bwvoice.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	text := fmt.Sprintf("%v: %s", e.Status, e.Message)
	switch {
	case errors.Is(err, bwvoice.ErrNotFound):
		text += " (the call has already ended, or the id is wrong)"
	case errors.Is(err, bwvoice.ErrConflict):
		text += " (the call is not answered yet)"
	case errors.Is(err, bwvoice.ErrBadRequest) && e.Description != "":
		text += " (" + e.Description + ")"
	case errors.Is(err, bwvoice.ErrRateLimited) && e.RetryAfter > 0:
		text += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	case errors.Is(err, context.DeadlineExceeded):
		text += " (-timeout reached)"
	}
	return text
}
