/*
 * config.c - the settings file: one table says which settings exist, of what type, with
 * what default and help (NeoMutt's ConfigDef); the file is read once, through the one INI
 * reader (model/base/ini), and checked against the table, so that a typo such as
 * `langauge = uk` or `warm = 10` is refused naming its line instead of being ignored.
 * `casedesk config` prints the table with the value in force and where it came from.
 */
#include "app/config.h"
#include "app/tui_screens.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/ini.h"
#include "model/base/privilege.h"
#include "screens/ui.h"
#include "workflow/workflow.h"

enum cfg_type {
	CFG_LANG,        /* a language code: letters and _ (uk, ru_RU); empty: not set */
	CFG_PERCENT,     /* a whole number from 1 to 100 */
	CFG_KEYMAP,      /* [keys]: any action name = key names; checked by the keymap */
	CFG_RETENTION,   /* [retention]: any workflow id = a period (10y, 60m); may only shorten */
	CFG_MINUTES,     /* minutes from 0 to 1440, fractions allowed (0.5 is 30 seconds) */
	CFG_TEXT,        /* a URL or a file's path, one line; empty: not set */
	CFG_NUMBER,      /* a whole number from the row's min to its max */
};

struct cfg_def {
	const char *section;
	const char *key;         /* NULL: any key (the section is a map, as [keys]) */
	enum cfg_type type;
	const char *def;         /* the default as printed */
	const char *help;
};

/* Every setting casedesk reads.  Adding one is a row here and a reader below. */
static const struct cfg_def defs[] = {
	{ "ui", "language", CFG_LANG, "en",
	  N_("language of casedesk's messages (en, ru, uk, ka, ro); overrides LANG and LANGUAGE") },
	{ "ui", "lock_minutes", CFG_MINUTES, "5",
	  N_("the terminal interface locks after this many idle minutes (0: never; a field kit locks after 15 at most)") },
	{ "duplicates", "warn", CFG_PERCENT, "60",
	  N_("registration lists candidate duplicates scoring this or more (1-100)") },
	{ "duplicates", "block", CFG_PERCENT, "90",
	  N_("registration refuses, unless forced or a reason is given, at this score or more (1-100, not below warn)") },
	{ "keys", NULL, CFG_KEYMAP, "",
	  N_("action = keys: binds an action named in the ? help to keys (a letter, F1-F12, ^A-^Z, Enter, Esc, ...)") },
	{ "retention", NULL, CFG_RETENTION, "",
	  N_("workflow = period (8y, 36m): the office keeps that workflow's cases for less than its [retention] says; never for more") },
	/* The country's check gateway, asked by `casedesk check run` (README, "External checks"). */
	{ "gateway", "url", CFG_TEXT, "",
	  N_("the check gateway's base URL, https:// only (e.g. https://gateway.example/api); empty: checks wait in the queue") },
	{ "gateway", "client_cert", CFG_TEXT, "",
	  N_("this office's client certificate (PEM) for mutual TLS with the check gateway") },
	{ "gateway", "client_key", CFG_TEXT, "",
	  N_("the client certificate's private key (PEM), readable only by the account that runs check run") },
	{ "gateway", "ca_file", CFG_TEXT, "",
	  N_("the gateway's CA certificate (PEM), pinned: the system's CAs are not trusted for the gateway") },
	{ "gateway", "token_file", CFG_TEXT, "",
	  N_("a file holding an OAuth2 bearer token for the gateway, if it asks for one; empty: none") },
	{ "gateway", "connect_timeout", CFG_NUMBER, "5",
	  N_("seconds to wait for a connection to the gateway (1-300)") },
	{ "gateway", "total_timeout", CFG_NUMBER, "20",
	  N_("seconds a whole check may take before it is tried again later (1-3600)") },
	{ "gateway", "max_reply_kb", CFG_NUMBER, "64",
	  N_("the largest reply taken from the gateway, in KiB (1-65536); a longer one is refused and tried again") },
	{ "gateway", "parallel", CFG_NUMBER, "16",
	  N_("checks asked at once (1-256); check run --parallel overrides it") },
};
#define N_DEFS (sizeof defs / sizeof defs[0])

