/*
 * apply.c - ops made by another store, applied here (apply.h), and the one writer a
 * conflict's resolution uses to put its value in place (apply_resolution, conflicts.c).
 *
 * Why one table of fields per entity and not a function per op kind: the rule is per
 * field (three ways: old -> write, new -> nothing, else conflict), the same for an insert
 * that meets a row this store already has and for an update; only where a field lives
 * differs (a column, another row named by uuid, a user named by name, a case's field row).
 * What is not a field (a transition's name, a note) is read from the payload's top level.
 *
 * What is skipped, with its reason in applied_ops: payloads erased by retention
 * ({"purged":true}), ops from before schema 16 (no "fields"), an office's own users and
 * settings (never merged), biometric enrolments (their templates do not travel in ops),
 * and merges, purges and anonymisations (applied by hand at each office for now); decisions
 * a bundle carried from a store this one does not know, and renumberings from the tier.
 * What an op may claim (its identity, its number, a decision) is checked in one block before
 * op_apply: "who may say what".
 *
 * Text with control characters (ESC, BEL, DEL, C1; bad UTF-8), which no desk may type
 * (text.h) but a tampered kit or store can put in an op: the field is not taken.  A row this
 * store has keeps its value; a row the op makes gets the text with each such character as
 * U+FFFD, so the person exists and is found.  Either way the arriving value waits in the
 * conflict queue (theirs; ours the value kept), where a supervisor keeps ours or types one
 * (taking theirs is refused, conflicts.c): nothing lost, nothing planted.  The conflict queue
 * and not a skip, because a skip would drop the op's clean fields with the bad one.  The op
 * itself is kept as it came (held_ops): a store it is carried on to judges it again.
 */
#include "model/store/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/store/dupes.h"
#include "model/store/person_internal.h"
#include "model/store/review.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

enum fkind { F_TEXT, F_INT, F_PERSON, F_CASE, F_USER, F_CLOSED, F_CASEFIELD };

struct fdesc {
	const char *name;
	const char *col;
	enum fkind kind;
};

struct edesc {
	const char *entity;
	const char *table;
	const char *event_insert;  /* the event kind of a local insert */
	const struct fdesc *fields;
	const char *insert_cols;   /* columns a local insert fills that no op names */
	const char *insert_vals;   /* ?1 now, ?3 the actor's name, ?4 a check's person */
};

static const struct fdesc person_fields[] = {
	{ "number", "number", F_TEXT },       { "surname", "surname", F_TEXT },
	{ "given", "given", F_TEXT },         { "surname_latin", "surname_latin", F_TEXT },
	{ "given_latin", "given_latin", F_TEXT }, { "sex", "sex", F_TEXT },
	{ "dob", "dob", F_TEXT },             { "nationality", "nationality", F_TEXT },
	{ "birth_place", "birth_place", F_TEXT }, { NULL, NULL, F_TEXT },
};
static const struct fdesc document_fields[] = {
	{ "person", "person_id", F_PERSON }, { "kind", "kind", F_TEXT },   { "number", "number", F_TEXT },
	{ "issuer", "issuer", F_TEXT },      { "issued", "issued", F_TEXT }, { "expires", "expires", F_TEXT },
	{ NULL, NULL, F_TEXT },
};
static const struct fdesc alias_fields[] = {
	{ "person", "person_id", F_PERSON }, { "kind", "kind", F_TEXT },
	{ "surname", "surname", F_TEXT },    { "given", "given", F_TEXT },
	{ "surname_latin", "surname_latin", F_TEXT }, { "given_latin", "given_latin", F_TEXT },
	{ NULL, NULL, F_TEXT },
};
static const struct fdesc family_fields[] = {
	{ "person", "person_id", F_PERSON }, { "relative", "relative_id", F_PERSON },
	{ "relation", "relation", F_TEXT },  { NULL, NULL, F_TEXT },
};
static const struct fdesc address_fields[] = {
	{ "person", "person_id", F_PERSON }, { "kind", "kind", F_TEXT }, { "line", "line", F_TEXT },
	{ "city", "city", F_TEXT },          { "country", "country", F_TEXT }, { "since", "since", F_TEXT },
	{ NULL, NULL, F_TEXT },
};
static const struct fdesc case_fields[] = {
	{ "number", "number", F_TEXT },      { "person", "person_id", F_PERSON },
	{ "workflow", "workflow_id", F_TEXT }, { "workflow_version", "workflow_version", F_INT },
	{ "office", "office", F_TEXT },      { "state", "state", F_TEXT },
	{ "assignee", "assignee_id", F_USER }, { "closed", "closed_at", F_CLOSED },
	{ NULL, NULL, F_TEXT },
};
static const struct fdesc check_fields[] = {
	{ "case", "case_id", F_CASE },       { "list", "list", F_TEXT },     { "result", "result", F_TEXT },
	{ "source", "source", F_TEXT },      { "recorded_by", "recorded_by", F_USER },
	{ "answered_at", "answered_at", F_TEXT }, { "cleared_by", "cleared_by", F_USER },
	{ "cleared_at", "cleared_at", F_TEXT }, { "clear_reason", "clear_reason", F_TEXT },
	{ NULL, NULL, F_TEXT },
};

static const struct edesc entities[] = {
	{ "person", "person", "person_added", person_fields, ", created_at, updated_at", ", ?1, ?1" },
	{ "document", "document", "document_added", document_fields, ", created_at", ", ?1" },
	{ "alias", "alias", "alias_added", alias_fields, ", created_at", ", ?1" },
	{ "family", "family", "family_linked", family_fields, ", created_at", ", ?1" },
	{ "address", "address", "address_added", address_fields, ", created_at", ", ?1" },
	{ "case", "cases", "created", case_fields,
	  ", state_since, entered_by, opened_at, updated_at, updated_by", ", ?1, ?3, ?1, ?1, ?3" },
	{ "check", "checks", "check", check_fields, ", asked_at, person_id", ", ?1, ?4" },
};

/* One field of the op: its values as text (NULL: JSON null), is_int when a JSON integer. */
struct fval {
	char *name;
	char *old, *new_v;
	int old_int, new_int;
	int write;                  /* apply_fields: this field is to be written */
	char *clean;                /* new_v holds control characters: it with each as U+FFFD */
	const struct fdesc *d;
};

struct applying {
	struct cd_store *s;
	const struct cd_actor *actor;
	const struct cd_remote_op *op;
	const struct edesc *e;
	struct fval *f;
	size_t n;
	char *also_old[2];          /* a resolution's other accepted starting values */
	int64_t row_id, person_id, case_id;
	int64_t check_person;       /* the person of a check's case, for its insert */
	char now[32];
	struct cd_apply_result *res;
	int state_conflicted;
};

static int same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static const struct edesc *entity_of(const char *name)
{
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (strcmp(entities[i].entity, name) == 0)
			return &entities[i];
	return NULL;
}

static const struct fdesc *field_of(const struct edesc *e, const char *name)
{
	static const struct fdesc case_field = { NULL, NULL, F_CASEFIELD };
	if (strcmp(e->entity, "case") == 0 && strncmp(name, "field.", 6) == 0 && name[6])
		return &case_field;
	for (const struct fdesc *d = e->fields; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static void fvals_free(struct fval *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].old);
		free(f[i].new_v);
		free(f[i].clean);
	}
	free(f);
}

/* ---- text that would plant control characters ------------------------------------------ */

/* Which text a field holds: a case field and a check's clearing reason are written as notes
 * are, over lines (wf_rules.c, checks.c); the rest one line. */
static enum text_lines lines_of(const char *entity, const char *field)
{
	if ((strcmp(entity, "case") == 0 && strncmp(field, "field.", 6) == 0) ||
	    (strcmp(entity, "check") == 0 && strcmp(field, "clear_reason") == 0))
		return TEXT_MULTILINE;
	return TEXT_LINE;
}

int apply_value_plants(const char *entity, const char *field, const char *value)
{
	struct cd_error ignored = CD_ERROR_INIT;
	return value && text_check(value, field, lines_of(entity, field), &ignored) != CD_OK;
}

/* `value` with each control character (as lines allows) and each byte that is not UTF-8 as
 * U+FFFD, malloc'd; NULL when memory ran out. */
static char *without_controls(const char *value, enum text_lines lines)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const uint8_t *p = (const uint8_t *)value, *end = p + strlen(value);
	struct cd_buf b;
	char *out = NULL;

	buf_init(&b, CD_BUF_MAX_DEFAULT);
	while (p < end) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, p, (size_t)(end - p));
		/* u8_mbtouc reads a bad sequence as U+FFFD too; a real U+FFFD is three bytes of it. */
		int bad = uc == 0xfffd && !(n == 3 && memcmp(p, fffd, 3) == 0);
		if (bad || (text_is_control(uc) && !(lines == TEXT_MULTILINE && (uc == '\n' || uc == '\t'))))
			buf_add(&b, fffd, 3);
		else
			buf_add(&b, (const char *)p, (size_t)n);
		p += n;
	}
	if (!b.failed)
		out = strdup(buf_str(&b));
	buf_release(&b);
	return out;
}

/* Marks the op's text fields that hold control characters (their clean form in clean) and
 * says in *planted whether any does. */
static int screen_text(struct applying *a, int *planted, struct cd_error *err)
{
	*planted = 0;
	for (size_t i = 0; i < a->n; i++) {
		struct fval *v = &a->f[i];
		if ((v->d->kind != F_TEXT && v->d->kind != F_CASEFIELD) || v->new_int ||
		    !apply_value_plants(a->e->entity, v->name, v->new_v))
			continue;
		if (!(v->clean = without_controls(v->new_v, lines_of(a->e->entity, v->name))))
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		*planted = 1;
	}
	return CD_OK;
}

/* The value a new row takes for field v: its clean form when the op's holds control characters. */
static const char *insert_value(const struct fval *v)
{
	return v->clean ? v->clean : v->new_v;
}

