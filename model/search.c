/* search.c - case number, document number and name search, and the name keys; see search.h. */
#include "search.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "person.h"
#include "store_internal.h"
#include "translit.h"

/* Candidates each pass may bring (a LIMIT on its MATCH): scoring them in C stays cheap. */
#define PASS_TRIGRAM 200
#define PASS_KEYS 200
#define PASS_TYPOS 300
#define PASS_MAX 300           /* the largest of the three */
#define QUERY_WORDS 8
#define PERSON_WORDS 48

const char *cd_match_name(enum cd_match m)
{
	switch (m) {
	case CD_MATCH_CASE: return "case";
	case CD_MATCH_DOCUMENT: return "document";
	case CD_MATCH_NAME: return "name";
	}
	return "?";
}

const char *search_level_name(enum cd_name_level l)
{
	switch (l) {
	case CD_NAME_EXACT: return "exact ICAO";
	case CD_NAME_WRITTEN: return "exact as written";
	case CD_NAME_VARIANT: return "variant";
	case CD_NAME_PREFIX: return "prefix";
	case CD_NAME_TYPO1: return "1 typo";
	case CD_NAME_TYPO2: return "2 typos";
	case CD_NAME_PART: return "part";
	case CD_NAME_NONE: break;
	}
	return "none";
}

/* ---- name words and their levels -------------------------------------------------- */

/* Splits s at spaces and hyphens into at most max words of at most `wsize` bytes. */
static size_t split_words(const char *s, char (*words)[128], size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		s += strspn(s, " -\t,");
		size_t len = strcspn(s, " -\t,");
		if (len == 0)
			break;
		snprintf(words[n++], 128, "%.*s", (int)(len < 127 ? len : 127), s);
		s += len;
	}
	return n;
}

size_t search_name_words(const char *name, const char *latin, const char *lang_hint, int role,
			 struct cd_name_word *out, size_t max)
{
	char icao[512], folded[1024];
	char iw[16][128], ow[16][128];
	size_t ni, no, n;

	if (!name)
		name = "";
	if (latin)
		snprintf(icao, sizeof icao, "%s", latin);
	else if (translit_icao(name, lang_hint, icao, sizeof icao) < 0 && !icao[0])
		return 0;
	translit_fold(name, folded, sizeof folded);
	ni = split_words(icao, iw, 16);
	no = split_words(folded, ow, 16);
	n = ni < max ? ni : max;
	for (size_t i = 0; i < n; i++) {
		struct cd_name_word *w = &out[i];
		snprintf(w->icao, sizeof w->icao, "%s", iw[i]);
		translit_skeleton(w->icao, w->key, sizeof w->key);
		/* The written form pairs with its ICAO word only when both split alike. */
		snprintf(w->orig, sizeof w->orig, "%s", ni == no ? ow[i] : "");
		w->role = role;
	}
	return n;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

enum cd_name_level search_name_level(const struct cd_name_word *q, const struct cd_name_word *w)
{
	size_t lq = strlen(q->icao), lo = strlen(q->orig);
	int written = lo > 0 && !is_ascii(q->orig);

	if (lq && strcmp(q->icao, w->icao) == 0)
		return CD_NAME_EXACT;
	if (written && strcmp(q->orig, w->orig) == 0)
		return CD_NAME_WRITTEN;
	if (q->key[0] && strcmp(q->key, w->key) == 0)
		return CD_NAME_VARIANT;
	if ((lq >= 3 && strncmp(w->icao, q->icao, lq) == 0) ||
	    (written && lo >= 6 && strncmp(w->orig, q->orig, lo) == 0))
		return CD_NAME_PREFIX;
	if (lq >= 4) {
		int d = translit_distance(q->icao, w->icao, 2);
		if (d == 1)
			return CD_NAME_TYPO1;
		if (strlen(q->key) >= 4 && translit_distance(q->key, w->key, 1) == 1)
			return CD_NAME_TYPO1;
		if (d == 2 && lq >= 6)
			return CD_NAME_TYPO2;
	}
	if ((lq >= 3 && strstr(w->icao, q->icao)) || (written && lo >= 6 && strstr(w->orig, q->orig)))
		return CD_NAME_PART;
	return CD_NAME_NONE;
}

/* ---- cd_name_keys(): the person_key row, computed in C ---------------------------- */

/* Appends the skeleton keys of every word of `name` to b, each once. */
static void add_keys(struct cd_buf *b, const char *name, const char *hint)
{
	struct cd_name_word w[16];
	size_t n = search_name_words(name, NULL, hint, 0, w, 16);
	for (size_t i = 0; i < n; i++) {
		if (!w[i].key[0])
			continue;
		/* Tokens are whole words of the key text: " KEY " once is enough. */
		char probe[40];
		snprintf(probe, sizeof probe, " %s ", w[i].key);
		if (strstr(buf_str(b), probe))
			continue;
		buf_puts(b, w[i].key);
		buf_puts(b, " ");
	}
}

/* cd_name_keys(nationality, dob, name, ...): "KEY KEY ... y1987 m198704". */
static void sql_name_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cd_buf b = CD_BUF_INIT;
	const char *nat = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
	const char *dob = argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL;

