/*
 * cli.h - what every command of the command line shares: the parsed global options, the
 * open store, who acts, the workflows, and the argument helpers.  One command is one
 * function in a table (app/main.c); it prints its result and returns an exit code.
 */
#ifndef CD_CLI_H
#define CD_CLI_H

#include <stdio.h>

#include "model/base/error.h"
#include "model/store/store.h"
#include "workflow/casework.h"

struct cli {
	const char *store_path;
	const char *user;              /* --user / CASEDESK_USER */
	const char *purpose;           /* --purpose: why personal data is read (audited) */
	int purpose_given;             /* --purpose was on the command line (not the default) */
	int passphrase_fd;             /* --passphrase-fd N: field kits read passphrases there, one a line; -1: the terminal */
	int creating;                  /* init: the store was just made; its first admin is set up, not asked for */
	int json;
	int json_written;               /* the command printed its own JSON, errors included */
	int argc;                      /* the command's own words, after global options */
	char **argv;
	struct cd_store *store;
	struct cd_actor actor;
	struct wf_registry *reg;
	struct cd_error err;
};

/* Opens the store named by --store / CASEDESK_STORE. */
int cli_open_store(struct cli *c);
/* Opens the store and resolves who acts. */
int cli_open_acting(struct cli *c);
/*
 * Reads a secret (a field kit's passphrase): the next line of --passphrase-fd, or typed at
 * the terminal (/dev/tty) after `prompt` without echo.  Never from an argument or the
 * environment, which other processes can read.  Wipe it (explicit_bzero) after use.
 */
int cli_read_secret(struct cli *c, const char *prompt, char *buf, size_t size);
/* Opens the store and reads the workflow versions installed in it. */
int cli_load_workflows(struct cli *c);
/* The package's data/workflows files, for checks that apply no rules (form lint without a store). */
int cli_load_workflow_files(struct cli *c);
/* Installs data/workflows into a store just made (`init`, `demo`), as its first admin. */
int cli_install_shipped(struct cli *c);
/*
 * Titles of workflows and states, and country names, in `lang` ("ru"; "en": as written):
 * what forms and screens print.  cli_load_workflows sets the language of the messages;
 * `form --lang` sets its own.
 */
void cli_display_lang(struct cli *c, const char *lang);

/*
 * Takes "--name VALUE" (or "--name=VALUE") out of the command's words; NULL when absent.
 * A flag without its value is a usage error recorded in c->err.
 */
const char *cli_take(struct cli *c, const char *name);
/* Takes a boolean "--name"; 1 when present. */
int cli_flag(struct cli *c, const char *name);
/* After the options are taken: the remaining positional words; unknown --options are errors. */
int cli_positional(struct cli *c, int min, int max, const char *usage);

/* Writes text from the store: control characters and bad UTF-8 shown as \xNN, never executed. */
void out_safe(FILE *f, const char *text);
/*
 * printf, then out_safe on the result: for lines made of texts from the store or an
 * installed workflow (titles, labels, states, names).  A newline ending `fmt` is written
 * as one; any other is shown as \x0a.
 */
void out_safef(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* out_safe, keeping the text's newlines: a report of several lines. */
void out_safe_lines(FILE *f, const char *text);
/*
 * A report (lint) whose lines quote files: collected, then written with out_safe_lines,
 * so a value holding ESC in a file being checked is shown, not executed.
 */
struct cli_report {
	FILE *f;
	char *text;
	size_t len;
};
FILE *cli_report_open(struct cli_report *r);   /* stderr when memory runs out */
void cli_report_flush(struct cli_report *r, FILE *to);
/* out_safe padded to `width` columns (wide and combining characters counted). */
void out_safe_pad(FILE *f, const char *text, int width);

/* Commands. */
int cmd_init(struct cli *c);
int cmd_demo(struct cli *c);
int cmd_user(struct cli *c);
int cmd_person(struct cli *c);
int cmd_document(struct cli *c);
int cmd_family(struct cli *c);
int cmd_search(struct cli *c);
int cmd_case(struct cli *c);
/* app/cmd_check.c: a case's checks against other registers. */
int cmd_check(struct cli *c);
int cmd_workflow(struct cli *c);
int cmd_store(struct cli *c);
/* app/cmd_store.c: the office's settings (letterhead, appeal court). */
int cmd_office(struct cli *c);
int cmd_config(struct cli *c);
int cmd_audit(struct cli *c);
int cmd_tui(struct cli *c);
int cmd_mrz(struct cli *c);
int cmd_enrol(struct cli *c);
int cmd_form(struct cli *c);
int cmd_report(struct cli *c);
/* app/cmd_audit_show.c: `audit show` (who read a person's data). */
int cmd_audit_show(struct cli *c);
int cmd_retention(struct cli *c);
/* app/cmd_lists.c: the lost/stolen list. */
int cmd_lostdocs(struct cli *c);
/* app/cmd_review.c: possible duplicates arrived from other offices (supervisors). */
int cmd_review(struct cli *c);
/* app/cmd_conflict.c: the conflict queue sync leaves (supervisors). */
int cmd_conflict(struct cli *c);
/* app/cmd_ops.c: the op log (admin). */
int cmd_ops(struct cli *c);
/* app/cmd_kit.c: field kits' leased numbers; cli_kit_warn says on stderr when a kit's run low. */
int cmd_kit(struct cli *c);
void cli_kit_warn(struct cli *c);
/* app/cmd_sync.c: this store's ops to the national tier. */
int cmd_sync(struct cli *c);
/* app/cmd_national.c: the national tier (init, status, use). */
int cmd_national(struct cli *c);
/*
 * Connects to the national tier named by `db` (--db), else $CASEDESK_NATIONAL_DB (not when
 * setgid), else the store's setting when a store is given.
 */
struct cd_national;
int cli_national_open(struct cli *c, const char *db, struct cd_national **out);
/* app/cmd_bundle.c: bundles carried by hand (admin). */
int cmd_bundle(struct cli *c);

/*
 * --json output goes through the one writer (model/base/json.h).  cli_json_print prints a
 * finished document and a new line on stdout, or fills c->err (CD_EINTERNAL) and prints
 * nothing when the writer was misused or its buffer overflowed.
 */
struct json_writer;
int cli_json_print(struct cli *c, const struct json_writer *w);
/* The {"error":{"code","kind","message"}} object printed for a command failing under --json. */
void cli_json_error(const struct cli *c, int rc);

/*
 * app/cmd_audit.c: `store check`'s part of `audit verify` (no escrow): prints warnings and
 * failures to f, counts the warnings; CD_ETAMPERED when the trail was tampered with.
 */
int cli_audit_check(struct cli *c, FILE *f, int *warnings);
/* What `init` and `demo` say about the escrowed first seal key. */
void cli_escrow_notice(const char *escrow);

/* Formats a day number for people: "2026-12-01". */
void cli_day(long day, char *buf, size_t size);

#endif
