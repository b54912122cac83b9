/*
 * form.c - drawing filled forms as PDF: one page per parsed template (struct form_tpl from
 * form_template.c), laid out with its values, and the lint of what only drawing can tell
 * (text that overflows its box).
 *
 * The drawing goes through print/pdf_canvas.c: Cairo's PDF surface and Pango, so text is
 * shaped by HarfBuzz (Arabic joined, marks stacked, Ethiopic, Indic), ordered by the
 * Unicode bidi algorithm (Arabic right to left inside a left-to-right form) and set in the
 * template's font with fontconfig's fallback (Noto) for characters that font lacks.
 * Cairo subsets and embeds every font and keeps the text extractable.  The MRZ is set in
 * the exact OCR-B file the template names, not a fallback: a reader's OCR expects it.
 *
 * The drawing side takes a parsed template and nothing else from the file.
 */
#define _GNU_SOURCE
#include "print/form.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
#include "print/pdf_canvas.h"

#define MM_PT (72.0 / 25.4)
/*
 * The smallest size a box of flowing text is shrunk to before it grows instead (and goes on
 * over the next page): 9 pt is the usual floor for body text in official letters; text set
 * smaller in the template (a 7 pt note) is never shrunk at all.
 */
#define FLOOR_SIZE 9.0
/* A block moved below the text that overran it (a signature) keeps this much air above it. */
#define MOVED_GAP 10.0
/* Continuation header and page numbers. */
#define FOOT_SIZE 8.5

/* ---- the PDF ---------------------------------------------------------------------- */

struct form_doc {
	struct pdf_canvas *cv;
	int pages;
};

int form_doc_pages(const struct form_doc *d)
{
	return d ? d->pages : 0;
}

int form_doc_new(struct form_doc **out, struct cd_error *err)
{
	struct form_doc *d = calloc(1, sizeof *d);
	int rc;
	if (!d)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = canvas_new(&d->cv, err)) != CD_OK) {
		free(d);
		return rc;
	}
	*out = d;
	return CD_OK;
}

void form_doc_free(struct form_doc *d)
{
	if (!d)
		return;
	canvas_free(d->cv);
	free(d);
}

/* Called when a text block does not fit its box at the floor size (lint lists it). */
typedef void (*overflow_fn)(void *ctx, const struct form_tpl *t, const struct form_block *b);

/* Where something drawn on the current page lies, top to bottom (mm): a block placed at a
 * fixed y is moved when something above it reaches below its top. */
struct extent {
	double top, bottom;
	const struct form_block *b;  /* what lies there (row: of a [rows] block, else 0), to name it */
	int row;
};

struct layout {
	struct form_doc *d;
	const struct form_tpl *t;
	const struct ph_vars *vars;
	const struct form_photo *photo;
	int draft;
	cairo_t *cr;
	const PangoFontDescription *fonts[FONT_COUNT];
	cairo_font_face_t *mrz;
	double cursor;              /* mm from the top: where the next flowing block starts */
	double page_top;            /* where the text of this page starts (below letterhead or header) */
	overflow_fn overflow;
	void *ctx;
	int draw;                   /* 0: measure only (lint, counting pages) */
	int page;                   /* of this letter, from 1 */
	int total;                  /* pages of this letter; 0 until counted */
	struct extent *ext;         /* on the current page */
	size_t n_ext, cap_ext;
	/* pages = 1: the first thing that did not fit the one page (the form is refused) */
	const struct form_block *overrun;
	int overrun_row;
	/* mm the next block (a letter's signature) needs below this text block, or 0: when it
	 * would not fit under the text, the text's last lines go to the new page with it */
	double keep_next;
};

/* One line of text, its baseline starting at (x, baseline) mm. */
static void draw_text_line(struct layout *l, enum form_font f, double size, double x_mm, double baseline_mm,
			   const char *s)
{
	canvas_show(l->d->cv, l->fonts[f], size, x_mm * MM_PT, baseline_mm * MM_PT, s);
}

