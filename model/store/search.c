/* search.c - case number, document number and name search, and the name keys; see search.h. */
#include "model/store/search.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/store/access.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/identity/docnum.h"
#include "model/identity/namescore.h"
#include "model/identity/translit.h"

/* Candidates each pass may bring (a LIMIT on its MATCH): scoring them in C stays cheap. */
#define PASS_TRIGRAM 200
#define PASS_KEYS 200
#define PASS_TYPOS 150         /* each of the typo passes, one typed word at a time */
#define PASS_MAX 200           /* the largest of them */
#define QUERY_WORDS 8
#define PERSON_WORDS 48

/* The kind of match: its English name is the JSON value; N_() for screens to translate. */
const char *cd_match_name(enum cd_match m)
{
	switch (m) {
	/* TRANSLATORS: a search hit matched on a case number */
	case CD_MATCH_CASE: return N_("case");
	/* TRANSLATORS: a search hit matched on an identity document number */
	case CD_MATCH_DOCUMENT: return N_("document");
	/* TRANSLATORS: a search hit matched on a name */
	case CD_MATCH_NAME: return N_("name");
	/* TRANSLATORS: a search hit matched on a person number (P-TBS-002345) */
	case CD_MATCH_PERSON: return N_("person");
	}
	return "?";
}

/* ---- hits ------------------------------------------------------------------------- */

/* What a number hit was found by, for the "matched" column: N_(), shown through _(). */
static const char *number_via(enum cd_match m)
{
	switch (m) {
	/* TRANSLATORS: why a search hit matched: its case number (whole or the last digits) */
	case CD_MATCH_CASE: return N_("case number");
	/* TRANSLATORS: why a search hit matched: the person's own number (P-TBS-002345) */
	case CD_MATCH_PERSON: return N_("person number");
	/* TRANSLATORS: why a search hit matched: an identity document's number */
	case CD_MATCH_DOCUMENT: return N_("document");
	case CD_MATCH_NAME: break;
	}
	return NULL;
}

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
	int rc = SQLITE_DONE;
	while ((int)*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		const char *detail = detail_col >= 0 ? (const char *)sqlite3_column_text(st, detail_col) : NULL;
		int dup = 0;
		/* One person may be found twice over: by two cases, or by their own number and a case. */
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*hits)[i].number, number) == 0 && (*hits)[i].match == match &&
			    strcmp((*hits)[i].detail, detail ? detail : "") == 0)
				dup = 1;
		if (dup)
			continue;
		if ((rc = grow(hits, *n, cap, err)))
			return rc;
		struct cd_search_hit *h = &(*hits)[(*n)++];
		fill_hit(h, st);
		h->match = match;
		h->via = number_via(match);
		h->score = 100;
		snprintf(h->why, sizeof h->why, "%s", why);
		if (detail_col >= 0 && sqlite3_column_text(st, detail_col))
			snprintf(h->detail, sizeof h->detail, "%s", (const char *)sqlite3_column_text(st, detail_col));
	}
	/* A failed step is the store's error, not the end of the hits. */
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cd_error_set(err, CD_ESTORE, _("the store could not be read while searching: %s"),
				    sqlite3_errmsg(sqlite3_db_handle(st)));
	return CD_OK;
}

/* ---- the query -------------------------------------------------------------------- */

