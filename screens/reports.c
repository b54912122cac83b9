/*
 * reports.c - the office's statistics on one screen: the reports of print/reports.c by
 * their titles, over a period (the current quarter to today unless the user types another),
 * each exported to the same XLSX or CSV as `casedesk report NAME --from --to` (the one
 * report_export), into the print folder beside the store where printed forms go, never
 * replacing a file; and the cases open, overdue and closed now per workflow and state,
 * by their titles, the numbers right-aligned.  Need-to-know is the CLI's: a report counting
 * a workflow the user does not work on is refused (report_may), and shown as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/outfile.h"
#include "model/store/cases.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "print/case_form.h"
#include "print/report.h"
#include "screens/columns.h"
#include "screens/fmt.h"
#include "screens/input.h"
#include "screens/term.h"
#include "screens/ui.h"
#include "workflow/casework.h"

enum { R_PERIOD = A_SCREEN_FIRST, R_XLSX, R_CSV, R_VIEW, R_ADMIN };

static const struct ui_action reports_actions[] = {
	{ A_UP, "up", "Up", N_("previous report") },
	{ A_DOWN, "down", "Down", N_("next report") },
	{ R_PERIOD, "period", "d", N_("change the period (from, to; Tab between them, Enter sets it, Esc keeps the old one)") },
	{ R_XLSX, "export-xlsx", "x", N_("export the highlighted report over the period as XLSX into the print folder") },
	{ R_CSV, "export-csv", "c", N_("export the highlighted report over the period as CSV into the print folder") },
	{ R_VIEW, "view", "v", N_("read what the highlighted report counts, in full") },
	{ A_PAGE_DOWN, "page-down", "PgDn", N_("scroll the case counts down") },
	{ A_PAGE_UP, "page-up", "PgUp", N_("scroll the case counts up") },
	{ R_ADMIN, "admin", "A", N_("administration: users and the office's settings") },
};

struct reports {
	struct cd_case_count *counts;
	size_t n_counts;
	struct cd_user *users;
	size_t n_users;
	size_t selected;          /* the highlighted report */
	int top;                  /* the first count row shown */
	char from[16], to[16];    /* the period, both days included */
	int editing;              /* the period is being typed: 1 from, 2 to */
	struct input in_from, in_to;
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

/* The current quarter up to today: what an office reports on most. */
static void default_period(struct reports *r, long today)
{
	int y, m, d;
	cd_days_to_date(today, &y, &m, &d);
	cd_days_format(cd_date_to_days(y, (m - 1) / 3 * 3 + 1, 1), r->from, sizeof r->from);
	cd_days_format(today, r->to, sizeof r->to);
}

static int reports_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct reports *r = calloc(1, sizeof *r);
	(void)arg;
	if (!r)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	sc->data = r;
	default_period(r, store_today(sc->ui->store));
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

/* A workflow's and a state's titles where the installed workflow has them; the ids otherwise. */
static void titles(struct screen *sc, const struct cd_case_count *c, const char **wf_title, const char **st_title)
{
	const struct workflow *wf = registry_current(sc->ui->reg, c->workflow_id);
	const struct wf_state *st = wf ? wf_find_state(wf, c->state) : NULL;
	*wf_title = wf && wf->title ? wf->title : c->workflow_id;
	*st_title = st && st->title ? st->title : c->state;
}

enum { RC_WORKFLOW, RC_STATE, RC_OPEN, RC_OVERDUE, RC_CLOSED, RC_N };

static void counts_layout(struct screen *sc, struct col c[RC_N], int cols)
{
	struct reports *r = sc->data;
	struct col def[RC_N] = {
		[RC_WORKFLOW] = { .head = _("Workflow"), .min = 10, .pref = 10, .max = 24, .prio = COL_KEEP, .flex = 1 },
		[RC_STATE] = { .head = _("State"), .min = 12, .pref = 12, .max = 40, .prio = COL_KEEP, .flex = 1 },
		[RC_OPEN] = { .head = _("Open"), .min = 6, .pref = 6, .prio = COL_KEEP, .align = COL_RIGHT },
		[RC_OVERDUE] = { .head = _("Overdue"), .min = 6, .pref = 6, .prio = COL_KEEP, .align = COL_RIGHT },
		[RC_CLOSED] = { .head = _("Closed"), .min = 6, .pref = 6, .prio = COL_KEEP, .align = COL_RIGHT },
	};
	for (int i = 0; i < RC_N; i++) {
		c[i] = def[i];
		col_want(&c[i], c[i].head);
	}
	for (size_t i = 0; i < r->n_counts; i++) {
		const char *wt, *stt;
		char n[32];
		titles(sc, &r->counts[i], &wt, &stt);
		col_want(&c[RC_WORKFLOW], wt);
		col_want(&c[RC_STATE], stt);
		fmt_count(r->counts[i].open + r->counts[i].overdue + r->counts[i].closed, n, sizeof n);
		for (int k = RC_OPEN; k <= RC_CLOSED; k++)
			col_want(&c[k], n);
	}
	/* A number is read whole: its column never shrinks under its header or its figures. */
	for (int k = RC_OPEN; k <= RC_CLOSED; k++)
		c[k].min = c[k].pref;
	cols_layout(c, RC_N, cols);
}

