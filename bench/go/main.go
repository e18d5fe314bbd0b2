// Command gobench is the Go side of `make bench`: the bwvoice binding
// against net/http with a reused http.Client, same body and headers, over
// a kept-alive connection to the bench's loopback server. Rounds alternate
// A B A B. Prints one JSON object per line (read by bench/report.py).
//
//	gobench latency BASE ROUNDS CALLS WARMUP
//	gobench fanout  BASE GOROUTINES CALLS ROUNDS
//	gobench threads BASE GOROUTINES
//
// threads measures the peak number of OS threads of the process while
// GOROUTINES goroutines each make one call at once (use the 20 ms server):
// first through the binding ("async": the calls run on MaxConcurrency
// library threads, the goroutines wait without one), then calling the
// blocking C bw_modify_call directly through cgo from each goroutine, as
// the binding used to ("blocking": one OS thread per waiting goroutine).
// Both send the redirect the other modes send, which the bench server
// checks for (a hang-up body would be counted as bad).
package main

/*
#cgo pkg-config: bwvoice
#include <stdlib.h>
#include "bwvoice.h"
*/
import "C"

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

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

// maxConcurrency is the async side's Options.MaxConcurrency (the library's default).
const maxConcurrency = 64

func threads(base string, goroutines int) {
	api := base + "/api/v2"
	ours, err := bwvoice.NewClient(bwvoice.Options{Username: username, Password: password, BaseURL: api,
		MaxConcurrency: maxConcurrency})
	check(err)
	defer ours.Close()
	ctx := context.Background()
	// The async side first: the blocking side's threads, once started, stay.
	async := peakThreads(goroutines, func(i int) error {
		return ours.Redirect(ctx, account, "c-"+strconv.Itoa(i), redirectURL)
	})
	emit(map[string]any{"lang": "go", "kind": "threads", "side": "async", "goroutines": goroutines,
		"max_concurrency": maxConcurrency, "peak_threads": async})

	blocking := newBlockingClient(api)
	defer C.bw_free(blocking)
	peak := peakThreads(goroutines, func(i int) error { return blockingRedirect(blocking, i) })
	emit(map[string]any{"lang": "go", "kind": "threads", "side": "blocking", "goroutines": goroutines,
		"max_concurrency": maxConcurrency, "peak_threads": peak})
}

// peakThreads runs call(0..n-1) from n goroutines released at once and
// returns the most OS threads the process had while they were in flight.
func peakThreads(n int, call func(i int) error) int {
	stop := make(chan struct{})
	peak := make(chan int, 1)
	go func() { // samples every millisecond until the calls are done
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		most := 0
		for {
			most = max(most, osThreads())
			select {
			case <-stop:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	var start, done sync.WaitGroup
	start.Add(1)
	done.Add(n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			defer done.Done()
			start.Wait()
			if err := call(i); err != nil {
				errs <- err
			}
		}()
	}
	start.Done()
	done.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		fail(err)
	}
	return <-peak
}

// osThreads is the process's current number of OS threads (/proc/self/status).
func osThreads() int {
	f, err := os.Open("/proc/self/status")
	check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			check(err)
			return n
		}
	}
	fail(fmt.Errorf("no Threads: in /proc/self/status (%v)", sc.Err()))
	return 0
}

// newBlockingClient makes a C client for the blocking side, configured like the binding's.
func newBlockingClient(api string) *C.bw_client {
	strs := []*C.char{C.CString(api), C.CString(username), C.CString(password), C.CString("go")}
	defer func() {
		for _, s := range strs {
			C.free(unsafe.Pointer(s))
		}
	}()
	cfg := C.bw_client_config{struct_size: C.sizeof_bw_client_config}
	cfg.base_url, cfg.username, cfg.password, cfg.user_agent_suffix = strs[0], strs[1], strs[2], strs[3]
	var client *C.bw_client
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	if status := C.bw_client_new(&cfg, &client, &cerr); status != C.BW_OK {
		fail(fmt.Errorf("bw_client_new: %s", C.GoString(&cerr.message[0])))
	}
	return client
}

// blockingRedirect sends the redirect with the blocking bw_modify_call,
// holding this goroutine's OS thread until the answer.
func blockingRedirect(client *C.bw_client, i int) error {
	acct, call, url := C.CString(account), C.CString("c-"+strconv.Itoa(i)), C.CString(redirectURL)
	defer C.free(unsafe.Pointer(acct))
	defer C.free(unsafe.Pointer(call))
	defer C.free(unsafe.Pointer(url))
	req := C.bw_modify_call_request{struct_size: C.sizeof_bw_modify_call_request, redirect_url: url}
	cerr := C.bw_error{struct_size: C.sizeof_bw_error}
	if status := C.bw_modify_call(client, acct, call, &req, nil, &cerr); status != C.BW_OK {
		return fmt.Errorf("bw_modify_call: %s", C.GoString(&cerr.message[0]))
	}
	return nil
}

func main() {
	count := 6
	if len(os.Args) > 1 && os.Args[1] == "threads" {
		count = 4
	}
	if len(os.Args) != count {
		fail(fmt.Errorf("usage: gobench latency|fanout BASE N N N, or gobench threads BASE GOROUTINES"))
	}
	n := make([]int, count-3)
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
	case "threads":
		threads(os.Args[2], n[0])
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
