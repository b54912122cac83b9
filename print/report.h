/*
 * report.h - statistics as tables (print/reports.c builds them from model/stats.h) and
 * their two outputs: XLSX through libxlsxwriter, a sheet per table with a frozen header,
 * a totals row and a chart; CSV (RFC 4180) of the report's main table for machines.
 */
#ifndef CD_REPORT_H
#define CD_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "model/base/error.h"
#include "model/store/store.h"

enum rchart { RCHART_COLUMN, RCHART_STACKED, RCHART_BAR };

struct rcell {
	char *text;        /* NULL for a number */
	double num;
};

struct rtable {
	char *name;                  /* sheet name, at most 31 characters */
	char *title;                 /* chart title */
	size_t n_cols;
	char **cols;
	size_t n_label_cols;         /* leading text columns; the rest are numbers */
	struct rcell *cells;         /* n_rows * n_cols */
	size_t n_rows, cap_rows;
	enum rchart chart;
	size_t chart_from, chart_to; /* numeric columns charted, [from, to) */
	size_t chart_cat;            /* the label column the chart's categories come from */
	int totals;                  /* XLSX: a totals row under the numbers */
	unsigned long no_total;      /* bit per column: not summed (averages) */
};

struct report {
	struct rtable *tables;
	size_t n_tables;
	size_t csv_table;            /* the table CSV writes */
};

/* A new table with the given columns; the first n_label columns are text. */
struct rtable *report_add_table(struct report *r, const char *name, const char *title, const char *const *cols,
				size_t n_cols, size_t n_label);
/*
 * The row with these labels (created with zeros when new; rows stay in first-seen order
 * unless sorted).  NULL when memory runs out.
 */
struct rcell *rtable_row(struct rtable *t, const char *const *labels);
/* Adds v to a numeric column of a row. */
void rtable_add(struct rtable *t, const char *const *labels, size_t col, double v);
/* Sorts rows by their labels (byte order). */
void rtable_sort(struct rtable *t);
/* The sum of a numeric column. */
double rtable_total(const struct rtable *t, size_t col);
void report_release(struct report *r);

/*
 * Write the report to path ("-": stdout, CSV only) through model/base/outfile.h; flags:
 * OUTFILE_FORCE to replace an existing file.
 */
int report_write_csv(const struct report *r, const char *path, unsigned flags, struct cd_error *err);
int report_write_xlsx(const struct report *r, const char *path, const char *title, unsigned flags,
		      struct cd_error *err);

/* ---- the reports ------------------------------------------------------------------ */

struct report_params {
	const char *from, *to;       /* "YYYY-MM-DD", both included */
	long today;
	int progress;                /* show progress on stderr */
	/* workload: decisions are steps whose transition has the four-eyes guard */
	int (*is_decision)(void *ctx, const char *workflow, const char *transition);
	void *ctx;
};

struct report_def {
	const char *name;
	const char *summary;
	int (*build)(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err);
	const char *reads;   /* the workflows it counts, "a,b"; "*" every one (need-to-know: report_may) */
};

extern const struct report_def report_defs[];
extern const size_t n_report_defs;

const struct report_def *report_find(const char *name);

/*
 * Need-to-know for statistics: small cells name people (one applicant of one citizenship
 * in one month), so a report is for users who work on every workflow it counts.
 * CD_EREFUSED naming the workflow missing, CD_OK otherwise.
 */
int report_may(const struct report_def *def, const struct cd_actor *actor, struct cd_error *err);

/*
 * workload's decisions (report_params.is_decision) as the installed workflows say, with ctx
 * the `const struct wf_registry *`: steps paired with a proposal (four_eyes = STEP where STEP
 * is not itself a decision), and steps of older versions under the old four_eyes guard.
 */
int report_is_decision(void *registry, const char *workflow, const char *transition);

/*
 * The one export of a report, for the CLI and the TUI alike (the same bytes from both):
 * builds `def` over p's period and writes it as format "csv" or "xlsx" to path (flags as
 * report_write_csv).  Need-to-know (report_may) is the caller's, before.
 */
int report_export(struct cd_store *s, const struct report_def *def, const struct report_params *p,
		  const char *format, const char *path, unsigned flags, struct cd_error *err);

#endif