static void count_row(WINDOW *w, int y, const struct col *c, const char *wt, const char *stt, int64_t open,
		      int64_t overdue, int64_t closed, enum term_style st)
{
	char o[32], od[32], cl[32];
	fmt_count(open, o, sizeof o);
	fmt_count(overdue, od, sizeof od);
	fmt_count(closed, cl, sizeof cl);
	col_put(w, y, &c[RC_WORKFLOW], wt, st);
	col_put(w, y, &c[RC_STATE], stt, st);
	col_put(w, y, &c[RC_OPEN], o, st);
	col_put(w, y, &c[RC_OVERDUE], od, st);
	col_put(w, y, &c[RC_CLOSED], cl, st);
}

static void reports_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct reports *r = sc->data;
	char line[512];
	int y = 0;
	int64_t open = 0, overdue = 0, closed = 0;
	struct col c[RC_N];

	term_fill(w, y, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, _("Reports — %s to %s"), r->from, r->to);
	term_put_styled(w, y++, 1, line, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	y++;
	term_put_styled(w, y, 1, _("Period"), 8, 1, ST_LABEL);
	if (r->editing) {
		/* The labels take their own width (Georgian "to" is three letters, Romanian "from" two). */
		int x = 10, fw = term_width(_("from")), tw = term_width(_("to"));
		term_put(w, y, x, _("from"), fw, 0);
		x += fw + 1;
		input_draw(&r->in_from, w, y, x, 11, r->editing == 1);
		x += 13;
		term_put(w, y, x, _("to"), tw, 0);
		x += tw + 1;
		input_draw(&r->in_to, w, y, x, 11, r->editing == 2);
		x += 13;
		term_put_styled(w, y++, x, _("Tab, Enter sets, Esc keeps"), cols - x - 1, 0, ST_DIM);
	} else {
		snprintf(line, sizeof line, _("%s to %s — d changes it; x exports XLSX, c CSV, v reads"), r->from, r->to);
		term_put(w, y++, 10, line, cols - 11, 0);
	}
	y++;
	for (size_t i = 0; i < n_report_defs && y < rows; i++, y++) {
		struct cd_error err = CD_ERROR_INIT;
		int sel = i == r->selected, may = report_may(&report_defs[i], &sc->ui->actor, &err) == CD_OK;
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		term_put_styled(w, y, 1, sel ? ">" : " ", 1, 0, sel ? ST_SELECTED : ST_NORMAL);
		if (may) {
			term_put_styled(w, y, 3, _(report_defs[i].summary), cols - 4, 0, sel ? ST_SELECTED : ST_NORMAL);
		} else {
			snprintf(line, sizeof line, _("(not yours: need-to-know) %s"), _(report_defs[i].summary));
			term_put_styled(w, y, 3, line, cols - 4, 0, sel ? ST_SELECTED : ST_DIM);
		}
	}
	y++;
	if (y >= rows - 2)
		return;
	term_put_styled(w, y++, 1, _("Cases now"), cols - 2, 0, ST_LABEL);
	counts_layout(sc, c, cols);
	cols_head(w, y++, c, RC_N, ST_LABEL);
	for (size_t i = 0; i < r->n_counts; i++) {
		open += r->counts[i].open;
		overdue += r->counts[i].overdue;
		closed += r->counts[i].closed;
	}
	if (r->top > (int)r->n_counts - 1)
		r->top = r->n_counts ? (int)r->n_counts - 1 : 0;
	for (size_t i = (size_t)r->top; i < r->n_counts && y < rows - 1; i++) {
		const struct cd_case_count *cc = &r->counts[i];
		const char *wt, *stt;
		titles(sc, cc, &wt, &stt);
		/* The workflow once per group (and again at the top of the screen). */
		if (i > (size_t)r->top && strcmp(cc->workflow_id, r->counts[i - 1].workflow_id) == 0)
			wt = "";
		count_row(w, y++, c, wt, stt, cc->open, cc->overdue, cc->closed, cc->overdue ? ST_OVERDUE : ST_NORMAL);
	}
	if (y < rows)
		count_row(w, y++, c, _("all"), "", open, overdue, closed, ST_LABEL);
	y++;
	if (y < rows - 1)
		term_put_styled(w, y++, 1, _("Users"), cols - 2, 0, ST_LABEL);
	for (size_t i = 0; i < r->n_users && y < rows; i++) {
		char roles[96];
		cd_roles_format(r->users[i].roles, roles, sizeof roles);
		snprintf(line, sizeof line, "%-20s %-20s %s", r->users[i].name,
			 r->users[i].os_account ? r->users[i].os_account : "-", roles);
		term_put(w, y++, 3, line, cols - 4, 0);
	}
}

