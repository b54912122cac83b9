/*
 * reports.c - the statistics casedesk produces, shaped from model/stats.h rows:
 *
 *   asylum-applicants  Eurostat migr_asyappctzm: asylum applicants (family members included)
 *                      by month, citizenship, sex, age group, first-time or subsequent
 *   asylum-decisions   Eurostat migr_asydcfstq: first-instance decisions by quarter and outcome
 *   first-permits      Eurostat migr_resfirst: first residence permits by year, reason and
 *                      validity, without EU, EEA and Swiss citizens
 *
 * Each Eurostat report also builds its SDMX-CSV observations (a table marked sdmx): every
 * person is added under each aggregate they belong to (TOTAL, EU27_2020 or EXT_EU27_2020,
 * sex T, age TOTAL and Y_LT18, ASY_APP, TOTAL_POS ...), so every total is the sum of its
 * parts by construction and only cells with someone in them are written.
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

/* Translated XLSX headers from an N_() table. */
static void set_labels(struct rtable *t, const char *const *msgids, size_t n)
{
	const char *tr[32];
	for (size_t i = 0; i < n && i < 32; i++)
		tr[i] = _(msgids[i]);
	rtable_set_labels(t, tr);
}

/* The report's period as day numbers (validated by the caller; all time when not). */
static void period_days(const struct report_params *p, long *from, long *to)
{
	if (cd_days_parse(p->from, "from", from, NULL) != CD_OK)
		*from = 0;
	if (cd_days_parse(p->to, "to", to, NULL) != CD_OK)
		*to = 99999999;
}

/* ---- SDMX-CSV: Eurostat's aggregates ------------------------------------------------ */

/* A person's citizenship under itself, TOTAL and the EU or non-EU aggregate. */
static size_t citizen_set(const char *alpha3, const char *out[3])
{
	const char *c = eurostat_citizen(alpha3);
	out[0] = c;
	out[1] = "TOTAL";
	out[2] = eurostat_in_eu27(c) ? "EU27_2020" : "EXT_EU27_2020";
	return 3;
}

/* An age group under itself, TOTAL and, for minors, Y_LT18. */
static size_t age_set(const char *group, const char *out[3])
{
	const char *a = eurostat_age(group);
	size_t n = 0;
	out[n++] = a;
	out[n++] = "TOTAL";
	if (strcmp(a, "Y_LT14") == 0 || strcmp(a, "Y14-17") == 0)
		out[n++] = "Y_LT18";
	return n;
}

static const char *geo_of(const struct report_params *p)
{
	return p->geo && *p->geo ? p->geo : "UNK";
}

/*
 * The sheet charted for a detail table: its `total` column summed per citizenship, the ten
 * largest and the rest as one row - a chart of every row would be unreadable.
 */
static int add_top_citizenships(struct report *out, size_t src, size_t cit_col, size_t total_col, const char *title,
				struct cd_error *err)
{
	static const char *const cols[] = { "citizenship", "total" };
	static const char *const labels[] = { N_("Citizenship"), N_("Persons") };
	struct report tmp = { 0 };
	struct rtable *sum = report_add_table(&tmp, "sum", "", cols, 2, 1);
	int rc = CD_OK;
	if (!sum)
		return oom(err);
	const struct rtable *t = &out->tables[src];
	for (size_t r = 0; r < t->n_rows; r++) {
		const char *l[] = { t->cells[r * t->n_cols + cit_col].text };
		rtable_add(sum, l, 1, t->cells[r * t->n_cols + total_col].num);
	}
	/* Largest first; ties by code, so the file is the same every time. */
	for (size_t i = 1; i < sum->n_rows; i++)
		for (size_t j = i; j > 0; j--) {
			struct rcell *a = &sum->cells[(j - 1) * 2], *b = &sum->cells[j * 2];
			if (a[1].num > b[1].num || (a[1].num == b[1].num && strcmp(a[0].text, b[0].text) <= 0))
				break;
			struct rcell x[2] = { a[0], a[1] };
			a[0] = b[0], a[1] = b[1], b[0] = x[0], b[1] = x[1];
		}
	struct rtable *top = report_add_table(out, "by citizenship", title, cols, 2, 1);
	if (!top) {
		rc = oom(err);
		goto out;
	}
	set_labels(top, labels, 2);
	for (size_t r = 0; r < sum->n_rows; r++) {
		const char *l[] = { r < 10 ? sum->cells[r * 2].text : _("all others") };
		rtable_add(top, l, 1, sum->cells[r * 2 + 1].num);
	}
out:
	report_release(&tmp);
	return rc;
}

