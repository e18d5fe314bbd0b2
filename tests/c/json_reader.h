/*
 * A small JSON reader for the tests' expected-result files: objects,
 * arrays, strings (with \" \\ \/ \b \f \n \r \t and \u escapes of the
 * basic plane), whole numbers, true/false/null. Not a general parser: it
 * reads files the tests themselves hold.
 */
#ifndef BWVOICE_TEST_JSON_READER_H
#define BWVOICE_TEST_JSON_READER_H

#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_kind;

typedef struct json_value {
    json_kind kind;
    int boolean;
    int64_t number;
    char *string;                /* JSON_STRING */
    size_t len;                  /* items of an array or members of an object */
    char **keys;                 /* JSON_OBJECT: the members' names */
    struct json_value **items;   /* JSON_ARRAY items, JSON_OBJECT values */
} json_value;

/* The value TEXT holds (NUL-terminated), or NULL when it is not JSON this
 * reader takes. Free it with json_free. */
json_value *json_parse(const char *text);
void json_free(json_value *value);
/* The member NAME of an object, or NULL. */
const json_value *json_get(const json_value *object, const char *name);

#endif
