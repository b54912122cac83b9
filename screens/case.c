/*
 * case.c - one case: fields, deadline (a stopped clock shown as such), history, and the
 * steps open to this user now, with the reason for each blocked one.  Choosing a step
 * opens a form for its fields, checked as each field is left, saved in one step against
 * the version the user saw: a stale save is refused with who changed what, and the
 * input stays for a retry (^R takes the new version, F5 saves again).
 *
 * A case outside the user's workflows (need-to-know, model/store/users.h) is refused by
 * the model; a supervisor is asked why instead, and with a purpose typed the case opens
 * "behind broken glass": read-only in effect (steps still go as the user), recorded and
 * listed for an admin's review.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "print/case_form.h"
#include "screens/fmt.h"
#include "screens/handover.h"
#include "screens/input.h"
#include "workflow/deadline.h"
#include "screens/term.h"
#include "screens/ui.h"

#define FORM_MAX 16

enum { C_PERSON = A_SCREEN_FIRST, C_PRINT };
/* The check block's actions, numbered apart so other blocks' enums do not move them. */
enum { C_CHECK_RECORD = A_SCREEN_FIRST + 40, C_CHECK_CLEAR };
/* Assignment (screens/handover.h): numbered apart so other keys' blocks merge cleanly. */
enum { C_TAKE = A_SCREEN_FIRST + 50, C_HANDOVER, C_RELEASE };
/* The history and the text viewer (issue 13 item 5): numbered apart from the other keys. */
enum { C_VIEW = A_SCREEN_FIRST + 60 };

static const struct ui_action case_actions[] = {
	{ A_OPEN, "open", "Enter", N_("take the highlighted step (opens its form); in a form: next field; in the history: read the entry") },
	{ A_UP, "up", "Up", N_("previous step; in a form: previous field; in the history: newer entry (past the latest, back to the steps)") },
	{ A_DOWN, "down", "Down", N_("next step; in a form: next field; in the history: older entry") },
	{ A_SAVE, "save", "F5 ^S", N_("in a form: save the step") },
	{ A_RELOAD, "reload", "^R", N_("read the case again (in a form: keep the input, take the new version)") },
	{ C_PERSON, "person", "p", N_("open the person") },
	{ C_PRINT, "print", "P", N_("print the form of the last step (into the print folder)") },
	/* checks against other registers (the check block below) */
	{ C_CHECK_RECORD, "check-record", "c", N_("record a check's answer (clear or hit) for a list the case needs") },
	{ C_CHECK_CLEAR, "check-clear", "C", N_("supervisors: clear a hit with a reason") },
	{ C_TAKE, "take", "a", N_("take the case (it is yours)") },
	{ C_HANDOVER, "hand-over", "h", N_("hand it over (supervisors)") },
	{ C_RELEASE, "release", "r", N_("release the case") },
	{ A_PAGE_DOWN, "page-down", "PgDn", N_("history: older entries") },
	{ A_PAGE_UP, "page-up", "PgUp", N_("history: newer entries") },
	{ A_HOME, "first", "Home", N_("history: the latest entry") },
	{ A_END, "last", "End", N_("history: the first entry") },
	{ C_VIEW, "view", "v", N_("read in full: the blocked step's reason, the highlighted history entry once "
				  "PgUp/PgDn/Home/End moved to it, else all the case's fields") },
};

struct form_field {
	const struct wf_field *f;
	int required;
	struct input in;           /* a choice field holds the choice's id; the form shows its label */
	char problem[CD_ERRMSG_MAX];
};

/*
 * The list a choice field picks from: typing filters it by label, Enter picks.  For a
 * `multiple = yes` field Space marks and unmarks the highlighted choice, and Enter or Tab
 * takes the marked set (the highlighted one when none is marked).
 */
#define PICK_MAX 64
struct picker {
	int open;
	struct input filter;
	size_t shown[PICK_MAX], n_shown, selected;
	unsigned char marked[PICK_MAX];   /* by choice index: part of a multiple field's set */
};

struct case_view {
	char number[40];
	struct cd_case *c;
	const struct workflow *wf;
	struct cw_option *opts;
	size_t n_opts, selected;
	struct cd_history_row *hist;
	size_t n_hist;
	/* The history's scroll: the first entry shown and the highlighted one, from the latest (0). */
	size_t hist_top, hist_at;
	int hist_rows;              /* entries shown, as last drawn: a page */
	int hist_focus;             /* PgUp/PgDn/Home/End moved last: `v` reads the entry */
	/* The form of the step being taken, when one is open. */
	const struct wf_transition *form_t;
	struct form_field fields[FORM_MAX];
	size_t n_fields, focus;     /* focus == n_fields: the note */
	int note_field;             /* the step takes a field `note`: it is the note, no second one */
	struct input note;
	int64_t expected_version;
	int stale;                  /* another desk changed the case while the form was open */
	int changed;                /* something was typed or picked: leaving asks first */
	int confirming;             /* a decision's summary is shown, asking before it is saved */
	struct picker pick;
	int text_width;             /* the width text fields were last drawn at (Up/Down in them) */
	char lookup[INPUT_MAX * 4 + 1];   /* a form value read for a cross-field rule */
	/* Who reads: the user acting now (F9 changes them), with a break-glass purpose only
	 * while the supervisor who typed it (glass_by) is the one acting. */
	struct cd_actor reader;
	char glass_by[64];
	int glass_asking;           /* a supervisor is asked why before another unit's case opens */
	struct input glass;
	char glass_purpose[INPUT_MAX * 4 + 1];
	/* The check block: the case's lists and answers, and the small form c and C open. */
	struct cw_checks checks;
	struct check_form *check_form;
	struct userpick handover;   /* h: whom to hand the case to */
};

static void check_block_load(struct screen *sc);
static int check_block_draw(const struct case_view *v, WINDOW *w, int y, int cols);
static void check_form_draw(const struct case_view *v, WINDOW *w, int y, int rows, int cols);
static unsigned check_form_key(struct screen *sc, int action, wint_t ch);
static unsigned check_block_key(struct screen *sc, int action);
static void check_block_close(struct case_view *v);
static void check_block_text(const struct case_view *v, struct cd_buf *text);

/*
 * The reader is whoever acts now: after F9 the screen reads and judges the steps as the
 * next user, never as the one who opened it.  A purpose typed behind broken glass stays
 * with the supervisor who typed it.
 */
static void reader_refresh(struct screen *sc)
{
	struct case_view *v = sc->data;
	const struct cd_actor *now = &sc->ui->actor;
	int glass = v->glass_by[0] && strcmp(v->glass_by, now->name) == 0;

	v->reader = *now;
	v->reader.break_glass = glass ? v->glass_purpose : NULL;
}

static int load(struct screen *sc, const char *purpose, struct cd_error *err)
{
	struct case_view *v = sc->data;
	struct cd_case *c = NULL;
	struct cw_option *opts = NULL;
	struct cd_history_row *hist = NULL;
	size_t n_opts = 0, n_hist = 0;
	const struct workflow *wf;
	int rc;

	/* Another user now reads the case: their read is audited as an opening is. */
	if (!purpose && v->c && strcmp(v->reader.name, sc->ui->actor.name) != 0)
		purpose = "casework";
	reader_refresh(sc);
	if ((rc = case_load(sc->ui->store, &v->reader, v->number, purpose, &c, err)))
		return rc;
	if ((rc = registry_for_case(sc->ui->reg, sc->ui->store, c->workflow_id, c->workflow_version, &wf, err)) ||
	    /* As the reader: behind broken glass the four-eyes pairings read the history too. */
	    (rc = cw_case_options(sc->ui->store, sc->ui->reg, &v->reader, c, &opts, &n_opts, err)) ||
	    (rc = case_history(sc->ui->store, &v->reader, v->number, NULL, &hist, &n_hist, err))) {
		case_free(c);
		free(opts);
		return rc;
	}
	case_free(v->c);
	free(v->opts);
	case_history_free(v->hist, v->n_hist);
	v->c = c;
	v->wf = wf;
	v->opts = opts;
	v->n_opts = n_opts;
	v->hist = hist;
	v->n_hist = n_hist;
	check_block_load(sc);
	if (v->hist_at >= n_hist)
		v->hist_at = n_hist ? n_hist - 1 : 0;
	if (v->hist_top > v->hist_at)
		v->hist_top = v->hist_at;
	if (v->selected >= n_opts)
		v->selected = 0;
	/* Prefer a step that is open now. */
	if (v->selected < n_opts && !opts[v->selected].allowed)
		for (size_t i = 0; i < n_opts; i++)
			if (opts[i].allowed) {
				v->selected = i;
				break;
			}
	return CD_OK;
}