static PangoAlignment pango_align(enum form_align a)
{
	return a == ALIGN_CENTER ? PANGO_ALIGN_CENTER : a == ALIGN_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

static double page_bottom(const struct layout *l)
{
	return l->t->page_h - l->t->margin;
}

static void note_extent(struct layout *l, double top, double bottom, const struct form_block *b, int row)
{
	if (l->n_ext == l->cap_ext) {
		size_t cap = l->cap_ext ? l->cap_ext * 2 : 16;
		struct extent *grown = realloc(l->ext, cap * sizeof *grown);
		if (!grown)
			return;   /* only a moved block's place is less exact */
		l->ext = grown;
		l->cap_ext = cap;
	}
	l->ext[l->n_ext++] = (struct extent){ top, bottom, b, row };
}

/* The lowest point of what lies on the current page, from what starts above `y`; *by: the
 * first such thing that reaches below y (NULL when none does). */
static double reach_above(const struct layout *l, double y, const struct extent **by)
{
	double low = 0;
	if (by)
		*by = NULL;
	for (size_t i = 0; i < l->n_ext; i++) {
		if (l->ext[i].top < y - 0.01 && l->ext[i].bottom > low)
			low = l->ext[i].bottom;
		if (by && !*by && l->ext[i].top < y - 0.01 && l->ext[i].bottom > y + 0.01)
			*by = &l->ext[i];
	}
	return low;
}

static void start_page(struct layout *l);
static int lay_out(struct layout *l, struct cd_error *err);

/* The pages of this letter, counted by laying it out once without drawing. */
static int count_pages(const struct layout *l)
{
	struct layout m = { .d = l->d, .t = l->t, .vars = l->vars, .photo = l->photo, .draw = 0 };
	struct cd_error ignored = CD_ERROR_INIT;
	lay_out(&m, &ignored);
	free(m.ext);
	return m.page;
}

/* "Page 1 of 2" at the foot, right: on every page of a letter, "1 of 1" included, so that a
 * reader knows nothing is missing. */
static void draw_page_number(struct layout *l)
{
	struct ph_vars v = PH_VARS_INIT;
	struct cd_buf text = CD_BUF_INIT;
	char page[16], pages[16];
	if (!l->draw || l->t->max_pages == 1)
		return;
	if (!l->total)
		l->total = l->page;
	snprintf(page, sizeof page, "%d", l->page);
	snprintf(pages, sizeof pages, "%d", l->total);
	ph_set(&v, "page", page);
	ph_set(&v, "pages", pages);
	ph_expand(l->t->page_words, &v, &text, NULL, NULL);
	canvas_show_anchored(l->d->cv, l->fonts[FONT_REGULAR], FOOT_SIZE, (l->t->page_w - l->t->margin) * MM_PT, 1,
			     (l->t->page_h - l->t->margin / 2) * MM_PT, buf_str(&text));
	buf_release(&text);
	ph_vars_release(&v);
}

/*
 * The rest of the letter goes on a new page: the page being left gets its number (the
 * letter's pages are counted first, when that is not known yet), the new one a short
 * header.  Returns the y where text goes on.  A sheet of one page (pages = 1) gets no new
 * page: `b` (row `row`) is recorded as what did not fit, and the caller refuses the form.
 */
static double break_page(struct layout *l, const struct form_block *b, int row)
{
	if (l->t->max_pages == 1) {
		if (!l->overrun) {
			l->overrun = b;
			l->overrun_row = row;
		}
		return l->cursor;
	}
	if (l->draw && !l->total)
		l->total = count_pages(l);
	draw_page_number(l);
	l->page++;
	start_page(l);
	return l->cursor;
}

/* Where a block goes: its y, unless something above reaches over it or the letter is past
 * its first page; then below the text, on a new page when it does not fit (`need` mm). */
static double block_top(struct layout *l, const struct form_block *b, double need, int *moved)
{
	*moved = 0;
	if (!b->has_y)
		return l->cursor + b->gap;
	const struct extent *by = NULL;
	if (l->page == 1 && reach_above(l, b->y, &by) <= b->y + 0.01)
		return b->y;
	if (l->t->max_pages == 1) {
		/* what reaches over the block is what is too long */
		if (!l->overrun) {
			l->overrun = by ? by->b : b;
			l->overrun_row = by ? by->row : 0;
		}
		return b->y;
	}
	*moved = 1;
	double y = fmax(l->cursor, reach_above(l, page_bottom(l), NULL)) + fmax(b->gap, MOVED_GAP);
	if (y + need > page_bottom(l) + 0.01)
		y = break_page(l, b, 0) + b->gap;
	return y;
}

static double leading_of(double size)
{
	return size * 1.25 / MM_PT;
}

/* The x of each line within the layout (alignment), as Pango places it; NULL when out of memory. */
static double *line_xs(PangoLayout *pl, int n)
{
	double *xs = calloc((size_t)(n > 0 ? n : 1), sizeof *xs);
	PangoLayoutIter *it = pango_layout_get_iter(pl);
	int i = 0;
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		if (xs && i < n)
			xs[i] = (double)logical.x / PANGO_SCALE;
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return xs;
}

/* Draws line `i` of `pl` with its top at y mm, x_pt points into the layout. */
static void draw_line(struct layout *l, PangoLayout *pl, int i, double x, double x_pt, double y, double size)
{
	cairo_move_to(l->cr, x * MM_PT + x_pt, (y + size * 0.95 / MM_PT) * MM_PT);
	pango_cairo_show_layout_line(l->cr, pango_layout_get_line_readonly(pl, i));
}

static PangoLayout *set_block_text(struct layout *l, const struct form_block *b, double size, const char *text)
{
	return canvas_set_text(l->d->cv, l->fonts[b->font], size, text, b->w * MM_PT, pango_align(b->align));
}

/*
 * Keep-with-next: a letter's signature never stands alone on its last page.  Where the n
 * lines of a text block starting at `top` end (page breaks as place_text_keep makes them),
 * and whether l->keep_next mm still fit under them; when not, the line from which the text
 * goes to the new page with the signature: its last 2 lines, or all of it when that would
 * leave 1 line behind.  -1: no move (it fits, or nothing is to keep).
 */
static int keep_with_next(const struct layout *l, double top, double leading, int n)
{
	double y = top, page_top = l->page_top, bottom = page_bottom(l);
	int at = 0;   /* the first line of the block on the page it ends on */
	if (l->keep_next <= 0 || l->t->max_pages == 1 || n <= 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (y + leading > bottom + 0.01 && y > page_top + 0.01) {
			y = page_top = l->t->margin + 8;   /* as start_page sets it on a next page */
			at = i;
		}
		y += leading;
	}
	if (y + l->keep_next <= bottom + 0.01)
		return -1;
	int from = n - 2 < 0 ? 0 : n - 2;
	if (from - at < 2)
		from = at;   /* no single line left behind: the block's part on this page moves whole */
	/* Already at the top of its page: moving it would only leave an empty page. */
	if (from == at && (at > 0 || top <= l->page_top + 0.01))
		return -1;
	return from;
}

/*
 * Lays out (and draws) one text block whose text is already expanded.  Pango breaks the
 * lines (at words, between characters for a word wider than the box); the lines are
 * placed 1.25 times the size apart whatever fonts the fallback brought in, so a box holds
 * as many lines in Chinese as in Latin.
 *
 * A box (height) that the text does not fit is tried smaller, down to FLOOR_SIZE; when even
 * that does not fit, the text keeps its own size and the box grows: the lines go on below
 * it and over as many pages as they need.  No line is ever dropped.  `keep` (our own note in
 * the photo frame) stays where it is and clips at its box instead.
 */
static void place_text_keep(struct layout *l, const struct form_block *b, const char *text, int keep)
{
	double size = b->size, floor = fmin(b->size, FLOOR_SIZE);
	PangoLayout *pl, *own = NULL;
	int n, fits = 1, moved = 0;

	pl = set_block_text(l, b, size, text);
	n = pango_layout_get_line_count(pl);
	if (b->has_h && (double)n * leading_of(size) > b->h + 0.01) {
		fits = 0;
		for (double s = size - 0.5; s >= floor - 0.001; s -= 0.5) {
			pl = set_block_text(l, b, s, text);
			n = pango_layout_get_line_count(pl);
			if ((double)n * leading_of(s) <= b->h + 0.01) {
				size = s;
				fits = 1;
				break;
			}
		}
		if (!fits && l->overflow)
			l->overflow(l->ctx, l->t, b);
	}
	int page0 = l->page;
	double top = keep ? b->y : block_top(l, b, fits && b->has_h ? b->h : (double)n * leading_of(size), &moved);
	/* (a new page was started for it, or it does not fit: set again, the canvas's layout was used meanwhile) */
	if (!fits || l->page != page0)
		pl = set_block_text(l, b, size, text);
	n = pango_layout_get_line_count(pl);
	double *xs = line_xs(pl, n);
	double leading = leading_of(size), y = top, from = top;
	int first_page = l->page;
	int moved_from = keep || b->has_h ? -1 : keep_with_next(l, top, leading, n);
	for (int i = 0; i < n; i++) {
		if (keep && b->has_h && y + leading > top + b->h + 0.01)
			break;
		/* (a line taller than a whole page stays where it is: a new page would not help) */
		if (!keep && (y + leading > page_bottom(l) + 0.01 || i == moved_from) &&
		    (y > l->page_top + 0.01 || l->t->max_pages == 1)) {
			/* Own copy: the next page's header and number are set with the canvas's layout. */
			if (!own && l->t->max_pages != 1) {
				own = pango_layout_copy(pl);
				pl = own;
			}
			note_extent(l, from, y, b, 0);
			double ny = break_page(l, b, 0);
			if (l->t->max_pages != 1)
				y = from = ny;
		}
		if (l->draw)
			draw_line(l, pl, i, b->x, xs ? xs[i] : 0, y, size);
		y += leading;
	}
	free(xs);
	if (own)
		g_object_unref(own);
	l->cursor = b->has_h && fits && l->page == first_page ? top + b->h : y;
	if (!keep)
		note_extent(l, from, l->cursor, b, 0);
}

static void place_text(struct layout *l, const struct form_block *b, const char *text)
{
	place_text_keep(l, b, text, 0);
}

/* Lines of `text` set at the block's size in `width` mm. */
static int row_lines(struct layout *l, enum form_font f, double size, const char *text, double width)
{
	return pango_layout_get_line_count(canvas_set_text(l->d->cv, l->fonts[f], size, text, width * MM_PT,
							   PANGO_ALIGN_LEFT));
}

static void draw_row_part(struct layout *l, enum form_font f, double size, const char *text, double x, double width,
			  double y)
{
	PangoLayout *pl = canvas_set_text(l->d->cv, l->fonts[f], size, text, width * MM_PT, PANGO_ALIGN_LEFT);
	int n = pango_layout_get_line_count(pl);
	double *xs = line_xs(pl, n);
	for (int i = 0; i < n; i++)
		draw_line(l, pl, i, x, xs ? xs[i] : 0, y + i * leading_of(size), size);
	free(xs);
}

/*
 * [rows.ID]: each label beside its value, the row as tall as the taller of the two, so a
 * value that wraps (a long surname) pushes the rows below down together with their labels.
 * A row is never split over two pages.
 */
static void place_rows(struct layout *l, const struct form_block *b, const struct ph_vars *vars)
{
	double size = b->size, leading = leading_of(size);
	double vx = b->x + b->label_w, vw = b->w - b->label_w;
	int moved;
	double y = block_top(l, b, leading, &moved);

	for (size_t i = 0; i < b->n_rows; i++) {
		struct cd_buf value = CD_BUF_INIT;
		ph_expand(b->values[i], vars, &value, NULL, NULL);
		int nl = row_lines(l, FONT_BOLD, size, b->labels[i], b->label_w - 2);
		int nv = row_lines(l, b->font, size, buf_str(&value), vw);
		double h = (double)(nl > nv ? nl : nv) * leading;
		if (y + h > page_bottom(l) + 0.01 && (y > l->page_top + 0.01 || l->t->max_pages == 1)) {
			double ny = break_page(l, b, b->row_keys[i]);
			if (l->t->max_pages != 1)
				y = ny;
		}
		note_extent(l, y, y + h, b, b->row_keys[i]);
		if (l->draw) {
			draw_row_part(l, FONT_BOLD, size, b->labels[i], b->x, b->label_w - 2, y);
			draw_row_part(l, b->font, size, buf_str(&value), vx, vw, y);
		}
		y += h + (i + 1 < b->n_rows ? b->row_gap : 0);
		buf_release(&value);
	}
	l->cursor = y;
}

static void stroke_line(struct layout *l, double width_pt, double x0, double y0, double x1, double y1)
{
	cairo_set_line_width(l->cr, width_pt);
	cairo_move_to(l->cr, x0 * MM_PT, y0 * MM_PT);
	cairo_line_to(l->cr, x1 * MM_PT, y1 * MM_PT);
	cairo_stroke(l->cr);
}

static void place_rule(struct layout *l, const struct form_block *b)
{
	double y = b->has_y ? b->y : l->cursor + b->gap;
	if (l->draw)
		stroke_line(l, 0.6, b->x, y, b->x + b->w, y);
	l->cursor = y;
}

static void fill_rect(struct layout *l, double x, double y, double w, double h)
{
	cairo_rectangle(l->cr, x * MM_PT, y * MM_PT, w * MM_PT, h * MM_PT);
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
	/*
	 * The bars as one line, as thick as the bars are high, dashed bar, space, bar ...: the
	 * same marks as a rectangle a bar, in a quarter of the numbers (a rectangle a bar made
	 * a third of the time of 1,000 letters).  Butt caps: each dash ends where its bar does.
	 */
	double dashes[sizeof elems];
	for (int i = 0; i < n; i++)
		dashes[i] = (elems[i] == 'w' ? module * 2.5 : module) * MM_PT;
	cairo_save(l->cr);
	cairo_set_line_width(l->cr, b->h * MM_PT);
	cairo_set_line_cap(l->cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_dash(l->cr, dashes, n, 0);
	cairo_move_to(l->cr, x * MM_PT, (y + b->h / 2) * MM_PT);
	cairo_line_to(l->cr, (x + total) * MM_PT, (y + b->h / 2) * MM_PT);
	cairo_stroke(l->cr);
	cairo_restore(l->cr);
	canvas_show_anchored(l->d->cv, l->fonts[FONT_MONO], 8, (x + total / 2) * MM_PT, 0.5, (y + b->h + 3.2) * MM_PT,
			     value);
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

/* The MRZ: plain ASCII in the OCR-B file itself (no shaping, no fallback font). */
static int place_mrz(struct layout *l, const struct form_block *b, const struct ph_vars *vars, struct cd_error *err)
{
	char lines[3][45];
	int n = 0, rc;
	if ((rc = form_mrz_lines(b->text, vars, lines, &n, err)))
		return rc;
	double leading = b->size * 1.4 / MM_PT;
	double top = b->has_y ? b->y : l->t->page_h - l->t->margin - n * leading;
	if (l->draw && l->mrz) {
		cairo_save(l->cr);
		cairo_set_font_face(l->cr, l->mrz);
		cairo_set_font_size(l->cr, b->size);
		for (int i = 0; i < n; i++) {
			cairo_move_to(l->cr, b->x * MM_PT, (top + (i + 0.8) * leading) * MM_PT);
			cairo_show_text(l->cr, lines[i]);
		}
		cairo_restore(l->cr);
	}
	l->cursor = top + n * leading;
	return CD_OK;
}

static void place_letterhead(struct layout *l, const struct ph_vars *vars)
{
	const char *name = var(vars, "office.name"), *addr = var(vars, "office.address");
	const char *phone = var(vars, "office.phone");
	double y = l->t->margin, m = l->t->margin;
	if (name && l->draw)
		draw_text_line(l, FONT_BOLD, 12, m, y + 4.5, name);
	if (addr && l->draw)
		draw_text_line(l, FONT_REGULAR, 8.5, m, y + 9, addr);
	if (phone && l->draw)
		draw_text_line(l, FONT_REGULAR, 8.5, m, y + 12.5, phone);
	y += 16;
	if (l->draw)
		stroke_line(l, 0.8, m, y, l->t->page_w - m, y);
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
				fill_rect(l, x0 + (col + 4) * module, y0 + (row + 4) * module, (run - col) * module, module);
				col = run;
			}
		cairo_fill(l->cr);
	}
	QRcode_free(q);
	return CD_OK;
}

/* The photo's pixels as a Cairo image (Cairo's RGB24 is 32 bits a pixel, native order). */
static cairo_surface_t *photo_surface(const struct pnm_image *pi)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pi->w, pi->h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		return s;
	cairo_surface_flush(s);
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < pi->h; y++) {
		uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
		for (int x = 0; x < pi->w; x++) {
			const unsigned char *p = pi->px + ((size_t)y * (size_t)pi->w + (size_t)x) * (pi->colour ? 3 : 1);
			uint32_t r = p[0], g = pi->colour ? p[1] : p[0], bl = pi->colour ? p[2] : p[0];
			row[x] = r << 16 | g << 8 | bl;
		}
	}
	cairo_surface_mark_dirty(s);
	return s;
}