struct query {
	char dob[11];                        /* a (partial) date typed in the query, or "" */
	struct cd_buf raw;                   /* the name tokens as typed, for the trigram pass */
	struct cd_buf latin;                 /* their ICAO forms */
	struct cd_name_word w[QUERY_WORDS];
	size_t n;
	int open_last;                       /* the last word ends the text: it may be half typed */
	int typing;                          /* ... and it begins a longer name: it is (see name_search) */
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
		q->open_last = 0;
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
			size_t k = name_words(tok, NULL, NULL, -1, q->w + q->n, QUERY_WORDS - q->n);
			for (size_t i = 0; i < k; i++) {
				buf_puts(&q->latin, q->w[q->n + i].icao);
				buf_puts(&q->latin, " ");
			}
			q->n += k;
			/* Nothing after it, not even a space: the caseworker may still be typing it. */
			q->open_last = k > 0 && p[len] == '\0';
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

/* Whether typed word i is an article alone (AL MALIKI, ال مالكي) the next word may carry. */
static int skippable(const struct query *q, size_t i)
{
	return i + 1 < q->n && name_is_article(&q->w[i]);
}

/*
 * The skeleton-key query: every word's key (or its key without an article: MALIKI finds
 * المالكي by its key2, ALMALIKI finds MALIKI), and the year of birth when one was typed.
 * `merged`: an article typed alone is left out and the word after it is looked up with
 * the article too (AL MALIKI: ALMLK or MLK).
 */
static int keys_query(const struct query *q, int merged, struct cd_buf *b)
{
	int terms = 0;
	for (size_t i = 0; i < q->n; i++) {
		const struct cd_name_word *w = &q->w[i];
		char joined[128], k[32] = "";
		if (!w->key[0] || (merged && skippable(q, i)))
			continue;
		if (merged && i > 0 && skippable(q, i - 1)) {
			snprintf(joined, sizeof joined, "%s%s", q->w[i - 1].icao, w->icao);
			translit_skeleton(joined, k, sizeof k);
		} else if (w->key2[0]) {
			snprintf(k, sizeof k, "%s", w->key2);
		}
		if (k[0] && strcmp(k, w->key) != 0)
			buf_printf(b, "%s(\"%s\" OR \"%s\")", terms++ ? " AND " : "", w->key, k);
		else
			buf_printf(b, "%s\"%s\"", terms++ ? " AND " : "", w->key);
	}
	if (terms && q->dob[0])
		buf_printf(b, " AND y%.4s", q->dob);
	return terms;
}

/* Whether typed word i may carry typos: not the word still being typed. */
static int may_typo(const struct query *q, size_t i)
{
	return !(q->typing && i + 1 == q->n);
}

/*
 * The typo queries ask for people who have typed word i with a typo and every other word
 * as typed (one word wrong at a time keeps each query narrow).  Through the trigram index:
 * pieces of word i that one edit cannot all break - two pieces with a letter between them
 * (a swap of two neighbours touches one piece only), and its thirds for two edits in a
 * long word; words of 5 and 6 letters have room only for their first and last three.
 * Words of three and four letters are the skeleton keys' (typo_keys_query).  Returns 0
 * when there is none.
 */
static int typo_trigram_query(const struct query *q, size_t i, struct cd_buf *b)
{
	const char *w = q->w[i].icao;
	int len = (int)strlen(w), terms = 0;

	if (len == 2 && i + 1 < q->n && q->w[i + 1].icao[0]) {
		/* A two-letter word short of a letter (AL NI for AL ANI): itself and the next
		 * word, as a phrase - which a letter added at either end of it keeps. */
		buf_printf(b, "\"%s %s\"", w, q->w[i + 1].icao);
		for (size_t j = 0; j < q->n; j++)
			if (j != i && j != i + 1 && strlen(q->w[j].icao) >= 3)
				buf_printf(b, " AND \"%s\"", q->w[j].icao);
		return 1;
	}
	if (len < 5)
		return 0;
	buf_puts(b, "(");
	if (len >= 7) {
		int h = (len - 1) / 2;
		buf_printf(b, "\"%.*s\" OR \"%s\"", h, w, w + h + 1);
	} else {
		buf_printf(b, "\"%.3s\" OR \"%s\"", w, w + len - 3);
	}
	if (len >= 9) {
		int t = len / 3;
		buf_printf(b, " OR \"%.*s\" OR \"%.*s\" OR \"%s\"", t, w, t, w + t, w + 2 * t);
	}
	buf_puts(b, ")");
	for (size_t j = 0; j < q->n; j++)
		if (j != i && strlen(q->w[j].icao) >= 3) {
			buf_printf(b, " AND \"%s\"", q->w[j].icao);
			terms++;
		}
	return 1 + terms;
}

/* Appends the skeleton key of ICAO word v as one more OR term. */
static void or_key_of(struct cd_buf *b, const char *v, int *terms)
{
	char k[32];
	translit_skeleton(v, k, sizeof k);
	name_key_or(b, k, 2, terms);
}

/*
 * Through the skeleton keys, which are short (SADAT -> SDT) and so find what the trigram
 * pieces cannot: every other typed word by its own key, and word i by the keys of its
 * likely originals.  The cheap set: its own key, its key with a letter dropped or two
 * neighbours swapped, and the keys of the word itself with a letter dropped or two
 * neighbours swapped (PAHM is P-H-M but PHAM is F-M).  The `full` set, for when that and
 * the trigram pieces found no one: a letter left out or changed, which the pieces cover
 * from five letters on but for the middle letter of a five-letter word (both its pieces
 * hold it), and in words of three and four letters every key one letter added or changed
 * away.  Each term costs an index lookup (about 20 us at a million people, more for a
 * common key): hence the full set last, and only where keys are short.
 */
static int typo_keys_query(const struct query *q, size_t i, int full, struct cd_buf *b)
{
	const char *k = q->w[i].key, *w = q->w[i].icao;
	size_t len = strlen(k), wl = strlen(w);
	char t[64];
	int terms = 0;

	if (len == 0 || len > 30 || wl <= 2 || wl >= sizeof t)
		return 0;
	buf_puts(b, "(");
	if (!full) {
		name_key_edits(b, k, KEY_DROP | KEY_SWAP, 2, &terms);
		for (size_t p = 0; p < wl; p++) {
			snprintf(t, sizeof t, "%.*s%s", (int)p, w, w + p + 1);
			or_key_of(b, t, &terms);
			if (p + 1 < wl) {
				snprintf(t, sizeof t, "%.*s%c%c%s", (int)p, w, w[p + 1], w[p], w + p + 2);
				or_key_of(b, t, &terms);
			}
		}
	} else if (wl == 5) {
		for (char c = 'A'; c <= 'Z'; c++) {
			snprintf(t, sizeof t, "%.2s%c%s", w, c, w + 3);
			or_key_of(b, t, &terms);
		}
	} else if (wl <= 4) {
		name_key_edits(b, k, KEY_CHANGE | KEY_ADD, 2, &terms);
	}
	if (!terms)
		return 0;
	buf_puts(b, ")");
	/* (The word still being typed is left out: a prefix query reads too much.  So is a
	 * one-letter key, which narrows too little to be worth its reading.) */
	for (size_t j = 0; j < q->n; j++)
		if (j != i && may_typo(q, j) && strlen(q->w[j].key) >= 2)
			buf_printf(b, " AND \"%s\"", q->w[j].key);
	if (q->dob[0])
		buf_printf(b, " AND y%.4s", q->dob);
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

/* Whether every letter of `name` is Latin script (marks and punctuation belong to any):
 * Petrova, Ştefănescu, Nguyễn; not Петрова. */
static int latin_script(const char *name)
{
	const uint8_t *p = (const uint8_t *)name, *end = p + strlen(name);
	while (p < end) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, p, (size_t)(end - p));
		if (uc >= 0x80) {
			const uc_script_t *sc = uc_script(uc);
			if (sc && strcmp(sc->name, "Latin") != 0 && strcmp(sc->name, "Common") != 0 &&
			    strcmp(sc->name, "Inherited") != 0)
				return 0;
		}
		p += n;
	}
	return 1;
}

