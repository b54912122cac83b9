/* report_csv.c - a report's main table as CSV (RFC 4180: quoted where needed, CRLF). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/csv.h"
#include "print/report.h"

int report_write_csv(const struct report *r, const char *path, struct cd_error *err)
{
	const struct rtable *t = r->n_tables ? &r->tables[r->csv_table] : NULL;
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int bad = 0;
	if (!f)
		return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(errno));
	if (t) {
		bad |= csv_record(f, (const char *const *)t->cols, t->n_cols);
		for (size_t row = 0; row < t->n_rows && !bad; row++) {
			const char *fields[32];
			char nums[32][32];
			for (size_t c = 0; c < t->n_cols && c < 32; c++) {
				const struct rcell *cell = &t->cells[row * t->n_cols + c];
				if (cell->text)
					fields[c] = cell->text;
				else {
					snprintf(nums[c], sizeof nums[c], "%.15g", cell->num);
					fields[c] = nums[c];
				}
			}
			bad |= csv_record(f, fields, t->n_cols < 32 ? t->n_cols : 32);
		}
	}
	if (f != stdout)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	if (bad)
		return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(errno));
	return CD_OK;
}
