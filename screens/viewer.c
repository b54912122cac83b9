/*
 * viewer.c - a long text in full: wrapped to the terminal's width, scrolled with Up, Down,
 * PgUp, PgDn, Home and End, closed with Esc.  Wherever a screen cuts a text to its line
 * (a blocked step's reason, a history note, a report's description, the message line), the
 * whole of it is one key away here (issue 13: nothing cut without a way to read the rest).
 * The text comes through ui_view, which owns a copy until this screen takes it.
 */
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "screens/fmt.h"
#include "screens/term.h"
#include "screens/ui.h"

static const struct ui_action viewer_actions[] = {
	{ A_UP, "up", "Up k", N_("scroll up a line") },
	{ A_DOWN, "down", "Down j", N_("scroll down a line") },
	{ A_PAGE_UP, "page-up", "PgUp", N_("previous page") },
	{ A_PAGE_DOWN, "page-down", "PgDn", N_("next page") },
	{ A_HOME, "first", "Home", N_("the beginning") },
	{ A_END, "last", "End", N_("the end") },
	{ A_BACK, "back", "Esc F12", N_("close the text") },
};

struct viewer {
	char *title, *text;
	int top;          /* the first line shown */
	int lines, page;  /* as last drawn: wrapped lines and lines a page */
};

static int viewer_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct viewer *v = calloc(1, sizeof *v);
	(void)arg;
	if (!v)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	/* The text ui_view kept is this screen's now. */
	v->title = sc->ui->view_title;
	v->text = sc->ui->view_text;
	sc->ui->view_title = sc->ui->view_text = NULL;
	if (!v->text) {
		free(v->title);
		free(v);
		return cd_error_set(err, CD_EINTERNAL, _("no text to show"));
	}
	sc->data = v;
	return CD_OK;
}

static void viewer_close(struct screen *sc)
{
	struct viewer *v = sc->data;
	free(v->title);
	free(v->text);
	free(v);
}

static void viewer_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct viewer *v = sc->data;
	int width = cols - 2, body = rows - 2;
	char foot[160];

	v->page = body > 1 ? body : 1;
	v->lines = fmt_wrap(NULL, 0, 1, v->text, width, 0, 0, ST_NORMAL);
	if (v->top > v->lines - v->page)
		v->top = v->lines - v->page;
	if (v->top < 0)
		v->top = 0;
	term_fill(w, 0, 0, cols, ST_TITLE);
	term_put_styled(w, 0, 1, v->title, cols - 2, 0, ST_TITLE);
	fmt_wrap(w, 1, 1, v->text, width, v->top, body, ST_NORMAL);
	if (v->lines > v->page)
		snprintf(foot, sizeof foot, _("lines %d-%d of %d — Up, Down, PgUp, PgDn, Home, End scroll; Esc closes"),
			 v->top + 1, v->top + v->page < v->lines ? v->top + v->page : v->lines, v->lines);
	else
		snprintf(foot, sizeof foot, "%s", _("the whole text — Esc closes"));
	term_put_styled(w, rows - 1, 1, foot, cols - 2, 0, ST_DIM);
}

static unsigned viewer_key(struct screen *sc, int action, wint_t ch)
{
	struct viewer *v = sc->data;
	int last = v->lines - v->page > 0 ? v->lines - v->page : 0;
	(void)ch;
	switch (action) {
	case A_UP:
		v->top = v->top > 0 ? v->top - 1 : 0;
		return UI_HANDLED;
	case A_DOWN:
		v->top = v->top < last ? v->top + 1 : last;
		return UI_HANDLED;
	case A_PAGE_UP:
		v->top = v->top > v->page ? v->top - v->page : 0;
		return UI_HANDLED;
	case A_PAGE_DOWN:
		v->top = v->top + v->page < last ? v->top + v->page : last;
		return UI_HANDLED;
	case A_HOME:
		v->top = 0;
		return UI_HANDLED;
	case A_END:
		v->top = last;
		return UI_HANDLED;
	case A_BACK:
	case A_OPEN:
		return UI_HANDLED | UI_BACK;
	}
	return UI_UNHANDLED;
}

const struct screen_ops viewer_screen = {
	.name = "viewer",
	.actions = viewer_actions,
	.n_actions = sizeof viewer_actions / sizeof viewer_actions[0],
	.open = viewer_open,
	.draw = viewer_draw,
	.key = viewer_key,
	.close = viewer_close,
};
