/*
 * cmd_person.c - `person` (add, show, correct, alias, address, merge, unmerge, export),
 * `document` (add, expire), `family` and
 * `search`: people and how to find them.  `person show` of a merged record shows its
 * survivor, with a note saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/store/biometric.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/outfile.h"
#include "model/store/access.h"
#include "model/store/merge.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/search.h"
#include "workflow/registration.h"
#include "print/subject_access.h"
#include "app/cli.h"
#include "app/natsearch.h"
#include "app/config.h"

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

static int person_add_cmd(struct cli *c)
{
	struct cd_person_input in = {
		.surname = cli_take(c, "--surname"),
		.given = cli_take(c, "--given"),
		.surname_latin = cli_take(c, "--surname-latin"),
		.given_latin = cli_take(c, "--given-latin"),
		.dob = cli_take(c, "--dob"),
		.sex = cli_take(c, "--sex"),
		.nationality = cli_take(c, "--nationality"),
		.birth_place = cli_take(c, "--birth-place"),
	};
	int force = cli_flag(c, "--force");
	struct cd_dupe_thresholds th;
	struct reg_verdict v = REG_VERDICT_INIT;
	struct cd_person p;
	int rc;
	static const char usage[] = "person add --surname S --given G --dob YYYY[-MM[-DD]] --sex M|F|X "
				    "--nationality AAA [--surname-latin S] [--given-latin G] [--birth-place P] [--force]";

	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	const char *missing = !in.surname ? "--surname" : !in.given ? "--given" : !in.dob ? "--dob"
			      : !in.sex ? "--sex" : !in.nationality ? "--nationality" : NULL;
	if (missing)
		return cd_error_set(&c->err, CD_EUSAGE, _("%s is required; usage: casedesk %s"), missing, usage);
	/* The date goes into the duplicate search's queries: checked before any of them. */
	struct cd_date dob;
	if ((rc = cd_date_parse(in.dob, "--dob (date of birth)", 1, &dob, &c->err)))
		return rc;
	if ((rc = config_duplicates(&th, &c->err)) || (rc = cli_open_acting(c)))
		return rc;
	/* The verdict is registration's (workflow/registration.h); this front-end lists the
	 * candidates on stderr and names its own way past a block, --force. */
	rc = registration_add(c->store, &c->actor, &in, NULL, &th, force ? REG_FORCED_NOTE : NULL, &v, &p, &c->err);
	for (size_t i = 0; i < v.n; i++)
		fprintf(stderr, _("possible duplicate: %s  score %d  (%s)\n"), v.candidates[i].number,
			v.candidates[i].score, v.candidates[i].why);
	if (rc == CD_EREFUSED && v.outcome == REG_BLOCKED)
		cd_error_set(&c->err, CD_EREFUSED,
			     ngettext("not registered: %d person listed above scores %d or more (the [duplicates] block "
				      "threshold); open them with `casedesk person show`, or add --force to register a "
				      "new person anyway",
				      "not registered: %d people listed above score %d or more (the [duplicates] block "
				      "threshold); open them with `casedesk person show`, or add --force to register a "
				      "new person anyway", (unsigned long)v.n_blocking),
			     v.n_blocking, v.th.block);
	registration_verdict_release(&v);
	if (rc)
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", p.number);
		json_kv_string(&w, "uuid", p.uuid);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf("%s\n", p.number);
	return CD_OK;
}

/* What a write command that changes a person prints under --json: {"person":..., key:{...}}. */
static int json_done_for(struct cli *c, const char *what, const char *const *kv, size_t n)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;

	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "person", c->argv[1]);
	json_key(&w, what);
	json_object(&w);
	for (size_t i = 0; i + 1 < n; i += 2)
		json_kv_string(&w, kv[i], kv[i + 1]);
	json_object_end(&w);
	json_object_end(&w);
	rc = cli_json_print(c, &w);
	buf_release(&b);
	return rc;
}