/* ---- periods ----------------------------------------------------------------------- */

void report_period_bounds(char freq, long day, long *first, long *last)
{
	int y, m, d;
	cd_days_to_date(day, &y, &m, &d);
	int m0 = freq == 'A' ? 1 : freq == 'Q' ? (m - 1) / 3 * 3 + 1 : m;
	int m1 = freq == 'A' ? 12 : freq == 'Q' ? m0 + 2 : m;
	*first = cd_date_to_days(y, m0, 1);
	*last = cd_date_to_days(y, m1, cd_days_in_month(y, m1));
}

void report_period_label(char freq, long day, long from, long to, const char *whole, char *out, size_t size)
{
	long first, last;
	report_period_bounds(freq, day, &first, &last);
	if (first >= from && last <= to) {
		snprintf(out, size, "%s", whole);
		return;
	}
	char a[16], b[16];
	cd_days_format(first > from ? first : from, a, sizeof a);
	cd_days_format(last < to ? last : to, b, sizeof b);
	snprintf(out, size, "%s..%s", a, b);
}

/*
 * SDMX-CSV is a transmission: a TIME_PERIOD of 2026-03 says "all of March", so the period
 * must start on the first day of one of the report's periods and end on the last day of one.
 */
static int whole_periods(const struct report_def *def, const struct report_params *p, struct cd_error *err)
{
	static const char *const what[] = { N_("whole months"), N_("whole quarters"), N_("whole years") };
	long from, to, first, last, f_first, t_last;
	if (!def->freq)
		return CD_OK;
	if (cd_days_parse(p->from, "--from", &from, err) != CD_OK || cd_days_parse(p->to, "--to", &to, err) != CD_OK)
		return err->code;
	report_period_bounds(def->freq, from, &f_first, &last);
	report_period_bounds(def->freq, to, &first, &t_last);
	if (f_first == from && t_last == to)
		return CD_OK;
	char want_from[16], want_to[16];
	cd_days_format(f_first, want_from, sizeof want_from);
	cd_days_format(t_last, want_to, sizeof want_to);
	return cd_error_set(err, CD_EUSAGE,
			    _("SDMX-CSV of %s transmits %s: the period %s to %s covers part of one, which Eurostat "
			      "would read as the whole; give --from %s --to %s (or xlsx or csv for part of a period)"),
			    def->name, _(what[def->freq == 'M' ? 0 : def->freq == 'Q' ? 1 : 2]), p->from, p->to,
			    want_from, want_to);
}

/*
 * The words the XLSX shows for the codes in label columns (the CSV keeps the codes, for
 * machines): applicant types, age groups, permit reasons.  NULL for a code not listed.
 */
static const char *code_word(const char *code)
{
	static const char *const words[][2] = {
		{ "first_time", N_("first-time") },
		{ "subsequent", N_("subsequent") },
		{ "under_14", N_("Under 14") },
		{ "14_17", N_("14 to 17") },
		{ "18_34", N_("18 to 34") },
		{ "35_64", N_("35 to 64") },
		{ "65_plus", N_("65 or over") },
		{ "unknown", N_("Age unknown") },
		{ "family", N_("family") },
		{ "education", N_("education") },
		{ "remunerated_activities", N_("remunerated activities") },
		{ "other", N_("other") },
	};
	for (size_t i = 0; i < N(words); i++)
		if (strcmp(words[i][0], code) == 0)
			return _(words[i][1]);
	return NULL;
}

/* Applicant type (column 3), age group (decisions' column 3), reason (permits' column 2, 1 by reason). */
static const char *applicants_word(size_t col, const char *code)
{
	return col == 3 ? code_word(code) : NULL;
}

static const char *decisions_word(size_t col, const char *code)
{
	return col == 3 ? code_word(code) : NULL;
}

static const char *permits_word(size_t col, const char *code)
{
	return col == 2 ? code_word(code) : NULL;
}

static const char *by_reason_word(size_t col, const char *code)
{
	return col == 1 ? code_word(code) : NULL;
}

/* ---- asylum-applicants ------------------------------------------------------------ */

