/*
 * bench_names.c - `make bench`, issue 5: fuzzy name search and the duplicate check at
 * registration, timed and scored on a demo store.
 *
 * usage: build/bench_names STORE [TRUTH [QUERIES_OUT]]
 *
 *   STORE        a demo store (tests/bench.sh builds it with `--seed-duplicates 1`)
 *   TRUTH        its seeded duplicates (default STORE.duplicates.tsv; may be missing: then
 *                only the typo queries below are run, e.g. on an older cached store)
 *   QUERIES_OUT  where to write every query with its expected person and casedesk's result,
 *                for tests/bench_pg.sh (default build/bench-names.queries.tsv)
 *
 * Two query sets:
 *   typo  1000 random people, "SURNAME GIVEN" (ICAO Latin) with one typo in the surname (a
 *         letter doubled, dropped or two neighbours swapped): the bench's fuzzy searches;
 *         found = that person among the top 10.
 *   dup   each seeded duplicate (STORE.duplicates.tsv, written by `casedesk demo
 *         --seed-duplicates`): found by search = the original among the top 10 of
 *         search_people on the duplicate's "SURNAME GIVEN" as registered; found by the
 *         duplicate check = dupes_find on the duplicate's names, date of birth, sex and
 *         nationality as a clerk would type them returns the original at or above the warn
 *         threshold (60).  The duplicate itself is in the store and always matches itself:
 *         it is left out of the top 10 and of the duplicate check's list.
 *   new   NEW_PEOPLE people as a clerk registers someone the office has never seen: the
 *         surname of one stored person, the given names of another, a date of birth drawn
 *         at random - the duplicate check's common case, timed only (what it lists is
 *         whoever shares a name, rightly).
 * Times are of search_people (limit 11) and dupes_find alone, after WARMUP untimed calls.
 * Targets are printed, never asserted; the program fails only when it cannot measure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "model/store/dupes.h"
#include "model/store/person.h"
#include "model/store/search.h"
#include "model/store/store.h"
#include "model/store/store_internal.h"

#define TYPO_QUERIES 1000
#define DUP_MAX 5000             /* duplicates checked at most (1% of 1M is 10,000) */
#define WARMUP 100
#define TOP 10
#define NEW_PEOPLE 500

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

/* Reads as a user of every workflow would (need-to-know is tested in t_need.sh). */
static const struct cd_actor reader = { .name = "clerk", .roles = 1, .workflows = "*" };
static unsigned rnd_below(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n ? (unsigned)((rng * 2685821657736338717ull) % n) : 0;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_names: %s: %s\n", what, msg);
	exit(1);
}

