/*
 * report_xlsx.c - a report as an XLSX workbook through libxlsxwriter: a sheet per table,
 * headed by the table's title and the period (a printed or forwarded sheet must say what
 * it counts), column titles frozen and filtered, whole numbers with thousands separators,
 * a totals row (SUM formulas with their values cached, so readers without a calculation
 * engine see the figures) and a chart where the table is an aggregate small enough to
 * read as one.  The SDMX observations are no sheet: they go to report_sdmx.c's file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "model/base/i18n.h"
#include "model/base/outfile.h"
#include "print/report.h"

/* A1-style reference of a column: 0 -> A, 26 -> AA. */
static void col_name(size_t col, char out[4])
{
	if (col < 26) {
		out[0] = (char)('A' + col);
		out[1] = '\0';
	} else {
		out[0] = (char)('A' + col / 26 - 1);
		out[1] = (char)('A' + col % 26);
		out[2] = '\0';
	}
}

/* Rows above the column titles: the title, the period, a blank line. */
#define HEAD_ROWS 3

static void add_chart(lxw_workbook *wb, lxw_worksheet *ws, const struct rtable *t)
{
	if (t->n_rows == 0 || t->chart_from >= t->chart_to)
		return;
	const size_t first = HEAD_ROWS + 2, last = HEAD_ROWS + 1 + t->n_rows;   /* 1-based data rows */
	uint8_t type = t->chart == RCHART_STACKED ? LXW_CHART_COLUMN_STACKED
		       : t->chart == RCHART_BAR   ? LXW_CHART_BAR
						  : LXW_CHART_COLUMN;
	lxw_chart *chart = workbook_add_chart(wb, type);
	if (!chart)
		return;
	size_t cat = t->chart_cat;
	char c1[4], c2[4], cats[128], vals[128], name[128];
	col_name(cat, c1);
	/* Categories of more than one label (year and reason) as a multi-level axis. */
	char c0[4];
	col_name(0, c0);
	snprintf(cats, sizeof cats, "='%s'!$%s$%zu:$%s$%zu", t->name, cat ? c0 : c1, first, c1, last);
	for (size_t c = t->chart_from; c < t->chart_to; c++) {
		col_name(c, c2);
		snprintf(vals, sizeof vals, "='%s'!$%s$%zu:$%s$%zu", t->name, c2, first, c2, last);
		snprintf(name, sizeof name, "='%s'!$%s$%d", t->name, c2, HEAD_ROWS + 1);
		lxw_chart_series *s = chart_add_series(chart, cats, vals);
		if (s)
			chart_series_set_name(s, name);
	}
	chart_title_set_name(chart, t->title);
	col_name(t->n_cols + 1, c1);
	char anchor[16];
	snprintf(anchor, sizeof anchor, "%s%d", c1, HEAD_ROWS + 1);
	worksheet_insert_chart(ws, lxw_name_to_row(anchor), lxw_name_to_col(anchor), chart);
}

static int write_workbook(const struct report *r, const char *path, const char *title, struct cd_error *err);

/*
 * libxlsxwriter opens its output itself (fopen: follows links, replaces files, honours the
 * umask).  So the workbook is written into a private folder (0700, mkdtemp) and copied to
 * path through model/base/outfile.h; the folder goes whatever happens.
 */
int report_write_xlsx(const struct report *r, const char *path, const char *title, unsigned flags,
		      struct cd_error *err)
{
	char dir[] = "/tmp/casedesk-xlsx-XXXXXX", tmp[64];
	int rc;

	if ((rc = outfile_check(path, flags, err)) != CD_OK)
		return rc;
	if (!mkdtemp(dir))
		return cd_error_set(err, CD_EINTERNAL, _("cannot make a private folder in /tmp: %s"), strerror(errno));
	snprintf(tmp, sizeof tmp, "%s/report.xlsx", dir);
	if ((rc = write_workbook(r, tmp, title, err)) == CD_OK)
		rc = outfile_copy(path, flags, tmp, err);
	unlink(tmp);
	rmdir(dir);
	return rc;
}

