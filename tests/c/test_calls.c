/*
 * The account's calls from C: bw_create_call and bw_list_calls, blocking,
 * through a completion callback and through a bw_queue, against the
 * simulator (run by tests/c/run.sh with test_bwvoice.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "bwvoice.h"
#include "check.h"
#include "sim.h"

#define FROM "+15550001000"

static int same(const char *got, const char *want) {
    return got && want ? strcmp(got, want) == 0 : got == want;
}

/* A request with the four required fields; answered by the simulator's own app. */
static bw_create_call_request minimal_call(char *answer_url, size_t len) {
    snprintf(answer_url, len, "%s/sim/app/answer", sim_url());
    bw_create_call_request req = BW_CREATE_CALL_REQUEST_INIT;
    req.to = "+15555550100";
    req.from = FROM;
    req.application_id = "app-1";
    req.answer_url = answer_url;
    return req;
}

/* Waits (the simulator bounds it at 10 s) until CALL is answered. */
static void expect_answered(const char *call) {
    char path[160];
    snprintf(path, sizeof path, "/sim/calls/%s?wait=answered", call);
    char *view = sim_get(path);
    CHECK(strstr(view, "\"state\":\"answered\"") != NULL, "%s", view);
    free(view);
}

static void test_create_call_sends_every_field(void) {
    sim_config("{\"outbound\":\"ring\"}"); /* no webhooks: only the request matters */
    bw_machine_detection md = BW_MACHINE_DETECTION_INIT;
    md.mode = BW_MACHINE_DETECTION_ASYNC;
    md.detection_timeout = 15;
    md.silence_timeout = 10;
    md.speech_threshold = 10;
    md.speech_end_threshold = 5;
    md.machine_speech_end_threshold = 6;
    md.delay_result = BW_BOOL_TRUE;
    md.callback_url = "https://app.example/amd";
    md.callback_method = BW_METHOD_GET;
    md.username = "amd-user";
    md.password = "amd-pass";
    md.fallback_url = "https://app.example/amd-fallback";
    md.fallback_method = BW_METHOD_POST;
    md.fallback_username = "amd-fb-user";
    md.fallback_password = "amd-fb-pass";
    bw_create_call_request req = BW_CREATE_CALL_REQUEST_INIT;
    req.to = "sip:agent@pbx.example";
    req.from = FROM;
    req.application_id = "app-1";
    req.answer_url = "https://app.example/answer";
    req.answer_method = BW_METHOD_GET;
    req.username = "hook-user";
    req.password = "hook-pass";
    req.answer_fallback_url = "https://app.example/fallback";
    req.answer_fallback_method = BW_METHOD_POST;
    req.fallback_username = "fb-user";
    req.fallback_password = "fb-pass";
    req.disconnect_url = "https://app.example/disconnect";
    req.disconnect_method = BW_METHOD_GET;
    req.privacy = BW_BOOL_TRUE;
    req.display_name = "Anonymous";
    req.uui = "bXl1dWk=;encoding=base64";
    req.call_timeout = 45;
    req.callback_timeout = 12.5;
    req.priority = 2;
    req.tag = "campaign \"7\" \xc3\xa9";
    req.machine_detection = &md;

    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_created_call *call = NULL;
    CHECK(bw_create_call(client, ACCOUNT, &req, NULL, &call, &err) == BW_OK, "%s", err.message);
    CHECK(err.status == BW_OK && err.message[0] == 0, "err cleared on success");
    if (call) {
        CHECK(call->struct_size == sizeof(bw_created_call), "struct_size %u", call->struct_size);
        CHECK(call->call_id && strncmp(call->call_id, "c-", 2) == 0, "call_id %s", call->call_id);
        CHECK(same(call->account_id, ACCOUNT) && same(call->application_id, "app-1"), "ids");
        CHECK(same(call->to, req.to) && same(call->from, FROM), "to %s from %s", call->to, call->from);
        char url[512];
        snprintf(url, sizeof url, "%s/accounts/" ACCOUNT "/calls/%s", base_url, call->call_id);
        CHECK(same(call->call_url, url), "call_url %s", call->call_url);
        CHECK(call->enqueued_time && call->enqueued_time_ms > 1700000000000LL, "enqueued %s",
              call->enqueued_time);
        CHECK(call->call_timeout == 45 && call->callback_timeout == 12.5, "timeouts %g %g",
              call->call_timeout, call->callback_timeout);
        CHECK(call->priority == 2, "priority %u", call->priority);
        CHECK(same(call->tag, req.tag), "tag %s", call->tag);
        CHECK(same(call->answer_url, req.answer_url) && same(call->answer_method, "GET"), "answer");
        CHECK(same(call->answer_fallback_url, req.answer_fallback_url) &&
                  same(call->answer_fallback_method, "POST"),
              "fallback");
        CHECK(same(call->disconnect_url, req.disconnect_url) && same(call->disconnect_method, "GET"),
              "disconnect");
        CHECK(same(call->username, "hook-user") && same(call->password, "*****"), "credentials");
        CHECK(same(call->fallback_username, "fb-user") && same(call->fallback_password, "*****"),
              "fallback credentials");
    }
    bw_created_call_free(call);
    bw_created_call_free(NULL); /* a no-op */

    char *log = sim_requests();
    CHECK(requests_seen() == 1, "one request");
    CHECK(strstr(log, "\"method\":\"POST\"") &&
              strstr(log, "\"path\":\"/api/v2/accounts/" ACCOUNT "/calls\""),
          "%s", log);
    CHECK(log_has_body(
              log,
              "{\"to\":\"sip:agent@pbx.example\",\"from\":\"" FROM "\",\"applicationId\":\"app-1\","
              "\"answerUrl\":\"https://app.example/answer\",\"privacy\":true,"
              "\"displayName\":\"Anonymous\",\"uui\":\"bXl1dWk=;encoding=base64\","
              "\"answerMethod\":\"GET\",\"username\":\"hook-user\",\"password\":\"hook-pass\","
              "\"answerFallbackUrl\":\"https://app.example/fallback\",\"answerFallbackMethod\":\"POST\","
              "\"fallbackUsername\":\"fb-user\",\"fallbackPassword\":\"fb-pass\","
              "\"disconnectUrl\":\"https://app.example/disconnect\",\"disconnectMethod\":\"GET\","
              "\"callTimeout\":45,\"callbackTimeout\":12.5,\"machineDetection\":{\"mode\":\"async\","
              "\"detectionTimeout\":15,\"silenceTimeout\":10,\"speechThreshold\":10,"
              "\"speechEndThreshold\":5,\"machineSpeechEndThreshold\":6,\"delayResult\":true,"
              "\"callbackUrl\":\"https://app.example/amd\",\"callbackMethod\":\"GET\","
              "\"username\":\"amd-user\",\"password\":\"amd-pass\","
              "\"fallbackUrl\":\"https://app.example/amd-fallback\",\"fallbackMethod\":\"POST\","
              "\"fallbackUsername\":\"amd-fb-user\",\"fallbackPassword\":\"amd-fb-pass\"},"
              "\"priority\":2,\"tag\":\"campaign \\\"7\\\" \xc3\xa9\"}"),
          "body: %s", log);
    CHECK(strstr(log, "\"content-type\":\"application/json; charset=utf-8\""), "ctype: %s", log);
    free(log);
    bw_free(client);
}