static void json_person(struct json_writer *w, const struct cd_person_record *r, const struct cd_bio_dupe *bd,
			size_t nbd)
{
	const struct cd_person *p = &r->person;
	json_object(w);
	json_kv_string(w, "number", p->number);
	json_kv_string(w, "uuid", p->uuid);
	json_kv_string(w, "surname", p->surname);
	json_kv_string(w, "given", p->given);
	json_kv_string(w, "surname_latin", p->surname_latin);
	json_kv_string(w, "given_latin", p->given_latin);
	json_kv_string(w, "sex", p->sex);
	json_kv_string(w, "dob", p->dob);
	json_kv_string(w, "nationality", p->nationality);
	json_kv_string(w, "birth_place", p->birth_place);
	json_kv_int(w, "row_version", p->row_version);
	json_kv_int(w, "biometrics", r->biometrics);
	json_key(w, "biometric_duplicates");
	json_array(w);
	for (size_t i = 0; i < nbd; i++) {
		json_object(w);
		json_kv_string(w, "number", bd[i].other);
		json_kv_string(w, "finger", bd[i].finger);
		json_kv_string(w, "at", bd[i].at);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "documents");
	json_array(w);
	for (size_t i = 0; i < r->n_documents; i++) {
		const struct cd_document *d = &r->documents[i];
		json_object(w);
		json_kv_string(w, "kind", d->kind);
		json_kv_string(w, "number", d->number);
		json_kv_string(w, "issuer", d->issuer);
		json_kv_string(w, "issued", d->issued);
		json_kv_string(w, "expires", d->expires);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "aliases");
	json_array(w);
	for (size_t i = 0; i < r->n_aliases; i++) {
		json_object(w);
		json_kv_string(w, "kind", r->aliases[i].kind);
		json_kv_string(w, "surname", r->aliases[i].surname);
		json_kv_string(w, "given", r->aliases[i].given);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "addresses");
	json_array(w);
	for (size_t i = 0; i < r->n_addresses; i++) {
		const struct cd_address *a = &r->addresses[i];
		json_object(w);
		json_kv_string(w, "kind", a->kind);
		json_kv_string(w, "line", a->line);
		json_kv_string(w, "city", a->city);
		json_kv_string(w, "country", a->country[0] ? a->country : NULL);
		json_kv_string(w, "since", a->since[0] ? a->since : NULL);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "family");
	json_array(w);
	for (size_t i = 0; i < r->n_relatives; i++) {
		const struct cd_relative *f = &r->relatives[i];
		json_object(w);
		json_kv_string(w, "relation", f->relation);
		json_kv_string(w, "number", f->number);
		json_kv_string(w, "name", f->surname_latin);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "cases");
	json_array(w);
	for (size_t i = 0; i < r->n_cases; i++) {
		const struct cd_case_brief *k = &r->cases[i];
		json_object(w);
		if (k->other_unit) {
			/* Need-to-know: only that it exists, and the ref a supervisor may break the glass by. */
			json_kv_bool(w, "other_unit", 1);
			json_kv_string(w, "ref", k->ref);
			json_object_end(w);
			continue;
		}
		json_kv_string(w, "number", k->number);
		json_kv_string(w, "workflow", k->workflow_id);
		json_kv_string(w, "state", k->state);
		json_kv_bool(w, "closed", k->closed);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static int person_show_cmd(struct cli *c)
{
	struct cd_person_record *r;
	struct cd_bio_dupe *bd = NULL;
	size_t nbd = 0;
	int national = cli_flag(c, "--national");
	const char *db = cli_take(c, "--db");
	int rc;

	if ((rc = cli_positional(c, 1, 1, "person show NUMBER [--national [--db CONNINFO]]")) || (rc = cli_open_acting(c)))
		return rc;
	if (db && !national)
		return cd_error_set(&c->err, CD_EUSAGE, _("--db goes with --national"));
	if (national) {
		/* A person this store does not hold: the national record, read-only. */
		int64_t id;
		struct cd_error nf = CD_ERROR_INIT;
		if (person_resolve(c->store, c->argv[1], &id, &nf) == CD_ENOTFOUND)
			return cli_person_national(c, db, c->argv[1], NULL);
	}
	/* A merged number leads to its survivor. */
	{
		static char survivor[32];
		char at[32];
		int merged = merge_follow(c->store, c->argv[1], survivor, at, &c->err);
		if (merged < 0)
			return c->err.code;
		if (merged) {
			fprintf(stderr, _("note: %s was merged into %s on %.10s; showing %s\n"), c->argv[1], survivor, at,
				survivor);
			c->argv[1] = survivor;
		}
	}
	if ((rc = person_load(c->store, &c->actor, c->argv[1], c->purpose, &r, &c->err)))
		return rc;
	/* Fingers that matched another record's (read with the person: its view is audited). */
	if ((rc = dupes_biometric(c->store, &c->actor, r->person.number, NULL, &bd, &nbd, &c->err))) {
		person_record_free(r);
		return rc;
	}
	if (c->json && national) {
		/* One JSON document: the national part (the local one is `person show --json`). */
		char number[32], uuid[37];
		snprintf(number, sizeof number, "%s", r->person.number);
		snprintf(uuid, sizeof uuid, "%s", r->person.uuid);
		person_record_free(r);
		free(bd);
		return cli_person_national(c, db, number, uuid);
	}
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_person(&w, r, bd, nbd);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		person_record_free(r);
		free(bd);
		return rc;
	}
	const struct cd_person *p = &r->person;
	printf("%s  ", p->number);
	out_safe(stdout, p->surname);
	fputs(", ", stdout);
	out_safe(stdout, p->given);
	fputs("  (", stdout);
	out_safe(stdout, p->surname_latin);
	fputs(", ", stdout);
	out_safe(stdout, p->given_latin);
	fputs(")\n", stdout);
	/* Every text below comes from the store: shown, never executed by the terminal. */
	out_safef(stdout, "  %s %s  %s %s  %s %s", _("born"), p->dob, _("sex"), p->sex, _("nationality"), p->nationality);
	if (p->birth_place) {
		printf("  %s ", _("in"));
		out_safe(stdout, p->birth_place);
	}
	printf("\n  %s: %s\n", _("biometrics"),
	       r->biometrics ? _("enrolled") : _("not enrolled"));
	for (size_t i = 0; i < nbd; i++)
	{
		out_safef(stdout, _("  possible duplicate: %s has the same %s (found %.10s); a supervisor may merge the two records\n"),
			  bd[i].other, bd[i].finger, bd[i].at);
	}
	free(bd);
	printf("%s:\n", _("documents"));
	if (!r->n_documents)
		printf("  %s\n", _("none on file"));
	for (size_t i = 0; i < r->n_documents; i++) {
		const struct cd_document *d = &r->documents[i];
		out_safef(stdout, "  %-10s ", d->kind);
		out_safe(stdout, d->number);
		out_safef(stdout, "  %s  %s %s", d->issuer, _("expires"), d->expires ? d->expires : "-");
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < r->n_aliases; i++) {
		printf(i ? "  " : "%s:\n  ", _("also known as"));
		out_safe(stdout, r->aliases[i].surname);
		fputs(", ", stdout);
		out_safe(stdout, r->aliases[i].given);
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < r->n_addresses; i++) {
		const struct cd_address *a = &r->addresses[i];
		printf(i ? "  " : "%s:\n  ", _("addresses"));
		out_safef(stdout, "%-10s ", a->kind);
		out_safe(stdout, a->line);
		if (a->city) {
			fputs(", ", stdout);
			out_safe(stdout, a->city);
		}
		if (a->country[0])
			out_safef(stdout, "  %s", a->country);
		if (a->since[0])
			out_safef(stdout, "  %s %s", _("since"), a->since);
		fputc('\n', stdout);
	}
	if (r->n_relatives)
		printf("%s:\n", _("family"));
	for (size_t i = 0; i < r->n_relatives; i++) {
		const struct cd_relative *f = &r->relatives[i];
		out_safef(stdout, "  %-8s %s  ", f->relation, f->number);
		out_safe(stdout, f->surname_latin);
		fputs(", ", stdout);
		out_safe(stdout, f->given_latin);
		out_safef(stdout, "  %s", f->dob);
		fputc('\n', stdout);
	}
	printf("%s:\n", _("cases"));
	if (!r->n_cases)
		printf("  %s\n", _("none"));
	for (size_t i = 0; i < r->n_cases; i++) {
		const struct cd_case_brief *k = &r->cases[i];
		if (k->other_unit) {
			out_safef(stdout, "  %-22s %s (ref %s)", "-", _("a case in another unit"), k->ref);
			fputc('\n', stdout);
			continue;
		}
		out_safef(stdout, "  %-22s %-10s %-24s %s", k->number, k->workflow_id, k->state, k->closed ? _("closed") : _("open"));
		fputc('\n', stdout);
	}
	if (national) {
		/* The local record is printed: the national part follows, or says why it cannot. */
		fflush(stdout);
		rc = cli_person_national(c, db, r->person.number, r->person.uuid);
	}
	person_record_free(r);
	return rc;
}

static int person_alias_cmd(struct cli *c)
{
	static const char usage[] = "person alias PERSON --surname S --given G [--kind alias|birth|previous]";
	const char *surname = cli_take(c, "--surname"), *given = cli_take(c, "--given"),
		   *kind = cli_take(c, "--kind");
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!surname || !given)
		return cd_error_set(&c->err, CD_EUSAGE, _("--surname and --given are required; usage: casedesk %s"),
				    usage);
	if ((rc = cli_open_acting(c)) ||
	    (rc = alias_add(c->store, &c->actor, c->argv[1], kind, surname, given, &c->err)))
		return rc;
	if (c->json) {
		const char *kv[] = { "surname", surname, "given", given, "kind", kind };
		return json_done_for(c, "alias", kv, sizeof kv / sizeof kv[0]);
	}
	printf(_("alias added to %s\n"), c->argv[1]);
	return CD_OK;
}

