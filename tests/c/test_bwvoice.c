/*
 * C tests of libbwvoice, compiled against the committed header and linked
 * to the built library, talking to the simulator on 127.0.0.1 (started by
 * tests/c/run.sh, which also runs this binary under ASan/UBSan and valgrind).
 * The live-call family and the machinery are here; the account's calls are
 * in test_calls.c, conferences in test_conferences.c; shared helpers in check.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bwvoice.h"
#include "check.h"
#include "sim.h"

/* A request that redirects to URL and sets nothing else. */
static bw_modify_call_request redirect_to(const char *url) {
    bw_modify_call_request req = BW_MODIFY_CALL_REQUEST_INIT;
    req.redirect_url = url;
    return req;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tests ------------------------------------------------------------ */

#if BW_VERSION_NUMBER < 0x000200 || BW_VERSION_NUMBER != ((BW_VERSION_MAJOR << 16) | (BW_VERSION_MINOR << 8) | BW_VERSION_PATCH)
#error "BW_VERSION_NUMBER must be usable in #if and agree with its parts"
#endif

static void test_version_and_status_names(void) {
    CHECK(strcmp(bw_version(), "bwvoice/" BW_VERSION_STRING) == 0, "%s", bw_version());
    CHECK(bw_version_number() == BW_VERSION_NUMBER, "0x%06x != 0x%06x", bw_version_number(),
          (unsigned)BW_VERSION_NUMBER);
    unsigned major, minor, patch;
    CHECK(sscanf(BW_VERSION_STRING, "%u.%u.%u", &major, &minor, &patch) == 3, "parse");
    CHECK((major << 16 | minor << 8 | patch) == bw_version_number(), "string %s vs 0x%06x",
          BW_VERSION_STRING, bw_version_number());
    CHECK(major == BW_VERSION_MAJOR && minor == BW_VERSION_MINOR && patch == BW_VERSION_PATCH,
          "macros");
    CHECK(bw_version_compatible(BW_VERSION_NUMBER), "this header");
    CHECK(!bw_version_compatible(BW_VERSION_NUMBER + 1), "a newer header");
    CHECK(!bw_version_compatible(BW_VERSION_NUMBER + 0x010000), "another major");
    CHECK(!bw_version_compatible(0x000100), "0.1.0, before struct_size");
    CHECK(strcmp(bw_status_str(BW_OK), "BW_OK") == 0, "BW_OK");
    CHECK(strcmp(bw_status_str(BW_ERR_NOT_FOUND), "BW_ERR_NOT_FOUND") == 0, "404 name");
    CHECK(strcmp(bw_status_str(BW_ERR_INTERNAL), "BW_ERR_INTERNAL") == 0, "internal name");
    CHECK(strcmp(bw_status_str(999), "BW_ERR_UNKNOWN") == 0, "unknown");
    CHECK(strcmp(bw_status_str(-1), "BW_ERR_UNKNOWN") == 0, "negative");
}

static void test_redirect_sends_every_field(void) {
    char call[128];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_client *client = client_with((client_opts){.user_agent_suffix = "ctest"});
    bw_modify_call_request req = BW_MODIFY_CALL_REQUEST_INIT;
    req.state = BW_CALL_STATE_ACTIVE;
    req.redirect_url = "http://127.0.0.1:9/next";
    req.redirect_method = BW_METHOD_GET;
    req.username = "hook-user";
    req.password = "hook-pass";
    req.tag = "step \"2\" \xc3\xa9";
    req.redirect_fallback_url = "http://127.0.0.1:9/fallback";
    req.redirect_fallback_method = BW_METHOD_POST;
    req.fallback_username = "fb-user";
    req.fallback_password = "fb-pass";
    bw_error err = BW_ERROR_INIT;
    bw_status st = bw_modify_call(client, ACCOUNT, call, &req, NULL, &err);
    CHECK(st == BW_OK, "%s: %s", bw_status_str(st), err.message);
    CHECK(err.status == BW_OK && err.message[0] == 0, "err cleared on success");

    char *log = sim_requests();
    char path[256];
    snprintf(path, sizeof path, "\"path\":\"/api/v2/accounts/" ACCOUNT "/calls/%s\"", call);
    CHECK(strstr(log, "\"method\":\"POST\""), "method: %s", log);
    CHECK(strstr(log, path), "path: %s", log);
    CHECK(log_has_body(log,
                       "{\"state\":\"active\",\"redirectUrl\":\"http://127.0.0.1:9/next\","
                       "\"redirectMethod\":\"GET\",\"username\":\"hook-user\","
                       "\"password\":\"hook-pass\",\"tag\":\"step \\\"2\\\" \xc3\xa9\","
                       "\"redirectFallbackUrl\":\"http://127.0.0.1:9/fallback\","
                       "\"redirectFallbackMethod\":\"POST\",\"fallbackUsername\":\"fb-user\","
                       "\"fallbackPassword\":\"fb-pass\"}"),
          "body: %s", log);
    CHECK(strstr(log, "\"content-type\":\"application/json; charset=utf-8\""), "ctype: %s", log);
    CHECK(strstr(log, "\"accept\":\"application/json\""), "accept: %s", log);
    CHECK(strstr(log, "\"user-agent\":\"bwvoice/" BW_VERSION_STRING " (ctest)\""), "ua: %s", log);
    CHECK(strstr(log, "\"authorization\":\"Basic dXNlcjpwYXNz\""), "auth: %s", log);
    free(log);
    bw_free(client);
}

static void test_hangup_body_is_exact(void) {
    char call[128];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_status st = bw_hangup(client, ACCOUNT, call, NULL, &err);
    CHECK(st == BW_OK, "%s", err.message);
    char *log = sim_requests();
    CHECK(log_has_body(log, "{\"state\":\"completed\"}"), "%s", log);
    free(log);
    /* The call is gone now: a second hang-up is a 404. */
    st = bw_hangup(client, ACCOUNT, call, NULL, &err);
    expect_error(st, &err, BW_ERR_NOT_FOUND, NULL);
    CHECK(err.http_status == 404, "%d", err.http_status);
    bw_free(client);
}

static void test_tag_unset_clear_and_set(void) {
    char call[128];
    bw_client *client = default_client();
    bw_modify_call_request req = redirect_to("/next");
    const char *tags[] = {NULL, "", "t"};
    const char *bodies[] = {"{\"redirectUrl\":\"/next\"}", "{\"redirectUrl\":\"/next\",\"tag\":\"\"}",
                            "{\"redirectUrl\":\"/next\",\"tag\":\"t\"}"};
    for (int i = 0; i < 3; i++) {
        sim_reset();
        sim_create_call(ACCOUNT, "answered", call, sizeof call);
        req.tag = tags[i];
        bw_error err = BW_ERROR_INIT;
        CHECK(bw_modify_call(client, ACCOUNT, call, &req, NULL, &err) == BW_OK, "%s", err.message);
        char *log = sim_requests();
        CHECK(log_has_body(log, bodies[i]), "tag %d: %s", i, log);
        free(log);
    }
    bw_free(client);
}

static void test_ids_are_percent_encoded(void) {
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_status st = bw_hangup(client, "a/b?c#d%e", "c-1 /?#%", NULL, &err);
    expect_error(st, &err, BW_ERR_NOT_FOUND, NULL);
    char *log = sim_requests();
    CHECK(strstr(log, "\"path\":\"/api/v2/accounts/a%2Fb%3Fc%23d%25e/calls/c-1%20%2F%3F%23%25\""),
          "%s", log);
    free(log);
    bw_free(client);
}

static void test_client_new_rejects_bad_config(void) {
    bw_client *sentinel = (bw_client *)&failed_checks, *out = sentinel;
    bw_error err = BW_ERROR_INIT;
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;

    expect_error(bw_client_new(NULL, &out, &err), &err, BW_ERR_INVALID_ARGUMENT, "cfg");
    cfg.base_url = base_url;
    cfg.username = "user";
    cfg.password = "pass";
    expect_error(bw_client_new(&cfg, NULL, &err), &err, BW_ERR_INVALID_ARGUMENT, "out");
    CHECK(bw_client_new(&cfg, NULL, NULL) == BW_ERR_INVALID_ARGUMENT, "NULL err is allowed");

    struct {
        const char *what, *field;
        bw_client_config cfg;
    } bad[] = {
        {"no credentials", "username", {.base_url = base_url}},
        {"password missing", "password", {.base_url = base_url, .username = "u"}},
        {"both kinds", "client_id",
         {.base_url = base_url, .username = "u", .password = "p", .client_id = "i",
          .client_secret = "s"}},
        {"plain http off loopback", "base_url",
         {.base_url = "http://voice.example.com/api/v2", .username = "u", .password = "p"}},
        {"CR/LF in user agent", "user_agent_suffix",
         {.base_url = base_url, .username = "u", .password = "p",
          .user_agent_suffix = "x\r\nX-Evil: 1"}},
        {"CR/LF in username", "username",
         {.base_url = base_url, .username = "u\r\nX-Evil: 1", .password = "p"}},
        {"unknown tls_roots", "tls_roots",
         {.base_url = base_url, .username = "u", .password = "p", .tls_roots = 7}},
        {"invalid UTF-8", "password", {.base_url = base_url, .username = "u", .password = "\xff"}},
        {"missing ca_file", "ca_file",
         {.base_url = base_url, .username = "u", .password = "p", .ca_file = "/nonexistent.pem"}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = sentinel;
        bad[i].cfg.struct_size = sizeof bad[i].cfg;
        bw_status st = bw_client_new(&bad[i].cfg, &out, &err);
        expect_error(st, &err, BW_ERR_INVALID_ARGUMENT, bad[i].field);
        CHECK(out == sentinel, "%s: out written on failure", bad[i].what);
    }
    CHECK(requests_seen() == 0, "nothing sent");
}

static void test_null_pointers_are_rejected(void) {
    bw_client *client = default_client();
    bw_modify_call_request req = redirect_to("/next");
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_modify_call(NULL, ACCOUNT, "c", &req, NULL, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "client");
    expect_error(bw_modify_call(client, NULL, "c", &req, NULL, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "account_id");
    expect_error(bw_modify_call(client, ACCOUNT, NULL, &req, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "call_id");
    expect_error(bw_modify_call(client, ACCOUNT, "c", NULL, NULL, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "req");
    expect_error(bw_hangup(NULL, ACCOUNT, "c", NULL, &err), &err, BW_ERR_INVALID_ARGUMENT, "client");
    expect_error(bw_hangup(client, NULL, "c", NULL, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "account_id");
    expect_error(bw_hangup(client, ACCOUNT, NULL, NULL, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "call_id");
    CHECK(bw_hangup(client, ACCOUNT, NULL, NULL, NULL) == BW_ERR_INVALID_ARGUMENT, "NULL err");
    bw_free(NULL); /* a no-op */
    CHECK(requests_seen() == 0, "nothing sent");
    bw_free(client);
}

static void test_invalid_requests_send_nothing(void) {
    bw_client *client = default_client();
    char long_tag[4098];
    memset(long_tag, 'x', 4097);
    long_tag[4097] = 0;
    struct {
        const char *field, *call;
        bw_modify_call_request req;
    } bad[] = {
        {"call_id", "", {.redirect_url = "/next"}},
        {"call_id", "\xc3\x28", {.redirect_url = "/next"}},
        {"tag", "c", {.redirect_url = "/next", .tag = "\xff\xfe"}},
        {"tag", "c", {.redirect_url = "/next", .tag = long_tag}},
        {"state", "c", {.redirect_url = "/next", .state = 3}},
        {"state", "c", {.redirect_url = "/next", .state = -1}},
        {"redirect_method", "c", {.redirect_url = "/next", .redirect_method = 3}},
        {"redirect_fallback_method", "c", {.redirect_url = "/next", .redirect_fallback_method = 99}},
        {"redirect_url", "c", {.state = BW_CALL_STATE_ACTIVE}},
        {"redirect_url", "c", {.redirect_url = "ftp://files.example/x"}},
        {"redirect_url", "c", {.redirect_url = "https://a.example/x y"}},
        {"redirect_url", "c", {.state = BW_CALL_STATE_COMPLETED, .redirect_url = "/next"}},
        {"tag", "c", {.state = BW_CALL_STATE_COMPLETED, .tag = ""}},
        {"call_id", ".", {.redirect_url = "/next"}},
        {"call_id", "..", {.redirect_url = "/next"}},
    };
    bw_error err = BW_ERROR_INIT;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad[i].req.struct_size = sizeof bad[i].req;
        bw_status st = bw_modify_call(client, ACCOUNT, bad[i].call, &bad[i].req, NULL, &err);
        expect_error(st, &err, BW_ERR_INVALID_ARGUMENT, bad[i].field);
        CHECK(err.http_status == 0 && err.attempts == 0, "case %zu: nothing sent", i);
    }
    CHECK(requests_seen() == 0, "the server saw no request");
    bw_free(client);
}

static void test_longest_tag_is_accepted(void) {
    char call[128];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    /* 4096 characters of two bytes each: the limit counts characters. */
    char *tag = malloc(4096 * 2 + 1);
    for (int i = 0; i < 4096; i++) memcpy(tag + 2 * i, "\xc3\xa9", 2);
    tag[8192] = 0;
    bw_client *client = default_client();
    bw_modify_call_request req = redirect_to("/next");
    req.tag = tag;
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_modify_call(client, ACCOUNT, call, &req, NULL, &err) == BW_OK, "%s", err.message);
    free(tag);
    bw_free(client);
}

typedef struct {
    int http;
    bw_status want;
    const char *fault, *type, *description, *id;
    int64_t retry_after_ms;
} error_row;

static void test_error_table(void) {
    error_row rows[] = {
        {400, BW_ERR_BAD_REQUEST,
         "\"status\":400,\"body\":\"{\\\"type\\\":\\\"validation\\\",\\\"description\\\":"
         "\\\"bad redirectUrl\\\",\\\"id\\\":\\\"e-400\\\"}\"",
         "validation", "bad redirectUrl", "e-400", -1},
        {403, BW_ERR_FORBIDDEN,
         "\"status\":403,\"body\":\"{\\\"type\\\":\\\"forbidden\\\",\\\"description\\\":"
         "\\\"no\\\",\\\"id\\\":null}\"",
         "forbidden", "no", "", -1},
        {429, BW_ERR_RATE_LIMITED, "\"status\":429,\"headers\":{\"Retry-After\":\"7\"}", NULL,
         NULL, NULL, 7000},
        {500, BW_ERR_SERVER, "\"status\":500", NULL, NULL, NULL, -1},
        {503, BW_ERR_SERVER, "\"status\":503,\"headers\":{\"Retry-After\":\"2\"}", NULL, NULL,
         NULL, 2000},
        {502, BW_ERR_SERVER,
         "\"status\":502,\"contentType\":\"text/html\",\"body\":\"<html>bad gateway</html>\"", "",
         "", "", -1},
        {500, BW_ERR_SERVER, "\"status\":500,\"body\":\"\"", "", "", "", -1},
        {405, BW_ERR_BAD_REQUEST, "\"status\":405,\"body\":\"\"", "", "", "", -1},
    };
    /* One attempt, so the retryable rows report the server's answer directly. */
    bw_client *client = client_with((client_opts){.max_attempts = 1});
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char fault[512];
        snprintf(fault, sizeof fault, "{\"match\":\"err-%zu\",%s}", i, rows[i].fault);
        sim_fault(fault);
        char account[32];
        snprintf(account, sizeof account, "err-%zu", i);
        bw_error err = BW_ERROR_INIT;
        bw_status st = bw_hangup(client, account, "c-x", NULL, &err);
        expect_error(st, &err, rows[i].want, "");
        CHECK(err.http_status == rows[i].http, "row %zu: http %d", i, err.http_status);
        CHECK(err.retry_after_ms == rows[i].retry_after_ms, "row %zu: retry_after %lld", i,
              (long long)err.retry_after_ms);
        CHECK(err.attempts == 1, "row %zu: attempts %u", i, err.attempts);
        /* Only a 5xx other than 503 leaves open whether the server acted. */
        bool maybe = rows[i].http >= 500 && rows[i].http != 503;
        CHECK(err.maybe_applied == maybe, "row %zu: maybe_applied %d", i, err.maybe_applied);
        if (rows[i].type) {
            CHECK(strcmp(err.error_type, rows[i].type) == 0, "row %zu: type '%s'", i,
                  err.error_type);
            CHECK(strcmp(err.description, rows[i].description) == 0, "row %zu: description", i);
            CHECK(strcmp(err.error_id, rows[i].id) == 0, "row %zu: id '%s'", i, err.error_id);
        }
        CHECK(!strstr(err.message, "<html>"), "row %zu: body echoed: %s", i, err.message);
    }
    bw_free(client);
}

static void test_real_conflict_not_found_unauthorized(void) {
    char call[128];
    sim_create_call(ACCOUNT, "initiated", call, sizeof call);
    bw_client *client = default_client();
    bw_modify_call_request req = redirect_to("/next");
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_modify_call(client, ACCOUNT, call, &req, NULL, &err), &err, BW_ERR_CONFLICT, "");
    CHECK(err.http_status == 409, "%d", err.http_status);
    CHECK(err.error_type[0] != 0, "409 carries Bandwidth's type");
    expect_error(bw_modify_call(client, ACCOUNT, "c-unknown", &req, NULL, &err), &err,
                 BW_ERR_NOT_FOUND, "");
    bw_free(client);

    bw_client *wrong = client_with((client_opts){.password = "wrong-secret"});
    expect_error(bw_hangup(wrong, ACCOUNT, call, NULL, &err), &err, BW_ERR_UNAUTHORIZED, "");
    CHECK(err.http_status == 401, "%d", err.http_status);
    CHECK(!strstr(err.message, "wrong-secret"), "credential in message: %s", err.message);
    bw_free(wrong);
}

static void test_connection_refused(void) {
    /* Bind a port, then close it: nothing listens there any more. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v2", ntohs(addr.sin_port));
    bw_client_config cfg = {.struct_size = sizeof cfg, .base_url = url, .username = "u", .password = "p", .max_attempts = 1};
    bw_client *client = NULL;
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_client_new(&cfg, &client, &err) == BW_OK, "%s", err.message);
    expect_error(bw_hangup(client, ACCOUNT, "c-1", NULL, &err), &err, BW_ERR_CONNECT, "");
    CHECK(err.http_status == 0, "%d", err.http_status);
    bw_free(client);
}

static void test_server_that_never_answers_times_out(void) {
    sim_fault("{\"match\":\"slow\",\"delayMs\":60000}");
    bw_client *client = client_with((client_opts){.timeout_ms = 300, .max_attempts = 1});
    bw_error err = BW_ERROR_INIT;
    double start = now_s();
    bw_status st = bw_hangup(client, "slow", "c-1", NULL, &err);
    double elapsed = now_s() - start;
    expect_error(st, &err, BW_ERR_TIMEOUT, "");
    /* Generous bound: the point is "ends near the timeout, not after 60 s". */
    CHECK(elapsed < 10.0, "took %.1f s", elapsed);
    bw_free(client);
}

enum { THREADS = 16 };
typedef struct {
    bw_client *client;
    char call[128];
    int calls, ok;
    char redirect_url[256];
} worker;

static void *work(void *arg) {
    worker *w = arg;
    bw_modify_call_request req = redirect_to(w->redirect_url);
    for (int i = 0; i < w->calls; i++) {
        bw_error err = BW_ERROR_INIT;
        if (bw_modify_call(w->client, ACCOUNT, w->call, &req, NULL, &err) == BW_OK) w->ok++;
        else fprintf(stderr, "  thread call failed: %s\n", err.message);
    }
    return NULL;
}

/* THREADS threads redirect a call each through `client`, to
 * <sim>/sim/app/<path><thread>, BW_TEST_CALLS_PER_THREAD times (100 by
 * default); every call is created before the first thread starts, so the
 * threads start together. Checks that every redirect succeeded. */
static void run_workers(bw_client *client, const char *path) {
    const char *env = getenv("BW_TEST_CALLS_PER_THREAD");
    int calls = env ? atoi(env) : 100;
    worker workers[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){.client = client, .calls = calls};
        snprintf(workers[i].redirect_url, sizeof workers[i].redirect_url, "%s/sim/app/%s%d",
                 sim_url(), path, i);
        sim_create_call(ACCOUNT, "answered", workers[i].call, sizeof workers[i].call);
    }
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, work, &workers[i]);
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        ok += workers[i].ok;
    }
    CHECK(ok == THREADS * calls, "%d of %d calls succeeded", ok, THREADS * calls);
}