/*
 * The words of one name (its stored ICAO form beside it) into w[n..], and how many there are
 * now.  A name written in Latin letters whose own ICAO reading differs from the stored form
 * (Petrova kept beside IVANOVA; a Latin form typed from another document) is found by both:
 * the words of its own reading that the stored form lacks are added.  Only those: a name
 * that reads as its stored form (Ştefănescu, STEFANESCU) gives its words once.  The cheap
 * test first: a word as written (folded) that is its ICAO word reads as itself.
 */
static size_t name_and_written(const char *name, const char *latin, const char *nat, int role,
			       struct cd_name_word *w, size_t n, size_t max)
{
	struct cd_name_word own[16];
	size_t from = n, k, differ = 0;

	n += name_words(name, latin, nat, role, w + n, max - n);
	if (!name || !latin || n == from)
		return n;
	for (size_t i = from; i < n && !differ; i++)
		differ = strcmp(w[i].orig, w[i].icao) != 0;
	if (!differ || !latin_script(name))
		return n;
	k = name_words(name, NULL, nat, role, own, sizeof own / sizeof own[0]);
	for (size_t j = 0; j < k && n < max; j++) {
		size_t i = from;
		while (i < n && strcmp(w[i].icao, own[j].icao) != 0)
			i++;
		if (i == n)
			w[n++] = own[j];
	}
	return n;
}

/* A person's own names (not their aliases) into w: surname words first, then given names. */
static size_t own_words(const char *const names[5], struct cd_name_word *w, size_t max)
{
	size_t n = name_and_written(names[0], names[2], names[4], 0, w, 0, max);
	return name_and_written(names[1], names[3], names[4], 1, w, n, max);
}

size_t search_person_words(struct cd_store *s, int64_t id, const char *const names[5], struct cd_name_word *w,
			   size_t max, struct cd_error *err)
{
	const char *nat = names[4];
	sqlite3_stmt *st = NULL;
	size_t n = own_words(names, w, max);

	if (st_prepare(s, "SELECT surname, given, surname_latin, given_latin FROM alias WHERE person_id = ?1",
		       &st, err))
		return n;
	sqlite3_bind_int64(st, 1, id);
	int step = 0;
	while (n < max && (step = st_row(s, st, _("reading a person's aliases"), err)) > 0) {
		for (int role = 0; role < 2; role++) {
			const char *orig = (const char *)sqlite3_column_text(st, role);
			const char *latin = (const char *)sqlite3_column_text(st, 2 + role);
			size_t from = n;
			n += name_words(orig, latin, nat, role, w + n, max - n);
			/* Without a stored Latin form: also as its script's default reads it. */
			if (!latin)
				n += name_words(orig, NULL, NULL, role, w + n, max - n);
			for (size_t k = from; k < n; k++)
				w[k].alias = 1;
		}
	}
	st_finish(s, st);
	/* A failed read (err says so, CD_ESTORE) leaves the person without their aliases: no words. */
	return step < 0 ? 0 : n;
}

/* Whether typed word q is inside stored word w (three letters at least). */
static int is_part(const struct cd_name_word *q, const struct cd_name_word *w)
{
	size_t lq = strlen(q->icao), lo = strlen(q->orig);
	int written = lo > 0 && !name_is_ascii(q->orig);
	return (lq >= 3 && strstr(w->icao, q->icao)) || (written && lo >= 6 && strstr(w->orig, q->orig));
}

/*
 * Typed word i against stored word w.  Search reads a three-letter word with one typo too
 * (POA for POPA, SOG for SONG), which name_level leaves to longer words, and, next
 * to a word typed after it, a two-letter one missing a letter (AL NI for AL ANI); the word still
 * being typed (strict) is read without typos: more letters must narrow the list.
 */
static int word_level(const struct query *q, size_t i, const struct cd_name_word *w, int strict)
{
	const struct cd_name_word *t = &q->w[i];
	int l = (int)name_level(t, w);
	size_t lt = strlen(t->icao), lw = strlen(w->icao);
	/* The last word, one or two letters typed after a whole word (AL H, SHEVCHENKO O): a
	 * prefix, which name_level leaves to words of three letters or more. */
	if (l == CD_NAME_NONE && i > 0 && i + 1 == q->n && q->open_last && lt > 0 && lt < 3 && lw > lt &&
	    strncmp(w->icao, t->icao, lt) == 0)
		return CD_NAME_PREFIX;
	if (strict && i + 1 == q->n) {
		if (l == CD_NAME_TYPO1 || l == CD_NAME_TYPO2)
			l = is_part(t, w) ? CD_NAME_PART : CD_NAME_NONE;
		/* KOVAL and KAVALEU share KOVALE's key, but whoever is typing KOVALE is on the way
		 * to KOVALENKO: a name the typed word has outgrown goes, and another spelling
		 * ranks just under the names the word begins (it may be complete: OLEKSANDR for
		 * ALEKSANDR, while OLEKSANDRA makes it look half typed).  Шевче lists Шевченко
		 * before Швец. */
		if (l == CD_NAME_VARIANT && lt > lw && strncmp(t->icao, w->icao, lw) == 0)
			l = CD_NAME_NONE;
		else if (l == CD_NAME_VARIANT)
			l = CD_NAME_VARIANT_TYPING;
		return l;
	}
	if (l == CD_NAME_NONE && ((lt == 3 && lw >= 3) || (lt == 2 && lw == 3 && i + 1 < q->n)) &&
	    translit_distance(t->icao, w->icao, 1) == 1)
		l = CD_NAME_TYPO1;
	return l;
}

