/*
 * register.c - registering a person: a short surge form (what is needed to register fast)
 * and the full one (birth place and the identity document).  Whether likely duplicates
 * let the person be registered is workflow/registration.h's verdict under the settings'
 * [duplicates] thresholds, the same as `person add`'s; this screen presents it.  The
 * candidates are shown with their score and why before saving: saving over a warning
 * takes a second, deliberate F5; over a block, a reason typed into the field that
 * appears (the screen's way past a block, as --force is the command line's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/person.h"
#include "workflow/registration.h"
#include "screens/register.h"
#include "screens/input.h"
#include "screens/wedge.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { R_FULL = A_SCREEN_FIRST };

static const struct ui_action register_actions[] = {
	{ A_NEXT_FIELD, "next-field", "Tab Enter Down", N_("next field") },
	{ A_PREV_FIELD, "previous-field", "BTab Up", N_("previous field") },
	{ A_SAVE, "save", "F5 ^S", N_("register (a second F5 when duplicates are shown; a reason when they block)") },
	{ R_FULL, "full-form", "F7", N_("switch between the surge form and the full form") },
};

enum reg_field { F_SURNAME, F_GIVEN, F_SURNAME_LATIN, F_GIVEN_LATIN, F_DOB, F_SEX, F_NATIONALITY,
		 F_SURGE_END, F_BIRTH_PLACE = F_SURGE_END, F_DOC_NUMBER, F_DOC_ISSUER, F_DOC_EXPIRES,
		 F_REASON, F_COUNT };

static const char *const labels[F_COUNT] = {
	N_("Surname (as written)"), N_("Given names"), N_("Surname, ICAO Latin"), N_("Given, ICAO Latin"),
	N_("Date of birth"), N_("Sex (M/F/X)"), N_("Nationality (AAA)"), N_("Place of birth"),
	N_("Document number"), N_("Issued by (AAA)"), N_("Expires (YYYY-MM-DD)"),
	N_("Reason to register"),
};

/* The settings' thresholds, given by the entry point (the screens do not read settings). */
static struct cd_dupe_thresholds thresholds = { DUPES_WARN_DEFAULT, DUPES_BLOCK_DEFAULT };

void register_set_thresholds(const struct cd_dupe_thresholds *th)
{
	thresholds = *th;
}

struct reg {
	struct input in[F_COUNT];
	int focus, full;
	struct wedge wedge;  /* MRZ lines arriving from a document reader */
	struct reg_verdict v; /* for what the form holds: the candidates shown */
	int confirmed;       /* F5 pressed once with duplicates shown */
};

static void text(const struct reg *r, int f, char *buf, size_t size)
{
	input_get(&r->in[f], buf, size);
}

/* The form's values, upper-cased where the store wants capitals; the person input points
 * into `v`. */
