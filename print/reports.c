/*
 * reports.c - the statistics casedesk produces, shaped from model/stats.h rows:
 *
 *   asylum-applicants  Eurostat migr_asyappctzm: asylum applications by month, citizenship,
 *                      sex, age group, first-time or subsequent
 *   asylum-decisions   Eurostat migr_asydcfstq: first-instance decisions by quarter and outcome
 *   first-permits      Eurostat migr_resfirst: first residence permits by reason and validity
 *   workload           open and overdue cases per workflow and state; decisions per user
 *
 * The definitions are documented in the README ("Forms and statistics").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/stats.h"
#include "print/report.h"
#include "workflow/casework.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int oom(struct cd_error *err)
{
	return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
}

/* ---- asylum-applicants ------------------------------------------------------------ */

static const char *const age_groups[] = { "under_14", "14_17", "18_34", "35_64", "65_plus", "unknown" };

struct applicants {
	struct rtable *detail, *by_month;
	int64_t done, total;
	int progress;
};

static int applicant_row(void *ctx, const struct stats_applicant *r)
{
	struct applicants *a = ctx;
	char month[8];
	long day;
	snprintf(month, sizeof month, "%.7s", r->opened);
	if (cd_days_parse(r->opened, "opened", &day, NULL) != CD_OK)
		day = 0;
	const char *group = stats_age_group(r->dob, day);
	const char *type = r->subsequent ? "subsequent" : "first_time";
	const char *labels[] = { month, r->citizenship, r->sex, type };
	size_t col = 5;
	for (size_t i = 0; i < N(age_groups); i++)
		if (strcmp(age_groups[i], group) == 0)
			col = 5 + i;
	rtable_add(a->detail, labels, 4, 1);
	rtable_add(a->detail, labels, col, 1);
	const char *ml[] = { month };
	rtable_add(a->by_month, ml, r->subsequent ? 2 : 1, 1);
	rtable_add(a->by_month, ml, 3, 1);
	if (a->progress && ++a->done % 1000 == 0)
		fprintf(stderr, "\rasylum-applicants: %lld/%lld", (long long)a->done, (long long)a->total);
	return CD_OK;
}

static int build_applicants(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "month", "citizenship", "sex", "applicant_type", "total", "under_14",
					     "14_17", "18_34", "35_64", "65_plus", "unknown" };
	static const char *const mcols[] = { "month", "first_time", "subsequent", "total" };
	struct applicants a = { 0 };
	int rc;

	a.detail = report_add_table(out, "applicants", _("Asylum applicants by age group"), dcols, N(dcols), 4);
	if (!a.detail)
		return oom(err);
	a.detail->chart = RCHART_STACKED;
	a.detail->chart_from = 5;
	a.by_month = report_add_table(out, "by month", _("Asylum applicants per month"), mcols, N(mcols), 1);
	if (!a.by_month)
		return oom(err);
	a.detail = &out->tables[0];
	a.by_month->chart = RCHART_STACKED;
	a.by_month->chart_to = 3;
	a.progress = p->progress;
	if (a.progress && (rc = stats_asylum_applicants_count(s, p->from, p->to, &a.total, err)))
		return rc;
	rc = stats_asylum_applicants(s, p->from, p->to, applicant_row, &a, err);
	if (a.progress && a.done >= 1000)
		fputc('\n', stderr);
	rtable_sort(a.detail);
	rtable_sort(a.by_month);
	return rc;
}

/* ---- asylum-decisions ------------------------------------------------------------- */

/* The asylum workflow's first-instance decision states and Eurostat's outcome for each. */
static const struct {
	const char *state, *outcome;
} decision_map[] = {
	{ "refugee_status", "geneva_convention" },
	{ "humanitarian", "humanitarian" },
	{ "subsidiary_protection", "subsidiary_protection" },
	{ "rejected", "rejected" },
	{ "inadmissible", "rejected" },
};
static const char *const outcomes[] = { "geneva_convention", "humanitarian", "subsidiary_protection", "rejected" };

struct decisions {
	struct rtable *detail, *by_quarter;
};

static int decision_row(void *ctx, const struct stats_decision *r)
{
	struct decisions *d = ctx;
	const char *outcome = NULL;
	for (size_t i = 0; i < N(decision_map); i++)
		if (strcmp(decision_map[i].state, r->state) == 0)
			outcome = decision_map[i].outcome;
	if (!outcome)
		return CD_OK;
	size_t col = 0;
	for (size_t i = 0; i < N(outcomes); i++)
		if (strcmp(outcomes[i], outcome) == 0)
			col = i;
	const char *labels[] = { r->quarter, r->citizenship, r->sex };
	rtable_add(d->detail, labels, 3, (double)r->count);
	rtable_add(d->detail, labels, 4 + col, (double)r->count);
	const char *ql[] = { r->quarter };
	rtable_add(d->by_quarter, ql, 1, (double)r->count);
	rtable_add(d->by_quarter, ql, 2 + col, (double)r->count);
	return CD_OK;
}

