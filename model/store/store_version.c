/*
 * store_version.c - the SQLite version, told from here because only model/store includes
 * sqlite3.h.  The running one matters most: the store's file format and query plans are
 * SQLite's, and a distribution update changes the library under an unchanged program.
 */
#include "model/store/store_version.h"

#include <stdio.h>

#include <sqlite3.h>

size_t store_lib_versions(struct cd_libversion *out, size_t max)
{
	if (max < 1)
		return 0;
	out[0].name = "SQLite";
	snprintf(out[0].built, sizeof out[0].built, "%s", SQLITE_VERSION);
	snprintf(out[0].running, sizeof out[0].running, "%s", sqlite3_libversion());
	return 1;
}
