/* users.c - users, roles and who acts; see users.h. */
#include "model/store/users.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

int user_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n < 2 || n > 32 || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* A typed workflow list in its stored form, or CD_EINPUT saying how to write it. */
static int parse_workflows(const char *typed, char *out, unsigned size, struct cd_error *err)
{
	if (cd_workflows_parse(typed ? typed : "none", out, size))
		return cd_error_set(err, CD_EINPUT,
				    _("--workflows: give workflow ids separated by commas (asylum,visa), "
				      "all, or none"));
	return CD_OK;
}

int user_add(struct cd_store *s, const struct cd_actor *actor, const char *name, unsigned roles,
	     const char *os_account, const char *workflows, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32], wf[256];
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may add users; %s is not one"),
				    actor->name);
	if (!user_name_valid(name))
		return cd_error_set(err, CD_EINPUT,
				    _("user name: use 2-32 characters a-z, 0-9, '.', '_' or '-', "
				      "starting with a letter"));
	if (roles == 0)
		return cd_error_set(err, CD_EUSAGE,
				    _("give at least one --role (clerk, caseworker, supervisor, admin)"));
	if ((rc = parse_workflows(workflows, wf, sizeof wf, err)))
		return rc;
	if (!s->training && !os_account)
		os_account = name;
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "INSERT INTO users(uuid, name, os_account, roles, created_at, workflows)"
				" VALUES (?1,?2,?3,?4,?5,?6)", &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, name);
	st_bind_text(st, 3, os_account);
	sqlite3_bind_int(st, 4, (int)roles);
	st_bind_text(st, 5, now);
	st_bind_text(st, 6, wf);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			rc = cd_error_set(err, CD_EINPUT,
					  _("user %s (or that OS account) exists already"), name);
		else
			rc = st_fail(s, _("adding a user"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	{
		struct cd_op op;
		char role_names[128];
		cd_roles_format(roles, role_names, sizeof role_names);
		op_init(&op, 0);
		op_text(&op, "name", NULL, name);
		op_text(&op, "os_account", NULL, os_account);
		op_text(&op, "roles", NULL, role_names);
		op_text(&op, "workflows", NULL, cd_workflows_show(wf));
		if (!(rc = store_add_audit(s, actor, "change", "user", uuid, "administration", err)))
			rc = op_write(s, &op, "user", uuid, "insert", err);
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
 * Refuses (CD_EREFUSED, `doing` saying what was asked) when `name` is the store's last
 * active admin: taking their admin role or disabling them would leave no one to manage
 * users, workflows and the office's settings.  Inside the caller's transaction.
 */
static int keep_an_admin(struct cd_store *s, const char *name, const char *doing, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = st_prepare(s, "SELECT (SELECT count(*) FROM users WHERE name = ?1 AND active = 1 AND roles & ?2),"
				" (SELECT count(*) FROM users WHERE name <> ?1 AND active = 1 AND roles & ?2)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, (int)CD_ROLE_ADMIN);
	if ((rc = st_row(s, st, _("reading users"), err)) < 0)
		rc = CD_ESTORE;
	else if (rc > 0 && sqlite3_column_int(st, 0) > 0 && sqlite3_column_int(st, 1) == 0)
		rc = cd_error_set(err, CD_EREFUSED,
				  _("%s is this store's last active admin: %s would leave no one to manage it; "
				    "make another user an admin first"),
				  name, doing);
	else
		rc = CD_OK;
	st_finish(s, st);
	return rc;
}

/* A user's row as it was before a change: its version, roles (as words), workflows and
 * whether active, for the change's op.  CD_ENOTFOUND when there is no such user. */
struct user_before {
	int64_t version;
	char roles[128], workflows[256];
	int active;
};

static int read_before(struct cd_store *s, const char *name, struct user_before *b, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT row_version, roles, workflows, active FROM users WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, name);
	int r = st_row(s, st, _("reading users"), err);
	if (r > 0) {
		b->version = sqlite3_column_int64(st, 0);
		cd_roles_format((unsigned)sqlite3_column_int(st, 1), b->roles, sizeof b->roles);
		snprintf(b->workflows, sizeof b->workflows, "%s",
			 cd_workflows_show((const char *)sqlite3_column_text(st, 2)));
		b->active = sqlite3_column_int(st, 3);
	} else {
		rc = r < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND,
						      _("no user %s in this store; `casedesk user list` shows them"), name);
	}
	st_finish(s, st);
	return rc;
}

int user_set(struct cd_store *s, const struct cd_actor *actor, const char *name, unsigned roles,
	     const char *workflows, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37] = "", wf[256], role_names[128];
	unsigned new_roles = 0;
	char *new_wf = NULL;
	struct user_before was;
	struct cd_op op;
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may change users; %s is not one"),
				    actor->name);
	if (roles == 0 && !workflows)
		return cd_error_set(err, CD_EUSAGE, _("say what changes: --role ROLE... and/or --workflows LIST"));
	if (workflows && (rc = parse_workflows(workflows, wf, sizeof wf, err)))
		return rc;
	if (roles && !(roles & CD_ROLE_ADMIN) && strcmp(name, actor->name) == 0)
		return cd_error_set(err, CD_EREFUSED,
				    _("you cannot take the admin role from yourself; another admin can"));
	if ((rc = store_begin(s, err)))
		return rc;
	op_init(&op, 0);
	if (roles && !(roles & CD_ROLE_ADMIN) &&
	    (rc = keep_an_admin(s, name, _("taking the admin role away"), err)))
		goto out;
	if ((rc = read_before(s, name, &was, err)))
		goto out;
	if ((rc = st_prepare(s, "UPDATE users SET roles = CASE WHEN ?2 = 0 THEN roles ELSE ?2 END,"
				" workflows = coalesce(?3, workflows) WHERE name = ?1"
				" RETURNING uuid, roles, workflows", &st, err)))
		goto out;
	st_bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, (int)roles);
	st_bind_text(st, 3, workflows ? wf : NULL);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store; `casedesk user list` shows them"),
				  name);
		goto out;
	}
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 0));
	new_roles = (unsigned)sqlite3_column_int(st, 1);
	new_wf = st_dup_column(st, 2);
	/* RETURNING rows are all produced by the first step; stepping to the end finishes it. */
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	st_finish(s, st);
	st = NULL;
	cd_roles_format(new_roles, role_names, sizeof role_names);
	op.base = was.version;
	op_text(&op, "roles", was.roles, role_names);
	op_text(&op, "workflows", was.workflows, cd_workflows_show(new_wf));
	op_meta_text(&op, "name", name);
	if ((rc = store_add_audit(s, actor, "change", "user", uuid, "administration", err)) ||
	    (rc = op_write(s, &op, "user", uuid, "update", err)))
		goto out;
	op_release(&op);
	free(new_wf);
	return store_commit(s, err);