static void form_input(const struct reg *r, char v[F_COUNT][INPUT_MAX * 4 + 1], struct cd_person_input *in)
{
	for (int f = 0; f < F_COUNT; f++)
		text(r, f, v[f], sizeof v[f]);
	for (char *c = v[F_SEX]; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	for (char *c = v[F_NATIONALITY]; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	*in = (struct cd_person_input){
		.surname = v[F_SURNAME][0] ? v[F_SURNAME] : v[F_SURNAME_LATIN], .given = v[F_GIVEN],
		.surname_latin = v[F_SURNAME_LATIN][0] ? v[F_SURNAME_LATIN] : NULL,
		.given_latin = v[F_GIVEN_LATIN][0] ? v[F_GIVEN_LATIN] : NULL,
		.dob = v[F_DOB], .sex = v[F_SEX], .nationality = v[F_NATIONALITY][0] ? v[F_NATIONALITY] : NULL,
		.birth_place = v[F_BIRTH_PLACE][0] ? v[F_BIRTH_PLACE] : NULL,
	};
}

/* The verdict for what the form holds so far, to show its candidates as the form fills. */
static void find_duplicates(struct screen *sc)
{
	struct reg *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char v[F_COUNT][INPUT_MAX * 4 + 1];
	struct cd_person_input in;

	registration_verdict_release(&r->v);
	r->confirmed = 0;
	form_input(r, v, &in);
	if (!v[F_SURNAME][0] && !v[F_SURNAME_LATIN][0] && !v[F_DOC_NUMBER][0])
		return;
	registration_check(sc->ui->store, &in, v[F_DOC_NUMBER], &thresholds, &r->v, &err);
}

static int register_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct reg *r = calloc(1, sizeof *r);
	(void)arg;
	if (!r)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	r->v = (struct reg_verdict)REG_VERDICT_INIT;
	sc->data = r;
	return CD_OK;
}

static void register_close(struct screen *sc)
{
	struct reg *r = sc->data;
	registration_verdict_release(&r->v);
	free(r);
}

/* The surge form, the full one's extra fields, and the reason only while a block stands. */
static int shown(const struct reg *r, int f)
{
	if (f == F_REASON)
		return r->v.outcome == REG_BLOCKED;
	return f < F_SURGE_END || r->full;
}

static int next_field(const struct reg *r, int f)
{
	for (int g = f + 1; g < F_COUNT; g++)
		if (shown(r, g))
			return g;
	return f;
}

static int prev_field(const struct reg *r, int f)
{
	for (int g = f - 1; g >= 0; g--)
		if (shown(r, g))
			return g;
	return f;
}

static unsigned save(struct screen *sc)
{
	struct reg *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char v[F_COUNT][INPUT_MAX * 4 + 1];
	struct cd_person_input in;
	struct cd_person p;

	/* find_duplicates() forgets the confirmation (leaving a name field re-arms the
	 * warning): remember whether this F5 is the second, deliberate one. */
	int confirmed = r->confirmed;

	find_duplicates(sc);
	form_input(r, v, &in);
	in.surname = v[F_SURNAME];
	/* The first F5 over candidates shows them; registering over them takes a second. */
	int reason_given = v[F_REASON][strspn(v[F_REASON], " \t")] != '\0';
	if (r->v.outcome != REG_CLEAR && !confirmed && !(r->v.outcome == REG_BLOCKED && reason_given)) {
		r->confirmed = 1;
		if (r->v.outcome == REG_BLOCKED) {
			r->focus = F_REASON;
			ui_error(sc->ui, ngettext("%zu person below scores %d or more: open it from search instead, "
						  "or type a reason and F5 to register a new person",
						  "%zu people below score %d or more: open one from search instead, "
						  "or type a reason and F5 to register a new person",
						  (unsigned long)r->v.n_blocking),
				 (size_t)r->v.n_blocking, r->v.th.block);
		} else {
			ui_error(sc->ui, ngettext("%zu possible duplicate below: open it from search instead, or F5 "
						  "again to register a new person",
						  "%zu possible duplicates below: open one from search instead, or F5 "
						  "again to register a new person", (unsigned long)r->v.n),
				 r->v.n);
		}
		return UI_HANDLED;
	}
	r->confirmed = confirmed;
	struct reg_document doc = { .kind = "passport", .number = v[F_DOC_NUMBER],
				    .issuer = v[F_DOC_ISSUER][0] ? v[F_DOC_ISSUER] : v[F_NATIONALITY],
				    .expires = v[F_DOC_EXPIRES] };
	if (registration_add(sc->ui->store, &sc->ui->actor, &in, &doc, &thresholds, v[F_REASON], &r->v, &p,
			     &err) != CD_OK) {
		if (err.code == CD_EREFUSED && r->v.outcome == REG_BLOCKED) {
			r->focus = F_REASON;
			ui_error(sc->ui, "%s", _("not registered: a likely duplicate blocks it; type the reason to "
						 "register a new person anyway, or open the person from search"));
			return UI_HANDLED;
		}
		/* The form keeps everything typed; the message names the field to fix. */
		ui_error(sc->ui, "%s", err.msg);
		return UI_HANDLED;
	}
	ui_say(sc->ui, _("registered %s"), p.number);
	ui_open(sc->ui, UI_PERSON, p.number);
	return UI_HANDLED | UI_BACK;
}

/* Puts a value read from the MRZ into a field. */
static void fill(struct reg *r, int f, const char *value)
{
	/* Read, not typed: selected, so a key typed into the field replaces it. */
	if (value && *value)
		input_prefill(&r->in[f], value);
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
		ui_error(sc->ui, ngettext("%s read with %d problem — %s%s%s", "%s read with %d problems — %s%s%s",
					  (unsigned long)(m.n_problems + m.problems_dropped)), mrz_format_name(m.format),
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
		r->focus = next_field(r, r->focus);
		input_select(&r->in[r->focus]);
		return UI_HANDLED;
	case A_PREV_FIELD:
	case A_UP:
		r->focus = prev_field(r, r->focus);
		input_select(&r->in[r->focus]);
		return UI_HANDLED;
	case A_SAVE:
		return save(sc);
	case R_FULL:
		r->full = !r->full;
		if (!shown(r, r->focus))
			r->focus = prev_field(r, r->focus);
		return UI_HANDLED;
	case A_BACK:
	case A_QUIT:
	case A_HELP:
	case A_WORKLIST:
	/* The loop asks before these leave a half-filled form. */
	case A_SEARCH:
	case A_REGISTER:
	case A_REPORTS:
	case A_SWITCH_USER:
		return UI_UNHANDLED;
	}
	/* Typing the reason is the deliberate act itself; typing data re-arms the warning. */
	if (input_key(&r->in[r->focus], ch) && r->focus != F_REASON)
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
	for (int f = 0; f < F_COUNT && y < rows; f++) {
		if (!shown(r, f))
			continue;
		term_put_styled(w, y, 2, _(labels[f]), 24, 1, f == F_REASON ? ST_WARN : ST_LABEL);
		input_draw(&r->in[f], w, y, 27, 40, r->focus == f);
		y++;
	}
	if (y < rows)
		term_put_styled(w, y++, 2, _("Latin forms: leave empty to derive them (ICAO transliteration by nationality)."),
				cols - 4, 0, ST_DIM);
	y++;
	if (!r->v.n || y >= rows)
		return;
	char line[256];
	snprintf(line, sizeof line, _("Possible duplicates (%zu) — already registered?"), r->v.n);
	term_put_styled(w, y++, 2, line, cols - 4, 0, ST_WARN);
	for (size_t i = 0; i < r->v.n && y < rows; i++, y++) {
		const struct cd_dupe *h = &r->v.candidates[i];
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

/* Anything typed or read into the form and not registered yet: leaving asks first. */
static int register_dirty(const struct screen *sc)
{
	const struct reg *r = sc->data;
	for (int f = 0; r && f < F_COUNT; f++)
		if (r->in[f].len)
			return 1;
	return 0;
}

const struct screen_ops register_screen = {
	.name = "register",
	.actions = register_actions,
	.n_actions = sizeof register_actions / sizeof register_actions[0],
	.wants_text = register_wants_text,
	.dirty = register_dirty,
	.open = register_open,
	.draw = register_draw,
	.key = register_key,
	.close = register_close,
};
