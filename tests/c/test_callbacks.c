/*
 * Bandwidth's callbacks from C: bw_callback_parse for every event and its
 * fields, bw_callback_parse_query, malformed and hostile bodies, NULLs,
 * bw_callback_check_auth's verdicts and bw_callback_challenge. No network:
 * run by tests/c/run.sh with test_bwvoice.c (plain, ASan+UBSan, valgrind).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "bwvoice.h"
#include "check.h"

#define BAD BW_ERR_INVALID_ARGUMENT

static int same(const char *got, const char *want) {
    return got && want ? strcmp(got, want) == 0 : got == want;
}

/* Parses BODY from a buffer of exactly its length (no NUL after it, so
 * ASan and valgrind catch any read past the end); NULL on failure. */
static bw_callback *parse(const char *body, bw_error *err) {
    size_t len = strlen(body);
    char *exact = malloc(len ? len : 1);
    memcpy(exact, body, len);
    bw_callback *cb = NULL;
    bw_status st = bw_callback_parse(exact, len, &cb, err);
    free(exact);
    CHECK(st == BW_OK && cb, "%s: %s (field %s)", body, err->message, err->field);
    if (cb) CHECK(cb->struct_size == sizeof(bw_callback), "struct_size %u", cb->struct_size);
    return cb;
}

/* The fields every call event of these tests carries. */
#define CALL                                                                                   \
    "\"accountId\":\"9911223\",\"applicationId\":\"app-0001\",\"from\":\"Restricted\","        \
    "\"to\":\"+19195550122\",\"direction\":\"outbound\",\"callId\":\"c-abc\","                 \
    "\"callUrl\":\"https://voice.example/calls/c-abc\",\"enqueuedTime\":null,"                 \
    "\"startTime\":\"2023-03-04T10:00:01Z\",\"answerTime\":\"2023-03-04T10:00:05.250Z\","     \
    "\"eventTime\":\"2023-03-04T10:01:00.000Z\",\"tag\":\"step-7\""

static void expect_call(const bw_callback *cb) {
    CHECK(same(cb->account_id, "9911223") && same(cb->application_id, "app-0001"), "account %s",
          cb->account_id);
    CHECK(same(cb->from, "Restricted") && same(cb->to, "+19195550122"), "from %s to %s", cb->from,
          cb->to);
    CHECK(same(cb->direction, "outbound") && same(cb->call_id, "c-abc") &&
              same(cb->call_url, "https://voice.example/calls/c-abc") && same(cb->tag, "step-7"),
          "call %s", cb->call_id);
    CHECK(!cb->enqueued_time && cb->enqueued_time_ms == BW_TIME_ABSENT, "enqueued (null) absent");
    CHECK(cb->start_time_ms == 1677924001000LL && cb->answer_time_ms == 1677924005250LL &&
              cb->event_time_ms == 1677924060000LL,
          "times %lld %lld", (long long)cb->start_time_ms, (long long)cb->answer_time_ms);
    CHECK(same(cb->answer_time, "2023-03-04T10:00:05.250Z"), "answer_time %s", cb->answer_time);
    CHECK(!cb->end_time && cb->end_time_ms == BW_TIME_ABSENT, "no end_time");
}

