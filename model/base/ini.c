/*
 * wf_ini.c - reading INI text for the workflow engine: the line scanner that gives
 * iniparser's sections and keys their line numbers, and the ways text reaches iniparser.
 *
 * The line rules follow iniparser 4.1 (iniparser_line): blank lines and lines starting
 * with ';' or '#' are comments, "[name]" is a section, "key = value" a key, and anything
 * else is a syntax error.  Continuation lines (a trailing backslash) are refused rather
 * than joined, so that line numbers stay simple and obvious.
 */
#define _GNU_SOURCE
#include "model/base/ini.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

const char *wf_ini_skip_bom(const char *text)
{
	if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		return text + 3;
	return text;
}

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

static void report_fmt(wf_ini_report_fn report, void *ctx, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report_fmt(wf_ini_report_fn report, void *ctx, int line, const char *fmt, ...)
{
	char msg[CD_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (report)
		report(ctx, line, msg);
}

static struct wf_ini_section *find_section(struct wf_ini_scan *scan, const char *name)
{
	for (size_t i = 0; i < scan->n_sections; i++)
		if (strcmp(scan->sections[i].name, name) == 0)
			return &scan->sections[i];
	return NULL;
}

const struct wf_ini_section *wf_ini_section(const struct wf_ini_scan *scan, const char *name)
{
	return find_section((struct wf_ini_scan *)scan, name);
}

int wf_ini_line(const struct wf_ini_scan *scan, const char *section, const char *key)
{
	const struct wf_ini_section *s = section ? wf_ini_section(scan, section) : NULL;

	if (!s)
		return 1;
	if (key)
		for (size_t i = 0; i < s->n_keys; i++)
			if (strcmp(s->keys[i].name, key) == 0)
				return s->keys[i].line;
	return s->line;
}

static int add_section(struct wf_ini_scan *scan, char *name, char *raw, int line)
{
	if (scan->n_sections == scan->cap_sections) {
		size_t cap = scan->cap_sections ? scan->cap_sections * 2 : 16;
		struct wf_ini_section *grown = realloc(scan->sections, cap * sizeof *grown);
		if (!grown)
			return CD_EINTERNAL;
		scan->sections = grown;
		scan->cap_sections = cap;
	}
	struct wf_ini_section *s = &scan->sections[scan->n_sections++];
	memset(s, 0, sizeof *s);
	s->name = name;
	s->raw = raw;
	s->line = line;
	return CD_OK;
}

static int add_key(struct wf_ini_section *s, char *name, char *raw, int line)
{
	if (s->n_keys == s->cap_keys) {
		size_t cap = s->cap_keys ? s->cap_keys * 2 : 8;
		struct wf_ini_key *grown = realloc(s->keys, cap * sizeof *grown);
		if (!grown)
			return CD_EINTERNAL;
		s->keys = grown;
		s->cap_keys = cap;
	}
	s->keys[s->n_keys].name = name;
	s->keys[s->n_keys].raw = raw;
	s->keys[s->n_keys].line = line;
	s->n_keys++;
	return CD_OK;
}

/* One line, without its newline; updates *current (the section keys belong to). */
static int scan_line(struct wf_ini_scan *scan, char *start, size_t len, int line,
		     struct wf_ini_section **current, wf_ini_report_fn report, void *ctx,
		     int *n_syntax)
{
	char *name = NULL, *raw = NULL, *whole = start;
	size_t whole_len = len;
	int syntax_before = *n_syntax;
	int rc = CD_OK;

	while (len > 0 && isspace((unsigned char)*start)) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	if (len == 0 || start[0] == ';' || start[0] == '#')
		goto out;
	if (len > WF_INI_MAX_LINE) {
		report_fmt(report, ctx, line, _("line longer than %d characters"), WF_INI_MAX_LINE);
		(*n_syntax)++;
		goto out;
	}
	if (start[len - 1] == '\\') {
		report_fmt(report, ctx, line,
			   _("a line may not end with a backslash (continuation lines are not supported)"));
		(*n_syntax)++;
		goto out;
	}
	if (start[0] == '[') {
		/* iniparser takes the name up to the first ']'. */
		char *close = memchr(start + 1, ']', len - 1);
		char *after = close ? close + 1 : NULL;
		while (after && after < start + len && isspace((unsigned char)*after))
			after++;
		if (!close || (after < start + len && *after != ';' && *after != '#')) {
			report_fmt(report, ctx, line,
				   _("a section header is [name], optionally followed by a comment"));
			(*n_syntax)++;
			goto out;
		}
		/* iniparser refuses a comment after "[name]": hand it the header alone. */
		memset(close + 1, ' ', (size_t)(start + len - (close + 1)));
		size_t nlen = (size_t)(close - (start + 1));
		name = dup_trimmed(start + 1, nlen, 1);
		raw = dup_trimmed(start + 1, nlen, 0);
		if (!name || !raw) {
			rc = CD_EINTERNAL;
			goto out;
		}
		if (name[0] == '\0') {
			report_fmt(report, ctx, line, _("empty section name []"));
			(*n_syntax)++;
			goto out;
		}
		struct wf_ini_section *seen = find_section(scan, name);
		if (seen) {
			report_fmt(report, ctx, line, _("duplicate section [%s] (first at line %d)"),
				   raw, seen->line);
			/* iniparser merges the two; so do we, to catch keys given twice. */
			*current = seen;
			goto out;
		}
		rc = add_section(scan, name, raw, line);
		if (rc != CD_OK)
			goto out;
		*current = &scan->sections[scan->n_sections - 1];
		name = raw = NULL;
		goto out;
	}
	const char *eq = memchr(start, '=', len);
	if (!eq || eq == start) {
		report_fmt(report, ctx, line,
			   _("expected [section], key = value or a comment (; or #)"));
		(*n_syntax)++;
		goto out;
	}
	name = dup_trimmed(start, (size_t)(eq - start), 1);
	raw = dup_trimmed(start, (size_t)(eq - start), 0);
	if (!name || !raw) {
		rc = CD_EINTERNAL;
		goto out;
	}
	if (!*current) {
		report_fmt(report, ctx, line, _("key '%s' comes before any [section]"), raw);
		(*n_syntax)++;
		goto out;
	}
	for (size_t i = 0; i < (*current)->n_keys; i++) {
		if (strcmp((*current)->keys[i].name, name) == 0) {
			report_fmt(report, ctx, line, _("duplicate key '%s' in [%s] (first at line %d)"),
				   raw, (*current)->raw, (*current)->keys[i].line);
			goto out;
		}
	}
	rc = add_key(*current, name, raw, line);
	if (rc == CD_OK)
		name = raw = NULL;
out:
	if (*n_syntax != syntax_before)
		memset(whole, ' ', whole_len);
	free(name);
	free(raw);
	return rc;
}

int wf_ini_scan(const char *text, struct wf_ini_scan *scan, wf_ini_report_fn report, void *ctx,
		int *n_syntax)
{
	struct wf_ini_section *current = NULL;
	char *p;
	int line = 1, rc = CD_OK;

	memset(scan, 0, sizeof *scan);
	*n_syntax = 0;
	scan->clean = strdup(wf_ini_skip_bom(text));
	if (!scan->clean)
		return CD_EINTERNAL;
	p = scan->clean;
	while (*p) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		rc = scan_line(scan, p, len, line, &current, report, ctx, n_syntax);
		if (rc != CD_OK)
			break;
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	return rc;
}

void wf_ini_scan_release(struct wf_ini_scan *scan)
{
	for (size_t i = 0; i < scan->n_sections; i++) {
		struct wf_ini_section *s = &scan->sections[i];
		for (size_t k = 0; k < s->n_keys; k++) {
			free(s->keys[k].name);
			free(s->keys[k].raw);
		}
		free(s->keys);
		free(s->name);
		free(s->raw);
	}
	free(scan->sections);
	free(scan->clean);
	memset(scan, 0, sizeof *scan);
}

int wf_ini_read_file(const char *path, char **text, struct cd_error *err)
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
		if (len > WF_INI_MAX_BYTES) {
			rc = cd_error_set(err, CD_EINPUT, _("%s: larger than %d bytes"), path,
					  WF_INI_MAX_BYTES);
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

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* iniparser's complaints go to stderr by default; ours carry the line already. */
static int quiet_errback(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

dictionary *wf_ini_load_text(const char *text, struct cd_error *err)
{
	char path[64], tmpl[] = "/tmp/casedesk-wf-XXXXXX";
	dictionary *d = NULL;
	int fd, unlink_after = 0;
	size_t len;

	text = wf_ini_skip_bom(text);
	len = strlen(text);
	fd = memfd_create("casedesk-workflow", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	} else {
		fd = mkstemp(tmpl);
		if (fd < 0) {
			cd_error_set(err, CD_EINTERNAL, _("cannot create a temporary file: %s"),
				     strerror(errno));
			return NULL;
		}
		snprintf(path, sizeof path, "%s", tmpl);
		unlink_after = 1;
	}
	if (write_all(fd, text, len) < 0) {
		cd_error_set(err, CD_EINTERNAL, _("cannot write a temporary file: %s"), strerror(errno));
		goto out;
	}
	iniparser_set_error_callback(quiet_errback);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d)
		cd_error_set(err, CD_EINPUT, _("iniparser could not read the text"));
out:
	if (unlink_after)
		unlink(path);
	close(fd);
	return d;
}
