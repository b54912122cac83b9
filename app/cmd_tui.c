/* cmd_tui.c - `casedesk` with no command, or `casedesk tui`: the caseworker's terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "screens/screens.h"
#include "screens/ui.h"
#include "app/cli.h"
#include "app/config.h"

/*
 * The screens the loop may open, and the global keys that open them: the loop (ui.c)
 * knows none by name, and a screen asks for another by its kind.
 */
static const struct ui_screen_entry screen_table[] = {
	{ UI_WORKLIST, &worklist_screen, A_WORKLIST },
	{ UI_SEARCH, &search_screen, A_SEARCH },
	{ UI_REGISTER, &register_screen, A_REGISTER },
	{ UI_REPORTS, &reports_screen, A_REPORTS },
	{ UI_PERSON, &person_screen, A_NONE },
	{ UI_CASE, &case_screen, A_NONE },
	{ UI_ENROL, &enrol_screen, A_NONE },
};
static const struct ui_screens screens = { screen_table, sizeof screen_table / sizeof screen_table[0] };

int cmd_tui(struct cli *c)
{
	char path[4096];
	int rc;

	if ((rc = cli_positional(c, 0, 0, "tui")))
		return rc;
	/* The keymap first: a broken config is reported even where no terminal is (CI, scripts). */
	config_path(path, sizeof path);
	/* The user's own file: read with the user's ids, not casedesk's group (privilege.h). */
	if (privilege_as_user() != 0)
		return cd_error_set(&c->err, CD_EINTERNAL, _("cannot take the user's own group to read %s"), path);
	rc = ui_keymap_load(path, &screens, &c->err);
	privilege_restore();
	if (rc)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("the terminal interface needs a terminal; for scripts use the commands (casedesk --help)"));
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	return ui_run(c->store, &c->actor, c->reg, &screens, &c->err);
}
