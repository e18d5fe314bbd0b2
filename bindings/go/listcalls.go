package bwvoice

/*
#include "bwvoice.h"

extern const bw_completion_fn bwvoice_done;
*/
import "C"

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// ListCallsQuery selects the account's calls for ListCalls and Calls; it
// mirrors the C bw_list_calls_query. An empty string, a zero time and a
// zero PageSize mean "no filter". The library checks every filter before
// sending (ErrInvalidArgument naming it, e.g. "page_size").
type ListCallsQuery struct {
	// To: only calls to this number or SIP URI, as written ("+19195551234";
	// the library encodes it, so never pre-encode it).
	To string
	// From: only calls from this number or SIP URI.
	From string
	// MinStartTime and MaxStartTime: only calls that started at or after,
	// at or before, these times (sent as RFC 3339 in UTC).
	MinStartTime time.Time
	MaxStartTime time.Time
	// DisconnectCause: only calls that ended this way (DisconnectHangup, ...).
	DisconnectCause string
	// PageSize: at most this many calls per page, 1 to 10000 (Bandwidth's
	// default 1000).
	PageSize int
	// PageToken is the page to read: "" for the first, else the previous
	// page's NextPageToken (Calls follows them for you).
	PageToken string
}

// CallPage is one page of the account's calls, oldest first (the C
// bw_call_page, copied into Go memory).
type CallPage struct {
	// Calls are read as GetCallState reads one call.
	Calls []CallState
	// NextPageToken is the next page's ListCallsQuery.PageToken, with the
	// same filters; "" on the last page.
	NextPageToken string
}

// ListCalls reads one page of the account's calls ("Get calls",
// bw_list_calls_async), oldest first. Bandwidth keeps calls for 7 days
// after they end. Safe to repeat: retried on timeouts and 5xx. A page is
// read up to 32 MiB (ErrProtocol beyond: ask for a smaller PageSize), and
// a reply that is not a list of callState, or whose Link header is
// malformed, is ErrProtocol: a page is never returned short. Calls reads
// every page. Contexts work as for ModifyCall.
func (c *Client) ListCalls(ctx context.Context, accountID string, q ListCallsQuery) (*CallPage, error) {
	var cs cstrings
	defer cs.free()
	cq := C.bw_list_calls_query{struct_size: C.sizeof_bw_list_calls_query}
	cq.to = cs.optional("to", q.To)
	cq.from = cs.optional("from", q.From)
	cq.min_start_time = cs.optional("min_start_time", rfc3339(q.MinStartTime))
	cq.max_start_time = cs.optional("max_start_time", rfc3339(q.MaxStartTime))
	cq.disconnect_cause = cs.optional("disconnect_cause", q.DisconnectCause)
	cq.page_size = cs.count("page_size", q.PageSize)
	cq.page_token = cs.optional("page_token", q.PageToken)
	account := cs.required("account_id", accountID)
	return doResult[CallPage](ctx, c, &cs, "bw_call_page", func(a *asyncCall) C.bw_status {
		return C.bw_list_calls_async(a.client, account, &cq, &a.opts, C.bwvoice_done, a.node, &a.job, a.err)
	})
}

// Calls iterates over every call q selects, page after page (ListCalls,
// starting at q.PageToken), oldest first:
//
//	for call, err := range c.Calls(ctx, accountID, bwvoice.ListCallsQuery{To: "+15551234567"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(call.CallID, call.State)
//	}
//
// It reads a page only when the previous one has been consumed, and stops
// after the last page, at the first error (yielded with a zero CallState),
// or when the loop breaks (nothing is left running). A server that hands
// out a next-page token it gave before would make the pages go round
// forever: that is an error (ErrProtocol) after the page that repeated it.
// Each page is one call with its own retries and the context's deadline
// as its budget; the context bounds the whole iteration. The sequence can
// be ranged over more than once, each time from the start.
func (c *Client) Calls(ctx context.Context, accountID string, q ListCallsQuery) iter.Seq2[CallState, error] {
	return func(yield func(CallState, error) bool) {
		q := q // each range starts afresh
		seen := map[string]bool{}
		if q.PageToken != "" {
			seen[q.PageToken] = true
		}
		for pages := 1; ; pages++ {
			page, err := c.ListCalls(ctx, accountID, q)
			if err != nil {
				yield(CallState{}, err)
				return
			}
			for _, call := range page.Calls {
				if !yield(call, nil) {
					return
				}
			}
			next := page.NextPageToken
			if next == "" {
				return
			}
			if seen[next] {
				yield(CallState{}, &Error{Status: ErrProtocol, Message: fmt.Sprintf(
					"bwvoice: page %d of the calls links to a page token the server gave before; stopped so as not to read the same pages forever", pages)})
				return
			}
			seen[next] = true
			q.PageToken = next
		}
	}
}

// newCallPage copies a bw_call_page, every call in it, into Go memory.
func newCallPage(p *C.bw_call_page) (*CallPage, error) {
	if p == nil || uintptr(p.struct_size) < C.sizeof_bw_call_page {
		return nil, tooSmall("bw_call_page")
	}
	states, ok := structPointers(p.calls, p.calls_len, C.sizeof_bw_call_state)
	if !ok {
		return nil, tooSmall("bw_call_state")
	}
	page := &CallPage{Calls: make([]CallState, len(states)), NextPageToken: C.GoString(p.next_page_token)}
	for i, s := range states {
		st, err := newCallState(s)
		if err != nil {
			return nil, err
		}
		page.Calls[i] = *st
	}
	return page, nil
}
