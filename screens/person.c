/*
 * person.c - one person on one screen: names in the original script and in ICAO Latin
 * form, birth, nationality, documents, family, biometrics, and every case of this person
 * in every workflow.  Opening it is audited (purpose: casework); a refresh is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/store/dupes.h"
#include "model/base/i18n.h"
#include "model/store/person.h"
#include "workflow/deadline.h"
#include "screens/columns.h"
#include "screens/fmt.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { P_NEW_CASE = A_SCREEN_FIRST, P_BIOMETRICS };

static const struct ui_action person_actions[] = {
	{ A_OPEN, "open", "Enter", N_("open the highlighted case") },
	{ A_UP, "up", "Up", N_("previous case") },
	{ A_DOWN, "down", "Down", N_("next case") },
	{ P_NEW_CASE, "new-case", "c", N_("open a new case for this person (then choose the workflow)") },
	{ P_BIOMETRICS, "biometrics", "b", N_("biometrics: enrol or verify") },
};

struct person_view {
	char number[32];
	struct cd_person_record *r;
	struct cd_bio_dupe *bio_dupes;   /* the same fingers under another record (dupes.h) */
	size_t n_bio_dupes;
	size_t selected;
	int choosing;            /* asked which workflow a new case is for */
};

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
	person_record_free(p->r);
	p->r = r;
	free(p->bio_dupes);
	p->bio_dupes = bd;
	p->n_bio_dupes = nbd;
	if (p->selected >= r->n_cases)
		p->selected = r->n_cases ? r->n_cases - 1 : 0;
	return CD_OK;
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
	person_record_free(p->r);
	free(p->bio_dupes);
	free(p);
}

static void label(WINDOW *w, int y, int x, const char *text)
{
	term_put_styled(w, y, x, text, 14, 1, ST_LABEL);
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

	label(w, y, 1, _("Name"));
	snprintf(line, sizeof line, "%s, %s", pe->surname, pe->given);
	term_put(w, y++, 16, line, cols - 17, 0);
	label(w, y, 1, _("ICAO Latin"));
	snprintf(line, sizeof line, "%s, %s", pe->surname_latin, pe->given_latin);
	term_put(w, y++, 16, line, cols - 17, 0);
	label(w, y, 1, _("Born"));
	snprintf(line, sizeof line, "%s   %s %s   %s %s", pe->dob, _("sex"), pe->sex, _("nationality"), pe->nationality);
	term_put(w, y, 16, line, 50, 0);
	if (pe->birth_place && cols > 70) {
		term_put(w, y, 67, pe->birth_place, cols - 68, 0);
	}
	y++;
	label(w, y, 1, _("Biometrics"));
	if (p->r->biometrics)
		term_put(w, y++, 16, _("enrolled"), 30, 0);
	else
		term_put_styled(w, y++, 16, _("not enrolled"), 30, 0, ST_WARN);
	for (size_t i = 0; i < p->n_bio_dupes && y < rows - 10; i++) {
		const struct cd_bio_dupe *d = &p->bio_dupes[i];
		snprintf(line, sizeof line, _("possible duplicate: %s has the same %s (found %.10s); a supervisor may merge "
					      "the two records"), d->other, d->finger, d->at);
		term_put_styled(w, y++, 16, line, cols - 17, 0, ST_ERROR);
	}
	y++;
	label(w, y, 1, _("Documents"));
	if (!p->r->n_documents)
		term_put_styled(w, y++, 16, _("none on file"), 30, 0, ST_WARN);
	for (size_t i = 0; i < p->r->n_documents && y < rows - 8; i++) {
		const struct cd_document *d = &p->r->documents[i];
		char day[16];
		long exp = -1;
		if (d->expires)
			cd_days_parse(d->expires, "expires", &exp, NULL);
		snprintf(line, sizeof line, "%-10s %-14s %s  %s %s", d->kind, d->number, d->issuer, _("expires"),
			 d->expires ? d->expires : "-");
		term_put_styled(w, y++, 16, line, cols - 17, 0, exp >= 0 && exp < today ? ST_WARN : ST_NORMAL);
		(void)day;
	}
	for (size_t i = 0; i < p->r->n_aliases && y < rows - 8; i++) {
		if (i == 0)
			label(w, y, 1, _("Also known"));
		snprintf(line, sizeof line, "%s, %s", p->r->aliases[i].surname, p->r->aliases[i].given);
		term_put(w, y++, 16, line, cols - 17, 0);
	}
	for (size_t i = 0; i < p->r->n_relatives && y < rows - 7; i++) {
		const struct cd_relative *f = &p->r->relatives[i];
		if (i == 0)
			label(w, y, 1, _("Family"));
		snprintf(line, sizeof line, "%-8s %s  %s, %s  %s", f->relation, f->number, f->surname_latin, f->given_latin,
			 f->dob);
		term_put(w, y++, 16, line, cols - 17, 0);
	}
	y++;
	label(w, y++, 1, _("Cases"));
	/* The cases in the shared column layout: the deadline never goes, the state gives way last. */
	enum { PC_CASE, PC_WORKFLOW, PC_STATE, PC_DEADLINE, PC_N };
	struct col cc[PC_N] = {
		[PC_CASE] = { .head = _("Case"), .min = 12, .pref = 12, .max = 24, .prio = 90 },
		[PC_WORKFLOW] = { .head = _("Workflow"), .min = 6, .pref = 6, .max = 16, .prio = 20 },
		[PC_STATE] = { .head = _("State"), .min = 10, .pref = 10, .max = 30, .prio = 40, .flex = 1 },
		[PC_DEADLINE] = { .head = _("Deadline"), .min = 10, .pref = 10, .max = 24, .prio = COL_KEEP },
	};
	for (size_t i = 0; i < p->r->n_cases; i++) {
		const struct cd_case_brief *c = &p->r->cases[i];
		char due[48];
		if (c->closed)
			snprintf(due, sizeof due, "%s", _("closed"));
		else
			deadline_text(c->due_day, c->frozen_left, today, DL_SHORT, due, sizeof due);
		col_want(&cc[PC_CASE], c->other_unit ? "-" : c->number);
		col_want(&cc[PC_WORKFLOW], c->other_unit ? "" : c->workflow_id);
		col_want(&cc[PC_STATE], c->other_unit ? _("a case in another unit") : c->state);
		col_want(&cc[PC_DEADLINE], due);
	}
	cc[PC_CASE].min = cc[PC_CASE].pref;
	cc[PC_WORKFLOW].min = cc[PC_WORKFLOW].pref;
	cc[PC_DEADLINE].min = cc[PC_DEADLINE].pref;
	/* Indented under the label, as the other sections are. */
	cols_layout(cc, PC_N, cols - 2);
	for (int k = 0; k < PC_N; k++)
		if (cc[k].w)
			cc[k].x += 2;
	if (!p->r->n_cases)
		term_put(w, y++, 3, _("none — c opens one"), cols - 4, 0);
	for (size_t i = 0; i < p->r->n_cases && y < rows; i++, y++) {
		const struct cd_case_brief *c = &p->r->cases[i];
		int sel = i == p->selected;
		char due[48];
		if (c->other_unit) {
			/* Need-to-know: that it exists and no more; Enter asks a supervisor why. */
			if (sel)
				term_fill(w, y, 0, cols, ST_SELECTED);
			col_put(w, y, &cc[PC_CASE], "-", sel ? ST_SELECTED : ST_DIM);
			term_put_styled(w, y, cc[PC_WORKFLOW].w ? cc[PC_WORKFLOW].x : cc[PC_STATE].x, _("a case in another unit"),
					cols - 4 - cc[PC_CASE].w, 0, sel ? ST_SELECTED : ST_DIM);
			continue;
		}
		if (c->closed)
			snprintf(due, sizeof due, "%s", _("closed"));
		else
			deadline_text(c->due_day, c->frozen_left, today, DL_SHORT, due, sizeof due);
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		col_put(w, y, &cc[PC_CASE], c->number, st);
		col_put(w, y, &cc[PC_WORKFLOW], c->workflow_id, st);
		col_put(w, y, &cc[PC_STATE], c->state, st);
		col_put(w, y, &cc[PC_DEADLINE], due, st);
	}
}

