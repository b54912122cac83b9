/*
 * handover.h - what the worklist and the case screen share for their assignment keys
 * (a takes, h hands over, r releases): the change through workflow/assign.h said on the
 * message line, and the small picker of the users a case may be handed to.  Not a screen
 * of its own: the screen that owns a picker draws it over itself and gives it its keys.
 */
#ifndef CD_HANDOVER_H
#define CD_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "workflow/assign.h"
#include "screens/ui.h"

/*
 * Takes, hands over or releases case `number` as the user saw it at `version`, and says
 * what happened (or why not) on the message line.  1 when the case changed.
 */
int handover_apply(struct ui *ui, const char *number, enum cw_assign_want want, const char *to, int64_t version);

struct userpick {
	int open;
	char number[40];
	int64_t version;
	char **names;
	size_t n, sel;
};

/*
 * Opens the picker for case `number` (workflow `workflow_id`, held by `holder` or NULL,
 * read at `version`): a supervisor's only, the rule's words on the message line otherwise.
 */
void userpick_open(struct userpick *p, struct ui *ui, const char *number, const char *workflow_id,
		   const char *holder, int64_t version);
void userpick_close(struct userpick *p);
void userpick_draw(const struct userpick *p, WINDOW *w, int rows, int cols);
/*
 * A key while the picker is open (every key comes here then): Up/Down move, Enter hands
 * the case to the highlighted user (handover_apply) and closes, Esc closes.  Returns 1
 * when the case changed, so the screen reads it again.
 */
int userpick_key(struct userpick *p, struct ui *ui, int action);

#endif
