/*
 * privilege.h - casedesk installed setgid to the office's `casedesk` group (README, "An
 * office server with thin clients").  The group is what opens the store and the keys; it
 * must never reach further than that.  This module owns the rules a setgid program lives
 * by, in one place so no caller can forget one:
 *  - environment that could redirect the program (data, settings, keys, the helper, fonts,
 *    print folders) is ignored: cd_env(); and every variable but a short list (the user,
 *    the terminal, the language) is dropped at start, before any library reads it;
 *  - files written for the user are created with the user's own ids: privilege_as_user()
 *    around their creation (model/base/outfile.c does it);
 *  - the group is dropped before another program runs: privilege_drop_for_child();
 *  - no core dumps (they would hold personal data and the keys).
 * Users are still identified by their real uid; nothing here touches uids.
 */
#ifndef CD_PRIVILEGE_H
#define CD_PRIVILEGE_H

/*
 * Called first thing in main(): notes whether we run with a group that is not the user's
 * (setgid exec, or the kernel's AT_SECURE) and, if so, drops the environment down to the
 * variables privilege.c keeps and turns core dumps off.
 */
void privilege_init(void);

/* 1 when running with a group the user does not have by themselves. */
int privilege_setgid(void);

/*
 * getenv() for variables that could redirect casedesk: NULL whenever privilege_setgid(),
 * so the compiled-in paths are used.
 */
const char *cd_env(const char *name);

/*
 * Switches the effective group to the user's own for the creation of a file the user asked
 * for, and back.  Both are no-ops when not setgid.  privilege_as_user returns 0 or -1 with
 * errno set; privilege_restore aborts the program if the group cannot be taken back (the
 * store could not be opened otherwise, and carrying on half-privileged is worse).
 */
int privilege_as_user(void);
void privilege_restore(void);

/* In a child after fork(), before exec(): gives the group up for good (real, effective, saved). */
void privilege_drop_for_child(void);

#endif
