/*
 * form.c - drawing filled forms as PDF with libharu: one page per parsed template
 * (struct form_tpl from form_template.c), laid out with its values, and the lint of what
 * only drawing can tell (text that overflows its box).
 *
 * The drawing side takes a parsed template and nothing else from the file, so replacing
 * libharu (Cairo and Pango, as the design card asks) touches this file only.
 *
 * Fonts are TrueType files embedded in the PDF with libharu's UTF-8 encoder, so any
 * character the font has prints: DejaVu Sans covers Latin with diacritics, Cyrillic,
 * Greek, Georgian and Armenian.  libharu draws glyphs left to right without shaping, so
 * scripts that need it (Arabic, Ethiopic, Indic) do not print properly: forms carry the
 * ICAO Latin form of every name next to the original.
 */
#define _GNU_SOURCE
#include "print/form.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <qrencode.h>

#include "model/base/buf.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/utf8.h"
#include "model/base/ini.h"
#include "model/base/outfile.h"
#include "model/base/privilege.h"
#include "print/barcode.h"
#include "print/mrz_make.h"

#define MM_PT (72.0 / 25.4)
#define MIN_SIZE 6.0

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}


/* ---- the PDF ---------------------------------------------------------------------- */

struct font_slot {
	char *path;
	HPDF_Font font;
};

struct form_doc {
	HPDF_Doc pdf;
	HPDF_STATUS error, detail;
	struct font_slot fonts[16];
	int n_fonts;
	int pages;
};

static void HPDF_STDCALL on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct form_doc *d = user;
	if (!d->error) {
		d->error = error_no;
		d->detail = detail_no;
	}
}

static int pdf_failed(struct form_doc *d, const char *doing, struct cd_error *err)
{
	return cd_error_set(err, CD_EINTERNAL, _("PDF: %s failed (libharu error 0x%04X, detail %u)"), doing,
			    (unsigned)d->error, (unsigned)d->detail);
}

int form_doc_new(struct form_doc **out, struct cd_error *err)
{
	struct form_doc *d = calloc(1, sizeof *d);
	if (!d)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	d->pdf = HPDF_New(on_error, d);
	if (!d->pdf) {
		free(d);
		return cd_error_set(err, CD_EINTERNAL, _("PDF: cannot start a document"));
	}
	HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(d->pdf);
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "casedesk");
	if (d->error) {
		int rc = pdf_failed(d, _("starting a document"), err);
		form_doc_free(d);
		return rc;
	}
	*out = d;
	return CD_OK;
}

void form_doc_free(struct form_doc *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n_fonts; i++)
		free(d->fonts[i].path);
	HPDF_Free(d->pdf);
	free(d);
}

static HPDF_Font load_font(struct form_doc *d, const char *path, struct cd_error *err)
{
	for (int i = 0; i < d->n_fonts; i++)
		if (strcmp(d->fonts[i].path, path) == 0)
			return d->fonts[i].font;
	if (d->n_fonts == (int)(sizeof d->fonts / sizeof d->fonts[0])) {
		cd_error_set(err, CD_EINPUT, ngettext("a PDF may use at most %d font file", "a PDF may use at most %d font files",
						      (unsigned long)d->n_fonts), d->n_fonts);
		return NULL;
	}
	const char *name = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);
	HPDF_Font f = name ? HPDF_GetFont(d->pdf, name, "UTF-8") : NULL;
	if (!f || d->error) {
		cd_error_set(err, CD_EINPUT, _("PDF: cannot embed the font %s (libharu error 0x%04X)"), path,
			     (unsigned)d->error);
		d->error = 0;
		return NULL;
	}
	d->fonts[d->n_fonts].path = dup_str(path);
	d->fonts[d->n_fonts++].font = f;
	return f;
}

/* Called when a text block does not fit its box (lint lists it; printing warns). */
typedef void (*overflow_fn)(void *ctx, const struct form_tpl *t, const struct form_block *b);

