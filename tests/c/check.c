#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int failed_checks;
char base_url[256];

bw_client *new_client(bw_client_config *cfg) {
    cfg->base_url = base_url;
    bw_client *client = NULL;
    bw_error err = BW_ERROR_INIT;
    if (bw_client_new(cfg, &client, &err) != BW_OK) {
        fprintf(stderr, "bw_client_new: %s\n", err.message);
        exit(2);
    }
    return client;
}

bw_client *client_with(client_opts o) {
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    cfg.username = o.username ? o.username : "user";
    cfg.password = o.password ? o.password : "pass";
    cfg.max_attempts = o.max_attempts;
    cfg.timeout_ms = o.timeout_ms;
    cfg.user_agent_suffix = o.user_agent_suffix;
    return new_client(&cfg);
}

bw_client *default_client(void) { return client_with((client_opts){0}); }

void expect_error(bw_status st, const bw_error *err, bw_status want, const char *field) {
    CHECK(st == want, "got %s, want %s (%s)", bw_status_str(st), bw_status_str(want),
          err->message);
    CHECK(err->status == st, "err.status %d != returned %d", err->status, st);
    CHECK(err->message[0] != 0, "empty message");
    if (field) CHECK(strcmp(err->field, field) == 0, "field '%s', want '%s'", err->field, field);
}

int log_count(const char *needle) {
    char *log = sim_requests();
    int n = 0;
    for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle)) n++;
    free(log);
    return n;
}

int requests_seen(void) { return log_count("\"path\":"); }

int log_has_body(const char *log, const char *raw) {
    size_t cap = strlen(raw) * 2 + 16;
    char *needle = malloc(cap), *o = needle;
    o += sprintf(o, "\"body\":\"");
    for (const char *c = raw; *c; c++) {
        if (*c == '"' || *c == '\\') *o++ = '\\';
        *o++ = *c;
    }
    strcpy(o, "\"");
    int found = strstr(log, needle) != NULL;
    free(needle);
    return found;
}

void awaited_init(awaited *a) {
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
}

void on_awaited(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
                const bw_result *result) {
    awaited *a = userdata;
    /* The result is valid during this call only: keep a duplicate. */
    bw_result *kept = bw_result_dup(result);
    pthread_mutex_lock(&a->mu);
    if (a->calls++ == 0) {
        a->job_id = job_id;
        a->status = status;
        a->err = *err;
        a->result = kept;
        kept = NULL;
    }
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    bw_result_free(kept); /* a second callback: counted, its result dropped */
}

static pthread_mutex_t stray_mu = PTHREAD_MUTEX_INITIALIZER;
static int strays;

void on_stray(void *userdata, uint64_t job_id, bw_status status, const bw_error *err,
              const bw_result *result) {
    (void)userdata, (void)job_id, (void)status, (void)err, (void)result;
    pthread_mutex_lock(&stray_mu);
    strays++;
    pthread_mutex_unlock(&stray_mu);
}

int stray_callbacks(void) {
    pthread_mutex_lock(&stray_mu);
    int n = strays;
    pthread_mutex_unlock(&stray_mu);
    return n;
}

void awaited_wait(awaited *a) {
    pthread_mutex_lock(&a->mu);
    while (a->calls == 0) pthread_cond_wait(&a->cv, &a->mu);
    pthread_mutex_unlock(&a->mu);
}

void awaited_destroy(awaited *a) {
    CHECK(a->calls == 1, "called back %d times", a->calls);
    bw_result_free(a->result);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
}

void expect_kind(const bw_result *result, int32_t kind) {
    CHECK(bw_result_kind(result) == kind, "kind %d, want %d", bw_result_kind(result), kind);
    CHECK((bw_result_call_state(result) != NULL) == (kind == BW_RESULT_CALL_STATE), "call state getter");
    CHECK((bw_result_created_call(result) != NULL) == (kind == BW_RESULT_CREATED_CALL),
          "created call getter");
    CHECK((bw_result_call_page(result) != NULL) == (kind == BW_RESULT_CALL_PAGE), "call page getter");
    CHECK((bw_result_conference(result) != NULL) == (kind == BW_RESULT_CONFERENCE), "conference getter");
    CHECK((bw_result_conference_member(result) != NULL) == (kind == BW_RESULT_CONFERENCE_MEMBER),
          "conference member getter");
}

int queue_take(bw_queue *queue, uint64_t *job_id, bw_status *status, bw_result **result,
               bw_error *err) {
    struct pollfd pfd = {.fd = bw_queue_fd(queue), .events = POLLIN};
    if (bw_queue_next(queue, job_id, status, result, err)) return 1;
    if (poll(&pfd, 1, 30000) != 1) return 0;
    return bw_queue_next(queue, job_id, status, result, err);
}

void run_tests(const test_case *tests, size_t n, int *passed, int *failed) {
    for (size_t i = 0; i < n; i++) {
        sim_reset();
        int before = failed_checks;
        tests[i].fn();
        int ok = failed_checks == before;
        printf("%s - %s\n", ok ? "ok" : "not ok", tests[i].name);
        fflush(stdout);
        ok ? (*passed)++ : (*failed)++;
    }
}