struct query {
	char set[8];                 /* "typo" or "dup" */
	char kind[24];               /* the duplicate's kind; "typo" for the typo set */
	char text[300];              /* "SURNAME GIVEN" */
	char expect[32];             /* the person to find */
	char self[32];               /* the duplicate itself (left out), "" for typo */
	char surname[160], given[160], dob[11], nationality[4], sex[2];
	int search_found, dupe_found, dupe_score;
	double search_us, dupe_us;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* One typo inside a word: a letter doubled, dropped, or two neighbours swapped. */
static void typo(char *s, size_t size)
{
	size_t len = strcspn(s, " ");
	if (len < 4)
		return;
	for (int tries = 0; tries < 8; tries++) {
		size_t i = 1 + rnd_below((unsigned)len - 2), all = strlen(s);
		switch (rnd_below(3)) {
		case 0:
			if (all + 2 > size)
				return;
			memmove(s + i + 1, s + i, all - i + 1);
			return;
		case 1:
			memmove(s + i, s + i + 1, all - i);
			return;
		default:
			if (s[i] == s[i + 1])
				continue;
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
			return;
		}
	}
}

static int load_person(sqlite3 *db, const char *where, const char *arg, long id, struct query *q)
{
	char sql[256];
	sqlite3_stmt *st;
	int ok = 0;
	snprintf(sql, sizeof sql,
		 "SELECT number, surname_latin, given_latin, surname, given, dob, nationality, sex FROM person WHERE %s",
		 where);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("sqlite", sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		if (arg)
			snprintf(q->self, sizeof q->self, "%s", number);
		else
			snprintf(q->expect, sizeof q->expect, "%s", number);
		snprintf(q->text, sizeof q->text, "%s %s", sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
		snprintf(q->surname, sizeof q->surname, "%s", sqlite3_column_text(st, 3));
		snprintf(q->given, sizeof q->given, "%s", sqlite3_column_text(st, 4));
		snprintf(q->dob, sizeof q->dob, "%s", sqlite3_column_text(st, 5));
		snprintf(q->nationality, sizeof q->nationality, "%s", sqlite3_column_text(st, 6));
		snprintf(q->sex, sizeof q->sex, "%s", sqlite3_column_text(st, 7));
		ok = 1;
	}
	sqlite3_finalize(st);
	return ok;
}

static void run_search(struct cd_store *s, struct query *q, int timed)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *hits = NULL;
	size_t n = 0;
	double t0 = now_us();
	if (search_people(s, &reader, q->text, TOP + 1, &hits, &n, &err))
		die("search_people", err.msg);
	double t1 = now_us();
	if (!timed)
		goto out;
	q->search_us = t1 - t0;
	q->search_found = 0;
	for (size_t i = 0, rank = 0; i < n && rank < TOP; i++) {
		if (*q->self && strcmp(hits[i].number, q->self) == 0)
			continue;
		rank++;
		q->search_found |= strcmp(hits[i].number, q->expect) == 0;
	}
out:
	search_hits_free(hits, n);
}

static void run_dupes(struct cd_store *s, struct query *q, int timed)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_dupe *d = NULL;
	size_t n = 0;
	/* As typed at the counter: names as written (Latin derived as person_add does). */
	struct cd_person_input in = { .surname = q->surname, .given = q->given, .sex = q->sex, .dob = q->dob,
				      .nationality = q->nationality };
	double t0 = now_us();
	if (dupes_find(s, &in, NULL, &d, &n, &err))
		die("dupes_find", err.msg);
	double t1 = now_us();
	if (timed) {
		q->dupe_us = t1 - t0;
		q->dupe_found = 0;
		q->dupe_score = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(d[i].number, q->expect) == 0) {
				q->dupe_score = d[i].score;
				q->dupe_found = d[i].score >= DUPES_WARN_DEFAULT;
			}
	}
	dupes_free(d, n);
}

/*
 * BENCH_NAMES_MISSES=1: each query whose person was not in the top 10, with where that
 * person ranked among the first 500 and what came first - to see why it was missed.
 */
static void explain_miss(struct cd_store *s, const struct query *q)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *hits = NULL;
	size_t n = 0, rank = 0, at = 0;
	const char *why = "-";
	if (search_people(s, &reader, q->text, 500, &hits, &n, &err))
		die("search_people", err.msg);
	for (size_t i = 0; i < n; i++) {
		if (*q->self && strcmp(hits[i].number, q->self) == 0)
			continue;
		rank++;
		if (strcmp(hits[i].number, q->expect) == 0) {
			at = rank;
			why = hits[i].why;
			break;
		}
	}
	printf("miss\t%s\t%s\t%s\trank %zu of %zu (%s)\tfirst: %s %s, %s (%d, %s)\n", q->kind, q->text, q->expect,
	       at, n, why, n ? hits[0].number : "-", n ? hits[0].surname_latin : "", n ? hits[0].given_latin : "",
	       n ? hits[0].score : 0, n ? hits[0].why : "");
	search_hits_free(hits, n);
}

static void row(const char *figure, const char *value, const char *target)
{
	printf("%-52s %14s %14s\n", figure, value, target);
}

