// Package cli is what the example commands share: the flags every one of
// them takes and the client made from them.
//
// Credentials come from the environment only (never from flags, which other
// users can see in the process list): BW_USERNAME + BW_PASSWORD (Basic) or
// BW_CLIENT_ID + BW_CLIENT_SECRET (OAuth2; BW_TOKEN_URL overrides the token
// endpoint). Everything else may be given as a flag or in the environment.
package cli

import (
	"flag"
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
// variable; the command adds its own, then calls flag.Parse.
func Flags(timeoutUsage string) Common {
	return Common{
		baseURL:  flag.String("base-url", os.Getenv("BW_BASE_URL"), "Voice API base URL (env BW_BASE_URL; default Bandwidth's)"),
		tokenURL: flag.String("token-url", os.Getenv("BW_TOKEN_URL"), "OAuth2 token URL (env BW_TOKEN_URL; default Bandwidth's)"),
		Account:  flag.String("account", os.Getenv("BW_ACCOUNT_ID"), "account id (env BW_ACCOUNT_ID)"),
		Call:     flag.String("call", os.Getenv("BW_CALL_ID"), "call id (env BW_CALL_ID)"),
		Timeout:  flag.Duration("timeout", 30*time.Second, timeoutUsage),
	}
}

// Client makes the client, naming the example in the User-Agent.
func (c Common) Client(example string) (*bwvoice.Client, error) {
	return bwvoice.NewClient(bwvoice.Options{
		BaseURL:         *c.baseURL,
		TokenURL:        *c.tokenURL,
		Username:        os.Getenv("BW_USERNAME"),
		Password:        os.Getenv("BW_PASSWORD"),
		ClientID:        os.Getenv("BW_CLIENT_ID"),
		ClientSecret:    os.Getenv("BW_CLIENT_SECRET"),
		UserAgentSuffix: "example-" + example,
	})
}
