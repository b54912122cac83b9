/*
 * roles.h - the roles a casedesk user can hold, as bits so a user may hold several
 * and a workflow transition may allow several.
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

#endif
