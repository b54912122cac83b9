/*
 * search.c - search as you type: people by name in any script, document number or case
 * number; the results follow every key.  Enter opens the person, or the case a case number
 * found.
 *
 * Every key runs the search, but only a settled query is audited (search_audit: the
 * query's hash, how many people were on screen, and who): the one on screen when a result
 * is opened, when the screen is left, or when the query is cleared to type another.  One
 * audit row per key would bury the trail in prefixes ("S", "Sh", "She" ...) and cost a
 * commit, which refreshes every other desk, per key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/nationaldb.h"
#include "model/store/roles.h"
#include "model/store/search.h"
#include "screens/columns.h"
#include "screens/fmt.h"
#include "screens/input.h"
#include "screens/natlookup.h"
#include "screens/term.h"
#include "screens/ui.h"

#define SEARCH_LIMIT 50
/* Rows of results drawn: the best ones; a thin client pays for every row redrawn on each key. */
#define SEARCH_SHOWN 12

/* The national search (issue 15): its own action, ^N (printable keys are the query's). */
enum { S_NATIONAL = A_SCREEN_FIRST };

static const struct ui_action search_actions[] = {
	{ A_OPEN, "open", "Enter", N_("open the highlighted person or case") },
	{ S_NATIONAL, "national-search", "^N", N_("ask the national tier: the same search over every office (read-only)") },
	{ A_UP, "up", "Up", N_("previous result") },
	{ A_DOWN, "down", "Down", N_("next result") },
};

struct search {
	struct input query;
	struct cd_search_hit *hits;
	size_t n, selected;
	char shown[INPUT_MAX * 4 + 1];   /* the query whose hits are on screen */
	int audited;                     /* ... and its audit row is written */
	/* ^N: the national tier's hits for the query, shown instead of the local ones until
	 * the query changes. */
	struct ui_nat_hit *nat;
	size_t n_nat;
	int national;
	int has_tier;                    /* the store names a national tier: ^N is said */
};

const struct ui_national *ui_national;

void ui_nat_hits_free(struct ui_nat_hit *h, size_t n)
{
	for (size_t i = 0; h && i < n; i++) {
		free(h[i].surname);
		free(h[i].given);
		free(h[i].surname_latin);
		free(h[i].given_latin);
	}
	free(h);
}

static void national_clear(struct search *s)
{
	ui_nat_hits_free(s->nat, s->n_nat);
	s->nat = NULL;
	s->n_nat = 0;
	s->national = 0;
}

