/*
 * form_template.h - form templates read and checked (print/form_template.c): data/forms/
 * holds one INI file per form, no C per form.  The format is documented in the README
 * ("Forms and statistics").  A template is read for one language: `title[ru] = ...` wins
 * over `title = ...` when printing in Russian.  Drawing (print/form.h) takes the parsed
 * struct form_tpl and never reads the file.
 */
#ifndef CD_FORM_TEMPLATE_H
#define CD_FORM_TEMPLATE_H

#include <stdio.h>

#include "model/base/error.h"
#include "print/placeholder.h"

enum form_block_kind { FORM_TEXT, FORM_RULE, FORM_BARCODE, FORM_MRZ, FORM_QR, FORM_PHOTO, FORM_ROWS };
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
	/*
	 * TEXT: `optional = person.given, field.remarks`, placeholders that may expand to
	 * nothing (any other that does refuses the form, print/case_form.c); `when = NAME`,
	 * the block is drawn only when that placeholder has a value (a reprint's "copy").
	 */
	char *optional, *when;
	int line;            /* of the text key (or the section), for messages */
	/* ROWS ([rows.ID]): label | value pairs in the order of their numbers (row.1, row.2 ...);
	 * labels are set in bold in a column label_w mm wide, values (font) beside them; each
	 * row is as tall as the taller of the two, row_gap mm apart. */
	char **labels, **values;
	int *row_keys;       /* N of row.N, for messages */
	size_t n_rows;
	double label_w, row_gap;
};

struct form_tpl {
	char *id, *path, *lang;
	char *title;
	double page_w, page_h, margin, size;
	char *fonts[FONT_COUNT];     /* resolved paths */
	int letterhead;
	int fonts_missing;           /* a font the template draws with was not found (read_fonts said so) */
	int has_photo;               /* a [photo] block: the caller fetches the person's photo */
	char *optional;              /* [form] optional = ...: placeholders that may be empty in any block */
	int max_pages;               /* `pages = 1`: a sheet that must be one page (0: a letter, any length) */
	/* The words of page numbers and continuation headers in the template's language, from
	 * data/forms/office.ini [words] (page_number, continued), with {page}, {pages} and the form's
	 * placeholders; English when the file has none. */
	char *page_words, *continued_words;
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

/*
 * Reads the template for every language it carries, with problems ignored (they are the
 * plain read's, already reported by form_template_lint): for the overflow lint only.
 */
int form_load_lenient(const char *path, const char *lang, struct form_tpl **out);

/*
 * The template half of `form lint`: syntax, unknown sections and keys, bad values,
 * missing font files, placeholders not in `known`, text cut by a comment character.
 * Problems go to `report` as "FILE:LINE: message"; returns their number.  *out is the
 * template as read (plain keys), even with problems, or NULL when it cannot be read.
 */
int form_template_lint(const char *path, const char *const *known, size_t n_known, FILE *report,
		       struct form_tpl **out);

/* The office's letterhead values (office.name, office.address, office.phone, office.state)
 * from data/forms/office.ini, in `lang` where the file has it; a mistake names FILE:LINE. */
int form_office_vars(const char *lang, struct ph_vars *v, struct cd_error *err);

#endif