static void test_threads_share_one_client(void) {
    bw_client *client = default_client();
    run_workers(client, "t");
    bw_free(client);
}

/* ---- transport: OAuth2, retries, TLS and proxy options ---------------- */

static char token_url[256];

static bw_client *oauth_client(const char *secret) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.client_id = "client";
    cfg.client_secret = secret;
    cfg.token_url = token_url;
    return new_client(&cfg);
}

static void test_oauth2_threads_share_one_token(void) {
    bw_client *client = oauth_client("secret");
    run_workers(client, "o");
    int tokens = log_count("\"/api/v1/oauth2/token\"");
    CHECK(tokens == 1, "%d token requests", tokens);
    char *log = sim_requests();
    CHECK(strstr(log, "\"authorization\":\"Bearer ") != NULL, "bearer sent: %.200s", log);
    free(log);
    bw_free(client);
}

static void test_oauth2_wrong_secret(void) {
    char call[128];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_client *client = oauth_client("wrong-Kx7");
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_hangup(client, ACCOUNT, call, NULL, &err), &err, BW_ERR_UNAUTHORIZED, "");
    CHECK(err.http_status == 401, "%d", err.http_status);
    CHECK(strstr(err.message, "invalid_client") != NULL, "%s", err.message);
    CHECK(!strstr(err.message, "wrong-Kx7"), "secret in message: %s", err.message);
    CHECK(log_count("\"/api/v1/oauth2/token\"") == 1, "not retried");
    bw_free(client);
}