/* A thin frame; the photo fitted inside it, centred, its proportions kept; else why there is none. */
static void place_photo(struct layout *l, const struct form_block *b, const struct form_photo *photo)
{
	double x = b->has_x ? b->x : l->t->page_w - l->t->margin - b->w;
	double y = b->has_y ? b->y : l->t->margin + 25;
	if (!l->draw)
		return;
	const struct pnm_image *pi = photo ? &photo->img : NULL;
	if (pi && pi->px && pi->w > 0 && pi->h > 0) {
		cairo_surface_t *img = photo_surface(pi);
		if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
			double scale = fmin(b->w / pi->w, b->h / pi->h);
			double w = pi->w * scale, h = pi->h * scale;
			double ix = x + (b->w - w) / 2, iy = y + (b->h - h) / 2;
			cairo_save(l->cr);
			cairo_translate(l->cr, ix * MM_PT, iy * MM_PT);
			cairo_scale(l->cr, scale * MM_PT, scale * MM_PT);
			cairo_set_source_surface(l->cr, img, 0, 0);
			cairo_paint(l->cr);
			cairo_restore(l->cr);
		}
		cairo_surface_destroy(img);
	} else {
		/* The reason, wrapped inside the frame in small type. */
		const char *why = photo && photo->missing ? photo->missing : _("no photo");
		struct form_block note = { .id = b->id, .kind = FORM_TEXT, .x = x + 2, .y = y + 2, .w = b->w - 4,
					   .h = b->h - 4, .has_x = 1, .has_y = 1, .has_h = 1, .size = 7,
					   .font = FONT_REGULAR, .align = ALIGN_CENTER, .line = b->line };
		overflow_fn saved = l->overflow;
		double cursor = l->cursor;   /* the photo floats: the flow of text goes on below the last block */
		l->overflow = NULL;
		place_text_keep(l, &note, why, 1);
		l->overflow = saved;
		l->cursor = cursor;
	}
	cairo_set_line_width(l->cr, 0.4);
	cairo_rectangle(l->cr, x * MM_PT, y * MM_PT, b->w * MM_PT, b->h * MM_PT);
	cairo_stroke(l->cr);
}

