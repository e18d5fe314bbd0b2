// Command redirect points a live call at new BXML ("Update active call"
// with a redirectUrl).
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
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

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

func main() {
	os.Exit(run())
}

func run() int {
	common := cli.Flags("give up after this long")
	url := flag.String("url", os.Getenv("BW_REDIRECT_URL"), "URL that answers with the new BXML (env BW_REDIRECT_URL)")
	tag := flag.String("tag", "", "set the call's tag")
	fallback := flag.String("fallback-url", "", "URL tried when -url fails to answer")
	flag.Parse()
	if *common.Account == "" || *common.Call == "" || *url == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: redirect -account ID -call ID -url URL [-tag T] [-fallback-url URL]; see -h")
		return 2
	}

	client, err := common.Client("redirect")
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
	ctx, cancel := context.WithTimeout(context.Background(), *common.Timeout)
	defer cancel()
	err = client.Redirect(ctx, *common.Account, *common.Call, *url, opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "redirect of call %s failed: %s\n", *common.Call, describe(err))
		return 1
	}
	fmt.Printf("redirected call %s to %s\n", *common.Call, *url)
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