/*
 * `--field F --value V`, repeated for fields that belong together under one reason: a
 * surname in a script with no transliteration (Chinese) is corrected with its ICAO Latin
 * form in one change, as the person screen does, since either alone is refused.
 */
#define CORRECT_MAX 8
static int person_correct_cmd(struct cli *c)
{
	static const char usage[] = "person correct PERSON --field F --value V [--field F --value V ...] --reason TEXT "
				    "[--row-version N]";
	const char *reason = cli_take(c, "--reason"), *rv = cli_take(c, "--row-version");
	struct cd_person_fix fix[CORRECT_MAX];
	size_t n = 0;
	int64_t version = 0, now = 0;
	int rc;

	for (const char *field; (field = cli_take(c, "--field")) != NULL;) {
		if (n == CORRECT_MAX)
			return cd_error_set(&c->err, CD_EUSAGE, _("person correct: at most %d fields at once"), CORRECT_MAX);
		fix[n].field = field;
		fix[n].value = cli_take(c, "--value");
		if (!fix[n].value)
			return cd_error_set(&c->err, CD_EUSAGE, _("--field %s has no --value after it; usage: casedesk %s"),
					    field, usage);
		n++;
	}
	if (c->err.code)
		return c->err.code;
	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!n || !reason)
		return cd_error_set(&c->err, CD_EUSAGE, _("--field, --value and --reason are required; usage: casedesk %s"),
				    usage);
	if (rv) {
		char *end;
		long long v = strtoll(rv, &end, 10);
		if (!*rv || *end || v < 1)
			return cd_error_set(&c->err, CD_EUSAGE, _("--row-version: give the version `person show --json` "
								  "printed (a number from 1)"));
		version = v;
	}
	if ((rc = cli_open_acting(c)) ||
	    (rc = person_correct(c->store, &c->actor, c->argv[1], version, fix, n, reason, &now, &c->err)))
		return rc;
	const char *field = fix[0].field, *value = fix[0].value;
	if (c->json) {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)now);
		const char *kv[] = { "field", field, "value", value, "row_version", v };
		return json_done_for(c, "correction", kv, sizeof kv / sizeof kv[0]);
	}
	for (size_t i = 0; i < n; i++)
		printf(_("%s corrected on %s (version %lld)\n"), fix[i].field, c->argv[1], (long long)now);
	return CD_OK;
}

