/*
 * number.h - whole numbers read from text that came from outside (arguments, environment,
 * key names, stored dates), checked: atoi reads "12abc" as 12 and "junk" as 0 and says
 * nothing, so every such number goes through here instead.
 */
#ifndef CD_NUMBER_H
#define CD_NUMBER_H

#include <stddef.h>

#include "model/base/error.h"

/*
 * Reads `text` as a decimal number in [min, max]: ASCII digits with an optional leading
 * '-', nothing else (no spaces, no '+', no trailing bytes).  CD_EINPUT naming `field` and
 * the range when it is empty, junk or out of range; *out is untouched then.
 */
int cd_parse_long(const char *text, const char *field, long min, long max, long *out, struct cd_error *err);

/* The same for the first `len` bytes of text only (a year inside a date, F12 in a key name). */
int cd_parse_long_n(const char *text, size_t len, const char *field, long min, long max, long *out,
		    struct cd_error *err);

#endif
