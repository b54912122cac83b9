/*
 * prints.h - which decision letters were printed, when and by whom (issue 14): a decision
 * letter printed a second time says "copy" with the day it was printed, so the office
 * can tell the served original from a reprint.  The audit trail cannot tell it reliably:
 * it records every read with the purpose "print", previews and prints that failed after
 * the read included.  So a print that was written out is one row of print_record,
 * append-only (the schema's triggers refuse an update or a delete, from any writer).
 */
#ifndef CD_PRINTS_H
#define CD_PRINTS_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* How many times form_id was printed for the case (by number), and the first day ("" for none). */
int prints_count(struct cd_store *s, const char *case_number, const char *form_id, int *n, char first[11],
		 struct cd_error *err);

/* Records one print of form_id for each case in numbers[], in one transaction. */
int prints_record(struct cd_store *s, const struct cd_actor *actor, const char *form_id,
		  const char *const *numbers, size_t n, struct cd_error *err);

#endif