/* Whether stored word w begins with typed word q and is longer: q may be half typed. */
static int extends(const struct cd_name_word *q, const struct cd_name_word *w)
{
	size_t lq = strlen(q->icao), lo = strlen(q->orig);
	int written = lo > 0 && !name_is_ascii(q->orig);
	return (lq >= 3 && strlen(w->icao) > lq && strncmp(w->icao, q->icao, lq) == 0) ||
	       (written && lo >= 6 && strlen(w->orig) > lo && strncmp(w->orig, q->orig, lo) == 0);
}

/*
 * The best way to pair typed words with stored words, each stored word used once (MUSA
 * MUSA is not every MUSA; KARIIMI KARIM is not DARWISH KARIM): a small search, typed
 * words in order, stored words that match at all; ties go to the order a caseworker types
 * (surname first).  `budget` bounds it for people with very many names.
 */
struct pairing {
	const struct cd_name_word *wref;   /* the stored words */
	unsigned char level[QUERY_WORDS][PERSON_WORDS];
	int role[PERSON_WORDS];
	unsigned char used[PERSON_WORDS];
	unsigned char skip_ok[QUERY_WORDS];  /* an article typed alone: may pair with nothing */
	int pick[QUERY_WORDS], best_pick[QUERY_WORDS];
	size_t nq, nw;
	int best, budget;
};

static void pair_words(struct pairing *p, size_t i, int total)
{
	if (p->budget-- <= 0)
		return;
	if (i == p->nq) {
		/* An article paired with nothing is the next typed word's: AL MALIKI is المالكي. */
		for (size_t j = 0; j + 1 < p->nq; j++)
			if (p->pick[j] < 0 && (p->pick[j + 1] < 0 || !name_has_article(&p->wref[p->pick[j + 1]])))
				return;
		if (total > p->best) {
			p->best = total;
			memcpy(p->best_pick, p->pick, sizeof p->pick);
		}
		return;
	}
	for (size_t k = 0; k < p->nw; k++) {
		if (p->used[k] || !p->level[i][k])
			continue;
		int v = p->level[i][k] * 4 + (p->role[k] == (i == 0 ? 0 : 1));
		p->used[k] = 1;
		p->pick[i] = (int)k;
		pair_words(p, i + 1, total + v);
		p->used[k] = 0;
	}
	if (p->skip_ok[i]) {
		p->pick[i] = -1;
		pair_words(p, i + 1, total + CD_NAME_VARIANT * 4);
	}
}

/* Translated "why" pieces for a date of birth typed in the query. */
static const char *const dob_whys[] = {
	/* TRANSLATORS: why a search hit matched: the date of birth typed matched exactly */
	N_("exact"),
	/* TRANSLATORS: why a search hit matched: the year and month of birth typed matched */
	N_("month"),
	/* TRANSLATORS: why a search hit matched: the year of birth typed matched */
	N_("year"),
};

/*
 * Scores one candidate against the query: the typed words paired with stored words (see
 * pairing), their levels averaged; all must match.  Returns 0 to drop the candidate.
 * `strict`: the last typed word is still being typed (word_level).
 */
