/*
 * cases.c - cases, their steps, history and lists; see cases.h.  Every read of a case's
 * contents passes need-to-know here (users.h), so that no front-end can differ.
 */
#include "model/store/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/number.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/base/json.h"
#include "model/store/access.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

static void bind_day(sqlite3_stmt *st, int idx, long day)
{
	if (day < 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, day);
}

static long column_day(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, col);
}

/* ---- workflow versions ----------------------------------------------------------------- */

int workflow_source(struct cd_store *s, const char *id, int version, char **source, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT source FROM workflow_def WHERE workflow_id = ?1 AND version = ?2",
			    &st, err);
	*source = NULL;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	if ((rc = st_row(s, st, _("reading a workflow"), err)) > 0)
		rc = (*source = st_dup_column(st, 0)) ? CD_OK : cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	else if (rc < 0)
		rc = CD_ESTORE;   /* a failed read is not a missing workflow */
	else
		rc = cd_error_set(err, CD_ENOTFOUND, _("workflow %s version %d is not in this store"), id,
				  version);
	st_finish(s, st);
	return rc;
}

int workflow_pin(struct cd_store *s, const char *id, int version, const char *source, struct cd_error *err)
{
	char *kept = NULL, now[32];
	sqlite3_stmt *st = NULL;
	int rc;

	/* The kept source is shown and parsed again for years: only well-formed UTF-8. */
	if (!text_valid(source, strlen(source)))
		return cd_error_set(err, CD_EINPUT, _("workflow %s version %d: the file is not valid UTF-8"), id,
				    version);
	rc = workflow_source(s, id, version, &kept, NULL);
	if (rc == CD_OK) {
		rc = strcmp(kept, source) == 0
			     ? CD_OK
			     : cd_error_set(err, CD_EINPUT,
					    _("workflow %s version %d: the file differs from the version %d this "
					      "store already runs cases on; raise `version` in the file"),
					    id, version, version);
		free(kept);
		return rc;
	}
	if (rc != CD_ENOTFOUND)
		return cd_error_set(err, rc, _("reading kept workflow versions failed"));
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "INSERT OR IGNORE INTO workflow_def(workflow_id, version, source, loaded_at)"
				" VALUES (?1,?2,?3,?4)", &st, err)))
		goto out;
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	st_bind_text(st, 3, source);
	st_bind_text(st, 4, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("keeping a workflow version"), err);
		goto out;
	}
	st_finish(s, st);
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- create ---------------------------------------------------------------------------- */