static const char *const age_groups[] = { "under_14", "14_17", "18_34", "35_64", "65_plus", "unknown" };

struct applicants {
	struct rtable *detail, *by_month, *sdmx;
	const char *geo;
	long from, to;
	int64_t done, total;
	int progress;
};

static int applicant_row(void *ctx, const struct stats_applicant *r)
{
	struct applicants *a = ctx;
	char whole[8], month[32];
	long day;
	snprintf(whole, sizeof whole, "%.7s", r->opened);
	if (cd_days_parse(r->opened, "opened", &day, NULL) != CD_OK)
		day = 0;
	report_period_label('M', day, a->from, a->to, whole, month, sizeof month);
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
	if (r->family_member)
		rtable_add(a->by_month, ml, 4, 1);

	/* migr_asyappctzm: every applicant under ASY_APP, first-time ones under NASY_APP too. */
	const char *cits[3], *ages[3], *sexes[] = { eurostat_sex(r->sex), "T" };
	const char *apps[] = { "ASY_APP", "NASY_APP" };
	char period[8];
	snprintf(period, sizeof period, "%.7s", r->opened);
	size_t nc = citizen_set(r->citizenship, cits), na = age_set(group, ages), nt = r->subsequent ? 1 : 2;
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < 2; j++)
			for (size_t k = 0; k < na; k++)
				for (size_t m = 0; m < nt; m++) {
					const char *l[] = { "ESTAT:MIGR_ASYAPPCTZM(1.0)", "M", "PER", cits[i], sexes[j],
							    ages[k], apps[m], a->geo, period };
					rtable_add(a->sdmx, l, N(l), 1);
				}
	if (a->progress && ++a->done % 1000 == 0)
		fprintf(stderr, "\rasylum-applicants: %lld/%lld", (long long)a->done, (long long)a->total);
	return CD_OK;
}

static int build_applicants(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "month", "citizenship", "sex", "applicant_type", "total", "under_14",
					     "14_17", "18_34", "35_64", "65_plus", "unknown" };
	static const char *const dlabels[] = { N_("Month"), N_("Citizenship"), N_("Sex"), N_("Applicant type"),
					       N_("Applicants"), N_("Under 14"), N_("14 to 17"), N_("18 to 34"),
					       N_("35 to 64"), N_("65 or over"), N_("Age unknown") };
	static const char *const mcols[] = { "month", "first_time", "subsequent", "total", "family_members" };
	static const char *const mlabels[] = { N_("Month"), N_("First-time applicants"), N_("Subsequent applicants"),
					       N_("Applicants"), N_("Of which family members") };
	static const char *const scols[] = { "DATAFLOW", "freq", "unit", "citizen", "sex", "age",
					     "asyl_app", "geo", "TIME_PERIOD", "OBS_VALUE" };
	struct applicants a = { 0 };
	int rc;

	if (!report_add_table(out, "applicants", _("Asylum applicants by age group"), dcols, N(dcols), 4) ||
	    !report_add_table(out, "by month", _("Asylum applicants per month"), mcols, N(mcols), 1) ||
	    !report_add_table(out, "sdmx", "", scols, N(scols), N(scols) - 1))
		return oom(err);
	a.detail = &out->tables[0];
	a.by_month = &out->tables[1];
	a.sdmx = &out->tables[2];
	set_labels(a.detail, dlabels, N(dlabels));
	a.detail->word = applicants_word;
	set_labels(a.by_month, mlabels, N(mlabels));
	a.detail->chart_from = a.detail->chart_to = 0;   /* charted by citizenship instead */
	a.by_month->chart = RCHART_STACKED;
	a.by_month->chart_to = 3;
	a.sdmx->sdmx = 1;
	a.geo = geo_of(p);
	period_days(p, &a.from, &a.to);
	a.progress = p->progress;
	if (a.progress && (rc = stats_asylum_applicants_count(s, p->from, p->to, &a.total, err)))
		return rc;
	rc = stats_asylum_applicants(s, p->from, p->to, applicant_row, &a, err);
	if (a.progress && a.done >= 1000)
		fputc('\n', stderr);
	rtable_sort(a.detail);
	rtable_sort(a.by_month);
	rtable_sort(a.sdmx);
	if (rc == CD_OK)
		rc = add_top_citizenships(out, 0, 1, 4, _("Asylum applicants: the ten largest citizenships"), err);
	return rc;
}

