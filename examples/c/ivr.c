/*
 * A small IVR webhook app: a menu read to the caller, a transfer on "1", a
 * goodbye on "2". It serves Bandwidth's Voice callbacks on loopback with
 * libmicrohttpd and answers BXML built with bwvoice.
 *
 *   ivr [--username USER --password PASS] [--transfer-to +15550000100]
 *
 * Listens on 127.0.0.1 on a free port, prints "listening on URL" once
 * bound, and serves until SIGINT or SIGTERM. With credentials, every
 * request must carry them: none (Bandwidth's first attempt) gets 401 with
 * the library's challenge, wrong ones 403. POST callbacks are read from
 * their JSON body (at most BW_MAX_CALLBACK_BYTES, 413 beyond), GET ones
 * from the query string. The Python (examples/python/ivr.py) and Go
 * (bindings/go/examples/ivr) apps answer the same bytes.
 *
 * Build: make examples (needs libmicrohttpd's development files).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "bwvoice.h"

#if MHD_VERSION < 0x00097002
#define MHD_Result int /* before 0.9.71 handlers returned int */
#endif

#define REALM "bwvoice"
#define XML_TYPE "application/xml; charset=utf-8"
#define TEXT_TYPE "text/plain; charset=utf-8"
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define TOO_LARGE "a callback is at most " STRINGIFY(BW_MAX_CALLBACK_BYTES) " bytes"

struct settings {
    const char *username, *password; /* both NULL: callbacks are not checked */
    const char *transfer_to;
    char challenge[128];             /* the WWW-Authenticate value of the 401 */
};

/* One request: its query string (kept from the raw URI, before
 * libmicrohttpd decodes it) and the body read so far. */
struct request {
    char *query;
    char *body;
    size_t body_len;
    int too_large;
    int checked; /* credentials and method already judged */
};

/* ---- BXML ---------------------------------------------------------------- */

static const char MENU_PROMPT[] = "Press 1 to talk to someone, or 2 to hear a message.";

/* Each step of a document, stopping at the first that fails. */
static int speak(bw_bxml *b, const char *text, bw_error *err) {
    return bw_bxml_open(b, "SpeakSentence", err) == BW_OK && bw_bxml_text(b, text, err) == BW_OK &&
           bw_bxml_close(b, err) == BW_OK;
}

static int menu(bw_bxml *b, bw_error *err) {
    return bw_bxml_open(b, "Gather", err) == BW_OK &&
           bw_bxml_attr(b, "gatherUrl", "/gather", err) == BW_OK &&
           bw_bxml_attr(b, "maxDigits", "1", err) == BW_OK && speak(b, MENU_PROMPT, err) &&
           bw_bxml_close(b, err) == BW_OK;
}

static int hangup(bw_bxml *b, bw_error *err) {
    return bw_bxml_open(b, "Hangup", err) == BW_OK && bw_bxml_close(b, err) == BW_OK;
}

static int transfer(bw_bxml *b, const char *to, bw_error *err) {
    return bw_bxml_open(b, "Transfer", err) == BW_OK &&
           bw_bxml_attr(b, "transferCompleteUrl", "/transfer-complete", err) == BW_OK &&
           bw_bxml_open(b, "PhoneNumber", err) == BW_OK && bw_bxml_text(b, to, err) == BW_OK &&
           bw_bxml_close(b, err) == BW_OK && bw_bxml_close(b, err) == BW_OK;
}

/* The verbs answering `cb`; 0 with err->status BW_OK when the event needs
 * no BXML (204). */
