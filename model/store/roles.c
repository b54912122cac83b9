/* roles.c - role names and bits, and the workflow lists of need-to-know; see roles.h. */
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

static int id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int cd_workflows_parse(const char *typed, char *out, unsigned size)
{
	size_t used = 0;
	const char *p = typed;

	if (size < 2)
		return -1;
	out[0] = '\0';
	while (*p == ' ')
		p++;
	if (strcmp(p, "all") == 0 || strcmp(p, "*") == 0) {
		out[0] = '*';
		out[1] = '\0';
		return 0;
	}
	if (strcmp(p, "none") == 0 || *p == '\0')
		return 0;
	while (*p) {
		size_t n = 0;
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		while (id_char(p[n]))
			n++;
		if (n == 0 || n > 32 || (p[n] && p[n] != ',' && p[n] != ' '))
			return -1;
		if (used + (used ? 1 : 0) + n + 1 > size)
			return -1;
		if (used)
			out[used++] = ',';
		memcpy(out + used, p, n);
		used += n;
		out[used] = '\0';
		p += n;
	}
	return 0;
}

int cd_workflows_include(const char *list, const char *id)
{
	size_t n = strlen(id);

	if (!list || !id || !*id)
		return 0;
	if (strcmp(list, "*") == 0)
		return 1;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, id, n) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

const char *cd_workflows_show(const char *list)
{
	if (!list || !*list)
		return "none";
	if (strcmp(list, "*") == 0)
		return "all";
	return list;
}
