/*
 * register.c - registering a person: a short surge form (what is needed to register fast)
 * and the full one (birth place and the identity document).  Likely duplicates, scored by
 * dupes_find (names in any script and spelling, date of birth, nationality, document), are
 * shown with their score and why before saving: saving over them takes a second,
 * deliberate F5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/store/dupes.h"
#include "model/base/i18n.h"
#include "model/store/person.h"
#include "screens/input.h"
#include "screens/wedge.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { R_FULL = A_SCREEN_FIRST };

static const struct ui_action register_actions[] = {
	{ A_NEXT_FIELD, "next-field", "Tab Enter Down", N_("next field") },
	{ A_PREV_FIELD, "previous-field", "BTab Up", N_("previous field") },
	{ A_SAVE, "save", "F5 ^S", N_("register (a second F5 when duplicates are shown)") },
	{ R_FULL, "full-form", "F7", N_("switch between the surge form and the full form") },
};

enum reg_field { F_SURNAME, F_GIVEN, F_SURNAME_LATIN, F_GIVEN_LATIN, F_DOB, F_SEX, F_NATIONALITY,
		 F_SURGE_END, F_BIRTH_PLACE = F_SURGE_END, F_DOC_NUMBER, F_DOC_ISSUER, F_DOC_EXPIRES, F_COUNT };

static const char *const labels[F_COUNT] = {
	N_("Surname (as written)"), N_("Given names"), N_("Surname, ICAO Latin"), N_("Given, ICAO Latin"),
	N_("Date of birth"), N_("Sex (M/F/X)"), N_("Nationality (AAA)"), N_("Place of birth"),
	N_("Document number"), N_("Issued by (AAA)"), N_("Expires (YYYY-MM-DD)"),
};

struct reg {
	struct input in[F_COUNT];
	int focus, full;
	struct wedge wedge;  /* MRZ lines arriving from a document reader */
	struct cd_dupe *dups;
	size_t n_dups;
	int confirmed;       /* F5 pressed once with duplicates shown */
};

static void text(const struct reg *r, int f, char *buf, size_t size)
{
	input_get(&r->in[f], buf, size);
}

/* Scored candidates for what the form holds so far (from the default warn threshold). */
static void find_duplicates(struct screen *sc)
{
	struct reg *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char v[F_COUNT][INPUT_MAX * 4 + 1];
	struct cd_dupe *d = NULL;
	size_t n = 0, keep = 0;

	dupes_free(r->dups, r->n_dups);
	r->dups = NULL;
	r->n_dups = 0;
	r->confirmed = 0;
	for (int f = 0; f < F_COUNT; f++)
		text(r, f, v[f], sizeof v[f]);
	for (char *c = v[F_NATIONALITY]; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	if (!v[F_SURNAME][0] && !v[F_SURNAME_LATIN][0] && !v[F_DOC_NUMBER][0])
		return;
	struct cd_person_input in = {
		.surname = v[F_SURNAME][0] ? v[F_SURNAME] : v[F_SURNAME_LATIN], .given = v[F_GIVEN],
		.surname_latin = v[F_SURNAME_LATIN][0] ? v[F_SURNAME_LATIN] : NULL,
		.given_latin = v[F_GIVEN_LATIN][0] ? v[F_GIVEN_LATIN] : NULL,
		.dob = v[F_DOB], .nationality = v[F_NATIONALITY][0] ? v[F_NATIONALITY] : NULL,
	};
	if (dupes_find(sc->ui->store, &in, v[F_DOC_NUMBER], &d, &n, &err) != CD_OK)
		return;
	/* Best first already; keep those at or above the warning threshold. */
	while (keep < n && d[keep].score >= DUPES_WARN_DEFAULT)
		keep++;
	for (size_t i = keep; i < n; i++) {
		free(d[i].surname);
		free(d[i].given);
		free(d[i].surname_latin);
		free(d[i].given_latin);
	}
	r->dups = d;
	r->n_dups = keep;
}

static int register_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct reg *r = calloc(1, sizeof *r);
	(void)arg;
	if (!r)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	sc->data = r;
	return CD_OK;
}

static void register_close(struct screen *sc)
{
	struct reg *r = sc->data;
	dupes_free(r->dups, r->n_dups);
	free(r);
}

static int last_field(const struct reg *r)
{
	return r->full ? F_COUNT - 1 : F_SURGE_END - 1;
}

