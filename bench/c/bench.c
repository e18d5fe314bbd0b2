/*
 * C side of `make bench`: bwvoice's bw_modify_call and bw_get_call_state
 * against libcurl with a reused easy handle, plus fan-out, the
 * rejected-input path and memory.
 * Prints one JSON object per line on stdout; bench/report.py reads them.
 *
 *   bench latency  BASE ROUNDS CALLS WARMUP   bwvoice vs libcurl, ABAB rounds
 *   bench state    BASE ROUNDS CALLS WARMUP   the same for GET call state
 *   bench create   BASE ROUNDS CALLS WARMUP   the same for createCall (create.c)
 *   bench tls      BASE CA ROUNDS CALLS WARMUP  redirects over HTTPS, warm connection
 *   bench tls-cold BASE CA ROUNDS CALLS       new client -> first redirect done (TCP + TLS)
 *   bench async    BASE CALLS CONCURRENCY ROUNDS  hang-ups through bw_hangup_async
 *   bench events   BASE ROUNDS CALLS WARMUP   redirects with a no-op on_event vs without
 *   bench fanout   BASE THREADS CALLS ROUNDS  THREADS threads share one client
 *   bench rejected ROUNDS CALLS               validation failures, nothing sent
 *   bench memory   BASE CALLS...              RSS after each cumulative count
 *   bench bxml     ROUNDS DOCS CHECKS         BXML built and rendered, 64 KB checked (bxml.c)
 *   bench callback FILE ROUNDS BODIES     a callback body parsed and freed (callback.c)
 *   bench floor    BASE ROUNDS CALLS WARMUP   bwvoice vs a prebuilt request on a bare socket (floor.c)
 *   bench scale    BASE CALLS ROUNDS          CALLS hang-ups in flight at once (scale.c)
 *
 * BASE is the loopback server's root, e.g. http://127.0.0.1:PORT.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define BODY "{\"redirectUrl\":\"" REDIRECT_URL "\"}"
#define USERNAME "user"
#define PASSWORD "pass"
#define BASIC "Basic dXNlcjpwYXNz" /* base64("user:pass") */

double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void die(const char *what, const char *detail) {
    fprintf(stderr, "bench: %s: %s\n", what, detail);
    exit(1);
}

/* --- bwvoice ------------------------------------------------------------- */

/* A client of BASE with the settings of `cfg` (made with BW_CLIENT_CONFIG_INIT). */
bw_client *client_with(const char *base, bw_client_config cfg) {
    char base_url[256];
    snprintf(base_url, sizeof base_url, "%s/api/v2", base);
    cfg.base_url = base_url;
    cfg.username = USERNAME;
    cfg.password = PASSWORD;
    bw_client *client = NULL;
    bw_error err = BW_ERROR_INIT;
    if (bw_client_new(&cfg, &client, &err) != BW_OK) die("bw_client_new", err.message);
    return client;
}

bw_client *new_client(const char *base) {
    return client_with(base, (bw_client_config)BW_CLIENT_CONFIG_INIT);
}

/* A client that trusts the CA in the PEM file `ca` (for the HTTPS rows). */
static bw_client *tls_client(const char *base, const char *ca) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.ca_file = ca;
    return client_with(base, cfg);
}

/* One redirect; `ctx` is the bw_client. */
void ours_redirect(const void *ctx, long i) {
    const bw_client *client = ctx;
    char call_id[32];
    snprintf(call_id, sizeof call_id, "c-%ld", i);
    bw_modify_call_request req = BW_MODIFY_CALL_REQUEST_INIT;
    req.redirect_url = REDIRECT_URL;
    bw_error err = BW_ERROR_INIT;
    if (bw_modify_call(client, ACCOUNT, call_id, &req, NULL, &err) != BW_OK)
        die("bw_modify_call", err.message);
}

