/*
 * pdf_canvas.h - a PDF drawn with Cairo and laid out with Pango (HarfBuzz shaping, bidi,
 * fontconfig fallback), built in memory: what print/form.c and print/subject_access.c
 * draw on.  Only those two files include this header (and so Cairo and Pango).
 *
 * Lengths here are PDF points (1/72 inch) from the page's top-left corner.  Fonts are
 * named by file: the file is made known to fontconfig (FcConfigAppFontAddFile), and the
 * text is set in that family, with fontconfig's fallback for every character the family
 * lacks (Noto for Arabic, Ethiopic, Chinese ...).  Cairo subsets and embeds every font.
 */
#ifndef CD_PDF_CANVAS_H
#define CD_PDF_CANVAS_H

#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "model/base/error.h"

struct pdf_canvas;

/* A new document (no page yet); CD_EINTERNAL when Cairo or the fonts cannot start. */
int canvas_new(struct pdf_canvas **out, struct cd_error *err);
/* Finishes the document (if not yet) and frees it. */
void canvas_free(struct pdf_canvas *c);

/* Starts a page w x h points; the next drawing goes on it. */
void canvas_page(struct pdf_canvas *c, double w, double h);
int canvas_pages(const struct pdf_canvas *c);
cairo_t *canvas_cr(struct pdf_canvas *c);
/* The one layout of the document, reused for every piece of text (72 dpi: sizes are points). */
PangoLayout *canvas_layout(struct pdf_canvas *c);

/*
 * The Pango font description for the font file at `path` (owned by the canvas, loaded once
 * per document); NULL with err set when the file is not a font.
 */
const PangoFontDescription *canvas_font(struct pdf_canvas *c, const char *path, struct cd_error *err);
/* The exact face of that file, for text that must be set in it and nothing else (the MRZ). */
cairo_font_face_t *canvas_face(struct pdf_canvas *c, const char *path, struct cd_error *err);

/*
 * Sets `text` (UTF-8; invalid bytes become U+FFFD) in the layout: font `fd` at `size` points,
 * wrapped at words (between characters for a word too long) to `width` points (<= 0: one
 * line per paragraph), aligned as `align`.
 */
PangoLayout *canvas_set_text(struct pdf_canvas *c, const PangoFontDescription *fd, double size, const char *text,
			     double width, PangoAlignment align);
/* Width in points of the layout's widest line. */
/*
 * How many characters laid out so far no installed font has: Pango would draw each as a
 * box with its code in it.  A form must not go out with a name printed as boxes.
 */
long canvas_unknown_glyphs(const struct pdf_canvas *c);

double canvas_text_width(PangoLayout *l);
/* Draws one line of `text` (no wrapping) with its baseline starting at (x, baseline); it has
 * layouts of its own, so a layout canvas_set_text gave stays as it was.  The last few lines
 * are kept laid out: a letterhead is shaped once for a whole batch. */
void canvas_show(struct pdf_canvas *c, const PangoFontDescription *fd, double size, double x, double baseline,
		 const char *text);

/* The same, `anchor` of the line's width at x: 0.5 centres it on x, 1 ends it there. */
void canvas_show_anchored(struct pdf_canvas *c, const PangoFontDescription *fd, double size, double x, double anchor,
			  double baseline, const char *text);

/* Whether drawing has failed so far (CD_EINTERNAL with Cairo's reason, `doing` naming the step). */
int canvas_check(struct pdf_canvas *c, const char *doing, struct cd_error *err);

/* Finishes the document; *bytes (owned by the canvas, valid until canvas_free) and *len. */
int canvas_finish(struct pdf_canvas *c, const unsigned char **bytes, size_t *len, struct cd_error *err);

#endif
