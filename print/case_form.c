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
#include "model/store/prints.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "model/base/pnm.h"
#include "model/base/outfile.h"
#include "model/base/privilege.h"
#include "print/form.h"

/*
 * Words for the letter in the letter's language, which may not be the desk's: the
 * catalogue is switched for the moment (LANGUAGE, and glibc's counter that tells gettext
 * its cache is stale) and back.
 */
extern int _nl_msg_cat_cntr;
struct lang_switch {
	char *saved;
	int had;
};

static void lang_push(const char *lang, struct lang_switch *ls)
{
	const char *cur = getenv("LANGUAGE");
	ls->had = cur != NULL;
	ls->saved = NULL;
	if (cur && !strcmp(cur, lang)) {
		ls->had = -1;      /* the desk's language already: gettext's cache stays warm */
		return;
	}
	ls->saved = cur ? strdup(cur) : NULL;
	setenv("LANGUAGE", lang, 1);
	++_nl_msg_cat_cntr;
}

static void lang_pop(struct lang_switch *ls)
{
	if (ls->had < 0)
		return;
	if (ls->had && ls->saved)
		setenv("LANGUAGE", ls->saved, 1);
	else
		unsetenv("LANGUAGE");
	free(ls->saved);
	ls->saved = NULL;
	++_nl_msg_cat_cntr;
}

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
 * only, so another office's address never shows under this office's name; a real store
 * without one prints nothing.  office.state (the MRZ's issuing State) is the office's
 * `state` setting when set (set_vars), else the package's.
 */
static int office_letterhead_vars(struct cd_store *s, const char *lang, struct ph_vars *v, struct cd_error *err)
{
	struct cd_letterhead lh;
	int found, rc;

	if ((rc = office_letterhead(s, lang, &lh, &found, err)))
		return rc;
	/* A real office's letter never goes out under the package's example address (a training
	 * store, the demo's among them, may print it: it is an example office). */
	if (!found && !store_is_training(s))
		return cd_error_set(err, CD_EINPUT,
				    _("this office has no letterhead of its own yet, and its letters would carry the "
				      "package's example address; an admin sets it: `casedesk office set name \"...\"`, "
				      "then address and phone"));
	if (!found)
		return CD_OK;
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
	/* The issuing State the office set (`office set state`) over the package's example. */
	char *state = NULL;
	if ((rc = office_get(s, "state", NULL, &state, err)))
		return rc;
	if (state && *state && ph_set(v, "office.state", state))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	free(state);
	if (rc)
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

/* ---- what a decision letter carries (issue 14) --------------------------------------- */

/* The appeal's time limit in words in the letter's language: 30d -> "30 days". */
static void limit_words(const char *limit, char *out, size_t size)
{
	struct wf_duration d;
	struct cd_error ignored = CD_ERROR_INIT;
	unsigned long n;

	out[0] = '\0';
	if (!limit || wf_duration_parse(limit, &d, &ignored) != CD_OK)
		return;
	n = (unsigned long)d.amount;
	switch (d.unit) {
	case WF_DAYS:
		snprintf(out, size, ngettext("%d day", "%d days", n), d.amount);
		break;
	case WF_WORKING_DAYS:
		snprintf(out, size, ngettext("%d working day", "%d working days", n), d.amount);
		break;
	case WF_WEEKS:
		snprintf(out, size, ngettext("%d week", "%d weeks", n), d.amount);
		break;
	case WF_MONTHS:
		snprintf(out, size, ngettext("%d month", "%d months", n), d.amount);
		break;
	default:
		break;
	}
}

/* The role a decider acted in, as a letter says it. */
static const char *role_words(unsigned roles)
{
	if (roles & CD_ROLE_SUPERVISOR)
		return _("Supervisor");
	if (roles & CD_ROLE_CASEWORKER)
		return _("Caseworker");
	if (roles & CD_ROLE_CLERK)
		return _("Clerk");
	if (roles & CD_ROLE_ADMIN)
		return _("Administrator");
	return "";
}

/*
 * The postal address under the addressee's name: a postal address, else where they
 * live, else where they stay; the newest of its kind.  "" when the record has none: the
 * letter is then refused (a decision that cannot be served starts no time limit).
 */
static void person_address(const struct cd_person_record *pr, const char *lang, struct cd_buf *out)
{
	static const char *const kinds[] = { "postal", "residence", "stay" };
	const struct cd_address *a = NULL;

	for (size_t k = 0; k < 3 && !a; k++)
		for (size_t i = 0; i < pr->n_addresses; i++)
			if (pr->addresses[i].kind && !strcmp(pr->addresses[i].kind, kinds[k]))
				a = &pr->addresses[i];
	if (!a || !a->line || !*a->line)
		return;
	buf_puts(out, a->line);
	if ((a->city && *a->city) || a->country[0]) {
		const char *country = a->country[0] ? country_name_in(a->country, lang) : NULL;
		buf_puts(out, "\n");
		if (a->city && *a->city)
			buf_puts(out, a->city);
		if (a->city && *a->city && a->country[0])
			buf_puts(out, ", ");
		if (a->country[0])
			buf_puts(out, country ? country : a->country);
	}
}

/*
 * The event that made the decision the letter is for: the newest step of this case whose
 * transition prints this form (`form = decision_grant` in the workflow).  -1 when the
 * history has none: the decision the letter records was not taken, and the letter is
 * refused (not signed by whoever last moved the case, nor dated by its last step).
 */
static long decision_event(const struct workflow *wf, const char *form_id, const struct cd_history_row *rows,
			   size_t n)
{
	for (size_t i = n; i-- > 0;) {
		const struct wf_transition *t;
		if (!rows[i].kind || strcmp(rows[i].kind, "transition") || !rows[i].transition)
			continue;
		if ((t = wf_find_transition(wf, rows[i].transition)) && t->form && !strcmp(t->form, form_id))
			return (long)i;
	}
	return -1;
}

/*
 * decision.date, decision.by_name, decision.by_role and decision.legal_basis from the
 * decision's own event (not the print day and the printing user); appeal.* from the
 * office's settings; person.address; print.copy and print.date for a reprint.  Values
 * the case lacks stay empty, and the form is then refused naming them (check_values).
 */
static int letter_vars(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const struct workflow *wf,
		       const struct cd_case *k, const struct cd_person_record *pr, const char *form_id, int decision,
		       int draft, const char *lang, struct ph_vars *v, struct cd_error *err)
{
	struct cd_history_row *rows = NULL;
	struct cd_office_appeal appeal = { 0 };
	struct cd_buf addr = CD_BUF_INIT;
	struct lang_switch ls;
	char date[16] = "", words[64] = "", first[11];
	const char *by = "", *role = "", *basis = "";
	size_t n = 0;
	int rc, printed = 0;

	lang_push(lang, &ls);
	/* The history only for a decision's letter: a batch of acknowledgements reads none. */
	if ((decision && (rc = case_history(s, actor, k->number, NULL, &rows, &n, err))) ||
	    (rc = office_appeal(s, lang, &appeal, err)))
		goto out;
	long at = decision ? decision_event(wf, form_id, rows, n) : -1;
	const struct wf_state *st = wf_find_state(wf, k->state);
	const char *decided = "";
	/* A preview may be read before the step is taken: its gaps are marked, not refused. */
	if (decision && at < 0 && !draft) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("no step of case %s produced form %s; the decision it records was not taken"),
				  k->number, form_id);
		goto out;
	}
	if (at >= 0) {
		const struct cd_history_row *e = &rows[at];
		const struct wf_transition *t = wf_find_transition(wf, e->transition);
		const struct wf_state *to = e->to_state ? wf_find_state(wf, e->to_state) : NULL;
		struct cd_actor decider;
		struct cd_error ignored = CD_ERROR_INIT;
		unsigned roles = t ? t->roles : 0;
		snprintf(date, sizeof date, "%.10s", e->at ? e->at : "");
		by = e->user ? e->user : "";
		/* The role they decided in: theirs that the step asks for (the step's when they are gone). */
		if (user_by_name(s, by, &decider, &ignored) == CD_OK && (decider.roles & roles))
			roles &= decider.roles;
		role = role_words(roles);
		if (to && to->legal_basis)
			basis = to->legal_basis;
		/* The state decided, in the letter's language: a refusal appealed since still says
		 * what was refused, not "appeal lodged". */
		decided = to ? to->title : e->to_state ? e->to_state : "";
	}
	if (!*basis && at < 0 && st && st->legal_basis)
		basis = st->legal_basis;
	/* A case decided on an older version (before legal_basis): the law of the current one. */
	const struct workflow *now = *basis ? NULL : registry_current(reg, wf->id);
	const struct wf_state *now_st = now ? wf_find_state(now, at >= 0 && rows[at].to_state ? rows[at].to_state : k->state) : NULL;
	if (now_st && now_st->legal_basis)
		basis = now_st->legal_basis;
	limit_words(appeal.limit, words, sizeof words);
	person_address(pr, lang, &addr);
	if (decision && !draft && (rc = prints_count(s, k->number, form_id, &printed, first, err)))
		goto out;
	if (ph_set(v, "decision.date", date) || ph_set(v, "decision.by_name", by) ||
	    ph_set(v, "decision.by_role", role) ||
	    ph_set(v, "decision.state_title", decided) || ph_set(v, "decision.legal_basis", basis) ||
	    ph_set(v, "appeal.court", appeal.court) || ph_set(v, "appeal.court_address", appeal.court_address) ||
	    ph_set(v, "appeal.limit", appeal.limit) || ph_set(v, "appeal.limit_words", words) ||
	    ph_set(v, "person.address", addr.data ? addr.data : "") || ph_set(v, "print.copy", printed ? "yes" : "") ||
	    ph_set(v, "print.date", ph_get(v, "today")))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	/* A preview's mark in the letter's language, not the desk's (print/form.c draws it). */
	if (rc == CD_OK && draft &&
	    (ph_set(v, "draft.word", _("DRAFT")) || ph_set(v, "draft.note", _("DRAFT - a preview, not a valid document"))))
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
out:
	lang_pop(&ls);
	buf_release(&addr);
	office_appeal_release(&appeal);
	case_history_free(rows, n);
	return rc;
}

