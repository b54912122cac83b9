/*
 * national.h - the national tier: one PostgreSQL database that carries the country's
 * persons, cases, op log, number blocks and conflicts (issue 15; DESIGN.md "Sync, external
 * checks, offline").  This layer is the only one that speaks libpq; it knows nothing of the
 * store (app/ joins the two), so the store stays SQLite and the national tier PostgreSQL.
 *
 * A connection string is libpq's (key=value words or a postgresql:// URI).  casedesk never
 * takes a password in one - not in an argument, an environment variable or the store, which
 * other processes or other users can read: the password goes in ~/.pgpass or a service file
 * (~/.pg_service.conf, service=NAME), where libpq finds it.  Errors name the host, port,
 * database and user, never the connection string as given.
 */
#ifndef CD_NATIONAL_H
#define CD_NATIONAL_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"

/* How long a connection attempt may take when the connection string does not say
 * (connect_timeout), and how long one statement may run on the server. */
#define NATIONAL_CONNECT_TIMEOUT_S 10
#define NATIONAL_STATEMENT_TIMEOUT_S 300

struct cd_national;

/*
 * Checks a connection string without connecting: it must parse, and must carry no
 * password (CD_EINPUT saying where the password goes instead).  The message never quotes
 * the string.
 */
int national_conninfo_check(const char *conninfo, struct cd_error *err);

/*
 * Connects (application_name=casedesk, connect_timeout NATIONAL_CONNECT_TIMEOUT_S unless the
 * string sets one, statement_timeout NATIONAL_STATEMENT_TIMEOUT_S, time zone UTC).  On failure
 * CD_ESTORE naming host, port, database and user and what PostgreSQL said.  Installed setgid,
 * the connection is made with the user's own group, so libpq reads only files (~/.pgpass,
 * certificates) the user could read anyway.
 */
int national_connect(const char *conninfo, struct cd_national **out, struct cd_error *err);
/* A second connection to the tier n is connected to, as the same reader (a push stages one
 * batch on it while the first applies another). */
int national_connect_again(const struct cd_national *n, struct cd_national **out, struct cd_error *err);
void national_close(struct cd_national *n);

/*
 * Names who reads persons through this connection: the store (its uuid and office), the
 * user and the purpose.  The tier records every read of its persons (a national search's
 * candidates, a person's record, a person's cases) in its table `reads` with these, in the
 * statement that reads: the reads of a connection with no reader named are refused.
 */
void national_set_reader(struct cd_national *n, const char *store_uuid, const char *office, const char *user,
			 const char *purpose);

/* "database D on HOST:PORT as USER", for messages; never the password. */
const char *national_where(const struct cd_national *n);

/*
 * The schema version the database holds (0: none yet, an empty database).  A database
 * holding tables of its own but no casedesk schema is refused (CD_EREFUSED).
 */
int national_schema_version(struct cd_national *n, int *version, struct cd_error *err);

/*
 * Creates or upgrades the national schema: each migration in its own transaction, under an
 * advisory lock so that two inits at once run each migration once.  *from and *to get the
 * versions before and after (equal: nothing to do).  A schema newer than this program knows
 * is refused (CD_EREFUSED) and left untouched.
 */
int national_init(struct cd_national *n, int *from, int *to, struct cd_error *err);

/*
 * For every other use of the tier: CD_OK when the schema is exactly the one this program
 * knows; otherwise a refusal saying to run `casedesk national init` (older, none) or to
 * upgrade casedesk (newer).
 */
int national_require_current(struct cd_national *n, struct cd_error *err);

struct cd_national_origin {
	char *store_uuid, *office, *name, *kind;
	char *last_sync;        /* "2026-12-04 10:00:00" UTC, or NULL: never */
	int64_t high_water;     /* the highest origin sequence taken */
	int64_t ops;            /* ops held from this origin */
};

struct cd_national_status {
	int version, latest;
	struct cd_national_origin *origins;
	size_t n_origins;
	int64_t ops, persons, cases, number_blocks, open_conflicts;
};

/* What `national status` prints; the schema must be current (national_require_current). */
int national_status(struct cd_national *n, struct cd_national_status *st, struct cd_error *err);
void national_status_release(struct cd_national_status *st);

#endif