static int score_person(const struct query *q, struct pairing *p, const char *dob, int strict, char *why,
			size_t why_size, int *dob_rank, const char **via)
{
	int total = 0, worst = CD_NAME_EXACT, swapped = 0, first_role = -1, written = 0;
	const char *dob_why = NULL;

	p->best = 0;
	p->budget = 4000;
	memset(p->used, 0, sizeof p->used);
	for (size_t i = 0; i < q->n; i++) {
		p->skip_ok[i] = (unsigned char)skippable(q, i);
		for (size_t k = 0; k < p->nw; k++)
			p->level[i][k] = (unsigned char)word_level(q, i, &p->wref[k], strict);
	}
	pair_words(p, 0, 0);
	if (!p->best)
		return 0;
	*via = NULL;
	for (size_t i = 0; i < q->n; i++) {
		int k = p->best_pick[i];
		/* An article alone counts as the word it belongs to. */
		int l = k >= 0 ? p->level[i][k] : p->level[i + 1][p->best_pick[i + 1]];
		if (k >= 0) {
			if (first_role < 0)
				first_role = p->role[k];
			else if (first_role == 1 && p->role[k] == 0)
				swapped = 1;
			if (p->wref[k].alias)
				/* TRANSLATORS: why a search hit matched: one of the person's aliases */
				*via = N_("alias");
			written |= !name_is_ascii(q->w[i].orig) ? 1 + q->w[i].arabic : 0;
		}
		total += l;
		if (l < worst)
			worst = l;
	}
	if (!*via && written == 2)
		/* TRANSLATORS: why a search hit matched: the name as written in Arabic script */
		*via = N_("Arabic form");
	else if (!*via && written)
		/* TRANSLATORS: why a search hit matched: the name as written in its own script */
		*via = N_("as written");
	else if (!*via)
		/* TRANSLATORS: why a search hit matched: the name's Latin (ICAO) form or a spelling of it */
		*via = N_("Latin form");
	*dob_rank = 0;
	if (q->dob[0]) {
		size_t lq = strlen(q->dob), ls = strlen(dob), k = lq < ls ? lq : ls;
		if (strncmp(q->dob, dob, k) != 0)
			return 0;     /* a date typed in the query filters */
		dob_why = dob_whys[k >= 10 ? 0 : k >= 7 ? 1 : 2];
		*dob_rank = (int)k;
	}
	int score = total / (int)q->n - (swapped ? 3 : 0);
	char dob_part[96] = "";
	if (dob_why)
		/* TRANSLATORS: why a search hit matched, after the name part: "; dob: year" */
		snprintf(dob_part, sizeof dob_part, _("; dob: %s"), _(dob_why));
	/* TRANSLATORS: why a search hit matched: "name: variant", "name: 1 typo, swapped; dob: year" */
	snprintf(why, why_size, _("name: %s%s%s"), _(name_level_text((enum cd_name_level)worst)),
		 /* TRANSLATORS: why a search hit matched: surname and given names typed the other way round */
		 swapped ? _(", swapped") : "", dob_part);
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

/* A scored candidate: its hit (score read with typos everywhere) and its strict score. */
struct cand {
	struct cd_search_hit h;
	int strict;
	char why_strict[sizeof ((struct cd_search_hit *)0)->why];
};

struct cands {
	struct cand *c;
	size_t n, cap;
	struct idset seen;
	struct pairing pair;
	struct cd_name_word w[PERSON_WORDS];
};

static void cand_release(struct cand *c)
{
	free(c->h.surname);
	free(c->h.given);
	free(c->h.surname_latin);
	free(c->h.given_latin);
}

/* The score the query gets: strict while its last word is being typed. */
static int cand_score(const struct query *q, const struct cand *c)
{
	return q->typing ? c->strict : c->h.score;
}

/*
 * Runs one candidate MATCH (?1, with ?2 the LIMIT, ?3 the year when a date was typed) and
 * scores every new candidate.  `probe`: notes in q->typing whether a hit has a name that
 * the last typed word begins.
 */
static int run_pass(struct cd_store *s, const char *sql, const char *match, int cap_rows, struct query *q,
		    struct cands *cs, int probe, struct cd_error *err)
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
	sqlite3_bind_int(st, 2, cap_rows < PASS_MAX ? cap_rows : PASS_MAX);
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
		struct cand c;
		int dob_rank;
		if (!idset_add(&cs->seen, ids[i]))
			continue;
		if ((rc = st_prepare(s, person_sql, &pst, err)))
			break;
		sqlite3_bind_int64(pst, 1, ids[i]);
		int step = st_row(s, pst, _("searching names"), err);
		if (step < 0)
			rc = CD_ESTORE;   /* a candidate lost to a failed read would shorten the list */
		if (step > 0) {
			const char *names[5];
			for (int k = 0; k < 4; k++)
				names[k] = (const char *)sqlite3_column_text(pst, 1 + k);
			names[4] = (const char *)sqlite3_column_text(pst, 6);
			const char *dob = (const char *)sqlite3_column_text(pst, 5);
			struct pairing *p = &cs->pair;
			p->nw = search_person_words(s, ids[i], names, cs->w, PERSON_WORDS, err);
			if (err && err->code == CD_ESTORE) {
				rc = CD_ESTORE;
				break;
			}
			p->nq = q->n;
			p->wref = cs->w;
			for (size_t k = 0; k < p->nw; k++)
				p->role[k] = cs->w[k].role;
			char why[sizeof c.h.why];
			const char *via = NULL;
			int score = score_person(q, p, dob, 0, why, sizeof why, &dob_rank, &via);
			c.strict = score;
			memcpy(c.why_strict, why, sizeof c.why_strict);
			if (score > 0 && q->open_last)
				c.strict = score_person(q, p, dob, 1, c.why_strict, sizeof c.why_strict, &dob_rank,
							&via);
			if (probe && score > 0 && q->open_last)
				for (size_t k = 0; k < p->nw && !q->typing; k++)
					q->typing = extends(&q->w[q->n - 1], &cs->w[k]);
			if (score > 0) {
				if (cs->n == cs->cap) {
					size_t ncap = cs->cap ? cs->cap * 2 : 64;
					struct cand *g = realloc(cs->c, ncap * sizeof *g);
					if (!g) {
						rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
						break;
					}
					cs->c = g;
					cs->cap = ncap;
				}
				fill_hit(&c.h, pst);
				c.h.score = score;
				memcpy(c.h.why, why, sizeof c.h.why);
				c.h.match = CD_MATCH_NAME;
				c.h.via = via;
				c.h.detail[0] = (char)dob_rank;
				cs->c[cs->n++] = c;
			}
		}
		st_finish(s, pst);
		pst = NULL;
	}
	st_finish(s, pst);
	return rc;
}

/*
 * How many candidates score at least what every word exact but one at `level` gives (with
 * TYPO1: a typo pass cannot bring better; with PREFIX, while a word is typed: its other
 * spellings cannot rank above).  *near, when asked: how many of them are not exact.
 */
static int count_at_least(const struct query *q, const struct cands *cs, int level, int *near)
{
	int bound = (100 * ((int)q->n - 1) + level) / (int)q->n, count = 0, partial = 0;
	for (size_t i = 0; i < cs->n; i++) {
		int sc = cand_score(q, &cs->c[i]);
		count += sc >= bound;
		partial += sc >= bound && sc < 100;
	}
	if (near)
		*near = partial;
	return count;
}

