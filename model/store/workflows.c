/* workflows.c - installed workflow versions; see workflows.h. */
#include "model/store/workflows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

int workflow_put(struct cd_store *s, const struct cd_actor *actor, const char *id, int version,
		 const char *text, int replace, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], entity[96];
	int rc;

	/* The rules are the office's law: only an admin changes them, here and not in a front-end. */
	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("installing workflow %s needs the role admin"), id);
	/* The kept text is shown and parsed again for years: only well-formed UTF-8. */
	if (!text_valid(text, strlen(text)))
		return cd_error_set(err, CD_EINPUT, _("workflow %s version %d: the file is not valid UTF-8"), id,
				    version);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, replace ? "UPDATE workflow_def SET source = ?3, loaded_at = ?4"
					  " WHERE workflow_id = ?1 AND version = ?2"
					: "INSERT INTO workflow_def(workflow_id, version, source, loaded_at)"
					  " VALUES (?1,?2,?3,?4)",
			     &st, err)))
		goto out;
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	st_bind_text(st, 3, text);
	st_bind_text(st, 4, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			rc = cd_error_set(err, CD_EINPUT, _("workflow %s version %d is installed already"), id,
					  version);
		else
			rc = st_fail(s, _("installing a workflow version"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	snprintf(entity, sizeof entity, "%s:%d", id, version);
	if ((rc = store_add_audit(s, actor, replace ? "translate" : "install", "workflow", entity,
				  "administration", err)))
		goto out;
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

int workflow_installed(struct cd_store *s, struct cd_wf_installed **out, size_t *n, struct cd_error *err)
{
	struct cd_wf_installed *rows = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = st_prepare(s, "SELECT workflow_id, version, source FROM workflow_def d"
				" WHERE version = (SELECT max(version) FROM workflow_def e"
				"                  WHERE e.workflow_id = d.workflow_id)"
				" ORDER BY workflow_id",
			     &st, err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct cd_wf_installed *g = realloc(rows, ncap * sizeof *g);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			rows = g;
			cap = ncap;
		}
		rows[count].id = st_dup_column(st, 0);
		rows[count].version = sqlite3_column_int(st, 1);
		rows[count].text = st_dup_column(st, 2);
		count++;
		if (!rows[count - 1].id || !rows[count - 1].text) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = st_fail(s, _("reading installed workflows"), err);
		goto out;
	}
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
out:
	st_finish(s, st);
	workflow_installed_free(rows, count);
	return rc;
}

void workflow_installed_free(struct cd_wf_installed *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].id);
		free(rows[i].text);
	}
	free(rows);
}

int workflow_newest(struct cd_store *s, const char *id, int *version, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT max(version) FROM workflow_def WHERE workflow_id = ?1", &st, err);

	*version = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*version = sqlite3_column_int(st, 0);
		st_finish(s, st);
		return rc;
	}
	st_finish(s, st);
	/* A name mistyped is the likelier case: say which ones there are. */
	char names[256] = "";
	if (st_prepare(s, "SELECT group_concat(workflow_id, ', ') FROM (SELECT DISTINCT workflow_id FROM workflow_def"
			  " ORDER BY workflow_id)", &st, NULL) == CD_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(names, sizeof names, "%s", (const char *)sqlite3_column_text(st, 0));
		st_finish(s, st);
	}
	if (names[0])
		return cd_error_set(err, CD_ENOTFOUND,
				    _("no workflow %s is installed in this store (installed: %s); an admin installs "
				      "another with `casedesk workflow install FILE`"), id, names);
	return cd_error_set(err, CD_ENOTFOUND,
			    _("no workflow %s is installed in this store; an admin installs it with "
			      "`casedesk workflow install FILE`"), id);
}
