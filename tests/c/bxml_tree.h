/*
 * The shared BXML documents (tests/data/bxml/same/<name>.json) built the
 * way a C program builds BXML: a small reader of their JSON tree form that
 * makes one bw_bxml_open/attr/text/ssml/close call per node.
 */
#ifndef BWVOICE_TEST_BXML_TREE_H
#define BWVOICE_TEST_BXML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "bwvoice.h"

/* Returned when the JSON itself cannot be read (not a bw_status). */
#define BXML_TREE_BAD_JSON (-1)

/*
 * Adds the nodes of `json` (a JSON list in the tree form of
 * bw_bxml_append_json) to `b`, one builder call per node. Returns BW_OK,
 * the status of the first call that failed (err filled), or
 * BXML_TREE_BAD_JSON.
 */
int bxml_build_tree(bw_bxml *b, const char *json, bw_error *err);

/* A file of tests/data/bxml/same: its kind, flags and "verbs" member. */
typedef struct {
    bw_bxml_kind kind;
    uint32_t flags;
    char *verbs; /* the "verbs" JSON text, malloc'd */
} same_document;

/* Reads a same/<name>.json text; 0 on success (free doc->verbs), -1 if malformed. */
int same_document_parse(const char *json, same_document *doc);

#endif