static unsigned person_key(struct screen *sc, int action, wint_t ch)
{
	struct person_view *p = sc->data;
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
		if (cw_case_new(sc->ui->store, sc->ui->reg, &sc->ui->actor, wf->id, p->number, sc->ui->actor.name,
				number, &err) == CD_OK) {
			ui_say(sc->ui, _("opened %s (%s)"), number, wf->title);
			person_reload(sc);
			ui_open(sc->ui, UI_CASE, number);
		} else {
			ui_error(sc->ui, "%s", err.msg);
		}
		return UI_HANDLED;
	}
	switch (action) {
	case A_UP:
		if (p->selected > 0)
			p->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (p->selected + 1 < p->r->n_cases)
			p->selected++;
		return UI_HANDLED;
	case A_OPEN:
		if (p->r->n_cases) {
			const struct cd_case_brief *c = &p->r->cases[p->selected];
			/* Another unit's case opens by its opaque ref: the case screen refuses or, for a
			 * supervisor, asks why before it reads anything. */
			ui_open(sc->ui, UI_CASE, c->other_unit ? c->ref : c->number);
		}
		return UI_HANDLED;
	case P_BIOMETRICS:
		ui_open(sc->ui, UI_ENROL, p->number);
		return UI_HANDLED;
	case P_NEW_CASE: {
		/* Ask which workflow first: a case is never opened by a stray key. */
		char prompt[256];
		size_t used = (size_t)snprintf(prompt, sizeof prompt, "%s", _("New case — press"));
		for (size_t i = 0; i < registry_count(sc->ui->reg) && i < 9 && used < sizeof prompt; i++)
			used += (size_t)snprintf(prompt + used, sizeof prompt - used, "  %zu %s", i + 1,
						 registry_at(sc->ui->reg, i)->id);
		if (used < sizeof prompt)
			snprintf(prompt + used, sizeof prompt - used, "  %s", _("— any other key cancels"));
		ui_say(sc->ui, "%s", prompt);
		p->choosing = 1;
		return UI_HANDLED;
	}
	}
	return UI_UNHANDLED;
}

const struct screen_ops person_screen = {
	.name = "person",
	.actions = person_actions,
	.n_actions = sizeof person_actions / sizeof person_actions[0],
	.open = person_open,
	.draw = person_draw,
	.key = person_key,
	.reload = person_reload,
	.close = person_close,
};
