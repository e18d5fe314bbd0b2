// Package cli is what the example commands share: the flags every one of
// them takes, the client made from them, the time budget of each call and
// how a failure is put into words.
//
// Credentials come from the environment only (never from flags, which other
// users can see in the process list): the OAuth2 client credentials
// BW_CLIENT_ID + BW_CLIENT_SECRET (Bandwidth retired Basic API-user
// credentials on 2026-12-02). Everything else, the token endpoint
// included, may be given as a flag or in the environment.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// Common holds the flags every example takes: -base-url, -token-url,
// -account, -call and -timeout.
type Common struct {
	baseURL, tokenURL *string
	Account, Call     *string
	Timeout           *time.Duration
}

// Flags registers the common flags, each defaulting to its environment
// variable; the command adds its own, then calls Main.
func Flags(timeoutUsage string) Common {
	return Common{
		baseURL:  flag.String("base-url", os.Getenv("BW_BASE_URL"), "Voice API base URL (env BW_BASE_URL; default Bandwidth's)"),
		tokenURL: flag.String("token-url", os.Getenv("BW_TOKEN_URL"), "OAuth2 token URL (env BW_TOKEN_URL; default Bandwidth's)"),
		Account:  flag.String("account", os.Getenv("BW_ACCOUNT_ID"), "account id (env BW_ACCOUNT_ID)"),
		Call:     flag.String("call", os.Getenv("BW_CALL_ID"), "call id (env BW_CALL_ID)"),
		Timeout:  flag.Duration("timeout", 30*time.Second, timeoutUsage),
	}
}

// Main runs the example called name and exits with its code: it parses
// the command line, makes the client, runs body with it and closes it.
// A usage error (no -account or -call, an empty required flag of the
// command's own, or an argument) prints "usage: name usage; see -h" and a
// bad configuration says why; both exit 2 without running body.
func (c Common) Main(name, usage string, required []*string, body func(client *bwvoice.Client) int) {
	os.Exit(c.run(name, usage, required, body))
}

func (c Common) run(name, usage string, required []*string, body func(client *bwvoice.Client) int) int {
	flag.Parse()
	bad := *c.Account == "" || *c.Call == "" || flag.NArg() != 0
	for _, r := range required {
		bad = bad || *r == ""
	}
	if bad {
		fmt.Fprintf(os.Stderr, "usage: %s %s; see -h\n", name, usage)
		return 2
	}
	client, err := c.Client(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: bad configuration: %v\n", name, err)
		return 2
	}
	defer client.Close() // before os.Exit, which runs no deferred calls
	return body(client)
}

// Client makes the client, naming the example in the User-Agent.
func (c Common) Client(example string) (*bwvoice.Client, error) {
	return bwvoice.NewClient(bwvoice.Options{
		BaseURL:         *c.baseURL,
		TokenURL:        *c.tokenURL,
		ClientID:        os.Getenv("BW_CLIENT_ID"),
		ClientSecret:    os.Getenv("BW_CLIENT_SECRET"),
		UserAgentSuffix: "example-" + example,
	})
}

// Do runs op with its own budget: the context's deadline, -timeout from
// now, is the call's time budget (capped by Options.Timeout).
func (c Common) Do(op func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), *c.Timeout)
	defer cancel()
	return op(ctx)
}

// Failed reports on stderr that what, an operation on the call, failed
// for reason (Explain's or Describe's words).
func (c Common) Failed(what, reason string) {
	fmt.Fprintf(os.Stderr, "%s of call %s failed: %s\n", what, *c.Call, reason)
}

// Explain puts err in one line: a *bwvoice.Error's status and message,
// any other error's text.
func Explain(err error) string {
	var e *bwvoice.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	return fmt.Sprintf("%v: %s", e.Status, e.Message)
}

// Describe is Explain with a hint for the failures a user can act on.
func Describe(err error) string {
	text := Explain(err)
	var e *bwvoice.Error
	if !errors.As(err, &e) {
		return text
	}
	switch {
	case errors.Is(err, bwvoice.ErrNotFound):
		text += " (the call has already ended, or the id is wrong)"
	case errors.Is(err, bwvoice.ErrConflict):
		text += " (the call is not answered yet)"
	case errors.Is(err, bwvoice.ErrRateLimited) && e.RetryAfter > 0:
		text += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	case errors.Is(err, context.DeadlineExceeded):
		text += " (-timeout reached)"
	}
	return text
}
