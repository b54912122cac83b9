/*
 * conflicts.c - the conflict queue (conflicts.h): reading it (supervisors, audited) and
 * resolving one.  The queue is written by apply.c; its rows are never changed but by their
 * one resolution, nor deleted (schema 18's triggers hold that against any writer).
 *
 * Why a resolution is an op naming both values it replaces ("resolution": ours and theirs):
 * the store that made the other value still has it, and an op whose old value were only
 * ours would be a conflict there again; accepting either value as the starting point makes
 * every store land on the resolved one, whichever value it held.
 */
#include "model/store/conflicts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/apply.h"
#include "model/store/person_edit.h"
#include "model/store/person_internal.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

#define COLUMNS                                                                                           \
	"c.id, c.uuid, c.entity, c.entity_uuid, coalesce(CASE c.entity"                                   \
	" WHEN 'person' THEN (SELECT number FROM person WHERE uuid = c.entity_uuid)"                       \
	" WHEN 'case' THEN (SELECT number FROM cases WHERE uuid = c.entity_uuid)"                          \
	" WHEN 'check' THEN (SELECT k.number FROM checks h JOIN cases k ON k.id = h.case_id"              \
	"  WHERE h.uuid = c.entity_uuid)"                                                                  \
	" WHEN 'document' THEN (SELECT p.number FROM document t JOIN person p ON p.id = t.person_id"     \
	"  WHERE t.uuid = c.entity_uuid)"                                                                  \
	" WHEN 'alias' THEN (SELECT p.number FROM alias t JOIN person p ON p.id = t.person_id"           \
	"  WHERE t.uuid = c.entity_uuid)"                                                                  \
	" WHEN 'address' THEN (SELECT p.number FROM address t JOIN person p ON p.id = t.person_id"       \
	"  WHERE t.uuid = c.entity_uuid)"                                                                  \
	" WHEN 'family' THEN (SELECT p.number FROM family t JOIN person p ON p.id = t.person_id"         \
	"  WHERE t.uuid = c.entity_uuid) END, ''),"                                                        \
	" c.field, c.base, c.theirs, c.ours, c.op_uuid, c.origin, coalesce(c.origin_office, ''), c.at,"   \
	" coalesce(c.resolved_by, ''), coalesce(c.resolved_at, ''), coalesce(c.resolution, ''),"          \
	" c.resolved_value, c.reason, coalesce(c.resolution_op, ''),"                                      \
	" coalesce((SELECT b.kit_name FROM number_blocks b WHERE b.kit_uuid = c.origin"                     \
	"  AND b.kit_name IS NOT coalesce(c.origin_office, '') LIMIT 1), ''),"                              \
	" coalesce((SELECT CASE WHEN json_valid(h.payload) AND json_type(h.payload, '$.by') = 'text'"       \
	"  AND length(json_extract(h.payload, '$.by')) BETWEEN 2 AND 32"                                    \
	"  AND json_extract(h.payload, '$.by') NOT GLOB '*[^a-z0-9._-]*'"                                   \
	"  THEN json_extract(h.payload, '$.by') END FROM held_ops h WHERE h.uuid = c.op_uuid), ''),"        \
	" coalesce((SELECT h.at FROM held_ops h WHERE h.uuid = c.op_uuid), '')"

static void copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static int read_row(sqlite3_stmt *st, struct cd_conflict *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	copy(c->uuid, sizeof c->uuid, st, 1);
	copy(c->entity, sizeof c->entity, st, 2);
	copy(c->entity_uuid, sizeof c->entity_uuid, st, 3);
	copy(c->label, sizeof c->label, st, 4);
	copy(c->field, sizeof c->field, st, 5);
	c->base = st_dup_column(st, 6);
	c->theirs = st_dup_column(st, 7);
	c->ours = st_dup_column(st, 8);
	copy(c->op_uuid, sizeof c->op_uuid, st, 9);
	copy(c->origin, sizeof c->origin, st, 10);
	copy(c->origin_office, sizeof c->origin_office, st, 11);
	copy(c->at, sizeof c->at, st, 12);
	copy(c->resolved_by, sizeof c->resolved_by, st, 13);
	copy(c->resolved_at, sizeof c->resolved_at, st, 14);
	copy(c->resolution, sizeof c->resolution, st, 15);
	c->resolved_value = st_dup_column(st, 16);
	c->reason = st_dup_column(st, 17);
	copy(c->resolution_op, sizeof c->resolution_op, st, 18);
	copy(c->origin_kit, sizeof c->origin_kit, st, 19);
	copy(c->by, sizeof c->by, st, 20);
	copy(c->made_at, sizeof c->made_at, st, 21);
	/* The JSON columns are never NULL (json_quote writes null as text). */
	if (!c->base || !c->theirs || !c->ours)
		return CD_EINTERNAL;
	return CD_OK;
}

