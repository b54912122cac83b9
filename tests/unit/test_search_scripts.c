/*
 * test_search_scripts.c - issue 13's "search finds every script": Arabic names as written
 * (with and without ال; alef, hamza, teh marbuta and alef maksura variants; harakat and
 * tatweel ignored), their ICAO Doc 9303 Latin form derived at registration, found from
 * the Latin forms people type (MALIKI, AL MALIKI, MOHAMMED for محمد); Persian letters;
 * person and case numbers whole or by their last digits, each hit saying what matched;
 * number lookups that are index searches (EXPLAIN QUERY PLAN); and a store whose name
 * keys are older rebuilding its index when opened.
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
#include "model/store/cases.h"
#include "model/store/namekeys.h"
#include "model/store/person.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

static const struct cd_actor reader = { .name = "clerk", .roles = 1, .workflows = "*" };
static struct cd_store *store;
static char maliki[32], mohammed[32], muhammad[32], fatima[32], persian[32], case_no[40], case2[40];

static void add(const struct cd_person_input *in, char number[32])
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	struct cd_person p;
	assert_int_equal(user_resolve(store, "clerk", &a, &err), CD_OK);
	if (person_add(store, &a, in, &p, &err) != CD_OK)
		fail_msg("person_add: %s", err.msg);
	memcpy(number, p.number, 32);
}

static int setup(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	(void)state;
	store_dir_make("search-scripts");
	if (store_create(path, &o, &err) || store_open(path, &store, &err))
		return -1;
	/* No Latin form given: the ICAO table derives it. */
	add(&(struct cd_person_input){ .surname = "المالكي", .given = "نوري", .sex = "M", .dob = "1950",
				       .nationality = "IRQ" }, maliki);
	add(&(struct cd_person_input){ .surname = "Mohammed", .given = "Ali", .sex = "M", .dob = "1980",
				       .nationality = "SYR" }, mohammed);
	add(&(struct cd_person_input){ .surname = "Muhammad", .given = "Omar", .sex = "M", .dob = "1981",
				       .nationality = "SYR" }, muhammad);
	/* A Latin form given at registration is kept. */
	add(&(struct cd_person_input){ .surname = "الشمري", .given = "فاطمة", .surname_latin = "AL SHAMMARI",
				       .given_latin = "FATIMA", .sex = "F", .dob = "1990", .nationality = "IRQ" }, fatima);
	add(&(struct cd_person_input){ .surname = "پژمان", .given = "گلچین", .sex = "M", .dob = "1970",
				       .nationality = "IRN" }, persian);
	if (user_resolve(store, "clerk", &a, &err) || workflow_pin(store, "t", 1, "[workflow]\nid = t\n", &err))
		return -1;
	struct cd_case_new in = { .workflow_id = "t", .workflow_version = 1, .prefix = "TT", .initial_state = "a",
				  .person_ref = maliki, .due_day = 100, .frozen_left = -1 };
	if (case_create(store, &a, &in, case_no, &err))
		return -1;
	in.person_ref = fatima;
	return case_create(store, &a, &in, case2, &err) ? -1 : 0;
}

static int close_store(void **state)
{
	store_close(store);
	return teardown(state);
}

/* The hit for `number` among the query's, or fails; *out holds all hits (free them). */
static const struct cd_search_hit *find(const char *query, const char *number, enum cd_match match,
					struct cd_search_hit **out, size_t *n)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(search_people(store, &reader, query, 20, out, n, &err), CD_OK);
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*out)[i].number, number) == 0 && (*out)[i].match == match)
			return &(*out)[i];
	fail_msg("'%s' does not find %s (%zu hits)", query, number, *n);
	return NULL;
}

/* The query finds the person by name, at `level` at least, saying `via`. */
static void expect_name(const char *query, const char *number, int level, const char *via)
{
	struct cd_search_hit *h;
	size_t n;
	const struct cd_search_hit *hit = find(query, number, CD_MATCH_NAME, &h, &n);
	if (hit->score < level || !hit->via || strcmp(hit->via, via) != 0)
		fail_msg("'%s': score %d (%s), via %s; wanted %d, %s", query, hit->score, hit->why,
			 hit->via ? hit->via : "-", level, via);
	search_hits_free(h, n);
}

static int finds(const char *query, const char *number)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *h;
	size_t n;
	int found = 0;
	assert_int_equal(search_people(store, &reader, query, 20, &h, &n, &err), CD_OK);
	for (size_t i = 0; i < n; i++)
		found |= strcmp(h[i].number, number) == 0;
	search_hits_free(h, n);
	return found;
}

/* ---- translit and namescore, no store -------------------------------------------- */

