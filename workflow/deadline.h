/*
 * deadline.h - how a case's deadline is said: "12 days left", "3 days overdue", "clock
 * stopped, 40 days left", in one place for the command line and the screens, with the
 * plural each language needs (ngettext).  What the deadline is comes from the workflow's
 * clock (casework.h); this only words it.
 */
#ifndef CD_DEADLINE_H
#define CD_DEADLINE_H

#include <stddef.h>

enum deadline_state { DL_NONE, DL_RUNNING, DL_OVERDUE, DL_STOPPED };

/* Long for sentences and detail views; short for narrow columns ("12 d left"). */
enum deadline_width { DL_LONG, DL_SHORT };

/*
 * The state of a deadline due on day `due` (-1: none) with `frozen_left` days kept while
 * its clock is stopped (-1: running), as of day `today`; the words go into buf ("-" for
 * none).  The state lets the caller pick a colour, never its own words.
 */
enum deadline_state deadline_text(long due, long frozen_left, long today, enum deadline_width width, char *buf,
				  size_t size);

#endif
