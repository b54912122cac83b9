/*
 * national.c - the connection to the national tier's PostgreSQL database and its schema's
 * migrations (national.h).  It owns how casedesk connects (which libpq settings it forces,
 * how a failure is worded without the password) and how the schema moves forward, so every
 * later use of the tier starts from a connection that is known to be to a current schema.
 */
#include "model/national/national_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/national/national_schema.h"

/* The advisory lock every migration takes ("casedesk" in ASCII), so two inits at once
 * queue rather than both creating the same tables. */
#define NAT_MIGRATION_LOCK "7161541336458782571"

#define PASSWORD_HINT \
	N_("put the password in ~/.pgpass (mode 0600: host:port:database:user:password) or in a service " \
	   "file (~/.pg_service.conf, then service=NAME)")

/* Copies PostgreSQL's message onto one line: its own line breaks become "; ", the last
 * dropped, and runs of blanks (libpq indents its hints with a tab) one space. */
static void one_line(char *dst, size_t size, const char *msg)
{
	size_t j = 0;
	if (!size)
		return;
	for (size_t i = 0; msg && msg[i] && j + 3 < size; i++) {
		if (msg[i] == '\n') {
			if (msg[i + 1] == '\0')
				break;
			while (j > 0 && dst[j - 1] == ' ')
				j--;
			dst[j++] = ';';
			dst[j++] = ' ';
		} else if (msg[i] == '\t' || msg[i] == ' ' || msg[i] == '\r') {
			if (j > 0 && dst[j - 1] != ' ')
				dst[j++] = ' ';
		} else {
			dst[j++] = msg[i];
		}
	}
	while (j > 0 && (dst[j - 1] == ' ' || dst[j - 1] == ';'))
		j--;
	dst[j] = '\0';
}

/* 1 when a connection string carries a password in any form libpq reads one. */
static int has_password_text(const char *conninfo)
{
	/* Any mention of the keyword, before parsing: a malformed string's parse error quotes
	 * its text, which must not be a password. */
	for (const char *p = conninfo; *p; p++)
		if (strncasecmp(p, "password", 8) == 0)
			return 1;
	/* postgresql://user:secret@host - a colon in the part before '@'. */
	const char *scheme = strstr(conninfo, "://");
	if (scheme) {
		const char *auth = scheme + 3;
		size_t len = strcspn(auth, "/?");
		const char *at = memchr(auth, '@', len);
		if (at && memchr(auth, ':', (size_t)(at - auth)))
			return 1;
	}
	return 0;
}

int national_conninfo_check(const char *conninfo, struct cd_error *err)
{
	PQconninfoOption *opts = NULL;
	char *msg = NULL;
	int rc = CD_OK;

	if (!conninfo || !*conninfo)
		return cd_error_set(err, CD_EUSAGE,
				    _("no national database named: give --db CONNINFO (e.g. --db \"host=HOST dbname=NAME "
				      "user=USER\") or name one for the store with `casedesk national use --db CONNINFO`"));
	if (has_password_text(conninfo))
		return cd_error_set(err, CD_EINPUT,
				    _("the connection string holds a password, which casedesk never takes (other users "
				      "can read arguments, the environment and the store); %s"),
				    _(PASSWORD_HINT));
	if (!(opts = PQconninfoParse(conninfo, &msg))) {
		char line[300];
		one_line(line, sizeof line, msg ? msg : _("out of memory"));
		rc = cd_error_set(err, CD_EINPUT,
				  _("the national database's connection string is not valid: %s (write key=value words "
				    "such as host=HOST port=5432 dbname=NAME user=USER, or a postgresql:// URI)"),
				  line);
		goto out;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
			rc = cd_error_set(err, CD_EINPUT,
					  _("the connection string holds a password, which casedesk never takes; %s"),
					  _(PASSWORD_HINT));
			goto out;
		}
out:
	PQfreemem(msg);
	PQconninfoFree(opts);
	return rc;
}

/* libpq prints a server's NOTICE on stderr by default ("extension exists, skipping"): casedesk
 * says what it did itself. */
