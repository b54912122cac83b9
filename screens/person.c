/*
 * person.c - one person on one screen: names in the original script and in ICAO Latin
 * form, birth, nationality, documents, aliases, addresses, family, biometrics, and every
 * case of this person in every workflow.  Opening it is audited (purpose: casework); a
 * refresh is not.
 *
 * The person's edits are small forms on this screen (issue 13): correct bio-data with a
 * reason, add or expire a document, add an alias, an address, link a relative found by
 * search.  Each form is one model call (model/store/person.h, person_edit.h), so the
 * rules, events and audit rows are the command line's; after a save the screen reads
 * the person again and shows what is stored.  Documents, relatives and cases are rows
 * the cursor moves through: Enter opens a relative or a case, x expires a document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/store/conflicts.h"
#include "model/store/dupes.h"
#include "model/base/i18n.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "model/store/roles.h"
#include "model/store/search.h"
#include "workflow/assign.h"
#include "workflow/deadline.h"
#include "screens/input.h"
#include "screens/columns.h"
#include "screens/fmt.h"
#include "screens/natlookup.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { P_NEW_CASE = A_SCREEN_FIRST, P_BIOMETRICS, P_CORRECT, P_DOCUMENT, P_EXPIRE, P_ALIAS, P_LINK, P_ADDRESS };
/* The national tier's cases of this person (issue 15): numbered apart, for easy merges. */
enum { P_NATIONAL = A_SCREEN_FIRST + 40 };

static const struct ui_action person_actions[] = {
	{ A_OPEN, "open", "Enter", N_("open the highlighted case or relative") },
	{ A_UP, "up", "Up", N_("previous row (documents, family, cases)") },
	{ A_DOWN, "down", "Down", N_("next row (documents, family, cases)") },
	{ P_NEW_CASE, "new-case", "c", N_("open a new case for this person (then choose the workflow)") },
	{ P_BIOMETRICS, "biometrics", "b", N_("biometrics: enrol or verify") },
	{ P_CORRECT, "person-correct", "e", N_("correct bio-data (names, sex, birth, nationality) with a reason") },
	{ P_DOCUMENT, "person-document", "d", N_("add an identity document (checked against the lost/stolen list)") },
	{ P_EXPIRE, "person-expire", "x", N_("expire the highlighted document, with a reason") },
	{ P_ALIAS, "person-alias", "n", N_("add an alias: a previous name, another spelling") },
	{ P_LINK, "person-link", "l", N_("link a relative, found by person number or name") },
	{ P_ADDRESS, "person-address", "w", N_("add an address") },
	{ P_NATIONAL, "person-national", "N", N_("the person's cases at other offices, from the national tier (read-only)") },
	{ A_SAVE, "save", "F5 ^S", N_("in a form: save") },
};

/* ---- the forms ------------------------------------------------------------------------ */

enum pform_kind { PF_NONE, PF_CORRECT, PF_DOCUMENT, PF_EXPIRE, PF_ALIAS, PF_LINK, PF_ADDRESS };

#define PF_MAX 10
#define PF_TEXT (INPUT_MAX * 4 + 1)

/* The correction form's fields, in the order of model/store/person_edit.c's field words. */
static const char *const correct_fields[] = {
	"surname", "given", "surname_latin", "given_latin", "sex", "dob", "nationality", "birth_place",
};
enum { CF_SURNAME, CF_GIVEN, CF_SURNAME_LATIN, CF_GIVEN_LATIN, CF_SEX, CF_DOB, CF_NATIONALITY, CF_BIRTH_PLACE,
       CF_REASON, CF_COUNT };

struct pform {
	enum pform_kind kind;
	const char *title;                    /* N_() */
	int n, focus;
	const char *labels[PF_MAX];           /* N_() */
	const char *hints[PF_MAX];            /* N_(), or NULL */
	int upper[PF_MAX];                    /* the store wants capitals: codes, sex, Latin forms */
	struct input in[PF_MAX];
	char orig[CF_COUNT][PF_TEXT];         /* correction: the values as read, to send only changes */
	int64_t version;                      /* correction: the row version read */
	int stale;                            /* correction: another desk changed the person */
	int changed;                          /* something was typed: leaving asks first */
	int need_reason;                      /* document: a lost/stolen hit asks why to go on */
	char doc_number[64];                  /* expiry: the document */
	/* link: the people the Find field found; the results are a row between Find and Relation */
	struct cd_search_hit *hits;
	size_t n_hits, hit, n_all;            /* shown, picked, held (freed) */
	char searched[PF_TEXT];
};