static void case_reload(struct screen *sc)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	int64_t before = v->c ? v->c->row_version : 0;
	if (v->glass_asking)
		return;
	if (load(sc, NULL, &err)) {
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	if (v->form_t && v->c->row_version != before && v->c->row_version != v->expected_version) {
		v->stale = 1;
		ui_error(sc->ui, _("%s changed this case meanwhile (now at version %lld); ^R takes the new version, "
				   "your input stays"), v->c->updated_by, (long long)v->c->row_version);
	}
}

static int case_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct case_view *v = calloc(1, sizeof *v);
	int rc;
	if (!v)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	snprintf(v->number, sizeof v->number, "%s", arg ? arg : "");
	sc->data = v;
	rc = load(sc, "casework", err);
	if (rc == CD_EREFUSED && (sc->ui->actor.roles & CD_ROLE_SUPERVISOR)) {
		/* Need-to-know refused it; a supervisor may say why and read it (glass_key). */
		v->glass_asking = 1;
		input_set(&v->glass, "");
		cd_error_clear(err);
		rc = CD_OK;
	}
	if (rc) {
		free(v);
		sc->data = NULL;
	}
	return rc;
}

/* The break-glass question: Enter reads the case with the typed purpose, Esc goes back. */
static unsigned glass_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	switch (action) {
	case A_BACK:
		return UI_BACK;
	case A_OPEN:
		input_get(&v->glass, v->glass_purpose, sizeof v->glass_purpose);
		snprintf(v->glass_by, sizeof v->glass_by, "%s", sc->ui->actor.name);
		if (load(sc, "casework", &err) != CD_OK) {
			v->glass_by[0] = '\0';
			ui_error(sc->ui, "%s", err.msg);
			return UI_HANDLED;
		}
		v->glass_asking = 0;
		ui_say(sc->ui, "%s", _("opened behind broken glass: your purpose is recorded for an admin's review"));
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
		return UI_UNHANDLED;
	}
	input_key(&v->glass, ch);
	return UI_HANDLED;
}

static void glass_draw(struct screen *sc, WINDOW *w, int cols)
{
	struct case_view *v = sc->data;
	char line[512];

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, _("Case %s — another unit's"), v->number);
	term_put_styled(w, 0, 1, line, cols - 2, 0, ST_TITLE);
	term_put_styled(w, 2, 1, _("This case belongs to a workflow you do not work on (need-to-know)."), cols - 2, 0,
			ST_WARN);
	term_put(w, 3, 1, _("As a supervisor you may break the glass: say why you must read it. Your purpose is"),
		 cols - 2, 0);
	term_put(w, 4, 1, _("kept with your name and listed for an admin's review. Enter reads it, Esc goes back."),
		 cols - 2, 0);
	term_put_styled(w, 6, 1, _("Purpose:"), 10, 0, ST_LABEL);
	input_draw(&v->glass, w, 6, 11, cols - 13, 1);
}

static void case_close(struct screen *sc)
{
	struct case_view *v = sc->data;
	if (!v)
		return;
	case_free(v->c);
	free(v->opts);
	case_history_free(v->hist, v->n_hist);
	check_block_close(v);
	userpick_close(&v->handover);
	free(v);
}

/* ---- assignment: a takes, h hands over, r releases (workflow/assign.h) ------------------- */

/* Who holds the case, in the header's words. */
static void assign_header(const struct cd_case *c, char *buf, size_t size)
{
	if (c->assignee)
		snprintf(buf, size, _("taken by %s"), c->assignee);
	else
		snprintf(buf, size, "%s", _("nobody has taken this case"));
}

/* Every key goes to an open picker; otherwise a, h and r.  UI_UNHANDLED for the rest. */
static unsigned assign_key(struct screen *sc, int action)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	if (v->handover.open) {
		if (action == A_QUIT || action == A_HELP)
			return UI_UNHANDLED;
		userpick_key(&v->handover, sc->ui, action);
	} else if (action == C_HANDOVER) {
		userpick_open(&v->handover, sc->ui, v->c->number, v->c->workflow_id, v->c->assignee, v->c->row_version);
		return UI_HANDLED;
	} else if (action == C_TAKE || action == C_RELEASE) {
		handover_apply(sc->ui, v->c->number, action == C_TAKE ? CW_WANT_ME : CW_WANT_NONE, NULL,
			       v->c->row_version);
	} else {
		return UI_UNHANDLED;
	}
	if (!v->handover.open && load(sc, NULL, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
	return UI_HANDLED;
}

/* ---- the form ------------------------------------------------------------------------------ */

static struct input *focused_input(struct case_view *v)
{
	return v->focus < v->n_fields ? &v->fields[v->focus].in : &v->note;
}

/* Moves the focus; the field entered has its text selected, so typing replaces it. */
static void form_focus(struct case_view *v, size_t to)
{
	v->focus = to;
	input_select(focused_input(v));
}

static void form_open(struct screen *sc, const struct wf_transition *t)
{
	struct case_view *v = sc->data;
	v->form_t = t;
	v->n_fields = 0;
	v->focus = 0;
	v->stale = 0;
	v->changed = 0;
	v->confirming = 0;
	v->pick.open = 0;
	v->expected_version = v->c->row_version;
	input_set(&v->note, "");
	v->note_field = 0;
	for (size_t i = 0; i < t->n_fields + t->n_optional && v->n_fields < FORM_MAX; i++) {
		int required = i < t->n_fields;
		struct form_field *ff = &v->fields[v->n_fields++];
		memset(ff, 0, sizeof *ff);
		ff->f = &v->wf->fields[required ? t->fields[i] : t->optional[i - t->n_fields]];
		ff->required = required;
		/* The case's value is a suggestion: selected, the first key typed replaces it. */
		input_prefill(&ff->in, case_field(v->c, ff->f->id));
		v->note_field |= strcmp(ff->f->id, "note") == 0;
	}
	form_focus(v, 0);
}

/* The form's last place: the event's note, or the last field when a field is the note. */
static size_t form_last(const struct case_view *v)
{
	return v->note_field && v->n_fields ? v->n_fields - 1 : v->n_fields;
}

/* A field's value as it stands for a cross-field rule: the form's, else the case's. */
static const char *form_value_of(void *ctx, const char *field)
{
	struct case_view *v = ctx;
	for (size_t i = 0; i < v->n_fields; i++)
		if (!strcmp(v->fields[i].f->id, field)) {
			input_get(&v->fields[i].in, v->lookup, sizeof v->lookup);
			return v->lookup;
		}
	return case_field(v->c, field);
}

/*
 * Checks a field as it is left: its type, then the workflow's date rules against the
 * other dates of the form and the case (valid_until after valid_from).  The problem shows
 * beside the field at once.
 */
static int form_check(struct screen *sc, struct form_field *ff)
{
	struct case_view *v = sc->data;
	char value[INPUT_MAX * 4 + 1];
	struct cd_error err = CD_ERROR_INIT;
	input_get(&ff->in, value, sizeof value);
	ff->problem[0] = '\0';
	if (!value[0]) {
		if (ff->required)
			snprintf(ff->problem, sizeof ff->problem, "%s", _("required"));
		return !ff->required;
	}
	if (wf_field_validate(ff->f, value, &err) != CD_OK ||
	    wf_field_rules_check(v->wf, ff->f, form_value_of, v, store_today(sc->ui->store), &err) != CD_OK) {
		snprintf(ff->problem, sizeof ff->problem, "%s", err.msg);
		return 0;
	}
	return 1;
}

/* The label of a choice field's value (its id when the file gives no label). */
static const char *choice_shown(const struct wf_field *f, const char *id)
{
	/* A multiple field's labels come joined, in the order stored. */
	return wf_field_value_text(f, id);
}

/* Prints a form of this case into the print folder and says where (or why not). */
static void print_form(struct screen *sc, const char *form_id, int after_step)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char path[4096];
	const char *numbers[1] = { v->number };

	if (case_form_step_path(store_path(sc->ui->store), v->number, form_id, path, sizeof path, &err) != CD_OK ||
	    case_form_print(sc->ui->store, sc->ui->reg, &v->reader, form_id, NULL, numbers, 1, 0, path,
			    OUTFILE_OFFICE, &err) != CD_OK) {
		ui_error(sc->ui, after_step ? _("step saved; form %s not printed: %s") : _("form %s not printed: %s"),
			 form_id, err.msg);
		return;
	}
	if (after_step) {
		char said[sizeof sc->ui->message];
		snprintf(said, sizeof said, "%s", sc->ui->message);
		ui_say(sc->ui, _("%s — printed %s"), said, path);
	} else {
		ui_say(sc->ui, _("printed %s"), path);
	}
}

