/*
 * tui_screens.c - the table of the terminal interface's screens, for the loop (cmd_tui.c)
 * and for the settings' [keys] (config.c), which checks action names against it.  The loop
 * (screens/ui.c) knows no screen by name: it opens what this table lists, and a screen asks
 * for another by its kind.
 */
#include "app/tui_screens.h"

#include "screens/screens.h"

static const struct ui_screen_entry screen_table[] = {
	{ UI_WORKLIST, &worklist_screen, A_WORKLIST },
	{ UI_SEARCH, &search_screen, A_SEARCH },
	{ UI_REGISTER, &register_screen, A_REGISTER },
	{ UI_REPORTS, &reports_screen, A_REPORTS },
	{ UI_PERSON, &person_screen, A_NONE },
	{ UI_CASE, &case_screen, A_NONE },
	{ UI_ENROL, &enrol_screen, A_NONE },
	{ UI_ADMIN, &admin_screen, A_NONE },
	{ UI_VIEWER, &viewer_screen, A_NONE },
	{ UI_CONFLICTS, &conflicts_screen, A_CONFLICTS },
	{ UI_REVIEW, &review_screen, A_NONE },
	{ UI_CHECK_HITS, &checkhits_screen, A_NONE },
};
static const struct ui_screens screens = { screen_table, sizeof screen_table / sizeof screen_table[0] };

const struct ui_screens *tui_screens(void)
{
	return &screens;
}
