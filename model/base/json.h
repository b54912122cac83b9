/*
 * json.h - the one JSON writer (RFC 8259): every --json output and every outbox payload
 * is built with it, into a struct cd_buf (model/base/buf.h).
 *
 * The writer keeps the nesting and places the commas and colons itself: a caller opens
 * an object or an array, writes keys and values in order, and closes it; it never counts
 * members.  Calls out of order (a value in an object without its key, a key in an array,
 * a close that does not match, a second top-level value) write nothing and mark the
 * writer; json_done then reports the misuse, so a half-built document is never used.
 *
 * Strings: '"' and '\' are escaped, every control character (U+0000..U+001F) and DEL
 * are written as \u00XX, everything else valid goes out as UTF-8 as it is (characters
 * beyond the BMP included: JSON needs no surrogate pairs in UTF-8 text).  Invalid UTF-8
 * (stray continuation bytes, overlong forms, encoded surrogates, code points above
 * U+10FFFF, cut sequences) is REPLACED with U+FFFD, one per maximal invalid subpart
 * (Unicode's recommended practice): the writer never emits invalid JSON and never
 * refuses, because input is validated where it enters the store, not on the way out.
 *
 * Why not a library: jansson and json-c build a tree in their own allocations before
 * printing; yajl's generator refuses invalid UTF-8 instead of replacing it.  What we need
 * is a streaming writer into the buffer with the ceiling we already have.
 */
#ifndef CD_JSON_H
#define CD_JSON_H

#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/error.h"

#define JSON_MAX_DEPTH 32

struct json_writer {
	struct cd_buf *out;
	int depth;                                /* open objects and arrays */
	unsigned char is_object[JSON_MAX_DEPTH];  /* 1: '{', 0: '[' at each depth */
	unsigned char has_items[JSON_MAX_DEPTH];  /* a member was written: the next needs a comma */
	int want_value;                           /* a key was written: its value comes next */
	int complete;                             /* the top-level value is written */
	int misuse;                               /* a call out of order; json_done reports it */
};

/* Starts a document written at the end of `out` (which keeps what it held before). */
void json_init(struct json_writer *w, struct cd_buf *out);

int json_object(struct json_writer *w);
int json_object_end(struct json_writer *w);
int json_array(struct json_writer *w);
int json_array_end(struct json_writer *w);
/* A member's name inside an object; its value is the next call. */
int json_key(struct json_writer *w, const char *key);

/* A string value; NULL writes null. */
int json_string(struct json_writer *w, const char *text);
/* A string of n bytes (NUL bytes inside become \u0000). */
int json_string_n(struct json_writer *w, const char *text, size_t n);
int json_int(struct json_writer *w, long long value);
/* A number with `decimals` digits after the point (NaN and infinities become null). */
int json_fixed(struct json_writer *w, double value, int decimals);
int json_bool(struct json_writer *w, int value);
int json_null(struct json_writer *w);

/* A key and its value in one call: the common case of an object member. */
int json_kv_string(struct json_writer *w, const char *key, const char *text);
int json_kv_int(struct json_writer *w, const char *key, long long value);
int json_kv_bool(struct json_writer *w, const char *key, int value);
int json_kv_null(struct json_writer *w, const char *key);

/*
 * CD_OK when exactly one complete value was written without misuse and the buffer held
 * all of it; otherwise CD_EINTERNAL (misuse, containers left open, the buffer's ceiling
 * reached or memory gone), with a message saying which.
 */
int json_done(const struct json_writer *w, struct cd_error *err);

/*
 * Appends one JSON string literal (quotes included, escaped and repaired as above) to b,
 * outside any writer: for protocol lines that splice a single string (app/enrol).
 * NULL appends null.
 */
int json_buf_string(struct cd_buf *b, const char *text);

#endif