static void form_save(struct screen *sc)
{
	struct case_view *v = sc->data;
	struct wf_value values[FORM_MAX];
	char texts[FORM_MAX][INPUT_MAX * 4 + 1], note[INPUT_MAX * 4 + 1];
	struct cd_error err = CD_ERROR_INIT;
	size_t nv = 0;
	int64_t version = 0;

	const struct form_field *first = NULL;
	for (size_t i = 0; i < v->n_fields; i++)
		if (!form_check(sc, &v->fields[i]) && !first)
			first = &v->fields[i];
	if (first) {
		/* The first problem in words: a rule's names both fields, an empty field is named here. */
		char why[CD_ERRMSG_MAX + 128];
		if (!strcmp(first->problem, _("required")))
			snprintf(why, sizeof why, _("%s is required"), first->f->label ? first->f->label : first->f->id);
		else
			snprintf(why, sizeof why, "%s", first->problem);
		v->confirming = 0;
		ui_error(sc->ui, _("some fields need attention (marked); nothing was saved — %s"), why);
		return;
	}
	/* A decision is shown whole and asked for before it is saved (form_draw_summary). */
	if (wf_transition_confirms(v->wf, v->form_t) && !v->confirming) {
		v->confirming = 1;
		ui_say(sc->ui, "%s", _("check the summary: Enter or y saves, Esc or n goes back to the form"));
		return;
	}
	v->confirming = 0;
	for (size_t i = 0; i < v->n_fields; i++) {
		input_get(&v->fields[i].in, texts[i], sizeof texts[i]);
		if (!texts[i][0])
			continue;
		values[nv].field = v->fields[i].f->id;
		values[nv].value = texts[i];
		nv++;
	}
	input_get(&v->note, note, sizeof note);
	struct cw_move mv = {
		.number = v->number,
		.transition = v->form_t->id,
		.values = values,
		.n_values = nv,
		.note = note[0] ? note : NULL,
		.expected_version = v->expected_version,
		.today = -1,
	};
	if (cw_case_move(sc->ui->store, sc->ui->reg, &sc->ui->actor, &mv, &version, &err) != CD_OK) {
		/* The form stays open with everything typed: nothing is lost. */
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	ui_say(sc->ui, _("%s: %s done, now %s (version %lld)"), v->number, wf_step_title(v->wf, v->form_t->id),
	       wf_state_title(v->wf, v->wf->states[v->form_t->to].id), (long long)version);
	/* A step that names a form produces it. */
	if (v->form_t->form)
		print_form(sc, v->form_t->form, 1);
	v->form_t = NULL;
	if (load(sc, NULL, &err))
		ui_error(sc->ui, "%s", err.msg);
}

/* Fills the picker's list with the choices whose label (or id) holds the filter. */
static void pick_filter(struct case_view *v)
{
	const struct wf_field *f = v->fields[v->focus].f;
	wchar_t want[INPUT_MAX + 1], label[256];
	struct picker *p = &v->pick;

	for (int i = 0; i <= p->filter.len; i++)
		want[i] = (wchar_t)towlower((wint_t)p->filter.text[i]);
	p->n_shown = 0;
	for (size_t i = 0; i < f->n_choices && p->n_shown < sizeof p->shown / sizeof p->shown[0]; i++) {
		int hit = 0;
		for (int k = 0; k < 2 && !hit; k++) {
			const char *src = k ? f->choices[i] : wf_choice_label(f, i);
			mbstate_t st;
			memset(&st, 0, sizeof st);
			size_t n = mbsrtowcs(label, &src, sizeof label / sizeof label[0] - 1, &st);
			if (n == (size_t)-1)
				continue;
			label[n] = L'\0';
			for (size_t c = 0; c < n; c++)
				label[c] = (wchar_t)towlower((wint_t)label[c]);
			hit = wcsstr(label, want) != NULL;
		}
		if (hit)
			p->shown[p->n_shown++] = i;
	}
	if (p->selected >= p->n_shown)
		p->selected = 0;
}

/* A multiple field's set as the picker starts: the ids the field holds, marked. */
static void pick_mark_value(struct picker *p, const struct wf_field *f, const char *value)
{
	const char *pos = value;
	char one[128];
	int r;

	memset(p->marked, 0, sizeof p->marked);
	while ((r = wf_multi_next(&pos, one, sizeof one)) != 0)
		for (size_t i = 0; r > 0 && i < f->n_choices && i < PICK_MAX; i++)
			if (!strcmp(f->choices[i], one))
				p->marked[i] = 1;
}

/*
 * The value a multiple field takes from the picker: the marked ids in the file's order,
 * joined by ", " (the highlighted one when none is marked); 0 when nothing is to take.
 */
static int pick_take_multi(const struct picker *p, const struct wf_field *f, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < f->n_choices && i < PICK_MAX; i++) {
		if (!p->marked[i])
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", f->choices[i]);
		if (n < 0 || (size_t)n >= size - used)
			return 0;
		used += (size_t)n;
	}
	if (!used && p->n_shown)
		snprintf(out, size, "%s", f->choices[p->shown[p->selected]]);
	return out[0] != '\0';
}

static void pick_open(struct case_view *v, wint_t first)
{
	struct picker *p = &v->pick;
	const struct wf_field *f = v->fields[v->focus].f;
	char id[INPUT_MAX * 4 + 1];

	p->open = 1;
	p->selected = 0;
	input_set(&p->filter, "");
	if (first)
		input_key(&p->filter, first);
	pick_filter(v);
	/* Start on the value the field holds. */
	input_get(&v->fields[v->focus].in, id, sizeof id);
	for (size_t i = 0; !first && i < p->n_shown; i++)
		if (!strcmp(f->choices[p->shown[i]], id))
			p->selected = i;
	if (f->multiple)
		pick_mark_value(p, f, id);
}

static unsigned pick_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;
	struct picker *p = &v->pick;
	struct form_field *ff = &v->fields[v->focus];

	switch (action) {
	case A_BACK:
		p->open = 0;
		return UI_HANDLED;
	case A_UP:
		if (p->selected > 0)
			p->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (p->selected + 1 < p->n_shown)
			p->selected++;
		return UI_HANDLED;
	case A_NEXT_FIELD:   /* Tab completes, as in a shell: the highlighted choice, then the next field */
	case A_OPEN:
	case A_SAVE:         /* F5 picks the highlighted choice and saves */
		if (ff->f->multiple) {
			char set[INPUT_MAX * 4 + 1];
			if (!pick_take_multi(p, ff->f, set, sizeof set))
				return UI_HANDLED;
			input_set(&ff->in, set);
		} else {
			if (!p->n_shown)
				return UI_HANDLED;
			input_set(&ff->in, ff->f->choices[p->shown[p->selected]]);
		}
		p->open = 0;
		v->changed = 1;
		form_check(sc, ff);
		if (action == A_SAVE)
			form_save(sc);
		else if (v->focus < form_last(v))
			form_focus(v, v->focus + 1);
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
		return UI_UNHANDLED;
	}
	/* Space marks or unmarks in a multiple field's list (a filter needs no spaces: a word of a label finds it). */
	if (ff->f->multiple && ch == ' ') {
		if (p->n_shown && p->shown[p->selected] < PICK_MAX)
			p->marked[p->shown[p->selected]] ^= 1;
		return UI_HANDLED;
	}
	if (input_key(&p->filter, ch))
		pick_filter(v);
	return UI_HANDLED;
}

/* The decision's summary is up: Enter or y saves, Esc or n goes back with the input kept. */
static unsigned confirm_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;

	if (action == A_OPEN || action == A_SAVE || (action == A_NONE && (ch == 'y' || ch == 'Y'))) {
		form_save(sc);
		return UI_HANDLED;
	}
	if (action == A_BACK || (action == A_NONE && (ch == 'n' || ch == 'N'))) {
		v->confirming = 0;
		ui_say(sc->ui, "%s", _("not saved; your input is kept — F5 saves"));
		return UI_HANDLED;
	}
	return action == A_QUIT || action == A_HELP ? UI_UNHANDLED : UI_HANDLED;
}

