/*
 * The scale rows of `make bench`: CALLS hang-ups submitted at once through
 * one client with max_concurrency at its limit (4096), against the 20 ms
 * server, so the cost of concurrency reads as a curve (1,000 and 10,000 in
 * flight): calls/s, and the process's peak RSS and thread count.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_CONCURRENCY_LIMIT 4096

/* A "Name:  N kB"-style field of /proc/self/status, as a number. */
static long status_field(const char *name) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    size_t len = strlen(name);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') value = atol(line + len + 1);
    if (f) fclose(f);
    return value;
}

int scale_bench(const char *base, long calls, int rounds) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.max_concurrency = MAX_CONCURRENCY_LIMIT;
    cfg.max_queued = (uint32_t)calls;
    bw_client *client = client_with(base, cfg);
    bw_error err = BW_ERROR_INIT;
    async_count n = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    long id = 0, peak_threads = 0;
    printf("{\"lang\":\"c\",\"kind\":\"scale\",\"side\":\"bwvoice\",\"in_flight\":%ld,"
           "\"max_concurrency\":%d,\"calls_per_s\":[",
           calls, MAX_CONCURRENCY_LIMIT);
    for (int r = 0; r < rounds; r++) {
        n.done = 0;
        double t0 = now_s();
        for (long i = 0; i < calls; i++) {
            char call_id[32];
            snprintf(call_id, sizeof call_id, "c-%ld", id++);
            if (bw_hangup_async(client, ACCOUNT, call_id, NULL, async_done, &n, NULL, &err) != BW_OK)
                die("bw_hangup_async", err.message);
        }
        pthread_mutex_lock(&n.mu);
        while (n.done < calls) {
            /* Wakes every 5 ms (or on a completion) to sample the thread count. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 5000000;
            if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&n.cv, &n.mu, &until);
            long threads = status_field("Threads");
            if (threads > peak_threads) peak_threads = threads;
        }
        pthread_mutex_unlock(&n.mu);
        printf("%s%.1f", r ? "," : "", (double)calls / (now_s() - t0));
    }
    printf("],\"peak_threads\":%ld,\"peak_rss_kib\":%ld}\n", peak_threads, status_field("VmHWM"));
    if (n.failed) die("bw_hangup_async", "some hang-ups failed");
    bw_free(client);
    return 0;
}
