/*
 * wedge.h - a document reader that types the MRZ as keystrokes (a "keyboard wedge"):
 * lines of A-Z, 0-9 and < arrive fast with Enter between them, into whatever field has
 * the focus.  The registration form hands each line it receives to wedge_take; when the
 * zone is complete it is parsed and the form fills itself from it.
 */
#ifndef CD_WEDGE_H
#define CD_WEDGE_H

#include "model/base/error.h"
#include "model/identity/mrz.h"

struct wedge {
	char lines[3][48];
	int n;
	int want;     /* 3 for TD1 (30-character lines), else 2 */
};

/*
 * Offered the text of a field when Enter is pressed: 1 when it is an MRZ line (the caller
 * removes it from the field and keeps the focus), 0 when it is ordinary input.  *complete
 * is set when the last line of the zone has arrived.
 */
int wedge_take(struct wedge *w, const char *text, int *complete);

/* Parses the collected zone (then forgets it); see mrz_parse for what CD_OK means. */
int wedge_parse(struct wedge *w, struct mrz_result *out, struct cd_error *err);

#endif
