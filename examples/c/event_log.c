/*
 * Hang up a call and print every event the library reports on the way:
 * each attempt, each retry (with its reason and delay), the call's end.
 *
 *   event_log CALL_ID
 *
 * Settings come from the environment (example.h) and BW_ACCOUNT_ID.
 * Exit status: 0 hung up, 1 failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "example.h"

static const char *kind_name(int kind) {
    switch (kind) {
    case BW_EVENT_ATTEMPT_END: return "attempt";
    case BW_EVENT_RETRY_SCHEDULED: return "retry";
    case BW_EVENT_RETRY_DENIED: return "retry denied";
    case BW_EVENT_TOKEN_FETCH: return "token";
    case BW_EVENT_CALL_END: return "end";
    default: return "?";
    }
}

/* One line per event, as a log or a tracing exporter would take it. */
static void print_event(void *userdata, const bw_event *e) {
    (void)userdata;
    printf("%-12s %s %s %s:%" PRIu32 "%s attempt=%" PRIu32 " http=%d %s", kind_name(e->kind),
           e->operation, e->http_request_method, e->server_address, e->server_port, e->url_template,
           e->attempt, e->http_response_status_code, bw_status_str(e->status));
    if (e->error_type[0]) printf(" error.type=%s", e->error_type);
    if (e->retry_reason[0]) printf(" reason=%s delay=%" PRIu64 "ms", e->retry_reason, e->retry_delay_ms);
    printf(" %" PRIu64 "us%s\n", e->duration_us, e->connection_reused ? " reused" : "");
}

int main(int argc, char **argv) {
    const char *account = getenv("BW_ACCOUNT_ID");
    if (argc < 2 || !account) {
        fprintf(stderr, "usage: BW_ACCOUNT_ID=... %s CALL_ID\n", argv[0]);
        return 2;
    }
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.on_event = print_event;
    bw_client *client = client_from_env(&cfg);
    if (!client) return 1;
    bw_error err = BW_ERROR_INIT;
    bw_status st = bw_hangup(client, account, argv[1], NULL, &err);
    bw_stats stats = BW_STATS_INIT;
    bw_client_stats(client, &stats, NULL);
    printf("stats: calls=%" PRIu64 " attempts=%" PRIu64 " retries=%" PRIu64
           " retry budget left=%" PRId64 " connections opened=%" PRIu64 " reused=%" PRIu64 "\n",
           stats.calls, stats.attempts, stats.retries, stats.retry_budget_tokens,
           stats.connections_opened, stats.connections_reused);
    if (st != BW_OK) fprintf(stderr, "hang-up failed: %s: %s\n", bw_status_str(st), err.message);
    bw_free(client);
    return st == BW_OK ? 0 : 1;
}
