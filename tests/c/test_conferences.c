/*
 * Conferences from C: bw_get_conference, bw_update_conference,
 * bw_update_conference_bxml, bw_get_conference_member and
 * bw_update_conference_member, blocking, through a completion callback
 * and through a bw_queue, against the simulator (run by tests/c/run.sh
 * with test_bwvoice.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "bwvoice.h"
#include "check.h"
#include "sim.h"

static int same(const char *got, const char *want) {
    return got && want ? strcmp(got, want) == 0 : got == want;
}

/* Two answered calls A and B in a new conference "room-1"; writes the ids. */
static void make_conference(char conf[96], char a[64], char b[64]) {
    sim_create_call(ACCOUNT, "answered", a, 64);
    sim_create_call(ACCOUNT, "answered", b, 64);
    char json[512];
    snprintf(json, sizeof json,
             "{\"accountId\":\"" ACCOUNT "\",\"name\":\"room-1\",\"members\":[\"%s\",\"%s\"],"
             "\"tag\":\"t-1\",\"conferenceEventUrl\":\"http://127.0.0.1:9/events\","
             "\"conferenceEventMethod\":\"GET\"}",
             a, b);
    sim_create_conference(json, conf, 96);
}

/* Checks MEMBER: its call, conference, URL, and its mute and hold flags. */
static void expect_member(const bw_conference_member *m, const char *conf, const char *call,
                          int32_t mute, int32_t hold) {
    CHECK(m != NULL, "no member");
    if (!m) return;
    CHECK(m->struct_size == sizeof(bw_conference_member), "struct_size %u", m->struct_size);
    CHECK(same(m->call_id, call) && same(m->conference_id, conf), "member %s of %s", m->call_id,
          m->conference_id);
    char url[512];
    snprintf(url, sizeof url, "%s/accounts/" ACCOUNT "/conferences/%s/members/%s", base_url, conf, call);
    CHECK(same(m->member_url, url), "member_url %s", m->member_url);
    CHECK(m->mute == mute && m->hold == hold, "mute %d hold %d, want %d %d", m->mute, m->hold, mute,
          hold);
}

/* Checks a conference made by make_conference, still going on. */
static void expect_conference(const bw_conference *c, const char *conf, const char *a, const char *b) {
    CHECK(c != NULL, "no conference");
    if (!c) return;
    CHECK(c->struct_size == sizeof(bw_conference), "struct_size %u", c->struct_size);
    CHECK(same(c->id, conf) && same(c->name, "room-1") && same(c->tag, "t-1"), "id %s name %s", c->id,
          c->name);
    CHECK(c->created_time && c->created_time_ms > 1700000000000LL, "created %s", c->created_time);
    CHECK(!c->completed_time && c->completed_time_ms == BW_TIME_ABSENT, "not completed");
    CHECK(same(c->conference_event_url, "http://127.0.0.1:9/events") &&
              same(c->conference_event_method, "GET"),
          "events %s", c->conference_event_url);
    CHECK(c->active_members_len == 2 && c->active_members, "%zu members", c->active_members_len);
    if (c->active_members_len != 2) return;
    int a_first = same(c->active_members[0]->call_id, a);
    expect_member(c->active_members[a_first ? 0 : 1], conf, a, BW_BOOL_FALSE, BW_BOOL_FALSE);
    expect_member(c->active_members[a_first ? 1 : 0], conf, b, BW_BOOL_FALSE, BW_BOOL_FALSE);
    CHECK(!c->active_members[0]->call_ids_to_coach && c->active_members[0]->call_ids_to_coach_len == 0,
          "coaches no one");
}

