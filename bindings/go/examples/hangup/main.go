// Command hangup ends a call (cancels it if it is not answered yet).
//
// Credentials come from the environment only (never from flags, which other
// users can see in the process list): BW_USERNAME + BW_PASSWORD (Basic) or
// BW_CLIENT_ID + BW_CLIENT_SECRET (OAuth2; BW_TOKEN_URL overrides the token
// endpoint). Everything else may be given as a flag or in the environment:
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_USERNAME=user BW_PASSWORD=pass \
//	  go run ./examples/hangup -account 9900000 -call c-123
//
// It prints one line and exits 0 on success, 3 if the call had already ended
// (404), 1 on any other failure, 2 on a usage error.
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
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()
	if *account == "" || *call == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: hangup -account ID -call ID; see -h")
		return 2
	}

	client, err := bwvoice.NewClient(bwvoice.Options{
		BaseURL:         *baseURL,
		TokenURL:        *tokenURL,
		Username:        os.Getenv("BW_USERNAME"),
		Password:        os.Getenv("BW_PASSWORD"),
		ClientID:        os.Getenv("BW_CLIENT_ID"),
		ClientSecret:    os.Getenv("BW_CLIENT_SECRET"),
		UserAgentSuffix: "example-hangup",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "hangup: bad configuration: %v\n", err)
		return 2
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	err = client.Hangup(ctx, *account, *call)
	var e *bwvoice.Error
	switch {
	case err == nil:
		fmt.Printf("hung up call %s\n", *call)
		return 0
	case errors.Is(err, bwvoice.ErrNotFound):
		fmt.Printf("call %s not found: it has already ended, or the id is wrong\n", *call)
		return 3
	case errors.As(err, &e):
		fmt.Fprintf(os.Stderr, "hang-up of call %s failed: %v: %s\n", *call, e.Status, e.Message)
	default:
		fmt.Fprintf(os.Stderr, "hang-up of call %s failed: %v\n", *call, err)
	}
	return 1
}