static int person_address_cmd(struct cli *c)
{
	static const char usage[] = "person address PERSON --line L [--city C] [--country AAA] "
				    "[--kind residence|stay|postal|previous] [--since YYYY-MM-DD]";
	struct cd_address_input in = {
		.line = cli_take(c, "--line"), .city = cli_take(c, "--city"), .country = cli_take(c, "--country"),
		.kind = cli_take(c, "--kind"), .since = cli_take(c, "--since"),
	};
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!in.line)
		return cd_error_set(&c->err, CD_EUSAGE, _("--line is required; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = address_add(c->store, &c->actor, c->argv[1], &in, &c->err)))
		return rc;
	if (c->json) {
		const char *kv[] = { "kind", in.kind, "line", in.line, "city", in.city, "country", in.country,
				     "since", in.since };
		return json_done_for(c, "address", kv, sizeof kv / sizeof kv[0]);
	}
	printf(_("address added to %s\n"), c->argv[1]);
	return CD_OK;
}

/* ---- person merge / unmerge ------------------------------------------------------------ */

static int print_summary(struct cli *c, const char *what, const struct cd_merge_summary *m)
{
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_bool(&w, what, 1);
		json_kv_string(&w, "survivor", m->survivor);
		json_kv_string(&w, "duplicate", m->duplicate);
		json_kv_int(&w, "cases", m->cases);
		json_kv_int(&w, "documents", m->documents);
		json_kv_int(&w, "aliases", m->aliases);
		json_kv_int(&w, "family", m->family);
		json_kv_int(&w, "biometrics", m->biometrics);
		json_kv_int(&w, "other", m->other);
		json_object_end(&w);
		int rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf(strcmp(what, "merged") == 0 ? _("merged %s into %s: ") : _("unmerged %s from %s: "), m->duplicate,
	       m->survivor);
	/* One count a phrase: each takes its own plural. */
	printf(ngettext("%ld case", "%ld cases", (unsigned long)m->cases), m->cases);
	fputs(", ", stdout);
	printf(ngettext("%ld document", "%ld documents", (unsigned long)m->documents), m->documents);
	fputs(", ", stdout);
	printf(ngettext("%ld alias", "%ld aliases", (unsigned long)m->aliases), m->aliases);
	fputs(", ", stdout);
	printf(ngettext("%ld family link", "%ld family links", (unsigned long)m->family), m->family);
	fputs(", ", stdout);
	printf(ngettext("%ld biometric", "%ld biometrics", (unsigned long)m->biometrics), m->biometrics);
	fputs(", ", stdout);
	printf(ngettext("%ld other row", "%ld other rows", (unsigned long)m->other), m->other);
	fputc('\n', stdout);
	return CD_OK;
}

/* The biometric key when there is one: only records with sealed templates need it, and
 * model/store/merge.c says so when they do. */
static const struct bio_key *maybe_key(struct bio_key *key)
{
	struct cd_error ignore = CD_ERROR_INIT;
	return bio_key_load(key, &ignore) == CD_OK ? key : NULL;
}

static int person_merge_cmd(struct cli *c)
{
	static const char usage[] = "person merge SURVIVOR DUPLICATE --reason TEXT";
	const char *reason = cli_take(c, "--reason");
	struct cd_merge_summary m;
	struct bio_key key;
	const struct bio_key *k;
	int rc;

	if ((rc = cli_positional(c, 2, 2, usage)))
		return rc;
	if (!reason)
		return cd_error_set(&c->err, CD_EUSAGE, _("--reason is required; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)))
		return rc;
	k = maybe_key(&key);
	rc = merge_person(c->store, &c->actor, k, c->argv[1], c->argv[2], reason, &m, &c->err);
	if (k)
		bio_key_wipe(&key);
	if (rc == CD_OK)
		rc = print_summary(c, "merged", &m);
	return rc;
}

static int person_unmerge_cmd(struct cli *c)
{
	static const char usage[] = "person unmerge DUPLICATE [--reason TEXT]";
	const char *reason = cli_take(c, "--reason");
	struct cd_merge_summary m;
	struct bio_key key;
	const struct bio_key *k;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	k = maybe_key(&key);
	rc = merge_undo(c->store, &c->actor, k, c->argv[1], reason, &m, &c->err);
	if (k)
		bio_key_wipe(&key);
	if (rc == CD_OK)
		rc = print_summary(c, "unmerged", &m);
	return rc;
}

/* ---- person export: subject access ---------------------------------------------------- */

static int person_export_cmd(struct cli *c)
{
	static const char usage[] = "person export PERSON -o FILE [--format json|pdf] [--force]";
	const char *path = cli_take(c, "-o"), *format = cli_take(c, "--format");
	/* The file is the user's, made through model/base/outfile.h: 0600, never through a link,
	 * and with the user's ids when installed setgid (never into the group's store folder). */
	unsigned flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;
	int pdf;
	struct access_report *r = NULL;
	struct cd_buf b = CD_BUF_INIT;
	unsigned char *bytes = NULL;
	size_t len = 0;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!path)
		return cd_error_set(&c->err, CD_EUSAGE, _("-o FILE is required; usage: casedesk %s"), usage);
	if (!format) {
		size_t n = strlen(path);
		format = n > 4 && strcmp(path + n - 4, ".pdf") == 0 ? "pdf" : "json";
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "pdf") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("--format: json or pdf"));
	pdf = strcmp(format, "pdf") == 0;
	/* Said before anything is read (and audited); the file is made with O_EXCL all the same. */
	if ((rc = outfile_check(path, flags, &c->err)) || (rc = cli_open_acting(c)) ||
	    (rc = access_export(c->store, &c->actor, c->argv[1], &r, &c->err)))
		goto out;
	if (pdf) {
		if ((rc = subject_access_pdf(r, &bytes, &len, &c->err)))
			goto out;
	} else {
		struct json_writer w;
		json_init(&w, &b);
		access_json(r, &w);
		if ((rc = json_done(&w, &c->err)))
			goto out;
		if (buf_add(&b, "\n", 1)) {
			rc = cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
	if ((rc = outfile_save(path, flags, pdf ? (const void *)bytes : (const void *)buf_str(&b), pdf ? len : b.len,
			       &c->err)))
		goto out;
	{
		const struct access_table *reads = access_table_get(r, "reads");
		size_t n_reads = reads ? reads->n_rows : 0;
		if (c->json) {
			struct cd_buf jb = CD_BUF_INIT;
			struct json_writer w;
			json_init(&w, &jb);
			json_object(&w);
			json_kv_string(&w, "person", r->person_number);
			json_kv_string(&w, "file", path);
			json_kv_string(&w, "format", format);
			json_kv_int(&w, "reads", (long long)n_reads);
			json_object_end(&w);
			rc = cli_json_print(c, &w);
			buf_release(&jb);
		} else {
			/* The path is the user's words: shown, never executed by the terminal (out_safe). */
			char said[4400];
			snprintf(said, sizeof said,
				 ngettext("wrote %s: everything held about %s, %zu read listed\n",
					  "wrote %s: everything held about %s, %zu reads listed\n", (unsigned long)n_reads),
				 path, r->person_number, n_reads);
			out_safe_lines(stdout, said);
		}
	}
out:
	free(bytes);
	buf_release(&b);
	access_report_free(r);
	return rc;
}

int cmd_person(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "export") == 0) {
		shift(c);
		return person_export_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "merge") == 0) {
		shift(c);
		return person_merge_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "unmerge") == 0) {
		shift(c);
		return person_unmerge_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "alias") == 0) {
		shift(c);
		return person_alias_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "add") == 0) {
		shift(c);
		return person_add_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "correct") == 0) {
		shift(c);
		return person_correct_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "address") == 0) {
		shift(c);
		return person_address_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "show") == 0) {
		shift(c);
		return person_show_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk person add ... | person show NUMBER | person alias NUMBER ... | "
						  "person correct NUMBER --field F --value V --reason TEXT | person address NUMBER --line L ... | "
						  "person merge SURVIVOR DUPLICATE --reason TEXT | person unmerge DUPLICATE | "
						  "person export NUMBER -o FILE [--format json|pdf] [--force]"));
}