static int name_search(struct cd_store *s, const char *text, int limit, struct cd_search_hit **hits, size_t *n,
		       size_t *cap, struct cd_error *err)
{
	/* ?3 (a year) narrows the trigram passes when a date was typed. */
	static const char trigram_sql[] = "SELECT f.rowid FROM person_fts f WHERE person_fts MATCH ?1 LIMIT ?2";
	static const char trigram_dob_sql[] = "SELECT f.rowid FROM person_fts f JOIN person p ON p.id = f.rowid"
					      " WHERE person_fts MATCH ?1 AND substr(p.dob, 1, 4) = ?3 LIMIT ?2";
	static const char keys_sql[] = "SELECT rowid FROM person_key WHERE person_key MATCH ?1 LIMIT ?2";
	/* ICAO Latin is A-Z, space and '<': '~' sorts after every letter of it. */
	static const char latin_prefix_sql[] = "SELECT id FROM person WHERE surname_latin >= ?1"
					       " AND surname_latin < ?1 || '~' LIMIT ?2";
	struct query q = { .raw = CD_BUF_INIT, .latin = CD_BUF_INIT };
	struct cd_buf m = CD_BUF_INIT;
	struct cands *cs = calloc(1, sizeof *cs);
	const char *tri = NULL;
	int rc = CD_OK;

	if (!cs)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = translit_load(err)))
		goto out;
	parse_query(text, &q);
	if (q.n == 0)
		goto out;
	tri = q.dob[0] ? trigram_dob_sql : trigram_sql;

	/* 1. As typed (any script, any part of a word) through the trigram index. */
	if (fts_query(buf_str(&q.raw), &m) > 0 && !m.failed &&
	    (rc = run_pass(s, tri, buf_str(&m), PASS_TRIGRAM, &q, cs, 1, err)))
		goto out;
	/* ... and its ICAO form, for a query in another script than the stored Latin forms. */
	buf_reset(&m);
	if (!name_is_ascii(buf_str(&q.raw)) && fts_query(buf_str(&q.latin), &m) > 0 && !m.failed &&
	    (rc = run_pass(s, tri, buf_str(&m), PASS_TRIGRAM, &q, cs, 1, err)))
		goto out;
	/* 2. Spelling variants: the same skeleton keys - unless a word is still being typed
	 * and `limit` hits already begin it: its other spellings rank under those
	 * (CD_NAME_VARIANT_TYPING), so they could not be shown, and reading them is half the
	 * time of a keystroke at a million people. */
	buf_reset(&m);
	int begun = q.typing ? count_at_least(&q, cs, CD_NAME_PREFIX, NULL) : 0;
	if (begun < limit && keys_query(&q, 0, &m) > 0 && !m.failed &&
	    (rc = run_pass(s, keys_sql, buf_str(&m), PASS_KEYS, &q, cs, 1, err)))
		goto out;
	/* ... and with an article typed alone as part of the next word (AL MALIKI). */
	int articles = 0;
	for (size_t i = 0; i < q.n; i++)
		articles |= skippable(&q, i);
	buf_reset(&m);
	if (articles && begun < limit && keys_query(&q, 1, &m) > 0 && !m.failed &&
	    (rc = run_pass(s, keys_sql, buf_str(&m), PASS_KEYS, &q, cs, 1, err)))
		goto out;

	/*
	 * 2b. A name that starts with a particle (AL HA, EL MA, DE LA): the trigram index has no
	 * word of three letters to look up and the keys of two letters match a tenth of the
	 * office, but the ICAO surname begins with what was typed - a range of the
	 * person_latin index.
	 */
	if (q.n >= 2 && strlen(q.w[0].icao) < 3) {
		char prefix[128];
		size_t len = 0;
		for (size_t i = 0; i < q.n && len + 1 < sizeof prefix; i++)
			len += (size_t)snprintf(prefix + len, sizeof prefix - len, "%s%s", i ? " " : "", q.w[i].icao);
		if (len < sizeof prefix &&
		    (rc = run_pass(s, latin_prefix_sql, prefix, PASS_KEYS, &q, cs, 1, err)))
			goto out;
	}

	/*
	 * 3. Typos, one word at a time - except in the word still being typed: when it begins
	 * a longer name of a hit so far (q.typing), more letters must narrow the list, never
	 * widen it; once it is a whole name (or begins none), it is read with typos too.
	 * Three steps, cheapest first: the keys of the likeliest originals, the trigram
	 * pieces, then the keys of every original one letter added or changed away; a step
	 * runs only while nothing was found one typo away from the query (the person a
	 * caseworker means), and none once `limit` hits score at least what one typo could.
	 */
	for (int step = 0; step < 3; step++) {
		int near, above = count_at_least(&q, cs, CD_NAME_TYPO1, &near);
		if (above >= limit || (step == 2 && near))
			break;
		for (size_t i = 0; i < q.n; i++) {
			if (!may_typo(&q, i))
				continue;
			buf_reset(&m);
			if (step == 1 ? typo_trigram_query(&q, i, &m) > 0 : typo_keys_query(&q, i, step == 2, &m) > 0) {
				if (!m.failed && (rc = run_pass(s, step == 1 ? tri : keys_sql, buf_str(&m), PASS_TYPOS,
								&q, cs, 0, err)))
					goto out;
			}
		}
	}

	for (size_t i = 0; i < cs->n; i++) {
		struct cand *c = &cs->c[i];
		if (q.typing) {
			c->h.score = c->strict;
			memcpy(c->h.why, c->why_strict, sizeof c->h.why);
		}
		if (rc || c->h.score <= 0 || (rc = grow(hits, *n, cap, err))) {
			cand_release(c);
			continue;
		}
		(*hits)[(*n)++] = c->h;
	}
	cs->n = 0;
