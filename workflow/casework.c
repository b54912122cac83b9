/* casework.c - workflow rules applied to stored cases; see casework.h. */
#include "workflow/casework.h"

#include <assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/ini.h"
#include "model/store/checkqueue.h"
#include "model/store/roles.h"
#include "model/store/workflows.h"
#include "workflow/assign.h"

struct wf_registry {
	struct workflow **current;
	size_t n_current;
	struct workflow **kept;        /* older versions loaded from stores, cached */
	size_t n_kept;
	struct wf_known known;
	int have_known;
	char lang[4];                  /* titles and labels shown in this language; "" as written */
	const struct cd_store **kept_for;   /* the store each kept version was read from */
	const struct cd_store *store;  /* registry_open: the store `current` was read from */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int registry_load(const char *dir, struct wf_registry **out, struct cd_error *err)
{
	struct wf_registry *reg;
	char path[4096];
	char **names = NULL;
	size_t n_names = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = CD_OK;

	*out = NULL;
	reg = calloc(1, sizeof *reg);
	if (!reg)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	snprintf(path, sizeof path, "%s/../forms/index.ini", dir);
	if (wf_known_load(path, &reg->known, NULL) == CD_OK)
		reg->have_known = 1;
	d = opendir(dir);
	if (!d) {
		rc = cd_error_set(err, CD_EINPUT, _("%s: cannot read the workflow directory"), dir);
		goto out;
	}
	/* Sorted, so that listings and duplicate-id messages are the same on every machine. */
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		if (n_names == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **g = realloc(names, ncap * sizeof *g);
			if (!g) {
				closedir(d);
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			names = g;
			cap = ncap;
		}
		names[n_names++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n_names, sizeof *names, by_name);
	reg->current = calloc(n_names ? n_names : 1, sizeof *reg->current);
	if (!reg->current) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n_names; i++) {
		struct workflow *wf;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if ((rc = wf_load_file(path, reg->have_known ? &reg->known : NULL, &wf, err)))
			goto out;
		if (registry_current(reg, wf->id)) {
			rc = cd_error_set(err, CD_EINPUT, _("%s: workflow id %s is used by another file too"),
					  path, wf->id);
			wf_free(wf);
			goto out;
		}
		reg->current[reg->n_current++] = wf;
	}
	*out = reg;
	reg = NULL;
out:
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	registry_free(reg);
	return rc;
}

void registry_free(struct wf_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n_current; i++)
		wf_free(reg->current[i]);
	free(reg->current);
	for (size_t i = 0; i < reg->n_kept; i++)
		wf_free(reg->kept[i]);
	free(reg->kept);
	free(reg->kept_for);
	if (reg->have_known)
		wf_known_release(&reg->known);
	free(reg);
}

size_t registry_count(const struct wf_registry *reg) { return reg->n_current; }
const struct workflow *registry_at(const struct wf_registry *reg, size_t i) { return reg->current[i]; }
const struct wf_known *registry_known(const struct wf_registry *reg)
{
	return reg->have_known ? &reg->known : NULL;
}

const struct workflow *registry_current(const struct wf_registry *reg, const char *id)
{
	for (size_t i = 0; i < reg->n_current; i++)
		if (strcmp(reg->current[i]->id, id) == 0)
			return reg->current[i];
	return NULL;
}

