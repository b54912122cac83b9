/*
 * test_ini.c - the one INI reader (model/base/ini): values as iniparser 4.1 reads the same
 * text (the design card's library is the reference for the grammar), FILE:LINE kept for
 * every section and key, problems reported at their lines, key[lang] with its fallback,
 * and lookups in a file of many sections.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <iniparser/iniparser.h>

#include "model/base/buf.h"
#include "model/base/ini.h"

struct seen {
	int n;
	int lines[16];
	char msgs[16][256];
};

static void collect(void *ctx, int line, const char *msg)
{
	struct seen *s = ctx;
	if (s->n < 16) {
		s->lines[s->n] = line;
		snprintf(s->msgs[s->n], sizeof s->msgs[s->n], "%s", msg);
	}
	s->n++;
}

static int quiet(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* Every value the reader gives equals iniparser's for the same text. */
static void test_values_as_iniparser_reads_them(void **state)
{
	static const char text[] =
		"; a comment\n"
		"# another\n"
		"[Plain]\n"
		"Key = value\n"
		"spaced   =    lots of   space   \n"
		"cut = before ; a comment\n"
		"hash = before # a comment\n"
		"empty =\n"
		"empty2 = ;only a comment\n"
		"dq = \"quoted ; kept # too\"\n"
		"sq = 'single ; kept'\n"
		"dq_empty = \"\"\n"
		"sq_empty = ''\n"
		"dq_after = \"inside\" outside\n"
		"unclosed = \"open\n"
		"lone_quote = \"\n"
		"eq = a = b\n"
		"utf8 = Київ, Tbilisi თბილისი\n"
		"title[ru] = Заголовок\n"
		"[ Section.Two ]\n"
		"x=1\n"
		"tab\t=\tvalue with tab\n";
	char path[] = "/tmp/casedesk-test-ini-XXXXXX";
	struct ini ini = INI_INIT;
	struct seen seen = { 0 };
	(void)state;

	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	iniparser_set_error_callback(quiet);
	dictionary *d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	unlink(path);
	assert_non_null(d);

	assert_int_equal(ini_parse(&ini, text, "t.ini", collect, &seen), CD_OK);
	assert_int_equal(seen.n, 0);
	size_t keys = 0;
	for (size_t i = 0; i < ini.n_sections; i++)
		for (size_t k = 0; k < ini.sections[i].n_keys; k++) {
			char full[512];
			const struct ini_key *key = &ini.sections[i].keys[k];
			snprintf(full, sizeof full, "%s:%s", ini.sections[i].name, key->name);
			const char *theirs = iniparser_getstring(d, full, NULL);
			assert_non_null(theirs);
			assert_string_equal(key->value, theirs);
			keys++;
		}
	/* and nothing iniparser read is missing */
	assert_int_equal((int)ini.n_sections, iniparser_getnsec(d));
	for (int s = 0; s < iniparser_getnsec(d); s++)
		assert_non_null(ini_section(&ini, iniparser_getsecname(d, s)));
	assert_int_equal((int)keys, 18);
	assert_string_equal(ini_get(&ini, "plain", "cut"), "before");
	assert_int_equal(ini_key(&ini, "plain", "cut")->cut, ';');
	assert_int_equal(ini_key(&ini, "plain", "dq")->cut, 0);
	assert_string_equal(ini_get(&ini, "plain", "dq"), "quoted ; kept # too");
	assert_string_equal(ini_get(&ini, "section.two", "x"), "1");
	iniparser_freedict(d);
	ini_release(&ini);
}

static void test_lines_and_names(void **state)
{
	static const char text[] = "\xEF\xBB\xBF[Form]\n\ntitle = T\n; c\n[text.One]\ntext = a\ntext[uk] = б\n";
	struct ini ini = INI_INIT;
	(void)state;

	assert_int_equal(ini_parse(&ini, text, "f.ini", NULL, NULL), CD_OK);
	assert_int_equal(ini.n_problems, 0);
	assert_int_equal(ini_line(&ini, "form", NULL), 1);
	assert_int_equal(ini_line(&ini, "form", "title"), 3);
	assert_int_equal(ini_line(&ini, "text.one", "text[uk]"), 7);
	/* a missing key: the section's line; a missing section: line 1 */
	assert_int_equal(ini_line(&ini, "text.one", "size"), 5);
	assert_int_equal(ini_line(&ini, "nowhere", "x"), 1);
	assert_string_equal(ini_section(&ini, "text.one")->raw, "text.One");
	assert_string_equal(ini.path, "f.ini");
	ini_release(&ini);
}