/* The duplicate check for people who are not in the store (see "new" above); v holds NEW_PEOPLE. */
static void time_new_people(struct cd_store *s, long max_id, double *v)
{
	struct query a, b;
	size_t n = 0;
	int warm = WARMUP / 5;
	char buf[32];
	for (int tries = 0; n < NEW_PEOPLE && max_id > 0 && tries < NEW_PEOPLE * 4; tries++) {
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		if (!load_person(s->db, "id = ?", NULL, 1 + (long)rnd_below((unsigned)max_id), &a) ||
		    !load_person(s->db, "id = ?", NULL, 1 + (long)rnd_below((unsigned)max_id), &b))
			continue;
		snprintf(a.given, sizeof a.given, "%s", b.given);
		snprintf(a.dob, sizeof a.dob, "%04u-%02u-%02u", 1940 + rnd_below(80), 1 + rnd_below(12), 1 + rnd_below(28));
		run_dupes(s, &a, warm <= 0);
		if (warm > 0)
			warm--;
		else
			v[n++] = a.dupe_us;
	}
	snprintf(buf, sizeof buf, "%.2f ms", pct(v, n, 0.50) / 1000);
	row("duplicate check, new people (not in the store), p50", buf, "");
	snprintf(buf, sizeof buf, "%.2f ms", pct(v, n, 0.99) / 1000);
	row("duplicate check, new people (not in the store), p99", buf, "< 20 ms");
}

