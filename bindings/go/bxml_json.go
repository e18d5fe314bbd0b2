package bwvoice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// jsonWriter writes a document's verbs in the JSON tree form of
// bw_bxml_append_json, node by node into one buffer: strings and floats
// through encoding/json, the rest by hand. (Building a tree of maps and
// slices for json.Marshal cost more than the library's whole render.)
type jsonWriter struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// documentJSON is verbs as a JSON list, NUL-terminated for C: the JSON
// escapes every control character, so that NUL is the only one.
func documentJSON(verbs []Node) ([]byte, error) {
	w := &jsonWriter{}
	w.buf.Grow(1024)
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false)
	w.buf.WriteByte('[')
	for i, n := range verbs {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if err := w.node(n, ""); err != nil {
			return nil, err
		}
	}
	w.buf.WriteString("]\x00")
	return w.buf.Bytes(), nil
}

// node writes n, held by the element called parent ("": the root).
func (w *jsonWriter) node(n Node, parent string) error {
	if n == nil {
		if parent == "" {
			return invalidArgument("element", "the document holds a nil Node")
		}
		return invalidArgument("element", fmt.Sprintf("<%s> holds a nil Node", parent))
	}
	return n.writeJSON(w)
}

// string writes s as a JSON string, unless it is not UTF-8: encoding/json
// would quietly make those bytes U+FFFD, changing the caller's text.
func (w *jsonWriter) string(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	w.encode(s)
	return true
}

// encode writes v, a string or a finite float, which cannot fail.
func (w *jsonWriter) encode(v any) {
	_ = w.enc.Encode(v)
	w.buf.Truncate(w.buf.Len() - 1) // Encode ends with a newline
}

func (t text) writeJSON(w *jsonWriter) error {
	if !w.string(string(t)) {
		return invalidArgument("text", "text is not valid UTF-8")
	}
	return nil
}

func (s ssml) writeJSON(w *jsonWriter) error {
	w.buf.WriteString(`{"ssml":`)
	if !w.string(string(s)) {
		return invalidArgument("fragment", "fragment is not valid UTF-8")
	}
	w.buf.WriteByte('}')
	return nil
}

func (e *element) writeJSON(w *jsonWriter) error {
	w.buf.WriteByte('[')
	if !w.string(e.name) {
		return invalidArgument("element", "element is not valid UTF-8")
	}
	// The attributes are always there, {} for none. Sorted, so that the
	// first bad one reported is the same every time.
	w.buf.WriteString(",{")
	names := slices.Collect(maps.Keys(e.attrs))
	if len(names) > 1 {
		slices.Sort(names)
	}
	for i, name := range names {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if !w.string(name) {
			return invalidArgument("name", fmt.Sprintf("an attribute name of <%s> is not valid UTF-8", e.name))
		}
		w.buf.WriteByte(':')
		if problem := w.attrValue(e.attrs[name]); problem != "" {
			return invalidArgument("value", fmt.Sprintf("<%s> attribute %s %s", e.name, name, problem))
		}
	}
	w.buf.WriteByte('}')
	for _, n := range e.content {
		w.buf.WriteByte(',')
		if err := w.node(n, e.name); err != nil {
			return err
		}
	}
	w.buf.WriteByte(']')
	return nil
}

// attrValue writes value as a JSON string, boolean or number (a type
// defined on one goes as its value, whatever its MarshalJSON says), or
// says what is wrong with it.
func (w *jsonWriter) attrValue(value any) string {
	if value == nil {
		w.buf.WriteString("null")
		return ""
	}
	v := reflect.ValueOf(value)
	switch v.Kind() {
	case reflect.String:
		if !w.string(v.String()) {
			return "is not valid UTF-8"
		}
	case reflect.Bool:
		w.buf.Write(strconv.AppendBool(w.buf.AvailableBuffer(), v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.buf.Write(strconv.AppendInt(w.buf.AvailableBuffer(), v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.buf.Write(strconv.AppendUint(w.buf.AvailableBuffer(), v.Uint(), 10))
	case reflect.Float32:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("is %v; give a finite number", f)
		}
		// As written in Go: float32(0.1) is 0.1, not 0.10000000149011612.
		w.encode(float32(v.Float()))
	case reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("is %v; give a finite number", f)
		}
		w.encode(v.Float())
	default:
		return fmt.Sprintf("is a %T; BXML attributes are strings, booleans, integers or floats", value)
	}
	return ""
}
