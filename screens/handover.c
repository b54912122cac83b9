/*
 * handover.c - the assignment keys' shared part for the worklist and the case screen; see
 * handover.h.  The rule of who may do what is workflow/assign.c's: this file only asks it
 * and says the answer.
 */
#include "screens/handover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "screens/term.h"

int handover_apply(struct ui *ui, const char *number, enum cw_assign_want want, const char *to, int64_t version)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_case_assigned done;
	enum cw_assign_kind kind;
	char said[512];

	if (cw_case_assign(ui->store, &ui->actor, number, want, to, version, &kind, &done, &err) != CD_OK) {
		ui_error(ui, "%s", err.msg);
		return 0;
	}
	cw_assign_said(kind, &done, said, sizeof said);
	ui_say(ui, "%s", said);
	return done.changed;
}

void userpick_open(struct userpick *p, struct ui *ui, const char *number, const char *workflow_id,
		   const char *holder, int64_t version)
{
	struct cd_error err = CD_ERROR_INIT;

	userpick_close(p);
	if (cw_may_hand_over(&ui->actor, &err) != CD_OK ||
	    cw_assign_candidates(ui->store, workflow_id, holder, &p->names, &p->n, &err) != CD_OK) {
		ui_error(ui, "%s", err.msg);
		return;
	}
	if (!p->n) {
		ui_error(ui, _("nobody else may hold case %s: no active caseworker or supervisor works on %s"), number,
			 workflow_id);
		userpick_close(p);
		return;
	}
	snprintf(p->number, sizeof p->number, "%s", number);
	p->version = version;
	p->sel = 0;
	p->open = 1;
	ui_say(ui, "%s", _("hand over: Up/Down choose a user, Enter hands the case over, Esc cancels"));
}

void userpick_close(struct userpick *p)
{
	cw_assign_candidates_free(p->names, p->n);
	p->names = NULL;
	p->n = 0;
	p->sel = 0;
	p->open = 0;
}

void userpick_draw(const struct userpick *p, WINDOW *w, int rows, int cols)
{
	char title[128];
	int width = cols < 40 ? cols - 2 : 38, x = cols - width - 1, y = 2;
	int shown = rows - 4 < (int)p->n ? rows - 4 : (int)p->n;
	size_t top = 0;

	if (!p->open || shown < 1 || width < 10)
		return;
	if (p->sel >= (size_t)shown)
		top = p->sel - (size_t)shown + 1;
	snprintf(title, sizeof title, _("Hand %s to:"), p->number);
	term_fill(w, y, x, x + width, ST_TITLE);
	term_put_styled(w, y++, x + 1, title, width - 2, 0, ST_TITLE);
	for (int i = 0; i < shown; i++, y++) {
		size_t at = top + (size_t)i;
		enum term_style st = at == p->sel ? ST_SELECTED : ST_NORMAL;
		term_fill(w, y, x, x + width, st);
		term_put_styled(w, y, x + 2, p->names[at], width - 3, 0, st);
	}
	term_fill(w, y, x, x + width, ST_TITLE);
	term_put_styled(w, y, x + 1, _("Enter hands over, Esc cancels"), width - 2, 0, ST_TITLE);
}

int userpick_key(struct userpick *p, struct ui *ui, int action)
{
	int changed = 0;

	switch (action) {
	case A_UP:
		if (p->sel > 0)
			p->sel--;
		break;
	case A_DOWN:
		if (p->sel + 1 < p->n)
			p->sel++;
		break;
	case A_HOME:
		p->sel = 0;
		break;
	case A_END:
		p->sel = p->n ? p->n - 1 : 0;
		break;
	case A_OPEN:
		changed = handover_apply(ui, p->number, CW_WANT_USER, p->names[p->sel], p->version);
		userpick_close(p);
		break;
	case A_BACK:
		userpick_close(p);
		ui_say(ui, "%s", _("hand-over cancelled; nothing changed"));
		break;
	}
	return changed;
}