/* The ranges of the CFG_NUMBER rows (a column of their own, so the other rows stay as written). */
static const struct {
	const char *section, *key;
	long min, max;
} ranges[] = {
	{ "gateway", "connect_timeout", 1, 300 },
	{ "gateway", "total_timeout", 1, 3600 },
	{ "gateway", "max_reply_kb", 1, 65536 },
	{ "gateway", "parallel", 1, 256 },
};

static void range_of(const struct cfg_def *d, long *min, long *max)
{
	*min = 0;
	*max = 0;
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (!strcmp(ranges[i].section, d->section) && d->key && !strcmp(ranges[i].key, d->key)) {
			*min = ranges[i].min;
			*max = ranges[i].max;
		}
}

enum origin { FROM_DEFAULT, FROM_FILE, FROM_ENV };

static struct {
	int loaded, rc;
	struct cd_error err;
	char path[4096];
	const char *path_from;   /* which variable chose the path */
	int file_exists;
	struct ini ini;
	char lang[64];
	enum origin lang_origin;
	const char *lang_env;    /* the variable, when the environment chose */
	struct cd_dupe_thresholds dupes;
	int warn_line, block_line;
	double lock_minutes;
	char lock_text[32];      /* as written, for `casedesk config` */
} cfg;

void config_path(char *buf, size_t size)
{
	/* Setgid (model/base/privilege.h): no variable chooses the file, the account's home does. */
	const char *explicit = cd_env("CASEDESK_CONFIG"), *xdg = cd_env("XDG_CONFIG_HOME"), *home = cd_env("HOME");
	if (privilege_setgid()) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (explicit && *explicit)
		snprintf(buf, size, "%s", explicit);
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/casedesk/casedesk.ini", xdg);
	else
		snprintf(buf, size, "%s/.config/casedesk/casedesk.ini", home ? home : ".");
}

static const char *path_variable(void)
{
	const char *explicit = cd_env("CASEDESK_CONFIG"), *xdg = cd_env("XDG_CONFIG_HOME");
	if (privilege_setgid())
		return "HOME";   /* the account's home from the password file: no variable counts */
	return explicit && *explicit ? "CASEDESK_CONFIG" : xdg && *xdg ? "XDG_CONFIG_HOME" : "HOME";
}

static const char *section_names(char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_DEFS && used < size; i++) {
		if (i > 0 && strcmp(defs[i].section, defs[i - 1].section) == 0)
			continue;
		int n = snprintf(buf + used, size - used, "%s[%s]", used ? ", " : "", defs[i].section);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static const char *key_names(const char *section, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_DEFS && used < size; i++) {
		if (strcmp(defs[i].section, section) != 0 || !defs[i].key)
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", defs[i].key);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static const struct cfg_def *def_of(const char *section, const char *key)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (strcmp(defs[i].section, section) == 0 && (!key || !defs[i].key || strcmp(defs[i].key, key) == 0))
			return &defs[i];
	return NULL;
}

/* A whole number from 1 to 100, nothing else on the line. */
static int parse_percent(const char *v, int *out)
{
	char *end;
	long n;

	if (!v || !*v || *v == '+' || *v == '-')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 1 || n > 100)
		return -1;
	*out = (int)n;
	return 0;
}

