/* schema.h - the store's forward-only migrations; see schema.c. */
#ifndef CD_SCHEMA_H
#define CD_SCHEMA_H

/* The version a fully migrated store has (== CD_SCHEMA_VERSION). */
int schema_latest(void);
/* SQL taking a store from `from_version` to the next; NULL past the end. */
const char *schema_migration(int from_version);

/* Defines the SQL functions migrations call (cd_nfc, cd_relatin) on a connection; an
 * SQLite result code.  Every connection gets them before any migration runs. */
struct sqlite3;
int schema_register_sql(struct sqlite3 *db);

#endif
