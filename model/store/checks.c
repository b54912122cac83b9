/*
 * checks.c - a case's checks against other registers, recorded by hand and cleared by a
 * supervisor; see checks.h.  Apart from cases.c because the checks are their own rows with
 * their own rules (who answers, who clears, an answer kept once given), which schema 12's
 * triggers hold against any writer as well.
 */
#include "model/store/checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/text.h"
#include "model/store/cases.h"
#include "model/store/checkqueue.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* No reason at all: nothing but spaces and line ends. */
static int blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* The lists a workflow names, ", "-separated, for a message. */
static void join_lists(const struct cd_check_answer *a, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->n_lists && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", a->lists[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!a->n_lists)
		snprintf(buf, size, "%s", _("none"));
}

static int list_named(const struct cd_check_answer *a, const char *case_number, struct cd_error *err)
{
	char lists[512];

	for (size_t i = 0; a->list && i < a->n_lists; i++)
		if (strcmp(a->lists[i], a->list) == 0)
			return CD_OK;
	join_lists(a, lists, sizeof lists);
	return cd_error_set(err, CD_EINPUT, _("case %s is not checked against list '%s'; its workflow names: %s"),
			    case_number, a->list ? a->list : "", lists);
}

/* The case's state for a write, read inside the write transaction. */
struct case_row {
	int64_t id, person_id, row_version;
	char uuid[37], number[40];
	int closed;
};

static int case_row_read(struct cd_store *s, int64_t id, struct case_row *out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = st_prepare(s, "SELECT id, person_id, row_version, uuid, number, closed_at IS NOT NULL"
				" FROM cases WHERE id = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = st_row(s, st, _("reading a case"), err)) > 0) {
		out->id = sqlite3_column_int64(st, 0);
		out->person_id = sqlite3_column_int64(st, 1);
		out->row_version = sqlite3_column_int64(st, 2);
		snprintf(out->uuid, sizeof out->uuid, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(out->number, sizeof out->number, "%s", (const char *)sqlite3_column_text(st, 4));
		out->closed = sqlite3_column_int(st, 5);
		rc = CD_OK;
	} else if (rc == 0) {
		rc = cd_error_set(err, CD_ENOTFOUND, _("the case is gone from this store"));
	} else {
		rc = CD_ESTORE;
	}
	st_finish(s, st);
	return rc;
}

/*
 * A check is a change to the case like any other: it raises the case's row_version in the
 * same transaction, so a desk that read the case (and its checks) before this answer came
 * is refused as a conflict when it moves the case (case_step), instead of deciding on a
 * view the answer has made stale.
 */
static int bump_version(struct cd_store *s, const struct cd_actor *actor, struct case_row *c, const char *at,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = st_prepare(s, "UPDATE cases SET row_version = row_version + 1, updated_at = ?2, updated_by = ?3"
				" WHERE id = ?1 AND row_version = ?4", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, c->id);
	st_bind_text(st, 2, at);
	st_bind_text(st, 3, actor->name);
	sqlite3_bind_int64(st, 4, c->row_version);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("saving the case"), err);
	else if (sqlite3_changes(s->db) != 1)
		rc = cd_error_set(err, CD_ECONFLICT, _("case %s was changed while its check was saved; try again"),
				  c->number);
	else
		c->row_version++;
	st_finish(s, st);
	return rc;
}

/* The list's newest answer: its row id (0: none), result, whether it was cleared, and who
 * recorded it (user row id, 0: not known; the name for a message, "" when not known). */
struct answer {
	int64_t id, recorded_by;
	char result[16], recorder[64], source[16], asked_at[32];
	int cleared;
};