/* Checks one key against its row of the table and takes its value. */
static int take(const struct cfg_def *d, const struct ini_key *k, const char *path, struct cd_error *err)
{
	struct cd_error why = CD_ERROR_INIT;

	switch (d->type) {
	case CFG_LANG:
		/* Letters and _ only (uk, ru_RU, ka): the value becomes part of a path lookup. */
		for (const char *p = k->value; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
				return cd_error_set(err, CD_EINPUT,
						    _("%s:%d: [%s] %s: give a code like uk, ru, ka, ro or en"), path,
						    k->line, d->section, d->key);
		if (strlen(k->value) >= sizeof cfg.lang)
			return cd_error_set(err, CD_EINPUT, _("%s:%d: [%s] %s: give a code like uk, ru, ka, ro or en"),
					    path, k->line, d->section, d->key);
		if (*k->value) {
			snprintf(cfg.lang, sizeof cfg.lang, "%s", k->value);
			cfg.lang_origin = FROM_FILE;
		}
		return CD_OK;
	case CFG_PERCENT: {
		int n;
		if (parse_percent(k->value, &n) != 0)
			return cd_error_set(err, CD_EINPUT, _("%s:%d: [%s] %s: give a whole number from 1 to 100, not '%s'"),
					    path, k->line, d->section, d->key, k->value);
		if (strcmp(d->key, "warn") == 0) {
			cfg.dupes.warn = n;
			cfg.warn_line = k->line;
		} else {
			cfg.dupes.block = n;
			cfg.block_line = k->line;
		}
		return CD_OK;
	}
	case CFG_MINUTES: {
		char *end;
		double m;
		errno = 0;
		m = *k->value ? strtod(k->value, &end) : -1;
		if (!*k->value || errno || *end || !(m >= 0 && m <= 1440) || strlen(k->value) >= sizeof cfg.lock_text)
			return cd_error_set(err, CD_EINPUT,
					    _("%s:%d: [%s] %s: give minutes from 0 to 1440 (0.5 is half a minute), not '%s'"),
					    path, k->line, d->section, d->key, k->value);
		cfg.lock_minutes = m;
		snprintf(cfg.lock_text, sizeof cfg.lock_text, "%s", k->value);
		return CD_OK;
	}
	case CFG_TEXT:
		if (strchr(k->value, '\n') || strlen(k->value) >= 4096)
			return cd_error_set(err, CD_EINPUT, _("%s:%d: [%s] %s: give one line, a URL or a file's path"), path,
					    k->line, d->section, d->key);
		return CD_OK;
	case CFG_NUMBER: {
		char *end;
		long n, min, max;
		range_of(d, &min, &max);
		errno = 0;
		n = *k->value && *k->value != '+' && *k->value != '-' ? strtol(k->value, &end, 10) : -1;
		if (n < 0 || errno || *end || n < min || n > max)
			return cd_error_set(err, CD_EINPUT, _("%s:%d: [%s] %s: give a whole number from %ld to %ld, not '%s'"),
					    path, k->line, d->section, d->key, min, max, k->value);
		return CD_OK;
	}
	case CFG_KEYMAP:
		if (ui_keymap_set(tui_screens(), k->name, k->value, &why) != CD_OK)
			return cd_error_set(err, why.code, "%s:%d: %s", path, k->line, why.msg);
		return CD_OK;
	case CFG_RETENTION: {
		/* The period's form here; whether it shortens is known once the workflows are read. */
		struct wf_duration period;
		if (wf_retention_period_parse(k->value, &period, &why) != CD_OK)
			return cd_error_set(err, CD_EINPUT, "%s:%d: [%s] %s: %s", path, k->line, "retention", k->raw,
					    why.msg);
		return CD_OK;
	}
	}
	return cd_error_set(err, CD_EINTERNAL, _("%s:%d: setting of an unknown type"), path, k->line);
}

static int check_file(struct cd_error *err)
{
	char names[256];
	int rc = CD_OK;

	for (size_t i = 0; i < cfg.ini.n_sections; i++) {
		const struct ini_section *s = &cfg.ini.sections[i];
		if (!def_of(s->name, NULL))
			return cd_error_set(err, CD_EINPUT, _("%s:%d: unknown section [%s] (sections: %s)"), cfg.path,
					    s->line, s->raw, section_names(names, sizeof names));
		for (size_t k = 0; k < s->n_keys; k++) {
			const struct cfg_def *d = def_of(s->name, s->keys[k].name);
			if (!d || (d->key && strcmp(d->key, s->keys[k].name) != 0))
				return cd_error_set(err, CD_EINPUT, _("%s:%d: unknown key '%s' in [%s] (known keys: %s)"),
						    cfg.path, s->keys[k].line, s->keys[k].raw, s->raw,
						    key_names(s->name, names, sizeof names));
			if ((rc = take(d, &s->keys[k], cfg.path, err)) != CD_OK)
				return rc;
		}
	}
	if (cfg.dupes.warn > cfg.dupes.block)
		rc = cd_error_set(err, CD_EINPUT,
				  _("%s:%d: [duplicates] warn (%d) is above block (%d): warn must not be above block"),
				  cfg.path, cfg.block_line ? cfg.block_line : cfg.warn_line, cfg.dupes.warn,
				  cfg.dupes.block);
	return rc;
}

/* Where the language comes from when the file does not set it: gettext's own order. */
static void language_from_environment(void)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			snprintf(cfg.lang, sizeof cfg.lang, "%s", v);
			cfg.lang_origin = FROM_ENV;
			cfg.lang_env = vars[i];
			return;
		}
	}
}

