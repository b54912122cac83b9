/*
 * test_search.c - name search and duplicate detection on a temporary store: every kind of
 * spelling a caseworker may type finds the right person first and says why; dates in the
 * query filter; registration's duplicate scores; and a store migrated from schema 4 gets
 * its skeleton keys.
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

#include "model/identity/namescore.h"
#include "model/store/cases.h"
#include "model/store/dupes.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/search.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"

static char dir[64];
static char path[128];

/* Reads as a user of every workflow would (need-to-know is tested in t_need.sh). */
static const struct cd_actor reader = { .name = "clerk", .roles = 1, .workflows = "*" };
static struct cd_store *store;
static char shevchenko[32], mohammad[32], other_shev[32], georgian[32], case_no[40];
static char shevchuk[32], zhukov[32], zhhukov[32], hamdan[32], popa[32], sadat[32], pham[32], al_ani[32];
static char ogbonna_musa[32], musa_musa[32], koval[32], kovalenko[32], shvets[32];

static void add(struct cd_actor *a, const char *surname, const char *given, const char *dob, const char *nat,
		char number[32])
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person p;
	struct cd_person_input in = { .surname = surname, .given = given, .sex = "M", .dob = dob, .nationality = nat };
	if (person_add(store, a, &in, &p, &err) != CD_OK)
		fail_msg("person_add: %s", err.msg);
	memcpy(number, p.number, 32);
}

static int setup(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	char filler[32];
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cd-test-search.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.casedesk", dir);
	setenv("CASEDESK_DATA", "data", 0);
	if (store_create(path, &o, &err) || store_open(path, &store, &err) || user_resolve(store, "clerk", &a, &err))
		return -1;
	add(&a, "Шевченко", "Олександр", "1987-04", "UKR", shevchenko);
	add(&a, "Шевчук", "Олег", "1987-05-02", "UKR", shevchuk);
	add(&a, "Шевченко", "Петро", "1990", "UKR", other_shev);
	add(&a, "Mohammad", "Ali", "1980-01-01", "SYR", mohammad);
	add(&a, "Ahmadi", "Mohammed", "1982", "AFG", filler);
	add(&a, "შევარდნაძე", "ედუარდ", "1958", "GEO", georgian);
	add(&a, "Petrenko", "Ivan", "1975", "UKR", filler);
	/* Issue 5's seeded variants, each a kind search once missed (see typos_missed). */
	add(&a, "Zhukov", "Aleksandr", "1979", "RUS", zhukov);
	add(&a, "Zhhukov", "Aleksandr", "1979", "RUS", zhhukov);   /* registered again, with a typo */
	add(&a, "Hamdan", "Mazen", "1983", "SYR", hamdan);
	add(&a, "Popa", "Ludmila", "1966", "MDA", popa);
	add(&a, "Sadat", "Zahra", "1999", "AFG", sadat);
	add(&a, "Pham", "Phuong", "1991", "VNM", pham);
	add(&a, "Al Ani", "Hassan", "1971", "IRQ", al_ani);
	add(&a, "Koval", "Taras", "1975", "UKR", koval);
	add(&a, "Kovalenko", "Taras", "1976", "UKR", kovalenko);
	add(&a, "Швець", "Іван", "1979", "UKR", shvets);   /* SHVETS: the skeleton key of ШЕВЧЕ */
	add(&a, "Ogbonna", "Musa", "1985", "NGA", ogbonna_musa);
	add(&a, "Musa", "Musa", "1986", "NGA", musa_musa);
	if (document_add(store, &a, mohammad, "passport", "N 0123-456", "SYR", NULL, "2030-01-01", 0, &err))
		return -1;
	if (workflow_pin(store, "t", 1, "[workflow]\nid = t\n", &err))
		return -1;
	struct cd_case_new in = { .workflow_id = "t", .workflow_version = 1, .prefix = "TT", .initial_state = "a",
				  .person_ref = georgian, .due_day = 100, .frozen_left = -1 };
	return case_create(store, &a, &in, case_no, &err) ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	store_close(store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* The query's first hit is `number`, with a why starting with `why`. */
static void expect_top(const char *query, const char *number, const char *why)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *h = NULL;
	size_t n = 0;
	assert_int_equal(search_people(store, &reader, query, 10, &h, &n, &err), CD_OK);
	if (n == 0)
		fail_msg("'%s': nothing found", query);
	if (strcmp(h[0].number, number) != 0 || strncmp(h[0].why, why, strlen(why)) != 0)
		fail_msg("'%s': first is %s (%s, %d), wanted %s (%s)", query, h[0].number, h[0].why, h[0].score, number,
			 why);
	for (size_t i = 1; i < n; i++)
		assert_true(h[i - 1].score >= h[i].score);
	search_hits_free(h, n);
}

static int count_hits(const char *query, const char *number)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *h = NULL;
	size_t n = 0;
	int found = 0;
	assert_int_equal(search_people(store, &reader, query, 20, &h, &n, &err), CD_OK);
	for (size_t i = 0; i < n; i++)
		found += strcmp(h[i].number, number) == 0;
	search_hits_free(h, n);
	return found;
}

