/*
 * dupes.c - likely duplicates at registration; see dupes.h.
 *
 * Candidates come from bounded lookups through the skeleton keys (person_key), the precise
 * ones first, because at a million people a common name fills any loose lookup's rows with
 * other people: the same document number; the same ICAO names in either order (the
 * person_latin index: Arabic names' keys collapse, SHAMI and SHAIMAA are both SM); both
 * names by their keys, within a year of the date of birth,
 * then whatever it says; one name with a typo (its key one letter dropped, swapped, or for
 * the surname changed away) with the other name as typed, born in the same month (else
 * within a year); either name born in the same month; and, only for names rare enough that
 * these found few people, either name alone within a year.  (The halves of the surname
 * through the trigram index found nothing the typo keys miss among the seeded duplicates
 * and took a third of the time at a million people.)  Every candidate is scored in C with
 * the name levels search uses.  Fingerprint duplicates are not scored: they are what an
 * enrolment's 1:N search found (biometric.c), read back from the events it wrote.
 */
#include "model/store/dupes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/number.h"
#include "model/base/i18n.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/identity/docnum.h"
#include "model/identity/namescore.h"
#include "model/identity/translit.h"

#define CAND_MAX 600
#define PRECISE_ROWS 100               /* rows read by the lookup of both names within a year */
#define NEAR_ROWS 50                   /* by each of the other precise lookups */
#define BROAD_ROWS 60                  /* by each broad lookup ... */
#define BROAD_BELOW 40                 /* ... run only when the precise ones found fewer people */
#define WORDS 16
#define STORED_WORDS 48

struct cand {
	int64_t id;
	int doc;                       /* same document number */
};

static void add_cand(struct cand *c, size_t *n, int64_t id, int doc)
{
	for (size_t i = 0; i < *n; i++)
		if (c[i].id == id) {
			c[i].doc |= doc;
			return;
		}
	if (*n < CAND_MAX)
		c[(*n)++] = (struct cand){ id, doc };
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- the name-key index in memory (dupes_cache_begin, dupes.h) ---------------------------
 *
 * Why: a pull applies thousands of persons, each checked with eight or so FTS5 queries; a
 * query's parse and cursors cost more than its answer.  The copy holds, per key (a token as
 * the ascii tokenizer reads person_key: runs of letters and digits, ASCII folded to lower
 * case), the rows holding it, and per row its keys.  A lookup is "G1 AND G2 ...", each group
 * one key or "(K1 OR K2 ...)"; its rows are those of the group with the fewest, kept when
 * every group has a key in the row, in rowid order up to the LIMIT: what FTS5 returns.
 * A match of another shape is left to FTS5.  A row changed is read again (note); its old
 * entries in the per-key lists stay and are dropped by the every-group test.
 */
#define KC_INLINE 5   /* a row's keys held in its slot; more in a block of their own */

struct kc_row {
	int64_t id;                   /* 0: no row */
	int n;                        /* its keys: tin when n <= KC_INLINE, else more */
	int waiting;                  /* its index rows wait for dupes_index_flush */
	char *held;                   /* what scoring reads of the person (kc_hold), NULL not yet */
	int *more;
	int tin[KC_INLINE];
};

struct kc {
	struct cd_store *s;
	char **tok;                   /* key number -> key */
	int64_t **post;               /* key number -> rows holding it (ascending, maybe stale) */
	size_t *npost, *cpost;
	unsigned char *gmask;         /* key number -> the groups of the lookup at hand holding it */
	unsigned char *unsorted;      /* key number -> its rows are out of order (a row read again) */
	int ntok, ctok;
	int *tslot;                   /* hash of keys: key number + 1, 0 empty */
	uint32_t *tcheck;             /* per slot, the key's hash's high half: most keys looked
				       * up are typo edits nobody holds, told apart without strncmp */
	size_t tcap;
	char **memo;                  /* hash of "flags:KEY" -> its typo edits as OR terms */
	size_t mcap, nmemo;
	struct kc_row *rows;          /* by row id (person ids are dense): a lookup tests a
				       * thousand rows, each one read from memory, not a hash probed */
	uint64_t *sig;                /* by row id, one bit per key the row holds (kc_bit), 0 no
				       * keys: apart from the rows, eight bytes a row, so the rows a
				       * lookup skips cost a cache line per eight, not one each */
	size_t rcap;
	int64_t *wait;                /* persons whose index rows wait (dupes_index_defer) */
	size_t nwait, cwait;
	int failed;
};

static struct kc *kcache;

/* A key's bit in a row's signature.  Why: a lookup tests every row of its narrowest group,
 * a thousand and more at a hundred thousand people; a row missing a group's bits is not a
 * match, told without reading its keys (a row passing is still tested key by key). */
static uint64_t kc_bit(int tok)
{
	return 1ull << (((uint64_t)(unsigned)tok * 11400714819323198485ull) >> 58);
}

static uint64_t kc_hash(const char *k, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
	return h;
}