int registry_for_case(struct wf_registry *reg, struct cd_store *s, const char *id, int version,
		      const struct workflow **out, struct cd_error *err)
{
	const struct workflow *cur = registry_current(reg, id);
	struct workflow *wf, **grown;
	char *source = NULL, name[128];
	int rc;

	/* Loaded from this store: its newest versions are the store's own text. */
	if (reg->store == s && cur && cur->version == version) {
		*out = cur;
		return CD_OK;
	}
	for (size_t i = 0; i < reg->n_kept; i++)
		if (reg->kept_for[i] == s && strcmp(reg->kept[i]->id, id) == 0 && reg->kept[i]->version == version) {
			*out = reg->kept[i];
			return CD_OK;
		}
	/* Whatever files the registry was read from, a case runs on what its store installed. */
	if ((rc = workflow_source(s, id, version, &source, err)))
		return rc;
	snprintf(name, sizeof name, "%s version %d (installed in the store)", id, version);
	rc = wf_load_text(source, name, &wf, err);
	free(source);
	if (rc)
		return rc;
	grown = realloc(reg->kept, (reg->n_kept + 1) * sizeof *grown);
	if (!grown) {
		wf_free(wf);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	reg->kept = grown;
	const struct cd_store **grown_for = realloc(reg->kept_for, (reg->n_kept + 1) * sizeof *grown_for);
	if (!grown_for) {
		wf_free(wf);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	reg->kept_for = grown_for;
	reg->kept_for[reg->n_kept] = s;
	reg->kept[reg->n_kept++] = wf;
	if (reg->lang[0])
		wf_localize(wf, reg->lang, cur);
	*out = wf;
	return CD_OK;
}

int registry_open(struct cd_store *s, struct wf_registry **out, struct cd_error *err)
{
	struct cd_wf_installed *rows = NULL;
	struct wf_registry *reg;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!(reg = calloc(1, sizeof *reg)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = workflow_installed(s, &rows, &n, err)))
		goto out;
	if (!(reg->current = calloc(n ? n : 1, sizeof *reg->current))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char name[128];
		struct workflow *wf;
		snprintf(name, sizeof name, "%s version %d (installed in the store)", rows[i].id, rows[i].version);
		if ((rc = wf_load_text(rows[i].text, name, &wf, err)))
			goto out;
		reg->current[reg->n_current++] = wf;
	}
	reg->store = s;
	*out = reg;
	reg = NULL;
out:
	workflow_installed_free(rows, n);
	registry_free(reg);
	return rc;
}

int registry_install(struct cd_store *s, const struct cd_actor *actor, const char *path,
		     const struct wf_known *known, FILE *report, enum registry_installed *done,
		     struct cd_error *err)
{
	struct workflow *wf = NULL, *kept_wf = NULL;
	char *text = NULL, *kept = NULL;
	int rc, problems;

	*done = REGISTRY_UNCHANGED;
	/* The same rule as the store's, checked first so that lint is not run for nothing. */
	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("installing workflows needs the role admin"));
	problems = wf_lint_file(path, known, report, NULL);
	if (problems)
		return cd_error_set(err, CD_EINPUT,
				    ngettext("%s: %d problem found; nothing installed",
					     "%s: %d problems found; nothing installed", (unsigned long)problems),
				    path, problems);
	if ((rc = ini_read_file(path, &text, err)) || (rc = wf_load_text(text, path, &wf, err)))
		goto out;
	rc = workflow_source(s, wf->id, wf->version, &kept, NULL);
	if (rc == CD_ENOTFOUND) {
		if ((rc = workflow_put(s, actor, wf->id, wf->version, text, 0, err)) == CD_OK)
			*done = REGISTRY_INSTALLED;
		goto out;
	}
	if (rc) {
		rc = cd_error_set(err, rc, _("reading installed workflow versions failed"));
		goto out;
	}
	/* A version's rules never change; its translations may (they are not part of it). */
	if ((rc = wf_load_text(kept, wf->id, &kept_wf, err)))
		goto out;
	if (strcmp(kept_wf->source, wf->source) != 0) {
		rc = cd_error_set(err, CD_EINPUT,
				  _("%s: workflow %s version %d is installed already with other rules; "
				    "raise `version` in the file"), path, wf->id, wf->version);
		goto out;
	}
	if (strcmp(kept, text) != 0 && (rc = workflow_put(s, actor, wf->id, wf->version, text, 1, err)) == CD_OK)
		*done = REGISTRY_TRANSLATED;
out:
	wf_free(wf);
	wf_free(kept_wf);
	free(text);
	free(kept);
	return rc;
}

int registry_install_dir(struct cd_store *s, const struct cd_actor *actor, const char *dir, struct cd_error *err)
{
	struct wf_registry *files = NULL;
	char path[4096];
	int rc;

	/* registry_load reads and checks every file, sorted, so a broken one installs nothing. */
	if ((rc = registry_load(dir, &files, err)))
		return rc;
	for (size_t i = 0; i < files->n_current && rc == CD_OK; i++) {
		enum registry_installed done;
		snprintf(path, sizeof path, "%s", files->current[i]->path);
		rc = registry_install(s, actor, path, registry_known(files), stderr, &done, err);
	}
	registry_free(files);
	return rc;
}

