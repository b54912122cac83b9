/*
 * test_namescore.c - name scoring with no store behind it (model/identity/namescore.h):
 * the level of each kind of match, the why-text of each level, and the key edits that
 * search and the duplicate check look the likely originals of a mistyped word up by.
 * search.c's SQL passes and their ranking are test_search.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/identity/namescore.h"
#include "model/identity/translit.h"

static int setup(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	setenv("CASEDESK_DATA", "data", 0);
	return translit_load(&err) == CD_OK ? 0 : -1;
}

/* The level at which typed `q` (no Latin form given) matches stored `w` (Latin form `wl`). */
static enum cd_name_level level(const char *q, const char *w, const char *wl, const char *hint)
{
	struct cd_name_word a[4], b[4];
	assert_int_equal(name_words(q, NULL, NULL, 0, a, 4), 1);
	assert_int_equal(name_words(w, wl, hint, 0, b, 4), 1);
	return name_level(&a[0], &b[0]);
}

static void levels(void **state)
{
	(void)state;
	assert_int_equal(level("Shevchenko", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_EXACT);
	/* Written alike, stored with another Latin form than the typed script gives. */
	assert_int_equal(level("Шевченко", "Шевченко", "SCHEWTSCHENKO", "UKR"), CD_NAME_WRITTEN);
	assert_int_equal(level("Schewtschenko", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_VARIANT);
	assert_int_equal(level("Shev", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_PREFIX);
	assert_int_equal(level("Shevhcenko", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_TYPO1);
	/* Two letters wrong whose keys differ in more than one letter too. */
	assert_int_equal(level("Moxammet", "Mohammed", NULL, NULL), CD_NAME_TYPO2);
	assert_int_equal(level("chenko", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_PART);
	assert_int_equal(level("Petrenko", "Шевченко", "SHEVCHENKO", "UKR"), CD_NAME_NONE);
}

static void words(void **state)
{
	struct cd_name_word w[8];
	(void)state;
	/* Split at spaces and hyphens, each word in its three forms, with its role. */
	assert_int_equal(name_words("Олена-Марія", NULL, "UKR", 1, w, 8), 2);
	assert_string_equal(w[0].icao, "OLENA");
	assert_string_equal(w[1].icao, "MARIIA");
	assert_int_equal(w[1].role, 1);
	assert_true(w[0].key[0] != '\0');
	assert_true(w[0].orig[0] != '\0');
	/* At most `max`. */
	assert_int_equal(name_words("A B C D", NULL, NULL, 0, w, 2), 2);
}

static void why_texts(void **state)
{
	(void)state;
	assert_string_equal(name_level_text(CD_NAME_EXACT), "exact ICAO");
	assert_string_equal(name_level_text(CD_NAME_VARIANT_TYPING), "variant");
	assert_string_equal(name_level_text(CD_NAME_TYPO1), "1 typo");
	assert_string_equal(name_level_text(CD_NAME_NONE), "none");
}

static void key_edits(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	int terms = 0;
	(void)state;
	name_key_edits(&b, "SDT", KEY_DROP | KEY_SWAP, 2, &terms);
	/* The key itself, a letter dropped (DT, ST, SD), two neighbours swapped (DST, STD): each once. */
	assert_int_equal(terms, 6);
	assert_non_null(strstr(buf_str(&b), "\"SDT\""));
	assert_non_null(strstr(buf_str(&b), "\"ST\""));
	assert_non_null(strstr(buf_str(&b), "\"STD\""));
	/* Below min_len nothing is added; a term already there is not added twice. */
	name_key_or(&b, "S", 2, &terms);
	name_key_or(&b, "SDT", 2, &terms);
	assert_int_equal(terms, 6);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels),
		cmocka_unit_test(words),
		cmocka_unit_test(why_texts),
		cmocka_unit_test(key_edits),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