static int is_tokch(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* The number of key k (len bytes, folded already); -1 unknown (add 0) or out of memory. */
static int kc_tok(struct kc *c, const char *k, size_t len, int add)
{
	if (add && (size_t)(c->ntok + 1) * 2 > c->tcap) {
		size_t ncap = c->tcap ? c->tcap * 2 : 4096;
		int *t = calloc(ncap, sizeof *t);
		uint32_t *tc = calloc(ncap, sizeof *tc);
		if (!t || !tc) {
			free(t);
			free(tc);
			return -1;
		}
		for (int i = 0; i < c->ntok; i++) {
			uint64_t hv = kc_hash(c->tok[i], strlen(c->tok[i]));
			size_t h = hv & (ncap - 1);
			while (t[h])
				h = (h + 1) & (ncap - 1);
			t[h] = i + 1;
			tc[h] = (uint32_t)(hv >> 32);
		}
		free(c->tslot);
		free(c->tcheck);
		c->tslot = t;
		c->tcheck = tc;
		c->tcap = ncap;
	}
	if (!c->tcap)
		return -1;
	uint64_t hv = kc_hash(k, len);
	size_t h = hv & (c->tcap - 1);
	for (; c->tslot[h]; h = (h + 1) & (c->tcap - 1)) {
		if (c->tcheck[h] != (uint32_t)(hv >> 32))
			continue;
		const char *t = c->tok[c->tslot[h] - 1];
		if (strncmp(t, k, len) == 0 && t[len] == 0)
			return c->tslot[h] - 1;
	}
	if (!add)
		return -1;
	if (c->ntok == c->ctok) {
		int nc = c->ctok ? c->ctok * 2 : 1024;
		char **t = realloc(c->tok, (size_t)nc * sizeof *t);
		if (t)
			c->tok = t;
		int64_t **p = realloc(c->post, (size_t)nc * sizeof *p);
		if (p)
			c->post = p;
		size_t *np = realloc(c->npost, (size_t)nc * sizeof *np);
		if (np)
			c->npost = np;
		size_t *cp = realloc(c->cpost, (size_t)nc * sizeof *cp);
		if (cp)
			c->cpost = cp;
		unsigned char *gm = realloc(c->gmask, (size_t)nc);
		if (gm)
			c->gmask = gm;
		unsigned char *us = realloc(c->unsorted, (size_t)nc);
		if (us)
			c->unsorted = us;
		if (!t || !p || !np || !cp || !gm || !us)
			return -1;
		c->ctok = nc;
	}
	if (!(c->tok[c->ntok] = malloc(len + 1)))
		return -1;
	memcpy(c->tok[c->ntok], k, len);
	c->tok[c->ntok][len] = 0;
	c->post[c->ntok] = NULL;
	c->npost[c->ntok] = c->cpost[c->ntok] = 0;
	c->gmask[c->ntok] = c->unsorted[c->ntok] = 0;
	c->tslot[h] = c->ntok + 1;
	c->tcheck[h] = (uint32_t)(hv >> 32);
	return c->ntok++;
}

static struct kc_row *kc_row(struct kc *c, int64_t id)
{
	return id > 0 && (uint64_t)id < c->rcap && c->rows[id].id ? &c->rows[id] : NULL;
}

static const int *kc_toks(const struct kc_row *r)
{
	return r->n <= KC_INLINE ? r->tin : r->more;
}

#define KC_ROWS_MAX (1ull << 27)   /* row ids past it: no copy (FTS5 answers) */

static struct kc_row *kc_row_add(struct kc *c, int64_t id)
{
	if (id <= 0 || (uint64_t)id >= KC_ROWS_MAX)
		return NULL;
	if ((uint64_t)id >= c->rcap) {
		size_t ncap = c->rcap ? c->rcap : 4096;
		while (ncap <= (uint64_t)id)
			ncap *= 2;
		struct kc_row *t = realloc(c->rows, ncap * sizeof *t);
		if (!t)
			return NULL;
		memset(t + c->rcap, 0, (ncap - c->rcap) * sizeof *t);
		c->rows = t;
		uint64_t *g = realloc(c->sig, ncap * sizeof *g);
		if (!g)
			return NULL;   /* (rows grown, rcap not: the new slots are unused) */
		memset(g + c->rcap, 0, (ncap - c->rcap) * sizeof *g);
		c->sig = g;
		c->rcap = ncap;
	}
	c->rows[id].id = id;
	return &c->rows[id];
}

/* Row id now holds `keys` (NULL: no row); 0, or -1 out of memory. */
static int kc_set(struct kc *c, int64_t id, const char *keys)
{
	struct kc_row *r = kc_row_add(c, id);
	int tok[64], n = 0;
	char low[64];
	if (!id || !r)
		return -1;
	while (keys && *keys) {
		size_t len = 0;
		while (*keys && !is_tokch(*keys))
			keys++;
		while (is_tokch(*keys)) {
			if (len < sizeof low)
				low[len] = *keys >= 'A' && *keys <= 'Z' ? (char)(*keys - 'A' + 'a') : *keys;
			len++;
			keys++;
		}
		if (!len)
			continue;
		if (len > sizeof low || n == 64)
			return -1;   /* not a row of keys as namekeys writes them: the copy is not sure */
		int t = kc_tok(c, low, len, 1);
		if (t < 0)
			return -1;
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= tok[i] == t;
		if (dup)
			continue;
		tok[n++] = t;
		/* Rows come in ascending id while loading; a row read again may come out of order. */
		size_t np = c->npost[t];
		if (np && c->post[t][np - 1] == id)
			continue;
		if (np == c->cpost[t]) {
			size_t nc = c->cpost[t] ? c->cpost[t] * 2 : 4;
			int64_t *g = realloc(c->post[t], nc * sizeof *g);
			if (!g)
				return -1;
			c->post[t] = g;
			c->cpost[t] = nc;
		}
		if (np && c->post[t][np - 1] > id)
			c->unsorted[t] = 1;
		c->post[t][c->npost[t]++] = id;
	}
	uint64_t sig = 0;
	for (int i = 0; i < n; i++)
		sig |= kc_bit(tok[i]);
	c->sig[id] = sig;
	free(r->held);   /* noted: the person may have changed */
	r->held = NULL;
	free(r->more);
	r->more = NULL;
	r->n = 0;
	if (n > KC_INLINE && !(r->more = malloc((size_t)n * sizeof *r->more)))
		return -1;
	memcpy(n > KC_INLINE ? r->more : r->tin, tok, (size_t)n * sizeof *tok);
	r->n = n;
	return 0;
}

static void kc_free(struct kc *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ntok; i++) {
		free(c->tok[i]);
		free(c->post[i]);
	}
	for (size_t i = 0; i < c->rcap; i++) {
		free(c->rows[i].more);
		free(c->rows[i].held);
	}
	free(c->tok);
	free(c->post);
	free(c->npost);
	free(c->cpost);
	free(c->gmask);
	free(c->unsorted);
	free(c->tslot);
	free(c->tcheck);
	free(c->rows);
	free(c->sig);
	free(c->wait);
	for (size_t i = 0; i < c->mcap; i++)
		free(c->memo[i]);
	free(c->memo);
	free(c);
}

#define KC_MEMO 65536   /* keys whose edits are kept; past it, made each time */

/* Key's edits (name_key_edits with `edits`) as OR terms, kept in the copy; "" none; NULL
 * when no copy is held or on a failure (the caller makes them itself). */
static const char *kc_edits(const char *key, unsigned edits)
{
	struct kc *c = kcache;
	char tag[48];
	if (!c || strlen(key) > 32)
		return NULL;
	if (!c->mcap) {
		if (!(c->memo = calloc(2 * KC_MEMO, sizeof *c->memo)))
			return NULL;
		c->mcap = 2 * KC_MEMO;
	}
	int tl = snprintf(tag, sizeof tag, "%u:%s", edits, key);
	size_t h = kc_hash(tag, (size_t)tl) & (c->mcap - 1);
	for (; c->memo[h]; h = (h + 1) & (c->mcap - 1))
		if (strncmp(c->memo[h], tag, (size_t)tl) == 0 && c->memo[h][tl] == '=')
			return c->memo[h] + tl + 1;
	if (c->nmemo >= KC_MEMO)
		return NULL;
	struct cd_buf b = CD_BUF_INIT;
	int terms = 0;
	buf_printf(&b, "%s=", tag);
	name_key_edits(&b, key, edits, 3, &terms);
	if (b.failed || !(c->memo[h] = strdup(buf_str(&b)))) {
		buf_release(&b);
		return NULL;
	}
	buf_release(&b);
	c->nmemo++;
	return c->memo[h] + tl + 1;
}

