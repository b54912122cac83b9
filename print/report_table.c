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

/* FNV-1a over the labels, each ended by a unit separator. */
static size_t row_hash(const struct rtable *t, const char *const *labels)
{
	size_t h = 2166136261u;
	for (size_t i = 0; i < t->n_label_cols; i++) {
		for (const unsigned char *p = (const unsigned char *)(labels[i] ? labels[i] : ""); *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0x1f) * 16777619u;
	}
	return h;
}

static int row_is(const struct rtable *t, size_t r, const char *const *labels)
{
	const struct rcell *row = &t->cells[r * t->n_cols];
	for (size_t i = 0; i < t->n_label_cols; i++)
		if (strcmp(row[i].text, labels[i] ? labels[i] : "") != 0)
			return 0;
	return 1;
}

/* (Re)builds the index: slots hold row + 1, 0 is empty; kept under half full. */
static int index_build(struct rtable *t, size_t cap)
{
	size_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	free(t->index);
	t->index = slots;
	t->index_cap = cap;
	for (size_t r = 0; r < t->n_rows; r++) {
		const char *labels[32];
		for (size_t i = 0; i < t->n_label_cols && i < 32; i++)
			labels[i] = t->cells[r * t->n_cols + i].text;
		size_t h = row_hash(t, labels) & (cap - 1);
		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = r + 1;
	}
	return 0;
}

struct rcell *rtable_row(struct rtable *t, const char *const *labels)
{
	if (t->n_label_cols > 32)
		return NULL;
	if (!t->index || 2 * (t->n_rows + 1) > t->index_cap) {
		/* A power of two at least four times the rows (after a sort the index starts again). */
		size_t cap = 256;
		while (cap < 4 * (t->n_rows + 1))
			cap *= 2;
		if (index_build(t, cap) != 0)
			return NULL;
	}
	size_t h = row_hash(t, labels) & (t->index_cap - 1);
	for (; t->index[h]; h = (h + 1) & (t->index_cap - 1))
		if (row_is(t, t->index[h] - 1, labels))
			return &t->cells[(t->index[h] - 1) * t->n_cols];
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 64;
		struct rcell *grown = realloc(t->cells, cap * t->n_cols * sizeof *grown);
		if (!grown)
			return NULL;
		t->cells = grown;
		t->cap_rows = cap;
	}
	struct rcell *row = &t->cells[t->n_rows * t->n_cols];
	memset(row, 0, t->n_cols * sizeof *row);
	for (size_t i = 0; i < t->n_label_cols; i++)
		row[i].text = dup_str(labels[i]);
	t->index[h] = ++t->n_rows;
	return row;
}

void rtable_set_labels(struct rtable *t, const char *const *labels)
{
	if (!t->labels)
		t->labels = calloc(t->n_cols, sizeof *t->labels);
	for (size_t i = 0; t->labels && i < t->n_cols; i++) {
		free(t->labels[i]);
		t->labels[i] = dup_str(labels[i]);
	}
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
	/* Rows moved: the index is rebuilt on the next lookup. */
	free(t->index);
	t->index = NULL;
	t->index_cap = 0;
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
		for (size_t i = 0; t->labels && i < t->n_cols; i++)
			free(t->labels[i]);
		free(t->labels);
		free(t->index);
		free(t->cells);
		free(t->name);
		free(t->title);
	}
	free(r->tables);
	memset(r, 0, sizeof *r);
}