/* The link form's rows: Find, then the results (a pseudo field), then Relation. */
enum { LF_FIND, LF_RESULTS, LF_RELATION, LF_COUNT };

struct person_view {
	char number[32];
	struct cd_person_record *r;
	struct cd_bio_dupe *bio_dupes;   /* the same fingers under another record (dupes.h) */
	size_t n_bio_dupes;
	char disputed[160];      /* fields with an open sync conflict (conflicts.h), "" when none */
	size_t selected;         /* a row of: documents, then relatives, then cases */
	int placed;              /* the selection was put on the first case once */
	int choosing;            /* asked which workflow a new case is for */
	struct pform form;
};

static size_t n_rows(const struct person_view *p)
{
	return p->r->n_documents + p->r->n_relatives + p->r->n_cases;
}

/* What row `sel` is: 'd' document, 'f' relative, 'c' case, with its index; 0 for none. */
static int row_of(const struct person_view *p, size_t sel, size_t *idx)
{
	const struct cd_person_record *r = p->r;
	if (sel < r->n_documents) {
		*idx = sel;
		return 'd';
	}
	sel -= r->n_documents;
	if (sel < r->n_relatives) {
		*idx = sel;
		return 'f';
	}
	sel -= r->n_relatives;
	if (sel < r->n_cases) {
		*idx = sel;
		return 'c';
	}
	return 0;
}

static int load(struct screen *sc, const char *purpose, struct cd_error *err)
{
	struct person_view *p = sc->data;
	struct cd_person_record *r = NULL;
	struct cd_bio_dupe *bd = NULL;
	size_t nbd = 0;
	int rc = person_load(sc->ui->store, &sc->ui->actor, p->number, purpose, &r, err);
	if (rc)
		return rc;
	/* Read with the person, whose view person_load audited. */
	if ((rc = dupes_biometric(sc->ui->store, &sc->ui->actor, r->person.number, NULL, &bd, &nbd, err))) {
		person_record_free(r);
		return rc;
	}
	/* A field another store changed too waits for a supervisor: the caseworker reading it
	 * should know the value may change. */
	if ((rc = conflict_open_fields(sc->ui->store, r->person.uuid, p->disputed, sizeof p->disputed, err))) {
		person_record_free(r);
		free(bd);
		return rc;
	}
	person_record_free(p->r);
	p->r = r;
	free(p->bio_dupes);
	p->bio_dupes = bd;
	p->n_bio_dupes = nbd;
	/* The cursor starts on the first case (what a caseworker opens most), then stays put. */
	if (!p->placed) {
		p->selected = r->n_cases ? r->n_documents + r->n_relatives : 0;
		p->placed = 1;
	}
	if (p->selected >= n_rows(p))
		p->selected = n_rows(p) ? n_rows(p) - 1 : 0;
	return CD_OK;
}

static void form_close(struct pform *f)
{
	search_hits_free(f->hits, f->n_all);
	memset(f, 0, sizeof *f);
}

static void person_reload(struct screen *sc)
{
	struct cd_error err = CD_ERROR_INIT;
	if (load(sc, NULL, &err))
		ui_error(sc->ui, "%s", err.msg);
}

static int person_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct person_view *p = calloc(1, sizeof *p);
	int rc;
	if (!p)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	snprintf(p->number, sizeof p->number, "%s", arg ? arg : "");
	sc->data = p;
	if ((rc = load(sc, "casework", err))) {
		free(p);
		sc->data = NULL;
	}
	return rc;
}

static void person_close(struct screen *sc)
{
	struct person_view *p = sc->data;
	if (!p)
		return;
	form_close(&p->form);
	person_record_free(p->r);
	free(p->bio_dupes);
	free(p);
}

static int person_wants_text(const struct screen *sc)
{
	const struct person_view *p = sc->data;
	return p && p->form.kind != PF_NONE;
}

static void field(struct pform *f, const char *label, const char *hint, int upper, const char *value)
{
	f->labels[f->n] = label;
	f->hints[f->n] = hint;
	f->upper[f->n] = upper;
	/* A value given (the nationality, today) is a suggestion: the first key replaces it. */
	input_prefill(&f->in[f->n], value);
	f->n++;
}