static void exact(void **state)
{
	(void)state;
	expect_top("Shevchenko Oleksandr", shevchenko, "name: exact ICAO");
	expect_top("SHEVCHENKO OLEKSANDR", shevchenko, "name: exact ICAO");
	expect_top("Шевченко Олександр", shevchenko, "name: exact");
	expect_top("შევარდნაძე", georgian, "name: exact");
	expect_top("Shevardnadze", georgian, "name: exact ICAO");
}

static void variants(void **state)
{
	(void)state;
	expect_top("Schewtschenko Alexander", shevchenko, "name: variant");
	expect_top("Ševčenko Aleksandr", shevchenko, "name: variant");
	expect_top("Shevtchenko Oleksandr", shevchenko, "name: variant");
	expect_top("Muhammad Ali", mohammad, "name: variant");
	expect_top("Mohammed Ali", mohammad, "name: variant");
	expect_top("Шевченко Александр", shevchenko, "name: variant");   /* the Russian spelling */
}

static void typos(void **state)
{
	(void)state;
	expect_top("Shevchenmo Oleksandr", shevchenko, "name: 1 typo");
	expect_top("Shevchneko Oleksandr", shevchenko, "name: variant");   /* vowels move freely */
	expect_top("Shevchenko Oleksamdr", shevchenko, "name: 1 typo");
	expect_top("Shevardnaze", georgian, "name: 1 typo");
	expect_top("Shemchenkp Oleksandr", shevchenko, "name: 2 typos");
	assert_int_equal(count_hits("Shwxyzqko Oleksandr", shevchenko), 0);
}

/* The query's hits include `number` (among the first `top`), with a why starting with `why`. */
static void expect_among(const char *query, int top, const char *number, const char *why)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *h = NULL;
	size_t n = 0, i;
	assert_int_equal(search_people(store, &reader, query, top, &h, &n, &err), CD_OK);
	for (i = 0; i < n && strcmp(h[i].number, number) != 0; i++)
		;
	if (i == n)
		fail_msg("'%s': %s not among the first %d (%zu hits, first %s)", query, number, top, n,
			 n ? h[0].number : "-");
	if (strncmp(h[i].why, why, strlen(why)) != 0)
		fail_msg("'%s': %s matched as '%s', wanted '%s'", query, number, h[i].why, why);
	search_hits_free(h, n);
}

/*
 * Typos the search used to miss (issue 5's seeded duplicates): a typo when someone matches
 * the query exactly (the duplicate itself hid the original); a swap in the middle of a word
 * that breaks both its halves; a letter dropped from a short name; a swap that breaks a
 * letter group (PH); a two-letter particle short of a letter; and each typed word matching
 * its own stored word (MUSA MUSA is not OGBONNA MUSA).
 */