static void test_get_conference_with_two_members(void) {
    char conf[96], a[64], b[64];
    make_conference(conf, a, b);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_conference *c = NULL;
    CHECK(bw_get_conference(client, ACCOUNT, conf, NULL, &c, &err) == BW_OK, "%s", err.message);
    expect_conference(c, conf, a, b);
    bw_conference_free(c);
    bw_conference_free(NULL); /* a no-op */

    awaited done;
    awaited_init(&done);
    CHECK(bw_get_conference_async(client, ACCOUNT, conf, NULL, on_awaited, &done, NULL, &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&done);
    CHECK(done.status == BW_OK, "%s", done.err.message);
    expect_kind(done.result, BW_RESULT_CONFERENCE);
    expect_conference(bw_result_conference(done.result), conf, a, b);
    awaited_destroy(&done);

    bw_queue *queue = NULL;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    uint64_t job = 0, taken = 0;
    CHECK(bw_get_conference_async(client, ACCOUNT, conf, NULL, bw_queue_completion, queue, &job, &err) ==
              BW_OK,
          "%s", err.message);
    bw_status status = -1;
    bw_result *result = NULL;
    CHECK(queue_take(queue, &taken, &status, &result, &err), "nothing queued");
    CHECK(taken == job && status == BW_OK, "%s", err.message);
    expect_kind(result, BW_RESULT_CONFERENCE);
    expect_conference(bw_result_conference(result), conf, a, b);
    bw_result_free(result);
    bw_queue_free(queue);

    c = NULL;
    expect_error(bw_get_conference(client, ACCOUNT, "conf-unknown", NULL, &c, &err), &err,
                 BW_ERR_NOT_FOUND, "");
    CHECK(err.http_status == 404 && c == NULL, "http %d, out written", err.http_status);
    char *log = sim_requests();
    char path[200];
    snprintf(path, sizeof path, "\"path\":\"/api/v2/accounts/" ACCOUNT "/conferences/%s\"", conf);
    CHECK(strstr(log, path) && strstr(log, "\"method\":\"GET\""), "%s", log);
    free(log);
    bw_free(client);
}

static void test_member_mute_hold_and_coach(void) {
    char conf[96], a[64], b[64];
    make_conference(conf, a, b);
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    const char *coached[] = {b};
    bw_update_conference_member_request req = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    req.mute = BW_BOOL_TRUE;
    req.hold = BW_BOOL_TRUE;
    req.call_ids_to_coach = coached;
    req.call_ids_to_coach_len = 1;
    CHECK(bw_update_conference_member(client, ACCOUNT, conf, a, &req, NULL, &err) == BW_OK, "%s",
          err.message);
    char body[160];
    snprintf(body, sizeof body, "{\"mute\":true,\"hold\":true,\"callIdsToCoach\":[\"%s\"]}", b);
    char *log = sim_requests();
    CHECK(log_has_body(log, body) && strstr(log, "\"method\":\"PUT\""), "%s", log);
    free(log);

    bw_conference_member *m = NULL;
    CHECK(bw_get_conference_member(client, ACCOUNT, conf, a, NULL, &m, &err) == BW_OK, "%s",
          err.message);
    expect_member(m, conf, a, BW_BOOL_TRUE, BW_BOOL_TRUE);
    CHECK(m && m->call_ids_to_coach_len == 1 && same(m->call_ids_to_coach[0], b), "coaches b");
    bw_conference_member_free(m);
    bw_conference_member_free(NULL); /* a no-op */

    /* Unmute only, through a callback: hold and the coached calls stay. */
    bw_update_conference_member_request unmute = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    unmute.mute = BW_BOOL_FALSE;
    awaited done;
    awaited_init(&done);
    CHECK(bw_update_conference_member_async(client, ACCOUNT, conf, a, &unmute, NULL, on_awaited, &done,
                                            NULL, &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&done);
    CHECK(done.status == BW_OK, "%s", done.err.message);
    expect_kind(done.result, BW_RESULT_NONE);
    awaited_destroy(&done);
    log = sim_requests();
    CHECK(log_has_body(log, "{\"mute\":false}"), "%s", log);
    free(log);

    /* Then read it through a queue. */
    bw_queue *queue = NULL;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    uint64_t job = 0, taken = 0;
    CHECK(bw_get_conference_member_async(client, ACCOUNT, conf, a, NULL, bw_queue_completion, queue, &job,
                                         &err) == BW_OK,
          "%s", err.message);
    bw_status status = -1;
    bw_result *result = NULL;
    CHECK(queue_take(queue, &taken, &status, &result, &err), "nothing queued");
    CHECK(taken == job && status == BW_OK, "%s", err.message);
    expect_kind(result, BW_RESULT_CONFERENCE_MEMBER);
    const bw_conference_member *kept = bw_result_conference_member(result);
    expect_member(kept, conf, a, BW_BOOL_FALSE, BW_BOOL_TRUE);
    CHECK(kept && kept->call_ids_to_coach_len == 1, "still coaches b");
    bw_result_free(result);
    bw_queue_free(queue);

    /* A non-NULL empty list coaches no one; the conference shows it all. */
    bw_update_conference_member_request none = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    none.call_ids_to_coach = coached;
    none.call_ids_to_coach_len = 0;
    none.hold = BW_BOOL_FALSE;
    CHECK(bw_update_conference_member(client, ACCOUNT, conf, a, &none, NULL, &err) == BW_OK, "%s",
          err.message);
    log = sim_requests();
    CHECK(log_has_body(log, "{\"hold\":false,\"callIdsToCoach\":[]}"), "%s", log);
    free(log);
    req = (bw_update_conference_member_request)BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    req.mute = BW_BOOL_TRUE;
    CHECK(bw_update_conference_member(client, ACCOUNT, conf, b, &req, NULL, &err) == BW_OK, "%s",
          err.message);
    bw_conference *c = NULL;
    CHECK(bw_get_conference(client, ACCOUNT, conf, NULL, &c, &err) == BW_OK, "%s", err.message);
    CHECK(c && c->active_members_len == 2, "two members");
    for (size_t i = 0; c && i < c->active_members_len; i++) {
        const bw_conference_member *member = c->active_members[i];
        int is_b = same(member->call_id, b);
        expect_member(member, conf, is_b ? b : a, is_b ? BW_BOOL_TRUE : BW_BOOL_FALSE, BW_BOOL_FALSE);
        CHECK(member->call_ids_to_coach_len == 0, "member %zu coaches %zu", i,
              member->call_ids_to_coach_len);
    }
    bw_conference_free(c);
    expect_error(bw_get_conference_member(client, ACCOUNT, conf, "c-unknown", NULL, &m, &err), &err,
                 BW_ERR_NOT_FOUND, "");
    bw_free(client);
}

/* The simulator's control view of conference CONF (caller frees). */
static char *conference_view(const char *conf) {
    char path[160];
    snprintf(path, sizeof path, "/sim/conferences/%s", conf);
    return sim_get(path);
}

static void test_redirect_replace_bxml_and_end(void) {
    char conf[96], a[64], b[64], next[200], fallback[200];
    make_conference(conf, a, b);
    snprintf(next, sizeof next, "%s/sim/app/conf-next", sim_url());
    snprintf(fallback, sizeof fallback, "%s/sim/app/conf-fallback", sim_url());
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    bw_update_conference_request req = BW_UPDATE_CONFERENCE_REQUEST_INIT;
    req.status = BW_CONFERENCE_STATUS_ACTIVE;
    req.redirect_url = next;
    req.redirect_method = BW_METHOD_POST;
    req.username = "hook-user";
    req.password = "hook-pass";
    req.redirect_fallback_url = fallback;
    req.redirect_fallback_method = BW_METHOD_GET;
    req.fallback_username = "fb-user";
    req.fallback_password = "fb-pass";
    CHECK(bw_update_conference(client, ACCOUNT, conf, &req, NULL, &err) == BW_OK, "%s", err.message);
    char body[640];
    snprintf(body, sizeof body,
             "{\"status\":\"active\",\"redirectUrl\":\"%s\",\"redirectMethod\":\"POST\","
             "\"username\":\"hook-user\",\"password\":\"hook-pass\",\"redirectFallbackUrl\":\"%s\","
             "\"redirectFallbackMethod\":\"GET\",\"fallbackUsername\":\"fb-user\","
             "\"fallbackPassword\":\"fb-pass\"}",
             next, fallback);
    char *log = sim_requests();
    CHECK(log_has_body(log, body), "%s", log);
    free(log);
    char *hooks = sim_get("/sim/webhooks?wait=1");
    CHECK(strstr(hooks, "\"eventType\":\"conferenceRedirect\"") && strstr(hooks, "/sim/app/conf-next"),
          "%s", hooks);
    free(hooks);

    /* The same redirect through a callback: no value, kind NONE. */
    bw_update_conference_request redirect = BW_UPDATE_CONFERENCE_REQUEST_INIT;
    redirect.redirect_url = next;
    awaited done;
    awaited_init(&done);
    CHECK(bw_update_conference_async(client, ACCOUNT, conf, &redirect, NULL, on_awaited, &done, NULL,
                                     &err) == BW_OK,
          "%s", err.message);
    awaited_wait(&done);
    CHECK(done.status == BW_OK, "%s", done.err.message);
    expect_kind(done.result, BW_RESULT_NONE);
    awaited_destroy(&done);

    const char *first = "<Bxml><SpeakSentence>one</SpeakSentence></Bxml>";
    const char *second = "<Bxml><SpeakSentence>two</SpeakSentence></Bxml>";
    CHECK(bw_update_conference_bxml(client, ACCOUNT, conf, first, NULL, &err) == BW_OK, "%s",
          err.message);
    char *view = conference_view(conf);
    CHECK(strstr(view, "<SpeakSentence>one") != NULL, "%s", view);
    free(view);
    bw_queue *queue = NULL;
    CHECK(bw_queue_new(&queue, &err) == BW_OK, "%s", err.message);
    uint64_t job = 0, taken = 0;
    CHECK(bw_update_conference_bxml_async(client, ACCOUNT, conf, second, NULL, bw_queue_completion, queue,
                                          &job, &err) == BW_OK,
          "%s", err.message);
    bw_status status = -1;
    bw_result *result = (bw_result *)&failed_checks;
    CHECK(queue_take(queue, &taken, &status, &result, &err), "nothing queued");
    CHECK(taken == job && status == BW_OK && result == NULL, "%s", err.message);
    bw_queue_free(queue);
    view = conference_view(conf);
    CHECK(strstr(view, "<SpeakSentence>two") != NULL, "%s", view);
    free(view);
    log = sim_requests();
    CHECK(log_has_body(log, second) && strstr(log, "application/xml; charset=utf-8"), "%s", log);
    free(log);

    bw_update_conference_request end = BW_UPDATE_CONFERENCE_REQUEST_INIT;
    end.status = BW_CONFERENCE_STATUS_COMPLETED;
    CHECK(bw_update_conference(client, ACCOUNT, conf, &end, NULL, &err) == BW_OK, "%s", err.message);
    log = sim_requests();
    CHECK(log_has_body(log, "{\"status\":\"completed\"}"), "%s", log);
    free(log);
    bw_conference *c = NULL;
    CHECK(bw_get_conference(client, ACCOUNT, conf, NULL, &c, &err) == BW_OK, "%s", err.message);
    CHECK(c && c->completed_time && c->completed_time_ms >= c->created_time_ms, "completed");
    CHECK(c && c->active_members_len == 0 && !c->active_members, "members left");
    bw_conference_free(c);
    /* Gone for changes: the members' routes answer 404. */
    bw_update_conference_member_request mute = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    mute.mute = BW_BOOL_TRUE;
    expect_error(bw_update_conference_member(client, ACCOUNT, conf, a, &mute, NULL, &err), &err,
                 BW_ERR_NOT_FOUND, "");
    bw_free(client);
}

static void test_conference_bad_arguments_send_nothing(void) {
    bw_client *client = default_client();
    bw_error err = BW_ERROR_INIT;
    const char *conf = "conf-1", *member = "c-1";
    bw_conference *conf_sentinel = (bw_conference *)&failed_checks, *c = conf_sentinel;
    bw_conference_member *member_sentinel = (bw_conference_member *)&failed_checks, *m = member_sentinel;
    const bw_status bad = BW_ERR_INVALID_ARGUMENT;

    expect_error(bw_get_conference(NULL, ACCOUNT, conf, NULL, &c, &err), &err, bad, "client");
    expect_error(bw_get_conference(client, NULL, conf, NULL, &c, &err), &err, bad, "account_id");
    expect_error(bw_get_conference(client, ACCOUNT, NULL, NULL, &c, &err), &err, bad, "conference_id");
    expect_error(bw_get_conference(client, ACCOUNT, "", NULL, &c, &err), &err, bad, "conference_id");
    expect_error(bw_get_conference(client, ACCOUNT, "conf-\xff", NULL, &c, &err), &err, bad,
                 "conference_id");
    expect_error(bw_get_conference(client, ACCOUNT, conf, NULL, NULL, &err), &err, bad, "out");
    expect_error(bw_get_conference_async(client, ACCOUNT, conf, NULL, NULL, NULL, NULL, &err), &err, bad,
                 "on_done");
    expect_error(bw_get_conference_async(client, ACCOUNT, "..", NULL, on_stray, NULL, NULL, &err), &err,
                 bad, "conference_id");
    CHECK(c == conf_sentinel, "out written on failure");

    expect_error(bw_get_conference_member(client, ACCOUNT, conf, NULL, NULL, &m, &err), &err, bad,
                 "member_id");
    expect_error(bw_get_conference_member(client, ACCOUNT, NULL, member, NULL, &m, &err), &err, bad,
                 "conference_id");
    expect_error(bw_get_conference_member(client, ACCOUNT, conf, "\xc3\x28", NULL, &m, &err), &err, bad,
                 "member_id");
    expect_error(bw_get_conference_member(client, ACCOUNT, conf, member, NULL, NULL, &err), &err, bad,
                 "out");
    expect_error(bw_get_conference_member_async(NULL, ACCOUNT, conf, member, NULL, on_stray, NULL, NULL,
                                                &err),
                 &err, bad, "client");
    CHECK(m == member_sentinel, "out written on failure");

    const char *bxml_cases[][2] = {{NULL, "bxml"}, {"<Bxml>", "bxml"}, {"<Response/>", "bxml"}};
    for (size_t i = 0; i < 3; i++) {
        expect_error(bw_update_conference_bxml(client, ACCOUNT, conf, bxml_cases[i][0], NULL, &err), &err,
                     bad, bxml_cases[i][1]);
        expect_error(bw_update_conference_bxml_async(client, ACCOUNT, conf, bxml_cases[i][0], NULL,
                                                     on_stray, NULL, NULL, &err),
                     &err, bad, bxml_cases[i][1]);
    }
    expect_error(bw_update_conference_bxml(client, ACCOUNT, NULL, "<Bxml/>", NULL, &err), &err, bad,
                 "conference_id");

    struct {
        const char *field;
        bw_update_conference_request req;
    } conference_cases[] = {
        {"req.struct_size", {.struct_size = 0, .redirect_url = "/next"}},
        {"status", {.status = 3, .redirect_url = "/next"}},
        {"status", {.status = -1, .redirect_url = "/next"}},
        {"redirect_method", {.redirect_url = "/next", .redirect_method = 9}},
        {"redirect_fallback_method", {.redirect_url = "/next", .redirect_fallback_method = 3}},
        {"redirect_url", {.status = BW_CONFERENCE_STATUS_ACTIVE}},
        {"redirect_url", {.status = BW_CONFERENCE_STATUS_COMPLETED, .redirect_url = "/next"}},
        {"username", {.redirect_url = "/next", .username = "\xff"}},
    };
    expect_error(bw_update_conference(client, ACCOUNT, conf, NULL, NULL, &err), &err, bad, "req");
    for (size_t i = 0; i < sizeof conference_cases / sizeof conference_cases[0]; i++) {
        bw_update_conference_request *req = &conference_cases[i].req;
        if (i > 0) req->struct_size = sizeof *req;
        expect_error(bw_update_conference(client, ACCOUNT, conf, req, NULL, &err), &err, bad,
                     conference_cases[i].field);
        expect_error(bw_update_conference_async(client, ACCOUNT, conf, req, NULL, on_stray, NULL, NULL,
                                                &err),
                     &err, bad, conference_cases[i].field);
    }

    const char *ids[21], *bad_utf8[] = {"c-2", "c-\xff"}, *with_null[] = {"c-2", NULL},
                         *empty[] = {""};
    for (int i = 0; i < 21; i++) ids[i] = "c-2";
    struct {
        const char *field;
        bw_update_conference_member_request req;
    } member_cases[] = {
        {"req.struct_size", {.struct_size = 0, .mute = BW_BOOL_TRUE}},
        {"req", {.mute = BW_BOOL_UNSET}}, /* nothing to change */
        {"mute", {.mute = 3}},
        {"hold", {.hold = -1}},
        {"call_ids_to_coach_len", {.call_ids_to_coach = ids, .call_ids_to_coach_len = 21}},
        {"call_ids_to_coach", {.call_ids_to_coach = bad_utf8, .call_ids_to_coach_len = 2}},
        {"call_ids_to_coach", {.call_ids_to_coach = with_null, .call_ids_to_coach_len = 2}},
        {"call_ids_to_coach", {.call_ids_to_coach = empty, .call_ids_to_coach_len = 1}},
    };
    expect_error(bw_update_conference_member(client, ACCOUNT, conf, member, NULL, NULL, &err), &err, bad,
                 "req");
    for (size_t i = 0; i < sizeof member_cases / sizeof member_cases[0]; i++) {
        bw_update_conference_member_request *req = &member_cases[i].req;
        if (i > 0) req->struct_size = sizeof *req;
        expect_error(bw_update_conference_member(client, ACCOUNT, conf, member, req, NULL, &err), &err,
                     bad, member_cases[i].field);
        expect_error(bw_update_conference_member_async(client, ACCOUNT, conf, member, req, NULL,
                                                       on_stray, NULL, NULL, &err),
                     &err, bad, member_cases[i].field);
        CHECK(err.attempts == 0, "case %zu sent", i);
    }
    bw_free(client);
    CHECK(requests_seen() == 0 && stray_callbacks() == 0, "nothing sent, no callback");
}

const test_case conference_tests[] = {
    {"getConference: two members, blocking, callback and queue",
     test_get_conference_with_two_members},
    {"conference member: mute, hold and coach", test_member_mute_hold_and_coach},
    {"conference: redirect, replace BXML, end", test_redirect_replace_bxml_and_end},
    {"conference operations: bad arguments send nothing",
     test_conference_bad_arguments_send_nothing},
};
const size_t conference_tests_len = sizeof conference_tests / sizeof conference_tests[0];
