/*
 * natsearch.h - the national tier's reads for the command line (app/cmd_natsearch.c):
 * `search --national` and `person show --national`.
 */
#ifndef CD_NATSEARCH_H
#define CD_NATSEARCH_H

#include "app/cli.h"

/* `search --national QUERY`: the store is open and the actor known (cli_open_acting). */
int cli_search_national(struct cli *c, const char *db, const char *query, int limit);
/*
 * The person's cases at other offices, after `person show` printed the local record
 * (person_uuid given), or the national record itself when the store has no such person
 * (person_uuid NULL, ref the number).
 */
int cli_person_national(struct cli *c, const char *db, const char *ref, const char *person_uuid);

/* The screens' national reads (screens/natlookup.h), for ui_national. */
struct ui_national;
extern const struct ui_national cli_tui_national;

#endif