static int document_expire_cmd(struct cli *c)
{
	static const char usage[] = "document expire PERSON NUMBER [--on YYYY-MM-DD] --reason TEXT";
	const char *on = cli_take(c, "--on"), *reason = cli_take(c, "--reason");
	int rc;

	if ((rc = cli_positional(c, 2, 2, usage)))
		return rc;
	if (!reason)
		return cd_error_set(&c->err, CD_EUSAGE, _("--reason is required; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) ||
	    (rc = document_expire(c->store, &c->actor, c->argv[1], c->argv[2], on, reason, &c->err)))
		return rc;
	if (c->json) {
		const char *kv[] = { "number", c->argv[2], "on", on };
		return json_done_for(c, "document_expired", kv, sizeof kv / sizeof kv[0]);
	}
	printf(_("document expired on the file of %s\n"), c->argv[1]);
	return CD_OK;
}

int cmd_document(struct cli *c)
{
	static const char usage[] = "document add PERSON --number N --issuer AAA [--kind K] [--issued YYYY-MM-DD] "
				    "[--expires YYYY-MM-DD] [--force [--reason TEXT]] | "
				    "document expire PERSON NUMBER [--on YYYY-MM-DD] --reason TEXT";
	int rc;
	if (c->argc >= 2 && strcmp(c->argv[1], "expire") == 0) {
		shift(c);
		return document_expire_cmd(c);
	}
	if (c->argc < 2 || strcmp(c->argv[1], "add") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	shift(c);
	const char *number = cli_take(c, "--number"), *issuer = cli_take(c, "--issuer"),
		   *kind = cli_take(c, "--kind"), *issued = cli_take(c, "--issued"),
		   *expires = cli_take(c, "--expires");
	const char *reason = cli_take(c, "--reason");
	int force = cli_flag(c, "--force");
	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!number || !issuer)
		return cd_error_set(&c->err, CD_EUSAGE, _("--number and --issuer are required; usage: casedesk %s"),
				    usage);
	if (reason && !force)
		return cd_error_set(&c->err, CD_EUSAGE, _("--reason goes with --force: why a listed document is taken"));
	if ((rc = cli_open_acting(c)))
		return rc;
	/* --force --reason keeps the reason on the document's event, as the person screen does. */
	if (reason)
		rc = document_add_because(c->store, &c->actor, c->argv[1], kind, number, issuer, issued, expires, reason,
					  &c->err);
	else
		rc = document_add(c->store, &c->actor, c->argv[1], kind, number, issuer, issued, expires, force, &c->err);
	if (rc)
		return rc;
	if (c->json) {
		const char *kv[] = { "kind", kind, "number", number, "issuer", issuer,
				     "issued", issued, "expires", expires };
		return json_done_for(c, "document", kv, sizeof kv / sizeof kv[0]);
	}
	printf(_("document added to %s\n"), c->argv[1]);
	return CD_OK;
}

int cmd_family(struct cli *c)
{
	static const char usage[] = "family link PERSON RELATIVE --relation spouse|child|parent|sibling";
	int rc;
	if (c->argc < 2 || strcmp(c->argv[1], "link") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	shift(c);
	const char *relation = cli_take(c, "--relation");
	if ((rc = cli_positional(c, 2, 2, usage)))
		return rc;
	if ((rc = cli_open_acting(c)) ||
	    (rc = family_link(c->store, &c->actor, c->argv[1], c->argv[2], relation, &c->err)))
		return rc;
	if (c->json) {
		const char *kv[] = { "relative", c->argv[2], "relation", relation };
		return json_done_for(c, "family", kv, sizeof kv / sizeof kv[0]);
	}
	printf(_("linked %s and %s\n"), c->argv[1], c->argv[2]);
	return CD_OK;
}

int cmd_search(struct cli *c)
{
	struct cd_search_hit *hits;
	size_t n;
	const char *limit_s = cli_take(c, "--limit");
	int national = cli_flag(c, "--national");
	const char *db = cli_take(c, "--db");
	int limit = 20, rc;

	if (limit_s) {
		char *end;
		long v = strtol(limit_s, &end, 10);
		if (*end || v < 1 || v > 1000)
			return cd_error_set(&c->err, CD_EUSAGE, _("--limit: give a number from 1 to 1000"));
		limit = (int)v;
	}
	if ((rc = cli_positional(c, 1, 1, "search QUERY [--limit N] [--national [--db CONNINFO]]")) ||
	    (rc = cli_open_acting(c)))
		return rc;
	if (national)
		return cli_search_national(c, db, c->argv[1], limit);
	if (db)
		return cd_error_set(&c->err, CD_EUSAGE, _("--db goes with --national"));
	if ((rc = search_read(c->store, &c->actor, c->argv[1], limit, c->purpose, &hits, &n, &c->err)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			json_object(&w);
			json_kv_string(&w, "number", hits[i].number);
			json_kv_string(&w, "surname", hits[i].surname);
			json_kv_string(&w, "given", hits[i].given);
			json_kv_string(&w, "surname_latin", hits[i].surname_latin);
			json_kv_string(&w, "given_latin", hits[i].given_latin);
			json_kv_string(&w, "dob", hits[i].dob);
			json_kv_string(&w, "nationality", hits[i].nationality);
			json_kv_string(&w, "matched", cd_match_name(hits[i].match));
			json_kv_string(&w, "detail", hits[i].detail[0] ? hits[i].detail : NULL);
			json_kv_int(&w, "score", hits[i].score);
			json_kv_string(&w, "why", hits[i].why);
			json_kv_string(&w, "via", hits[i].via);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < n; i++) {
			out_safef(stdout, "%-14s ", hits[i].number);
			out_safe_pad(stdout, hits[i].surname, 18);
			fputc(' ', stdout);
			out_safe_pad(stdout, hits[i].given, 16);
			fputc(' ', stdout);
			out_safe_pad(stdout, hits[i].surname_latin, 16);
			out_safef(stdout, " %-10s %s  %3d  %s%s%s", hits[i].dob, hits[i].nationality, hits[i].score, hits[i].why,
				  hits[i].detail[0] ? " " : "", hits[i].detail);
			/* A name says what of the person matched; a number said it already. */
			if (hits[i].match == CD_MATCH_NAME && hits[i].via)
				out_safef(stdout, "  (%s)", _(hits[i].via));
			fputc('\n', stdout);
		}
		if (n == 0)
			printf("%s\n", _("no one found"));
	}
	buf_release(&b);
	search_hits_free(hits, n);
	return rc;
}
