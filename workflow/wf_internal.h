/*
 * wf_internal.h - what the workflow engine's files share and nobody else needs: the
 * loader (wf_load.c) and the rules (wf_rules.c) read numbers the same way.
 */
#ifndef CD_WF_INTERNAL_H
#define CD_WF_INTERNAL_H

#include <stddef.h>

#define NO_INDEX ((size_t)-1)

/* Digits with an optional sign and decimal part; no hex, exponents, inf or nan.  0 or -1. */
int wf_parse_number(const char *s, double *out);

#endif
