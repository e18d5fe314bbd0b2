package bwvoice_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bwvoice "github.com/bwvoice/bwvoice/bindings/go"
)

// Every filter reaches the query string, encoded, and selects as it should.
func TestListCallsEveryFilter(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	ctx := context.Background()
	earliest := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	latest := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	match := shared.createCallWith(t, map[string]any{"accountId": acct, "state": "answered", "to": "+15551110001", "from": "+15552220001"})
	other := shared.createCallWith(t, map[string]any{"accountId": acct, "state": "answered", "to": "+15551110001", "from": "+15552220001"})
	shared.createCallWith(t, map[string]any{"accountId": acct, "state": "answered", "to": "+15551110002", "from": "+15552220001"})
	if err := c.Hangup(ctx, acct, match); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyCall(ctx, acct, other, bwvoice.ModifyCallRequest{RedirectURL: shared.appURL("x")}); err != nil {
		t.Fatal(err)
	}

	page, err := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{
		To: "+15551110001", From: "+15552220001", MinStartTime: earliest, MaxStartTime: latest.In(time.FixedZone("X", 3600)),
		DisconnectCause: bwvoice.DisconnectHangup, PageSize: 5,
	})
	if err != nil {
		t.Fatalf("ListCalls: %v", err)
	}
	if len(page.Calls) != 1 || page.Calls[0].CallID != match || page.NextPageToken != "" {
		t.Fatalf("page %+v, want only %s", page, match)
	}
	got := page.Calls[0]
	checkAgainstSim(t, "listed", &got, shared.call(t, match))

	var list []loggedRequest
	for _, r := range shared.accountRequests(t, acct) {
		if r.Method == "GET" {
			list = append(list, r)
		}
	}
	stamp := func(t time.Time) string { return strings.ReplaceAll(t.UTC().Format(time.RFC3339), ":", "%3A") }
	want := "/api/v2/accounts/" + acct + "/calls?to=%2B15551110001&from=%2B15552220001&minStartTime=" + stamp(earliest) +
		"&maxStartTime=" + stamp(latest) + "&disconnectCause=hangup&pageSize=5"
	if len(list) != 1 || list[0].Path != want || list[0].Body != "" {
		t.Errorf("requests %+v\nwant GET %s", list, want)
	}

	// No filter: every call of the account, oldest first; one with no match: empty.
	all, err := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{})
	if err != nil || len(all.Calls) != 3 || all.Calls[0].CallID != match || all.Calls[1].CallID != other {
		t.Errorf("unfiltered: %+v, %v", all, err)
	}
	none, err := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{To: "+15559999999"})
	if err != nil || len(none.Calls) != 0 || none.NextPageToken != "" {
		t.Errorf("no match: %+v, %v", none, err)
	}
}

// The iterator reads 25 calls in pages of 10: every call once, in order,
// three requests; breaking early sends no further request and leaves
// nothing running; a second range starts over.
func TestCallsIterator(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := newClient(t, shared.basicOptions())
	ctx := context.Background()
	created := shared.createCalls(t, acct, 25)

	ids, err := collect(c.Calls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 10}))
	if err != nil {
		t.Fatalf("Calls: %v", err)
	}
	if !slices.Equal(ids, created) {
		t.Errorf("Calls yielded %v\nwant %v", ids, created)
	}
	reqs := shared.accountRequests(t, acct)
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	base := "/api/v2/accounts/" + acct + "/calls?pageSize=10"
	if reqs[0].Path != base || !strings.HasPrefix(reqs[1].Path, base+"&pageToken=") ||
		!strings.HasPrefix(reqs[2].Path, base+"&pageToken=") || reqs[1].Path == reqs[2].Path {
		t.Errorf("paths %q %q %q", reqs[0].Path, reqs[1].Path, reqs[2].Path)
	}

	// Break in the second page.
	var seen []string
	for call, err := range c.Calls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, call.CallID)
		if len(seen) == 12 {
			break
		}
	}
	if !slices.Equal(seen, created[:12]) {
		t.Errorf("broken loop saw %v", seen)
	}
	if n := len(shared.accountRequests(t, acct)); n != 5 {
		t.Errorf("%d requests after breaking in the second page, want 5", n)
	}
	if st := c.Stats(); st.JobsQueued != 0 || st.JobsRunning != 0 {
		t.Errorf("after the break: %d queued, %d running", st.JobsQueued, st.JobsRunning)
	}

	// The same sequence, ranged again, starts over; from a token, it starts there.
	seq := c.Calls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 20})
	for range 2 {
		if ids, err := collect(seq); err != nil || !slices.Equal(ids, created) {
			t.Errorf("ranged again: %d calls, %v", len(ids), err)
		}
	}
	first, err := c.ListCalls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 20})
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	if ids, err := collect(c.Calls(ctx, acct, bwvoice.ListCallsQuery{PageSize: 20, PageToken: first.NextPageToken})); err != nil || !slices.Equal(ids, created[20:]) {
		t.Errorf("from the second page: %v, %v", ids, err)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for job, st := range checkExactlyOnce(t, c) {
		if st != 0 {
			t.Errorf("job %d ended with %v", job, st)
		}
	}
}

// pagingServer is a net/http server on 127.0.0.1 that answers listCalls
// with one call per page and the next-page token that next gives for the
// token of the request ("" for the first page).
type pagingServer struct {
	url  string
	mu   sync.Mutex
	seen []string // the pageToken of each request
}