/* Whether the comma-separated list holds name. */
static int listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p && *p;) {
		p += strspn(p, ", ");
		size_t n = strcspn(p, ", ");
		if (n == len && n && !strncmp(p, name, n))
			return 1;
		p += n;
	}
	return 0;
}

struct need {
	const struct ph_vars *v;
	const char *opt_form, *opt_block;
	char missing[PH_NAME_MAX + 1];
};

static void need_one(void *ctx, const char *name, size_t pos)
{
	struct need *nd = ctx;
	const char *val = ph_get_either(nd->v, name);
	(void)pos;
	if (nd->missing[0] || (val && *val))
		return;
	/* {a|b} is optional when one of its names is. */
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "|");
		char one[PH_NAME_MAX + 1];
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		if (listed(nd->opt_form, one) || listed(nd->opt_block, one))
			return;
		p += len + (p[len] == '|');
	}
	snprintf(nd->missing, sizeof nd->missing, "%s", name);
}

/* What a missing placeholder is, in words a clerk can act on (a field: its label). */
static void missing_words(const struct workflow *wf, const struct cd_case *k, const char *name, char *out,
			  size_t size)
{
	static const struct {
		const char *name, *words;
	} words[] = {
		{ "person.address", N_("the person's postal address (add one with `casedesk person address %s --line ...`)") },
		{ "office.employment_service", N_("the employment service (an admin sets it: `casedesk office set employment_service ...`)") },
		{ "office.employment_service_address", N_("the employment service's address (an admin sets it: `casedesk office set employment_service_address ...`)") },
		{ "appeal.court", N_("the office's appeal court (an admin sets it: `casedesk office set appeal_court ...`)") },
		{ "appeal.court_address", N_("the appeal court's address (an admin sets it: `casedesk office set appeal_court_address ...`)") },
		{ "appeal.limit", N_("the time allowed for an appeal (an admin sets it: `casedesk office set appeal_limit 30d`)") },
		{ "appeal.limit_words", N_("the time allowed for an appeal (an admin sets it: `casedesk office set appeal_limit 30d`)") },
		{ "decision.state_title", N_("the state decided: no step of the case's history printed this form") },
		{ "decision.date", N_("the decision's date: no step into this state is in the case's history") },
		{ "decision.by_name", N_("the decider: no step into this state is in the case's history") },
		{ "decision.by_role", N_("the decider's role: no step into this state is in the case's history") },
		{ "decision.legal_basis", N_("the legal basis (legal_basis in the workflow's decision state)") },
		{ "person.given", N_("the person's given names") },
		{ "person.surname", N_("the person's surname") },
		{ "person.dob", N_("the person's date of birth") },
		{ "person.birth_place", N_("the person's place of birth") },
		{ "person.document_number", N_("the person's passport or identity document") },
		{ "person.document_issuer", N_("the issuer of the person's document") },
		{ "person.document_expires", N_("the expiry of the person's document") },
		{ "case.due", N_("the case's deadline") },
		{ "case.assignee", N_("the case's caseworker") },
	};
	char first[PH_NAME_MAX + 1];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(name, "|"), name);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(first, words[i].name)) {
			snprintf(out, size, _(words[i].words), k->person_number);
			return;
		}
	/* A field: by its label; with {a|b}, the one of this case's workflow. */
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "|");
		if (len > 6 && !strncmp(p, "field.", 6)) {
			char id[PH_NAME_MAX + 1];
			snprintf(id, sizeof id, "%.*s", (int)len - 6, p + 6);
			if (wf_find_field(wf, id)) {
				snprintf(out, size, _("the field \"%s\""), wf_field_label(wf, id));
				return;
			}
		}
		p += len + (p[len] == '|');
	}
	if (!strncmp(first, "field.", 6))
		snprintf(out, size, _("the field %s (workflow %s has no such field)"), first + 6, wf->id);
	else
		snprintf(out, size, "%s", first);
}