int main(int argc, char **argv)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	char truth_default[4200], buf[128], label[128];
	const char *store, *truth, *out_path;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: bench_names STORE [TRUTH [QUERIES_OUT]]\n");
		return 2;
	}
	store = argv[1];
	snprintf(truth_default, sizeof truth_default, "%s.duplicates.tsv", store);
	truth = argc > 2 ? argv[2] : truth_default;
	out_path = argc > 3 ? argv[3] : "build/bench-names.queries.tsv";
	if (store_open(store, &s, &err))
		die(store, err.msg);

	size_t cap = TYPO_QUERIES + DUP_MAX, nq = 0, n_typo = 0, n_dup = 0;
	struct query *qs = calloc(cap, sizeof *qs);
	if (!qs)
		die("memory", "out of memory");

	/* The typo set: random people by row id. */
	long max_id = 0;
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(s->db, "SELECT max(id) FROM person", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			max_id = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	for (int tries = 0; n_typo < TYPO_QUERIES && max_id > 0 && tries < TYPO_QUERIES * 4; tries++) {
		struct query *q = &qs[nq];
		memset(q, 0, sizeof *q);
		if (!load_person(s->db, "id = ?", NULL, 1 + (long)rnd_below((unsigned)max_id), q))
			continue;
		snprintf(q->set, sizeof q->set, "typo");
		snprintf(q->kind, sizeof q->kind, "typo");
		typo(q->text, sizeof q->text);
		nq++, n_typo++;
	}

	/* The seeded duplicates. */
	FILE *tf = fopen(truth, "r");
	if (tf) {
		char line[256];
		while (fgets(line, sizeof line, tf) && n_dup < DUP_MAX) {
			char orig[32], dup[32], kind[24];
			if (line[0] == '#' || sscanf(line, "%31[^\t]\t%31[^\t]\t%23s", orig, dup, kind) != 3)
				continue;
			struct query *q = &qs[nq];
			memset(q, 0, sizeof *q);
			if (!load_person(s->db, "number = ?", dup, 0, q))
				continue;
			snprintf(q->set, sizeof q->set, "dup");
			snprintf(q->kind, sizeof q->kind, "%s", kind);
			snprintf(q->expect, sizeof q->expect, "%s", orig);
			nq++, n_dup++;
		}
		fclose(tf);
	}

	/* Warm up, then time every query once. */
	for (size_t i = 0; i < nq && i < WARMUP; i++)
		run_search(s, &qs[i], 0);
	for (size_t i = 0; i < nq; i++)
		run_search(s, &qs[i], 1);
	for (size_t i = n_typo; i < nq && i < n_typo + WARMUP; i++)
		run_dupes(s, &qs[i], 0);
	for (size_t i = n_typo; i < nq; i++)
		run_dupes(s, &qs[i], 1);

	if (getenv("BENCH_NAMES_MISSES")) {
		for (size_t i = 0; i < nq; i++)
			if (!qs[i].search_found)
				explain_miss(s, &qs[i]);
		for (size_t i = n_typo; i < nq; i++)
			if (!qs[i].dupe_found)
				printf("dupe miss\t%s\t%s / %s, %s, %s\t%s\tscore %d (0: not listed)\n", qs[i].kind,
				       qs[i].surname, qs[i].given, qs[i].dob, qs[i].nationality, qs[i].expect,
				       qs[i].dupe_score);
	}

	/* v holds one figure per query, and then time_new_people's NEW_PEOPLE. */
	double *v = calloc((nq > NEW_PEOPLE ? nq : NEW_PEOPLE) + 1, sizeof *v);
	size_t nv = 0, found = 0;
	for (size_t i = 0; i < nq; i++) {
		v[nv++] = qs[i].search_us;
	}
	double s50 = pct(v, nv, 0.50), s99 = pct(v, nv, 0.99);

	printf("\nNames (issue 5): fuzzy search and the duplicate check, %s\n", store);
	printf("%-52s %14s %14s\n", "figure", "value", "target");
	snprintf(label, sizeof label, "fuzzy name search, %zu queries, p50", nq);
	snprintf(buf, sizeof buf, "%.2f ms", s50 / 1000);
	row(label, buf, "");
	snprintf(label, sizeof label, "fuzzy name search, %zu queries, p99", nq);
	snprintf(buf, sizeof buf, "%.2f ms", s99 / 1000);
	row(label, buf, "< 20 ms");
	for (size_t i = 0; i < n_typo; i++)
		found += qs[i].search_found;
	snprintf(label, sizeof label, "search: typo'd person in top %d (%zu queries)", TOP, n_typo);
	snprintf(buf, sizeof buf, "%.1f %%", n_typo ? 100.0 * (double)found / (double)n_typo : 0);
	row(label, buf, "");

	double d50 = 0, d99 = 0;
	if (n_dup) {
		nv = 0;
		for (size_t i = n_typo; i < nq; i++)
			v[nv++] = qs[i].dupe_us;
		d50 = pct(v, nv, 0.50);
		d99 = pct(v, nv, 0.99);
		snprintf(buf, sizeof buf, "%.2f ms", d50 / 1000);
		row("duplicate check at registration (dupes_find), p50", buf, "");
		snprintf(buf, sizeof buf, "%.2f ms", d99 / 1000);
		row("duplicate check at registration (dupes_find), p99", buf, "< 20 ms");
		time_new_people(s, max_id, v);

		/* Recall per kind, in the order kinds first appear. */
		const char *kinds[32];
		size_t nk = 0;
		for (size_t i = n_typo; i < nq; i++) {
			size_t k = 0;
			while (k < nk && strcmp(kinds[k], qs[i].kind))
				k++;
			if (k == nk && nk < 32)
				kinds[nk++] = qs[i].kind;
		}
		printf("%-52s %14s %14s\n", "seeded duplicates: recall", "dup check>=60", "search top 10");
		for (size_t k = 0; k <= nk; k++) {
			size_t n = 0, fd = 0, fs = 0;
			for (size_t i = n_typo; i < nq; i++)
				if (k == nk || strcmp(kinds[k], qs[i].kind) == 0) {
					n++;
					fd += qs[i].dupe_found;
					fs += qs[i].search_found;
				}
			char a[32], b[32];
			snprintf(label, sizeof label, "  %s (%zu)", k == nk ? "all kinds" : kinds[k], n);
			snprintf(a, sizeof a, "%.1f %%", 100.0 * (double)fd / (double)n);
			snprintf(b, sizeof b, "%.1f %%", 100.0 * (double)fs / (double)n);
			printf("%-52s %14s %14s\n", label, a, b);
		}
	} else {
		printf("no seeded duplicates (%s missing or empty): duplicate check and recall not measured\n", truth);
	}

	/* For tests/bench_pg.sh: the same queries, what to find, and what casedesk did. */
	FILE *out = fopen(out_path, "w");
	if (!out)
		die(out_path, "cannot write");
	fprintf(out, "# casedesk search_people p50_us %.0f p99_us %.0f dupes_find p50_us %.0f p99_us %.0f store %s\n",
		s50, s99, d50, d99, store);
	fprintf(out, "# set\tkind\tquery\texpected\tself\tcasedesk_found\tcasedesk_us\n");
	for (size_t i = 0; i < nq; i++)
		fprintf(out, "%s\t%s\t%s\t%s\t%s\t%d\t%.0f\n", qs[i].set, qs[i].kind, qs[i].text, qs[i].expect,
			*qs[i].self ? qs[i].self : "-", qs[i].search_found, qs[i].search_us);
	if (fclose(out))
		die(out_path, "cannot write");
	free(v);
	free(qs);
	store_close(s);
	return 0;
}
