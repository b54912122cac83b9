/*
 * ini.c - the one INI reader (see ini.h): a single pass over the text that follows
 * iniparser 4.1's line grammar, keeps every section and key with its line, and indexes
 * them in a hash table so that a lookup costs the same in a file of ten lines or of
 * ten thousand sections.
 */
#define _GNU_SOURCE
#include "model/base/ini.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

/* One entry of the index: a section (key == NO_KEY) or one key of a section. */
#define NO_KEY ((size_t)-1)
struct ini_slot {
	uint64_t hash;     /* 0: empty */
	size_t section;
	size_t key;
};

static uint64_t hash_name(const char *name, size_t section, size_t key_or_none)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	if (key_or_none != NO_KEY) {
		/* A key's hash depends on its section: "state.a:title" and "state.b:title" differ. */
		h ^= (uint64_t)(section + 1) * 0x9E3779B97F4A7C15ull;
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

static const char *slot_name(const struct ini *ini, const struct ini_slot *s)
{
	const struct ini_section *sec = &ini->sections[s->section];
	return s->key == NO_KEY ? sec->name : sec->keys[s->key].name;
}

/*
 * The slot holding `name` (a section when section == NO_KEY, else a key of that section),
 * or the empty slot where it would go.
 */
static struct ini_slot *index_find(const struct ini *ini, const char *name, size_t section)
{
	int is_key = section != NO_KEY;
	uint64_t h = hash_name(name, section, is_key ? 0 : NO_KEY);
	size_t mask = ini->index_cap - 1, i = (size_t)h & mask;

	assert(ini->index_cap > 0 && (ini->index_cap & mask) == 0);
	for (;; i = (i + 1) & mask) {
		struct ini_slot *s = &ini->index[i];
		if (s->hash == 0)
			return s;
		if (s->hash == h && (s->key != NO_KEY) == is_key && (!is_key || s->section == section) &&
		    strcmp(slot_name(ini, s), name) == 0)
			return s;
	}
}

static int index_grow(struct ini *ini)
{
	struct ini_slot *old = ini->index;
	size_t old_cap = ini->index_cap, cap = old_cap ? old_cap * 2 : 64;

	ini->index = calloc(cap, sizeof *ini->index);
	if (!ini->index) {
		ini->index = old;
		return CD_EINTERNAL;
	}
	ini->index_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].hash == 0)
			continue;
		size_t mask = cap - 1, j = (size_t)old[i].hash & mask;
		while (ini->index[j].hash != 0)
			j = (j + 1) & mask;
		ini->index[j] = old[i];
	}
	free(old);
	return CD_OK;
}

/* Records (section, key) in the index; the caller has checked it is not there yet. */
static int index_add(struct ini *ini, size_t section, size_t key)
{
	if ((ini->index_used + 1) * 2 > ini->index_cap && index_grow(ini) != CD_OK)
		return CD_EINTERNAL;
	const char *name = key == NO_KEY ? ini->sections[section].name : ini->sections[section].keys[key].name;
	struct ini_slot *s = index_find(ini, name, key == NO_KEY ? NO_KEY : section);
	assert(s->hash == 0);
	s->hash = hash_name(name, section, key);
	s->section = section;
	s->key = key;
	ini->index_used++;
	return CD_OK;
}

static long section_at(const struct ini *ini, const char *name)
{
	if (!ini->index_cap || !name)
		return -1;
	const struct ini_slot *s = index_find(ini, name, NO_KEY);
	return s->hash ? (long)s->section : -1;
}

const struct ini_section *ini_section(const struct ini *ini, const char *section)
{
	long i = section_at(ini, section);
	return i < 0 ? NULL : &ini->sections[i];
}

const struct ini_key *ini_key(const struct ini *ini, const char *section, const char *key)
{
	long i = section_at(ini, section);

	if (i < 0 || !key)
		return NULL;
	const struct ini_slot *s = index_find(ini, key, (size_t)i);
	return s->hash ? &ini->sections[i].keys[s->key] : NULL;
}

const char *ini_get(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_key *k = ini_key(ini, section, key);
	return k ? k->value : NULL;
}

int ini_line(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = ini_section(ini, section);
	const struct ini_key *k = s && key ? ini_key(ini, section, key) : NULL;

	return k ? k->line : s ? s->line : 1;
}

size_t ini_key_lang(const char *name, char lang[4])
{
	const char *br = strchr(name, '[');
	size_t n;

	if (!br || br == name)
		return 0;
	n = strspn(br + 1, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3 || br[1 + n] != ']' || br[2 + n] != '\0')
		return 0;
	memcpy(lang, br + 1, n);
	lang[n] = '\0';
	return (size_t)(br - name);
}

