/*
 * store.c - opening, creating, migrating and transacting on the case store, and the
 * outbox row every change writes (its event and audit rows: audit.c).  See store.h for the why.
 */
#include "model/store/store_internal.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/base/text.h"
#include "model/store/kit_range.h"
#include "model/store/namekeys.h"
#include "model/base/json.h"
#include "model/store/roles.h"
#include "model/store/schema.h"

/* How long a desk waits for another desk's write before it gives up and says so. */
#define STORE_BUSY_TIMEOUT_MS 2000
#define STORE_BUSY_GIVE_UP_S 120

/* ---- statement helpers ------------------------------------------------------------ */

/*
 * What to do about the last failure on `db`, or NULL: a full disk, a read-only file or
 * folder, a damaged file and a failing disk each need a different person to act, so each
 * gets its own sentence.  The OS's errno (sqlite3_system_errno) is asked first: SQLite
 * reports a full disk met while growing the -shm file as a mere I/O error.
 */
static const char *trouble(sqlite3 *db)
{
	int sys = db ? sqlite3_system_errno(db) : 0, code = db ? sqlite3_errcode(db) & 0xff : SQLITE_OK;

	if (sys == ENOSPC || sys == EDQUOT || code == SQLITE_FULL)
		return _("the disk holding the store is full: free space on it, then try again");
	if (sys == EROFS)
		return _("the store is on a read-only file system: mount it read-write, or copy the store to a "
			 "writable disk");
	if (sys == EACCES || sys == EPERM || code == SQLITE_READONLY)
		return _("the store or its folder is read-only for this account: casedesk writes to the store and "
			 "creates STORE-wal and STORE-shm beside it; ask an administrator for write access to both");
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return _("the store is damaged: run `casedesk store check`, and restore it from a backup");
	if (code == SQLITE_IOERR)
		return _("the disk could not be read or written: check the disk and the system log, then run "
			 "`casedesk store check`");
	return NULL;
}

int st_fail(struct cd_store *s, const char *doing, struct cd_error *err)
{
	const char *hint = trouble(s ? s->db : NULL);
	if (hint)
		return cd_error_set(err, CD_ESTORE, _("store %s: %s while %s; %s"), s && s->path ? s->path : "?",
				    sqlite3_errmsg(s->db), doing, hint);
	return cd_error_set(err, CD_ESTORE, _("store %s: %s while %s"),
			    s && s->path ? s->path : "?", s && s->db ? sqlite3_errmsg(s->db) : "no database",
			    doing);
}

int st_row(struct cd_store *s, sqlite3_stmt *st, const char *doing, struct cd_error *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	st_fail(s, doing, err);
	return -1;
}

int st_count(struct cd_store *s, const char *sql, const char *doing, int64_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	*n = 0;
	if (rc)
		return rc;
	int r = st_row(s, st, doing, err);
	if (r > 0)
		*n = sqlite3_column_int64(st, 0);
	else if (r < 0)
		rc = CD_ESTORE;
	st_finish(s, st);
	return rc;
}

