/* config.c - locating the settings file and applying its language; see config.h. */
#include "app/config.h"

#include <iniparser/iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

void config_path(char *buf, size_t size)
{
	/* Setgid (model/base/privilege.h): no variable chooses the file, the account's home does. */
	const char *explicit = cd_env("CASEDESK_CONFIG"), *xdg = cd_env("XDG_CONFIG_HOME"), *home = cd_env("HOME");
	if (privilege_setgid()) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (explicit && *explicit)
		snprintf(buf, size, "%s", explicit);
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/casedesk/casedesk.ini", xdg);
	else
		snprintf(buf, size, "%s/.config/casedesk/casedesk.ini", home ? home : ".");
}

/* The settings are the user's own file: read with the user's ids, never with casedesk's group. */
static dictionary *load_as_user(const char *path)
{
	dictionary *ini;
	if (privilege_as_user() != 0)
		return NULL;
	ini = iniparser_load(path);
	privilege_restore();
	return ini;
}

int config_apply_language(struct cd_error *err)
{
	char path[4096];
	dictionary *ini;
	const char *lang;

	config_path(path, sizeof path);
	if (access(path, F_OK) != 0)
		return CD_OK;
	if (!(ini = load_as_user(path)))
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read the settings file"), path);
	lang = iniparser_getstring(ini, "ui:language", NULL);
	if (lang && *lang) {
		/* Letters and _ only (uk, ru_RU, ka): the value becomes part of a path lookup. */
		for (const char *p = lang; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')) {
				iniparser_freedict(ini);
				return cd_error_set(err, CD_EINPUT, _("%s: [ui] language: give a code like uk, ru, ka, ro or en"),
						    path);
			}
		setenv("LANGUAGE", lang, 1);
	}
	iniparser_freedict(ini);
	return CD_OK;
}

int config_duplicates(struct cd_dupe_thresholds *t, struct cd_error *err)
{
	char path[4096];
	dictionary *ini;
	int rc = CD_OK;

	t->warn = DUPES_WARN_DEFAULT;
	t->block = DUPES_BLOCK_DEFAULT;
	config_path(path, sizeof path);
	if (access(path, F_OK) != 0)
		return CD_OK;
	if (!(ini = load_as_user(path)))
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read the settings file"), path);
	t->warn = iniparser_getint(ini, "duplicates:warn", DUPES_WARN_DEFAULT);
	t->block = iniparser_getint(ini, "duplicates:block", DUPES_BLOCK_DEFAULT);
	if (t->warn < 1 || t->warn > 100 || t->block < 1 || t->block > 100 || t->warn > t->block)
		rc = cd_error_set(err, CD_EINPUT,
				  _("%s: [duplicates] warn and block: give numbers from 1 to 100, warn not above block"),
				  path);
	iniparser_freedict(ini);
	return rc;
}
