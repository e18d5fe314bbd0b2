// Command hangup ends a call (cancels it if it is not answered yet).
//
// Credentials come from the environment only, everything else from a flag
// or the environment (see examples/internal/cli):
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

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
	"github.com/bwvoice/bwvoice/bindings/go/examples/internal/cli"
)

func main() {
	os.Exit(run())
}

func run() int {
	common := cli.Flags("give up after this long")
	flag.Parse()
	if *common.Account == "" || *common.Call == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: hangup -account ID -call ID; see -h")
		return 2
	}

	client, err := common.Client("hangup")
	if err != nil {
		fmt.Fprintf(os.Stderr, "hangup: bad configuration: %v\n", err)
		return 2
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), *common.Timeout)
	defer cancel()
	err = client.Hangup(ctx, *common.Account, *common.Call)
	var e *bwvoice.Error
	switch {
	case err == nil:
		fmt.Printf("hung up call %s\n", *common.Call)
		return 0
	case errors.Is(err, bwvoice.ErrNotFound):
		fmt.Printf("call %s not found: it has already ended, or the id is wrong\n", *common.Call)
		return 3
	case errors.As(err, &e):
		fmt.Fprintf(os.Stderr, "hang-up of call %s failed: %v: %s\n", *common.Call, e.Status, e.Message)
	default:
		fmt.Fprintf(os.Stderr, "hang-up of call %s failed: %v\n", *common.Call, err)
	}
	return 1
}
