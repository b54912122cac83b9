/*
 * worklist.c - the caseworker's list: my cases, the office's, or the unassigned ones, the
 * nearest deadline first (overdue at the top, stopped clocks after running ones), filtered
 * by workflow and state.  Enter opens the case; a takes the highlighted case, h hands it
 * over (supervisors, from a picker), r releases it, and the tab follows at once: a case
 * taken from "unassigned" leaves it and is under "mine".
 *
 * A list the user asked for (opening the screen, another mode or filter) is audited
 * (case_list_audit: how many cases and people, and who when they are few); a refresh
 * because another desk committed is not: it shows the same list again, and auditing it
 * would be a commit that refreshes every other desk's list in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "workflow/deadline.h"
#include "screens/handover.h"
#include "screens/columns.h"
#include "screens/fmt.h"
#include "screens/term.h"
#include "screens/ui.h"

/* A worklist is read, not scrolled to the end: the first rows by deadline are what matter. */
#define WORKLIST_ROWS 500

enum { W_MINE = A_SCREEN_FIRST, W_TEAM, W_UNASSIGNED, W_WORKFLOW, W_STATE, W_OVERDUE, W_TAKE, W_HANDOVER,
       W_RELEASE };
/* The duplicate review queue (screens/review.c), issue 15: its own value, its own row. */
enum { W_REVIEW = A_SCREEN_FIRST + 50 };
/* The check hits to review (screens/checkhits.c), issue 16: its own value, its own row. */
enum { W_CHECK_HITS = A_SCREEN_FIRST + 60 };

static const struct ui_action worklist_actions[] = {
	{ A_OPEN, "open", "Enter", N_("open the highlighted case") },
	{ W_MINE, "mine", "m", N_("my cases") },
	{ W_TEAM, "team", "t", N_("the whole office's cases") },
	{ W_UNASSIGNED, "unassigned", "u", N_("cases nobody has taken yet") },
	{ W_WORKFLOW, "filter-workflow", "f", N_("next workflow filter (all, residence, work, visa, asylum)") },
	{ W_STATE, "filter-state", "s", N_("next state filter within the workflow") },
	{ W_OVERDUE, "overdue", "o", N_("only overdue cases, or all again") },
	{ W_TAKE, "take", "a", N_("take the case (it is yours)") },
	{ W_HANDOVER, "hand-over", "h", N_("hand it over (supervisors)") },
	{ W_RELEASE, "release", "r", N_("release the case") },
	{ W_REVIEW, "duplicates", "d", N_("possible duplicates arrived from other offices (supervisors)") },
	{ W_CHECK_HITS, "check-hits", "x", N_("hits on checks no supervisor has cleared yet (supervisors)") },
};

struct worklist {
	struct cd_case_row *rows;
	size_t n, selected, top;
	int mode;                 /* W_MINE, W_TEAM, W_UNASSIGNED */
	int workflow;             /* -1 all, else index in the registry */
	int state;                /* -1 all, else index in the workflow's states */
	int overdue;
	long today;
	struct userpick pick;     /* h: whom to hand the highlighted case to */
	/* What the loaded rows ask of each column (display widths), measured once per load. */
	int want[6];
};

/* The columns, left to right; the person and the deadline never give way (issue 13). */
enum { WC_CASE, WC_WORKFLOW, WC_STATE, WC_DEADLINE, WC_ASSIGNEE, WC_PERSON, WC_N };

static const struct workflow *chosen_workflow(struct screen *sc)
{
	struct worklist *w = sc->data;
	return w->workflow >= 0 ? registry_at(sc->ui->reg, (size_t)w->workflow) : NULL;
}

/* The deadline's words are workflow/deadline.h's; the colour is this screen's. */
static void deadline_cell(const struct cd_case_row *r, long today, char *buf, size_t size, enum term_style *st)
{
	enum deadline_state d = deadline_text(r->due_day, r->frozen_left, today, DL_SHORT, buf, size);
	*st = d == DL_STOPPED ? ST_WARN : d == DL_OVERDUE ? ST_OVERDUE : ST_NORMAL;
}