static int build_decisions(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "quarter", "citizenship", "sex", "total", "geneva_convention",
					     "humanitarian", "subsidiary_protection", "rejected" };
	static const char *const qcols[] = { "quarter", "total", "geneva_convention", "humanitarian",
					     "subsidiary_protection", "rejected" };
	const char *states[N(decision_map)];
	struct decisions d;

	for (size_t i = 0; i < N(decision_map); i++)
		states[i] = decision_map[i].state;
	if (!report_add_table(out, "decisions", _("First-instance decisions by outcome"), dcols, N(dcols), 3) ||
	    !report_add_table(out, "by quarter", _("First-instance decisions per quarter"), qcols, N(qcols), 1))
		return oom(err);
	d.detail = &out->tables[0];
	d.by_quarter = &out->tables[1];
	d.detail->chart = RCHART_STACKED;
	d.detail->chart_from = 4;
	d.by_quarter->chart = RCHART_STACKED;
	d.by_quarter->chart_from = 2;
	int rc = stats_decisions(s, "asylum", states, (int)N(states), p->from, p->to, decision_row, &d, err);
	rtable_sort(d.detail);
	rtable_sort(d.by_quarter);
	return rc;
}

/* ---- first-permits ---------------------------------------------------------------- */

struct permits {
	struct rtable *detail, *by_reason;
};

/* Whole months from `from` to the day after `until` (2026-01-01 .. 2026-12-31 is 12); -1 when unknown. */
static int validity_months(const char *from, const char *until)
{
	long a, b;
	int y1, m1, d1, y2, m2, d2;
	if (!from || !until || cd_days_parse(from, "valid_from", &a, NULL) != CD_OK ||
	    cd_days_parse(until, "valid_until", &b, NULL) != CD_OK || b < a)
		return -1;
	cd_days_to_date(a, &y1, &m1, &d1);
	cd_days_to_date(b + 1, &y2, &m2, &d2);
	return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

static int permit_row(void *ctx, const struct stats_permit *r)
{
	struct permits *pm = ctx;
	static const char *const reasons[] = { "family", "education", "remunerated_activities", "other" };
	const char *reason = "other";
	if (!r->first)
		return CD_OK;
	if (strcmp(r->workflow, "work") == 0)
		reason = "remunerated_activities";
	else if (r->permit_reason)
		for (size_t i = 0; i < N(reasons); i++)
			if (strcmp(reasons[i], r->permit_reason) == 0)
				reason = reasons[i];
	int months = validity_months(r->valid_from, r->valid_until);
	size_t col = months >= 12 ? 5 : months >= 6 ? 4 : months >= 3 ? 3 : 6;
	const char *labels[] = { r->citizenship, reason };
	rtable_add(pm->detail, labels, 2, 1);
	rtable_add(pm->detail, labels, col, 1);
	const char *rl[] = { reason };
	rtable_add(pm->by_reason, rl, 1, 1);
	rtable_add(pm->by_reason, rl, col - 1, 1);
	return CD_OK;
}

static int build_permits(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "citizenship", "reason", "total", "3_5_months", "6_11_months",
					     "12_months_plus", "other_validity" };
	static const char *const rcols[] = { "reason", "total", "3_5_months", "6_11_months", "12_months_plus",
					     "other_validity" };
	static const char *const workflows[] = { "residence", "work" };
	struct permits pm;

	if (!report_add_table(out, "permits", _("First residence permits by reason and validity"), dcols, N(dcols), 2) ||
	    !report_add_table(out, "by reason", _("First residence permits by reason"), rcols, N(rcols), 1))
		return oom(err);
	pm.detail = &out->tables[0];
	pm.by_reason = &out->tables[1];
	pm.detail->chart = RCHART_STACKED;
	pm.detail->chart_from = 3;
	pm.by_reason->chart = RCHART_STACKED;
	pm.by_reason->chart_from = 2;
	int rc = stats_permits_granted(s, workflows, (int)N(workflows), "grant", p->from, p->to, permit_row, &pm, err);
	rtable_sort(pm.detail);
	rtable_sort(pm.by_reason);
	return rc;
}

/* ---- workload --------------------------------------------------------------------- */

struct workload {
	struct rtable *open, *decided;
	const struct report_params *p;
};

static int open_row(void *ctx, const struct stats_open *r)
{
	struct workload *w = ctx;
	const char *labels[] = { r->workflow, r->state };
	rtable_add(w->open, labels, 2, (double)r->open);
	rtable_add(w->open, labels, 3, (double)r->overdue);
	return CD_OK;
}