static void draw_watermark(struct layout *l)
{
	/* In the letter's language when the caller gives it (print/case_form.c), else the desk's. */
	const char *word = ph_get(l->vars, "draft.word");
	const char *note = ph_get(l->vars, "draft.note");
	if (!word || !*word)
		word = _("DRAFT");
	if (!note || !*note)
		note = _("DRAFT - a preview, not a valid document");
	double size = 110;
	PangoLayout *pl = canvas_set_text(l->d->cv, l->fonts[FONT_BOLD], size, word, -1, PANGO_ALIGN_LEFT);
	double tw = canvas_text_width(pl);
	/* along the diagonal from the bottom-left corner to the top-right one */
	double a = atan2(l->t->page_h, l->t->page_w);
	cairo_save(l->cr);
	cairo_set_source_rgb(l->cr, 0.85, 0.85, 0.85);
	cairo_translate(l->cr, l->t->page_w * MM_PT / 2, l->t->page_h * MM_PT / 2);
	cairo_rotate(l->cr, -a);
	cairo_move_to(l->cr, -tw / 2, size * 0.35);
	pango_cairo_show_layout_line(l->cr, pango_layout_get_line_readonly(pl, 0));
	cairo_restore(l->cr);
	/* Also in a plain line at the foot: text extractors skip diagonal text. */
	draw_text_line(l, FONT_BOLD, 9, l->t->margin, l->t->page_h - l->t->margin / 2, note);
}