struct layout {
	struct form_doc *d;
	const struct form_tpl *t;
	HPDF_Page page;
	HPDF_Font fonts[FONT_COUNT];
	double cursor;              /* mm from the top: where the next flowing block starts */
	overflow_fn overflow;
	void *ctx;
	int draw;                   /* 0: measure only (lint) */
};

static double text_width(struct layout *l, HPDF_Font f, double size, const char *s, size_t n)
{
	char tmp[2048];
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	HPDF_Page_SetFontAndSize(l->page, f, (HPDF_REAL)size);
	return HPDF_Page_TextWidth(l->page, tmp) / MM_PT;
}

/* Bytes of the UTF-8 character at p (model/utf8.c; 1 for a malformed byte). */
static size_t u8len(const char *p)
{
	wchar_t wc;
	size_t n = utf8_decode((const unsigned char *)p, &wc);
	return n ? n : 1;
}

/* Breaks text into lines no wider than w mm; each line is [start, len) of the text. */
struct lines {
	size_t *start, *len;
	size_t n, cap;
};

static void lines_add(struct lines *ls, size_t start, size_t len)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 16;
		size_t *s = realloc(ls->start, cap * sizeof *s);
		if (!s)
			return;
		ls->start = s;
		size_t *l = realloc(ls->len, cap * sizeof *l);
		if (!l)
			return;
		ls->len = l;
		ls->cap = cap;
	}
	ls->start[ls->n] = start;
	ls->len[ls->n++] = len;
}

static void wrap(struct layout *l, HPDF_Font f, double size, const char *text, double w, struct lines *ls)
{
	ls->n = 0;
	size_t i = 0, len = strlen(text);
	while (i <= len) {
		size_t end = i + strcspn(text + i, "\n");
		/* one paragraph [i, end): greedy word wrap */
		size_t line_start = i;
		while (1) {
			size_t best = line_start, p = line_start;
			while (p < end) {
				size_t word_end = p;
				while (word_end < end && text[word_end] == ' ')
					word_end++;
				while (word_end < end && text[word_end] != ' ')
					word_end += u8len(text + word_end);
				if (word_end > end)
					word_end = end;
				if (text_width(l, f, size, text + line_start, word_end - line_start) > w)
					break;
				best = p = word_end;
			}
			if (best == line_start && line_start < end) {
				/* a word wider than the box: cut it between characters */
				size_t q = line_start + u8len(text + line_start);
				while (q < end && text_width(l, f, size, text + line_start, q + u8len(text + q) - line_start) <= w)
					q += u8len(text + q);
				best = q > end ? end : q;
			}
			lines_add(ls, line_start, best - line_start);
			line_start = best;
			while (line_start < end && text[line_start] == ' ')
				line_start++;
			if (line_start >= end)
				break;
		}
		i = end + 1;
	}
}

static void draw_text_line(struct layout *l, HPDF_Font f, double size, double x_mm, double baseline_mm,
			   const char *s, size_t n)
{
	char tmp[2048];
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	HPDF_Page_BeginText(l->page);
	HPDF_Page_SetFontAndSize(l->page, f, (HPDF_REAL)size);
	HPDF_Page_TextOut(l->page, (HPDF_REAL)(x_mm * MM_PT), (HPDF_REAL)((l->t->page_h - baseline_mm) * MM_PT), tmp);
	HPDF_Page_EndText(l->page);
}

