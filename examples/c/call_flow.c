/*
 * An outbound call and a conference, from C: place a call, find it again
 * with listCalls, then read a conference of two calls and mute one of them.
 *
 *   call_flow ANSWER_URL CONFERENCE_ID CALL_TO_MUTE OTHER_CALL
 *
 * ANSWER_URL serves the new call's first BXML once it is answered. The
 * conference must hold the two calls. Settings come from the environment
 * (example.h), BW_ACCOUNT_ID, BW_APPLICATION_ID, BW_FROM (a number of the
 * account) and BW_TO (the number to call). Exit status: 0 done, 3 the new
 * call was not found again, 1 other error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "example.h"

static int failed(const char *what, bw_status st, const bw_error *err) {
    fprintf(stderr, "%s failed: %s: %s\n", what, bw_status_str(st), err->message);
    return 1;
}

/* Places the call; NULL on failure (*maybe_placed: it may exist anyway). */
static char *place_call(bw_client *client, const char *account, const char *answer_url,
                        int *maybe_placed) {
    bw_create_call_request req = BW_CREATE_CALL_REQUEST_INIT; /* zero/NULL: not sent */
    req.to = getenv("BW_TO");
    req.from = getenv("BW_FROM");
    req.application_id = getenv("BW_APPLICATION_ID");
    req.answer_url = answer_url;
    req.call_timeout = 30;
    req.tag = "call-flow"; /* comes back in the call's webhooks */
    bw_error err = BW_ERROR_INIT;
    bw_created_call *call = NULL;
    bw_status st = bw_create_call(client, account, &req, NULL, &call, &err);
    /* Never retried once it may have reached Bandwidth: a second request rings a second phone. */
    *maybe_placed = st != BW_OK && err.maybe_applied;
    if (st != BW_OK) {
        failed("create call", st, &err);
        return NULL;
    }
    printf("placed %s to %s (queued %s, priority %u)\n", call->call_id, call->to, call->enqueued_time,
           call->priority);
    char *id = strdup(call->call_id); /* the call is freed; keep its id */
    bw_created_call_free(call);
    return id;
}

/* Lists the calls to BW_TO from BW_FROM since `since`, every page; returns
 * whether `call_id` was among them (-1 on error). */
static int find_call(bw_client *client, const char *account, const char *since, const char *call_id) {
    bw_list_calls_query query = BW_LIST_CALLS_QUERY_INIT;
    query.to = getenv("BW_TO");
    query.from = getenv("BW_FROM");
    query.min_start_time = since;
    query.page_size = 100;
    int found = 0;
    char *token = NULL;
    do {
        query.page_token = token; /* every other filter stays as it was */
        bw_error err = BW_ERROR_INIT;
        bw_call_page *page = NULL;
        bw_status st = bw_list_calls(client, account, &query, NULL, &page, &err);
        free(token);
        token = NULL;
        if (st != BW_OK) return -failed("list calls", st, &err);
        for (size_t i = 0; i < page->calls_len; i++) {
            const bw_call_state *c = page->calls[i];
            int ours = call_id && c->call_id && strcmp(c->call_id, call_id) == 0;
            printf("  listed %s %s -> %s: %s%s\n", c->call_id, c->from, c->to, c->state,
                   ours ? " (ours)" : "");
            found |= ours;
        }
        if (page->next_page_token) token = strdup(page->next_page_token);
        bw_call_page_free(page);
    } while (token);
    return found;
}

/* Prints one member's call and mute flag; returns whether it is muted (-1 on error). */
static int show_member(bw_client *client, const char *account, const char *conference, const char *call) {
    bw_error err = BW_ERROR_INIT;
    bw_conference_member *m = NULL;
    bw_status st = bw_get_conference_member(client, account, conference, call, NULL, &m, &err);
    if (st != BW_OK) return -failed("get conference member", st, &err);
    int muted = m->mute == BW_BOOL_TRUE;
    printf("member %s: mute %s, hold %s\n", m->call_id, muted ? "on" : "off",
           m->hold == BW_BOOL_TRUE ? "on" : "off");
    bw_conference_member_free(m);
    return muted;
}

static int conference_flow(bw_client *client, const char *account, const char *conference,
                           const char *mute, const char *other) {
    bw_error err = BW_ERROR_INIT;
    bw_conference *conf = NULL;
    bw_status st = bw_get_conference(client, account, conference, NULL, &conf, &err);
    if (st != BW_OK) return failed("get conference", st, &err);
    printf("conference %s \"%s\" since %s, %zu members\n", conf->id, conf->name ? conf->name : "",
           conf->created_time ? conf->created_time : "?", conf->active_members_len);
    int members = 0;
    for (size_t i = 0; i < conf->active_members_len; i++) {
        const char *id = conf->active_members[i]->call_id;
        members += id && (strcmp(id, mute) == 0 || strcmp(id, other) == 0);
    }
    bw_conference_free(conf);
    if (members != 2) {
        fprintf(stderr, "%s and %s are not both in the conference\n", mute, other);
        return 1;
    }

    bw_update_conference_member_request req = BW_UPDATE_CONFERENCE_MEMBER_REQUEST_INIT;
    req.mute = BW_BOOL_TRUE; /* BW_BOOL_UNSET leaves hold and the coached calls alone */
    st = bw_update_conference_member(client, account, conference, mute, &req, NULL, &err);
    if (st != BW_OK) return failed("mute", st, &err);
    printf("muted %s\n", mute);
    int muted = show_member(client, account, conference, mute);
    int other_muted = show_member(client, account, conference, other);
    return muted == 1 && other_muted == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    const char *account = getenv("BW_ACCOUNT_ID");
    if (argc < 5 || !account || !getenv("BW_APPLICATION_ID") || !getenv("BW_FROM") ||
        !getenv("BW_TO")) {
        fprintf(stderr,
                "usage: BW_ACCOUNT_ID=... BW_APPLICATION_ID=... BW_FROM=... BW_TO=... %s ANSWER_URL "
                "CONFERENCE_ID CALL_TO_MUTE OTHER_CALL\n",
                argv[0]);
        return 2;
    }
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    bw_client *client = client_from_env(&cfg);
    if (!client) return 1;

    /* A little before the attempt: what to list from if its outcome is unknown. */
    char since[32];
    time_t start = time(NULL) - 5;
    struct tm utc;
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&start, &utc));

    int rc = 1, maybe_placed = 0;
    char *call_id = place_call(client, account, argv[1], &maybe_placed);
    if (call_id || maybe_placed) {
        if (maybe_placed) printf("the call may have been placed: looking for it\n");
        int found = find_call(client, account, since, call_id);
        if (call_id && found == 1) printf("found %s with listCalls\n", call_id);
        if (found == 0 && call_id) rc = 3;
        if (found == 1) rc = conference_flow(client, account, argv[2], argv[3], argv[4]);
    }
    free(call_id);
    bw_free(client);
    return rc;
}
