/*
 * review.c - the Duplicates screen (issue 15 deliverable 6; d on the worklist): possible
 * duplicates that arrived from other offices, one pair a line - score, the arrived person
 * and its office, this office's person, why - for a supervisor to dismiss (d: two people)
 * or merge (m: this office's record survives; k: the arrived one does), each with a reason;
 * Enter opens this office's person.  The rules (supervisors only, a reason, decided once,
 * the merge) are the model's (model/store/review.h), shared with `casedesk review`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/review.h"
#include "screens/input.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { RV_DISMISS = A_SCREEN_FIRST, RV_MERGE, RV_MERGE_KEEP_ARRIVED };

static const struct ui_action review_actions[] = {
	{ RV_DISMISS, "review-dismiss", "d", N_("not the same person: dismiss the pair") },
	{ RV_MERGE, "review-merge", "m", N_("the same person: merge, this office's record survives") },
	{ RV_MERGE_KEEP_ARRIVED, "review-merge-keep-arrived", "k", N_("the same person: merge, the arrived record survives") },
	{ A_OPEN, "open", "Enter", N_("open this office's person") },
	{ A_UP, "up", "Up", N_("previous line") },
	{ A_DOWN, "down", "Down", N_("next line") },
};

struct review {
	struct cd_review *rows;
	size_t n, sel;
	int asking;                /* 0, or the action waiting for its reason */
	struct input in;
	int refused;               /* not a supervisor: the list is not shown */
};

static void load(struct screen *sc)
{
	struct review *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	review_free(r->rows, r->n);
	r->rows = NULL;
	r->n = 0;
	if (review_list(sc->ui->store, &sc->ui->actor, 0, &r->rows, &r->n, &err) != CD_OK) {
		r->refused = err.code == CD_EREFUSED;
		ui_error(sc->ui, "%s", err.msg);
	} else {
		r->refused = 0;
	}
	if (r->sel >= r->n)
		r->sel = r->n ? r->n - 1 : 0;
}

static int review_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct review))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	load(sc);
	return CD_OK;
}

static void review_close(struct screen *sc)
{
	struct review *r = sc->data;
	review_free(r->rows, r->n);
	free(r);
}

static void review_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	/* From holds a kit beside its office (TBS/K07, 7 characters); a number takes 12 to 13. */
	static const int x[] = { 1, 7, 21, 29, 44 };
	struct review *r = sc->data;
	const char *const head[] = { _("Score"), _("Arrived"), _("From"), _("This office"), _("Why") };
	char title[128];
	int y = 2;
	size_t top = 0, visible = rows > 9 ? (size_t)(rows - 9) : 1;

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(title, sizeof title, _("Possible duplicates from other stores (offices, kits) — %zu open"), r->n);
	term_put_styled(w, 0, 1, title, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	if (r->refused) {
		term_put_styled(w, 2, 1, _("The duplicate review queue is for supervisors."), cols - 2, 0, ST_DIM);
		return;
	}
	if (!r->n) {
		term_put_styled(w, 2, 1, _("No possible duplicate waiting: nobody who arrived looks like one of ours."),
				cols - 2, 0, ST_DIM);
		return;
	}
	term_columns(w, y++, x, head, 5, cols, ST_LABEL);
	if (r->sel >= visible)
		top = r->sel - visible + 1;
	for (size_t i = top; i < r->n && y < rows - 6; i++, y++) {
		const struct cd_review *k = &r->rows[i];
		int sel = i == r->sel;
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		char score[8];
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		snprintf(score, sizeof score, "%5d", k->score);
		term_put_styled(w, y, x[0], score, x[1] - x[0] - 1, 0, st);
		term_put_styled(w, y, x[1], k->person_number, x[2] - x[1] - 1, 0, st);
		term_put_styled(w, y, x[2], k->origin_office, x[3] - x[2] - 1, 0, st);
		term_put_styled(w, y, x[3], k->candidate_number, x[4] - x[3] - 1, 0, st);
		term_put_styled(w, y, x[4], k->reasons, cols - x[4] - 1, 0, sel ? st : ST_DIM);
	}
	{
		/* The highlighted pair side by side, under the list (names come from the store:
		 * drawn by term_put, never executed). */
		const struct cd_review *k = &r->rows[r->sel];
		char line[512];
		snprintf(line, sizeof line, _("arrived (%s): %s, born %s, %s"), k->origin_office[0] ? k->origin_office : "?",
			 k->person_names ? k->person_names : "", k->person_dob, k->person_nat);
		term_put_styled(w, rows - 5, 1, line, cols - 2, 0, ST_NORMAL);
		snprintf(line, sizeof line, _("this office's: %s, born %s, %s"), k->candidate_names ? k->candidate_names : "",
			 k->candidate_dob, k->candidate_nat);
		term_put_styled(w, rows - 4, 1, line, cols - 2, 0, ST_NORMAL);
	}
	if (r->asking) {
		int lw = term_put_styled(w, rows - 3, 1, _("Reason:"), cols / 2, 0, ST_LABEL);
		input_draw(&r->in, w, rows - 3, lw + 2, cols - lw - 3, 1);
		term_put_styled(w, rows - 2, 1, _("Enter decides, Esc cancels"), cols - 2, 0, ST_DIM);
	} else {
		term_put_styled(w, rows - 2, 1, _("d dismiss  m merge (ours survives)  k merge (arrived survives)  Esc back"),
				cols - 2, 0, ST_DIM);
	}
}

