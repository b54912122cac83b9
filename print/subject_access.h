/*
 * subject_access.h - a subject access export (model/store/access.h) as a readable PDF:
 * a heading per table, the person's own data as "label: value" lines, every other table
 * one paragraph a row, wrapped and paged.  The PDF is made in memory; the caller writes it
 * (a file with personal data is created by app/ with its own rules: 0600, no overwrite).
 *
 * Drawn with Cairo and Pango (print/pdf_canvas.h) in DejaVu Sans, with fontconfig's
 * fallback for the scripts it lacks: every name prints shaped, in its own script.
 */
#ifndef CD_SUBJECT_ACCESS_H
#define CD_SUBJECT_ACCESS_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/access.h"

/* The report as PDF bytes, malloc'd into *pdf (*len bytes); the caller frees them. */
int subject_access_pdf(const struct access_report *r, unsigned char **pdf, size_t *len, struct cd_error *err);

#endif
