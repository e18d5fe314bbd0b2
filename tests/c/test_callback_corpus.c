/*
 * Every callback of tests/data/callbacks/ parses to its X.expected.json,
 * member by member of bw_callback. The directory is walked, so a file added
 * there is tested with no change here; its README gives the format. Run by
 * tests/c/run.sh from the repository's root (plain, ASan+UBSan, valgrind).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "bwvoice.h"
#include "check.h"
#include "json_reader.h"

#define CORPUS "tests/data/callbacks"

typedef enum { F_TEXT, F_TIME, F_INT, F_BOOL, F_TRACKS, F_PAIRS, F_NESTED } field_kind;

typedef struct field {
    const char *name;
    field_kind kind;
    size_t at;      /* the member's offset */
    size_t at2;     /* F_TIME: the _ms member; F_TRACKS, F_PAIRS: the _len member */
    const struct field *nested; /* F_NESTED: its struct's fields */
} field;

#define TEXT(s, m) {#m, F_TEXT, offsetof(s, m), 0, NULL}
#define TIME(s, m) {#m, F_TIME, offsetof(s, m), offsetof(s, m##_ms), NULL}
#define LIST(s, m, kind) {#m, kind, offsetof(s, m), offsetof(s, m##_len), NULL}
#define NESTED(m, fields) {#m, F_NESTED, offsetof(bw_callback, m), 0, fields}
#define END {NULL, F_TEXT, 0, 0, NULL}

static const field machine_detection_fields[] = {
    TEXT(bw_callback_machine_detection, value),
    TEXT(bw_callback_machine_detection, duration),
    END,
};

static const field transcription_fields[] = {
    TEXT(bw_callback_transcription, id),
    TEXT(bw_callback_transcription, name),
    TEXT(bw_callback_transcription, status),
    TEXT(bw_callback_transcription, url),
    TIME(bw_callback_transcription, completed_time),
    TIME(bw_callback_transcription, start_time),
    TEXT(bw_callback_transcription, duration),
    TEXT(bw_callback_transcription, destination),
    {"stabilized", F_BOOL, offsetof(bw_callback_transcription, stabilized), 0, NULL},
    LIST(bw_callback_transcription, tracks, F_TRACKS),
    END,
};

static const field media_stream_fields[] = {
    TEXT(bw_callback_media_stream, id),
    TEXT(bw_callback_media_stream, name),
    TEXT(bw_callback_media_stream, destination),
    TEXT(bw_callback_media_stream, stream_type),
    TIME(bw_callback_media_stream, start_time),
    TEXT(bw_callback_media_stream, duration),
    LIST(bw_callback_media_stream, tracks, F_TRACKS),
    END,
};

/* Every member of bw_callback but `event` (checked by name) and struct_size. */
static const field callback_fields[] = {
    TEXT(bw_callback, event_type),
    TIME(bw_callback, event_time),
    TEXT(bw_callback, account_id),
    TEXT(bw_callback, application_id),
    TEXT(bw_callback, call_id),
    TEXT(bw_callback, call_url),
    TEXT(bw_callback, parent_call_id),
    TEXT(bw_callback, conference_id),
    TEXT(bw_callback, name),
    TEXT(bw_callback, from),
    TEXT(bw_callback, to),
    TEXT(bw_callback, direction),
    TEXT(bw_callback, tag),
    TIME(bw_callback, enqueued_time),
    TIME(bw_callback, start_time),
    TIME(bw_callback, answer_time),
    TIME(bw_callback, end_time),
    TEXT(bw_callback, digits),
    TEXT(bw_callback, digit),
    TEXT(bw_callback, terminating_digit),
    TEXT(bw_callback, cause),
    TEXT(bw_callback, error_message),
    TEXT(bw_callback, error_id),
    {"sip_response_code", F_INT, offsetof(bw_callback, sip_response_code), 0, NULL},
    {"channels", F_INT, offsetof(bw_callback, channels), 0, NULL},
    NESTED(machine_detection_result, machine_detection_fields),
    TEXT(bw_callback, recording_id),
    TEXT(bw_callback, media_url),
    TEXT(bw_callback, duration),
    TEXT(bw_callback, file_format),
    TEXT(bw_callback, status),
    NESTED(transcription, transcription_fields),
    TEXT(bw_callback, transfer_caller_id),
    TEXT(bw_callback, transfer_to),
    LIST(bw_callback, diversion, F_PAIRS),
    LIST(bw_callback, stir_shaken, F_PAIRS),
    TEXT(bw_callback, uui),
    TEXT(bw_callback, sip_call_id),
    LIST(bw_callback, sip_headers, F_PAIRS),
    NESTED(media_stream, media_stream_fields),
    NESTED(original_media_stream, media_stream_fields),
    NESTED(real_time_transcription, transcription_fields),
    NESTED(original_transcription, transcription_fields),
    TEXT(bw_callback, reason),
    END,
};