/*
 * Prepares SQL this file builds from its tables (a column name, an entity's table): the
 * same few texts again and again in a pull of thousands of ops, so each is kept once for
 * the process and its statement comes from the store's cache (st_prepare keys it by the
 * text's address).  -1 on failure; the caller's st_fail reads SQLite's reason.
 */
static int dyn_prepare(struct cd_store *s, const char *sql, sqlite3_stmt **st)
{
	static char *kept[128];
	static size_t n_kept;
	struct cd_error ignored = CD_ERROR_INIT;
	const char *text = NULL;

	for (size_t i = 0; i < n_kept && !text; i++)
		if (strcmp(kept[i], sql) == 0)
			text = kept[i];
	if (!text && n_kept < sizeof kept / sizeof kept[0] && (kept[n_kept] = strdup(sql)))
		text = kept[n_kept++];
	if (!text) {
		/* Too many shapes to keep: prepared for this use only. */
		return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
	}
	return st_prepare(s, text, st, &ignored) == CD_OK ? 0 : -1;
}

/* ---- reading the payload ------------------------------------------------------------- */

static int read_fields(struct applying *a, struct cd_error *err)
{
	static const char sql[] = "SELECT key, json_type(value, '$.old'), json_extract(value, '$.old'),"
				  " json_type(value, '$.new'), json_extract(value, '$.new'), json_type(value)"
				  " FROM json_each(?1, '$.fields')";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = CD_OK, r;

	if ((rc = st_prepare(a->s, sql, &st, err)))
		return rc;
	st_bind_text(st, 1, a->op->payload);
	while ((r = st_row(a->s, st, _("reading an op's fields"), err)) > 0) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 5);
		if (!type || strcmp(type, "object") != 0) {
			rc = cd_error_set(err, CD_EINPUT, _("op %s: member fields.%s is not an object"), a->op->uuid,
					  key ? key : "?");
			goto out;
		}
		const struct fdesc *d = field_of(a->e, key);
		if (!d) {
			rc = cd_error_set(err, CD_EINPUT, _("op %s: %s has no field %s here; is this program older "
							    "than the one that made the op?"),
					  a->op->uuid, a->e->entity, key);
			goto out;
		}
		ST_GROW(a->f, a->n, cap);
		struct fval *v = &a->f[a->n++];
		memset(v, 0, sizeof *v);
		v->d = d;
		v->name = strdup(key);
		const char *ot = (const char *)sqlite3_column_text(st, 1);
		const char *nt = (const char *)sqlite3_column_text(st, 3);
		v->old = st_dup_column(st, 2);
		v->new_v = st_dup_column(st, 4);
		v->old_int = ot && strcmp(ot, "integer") == 0;
		v->new_int = nt && strcmp(nt, "integer") == 0;
		if (!v->name || (ot && strcmp(ot, "null") != 0 && !v->old) || (nt && strcmp(nt, "null") != 0 && !v->new_v)) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		if (!nt) {
			rc = cd_error_set(err, CD_EINPUT, _("op %s: member fields.%s has no \"new\""), a->op->uuid, key);
			goto out;
		}
	}
	if (r < 0)
		rc = CD_ESTORE;
out:
	st_finish(a->s, st);
	return rc;
}

/* A text at `path` of the payload's top level into a malloc'd string (NULL: absent). */
static char *meta(struct cd_store *s, const char *payload, const char *path)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (dyn_prepare(s, "SELECT json_extract(?1, ?2)", &st) != 0)
		return NULL;
	st_bind_text(st, 1, payload);
	st_bind_text(st, 2, path);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = st_dup_column(st, 0);
	st_finish(s, st);
	return out;
}

/* ---- references ---------------------------------------------------------------------- */

/* The local id of a row another store names: a person or case by uuid, a user by name. */
static int ref_id(struct applying *a, enum fkind kind, const char *value, int64_t *id, struct cd_error *err)
{
	static const char *const sqls[] = { [F_PERSON] = "SELECT id, id FROM person WHERE uuid = ?1",
					    [F_CASE] = "SELECT id, person_id FROM cases WHERE uuid = ?1",
					    [F_USER] = "SELECT id, id FROM users WHERE name = ?1" };
	sqlite3_stmt *st = NULL;
	int rc;

	*id = 0;
	if (!value)
		return CD_OK;
	if ((rc = st_prepare(a->s, sqls[kind], &st, err)))
		return rc;
	st_bind_text(st, 1, value);
	int r = st_row(a->s, st, _("looking up a row an op names"), err);
	if (r > 0) {
		*id = sqlite3_column_int64(st, 0);
		if (kind == F_CASE)
			a->check_person = sqlite3_column_int64(st, 1);
	} else if (r == 0) {
		rc = cd_error_set(err, CD_EREFUSED,
				  kind == F_USER ? _("op %s (%s %s) names user %s, who is not in this store; add the "
						     "user here (or sync the users first) and apply it again")
						 : _("op %s (%s %s) names %s, which this store does not have; apply the "
						     "ops of its origin in their order, the one that made it first"),
				  a->op->uuid, a->op->entity, a->op->op, value);
	} else {
		rc = CD_ESTORE;
	}
	st_finish(a->s, st);
	return rc;
}

/* ---- the row as it is here ----------------------------------------------------------- */

/* The row's id, and the person and case it belongs to; 0 in row_id when absent. */
static int find_row(struct applying *a, struct cd_error *err)
{
	char sql[256];
	const char *who = strcmp(a->e->table, "person") == 0 ? "id, 0"
			  : strcmp(a->e->table, "cases") == 0 ? "person_id, id"
			  : strcmp(a->e->table, "checks") == 0 ? "person_id, case_id"
							       : "person_id, 0";
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	a->row_id = a->person_id = a->case_id = 0;
	snprintf(sql, sizeof sql, "SELECT id, %s FROM %s WHERE uuid = ?1", who, a->e->table);
	if (dyn_prepare(a->s, sql, &st) != 0)
		return st_fail(a->s, _("reading a row an op changes"), err);
	st_bind_text(st, 1, a->op->entity_uuid);
	int r = st_row(a->s, st, _("reading a row an op changes"), err);
	if (r > 0) {
		a->row_id = sqlite3_column_int64(st, 0);
		a->person_id = sqlite3_column_int64(st, 1);
		a->case_id = sqlite3_column_int64(st, 2);
	} else if (r < 0) {
		rc = CD_ESTORE;
	}
	st_finish(a->s, st);
	return rc;
}

/* This store's value of field `v` on the row (malloc'd; NULL for SQL NULL); *got 0 on failure. */
static int here_value(struct applying *a, const struct fval *v, char **out, struct cd_error *err)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	*out = NULL;
	switch (v->d->kind) {
	case F_CASEFIELD:
		snprintf(sql, sizeof sql, "SELECT value FROM case_field WHERE case_id = ?1 AND name = ?2");
		break;
	case F_CLOSED:
		snprintf(sql, sizeof sql, "SELECT closed_at IS NOT NULL FROM cases WHERE id = ?1");
		break;
	case F_PERSON:
		snprintf(sql, sizeof sql, "SELECT (SELECT uuid FROM person WHERE id = t.%s) FROM %s t WHERE id = ?1",
			 v->d->col, a->e->table);
		break;
	case F_CASE:
		snprintf(sql, sizeof sql, "SELECT (SELECT uuid FROM cases WHERE id = t.%s) FROM %s t WHERE id = ?1",
			 v->d->col, a->e->table);
		break;
	case F_USER:
		snprintf(sql, sizeof sql, "SELECT (SELECT name FROM users WHERE id = t.%s) FROM %s t WHERE id = ?1",
			 v->d->col, a->e->table);
		break;
	default:
		snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?1", v->d->col, a->e->table);
	}
	if (dyn_prepare(a->s, sql, &st) != 0)
		return st_fail(a->s, _("reading a field an op changes"), err);
	sqlite3_bind_int64(st, 1, a->row_id);
	if (v->d->kind == F_CASEFIELD)
		st_bind_text(st, 2, v->name + 6);
	int r = st_row(a->s, st, _("reading a field an op changes"), err);
	if (r > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL && !(*out = st_dup_column(st, 0)))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	else if (r < 0)
		rc = CD_ESTORE;
	st_finish(a->s, st);
	return rc;
}

/* ---- writing ------------------------------------------------------------------------- */

static int bind_value(struct applying *a, sqlite3_stmt *st, int idx, const struct fval *v, const char *value,
		      struct cd_error *err)
{
	int64_t id;
	int rc;
	switch (v->d->kind) {
	case F_PERSON:
	case F_CASE:
	case F_USER:
		if ((rc = ref_id(a, v->d->kind, value, &id, err)))
			return rc;
		if (id)
			sqlite3_bind_int64(st, idx, id);
		else
			sqlite3_bind_null(st, idx);
		return CD_OK;
	default:
		st_bind_text(st, idx, value);
		return CD_OK;
	}
}

