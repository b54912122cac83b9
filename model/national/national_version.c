/*
 * national_version.c - the libpq version, told from here because only model/national
 * speaks libpq.  The built one comes from PostgreSQL's pg_config.h (libpq-fe.h carries
 * none); the running one from PQlibVersion(), e.g. 150018 for 15.18.
 */
#include "model/national/national_version.h"

#include <stdio.h>

#include <libpq-fe.h>
#include <pg_config.h>

/* PostgreSQL 10 and later: major * 10000 + minor. */
static void pg_text(char *buf, size_t size, int v)
{
	snprintf(buf, size, "%d.%d", v / 10000, v % 10000);
}

size_t national_lib_versions(struct cd_libversion *out, size_t max)
{
	if (max < 1)
		return 0;
	out[0].name = "libpq";
	pg_text(out[0].built, sizeof out[0].built, PG_VERSION_NUM);
	pg_text(out[0].running, sizeof out[0].running, PQlibVersion());
	return 1;
}
