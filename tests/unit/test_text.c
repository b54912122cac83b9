/*
 * test_text.c - the one decoder (model/base/utf8.c) refuses every malformed sequence RFC
 * 3629 forbids, each by itself; the text policy (model/base/text.c) refuses bad UTF-8 and
 * control characters naming the field, allows new lines only where a text may span lines,
 * composes to NFC; widths come from libunistring whatever the locale; transliteration
 * gives one ICAO form to a name typed composed or decomposed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/text.h"
#include "model/base/utf8.h"
#include "model/identity/translit.h"
#include "model/store/namekeys.h"
#include "model/store/schema.h"
#include "model/store/store_internal.h"

static void expect_bad(const char *bytes, const char *why)
{
	wchar_t wc = 0;
	size_t n = utf8_decode((const unsigned char *)bytes, &wc);
	if (n != 0)
		fail_msg("%s: decoded as U+%04lX (%zu bytes), wanted a refusal", why, (unsigned long)wc, n);
	if (text_valid(bytes, strlen(bytes)))
		fail_msg("%s: text_valid took it", why);
}

static void expect_good(const char *bytes, unsigned long want, size_t len)
{
	wchar_t wc = 0;
	size_t n = utf8_decode((const unsigned char *)bytes, &wc);
	assert_int_equal(n, len);
	assert_int_equal((unsigned long)wc, want);
}

static void decoder_refuses_each_bad_sequence(void **state)
{
	(void)state;
	expect_bad("\xed\xa0\x80", "surrogate U+D800 (ED A0 80)");
	expect_bad("\xed\xbf\xbf", "surrogate U+DFFF (ED BF BF)");
	expect_bad("\xe0\x80\xaf", "overlong 3-byte '/' (E0 80 AF)");
	expect_bad("\xe0\x9f\xbf", "overlong 3-byte U+07FF (E0 9F BF)");
	expect_bad("\xf0\x80\x80\xaf", "overlong 4-byte '/' (F0 80 80 AF)");
	expect_bad("\xf0\x8f\xbf\xbf", "overlong 4-byte U+FFFF (F0 8F BF BF)");
	expect_bad("\xf4\x90\x80\x80", "past U+10FFFF (F4 90 80 80)");
	expect_bad("\xf5\x80\x80\x80", "lead byte F5");
	expect_bad("\xc0\xaf", "overlong 2-byte '/' (C0 AF)");
	expect_bad("\xc1\xbf", "overlong 2-byte (C1 BF)");
	expect_bad("\x80", "stray continuation byte");
	expect_bad("\xe2\x82", "a 3-byte sequence cut short by the NUL");
	expect_bad("\xf0\x9f\x98", "a 4-byte sequence cut short by the NUL");
	expect_bad("\xff", "byte FF");
	/* The edges that are well-formed still decode. */
	expect_good("\xed\x9f\xbf", 0xd7ff, 3);
	expect_good("\xee\x80\x80", 0xe000, 3);
	expect_good("\xe0\xa0\x80", 0x800, 3);
	expect_good("\xf0\x90\x80\x80", 0x10000, 4);
	expect_good("\xf4\x8f\xbf\xbf", 0x10ffff, 4);
	expect_good("\xc3\xbc", 0xfc, 2);
	expect_good("A", 'A', 1);
}

static void expect_refused(const char *text, enum text_lines lines, const char *want)
{
	struct cd_error err = CD_ERROR_INIT;
	int rc = text_check(text, "surname", lines, &err);
	if (rc != CD_EINPUT)
		fail_msg("took text it should refuse (wanted '%s')", want);
	if (!strstr(err.msg, "surname") || !strstr(err.msg, want))
		fail_msg("message '%s' should name the field and say '%s'", err.msg, want);
}