static void test_every_event_parses(void) {
    static const struct {
        const char *type;
        bw_callback_event event;
    } events[] = {
        {"answer", BW_CALLBACK_ANSWER},
        {"bridgeComplete", BW_CALLBACK_BRIDGE_COMPLETE},
        {"bridgeTargetComplete", BW_CALLBACK_BRIDGE_TARGET_COMPLETE},
        {"conferenceCreated", BW_CALLBACK_CONFERENCE_CREATED},
        {"conferenceRedirect", BW_CALLBACK_CONFERENCE_REDIRECT},
        {"conferenceMemberJoin", BW_CALLBACK_CONFERENCE_MEMBER_JOIN},
        {"conferenceMemberExit", BW_CALLBACK_CONFERENCE_MEMBER_EXIT},
        {"conferenceCompleted", BW_CALLBACK_CONFERENCE_COMPLETED},
        {"conferenceRecordingAvailable", BW_CALLBACK_CONFERENCE_RECORDING_AVAILABLE},
        {"disconnect", BW_CALLBACK_DISCONNECT},
        {"dtmf", BW_CALLBACK_DTMF},
        {"gather", BW_CALLBACK_GATHER},
        {"initiate", BW_CALLBACK_INITIATE},
        {"machineDetectionComplete", BW_CALLBACK_MACHINE_DETECTION_COMPLETE},
        {"recordingComplete", BW_CALLBACK_RECORDING_COMPLETE},
        {"recordComplete", BW_CALLBACK_RECORDING_COMPLETE},
        {"recordingAvailable", BW_CALLBACK_RECORDING_AVAILABLE},
        {"redirect", BW_CALLBACK_REDIRECT},
        {"transcriptionAvailable", BW_CALLBACK_TRANSCRIPTION_AVAILABLE},
        {"transferAnswer", BW_CALLBACK_TRANSFER_ANSWER},
        {"transferComplete", BW_CALLBACK_TRANSFER_COMPLETE},
        {"transferDisconnect", BW_CALLBACK_TRANSFER_DISCONNECT},
        {"mediaStreamStarted", BW_CALLBACK_MEDIA_STREAM_STARTED},
        {"mediaStreamStopped", BW_CALLBACK_MEDIA_STREAM_STOPPED},
        {"mediaStreamRejected", BW_CALLBACK_MEDIA_STREAM_REJECTED},
        {"realTimeTranscriptionStarted", BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED},
        {"realtimeTranscriptionStarted", BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STARTED},
        {"realTimeTranscriptionAvailable", BW_CALLBACK_REAL_TIME_TRANSCRIPTION_AVAILABLE},
        {"realTimeTranscriptionStopped", BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED},
        {"realTimeTranscriptionRejected", BW_CALLBACK_REAL_TIME_TRANSCRIPTION_REJECTED},
        {"somethingNewer", BW_CALLBACK_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body, "{\"eventType\":\"%s\"," CALL ",\"brandNew\":[1,{}]}",
                 events[i].type);
        bw_error err = BW_ERROR_INIT;
        bw_callback *cb = parse(body, &err);
        if (!cb) continue;
        CHECK(cb->event == events[i].event && same(cb->event_type, events[i].type), "%s: event %d",
              events[i].type, cb->event);
        expect_call(cb);
        bw_callback_free(cb);
    }
}

static void test_call_event_fields(void) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = parse("{\"eventType\":\"gather\"," CALL ",\"digits\":\"0471\","
                            "\"terminatingDigit\":\"#\",\"parentCallId\":\"c-a\","
                            "\"transferCallerId\":\"Anonymous\",\"transferTo\":\"+19195550133\"}",
                            &err);
    if (cb) {
        CHECK(same(cb->digits, "0471") && same(cb->terminating_digit, "#") && !cb->digit, "%s",
              cb->digits);
        CHECK(same(cb->parent_call_id, "c-a") && same(cb->transfer_caller_id, "Anonymous") &&
                  same(cb->transfer_to, "+19195550133"),
              "transfer %s", cb->transfer_to);
        bw_callback_free(cb);
    }
    cb = parse("{\"eventType\":\"disconnect\"," CALL ",\"endTime\":\"2023-03-04T10:03:00Z\","
               "\"cause\":\"rejected\",\"errorMessage\":\"Declined\",\"errorId\":\"e-1\","
               "\"sipCallId\":\"x@sbc\",\"sipResponseCode\":603}",
               &err);
    if (cb) {
        CHECK(same(cb->cause, "rejected") && same(cb->error_message, "Declined") &&
                  same(cb->error_id, "e-1") && same(cb->sip_call_id, "x@sbc"),
              "cause %s", cb->cause);
        CHECK(cb->sip_response_code == 603 && cb->channels == -1, "sip %d", cb->sip_response_code);
        CHECK(cb->end_time_ms == 1677924180000LL, "end %lld", (long long)cb->end_time_ms);
        bw_callback_free(cb);
    }
    cb = parse("{\"eventType\":\"answer\"," CALL ",\"machineDetectionResult\":"
               "{\"value\":\"answering-machine\",\"duration\":\"PT3.2S\"}}",
               &err);
    if (cb) {
        const bw_callback_machine_detection *md = cb->machine_detection_result;
        CHECK(md && md->struct_size == sizeof *md && same(md->value, "answering-machine") &&
                  same(md->duration, "PT3.2S"),
              "machine detection");
        bw_callback_free(cb);
    }
    /* machineDetectionComplete as the documentation's example: the value alone. */
    cb = parse("{\"eventType\":\"machineDetectionComplete\",\"machineDetectionResult\":\"human\"}", &err);
    if (cb) {
        const bw_callback_machine_detection *md = cb->machine_detection_result;
        CHECK(md && same(md->value, "human") && !md->duration, "machine detection as text");
        bw_callback_free(cb);
    }
    cb = parse("{\"eventType\":\"transcriptionAvailable\"," CALL ",\"recordingId\":\"r-1\","
               "\"mediaUrl\":\"https://voice.example/r-1/media\",\"duration\":\"PT35S\","
               "\"fileFormat\":\"wav\",\"channels\":2,\"status\":\"complete\",\"transcription\":"
               "{\"id\":\"t-9\",\"status\":\"available\",\"url\":\"https://voice.example/t-9\","
               "\"completedTime\":\"2023-03-04T10:01:30.125Z\"}}",
               &err);
    if (cb) {
        CHECK(same(cb->recording_id, "r-1") && same(cb->media_url, "https://voice.example/r-1/media") &&
                  same(cb->duration, "PT35S") && same(cb->file_format, "wav") && cb->channels == 2 &&
                  same(cb->status, "complete"),
              "recording %s", cb->recording_id);
        const bw_callback_transcription *t = cb->transcription;
        CHECK(t && t->struct_size == sizeof *t && same(t->id, "t-9") && same(t->status, "available") &&
                  same(t->url, "https://voice.example/t-9") && t->completed_time_ms == 1677924090125LL,
              "transcription");
        CHECK(t && t->stabilized == BW_BOOL_UNSET && !t->tracks && t->tracks_len == 0 &&
                  t->start_time_ms == BW_TIME_ABSENT,
              "no real-time fields");
        CHECK(!cb->real_time_transcription && !cb->media_stream, "nothing else");
        bw_callback_free(cb);
    }
}