static void test_rate_limited_then_ok_is_retried(void) {
    char call[128], fault[256];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    snprintf(fault, sizeof fault,
             "{\"match\":\"%s\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"}}", call);
    sim_fault(fault);
    bw_client *client = default_client();
    bw_modify_call_request req = redirect_to("/next");
    bw_error err = BW_ERROR_INIT;
    double start = now_s();
    bw_status st = bw_modify_call(client, ACCOUNT, call, &req, NULL, &err);
    double elapsed = now_s() - start;
    CHECK(st == BW_OK, "%s", err.message);
    CHECK(elapsed >= 1.0, "Retry-After not honoured: %.3f s", elapsed);
    CHECK(requests_seen() == 2, "%d requests", requests_seen());

    /* Rate limited twice with two attempts allowed: the error says so. */
    snprintf(fault, sizeof fault,
             "{\"match\":\"%s\",\"count\":2,\"status\":429,\"headers\":{\"Retry-After\":\"0\"}}",
             call);
    sim_fault(fault);
    bw_client *two = client_with((client_opts){.max_attempts = 2});
    st = bw_modify_call(two, ACCOUNT, call, &req, NULL, &err);
    expect_error(st, &err, BW_ERR_RATE_LIMITED, "");
    CHECK(err.attempts == 2, "attempts %u", err.attempts);
    CHECK(err.http_status == 429, "%d", err.http_status);
    CHECK(err.retry_after_ms == 0, "%lld", (long long)err.retry_after_ms);
    bw_free(two);
    bw_free(client);
}

static void test_tls_and_proxy_options_are_checked(void) {
    char not_pem[] = "/tmp/bwvoice-ctest-XXXXXX";
    int fd = mkstemp(not_pem);
    CHECK(fd >= 0, "mkstemp");
    CHECK(write(fd, "not a certificate\n", 18) == 18, "write");
    close(fd);
    struct {
        const char *what, *field;
        bw_client_config cfg;
    } bad[] = {
        {"missing ca_file", "ca_file",
         {.base_url = base_url, .username = "u", .password = "p", .ca_file = "/nonexistent.pem"}},
        {"ca_file without a certificate", "ca_file",
         {.base_url = base_url, .username = "u", .password = "p", .ca_file = not_pem}},
        {"ca_file with the system store", "ca_file",
         {.base_url = base_url, .username = "u", .password = "p", .ca_file = not_pem,
          .tls_roots = BW_TLS_ROOTS_SYSTEM}},
        {"proxy and proxy_from_env", "proxy",
         {.base_url = base_url, .username = "u", .password = "p",
          .proxy = "http://127.0.0.1:3128", .proxy_from_env = true}},
        {"invalid proxy", "proxy",
         {.base_url = base_url, .username = "u", .password = "p", .proxy = "http://[::1"}},
        {"plain http token_url off loopback", "token_url",
         {.base_url = base_url, .client_id = "c", .client_secret = "s",
          .token_url = "http://api.example.com/api/v1/oauth2/token"}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bw_client *out = NULL;
        bw_error err = BW_ERROR_INIT;
        bad[i].cfg.struct_size = sizeof bad[i].cfg;
        bw_status st = bw_client_new(&bad[i].cfg, &out, &err);
        expect_error(st, &err, BW_ERR_INVALID_ARGUMENT, bad[i].field);
        CHECK(out == NULL, "%s: out written on failure", bad[i].what);
    }
    unlink(not_pem);

    /* A proxy from the environment is allowed on its own. */
    bw_client_config env = {.struct_size = sizeof env, .base_url = base_url, .username = "u", .password = "p",
                            .proxy_from_env = true};
    bw_client *client = NULL;
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_client_new(&env, &client, &err) == BW_OK, "%s", err.message);
    bw_free(client);
    CHECK(requests_seen() == 0, "nothing sent");
}

/* ---- runner ----------------------------------------------------------- */

/* ---- growable structs --------------------------------------------------- */

/* sizeof(bw_error) in layout 1 (before maybe_applied), the struct_size a
 * program built against that header passes: 24 bytes of numbers, then field,
 * error_type, description, error_id and message (64 + 128 + 1024 + 128 +
 * 1024). It has no pointers, so it is the same on every platform, and it
 * can never change. */
enum { ERROR_LAYOUT1_SIZE = 2392 };

static void test_older_error_layout_is_filled_only_to_its_size(void) {
    const uint32_t size = ERROR_LAYOUT1_SIZE;
    CHECK(offsetof(bw_error, maybe_applied) == size,
          "layout 2 must begin at layout 1's sizeof (%u vs %zu)", (unsigned)size,
          offsetof(bw_error, maybe_applied));
    bw_client *client = default_client();
    /* Exactly its size on the heap: ASan and valgrind flag any byte written past it. */
    unsigned char *old = malloc(size);
    memset(old, 0x5a, size);
    memcpy(old, &size, sizeof size);
    CHECK(bw_hangup(client, ACCOUNT, "", NULL, (bw_error *)old) == BW_ERR_INVALID_ARGUMENT, "status");
    free(old);
    /* A whole bw_error with canaries after it, on the heap too: layout 1's
     * fields are filled, and every byte past them stays as it was. */
    struct {
        bw_error err;
        unsigned char after[64];
    } *buf = malloc(sizeof *buf);
    memset(buf, 0xab, sizeof *buf);
    buf->err.struct_size = size;
    bw_status st = bw_hangup(client, ACCOUNT, "", NULL, &buf->err);
    CHECK(st == BW_ERR_INVALID_ARGUMENT, "%s", bw_status_str(st));
    const bw_error *err = &buf->err;
    CHECK(err->status == st && err->http_status == 0 && err->attempts == 0, "filled");
    CHECK(err->retry_after_ms == -1, "retry_after_ms %lld", (long long)err->retry_after_ms);
    CHECK(strcmp(err->field, "call_id") == 0, "field '%s'", err->field);
    CHECK(err->message[0] != 0 && err->error_id[0] == 0, "message '%s'", err->message);
    CHECK(err->struct_size == size, "struct_size kept");
    const unsigned char *bytes = (const unsigned char *)buf;
    int untouched = 1;
    for (size_t i = size; i < sizeof *buf; i++) untouched &= bytes[i] == 0xab;
    CHECK(untouched, "a byte past layout 1 was written");
    free(buf);
    CHECK(requests_seen() == 0, "nothing sent");
    bw_free(client);
}