static int newest_answer(struct cd_store *s, int64_t case_id, const char *list, struct answer *out,
			 struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = st_prepare(s, "SELECT k.id, coalesce(k.result, 'pending'), k.cleared_at IS NOT NULL,"
				" coalesce(k.recorded_by, 0), coalesce(u.name, ''), coalesce(k.source, ''), coalesce(k.asked_at, '') FROM checks k"
				" LEFT JOIN users u ON u.id = k.recorded_by"
				" WHERE k.case_id = ?1 AND k.list = ?2 ORDER BY" CHECKS_ANSWER_ORDER("k") " LIMIT 1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, case_id);
	st_bind_text(st, 2, list);
	if ((rc = st_row(s, st, _("reading a case's checks"), err)) > 0) {
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->result, sizeof out->result, "%s", (const char *)sqlite3_column_text(st, 1));
		out->cleared = sqlite3_column_int(st, 2);
		out->recorded_by = sqlite3_column_int64(st, 3);
		snprintf(out->recorder, sizeof out->recorder, "%s", (const char *)sqlite3_column_text(st, 4));
		snprintf(out->source, sizeof out->source, "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(out->asked_at, sizeof out->asked_at, "%s", (const char *)sqlite3_column_text(st, 6));
	}
	rc = rc < 0 ? CD_ESTORE : CD_OK;
	st_finish(s, st);
	return rc;
}

/* The bookkeeping of one change to a check: event, audit row, op.  A recording is a new
 * row (base 0); a clearing changes the row the trigger has just raised the version of. */
static int bookkeeping(struct cd_store *s, const struct cd_actor *actor, const struct case_row *c,
		       const char *check_uuid, const struct cd_event *ev, const char *op_kind, const char *list,
		       const char *result, const char *source, const char *at, struct cd_error *err)
{
	struct cd_op op;
	int64_t base = 0;
	int rc = CD_OK;

	if (strcmp(op_kind, "insert") != 0) {
		sqlite3_stmt *st = NULL;
		if ((rc = st_prepare(s, "SELECT row_version - 1 FROM checks WHERE uuid = ?1", &st, err)))
			return rc;
		st_bind_text(st, 1, check_uuid);
		int r = st_row(s, st, _("reading a check"), err);
		if (r > 0)
			base = sqlite3_column_int64(st, 0);
		else
			rc = r < 0 ? CD_ESTORE : cd_error_set(err, CD_EINTERNAL, _("internal error: a check row vanished "
										  "inside its own transaction; please report it"));
		st_finish(s, st);
		if (rc)
			return rc;
	}
	op_init(&op, base);
	if (!base) {
		op_text(&op, "case", NULL, c->uuid);
		op_text(&op, "list", NULL, list);
		op_text(&op, "result", NULL, result);
		op_text(&op, "source", NULL, source);
		op_text(&op, "recorded_by", NULL, actor->name);
		op_text(&op, "answered_at", NULL, at);
		op_meta_text(&op, "number", c->number);
	} else {
		op_text(&op, "cleared_by", NULL, actor->name);
		op_text(&op, "cleared_at", NULL, at);
		op_text(&op, "clear_reason", NULL, ev->note);
		op_meta_text(&op, "case", c->uuid);
		op_meta_text(&op, "number", c->number);
	}
	rc = op_record(s, actor, ev, "casework", &op, "check", check_uuid, op_kind, err);
	op_release(&op);
	return rc;
}

/* Need-to-know and the case row, as for every write to a case. */
static int open_case(struct cd_store *s, const struct cd_actor *actor, const char *number, int64_t *case_id,
		     char case_number[40], struct cd_error *err)
{
	struct cd_case *c = NULL;
	int rc = case_load(s, actor, number, NULL, &c, err);

	if (rc)
		return rc;
	*case_id = c->id;
	snprintf(case_number, 40, "%s", c->number);
	case_free(c);
	return CD_OK;
}

int checks_record(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32], number[40];
	char *note = NULL;
	int64_t case_id = 0;
	int rc;
	struct case_row c;
	struct answer prev;

	if (!(actor->roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR)))
		return cd_error_set(err, CD_EREFUSED, _("recording a check needs the role caseworker or supervisor"));
	if (!a->result || (strcmp(a->result, "clear") != 0 && strcmp(a->result, "hit") != 0))
		return cd_error_set(err, CD_EINPUT, _("a check's result is clear or hit, not '%s'"),
				    a->result ? a->result : "");
	if (!a->source || (strcmp(a->source, "hand") != 0 && strcmp(a->source, "demo") != 0))
		return cd_error_set(err, CD_EINTERNAL, _("a check recorded by a user comes from hand or demo"));
	if ((rc = open_case(s, actor, a->number, &case_id, number, err)) || (rc = list_named(a, number, err)))
		return rc;
	if (a->text && a->text[0]) {
		if (strlen(a->text) > CHECK_TEXT_MAX)
			return cd_error_set(err, CD_EINPUT, _("the note: at most %d bytes"), CHECK_TEXT_MAX);
		if ((rc = text_nfc(a->text, "note", TEXT_MULTILINE, &note, err)))
			return rc;
	}
	if ((rc = store_begin(s, err)))
		goto done;
	if ((rc = case_row_read(s, case_id, &c, err)) ||
	    (rc = newest_answer(s, case_id, a->list, &prev, err)))
		goto out;
	if (c.closed) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed; its checks are kept as they were"), c.number);
		goto out;
	}
	if (prev.id && strcmp(prev.result, "hit") == 0 && !prev.cleared) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("case %s has a hit on %s: it stands until a supervisor clears it with a reason "
				    "(casedesk check clear %s --list %s --reason TEXT)"), c.number, a->list, c.number,
				  a->list);
		goto out;
	}
	/* A list the gateway is asked about is the gateway's to answer: a caseworker's hand
	 * answer written over a check still pending would outrank it (CHECKS_ANSWER_ORDER) and
	 * the gateway would never be asked.  A supervisor may, saying in the note how the list
	 * was checked instead (an office with no gateway yet, or one down for days: the case
	 * must not wait for ever), and the answer and note are theirs in the case's history. */
	if (prev.id && strcmp(prev.result, "pending") == 0 &&
	    (!(actor->roles & CD_ROLE_SUPERVISOR) || !note || strlen(note) < 10)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("case %s: the check on %s waits for the check gateway (pending since %.16s); it is "
				    "answered by the gateway (casedesk check run), or by a supervisor by hand with a note "
				    "saying how it was checked (--note, ten characters or more)"),
				  c.number, a->list, prev.asked_at[0] ? prev.asked_at : "-");
		goto out;
	}
	if (prev.id && strcmp(prev.result, "error") == 0 && strcmp(prev.source, "network") == 0 &&
	    !(actor->roles & CD_ROLE_SUPERVISOR)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("case %s: the check gateway refused the check on %s for good; a supervisor re-queues it "
				    "(casedesk check requeue %s --list %s) or records the answer by hand"), c.number, a->list,
				  c.number, a->list);
		goto out;
	}
	if ((rc = st_prepare(s, "INSERT INTO checks(uuid, case_id, person_id, list, asked_at, answered_at, result,"
				" source, recorded_by, note) VALUES (?1,?2,?3,?4,?5,?5,?6,?7,?8,?9)", &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, c.id);
	sqlite3_bind_int64(st, 3, c.person_id);
	st_bind_text(st, 4, a->list);
	st_bind_text(st, 5, a->at ? a->at : now);
	st_bind_text(st, 6, a->result);
	st_bind_text(st, 7, a->source);
	sqlite3_bind_int64(st, 8, actor->user_id);
	st_bind_text(st, 9, note);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("recording a check"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = bump_version(s, actor, &c, a->at ? a->at : now, err)))
		goto out;
	struct cd_event ev = { .case_id = c.id, .person_id = c.person_id, .kind = "check", .field = a->list,
			       .old_value = prev.id ? prev.result : NULL, .new_value = a->result, .note = note,
			       .row_version = c.row_version, .at = a->at };
	if ((rc = bookkeeping(s, actor, &c, uuid, &ev, "insert", a->list, a->result, a->source, a->at ? a->at : now,
			       err)))
		goto out;
	rc = store_commit(s, err);
	goto done;
out:
	st_finish(s, st);
	store_rollback(s);
done:
	free(note);
	return rc;
}

