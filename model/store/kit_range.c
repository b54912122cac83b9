/* kit_range.c - the arithmetic of leased blocks of numbers; see kit_range.h. */
#include "model/store/kit_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"

int kit_range_overlaps(const struct kit_range *r, size_t n, int64_t first, int64_t last)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].first <= last && first <= r[i].last)
			return 1;
	return 0;
}

int64_t kit_lease_first(const struct kit_range *r, size_t n, int64_t counter)
{
	int64_t top = counter;
	for (size_t i = 0; i < n; i++)
		if (r[i].last > top)
			top = r[i].last;
	return top + 1;
}

int64_t kit_office_next(const struct kit_range *r, size_t n, int64_t counter)
{
	int64_t v = counter + 1;
	/* Blocks may come in any order: go round until no block holds v.  A returned block is
	 * skipped whole, too: its numbers may have been written on paper at the kit. */
	for (int moved = 1; moved;) {
		moved = 0;
		for (size_t i = 0; i < n; i++)
			if (v >= r[i].first && v <= r[i].last) {
				v = r[i].last + 1;
				moved = 1;
			}
	}
	return v;
}

static int64_t usable_last(const struct kit_range *r)
{
	return r->returned ? r->returned - 1 : r->last;
}

int64_t kit_kit_next(const struct kit_range *r, size_t n, int64_t counter)
{
	int64_t best = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t lo = r[i].first > counter ? r[i].first : counter + 1;
		if (lo <= usable_last(&r[i]) && (!best || lo < best))
			best = lo;
	}
	return best;
}

int kit_range_unused(const struct kit_range *r, int64_t counter, struct kit_range *out)
{
	int64_t lo = r->first > counter ? r->first : counter + 1;
	if (lo > usable_last(r))
		return 0;
	out->first = lo;
	out->last = usable_last(r);
	out->returned = 0;
	return 1;
}

void kit_range_left(const struct kit_range *r, size_t n, int64_t counter, int64_t *left, int64_t *total)
{
	int64_t last_size = 0, last_first = 0;
	*left = *total = 0;
	for (size_t i = 0; i < n; i++) {
		struct kit_range u;
		if (kit_range_unused(&r[i], counter, &u)) {
			*left += u.last - u.first + 1;
			*total += r[i].last - r[i].first + 1;
		}
		if (!last_size || r[i].first > last_first) {
			last_first = r[i].first;
			last_size = r[i].last - r[i].first + 1;
		}
	}
	if (!*total)
		*total = last_size;
}

int kit_range_low(int64_t left, int64_t total)
{
	return total > 0 && left * 5 <= total;
}

int kit_series_split(const char *counter, char *series, size_t size, int *year, struct cd_error *err)
{
	const char *colon = strrchr(counter, ':');
	size_t len = strlen(counter);
	*year = 0;
	/* "case:RP:2026": the year is the last part when it is four digits. */
	if (colon && strlen(colon + 1) == 4 && strspn(colon + 1, "0123456789") == 4) {
		*year = (int)strtol(colon + 1, NULL, 10);
		len = (size_t)(colon - counter);
	}
	if (len + 1 > size)
		return cd_error_set(err, CD_EINTERNAL, _("internal error: number series name too long; please report it"));
	memcpy(series, counter, len);
	series[len] = '\0';
	return CD_OK;
}

void kit_number_text(const char *office, const char *series, int year, int64_t n, char *buf, size_t size)
{
	char digits[24];
	if (n < 0)
		snprintf(digits, sizeof digits, "NNNNNN");
	else
		snprintf(digits, sizeof digits, "%06lld", (long long)n);
	if (strncmp(series, "case:", 5) == 0)
		snprintf(buf, size, "%s-%s-%04d-%s", series + 5, office, year, digits);
	else
		snprintf(buf, size, "P-%s-%s", office, digits);
}
