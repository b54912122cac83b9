/* placeholder.c - expanding {name} in form text; see placeholder.h. */
#include "print/placeholder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/error.h"

static char *dup_str(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

int ph_set(struct ph_vars *v, const char *name, const char *value)
{
	char *val = dup_str(value ? value : "");
	if (!val)
		return CD_EINTERNAL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->names[i], name) == 0) {
			free(v->values[i]);
			v->values[i] = val;
			return CD_OK;
		}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		char **nn = realloc(v->names, cap * sizeof *nn);
		if (!nn)
			goto oom;
		v->names = nn;
		char **nv = realloc(v->values, cap * sizeof *nv);
		if (!nv)
			goto oom;
		v->values = nv;
		v->cap = cap;
	}
	v->names[v->n] = dup_str(name);
	if (!v->names[v->n])
		goto oom;
	v->values[v->n++] = val;
	return CD_OK;
oom:
	free(val);
	return CD_EINTERNAL;
}

const char *ph_get(const struct ph_vars *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->names[i], name) == 0)
			return v->values[i];
	return NULL;
}

void ph_vars_release(struct ph_vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->names[i]);
		free(v->values[i]);
	}
	free(v->names);
	free(v->values);
	memset(v, 0, sizeof *v);
}

static int name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '|';
}

/* Length of a well-formed "{name}" at p (p[0] == '{'), or 0. */
static size_t placeholder_at(const char *p, char name[PH_NAME_MAX + 1])
{
	size_t n = 0;
	while (name_char(p[1 + n]) && n < PH_NAME_MAX)
		n++;
	if (n == 0 || p[1 + n] != '}' || p[1] == '|' || p[n] == '|')
		return 0;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	if (strstr(name, "||"))   /* an empty alternative: not a placeholder */
		return 0;
	return n + 2;
}

int ph_expand(const char *text, const struct ph_vars *v, struct cd_buf *out, ph_name_fn unknown, void *ctx)
{
	int n_unknown = 0;
	const char *p = text, *run = text;
	char name[PH_NAME_MAX + 1];

	while (*p) {
		if (*p != '{') {
			p++;
			continue;
		}
		buf_add(out, run, (size_t)(p - run));
		if (p[1] == '{') {
			buf_add(out, "{", 1);
			p += 2;
			run = p;
			continue;
		}
		size_t len = placeholder_at(p, name);
		if (!len) {
			buf_add(out, "{", 1);
			p++;
			run = p;
			continue;
		}
		const char *val = v ? ph_get_either(v, name) : NULL;
		if (val)
			buf_puts(out, val);
		else {
			n_unknown++;
			if (unknown)
				unknown(ctx, name, (size_t)(p - text));
		}
		p += len;
		run = p;
	}
	buf_add(out, run, (size_t)(p - run));
	return n_unknown;
}

const char *ph_get_either(const struct ph_vars *v, const char *name)
{
	const char *found = NULL;
	char one[PH_NAME_MAX + 1];

	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "|");
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		const char *val = ph_get(v, one);
		if (val && *val)
			return val;
		if (val && !found)
			found = val;
		p += len;
		if (*p == '|')
			p++;
	}
	return found;
}

static int scan(const char *text, ph_name_fn fn, void *ctx, int whole)
{
	int n = 0;
	char name[PH_NAME_MAX + 1];
	for (const char *p = text; *p; p++) {
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		size_t len = placeholder_at(p, name);
		if (!len)
			continue;
		n++;
		for (const char *a = name; fn && *a;) {
			size_t alen = whole ? strlen(a) : strcspn(a, "|");
			char one[PH_NAME_MAX + 1];
			snprintf(one, sizeof one, "%.*s", (int)alen, a);
			fn(ctx, one, (size_t)(p - text));
			a += alen;
			if (*a == '|')
				a++;
		}
		p += len - 1;
	}
	return n;
}

int ph_scan(const char *text, ph_name_fn fn, void *ctx)
{
	return scan(text, fn, ctx, 0);
}

int ph_scan_whole(const char *text, ph_name_fn fn, void *ctx)
{
	return scan(text, fn, ctx, 1);
}
