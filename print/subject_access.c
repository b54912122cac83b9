/*
 * subject_access.c - the subject access export drawn as PDF with libharu; see
 * subject_access.h.  The layout is a running cursor down A4 pages: headings, then
 * paragraphs wrapped to the text width, a new page whenever the next line does not fit.
 */
#include "print/subject_access.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/utf8.h"
#include "print/form_template.h"

#define MM_PT (72.0 / 25.4)
#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 18.0
#define TEXT_W (PAGE_W - 2 * MARGIN)
/* Longest piece of text drawn at once (a wrapped line is far shorter). */
#define LINE_MAX 2048

struct sa_doc {
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font regular, bold;
	HPDF_STATUS error, detail;
	double y;                 /* mm from the top of the page to the next baseline */
	int pages;
};

static void HPDF_STDCALL on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct sa_doc *d = user;
	if (!d->error) {
		d->error = error_no;
		d->detail = detail_no;
	}
}

static void new_page(struct sa_doc *d)
{
	char num[32];
	d->page = HPDF_AddPage(d->pdf);
	HPDF_Page_SetWidth(d->page, (HPDF_REAL)(PAGE_W * MM_PT));
	HPDF_Page_SetHeight(d->page, (HPDF_REAL)(PAGE_H * MM_PT));
	d->pages++;
	d->y = MARGIN;
	snprintf(num, sizeof num, "%d", d->pages);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->regular, 8);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)((PAGE_W - MARGIN) * MM_PT), (HPDF_REAL)(MARGIN / 2 * MM_PT), num);
	HPDF_Page_EndText(d->page);
}

static double width_of(struct sa_doc *d, HPDF_Font f, double size, const char *s, size_t n)
{
	char tmp[LINE_MAX];
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	HPDF_Page_SetFontAndSize(d->page, f, (HPDF_REAL)size);
	return HPDF_Page_TextWidth(d->page, tmp) / MM_PT;
}

static void draw_line(struct sa_doc *d, HPDF_Font f, double size, double x, const char *s, size_t n)
{
	char tmp[LINE_MAX];
	double leading = size * 0.5;     /* mm: about 1.4 times the size in points */
	if (d->y + leading > PAGE_H - MARGIN)
		new_page(d);
	d->y += leading;
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, f, (HPDF_REAL)size);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(x * MM_PT), (HPDF_REAL)((PAGE_H - d->y) * MM_PT), tmp);
	HPDF_Page_EndText(d->page);
}

/* Bytes of the UTF-8 character at p (1 for a malformed byte: it is drawn as the font can). */
static size_t u8len(const char *p)
{
	wchar_t wc;
	size_t n = utf8_decode((const unsigned char *)p, &wc);
	return n ? n : 1;
}

/* Draws text wrapped at spaces to the width left of x (a word wider than that is cut). */
static void paragraph(struct sa_doc *d, HPDF_Font f, double size, double x, const char *text)
{
	double w = PAGE_W - MARGIN - x;
	size_t len = strlen(text), start = 0;

	while (start < len) {
		size_t best = start, p = start;
		while (p < len) {
			size_t end = p;
			while (end < len && text[end] == ' ')
				end++;
			while (end < len && text[end] != ' ')
				end += u8len(text + end);
			if (end > len)
				end = len;
			if (end - start >= LINE_MAX - 1 || width_of(d, f, size, text + start, end - start) > w)
				break;
			best = p = end;
		}
		if (best == start) {
			size_t q = start + u8len(text + start);
			while (q < len && q - start < LINE_MAX - 8 &&
			       width_of(d, f, size, text + start, q + u8len(text + q) - start) <= w)
				q += u8len(text + q);
			best = q > len ? len : q;
		}
		draw_line(d, f, size, x, text + start, best - start);
		start = best;
		while (start < len && text[start] == ' ')
			start++;
	}
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

static HPDF_Font font(struct sa_doc *d, const char *name, struct cd_error *err)
{
	char path[4096];
	const char *loaded;
	if (form_font_path(name, path, sizeof path) != 0) {
		cd_error_set(err, CD_EINPUT, _("font %s not found; install fonts-dejavu-core"), name);
		return NULL;
	}
	loaded = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);
	HPDF_Font f = loaded ? HPDF_GetFont(d->pdf, loaded, "UTF-8") : NULL;
	if (!f)
		cd_error_set(err, CD_EINPUT, _("PDF: cannot embed the font %s (libharu error 0x%04X)"), path,
			     (unsigned)d->error);
	return f;
}

int subject_access_pdf(const struct access_report *r, unsigned char **out, size_t *len, struct cd_error *err)
{
	struct sa_doc d = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	unsigned char *bytes = NULL;
	HPDF_UINT32 size = 0;
	int rc = CD_OK;

	*out = NULL;
	*len = 0;
	if (!(d.pdf = HPDF_New(on_error, &d)))
		return cd_error_set(err, CD_EINTERNAL, _("PDF: cannot start a document"));
	HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(d.pdf);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "casedesk");
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
	if (d.error) {
		rc = cd_error_set(err, CD_EINTERNAL, _("PDF: drawing failed (libharu error 0x%04X, detail %u)"),
				  (unsigned)d.error, (unsigned)d.detail);
		goto out;
	}
	if (HPDF_SaveToStream(d.pdf) != HPDF_OK || !(size = HPDF_GetStreamSize(d.pdf)) ||
	    !(bytes = malloc(size))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("PDF: cannot finish the document (libharu error 0x%04X)"),
				  (unsigned)d.error);
		goto out;
	}
	HPDF_ResetStream(d.pdf);
	if (HPDF_ReadFromStream(d.pdf, bytes, &size) != HPDF_OK && d.error) {
		rc = cd_error_set(err, CD_EINTERNAL, _("PDF: cannot finish the document (libharu error 0x%04X)"),
				  (unsigned)d.error);
		goto out;
	}
	*out = bytes;
	*len = size;
	bytes = NULL;
out:
	free(bytes);
	buf_release(&b);
	HPDF_Free(d.pdf);
	return rc;
}