int checks_clear(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		 struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], number[40], uuid[37] = "";
	char *reason = NULL;
	int64_t case_id = 0;
	int rc;
	struct case_row c;
	struct answer prev;

	if (!(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED, _("clearing a hit needs the role supervisor"));
	if ((rc = open_case(s, actor, a->number, &case_id, number, err)) || (rc = list_named(a, number, err)))
		return rc;
	if (blank(a->text))
		return cd_error_set(err, CD_EINPUT, _("a hit is cleared with a reason: say why it does not hold the case"));
	if (strlen(a->text) > CHECK_TEXT_MAX)
		return cd_error_set(err, CD_EINPUT, _("the reason: at most %d bytes"), CHECK_TEXT_MAX);
	if ((rc = text_nfc(a->text, "reason", TEXT_MULTILINE, &reason, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		goto done;
	if ((rc = case_row_read(s, case_id, &c, err)) ||
	    (rc = newest_answer(s, case_id, a->list, &prev, err)))
		goto out;
	if (c.closed) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed; its checks are kept as they were"), c.number);
		goto out;
	}
	if (!prev.id || strcmp(prev.result, "hit") != 0 || prev.cleared) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s has no hit on %s to clear (its answer: %s)"), c.number,
				  a->list, !prev.id ? _("none") : prev.cleared ? _("cleared already") : prev.result);
		goto out;
	}
	/* Four eyes: whoever recorded a hit does not also wave it away. */
	if (prev.recorded_by && prev.recorded_by == actor->user_id) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("case %s: you recorded the hit on %s yourself; a supervisor other than %s clears it "
				    "(four-eyes rule)"), c.number, a->list, prev.recorder[0] ? prev.recorder : actor->name);
		goto out;
	}
	if ((rc = st_prepare(s, "UPDATE checks SET cleared_by = ?2, cleared_at = ?3, clear_reason = ?4"
				" WHERE id = ?1 RETURNING uuid", &st, err)))
		goto out;
	store_now(s, now, sizeof now);
	sqlite3_bind_int64(st, 1, prev.id);
	sqlite3_bind_int64(st, 2, actor->user_id);
	st_bind_text(st, 3, a->at ? a->at : now);
	st_bind_text(st, 4, reason);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = st_fail(s, _("clearing a check"), err);
		goto out;
	}
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	st = NULL;
	if ((rc = bump_version(s, actor, &c, a->at ? a->at : now, err)))
		goto out;
	struct cd_event ev = { .case_id = c.id, .person_id = c.person_id, .kind = "check_cleared",
			       .field = a->list, .old_value = "hit", .new_value = "cleared", .note = reason,
			       .row_version = c.row_version, .at = a->at };
	if ((rc = bookkeeping(s, actor, &c, uuid, &ev, "update", a->list, "cleared", NULL, a->at ? a->at : now, err)))
		goto out;
	rc = store_commit(s, err);
	goto done;
