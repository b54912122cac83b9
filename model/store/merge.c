/*
 * merge.c - merging two records of one person and undoing it; see merge.h.
 *
 * What moved is recorded as row ids in the merge event's new_value, a JSON object with one
 * array per kind of row ("cases", "document", ..., "family_person", "family_relative") and
 * the id of the alias the merge added ("new_alias").  The unmerge moves back exactly those
 * rows, reading the arrays with SQLite's json_each, and refuses when any of them is no
 * longer with the survivor.  The outbox payload names the same rows by their uuids, which
 * are what the national tier knows.
 */
#include "model/store/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/store/biometric.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/base/json.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* Rows that belong to a person through person_id and move as a whole. */
struct moved_table {
	const char *name;
	const char *select_sql, *move_sql, *back_sql;
};

#define MOVED_TABLE(t)                                                                                   \
	{ #t, "SELECT id FROM " #t " WHERE person_id = ?1 ORDER BY id",                                  \
	  "UPDATE " #t " SET person_id = ?2 WHERE person_id = ?1",                                       \
	  "UPDATE " #t " SET person_id = ?1 WHERE person_id = ?2 AND id IN (SELECT value FROM json_each(?3, '$." #t "'))" }

static const struct moved_table moved_tables[] = {
	MOVED_TABLE(cases), MOVED_TABLE(document), MOVED_TABLE(alias), MOVED_TABLE(address),
	MOVED_TABLE(checks), MOVED_TABLE(attachment), MOVED_TABLE(biometric),
};
#define N_MOVED (sizeof moved_tables / sizeof moved_tables[0])

/*
 * Family links move unless the survivor has the same link already or the link is between
 * the two records themselves (it would become a link of a person to themselves): those stay
 * with the duplicate.
 */
static const char family_person_sql[] =
	"SELECT id FROM family f WHERE person_id = ?1 AND relative_id <> ?2 AND NOT EXISTS"
	" (SELECT 1 FROM family g WHERE g.person_id = ?2 AND g.relative_id = f.relative_id) ORDER BY id";
static const char family_relative_sql[] =
	"SELECT id FROM family f WHERE relative_id = ?1 AND person_id <> ?2 AND NOT EXISTS"
	" (SELECT 1 FROM family g WHERE g.relative_id = ?2 AND g.person_id = f.person_id) ORDER BY id";
static const char family_person_move[] = "UPDATE family SET person_id = ?2 WHERE id = ?3 AND person_id = ?1";
static const char family_relative_move[] = "UPDATE family SET relative_id = ?2 WHERE id = ?3 AND relative_id = ?1";
static const char family_person_back[] =
	"UPDATE family SET person_id = ?1 WHERE person_id = ?2 AND id IN (SELECT value FROM json_each(?3, '$.family_person'))";
static const char family_relative_back[] =
	"UPDATE family SET relative_id = ?1 WHERE relative_id = ?2"
	" AND id IN (SELECT value FROM json_each(?3, '$.family_relative'))";

struct who {
	int64_t id, merged_into, row_version;   /* row_version: as read, before this change */
	char uuid[37], number[32];
	char *surname, *given, *surname_latin, *given_latin;
};

static void who_release(struct who *w)
{
	free(w->surname);
	free(w->given);
	free(w->surname_latin);
	free(w->given_latin);
}

static int load_who(struct cd_store *s, const char *ref, int by_id, int64_t id, struct who *w, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, by_id ? "SELECT id, uuid, number, surname, given, surname_latin, given_latin, merged_into,"
				       " row_version FROM person WHERE id = ?2"
				     : "SELECT id, uuid, number, surname, given, surname_latin, given_latin, merged_into,"
				       " row_version FROM person WHERE number = ?1 OR uuid = lower(?1)",
			    &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = st_row(s, st, _("reading a person"), err)) <= 0) {
		/* A failed read is the store's error, never "no such person". */
		rc = rc < 0 ? CD_ESTORE
			    : cd_error_set(err, CD_ENOTFOUND,
					   _("no person %s in this store; find people with `casedesk search`"), ref ? ref : "");
	} else {
		rc = CD_OK;
		w->id = sqlite3_column_int64(st, 0);
		snprintf(w->uuid, sizeof w->uuid, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(w->number, sizeof w->number, "%s", (const char *)sqlite3_column_text(st, 2));
		w->surname = st_dup_column(st, 3);
		w->given = st_dup_column(st, 4);
		w->surname_latin = st_dup_column(st, 5);
		w->given_latin = st_dup_column(st, 6);
		w->merged_into = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 7);
		w->row_version = sqlite3_column_int64(st, 8);
		if (!w->surname || !w->given || !w->surname_latin || !w->given_latin)
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	st_finish(s, st);
	return rc;
}

