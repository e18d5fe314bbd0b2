package bwvoice_test

// CheckBXML, and the check UpdateCallBXML and UpdateConferenceBXML make
// before sending, with and without Options.AllowUnknownBXMLVerbs.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

var position = regexp.MustCompile(`line (\d+), column (\d+)`)

// checkPosition checks that err is CheckBXML refusing a document at line,
// col, naming what.
func checkPosition(t *testing.T, doc string, err error, what string, line, col int) {
	t.Helper()
	e := checkRefused(t, doc, err, "bxml")
	m := position.FindStringSubmatch(e.Message)
	if m == nil || m[1] != fmt.Sprint(line) || m[2] != fmt.Sprint(col) || !strings.Contains(e.Message, what) {
		t.Errorf("%q: %q does not name %s at line %d, column %d", doc, e.Message, what, line, col)
	}
}

func TestCheckBXML(t *testing.T) {
	t.Parallel()
	good := "<Response>\n<SpeakSentence voice=\"julie\">hi <break/></SpeakSentence>\n<Hangup/>\n</Response>"
	if err := bwvoice.CheckBXML(good, bwvoice.BXMLResponse, false); err != nil {
		t.Errorf("CheckBXML: %v", err)
	}
	for _, c := range []struct {
		doc       string
		kind      bwvoice.BXMLKind
		what      string
		line, col int
	}{
		{"<Response>\n  <Gather maxDigits=\"51\"/>\n</Response>", bwvoice.BXMLResponse, "maxDigits", 2, 3},
		{"<Response><SpeakSentance>hi</SpeakSentance></Response>", bwvoice.BXMLResponse, "SpeakSentance", 1, 11},
		{"<Response>\n<Hangup>\n</Response>", bwvoice.BXMLResponse, "Hangup", 3, 1},
		{"<Response><Hangup/></Response>", bwvoice.BXMLUpdateCall, "Response", 1, 1},
		{"<Bxml><FutureVerb/></Bxml>", bwvoice.BXMLUpdateCall, "FutureVerb", 1, 7},
	} {
		checkPosition(t, c.doc, bwvoice.CheckBXML(c.doc, c.kind, false), c.what, c.line, c.col)
	}
	if err := bwvoice.CheckBXML("<Bxml><FutureVerb/></Bxml>", bwvoice.BXMLUpdateCall, true); err != nil {
		t.Errorf("an unknown verb allowed: %v", err)
	}
	checkRefused(t, "a NUL", bwvoice.CheckBXML("<Bxml/>\x00<Transfer/>", bwvoice.BXMLUpdateCall, false), "document")
	checkRefused(t, "not UTF-8", bwvoice.CheckBXML("<Bxml>\xff</Bxml>", bwvoice.BXMLUpdateCall, false), "document")
	checkRefused(t, "an unknown kind", bwvoice.CheckBXML("<Bxml/>", 0, false), "kind")
}

// Options.AllowUnknownBXMLVerbs lets an unknown verb through the check
// UpdateCallBXML makes; a default client refuses it and sends nothing.
func TestUpdateCallBXMLUnknownVerbs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	acct, strict, call := withCall(t, shared.basicOptions(), "answered")
	opts := shared.basicOptions()
	opts.AllowUnknownBXMLVerbs = true
	lenient := shared.client(t, opts)

	doc, err := (&bwvoice.BXML{Kind: bwvoice.BXMLUpdateCall, AllowUnknownVerbs: true, Verbs: []bwvoice.Node{
		bwvoice.Element("FutureVerb", bwvoice.Attrs{"mode": "fast"}, bwvoice.Text("hi")),
	}}).Render()
	if err != nil {
		t.Fatal(err)
	}
	e := checkRefused(t, "a default client", strict.UpdateCallBXML(ctx, acct, call, doc), "bxml")
	if !strings.Contains(e.Message, "FutureVerb") {
		t.Errorf("the message does not name the verb: %v", e)
	}
	badGather := `<Bxml><Gather maxDigits="51"/></Bxml>`
	checkRefused(t, "a known verb, checked either way", lenient.UpdateCallBXML(ctx, acct, call, badGather), "bxml")
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Fatalf("refused documents were sent: %+v", reqs)
	}

	if err := lenient.UpdateCallBXML(ctx, acct, call, doc); err != nil {
		t.Fatalf("a client allowing unknown verbs: %v", err)
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 1 || reqs[0].Method != "PUT" || reqs[0].Body != doc {
		t.Errorf("requests %+v, want one PUT of %s", reqs, doc)
	}
	if got := shared.call(t, call).BXML; got == nil || *got != doc {
		t.Errorf("the simulator's BXML is %s", deref(got))
	}
}

// A conference's BXML is checked as BXMLUpdateConference, unknown verbs
// allowed or not: Gather is refused and nothing is sent.
func TestUpdateConferenceBXMLKind(t *testing.T) {
	t.Parallel()
	acct, _, conf := withConference(t, nil)
	opts := shared.basicOptions()
	opts.AllowUnknownBXMLVerbs = true
	lenient := shared.client(t, opts)
	ctx := context.Background()
	err := lenient.UpdateConferenceBXML(ctx, acct, conf.ID, `<Bxml><Gather><PlayAudio>https://a.example/x.wav</PlayAudio></Gather></Bxml>`)
	if e := checkRefused(t, "Gather for a conference", err, "bxml"); !strings.Contains(e.Message, "Gather") {
		t.Errorf("the message does not name Gather: %v", e)
	}
	if reqs := shared.accountRequests(t, acct); len(reqs) != 0 {
		t.Fatalf("a refused document was sent: %+v", reqs)
	}
	doc, err := (&bwvoice.BXML{Kind: bwvoice.BXMLUpdateConference, Verbs: []bwvoice.Node{
		bwvoice.SpeakSentence("Five minutes left", nil),
		bwvoice.Element("FutureVerb", nil),
	}, AllowUnknownVerbs: true}).Render()
	if err != nil {
		t.Fatal(err)
	}
	if err := lenient.UpdateConferenceBXML(ctx, acct, conf.ID, doc); err != nil {
		t.Fatalf("UpdateConferenceBXML: %v", err)
	}
	if got := shared.conference(t, conf.ID).BXML; got == nil || *got != doc {
		t.Errorf("the simulator's BXML is %s", deref(got))
	}
}