/* Lays out (and draws) one text block whose text is already expanded. */
static void place_text(struct layout *l, const struct form_block *b, const char *text)
{
	HPDF_Font f = l->fonts[b->font];
	double size = b->size, top = b->has_y ? b->y : l->cursor + b->gap;
	double bottom_limit = b->has_h ? top + b->h : l->t->page_h - l->t->margin;
	struct lines ls = { 0 };
	double leading;
	int overflow = 0;

	while (1) {
		wrap(l, f, size, text, b->w, &ls);
		leading = size * 1.25 / MM_PT;
		if (top + (double)ls.n * leading <= bottom_limit + 0.01)
			break;
		if (!b->has_h || size - 0.5 < MIN_SIZE) {
			overflow = 1;
			break;
		}
		size -= 0.5;
	}
	if (overflow && l->overflow)
		l->overflow(l->ctx, l->t, b);
	double y = top;
	for (size_t i = 0; i < ls.n; i++) {
		if (overflow && y + leading > bottom_limit + 0.01)
			break;
		if (l->draw) {
			double x = b->x;
			if (b->align != ALIGN_LEFT) {
				double tw = text_width(l, f, size, text + ls.start[i], ls.len[i]);
				x += b->align == ALIGN_CENTER ? (b->w - tw) / 2 : b->w - tw;
			}
			draw_text_line(l, f, size, x, y + size * 0.95 / MM_PT, text + ls.start[i], ls.len[i]);
		}
		y += leading;
	}
	l->cursor = b->has_h ? top + b->h : y;
	free(ls.start);
	free(ls.len);
}

static void place_rule(struct layout *l, const struct form_block *b)
{
	double y = b->has_y ? b->y : l->cursor + b->gap;
	if (l->draw) {
		HPDF_Page_SetLineWidth(l->page, 0.6f);
		HPDF_Page_MoveTo(l->page, (HPDF_REAL)(b->x * MM_PT), (HPDF_REAL)((l->t->page_h - y) * MM_PT));
		HPDF_Page_LineTo(l->page, (HPDF_REAL)((b->x + b->w) * MM_PT), (HPDF_REAL)((l->t->page_h - y) * MM_PT));
		HPDF_Page_Stroke(l->page);
	}
	l->cursor = y;
}

/* Code 39: wide elements are 2.5 narrow ones; the human-readable text goes underneath. */
static int place_barcode(struct layout *l, const struct form_block *b, const char *value, struct cd_error *err)
{
	char elems[1200];
	int n = code39_encode(value, elems, sizeof elems);
	if (n < 0)
		return cd_error_set(err, CD_EINPUT, _("%s: [barcode] value has a character Code 39 cannot write"),
				    l->t->path);
	double module = b->size, total = 0;
	for (int i = 0; i < n; i++)
		total += elems[i] == 'w' ? module * 2.5 : module;
	double x = b->x, y = b->has_y ? b->y : l->t->margin;
	if (!l->draw)
		return CD_OK;
	if (!b->has_x)
		x = l->t->page_w - l->t->margin - total;   /* default place: the right margin */
	HPDF_Page_SetRGBFill(l->page, 0, 0, 0);
	for (int i = 0; i < n; i++) {
		double wd = elems[i] == 'w' ? module * 2.5 : module;
		if (i % 2 == 0)
			HPDF_Page_Rectangle(l->page, (HPDF_REAL)(x * MM_PT), (HPDF_REAL)((l->t->page_h - y - b->h) * MM_PT),
					    (HPDF_REAL)(wd * MM_PT), (HPDF_REAL)(b->h * MM_PT));
		x += wd;
	}
	HPDF_Page_Fill(l->page);
	double tw = text_width(l, l->fonts[FONT_MONO], 8, value, strlen(value));
	draw_text_line(l, l->fonts[FONT_MONO], 8, x - total / 2 - tw / 2, y + b->h + 3.2, value, strlen(value));
	return CD_OK;
}

static const char *var(const struct ph_vars *v, const char *name)
{
	const char *s = v ? ph_get(v, name) : NULL;
	return s && *s ? s : NULL;
}

int form_mrz_lines(const char *type, const struct ph_vars *vars, char lines[3][45], int *n_lines,
		   struct cd_error *err)
{
	struct mrz_doc d = { 0 };
	struct mrz_text out;
	int td1 = strcmp(type, "td1") == 0;

