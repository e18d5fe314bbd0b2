/*
 * BXML from C: bw_bxml_* step by step and as a JSON tree, bw_bxml_check,
 * the documents every language must render to the same bytes
 * (tests/data/bxml/same), and caller text that must never become markup.
 * No network: run by tests/c/run.sh with test_bwvoice.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "bwvoice.h"
#include "bxml_tree.h"
#include "check.h"

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define BAD BW_ERR_INVALID_ARGUMENT
/* A step that must succeed; `err` is the test's bw_error. */
#define STEP(call) CHECK((call) == BW_OK, "%s", err.message)
/* A step that must fail naming FIELD. */
#define FAIL(call, field) expect_error((call), &err, BAD, (field))

/* The directory of the shared documents (run.sh runs from the repository). */
static const char *same_dir(void) {
    const char *dir = getenv("BW_BXML_SAME");
    return dir ? dir : "tests/data/bxml/same";
}

/* A whole file, NUL-terminated (caller frees); NULL if it cannot be read. */
static char *read_file(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 4096 + 1 > cap) data = realloc(data, cap = 2 * cap + 4096 + 1);
        n = fread(data + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    data[len] = 0;
    return data;
}

/* The document, through the size query and then a buffer of that size. */
static char *render(const bw_bxml *b) {
    bw_error err = BW_ERROR_INIT;
    size_t needed = 0, again = 0;
    if (bw_bxml_render(b, NULL, 0, &needed, &err) != BW_OK) {
        CHECK(0, "size query: %s", err.message);
        return NULL;
    }
    char *out = malloc(needed);
    STEP(bw_bxml_render(b, out, needed, &again, &err));
    CHECK(again == needed && strlen(out) + 1 == needed, "needed %zu, %zu, text %zu", needed, again,
          strlen(out));
    return out;
}

static void expect_document(const bw_bxml *b, const char *want) {
    char *got = render(b);
    CHECK(got && strcmp(got, want) == 0, "\n got %s\nwant %s", got ? got : "(none)", want);
    free(got);
}

/* The ivr document of tests/data/bxml/same, one call per step; attributes
 * set in another order than Bandwidth's come out in Bandwidth's. */
