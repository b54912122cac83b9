/*
 * tool_natsearch.c - times the national search as `casedesk search --national` runs it (issue
 * 15's bench, tests/bench/bench_national.sh): for each query read from a file, the query's
 * name keys (search_query_keys), the tier's candidates (national_search_candidates: the GIN
 * index on the name keys, the trigram GIN index when the keys bring too few) and the
 * re-scoring of every candidate in C (search_score_names), over one connection as a
 * session would hold it.  What is timed is that whole round, per query, at the client;
 * the store's audit row that the CLI adds is not (it is a local SQLite write).
 *
 *   usage: tool_natsearch CONNINFO QUERIES_FILE    (one query per line)
 *
 * Prints "queries N p50_ms X p99_ms Y max_ms Z found_mean F" on one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/national/national.h"
#include "model/national/national_search.h"
#include "model/store/search.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_national *n = NULL;
	FILE *f = NULL;
	double *ms = NULL;
	size_t nq = 0, cap = 0, found = 0;
	char line[256];
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: tool_natsearch CONNINFO QUERIES_FILE\n");
		return 2;
	}
	if (national_connect(argv[1], &n, &err) != CD_OK) {
		fprintf(stderr, "tool_natsearch: %s\n", err.msg);
		goto out;
	}
	/* The tier records each read: the bench's reads under a reader of its own. */
	national_set_reader(n, "00000000-0000-7000-8000-0000000bec00", "BENCH", "bench", "bench");
	if (!(f = fopen(argv[2], "r"))) {
		perror(argv[2]);
		goto out;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char groups[8][2][32], year[8];
		size_t ng = search_query_keys(line, groups, 8, year);
		if (!ng)
			continue;
		if (nq == cap) {
			cap = cap ? cap * 2 : 1024;
			double *grown = realloc(ms, cap * sizeof *ms);
			if (!grown)
				goto out;
			ms = grown;
		}
		struct cd_nat_person *cands = NULL;
		size_t n_cands = 0, hits = 0;
		double t0 = now_ms();
		if (national_search_candidates(n, line, (const char(*)[2][32])groups, ng, year, 10, &cands, &n_cands, &err) !=
		    CD_OK) {
			fprintf(stderr, "tool_natsearch: %s\n", err.msg);
			goto out;
		}
		for (size_t i = 0; i < n_cands; i++) {
			const struct cd_nat_person *p = &cands[i];
			const char *names[5] = { p->surname, p->given, p->surname_latin, p->given_latin, p->nationality };
			char why[256];
			const char *via = NULL;
			int dob_rank = 0;
			if (search_score_names(line, names, p->dob, why, sizeof why, &via, &dob_rank) > 0)
				hits++;
		}
		ms[nq++] = now_ms() - t0;
		found += hits > 10 ? 10 : hits;
		national_persons_free(cands, n_cands);
	}
	if (!nq) {
		fprintf(stderr, "tool_natsearch: no query in %s\n", argv[2]);
		goto out;
	}
	qsort(ms, nq, sizeof *ms, by_double);
	printf("queries %zu p50_ms %.1f p99_ms %.1f max_ms %.1f found_mean %.1f\n", nq, ms[nq / 2],
	       ms[(size_t)((double)nq * 0.99) < nq ? (size_t)((double)nq * 0.99) : nq - 1], ms[nq - 1],
	       (double)found / (double)nq);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(ms);
	national_close(n);
	return rc;
}
