/*
 * The callback-parse row of `make bench`, with an absolute target (the C
 * side has nothing to compare against): bw_callback_parse of a typical
 * gather callback, then bw_callback_free, as a C webhook server would for
 * every request it gets. No server, no network.
 *
 *   bench callback FILE ROUNDS BODIES   BODIES parses of FILE's JSON per round
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* One request's work: parse, glance at the digits, free. Returns the callback's event. */
static int parse_once(const char *body, size_t len) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = NULL;
    if (bw_callback_parse(body, len, &cb, &err) != BW_OK) die("bw_callback_parse", err.message);
    int event = cb->event;
    if (!cb->digits) die("bw_callback_parse", "no digits");
    bw_callback_free(cb);
    return event;
}

int callback_bench(const char *path, int rounds, long bodies) {
    char body[BW_MAX_CALLBACK_BYTES];
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open", path);
    size_t len = fread(body, 1, sizeof body, f);
    fclose(f);
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r')) len--; /* the file's, not the body's */
    if (parse_once(body, len) != BW_CALLBACK_GATHER) die("callback", "the body is not a gather callback");

    double *us = calloc((size_t)rounds, sizeof *us);
    long gathers = 0;
    for (int r = -1; r < rounds; r++) { /* round -1 is the warm-up */
        double t0 = now_s();
        for (long i = 0; i < bodies; i++) gathers += parse_once(body, len) == BW_CALLBACK_GATHER;
        if (r >= 0) us[r] = (now_s() - t0) * 1e6 / (double)bodies;
    }
    if (gathers != (rounds + 1) * bodies) die("callback", "a parse read another event");
    printf("{\"lang\":\"c\",\"kind\":\"callback\",\"side\":\"parse\",\"us_per_body\":[");
    for (int r = 0; r < rounds; r++) printf("%s%.4f", r ? "," : "", us[r]);
    printf("],\"bytes\":%zu}\n", len);
    free(us);
    return 0;
}