static void typos_missed(void **state)
{
	(void)state;
	expect_top("Zhhukov Aleksandr", zhhukov, "name: exact ICAO");
	expect_among("Zhhukov Aleksandr", 10, zhukov, "name: 1 typo");
	expect_top("Hadman Mazen", hamdan, "name: 1 typo");
	expect_top("Poa Ludmila", popa, "name: 1 typo");
	expect_top("Saat Zahra", sadat, "name: 1 typo");
	expect_top("Pahm Phuong", pham, "name: 1 typo");
	expect_top("Al Ni Hassan", al_ani, "name: 1 typo");
	expect_top("Musa Musa", musa_musa, "name: exact ICAO");
	assert_int_equal(count_hits("Musa Musa", ogbonna_musa), 0);
	/* Still one word per word: a typo'd name is not found through a word typed for another. */
	assert_int_equal(count_hits("Zahra Zahra", sadat), 0);
}

/*
 * Search as you type: the last word, when it begins a longer name, is still being typed and
 * is read without typos - more letters narrow the list (tests/t_tui.sh does it on screen).
 * Once it is followed by a space, it is a whole word and may carry typos.
 */
static void narrowing(void **state)
{
	(void)state;
	assert_int_equal(count_hits("Шев", shevchuk), 1);
	assert_int_equal(count_hits("Шевче", shevchenko), 1);
	assert_int_equal(count_hits("Шевче", shevchuk), 0);
	assert_int_equal(count_hits("Shevche", shevchuk), 0);
	assert_int_equal(count_hits("Shevchenko Oleks", shevchenko), 1);
	/* A typo in the finished surname, the given name still being typed. */
	expect_top("Shevchenmo Oleks", shevchenko, "name: 1 typo");
	/* A particle and the first letters of the name: no word of three letters to look up. */
	expect_top("Al A", al_ani, "name: prefix");
	expect_top("AL AN", al_ani, "name: variant");
	assert_int_equal(count_hits("Al Ab", al_ani), 0);
	/* KOVAL shares KOVALE's skeleton key, but typing KOVALE is on the way to KOVALENKO. */
	expect_top("Koval", koval, "name: exact ICAO");
	expect_top("Kovale", kovalenko, "name: prefix");
	assert_int_equal(count_hits("Kovale", koval), 0);
	expect_top("Шевче", shevchenko, "name: prefix");
	expect_top("Shvets", shvets, "name: exact ICAO");
	/* One letter of the given name after a whole surname narrows to it. */
	expect_top("Shevchenko O", shevchenko, "name: prefix");
	assert_int_equal(count_hits("Shevchenko P", shevchenko), 0);
}

static void swapped(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_search_hit *h = NULL;
	size_t n = 0;
	(void)state;
	expect_top("Oleksandr Shevchenko", shevchenko, "name: exact ICAO, swapped");
	expect_top("Alexander Schewtschenko", shevchenko, "name: variant, swapped");
	/* In order ranks above swapped for the same words. */
	assert_int_equal(search_people(store, &reader, "Ali Mohammad", 10, &h, &n, &err), CD_OK);
	assert_true(n >= 1);
	assert_string_equal(h[0].number, mohammad);
	assert_non_null(strstr(h[0].why, "swapped"));
	assert_true(h[0].score < 100);
	search_hits_free(h, n);
}

static void dates(void **state)
{
	(void)state;
	expect_top("Shevchenko 1987", shevchenko, "name: exact ICAO; dob: year");
	expect_top("Shevchenko 1987-04", shevchenko, "name: exact ICAO; dob: month");
	expect_top("Shevchenko 1990", other_shev, "name: exact ICAO; dob: year");
	assert_int_equal(count_hits("Shevchenko 1990", shevchenko), 0);
	assert_int_equal(count_hits("Shevchenko 1987-05", shevchenko), 0);
	assert_int_equal(count_hits("Shevchenko", shevchenko) + count_hits("Shevchenko", other_shev), 2);
}

static void numbers(void **state)
{
	(void)state;
	expect_top("N0123456", mohammad, "document");
	expect_top("n 0123-456", mohammad, "document");
	expect_top(case_no, georgian, "case");
	expect_top("Shevch", shevchenko, "name: prefix");
	expect_top("Шевч", shevchenko, "name: prefix");
	assert_int_equal(count_hits("Nobodyknowsme", shevchenko), 0);
}