	d.format = td1 ? MRZ_TD1 : MRZ_MRVA;
	d.doc_code = td1 ? "IR" : "VC";
	d.issuer = var(vars, "office.state");
	d.surname = var(vars, "person.surname_latin");
	d.given = var(vars, "person.given_latin");
	d.number = var(vars, "card.number");
	d.nationality = var(vars, "person.nationality");
	d.dob = var(vars, "person.dob");
	const char *sex = var(vars, "person.sex");
	d.sex = sex ? sex[0] : 'X';
	d.expiry = var(vars, "field.valid_until");
	static const char *const need[] = { "office.state", "person.surname_latin", "card.number",
					    "person.nationality", "field.valid_until" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!var(vars, need[i]))
			return cd_error_set(err, CD_EINPUT, _("the MRZ needs %s, which this case does not have yet"), need[i]);
	int rc = mrz_make(&d, &out, err);
	if (rc)
		return rc;
	*n_lines = out.n_lines;
	for (int i = 0; i < out.n_lines; i++)
		snprintf(lines[i], 45, "%s", out.lines[i]);
	return CD_OK;
}

static int place_mrz(struct layout *l, const struct form_block *b, const struct ph_vars *vars, struct cd_error *err)
{
	char lines[3][45];
	int n = 0, rc;
	if ((rc = form_mrz_lines(b->text, vars, lines, &n, err)))
		return rc;
	double leading = b->size * 1.4 / MM_PT;
	double top = b->has_y ? b->y : l->t->page_h - l->t->margin - n * leading;
	for (int i = 0; i < n && l->draw; i++)
		draw_text_line(l, l->fonts[FONT_MRZ], b->size, b->x, top + (i + 0.8) * leading, lines[i], strlen(lines[i]));
	l->cursor = top + n * leading;
	return CD_OK;
}

static void place_letterhead(struct layout *l, const struct ph_vars *vars)
{
	const char *name = var(vars, "office.name"), *addr = var(vars, "office.address");
	const char *phone = var(vars, "office.phone");
	double y = l->t->margin, m = l->t->margin;
	if (name && l->draw)
		draw_text_line(l, l->fonts[FONT_BOLD], 12, m, y + 4.5, name, strlen(name));
	if (addr && l->draw)
		draw_text_line(l, l->fonts[FONT_REGULAR], 8.5, m, y + 9, addr, strlen(addr));
	if (phone && l->draw)
		draw_text_line(l, l->fonts[FONT_REGULAR], 8.5, m, y + 12.5, phone, strlen(phone));
	y += 16;
	if (l->draw) {
		HPDF_Page_SetLineWidth(l->page, 0.8f);
		HPDF_Page_MoveTo(l->page, (HPDF_REAL)(m * MM_PT), (HPDF_REAL)((l->t->page_h - y) * MM_PT));
		HPDF_Page_LineTo(l->page, (HPDF_REAL)((l->t->page_w - m) * MM_PT), (HPDF_REAL)((l->t->page_h - y) * MM_PT));
		HPDF_Page_Stroke(l->page);
	}
	l->cursor = y + 2;
}

/* A QR code (ISO/IEC 18004, libqrencode) of `value`, with its 4-module quiet zone inside `size` mm. */
static int place_qr(struct layout *l, const struct form_block *b, const char *value, struct cd_error *err)
{
	static const QRecLevel levels[] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
	errno = 0;
	QRcode *q = *value ? QRcode_encodeString8bit(value, 0, levels[b->qr_level]) : NULL;
	if (!q && !*value)
		return cd_error_set(err, CD_EINPUT, _("%s:%d: [qr] value is empty for this case"), l->t->path, b->line);
	if (!q && errno == ENOMEM)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if (!q)
		return cd_error_set(err, CD_EINPUT,
				    ngettext("%s:%d: [qr] value is too long for a QR code (%zu byte)",
					     "%s:%d: [qr] value is too long for a QR code (%zu bytes)", (unsigned long)strlen(value)),
				    l->t->path,
				    b->line, strlen(value));
	double module = b->size / (q->width + 8);
	double x0 = b->has_x ? b->x : l->t->page_w - l->t->margin - b->size;
	double y0 = b->has_y ? b->y : l->t->margin;
	if (l->draw) {
		HPDF_Page_SetRGBFill(l->page, 0, 0, 0);
		/* One rectangle per run of dark modules in a row: a fifth of the drawing operators. */
		for (int row = 0; row < q->width; row++)
			for (int col = 0; col < q->width;) {
				if (!(q->data[row * q->width + col] & 1)) {
					col++;
					continue;
				}
				int run = col;
				while (run < q->width && (q->data[row * q->width + run] & 1))
					run++;
				double x = x0 + (col + 4) * module, y = y0 + (row + 4) * module;
				HPDF_Page_Rectangle(l->page, (HPDF_REAL)(x * MM_PT),
						    (HPDF_REAL)((l->t->page_h - y - module) * MM_PT),
						    (HPDF_REAL)((run - col) * module * MM_PT), (HPDF_REAL)(module * MM_PT));
				col = run;
			}
		HPDF_Page_Fill(l->page);
	}
	QRcode_free(q);
	return CD_OK;
}