void conflict_clear(struct cd_conflict *c)
{
	if (!c)
		return;
	free(c->base);
	free(c->theirs);
	free(c->ours);
	free(c->resolved_value);
	free(c->reason);
	c->base = c->theirs = c->ours = c->resolved_value = c->reason = NULL;
}

void conflict_free(struct cd_conflict *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		conflict_clear(&rows[i]);
	free(rows);
}

static int supervisor(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor && (actor->roles & CD_ROLE_SUPERVISOR))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED, _("the conflict queue is for supervisors; %s is not one"),
			    actor ? actor->name : "?");
}

int conflict_list(struct cd_store *s, const struct cd_actor *actor, int all, struct cd_conflict **out, size_t *n,
		  struct cd_error *err)
{
	static const char open_sql[] = "SELECT " COLUMNS " FROM conflicts c WHERE c.resolved_at IS NULL ORDER BY c.id";
	static const char all_sql[] = "SELECT " COLUMNS " FROM conflicts c ORDER BY c.id";
	sqlite3_stmt *st = NULL;
	struct cd_conflict *rows = NULL;
	size_t cap = 0, got = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((rc = supervisor(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, all ? all_sql : open_sql, &st, err)))
		goto out;
	while ((r = st_row(s, st, _("reading the conflict queue"), err)) > 0) {
		ST_GROW(rows, got, cap);
		if (read_row(st, &rows[got++])) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
	if (r < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	/* One audit row a listing: the values of every record listed were shown. */
	for (size_t i = 0; i < got && !rc; i++)
		rc = store_add_audit(s, actor, "read", rows[i].entity, rows[i].entity_uuid, "conflict review", err);
	if (rc || (rc = store_commit(s, err)))
		goto out_nort;
	*out = rows;
	*n = got;
	return CD_OK;
out:
	st_finish(s, st);
	store_rollback(s);
out_nort:
	conflict_free(rows, got);
	return rc;
}

int conflict_open_fields(struct cd_store *s, const char *entity_uuid, char *buf, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT group_concat(field, ', ') FROM (SELECT DISTINCT field FROM conflicts"
			       " WHERE entity_uuid = ?1 AND resolved_at IS NULL ORDER BY field)", &st, err);
	if (size)
		buf[0] = '\0';
	if (rc)
		return rc;
	st_bind_text(st, 1, entity_uuid);
	int r = st_row(s, st, _("reading the conflict queue"), err);
	if (r > 0 && sqlite3_column_text(st, 0) && size)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	return r < 0 ? CD_ESTORE : CD_OK;
}

int conflict_open_count(struct cd_store *s, int64_t *n, struct cd_error *err)
{
	return st_count(s, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL", _("counting open conflicts"), n, err);
}

/* The conflict `ref` names (its number or uuid) into *c, inside the caller's transaction. */
static int find(struct cd_store *s, const char *ref, struct cd_conflict *c, struct cd_error *err)
{
	static const char sql[] = "SELECT " COLUMNS " FROM conflicts c WHERE c.uuid = lower(?1)"
				  " OR (?1 GLOB '[0-9]*' AND ?1 NOT GLOB '*[^0-9]*' AND c.id = CAST(?1 AS INTEGER))";
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, ref);
	int r = st_row(s, st, _("reading the conflict queue"), err);
	if (r > 0)
		rc = read_row(st, c) ? cd_error_set(err, CD_EINTERNAL, _("out of memory")) : CD_OK;
	else
		rc = r < 0 ? CD_ESTORE
			   : cd_error_set(err, CD_ENOTFOUND, _("no conflict %s in this store; `casedesk conflict list` "
							       "lists the open ones"), ref ? ref : "");
	st_finish(s, st);
	return rc;
}

int conflict_show(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct cd_conflict *out,
		  struct cd_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = supervisor(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = find(s, ref, out, err)) ||
	    (rc = store_add_audit(s, actor, "read", out->entity, out->entity_uuid, "conflict review", err)))
		goto out;
	if ((rc = store_commit(s, err)))
		goto out_nort;
	return CD_OK;
out:
	store_rollback(s);
out_nort:
	conflict_clear(out);
	return rc;
}

/* A JSON scalar as text (malloc'd; NULL for null) into *out. */
static int json_text(struct cd_store *s, const char *json, char **out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT json_extract(?1, '$')", &st, err);
	*out = NULL;
	if (rc)
		return rc;
	st_bind_text(st, 1, json);
	int r = st_row(s, st, _("reading a conflict's values"), err);
	if (r > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL && !(*out = st_dup_column(st, 0)))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	else if (r < 0)
		rc = CD_ESTORE;
	st_finish(s, st);
	return rc;
}

static int same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The field a name's other script pairs with (a surname and its Latin spelling change in one
 * edit, and one decision settles both), NULL when none. */