void registry_set_lang(struct wf_registry *reg, const char *lang)
{
	snprintf(reg->lang, sizeof reg->lang, "%s", lang && strcmp(lang, "en") != 0 ? lang : "");
	for (size_t i = 0; i < reg->n_current; i++)
		wf_localize(reg->current[i], reg->lang, NULL);
	for (size_t i = 0; i < reg->n_kept; i++)
		wf_localize(reg->kept[i], reg->lang, registry_current(reg, reg->kept[i]->id));
}

/* ---- steps ---------------------------------------------------------------------------- */

int cw_case_new(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		const char *workflow_id, const char *person_ref, const char *assignee,
		char number_out[40], struct cd_error *err)
{
	return cw_case_new_at(s, reg, actor, workflow_id, person_ref, assignee, store_today(s), NULL,
			      number_out, err);
}

int cw_case_new_at(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		   const char *workflow_id, const char *person_ref, const char *assignee,
		   long today, const char *at, char number_out[40], struct cd_error *err)
{
	const struct workflow *wf;
	const struct wf_state *initial;
	int rc, version;

	if (!(actor->roles & (CD_ROLE_CLERK | CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR)))
		return cd_error_set(err, CD_EREFUSED,
				    _("opening a case needs the role clerk, caseworker or supervisor"));
	/* A new case starts on the newest version the store's admin installed, whatever files
	 * the registry was read from. */
	/* A holder named at opening passes the assignment rule, as `case assign` would. */
	if (assignee && (rc = cw_assign_new_case(s, actor, workflow_id, assignee, err)))
		return rc;
	if ((rc = workflow_newest(s, workflow_id, &version, err)) ||
	    (rc = registry_for_case(reg, s, workflow_id, version, &wf, err)))
		return rc;
	/* A loaded workflow passed wf_load's checks: its indexes point inside it. */
	assert(wf->initial < wf->n_states);
	initial = &wf->states[wf->initial];
	struct cd_case_new in = {
		.workflow_id = wf->id,
		.workflow_version = wf->version,
		.prefix = wf->prefix,
		.initial_state = initial->id,
		.person_ref = person_ref,
		.due_day = initial->deadline.unit != WF_NONE ? wf_duration_add(today, initial->deadline) : -1,
		.frozen_left = -1,
		.assignee = assignee,
		.at = at,
	};
	/* The checks the workflow asks of the network are queued with the case, in its
	 * transaction (model/store/checkqueue.h). */
	struct cq_lists net = { .lists = (const char *const *)wf->network_lists, .kinds = wf->network_kinds,
				.n = wf->n_network };
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = case_create(s, actor, &in, number_out, err)) ||
	    (rc = checkqueue_case_opened(s, number_out, &net, err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static const char *case_value_of(void *ctx, const char *field)
{
	return case_field((const struct cd_case *)ctx, field);
}

/* The case's steps for four-eyes pairings; *out points into `rows`. */
static int case_steps(struct cd_store *s, const struct cd_actor *actor, const struct cd_case *c,
		      struct cd_history_row **rows, size_t *n_rows, struct wf_step_done **out, size_t *n,
		      struct cd_error *err)
{
	int rc = case_history(s, actor, c->number, NULL, rows, n_rows, err);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	if (!(*out = calloc(*n_rows ? *n_rows : 1, sizeof **out)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < *n_rows; i++) {
		if (!(*rows)[i].transition)
			continue;
		(*out)[*n].transition = (*rows)[i].transition;
		(*out)[*n].to_state = (*rows)[i].to_state;
		(*out)[*n].user = (*rows)[i].user;
		(*n)++;
	}
	return CD_OK;
}

static enum wf_check_answer answer_of(const struct cd_check *k)
{
	if (!strcmp(k->result, "clear"))
		return WF_CHECK_CLEAR;
	if (!strcmp(k->result, "hit"))
		return k->cleared_at ? WF_CHECK_CLEARED : WF_CHECK_HIT;
	return WF_CHECK_MISSING;   /* pending, error: no answer to go on */
}

/* The case's checks as the guard reads them; *rows and *facts to be freed by the caller. */
static int gather_checks(struct cd_store *s, const struct cd_case *c, struct cd_check **rows, size_t *n,
			 struct wf_check_fact **facts, struct cd_error *err)
{
	int rc = checks_current(s, c->id, rows, n, err);

	*facts = NULL;
	if (rc)
		return rc;
	if (!(*facts = calloc(*n ? *n : 1, sizeof **facts)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < *n; i++) {
		(*facts)[i].list = (*rows)[i].list;
		(*facts)[i].answer = answer_of(&(*rows)[i]);
	}
	return CD_OK;
}

/*
 * A refusal "checks missing: sltd" says why a list has no answer when a network check waits
 * for it: "check sltd pending since 2026-12-05 10:14 (3 tries: gateway unreachable: ...)".
 * Only that refusal (the guard's own words, rebuilt here to compare) is added to.
 */
static void pending_why(const struct workflow *wf, const struct wf_facts *facts, const struct cd_check *rows,
			size_t n, struct cd_error *err)
{
	char hits[512], missing[512], expect[CD_ERRMSG_MAX], why[CD_ERRMSG_MAX];
	size_t used;

	if (err->code != CD_EREFUSED)
		return;
	wf_checks_outstanding(wf, facts, hits, sizeof hits, missing, sizeof missing);
	if (!missing[0])
		return;
	snprintf(expect, sizeof expect, _("checks missing: %s"), missing);
	if (strcmp(err->msg, expect) != 0)
		return;
	used = (size_t)snprintf(why, sizeof why, "%s", err->msg);
	/* In the workflow's order of its lists, as "checks missing" names them. */
	for (size_t j = 0; j < wf->n_checks && used < sizeof why; j++) {
		const struct cd_check *k = NULL;
		char since[20];
		for (size_t i = 0; i < n && !k; i++)
			if (!strcmp(wf->checks[j], rows[i].list))
				k = &rows[i];
		if (!k || !k->source || strcmp(k->source, "network") != 0)
			continue;
		snprintf(since, sizeof since, "%.16s", k->asked_at ? k->asked_at : "");
		if (strlen(since) > 10 && since[10] == 'T')
			since[10] = ' ';
		if (!strcmp(k->result, "pending") && k->attempts)
			used += (size_t)snprintf(why + used, sizeof why - used,
						 ngettext("; check %s pending since %s (%d try: %s)",
							  "; check %s pending since %s (%d tries: %s)", (unsigned long)k->attempts),
						 k->list, since, k->attempts, k->reason ? _(k->reason) : "");
		else if (!strcmp(k->result, "pending"))
			used += (size_t)snprintf(why + used, sizeof why - used, _("; check %s pending since %s (%s)"), k->list,
						 since, k->reason ? _(k->reason) : _("not asked yet"));
		else if (!strcmp(k->result, "error"))
			used += (size_t)snprintf(why + used, sizeof why - used,
						 _("; check %s failed: %s (a supervisor re-queues it or records it by hand)"),
						 k->list, k->reason ? k->reason : "");
	}
	cd_error_set(err, CD_EREFUSED, "%s", why);
}

static void fill_facts(const struct cd_case *c, const struct cd_actor *actor,
		       const struct cd_case_facts *cf, struct wf_facts *f)
{
	memset(f, 0, sizeof *f);
	f->state = c->state;
	f->actor = actor->name;
	f->actor_roles = actor->roles;
	f->entered_by = c->entered_by;
	f->documents_present = cf->documents_present;
	f->biometrics_enrolled = cf->biometrics_enrolled;
	f->value_of = case_value_of;
	f->ctx = (void *)c;
}

int cw_case_move(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		 const struct cw_move *mv, int64_t *new_version, struct cd_error *err)
{
	struct cd_case *c = NULL;
	const struct workflow *wf;
	const struct wf_transition *t;
	struct cd_case_facts cf;
	struct wf_facts facts;
	const char **names = NULL, **values = NULL;
	struct cd_history_row *hist = NULL;
	struct wf_step_done *steps = NULL;
	struct cd_check *check_rows = NULL;
	struct wf_check_fact *check_facts = NULL;
	size_t n_hist = 0, n_steps = 0, n_check_rows = 0;
	long today = mv->today >= 0 ? mv->today : store_today(s), due, frozen;
	int rc;

	if ((rc = case_load(s, actor, mv->number, NULL, &c, err)))
		return rc;
	if ((rc = registry_for_case(reg, s, c->workflow_id, c->workflow_version, &wf, err)))
		goto out;
	t = wf_find_transition(wf, mv->transition);
	if (!t) {
		rc = cd_error_set(err, CD_EINPUT,
				  _("workflow %s has no transition %s; `casedesk case show %s` lists "
				    "the steps open now"), wf->id, mv->transition, c->number);
		goto out;
	}
	if (c->closed_at) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed (%s); it takes no further steps"),
				  c->number, c->state);
		goto out;
	}
	if (mv->expected_version && mv->expected_version != c->row_version) {
		/* Let the store say who moved it. */
		struct cd_case_step probe = { .number = c->number, .expected_version = mv->expected_version };
		rc = case_step(s, actor, &probe, NULL, err);
		goto out;
	}
	/* The history is read only for a four-eyes pairing: a case that loops (documents asked
	 * again and again) would otherwise make every step read its whole past. */
	if ((rc = case_facts(s, c, today, &cf, err)) ||
	    (rc = gather_checks(s, c, &check_rows, &n_check_rows, &check_facts, err)) ||
	    (t->four_eyes != WF_NO_PAIR && (rc = case_steps(s, actor, c, &hist, &n_hist, &steps, &n_steps, err))))
		goto out;
	fill_facts(c, actor, &cf, &facts);
	facts.steps = steps;
	facts.n_steps = n_steps;
	facts.checks = check_facts;
	facts.n_checks = n_check_rows;
	facts.today = today;
	if ((rc = wf_check(wf, t, &facts, mv->values, mv->n_values, err))) {
		pending_why(wf, &facts, check_rows, n_check_rows, err);
		goto out;
	}
	wf_next_deadline(wf, t, today, c->due_day, c->frozen_left, &due, &frozen);
	names = calloc(mv->n_values + 1, sizeof *names);
	values = calloc(mv->n_values + 1, sizeof *values);
	if (!names || !values) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < mv->n_values; i++) {
		names[i] = mv->values[i].field;
		values[i] = mv->values[i].value;
	}
	assert(t->to < wf->n_states);
	struct cd_case_step step = {
		.number = c->number,
		.expected_version = mv->expected_version ? mv->expected_version : c->row_version,
		.transition = t->id,
		.to_state = wf->states[t->to].id,
		.final = wf->states[t->to].final,
		.due_day = due,
		.frozen_left = frozen,
		.names = names,
		.values = values,
		.n_values = mv->n_values,
		.note = mv->note,
		.at = mv->at,
	};
	rc = case_step(s, actor, &step, new_version, err);
out:
	free(names);
	free(values);
	free(steps);
	free(check_facts);
	checks_free(check_rows, n_check_rows);
	case_history_free(hist, n_hist);
	case_free(c);
	return rc;
}

int cw_case_options(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		    const struct cd_case *c, struct cw_option **out, size_t *n, struct cd_error *err)
{
	const struct workflow *wf;
	struct cd_case_facts cf;
	struct wf_facts facts;
	struct cw_option *opts;
	struct cd_history_row *hist = NULL;
	struct wf_step_done *steps = NULL;
	struct cd_check *check_rows = NULL;
	struct wf_check_fact *check_facts = NULL;
	size_t count = 0, n_hist = 0, n_steps = 0, n_check_rows = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = registry_for_case(reg, s, c->workflow_id, c->workflow_version, &wf, err)))
		return rc;
	if (c->closed_at)
		return CD_OK;
	/* The history only when a step open here pairs with another (four_eyes = STEP). */
	int pairs = 0;
	for (size_t i = 0; i < wf->n_transitions && !pairs; i++)
		pairs = wf->transitions[i].four_eyes != WF_NO_PAIR && wf_transition_from(wf, &wf->transitions[i], c->state);
	if ((rc = case_facts(s, c, store_today(s), &cf, err)) ||
	    (rc = gather_checks(s, c, &check_rows, &n_check_rows, &check_facts, err)) ||
	    (pairs && (rc = case_steps(s, actor, c, &hist, &n_hist, &steps, &n_steps, err))))
		goto out;
	fill_facts(c, actor, &cf, &facts);
	facts.steps = steps;
	facts.n_steps = n_steps;
	facts.checks = check_facts;
	facts.n_checks = n_check_rows;
	opts = calloc(wf->n_transitions ? wf->n_transitions : 1, sizeof *opts);
	if (!opts) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		struct cd_error why = CD_ERROR_INIT;
		if (!wf_transition_from(wf, t, c->state))
			continue;
		opts[count].t = t;
		opts[count].allowed = wf_check_guards(wf, t, &facts, &why) == CD_OK;
		if (!opts[count].allowed) {
			pending_why(wf, &facts, check_rows, n_check_rows, &why);
			memcpy(opts[count].reason, why.msg, sizeof why.msg);
		}
		count++;
	}
	*out = opts;
	*n = count;