static int is_text_field(const struct case_view *v)
{
	return v->focus == v->n_fields || v->fields[v->focus].f->type == WF_TEXT;
}

static unsigned form_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;
	struct input *in = focused_input(v);
	struct cd_error err = CD_ERROR_INIT;
	int is_choice = v->focus < v->n_fields && v->fields[v->focus].f->type == WF_CHOICE;

	if (v->pick.open)
		return pick_key(sc, action, ch);
	if (v->confirming)
		return confirm_key(sc, action, ch);
	switch (action) {
	case A_BACK:
		if (v->changed && !ui_ask_discard(sc->ui))
			return UI_HANDLED;
		v->form_t = NULL;
		ui_say(sc->ui, "%s", _("step cancelled; nothing was saved"));
		return UI_HANDLED;
	case A_SAVE:
		form_save(sc);
		return UI_HANDLED;
	case A_RELOAD:
		if (load(sc, NULL, &err) != CD_OK) {
			ui_error(sc->ui, "%s", err.msg);
			return UI_HANDLED;
		}
		v->expected_version = v->c->row_version;
		v->stale = 0;
		if (!wf_transition_from(v->wf, v->form_t, v->c->state)) {
			ui_error(sc->ui, _("the case is now in state %s, where %s is not open; Esc closes the form"),
				 wf_state_title(v->wf, v->c->state), wf_step_title(v->wf, v->form_t->id));
		} else {
			ui_say(sc->ui, _("read version %lld; your input is kept — F5 saves"), (long long)v->expected_version);
		}
		return UI_HANDLED;
	case A_OPEN:
		/* Enter on an empty choice opens its list; on a filled one it goes on. */
		if (is_choice && !in->len) {
			pick_open(v, 0);
			return UI_HANDLED;
		}
		/* fall through */
	case A_NEXT_FIELD:
	case A_DOWN:
		/* Down in a long text moves a line down while there is one. */
		if (action == A_DOWN && is_text_field(v) && input_move_line(in, v->text_width, 1))
			return UI_HANDLED;
		if (v->focus < v->n_fields && !form_check(sc, &v->fields[v->focus]) && v->fields[v->focus].problem[0])
			/* Whole on the message line too: beside the field, 80 columns cut it. */
			ui_error(sc->ui, "%s", v->fields[v->focus].problem);
		if (action == A_OPEN && v->focus == form_last(v)) {
			form_save(sc);
			return UI_HANDLED;
		}
		if (v->focus < form_last(v))
			form_focus(v, v->focus + 1);
		return UI_HANDLED;
	case A_PREV_FIELD:
	case A_UP:
		if (action == A_UP && is_text_field(v) && input_move_line(in, v->text_width, -1))
			return UI_HANDLED;
		if (v->focus < v->n_fields && !form_check(sc, &v->fields[v->focus]) && v->fields[v->focus].problem[0])
			ui_error(sc->ui, "%s", v->fields[v->focus].problem);
		if (v->focus > 0)
			form_focus(v, v->focus - 1);
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
	/* Jumps and F9 leave the form to the loop, which asks before input is lost. */
	case A_SEARCH:
	case A_WORKLIST:
	case A_REGISTER:
	case A_REPORTS:
	case A_SWITCH_USER:
		return UI_UNHANDLED;
	}
	/* A choice is picked from its list: a printable key opens it, filtered by that key. */
	if (is_choice && !(ch & UI_FKEY) && ch >= ' ' && ch != 0x7f) {
		pick_open(v, ch == ' ' ? 0 : ch);
		return UI_HANDLED;
	}
	/* Everything else edits the focused field, printable characters included. */
	if (input_key(in, ch))
		v->changed = 1;
	return UI_HANDLED;
}

static const char *type_hint(const struct wf_field *f, char *buf, size_t size)
{
	switch (f->type) {
	case WF_DATE:
		return _("date YYYY-MM-DD");
	case WF_NUMBER:
		return _("number");
	case WF_YESNO:
		return _("yes or no");
	case WF_CHOICE:
		(void)buf;
		(void)size;
		return _("type to pick");
	case WF_TEXT:
		break;
	}
	return _("text");
}

/* Draws text wrapped at `width` from line y; returns the line after it (stops at `rows`). */
static int put_wrapped(WINDOW *w, int y, int x, const char *text, int width, int rows, enum term_style st)
{
	const char *p = text;
	do {
		char line[1024];
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		size_t cut = term_width(line) > width ? term_fit(line, width) : len;
		if (cut == 0)
			cut = len;
		line[cut] = '\0';
		if (y < rows)
			term_put_styled(w, y, x, line, width, 0, st);
		y++;
		p += cut;
		if (*p == '\n')
			p++;
		while (*p == ' ')
			p++;
	} while (*p && y < rows);
	return y;
}

/* What the decision will say, before it is saved: every value, and where the case goes. */
static void form_draw_summary(struct case_view *v, WINDOW *w, int y, int rows, int cols)
{
	char line[INPUT_MAX * 4 + 512], value[INPUT_MAX * 4 + 1];
	const struct cd_case *c = v->c;

	term_fill(w, y, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, _("Confirm: %s"), v->form_t->title ? v->form_t->title : v->form_t->id);
	term_put_styled(w, y++, 1, line, cols - 2, 0, ST_TITLE);
	snprintf(line, sizeof line, _("Case %s — %s, %s"), c->number, c->person_surname_latin, c->person_given_latin);
	y = put_wrapped(w, y, 2, line, cols - 4, rows, ST_NORMAL);
	for (size_t i = 0; i < v->n_fields && y < rows; i++) {
		const struct form_field *ff = &v->fields[i];
		input_get(&ff->in, value, sizeof value);
		snprintf(line, sizeof line, "%s: %s", ff->f->label ? ff->f->label : ff->f->id,
			 !value[0] ? "—" : ff->f->type == WF_CHOICE ? choice_shown(ff->f, value) : value);
		y = put_wrapped(w, y, 2, line, cols - 4, rows, ST_NORMAL);
	}
	input_get(&v->note, value, sizeof value);
	if (value[0] && y < rows) {
		snprintf(line, sizeof line, "%s: %s", _("Note"), value);
		y = put_wrapped(w, y, 2, line, cols - 4, rows, ST_NORMAL);
	}
	snprintf(line, sizeof line, _("The case goes to: %s"), v->wf->states[v->form_t->to].title);
	y = put_wrapped(w, y, 2, line, cols - 4, rows, ST_LABEL);
	put_wrapped(w, y, 2, _("Save this? Enter or y saves; Esc or n goes back to the form with your input."), cols - 4,
		    rows, ST_WARN);
}

/* The list of a choice field's labels, filtered by what was typed. */
static void form_draw_picker(struct case_view *v, WINDOW *w, int y, int rows, int cols)
{
	const struct wf_field *f = v->fields[v->focus].f;
	struct picker *p = &v->pick;
	char line[512];

	term_fill(w, y, 0, cols, ST_TITLE);
	if (f->multiple)
		snprintf(line, sizeof line, _("Pick %s — type to filter, Space marks, Enter takes the marked, Esc closes"),
			 f->label ? f->label : f->id);
	else
		snprintf(line, sizeof line, _("Pick %s — type to filter, Enter picks, Esc closes"),
			 f->label ? f->label : f->id);
	term_put_styled(w, y++, 1, line, cols - 2, 0, ST_TITLE);
	if (y < rows) {
		term_put_styled(w, y, 2, _("Filter"), 10, 1, ST_LABEL);
		input_draw(&p->filter, w, y++, 13, cols - 15, 1);
	}
	if (!p->n_shown && y < rows)
		term_put_styled(w, y++, 4, _("no choice matches"), cols - 6, 0, ST_DIM);
	/* Scrolled so the highlighted choice is in view. */
	size_t room = rows > y ? (size_t)(rows - y) : 0, first = 0;
	if (room && p->selected >= room)
		first = p->selected - room + 1;
	for (size_t i = first; i < p->n_shown && y < rows; i++, y++) {
		int sel = i == p->selected;
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		if (f->multiple) {
			/* [x] marks a choice of the set; the label keeps its own column. */
			size_t k = p->shown[i];
			term_put_styled(w, y, 2, k < PICK_MAX && p->marked[k] ? "[x]" : "[ ]", 3, 0,
					sel ? ST_SELECTED : ST_NORMAL);
			term_put_styled(w, y, 6, wf_choice_label(f, k), cols - 8, 0, sel ? ST_SELECTED : ST_NORMAL);
		} else {
			term_put_styled(w, y, 4, wf_choice_label(f, p->shown[i]), cols - 6, 0, sel ? ST_SELECTED : ST_NORMAL);
		}
	}
}

