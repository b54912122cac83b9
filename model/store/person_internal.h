/*
 * person_internal.h - what person.c shares with person_edit.c and no one outside
 * model/store: the search index refresh after a name changes, the ICAO Latin form derived
 * from a name as written, and the check of a Latin form.  Kept out of person.h so that
 * screens and app/ see only the whole operations.
 */
#ifndef CD_PERSON_INTERNAL_H
#define CD_PERSON_INTERNAL_H

#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* Rewrites a person's rows in both search indexes (names, and their skeleton keys). */
int person_fts_refresh(struct cd_store *s, int64_t person_id, struct cd_error *err);
/* The ICAO Latin form of `name` (malloc'd), or NULL with CD_EINPUT naming `field` and `option`. */
char *person_icao_of(const char *name, const char *nationality, const char *field, const char *option,
		     struct cd_error *err);
/* A Latin form: 1-200 of A-Z, space, '-' and '''; CD_EINPUT naming `field` otherwise. */
int person_check_latin(const char *text, const char *field, struct cd_error *err);

#endif
