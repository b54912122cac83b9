/*
 * cmd_mrz.c - `mrz parse`: reads the lines of a machine-readable zone on standard input
 * and prints every field, every check digit and every problem (model/mrz.c does the
 * reading).  Exit 0 when the MRZ is valid, 6 when it is not or is no MRZ at all, 2 on a
 * usage error.  Needs no store: a scanner's text can be checked before anyone is looked up.
 */
#include <stdio.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/identity/docnum.h"
#include "model/base/json.h"
#include "model/identity/mrz.h"
#include "model/store/person.h"
#include "print/mrz_make.h"
#include "app/cli.h"

#define MRZ_INPUT_MAX 4096   /* far more than 3 lines of 44, with blanks and CRs */

static const char *check_label(const char *name)
{
	if (strcmp(name, MRZ_F_NUMBER) == 0)
		return _("document number");
	if (strcmp(name, MRZ_F_DOB) == 0)
		return _("date of birth");
	if (strcmp(name, MRZ_F_EXPIRY) == 0)
		return _("expiry date");
	if (strcmp(name, MRZ_F_OPTIONAL) == 0)
		return _("optional data");
	if (strcmp(name, MRZ_F_COMPOSITE) == 0)
		return _("composite");
	return name;
}

/* One MRZ character as a string: "" when there is none. */
static void json_char(struct json_writer *w, const char *key, char ch)
{
	json_key(w, key);
	json_string_n(w, &ch, ch ? 1 : 0);
}

