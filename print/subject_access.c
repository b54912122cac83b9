/*
 * subject_access.c - the subject access export drawn as PDF (print/pdf_canvas.c: Cairo and
 * Pango, so names in every script print shaped and in their order); see subject_access.h.
 * The layout is a running cursor down A4 pages: headings, then paragraphs wrapped to the
 * text width by Pango, a new page whenever the next line does not fit.
 */
#include "print/subject_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "print/form_template.h"
#include "print/pdf_canvas.h"

#define MM_PT (72.0 / 25.4)
#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 18.0

struct sa_doc {
	struct pdf_canvas *cv;
	const PangoFontDescription *regular, *bold;
	double y;                 /* mm from the top of the page to the last baseline */
	int pages;
};

static void new_page(struct sa_doc *d)
{
	char num[32];
	canvas_page(d->cv, PAGE_W * MM_PT, PAGE_H * MM_PT);
	d->pages++;
	d->y = MARGIN;
	snprintf(num, sizeof num, "%d", d->pages);
	canvas_show(d->cv, d->regular, 8, (PAGE_W - MARGIN) * MM_PT, (PAGE_H - MARGIN / 2) * MM_PT, num);
}

/* Draws text wrapped at words to the width left of x (a word wider than that is cut). */
static void paragraph(struct sa_doc *d, const PangoFontDescription *f, double size, double x, const char *text)
{
	double leading = size * 0.5;     /* mm: about 1.4 times the size in points */
	PangoLayout *pl = canvas_set_text(d->cv, f, size, text, (PAGE_W - MARGIN - x) * MM_PT, PANGO_ALIGN_LEFT);
	PangoLayoutIter *it = pango_layout_get_iter(pl);
	cairo_t *cr = canvas_cr(d->cv);

	do {
		PangoRectangle logical;
		if (d->y + leading > PAGE_H - MARGIN)
			new_page(d);      /* (the page number is drawn with the canvas's other layout) */
		d->y += leading;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		cairo_move_to(cr, x * MM_PT + (double)logical.x / PANGO_SCALE, d->y * MM_PT);
		pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* "surname_latin" -> "surname latin": the column names are the labels. */
static void label_of(const char *col, char *out, size_t size)
{
	snprintf(out, size, "%s", col);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = ' ';
}

static void cell_text(const struct access_cell *c, char *num, size_t size, const char **out)
{
	if (c->is_num) {
		snprintf(num, size, "%lld", c->num);
		*out = num;
	} else {
		*out = c->text;
	}
}

static int draw_table(struct sa_doc *d, const struct access_table *t, struct cd_error *err)
{
	struct cd_buf b = CD_BUF_INIT;
	char label[64], num[32];
	int rc = CD_OK;

	d->y += 3;
	paragraph(d, d->bold, 12, MARGIN, _(t->title));
	d->y += 1;
	if (t->n_rows == 0) {
		paragraph(d, d->regular, 9, MARGIN + 4, _("none"));
		return CD_OK;
	}
	for (size_t row = 0; row < t->n_rows; row++) {
		buf_reset(&b);
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *v;
			cell_text(&t->cells[row * t->n_cols + c], num, sizeof num, &v);
			label_of(t->cols[c], label, sizeof label);
			if (t->single) {
				/* The person's own data: one line each, empty ones said so. */
				buf_reset(&b);
				if (buf_printf(&b, "%s: %s", label, v ? v : "—")) {
					rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
					goto out;
				}
				paragraph(d, d->regular, 10, MARGIN + 4, buf_str(&b));
				continue;
			}
			if (!v)
				continue;
			if (buf_printf(&b, "%s%s: %s", b.len ? "  ·  " : "", label, v)) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
		}
		if (!t->single) {
			paragraph(d, d->regular, 9, MARGIN + 4, buf_str(&b));
			d->y += 1;
		}
	}
out:
	buf_release(&b);
	return rc;
}

static const PangoFontDescription *font(struct sa_doc *d, const char *name, struct cd_error *err)
{
	char path[4096];
	if (form_font_path(name, path, sizeof path) != 0) {
		cd_error_set(err, CD_EINPUT, _("font %s not found; install fonts-dejavu-core"), name);
		return NULL;
	}
	return canvas_font(d->cv, path, err);
}

int subject_access_pdf(const struct access_report *r, unsigned char **out, size_t *len, struct cd_error *err)
{
	struct sa_doc d = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	const unsigned char *bytes;
	size_t size;
	int rc = CD_OK;

	*out = NULL;
	*len = 0;
	if ((rc = canvas_new(&d.cv, err)) != CD_OK)
		return rc;
	if (!(d.regular = font(&d, "DejaVuSans.ttf", err)) || !(d.bold = font(&d, "DejaVuSans-Bold.ttf", err))) {
		rc = err->code;
		goto out;
	}
	new_page(&d);
	if (buf_printf(&b, _("Personal data held about %s"), r->person_number)) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	paragraph(&d, d.bold, 16, MARGIN, buf_str(&b));
	buf_reset(&b);
	if (buf_printf(&b, _("Subject access export (GDPR art. 15), office %s, made %s by %s."), r->office,
		       r->made_at, r->made_by)) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	d.y += 2;
	paragraph(&d, d.regular, 9, MARGIN, buf_str(&b));
	for (size_t i = 0; i < r->n_tables && rc == CD_OK; i++)
		rc = draw_table(&d, &r->tables[i], err);
	if (rc)
		goto out;
	if ((rc = canvas_finish(d.cv, &bytes, &size, err)) != CD_OK)
		goto out;
	if (!(*out = malloc(size ? size : 1))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	memcpy(*out, bytes, size);
	*len = size;
out:
	buf_release(&b);
	canvas_free(d.cv);
	return rc;
}