/* One "Get call state", every field read into a library-owned struct; `ctx` is the bw_client. */
static void ours_state(const void *ctx, long i) {
    const bw_client *client = ctx;
    char call_id[32];
    snprintf(call_id, sizeof call_id, "c-%ld", i);
    bw_call_state *st = NULL;
    bw_error err = BW_ERROR_INIT;
    if (bw_get_call_state(client, ACCOUNT, call_id, NULL, &st, &err) != BW_OK)
        die("bw_get_call_state", err.message);
    if (!st->state) die("bw_get_call_state", "no state");
    bw_call_state_free(st);
}

/* --- libcurl, the way a careful C programmer would write it -------------- */

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata) {
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

void curl_side_init(curl_side *c, const char *base, const char *ca) {
    c->easy = curl_easy_init();
    if (!c->easy) die("curl_easy_init", "NULL");
    snprintf(c->base, sizeof c->base, "%s", base);
    c->headers = NULL;
    c->headers = curl_slist_append(c->headers, "Content-Type: application/json; charset=utf-8");
    c->headers = curl_slist_append(c->headers, "Accept: application/json");
    c->headers = curl_slist_append(c->headers, "User-Agent: bwvoice/" BW_VERSION_STRING);
    c->headers = curl_slist_append(c->headers, "Authorization: " BASIC);
    curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, BODY);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(BODY));
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS, 30000L);
    if (ca) curl_easy_setopt(c->easy, CURLOPT_CAINFO, ca);
}

void curl_side_free(curl_side *c) {
    curl_slist_free_all(c->headers);
    curl_easy_cleanup(c->easy);
}

size_t keep(char *ptr, size_t size, size_t nmemb, void *userdata) {
    reply_buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > sizeof b->data) return 0;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

/* GET .../calls/c-I with the same handle and headers, body kept; `ctx` is the curl_side. */
static void curl_state(const void *ctx, long i) {
    const curl_side *c = ctx;
    char url[300];
    snprintf(url, sizeof url, "%s/api/v2/accounts/" ACCOUNT "/calls/c-%ld", c->base, i);
    reply_buf body = {.len = 0};
    curl_easy_setopt(c->easy, CURLOPT_URL, url);
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(c->easy);
    if (rc != CURLE_OK) die("curl_easy_perform", curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200 || body.len == 0) die("libcurl", "no call state");
}

/* One redirect; `ctx` is the curl_side. */
static void curl_call(const void *ctx, long i) {
    const curl_side *c = ctx;
    char url[300];
    snprintf(url, sizeof url, "%s/api/v2/accounts/" ACCOUNT "/calls/c-%ld", c->base, i);
    curl_easy_setopt(c->easy, CURLOPT_URL, url);
    CURLcode rc = curl_easy_perform(c->easy);
    if (rc != CURLE_OK) die("curl_easy_perform", curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200) die("libcurl", "HTTP status not 200");
}

/* --- modes ---------------------------------------------------------------- */

static void print_rounds(const char *kind, const char *name, const double *us, int rounds) {
    printf("{\"lang\":\"c\",\"kind\":\"%s\",\"side\":\"%s\",\"us_per_call\":[", kind, name);
    for (int r = 0; r < rounds; r++) printf("%s%.3f", r ? "," : "", us[r]);
    printf("]}\n");
}

/* `warmup` calls to each side, interleaved, then `skip` untimed rounds and
 * `rounds` timed ones of `calls` calls to A then `calls` to B (A B A B ...).
 * Prints each side's microseconds per call, round by round. */
void ab_rounds(ab_side a, ab_side b, int rounds, long calls, long warmup, int skip) {
    ab_rounds_kind("latency", a, b, rounds, calls, warmup, skip);
}