out:
	st_finish(s, st);
	store_rollback(s);
done:
	free(reason);
	return rc;
}

int checks_current(struct cd_store *s, int64_t case_id, struct cd_check **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_check *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* The newest row per list: the index checks_case_list(case_id, list, id) answers it. */
	if ((rc = st_prepare(s, "SELECT k.id, k.list, coalesce(k.result, 'pending'), k.source, r.name, k.note,"
				" k.answered_at, c.name, k.cleared_at, k.clear_reason,"
				" k.asked_at, k.kind, k.reason, k.attempts, coalesce(k.next_try, 0)"
				" FROM checks k LEFT JOIN users r ON r.id = k.recorded_by"
				" LEFT JOIN users c ON c.id = k.cleared_by"
				" WHERE k.case_id = ?1 AND k.id = (SELECT x.id FROM checks x WHERE x.case_id = ?1"
				"  AND x.list = k.list ORDER BY" CHECKS_ANSWER_ORDER("x") " LIMIT 1) ORDER BY k.list",
				&st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, case_id);
	while ((rc = st_row(s, st, _("reading a case's checks"), err)) > 0) {
		ST_GROW(rows, count, cap);
		struct cd_check *r = &rows[count++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		r->list = st_dup_column(st, 1);
		r->result = st_dup_column(st, 2);
		r->source = st_dup_column(st, 3);
		r->recorded_by = st_dup_column(st, 4);
		r->note = st_dup_column(st, 5);
		r->answered_at = st_dup_column(st, 6);
		r->cleared_by = st_dup_column(st, 7);
		r->cleared_at = st_dup_column(st, 8);
		r->clear_reason = st_dup_column(st, 9);
		r->asked_at = st_dup_column(st, 10);
		r->kind = st_dup_column(st, 11);
		r->reason = st_dup_column(st, 12);
		r->attempts = sqlite3_column_int(st, 13);
		r->next_try = sqlite3_column_int64(st, 14);
		if (!r->list || !r->result) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
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
	checks_free(rows, count);
	return rc;
}

int checks_read(struct cd_store *s, const struct cd_actor *actor, const char *number, const char *purpose,
		struct cd_check **out, size_t *n, struct cd_error *err)
{
	struct cd_case *c = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = case_load(s, actor, number, NULL, &c, err)))
		return rc;
	if (purpose) {
		if ((rc = store_begin(s, err)))
			goto out;
		if ((rc = store_add_audit(s, actor, "view", "case_checks", c->uuid, purpose, err))) {
			store_rollback(s);
			goto out;
		}
		if ((rc = store_commit(s, err)))
			goto out;
	}
	rc = checks_current(s, c->id, out, n, err);
out:
	case_free(c);
	return rc;
}

void checks_free(struct cd_check *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].list);
		free(rows[i].result);
		free(rows[i].source);
		free(rows[i].recorded_by);
		free(rows[i].note);
		free(rows[i].answered_at);
		free(rows[i].cleared_by);
		free(rows[i].cleared_at);
		free(rows[i].clear_reason);
		free(rows[i].asked_at);
		free(rows[i].kind);
		free(rows[i].reason);
	}
	free(rows);
}