/* A thin frame; the photo fitted inside it, centred, its proportions kept; else why there is none. */
static void place_photo(struct layout *l, const struct form_block *b, const struct form_photo *photo)
{
	double x = b->has_x ? b->x : l->t->page_w - l->t->margin - b->w;
	double y = b->has_y ? b->y : l->t->margin + 25;
	double page_h = l->t->page_h;
	if (!l->draw)
		return;
	const struct pnm_image *pi = photo ? &photo->img : NULL;
	if (pi && pi->px && pi->w > 0 && pi->h > 0) {
		HPDF_Image img = HPDF_LoadRawImageFromMem(l->d->pdf, pi->px, (HPDF_UINT)pi->w, (HPDF_UINT)pi->h,
							  pi->colour ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY, 8);
		if (img) {
			double scale = fmin(b->w / pi->w, b->h / pi->h);
			double w = pi->w * scale, h = pi->h * scale;
			double ix = x + (b->w - w) / 2, iy = y + (b->h - h) / 2;
			HPDF_Page_DrawImage(l->page, img, (HPDF_REAL)(ix * MM_PT), (HPDF_REAL)((page_h - iy - h) * MM_PT),
					    (HPDF_REAL)(w * MM_PT), (HPDF_REAL)(h * MM_PT));
		}
	} else {
		/* The reason, wrapped inside the frame in small type. */
		const char *why = photo && photo->missing ? photo->missing : _("no photo");
		struct form_block note = { .id = b->id, .kind = FORM_TEXT, .x = x + 2, .y = y + 2, .w = b->w - 4,
					   .h = b->h - 4, .has_x = 1, .has_y = 1, .has_h = 1, .size = 7,
					   .font = FONT_REGULAR, .align = ALIGN_CENTER, .line = b->line };
		overflow_fn saved = l->overflow;
		double cursor = l->cursor;   /* the photo floats: the flow of text goes on below the last block */
		l->overflow = NULL;
		place_text(l, &note, why);
		l->overflow = saved;
		l->cursor = cursor;
	}
	HPDF_Page_SetLineWidth(l->page, 0.4f);
	HPDF_Page_Rectangle(l->page, (HPDF_REAL)(x * MM_PT), (HPDF_REAL)((page_h - y - b->h) * MM_PT),
			    (HPDF_REAL)(b->w * MM_PT), (HPDF_REAL)(b->h * MM_PT));
	HPDF_Page_Stroke(l->page);
}

