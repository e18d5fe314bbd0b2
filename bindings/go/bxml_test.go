package bwvoice_test

// The BXML builder and checker: the documents every language renders to
// the same bytes, text and attributes that try to become markup, SSML,
// unknown verbs, the checker's positions, and the client's opt-in for
// unknown verbs against the simulator.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// sameDir holds the documents every language must render byte for byte.
var sameDir = filepath.Join("..", "..", "tests", "data", "bxml", "same")

// sameDocument is a tests/data/bxml/same/<name>.json file.
type sameDocument struct {
	Kind              string `json:"kind"`
	AllowUnknownVerbs bool   `json:"allow_unknown_verbs"`
	Verbs             []any  `json:"verbs"`
}

var bxmlKinds = map[string]bwvoice.BXMLKind{
	"response":          bwvoice.BXMLResponse,
	"update_call":       bwvoice.BXMLUpdateCall,
	"update_conference": bwvoice.BXMLUpdateConference,
}

func TestBXMLSameDocuments(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(sameDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no documents in %s (%v)", sameDir, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".xml")
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var spec sameDocument
			if err := dec.Decode(&spec); err != nil {
				t.Fatal(err)
			}
			kind, ok := bxmlKinds[spec.Kind]
			if !ok {
				t.Fatalf("unknown kind %q", spec.Kind)
			}
			doc := bwvoice.BXML{Kind: kind, AllowUnknownVerbs: spec.AllowUnknownVerbs}
			for _, v := range spec.Verbs {
				doc.Verbs = append(doc.Verbs, nodeOf(t, v))
			}
			got, err := doc.Render()
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != string(want) {
				t.Errorf("Render:\n got %s\nwant %s", got, want)
			}
			if err := bwvoice.CheckBXML(got, kind, spec.AllowUnknownVerbs); err != nil {
				t.Errorf("CheckBXML of the rendered document: %v", err)
			}
		})
	}
}

// nodeOf builds the Go node for a node of the JSON tree form.
func nodeOf(t *testing.T, v any) bwvoice.Node {
	t.Helper()
	switch v := v.(type) {
	case string:
		return bwvoice.Text(v)
	case map[string]any:
		fragment, ok := v["ssml"].(string)
		if !ok || len(v) != 1 {
			t.Fatalf("an object node that is not {\"ssml\": …}: %v", v)
		}
		return bwvoice.SSML(fragment)
	case []any:
		name, ok := v[0].(string)
		raw, ok2 := v[1].(map[string]any)
		if !ok || !ok2 {
			t.Fatalf("an element node without its name and attributes: %v", v)
		}
		attrs := bwvoice.Attrs{}
		for k, a := range raw {
			if n, isNumber := a.(json.Number); isNumber {
				if i, err := n.Int64(); err == nil {
					a = i
				} else if a, err = n.Float64(); err != nil {
					t.Fatal(err)
				}
			}
			attrs[k] = a
		}
		var content []bwvoice.Node
		for _, c := range v[2:] {
			content = append(content, nodeOf(t, c))
		}
		return bwvoice.Element(name, attrs, content...)
	}
	t.Fatalf("not a node: %#v", v)
	return nil
}

// xmlElement is an element of a parsed document: its name, attributes and
// text (of its own, not its children's).
type xmlElement struct {
	name  string
	attrs map[string]string
	text  string
}

// parseXML parses doc with encoding/xml and returns its elements in order.
func parseXML(t *testing.T, doc string) []xmlElement {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var all []xmlElement
	var open []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatalf("%v in %q", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			el := xmlElement{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				el.attrs[a.Name.Local] = a.Value
			}
			open = append(open, len(all))
			all = append(all, el)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				all[open[len(open)-1]].text += string(tok)
			}
		}
	}
}