static unsigned save(struct screen *sc)
{
	struct reg *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char v[F_COUNT][INPUT_MAX * 4 + 1];
	struct cd_person p;

	/* find_duplicates() forgets the confirmation (leaving a name field re-arms the
	 * warning): remember whether this F5 is the second, deliberate one. */
	int confirmed = r->confirmed;

	for (int f = 0; f < F_COUNT; f++)
		text(r, f, v[f], sizeof v[f]);
	find_duplicates(sc);
	if (r->n_dups && !confirmed) {
		r->confirmed = 1;
		ui_error(sc->ui, _("%zu possible duplicate(s) below: open one from search instead, or F5 again to register "
				   "a new person"), r->n_dups);
		return UI_HANDLED;
	}
	for (char *c = v[F_SEX]; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	for (char *c = v[F_NATIONALITY]; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	struct cd_person_input in = {
		.surname = v[F_SURNAME], .given = v[F_GIVEN],
		.surname_latin = v[F_SURNAME_LATIN][0] ? v[F_SURNAME_LATIN] : NULL,
		.given_latin = v[F_GIVEN_LATIN][0] ? v[F_GIVEN_LATIN] : NULL,
		.dob = v[F_DOB], .sex = v[F_SEX], .nationality = v[F_NATIONALITY],
		.birth_place = v[F_BIRTH_PLACE][0] ? v[F_BIRTH_PLACE] : NULL,
	};
	/* Person and document in one transaction: registered whole, or not at all. */
	if (store_begin(sc->ui->store, &err) != CD_OK)
		goto fail;
	if (person_add(sc->ui->store, &sc->ui->actor, &in, &p, &err) != CD_OK)
		goto fail_txn;
	if (v[F_DOC_NUMBER][0] &&
	    document_add(sc->ui->store, &sc->ui->actor, p.number, "passport", v[F_DOC_NUMBER],
			 v[F_DOC_ISSUER][0] ? v[F_DOC_ISSUER] : v[F_NATIONALITY], NULL,
			 v[F_DOC_EXPIRES][0] ? v[F_DOC_EXPIRES] : NULL, 0, &err) != CD_OK)
		goto fail_txn;
	if (store_commit(sc->ui->store, &err) != CD_OK)
		goto fail;
	ui_say(sc->ui, _("registered %s"), p.number);
	ui_open(sc->ui, UI_PERSON, p.number);
	return UI_HANDLED | UI_BACK;
fail_txn:
	store_rollback(sc->ui->store);
fail:
	/* The form keeps everything typed; the message names the field to fix. */
	ui_error(sc->ui, "%s", err.msg);
	return UI_HANDLED;
}

/* Puts a value read from the MRZ into a field. */
static void fill(struct reg *r, int f, const char *value)
{
	if (value && *value)
		input_set(&r->in[f], value);
}

/*
 * Enter after a line a document reader typed: the line leaves the field (what was typed
 * before it stays), and once the zone is complete the form fills itself from it.
 * Returns 1 when the Enter belonged to the reader.
 */
static int take_wedge_line(struct screen *sc)
{
	struct reg *r = sc->data;
	char field[INPUT_MAX * 4 + 1];
	struct mrz_result m;
	struct cd_error err = CD_ERROR_INIT;
	int complete = 0;
	size_t len;

	text(r, r->focus, field, sizeof field);
	len = strlen(field);
	/* The line is the end of the field: 30, 36 or 44 characters after whatever was there. */
	static const size_t lengths[] = { 44, 36, 30 };
	size_t take = 0;
	for (size_t i = 0; i < 3 && !take; i++) {
		if (len < lengths[i])
			continue;
		const char *tail = field + len - lengths[i];
		struct wedge probe = r->wedge;
		int c2;
		if (wedge_take(&probe, tail, &c2))
			take = lengths[i];
	}
	if (!take) {
		r->wedge.n = 0;
		return 0;
	}
	wedge_take(&r->wedge, field + len - take, &complete);
	field[len - take] = '\0';
	input_set(&r->in[r->focus], field);
	if (!complete) {
		ui_say(sc->ui, "%s", _("reading the document's machine-readable zone..."));
		return 1;
	}
	if (wedge_parse(&r->wedge, &m, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return 1;
	}
	fill(r, F_SURNAME_LATIN, m.surname);
	fill(r, F_GIVEN_LATIN, m.given);
	if (!r->in[F_SURNAME].len)
		fill(r, F_SURNAME, m.surname);
	if (!r->in[F_GIVEN].len)
		fill(r, F_GIVEN, m.given);
	fill(r, F_DOB, m.dob);
	char sex[2] = { m.sex, 0 };
	fill(r, F_SEX, sex);
	fill(r, F_NATIONALITY, m.nationality);
	fill(r, F_DOC_NUMBER, m.number);
	fill(r, F_DOC_ISSUER, m.issuer);
	fill(r, F_DOC_EXPIRES, m.expiry);
	r->full = 1;
	find_duplicates(sc);
	if (m.valid)
		ui_say(sc->ui, _("%s read: every check digit right; check the names in their own script"),
		       mrz_format_name(m.format));
	else
		ui_error(sc->ui, _("%s read with %d problem(s) — %s%s%s"), mrz_format_name(m.format),
			 m.n_problems + m.problems_dropped, m.n_problems ? m.problems[0].message : "",
			 m.has_suggestion ? "; " : "", m.has_suggestion ? m.suggestion_note : "");
	return 1;
}

static unsigned register_key(struct screen *sc, int action, wint_t ch)
{
	struct reg *r = sc->data;
	switch (action) {
	case A_NEXT_FIELD:
	case A_DOWN:
	case A_OPEN:
		/* A document reader ends each MRZ line with Enter: the line is not the field's. */
		if (action != A_DOWN && take_wedge_line(sc))
			return UI_HANDLED;
		if (r->focus == F_SURNAME_LATIN || r->focus == F_SURNAME || r->focus == F_GIVEN || r->focus == F_DOB ||
		    r->focus == F_NATIONALITY || r->focus == F_DOC_NUMBER)
			find_duplicates(sc);
		if (r->focus < last_field(r))
			r->focus++;
		return UI_HANDLED;
	case A_PREV_FIELD:
	case A_UP:
		if (r->focus > 0)
			r->focus--;
		return UI_HANDLED;
	case A_SAVE:
		return save(sc);
	case R_FULL:
		r->full = !r->full;
		if (r->focus > last_field(r))
			r->focus = last_field(r);
		return UI_HANDLED;
	case A_BACK:
	case A_QUIT:
	case A_HELP:
	case A_WORKLIST:
		return UI_UNHANDLED;
	}
	if (input_key(&r->in[r->focus], ch))
		r->confirmed = 0;
	return UI_HANDLED;
}

static void register_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct reg *r = sc->data;
	int y = 2;
	term_fill(w, 0, 0, cols, ST_TITLE);
	term_put_styled(w, 0, 1, r->full ? _("Register a person — full form (F7: surge form, F5 saves, Esc cancels)")
					 : _("Register a person — surge form (F7: full form, F5 saves, Esc cancels)"),
			cols - 2, 0, ST_TITLE);
	for (int f = 0; f <= last_field(r) && y < rows; f++, y++) {
		term_put_styled(w, y, 2, _(labels[f]), 24, 1, ST_LABEL);
		input_draw(&r->in[f], w, y, 27, 40, r->focus == f);
	}
	if (y < rows)
		term_put_styled(w, y++, 2, _("Latin forms: leave empty to derive them (ICAO transliteration by nationality)."),
				cols - 4, 0, ST_DIM);
	y++;
	if (!r->n_dups || y >= rows)
		return;
	char line[256];
	snprintf(line, sizeof line, _("Possible duplicates (%zu) — already registered?"), r->n_dups);
	term_put_styled(w, y++, 2, line, cols - 4, 0, ST_WARN);
	for (size_t i = 0; i < r->n_dups && y < rows; i++, y++) {
		const struct cd_dupe *h = &r->dups[i];
		snprintf(line, sizeof line, "%-14s %s, %s  (%s, %s)  %s %s  %d: %s", h->number, h->surname, h->given,
			 h->surname_latin, h->given_latin, h->dob, h->nationality, h->score, h->why);
		term_put(w, y, 4, line, cols - 6, 0);
	}
}

static int register_wants_text(const struct screen *sc)
{
	(void)sc;
	return 1;
}

const struct screen_ops register_screen = {
	.name = "register",
	.actions = register_actions,
	.n_actions = sizeof register_actions / sizeof register_actions[0],
	.wants_text = register_wants_text,
	.open = register_open,
	.draw = register_draw,
	.key = register_key,
	.close = register_close,
};