static int widest(int a, const char *text)
{
	int tw = term_width(text ? text : "");
	return tw > a ? tw : a;
}

static void measure(struct worklist *w, const struct wf_registry *reg)
{
	memset(w->want, 0, sizeof w->want);
	for (size_t i = 0; i < w->n; i++) {
		const struct cd_case_row *r = &w->rows[i];
		char due[40];
		enum term_style st;
		deadline_cell(r, w->today, due, sizeof due, &st);
		w->want[WC_CASE] = widest(w->want[WC_CASE], r->number);
		const struct workflow *rwf = registry_current(reg, r->workflow_id);
		w->want[WC_WORKFLOW] = widest(w->want[WC_WORKFLOW], rwf ? rwf->title : r->workflow_id);
		w->want[WC_STATE] = widest(w->want[WC_STATE], wf_state_title(rwf, r->state));
		w->want[WC_DEADLINE] = widest(w->want[WC_DEADLINE], due);
		w->want[WC_ASSIGNEE] = widest(w->want[WC_ASSIGNEE], r->assignee ? r->assignee : "-");
		w->want[WC_PERSON] = widest(w->want[WC_PERSON], r->person_name);
	}
}

static void load(struct screen *sc)
{
	struct worklist *w = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	const struct workflow *wf = chosen_workflow(sc);
	struct cd_case_filter f = {
		.workflow = wf ? wf->id : NULL,
		.state = wf && w->state >= 0 ? wf->states[w->state].id : NULL,
		.overdue_only = w->overdue,
		.assignee_id = w->mode == W_MINE ? sc->ui->actor.user_id : 0,
		.unassigned_only = w->mode == W_UNASSIGNED,
		.today = store_today(sc->ui->store),
		.limit = WORKLIST_ROWS,
	};
	case_list_free(w->rows, w->n);
	w->rows = NULL;
	w->n = 0;
	w->today = f.today;
	if (case_list(sc->ui->store, &sc->ui->actor, &f, &w->rows, &w->n, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
	measure(w, sc->ui->reg);
	if (w->selected >= w->n)
		w->selected = w->n ? w->n - 1 : 0;
}

/* load, then the audit of a list the user asked for. */
static void load_shown(struct screen *sc)
{
	struct worklist *w = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	load(sc);
	if (case_list_audit(sc->ui->store, &sc->ui->actor, w->rows, w->n, "casework", &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
}

static int worklist_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct worklist *w = calloc(1, sizeof *w);
	(void)arg;
	if (!w)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	w->mode = W_MINE;
	w->workflow = -1;
	w->state = -1;
	sc->data = w;
	load(sc);
	/* Someone with no cases of their own sees the office's at first. */
	if (w->n == 0) {
		w->mode = W_TEAM;
		load(sc);
	}
	{
		struct cd_error aerr = CD_ERROR_INIT;
		if (case_list_audit(sc->ui->store, &sc->ui->actor, w->rows, w->n, "casework", &aerr) != CD_OK)
			ui_error(sc->ui, "%s", aerr.msg);
	}
	return CD_OK;
}

static void worklist_close(struct screen *sc)
{
	struct worklist *w = sc->data;
	case_list_free(w->rows, w->n);
	userpick_close(&w->pick);
	free(w);
}

/*
 * The columns at this width: the case number as wide as the longest, the state and the
 * person sharing what is left; the assignee goes first (on "my cases" it says who I am),
 * then the workflow (the case number's prefix says it too), then the state.
 */
static void layout(struct worklist *w, struct col c[WC_N], int cols)
{
	struct col def[WC_N] = {
		[WC_CASE] = { .head = _("Case"), .min = 12, .pref = 12, .max = 24, .prio = 90, .flex = 0 },
		[WC_WORKFLOW] = { .head = _("Workflow"), .min = 6, .pref = 6, .max = 16, .prio = 20, .flex = 0 },
		[WC_STATE] = { .head = _("State"), .min = 12, .pref = 12, .max = 30, .prio = 40, .flex = 1 },
		[WC_DEADLINE] = { .head = _("Deadline"), .min = 10, .pref = 10, .max = 20, .prio = COL_KEEP, .flex = 0 },
		/* On "my cases" every row's assignee is the reader: no column for it. */
		[WC_ASSIGNEE] = { .head = _("Assignee"), .min = 6, .pref = 6, .max = 16, .prio = w->mode == W_MINE ? -1 : 50, .flex = 0 },
		[WC_PERSON] = { .head = _("Person"), .min = 20, .pref = 20, .max = 40, .prio = COL_KEEP, .flex = 1 },
	};
	for (int i = 0; i < WC_N; i++) {
		c[i] = def[i];
		col_want(&c[i], c[i].head);
		col_want_width(&c[i], w->want[i]);
	}
	/* The case number, its workflow, deadline and assignee are read whole or not at all. */
	c[WC_CASE].min = c[WC_CASE].pref;
	c[WC_WORKFLOW].min = c[WC_WORKFLOW].pref;
	c[WC_ASSIGNEE].min = c[WC_ASSIGNEE].pref;
	c[WC_DEADLINE].min = c[WC_DEADLINE].pref;
	cols_layout(c, WC_N, cols);
}

static void worklist_draw(struct screen *sc, WINDOW *win, int rows, int cols)
{
	struct worklist *w = sc->data;
	const struct workflow *wf = chosen_workflow(sc);
	char title[256];
	const char *mode = w->mode == W_MINE ? _("my cases") : w->mode == W_TEAM ? _("office") : _("unassigned");
	int list_rows = rows - 3;

	snprintf(title, sizeof title,
		 ngettext("Worklist — %s — %s%s%s%s — %zu%s case", "Worklist — %s — %s%s%s%s — %zu%s cases",
			  (unsigned long)w->n), mode, wf ? wf->title : _("all workflows"),
		 wf && w->state >= 0 ? "/" : "", wf && w->state >= 0 ? wf->states[w->state].title : "",
		 w->overdue ? _(" — overdue only") : "", w->n, w->n >= WORKLIST_ROWS ? "+" : "");
	term_fill(win, 0, 0, cols, ST_TITLE);
	term_put_styled(win, 0, 1, title, cols - 12, 0, ST_TITLE);
	term_put_styled(win, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	struct col c[WC_N];
	layout(w, c, cols);
	cols_head(win, 1, c, WC_N, ST_LABEL);
	if (w->n == 0) {
		term_put(win, 3, 2, _("No cases here. t: the office's cases, u: unassigned, f: another workflow."), cols - 4, 0);
		return;
	}
	if (w->selected < w->top)
		w->top = w->selected;
	if (list_rows > 0 && w->selected >= w->top + (size_t)list_rows)
		w->top = w->selected - (size_t)list_rows + 1;
	for (int i = 0; i < list_rows && w->top + (size_t)i < w->n; i++) {
		const struct cd_case_row *r = &w->rows[w->top + (size_t)i];
		int y = 2 + i, sel = w->top + (size_t)i == w->selected;
		char due[40];
		enum term_style st;
		deadline_cell(r, w->today, due, sizeof due, &st);
		if (sel)
			term_fill(win, y, 0, cols, ST_SELECTED);
		enum term_style base = sel ? ST_SELECTED : ST_NORMAL;
		const struct workflow *rwf = registry_current(sc->ui->reg, r->workflow_id);
		col_put(win, y, &c[WC_CASE], r->number, base);
		col_put(win, y, &c[WC_WORKFLOW], rwf ? rwf->title : r->workflow_id, base);
		col_put(win, y, &c[WC_STATE], wf_state_title(rwf, r->state), base);
		col_put(win, y, &c[WC_DEADLINE], due, sel ? ST_SELECTED : st);
		col_put(win, y, &c[WC_ASSIGNEE], r->assignee ? r->assignee : "-", base);
		col_put(win, y, &c[WC_PERSON], r->person_name, base);
	}
	userpick_draw(&w->pick, win, rows, cols);
}

/* a, h, r: the change through workflow/assign.h, then the tab read again so it follows. */
static void assign_key(struct screen *sc, int action)
{
	struct worklist *w = sc->data;
	const struct cd_case_row *r;

	if (!w->n) {
		ui_error(sc->ui, "%s", _("no case highlighted"));
		return;
	}
	r = &w->rows[w->selected];
	if (action == W_HANDOVER) {
		userpick_open(&w->pick, sc->ui, r->number, r->workflow_id, r->assignee, r->row_version);
		return;
	}
	/* Read again whatever the answer: a refusal or a conflict means the list was behind. */
	handover_apply(sc->ui, r->number, action == W_TAKE ? CW_WANT_ME : CW_WANT_NONE, NULL, r->row_version);
	load(sc);
}

static unsigned worklist_key(struct screen *sc, int action, wint_t ch)
{
	struct worklist *w = sc->data;
	const struct workflow *wf;
	int page = LINES > 8 ? LINES - 8 : 1;
	(void)ch;

	if (w->pick.open) {
		if (action == A_QUIT || action == A_HELP)
			return UI_UNHANDLED;
		userpick_key(&w->pick, sc->ui, action);
		if (!w->pick.open)
			load(sc);   /* handed over or cancelled: the tab as it is now */
		return UI_HANDLED;
	}
	switch (action) {
	case W_REVIEW:
		ui_open(sc->ui, UI_REVIEW, NULL);
		return UI_HANDLED;
	case W_CHECK_HITS:
		ui_open(sc->ui, UI_CHECK_HITS, NULL);
		return UI_HANDLED;
	case W_TAKE:
	case W_HANDOVER:
	case W_RELEASE:
		assign_key(sc, action);
		return UI_HANDLED;
	case A_UP:
		if (w->selected > 0)
			w->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (w->selected + 1 < w->n)
			w->selected++;
		return UI_HANDLED;
	case A_PAGE_UP:
		w->selected = w->selected > (size_t)page ? w->selected - (size_t)page : 0;
		return UI_HANDLED;
	case A_PAGE_DOWN:
		w->selected = w->selected + (size_t)page < w->n ? w->selected + (size_t)page : (w->n ? w->n - 1 : 0);
		return UI_HANDLED;
	case A_HOME:
		w->selected = 0;
		return UI_HANDLED;
	case A_END:
		w->selected = w->n ? w->n - 1 : 0;
		return UI_HANDLED;
	case A_OPEN:
		if (w->n)
			ui_open(sc->ui, UI_CASE, w->rows[w->selected].number);
		return UI_HANDLED;
	case W_MINE:
	case W_TEAM:
	case W_UNASSIGNED:
		w->mode = action;
		w->selected = 0;
		load_shown(sc);
		return UI_HANDLED;
	case W_WORKFLOW:
		w->workflow = w->workflow + 1 >= (int)registry_count(sc->ui->reg) ? -1 : w->workflow + 1;
		w->state = -1;
		w->selected = 0;
		load_shown(sc);
		return UI_HANDLED;
	case W_STATE:
		wf = chosen_workflow(sc);
		if (!wf) {
			ui_say(sc->ui, "%s", _("choose a workflow first (f)"));
			return UI_HANDLED;
		}
		w->state = w->state + 1 >= (int)wf->n_states ? -1 : w->state + 1;
		w->selected = 0;
		load_shown(sc);
		return UI_HANDLED;
	case W_OVERDUE:
		w->overdue = !w->overdue;
		w->selected = 0;
		load_shown(sc);
		return UI_HANDLED;
	case A_BACK:
		return UI_HANDLED;   /* the worklist is the bottom: Esc stays here */
	}
	return UI_UNHANDLED;
}

const struct screen_ops worklist_screen = {
	.name = "worklist",
	.actions = worklist_actions,
	.n_actions = sizeof worklist_actions / sizeof worklist_actions[0],
	.open = worklist_open,
	.draw = worklist_draw,
	.key = worklist_key,
	.reload = load,
	.close = worklist_close,
};