int case_create(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_new *in,
		char number_out[40], struct cd_error *err)
{
	char uuid[37], now[32], counter[48], number[40];
	const char *at;
	sqlite3_stmt *st = NULL;
	int64_t pid, seq, assignee = 0, id;
	int rc, year, month, day;

	/* Need-to-know: a user opens cases only in the workflows they work on (and can read). */
	if (!cd_workflows_include(actor->workflows, in->workflow_id))
		return cd_error_set(err, CD_EREFUSED,
				    _("you do not work on workflow %s (need-to-know), so you cannot open its cases; "
				      "ask an admin: `casedesk user set %s --workflows ...`"),
				    in->workflow_id, actor->name);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, in->person_ref, &pid, err)))
		goto out;
	if (in->assignee) {
		/* As case_assign: the holder's account is active and works on the workflow, so a
		 * case is never opened in the hands of someone who may not read it. */
		int active = 0;
		char *works = NULL;
		if ((rc = st_prepare(s, "SELECT id, active, workflows FROM users WHERE name = ?1", &st, err)))
			goto out;
		st_bind_text(st, 1, in->assignee);
		if ((rc = st_row(s, st, _("reading users"), err)) < 0) {
			rc = CD_ESTORE;   /* not "no user" */
			goto out;
		}
		if (rc) {
			assignee = sqlite3_column_int64(st, 0);
			active = sqlite3_column_int(st, 1);
			works = st_dup_column(st, 2);
		}
		st_finish(s, st);
		st = NULL;
		rc = !assignee ? cd_error_set(err, CD_ENOTFOUND, _("no user %s to assign the case to"), in->assignee)
		   : !active ? cd_error_set(err, CD_EREFUSED, _("user %s is disabled; an admin can enable the account"),
					    in->assignee)
		   : !works || !cd_workflows_include(works, in->workflow_id)
			   ? cd_error_set(err, CD_EREFUSED,
					  _("%s does not work on workflow %s (need-to-know), so its cases cannot be "
					    "given to them; an admin can run `casedesk user set %s --workflows ...`"),
					  in->assignee, in->workflow_id, in->assignee)
			   : CD_OK;
		free(works);
		if (rc)
			goto out;
	}
	store_now(s, now, sizeof now);
	at = in->at ? in->at : now;
	/* The year of the number is the year the case was opened. */
	{
		long y;
		if ((rc = cd_parse_long_n(at, strlen(at) >= 4 ? 4 : strlen(at), _("the time a case is opened"), 1000, 9999,
					  &y, err)))
			goto out;
		year = (int)y;
	}
	(void)month;
	(void)day;
	snprintf(counter, sizeof counter, "case:%s:%d", in->prefix, year);
	if ((rc = store_next_counter(s, counter, &seq, err)))
		goto out;
	snprintf(number, sizeof number, "%s-%s-%04d-%06lld", in->prefix, s->office, year, (long long)seq);
	cd_uuid7(uuid);
	if ((rc = st_prepare(s, "INSERT INTO cases(uuid, number, workflow_id, workflow_version, person_id,"
				" office, state, state_since, entered_by, assignee_id, opened_at, due_day,"
				" frozen_left, updated_at, updated_by)"
				" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?8,?11,?12,?8,?9)", &st, err)))
		goto out;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, number);
	st_bind_text(st, 3, in->workflow_id);
	sqlite3_bind_int(st, 4, in->workflow_version);
	sqlite3_bind_int64(st, 5, pid);
	st_bind_text(st, 6, s->office);
	st_bind_text(st, 7, in->initial_state);
	st_bind_text(st, 8, at);
	st_bind_text(st, 9, actor->name);
	if (assignee)
		sqlite3_bind_int64(st, 10, assignee);
	bind_day(st, 11, in->due_day);
	bind_day(st, 12, in->frozen_left);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			rc = cd_error_set(err, CD_EINTERNAL,
					  _("workflow %s version %d was not kept in the store before use"),
					  in->workflow_id, in->workflow_version);
		else
			rc = st_fail(s, _("opening a case"), err);
		goto out;
	}
	id = sqlite3_last_insert_rowid(s->db);
	st_finish(s, st);
	st = NULL;
	{
		struct cd_event ev = { .case_id = id, .person_id = pid, .kind = "created",
				       .to_state = in->initial_state, .row_version = 1, .at = in->at };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	}
	if (!s->bulk) {
		struct cd_op op;
		op_init(&op, 0);
		op_text(&op, "number", NULL, number);
		op_person(s, &op, "person", 0, pid);
		op_text(&op, "workflow", NULL, in->workflow_id);
		op_int(&op, "workflow_version", 0, 0, in->workflow_version);
		op_text(&op, "office", NULL, s->office);
		op_text(&op, "state", NULL, in->initial_state);
		op_text(&op, "assignee", NULL, in->assignee);
		op_clock(&op, in->due_day, in->frozen_left);
		rc = op_record(s, actor, NULL, "casework", &op, "case", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	memcpy(number_out, number, sizeof number);
	return CD_OK;
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- need-to-know --------------------------------------------------------------------- */

/* A break-glass purpose says why in words: a few characters of text on one line. */
#define GLASS_PURPOSE_MIN 10

/*
 * May `actor` read a case of `workflow_id`?  CD_OK when it is one of their workflows, or
 * when a supervisor gave a break-glass purpose (then *glass is set: the read is recorded
 * as such).  Otherwise CD_EREFUSED naming the rule and what to do: `ref` is what the user
 * typed, never what the case holds.
 */
static int may_read(const struct cd_actor *actor, const char *workflow_id, const char *ref, int *glass,
		    struct cd_error *err)
{
	int rc;

	*glass = 0;
	if (cd_workflows_include(actor->workflows, workflow_id))
		return CD_OK;
	if (!actor->break_glass)
		return cd_error_set(err, CD_EREFUSED,
				    _("case %s belongs to a workflow you do not work on (need-to-know): ask an "
				      "admin to add it with `casedesk user set %s --workflows ...`; a supervisor "
				      "may read it with --break-glass \"PURPOSE\", which is audited and reviewed"),
				    ref, actor->name);
	if (!(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED,
				    _("case %s: only a supervisor may break the glass; %s is not one"), ref,
				    actor->name);
	if ((rc = text_check(actor->break_glass, "--break-glass", TEXT_LINE, err)))
		return rc;
	if (strlen(actor->break_glass) < GLASS_PURPOSE_MIN)
		return cd_error_set(err, CD_EUSAGE,
				    _("--break-glass: say why in words (at least %d characters); the purpose is "
				      "kept and reviewed"), GLASS_PURPOSE_MIN);
	*glass = 1;
	return CD_OK;
}

/*
 * A refused read is audited too ("refused"), so that a review sees who tried to read
 * what they may not.  Best effort: the refusal stands whatever happens here.
 */
static void record_refusal(struct cd_store *s, const struct cd_actor *actor, const char *uuid, const char *entity,
			   const char *purpose)
{
	struct cd_error ignored = CD_ERROR_INIT;

	if (store_begin(s, &ignored))
		return;
	if (store_add_audit(s, actor, "refused", entity, uuid, purpose ? purpose : "need-to-know", &ignored)) {
		store_rollback(s);
		return;
	}
	store_commit(s, &ignored);
}

/*
 * Writes what a read leaves behind, in one transaction: an audit row ("view" with its
 * purpose), or for a break-glass read its break_glass row for review and an audit row
 * ("break_glass") whose purpose is the typed one.  NULL purpose: a silent re-read of what
 * this desk already opened (and recorded), as everywhere in the store.
 */
static int record_read(struct cd_store *s, const struct cd_actor *actor, int64_t case_id, const char *uuid,
		       const char *entity, const char *purpose, int glass, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if (!purpose)
		return CD_OK;
	if ((rc = store_begin(s, err)))
		return rc;
	if (glass) {
		if ((rc = st_prepare(s, "INSERT INTO break_glass(at, user_name, case_id, purpose) VALUES (?1,?2,?3,?4)",
				     &st, err)))
			goto out;
		store_now(s, now, sizeof now);
		st_bind_text(st, 1, now);
		st_bind_text(st, 2, actor->name);
		sqlite3_bind_int64(st, 3, case_id);
		st_bind_text(st, 4, actor->break_glass);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("recording a break-glass read"), err);
			goto out;
		}
		st_finish(s, st);
		st = NULL;
		rc = store_add_audit(s, actor, "break_glass", entity, uuid, actor->break_glass, err);
	} else {
		rc = store_add_audit(s, actor, "view", entity, uuid, purpose, err);
	}
	if (rc)
		goto out;
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- load -------------------------------------------------------------------------------- */

int case_load(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
	      struct cd_case **out, struct cd_error *err)
{
	struct cd_case *c;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, own_read = s->txn_depth == 0, glass = 0;
	const unsigned char *t;
	char refused[37] = "";

	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		goto out_free;
	if ((rc = st_prepare(s, "SELECT c.id, c.uuid, c.number, c.workflow_id, c.workflow_version,"
				" c.person_id, p.number, p.surname_latin, p.given_latin, c.state,"
				" c.state_since, c.entered_by, u.name, c.opened_at, c.closed_at, c.due_day,"
				" c.frozen_left, c.row_version, c.updated_at, c.updated_by"
				" FROM cases c JOIN person p ON p.id = c.person_id"
				" LEFT JOIN users u ON u.id = c.assignee_id"
				" WHERE c.number = upper(?1) OR c.uuid = lower(?1)",
			     &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading a case"), err)) <= 0) {
		/* A failed read is the store's error, never "no such case". */
		rc = rc < 0 ? CD_ESTORE
			    : cd_error_set(err, CD_ENOTFOUND, _("no case %s in this store; list cases with "
								"`casedesk case list`"), number);
		goto out;
	}
	if ((rc = may_read(actor, (const char *)sqlite3_column_text(st, 3), number, &glass, err))) {
		if (rc == CD_EREFUSED)
			snprintf(refused, sizeof refused, "%s", (const char *)sqlite3_column_text(st, 1));
		goto out;
	}
	c->id = sqlite3_column_int64(st, 0);
	t = sqlite3_column_text(st, 1);
	snprintf(c->uuid, sizeof c->uuid, "%s", t ? (const char *)t : "");
	t = sqlite3_column_text(st, 2);
	snprintf(c->number, sizeof c->number, "%s", t ? (const char *)t : "");
	c->workflow_id = st_dup_column(st, 3);
	c->workflow_version = sqlite3_column_int(st, 4);
	c->person_id = sqlite3_column_int64(st, 5);
	t = sqlite3_column_text(st, 6);
	snprintf(c->person_number, sizeof c->person_number, "%s", t ? (const char *)t : "");
	c->person_surname_latin = st_dup_column(st, 7);
	c->person_given_latin = st_dup_column(st, 8);
	c->state = st_dup_column(st, 9);
	c->state_since = st_dup_column(st, 10);
	c->entered_by = st_dup_column(st, 11);
	c->assignee = st_dup_column(st, 12);
	c->opened_at = st_dup_column(st, 13);
	c->closed_at = st_dup_column(st, 14);
	c->due_day = column_day(st, 15);
	c->frozen_left = column_day(st, 16);
	c->row_version = sqlite3_column_int64(st, 17);
	c->updated_at = st_dup_column(st, 18);
	c->updated_by = st_dup_column(st, 19);
	st_finish(s, st);
	st = NULL;
	if ((rc = st_prepare(s, "SELECT name, value FROM case_field WHERE case_id = ?1 ORDER BY name",
			     &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = st_row(s, st, _("reading a case's fields"), err)) > 0) {
		ST_GROW(c->fields, c->n_fields, cap);
		c->fields[c->n_fields].name = st_dup_column(st, 0);
		c->fields[c->n_fields].value = st_dup_column(st, 1);
		c->n_fields++;
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if (own_read)
		st_exec(s, "COMMIT", NULL);
	if ((rc = record_read(s, actor, c->id, c->uuid, "case", purpose, glass, err)))
		goto out_free;
	*out = c;
	return CD_OK;
out:
	st_finish(s, st);
	if (own_read)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (refused[0])
		record_refusal(s, actor, refused, "case", purpose);
out_free:
	case_free(c);
	return rc;
}

void case_free(struct cd_case *c)
{
	if (!c)
		return;
	free(c->workflow_id);
	free(c->person_surname_latin);
	free(c->person_given_latin);
	free(c->state);
	free(c->state_since);
	free(c->entered_by);
	free(c->assignee);
	free(c->opened_at);
	free(c->closed_at);
	free(c->updated_at);
	free(c->updated_by);
	for (size_t i = 0; i < c->n_fields; i++) {
		free(c->fields[i].name);
		free(c->fields[i].value);
	}
	free(c->fields);
	free(c);
}

const char *case_field(const struct cd_case *c, const char *name)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].name, name) == 0)
			return c->fields[i].value;
	return NULL;
}

/* ---- step -------------------------------------------------------------------------------- */

/* Says who moved the case since `seen`: the first event after that version. */
static int conflict(struct cd_store *s, const char *number, int64_t case_id, int64_t seen,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t now_version = 0;
	int rc = st_prepare(s, "SELECT e.user_name, e.at, e.kind, e.transition, e.from_state, e.to_state,"
			       " e.field, c.row_version, e.old_value, e.new_value FROM event e JOIN cases c ON c.id = e.case_id"
			       " WHERE e.case_id = ?1 AND e.row_version > ?2 ORDER BY e.id LIMIT 1",
			    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, seen);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *user = (const char *)sqlite3_column_text(st, 0);
		const char *at = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		const char *tr = (const char *)sqlite3_column_text(st, 3);
		const char *from = (const char *)sqlite3_column_text(st, 4);
		const char *to = (const char *)sqlite3_column_text(st, 5);
		const char *field = (const char *)sqlite3_column_text(st, 6);
		const char *old = (const char *)sqlite3_column_text(st, 8);
		const char *holder = (const char *)sqlite3_column_text(st, 9);
		now_version = sqlite3_column_int64(st, 7);
		/* An assignment is said as what the other desk did (took, handed, released): the
		 * words of workflow/assign.c's history line, which this layer may not include. */
		if (kind && !strcmp(kind, "assigned") && holder && user && !old && !strcmp(user, holder))
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s took the case at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, at);
		else if (kind && !strcmp(kind, "assigned") && holder && user && !strcmp(user, holder))
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s took the case over from %s at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, old, at);
		else if (kind && !strcmp(kind, "assigned") && holder)
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s handed the case to %s at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, holder, at);
		else if (kind && !strcmp(kind, "assigned"))
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s released the case at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, at);
		else if (tr)
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s took step %s (%s -> %s) at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, tr,
				     from ? from : "?", to ? to : "?", at);
		else if (field && kind && !strncmp(kind, "check", 5))   /* checks.c: field is the list */
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s recorded a check on %s at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, field, at);
		else if (field)
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s changed field %s at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, field, at);
		else
			cd_error_set(err, CD_ECONFLICT,
				     _("case %s was changed after you read it (version %lld, now %lld): "
				       "%s made a change (%s) at %s; reload the case and try again"),
				     number, (long long)seen, (long long)now_version, user, kind, at);
	} else {
		cd_error_set(err, CD_ECONFLICT,
			     _("case %s was changed after you read it (you saw version %lld); reload it "
			       "and try again"), number, (long long)seen);
	}
	st_finish(s, st);
	return CD_ECONFLICT;
}