out:
	if (cs)
		for (size_t i = 0; i < cs->n; i++)
			cand_release(&cs->c[i]);
	if (cs)
		free(cs->c);
	free(cs);
	buf_release(&m);
	buf_release(&q.raw);
	buf_release(&q.latin);
	return rc;
}

/* ---- numbers ------------------------------------------------------------------------ */

/* Every statement is one lookup of a UNIQUE (or document_number) index, ?1 the number. */
#define HIT_COLS "p.number, p.surname, p.given, p.surname_latin, p.given_latin, p.dob, p.nationality"
static const char case_sql[] = "SELECT " HIT_COLS ", c.number FROM cases c JOIN person p ON p.id = c.person_id"
			       " WHERE c.number = upper(?1)"
			       " AND (?2 = '*' OR instr(',' || ?2 || ',', ',' || c.workflow_id || ',') > 0)";
static const char person_number_sql[] = "SELECT " HIT_COLS ", p.number FROM person p WHERE p.number = upper(?1)";
static const char document_sql[] = "SELECT " HIT_COLS ", d.number FROM document d JOIN person p ON p.id = d.person_id"
				   " WHERE d.number = ?1";
/* The first number after ?1: one seek each finds the next prefix (P-TBS-, RP-TBS-2026-). */
static const char person_next_sql[] = "SELECT number FROM person WHERE number > ?1 ORDER BY number LIMIT 1";
static const char case_next_sql[] = "SELECT number FROM cases WHERE number > ?1 ORDER BY number LIMIT 1";

const char *const search_number_sql[] = { case_sql, person_number_sql, document_sql, person_next_sql, case_next_sql };
const size_t search_number_sql_n = sizeof search_number_sql / sizeof search_number_sql[0];

/* The hits of one number statement (its ?2, when it has one, the reader's workflows). */
static int number_hits(struct cd_store *s, const struct cd_actor *actor, const char *sql, const char *number,
		       enum cd_match match, struct cd_search_hit **hits, size_t *n, size_t *cap, int limit,
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		st_bind_text(st, 2, actor->workflows);
	rc = collect(st, match, _(cd_match_name(match)), 7, hits, n, cap, limit, err);
	st_finish(s, st);
	return rc;
}

/*
 * Whether the query is the last digits of a number (1 to 12 digits, not all zeros): their
 * sequence part as numbers write it, at least six digits (123 and 000123 -> 000123).
 */
static int last_digits(const char *query, char *out, size_t size)
{
	size_t len = strspn(query, "0123456789");
	if (len == 0 || len > 12 || query[len] || size < 13)
		return 0;
	while (*query == '0')
		query++, len--;
	if (len == 0)
		return 0;
	snprintf(out, size, "%.*s%s", len < 6 ? (int)(6 - len) : 0, "000000", query);
	return 1;
}

/*
 * The numbers of a table ending in `digits`: for each prefix in its number index, found
 * by one seek past the last (there are a few dozen: office and year, per workflow), the
 * number prefix + digits looked up whole.  No scan at a million people: each is a lookup.
 */
static int by_last_digits(struct cd_store *s, const struct cd_actor *actor, const char *next_sql, const char *sql,
			  enum cd_match match, const char *digits, struct cd_search_hit **hits, size_t *n,
			  size_t *cap, int limit, struct cd_error *err)
{
	char after[64] = "", number[64];
	int rc = CD_OK;

	for (int seeks = 0; seeks < 1000 && rc == CD_OK && (int)*n < limit; seeks++) {
		sqlite3_stmt *st = NULL;
		if ((rc = st_prepare(s, next_sql, &st, err)))
			break;
		sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
		int r = st_row(s, st, _("searching numbers"), err);
		if (r > 0)
			snprintf(number, sizeof number, "%s", (const char *)sqlite3_column_text(st, 0));
		st_finish(s, st);
		if (r < 0)
			rc = CD_ESTORE;
		if (r <= 0)
			break;
		const char *dash = strrchr(number, '-');
		if (!dash) {
			/* No prefix to keep: the next number after this one. */
			snprintf(after, sizeof after, "%s", number);
			continue;
		}
		int plen = (int)(dash - number) + 1;
		char whole[96];
		snprintf(whole, sizeof whole, "%.*s%s", plen, number, digits);
		rc = number_hits(s, actor, sql, whole, match, hits, n, cap, limit, err);
		/* '~' sorts after every digit: past every number with this prefix. */
		snprintf(after, sizeof after, "%.*s~", plen, number);
	}
	return rc;
}

int search_people(struct cd_store *s, const struct cd_actor *actor, const char *query, int limit,
		  struct cd_search_hit **out, size_t *n, struct cd_error *err)
{
	struct cd_search_hit *hits = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	char norm[64], digits[16];
	int rc, own_read = s->txn_depth == 0;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		limit = 20;
	if (!query || !*query)
		return CD_OK;
	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		return rc;