int st_prepare(struct cd_store *s, const char *sql, sqlite3_stmt **st, struct cd_error *err)
{
	for (int i = 0; i < s->n_cache; i++) {
		struct stmt_slot *slot = &s->cache[i];
		/* Same pointer is not enough: SQL built in a stack buffer may reuse an address. */
		if (slot->sql == sql && !slot->busy && strcmp(sqlite3_sql(slot->st), sql) == 0) {
			slot->busy = 1;
			*st = slot->st;
			return CD_OK;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return st_fail(s, _("preparing a query"), err);
	}
	assert(s->n_cache <= STORE_STMT_CACHE);
	if (s->n_cache < STORE_STMT_CACHE) {
		s->cache[s->n_cache].sql = sql;
		s->cache[s->n_cache].st = *st;
		s->cache[s->n_cache].busy = 1;
		s->n_cache++;
	}
	return CD_OK;
}

void st_finish(struct cd_store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; s && i < s->n_cache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

static void cache_clear(struct cd_store *s)
{
	for (int i = 0; i < s->n_cache; i++)
		sqlite3_finalize(s->cache[i].st);
	s->n_cache = 0;
}

int st_exec(struct cd_store *s, const char *sql, struct cd_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return st_fail(s, _("writing"), err);
	return CD_OK;
}

int st_bind_text(sqlite3_stmt *st, int idx, const char *text)
{
	if (!text)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

char *st_dup_column(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? strdup((const char *)t) : NULL;
}

/* ---- ids and time ------------------------------------------------------------------ */

void cd_uuid7(char out[37])
{
	unsigned char b[16];
	struct timespec ts;
	uint64_t ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* getrandom on Linux does not fail for 16 bytes once the pool is ready;
		 * fall back to the clock's nanoseconds mixed with the pid, still unique enough
		 * within this process and never silently all-zero. */
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
		for (int i = 0; i < 16; i++, x = x * 6364136223846793005u + 1442695040888963407u)
			b[i] = (unsigned char)(x >> 56);
	}
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	/* By hand rather than snprintf: every row of every change gets one. */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

long store_today(const struct cd_store *s)
{
	if (s && s->pinned_today >= 0)
		return s->pinned_today;
	return cd_days_today();
}

void store_now(const struct cd_store *s, char *buf, unsigned size)
{
	struct timespec ts;
	struct tm tm;
	int y, m, d;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	d = tm.tm_mday;
	if (s && s->pinned_today >= 0)
		cd_days_to_date(s->pinned_today, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", y, m, d, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

/* ---- transactions ------------------------------------------------------------------ */

static void busy_pause(int attempt)
{
	/* 5, 10, 20 ... 200 ms with jitter, so eight desks do not retry in lockstep. */
	unsigned char r = 0;
	long ms = 5L << (attempt < 5 ? attempt : 5);
	if (ms > 200)
		ms = 200;
	if (getrandom(&r, 1, 0) == 1)
		ms += r % 20;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Runs a statement that may meet another writer's lock, retrying until STORE_BUSY_GIVE_UP_S. */
static int exec_retrying(struct cd_store *s, const char *sql, const char *doing, struct cd_error *err)
{
	time_t start = time(NULL);
	for (int attempt = 0;; attempt++) {
		int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return CD_OK;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return st_fail(s, doing, err);
		if (time(NULL) - start > STORE_BUSY_GIVE_UP_S)
			return cd_error_set(err, CD_ESTORE,
					    ngettext("store %s: another process has held the store for over %d second "
						     "while %s; find it with `fuser %s` and try again",
						     "store %s: another process has held the store for over %d seconds "
						     "while %s; find it with `fuser %s` and try again",
						     (unsigned long)STORE_BUSY_GIVE_UP_S),
					    s->path, STORE_BUSY_GIVE_UP_S, doing, s->path);
		busy_pause(attempt);
	}
}

/* The outermost transaction is over: whoever asked to hear of it (audit.c's seal key) hears once. */
static void txn_ended(struct cd_store *s, int committed)
{
	if (s->txn_end)
		s->txn_end(s, committed);
}

static void damage_path(const char *store_path, char *out, size_t size)
{
	snprintf(out, size, "%s-damaged", store_path);
}

/*
 * The mark is "STORE_UUID<TAB>WHEN FINDING": it applies to the store with that uuid only,
 * so that a backup copied over the damaged store stays refused until checked, while a new
 * store made under the same name (init, demo) is not refused for its predecessor.
 */
static int damage_read(const char *store_path, const char *uuid, char *finding, size_t size)
{
	char path[4200], text[600];
	FILE *f;
	size_t n;

	assert(size > 0);
	finding[0] = '\0';
	damage_path(store_path, path, sizeof path);
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : 1;   /* there but unreadable: still marked */
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	const char *tab = strchr(text, '\t'), *what = tab ? tab + 1 : text;
	if (tab && uuid && ((size_t)(tab - text) != strlen(uuid) || strncmp(text, uuid, strlen(uuid)) != 0))
		return 0;                         /* another store's mark */
	snprintf(finding, size, "%s", what);
	return 1;
}

int store_damage_read(const char *store_path, char *finding, size_t size)
{
	return damage_read(store_path, NULL, finding, size);
}

int store_damage_mark(struct cd_store *s, const char *finding, struct cd_error *err)
{
	char path[4200], tmp[4300], now[32];
	FILE *f;
	int ok;

	damage_path(s->path, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
	store_now(s, now, sizeof now);
	if (!(f = fopen(tmp, "w")))
		return cd_error_set(err, CD_ESTORE, _("cannot record the damage of %s in %s: %s"), s->path, path,
				    strerror(errno));
	ok = fprintf(f, "%s\t%s %s\n", s->uuid, now, finding) > 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return cd_error_set(err, CD_ESTORE, _("cannot record the damage of %s in %s: %s"), s->path, path,
				    strerror(e));
	}
	return CD_OK;
}

int store_damage_clear(struct cd_store *s, struct cd_error *err)
{
	char path[4200];
	damage_path(s->path, path, sizeof path);
	if (unlink(path) != 0 && errno != ENOENT)
		return cd_error_set(err, CD_ESTORE, _("cannot remove %s after a clean check: %s"), path, strerror(errno));
	return CD_OK;
}

int store_begin(struct cd_store *s, struct cd_error *err)
{
	assert(s->txn_depth >= 0);
	if (s->txn_depth > 0) {
		s->txn_depth++;
		return CD_OK;
	}
	/* One stat per change: a store found damaged takes no change until it is repaired. */
	char finding[400];
	if (!s->repairing && damage_read(s->path, s->uuid, finding, sizeof finding))
		return cd_error_set(err, CD_ESTORE,
				    _("store %s was found damaged by `casedesk store check` and takes no changes "
				      "until it is repaired (found: %s); see \"A damaged store\" in the README, then "
				      "run `casedesk store check` again"),
				    s->path, finding[0] ? finding : "?");
	s->txn_depth++;
	s->txn_doomed = 0;
	int rc = exec_retrying(s, "BEGIN IMMEDIATE", _("starting a change"), err);
	if (rc != CD_OK)
		s->txn_depth = 0;
	return rc;
}

int store_commit(struct cd_store *s, struct cd_error *err)
{
	if (s->txn_depth <= 0)
		return cd_error_set(err, CD_EINTERNAL, "store_commit without store_begin");
	if (--s->txn_depth > 0)
		return CD_OK;
	if (s->txn_doomed) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		txn_ended(s, 0);
		return cd_error_set(err, CD_ESTORE, _("a part of this change failed; nothing was saved"));
	}
	int rc = exec_retrying(s, "COMMIT", _("saving a change"), err);
	if (rc != CD_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	txn_ended(s, rc == CD_OK);
	return rc;
}

void store_rollback(struct cd_store *s)
{
	/* Nested levels only ever come back down: a depth below zero is a rollback too many. */
	assert(s->txn_depth >= 0);
	if (s->txn_depth <= 0)
		return;
	if (--s->txn_depth > 0) {
		s->txn_doomed = 1;
		return;
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	txn_ended(s, 0);
}

int64_t store_data_version(struct cd_store *s)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	return v;
}

int store_set_bulk(struct cd_store *s, int on, struct cd_error *err)
{
	int rc = CD_OK;
	if (!on && s->bulk) {
		if ((rc = store_begin(s, err)))
			return rc;
		if ((rc = st_exec(s, SEARCH_INDEX_CLEAR_SQL, err)) || (rc = st_exec(s, SEARCH_INDEX_FILL_SQL, err))) {
			store_rollback(s);
			return rc;
		}
		if ((rc = store_commit(s, err)))
			return rc;
	}
	s->bulk = on;
	/* Generating synthetic data needs no durability per row: the whole demo is redone
	 * if the machine dies.  Real work always runs with synchronous=FULL. */
	sqlite3_exec(s->db, on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	/* A large page cache while generating: the indexes of a million people do not fit
	 * the default 2 MB, and every miss is a read from disk. */
	sqlite3_exec(s->db, on ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-8192", NULL, NULL, NULL);
	return rc;
}

const char *store_office(const struct cd_store *s) { return s->office; }
int store_is_training(const struct cd_store *s) { return s->training; }
int store_schema_version(const struct cd_store *s) { return s->schema_version; }
const char *store_path(const struct cd_store *s) { return s->path; }

/* ---- bookkeeping rows -------------------------------------------------------------- */

int store_number_ranges(struct cd_store *s, const char *series, int year, struct kit_range **out, size_t *n,
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct kit_range *r = NULL;
	size_t cap = 0;
	int rc = st_prepare(s, "SELECT first, last, coalesce(returned, 0) FROM number_blocks"
			       " WHERE series = ?1 AND year = ?2 ORDER BY first", &st, err);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, series);
	sqlite3_bind_int(st, 2, year);
	for (;;) {
		int got = st_row(s, st, _("reading the leased blocks of numbers"), err);
		if (got < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		if (!got)
			break;
		ST_GROW(r, *n, cap);
		r[*n].first = sqlite3_column_int64(st, 0);
		r[*n].last = sqlite3_column_int64(st, 1);
		r[*n].returned = sqlite3_column_int64(st, 2);
		(*n)++;
	}
out:
	st_finish(s, st);
	if (rc) {
		free(r);
		r = NULL;
		*n = 0;
	}
	*out = r;
	return rc;
}

int store_own_number_ranges(struct cd_store *s, const char *series, int year, struct kit_range **out, size_t *n,
			    int *holds, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct kit_range *r = NULL;
	size_t cap = 0;
	int rc = st_prepare(s, "SELECT first, last, coalesce(returned, 0), series = ?1 AND year = ?2 FROM number_blocks"
			       " WHERE kit_uuid = ?3 ORDER BY first", &st, err);
	*out = NULL;
	*n = 0;
	*holds = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, series);
	sqlite3_bind_int(st, 2, year);
	st_bind_text(st, 3, s->uuid);
	for (;;) {
		int got = st_row(s, st, _("reading the leased blocks of numbers"), err);
		if (got < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		if (!got)
			break;
		*holds = 1;
		if (!sqlite3_column_int(st, 3))
			continue;
		ST_GROW(r, *n, cap);
		r[*n].first = sqlite3_column_int64(st, 0);
		r[*n].last = sqlite3_column_int64(st, 1);
		r[*n].returned = sqlite3_column_int64(st, 2);
		(*n)++;
	}
out:
	st_finish(s, st);
	if (rc) {
		free(r);
		r = NULL;
		*n = 0;
	}
	*out = r;
	return rc;
}

/*
 * The number after `counter` of counter `name` ("case:RP:2026"): on a field kit (the
 * setting kit_name, model/store/kit.c) the next of its leased blocks, refused saying how to
 * get more when they are spent or there is none for the year; elsewhere counter + 1,
 * skipping the blocks leased to kits.
 */
static int next_number(struct cd_store *s, const char *name, int64_t counter, int64_t *next, struct cd_error *err)
{
	char series[32], kit[64];
	struct kit_range *r = NULL;
	size_t n = 0;
	int year, found, rc;

	if ((rc = kit_series_split(name, series, sizeof series, &year, err)))
		return rc;
	if ((found = st_setting_read(s, "kit_name", kit, sizeof kit, err)) < 0)
		return CD_ESTORE;
	if ((rc = store_number_ranges(s, series, year, &r, &n, err)))
		return rc;
	if (!found) {
		/* An office that leases its own numbers from the national tier numbers from those
		 * blocks only (the tier leases kits' blocks it does not know of); one without a
		 * tier counts on, skipping the blocks it leased to its kits. */
		struct kit_range *own = NULL;
		size_t n_own = 0;
		int holds = 0;
		if ((rc = store_own_number_ranges(s, series, year, &own, &n_own, &holds, err)))
			goto out;
		*next = holds ? kit_kit_next(own, n_own, counter) : kit_office_next(r, n, counter);
		free(own);
		if (!*next) {
			char form[48];
			kit_number_text(s->office, series, year, -1, form, sizeof form);
			rc = cd_error_set(err, CD_EREFUSED,
					  _("office %s takes its numbers %s from blocks leased by the national tier, and holds "
					    "no unused one: run `casedesk sync`, which leases the next block"),
					  s->office, form);
		}
		goto out;
	}
	if ((*next = kit_kit_next(r, n, counter)))
		goto out;
	if (!n && year) {
		char form[48];
		kit_number_text(s->office, series, year, -1, form, sizeof form);
		rc = cd_error_set(err, CD_EREFUSED,
				  _("field kit %s holds no numbers %s (a block is leased per year): run "
				    "`casedesk kit topup --kit KITFILE --block N --year %d` on the office store, or sync"),
				  kit, form, year);
	}
	else {
		char last[48];
		kit_number_text(s->office, series, year, n ? r[n - 1].last : 0, last, sizeof last);
		rc = cd_error_set(err, CD_EREFUSED,
				  _("field kit %s has used every number leased to it (%s was the last): no new "
				    "number until the office leases more: run `casedesk kit topup --kit KITFILE "
				    "--block N` on the office store, or sync"), kit, last);
	}
out:
	free(r);
	return rc;
}

int store_next_counter(struct cd_store *s, const char *name, int64_t *value, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	/* Read and bump inside the caller's write transaction: no other desk can interleave. */
	int rc = st_prepare(s, "SELECT value FROM counters WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	/* A failed read must not restart the numbering at 1. */
	if ((rc = st_row(s, st, _("numbering"), err)) < 0) {
		st_finish(s, st);
		return CD_ESTORE;
	}
	{
		/* The next number comes from kit.c: on a field kit the next one of its leased
		 * blocks (refused when they are spent), on an office store counter + 1 skipping
		 * the blocks leased to kits.  Read and written in the caller's transaction, so a
		 * registration that rolls back takes no number with it. */
		int64_t cur = rc ? sqlite3_column_int64(st, 0) : 0;
		st_finish(s, st);
		if ((rc = next_number(s, name, cur, value, err)))
			return rc;
	}
	if ((rc = st_prepare(s, "INSERT OR REPLACE INTO counters(name, value) VALUES (?1, ?2)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *value);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("numbering"), err);
	st_finish(s, st);
	return rc;
}

/* store_add_event and store_add_audit, with their hash chains and seals: audit.c. */

/* store_add_outbox, which signs each op with this store's key (schema 27): oplog.c. */

int store_checkpoint(struct cd_store *s, struct cd_error *err)
{
	int busy = 0, rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, &busy);
	if (rc != SQLITE_OK)
		return st_fail(s, _("folding the write-ahead log into the store"), err);
	return CD_OK;
}

int store_unsynced_count(struct cd_store *s, int64_t *count, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	/* This store's own ops that are nowhere else yet: neither sent to the national tier
	 * (oplog.c: above the mark of those sent, schema 28) nor acknowledged by a store a
	 * bundle took them to (own_acks: the highest own op each receiver has).  A kit that
	 * only carries bundles sees its count fall when the acknowledgement comes back. */
	int rc = st_prepare(s, "SELECT count(*) FROM outbox WHERE origin = ?1 AND sent_at IS NULL AND acked_at IS NULL"
			    " AND origin_seq > max(coalesce((SELECT max(upto_seq) FROM outbox_sent WHERE origin = ?1), 0),"
			    " coalesce((SELECT max(acked_seq) FROM own_acks), 0))", &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, s->uuid);
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	else
		rc = st_fail(s, _("counting unsynced changes"), err);
	st_finish(s, st);
	return rc;
}

/* Whether an integrity_check line reports a page it could not read ("error code=266"). */
static int unreadable_page(const char *line)
{
	const char *p = strstr(line, "error code=");
	long code;
	if (!p)
		return 0;
	p += strlen("error code=");
	code = strtol(p, NULL, 10);
	return (code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_NOMEM || (code & 0xff) == SQLITE_BUSY;
}

static int integrity_once(struct cd_store *s, char *finding, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "PRAGMA integrity_check", &st, err);

	assert(size > 0);
	finding[0] = '\0';
	if (rc)
		return rc;
	int r = st_row(s, st, _("checking integrity"), err);
	if (r < 0) {
		rc = CD_ESTORE;
	} else if (r == 0) {
		rc = st_fail(s, _("checking integrity"), err);
	} else {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		/* A page the check could not read is the disk's failure to report, not a finding
		 * about the store: marking it damaged would blame the file for the disk. */
		if (line && unreadable_page(line))
			rc = cd_error_set(err, CD_ESTORE,
					  _("store %s: the disk could not be read while checking integrity; check the "
					    "disk and the system log, then run `casedesk store check` again"), s->path);
		else if (!line || strcmp(line, "ok") != 0) {
			snprintf(finding, size, "%s", line ? line : "?");
			for (char *p = finding; *p; p++)   /* SQLite's lines, as one line for the message */
				if (*p == '\n')
					*p = ' ';
		}
	}
	st_finish(s, st);
	return rc;
}

int store_integrity_check(struct cd_store *s, char *finding, size_t size, struct cd_error *err)
{
	int rc = integrity_once(s, finding, size, err);
	if (rc || !finding[0])
		return rc;
	/* Damage is there every time; a page that failed to read once ("failed to get page")
	 * may be the disk's passing failure.  A second check tells them apart. */
	if ((rc = integrity_once(s, finding, size, err)))
		return rc;
	if (!finding[0])
		return cd_error_set(err, CD_ESTORE,
				    _("store %s: the disk could not be read while checking integrity; check the "
				      "disk and the system log, then run `casedesk store check` again"), s->path);
	return CD_OK;
}

/* One number from a query, or -1 with err filled. */
static int64_t count_of(struct cd_store *s, const char *sql, const char *doing, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (st_prepare(s, sql, &st, err))
		return -1;
	int r = st_row(s, st, doing, err);
	if (r > 0)
		n = sqlite3_column_int64(st, 0);
	else if (r == 0)
		st_fail(s, doing, err);
	st_finish(s, st);
	return n;
}

int store_search_index_check(struct cd_store *s, int64_t *mismatched, struct cd_error *err)
{
	static const char *const counts[] = {
		/* Every person the index should hold (SEARCH_INDEXED_SQL) has rows, and no one else. */
		"SELECT count(*) FROM person p WHERE " SEARCH_INDEXED_SQL
		" AND NOT EXISTS (SELECT 1 FROM person_fts f WHERE f.rowid = p.id)",
		"SELECT count(*) FROM person p WHERE " SEARCH_INDEXED_SQL
		" AND NOT EXISTS (SELECT 1 FROM person_key k WHERE k.rowid = p.id)",
		"SELECT count(*) FROM person_fts f WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = f.rowid"
		" AND " SEARCH_INDEXED_SQL ")",
		"SELECT count(*) FROM person_key k WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = k.rowid"
		" AND " SEARCH_INDEXED_SQL ")",
	};
	static const char *const fts[] = { "person_fts", "person_key" };
	*mismatched = 0;
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
		int64_t n = count_of(s, counts[i], _("checking the search index"), err);
		if (n < 0)
			return CD_ESTORE;
		*mismatched += n;
	}
	/* FTS5's own check: the index agrees with the rows it holds. */
	for (size_t i = 0; i < 2; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES ('integrity-check')", fts[i], fts[i]);
		int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if ((rc & 0xff) == SQLITE_CORRUPT)
			(*mismatched)++;
		else if (rc != SQLITE_OK)
			return st_fail(s, _("checking the search index"), err);
	}
	return CD_OK;
}

int store_checks_trail_check(struct cd_store *s, int64_t *mismatched, struct cd_error *err)
{
	/* Per case, list and answer: as many recorded answers as `check` events, either way.
	 * Rows from before schema 12 (no recorded_by, no event) and purged cases (rows gone,
	 * events emptied) are not compared; a network check (checkqueue.c) has its event once
	 * answered (clear, hit, error), none while it waits. */
	static const char sql[] =
		"WITH r AS (SELECT case_id c, list l, result v, count(*) n FROM checks"
		"  WHERE (source IN ('hand','demo') AND recorded_by IS NOT NULL)"
		"   OR (source = 'network' AND result IN ('clear','hit','error')) GROUP BY 1, 2, 3),"
		" e AS (SELECT case_id c, field l, new_value v, count(*) n FROM event WHERE kind = 'check'"
		"  GROUP BY 1, 2, 3),"
		" k AS (SELECT c, l, v FROM r UNION SELECT c, l, v FROM e)"
		" SELECT coalesce(sum(abs(coalesce(r.n, 0) - coalesce(e.n, 0))), 0)"
		" FROM k LEFT JOIN r ON r.c IS k.c AND r.l IS k.l AND r.v IS k.v"
		" LEFT JOIN e ON e.c IS k.c AND e.l IS k.l AND e.v IS k.v"
		" WHERE NOT EXISTS (SELECT 1 FROM cases x WHERE x.id = k.c AND x.purge_action = 'purge')";
	int64_t n = count_of(s, sql, _("comparing the checks with their history"), err);
	if (n < 0)
		return CD_ESTORE;
	*mismatched = n;
	return CD_OK;
}

int store_search_index_rebuild(struct cd_store *s, struct cd_error *err)
{
	int rc;
	s->repairing = 1;
	rc = store_begin(s, err);
	s->repairing = 0;
	if (rc)
		return rc;
	if ((rc = st_exec(s, SEARCH_INDEX_CLEAR_SQL, err)) || (rc = st_exec(s, SEARCH_INDEX_FILL_SQL, err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- open, create, migrate ---------------------------------------------------------- */

static int pragma_int(struct cd_store *s, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = SQLITE_ERROR;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	st_finish(s, st);
	return rc;
}

static int configure_connection(struct cd_store *s, struct cd_error *err)
{
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/* The search index's name keys are computed in C (migrations and bulk fills use it). */
	if (namekeys_register(s->db) != SQLITE_OK || schema_register_sql(s->db) != SQLITE_OK)
		return st_fail(s, _("registering the search functions"), err);
	if (exec_retrying(s, "PRAGMA journal_mode=WAL", _("switching to WAL"), err))
		return err ? err->code : CD_ESTORE;
	/* An 8 MB page cache (SQLite's default is 2 MB): a search at a million people reads the
	 * same index pages key after key, and each miss is a read through the kernel.  The
	 * desk stays near 23 MB resident, under the 40 MB of a thin client's budget. */
	if (st_exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192;", err))
		return CD_ESTORE;
	/* Setgid: SQLite's temporary files (big sorts) would be the user's own in /tmp or
	 * $SQLITE_TMPDIR, open to the user between their creation and unlink: keep them in memory. */
	if (privilege_setgid() && st_exec(s, "PRAGMA temp_store=MEMORY;", err))
		return CD_ESTORE;
	return CD_OK;
}

static int migrate(struct cd_store *s, int target, struct cd_error *err)
{
	int version = 0, rc;

	if ((rc = store_begin(s, err)))
		return rc;
	/* Read the version again under the write lock: another desk may have migrated first. */
	if (pragma_int(s, "PRAGMA user_version", &version) != SQLITE_OK) {
		rc = st_fail(s, _("reading the schema version"), err);
		goto out;
	}
	for (; version < target; version++) {
		char sql[64];
		if (sqlite3_exec(s->db, schema_migration(version), NULL, NULL, NULL) != SQLITE_OK) {
			rc = cd_error_set(err, CD_ESTORE,
					  _("store %s: migrating from schema version %d failed: %s; "
					    "the store was left unchanged"),
					  s->path, version, sqlite3_errmsg(s->db));
			goto out;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", version + 1);
		if ((rc = st_exec(s, sql, err)))
			goto out;
	}
	s->schema_version = version;
	rc = store_commit(s, err);
	return rc;
out:
	store_rollback(s);
	return rc;
}

/* 1 with the value in buf, 0 when the setting is absent, -1 with err filled when the read failed. */
int st_setting_read(struct cd_store *s, const char *key, char *buf, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st;
	int found;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) {
		st_fail(s, _("reading the store's settings"), err);
		return -1;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((found = st_row(s, st, _("reading the store's settings"), err)) > 0)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	return found;
}

int st_setting_write(struct cd_store *s, const char *key, const char *value, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("writing settings"), err);
	st_finish(s, st);
	return rc;
}

/* The store's name-key version (1 when it keeps none), or -1 with err filled. */
static int keys_version(struct cd_store *s, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int v = -1, r;
	if (st_prepare(s, "SELECT value FROM settings WHERE key = 'name_keys'", &st, err))
		return -1;
	r = st_row(s, st, _("reading the store's settings"), err);
	if (r > 0)
		v = sqlite3_column_int(st, 0);
	else if (r == 0)
		v = 1;
	st_finish(s, st);
	return v;
}

/*
 * Rebuilds the search index of a store whose name keys are older than NAMEKEYS_VERSION
 * (namekeys.h), in one transaction that records the new version.  A store that cannot be
 * written now (marked damaged, busy) is left for its next opening: CD_OK.
 */
static int name_keys_ensure(struct cd_store *s, struct cd_error *err)
{
	struct cd_error begin_err = CD_ERROR_INIT;
	char sql[128];
	int v, rc;

	if ((v = keys_version(s, err)) < 0)
		return CD_ESTORE;
	if (v >= NAMEKEYS_VERSION)
		return CD_OK;
	/* Not now: the store refuses writes (damaged: `store check` and repair need it open)
	 * or another desk holds it; the index is rebuilt at the next opening. */
	if (store_begin(s, &begin_err))
		return CD_OK;
	/* Another desk may have rebuilt it while this one waited for the write lock. */
	if ((v = keys_version(s, err)) < 0) {
		rc = CD_ESTORE;
		goto fail;
	}
	if (v >= NAMEKEYS_VERSION) {
		store_rollback(s);
		return CD_OK;
	}
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO settings(key, value) VALUES ('name_keys', '%d')",
		 NAMEKEYS_VERSION);
	if ((rc = st_exec(s, SEARCH_INDEX_CLEAR_SQL, err)) || (rc = st_exec(s, SEARCH_INDEX_FILL_SQL, err)) ||
	    (rc = st_exec(s, sql, err)))
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return rc;
}

static void pin_clock(struct cd_store *s)
{
	const char *pin = getenv("CASEDESK_TODAY");
	long day;
	s->pinned_today = -1;
	if (s->training && pin && *pin && cd_days_parse(pin, "CASEDESK_TODAY", &day, NULL) == CD_OK)
		s->pinned_today = day;
}

static int valid_office(const char *office)
{
	size_t n = strlen(office);
	if (n < 2 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (office[i] < 'A' || office[i] > 'Z')
			return 0;
	return 1;
}

static int insert_user(struct cd_store *s, const char *name, const char *os_account, unsigned roles,
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32];
	int rc = st_prepare(s, "INSERT INTO users(uuid, name, os_account, roles, created_at)"
			       " VALUES (?1,?2,?3,?4,?5)", &st, err);
	if (rc)
		return rc;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, name);
	st_bind_text(st, 3, os_account);
	sqlite3_bind_int(st, 4, (int)roles);
	st_bind_text(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("adding a user"), err);
	st_finish(s, st);
	return rc;
}

int store_create(const char *path, const struct cd_store_create_opts *opts, struct cd_error *err)
{
	struct cd_store s = { 0 };
	char uuid[37], now[32];
	int fd, rc = CD_OK;
	int target = opts->schema_version ? opts->schema_version : CD_SCHEMA_VERSION;
	const char *office = opts->office ? opts->office : "TBS";

	if (!valid_office(office))
		return cd_error_set(err, CD_EINPUT,
				    _("--office %s: an office code is 2 to 5 capital letters (e.g. TBS)"),
				    office);
	/* O_EXCL: two `init`s racing, or one on an existing store, cannot both win. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0660);
	if (fd < 0) {
		if (errno == EEXIST)
			return cd_error_set(err, CD_EUSAGE,
					    _("%s already exists; casedesk never overwrites a store. "
					      "Choose another file or remove this one yourself"), path);
		return cd_error_set(err, CD_ESTORE, _("cannot create %s: %s"), path, strerror(errno));
	}
	/* Installed setgid, every user opens the store through the group: whatever the umask of
	 * the account that made it, the group may read and write it (SQLite gives its journals
	 * the store's mode). */
	if (privilege_setgid() && fchmod(fd, 0660) != 0) {
		rc = cd_error_set(err, CD_ESTORE, _("cannot open %s to the casedesk group: %s"), path, strerror(errno));
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);

	s.path = (char *)path;
	s.pinned_today = -1;
	s.training = opts->training;
	if (sqlite3_open_v2(path, &s.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = st_fail(&s, _("creating the store"), err);
		goto fail;
	}
	{
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id=%d", CD_APPLICATION_ID);
		if ((rc = st_exec(&s, sql, err)))
			goto fail;
	}
	if ((rc = configure_connection(&s, err)) || (rc = migrate(&s, target, err)))
		goto fail;
	pin_clock(&s);
	if ((rc = store_begin(&s, err)))
		goto fail;
	cd_uuid7(uuid);
	store_now(&s, now, sizeof now);
	if ((rc = st_setting_write(&s, "office", office, err)) ||
	    (rc = st_setting_write(&s, "training", opts->training ? "1" : "0", err)) ||
	    (rc = st_setting_write(&s, "store_uuid", uuid, err)) ||
	    (rc = st_setting_write(&s, "created_at", now, err)))
		goto fail_txn;
	if (opts->training) {
		static const char *const names[] = { "clerk", "caseworker", "supervisor", "admin" };
		for (int i = 0; i < 4; i++)
			if ((rc = insert_user(&s, names[i], NULL, cd_role_from_name(names[i]), err)))
				goto fail_txn;
	} else if (opts->admin_os_account) {
		if ((rc = insert_user(&s, opts->admin_os_account, opts->admin_os_account,
				      CD_ROLE_ADMIN, err)))
			goto fail_txn;
	}
	if ((rc = store_commit(&s, err)))
		goto fail;
	cache_clear(&s);
	sqlite3_close(s.db);
	return CD_OK;
fail_txn:
	store_rollback(&s);
fail:
	cache_clear(&s);
	if (s.db)
		sqlite3_close(s.db);
	/* Nothing of a half-made store is left behind to be mistaken for a real one. */
	store_remove_files(path);
	return rc;
}

void store_remove_files(const char *path)
{
	static const char *const sides[] = { "-wal", "-shm" };
	char side[4200];

	unlink(path);
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		snprintf(side, sizeof side, "%s%s", path, sides[i]);
		unlink(side);
	}
}

/*
 * Before SQLite sees the file: is it there, readable, writable (with its folder), and does
 * its header look like a SQLite database?  SQLite itself answers "file is not a database"
 * for an empty file, a foreign file and a damaged header alike, and "disk I/O error" for a
 * read-only folder; a person needs to know which.
 */
static int check_file(const char *path, struct stat *sb, struct cd_error *err)
{
	static const unsigned char magic[16] = "SQLite format 3";   /* with its NUL */
	unsigned char h[100];
	char dir[4096], side[4200];
	ssize_t n;
	int fd;

	if (stat(path, sb) != 0) {
		if (errno == ENOENT)
			return cd_error_set(err, CD_ESTORE,
					    _("no store at %s; create one with `casedesk init` or `casedesk demo`"), path);
		return cd_error_set(err, CD_ESTORE, _("cannot reach the store %s: %s"), path, strerror(errno));
	}
	if (!S_ISREG(sb->st_mode))
		return cd_error_set(err, CD_ESTORE, _("%s is not a file, so not a casedesk store"), path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return cd_error_set(err, CD_ESTORE,
				    _("cannot read the store %s: %s; ask an administrator for read and write access"),
				    path, strerror(errno));
	n = read(fd, h, sizeof h);
	close(fd);
	if (n == 0)
		return cd_error_set(err, CD_ESTORE,
				    _("%s is an empty file, not a casedesk store (casedesk never leaves an empty "
				      "store); remove it, or give the right file"), path);
	if (n < 0)
		return cd_error_set(err, CD_ESTORE,
				    _("cannot read the store %s: %s; check the disk and the system log"), path,
				    strerror(errno));
	if ((size_t)n < sizeof h || memcmp(h, magic, sizeof magic) != 0)
		return cd_error_set(err, CD_ESTORE,
				    _("%s is not a SQLite file, so not a casedesk store - or its first bytes were "
				      "overwritten; if it was a store, restore it from a backup"), path);
	/* The format bytes every SQLite 3 file carries: page size a power of two from 512 to
	 * 65536 (1 meaning 65536), file format 1 or 2, payload fractions 64, 32, 32. */
	unsigned page = (unsigned)h[16] << 8 | h[17];
	if (page == 1)
		page = 65536;
	if (page < 512 || (page & (page - 1)) || h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2 || h[21] != 64 ||
	    h[22] != 32 || h[23] != 32)
		return cd_error_set(err, CD_ESTORE,
				    _("the header of %s is damaged: it begins like a SQLite file but its format "
				      "bytes are impossible; restore the store from a backup"), path);
	/* AT_EACCESS: the effective ids write the store (installed setgid, the group's), not the real ones. */
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0) {
		if (errno == EROFS)
			return cd_error_set(err, CD_ESTORE,
					    _("%s is on a read-only file system: casedesk writes to its store; mount it "
					      "read-write, or copy the store to a writable disk"), path);
		return cd_error_set(err, CD_ESTORE,
				    _("%s is read-only for this account (mode %03o): casedesk writes to its store; ask an "
				      "administrator for write access"), path, (unsigned)(sb->st_mode & 0777));
	}
	/* WAL mode creates STORE-wal and STORE-shm beside the store. */
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	snprintf(side, sizeof side, "%s-wal", path);
	int wal_ok = faccessat(AT_FDCWD, side, W_OK, AT_EACCESS) == 0;
	snprintf(side, sizeof side, "%s-shm", path);
	int shm_ok = faccessat(AT_FDCWD, side, W_OK, AT_EACCESS) == 0;
	if (!(wal_ok && shm_ok) && faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0) {
		if (errno == EROFS)
			return cd_error_set(err, CD_ESTORE,
					    _("%s is on a read-only file system: casedesk writes to its store; mount it "
					      "read-write, or copy the store to a writable disk"), path);
		return cd_error_set(err, CD_ESTORE,
				    _("the folder %s is read-only for this account: casedesk creates %s-wal and %s-shm "
				      "beside the store; ask an administrator for write access to the folder"),
				    dir, path, path);
	}
	return CD_OK;
}

int store_open(const char *path, struct cd_store **out, struct cd_error *err)
{
	struct cd_store *s;
	int app_id = 0, version = 0, rc, found;
	char buf[64];
	struct stat sb;

	*out = NULL;
	if ((rc = check_file(path, &sb, err)))
		return rc;
	s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	s->pinned_today = -1;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = st_fail(s, _("opening the store"), err);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if (pragma_int(s, "PRAGMA application_id", &app_id) != SQLITE_OK) {
		/* The header looked like SQLite's (check_file): a refusal now is damage or the disk. */
		rc = st_fail(s, _("reading the store's header"), err);
		goto fail;
	}
	if (app_id != CD_APPLICATION_ID) {
		rc = cd_error_set(err, CD_ESTORE,
				  _("%s is not a casedesk store (it is some other SQLite file); "
				    "casedesk leaves it untouched"), path);
		goto fail;
	}
	if (pragma_int(s, "PRAGMA user_version", &version) != SQLITE_OK) {
		rc = st_fail(s, _("reading the schema version"), err);
		goto fail;
	}
	if (version > CD_SCHEMA_VERSION) {
		rc = cd_error_set(err, CD_ESTORE,
				  _("%s has schema version %d, newer than this casedesk understands (%d); "
				    "upgrade casedesk before opening it"),
				  path, version, CD_SCHEMA_VERSION);
		goto fail;
	}
	if ((rc = configure_connection(s, err)))
		goto fail;
	s->schema_version = version;
	if (version < CD_SCHEMA_VERSION && (rc = migrate(s, CD_SCHEMA_VERSION, err)))
		goto fail;
	if ((found = st_setting_read(s, "office", buf, sizeof buf, err)) < 0) {
		rc = CD_ESTORE;
		goto fail;
	}
	if (found)
		snprintf(s->office, sizeof s->office, "%s", buf);
	if ((found = st_setting_read(s, "training", buf, sizeof buf, err)) < 0) {
		rc = CD_ESTORE;
		goto fail;
	}
	if (found)
		s->training = strcmp(buf, "1") == 0;
	if ((found = st_setting_read(s, "store_uuid", buf, sizeof buf, err)) < 0) {
		rc = CD_ESTORE;
		goto fail;
	}
	if (found)
		snprintf(s->uuid, sizeof s->uuid, "%s", buf);
	pin_clock(s);
	/* Name keys older than this casedesk's: the search index is rebuilt once. */
	if ((rc = name_keys_ensure(s, err)))
		goto fail;
	*out = s;
	return CD_OK;
fail:
	store_close(s);
	return rc;
}

void store_close(struct cd_store *s)
{
	if (!s)
		return;
	txn_ended(s, 0);
	cache_clear(s);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	free(s);
}
