/*
 * lock.h - the login and lock screen (screens/lock.c): on a field kit the TUI's door, and
 * on every store what covers the screen after [ui] lock_minutes idle.
 */
#ifndef CD_LOCK_H
#define CD_LOCK_H

#include "screens/ui.h"

/*
 * Covers the whole screen until someone is in: 1 with ui->actor the user who gave their
 * passphrase (*switched 1 when that is not the user who was there: their session ends),
 * 0 when they chose to quit.  `login`: the first login of a field kit rather than a lock.
 */
int lock_run(struct ui *ui, int login, int *switched);

#endif