static void get(const struct pform *f, int i, char *buf)
{
	input_get(&f->in[i], buf, PF_TEXT);
	if (f->upper[i])
		for (char *c = buf; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
}

static void correct_orig(struct pform *f, const struct cd_person *pe)
{
	const char *v[CF_REASON] = { pe->surname, pe->given, pe->surname_latin, pe->given_latin, pe->sex, pe->dob,
				     pe->nationality, pe->birth_place };
	for (int i = 0; i < CF_REASON; i++)
		snprintf(f->orig[i], sizeof f->orig[i], "%s", v[i] ? v[i] : "");
	f->version = pe->row_version;
}

static void form_start(struct person_view *p, enum pform_kind kind, long today)
{
	struct pform *f = &p->form;
	const struct cd_person *pe = &p->r->person;
	char day[16];

	form_close(f);
	f->kind = kind;
	cd_days_format(today, day, sizeof day);
	switch (kind) {
	case PF_CORRECT:
		f->title = N_("Correct bio-data");
		correct_orig(f, pe);
		field(f, N_("Surname (as written)"), NULL, 0, f->orig[CF_SURNAME]);
		field(f, N_("Given names"), NULL, 0, f->orig[CF_GIVEN]);
		field(f, N_("Surname, ICAO Latin"), N_("derived from a new name"), 1, f->orig[CF_SURNAME_LATIN]);
		field(f, N_("Given, ICAO Latin"), N_("derived from a new name"), 1, f->orig[CF_GIVEN_LATIN]);
		field(f, N_("Sex (M/F/X)"), NULL, 1, f->orig[CF_SEX]);
		field(f, N_("Date of birth"), N_("YYYY, YYYY-MM or YYYY-MM-DD"), 0, f->orig[CF_DOB]);
		field(f, N_("Nationality (AAA)"), NULL, 1, f->orig[CF_NATIONALITY]);
		field(f, N_("Place of birth"), NULL, 0, f->orig[CF_BIRTH_PLACE]);
		field(f, N_("Reason *"), N_("why: goes into the history"), 0, "");
		f->focus = CF_SURNAME;
		break;
	case PF_DOCUMENT:
		f->title = N_("Add a document");
		field(f, N_("Kind"), N_("passport, id, travel ..."), 0, "passport");
		field(f, N_("Number *"), NULL, 1, "");
		field(f, N_("Issued by (AAA) *"), NULL, 1, pe->nationality);
		field(f, N_("Issued"), N_("YYYY-MM-DD"), 0, "");
		field(f, N_("Expires"), N_("YYYY-MM-DD"), 0, "");
		f->focus = 1;
		break;
	case PF_EXPIRE:
		f->title = N_("Expire a document");
		field(f, N_("Expires on *"), N_("YYYY-MM-DD; today by default"), 0, day);
		field(f, N_("Reason *"), N_("lost, stolen, replaced ..."), 0, "");
		f->focus = 0;   /* top to bottom: the day (today, selected), then the reason */
		break;
	case PF_ALIAS:
		f->title = N_("Add an alias");
		field(f, N_("Surname *"), NULL, 0, "");
		field(f, N_("Given names *"), NULL, 0, "");
		field(f, N_("Kind"), N_("previous, birth, spelling ..."), 0, "alias");
		break;
	case PF_LINK:
		f->title = N_("Link a relative");
		field(f, N_("Find *"), N_("number or name; Enter finds"), 0, "");
		field(f, N_("Person"), N_("Up/Down pick, Enter takes"), 0, "");
		field(f, N_("Relation *"), N_("spouse, child, parent, sibling"), 0, "");
		break;
	case PF_ADDRESS:
		f->title = N_("Add an address");
		field(f, N_("Kind"), N_("residence, stay, postal ..."), 0, "residence");
		field(f, N_("Street and house *"), NULL, 0, "");
		field(f, N_("City"), NULL, 0, "");
		field(f, N_("Country (AAA)"), NULL, 1, "");
		field(f, N_("Since"), N_("YYYY-MM-DD"), 0, "");
		f->focus = 1;
		break;
	case PF_NONE:
		break;
	}
}

/* The link form: runs the search for what Find holds (audited as the search screen's are). */
static void link_search(struct screen *sc)
{
	struct person_view *p = sc->data;
	struct pform *f = &p->form;
	struct cd_error err = CD_ERROR_INIT;
	char q[PF_TEXT];

	get(f, LF_FIND, q);
	if (!q[0] || strcmp(q, f->searched) == 0)
		return;
	search_hits_free(f->hits, f->n_all);
	f->hits = NULL;
	f->n_hits = f->hit = f->n_all = 0;
	snprintf(f->searched, sizeof f->searched, "%s", q);
	if (search_read(sc->ui->store, &sc->ui->actor, q, 8, "casework", &f->hits, &f->n_hits, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	/* Not the person themself, nor a hit that names no one (another unit's case). */
	size_t kept = 0;
	f->n_all = f->n_hits;
	for (size_t i = 0; i < f->n_all; i++) {
		if (f->hits[i].other_unit || strcmp(f->hits[i].number, p->number) == 0)
			continue;
		/* Kept ones to the front, the others behind (still freed with the array). */
		struct cd_search_hit t = f->hits[kept];
		f->hits[kept++] = f->hits[i];
		f->hits[i] = t;
	}
	f->n_hits = kept;
	if (!kept)
		ui_error(sc->ui, "%s", _("no one found; try the person number or another spelling"));
}

static void form_save(struct screen *sc)
{
	struct person_view *p = sc->data;
	struct pform *f = &p->form;
	struct cd_error err = CD_ERROR_INIT;
	char v[PF_MAX][PF_TEXT];
	const char *done = NULL;
	int rc = CD_OK;

	for (int i = 0; i < f->n; i++)
		get(f, i, v[i]);
	switch (f->kind) {
	case PF_CORRECT: {
		struct cd_person_fix fixes[CF_REASON];
		size_t n = 0;
		for (int i = 0; i < CF_REASON; i++)
			if (strcmp(v[i], f->orig[i]) != 0)
				fixes[n++] = (struct cd_person_fix){ correct_fields[i], v[i] };
		int64_t now = 0;
		rc = person_correct(sc->ui->store, &sc->ui->actor, p->number, f->version, fixes, n, v[CF_REASON], &now,
				    &err);
		if (rc == CD_ECONFLICT) {
			f->stale = 1;
			ui_error(sc->ui, "%s", _("another desk changed this person: ^R reads it again, your input stays"));
			return;
		}
		done = _("bio-data corrected");
		break;
	}
	case PF_DOCUMENT:
		rc = document_add_because(sc->ui->store, &sc->ui->actor, p->number, v[0], v[1], v[2], v[3], v[4],
					  f->need_reason ? v[5] : NULL, &err);
		if (rc == CD_EREFUSED && !f->need_reason) {
			/* On the lost/stolen list: say so, and ask why before going on (--force). */
			f->need_reason = 1;
			field(f, N_("Reason to go on *"), N_("it is listed lost or stolen"), 0, "");
			f->focus = f->n - 1;
			ui_error(sc->ui, "%s", err.msg);
			return;
		}
		done = _("document added");
		break;
	case PF_EXPIRE:
		rc = document_expire(sc->ui->store, &sc->ui->actor, p->number, f->doc_number, v[0], v[1], &err);
		done = _("document expired");
		break;
	case PF_ALIAS:
		rc = alias_add(sc->ui->store, &sc->ui->actor, p->number, v[2], v[0], v[1], &err);
		done = _("alias added");
		break;
	case PF_LINK: {
		/* The picked hit, or (nothing found) what Find holds, as a person number. */
		const char *relative = f->n_hits ? f->hits[f->hit].number : v[LF_FIND];
		char rel[PF_TEXT];
		snprintf(rel, sizeof rel, "%s", v[LF_RELATION]);
		for (char *c = rel; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		rc = family_link(sc->ui->store, &sc->ui->actor, p->number, relative, rel, &err);
		done = _("relative linked");
		break;
	}
	case PF_ADDRESS: {
		struct cd_address_input in = { .kind = v[0], .line = v[1], .city = v[2], .country = v[3], .since = v[4] };
		rc = address_add(sc->ui->store, &sc->ui->actor, p->number, &in, &err);
		done = _("address added");
		break;
	}
	case PF_NONE:
		return;
	}
	if (rc) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	form_close(f);
	ui_say(sc->ui, "%s", done);
	person_reload(sc);
}

static unsigned form_key(struct screen *sc, int action, wint_t ch)
{
	struct person_view *p = sc->data;
	struct pform *f = &p->form;
	int on_results = f->kind == PF_LINK && f->focus == LF_RESULTS;

	switch (action) {
	case A_BACK:
		if (f->changed && !ui_ask_discard(sc->ui))
			return UI_HANDLED;
		form_close(f);
		ui_say(sc->ui, "%s", _("cancelled; nothing was saved"));
		return UI_HANDLED;
	case A_SAVE:
		if (f->kind == PF_LINK)
			link_search(sc);
		form_save(sc);
		return UI_HANDLED;
	case A_RELOAD:
		if (f->kind == PF_CORRECT) {
			/* A field this desk left alone takes the other desk's value; one it changed keeps
			 * the input, so neither change is lost. */
			char was[CF_REASON][PF_TEXT], typed[PF_TEXT];
			memcpy(was, f->orig, sizeof was);
			person_reload(sc);
			correct_orig(f, &p->r->person);
			for (int i = 0; i < CF_REASON; i++) {
				get(f, i, typed);
				if (strcmp(typed, was[i]) == 0)
					input_set(&f->in[i], f->orig[i]);
			}
			f->stale = 0;
			ui_say(sc->ui, _("read version %lld; your input is kept — F5 saves"), (long long)f->version);
			return UI_HANDLED;
		}
		return UI_UNHANDLED;
	case A_UP:
		if (on_results) {
			if (f->hit > 0)
				f->hit--;
			return UI_HANDLED;
		}
		/* fall through */
	case A_PREV_FIELD:
		if (f->focus > 0)
			input_select(&f->in[--f->focus]);
		return UI_HANDLED;
	case A_DOWN:
		if (on_results) {
			if (f->hit + 1 < f->n_hits)
				f->hit++;
			return UI_HANDLED;
		}
		/* fall through */
	case A_NEXT_FIELD:
	case A_OPEN:
		if (f->kind == PF_LINK && f->focus == LF_FIND)
			link_search(sc);
		if (action == A_OPEN && f->focus == f->n - 1) {
			form_save(sc);
			return UI_HANDLED;
		}
		if (f->focus < f->n - 1)
			input_select(&f->in[++f->focus]);
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
	/* Jumps and F9 leave the form to the loop, which asks before input is lost. */
	case A_SEARCH:
	case A_WORKLIST:
	case A_REGISTER:
	case A_REPORTS:
	case A_SWITCH_USER:
		return UI_UNHANDLED;
	}
	/* Everything else edits the focused field; the results row takes no text. */
	if (!on_results && input_key(&f->in[f->focus], ch))
		f->changed = 1;
	return UI_HANDLED;
}

static void form_draw(struct person_view *p, WINDOW *w, int y, int rows, int cols)
{
	struct pform *f = &p->form;
	char line[512];
	int lw = cols >= 70 ? 22 : 16, iw = cols - lw - 4;
	snprintf(line, sizeof line, _("%s   (Tab next, F5 save, Esc cancel)"), _(f->title));
	term_fill(w, y, 0, cols, ST_TITLE);
	term_put_styled(w, y++, 1, line, cols - 2, 0, ST_TITLE);
	if (f->stale && y < rows)
		term_put_styled(w, y++, 1, _("Another desk changed this person: ^R reads it again, your input stays."),
				cols - 2, 0, ST_ERROR);
	if (f->kind == PF_EXPIRE && y < rows) {
		snprintf(line, sizeof line, "%s %s", _("Document"), f->doc_number);
		term_put(w, y++, 2, line, cols - 3, 0);
	}
	for (int i = 0; i < f->n && y < rows; i++, y++) {
		term_put_styled(w, y, 2, _(f->labels[i]), lw, 1, ST_LABEL);
		if (f->kind == PF_LINK && i == LF_RESULTS) {
			/* The people found, one a row, the picked one highlighted. */
			if (!f->n_hits) {
				term_put_styled(w, y, lw + 3, f->hints[i] ? _(f->hints[i]) : "", cols - lw - 4, 0, ST_DIM);
				continue;
			}
			for (size_t h = 0; h < f->n_hits && y < rows - 1; h++) {
				const struct cd_search_hit *hit = &f->hits[h];
				int sel = h == f->hit;
				snprintf(line, sizeof line, "%-13s %s, %s  %s %s", hit->number, hit->surname_latin, hit->given_latin,
					 hit->dob, hit->nationality);
				term_put_styled(w, y, lw + 3, line, cols - lw - 4, 1,
						sel && f->focus == LF_RESULTS ? ST_SELECTED : sel ? ST_LABEL : ST_NORMAL);
				if (h + 1 < f->n_hits)
					y++;
			}
			continue;
		}
		/* Room for the hint beside the box where there is a hint; the box takes the rest. */
		int box = cols < 100 ? 22 : 30, width = f->hints[i] && iw > box ? box : iw;
		input_draw(&f->in[i], w, y, lw + 3, width, f->focus == i);
		if (f->hints[i] && lw + 3 + width + 2 < cols)
			term_put_styled(w, y, lw + 5 + width, _(f->hints[i]), cols - lw - 6 - width, 0, ST_DIM);
	}
}

/* ---- the view ------------------------------------------------------------------------- */

static void label(WINDOW *w, int y, int x, const char *text)
{
	term_put_styled(w, y, x, text, 14, 1, ST_LABEL);
}

/* One line of the scrolling part: a label (or NULL), text from x, a style, and the row it is. */
struct pline {
	const char *label;
	char text[512];
	int x;
	enum term_style style;
	long row;                 /* -1: not a row the cursor stops on */
};

struct plines {
	struct pline *v;
	size_t n, cap;
};

static struct pline *add_line(struct plines *l, const char *lab, int x, enum term_style st, long row)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct pline *nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return NULL;
		l->v = nv;
		l->cap = cap;
	}
	struct pline *x_ = &l->v[l->n++];
	x_->label = lab;
	x_->text[0] = '\0';
	x_->x = x;
	x_->style = st;
	x_->row = row;
	return x_;
}

static void build_lines(struct person_view *p, const struct wf_registry *reg, long today, struct plines *l)
{
	const struct cd_person_record *r = p->r;
	struct pline *ln;
	long row = 0;

	for (size_t i = 0; i < p->n_bio_dupes; i++) {
		const struct cd_bio_dupe *d = &p->bio_dupes[i];
		if ((ln = add_line(l, NULL, 16, ST_ERROR, -1)))
			snprintf(ln->text, sizeof ln->text,
				 _("possible duplicate: %s has the same %s (found %.10s); a supervisor may merge "
				   "the two records"), d->other, d->finger, d->at);
	}
	if (p->disputed[0] && (ln = add_line(l, _("Disputed"), 16, ST_WARN, -1)))
		snprintf(ln->text, sizeof ln->text, _("%s: changed elsewhere; a supervisor decides"),
			 p->disputed);
	add_line(l, NULL, 16, ST_NORMAL, -1);
	if (!r->n_documents && (ln = add_line(l, _("Documents"), 16, ST_WARN, -1)))
		snprintf(ln->text, sizeof ln->text, "%s", _("none on file — d adds one"));
	for (size_t i = 0; i < r->n_documents; i++) {
		const struct cd_document *d = &r->documents[i];
		long exp = -1;
		if (d->expires)
			cd_days_parse(d->expires, "expires", &exp, NULL);
		if ((ln = add_line(l, i ? NULL : _("Documents"), 16, exp >= 0 && exp < today ? ST_WARN : ST_NORMAL, row++)))
			snprintf(ln->text, sizeof ln->text, "%-10s %-14s %s  %s %s", d->kind, d->number, d->issuer,
				 _("expires"), d->expires ? d->expires : "-");
	}
	for (size_t i = 0; i < r->n_aliases; i++)
		if ((ln = add_line(l, i ? NULL : _("Also known"), 16, ST_NORMAL, -1)))
			snprintf(ln->text, sizeof ln->text, "%s, %s  (%s)", r->aliases[i].surname, r->aliases[i].given,
				 r->aliases[i].kind);
	for (size_t i = 0; i < r->n_addresses; i++) {
		const struct cd_address *a = &r->addresses[i];
		if ((ln = add_line(l, i ? NULL : _("Addresses"), 16, ST_NORMAL, -1)))
			snprintf(ln->text, sizeof ln->text, "%-9s %s%s%s  %s%s%s", a->kind, a->line, a->city ? ", " : "",
				 a->city ? a->city : "", a->country, a->since[0] ? "  " : "", a->since);
	}
	for (size_t i = 0; i < r->n_relatives; i++) {
		const struct cd_relative *f = &r->relatives[i];
		if ((ln = add_line(l, i ? NULL : _("Family"), 16, ST_NORMAL, row++)))
			snprintf(ln->text, sizeof ln->text, "%-8s %s  %s, %s  %s", f->relation, f->number, f->surname_latin,
				 f->given_latin, f->dob);
	}
	add_line(l, NULL, 16, ST_NORMAL, -1);
	add_line(l, _("Cases"), 16, ST_NORMAL, -1);
	if (!r->n_cases && (ln = add_line(l, NULL, 3, ST_NORMAL, -1)))
		snprintf(ln->text, sizeof ln->text, "%s", _("none — c opens one"));
	for (size_t i = 0; i < r->n_cases; i++) {
		const struct cd_case_brief *c = &r->cases[i];
		char due[48];
		if (!(ln = add_line(l, NULL, 3, c->other_unit ? ST_DIM : ST_NORMAL, row++)))
			break;
		if (c->other_unit) {
			/* Need-to-know: that it exists and no more; Enter asks a supervisor why. */
			snprintf(ln->text, sizeof ln->text, "%-20s %s", "-", _("a case in another unit"));
			continue;
		}
		if (c->closed)
			snprintf(due, sizeof due, "%s", _("closed"));
		else
			deadline_text(c->due_day, c->frozen_left, today, DL_SHORT, due, sizeof due);
		const struct workflow *cwf = registry_current(reg, c->workflow_id);
		snprintf(ln->text, sizeof ln->text, "%-20s %-10s %-26s %s", c->number, cwf ? cwf->title : c->workflow_id,
			 wf_state_title(cwf, c->state), due);
	}
}

static void person_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct person_view *p = sc->data;
	const struct cd_person *pe = &p->r->person;
	char line[512];
	int y = 2;
	long today = store_today(sc->ui->store);

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, _("Person %s"), pe->number);
	term_put_styled(w, 0, 1, line, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);

	/* The name first and always: whatever else gives way at 80x24. */
	label(w, y, 1, _("Name"));
	snprintf(line, sizeof line, "%s, %s", pe->surname, pe->given);
	term_put(w, y++, 16, line, cols - 17, 0);
	label(w, y, 1, _("ICAO Latin"));
	snprintf(line, sizeof line, "%s, %s", pe->surname_latin, pe->given_latin);
	term_put(w, y++, 16, line, cols - 17, 0);
	label(w, y, 1, _("Born"));
	snprintf(line, sizeof line, "%s   %s %s   %s %s", pe->dob, _("sex"), pe->sex, _("nationality"), pe->nationality);
	term_put(w, y, 16, line, 50, 0);
	if (pe->birth_place && cols > 70)
		term_put(w, y, 67, pe->birth_place, cols - 68, 0);
	y++;
	if (p->form.kind != PF_NONE) {
		form_draw(p, w, y + 1, rows, cols);
		return;
	}
	label(w, y, 1, _("Biometrics"));
	if (p->r->biometrics)
		term_put(w, y++, 16, _("enrolled"), 30, 0);
	else
		term_put_styled(w, y++, 16, _("not enrolled"), 30, 0, ST_WARN);

	/* The rest scrolls so the highlighted row is always on screen. */
	struct plines l = { 0 };
	build_lines(p, sc->ui->reg, today, &l);
	size_t first = 0, at = 0, room = rows > y ? (size_t)(rows - y) : 0;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].row == (long)p->selected)
			at = i;
	if (room && at >= room)
		first = at - room + 1;
	for (size_t i = first; i < l.n && y < rows; i++, y++) {
		const struct pline *ln = &l.v[i];
		int sel = ln->row >= 0 && ln->row == (long)p->selected;
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		if (ln->label)
			label(w, y, 1, ln->label);
		if (ln->text[0])
			term_put_styled(w, y, ln->x, ln->text, cols - ln->x - 1, 0, sel ? ST_SELECTED : ln->style);
	}
	free(l.v);
}

