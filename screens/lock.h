/*
 * lock.h - the login and lock screen (screens/lock.c): on a field kit the TUI's door, and
 * on every store what covers the screen after [ui] lock_minutes idle.
 */
#ifndef CD_LOCK_H
#define CD_LOCK_H

#include "model/store/store.h"

/*
 * Covers the whole screen (curses is started) until someone is in: 1 with *actor the user
 * who gave their passphrase (*switched 1 when that is not the user who was there: their
 * session ends), 0 when they chose to quit.  `login`: the first login of a field kit rather
 * than a lock; *actor's name is filled in as the user.  Knows nothing of the screen stack
 * (screens/ui.c calls it), so that no screen's data can reach it.
 */
int lock_run(struct cd_store *store, struct cd_actor *actor, int login, int *switched);

#endif