/* Rewrites (or, for a merged record, removes) a person's rows in both search indexes. */
static int index_person(struct cd_store *s, int64_t id, int present, struct cd_error *err)
{
	static const char names_sql[] = "INSERT OR REPLACE INTO person_fts(rowid, names)" SEARCH_NAMES_SQL " WHERE p.id = ?1";
	static const char keys_sql[] = "INSERT OR REPLACE INTO person_key(rowid, keys)" SEARCH_KEYS_SQL " WHERE p.id = ?1";
	static const char del_names[] = "DELETE FROM person_fts WHERE rowid = ?1";
	static const char del_keys[] = "DELETE FROM person_key WHERE rowid = ?1";
	const char *const sqls[2] = { present ? names_sql : del_names, present ? keys_sql : del_keys };
	int rc = CD_OK;

	for (int i = 0; i < 2 && rc == CD_OK; i++) {
		sqlite3_stmt *st = NULL;
		if ((rc = st_prepare(s, sqls[i], &st, err)))
			break;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(s, _("updating the search index"), err);
		st_finish(s, st);
	}
	return rc;
}

/*
 * Re-seals the sealed templates among `ids` (a JSON array) from one person's binding to the
 * other's.  A template that is not sealed (synthetic demo rows, exceptions) needs nothing.
 */
static int reseal(struct cd_store *s, const struct bio_key *key, const char *ids_json, const char *from_uuid,
		  const char *to_uuid, struct cd_error *err)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc;

	if ((rc = st_prepare(s, "SELECT id, modality, position, template FROM biometric WHERE template IS NOT NULL"
				" AND synthetic = 0 AND id IN (SELECT value FROM json_each(?1, '$.biometric'))",
			     &st, err)) ||
	    (rc = st_prepare(s, "UPDATE biometric SET template = ?2 WHERE id = ?1", &up, err)))
		goto out;
	st_bind_text(st, 1, ids_json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char aad_from[160], aad_to[160];
		unsigned char *plain = NULL, *sealed = NULL;
		size_t plain_n = 0, sealed_n = 0;
		const char *modality = (const char *)sqlite3_column_text(st, 1);
		const char *position = (const char *)sqlite3_column_text(st, 2);

		if (!key) {
			rc = cd_error_set(err, CD_EREFUSED, _("this record has sealed biometric templates, which must be "
							      "re-sealed for the other record: the biometric key is needed "
							      "(CASEDESK_KEY or /etc/casedesk/biometric.key)"));
			goto out;
		}
		bio_aad(from_uuid, modality ? modality : "", position, aad_from, sizeof aad_from);
		bio_aad(to_uuid, modality ? modality : "", position, aad_to, sizeof aad_to);
		if ((rc = bio_open(key, aad_from, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3), &plain,
				   &plain_n, err)))
			goto out;
		rc = bio_seal(key, aad_to, plain, plain_n, &sealed, &sealed_n, err);
		memset(plain, 0, plain_n);
		free(plain);
		if (rc)
			goto out;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_blob(up, 2, sealed, (int)sealed_n, SQLITE_TRANSIENT);
		free(sealed);
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = st_fail(s, _("re-sealing a biometric template"), err);
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading biometric templates"), err);
out:
	st_finish(s, st);
	st_finish(s, up);
	return rc;
}

/* The record's id lists: one per moved table, then the family's two. */
#define N_LISTS (N_MOVED + 2)
struct id_list {
	int64_t *v;
	size_t n, cap;
};

static const char *list_name(size_t i)
{
	return i < N_MOVED ? moved_tables[i].name : i == N_MOVED ? "family_person" : "family_relative";
}

/* Collects the ids of the rows `select_sql` finds into the list; counts them. */
static int record_ids(struct cd_store *s, struct id_list *l, const char *select_sql, int64_t dup, int64_t surv,
		      long *count, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, select_sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, dup);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, surv);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ST_GROW(l->v, l->n, l->cap);
		l->v[l->n++] = sqlite3_column_int64(st, 0);
		(*count)++;
	}
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading what a merge moves"), err);
out:
	st_finish(s, st);
	return rc;
}