/*
 * N: asks the national tier for this person's cases at other offices, only when asked (the
 * screen never waits on the network by itself), and says them on the message line (F8 reads
 * a long one whole): "Cases at other offices: AS-BTM-2026-000004 (asylum, lodged)".
 */
static void person_national(struct screen *sc, const struct person_view *p)
{
	struct cd_error err = CD_ERROR_INIT;
	char *text = NULL;

	if (!ui_national) {
		ui_error(sc->ui, "%s", _("this casedesk has no national tier"));
		return;
	}
	if (ui_national->cases(sc->ui, p->number, 0, &text, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	ui_say(sc->ui, "%s", text);
	free(text);
}

static unsigned person_key(struct screen *sc, int action, wint_t ch)
{
	struct person_view *p = sc->data;
	size_t idx = 0;
	int what;

	if (p->form.kind != PF_NONE)
		return form_key(sc, action, ch);
	if (p->choosing) {
		p->choosing = 0;
		size_t pick = ch >= '1' && ch <= '9' ? (size_t)(ch - '1') : (size_t)-1;
		if (pick >= registry_count(sc->ui->reg)) {
			ui_say(sc->ui, "%s", _("no case opened"));
			return UI_HANDLED;
		}
		const struct workflow *wf = registry_at(sc->ui->reg, pick);
		struct cd_error err = CD_ERROR_INIT;
		char number[40];
		if (cw_case_new(sc->ui->store, sc->ui->reg, &sc->ui->actor, wf->id, p->number,
				cw_opener_holds(&sc->ui->actor, wf->id),
				number, &err) == CD_OK) {
			ui_say(sc->ui, _("opened %s (%s)"), number, wf->title);
			person_reload(sc);
			ui_open(sc->ui, UI_CASE, number);
		} else {
			ui_error(sc->ui, "%s", err.msg);
		}
		return UI_HANDLED;
	}
	long today = store_today(sc->ui->store);
	switch (action) {
	case A_UP:
		if (p->selected > 0)
			p->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (p->selected + 1 < n_rows(p))
			p->selected++;
		return UI_HANDLED;
	case A_OPEN:
		what = row_of(p, p->selected, &idx);
		if (what == 'c') {
			const struct cd_case_brief *c = &p->r->cases[idx];
			/* Another unit's case opens by its opaque ref: the case screen refuses or, for a
			 * supervisor, asks why before it reads anything. */
			ui_open(sc->ui, UI_CASE, c->other_unit ? c->ref : c->number);
		} else if (what == 'f') {
			ui_open(sc->ui, UI_PERSON, p->r->relatives[idx].number);
		} else if (what == 'd') {
			ui_say(sc->ui, "%s", _("a document: x expires it"));
		}
		return UI_HANDLED;
	case P_BIOMETRICS:
		ui_open(sc->ui, UI_ENROL, p->number);
		return UI_HANDLED;
	case P_CORRECT:
		/* Said before anything is typed: the model refuses a clerk's correction anyway. */
		if (!(sc->ui->actor.roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR))) {
			ui_error(sc->ui, "%s", _("correcting bio-data is for caseworkers and supervisors; ask one to make it"));
			return UI_HANDLED;
		}
		form_start(p, PF_CORRECT, today);
		return UI_HANDLED;
	case P_DOCUMENT:
		form_start(p, PF_DOCUMENT, today);
		return UI_HANDLED;
	case P_EXPIRE:
		if (row_of(p, p->selected, &idx) != 'd') {
			ui_error(sc->ui, "%s", _("highlight a document first (Up/Down), then x"));
			return UI_HANDLED;
		}
		form_start(p, PF_EXPIRE, today);
		snprintf(p->form.doc_number, sizeof p->form.doc_number, "%s", p->r->documents[idx].number);
		return UI_HANDLED;
	case P_ALIAS:
		form_start(p, PF_ALIAS, today);
		return UI_HANDLED;
	case P_LINK:
		form_start(p, PF_LINK, today);
		return UI_HANDLED;
	case P_ADDRESS:
		form_start(p, PF_ADDRESS, today);
		return UI_HANDLED;
	case P_NATIONAL:
		person_national(sc, p);
		return UI_HANDLED;
	case P_NEW_CASE: {
		/* Ask which workflow first: a case is never opened by a stray key. */
		char prompt[512];
		size_t used = (size_t)snprintf(prompt, sizeof prompt, "%s", _("New case — press"));
		for (size_t i = 0; i < registry_count(sc->ui->reg) && i < 9 && used < sizeof prompt; i++)
			used += (size_t)snprintf(prompt + used, sizeof prompt - used, "  %zu %s", i + 1,
						 registry_at(sc->ui->reg, i)->title);
		if (used < sizeof prompt)
			snprintf(prompt + used, sizeof prompt - used, "  %s", _("— any other key cancels"));
		ui_say(sc->ui, "%s", prompt);
		p->choosing = 1;
		return UI_HANDLED;
	}
	}
	return UI_UNHANDLED;
}

/* A form typed into holds input not saved yet: F2, F9 or quitting ask first. */
static int person_dirty(const struct screen *sc)
{
	const struct person_view *p = sc->data;
	return p && p->form.kind != PF_NONE && p->form.changed;
}

const struct screen_ops person_screen = {
	.name = "person",
	.actions = person_actions,
	.n_actions = sizeof person_actions / sizeof person_actions[0],
	.wants_text = person_wants_text,
	.open = person_open,
	.draw = person_draw,
	.key = person_key,
	.reload = person_reload,
	.dirty = person_dirty,
	.close = person_close,
};