static void aliases(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor a;
	(void)state;
	assert_int_equal(user_resolve(store, "clerk", &a, &err), CD_OK);
	assert_int_equal(alias_add(store, &a, mohammad, "birth", "Аль-Хусейни", "Али", &err), CD_OK);
	expect_top("Al-Khuseini", mohammad, "name: exact ICAO");
	expect_top("Al Husseini", mohammad, "name: variant");
}

/* The words search scores person `number` by (search_person_words). */
static size_t person_words(const char *number, struct cd_name_word *w, size_t max)
{
	struct cd_error err = CD_ERROR_INIT;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	assert_int_equal(sqlite3_prepare_v2(store->db, "SELECT id, surname, given, surname_latin, given_latin, nationality"
						       " FROM person WHERE number = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *names[5];
	for (int k = 0; k < 5; k++)
		names[k] = (const char *)sqlite3_column_text(st, 1 + k);
	n = search_person_words(store, sqlite3_column_int64(st, 0), names, w, max, &err);
	sqlite3_finalize(st);
	return n;
}

/*
 * A name written in Latin letters whose stored ICAO form is another spelling (a correction
 * left Petrova beside IVANOVA) is found by either, each as an exact hit; a name that reads
 * as its ICAO form (Ştefănescu, STEFANESCU) is scored by its words once.
 */
static void latin_written(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk, cw;
	struct cd_name_word w[16];
	char petrova[32], stefanescu[32], why[256];
	const char *via = NULL;
	int dob_rank = 0;
	(void)state;
	assert_int_equal(user_resolve(store, "clerk", &clerk, &err), CD_OK);
	assert_int_equal(user_resolve(store, "caseworker", &cw, &err), CD_OK);
	add(&clerk, "Petrova", "Anna", "1980-02-03", "BGR", petrova);
	add(&clerk, "Ştefănescu", "Ion", "1970", "ROU", stefanescu);
	struct cd_person_fix fix = { "surname_latin", "IVANOVA" };
	assert_int_equal(person_correct(store, &cw, petrova, 0, &fix, 1, "an older form's Latin name", NULL, &err), CD_OK);

	expect_top("Ivanova", petrova, "name: exact ICAO");
	expect_top("Petrova", petrova, "name: exact ICAO");
	expect_top("Petrova Anna", petrova, "name: exact ICAO");
	expect_top("Petrova 1980", petrova, "name: exact ICAO; dob: year");
	expect_top("Petrva", petrova, "name: ");
	expect_top("Ştefănescu", stefanescu, "name: exact");
	expect_top("Stefanescu Ion", stefanescu, "name: exact ICAO");
	/* Petrova's words: PETROVA beside IVANOVA, and ANNA once; Ştefănescu's two. */
	assert_int_equal(person_words(petrova, w, 16), 3);
	assert_string_equal(w[0].icao, "IVANOVA");
	assert_string_equal(w[1].icao, "PETROVA");
	assert_int_equal(w[1].role, 0);
	assert_int_equal(person_words(stefanescu, w, 16), 2);
	/* The national search's scoring reads names the same way. */
	const char *names[5] = { "Petrova", "Anna", "IVANOVA", "ANNA", "BGR" };
	assert_int_equal(search_score_names("Petrova Anna", names, "1980-02-03", why, sizeof why, &via, &dob_rank), 100);
	assert_int_equal(search_score_names("Ivanova", names, "1980-02-03", why, sizeof why, &via, &dob_rank), 100);
}

/* A store made at schema 4 gets its keys when opened. */
static void migrated(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1, .schema_version = 4 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	char p4[160];
	(void)state;
	snprintf(p4, sizeof p4, "%s/v4.casedesk", dir);
	assert_int_equal(store_create(p4, &o, &err), CD_OK);
	assert_int_equal(store_open(p4, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	assert_int_equal(st_exec(s, "SELECT count(*) FROM person_key", &err), CD_OK);
	store_close(s);
}

static const struct cd_dupe *find(const struct cd_dupe *d, size_t n, const char *number)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].number, number) == 0)
			return &d[i];
	return NULL;
}

