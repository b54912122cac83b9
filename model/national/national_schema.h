/* national_schema.h - the national tier's forward-only migrations; see national_schema.c. */
#ifndef CD_NATIONAL_SCHEMA_H
#define CD_NATIONAL_SCHEMA_H

/* The version a fully migrated national database has. */
int national_schema_latest(void);
/* SQL taking a national database from `from_version` to the next; NULL past the end. */
const char *national_schema_migration(int from_version);

#endif
