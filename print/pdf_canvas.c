/*
 * pdf_canvas.c - the PDF both printers draw on: a Cairo PDF surface writing into memory,
 * text laid out by Pango (HarfBuzz shaping, bidi, line breaking) in the fonts the
 * templates name, with fontconfig's fallback for the scripts those fonts lack.  See
 * pdf_canvas.h.
 *
 * Why in memory: the file is written by model/base/outfile.c afterwards (0600, O_EXCL,
 * --force by rename, never through a link); Cairo's own file output would follow a link
 * and replace a file in silence.
 *
 * Why one font map for the process: building it reads fontconfig's caches (tens of
 * milliseconds); every document and every piece of text shares it, and a font file the
 * system does not know (data/forms/fonts, CASEDESK_FONTS, OCR-B elsewhere) is added to
 * fontconfig once.
 */
#include "print/pdf_canvas.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"

#define MAX_FONTS 16
/* A PDF of a thousand letters is a few megabytes; this only stops a runaway. */
#define PDF_MAX (1024u << 20)

/* Lines drawn by canvas_show, kept laid out: the letterhead and the page number are the
 * same on every letter of a batch, and shaping them again was a tenth of its time. */
#define SHOW_CACHE 8
struct shown {
	const PangoFontDescription *fd;
	double size;
	char *text;
	PangoLayout *layout;
};

struct canvas_font {
	char *path;
	PangoFontDescription *desc;
	cairo_font_face_t *face;
};

struct pdf_canvas {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *ctx;
	PangoLayout *layout;
	struct shown shown[SHOW_CACHE];   /* canvas_show's own: drawing a line never disturbs `layout` */
	int next_shown;
	struct canvas_font fonts[MAX_FONTS];
	int n_fonts;
	int pages;
	int finished;
	long unknown_glyphs;   /* characters laid out that no installed font has (drawn as boxes) */
	struct cd_buf out;
};

static PangoFontMap *font_map;

/* The files this process added to fontconfig (the system's own fonts need no adding). */
static char *added[MAX_FONTS * 2];
static int n_added;

/*
 * At exit: Pango's font map and Cairo's font caches let go of what they hold, so a leak
 * checker (make check runs everything under LeakSanitizer) sees only real leaks.
 */
static void release_fonts(void)
{
	if (font_map) {
		pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(font_map));
		g_object_unref(font_map);
		font_map = NULL;
	}
	for (int i = 0; i < n_added; i++)
		free(added[i]);
	n_added = 0;
	cairo_debug_reset_static_data();
	/* (not FcFini: it aborts the process when anything still holds a cached pattern) */
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	struct pdf_canvas *c = closure;
	return buf_add(&c->out, (const char *)data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int canvas_new(struct pdf_canvas **out, struct cd_error *err)
{
	struct pdf_canvas *c = calloc(1, sizeof *c);
	cairo_font_options_t *opts = NULL;

	*out = NULL;
	if (!c)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	buf_init(&c->out, PDF_MAX);
	if (!font_map) {
		if (!(font_map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT))) {
			free(c);
			return cd_error_set(err, CD_EINTERNAL, _("PDF: cannot read the fonts fontconfig knows"));
		}
		atexit(release_fonts);
	}
	/* A4 until the first page says its size. */
	c->surface = cairo_pdf_surface_create_for_stream(write_out, c, 595.28, 841.89);
	c->cr = cairo_create(c->surface);
	if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
		int rc = cd_error_set(err, CD_EINTERNAL, _("PDF: cannot start a document (%s)"),
				      cairo_status_to_string(cairo_status(c->cr)));
		canvas_free(c);
		return rc;
	}
	cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "casedesk");
	c->ctx = pango_font_map_create_context(font_map);
	/* Sizes are points and the surface's unit is the point; positions are not rounded to a
	 * screen's pixels (a PDF has none), so a line measures the same however it is placed. */
	pango_cairo_context_set_resolution(c->ctx, 72);
	opts = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(c->ctx, opts);
	cairo_font_options_destroy(opts);
	pango_context_set_round_glyph_positions(c->ctx, FALSE);
	/* A form is a left-to-right page: a name in Arabic is ordered right to left inside its
	 * line (bidi) but stays where the template puts the line, aligned as it says. */
	c->layout = pango_layout_new(c->ctx);
	pango_layout_set_wrap(c->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_auto_dir(c->layout, FALSE);
	/* A word broken between characters (a 60-letter surname in its box) gets no hyphen:
	 * Pango would draw one, and a card producer would copy it into the name.  The
	 * attribute stays with the layout: pango_layout_set_text keeps the attribute list. */
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(c->layout, attrs);
	pango_attr_list_unref(attrs);
	*out = c;
	return CD_OK;
}