/* ---- asylum-decisions ------------------------------------------------------------- */

/* The asylum workflow's first-instance decision states and Eurostat's DECISION code for each. */
static const struct {
	const char *state, *outcome, *code;
	int positive;
} decision_map[] = {
	{ "refugee_status", "geneva_convention", "GENCONV", 1 },
	{ "humanitarian", "humanitarian", "HUMSTAT", 1 },
	{ "subsidiary_protection", "subsidiary_protection", "SUB_PROT", 1 },
	{ "rejected", "rejected", "REJECTED", 0 },
	{ "inadmissible", "rejected", "REJECTED", 0 },
};
static const char *const outcomes[] = { "geneva_convention", "humanitarian", "subsidiary_protection", "rejected" };

struct decisions {
	struct rtable *detail, *by_quarter, *sdmx;
	const char *geo;
	long from, to;
};

static int decision_row(void *ctx, const struct stats_decision *r)
{
	struct decisions *d = ctx;
	size_t which = N(decision_map);
	for (size_t i = 0; i < N(decision_map); i++)
		if (strcmp(decision_map[i].state, r->state) == 0)
			which = i;
	if (which == N(decision_map))
		return CD_OK;
	size_t col = 0;
	for (size_t i = 0; i < N(outcomes); i++)
		if (strcmp(outcomes[i], decision_map[which].outcome) == 0)
			col = i;
	int pos = decision_map[which].positive;
	long day;
	if (cd_days_parse(r->day, "decided", &day, NULL) != CD_OK)
		day = 0;
	char quarter[32];
	report_period_label('Q', day, d->from, d->to, r->quarter, quarter, sizeof quarter);
	const char *group = stats_age_group(r->dob, day);
	const char *labels[] = { quarter, r->citizenship, r->sex, group };
	rtable_add(d->detail, labels, 4, (double)r->count);
	if (pos)
		rtable_add(d->detail, labels, 5, (double)r->count);
	rtable_add(d->detail, labels, 6 + col, (double)r->count);
	const char *ql[] = { quarter };
	rtable_add(d->by_quarter, ql, 1, (double)r->count);
	if (pos)
		rtable_add(d->by_quarter, ql, 2, (double)r->count);
	rtable_add(d->by_quarter, ql, 3 + col, (double)r->count);

	/* migr_asydcfstq: age at the decision; TOTAL and TOTAL_POS over the outcomes. */
	const char *cits[3], *ages[3], *sexes[] = { eurostat_sex(r->sex), "T" };
	const char *decs[] = { decision_map[which].code, "TOTAL", "TOTAL_POS" };
	char period[10];
	snprintf(period, sizeof period, "%.4s-%s", r->quarter, r->quarter + 4);
	size_t nc = citizen_set(r->citizenship, cits), na = age_set(group, ages);
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < 2; j++)
			for (size_t k = 0; k < na; k++)
				for (size_t m = 0; m < (pos ? 3u : 2u); m++) {
					const char *l[] = { "ESTAT:MIGR_ASYDCFSTQ(1.0)", "Q", "PER", cits[i], sexes[j],
							    ages[k], decs[m], d->geo, period };
					rtable_add(d->sdmx, l, N(l), (double)r->count);
				}
	return CD_OK;
}

