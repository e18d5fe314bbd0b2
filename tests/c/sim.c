#define _POSIX_C_SOURCE 200809L
#include "sim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "simulator control: %s\n", what);
    exit(2);
}

const char *sim_url(void) {
    const char *url = getenv("BW_SIM_URL");
    if (!url) die("BW_SIM_URL is not set");
    return url;
}

static int sim_port(void) {
    const char *colon = strrchr(sim_url(), ':');
    if (!colon) die("BW_SIM_URL has no port");
    return atoi(colon + 1);
}

char *sim_call(const char *method, const char *path, const char *json, int *status) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)sim_port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");

    size_t body_len = json ? strlen(json) : 0;
    size_t req_len = strlen(method) + strlen(path) + body_len + 128;
    char *req = malloc(req_len);
    int n = snprintf(req, req_len,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, path, body_len, json ? json : "");
    for (int off = 0; off < n;) {
        ssize_t w = write(fd, req + off, (size_t)(n - off));
        if (w <= 0) die("write");
        off += (int)w;
    }
    free(req);

    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 == cap) buf = realloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0) die("read");
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", status) != 1) die("bad status line");
    char *body = strstr(buf, "\r\n\r\n");
    if (!body) die("no header end");
    char *out = strdup(body + 4);
    free(buf);
    return out;
}

static void expect_2xx(const char *method, const char *path, const char *json) {
    int status = 0;
    free(sim_call(method, path, json, &status));
    if (status / 100 != 2) {
        fprintf(stderr, "%s %s -> %d\n", method, path, status);
        die("unexpected status");
    }
}

void sim_reset(void) { expect_2xx("POST", "/sim/reset", "{}"); }

void sim_fault(const char *json) { expect_2xx("POST", "/sim/faults", json); }

/* The string value of "KEY":"..." in JSON (the first one), into out. */
static void copy_string_field(const char *json, const char *key, char *out, size_t out_len) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *at = strstr(json, pattern);
    if (!at) die(key);
    at += strlen(pattern);
    size_t n = strcspn(at, "\"");
    if (n >= out_len) die("id too long");
    memcpy(out, at, n);
    out[n] = 0;
}

static void create(const char *path, const char *json, const char *key, char *id, size_t id_len) {
    int status = 0;
    char *body = sim_call("POST", path, json, &status);
    if (status != 201) {
        fprintf(stderr, "POST %s %s -> %d %s\n", path, json, status, body);
        die("create");
    }
    copy_string_field(body, key, id, id_len);
    free(body);
}

void sim_create_call(const char *account, const char *state, char *id, size_t id_len) {
    char json[256];
    snprintf(json, sizeof json, "{\"accountId\":\"%s\",\"state\":\"%s\"}", account, state);
    create("/sim/calls", json, "callId", id, id_len);
}

void sim_create_call_json(const char *json, char *id, size_t id_len) {
    create("/sim/calls", json, "callId", id, id_len);
}

void sim_create_conference(const char *json, char *id, size_t id_len) {
    create("/sim/conferences", json, "id", id, id_len);
}

void sim_config(const char *json) { expect_2xx("POST", "/sim/config", json); }

char *sim_get(const char *path) {
    int status = 0;
    char *body = sim_call("GET", path, NULL, &status);
    if (status != 200) {
        fprintf(stderr, "GET %s -> %d %s\n", path, status, body);
        die("unexpected status");
    }
    return body;
}

char *sim_requests(void) {
    int status = 0;
    char *body = sim_call("GET", "/sim/requests", NULL, &status);
    if (status != 200) die("read request log");
    return body;
}