	if (translit_load(NULL)) {
		sqlite3_result_error(ctx, _("the transliteration tables (data/translit) cannot be read"), -1);
		return;
	}
	buf_puts(&b, " ");
	for (int i = 2; i < argc; i++) {
		const char *text = (const char *)sqlite3_value_text(argv[i]);
		if (text)
			add_keys(&b, text, nat);
	}
	if (dob && strlen(dob) >= 4) {
		buf_printf(&b, "y%.4s", dob);
		if (strlen(dob) >= 7)
			buf_printf(&b, " m%.4s%.2s", dob, dob + 5);
	}
	if (b.failed)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, buf_str(&b) + 1, -1, SQLITE_TRANSIENT);
	buf_release(&b);
}

int search_register_sql(sqlite3 *db)
{
	return sqlite3_create_function(db, "cd_name_keys", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       sql_name_keys, NULL, NULL);
}

/* ---- hits ------------------------------------------------------------------------- */

static int grow(struct cd_search_hit **hits, size_t n, size_t *cap, struct cd_error *err)
{
	if (n < *cap)
		return CD_OK;
	size_t ncap = *cap ? *cap * 2 : 16;
	struct cd_search_hit *g = realloc(*hits, ncap * sizeof *g);
	if (!g)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	*hits = g;
	*cap = ncap;
	return CD_OK;
}

/* Fills a hit from columns 0-6: number, surname, given, surname_latin, given_latin, dob, nationality. */
static void fill_hit(struct cd_search_hit *h, sqlite3_stmt *st)
{
	memset(h, 0, sizeof *h);
	snprintf(h->number, sizeof h->number, "%s", (const char *)sqlite3_column_text(st, 0));
	h->surname = st_dup_column(st, 1);
	h->given = st_dup_column(st, 2);
	h->surname_latin = st_dup_column(st, 3);
	h->given_latin = st_dup_column(st, 4);
	snprintf(h->dob, sizeof h->dob, "%s", (const char *)sqlite3_column_text(st, 5));
	snprintf(h->nationality, sizeof h->nationality, "%s", (const char *)sqlite3_column_text(st, 6));
}

static int collect(sqlite3_stmt *st, enum cd_match match, const char *why, int detail_col,
		   struct cd_search_hit **hits, size_t *n, size_t *cap, int limit, struct cd_error *err)
{
	int rc;
	while ((int)*n < limit && sqlite3_step(st) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		int dup = 0;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*hits)[i].number, number) == 0)
				dup = 1;
		if (dup)
			continue;
		if ((rc = grow(hits, *n, cap, err)))
			return rc;
		struct cd_search_hit *h = &(*hits)[(*n)++];
		fill_hit(h, st);
		h->match = match;
		h->score = 100;
		snprintf(h->why, sizeof h->why, "%s", why);
		if (detail_col >= 0 && sqlite3_column_text(st, detail_col))
			snprintf(h->detail, sizeof h->detail, "%s", (const char *)sqlite3_column_text(st, detail_col));
	}
	return CD_OK;
}

/* ---- the query -------------------------------------------------------------------- */

struct query {
	char dob[11];                        /* a (partial) date typed in the query, or "" */
	struct cd_buf raw;                   /* the name tokens as typed, for the trigram pass */
	struct cd_buf latin;                 /* their ICAO forms */
	struct cd_name_word w[QUERY_WORDS];
	size_t n;
};

