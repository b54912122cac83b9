/*
 * store.c - opening, creating, migrating and transacting on the case store, and the
 * bookkeeping rows (event, audit, outbox) every change writes.  See store.h for the why.
 */
#include "model/store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
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
#include "model/store/namekeys.h"
#include "model/store/roles.h"
#include "model/store/schema.h"

/* How long a desk waits for another desk's write before it gives up and says so. */
#define STORE_BUSY_TIMEOUT_MS 2000
#define STORE_BUSY_GIVE_UP_S 120

/* ---- statement helpers ------------------------------------------------------------ */

int st_fail(struct cd_store *s, const char *doing, struct cd_error *err)
{
	return cd_error_set(err, CD_ESTORE, _("store %s: %s while %s"),
			    s && s->path ? s->path : "?", s && s->db ? sqlite3_errmsg(s->db) : "no database",
			    doing);
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
					    _("store %s: another process has held the store for over %d seconds "
					      "while %s; find it with `fuser %s` and try again"),
					    s->path, STORE_BUSY_GIVE_UP_S, doing, s->path);
		busy_pause(attempt);
	}
}

int store_begin(struct cd_store *s, struct cd_error *err)
{
	if (s->txn_depth++ > 0)
		return CD_OK;
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
		return cd_error_set(err, CD_ESTORE, _("a part of this change failed; nothing was saved"));
	}
	int rc = exec_retrying(s, "COMMIT", _("saving a change"), err);
	if (rc != CD_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void store_rollback(struct cd_store *s)
{
	if (s->txn_depth <= 0)
		return;
	if (--s->txn_depth > 0) {
		s->txn_doomed = 1;
		return;
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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
	sqlite3_exec(s->db, on ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000", NULL, NULL, NULL);
	return rc;
}

const char *store_office(const struct cd_store *s) { return s->office; }
int store_is_training(const struct cd_store *s) { return s->training; }
int store_schema_version(const struct cd_store *s) { return s->schema_version; }
const char *store_path(const struct cd_store *s) { return s->path; }

/* ---- bookkeeping rows -------------------------------------------------------------- */

int store_next_counter(struct cd_store *s, const char *name, int64_t *value, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	/* Read and bump inside the caller's write transaction: no other desk can interleave. */
	int rc = st_prepare(s, "SELECT value FROM counters WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	*value = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1 : 1;
	st_finish(s, st);
	if ((rc = st_prepare(s, "INSERT OR REPLACE INTO counters(name, value) VALUES (?1, ?2)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *value);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("numbering"), err);
	st_finish(s, st);
	return rc;
}

int store_add_event(struct cd_store *s, const struct cd_actor *actor, const struct cd_event *ev,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32];
	int rc = st_prepare(s, "INSERT INTO event(uuid, at, user_name, case_id, person_id, kind,"
			       " transition, from_state, to_state, field, old_value, new_value, note,"
			       " row_version) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
			    &st, err);
	if (rc)
		return rc;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, ev->at ? ev->at : now);
	st_bind_text(st, 3, actor->name);
	if (ev->case_id)
		sqlite3_bind_int64(st, 4, ev->case_id);
	if (ev->person_id)
		sqlite3_bind_int64(st, 5, ev->person_id);
	st_bind_text(st, 6, ev->kind);
	st_bind_text(st, 7, ev->transition);
	st_bind_text(st, 8, ev->from_state);
	st_bind_text(st, 9, ev->to_state);
	st_bind_text(st, 10, ev->field);
	st_bind_text(st, 11, ev->old_value);
	st_bind_text(st, 12, ev->new_value);
	st_bind_text(st, 13, ev->note);
	if (ev->row_version)
		sqlite3_bind_int64(st, 14, ev->row_version);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording history"), err);
	st_finish(s, st);
	return rc;
}

static void sha256_hex(const char *text, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int store_add_audit(struct cd_store *s, const struct cd_actor *actor, const char *action,
		    const char *entity, const char *entity_uuid, const char *purpose,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], prev[65] = "genesis", hash[65];
	char *chain = NULL, *nfc = NULL;
	int rc;

	if (s->bulk)
		return CD_OK;
	/* A purpose is typed by a person: one line of valid text, stored (and hashed) in NFC. */
	if ((rc = text_nfc(purpose, "purpose", TEXT_LINE, &nfc, err)))
		return rc;
	purpose = nfc;
	/* Each row's hash covers the previous row's hash: editing or deleting a row breaks
	 * every hash after it, which `casedesk audit verify` will show. */
	rc = st_prepare(s, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", &st, err);
	if (rc)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	store_now(s, now, sizeof now);
	chain = sqlite3_mprintf("%s|%s|%s|%s|%s|%s|%s", prev, now, actor->name, action, entity,
				entity_uuid ? entity_uuid : "", purpose ? purpose : "");
	if (!chain) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	sha256_hex(chain, hash);
	sqlite3_free(chain);
	rc = st_prepare(s, "INSERT INTO audit(at, user_name, action, entity, entity_uuid, purpose,"
			   " prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, err);
	if (rc)
		goto out;
	st_bind_text(st, 1, now);
	st_bind_text(st, 2, actor->name);
	st_bind_text(st, 3, action);
	st_bind_text(st, 4, entity);
	st_bind_text(st, 5, entity_uuid);
	st_bind_text(st, 6, purpose ? purpose : "");
	st_bind_text(st, 7, prev);
	st_bind_text(st, 8, hash);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("writing the audit trail"), err);
	st_finish(s, st);
out:
	free(nfc);
	return rc;
}

int store_add_outbox(struct cd_store *s, const char *entity, const char *entity_uuid,
		     const char *op, const char *payload_json, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32];
	int rc;

	if (s->bulk)
		return CD_OK;
	rc = st_prepare(s, "INSERT INTO outbox(uuid, at, entity, entity_uuid, op, payload)"
			   " VALUES (?1,?2,?3,?4,?5,?6)", &st, err);
	if (rc)
		return rc;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, now);
	st_bind_text(st, 3, entity);
	st_bind_text(st, 4, entity_uuid);
	st_bind_text(st, 5, op);
	st_bind_text(st, 6, payload_json ? payload_json : "{}");
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("queueing the change for sync"), err);
	st_finish(s, st);
	return rc;
}

int store_unsynced_count(struct cd_store *s, int64_t *count, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	else
		rc = st_fail(s, _("counting unsynced changes"), err);
	st_finish(s, st);
	return rc;
}

int store_integrity_check(struct cd_store *s, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "PRAGMA integrity_check", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (!r || strcmp(r, "ok") != 0)
			rc = cd_error_set(err, CD_ESTORE, _("store %s is damaged: %s"), s->path,
					  r ? r : "?");
	} else {
		rc = st_fail(s, _("checking integrity"), err);
	}
	st_finish(s, st);
	return rc;
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
	if (st_exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err))
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

static int read_setting(struct cd_store *s, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	st_finish(s, st);
	return found;
}

static int write_setting(struct cd_store *s, const char *key, const char *value, struct cd_error *err)
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
	if ((rc = write_setting(&s, "office", office, err)) ||
	    (rc = write_setting(&s, "training", opts->training ? "1" : "0", err)) ||
	    (rc = write_setting(&s, "store_uuid", uuid, err)) ||
	    (rc = write_setting(&s, "created_at", now, err)))
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
	unlink(path);
	{
		char side[4096];
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	return rc;
}

int store_open(const char *path, struct cd_store **out, struct cd_error *err)
{
	struct cd_store *s;
	int app_id = 0, version = 0, rc;
	char buf[64];
	struct stat sb;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return cd_error_set(err, CD_ESTORE,
				    _("no store at %s; create one with `casedesk init` or `casedesk demo`"),
				    path);
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
		rc = cd_error_set(err, CD_ESTORE, _("%s is not a casedesk store (%s)"), path,
				  sqlite3_errmsg(s->db));
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
	if (read_setting(s, "office", buf, sizeof buf))
		snprintf(s->office, sizeof s->office, "%s", buf);
	if (read_setting(s, "training", buf, sizeof buf))
		s->training = strcmp(buf, "1") == 0;
	pin_clock(s);
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
	cache_clear(s);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	free(s);
}
