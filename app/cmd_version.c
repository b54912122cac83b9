/*
 * cmd_version.c - `casedesk --version` and `casedesk version`: the program's version (the
 * Makefile's VERSION, compiled in as CD_VERSION), the store schema it writes, the national
 * schema it speaks, and every library it was built with and runs with.  An administrator
 * answering "which OpenSSL does the office server run?" or "will this store open?" asks the
 * program, not the package manager: the library loaded now may be newer than the headers
 * the program was built with, so both are told where they differ.
 *
 * Each layer tells its own libraries (model/base/libversion.h); this file only gathers the
 * rows, so no header of a library is included outside its layer.  iniparser is not among
 * them: casedesk reads INI with its own reader (model/base/ini.c, iniparser's grammar) and
 * iniparser's header carries no version.  Needs no store and no user.
 */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/libversion.h"
#include "model/national/national_schema.h"
#include "model/national/national_version.h"
#include "model/net/net_version.h"
#include "model/store/store.h"
#include "model/store/store_version.h"
#include "print/print_version.h"
#include "screens/term_version.h"

#ifndef CD_VERSION
#define CD_VERSION "unknown"
#endif

#define MAX_LIBS 16

static size_t gather(struct cd_libversion *libs)
{
	size_t n = 0;

	n += store_lib_versions(libs + n, MAX_LIBS - n);
	n += term_lib_versions(libs + n, MAX_LIBS - n);
	n += base_lib_versions(libs + n, MAX_LIBS - n);
	n += net_lib_versions(libs + n, MAX_LIBS - n);
	n += national_lib_versions(libs + n, MAX_LIBS - n);
	n += print_lib_versions(libs + n, MAX_LIBS - n);
	return n;
}

static int print_json(struct cli *c, const struct cd_libversion *libs, size_t n)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;

	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "version", CD_VERSION);
	json_kv_int(&w, "store_schema", CD_SCHEMA_VERSION);
	json_kv_int(&w, "national_schema", national_schema_latest());
	json_key(&w, "libraries");
	json_array(&w);
	for (size_t i = 0; i < n; i++) {
		json_object(&w);
		json_kv_string(&w, "name", libs[i].name);
		if (libs[i].built[0])
			json_kv_string(&w, "built", libs[i].built);
		else
			json_kv_null(&w, "built");
		json_kv_string(&w, "running", libs[i].running);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	rc = cli_json_print(c, &w);
	buf_release(&b);
	return rc;
}

int cmd_version(struct cli *c)
{
	struct cd_libversion libs[MAX_LIBS];
	size_t n;
	int rc;

	/* `casedesk --version` arrives here as its first word, like `casedesk version`. */
	if ((rc = cli_positional(c, 0, 0, "version")))
		return rc;
	memset(libs, 0, sizeof libs);
	n = gather(libs);
	if (c->json)
		return print_json(c, libs, n);
	printf("casedesk %s\n", CD_VERSION);
	printf(_("store schema %d (the version this program writes and the newest it opens)\n"), CD_SCHEMA_VERSION);
	printf(_("national schema %d (the national tier's schema this program speaks)\n"), national_schema_latest());
	printf("%s", _("libraries (built with; running with, where it differs):\n"));
	for (size_t i = 0; i < n; i++) {
		if (!libs[i].built[0])
			printf(_("  %-14s %s (running; its headers carry no version)\n"), libs[i].name, libs[i].running);
		else if (strcmp(libs[i].built, libs[i].running) != 0)
			printf(_("  %-14s %s; running %s\n"), libs[i].name, libs[i].built, libs[i].running);
		else
			printf("  %-14s %s\n", libs[i].name, libs[i].built);
	}
	return CD_OK;
}
