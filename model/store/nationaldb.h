/*
 * nationaldb.h - which national database a store syncs with (issue 15): one setting,
 * "national.db", a libpq connection string without a password.  An admin sets it
 * (`casedesk national use --db CONNINFO`); `--db` on a command overrides it.
 */
#ifndef CD_NATIONALDB_H
#define CD_NATIONALDB_H

#include "model/base/error.h"
#include "model/store/store.h"

/* The longest connection string kept. */
#define NATIONALDB_MAX 1000

/* The store's national database in *out (malloc'd), or NULL when none is named. */
int store_national_db(struct cd_store *s, char **out, struct cd_error *err);

/*
 * Names the national database (NULL or "": none); admins only, audited.  A string with a
 * password in it, or with control characters, is refused: the store is read by every
 * user of the office, a password belongs in ~/.pgpass or a service file.  (app/ checks the
 * string with libpq first: model/national/national.h, national_conninfo_check.)
 */
int store_national_db_set(struct cd_store *s, const struct cd_actor *actor, const char *conninfo,
			  struct cd_error *err);

#endif
