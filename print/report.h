/*
 * report.h - statistics as tables (print/reports.c builds them from model/stats.h) and
 * their three outputs: XLSX through libxlsxwriter, a sheet per table with the period, a
 * frozen header of titles, number formats, a totals row and a chart of an aggregate; CSV
 * (RFC 4180) of the report's main table for machines; SDMX-CSV 1.0 of the Eurostat
 * reports, in Eurostat's dimensions and codes, for transmission (report_sdmx.c).
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
	char **labels;               /* XLSX headers (titles, translated); NULL: cols */
	int sdmx;                    /* the SDMX-CSV observations: not a sheet, not the CSV */
	/* XLSX: the words (translated) shown for a label cell's code; NULL: the code itself */
	const char *(*word)(size_t col, const char *code);
	size_t *index, index_cap;    /* hash of the rows by their labels (rtable_row) */
};

struct report {
	struct rtable *tables;
	size_t n_tables;
	size_t csv_table;            /* the table CSV writes */
	char period[96];             /* shown on every sheet: "Period: 2026-01-01 to 2026-12-31" */
};

/* A new table with the given columns; the first n_label columns are text. */
struct rtable *report_add_table(struct report *r, const char *name, const char *title, const char *const *cols,
				size_t n_cols, size_t n_label);
/*
 * The row with these labels (created with zeros when new; rows stay in first-seen order
 * unless sorted).  NULL when memory runs out.
 */
struct rcell *rtable_row(struct rtable *t, const char *const *labels);
/* XLSX header titles for the columns (n_cols of them). */
void rtable_set_labels(struct rtable *t, const char *const *labels);
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
/*
 * The SDMX-CSV 1.0 observations (the table marked sdmx), each OBS_VALUE rounded to the
 * nearest multiple of `round` when round > 1 (every cell on its own, totals too, as
 * Eurostat publishes).  CD_EUSAGE when the report has none (workload).
 */
int report_write_sdmx(const struct report *r, const char *path, int round, unsigned flags, struct cd_error *err);
int report_has_sdmx(const struct report *r);

/* ---- Eurostat's codes (report_sdmx.c) ---------------------------------------------- */

/*
 * Eurostat's CITIZEN code of a nationality code as stored (alpha-3 or ICAO): ISO 3166
 * alpha-2 from data/countries.tsv, with EL for Greece, UK for the United Kingdom (and the
 * ICAO British codes), XK for Kosovo (ICAO UNK), STLS for stateless (XXA), UNK for
 * unknown, unspecified, refugee (XXB, XXC) and organisation codes.
 */
const char *eurostat_citizen(const char *code);
/* 1 when a CITIZEN code is an EU member (EU27_2020). */
int eurostat_in_eu27(const char *citizen);
/* 1 for the EU, EEA (IS, LI, NO) and Switzerland: no residence permits counted for them. */
int eurostat_in_eea_ch(const char *citizen);
/* SEX: F, M, UNK (X and anything else). */
const char *eurostat_sex(const char *sex);
/* AGE of a stats_age_group: Y_LT14, Y14-17, Y18-34, Y35-64, Y_GE65, UNK. */
const char *eurostat_age(const char *group);
/* 1 when `geo` is a country reporting to Eurostat (EU27, IS, LI, NO, CH) in its code. */
int eurostat_geo_ok(const char *geo);

/* ---- the reports ------------------------------------------------------------------ */

struct report_params {
	const char *from, *to;       /* "YYYY-MM-DD", both included */
	long today;
	int progress;                /* show progress on stderr */
	/* workload: decisions are steps whose transition has the four-eyes guard */
	int (*is_decision)(void *ctx, const char *workflow, const char *transition);
	void *ctx;
	const char *geo;             /* SDMX-CSV: the reporting country's code; NULL: "UNK" */
};

struct report_def {
	const char *name;
	const char *summary;
	int (*build)(struct cd_store *s, const struct report_params *p, struct report *out, struct cd_error *err);
	const char *reads;   /* the workflows it counts, "a,b"; "*" every one (need-to-know: report_may) */
	char freq;           /* the dataflow's periods: 'M' months, 'Q' quarters, 'A' years; 0 none */
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
 * The first and last day of the period of frequency freq ('M', 'Q', 'A') that holds day.
 */
void report_period_bounds(char freq, long day, long *first, long *last);

/*
 * The label of the period (frequency freq) holding `day`, as the tables show it: `whole`
 * (e.g. "2026-03") when [from, to] covers all of it, else the days it covers,
 * "2026-03-15..2026-03-31" - a part of a month is never labelled as the month.
 */
void report_period_label(char freq, long day, long from, long to, const char *whole, char *out, size_t size);

/*
 * The one export of a report, for the CLI and the TUI alike (the same bytes from both):
 * builds `def` over p's period and writes it as format "csv", "xlsx" or "sdmx-csv" (round:
 * 1 as counted, 5 as Eurostat publishes; p->geo the reporting country) to path (flags as
 * report_write_csv).  Need-to-know (report_may) is the caller's, before.  SDMX-CSV is a
 * transmission: CD_EUSAGE unless p->from and p->to bound whole periods of def->freq.
 */
int report_export(struct cd_store *s, const struct report_def *def, const struct report_params *p,
		  const char *format, int round, const char *path, unsigned flags, struct cd_error *err);

#endif
