package bwvoice

// The completion side of the asynchronous C calls, and the delivery of
// events. Nothing here enters Go from a library thread: a cgo callback
// from a thread Go did not start is slow (the thread has to be bound to an
// M, and the goroutine it wakes then waits for the scheduler,
// golang/go#57103: 85-100 µs per call instead of ~15 µs). Instead:
//
//   - The library calls C functions (bwvoice_completed, bwvoice_on_event)
//     on its worker thread. They copy what Go needs into a malloc'd node,
//     push it on the client's queue (a mutex-protected FIFO list) and, if
//     the queue was empty, write to the queue's eventfd.
//   - One goroutine per client (reader.run) waits for the eventfd to become
//     readable through an *os.File, so it parks in the netpoller holding
//     no thread. When woken it takes the whole list with one cgo call,
//     converts each node into Go values, delivers it (an event to the
//     Logger and OnEvent, a completion to the waiting call's channel) and
//     frees the nodes with one more cgo call.
//
// The library reports a call's events on the thread running the call, and
// its completion after them on the same thread, so the single FIFO queue
// delivers every event of a call before its completion.
//
// eventfd is Linux-only, as is the project; a pipe would do elsewhere, but
// there is no such fallback.
//
// Why a queue of the binding's own rather than the library's bw_queue:
//
//   - Events travel with completions. OnEvent is promised a call's events
//     before its completion. bw_queue carries completions only, events
//     arrive through on_event: one FIFO that both callbacks push onto
//     keeps their order as it happened, two would need sequence numbers
//     to merge.
//   - A completion finds its waiter through its node. With bw_queue the
//     userdata is the queue, so completions would be matched to waiters by
//     job id, and a call can complete before its bw_*_async has returned
//     that id: the reader would have to hold completions for ids it does
//     not know yet.
//   - One cgo call per batch: the reader takes the whole list with one
//     call and frees it with another, where bw_queue_next takes one
//     completion per call and writes the 2.4 KB error record each time.

