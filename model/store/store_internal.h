/*
 * store_internal.h - what the model's own files share about a store and nothing more:
 * the SQLite handle, statement helpers and the change bookkeeping (event, audit, outbox).
 * Not for app/ or screens/.
 */
#ifndef CD_STORE_INTERNAL_H
#define CD_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/json.h"
#include "model/store/store.h"
#include "model/store/schema.h"

/* Prepared statements kept for reuse: parsing SQL costs more than running it. */
#define STORE_STMT_CACHE 64
struct stmt_slot {
	const char *sql;          /* the caller's text pointer; checked against the statement's own text */
	sqlite3_stmt *st;
	int busy;
};

struct cd_store {
	sqlite3 *db;
	struct stmt_slot cache[STORE_STMT_CACHE];
	int n_cache;
	char *path;
	char office[8];
	int training;
	int schema_version;
	int txn_depth;
	int txn_doomed;
	int bulk;
	long pinned_today;        /* -1: the clock */
	/* Called once when the outermost transaction ends (1: committed), then cleared:
	 * audit.c moves the seal key forward only once its seal is durable. */
	void (*txn_end)(struct cd_store *s, int committed);
	void *txn_end_data;
	int repairing;            /* store_search_index_rebuild: writes allowed on a store marked damaged */
	char uuid[40];            /* the store_uuid setting: whose STORE-damaged mark applies */
};

/*
 * Prepares a statement, or hands out the cached one for the same text; CD_ESTORE naming
 * the SQLite reason on failure.  Give it back with st_finish, never sqlite3_finalize.
 */
int st_prepare(struct cd_store *s, const char *sql, sqlite3_stmt **st, struct cd_error *err);
/* Resets a cached statement for its next use, or finalizes one that is not cached.  NULL is fine. */
void st_finish(struct cd_store *s, sqlite3_stmt *st);
/* Runs SQL without results. */
int st_exec(struct cd_store *s, const char *sql, struct cd_error *err);
/* CD_ESTORE with the SQLite message and what we were doing. */
int st_fail(struct cd_store *s, const char *doing, struct cd_error *err);
/*
 * Steps a query that reads rows: 1 for a row, 0 when the rows are done, -1 when the step
 * failed (an I/O error, a busy or damaged store) with err filled by st_fail (CD_ESTORE).
 * A failed step is never the end of the rows: a short list or "not found" would be a lie.
 */
int st_row(struct cd_store *s, sqlite3_stmt *st, const char *doing, struct cd_error *err);
/* The one integer a query without parameters gives (SELECT count(*) ...) into *n (0 when
 * it gives no row); CD_ESTORE with err saying `doing` when the store cannot be read. */
int st_count(struct cd_store *s, const char *sql, const char *doing, int64_t *n, struct cd_error *err);
/* One row of the settings table: 1 with the value in buf, 0 when absent, -1 with err
 * filled when the read failed; the write replaces the value (CD_OK or CD_ESTORE). */
int st_setting_read(struct cd_store *s, const char *key, char *buf, size_t size, struct cd_error *err);
int st_setting_write(struct cd_store *s, const char *key, const char *value, struct cd_error *err);
/* Binds NULL for a NULL string. */
int st_bind_text(sqlite3_stmt *st, int idx, const char *text);
/* A copy of a text column, or NULL. */
char *st_dup_column(sqlite3_stmt *st, int col);

/* The search index SQL (SEARCH_NAMES_SQL, SEARCH_INDEX_FILL_SQL ...) lives in schema.h, which
 * migration 14 uses to rebuild the index. */

/*
 * The stored name words of person `id` (search.c, for search and dupes): names[] is
 * surname, given, surname_latin, given_latin, nationality from the person row; its aliases
 * are read here.  Returns how many words (at most max); 0 with err filled (CD_ESTORE) when
 * reading the aliases failed - callers check err->code.
 */
struct cd_name_word;
size_t search_person_words(struct cd_store *s, int64_t id, const char *const names[5], struct cd_name_word *w,
			   size_t max, struct cd_error *err);

/*
 * Grows arr (n used, cap allocated) by doubling before one more element is written; on
 * failure fills `err` and jumps to the caller's `out:` with `rc` set.  For the loops that
 * collect query rows into arrays.
 */
#define ST_GROW(arr, n, cap)                                                               \
	do {                                                                               \
		if ((n) == (cap)) {                                                        \
			size_t ncap_ = (cap) ? (cap) * 2 : 8;                              \
			void *g_ = realloc((arr), ncap_ * sizeof *(arr));                  \
			if (!g_) {                                                         \
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));  \
				goto out;                                                  \
			}                                                                  \
			(arr) = g_;                                                        \
			(cap) = ncap_;                                                     \
		}                                                                          \
	} while (0)