static void draw_watermark(struct layout *l)
{
	const char *word = _("DRAFT");
	double size = 110;
	double tw = text_width(l, l->fonts[FONT_BOLD], size, word, strlen(word)) * MM_PT;
	double a = atan2(l->t->page_h, l->t->page_w);
	double c = cos(a), s = sin(a);
	double cx = l->t->page_w * MM_PT / 2, cy = l->t->page_h * MM_PT / 2;
	HPDF_Page_GSave(l->page);
	HPDF_Page_SetGrayFill(l->page, 0.85f);
	HPDF_Page_BeginText(l->page);
	HPDF_Page_SetFontAndSize(l->page, l->fonts[FONT_BOLD], (HPDF_REAL)size);
	HPDF_Page_SetTextMatrix(l->page, (HPDF_REAL)c, (HPDF_REAL)s, (HPDF_REAL)-s, (HPDF_REAL)c,
				(HPDF_REAL)(cx - c * tw / 2 + s * size * 0.35), (HPDF_REAL)(cy - s * tw / 2 - c * size * 0.35));
	HPDF_Page_ShowText(l->page, word);
	HPDF_Page_EndText(l->page);
	HPDF_Page_GRestore(l->page);
	/* Also in a plain line at the foot: text extractors skip diagonal text. */
	const char *note = _("DRAFT - a preview, not a valid document");
	draw_text_line(l, l->fonts[FONT_BOLD], 9, l->t->margin, l->t->page_h - l->t->margin / 2, note, strlen(note));
}

static void warn_overflow(void *ctx, const struct form_tpl *t, const struct form_block *b)
{
	(void)ctx;
	/* The block id, never the text: the text holds personal data. */
	fprintf(stderr, _("casedesk: %s:%d: [%s] does not fit its box; the text is cut\n"), t->path, b->line, b->id);
}

static int lay_out(struct layout *l, const struct ph_vars *vars, const struct form_photo *photo, int draft,
		   struct cd_error *err)
{
	struct form_doc *d = l->d;
	const struct form_tpl *t = l->t;
	int rc = CD_OK;

	for (int i = 0; i < FONT_COUNT; i++)
		if (t->fonts[i] && !(l->fonts[i] = load_font(d, t->fonts[i], err)))
			return CD_EINPUT;
	l->page = HPDF_AddPage(d->pdf);
	if (!l->page)
		return pdf_failed(d, _("adding a page"), err);
	HPDF_Page_SetWidth(l->page, (HPDF_REAL)(t->page_w * MM_PT));
	HPDF_Page_SetHeight(l->page, (HPDF_REAL)(t->page_h * MM_PT));
	if (draft && l->draw)
		draw_watermark(l);
	HPDF_Page_SetGrayFill(l->page, 0);
	l->cursor = t->margin;
	if (t->letterhead)
		place_letterhead(l, vars);
	for (size_t i = 0; i < t->n_blocks && rc == CD_OK; i++) {
		const struct form_block *b = &t->blocks[i];
		struct cd_buf text = CD_BUF_INIT;
		switch (b->kind) {
		case FORM_TEXT:
			ph_expand(b->text, vars, &text, NULL, NULL);
			place_text(l, b, buf_str(&text));
			break;
		case FORM_RULE:
			place_rule(l, b);
			break;
		case FORM_BARCODE:
			ph_expand(b->text, vars, &text, NULL, NULL);
			rc = place_barcode(l, b, buf_str(&text), err);
			break;
		case FORM_MRZ:
			rc = place_mrz(l, b, vars, err);
			break;
		case FORM_QR:
			ph_expand(b->text, vars, &text, NULL, NULL);
			rc = place_qr(l, b, buf_str(&text), err);
			break;
		case FORM_PHOTO:
			place_photo(l, b, photo);
			break;
		}
		buf_release(&text);
	}
	if (rc == CD_OK && d->error)
		rc = pdf_failed(d, _("drawing the page"), err);
	return rc;
}

int form_render(struct form_doc *d, const struct form_tpl *t, const struct ph_vars *vars,
		const struct form_photo *photo, int draft, struct cd_error *err)
{
	struct layout l = { .d = d, .t = t, .overflow = warn_overflow, .draw = 1 };
	int rc = lay_out(&l, vars, photo, draft, err);
	if (rc == CD_OK)
		d->pages++;
	return rc;
}

/*
 * The PDF is made in memory and written through model/base/outfile.c: libharu's own
 * fopen() would follow a link, replace a file in silence, honour the umask and say only
 * an error number.
 */