/* check_values for one text: the first missing value refuses, or is marked in a preview. */
static int check_text(const struct form_tpl *t, const struct form_block *b, const char *text,
		      const struct workflow *wf, const struct cd_case *k, int draft, struct ph_vars *v,
		      struct cd_error *err)
{
	for (;;) {
		struct need nd = { v, t->optional, b->optional, "" };
		char what[512];
		ph_scan_whole(text, need_one, &nd);
		if (!nd.missing[0])
			return CD_OK;
		missing_words(wf, k, nd.missing, what, sizeof what);
		if (!draft)
			return cd_error_set(err, CD_EINPUT, _("case %s lacks %s: form %s needs it, and nothing was printed"),
					    k->number, what, t->id);
		/* The preview shows the gap: each name of {a|b} gets the mark, so the loop ends. */
		char mark[600];
		snprintf(mark, sizeof mark, "[%s: %s]", _("missing"), what);
		for (const char *p = nd.missing; *p;) {
			size_t len = strcspn(p, "|");
			char one[PH_NAME_MAX + 1];
			snprintf(one, sizeof one, "%.*s", (int)len, p);
			if (ph_set(v, one, mark))
				return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			p += len + (p[len] == '|');
		}
	}
}

/*
 * A letter never leaves a hole in a sentence: every placeholder of the blocks drawn must
 * have a value, unless the template marks it optional (`optional = ...` in [form] or the
 * block).  The first missing one refuses the form (CD_EINPUT, as an MRZ without its
 * field), named in words.  A preview prints instead, with "[missing: ...]" in its place.
 */