out:
	op_release(&op);
	free(new_wf);
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

int user_set_active(struct cd_store *s, const struct cd_actor *actor, const char *name, int active,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37] = "";
	struct user_before was;
	struct cd_op op;
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may enable or disable users; %s is not one"),
				    actor->name);
	if (!active && strcmp(name, actor->name) == 0)
		return cd_error_set(err, CD_EREFUSED, _("you cannot disable your own account; another admin can"));
	if ((rc = store_begin(s, err)))
		return rc;
	op_init(&op, 0);
	if (!active && (rc = keep_an_admin(s, name, _("disabling them"), err)))
		goto out;
	if ((rc = read_before(s, name, &was, err)))
		goto out;
	if ((rc = st_prepare(s, "UPDATE users SET active = ?2 WHERE name = ?1 RETURNING uuid", &st, err)))
		goto out;
	st_bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, active ? 1 : 0);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? cd_error_set(err, CD_ENOTFOUND,
						      _("no user %s in this store; `casedesk user list` shows them"), name)
				       : st_fail(s, _("changing a user"), err);
		goto out;
	}
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 0));
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	st_finish(s, st);
	st = NULL;
	op.base = was.version;
	op_int(&op, "active", 1, was.active, active ? 1 : 0);
	op_meta_text(&op, "name", name);
	if ((rc = store_add_audit(s, actor, active ? "enable" : "disable", "user", uuid, "administration", err)) ||
	    (rc = op_write(s, &op, "user", uuid, "update", err)))
		goto out;
	op_release(&op);
	return store_commit(s, err);
out:
	op_release(&op);
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/*
 * The user whose `column` is `value`.  A disabled account is refused here, for every way in
 * (OS account, --user, a kit's passphrase, F9), saying who can let it act again; a caller
 * gets CD_ENOTFOUND with err untouched when there is no such user at all.
 */
static int lookup(struct cd_store *s, const char *column, const char *value, struct cd_actor *out,
		  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	int rc;

	snprintf(sql, sizeof sql, "SELECT id, name, roles, workflows, active FROM users WHERE %s = ?1", column);
	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading users"), err)) > 0 && !sqlite3_column_int(st, 4)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the casedesk account %s is disabled and cannot act; an admin can enable it: "
				    "`casedesk user enable %s`"),
				  (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 1));
	} else if (rc > 0) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
		out->roles = (unsigned)sqlite3_column_int(st, 2);
		snprintf(out->workflows, sizeof out->workflows, "%s", (const char *)sqlite3_column_text(st, 3));
		rc = CD_OK;
	} else {
		/* A failed read is the store's error, never "no such user". */
		rc = rc < 0 ? CD_ESTORE : CD_ENOTFOUND;
	}
	st_finish(s, st);
	return rc;
}

int user_by_name(struct cd_store *s, const char *name, struct cd_actor *out, struct cd_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lookup(s, "name", name, out, err)) == CD_ENOTFOUND)
		return cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store; `casedesk user list` shows them"), name);
	return rc;
}

