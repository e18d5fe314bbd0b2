/*
 * A minimal HTTP/1.0 client for the simulator's control API (/sim/...),
 * so the C tests can set up calls and faults and read what the simulator
 * received. Test-only; the library itself is what is under test.
 */
#ifndef BWVOICE_TEST_SIM_H
#define BWVOICE_TEST_SIM_H

#include <stddef.h>

/* Base URL of the running simulator, e.g. "http://127.0.0.1:41234". */
const char *sim_url(void);

/* Sends METHOD PATH with an optional JSON body; returns the response body
 * (malloc'd, caller frees) and stores the HTTP status in *status. */
char *sim_call(const char *method, const char *path, const char *json, int *status);

/* POST /sim/reset. */
void sim_reset(void);

/* Creates a call on ACCOUNT in STATE ("answered"/"initiated"); writes its id. */
void sim_create_call(const char *account, const char *state, char *id, size_t id_len);

/* POST /sim/calls with JSON (e.g. a "from" of its own); writes the call's id. */
void sim_create_call_json(const char *json, char *id, size_t id_len);

/* POST /sim/conferences with JSON ({"name":..,"members":[..]}); writes its id. */
void sim_create_conference(const char *json, char *id, size_t id_len);

/* POST /sim/config, e.g. {"outbound":"ring"}. */
void sim_config(const char *json);

/* GET PATH, which must answer 200; returns the body (caller frees). */
char *sim_get(const char *path);

/* Adds a fault (raw JSON object, see the simulator's README). */
void sim_fault(const char *json);

/* GET /sim/requests: the JSON log of every API request (caller frees). */
char *sim_requests(void);

#endif
