/*
 * caldate.c - calendar dates for casedesk: parsing possibly partial dates, and the day
 * arithmetic statutory deadlines need (calendar days, working days, months).
 *
 * Day numbers count from 1970-01-01 in the proleptic Gregorian calendar; the
 * conversions are Howard Hinnant's days_from_civil / civil_from_days, which are exact
 * for every year casedesk accepts and need no time zone.  Working days are Monday to
 * Friday: public holidays differ by country and region and are not known here.
 */
#include "model/base/caldate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/base/i18n.h"

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int cd_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

long cd_date_to_days(int year, int month, int day)
{
	/* Shift the year to start in March so that the leap day is the year's last. */
	long y = (long)year - (month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;                                   /* [0, 399] */
	long mp = (month + 9) % 12;                                 /* March = 0 */
	long doy = (153 * mp + 2) / 5 + day - 1;                    /* [0, 365] */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void cd_days_to_date(long days, int *year, int *month, int *day)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);

	*year = (int)y;
	*month = (int)m;
	*day = (int)d;
}

void cd_days_format(long days, char *buf, unsigned size)
{
	int y, m, d;

	cd_days_to_date(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

/* Reads exactly `n` ASCII digits; strtol would accept signs and spaces. */
static int read_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int cd_date_parse(const char *text, const char *field, int allow_partial,
		  struct cd_date *out, struct cd_error *err)
{
	struct cd_date d = { 0, 0, 0, CD_DATE_YEAR };
	size_t len = text ? strlen(text) : 0;
	const char *expected = allow_partial ? _("YYYY, YYYY-MM or YYYY-MM-DD") : _("YYYY-MM-DD");

	if (!field)
		field = "date";
	/* The value itself stays out of the message: a date of birth is personal data. */
	if (len != 4 && len != 7 && len != 10)
		goto malformed;
	if (read_digits(text, 4, &d.year) < 0)
		goto malformed;
	if (len >= 7) {
		if (text[4] != '-' || read_digits(text + 5, 2, &d.month) < 0)
			goto malformed;
		d.precision = CD_DATE_MONTH;
	}
	if (len == 10) {
		if (text[7] != '-' || read_digits(text + 8, 2, &d.day) < 0)
			goto malformed;
		d.precision = CD_DATE_DAY;
	}
	if (!allow_partial && d.precision != CD_DATE_DAY)
		goto malformed;
	if (d.year < 1000 || d.year > 9999)
		return cd_error_set(err, CD_EINPUT, _("field %s: the year must be between 1000 and 9999"),
				    field);
	if (d.precision >= CD_DATE_MONTH && (d.month < 1 || d.month > 12))
		return cd_error_set(err, CD_EINPUT, _("field %s: the month must be between 01 and 12"),
				    field);
	if (d.precision == CD_DATE_DAY && (d.day < 1 || d.day > cd_days_in_month(d.year, d.month)))
		return cd_error_set(err, CD_EINPUT, _("field %s: that day does not exist in that month"),
				    field);
	if (out)
		*out = d;
	return CD_OK;

malformed:
	return cd_error_set(err, CD_EINPUT, _("field %s: not a date (%s)"), field, expected);
}

void cd_date_format(const struct cd_date *d, char *buf, unsigned size)
{
	switch (d->precision) {
	case CD_DATE_YEAR:
		snprintf(buf, size, "%04d", d->year);
		break;
	case CD_DATE_MONTH:
		snprintf(buf, size, "%04d-%02d", d->year, d->month);
		break;
	case CD_DATE_DAY:
	default:
		snprintf(buf, size, "%04d-%02d-%02d", d->year, d->month, d->day);
		break;
	}
}

int cd_days_parse(const char *text, const char *field, long *out, struct cd_error *err)
{
	struct cd_date d;
	int rc = cd_date_parse(text, field, 0, &d, err);

	if (rc != CD_OK)
		return rc;
	if (out)
		*out = cd_date_to_days(d.year, d.month, d.day);
	return CD_OK;
}

int cd_days_weekday(long days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	long w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/*
 * Each working day counted is the next Monday-to-Friday day after the one before, so
 * the starting day itself never counts (as in Regulation 1182/71, art. 3(1)): Friday +
 * 1 is Monday, Saturday + 1 is Monday, Saturday + 3 is Wednesday.  Negative n counts
 * backwards the same way.
 */
long cd_days_add_working(long days, int n)
{
	int step = n < 0 ? -1 : 1;
	int left = n < 0 ? -n : n;

	/* Whole weeks first, so that a long period does not loop day by day. */
	if (left > 5) {
		/* Move to a weekday first so that "5 working days = 7 days" holds. */
		while (left > 0 && cd_days_weekday(days) >= 5) {
			days += step;
			if (cd_days_weekday(days) < 5)
				left--;
		}
		days += (long)step * 7 * (left / 5);
		left %= 5;
	}
	while (left > 0) {
		days += step;
		if (cd_days_weekday(days) < 5)
			left--;
	}
	return days;
}

long cd_days_add_months(long days, int n)
{
	int y, m, d;
	long months;

	cd_days_to_date(days, &y, &m, &d);
	months = (long)y * 12 + (m - 1) + n;
	y = (int)(months >= 0 ? months / 12 : (months - 11) / 12);
	m = (int)(months - (long)y * 12) + 1;
	if (d > cd_days_in_month(y, m))
		d = cd_days_in_month(y, m);
	return cd_date_to_days(y, m, d);
}

/*
 * The clock's day in UTC.  Pinning "today" for tests and training is the store's business
 * (store_today honours CASEDESK_TODAY on training stores only), so a real store can never
 * be made to backdate its history through the environment.
 */
long cd_days_today(void)
{
	time_t now = time(NULL);
	return (long)(now / 86400 - (now % 86400 < 0));
}