static int build_decisions(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "quarter", "citizenship", "sex", "age_group", "total", "total_positive",
					     "geneva_convention", "humanitarian", "subsidiary_protection", "rejected" };
	static const char *const dlabels[] = { N_("Quarter"), N_("Citizenship"), N_("Sex"), N_("Age group"), N_("Decisions"),
					       N_("Positive decisions"), N_("Refugee status (Geneva Convention)"),
					       N_("Humanitarian status"), N_("Subsidiary protection"), N_("Rejected") };
	static const char *const qcols[] = { "quarter", "total", "total_positive", "geneva_convention", "humanitarian",
					     "subsidiary_protection", "rejected" };
	static const char *const scols[] = { "DATAFLOW", "freq", "unit", "citizen", "sex", "age",
					     "decision", "geo", "TIME_PERIOD", "OBS_VALUE" };
	const char *states[N(decision_map)];
	const char *qlabels[N(qcols)];
	struct decisions d;

	qlabels[0] = dlabels[0];
	for (size_t i = 1; i < N(qcols); i++)
		qlabels[i] = dlabels[i + 3];
	for (size_t i = 0; i < N(decision_map); i++)
		states[i] = decision_map[i].state;
	if (!report_add_table(out, "decisions", _("First-instance decisions by outcome"), dcols, N(dcols), 4) ||
	    !report_add_table(out, "by quarter", _("First-instance decisions per quarter"), qcols, N(qcols), 1) ||
	    !report_add_table(out, "sdmx", "", scols, N(scols), N(scols) - 1))
		return oom(err);
	d.detail = &out->tables[0];
	d.by_quarter = &out->tables[1];
	d.sdmx = &out->tables[2];
	set_labels(d.detail, dlabels, N(dlabels));
	d.detail->word = decisions_word;
	set_labels(d.by_quarter, qlabels, N(qlabels));
	d.detail->chart_from = d.detail->chart_to = 0;
	d.by_quarter->chart = RCHART_STACKED;
	d.by_quarter->chart_from = 3;
	d.sdmx->sdmx = 1;
	d.geo = geo_of(p);
	period_days(p, &d.from, &d.to);
	int rc = stats_decisions(s, "asylum", states, (int)N(states), p->from, p->to, decision_row, &d, err);
	rtable_sort(d.detail);
	rtable_sort(d.by_quarter);
	rtable_sort(d.sdmx);
	if (rc == CD_OK)
		rc = add_top_citizenships(out, 0, 1, 4, _("First-instance decisions: the ten largest citizenships"), err);
	return rc;
}

/* ---- first-permits ---------------------------------------------------------------- */

struct permits {
	struct rtable *detail, *by_reason, *sdmx;
	const char *geo;
	long from, to;
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

static int permit_row(void *ctx, const struct stats_first_permit *r)
{
	struct permits *pm = ctx;
	static const struct {
		const char *reason, *code;
	} reasons[] = { { "family", "FAM" }, { "education", "EDUC" }, { "remunerated_activities", "EMP" },
			{ "other", "OTH" } };
	size_t reason = 3;
	/* Citizens of the EU, the EEA and Switzerland hold no residence permit (migr_resfirst). */
	if (!r->first || eurostat_in_eea_ch(eurostat_citizen(r->citizenship)))
		return CD_OK;
	if (strcmp(r->workflow, "work") == 0)
		reason = 2;
	else if (strcmp(r->workflow, "asylum") == 0)
		reason = 3;   /* refugee status, subsidiary protection, humanitarian: other reasons */
	else if (r->permit_reason)
		for (size_t i = 0; i < N(reasons); i++)
			if (strcmp(reasons[i].reason, r->permit_reason) == 0)
				reason = i;
	int months = validity_months(r->valid_from, r->valid_until);
	/* A protection status gives a permit of at least one year (Directive 2011/95/EU art. 24). */
	if (months < 0 && strcmp(r->workflow, "asylum") == 0)
		months = 12;
	size_t col = months >= 12 ? 5 : months >= 6 ? 4 : months >= 3 ? 3 : 6;
	char year[5], shown[32];
	long day;
	snprintf(year, sizeof year, "%.4s", r->day);
	if (cd_days_parse(r->day, "granted", &day, NULL) != CD_OK)
		day = 0;
	report_period_label('A', day, pm->from, pm->to, year, shown, sizeof shown);
	const char *labels[] = { shown, r->citizenship, reasons[reason].reason };
	if (col != 6)
		rtable_add(pm->detail, labels, 3, 1);
	rtable_add(pm->detail, labels, col, 1);
	const char *rl[] = { shown, reasons[reason].reason };
	if (col != 6)
		rtable_add(pm->by_reason, rl, 2, 1);
	rtable_add(pm->by_reason, rl, col, 1);
	if (col == 6)
		return CD_OK;   /* under 3 months or unknown: no residence permit for Eurostat */

	static const char *const durations[] = { "M3-5", "M6-11", "M_GE12" };
	const char *cits[3], *rs[] = { reasons[reason].code, "TOTAL" }, *ds[] = { durations[col - 3], "TOTAL" };
	size_t nc = citizen_set(r->citizenship, cits);
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 2; j++)
			for (size_t k = 0; k < nc; k++) {
				const char *l[] = { "ESTAT:MIGR_RESFIRST(1.0)", "A", rs[i], ds[j], cits[k], "PER",
						    pm->geo, year };
				rtable_add(pm->sdmx, l, N(l), 1);
			}
	return CD_OK;
}

