// Command gobench is the Go side of `make bench`: the bwvoice binding
// against net/http with a reused http.Client, same body and headers, over
// a kept-alive connection to the bench's loopback server. Rounds alternate
// A B A B. Prints one JSON object per line (read by bench/report.py).
//
//	gobench latency BASE ROUNDS CALLS WARMUP
//	gobench fanout  BASE GOROUTINES CALLS ROUNDS
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

const (
	account     = "9900000"
	redirectURL = "https://app.example/next"
	username    = "user"
	password    = "pass"
	basic       = "Basic dXNlcjpwYXNz" // base64("user:pass")
)

type side struct {
	name string
	call func(ctx context.Context, i int) error
}

func sides(base string, conns int) []side {
	api := base + "/api/v2"
	ours, err := bwvoice.NewClient(bwvoice.Options{Username: username, Password: password, BaseURL: api})
	if err != nil {
		fail(err)
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     90 * time.Second,
		},
	}
	userAgent := bwvoice.Version()
	netHTTP := func(ctx context.Context, i int) error {
		body, err := json.Marshal(map[string]string{"redirectUrl": redirectURL})
		if err != nil {
			return err
		}
		url := api + "/accounts/" + account + "/calls/c-" + strconv.Itoa(i)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", userAgent)
		req.Header.Set("Authorization", basic)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("net/http: HTTP %d", resp.StatusCode)
		}
		return err
	}
	return []side{
		{"bwvoice", func(ctx context.Context, i int) error {
			return ours.Redirect(ctx, account, "c-"+strconv.Itoa(i), redirectURL)
		}},
		{"net/http", netHTTP},
	}
}

func latency(base string, rounds, calls, warmup int) {
	ctx := context.Background()
	all := sides(base, 4)
	id := 0
	for _, s := range all {
		for range warmup {
			check(s.call(ctx, id))
			id++
		}
	}
	results := make([][]float64, len(all))
	for range rounds { // A B A B ...
		for k, s := range all {
			t0 := time.Now()
			for range calls {
				check(s.call(ctx, id))
				id++
			}
			results[k] = append(results[k], float64(time.Since(t0).Nanoseconds())/1e3/float64(calls))
		}
	}
	for k, s := range all {
		emit(map[string]any{"lang": "go", "kind": "latency", "side": s.name, "us_per_call": results[k]})
	}
	emit(map[string]any{"lang": "go", "kind": "versions", "go": runtime.Version(), "bwvoice": bwvoice.Version()})
}

func fanout(base string, goroutines, calls, rounds int) {
	ctx := context.Background()
	all := sides(base, goroutines*2)
	id := 0
	round := func(s side, perG int) float64 {
		var start, done sync.WaitGroup
		start.Add(1)
		done.Add(goroutines)
		for g := range goroutines {
			first := id + g*perG
			go func() {
				defer done.Done()
				start.Wait()
				for i := range perG {
					check(s.call(ctx, first+i))
				}
			}()
		}
		id += goroutines * perG
		t0 := time.Now()
		start.Done()
		done.Wait()
		return float64(goroutines*perG) / time.Since(t0).Seconds()
	}
	for _, s := range all {
		round(s, 2) // warm-up: open the connections
	}
	results := make([][]float64, len(all))
	for range rounds {
		for k, s := range all {
			results[k] = append(results[k], round(s, calls))
		}
	}
	for k, s := range all {
		emit(map[string]any{"lang": "go", "kind": "fanout", "side": s.name, "threads": goroutines,
			"calls_per_thread": calls, "calls_per_s": results[k]})
	}
}

func main() {
	if len(os.Args) != 6 {
		fail(fmt.Errorf("usage: gobench latency|fanout BASE N N N"))
	}
	n := make([]int, 3)
	for i := range n {
		v, err := strconv.Atoi(os.Args[3+i])
		check(err)
		n[i] = v
	}
	switch os.Args[1] {
	case "latency":
		latency(os.Args[2], n[0], n[1], n[2])
	case "fanout":
		fanout(os.Args[2], n[0], n[1], n[2])
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}

func emit(v map[string]any) {
	b, err := json.Marshal(v)
	check(err)
	fmt.Println(string(b))
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gobench:", err)
	os.Exit(1)
}