int dupes_cache_begin(struct cd_store *s, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct kc *c = NULL;
	int rc;

	dupes_cache_end(NULL);
	if (!(c = calloc(1, sizeof *c)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	c->s = s;
	if ((rc = st_prepare(s, "SELECT rowid, keys FROM person_key", &st, err)))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (kc_set(c, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			c->failed = 1;
			break;
		}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? CD_OK : st_fail(s, _("reading the search index"), err);
out:
	st_finish(s, st);
	if (rc || c->failed)
		kc_free(c);   /* a copy that could not be made: the lookups go to FTS5 */
	else
		kcache = c;
	return rc;
}

int dupes_cache_note(struct cd_store *s, int64_t person_id, struct cd_error *err)
{
	/* A person whose index rows wait has no person_key row yet: its keys are computed as
	 * the flush will write them (the same SQL as person_fts_refresh's). */
	static const char computed_sql[] = SEARCH_KEYS_SQL " WHERE p.id = ?1 AND " SEARCH_INDEXED_SQL;   /* (id, keys) */
	sqlite3_stmt *st = NULL;
	struct kc_row *row;
	int rc, r;
	if (!kcache || kcache->s != s)
		return CD_OK;
	row = kc_row(kcache, person_id);
	int computed = row && row->waiting;
	if ((rc = st_prepare(s, computed ? computed_sql : "SELECT rowid, keys FROM person_key WHERE rowid = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, person_id);
	if ((r = st_row(s, st, _("reading the search index"), err)) < 0)
		rc = CD_ESTORE;
	else if (kc_set(kcache, person_id, r > 0 ? (const char *)sqlite3_column_text(st, 1) : NULL))
		kcache->failed = 1;   /* out of memory: the copy is dropped below */
	st_finish(s, st);
	if (rc || kcache->failed)
		dupes_cache_end(s);
	return rc;
}

void dupes_cache_end(struct cd_store *s)
{
	(void)s;
	kc_free(kcache);
	kcache = NULL;
}

int dupes_index_defer(struct cd_store *s, int64_t person_id)
{
	struct kc *c = kcache;
	struct kc_row *r;
	if (!c || c->s != s || c->failed || !(r = kc_row_add(c, person_id)))
		return 0;
	if (r->waiting)
		return 1;
	if (c->nwait == c->cwait) {
		size_t nc = c->cwait ? c->cwait * 2 : 1024;
		int64_t *w = realloc(c->wait, nc * sizeof *w);
		if (!w)
			return 0;   /* the caller writes this person's rows itself */
		c->wait = w;
		c->cwait = nc;
	}
	c->wait[c->nwait++] = person_id;
	r->waiting = 1;
	return 1;
}

/* ---- what scoring reads of a stored person, held in the copy ------------------------------
 *
 * Why: a candidate is scored from its row and its words (search_person_words: every name
 * transliterated, and its aliases read), and a pull scores the same people again and again,
 * a few hundred candidates per arriving person.  The copy keeps, per row, its date of
 * birth, nationality and words, packed: "dob\0nat\0" then per word role, arabic and alias
 * flags and "icao\0key\0key2\0orig\0", ended by a zero byte.  dupes_cache_note drops
 * them (kc_set) whenever the person, an alias or a family row changes, as for the keys.
 */
static void put_str(struct cd_buf *b, const char *t)
{
	t = t ? t : "";
	buf_add(b, t, strlen(t) + 1);   /* with its terminator */
}

static void kc_hold(struct kc *c, int64_t id, const char *dob, const char *nat, const struct cd_name_word *w,
		    size_t nw)
{
	struct kc_row *r = kc_row(c, id);
	struct cd_buf b = CD_BUF_INIT;
	if (!r || r->held)
		return;   /* (a row without keys is no candidate of the copy's) */
	put_str(&b, dob);
	put_str(&b, nat);
	for (size_t i = 0; i < nw; i++) {
		char flags = (char)(1 + (w[i].role & 1) + (w[i].arabic ? 2 : 0) + (w[i].alias ? 4 : 0));
		buf_add(&b, &flags, 1);
		put_str(&b, w[i].icao);
		put_str(&b, w[i].key);
		put_str(&b, w[i].key2);
		put_str(&b, w[i].orig);
	}
	buf_add(&b, "", 1);
	if (!b.failed && (r->held = malloc(b.len)))
		memcpy(r->held, b.data, b.len);
	buf_release(&b);
}

static const char *get_str(const char *p, char *out, size_t size)
{
	size_t whole = strlen(p), len = whole < size ? whole : size - 1;
	memcpy(out, p, len);
	out[len] = 0;
	return p + whole + 1;
}

/* The held words of row id into w (at most max); -1 when none are held. */
static long kc_held(struct kc *c, int64_t id, const char **dob, const char **nat, struct cd_name_word *w,
		    size_t max)
{
	struct kc_row *r = c ? kc_row(c, id) : NULL;
	const char *p;
	size_t n = 0;
	if (!r || !r->held)
		return -1;
	p = r->held;
	*dob = p;
	p += strlen(p) + 1;
	*nat = p;
	p += strlen(p) + 1;
	while (*p && n < max) {
		struct cd_name_word *x = &w[n++];
		int flags = *p++ - 1;
		memset(x, 0, sizeof *x);
		x->role = flags & 1;
		x->arabic = (flags & 2) != 0;
		x->alias = (flags & 4) != 0;
		p = get_str(p, x->icao, sizeof x->icao);
		p = get_str(p, x->key, sizeof x->key);
		p = get_str(p, x->key2, sizeof x->key2);
		p = get_str(p, x->orig, sizeof x->orig);
	}
	return (long)n;
}

static int by_id(const void *a, const void *b);

int dupes_index_flush(struct cd_store *s, struct cd_error *err)
{
	/* person_fts_refresh's four statements, for every waiting person at once: the ids go
	 * in as a JSON array, in rowid order (FTS5 appends rows in order cheaply). */
#define WAITING " IN (SELECT value FROM json_each(?1))"
	static const char *const sqls[4] = {
		"DELETE FROM person_fts WHERE rowid" WAITING,
		"DELETE FROM person_key WHERE rowid" WAITING,
		"INSERT INTO person_fts(rowid, names)" SEARCH_NAMES_SQL " WHERE p.id" WAITING " AND " SEARCH_INDEXED_SQL,
		"INSERT INTO person_key(rowid, keys)" SEARCH_KEYS_SQL " WHERE p.id" WAITING " AND " SEARCH_INDEXED_SQL,
	};
#undef WAITING
	struct kc *c = kcache;
	struct cd_buf ids = CD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	if (!c || c->s != s || !c->nwait)
		return CD_OK;
	qsort(c->wait, c->nwait, sizeof *c->wait, by_id);
	buf_puts(&ids, "[");
	for (size_t i = 0; i < c->nwait; i++)
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)c->wait[i]);
	buf_puts(&ids, "]");
	if (ids.failed) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < 4 && rc == CD_OK; i++) {
		if ((rc = st_prepare(s, sqls[i], &st, err)))
			break;
		sqlite3_bind_text(st, 1, buf_str(&ids), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(s, _("updating the search index"), err);
		st_finish(s, st);
		st = NULL;
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < c->nwait; i++) {
		struct kc_row *r = kc_row(c, c->wait[i]);
		if (r)
			r->waiting = 0;
	}
	c->nwait = 0;
out:
	buf_release(&ids);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

#define KC_GROUPS 8
#define KC_TERMS 512
#define KC_AHEAD 8    /* rows of a list whose signatures are asked for ahead of their test */
#define KC_MERGE 16   /* lists of one group merged as read; more are copied and sorted */

/*
 * The rows of MATCH `match` (LIMIT rows) from the copy, added to the candidates; 1 when
 * the match is not of the shape the copy answers (FTS5 must), -1 out of memory.
 */
static int kc_match(struct kc *c, const char *match, int rows, struct cand *cand, size_t *n)
{
	int g[KC_GROUPS][KC_TERMS], ng[KC_GROUPS] = { 0 }, groups = 0, in_group = 0, want = 1, found = 0;
	const char *p = match;
	char low[64];

	/* G1 AND G2 ...: G one term or "(" term OR term ... ")"; a term "KEY" or KEY. */
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (want && !in_group && *p == '(') {
			if (groups == KC_GROUPS)
				return 1;
			groups++;
			in_group = 1;
			p++;
			continue;
		}
		if (!want && in_group && *p == ')') {
			in_group = 0;
			p++;
			continue;
		}
		const char *w = p;
		size_t len = 0;
		int quoted = *p == '"';
		if (quoted) {
			w = ++p;
			while (*p && *p != '"')
				p++;
			if (*p != '"')
				return 1;
			len = (size_t)(p - w);
			p++;
		} else {
			while (*p && *p != ' ' && *p != '(' && *p != ')' && *p != '"')
				p++;
			len = (size_t)(p - w);
		}
		if (!quoted && len == 3 && strncmp(w, "AND", 3) == 0) {
			if (want || in_group)
				return 1;
			want = 1;
			continue;
		}
		if (!quoted && len == 2 && strncmp(w, "OR", 2) == 0) {
			if (want || !in_group)
				return 1;
			want = 1;
			continue;
		}
		if (!want || !len || len >= sizeof low || (!quoted && (len == 3 && strncmp(w, "NOT", 3) == 0)))
			return 1;
		for (size_t i = 0; i < len; i++) {
			if (!is_tokch(w[i]))
				return 1;   /* two tokens, a prefix (*), a column filter: FTS5's */
			low[i] = w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] - 'A' + 'a') : w[i];
		}
		if (!in_group) {
			if (groups == KC_GROUPS)
				return 1;
			groups++;
		}
		if (ng[groups - 1] == KC_TERMS)
			return 1;
		g[groups - 1][ng[groups - 1]++] = kc_tok(c, low, len, 0);
		want = 0;
	}
	if (want || in_group || !groups)
		return 1;
	/* The group with the fewest rows gives the rows to test; a row is kept when its keys
	 * cover every group (gmask: per key, the groups naming it). */
	int best = -1;
	size_t best_n = 0;
	unsigned all_groups = (1u << groups) - 1;
	uint64_t gsig[KC_GROUPS] = { 0 };
	for (int i = 0; i < groups; i++) {
		size_t t = 0;
		for (int k = 0; k < ng[i]; k++)
			if (g[i][k] >= 0) {
				t += c->npost[g[i][k]];
				c->gmask[g[i][k]] |= (unsigned char)(1u << i);
				gsig[i] |= kc_bit(g[i][k]);
			}
		if (best < 0 || t < best_n) {
			best = i;
			best_n = t;
		}
	}
	int64_t *ids = NULL, *list = NULL;
	size_t nid = 0;
	const int64_t *head[KC_MERGE];   /* several keys, each list in order: merged as read */
	size_t left[KC_MERGE];
	int nhead = 0;
	if (!best_n)
		goto done;
	for (int k = 0; k < ng[best] && nhead >= 0; k++) {
		int t = g[best][k];
		if (t < 0 || !c->npost[t])
			continue;
		if (c->unsorted[t] || nhead == KC_MERGE) {
			nhead = -1;   /* a list out of order, or too many: copied and sorted below */
			break;
		}
		head[nhead] = c->post[t];
		left[nhead++] = c->npost[t];
	}
	if (nhead == 1) {
		/* One key: its rows as they are (in order as loaded and as persons arrive). */
		list = (int64_t *)head[0];
		nid = left[0];
		nhead = 0;
	} else if (nhead < 0) {
		if (!(ids = malloc(best_n * sizeof *ids))) {
			found = -1;
			goto done;
		}
		for (int k = 0; k < ng[best]; k++)
			if (g[best][k] >= 0) {
				memcpy(ids + nid, c->post[g[best][k]], c->npost[g[best][k]] * sizeof *ids);
				nid += c->npost[g[best][k]];
			}
		qsort(ids, nid, sizeof *ids, by_id);
		list = ids;
		nhead = 0;
	}
	/* The rows in id order, each once, until the LIMIT: what FTS5 returns. */
	for (size_t i = 0; found < rows;) {
		int64_t id;
		if (nhead > 0) {
			int64_t least = INT64_MAX;
			for (int h = 0; h < nhead; h++)
				if (left[h] && *head[h] < least)
					least = *head[h];
			if (least == INT64_MAX)
				break;
			for (int h = 0; h < nhead; h++)
				if (left[h] && *head[h] == least) {
					head[h]++;
					left[h]--;
				}
			id = least;
		} else {
			if (i >= nid)
				break;
			/* The signatures of the rows a few ahead asked for now: a list's rows are
			 * far apart in the array, and each test otherwise waits for memory. */
			if (i + KC_AHEAD < nid && (uint64_t)list[i + KC_AHEAD] < c->rcap)
				__builtin_prefetch(&c->sig[list[i + KC_AHEAD]]);
			id = list[i++];
			if (i > 1 && id == list[i - 2])
				continue;
		}
		/* A row without keys (sig 0) or without a row misses every group. */
		uint64_t sig = id > 0 && (uint64_t)id < c->rcap ? c->sig[id] : 0;
		int miss = !sig;
		for (int k = 0; k < groups; k++)
			miss |= !(sig & gsig[k]);
		if (miss)
			continue;
		const struct kc_row *r = &c->rows[id];
		const int *rt = kc_toks(r);
		unsigned have = 0;
		for (int t = 0; t < r->n; t++)
			have |= c->gmask[rt[t]];
		if (have == all_groups) {
			add_cand(cand, n, id, 0);
			found++;
		}
	}
done:
	for (int i = 0; i < groups; i++)
		for (int k = 0; k < ng[i]; k++)
			if (g[i][k] >= 0)
				c->gmask[g[i][k]] = 0;
	free(ids);
	return found < 0 ? -1 : 0;
}

static int run_ids(struct cd_store *s, const char *sql, const char *match, int rows, struct cand *c, size_t *n,
		   struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (kcache && kcache->s == s) {
		int k = kc_match(kcache, match, rows, c, n);
		if (k < 0)
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		if (k == 0)
			return CD_OK;
	}
	/* FTS5 answers: it must hold the persons whose rows wait. */
	if ((rc = dupes_index_flush(s, err)) || (rc = st_prepare(s, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, rows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_cand(c, n, sqlite3_column_int64(st, 0), 0);
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("looking for duplicates"), err);
	st_finish(s, st);
	return rc;
}

/* ---- the typo lookups, read through their narrow half ----------------------------------
 *
 * A typo lookup ORs a hundred-odd keys one edit away from a name's (typo_keys_or) and ANDs
 * them with the other name and the birth month: FTS5 seeks every one of those terms, most
 * of which no one holds, and that was four fifths of a pull's duplicate check.  The same
 * rows are found by reading the narrow half alone (the other name and the month: a few
 * people) in rowid order, as FTS5 returns the whole query's rows, and keeping those holding
 * one of the typo keys, up to the same LIMIT: the same candidates, because the whole
 * query's rows are the narrow half's that hold a typo key.  When the narrow half holds more
 * than TYPO_SCAN rows (a common name in a large office), the whole query runs instead.
 */
#define TYPO_SCAN 400

/* The keys of an FTS5 OR list ("K1" OR "K2" ...), lower-cased as the ascii tokenizer
 * folds them, sorted; 0 when a term is not one plain token (then the query runs whole). */
static int typo_terms(const char *list, char ***out, size_t *n)
{
	char **t = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	for (const char *q = strchr(list, '"'); q; q = strchr(q, '"')) {
		const char *e = strchr(q + 1, '"');
		if (!e)
			goto bad;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 128;
			char **g = realloc(t, nc * sizeof *g);
			if (!g)
				goto bad;
			t = g;
			cap = nc;
		}
		size_t len = (size_t)(e - q - 1);
		if (!len || !(t[*n] = malloc(len + 1)))
			goto bad;
		for (size_t i = 0; i < len; i++) {
			char c = q[1 + i];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
				free(t[*n]);
				goto bad;
			}
			t[*n][i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		t[(*n)++][len] = 0;
		q = e + 1;
	}
	qsort(t, *n, sizeof *t, by_text);
	*out = t;
	return 1;
bad:
	while (*n)
		free(t[--*n]);
	free(t);
	return 0;
}

/* Whether a row's keys ("KVLNKB NN y1940 m194002") hold one of the sorted terms. */
static int holds_term(const char *keys, char *const *t, size_t n)
{
	char tok[40];
	while (keys && *keys) {
		size_t len = 0;
		while (*keys && !((*keys >= 'A' && *keys <= 'Z') || (*keys >= 'a' && *keys <= 'z') ||
				  (*keys >= '0' && *keys <= '9')))
			keys++;
		while ((*keys >= 'A' && *keys <= 'Z') || (*keys >= 'a' && *keys <= 'z') || (*keys >= '0' && *keys <= '9')) {
			if (len + 1 < sizeof tok)
				tok[len] = *keys >= 'A' && *keys <= 'Z' ? (char)(*keys - 'A' + 'a') : *keys;
			len++;
			keys++;
		}
		if (len && len < sizeof tok) {
			const char *k = tok;
			tok[len] = 0;
			if (bsearch(&k, t, n, sizeof *t, by_text))
				return 1;
		}
	}
	return 0;
}

/*
 * The rows of "TYPO AND NARROW" (LIMIT rows) added to the candidates: through NARROW alone
 * when it holds few rows, else the whole query.  `typo` is the OR list, `narrow` the rest.
 */
static int run_typo(struct cd_store *s, const char *typo, const char *narrow, int rows, struct cand *c, size_t *n,
		    struct cd_error *err)
{
	static const char keys_sql[] = "SELECT k.rowid FROM person_key k WHERE person_key MATCH ?1 LIMIT ?2";
	static const char narrow_sql[] = "SELECT k.rowid, k.keys FROM person_key k WHERE person_key MATCH ?1 LIMIT ?2";
	sqlite3_stmt *st = NULL;
	char **t = NULL;
	size_t nt = 0, seen = 0;
	int rc, found = 0, whole = 1;
	struct cd_buf m = CD_BUF_INIT;

	if (kcache && kcache->s == s) {
		whole = 1;   /* the copy reads the typo keys cheaply: the whole query at once */
	} else if (typo_terms(typo, &t, &nt)) {
		if ((rc = dupes_index_flush(s, err)) || (rc = st_prepare(s, narrow_sql, &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, narrow, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, TYPO_SCAN + 1);
		while (found < rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (++seen > TYPO_SCAN)
				break;
			if (holds_term((const char *)sqlite3_column_text(st, 1), t, nt)) {
				add_cand(c, n, sqlite3_column_int64(st, 0), 0);
				found++;
			}
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			rc = st_fail(s, _("looking for duplicates"), err);
			goto out;
		}
		/* Done when the LIMIT was reached or the narrow half was read to its end. */
		whole = found < rows && seen > TYPO_SCAN;
		st_finish(s, st);
		st = NULL;
	}
	rc = CD_OK;
	if (whole) {
		/* (Appended, not printed: the typo list is a few kilobytes, and printf copies it
		 * a character at a time.) */
		buf_puts(&m, typo);
		buf_puts(&m, " AND ");
		buf_puts(&m, narrow);
		rc = m.failed ? cd_error_set(err, CD_EINTERNAL, _("out of memory")) : run_ids(s, keys_sql, buf_str(&m), rows, c, n, err);
	}
out:
	st_finish(s, st);
	buf_release(&m);
	while (nt)
		free(t[--nt]);
	free(t);
	return rc;
}

/*
 * "(K1 OR K2 ...)" over the words' keys; 0 when none has a key.  A particle's short key
 * (AL, EL, BN) is left out when the name has a longer one: it would match a tenth of the
 * office and bury the person sought.
 */
static int keys_or(struct cd_buf *b, const struct cd_name_word *w, size_t n)
{
	int terms = 0, has_long = 0;
	for (size_t i = 0; i < n; i++)
		has_long |= strlen(w[i].key) >= 3;
	for (size_t i = 0; i < n; i++)
		if (w[i].key[0] && (!has_long || strlen(w[i].key) >= 3))
			buf_printf(b, "%s\"%s\"", terms++ ? " OR " : "(", w[i].key);
	if (terms)
		buf_puts(b, ")");
	return terms;
}

/*
 * "(K1 OR K2 ...)": the keys one typo away from the words' keys (name_key_edits) - a
 * letter of the key dropped or two swapped, which covers a letter doubled, dropped or
 * swapped in the name; for a surname (`changed`) of four letters or more one changed too,
 * and a three-letter key also with a letter added (AHMAD typed AMAD: AMD, not AHMD).
 * Every term has three letters or more: a two-letter key's doclist is a tenth of the
 * office, and reading it is what makes a lookup slow.  Changed letters are for surnames
 * only: they triple the terms, and given names are the commoner words.  0 when no word
 * has a key of 3 or more (a particle, AL or EL, or a two-letter name).
 */
static int typo_keys_or(struct cd_buf *b, const struct cd_name_word *w, size_t n, int changed)
{
	int terms = 0;
	buf_puts(b, "(");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(w[i].key);
		unsigned edits = KEY_DROP | KEY_SWAP | (changed && len >= 4 ? KEY_CHANGE : 0) | (len == 3 ? KEY_ADD : 0);
		const char *kept;
		if (len < 3)
			continue;
		/* With the copy held (a pull), each key's edits are made once: the same names come
		 * back thousands of times, and the edits are a hundred snprintf calls.  A key shared
		 * by two words is then ORed twice, which finds the same rows. */
		if ((kept = kc_edits(w[i].key, edits))) {
			if (*kept) {
				buf_puts(b, terms++ ? " OR " : "");
				buf_puts(b, kept);
			}
			continue;
		}
		name_key_edits(b, w[i].key, edits, 3, &terms);
	}
	if (terms)
		buf_puts(b, ")");
	return terms;
}

/* Average over the new words of their best level among stored words of `role`. */
static int side_level(const struct cd_name_word *q, size_t nq, const struct cd_name_word *w, size_t nw, int role,
		      int *worst)
{
	int total = 0;
	if (!nq)
		return 0;
	for (size_t i = 0; i < nq; i++) {
		int best = 0;
		for (size_t k = 0; k < nw; k++)
			if (w[k].role == role) {
				int l = (int)name_level(&q[i], &w[k]);
				if (l > best)
					best = l;
			}
		total += best;
		if (best < *worst)
			*worst = best;
	}
	return total / (int)nq;
}

static int dob_points(const char *a, const char *b, const char **why)
{
	size_t la = strlen(a), lb = strlen(b), k = la < lb ? la : lb;
	long ya = -1, yb = -3;
	/* Stored dates were checked when written: YYYY[-MM[-DD]].  A year that does not read
	 * (an empty date) earns no year points: -1 and -3 are neither equal nor one apart. */
	if (la >= 4)
		cd_parse_long_n(a, 4, "dob", 1000, 9999, &ya, NULL);
	if (lb >= 4)
		cd_parse_long_n(b, 4, "dob", 1000, 9999, &yb, NULL);
	if (strcmp(a, b) == 0) {
		/* TRANSLATORS: why a possible duplicate was listed: dates of birth equal (full, year and
		 * month, year only) */
		*why = la >= 10 ? N_("exact") : la >= 7 ? N_("same month") : N_("same year");
		return la >= 10 ? 25 : la >= 7 ? 20 : 17;
	}
	if (strncmp(a, b, k) == 0) {
		/* TRANSLATORS: why a possible duplicate was listed: one date of birth is part of the other */
		*why = N_("partial");
		return 15;
	}
	if (ya == yb) {
		/* TRANSLATORS: why a possible duplicate was listed: the same year of birth */
		*why = N_("year");
		return 8;
	}
	if (ya - yb == 1 || yb - ya == 1) {
		/* TRANSLATORS: why a possible duplicate was listed: years of birth one apart */
		*why = N_("year +-1");
		return 4;
	}
	*why = NULL;
	return 0;
}

static int by_score(const void *a, const void *b)
{
	const struct cd_dupe *x = a, *y = b;
	return x->score != y->score ? y->score - x->score : strcmp(x->number, y->number);
}

int dupes_find(struct cd_store *s, const struct cd_person_input *in, const char *doc_number,
	       struct cd_dupe **out, size_t *n, struct cd_error *err)
{
	return dupes_find_from(s, in, doc_number, DUPES_FLOOR, out, n, err);
}

int dupes_find_from(struct cd_store *s, const struct cd_person_input *in, const char *doc_number, int floor,
		    struct cd_dupe **out, size_t *n, struct cd_error *err)
{
	static const char keys_sql[] = "SELECT k.rowid FROM person_key k WHERE person_key MATCH ?1 LIMIT ?2";
	static const char person_sql[] = "SELECT number, surname, given, surname_latin, given_latin, dob, nationality,"
					 " uuid, merged_into IS NOT NULL FROM person WHERE id = ?1";
	struct cd_name_word sw[WORDS], gw[WORDS];
	struct cand *cand = NULL;
	struct cd_dupe *res = NULL;
	struct cd_buf m = CD_BUF_INIT, m2 = CD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t ns = 0, ng = 0, nc = 0, nres = 0;
	int rc, year = 0, own_read = s->txn_depth == 0;
	const char *nat = in->nationality;
	struct cd_date born = { 0 };

	*out = NULL;
	*n = 0;
	if (floor < DUPES_FLOOR)
		floor = DUPES_FLOOR;
	/* The date of birth becomes part of the index queries below: it is checked first, so
	 * that "2024-2-3" or "-1" is the caller's bad input, never a query the index refuses. */
	if (in->dob && *in->dob) {
		if ((rc = cd_date_parse(in->dob, _("date of birth"), 1, &born, err)))
			return rc;
		year = born.year;
	}
	if ((rc = translit_load(err)))
		return rc;
	if (!(cand = calloc(CAND_MAX, sizeof *cand)) || !(res = calloc(CAND_MAX, sizeof *res))) {
		free(cand);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	/* The new person's words: as given in Latin, and as their own script transliterates. */
	if (in->surname_latin)
		ns = name_words(in->surname, in->surname_latin, nat, 0, sw, WORDS / 2);
	ns += name_words(in->surname, NULL, nat, 0, sw + ns, WORDS - ns);
	if (in->given_latin)
		ng = name_words(in->given, in->given_latin, nat, 1, gw, WORDS / 2);
	ng += name_words(in->given, NULL, nat, 1, gw + ng, WORDS - ng);

	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		goto out_free;
	if (doc_number && *doc_number) {
		char norm[64];
		document_number_normalise(doc_number, norm, sizeof norm);
		if ((rc = st_prepare(s, "SELECT person_id FROM document WHERE number = ?1", &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
		while ((rc = st_row(s, st, _("looking for duplicates"), err)) > 0)
			add_cand(cand, &nc, sqlite3_column_int64(st, 0), 1);
		if (rc < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		st_finish(s, st);
		st = NULL;
	}
	/* Keys carry no role: every lookup by keys finds swapped names too. */
	char years[64] = "", month[16] = "";
	if (year)
		snprintf(years, sizeof years, " AND (y%d OR y%d OR y%d)", year - 1, year, year + 1);
	if (born.month)
		snprintf(month, sizeof month, " AND m%04d%02d", born.year, born.month);
	/* The same ICAO names, in either order, through the person_latin index: the skeleton
	 * keys of Arabic names collapse (SHAMI and SHAIMAA are both SM), and a common one
	 * fills every lookup by keys with other people. */
	{
		char sl[160], gl[160];
		const char *sv = in->surname_latin, *gv = in->given_latin;
		if (!sv && in->surname && translit_icao(in->surname, nat, sl, sizeof sl) >= 0)
			sv = sl;
		if (!gv && in->given && translit_icao(in->given, nat, gl, sizeof gl) >= 0)
			gv = gl;
		for (int swap = 0; swap < 2 && sv && gv && *sv && *gv; swap++) {
			if ((rc = st_prepare(s, "SELECT id FROM person WHERE surname_latin = ?1 AND given_latin = ?2 LIMIT ?3",
					     &st, err)))
				goto out;
			sqlite3_bind_text(st, 1, swap ? gv : sv, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, swap ? sv : gv, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, PRECISE_ROWS);
			while ((rc = st_row(s, st, _("looking for duplicates"), err)) > 0)
				add_cand(cand, &nc, sqlite3_column_int64(st, 0), 0);
			if (rc < 0) {
				rc = CD_ESTORE;
				goto out;
			}
			st_finish(s, st);
			st = NULL;
		}
	}
	/* Both names within a year, then whatever the date of birth says (a common pair of
	 * names fills the second lookup with other people). */
	for (int any_year = !year; any_year < 2; any_year++) {
		buf_reset(&m);
		if (keys_or(&m, sw, ns) && (buf_puts(&m, " AND "), keys_or(&m, gw, ng)) &&
		    (buf_puts(&m, any_year ? "" : years), !m.failed) &&
		    (rc = run_ids(s, keys_sql, buf_str(&m), any_year ? NEAR_ROWS : PRECISE_ROWS, cand, &nc, err)))
			goto out;
	}
	/* One name with a typo, the other as typed, born in the same month (else within a
	 * year): a common name fills a looser lookup with other people, and the three years'
	 * tokens cost more to read than the names'. */
	for (int side = 0; side < 2 && year; side++) {
		buf_reset(&m);
		buf_reset(&m2);
		if (typo_keys_or(&m, side ? gw : sw, side ? ng : ns, !side) &&
		    keys_or(&m2, side ? sw : gw, side ? ns : ng) &&
		    (buf_puts(&m2, month[0] ? month : years), !m.failed && !m2.failed) &&
		    (rc = run_typo(s, buf_str(&m), buf_str(&m2), NEAR_ROWS, cand, &nc, err)))
			goto out;
	}
	/* Either name born in the same month. */
	for (int side = 0; side < 2 && month[0]; side++) {
		buf_reset(&m);
		if (keys_or(&m, side ? gw : sw, side ? ng : ns) && (buf_puts(&m, month), !m.failed) &&
		    (rc = run_ids(s, keys_sql, buf_str(&m), NEAR_ROWS, cand, &nc, err)))
			goto out;
	}
	/* The broad lookups, a share each, for names rare enough that the precise ones found
	 * few people: either name alone within a year. */
	int broad = nc < BROAD_BELOW;
	for (int side = 0; side < 2 && broad; side++) {
		buf_reset(&m);
		if (!keys_or(&m, side ? gw : sw, side ? ng : ns))
			continue;
		buf_puts(&m, years);
		if (!m.failed && (rc = run_ids(s, keys_sql, buf_str(&m), BROAD_ROWS, cand, &nc, err)))
			goto out;
	}
	const char *reading = _("looking for duplicates");
	struct kc *held_in = kcache && kcache->s == s ? kcache : NULL;
	for (size_t i = 0; i < nc; i++) {
		struct cd_name_word w[STORED_WORDS];
		const char *names[5], *dob_why = NULL, *their_dob = NULL, *their_nat = NULL;
		int worst = CD_NAME_EXACT, worst_swapped = CD_NAME_EXACT, score;
		char name_part[160] = "", dob_part[96] = "";
		/* Held in the copy (a pull): scored without a query; the row is read for a listed one. */
		long held = kc_held(held_in, cand[i].id, &their_dob, &their_nat, w, STORED_WORDS);
		size_t nw = held < 0 ? 0 : (size_t)held;

		if (held < 0) {
			if ((rc = st_prepare(s, person_sql, &st, err)))
				goto out;
			sqlite3_bind_int64(st, 1, cand[i].id);
			if ((rc = st_row(s, st, reading, err)) <= 0) {
				if (rc < 0) {
					rc = CD_ESTORE;   /* a candidate lost to a failed read would hide a duplicate */
					goto out;
				}
				st_finish(s, st);
				st = NULL;
				continue;
			}
			rc = CD_OK;
			for (int k = 0; k < 4; k++)
				names[k] = (const char *)sqlite3_column_text(st, 1 + k);
			names[4] = (const char *)sqlite3_column_text(st, 6);
			nw = search_person_words(s, cand[i].id, names, w, STORED_WORDS, err);
			if (err && err->code == CD_ESTORE) {
				rc = CD_ESTORE;
				goto out;
			}
			their_dob = (const char *)sqlite3_column_text(st, 5);
			their_nat = (const char *)sqlite3_column_text(st, 6);
			if (held_in)
				kc_hold(held_in, cand[i].id, their_dob, their_nat, w, nw);
		}
		int in_order = (side_level(sw, ns, w, nw, 0, &worst) + side_level(gw, ng, w, nw, 1, &worst)) / 2;
		int swapped = (side_level(sw, ns, w, nw, 1, &worst_swapped) +
			       side_level(gw, ng, w, nw, 0, &worst_swapped)) / 2 * 9 / 10;
		int name = in_order >= swapped ? in_order : swapped;
		int dob = dob_points(in->dob ? in->dob : "", their_dob, &dob_why);
		int same_nat = nat && strcmp(nat, their_nat) == 0;
		score = name * 60 / 100 + dob + (same_nat ? 10 : 0);
		if (cand[i].doc)
			score = 100;
		if (score >= floor && !st) {
			/* A held candidate listed: its row, for the names and number shown. */
			if ((rc = st_prepare(s, person_sql, &st, err)))
				goto out;
			sqlite3_bind_int64(st, 1, cand[i].id);
			if ((rc = st_row(s, st, reading, err)) <= 0) {
				if (rc < 0) {
					rc = CD_ESTORE;
					goto out;
				}
				st_finish(s, st);
				st = NULL;
				continue;
			}
			rc = CD_OK;
		}
		if (score >= floor) {   /* (nres <= nc <= CAND_MAX: res has room) */
			struct cd_dupe *d = &res[nres++];
			if (name)
				snprintf(name_part, sizeof name_part, _("name: %s%s%s"),
					 _(name_level_text((enum cd_name_level)(in_order >= swapped ? worst : worst_swapped))),
					 swapped > in_order ? _(", swapped") : "", "");
			if (dob_why)
				snprintf(dob_part, sizeof dob_part, _("; dob: %s"), _(dob_why));
			/* TRANSLATORS: why a possible duplicate was listed, before the rest: the same document number */
			snprintf(d->why, sizeof d->why, "%s%s%s%s", cand[i].doc ? _("document: same number; ") : "", name_part,
				 /* TRANSLATORS: why a possible duplicate was listed, after the rest: the same nationality */
				 dob_part, same_nat ? _("; nationality") : "");
			snprintf(d->number, sizeof d->number, "%s", (const char *)sqlite3_column_text(st, 0));
			d->surname = st_dup_column(st, 1);
			d->given = st_dup_column(st, 2);
			d->surname_latin = st_dup_column(st, 3);
			d->given_latin = st_dup_column(st, 4);
			snprintf(d->dob, sizeof d->dob, "%s", (const char *)sqlite3_column_text(st, 5));
			snprintf(d->nationality, sizeof d->nationality, "%s", (const char *)sqlite3_column_text(st, 6));
			d->score = score;
			d->id = cand[i].id;
			snprintf(d->uuid, sizeof d->uuid, "%s", (const char *)sqlite3_column_text(st, 7));
			d->merged = sqlite3_column_int(st, 8);
		}
		st_finish(s, st);
		st = NULL;
	}
	if (nres)
		qsort(res, nres, sizeof *res, by_score);
	while (nres > DUPES_MAX) {
		nres--;
		free(res[nres].surname);
		free(res[nres].given);
		free(res[nres].surname_latin);
		free(res[nres].given_latin);
	}
	*out = res;
	*n = nres;
	res = NULL;
	nres = 0;
out:
	st_finish(s, st);
	if (own_read)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
out_free:
	buf_release(&m);
	buf_release(&m2);
	free(cand);
	dupes_free(res, nres);
	return rc;
}

void dupes_free(struct cd_dupe *d, size_t n)
{
	if (!d)
		return;
	for (size_t i = 0; i < n; i++) {
		free(d[i].surname);
		free(d[i].given);
		free(d[i].surname_latin);
		free(d[i].given_latin);
	}
	free(d);
}

int dupes_biometric(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, const char *purpose,
		    struct cd_bio_dupe **out, size_t *n, struct cd_error *err)
{
	/* Both records still stand (not merged); one row per pair, its latest finding.  A
	 * person's through the event_person index; the office's scan the events once. */
#define PAIRS_SQL(where)                                                                                        \
	"SELECT p.number, o.number, e.field, max(e.at), e.user_name"                                          \
	" FROM event e JOIN person p ON p.id = e.person_id JOIN person o ON o.number = e.new_value"           \
	" WHERE " where " AND e.kind = 'biometric_duplicate' AND p.merged_into IS NULL AND o.merged_into IS NULL" \
	" GROUP BY p.number, o.number ORDER BY max(e.at) DESC, p.number, o.number"
	static const char person_sql[] = PAIRS_SQL("e.person_id = ?1");
	static const char office_sql[] = PAIRS_SQL("p.number < o.number");
#undef PAIRS_SQL
	struct cd_bio_dupe *res = NULL;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int64_t pid = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (person_ref && (rc = person_resolve(s, person_ref, &pid, err)))
		return rc;
	if ((rc = st_prepare(s, person_ref ? person_sql : office_sql, &st, err)))
		return rc;
	if (person_ref)
		sqlite3_bind_int64(st, 1, pid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ST_GROW(res, *n, cap);
		struct cd_bio_dupe *d = &res[(*n)++];
		memset(d, 0, sizeof *d);
		snprintf(d->person, sizeof d->person, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(d->other, sizeof d->other, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(d->finger, sizeof d->finger, "%s", sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
		snprintf(d->at, sizeof d->at, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(d->user, sizeof d->user, "%s", (const char *)sqlite3_column_text(st, 4));
	}
	if (rc != SQLITE_DONE) {
		rc = st_fail(s, _("reading fingerprint duplicates"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	rc = CD_OK;
	if (purpose) {
		if ((rc = store_begin(s, err)))
			goto out;
		if ((rc = store_add_audit(s, actor, "view", "biometric_duplicates", NULL, purpose, err))) {
			store_rollback(s);
			goto out;
		}
		if ((rc = store_commit(s, err)))
			goto out;
	}
	*out = res;
	return CD_OK;
out:
	st_finish(s, st);
	free(res);
	*n = 0;
	return rc;
}
