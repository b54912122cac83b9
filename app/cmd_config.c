/* cmd_config.c - `casedesk config`: the settings in force and where each came from. */
#include <stdio.h>

#include "app/cli.h"
#include "app/config.h"

int cmd_config(struct cli *c)
{
	int rc;

	if ((rc = cli_positional(c, 0, 0, "config")))
		return rc;
	return config_print(stdout, &c->err);
}