void canvas_free(struct pdf_canvas *c)
{
	if (!c)
		return;
	if (c->layout)
		g_object_unref(c->layout);
	for (int i = 0; i < SHOW_CACHE; i++) {
		if (c->shown[i].layout)
			g_object_unref(c->shown[i].layout);
		free(c->shown[i].text);
	}
	if (c->ctx)
		g_object_unref(c->ctx);
	cairo_destroy(c->cr);
	cairo_surface_destroy(c->surface);   /* finishes it first: the bytes go to c->out */
	for (int i = 0; i < c->n_fonts; i++) {
		free(c->fonts[i].path);
		if (c->fonts[i].desc)
			pango_font_description_free(c->fonts[i].desc);
		if (c->fonts[i].face)
			cairo_font_face_destroy(c->fonts[i].face);
	}
	buf_release(&c->out);
	free(c);
}

void canvas_page(struct pdf_canvas *c, double w, double h)
{
	if (c->pages > 0)
		cairo_show_page(c->cr);
	cairo_pdf_surface_set_size(c->surface, w, h);
	cairo_set_source_rgb(c->cr, 0, 0, 0);
	c->pages++;
}

int canvas_pages(const struct pdf_canvas *c)
{
	return c->pages;
}

cairo_t *canvas_cr(struct pdf_canvas *c)
{
	return c->cr;
}

PangoLayout *canvas_layout(struct pdf_canvas *c)
{
	return c->layout;
}

/* Makes fontconfig (and so Pango) know the file, unless it already does. */
static void make_known(const char *path)
{
	for (int i = 0; i < n_added; i++)
		if (strcmp(added[i], path) == 0)
			return;
	FcPattern *pat = FcPatternBuild(NULL, FC_FILE, FcTypeString, (const FcChar8 *)path, (char *)NULL);
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, (char *)NULL);
	FcFontSet *fs = pat && os ? FcFontList(NULL, pat, os) : NULL;
	int known = fs && fs->nfont > 0;
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	if (pat)
		FcPatternDestroy(pat);
	if (!known && FcConfigAppFontAddFile(NULL, (const FcChar8 *)path))
		pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(font_map));
	if (n_added < (int)(sizeof added / sizeof added[0])) {
		char *copy = strdup(path);
		if (copy)
			added[n_added++] = copy;
	}
}

static struct canvas_font *font_slot(struct pdf_canvas *c, const char *path, struct cd_error *err)
{
	for (int i = 0; i < c->n_fonts; i++)
		if (strcmp(c->fonts[i].path, path) == 0)
			return &c->fonts[i];
	if (c->n_fonts == MAX_FONTS) {
		cd_error_set(err, CD_EINPUT, ngettext("a PDF may use at most %d font file", "a PDF may use at most %d font files",
						      (unsigned long)MAX_FONTS), MAX_FONTS);
		return NULL;
	}
	int count = 0;
	FcPattern *pat = FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count);
	FcChar8 *family = NULL;
	if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &family) != FcResultMatch) {
		if (pat)
			FcPatternDestroy(pat);
		cd_error_set(err, CD_EINPUT, _("%s is not a font file FreeType can read"), path);
		return NULL;
	}
	make_known(path);
	struct canvas_font *f = &c->fonts[c->n_fonts];
	f->path = strdup(path);
	f->desc = pango_font_description_new();
	pango_font_description_set_family(f->desc, (const char *)family);
	int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
	FcPatternGetInteger(pat, FC_WEIGHT, 0, &weight);
	FcPatternGetInteger(pat, FC_SLANT, 0, &slant);
	pango_font_description_set_weight(f->desc, (PangoWeight)FcWeightToOpenType(weight));
	pango_font_description_set_style(f->desc, slant == FC_SLANT_ITALIC    ? PANGO_STYLE_ITALIC
						  : slant == FC_SLANT_OBLIQUE ? PANGO_STYLE_OBLIQUE
									      : PANGO_STYLE_NORMAL);
	/* cairo keeps the pattern (it names the file) for as long as the face lives */
	f->face = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	if (!f->path || cairo_font_face_status(f->face) != CAIRO_STATUS_SUCCESS) {
		free(f->path);
		pango_font_description_free(f->desc);
		cairo_font_face_destroy(f->face);
		memset(f, 0, sizeof *f);
		cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		return NULL;
	}
	c->n_fonts++;
	return f;
}

const PangoFontDescription *canvas_font(struct pdf_canvas *c, const char *path, struct cd_error *err)
{
	struct canvas_font *f = font_slot(c, path, err);
	return f ? f->desc : NULL;
}

