/* json.h — a small, bounded JSON reader (a tree of values) for text umlab did
 * not write: `nft -j` output today. Limits on size, depth and node count keep a
 * hostile or runaway input from costing more than a bounded amount. */
#ifndef UMLAB_JSON_H
#define UMLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

#define JSON_MAX_INPUT (4u * 1024 * 1024)
#define JSON_MAX_DEPTH 64
#define JSON_MAX_NODES 500000

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
    enum json_type type;
    bool b;
    double num;
    char *str;          /* JSON_STR: decoded UTF-8; a \u0000 becomes U+FFFD */
    struct json **kids; /* JSON_ARR items, JSON_OBJ values */
    char **keys;        /* JSON_OBJ: the key of each value */
    size_t n, cap;
};

/* Parses LEN bytes of TEXT (one value, blanks around it allowed). *OUT is
 * freed with json_free. -1 with E saying where on bad or oversized input. */
int json_parse(const char *text, size_t len, struct json **out, struct err *e);
void json_free(struct json *j);

/* The value of KEY in object J (the first, when repeated); NULL when J is not
 * an object or has no KEY. */
const struct json *json_get(const struct json *j, const char *key);
/* The string of J, NULL unless J is a string. */
const char *json_str(const struct json *j);
/* J is an object with exactly one key: that key (nft's {"accept": null}). */
const char *json_only_key(const struct json *j);

#endif
