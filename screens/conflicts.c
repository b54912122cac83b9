/*
 * conflicts.c - the Conflicts screen (F7, issue 15 deliverable 5): the open conflicts sync
 * left, one a line - the record and field, the base value, theirs (the other office's),
 * ours (kept here), who (the office) and when - for a supervisor to keep ours (o), take
 * theirs (t) or type a value (e), each with a reason.  The rules (supervisors only, a
 * reason, once, the resolution as an op) are the model's (model/store/conflicts.h): the
 * screen asks and shows its answer, so the CLI and the screen cannot disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/conflicts.h"
#include "model/store/roles.h"
#include "screens/input.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { CF_OURS = A_SCREEN_FIRST, CF_THEIRS, CF_TYPED };

static const struct ui_action conflicts_actions[] = {
	{ CF_OURS, "conflict-keep-ours", "o", N_("keep this office's value (ours)") },
	{ CF_THEIRS, "conflict-take-theirs", "t", N_("take the other office's value (theirs)") },
	{ CF_TYPED, "conflict-type-value", "e", N_("type the right value") },
	{ A_UP, "up", "Up", N_("previous line") },
	{ A_DOWN, "down", "Down", N_("next line") },
};

enum ask { ASK_NONE, ASK_VALUE, ASK_REASON };

struct conflicts {
	struct cd_conflict *rows;
	size_t n, sel;
	enum ask asking;
	enum cd_conflict_choice how;
	char value[INPUT_MAX * 4 + 1];
	struct input in;
	int refused;               /* not a supervisor: the list is not shown */
};

static void load(struct screen *sc)
{
	struct conflicts *c = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	conflict_free(c->rows, c->n);
	c->rows = NULL;
	c->n = 0;
	if (conflict_list(sc->ui->store, &sc->ui->actor, 0, &c->rows, &c->n, &err) != CD_OK) {
		c->refused = err.code == CD_EREFUSED;
		ui_error(sc->ui, "%s", err.msg);
	} else {
		c->refused = 0;
	}
	if (c->sel >= c->n)
		c->sel = c->n ? c->n - 1 : 0;
}

static int conflicts_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct conflicts))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	load(sc);
	return CD_OK;
}

static void conflicts_close(struct screen *sc)
{
	struct conflicts *c = sc->data;
	conflict_free(c->rows, c->n);
	free(c);
}

