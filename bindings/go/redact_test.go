package bwvoice_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// Values that carry webhook passwords print them hidden, whichever way
// they are printed or logged; everything else still shows.
func TestPasswordsArePrintedHidden(t *testing.T) {
	t.Parallel()
	create := fullCreateCall()
	conf := bwvoice.UpdateConferenceRequest{RedirectURL: "https://app.example/c", Username: "hook-user",
		Password: "hook-secret", FallbackUsername: "fb-user", FallbackPassword: "fb-secret"}
	modify := bwvoice.ModifyCallRequest{RedirectURL: "https://app.example/m", Username: "hook-user",
		Password: "hook-secret", FallbackUsername: "fb-user", FallbackPassword: "fb-secret"}
	created := bwvoice.CreatedCall{CallID: "c-1", Username: "hook-user", Password: "hook-secret",
		FallbackUsername: "fb-user", FallbackPassword: "fb-secret"}
	secrets := []string{"hook-secret", "fb-secret", "amd-secret", "amd-fb-secret"}

	for _, tc := range []struct {
		name  string
		value any
		shows []string // what must still show
	}{
		{"CreateCallRequest", create, []string{"hook-user", "fb-user", "amd-user", "amd-fb-user", "+15551230001", "order-17"}},
		{"*CreateCallRequest", &create, []string{"hook-user", "amd-user"}},
		{"MachineDetection", *create.MachineDetection, []string{"amd-user", "amd-fb-user"}},
		{"UpdateConferenceRequest", conf, []string{"hook-user", "fb-user", "https://app.example/c"}},
		{"ModifyCallRequest", modify, []string{"hook-user", "fb-user", "https://app.example/m"}},
		{"CreatedCall", created, []string{"hook-user", "c-1"}},
	} {
		var out []string
		for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.3v"} {
			out = append(out, fmt.Sprintf(format, tc.value))
		}
		out = append(out, fmt.Sprint(tc.value), fmt.Sprintln(tc.value))
		if s, ok := tc.value.(fmt.Stringer); ok {
			out = append(out, s.String())
		}
		if g, ok := tc.value.(fmt.GoStringer); ok {
			out = append(out, g.GoString())
		}
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("request", "req", tc.value)
			out = append(out, b.String())
		}
		for i, text := range out {
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("%s, output %d shows the password %q: %s", tc.name, i, secret, text)
				}
			}
		}
		// %v, %+v and the logs show every other field, and the mask.
		for _, i := range []int{0, 1, len(out) - 2, len(out) - 1} {
			for _, want := range append(tc.shows, "*****") {
				if !strings.Contains(out[i], want) {
					t.Errorf("%s, output %d lacks %q: %s", tc.name, i, want, out[i])
				}
			}
		}
	}
	if got := fmt.Sprintf("%#v", conf); !strings.HasPrefix(got, "bwvoice.UpdateConferenceRequest{") {
		t.Errorf("%%#v: %s", got)
	}
	// A password that is not set shows as not set.
	if got := fmt.Sprintf("%+v", bwvoice.UpdateConferenceRequest{Username: "u"}); !strings.Contains(got, "Password: ") || strings.Contains(got, "*****") {
		t.Errorf("%s", got)
	}
	// The values themselves are untouched.
	if create.Password != "hook-secret" || create.MachineDetection.Password != "amd-secret" || conf.Password != "hook-secret" {
		t.Error("printing changed the value")
	}
}
