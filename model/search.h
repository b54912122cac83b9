/*
 * search.h - finding people: by case number, by document number, and by any spelling of
 * their names (original script, ICAO Latin, aliases) through an FTS5 trigram index.
 * Each hit says why it matched.
 */
#ifndef CD_SEARCH_H
#define CD_SEARCH_H

#include <stddef.h>

#include "error.h"
#include "store.h"

enum cd_match { CD_MATCH_CASE, CD_MATCH_DOCUMENT, CD_MATCH_NAME };

struct cd_search_hit {
	char number[32];               /* person number */
	char *surname, *given, *surname_latin, *given_latin;
	char dob[11];
	char nationality[4];
	enum cd_match match;
	char detail[48];               /* the case or document number that matched */
};

/* Up to `limit` people for the query, best first. */
int search_people(struct cd_store *s, const char *query, int limit, struct cd_search_hit **out,
		  size_t *n, struct cd_error *err);
void search_hits_free(struct cd_search_hit *hits, size_t n);
const char *cd_match_name(enum cd_match m);

#endif