static void form_draw(struct case_view *v, WINDOW *w, int y, int rows, int cols)
{
	char line[512], hint[256], value[INPUT_MAX * 4 + 1];
	int box_w = cols - 33;

	if (v->confirming) {
		form_draw_summary(v, w, y, rows, cols);
		return;
	}
	if (v->pick.open) {
		form_draw_picker(v, w, y, rows, cols);
		return;
	}
	v->text_width = box_w;
	snprintf(line, sizeof line, _("Step: %s → %s   (Tab next field, F5 save, Esc cancel)"),
		 v->form_t->title ? v->form_t->title : v->form_t->id, v->wf->states[v->form_t->to].title);
	term_fill(w, y, 0, cols, ST_TITLE);
	term_put_styled(w, y++, 1, line, cols - 2, 0, ST_TITLE);
	if (v->stale)
		term_put_styled(w, y++, 1, _("Another desk changed this case: ^R takes the new version, your input stays."),
				cols - 2, 0, ST_ERROR);
	for (size_t i = 0; i < v->n_fields && y < rows - 1; i++, y++) {
		const struct form_field *ff = &v->fields[i];
		int focused = v->focus == i;
		snprintf(line, sizeof line, "%s%s", ff->f->label ? ff->f->label : ff->f->id, ff->required ? " *" : "");
		term_put_styled(w, y, 2, line, 28, 1, ST_LABEL);
		if (ff->f->type == WF_TEXT) {
			/* A long text wraps and grows with the screen, leaving a line for each field after it. */
			int room = rows - y - (int)(v->n_fields - i) - (ff->problem[0] ? 1 : 0);
			int h = input_rows(&ff->in, box_w);
			if (h > room)
				h = room;
			if (h < 1)
				h = 1;
			input_draw_box(&ff->in, w, y, 31, box_w, h, focused);
			y += h - 1;
			if (ff->problem[0] && y + 1 < rows - 1)
				term_put_styled(w, ++y, 31, ff->problem, cols - 32, 0, ST_ERROR);
			continue;
		}
		if (ff->f->type == WF_CHOICE) {
			/* The choice's label, never its id. */
			input_get(&ff->in, value, sizeof value);
			term_style(w, focused ? ST_SELECTED : ST_DIM, 1);
			mvwhline(w, y, 31, ' ', 30);
			term_style(w, focused ? ST_SELECTED : ST_DIM, 0);
			term_put_styled(w, y, 31, value[0] ? choice_shown(ff->f, value) : "", 30, 1,
					focused ? ST_SELECTED : ST_DIM);
		} else {
			input_draw(&ff->in, w, y, 31, 30, focused);
		}
		if (ff->problem[0])
			term_put_styled(w, y, 63, ff->problem, cols - 64, 0, ST_ERROR);
		else
			term_put_styled(w, y, 63, type_hint(ff->f, hint, sizeof hint), cols - 64, 0, ST_DIM);
	}
	/* One Note: a step whose own field `note` is shown above takes no second, event note. */
	if (y < rows && !v->note_field) {
		term_put_styled(w, y, 2, _("Note"), 28, 1, ST_LABEL);
		int h = input_rows(&v->note, box_w);
		if (h > rows - y)
			h = rows - y;
		input_draw_box(&v->note, w, y, 31, box_w, h < 1 ? 1 : h, v->focus == v->n_fields);
	}
}

/* ---- the history ------------------------------------------------------------------------------ */

/* One history entry on one line: when, who, what (titles and labels, not ids); the note
 * after it (`v` reads it whole). */
static void history_line(const struct workflow *wf, const struct cd_history_row *h, char *line, size_t size)
{
	size_t used;
	if (strcmp(h->kind, "transition") == 0)
		used = (size_t)snprintf(line, size, "%.16s  %-11s %s: %s → %s", h->at, h->user,
					wf_step_title(wf, h->transition),
					h->from_state ? wf_state_title(wf, h->from_state) : "",
					h->to_state ? wf_state_title(wf, h->to_state) : "");
	else if (strcmp(h->kind, "field") == 0)
		used = (size_t)snprintf(line, size, "%.16s  %-11s   %s = %s%s%s", h->at, h->user,
					wf_field_label(wf, h->field),
					h->new_value ? wf_value_text(wf, h->field, h->new_value) : "",
					h->old_value ? _(" (was ") : "",
					h->old_value ? wf_value_text(wf, h->field, h->old_value) : "");
	else if (strncmp(h->kind, "check", 5) == 0 && h->field)   /* check, check_cleared */
		used = (size_t)snprintf(line, size, "%.16s  %-11s %s %s: %s", h->at, h->user, _("check"), h->field,
					h->new_value ? h->new_value : "");
	else if (strcmp(h->kind, "created") == 0)
		used = (size_t)snprintf(line, size, "%.16s  %-11s %s %s", h->at, h->user, _("opened in"),
					h->to_state ? wf_state_title(wf, h->to_state) : "");
	else if (strcmp(h->kind, "assigned") == 0) {
		char said[256];
		cw_assign_event_text(h->user, h->old_value, h->new_value, said, sizeof said);
		used = (size_t)snprintf(line, size, "%.16s  %-11s %s", h->at, h->user, said);
	} else
		used = (size_t)snprintf(line, size, "%.16s  %-11s %s", h->at, h->user, h->kind);
	if (used < size && strcmp(h->kind, "field") == 0 && h->old_value)
		used += (size_t)snprintf(line + used, size - used, ")");
	if (used < size && h->note && h->note[0])
		snprintf(line + used, size - used, " — %s", h->note);
}

/* The whole of one entry, for the viewer: a note of any length, whole. */
static void history_full(const struct workflow *wf, const struct cd_history_row *h, struct cd_buf *text)
{
	char line[1024];
	history_line(wf, h, line, sizeof line);
	buf_printf(text, "%s\n", line);
	if (h->field)
		buf_printf(text, "\n%s: %s\n%s: %s\n", _("old value"), h->old_value ? h->old_value : "-", _("new value"),
			   h->new_value ? h->new_value : "-");
	if (h->note && h->note[0])
		buf_printf(text, "\n%s:\n%s\n", _("Note"), h->note);
}

/*
 * The history, latest first, from row y to the end of the screen: it scrolls so that the
 * highlighted entry (PgUp, PgDn, Home, End) is always on screen.
 */
static void history_draw(struct case_view *v, WINDOW *w, int y, int rows, int cols)
{
	char line[1024], head[160];
	size_t first;

	if (y >= rows - 1)
		return;
	v->hist_rows = rows - y - 1 > 1 ? rows - y - 1 : 1;
	/* The highlighted entry stays on screen whatever the height (a resize moves it). */
	if (v->hist_at < v->hist_top)
		v->hist_top = v->hist_at;
	if (v->hist_at >= v->hist_top + (size_t)v->hist_rows)
		v->hist_top = v->hist_at - (size_t)v->hist_rows + 1;
	first = v->hist_top;
	if (v->n_hist > (size_t)v->hist_rows)
		snprintf(head, sizeof head, _("History (latest first) — %zu-%zu of %zu — PgUp PgDn Home End, v reads"),
			 first + 1, first + (size_t)v->hist_rows < v->n_hist ? first + (size_t)v->hist_rows : v->n_hist,
			 v->n_hist);
	else
		snprintf(head, sizeof head, "%s", _("History (latest first)"));
	term_put_styled(w, y++, 1, head, cols - 2, 0, ST_LABEL);
	for (size_t k = first; k < v->n_hist && y < rows; k++, y++) {
		const struct cd_history_row *h = &v->hist[v->n_hist - 1 - k];
		int sel = v->hist_focus && k == v->hist_at;
		history_line(v->wf, h, line, sizeof line);
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		term_put_styled(w, y, 3, line, cols - 4, 0, sel ? ST_SELECTED : ST_NORMAL);
	}
}