// Text, attribute values and element and attribute names from a caller
// never become markup: they come back as they went in, or are refused.
func TestBXMLInjection(t *testing.T) {
	t.Parallel()
	markup := []string{
		"</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer><SpeakSentence>",
		`" transferTo="+19005550100`,
		`' transferTo='+19005550100`,
		"]]><Transfer/><![CDATA[",
		"<![CDATA[</SpeakSentence><Hangup/>]]>",
		"&lt;Hangup/&gt; &amp; &#60;Hangup/&#62;",
		"<!-- x --><?pi x?>",
		"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
		"tab\there\r\nCR LF\rCR",
		"\u2028\u2029 \U0001F600 caf\u00e9 \u007f",
	}
	refused := []string{
		"\x00</SpeakSentence><Hangup/>",
		"hello\x00",
		"\x1b[31m",
		"\x07",
		"\uFFFE",
		"\uFFFF",
		"\xff\xfe</SpeakSentence><Hangup/>",
		"caf\xe9",
		"\xed\xa0\x80", // a UTF-16 surrogate, encoded
	}
	// Where the caller's string s goes, and where it must come back.
	type place struct {
		name, field  string
		allowUnknown bool
		verb         func(s string) bwvoice.Node
		got          func(verb xmlElement) string
	}
	places := []place{
		{"text", "text", false,
			func(s string) bwvoice.Node { return bwvoice.SpeakSentence(s, nil) },
			func(v xmlElement) string { return v.text }},
		{"attribute", "value", false,
			func(s string) bwvoice.Node { return bwvoice.SpeakSentence("hi", bwvoice.Attrs{"voice": s}) },
			func(v xmlElement) string { return v.attrs["voice"] }},
		{"tag", "value", false,
			func(s string) bwvoice.Node {
				return bwvoice.Element("Redirect", bwvoice.Attrs{"redirectUrl": "https://app.example/x", "tag": s})
			},
			func(v xmlElement) string { return v.attrs["tag"] }},
		{"unknown verb's text", "text", true,
			func(s string) bwvoice.Node { return bwvoice.Element("FutureVerb", nil, bwvoice.Text(s)) },
			func(v xmlElement) string { return v.text }},
		{"unknown verb's attribute", "value", true,
			func(s string) bwvoice.Node { return bwvoice.Element("FutureVerb", bwvoice.Attrs{"mode": s}) },
			func(v xmlElement) string { return v.attrs["mode"] }},
	}
	for _, p := range places {
		render := func(s string) (string, error) {
			doc := bwvoice.Response(p.verb(s))
			doc.AllowUnknownVerbs = p.allowUnknown
			return doc.Render()
		}
		for _, s := range markup {
			doc, err := render(s)
			if err != nil {
				t.Errorf("%s %q: %v", p.name, s, err)
				continue
			}
			els := parseXML(t, doc)
			if len(els) != 2 {
				t.Errorf("%s %q: %d elements in %s", p.name, s, len(els), doc)
				continue
			}
			if got := p.got(els[1]); got != s {
				t.Errorf("%s %q came back as %q in %s", p.name, s, got, doc)
			}
			if err := bwvoice.CheckBXML(doc, bwvoice.BXMLResponse, p.allowUnknown); err != nil {
				t.Errorf("%s %q: CheckBXML: %v", p.name, s, err)
			}
		}
		for _, s := range refused {
			doc, err := render(s)
			if doc != "" {
				t.Errorf("%s %q rendered %q", p.name, s, doc)
			}
			checkRefused(t, fmt.Sprintf("%s %q", p.name, s), err, p.field)
		}
	}
	// Names are checked as names, known or not.
	allow := func(verbs ...bwvoice.Node) *bwvoice.BXML {
		return &bwvoice.BXML{Kind: bwvoice.BXMLResponse, AllowUnknownVerbs: true, Verbs: verbs}
	}
	for what, c := range map[string]struct {
		doc   *bwvoice.BXML
		field string
	}{
		"verb name":               {allow(bwvoice.Element("Hangup/><Transfer", nil)), "element"},
		"verb name with a NUL":    {allow(bwvoice.Element("Hangup\x00", nil)), "element"},
		"verb name not UTF-8":     {allow(bwvoice.Element("Hang\xffup", nil)), "element"},
		"attribute name":          {allow(bwvoice.Element("FutureVerb", bwvoice.Attrs{`a="1" b`: "x"})), "name"},
		"attribute name, known":   {allow(bwvoice.SpeakSentence("hi", bwvoice.Attrs{`voice="x"><Hangup/`: "x"})), "name"},
		"attribute name, NUL":     {allow(bwvoice.Element("FutureVerb", bwvoice.Attrs{"a\x00": "x"})), "name"},
		"attribute name not UTF8": {allow(bwvoice.Element("FutureVerb", bwvoice.Attrs{"a\xff": "x"})), "name"},
	} {
		doc, err := c.doc.Render()
		if doc != "" {
			t.Errorf("%s rendered %q", what, doc)
		}
		checkRefused(t, what, err, c.field)
	}
}