int config_load(struct cd_error *err)
{
	if (cfg.loaded)
		return CD_OK;   /* only a file that passed is kept */
	memset(&cfg, 0, sizeof cfg);
	cfg.loaded = 1;
	snprintf(cfg.lang, sizeof cfg.lang, "%s", defs[0].def);
	cfg.lang_origin = FROM_DEFAULT;
	language_from_environment();
	cfg.dupes.warn = DUPES_WARN_DEFAULT;
	cfg.dupes.block = DUPES_BLOCK_DEFAULT;
	cfg.lock_minutes = 5;
	snprintf(cfg.lock_text, sizeof cfg.lock_text, "5");
	config_path(cfg.path, sizeof cfg.path);
	cfg.path_from = path_variable();
	/* The user's own file: ini_load reads it with the user's ids, never casedesk's group. */
	cfg.rc = ini_load(&cfg.ini, cfg.path, NULL, NULL, &cfg.err);
	if (cfg.rc == CD_ENOTFOUND) {
		cfg.rc = CD_OK;   /* no file: every setting keeps its default */
	} else if (cfg.rc == CD_OK) {
		cfg.file_exists = 1;
		cfg.rc = check_file(&cfg.err);
	} else if (cfg.rc != CD_EINTERNAL) {
		cfg.rc = CD_EINPUT;
		cfg.err.code = CD_EINPUT;
	}
	if (cfg.rc != CD_OK) {
		*err = cfg.err;
		/*
		 * A refusal is not kept: main reads the file again once messages are translated,
		 * so that the refusal reaches the user in their language.
		 */
		int rc = cfg.rc;
		ini_release(&cfg.ini);
		cfg.loaded = 0;
		return rc;
	}
	return CD_OK;
}

int config_apply_language(struct cd_error *err)
{
	int rc = config_load(err);

	if (rc == CD_OK && cfg.lang_origin == FROM_FILE)
		setenv("LANGUAGE", cfg.lang, 1);
	return rc;
}

int config_duplicates(struct cd_dupe_thresholds *t, struct cd_error *err)
{
	int rc = config_load(err);

	t->warn = DUPES_WARN_DEFAULT;
	t->block = DUPES_BLOCK_DEFAULT;
	if (rc == CD_OK)
		*t = cfg.dupes;
	return rc;
}

static void print_row(FILE *out, const char *name, const char *value, const char *origin, const char *help)
{
	char nv[256];
	snprintf(nv, sizeof nv, "%s = %s", name, value);
	fprintf(out, "%-28s %-32s %s\n", nv, origin, help);
}

static int system_load(struct cd_error *err);
static int gateway_from_system(void);
static const char *gateway_value(const char *key, const char **path, int *line);

