/*
 * national_search.h - reading persons and their cases from the national tier (issue 15,
 * deliverable 8): the candidates of a national name search and a person's cases at every
 * office.  This side knows nothing of the store or of how names are scored: app/ computes
 * the query's name keys with the local search's own functions (model/store/search.h), passes
 * them here, and re-scores the candidates in C, so that a national search ranks exactly as a
 * local one.  Documents never leave the tier by these functions.
 */
#ifndef CD_NATIONAL_SEARCH_H
#define CD_NATIONAL_SEARCH_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/national/national.h"

/* The candidates a pass may bring: re-scoring them in C stays cheap. */
#define NATIONAL_SEARCH_PASS 200

/* One person of the tier (strings malloc'd). */
struct cd_nat_person {
	char *uuid, *number, *surname, *given, *surname_latin, *given_latin, *dob, *nationality, *origin_office;
};

/*
 * The candidates for a name query: persons holding, for every typed word, one of its keys
 * (key_groups[i][0] or, when not "", key_groups[i][1]) and the year key `year` when not ""
 * (the GIN index on name_keys), together with persons whose names hold the words typed
 * (`text`) by pg_trgm word similarity (the trigram GIN index) when the keys brought fewer
 * than `want`: NATIONAL_SEARCH_PASS of each at most, merged persons left out, each once.
 */
int national_search_candidates(struct cd_national *n, const char *text, const char (*key_groups)[2][32],
			       size_t n_groups, const char *year, int want, struct cd_nat_person **out, size_t *n_out,
			       struct cd_error *err);
/* One person by number or uuid; CD_ENOTFOUND when the tier has none. */
int national_person_get(struct cd_national *n, const char *ref, struct cd_nat_person *out, struct cd_error *err);
void national_persons_free(struct cd_nat_person *p, size_t n);
void national_person_release(struct cd_nat_person *p);

struct cd_nat_case {
	char *number, *office, *workflow, *state;
};
/* The cases of the person with this uuid held by the tier, every office, by number. */
int national_person_cases(struct cd_national *n, const char *person_uuid, struct cd_nat_case **out, size_t *n_out,
			  struct cd_error *err);
void national_cases_free(struct cd_nat_case *c, size_t n);

#endif