/* Checks a created call of minimal_call against the simulator's defaults. */
static void expect_defaults(const bw_created_call *call) {
    CHECK(call != NULL, "no created call");
    if (!call) return;
    CHECK(call->call_id && same(call->to, "+15555550100") && same(call->from, FROM), "call");
    CHECK(call->call_timeout == 30 && call->callback_timeout == 15 && call->priority == 5,
          "defaults %g %g %u", call->call_timeout, call->callback_timeout, call->priority);
    CHECK(same(call->answer_method, "POST") && same(call->disconnect_method, "POST"), "methods");
    CHECK(!call->tag && !call->username && !call->password && !call->answer_fallback_url &&
              !call->disconnect_url,
          "nothing else set");
}

static void test_create_call_blocking_callback_and_queue(void) {
    char answer_url[256];
    bw_create_call_request req = minimal_call(answer_url, sizeof answer_url);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_created_call *call = NULL;
    CHECK(bw_create_call(client, ACCOUNT, &req, NULL, &call, &err) == BW_OK, "%s", err.message);
    expect_defaults(call);
    char *log = sim_requests();
    char body[512];
    snprintf(body, sizeof body,
             "{\"to\":\"+15555550100\",\"from\":\"" FROM "\",\"applicationId\":\"app-1\","
             "\"answerUrl\":\"%s\"}",
             answer_url);
    CHECK(log_has_body(log, body), "minimal body: %s", log);
    free(log);
    if (call) expect_answered(call->call_id);
    bw_created_call_free(call);

    awaited done;
    awaited_init(&done);
    uint64_t job = 0;
    CHECK(bw_create_call_async(client, ACCOUNT, &req, NULL, on_awaited, &done, &job, &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&done);
    CHECK(done.status == BW_OK && done.job_id == job && job != 0, "%s", done.err.message);
    expect_kind(done.result, BW_RESULT_CREATED_CALL);
    const bw_created_call *kept = bw_result_created_call(done.result);
    expect_defaults(kept); /* read after the callback returned: bw_result_dup kept it */
    if (kept) expect_answered(kept->call_id);
    awaited_destroy(&done);

    bw_queue *queue = NULL;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    CHECK(bw_create_call_async(client, ACCOUNT, &req, NULL, bw_queue_completion, queue, &job, &err) ==
              BW_OK,
          "%s", err.message);
    uint64_t taken = 0;
    bw_status status = -1;
    bw_result *result = NULL;
    CHECK(queue_take(queue, &taken, &status, &result, &err), "nothing queued");
    CHECK(taken == job && status == BW_OK, "job %llu: %s", (unsigned long long)taken, err.message);
    expect_kind(result, BW_RESULT_CREATED_CALL);
    expect_defaults(bw_result_created_call(result));
    bw_result_free(result);
    bw_queue_free(queue);

    char *hooks = sim_get("/sim/webhooks?wait=3");
    int answers = 0;
    for (const char *p = hooks; (p = strstr(p, "\"eventType\":\"answer\"")); p++) answers++;
    CHECK(answers == 3, "%d answer events: %s", answers, hooks);
    free(hooks);
    CHECK(requests_seen() == 3, "three calls placed, each once");
    bw_free(client);
}

/* Makes REQ wrong in way I; returns the field the error names, NULL past the last way. */
static const char *break_request(bw_create_call_request *req, int i) {
    static bw_machine_detection md;
    md = (bw_machine_detection)BW_MACHINE_DETECTION_INIT;
    switch (i) {
    case 0: req->struct_size = 0; return "req.struct_size";
    case 1: req->to = NULL; return "to";
    case 2: req->answer_url = NULL; return "answer_url";
    case 3: req->to = "12345"; return "to";
    case 4: req->to = "+1555\xff"; return "to";
    case 5: req->tag = "\xc3\x28"; return "tag";
    case 6: req->priority = 9; return "priority";
    case 7: req->call_timeout = 301; return "call_timeout";
    case 8: req->answer_method = 3; return "answer_method";
    case 9: req->disconnect_method = -1; return "disconnect_method";
    case 10: req->privacy = 3; return "privacy";
    case 11: req->privacy = -1; return "privacy";
    case 12: req->privacy = BW_BOOL_TRUE; req->display_name = "Alice"; return "display_name";
    case 13: req->username = "u"; req->password = "p"; return "answer_url"; /* needs https */
    case 14: md.struct_size = 0; break;
    case 15: md.mode = 7; break;
    case 16: md.delay_result = 3; break;
    case 17: md.mode = BW_MACHINE_DETECTION_SYNC; md.detection_timeout = 1.5; break;
    default: return NULL;
    }
    req->machine_detection = &md;
    const char *fields[] = {"machine_detection.struct_size", "machine_detection.mode",
                            "machine_detection.delay_result", "machine_detection.detection_timeout"};
    return fields[i - 14];
}

static void test_create_call_bad_arguments_send_nothing(void) {
    bw_client *client = default_client();
    char answer_url[256];
    const bw_create_call_request good = minimal_call(answer_url, sizeof answer_url);
    bw_created_call *sentinel = (bw_created_call *)&failed_checks, *out = sentinel;
    bw_error err = BW_ERROR_INIT;
    expect_error(bw_create_call(NULL, ACCOUNT, &good, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "client");
    expect_error(bw_create_call(client, NULL, &good, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "account_id");
    expect_error(bw_create_call(client, ACCOUNT, NULL, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "req");
    expect_error(bw_create_call(client, ACCOUNT, &good, NULL, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "out");
    uint64_t job = 0;
    expect_error(bw_create_call_async(client, ACCOUNT, &good, NULL, NULL, NULL, &job, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "on_done");
    CHECK(out == sentinel, "out written on failure");

    const char *field;
    bw_create_call_request req = good;
    for (int i = 0; (field = break_request(&req, i)); i++, req = good) {
        out = sentinel;
        expect_error(bw_create_call(client, ACCOUNT, &req, NULL, &out, &err), &err,
                     BW_ERR_INVALID_ARGUMENT, field);
        CHECK(out == sentinel && err.attempts == 0, "case %d: out written or sent", i);
                expect_error(bw_create_call_async(client, ACCOUNT, &req, NULL, on_stray, NULL, &job, &err),
                     &err, BW_ERR_INVALID_ARGUMENT, field);
    }
    bw_free(client);
    CHECK(requests_seen() == 0 && stray_callbacks() == 0, "nothing sent, no callback");
}

static void test_create_call_is_never_resent(void) {
    /* A 500 after the request went out: the call may exist, so no retry. */
    sim_fault("{\"route\":\"calls\",\"method\":\"POST\",\"status\":500,\"count\":2}");
    char answer_url[256];
    bw_create_call_request req = minimal_call(answer_url, sizeof answer_url);
    req.tag = "order-42"; /* to recognise the call in listCalls if it was placed */
    bw_client *client = default_client(); /* 3 attempts: none used for createCall */
    bw_error err = BW_ERROR_INIT;
    bw_created_call *call = NULL;
    expect_error(bw_create_call(client, ACCOUNT, &req, NULL, &call, &err), &err, BW_ERR_SERVER, "");
    CHECK(err.maybe_applied && err.attempts == 1 && err.http_status == 500,
          "maybe_applied %d, attempts %u, http %d", err.maybe_applied, err.attempts, err.http_status);
    CHECK(call == NULL, "out written on failure");
    CHECK(requests_seen() == 1, "%d requests, want exactly 1", requests_seen());

    awaited done;
    awaited_init(&done);
    CHECK(bw_create_call_async(client, ACCOUNT, &req, NULL, on_awaited, &done, NULL, &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&done);
    CHECK(done.status == BW_ERR_SERVER && done.err.maybe_applied && done.err.attempts == 1,
          "async: %s", done.err.message);
    expect_kind(done.result, BW_RESULT_NONE);
    awaited_destroy(&done);
    CHECK(requests_seen() == 2, "%d requests, want 2", requests_seen());

    /* A 503 too: a proxy may send it after the request reached Bandwidth. */
    sim_reset();
    sim_fault("{\"route\":\"calls\",\"method\":\"POST\",\"status\":503,"
              "\"headers\":{\"Retry-After\":\"0\"}}");
    expect_error(bw_create_call(client, ACCOUNT, &req, NULL, &call, &err), &err, BW_ERR_SERVER, "");
    CHECK(err.maybe_applied && err.attempts == 1, "503: maybe_applied %d, attempts %u",
          err.maybe_applied, err.attempts);
    CHECK(requests_seen() == 1, "503: %d requests, want 1", requests_seen());
    /* A 429 certainly placed nothing: retried, and the call is placed once. */
    sim_reset();
    sim_fault("{\"route\":\"calls\",\"method\":\"POST\",\"status\":429,"
              "\"headers\":{\"Retry-After\":\"0\"}}");
    CHECK(bw_create_call(client, ACCOUNT, &req, NULL, &call, &err) == BW_OK, "429 then 201: %s",
          err.message);
    bw_created_call_free(call);
    CHECK(requests_seen() == 2, "429: %d requests, want 2", requests_seen());
    bw_call_page *page = NULL;
    CHECK(bw_list_calls(client, ACCOUNT, NULL, NULL, &page, &err) == BW_OK, "%s", err.message);
    CHECK(page && page->calls_len == 1, "one call placed");
    bw_call_page_free(page);
    bw_free(client);
}

static void test_list_calls_walks_every_page(void) {
    enum { MINE = 12 };
    char ids[MINE][64], other[64];
    for (int i = 0; i < MINE; i++) {
        char json[160];
        snprintf(json, sizeof json,
                 "{\"accountId\":\"" ACCOUNT "\",\"from\":\"" FROM "\",\"to\":\"+155500020%02d\"}", i);
        sim_create_call_json(json, ids[i], sizeof ids[i]);
        if (i % 4 == 0) sim_create_call(ACCOUNT, "answered", other, sizeof other); /* not ours */
    }
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_list_calls_query query = BW_LIST_CALLS_QUERY_INIT;
    query.from = FROM;
    query.page_size = 5;
    int seen[MINE] = {0}, total = 0, pages = 0;
    const size_t sizes[] = {5, 5, 2};
    char *token = NULL;
    do {
        query.page_token = token;
        bw_call_page *page = NULL;
        CHECK(bw_list_calls(client, ACCOUNT, &query, NULL, &page, &err) == BW_OK, "%s", err.message);
        free(token);
        token = NULL;
        if (!page) break;
        CHECK(page->struct_size == sizeof(bw_call_page), "struct_size %u", page->struct_size);
        CHECK(pages < 3 && page->calls_len == sizes[pages], "page %d has %zu calls", pages,
              page->calls_len);
        for (size_t i = 0; i < page->calls_len; i++) {
            const bw_call_state *c = page->calls[i];
            int at = 0;
            while (at < MINE && !same(c->call_id, ids[at])) at++;
            CHECK(at < MINE, "a call not ours: %s", c->call_id);
            if (at == MINE) continue;
            CHECK(at == total, "call %d came at %d: not oldest first", at, total);
            seen[at]++;
            total++;
            CHECK(same(c->from, FROM) && same(c->account_id, ACCOUNT), "from %s", c->from);
            CHECK(same(c->state, "answered") && c->answer_time_ms != BW_TIME_ABSENT, "state");
        }
        if (page->next_page_token) token = strdup(page->next_page_token);
        bw_call_page_free(page);
        pages++;
    } while (token && pages < 10);
    free(token);
    CHECK(pages == 3 && total == MINE, "%d pages, %d calls", pages, total);
    for (int i = 0; i < MINE; i++) CHECK(seen[i] == 1, "call %d seen %d times", i, seen[i]);
    /* Every page is asked for with the same filters, the later ones with a token. */
    CHECK(log_count("/calls?from=%2B15550001000&pageSize=5\"") == 1, "first page query");
    CHECK(log_count("/calls?from=%2B15550001000&pageSize=5&pageToken=") == 2, "next pages");

    bw_call_page *page = NULL;
    CHECK(bw_list_calls(client, ACCOUNT, NULL, NULL, &page, &err) == BW_OK, "%s", err.message);
    CHECK(page && page->calls_len == MINE + 3 && !page->next_page_token, "unfiltered: %zu",
          page ? page->calls_len : 0);
    bw_call_page_free(page);
    page = NULL;
    query.from = NULL;
    query.page_token = NULL;
    query.to = "+19999999999";
    CHECK(bw_list_calls(client, ACCOUNT, &query, NULL, &page, &err) == BW_OK, "%s", err.message);
    CHECK(page && page->calls_len == 0 && !page->calls && !page->next_page_token, "no match");
    bw_call_page_free(page);
    bw_call_page_free(NULL); /* a no-op */
    bw_free(client);
}

static void test_list_calls_async_pages(void) {
    char id[64];
    for (int i = 0; i < 3; i++) sim_create_call(ACCOUNT, "answered", id, sizeof id);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_list_calls_query query = BW_LIST_CALLS_QUERY_INIT;
    query.page_size = 2;
    awaited first;
    awaited_init(&first);
    CHECK(bw_list_calls_async(client, ACCOUNT, &query, NULL, on_awaited, &first, NULL, &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&first);
    CHECK(first.status == BW_OK, "%s", first.err.message);
    expect_kind(first.result, BW_RESULT_CALL_PAGE);
    const bw_call_page *page = bw_result_call_page(first.result);
    CHECK(page && page->calls_len == 2 && page->next_page_token, "first page");

    /* The kept result's token asks for the next page, through a queue. */
    bw_queue *queue = NULL;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    query.page_token = page ? page->next_page_token : NULL;
    uint64_t job = 0, taken = 0;
    CHECK(bw_list_calls_async(client, ACCOUNT, &query, NULL, bw_queue_completion, queue, &job, &err) ==
              BW_OK,
          "%s", err.message);
    awaited_destroy(&first); /* the library copied the token */
    bw_status status = -1;
    bw_result *result = NULL;
    CHECK(queue_take(queue, &taken, &status, &result, &err), "nothing queued");
    CHECK(taken == job && status == BW_OK, "%s", err.message);
    expect_kind(result, BW_RESULT_CALL_PAGE);
    page = bw_result_call_page(result);
    CHECK(page && page->calls_len == 1 && same(page->calls[0]->call_id, id) && !page->next_page_token,
          "last page");
    bw_result_free(result);
    bw_queue_free(queue);
    bw_free(client);
}

static void test_list_calls_bad_arguments_send_nothing(void) {
    bw_client *client = default_client();
    bw_call_page *sentinel = (bw_call_page *)&failed_checks, *out = sentinel;
    bw_error err = BW_ERROR_INIT;
    bw_list_calls_query good = BW_LIST_CALLS_QUERY_INIT;
    expect_error(bw_list_calls(NULL, ACCOUNT, &good, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "client");
    expect_error(bw_list_calls(client, NULL, &good, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "account_id");
    expect_error(bw_list_calls(client, "\xff", &good, NULL, &out, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "account_id");
    expect_error(bw_list_calls(client, ACCOUNT, &good, NULL, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "out");
    expect_error(bw_list_calls_async(client, ACCOUNT, &good, NULL, NULL, NULL, NULL, &err), &err,
                 BW_ERR_INVALID_ARGUMENT, "on_done");
    struct {
        const char *field;
        bw_list_calls_query query;
    } bad[] = {
        {"query.struct_size", {.struct_size = 0}},
        {"from", {.from = "+1555\xff"}},
        {"from", {.from = "%2B15550001000"}},
        {"to", {.to = ""}},
        {"page_size", {.page_size = 10001}},
        {"min_start_time", {.min_start_time = "yesterday"}},
        {"min_start_time",
         {.min_start_time = "2026-01-02T00:00:00Z", .max_start_time = "2026-01-01T00:00:00Z"}},
        {"page_token", {.page_token = "a\nb"}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (i > 0) bad[i].query.struct_size = sizeof bad[i].query;
        out = sentinel;
        expect_error(bw_list_calls(client, ACCOUNT, &bad[i].query, NULL, &out, &err), &err,
                     BW_ERR_INVALID_ARGUMENT, bad[i].field);
        CHECK(out == sentinel && err.attempts == 0, "case %zu: out written or sent", i);
        expect_error(bw_list_calls_async(client, ACCOUNT, &bad[i].query, NULL, on_stray, NULL, NULL,
                                         &err),
                     &err, BW_ERR_INVALID_ARGUMENT, bad[i].field);
    }
    bw_free(client);
    CHECK(requests_seen() == 0 && stray_callbacks() == 0, "nothing sent, no callback");
}

const test_case call_tests[] = {
    {"createCall sends every field", test_create_call_sends_every_field},
    {"createCall: blocking, callback and queue", test_create_call_blocking_callback_and_queue},
    {"createCall: bad arguments send nothing", test_create_call_bad_arguments_send_nothing},
    {"createCall is never re-sent after a 500 or 503", test_create_call_is_never_resent},
    {"listCalls walks every page once", test_list_calls_walks_every_page},
    {"listCalls: callback and queue", test_list_calls_async_pages},
    {"listCalls: bad arguments send nothing", test_list_calls_bad_arguments_send_nothing},
};
const size_t call_tests_len = sizeof call_tests / sizeof call_tests[0];