static bw_bxml *build_ivr(void) {
    bw_error err = BW_ERROR_INIT;
    bw_bxml *b = NULL;
    STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err));
    STEP(bw_bxml_attr(b, "voice", "julie", &err));
    STEP(bw_bxml_text(b, "Welcome to Example Corp & \"friends\" <3.", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Gather", &err));
    STEP(bw_bxml_attr(b, "repeatCount", "2", &err));
    STEP(bw_bxml_attr(b, "maxDigits", "1", &err));
    STEP(bw_bxml_attr(b, "gatherUrl", "https://app.example/gather", &err));
    STEP(bw_bxml_attr(b, "terminatingDigits", "#", &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err));
    STEP(bw_bxml_text(b, "Press 1 for sales, ", &err));
    STEP(bw_bxml_ssml(b, "<break strength='weak'/>", &err));
    STEP(bw_bxml_text(b, "2 for support.", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "PlayAudio", &err));
    STEP(bw_bxml_text(b, "https://app.example/beep.wav", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Redirect", &err));
    STEP(bw_bxml_attr(b, "tag", "menu:retry", &err));
    STEP(bw_bxml_attr(b, "redirectUrl", "https://app.example/menu", &err));
    STEP(bw_bxml_attr(b, "redirectMethod", "GET", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Hangup", &err));
    STEP(bw_bxml_close(b, &err));
    return b;
}

static void test_ivr_step_by_step(void) {
    char *want = read_file(same_dir(), "ivr.xml");
    CHECK(want != NULL, "cannot read %s/ivr.xml", same_dir());
    bw_bxml *b = build_ivr();
    if (want) expect_document(b, want);
    bw_error err = BW_ERROR_INIT;
    STEP(bw_bxml_check(want ? want : "", BW_BXML_RESPONSE, 0, &err));

    /* A buffer one byte short: out_size names it, needed is set, nothing written. */
    size_t needed = 0, short_needed = 0;
    STEP(bw_bxml_render(b, NULL, 0, &needed, &err));
    char *small = malloc(needed);
    memset(small, 'x', needed);
    FAIL(bw_bxml_render(b, small, needed - 1, &short_needed, &err), "out_size");
    CHECK(short_needed == needed, "needed %zu, want %zu", short_needed, needed);
    CHECK(small[0] == 'x' && small[needed - 2] == 'x', "written on failure");
    free(small);
    FAIL(bw_bxml_render(b, NULL, 10, &needed, &err), "out_size");
    FAIL(bw_bxml_render(b, NULL, 0, NULL, &err), "needed");

    /* Rendering does not end the document: more verbs may follow. */
    STEP(bw_bxml_open(b, "Hangup", &err));
    STEP(bw_bxml_close(b, &err));
    char *longer = render(b);
    CHECK(longer && strstr(longer, "<Hangup/><Hangup/></Response>"), "%s", longer);
    free(longer);
    free(want);
    bw_bxml_free(b);
}

/* Every shared document, built node by node and as one JSON tree: the .xml bytes. */
static void test_same_documents(void) {
    DIR *dir = opendir(same_dir());
    CHECK(dir != NULL, "cannot open %s", same_dir());
    if (!dir) return;
    int documents = 0;
    for (struct dirent *entry; (entry = readdir(dir));) {
        size_t len = strlen(entry->d_name);
        if (len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0) continue;
        char xml_name[256];
        snprintf(xml_name, sizeof xml_name, "%.*s.xml", (int)(len - 5), entry->d_name);
        char *json = read_file(same_dir(), entry->d_name), *want = read_file(same_dir(), xml_name);
        same_document doc;
        int parsed = json && same_document_parse(json, &doc) == 0;
        CHECK(json && want, "%s: no %s", entry->d_name, xml_name);
        CHECK(parsed, "%s: unreadable", entry->d_name);
        if (!parsed || !want) {
            if (parsed) free(doc.verbs);
            free(json), free(want);
            continue;
        }
        bw_error err = BW_ERROR_INIT;
        bw_bxml *by_node = NULL, *by_tree = NULL;
        STEP(bw_bxml_new(doc.kind, doc.flags, &by_node, &err));
        int st = bxml_build_tree(by_node, doc.verbs, &err);
        CHECK(st == BW_OK, "%s: status %d: %s", entry->d_name, st, err.message);
        expect_document(by_node, want);
        STEP(bw_bxml_new(doc.kind, doc.flags, &by_tree, &err));
        STEP(bw_bxml_append_json(by_tree, doc.verbs, &err));
        expect_document(by_tree, want);
        STEP(bw_bxml_check(want, doc.kind, doc.flags, &err));
        bw_bxml_free(by_node);
        bw_bxml_free(by_tree);
        free(doc.verbs), free(json), free(want);
        documents++;
    }
    closedir(dir);
    CHECK(documents > 0, "no documents in %s", same_dir());
}

static void test_append_json(void) {
    bw_error err = BW_ERROR_INIT;
    bw_bxml *b = NULL;
    STEP(bw_bxml_new(BW_BXML_UPDATE_CALL, 0, &b, &err));
    STEP(bw_bxml_open(b, "Gather", &err));
    STEP(bw_bxml_append_json(
        b, "[[\"SpeakSentence\", {\"locale\": null, \"voice\": \"julie\"}, \"Hi \", "
           "{\"ssml\": \"<break/>\"}, \"</SpeakSentence><Transfer>\"]]",
        &err));
    STEP(bw_bxml_close(b, &err));
    const char *want = DECL "<Bxml><Gather><SpeakSentence voice=\"julie\">Hi <break/>"
                            "&lt;/SpeakSentence&gt;&lt;Transfer&gt;</SpeakSentence></Gather>";
    char full[512];
    snprintf(full, sizeof full, "%s</Bxml>", want);
    expect_document(b, full);
    /* A tree that fails part-way adds nothing, not even its first verbs. */
    FAIL(bw_bxml_append_json(b, "[[\"Hangup\", {}], [\"Gather\", {\"maxDigits\": 99}]]", &err),
         "value");
    CHECK(strstr(err.message, "maxDigits") != NULL, "%s", err.message);
    FAIL(bw_bxml_append_json(b, "[[\"Hangup\"]]", &err), "json");
    FAIL(bw_bxml_append_json(b, "{\"verbs\": []}", &err), "json");
    FAIL(bw_bxml_append_json(b, "[[\"Hangup\", {}, [\"Redirect\", {}]]]", &err), "element");
    FAIL(bw_bxml_append_json(b, "[\"text at the root\"]", &err), "text");
    expect_document(b, full);
    STEP(bw_bxml_append_json(b, "[[\"Hangup\", {}]]", &err));
    snprintf(full, sizeof full, "%s<Hangup/></Bxml>", want);
    expect_document(b, full);
    bw_bxml_free(b);
}

static void test_check(void) {
    bw_error err = BW_ERROR_INIT;
    STEP(bw_bxml_check("<Response><Hangup/></Response>", BW_BXML_RESPONSE, 0, &err));
    STEP(bw_bxml_check(DECL "\n<Bxml>\n  <SpeakSentence>hi</SpeakSentence>\n</Bxml>\n",
                       BW_BXML_UPDATE_CONFERENCE, 0, &err));
    struct {
        const char *doc;
        bw_bxml_kind kind;
        uint32_t flags;
        const char *want[2]; /* what the message must name */
    } refused[] = {
        {"<Response>\n  <Gather maxDigits=\"51\"/>\n</Response>", BW_BXML_RESPONSE, 0,
         {"line 2, column 3", "maxDigits"}},
        {"<Response><SpeakSentence>hi</Speak></Response>", BW_BXML_RESPONSE, 0,
         {"line 1, column", "not well-formed"}},
        {"<Response/>", BW_BXML_UPDATE_CALL, 0, {"line 1, column 1", "<Bxml>"}},
        {"<Bxml>\n<SpeakSentance>hi</SpeakSentance></Bxml>", BW_BXML_UPDATE_CALL, 0,
         {"line 2, column 1", "did you mean <SpeakSentence>?"}},
        {"<Bxml><Gather/></Bxml>", BW_BXML_UPDATE_CONFERENCE, 0, {"column 7", "<Gather>"}},
        {"<Bxml><NewVerb/><Gather maxDigits=\"0\"/></Bxml>", BW_BXML_UPDATE_CALL,
         BW_BXML_ALLOW_UNKNOWN_VERBS, {"column 17", "maxDigits"}},
        {"<!DOCTYPE Response [<!ENTITY a \"aa\">]><Response/>", BW_BXML_RESPONSE, 0,
         {"line 1", "bxml"}},
        {"<Response>\n<SpeakSentence>\x01</SpeakSentence></Response>", BW_BXML_RESPONSE, 0,
         {"line 2", "not well-formed"}},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        FAIL(bw_bxml_check(refused[i].doc, refused[i].kind, refused[i].flags, &err), "bxml");
        for (int w = 0; w < 2; w++)
            CHECK(strstr(err.message, refused[i].want[w]) != NULL, "case %zu: '%s' not in: %s", i,
                  refused[i].want[w], err.message);
    }
    /* Unknown verbs: refused unless let through. */
    const char *unknown = "<Bxml><NewVerb any=\"x\"><Inner/>text</NewVerb></Bxml>";
    FAIL(bw_bxml_check(unknown, BW_BXML_UPDATE_CALL, 0, &err), "bxml");
    STEP(bw_bxml_check(unknown, BW_BXML_UPDATE_CALL, BW_BXML_ALLOW_UNKNOWN_VERBS, &err));
    /* Larger than Bandwidth's 64 KB. */
    char *huge = malloc(BW_MAX_BXML_BYTES + 2);
    memset(huge, ' ', BW_MAX_BXML_BYTES + 1);
    memcpy(huge, "<Bxml>", 6);
    memcpy(huge + BW_MAX_BXML_BYTES + 1 - 7, "</Bxml>", 7);
    huge[BW_MAX_BXML_BYTES + 1] = 0;
    FAIL(bw_bxml_check(huge, BW_BXML_UPDATE_CALL, 0, &err), "bxml");
    huge[BW_MAX_BXML_BYTES] = 0; /* exactly 64 KB */
    memcpy(huge + BW_MAX_BXML_BYTES - 7, "</Bxml>", 7);
    STEP(bw_bxml_check(huge, BW_BXML_UPDATE_CALL, 0, &err));
    free(huge);
    /* Arguments. */
    FAIL(bw_bxml_check(NULL, BW_BXML_RESPONSE, 0, &err), "document");
    FAIL(bw_bxml_check("<Bxml/>\xff", BW_BXML_UPDATE_CALL, 0, &err), "document");
    FAIL(bw_bxml_check("<Bxml/>", 0, 0, &err), "kind");
    FAIL(bw_bxml_check("<Bxml/>", 4, 0, &err), "kind");
    FAIL(bw_bxml_check("<Bxml/>", BW_BXML_UPDATE_CALL, 2, &err), "flags");
    CHECK(bw_bxml_check("<Bxml>", BW_BXML_UPDATE_CALL, 0, NULL) == BAD, "err NULL");
    CHECK(bw_bxml_check("<Bxml/>", BW_BXML_UPDATE_CALL, 0, NULL) == BW_OK, "err NULL");
}

/* Each failing step names its field and leaves the builder as it was: the
 * document at the end holds exactly the steps that succeeded. */
static void test_errors_leave_builder_usable(void) {
    bw_error err = BW_ERROR_INIT;
    bw_bxml *b = NULL;
    STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
    FAIL(bw_bxml_attr(b, "voice", "x", &err), "name");
    FAIL(bw_bxml_text(b, "hi", &err), "text");
    FAIL(bw_bxml_ssml(b, "<p>x</p>", &err), "fragment");
    FAIL(bw_bxml_close(b, &err), "bxml");
    FAIL(bw_bxml_open(b, "SpeakSentance", &err), "element");
    CHECK(strstr(err.message, "did you mean <SpeakSentence>?") != NULL, "%s", err.message);
    FAIL(bw_bxml_open(b, "Speak Sentence", &err), "element");
    FAIL(bw_bxml_open(b, "", &err), "element");
    STEP(bw_bxml_open(b, "Gather", &err));
    FAIL(bw_bxml_attr(b, "maxDigits", "51", &err), "value");
    CHECK(strstr(err.message, "maxDigits") != NULL, "%s", err.message);
    FAIL(bw_bxml_attr(b, "maxDigits", "one", &err), "value");
    FAIL(bw_bxml_attr(b, "gatherUrl", "https://a b", &err), "value");
    FAIL(bw_bxml_attr(b, "password", "hunter2\x01", &err), "value");
    CHECK(strstr(err.message, "hunter2") == NULL, "password shown: %s", err.message);
    FAIL(bw_bxml_attr(b, "tag", "\xc3\x28", &err), "value");
    expect_error(bw_bxml_attr(b, "maxDigit", "1", &err), &err, BAD, NULL);
    CHECK(strstr(err.message, "did you mean maxDigits?") != NULL, "%s", err.message);
    STEP(bw_bxml_attr(b, "maxDigits", "3", &err));
    FAIL(bw_bxml_attr(b, "maxDigits", "4", &err), "name");
    FAIL(bw_bxml_text(b, "x", &err), "text");
    FAIL(bw_bxml_open(b, "Hangup", &err), "element");
    FAIL(bw_bxml_ssml(b, "<break/>", &err), "fragment");
    STEP(bw_bxml_open(b, "SpeakSentence", &err));
    FAIL(bw_bxml_attr(b, "gender", "other", &err), "value");
    FAIL(bw_bxml_close(b, &err), "bxml"); /* needs text */
    FAIL(bw_bxml_ssml(b, "<audio src='x.wav'/>", &err), "fragment");
    FAIL(bw_bxml_ssml(b, "<break>", &err), "fragment");
    FAIL(bw_bxml_ssml(b, "</SpeakSentence><Transfer>", &err), "fragment");
    FAIL(bw_bxml_ssml(b, "<break strength='loud'/>", &err), "fragment");
    FAIL(bw_bxml_open(b, "PlayAudio", &err), "element");
    FAIL(bw_bxml_render(b, NULL, 0, &(size_t){0}, &err), "bxml"); /* still open */
    CHECK(strstr(err.message, "<SpeakSentence> is still open") != NULL, "%s", err.message);
    char *big = malloc(BW_MAX_BXML_BYTES + 1);
    memset(big, 'a', BW_MAX_BXML_BYTES);
    big[BW_MAX_BXML_BYTES] = 0;
    FAIL(bw_bxml_text(b, big, &err), "bxml"); /* past 64 KB */
    free(big);
    STEP(bw_bxml_text(b, "Press ", &err));
    FAIL(bw_bxml_attr(b, "voice", "julie", &err), "name"); /* after text */
    STEP(bw_bxml_ssml(b, "<p>one</p>", &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_close(b, &err));
    STEP(bw_bxml_open(b, "Hangup", &err));
    FAIL(bw_bxml_text(b, "x", &err), "text");
    STEP(bw_bxml_close(b, &err));
    FAIL(bw_bxml_append_json(b, "not json", &err), "json");
    expect_document(b, DECL "<Response><Gather maxDigits=\"3\"><SpeakSentence>Press <p>one</p>"
                            "</SpeakSentence></Gather><Hangup/></Response>");
    bw_bxml_free(b);

    /* Gather's prompt plays at most 20 times: repeatCount x nested verbs. */
    STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
    STEP(bw_bxml_append_json(b, "[[\"Gather\", {\"repeatCount\": 10}, [\"PlayAudio\", {}, \"a.wav\"]]]",
                             &err));
    STEP(bw_bxml_open(b, "Gather", &err));
    STEP(bw_bxml_attr(b, "repeatCount", "20", &err));
    STEP(bw_bxml_append_json(b, "[[\"PlayAudio\", {}, \"a.wav\"], [\"PlayAudio\", {}, \"b.wav\"]]",
                             &err));
    FAIL(bw_bxml_close(b, &err), "bxml");
    CHECK(strstr(err.message, "repeatCount") != NULL, "%s", err.message);
    bw_bxml_free(b); /* freed with an element open */

    /* A conference takes only its verbs; unknown verbs only when let through. */
    STEP(bw_bxml_new(BW_BXML_UPDATE_CONFERENCE, 0, &b, &err));
    FAIL(bw_bxml_open(b, "Gather", &err), "element");
    CHECK(strstr(err.message, "conference") != NULL, "%s", err.message);
    FAIL(bw_bxml_open(b, "NewVerb", &err), "element");
    bw_bxml_free(b);
    STEP(bw_bxml_new(BW_BXML_UPDATE_CALL, BW_BXML_ALLOW_UNKNOWN_VERBS, &b, &err));
    STEP(bw_bxml_open(b, "NewVerb", &err));
    FAIL(bw_bxml_attr(b, "a b", "x", &err), "name");
    STEP(bw_bxml_attr(b, "zeta", "1", &err));
    STEP(bw_bxml_attr(b, "alpha", "<&>", &err));
    STEP(bw_bxml_text(b, "text", &err));
    FAIL(bw_bxml_open(b, "Inner", &err), "element");
    STEP(bw_bxml_close(b, &err));
    expect_document(b, DECL "<Bxml><NewVerb alpha=\"&lt;&amp;&gt;\" zeta=\"1\">text</NewVerb></Bxml>");
    bw_bxml_free(b);
}

static void test_null_and_bad_arguments(void) {
    bw_error err = BW_ERROR_INIT;
    bw_bxml *b = NULL;
    FAIL(bw_bxml_new(BW_BXML_RESPONSE, 0, NULL, &err), "out");
    const int bad_kinds[] = {0, 4, -1, 0x7fffffff};
    for (size_t i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
        FAIL(bw_bxml_new(bad_kinds[i], 0, &b, &err), "kind");
        CHECK(b == NULL, "out written for kind %d", bad_kinds[i]);
    }
    FAIL(bw_bxml_new(BW_BXML_RESPONSE, 2, &b, &err), "flags");
    FAIL(bw_bxml_new(BW_BXML_RESPONSE, 0xffffffffu, &b, &err), "flags");
    CHECK(b == NULL, "out written for bad flags");
    CHECK(bw_bxml_new(BW_BXML_RESPONSE, 0, NULL, NULL) == BAD, "err NULL");

    FAIL(bw_bxml_open(NULL, "Hangup", &err), "bxml");
    FAIL(bw_bxml_attr(NULL, "tag", "x", &err), "bxml");
    FAIL(bw_bxml_text(NULL, "x", &err), "bxml");
    FAIL(bw_bxml_ssml(NULL, "x", &err), "bxml");
    FAIL(bw_bxml_close(NULL, &err), "bxml");
    FAIL(bw_bxml_append_json(NULL, "[]", &err), "bxml");
    size_t needed = 0;
    FAIL(bw_bxml_render(NULL, NULL, 0, &needed, &err), "bxml");
    CHECK(bw_bxml_close(NULL, NULL) == BAD, "err NULL");

    STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
    FAIL(bw_bxml_open(b, NULL, &err), "element");
    STEP(bw_bxml_open(b, "SpeakSentence", &err));
    FAIL(bw_bxml_attr(b, NULL, "x", &err), "name");
    FAIL(bw_bxml_attr(b, "voice", NULL, &err), "value");
    FAIL(bw_bxml_text(b, NULL, &err), "text");
    FAIL(bw_bxml_ssml(b, NULL, &err), "fragment");
    FAIL(bw_bxml_append_json(b, NULL, &err), "json");
    CHECK(bw_bxml_text(b, NULL, NULL) == BAD, "err NULL");
    STEP(bw_bxml_text(b, "still fine", &err));
    STEP(bw_bxml_close(b, &err));
    FAIL(bw_bxml_render(b, NULL, 0, NULL, &err), "needed");
    expect_document(b, DECL "<Response><SpeakSentence>still fine</SpeakSentence></Response>");
    bw_bxml_free(b);
    bw_bxml_free(NULL);
}

/* The escaping the contract promises, restated: & < > " ' and tab, newline, CR. */
static void escape_into(char *out, const char *text) {
    for (; *text; text++) {
        const char *entities[][2] = {{"&", "&amp;"}, {"<", "&lt;"},  {">", "&gt;"},   {"\"", "&quot;"},
                                     {"'", "&apos;"}, {"\t", "&#9;"}, {"\n", "&#10;"}, {"\r", "&#13;"}};
        const char *with = NULL;
        for (size_t i = 0; i < 8; i++)
            if (*text == entities[i][0][0]) with = entities[i][1];
        out += with ? sprintf(out, "%s", with) : sprintf(out, "%c", *text);
    }
}

static void test_caller_text_never_becomes_markup(void) {
    const char *hostile[] = {
        "</SpeakSentence><Transfer><PhoneNumber>+19005550100</PhoneNumber></Transfer><SpeakSentence>",
        "\" redirectUrl=\"https://evil.example/",
        "' tag='x",
        "]]>",
        "<![CDATA[<Hangup/>]]>",
        "<!-- --><?pi x?>",
        "&lt;Hangup/&gt; &amp; &#60;",
        "tab\tnewline\ncr\r end",
        "<!DOCTYPE x [<!ENTITY e 'x'>]>&e;",
        "caf\xc3\xa9 \xf0\x9f\x93\x9e \x7f",
    };
    bw_error err = BW_ERROR_INIT;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        bw_bxml *b = NULL;
        STEP(bw_bxml_new(BW_BXML_RESPONSE, 0, &b, &err));
        STEP(bw_bxml_open(b, "SpeakSentence", &err));
        STEP(bw_bxml_attr(b, "voice", hostile[i], &err));
        STEP(bw_bxml_text(b, hostile[i], &err));
        STEP(bw_bxml_close(b, &err));
        STEP(bw_bxml_open(b, "Redirect", &err));
        STEP(bw_bxml_attr(b, "tag", hostile[i], &err));
        STEP(bw_bxml_attr(b, "redirectUrl", "https://app.example/next", &err));
        STEP(bw_bxml_close(b, &err));
        char esc[1024], want[4096];
        escape_into(esc, hostile[i]);
        snprintf(want, sizeof want,
                 DECL "<Response><SpeakSentence voice=\"%s\">%s</SpeakSentence>"
                      "<Redirect redirectUrl=\"https://app.example/next\" tag=\"%s\"/>"
                      "</Response>",
                 esc, esc, esc);
        char *got = render(b);
        if (!got) got = strdup("(none)");
        CHECK(strcmp(got, want) == 0, "case %zu:\n got %s\nwant %s", i, got, want);
        CHECK(!strstr(got, "<Transfer") && !strstr(got, "]]>"), "markup: %s", got);
        STEP(bw_bxml_check(got, BW_BXML_RESPONSE, 0, &err));
        free(got);
        bw_bxml_free(b);
    }

    /* Characters XML cannot carry, and bytes that are not UTF-8: refused. */
    const char *refused[] = {"\x01", "a\x1b[31m", "\x08", "\xef\xbf\xbf", "\xef\xbf\xbe", "\xc3\x28",
                             "\xed\xa0\x80", "\xff", "\xe2\x82", "\xc0\xaf"};
    bw_bxml *b = NULL;
    STEP(bw_bxml_new(BW_BXML_UPDATE_CALL, 0, &b, &err));
    STEP(bw_bxml_open(b, "SpeakSentence", &err));
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        FAIL(bw_bxml_attr(b, "voice", refused[i], &err), "value");
        FAIL(bw_bxml_text(b, refused[i], &err), "text");
        FAIL(bw_bxml_ssml(b, refused[i], &err), "fragment");
        FAIL(bw_xml_escape(refused[i], NULL, 0, &(size_t){0}, &err), "text");
    }
    STEP(bw_bxml_text(b, "ok", &err));
    STEP(bw_bxml_close(b, &err));
    expect_document(b, DECL "<Bxml><SpeakSentence>ok</SpeakSentence></Bxml>");
    bw_bxml_free(b);
}

const test_case bxml_tests[] = {
    {"BXML: the ivr document step by step, render sizes", test_ivr_step_by_step},
    {"BXML: every shared document, node by node and as a tree", test_same_documents},
    {"BXML: append_json, all or nothing", test_append_json},
    {"BXML: check accepts, refuses with line and column", test_check},
    {"BXML: every failing step leaves the builder usable", test_errors_leave_builder_usable},
    {"BXML: NULL and bad arguments", test_null_and_bad_arguments},
    {"BXML: caller text never becomes markup", test_caller_text_never_becomes_markup},
};
const size_t bxml_tests_len = sizeof bxml_tests / sizeof bxml_tests[0];
