/*
 * fuzz_lostdocs.c - libFuzzer target for the lost/stolen documents list reader
 * (lostdocs_parse in model/store/lostdocs.c: the CSV reader and the record checks of
 * `casedesk lostdocs import`, without the store).  National lists arrive as files from
 * outside; any bytes must give counts that add up, one problem for every bad record, and
 * entries that hold what the store expects: a normalised number of A-Z and 0-9, a known
 * issuer, a kind of letters, digits, '_' and '-', a YYYY-MM-DD date, a source.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/error.h"
#include "model/identity/countries.h"
#include "model/store/lostdocs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int entry(void *ctx, const struct cd_lostdocs_entry *e, struct cd_lostdocs_import *out, struct cd_error *err)
{
	long *good = ctx;
	(void)err;
	if (!e->number[0] || strlen(e->number) > 40 || strlen(e->issuer) != 3 || !country_known(e->issuer) ||
	    !e->kind[0] || strlen(e->reported) != 10 || !e->source || e->line < 1)
		abort();
	for (const char *p = e->number; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			abort();
	for (const char *p = e->kind; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			abort();
	(*good)++;
	out->added++;
	return CD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct cd_lostdocs_import imp;
	struct cd_error err = CD_ERROR_INIT;
	long good = 0;
	/* An exact-size copy: the reader is given a length, not a terminator. */
	char *text = malloc(size ? size : 1);

	if (!ready) {
		if (countries_load(&err) != CD_OK) {
			fprintf(stderr, "fuzz_lostdocs: %s\n", err.msg);
			abort();
		}
		ready = 1;
	}
	if (!text)
		return 0;
	memcpy(text, data, size);
	memset(&imp, 0, sizeof imp);
	int rc = lostdocs_parse(text, size, "list.csv", "list.csv", cd_date_to_days(2026, 3, 2), &imp, entry, &good,
			       &err);
	if (rc != CD_OK && rc != CD_EINPUT)
		abort();
	if (rc == CD_EINPUT && (!err.msg[0] || !imp.n_problems))
		abort();
	if (rc == CD_OK && (imp.records != good + imp.bad || imp.n_problems < (size_t)imp.bad))
		abort();
	for (size_t i = 0; i < imp.n_problems; i++)
		if (!imp.problems[i].message || imp.problems[i].line < 0)
			abort();
	lostdocs_import_release(&imp);
	free(text);
	return 0;
}