void ab_rounds_kind(const char *kind, ab_side a, ab_side b, int rounds, long calls, long warmup,
                    int skip) {
    long id = 0;
    for (long i = 0; i < warmup; i++) {
        a.op(a.ctx, id++);
        b.op(b.ctx, id++);
    }
    double *us_a = calloc((size_t)rounds, sizeof *us_a);
    double *us_b = calloc((size_t)rounds, sizeof *us_b);
    for (int r = -skip; r < rounds; r++) {
        double t0 = now_s();
        for (long i = 0; i < calls; i++) a.op(a.ctx, id++);
        double t1 = now_s();
        for (long i = 0; i < calls; i++) b.op(b.ctx, id++);
        double t2 = now_s();
        if (r < 0) continue;
        us_a[r] = (t1 - t0) * 1e6 / (double)calls;
        us_b[r] = (t2 - t1) * 1e6 / (double)calls;
    }
    print_rounds(kind, a.name, us_a, rounds);
    print_rounds(kind, b.name, us_b, rounds);
    free(us_a);
    free(us_b);
}

/* bwvoice against libcurl with a reused easy handle for one operation: a
 * redirect, the call state when `state`, or, when `ca` is set, a redirect over
 * HTTPS on a warm connection trusting that CA (bwvoice's rustls vs libcurl's TLS). */
static int latency(const char *base, const char *ca, int rounds, long calls, long warmup, int state) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bw_client *client = ca ? tls_client(base, ca) : new_client(base);
    curl_side curl;
    curl_side_init(&curl, base, ca);
    if (state) curl_easy_setopt(curl.easy, CURLOPT_HTTPGET, 1L);
    const char *suffix = state ? "-state" : ca ? "-tls" : "";
    char ours_name[32], theirs_name[32];
    snprintf(ours_name, sizeof ours_name, "bwvoice%s", suffix);
    snprintf(theirs_name, sizeof theirs_name, "libcurl%s", suffix);
    ab_side ours = {ours_name, state ? ours_state : ours_redirect, client};
    ab_side theirs = {theirs_name, state ? curl_state : curl_call, &curl};
    ab_rounds(ours, theirs, rounds, calls, warmup, 0);
    if (ca)
        printf("{\"lang\":\"c\",\"kind\":\"versions\",\"libcurl-tls\":\"%s\"}\n",
               curl_version_info(CURLVERSION_NOW)->ssl_version);
    else
        printf("{\"lang\":\"c\",\"kind\":\"versions\",\"libcurl\":\"%s\",\"bwvoice\":\"%s\"}\n",
               curl_version_info(CURLVERSION_NOW)->version, bw_version());
    bw_free(client);
    curl_side_free(&curl);
    curl_global_cleanup();
    return 0;
}

typedef struct {
    const bw_client *client;
    pthread_barrier_t *start;
    long calls;
    long first_id;
} fan_arg;

static void *fan_worker(void *p) {
    fan_arg *a = p;
    pthread_barrier_wait(a->start);
    for (long i = 0; i < a->calls; i++) ours_redirect(a->client, a->first_id + i);
    return NULL;
}

/* One round: `threads` threads, `calls` each, all released at once; calls/s. */
static double fan_round(const bw_client *client, int threads, long calls, long *id) {
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    fan_arg *args = calloc((size_t)threads, sizeof *args);
    for (int t = 0; t < threads; t++) {
        args[t] = (fan_arg){client, &start, calls, *id};
        *id += calls;
        if (pthread_create(&tids[t], NULL, fan_worker, &args[t]) != 0) die("pthread_create", "failed");
    }
    pthread_barrier_wait(&start);
    double t0 = now_s();
    for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);
    double elapsed = now_s() - t0;
    pthread_barrier_destroy(&start);
    free(tids);
    free(args);
    return (double)threads * (double)calls / elapsed;
}

static int fanout(const char *base, int threads, long calls, int rounds) {
    bw_client *client = new_client(base);
    long id = 0;
    fan_round(client, threads, 2, &id); /* warm-up: open the connections */
    printf("{\"lang\":\"c\",\"kind\":\"fanout\",\"side\":\"bwvoice\",\"threads\":%d,\"calls_per_thread\":%ld,\"calls_per_s\":[",
           threads, calls);
    for (int r = 0; r < rounds; r++) printf("%s%.1f", r ? "," : "", fan_round(client, threads, calls, &id));
    printf("]}\n");
    bw_free(client);
    return 0;
}

