/*
 * csv.h - RFC 4180 fields: a field holding a comma, a double quote, CR or LF is quoted,
 * with its quotes doubled; records end in CRLF.  Pure.
 */
#ifndef CD_CSV_H
#define CD_CSV_H

#include <stdio.h>

#include "model/base/buf.h"

/* Appends one field, quoted when it must be. */
void csv_field(struct cd_buf *b, const char *text);
/* Writes one record of n fields and its CRLF to f; 0, or -1 on a write error. */
int csv_record(FILE *f, const char *const *fields, size_t n);

#endif