static int answer_verbs(const struct settings *s, const bw_callback *cb, bw_bxml *b, bw_error *err) {
    switch (cb->event) {
    case BW_CALLBACK_INITIATE:
    case BW_CALLBACK_ANSWER:
        return speak(b, "Welcome to bwvoice.", err) && menu(b, err);
    case BW_CALLBACK_GATHER: {
        const char *digits = cb->digits ? cb->digits : "";
        if (strcmp(digits, "1") == 0)
            return speak(b, "Connecting you now.", err) && transfer(b, s->transfer_to, err);
        if (strcmp(digits, "2") == 0)
            return speak(b, "Thank you for trying bwvoice. Goodbye.", err) && hangup(b, err);
        return speak(b, "Sorry, that is not an option.", err) && menu(b, err);
    }
    case BW_CALLBACK_TRANSFER_COMPLETE:
        return speak(b, "Your call has ended. Goodbye.", err) && hangup(b, err);
    default:
        return 0;
    }
}

/* The BXML answering `cb` (malloc'd), or NULL: then *failed says whether
 * that is a failure (err says why) or an event that needs no BXML (204). */
static char *answer(const struct settings *s, const bw_callback *cb, int *failed, bw_error *err) {
    bw_bxml *b = NULL;
    char *doc = NULL;
    size_t needed = 0;
    *failed = 1;
    if (bw_bxml_new(BW_BXML_RESPONSE, 0, &b, err) != BW_OK) return NULL;
    if (!answer_verbs(s, cb, b, err)) {
        *failed = err->status != BW_OK;
    } else if (bw_bxml_render(b, NULL, 0, &needed, err) == BW_OK && (doc = malloc(needed)) != NULL &&
               bw_bxml_render(b, doc, needed, &needed, err) == BW_OK) {
        *failed = 0;
    } else {
        free(doc);
        doc = NULL;
    }
    bw_bxml_free(b);
    return doc;
}

/* ---- HTTP ---------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             const char *body, const char *header, const char *value) {
    size_t len = body ? strlen(body) : 0;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
    if (r == NULL) return MHD_NO;
    if (type) MHD_add_response_header(r, "Content-Type", type);
    if (header) MHD_add_response_header(r, header, value);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *text) {
    char line[BW_ERROR_TEXT_LEN + 2];
    snprintf(line, sizeof line, "%s\n", text);
    return reply(conn, status, TEXT_TYPE, line, NULL, NULL);
}

/* Reads the callback and answers it. */
static enum MHD_Result handle(const struct settings *s, struct MHD_Connection *conn, int is_post,
                              const struct request *req) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = NULL;
    bw_status st = is_post ? bw_callback_parse(req->body ? req->body : "", req->body_len, &cb, &err)
                           : bw_callback_parse_query(req->query ? req->query : "", &cb, &err);
    if (st != BW_OK) return reply_text(conn, 400, err.message);
    int failed;
    char *doc = answer(s, cb, &failed, &err);
    enum MHD_Result ok;
    if (doc != NULL) {
        ok = reply(conn, 200, XML_TYPE, doc, NULL, NULL);
    } else if (!failed) {
        ok = reply(conn, 204, NULL, NULL, NULL, NULL);
    } else {
        fprintf(stderr, "ivr: %s: BXML failed: %s\n", cb->event_type, err.message);
        ok = reply_text(conn, 500, "the callback handler failed");
    }
    free(doc);
    bw_callback_free(cb);
    return ok;
}

/* The credentials and the method, before any of the body is read: an
 * answer queued (MHD_YES/MHD_NO returned), or -1 to go on. */
static int refuse(const struct settings *s, struct MHD_Connection *conn, int is_post, int is_get) {
    if (s->username != NULL) {
        const char *authorization =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        bw_callback_auth verdict = BW_CALLBACK_AUTH_REFUSED;
        bw_error err = BW_ERROR_INIT;
        bw_callback_check_auth(authorization, s->username, s->password, &verdict, &err);
        if (verdict == BW_CALLBACK_AUTH_CHALLENGE)
            return reply(conn, 401, NULL, NULL, MHD_HTTP_HEADER_WWW_AUTHENTICATE, s->challenge);
        if (verdict != BW_CALLBACK_AUTH_OK) return reply(conn, 403, NULL, NULL, NULL, NULL);
    }
    if (!is_post && !is_get) return reply(conn, 405, NULL, NULL, MHD_HTTP_HEADER_ALLOW, "GET, POST");
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (is_post && length != NULL && strtoull(length, NULL, 10) > BW_MAX_CALLBACK_BYTES)
        return reply_text(conn, 413, TOO_LARGE);
    return -1;
}