/* Puts `value` into field `v` of the existing row. */
static int write_field(struct applying *a, const struct fval *v, const char *value, struct cd_error *err)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	switch (v->d->kind) {
	case F_CASEFIELD:
		snprintf(sql, sizeof sql, "%s", value
			 ? "INSERT INTO case_field(case_id, name, value, updated_at) VALUES (?1, ?3, ?2, ?4)"
			   " ON CONFLICT(case_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
			 : "DELETE FROM case_field WHERE case_id = ?1 AND name = ?3 AND ?2 IS NULL AND ?4 IS NOT NULL");
		break;
	case F_CLOSED:
		snprintf(sql, sizeof sql, "UPDATE cases SET closed_at = CASE WHEN ?2 = '1' THEN ?4 END WHERE id = ?1");
		break;
	default:
		if (strcmp(a->e->table, "cases") == 0 && strcmp(v->d->col, "state") == 0)
			snprintf(sql, sizeof sql, "UPDATE cases SET state = ?2, state_since = ?4, updated_at = ?4,"
				 " updated_by = ?5 WHERE id = ?1 AND ?3 IS NOT NULL");
		else
			snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?2%s WHERE id = ?1 AND ?3 IS NOT NULL AND ?4 IS NOT NULL"
				 " AND ?5 IS NOT NULL", a->e->table, v->d->col,
				 strcmp(a->e->table, "person") == 0 || strcmp(a->e->table, "cases") == 0
					 ? ", updated_at = ?4" : "");
	}
	if (dyn_prepare(a->s, sql, &st) != 0)
		return st_fail(a->s, _("writing a field an op changes"), err);
	sqlite3_bind_int64(st, 1, a->row_id);
	if ((rc = bind_value(a, st, 2, v, value, err)))
		goto out;
	st_bind_text(st, 3, v->d->kind == F_CASEFIELD ? v->name + 6 : v->name);
	st_bind_text(st, 4, a->now);
	st_bind_text(st, 5, a->actor->name);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("writing a field an op changes"), err);
	else if (v->d->kind == F_CASEFIELD && strcmp(a->e->table, "cases") == 0) {
		/* A case field lives in its own row: the case's version rises with it. */
		st_finish(a->s, st);
		st = NULL;
		if ((rc = st_prepare(a->s, "UPDATE cases SET updated_at = ?2 WHERE id = ?1", &st, err)))
			return rc;
		sqlite3_bind_int64(st, 1, a->row_id);
		st_bind_text(st, 2, a->now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(a->s, _("writing a field an op changes"), err);
	}
out:
	st_finish(a->s, st);
	return rc;
}

static int64_t row_version(struct applying *a)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	snprintf(sql, sizeof sql, "SELECT row_version FROM %s WHERE id = ?1", a->e->table);
	if (dyn_prepare(a->s, sql, &st) != 0)
		return 0;
	sqlite3_bind_int64(st, 1, a->row_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	st_finish(a->s, st);
	return v;
}

/* The event of one written field, as a local change of it would write. */
static int field_event(struct applying *a, const struct fval *v, const char *old, struct cd_error *err)
{
	char note[96];
	char *transition = NULL;
	struct cd_event ev = { .person_id = a->person_id, .case_id = a->case_id, .field = v->name, .old_value = old,
			       .new_value = v->new_v, .note = note, .row_version = row_version(a) };
	int rc;

	snprintf(note, sizeof note, "sync: from %s", a->op->origin_office ? a->op->origin_office : a->op->origin);
	if (strcmp(a->e->entity, "person") == 0) {
		ev.kind = "person_corrected";
	} else if (strcmp(a->e->entity, "case") == 0 && strcmp(v->name, "state") == 0) {
		transition = meta(a->s, a->op->payload, "$.transition");
		ev.kind = "transition";
		ev.transition = transition;
		ev.from_state = old;
		ev.to_state = v->new_v;
		ev.field = ev.old_value = ev.new_value = NULL;
	} else if (strcmp(a->e->entity, "case") == 0 && strcmp(v->name, "assignee") == 0) {
		ev.kind = "assigned";
	} else if (strcmp(a->e->entity, "check") == 0 && strcmp(v->name, "cleared_at") == 0) {
		ev.kind = "check_cleared";
	} else {
		ev.kind = "field";
		if (v->d->kind == F_CASEFIELD)
			ev.field = v->name + 6;
	}
	if (strcmp(a->e->entity, "person") != 0 && strcmp(a->e->entity, "case") != 0 && strcmp(a->e->entity, "check") != 0)
		ev.kind = "field";
	rc = store_add_event(a->s, a->actor, &ev, err);
	free(transition);
	return rc;
}

/* JSON text of a value for the conflict queue: null, a number, or a string. */
static int queue_conflict(struct applying *a, const struct fval *v, const char *ours, struct cd_error *err)
{
	static const char sql[] =
		"INSERT INTO conflicts(uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin,"
		" origin_office, at) VALUES (?1, ?2, ?3, ?4,"
		" CASE WHEN ?12 THEN json(?5) ELSE json_quote(?5) END,"
		" CASE WHEN ?13 THEN json(?6) ELSE json_quote(?6) END,"
		" CASE WHEN ?13 AND ?7 GLOB '[0-9]*' THEN json(?7) ELSE json_quote(?7) END, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *st = NULL;
	char uuid[37];
	int rc;

	if ((rc = st_prepare(a->s, sql, &st, err)))
		return rc;
	cd_uuid7(uuid);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, a->e->entity);
	st_bind_text(st, 3, a->op->entity_uuid);
	st_bind_text(st, 4, v->name);
	st_bind_text(st, 5, v->old);
	st_bind_text(st, 6, v->new_v);
	st_bind_text(st, 7, ours);
	st_bind_text(st, 8, a->op->uuid);
	st_bind_text(st, 9, a->op->origin);
	st_bind_text(st, 10, a->op->origin_office);
	st_bind_text(st, 11, a->now);
	sqlite3_bind_int(st, 12, v->old_int);
	sqlite3_bind_int(st, 13, v->new_int);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("queueing a conflict"), err);
	st_finish(a->s, st);
	if (!rc) {
		/* The queue is seen in the record's history: no value in the event, only the field. */
		char note[160];
		struct cd_event ev = { .person_id = a->person_id, .case_id = a->case_id, .kind = "note",
				       .note = note, .row_version = row_version(a) };
		snprintf(note, sizeof note, v->clean ? "sync conflict on %s.%s from %s: its value holds control "
			 "characters; not taken, queued for a supervisor" : "sync conflict on %s.%s from %s: kept here,"
			 " queued for a supervisor", a->e->entity, v->name,
			 a->op->origin_office ? a->op->origin_office : a->op->origin);
		rc = store_add_event(a->s, a->actor, &ev, err);
	}
	a->res->n_conflicts++;
	return rc;
}

/*
 * The column fields to write, in one UPDATE: a row's rules (a check's clearing: who, when and
 * why together) see the change whole, and the row version rises once.
 */
/* A person's search index rows after an op changed its names: in a long pull they wait for
 * the batch's end (dupes_index_defer, dupes.h: one FTS5 write for the batch, not a segment
 * per op), else written now. */
static int index_refresh(struct cd_store *s, int64_t person_id, struct cd_error *err)
{
	return dupes_index_defer(s, person_id) ? CD_OK : person_fts_refresh(s, person_id, err);
}

static int write_columns(struct applying *a, const size_t *idx, size_t k, struct cd_error *err)
{
	struct cd_buf sql;
	sqlite3_stmt *st = NULL;
	int rc = CD_OK, berr, state = 0;

	if (!k)
		return CD_OK;
	buf_init(&sql, CD_BUF_MAX_DEFAULT);
	berr = buf_printf(&sql, "UPDATE %s SET ", a->e->table);
	for (size_t j = 0; j < k; j++) {
		berr |= buf_printf(&sql, "%s%s = ?%zu", j ? ", " : "", a->f[idx[j]].d->col, j + 4);
		state |= strcmp(a->e->table, "cases") == 0 && strcmp(a->f[idx[j]].d->col, "state") == 0;
	}
	if (state)
		berr |= buf_puts(&sql, ", state_since = ?2, entered_by = ?3");
	if (strcmp(a->e->table, "person") == 0 || strcmp(a->e->table, "cases") == 0)
		berr |= buf_puts(&sql, ", updated_at = ?2");
	if (strcmp(a->e->table, "cases") == 0)
		berr |= buf_puts(&sql, ", updated_by = ?3");
	berr |= buf_puts(&sql, " WHERE id = ?1 AND ?2 IS NOT NULL AND ?3 IS NOT NULL");
	if (berr) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	if (dyn_prepare(a->s, buf_str(&sql), &st) != 0) {
		rc = st_fail(a->s, _("writing the fields an op changes"), err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, a->row_id);
	st_bind_text(st, 2, a->now);
	st_bind_text(st, 3, a->actor->name);
	for (size_t j = 0; j < k && !rc; j++)
		rc = bind_value(a, st, (int)(j + 4), &a->f[idx[j]], a->f[idx[j]].new_v, err);
	if (!rc && sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("writing the fields an op changes"), err);
out:
	st_finish(a->s, st);
	buf_release(&sql);
	return rc;
}

/* The three ways for each field of a row this store has. */
static int apply_fields(struct applying *a, struct cd_error *err)
{
	size_t *cols = NULL, k = 0;
	char **before = NULL;
	int rc = CD_OK, names = 0;

	if (!(cols = calloc(a->n + 1, sizeof *cols)) || !(before = calloc(a->n + 1, sizeof *before))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	/* The state first: a step that does not start from this store's state takes nothing
	 * of the step's closing with it. */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < a->n && !rc; i++) {
			struct fval *v = &a->f[i];
			int is_state = strcmp(a->e->entity, "case") == 0 && strcmp(v->name, "state") == 0;
			if ((pass == 0) != is_state)
				continue;
			if (v->d->kind == F_CLOSED && a->state_conflicted)
				continue;
			char *here = NULL;
			if ((rc = here_value(a, v, &here, err)))
				break;
			if (v->clean && !same(here, v->new_v)) {
				/* Control characters: this store's value stays, theirs waits for a
				 * supervisor (a state so held takes no closing with it either). */
				if (is_state)
					a->state_conflicted = 1;
				rc = queue_conflict(a, v, here, err);
				free(here);
			} else if (same(here, v->new_v)) {
				free(here);   /* nothing to do: the change came here another way */
			} else if (same(here, v->old) || (a->also_old[0] && same(here, a->also_old[0])) ||
				   (a->also_old[1] && same(here, a->also_old[1]))) {
				before[i] = here;
				v->write = 1;
				if (v->d->kind != F_CLOSED && v->d->kind != F_CASEFIELD)
					cols[k++] = i;
				names |= strcmp(a->e->entity, "person") == 0;
			} else {
				if (is_state)
					a->state_conflicted = 1;
				rc = queue_conflict(a, v, here, err);
				free(here);
			}
		}
	}
	if (rc || (rc = write_columns(a, cols, k, err)))
		goto out;
	for (size_t i = 0; i < a->n && !rc; i++) {
		struct fval *v = &a->f[i];
		if (!v->write)
			continue;
		if ((v->d->kind == F_CLOSED || v->d->kind == F_CASEFIELD) && (rc = write_field(a, v, v->new_v, err)))
			break;
		if (!(rc = field_event(a, v, before[i], err)))
			a->res->n_fields++;
	}
	if (!rc && names)
		rc = index_refresh(a->s, a->row_id, err);
out:
	for (size_t i = 0; before && i < a->n; i++)
		free(before[i]);
	free(before);
	free(cols);
	return rc;
}

