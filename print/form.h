/*
 * form.h - filled forms as PDF (Cairo and Pango) from parsed templates (print/form_template.h,
 * which this header brings along: the callers use both).
 *
 * The caller (app/cmd_form.c) gathers the values - person, case, office, today - into a
 * struct ph_vars; this file knows nothing of the store.
 */
#ifndef CD_FORM_H
#define CD_FORM_H

#include <stdio.h>

#include "model/base/error.h"
#include "model/base/pnm.h"
#include "print/form_template.h"
#include "print/placeholder.h"

/* One PDF being built: pages of one or more forms, fonts loaded once. */
struct form_doc;
int form_doc_new(struct form_doc **out, struct cd_error *err);
/* The pages drawn into it so far. */
int form_doc_pages(const struct form_doc *d);
/* The person's photo for a [photo] block: 8-bit pixels, or why there is none. */
struct form_photo {
	struct pnm_image img;        /* img.px NULL: none */
	const char *missing;         /* shown in the empty frame when there is none (translated) */
};

/*
 * Adds `t` filled with `vars` (and `photo` for a [photo] block; NULL prints an empty
 * frame); `draft` prints a DRAFT watermark.  A letter takes as many pages as its text
 * needs, each numbered "Page 1 of 2" (the words of office.ini [words], in the template's
 * language): a box of text that does not fit is set smaller down to 9 pt, then goes on
 * below the box and over the next page, and a block at a fixed place that the text
 * overruns moves below it.  A sheet with `pages = 1` that does not fit is refused
 * (CD_EINPUT naming FILE:LINE, the block and the row); the pages drawn so far are then not
 * to be saved.
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

#endif