static void conflicts_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	/* The record's column holds a whole case number (RP-TBS-2026-000001, 18 characters): it
	 * is what a supervisor looks the case up by; the values keep their 11 and the office/kit
	 * (TBS/K07) its 7.  The values are shown in full below. */
	static const int x[] = { 1, 20, 36, 48, 60, 72 };
	struct conflicts *c = sc->data;
	const char *const head[] = { _("Record"), _("Field"), _("Base"), _("Theirs"), _("Ours"), _("From") };
	char title[128];
	int y = 2, visible = rows - 7;
	size_t top = 0;

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(title, sizeof title, _("Conflicts — %zu open"), c->n);
	term_put_styled(w, 0, 1, title, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	if (c->refused) {
		term_put_styled(w, 2, 1, _("The conflict queue is for supervisors."), cols - 2, 0, ST_DIM);
		return;
	}
	if (!c->n) {
		term_put_styled(w, 2, 1, _("No open conflict: every change that came by sync was applied."), cols - 2, 0,
				ST_DIM);
		return;
	}
	term_columns(w, y++, x, head, 6, cols, ST_LABEL);
	if (visible < 1)
		visible = 1;
	if (c->sel >= (size_t)visible)
		top = c->sel - (size_t)visible + 1;
	for (size_t i = top; i < c->n && y < rows - 5; i++, y++) {
		const struct cd_conflict *k = &c->rows[i];
		int sel = i == c->sel;
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		/* Values come from the store (and another office): drawn by term_put, never executed. */
		term_put_styled(w, y, x[0], k->label[0] ? k->label : k->entity, x[1] - x[0] - 1, 0, st);
		term_put_styled(w, y, x[1], k->field, x[2] - x[1] - 1, 0, st);
		term_put_styled(w, y, x[2], k->base, x[3] - x[2] - 1, 0, sel ? st : ST_DIM);
		term_put_styled(w, y, x[3], k->theirs, x[4] - x[3] - 1, 0, st);
		term_put_styled(w, y, x[4], k->ours, x[5] - x[4] - 1, 0, st);
		char from[48];
		snprintf(from, sizeof from, "%s%s%s", k->origin_office, k->origin_kit[0] ? "/" : "", k->origin_kit);
		term_put_styled(w, y, x[5], from, cols - x[5] - 1, 0, st);
	}
	if (c->n) {
		/* The highlighted one in full, under the list: the three values the columns may cut,
		 * who and when. */
		const struct cd_conflict *k = &c->rows[c->sel];
		char line[256], at[20];
		/* "2026-03-05 21:56", not the stored "2026-03-05T21:56:04.111Z": at 80 columns the
		 * milliseconds pushed the time itself off the line.  Who made theirs and when, where
		 * the op says (ops since it carried its user); else when it was queued here. */
		snprintf(at, sizeof at, "%.16s", k->by[0] && k->made_at[0] ? k->made_at : k->at);
		if (strlen(at) > 10 && at[10] == 'T')
			at[10] = ' ';
		snprintf(line, sizeof line, _("ours %s │ theirs %s │ base %s"), k->ours ? k->ours : "null",
			 k->theirs ? k->theirs : "null", k->base ? k->base : "null");
		term_put_styled(w, rows - 5, 1, line, cols - 2, 0, ST_NORMAL);
		if (k->by[0] && k->origin_kit[0])
			snprintf(line, sizeof line, _("%s %s: theirs by %s, kit %s of office %s, %s"), k->entity,
				 k->label[0] ? k->label : k->entity_uuid, k->by, k->origin_kit,
				 k->origin_office[0] ? k->origin_office : "?", at);
		else if (k->by[0])
			snprintf(line, sizeof line, _("%s %s: theirs by %s, office %s, %s"), k->entity,
				 k->label[0] ? k->label : k->entity_uuid, k->by,
				 k->origin_office[0] ? k->origin_office : "?", at);
		else if (k->origin_kit[0])
			snprintf(line, sizeof line, _("%s %s: theirs from kit %s of office %s, queued %s"), k->entity,
				 k->label[0] ? k->label : k->entity_uuid, k->origin_kit,
				 k->origin_office[0] ? k->origin_office : "?", at);
		else
			snprintf(line, sizeof line, _("%s %s: theirs from office %s, queued %s"), k->entity,
				 k->label[0] ? k->label : k->entity_uuid, k->origin_office[0] ? k->origin_office : "?",
				 at);
		term_put_styled(w, rows - 4, 1, line, cols - 2, 0, ST_DIM);
	}
	if (c->asking != ASK_NONE) {
		const char *l = c->asking == ASK_VALUE ? _("Value:") : _("Reason:");
		int lw = term_put_styled(w, rows - 3, 1, l, cols / 2, 0, ST_LABEL);
		input_draw(&c->in, w, rows - 3, lw + 2, cols - lw - 3, 1);
		term_put_styled(w, rows - 2, 1, _("Enter goes on, Esc cancels"), cols - 2, 0, ST_DIM);
	} else {
		term_put_styled(w, rows - 2, 1, _("o keep ours  t take theirs  e type a value  Esc back"), cols - 2, 0,
				ST_DIM);
	}
}