static int step_case(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_step *step,
		     int64_t *new_version, struct cd_error *err)
{
	sqlite3_stmt *st = NULL, *get = NULL, *put = NULL;
	char now[32];
	const char *at;
	int64_t case_id = 0, person_id = 0, version = 0;
	char uuid[37] = "", *from_state = NULL, number[64] = "";
	struct cd_op op;
	int rc;

	op_init(&op, 0);

	store_now(s, now, sizeof now);
	at = step->at ? step->at : now;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "SELECT id, person_id, row_version, state, uuid, closed_at IS NOT NULL, number"
				" FROM cases WHERE number = upper(?1)", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, step->number, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading a case"), err)) <= 0) {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND, _("no case %s in this store"), step->number);
		goto out;
	}
	rc = CD_OK;
	case_id = sqlite3_column_int64(st, 0);
	person_id = sqlite3_column_int64(st, 1);
	version = sqlite3_column_int64(st, 2);
	from_state = st_dup_column(st, 3);
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 4));
	snprintf(number, sizeof number, "%s", (const char *)sqlite3_column_text(st, 6));
	if (sqlite3_column_int(st, 5) && step->to_state) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed; it takes no further steps"),
				  step->number);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if (step->expected_version && step->expected_version != version) {
		rc = conflict(s, step->number, case_id, step->expected_version, err);
		goto out;
	}

	/* The version check and the write are one statement under the write lock. */
	if ((rc = st_prepare(s, "UPDATE cases SET state = coalesce(?1, state),"
				" state_since = CASE WHEN ?1 IS NULL THEN state_since ELSE ?2 END,"
				" entered_by = CASE WHEN ?1 IS NULL THEN entered_by ELSE ?3 END,"
				" due_day = ?4, frozen_left = ?5,"
				" closed_at = CASE WHEN ?6 THEN ?2 ELSE closed_at END,"
				" row_version = row_version + 1, updated_at = ?2, updated_by = ?3"
				" WHERE id = ?7 AND row_version = ?8", &st, err)))
		goto out;
	st_bind_text(st, 1, step->to_state);
	st_bind_text(st, 2, at);
	st_bind_text(st, 3, actor->name);
	bind_day(st, 4, step->due_day);
	bind_day(st, 5, step->frozen_left);
	sqlite3_bind_int(st, 6, step->final);
	sqlite3_bind_int64(st, 7, case_id);
	sqlite3_bind_int64(st, 8, version);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("saving the case"), err);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		rc = conflict(s, step->number, case_id, version, err);
		goto out;
	}
	version++;

	/* The op says what this step changed, each field on the version the step was taken
	 * on: the state (a step taken elsewhere meanwhile is then a conflict, never a second
	 * transition) and the fields whose value is new, as "field.NAME". */
	op.base = version - 1;
	if (step->transition)
		op_text(&op, "state", from_state, step->to_state);
	if (step->final)
		op_int(&op, "closed", 1, 0, 1);
	if (step->transition) {
		struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "transition",
				       .transition = step->transition, .from_state = from_state,
				       .to_state = step->to_state, .note = step->note,
				       .row_version = version, .at = step->at };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	} else if (step->note) {
		struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "note",
				       .note = step->note, .row_version = version, .at = step->at };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	}
	if ((rc = st_prepare(s, "SELECT value FROM case_field WHERE case_id = ?1 AND name = ?2", &get, err)) ||
	    (rc = st_prepare(s, "INSERT INTO case_field(case_id, name, value, updated_at) VALUES (?1,?2,?3,?4)"
				" ON CONFLICT(case_id, name) DO UPDATE SET value = excluded.value,"
				" updated_at = excluded.updated_at", &put, err)))
		goto out;
	for (size_t i = 0; i < step->n_values; i++) {
		char *old = NULL;
		sqlite3_reset(get);
		sqlite3_bind_int64(get, 1, case_id);
		st_bind_text(get, 2, step->names[i]);
		int got = st_row(s, get, _("reading a field"), err);
		if (got < 0) {
			rc = CD_ESTORE;   /* the event would record no old value */
			goto out;
		}
		if (got)
			old = st_dup_column(get, 0);
		if (old && strcmp(old, step->values[i]) == 0) {
			free(old);
			continue;
		}
		sqlite3_reset(put);
		sqlite3_bind_int64(put, 1, case_id);
		st_bind_text(put, 2, step->names[i]);
		st_bind_text(put, 3, step->values[i]);
		st_bind_text(put, 4, at);
		if (sqlite3_step(put) != SQLITE_DONE) {
			free(old);
			rc = st_fail(s, _("saving a field"), err);
			goto out;
		}
		struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "field",
				       .transition = step->transition, .field = step->names[i],
				       .old_value = old, .new_value = step->values[i],
				       .row_version = version, .at = step->at };
		rc = store_add_event(s, actor, &ev, err);
		{
			char key[96];
			snprintf(key, sizeof key, "field.%s", step->names[i]);
			op_text(&op, key, old, step->values[i]);
		}
		free(old);
		if (rc)
			goto out;
	}
	op_meta_text(&op, "number", number);
	if (step->transition) {
		op_meta_text(&op, "transition", step->transition);
		op_clock(&op, step->due_day, step->frozen_left);
	}
	if (step->note)
		op_meta_text(&op, "note", step->note);
	if ((rc = op_record(s, actor, NULL, "casework", &op, "case", uuid, step->transition ? "transition" : "update",
			    err)))
		goto out;
	st_finish(s, get);
	st_finish(s, put);
	st_finish(s, st);
	get = put = st = NULL;
	if ((rc = store_commit(s, err)))
		goto done;
	if (new_version)
		*new_version = version;
	goto done;
