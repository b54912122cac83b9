/*
 * search.h - finding people: by case number, by document number, and by any spelling of
 * their names (original script, ICAO Latin, aliases, spelling variants, one or two typos,
 * surname and given names swapped), optionally narrowed by a (partial) date of birth typed
 * in the query (1987, 1987-04, 1987-04-12).  Each hit has a score and says why it matched.
 *
 * Candidates come from bounded passes (each a LIMITed FTS5 MATCH): the trigram index over
 * every spelling (person_fts), the skeleton keys (person_key, see translit_skeleton), then
 * typo passes, one typed word at a time (that word fuzzy, the others as typed): keys of its
 * likely originals, trigram pieces of it that one edit cannot all break, and for short
 * words keys one letter added or changed away.  Every candidate is then scored in C
 * against the query (name_level, model/identity/namescore.h), each typed word paired
 * with its own stored word.
 * Search as you type: the last word, when it begins a longer name of a hit, is still being
 * typed and is read without typos, so more letters narrow the list.
 */
#ifndef CD_SEARCH_H
#define CD_SEARCH_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* What a hit was found by: a case number (whole or its last digits; the hit's detail is
 * the case, which a front-end opens), a document number, a person number (whole or its
 * last digits: P-TBS-002345, 002345, 2345), or a name. */
enum cd_match { CD_MATCH_CASE, CD_MATCH_DOCUMENT, CD_MATCH_NAME, CD_MATCH_PERSON };

struct cd_search_hit {
	char number[32];               /* person number */
	char *surname, *given, *surname_latin, *given_latin;
	char dob[11];
	char nationality[4];
	enum cd_match match;
	char detail[48];               /* the case or document number that matched */
	int score;                     /* 0-100, best first */
	char why[256];                 /* "name: exact ICAO", "name: variant; dob: year", "document" ...
					* (translated: room for UTF-8) */
	int other_unit;                /* a case number of a workflow the reader does not work on:
					* the hit names no one (number and names empty) */
	const char *via;               /* what of the person matched, short, for a column: "alias",
					* "Latin form", "Arabic form", "as written", "case number" ...
					* marked N_(), shown through _() */
};

/*
 * The statements that find numbers, each an index lookup at a million people (tests run
 * EXPLAIN QUERY PLAN on them): ?1 a number; the prefix seeks take ?1 a number to start after.
 */
extern const char *const search_number_sql[];
extern const size_t search_number_sql_n;

/*
 * Up to `limit` people for the query, best first.  Who a person is every user may find;
 * a case number finds its person only within the actor's workflows (need-to-know,
 * users.h), otherwise one hit with other_unit set that names no one.  Not audited: the
 * query of a front-end goes through search_read, or (search as you type) through
 * search_audit once it settles.
 */
int search_people(struct cd_store *s, const struct cd_actor *actor, const char *query, int limit,
		  struct cd_search_hit **out, size_t *n, struct cd_error *err);
void search_hits_free(struct cd_search_hit *hits, size_t n);

/*
 * Audits a search whose results were shown (model/store/access.h): a "search" row with
 * the SHA-256 of the query as typed and how many people were shown, never the query's
 * text, and a "search" row per person shown when they are ACCESS_NAMED_MAX or fewer.
 */
int search_audit(struct cd_store *s, const struct cd_actor *actor, const char *query,
		 const struct cd_search_hit *hits, size_t n, const char *purpose, struct cd_error *err);
/* search_people, then search_audit with `purpose`: a search whose results are shown. */
int search_read(struct cd_store *s, const struct cd_actor *actor, const char *query, int limit,
		const char *purpose, struct cd_search_hit **out, size_t *n, struct cd_error *err);
/*
 * For a search held elsewhere (the national tier, app/cmd_search_national): the query read
 * as the local name search reads it.  search_query_keys fills groups[i] with typed word i's
 * skeleton key and, when it has one, the key without its article (groups[i][1], else "");
 * *year gets "y1987" when a date was typed ("" otherwise).  Returns how many groups (0:
 * no name in the query).  search_score_names scores one person against the query with the
 * local search's own scoring (name_level, word pairing, dob filter): 0 drops them.
 * names[] as search_person_words takes them; why/via as in struct cd_search_hit; dob_rank
 * (how much of a typed date matched) breaks ties as the local search does.
 */
size_t search_query_keys(const char *query, char groups[][2][32], size_t max, char year[8]);
int search_score_names(const char *query, const char *const names[5], const char *dob, char *why, size_t why_size,
		       const char **via, int *dob_rank);

/* "case", "document", "name", "person": the JSON value; marked N_(), shown through _(). */
const char *cd_match_name(enum cd_match m);

#endif