static void submit(struct screen *sc)
{
	struct review *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char reason[INPUT_MAX * 4 + 1], ref[32], survivor[32] = "", duplicate[32] = "";
	int rc;

	input_get(&r->in, reason, sizeof reason);
	snprintf(ref, sizeof ref, "%lld", (long long)r->rows[r->sel].id);
	if (r->asking == RV_DISMISS)
		rc = review_dismiss(sc->ui->store, &sc->ui->actor, ref, reason, &err);
	else
		rc = review_merge(sc->ui->store, &sc->ui->actor, NULL, ref, r->asking == RV_MERGE_KEEP_ARRIVED, reason,
				  survivor, duplicate, &err);
	if (rc != CD_OK) {
		/* The prompt stays with what was typed, to be put right. */
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	if (r->asking == RV_DISMISS)
		ui_say(sc->ui, _("duplicate review %s dismissed: two people"), ref);
	else
		ui_say(sc->ui, _("duplicate review %s: %s merged into %s"), ref, duplicate, survivor);
	r->asking = 0;
	load(sc);
}

static int review_wants_text(const struct screen *sc)
{
	const struct review *r = sc->data;
	return r->asking != 0;
}

static unsigned review_key(struct screen *sc, int action, wint_t ch)
{
	struct review *r = sc->data;

	if (r->asking) {
		switch (action) {
		case A_BACK:
			r->asking = 0;
			ui_say(sc->ui, "%s", _("nothing changed"));
			return UI_HANDLED;
		case A_OPEN:
			submit(sc);
			return UI_HANDLED;
		case A_QUIT:
		case A_HELP:
			return UI_UNHANDLED;
		}
		input_key(&r->in, ch);
		return UI_HANDLED;
	}
	switch (action) {
	case A_UP:
		if (r->sel > 0)
			r->sel--;
		return UI_HANDLED;
	case A_DOWN:
		if (r->sel + 1 < r->n)
			r->sel++;
		return UI_HANDLED;
	case A_OPEN:
		if (r->n)
			ui_open(sc->ui, UI_PERSON, r->rows[r->sel].candidate_number);
		return UI_HANDLED;
	case RV_DISMISS:
	case RV_MERGE:
	case RV_MERGE_KEEP_ARRIVED:
		if (!r->n)
			return UI_HANDLED;
		r->asking = action;
		input_set(&r->in, "");
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void review_reload(struct screen *sc)
{
	struct review *r = sc->data;
	if (!r->asking)
		load(sc);
}

static int review_dirty(const struct screen *sc)
{
	const struct review *r = sc->data;
	return r->asking && r->in.len > 0;
}

const struct screen_ops review_screen = {
	.name = "review",
	.actions = review_actions,
	.n_actions = sizeof review_actions / sizeof review_actions[0],
	.wants_text = review_wants_text,
	.open = review_open,
	.draw = review_draw,
	.key = review_key,
	.reload = review_reload,
	.dirty = review_dirty,
	.close = review_close,
};
