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
#include "model/store/oplog.h"
#include "model/store/roles.h"
#include "model/store/search.h"
#include "model/store/nationaldb.h"
#include "screens/natlookup.h"
#include "screens/ui.h"
#include "app/natsearch.h"

struct nat_hit {
	struct cd_nat_person *p;
	int score, dob_rank;
	char why[256];
	const char *via;
};

/* The candidates of a national search and the hits among them, best first. */
struct nat_found {
	struct cd_nat_person *cands;
	size_t n_cands;
	struct nat_hit *hits;
	size_t n;
};

static void nat_found_release(struct nat_found *f)
{
	free(f->hits);
	national_persons_free(f->cands, f->n_cands);
	memset(f, 0, sizeof *f);
}

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
static int may_read_national(const struct cd_actor *a, struct cd_error *err)
{
	if (a->roles & (CD_ROLE_CLERK | CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED,
			    _("%s may not read persons from the national tier: clerks, caseworkers and supervisors may"),
			    a->name);
}

/*
 * Audits a read of national persons: one summary row ("national", the SHA-256 of the query
 * or of the person read, how many shown) and a row per person the store also holds (persons
 * pulled by sync); a person the store does not hold yet is counted in the summary.
 */
static int audit_national(struct cd_store *s, const struct cd_actor *a, const char *action, const char *what,
			  struct cd_nat_person *const *ps, size_t n, const char *purpose, struct cd_error *err)
{
	char hex[65], detail[128];
	int64_t *ids = NULL;
	size_t named = 0;
	int rc;

	access_sha256_hex(what, hex);
	if (n && !(ids = calloc(n, sizeof *ids)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < n && n <= ACCESS_NAMED_MAX; i++) {
		struct cd_error ignored = CD_ERROR_INIT;
		if (person_resolve(s, ps[i]->uuid, &ids[named], &ignored) == CD_OK)
			named++;
	}
	snprintf(detail, sizeof detail, "national sha256=%s shown=%zu", hex, n);
	rc = access_audit_list(s, a, action, "national", detail, ids, named, purpose, err);
	free(ids);
	return rc;
}

/*
 * The national search: the query read as the local search reads it, the tier's candidates,
 * each scored by the local search's own function, the best `limit` audited.
 */
static int nat_find(struct cd_store *s, const struct cd_actor *a, struct cd_national *n, const char *query, int limit,
		    const char *purpose, struct nat_found *f, struct cd_error *err)
{
	char groups[8][2][32], year[8];
	struct cd_nat_person **shown = NULL;
	int rc;

	memset(f, 0, sizeof *f);
	size_t ng = search_query_keys(query, groups, 8, year);
	if (!ng)
		return cd_error_set(err, CD_EUSAGE,
				    _("a national search looks for names: type a surname, given names or both (numbers are "
				      "searched in this office's store)"));
	if ((rc = national_require_current(n, err)) ||
	    (rc = national_search_candidates(n, query, (const char(*)[2][32])groups, ng, year, limit, &f->cands, &f->n_cands,
					     err)))
		goto out;
	if (f->n_cands && (!(f->hits = calloc(f->n_cands, sizeof *f->hits)) ||
			   !(shown = calloc(f->n_cands, sizeof *shown)))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < f->n_cands; i++) {
		struct nat_hit *h = &f->hits[f->n];
		const struct cd_nat_person *p = &f->cands[i];
		const char *names[5] = { p->surname, p->given, p->surname_latin, p->given_latin, p->nationality };
		h->p = &f->cands[i];
		h->score = search_score_names(query, names, p->dob, h->why, sizeof h->why, &h->via, &h->dob_rank);
		if (h->score > 0)
			f->n++;
	}
	qsort(f->hits, f->n, sizeof *f->hits, by_score);
	if (f->n > (size_t)limit)
		f->n = (size_t)limit;
	for (size_t i = 0; i < f->n; i++)
		shown[i] = f->hits[i].p;
	rc = audit_national(s, a, "search", query, shown, f->n, purpose, err);
out:
	free(shown);
	if (rc)
		nat_found_release(f);
	return rc;
}

/* Whether this store holds the person (sync pulls every office's persons). */
static int held_here(struct cd_store *s, const char *uuid)
{
	int64_t id;
	struct cd_error ignored = CD_ERROR_INIT;
	return person_resolve(s, uuid, &id, &ignored) == CD_OK;
}

int cli_search_national(struct cli *c, const char *db, const char *query, int limit)
{
	struct cd_national *n = NULL;
	struct nat_found f = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	int rc;

	if ((rc = may_read_national(&c->actor, &c->err)) || (rc = cli_national_open(c, db, &n)) ||
	    (rc = nat_find(c->store, &c->actor, n, query, limit, c->purpose, &f, &c->err)))
		goto out;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < f.n; i++) {
			const struct cd_nat_person *p = f.hits[i].p;
			json_object(&w);
			json_kv_string(&w, "number", p->number);
			json_kv_string(&w, "surname", p->surname);
			json_kv_string(&w, "given", p->given);
			json_kv_string(&w, "surname_latin", p->surname_latin);
			json_kv_string(&w, "given_latin", p->given_latin);
			json_kv_string(&w, "dob", p->dob);
			json_kv_string(&w, "nationality", p->nationality);
			json_kv_string(&w, "office", p->origin_office);
			json_kv_int(&w, "local", held_here(c->store, p->uuid));
			json_kv_int(&w, "score", f.hits[i].score);
			json_kv_string(&w, "why", f.hits[i].why);
			json_kv_string(&w, "via", f.hits[i].via);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < f.n; i++) {
			const struct cd_nat_person *p = f.hits[i].p;
			out_safef(stdout, "%-14s %-4s ", p->number, p->origin_office);
			out_safe_pad(stdout, p->surname, 18);
			fputc(' ', stdout);
			out_safe_pad(stdout, p->given, 16);
			fputc(' ', stdout);
			out_safe_pad(stdout, p->surname_latin, 16);
			out_safef(stdout, " %-10s %s  %3d  %s", p->dob, p->nationality, f.hits[i].score, f.hits[i].why);
			if (f.hits[i].via)
				out_safef(stdout, "  (%s)", _(f.hits[i].via));
			fputc('\n', stdout);
		}
		if (!f.n)
			printf("%s\n", _("no one found in the national tier"));
	}
out:
	buf_release(&b);
	nat_found_release(&f);
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

	if ((rc = may_read_national(&c->actor, &c->err)))
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
		if ((rc = audit_national(c->store, &c->actor, "read", person_uuid, &one, one ? 1 : 0, c->purpose, &c->err)))
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

/* ---- the screens' national reads (screens/natlookup.h) ---------------------------------- */

/* Connects with the store's national database setting: the TUI takes no --db. */
static int tui_connect(struct ui *ui, struct cd_national **n, struct cd_error *err)
{
	char *db = NULL;
	int rc;

	*n = NULL;
	if ((rc = may_read_national(&ui->actor, err)) || (rc = store_national_db(ui->store, &db, err)))
		return rc;
	if (!db)
		return cd_error_set(err, CD_EUSAGE,
				    _("this store names no national database: an admin names one with `casedesk national "
				      "use --db CONNINFO`"));
	rc = national_connect(db, n, err);
	free(db);
	if (!rc)
		national_set_reader(*n, oplog_origin(ui->store), store_office(ui->store), ui->actor.name, "casework");
	return rc;
}

static int tui_search(struct ui *ui, const char *query, int limit, struct ui_nat_hit **out, size_t *n_out,
		      struct cd_error *err)
{
	struct cd_national *n = NULL;
	struct nat_found f = { 0 };
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = tui_connect(ui, &n, err)) ||
	    (rc = nat_find(ui->store, &ui->actor, n, query, limit, "casework", &f, err)))
		goto out;
	if (f.n && !(*out = calloc(f.n, sizeof **out))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		struct ui_nat_hit *h = &(*out)[i];
		const struct cd_nat_person *p = f.hits[i].p;
		(*n_out)++;
		snprintf(h->number, sizeof h->number, "%s", p->number);
		snprintf(h->office, sizeof h->office, "%s", p->origin_office);
		snprintf(h->dob, sizeof h->dob, "%s", p->dob);
		snprintf(h->nationality, sizeof h->nationality, "%s", p->nationality);
		snprintf(h->why, sizeof h->why, "%s", f.hits[i].why);
		h->score = f.hits[i].score;
		h->via = f.hits[i].via;
		h->local = held_here(ui->store, p->uuid);
		if (!(h->surname = strdup(p->surname)) || !(h->given = strdup(p->given)) ||
		    !(h->surname_latin = strdup(p->surname_latin)) || !(h->given_latin = strdup(p->given_latin))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
out:
	if (rc) {
		ui_nat_hits_free(*out, *n_out);
		*out = NULL;
		*n_out = 0;
	}
	nat_found_release(&f);
	national_close(n);
	return rc;
}

static int tui_cases(struct ui *ui, const char *number, int record, char **text, struct cd_error *err)
{
	struct cd_national *n = NULL;
	struct cd_nat_person np = { 0 };
	struct cd_nat_case *cs = NULL;
	struct cd_buf b = CD_BUF_INIT;
	size_t n_cs = 0, shown = 0, hidden = 0;
	const char *office = store_office(ui->store);
	int rc;

	*text = NULL;
	if ((rc = tui_connect(ui, &n, err)) || (rc = national_require_current(n, err)) ||
	    (rc = national_person_get(n, number, &np, err)) ||
	    (rc = national_person_cases(n, np.uuid, &cs, &n_cs, err)))
		goto out;
	{
		struct cd_nat_person *one = &np;
		if ((rc = audit_national(ui->store, &ui->actor, "read", np.uuid, &one, 1, "casework", err)))
			goto out;
	}
	if (record) {
		buf_printf(&b, "%s  %s, %s  (%s, %s)\n", np.number, np.surname, np.given, np.surname_latin, np.given_latin);
		buf_printf(&b, "%s %s  %s %s\n", _("born"), np.dob, _("nationality"), np.nationality);
		buf_printf(&b, _("registered at %s; national record, read-only (not in this store)\n"), np.origin_office);
	}
	buf_puts(&b, _("Cases at other offices:"));
	for (size_t i = 0; i < n_cs; i++) {
		if (!strcmp(cs[i].office, office))
			continue;
		if (!cd_workflows_include(ui->actor.workflows, cs[i].workflow)) {
			hidden++;
			continue;
		}
		/* TRANSLATORS: a case at another office: number (workflow, state) */
		buf_printf(&b, shown++ ? ", %s (%s, %s)" : " %s (%s, %s)", cs[i].number, cs[i].workflow, cs[i].state);
	}
	if (!shown && !hidden)
		buf_printf(&b, " %s", _("none"));
	if (hidden)
		buf_printf(&b, _("; %zu more in workflows you do not work on"), hidden);
	if (b.failed) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	if (!(*text = strdup(buf_str(&b))))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
out:
	buf_release(&b);
	national_cases_free(cs, n_cs);
	national_person_release(&np);
	national_close(n);
	return rc;
}

const struct ui_national cli_tui_national = { tui_search, tui_cases };
