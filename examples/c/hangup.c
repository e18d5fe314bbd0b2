/*
 * Hang up a call (or cancel it if it has not been answered yet).
 *
 *   hangup CALL_ID
 *
 * Settings come from the environment (example.h) and BW_ACCOUNT_ID.
 * Exit status: 0 hung up, 3 the call was already gone (404), 1 other error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "example.h"

int main(int argc, char **argv) {
    if (argc < 2 || !getenv("BW_ACCOUNT_ID")) {
        fprintf(stderr, "usage: BW_ACCOUNT_ID=... %s CALL_ID\n", argv[0]);
        return 2;
    }
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    bw_client *client = client_from_env(&cfg);
    if (!client) return 1;
    bw_error err = BW_ERROR_INIT;

    bw_status st = bw_hangup(client, getenv("BW_ACCOUNT_ID"), argv[1], NULL, &err);
    int rc = 0;
    if (st == BW_OK) {
        printf("hung up %s\n", argv[1]);
    } else if (st == BW_ERR_NOT_FOUND) {
        printf("%s was already gone: %s\n", argv[1], err.message);
        rc = 3;
    } else {
        fprintf(stderr, "hang-up failed: %s: %s\n", bw_status_str(st), err.message);
        rc = 1;
    }
    bw_free(client);
    return rc;
}
