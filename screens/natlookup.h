/*
 * natlookup.h - what the screens may ask of the national tier (issue 15, deliverable 8),
 * without knowing it: the search screen's national search (^N) and the person screen's cases
 * at other offices (N).  Screens never speak SQL or libpq: app/ fills ui_national with
 * functions that connect (with a connect timeout), read, audit and answer in these plain
 * structs; NULL (no national tier built in, or none set) and the keys say so.
 */
#ifndef CD_NATLOOKUP_H
#define CD_NATLOOKUP_H

#include <stddef.h>

#include "model/base/error.h"

struct ui;

/* One person of a national search: as a search hit, with the office that registered them. */
struct ui_nat_hit {
	char number[32], office[16], dob[11], nationality[4];
	char *surname, *given, *surname_latin, *given_latin;
	int score;
	int local;          /* this store holds the person (sync pulled them): the person screen opens */
	char why[256];
	const char *via;    /* N_(), shown through _() */
};

struct ui_national {
	/* Up to `limit` persons for the query, ranked as the local search ranks; audited. */
	int (*search)(struct ui *ui, const char *query, int limit, struct ui_nat_hit **out, size_t *n,
		      struct cd_error *err);
	/*
	 * `number`'s cases at other offices as lines for people ("AS-BTM-2026-000004 (asylum,
	 * lodged)"), or, with `record`, the national record of a person this store does not hold
	 * and their cases; malloc'd, audited.
	 */
	int (*cases)(struct ui *ui, const char *number, int record, char **text, struct cd_error *err);
};

/* Set by app/ before ui_run (app/cmd_tui.c); defined in screens/search.c. */
extern const struct ui_national *ui_national;

void ui_nat_hits_free(struct ui_nat_hit *h, size_t n);

#endif
