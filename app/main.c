/*
 * main.c - casedesk's entry point: global options, locale, and the command table.
 * A command is looked up by its first word; everything after the global options is its own.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "app/cli.h"
#include "app/config.h"
#include "model/store/review.h"

#ifndef CD_LOCALEDIR
#define CD_LOCALEDIR "/usr/share/locale"
#endif

struct command {
	const char *name;
	int (*run)(struct cli *c);
	const char *summary;
};

/* app/cmd_version.c, app/cmd_complete.c (issue 17): declared here, beside their table rows. */
int cmd_version(struct cli *c);
int cmd_complete(struct cli *c);

static const struct command commands[] = {
	{ "tui", cmd_tui, N_("tui                                     the terminal interface (also: no command)") },
	{ "init", cmd_init, N_("init --office CODE [--training | --kit]   a new empty store; never overwrites") },
	{ "demo", cmd_demo, N_("demo --persons N [--seed S] [--office CODE]   a training store with synthetic people and cases") },
	{ "user", cmd_user, N_("user add NAME --role ROLE... [--os-account A] | user set NAME --role ROLE... | user disable|enable NAME | user list") },
	{ "office", cmd_office, N_("office show [--json] | office set KEY VALUE   the office's letterhead, appeal court and time limit (admin)") },
	{ "person", cmd_person, N_("person add --surname S --given G --dob YYYY[-MM[-DD]] --sex M|F|X --nationality AAA | person show ID | person correct ID --field F --value V --reason TEXT | person address ID --line L | person merge SURVIVOR DUPLICATE --reason TEXT | person unmerge DUPLICATE | person export ID -o FILE [--format json|pdf] [--force]") },
	{ "document", cmd_document, N_("document add PERSON --number N --issuer AAA [--kind K] [--issued D] [--expires D] [--force [--reason T]] | document expire PERSON NUMBER [--on D] --reason TEXT") },
	{ "lostdocs", cmd_lostdocs, N_("lostdocs import FILE.csv [--source S] | check NUMBER [--issuer AAA] | stats   the lost/stolen documents list") },
	{ "family", cmd_family, N_("family link PERSON RELATIVE --relation spouse|child|parent|sibling") },
	{ "search", cmd_search, N_("search QUERY [--limit N]                names in any script; document, person and case numbers, or their last digits") },
	{ "case", cmd_case, N_("case new WORKFLOW --person ID | show N | history N | list [...] | move N TRANSITION [--set F=V]... | assign N USER|--me|--none") },
	{ "check", cmd_check, N_("check record N --list L --result clear|hit [--note T] | clear N --list L --reason T | list N | run [--watch] [--all] [--limit N] [--parallel N] | hits | requeue N --list L   a case's checks; run asks the queued ones of the check gateway") },
	{ "enrol", cmd_enrol, N_("enrol PERSON [--fingers all|F,...] [--face FILE] [--exception F=REASON]... | enrol verify PERSON --finger F | enrol search --finger F | enrol duplicates [PERSON]") },
	{ "mrz", cmd_mrz, N_("mrz parse [--json] < LINES | mrz make PERSON [--format F]   check a machine-readable zone, or write one from a document on file") },
	{ "form", cmd_form, N_("form CASE FORMID -o FILE.pdf [--force] [--preview] [--lang LL] | form --batch FORMID -o FILE.pdf [--force] CASE... | form lint FILE... | form list") },
	{ "report", cmd_report, N_("report NAME --from YYYY-MM-DD --to YYYY-MM-DD --format xlsx|csv -o FILE [--force]   statistics: asylum-applicants, asylum-decisions, first-permits, workload") },
	{ "workflow", cmd_workflow, N_("workflow list | lint FILE... | dot ID") },
	{ "audit", cmd_audit, N_("audit verify [--escrow FILE] | show --person ID | seal | init | policy [--rows N] [--minutes M]   prove the audit trail whole; who read a person's data") },
	{ "retention", cmd_retention, N_("retention plan [--until YYYY-MM-DD] [--json] | retention run   what retention makes due, and the purge (admin)") },
	{ "ops", cmd_ops, N_("ops list [--unsent] [--json] | ops show UUID --purpose TEXT   the op log sync sends (admin)") },
	{ "kit", cmd_kit, N_("kit new FILE --office CODE --block N [--name K07] [--year YYYY] | kit topup --kit KITFILE --block N [--year YYYY] | kit return [--office-store FILE] | kit status   field kits' leased numbers") },
	{ "review", cmd_review, N_("review list [--all] [--json] | show ID | dismiss ID --reason TEXT | merge ID --reason TEXT [--keep-arrived]   possible duplicates arrived from other offices (supervisor)") },
	{ "conflict", cmd_conflict, N_("conflict list [--all] [--json] | show ID | resolve ID --keep ours|theirs | --value V --reason TEXT   the conflict queue sync leaves (supervisor)") },
	{ "bundle", cmd_bundle, N_("bundle key | trust --origin UUID --office CODE --key KEY | export -o FILE [--force] | import FILE [-o ACKFILE] | ack FILE   ops carried by hand (admin)") },
	{ "store", cmd_store, N_("store check                             integrity and case/history agreement") },
	{ "national", cmd_national, N_("national init [--db CONNINFO] | status [--db CONNINFO] | use [--db CONNINFO | --none]   the national tier (PostgreSQL)") },
	{ "sync", cmd_sync, N_("sync [--db CONNINFO] [--batch N] [--progress]   send this store's ops to the national tier") },
	{ "config", cmd_config, N_("config                                  the settings in force and where each came from") },
	{ "version", cmd_version, N_("version | --version                     the program's version, the schemas it speaks, its libraries' versions") },
	{ "complete", cmd_complete, N_("complete workflows|forms|reports|cases [PREFIX]   words for shell completion, one a line") },
};

