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

#include "../model/buf.h"
#include "../model/caldate.h"
#include "../model/cases.h"
#include "../model/countries.h"
#include "../model/i18n.h"
#include "../model/person.h"
#include "../print/form.h"
#include "cli.h"

#define FORM_USAGE "form CASE FORMID -o FILE.pdf [--preview] [--lang LL] | form --batch FORMID -o FILE.pdf CASE... | form lint FILE... | form list"

/* Placeholders every template may use besides field.ID (the fields of the workflows). */
static const char *const fixed_names[] = {
	"person.number", "person.surname", "person.given", "person.surname_latin", "person.given_latin",
	"person.sex", "person.dob", "person.nationality", "person.nationality_name", "person.birth_place",
	"person.document_number", "person.document_issuer", "person.document_expires",
	"case.number", "case.workflow", "case.workflow_title", "case.state", "case.state_title", "case.opened",
	"case.assignee", "case.due", "card.number",
	"office.code", "office.name", "office.address", "office.phone", "office.state",
	"today", "form.id", "form.title", "user.name",
};

/* The form language: --lang, else the language of the messages (ru_RU.UTF-8 -> ru), else en. */
static void form_lang(const char *given, char out[8])
{
	const char *l = given;
	if (!l || !*l)
		l = getenv("LANGUAGE");
	if (!l || !*l)
		l = setlocale(LC_MESSAGES, NULL);
	if (!l || !*l || strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0)
		l = "en";
	size_t n = strspn(l, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3)
		l = "en", n = 2;
	memcpy(out, l, n);
	out[n] = '\0';
}

static int valid_form_id(const char *id)
{
	size_t n = strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && n <= 64 && id[n] == '\0';
}

/* Field of the card or sticker number: prefix letter, year, sequence ("R26000017"). */
static void card_number(const char *case_number, char out[16])
{
	char prefix = case_number[0];
	const char *year = strchr(case_number, '-') ? strchr(strchr(case_number, '-') + 1, '-') : NULL;
	const char *seq = strrchr(case_number, '-');
	if (!year || !seq || strlen(year) < 5 || strlen(seq) < 7) {
		snprintf(out, 16, "%s", "");
		return;
	}
	snprintf(out, 16, "%c%.2s%.6s", prefix, year + 3, seq + strlen(seq) - 6);
}

static int set_vars(struct cli *c, const struct cd_case *k, const struct cd_person_record *pr, const struct form_tpl *t,
		    const char *lang, struct ph_vars *v)
{
	const struct workflow *wf = NULL;
	const struct cd_person *p = &pr->person;
	char day[16], card[16];
	int rc = 0;

	if ((rc = registry_for_case(c->reg, c->store, k->workflow_id, k->workflow_version, &wf, &c->err)))
		return rc;
	rc |= ph_set(v, "person.number", p->number);
	rc |= ph_set(v, "person.surname", p->surname);
	rc |= ph_set(v, "person.given", p->given);
	rc |= ph_set(v, "person.surname_latin", p->surname_latin);
	rc |= ph_set(v, "person.given_latin", p->given_latin);
	rc |= ph_set(v, "person.sex", p->sex);
	rc |= ph_set(v, "person.dob", p->dob);
	rc |= ph_set(v, "person.nationality", p->nationality);
	rc |= ph_set(v, "person.nationality_name", country_name(p->nationality) ? country_name(p->nationality) : p->nationality);
	rc |= ph_set(v, "person.birth_place", p->birth_place);
	/* The identity document: the last passport on file, else the last document of any kind. */
	const struct cd_document *doc = NULL;
	for (size_t i = 0; i < pr->n_documents; i++)
		if (!doc || strcmp(pr->documents[i].kind, "passport") == 0 || strcmp(doc->kind, "passport") != 0)
			doc = &pr->documents[i];
	rc |= ph_set(v, "person.document_number", doc ? doc->number : "");
	rc |= ph_set(v, "person.document_issuer", doc ? doc->issuer : "");
	rc |= ph_set(v, "person.document_expires", doc ? doc->expires : "");
	rc |= ph_set(v, "case.number", k->number);
	rc |= ph_set(v, "case.workflow", k->workflow_id);
	rc |= ph_set(v, "case.workflow_title", wf->title);
	rc |= ph_set(v, "case.state", k->state);
	const struct wf_state *st = wf_find_state(wf, k->state);
	rc |= ph_set(v, "case.state_title", st ? st->title : k->state);
	snprintf(day, sizeof day, "%.10s", k->opened_at ? k->opened_at : "");
	rc |= ph_set(v, "case.opened", day);
	rc |= ph_set(v, "case.assignee", k->assignee);
	day[0] = '\0';
	if (k->due_day >= 0)
		cli_day(k->due_day, day, sizeof day);
	rc |= ph_set(v, "case.due", day);
	card_number(k->number, card);
	rc |= ph_set(v, "card.number", card);
	/* Every field the workflow knows, empty when unset, so a template prints a blank, not an error. */
	for (size_t i = 0; i < wf->n_fields; i++) {
		char name[96];
		snprintf(name, sizeof name, "field.%s", wf->fields[i].id);
		rc |= ph_set(v, name, case_field(k, wf->fields[i].id));
	}
	rc |= ph_set(v, "office.code", store_office(c->store));
	cli_day(store_today(c->store), day, sizeof day);
	rc |= ph_set(v, "today", day);
	rc |= ph_set(v, "form.id", t->id);
	rc |= ph_set(v, "form.title", t->title);
	rc |= ph_set(v, "user.name", c->actor.name);
	if (rc)
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	return form_office_vars(lang, v, &c->err);
}

