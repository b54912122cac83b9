/*
 * tool_gateway.c - drives model/net/gateway.c from the command line for the gateway's
 * script test (tests/script/t_gateway.sh) and bench (tests/bench/bench_gateway.sh); a
 * test artefact, never installed.
 *
 *   tool_gateway --base URL --ca FILE [--cert FILE --key FILE] [--token T] [--parallel N]
 *                [--connect-ms N] [--timeout-ms N] [--max-reply N] [--purpose TEXT]
 *                [--stop-after N] [--quiet] [REQUEST...]
 *
 * A REQUEST is one of (fields after the uuid may be left off; "-" for an empty field)
 *   doc:UUID:NUMBER[:ISSUER[:KIND]]
 *   person:UUID:SURNAME[:GIVEN[:DOB[:NATIONALITY[:THRESHOLD]]]]
 * given as arguments or, with none, one per line on standard input.  The purpose sent is
 * "casedesk test" unless --purpose says otherwise.  --stop-after N makes the N-th answer's
 * callback ask gateway_run to stop (it returns 1, the transfers in flight abandoned).  Prints one line per answer, in completion order:
 *   INDEX OUTCOME status=N retry_after=N list=L ref=R matches=N reason=TEXT
 * (--quiet prints only a count of each outcome at the end).  Exits with gateway_run's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/error.h"
#include "model/net/gateway.h"

struct tally {
	int quiet;
	size_t stop_after, seen;
	size_t n[5];
};

static const char *outcome_name(enum cd_gw_outcome o)
{
	switch (o) {
	case CD_GW_CLEAR: return "CLEAR";
	case CD_GW_HIT: return "HIT";
	case CD_GW_RETRY: return "RETRY";
	case CD_GW_FAILED: return "FAILED";
	}
	return "?";
}

static int on_answer(void *ctx, size_t index, const struct cd_gw_answer *a)
{
	struct tally *t = ctx;

	if (a->outcome >= CD_GW_CLEAR && a->outcome <= CD_GW_FAILED)
		t->n[a->outcome]++;
	if (!t->quiet) {
		printf("%zu %s status=%ld retry_after=%ld list=%s ref=%s matches=%zu", index, outcome_name(a->outcome),
		       a->http_status, a->retry_after_s, a->list[0] ? a->list : "-", a->reference[0] ? a->reference : "-",
		       a->n_matches);
		for (size_t i = 0; i < a->n_matches; i++)
			printf(" m%zu=%d/%s/%s", i, a->matches[i].score, a->matches[i].list, a->matches[i].reference);
		printf(" reason=%s\n", a->reason[0] ? a->reason : "-");
		fflush(stdout);
	}
	if (t->stop_after && ++t->seen >= t->stop_after)
		return 1;
	return 0;
}

/* Splits s at ':' into up to max fields (in place); "-" stands for NULL. */
static size_t split(char *s, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *c = strchr(s, ':');
		f[n++] = strcmp(s, "-") == 0 ? NULL : s;
		if (!c)
			break;
		*c = '\0';
		s = c + 1;
	}
	return n;
}

static const char *purpose = "casedesk test";

static int parse_request(char *spec, struct cd_gw_request *r)
{
	char *f[8] = { 0 };
	size_t n;

	memset(r, 0, sizeof *r);
	r->purpose = purpose;
	n = split(spec, f, 8);
	if (n < 3 || !f[0])
		return -1;
	r->uuid = f[1];
	if (strcmp(f[0], "doc") == 0) {
		r->kind = CD_GW_DOCUMENT;
		r->number = f[2];
		r->issuer = f[3];
		r->doc_kind = f[4];
	} else if (strcmp(f[0], "person") == 0) {
		r->kind = CD_GW_PERSON;
		r->surname = f[2];
		r->given = f[3];
		r->dob = f[4];
		r->nationality = f[5];
		r->threshold = f[6] ? (int)strtol(f[6], NULL, 10) : 80;
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cd_gw_config cfg = { 0 };
	struct cd_gw_request *reqs = NULL;
	char **specs = NULL;
	size_t n = 0, cap = 0;
	struct tally t = { 0 };
	struct cd_error err = CD_ERROR_INIT;
	char *line = NULL;
	size_t line_cap = 0;
	int rc = 2, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--quiet") == 0) { t.quiet = 1; continue; }
		if (a[0] != '-' || a[1] != '-')
			break;
		if (!v) {
			fprintf(stderr, "tool_gateway: %s needs a value\n", a);
			goto out;
		}
		i++;
		if (strcmp(a, "--base") == 0) cfg.base_url = v;
		else if (strcmp(a, "--ca") == 0) cfg.ca_file = v;
		else if (strcmp(a, "--cert") == 0) cfg.client_cert = v;
		else if (strcmp(a, "--key") == 0) cfg.client_key = v;
		else if (strcmp(a, "--token") == 0) cfg.bearer_token = v;
		else if (strcmp(a, "--parallel") == 0) cfg.max_parallel = (int)strtol(v, NULL, 10);
		else if (strcmp(a, "--connect-ms") == 0) cfg.connect_timeout_ms = strtol(v, NULL, 10);
		else if (strcmp(a, "--timeout-ms") == 0) cfg.total_timeout_ms = strtol(v, NULL, 10);
		else if (strcmp(a, "--purpose") == 0) purpose = v;
		else if (strcmp(a, "--stop-after") == 0) t.stop_after = (size_t)strtoul(v, NULL, 10);
		else if (strcmp(a, "--max-reply") == 0) cfg.max_reply_bytes = (size_t)strtoul(v, NULL, 10);
		else {
			fprintf(stderr, "tool_gateway: unknown option %s\n", a);
			goto out;
		}
	}
	for (;;) {
		const char *spec;
		if (i < argc) {
			spec = argv[i++];
		} else {
			break;
		}
		if (n == cap) {
			char **grown = realloc(specs, (cap = cap ? cap * 2 : 64) * sizeof *specs);
			if (!grown)
				goto out;
			specs = grown;
		}
		specs[n++] = strdup(spec);
	}
	if (n == 0) {
		/* No request on the command line: one per line on stdin. */
		ssize_t got;
		while ((got = getline(&line, &line_cap, stdin)) > 0) {
			while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
				line[--got] = '\0';
			if (got == 0)
				continue;
			if (n == cap) {
				char **grown = realloc(specs, (cap = cap ? cap * 2 : 64) * sizeof *specs);
				if (!grown)
					goto out;
				specs = grown;
			}
			specs[n++] = strdup(line);
		}
	}
	reqs = calloc(n ? n : 1, sizeof *reqs);
	if (!reqs)
		goto out;
	for (size_t k = 0; k < n; k++) {
		if (!specs[k] || parse_request(specs[k], &reqs[k]) != 0) {
			fprintf(stderr, "tool_gateway: request %zu is not doc:UUID:NUMBER... or person:UUID:SURNAME...\n", k);
			goto out;
		}
	}
	rc = gateway_run(&cfg, reqs, n, on_answer, &t, &err);
	if (rc != CD_OK && rc != 1)
		fprintf(stderr, "tool_gateway: %s\n", err.msg);
	if (t.quiet)
		printf("clear=%zu hit=%zu retry=%zu failed=%zu\n", t.n[CD_GW_CLEAR], t.n[CD_GW_HIT], t.n[CD_GW_RETRY],
		       t.n[CD_GW_FAILED]);
out:
	for (size_t k = 0; k < n; k++)
		free(specs[k]);
	free(specs);
	free(reqs);
	free(line);
	return rc;
}