static void policy_refuses_controls_and_bad_bytes(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	expect_refused("Ab\xed\xa0\x80", TEXT_LINE, "not valid UTF-8 at character 3");
	expect_refused("Evil\x1b[2J", TEXT_LINE, "control character at character 5");
	expect_refused("ring\a", TEXT_LINE, "control character");
	expect_refused("del\x7f", TEXT_LINE, "control character");
	expect_refused("c1 \xc2\x9b", TEXT_LINE, "control character at character 4");
	expect_refused("two\nlines", TEXT_LINE, "control character");
	expect_refused("tab\there", TEXT_LINE, "control character");
	/* A multi-line text takes new lines and tabs, and nothing else of C0/C1. */
	assert_int_equal(text_check("two\nlines\tand a tab", "note", TEXT_MULTILINE, &err), CD_OK);
	expect_refused("a\x1b" "b", TEXT_MULTILINE, "control character");
	expect_refused("a\rb", TEXT_MULTILINE, "control character");
	assert_int_equal(text_check("Шевченко Ǆ 𝔘 عبد", "surname", TEXT_LINE, &err), CD_OK);
	assert_int_equal(text_check(NULL, "surname", TEXT_LINE, &err), CD_OK);
}

static void nfc_composes(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char *out = NULL;
	(void)state;
	assert_int_equal(text_nfc("Mu\xcc\x88ller", "surname", TEXT_LINE, &out, &err), CD_OK);
	assert_string_equal(out, "M\xc3\xbcller");
	free(out);
	/* Hangul jamo compose into one syllable; an already composed text is unchanged. */
	assert_int_equal(text_nfc("\xe1\x84\x80\xe1\x85\xa1", "given", TEXT_LINE, &out, &err), CD_OK);
	assert_string_equal(out, "\xea\xb0\x80");
	free(out);
	assert_int_equal(text_nfc("Ševčenko", "surname", TEXT_LINE, &out, &err), CD_OK);
	assert_string_equal(out, "Ševčenko");
	free(out);
	assert_int_equal(text_nfc("a\x1b", "note", TEXT_MULTILINE, &out, &err), CD_EINPUT);
	assert_null(out);
	assert_int_equal(text_nfc(NULL, "note", TEXT_MULTILINE, &out, &err), CD_OK);
	assert_null(out);
	assert_null(text_nfc_dup("\xed\xa0\x80"));
}

static void widths_from_the_library(void **state)
{
	(void)state;
	/* No setlocale() in this test: the C locale's wcwidth would call these -1. */
	assert_int_equal(text_width("Müller"), 6);
	assert_int_equal(text_width("Mu\xcc\x88ller"), 6);          /* a combining mark takes no column */
	assert_int_equal(text_width("王小明"), 6);                  /* wide */
	assert_int_equal(text_width("Шевченко"), 8);
	assert_int_equal(text_width("ქართველი"), 8);                /* Georgian */
	assert_int_equal(text_char_width(0x1b), -1);
	assert_int_equal(text_char_width(0x9b), -1);
	assert_int_equal(text_char_width(0x308), 0);
	assert_int_equal(text_char_width(0x1f600), 2);
}

/* Bidi format characters are told apart (shown as <U+202E>), letters and marks around them not. */
static void bidi_controls_known(void **state)
{
	static const uint32_t bidi[] = { 0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
					 0x2066, 0x2067, 0x2068, 0x2069 };
	static const uint32_t plain[] = { 'a', 0x05d0, 0x0627, 0x200d, 0x2029, 0x202f, 0x2065, 0x206a };
	(void)state;
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++)
		assert_true(text_is_bidi_control(bidi[i]));
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(text_is_bidi_control(plain[i]));
}

static void one_icao_form_composed_or_not(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char a[64], b[64];
	(void)state;
	setenv("CASEDESK_DATA", "data", 0);
	assert_int_equal(translit_load(&err), CD_OK);
	assert_int_equal(translit_icao("Müller", "DEU", a, sizeof a), 0);
	assert_int_equal(translit_icao("Mu\xcc\x88ller", "DEU", b, sizeof b), 0);
	assert_string_equal(a, "MUELLER");
	assert_string_equal(b, "MUELLER");
	assert_int_equal(translit_fold("Mu\xcc\x88ller", a, sizeof a), 0);
	assert_string_equal(a, "MÜLLER");
}

static void skeleton_shtsch_is_shch(void **state)
{
	char a[32], b[32];
	(void)state;
	/* The German-English mix SHTSCH for Щ is the same sound as SHCH and SCHTSCH. */
	translit_skeleton("SHCHERBAKOV", a, sizeof a);
	translit_skeleton("SHTSCHERBAKOW", b, sizeof b);
	assert_string_equal(a, b);
	translit_skeleton("SCHTSCHERBAKOW", b, sizeof b);
	assert_string_equal(a, b);
}

