/*
 * Redirect a live call to new BXML.
 *
 *   redirect CALL_ID REDIRECT_URL [TAG [FALLBACK_URL]]
 *
 * TAG "" clears the call's tag; FALLBACK_URL receives the Redirect event
 * if REDIRECT_URL fails to answer.
 *
 * Settings come from the environment (example.h) and BW_ACCOUNT_ID.
 */
#include <stdio.h>
#include <stdlib.h>

#include "example.h"

int main(int argc, char **argv) {
    if (argc < 3 || !getenv("BW_ACCOUNT_ID")) {
        fprintf(stderr, "usage: BW_ACCOUNT_ID=... %s CALL_ID REDIRECT_URL [TAG [FALLBACK_URL]]\n",
                argv[0]);
        return 2;
    }
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    bw_client *client = client_from_env(&cfg);
    if (!client) return 1;
    bw_error err = BW_ERROR_INIT;

    bw_modify_call_request req = BW_MODIFY_CALL_REQUEST_INIT;
    req.redirect_url = argv[2];
    req.tag = argc > 3 ? argv[3] : NULL; /* NULL leaves the tag alone, "" clears it */
    req.redirect_fallback_url = argc > 4 ? argv[4] : NULL;

    bw_status st = bw_modify_call(client, getenv("BW_ACCOUNT_ID"), argv[1], &req, NULL, &err);
    if (st == BW_OK) {
        printf("redirected %s to %s\n", argv[1], argv[2]);
    } else {
        fprintf(stderr, "redirect failed: %s: %s\n", bw_status_str(st), err.message);
    }
    bw_free(client);
    return st == BW_OK ? 0 : 1;
}