/* A page of this letter: the letterhead on the first, a short header on the others. */
static void start_page(struct layout *l)
{
	const struct form_tpl *t = l->t;
	l->n_ext = 0;
	if (l->draw) {
		canvas_page(l->d->cv, t->page_w * MM_PT, t->page_h * MM_PT);
		if (l->draft)
			draw_watermark(l);
		cairo_set_source_rgb(l->cr, 0, 0, 0);
	}
	l->cursor = t->margin;
	if (l->page == 1) {
		if (t->letterhead)
			place_letterhead(l, l->vars);
		l->page_top = l->cursor;
		return;
	}
	if (l->draw) {
		struct cd_buf head = CD_BUF_INIT;
		ph_expand(t->continued_words, l->vars, &head, NULL, NULL);
		draw_text_line(l, FONT_REGULAR, FOOT_SIZE, t->margin, t->margin + 3.5, buf_str(&head));
		stroke_line(l, 0.5, t->margin, t->margin + 5.5, t->page_w - t->margin, t->margin + 5.5);
		buf_release(&head);
	}
	l->cursor = l->page_top = t->margin + 8;
}

/* What a block needs below its top, to keep it on one page when it is moved. */
static double block_need(const struct form_block *b)
{
	switch (b->kind) {
	case FORM_BARCODE:
		return b->h + 4;
	case FORM_QR:
		return b->size;
	case FORM_PHOTO:
		return b->h;
	case FORM_MRZ:
		return 3 * b->size * 1.4 / MM_PT;
	default:
		return 0;
	}
}

