/*
 * national_search.c - the national tier's reads for a national search and the person
 * screen (national_search.h).  It owns which persons a national name search considers
 * (the candidates) and how a person's cases at every office are read; the ranking is not
 * here but in the local search's scoring, which app/ runs over these rows.
 */
#include "model/national/national_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/national/national_internal.h"

#define PERSON_COLS \
	"p.uuid::text, p.number, p.surname, p.given, p.surname_latin, p.given_latin, p.dob, p.nationality, p.origin_office"
#define PERSON_NCOLS 9

void national_person_release(struct cd_nat_person *p)
{
	free(p->uuid);
	free(p->number);
	free(p->surname);
	free(p->given);
	free(p->surname_latin);
	free(p->given_latin);
	free(p->dob);
	free(p->nationality);
	free(p->origin_office);
	memset(p, 0, sizeof *p);
}

void national_persons_free(struct cd_nat_person *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		national_person_release(&p[i]);
	free(p);
}

static int fill_person(PGresult *r, int row, struct cd_nat_person *p)
{
	char **cols[PERSON_NCOLS] = { &p->uuid, &p->number, &p->surname, &p->given, &p->surname_latin,
				      &p->given_latin, &p->dob, &p->nationality, &p->origin_office };
	for (int k = 0; k < PERSON_NCOLS; k++)
		if (!(*cols[k] = strdup(PQgetisnull(r, row, k) ? "" : PQgetvalue(r, row, k))))
			return -1;
	return 0;
}

/* The reads of a connection with no reader named are refused: the tier records each. */
static int reader_named(struct cd_national *n, struct cd_error *err)
{
	if (!n->reader_origin[0] || !n->reader_user[0])
		return cd_error_set(err, CD_EINTERNAL,
				    _("national tier (%s): a read of persons names no reader (store, user, purpose)"),
				    n->where);
	return CD_OK;
}

/* The data-modifying part of a read's statement: the persons of CTE `hits` (column uuid)
 * recorded in `reads` as read by the connection's reader; its parameters start at $first. */
static void log_reads(struct cd_buf *sql, const char *kind, size_t first)
{
	buf_printf(sql,
		   ", logged AS (INSERT INTO reads (origin, office, user_name, purpose, kind, persons)"
		   " SELECT $%zu::uuid, $%zu, $%zu, $%zu, '%s', coalesce(array_agg(DISTINCT h.uuid::uuid), '{}') FROM hits h)",
		   first, first + 1, first + 2, first + 3, kind);
}

static void reader_params(struct cd_national *n, const char **params, size_t *np)
{
	params[(*np)++] = n->reader_origin;
	params[(*np)++] = n->reader_office;
	params[(*np)++] = n->reader_user;
	params[(*np)++] = n->reader_purpose;
}

/*
 * Runs a read: `sql` holds a WITH list ending in CTE `hits` (the persons read); the record
 * of the read is added, then `tail` (the statement's own SELECT).  *r receives the result
 * (PQclear it, even on failure); the reader's parameters follow the caller's np.
 */
static int exec_logged(struct cd_national *n, struct cd_buf *sql, const char *kind, const char *tail,
		       const char **params, size_t np, const char *what, PGresult **r, struct cd_error *err)
{
	*r = NULL;
	log_reads(sql, kind, np + 1);
	reader_params(n, params, &np);
	buf_puts(sql, tail);
	if (sql->failed)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	*r = PQexecParams(n->conn, buf_str(sql), (int)np, NULL, params, NULL, NULL, 0);
	return nat_check(n, *r, what, err);
}

/* A text[] literal of one or two keys: {"KEY","KEY2"}. */
static void array_literal(struct cd_buf *b, const char *const *keys, size_t n)
{
	buf_puts(b, "{");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, i ? ",\"" : "\"");
		for (const char *c = keys[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				buf_puts(b, "\\");
			buf_add(b, c, 1);
		}
		buf_puts(b, "\"");
	}
	buf_puts(b, "}");
}

int national_search_candidates(struct cd_national *n, const char *text, const char (*key_groups)[2][32],
			       size_t n_groups, const char *year, int want, struct cd_nat_person **out, size_t *n_out,
			       struct cd_error *err)
{
	/* Parameters: $1 the text for the trigram pass, $2 a pass's limit, $3 want, $4... the key groups. */
	enum { MAX_GROUPS = 8 };
	struct cd_buf sql = CD_BUF_INIT, lit[MAX_GROUPS + 1];
	const char *params[MAX_GROUPS + 8];
	char limit_s[16], want_s[16];
	PGresult *r = NULL;
	size_t np = 0, ng = n_groups < MAX_GROUPS ? n_groups : MAX_GROUPS;
	int rc = CD_OK;

