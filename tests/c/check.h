/*
 * What the C test files share: the CHECK macro and its failure count,
 * clients pointed at the simulator, error and request-log checks, a
 * completion that keeps its result, and the test runner.
 */
#ifndef BWVOICE_TEST_CHECK_H
#define BWVOICE_TEST_CHECK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bwvoice.h"

#define ACCOUNT "9900000"

extern int failed_checks;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failed_checks++;                                                    \
            fprintf(stderr, "  %s:%d: check failed: %s: ", __FILE__, __LINE__, \
                    #cond);                                                     \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

/* The simulator's Voice API base URL ("http://127.0.0.1:PORT/api/v2"). */
extern char base_url[256];

typedef struct {
    const char *username, *password;
    uint32_t max_attempts, timeout_ms;
    const char *user_agent_suffix;
} client_opts;

/* A client for `cfg` against the simulator (base_url set here); a test
 * whose client cannot be made cannot run: exit. */
bw_client *new_client(bw_client_config *cfg);
bw_client *client_with(client_opts o);
bw_client *default_client(void);

/* Checks a failure: its status, err agreeing, a message, and (when not
 * NULL) the field it names. */
void expect_error(bw_status st, const bw_error *err, bw_status want, const char *field);

/* Occurrences of NEEDLE in the simulator's request log, e.g. a call id in a path. */
int log_count(const char *needle);

/* Number of API requests the simulator has logged since the last reset. */
int requests_seen(void);

/* True when the request log holds RAW as a request body (JSON-escaped). */
int log_has_body(const char *log, const char *raw);

/* One asynchronous call's completion, as its callback saw it: the status,
 * a copy of the error, and the result kept with bw_result_dup. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int calls; /* must end at 1 */
    uint64_t job_id;
    bw_status status;
    bw_error err;
    bw_result *result; /* owned: bw_result_free in awaited_destroy */
} awaited;

void awaited_init(awaited *a);
/* The bw_completion_fn; `userdata` is an `awaited`. */
void on_awaited(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
                const bw_result *result);
/* A bw_completion_fn for submits that must be refused: it only counts
 * (see stray_callbacks), so a wrongly accepted submit fails a check. */
void on_stray(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
              const bw_result *result);
/* How many times on_stray ran; read it after bw_free (which waits for callbacks). */
int stray_callbacks(void);
/* Waits (no timeout: the library bounds every call) for the completion. */
void awaited_wait(awaited *a);
void awaited_destroy(awaited *a);

/* Checks that `result` has kind `kind` and that only that kind's getter
 * returns a value (every getter gives NULL for another kind). */
void expect_kind(const bw_result *result, int32_t kind);

/* Waits (at most 30 s) until `queue` holds a completion and takes it; the
 * caller owns the result. Returns 0 if none came. */
int queue_take(bw_queue *queue, uint64_t *job_id, bw_status *status, bw_result **result,
               bw_error *err);

typedef struct {
    const char *name;
    void (*fn)(void);
} test_case;

/* Runs each test after a simulator reset, printing "ok"/"not ok". */
void run_tests(const test_case *tests, size_t n, int *passed, int *failed);

/* The test lists of the other files. */
extern const test_case call_tests[];
extern const size_t call_tests_len;
extern const test_case conference_tests[];
extern const size_t conference_tests_len;
extern const test_case bxml_tests[];
extern const size_t bxml_tests_len;
extern const test_case callback_tests[];
extern const size_t callback_tests_len;
extern const test_case callback_corpus_tests[];
extern const size_t callback_corpus_tests_len;

#endif
