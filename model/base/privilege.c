/*
 * privilege.c - the setgid rules of privilege.h.  The decision is taken once at start
 * from the ids and the kernel's AT_SECURE flag, so a later setegid() (privilege_as_user)
 * cannot make cd_env() trust the environment again.
 */
#define _GNU_SOURCE  /* setresgid */
#include "model/base/privilege.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "model/base/i18n.h"

static int privileged = -1;     /* -1: not yet decided */
static gid_t group_gid;         /* the group we were given (the effective gid at start) */

static int decide(void)
{
	if (privileged < 0) {
		group_gid = getegid();
		privileged = getegid() != getgid() || getauxval(AT_SECURE) != 0;
	}
	return privileged;
}

/*
 * The variables a setgid casedesk keeps.  Everything else goes before any library reads
 * it: libraries read the environment with plain getenv() and would act on it with the
 * group's rights - libcurl's SSLKEYLOGFILE appends TLS secrets to any file the group may
 * write (a store's seal key, say), its proxies reroute the gateway's traffic, libpq's
 * PGPASSFILE/PGSSLKEY read the group's files, fontconfig's FONTCONFIG_FILE parses one.
 * Kept: who and where the user is, the terminal, the language, and casedesk's own
 * CASEDESK_* (which cd_env() ignores anyway, except the store's path, the training user
 * and day, which the store itself judges).
 */
static int env_kept(const char *entry)
{
	static const char *const names[] = { "HOME", "USER", "LOGNAME", "PATH", "TERM", "COLUMNS", "LINES", "LANG",
					     "LANGUAGE", "TZ", "NO_COLOR", "ESCDELAY" };
	const char *eq = strchr(entry, '=');
	size_t len = eq ? (size_t)(eq - entry) : strlen(entry);

	if (!strncmp(entry, "LC_", 3) || !strncmp(entry, "CASEDESK_", 9))
		return 1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == len && !strncmp(entry, names[i], len))
			return 1;
	return 0;
}

/* Drops every variable env_kept() does not keep, in place (environ is ours to edit). */
static void env_scrub(void)
{
	extern char **environ;
	size_t keep = 0;

	if (!environ)
		return;
	for (size_t i = 0; environ[i]; i++)
		if (env_kept(environ[i]))
			environ[keep++] = environ[i];
	environ[keep] = NULL;
}

void privilege_init(void)
{
	if (!decide())
		return;
	env_scrub();
	/* A core file would hold the keys and whatever personal data was in memory; the kernel
	 * already refuses one for a setgid exec by default, but fs.suid_dumpable may say otherwise. */
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int privilege_setgid(void)
{
	return decide();
}

const char *cd_env(const char *name)
{
	return decide() ? NULL : getenv(name);
}

int privilege_as_user(void)
{
	if (!decide())
		return 0;
	return setegid(getgid());
}

void privilege_restore(void)
{
	if (!decide())
		return;
	if (setegid(group_gid) != 0) {
		fputs(_("casedesk: cannot take back the casedesk group; stopping\n"), stderr);
		abort();
	}
}

void privilege_drop_for_child(void)
{
	if (!decide())
		return;
	gid_t g = getgid();
	if (setresgid(g, g, g) != 0)
		_exit(127);
}
