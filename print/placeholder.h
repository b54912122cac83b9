/*
 * placeholder.h - "{person.surname}" in form text: expansion against a set of named
 * values, and the names a template uses (for the lint).  Pure: no store, no PDF.
 *
 * Syntax: {name} where name is a-z, 0-9, '_' and '.'; "{{" writes one "{".  A '{' that
 * does not open a well-formed name is written as it is.  {a|b|c} ("either") is the first
 * of the names with a value: one letter for several workflows names each its own field
 * ({field.refusal_reasoning|field.rejection_reasoning}).
 */
#ifndef CD_PLACEHOLDER_H
#define CD_PLACEHOLDER_H

#include <stddef.h>

#include "model/base/buf.h"

#define PH_NAME_MAX 192

/* Named values: owned copies, looked up by exact name. */
struct ph_vars {
	char **names, **values;
	size_t n, cap;
};

#define PH_VARS_INIT { NULL, NULL, 0, 0 }

/* Sets (or replaces) a value; NULL stores "".  CD_EINTERNAL when memory runs out. */
int ph_set(struct ph_vars *v, const char *name, const char *value);
/* The value, or NULL when the name was never set. */
const char *ph_get(const struct ph_vars *v, const char *name);
void ph_vars_release(struct ph_vars *v);

/* Called for every name used in the text; `pos` is its byte offset in the text. */
typedef void (*ph_name_fn)(void *ctx, const char *name, size_t pos);

/*
 * Appends `text` to `out` with every {name} replaced by its value (unknown names: "" and
 * reported through `unknown` when given).  Returns the number of unknown names.
 */
int ph_expand(const char *text, const struct ph_vars *v, struct cd_buf *out, ph_name_fn unknown, void *ctx);

/* Calls `fn` for every {name} in `text`, each name of an {a|b} apiece; returns how many
 * placeholders there are. */
int ph_scan(const char *text, ph_name_fn fn, void *ctx);
/* The same, with an {a|b} given whole ("a|b"): what the form refuses when it is empty. */
int ph_scan_whole(const char *text, ph_name_fn fn, void *ctx);
/* The value of `name`, or of the first name of "a|b|c" with a value ("" before NULL);
 * NULL when no name of it was ever set. */
const char *ph_get_either(const struct ph_vars *v, const char *name);

#endif