int user_resolve(struct cd_store *s, const char *requested, struct cd_actor *out, struct cd_error *err)
{
	struct passwd *pw;
	int rc;

	memset(out, 0, sizeof *out);
	if (requested && *requested) {
		if (!s->training)
			return cd_error_set(err, CD_EUSAGE,
					    _("--user works on training stores only; on this store you act "
					      "as your own login account"));
		rc = lookup(s, "name", requested, out, err);
		if (rc == CD_ENOTFOUND)
			return cd_error_set(err, CD_ENOTFOUND,
					    _("no user %s in this store (training users: clerk, caseworker, "
					      "supervisor, admin)"), requested);
		return rc;
	}
	pw = getpwuid(getuid());
	if (pw && pw->pw_name) {
		rc = lookup(s, "os_account", pw->pw_name, out, err);
		if (rc != CD_ENOTFOUND)
			return rc;
	}
	if (s->training)
		return cd_error_set(err, CD_EUSAGE,
				    _("say who acts: --user NAME or CASEDESK_USER (clerk, caseworker, "
				      "supervisor, admin)"));
	return cd_error_set(err, CD_EREFUSED,
			    _("your login account %s is not a casedesk user; ask an admin to run "
			      "`casedesk user add %s --role ...`"),
			    pw ? pw->pw_name : "?", pw ? pw->pw_name : "NAME");
}

int user_list(struct cd_store *s, struct cd_user **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_user *users = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = st_prepare(s, "SELECT id, name, os_account, roles, active, workflows FROM users ORDER BY name",
			     &st, err)))
		return rc;
	while ((rc = st_row(s, st, _("listing users"), err)) > 0) {
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct cd_user *grown = realloc(users, ncap * sizeof *users);
			if (!grown) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			users = grown;
			cap = ncap;
		}
		struct cd_user *u = &users[count++];
		u->id = sqlite3_column_int64(st, 0);
		u->name = st_dup_column(st, 1);
		u->os_account = st_dup_column(st, 2);
		u->roles = (unsigned)sqlite3_column_int(st, 3);
		u->active = sqlite3_column_int(st, 4);
		u->workflows = st_dup_column(st, 5);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	*out = users;
	*n = count;
	users = NULL;
out:
	st_finish(s, st);
	user_list_free(users, count);
	return rc;
}

void user_list_free(struct cd_user *users, size_t n)
{
	if (!users)
		return;
	for (size_t i = 0; i < n; i++) {
		free(users[i].name);
		free(users[i].os_account);
		free(users[i].workflows);
	}
	free(users);
}

/* ---- break-glass reads ---------------------------------------------------------------- */

int user_glass_list(struct cd_store *s, const struct cd_actor *actor, int include_reviewed,
		    struct cd_glass **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_glass *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin reviews break-glass reads; %s is not one"),
				    actor->name);
	if ((rc = st_prepare(s, "SELECT g.id, g.at, g.user_name, c.number, g.purpose, g.reviewed_by, g.reviewed_at"
				" FROM break_glass g JOIN cases c ON c.id = g.case_id"
				" WHERE ?1 OR g.reviewed_at IS NULL ORDER BY g.id DESC", &st, err)))
		return rc;
	sqlite3_bind_int(st, 1, include_reviewed);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ST_GROW(rows, count, cap);
		struct cd_glass *g = &rows[count++];
		g->id = sqlite3_column_int64(st, 0);
		g->at = st_dup_column(st, 1);
		g->user = st_dup_column(st, 2);
		g->case_number = st_dup_column(st, 3);
		g->purpose = st_dup_column(st, 4);
		g->reviewed_by = st_dup_column(st, 5);
		g->reviewed_at = st_dup_column(st, 6);
	}
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
out:
	st_finish(s, st);
	user_glass_list_free(rows, count);
	return rc;
}

void user_glass_list_free(struct cd_glass *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].at);
		free(rows[i].user);
		free(rows[i].case_number);
		free(rows[i].purpose);
		free(rows[i].reviewed_by);
		free(rows[i].reviewed_at);
	}
	free(rows);
}

int user_glass_review(struct cd_store *s, const struct cd_actor *actor, int64_t id, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], ref[32];
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin reviews break-glass reads; %s is not one"),
				    actor->name);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, "UPDATE break_glass SET reviewed_by = ?2, reviewed_at = ?3"
				" WHERE id = ?1 AND reviewed_at IS NULL", &st, err)))
		goto out;
	store_now(s, now, sizeof now);
	sqlite3_bind_int64(st, 1, id);
	st_bind_text(st, 2, actor->name);
	st_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("marking a break-glass read reviewed"), err);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		rc = cd_error_set(err, CD_ENOTFOUND,
				  _("no unreviewed break-glass read %lld; `casedesk user glass` lists them"),
				  (long long)id);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	snprintf(ref, sizeof ref, "%lld", (long long)id);
	if ((rc = store_add_audit(s, actor, "review", "break_glass", ref, "administration", err)))
		goto out;
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}