/*
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "bwvoice.h"

enum { BWVOICE_NODE_COMPLETION = 1, BWVOICE_NODE_EVENT = 2 };
enum { BWVOICE_SUBMITTING = 0, BWVOICE_QUEUED = 1, BWVOICE_DONE_EARLY = 2 };

// The start of every node on a queue.
typedef struct bwvoice_node {
	struct bwvoice_node *next;
	int32_t kind; // BWVOICE_NODE_*
} bwvoice_node;

// One client's FIFO of nodes for Go, and the eventfd that wakes its reader.
// Freed (bwvoice_queue_free) by the reader once it has seen `stopped`,
// which Go sets only after bw_free has returned: by then the library's
// threads have all exited, so no callback can touch the queue any more.
typedef struct bwvoice_queue {
	pthread_mutex_t mu;
	bwvoice_node *head, *tail;
	int efd;     // owned by the reader's *os.File, which closes it
	int stopped; // set by bwvoice_queue_stop
	// The error record of the client's submits, which Go serialises
	// (Client.submitting): one per client rather than 2.4 KB per call.
	bw_error submit_err;
} bwvoice_queue;

// A submitted call. Allocated at submit time (bwvoice_completion_new), so
// that completing a call needs no allocation and exactly-once cannot fail
// for lack of memory; passed to the library as userdata. Small, so that
// the common case (success) stays cheap: the 2.4 KB error record is
// copied into an allocation of its own, on failure only.
typedef struct bwvoice_completion {
	bwvoice_node node;
	// BWVOICE_SUBMITTING until Go has seen bw_*_async return, then
	// BWVOICE_QUEUED; BWVOICE_DONE_EARLY when the call completed before
	// that (inline, BW_CALL_INLINE): the node then stays with the
	// submitter instead of going through the queue. Starts as
	// BWVOICE_QUEUED when that is not allowed. Atomic.
	int state;
	bwvoice_queue *queue;
	uintptr_t handle; // the call's cgo.Handle
	uint64_t job_id;
	bw_status status;
	bw_result *result;    // the call's result, kept (bw_result_dup), or NULL
	bw_error *err;        // a copy of the library's record on failure; NULL if out of memory
} bwvoice_completion;

// One bw_event; its strings point into the same allocation, just after
// the struct.
typedef struct bwvoice_event {
	bwvoice_node node;
	bw_event event;
} bwvoice_event;

static bwvoice_queue *bwvoice_queue_new(int *error) {
	bwvoice_queue *q = calloc(1, sizeof *q);
	if (q == NULL) {
		*error = ENOMEM;
		return NULL;
	}
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		*error = errno;
		free(q);
		return NULL;
	}
	q->submit_err.struct_size = sizeof q->submit_err;
	int rc = pthread_mutex_init(&q->mu, NULL);
	if (rc != 0) {
		*error = rc;
		close(q->efd);
		free(q);
		return NULL;
	}
	return q;
}

// Frees the queue; its eventfd is closed by Go.
static void bwvoice_queue_free(bwvoice_queue *q) {
	pthread_mutex_destroy(&q->mu);
	free(q);
}

// Makes the eventfd readable (adds 1 to its counter). Keeps the caller's
// errno: this runs on the library's threads.
static void bwvoice_wake(bwvoice_queue *q) {
	int saved = errno;
	uint64_t one = 1;
	while (write(q->efd, &one, sizeof one) < 0 && errno == EINTR) {
	}
	errno = saved;
}

// Appends n and wakes the reader if the queue was empty. A non-empty queue
// has a wake-up coming already: the push that made it non-empty writes
// one, and the reader always takes the whole list (a wake-up that finds it
// taken is harmless). The write happens after the unlock: the queue and
// its eventfd outlive it, see above.
static void bwvoice_push(bwvoice_queue *q, bwvoice_node *n) {
	n->next = NULL;
	pthread_mutex_lock(&q->mu);
	int wake = q->head == NULL;
	if (wake) {
		q->head = n;
	} else {
		q->tail->next = n;
	}
	q->tail = n;
	pthread_mutex_unlock(&q->mu);
	if (wake) {
		bwvoice_wake(q);
	}
}

// Takes every queued node, oldest first, and whether Go has stopped the
// queue (then nothing will be pushed any more).
static bwvoice_node *bwvoice_queue_take(bwvoice_queue *q, int *stopped) {
	pthread_mutex_lock(&q->mu);
	bwvoice_node *n = q->head;
	q->head = q->tail = NULL;
	*stopped = q->stopped;
	pthread_mutex_unlock(&q->mu);
	return n;
}

// Tells the reader to exit once it has drained the queue. Only after
// bw_free has returned.
static void bwvoice_queue_stop(bwvoice_queue *q) {
	pthread_mutex_lock(&q->mu);
	q->stopped = 1;
	pthread_mutex_unlock(&q->mu);
	bwvoice_wake(q);
}

// Frees a list taken by bwvoice_queue_take, results included.
static void bwvoice_nodes_free(bwvoice_node *n) {
	while (n != NULL) {
		bwvoice_node *next = n->next;
		if (n->kind == BWVOICE_NODE_COMPLETION) {
			bw_result_free(((bwvoice_completion *)n)->result);
			free(((bwvoice_completion *)n)->err);
		}
		free(n);
		n = next;
	}
}

// The userdata of one call, made by Client.submit (bwvoice.go) right
// before the bw_*_async call and freed there if nothing was queued. NULL
// when out of memory.
//
// early: the completion may be handed to the submitter when the call
// completes before bw_*_async returns. Not for a client with events: they
// travel through the queue, and the completion must come after them.
static void *bwvoice_completion_new(bwvoice_queue *queue, uintptr_t handle, int early) {
	bwvoice_completion *c = malloc(sizeof *c);
	if (c == NULL) {
		return NULL;
	}
	c->node.kind = BWVOICE_NODE_COMPLETION;
	c->node.next = NULL;
	c->state = early ? BWVOICE_SUBMITTING : BWVOICE_QUEUED;
	c->queue = queue;
	c->handle = handle;
	c->result = NULL;
	c->err = NULL;
	return c;
}

// The bw_completion_fn of every call, on a library thread: err and result
// are valid during the call only, so the node gets a copy of err (on
// failure) and a reference to result.
static void bwvoice_completed(void *userdata, uint64_t job_id, bw_status status, const bw_error *err, const bw_result *result) {
	bwvoice_completion *c = userdata;
	c->job_id = job_id;
	c->status = status;
	if (status != BW_OK && err != NULL) { // Go reads the record only on failure
		c->err = calloc(1, sizeof *c->err);
		if (c->err != NULL) {
			memcpy(c->err, err, err->struct_size < sizeof *c->err ? err->struct_size : sizeof *c->err);
			c->err->struct_size = sizeof *c->err;
		}
	}
	// A reference, not a copy. NULL if none (or if the library could not
	// keep it): GetCallState then reports ErrInternal.
	c->result = bw_result_dup(result);
	int submitting = BWVOICE_SUBMITTING;
	if (__atomic_compare_exchange_n(&c->state, &submitting, BWVOICE_DONE_EARLY, 0, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE)) {
		return; // bwvoice_submitted hands it to the submitter
	}
	bwvoice_push(c->queue, &c->node);
}

// Called by Go once bw_*_async has returned BW_OK for node: 1 if the call
// has completed already (the node is Go's to deliver and free), 0 if its
// completion will come through the queue.
static int bwvoice_submitted(void *node) {
	bwvoice_completion *c = node;
	int seen = BWVOICE_SUBMITTING;
	if (__atomic_compare_exchange_n(&c->state, &seen, BWVOICE_QUEUED, 0, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE)) {
		return 0;
	}
	return seen == BWVOICE_DONE_EARLY;
}

// An error record of its own for an inline submit, which does not take
// the client's shared one (Client.submitting) for the length of a call.
static bw_error *bwvoice_error_new(void) {
	bw_error *e = calloc(1, sizeof *e);
	if (e != NULL) {
		e->struct_size = sizeof *e;
	}
	return e;
}

// bwvoice_completed for Go (bwvoice.go), which cannot name a C function
// as a value with its type checked.
const bw_completion_fn bwvoice_done = bwvoice_completed;

// The bw_event_fn of a client with a Logger or OnEvent, on the thread
// making the call: copies the event and its strings into one node. Out of
// memory, the event is dropped (the call itself is unaffected).
static void bwvoice_on_event(void *userdata, const bw_event *event) {
	bwvoice_queue *q = userdata;
	bw_event e;
	memset(&e, 0, sizeof e);
	memcpy(&e, event, event->struct_size < sizeof e ? event->struct_size : sizeof e);
	// Every string of bw_event: one left out would dangle once this returns.
	const char **text[] = {&e.operation,      &e.http_request_method, &e.url_template,
	                       &e.account_id,     &e.call_id,             &e.conference_id,
	                       &e.server_address, &e.error_type,          &e.retry_reason};
	enum { N = sizeof text / sizeof text[0] };
	size_t len[N], total = 0;
	for (int i = 0; i < N; i++) {
		len[i] = *text[i] != NULL ? strlen(*text[i]) : 0;
		total += len[i] + 1;
	}
	bwvoice_event *n = malloc(sizeof *n + total);
	if (n == NULL) {
		return;
	}
	char *p = (char *)(n + 1);
	for (int i = 0; i < N; i++) {
		if (len[i] > 0) {
			memcpy(p, *text[i], len[i]);
		}
		p[len[i]] = '\0';
		*text[i] = p;
		p += len[i] + 1;
	}
	n->node.kind = BWVOICE_NODE_EVENT;
	n->event = e;
	bwvoice_push(q, &n->node);
}

static void bwvoice_install_events(bw_client_config *cfg, bwvoice_queue *q, uint32_t mask) {
	cfg->on_event = bwvoice_on_event;
	cfg->event_userdata = q;
	cfg->event_mask = mask;
}
*/
import "C"

