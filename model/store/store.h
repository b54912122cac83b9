/*
 * store.h - the case store: one SQLite file per office (or per laptop in the field).
 *
 * The store owns the file's life: creating it (refusing to overwrite), recognising it
 * (application_id, schema version), migrating it forward, transactions that never show
 * "database is locked" to a person (IMMEDIATE transactions, a busy timeout and a retry
 * loop), and the bookkeeping every change carries: an append-only event, an audit row in
 * a hash chain, and an outbox row for the national tier.  Only model/ speaks SQL.
 */
#ifndef CD_STORE_H
#define CD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"

#define CD_SCHEMA_VERSION 28
/* 'CSKD': marks a SQLite file as a casedesk store. */
#define CD_APPLICATION_ID 0x43534b44

struct cd_store;

/* Who is acting: resolved from the OS account on a real store, from --user on a training one. */
struct cd_actor {
	int64_t user_id;
	char name[64];
	unsigned roles;
	/* The workflows whose cases this user may read (need-to-know, users.h): "*" for all,
	 * "asylum,visa", or "" for none.  Filled by user_resolve only. */
	char workflows[256];
	/* A supervisor's typed purpose for reading a case outside those workflows (break the
	 * glass): the read is allowed, audited and flagged for review.  NULL otherwise. */
	const char *break_glass;
};

struct cd_store_create_opts {
	const char *office;     /* 2-5 upper-case letters, e.g. TBS */
	int training;           /* users named after roles, --user allowed, pinned clock allowed */
	const char *admin_os_account; /* real stores: the OS account that becomes the first admin */
	int schema_version;     /* 0 = current; tests create older stores to test migrations */
};

/* Creates a new store; refuses when the file exists. */
int store_create(const char *path, const struct cd_store_create_opts *opts, struct cd_error *err);
/*
 * Removes a store file that is closed and its -wal and -shm: for a store just made and
 * given up (init, demo).  Its seal keys are not touched: they may be an earlier store's.
 */
void store_remove_files(const char *path);

/*
 * Opens an existing store, migrating it forward when it is older.  Refuses a file that is
 * not a casedesk store or is newer than this program.
 */
int store_open(const char *path, struct cd_store **out, struct cd_error *err);
void store_close(struct cd_store *s);

const char *store_office(const struct cd_store *s);
int store_is_training(const struct cd_store *s);
int store_schema_version(const struct cd_store *s);
const char *store_path(const struct cd_store *s);

/*
 * Today's day number (see caldate.h).  A training store honours CASEDESK_TODAY=YYYY-MM-DD
 * so tests and training can travel in time; a real store always uses the clock.
 */
long store_today(const struct cd_store *s);
/* The current instant as "YYYY-MM-DDTHH:MM:SS.mmmZ" (on the pinned day in training). */
void store_now(const struct cd_store *s, char *buf, unsigned size);

/*
 * Transactions nest: the outermost begin takes the write lock (BEGIN IMMEDIATE, retried
 * while another desk holds it), the outermost commit makes it durable.  A rollback at any
 * depth dooms the whole transaction.
 */
int store_begin(struct cd_store *s, struct cd_error *err);
int store_commit(struct cd_store *s, struct cd_error *err);
void store_rollback(struct cd_store *s);

/* Changes when another connection commits; cheap to poll (PRAGMA data_version). */
int64_t store_data_version(struct cd_store *s);

/*
 * Bulk mode for `casedesk demo`: synthetic history is written without audit or outbox rows,
 * without per-commit fsync, and the search index is built once when bulk mode ends
 * (one pass over all people is many times faster than a million small index updates).
 */
int store_set_bulk(struct cd_store *s, int on, struct cd_error *err);

/* Folds the WAL into the store file and empties it (before the file is moved or copied). */
int store_checkpoint(struct cd_store *s, struct cd_error *err);

/* This store's own ops that are nowhere else yet: not sent to the national tier, and not
 * acknowledged by a store a bundle carried them to. */
int store_unsynced_count(struct cd_store *s, int64_t *count, struct cd_error *err);

/*
 * Runs PRAGMA integrity_check: CD_OK with `finding` empty when the store is sound, CD_OK
 * with its first complaint in `finding` when it is damaged, CD_ESTORE when the check could
 * not read the store (a failing disk is not a damaged file).
 */
int store_integrity_check(struct cd_store *s, char *finding, size_t size, struct cd_error *err);

/*
 * Whether the search indexes match the people: *mismatched counts people missing from an
 * index, index rows of no person, and FTS5's own integrity-check complaints (a demo killed
 * mid-build once left every person out of the index while `store check` said ok).
 */
int store_search_index_check(struct cd_store *s, int64_t *mismatched, struct cd_error *err);
/*
 * Each recorded check answer (checks.c: source hand or demo) against its `check` event:
 * *mismatched counts answers without their event and events without their row (a row
 * written or removed with sqlite3 on the file).
 */
int store_checks_trail_check(struct cd_store *s, int64_t *mismatched, struct cd_error *err);
/* Empties and refills the search indexes from the people, in one transaction; allowed on a
 * store marked damaged (it is the repair for a damaged index). */
int store_search_index_rebuild(struct cd_store *s, struct cd_error *err);

/*
 * A store that `store check` found damaged refuses every change until a clean check:
 * store_damage_mark writes the finding to STORE-damaged beside the store (beside, not in
 * it: a damaged file may not take the write), store_begin refuses while that file exists
 * (CD_ESTORE, saying what was found, when, and what to do), store_damage_clear removes it.
 * The mark names the store's uuid: a new store made under the same name is not refused for
 * its predecessor, a backup of the same store is until checked.  store_damage_read gives a
 * mark's finding (1), or 0 when there is none.
 */
int store_damage_mark(struct cd_store *s, const char *finding, struct cd_error *err);
int store_damage_clear(struct cd_store *s, struct cd_error *err);
int store_damage_read(const char *store_path, char *finding, size_t size);

/* A new UUIDv7 (time-ordered, random tail) as 36 characters + NUL. */
void cd_uuid7(char out[37]);

#endif