static void usage(FILE *f)
{
	fprintf(f, "%s", _("usage: casedesk [--store FILE] [--user NAME] [--json] [--purpose TEXT] COMMAND ...\n\n"));
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  casedesk %s\n", _(commands[i].summary));
	fprintf(f, "%s", _("\nThe store is --store FILE or $CASEDESK_STORE.  On a training store (made by demo or\n"
			   "init --training) --user or $CASEDESK_USER says who acts; on a real store you act\n"
			   "as your login account.\n\n"
			   "Exit codes: 0 done, 1 internal error, 2 usage error, 3 not found, 4 refused by the\n"
			   "workflow or the rules (role, guard, state), 5 conflict (someone changed the record\n"
			   "first: reload and retry), 6 bad input, 7 store error, 8 the enrolment helper or its\n"
			   "device failed, 9 audit verify: warnings (rows not yet sealed), 10 audit verify: the trail\n"
			   "was tampered with.\n"));
	fprintf(f, "%s", _("11 check run: some checks are not answered; they wait in the queue.\n"));
	fprintf(f, "%s", _("\nOn a field kit (init --kit) --user or $CASEDESK_USER says who acts, and that user's\n"
			   "passphrase is asked at the terminal, or read from --passphrase-fd N (one a line).\n"));
}

