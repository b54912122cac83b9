/*
 * case_form.h - a case's filled form as PDF: the person's and the case's data put into a
 * template of data/forms/ (print/form.h), one page per case.  Used by `casedesk form`,
 * by `casedesk case move` and the TUI when a step names a form, and by the case screen.
 * Reading the person and the case for a form is audited with the purpose "print".
 */
#ifndef CD_CASE_FORM_H
#define CD_CASE_FORM_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/base/outfile.h"
#include "model/store/store.h"
#include "workflow/casework.h"

/* CD_OK when form_id names a template in data/forms; CD_EUSAGE / CD_ENOTFOUND otherwise. */
int case_form_check_id(const char *form_id, struct cd_error *err);

/* The form language: `given`, else the language of the messages (ru_RU.UTF-8 -> ru), else en. */
void case_form_lang(const char *given, char out[8]);

/*
 * Prints form_id for each case in numbers[] into one PDF at out_path (draft: a DRAFT mark),
 * created through model/base/outfile.h with out_flags (OUTFILE_FORCE, OUTFILE_OFFICE).
 */
int case_form_print(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		    const char *form_id, const char *lang, const char *const *numbers, size_t n, int draft,
		    const char *out_path, unsigned out_flags, struct cd_error *err);
/* The same, and *pages: the pages the PDF holds (a letter may take more than one). */
int case_form_print_pages(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
			  const char *form_id, const char *lang, const char *const *numbers, size_t n, int draft,
			  const char *out_path, unsigned out_flags, int *pages, struct cd_error *err);

/*
 * Where forms printed by a step go: CASEDESK_PRINT_DIR (not when setgid), else a "forms"
 * folder beside the store (made when missing); the file is CASE-FORM.pdf, or CASE-FORM-2.pdf
 * and on when that name is taken (printed forms are never replaced).  Writes the path to out;
 * print it with OUTFILE_OFFICE.
 */
int case_form_step_path(const char *store_path, const char *number, const char *form_id, char *out,
			size_t size, struct cd_error *err);
/*
 * The same folder and the same never-replace rule for any file printed there (a report
 * exported from the TUI): STEM.EXT, or STEM-2.EXT and on.
 */
int print_folder_path(const char *store_path, const char *stem, const char *ext, char *out, size_t size,
		      struct cd_error *err);

#endif
