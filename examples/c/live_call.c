/*
 * The rest of a live call's control, from C: read its state, replace its
 * BXML inline, pause and resume its recording, hang up, confirm it ended.
 *
 *   live_call CALL_ID [TEXT]
 *
 * TEXT (default: a line that tries to inject a <Transfer>) is spoken by a
 * <SpeakSentence> built with bw_bxml, which escapes it, so caller-supplied
 * text can never add verbs. Settings come from the environment (example.h) and
 * BW_ACCOUNT_ID. Exit status: 0 done, 4 the call is not answered (a BXML
 * update would be a 409), 1 other error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

static int failed(const char *what, bw_status st, const bw_error *err) {
    fprintf(stderr, "%s failed: %s: %s\n", what, bw_status_str(st), err->message);
    return 1;
}

/* Prints the call's state; returns whether it is answered, or -1 on error. */
static int show_state(bw_client *client, const char *account, const char *call) {
    bw_error err = BW_ERROR_INIT;
    bw_call_state *st = NULL;
    bw_status status = bw_get_call_state(client, account, call, NULL, &st, &err);
    if (status != BW_OK) return -failed("get call state", status, &err);
    printf("%s: state=%s", call, st->state ? st->state : "(none)");
    if (st->answer_time) printf(" answered=%s", st->answer_time);
    if (st->end_time) printf(" ended=%s", st->end_time);
    if (st->disconnect_cause) printf(" cause=%s", st->disconnect_cause);
    printf("\n");
    int answered = st->state && strcmp(st->state, "answered") == 0;
    bw_call_state_free(st);
    return answered;
}

/* <Bxml><SpeakSentence>TEXT</SpeakSentence></Bxml>, built and checked by
 * the library (caller frees). */
static char *speak(const char *text, bw_error *err) {
    bw_bxml *b = NULL;
    char *doc = NULL;
    size_t needed = 0;
    if (bw_bxml_new(BW_BXML_UPDATE_CALL, 0, &b, err) == BW_OK &&
        bw_bxml_open(b, "SpeakSentence", err) == BW_OK && bw_bxml_attr(b, "voice", "julie", err) == BW_OK &&
        bw_bxml_text(b, text, err) == BW_OK && bw_bxml_close(b, err) == BW_OK &&
        bw_bxml_render(b, NULL, 0, &needed, err) == BW_OK && (doc = malloc(needed)) != NULL &&
        bw_bxml_render(b, doc, needed, &needed, err) != BW_OK) {
        free(doc);
        doc = NULL;
    }
    bw_bxml_free(b);
    return doc;
}

int main(int argc, char **argv) {
    const char *account = getenv("BW_ACCOUNT_ID");
    if (argc < 2 || !account) {
        fprintf(stderr, "usage: BW_ACCOUNT_ID=... %s CALL_ID [TEXT]\n", argv[0]);
        return 2;
    }
    const char *call = argv[1];
    const char *text = argc > 2 ? argv[2] : "Goodbye.</SpeakSentence><Transfer>+19005550100</Transfer>";
    bw_client_config cfg = BW_CLIENT_CONFIG_INIT;
    bw_client *client = client_from_env(&cfg);
    if (!client) return 1;
    bw_error err = BW_ERROR_INIT;

    int rc = 1;
    int answered = show_state(client, account, call);
    if (answered == 0) {
        printf("%s is not answered yet: replacing its BXML would be a 409\n", call);
        rc = 4;
    }
    if (answered != 1) goto done;

    char *doc = speak(text, &err);
    if (!doc) {
        fprintf(stderr, "cannot build the BXML: %s\n", err.message);
        goto done;
    }
    bw_status st = bw_update_call_bxml(client, account, call, doc, NULL, &err);
    if (st == BW_OK) printf("replaced the BXML: %s\n", doc);
    free(doc);
    if (st != BW_OK) {
        rc = failed("update call BXML", st, &err);
        goto done;
    }

    /* Pause while, say, the caller reads a card number; resume after. */
    bw_call_options quick = BW_CALL_OPTIONS_INIT;
    quick.timeout_ms = 2000;
    st = bw_update_call_recording(client, account, call, BW_RECORDING_STATE_PAUSED, &quick, &err);
    if (st != BW_OK) {
        rc = failed("pause recording", st, &err);
        goto done;
    }
    printf("recording paused\n");
    st = bw_update_call_recording(client, account, call, BW_RECORDING_STATE_RECORDING, &quick, &err);
    if (st != BW_OK) {
        rc = failed("resume recording", st, &err);
        goto done;
    }
    printf("recording resumed\n");

    st = bw_hangup(client, account, call, NULL, &err);
    if (st != BW_OK) {
        rc = failed("hang up", st, &err);
        goto done;
    }
    printf("hung up\n");
    rc = show_state(client, account, call) < 0 ? 1 : 0;
done:
    bw_free(client);
    return rc;
}