/* The record the merge event keeps (see the top of this file); new_alias 0: not known yet. */
static int write_record(struct cd_buf *b, int64_t surv, int64_t dup, const struct id_list *lists, int64_t new_alias,
			struct cd_error *err)
{
	struct json_writer w;

	buf_reset(b);
	json_init(&w, b);
	json_object(&w);
	json_kv_int(&w, "survivor_id", surv);
	json_kv_int(&w, "duplicate_id", dup);
	for (size_t i = 0; i < N_LISTS; i++) {
		json_key(&w, list_name(i));
		json_array(&w);
		for (size_t k = 0; k < lists[i].n; k++)
			json_int(&w, lists[i].v[k]);
		json_array_end(&w);
	}
	if (new_alias)
		json_kv_int(&w, "new_alias", new_alias);
	json_object_end(&w);
	return json_done(&w, err);
}

/* {list:[uuids of the rows the record names]}, the value of the op's "moved": the record in
 * the national tier's terms. */
static int write_moved(struct cd_store *s, struct json_writer *w, const char *record, struct cd_error *err)
{
	int rc = CD_OK;

	json_object(w);
	for (size_t i = 0; i < N_LISTS && rc == CD_OK; i++) {
		sqlite3_stmt *st = NULL;
		char sql[192];
		/* Table and list names are this file's constants, never input. */
		snprintf(sql, sizeof sql, "SELECT uuid FROM %s WHERE id IN (SELECT value FROM json_each(?1, '$.%s'))"
			 " ORDER BY id", i < N_MOVED ? moved_tables[i].name : "family", list_name(i));
		if ((rc = st_prepare(s, sql, &st, err)))
			break;
		st_bind_text(st, 1, record);
		json_key(w, list_name(i));
		json_array(w);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			json_string(w, (const char *)sqlite3_column_text(st, 0));
		json_array_end(w);
		rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading what a merge moved"), err);
		st_finish(s, st);
	}
	json_object_end(w);
	return rc;
}

static int run3(struct cd_store *s, const char *sql, int64_t a, int64_t b, const char *json, int64_t *changed,
		const char *doing, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (json && sqlite3_bind_parameter_count(st) >= 3)
		st_bind_text(st, 3, json);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, doing, err);
	else if (changed)
		*changed = sqlite3_changes(s->db);
	st_finish(s, st);
	return rc;
}

/* How many ids the record holds under `name`. */
static int64_t record_count(struct cd_store *s, const char *json, const char *name)
{
	sqlite3_stmt *st = NULL;
	struct cd_error ignore = CD_ERROR_INIT;
	char path[64];
	int64_t n = -1;
	if (st_prepare(s, "SELECT json_array_length(?1, ?2)", &st, &ignore))
		return -1;
	snprintf(path, sizeof path, "$.%s", name);
	st_bind_text(st, 1, json);
	st_bind_text(st, 2, path);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		n = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	return n;
}

static int mark(struct cd_store *s, int64_t id, int64_t merged_into, const char *now, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "UPDATE person SET merged_into = ?2, merged_at = CASE WHEN ?2 IS NULL THEN NULL ELSE ?3 END,"
			       " updated_at = ?3, row_version = row_version + 1 WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (merged_into)
		sqlite3_bind_int64(st, 2, merged_into);
	st_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("marking a merged record"), err);
	st_finish(s, st);
	return rc;
}

static void tally(struct cd_merge_summary *out, const char *table, long n)
{
	if (strcmp(table, "cases") == 0)
		out->cases += n;
	else if (strcmp(table, "document") == 0)
		out->documents += n;
	else if (strcmp(table, "alias") == 0)
		out->aliases += n;
	else if (strcmp(table, "biometric") == 0)
		out->biometrics += n;
	else
		out->other += n;
}

