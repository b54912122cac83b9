/* report_table.c - the tables reports are made of; see report.h. */
#include <stdlib.h>
#include <string.h>

#include "print/report.h"

static char *dup_str(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s ? s : "", n + 1);
	return d;
}

struct rtable *report_add_table(struct report *r, const char *name, const char *title, const char *const *cols,
				size_t n_cols, size_t n_label)
{
	struct rtable *grown = realloc(r->tables, (r->n_tables + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	r->tables = grown;
	struct rtable *t = &r->tables[r->n_tables++];
	memset(t, 0, sizeof *t);
	t->name = dup_str(name);
	t->title = dup_str(title);
	t->cols = calloc(n_cols, sizeof *t->cols);
	if (t->cols)
		for (size_t i = 0; i < n_cols; i++)
			t->cols[i] = dup_str(cols[i]);
	t->n_cols = n_cols;
	t->n_label_cols = n_label;
	t->chart_from = n_label;
	t->chart_to = n_cols;
	t->totals = 1;
	return t;
}

struct rcell *rtable_row(struct rtable *t, const char *const *labels)
{
	for (size_t r = t->n_rows; r-- > 0;) {
		struct rcell *row = &t->cells[r * t->n_cols];
		size_t i;
		for (i = 0; i < t->n_label_cols; i++)
			if (strcmp(row[i].text, labels[i] ? labels[i] : "") != 0)
				break;
		if (i == t->n_label_cols)
			return row;
	}
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 64;
		struct rcell *grown = realloc(t->cells, cap * t->n_cols * sizeof *grown);
		if (!grown)
			return NULL;
		t->cells = grown;
		t->cap_rows = cap;
	}
	struct rcell *row = &t->cells[t->n_rows++ * t->n_cols];
	memset(row, 0, t->n_cols * sizeof *row);
	for (size_t i = 0; i < t->n_label_cols; i++)
		row[i].text = dup_str(labels[i]);
	return row;
}

void rtable_add(struct rtable *t, const char *const *labels, size_t col, double v)
{
	struct rcell *row = rtable_row(t, labels);
	if (row && col < t->n_cols)
		row[col].num += v;
}

static size_t sort_n;
static int cmp_rows(const void *a, const void *b)
{
	const struct rcell *x = a, *y = b;
	for (size_t i = 0; i < sort_n; i++) {
		int c = strcmp(x[i].text, y[i].text);
		if (c)
			return c;
	}
	return 0;
}

void rtable_sort(struct rtable *t)
{
	/* qsort moves whole rows: sort an array of row copies, then put them back. */
	size_t rowsz = t->n_cols * sizeof(struct rcell);
	if (t->n_rows < 2)
		return;
	char *tmp = malloc(t->n_rows * rowsz);
	if (!tmp)
		return;
	memcpy(tmp, t->cells, t->n_rows * rowsz);
	sort_n = t->n_label_cols;
	qsort(tmp, t->n_rows, rowsz, cmp_rows);
	memcpy(t->cells, tmp, t->n_rows * rowsz);
	free(tmp);
}

double rtable_total(const struct rtable *t, size_t col)
{
	double sum = 0;
	for (size_t r = 0; r < t->n_rows; r++)
		sum += t->cells[r * t->n_cols + col].num;
	return sum;
}

void report_release(struct report *r)
{
	for (size_t k = 0; k < r->n_tables; k++) {
		struct rtable *t = &r->tables[k];
		for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
			free(t->cells[i].text);
		for (size_t i = 0; t->cols && i < t->n_cols; i++)
			free(t->cols[i]);
		free(t->cols);
		free(t->cells);
		free(t->name);
		free(t->title);
	}
	free(r->tables);
	memset(r, 0, sizeof *r);
}
