/* case_form.c - filling a form for a case; see case_form.h. */
#include "print/case_form.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "model/store/biometric.h"
#include "model/base/caldate.h"
#include "model/store/cases.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/store/office.h"
#include "model/store/person.h"
#include "model/base/pnm.h"
#include "model/base/outfile.h"
#include "model/base/privilege.h"
#include "print/form.h"

/* The form language: --lang, else the language of the messages (ru_RU.UTF-8 -> ru), else en. */
void case_form_lang(const char *given, char out[8])
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

/*
 * The office's own letterhead (model/store/office.h, `casedesk office set`) over the
 * package's data/forms/office.ini, once the store has a name of its own: the store's lines
 * only, so another office's address never shows under this office's name.  office.state
 * (the MRZ's issuing State) stays the package's.
 */
static int office_letterhead_vars(struct cd_store *s, const char *lang, struct ph_vars *v, struct cd_error *err)
{
	struct cd_letterhead lh;
	int found, rc;

	if ((rc = office_letterhead(s, lang, &lh, &found, err)) || !found)
		return rc;
	if (ph_set(v, "office.name", lh.name) || ph_set(v, "office.address", lh.address) ||
	    ph_set(v, "office.phone", lh.contact))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	office_letterhead_release(&lh);
	return rc;
}

static int set_vars(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const struct cd_case *k,
		    const struct cd_person_record *pr, const struct form_tpl *t, const char *lang, struct ph_vars *v,
		    struct cd_error *err)
{
	const struct workflow *wf = NULL;
	const struct cd_person *p = &pr->person;
	char day[16], card[16];
	int rc = 0;

	if ((rc = registry_for_case(reg, s, k->workflow_id, k->workflow_version, &wf, err)))
		return rc;
	rc |= ph_set(v, "person.number", p->number);
	rc |= ph_set(v, "person.surname", p->surname);
	rc |= ph_set(v, "person.given", p->given);
	rc |= ph_set(v, "person.surname_latin", p->surname_latin);
	rc |= ph_set(v, "person.given_latin", p->given_latin);
	rc |= ph_set(v, "person.sex", p->sex);
	rc |= ph_set(v, "person.dob", p->dob);
	rc |= ph_set(v, "person.nationality", p->nationality);
	const char *nationality = country_name_in(p->nationality, lang);   /* the form's language, not the process's */
	rc |= ph_set(v, "person.nationality_name", nationality ? nationality : p->nationality);
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
		cd_days_format(k->due_day, day, sizeof day);
	rc |= ph_set(v, "case.due", day);
	card_number(k->number, card);
	rc |= ph_set(v, "card.number", card);
	/* Every field the workflow knows, empty when unset, so a template prints a blank, not an error. */
	for (size_t i = 0; i < wf->n_fields; i++) {
		char name[96];
		snprintf(name, sizeof name, "field.%s", wf->fields[i].id);
		/* A choice prints its label (in the form's language), never its id. */
		rc |= ph_set(v, name, wf_value_text(wf, wf->fields[i].id, case_field(k, wf->fields[i].id)));
	}
	rc |= ph_set(v, "office.code", store_office(s));
	cd_days_format(store_today(s), day, sizeof day);
	rc |= ph_set(v, "today", day);
	rc |= ph_set(v, "form.id", t->id);
	rc |= ph_set(v, "form.title", t->title);
	rc |= ph_set(v, "user.name", actor->name);
	if (rc)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = form_office_vars(lang, v, err)))
		return rc;
	/* The employment service a labour-market test request is addressed to (issue 14: a letter
	 * to another authority goes to it, not to the applicant), from the office's settings in
	 * the form's language; empty where the admin has not set it. */
	static const char *const services[] = { "employment_service", "employment_service_address" };
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
		char name[48], *val = NULL;
		if ((rc = office_get(s, services[i], lang, &val, err)))
			return rc;
		snprintf(name, sizeof name, "office.%s", services[i]);
		rc = ph_set(v, name, val);
		free(val);
		if (rc)
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	return office_letterhead_vars(s, lang, v, err);
}