/* Where the cold-start calls connect: the HTTPS server and the CA it is signed by. */
typedef struct {
    const char *base;
    const char *ca;
} tls_target;

/* A new client, one redirect, the client freed; `ctx` is the tls_target. */
static void ours_cold_call(const void *ctx, long i) {
    const tls_target *t = ctx;
    bw_client *client = tls_client(t->base, t->ca);
    ours_redirect(client, i);
    bw_free(client);
}

/* A new easy handle, one redirect, the handle freed; `ctx` is the tls_target. */
static void curl_cold_call(const void *ctx, long i) {
    const tls_target *t = ctx;
    curl_side curl;
    curl_side_init(&curl, t->base, t->ca);
    curl_call(&curl, i);
    curl_side_free(&curl);
}

/* Cold start: a new client (bwvoice) or easy handle (libcurl) per call, so
 * each call pays for TCP, the TLS handshake and loading the CA. */
static int tls_cold(const char *base, const char *ca, int rounds, long calls) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tls_target target = {base, ca};
    ab_side ours = {"bwvoice-tls-cold", ours_cold_call, &target};
    ab_side theirs = {"libcurl-tls-cold", curl_cold_call, &target};
    ab_rounds(ours, theirs, rounds, calls, 0, 1); /* one untimed round as the warm-up */
    curl_global_cleanup();
    return 0;
}

static void ignore_event(void *userdata, const bw_event *event) {
    (void)userdata;
    (void)event;
}

/* The cost of observing: a client with a no-op on_event against one without. */
static int events_cost(const char *base, int rounds, long calls, long warmup) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.on_event = ignore_event;
    bw_client *observed = client_with(base, cfg);
    bw_client *plain = new_client(base);
    ab_side with = {"bwvoice-on-event", ours_redirect, observed};
    ab_side without = {"bwvoice-no-event", ours_redirect, plain};
    ab_rounds(with, without, rounds, calls, warmup, 0);
    bw_free(observed);
    bw_free(plain);
    return 0;
}