/* BW_CALLBACK_* names without the prefix, by value. */
static const char *const event_names[] = {
    "UNKNOWN", "ANSWER", "BRIDGE_COMPLETE", "BRIDGE_TARGET_COMPLETE", "CONFERENCE_CREATED",
    "CONFERENCE_REDIRECT", "CONFERENCE_MEMBER_JOIN", "CONFERENCE_MEMBER_EXIT",
    "CONFERENCE_COMPLETED", "CONFERENCE_RECORDING_AVAILABLE", "DISCONNECT", "DTMF", "GATHER",
    "INITIATE", "MACHINE_DETECTION_COMPLETE", "RECORDING_COMPLETE", "RECORDING_AVAILABLE",
    "REDIRECT", "TRANSCRIPTION_AVAILABLE", "TRANSFER_ANSWER", "TRANSFER_COMPLETE",
    "TRANSFER_DISCONNECT", "MEDIA_STREAM_STARTED", "MEDIA_STREAM_STOPPED",
    "MEDIA_STREAM_REJECTED", "REAL_TIME_TRANSCRIPTION_STARTED",
    "REAL_TIME_TRANSCRIPTION_AVAILABLE", "REAL_TIME_TRANSCRIPTION_STOPPED",
    "REAL_TIME_TRANSCRIPTION_REJECTED",
};
#define EVENT_COUNT (sizeof event_names / sizeof event_names[0])

#define MEMBER(base, at, type) (*(type const *)((const char *)(base) + (at)))

static int is_text(const json_value *v, const char *s) {
    return v && v->kind == JSON_STRING && s && strcmp(v->string, s) == 0;
}

static void check_text(const char *where, const char *got, const json_value *want) {
    if (!want)
        CHECK(!got, "%s: got \"%s\", expected absent", where, got);
    else
        CHECK(is_text(want, got), "%s: got %s%s%s, expected \"%s\"", where, got ? "\"" : "",
              got ? got : "NULL", got ? "\"" : "", want->kind == JSON_STRING ? want->string : "?");
}

static void check_time_ms(const char *where, int64_t got, const json_value *want) {
    if (!want)
        CHECK(got == BW_TIME_ABSENT, "%s_ms: got %lld, expected BW_TIME_ABSENT", where,
              (long long)got);
    else
        CHECK(want->kind == JSON_NUMBER && got == want->number, "%s_ms: got %lld, expected %lld",
              where, (long long)got, (long long)want->number);
}

static void check_tracks(const char *where, const char *const *got, size_t len,
                         const json_value *want) {
    size_t want_len = want && want->kind == JSON_ARRAY ? want->len : 0;
    CHECK(len == want_len && (len == 0) == (got == NULL), "%s: %zu items, expected %zu", where,
          len, want_len);
    for (size_t i = 0; i < len && i < want_len; i++)
        CHECK(is_text(want->items[i], got[i]), "%s[%zu]: got \"%s\"", where, i, got[i]);
}