/*
 * The person's photo for a [photo] block, opened with the biometric key (NULL: the desk
 * has none).  A form still prints without it: the frame then says why, in words.  Only a
 * failing store stops the print.
 */
static int fetch_photo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
		       const char *person_number, unsigned char **bytes, size_t *n, struct form_photo *photo,
		       struct cd_error *err)
{
	struct cd_error why = CD_ERROR_INIT;
	memset(photo, 0, sizeof *photo);
	if (!key) {
		photo->missing = _("photo not available: no biometric key on this desk");
		return CD_OK;
	}
	int rc = bio_face_photo(s, actor, key, person_number, "print", bytes, n, &why);
	if (rc == CD_ENOTFOUND) {
		photo->missing = _("no photo enrolled");
		return CD_OK;
	}
	if (rc == CD_EREFUSED) {
		photo->missing = _("photo not available: the biometric key does not open it");
		return CD_OK;
	}
	if (rc)
		return cd_error_set(err, rc, "%s", why.msg);
	if (pnm_decode(*bytes, *n, &photo->img)) {
		memset(&photo->img, 0, sizeof photo->img);
		photo->missing = _("the enrolled photo cannot be read");
	}
	return CD_OK;
}

/* Loads case and person (audited as "print") and adds one page. */
static int render_case(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, struct form_doc *d,
		       const struct form_tpl *t, const char *lang, const struct bio_key *key, const char *number,
		       int draft, struct cd_error *err)
{
	struct cd_case *k = NULL;
	struct cd_person_record *pr = NULL;
	struct ph_vars vars = PH_VARS_INIT;
	struct form_photo photo = { 0 };
	unsigned char *photo_bytes = NULL;
	size_t photo_n = 0;
	int rc;

	if ((rc = case_load(s, actor, number, "print", &k, err)))
		goto out;
	if ((rc = person_load(s, actor, k->person_number, "print", &pr, err)))
		goto out;
	if ((rc = set_vars(s, reg, actor, k, pr, t, lang, &vars, err)))
		goto out;
	if (t->has_photo && (rc = fetch_photo(s, actor, key, k->person_number, &photo_bytes, &photo_n, &photo, err)))
		goto out;
	if ((rc = form_render(d, t, &vars, t->has_photo ? &photo : NULL, draft, err)))
		cd_error_prefix(err, _("case %s, form %s"), number, t->id);
out:
	if (photo_bytes) {
		OPENSSL_cleanse(photo_bytes, photo_n);
		free(photo_bytes);
	}
	ph_vars_release(&vars);
	person_record_free(pr);
	case_free(k);
	return rc;
}


int case_form_check_id(const char *form_id, struct cd_error *err)
{
	char path[4096];
	if (!valid_form_id(form_id))
		return cd_error_set(err, CD_EUSAGE,
				    _("form id '%s' may use only a-z, 0-9 and _; `casedesk form list` shows them"), form_id);
	snprintf(path, sizeof path, "%s/forms/%s.ini", cd_data_dir(), form_id);
	if (access(path, R_OK) != 0)
		return cd_error_set(err, CD_ENOTFOUND, _("no form %s; `casedesk form list` shows them"), form_id);
	return CD_OK;
}

/*
 * A language asked for by name must be one the template is written in: RU or xx would
 * otherwise print the English text without a word.  (The language of the messages, when
 * none is asked for, falls back to English quietly: that is what a desk set to another
 * language wants.)
 */
static int check_lang(const char *path, const char *form_id, const char *lang, struct cd_error *err)
{
	char langs[16][4], list[96] = "en";
	size_t n = form_langs(path, langs), len = 2;
	if (strcmp(lang, "en") == 0)
		return CD_OK;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(langs[i], lang) == 0)
			return CD_OK;
		if (len < sizeof list)
			len += (size_t)snprintf(list + len, sizeof list - len, ", %s", langs[i]);
	}
	return cd_error_set(err, CD_EUSAGE, _("--lang %s: form %s is written in %s"), lang, form_id, list);
}

