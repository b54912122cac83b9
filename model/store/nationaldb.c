/*
 * nationaldb.c - the store's "national.db" setting (nationaldb.h).  A settings row, which
 * every store has, so no migration: a store made before it names no national database.
 */
#include "model/store/nationaldb.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

#define SETTING "national.db"

int store_national_db(struct cd_store *s, char **out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = st_prepare(s, "SELECT value FROM settings WHERE key = '" SETTING "'", &st, err)))
		return rc;
	if ((rc = st_row(s, st, _("reading the store's national database"), err)) > 0) {
		rc = (*out = st_dup_column(st, 0)) ? CD_OK : cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	} else {
		rc = rc < 0 ? CD_ESTORE : CD_OK;
	}
	st_finish(s, st);
	return rc;
}

/* The password check libpq cannot do here: any mention of one, or a URI's user:secret@. */
static int mentions_password(const char *v)
{
	for (const char *p = v; *p; p++)
		if (strncasecmp(p, "password", 8) == 0)
			return 1;
	const char *scheme = strstr(v, "://");
	if (scheme) {
		const char *auth = scheme + 3;
		size_t len = strcspn(auth, "/?");
		const char *at = memchr(auth, '@', len);
		if (at && memchr(auth, ':', (size_t)(at - auth)))
			return 1;
	}
	return 0;
}

int store_national_db_set(struct cd_store *s, const struct cd_actor *actor, const char *conninfo,
			  struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, clear = !conninfo || !*conninfo;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED,
				    _("only an admin may name the store's national database; %s is not one"), actor->name);
	if (!clear) {
		if (strlen(conninfo) > NATIONALDB_MAX)
			return cd_error_set(err, CD_EINPUT, _("the connection string is longer than %d bytes"),
					    NATIONALDB_MAX);
		for (const unsigned char *p = (const unsigned char *)conninfo; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return cd_error_set(err, CD_EINPUT,
						    _("the connection string holds a control character; write it on one line"));
		if (mentions_password(conninfo))
			return cd_error_set(err, CD_EINPUT,
					    _("the store keeps no password, which every user of the office could read: put it "
					      "in ~/.pgpass or a service file (~/.pg_service.conf, then service=NAME)"));
	}
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = st_prepare(s, clear ? "DELETE FROM settings WHERE key = '" SETTING "'"
				      : "INSERT OR REPLACE INTO settings(key, value) VALUES ('" SETTING "', ?1)",
			     &st, err)))
		goto out;
	if (!clear)
		st_bind_text(st, 1, conninfo);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("writing the store's national database"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = store_add_audit(s, actor, "change", "settings", SETTING, "administration", err)))
		goto out;
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}
