/*
 * checkhits.c - the Check hits screen (issue 16; x on the worklist): the hits on network or
 * hand-recorded checks that no supervisor has cleared yet, one a line - case, list, where
 * the answer came from, when, the gateway's reference - oldest first.  Enter opens the case,
 * where C clears the hit with a reason (screens/case.c, the check block).  The list and its
 * rules (supervisors only, need-to-know, audited) are the model's (model/store/checkqueue.h),
 * shared with `casedesk check hits`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/checkqueue.h"
#include "screens/term.h"
#include "screens/ui.h"

static const struct ui_action checkhits_actions[] = {
	{ A_OPEN, "open", "Enter", N_("open the case (C there clears the hit with a reason)") },
	{ A_UP, "up", "Up", N_("previous line") },
	{ A_DOWN, "down", "Down", N_("next line") },
};

struct checkhits {
	struct cq_hit *rows;
	size_t n, sel;
	int refused;               /* not a supervisor: the list is not shown */
};

static void load(struct screen *sc)
{
	struct checkhits *h = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	checkqueue_hits_free(h->rows, h->n);
	h->rows = NULL;
	h->n = 0;
	if (checkqueue_hits(sc->ui->store, &sc->ui->actor, &h->rows, &h->n, &err) != CD_OK) {
		h->refused = err.code == CD_EREFUSED;
		ui_error(sc->ui, "%s", err.msg);
	} else {
		h->refused = 0;
	}
	if (h->sel >= h->n)
		h->sel = h->n ? h->n - 1 : 0;
}

static int checkhits_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct checkhits))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	load(sc);
	return CD_OK;
}

static void checkhits_close(struct screen *sc)
{
	struct checkhits *h = sc->data;
	checkqueue_hits_free(h->rows, h->n);
	free(h);
}

static void checkhits_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	static const int x[] = { 1, 22, 42, 51, 63 };
	struct checkhits *h = sc->data;
	const char *const head[] = { _("Case"), _("List"), _("From"), _("When"), _("Answer") };
	char title[128];
	int y = 2;
	size_t top = 0, visible = rows > 6 ? (size_t)(rows - 6) : 1;

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(title, sizeof title, _("Check hits to review — %zu open"), h->n);
	term_put_styled(w, 0, 1, title, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	if (h->refused) {
		term_put_styled(w, 2, 1, _("The check hits are for supervisors."), cols - 2, 0, ST_DIM);
		return;
	}
	if (!h->n) {
		term_put_styled(w, 2, 1, _("No hit waiting: every hit is cleared."), cols - 2, 0, ST_DIM);
		return;
	}
	term_columns(w, y++, x, head, 5, cols, ST_LABEL);
	if (h->sel >= visible)
		top = h->sel - visible + 1;
	for (size_t i = top; i < h->n && y < rows - 3; i++, y++) {
		const struct cq_hit *k = &h->rows[i];
		int sel = i == h->sel;
		enum term_style st = sel ? ST_SELECTED : ST_NORMAL;
		char when[20];
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		snprintf(when, sizeof when, "%.5s %.5s", k->answered_at && strlen(k->answered_at) >= 16 ? k->answered_at + 5 : "",
			 k->answered_at && strlen(k->answered_at) >= 16 ? k->answered_at + 11 : "");
		term_put_styled(w, y, x[0], k->case_number, x[1] - x[0] - 1, 0, st);
		term_put_styled(w, y, x[1], k->list, x[2] - x[1] - 1, 0, st);
		term_put_styled(w, y, x[2], k->source ? k->source : "", x[3] - x[2] - 1, 0, st);
		term_put_styled(w, y, x[3], when, x[4] - x[3] - 1, 0, st);
		term_put_styled(w, y, x[4], k->note ? k->note : "", cols - x[4] - 1, 0, sel ? st : ST_DIM);
	}
	term_put_styled(w, rows - 2, 1, _("Enter opens the case; C there clears the hit with a reason.  Esc back"), cols - 2,
			0, ST_DIM);
}

static unsigned checkhits_key(struct screen *sc, int action, wint_t ch)
{
	struct checkhits *h = sc->data;

	(void)ch;
	switch (action) {
	case A_UP:
		if (h->sel > 0)
			h->sel--;
		return UI_HANDLED;
	case A_DOWN:
		if (h->sel + 1 < h->n)
			h->sel++;
		return UI_HANDLED;
	case A_OPEN:
		if (h->n)
			ui_open(sc->ui, UI_CASE, h->rows[h->sel].case_number);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void checkhits_reload(struct screen *sc)
{
	load(sc);
}

const struct screen_ops checkhits_screen = {
	.name = "checkhits",
	.actions = checkhits_actions,
	.n_actions = sizeof checkhits_actions / sizeof checkhits_actions[0],
	.open = checkhits_open,
	.draw = checkhits_draw,
	.key = checkhits_key,
	.reload = checkhits_reload,
	.close = checkhits_close,
};