static int is_date_token(const char *t, size_t len)
{
	static const char shape[] = "dddd-dd-dd";
	if (len != 4 && len != 7 && len != 10)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != '-')
			return 0;
	return 1;
}

static void parse_query(const char *text, struct query *q)
{
	const char *p = text;
	while (*p) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,");
		if (!len)
			break;
		if (is_date_token(p, len)) {
			if (!q->dob[0])
				snprintf(q->dob, sizeof q->dob, "%.*s", (int)len, p);
		} else if (strcspn(p, "0123456789") < len) {
			/* A word with digits is a number (a document not on file), never a name. */
		} else if (len < 200) {
			char tok[200];
			snprintf(tok, sizeof tok, "%.*s", (int)len, p);
			buf_puts(&q->raw, tok);
			buf_puts(&q->raw, " ");
			size_t k = search_name_words(tok, NULL, NULL, -1, q->w + q->n, QUERY_WORDS - q->n);
			for (size_t i = 0; i < k; i++) {
				buf_puts(&q->latin, q->w[q->n + i].icao);
				buf_puts(&q->latin, " ");
			}
			q->n += k;
		}
		p += len;
	}
}

/* An FTS5 trigram query: every term of 3+ characters as a quoted phrase, all required. */
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

/* The skeleton-key query: every word's key, and the year of birth when one was typed. */
static int keys_query(const struct query *q, struct cd_buf *b)
{
	int terms = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (!q->w[i].key[0])
			continue;
		buf_printf(b, "%s\"%s\"", terms++ ? " AND " : "", q->w[i].key);
	}
	if (terms && q->dob[0])
		buf_printf(b, " AND y%.4s", q->dob);
	return terms;
}

/*
 * The typo query: a word with one edit keeps one of its halves intact (two edits: one of
 * its thirds), so each word of 4+ letters asks for any of its parts; words AND together.
 */
static int typo_query(const struct query *q, struct cd_buf *b)
{
	int terms = 0;
	for (size_t i = 0; i < q->n; i++) {
		const char *w = q->w[i].icao;
		int len = (int)strlen(w), parts = len >= 9 ? 3 : 2;
		if (len < 4)
			continue;
		buf_puts(b, terms++ ? " AND (" : "(");
		for (int k = 0; k < parts; k++) {
			int size = len / parts < 3 ? 3 : len / parts;
			int start = k == parts - 1 ? len - size : k * (len / parts);
			if (k == parts - 1 && len - start < 3)
				start = len - 3;
			buf_printf(b, "%s\"%.*s\"", k ? " OR " : "", k == parts - 1 ? len - start : size, w + start);
		}
		buf_puts(b, ")");
	}
	return terms;
}

/* ---- candidates and their scores -------------------------------------------------- */

/* A set of person ids already scored (open addressing; ids are > 0). */
struct idset {
	int64_t slot[4096];
	size_t n;
};

static int idset_add(struct idset *set, int64_t id)
{
	size_t mask = sizeof set->slot / sizeof set->slot[0] - 1, i = (size_t)((uint64_t)id * 2654435761u) & mask;
	if (set->n * 2 >= mask)
		return 0;
	while (set->slot[i]) {
		if (set->slot[i] == id)
			return 0;
		i = (i + 1) & mask;
	}
	set->slot[i] = id;
	set->n++;
	return 1;
}

size_t search_person_words(struct cd_store *s, int64_t id, const char *const names[5], struct cd_name_word *w,
			   size_t max, struct cd_error *err)
{
	const char *nat = names[4];
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	n += search_name_words(names[0], names[2], nat, 0, w + n, max - n);
	n += search_name_words(names[1], names[3], nat, 1, w + n, max - n);
	if (st_prepare(s, "SELECT surname, given, surname_latin, given_latin FROM alias WHERE person_id = ?1",
		       &st, err))
		return n;
	sqlite3_bind_int64(st, 1, id);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		for (int role = 0; role < 2; role++) {
			const char *orig = (const char *)sqlite3_column_text(st, role);
			const char *latin = (const char *)sqlite3_column_text(st, 2 + role);
			n += search_name_words(orig, latin, nat, role, w + n, max - n);
			/* Without a stored Latin form: also as its script's default reads it. */
			if (!latin)
				n += search_name_words(orig, NULL, NULL, role, w + n, max - n);
		}
	}
	st_finish(s, st);
	return n;
}