static int check_values(const struct form_tpl *t, const struct workflow *wf, const struct cd_case *k, int draft,
			struct ph_vars *v, struct cd_error *err)
{
	for (size_t i = 0; i < t->n_blocks; i++) {
		const struct form_block *b = &t->blocks[i];
		/* A text block's text; each value of a rows block (a card sheet's "Sex | {person.sex}"). */
		size_t n_texts = b->kind == FORM_ROWS ? b->n_rows : b->text && b->kind != FORM_MRZ ? 1 : 0;
		for (size_t j = 0; j < n_texts; j++) {
			const char *text = b->kind == FORM_ROWS ? b->values[j] : b->text;
			int rc = check_text(t, b, text, wf, k, draft, v, err);
			if (rc)
				return rc;
		}
	}
	return CD_OK;
}

/* The template as drawn for these values: a block with `when = NAME` only when NAME has a value. */
static int template_view(const struct form_tpl *t, const struct ph_vars *v, struct form_tpl *view,
			 struct cd_error *err)
{
	*view = *t;
	view->blocks = malloc((t->n_blocks ? t->n_blocks : 1) * sizeof *view->blocks);
	if (!view->blocks)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	view->n_blocks = 0;
	for (size_t i = 0; i < t->n_blocks; i++) {
		const char *when = t->blocks[i].when;
		const char *val = when ? ph_get_either(v, when) : NULL;
		if (!when || (val && *val))
			view->blocks[view->n_blocks++] = t->blocks[i];
	}
	return CD_OK;
}

/*
 * The forms index says in which states a form may be printed (`states =`, `outcomes =`):
 * a grant for a refused case is refused (CD_EREFUSED) naming the state and the states the
 * form is for.
 */
