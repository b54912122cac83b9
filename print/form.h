/*
 * form.h - filled forms as PDF (libharu) from templates in data/forms/ - one INI file per
 * form, no C per form.  The template format is documented in the README ("Forms and
 * statistics").  A template is read for one language: `title[ru] = ...` wins over
 * `title = ...` when printing in Russian.
 *
 * The caller (app/cmd_form.c) gathers the values - person, case, office, today - into a
 * struct ph_vars; this file knows nothing of the store.
 */
#ifndef CD_FORM_H
#define CD_FORM_H

#include <stdio.h>

#include "model/base/error.h"
#include "model/base/pnm.h"
#include "print/placeholder.h"

enum form_block_kind { FORM_TEXT, FORM_RULE, FORM_BARCODE, FORM_MRZ, FORM_QR, FORM_PHOTO };
/* FONT_MRZ (OCR-B) is only resolved for a template with an [mrz] block: NULL otherwise. */
enum form_font { FONT_REGULAR, FONT_BOLD, FONT_MONO, FONT_MRZ, FONT_COUNT };
enum form_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* Lengths are millimetres from the page's top-left corner; sizes are points. */
struct form_block {
	char *id;
	enum form_block_kind kind;
	double x, y, w, h;
	int has_x, has_y, has_h;
	double size, gap;
	enum form_font font;
	enum form_align align;
	char *text;          /* TEXT: with placeholders; BARCODE, QR: the value; MRZ: the type (td1, mrva) */
	int qr_level;        /* QR: error correction, 0-3 for L, M, Q, H */
	int line;            /* of the text key (or the section), for messages */
};

struct form_tpl {
	char *id, *path, *lang;
	char *title;
	double page_w, page_h, margin, size;
	char *fonts[FONT_COUNT];     /* resolved paths */
	int letterhead;
	int fonts_missing;           /* a font the template draws with was not found (read_fonts said so) */
	int has_photo;               /* a [photo] block: the caller fetches the person's photo */
	struct form_block *blocks;
	size_t n_blocks;
};

/*
 * Reads a template for language `lang` ("en", "ru" ...; NULL for the plain keys).  The
 * first problem fails the load as CD_EINPUT naming FILE:LINE; `form lint` lists them all.
 */
int form_load(const char *path, const char *lang, struct form_tpl **out, struct cd_error *err);
void form_free(struct form_tpl *t);

/*
 * Where font files are looked for: CASEDESK_FONTS, data/forms/fonts, the fonts `make`
 * converts (build/fonts: OCR-B as TrueType), then Debian's DejaVu and Noto dirs.
 */
int form_font_path(const char *name, char *out, size_t size);

/* The languages a template carries besides its plain keys (English): "ru" from "title[ru]". */
size_t form_langs(const char *path, char langs[16][4]);

/* One PDF being built: pages of one or more forms, fonts loaded once. */
struct form_doc;
int form_doc_new(struct form_doc **out, struct cd_error *err);
/* The person's photo for a [photo] block: 8-bit pixels, or why there is none. */
struct form_photo {
	struct pnm_image img;        /* img.px NULL: none */
	const char *missing;         /* shown in the empty frame when there is none (translated) */
};

/*
 * Adds one page of `t` filled with `vars` (and `photo` for a [photo] block; NULL prints
 * an empty frame); `draft` prints a DRAFT watermark.  Text that does not fit its box is
 * set smaller, down to 6 pt, then cut with a warning on stderr naming the block.
 */
int form_render(struct form_doc *d, const struct form_tpl *t, const struct ph_vars *vars,
		const struct form_photo *photo, int draft, struct cd_error *err);
/* Writes the document to path through model/base/outfile.h (flags: OUTFILE_FORCE, OUTFILE_OFFICE). */
int form_doc_save(struct form_doc *d, const char *path, unsigned flags, struct cd_error *err);
void form_doc_free(struct form_doc *d);

/* Builds an MRZ block's lines from the values; CD_EINPUT naming the missing field otherwise. */
int form_mrz_lines(const char *type, const struct ph_vars *vars, char lines[3][45], int *n_lines,
		   struct cd_error *err);

/*
 * Lints one template: syntax, unknown sections and keys, bad values, missing font files,
 * placeholders that are not in `known` (names; a name ending in '.' admits any suffix is
 * NOT supported - list them all), text that overflows its box.  Every problem goes to
 * `report` as "FILE:LINE: message".  Returns the number of problems.
 */
int form_lint_file(const char *path, const char *const *known, size_t n_known, FILE *report);



/* The office's letterhead values (office.name, office.address, office.phone, office.state)
 * from data/forms/office.ini, in `lang` where the file has it. */
int form_office_vars(const char *lang, struct ph_vars *v, struct cd_error *err);
#endif