/*
 * A case's clock as the store that made the op worked it out (its due day and the days a
 * stopped clock keeps: the op's "due_day" and "frozen_left", cases.c), taken with the case
 * when it is made here and with its state when the op's step is: the deadline belongs to
 * the state the case is in.  A state held back by a conflict keeps this store's clock; an
 * op without one (made before the ops carried it) leaves the clock as it is; a value that
 * is not a day number is not taken.
 */
static int case_clock(struct applying *a, int inserted, struct cd_error *err)
{
	static const char sql[] =
		"UPDATE cases SET due_day = CASE json_type(?2, '$.due_day') WHEN 'null' THEN NULL"
		"  ELSE json_extract(?2, '$.due_day') END,"
		" frozen_left = CASE json_type(?2, '$.frozen_left') WHEN 'null' THEN NULL"
		"  ELSE json_extract(?2, '$.frozen_left') END"
		" WHERE id = ?1 AND json_valid(?2)"
		" AND (json_type(?2, '$.due_day') = 'null' OR json_type(?2, '$.due_day') = 'integer'"
		"  AND json_extract(?2, '$.due_day') BETWEEN 0 AND 2932896)"
		" AND (json_type(?2, '$.frozen_left') = 'null' OR json_type(?2, '$.frozen_left') = 'integer'"
		"  AND json_extract(?2, '$.frozen_left') BETWEEN 0 AND 2932896)";
	sqlite3_stmt *st = NULL;
	int rc, moved = inserted;

	if (strcmp(a->e->entity, "case") != 0 || !a->row_id)
		return CD_OK;
	for (size_t i = 0; i < a->n && !moved; i++)
		moved = a->f[i].write && strcmp(a->f[i].name, "state") == 0;
	if (!moved)
		return CD_OK;
	if ((rc = st_prepare(a->s, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, a->row_id);
	st_bind_text(st, 2, a->op->payload);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("writing a case's deadline an op carries"), err);
	st_finish(a->s, st);
	st = NULL;
	/* When: the case was opened, and entered its state, when its store says - not when the
	 * op arrived here.  The statistics count applications by the day they were opened: a
	 * kit's surge synced next month is last month's.  An op's time not written as casedesk
	 * writes times is not taken. */
	if (rc || !a->op->at)
		return rc;
#define CD_TIME_GLOB "'[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:*Z'"
	if ((rc = st_prepare(a->s, inserted ? "UPDATE cases SET opened_at = ?2, state_since = ?2 WHERE id = ?1"
					      " AND ?2 GLOB " CD_TIME_GLOB
					    : "UPDATE cases SET state_since = ?2 WHERE id = ?1 AND ?2 GLOB " CD_TIME_GLOB,
			     &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, a->row_id);
	st_bind_text(st, 2, a->op->at);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("writing when a case was opened"), err);
	st_finish(a->s, st);
	return rc;
#undef CD_TIME_GLOB
}

/* A row this store does not have: made with the op's uuid and every field it names. */
static int insert_row(struct applying *a, struct cd_error *err)
{
	struct cd_buf cols, vals;
	sqlite3_stmt *st = NULL;
	int rc = CD_OK, p = 5;

	buf_init(&cols, CD_BUF_MAX_DEFAULT);
	buf_init(&vals, CD_BUF_MAX_DEFAULT);
	int berr = buf_puts(&cols, "uuid") | buf_puts(&vals, "?2");
	for (size_t i = 0; i < a->n; i++) {
		if (a->f[i].d->kind == F_CLOSED || a->f[i].d->kind == F_CASEFIELD)
			continue;
		berr |= buf_printf(&cols, ", %s", a->f[i].d->col);
		berr |= buf_printf(&vals, ", ?%d", p++);
	}
	berr |= buf_puts(&cols, a->e->insert_cols);
	berr |= buf_puts(&vals, a->e->insert_vals);
	if (strcmp(a->e->entity, "case") == 0) {
		/* The workflow the case follows must be installed here, at the op's version. */
		char *wf = NULL, *ver = NULL;
		for (size_t i = 0; i < a->n; i++) {
			if (strcmp(a->f[i].name, "workflow") == 0)
				wf = a->f[i].new_v;
			else if (strcmp(a->f[i].name, "workflow_version") == 0)
				ver = a->f[i].new_v;
		}
		sqlite3_stmt *w = NULL;
		if ((rc = st_prepare(a->s, "SELECT 1 FROM workflow_def WHERE workflow_id = ?1 AND version = ?2", &w, err)))
			goto out;
		st_bind_text(w, 1, wf);
		st_bind_text(w, 2, ver);
		int r = st_row(a->s, w, _("reading the installed workflows"), err);
		st_finish(a->s, w);
		if (r < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		if (r == 0) {
			rc = cd_error_set(err, CD_EREFUSED, _("op %s: case %s follows workflow %s version %s, which is not "
							      "installed here; install it (`casedesk workflow install`) and "
							      "apply the op again"),
					  a->op->uuid, a->op->entity_uuid, wf ? wf : "?", ver ? ver : "?");
			goto out;
		}
	}
	{
		char *sql = NULL;
		if (berr) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		size_t len = strlen(buf_str(&cols)) + strlen(buf_str(&vals)) + strlen(a->e->table) + 40;
		if (!(sql = malloc(len))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		snprintf(sql, len, "INSERT INTO %s(%s) VALUES (%s)", a->e->table, buf_str(&cols), buf_str(&vals));
		int prc = dyn_prepare(a->s, sql, &st);
		free(sql);
		if (prc != 0) {
			rc = st_fail(a->s, _("adding a row an op made"), err);
			goto out;
		}
	}
	st_bind_text(st, 1, a->now);
	st_bind_text(st, 2, a->op->entity_uuid);
	st_bind_text(st, 3, a->actor->name);
	p = 5;
	for (size_t i = 0; i < a->n; i++) {
		if (a->f[i].d->kind == F_CLOSED || a->f[i].d->kind == F_CASEFIELD)
			continue;
		if ((rc = bind_value(a, st, p++, &a->f[i], insert_value(&a->f[i]), err)))
			goto out;
	}
	if (a->check_person)
		sqlite3_bind_int64(st, 4, a->check_person);
	else
		sqlite3_bind_null(st, 4);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(a->s, _("adding a row an op made"), err);
		goto out;
	}
	st_finish(a->s, st);
	st = NULL;
	if ((rc = find_row(a, err)))
		goto out;
	a->res->n_fields += (int)a->n;
	/* What the insert could not name as a column: a case's closing and its fields. */
	for (size_t i = 0; i < a->n && !rc; i++)
		if (a->f[i].d->kind == F_CLOSED || a->f[i].d->kind == F_CASEFIELD)
			rc = write_field(a, &a->f[i], insert_value(&a->f[i]), err);
	if (rc)
		goto out;
	if (a->person_id && strcmp(a->e->entity, "document") != 0 && strcmp(a->e->entity, "address") != 0 &&
	    strcmp(a->e->entity, "case") != 0 && strcmp(a->e->entity, "check") != 0 &&
	    (rc = index_refresh(a->s, a->person_id, err)))
		goto out;
	{
		char note[96];
		snprintf(note, sizeof note, "sync: from %s", a->op->origin_office ? a->op->origin_office : a->op->origin);
		struct cd_event ev = { .person_id = a->person_id, .case_id = a->case_id, .kind = a->e->event_insert,
				       .note = note, .row_version = row_version(a) };
		/* What `store check` compares the rows with: a case's state, a check's answer. */
		for (size_t i = 0; i < a->n; i++) {
			if (strcmp(a->e->entity, "case") == 0 && strcmp(a->f[i].name, "state") == 0)
				ev.to_state = insert_value(&a->f[i]);
			else if (strcmp(a->e->entity, "check") == 0 && strcmp(a->f[i].name, "list") == 0)
				ev.field = insert_value(&a->f[i]);
			else if (strcmp(a->e->entity, "check") == 0 && strcmp(a->f[i].name, "result") == 0)
				ev.new_value = insert_value(&a->f[i]);
		}
		rc = store_add_event(a->s, a->actor, &ev, err);
	}
	/* What came with control characters: the row holds its clean form, the value as it came
	 * waits for a supervisor. */
	for (size_t i = 0; i < a->n && !rc; i++)
		if (a->f[i].clean)
			rc = queue_conflict(a, &a->f[i], a->f[i].clean, err);
out:
	st_finish(a->s, st);
	buf_release(&cols);
	buf_release(&vals);
	return rc;
}

/* ---- the record of what was applied -------------------------------------------------- */

int op_origin_high_water(struct cd_store *s, const char *origin, int64_t *seq, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT high_water FROM origins WHERE origin = ?1", &st, err);
	*seq = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, origin);
	int r = st_row(s, st, _("reading what this store has applied"), err);
	if (r > 0)
		*seq = sqlite3_column_int64(st, 0);
	else if (r < 0)
		rc = CD_ESTORE;
	st_finish(s, st);
	return rc;
}

/* The mark of origin ?1 after op ?3 is applied, when it stood at MARK: the last of the run of
 * seqs applied here from ?3 on when ?3 is MARK + 1, else MARK. */
#define MARK_AFTER(MARK)                                                                                     \
	"CASE WHEN ?3 = " MARK " + 1 THEN (WITH RECURSIVE run(n) AS (SELECT ?3 UNION ALL SELECT n + 1 FROM run"   \
	" WHERE EXISTS (SELECT 1 FROM applied_ops x WHERE x.origin = ?1 AND x.origin_seq = n + 1))"             \
	" SELECT max(n) FROM run) ELSE " MARK " END"

static int record_applied(struct cd_store *s, const struct cd_remote_op *op, const char *outcome, const char *note,
			  const char *now, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, late;
	/* Late: an op of its origin with a higher seq was applied here before it (a pull's or a
	 * carried op's jump, then the origin's own bundle).  Rare; the usual op is the last. */
	if ((rc = st_prepare(s, "SELECT EXISTS (SELECT 1 FROM applied_ops WHERE origin = ?1 AND origin_seq > ?2)", &st,
			     err)))
		return rc;
	st_bind_text(st, 1, op->origin);
	sqlite3_bind_int64(st, 2, op->origin_seq);
	late = st_row(s, st, _("reading what this store has applied"), err);
	late = late > 0 ? sqlite3_column_int(st, 0) : late;
	st_finish(s, st);
	if (late < 0)
		return CD_ESTORE;
	if ((rc = st_prepare(s, "INSERT INTO applied_ops(uuid, origin, origin_seq, applied_at, outcome, note)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err)))
		return rc;
	st_bind_text(st, 1, op->uuid);
	st_bind_text(st, 2, op->origin);
	sqlite3_bind_int64(st, 3, op->origin_seq);
	st_bind_text(st, 4, now);
	st_bind_text(st, 5, outcome);
	st_bind_text(st, 6, note);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording an applied op"), err);
	st_finish(s, st);
	if (rc)
		return rc;
	/* The mark rises only over ops applied here without a gap: from this op (when it is the
	 * next) over those applied before it out of order (a pull's or a carried op's jump).  A
	 * jump never moves it: "op 50 of kit A" carried by kit B leaves kit A's 1 to 49 to come. */
	if ((rc = st_prepare(s, late ? "INSERT INTO origins(origin, office, high_water) VALUES (?1, ?2, " MARK_AFTER("0") ")"
				       " ON CONFLICT(origin) DO UPDATE SET high_water = " MARK_AFTER("high_water") ","
				       " office = coalesce(excluded.office, office)"
				     : "INSERT INTO origins(origin, office, high_water) VALUES (?1, ?2, ?3 = 1)"
				       " ON CONFLICT(origin) DO UPDATE SET high_water = CASE WHEN ?3 = high_water + 1 THEN ?3"
				       " ELSE high_water END, office = coalesce(excluded.office, office)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, op->origin);
	st_bind_text(st, 2, op->origin_office);
	sqlite3_bind_int64(st, 3, op->origin_seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("moving the origin's high-water mark"), err);
	st_finish(s, st);
	if (rc)
		return rc;
	/* Kept whole (schema 25), for a bundle to carry it on to a store with no link - unless an
	 * op of its origin with a higher seq is held already (it came late: the origin's own
	 * bundle after a pull or a carrier brought later ops): a bundle carries each origin's ops
	 * in rising order (bundle.h), and the origin's own bundle, or the national tier this
	 * store relays it to, brings it to the others. */
	if ((rc = st_prepare(s, late ? "INSERT INTO held_ops(uuid, origin, origin_seq, origin_office, at, entity,"
				       " entity_uuid, op, payload, after_seq, via) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
				       " (SELECT coalesce(max(origin_seq), 0) FROM outbox WHERE origin = ?10), ?11"
				       " WHERE NOT EXISTS (SELECT 1 FROM held_ops WHERE origin = ?2 AND origin_seq > ?3)"
				     : "INSERT INTO held_ops(uuid, origin, origin_seq, origin_office, at, entity,"
				       " entity_uuid, op, payload, after_seq, via) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
				       " (SELECT coalesce(max(origin_seq), 0) FROM outbox WHERE origin = ?10), ?11)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, op->uuid);
	st_bind_text(st, 2, op->origin);
	sqlite3_bind_int64(st, 3, op->origin_seq);
	st_bind_text(st, 4, op->origin_office);
	st_bind_text(st, 5, op->at);
	st_bind_text(st, 6, op->entity);
	st_bind_text(st, 7, op->entity_uuid);
	st_bind_text(st, 8, op->op);
	st_bind_text(st, 9, op->payload);
	st_bind_text(st, 10, s->uuid);
	st_bind_text(st, 11, op->via);   /* never carried back there; NULL: the tier's (origin_known) */
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("keeping an applied op to carry on"), err);
	st_finish(s, st);
	return rc;
}

/* 1 when an op with this uuid was applied or made here. */
static int known_op(struct cd_store *s, const char *uuid, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	if (st_prepare(s, "SELECT 1 FROM applied_ops WHERE uuid = ?1 UNION ALL SELECT 1 FROM outbox WHERE uuid = ?1",
		       &st, err))
		return -1;
	st_bind_text(st, 1, uuid);
	int r = st_row(s, st, _("reading what this store has applied"), err);
	st_finish(s, st);
	return r;
}

/* Why an op is recorded but not applied; NULL when it is applied. */
static const char *skip_reason(const struct cd_remote_op *op, int purged, int has_fields)
{
	if (purged)
		return N_("skipped: its values were erased at its origin (a purged or anonymised record)");
	if (strcmp(op->payload, "{\"out_of_scope\":true}") == 0)   /* bundle.h BUNDLE_OUT_OF_SCOPE */
		return N_("skipped: out of this store's scope (a case of another office), its content left out of "
			  "the bundle made for it");
	if (!has_fields)
		return N_("skipped: made before schema 16, its payload has no fields to apply");
	if (strcmp(op->entity, "user") == 0 || strcmp(op->entity, "setting") == 0)
		return N_("skipped: an office's own users and settings are not merged");
	if (strcmp(op->entity, "biometric") == 0)
		return N_("skipped: biometric templates do not travel in ops; enrol the person here");
	if (strcmp(op->op, "insert") != 0 && strcmp(op->op, "update") != 0 && strcmp(op->op, "transition") != 0 &&
	    strcmp(op->op, "assign") != 0 && strcmp(op->op, "resolve") != 0)
		return N_("skipped: merges, purges and anonymisations are made at each office by hand");
	return NULL;
}

/* ---- decisions that travel: a resolution, a duplicate review --------------------------- */

/* "name (OFFICE)" of the supervisor who decided at the op's origin, into out. */
static void decided_by(struct cd_store *s, const struct cd_remote_op *op, const char *path, char *out, size_t size)
{
	char *by = meta(s, op->payload, path);
	snprintf(out, size, "%s (%s)", by && *by ? by : "?", op->origin_office && *op->origin_office ? op->origin_office : "?");
	free(by);
}

/* ---- decisions that travel: a merge --------------------------------------------------- */

/*
 * A merge made at another store ("merge" on the duplicate, its survivor in the payload) that
 * settles a pair this store has in review: made here too and the pair closed as merged by
 * who merged at which office, when (review.h review_settle_merged).  *settled 0: no such
 * pair open here, or not mergeable here; the op is then recorded as skipped as before.
 */
static int settle_merge(struct applying *a, int *settled, struct cd_error *err)
{
	char who[128];
	char *surv = meta(a->s, a->op->payload, "$.survivor");
	char *reason = meta(a->s, a->op->payload, "$.reason");
	int rc = CD_OK;

	*settled = 0;
	if (surv && *surv && strcmp(surv, a->op->entity_uuid) != 0) {
		decided_by(a->s, a->op, "$.by", who, sizeof who);
		rc = review_settle_merged(a->s, a->actor, a->op->entity_uuid, surv, who,
					  a->op->at && *a->op->at ? a->op->at : a->now, reason, settled, err);
	}
	free(surv);
	free(reason);
	return rc;
}

/*
 * A resolution made at another store closes this store's open conflicts on the same row
 * and field between the same two values (or from the same op), in the resolver's name, at
 * the resolution's time, with its reason: one conflict is not left open twice.  Called
 * after the op's applied_ops row is written (schema 23 lets a conflict name a supervisor
 * who is not a user here only for an op applied here).
 */
static int close_resolved(struct applying *a, int *closed, struct cd_error *err)
{
	static const char sql[] =
		"UPDATE conflicts SET resolved_by = ?1, resolved_at = ?2,"
		" resolution = CASE WHEN ?3 IS CAST(json_extract(ours, '$') AS TEXT) THEN 'ours'"
		"  WHEN ?3 IS CAST(json_extract(theirs, '$') AS TEXT) THEN 'theirs' ELSE 'typed' END,"
		" resolved_value = json_quote(?3), reason = ?4, resolution_op = ?5"
		" WHERE resolved_at IS NULL AND entity = ?6 AND entity_uuid = ?7 AND field = ?8"
		" AND ((CAST(json_extract(theirs, '$') AS TEXT) IS ?9 AND CAST(json_extract(ours, '$') AS TEXT) IS ?10)"
		"  OR (CAST(json_extract(theirs, '$') AS TEXT) IS ?10 AND CAST(json_extract(ours, '$') AS TEXT) IS ?9)"
		"  OR (?11 IS NOT NULL AND op_uuid = ?11))";
	char who[128];
	char *ours = meta(a->s, a->op->payload, "$.resolution.ours");
	char *theirs = meta(a->s, a->op->payload, "$.resolution.theirs");
	char *from = meta(a->s, a->op->payload, "$.resolution.op");
	char *reason = meta(a->s, a->op->payload, "$.reason");
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	decided_by(a->s, a->op, "$.resolution.by", who, sizeof who);
	for (size_t i = 0; i < a->n && !rc; i++) {
		/* A value with control characters was not taken here: what it settles stays open. */
		if (a->f[i].clean)
			continue;
		if ((rc = st_prepare(a->s, sql, &st, err)))
			break;
		st_bind_text(st, 1, who);
		st_bind_text(st, 2, a->op->at && *a->op->at ? a->op->at : a->now);
		st_bind_text(st, 3, a->f[i].new_v);
		st_bind_text(st, 4, reason && *reason ? reason : "resolved at another office");
		st_bind_text(st, 5, a->op->uuid);
		st_bind_text(st, 6, a->op->entity);
		st_bind_text(st, 7, a->op->entity_uuid);
		st_bind_text(st, 8, a->f[i].name);
		st_bind_text(st, 9, ours);
		st_bind_text(st, 10, theirs);
		st_bind_text(st, 11, from && *from ? from : NULL);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(a->s, _("closing a conflict resolved at another office"), err);
		else
			*closed += sqlite3_changes(a->s->db);
		st_finish(a->s, st);
		st = NULL;
	}
	free(ours);
	free(theirs);
	free(from);
	free(reason);
	return rc;
}

/*
 * A duplicate review decided at another store ("review" op on that store's person, payload
 * {"review":{"person","candidate","decision","by","reason"}}): a dismissal closes this
 * store's open review of the same pair (either way round), in the decider's name, with an
 * event on the local person.  A merge is not made here by an op (merges are made at each
 * office by hand): the review stays open for it, and applied_ops says so.  *note gets what
 * happened, for applied_ops.
 */
static int close_reviewed(struct applying *a, const char **note, struct cd_error *err)
{
	/* The open row of the pair (either way round) and this store's person of it. */
	static const char find_sql[] =
		"SELECT r.id, coalesce((SELECT p.id FROM person p WHERE p.uuid = r.candidate_uuid AND p.merged_into IS NULL),"
		"  (SELECT p.id FROM person p WHERE p.uuid = r.person_uuid AND p.merged_into IS NULL), 0)"
		" FROM dupe_review r WHERE r.decision IS NULL"
		" AND ((r.person_uuid = ?1 AND r.candidate_uuid = ?2) OR (r.person_uuid = ?2 AND r.candidate_uuid = ?1))";
	static const char sql[] =
		"UPDATE dupe_review SET decision = 'dismissed', decided_by = ?1, decided_at = ?2, reason = ?3"
		" WHERE id = ?4 AND decision IS NULL";
	char who[128], ev_note[160];
	char *pu = meta(a->s, a->op->payload, "$.review.person");
	char *cu = meta(a->s, a->op->payload, "$.review.candidate");
	char *decision = meta(a->s, a->op->payload, "$.review.decision");
	char *reason = meta(a->s, a->op->payload, "$.review.reason");
	sqlite3_stmt *st = NULL;
	int64_t id = 0, pid = 0;
	int rc = CD_OK, r;

	*note = N_("applied: no open review of this pair here");
	if (!pu || !cu || !decision) {
		rc = cd_error_set(err, CD_EINPUT, _("op %s: a review op names the pair and the decision"), a->op->uuid);
		goto out;
	}
	decided_by(a->s, a->op, "$.review.by", who, sizeof who);
	/* Marks the decision as an op's (schema 23): the decider need not be a user here. */
	if ((rc = st_exec(a->s, "INSERT INTO applying(op) VALUES ('review')", err)))
		goto out;
	if ((rc = st_prepare(a->s, find_sql, &st, err)))
		goto unmark;
	st_bind_text(st, 1, pu);
	st_bind_text(st, 2, cu);
	if ((r = st_row(a->s, st, _("reading the duplicate review of a pair"), err)) > 0) {
		id = sqlite3_column_int64(st, 0);
		pid = sqlite3_column_int64(st, 1);
	}
	st_finish(a->s, st);
	st = NULL;
	if (r < 0) {
		rc = CD_ESTORE;
		goto unmark;
	}
	if (!id)
		goto unmark;   /* (a merge's own op closed it as merged already: settle_merge) */
	if (strcmp(decision, "dismissed") != 0) {
		/* Its merge op could not make the merge here (review_settle_merged): left to a
		 * supervisor. */
		*note = N_("applied: merged at its origin; the merge is made here by hand (casedesk review merge)");
		goto unmark;
	}
	if ((rc = st_prepare(a->s, sql, &st, err)))
		goto unmark;
	st_bind_text(st, 1, who);
	st_bind_text(st, 2, a->op->at && *a->op->at ? a->op->at : a->now);
	st_bind_text(st, 3, reason && *reason ? reason : "dismissed at another office");
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(a->s, _("closing a duplicate review decided at another office"), err);
	else
		*note = N_("applied: the review of this pair here is closed as dismissed at its origin");
	st_finish(a->s, st);
	st = NULL;
	if (!rc) {
		snprintf(ev_note, sizeof ev_note, "duplicate review %lld: dismissed at %s", (long long)id, who);
		struct cd_event ev = { .person_id = pid, .kind = "duplicate_reviewed", .field = "dupe_review",
				       .new_value = "dismissed", .note = ev_note };
		rc = store_add_event(a->s, a->actor, &ev, err);
	}
unmark: {
	struct cd_error e2 = CD_ERROR_INIT;
	int rc2 = st_exec(a->s, "DELETE FROM applying", &e2);
	if (!rc && rc2) {
		rc = rc2;
		*err = e2;
	}
}
out:
	free(pu);
	free(cu);
	free(decision);
	free(reason);
	return rc;
}

/* One statement through the store's prepared-statement cache: run for every insert a pull
 * applies, where sqlite3_exec would parse it again each time. */
static int exec_kept(struct cd_store *s, const char *sql, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (!rc && sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("writing"), err);
	st_finish(s, st);
	return rc;
}

/* A person whose name keys the op may have changed: dupes.c's copy of them reads the row
 * again (a pull holds one, dupes_cache_begin), before this op's own duplicate check. */
static int keys_noted(struct applying *a, struct cd_error *err)
{
	const char *e = a->e->entity;
	if (strcmp(e, "person") == 0)
		return dupes_cache_note(a->s, a->row_id, err);
	if ((strcmp(e, "alias") == 0 || strcmp(e, "family") == 0) && a->person_id)
		return dupes_cache_note(a->s, a->person_id, err);
	return CD_OK;
}

/* ---- who may say what: an op's identity, its numbers, its decisions ------------------- */

/* The name of the field kit `op` came from when it is one this store made (number_blocks:
 * the blocks leased to it; the office's own carry the office's name), else "". */
static void origin_kit(struct cd_store *s, const struct cd_remote_op *op, char *out, size_t size)
{
	struct cd_error ignored = CD_ERROR_INIT;
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	if (st_prepare(s, "SELECT max(kit_name) FROM number_blocks WHERE kit_uuid = ?1 AND kit_name IS NOT ?2", &st,
		       &ignored))
		return;
	st_bind_text(st, 1, op->origin);
	st_bind_text(st, 2, op->origin_office);
	if (st_row(s, st, _("reading the leased blocks of numbers"), &ignored) > 0 && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
}

/* "kit K01 of office TBS" or "office TBS": the store `op` came from, as people here name it. */
static void origin_label(struct cd_store *s, const struct cd_remote_op *op, char *out, size_t size)
{
	const char *office = op->origin_office && *op->origin_office ? op->origin_office : "?";
	char kit[64];

	origin_kit(s, op, kit, sizeof kit);
	if (kit[0])
		snprintf(out, size, _("kit %s of office %s"), kit, office);
	else
		snprintf(out, size, _("office %s"), office);
}

/* The same in a column's few characters: "TBS/K08", "TBS" (the origin's uuid when no office
 * is known), as the conflicts and the review queue show it. */
static void origin_short(struct cd_store *s, const struct cd_remote_op *op, char *out, size_t size)
{
	char kit[64];

	if (!op->origin_office || !*op->origin_office) {
		snprintf(out, size, "%s", op->origin);
		return;
	}
	origin_kit(s, op, kit, sizeof kit);
	snprintf(out, size, kit[0] ? "%s/%s" : "%s", op->origin_office, kit);
}

static int two_identities(struct cd_store *s, const struct cd_remote_op *op, struct cd_error *err)
{
	char who[96];
	origin_label(s, op, who, sizeof who);
	return cd_error_set(err, CD_EREFUSED,
			    _("op %lld of store %s (%s) came with another identity than the op %lld applied here: two "
			      "stores are using one identity (a kit's file copied to a second machine?) or the op was "
			      "forged"),
			    (long long)op->origin_seq, op->origin, who, (long long)op->origin_seq);
}

/*
 * "Already had" only when this very op was applied here under its origin and seq: an op whose
 * uuid was applied as another origin's or seq, or whose origin and seq were applied under
 * another uuid, is refused (CD_EREFUSED), never counted as had.  `known`: the op's uuid was
 * applied (or made) here.
 */
static int op_identity(struct cd_store *s, const struct cd_remote_op *op, int known, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(s, known ? "SELECT 1 FROM applied_ops WHERE uuid = ?3 AND (origin <> ?1 OR origin_seq <> ?2)"
					" UNION ALL SELECT 1 FROM outbox WHERE uuid = ?3"
				      : "SELECT 1 FROM applied_ops WHERE origin = ?1 AND origin_seq = ?2",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, op->origin);
	sqlite3_bind_int64(st, 2, op->origin_seq);
	if (known)
		st_bind_text(st, 3, op->uuid);
	r = st_row(s, st, _("reading what this store has applied"), err);
	st_finish(s, st);
	if (r < 0)
		return CD_ESTORE;
	return r > 0 ? two_identities(s, op, err) : CD_OK;
}

/*
 * 1 when this store knows the store `origin` as more than a name in a bundle: trusted here
 * (its own bundles are accepted), a kit it made (number_blocks), or one whose ops came here
 * from the national tier (held_ops with no via: a pull).  A decision another store carries
 * is honoured only from such an origin.
 */
static int origin_known(struct cd_store *s, const char *origin, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (st_prepare(s, "SELECT 1 FROM trusted_origins WHERE origin = ?1"
			  " UNION ALL SELECT 1 FROM number_blocks WHERE kit_uuid = ?1"
			  " UNION ALL SELECT 1 FROM held_ops WHERE origin = ?1 AND via IS NULL LIMIT 1",
		       &st, err))
		return -1;
	st_bind_text(st, 1, origin);
	r = st_row(s, st, _("reading the stores this one knows"), err);
	st_finish(s, st);
	return r;
}

/*
 * A decision (a resolution, a review, a merge, a purge: anything but data) carried in a
 * bundle from an origin this store does not know: *why is the note it is recorded skipped
 * with (the conflict or pair it names stays open here); NULL when it may be applied.  Data
 * ops a trusted carrier vouches for are applied as before: they lose nothing and settle nothing.
 */
static int decision_gate(struct cd_store *s, const struct cd_remote_op *op, const char **why, struct cd_error *err)
{
	int r;

	*why = NULL;
	if (!op->via || strcmp(op->via, op->origin) == 0 || strcmp(op->op, "insert") == 0 ||
	    strcmp(op->op, "update") == 0 || strcmp(op->op, "transition") == 0 || strcmp(op->op, "assign") == 0)
		return CD_OK;
	if ((r = origin_known(s, op->origin, err)) < 0)
		return CD_ESTORE;
	if (!r)
		*why = N_("skipped: a decision (resolution, review, merge or purge) carried in another store's bundle "
			  "from a store this one does not know (not trusted here, not a kit it made, never seen from the "
			  "national tier); what it decides stays open here for a supervisor");
	return CD_OK;
}

/* 1 when p is 1 to max decimal digits and nothing else; *v their value. */
static int all_digits(const char *p, size_t max, long long *v)
{
	size_t n = strspn(p, "0123456789");
	long long x = 0;
	if (n == 0 || n > max || p[n])
		return 0;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (p[i] - '0');
	*v = x;
	return 1;
}

/*
 * An op's number field: an update never changes a person's or a case's number (numbers never
 * change once issued), and an insert that came by hand (via) numbered in this office's series,
 * at a store that leased blocks to kits, must hold a number of a block leased to its origin,
 * below what that block returned, not held here already, never one of this office's own.
 * Refused whole (CD_EREFUSED): the bundle is kept and can be imported once the kit is put
 * right, and the office's next number stays its own.  Never names the number.  A renumbering
 * from the national tier is not refused but skipped (*why, the note).
 */
static int number_rule(struct applying *a, const char **why, struct cd_error *err)
{
	/* Per series and year (0 for persons): ?1 the number's integer, ?2 the origin, ?3 this store. */
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM number_blocks WHERE kit_uuid <> ?3),"
		" EXISTS (SELECT 1 FROM number_blocks b WHERE b.series = ?4 AND b.year = ?5 AND b.kit_uuid = ?2"
		"  AND ?1 BETWEEN b.first AND coalesce(b.returned - 1, b.last)),"
		" EXISTS (SELECT 1 FROM number_blocks b WHERE b.series = ?4 AND b.year = ?5 AND ?1 BETWEEN b.first AND b.last),"
		" EXISTS (SELECT 1 FROM number_blocks WHERE kit_uuid = ?3),"
		" CASE WHEN ?6 = 'person' THEN EXISTS (SELECT 1 FROM person WHERE number = ?7)"
		"  ELSE EXISTS (SELECT 1 FROM cases WHERE number = ?7) END";
	const struct cd_remote_op *op = a->op;
	const struct fval *v = NULL;
	int person = strcmp(op->entity, "person") == 0, rc = CD_OK, r;
	char who[96], series[40], prefix[16];
	long long year = 0, num = 0;
	sqlite3_stmt *st = NULL;

	if (!person && strcmp(op->entity, "case") != 0)
		return CD_OK;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->f[i].name, "number") == 0)
			v = &a->f[i];
	if (!v)
		return CD_OK;
	if (strcmp(op->op, "update") == 0) {
		if (!v->new_v || (v->old && strcmp(v->old, v->new_v) == 0))
			return CD_OK;
		/* From the tier (which refuses such an op now): skipped, so that one op from an
		 * older tier does not stop every later pull. */
		if (!op->via) {
			*why = N_("skipped: it changes a person's or a case's number, and numbers never change once "
				  "issued");
			return CD_OK;
		}
		origin_label(a->s, op, who, sizeof who);
		return cd_error_set(err, CD_EREFUSED,
				    _("op %lld of store %s (%s) changes the number of %s %s: numbers never change once "
				      "issued; the op is not genuine (a store's file changed by hand)"),
				    (long long)op->origin_seq, op->origin, who, op->entity, op->entity_uuid);
	}
	if (strcmp(op->op, "insert") != 0 || a->row_id || !op->via || !v->new_v)
		return CD_OK;   /* from the national tier: the tier is the authority on numbers */
	/* In this office's series?  P-OFFICE-NNNNNN, or PREFIX-OFFICE-YYYY-NNNNNN. */
	const char *n = v->new_v, *o = store_office(a->s);
	size_t lo = strlen(o);
	if (person) {
		if (strncmp(n, "P-", 2) != 0 || strncmp(n + 2, o, lo) != 0 || n[2 + lo] != '-' ||
		    !all_digits(n + 3 + lo, 18, &num))
			return CD_OK;
		snprintf(series, sizeof series, "person");
	} else {
		const char *d = strchr(n, '-');
		if (!d || (size_t)(d - n) >= sizeof prefix || strncmp(d + 1, o, lo) != 0 || d[1 + lo] != '-' ||
		    strspn(d + 2 + lo, "0123456789") != 4 || d[6 + lo] != '-' || !all_digits(d + 7 + lo, 18, &num))
			return CD_OK;
		for (int i = 2; i < 6; i++)
			year = year * 10 + (d[i + lo] - '0');
		snprintf(prefix, sizeof prefix, "%.*s", (int)(d - n), n);
		snprintf(series, sizeof series, "case:%s", prefix);
	}
	if ((rc = st_prepare(a->s, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, num);
	st_bind_text(st, 2, op->origin);
	st_bind_text(st, 3, a->s->uuid);
	st_bind_text(st, 4, series);
	sqlite3_bind_int64(st, 5, year);
	st_bind_text(st, 6, op->entity);
	st_bind_text(st, 7, n);
	if ((r = st_row(a->s, st, _("reading the leased blocks of numbers"), err)) <= 0) {
		rc = r < 0 ? CD_ESTORE : st_fail(a->s, _("reading the leased blocks of numbers"), err);
		goto out;
	}
	int lessor = sqlite3_column_int(st, 0), leased = sqlite3_column_int(st, 1), in_block = sqlite3_column_int(st, 2);
	int own_blocks = sqlite3_column_int(st, 3), held = sqlite3_column_int(st, 4);
	/* Not in a block this store knows and it holds none of its own: the number is of this
	 * office's own counter.  Holding its own (from the national tier), a number outside every
	 * block known here was leased by the tier, which keeps it once. */
	if (lessor && (held || (!leased && (in_block || !own_blocks)))) {
		origin_label(a->s, op, who, sizeof who);
		rc = cd_error_set(err, CD_EREFUSED,
				  _("op %lld of store %s (%s) registers a %s under a number this office never leased to "
				    "it, or took back unused, or issued already: the store's file was changed by hand; "
				    "the office's numbers are left as they were (ask a supervisor to examine that store)"),
				  (long long)op->origin_seq, op->origin, who, person ? _("person") : _("case"));
	}
out:
	st_finish(a->s, st);
	return rc;
}

int op_apply(struct cd_store *s, const struct cd_actor *actor, const struct cd_remote_op *op,
	     struct cd_apply_result *res, struct cd_error *err)
{
	struct applying a = { .s = s, .actor = actor, .op = op, .res = res };
	int64_t hw = 0;
	int rc, in_txn = 0, planted = 0;

	memset(res, 0, sizeof *res);
	if (!op || !op->uuid || !op->origin || !op->entity || !op->entity_uuid || !op->op || !op->payload ||
	    op->origin_seq < 1)
		return cd_error_set(err, CD_EINPUT, _("op %s: uuid, origin, a seq from 1, entity, its uuid, op and "
						      "payload are all needed"), op && op->uuid ? op->uuid : "?");
	if (strcmp(op->origin, s->uuid) == 0)
		return cd_error_set(err, CD_EREFUSED, _("op %s was made by this store (origin %s); applying it here "
							"would apply it twice"), op->uuid, op->origin);
	if ((rc = store_begin(s, err)))
		return rc;
	in_txn = 1;
	store_now(s, a.now, sizeof a.now);
	int known = known_op(s, op->uuid, err);
	if (known < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	if ((rc = op_identity(s, op, known, err)))
		goto out;
	if (known) {
		res->outcome = APPLY_ALREADY;
		goto done;
	}
	if ((rc = op_origin_high_water(s, op->origin, &hw, err)))
		goto out;
	/* At or under the mark with its seq free here: a store whose mark a jump moved before
	 * the mark rose only over ops applied; the op is new, and judged by its uuid and seq. */
	if (op->origin_seq > hw + 1 && !op->scoped) {
		rc = cd_error_set(err, CD_EREFUSED, _("op %s is number %lld of origin %s, but this store has applied "
						      "up to %lld: op %lld is missing; apply the ops in their order"),
				  op->uuid, (long long)op->origin_seq, op->origin, (long long)hw, (long long)(hw + 1));
		goto out;
	}

	{
		sqlite3_stmt *st = NULL;
		int purged = 0, has_fields = 0;
		if ((rc = st_prepare(s, "SELECT json_valid(?1), CASE WHEN json_valid(?1) THEN json_extract(?1, '$.purged')"
					" END IS 1, CASE WHEN json_valid(?1) THEN json_type(?1, '$.fields') END", &st, err)))
			goto out;
		st_bind_text(st, 1, op->payload);
		int r = st_row(s, st, _("reading an op's payload"), err);
		int valid = r > 0 && sqlite3_column_int(st, 0);
		if (r > 0) {
			purged = sqlite3_column_int(st, 1);
			const char *t = (const char *)sqlite3_column_text(st, 2);
			has_fields = t != NULL;
			if (t && strcmp(t, "object") != 0)
				valid = 0;
		}
		st_finish(s, st);
		if (r < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		if (!valid) {
			rc = cd_error_set(err, CD_EINPUT, _("op %s: its payload is not a JSON object with a \"fields\" "
							    "object"), op->uuid);
			goto out;
		}
		const char *untrusted = NULL;
		if ((rc = decision_gate(s, op, &untrusted, err)))
			goto out;
		if (untrusted) {
			res->outcome = APPLY_SKIPPED;
			if ((rc = record_applied(s, op, "skipped", untrusted, a.now, err)))
				goto out;
			goto done;
		}
		if (!purged && has_fields && strcmp(op->op, "review") == 0) {
			const char *note = NULL;
			res->outcome = APPLY_APPLIED;
			if ((rc = close_reviewed(&a, &note, err)) ||
			    (rc = store_add_audit(s, actor, "change", op->entity, op->entity_uuid, "sync", err)) ||
			    (rc = record_applied(s, op, "applied", note, a.now, err)))
				goto out;
			goto done;
		}
		if (!purged && has_fields && strcmp(op->op, "merge") == 0 && strcmp(op->entity, "person") == 0) {
			int settled = 0;
			if ((rc = settle_merge(&a, &settled, err)))
				goto out;
			if (settled) {
				res->outcome = APPLY_APPLIED;
				if ((rc = store_add_audit(s, actor, "change", op->entity, op->entity_uuid, "sync", err)) ||
				    (rc = record_applied(s, op, "applied",
							 N_("applied: the pair in review here is merged and closed as "
							    "merged at its origin"),
							 a.now, err)))
					goto out;
				goto done;
			}
		}
		const char *why = skip_reason(op, purged, has_fields);
		if (!why && !(a.e = entity_of(op->entity)))
			why = N_("skipped: this program applies no ops of this entity");
		if (why) {
			res->outcome = APPLY_SKIPPED;
			if ((rc = record_applied(s, op, "skipped", why, a.now, err)))
				goto out;
			goto done;
		}
	}
	if ((rc = read_fields(&a, err)))
		goto out;
	if (strcmp(op->op, "resolve") == 0) {
		a.also_old[0] = meta(s, op->payload, "$.resolution.ours");
		a.also_old[1] = meta(s, op->payload, "$.resolution.theirs");
	}
	const char *renumbers = NULL;
	if ((rc = find_row(&a, err)) || (rc = number_rule(&a, &renumbers, err)))
		goto out;
	if (renumbers) {
		res->outcome = APPLY_SKIPPED;
		if ((rc = record_applied(s, op, "skipped", renumbers, a.now, err)))
			goto out;
		goto done;
	}
	if ((rc = screen_text(&a, &planted, err)))
		goto out;
	if (!a.row_id && strcmp(op->op, "insert") == 0) {
		/* Marked as sent here, so a kit's rules on the numbers it issues let it in (schema 20). */
		if (!(rc = exec_kept(s, "INSERT INTO applying(op) VALUES ('insert')", err))) {
			rc = insert_row(&a, err);
			if (!rc)
				rc = case_clock(&a, 1, err);
			if (!rc)
				rc = keys_noted(&a, err);
			/* A person (or a passport) from another office: is it one of ours? (review.h)
			 * Queued as from TBS/K08 when the op is a field kit's this office made, as the
			 * conflicts name it. */
			if (!rc && (strcmp(op->entity, "person") == 0 || strcmp(op->entity, "document") == 0)) {
				char from[64];
				origin_short(s, op, from, sizeof from);
				rc = review_on_arrival(s, op->entity, a.row_id, from, a.now, NULL, err);
			}
			struct cd_error e2 = CD_ERROR_INIT;
			int rc2 = exec_kept(s, "DELETE FROM applying", &e2);
			if (!rc && rc2) {
				rc = rc2;
				*err = e2;
			}
		}
	} else if (!a.row_id) {
		rc = cd_error_set(err, CD_EREFUSED, _("op %s changes %s %s, which this store does not have; apply the "
						      "ops of its origin in their order, the one that made it first"),
				  op->uuid, op->entity, op->entity_uuid);
	} else {
		rc = apply_fields(&a, err);
		if (!rc)
			rc = case_clock(&a, 0, err);
		if (!rc)
			rc = keys_noted(&a, err);
	}
	if (rc)
		goto out;
	if ((rc = store_add_audit(s, actor, "change", op->entity, op->entity_uuid, "sync", err)))
		goto out;
	res->outcome = res->n_conflicts ? APPLY_CONFLICTED : APPLY_APPLIED;
	{
		const char *note = planted && res->n_conflicts
					   ? N_("conflicted: a text field holds control characters; not taken, queued for "
						"a supervisor")
					   : NULL;
		if ((rc = record_applied(s, op, res->n_conflicts ? "conflicted" : "applied", note, a.now, err)))
			goto out;
	}
	if (strcmp(op->op, "resolve") == 0) {
		int closed = 0;
		if ((rc = close_resolved(&a, &closed, err)))
			goto out;
		res->n_closed = closed;
	}
done:
	rc = store_commit(s, err);
	in_txn = 0;
	if (rc)
		memset(res, 0, sizeof *res);
out:
	if (in_txn) {
		store_rollback(s);
		memset(res, 0, sizeof *res);
	}
	fvals_free(a.f, a.n);
	free(a.also_old[0]);
	free(a.also_old[1]);
	return rc;
}

int apply_long_run(struct cd_store *s, int on)
{
	/* A pull batch of thousands of persons writes their rows, events, search keys and
	 * reviews in one transaction: with the store's usual 8 MB of page cache its pages spill
	 * to the file and are read back; 64 MB holds a batch.  A writing statement with
	 * triggers or conflict clauses copies the pages it changes to a statement journal:
	 * kept in memory (temp_store), not a temporary file written through the kernel
	 * statement after statement.  The WAL is copied into the file every 64 MB, not every
	 * 4 MB: a batch rewrites the same index pages, and a checkpoint per batch wrote them
	 * all again each time.  Durability is unchanged: that journal only undoes a
	 * statement that fails, the batch commits as before, and a committed WAL is durable. */
	static int saved_temp = -1;
	char sql[128];
	if (on && saved_temp < 0) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->db, "PRAGMA temp_store", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			saved_temp = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof sql, "PRAGMA cache_size=%d; PRAGMA temp_store=%d; PRAGMA wal_autocheckpoint=%d",
		 on ? -65536 : -8192, on ? 2 : saved_temp < 0 ? 0 : saved_temp, on ? 16384 : 1000);
	if (!on)
		saved_temp = -1;
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? CD_OK : CD_ESTORE;
}

/* ---- a resolution's value ------------------------------------------------------------ */

int apply_resolution(struct cd_store *s, const struct cd_actor *actor, const char *entity, const char *entity_uuid,
		     const char *field, const char *ours, const char *value, int write, struct cd_error *err)
{
	struct cd_remote_op op = { .uuid = "-", .origin = s->uuid, .origin_office = s->office, .entity = entity,
				   .entity_uuid = entity_uuid, .op = "resolve", .payload = "{}" };
	struct cd_apply_result res = { 0 };
	struct applying a = { .s = s, .actor = actor, .op = &op, .res = &res };
	struct fval v = { .name = (char *)field, .old = (char *)ours, .new_v = (char *)value };
	int rc;

	if (!(a.e = entity_of(entity)) || !(v.d = field_of(a.e, field)))
		return cd_error_set(err, CD_EINPUT, _("%s.%s is not a field this program writes"), entity, field);
	store_now(s, a.now, sizeof a.now);
	if ((rc = find_row(&a, err)))
		return rc;
	if (!a.row_id)
		return cd_error_set(err, CD_ENOTFOUND, _("%s %s is not in this store"), entity, entity_uuid);
	if (!write) {
		/* Nothing changes here, but the record's history says the queue was emptied. */
		char note[160];
		struct cd_event ev = { .person_id = a.person_id, .case_id = a.case_id, .kind = "note", .note = note,
				       .row_version = row_version(&a) };
		snprintf(note, sizeof note, "sync conflict on %s.%s resolved: this store's value kept", entity, field);
		return store_add_event(s, actor, &ev, err);
	}
	if ((rc = write_field(&a, &v, value, err)) || (rc = field_event(&a, &v, ours, err)))
		return rc;
	if (strcmp(entity, "person") == 0)
		rc = person_fts_refresh(s, a.row_id, err);
	return rc;
}

int apply_row_version(struct cd_store *s, const char *entity, const char *entity_uuid, int64_t *version,
		      struct cd_error *err)
{
	struct cd_remote_op op = { .entity_uuid = entity_uuid };
	struct applying a = { .s = s, .op = &op };
	int rc;
	*version = 0;
	if (!(a.e = entity_of(entity)))
		return cd_error_set(err, CD_EINPUT, _("%s is not an entity this program writes"), entity);
	if ((rc = find_row(&a, err)))
		return rc;
	*version = a.row_id ? row_version(&a) : 0;
	return CD_OK;
}
