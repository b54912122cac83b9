/*
 * namekeys.h - the SQL functions defined on every store connection (store.c calls
 * namekeys_register when it opens one): cd_name_keys(nationality, dob, name, ...).
 */
#ifndef CD_NAMEKEYS_H
#define CD_NAMEKEYS_H

#include <sqlite3.h>

/* Defines cd_name_keys() on a connection; an SQLite result code. */
int namekeys_register(sqlite3 *db);

/*
 * The version of the name keys cd_name_keys() computes, kept in the settings table as
 * "name_keys" (absent: 1).  Raise it whenever the keys of a stored name change (a rule in
 * translit_skeleton, a table in data/translit/, namescore.c's name_words): stores opened
 * afterwards rebuild their search index once (store.c, when it opens one).
 *   2: Arabic script (data/translit/arabic.tsv, arabic_sound.tsv), keys without ال.
 */
#define NAMEKEYS_VERSION 2

#endif