static void duplicates(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_dupe *d = NULL;
	size_t n = 0;
	const struct cd_dupe *hit;
	(void)state;

	/* Another spelling, a partial date: found, scored as a warning. */
	struct cd_person_input in = { .surname = "SCHEWTSCHENKO", .given = "Alexander", .sex = "M", .dob = "1987",
				      .nationality = "UKR" };
	assert_int_equal(dupes_find(store, &in, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, shevchenko));
	assert_true(hit->score >= DUPES_WARN_DEFAULT && hit->score < DUPES_BLOCK_DEFAULT);
	assert_non_null(strstr(hit->why, "name: variant"));
	assert_string_equal(d[0].number, shevchenko);
	assert_null(find(d, n, other_shev) && find(d, n, other_shev)->score >= DUPES_WARN_DEFAULT ? d : NULL);
	dupes_free(d, n);

	/* The same person again, in the original script: blocks. */
	struct cd_person_input same = { .surname = "Шевченко", .given = "Олександр", .sex = "M", .dob = "1987-04",
					.nationality = "UKR" };
	assert_int_equal(dupes_find(store, &same, NULL, &d, &n, &err), CD_OK);
	assert_true(n >= 1);
	assert_string_equal(d[0].number, shevchenko);
	assert_true(d[0].score >= DUPES_BLOCK_DEFAULT);
	dupes_free(d, n);

	/* Names swapped and a year off: still listed. */
	struct cd_person_input swapped_in = { .surname = "Oleksandr", .given = "Shevchenko", .sex = "M", .dob = "1988",
					      .nationality = "UKR" };
	assert_int_equal(dupes_find(store, &swapped_in, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, shevchenko));
	assert_non_null(strstr(hit->why, "swapped"));
	dupes_free(d, n);

	/* Someone else entirely, but the same passport: near-certain. */
	struct cd_person_input stranger = { .surname = "Doe", .given = "John", .sex = "M", .dob = "1960",
					    .nationality = "USA" };
	assert_int_equal(dupes_find(store, &stranger, NULL, &d, &n, &err), CD_OK);
	assert_int_equal(n, 0);
	dupes_free(d, n);
	assert_int_equal(dupes_find(store, &stranger, "N0123456", &d, &n, &err), CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].number, mohammad);
	assert_int_equal(d[0].score, 100);
	assert_non_null(strstr(d[0].why, "document"));
	dupes_free(d, n);
}

/*
 * A million-person office has crowds of namesakes.  120 Kravchenkos born the same year
 * (each scoring above the floor), 80 Bohdans of one year, 80 "Al ... Omar"s and 120 Al
 * Shamis whose given names share Shaimaa's skeleton key must not push the person sought
 * out of the list: once the
 * list kept the first 80 people above the floor in row order, the particle AL matched a
 * tenth of an Arab caseload, and lookups by key read only the first rows of a crowd.
 */