static void check_pairs(const char *where, const bw_key_value *got, size_t len,
                        const json_value *want) {
    size_t want_len = want && want->kind == JSON_ARRAY ? want->len : 0;
    CHECK(len == want_len, "%s: %zu pairs, expected %zu", where, len, want_len);
    for (size_t i = 0; i < len && i < want_len; i++) {
        const json_value *pair = want->items[i];
        int ok = pair->kind == JSON_ARRAY && pair->len == 2 &&
                 is_text(pair->items[0], got[i].key) && is_text(pair->items[1], got[i].value);
        CHECK(ok, "%s[%zu]: got [\"%s\", \"%s\"]", where, i, got[i].key, got[i].value);
    }
}

/* Checks every field of FIELDS in the struct at BASE against WANT, then
 * that WANT names no member the struct does not have. */
static void check_struct(const char *file, const char *path, const void *base,
                         const field *fields, const json_value *want) {
    char where[256];
    for (const field *f = fields; f->name; f++) {
        snprintf(where, sizeof where, "%s: %s%s%s", file, path, *path ? "." : "", f->name);
        const json_value *w = json_get(want, f->name);
        switch (f->kind) {
        case F_TEXT: check_text(where, MEMBER(base, f->at, const char *), w); break;
        case F_TIME: {
            char ms[64];
            snprintf(ms, sizeof ms, "%s_ms", f->name);
            check_text(where, MEMBER(base, f->at, const char *), w);
            check_time_ms(where, MEMBER(base, f->at2, int64_t), json_get(want, ms));
            break;
        }
        case F_INT: {
            int32_t got = MEMBER(base, f->at, int32_t);
            int64_t expected = w && w->kind == JSON_NUMBER ? w->number : -1;
            CHECK(got == expected, "%s: got %d, expected %lld", where, got, (long long)expected);
            break;
        }
        case F_BOOL: {
            int32_t got = MEMBER(base, f->at, int32_t);
            int32_t expected = !w                 ? BW_BOOL_UNSET
                               : w->kind != JSON_BOOL ? -1
                               : w->boolean       ? BW_BOOL_TRUE
                                                  : BW_BOOL_FALSE;
            CHECK(got == expected, "%s: got %d, expected %d", where, got, expected);
            break;
        }
        case F_TRACKS:
            check_tracks(where, MEMBER(base, f->at, const char *const *),
                         MEMBER(base, f->at2, size_t), w);
            break;
        case F_PAIRS:
            check_pairs(where, MEMBER(base, f->at, const bw_key_value *),
                        MEMBER(base, f->at2, size_t), w);
            break;
        case F_NESTED: {
            const void *nested = MEMBER(base, f->at, const void *);
            CHECK((nested != NULL) == (w != NULL), "%s: %s, expected %s", where,
                  nested ? "present" : "absent", w ? "present" : "absent");
            if (nested && w) {
                char sub[128];
                snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", f->name);
                check_struct(file, sub, nested, f->nested, w);
            }
            break;
        }
        }
    }
    for (size_t i = 0; want && i < want->len; i++) {
        const char *key = want->keys[i];
        int known = !*path && strcmp(key, "event") == 0;
        for (const field *f = fields; f->name && !known; f++) {
            size_t n = strlen(f->name);
            known = strcmp(key, f->name) == 0 ||
                    (f->kind == F_TIME && strncmp(key, f->name, n) == 0 &&
                     strcmp(key + n, "_ms") == 0);
        }
        CHECK(known, "%s: %s%s%s: no such member", file, path, *path ? "." : "", key);
    }
}

/* The whole file, NUL-terminated; *len its length. NULL when unreadable. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 + 1 > cap) {
            char *more = realloc(data, cap = n + 4096 + 1);
            if (!more) break;
            data = more;
        }
        got = fread(data + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    if (data) data[n] = '\0';
    if (len) *len = n;
    return data;
}

/* Parses one corpus input; NULL (after a failed check) when it does not parse. */
static bw_callback *parse_input(const char *file, const char *path, int is_query) {
    size_t len;
    char *data = read_file(path, &len);
    CHECK(data, "%s: unreadable", file);
    if (!data) return NULL;
    bw_callback *cb = NULL;
    bw_error err = BW_ERROR_INIT;
    bw_status st;
    if (is_query) {
        /* The file's final newline is not part of the query string. */
        while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) data[--len] = '\0';
        st = bw_callback_parse_query(data, &cb, &err);
    } else {
        /* Exactly the body's bytes, no NUL after them: ASan and valgrind see any overread. */
        char *exact = malloc(len ? len : 1);
        memcpy(exact, data, len);
        st = bw_callback_parse(exact, len, &cb, &err);
        free(exact);
    }
    free(data);
    CHECK(st == BW_OK && cb, "%s: did not parse: %s (field %s)", file, err.message, err.field);
    return st == BW_OK ? cb : NULL;
}