// SSML goes only inside SpeakSentence, and only the tags Bandwidth takes.
func TestBXMLSSML(t *testing.T) {
	t.Parallel()
	speak := func(fragment string) (string, error) {
		return bwvoice.Response(bwvoice.Element("SpeakSentence", nil,
			bwvoice.Text("a "), bwvoice.SSML(fragment), bwvoice.Text(" b"))).Render()
	}
	const head = `<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>a `
	for fragment, want := range map[string]string{
		`<break strength='strong'/>`:   `<break strength="strong"/>`,
		`<p>one<break/>two</p>`:        `<p>one<break/>two</p>`,
		`x &lt;Hangup/&gt; &amp; y`:    `x &lt;Hangup/&gt; &amp; y`,
		`<p>z<!-- gone --></p>`:        `<p>z</p>`,
		`<![CDATA[</SpeakSentence>]]>`: `&lt;/SpeakSentence&gt;`,
	} {
		got, err := speak(fragment)
		if err != nil {
			t.Errorf("%q: %v", fragment, err)
		} else if got != head+want+" b</SpeakSentence></Response>" {
			t.Errorf("%q rendered %s", fragment, got)
		}
	}
	for _, fragment := range []string{
		`<audio src="https://evil.example/a.wav"/>`,
		`</SpeakSentence><Transfer/>`,
		`<break/><Hangup/>`,
		`<p>unclosed`,
		`<Transfer xmlns="urn:x"/>`,
		`<!DOCTYPE p [<!ENTITY e "x">]><p>&e;</p>`,
		`<break strength="loud"/>`,
		"a\x00b",
		"a\xffb",
	} {
		got, err := speak(fragment)
		if got != "" {
			t.Errorf("%q rendered %s", fragment, got)
		}
		checkRefused(t, fmt.Sprintf("SSML %q", fragment), err, "fragment")
	}
	for what, doc := range map[string]*bwvoice.BXML{
		"at the root":     bwvoice.Response(bwvoice.SSML("<break/>")),
		"in Gather":       bwvoice.Response(bwvoice.Gather(nil, bwvoice.SSML("<break/>"))),
		"in PlayAudio":    bwvoice.Response(bwvoice.Element("PlayAudio", nil, bwvoice.SSML("https://a.example/x.wav"))),
		"in a SSML's tag": bwvoice.Response(bwvoice.Element("SpeakSentence", nil, bwvoice.Element("break", nil))),
	} {
		got, err := doc.Render()
		if got != "" {
			t.Errorf("SSML %s rendered %s", what, got)
		}
		field := "fragment"
		if what == "in a SSML's tag" {
			field = "element" // SSML tags come only through SSML
		}
		checkRefused(t, "SSML "+what, err, field)
	}
}