static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void describe(struct cd_national *n)
{
	const char *host = PQhost(n->conn), *port = PQport(n->conn), *db = PQdb(n->conn), *user = PQuser(n->conn);
	snprintf(n->where, sizeof n->where, _("database %s on %s:%s as %s"), db && *db ? db : "?",
		 host && *host ? host : _("the local socket"), port && *port ? port : "5432",
		 user && *user ? user : "?");
}

int national_connect(const char *conninfo, struct cd_national **out, struct cd_error *err)
{
	char timeout[16];
	struct cd_national *n = NULL;
	int rc;

	*out = NULL;
	if ((rc = national_conninfo_check(conninfo, err)))
		return rc;
	if (!(n = calloc(1, sizeof *n)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	snprintf(timeout, sizeof timeout, "%d", NATIONAL_CONNECT_TIMEOUT_S);
	/* Earlier words are defaults the connection string (expanded from dbname) may change;
	 * later ones are casedesk's own and win. */
	const char *const keys[] = { "connect_timeout", "dbname", "application_name", "client_encoding", NULL };
	const char *const vals[] = { timeout, conninfo, "casedesk", "UTF8", NULL };
	/* Setgid: libpq reads ~/.pgpass, service files and certificates as the user, never with
	 * the casedesk group (which opens the store's keys). */
	if (privilege_as_user() != 0) {
		free(n);
		return cd_error_set(err, CD_EINTERNAL, _("cannot act as your own group to connect to the national tier"));
	}
	n->conn = PQconnectdbParams(keys, vals, 1);
	privilege_restore();
	if (!n->conn || !(n->conninfo = strdup(conninfo))) {
		PQfinish(n->conn);
		free(n);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	describe(n);
	if (PQstatus(n->conn) != CONNECTION_OK) {
		char line[300];
		one_line(line, sizeof line, PQerrorMessage(n->conn));
		if (strstr(PQerrorMessage(n->conn), "timeout expired"))
			/* No answer at all: say how long casedesk waited and how to change it. */
			rc = cd_error_set(err, CD_ESTORE,
					  _("cannot connect to the national tier (%s): no answer within the connect timeout "
					    "(%d s unless connect_timeout=N in the connection string says otherwise); check the "
					    "network and that the server runs"),
					  n->where, NATIONAL_CONNECT_TIMEOUT_S);
		else
			rc = cd_error_set(err, CD_ESTORE,
					  _("cannot connect to the national tier (%s): %s; check that the server runs and that "
					    "host, port, database and user are right"),
					  n->where, line);
		goto fail;
	}
	PQsetNoticeProcessor(n->conn, quiet_notice, NULL);
	char set[160];
	snprintf(set, sizeof set, "SET statement_timeout = '%ds'; SET TIME ZONE 'UTC'; SET client_min_messages = warning;",
		 NATIONAL_STATEMENT_TIMEOUT_S);
	if ((rc = nat_exec(n, set, _("setting up the session"), err)))
		goto fail;
	*out = n;
	return CD_OK;
fail:
	national_close(n);
	return rc;
}

int national_connect_again(const struct cd_national *n, struct cd_national **out, struct cd_error *err)
{
	int rc = national_connect(n->conninfo, out, err);
	if (!rc)
		national_set_reader(*out, n->reader_origin, n->reader_office, n->reader_user, n->reader_purpose);
	return rc;
}

void national_set_reader(struct cd_national *n, const char *store_uuid, const char *office, const char *user,
			 const char *purpose)
{
	snprintf(n->reader_origin, sizeof n->reader_origin, "%s", store_uuid ? store_uuid : "");
	snprintf(n->reader_office, sizeof n->reader_office, "%s", office ? office : "");
	snprintf(n->reader_user, sizeof n->reader_user, "%s", user ? user : "");
	snprintf(n->reader_purpose, sizeof n->reader_purpose, "%s", purpose && *purpose ? purpose : "casework");
}

void national_close(struct cd_national *n)
{
	if (!n)
		return;
	PQfinish(n->conn);
	free(n->conninfo);
	free(n);
}

const char *national_where(const struct cd_national *n)
{
	return n->where;
}

int nat_check(struct cd_national *n, PGresult *res, const char *what, struct cd_error *err)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	char line[300];

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return CD_OK;
	/* The primary message only: DETAIL lines may quote the values of a row. */
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	one_line(line, sizeof line, primary ? primary : PQerrorMessage(n->conn));
	if (PQstatus(n->conn) != CONNECTION_OK)
		return cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: the connection was lost: %s"), n->where, what,
				    line);
	return cd_error_set(err, CD_ESTORE, _("national tier (%s): %s failed: %s%s%s%s"), n->where, what, line,
			    state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
}

int nat_exec(struct cd_national *n, const char *sql, const char *what, struct cd_error *err)
{
	PGresult *res = PQexec(n->conn, sql);
	int rc = nat_check(n, res, what, err);
	PQclear(res);
	return rc;
}

void nat_rollback(struct cd_national *n)
{
	PQclear(PQexec(n->conn, "ROLLBACK"));
}

/* One integer of a one-row result, or -1 with err filled. */
static int query_int64(struct cd_national *n, const char *sql, const char *what, int64_t *value,
		       struct cd_error *err)
{
	PGresult *res = PQexec(n->conn, sql);
	int rc = nat_check(n, res, what, err);
	if (!rc) {
		if (PQntuples(res) != 1 || PQnfields(res) < 1)
			rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: no answer"), n->where, what);
		else
			*value = PQgetisnull(res, 0, 0) ? 0 : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	}
	PQclear(res);
	return rc;
}

int national_schema_version(struct cd_national *n, int *version, struct cd_error *err)
{
	int64_t has_table = 0, tables = 0, v = 0;
	int rc;

	*version = 0;
	if ((rc = query_int64(n, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
				 "AND tablename = 'schema_version'",
			      _("reading the schema version"), &has_table, err)))
		return rc;
	if (!has_table) {
		if ((rc = query_int64(n, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'",
				      _("reading the schema version"), &tables, err)))
			return rc;
		if (tables)
			return cd_error_set(err, CD_EREFUSED,
					    _("%s holds %lld tables but no casedesk national schema; casedesk leaves it "
					      "untouched: give it an empty database (createdb NAME)"),
					    n->where, (long long)tables);
		return CD_OK;
	}
	if ((rc = query_int64(n, "SELECT coalesce(max(version), 0) FROM schema_version", _("reading the schema version"),
			      &v, err)))
		return rc;
	*version = (int)v;
	return CD_OK;
}

static int refuse_newer(struct cd_national *n, int version, struct cd_error *err)
{
	return cd_error_set(err, CD_EREFUSED,
			    _("the national tier (%s) has schema version %d, newer than this casedesk understands (%d); "
			      "upgrade casedesk before using it (nothing was changed)"),
			    n->where, version, national_schema_latest());
}

int national_init(struct cd_national *n, int *from, int *to, struct cd_error *err)
{
	const int latest = national_schema_latest();
	int version = 0, rc;

	*from = *to = -1;
	for (;;) {
		/* A migration may build indexes over millions of rows, and may wait for another
		 * init's: no statement timeout inside it. */
		if ((rc = nat_exec(n,
				   "BEGIN; SET LOCAL statement_timeout = 0;"
				   " SELECT pg_advisory_xact_lock(" NAT_MIGRATION_LOCK ")",
				   _("starting a migration"), err)))
			goto fail;
		/* Read under the lock: another init may have migrated while we waited. */
		if ((rc = national_schema_version(n, &version, err)))
			goto fail;
		if (*from < 0)
			*from = version;
		if (version > latest) {
			rc = refuse_newer(n, version, err);
			goto fail;
		}
		if (version == latest) {
			nat_rollback(n);
			break;
		}
		if (version == 0 &&
		    (rc = nat_exec(n, "CREATE TABLE schema_version (version integer PRIMARY KEY,"
				      " applied_at timestamptz NOT NULL DEFAULT now(), program text NOT NULL)",
				   _("creating the schema_version table"), err)))
			goto fail;
		char what[80], insert[160];
		snprintf(what, sizeof what, _("migrating from schema version %d to %d"), version, version + 1);
		if ((rc = nat_exec(n, national_schema_migration(version), what, err)))
			goto fail;
		snprintf(insert, sizeof insert,
			 "INSERT INTO schema_version (version, program) VALUES (%d, 'casedesk 0.1'); COMMIT", version + 1);
		if ((rc = nat_exec(n, insert, what, err)))
			goto fail;
	}
	*to = version;
	return CD_OK;
fail:
	nat_rollback(n);
	return rc;
}

int national_require_current(struct cd_national *n, struct cd_error *err)
{
	int version, rc;

	if ((rc = national_schema_version(n, &version, err)))
		return rc;
	if (version > national_schema_latest())
		return refuse_newer(n, version, err);
	if (version < national_schema_latest())
		return cd_error_set(err, CD_EREFUSED,
				    version ? _("the national tier (%s) has schema version %d, older than this casedesk's "
						"(%d): run `casedesk national init --db CONNINFO` to upgrade it")
					    : _("the national tier (%s) has no casedesk schema yet (version %d of %d): run "
						"`casedesk national init --db CONNINFO` first"),
				    n->where, version, national_schema_latest());
	return CD_OK;
}

static char *dup_value(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : strdup(PQgetvalue(res, row, col));
}

int national_status(struct cd_national *n, struct cd_national_status *st, struct cd_error *err)
{
	PGresult *res = NULL;
	int rc;

	memset(st, 0, sizeof *st);
	st->latest = national_schema_latest();
	if ((rc = national_require_current(n, err)))
		return rc;
	st->version = st->latest;
	/* One snapshot for every figure. */
	if ((rc = nat_exec(n, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", _("reading the status"), err)))
		return rc;
	res = PQexec(n->conn,
		     "SELECT (SELECT count(*) FROM ops), (SELECT count(*) FROM persons), (SELECT count(*) FROM cases),"
		     " (SELECT count(*) FROM number_blocks), (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL)");
	if ((rc = nat_check(n, res, _("counting ops, persons and cases"), err)))
		goto out;
	st->ops = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	st->persons = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	st->cases = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	st->number_blocks = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	st->open_conflicts = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	PQclear(res);
	res = PQexec(n->conn,
		     "SELECT o.store_uuid, o.office, o.name, o.kind, o.high_water,"
		     " to_char(o.last_sync, 'YYYY-MM-DD HH24:MI:SS'),"
		     " (SELECT count(*) FROM ops p WHERE p.origin = o.store_uuid)"
		     " FROM origins o ORDER BY o.office, o.name, o.store_uuid");
	if ((rc = nat_check(n, res, _("reading the origins"), err)))
		goto out;
	int rows = PQntuples(res);
	if (rows > 0 && !(st->origins = calloc((size_t)rows, sizeof *st->origins))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < rows; i++) {
		struct cd_national_origin *o = &st->origins[i];
		st->n_origins++;
		o->store_uuid = dup_value(res, i, 0);
		o->office = dup_value(res, i, 1);
		o->name = dup_value(res, i, 2);
		o->kind = dup_value(res, i, 3);
		o->high_water = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		o->last_sync = dup_value(res, i, 5);
		o->ops = strtoll(PQgetvalue(res, i, 6), NULL, 10);
		if (!o->store_uuid || !o->office || !o->name || !o->kind || (!o->last_sync && !PQgetisnull(res, i, 5))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
out:
	PQclear(res);
	nat_rollback(n);
	if (rc)
		national_status_release(st);
	return rc;
}

void national_status_release(struct cd_national_status *st)
{
	for (size_t i = 0; i < st->n_origins; i++) {
		free(st->origins[i].store_uuid);
		free(st->origins[i].office);
		free(st->origins[i].name);
		free(st->origins[i].kind);
		free(st->origins[i].last_sync);
	}
	free(st->origins);
	st->origins = NULL;
	st->n_origins = 0;
}