int form_doc_save(struct form_doc *d, const char *path, unsigned flags, struct cd_error *err)
{
	struct outfile o = OUTFILE_INIT;
	HPDF_BYTE chunk[65536];
	int rc;

	if (HPDF_SaveToStream(d->pdf) != HPDF_OK)
		return pdf_failed(d, _("writing the document"), err);
	HPDF_ResetStream(d->pdf);
	if ((rc = outfile_open(&o, path, flags, err)) != CD_OK)
		return rc;
	for (;;) {
		HPDF_UINT32 n = sizeof chunk;
		HPDF_STATUS st = HPDF_ReadFromStream(d->pdf, chunk, &n);
		if (n > 0 && (rc = outfile_write(&o, chunk, n, err)) != CD_OK)
			break;
		if (st == HPDF_STREAM_EOF)
			break;
		if (st != HPDF_OK) {
			rc = pdf_failed(d, _("writing the document"), err);
			break;
		}
	}
	if (rc != CD_OK) {
		outfile_abandon(&o);
		return rc;
	}
	return outfile_close(&o, err);
}

/* ---- lint ------------------------------------------------------------------------- */


/* Values of a plausible length for measuring: 20 characters, or a date's 10. */
static void sample_vars(struct ph_vars *v, const char *const *known, size_t n_known)
{
	for (size_t i = 0; i < n_known; i++) {
		const char *k = known[i];
		int is_date = strstr(k, "date") || strstr(k, "valid_") || strstr(k, "_on") || strstr(k, "today") ||
			      strstr(k, "dob") || strstr(k, "due") || strstr(k, "opened") || strstr(k, "expires");
		ph_set(v, k, is_date ? "2026-12-31" : strcmp(k, "case.number") == 0 ? "RP-TBS-2026-000001"
										 : "Xxxxxxxxxx Xxxxxxxxx");
	}
	ph_set(v, "office.state", "DEU");
	ph_set(v, "person.surname_latin", "SAMPLE");
	ph_set(v, "person.given_latin", "SAMPLE NAME");
	ph_set(v, "person.nationality", "DEU");
	ph_set(v, "person.dob", "1990-01-01");
	ph_set(v, "person.sex", "F");
	ph_set(v, "card.number", "R26000001");
}

/* ---- lint: what only laying out can tell ------------------------------------------ */

struct overflow_report {
	const char *path;
	FILE *report;
	int n;
};

static void lint_overflow(void *ctx, const struct form_tpl *t, const struct form_block *b)
{
	struct overflow_report *o = ctx;
	(void)t;
	fprintf(o->report, "%s:%d: ", o->path, b->line);
	fprintf(o->report, _("the text of [%s] overflows its box (measured with 20 characters per field)"), b->id);
	fputc('\n', o->report);
	o->n++;
}

int form_lint_file(const char *path, const char *const *known, size_t n_known, FILE *report)
{
	struct overflow_report o = { path, report, 0 };
	struct form_tpl *t = NULL;
	char langs[16][4];
	int n_read = form_template_lint(path, known, n_known, report, &t);

	if (!t)
		return n_read;
	/* Overflow: lay every language out with sample values. */
	size_t n_langs = form_langs(path, langs);
	struct ph_vars vars = PH_VARS_INIT;
	sample_vars(&vars, known, n_known);
	for (size_t li = 0; li <= n_langs; li++) {
		struct form_tpl *lt = NULL;
		struct form_doc *d = NULL;
		struct cd_error err = CD_ERROR_INIT;
		/* Problems in reading were reported above, in the plain keys. */
		form_load_lenient(path, li < n_langs ? langs[li] : NULL, &lt);
		if (!lt || lt->fonts_missing) {
			form_free(lt);
			break;
		}
		if (form_doc_new(&d, &err) == CD_OK) {
			struct layout l = { .d = d, .t = lt, .overflow = lint_overflow, .ctx = &o, .draw = 0 };
			if (lay_out(&l, &vars, NULL, 0, &err) != CD_OK) {
				fprintf(report, "%s:1: %s\n", path, err.msg);
				o.n++;
			}
		}
		form_doc_free(d);
		form_free(lt);
	}
	ph_vars_release(&vars);
	form_free(t);
	return n_read + o.n;
}