/* Global options may stand anywhere; they are taken out before the command sees its words. */
static int take_globals(struct cli *c, int argc, char **argv)
{
	int out = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--json") == 0) {
			c->json = 1;
			continue;
		}
		if (strcmp(a, "--passphrase-fd") == 0 || strncmp(a, "--passphrase-fd=", 16) == 0) {
			/* A field kit's passphrases come from this descriptor (app/cli.c: cli_read_secret). */
			const char *v = a[15] == '=' ? a + 16 : i + 1 < argc ? argv[++i] : NULL;
			char *end;
			long fd = v ? strtol(v, &end, 10) : -1;
			if (!v || !*v || *end || fd < 0 || fd > 1023)
				return cd_error_set(&c->err, CD_EUSAGE, _("--passphrase-fd needs a file descriptor number"));
			c->passphrase_fd = (int)fd;
			continue;
		}
		if (strcmp(a, "--store") == 0 || strncmp(a, "--store=", 8) == 0)
			slot = &c->store_path;
		else if (strcmp(a, "--user") == 0 || strncmp(a, "--user=", 7) == 0)
			slot = &c->user;
		else if (strcmp(a, "--purpose") == 0 || strncmp(a, "--purpose=", 10) == 0)
			slot = &c->purpose;
		if (!slot) {
			argv[out++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');
		if (eq) {
			*slot = eq + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			return cd_error_set(&c->err, CD_EUSAGE, _("%s needs a value"), a);
		}
		c->purpose_given |= slot == &c->purpose;
	}
	c->argc = out;
	c->argv = argv;
	return CD_OK;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	int rc;

	/* Installed setgid (README, "An office server"): no core dumps, and the rules of
	 * model/base/privilege.h from here on, before anything reads the environment. */
	privilege_init();
	/* The settings file may choose the language: read it before the first translation. */
	struct cd_error lang_err = CD_ERROR_INIT;
	int lang_rc = config_apply_language(&lang_err);
	/* A locale the machine lacks: C.UTF-8 for characters, the language asked for in messages. */
	config_locale_start();
	/* Arrivals from other offices are queued for review at the desk's [duplicates] warn. */
	struct cd_dupe_thresholds dupe_th;
	if (lang_rc == CD_OK && config_duplicates(&dupe_th, &lang_err) == CD_OK)
		review_set_warn(dupe_th.warn);
	/* Numbers parse the same everywhere ("1.5" in any office); screens/fmt.c groups digits for display. */
	setlocale(LC_NUMERIC, "C");
	/* An absolute folder: given a relative one, gettext asks for the working directory on
	 * every message it translates (a system call per label drawn, about 1 ms a keystroke
	 * on the search screen); a folder that does not resolve is passed on as given. */
	const char *localedir = cd_env("CASEDESK_LOCALEDIR") ? cd_env("CASEDESK_LOCALEDIR") : CD_LOCALEDIR;
	char *resolved = localedir[0] != '/' ? realpath(localedir, NULL) : NULL;
	bindtextdomain("casedesk", resolved ? resolved : localedir);
	free(resolved);
	textdomain("casedesk");

	if (lang_rc) {
		/* Read again now that messages are translated: the refusal in the user's language. */
		struct cd_error again = CD_ERROR_INIT;
		if (config_apply_language(&again) != CD_OK)
			lang_err = again;
		c.err = lang_err;
		rc = lang_rc;
		goto done;
	}
	/* As good as --store and --user on the command line: the caller's own choice either way
	 * (a real store ignores the user name and takes the login account). */
	c.store_path = getenv("CASEDESK_STORE");
	c.user = getenv("CASEDESK_USER");
	c.purpose = "casework";
	c.passphrase_fd = -1;
	if ((rc = take_globals(&c, argc, argv)))
		goto done;
	if (c.argc == 0 && c.store_path && isatty(STDIN_FILENO)) {
		static char tui_word[] = "tui";
		static char *tui_argv[] = { tui_word, NULL };
		c.argv = tui_argv;
		c.argc = 1;
	}
	if (config_locale_missing() && !(c.argc > 0 && strcmp(c.argv[0], "tui") == 0)) {
		/* Once, on stderr; the terminal interface says it in its message line instead. */
		char notice[512];
		config_locale_notice(notice, sizeof notice);
		fputs("casedesk: ", stderr);
		out_safe(stderr, notice);
		fputc('\n', stderr);
	}
	if (c.argc == 0 || strcmp(c.argv[0], "--help") == 0 || strcmp(c.argv[0], "-h") == 0 ||
	    strcmp(c.argv[0], "help") == 0) {
		usage(c.argc == 0 ? stderr : stdout);
		return c.argc == 0 ? CD_EUSAGE : CD_OK;
	}
	if (strcmp(c.argv[0], "--version") == 0) {
		rc = cmd_version(&c);
		goto done;
	}
	rc = -1;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(c.argv[0], commands[i].name) == 0) {
			rc = commands[i].run(&c);
			/* A field kit running out of numbers says so after whatever it did. */
			if (rc == CD_OK)
				cli_kit_warn(&c);
			break;
		}
	if (rc < 0)
		rc = cd_error_set(&c.err, CD_EUSAGE, _("unknown command %s; `casedesk --help` lists them"),
				  c.argv[0]);
done:
	if (rc != CD_OK) {
		if (c.json && !c.json_written) {
			cli_json_error(&c, rc);
		}
		fputs("casedesk: ", stderr);
		out_safe(stderr, c.err.msg[0] ? c.err.msg : _("failed"));
		fputc('\n', stderr);
	}
	registry_free(c.reg);
	store_close(c.store);
	return rc;
}
