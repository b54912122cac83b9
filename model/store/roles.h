/*
 * roles.h - the roles a casedesk user can hold, as bits so a user may hold several
 * and a workflow transition may allow several; and the workflows a user works on, which
 * bound the cases they may read (need-to-know: see users.h).
 */
#ifndef CD_ROLES_H
#define CD_ROLES_H

enum cd_role {
	CD_ROLE_CLERK = 1u << 0,
	CD_ROLE_CASEWORKER = 1u << 1,
	CD_ROLE_SUPERVISOR = 1u << 2,
	CD_ROLE_ADMIN = 1u << 3,
};

#define CD_ROLE_COUNT 4

/* "clerk" -> CD_ROLE_CLERK; 0 when the name is not a role. */
unsigned cd_role_from_name(const char *name);
/* CD_ROLE_CLERK -> "clerk"; NULL for anything but a single known bit. */
const char *cd_role_name(unsigned role);
/* Writes "caseworker, supervisor" into buf. */
void cd_roles_format(unsigned roles, char *buf, unsigned size);

/*
 * A user's workflows as stored: "*" (all, also those installed later), "" (none) or ids
 * joined by commas ("asylum,visa").  cd_workflows_parse reads what an admin typed
 * ("all", "none", "asylum, visa") into that form; -1 when a word is not a workflow id
 * ([a-z0-9_-], 1-32 characters) or the list does not fit `size`.
 */
int cd_workflows_parse(const char *typed, char *out, unsigned size);
/* 1 when `list` (stored form) includes workflow `id`. */
int cd_workflows_include(const char *list, const char *id);
/* The stored form for people: "all", "none" or the list itself. */
const char *cd_workflows_show(const char *list);

#endif
