/* cmd_config.c - `casedesk config`: the settings in force and where each came from. */
#include <stdio.h>

#include "app/cli.h"
#include "app/config.h"
#include "model/base/i18n.h"

int cmd_config(struct cli *c)
{
	int rc, man = cli_flag(c, "--man");   /* casedesk.ini(5), for the build (issue 17) */

	if ((rc = cli_positional(c, 0, 0, "config [--man]")))
		return rc;
	if (man && (rc = config_man(stdout)) != CD_OK)
		return cd_error_set(&c->err, rc, _("could not write the manual page to standard output"));
	return man ? CD_OK : config_print(stdout, &c->err);
}
