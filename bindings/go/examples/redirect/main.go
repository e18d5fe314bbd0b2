// Command redirect points a live call at new BXML ("Update active call"
// with a redirectUrl).
//
// Credentials come from the environment only (never from flags, which other
// users can see in the process list): BW_USERNAME + BW_PASSWORD (Basic) or
// BW_CLIENT_ID + BW_CLIENT_SECRET (OAuth2; BW_TOKEN_URL overrides the token
// endpoint). Everything else may be given as a flag or in the environment:
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_USERNAME=user BW_PASSWORD=pass \
//	  go run ./examples/redirect -account 9900000 -call c-123 -url https://app.example/next -tag step-2
//
// It prints one line and exits 0 on success, 1 if the call failed, 2 on a
// usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

func main() {
	os.Exit(run())
}

func run() int {
	baseURL := flag.String("base-url", os.Getenv("BW_BASE_URL"), "Voice API base URL (env BW_BASE_URL; default Bandwidth's)")
	tokenURL := flag.String("token-url", os.Getenv("BW_TOKEN_URL"), "OAuth2 token URL (env BW_TOKEN_URL; default Bandwidth's)")
	account := flag.String("account", os.Getenv("BW_ACCOUNT_ID"), "account id (env BW_ACCOUNT_ID)")
	call := flag.String("call", os.Getenv("BW_CALL_ID"), "call id (env BW_CALL_ID)")
	url := flag.String("url", os.Getenv("BW_REDIRECT_URL"), "URL that answers with the new BXML (env BW_REDIRECT_URL)")
	tag := flag.String("tag", "", "set the call's tag")
	fallback := flag.String("fallback-url", "", "URL tried when -url fails to answer")
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()
	if *account == "" || *call == "" || *url == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: redirect -account ID -call ID -url URL [-tag T] [-fallback-url URL]; see -h")
		return 2
	}

	client, err := bwvoice.NewClient(bwvoice.Options{
		BaseURL:         *baseURL,
		TokenURL:        *tokenURL,
		Username:        os.Getenv("BW_USERNAME"),
		Password:        os.Getenv("BW_PASSWORD"),
		ClientID:        os.Getenv("BW_CLIENT_ID"),
		ClientSecret:    os.Getenv("BW_CLIENT_SECRET"),
		UserAgentSuffix: "example-redirect",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "redirect: bad configuration: %v\n", err)
		return 2
	}
	defer client.Close()

	var opts []bwvoice.RedirectOption
	if *tag != "" {
		opts = append(opts, bwvoice.WithTag(*tag))
	}
	if *fallback != "" {
		opts = append(opts, bwvoice.WithFallback(*fallback))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	err = client.Redirect(ctx, *account, *call, *url, opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "redirect of call %s failed: %s\n", *call, describe(err))
		return 1
	}
	fmt.Printf("redirected call %s to %s\n", *call, *url)
	return 0
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
	case errors.Is(err, bwvoice.ErrRateLimited) && e.RetryAfter > 0:
		text += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	case errors.Is(err, context.DeadlineExceeded):
		text += " (-timeout reached)"
	}
	return text
}