out:
	free(steps);
	free(check_facts);
	checks_free(check_rows, n_check_rows);
	case_history_free(hist, n_hist);
	return rc;
}

/* ---- checks ----------------------------------------------------------------------------- */

/* The workflow version the case runs on, for the lists it names. */
static int case_workflow(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
			 const char *number, const struct workflow **wf, struct cd_error *err)
{
	struct cd_case *c = NULL;
	int rc = case_load(s, actor, number, NULL, &c, err);

	if (rc == CD_OK)
		rc = registry_for_case(reg, s, c->workflow_id, c->workflow_version, wf, err);
	case_free(c);
	return rc;
}

int cw_check_record_at(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		       const char *number, const char *list, const char *result, const char *note,
		       const char *source, const char *at, struct cd_error *err)
{
	const struct workflow *wf;
	int rc;

	if ((rc = case_workflow(s, reg, actor, number, &wf, err)))
		return rc;
	struct cd_check_answer a = {
		.number = number, .list = list, .result = result, .text = note, .source = source,
		.lists = (const char *const *)wf->checks, .n_lists = wf->n_checks, .at = at,
	};
	return checks_record(s, actor, &a, err);
}

int cw_check_record(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const char *number,
		    const char *list, const char *result, const char *note, struct cd_error *err)
{
	return cw_check_record_at(s, reg, actor, number, list, result, note, "hand", NULL, err);
}