/* Keeps up to BW_MAX_CALLBACK_BYTES of the body; past that, notes it and
 * discards the rest (a body without Content-Length, e.g. chunked). */
static int keep(struct request *req, const char *data, size_t size) {
    if (req->too_large || req->body_len + size > BW_MAX_CALLBACK_BYTES) {
        req->too_large = 1;
        return 1;
    }
    if (req->body == NULL && (req->body = malloc(BW_MAX_CALLBACK_BYTES)) == NULL) return 0;
    memcpy(req->body + req->body_len, data, size);
    req->body_len += size;
    return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)url;
    (void)version;
    const struct settings *s = cls;
    struct request *req = *con_cls; /* from on_uri, before this */
    if (req == NULL) return MHD_NO;
    int is_post = strcmp(method, "POST") == 0, is_get = strcmp(method, "GET") == 0;
    if (!req->checked) {
        req->checked = 1;
        int refused = refuse(s, conn, is_post, is_get);
        if (refused >= 0) return (enum MHD_Result)refused;
        return MHD_YES; /* the body, if any, comes in the next calls */
    }
    if (*upload_data_size > 0) {
        if (!keep(req, upload_data, *upload_data_size)) return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->too_large) return reply_text(conn, 413, TOO_LARGE);
    return handle(s, conn, is_post, req);
}

/* Called with the raw URI before libmicrohttpd decodes it: the query string
 * is kept as sent, for bw_callback_parse_query to decode. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)cls;
    (void)conn;
    struct request *req = calloc(1, sizeof *req);
    const char *query = uri ? strchr(uri, '?') : NULL;
    if (req != NULL && query != NULL && (req->query = strdup(query + 1)) == NULL) {
        free(req);
        req = NULL;
    }
    return req;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)conn;
    (void)code;
    struct request *req = *con_cls;
    if (req != NULL) {
        free(req->query);
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void) {
    fprintf(stderr, "usage: ivr [--username USER --password PASS] [--transfer-to E164]\n");
    return 2;
}

/* --name VALUE or --name=VALUE; advances *i past what it took. */
static const char *option(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0' || *i + 1 >= argc) return NULL;
    return argv[++*i];
}

static int parse_args(int argc, char **argv, struct settings *s) {
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = option(argc, argv, &i, "--username")) != NULL) s->username = v;
        else if ((v = option(argc, argv, &i, "--password")) != NULL) s->password = v;
        else if ((v = option(argc, argv, &i, "--transfer-to")) != NULL) s->transfer_to = v;
        else return 0;
    }
    return (s->username == NULL) == (s->password == NULL);
}

int main(int argc, char **argv) {
    struct settings s = {.transfer_to = "+15550000100"};
    if (!parse_args(argc, argv, &s)) return usage();
    bw_error err = BW_ERROR_INIT;
    if (s.username != NULL) {
        bw_callback_auth verdict;
        size_t needed;
        /* Refuses empty credentials now, rather than on every request. */
        if (bw_callback_check_auth(NULL, s.username, s.password, &verdict, &err) != BW_OK ||
            bw_callback_challenge(REALM, s.challenge, sizeof s.challenge, &needed, &err) != BW_OK) {
            fprintf(stderr, "ivr: %s: %s\n", err.field, err.message);
            return 2;
        }
    }

    /* The server's thread inherits this mask; main takes the signals. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, &s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "ivr: cannot listen on 127.0.0.1\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://127.0.0.1:%u\n", info ? (unsigned)info->port : 0u);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}