/* PgUp, PgDn, Home, End: the history's highlight moves (and the list with it). */
static unsigned history_key(struct case_view *v, int action)
{
	size_t page = v->hist_rows > 1 ? (size_t)v->hist_rows : 1;
	size_t last_top = v->n_hist > page ? v->n_hist - page : 0;
	switch (action) {
	case A_PAGE_DOWN:
		v->hist_top = v->hist_top + page < last_top ? v->hist_top + page : last_top;
		/* A first PgDn on a history that fits highlights its latest entry. */
		v->hist_at = v->hist_focus || v->hist_top ? v->hist_top : 0;
		break;
	case A_PAGE_UP:
		v->hist_top = v->hist_top > page ? v->hist_top - page : 0;
		v->hist_at = v->hist_top;
		break;
	case A_HOME:
		v->hist_top = v->hist_at = 0;
		break;
	case A_END:
		v->hist_top = last_top;
		v->hist_at = v->n_hist ? v->n_hist - 1 : 0;
		break;
	default:
		return UI_UNHANDLED;
	}
	v->hist_focus = 1;
	return UI_HANDLED;
}

/* `v` with nothing else highlighted: every field of the case and its value, whole, so the
 * one deciding reads the proposal however few rows the screen gives the fields block. */
static void fields_view(struct screen *sc)
{
	struct case_view *v = sc->data;
	const struct cd_case *c = v->c;
	char title[256];
	struct cd_buf text = CD_BUF_INIT;

	if (!c->n_fields) {
		ui_say(sc->ui, "%s", _("this case has no fields set yet"));
		return;
	}
	for (size_t i = 0; i < c->n_fields; i++)
		buf_printf(&text, "%s: %s\n", wf_field_label(v->wf, c->fields[i].name),
			   wf_value_text(v->wf, c->fields[i].name, c->fields[i].value));
	check_block_text(v, &text);
	snprintf(title, sizeof title, _("%s — all %zu fields"), v->number, c->n_fields);
	ui_view(sc->ui, title, buf_str(&text));
	buf_release(&text);
}

/* `v`: the blocked step's reason, the highlighted history entry, or the fields, in full. */
static void view_key(struct screen *sc)
{
	struct case_view *v = sc->data;
	char title[256];
	struct cd_buf text = CD_BUF_INIT;

	if (!v->hist_focus && v->n_opts && !v->opts[v->selected].allowed) {
		snprintf(title, sizeof title, _("%s — why %s is blocked"), v->number, wf_step_title(v->wf, v->opts[v->selected].t->id));
		ui_view(sc->ui, title, v->opts[v->selected].reason);
		return;
	}
	if (!v->hist_focus) {
		fields_view(sc);
		return;
	}
	if (!v->n_hist) {
		ui_say(sc->ui, "%s", _("nothing to read in full here"));
		return;
	}
	history_full(v->wf, &v->hist[v->n_hist - 1 - v->hist_at], &text);
	snprintf(title, sizeof title, _("%s — history entry %zu of %zu"), v->number, v->n_hist - v->hist_at, v->n_hist);
	ui_view(sc->ui, title, buf_str(&text));
	buf_release(&text);
}

/* ---- the view --------------------------------------------------------------------------------- */

static void case_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct case_view *v = sc->data;
	if (v->glass_asking) {
		glass_draw(sc, w, cols);
		return;
	}
	const struct cd_case *c = v->c;
	const struct wf_state *st = wf_find_state(v->wf, c->state);
	long today = store_today(sc->ui->store);
	char line[512], due[16];
	int y = 2;

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, "%s — %s (v%d)%s", c->number, v->wf->title, c->workflow_version,
		 c->closed_at ? _(" — closed") : "");
	term_put_styled(w, 0, 1, line, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);

	term_put_styled(w, y, 1, _("Person"), 12, 1, ST_LABEL);
	snprintf(line, sizeof line, "%s  %s, %s", c->person_number, c->person_surname_latin, c->person_given_latin);
	term_put(w, y++, 14, line, cols - 15, 0);
	term_put_styled(w, y, 1, _("State"), 12, 1, ST_LABEL);
	snprintf(line, sizeof line, "%s  (%s %.10s)", st && st->title ? st->title : c->state, _("since"), c->state_since);
	term_put(w, y++, 14, line, cols - 15, 0);
	term_put_styled(w, y, 1, _("Deadline"), 12, 1, ST_LABEL);
	fmt_day(c->due_day, due, sizeof due);
	{
		char left[96];
		enum deadline_state d = deadline_text(c->due_day, c->frozen_left, today, DL_LONG, left, sizeof left);
		if (d == DL_RUNNING || d == DL_OVERDUE)
			snprintf(line, sizeof line, "%s — %s", due, left);
		else
			snprintf(line, sizeof line, "%s", left);
		term_put_styled(w, y++, 14, line, cols - 15, 0,
				d == DL_STOPPED ? ST_WARN : d == DL_OVERDUE ? ST_OVERDUE : ST_NORMAL);
	}
	term_put_styled(w, y, 1, _("Assignee"), 12, 1, ST_LABEL);
	{
		char held[128];
		assign_header(c, held, sizeof held);
		snprintf(line, sizeof line, "%s   %s %lld", held, _("version"), (long long)c->row_version);
	}
	term_put(w, y++, 14, line, cols - 15, 0);
	y = check_block_draw(v, w, y, cols);
	{
		/* The fields get the rows to half the screen; those that do not fit are said, with
		 * the key that reads them all (fields_view), never dropped unseen. */
		size_t room = y < rows / 2 ? (size_t)(rows / 2 - y) : 0;
		size_t shown = c->n_fields <= room ? c->n_fields : room ? room - 1 : 0;
		for (size_t i = 0; i < shown; i++, y++) {
			const struct wf_field *f = wf_find_field(v->wf, c->fields[i].name);
			term_put_styled(w, y, 1, f && f->label ? f->label : c->fields[i].name, 28, 1, ST_DIM);
			term_put(w, y, 30, wf_value_text(v->wf, c->fields[i].name, c->fields[i].value), cols - 31, 0);
		}
		if (shown < c->n_fields) {
			snprintf(line, sizeof line,
				 ngettext("+%zu more field — v reads them all", "+%zu more fields — v reads them all",
					  (unsigned long)(c->n_fields - shown)),
				 c->n_fields - shown);
			term_put_styled(w, y++, 1, line, cols - 2, 0, ST_WARN);
		}
	}
	y++;
	if (v->form_t) {
		form_draw(v, w, y, rows, cols);
		return;
	}
	if (v->check_form) {
		check_form_draw(v, w, y, rows, cols);
		return;
	}
	if (!c->closed_at) {
		snprintf(line, sizeof line, _("Steps for %s — Enter takes the highlighted one"), sc->ui->actor.name);
		term_put_styled(w, y++, 1, line, cols - 2, 0, ST_LABEL);
		if (!v->n_opts)
			term_put(w, y++, 3, _("none from this state"), cols - 4, 0);
	}
	for (size_t i = 0; i < v->n_opts && y < rows - 4; i++, y++) {
		const struct cw_option *o = &v->opts[i];
		int sel = i == v->selected;
		snprintf(line, sizeof line, "%s %s → %s %s", o->allowed ? "+" : "-", wf_step_title(v->wf, o->t->id),
			 wf_state_title(v->wf, v->wf->states[o->t->to].id), o->allowed ? "" : o->reason);
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		term_put_styled(w, y, 3, line, cols - 4, 0, sel ? ST_SELECTED : o->allowed ? ST_NORMAL : ST_DIM);
	}
	y++;
	history_draw(v, w, y, rows, cols);
	userpick_draw(&v->handover, w, rows, cols);
}