	*out = NULL;
	*n_out = 0;
	for (size_t i = 0; i <= MAX_GROUPS; i++)
		buf_init(&lit[i], 4096);
	if ((rc = reader_named(n, err)))
		goto out;
	snprintf(limit_s, sizeof limit_s, "%d", NATIONAL_SEARCH_PASS);
	snprintf(want_s, sizeof want_s, "%d", want);
	params[np++] = text;
	params[np++] = limit_s;
	params[np++] = want_s;
	if (ng) {
		/* Every typed word by one of its keys: a GIN lookup per word, intersected. */
		buf_puts(&sql, "WITH k AS MATERIALIZED (SELECT " PERSON_COLS " FROM persons p WHERE p.merged_into IS NULL");
		for (size_t i = 0; i < ng; i++) {
			const char *keys[2] = { key_groups[i][0], key_groups[i][1] };
			array_literal(&lit[i], keys, keys[1][0] ? 2 : 1);
			params[np] = buf_str(&lit[i]);
			buf_printf(&sql, " AND p.name_keys && $%zu::text[]", ++np);
		}
		if (year && *year) {
			const char *keys[1] = { year };
			array_literal(&lit[MAX_GROUPS], keys, 1);
			params[np] = buf_str(&lit[MAX_GROUPS]);
			buf_printf(&sql, " AND p.name_keys @> $%zu::text[]", ++np);
		}
		buf_puts(&sql, " LIMIT $2::int), ");
	} else {
		buf_puts(&sql, "WITH ");
	}
	/* The words as typed, by trigram word similarity: typos the keys do not forgive.  Only
	 * when the keys brought fewer than `want` (a one-time filter: the scan is not run
	 * otherwise): `want` hits at the keys' level (a variant or better) rank above any that
	 * needs a typo forgiven, as the local search's count_at_least reasons. */
	buf_puts(&sql, "t AS (SELECT " PERSON_COLS " FROM persons p WHERE p.merged_into IS NULL AND $1 <% p.names");
	if (ng)
		buf_puts(&sql, " AND (SELECT count(*) FROM k) < $3::int");
	else
		buf_puts(&sql, " AND $3::int > 0");
	buf_puts(&sql, " ORDER BY $1 <<-> p.names LIMIT $2::int),");
	buf_puts(&sql, ng ? " hits AS (SELECT * FROM k UNION SELECT * FROM t)" : " hits AS (SELECT * FROM t)");
	/* What leaves the tier is recorded there, in the same statement: every candidate. */
	if ((rc = exec_logged(n, &sql, "search", " SELECT * FROM hits", params, np, _("searching the national persons"), &r,
			      err)))
		goto out;
	int rows = PQntuples(r);
	if (rows > 0 && !(*out = calloc((size_t)rows, sizeof **out))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < rows; i++) {
		(*n_out)++;
		if (fill_person(r, i, &(*out)[i])) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
out:
	PQclear(r);
	buf_release(&sql);
	for (size_t i = 0; i <= MAX_GROUPS; i++)
		buf_release(&lit[i]);
	if (rc) {
		national_persons_free(*out, *n_out);
		*out = NULL;
		*n_out = 0;
	}
	return rc;
}

int national_person_get(struct cd_national *n, const char *ref, struct cd_nat_person *out, struct cd_error *err)
{
	const char *params[5] = { ref };
	size_t np = 1;
	struct cd_buf sql = CD_BUF_INIT;
	PGresult *r = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = reader_named(n, err)))
		goto out;
	buf_puts(&sql, "WITH hits AS (SELECT " PERSON_COLS " FROM persons p WHERE p.number = upper($1) OR p.uuid::text = lower($1))");
	if ((rc = exec_logged(n, &sql, "record", " SELECT * FROM hits", params, np, _("reading a national person"), &r, err)))
		goto out;
	if (PQntuples(r) < 1) {
		rc = cd_error_set(err, CD_ENOTFOUND, _("the national tier (%s) holds no person with that number"), n->where);
		goto out;
	}
	if (fill_person(r, 0, out))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
out:
	PQclear(r);
	buf_release(&sql);
	if (rc)
		national_person_release(out);
	return rc;
}

void national_cases_free(struct cd_nat_case *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].number);
		free(c[i].office);
		free(c[i].workflow);
		free(c[i].state);
	}
	free(c);
}

int national_person_cases(struct cd_national *n, const char *person_uuid, struct cd_nat_case **out, size_t *n_out,
			  struct cd_error *err)
{
	const char *params[5] = { person_uuid };
	size_t np = 1;
	struct cd_buf sql = CD_BUF_INIT;
	PGresult *r = NULL;
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = reader_named(n, err)))
		goto out;
	/* The person whose cases are read is the read's person (recorded even with no case). */
	buf_puts(&sql, "WITH hits AS (SELECT p.uuid FROM persons p WHERE p.uuid::text = lower($1))");
	if ((rc = exec_logged(n, &sql, "cases",
			      " SELECT number, office, workflow, state FROM cases WHERE person_uuid::text = lower($1)"
			      " ORDER BY number",
			      params, np, _("reading a person's national cases"), &r, err)))
		goto out;
	int rows = PQntuples(r);
	if (rows > 0 && !(*out = calloc((size_t)rows, sizeof **out))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < rows; i++) {
		struct cd_nat_case *c = &(*out)[i];
		(*n_out)++;
		char **cols[4] = { &c->number, &c->office, &c->workflow, &c->state };
		for (int k = 0; k < 4; k++)
			if (!(*cols[k] = strdup(PQgetvalue(r, i, k)))) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
	}
out:
	PQclear(r);
	buf_release(&sql);
	if (rc) {
		national_cases_free(*out, *n_out);
		*out = NULL;
		*n_out = 0;
	}
	return rc;
}