static void test_every_corpus_callback(void) {
    DIR *dir = opendir(CORPUS);
    CHECK(dir, "cannot open %s (run from the repository's root)", CORPUS);
    if (!dir) return;
    int files = 0, seen[EVENT_COUNT] = {0};
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        const char *name = entry->d_name;
        size_t n = strlen(name);
        int is_query = n > 6 && strcmp(name + n - 6, ".query") == 0;
        int is_json = n > 5 && strcmp(name + n - 5, ".json") == 0 &&
                      !(n > 14 && strcmp(name + n - 14, ".expected.json") == 0);
        if (!is_query && !is_json) continue;
        files++;
        char input[512], expected_path[512];
        size_t stem = n - (is_query ? 6 : 5);
        snprintf(input, sizeof input, "%s/%s", CORPUS, name);
        snprintf(expected_path, sizeof expected_path, "%s/%.*s.expected.json", CORPUS, (int)stem,
                 name);
        char *text = read_file(expected_path, NULL);
        json_value *want = text ? json_parse(text) : NULL;
        free(text);
        CHECK(want && want->kind == JSON_OBJECT, "%s: no readable %s", name, expected_path);
        bw_callback *cb = want ? parse_input(name, input, is_query) : NULL;
        if (cb) {
            CHECK(cb->struct_size == sizeof(bw_callback), "%s: struct_size %u", name,
                  cb->struct_size);
            const char *event = cb->event >= 0 && (size_t)cb->event < EVENT_COUNT
                                    ? event_names[cb->event]
                                    : "?";
            check_text(name, event, json_get(want, "event"));
            if (cb->event >= 0 && (size_t)cb->event < EVENT_COUNT) seen[cb->event] = 1;
            check_struct(name, "", cb, callback_fields, want);
            bw_callback_free(cb);
        }
        json_free(want);
    }
    closedir(dir);
    CHECK(files >= 40, "only %d corpus files in %s", files, CORPUS);
    for (size_t i = 1; i < EVENT_COUNT; i++)
        CHECK(seen[i], "no corpus file for BW_CALLBACK_%s", event_names[i]);
}

static void test_the_json_reader(void) {
    json_value *v = json_parse("{\"a\": [\"x\\\"\\u00e9\", -12, true, null], \"b\": {}}");
    CHECK(v && v->kind == JSON_OBJECT && v->len == 2, "object");
    const json_value *a = json_get(v, "a");
    CHECK(a && a->kind == JSON_ARRAY && a->len == 4, "array");
    if (a && a->len == 4) {
        CHECK(is_text(a->items[0], "x\"\xc3\xa9"), "escapes");
        CHECK(a->items[1]->number == -12 && a->items[2]->boolean && a->items[3]->kind == JSON_NULL,
              "number, true, null");
    }
    json_free(v);
    const char *bad[] = {"", "{", "{\"a\" 1}", "[1,]", "\"\\x\"", "1.5", "-", "{} x", "[\"\\u0000\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_value *b = json_parse(bad[i]);
        CHECK(!b, "%s is refused", bad[i]);
        json_free(b);
    }
}

const test_case callback_corpus_tests[] = {
    {"callback corpus: the tests' JSON reader", test_the_json_reader},
    {"callback corpus: every file parses as its .expected.json says", test_every_corpus_callback},
};
const size_t callback_corpus_tests_len =
    sizeof callback_corpus_tests / sizeof callback_corpus_tests[0];
