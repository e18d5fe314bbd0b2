/*
 * What the C examples share: a client configured from the environment,
 * with OAuth2 client credentials BW_CLIENT_ID + BW_CLIENT_SECRET (Bandwidth
 * retired Basic API-user credentials on 2026-12-02); optionally BW_BASE_URL
 * and BW_TOKEN_URL (e.g. a local simulator's). Each example also needs
 * BW_ACCOUNT_ID.
 */
#ifndef BWVOICE_EXAMPLE_H
#define BWVOICE_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>

#include "bwvoice.h"

/* Sets the credentials and URLs of `cfg` (initialised with
 * BW_CLIENT_CONFIG_INIT, maybe with more settings) from the environment and
 * creates the client; says why and returns NULL when it cannot. */
static inline bw_client *client_from_env(bw_client_config *cfg) {
    cfg->base_url = getenv("BW_BASE_URL");
    cfg->token_url = getenv("BW_TOKEN_URL");
    cfg->client_id = getenv("BW_CLIENT_ID");
    cfg->client_secret = getenv("BW_CLIENT_SECRET");
    bw_error err = BW_ERROR_INIT;
    bw_client *client = NULL;
    if (bw_client_new(cfg, &client, &err) != BW_OK) {
        fprintf(stderr, "cannot create client: %s\n", err.message);
        return NULL;
    }
    return client;
}

#endif