/* The refusal of a sheet that must be one page (pages = 1), naming what did not fit. */
static int overrun_error(const struct layout *l, struct cd_error *err)
{
	const struct form_block *b = l->overrun;
	if (b->kind == FORM_ROWS && l->overrun_row > 0) {
		const char *label = "";
		for (size_t i = 0; i < b->n_rows; i++)
			if (b->row_keys[i] == l->overrun_row)
				label = b->labels[i];
		return cd_error_set(err, CD_EINPUT,
				    _("%s:%d: [%s] row.%d (%s) does not fit on the one page this sheet has (pages = 1): "
				      "a value is too long for it"),
				    l->t->path, b->line, b->id, l->overrun_row, label);
	}
	return cd_error_set(err, CD_EINPUT,
			    _("%s:%d: [%s] does not fit on the one page this sheet has (pages = 1): the text above it "
			      "is too long"),
			    l->t->path, b->line, b->id);
}

/*
 * What the block after flowing text block i needs below it when that block is the letter's
 * last, flowing text (its signature): its gap and lines.  0 when nothing is kept with it.
 */
static double next_need(struct layout *l, size_t i)
{
	const struct form_tpl *t = l->t;
	const struct form_block *b = &t->blocks[i], *next = i + 1 < t->n_blocks ? &t->blocks[i + 1] : NULL;
	struct cd_buf text = CD_BUF_INIT;
	if (!next || i + 2 != t->n_blocks || next->kind != FORM_TEXT || next->has_y || b->has_y || b->has_h ||
	    t->max_pages == 1)
		return 0;
	ph_expand(next->text, l->vars, &text, NULL, NULL);
	PangoLayout *pl = set_block_text(l, next, next->size, buf_str(&text));
	double need = next->gap + (double)pango_layout_get_line_count(pl) * leading_of(next->size);
	buf_release(&text);
	return need;
}