static int write_workbook(const struct report *r, const char *path, const char *title, struct cd_error *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return cd_error_set(err, CD_EINTERNAL, _("cannot write the workbook in %s"), path);
	char title_buf[256], author[] = "casedesk";
	snprintf(title_buf, sizeof title_buf, "%s", title ? title : "");
	lxw_doc_properties props = { .title = title_buf, .author = author };
	workbook_set_properties(wb, &props);
	lxw_format *heading = workbook_add_format(wb);
	format_set_bold(heading);
	format_set_font_size(heading, 13);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_bottom(bold, LXW_BORDER_THIN);
	format_set_text_wrap(bold);
	format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *whole = workbook_add_format(wb);
	format_set_num_format(whole, "#,##0");
	lxw_format *tenth = workbook_add_format(wb);
	format_set_num_format(tenth, "#,##0.0");
	lxw_format *total = workbook_add_format(wb);
	format_set_bold(total);
	format_set_top(total, LXW_BORDER_THIN);
	format_set_num_format(total, "#,##0");

	for (size_t k = 0; k < r->n_tables; k++) {
		const struct rtable *t = &r->tables[k];
		if (t->sdmx)
			continue;
		lxw_worksheet *ws = workbook_add_worksheet(wb, t->name);
		if (!ws)
			continue;
		const lxw_row_t hr = HEAD_ROWS;
		worksheet_write_string(ws, 0, 0, t->title && *t->title ? t->title : title_buf, heading);
		if (r->period[0])
			worksheet_write_string(ws, 1, 0, r->period, NULL);
		worksheet_set_row(ws, hr, 30, NULL);
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *head = t->labels && t->labels[c] ? t->labels[c] : t->cols[c];
			size_t w = strlen(head) + 2;
			worksheet_write_string(ws, hr, (lxw_col_t)c, head, bold);
			w = w < 10 ? 10 : w > 22 ? 22 : w;
			worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL);
		}
		for (size_t row = 0; row < t->n_rows; row++)
			for (size_t c = 0; c < t->n_cols; c++) {
				const struct rcell *cell = &t->cells[row * t->n_cols + c];
				lxw_row_t at = (lxw_row_t)(hr + 1 + row);
				int avg = c < 8 * sizeof t->no_total && (t->no_total >> c) & 1;
				const char *word = cell->text && t->word ? t->word(c, cell->text) : NULL;
				if (cell->text)
					worksheet_write_string(ws, at, (lxw_col_t)c, word ? word : cell->text, NULL);
				else
					worksheet_write_number(ws, at, (lxw_col_t)c, cell->num, avg ? tenth : whole);
			}
		worksheet_freeze_panes(ws, hr + 1, 0);
		if (t->n_rows)
			worksheet_autofilter(ws, hr, 0, (lxw_row_t)(hr + t->n_rows), (lxw_col_t)(t->n_cols - 1));
		if (t->totals) {
			lxw_row_t tr = (lxw_row_t)(hr + 1 + t->n_rows);
			worksheet_write_string(ws, tr, 0, _("Total"), total);
			for (size_t c = t->n_label_cols; c < t->n_cols; c++) {
				char cn[4], formula[64];
				if (c < 8 * sizeof t->no_total && (t->no_total >> c) & 1)
					continue;
				col_name(c, cn);
				snprintf(formula, sizeof formula, "=SUM(%s%d:%s%zu)", cn, HEAD_ROWS + 2, cn,
					 (size_t)HEAD_ROWS + 1 + t->n_rows);
				worksheet_write_formula_num(ws, tr, (lxw_col_t)c, formula, total, rtable_total(t, c));
			}
		}
		add_chart(wb, ws, t);
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR)
		return cd_error_set(err, CD_EINTERNAL, _("cannot write the workbook in %s: %s"), path, lxw_strerror(e));
	return CD_OK;
}
