/*
 * cmd_natsearch.c - one search for the country (issue 15, deliverable 8): `search
 * --national` and `person show --national`.  It joins the two models that know nothing of
 * each other: the local search's reading and scoring of a query (model/store/search.h), and
 * the national tier's candidates and cases (model/national/national_search.h).  The tier
 * brings candidates by the same name keys the store pushed and by trigram similarity; the
 * candidates are scored here with the local search's own function, so that a national
 * search ranks as a local one.
 *
 * Persons from the tier are personal data: only clerks, caseworkers and supervisors may ask,
 * every read is audited in the local store with its purpose, and documents are never shown.
 * A case at another office is shown only when its workflow is one the reader works on
 * (need-to-know, as locally); the others are counted, never named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/national/national.h"
#include "model/national/national_search.h"
#include "model/store/access.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/search.h"
#include "app/natsearch.h"

struct nat_hit {
	struct cd_nat_person *p;
	int score, dob_rank;
	char why[256];
	const char *via;
};

static int by_score(const void *a, const void *b)
{
	const struct nat_hit *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	if (x->dob_rank != y->dob_rank)
		return y->dob_rank - x->dob_rank;
	return strcmp(x->p->number, y->p->number);
}

/* Only the roles that read persons at a desk; an admin alone does not. */
static int may_read_national(struct cli *c)
{
	if (c->actor.roles & (CD_ROLE_CLERK | CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR))
		return CD_OK;
	return cd_error_set(&c->err, CD_EREFUSED,
			    _("%s may not read persons from the national tier: clerks, caseworkers and supervisors may"),
			    c->actor.name);
}

/*
 * Audits a read of national persons: one summary row ("national", the query's hash or the
 * number read, how many shown) and a row per person the store also holds (persons pulled
 * by sync); a person the store does not hold yet is counted in the summary.
 */
static int audit_national(struct cli *c, const char *action, const char *what, struct cd_nat_person *const *ps,
			  size_t n)
{
	char hex[65], detail[128];
	int64_t *ids = NULL;
	size_t named = 0;
	int rc;

	access_sha256_hex(what, hex);
	if (n && !(ids = calloc(n, sizeof *ids)))
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < n && n <= ACCESS_NAMED_MAX; i++) {
		struct cd_error ignored = CD_ERROR_INIT;
		if (person_resolve(c->store, ps[i]->uuid, &ids[named], &ignored) == CD_OK)
			named++;
	}
	snprintf(detail, sizeof detail, "national sha256=%s shown=%zu", hex, n);
	rc = access_audit_list(c->store, &c->actor, action, "national", detail, ids, named, c->purpose, &c->err);
	free(ids);
	return rc;
}

int cli_search_national(struct cli *c, const char *db, const char *query, int limit)
{
	char groups[8][2][32], year[8];
	struct cd_national *n = NULL;
	struct cd_nat_person *cands = NULL;
	struct nat_hit *hits = NULL;
	struct cd_nat_person **shown = NULL;
	size_t n_cands = 0, n_hits = 0;
	struct cd_buf b = CD_BUF_INIT;
	int rc;

	if ((rc = may_read_national(c)))
		return rc;
	size_t ng = search_query_keys(query, groups, 8, year);
	if (!ng) {
		rc = cd_error_set(&c->err, CD_EUSAGE,
				  _("a national search looks for names: type a surname, given names or both (numbers are "
				    "searched in this office's store)"));
		goto out;
	}
	if ((rc = cli_national_open(c, db, &n)) || (rc = national_require_current(n, &c->err)) ||
	    (rc = national_search_candidates(n, query, (const char(*)[2][32])groups, ng, year, &cands, &n_cands,
					     &c->err)))
		goto out;
	if (n_cands && (!(hits = calloc(n_cands, sizeof *hits)) || !(shown = calloc(n_cands, sizeof *shown)))) {
		rc = cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n_cands; i++) {
		struct nat_hit *h = &hits[n_hits];
		const char *names[5] = { cands[i].surname, cands[i].given, cands[i].surname_latin, cands[i].given_latin,
					 cands[i].nationality };
		h->p = &cands[i];
		h->score = search_score_names(query, names, cands[i].dob, h->why, sizeof h->why, &h->via, &h->dob_rank);
		if (h->score > 0)
			n_hits++;
	}
	qsort(hits, n_hits, sizeof *hits, by_score);
	if (n_hits > (size_t)limit)
		n_hits = (size_t)limit;
	for (size_t i = 0; i < n_hits; i++)
		shown[i] = hits[i].p;
	if ((rc = audit_national(c, "search", query, shown, n_hits)))
		goto out;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < n_hits; i++) {
			const struct cd_nat_person *p = hits[i].p;
			json_object(&w);
			json_kv_string(&w, "number", p->number);
			json_kv_string(&w, "surname", p->surname);
			json_kv_string(&w, "given", p->given);
			json_kv_string(&w, "surname_latin", p->surname_latin);
			json_kv_string(&w, "given_latin", p->given_latin);
			json_kv_string(&w, "dob", p->dob);
			json_kv_string(&w, "nationality", p->nationality);
			json_kv_string(&w, "office", p->origin_office);
			json_kv_int(&w, "local", strcmp(p->origin_office, store_office(c->store)) == 0);
			json_kv_int(&w, "score", hits[i].score);
			json_kv_string(&w, "why", hits[i].why);
			json_kv_string(&w, "via", hits[i].via);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < n_hits; i++) {
			const struct cd_nat_person *p = hits[i].p;
			out_safef(stdout, "%-14s %-4s ", p->number, p->origin_office);
			out_safe_pad(stdout, p->surname, 18);
			fputc(' ', stdout);
			out_safe_pad(stdout, p->given, 16);
			fputc(' ', stdout);
			out_safe_pad(stdout, p->surname_latin, 16);
			out_safef(stdout, " %-10s %s  %3d  %s", p->dob, p->nationality, hits[i].score, hits[i].why);
			if (hits[i].via)
				out_safef(stdout, "  (%s)", _(hits[i].via));
			fputc('\n', stdout);
		}
		if (!n_hits)
			printf("%s\n", _("no one found in the national tier"));
	}
