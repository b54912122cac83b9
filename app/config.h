/*
 * config.h - the user's settings file: CASEDESK_CONFIG, else
 * $XDG_CONFIG_HOME/casedesk/casedesk.ini, else ~/.config/casedesk/casedesk.ini.
 *   [ui]   language = uk        ; overrides LANG / LANGUAGE for casedesk only
 *   [keys] search = / F3        ; see `?` in the TUI for the action names
 *   [duplicates] warn = 60      ; registration shows candidates scoring this or more
 *                block = 90     ; and refuses (unless forced) at this or more
 *   [retention] asylum = 8y     ; keeps a workflow's cases less long than its [retention]
 *
 * Every setting is one row of a table in config.c (section, key, type, default, help), in
 * the manner of NeoMutt's ConfigDef.  The file is read once, through model/base/ini; an
 * unknown section or key, or a value of the wrong type, is CD_EINPUT naming FILE:LINE.
 */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "model/store/dupes.h"
#include "model/base/error.h"

void config_path(char *buf, size_t size);

/*
 * Reads and checks the settings file, once per process (later calls answer from the
 * first).  A missing file is fine: every setting keeps its default.  [keys] bindings are
 * handed to the terminal interface's keymap here.
 */
int config_load(struct cd_error *err);

/*
 * Applies [ui] language before anything is translated: sets LANGUAGE for this process.
 * Loads the file first (config_load), so this is where a broken file is first refused.
 */
int config_apply_language(struct cd_error *err);

/*
 * The duplicate thresholds: [duplicates] warn and block, 1-100 with warn <= block; the
 * model's defaults when the file or the keys are missing.  CD_EINPUT naming FILE:LINE.
 */
int config_duplicates(struct cd_dupe_thresholds *t, struct cd_error *err);

/*
 * Writes every setting in force, one a line, with where it came from (default, FILE:LINE,
 * environment) and its help text: `casedesk config`.
 */
int config_print(FILE *out, struct cd_error *err);

/*
 * The office's own retention periods, [retention] WORKFLOW = PERIOD (10y, 36m): calls
 * fn with each, and `where` as FILE:LINE; stops at the first non-zero return.  Whether
 * a period only shortens the workflow's is for the caller, who has the workflows.
 */
int config_retention_each(int (*fn)(void *ctx, const char *workflow_id, const char *period, const char *where),
			  void *ctx, struct cd_error *err);
/*
 * setlocale(LC_ALL, "") with a fallback: a category whose locale the machine lacks gets
 * C.UTF-8 (so multibyte keys are read and drawn), and messages keep the language asked
 * for (LANGUAGE, when nobody set it).  Call once at start, after config_apply_language.
 */
void config_locale_start(void);
/* The locale name that was asked for and is missing, or NULL when all was set as asked. */
const char *config_locale_missing(void);
/* What to tell the user about it (translated): which locale, and how to add it. */
void config_locale_notice(char *buf, size_t size);
/*
 * casedesk.ini(5) in roff, from the settings table (`casedesk config --man`): the Makefile
 * writes build/man/casedesk.ini.5 with it.  CD_EINTERNAL when writing failed.
 */
int config_man(FILE *out);
/* [ui] lock_minutes: idle minutes before the TUI locks (0: never, but see screens/ui.h for
 * field kits); the default when the file is broken or silent. */
double config_lock_minutes(void);

/*
 * [gateway]: where and how `casedesk check run` asks the country's check gateway (strings
 * borrowed from the settings file, "" when not set; numbers checked against their ranges
 * when the file was read).  The file is root's /etc/casedesk/casedesk.ini whenever casedesk
 * runs setgid (a real store on a server: a user's own file is not asked), and otherwise the
 * user's file when it has a [gateway] section, else root's.  Root's file must belong to
 * root and be writable by root alone (CD_EREFUSED otherwise, saying how to mend it).
 */
struct cd_gateway_settings {
	const char *url, *client_cert, *client_key, *ca_file, *token_file;
	long connect_timeout_s, total_timeout_s, max_reply_kb;
	int parallel;
	const char *from;           /* the file the values come from (for messages) */
	int user_section_ignored;   /* setgid, and the user's own file has a [gateway] not used */
};
int config_gateway(struct cd_gateway_settings *out, struct cd_error *err);

#endif