static void test_initiate_and_conference_fields(void) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = parse(
        "{\"eventType\":\"initiate\",\"from\":\"sip:alice@pbx.example\",\"to\":\"+19195550155\","
        "\"diversion\":{\"reason\":\"no-answer\",\"origTo\":\"+19195550166\",\"counter\":2,"
        "\"screen\":null},\"stirShaken\":{\"verstat\":\"TN-Validation-Passed\",\"attestationIndicator\":\"B\"},"
        "\"uui\":\"aGVsbG8;encoding=base64\",\"sipHeaders\":{\"x-trace\":\"t 1\",\"x-account\":\"A-17\"}}",
        &err);
    if (cb) {
        CHECK(cb->diversion_len == 3 && same(cb->diversion[0].key, "counter") &&
                  same(cb->diversion[0].value, "2") && same(cb->diversion[1].key, "origTo") &&
                  same(cb->diversion[2].value, "no-answer"),
              "diversion (%zu)", cb->diversion_len);
        CHECK(cb->stir_shaken_len == 2 && same(cb->stir_shaken[0].key, "attestationIndicator") &&
                  same(cb->stir_shaken[1].value, "TN-Validation-Passed"),
              "stir_shaken");
        CHECK(cb->sip_headers_len == 2 && same(cb->sip_headers[0].key, "x-account") &&
                  same(cb->sip_headers[1].value, "t 1"),
              "sip_headers");
        CHECK(same(cb->uui, "aGVsbG8;encoding=base64") && same(cb->from, "sip:alice@pbx.example"), "uui");
        bw_callback_free(cb);
    }
    cb = parse("{\"eventType\":\"conferenceMemberJoin\",\"conferenceId\":\"conf-1\",\"name\":\"weekly\","
               "\"callId\":\"c-m\",\"from\":\"Private\",\"tag\":\"room\",\"eventTime\":\"2023-05-06T07:08:09.010Z\"}",
               &err);
    if (cb) {
        CHECK(cb->event == BW_CALLBACK_CONFERENCE_MEMBER_JOIN && same(cb->conference_id, "conf-1") &&
                  same(cb->name, "weekly") && same(cb->call_id, "c-m") && !cb->account_id,
              "member join");
        CHECK(!cb->diversion && cb->diversion_len == 0 && !cb->machine_detection_result, "absent");
        bw_callback_free(cb);
    }
}

