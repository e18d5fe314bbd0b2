// Command ivr is a small IVR webhook app: a menu read to the caller, a
// transfer on "1", a goodbye on "2".
//
//	go run ./examples/ivr [-username USER -password PASS] [-transfer-to +15550000100]
//
// It serves Bandwidth's Voice callbacks on 127.0.0.1 (a free port) with
// bwvoice.CallbackHandler, prints "listening on URL" once bound and serves
// until SIGINT or SIGTERM. With credentials every request must carry them
// (401 with the challenge without, 403 when wrong). The C
// (examples/c/ivr.c) and Python (examples/python/ivr.py) apps answer the
// same bytes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// menu is read inside a Gather whose digit comes back to /gather.
var menu = bwvoice.Gather(bwvoice.Attrs{"gatherUrl": "/gather", "maxDigits": 1},
	bwvoice.SpeakSentence("Press 1 to talk to someone, or 2 to hear a message.", nil))

// answer is the BXML answering cb; nil (204) for events that need none.
func answer(cb *bwvoice.Callback, transferTo string) *bwvoice.BXML {
	switch cb.Event {
	case bwvoice.CallbackInitiate, bwvoice.CallbackAnswer:
		return bwvoice.Response(bwvoice.SpeakSentence("Welcome to bwvoice.", nil), menu)
	case bwvoice.CallbackGather:
		switch cb.Digits {
		case "1":
			return bwvoice.Response(bwvoice.SpeakSentence("Connecting you now.", nil),
				bwvoice.Element("Transfer", bwvoice.Attrs{"transferCompleteUrl": "/transfer-complete"},
					bwvoice.Element("PhoneNumber", nil, bwvoice.Text(transferTo))))
		case "2":
			return bwvoice.Response(bwvoice.SpeakSentence("Thank you for trying bwvoice. Goodbye.", nil),
				bwvoice.Hangup())
		}
		return bwvoice.Response(bwvoice.SpeakSentence("Sorry, that is not an option.", nil), menu)
	case bwvoice.CallbackTransferComplete:
		return bwvoice.Response(bwvoice.SpeakSentence("Your call has ended. Goodbye.", nil), bwvoice.Hangup())
	}
	return nil
}

func main() {
	username := flag.String("username", "", "callback username (with -password)")
	password := flag.String("password", "", "callback password (with -username)")
	transferTo := flag.String("transfer-to", "+15550000100", "number option 1 dials")
	flag.Parse()
	if flag.NArg() != 0 || (*username == "") != (*password == "") {
		fmt.Fprintln(os.Stderr, "usage: ivr [-username USER -password PASS] [-transfer-to E164]")
		os.Exit(2)
	}
	os.Exit(serve(*username, *password, *transferTo))
}

func serve(username, password, transferTo string) int {
	handler := bwvoice.CallbackHandler(func(_ context.Context, cb *bwvoice.Callback) (*bwvoice.BXML, error) {
		return answer(cb, transferTo), nil
	}, bwvoice.CallbackHandlerOptions{Username: username, Password: password, Realm: "bwvoice"})

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "ivr: %v\n", err)
		return 1
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on http://%s\n", listener.Addr()) // stdout is unbuffered

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = server.Shutdown(shutdown)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "ivr: %v\n", err)
		return 1
	}
	return 0
}
