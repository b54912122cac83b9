/* wedge.c - collecting MRZ lines typed by a document reader; see wedge.h. */
#include "screens/wedge.h"

#include <stdio.h>
#include <string.h>

/* An MRZ line: 30, 36 or 44 characters of A-Z, 0-9 and <, with at least one filler. */
static int looks_like_mrz_line(const char *t)
{
	size_t n = strlen(t);
	int fillers = 0;
	if (n != 30 && n != 36 && n != 44)
		return 0;
	for (const char *p = t; *p; p++) {
		if (*p == '<')
			fillers++;
		else if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return 0;
	}
	return fillers > 0;
}

int wedge_take(struct wedge *w, const char *text, int *complete)
{
	*complete = 0;
	if (!looks_like_mrz_line(text)) {
		w->n = 0;   /* ordinary typing in between: start over */
		return 0;
	}
	/* A line of another length than the first starts a new zone (a second document). */
	if (w->n > 0 && strlen(text) != strlen(w->lines[0]))
		w->n = 0;
	if (w->n == 0)
		w->want = strlen(text) == 30 ? 3 : 2;
	snprintf(w->lines[w->n++], sizeof w->lines[0], "%s", text);
	if (w->n >= w->want)
		*complete = 1;
	return 1;
}

int wedge_parse(struct wedge *w, struct mrz_result *out, struct cd_error *err)
{
	char text[3 * 48 + 4];
	size_t used = 0;
	for (int i = 0; i < w->n; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", w->lines[i]);
	w->n = 0;
	return mrz_parse(text, out, err);
}
