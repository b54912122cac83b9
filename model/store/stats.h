/*
 * stats.h - the store's figures for statistics (print/reports.c shapes them into the
 * Eurostat breakdowns and the office's workload).  Only the SQL lives here: each query
 * streams its rows to a callback, so a million-case office never holds them all.
 *
 * Periods are whole days, both ends included, as "YYYY-MM-DD"; an event or case belongs
 * to the day of its UTC timestamp.
 */
#ifndef CD_STATS_H
#define CD_STATS_H

#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/*
 * One applicant of an asylum application made in the period (Eurostat migr_asyappctzm
 * counts persons, not files): the person whose case it is, and every person included in
 * it as a family member - a child linked to the applicant (family table) who was a minor
 * on the day the application was opened and has no asylum case of their own (stats.c
 * says why no spouse).  A family member is counted once, with the earliest
 * application of a relative that includes them, and shares its date and type.
 */
struct stats_applicant {
	const char *opened;        /* "YYYY-MM-DD", the application date */
	const char *citizenship;   /* alpha-3 */
	const char *sex;           /* M, F, X */
	const char *dob;           /* YYYY, YYYY-MM or YYYY-MM-DD */
	/*
	 * A subsequent application (Directive 2013/32/EU art. 2(q)): made after a final
	 * decision on an earlier asylum application of the same person - the earlier case
	 * was closed (granted, rejected and final, inadmissible and final, withdrawn,
	 * discontinued) before this one was opened.  A Dublin transfer decides no
	 * application, so it does not make the next one subsequent.
	 */
	int subsequent;
	int family_member;         /* included in a relative's application */
};
typedef int (*stats_applicant_fn)(void *ctx, const struct stats_applicant *row);
/* How many rows stats_asylum_applicants will give, for progress. */
int stats_asylum_applicants_count(struct cd_store *s, const char *from, const char *to, int64_t *n,
				  struct cd_error *err);
int stats_asylum_applicants(struct cd_store *s, const char *from, const char *to, stats_applicant_fn fn,
			    void *ctx, struct cd_error *err);

/*
 * Transitions of `workflow` into any of `states` within the period, one row per person
 * the decision covers: the applicant and the family members included in the application
 * (as for stats_applicant).  count is always 1.
 */
struct stats_decision {
	const char *quarter;       /* "2026Q2" */
	const char *citizenship, *sex;
	const char *state;         /* the state the decision led to */
	int64_t count;
	const char *day;           /* "YYYY-MM-DD", the decision's day */
	const char *dob;
	int family_member;
};
typedef int (*stats_decision_fn)(void *ctx, const struct stats_decision *row);
int stats_decisions(struct cd_store *s, const char *workflow, const char *const *states, int n_states,
		    const char *from, const char *to, stats_decision_fn fn, void *ctx, struct cd_error *err);

/* Permits granted in the period: cases of the given workflows that took `transition`. */
struct stats_permit {
	const char *workflow;
	const char *citizenship;
	const char *permit_reason;         /* the case field, NULL when unset */
	const char *valid_from, *valid_until;  /* case fields, NULL when unset */
	int first;                         /* no earlier permit of these workflows granted to the person */
};
typedef int (*stats_permit_fn)(void *ctx, const struct stats_permit *row);
int stats_permits_granted(struct cd_store *s, const char *const *workflows, int n_workflows,
			  const char *transition, const char *from, const char *to, stats_permit_fn fn,
			  void *ctx, struct cd_error *err);

/*
 * First residence permits granted in the period (Eurostat migr_resfirst): a grant of the
 * residence or work workflow, or an asylum decision granting protection (refugee status,
 * subsidiary protection, humanitarian status: a permit follows, Directive 2011/95/EU
 * art. 24), to a person granted none of these before.  Rows in grant order.
 */
struct stats_first_permit {
	const char *day;                   /* "YYYY-MM-DD", the grant */
	const char *workflow;              /* residence, work, asylum */
	const char *status;                /* asylum: the state granted; else NULL */
	const char *citizenship, *sex, *dob;
	const char *permit_reason;         /* the case field, NULL when unset */
	const char *valid_from, *valid_until;
	int first;                         /* no earlier grant of any of these to the person */
};
typedef int (*stats_first_permit_fn)(void *ctx, const struct stats_first_permit *row);
int stats_first_permits(struct cd_store *s, const char *from, const char *to, stats_first_permit_fn fn, void *ctx,
			struct cd_error *err);

/* Open cases per workflow and state; overdue: a running clock past its due day on `today`. */
struct stats_open {
	const char *workflow, *state;
	int64_t open, overdue;
};
typedef int (*stats_open_fn)(void *ctx, const struct stats_open *row);
int stats_open_cases(struct cd_store *s, long today, stats_open_fn fn, void *ctx, struct cd_error *err);

/* Steps taken in the period per user, workflow and transition, with the days since the case opened. */
struct stats_step {
	const char *user, *workflow, *transition, *to_state;
	int64_t count;
	double days_sum;                   /* sum over the steps of (step day - opening day) */
};
typedef int (*stats_step_fn)(void *ctx, const struct stats_step *row);
int stats_steps_by_user(struct cd_store *s, const char *from, const char *to, stats_step_fn fn, void *ctx,
			struct cd_error *err);

/*
 * Eurostat's age groups at day `at` (a day number): "under_14", "14_17", "18_34",
 * "35_64", "65_plus", or "unknown" when the date of birth has no year.  A date of birth
 * with year and month only counts from the 15th; with a year only, from 1 July.
 */
const char *stats_age_group(const char *dob, long at);

#endif