static const char *one(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st;
	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* Schema 6 -> 7: names to NFC, the Latin form the old code derived from a decomposed name
 * derived again (one given by hand kept), both search indexes rebuilt. */
static void migration_normalises_names(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = 6 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	char dir[] = "/tmp/cd-test-text.XXXXXX", path[64], cmd[96], v[256];
	sqlite3 *db;
	(void)state;

	setenv("CASEDESK_DATA", "data", 0);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.casedesk", dir);
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(schema_register_sql(db), SQLITE_OK);
	assert_int_equal(namekeys_register(db), SQLITE_OK);
	/* As a version-6 program wrote them: decomposed names, the Latin of their bare letters. */
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO person(uuid, number, surname, given, surname_latin, given_latin, sex, dob, nationality,"
		" birth_place, created_at, updated_at) VALUES"
		" ('u1', 'P-TBS-000001', 'Mu\xcc\x88ller', 'Anna', 'MULLER', 'ANNA', 'F', '1990', 'DEU',"
		"  'Lu\xcc\x88" "beck', 'x', 'x'),"
		" ('u2', 'P-TBS-000002', 'Mu\xcc\x88ller', 'Jo\xcc\x88rg', 'MILLER', 'JOERG', 'M', '1970', 'DEU', NULL, 'x', 'x'),"
		" ('u3', 'P-TBS-000003', 'Shtscherbakow', 'Ivan', 'SHTSCHERBAKOW', 'IVAN', 'M', '1980', 'RUS', NULL, 'x', 'x');"
		"INSERT INTO alias(uuid, person_id, kind, surname, given, surname_latin, given_latin, created_at)"
		" VALUES ('a1', 1, 'alias', 'Mo\xcc\x88ller', 'Anna', 'MOLLER', 'ANNA', 'x');"
		/* The index as version 6 filled it (today's fill also skips purged people, a later column). */
		"INSERT INTO person_fts(rowid, names)" SEARCH_NAMES_SQL ";"
		"INSERT INTO person_key(rowid, keys)" SEARCH_KEYS_SQL ";", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_string_equal(one(db, "SELECT hex(surname) FROM person WHERE id = 1", v, sizeof v), "4DC3BC6C6C6572");
	assert_string_equal(one(db, "SELECT surname_latin FROM person WHERE id = 1", v, sizeof v), "MUELLER");
	assert_string_equal(one(db, "SELECT birth_place FROM person WHERE id = 1", v, sizeof v), "L\xc3\xbc" "beck");
	/* A Latin form given by hand (not the bare letters' form) stays as it was. */
	assert_string_equal(one(db, "SELECT surname_latin FROM person WHERE id = 2", v, sizeof v), "MILLER");
	assert_string_equal(one(db, "SELECT given_latin FROM person WHERE id = 2", v, sizeof v), "JOERG");
	assert_string_equal(one(db, "SELECT given FROM person WHERE id = 2", v, sizeof v), "J\xc3\xb6rg");
	assert_string_equal(one(db, "SELECT surname || '/' || surname_latin FROM alias", v, sizeof v),
			    "M\xc3\xb6ller/MOELLER");
	/* The indexes hold the new names and keys. */
	assert_string_equal(one(db, "SELECT count(*) FROM person_fts WHERE person_fts MATCH '\"MUELLER\"'", v, sizeof v),
			    "1");
	assert_string_equal(one(db, "SELECT count(*) FROM person_fts WHERE names LIKE '%M\xc3\xbcller%'", v, sizeof v),
			    "2");
	assert_string_equal(one(db, "SELECT count(*) FROM person_key WHERE person_key MATCH 'SRBKV'", v, sizeof v), "1");
	assert_string_equal(one(db, "SELECT count(*) FROM person_key WHERE person_key MATCH 'STSRBKV'", v, sizeof v),
			    "0");
	sqlite3_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decoder_refuses_each_bad_sequence),
		cmocka_unit_test(policy_refuses_controls_and_bad_bytes),
		cmocka_unit_test(nfc_composes),
		cmocka_unit_test(widths_from_the_library),
		cmocka_unit_test(bidi_controls_known),
		cmocka_unit_test(one_icao_form_composed_or_not),
		cmocka_unit_test(skeleton_shtsch_is_shch),
		cmocka_unit_test(migration_normalises_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