int config_print(FILE *out, struct cd_error *err)
{
	char origin[4200], num[16];
	int rc = config_load(err);

	if (rc != CD_OK)
		return rc;
	fprintf(out, _("# settings file: %s (from %s)%s\n"), cfg.path, cfg.path_from,
		cfg.file_exists ? "" : _(", not there: every setting is its default"));
	for (size_t i = 0; i < N_DEFS; i++) {
		const struct cfg_def *d = &defs[i];
		char name[96];
		if (d->key)
			snprintf(name, sizeof name, "%s.%s", d->section, d->key);
		if (d->type == CFG_KEYMAP || d->type == CFG_RETENTION) {
			const struct ini_section *s = cfg.file_exists ? ini_section(&cfg.ini, d->section) : NULL;
			for (size_t k = 0; s && k < s->n_keys; k++) {
				snprintf(name, sizeof name, "%s.%s", d->section, s->keys[k].name);
				snprintf(origin, sizeof origin, "%s:%d", cfg.path, s->keys[k].line);
				print_row(out, name, s->keys[k].value, origin, _(d->help));
			}
			if (!s || s->n_keys == 0) {
				snprintf(name, sizeof name, "%s.*", d->section);
				print_row(out, name, d->type == CFG_KEYMAP ? _("(the keys ? shows)") : _("(the workflows' own)"),
					  _("default"), _(d->help));
			}
			continue;
		}
		const struct ini_key *k = cfg.file_exists ? ini_key(&cfg.ini, d->section, d->key) : NULL;
		const char *value = d->def;
		if (d->type == CFG_LANG) {
			value = cfg.lang;
			if (cfg.lang_origin == FROM_ENV)
				snprintf(origin, sizeof origin, _("environment (%s)"), cfg.lang_env);
			else if (cfg.lang_origin == FROM_FILE && k)
				snprintf(origin, sizeof origin, "%s:%d", cfg.path, k->line);
			else
				snprintf(origin, sizeof origin, "%s", _("default"));
		} else if (d->type == CFG_MINUTES) {
			value = cfg.lock_text;
			if (k)
				snprintf(origin, sizeof origin, "%s:%d", cfg.path, k->line);
			else
				snprintf(origin, sizeof origin, "%s", _("default"));
		} else if (!strcmp(d->section, "gateway")) {
			/* Root's file when it is the one in force (gateway_from_system); a refused one
			 * counts as none, and says why on the first row. */
			const char *path;
			int line;
			struct cd_error why = CD_ERROR_INIT;
			if (gateway_from_system() && system_load(&why) != CD_OK && !strcmp(d->key, "url"))
				fprintf(out, "# %s\n", why.msg);
			value = gateway_value(d->key, &path, &line);
			if (line)
				snprintf(origin, sizeof origin, "%s:%d", path, line);
			else
				snprintf(origin, sizeof origin, "%s", _("default"));
		} else if (d->type == CFG_TEXT || d->type == CFG_NUMBER) {
			value = k ? k->value : d->def;
			if (k)
				snprintf(origin, sizeof origin, "%s:%d", cfg.path, k->line);
			else
				snprintf(origin, sizeof origin, "%s", _("default"));
		} else {
			snprintf(num, sizeof num, "%d", strcmp(d->key, "warn") == 0 ? cfg.dupes.warn : cfg.dupes.block);
			value = num;
			if (k)
				snprintf(origin, sizeof origin, "%s:%d", cfg.path, k->line);
			else
				snprintf(origin, sizeof origin, "%s", _("default"));
		}
		print_row(out, name, value, origin, _(d->help));
	}
	return CD_OK;
}

int config_retention_each(int (*fn)(void *ctx, const char *workflow_id, const char *period, const char *where),
			  void *ctx, struct cd_error *err)
{
	int rc = config_load(err);
	const struct ini_section *sec = rc == CD_OK && cfg.file_exists ? ini_section(&cfg.ini, "retention") : NULL;
	char where[4200];

	for (size_t k = 0; sec && k < sec->n_keys && rc == CD_OK; k++) {
		snprintf(where, sizeof where, "%s:%d", cfg.path, sec->keys[k].line);
		rc = fn(ctx, sec->keys[k].name, sec->keys[k].value, where);
	}
	return rc;
}

/*
 * casedesk.ini(5), written from the table above at build time (`casedesk config --man`,
 * the Makefile's man target), so that the page cannot drift from the settings the program
 * reads: a row added to defs[] is documented by the next build.  The page is English, the
 * table's help as written (N_()), not the messages' language: man pages are translated as
 * whole pages or not at all.
 */