static void test_problems_at_their_lines(void **state)
{
	static const char text[] =
		"x = before any section\n"      /* 1 */
		"[a]\n"                          /* 2 */
		"k = 1\n"                        /* 3 */
		"k = 2\n"                        /* 4: duplicate key */
		"no equals sign\n"               /* 5 */
		"[a]\n"                          /* 6: duplicate section */
		"k = 3\n"                        /* 7: duplicate again (merged) */
		"[]\n"                           /* 8 */
		"[b] trailing\n"                 /* 9 */
		"v = continued \\\n"             /* 10 */
		"[c]\n"                          /* 11 */
		"ok = yes\n";                    /* 12 */
	struct ini ini = INI_INIT;
	struct seen seen = { 0 };
	static const int want[] = { 1, 4, 5, 6, 7, 8, 9, 10 };
	(void)state;

	assert_int_equal(ini_parse(&ini, text, "p.ini", collect, &seen), CD_OK);
	assert_int_equal(seen.n, (int)(sizeof want / sizeof want[0]));
	assert_int_equal(ini.n_problems, seen.n);
	for (int i = 0; i < seen.n; i++)
		assert_int_equal(seen.lines[i], want[i]);
	assert_non_null(strstr(seen.msgs[1], "first at line 3"));
	assert_non_null(strstr(seen.msgs[3], "first at line 2"));
	/* the first value stays; what follows the broken lines is still read */
	assert_string_equal(ini_get(&ini, "a", "k"), "1");
	assert_string_equal(ini_get(&ini, "c", "ok"), "yes");
	ini_release(&ini);
}

/* ini_load without a reporter: the first problem is the error, with FILE:LINE. */
static void test_load_names_file_and_line(void **state)
{
	char path[] = "/tmp/casedesk-test-ini-XXXXXX";
	struct ini ini = INI_INIT;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[a]\nb = 1\nnonsense\n", 18), 18);
	close(fd);
	assert_int_equal(ini_load(&ini, path, NULL, NULL, &err), CD_EINPUT);
	char want[128];
	snprintf(want, sizeof want, "%s:3: ", path);
	assert_non_null(strstr(err.msg, want));
	unlink(path);
	assert_int_equal(ini_load(&ini, path, NULL, NULL, &err), CD_ENOTFOUND);
}

static void test_key_lang(void **state)
{
	static const char text[] = "[office]\nname = Office\nname[ru] = Офис\naddress = Street 1\n";
	struct ini ini = INI_INIT;
	char lang[4];
	(void)state;

	assert_int_equal(ini_key_lang("title[ru]", lang), 5);
	assert_string_equal(lang, "ru");
	assert_int_equal(ini_key_lang("label[kat]", lang), 5);
	assert_int_equal(ini_key_lang("title", lang), 0);
	assert_int_equal(ini_key_lang("title[r]", lang), 0);
	assert_int_equal(ini_key_lang("title[RU]", lang), 0);
	assert_int_equal(ini_key_lang("title[ru]x", lang), 0);
	assert_int_equal(ini_key_lang("[ru]", lang), 0);

	assert_int_equal(ini_parse(&ini, text, "office.ini", NULL, NULL), CD_OK);
	assert_string_equal(ini_get_lang(&ini, "office", "name", "ru")->value, "Офис");
	assert_int_equal(ini_get_lang(&ini, "office", "name", "ru")->line, 3);
	/* no translation: the plain key */
	assert_string_equal(ini_get_lang(&ini, "office", "name", "uk")->value, "Office");
	assert_string_equal(ini_get_lang(&ini, "office", "address", "ru")->value, "Street 1");
	assert_string_equal(ini_get_lang(&ini, "office", "name", NULL)->value, "Office");
	assert_string_equal(ini_get_lang(&ini, "office", "name", "")->value, "Office");
	assert_null(ini_get_lang(&ini, "office", "phone", "ru"));
	ini_release(&ini);
}

/* Many sections with the same key names: each found in its own section. */
static void test_many_sections(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct ini ini = INI_INIT;
	(void)state;

	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "[state.s%d]\ntitle = Step %d\n\n", i, i);
	assert_false(b.failed);
	assert_int_equal(ini_parse(&ini, buf_str(&b), "many.ini", NULL, NULL), CD_OK);
	assert_int_equal((int)ini.n_sections, 20000);
	assert_int_equal(ini.n_problems, 0);
	for (int i = 0; i < 20000; i += 997) {
		char sec[32], want[32];
		snprintf(sec, sizeof sec, "state.s%d", i);
		snprintf(want, sizeof want, "Step %d", i);
		assert_string_equal(ini_get(&ini, sec, "title"), want);
		assert_int_equal(ini_line(&ini, sec, "title"), 3 * i + 2);
	}
	assert_null(ini_get(&ini, "state.s20000", "title"));
	ini_release(&ini);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_as_iniparser_reads_them),
		cmocka_unit_test(test_lines_and_names),
		cmocka_unit_test(test_problems_at_their_lines),
		cmocka_unit_test(test_load_names_file_and_line),
		cmocka_unit_test(test_key_lang),
		cmocka_unit_test(test_many_sections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