static int build_permits(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err)
{
	static const char *const dcols[] = { "year", "citizenship", "reason", "total", "3_5_months", "6_11_months",
					     "12_months_plus", "other_validity" };
	static const char *const dlabels[] = { N_("Year"), N_("Citizenship"), N_("Reason"), N_("First permits"),
					       N_("3 to 5 months"), N_("6 to 11 months"), N_("12 months or over"),
					       N_("Not counted: under 3 months or unknown") };
	static const char *const rcols[] = { "year", "reason", "total", "3_5_months", "6_11_months", "12_months_plus",
					     "other_validity" };
	static const char *const scols[] = { "DATAFLOW", "freq", "reason", "duration", "citizen",
					     "unit", "geo", "TIME_PERIOD", "OBS_VALUE" };
	const char *rlabels[N(rcols)];
	struct permits pm;

	rlabels[0] = dlabels[0];
	for (size_t i = 1; i < N(rcols); i++)
		rlabels[i] = dlabels[i + 1];
	if (!report_add_table(out, "permits", _("First residence permits by reason and validity"), dcols, N(dcols), 3) ||
	    !report_add_table(out, "by reason", _("First residence permits by reason"), rcols, N(rcols), 2) ||
	    !report_add_table(out, "sdmx", "", scols, N(scols), N(scols) - 1))
		return oom(err);
	pm.detail = &out->tables[0];
	pm.by_reason = &out->tables[1];
	pm.sdmx = &out->tables[2];
	set_labels(pm.detail, dlabels, N(dlabels));
	pm.detail->word = permits_word;
	pm.by_reason->word = by_reason_word;
	set_labels(pm.by_reason, rlabels, N(rlabels));
	pm.detail->chart_from = pm.detail->chart_to = 0;
	pm.by_reason->chart = RCHART_STACKED;
	pm.by_reason->chart_cat = 1;
	pm.by_reason->chart_from = 3;
	pm.by_reason->chart_to = 6;
	pm.sdmx->sdmx = 1;
	pm.geo = geo_of(p);
	period_days(p, &pm.from, &pm.to);
	int rc = stats_first_permits(s, p->from, p->to, permit_row, &pm, err);
	rtable_sort(pm.detail);
	rtable_sort(pm.by_reason);
	rtable_sort(pm.sdmx);
	if (rc == CD_OK)
		rc = add_top_citizenships(out, 0, 1, 3, _("First residence permits: the ten largest citizenships"), err);
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
	static const char *const olabels[] = { N_("Workflow"), N_("State"), N_("Open cases"), N_("Overdue") };
	static const char *const dlabels[] = { N_("User"), N_("Decisions"), N_("Average days to decision") };
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
	set_labels(w.open, olabels, N(olabels));
	set_labels(w.decided, dlabels, N(dlabels));
	rtable_sort(w.decided);
	return CD_OK;
}

const struct report_def report_defs[] = {
	{ "asylum-applicants", N_("asylum applicants, family members included, by month, citizenship, sex, age group, first-time/subsequent (Eurostat migr_asyappctzm)"),
	  build_applicants, "asylum", 'M' },
	{ "asylum-decisions", N_("first-instance asylum decisions by quarter, citizenship, sex, age and outcome (Eurostat migr_asydcfstq)"),
	  build_decisions, "asylum", 'Q' },
	{ "first-permits", N_("first residence permits by year, reason and validity, non-EU/EEA/Swiss citizens (Eurostat migr_resfirst)"), build_permits,
	  "residence,work,asylum", 'A' },
	{ "workload", N_("open and overdue cases per workflow and state, decisions per user and days to decision"),
	  build_workload, "*", 0 },
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
		  const char *format, int round, const char *path, unsigned flags, struct cd_error *err)
{
	struct report r = { 0 };
	int rc;

	if (strcmp(format, "sdmx-csv") == 0 && (rc = whole_periods(def, p, err)))
		goto out;
	if ((rc = def->build(s, p, &r, err)))
		goto out;
	snprintf(r.period, sizeof r.period, _("Period: %s to %s"), p->from, p->to);
	if (strcmp(format, "sdmx-csv") == 0) {
		rc = report_write_sdmx(&r, path, round, flags, err);
	} else if (strcmp(format, "csv") == 0) {
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