out:
	st_finish(s, get);
	st_finish(s, put);
	st_finish(s, st);
	store_rollback(s);
done:
	op_release(&op);
	free(from_state);
	return rc;
}

/*
 * A note and field values are checked strictly and stored in NFC (model/base/text.h)
 * before anything is written: a value that is not text is refused naming its field, and
 * the store stays as it was.  A note may span lines; a field value may not (no workflow
 * declares a multi-line field).
 */
int case_step(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_step *step,
	      int64_t *new_version, struct cd_error *err)
{
	struct cd_case_step nfc = *step;
	char *note = NULL, **values = NULL;
	int rc;

	if (step->n_values && !(values = calloc(step->n_values, sizeof *values)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = text_nfc(step->note, "note", TEXT_MULTILINE, &note, err)))
		goto out;
	for (size_t i = 0; i < step->n_values; i++)
		if ((rc = text_nfc(step->values[i], step->names[i], TEXT_LINE, &values[i], err)))
			goto out;
	nfc.note = note;
	nfc.values = (const char *const *)values;
	rc = step_case(s, actor, &nfc, new_version, err);
out:
	for (size_t i = 0; values && i < step->n_values; i++)
		free(values[i]);
	free(values);
	free(note);
	return rc;
}

/* ---- assignment ----------------------------------------------------------------------------- */