static void roff_text(FILE *out, const char *text)
{
	/* A line starting with . or ' would be a request; \ starts an escape; - is a minus. */
	if (*text == '.' || *text == '\'')
		fputs("\\&", out);
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else if (*p == '\n')
			fputc(' ', out);
		else
			fputc(*p, out);
	}
}

int config_man(FILE *out)
{
	fputs(".\\\" casedesk.ini(5): generated by `casedesk config --man` from app/config.c; do not edit.\n"
	      ".TH CASEDESK.INI 5 \"\" \"casedesk\" \"File Formats\"\n"
	      ".SH NAME\n"
	      "casedesk.ini \\- the settings file of casedesk\n"
	      ".SH SYNOPSIS\n"
	      "\\fI$CASEDESK_CONFIG\\fR, else \\fI$XDG_CONFIG_HOME/casedesk/casedesk.ini\\fR,\n"
	      "else \\fI~/.config/casedesk/casedesk.ini\\fR\n"
	      ".SH DESCRIPTION\n"
	      "Each user's own settings for\n"
	      ".BR casedesk (1).\n"
	      "The file is optional: without it every setting keeps its default.\n"
	      "Installed setgid, casedesk reads only the file in the login account's home\n"
	      "(from the password file); no environment variable chooses it.\n"
	      ".PP\n"
	      "The format is INI: \\fB[section]\\fR lines, then \\fIkey\\fR \\fB=\\fR \\fIvalue\\fR lines;\n"
	      "a line starting with \\fB;\\fR or \\fB#\\fR is a comment, and a value ends at \\fB;\\fR or \\fB#\\fR\n"
	      "unless it is quoted.  Section and key names are not case\\-sensitive.\n"
	      "An unknown section or key, a key given twice, or a value of the wrong type is refused\n"
	      "(exit code 6) with a message naming the file and line, so that a typo is never ignored.\n"
	      ".PP\n"
	      ".B casedesk config\n"
	      "prints every setting in force and where it came from (default, \\fIFILE:LINE\\fR, or the environment).\n"
	      ".SH SETTINGS\n",
	      out);
	for (size_t i = 0; i < N_DEFS; i++) {
		const struct cfg_def *d = &defs[i];
		const char *type;
		if (i == 0 || strcmp(defs[i - 1].section, d->section) != 0)
			fprintf(out, ".SS [%s]\n", d->section);
		switch (d->type) {
		case CFG_LANG: type = "language code"; break;
		case CFG_PERCENT: type = "whole number, 1 to 100"; break;
		case CFG_MINUTES: type = "minutes, 0 to 1440"; break;
		case CFG_KEYMAP: type = "key names"; break;
		case CFG_RETENTION: type = "period"; break;
		default: type = "value"; break;
		}
		fputs(".TP\n", out);
		if (d->key) {
			fputs("\\fB", out);
			roff_text(out, d->key);
			fputs("\\fR = \\fI", out);
		} else {
			fputs("\\fIname\\fR = \\fI", out);
		}
		roff_text(out, type);
		fputs("\\fR", out);
		if (d->def && *d->def) {
			fputs(" (default: \\fB", out);
			roff_text(out, d->def);
			fputs("\\fR)", out);
		}
		fputs("\n", out);
		roff_text(out, d->help);
		fputs("\n", out);
	}
	fputs(".SH EXAMPLE\n"
	      ".PP\n"
	      ".nf\n"
	      ".RS\n"
	      "[ui]\n"
	      "language = uk\n"
	      "lock_minutes = 10\n"
	      "\n"
	      "[duplicates]\n"
	      "warn = 60\n"
	      "block = 90\n"
	      "\n"
	      "[keys]\n"
	      "search = / F3\n"
	      ".RE\n"
	      ".fi\n"
	      ".SH FILES\n"
	      ".TP\n"
	      ".I ~/.config/casedesk/casedesk.ini\n"
	      "the settings file when neither variable below names another\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\n"
	      ".B CASEDESK_CONFIG\n"
	      "the settings file's path (not when casedesk is installed setgid)\n"
	      ".TP\n"
	      ".B XDG_CONFIG_HOME\n"
	      "the folder holding \\fIcasedesk/casedesk.ini\\fR (not when installed setgid)\n"
	      ".SH SEE ALSO\n"
	      ".BR casedesk (1),\n"
	      ".BR casedesk\\-workflow (5)\n",
	      out);
	return ferror(out) ? CD_EINTERNAL : CD_OK;
}