static int lay_out(struct layout *l, struct cd_error *err)
{
	struct form_doc *d = l->d;
	const struct form_tpl *t = l->t;
	const struct ph_vars *vars = l->vars;
	int rc = CD_OK;

	for (int i = 0; i < FONT_COUNT; i++) {
		if (!t->fonts[i])
			continue;
		if (!(l->fonts[i] = canvas_font(d->cv, t->fonts[i], err)))
			return CD_EINPUT;
		if (i == FONT_MRZ && !(l->mrz = canvas_face(d->cv, t->fonts[i], err)))
			return CD_EINPUT;
	}
	l->cr = canvas_cr(d->cv);
	l->page = 1;
	start_page(l);
	for (size_t i = 0; i < t->n_blocks && rc == CD_OK; i++) {
		const struct form_block *b = &t->blocks[i];
		struct cd_buf text = CD_BUF_INIT;
		struct form_block here = *b;
		/* A block at a fixed place that the text above has overrun goes below that text. */
		if (b->has_y && b->kind != FORM_TEXT && b->kind != FORM_ROWS) {
			int moved;
			here.y = block_top(l, b, block_need(b), &moved);
			b = &here;
		}
		switch (b->kind) {
		case FORM_TEXT:
			l->keep_next = next_need(l, i);
			ph_expand(b->text, vars, &text, NULL, NULL);
			place_text(l, b, buf_str(&text));
			l->keep_next = 0;
			break;
		case FORM_ROWS:
			place_rows(l, b, vars);
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
			place_photo(l, b, l->photo);
			break;
		}
		buf_release(&text);
	}
	if (rc == CD_OK && l->overrun)
		rc = overrun_error(l, err);
	if (rc == CD_OK)
		draw_page_number(l);
	if (rc == CD_OK)
		rc = canvas_check(d->cv, _("drawing the page"), err);
	return rc;
}