/*
 * Who holds a case is a change like any other: the row version moves, so a desk that read
 * the case before is told (conflict above) rather than overwritten.  Who may take, hand
 * over or release is workflow/assign.c's rule; what holds here for every caller is
 * need-to-know: the actor works on the case's workflow, and so does the user who receives
 * it (a case is never given to someone who may not read it), who must be active.
 */
int case_assign(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_assign *in,
		struct cd_case_assigned *out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], uuid[37] = "", number[64] = "", *workflow = NULL, *before = NULL;
	int64_t case_id = 0, person_id = 0, version = 0, to_id = 0;
	struct cd_op op;
	int rc, closed = 0;

	memset(out, 0, sizeof *out);
	op_init(&op, 0);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "SELECT c.id, c.person_id, c.row_version, c.uuid, c.number, c.workflow_id,"
				" c.closed_at IS NOT NULL, u.name FROM cases c LEFT JOIN users u ON u.id = c.assignee_id"
				" WHERE c.number = upper(?1) OR c.uuid = lower(?1)", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, in->number, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading a case"), err)) <= 0) {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND, _("no case %s in this store"), in->number);
		goto out;
	}
	case_id = sqlite3_column_int64(st, 0);
	person_id = sqlite3_column_int64(st, 1);
	version = sqlite3_column_int64(st, 2);
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 3));
	snprintf(number, sizeof number, "%s", (const char *)sqlite3_column_text(st, 4));
	workflow = st_dup_column(st, 5);
	closed = sqlite3_column_int(st, 6);
	before = st_dup_column(st, 7);
	st_finish(s, st);
	st = NULL;
	if (!workflow) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	if (!cd_workflows_include(actor->workflows, workflow)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("case %s belongs to workflow %s, which you do not work on (need-to-know); "
				    "you cannot change who holds it"), number, workflow);
		goto refused;
	}
	if (closed) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed; nobody takes it any more"), number);
		goto out;
	}
	if (in->expected_version && in->expected_version != version) {
		rc = conflict(s, number, case_id, in->expected_version, err);
		goto out;
	}
	if (in->assignee) {
		int active = 0;
		char *works = NULL;
		if ((rc = st_prepare(s, "SELECT id, active, workflows FROM users WHERE name = ?1", &st, err)))
			goto out;
		st_bind_text(st, 1, in->assignee);
		if ((rc = st_row(s, st, _("reading users"), err)) < 0) {
			rc = CD_ESTORE;   /* not "no user" */
			goto out;
		}
		if (rc) {
			to_id = sqlite3_column_int64(st, 0);
			active = sqlite3_column_int(st, 1);
			works = st_dup_column(st, 2);
		}
		st_finish(s, st);
		st = NULL;
		rc = !to_id ? cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store; `casedesk user list` shows them"),
					   in->assignee)
		   : !active ? cd_error_set(err, CD_EREFUSED, _("user %s is disabled; an admin can enable the account"),
					    in->assignee)
		   : !works || !cd_workflows_include(works, workflow)
			   ? cd_error_set(err, CD_EREFUSED,
					  _("%s does not work on workflow %s (need-to-know), so case %s cannot be "
					    "given to them; an admin can run `casedesk user set %s --workflows ...`"),
					  in->assignee, workflow, number, in->assignee)
			   : CD_OK;
		free(works);
		if (rc)
			goto out;
	}
	snprintf(out->number, sizeof out->number, "%s", number);
	snprintf(out->before, sizeof out->before, "%s", before ? before : "");
	snprintf(out->after, sizeof out->after, "%s", in->assignee ? in->assignee : "");
	out->row_version = version;
	if (strcmp(out->before, out->after) == 0) {
		/* Nothing to change: no event, the version stays. */
		rc = store_commit(s, err);
		goto done;
	}

	store_now(s, now, sizeof now);
	/* The version check and the write are one statement under the write lock. */
	if ((rc = st_prepare(s, "UPDATE cases SET assignee_id = ?1, row_version = row_version + 1,"
				" updated_at = ?2, updated_by = ?3 WHERE id = ?4 AND row_version = ?5", &st, err)))
		goto out;
	if (to_id)
		sqlite3_bind_int64(st, 1, to_id);
	else
		sqlite3_bind_null(st, 1);
	st_bind_text(st, 2, now);
	st_bind_text(st, 3, actor->name);
	sqlite3_bind_int64(st, 4, case_id);
	sqlite3_bind_int64(st, 5, version);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("saving who holds the case"), err);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		rc = conflict(s, number, case_id, version, err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	version++;
	out->row_version = version;
	out->changed = 1;
	{
		struct cd_event ev = { .case_id = case_id, .person_id = person_id, .kind = "assigned",
				       .field = "assignee", .old_value = before, .new_value = in->assignee,
				       .row_version = version };
		op.base = version - 1;
		op_text(&op, "assignee", before, in->assignee);
		op_meta_text(&op, "number", number);
		if ((rc = op_record(s, actor, &ev, "casework", &op, "case", uuid, "assign", err)))
			goto out;
	}
	if ((rc = store_commit(s, err)))
		out->changed = 0;
	goto done;
refused:
	st_finish(s, st);
	store_rollback(s);
	record_refusal(s, actor, uuid, "case", "casework");
	goto done;
out:
	out->changed = 0;   /* nothing of it was kept */
	st_finish(s, st);
	store_rollback(s);
done:
	op_release(&op);
	free(workflow);
	free(before);
	return rc;
}

