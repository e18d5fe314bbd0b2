/*
 * A reader of the JSON tree form just large enough for the shared BXML
 * documents: strings (with every JSON escape), numbers, booleans, null,
 * arrays and objects. Each node becomes one builder call, so the documents
 * are built through the step-by-step C API, not bw_bxml_append_json.
 */
#define _POSIX_C_SOURCE 200809L
#include "bxml_tree.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
} cursor;

static void skip_ws(cursor *c) {
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r') c->p++;
}

static int expect(cursor *c, char ch) {
    skip_ws(c);
    if (*c->p != ch) return 0;
    c->p++;
    return 1;
}

static int hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char h = s[i];
        v <<= 4;
        if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static char *put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* A JSON string, decoded into a malloc'd NUL-terminated UTF-8 string. */
static char *string(cursor *c) {
    if (!expect(c, '"')) return NULL;
    /* Decoded text is never longer than its escaped form. */
    char *out = malloc(strlen(c->p) + 1), *o = out;
    while (*c->p && *c->p != '"') {
        if (*c->p != '\\') {
            *o++ = *c->p++;
            continue;
        }
        char e = c->p[1];
        if (!e) goto bad;
        c->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple) {
            *o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        unsigned cp, low;
        if (e != 'u' || !hex4(c->p, &cp)) goto bad;
        c->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (c->p[0] != '\\' || c->p[1] != 'u' || !hex4(c->p + 2, &low) || low < 0xDC00 ||
                low > 0xDFFF)
                goto bad;
            c->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        o = put_utf8(o, cp);
    }
    if (*c->p != '"') goto bad;
    c->p++;
    *o = 0;
    return out;
bad:
    free(out);
    return NULL;
}

/* An attribute value as text, as the core writes it: a whole number without
 * its ".0", booleans as true/false. *null set for null (left out). */
static char *scalar(cursor *c, int *null) {
    skip_ws(c);
    *null = 0;
    if (*c->p == '"') return string(c);
    const char *words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(c->p, words[i], n) == 0) {
            c->p += n;
            *null = i == 2;
            return strdup(words[i]);
        }
    }
    size_t n = strspn(c->p, "-+.0123456789eE");
    if (n == 0) return NULL;
    char *text = strndup(c->p, n);
    c->p += n;
    /* 2.50 is 2.5 and 10.0 is 10, as the core writes a JSON number. */
    char *dot = strchr(text, '.');
    if (dot && !strpbrk(text, "eE")) {
        char *end = text + strlen(text);
        while (end > dot + 1 && end[-1] == '0') *--end = 0;
        if (end == dot + 1) *dot = 0;
    }
    return text;
}

static int node(cursor *c, bw_bxml *b, bw_error *err);

/* ["Element", {attrs}, node, ...]: open, each attribute, the content, close. */
static int element(cursor *c, bw_bxml *b, bw_error *err) {
    char *name = string(c);
    if (!name || !expect(c, ',') || !expect(c, '{')) {
        free(name);
        return BXML_TREE_BAD_JSON;
    }
    int st = bw_bxml_open(b, name, err);
    free(name);
    if (st != BW_OK) return st;
    skip_ws(c);
    if (*c->p == '}') c->p++;
    else {
        do {
            int null;
            char *key = string(c);
            char *value = key && expect(c, ':') ? scalar(c, &null) : NULL;
            if (value && !null) st = bw_bxml_attr(b, key, value, err);
            free(key);
            free(value);
            if (!value) return BXML_TREE_BAD_JSON;
            if (st != BW_OK) return st;
        } while (expect(c, ','));
        if (!expect(c, '}')) return BXML_TREE_BAD_JSON;
    }
    while (expect(c, ','))
        if ((st = node(c, b, err)) != BW_OK) return st;
    if (!expect(c, ']')) return BXML_TREE_BAD_JSON;
    return bw_bxml_close(b, err);
}

static int node(cursor *c, bw_bxml *b, bw_error *err) {
    skip_ws(c);
    if (*c->p == '"') {
        char *text = string(c);
        if (!text) return BXML_TREE_BAD_JSON;
        int st = bw_bxml_text(b, text, err);
        free(text);
        return st;
    }
    if (expect(c, '[')) return element(c, b, err);
    if (!expect(c, '{')) return BXML_TREE_BAD_JSON;
    char *key = string(c);
    int is_ssml = key && strcmp(key, "ssml") == 0;
    free(key);
    char *fragment = is_ssml && expect(c, ':') ? string(c) : NULL;
    if (!fragment || !expect(c, '}')) {
        free(fragment);
        return BXML_TREE_BAD_JSON;
    }
    int st = bw_bxml_ssml(b, fragment, err);
    free(fragment);
    return st;
}

int bxml_build_tree(bw_bxml *b, const char *json, bw_error *err) {
    cursor c = {json};
    if (!expect(&c, '[')) return BXML_TREE_BAD_JSON;
    skip_ws(&c);
    if (*c.p != ']') {
        do {
            int st = node(&c, b, err);
            if (st != BW_OK) return st;
        } while (expect(&c, ','));
    }
    if (!expect(&c, ']')) return BXML_TREE_BAD_JSON;
    skip_ws(&c);
    return *c.p ? BXML_TREE_BAD_JSON : BW_OK;
}

/* Steps over one JSON value of any kind. */
static int skip_value(cursor *c) {
    skip_ws(c);
    if (*c->p == '"') {
        char *s = string(c);
        free(s);
        return s != NULL;
    }
    if (*c->p == '[' || *c->p == '{') {
        char close = *c->p == '[' ? ']' : '}';
        c->p++;
        if (expect(c, close)) return 1;
        do {
            if (close == '}' && !(skip_value(c) && expect(c, ':'))) return 0;
            if (!skip_value(c)) return 0;
        } while (expect(c, ','));
        return expect(c, close);
    }
    int null;
    char *s = scalar(c, &null);
    free(s);
    return s != NULL;
}

int same_document_parse(const char *json, same_document *doc) {
    cursor c = {json};
    doc->kind = 0;
    doc->flags = 0;
    doc->verbs = NULL;
    if (!expect(&c, '{')) return -1;
    do {
        char *key = string(&c);
        if (!key || !expect(&c, ':')) {
            free(key);
            return -1;
        }
        skip_ws(&c);
        const char *start = c.p;
        int ok = skip_value(&c);
        size_t len = (size_t)(c.p - start);
        if (ok && strcmp(key, "verbs") == 0) {
            free(doc->verbs);
            doc->verbs = strndup(start, len);
        } else if (ok && strcmp(key, "kind") == 0) {
            const struct {
                const char *json;
                bw_bxml_kind kind;
            } kinds[] = {{"\"response\"", BW_BXML_RESPONSE},
                         {"\"update_call\"", BW_BXML_UPDATE_CALL},
                         {"\"update_conference\"", BW_BXML_UPDATE_CONFERENCE}};
            for (int i = 0; i < 3; i++)
                if (len == strlen(kinds[i].json) && strncmp(start, kinds[i].json, len) == 0)
                    doc->kind = kinds[i].kind;
        } else if (ok && strcmp(key, "allow_unknown_verbs") == 0) {
            doc->flags = strncmp(start, "true", 4) == 0 ? BW_BXML_ALLOW_UNKNOWN_VERBS : 0;
        }
        free(key);
        if (!ok) return -1;
    } while (expect(&c, ','));
    if (!expect(&c, '}') || !doc->verbs || doc->kind == 0) {
        free(doc->verbs);
        doc->verbs = NULL;
        return -1;
    }
    return 0;
}
