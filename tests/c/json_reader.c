/* See json_reader.h. */
#include "json_reader.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
} reader;

static void skip_space(reader *r) {
    while (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t') r->p++;
}

/* Takes C if it is next; never moves past the text's NUL. */
static int take(reader *r, char c) {
    if (*r->p != c || c == '\0') return 0;
    r->p++;
    return 1;
}

static json_value *new_value(json_kind kind) {
    json_value *v = calloc(1, sizeof *v);
    if (v) v->kind = kind;
    return v;
}

static int hex4(const char *p, unsigned *out) {
    *out = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16) return 0;
        *out = *out * 16 + d;
    }
    return 1;
}

/* A string after its opening quote; NULL when malformed. */
static char *read_string(reader *r) {
    size_t cap = strlen(r->p) + 1, n = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (;;) {
        char c = *r->p;
        if (c == '\0' || (unsigned char)c < 0x20) goto bad;
        r->p++;
        if (c == '"') break;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = *r->p;
        if (c == '\0') goto bad;
        r->p++;
        const char *simple = strchr("\"\\/bfnrt", c);
        if (c && simple) {
            out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
        } else if (c == 'u') {
            unsigned u;
            if (!hex4(r->p, &u) || u == 0 || (u >= 0xD800 && u <= 0xDFFF)) goto bad;
            r->p += 4;
            if (u < 0x80) {
                out[n++] = (char)u;
            } else if (u < 0x800) {
                out[n++] = (char)(0xC0 | (u >> 6));
                out[n++] = (char)(0x80 | (u & 0x3F));
            } else {
                out[n++] = (char)(0xE0 | (u >> 12));
                out[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
                out[n++] = (char)(0x80 | (u & 0x3F));
            }
        } else {
            goto bad;
        }
    }
    out[n] = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

static json_value *read_value(reader *r, int depth);

/* Appends to an array's or object's lists; 0 when out of memory. */
static int append(json_value *v, char *key, json_value *item) {
    json_value **items = realloc(v->items, (v->len + 1) * sizeof *items);
    if (!items) return 0;
    v->items = items;
    if (v->kind == JSON_OBJECT) {
        char **keys = realloc(v->keys, (v->len + 1) * sizeof *keys);
        if (!keys) return 0;
        v->keys = keys;
        v->keys[v->len] = key;
    }
    v->items[v->len++] = item;
    return 1;
}

static json_value *read_container(reader *r, int depth, char close) {
    json_value *v = new_value(close == '}' ? JSON_OBJECT : JSON_ARRAY);
    if (!v) return NULL;
    skip_space(r);
    if (take(r, close)) return v;
    for (;;) {
        char *key = NULL;
        skip_space(r);
        if (close == '}') {
            if (!take(r, '"') || !(key = read_string(r))) goto bad;
            skip_space(r);
            if (!take(r, ':')) {
                free(key);
                goto bad;
            }
        }
        json_value *item = read_value(r, depth + 1);
        if (!item || !append(v, key, item)) {
            free(key);
            json_free(item);
            goto bad;
        }
        skip_space(r);
        if (take(r, close)) return v;
        if (!take(r, ',')) goto bad;
    }
bad:
    json_free(v);
    return NULL;
}

static json_value *read_value(reader *r, int depth) {
    if (depth > 32) return NULL;
    skip_space(r);
    char c = *r->p;
    if (c == '{' || c == '[') {
        r->p++;
        return read_container(r, depth, c == '{' ? '}' : ']');
    }
    if (c == '"') {
        r->p++;
        char *s = read_string(r);
        json_value *v = s ? new_value(JSON_STRING) : NULL;
        if (v) v->string = s;
        else free(s);
        return v;
    }
    static const struct {
        const char *word;
        json_kind kind;
        int boolean;
    } words[] = {{"true", JSON_BOOL, 1}, {"false", JSON_BOOL, 0}, {"null", JSON_NULL, 0}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i].word);
        if (strncmp(r->p, words[i].word, n) == 0) {
            r->p += n;
            json_value *v = new_value(words[i].kind);
            if (v) v->boolean = words[i].boolean;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        long long n = strtoll(r->p, &end, 10);
        if (end == r->p || *end == '.' || *end == 'e' || *end == 'E') return NULL; /* whole numbers only */
        r->p = end;
        json_value *v = new_value(JSON_NUMBER);
        if (v) v->number = n;
        return v;
    }
    return NULL;
}

json_value *json_parse(const char *text) {
    reader r = {text};
    json_value *v = read_value(&r, 0);
    if (v) skip_space(&r);
    if (v && *r.p != '\0') {
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->len; i++) {
        if (v->keys) free(v->keys[i]);
        json_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *object, const char *name) {
    if (!object || object->kind != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < object->len; i++)
        if (strcmp(object->keys[i], name) == 0) return object->items[i];
    return NULL;
}