/* Event, audit and outbox of a merge or an unmerge. */
static int bookkeeping(struct cd_store *s, const struct cd_actor *actor, const char *kind, const struct who *dup,
		       const struct who *surv, const char *record, const char *alias_uuid, const char *reason,
		       int applied, struct cd_error *err)
{
	struct cd_op op;
	int rc;
	struct cd_event ev = { .person_id = dup->id, .kind = kind, .field = "merged_into",
			       .old_value = strcmp(kind, "merge") ? surv->number : NULL,
			       .new_value = record, .note = reason };
	struct cd_event ev2 = { .person_id = surv->id, .kind = strcmp(kind, "merge") ? "unmerged_from" : "merged_from",
				.field = "duplicate", .new_value = dup->number, .note = reason };
	int merge = strcmp(kind, "merge") == 0;
	/* The duplicate's one field that changed, by the survivor's uuid; what moved with it
	 * (by uuid) and why, after. */
	op_init(&op, dup->row_version);
	op_text(&op, "merged_into", merge ? NULL : surv->uuid, merge ? surv->uuid : NULL);
	op_meta_text(&op, "survivor", surv->uuid);
	op_meta_text(&op, "reason", reason);
	/* Who merged: a store that has the pair in review closes it in their name (review.h). */
	op_meta_text(&op, "by", actor->name);
	if (alias_uuid)
		op_meta_text(&op, "new_alias", alias_uuid);
	rc = write_moved(s, op_meta(&op, "moved"), record, err);
	if (!rc && !(rc = store_add_event(s, actor, &ev, err)) && !(rc = store_add_event(s, actor, &ev2, err)) &&
	    !(rc = store_add_audit(s, actor, kind, "person", dup->uuid, kind, err)) && !applied)
		rc = op_write(s, &op, "person", dup->uuid, kind, err);
	op_release(&op);
	return rc;
}

static int check_reason(const char *reason, int required, struct cd_error *err)
{
	if (!reason || !*reason)
		return required ? cd_error_set(err, CD_EINPUT, _("--reason: say why these are one person")) : CD_OK;
	if (strlen(reason) > 500)
		return cd_error_set(err, CD_EINPUT, _("--reason: at most 500 bytes"));
	/* Strict UTF-8, no C0/DEL/C1 (model/base/text.h). */
	return text_check(reason, "--reason", TEXT_LINE, err);
}

/* applied: the merge of another store's op (merge_person_applied), else a supervisor's here. */
static int merge_do(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *survivor,
		    const char *duplicate, const char *reason, int applied, struct cd_merge_summary *out,
		    struct cd_error *err)
{
	struct who surv = { 0 }, dup = { 0 };
	struct cd_buf rec = CD_BUF_INIT;
	struct id_list moved[N_LISTS] = { { 0 } };
	sqlite3_stmt *st = NULL;
	char now[32], uuid[37];
	int rc;

