package bwvoice

// #include "bwvoice.h"
import "C"

import "unsafe"

// BXMLKind is what a BXML document is for, which sets its root element and
// the verbs it may hold (the C bw_bxml_kind).
type BXMLKind int32

const (
	// BXMLResponse is the answer to a webhook: <Response>, every verb.
	BXMLResponse BXMLKind = C.BW_BXML_RESPONSE
	// BXMLUpdateCall is for UpdateCallBXML: <Bxml>, every verb.
	BXMLUpdateCall BXMLKind = C.BW_BXML_UPDATE_CALL
	// BXMLUpdateConference is for UpdateConferenceBXML: <Bxml> holding only
	// the verbs a conference plays (SpeakSentence, PlayAudio and the
	// recording verbs).
	BXMLUpdateConference BXMLKind = C.BW_BXML_UPDATE_CONFERENCE
)

// Node is one piece of a BXML document: an element (Element and the
// helpers built on it), text (Text) or SSML (SSML). Only this package makes
// Nodes.
type Node interface {
	// writeJSON writes the node in the JSON form bw_bxml_append_json
	// takes (bxml_json.go).
	writeJSON(w *jsonWriter) error
}

// Attrs are an element's attributes by their BXML names ("gatherUrl",
// "maxDigits"). A value is a string, a bool, an integer or a float (or a
// type defined on one of them); nil leaves the attribute out. The library
// writes them in Bandwidth's order, whatever the map's.
type Attrs map[string]any

type element struct {
	name    string
	attrs   Attrs
	content []Node
}

type text string

type ssml string

// Element is the element name (a verb such as "Gather", or a child element
// such as "PhoneNumber") with its attributes (nil for none) and content,
// in order. They are read when the document renders, not copied: a node
// can be reused in several documents.
func Element(name string, attrs Attrs, content ...Node) Node {
	return &element{name: name, attrs: attrs, content: content}
}

// Text is text inside an element. It is always escaped: whatever it holds,
// it can never become markup.
func Text(s string) Node { return text(s) }

// SSML is a fragment of SSML inside a SpeakSentence: text and the tags
// Bandwidth's text-to-speech takes (<break>, <emphasis>, <lang>, <p>,
// <phoneme>, <prosody>, <s>, <say-as>, <sub>). The library parses it,
// refuses anything else, and writes what it parsed anew, so it cannot close
// the SpeakSentence or open another verb.
func SSML(fragment string) Node { return ssml(fragment) }

// SpeakSentence is Element("SpeakSentence", attrs, Text(text)).
func SpeakSentence(text string, attrs Attrs) Node {
	return Element("SpeakSentence", attrs, Text(text))
}

// PlayAudio is Element("PlayAudio", attrs, Text(url)).
func PlayAudio(url string, attrs Attrs) Node {
	return Element("PlayAudio", attrs, Text(url))
}

// Gather is Element("Gather", attrs, prompts...): it collects digits while
// its SpeakSentence and PlayAudio prompts play.
func Gather(attrs Attrs, prompts ...Node) Node {
	return Element("Gather", attrs, prompts...)
}

// Hangup is Element("Hangup", nil).
func Hangup() Node { return Element("Hangup", nil) }

// BXML is a document to render: its kind, whether verbs this library does
// not know are let through (for verbs Bandwidth added after this version;
// known verbs are checked either way), and its verbs.
type BXML struct {
	Kind              BXMLKind
	AllowUnknownVerbs bool
	Verbs             []Node
}

// Response is the BXML answering a webhook: a <Response> of verbs.
func Response(verbs ...Node) *BXML {
	return &BXML{Kind: BXMLResponse, Verbs: verbs}
}

// Render writes the document as text, every element checked against
// Bandwidth's rules by the library (bw_bxml_render_json):
// where it may go, its attributes and their values, its text. A document
// breaking one is an *Error with Status ErrInvalidArgument, Field naming
// what is wrong ("element", "name", "value", "text", "fragment" or "bxml")
// and a message naming the element; nothing is rendered. Text and attribute
// values cannot become markup: they are escaped, and characters XML cannot
// carry (NUL and other control characters, U+FFFE, U+FFFF) are refused, as
// is a string that is not valid UTF-8. A Kind other than the three
// constants is Field "kind". The same document renders to the same bytes in
// every language the library serves. Render only reads the document, so
// goroutines may render one document at once.
func (b *BXML) Render() (string, error) {
	doc, err := documentJSON(b.Verbs)
	if err != nil {
		return "", err
	}
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	// Most documents fit in a few kilobytes; a larger one is built again
	// at the size the first attempt reported.
	out := make([]byte, 4096)
	for {
		var needed C.size_t
		// C only reads the JSON during the call.
		status := C.bw_bxml_render_json(C.bw_bxml_kind(b.Kind), bxmlFlags(b.AllowUnknownVerbs),
			(*C.char)(unsafe.Pointer(&doc[0])), (*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &needed, &cerr)
		if status == C.BW_OK {
			// out is never written again: the string can share it.
			return unsafe.String(&out[0], int(needed)-1), nil
		}
		if int(needed) <= len(out) {
			return "", newError(status, &cerr)
		}
		out = make([]byte, needed)
	}
}

// CheckBXML checks document, BXML written by hand or by another tool, as
// BXML of kind by the rules Render builds with (bw_bxml_check): at most
// 64 KB, well-formed, the root kind needs, every element where it may be,
// every attribute known and in range, the text each element needs. nil, or
// an *Error with Status ErrInvalidArgument, Field "bxml" and a message
// naming the first problem's element or attribute and its "line L, column
// C". Useful in the tests of a webhook handler; UpdateCallBXML and
// UpdateConferenceBXML make the same check before sending.
func CheckBXML(document string, kind BXMLKind, allowUnknownVerbs bool) error {
	var cs cstrings
	defer cs.free()
	doc := cs.required("document", document)
	if cs.err != nil {
		return cs.err
	}
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	if status := C.bw_bxml_check(doc, C.bw_bxml_kind(kind), bxmlFlags(allowUnknownVerbs), &cerr); status != C.BW_OK {
		return newError(status, &cerr)
	}
	return nil
}

func bxmlFlags(allowUnknownVerbs bool) C.uint32_t {
	if allowUnknownVerbs {
		return C.BW_BXML_ALLOW_UNKNOWN_VERBS
	}
	return 0
}
