/*
 * cmd_complete.c - `casedesk complete WHAT [PREFIX]`: the words bash completion
 * (data/completion/casedesk) cannot know by itself, one a line, those starting with PREFIX:
 *
 *   workflows  the workflow ids installed in the store (--store / CASEDESK_STORE), else the
 *              ids of the package's data/workflows files
 *   forms      the form ids of data/forms/index.ini
 *   reports    the statistics `casedesk report` writes
 *   cases      case numbers in the store that the acting user may open
 *
 * Commands, subcommands and options are the completion script's own (a test checks them
 * against app/main.c's table).  Completion must never stand in the user's way: nothing is
 * asked at the terminal (a field kit, whose users prove themselves by passphrase, completes
 * no case numbers), and a refusal is said on stderr, which the script discards.
 *
 * Case numbers and need-to-know: only numbers of the acting user's workflows are offered,
 * so completion shows no more than `case list --all` would, and never that a case exists in
 * another unit.  Not audited: a case number names no person and carries nothing of the case
 * (no name, field or state); what the user then opens is audited as ever.  An audit row per
 * Tab press would bury the trail without telling a subject anything about their data.
 * Fast on a million cases: one bounded range scan of the number index (case_number_complete).
 */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "model/base/i18n.h"
#include "model/identity/countries.h"
#include "model/store/cases.h"
#include "model/store/passphrase.h"
#include "print/report.h"
#include "workflow/casework.h"
#include "workflow/workflow.h"

/* How many case numbers one Tab offers: more than a screen is no help in choosing. */
#define COMPLETE_CASES_MAX 200

static void offer(const char *prefix, const char *word)
{
	if (word && strncmp(word, prefix, strlen(prefix)) == 0) {
		out_safe(stdout, word);
		fputc('\n', stdout);
	}
}

static void offer_case(void *ctx, const char *number)
{
	(void)ctx;
	out_safe(stdout, number);
	fputc('\n', stdout);
}

static int complete_workflows(struct cli *c, const char *prefix)
{
	int rc = c->store_path && *c->store_path ? cli_load_workflows(c) : cli_load_workflow_files(c);

	for (size_t i = 0; rc == CD_OK && i < registry_count(c->reg); i++) {
		const struct workflow *wf = registry_at(c->reg, i);
		/* One line per id, whichever versions the store keeps. */
		if (registry_current(c->reg, wf->id) == wf)
			offer(prefix, wf->id);
	}
	return rc;
}

static int complete_forms(struct cli *c, const char *prefix)
{
	struct wf_known known;
	char path[4096];
	int rc;

	snprintf(path, sizeof path, "%s/forms/index.ini", cd_data_dir());
	if ((rc = wf_known_load(path, &known, &c->err)))
		return rc;
	for (size_t i = 0; i < known.n_forms; i++)
		offer(prefix, known.forms[i]);
	wf_known_release(&known);
	return CD_OK;
}

static int complete_cases(struct cli *c, const char *prefix)
{
	int rc, kit = 0;

	if ((rc = cli_open_store(c)) || (rc = kit_store_is(c->store, &kit, &c->err)))
		return rc;
	if (kit)
		return CD_OK;   /* who acts is proved by a passphrase; completion asks for none */
	if ((rc = cli_open_acting(c)))
		return rc;
	return case_number_complete(c->store, &c->actor, prefix, COMPLETE_CASES_MAX, offer_case, NULL, &c->err);
}

int cmd_complete(struct cli *c)
{
	static const char usage[] = "complete workflows|forms|reports|cases [PREFIX]";
	const char *what, *prefix;
	int rc;

	if ((rc = cli_positional(c, 1, 2, usage)))
		return rc;
	what = c->argv[1];
	prefix = c->argc > 2 ? c->argv[2] : "";
	if (strcmp(what, "workflows") == 0)
		return complete_workflows(c, prefix);
	if (strcmp(what, "forms") == 0)
		return complete_forms(c, prefix);
	if (strcmp(what, "cases") == 0)
		return complete_cases(c, prefix);
	if (strcmp(what, "reports") == 0) {
		for (size_t i = 0; i < n_report_defs; i++)
			offer(prefix, report_defs[i].name);
		return CD_OK;
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
}