/* Loads case and person (audited as "print") and adds one page. */
static int render_case(struct cli *c, struct form_doc *d, const struct form_tpl *t, const char *lang,
		       const char *number, int draft)
{
	struct cd_case *k = NULL;
	struct cd_person_record *pr = NULL;
	struct ph_vars vars = PH_VARS_INIT;
	int rc;

	if ((rc = case_load(c->store, &c->actor, number, "print", &k, &c->err)))
		goto out;
	if ((rc = person_load(c->store, &c->actor, k->person_number, "print", &pr, &c->err)))
		goto out;
	if ((rc = set_vars(c, k, pr, t, lang, &vars)))
		goto out;
	if ((rc = form_render(d, t, &vars, draft, &c->err)))
		cd_error_prefix(&c->err, _("case %s, form %s"), number, t->id);
out:
	ph_vars_release(&vars);
	person_record_free(pr);
	case_free(k);
	return rc;
}

static int print_cmd(struct cli *c)
{
	const char *out = cli_take(c, "-o");
	const char *lang_opt = cli_take(c, "--lang");
	const char *batch = cli_take(c, "--batch");
	int draft = cli_flag(c, "--preview");
	struct form_tpl *t = NULL;
	struct form_doc *d = NULL;
	char path[4096], lang[8];
	const char *form_id;
	int first_case, n_cases, rc;

	if (!out && !c->err.code)
		out = cli_take(c, "--output");
	if ((rc = cli_positional(c, batch ? 1 : 2, batch ? 100000 : 2, FORM_USAGE)))
		return rc;
	if (!out)
		return cd_error_set(&c->err, CD_EUSAGE, _("form: give the PDF to write with -o FILE.pdf"));
	form_id = batch ? batch : c->argv[2];
	first_case = 1;
	n_cases = batch ? c->argc - 1 : 1;
	if (!valid_form_id(form_id))
		return cd_error_set(&c->err, CD_EUSAGE, _("form id '%s' may use only a-z, 0-9 and _; `casedesk form list` shows them"),
				    form_id);
	snprintf(path, sizeof path, "%s/forms/%s.ini", cd_data_dir(), form_id);
	FILE *probe = fopen(path, "r");
	if (!probe)
		return cd_error_set(&c->err, CD_ENOTFOUND, _("no form %s; `casedesk form list` shows them"), form_id);
	fclose(probe);
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	countries_load(NULL);
	form_lang(lang_opt, lang);
	if ((rc = form_load(path, lang, &t, &c->err)) || (rc = form_doc_new(&d, &c->err)))
		goto done;
	for (int i = 0; i < n_cases && rc == CD_OK; i++) {
		rc = render_case(c, d, t, lang, c->argv[first_case + i], draft);
		if (n_cases > 50 && isatty(2))
			fprintf(stderr, "\r%s %d/%d", form_id, i + 1, n_cases);
	}
	if (n_cases > 50 && isatty(2))
		fputc('\n', stderr);
	if (rc == CD_OK)
		rc = form_doc_save(d, out, &c->err);
	if (rc == CD_OK && !c->json)
		printf(_("%s: %d page(s) of %s\n"), out, n_cases, form_id);
done:
	form_doc_free(d);
	form_free(t);
	return rc;
}

/* The names a template may use: the fixed ones and field.ID of every workflow. */
static int known_names(struct cli *c, char ***out, size_t *n)
{
	size_t cap = sizeof fixed_names / sizeof fixed_names[0], count = 0;
	int rc;
	if ((rc = cli_load_workflows(c)))
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
	for (int i = 1; i < c->argc; i++)
		problems += form_lint_file(c->argv[i], (const char *const *)names, n, stderr);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (problems)
		return cd_error_set(&c->err, CD_EINPUT, _("%d problem(s) found"), problems);
	printf(_("%d file(s) clean\n"), c->argc - 1);
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
	for (size_t i = 0; i < known.n_forms; i++) {
		char tpl[4096];
		snprintf(tpl, sizeof tpl, "%s/forms/%s.ini", cd_data_dir(), known.forms[i]);
		FILE *f = fopen(tpl, "r");
		printf("%-36s %s\n", known.forms[i], f ? "" : _("(no template)"));
		if (f)
			fclose(f);
	}
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