static void duplicates_in_a_crowd(void **state)
{
	static const char *const given[] = { "Andrii", "Oleh", "Petro", "Ivan", "Serhii", "Taras", "Yurii", "Mykola" };
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *shared = store;
	struct cd_actor a;
	struct cd_dupe *d = NULL;
	size_t n = 0;
	char crowd_path[160], number[32], kravchenko[32], janabi[32], dob[16];
	const struct cd_dupe *hit;
	(void)state;

	snprintf(crowd_path, sizeof crowd_path, "%s/crowd.casedesk", dir);
	assert_int_equal(store_create(crowd_path, &o, &err), CD_OK);
	assert_int_equal(store_open(crowd_path, &store, &err), CD_OK);
	assert_int_equal(user_resolve(store, "clerk", &a, &err), CD_OK);
	assert_int_equal(store_begin(store, &err), CD_OK);   /* one commit for the crowd, not 200 */
	for (int i = 0; i < 120; i++) {
		snprintf(dob, sizeof dob, "1996-%02d-%02d", 1 + i % 12, 1 + i % 28);
		add(&a, "Kravchenko", given[i % 8], dob, "UKR", number);
	}
	for (int i = 0; i < 80; i++) {
		char surname[32];
		snprintf(surname, sizeof surname, "Al %s", i % 2 ? "Hamdan" : "Tamimi");
		snprintf(dob, sizeof dob, "%d-01-15", 1960 + i % 40);
		add(&a, surname, "Omar", dob, "IRQ", number);
	}
	for (int i = 0; i < 80; i++) {   /* Bohdans born the same year: the given name alone is no lead */
		static const char *const surnames[] = { "Melnyk", "Bondar", "Tkachenko", "Moroz" };
		add(&a, surnames[i % 4], "Bohdan", "1996-03-03", "UKR", number);
	}
	for (int i = 0; i < 120; i++)   /* SHAMI, SAMI and SHAIMAA share one skeleton key: SM */
		add(&a, "Al Shami", i % 2 ? "Sami" : "Samia", "1989", "SYR", number);
	assert_int_equal(store_commit(store, &err), CD_OK);
	add(&a, "Kravchenko", "Bohdan", "1996-10-01", "UKR", kravchenko);
	/* Written in Arabic script, with its ICAO form as the passport gives it. */
	struct cd_person_input arabic = { .surname = "الشامي", .given = "شيماء", .surname_latin = "AL SHAMI",
					  .given_latin = "SHAIMAA", .sex = "F", .dob = "1989", .nationality = "SYR" };
	struct cd_person shaimaa;
	assert_int_equal(person_add(store, &a, &arabic, &shaimaa, &err), CD_OK);
	add(&a, "Al Janabi", "Omar", "1993-07-30", "IRQ", janabi);

	struct cd_person_input k = { .surname = "Kravchenko", .given = "Bohdan", .sex = "M", .dob = "1996",
				     .nationality = "UKR" };
	assert_int_equal(dupes_find(store, &k, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, kravchenko));
	assert_true(hit->score >= DUPES_WARN_DEFAULT);
	assert_string_equal(d[0].number, kravchenko);
	dupes_free(d, n);

	/* A letter mistyped in the surname (M for N moves the skeleton key), the year of birth
	 * only: among 80 Bohdans of that year only the surname's typo keys reach him. */
	struct cd_person_input typo = { .surname = "Kravchemko", .given = "Bohdan", .sex = "M", .dob = "1996",
					.nationality = "UKR" };
	assert_int_equal(dupes_find(store, &typo, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, kravchenko));
	assert_true(hit->score >= DUPES_WARN_DEFAULT);
	assert_string_equal(d[0].number, kravchenko);
	dupes_free(d, n);

	/* Registered again with a wrong date of birth: the names alone must still find him. */
	struct cd_person_input j = { .surname = "Al Janabi", .given = "Omar", .sex = "M", .dob = "1989-01-01",
				     .nationality = "IRQ" };
	assert_int_equal(dupes_find(store, &j, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, janabi));
	assert_true(hit->score >= DUPES_WARN_DEFAULT);
	dupes_free(d, n);

	/* Registered again, in Latin letters: the ICAO names themselves find her. */
	struct cd_person_input latin = { .surname = "Al Shami", .given = "Shaimaa", .sex = "F", .dob = "1989",
					 .nationality = "SYR" };
	assert_int_equal(dupes_find(store, &latin, NULL, &d, &n, &err), CD_OK);
	assert_non_null(hit = find(d, n, shaimaa.number));
	assert_true(hit->score >= DUPES_WARN_DEFAULT);
	assert_string_equal(d[0].number, shaimaa.number);
	dupes_free(d, n);

	store_close(store);
	store = shared;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact),
		cmocka_unit_test(variants),
		cmocka_unit_test(typos),
		cmocka_unit_test(typos_missed),
		cmocka_unit_test(narrowing),
		cmocka_unit_test(swapped),
		cmocka_unit_test(dates),
		cmocka_unit_test(numbers),
		cmocka_unit_test(aliases),
		cmocka_unit_test(latin_written),
		cmocka_unit_test(migrated),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(duplicates_in_a_crowd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