static void expect_fold(const char *a, const char *b)
{
	char fa[256], fb[256];
	assert_int_equal(translit_fold(a, fa, sizeof fa), 0);
	assert_int_equal(translit_fold(b, fb, sizeof fb), 0);
	if (strcmp(fa, fb) != 0)
		fail_msg("'%s' and '%s' fold apart: '%s' '%s'", a, b, fa, fb);
}

static void arabic_fold(void **state)
{
	(void)state;
	expect_fold("أحمد", "احمد");       /* alef with hamza above */
	expect_fold("إبراهيم", "ابراهيم");  /* ... below */
	expect_fold("آمنة", "امنة");        /* alef madda */
	expect_fold("ٱلله", "الله");        /* alef wasla */
	expect_fold("مؤمن", "مومن");        /* hamza on waw */
	expect_fold("وائل", "وايل");        /* hamza on yeh */
	expect_fold("علاء", "علا");         /* a lone hamza */
	expect_fold("فاطمة", "فاطمه");      /* teh marbuta, heh */
	expect_fold("مصطفى", "مصطفي");      /* alef maksura, yeh */
	expect_fold("مُحَمَّدٌ", "محمد");       /* harakat */
	expect_fold("عليٰ", "علي");          /* superscript alef */
	expect_fold("محـــمد", "محمد");     /* tatweel */
	expect_fold("کریم", "كريم");        /* Persian kaf and yeh */
	char bare[64];
	assert_int_equal(translit_fold("المالكي", bare, sizeof bare), 0);
	assert_string_equal(translit_arabic_bare(bare), "مالكي");
	assert_int_equal(translit_fold("الي", bare, sizeof bare), 0);
	assert_string_equal(translit_arabic_bare(bare), bare);   /* too short to be ال and a name */
	assert_true(translit_is_arabic("محمد"));
	assert_true(translit_is_arabic("پژمان"));
	assert_false(translit_is_arabic("Mohammed"));
	assert_false(translit_is_arabic("Шевченко"));
}

static void expect_icao(const char *in, const char *want)
{
	char out[128];
	int dropped = translit_icao(in, NULL, out, sizeof out);
	if (dropped != 0 || strcmp(out, want) != 0)
		fail_msg("%s: '%s' (%d dropped), wanted '%s'", in, out, dropped, want);
}

/* ICAO Doc 9303 Part 3, 6 C: the MRZ form, X escapes and all. */
static void arabic_icao(void **state)
{
	(void)state;
	expect_icao("المالكي", "ALMALKY");
	expect_icao("محمد", "MXHMD");
	expect_icao("مُحَمَّد", "MXHMD");                 /* harakat dropped */
	expect_icao("فاطمة", "FAXTTMXAH");              /* teh marbuta at the end */
	expect_icao("خديجة بنت", "XKHDYJXAH BNT");
	expect_icao("مصطفى", "MXSSXTTFXAY");
	expect_icao("عبد الله", "EBD ALLH");
	expect_icao("أحمد", "XAEXHMD");
	expect_icao("إبراهيم", "IBRAHYM");
	expect_icao("شذى ظاهر ضياء ثامر غسان", "XSHXDHXAY XZZAHR XDZYAXE XTHAMR GSAN");
	expect_icao("پژمان گلچین کاظمی", "PXZHMAN XGGLXCHYYN XKKAXZZMYY");
}

/* The key a name word gets (name_words, as search and the index compute it). */
static void expect_key(const char *word, const char *key, const char *key2)
{
	struct cd_name_word w;
	assert_int_equal(name_words(word, NULL, NULL, 0, &w, 1), 1);
	if (strcmp(w.key, key) != 0 || strcmp(w.key2, key2) != 0)
		fail_msg("%s: key %s, key2 '%s'; wanted %s, '%s'", word, w.key, w.key2, key, key2);
}

static void arabic_keys(void **state)
{
	(void)state;
	/* By sound, so that the Latin spellings people type share them. */
	expect_key("محمد", "MHMD", "");
	expect_key("MOHAMMED", "MHMD", "");
	expect_key("MUHAMMAD", "MHMD", "");
	expect_key("مُحَمَّد", "MHMD", "");
	expect_key("محمود", "MHMD", "");       /* و a vowel inside the word: MAHMOUD */
	expect_key("MAHMOUD", "MHMD", "");
	expect_key("يوسف", "ASF", "");
	expect_key("YUSUF", "ASF", "");
	expect_key("وائل", "VL", "");          /* و a consonant at the start, ئ silent: WAEL */
	expect_key("WAEL", "VL", "");
	expect_key("فاطمة", "FTM", "");        /* teh marbuta at the end is A: FATIMA */
	expect_key("FATIMA", "FTM", "");
	expect_key("عبدالله", "ABDLH", "");    /* heh stays H: ABDULLAH */
	expect_key("ABDULLAH", "ABDLH", "");
	expect_key("خالد", "HLD", "");
	expect_key("KHALED", "HLD", "");
	expect_key("عمر", "AMR", "");          /* ع first is a vowel: OMAR */
	expect_key("OMAR", "AMR", "");
	expect_key("سعد", "SD", "");           /* and silent inside: SAAD */
	expect_key("SAAD", "SD", "");
	/* The article: the key with it, key2 without. */
	expect_key("المالكي", "ALMLK", "MLK");
	expect_key("MALIKI", "MLK", "");
	expect_key("ALMALIKI", "ALMLK", "MLK");
	expect_key("ELMALIKI", "ALMLK", "MLK");
	expect_key("الشمري", "ALSMR", "SMR");
	expect_key("SHAMMARI", "SMR", "");
	expect_key("العمر", "ALMR", "AMR");    /* ع first after the article: AL OMAR */
	expect_key("ALOMAR", "ALMR", "AMR");
	/* Persian letters by their sounds. */
	expect_key("پژمان", "PSMN", "");
	expect_key("گلچین", "HLCN", "");
	expect_key("GOLCHIN", "HLCN", "");
}

