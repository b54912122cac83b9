/*
 * namekeys.h - the SQL functions defined on every store connection (store.c calls
 * namekeys_register when it opens one): cd_name_keys(nationality, dob, name, ...).
 */
#ifndef CD_NAMEKEYS_H
#define CD_NAMEKEYS_H

#include <sqlite3.h>

/* Defines cd_name_keys() on a connection; an SQLite result code. */
int namekeys_register(sqlite3 *db);

#endif
