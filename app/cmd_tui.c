/* cmd_tui.c - `casedesk` with no command, or `casedesk tui`: the caseworker's terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../model/i18n.h"
#include "../screens/ui.h"
#include "cli.h"

/* The config file: CASEDESK_CONFIG, else $XDG_CONFIG_HOME/casedesk/casedesk.ini, else ~/.config/... */
static void config_path(char *buf, size_t size)
{
	const char *explicit = getenv("CASEDESK_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (explicit && *explicit)
		snprintf(buf, size, "%s", explicit);
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/casedesk/casedesk.ini", xdg);
	else
		snprintf(buf, size, "%s/.config/casedesk/casedesk.ini", home ? home : ".");
}

int cmd_tui(struct cli *c)
{
	char path[4096];
	int rc;

	if ((rc = cli_positional(c, 0, 0, "tui")))
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("the terminal interface needs a terminal; for scripts use the commands (casedesk --help)"));
	config_path(path, sizeof path);
	if ((rc = ui_keymap_load(path, &c->err)) || (rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	return ui_run(c->store, &c->actor, c->reg, &c->err);
}