/*
 * Scores one candidate against the query: each typed word's best level over the stored
 * words, averaged; all must match.  Returns 0 to drop the candidate.
 */
static int score_person(const struct query *q, const struct cd_name_word *w, size_t nw, const char *dob,
			char *why, size_t why_size, int *dob_rank)
{
	int total = 0, worst = CD_NAME_EXACT, swapped = 0, first_role = 0;
	const char *dob_why = NULL;

	for (size_t i = 0; i < q->n; i++) {
		int best = 0, role = 0;
		for (size_t k = 0; k < nw; k++) {
			int l = (int)search_name_level(&q->w[i], &w[k]);
			/* Ties: the first typed word prefers a surname, the others given names. */
			if (l > best || (l == best && l && w[k].role == (i == 0 ? 0 : 1))) {
				best = l;
				role = w[k].role;
			}
		}
		if (!best)
			return 0;
		if (i == 0)
			first_role = role;
		else if (first_role == 1 && role == 0)
			swapped = 1;
		total += best;
		if (best < worst)
			worst = best;
	}
	*dob_rank = 0;
	if (q->dob[0]) {
		size_t lq = strlen(q->dob), ls = strlen(dob), k = lq < ls ? lq : ls;
		if (strncmp(q->dob, dob, k) != 0)
			return 0;     /* a date typed in the query filters */
		dob_why = k >= 10 ? "exact" : k >= 7 ? "month" : "year";
		*dob_rank = (int)k;
	}
	int score = total / (int)q->n - (swapped ? 3 : 0);
	snprintf(why, why_size, "name: %s%s%s%s", search_level_name((enum cd_name_level)worst),
		 swapped ? ", swapped" : "", dob_why ? "; dob: " : "", dob_why ? dob_why : "");
	return score < 1 ? 1 : score;
}

static int by_score(const void *a, const void *b)
{
	const struct cd_search_hit *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	/* detail holds the dob rank for name hits while sorting */
	if (x->detail[0] != y->detail[0])
		return y->detail[0] - x->detail[0];
	return strcmp(x->number, y->number);
}

/* Runs one candidate MATCH (?1, with ?2 the LIMIT) and scores every new candidate. */
static int run_pass(struct cd_store *s, const char *sql, const char *match, int cap_rows, const struct query *q,
		    struct idset *seen, struct cd_search_hit **hits, size_t *n, size_t *cap, struct cd_error *err)
{
	static const char person_sql[] = "SELECT number, surname, given, surname_latin, given_latin, dob,"
					  " nationality FROM person WHERE id = ?1";
	sqlite3_stmt *st = NULL, *pst = NULL;
	int64_t ids[PASS_MAX];
	size_t nid = 0;
	int rc;

	/* Ids first, then the rows: one statement at a time keeps the cache simple. */
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (q->dob[0])
		sqlite3_bind_text(st, 3, q->dob, 4, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, cap_rows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && nid < PASS_MAX)
		ids[nid++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = st_fail(s, _("searching names"), err);
		st_finish(s, st);
		return rc;
	}
	st_finish(s, st);
	rc = CD_OK;

	for (size_t i = 0; i < nid && rc == CD_OK; i++) {
		struct cd_name_word w[PERSON_WORDS];
		char why[64];
		int dob_rank, score;
		if (!idset_add(seen, ids[i]))
			continue;
		if ((rc = st_prepare(s, person_sql, &pst, err)))
			break;
		sqlite3_bind_int64(pst, 1, ids[i]);
		if (sqlite3_step(pst) == SQLITE_ROW) {
			const char *names[5];
			for (int k = 0; k < 4; k++)
				names[k] = (const char *)sqlite3_column_text(pst, 1 + k);
			names[4] = (const char *)sqlite3_column_text(pst, 6);
			size_t nw = search_person_words(s, ids[i], names, w, PERSON_WORDS, err);
			score = score_person(q, w, nw, (const char *)sqlite3_column_text(pst, 5), why, sizeof why,
					     &dob_rank);
			if (score > 0 && (rc = grow(hits, *n, cap, err)) == CD_OK) {
				struct cd_search_hit *h = &(*hits)[(*n)++];
				fill_hit(h, pst);
				h->match = CD_MATCH_NAME;
				h->score = score;
				h->detail[0] = (char)dob_rank;
				snprintf(h->why, sizeof h->why, "%s", why);
			}
		}
		st_finish(s, pst);
		pst = NULL;
	}
	return rc;
}

