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

void privilege_init(void)
{
	if (!decide())
		return;
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
