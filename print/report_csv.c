/* report_csv.c - a report's main table as CSV (RFC 4180: quoted where needed, CRLF), created
 * through model/base/outfile.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/csv.h"
#include "model/base/outfile.h"
#include "print/report.h"

int report_write_csv(const struct report *r, const char *path, unsigned flags, struct cd_error *err)
{
	const struct rtable *t = r->n_tables ? &r->tables[r->csv_table] : NULL;
	struct outfile o = OUTFILE_INIT;
	FILE *f = stdout;
	int bad = 0, rc;
	if (strcmp(path, "-") != 0) {
		if ((rc = outfile_open(&o, path, flags, err)) != CD_OK)
			return rc;
		if (!(f = outfile_stream(&o, err))) {
			outfile_abandon(&o);
			return err ? err->code : CD_EINPUT;
		}
	}
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
	if (f != stdout) {
		if (bad) {
			int e = errno;
			outfile_abandon(&o);
			return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(e));
		}
		return outfile_close(&o, err);
	}
	if (bad || fflush(f) != 0)
		return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(errno));
	return CD_OK;
}