static int step_row(void *ctx, const struct stats_step *r)
{
	struct workload *w = ctx;
	if (!r->transition || !w->p->is_decision || !w->p->is_decision(w->p->ctx, r->workflow, r->transition))
		return CD_OK;
	const char *labels[] = { r->user };
	rtable_add(w->decided, labels, 1, (double)r->count);
	rtable_add(w->decided, labels, 3, r->days_sum);   /* summed now, averaged at the end */
	return CD_OK;
}

static int build_workload(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const ocols[] = { "workflow", "state", "open", "overdue" };
	static const char *const dcols[] = { "user", "decided", "average_days_to_decision", "days_sum" };
	struct workload w = { .p = p };
	int rc;

	if (!report_add_table(out, "open cases", _("Open and overdue cases"), ocols, N(ocols), 2) ||
	    !report_add_table(out, "decided", _("Decisions per user"), dcols, N(dcols), 1))
		return oom(err);
	w.open = &out->tables[0];
	w.decided = &out->tables[1];
	w.open->chart = RCHART_BAR;
	w.open->chart_cat = 1;
	w.decided->chart_to = 2;
	w.decided->no_total = 1ul << 2;
	if ((rc = stats_open_cases(s, p->today, open_row, &w, err)) ||
	    (rc = stats_steps_by_user(s, p->from, p->to, step_row, &w, err)))
		return rc;
	for (size_t r = 0; r < w.decided->n_rows; r++) {
		struct rcell *row = &w.decided->cells[r * w.decided->n_cols];
		row[2].num = row[1].num > 0 ? (double)(long)(row[3].num / row[1].num * 10 + 0.5) / 10 : 0;
	}
	/* days_sum was only a helper: drop the column. */
	for (size_t r = 0; r < w.decided->n_rows; r++)
		w.decided->cells[r * 3 + 0] = w.decided->cells[r * 4 + 0],
		w.decided->cells[r * 3 + 1] = w.decided->cells[r * 4 + 1],
		w.decided->cells[r * 3 + 2] = w.decided->cells[r * 4 + 2];
	free(w.decided->cols[3]);
	w.decided->n_cols = 3;
	rtable_sort(w.decided);
	return CD_OK;
}

const struct report_def report_defs[] = {
	{ "asylum-applicants", N_("asylum applicants by month, citizenship, sex, age group, first-time/subsequent (Eurostat migr_asyappctzm)"),
	  build_applicants, "asylum" },
	{ "asylum-decisions", N_("first-instance asylum decisions by quarter and outcome (Eurostat migr_asydcfstq)"),
	  build_decisions, "asylum" },
	{ "first-permits", N_("first residence permits by reason and validity (Eurostat migr_resfirst)"), build_permits,
	  "residence,work,asylum" },
	{ "workload", N_("open and overdue cases per workflow and state, decisions per user and days to decision"),
	  build_workload, "*" },
};
const size_t n_report_defs = N(report_defs);

const struct report_def *report_find(const char *name)
{
	for (size_t i = 0; i < n_report_defs; i++)
		if (strcmp(report_defs[i].name, name) == 0)
			return &report_defs[i];
	return NULL;
}

int report_may(const struct report_def *def, const struct cd_actor *actor, struct cd_error *err)
{
	char list[256], *save = NULL;

	if (strcmp(actor->workflows, "*") == 0)
		return CD_OK;
	if (strcmp(def->reads, "*") == 0)
		return cd_error_set(err, CD_EREFUSED,
				    _("report %s counts the cases of every workflow, and %s works on some only "
				      "(need-to-know); ask an admin, or a colleague who works on all of them"),
				    def->name, actor->name);
	snprintf(list, sizeof list, "%s", def->reads);
	for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!cd_workflows_include(actor->workflows, w))
			return cd_error_set(err, CD_EREFUSED,
					    _("report %s counts %s cases, and %s does not work on workflow %s "
					      "(need-to-know: a small figure can name a person)"),
					    def->name, w, actor->name, w);
	return CD_OK;
}

int report_is_decision(void *registry, const char *workflow, const char *transition)
{
	const struct workflow *wf = registry_current(registry, workflow);
	const struct wf_transition *t = wf ? wf_find_transition(wf, transition) : NULL;
	if (!t)
		return 0;
	if (t->four_eyes != WF_NO_PAIR)
		return wf->transitions[t->four_eyes].four_eyes == WF_NO_PAIR;
	return (t->guards & WF_GUARD_FOUR_EYES) != 0;
}

int report_export(struct cd_store *s, const struct report_def *def, const struct report_params *p,
		  const char *format, const char *path, unsigned flags, struct cd_error *err)
{
	struct report r = { 0 };
	int rc;

	if ((rc = def->build(s, p, &r, err)))
		goto out;
	if (strcmp(format, "csv") == 0) {
		rc = report_write_csv(&r, path, flags, err);
	} else {
		char title[160];
		snprintf(title, sizeof title, "%s %s..%s", def->name, p->from, p->to);
		rc = report_write_xlsx(&r, path, title, flags, err);
	}
out:
	report_release(&r);
	return rc;
}