/* ^N: the query on screen asked of the national tier (connects, waits at most its timeout). */
static void national_run(struct screen *sc)
{
	struct search *s = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char q[INPUT_MAX * 4 + 1];

	input_get(&s->query, q, sizeof q);
	if (!ui_national) {
		ui_error(sc->ui, "%s", _("this casedesk has no national tier"));
		return;
	}
	if (!q[0]) {
		ui_error(sc->ui, "%s", _("type a name first, then ^N asks the national tier"));
		return;
	}
	national_clear(s);
	if (ui_national->search(sc->ui, q, SEARCH_SHOWN, &s->nat, &s->n_nat, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	s->national = 1;
	s->selected = 0;
	ui_say(sc->ui, _("national tier: %zu found; the office that registered each is shown, Enter opens (read-only "
			 "when not in this store)"),
	       s->n_nat);
}

/* Enter on a national hit: the person screen when this store holds them, else their record. */
static void national_open(struct screen *sc)
{
	struct search *s = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char *text = NULL;

	if (!s->n_nat)
		return;
	const struct ui_nat_hit *h = &s->nat[s->selected];
	if (h->local) {
		ui_open(sc->ui, UI_PERSON, h->number);
		return;
	}
	if (ui_national->cases(sc->ui, h->number, 1, &text, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	ui_say(sc->ui, _("%s is registered at %s and not in this store: read-only"), h->number, h->office);
	ui_view(sc->ui, h->number, text);
	free(text);
}

/* Audits the query on screen once, with the people the screen showed of its hits. */
static void settle(struct screen *sc)
{
	struct search *s = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	size_t shown = s->n < SEARCH_SHOWN ? s->n : SEARCH_SHOWN;

	if (s->audited || !s->shown[0])
		return;
	s->audited = 1;
	if (search_audit(sc->ui->store, &sc->ui->actor, s->shown, s->hits, shown, "casework", &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
}

static void run(struct screen *sc)
{
	struct search *s = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char q[INPUT_MAX * 4 + 1];

	input_get(&s->query, q, sizeof q);
	/* Another query: the national hits were of the one before (a reload keeps them). */
	if (strcmp(q, s->shown) != 0)
		national_clear(s);
	/* Cleared to type another query: the one that was on screen has settled. */
	if (!q[0])
		settle(sc);
	/* The same query again (a refresh) keeps its audit; another one starts unaudited. */
	if (strcmp(q, s->shown) != 0) {
		snprintf(s->shown, sizeof s->shown, "%s", q);
		s->audited = 0;
	}
	search_hits_free(s->hits, s->n);
	s->hits = NULL;
	s->n = s->selected = 0;
	if (!q[0])
		return;
	if (search_people(sc->ui->store, &sc->ui->actor, q, SEARCH_LIMIT, &s->hits, &s->n, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
}

static int search_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct search *s = calloc(1, sizeof *s);
	if (!s)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	sc->data = s;
	input_set(&s->query, arg);
	char *db = NULL;
	struct cd_error ignored = CD_ERROR_INIT;
	s->has_tier = ui_national && store_national_db(sc->ui->store, &db, &ignored) == CD_OK && db;
	free(db);
	run(sc);
	return CD_OK;
}

static void search_close(struct screen *sc)
{
	struct search *s = sc->data;
	settle(sc);
	search_hits_free(s->hits, s->n);
	national_clear(s);
	free(s);
}

/*
 * The columns at this width.  Born and nationality tell namesakes apart, so at 80 columns
 * they stay and the Latin form and the reason a hit matched give way; the surname never
 * goes.  Widths follow the hits on screen, so a short list of short names is not spread out.
 */
enum { SC_NUMBER, SC_SURNAME, SC_GIVEN, SC_LATIN, SC_BORN, SC_NAT, SC_WHY, SC_N };

static void layout(const struct search *s, struct col c[SC_N], int cols)
{
	struct col def[SC_N] = {
		[SC_NUMBER] = { .head = _("Person"), .min = 8, .pref = 8, .max = 16, .prio = 60, .flex = 0 },
		[SC_SURNAME] = { .head = _("Surname"), .min = 10, .pref = 10, .max = 30, .prio = COL_KEEP, .flex = 1 },
		[SC_GIVEN] = { .head = _("Given names"), .min = 8, .pref = 8, .max = 26, .prio = 70, .flex = 1 },
		[SC_LATIN] = { .head = _("Latin (ICAO)"), .min = 12, .pref = 12, .max = 40, .prio = 30, .flex = 1 },
		[SC_BORN] = { .head = _("Born"), .min = 10, .pref = 10, .max = 10, .prio = 80, .flex = 0 },
		[SC_NAT] = { .head = _("Nat."), .min = 3, .pref = 3, .max = 4, .prio = 80, .flex = 0 },
		/* Why a hit matched: the first to go, and room left for a longer reason. */
		[SC_WHY] = { .head = _("Matched"), .min = 8, .pref = 8, .max = 30, .prio = 10, .flex = 0 },
	};
	for (int i = 0; i < SC_N; i++) {
		c[i] = def[i];
		col_want(&c[i], c[i].head);
	}
	for (size_t i = 0; s->national && i < s->n_nat; i++) {
		const struct ui_nat_hit *h = &s->nat[i];
		col_want(&c[SC_NUMBER], h->number);
		col_want(&c[SC_SURNAME], h->surname);
		col_want(&c[SC_GIVEN], h->given);
		col_want_width(&c[SC_LATIN], term_width(h->surname_latin) + 2 + term_width(h->given_latin));
		col_want(&c[SC_BORN], h->dob);
		col_want(&c[SC_NAT], h->nationality);
		col_want_width(&c[SC_WHY], term_width(_("office")) + 1 + term_width(h->office));
	}
	for (size_t i = 0; !s->national && i < s->n && i < SEARCH_SHOWN; i++) {
		const struct cd_search_hit *h = &s->hits[i];
		col_want(&c[SC_NUMBER], h->number);
		col_want(&c[SC_SURNAME], h->surname);
		col_want(&c[SC_GIVEN], h->given);
		col_want_width(&c[SC_LATIN], term_width(h->surname_latin) + 2 + term_width(h->given_latin));
		col_want(&c[SC_BORN], h->dob);
		col_want(&c[SC_NAT], h->nationality);
		col_want(&c[SC_WHY], _(h->via ? h->via : cd_match_name(h->match)));
	}
	/* A person number and why it matched are read whole or not at all. */
	c[SC_NUMBER].min = c[SC_NUMBER].pref;
	c[SC_WHY].min = c[SC_WHY].pref;
	cols_layout(c, SC_N, cols);
}

/* The national hits: the last column names the office that registered each person. */
static void draw_national(const struct search *s, WINDOW *w, int rows, int cols, const struct col *c)
{
	if (!s->n_nat)
		term_put(w, 6, 2, _("No one found in the national tier."), cols - 4, 0);
	for (size_t i = 0; i < s->n_nat && (int)i < rows - 6; i++) {
		const struct ui_nat_hit *h = &s->nat[i];
		int y = 5 + (int)i, sel = i == s->selected;
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		char latin[160], office[48];
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		snprintf(latin, sizeof latin, "%s, %s", h->surname_latin, h->given_latin);
		/* TRANSLATORS: a national search hit: the office that registered the person */
		snprintf(office, sizeof office, "%s %s", _("office"), h->office);
		col_put(w, y, &c[SC_NUMBER], h->number, st);
		col_put(w, y, &c[SC_SURNAME], h->surname, st);
		col_put(w, y, &c[SC_GIVEN], h->given, st);
		col_put(w, y, &c[SC_LATIN], latin, st);
		col_put(w, y, &c[SC_BORN], h->dob, st);
		col_put(w, y, &c[SC_NAT], h->nationality, st);
		col_put(w, y, &c[SC_WHY], office, st);
	}
}

static void search_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct search *s = sc->data;
	term_fill(w, 0, 0, cols, ST_TITLE);
	term_put_styled(w, 0, 1, _("Search — names in any script, document or case number; Enter opens, Esc back"),
			cols - 2, 0, ST_TITLE);
	term_put_styled(w, 2, 1, _("Find:"), 6, 0, ST_LABEL);
	input_draw(&s->query, w, 2, 8, cols - 10, 1);
	struct col c[SC_N];
	layout(s, c, cols);
	cols_head(w, 4, c, SC_N, ST_LABEL);
	if (s->national) {
		draw_national(s, w, rows, cols, c);
		return;
	}
	if (s->n == 0 && s->query.len > 0)
		term_put(w, 6, 2, _("No one found. Names need three letters; try another spelling or a document number."),
			 cols - 4, 0);
	for (size_t i = 0; i < s->n && (int)i < rows - 6 && i < SEARCH_SHOWN; i++) {
		const struct cd_search_hit *h = &s->hits[i];
		int y = 5 + (int)i, sel = i == s->selected;
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		char latin[160];
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		if (h->other_unit) {
			/* A case number of another unit's: need-to-know names no one, and says so. */
			col_put(w, y, &c[SC_NUMBER], "-", st);
			term_put_styled(w, y, c[SC_SURNAME].x, _("a case in another unit"), cols - c[SC_SURNAME].x - 1, 0,
					sel ? ST_SELECTED : ST_DIM);
			continue;
		}
		snprintf(latin, sizeof latin, "%s, %s", h->surname_latin, h->given_latin);
		col_put(w, y, &c[SC_NUMBER], h->number, st);
		col_put(w, y, &c[SC_SURNAME], h->surname, st);
		col_put(w, y, &c[SC_GIVEN], h->given, st);
		col_put(w, y, &c[SC_LATIN], latin, st);
		col_put(w, y, &c[SC_BORN], h->dob, st);
		col_put(w, y, &c[SC_NAT], h->nationality, st);
		col_put(w, y, &c[SC_WHY], _(h->via ? h->via : cd_match_name(h->match)), st);
	}
	if (s->n > SEARCH_SHOWN && 5 + SEARCH_SHOWN < rows)
		term_put_styled(w, 5 + SEARCH_SHOWN, 1, _("more match: type more of the name, a date of birth or a document number"),
				cols - 2, 0, ST_DIM);
	/* Printable keys are the query's, so ? cannot show the keys here: the one key a
	 * caseworker would not guess is said under the results. */
	int below = 6 + (int)(s->n < SEARCH_SHOWN ? s->n : SEARCH_SHOWN + 1);
	if (s->has_tier && s->query.len > 0 && below < rows)
		term_put_styled(w, below, 1, _("^N asks the national tier the same: every office's persons"), cols - 2, 0,
				ST_DIM);
}

static unsigned search_key(struct screen *sc, int action, wint_t ch)
{
	struct search *s = sc->data;
	switch (action) {
	case A_UP:
		if (s->selected > 0)
			s->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (s->selected + 1 < (s->national ? s->n_nat : s->n) && s->selected + 1 < SEARCH_SHOWN)
			s->selected++;
		return UI_HANDLED;
	case S_NATIONAL:
		national_run(sc);
		return UI_HANDLED;
	case A_OPEN:
		if (s->national) {
			national_open(sc);
		} else if (s->n) {
			const struct cd_search_hit *h = &s->hits[s->selected];
			settle(sc);
			/* A case number found its case: that is what was asked for.  Another unit's
			 * opens for a supervisor, who is asked why first (the case screen's broken
			 * glass); anyone else is told why not. */
			if (h->other_unit && (sc->ui->actor.roles & CD_ROLE_SUPERVISOR)) {
				char number[sizeof s->shown];
				const char *q = s->shown + strspn(s->shown, " ");
				size_t len = strcspn(q, " ");
				snprintf(number, sizeof number, "%.*s", (int)len, q);
				ui_open(sc->ui, UI_CASE, number);
			} else if (h->other_unit)
				ui_error(sc->ui, "%s", _("a case in another unit: need-to-know keeps it from you; a supervisor "
							 "may open it, saying why"));
			else if (h->match == CD_MATCH_CASE && h->detail[0])
				ui_open(sc->ui, UI_CASE, h->detail);
			else
				ui_open(sc->ui, UI_PERSON, h->number);
		}
		return UI_HANDLED;
	case A_NONE:
		if (input_key(&s->query, ch))
			run(sc);
		return UI_HANDLED;
	}
	/* Editing keys that are also bound elsewhere (Home, End, Backspace) edit here. */
	if ((ch & UI_FKEY) && input_key(&s->query, ch)) {
		run(sc);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static int always_text(const struct screen *sc)
{
	(void)sc;
	return 1;
}

const struct screen_ops search_screen = {
	.name = "search",
	.actions = search_actions,
	.n_actions = sizeof search_actions / sizeof search_actions[0],
	.wants_text = always_text,
	.open = search_open,
	.draw = search_draw,
	.key = search_key,
	.reload = run,
	.close = search_close,
};