void async_done(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
                       const bw_result *result) {
    (void)job_id;
    (void)err;
    (void)result;
    async_count *n = userdata;
    pthread_mutex_lock(&n->mu);
    n->done++;
    if (status != BW_OK) n->failed++;
    pthread_cond_signal(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

/* CALLS hang-ups submitted at once from one thread through bw_hangup_async
 * (max_concurrency CONCURRENCY, the queue holding the rest); calls/s. */
static int async_fanout(const char *base, long calls, int concurrency, int rounds) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.max_concurrency = (uint32_t)concurrency;
    cfg.max_queued = (uint32_t)calls;
    bw_client *client = client_with(base, cfg);
    bw_error err = BW_ERROR_INIT;
    async_count n = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    long id = 0;
    printf("{\"lang\":\"c\",\"kind\":\"async-fanout\",\"side\":\"bwvoice\",\"concurrency\":%d,\"calls\":%ld,\"calls_per_s\":[",
           concurrency, calls);
    for (int r = -1; r < rounds; r++) { /* round -1 starts the workers */
        long round_calls = r < 0 ? concurrency : calls;
        pthread_mutex_lock(&n.mu);
        n.done = 0;
        pthread_mutex_unlock(&n.mu);
        double t0 = now_s();
        for (long i = 0; i < round_calls; i++) {
            char call_id[32];
            snprintf(call_id, sizeof call_id, "c-%ld", id++);
            if (bw_hangup_async(client, ACCOUNT, call_id, NULL, async_done, &n, NULL, &err) != BW_OK)
                die("bw_hangup_async", err.message);
        }
        pthread_mutex_lock(&n.mu);
        while (n.done < round_calls) pthread_cond_wait(&n.cv, &n.mu);
        pthread_mutex_unlock(&n.mu);
        double elapsed = now_s() - t0;
        if (r >= 0) printf("%s%.1f", r ? "," : "", (double)calls / elapsed);
    }
    printf("]}\n");
    if (n.failed) die("bw_hangup_async", "some hang-ups failed");
    bw_free(client);
    return 0;
}

static int rejected(int rounds, long calls) {
    /* Nothing is ever sent: the port is never contacted. */
    bw_client *client = new_client("http://127.0.0.1:9");
    char *long_tag = malloc(4098);
    memset(long_tag, 'a', 4097);
    long_tag[4097] = '\0';
    struct {
        const char *name;
        const char *call_id;
        const char *tag;
    } cases[] = {
        {"tag_4097_chars", "c-1", long_tag},
        {"empty_call_id", "", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        bw_modify_call_request req = BW_MODIFY_CALL_REQUEST_INIT;
        req.redirect_url = REDIRECT_URL;
        req.tag = cases[k].tag;
        bw_error err = BW_ERROR_INIT;
        printf("{\"lang\":\"c\",\"kind\":\"rejected\",\"side\":\"%s\",\"ns_per_call\":[", cases[k].name);
        for (int r = -1; r < rounds; r++) { /* round -1 is the warm-up */
            double t0 = now_s();
            for (long i = 0; i < calls; i++) {
                if (bw_modify_call(client, ACCOUNT, cases[k].call_id, &req, NULL, &err) != BW_ERR_INVALID_ARGUMENT)
                    die("rejected", "expected BW_ERR_INVALID_ARGUMENT");
            }
            double ns = (now_s() - t0) * 1e9 / (double)calls;
            if (r >= 0) printf("%s%.1f", r ? "," : "", ns);
        }
        printf("],\"field\":\"%s\"}\n", err.field);
    }
    free(long_tag);
    bw_free(client);
    return 0;
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) die("fopen", "/proc/self/status");
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    fclose(f);
    return kib;
}

static int memory(const char *base, int nmarks, char **marks) {
    bw_client *client = new_client(base);
    long done = 0;
    printf("{\"lang\":\"c\",\"kind\":\"memory\",\"side\":\"bwvoice\",\"rss_kib\":{");
    for (int m = 0; m < nmarks; m++) {
        long until = atol(marks[m]);
        while (done < until) ours_redirect(client, done++);
        printf("%s\"%ld\":%ld", m ? "," : "", done, rss_kib());
    }
    printf("}}\n");
    bw_free(client);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 6 && strcmp(argv[1], "latency") == 0)
        return latency(argv[2], NULL, atoi(argv[3]), atol(argv[4]), atol(argv[5]), 0);
    if (argc == 6 && strcmp(argv[1], "state") == 0)
        return latency(argv[2], NULL, atoi(argv[3]), atol(argv[4]), atol(argv[5]), 1);
    if (argc == 6 && strcmp(argv[1], "create") == 0)
        return create_latency(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
    if (argc == 6 && strcmp(argv[1], "fanout") == 0)
        return fanout(argv[2], atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
    if (argc == 7 && strcmp(argv[1], "tls") == 0)
        return latency(argv[2], argv[3], atoi(argv[4]), atol(argv[5]), atol(argv[6]), 0);
    if (argc == 6 && strcmp(argv[1], "tls-cold") == 0)
        return tls_cold(argv[2], argv[3], atoi(argv[4]), atol(argv[5]));
    if (argc == 6 && strcmp(argv[1], "events") == 0)
        return events_cost(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
    if (argc == 6 && strcmp(argv[1], "async") == 0)
        return async_fanout(argv[2], atol(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc == 4 && strcmp(argv[1], "rejected") == 0) return rejected(atoi(argv[2]), atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "memory") == 0) return memory(argv[2], argc - 3, argv + 3);
    if (argc == 5 && strcmp(argv[1], "bxml") == 0) return bxml_bench(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
    if (argc == 5 && strcmp(argv[1], "callback") == 0)
        return callback_bench(argv[2], atoi(argv[3]), atol(argv[4]));
    if (argc == 5 && strcmp(argv[1], "scale") == 0)
        return scale_bench(argv[2], atol(argv[3]), atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "floor") == 0)
        return floor_latency(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
    fprintf(stderr, "usage: see the comment at the top of bench/c/bench.c\n");
    return 2;
}