static void test_stream_and_real_time_fields(void) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = parse(
        "{\"eventType\":\"mediaStreamRejected\",\"mediaStream\":{\"id\":\"s-1\",\"name\":\"audio\","
        "\"destination\":\"wss://media.example\",\"type\":\"WebSocket\",\"startTime\":\"2023-03-04T10:00:06Z\","
        "\"tracks\":[\"inbound\",\"outbound\"]},\"originalStreamInfo\":{\"name\":\"audio\"},"
        "\"rejectReason\":\"Duplicate\"}",
        &err);
    if (cb) {
        const bw_callback_media_stream *m = cb->media_stream;
        CHECK(m && m->struct_size == sizeof *m && same(m->id, "s-1") && same(m->stream_type, "WebSocket") &&
                  same(m->destination, "wss://media.example") && m->start_time_ms == 1677924006000LL,
              "stream");
        CHECK(m && m->tracks_len == 2 && same(m->tracks[0], "inbound") && same(m->tracks[1], "outbound"),
              "tracks");
        CHECK(cb->original_media_stream && same(cb->original_media_stream->name, "audio") &&
                  same(cb->reason, "Duplicate"),
              "original stream");
        bw_callback_free(cb);
    }
    cb = parse("{\"eventType\":\"realtimeTranscriptionStopped\",\"cause\":\"closed\","
               "\"realtimeTranscription\":{\"id\":\"t-7\",\"duration\":\"PT1M\",\"stabilized\":\"true\","
               "\"tracks\":[\"inbound\"]},\"originalTranscription\":{\"stabilized\":false}}",
               &err);
    if (cb) {
        const bw_callback_transcription *t = cb->real_time_transcription;
        CHECK(cb->event == BW_CALLBACK_REAL_TIME_TRANSCRIPTION_STOPPED &&
                  same(cb->event_type, "realtimeTranscriptionStopped"),
              "event %d", cb->event);
        CHECK(t && same(t->id, "t-7") && same(t->duration, "PT1M") && t->stabilized == BW_BOOL_TRUE &&
                  t->tracks_len == 1,
              "real-time transcription");
        CHECK(cb->original_transcription && cb->original_transcription->stabilized == BW_BOOL_FALSE,
              "original");
        bw_callback_free(cb);
    }
}

static void test_query_strings(void) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = NULL;
    CHECK(bw_callback_parse_query("?eventType=gather&callId=c-q&from=%2B19195550111&digits=12%23"
                                  "&terminatingDigit=&tag=two+words&channels=&eventTime=2023-03-04T10%3A01%3A00Z"
                                  "&machineDetectionResult.value=human&diversion.origTo=x",
                                  &cb, &err) == BW_OK,
          "%s", err.message);
    if (cb) {
        CHECK(cb->event == BW_CALLBACK_GATHER && same(cb->from, "+19195550111") &&
                  same(cb->digits, "12#") && same(cb->terminating_digit, "") && same(cb->tag, "two words"),
              "query fields");
        CHECK(cb->channels == -1 && cb->event_time_ms == 1677924060000LL, "channels %d", cb->channels);
        CHECK(cb->machine_detection_result && same(cb->machine_detection_result->value, "human") &&
                  cb->diversion_len == 1,
              "nested");
        bw_callback_free(cb);
    }
    cb = (bw_callback *)&err; /* must be reset to NULL */
    expect_error(bw_callback_parse_query("eventType=a&eventType=b", &cb, &err), &err, BAD, "event_type");
    CHECK(cb == NULL, "out left set");
    expect_error(bw_callback_parse_query("eventType=a&tag=%00", &cb, &err), &err, BAD, "tag");
    expect_error(bw_callback_parse_query("eventType=a&tag=%ff", &cb, &err), &err, BAD, "query");
    expect_error(bw_callback_parse_query("eventType=a&sipResponseCode=busy", &cb, &err), &err, BAD,
                 "sip_response_code");
}

