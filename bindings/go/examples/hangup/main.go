// Command hangup ends a call (cancels it if it is not answered yet).
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
//
//	BW_BASE_URL=http://127.0.0.1:PORT/api/v2 BW_TOKEN_URL=http://127.0.0.1:PORT/api/v1/oauth2/token \
//	  BW_CLIENT_ID=client BW_CLIENT_SECRET=secret \
//	  go run ./examples/hangup -account 9900000 -call c-123
//
// It prints one line and exits 0 on success, 3 if the call had already ended
// (404), 1 on any other failure, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"fmt"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

func main() {
	common := cli.Flags("give up after this long")
	common.Main("hangup", "-account ID -call ID", nil, func(client *bwvoice.Client) int {
		err := common.Do(func(ctx context.Context) error { return client.Hangup(ctx, *common.Account, *common.Call) })
		switch {
		case err == nil:
			fmt.Printf("hung up call %s\n", *common.Call)
			return 0
		case errors.Is(err, bwvoice.ErrNotFound):
			fmt.Printf("call %s not found: it has already ended, or the id is wrong\n", *common.Call)
			return 3
		}
		// Explain, not Describe: the failure worth a hint here (the call
		// has ended) has its own exit code, above.
		common.Failed("hang-up", cli.Explain(err))
		return 1
	})
}