// Verbs the library does not know are refused, naming the nearest known
// one, unless the document lets them through; known verbs are checked
// either way.
func TestBXMLUnknownVerbs(t *testing.T) {
	t.Parallel()
	typo := bwvoice.Response(bwvoice.Element("SpeakSentance", nil, bwvoice.Text("hi")))
	_, err := typo.Render()
	if e := checkRefused(t, "a typo", err, "element"); !strings.Contains(e.Message, "<SpeakSentence>") {
		t.Errorf("the message does not suggest <SpeakSentence>: %v", e)
	}
	future := &bwvoice.BXML{Kind: bwvoice.BXMLUpdateCall, AllowUnknownVerbs: true, Verbs: []bwvoice.Node{
		bwvoice.Element("FutureVerb", bwvoice.Attrs{"zeta": 1, "alpha": true}, bwvoice.Text("x & y")),
		bwvoice.Hangup(),
	}}
	got, err := future.Render()
	want := `<?xml version="1.0" encoding="UTF-8"?><Bxml><FutureVerb alpha="true" zeta="1">x &amp; y</FutureVerb><Hangup/></Bxml>`
	if err != nil || got != want {
		t.Errorf("allowed: %q, %v", got, err)
	}
	future.Verbs = append(future.Verbs, bwvoice.Gather(bwvoice.Attrs{"maxDigits": 51}))
	_, err = future.Render()
	if e := checkRefused(t, "a known verb with unknown verbs allowed", err, "value"); !strings.Contains(e.Message, "maxDigits") {
		t.Errorf("the message does not name maxDigits: %v", e)
	}
	// An unknown verb holds only text.
	_, err = bwvoice.Response(bwvoice.Element("FutureVerb", nil, bwvoice.Hangup())).Render()
	checkRefused(t, "a verb inside an unknown verb", err, "element")
}

// Attribute values: every Go type BXML has, and a clear error for the rest.
func TestBXMLAttrValues(t *testing.T) {
	t.Parallel()
	type seconds float64
	type voice string
	got, err := bwvoice.Response(bwvoice.Gather(bwvoice.Attrs{
		"gatherUrl": "https://app.example/g", "maxDigits": uint8(3), "interDigitTimeout": seconds(10),
		"firstDigitTimeout": float32(0.1), "repeatCount": nil, "tag": true,
	}, bwvoice.SpeakSentence("hi", bwvoice.Attrs{"voice": voice("julie"), "locale": nil}))).Render()
	want := `<?xml version="1.0" encoding="UTF-8"?><Response><Gather gatherUrl="https://app.example/g" tag="true" maxDigits="3" ` +
		`interDigitTimeout="10" firstDigitTimeout="0.1"><SpeakSentence voice="julie">hi</SpeakSentence></Gather></Response>`
	if err != nil || got != want {
		t.Errorf("Render: %v\n got %s\nwant %s", err, got, want)
	}
	for what, value := range map[string]any{
		"a slice":     []int{1},
		"a map":       map[string]int{},
		"a pointer":   new(int),
		"a struct":    struct{}{},
		"NaN":         math.NaN(),
		"an infinity": math.Inf(1),
		"not UTF-8":   "\xff",
	} {
		_, err := bwvoice.Response(bwvoice.Gather(bwvoice.Attrs{"maxDigits": value})).Render()
		if e := checkRefused(t, what, err, "value"); !strings.Contains(e.Message, "<Gather> attribute maxDigits") {
			t.Errorf("%s: the message does not name the attribute: %v", what, e)
		}
	}
	for what, doc := range map[string]*bwvoice.BXML{
		"a nil verb":      bwvoice.Response(nil),
		"a nil child":     bwvoice.Response(bwvoice.Gather(nil, nil)),
		"an unknown kind": {Kind: 9},
		"a Response":      {Kind: bwvoice.BXMLResponse, Verbs: []bwvoice.Node{bwvoice.Element("Response", nil)}},
		"no text":         bwvoice.Response(bwvoice.Element("PlayAudio", nil)),
		"too large":       bwvoice.Response(bwvoice.SpeakSentence(strings.Repeat("x", 64*1024), nil)),
	} {
		got, err := doc.Render()
		if got != "" {
			t.Errorf("%s rendered %s", what, got)
		}
		field := map[string]string{"a nil verb": "element", "a nil child": "element", "an unknown kind": "kind",
			"a Response": "element", "no text": "bxml", "too large": "bxml"}[what]
		checkRefused(t, what, err, field)
	}
}