double config_lock_minutes(void)
{
	struct cd_error err = CD_ERROR_INIT;
	/* A broken file was refused before any command ran; its default is what is left. */
	return config_load(&err) == CD_OK ? cfg.lock_minutes : 5;
}

/*
 * The locale.  A LANG (or LC_ALL ...) naming a locale the machine lacks makes
 * setlocale(LC_ALL, "") fail and leaves the C locale, in which ncursesw reads and draws
 * bytes, not characters: every key outside ASCII is dropped (Шевченко cannot be typed)
 * and gettext, in C, ignores the language asked for.  Each category that cannot be set
 * as asked falls back to C.UTF-8, which every glibc since 2.35 has, so characters work;
 * the catalogue still follows the language asked for (through LANGUAGE, unless the
 * settings file or the user set it); and the missing locale is named once.
 */
static char locale_missing[64];

static const char *first_env(const char *const *vars, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

void config_locale_start(void)
{
	static const int categories[] = { LC_CTYPE, LC_COLLATE, LC_MESSAGES, LC_MONETARY, LC_NUMERIC, LC_TIME };
	static const char *const ctype_vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	static const char *const msg_vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	int messages_fell_back = 0;

	locale_missing[0] = '\0';
	if (setlocale(LC_ALL, ""))
		return;
	for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++) {
		if (setlocale(categories[i], ""))
			continue;
		if (!setlocale(categories[i], "C.UTF-8"))
			setlocale(categories[i], "C.utf8");
		if (categories[i] == LC_MESSAGES)
			messages_fell_back = 1;
		if (!locale_missing[0]) {
			const char *name = categories[i] == LC_MESSAGES ? first_env(msg_vars, 3) : first_env(ctype_vars, 3);
			snprintf(locale_missing, sizeof locale_missing, "%s", name ? name : "?");
		}
	}
	/* uk_UA.UTF-8@euro -> uk_UA: gettext tries uk_UA, then uk. */
	const char *asked = first_env(msg_vars, 3), *language = getenv("LANGUAGE");
	if (messages_fell_back && asked && (!language || !*language) && strcmp(asked, "C") && strcmp(asked, "POSIX")) {
		char lang[64];
		snprintf(lang, sizeof lang, "%.*s", (int)strcspn(asked, ".@"), asked);
		if (lang[0])
			setenv("LANGUAGE", lang, 1);
	}
}

const char *config_locale_missing(void)
{
	return locale_missing[0] ? locale_missing : NULL;
}

void config_locale_notice(char *buf, size_t size)
{
	snprintf(buf, size,
		 _("locale %s is not installed; using C.UTF-8 for characters. To add it (as root): locale-gen %s, or dpkg-reconfigure locales"),
		 locale_missing, locale_missing);
}

/*
 * The office's own settings file, root's: where the check gateway is set on a server.
 * A setgid casedesk (a real store's desks) takes [gateway] from here ONLY: a user's file
 * naming a gateway of their choosing could send every applicant's name to it, or answer
 * every check "clear" (README, "External checks").  It must belong to root and be writable
 * by nobody else, or it is refused; it holds [gateway] and nothing else.
 */
#ifndef CD_SYSCONFIG
#define CD_SYSCONFIG "/etc/casedesk/casedesk.ini"
#endif
static struct {
	int loaded, rc, exists;
	struct ini ini;
	struct cd_error err;
} sys;