	memset(out, 0, sizeof *out);
	if (!applied && !(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED, _("merging records needs the role supervisor"));
	if ((rc = check_reason(reason, 1, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = load_who(s, survivor, 0, 0, &surv, err)) || (rc = load_who(s, duplicate, 0, 0, &dup, err)))
		goto out;
	if (surv.id == dup.id) {
		rc = cd_error_set(err, CD_EINPUT, _("%s and %s are the same record"), survivor, duplicate);
		goto out;
	}
	if (dup.merged_into) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s is merged already; `casedesk person unmerge %s` first"), dup.number,
				  dup.number);
		goto out;
	}
	if (surv.merged_into) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s is itself merged into another record; merge into that one"),
				  surv.number);
		goto out;
	}
	if ((rc = st_prepare(s, "SELECT number FROM person WHERE merged_into = ?1 LIMIT 1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, dup.id);
	if ((rc = st_row(s, st, _("reading merged records"), err)) != 0) {
		rc = rc < 0 ? CD_ESTORE
			    : cd_error_set(err, CD_EREFUSED,
					   _("%s was merged into %s; unmerge it first, or merge %s the other way"),
					   (const char *)sqlite3_column_text(st, 0), dup.number, dup.number);
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	/* What will move, recorded before it moves. */
	for (size_t i = 0; i < N_MOVED; i++) {
		long n = 0;
		if ((rc = record_ids(s, &moved[i], moved_tables[i].select_sql, dup.id, surv.id, &n, err)))
			goto out;
		tally(out, moved_tables[i].name, n);
	}
	if ((rc = record_ids(s, &moved[N_MOVED], family_person_sql, dup.id, surv.id, &out->family, err)) ||
	    (rc = record_ids(s, &moved[N_MOVED + 1], family_relative_sql, dup.id, surv.id, &out->family, err)) ||
	    (rc = write_record(&rec, surv.id, dup.id, moved, 0, err)))
		goto out;

	/* The family moves first: its NOT EXISTS test reads the links before any has moved. */
	{
		static const char *const lists[2] = { "family_person", "family_relative" };
		static const char *const moves[2] = { family_person_move, family_relative_move };
		char tmp[32];
		for (int k = 0; k < 2; k++) {
			sqlite3_stmt *ids = NULL;
			if ((rc = st_prepare(s, "SELECT value FROM json_each(?1, ?2)", &ids, err)))
				goto out;
			snprintf(tmp, sizeof tmp, "$.%s", lists[k]);
			st_bind_text(ids, 1, buf_str(&rec));
			st_bind_text(ids, 2, tmp);
			int step = 0;
			while (rc == CD_OK && (step = st_row(s, ids, _("reading a merge's family links"), err)) > 0) {
				sqlite3_stmt *mv = NULL;
				if ((rc = st_prepare(s, moves[k], &mv, err)))
					break;
				sqlite3_bind_int64(mv, 1, dup.id);
				sqlite3_bind_int64(mv, 2, surv.id);
				sqlite3_bind_int64(mv, 3, sqlite3_column_int64(ids, 0));
				if (sqlite3_step(mv) != SQLITE_DONE)
					rc = st_fail(s, _("moving family links"), err);
				st_finish(s, mv);
			}
			if (rc == CD_OK && step < 0)
				rc = CD_ESTORE;
			st_finish(s, ids);
			if (rc)
				goto out;
		}
		if ((rc = reseal(s, key, buf_str(&rec), dup.uuid, surv.uuid, err)))
			goto out;
	}
	/* The duplicate is marked before its rows move: the checks' trigger (schema 14) lets a
	 * check change person only between a record and the one it is merged into. */
	if ((rc = run3(s, "UPDATE person SET merged_into = ?2 WHERE id = ?1", dup.id, surv.id, NULL, NULL,
		       _("marking a merged record"), err)))
		goto out;
	for (size_t i = 0; i < N_MOVED; i++)
		if ((rc = run3(s, moved_tables[i].move_sql, dup.id, surv.id, NULL, NULL, _("moving a record's rows"), err)))
			goto out;

	/* The duplicate's names become an alias of the survivor. */
	store_now(s, now, sizeof now);
	cd_uuid7(uuid);
	if ((rc = st_prepare(s, "INSERT INTO alias(uuid, person_id, kind, surname, given, surname_latin, given_latin,"
				" created_at) VALUES (?1,?2,'merged',?3,?4,?5,?6,?7)", &st, err)))
		goto out;
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, surv.id);
	st_bind_text(st, 3, dup.surname);
	st_bind_text(st, 4, dup.given);
	st_bind_text(st, 5, dup.surname_latin);
	st_bind_text(st, 6, dup.given_latin);
	st_bind_text(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("adding an alias"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = write_record(&rec, surv.id, dup.id, moved, sqlite3_last_insert_rowid(s->db), err)))
		goto out;
	if ((rc = mark(s, dup.id, surv.id, now, err)) || (rc = mark(s, surv.id, 0, now, err)) ||
	    (rc = index_person(s, surv.id, 1, err)) || (rc = index_person(s, dup.id, 0, err)) ||
	    (rc = bookkeeping(s, actor, "merge", &dup, &surv, buf_str(&rec), uuid, reason, applied, err)))
		goto out;
	if ((rc = store_commit(s, err)))
		goto out_free;
	snprintf(out->survivor, sizeof out->survivor, "%s", surv.number);
	snprintf(out->duplicate, sizeof out->duplicate, "%s", dup.number);
	out->aliases++;   /* the one added */
	goto out_free;
out:
	st_finish(s, st);
	store_rollback(s);
out_free:
	buf_release(&rec);
	for (size_t i = 0; i < N_LISTS; i++)
		free(moved[i].v);
	who_release(&surv);
	who_release(&dup);
	return rc;
}

int merge_person(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *survivor,
		 const char *duplicate, const char *reason, struct cd_merge_summary *out, struct cd_error *err)
{
	return merge_do(s, actor, key, survivor, duplicate, reason, 0, out, err);
}

int merge_person_applied(struct cd_store *s, const struct cd_actor *actor, const char *survivor, const char *duplicate,
			 const char *reason, struct cd_merge_summary *out, struct cd_error *err)
{
	return merge_do(s, actor, NULL, survivor, duplicate, reason, 1, out, err);
}

int merge_undo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key, const char *duplicate,
	       const char *reason, struct cd_merge_summary *out, struct cd_error *err)
{
	struct who surv = { 0 }, dup = { 0 };
	sqlite3_stmt *st = NULL;
	char *record = NULL, now[32];
	int64_t changed = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED, _("undoing a merge needs the role supervisor"));
	if ((rc = check_reason(reason, 0, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = load_who(s, duplicate, 0, 0, &dup, err)))
		goto out;
	if (!dup.merged_into) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s is not merged into another record"), dup.number);
		goto out;
	}
	if ((rc = load_who(s, NULL, 1, dup.merged_into, &surv, err)))
		goto out;
	if (surv.merged_into) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s, which %s was merged into, is merged itself since; unmerge %s first"),
				  surv.number, dup.number, surv.number);
		goto out;
	}
	if ((rc = st_prepare(s, "SELECT new_value FROM event WHERE person_id = ?1 AND kind = 'merge'"
				" AND json_valid(new_value) AND json_extract(new_value, '$.duplicate_id') = ?1"
				" AND json_extract(new_value, '$.survivor_id') = ?2 ORDER BY id DESC LIMIT 1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, dup.id);
	sqlite3_bind_int64(st, 2, surv.id);
	if (sqlite3_step(st) != SQLITE_ROW || !(record = st_dup_column(st, 0))) {
		rc = cd_error_set(err, CD_ESTORE, _("%s is marked merged but its merge event is missing; run `casedesk store check`"),
				  dup.number);
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	/* Templates first, while they are still the survivor's. */
	if ((rc = reseal(s, key, record, surv.uuid, dup.uuid, err)))
		goto out;
	for (size_t i = 0; i < N_MOVED; i++) {
		if ((rc = run3(s, moved_tables[i].back_sql, dup.id, surv.id, record, &changed, _("moving rows back"), err)))
			goto out;
		if (changed != record_count(s, record, moved_tables[i].name)) {
			rc = cd_error_set(err, CD_ECONFLICT, _("some %s rows recorded by the merge are no longer with %s; "
							       "nothing was changed"), moved_tables[i].name, surv.number);
			goto out;
		}
		tally(out, moved_tables[i].name, (long)changed);
	}
	{
		static const char *const lists[2] = { "family_person", "family_relative" };
		static const char *const backs[2] = { family_person_back, family_relative_back };
		for (int k = 0; k < 2; k++) {
			if ((rc = run3(s, backs[k], dup.id, surv.id, record, &changed, _("moving family links back"), err)))
				goto out;
			if (changed != record_count(s, record, lists[k])) {
				rc = cd_error_set(err, CD_ECONFLICT, _("some family links recorded by the merge are no longer "
								       "with %s; nothing was changed"), surv.number);
				goto out;
			}
			out->family += (long)changed;
		}
	}
	if ((rc = st_prepare(s, "DELETE FROM alias WHERE person_id = ?1 AND id = json_extract(?2, '$.new_alias')", &st,
			     err)))
		goto out;
	sqlite3_bind_int64(st, 1, surv.id);
	st_bind_text(st, 2, record);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("removing the merge's alias"), err);
		goto out;
	}
	out->aliases += sqlite3_changes(s->db);
	st_finish(s, st);
	st = NULL;
	store_now(s, now, sizeof now);
	if ((rc = mark(s, dup.id, 0, now, err)) || (rc = mark(s, surv.id, 0, now, err)) ||
	    (rc = index_person(s, surv.id, 1, err)) || (rc = index_person(s, dup.id, 1, err)) ||
	    (rc = bookkeeping(s, actor, "unmerge", &dup, &surv, record, NULL, reason && *reason ? reason : NULL, 0, err)))
		goto out;
	if ((rc = store_commit(s, err)))
		goto out_free;
	snprintf(out->survivor, sizeof out->survivor, "%s", surv.number);
	snprintf(out->duplicate, sizeof out->duplicate, "%s", dup.number);
	goto out_free;
out:
	st_finish(s, st);
	store_rollback(s);
out_free:
	free(record);
	who_release(&surv);
	who_release(&dup);
	return rc;
}

int merge_follow(struct cd_store *s, const char *ref, char survivor[32], char merged_at[32], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT q.number, p.merged_at FROM person p JOIN person q ON q.id = p.merged_into"
			       " WHERE p.number = ?1 OR p.uuid = lower(?1)", &st, err);
	if (rc)
		return -1;
	st_bind_text(st, 1, ref);
	rc = st_row(s, st, _("reading merged records"), err);   /* -1: the caller's error, not "not merged" */
	if (rc > 0) {
		snprintf(survivor, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(merged_at, 32, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		rc = 1;
	}
	st_finish(s, st);
	return rc;
}
