/* out.h — what a command says: human text and a JSON result, built side by side
 * (one call writes a field to both, like iproute2's print_*(PRINT_ANY, ...)).
 * The front end (batch, prompt, keys) prints the one it needs. */
#ifndef UMLAB_OUT_H
#define UMLAB_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/strbuf.h"

#define OUT_MAX_DEPTH 16

struct out {
    struct strbuf text;  /* human-readable lines */
    struct strbuf json;  /* the command's result object, "{...}" */
    struct strbuf log;   /* progress lines, as a JSON array's items ("a","b") */
    struct strbuf shell; /* the shell equivalents of what it did, the same way */
    int depth;
    bool first[OUT_MAX_DEPTH];
    char closer[OUT_MAX_DEPTH]; /* '}' or ']' for each open level */
    int overflow;               /* levels opened past OUT_MAX_DEPTH (written as null) */
    /* Progress lines ("booting g1...") go here as they happen; may be NULL. */
    void (*progress)(void *ctx, const char *line);
    void *progress_ctx;
};

void out_init(struct out *o);
void out_free(struct out *o);
/* Clears text and JSON, keeps the progress callback. */
void out_reset(struct out *o);

__attribute__((format(printf, 2, 3))) void out_printf(struct out *o, const char *fmt, ...);
/* Appends N raw bytes (NULs included) to the text. */
void out_write(struct out *o, const char *s, size_t n);
/* A progress line: to the callback now, and kept for the JSON "log" array. */
__attribute__((format(printf, 2, 3))) void out_progress(struct out *o, const char *fmt, ...);
/* A shell-equivalent line ("$ ip link ...", "g1# ..."), kept for the JSON
 * "shell" array (the front end shows it through the lab's hooks). */
void out_shell(struct out *o, const char *line);
/* The shell lines as a JSON array ("[]" when none). */
void out_json_shell(const struct out *o, struct strbuf *b);
/* The progress lines as a JSON array ("[]" when none). Caller frees with sb_free. */
void out_json_log(const struct out *o, struct strbuf *b);

/* JSON containers. KEY is NULL inside arrays. The outermost object is
 * implicit: the first call opens it, out_json_result() closes it. */
void out_obj_begin(struct out *o, const char *key);
void out_obj_end(struct out *o);
void out_arr_begin(struct out *o, const char *key);
void out_arr_end(struct out *o);

/* A field: KEY and VAL into the JSON result, and VAL through the printf
 * format FMT into the text (FMT NULL: JSON only). FMT takes one conversion
 * of the value's type: %s, %lld, %llu, %f, and %s for a bool ("on"/"off").
 * A NULL string is null in the JSON and "-" in the text. */
void out_str(struct out *o, const char *key, const char *fmt, const char *val);
void out_int(struct out *o, const char *key, const char *fmt, long long val);
void out_uint(struct out *o, const char *key, const char *fmt, unsigned long long val);
void out_double(struct out *o, const char *key, const char *fmt, double val);
void out_bool(struct out *o, const char *key, const char *fmt, bool val);
/* JSON only: VAL of N bytes, embedded NULs and invalid UTF-8 are fine (see
 * json_escape_n); out_write puts the same bytes into the text. */
void out_strn(struct out *o, const char *key, const char *val, size_t n);

/* The finished result object ("{}" when the command set nothing). */
const char *out_json_result(struct out *o);

/* Appends S as a JSON string literal (quotes and escapes). */
void json_escape(struct strbuf *b, const char *s);
/* The same for N bytes of any content: control characters and NUL escaped
 * (\u00XX), invalid UTF-8 replaced by U+FFFD (\ufffd): always valid JSON. */
void json_escape_n(struct strbuf *b, const char *s, size_t n);

#endif