const struct ini_key *ini_get_lang(const struct ini *ini, const char *section, const char *key,
				   const char *lang)
{
	const struct ini_key *k = NULL;

	if (lang && *lang && strlen(key) < INI_MAX_LINE) {
		char name[INI_MAX_LINE + 8];
		snprintf(name, sizeof name, "%s[%s]", key, lang);
		k = ini_key(ini, section, name);
	}
	return k ? k : ini_key(ini, section, key);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* A copy of s[0..len) with surrounding white space removed; lowercased when asked. */
static char *dup_trimmed(const char *s, size_t len, int lower)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
	out[len] = '\0';
	return out;
}

/*
 * The value after '=' by iniparser_line's rules: "..." or '...' (at least one character
 * inside; what follows the closing quote is ignored, and so is a missing one), else up to
 * the first ';' or '#', trimmed, with "" and '' meaning empty.
 */
static char *parse_value(const char *v, size_t len, char *cut)
{
	*cut = 0;
	while (len > 0 && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[1] != v[0]) {
		const char *close = memchr(v + 1, v[0], len - 1);
		size_t n = close ? (size_t)(close - (v + 1)) : len - 1;
		return strndup(v + 1, n);
	}
	size_t n = 0;
	while (n < len && v[n] != ';' && v[n] != '#')
		n++;
	if (n < len && v[0] != '"' && v[0] != '\'')
		*cut = v[n];
	char *out = dup_trimmed(v, n, 0);
	if (out && (!strcmp(out, "\"\"") || !strcmp(out, "''")))
		out[0] = '\0';
	return out;
}