/* ---- history ------------------------------------------------------------------------------ */

int case_history(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
		 struct cd_history_row **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_history_row *rows = NULL;
	size_t count = 0, cap = 0;
	char uuid[37] = "";
	int64_t case_id = 0;
	int rc, glass = 0;

	*out = NULL;
	*n = 0;
	/* Need-to-know first: no event of a case outside the reader's workflows is read. */
	if ((rc = st_prepare(s, "SELECT id, uuid, workflow_id FROM cases WHERE number = upper(?1) OR uuid = lower(?1)",
			     &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading a case"), err)) > 0) {
		case_id = sqlite3_column_int64(st, 0);
		snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 1));
		rc = may_read(actor, (const char *)sqlite3_column_text(st, 2), number, &glass, err);
	} else if (rc == 0) {
		rc = cd_error_set(err, CD_ENOTFOUND, _("no case %s in this store"), number);
	} else {
		rc = CD_ESTORE;
	}
	st_finish(s, st);
	st = NULL;
	if (rc == CD_EREFUSED)
		record_refusal(s, actor, uuid, "case_history", purpose);
	if (rc)
		return rc;
	if ((rc = st_prepare(s, "SELECT e.at, e.user_name, e.kind, e.transition, e.from_state, e.to_state,"
				" e.field, e.old_value, e.new_value, e.note, e.row_version"
				" FROM event e WHERE e.case_id = ?1 ORDER BY e.id", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, case_id);
	while ((rc = st_row(s, st, _("reading a case's history"), err)) > 0) {
		ST_GROW(rows, count, cap);
		struct cd_history_row *h = &rows[count++];
		h->at = st_dup_column(st, 0);
		h->user = st_dup_column(st, 1);
		h->kind = st_dup_column(st, 2);
		h->transition = st_dup_column(st, 3);
		h->from_state = st_dup_column(st, 4);
		h->to_state = st_dup_column(st, 5);
		h->field = st_dup_column(st, 6);
		h->old_value = st_dup_column(st, 7);
		h->new_value = st_dup_column(st, 8);
		h->note = st_dup_column(st, 9);
		h->row_version = sqlite3_column_int64(st, 10);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = record_read(s, actor, case_id, uuid, "case_history", purpose, glass, err)))
		goto out;
	*out = rows;
	*n = count;
	return CD_OK;
out:
	st_finish(s, st);
	case_history_free(rows, count);
	return rc;
}

void case_history_free(struct cd_history_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		struct cd_history_row *h = &rows[i];
		free(h->at); free(h->user); free(h->kind); free(h->transition); free(h->from_state);
		free(h->to_state); free(h->field); free(h->old_value); free(h->new_value); free(h->note);
	}
	free(rows);
}

/* ---- lists ------------------------------------------------------------------------------ */

