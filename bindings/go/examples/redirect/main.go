// Command redirect points a live call at new BXML ("Update active call"
// with a redirectUrl).
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_TOKEN_URL=http://127.0.0.1:PORT/api/v1/oauth2/token \
//	  BW_CLIENT_ID=client BW_CLIENT_SECRET=secret \
//	  go run ./examples/redirect -account 9900000 -call c-123 -url https://app.example/next -tag step-2
//
// It prints one line and exits 0 on success, 1 if the call failed, 2 on a
// usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

func main() {
	common := cli.Flags("give up after this long")
	url := flag.String("url", os.Getenv("BW_REDIRECT_URL"), "URL that answers with the new BXML (env BW_REDIRECT_URL)")
	tag := flag.String("tag", "", "set the call's tag")
	fallback := flag.String("fallback-url", "", "URL tried when -url fails to answer")
	usage := "-account ID -call ID -url URL [-tag T] [-fallback-url URL]"
	common.Main("redirect", usage, []*string{url}, func(client *bwvoice.Client) int {
		var opts []bwvoice.RedirectOption
		if *tag != "" {
			opts = append(opts, bwvoice.WithTag(*tag))
		}
		if *fallback != "" {
			opts = append(opts, bwvoice.WithFallback(*fallback))
		}
		err := common.Do(func(ctx context.Context) error {
			return client.Redirect(ctx, *common.Account, *common.Call, *url, opts...)
		})
		if err != nil {
			common.Failed("redirect", cli.Describe(err))
			return 1
		}
		fmt.Printf("redirected call %s to %s\n", *common.Call, *url)
		return 0
	})
}
