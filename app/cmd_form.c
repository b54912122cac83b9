/*
 * cmd_form.c - `form`: filled forms as PDF from the templates in data/forms/ (print/form.h),
 * one case or a batch into one file, with a DRAFT watermark for previews; and the
 * template lint.  Reading the person and the case for a form is audited as "print".
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/store/cases.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/ini.h"
#include "model/base/json.h"
#include "model/store/person.h"
#include "print/case_form.h"
#include "print/form.h"
#include "app/cli.h"

#define FORM_USAGE "form CASE FORMID -o FILE.pdf [--force] [--preview] [--lang LL] | form --batch FORMID -o FILE.pdf [--force] CASE... | form lint FILE... | form list"

/* Placeholders every template may use besides field.ID (the fields of the workflows). */
static const char *const fixed_names[] = {
	"person.number", "person.surname", "person.given", "person.surname_latin", "person.given_latin",
	"person.sex", "person.dob", "person.nationality", "person.nationality_name", "person.birth_place",
	"person.document_number", "person.document_issuer", "person.document_expires",
	"case.number", "case.workflow", "case.workflow_title", "case.state", "case.state_title", "case.opened",
	"case.assignee", "case.due", "card.number",
	"office.code", "office.name", "office.address", "office.phone", "office.state",
	"office.employment_service", "office.employment_service_address",
	"today", "form.id", "form.title", "user.name",
	/* A decision letter's (print/case_form.c): from the decision's event, the office's
	 * appeal settings, the person's address, and whether this print is a reprint. */
	"decision.date", "decision.by_name", "decision.by_role", "decision.legal_basis", "decision.state_title",
	"appeal.court", "appeal.court_address", "appeal.limit", "appeal.limit_words",
	"person.address", "print.copy", "print.date",
};

static int print_cmd(struct cli *c)
{
	const char *out = cli_take(c, "-o");
	const char *lang_opt = cli_take(c, "--lang");
	const char *batch = cli_take(c, "--batch");
	int draft = cli_flag(c, "--preview");
	unsigned out_flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;
	const char *form_id;
	int n_cases, rc;

	if (!out && !c->err.code)
		out = cli_take(c, "--output");
	if ((rc = cli_positional(c, batch ? 1 : 2, batch ? 100000 : 2, FORM_USAGE)))
		return rc;
	if (!out)
		return cd_error_set(&c->err, CD_EUSAGE, _("form: give the PDF to write with -o FILE.pdf"));
	form_id = batch ? batch : c->argv[2];
	n_cases = batch ? c->argc - 1 : 1;
	if ((rc = case_form_check_id(form_id, &c->err)) || (rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	/* {case.workflow_title}, {case.state_title} and {person.nationality_name} in the form's language. */
	char lang[8];
	case_form_lang(lang_opt, lang);
	cli_display_lang(c, lang);
	int pages = 0;
	if ((rc = case_form_print_pages(c->store, c->reg, &c->actor, form_id, lang_opt, (const char *const *)&c->argv[1],
					(size_t)n_cases, draft, out, out_flags, &pages, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "file", out);
		json_kv_string(&w, "form", form_id);
		json_kv_int(&w, "cases", n_cases);
		json_kv_int(&w, "pages", pages);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	/* The path is the user's words: shown, never executed by the terminal (out_safe). */
	/* Letters and pages both: a 3-page letter is "1 letter, 3 pages", not "1 page". */
	char said[4400], letters[64], sheets[64];
	snprintf(letters, sizeof letters, ngettext("%d letter", "%d letters", (unsigned long)n_cases), n_cases);
	snprintf(sheets, sizeof sheets, ngettext("%d page", "%d pages", (unsigned long)pages), pages);
	/* TRANSLATORS: the file, "2 letters", "3 pages", the form id */
	snprintf(said, sizeof said, _("%s: %s, %s of %s\n"), out, letters, sheets, form_id);
	out_safe_lines(stdout, said);
	return CD_OK;
}

/* The names a template may use: the fixed ones and field.ID of every workflow. */
static int known_names(struct cli *c, char ***out, size_t *n)
{
	size_t cap = sizeof fixed_names / sizeof fixed_names[0], count = 0;
	int rc;
	/* A store's installed workflows when there is one; else the package's files (lint
	 * checks a template, it applies no rules). */
	if (c->store_path && *c->store_path)
		rc = cli_load_workflows(c);
	else
		rc = cli_load_workflow_files(c);
	if (rc)
		return rc;
	for (size_t i = 0; i < registry_count(c->reg); i++)
		cap += registry_at(c->reg, i)->n_fields;
	char **names = calloc(cap, sizeof *names);
	if (!names)
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
		names[count++] = strdup(fixed_names[i]);
	for (size_t i = 0; i < registry_count(c->reg); i++) {
		const struct workflow *wf = registry_at(c->reg, i);
		for (size_t f = 0; f < wf->n_fields; f++) {
			struct cd_buf b = CD_BUF_INIT;
			buf_printf(&b, "field.%s", wf->fields[f].id);
			names[count++] = buf_detach(&b);
		}
	}
	*out = names;
	*n = count;
	return CD_OK;
}

static int lint_cmd(struct cli *c)
{
	char **names = NULL;
	size_t n = 0;
	int problems = 0, rc;

	if ((rc = cli_positional(c, 1, 10000, "form lint FILE...")) || (rc = known_names(c, &names, &n)))
		return rc;
	for (int i = 1; i < c->argc; i++) {
		struct cli_report r;
		problems += form_lint_file(c->argv[i], (const char *const *)names, n, cli_report_open(&r));
		cli_report_flush(&r, stderr);   /* the lines quote the file: shown, never executed */
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (problems)
		return cd_error_set(&c->err, CD_EINPUT, ngettext("%d problem found", "%d problems found", (unsigned long)problems), problems);
	printf(ngettext("%d file clean\n", "%d files clean\n", (unsigned long)(c->argc - 1)), c->argc - 1);
	return CD_OK;
}

static int list_cmd(struct cli *c)
{
	struct wf_known known;
	char path[4096];
	int rc;
	if ((rc = cli_positional(c, 0, 0, "form list")))
		return rc;
	snprintf(path, sizeof path, "%s/forms/index.ini", cd_data_dir());
	if ((rc = wf_known_load(path, &known, &c->err)))
		return rc;
	/* Each form's title in the language of the messages (title[uk] in the index), the id to print it by. */
	struct ini index = INI_INIT;
	char lang[8];
	case_form_lang(NULL, lang);
	int have_index = ini_load(&index, path, NULL, NULL, NULL) == CD_OK;
	for (size_t i = 0; i < known.n_forms; i++) {
		char tpl[4096], sec[96];
		snprintf(tpl, sizeof tpl, "%s/forms/%s.ini", cd_data_dir(), known.forms[i]);
		snprintf(sec, sizeof sec, "form.%s", known.forms[i]);
		const struct ini_key *title = have_index ? ini_get_lang(&index, sec, "title", lang) : NULL;
		FILE *f = fopen(tpl, "r");
		out_safef(stdout, "%-36s %s%s", known.forms[i], title ? title->value : "", f ? "" : _(" (no template)"));
		fputc('\n', stdout);
		if (f)
			fclose(f);
	}
	ini_release(&index);
	wf_known_release(&known);
	return CD_OK;
}

int cmd_form(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	int lint = strcmp(sub, "lint") == 0, list = strcmp(sub, "list") == 0;
	if (!lint && !list)
		return print_cmd(c);
	c->argv++;
	c->argc--;
	return lint ? lint_cmd(c) : list_cmd(c);
}
