/*
 * What the C bench's files share (bench.c, create.c, bxml.c,
 * callback.c, floor.c, scale.c): the account, the
 * webhook URL every side names, bwvoice clients, libcurl handles and the
 * alternating A/B rounds. Defined in bench.c.
 */
#ifndef BWVOICE_BENCH_H
#define BWVOICE_BENCH_H

#include <curl/curl.h>
#include <pthread.h>
#include <stddef.h>

#include "bwvoice.h"

#define ACCOUNT "9900000"
/* The URL every request names (redirect target, answer URL): the bench
 * server checks that each body contains it. */
#define REDIRECT_URL "https://app.example/next"

/* One measured operation (the I-th call); `ctx` is what it runs on (a
 * client, a libcurl handle, the address to connect to). */
typedef void (*call_op)(const void *ctx, long i);

/* One side of an A/B comparison: the row's "side" name and the call it times. */
typedef struct {
    const char *name;
    call_op op;
    const void *ctx;
} ab_side;

/* A libcurl easy handle set up once the way a careful C programmer would:
 * bwvoice's headers, the redirect body, timeouts as ours, no signals. */
typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char base[200];
} curl_side;

/* A reply body, kept (not parsed: bwvoice's side parses, so this favours libcurl). */
typedef struct {
    char data[4096];
    size_t len;
} reply_buf;

/* CLOCK_MONOTONIC, in seconds. */
double now_s(void);
/* Prints "bench: WHAT: DETAIL" and exits 1. */
void die(const char *what, const char *detail);
/* A bwvoice client of BASE (http://127.0.0.1:PORT) with Basic user:pass. */
bw_client *new_client(const char *base);
/* The same with the other settings of `cfg` (made with BW_CLIENT_CONFIG_INIT). */
bw_client *client_with(const char *base, bw_client_config cfg);
void curl_side_init(curl_side *c, const char *base, const char *ca);
void curl_side_free(curl_side *c);
/* CURLOPT_WRITEFUNCTION appending to the reply_buf in CURLOPT_WRITEDATA. */
size_t keep(char *ptr, size_t size, size_t nmemb, void *userdata);
/* Warm-up, then ROUNDS rounds of CALLS calls to A then to B; prints each
 * side's microseconds per call, round by round. */
void ab_rounds(ab_side a, ab_side b, int rounds, long calls, long warmup, int skip);
/* The same, printed as rows of KIND instead of "latency". */
void ab_rounds_kind(const char *kind, ab_side a, ab_side b, int rounds, long calls, long warmup,
                    int skip);
/* One bw_modify_call redirect of call c-I; `ctx` is the bw_client. */
void ours_redirect(const void *ctx, long i);

/* The createCall row (create.c). */
int create_latency(const char *base, int rounds, long calls, long warmup);

/* The BXML rows (bxml.c): DOCS renders and CHECKS 64 KB checks per round. */
int bxml_bench(int rounds, long docs, long checks);

/* The floor row (floor.c): bwvoice against a prebuilt request on a bare socket. */
int floor_latency(const char *base, int rounds, long calls, long warmup);

/* Completion counting for the async modes (async, scale): async_done is
 * the bw_completion_fn, its userdata an async_count. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long done, failed;
} async_count;
void async_done(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
                const bw_result *result);

/* The scale rows (scale.c): CALLS hang-ups in flight at once, ROUNDS times. */
int scale_bench(const char *base, long calls, int rounds);

/* The callback-parse row (callback.c): BODIES parses of the JSON in PATH per round. */
int callback_bench(const char *path, int rounds, long bodies);

#endif
