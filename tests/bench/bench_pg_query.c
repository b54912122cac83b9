/*
 * bench_pg_query.c - tests/bench_pg.sh's client: runs bench_names' queries against
 * PostgreSQL pg_trgm through libpq (one prepared statement, no process per query) and
 * compares with what casedesk did on the same queries.
 *
 * usage: bench_pg_query CONNINFO QUERIES_TSV
 *
 * Each query: SELECT number FROM people WHERE names % $1 AND number <> $2
 *             ORDER BY similarity(names, $1) DESC LIMIT 10
 * ($2 is the duplicate itself, left out as bench_names leaves it out of casedesk's top 10).
 * Built by bench_pg.sh with `pkg-config libpq`; not part of `make`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#define WARMUP 100

struct q {
	char set[8], kind[24], text[300], expect[32], self[32];
	int cd_found, pg_found;
	double cd_us, pg_us;
};

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

static void run(PGconn *c, struct q *q, int timed)
{
	const char *params[2] = { q->text, *q->self ? q->self : "-" };
	double t0 = now_us();
	PGresult *r = PQexecPrepared(c, "q", 2, params, NULL, NULL, 0);
	double t1 = now_us();
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench_pg_query: %s", PQerrorMessage(c));
		exit(1);
	}
	if (timed) {
		q->pg_us = t1 - t0;
		q->pg_found = 0;
		for (int i = 0; i < PQntuples(r); i++)
			q->pg_found |= strcmp(PQgetvalue(r, i, 0), q->expect) == 0;
	}
	PQclear(r);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_pg_query CONNINFO QUERIES_TSV\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	size_t n = 0, cap = 1024;
	struct q *qs = malloc(cap * sizeof *qs);
	char line[1024];
	double cd_p99 = 0, cd_p50 = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#') {
			char *p = strstr(line, "search_people p50_us ");
			if (p)
				sscanf(p, "search_people p50_us %lf p99_us %lf", &cd_p50, &cd_p99);
			continue;
		}
		if (n == cap)
			qs = realloc(qs, (cap *= 2) * sizeof *qs);
		struct q *q = &qs[n];
		memset(q, 0, sizeof *q);
		if (sscanf(line, "%7[^\t]\t%23[^\t]\t%299[^\t]\t%31[^\t]\t%31[^\t]\t%d\t%lf", q->set, q->kind, q->text,
			   q->expect, q->self, &q->cd_found, &q->cd_us) == 7)
			n++;
	}
	fclose(f);

	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench_pg_query: %s", PQerrorMessage(c));
		return 1;
	}
	PGresult *r = PQprepare(c, "q",
				"SELECT number FROM people WHERE names % $1 AND number <> $2 "
				"ORDER BY similarity(names, $1) DESC LIMIT 10",
				2, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "bench_pg_query: %s", PQerrorMessage(c));
		return 1;
	}
	PQclear(r);
	for (size_t i = 0; i < n && i < WARMUP; i++)
		run(c, &qs[i], 0);
	for (size_t i = 0; i < n; i++)
		run(c, &qs[i], 1);
	PQfinish(c);

	double *v = calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = qs[i].pg_us;
	double p50 = pct(v, n, 0.5), p99 = pct(v, n, 0.99);
	printf("%-52s %14s %14s\n", "figure", "value", "target");
	char label[128], buf[64];
	snprintf(label, sizeof label, "pg_trgm search, same %zu queries, p50", n);
	snprintf(buf, sizeof buf, "%.2f ms", p50 / 1000);
	printf("%-52s %14s %14s\n", label, buf, "");
	snprintf(label, sizeof label, "pg_trgm search, same %zu queries, p99", n);
	snprintf(buf, sizeof buf, "%.2f ms", p99 / 1000);
	printf("%-52s %14s %14s\n", label, buf, "");
	snprintf(buf, sizeof buf, "%.1fx", cd_p99 > 0 ? p99 / cd_p99 : 0);
	printf("%-52s %14s %14s\n", "p99 ratio pg_trgm / casedesk (casedesk faster by)", buf, ">= 2x");
	snprintf(buf, sizeof buf, "%.1fx", cd_p50 > 0 ? p50 / cd_p50 : 0);
	printf("%-52s %14s %14s\n", "p50 ratio pg_trgm / casedesk", buf, "");

	/* BENCH_PG_DIFF=1: the queries one side found and the other did not, to see why. */
	if (getenv("BENCH_PG_DIFF"))
		for (size_t i = 0; i < n; i++)
			if (qs[i].cd_found != qs[i].pg_found)
				printf("only %s\t%s\t%s\t%s\n", qs[i].cd_found ? "casedesk" : "pg_trgm", qs[i].kind,
				       qs[i].text, qs[i].expect);

	/* Found in the top 10, per set and kind, next to casedesk's on the same queries. */
	printf("%-52s %14s %14s\n", "found in top 10 (set/kind, queries)", "casedesk", "pg_trgm");
	const char *keys[64];
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nk && strcmp(keys[k], qs[i].kind))
			k++;
		if (k == nk && nk < 64)
			keys[nk++] = qs[i].kind;
	}
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: each kind; pass 1: each set as a whole */
		const char *sets[] = { "typo", "dup" };
		size_t count = pass == 0 ? nk : 2;
		for (size_t k = 0; k < count; k++) {
			size_t m = 0, fc = 0, fp = 0;
			for (size_t i = 0; i < n; i++) {
				int in = pass == 0 ? strcmp(qs[i].kind, keys[k]) == 0 && strcmp(qs[i].set, "dup") == 0
						   : strcmp(qs[i].set, sets[k]) == 0;
				if (!in)
					continue;
				m++;
				fc += qs[i].cd_found;
				fp += qs[i].pg_found;
			}
			if (!m)
				continue;
			char a[32], b[32];
			if (pass == 0)
				snprintf(label, sizeof label, "  dup/%s (%zu)", keys[k], m);
			else
				snprintf(label, sizeof label, "  %s, all (%zu)", sets[k], m);
			snprintf(a, sizeof a, "%.1f %%", 100.0 * (double)fc / (double)m);
			snprintf(b, sizeof b, "%.1f %%", 100.0 * (double)fp / (double)m);
			printf("%-52s %14s %14s\n", label, a, b);
		}
	}
	free(v);
	free(qs);
	return 0;
}
