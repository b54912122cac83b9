/*
 * reports.c - the office at a glance: open, overdue and closed cases per workflow and
 * state, and who works here with which roles.  (Eurostat tables and PDF come with print/.)
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "screens/fmt.h"
#include "screens/term.h"
#include "screens/ui.h"

struct reports {
	struct cd_case_count *counts;
	size_t n_counts;
	struct cd_user *users;
	size_t n_users;
	int top;
};

static void load(struct screen *sc)
{
	struct reports *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	case_counts_free(r->counts, r->n_counts);
	user_list_free(r->users, r->n_users);
	r->counts = NULL;
	r->users = NULL;
	r->n_counts = r->n_users = 0;
	if (case_counts(sc->ui->store, store_today(sc->ui->store), &r->counts, &r->n_counts, &err) != CD_OK ||
	    user_list(sc->ui->store, &r->users, &r->n_users, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
}

static int reports_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct reports))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	load(sc);
	return CD_OK;
}

static void reports_close(struct screen *sc)
{
	struct reports *r = sc->data;
	case_counts_free(r->counts, r->n_counts);
	user_list_free(r->users, r->n_users);
	free(r);
}

static void reports_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct reports *r = sc->data;
	char line[256];
	int y = 2, line_no = 0;
	int64_t open = 0, overdue = 0, closed = 0;

	term_fill(w, 0, 0, cols, ST_TITLE);
	term_put_styled(w, 0, 1, _("Reports — cases per workflow and state, users (Up/Down scroll, Esc back)"), cols - 2, 0,
			ST_TITLE);
	{
		static const int x[] = { 1, 14, 43, 52, 61 };
		const char *const head[] = { _("Workflow"), _("State"), _("Open"), _("Overdue"), _("Closed") };
		term_columns(w, 1, x, head, 5, cols, ST_LABEL);
	}
	for (size_t i = 0; i < r->n_counts; i++) {
		open += r->counts[i].open;
		overdue += r->counts[i].overdue;
		closed += r->counts[i].closed;
	}
	for (size_t i = 0; i < r->n_counts; i++, line_no++) {
		if (line_no < r->top || y >= rows - 1)
			continue;
		const struct cd_case_count *c = &r->counts[i];
		char o[32], od[32], cl[32];
		fmt_count(c->open, o, sizeof o);
		fmt_count(c->overdue, od, sizeof od);
		fmt_count(c->closed, cl, sizeof cl);
		snprintf(line, sizeof line, "%-12s %-28s %8s %8s %8s", c->workflow_id, c->state, o, od, cl);
		term_put_styled(w, y++, 1, line, cols - 2, 0, c->overdue ? ST_OVERDUE : ST_NORMAL);
	}
	if (y < rows) {
		char o[32], od[32], cl[32];
		fmt_count(open, o, sizeof o);
		fmt_count(overdue, od, sizeof od);
		fmt_count(closed, cl, sizeof cl);
		snprintf(line, sizeof line, "%-12s %-28s %8s %8s %8s", _("all"), "", o, od, cl);
		term_put_styled(w, y++, 1, line, cols - 2, 0, ST_LABEL);
	}
	y++;
	if (y < rows)
		term_put_styled(w, y++, 1, _("Users"), cols - 2, 0, ST_LABEL);
	for (size_t i = 0; i < r->n_users && y < rows; i++) {
		char roles[96];
		cd_roles_format(r->users[i].roles, roles, sizeof roles);
		snprintf(line, sizeof line, "%-20s %-20s %s", r->users[i].name,
			 r->users[i].os_account ? r->users[i].os_account : "-", roles);
		term_put(w, y++, 3, line, cols - 4, 0);
	}
}

enum { R_ADMIN = A_SCREEN_FIRST };
static const struct ui_action reports_actions[] = {
	{ R_ADMIN, "admin", "A", N_("administration: users and the office's settings") },
};

static unsigned reports_key(struct screen *sc, int action, wint_t ch)
{
	struct reports *r = sc->data;
	(void)ch;
	if (action == R_ADMIN) {
		ui_open(sc->ui, UI_ADMIN, NULL);
		return UI_HANDLED;
	}
	if (action == A_DOWN && r->top + 1 < (int)r->n_counts) {
		r->top++;
		return UI_HANDLED;
	}
	if (action == A_UP && r->top > 0) {
		r->top--;
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

const struct screen_ops reports_screen = {
	.name = "reports",
	.actions = reports_actions,
	.n_actions = sizeof reports_actions / sizeof reports_actions[0],
	.open = reports_open,
	.draw = reports_draw,
	.key = reports_key,
	.reload = load,
	.close = reports_close,
};