static int check_state(const struct wf_known *known, const struct workflow *wf, const struct cd_case *k,
		       const char *form_id, struct cd_error *err)
{
	const struct wf_state *st = wf_find_state(wf, k->state);
	const char *outcome = st ? st->outcome : NULL;
	size_t i;

	if (!known || wf_form_allows(known, form_id, k->workflow_id, k->state, outcome))
		return CD_OK;
	for (i = 0; i < known->n_forms && strcmp(known->forms[i], form_id); i++)
		;
	struct cd_buf said = CD_BUF_INIT;
	if (i < known->n_forms && known->states && known->states[i])
		buf_puts(&said, known->states[i]);
	if (i < known->n_forms && known->outcomes && known->outcomes[i])
		buf_printf(&said, "%s%s %s", said.len ? "; " : "", _("outcomes"), known->outcomes[i]);
	int rc = cd_error_set(err, CD_EREFUSED,
			      _("form %s is not for case %s: it is in state %s (%s), and the forms index allows %s only in %s"),
			      form_id, k->number, k->state, st ? st->title : k->state, form_id,
			      said.data ? said.data : _("no state"));
	buf_release(&said);
	return rc;
}

/* Loads case and person (audited as "print") and adds one page. */
static int render_case(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, struct form_doc *d,
		       const struct form_tpl *t, const struct wf_known *known, const char *lang,
		       const struct bio_key *key, const char *number, int draft, struct cd_error *err)
{
	struct cd_case *k = NULL;
	struct cd_person_record *pr = NULL;
	struct ph_vars vars = PH_VARS_INIT;
	struct form_photo photo = { 0 };
	struct form_tpl view = { 0 };
	const struct workflow *wf = NULL;
	unsigned char *photo_bytes = NULL;
	size_t photo_n = 0;
	int rc;

	if ((rc = case_load(s, actor, number, "print", &k, err)))
		goto out;
	if ((rc = registry_for_case(reg, s, k->workflow_id, k->workflow_version, &wf, err)))
		goto out;
	/* A preview may be printed in any state: the decider reads the letter before deciding,
	 * and its DRAFT mark keeps it from being served.  A print, only where the index says. */
	if (!draft && (rc = check_state(known, wf, k, t->id, err)))
		goto out;
	if ((rc = person_load(s, actor, k->person_number, "print", &pr, err)))
		goto out;
	if ((rc = set_vars(s, reg, actor, k, pr, t, lang, &vars, err)))
		goto out;
	if ((rc = letter_vars(s, reg, actor, wf, k, pr, t->id, wf_form_is_decision(known, t->id), draft, lang, &vars, err)))
		goto out;
	if ((rc = template_view(t, &vars, &view, err)))
		goto out;
	/* An MRZ names its own missing field, before a preview marks the gaps in the values. */
	for (size_t i = 0; i < view.n_blocks && rc == CD_OK; i++)
		if (view.blocks[i].kind == FORM_MRZ) {
			char lines[3][45];
			int n_lines;
			if ((rc = form_mrz_lines(view.blocks[i].text, &vars, lines, &n_lines, err)))
				cd_error_prefix(err, _("case %s, form %s"), number, t->id);
		}
	if (rc || (rc = check_values(&view, wf, k, draft, &vars, err)))
		goto out;
	if (t->has_photo && (rc = fetch_photo(s, actor, key, k->person_number, &photo_bytes, &photo_n, &photo, err)))
		goto out;
	if ((rc = form_render(d, &view, &vars, t->has_photo ? &photo : NULL, draft, err)))
		cd_error_prefix(err, _("case %s, form %s"), number, t->id);
out:
	free(view.blocks);
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

/* Cases read in one transaction in a batch: its write lock is held while they are drawn
 * (about 2 ms a letter), which another desk waits out (store_begin retries). */
#define BATCH_AUDIT 64

static int cmp_number(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A batch names each case once: the same case twice would print two originals of one
 * decision (the second is not a copy: the prints are recorded after the file is written).
 * Sorted copies of the pointers, so a batch of 100,000 is checked in n log n.
 */
static int check_batch(const char *const *numbers, size_t n, struct cd_error *err)
{
	const char **sorted;
	int rc = CD_OK;
	if (n < 2)
		return CD_OK;
	if (!(sorted = malloc(n * sizeof *sorted)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	memcpy(sorted, numbers, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_number);
	for (size_t i = 1; i < n && rc == CD_OK; i++)
		if (!strcmp(sorted[i - 1], sorted[i]))
			rc = cd_error_set(err, CD_EUSAGE,
					  _("case %s is named twice in the batch: it would print as two originals; name "
					    "each case once"),
					  sorted[i]);
	free(sorted);
	return rc;
}

int case_form_print(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		    const char *form_id, const char *lang_opt, const char *const *numbers, size_t n, int draft,
		    const char *out_path, unsigned out_flags, struct cd_error *err)
{
	int pages;
	return case_form_print_pages(s, reg, actor, form_id, lang_opt, numbers, n, draft, out_path, out_flags,
				     &pages, err);
}

int case_form_print_pages(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
			  const char *form_id, const char *lang_opt, const char *const *numbers, size_t n, int draft,
			  const char *out_path, unsigned out_flags, int *pages, struct cd_error *err)
{
	struct form_tpl *t = NULL;
	struct form_doc *d = NULL;
	struct bio_key key = { 0 };
	struct wf_known known = { 0 };
	char path[4096], lang[8];
	int rc, have_known;

	*pages = 0;
	/* "-" is no file here: a PDF is binary, and a terminal or a pipe is no place for it. */
	if (out_path && !strcmp(out_path, "-"))
		return cd_error_set(err, CD_EUSAGE,
				    _("-o -: a PDF is binary and is not written to standard output; give a file name "
				      "(-o FILE.pdf)"));
	/* Said before the cases are read and drawn; outfile_open checks again when writing. */
	if ((rc = case_form_check_id(form_id, err)) || (rc = outfile_check(out_path, out_flags, err)) ||
	    (rc = check_batch(numbers, n, err)))
		return rc;
	snprintf(path, sizeof path, "%s/forms/%s.ini", cd_data_dir(), form_id);
	if (lang_opt && *lang_opt && (rc = check_lang(path, form_id, lang_opt, err)))
		return rc;
	countries_load(NULL);
	case_form_lang(lang_opt, lang);
	/* The forms index: in which states each form prints, which are a decision's letters. */
	snprintf(path, sizeof path, "%s/forms/index.ini", cd_data_dir());
	if ((rc = wf_known_load(path, &known, err)))
		return rc;
	have_known = 1;
	snprintf(path, sizeof path, "%s/forms/%s.ini", cd_data_dir(), form_id);
	if ((rc = form_load(path, lang, &t, err)) || (rc = form_doc_new(&d, err)))
		goto done;
	if (t->has_photo) {
		/* Without a key the form still prints, its photo frame saying why it is empty. */
		struct cd_error ignored = CD_ERROR_INIT;
		bio_key_load(&key, &ignored);
	}
	/* The reads' audit rows of a batch are committed BATCH_AUDIT cases at a time: one fsync
	 * for them all instead of two a case (8 s of 10 for 1,000 letters).  A chunk is committed
	 * whatever happens in it, so no read goes unrecorded. */
	int progress = n > 50 && isatty(2);
	for (size_t i = 0; i < n && rc == CD_OK; i += BATCH_AUDIT) {
		size_t end = i + BATCH_AUDIT < n ? i + BATCH_AUDIT : n;
		int chunk = end - i > 1;
		if (chunk && (rc = store_begin(s, err)))
			break;
		for (size_t j = i; j < end && rc == CD_OK; j++) {
			rc = render_case(s, reg, actor, d, t, &known, lang, key.loaded ? &key : NULL, numbers[j], draft, err);
			if (progress)
				fprintf(stderr, "\r%s %zu/%zu", form_id, j + 1, n);
		}
		if (chunk) {
			struct cd_error cerr = CD_ERROR_INIT;
			int crc = store_commit(s, &cerr);
			if (rc == CD_OK && crc != CD_OK) {
				rc = crc;
				*err = cerr;
			}
		}
	}
	if (progress)
		fputc('\n', stderr);
	if (rc == CD_OK)
		rc = form_doc_save(d, out_path, out_flags, err);
	if (rc == CD_OK)
		*pages = form_doc_pages(d);
	/* Written out: a decision letter printed again will say "copy". */
	if (rc == CD_OK && !draft && wf_form_is_decision(&known, form_id))
		rc = prints_record(s, actor, form_id, numbers, n, err);
done:
	if (have_known)
		wf_known_release(&known);
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