static unsigned case_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	if (v->glass_asking)
		return glass_key(sc, action, ch);
	if (v->form_t)
		return form_key(sc, action, ch);
	if (v->check_form)
		return check_form_key(sc, action, ch);
	if (action == C_CHECK_RECORD || action == C_CHECK_CLEAR)
		return check_block_key(sc, action);
	if (v->handover.open || action == C_TAKE || action == C_HANDOVER || action == C_RELEASE)
		return assign_key(sc, action);
	if (history_key(v, action) == UI_HANDLED)
		return UI_HANDLED;
	switch (action) {
	case A_UP:
		/* In the history (once PgUp/PgDn/Home/End went there): up an entry; past the latest, back to the steps. */
		if (v->hist_focus) {
			if (v->hist_at > 0)
				v->hist_at--;
			else
				v->hist_focus = 0;
			return UI_HANDLED;
		}
		if (v->selected > 0)
			v->selected--;
		return UI_HANDLED;
	case A_DOWN:
		if (v->hist_focus) {
			if (v->hist_at + 1 < v->n_hist)
				v->hist_at++;
			return UI_HANDLED;
		}
		if (v->selected + 1 < v->n_opts)
			v->selected++;
		return UI_HANDLED;
	case C_VIEW:
		view_key(sc);
		return UI_HANDLED;
	case A_OPEN:
		/* In the history, Enter reads the entry: a step is never taken from there. */
		if (v->hist_focus) {
			view_key(sc);
			return UI_HANDLED;
		}
		if (!v->n_opts)
			return UI_HANDLED;
		if (!v->opts[v->selected].allowed) {
			ui_error(sc->ui, _("%s is blocked: %s"), wf_step_title(v->wf, v->opts[v->selected].t->id),
				 v->opts[v->selected].reason);
			return UI_HANDLED;
		}
		form_open(sc, v->opts[v->selected].t);
		return UI_HANDLED;
	case A_RELOAD:
		if (load(sc, NULL, &err))
			ui_error(sc->ui, "%s", err.msg);
		return UI_HANDLED;
	case C_PERSON:
		ui_open(sc->ui, UI_PERSON, v->c->person_number);
		return UI_HANDLED;
	case C_PRINT: {
		/* The form of the step that brought the case here: the letter the applicant is owed. */
		const struct wf_transition *t = NULL;
		for (size_t i = v->n_hist; i > 0 && !t; i--)
			if (v->hist[i - 1].transition && strcmp(v->hist[i - 1].kind, "transition") == 0)
				t = wf_find_transition(v->wf, v->hist[i - 1].transition);
		if (!t || !t->form)
			ui_error(sc->ui, "%s", _("the last step names no form; print others with `casedesk form CASE FORMID`"));
		else
			print_form(sc, t->form, 0);
		return UI_HANDLED;
	}
	}
	return UI_UNHANDLED;
}

static int case_wants_text(const struct screen *sc)
{
	const struct case_view *v = sc->data;
	return v && (v->form_t || v->glass_asking || v->check_form);
}

/* ---- checks against other registers: the line, and the form of c and C ------------------------ */

#define CHECK_FORM_LISTS 16

struct check_form {
	int clearing;                          /* C: a supervisor clears a hit; c: an answer */
	const char *lists[CHECK_FORM_LISTS];   /* the lists offered, missing ones first */
	size_t n_lists, list;
	int hit;                               /* the answer: hit, else clear */
	size_t focus;                          /* 0 list, 1 result (c only), 2 note or reason */
	struct input text;
	int changed;                           /* a note or reason typed: leaving asks first */
};

/* The case's lists and answers, read again with the case (no audit: the case read was). */
static void check_block_load(struct screen *sc)
{
	struct case_view *v = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	cw_checks_release(&v->checks);
	if (cw_case_checks(sc->ui->store, sc->ui->reg, &v->reader, v->c, NULL, &v->checks, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
}

static void check_block_close(struct case_view *v)
{
	cw_checks_release(&v->checks);
	free(v->check_form);
	v->check_form = NULL;
}

static const char *check_word(enum wf_check_answer a)
{
	switch (a) {
	case WF_CHECK_CLEAR: return _("clear");
	case WF_CHECK_HIT: return _("HIT");
	case WF_CHECK_CLEARED: return _("cleared");
	case WF_CHECK_MISSING: break;
	}
	return _("missing");
}

/*
 * Below the checks' line, a line for each list whose network check waits or failed, so the
 * desk sees why the case cannot be decided yet:
 *   "sltd: pending since 12-05 10:14, 3 tries: gateway unreachable"
 */
static int check_queue_draw(const struct case_view *v, WINDOW *w, int y, int cols)
{
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct cw_check *k = &v->checks.v[i];
		const struct cd_check *r = k->row;
		char item[512];
		if (!k->required || !r || !r->kind || (strcmp(r->result, "pending") != 0 && strcmp(r->result, "error") != 0))
			continue;
		const char *at = r->asked_at && strlen(r->asked_at) >= 16 ? r->asked_at + 5 : "";
		if (!strcmp(r->result, "error"))
			snprintf(item, sizeof item, _("%s: failed: %s"), k->list, r->reason ? r->reason : "");
		else if (!r->attempts)
			snprintf(item, sizeof item, _("%s: pending since %.5s %.5s: %s"), k->list, at, at[0] ? at + 6 : "",
				 r->reason ? _(r->reason) : _("not asked yet"));
		else
			snprintf(item, sizeof item, ngettext("%s: pending since %.5s %.5s, %d try: %s",
							     "%s: pending since %.5s %.5s, %d tries: %s", (unsigned long)r->attempts),
				 k->list, at, at[0] ? at + 6 : "", r->attempts, r->reason ? _(r->reason) : "");
		term_put_styled(w, y++, 14, item, cols - 15, 0, ST_WARN);
	}
	return y;
}

/*
 * "Checks  sis clear, sltd HIT — missing: national_watchlist": answered lists with their
 * answer, then the missing ones; a second line when one is not enough at this width.
 */
static int check_block_draw(const struct case_view *v, WINDOW *w, int y, int cols)
{
	char line[2][512] = { "", "" };
	size_t used[2] = { 0, 0 };
	int row = 0, width = cols - 15, missing = 0, waiting = 0, held = 0;

	if (!v->checks.n)
		return y;
	/* Answered lists, then the missing ones, then those a network check waits for (each of
	 * those has a line of its own below, saying since when and why). */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < v->checks.n; i++) {
			const struct cw_check *k = &v->checks.v[i];
			char item[256];
			int queued = k->row && k->row->kind && !strcmp(k->row->result, "pending");
			if (!k->required || (pass == 0) != (k->answer != WF_CHECK_MISSING)
			    || (pass == 1 && queued) || (pass == 2 && !queued))
				continue;
			if (pass == 0)
				snprintf(item, sizeof item, "%s%s %s", used[row] ? ", " : "", k->list, check_word(k->answer));
			else if (pass == 1)
				snprintf(item, sizeof item, "%s%s", missing++ ? ", " : (used[row] ? _(" — missing: ") : _("missing: ")),
					 k->list);
			else
				snprintf(item, sizeof item, "%s%s", waiting++ ? ", " : (used[row] ? _(" — waiting: ") : _("waiting: ")),
					 k->list);
			held |= k->answer == WF_CHECK_HIT;
			if (row == 0 && used[0] && text_width(line[0]) + text_width(item) > width)
				row = 1;
			used[row] += (size_t)snprintf(line[row] + used[row], sizeof line[row] - used[row], "%s", item);
			if (used[row] >= sizeof line[row])
				used[row] = sizeof line[row] - 1;
		}
	missing += waiting;
	if (!missing && !held)
		snprintf(line[row] + used[row], sizeof line[row] - used[row], "%s", _(" — all clear"));
	term_put_styled(w, y, 1, _("Checks"), 12, 1, ST_LABEL);
	for (int r = 0; r <= row; r++)
		term_put_styled(w, y++, 14, line[r], width, 0, held ? ST_ERROR : missing ? ST_WARN : ST_NORMAL);
	return check_queue_draw(v, w, y, cols);
}

/* A list of the case's with its answer, or NULL. */
static const struct cw_check *check_of(const struct case_view *v, const char *list)
{
	for (size_t i = 0; i < v->checks.n; i++)
		if (!strcmp(v->checks.v[i].list, list))
			return &v->checks.v[i];
	return NULL;
}

/* "HIT — caseworker, 2026-03-02 10:15": an answer and who gave it when. */
static void check_said(const struct cd_check *k, enum wf_check_answer a, char *buf, size_t size)
{
	snprintf(buf, size, "%s — %s, %.16s", check_word(a), k->recorded_by ? k->recorded_by : _("(not recorded)"),
		 k->answered_at ? k->answered_at : "");
}

/* For the viewer (`v`): every answered list with who answered, the note, and a clearing. */
static void check_block_text(const struct case_view *v, struct cd_buf *text)
{
	char said[256];
	int head = 0;
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct cw_check *c = &v->checks.v[i];
		const struct cd_check *k = c->row;
		if (!k)
			continue;
		if (!head++)
			buf_printf(text, "\n%s\n", _("Checks"));
		check_said(k, c->answer, said, sizeof said);
		buf_printf(text, "%s: %s\n", c->list, said);
		if (k->note && k->note[0])
			buf_printf(text, "  %s: %s\n", _("Note"), k->note);
		if (k->cleared_by)
			buf_printf(text, "  %s %s, %.16s: %s\n", _("cleared by"), k->cleared_by,
				   k->cleared_at ? k->cleared_at : "", k->clear_reason ? k->clear_reason : "");
	}
}