int form_render(struct form_doc *d, const struct form_tpl *t, const struct ph_vars *vars,
		const struct form_photo *photo, int draft, struct cd_error *err)
{
	struct layout l = { .d = d, .t = t, .vars = vars, .photo = photo, .draft = draft, .draw = 1 };
	long boxes = canvas_unknown_glyphs(d->cv);
	int rc = lay_out(&l, err);
	/* Refused rather than printed with boxes where letters should be: the characters are not
	 * named (they are a person's), the fonts to install are. */
	if (rc == CD_OK && canvas_unknown_glyphs(d->cv) > boxes)
		rc = cd_error_set(err, CD_EINPUT,
				  _("%s: a value on this form has characters that no font installed here can draw (they "
				    "would print as boxes); install fonts-noto-core and fonts-noto-cjk, or the font for that "
				    "script, and print again"),
				  t->id);
	if (rc == CD_OK)
		d->pages += l.page;
	free(l.ext);
	return rc;
}

/*
 * The PDF is made in memory (Cairo writes it into a buffer) and written through
 * model/base/outfile.c: 0600, never over a file without --force (then by rename), never
 * through a link, and a path that cannot be written is said in words.
 */
int form_doc_save(struct form_doc *d, const char *path, unsigned flags, struct cd_error *err)
{
	struct outfile o = OUTFILE_INIT;
	const unsigned char *bytes;
	size_t len;
	int rc;

	if ((rc = canvas_finish(d->cv, &bytes, &len, err)) != CD_OK)
		return rc;
	if ((rc = outfile_open(&o, path, flags, err)) != CD_OK)
		return rc;
	if ((rc = outfile_write(&o, bytes, len, err)) != CD_OK) {
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
			struct layout l = { .d = d, .t = lt, .vars = &vars, .overflow = lint_overflow, .ctx = &o, .draw = 0 };
			if (lay_out(&l, &err) != CD_OK) {
				/* (an overrun names FILE:LINE itself) */
				if (strncmp(err.msg, path, strlen(path)) == 0)
					fprintf(report, "%s\n", err.msg);
				else
					fprintf(report, "%s:1: %s\n", path, err.msg);
				o.n++;
			}
			free(l.ext);
		}
		form_doc_free(d);
		form_free(lt);
	}
	ph_vars_release(&vars);
	form_free(t);
	return n_read + o.n;
}
