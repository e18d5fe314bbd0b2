/*
 * The BXML rows of `make bench`, with absolute targets (nothing to compare
 * against): a typical IVR answer built and rendered through bw_bxml_* (a
 * new builder, every step checked, the document rendered into the caller's
 * buffer, the builder freed), and bw_bxml_check on a valid document of
 * about 64 KB, Bandwidth's limit.
 *
 *   bench bxml ROUNDS DOCS CHECKS   DOCS renders and CHECKS checks per round
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* A step that must succeed (an expression, so that a count can follow it). */
#define STEP(call) ((call) == BW_OK ? (void)0 : die(#call, err.message))

/* One webhook answer: a greeting, a menu (Gather with a prompt and a beep),
 * a pause, a goodbye and a redirect back to the menu. Returns its elements. */
static int ivr(char *out, size_t out_size, size_t *len) {
    bw_error err = BW_ERROR_INIT;
    bw_bxml *b = NULL;
    int elements = 0;
    STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err)), elements++;
    STEP(bw_bxml_attr(b, "voice", "julie", &err));
    STEP(bw_bxml_text(b, "Thank you for calling Example Corp & Sons.", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Gather", &err)), elements++;
    STEP(bw_bxml_attr(b, "gatherUrl", "https://app.example/menu/choice", &err));
    STEP(bw_bxml_attr(b, "maxDigits", "1", &err));
    STEP(bw_bxml_attr(b, "interDigitTimeout", "5", &err));
    STEP(bw_bxml_attr(b, "repeatCount", "3", &err));
    STEP(bw_bxml_attr(b, "tag", "menu-1", &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err)), elements++;
    STEP(bw_bxml_text(b, "For sales, press 1. For support, press 2.", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "PlayAudio", &err)), elements++;
    STEP(bw_bxml_text(b, "https://app.example/audio/beep.wav", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Pause", &err)), elements++;
    STEP(bw_bxml_attr(b, "duration", "2", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err)), elements++;
    STEP(bw_bxml_text(b, "We did not get your choice. Let's try again.", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Redirect", &err)), elements++;
    STEP(bw_bxml_attr(b, "redirectUrl", "https://app.example/menu", &err));
    STEP(bw_bxml_attr(b, "redirectMethod", "POST", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_render(b, out, out_size, len, &err));
    bw_bxml_free(b);
    return elements + 1; /* and <Response> */
}

/* A valid <Response> of just under 64 KB: menus like the one above, over
 * and over. Returns the number of verbs. */
static int big_document(char *out, size_t out_size) {
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n";
    static const char tail[] = "</Response>\n";
    int verbs = 0;
    size_t len = (size_t)snprintf(out, out_size, "%s", head);
    for (int i = 0;; i++) {
        char piece[512];
        int n = snprintf(piece, sizeof piece,
                         "  <SpeakSentence voice=\"julie\">Item %d: thank you &amp; goodbye.</SpeakSentence>\n"
                         "  <Gather gatherUrl=\"https://app.example/menu/%d\" maxDigits=\"2\" repeatCount=\"2\">"
                         "<SpeakSentence>Press <break strength=\"weak\"/> %d.</SpeakSentence>"
                         "<PlayAudio>https://app.example/audio/%d.wav</PlayAudio></Gather>\n"
                         "  <Redirect redirectUrl=\"https://app.example/next/%d\" redirectMethod=\"GET\"/>\n",
                         i, i, i, i, i);
        if (len + (size_t)n + sizeof tail > out_size) break;
        memcpy(out + len, piece, (size_t)n);
        len += (size_t)n;
        verbs += 3;
    }
    memcpy(out + len, tail, sizeof tail);
    return verbs;
}

static void print_rounds(const char *side, const char *unit, const double *v, int rounds, const char *extra) {
    printf("{\"lang\":\"c\",\"kind\":\"bxml\",\"side\":\"%s\",\"%s\":[", side, unit);
    for (int r = 0; r < rounds; r++) printf("%s%.4f", r ? "," : "", v[r]);
    printf("],%s}\n", extra);
}

int bxml_bench(int rounds, long docs, long checks) {
    bw_error err = BW_ERROR_INIT;
    char doc[4096];
    size_t len = 0;
    int elements = ivr(doc, sizeof doc, &len);
    STEP(bw_bxml_check(doc, BW_BXML_RESPONSE, 0, &err));
    char *big = malloc(BW_MAX_BXML_BYTES + 1);
    int verbs = big_document(big, BW_MAX_BXML_BYTES + 1);
    STEP(bw_bxml_check(big, BW_BXML_RESPONSE, 0, &err));

    double *render_us = calloc((size_t)rounds, sizeof *render_us);
    double *check_ms = calloc((size_t)rounds, sizeof *check_ms);
    for (int r = -1; r < rounds; r++) { /* round -1 is the warm-up */
        double t0 = now_s();
        for (long i = 0; i < docs; i++) ivr(doc, sizeof doc, &len);
        double t1 = now_s();
        for (long i = 0; i < checks; i++) STEP(bw_bxml_check(big, BW_BXML_RESPONSE, 0, &err));
        double t2 = now_s();
        if (r < 0) continue;
        render_us[r] = (t1 - t0) * 1e6 / (double)docs;
        check_ms[r] = (t2 - t1) * 1e3 / (double)checks;
    }
    char extra[160];
    snprintf(extra, sizeof extra, "\"elements\":%d,\"bytes\":%zu", elements, len - 1);
    print_rounds("render", "us_per_doc", render_us, rounds, extra);
    snprintf(extra, sizeof extra, "\"verbs\":%d,\"bytes\":%zu", verbs, strlen(big));
    print_rounds("check-64k", "ms_per_doc", check_ms, rounds, extra);
    free(render_us);
    free(check_ms);
    free(big);
    return 0;
}