/* c and C: the lists the form offers, or a message why there is none. */
static unsigned check_block_key(struct screen *sc, int action)
{
	struct case_view *v = sc->data;
	int clearing = action == C_CHECK_CLEAR;
	struct check_form *f;

	if (v->c->closed_at) {
		ui_error(sc->ui, "%s", _("the case is closed; its checks are kept as they were"));
		return UI_HANDLED;
	}
	if (clearing ? !(sc->ui->actor.roles & CD_ROLE_SUPERVISOR)
		     : !(sc->ui->actor.roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR))) {
		ui_error(sc->ui, "%s", clearing ? _("clearing a hit needs the role supervisor")
						: _("recording a check needs the role caseworker or supervisor"));
		return UI_HANDLED;
	}
	if (!(f = calloc(1, sizeof *f))) {
		ui_error(sc->ui, "%s", _("out of memory"));
		return UI_HANDLED;
	}
	f->clearing = clearing;
	/* c: missing lists first, then the answered ones (an answer may be replaced), never an
	 * uncleared hit (only its clearing ends it); C: the hits. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < v->checks.n && f->n_lists < CHECK_FORM_LISTS; i++) {
			const struct cw_check *k = &v->checks.v[i];
			/* Only the workflow's own lists: their names live in the loaded workflow, not
			 * in the rows a reload (another desk's change) frees while the form is open. */
			int offer = k->required && (clearing ? pass == 0 && k->answer == WF_CHECK_HIT
							      : k->answer != WF_CHECK_HIT &&
									(pass == 0) == (k->answer == WF_CHECK_MISSING));
			if (offer)
				f->lists[f->n_lists++] = k->list;
		}
	if (!f->n_lists) {
		free(f);
		ui_error(sc->ui, "%s", clearing ? _("no hit to clear on this case")
						: _("this case's workflow names no list that can be answered now"));
		return UI_HANDLED;
	}
	f->focus = clearing ? 2 : 0;
	input_set(&f->text, "");
	v->check_form = f;
	return UI_HANDLED;
}

static void check_form_save(struct screen *sc)
{
	struct case_view *v = sc->data;
	struct check_form *f = v->check_form;
	struct cd_error err = CD_ERROR_INIT;
	char text[INPUT_MAX * 4 + 1];
	const char *list = f->lists[f->list];
	int rc;

	input_get(&f->text, text, sizeof text);
	if (f->clearing)
		rc = cw_check_clear(sc->ui->store, sc->ui->reg, &sc->ui->actor, v->number, list, text, &err);
	else
		rc = cw_check_record(sc->ui->store, sc->ui->reg, &sc->ui->actor, v->number, list,
				     f->hit ? "hit" : "clear", text[0] ? text : NULL, &err);
	if (rc != CD_OK) {
		/* The form stays open with what was typed. */
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	if (f->clearing)
		ui_say(sc->ui, _("%s: the hit on %s is cleared"), v->number, list);
	else
		ui_say(sc->ui, _("%s: %s recorded as %s"), v->number, list, f->hit ? _("hit") : _("clear"));
	free(f);
	v->check_form = NULL;
	if (load(sc, NULL, &err))
		ui_error(sc->ui, "%s", err.msg);
}

static unsigned check_form_key(struct screen *sc, int action, wint_t ch)
{
	struct case_view *v = sc->data;
	struct check_form *f = v->check_form;
	size_t first = f->clearing ? 2 : 0;
	int left = ch == (KEY_LEFT | UI_FKEY), right = ch == (KEY_RIGHT | UI_FKEY) || (action == A_NONE && ch == ' ');

	switch (action) {
	case A_BACK:
		if (f->changed && !ui_ask_discard(sc->ui))
			return UI_HANDLED;
		free(f);
		v->check_form = NULL;
		ui_say(sc->ui, "%s", _("nothing was recorded"));
		return UI_HANDLED;
	case A_SAVE:
		check_form_save(sc);
		return UI_HANDLED;
	case A_OPEN:
	case A_NEXT_FIELD:
	case A_DOWN:
		/* Enter on the last field saves; elsewhere it moves on, as in the step form. */
		if (action == A_OPEN && f->focus == 2) {
			check_form_save(sc);
			return UI_HANDLED;
		}
		if (f->focus < 2)
			f->focus++;
		return UI_HANDLED;
	case A_PREV_FIELD:
	case A_UP:
		if (f->focus > first)
			f->focus--;
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
	/* Jumps and F9 leave the form to the loop, which asks before input is lost. */
	case A_SEARCH:
	case A_WORKLIST:
	case A_REGISTER:
	case A_REPORTS:
	case A_SWITCH_USER:
		return UI_UNHANDLED;
	}
	if (f->focus == 0 && (left || right) && f->n_lists) {
		f->list = (f->list + (left ? f->n_lists - 1 : 1)) % f->n_lists;
		return UI_HANDLED;
	}
	if (f->focus == 1) {
		if (left || right)
			f->hit = !f->hit;
		else if (ch == 'h' || ch == 'H')
			f->hit = 1;
		else if (ch == 'c' || ch == 'C')
			f->hit = 0;
		return UI_HANDLED;
	}
	if (f->focus == 2 && input_key(&f->text, ch))
		f->changed = 1;
	return UI_HANDLED;
}

static void check_form_draw(const struct case_view *v, WINDOW *w, int y, int rows, int cols)
{
	const struct check_form *f = v->check_form;
	char line[512];

	term_fill(w, y, 0, cols, ST_TITLE);
	term_put_styled(w, y++, 1,
			f->clearing ? _("Clear a hit — a reason is required; F5 saves, Esc cancels")
				    : _("Record a check — ←→ or Space change, Tab next, F5 saves, Esc cancels"),
			cols - 2, 0, ST_TITLE);
	if (y >= rows)
		return;
	term_put_styled(w, y, 2, _("List"), 12, 1, ST_LABEL);
	snprintf(line, sizeof line, f->n_lists > 1 ? "< %s >" : "%s", f->lists[f->list]);
	term_put_styled(w, y, 15, line, cols - 16, 0, f->focus == 0 ? ST_SELECTED : ST_NORMAL);
	y++;
	/* The list's answer so far, who gave it and its note: what a clearing weighs. */
	const struct cw_check *ck = check_of(v, f->lists[f->list]);
	const struct cd_check *k = ck ? ck->row : NULL;
	if (k && y < rows) {
		enum wf_check_answer a = ck->answer;
		char said[256];
		check_said(k, a, said, sizeof said);
		term_put_styled(w, y, 2, _("Answered"), 12, 1, ST_LABEL);
		term_put_styled(w, y++, 15, said, cols - 16, 0, a == WF_CHECK_HIT ? ST_ERROR : ST_NORMAL);
		if (k->note && k->note[0] && y < rows) {
			term_put_styled(w, y, 2, _("Its note"), 12, 1, ST_LABEL);
			term_put(w, y++, 15, k->note, cols - 16, 0);
		}
	}
	if (!f->clearing && y < rows) {
		term_put_styled(w, y, 2, _("Result"), 12, 1, ST_LABEL);
		snprintf(line, sizeof line, "< %s >", f->hit ? _("hit") : _("clear"));
		term_put_styled(w, y, 15, line, 14, 0, f->focus == 1 ? ST_SELECTED : f->hit ? ST_ERROR : ST_NORMAL);
		term_put_styled(w, y, 31, _("c clear, h hit"), cols - 32, 0, ST_DIM);
		y++;
	}
	if (y < rows) {
		term_put_styled(w, y, 2, f->clearing ? _("Reason *") : _("Note"), 12, 1, ST_LABEL);
		input_draw(&f->text, w, y, 15, cols - 17, f->focus == 2);
	}
}

/* A step form typed into, or a check's note or reason typed, holds input not saved yet. */
static int case_dirty(const struct screen *sc)
{
	const struct case_view *v = sc->data;
	return v && ((v->form_t && v->changed) || (v->check_form && v->check_form->changed));
}

const struct screen_ops case_screen = {
	.name = "case",
	.actions = case_actions,
	.n_actions = sizeof case_actions / sizeof case_actions[0],
	.open = case_open,
	.draw = case_draw,
	.key = case_key,
	.wants_text = case_wants_text,
	.dirty = case_dirty,
	.reload = case_reload,
	.close = case_close,
};