static int system_load(struct cd_error *err)
{
	struct stat st;

	if (sys.loaded)
		goto out;
	sys.loaded = 1;
	if (stat(CD_SYSCONFIG, &st) != 0) {
		if (errno != ENOENT)
			sys.rc = cd_error_set(&sys.err, CD_EINPUT, _("%s cannot be read: %s"), CD_SYSCONFIG, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		sys.rc = cd_error_set(&sys.err, CD_EREFUSED,
				      _("%s is not used: it must be a file of root's that nobody else may write, since it "
					"names the check gateway (as root: chown root: %s; chmod 644 %s)"),
				      CD_SYSCONFIG, CD_SYSCONFIG, CD_SYSCONFIG);
		goto out;
	}
	if ((sys.rc = ini_load(&sys.ini, CD_SYSCONFIG, NULL, NULL, &sys.err)) != CD_OK) {
		if (sys.rc == CD_ENOTFOUND)
			sys.rc = CD_OK;
		goto out;
	}
	sys.exists = 1;
	for (size_t i = 0; i < sys.ini.n_sections && !sys.rc; i++) {
		const struct ini_section *sec = &sys.ini.sections[i];
		if (strcmp(sec->name, "gateway") != 0) {
			sys.rc = cd_error_set(&sys.err, CD_EINPUT, _("%s:%d: only [gateway] belongs here, not [%s] (the rest "
								  "is each user's own file)"), CD_SYSCONFIG, sec->line, sec->raw);
			break;
		}
		for (size_t k = 0; k < sec->n_keys && !sys.rc; k++) {
			const struct cfg_def *d = def_of("gateway", sec->keys[k].name);
			if (!d || !d->key) {
				char names[256];
				sys.rc = cd_error_set(&sys.err, CD_EINPUT, _("%s:%d: unknown key '%s' in [%s] (known keys: %s)"),
						      CD_SYSCONFIG, sec->keys[k].line, sec->keys[k].raw, sec->raw,
						      key_names("gateway", names, sizeof names));
			} else {
				sys.rc = take(d, &sec->keys[k], CD_SYSCONFIG, &sys.err);
			}
		}
	}
out:
	if (sys.rc && err)
		*err = sys.err;
	return sys.rc;
}

/* Which file sets the gateway: root's when setgid, or when the user's own file has no [gateway]. */
static int gateway_from_system(void)
{
	return privilege_setgid() || !(cfg.file_exists && ini_section(&cfg.ini, "gateway"));
}

/* A [gateway] value in force: the file's (checked when read), else the table's default. */
static const char *gateway_value(const char *key, const char **path, int *line)
{
	const struct ini_key *k;
	const struct cfg_def *d = def_of("gateway", key);

	if (gateway_from_system()) {
		k = sys.exists && !sys.rc ? ini_key(&sys.ini, "gateway", key) : NULL;
		*path = CD_SYSCONFIG;
	} else {
		k = ini_key(&cfg.ini, "gateway", key);
		*path = cfg.path;
	}
	*line = k ? k->line : 0;
	return k ? k->value : d ? d->def : "";
}

int config_gateway(struct cd_gateway_settings *out, struct cd_error *err)
{
	int rc = config_load(err);

	const char *path;
	int line;

	memset(out, 0, sizeof *out);
	if (rc != CD_OK)
		return rc;
	if (gateway_from_system() && (rc = system_load(err)) != CD_OK)
		return rc;
	out->url = gateway_value("url", &path, &line);
	out->client_cert = gateway_value("client_cert", &path, &line);
	out->client_key = gateway_value("client_key", &path, &line);
	out->ca_file = gateway_value("ca_file", &path, &line);
	out->token_file = gateway_value("token_file", &path, &line);
	out->connect_timeout_s = strtol(gateway_value("connect_timeout", &path, &line), NULL, 10);
	out->total_timeout_s = strtol(gateway_value("total_timeout", &path, &line), NULL, 10);
	out->max_reply_kb = strtol(gateway_value("max_reply_kb", &path, &line), NULL, 10);
	out->parallel = (int)strtol(gateway_value("parallel", &path, &line), NULL, 10);
	out->from = path;
	out->user_section_ignored = privilege_setgid() && cfg.file_exists && ini_section(&cfg.ini, "gateway");
	return CD_OK;
}