// Render only reads the document: goroutines may render one at once.
func TestBXMLRenderConcurrently(t *testing.T) {
	t.Parallel()
	doc := bwvoice.Response(
		bwvoice.SpeakSentence("hi", bwvoice.Attrs{"voice": "julie", "gender": "female"}),
		bwvoice.Gather(bwvoice.Attrs{"maxDigits": 2, "gatherUrl": "https://app.example/g"}, bwvoice.PlayAudio("https://app.example/a.wav", nil)),
	)
	want, err := doc.Render()
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range runAtOnce(16, func(int) error {
		got, err := doc.Render()
		if err == nil && got != want {
			err = fmt.Errorf("rendered %s", got)
		}
		return err
	}) {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
}

// A conference document holds only what a conference plays.
func TestBXMLConferenceKind(t *testing.T) {
	t.Parallel()
	conf := &bwvoice.BXML{Kind: bwvoice.BXMLUpdateConference, Verbs: []bwvoice.Node{
		bwvoice.SpeakSentence("The meeting ends in five minutes", nil),
		bwvoice.PlayAudio("https://app.example/chime.wav", nil),
	}}
	got, err := conf.Render()
	want := `<?xml version="1.0" encoding="UTF-8"?><Bxml><SpeakSentence>The meeting ends in five minutes</SpeakSentence>` +
		`<PlayAudio>https://app.example/chime.wav</PlayAudio></Bxml>`
	if err != nil || got != want {
		t.Errorf("Render: %q, %v", got, err)
	}
	conf.Verbs = append(conf.Verbs, bwvoice.Gather(nil, bwvoice.PlayAudio("https://app.example/menu.wav", nil)))
	got, err = conf.Render()
	if e := checkRefused(t, "Gather in a conference", err, "element"); got != "" || !strings.Contains(e.Message, "Gather") {
		t.Errorf("Gather in a conference: %q, %v", got, e)
	}
	err = bwvoice.CheckBXML("<Bxml>\n  <Gather/>\n</Bxml>", bwvoice.BXMLUpdateConference, true)
	checkPosition(t, "CheckBXML of Gather for a conference", err, "Gather", 2, 3)
}

func ExampleResponse() {
	doc, err := bwvoice.Response(
		bwvoice.SpeakSentence("Welcome to Tom & Jerry's", bwvoice.Attrs{"voice": "julie"}),
		bwvoice.Gather(bwvoice.Attrs{"gatherUrl": "https://app.example/menu", "maxDigits": 1},
			bwvoice.Element("SpeakSentence", nil, bwvoice.Text("Press 1"), bwvoice.SSML(`<break strength="weak"/>`), bwvoice.Text("for sales")),
			bwvoice.PlayAudio("https://app.example/beep.wav", nil)),
		bwvoice.Hangup(),
	).Render()
	var invalid *bwvoice.Error
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Field, invalid.Message)
		return
	}
	fmt.Println(doc)
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence voice="julie">Welcome to Tom &amp; Jerry&apos;s</SpeakSentence><Gather gatherUrl="https://app.example/menu" maxDigits="1"><SpeakSentence>Press 1<break strength="weak"/>for sales</SpeakSentence><PlayAudio>https://app.example/beep.wav</PlayAudio></Gather><Hangup/></Response>
}

// A typical IVR answer, built and rendered from scratch each time.
func BenchmarkRenderIVR(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		doc := bwvoice.Response(
			bwvoice.SpeakSentence("Welcome to Example Corp.", bwvoice.Attrs{"voice": "julie"}),
			bwvoice.Gather(bwvoice.Attrs{"gatherUrl": "https://app.example/gather", "maxDigits": 1, "repeatCount": 2},
				bwvoice.SpeakSentence("Press 1 for sales, 2 for support.", nil),
				bwvoice.PlayAudio("https://app.example/beep.wav", nil)),
			bwvoice.Element("Pause", bwvoice.Attrs{"duration": 2}),
			bwvoice.SpeakSentence("We did not get your choice.", nil),
			bwvoice.Element("Redirect", bwvoice.Attrs{"redirectUrl": "https://app.example/menu"}),
		)
		if _, err := doc.Render(); err != nil {
			b.Fatal(err)
		}
	}
}