func startPagingServer(t *testing.T, next func(token string) string) *pagingServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &pagingServer{url: "http://" + ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("pageToken")
		s.mu.Lock()
		s.seen = append(s.seen, token)
		n := len(s.seen)
		s.mu.Unlock()
		if t := next(token); t != "" {
			w.Header().Set("Link", "<"+s.url+r.URL.Path+"?pageToken="+t+">; rel=\"next\"")
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"callId":"c-%d","accountId":"a1","state":"answered"}]`, n)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *pagingServer) tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// A hostile server that hands out a token it gave before would make the
// iterator read the same pages forever: it stops with ErrProtocol.
func TestCallsIteratorRepeatedToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		next   map[string]string
		tokens []string // the requests' tokens, in order
		calls  int
	}{
		{"same token forever", map[string]string{"": "same", "same": "same"}, []string{"", "same"}, 2},
		{"a cycle", map[string]string{"": "A", "A": "B", "B": "A"}, []string{"", "A", "B"}, 3},
		{"back to the start token", map[string]string{"S": "T", "T": "S"}, []string{"S", "T"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startPagingServer(t, func(token string) string { return tc.next[token] })
			c := shared.client(t, bwvoice.Options{BaseURL: s.url + "/api/v2", Username: "u", Password: "p"})
			start := tc.tokens[0]
			ids, err := collect(c.Calls(context.Background(), "a1", bwvoice.ListCallsQuery{PageToken: start}))
			e := asError(t, err, bwvoice.ErrProtocol)
			if !strings.Contains(e.Message, "page token") {
				t.Errorf("message %q", e.Message)
			}
			if len(ids) != tc.calls {
				t.Errorf("yielded %v before the error, want %d calls", ids, tc.calls)
			}
			if got := s.tokens(); !slices.Equal(got, tc.tokens) {
				t.Errorf("requests with tokens %q, want %q", got, tc.tokens)
			}
		})
	}
}

// An error stops the iteration: it is yielded once, with a zero CallState,
// after the calls of the pages read before it.
func TestCallsIteratorError(t *testing.T) {
	t.Parallel()
	acct := accountID(t)
	c := shared.client(t, shared.basicOptions())
	created := shared.createCalls(t, acct, 3)
	first, err := c.ListCalls(context.Background(), acct, bwvoice.ListCallsQuery{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	shared.fault(t, fault{Match: acct, Route: "calls", Method: "GET", Status: 403, Count: 1})
	var yields int
	for call, err := range c.Calls(context.Background(), acct, bwvoice.ListCallsQuery{PageSize: 2, PageToken: first.NextPageToken}) {
		yields++
		if err == nil || call.CallID != "" {
			t.Errorf("yield %d: %+v, %v", yields, call, err)
		}
		asError(t, err, bwvoice.ErrForbidden)
	}
	if yields != 1 {
		t.Errorf("%d yields, want the error once", yields)
	}
	shared.fault(t, fault{Match: acct, Route: "calls", Method: "GET", Status: 400, Count: 1})
	ids, err := collect(c.Calls(context.Background(), acct, bwvoice.ListCallsQuery{PageSize: 2}))
	if !errors.Is(err, bwvoice.ErrBadRequest) || len(ids) != 0 {
		t.Errorf("first page refused: %v, %v", ids, err)
	}
	if ids, err := collect(c.Calls(context.Background(), acct, bwvoice.ListCallsQuery{})); err != nil || !slices.Equal(ids, created) {
		t.Errorf("afterwards: %v, %v", ids, err)
	}
}

// The core validates the query; nothing is sent on a bad filter.
func TestListCallsValidation(t *testing.T) {
	t.Parallel()
	checkRefusedSendNothing(t, func(ctx context.Context, c *bwvoice.Client, acct, _, _ string) []refusal {
		list := func(q bwvoice.ListCallsQuery) error {
			page, err := c.ListCalls(ctx, acct, q)
			if page != nil && err != nil {
				t.Errorf("ListCalls returned a page with its error")
			}
			return err
		}
		now := time.Now()
		return []refusal{
			{"page_size", list(bwvoice.ListCallsQuery{PageSize: 10001})},
			{"page_size", list(bwvoice.ListCallsQuery{PageSize: -1})},
			{"to", list(bwvoice.ListCallsQuery{To: "%2B15551110001"})},
			{"from", list(bwvoice.ListCallsQuery{From: "+1555\x01"})},
			{"from", list(bwvoice.ListCallsQuery{From: "+1555\x00"})},
			{"disconnect_cause", list(bwvoice.ListCallsQuery{DisconnectCause: "hang\nup"})},
			{"disconnect_cause", list(bwvoice.ListCallsQuery{DisconnectCause: strings.Repeat("x", 257)})},
			{"min_start_time", list(bwvoice.ListCallsQuery{MinStartTime: now, MaxStartTime: now.Add(-time.Second)})},
			{"max_start_time", list(bwvoice.ListCallsQuery{MaxStartTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})},
			{"page_token", list(bwvoice.ListCallsQuery{PageToken: "tok\x7f"})},
			{"page_token", list(bwvoice.ListCallsQuery{PageToken: strings.Repeat("t", 4097)})},
			{"account_id", func() error { _, err := c.ListCalls(ctx, "", bwvoice.ListCallsQuery{}); return err }()},
			{"page_size", callsErr(ctx, c, acct, bwvoice.ListCallsQuery{PageSize: 10001})},
		}
	})
}