	/* A case number names one person exactly: within the reader's workflows. */
	if ((rc = number_hits(s, actor, case_sql, query, CD_MATCH_CASE, &hits, &count, &cap, limit, err)))
		goto out;
	/* Another unit's case (need-to-know, users.h) is said to exist and no more: naming
	 * its person would tell anyone who tries numbers who has, say, an asylum case. */
	if (count == 0) {
		if ((rc = st_prepare(s, "SELECT 1 FROM cases WHERE number = upper(?1)", &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			if ((rc = grow(&hits, count, &cap, err)))
				goto out;
			struct cd_search_hit *h = &hits[count++];
			memset(h, 0, sizeof *h);
			h->surname = strdup("");
			h->given = strdup("");
			h->surname_latin = strdup("");
			h->given_latin = strdup("");
			h->match = CD_MATCH_CASE;
			h->via = number_via(CD_MATCH_CASE);
			h->other_unit = 1;
			snprintf(h->why, sizeof h->why, "%s", _("a case in another unit"));
			if (!h->surname || !h->given || !h->surname_latin || !h->given_latin) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
		}
		st_finish(s, st);
		st = NULL;
	}
	/* A person number. */
	if (count == 0 && (rc = number_hits(s, actor, person_number_sql, query, CD_MATCH_PERSON, &hits, &count, &cap, limit,
					    err)))
		goto out;

	/* A document number, written with or without spaces and dashes. */
	document_number_normalise(query, norm, sizeof norm);
	if (*norm && (rc = number_hits(s, actor, document_sql, norm, CD_MATCH_DOCUMENT, &hits, &count, &cap, limit,
				       err)))
		goto out;

	/* The last digits of person and case numbers: 2345 for P-TBS-002345, 123 for
	 * RP-TBS-2026-000123 (every prefix that has one). */
	if (last_digits(query, digits, sizeof digits) &&
	    ((rc = by_last_digits(s, actor, person_next_sql, person_number_sql, CD_MATCH_PERSON, digits, &hits, &count, &cap,
				  limit, err)) ||
	     (rc = by_last_digits(s, actor, case_next_sql, case_sql, CD_MATCH_CASE, digits, &hits, &count, &cap, limit,
				  err))))
		goto out;

	/* Names, scored.  A query that found its case or document is a number, not a name. */
	if (count == 0) {
		if ((rc = name_search(s, query, limit, &hits, &count, &cap, err)))
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

/* ---- audited search -------------------------------------------------------------------- */

int search_audit(struct cd_store *s, const struct cd_actor *actor, const char *query,
		 const struct cd_search_hit *hits, size_t n, const char *purpose, struct cd_error *err)
{
	char hex[65], detail[96];
	int64_t *ids = NULL;
	size_t named = 0;
	int rc = CD_OK;

	if (!query || !*query)
		return CD_OK;
	/* The query names someone: only its hash is kept, enough to answer "who searched for
	 * this name?" by hashing the name, never to read what was searched. */
	access_sha256_hex(query, hex);
	snprintf(detail, sizeof detail, "sha256=%s shown=%zu", hex, n);
	if (n && n <= ACCESS_NAMED_MAX) {
		if (!(ids = malloc(n * sizeof *ids)))
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		/* Another unit's case names no one (need-to-know): there is nobody to name here. */
		for (size_t i = 0; i < n && rc == CD_OK; i++)
			if (!hits[i].other_unit)
				rc = person_resolve(s, hits[i].number, &ids[named++], err);
	}
	if (rc == CD_OK)
		rc = access_audit_list(s, actor, "search", "query", detail, ids, ids ? named : n, purpose, err);
	free(ids);
	return rc;
}

int search_read(struct cd_store *s, const struct cd_actor *actor, const char *query, int limit,
		const char *purpose, struct cd_search_hit **out, size_t *n, struct cd_error *err)
{
	int rc = search_people(s, actor, query, limit, out, n, err);
	if (rc == CD_OK && (rc = search_audit(s, actor, query, *out, *n, purpose, err))) {
		search_hits_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- the same reading for a search held elsewhere (the national tier) ------------------- */

size_t search_query_keys(const char *query, char groups[][2][32], size_t max, char year[8])
{
	struct query q = { .raw = CD_BUF_INIT, .latin = CD_BUF_INIT };
	size_t n = 0;

	year[0] = '\0';
	if (translit_load(NULL))
		return 0;
	parse_query(query, &q);
	for (size_t i = 0; i < q.n && n < max; i++) {
		/* An article typed alone is the next word's (AL MALIKI): no key of its own. */
		if (!q.w[i].key[0] || skippable(&q, i))
			continue;
		snprintf(groups[n][0], sizeof groups[n][0], "%s", q.w[i].key);
		snprintf(groups[n][1], sizeof groups[n][1], "%s",
			 strcmp(q.w[i].key2, q.w[i].key) != 0 ? q.w[i].key2 : "");
		n++;
	}
	if (n && q.dob[0])
		snprintf(year, 8, "y%.4s", q.dob);
	buf_release(&q.raw);
	buf_release(&q.latin);
	return n;
}

int search_score_names(const char *query, const char *const names[5], const char *dob, char *why, size_t why_size,
		       const char **via, int *dob_rank)
{
	struct query q = { .raw = CD_BUF_INIT, .latin = CD_BUF_INIT };
	struct cands *cs = calloc(1, sizeof *cs);
	int score = 0;

	*via = NULL;
	*dob_rank = 0;
	why[0] = '\0';
	if (!cs || translit_load(NULL))
		goto out;
	parse_query(query, &q);
	if (!q.n)
		goto out;
	struct pairing *p = &cs->pair;
	p->nw = own_words(names, cs->w, PERSON_WORDS);
	p->nq = q.n;
	p->wref = cs->w;
	for (size_t k = 0; k < p->nw; k++)
		p->role[k] = cs->w[k].role;
	/* A whole query, as `casedesk search` reads one: typos allowed in every word. */
	score = score_person(&q, p, dob ? dob : "", 0, why, why_size, dob_rank, via);
out:
	free(cs);
	buf_release(&q.raw);
	buf_release(&q.latin);
	return score;
}