cairo_font_face_t *canvas_face(struct pdf_canvas *c, const char *path, struct cd_error *err)
{
	struct canvas_font *f = font_slot(c, path, err);
	return f ? f->face : NULL;
}

static PangoLayout *set_text(PangoLayout *l, const PangoFontDescription *fd, double size, const char *text,
			     double width, PangoAlignment align)
{
	PangoFontDescription *f = pango_font_description_copy_static(fd);
	pango_font_description_set_size(f, (gint)(size * PANGO_SCALE + 0.5));
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_alignment(l, align);
	if (g_utf8_validate(text, -1, NULL)) {
		pango_layout_set_text(l, text, -1);
	} else {
		gchar *valid = g_utf8_make_valid(text, -1);
		pango_layout_set_text(l, valid, -1);
		g_free(valid);
	}
	return l;
}

PangoLayout *canvas_set_text(struct pdf_canvas *c, const PangoFontDescription *fd, double size, const char *text,
			     double width, PangoAlignment align)
{
	PangoLayout *l = set_text(c->layout, fd, size, text, width, align);
	if (l)
		c->unknown_glyphs += pango_layout_get_unknown_glyphs_count(l);
	return l;
}

long canvas_unknown_glyphs(const struct pdf_canvas *c)
{
	return c->unknown_glyphs;
}

double canvas_text_width(PangoLayout *l)
{
	PangoRectangle logical;
	pango_layout_get_extents(l, NULL, &logical);
	return (double)logical.width / PANGO_SCALE;
}

/* The line laid out, from the cache or set now (NULL when memory runs out). */
static PangoLayout *shown_line(struct pdf_canvas *c, const PangoFontDescription *fd, double size, const char *text)
{
	for (int i = 0; i < SHOW_CACHE; i++)
		if (c->shown[i].layout && c->shown[i].fd == fd && c->shown[i].size == size &&
		    strcmp(c->shown[i].text, text) == 0)
			return c->shown[i].layout;
	struct shown *e = &c->shown[c->next_shown];
	c->next_shown = (c->next_shown + 1) % SHOW_CACHE;
	if (!e->layout) {
		e->layout = pango_layout_new(c->ctx);
		pango_layout_set_auto_dir(e->layout, FALSE);
	}
	free(e->text);
	e->text = strdup(text);
	e->fd = e->text ? fd : NULL;
	e->size = size;
	/* Counted like canvas_set_text's: a letterhead or page word in a script no font has is
	 * refused as a name is (form_render). */
	PangoLayout *l = set_text(e->layout, fd, size, text, -1, PANGO_ALIGN_LEFT);
	if (l)
		c->unknown_glyphs += pango_layout_get_unknown_glyphs_count(l);
	return l;
}

void canvas_show(struct pdf_canvas *c, const PangoFontDescription *fd, double size, double x, double baseline,
		 const char *text)
{
	PangoLayout *l = shown_line(c, fd, size, text);
	cairo_move_to(c->cr, x, baseline);
	pango_cairo_show_layout_line(c->cr, pango_layout_get_line_readonly(l, 0));
}

void canvas_show_anchored(struct pdf_canvas *c, const PangoFontDescription *fd, double size, double x, double anchor,
			  double baseline, const char *text)
{
	PangoLayout *l = shown_line(c, fd, size, text);
	cairo_move_to(c->cr, x - anchor * canvas_text_width(l), baseline);
	pango_cairo_show_layout_line(c->cr, pango_layout_get_line_readonly(l, 0));
}

int canvas_check(struct pdf_canvas *c, const char *doing, struct cd_error *err)
{
	cairo_status_t st = cairo_status(c->cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(c->surface);
	if (st == CAIRO_STATUS_SUCCESS && !c->out.failed)
		return CD_OK;
	if (c->out.failed)
		return cd_error_set(err, CD_EINTERNAL, _("PDF: %s failed: the document is larger than %u MB"), doing,
				    PDF_MAX >> 20);
	return cd_error_set(err, CD_EINTERNAL, _("PDF: %s failed (%s)"), doing, cairo_status_to_string(st));
}

int canvas_finish(struct pdf_canvas *c, const unsigned char **bytes, size_t *len, struct cd_error *err)
{
	int rc;
	if (!c->finished) {
		cairo_surface_finish(c->surface);
		c->finished = 1;
	}
	if ((rc = canvas_check(c, _("writing the document"), err)) != CD_OK)
		return rc;
	*bytes = (const unsigned char *)c->out.data;
	*len = c->out.len;
	return CD_OK;
}