static void submit(struct screen *sc)
{
	struct conflicts *c = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char text[INPUT_MAX * 4 + 1], ref[32], op[40];
	struct cd_conflict_pair pair;

	input_get(&c->in, text, sizeof text);
	if (c->asking == ASK_VALUE) {
		snprintf(c->value, sizeof c->value, "%s", text);
		c->asking = ASK_REASON;
		input_set(&c->in, "");
		return;
	}
	snprintf(ref, sizeof ref, "%lld", (long long)c->rows[c->sel].id);
	if (conflict_resolve(sc->ui->store, &sc->ui->actor, ref, c->how, c->how == CONFLICT_TYPED ? c->value : NULL, text,
			     op, &pair, &err) != CD_OK) {
		/* The prompt stays with what was typed, to be put right. */
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	ui_say(sc->ui, _("conflict %s resolved (%s); the resolution syncs as op %s"), ref,
	       c->how == CONFLICT_KEEP_OURS ? _("ours kept") : c->how == CONFLICT_TAKE_THEIRS ? _("theirs taken")
											     : _("value typed"),
	       op);
	if (pair.id && pair.resolved && pair.how == CONFLICT_TYPED)
		ui_say(sc->ui, _("conflicts %s and %lld (%s, the same change) resolved: %s"), ref, (long long)pair.id,
		       pair.field, pair.value);
	else if (pair.id && pair.resolved)
		ui_say(sc->ui, _("conflicts %s and %lld (%s, the same change) resolved (%s)"), ref, (long long)pair.id,
		       pair.field, c->how == CONFLICT_KEEP_OURS ? _("ours kept") : _("theirs taken"));
	else if (pair.id)
		ui_say(sc->ui, _("conflict %s resolved; %lld (%s, the same change) is still open: type its value too"), ref,
		       (long long)pair.id, pair.field);
	c->asking = ASK_NONE;
	load(sc);
}

static int conflicts_wants_text(const struct screen *sc)
{
	const struct conflicts *c = sc->data;
	return c->asking != ASK_NONE;
}

static unsigned conflicts_key(struct screen *sc, int action, wint_t ch)
{
	struct conflicts *c = sc->data;

	if (c->asking != ASK_NONE) {
		switch (action) {
		case A_BACK:
			c->asking = ASK_NONE;
			ui_say(sc->ui, "%s", _("nothing changed"));
			return UI_HANDLED;
		case A_OPEN:
			submit(sc);
			return UI_HANDLED;
		case A_QUIT:
		case A_HELP:
			return UI_UNHANDLED;
		}
		input_key(&c->in, ch);
		return UI_HANDLED;
	}
	switch (action) {
	case A_UP:
		if (c->sel > 0)
			c->sel--;
		return UI_HANDLED;
	case A_DOWN:
		if (c->sel + 1 < c->n)
			c->sel++;
		return UI_HANDLED;
	case CF_OURS:
	case CF_THEIRS:
	case CF_TYPED:
		if (!c->n)
			return UI_HANDLED;
		c->how = action == CF_OURS ? CONFLICT_KEEP_OURS : action == CF_THEIRS ? CONFLICT_TAKE_THEIRS : CONFLICT_TYPED;
		c->asking = action == CF_TYPED ? ASK_VALUE : ASK_REASON;
		input_set(&c->in, "");
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void conflicts_reload(struct screen *sc)
{
	struct conflicts *c = sc->data;
	if (c->asking == ASK_NONE)
		load(sc);
}

static int conflicts_dirty(const struct screen *sc)
{
	const struct conflicts *c = sc->data;
	return c->asking != ASK_NONE && c->in.len > 0;
}

const struct screen_ops conflicts_screen = {
	.name = "conflicts",
	.actions = conflicts_actions,
	.n_actions = sizeof conflicts_actions / sizeof conflicts_actions[0],
	.wants_text = conflicts_wants_text,
	.open = conflicts_open,
	.draw = conflicts_draw,
	.key = conflicts_key,
	.reload = conflicts_reload,
	.dirty = conflicts_dirty,
	.close = conflicts_close,
};
