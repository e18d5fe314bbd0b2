/*
 * The createCall row of `make bench`: bw_create_call (the request
 * validated and serialized, the 201 answer's createCallResponse read into
 * a bw_created_call, every field, the time converted) against libcurl
 * posting the same JSON body, prebuilt, on a reused easy handle and keeping
 * the answer unparsed — so this row favours libcurl, like the call-state row.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define APPLICATION_ID "04e88489-df02-4e34-a0ee-27a91849555f"
#define TO "+19195551234"
#define FROM "+19195554321"
/* What bw_create_call sends for the request in ours_create, byte for byte. */
#define CREATE_BODY                                                                      \
    "{\"to\":\"" TO "\",\"from\":\"" FROM "\",\"applicationId\":\"" APPLICATION_ID "\"," \
    "\"answerUrl\":\"" REDIRECT_URL "\"}"

/* One createCall; `ctx` is the bw_client. */
static void ours_create(const void *ctx, long i) {
    (void)i;
    const bw_client *client = ctx;
    bw_create_call_request req = BW_CREATE_CALL_REQUEST_INIT;
    req.to = TO;
    req.from = FROM;
    req.application_id = APPLICATION_ID;
    req.answer_url = REDIRECT_URL;
    bw_created_call *call = NULL;
    bw_error err = BW_ERROR_INIT;
    if (bw_create_call(client, ACCOUNT, &req, NULL, &call, &err) != BW_OK)
        die("bw_create_call", err.message);
    if (!call->call_id) die("bw_create_call", "no call id");
    bw_created_call_free(call);
}

/* POST .../calls with CREATE_BODY on the reused handle, the answer kept;
 * `ctx` is the curl_side. */
static void curl_create(const void *ctx, long i) {
    (void)i;
    const curl_side *c = ctx;
    char url[300];
    snprintf(url, sizeof url, "%s/api/v2/accounts/" ACCOUNT "/calls", c->base);
    reply_buf body = {.len = 0};
    curl_easy_setopt(c->easy, CURLOPT_URL, url);
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(c->easy);
    if (rc != CURLE_OK) die("curl_easy_perform", curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 201 || body.len == 0) die("libcurl", "no createCallResponse");
}

int create_latency(const char *base, int rounds, long calls, long warmup) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bw_client *client = new_client(base);
    curl_side curl;
    curl_side_init(&curl, base, NULL);
    curl_easy_setopt(curl.easy, CURLOPT_POSTFIELDS, CREATE_BODY);
    curl_easy_setopt(curl.easy, CURLOPT_POSTFIELDSIZE, (long)strlen(CREATE_BODY));
    ab_side ours = {"bwvoice-create", ours_create, client};
    ab_side theirs = {"libcurl-create", curl_create, &curl};
    ab_rounds(ours, theirs, rounds, calls, warmup, 0);
    bw_free(client);
    curl_side_free(&curl);
    curl_global_cleanup();
    return 0;
}