static void test_malformed_bodies(void) {
    static const struct {
        const char *body, *field, *why;
    } cases[] = {
        {"", "body", "not JSON"},
        {"eventType=answer", "body", "not JSON"},
        {"{\"eventType\":\"answer\"", "body", "not JSON"},
        {"[{\"eventType\":\"answer\"}]", "body", "not a JSON object"},
        {"{}", "event_type", "no eventType"},
        {"{\"eventType\":\"a\",\"eventType\":\"a\"}", "event_type", "more than once"},
        {"{\"eventType\":\"a\",\"zz\":1,\"zz\":1}", "body", "more than once"},
        {"{\"eventType\":\"a\",\"tag\":\"x\\u0000y\"}", "tag", "NUL character"},
        {"{\"eventType\":\"a\",\"from\":15551234567}", "from", "not a string"},
        {"{\"eventType\":\"a\",\"eventTime\":\"yesterday\"}", "event_time", "RFC 3339"},
        {"{\"eventType\":\"a\",\"channels\":\"2\"}", "channels", "whole number"},
        {"{\"eventType\":\"a\",\"sipResponseCode\":-3}", "sip_response_code", "whole number"},
        {"{\"eventType\":\"a\",\"transcription\":[]}", "transcription", "not an object"},
        {"{\"eventType\":\"a\",\"transcription\":{\"completedTime\":1}}", "transcription",
         "transcription.completedTime"},
        {"{\"eventType\":\"a\",\"mediaStream\":{\"tracks\":[1]}}", "media_stream", "list of strings"},
        {"{\"eventType\":\"a\",\"diversion\":{\"x\":[]}}", "diversion", "diversion.x"},
        {"{\"eventType\":\"a\",\"reason\":\"r\",\"rejectReason\":\"r\"}", "reason", "same field"},
        {"{\"eventType\":\"a\",\"x\":1e999}", "body", "out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bw_error err = BW_ERROR_INIT;
        bw_callback *cb = (bw_callback *)&err;
        size_t len = strlen(cases[i].body);
        char *exact = malloc(len ? len : 1);
        memcpy(exact, cases[i].body, len);
        expect_error(bw_callback_parse(exact, len, &cb, &err), &err, BAD, cases[i].field);
        free(exact);
        CHECK(cb == NULL, "%s: out left set", cases[i].body);
        CHECK(strstr(err.message, cases[i].why), "%s: %s", cases[i].body, err.message);
        for (const char *c = err.message; *c; c++) CHECK((unsigned char)*c >= 0x20, "control in message");
    }
    /* A NUL byte inside the body (not inside a string) is not JSON. */
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = NULL;
    expect_error(bw_callback_parse("{\"eventType\":\"a\"}\0", 18, &cb, &err), &err, BAD, "body");
    /* Over 64 KiB: refused by its length. */
    size_t big = 65537;
    char *body = malloc(big);
    memset(body, ' ', big);
    memcpy(body, "{\"eventType\":\"a\"}", 17);
    expect_error(bw_callback_parse(body, big, &cb, &err), &err, BAD, "body");
    CHECK(strstr(err.message, "65537 bytes"), "%s", err.message);
    /* Exactly 64 KiB (whitespace after the object) is read. */
    CHECK(bw_callback_parse(body, big - 1, &cb, &err) == BW_OK && cb, "%s", err.message);
    bw_callback_free(cb);
    free(body);
}

static void test_nulls(void) {
    bw_error err = BW_ERROR_INIT;
    bw_callback *cb = NULL;
    expect_error(bw_callback_parse(NULL, 0, &cb, &err), &err, BAD, "body");
    expect_error(bw_callback_parse("{\"eventType\":\"a\"}", 17, NULL, &err), &err, BAD, "out");
    expect_error(bw_callback_parse_query(NULL, &cb, &err), &err, BAD, "query");
    expect_error(bw_callback_parse_query("eventType=a", NULL, &err), &err, BAD, "out");
    CHECK(bw_callback_parse("{\"eventType\":\"a\"}", 17, &cb, NULL) == BW_OK, "err NULL is fine");
    bw_callback_free(cb);
    bw_callback_free(NULL);
    bw_callback_auth verdict = 0;
    expect_error(bw_callback_check_auth(NULL, NULL, "p", &verdict, &err), &err, BAD, "username");
    CHECK(verdict == BW_CALLBACK_AUTH_REFUSED, "verdict %d on error", verdict);
    expect_error(bw_callback_check_auth(NULL, "u", NULL, &verdict, &err), &err, BAD, "password");
    expect_error(bw_callback_check_auth(NULL, "", "p", &verdict, &err), &err, BAD, "username");
    expect_error(bw_callback_check_auth(NULL, "u", "", &verdict, &err), &err, BAD, "password");
    expect_error(bw_callback_check_auth(NULL, "u", "p", NULL, &err), &err, BAD, "verdict");
    size_t needed = 0;
    expect_error(bw_callback_challenge(NULL, NULL, 0, &needed, &err), &err, BAD, "realm");
    expect_error(bw_callback_challenge("r", NULL, 0, NULL, &err), &err, BAD, "needed");
}

static void test_auth_verdicts(void) {
    static const struct {
        const char *header;
        bw_callback_auth want;
    } cases[] = {
        {NULL, BW_CALLBACK_AUTH_CHALLENGE},                        /* missing header */
        {"", BW_CALLBACK_AUTH_CHALLENGE},                          /* empty */
        {"Bearer abc.def", BW_CALLBACK_AUTH_CHALLENGE},            /* wrong scheme */
        {"Basic Ync6cGE6c3M=", BW_CALLBACK_AUTH_OK},               /* right */
        {"basic Ync6cGE6c3M=", BW_CALLBACK_AUTH_OK},               /* lowercase scheme */
        {"BASIC   Ync6cGE6c3M=  ", BW_CALLBACK_AUTH_OK},           /* upper case, spaces */
        {"Basic !!not base64!!", BW_CALLBACK_AUTH_REFUSED},        /* bad base64 */
        {"Basic YndwYXNz", BW_CALLBACK_AUTH_REFUSED},              /* "bwpass": no colon */
        {"Basic Yng6cGE6c3M=", BW_CALLBACK_AUTH_REFUSED},          /* wrong user */
        {"Basic Ync6cGE6c3g=", BW_CALLBACK_AUTH_REFUSED},          /* wrong password */
        {"Basic", BW_CALLBACK_AUTH_REFUSED},                       /* no credentials */
        {"Basic \xff\xfe", BW_CALLBACK_AUTH_REFUSED},              /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bw_error err = BW_ERROR_INIT;
        bw_callback_auth verdict = 0;
        bw_status st = bw_callback_check_auth(cases[i].header, "bw", "pa:ss", &verdict, &err);
        CHECK(st == BW_OK, "%s", err.message);
        CHECK(verdict == cases[i].want, "'%s': verdict %d, want %d",
              cases[i].header ? cases[i].header : "(NULL)", verdict, cases[i].want);
    }
}

static void test_challenge_header(void) {
    bw_error err = BW_ERROR_INIT;
    const char *want = "Basic realm=\"Voice \\\"app\\\" \\\\ 2\"";
    size_t needed = 0;
    CHECK(bw_callback_challenge("Voice \"app\" \\ 2", NULL, 0, &needed, &err) == BW_OK, "%s", err.message);
    CHECK(needed == strlen(want) + 1, "needed %zu", needed);
    char small[8];
    expect_error(bw_callback_challenge("Voice \"app\" \\ 2", small, sizeof small, &needed, &err), &err,
                 BAD, "out_size");
    char *out = malloc(needed);
    CHECK(bw_callback_challenge("Voice \"app\" \\ 2", out, needed, &needed, &err) == BW_OK, "%s",
          err.message);
    CHECK(strcmp(out, want) == 0, "%s", out);
    free(out);
    char buf[64];
    CHECK(bw_callback_challenge("", buf, sizeof buf, &needed, &err) == BW_OK && strcmp(buf, "Basic realm=\"\"") == 0,
          "%s", buf);
    expect_error(bw_callback_challenge("a\r\nSet-Cookie: x=1", buf, sizeof buf, &needed, &err), &err, BAD,
                 "realm");
    expect_error(bw_callback_challenge("caf\xc3\xa9", buf, sizeof buf, &needed, &err), &err, BAD, "realm");
}

const test_case callback_tests[] = {
    {"callbacks: every event parses with the common fields", test_every_event_parses},
    {"callbacks: each call event's own fields", test_call_event_fields},
    {"callbacks: initiate's SIP details, conference fields", test_initiate_and_conference_fields},
    {"callbacks: media streams and real-time transcriptions", test_stream_and_real_time_fields},
    {"callbacks: GET query strings", test_query_strings},
    {"callbacks: malformed bodies name their field", test_malformed_bodies},
    {"callbacks: NULL arguments", test_nulls},
    {"callbacks: auth verdicts", test_auth_verdicts},
    {"callbacks: the challenge header and its size", test_challenge_header},
};
const size_t callback_tests_len = sizeof callback_tests / sizeof callback_tests[0];