/* Next value of a named counter (person numbers, case numbers), inside a transaction. */
int store_next_counter(struct cd_store *s, const char *name, int64_t *value, struct cd_error *err);
/* The leased blocks of numbers (kit_range.h) of one series and year, in number order:
 * store_next_counter's and model/store/kit.c's.  *out is the caller's to free. */
struct kit_range;
int store_number_ranges(struct cd_store *s, const char *series, int year, struct kit_range **out, size_t *n,
			struct cd_error *err);
/* The blocks an office store holds itself, leased from the national tier (kit.h; kit_uuid
 * its own store uuid), of one series and year; *holds 1 when it holds any of any series:
 * it then numbers from them only. */
int store_own_number_ranges(struct cd_store *s, const char *series, int year, struct kit_range **out, size_t *n,
			    int *holds, struct cd_error *err);

/* One change's bookkeeping, all inside the caller's transaction.  Events and audit rows
 * (each in its hash chain, with seals) are written by audit.c, the outbox by oplog.c (signed, schema 27). */
struct cd_event {
	int64_t case_id;          /* 0: none */
	int64_t person_id;        /* 0: none */
	const char *kind;         /* created, transition, field, note, person_added, document_added ... */
	const char *transition;
	const char *from_state, *to_state;
	const char *field, *old_value, *new_value;
	const char *note;
	int64_t row_version;
	const char *at;           /* NULL: now; demo history passes its own time */
};
int store_add_event(struct cd_store *s, const struct cd_actor *actor, const struct cd_event *ev,
		    struct cd_error *err);
int store_add_audit(struct cd_store *s, const struct cd_actor *actor, const char *action,
		    const char *entity, const char *entity_uuid, const char *purpose,
		    struct cd_error *err);
/*
 * The outbox row (an op, oplog.h) for the national tier, given its origin seq inside the
 * caller's transaction.  Its payload is a finished document of the one JSON writer
 * (model/base/json.h), never hand-built text and never empty: a misused or missing writer
 * is refused (CD_EINTERNAL), the transaction with it.  Writers use struct cd_op below.
 */
struct json_writer;
int store_add_outbox(struct cd_store *s, const char *entity, const char *entity_uuid,
		     const char *op, const struct json_writer *payload, struct cd_error *err);

/*
 * One op's payload, built field by field (oplog.c):
 *   struct cd_op op;
 *   op_init(&op, version_before);          0 for an insert
 *   op_text(&op, "surname", old, new);     old NULL for an insert
 *   op_person(s, &op, "person", 0, pid, err);   another row by its uuid, never its id
 *   op_meta_text(&op, "reason", why);      after the fields: what the op is not a field of
 *   rc = op_record(s, actor, &ev, "correction", &op, "person", uuid, "update", err);
 *   op_release(&op);
 * Nothing is written until op_record (or op_write); errors of the builder (a JSON misuse,
 * a person without a uuid) are kept and returned there, so callers check once.
 */
struct cd_op {
	struct cd_buf buf;
	struct json_writer w;
	int64_t base;             /* the entity's row version before the change; 0: an insert */
	int in_fields;            /* the "fields" object is open */
	int n_fields;
	int rc;                   /* the first failure of the builder, reported by op_write */
	struct cd_error err;
};
void op_init(struct cd_op *op, int64_t base);
void op_release(struct cd_op *op);
/* A field with its old (NULL: none) and new value (NULL: cleared); unchanged values are skipped. */
void op_text(struct cd_op *op, const char *field, const char *old, const char *new_value);
/* A field whose values are integers; has_old 0 for none. */
void op_int(struct cd_op *op, const char *field, int has_old, int64_t old, int64_t new_value);
/* A field naming a person by uuid (0: none); the store is asked inside the transaction. */
void op_person(struct cd_store *s, struct cd_op *op, const char *field, int64_t old_pid, int64_t new_pid);
/* A top-level member after the fields: the transition taken, the reason, what moved. */
void op_meta_text(struct cd_op *op, const char *key, const char *value);
/* A case's clock after the op (cases.due_day, frozen_left; -1: none), so that a store the op
 * reaches shows the deadline the store that made it worked out (apply.c: with the state). */
void op_clock(struct cd_op *op, long due_day, long frozen_left);
/* The writer positioned for a top-level member `key` after the fields (its value is the next call). */
struct json_writer *op_meta(struct cd_op *op, const char *key);
/* Writes the op (store_add_outbox). */
int op_write(struct cd_store *s, struct cd_op *op, const char *entity, const char *entity_uuid, const char *kind,
	     struct cd_error *err);
/*
 * One change's bookkeeping in one call: its event (when ev is not NULL), its audit row
 * ("change" of entity for `purpose`) and its op.
 */
struct cd_event;
int op_record(struct cd_store *s, const struct cd_actor *actor, const struct cd_event *ev, const char *purpose,
	      struct cd_op *op, const char *entity, const char *entity_uuid, const char *kind, struct cd_error *err);


#endif