int case_form_print(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		    const char *form_id, const char *lang_opt, const char *const *numbers, size_t n, int draft,
		    const char *out_path, unsigned out_flags, struct cd_error *err)
{
	struct form_tpl *t = NULL;
	struct form_doc *d = NULL;
	struct bio_key key = { 0 };
	char path[4096], lang[8];
	int rc;

	/* Said before the cases are read and drawn; outfile_open checks again when writing. */
	if ((rc = case_form_check_id(form_id, err)) || (rc = outfile_check(out_path, out_flags, err)))
		return rc;
	snprintf(path, sizeof path, "%s/forms/%s.ini", cd_data_dir(), form_id);
	if (lang_opt && *lang_opt && (rc = check_lang(path, form_id, lang_opt, err)))
		return rc;
	countries_load(NULL);
	case_form_lang(lang_opt, lang);
	if ((rc = form_load(path, lang, &t, err)) || (rc = form_doc_new(&d, err)))
		goto done;
	if (t->has_photo) {
		/* Without a key the form still prints, its photo frame saying why it is empty. */
		struct cd_error ignored = CD_ERROR_INIT;
		bio_key_load(&key, &ignored);
	}
	for (size_t i = 0; i < n && rc == CD_OK; i++) {
		rc = render_case(s, reg, actor, d, t, lang, key.loaded ? &key : NULL, numbers[i], draft, err);
		if (n > 50 && isatty(2))
			fprintf(stderr, "\r%s %zu/%zu", form_id, i + 1, n);
	}
	if (n > 50 && isatty(2))
		fputc('\n', stderr);
	if (rc == CD_OK)
		rc = form_doc_save(d, out_path, out_flags, err);
done:
	bio_key_wipe(&key);
	form_doc_free(d);
	form_free(t);
	return rc;
}

int print_folder_path(const char *store_path, const char *stem, const char *ext, char *out, size_t size,
		      struct cd_error *err)
{
	/* Not when setgid: the folder next to the store is the office's, not the caller's choice. */
	const char *dir_env = cd_env("CASEDESK_PRINT_DIR");
	char dir[4096];
	struct stat sb;

	if (dir_env && *dir_env) {
		snprintf(dir, sizeof dir, "%s", dir_env);
	} else {
		const char *slash = strrchr(store_path, '/');
		if (slash)
			snprintf(dir, sizeof dir, "%.*s/forms", (int)(slash - store_path), store_path);
		else
			snprintf(dir, sizeof dir, "forms");
	}
	if (mkdir(dir, 0770) != 0 && errno != EEXIST)
		return cd_error_set(err, CD_EINPUT, _("cannot make the folder %s for printed forms: %s"), dir,
				    strerror(errno));
	/*
	 * A form printed again (or a name taken by anything, a planted link included) gets the
	 * next free name, CASE-FORM-2.pdf...: printed forms are never replaced, and the file is
	 * created O_EXCL|O_NOFOLLOW (model/base/outfile.h) should the name be taken meanwhile.
	 */
	for (int k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(out, size, "%s/%s.%s", dir, stem, ext);
		else
			snprintf(out, size, "%s/%s-%d.%s", dir, stem, k, ext);
		if (lstat(out, &sb) != 0 && errno == ENOENT)
			return CD_OK;
	}
	return cd_error_set(err, CD_EINPUT, _("%s: no free name left for %s"), dir, stem);
}

int case_form_step_path(const char *store_path, const char *number, const char *form_id, char *out,
			size_t size, struct cd_error *err)
{
	char stem[256];
	snprintf(stem, sizeof stem, "%s-%s", number, form_id);
	return print_folder_path(store_path, stem, "pdf", out, size, err);
}
