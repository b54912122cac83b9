/* search.c - case number, document number and name search; see search.h. */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "person.h"
#include "store_internal.h"

const char *cd_match_name(enum cd_match m)
{
	switch (m) {
	case CD_MATCH_CASE: return "case";
	case CD_MATCH_DOCUMENT: return "document";
	case CD_MATCH_NAME: return "name";
	}
	return "?";
}

static const char person_cols[] =
	"p.number, p.surname, p.given, p.surname_latin, p.given_latin, p.dob, p.nationality";

static int collect(sqlite3_stmt *st, enum cd_match match, int detail_col, struct cd_search_hit **hits,
		   size_t *n, size_t *cap, int limit, struct cd_error *err)
{
	while ((int)*n < limit && sqlite3_step(st) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		int dup = 0;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*hits)[i].number, number) == 0)
				dup = 1;
		if (dup)
			continue;
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct cd_search_hit *g = realloc(*hits, ncap * sizeof *g);
			if (!g)
				return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			*hits = g;
			*cap = ncap;
		}
		struct cd_search_hit *h = &(*hits)[(*n)++];
		memset(h, 0, sizeof *h);
		snprintf(h->number, sizeof h->number, "%s", number);
		h->surname = st_dup_column(st, 1);
		h->given = st_dup_column(st, 2);
		h->surname_latin = st_dup_column(st, 3);
		h->given_latin = st_dup_column(st, 4);
		snprintf(h->dob, sizeof h->dob, "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(h->nationality, sizeof h->nationality, "%s", (const char *)sqlite3_column_text(st, 6));
		h->match = match;
		if (detail_col >= 0 && sqlite3_column_text(st, detail_col))
			snprintf(h->detail, sizeof h->detail, "%s", (const char *)sqlite3_column_text(st, detail_col));
	}
	return CD_OK;
}

/* Builds an FTS5 query: every term of 3+ characters as a quoted phrase, all required. */
static int fts_query(const char *query, struct cd_buf *q)
{
	const char *p = query;
	int terms = 0;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *start = p;
		size_t chars = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != ',') {
			if (((unsigned char)*p & 0xc0) != 0x80)
				chars++;
			p++;
		}
		if (chars < 3)
			continue;   /* a trigram index cannot match fewer than three characters */
		if (terms++)
			buf_puts(q, " AND ");
		buf_puts(q, "\"");
		for (const char *c = start; c < p; c++)
			buf_add(q, c, *c == '"' ? 0 : 1);
		buf_puts(q, "\"");
	}
	return terms;
}

int search_people(struct cd_store *s, const char *query, int limit, struct cd_search_hit **out,
		  size_t *n, struct cd_error *err)
{
	struct cd_search_hit *hits = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	char norm[64];
	struct cd_buf q = CD_BUF_INIT;
	int rc, own_read = s->txn_depth == 0;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		limit = 20;
	if (!query || !*query)
		return CD_OK;
	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		return rc;

	/* A case number names one person exactly. */
	if ((rc = st_prepare(s, "SELECT p.number, p.surname, p.given, p.surname_latin, p.given_latin,"
				" p.dob, p.nationality, c.number FROM cases c JOIN person p ON p.id = c.person_id"
				" WHERE c.number = upper(?1)", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	if ((rc = collect(st, CD_MATCH_CASE, 7, &hits, &count, &cap, limit, err)))
		goto out;
	st_finish(s, st);
	st = NULL;

	/* A document number, written with or without spaces and dashes. */
	document_number_normalise(query, norm, sizeof norm);
	if (*norm) {
		char sql[512];
		snprintf(sql, sizeof sql, "SELECT %s, d.number FROM document d JOIN person p ON p.id = d.person_id"
					  " WHERE d.number = ?1", person_cols);
		if ((rc = st_prepare(s, sql, &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
		if ((rc = collect(st, CD_MATCH_DOCUMENT, 7, &hits, &count, &cap, limit, err)))
			goto out;
		st_finish(s, st);
		st = NULL;
	}

	/* Names in any script through the trigram index, best bm25 rank first.  A query that
	 * found its case or document is a number, not a name: no name pass for it. */
	if (count == 0 && fts_query(query, &q) > 0 && !q.failed) {
		char sql[512];
		snprintf(sql, sizeof sql, "SELECT %s FROM person_fts f JOIN person p ON p.id = f.rowid"
					  " WHERE person_fts MATCH ?1 ORDER BY f.rank LIMIT ?2", person_cols);
		if ((rc = st_prepare(s, sql, &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, buf_str(&q), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, limit);
		if ((rc = collect(st, CD_MATCH_NAME, -1, &hits, &count, &cap, limit, err)))
			goto out;
	}
	*out = hits;
	*n = count;
	hits = NULL;
	count = 0;
out:
	st_finish(s, st);
	if (own_read)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	buf_release(&q);
	search_hits_free(hits, count);
	return rc;
}

void search_hits_free(struct cd_search_hit *hits, size_t n)
{
	if (!hits)
		return;
	for (size_t i = 0; i < n; i++) {
		free(hits[i].surname);
		free(hits[i].given);
		free(hits[i].surname_latin);
		free(hits[i].given_latin);
	}
	free(hits);
}