static void test_unknown_sizes_are_refused(void) {
    bw_error err = BW_ERROR_INIT;
    bw_client *out = NULL;
    bw_client_config zeroed_cfg = {0}; /* no struct_size */
    zeroed_cfg.base_url = base_url;
    zeroed_cfg.username = "user";
    zeroed_cfg.password = "pass";
    expect_error(bw_client_new(&zeroed_cfg, &out, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "cfg.struct_size");
    CHECK(strstr(err.message, "BW_CLIENT_CONFIG_INIT") != NULL, "%s", err.message);
    CHECK(out == NULL, "out written on failure");
    bw_client_config between = BW_CLIENT_CONFIG_INIT;
    between.struct_size -= 4; /* between layout 1 and layout 2 */
    expect_error(bw_client_new(&between, &out, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "cfg.struct_size");

    bw_client *client = default_client();
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_modify_call_request zeroed_req = {0};
    zeroed_req.redirect_url = "/next";
    expect_error(bw_modify_call(client, ACCOUNT, call, &zeroed_req, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "req.struct_size");
    CHECK(strstr(err.message, "BW_MODIFY_CALL_REQUEST_INIT") != NULL, "%s", err.message);

    /* A bw_error of unknown size cannot be written: the call does nothing at all. */
    bw_error zeroed_err, copy;
    memset(&zeroed_err, 0, sizeof zeroed_err);
    copy = zeroed_err;
    CHECK(bw_hangup(client, ACCOUNT, call, NULL, &zeroed_err) == BW_ERR_INVALID_ARGUMENT, "status");
    CHECK(memcmp(&zeroed_err, &copy, sizeof copy) == 0, "err was written");
    CHECK(requests_seen() == 0, "nothing sent");
    bw_free(client);
}

/* As a program built against a newer header declares them: one more field each. */
typedef struct {
    bw_client_config known;
    uint64_t future;
} newer_config;
typedef struct {
    bw_modify_call_request known;
    uint64_t future;
} newer_request;
typedef struct {
    bw_error known;
    uint64_t future;
} newer_error;

static void test_newer_callers_work_while_new_fields_are_unset(void) {
    newer_error err = {BW_ERROR_INIT, 0x5555};
    err.known.struct_size = sizeof err;
    newer_config cfg = {BW_CLIENT_CONFIG_INIT, 0};
    cfg.known.struct_size = sizeof cfg;
    cfg.known.base_url = base_url;
    cfg.known.username = "user";
    cfg.known.password = "pass";
    bw_client *client = NULL;
    CHECK(bw_client_new(&cfg.known, &client, &err.known) == BW_OK, "%s", err.known.message);

    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    newer_request req = {BW_MODIFY_CALL_REQUEST_INIT, 0};
    req.known.struct_size = sizeof req;
    req.known.redirect_url = "/next";
    CHECK(bw_modify_call(client, ACCOUNT, call, &req.known, NULL, &err.known) == BW_OK, "%s",
          err.known.message);
    req.future = 1; /* a field this library does not know, set */
    expect_error(bw_modify_call(client, ACCOUNT, call, &req.known, NULL, &err.known), &err.known,
                 BW_ERR_INVALID_ARGUMENT, "req.struct_size");
    CHECK(err.future == 0x5555, "wrote past its own layout");
    CHECK(err.known.struct_size == sizeof err, "struct_size kept");
    CHECK(requests_seen() == 1, "one redirect sent");
    bw_free(client);
    cfg.future = 1;
    client = NULL;
    expect_error(bw_client_new(&cfg.known, &client, &err.known), &err.known,
                 BW_ERR_INVALID_ARGUMENT, "cfg.struct_size");
    CHECK(client == NULL, "out written on failure");
}


/* ---- the live-call family: state, BXML, recording ------------------------ */

/* The simulator's control view of CALL (caller frees). */
static char *sim_view(const char *call) {
    char path[160];
    snprintf(path, sizeof path, "/sim/calls/%s", call);
    int status = 0;
    char *body = sim_call("GET", path, NULL, &status);
    CHECK(status == 200, "control view: %d", status);
    return body;
}

static void test_call_state_follows_the_call(void) {
    bw_client *client = default_client();
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_error err = BW_ERROR_INIT;
    bw_call_state *st = NULL;
    CHECK(bw_get_call_state(client, ACCOUNT, call, NULL, &st, &err) == BW_OK, "%s", err.message);
    if (st) {
        CHECK(st->struct_size == sizeof(bw_call_state), "struct_size %u", st->struct_size);
        CHECK(strcmp(st->call_id, call) == 0 && strcmp(st->account_id, ACCOUNT) == 0, "ids");
        CHECK(strcmp(st->state, "answered") == 0, "state %s", st->state);
        CHECK(st->answer_time && st->answer_time_ms != BW_TIME_ABSENT, "answer time");
        CHECK(st->answer_time_ms > 1700000000000LL, "answer_time_ms %lld",
              (long long)st->answer_time_ms);
        CHECK(!st->end_time && st->end_time_ms == BW_TIME_ABSENT, "no end time yet");
        CHECK(!st->disconnect_cause && !st->error_message, "not ended");
        CHECK(st->stir_shaken_len == 0 && !st->stir_shaken, "no STIR/SHAKEN");
    }
    bw_call_state_free(st);
    CHECK(bw_hangup(client, ACCOUNT, call, NULL, &err) == BW_OK, "%s", err.message);
    st = NULL;
    CHECK(bw_get_call_state(client, ACCOUNT, call, NULL, &st, &err) == BW_OK, "%s", err.message);
    if (st) {
        CHECK(strcmp(st->state, "disconnected") == 0, "state %s", st->state);
        CHECK(st->disconnect_cause && strcmp(st->disconnect_cause, "hangup") == 0, "cause");
        CHECK(st->end_time && st->end_time_ms >= st->answer_time_ms, "end time");
    }
    bw_call_state_free(st);
    bw_call_state_free(NULL); /* a no-op */
    st = NULL;
    expect_error(bw_get_call_state(client, ACCOUNT, "c-unknown", NULL, &st, &err), &err,
                 BW_ERR_NOT_FOUND, "");
    CHECK(st == NULL, "out written on failure");
    char *log = sim_requests();
    CHECK(strstr(log, "\"method\":\"GET\"") != NULL, "%s", log);
    free(log);
    bw_free(client);
}

static void test_call_state_carries_what_the_server_sends(void) {
    /* Unknown values, STIR/SHAKEN pairs, a long identity: nothing lost. */
    enum { IDENTITY = 20000 };
    char *identity = malloc(IDENTITY + 1);
    memset(identity, 'x', IDENTITY);
    identity[IDENTITY] = 0;
    const char *head = "{\"method\":\"GET\",\"status\":200,\"body\":\"{\\\"state\\\":\\\"transferring\\\","
                       "\\\"disconnectCause\\\":\\\"solar-flare\\\",\\\"parentCallId\\\":null,"
                       "\\\"stirShaken\\\":{\\\"verstat\\\":\\\"TN-Validation-Passed\\\","
                       "\\\"attestationIndicator\\\":\\\"A\\\"},\\\"identity\\\":\\\"";
    size_t cap = strlen(head) + IDENTITY + 64;
    char *fault = malloc(cap);
    snprintf(fault, cap, "%s%s\\\"}\"}", head, identity);
    sim_fault(fault);
    free(fault);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_call_state *st = NULL;
    CHECK(bw_get_call_state(client, ACCOUNT, "c-1", NULL, &st, &err) == BW_OK, "%s", err.message);
    if (st) {
        CHECK(strcmp(st->state, "transferring") == 0, "state %s", st->state);
        CHECK(strcmp(st->disconnect_cause, "solar-flare") == 0, "cause");
        CHECK(!st->parent_call_id && !st->call_id && st->start_time_ms == BW_TIME_ABSENT, "nulls");
        CHECK(strlen(st->identity) == IDENTITY, "identity cut to %zu", strlen(st->identity));
        CHECK(st->stir_shaken_len == 2, "%zu pairs", st->stir_shaken_len);
        if (st->stir_shaken_len == 2) {
            CHECK(strcmp(st->stir_shaken[0].key, "attestationIndicator") == 0 &&
                      strcmp(st->stir_shaken[0].value, "A") == 0,
                  "pair 0");
            CHECK(strcmp(st->stir_shaken[1].key, "verstat") == 0, "pair 1");
        }
    }
    bw_call_state_free(st);
    free(identity);

    /* A NUL inside a string cannot reach C whole: never cut it short. */
    sim_fault("{\"method\":\"GET\",\"status\":200,\"body\":\"{\\\"errorMessage\\\":\\\"a\\\\u0000b\\\"}\"}");
    st = NULL;
    expect_error(bw_get_call_state(client, ACCOUNT, "c-1", NULL, &st, &err), &err,
                 BW_ERR_PROTOCOL, "");
    CHECK(strstr(err.message, "errorMessage") != NULL, "%s", err.message);
    sim_fault("{\"method\":\"GET\",\"status\":200,\"body\":\"{oops\"}");
    expect_error(bw_get_call_state(client, ACCOUNT, "c-1", NULL, &st, &err), &err,
                 BW_ERR_PROTOCOL, "");
    CHECK(err.http_status == 200, "http_status %d", err.http_status);
    CHECK(st == NULL, "out written on failure");
    bw_free(client);
}

static void test_bxml_is_checked_escaped_and_sent(void) {
    bw_client *client = default_client();
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_error err = BW_ERROR_INIT;

    const char *caller_text = "</SpeakSentence><Transfer>+1900</Transfer> & \"bye\"";
    size_t needed = 0;
    CHECK(bw_xml_escape(caller_text, NULL, 0, &needed, &err) == BW_OK, "%s", err.message);
    char *escaped = malloc(needed);
    CHECK(bw_xml_escape(caller_text, escaped, needed, &needed, &err) == BW_OK, "%s", err.message);
    CHECK(strchr(escaped, '<') == NULL && strlen(escaped) + 1 == needed, "%s", escaped);
    char small[8];
    expect_error(bw_xml_escape(caller_text, small, sizeof small, &needed, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "out_size");
    expect_error(bw_xml_escape("bell\a", NULL, 0, &needed, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "text");

    char doc[512];
    snprintf(doc, sizeof doc, "<Bxml><SpeakSentence>%s</SpeakSentence></Bxml>", escaped);
    free(escaped);
    CHECK(bw_update_call_bxml(client, ACCOUNT, call, doc, NULL, &err) == BW_OK, "%s",
          err.message);
    char *log = sim_requests();
    CHECK(strstr(log, "\"method\":\"PUT\"") && strstr(log, "/bxml\""), "%s", log);
    CHECK(strstr(log, "application/xml; charset=utf-8") != NULL, "content type: %s", log);
    CHECK(log_has_body(log, doc), "exact body: %s", log);
    free(log);
    char *view = sim_view(call);
    CHECK(strstr(view, "\"bxml\":\"<Bxml><SpeakSentence>&lt;/SpeakSentence&gt;") != NULL,
          "%s", view);
    CHECK(strstr(view, "<Transfer>") == NULL, "verb injected: %s", view);
    free(view);

    /* Malformed: refused with the position, nothing sent. */
    sim_reset();
    expect_error(bw_update_call_bxml(client, ACCOUNT, call,
                                     "<Bxml>\n  <SpeakSentence>hi</Speak>\n</Bxml>", NULL, &err),
                 &err, BW_ERR_INVALID_ARGUMENT, "bxml");
    CHECK(strstr(err.message, "line 2, column") != NULL, "%s", err.message);
    expect_error(bw_update_call_bxml(client, ACCOUNT, call, "<Response/>", NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "bxml");
    char *huge = malloc(BW_MAX_BXML_BYTES + 2);
    memset(huge, ' ', BW_MAX_BXML_BYTES + 1);
    memcpy(huge, "<Bxml>", 6);
    memcpy(huge + BW_MAX_BXML_BYTES + 1 - 7, "</Bxml>", 7);
    huge[BW_MAX_BXML_BYTES + 1] = 0;
    expect_error(bw_update_call_bxml(client, ACCOUNT, call, huge, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "bxml");
    free(huge);
    expect_error(bw_update_call_bxml(client, ACCOUNT, call, NULL, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "bxml");
    CHECK(requests_seen() == 0, "nothing sent");

    char ringing[64];
    sim_create_call(ACCOUNT, "initiated", ringing, sizeof ringing);
    expect_error(bw_update_call_bxml(client, ACCOUNT, ringing, "<Bxml/>", NULL, &err), &err,
                 BW_ERR_CONFLICT, "");
    /* A server error after the document went out: not repeated (it would restart the script). */
    sim_fault("{\"route\":\"bxml\",\"status\":500}");
    expect_error(bw_update_call_bxml(client, ACCOUNT, call, "<Bxml/>", NULL, &err), &err,
                 BW_ERR_SERVER, "");
    CHECK(err.attempts == 1 && err.maybe_applied, "attempts %u, maybe_applied %d", err.attempts,
          err.maybe_applied);
    bw_free(client);
}

static void test_recording_pauses_and_resumes(void) {
    bw_client *client = default_client();
    char call[64], path[160];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_update_call_recording(client, ACCOUNT, call, BW_RECORDING_STATE_PAUSED, NULL,
                                          &err),
                 &err, BW_ERR_BAD_REQUEST, "");
    snprintf(path, sizeof path, "/sim/calls/%s/recording", call);
    int status = 0;
    free(sim_call("POST", path, "{}", &status));
    CHECK(status == 200, "start recording: %d", status);

    CHECK(bw_update_call_recording(client, ACCOUNT, call, BW_RECORDING_STATE_PAUSED, NULL,
                                   &err) == BW_OK,
          "%s", err.message);
    char *view = sim_view(call);
    CHECK(strstr(view, "\"recording\":\"paused\"") != NULL, "%s", view);
    free(view);
    /* Safe to repeat: a 500 is retried. */
    sim_fault("{\"route\":\"recording\",\"status\":500}");
    CHECK(bw_update_call_recording(client, ACCOUNT, call, BW_RECORDING_STATE_RECORDING, NULL,
                                   &err) == BW_OK,
          "%s", err.message);
    view = sim_view(call);
    CHECK(strstr(view, "\"recording\":\"recording\"") != NULL, "%s", view);
    free(view);
    char *log = sim_requests();
    CHECK(log_has_body(log, "{\"state\":\"paused\"}") && log_has_body(log, "{\"state\":\"recording\"}"),
          "%s", log);
    free(log);
    for (int bad = -1; bad <= 3; bad += 4)
        expect_error(bw_update_call_recording(client, ACCOUNT, call, bad, NULL, &err), &err,
                     BW_ERR_INVALID_ARGUMENT, "state");
    bw_free(client);
}

static void test_call_options_cap_the_budget(void) {
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    sim_fault("{\"match\":\"slow\",\"delayMs\":60000}");
    bw_call_options opts = BW_CALL_OPTIONS_INIT;
    opts.timeout_ms = 200;
    bw_call_state *st = NULL;
    expect_error(bw_get_call_state(client, ACCOUNT, "slow", &opts, &st, &err), &err,
                 BW_ERR_TIMEOUT, "");
    CHECK(strstr(err.message, "time budget") != NULL, "%s", err.message);
    bw_call_options zeroed = {0};
    expect_error(bw_hangup(client, ACCOUNT, "c-1", &zeroed, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "opts.struct_size");
    bw_free(client);
}

/* ---- asynchronous calls --------------------------------------------------- */

enum { MAX_JOBS = 64 };

/* What the callbacks saw, guarded by a mutex; the test waits on `cv`. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t submitter;
    int calls[MAX_JOBS];         /* callbacks per job slot: must end at 1 */
    bw_status status[MAX_JOBS];
    uint64_t job_id[MAX_JOBS];
    int maybe_applied[MAX_JOBS];
    char state[MAX_JOBS][32];    /* get_call_state_async: the state, copied */
    int on_submitter;            /* callbacks run on the submitting thread */
    int done;
    bw_client *free_from_callback; /* freed by the first callback, if set */
} completions;

typedef struct {
    completions *c;
    int slot;
} job_ref;

static completions *completions_new(void) {
    completions *c = calloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->submitter = pthread_self();
    return c;
}

static void completions_free(completions *c) {
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

static void on_done(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
                    const bw_result *result) {
    job_ref *ref = userdata;
    const bw_call_state *state = bw_result_call_state(result);
    /* A result only for a read that succeeded, and then of its kind. */
    int kind_ok = result == NULL ? bw_result_kind(result) == BW_RESULT_NONE
                                 : status == BW_OK && bw_result_kind(result) == BW_RESULT_CALL_STATE && state;
    completions *c = ref->c;
    bw_client *to_free = NULL;
    pthread_mutex_lock(&c->mu);
    c->calls[ref->slot]++;
    c->status[ref->slot] = status;
    c->job_id[ref->slot] = job_id;
    c->maybe_applied[ref->slot] = err->maybe_applied;
    if (state && state->state) snprintf(c->state[ref->slot], sizeof c->state[0], "%s", state->state);
    if (pthread_equal(pthread_self(), c->submitter)) c->on_submitter++;
    if (err->status != status) c->on_submitter += 100; /* err must agree */
    if (!kind_ok) c->on_submitter += 1000;              /* so must the result */
    to_free = c->free_from_callback;
    c->free_from_callback = NULL;
    pthread_mutex_unlock(&c->mu);
    if (to_free) bw_free(to_free); /* from inside a callback: must not deadlock */
    pthread_mutex_lock(&c->mu);
    c->done++;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Waits (no timeout: the library bounds every call) until `n` callbacks returned. */
static void wait_done(completions *c, int n) {
    pthread_mutex_lock(&c->mu);
    while (c->done < n) pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

/* Waits (the simulator bounds it at 10 s) until it has received a request for `needle`. */
static void wait_request(const char *needle) {
    char path[160];
    snprintf(path, sizeof path, "/sim/requests?path_contains=%s&wait=1", needle);
    int status = 0;
    free(sim_call("GET", path, NULL, &status));
    CHECK(status == 200 && log_count(needle) > 0, "%s never arrived", needle);
}

static bw_client *async_client(uint32_t max_concurrency, uint32_t max_queued) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.username = "user";
    cfg.password = "pass";
    cfg.max_concurrency = max_concurrency;
    cfg.max_queued = max_queued;
    return new_client(&cfg);
}

static void test_async_calls_complete_exactly_once(void) {
    bw_client *client = async_client(8, 0);
    completions *c = completions_new();
    job_ref refs[MAX_JOBS];
    char calls[MAX_JOBS][64];
    bw_error err = BW_ERROR_INIT;
    int n = 0;
    for (; n < 40; n++) {
        refs[n] = (job_ref){c, n};
        uint64_t id = 0;
        bw_status st;
        switch (n % 4) {
        case 0: /* a hang-up that lands */
            sim_create_call(ACCOUNT, "answered", calls[n], sizeof calls[n]);
            st = bw_hangup_async(client, ACCOUNT, calls[n], NULL, on_done, &refs[n], &id, &err);
            break;
        case 1: /* a 404 */
            st = bw_hangup_async(client, ACCOUNT, "c-unknown", NULL, on_done, &refs[n], &id, &err);
            break;
        case 2: /* a state read */
            sim_create_call(ACCOUNT, "answered", calls[n], sizeof calls[n]);
            st = bw_get_call_state_async(client, ACCOUNT, calls[n], NULL, on_done, &refs[n], &id, &err);
            break;
        default: { /* a redirect of a ringing call: 409 */
            sim_create_call(ACCOUNT, "initiated", calls[n], sizeof calls[n]);
            bw_modify_call_request req = redirect_to("/next");
            st = bw_modify_call_async(client, ACCOUNT, calls[n], &req, NULL, on_done, &refs[n], &id,
                                      &err);
        }
        }
        CHECK(st == BW_OK && id != 0, "submit %d: %s", n, err.message);
    }
    wait_done(c, n);
    for (int i = 0; i < n; i++) {
        CHECK(c->calls[i] == 1, "job %d called back %d times", i, c->calls[i]);
        bw_status want[] = {BW_OK, BW_ERR_NOT_FOUND, BW_OK, BW_ERR_CONFLICT};
        CHECK(c->status[i] == want[i % 4], "job %d: %s", i, bw_status_str(c->status[i]));
        if (i % 4 == 2) CHECK(strcmp(c->state[i], "answered") == 0, "state '%s'", c->state[i]);
    }
    CHECK(c->on_submitter == 0,
          "%d callbacks ran on the submitting thread (or err or the result disagreed)",
          c->on_submitter);

    /* A submit that fails validation never calls back and sends nothing. */
    sim_reset();
    uint64_t id = 0;
    expect_error(bw_hangup_async(client, ACCOUNT, "", NULL, on_done, &refs[0], &id, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "call_id");
    expect_error(bw_update_call_bxml_async(client, ACCOUNT, "c-1", "<Bxml>", NULL, on_done, &refs[0],
                                           &id, &err),
                 &err, BW_ERR_INVALID_ARGUMENT, "bxml");
    expect_error(bw_update_call_recording_async(client, ACCOUNT, "c-1", 9, NULL, on_done, &refs[0],
                                                &id, &err),
                 &err, BW_ERR_INVALID_ARGUMENT, "state");
    expect_error(bw_hangup_async(client, ACCOUNT, "c-1", NULL, NULL, NULL, &id, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "on_done");
    expect_error(bw_cancel(client, 123456, &err), &err, BW_ERR_NOT_FOUND, "");
    bw_free(client);
    CHECK(c->done == n, "a failed submit called back");
    CHECK(requests_seen() == 0, "nothing sent");
    completions_free(c);
}

static void test_async_queue_full_and_cancel(void) {
    /* One worker, two queue slots; the first call is held by a 60 s delay
     * and ends at its own 3 s budget, so the queue stays full meanwhile. */
    sim_fault("{\"match\":\"slow\",\"delayMs\":60000}");
    bw_client *client = async_client(1, 2);
    completions *c = completions_new();
    job_ref refs[4] = {{c, 0}, {c, 1}, {c, 2}, {c, 3}};
    char call[2][64];
    sim_create_call(ACCOUNT, "answered", call[0], sizeof call[0]);
    sim_create_call(ACCOUNT, "answered", call[1], sizeof call[1]);
    bw_error err = BW_ERROR_INIT;
    bw_call_options held = BW_CALL_OPTIONS_INIT;
    held.timeout_ms = 3000;
    uint64_t ids[4] = {0};
    CHECK(bw_hangup_async(client, ACCOUNT, "slow", &held, on_done, &refs[0], &ids[0], &err) == BW_OK,
          "%s", err.message);
    wait_request("/calls/slow"); /* it is running, not queued */
    CHECK(bw_hangup_async(client, ACCOUNT, call[0], NULL, on_done, &refs[1], &ids[1], &err) == BW_OK,
          "%s", err.message);
    CHECK(bw_hangup_async(client, ACCOUNT, call[1], NULL, on_done, &refs[2], &ids[2], &err) == BW_OK,
          "%s", err.message);
    expect_error(bw_hangup_async(client, ACCOUNT, "c-3", NULL, on_done, &refs[3], &ids[3], &err), &err,
                 BW_ERR_BUSY, "");
    CHECK(strstr(err.message, "max_queued 2") != NULL, "%s", err.message);
    CHECK(bw_cancel(client, ids[2], &err) == BW_OK, "%s", err.message);
    expect_error(bw_cancel(client, ids[2], &err), &err, BW_ERR_NOT_FOUND, "");
    wait_done(c, 3);
    CHECK(c->status[0] == BW_ERR_TIMEOUT, "%s", bw_status_str(c->status[0]));
    CHECK(c->status[1] == BW_OK, "%s", bw_status_str(c->status[1]));
    CHECK(c->status[2] == BW_ERR_CANCELLED && !c->maybe_applied[2], "%s",
          bw_status_str(c->status[2]));
    CHECK(c->job_id[2] == ids[2], "job id %llu", (unsigned long long)c->job_id[2]);
    CHECK(c->calls[3] == 0, "a busy submit called back");
    CHECK(log_count(call[1]) == 0, "the cancelled call reached the server");
    bw_free(client);
    for (int i = 0; i < 3; i++) CHECK(c->calls[i] == 1, "job %d: %d callbacks", i, c->calls[i]);
    completions_free(c);
}

static void test_async_free_with_pending_calls(void) {
    sim_fault("{\"match\":\"slow\",\"delayMs\":60000}");
    bw_client *client = async_client(1, 0);
    completions *c = completions_new();
    job_ref refs[6];
    char calls[6][64];
    bw_error err = BW_ERROR_INIT;
    bw_call_options held = BW_CALL_OPTIONS_INIT;
    held.timeout_ms = 1000;
    refs[0] = (job_ref){c, 0};
    CHECK(bw_hangup_async(client, ACCOUNT, "slow", &held, on_done, &refs[0], NULL, &err) == BW_OK,
          "%s", err.message);
    wait_request("/calls/slow");
    for (int i = 1; i < 6; i++) {
        refs[i] = (job_ref){c, i};
        sim_create_call(ACCOUNT, "answered", calls[i], sizeof calls[i]);
        CHECK(bw_hangup_async(client, ACCOUNT, calls[i], NULL, on_done, &refs[i], NULL, &err) == BW_OK,
              "%s", err.message);
    }
    bw_free(client); /* returns once the running call and every callback are done */
    CHECK(c->done == 6, "bw_free returned with %d of 6 callbacks done", c->done);
    CHECK(c->status[0] == BW_ERR_TIMEOUT, "%s", bw_status_str(c->status[0]));
    for (int i = 1; i < 6; i++) {
        CHECK(c->calls[i] == 1 && c->status[i] == BW_ERR_CANCELLED, "job %d: %d x %s", i, c->calls[i],
              bw_status_str(c->status[i]));
        CHECK(log_count(calls[i]) == 0, "job %d reached the server", i);
    }
    completions_free(c);
}

/* BW_CALL_INLINE: with a slot free, the call runs inside bw_*_async on
 * this thread and has called back before it returns; with the only slot
 * taken by a held call, the next one is queued as usual. */
static void test_async_inline_calls(void) {
    bw_client *client = async_client(1, 0);
    completions *c = completions_new();
    job_ref refs[3] = {{c, 0}, {c, 1}, {c, 2}};
    bw_call_options inline_opts = BW_CALL_OPTIONS_INIT;
    inline_opts.flags = BW_CALL_INLINE;
    bw_error err = BW_ERROR_INIT;
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    uint64_t id = 0;
    bw_status st = bw_get_call_state_async(client, ACCOUNT, call, &inline_opts, on_done, &refs[0], &id, &err);
    CHECK(st == BW_OK && id != 0, "%s", err.message);
    pthread_mutex_lock(&c->mu);
    int done = c->done, here = c->on_submitter;
    pthread_mutex_unlock(&c->mu);
    CHECK(done == 1 && here == 1, "done %d, on the submitting thread %d", done, here);
    CHECK(c->status[0] == BW_OK && strcmp(c->state[0], "answered") == 0 && c->job_id[0] == id,
          "%s '%s'", bw_status_str(c->status[0]), c->state[0]);

    /* The only slot held by a queued call: an inline one waits its turn. */
    sim_fault("{\"match\":\"slow\",\"delayMs\":60000}");
    bw_call_options held = BW_CALL_OPTIONS_INIT;
    held.timeout_ms = 1000; /* ends it (a timeout) well before the delay */
    st = bw_hangup_async(client, ACCOUNT, "slow", &held, on_done, &refs[1], &id, &err);
    CHECK(st == BW_OK, "%s", err.message);
    wait_request("/calls/slow"); /* it is running, not queued */
    st = bw_hangup_async(client, ACCOUNT, "c-unknown", &inline_opts, on_done, &refs[2], &id, &err);
    CHECK(st == BW_OK, "%s", err.message);
    wait_done(c, 3);
    CHECK(c->on_submitter == 1, "only the first ran inline (%d)", c->on_submitter);
    CHECK(c->status[2] == BW_ERR_NOT_FOUND, "%s", bw_status_str(c->status[2]));

    inline_opts.flags = 4;
    st = bw_hangup_async(client, ACCOUNT, call, &inline_opts, on_done, &refs[0], &id, &err);
    expect_error(st, &err, BW_ERR_INVALID_ARGUMENT, "opts.flags");
    /* A program built before `flags` passes the first layout's size: no flags, accepted. */
    bw_call_options older = BW_CALL_OPTIONS_INIT;
    older.struct_size = (uint32_t)offsetof(bw_call_options, flags);
    CHECK(bw_hangup(client, ACCOUNT, call, &older, &err) == BW_OK, "%s", err.message);
    bw_free(client);
    completions_free(c);
}

static void test_async_free_from_inside_a_callback(void) {
    bw_client *client = async_client(1, 0);
    completions *c = completions_new();
    job_ref refs[4];
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    bw_error err = BW_ERROR_INIT;
    pthread_mutex_lock(&c->mu);
    c->free_from_callback = client; /* the first callback frees the client */
    pthread_mutex_unlock(&c->mu);
    for (int i = 0; i < 4; i++) {
        refs[i] = (job_ref){c, i};
        bw_status st = i == 0 ? bw_hangup_async(client, ACCOUNT, call, NULL, on_done, &refs[i], NULL, &err)
                              : bw_get_call_state_async(client, ACCOUNT, call, NULL, on_done, &refs[i],
                                                        NULL, &err);
        CHECK(st == BW_OK, "%s", err.message);
    }
    wait_done(c, 4);
    /* One worker: the first job ran and freed the client; the others were
     * still queued and completed cancelled, after it. */
    CHECK(c->status[0] == BW_OK, "%s", bw_status_str(c->status[0]));
    for (int i = 1; i < 4; i++)
        CHECK(c->calls[i] == 1 && c->status[i] == BW_ERR_CANCELLED, "job %d: %s", i,
              bw_status_str(c->status[i]));
    completions_free(c);
}

/* bw_client_config as a program built with 0.2.0's first layout declares it. */
typedef struct {
    uint32_t struct_size;
    const char *base_url, *username, *password, *client_id, *client_secret, *token_url;
    uint32_t connect_timeout_ms, timeout_ms, max_attempts;
    bool retry_non_idempotent;
    int32_t tls_roots;
    const char *ca_file, *proxy;
    bool proxy_from_env;
    const char *user_agent_suffix;
} bw_client_config_layout1;

static void test_older_config_layout_gets_the_defaults(void) {
    CHECK(sizeof(bw_client_config_layout1) == offsetof(bw_client_config, max_concurrency),
          "layout 2 must begin at layout 1's sizeof");
    /* Exactly its size on the heap: ASan and valgrind flag any read past it. */
    bw_client_config_layout1 *old = calloc(1, sizeof *old);
    old->struct_size = sizeof *old;
    old->base_url = base_url;
    old->username = "user";
    old->password = "pass";
    bw_client *client = NULL;
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_client_new((const bw_client_config *)old, &client, &err) == BW_OK, "%s", err.message);
    free(old);
    char call[64];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    completions *c = completions_new();
    job_ref ref = {c, 0};
    CHECK(bw_hangup_async(client, ACCOUNT, call, NULL, on_done, &ref, NULL, &err) == BW_OK, "%s",
          err.message);
    wait_done(c, 1);
    CHECK(c->status[0] == BW_OK, "%s", bw_status_str(c->status[0]));
    bw_free(client);
    completions_free(c);
}

static void test_a_completion_queue_serves_an_event_loop(void) {
    bw_client *client = async_client(4, 0);
    bw_queue *queue = NULL;
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    int fd = bw_queue_fd(queue);
    CHECK(fd >= 0, "fd %d", fd);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    CHECK(poll(&pfd, 1, 0) == 0, "readable before anything completed");
    enum { N = 20 };
    char calls[N][64];
    uint64_t ids[N];
    for (int i = 0; i < N; i++) {
        sim_create_call(ACCOUNT, "answered", calls[i], sizeof calls[i]);
        bw_status st = i % 2 ? bw_get_call_state_async(client, ACCOUNT, calls[i], NULL, bw_queue_completion,
                                                       queue, &ids[i], &err)
                             : bw_hangup_async(client, ACCOUNT, i == 4 ? "c-unknown" : calls[i], NULL,
                                               bw_queue_completion, queue, &ids[i], &err);
        CHECK(st == BW_OK, "%s", err.message);
    }
    int seen[N] = {0}, taken = 0;
    while (taken < N) { /* the event loop: wait on the fd, then take everything */
        CHECK(poll(&pfd, 1, 30000) == 1, "the fd never became readable");
        uint64_t job;
        bw_status status;
        bw_result *result = NULL;
        while (bw_queue_next(queue, &job, &status, &result, &err)) {
            int i = 0;
            while (i < N && ids[i] != job) i++;
            CHECK(i < N, "unknown job %llu", (unsigned long long)job);
            if (i == N) continue;
            seen[i]++;
            taken++;
            CHECK(err.status == status, "err.status %d, status %d", err.status, status);
            if (i == 4) CHECK(status == BW_ERR_NOT_FOUND && err.http_status == 404, "%s", err.message);
            else CHECK(status == BW_OK, "job %d: %s", i, err.message);
            if (i % 2) {
                CHECK(bw_result_kind(result) == BW_RESULT_CALL_STATE, "kind of job %d", i);
                /* A duplicate outlives the original: ours to free, both. */
                bw_result *kept = bw_result_dup(result);
                bw_result_free(result);
                const bw_call_state *state = bw_result_call_state(kept);
                CHECK(state && strcmp(state->state, "answered") == 0, "state of job %d", i);
                bw_result_free(kept);
            } else {
                CHECK(result == NULL, "a result for a hang-up");
            }
            result = NULL;
        }
    }
    for (int i = 0; i < N; i++) CHECK(seen[i] == 1, "job %d taken %d times", i, seen[i]);
    CHECK(poll(&pfd, 1, 0) == 0, "still readable once empty");
    bw_free(client);
    bw_queue_free(queue);
    bw_queue_free(NULL);
    CHECK(bw_result_kind(NULL) == BW_RESULT_NONE && bw_result_call_state(NULL) == NULL &&
              bw_result_dup(NULL) == NULL,
          "a NULL result");
    bw_result_free(NULL);
    CHECK(bw_queue_fd(NULL) == -1, "fd of NULL");
}

/* ---- events, counters and the retry budget ------------------------------- */

enum { MAX_EVENTS = 32 };

typedef struct {
    pthread_mutex_t mu;
    int n;
    int kind[MAX_EVENTS], attempt[MAX_EVENTS], http[MAX_EVENTS], reused[MAX_EVENTS];
    bw_status status[MAX_EVENTS];
    char text[MAX_EVENTS][512]; /* every string of the event, joined */
} event_log;

static void on_event(void *userdata, const bw_event *e) {
    event_log *log = userdata;
    pthread_mutex_lock(&log->mu);
    if (log->n < MAX_EVENTS && e->struct_size >= sizeof(bw_event)) {
        int i = log->n++;
        log->kind[i] = e->kind;
        log->attempt[i] = (int)e->attempt;
        log->http[i] = e->http_response_status_code;
        log->reused[i] = e->connection_reused;
        log->status[i] = e->status;
        snprintf(log->text[i], sizeof log->text[i], "%s|%s|%s|%s|%s|%s:%u|%s|%s", e->operation,
                 e->http_request_method, e->url_template, e->account_id, e->call_id,
                 e->server_address, e->server_port, e->error_type, e->retry_reason);
    }
    pthread_mutex_unlock(&log->mu);
}

static bw_client *observed_client_masked(event_log *log, uint32_t retry_budget, uint32_t max_attempts,
                                        uint32_t mask) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.username = "user";
    cfg.password = "pass";
    cfg.on_event = on_event;
    cfg.event_userdata = log;
    cfg.retry_budget = retry_budget;
    cfg.max_attempts = max_attempts;
    cfg.event_mask = mask;
    return new_client(&cfg);
}

static bw_client *observed_client(event_log *log, uint32_t retry_budget, uint32_t max_attempts) {
    return observed_client_masked(log, retry_budget, max_attempts, 0);
}

static void test_events_and_counters_of_a_retried_call(void) {
    event_log log = {.mu = PTHREAD_MUTEX_INITIALIZER};
    bw_client *client = observed_client(&log, 0, 0);
    char call[64], fault[160];
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    snprintf(fault, sizeof fault,
             "{\"match\":\"%s\",\"status\":503,\"headers\":{\"Retry-After\":\"0\"}}", call);
    sim_fault(fault);
    bw_error err = BW_ERROR_INIT;
    CHECK(bw_hangup(client, ACCOUNT, call, NULL, &err) == BW_OK, "%s", err.message);
    int kinds[] = {BW_EVENT_ATTEMPT_END, BW_EVENT_RETRY_SCHEDULED, BW_EVENT_ATTEMPT_END,
                   BW_EVENT_CALL_END};
    CHECK(log.n == 4, "%d events", log.n);
    for (int i = 0; i < 4 && i < log.n; i++) CHECK(log.kind[i] == kinds[i], "event %d: kind %d", i, log.kind[i]);
    if (log.n == 4) {
        char want[256];
        snprintf(want, sizeof want, "updateCall|POST|/accounts/{accountId}/calls/{callId}|%s|%s|127.0.0.1:",
                 ACCOUNT, call);
        CHECK(strncmp(log.text[0], want, strlen(want)) == 0, "%s", log.text[0]);
        CHECK(log.http[0] == 503 && log.status[0] == BW_ERR_SERVER && !log.reused[0], "first attempt");
        CHECK(strstr(log.text[0], "|503|") != NULL, "error.type: %s", log.text[0]);
        CHECK(strstr(log.text[1], "|unavailable") != NULL, "retry reason: %s", log.text[1]);
        CHECK(log.http[2] == 200 && log.status[2] == BW_OK && log.reused[2] && log.attempt[2] == 2,
              "second attempt");
        CHECK(log.status[3] == BW_OK, "end");
    }
    for (int i = 0; i < log.n; i++)
        CHECK(strstr(log.text[i], "pass") == NULL && strstr(log.text[i], "dXNlcjpwYXNz") == NULL,
              "a credential in an event: %s", log.text[i]);

    bw_stats stats = BW_STATS_INIT;
    CHECK(bw_client_stats(client, &stats, &err) == BW_OK, "%s", err.message);
    CHECK(stats.calls == 1 && stats.attempts == 2, "calls %llu attempts %llu",
          (unsigned long long)stats.calls, (unsigned long long)stats.attempts);
    CHECK(stats.retries == 1 && stats.retries_unavailable == 1, "retries");
    CHECK(stats.outcomes[BW_OK] == 1 && stats.connections_opened == 1 && stats.connections_reused == 1,
          "outcomes and connections");
    CHECK(stats.retry_budget_tokens == BW_DEFAULT_RETRY_BUDGET - 5 + 1, "budget %lld",
          (long long)stats.retry_budget_tokens);
    bw_stats zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    expect_error(bw_client_stats(client, &zeroed, &err), &err, BW_ERR_INVALID_ARGUMENT,
                 "out.struct_size");
    bw_free(client);

    /* A mask of retry events: a call that needs a retry reports just that. */
    event_log retries = {.mu = PTHREAD_MUTEX_INITIALIZER};
    client = observed_client_masked(&retries, 0, 0,
                                    1u << BW_EVENT_RETRY_SCHEDULED | 1u << BW_EVENT_RETRY_DENIED);
    sim_create_call(ACCOUNT, "answered", call, sizeof call);
    snprintf(fault, sizeof fault,
             "{\"match\":\"%s\",\"status\":503,\"headers\":{\"Retry-After\":\"0\"}}", call);
    sim_fault(fault);
    CHECK(bw_hangup(client, ACCOUNT, call, NULL, &err) == BW_OK, "%s", err.message);
    CHECK(retries.n == 1 && retries.kind[0] == BW_EVENT_RETRY_SCHEDULED, "%d events", retries.n);
    bw_free(client);
}

static void test_an_empty_retry_budget_stops_retries(void) {
    event_log log = {.mu = PTHREAD_MUTEX_INITIALIZER};
    bw_client *client = observed_client(&log, 10, 3); /* room for 2 retries */
    sim_fault("{\"match\":\"down\",\"count\":100,\"status\":503,\"headers\":{\"Retry-After\":\"0\"}}");
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_hangup(client, ACCOUNT, "down", NULL, &err), &err, BW_ERR_SERVER, "");
    CHECK(err.attempts == 3, "attempts %u", err.attempts);
    expect_error(bw_hangup(client, ACCOUNT, "down", NULL, &err), &err, BW_ERR_SERVER, "");
    CHECK(err.attempts == 1, "attempts %u", err.attempts);
    CHECK(strstr(err.message, "retry budget is exhausted") != NULL, "%s", err.message);
    int denied = 0;
    for (int i = 0; i < log.n; i++) denied += log.kind[i] == BW_EVENT_RETRY_DENIED;
    CHECK(denied == 1, "%d denied", denied);
    bw_stats stats = BW_STATS_INIT;
    CHECK(bw_client_stats(client, &stats, &err) == BW_OK, "%s", err.message);
    CHECK(stats.retries_denied == 1 && stats.retry_budget_tokens == 0 &&
              stats.outcomes[BW_ERR_SERVER] == 2,
          "denied %llu tokens %lld", (unsigned long long)stats.retries_denied,
          (long long)stats.retry_budget_tokens);
    bw_free(client);
}

/* ---- main --------------------------------------------------------------- */

int main(void) {
    snprintf(base_url, sizeof base_url, "%s/api/v2", sim_url());
    snprintf(token_url, sizeof token_url, "%s/api/v1/oauth2/token", sim_url());
    const test_case tests[] = {
        {"version and status names", test_version_and_status_names},
        {"redirect sends every field", test_redirect_sends_every_field},
        {"hang-up body is exact", test_hangup_body_is_exact},
        {"tag unset, clear and set", test_tag_unset_clear_and_set},
        {"ids are percent-encoded", test_ids_are_percent_encoded},
        {"bw_client_new rejects bad config", test_client_new_rejects_bad_config},
        {"NULL pointers are rejected", test_null_pointers_are_rejected},
        {"invalid requests send nothing", test_invalid_requests_send_nothing},
        {"longest tag is accepted", test_longest_tag_is_accepted},
        {"error table", test_error_table},
        {"409, 404 and 401 from real calls", test_real_conflict_not_found_unauthorized},
        {"connection refused", test_connection_refused},
        {"server that never answers times out", test_server_that_never_answers_times_out},
        {"16 threads share one client", test_threads_share_one_client},
        {"OAuth2: 16 threads share one token", test_oauth2_threads_share_one_token},
        {"OAuth2: a wrong secret is refused, not echoed", test_oauth2_wrong_secret},
        {"429 with Retry-After is retried", test_rate_limited_then_ok_is_retried},
        {"TLS and proxy options are checked", test_tls_and_proxy_options_are_checked},
        {"an older bw_error is filled only to its size",
         test_older_error_layout_is_filled_only_to_its_size},
        {"unknown struct sizes are refused", test_unknown_sizes_are_refused},
        {"newer callers work while their new fields are unset",
         test_newer_callers_work_while_new_fields_are_unset},
        {"call state follows the call", test_call_state_follows_the_call},
        {"call state carries what the server sends",
         test_call_state_carries_what_the_server_sends},
        {"BXML is checked, escaped and sent", test_bxml_is_checked_escaped_and_sent},
        {"recording pauses and resumes", test_recording_pauses_and_resumes},
        {"call options cap the budget", test_call_options_cap_the_budget},
        {"async calls complete exactly once", test_async_calls_complete_exactly_once},
        {"async: a full queue is busy, a cancelled call is never sent",
         test_async_queue_full_and_cancel},
        {"async: bw_free with pending calls", test_async_free_with_pending_calls},
        {"async: bw_free from inside a callback", test_async_free_from_inside_a_callback},
        {"async: BW_CALL_INLINE runs on the calling thread when a slot is free",
         test_async_inline_calls},
        {"an older bw_client_config gets the defaults",
         test_older_config_layout_gets_the_defaults},
        {"a completion queue serves an event loop", test_a_completion_queue_serves_an_event_loop},
        {"events and counters of a retried call", test_events_and_counters_of_a_retried_call},
        {"an empty retry budget stops retries", test_an_empty_retry_budget_stops_retries},
    };
    int passed = 0, failed = 0;
    run_tests(tests, sizeof tests / sizeof tests[0], &passed, &failed);
    run_tests(call_tests, call_tests_len, &passed, &failed);
    run_tests(conference_tests, conference_tests_len, &passed, &failed);
    run_tests(bxml_tests, bxml_tests_len, &passed, &failed);
    run_tests(callback_tests, callback_tests_len, &passed, &failed);
    run_tests(callback_corpus_tests, callback_corpus_tests_len, &passed, &failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