static void report_fmt(ini_report_fn report, void *ctx, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report_fmt(ini_report_fn report, void *ctx, int line, const char *fmt, ...)
{
	char msg[CD_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (report)
		report(ctx, line, msg);
}

static int add_section(struct ini *ini, char *name, char *raw, int line)
{
	if (ini->n_sections == ini->cap_sections) {
		size_t cap = ini->cap_sections ? ini->cap_sections * 2 : 16;
		struct ini_section *grown = realloc(ini->sections, cap * sizeof *grown);
		if (!grown)
			return CD_EINTERNAL;
		ini->sections = grown;
		ini->cap_sections = cap;
	}
	struct ini_section *s = &ini->sections[ini->n_sections++];
	memset(s, 0, sizeof *s);
	s->name = name;
	s->raw = raw;
	s->line = line;
	return index_add(ini, ini->n_sections - 1, NO_KEY);
}

static int add_key(struct ini *ini, size_t section, char *name, char *raw, char *value, char cut, int line)
{
	struct ini_section *s = &ini->sections[section];

	if (s->n_keys == s->cap_keys) {
		size_t cap = s->cap_keys ? s->cap_keys * 2 : 8;
		struct ini_key *grown = realloc(s->keys, cap * sizeof *grown);
		if (!grown)
			return CD_EINTERNAL;
		s->keys = grown;
		s->cap_keys = cap;
	}
	s->keys[s->n_keys].name = name;
	s->keys[s->n_keys].raw = raw;
	s->keys[s->n_keys].value = value;
	s->keys[s->n_keys].line = line;
	s->keys[s->n_keys].cut = cut;
	s->n_keys++;
	return index_add(ini, section, s->n_keys - 1);
}

#define NO_SECTION ((size_t)-1)

/* One line, without its newline; updates *current (the section keys belong to). */
static int parse_line(struct ini *ini, const char *start, size_t len, int line, size_t *current,
		      ini_report_fn report, void *ctx)
{
	char *name = NULL, *raw = NULL, *value = NULL, cut = 0;
	int rc = CD_OK;

	while (len > 0 && isspace((unsigned char)*start)) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	if (len == 0 || start[0] == ';' || start[0] == '#')
		goto out;
	if (len > INI_MAX_LINE) {
		report_fmt(report, ctx, line, _("line longer than %d characters"), INI_MAX_LINE);
		goto syntax;
	}
	if (start[len - 1] == '\\') {
		report_fmt(report, ctx, line,
			   _("a line may not end with a backslash (continuation lines are not supported)"));
		goto syntax;
	}
	if (start[0] == '[') {
		/* iniparser takes the name up to the first ']'. */
		const char *close = memchr(start + 1, ']', len - 1);
		const char *after = close ? close + 1 : NULL;
		while (after && after < start + len && isspace((unsigned char)*after))
			after++;
		if (!close || (after < start + len && *after != ';' && *after != '#')) {
			report_fmt(report, ctx, line,
				   _("a section header is [name], optionally followed by a comment"));
			goto syntax;
		}
		size_t nlen = (size_t)(close - (start + 1));
		name = dup_trimmed(start + 1, nlen, 1);
		raw = dup_trimmed(start + 1, nlen, 0);
		if (!name || !raw) {
			rc = CD_EINTERNAL;
			goto out;
		}
		if (name[0] == '\0') {
			report_fmt(report, ctx, line, _("empty section name []"));
			goto syntax;
		}
		long seen = section_at(ini, name);
		if (seen >= 0) {
			report_fmt(report, ctx, line, _("duplicate section [%s] (first at line %d)"),
				   raw, ini->sections[seen].line);
			ini->n_problems++;
			/* iniparser merges the two; so do we, to catch keys given twice. */
			*current = (size_t)seen;
			goto out;
		}
		rc = add_section(ini, name, raw, line);
		if (rc != CD_OK)
			goto out;
		*current = ini->n_sections - 1;
		name = raw = NULL;
		goto out;
	}
	const char *eq = memchr(start, '=', len);
	if (!eq || eq == start) {
		report_fmt(report, ctx, line, _("expected [section], key = value or a comment (; or #)"));
		goto syntax;
	}
	name = dup_trimmed(start, (size_t)(eq - start), 1);
	raw = dup_trimmed(start, (size_t)(eq - start), 0);
	value = parse_value(eq + 1, (size_t)(start + len - (eq + 1)), &cut);
	if (!name || !raw || !value) {
		rc = CD_EINTERNAL;
		goto out;
	}
	if (*current == NO_SECTION) {
		report_fmt(report, ctx, line, _("key '%s' comes before any [section]"), raw);
		goto syntax;
	}
	const struct ini_section *sec = &ini->sections[*current];
	const struct ini_key *seen = ini_key(ini, sec->name, name);
	if (seen) {
		report_fmt(report, ctx, line, _("duplicate key '%s' in [%s] (first at line %d)"),
			   raw, sec->raw, seen->line);
		ini->n_problems++;
		goto out;
	}
	rc = add_key(ini, *current, name, raw, value, cut, line);
	if (rc == CD_OK)
		name = raw = value = NULL;
	goto out;
syntax:
	ini->n_problems++;
out:
	free(name);
	free(raw);
	free(value);
	return rc;
}

int ini_parse(struct ini *ini, const char *text, const char *name, ini_report_fn report, void *ctx)
{
	size_t current = NO_SECTION;
	const char *p;
	int line = 1, rc = CD_OK;

	memset(ini, 0, sizeof *ini);
	if (!(ini->path = strdup(name ? name : "")) || index_grow(ini) != CD_OK)
		return CD_EINTERNAL;
	p = text;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		rc = parse_line(ini, p, len, line, &current, report, ctx);
		if (rc != CD_OK || !nl)
			break;
		p = nl + 1;
		line++;
	}
	ini->n_lines = line;
	return rc;
}

void ini_release(struct ini *ini)
{
	for (size_t i = 0; i < ini->n_sections; i++) {
		struct ini_section *s = &ini->sections[i];
		for (size_t k = 0; k < s->n_keys; k++) {
			free(s->keys[k].name);
			free(s->keys[k].raw);
			free(s->keys[k].value);
		}
		free(s->keys);
		free(s->name);
		free(s->raw);
	}
	free(ini->sections);
	free(ini->index);
	free(ini->path);
	memset(ini, 0, sizeof *ini);
}

int ini_read_file(const char *path, char **text, struct cd_error *err)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = CD_OK;

	*text = NULL;
	/* Setgid: a file named on the command line is read with the user's rights, never the
	 * group's (lint would otherwise quote the biometric key's bytes); data/ is world-readable. */
	if (privilege_as_user() == 0) {
		f = fopen(path, "r");
		privilege_restore();
	}
	if (!f) {
		rc = cd_error_set(err, errno == ENOENT ? CD_ENOTFOUND : CD_EINPUT,
				  _("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			size_t want = cap ? cap * 2 : 8192;
			char *grown = realloc(buf, want + 1);
			if (!grown) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			buf = grown;
			cap = want;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len > INI_MAX_BYTES) {
			rc = cd_error_set(err, CD_EINPUT, _("%s: larger than %d bytes"), path, INI_MAX_BYTES);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = cd_error_set(err, CD_EINPUT, _("%s: cannot read"), path);
		goto out;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		rc = cd_error_set(err, CD_EINPUT, _("%s: contains a NUL byte; not a text file"), path);
		goto out;
	}
	*text = buf;
	buf = NULL;
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

/* The first problem, for loads that stop at one. */
struct first_problem {
	int line;
	char msg[CD_ERRMSG_MAX];
};

static void keep_first(void *ctx, int line, const char *msg)
{
	struct first_problem *f = ctx;

	if (f->line == 0 || line < f->line) {
		f->line = line;
		snprintf(f->msg, sizeof f->msg, "%s", msg);
	}
}

int ini_load(struct ini *ini, const char *path, ini_report_fn report, void *ctx, struct cd_error *err)
{
	struct first_problem first = { 0 };
	char *text = NULL;
	int rc;

	memset(ini, 0, sizeof *ini);
	if ((rc = ini_read_file(path, &text, err)) != CD_OK)
		goto out;
	rc = ini_parse(ini, text, path, report ? report : keep_first, report ? ctx : &first);
	if (rc != CD_OK) {
		rc = cd_error_set(err, rc, _("%s: out of memory"), path);
		goto out;
	}
	if (!report && first.line)
		rc = cd_error_set(err, CD_EINPUT, "%s:%d: %s", path, first.line, first.msg);
out:
	if (rc != CD_OK)
		ini_release(ini);
	free(text);
	return rc;
}
