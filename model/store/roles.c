/* roles.c - role names and bits; see roles.h. */
#include "model/store/roles.h"

#include <stdio.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
} role_names[CD_ROLE_COUNT] = {
	{ CD_ROLE_CLERK, "clerk" },
	{ CD_ROLE_CASEWORKER, "caseworker" },
	{ CD_ROLE_SUPERVISOR, "supervisor" },
	{ CD_ROLE_ADMIN, "admin" },
};

unsigned cd_role_from_name(const char *name)
{
	for (int i = 0; i < CD_ROLE_COUNT; i++)
		if (strcmp(role_names[i].name, name) == 0)
			return role_names[i].bit;
	return 0;
}

const char *cd_role_name(unsigned role)
{
	for (int i = 0; i < CD_ROLE_COUNT; i++)
		if (role_names[i].bit == role)
			return role_names[i].name;
	return NULL;
}

void cd_roles_format(unsigned roles, char *buf, unsigned size)
{
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (int i = 0; i < CD_ROLE_COUNT; i++) {
		if (!(roles & role_names[i].bit))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", role_names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}