out:
	buf_release(&b);
	free(shown);
	free(hits);
	national_persons_free(cands, n_cands);
	national_close(n);
	return rc;
}

int cli_person_national(struct cli *c, const char *db, const char *ref, const char *person_uuid)
{
	struct cd_national *n = NULL;
	struct cd_nat_person np = { 0 };
	struct cd_nat_case *cs = NULL;
	size_t n_cs = 0, hidden = 0, other = 0;
	const char *office = store_office(c->store);
	struct cd_buf b = CD_BUF_INIT;
	int rc;

	if ((rc = may_read_national(c)))
		return rc;
	if ((rc = cli_national_open(c, db, &n)) || (rc = national_require_current(n, &c->err)))
		goto out;
	if (!person_uuid) {
		/* Not in this store: the national record, read-only. */
		if ((rc = national_person_get(n, ref, &np, &c->err)))
			goto out;
		person_uuid = np.uuid;
	}
	if ((rc = national_person_cases(n, person_uuid, &cs, &n_cs, &c->err)))
		goto out;
	{
		struct cd_nat_person *one = np.uuid ? &np : NULL;
		if ((rc = audit_national(c, "read", person_uuid, &one, one ? 1 : 0)))
			goto out;
	}
	for (size_t i = 0; i < n_cs; i++)
		if (strcmp(cs[i].office, office) != 0) {
			other++;
			hidden += !cd_workflows_include(c->actor.workflows, cs[i].workflow);
		}
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		if (np.uuid) {
			json_kv_string(&w, "number", np.number);
			json_kv_string(&w, "surname", np.surname);
			json_kv_string(&w, "given", np.given);
			json_kv_string(&w, "surname_latin", np.surname_latin);
			json_kv_string(&w, "given_latin", np.given_latin);
			json_kv_string(&w, "dob", np.dob);
			json_kv_string(&w, "nationality", np.nationality);
			json_kv_string(&w, "office", np.origin_office);
		}
		json_key(&w, "cases_elsewhere");
		json_array(&w);
		for (size_t i = 0; i < n_cs; i++) {
			if (!strcmp(cs[i].office, office) || !cd_workflows_include(c->actor.workflows, cs[i].workflow))
				continue;
			json_object(&w);
			json_kv_string(&w, "number", cs[i].number);
			json_kv_string(&w, "office", cs[i].office);
			json_kv_string(&w, "workflow", cs[i].workflow);
			json_kv_string(&w, "state", cs[i].state);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_kv_int(&w, "cases_other_units", (long long)hidden);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		goto out;
	}
	if (np.uuid) {
		out_safef(stdout, "%s  ", np.number);
		out_safe(stdout, np.surname);
		fputs(", ", stdout);
		out_safe(stdout, np.given);
		fputs("  (", stdout);
		out_safe(stdout, np.surname_latin);
		fputs(", ", stdout);
		out_safe(stdout, np.given_latin);
		fputs(")\n", stdout);
		out_safef(stdout, "  %s %s  %s %s  ", _("born"), np.dob, _("nationality"), np.nationality);
		out_safef(stdout, _("registered at %s; national record, read-only (not in this store)\n"), np.origin_office);
	}
	printf("%s:\n", _("cases at other offices"));
	if (!other)
		printf("  %s\n", _("none"));
	for (size_t i = 0; i < n_cs; i++) {
		if (!strcmp(cs[i].office, office) || !cd_workflows_include(c->actor.workflows, cs[i].workflow))
			continue;
		out_safef(stdout, "  %-22s %-5s %-10s %s\n", cs[i].number, cs[i].office, cs[i].workflow, cs[i].state);
	}
	if (hidden)
		printf(_("  and %zu in workflows you do not work on (need-to-know)\n"), hidden);
out:
	buf_release(&b);
	national_cases_free(cs, n_cs);
	national_person_release(&np);
	national_close(n);
	return rc;
}