int checks_requeue(struct cd_store *s, const struct cd_actor *actor, const struct cd_check_answer *a,
		   struct cd_error *err)
{
	char number[40];
	int64_t case_id = 0;
	int rc;
	struct answer prev;
	sqlite3_stmt *st = NULL;
	char source[16] = "";

	if (!(actor->roles & CD_ROLE_SUPERVISOR))
		return cd_error_set(err, CD_EREFUSED, _("re-queueing a failed check needs the role supervisor"));
	/* No list_named: only a list the case was asked over the network has a failure to re-queue. */
	if ((rc = open_case(s, actor, a->number, &case_id, number, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = newest_answer(s, case_id, a->list, &prev, err)))
		goto out;
	if (prev.id) {
		if ((rc = st_prepare(s, "SELECT source FROM checks WHERE id = ?1", &st, err)))
			goto out;
		sqlite3_bind_int64(st, 1, prev.id);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(source, sizeof source, "%s", (const char *)sqlite3_column_text(st, 0));
		st_finish(s, st);
	}
	if (!prev.id || strcmp(source, "network") != 0 || strcmp(prev.result, "error") != 0) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s: the answer on %s is no failed network check (%s); only a "
						      "failed one is re-queued"), number, a->list, prev.id ? prev.result : _("none"));
		goto out;
	}
	if ((rc = checkqueue_requeue_row(s, actor, prev.id, err)))
		goto out;
	return store_commit(s, err);
out:
	store_rollback(s);
	return rc;
}