static int name_search(struct cd_store *s, const char *text, struct cd_search_hit **hits, size_t *n,
		       size_t *cap, struct cd_error *err)
{
	/* ?3 (a year) narrows the trigram passes when a date was typed. */
	static const char trigram_sql[] = "SELECT f.rowid FROM person_fts f WHERE person_fts MATCH ?1 LIMIT ?2";
	static const char trigram_dob_sql[] = "SELECT f.rowid FROM person_fts f JOIN person p ON p.id = f.rowid"
					      " WHERE person_fts MATCH ?1 AND substr(p.dob, 1, 4) = ?3 LIMIT ?2";
	static const char keys_sql[] = "SELECT rowid FROM person_key WHERE person_key MATCH ?1 LIMIT ?2";
	struct query q = { .raw = CD_BUF_INIT, .latin = CD_BUF_INIT };
	struct cd_buf m = CD_BUF_INIT;
	struct idset *seen = calloc(1, sizeof *seen);
	const char *tri = NULL;
	int rc = CD_OK;

	if (!seen)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = translit_load(err)))
		goto out;
	parse_query(text, &q);
	if (q.n == 0)
		goto out;
	tri = q.dob[0] ? trigram_dob_sql : trigram_sql;

	/* 1. As typed (any script, any part of a word) through the trigram index. */
	if (fts_query(buf_str(&q.raw), &m) > 0 && !m.failed &&
	    (rc = run_pass(s, tri, buf_str(&m), PASS_TRIGRAM, &q, seen, hits, n, cap, err)))
		goto out;
	/* ... and its ICAO form, for a query in another script than the stored Latin forms. */
	buf_reset(&m);
	if (!is_ascii(buf_str(&q.raw)) && fts_query(buf_str(&q.latin), &m) > 0 && !m.failed &&
	    (rc = run_pass(s, tri, buf_str(&m), PASS_TRIGRAM, &q, seen, hits, n, cap, err)))
		goto out;
	/* 2. Spelling variants: the same skeleton keys. */
	buf_reset(&m);
	if (keys_query(&q, &m) > 0 && !m.failed &&
	    (rc = run_pass(s, keys_sql, buf_str(&m), PASS_KEYS, &q, seen, hits, n, cap, err)))
		goto out;
	/* 3. Typos, only when the stricter passes found nothing as good as a prefix: a word
	 * still being typed (search as you type) must narrow the list, not widen it. */
	buf_reset(&m);
	int good = 0;
	for (size_t i = 0; i < *n; i++)
		good += (*hits)[i].score >= CD_NAME_PREFIX;
	if (!good && typo_query(&q, &m) > 0 && !m.failed &&
	    (rc = run_pass(s, tri, buf_str(&m), PASS_TYPOS, &q, seen, hits, n, cap, err)))
		goto out;
out:
	buf_release(&m);
	buf_release(&q.raw);
	buf_release(&q.latin);
	free(seen);
	return rc;
}

int search_people(struct cd_store *s, const char *query, int limit, struct cd_search_hit **out,
		  size_t *n, struct cd_error *err)
{
	static const char person_cols[] =
		"p.number, p.surname, p.given, p.surname_latin, p.given_latin, p.dob, p.nationality";
	struct cd_search_hit *hits = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	char norm[64];
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
	if ((rc = collect(st, CD_MATCH_CASE, "case", 7, &hits, &count, &cap, limit, err)))
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
		if ((rc = collect(st, CD_MATCH_DOCUMENT, "document", 7, &hits, &count, &cap, limit, err)))
			goto out;
		st_finish(s, st);
		st = NULL;
	}

	/* Names, scored.  A query that found its case or document is a number, not a name. */
	if (count == 0) {
		if ((rc = name_search(s, query, &hits, &count, &cap, err)))
			goto out;
		if (count)
			qsort(hits, count, sizeof *hits, by_score);
		for (size_t i = 0; i < count; i++)
			hits[i].detail[0] = '\0';
		while (count > (size_t)limit) {
			count--;
			free(hits[count].surname);
			free(hits[count].given);
			free(hits[count].surname_latin);
			free(hits[count].given_latin);
		}
	}
	*out = hits;
	*n = count;
	hits = NULL;
	count = 0;
out:
	st_finish(s, st);
	if (own_read)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
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