import (
	"fmt"
	"log/slog"
	"os"
	"runtime/cgo"
	"syscall"
	"unsafe"
)

// pending is one submitted call, reached from its completion through the
// cgo.Handle stored in the call's node.
type pending struct {
	client *Client     // keeps the Client reachable until the call completes
	done   chan result // buffered (1): delivery never blocks
}

// result is a completed call, copied out of the library's memory.
type result struct {
	value any   // the operation's result (*CallState, *CallPage, ...); nil for none
	err   error // nil, or the *Error of the failure
}

// testHooks, when not nil, sees every call submitted and every completion
// delivered. Only the package's own tests set it, before any Client exists.
var testHooks *hooks

type hooks struct {
	submitted func(c *Client, job uint64)
	completed func(c *Client, job uint64, status Status)
}

// reader is a client's queue and the goroutine that delivers it. It holds
// no reference to the Client, so that a Client dropped without Close can
// still be collected (its cleanup then frees the library's client and
// stops the reader).
type reader struct {
	q       *C.bwvoice_queue
	f       *os.File // the queue's eventfd, non-blocking: reads park in the netpoller
	logger  *slog.Logger
	onEvent func(Event)
	exited  chan struct{} // closed when run has closed f and freed q
}

// newReader makes a queue with its eventfd; start runs its goroutine.
func newReader(logger *slog.Logger, onEvent func(Event)) (*reader, error) {
	var errno C.int
	q := C.bwvoice_queue_new(&errno)
	if q == nil {
		return nil, &Error{Status: ErrInternal, Message: fmt.Sprintf(
			"bwvoice: cannot make the completion queue (eventfd): %v", syscall.Errno(errno))}
	}
	return &reader{
		q:       q,
		f:       os.NewFile(uintptr(q.efd), "bwvoice-eventfd"),
		logger:  logger,
		onEvent: onEvent,
		exited:  make(chan struct{}),
	}, nil
}

// installEvents makes the library report the kinds in mask (0: all) to
// this reader's queue.
func (r *reader) installEvents(cfg *C.bw_client_config, mask uint32) {
	C.bwvoice_install_events(cfg, r.q, C.uint32_t(mask))
}

