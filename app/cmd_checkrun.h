/* cmd_checkrun.h - `check run`, `check hits`, `check requeue` (app/cmd_checkrun.c), the
 * subcommands cmd_check.c hands on. */
#ifndef CD_CMD_CHECKRUN_H
#define CD_CMD_CHECKRUN_H

struct cli;

int check_run_cmd(struct cli *c);
int check_hits_cmd(struct cli *c);
int check_requeue_cmd(struct cli *c);

#endif