static int print_json(struct cli *c, const struct mrz_result *r)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;

	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "format", mrz_format_name(r->format));
	json_kv_bool(&w, "valid", r->valid);
	json_key(&w, "lines");
	json_array(&w);
	for (int i = 0; i < r->n_lines; i++)
		json_string(&w, r->lines[i]);
	json_array_end(&w);
	json_kv_string(&w, "document_code", r->doc_code);
	json_kv_string(&w, "issuing_state", r->issuer);
	json_kv_string(&w, "issuing_state_raw", r->issuer_raw);
	json_kv_string(&w, "surname", r->surname);
	json_kv_string(&w, "given_names", r->given);
	json_kv_bool(&w, "name_truncated", r->name_truncated);
	json_kv_string(&w, "document_number", r->number);
	json_kv_string(&w, "nationality", r->nationality);
	json_kv_string(&w, "nationality_raw", r->nationality_raw);
	json_kv_string(&w, "birth_date", r->dob);
	json_char(&w, "sex", r->sex);
	json_kv_string(&w, "expiry_date", r->expiry);
	json_kv_string(&w, "optional_data", r->optional1);
	if (r->format == MRZ_TD1)
		json_kv_string(&w, "optional_data_2", r->optional2);
	json_key(&w, "checks");
	json_array(&w);
	for (int i = 0; i < r->n_checks; i++) {
		const struct mrz_check *k = &r->checks[i];
		json_object(&w);
		json_kv_string(&w, "name", k->name);
		json_kv_int(&w, "line", k->line);
		json_kv_int(&w, "column", k->column);
		json_char(&w, "found", k->found);
		json_char(&w, "expected", k->expected);
		json_kv_bool(&w, "ok", k->ok);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "problems");
	json_array(&w);
	for (int i = 0; i < r->n_problems; i++) {
		const struct mrz_problem *p = &r->problems[i];
		json_object(&w);
		json_kv_string(&w, "field", p->field);
		json_kv_int(&w, "line", p->line);
		json_kv_int(&w, "column", p->column);
		json_kv_string(&w, "message", p->message);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_kv_int(&w, "problems_not_listed", r->problems_dropped);
	json_kv_bool(&w, "codes_checked", r->codes_checked);
	json_key(&w, "suggestion");
	if (r->has_suggestion) {
		json_object(&w);
		json_key(&w, "lines");
		json_array(&w);
		for (int i = 0; i < r->n_lines; i++)
			json_string(&w, r->suggestion[i]);
		json_array_end(&w);
		json_key(&w, "changes");
		json_array(&w);
		for (int i = 0; i < r->n_changes; i++) {
			json_object(&w);
			json_kv_int(&w, "line", r->changes[i].line);
			json_kv_int(&w, "column", r->changes[i].column);
			json_char(&w, "from", r->changes[i].from);
			json_char(&w, "to", r->changes[i].to);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
	} else {
		json_null(&w);
	}
	json_kv_string(&w, "suggestion_note", r->suggestion_note);
	json_object_end(&w);
	rc = cli_json_print(c, &w);
	buf_release(&b);
	return rc;
}

static void row(const char *label, const char *value)
{
	out_safe_pad(stdout, label, 18);
	out_safe(stdout, value);
	fputc('\n', stdout);
}

static void code_row(const char *label, const char *norm, const char *raw)
{
	char v[32];
	if (strncmp(norm, raw, strlen(norm)) != 0 || strlen(norm) < 3)
		snprintf(v, sizeof v, "%s (MRZ: %s)", norm, raw);
	else
		snprintf(v, sizeof v, "%s", norm);
	row(label, v);
}

static void print_text(const struct mrz_result *r)
{
	char sex[2] = { r->sex, '\0' };

	row(_("format"), mrz_format_name(r->format));
	row(_("document code"), r->doc_code);
	code_row(_("issuing state"), r->issuer, r->issuer_raw);
	row(_("surname"), r->surname);
	row(_("given names"), r->given);
	if (r->name_truncated)
		row("", _("(the name field is full: the name may be truncated)"));
	row(_("document number"), r->number);
	code_row(_("nationality"), r->nationality, r->nationality_raw);
	row(_("date of birth"), r->dob[0] ? r->dob : _("unknown"));
	row(_("sex"), sex);
	row(_("expiry date"), r->expiry[0] ? r->expiry : _("none"));
	row(_("optional data"), r->optional1);
	if (r->format == MRZ_TD1)
		row(_("optional data 2"), r->optional2);
	for (int i = 0; i < r->n_checks; i++) {
		const struct mrz_check *k = &r->checks[i];
		char v[160];
		snprintf(v, sizeof v, _("%-16s line %d, column %2d: found %c, expected %c  %s"), check_label(k->name),
			 k->line, k->column, k->found, k->expected, k->ok ? _("ok") : _("WRONG"));
		row(_("check digit"), v);
	}
	for (int i = 0; i < r->n_problems; i++)
		row(_("problem"), r->problems[i].message);
	if (r->problems_dropped) {
		char v[80];
		snprintf(v, sizeof v, _("and %d more"), r->problems_dropped);
		row(_("problem"), v);
	}
	if (r->has_suggestion) {
		row(_("suggestion"), _("OCR may have confused characters; this reading has every check digit right:"));
		for (int i = 0; i < r->n_lines; i++)
			row("", r->suggestion[i]);
		row(_("changed"), r->suggestion_note);
	} else if (r->suggestion_note[0]) {
		row(_("suggestion"), r->suggestion_note);
	}
	row(_("result"), r->valid ? _("valid") : _("NOT valid"));
}

static int parse_cmd(struct cli *c)
{
	char text[MRZ_INPUT_MAX + 1];
	struct mrz_result r;
	size_t n;
	int rc;

	if (cli_flag(c, "--json"))
		c->json = 1;
	if ((rc = cli_positional(c, 0, 0, "mrz parse [--json] < LINES")))
		return rc;
	n = fread(text, 1, sizeof text - 1, stdin);
	if (ferror(stdin))
		return cd_error_set(&c->err, CD_EINPUT, _("mrz parse: cannot read standard input"));
	if (n == sizeof text - 1 && fgetc(stdin) != EOF)
		return cd_error_set(&c->err, CD_EINPUT,
				    ngettext("mrz parse: the input is longer than %d byte; an MRZ is 3 lines at most",
					     "mrz parse: the input is longer than %d bytes; an MRZ is 3 lines at most",
					     (unsigned long)MRZ_INPUT_MAX),
				    MRZ_INPUT_MAX);
	text[n] = '\0';
	if (memchr(text, '\0', n))
		return cd_error_set(&c->err, CD_EINPUT, _("mrz parse: the input holds a NUL byte; an MRZ is text"));
	if ((rc = mrz_parse(text, &r, &c->err)))
		return rc;
	if (c->json) {
		/* It holds the problems: no second error object after it. */
		if ((rc = print_json(c, &r)))
			return rc;
		c->json_written = 1;
	} else
		print_text(&r);
	if (r.valid)
		return CD_OK;
	/* Problem messages name fields, positions and at most one character, never the data. */
	return cd_error_set(&c->err, CD_EINPUT, ngettext("the MRZ is not valid (%d problem); first: %s",
				     "the MRZ is not valid (%d problems); first: %s",
				     (unsigned long)(r.n_problems + r.problems_dropped)),
			    r.n_problems + r.problems_dropped, r.n_problems ? r.problems[0].message : "");
}

/*
 * `mrz make PERSON`: the MRZ of a document on file for the person, written by
 * print/mrz_make.c from the stored record (the issuing state's own zone for a passport,
 * or the zone of a document the office issues).  Reading the person is audited (print).
 */
static int make_cmd(struct cli *c)
{
	static const char usage[] = "mrz make PERSON [--document NUMBER] [--format td1|td2|td3|mrva|mrvb] [--code CODE]";
	const char *docno = cli_take(c, "--document"), *format = cli_take(c, "--format"), *code = cli_take(c, "--code");
	struct cd_person_record *r = NULL;
	const struct cd_document *doc = NULL;
	struct mrz_text out;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	static const struct {
		const char *name;
		enum mrz_format f;
		const char *code;
	} formats[] = {
		{ "td1", MRZ_TD1, "I" }, { "td2", MRZ_TD2, "I" }, { "td3", MRZ_TD3, "P" },
		{ "mrva", MRZ_MRVA, "V" }, { "mrvb", MRZ_MRVB, "V" },
	};
	size_t fi = 2;   /* a passport's zone by default */
	if (format) {
		for (fi = 0; fi < 5 && strcmp(formats[fi].name, format) != 0; fi++)
			;
		if (fi == 5)
			return cd_error_set(&c->err, CD_EUSAGE, _("--format: give td1, td2, td3, mrva or mrvb"));
	}
	if ((rc = person_load(c->store, &c->actor, c->argv[1], "print", &r, &c->err)))
		return rc;
	for (size_t i = 0; i < r->n_documents; i++) {
		char norm[64];
		if (docno) {
			document_number_normalise(docno, norm, sizeof norm);
			if (strcmp(r->documents[i].number, norm) == 0)
				doc = &r->documents[i];
		} else if (!doc || strcmp(r->documents[i].kind, "passport") == 0) {
			doc = &r->documents[i];
		}
	}
	if (!doc) {
		rc = cd_error_set(&c->err, CD_ENOTFOUND, docno ? _("%s has no such document on file")
							 : _("%s has no document on file; add one with `casedesk document add`"),
				  r->person.number);
		goto out;
	}
	char sex = r->person.sex[0];
	struct mrz_doc d = {
		.format = formats[fi].f,
		.doc_code = code ? code : formats[fi].code,
		.issuer = doc->issuer,
		.surname = r->person.surname_latin,
		.given = r->person.given_latin,
		.number = doc->number,
		.nationality = r->person.nationality,
		.dob = r->person.dob,
		.sex = sex,
		.expiry = doc->expires,
	};
	if ((rc = mrz_make(&d, &out, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "format", mrz_format_name(d.format));
		json_kv_bool(&w, "name_truncated", out.name_truncated);
		json_key(&w, "lines");
		json_array(&w);
		for (int i = 0; i < out.n_lines; i++)
			json_string(&w, out.lines[i]);
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
	} else {
		for (int i = 0; i < out.n_lines; i++)
			printf("%s\n", out.lines[i]);
		if (out.name_truncated)
			fprintf(stderr, "%s\n", _("note: the name did not fit and was truncated as Doc 9303 says"));
	}
out:
	person_record_free(r);
	return rc;
}

int cmd_mrz(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	c->argv++;
	c->argc--;
	if (strcmp(sub, "parse") == 0)
		return parse_cmd(c);
	if (strcmp(sub, "make") == 0)
		return make_cmd(c);
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk mrz parse [--json] < LINES | mrz make PERSON ..."));
}
