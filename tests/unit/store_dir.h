/*
 * store_dir.h - the fixture the store-level unit tests share: a temporary folder holding
 * the test's store file, made by each test's setup and removed by teardown, and the few
 * helpers each of those tests wanted (a new training store, an actor, a count, a statement)
 * so that they are written once.  Included by one test file each (after cmocka.h); `dir`
 * and `path` are that file's.  The helpers are static inline: a test that uses none of them
 * still builds under -Werror (no unused-function warning), and each test stays one file.
 */
#ifndef CASEDESK_TEST_STORE_DIR_H
#define CASEDESK_TEST_STORE_DIR_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/store/store_internal.h"
#include "model/store/users.h"

static char dir[64];
static char path[128];

/* /tmp/cd-test-TAG.XXXXXX with `path` its t.casedesk; workflows and forms from the tree's data/. */
static void store_dir_make(const char *tag)
{
	snprintf(dir, sizeof dir, "/tmp/cd-test-%s.XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.casedesk", dir);
	setenv("CASEDESK_DATA", "data", 0);
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* A new training store of `office` at `p` (any older file there removed first), open. */
static inline struct cd_store *store_at(const char *p, const char *office)
{
	struct cd_store_create_opts o = { .office = office, .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	unlink(p);
	assert_int_equal(store_create(p, &o, &err), CD_OK);
	assert_int_equal(store_open(p, &s, &err), CD_OK);
	return s;
}

/* A new training store of office TBS at `path`, open. */
static inline struct cd_store *store_fresh(void)
{
	return store_at(path, "TBS");
}

/* The training user `name` (admin, clerk, supervisor ...) as an actor. */
static inline void store_actor(struct cd_store *s, const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(s, name, a, &err), CD_OK);
}

/* The first column of the first row `sql` selects, as a number (-1 when no row). */
static inline int64_t store_count(struct cd_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The first column of the first row `sql` selects, as text ("" when no row or NULL); the
 * buffer is the next call's too. */
static inline const char *store_text(struct cd_store *s, const char *sql)
{
	static char out[512];
	sqlite3_stmt *st;
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* Runs `sql` on the file directly, as sqlite3 would (for what the API refuses to do). */
static inline void store_exec(struct cd_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

#endif
