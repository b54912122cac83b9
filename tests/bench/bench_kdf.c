/*
 * bench_kdf.c - `make bench`, issue 12 item 9: what one passphrase check costs on this
 * machine, since the passphrase is a field kit's only door.
 *
 * usage: build/bench_kdf [RUNS]   (default 21)
 *
 * Three figures, each the median (and slowest) of RUNS:
 *   scrypt   kdf_verify alone, at the parameters new hashes get (model/base/kdf.h);
 *   right    passphrase_login with the right passphrase on a kit store in /tmp: the user
 *            read, scrypt, the failure count cleared in one transaction (what every command
 *            on a kit pays before it starts);
 *   wrong    a wrong passphrase for that user: the same, and the failure counted and audited;
 *   unknown  a user that does not exist (checked against a dummy hash, so that
 *            the door takes as long and does not tell who exists), a failure written and
 *            audited; each run types a new name, so that none is locked and every run does the whole check.
 * Targets are printed, never asserted; the program fails only when it cannot measure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base/kdf.h"
#include "model/store/passphrase.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *figure, double *t, int n, const char *target)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-48s %7.1f ms %16s   (slowest %.1f ms, %d runs)\n", figure, t[n / 2], target, t[n - 1], n);
}

static int die(const char *what, const struct cd_error *err)
{
	fprintf(stderr, "bench_kdf: %s: %s\n", what, err->msg);
	return 1;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 21;
	struct cd_error err = CD_ERROR_INIT;
	struct kdf_params p;
	char hash[KDF_HASH_MAX], dir[] = "/tmp/cd-bench-kdf.XXXXXX", path[64], side[80];
	double *t;
	struct cd_store *s = NULL;
	struct cd_actor who;
	int match, rc = 1;

	if (runs < 3 || runs > 1001 || !(t = calloc((size_t)runs, sizeof *t)))
		return 2;
	kdf_params_default(&p);
	printf("\nField kit passphrase check (scrypt N=2^%u r=%u p=%u, median of %d)\n", p.log2n, p.r, p.p, runs);
	printf("%-48s %10s %16s\n", "figure", "value", "target");
	if (kdf_hash("a passphrase of some words", 26, &p, hash, sizeof hash, &err))
		return die("hashing", &err);
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		if (kdf_verify("a passphrase of some words", 26, hash, &match, &err) || !match)
			return die("verifying", &err);
		t[i] = now_ms() - t0;
	}
	report("scrypt alone (kdf_verify)", t, runs, "50-100 ms");

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/kit.casedesk", dir);
	struct cd_store_create_opts o = { .office = "TBS", .admin_os_account = "chief" };
	if (store_create(path, &o, &err) || store_open(path, &s, &err) ||
	    kit_init(s, "chief", "a passphrase of some words", &err)) {
		die("making a kit store", &err);
		goto out;
	}
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		if (passphrase_login(s, "chief", "a passphrase of some words", &who, &err)) {
			die("logging in", &err);
			goto out;
		}
		t[i] = now_ms() - t0;
	}
	report("the door, right passphrase (passphrase_login)", t, runs, "< 150 ms");
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		err = (struct cd_error)CD_ERROR_INIT;
		if (passphrase_login(s, "chief", "not the passphrase", &who, &err) != CD_EREFUSED) {
			die("a wrong passphrase", &err);
			goto out;
		}
		t[i] = now_ms() - t0;
		/* Untimed: the right one clears the count, so that no run meets a lock. */
		if (passphrase_login(s, "chief", "a passphrase of some words", &who, &err)) {
			die("logging in", &err);
			goto out;
		}
	}
	report("the door, wrong passphrase (counted, audited)", t, runs, "");
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		char name[32];
		/* A new unknown name each run: never locked, so each run checks and counts. */
		snprintf(name, sizeof name, "nobody%d", i);
		err = (struct cd_error)CD_ERROR_INIT;
		if (passphrase_login(s, name, "a passphrase of some words", &who, &err) != CD_EREFUSED) {
			die("an unknown user", &err);
			goto out;
		}
		t[i] = now_ms() - t0;
	}
	report("the door, unknown user (the same work)", t, runs, "as the wrong one");
	rc = 0;
out:
	store_close(s);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof side, "%s.seal.key", path);
	unlink(side);
	rmdir(dir);
	free(t);
	return rc;
}