int case_list(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_filter *f,
	      struct cd_case_row **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_case_row *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* Stopped clocks are not overdue; open cases with the nearest deadline first.  Open
	 * cases without a state filter walk the worklist index in order (schema 4): the first
	 * page needs no sort of every open case.  A state filter is selective: let the
	 * planner use the workflow/state index instead. */
#define CASE_LIST_COLUMNS                                                                             \
	"SELECT c.number, c.workflow_id, c.state, u.name, p.surname_latin || ', ' || p.given_latin,"   \
	" c.due_day, c.frozen_left, c.closed_at IS NOT NULL, c.person_id, c.row_version FROM cases c"
#define CASE_LIST_FILTER                                                                              \
	" JOIN person p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.assignee_id"              \
	" WHERE (?1 IS NULL OR c.workflow_id = ?1) AND (?2 IS NULL OR c.state = ?2)"                    \
	" AND (?3 = 0 OR (c.frozen_left IS NULL AND c.due_day < ?4))"                                   \
	" AND (?5 = 0 OR c.assignee_id = ?5) AND (?6 OR c.closed_at IS NULL)"                           \
	" AND (?8 = 0 OR c.assignee_id IS NULL)"                                                       \
	" AND (?9 = '*' OR instr(',' || ?9 || ',', ',' || c.workflow_id || ',') > 0)"
	static const char open_sql[] = CASE_LIST_COLUMNS " INDEXED BY cases_worklist" CASE_LIST_FILTER
		" AND c.closed_at IS NULL ORDER BY c.frozen_left IS NOT NULL, c.due_day IS NULL, c.due_day, c.id LIMIT ?7";
	static const char any_sql[] = CASE_LIST_COLUMNS CASE_LIST_FILTER
		" ORDER BY c.closed_at IS NOT NULL, c.frozen_left IS NOT NULL, c.due_day IS NULL, c.due_day, c.id"
		" LIMIT ?7";
	if ((rc = st_prepare(s, !f->include_closed && !f->state ? open_sql : any_sql, &st, err)))
		return rc;
	st_bind_text(st, 1, f->workflow);
	st_bind_text(st, 2, f->state);
	sqlite3_bind_int(st, 3, f->overdue_only);
	sqlite3_bind_int64(st, 4, f->today);
	sqlite3_bind_int64(st, 5, f->assignee_id);
	sqlite3_bind_int(st, 6, f->include_closed);
	sqlite3_bind_int(st, 7, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(st, 8, f->unassigned_only);
	/* Need-to-know: only cases of the reader's workflows are listed (no glass for lists). */
	st_bind_text(st, 9, actor->workflows);
	while ((rc = st_row(s, st, _("listing cases"), err)) > 0) {
		ST_GROW(rows, count, cap);
		struct cd_case_row *r = &rows[count++];
		snprintf(r->number, sizeof r->number, "%s", (const char *)sqlite3_column_text(st, 0));
		r->workflow_id = st_dup_column(st, 1);
		r->state = st_dup_column(st, 2);
		r->assignee = st_dup_column(st, 3);
		r->person_name = st_dup_column(st, 4);
		r->due_day = column_day(st, 5);
		r->frozen_left = column_day(st, 6);
		r->closed = sqlite3_column_int(st, 7);
		r->person_id = sqlite3_column_int64(st, 8);
		r->row_version = sqlite3_column_int64(st, 9);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
out:
	st_finish(s, st);
	case_list_free(rows, count);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int case_list_audit(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_row *rows, size_t n,
		    const char *purpose, struct cd_error *err)
{
	int64_t *ids = NULL;
	size_t people = 0;
	char detail[64];
	int rc;

	if (n && !(ids = malloc(n * sizeof *ids)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].person_id;
	if (n)
		qsort(ids, n, sizeof *ids, cmp_id);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			ids[people++] = ids[i];
	snprintf(detail, sizeof detail, "shown=%zu people=%zu", n, people);
	rc = access_audit_list(s, actor, "list", "case_list", detail, ids, people, purpose, err);
	free(ids);
	return rc;
}

int case_list_read(struct cd_store *s, const struct cd_actor *actor, const struct cd_case_filter *f,
		   const char *purpose, struct cd_case_row **out, size_t *n, struct cd_error *err)
{
	int rc = case_list(s, actor, f, out, n, err);
	if (rc == CD_OK && (rc = case_list_audit(s, actor, *out, *n, purpose, err))) {
		case_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void case_list_free(struct cd_case_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].workflow_id);
		free(rows[i].state);
		free(rows[i].assignee);
		free(rows[i].person_name);
	}
	free(rows);
}

int case_facts(struct cd_store *s, const struct cd_case *c, long today, struct cd_case_facts *out,
	       struct cd_error *err)
{
	char day[16];
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	cd_days_format(today, day, sizeof day);
	if ((rc = st_prepare(s, "SELECT"
				" (SELECT count(*) FROM document WHERE person_id = ?1"
				"   AND (expires IS NULL OR expires >= ?2)),"
				" (SELECT count(*) FROM biometric WHERE person_id = ?1 AND exception IS NULL)",
			     &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, c->person_id);
	st_bind_text(st, 2, day);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->documents_present = sqlite3_column_int(st, 0) > 0;
		out->biometrics_enrolled = sqlite3_column_int(st, 1) > 0;
	} else {
		rc = st_fail(s, _("reading what the guards need"), err);
	}
	st_finish(s, st);
	return rc;
}

int case_counts(struct cd_store *s, long today, struct cd_case_count **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_case_count *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = st_prepare(s, "SELECT workflow_id, state, sum(closed_at IS NULL),"
				" sum(closed_at IS NULL AND frozen_left IS NULL AND due_day < ?1),"
				" sum(closed_at IS NOT NULL)"
				" FROM cases GROUP BY workflow_id, state ORDER BY workflow_id, state",
			     &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, today);
	while ((rc = st_row(s, st, _("counting cases"), err)) > 0) {
		ST_GROW(rows, count, cap);
		struct cd_case_count *r = &rows[count++];
		r->workflow_id = st_dup_column(st, 0);
		r->state = st_dup_column(st, 1);
		r->open = sqlite3_column_int64(st, 2);
		r->overdue = sqlite3_column_int64(st, 3);
		r->closed = sqlite3_column_int64(st, 4);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
out:
	st_finish(s, st);
	case_counts_free(rows, count);
	return rc;
}

void case_counts_free(struct cd_case_count *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].workflow_id);
		free(rows[i].state);
	}
	free(rows);
}

/* ---- store-wide checks and guard rows ------------------------------------------------ */

int case_consistency(struct cd_store *s, int64_t *mismatched, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT count(*) FROM cases c WHERE c.state IS NOT"
			       " (SELECT e.to_state FROM event e WHERE e.case_id = c.id"
			       "  AND e.to_state IS NOT NULL ORDER BY e.id DESC LIMIT 1)", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*mismatched = sqlite3_column_int64(st, 0);
	else
		rc = st_fail(s, _("comparing cases with their history"), err);
	st_finish(s, st);
	return rc;
}

int biometric_record(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		     const char *modality, const char *position, int quality, const void *tmpl,
		     size_t tmpl_len, const char *device, int synthetic, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32];
	int64_t pid;
	int rc;

	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, person_ref, &pid, err)))
		goto out;
	if ((rc = st_prepare(s, "INSERT INTO biometric(uuid, person_id, modality, position, quality,"
				" template, device, synthetic, captured_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			     &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, pid);
	st_bind_text(st, 3, modality);
	st_bind_text(st, 4, position);
	sqlite3_bind_int(st, 5, quality);
	if (tmpl)
		sqlite3_bind_blob(st, 6, tmpl, (int)tmpl_len, SQLITE_TRANSIENT);
	st_bind_text(st, 7, device);
	sqlite3_bind_int(st, 8, synthetic);
	st_bind_text(st, 9, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("recording a biometric capture"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	{
		struct cd_event ev = { .person_id = pid, .kind = "biometric", .field = modality };
		/* Like bio_enrolment_commit's op: the capture's facts, never the template. */
		struct cd_op op;
		op_init(&op, 0);
		op_person(s, &op, "person", 0, pid);
		op_text(&op, "modality", NULL, modality);
		op_text(&op, "position", NULL, position);
		op_int(&op, "quality", 0, 0, quality);
		op_int(&op, "synthetic", 0, 0, synthetic);
		rc = op_record(s, actor, &ev, "enrolment", &op, "biometric", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/*
 * Case numbers for shell completion (issue 17).  Fast on a million cases because every
 * query is a range scan of the number's unique index, in number order, with a LIMIT:
 *  - a user of every workflow: one range, from the prefix to just past it;
 *  - a user of some workflows (need-to-know): one range per workflow, the prefix's range
 *    cut to the workflow's own number prefix ("SV-"), read from one of its cases through
 *    the workflow index; a workflow whose prefix cannot start with the typed one costs
 *    nothing.  Rows of another workflow sharing the prefix are filtered out, and at most
 *    CASE_COMPLETE_SCAN index rows are looked at per range.
 * A workflow whose prefix changed between versions completes the numbers of the prefix
 * its first case found carries; the others are still opened by number, as ever.
 */
#define CASE_COMPLETE_SCAN 2000
#define CASE_NUMBER_MAX 40

/* The first string past every one starting with `s` (n bytes): its last byte raised by one,
 * a 0xff byte dropped and the one before raised; "" has every number below "\xff". */
static void past_prefix(const char *s, size_t n, char out[CASE_NUMBER_MAX + 1])
{
	memcpy(out, s, n);
	out[n] = '\0';
	while (n > 0 && (unsigned char)out[n - 1] == 0xff)
		out[--n] = '\0';
	if (n == 0) {
		out[0] = (char)0xff;
		out[1] = '\0';
	} else {
		out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
	}
}

struct number_list {
	char (*v)[CASE_NUMBER_MAX];
	size_t n, cap;
};

static int number_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The numbers in [low, high) of `workflow` (NULL: any), at most `limit`, onto *list. */
static int number_range(struct cd_store *s, const char *low, const char *high, const char *workflow, size_t limit,
			struct number_list *list, struct cd_error *err)
{
	static const char sql[] =
		"SELECT number FROM (SELECT number, workflow_id FROM cases WHERE number >= ?1 AND number < ?2"
		" ORDER BY number LIMIT ?3) WHERE ?4 IS NULL OR workflow_id = ?4 ORDER BY number LIMIT ?5";
	sqlite3_stmt *st = NULL;
	int rc;

	if (strcmp(low, high) >= 0)
		return CD_OK;
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	st_bind_text(st, 1, low);
	st_bind_text(st, 2, high);
	/* Every workflow's rows count: the cap bounds the work, not the answer. */
	sqlite3_bind_int(st, 3, workflow ? CASE_COMPLETE_SCAN : (int)limit);
	st_bind_text(st, 4, workflow);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)limit);
	while ((rc = st_row(s, st, _("completing case numbers"), err)) > 0) {
		ST_GROW(list->v, list->n, list->cap);
		snprintf(list->v[list->n++], CASE_NUMBER_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	rc = rc < 0 ? CD_ESTORE : CD_OK;
out:
	st_finish(s, st);
	return rc;
}

/* The number prefix of a workflow's cases ("SV-"), from one of them; "" when it has none. */
static int workflow_number_prefix(struct cd_store *s, const char *workflow, char out[CASE_NUMBER_MAX],
				  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if ((rc = st_prepare(s, "SELECT number FROM cases WHERE workflow_id = ?1 LIMIT 1", &st, err)))
		return rc;
	st_bind_text(st, 1, workflow);
	rc = st_row(s, st, _("completing case numbers"), err);
	if (rc > 0) {
		const char *number = (const char *)sqlite3_column_text(st, 0);
		const char *dash = number ? strchr(number, '-') : NULL;
		if (dash && (size_t)(dash - number) + 1 < CASE_NUMBER_MAX)
			snprintf(out, CASE_NUMBER_MAX, "%.*s", (int)(dash - number) + 1, number);
	}
	rc = rc < 0 ? CD_ESTORE : CD_OK;
	st_finish(s, st);
	return rc;
}

int case_number_complete(struct cd_store *s, const struct cd_actor *actor, const char *prefix, size_t limit,
			 void (*fn)(void *ctx, const char *number), void *ctx, struct cd_error *err)
{
	struct number_list list = { 0 };
	char low[CASE_NUMBER_MAX], high[CASE_NUMBER_MAX + 1], wf_low[CASE_NUMBER_MAX], wf_high[CASE_NUMBER_MAX + 1];
	char workflows[sizeof actor->workflows], *save = NULL;
	size_t n;
	int rc = CD_OK;

	/* Numbers are upper case (AS-TBS-2026-000001): "as-" completes them too.  A prefix no
	 * number can start with (too long) completes to nothing. */
	if (strlen(prefix) >= sizeof low || limit == 0)
		return CD_OK;
	for (n = 0; prefix[n]; n++)
		low[n] = prefix[n] >= 'a' && prefix[n] <= 'z' ? (char)(prefix[n] - 'a' + 'A') : prefix[n];
	low[n] = '\0';
	past_prefix(low, n, high);
	if (strcmp(actor->workflows, "*") == 0) {
		rc = number_range(s, low, high, NULL, limit, &list, err);
		goto out;
	}
	snprintf(workflows, sizeof workflows, "%s", actor->workflows);
	for (char *w = strtok_r(workflows, ",", &save); w && rc == CD_OK; w = strtok_r(NULL, ",", &save)) {
		if ((rc = workflow_number_prefix(s, w, wf_low, err)) || !wf_low[0])
			continue;
		past_prefix(wf_low, strlen(wf_low), wf_high);
		/* [low, high) cut to [wf_low, wf_high). */
		rc = number_range(s, strcmp(low, wf_low) > 0 ? low : wf_low, strcmp(high, wf_high) < 0 ? high : wf_high, w,
				  limit, &list, err);
	}
	qsort(list.v, list.n, sizeof list.v[0], number_cmp);
out:
	for (size_t i = 0; rc == CD_OK && i < list.n && i < limit; i++)
		fn(ctx, list.v[i]);
	free(list.v);
	return rc;
}
