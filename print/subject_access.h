/*
 * subject_access.h - a subject access export (model/store/access.h) as a readable PDF:
 * a heading per table, the person's own data as "label: value" lines, every other table
 * one paragraph a row, wrapped and paged.  The PDF is made in memory; the caller writes it
 * (a file with personal data is created by app/ with its own rules: 0600, no overwrite).
 *
 * Drawn with libharu and DejaVu Sans (Cyrillic, Greek, Georgian, Armenian print; scripts
 * that need shaping do not, which is why every name also stands in its ICAO Latin form).
 * Nothing outside this file knows the PDF library, so moving to Cairo and Pango touches
 * this file only.
 */
#ifndef CD_SUBJECT_ACCESS_H
#define CD_SUBJECT_ACCESS_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/access.h"

/* The report as PDF bytes, malloc'd into *pdf (*len bytes); the caller frees them. */
int subject_access_pdf(const struct access_report *r, unsigned char **pdf, size_t *len, struct cd_error *err);

#endif
