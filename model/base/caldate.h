/*
 * caldate.h - calendar dates as casedesk needs them: possibly partial dates of birth
 * (year only, year-month), day arithmetic for statutory deadlines (calendar days, weeks,
 * months, working days Monday to Friday), all in the proleptic Gregorian calendar and
 * without time zones: a deadline is a date, not an instant.
 *
 * A day number is the count of days since 1970-01-01 (negative before it).
 */
#ifndef CD_CALDATE_H
#define CD_CALDATE_H

#include "model/base/error.h"

enum cd_date_precision {
	CD_DATE_YEAR = 1,   /* "1984" */
	CD_DATE_MONTH = 2,  /* "1984-07" */
	CD_DATE_DAY = 3,    /* "1984-07-15" */
};

struct cd_date {
	int year, month, day;   /* month/day are 0 when not known */
	enum cd_date_precision precision;
};

/*
 * Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (years 1000..9999); an impossible date
 * (2026-02-30, month 13) is CD_EINPUT with a message naming `field`.
 * `allow_partial` = 0 demands a full date.
 */
int cd_date_parse(const char *text, const char *field, int allow_partial,
		  struct cd_date *out, struct cd_error *err);

/* Writes the date in the form it was given ("1984", "1984-07", "1984-07-15"); buf >= 11. */
void cd_date_format(const struct cd_date *d, char *buf, unsigned size);

int cd_days_in_month(int year, int month);

/* Full dates only. */
long cd_date_to_days(int year, int month, int day);
void cd_days_to_date(long days, int *year, int *month, int *day);
/* "YYYY-MM-DD" of a day number; buf >= 11. */
void cd_days_format(long days, char *buf, unsigned size);
/* Parses a full "YYYY-MM-DD" into a day number; CD_EINPUT naming `field` otherwise. */
int cd_days_parse(const char *text, const char *field, long *out, struct cd_error *err);

/* 0 = Monday .. 6 = Sunday */
int cd_days_weekday(long days);
/* Adds n working days (Mon-Fri), skipping weekends; starting on a weekend counts from the next Monday. */
long cd_days_add_working(long days, int n);
/* Adds n months, clamping the day to the last of the target month (31 Jan + 1 month = 28/29 Feb). */
long cd_days_add_months(long days, int n);

/* Today's day number in UTC.  Tests and training stores may pin it (see store.h). */
long cd_days_today(void);

#endif
