/*
 * libversion.h - which version of a library casedesk was built with and which it runs
 * with, for `casedesk --version`.  A support question ("which OpenSSL?") must be answered
 * from the program, and the two can differ: the headers are read at build time, the shared
 * library is whatever the machine has now.
 *
 * Each layer reports the libraries whose headers it alone includes (tests/lint/layout.py):
 * base_lib_versions (OpenSSL, libunistring), store_lib_versions (SQLite),
 * national_lib_versions (libpq), net_lib_versions (libcurl, json-c), print_lib_versions
 * (Cairo, Pango, libxlsxwriter, libqrencode), term_lib_versions (screens/, the terminal
 * library); app/ puts the rows together.  Each function fills at most `max` rows and returns how many it filled.
 */
#ifndef CD_LIBVERSION_H
#define CD_LIBVERSION_H

#include <stddef.h>

#define CD_LIBVERSION_LEN 48

struct cd_libversion {
	const char *name;                 /* "SQLite", "OpenSSL": static */
	char built[CD_LIBVERSION_LEN];    /* from the headers; "" when they give none */
	char running[CD_LIBVERSION_LEN];  /* from the library loaded now */
};

size_t base_lib_versions(struct cd_libversion *out, size_t max);

#endif