static const char *paired_field(const char *entity, const char *field)
{
	static const char *const pairs[][2] = { { "surname", "surname_latin" }, { "given", "given_latin" } };
	if (strcmp(entity, "person") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		if (strcmp(field, pairs[i][0]) == 0)
			return pairs[i][1];
		if (strcmp(field, pairs[i][1]) == 0)
			return pairs[i][0];
	}
	return NULL;
}

/* Resolves the open conflict *c inside the caller's transaction: the value written, the
 * resolution op recorded (its uuid into made), the row closed. */
static int resolve_one(struct cd_store *s, const struct cd_actor *actor, const struct cd_conflict *c,
		       enum cd_conflict_choice how, const char *value, const char *reason, char made[40],
		       struct cd_error *err)
{
	static const char *const names[] = { "ours", "theirs", "typed" };
	char *ours = NULL, *theirs = NULL, now[32];
	const char *want;
	sqlite3_stmt *st = NULL;
	struct cd_op op;
	int64_t version = 0;
	int rc;

	op_init(&op, 0);
	made[0] = '\0';
	if ((rc = json_text(s, c->ours, &ours, err)) || (rc = json_text(s, c->theirs, &theirs, err)))
		goto out;
	want = how == CONFLICT_KEEP_OURS ? ours : how == CONFLICT_TAKE_THEIRS ? theirs : value;
	/* Their value came with control characters (an escape sequence, a bell): apply.c did not
	 * take it, and neither may a resolution, nor a typed value carry them.  Never the value. */
	if (how != CONFLICT_KEEP_OURS && apply_value_plants(c->entity, c->field, want)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  how == CONFLICT_TAKE_THEIRS
					  ? _("conflict %lld: their value of %s holds control characters (an escape "
					      "sequence, a bell or the like), which would be planted in the record and "
					      "passed on to every store; keep ours or type the value")
					  : _("conflict %lld: the value typed for %s holds control characters; type it "
					      "again without them"),
				  (long long)c->id, c->field);
		goto out;
	}
	/* Written here only when it is not this store's value already. */
	if ((rc = apply_resolution(s, actor, c->entity, c->entity_uuid, c->field, ours, want, !same(want, ours), err)))
		goto out;
	if ((rc = apply_row_version(s, c->entity, c->entity_uuid, &version, err)))
		goto out;
	/* The op: from ours (or, when ours is kept, from theirs) to the value; both named. */
	op.base = version > 0 ? version : 1;
	op_text(&op, c->field, same(want, ours) ? theirs : ours, want);
	{
		struct json_writer *w = op_meta(&op, "resolution");
		json_object(w);
		json_kv_string(w, "conflict", c->uuid);
		json_kv_string(w, "ours", ours);
		json_kv_string(w, "theirs", theirs);
		/* Who, and which op the conflict came from: a store with the same conflict open
		 * closes it in this supervisor's name when the op arrives (apply.c). */
		json_kv_string(w, "by", actor->name);
		json_kv_string(w, "op", c->op_uuid);
		json_kv_string(w, "how", names[how]);
		json_object_end(w);
	}
	op_meta_text(&op, "reason", reason);
	if ((rc = op_record(s, actor, NULL, "conflict resolution", &op, c->entity, c->entity_uuid, "resolve", err)))
		goto out;
	if ((rc = st_prepare(s, "SELECT uuid FROM outbox WHERE origin = ?1 ORDER BY origin_seq DESC LIMIT 1", &st, err)))
		goto out;
	st_bind_text(st, 1, s->uuid);
	if (st_row(s, st, _("reading the resolution's op"), err) > 0)
		snprintf(made, 40, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	st = NULL;
	store_now(s, now, sizeof now);
	if ((rc = st_prepare(s, "UPDATE conflicts SET resolved_by = ?1, resolved_at = ?2, resolution = ?3,"
				" resolved_value = json_quote(?4), reason = ?5, resolution_op = ?6 WHERE id = ?7",
			     &st, err)))
		goto out;
	st_bind_text(st, 1, actor->name);
	st_bind_text(st, 2, now);
	st_bind_text(st, 3, names[how]);
	st_bind_text(st, 4, want);
	st_bind_text(st, 5, reason);
	st_bind_text(st, 6, made);
	sqlite3_bind_int64(st, 7, c->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording the resolution"), err);
out:
	st_finish(s, st);
	op_release(&op);
	free(ours);
	free(theirs);
	return rc;
}

/* The ICAO Latin form of a name typed for conflict *c (a person's surname or given names),
 * by the person's nationality, into *out (malloc'd). */
static int typed_latin(struct cd_store *s, const struct cd_conflict *c, const char *value, char **out,
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char nat[8] = "";
	int rc = st_prepare(s, "SELECT nationality FROM person WHERE uuid = ?1", &st, err);
	*out = NULL;
	if (rc)
		return rc;
	st_bind_text(st, 1, c->entity_uuid);
	int r = st_row(s, st, _("reading the person of a conflict"), err);
	if (r > 0 && sqlite3_column_text(st, 0))
		snprintf(nat, sizeof nat, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	if (r < 0)
		return CD_ESTORE;
	int surname = strcmp(c->field, "surname") == 0;
	if (!(*out = person_icao_of(value, nat, surname ? "surname" : "given names",
				    surname ? "a value for surname_latin" : "a value for given_latin", err)))
		return err && err->code ? err->code : CD_EINPUT;
	return CD_OK;
}

/* Whether the person of conflict *c holds `latin` in `field` already. */
static int same_latin(struct cd_store *s, const struct cd_conflict *c, const char *field, const char *latin)
{
	sqlite3_stmt *st = NULL;
	int is = 0;
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT %s = ?2 FROM person WHERE uuid = ?1",
		 strcmp(field, "surname_latin") == 0 ? "surname_latin" : "given_latin");
	if (st_prepare(s, sql, &st, NULL) != CD_OK)
		return 0;
	st_bind_text(st, 1, c->entity_uuid);
	st_bind_text(st, 2, latin);
	if (sqlite3_step(st) == SQLITE_ROW)
		is = sqlite3_column_int(st, 0);
	st_finish(s, st);
	return is;
}

/* The open conflict on the paired field that the same op raised (a surname's Latin spelling)
 * into *pair; CD_ENOTFOUND when there is none. */
static int find_paired(struct cd_store *s, const struct cd_conflict *c, struct cd_conflict *pair, struct cd_error *err)
{
	const char *field = paired_field(c->entity, c->field);
	sqlite3_stmt *st = NULL;
	int rc;

	memset(pair, 0, sizeof *pair);
	if (!field)
		return CD_ENOTFOUND;
	if ((rc = st_prepare(s, "SELECT c.uuid FROM conflicts c WHERE c.resolved_at IS NULL AND c.entity = ?1"
				" AND c.entity_uuid = ?2 AND c.op_uuid = ?3 AND c.field = ?4 ORDER BY c.id LIMIT 1",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, c->entity);
	st_bind_text(st, 2, c->entity_uuid);
	st_bind_text(st, 3, c->op_uuid);
	st_bind_text(st, 4, field);
	int r = st_row(s, st, _("reading the conflict queue"), err);
	char uuid[40] = "";
	if (r > 0)
		snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	if (r < 0)
		return CD_ESTORE;
	if (!uuid[0])
		return CD_ENOTFOUND;
	return find(s, uuid, pair, err);
}

int conflict_resolve(struct cd_store *s, const struct cd_actor *actor, const char *ref, enum cd_conflict_choice how,
		     const char *value, const char *reason, char op_uuid[40], struct cd_conflict_pair *paired,
		     struct cd_error *err)
{
	struct cd_conflict c, pair;
	char made[40] = "", pair_made[40] = "", *latin = NULL;
	enum cd_conflict_choice paired_how = how;
	int rc;

	memset(&c, 0, sizeof c);
	memset(&pair, 0, sizeof pair);
	if (op_uuid)
		op_uuid[0] = '\0';
	if (paired)
		memset(paired, 0, sizeof *paired);
	if ((rc = supervisor(actor, err)))
		goto out_nort;
	if (!reason || !reason[strspn(reason, " \t")]) {
		rc = cd_error_set(err, CD_EINPUT, _("--reason: say why this value is the right one"));
		goto out_nort;
	}
	if ((rc = store_begin(s, err)))
		goto out_nort;
	if ((rc = find(s, ref, &c, err)))
		goto out;
	if (c.resolved_at[0]) {
		rc = cd_error_set(err, CD_EREFUSED, _("conflict %lld was resolved by %s at %s; a resolution is kept"),
				  (long long)c.id, c.resolved_by, c.resolved_at);
		goto out;
	}
	/* A number once issued never changes (the tier refuses it too, national schema 7): a
	 * number conflict keeps this store's; two records under two numbers are merged. */
	if (strcmp(c.field, "number") == 0 && (strcmp(c.entity, "person") == 0 || strcmp(c.entity, "case") == 0) &&
	    how != CONFLICT_KEEP_OURS) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("conflict %lld is about a %s's number, and a number never changes once issued: keep "
				    "this store's (--keep ours); if the two are one record, merge them"),
				  (long long)c.id, c.entity);
		goto out;
	}
	if ((rc = resolve_one(s, actor, &c, how, value, reason, made, err)))
		goto out;
	/* A surname kept from one side and its Latin spelling from the other would make a person
	 * no document names: keeping ours or taking theirs settles the pair.  A typed value is
	 * one script's: the other stays open, said so, for the supervisor to type. */
	rc = find_paired(s, &c, &pair, err);
	if (rc == CD_OK && how != CONFLICT_TYPED) {
		if ((rc = resolve_one(s, actor, &pair, how, NULL, reason, pair_made, err)))
			goto out;
		paired_how = how;
	} else if (rc == CD_OK && value && (strcmp(c.field, "surname") == 0 || strcmp(c.field, "given") == 0)) {
		/* A typed name takes its Latin form as a correction does (person_edit.c): the
		 * spelling of the old name belonged to the old name. */
		if ((rc = typed_latin(s, &c, value, &latin, err)) ||
		    (rc = resolve_one(s, actor, &pair, CONFLICT_TYPED, latin, reason, pair_made, err)))
			goto out;
		paired_how = CONFLICT_TYPED;
	} else if (rc == CD_ENOTFOUND) {
		rc = CD_OK;
		cd_error_clear(err);
		/* A typed name with no Latin conflict beside it: its Latin form follows as in a
		 * correction, an op of its own (the search reads the Latin form). */
		if (value && strcmp(c.entity, "person") == 0 &&
		    (strcmp(c.field, "surname") == 0 || strcmp(c.field, "given") == 0)) {
			int surname = strcmp(c.field, "surname") == 0;
			struct cd_person_fix fix = { surname ? "surname_latin" : "given_latin", NULL };
			char why[160];
			if ((rc = typed_latin(s, &c, value, &latin, err)))
				goto out;
			fix.value = latin;
			snprintf(why, sizeof why, _("the Latin form of the %s settled in conflict %lld"), c.field,
				 (long long)c.id);
			/* Already that: nothing to correct.  Asked first: a correction refused inside
			 * this transaction would undo the resolution with it (store_commit). */
			if (!same_latin(s, &c, fix.field, latin) &&
			    (rc = person_correct(s, actor, c.entity_uuid, 0, &fix, 1, why, NULL, err)))
				goto out;
		}
	} else if (rc) {
		goto out;
	}
	if ((rc = store_commit(s, err)))
		goto out_nort;
	if (op_uuid)
		snprintf(op_uuid, 40, "%s", made);
	if (paired && pair.id) {
		paired->id = pair.id;
		paired->resolved = pair_made[0] != '\0';
		paired->how = paired_how;
		if (latin)
			snprintf(paired->value, sizeof paired->value, "%s", latin);
		snprintf(paired->field, sizeof paired->field, "%s", pair.field);
		snprintf(paired->op_uuid, sizeof paired->op_uuid, "%s", pair_made);
	}
	goto out_nort;
out:
	store_rollback(s);
out_nort:
	conflict_clear(&c);
	conflict_clear(&pair);
	free(latin);
	return rc;
}
