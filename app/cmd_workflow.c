/*
 * cmd_workflow.c - `workflow list|lint|dot|install`: the case types an office runs, as
 * data.  list and dot show what the store has installed; install (admin) adds versions.
 */
#include <stdio.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "app/cli.h"

static int list_cmd(struct cli *c)
{
	int rc;
	if ((rc = cli_positional(c, 0, 0, "workflow list")) || (rc = cli_load_workflows(c)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < registry_count(c->reg); i++) {
			const struct workflow *wf = registry_at(c->reg, i);
			json_object(&w);
			json_kv_string(&w, "id", wf->id);
			json_kv_int(&w, "version", wf->version);
			json_kv_string(&w, "prefix", wf->prefix);
			json_kv_string(&w, "title", wf->title);
			json_kv_int(&w, "states", (long long)wf->n_states);
			json_kv_int(&w, "transitions", (long long)wf->n_transitions);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	/* Titles come from the store: written safe, never executed by the terminal. */
	for (size_t i = 0; i < registry_count(c->reg); i++) {
		const struct workflow *wf = registry_at(c->reg, i);
		out_safe_pad(stdout, wf->id, 10);
		printf(" v%-3d ", wf->version);
		out_safe_pad(stdout, wf->prefix, 4);
		fputc(' ', stdout);
		out_safe_pad(stdout, wf->title, 40);
		printf(" %zu states, %zu transitions\n", wf->n_states, wf->n_transitions);
	}
	buf_release(&b);
	return CD_OK;
}

/* The forms lint knows: data/forms/index.ini (forms are printed from the package's files). */
static int known_forms(struct wf_known *known)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/forms/index.ini", cd_data_dir());
	return wf_known_load(path, known, NULL) == CD_OK;
}

static int lint_cmd(struct cli *c)
{
	struct wf_known known;
	int have_known, problems = 0, warnings = 0, rc;

	if ((rc = cli_positional(c, 1, 1000, "workflow lint FILE...")))
		return rc;
	have_known = known_forms(&known);
	for (int i = 1; i < c->argc; i++) {
		struct cli_report r;
		int w = 0;
		problems += wf_lint_file(c->argv[i], have_known ? &known : NULL, cli_report_open(&r), &w);
		cli_report_flush(&r, stderr);
		warnings += w;
	}
	if (have_known)
		wf_known_release(&known);
	if (problems)
		return cd_error_set(&c->err, CD_EINPUT, ngettext("%d problem found", "%d problems found", (unsigned long)problems), problems);
	printf(ngettext("%d file clean\n", "%d files clean\n", (unsigned long)(c->argc - 1)), c->argc - 1);
	if (warnings)
		printf(ngettext("%d warning (see above)\n", "%d warnings (see above)\n", (unsigned long)warnings),
		       warnings);
	return CD_OK;
}

/*
 * `workflow install FILE...`: the only way new rules reach a store.  Each file is linted
 * and installed as its own audited event; the first refusal stops (earlier files stay
 * installed, and say so).
 */
static int install_cmd(struct cli *c)
{
	struct wf_known known;
	int have_known, rc;

	if ((rc = cli_positional(c, 1, 1000, "workflow install FILE...")) || (rc = cli_open_acting(c)))
		return rc;
	have_known = known_forms(&known);
	for (int i = 1; i < c->argc && rc == CD_OK; i++) {
		enum registry_installed done;
		struct cli_report r;
		rc = registry_install(c->store, &c->actor, c->argv[i], have_known ? &known : NULL,
				      cli_report_open(&r), &done, &c->err);
		cli_report_flush(&r, stderr);
		if (rc)
			break;
		if (done == REGISTRY_INSTALLED)
			printf(_("%s: installed\n"), c->argv[i]);
		else if (done == REGISTRY_TRANSLATED)
			printf(_("%s: translations updated (same version, same rules)\n"), c->argv[i]);
		else
			printf(_("%s: installed already\n"), c->argv[i]);
	}
	if (have_known)
		wf_known_release(&known);
	return rc;
}

static int dot_cmd(struct cli *c)
{
	int rc;
	if ((rc = cli_positional(c, 1, 1, "workflow dot ID")) || (rc = cli_load_workflows(c)))
		return rc;
	const struct workflow *wf = registry_current(c->reg, c->argv[1]);
	if (!wf)
		return cd_error_set(&c->err, CD_ENOTFOUND, _("no workflow %s; `casedesk workflow list` shows them"),
				    c->argv[1]);
	wf_write_dot(wf, stdout);
	return CD_OK;
}

int cmd_workflow(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	c->argv++;
	c->argc--;
	if (strcmp(sub, "list") == 0)
		return list_cmd(c);
	if (strcmp(sub, "lint") == 0)
		return lint_cmd(c);
	if (strcmp(sub, "dot") == 0)
		return dot_cmd(c);
	if (strcmp(sub, "install") == 0)
		return install_cmd(c);
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk workflow list | lint FILE... | dot ID | install FILE..."));
}