static void levels(void **state)
{
	struct cd_name_word q, w;
	(void)state;
	/* Typed مالكي, stored المالكي: as written, without the article. */
	assert_int_equal(name_words("مالكي", NULL, NULL, 0, &q, 1), 1);
	assert_int_equal(name_words("المالكي", "ALMALKY", "IRQ", 0, &w, 1), 1);
	assert_int_equal(name_level(&q, &w), CD_NAME_WRITTEN);
	assert_int_equal(name_words("MALIKI", NULL, NULL, 0, &q, 1), 1);
	assert_int_equal(name_level(&q, &w), CD_NAME_VARIANT);
	assert_int_equal(name_words("ALMALIKI", NULL, NULL, 0, &q, 1), 1);
	assert_int_equal(name_level(&q, &w), CD_NAME_VARIANT);
	/* A stored Latin form keeps one key: ALBERTO is not an article and BERTO. */
	assert_int_equal(name_words("ALBERTO", "ALBERTO", "ITA", 0, &w, 1), 1);
	assert_string_equal(w.key2, "");
	assert_int_equal(name_words("BERT", NULL, NULL, 0, &q, 1), 1);
	assert_int_equal(name_level(&q, &w), CD_NAME_PART);   /* inside it, as before: no variant */
	assert_true(name_is_article(&(struct cd_name_word){ .icao = "AL" }));
	assert_true(name_is_article(&(struct cd_name_word){ .icao = "EL" }));
	assert_false(name_is_article(&(struct cd_name_word){ .icao = "ALI" }));
}

/* ---- the store -------------------------------------------------------------------- */

static void arabic_as_written(void **state)
{
	(void)state;
	expect_name("المالكي", maliki, 99, "Arabic form");
	expect_name("مالكي", maliki, 99, "Arabic form");          /* without the article */
	expect_name("الْمَالِكِيّ", maliki, 85, "Arabic form");      /* harakat */
	expect_name("المالكى", maliki, 99, "Arabic form");        /* alef maksura for yeh */
	expect_name("فاطمه", fatima, 99, "Arabic form");          /* heh for teh marbuta */
	expect_name("فاطمه الشمري", fatima, 85, "Arabic form");
	expect_name("شمري", fatima, 85, "Arabic form");
	expect_name("پژمان", persian, 99, "Arabic form");
}

static void arabic_from_latin(void **state)
{
	(void)state;
	expect_name("MALIKI", maliki, 85, "Latin form");
	expect_name("ALMALIKI", maliki, 85, "Latin form");
	expect_name("AL MALIKI", maliki, 85, "Latin form");
	expect_name("al-Maliki", maliki, 85, "Latin form");
	expect_name("El Maliki Nuri", maliki, 85, "Latin form");
	expect_name("ALMALKY", maliki, 100, "Latin form");       /* the derived ICAO form itself */
	expect_name("Fatima Shammari", fatima, 85, "Latin form");
	expect_name("PEZHMAN", persian, 85, "Latin form");
	/* محمد (four letters, not three) finds the Latin spellings. */
	expect_name("محمد", mohammed, 85, "Arabic form");
	expect_name("محمد", muhammad, 85, "Arabic form");
	expect_name("مُحَمَّد", mohammed, 85, "Arabic form");
	/* ... and an Arabic name is not everyone's. */
	assert_false(finds("MALIKI", mohammed));
	assert_false(finds("المالكي", fatima));
}

