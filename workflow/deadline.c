/* deadline.c - the wording of deadlines (see deadline.h). */
#include "workflow/deadline.h"

#include <stdio.h>

#include "model/base/i18n.h"

enum deadline_state deadline_text(long due, long frozen_left, long today, enum deadline_width width, char *buf,
				  size_t size)
{
	int s = width == DL_SHORT;

	if (frozen_left >= 0) {
		snprintf(buf, size,
			 s ? ngettext("stopped, %ld d", "stopped, %ld d", (unsigned long)frozen_left)
			   : ngettext("clock stopped, %ld day left", "clock stopped, %ld days left", (unsigned long)frozen_left),
			 frozen_left);
		return DL_STOPPED;
	}
	if (due < 0) {
		snprintf(buf, size, "-");
		return DL_NONE;
	}
	if (due >= today) {
		long n = due - today;
		snprintf(buf, size,
			 s ? ngettext("%ld d left", "%ld d left", (unsigned long)n)
			   : ngettext("%ld day left", "%ld days left", (unsigned long)n),
			 n);
		return DL_RUNNING;
	}
	long n = today - due;
	snprintf(buf, size,
		 s ? ngettext("%ld d overdue", "%ld d overdue", (unsigned long)n)
		   : ngettext("%ld day overdue", "%ld days overdue", (unsigned long)n),
		 n);
	return DL_OVERDUE;
}