/* The typed period, checked: both days, in order.  0 and a message when not. */
static int take_period(struct screen *sc)
{
	struct reports *r = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char from[INPUT_MAX * 4 + 1], to[INPUT_MAX * 4 + 1];
	long d_from, d_to;

	input_get(&r->in_from, from, sizeof from);
	input_get(&r->in_to, to, sizeof to);
	if (cd_days_parse(from, _("from"), &d_from, &err) != CD_OK ||
	    cd_days_parse(to, _("to"), &d_to, &err) != CD_OK) {
		ui_error(sc->ui, "%s", err.msg);
		return 0;
	}
	if (d_from > d_to) {
		ui_error(sc->ui, _("the period is reversed: %s is after %s; swap them"), from, to);
		return 0;
	}
	cd_days_format(d_from, r->from, sizeof r->from);
	cd_days_format(d_to, r->to, sizeof r->to);
	return 1;
}

static unsigned period_key(struct screen *sc, int action, wint_t ch)
{
	struct reports *r = sc->data;
	switch (action) {
	case A_BACK:
		r->editing = 0;
		ui_say(sc->ui, _("the period stays %s to %s"), r->from, r->to);
		return UI_HANDLED;
	case A_NEXT_FIELD:
	case A_PREV_FIELD:
		r->editing = r->editing == 1 ? 2 : 1;
		input_select(r->editing == 1 ? &r->in_from : &r->in_to);
		return UI_HANDLED;
	case A_OPEN:
		if (take_period(sc)) {
			r->editing = 0;
			ui_say(sc->ui, _("period %s to %s"), r->from, r->to);
		}
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
		return UI_UNHANDLED;
	}
	input_key(r->editing == 1 ? &r->in_from : &r->in_to, ch);
	return UI_HANDLED;
}

/* Exports the highlighted report over the period into the print folder; says the file. */
static void export(struct screen *sc, const char *format)
{
	struct reports *r = sc->data;
	const struct report_def *def = &report_defs[r->selected];
	struct cd_error err = CD_ERROR_INIT;
	char stem[160], path[4096];
	struct report_params p = {
		.from = r->from, .to = r->to, .today = store_today(sc->ui->store), .progress = 0,
		.is_decision = report_is_decision, .ctx = sc->ui->reg,
	};

	snprintf(stem, sizeof stem, "%s-%s-%s", def->name, r->from, r->to);
	if (report_may(def, &sc->ui->actor, &err) != CD_OK ||
	    print_folder_path(store_path(sc->ui->store), stem, format, path, sizeof path, &err) != CD_OK ||
	    report_export(sc->ui->store, def, &p, format, 1, path, OUTFILE_OFFICE, &err) != CD_OK) {
		ui_error(sc->ui, _("not exported: %s"), err.msg);
		return;
	}
	ui_say(sc->ui, _("exported %s"), path);
}

static unsigned reports_key(struct screen *sc, int action, wint_t ch)
{
	struct reports *r = sc->data;
	if (r->editing)
		return period_key(sc, action, ch);
	if (action == R_ADMIN) {
		ui_open(sc->ui, UI_ADMIN, NULL);
		return UI_HANDLED;
	}
	if (r->editing)
		return period_key(sc, action, ch);
	switch (action) {
	case A_UP:
		if (r->selected > 0)
			r->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (r->selected + 1 < n_report_defs)
			r->selected++;
		return UI_HANDLED;
	case A_PAGE_DOWN:
		if (r->top + 5 < (int)r->n_counts)
			r->top += 5;
		return UI_HANDLED;
	case A_PAGE_UP:
		r->top = r->top > 5 ? r->top - 5 : 0;
		return UI_HANDLED;
	case R_PERIOD:
		input_prefill(&r->in_from, r->from);
		input_prefill(&r->in_to, r->to);
		r->editing = 1;
		return UI_HANDLED;
	case R_XLSX:
		export(sc, "xlsx");
		return UI_HANDLED;
	case R_CSV:
		export(sc, "csv");
		return UI_HANDLED;
	case R_VIEW: {
		char title[256];
		snprintf(title, sizeof title, _("Report %s"), report_defs[r->selected].name);
		ui_view(sc->ui, title, _(report_defs[r->selected].summary));
		return UI_HANDLED;
	}
	}
	return UI_UNHANDLED;
}

static int reports_wants_text(const struct screen *sc)
{
	const struct reports *r = sc->data;
	return r && r->editing;
}

const struct screen_ops reports_screen = {
	.name = "reports",
	.actions = reports_actions,
	.n_actions = sizeof reports_actions / sizeof reports_actions[0],
	.wants_text = reports_wants_text,
	.open = reports_open,
	.draw = reports_draw,
	.key = reports_key,
	.reload = load,
	.close = reports_close,
};