// newNode makes the userdata of one call: a node for this reader's queue
// carrying the call's handle, to be freed with C.free if the library
// queues nothing; early as for bwvoice_completion_new. nil when out of
// memory.
func (r *reader) newNode(h cgo.Handle, early bool) unsafe.Pointer {
	e := C.int(0)
	if early {
		e = 1
	}
	return C.bwvoice_completion_new(r.q, C.uintptr_t(h), e)
}

// submitError is the error record for the client's submits, which must be
// serialised (Client.submitting). Its struct_size is set; the library
// clears the rest on entry.
func (r *reader) submitError() *C.bw_error { return &r.q.submit_err }

func (r *reader) start() { go r.run() }

// discard releases a reader whose goroutine never started (the library
// refused the client, so no callback can reach the queue).
func (r *reader) discard() {
	r.f.Close()
	C.bwvoice_queue_free(r.q)
}

// stop makes the reader exit once it has delivered everything queued, and
// waits for it. Call it once, after bw_free has returned: no callback can
// push anything any more.
func (r *reader) stop() {
	C.bwvoice_queue_stop(r.q)
	<-r.exited
}

// run delivers the queue until stop.
//
// It waits through RawConn.Read without reading the eventfd: Go's
// netpoller is edge-triggered, and every write to an eventfd is an edge
// (a wake-up of its waiters), even while its counter is already non-zero,
// so each push onto an empty queue wakes the reader once more. RawConn.Read
// calls the function below, and whenever it returns false parks until the
// next edge since the previous one; an edge that came while the function
// ran (a push after its take) makes that wait return at once. So no node
// waits for a wake-up that already happened, and the two read(2) calls per
// wake-up (the counter, then EAGAIN) are saved. The counter only grows, by
// one per wake-up: it would take centuries to reach its limit.
func (r *reader) run() {
	defer close(r.exited)
	rc, err := r.f.SyscallConn()
	if err == nil {
		err = rc.Read(func(uintptr) bool {
			var stopped C.int
			if nodes := C.bwvoice_queue_take(r.q, &stopped); nodes != nil {
				r.deliver(nodes)
			}
			return stopped != 0
		})
	}
	if err != nil {
		panic("bwvoice: waiting on the completion eventfd: " + err.Error())
	}
	r.f.Close()
	C.bwvoice_queue_free(r.q)
}

// completedEarly tells the library's side that bw_*_async has returned
// BW_OK for node; true if the call has completed already, and then
// deliverEarly must deliver it.
func completedEarly(node unsafe.Pointer) bool { return C.bwvoice_submitted(node) != 0 }

// newInlineError is the error record of one inline submit (nil when out
// of memory); free it with C.free.
func newInlineError() *C.bw_error { return C.bwvoice_error_new() }

// deliverEarly delivers the completion of a call that completed before its
// bw_*_async returned (bwvoice_submitted), on the submitting goroutine,
// and frees its node.
func deliverEarly(node unsafe.Pointer) {
	complete((*C.bwvoice_completion)(node))
	C.bwvoice_nodes_free((*C.bwvoice_node)(node))
}

// deliver converts and delivers a taken list in order, then frees it.
func (r *reader) deliver(head *C.bwvoice_node) {
	for n := head; n != nil; n = n.next {
		switch n.kind {
		case C.BWVOICE_NODE_COMPLETION:
			complete((*C.bwvoice_completion)(unsafe.Pointer(n)))
		case C.BWVOICE_NODE_EVENT:
			r.event(newEvent(&(*C.bwvoice_event)(unsafe.Pointer(n)).event))
		}
	}
	C.bwvoice_nodes_free(head)
}

// complete hands one call's outcome, copied into Go memory, to the
// goroutine waiting for it (or to nobody, if it stopped waiting: the
// buffered channel is then dropped), and releases the handle. It never
// blocks, so it cannot deadlock with Close, which waits for it.
func complete(n *C.bwvoice_completion) {
	h := cgo.Handle(n.handle)
	p := h.Value().(*pending)
	h.Delete()
	var r result
	if n.status != C.BW_OK && n.err != nil {
		r.err = newError(n.status, n.err)
	} else if n.status != C.BW_OK {
		r.err = &Error{Status: Status(n.status), Message: "bwvoice: the call failed (" + Status(n.status).String() +
			"), but its details were lost: out of memory"}
	} else {
		r.value, r.err = resultValue(n.result)
	}
	if testHooks != nil {
		testHooks.completed(p.client, uint64(n.job_id), Status(n.status))
	}
	p.done <- r
	p.client.inflight.Done()
}