int cw_check_clear(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const char *number,
		   const char *list, const char *reason, struct cd_error *err)
{
	const struct workflow *wf;
	int rc;

	if ((rc = case_workflow(s, reg, actor, number, &wf, err)))
		return rc;
	struct cd_check_answer a = {
		.number = number, .list = list, .text = reason,
		.lists = (const char *const *)wf->checks, .n_lists = wf->n_checks,
	};
	return checks_clear(s, actor, &a, err);
}

int cw_case_checks(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		   const struct cd_case *c, const char *purpose, struct cw_checks *out, struct cd_error *err)
{
	const struct workflow *wf;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = registry_for_case(reg, s, c->workflow_id, c->workflow_version, &wf, err)))
		return rc;
	rc = purpose ? checks_read(s, actor, c->number, purpose, &out->rows, &out->n_rows, err)
		     : checks_current(s, c->id, &out->rows, &out->n_rows, err);
	if (rc)
		return rc;
	if (!(out->v = calloc(wf->n_checks + out->n_rows + 1, sizeof *out->v))) {
		cw_checks_release(out);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	for (size_t i = 0; i < wf->n_checks; i++) {
		struct cw_check *k = &out->v[out->n++];
		k->list = wf->checks[i];
		k->required = 1;
		for (size_t r = 0; r < out->n_rows && !k->row; r++)
			if (!strcmp(out->rows[r].list, k->list))
				k->row = &out->rows[r];
		k->answer = k->row ? answer_of(k->row) : WF_CHECK_MISSING;
		out->outstanding += k->answer == WF_CHECK_MISSING || k->answer == WF_CHECK_HIT;
	}
	/* Answers for lists the workflow does not name (rows from before schema 12) are shown too. */
	for (size_t r = 0; r < out->n_rows; r++) {
		int named = 0;
		for (size_t i = 0; i < wf->n_checks && !named; i++)
			named = !strcmp(wf->checks[i], out->rows[r].list);
		if (named)
			continue;
		struct cw_check *k = &out->v[out->n++];
		k->list = out->rows[r].list;
		k->row = &out->rows[r];
		k->answer = answer_of(k->row);
	}
	return CD_OK;
}

void cw_checks_release(struct cw_checks *k)
{
	if (!k)
		return;
	free(k->v);
	checks_free(k->rows, k->n_rows);
	memset(k, 0, sizeof *k);
}
