/* cmd_tui.c - `casedesk` with no command, or `casedesk tui`: the caseworker's terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/store/passphrase.h"
#include "model/store/users.h"
#include "screens/register.h"
#include "model/base/privilege.h"
#include "screens/screens.h"
#include "screens/ui.h"
#include "app/cli.h"
#include "app/config.h"
#include "app/tui_screens.h"
#include "app/natsearch.h"
#include "screens/natlookup.h"

int cmd_tui(struct cli *c)
{
	struct cd_dupe_thresholds th;
	int rc, kit = 0;

	if ((rc = cli_positional(c, 0, 0, "tui")))
		return rc;
	/*
	 * The keymap ([keys]) was taken with the rest of the settings before any command ran
	 * (app/config.c): a broken one is reported even where no terminal is (CI, scripts).
	 */
	if ((rc = config_duplicates(&th, &c->err)))
		return rc;
	/* The registration screen decides duplicates as `person add` does: by these settings. */
	register_set_thresholds(&th);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("the terminal interface needs a terminal; for scripts use the commands (casedesk --help)"));
	ui_set_lock_minutes(config_lock_minutes());
	if (config_locale_missing()) {
		char notice[512];
		config_locale_notice(notice, sizeof notice);
		ui_set_notice(notice);
	}
	/* A field kit's user logs in on the TUI's own door (screens/lock.c); --user only fills it in. */
	if ((rc = cli_open_store(c)) || (rc = kit_store_is(c->store, &kit, &c->err)))
		return rc;
	if (kit) {
		memset(&c->actor, 0, sizeof c->actor);
		if (c->user && user_name_valid(c->user))
			snprintf(c->actor.name, sizeof c->actor.name, "%s", c->user);
	} else if ((rc = cli_open_acting(c))) {
		return rc;
	}
	if ((rc = cli_load_workflows(c)))
		return rc;
	ui_national = &cli_tui_national;
	return ui_run(c->store, &c->actor, c->reg, tui_screens(), &c->err);
}