static void numbers(void **state)
{
	struct cd_search_hit *h;
	size_t n;
	const struct cd_search_hit *hit;
	char lower[40];
	(void)state;
	/* A person number, whole (any case) or by its last digits. */
	const char *tail = strrchr(maliki, '-') + 1;   /* 000001 */
	const char *queries[] = { maliki, "p-tbs-000001", tail, "1" };
	for (size_t i = 0; i < 4; i++) {
		hit = find(queries[i], maliki, CD_MATCH_PERSON, &h, &n);
		assert_string_equal(hit->detail, maliki);
		assert_string_equal(hit->via, "person number");
		assert_string_equal(cd_match_name(hit->match), "person");
		search_hits_free(h, n);
	}
	/* A case number whole: the case, not the person. */
	hit = find(case_no, maliki, CD_MATCH_CASE, &h, &n);
	assert_int_equal(n, 1);
	assert_string_equal(hit->detail, case_no);
	assert_string_equal(hit->via, "case number");
	search_hits_free(h, n);
	snprintf(lower, sizeof lower, "%s", case2);
	for (char *c = lower; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	hit = find(lower, fatima, CD_MATCH_CASE, &h, &n);
	assert_string_equal(hit->detail, case2);
	search_hits_free(h, n);
	/* ... and by its last digits, padded or not: 2 is P-TBS-000002 and TT-TBS-YYYY-000002. */
	const char *last[] = { "000002", "2", "02" };
	for (size_t i = 0; i < 3; i++) {
		hit = find(last[i], fatima, CD_MATCH_CASE, &h, &n);
		assert_string_equal(hit->detail, case2);
		search_hits_free(h, n);
		hit = find(last[i], mohammed, CD_MATCH_PERSON, &h, &n);
		assert_string_equal(hit->why, "person");
		search_hits_free(h, n);
	}
	/* Digits no number ends in, and zeros, find no one. */
	assert_int_equal(search_people(store, &reader, "999999", 20, &h, &n, &(struct cd_error)CD_ERROR_INIT), CD_OK);
	assert_int_equal(n, 0);
	search_hits_free(h, n);
	assert_int_equal(search_people(store, &reader, "000", 20, &h, &n, &(struct cd_error)CD_ERROR_INIT), CD_OK);
	assert_int_equal(n, 0);
	search_hits_free(h, n);
	/* Need-to-know: the last digits of a case in a workflow the reader does not work on. */
	const struct cd_actor other = { .name = "visa", .roles = 1, .workflows = "visa" };
	assert_int_equal(search_people(store, &other, "2", 20, &h, &n, &(struct cd_error)CD_ERROR_INIT), CD_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(h[i].match, CD_MATCH_CASE);
	search_hits_free(h, n);
}

/* Every number lookup is an index search, never a scan of person, cases or document. */
static void number_plans(void **state)
{
	(void)state;
	for (size_t i = 0; i < search_number_sql_n; i++) {
		char sql[1024];
		sqlite3_stmt *st;
		int searches = 0;
		snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", search_number_sql[i]);
		assert_int_equal(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(st, 3);
			if (strncmp(detail, "SCAN", 4) == 0)
				fail_msg("%s\n  scans: %s", search_number_sql[i], detail);
			searches += strncmp(detail, "SEARCH", 6) == 0;
		}
		sqlite3_finalize(st);
		assert_true(searches >= 1);
	}
}

/* The person_key row of a person. */
static void keys_of(const char *number, char *out, size_t size)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store->db, "SELECT k.keys FROM person_key k JOIN person p ON p.id = k.rowid"
						       " WHERE p.number = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, " %s ", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* A store whose keys were computed before Arabic had a table rebuilds them when opened. */
static void older_keys(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char keys[256];
	(void)state;
	keys_of(maliki, keys, sizeof keys);
	assert_non_null(strstr(keys, " ALMLK MLK "));
	/* As an older casedesk left it: no keys for the Arabic names, no version kept. */
	assert_int_equal(st_exec(store, "UPDATE person_key SET keys = 'y1950' WHERE rowid ="
					" (SELECT id FROM person WHERE surname = 'المالكي');"
					" DELETE FROM settings WHERE key = 'name_keys'", &err), CD_OK);
	keys_of(maliki, keys, sizeof keys);
	assert_null(strstr(keys, " MLK "));
	store_close(store);
	assert_int_equal(store_open(path, &store, &err), CD_OK);
	keys_of(maliki, keys, sizeof keys);
	assert_non_null(strstr(keys, " ALMLK MLK "));
	assert_true(finds("MALIKI", maliki));
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store->db, "SELECT value FROM settings WHERE key = 'name_keys'", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), NAMEKEYS_VERSION);
	sqlite3_finalize(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arabic_fold),
		cmocka_unit_test(arabic_icao),
		cmocka_unit_test(arabic_keys),
		cmocka_unit_test(levels),
		cmocka_unit_test(arabic_as_written),
		cmocka_unit_test(arabic_from_latin),
		cmocka_unit_test(numbers),
		cmocka_unit_test(number_plans),
		cmocka_unit_test(older_keys),
	};
	return cmocka_run_group_tests(tests, setup, close_store);
}
