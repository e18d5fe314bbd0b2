/*
 * The floor row of `make bench`: what one redirect costs with no HTTP
 * library, no JSON and no auth work at all. A prebuilt request (the same
 * bytes every side sends) is written to one kept-alive loopback connection
 * and the response read back until its Content-Length is in; that is the
 * machine's round trip plus the server's work, the least any client can
 * pay. Timed against bw_modify_call in alternating rounds, like every pair.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define FLOOR_BODY "{\"redirectUrl\":\"" REDIRECT_URL "\"}"

typedef struct {
    int fd;
    char request[512];
    size_t request_len;
} floor_side;

static void floor_connect(floor_side *f, const char *base) {
    const char *colon = strrchr(base, ':');
    if (!colon || strncmp(base, "http://127.0.0.1:", 17) != 0) die("floor", "BASE must be http://127.0.0.1:PORT");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(colon + 1))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (f->fd < 0 || connect(f->fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("floor", "connect");
    setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int n = snprintf(f->request, sizeof f->request,
                     "POST /api/v2/accounts/" ACCOUNT "/calls/c-0 HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\n"
                     "Authorization: Basic dXNlcjpwYXNz\r\n"
                     "Content-Type: application/json\r\n"
                     "Accept: application/json\r\n"
                     "User-Agent: floor\r\n"
                     "Content-Length: %zu\r\n\r\n" FLOOR_BODY,
                     strlen(FLOOR_BODY));
    f->request_len = (size_t)n;
}

/* One request written, its response read whole; `ctx` is the floor_side. */
static void floor_call(const void *ctx, long i) {
    (void)i;
    const floor_side *f = ctx;
    if (write(f->fd, f->request, f->request_len) != (ssize_t)f->request_len) die("floor", "write");
    char buf[4096];
    size_t len = 0, want = 0;
    for (;;) {
        ssize_t r = read(f->fd, buf + len, sizeof buf - 1 - len);
        if (r <= 0) die("floor", "read");
        len += (size_t)r;
        buf[len] = 0;
        if (!want) {
            char *end = strstr(buf, "\r\n\r\n");
            if (!end) continue;
            if (strncmp(buf, "HTTP/1.1 200", 12) != 0) die("floor", "status not 200");
            const char *cl = strcasestr(buf, "\r\ncontent-length:");
            want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (len >= want) return;
    }
}

int floor_latency(const char *base, int rounds, long calls, long warmup) {
    floor_side f;
    floor_connect(&f, base);
    bw_client *client = new_client(base);
    ab_side ours = {"bwvoice", ours_redirect, client};
    ab_side floor = {"floor", floor_call, &f};
    ab_rounds_kind("floor", ours, floor, rounds, calls, warmup, 0);
    bw_free(client);
    close(f.fd);
    return 0;
}
