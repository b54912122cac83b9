/*
 * config.h - the user's settings file: CASEDESK_CONFIG, else
 * $XDG_CONFIG_HOME/casedesk/casedesk.ini, else ~/.config/casedesk/casedesk.ini.
 *   [ui]   language = uk        ; overrides LANG / LANGUAGE for casedesk only
 *   [keys] search = / F3        ; see `?` in the TUI for the action names
 *   [duplicates] warn = 60      ; registration shows candidates scoring this or more
 *                block = 90     ; and refuses (unless forced) at this or more
 */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stddef.h>

#include "model/store/dupes.h"
#include "model/base/error.h"

void config_path(char *buf, size_t size);

/*
 * Applies [ui] language before anything is translated: sets LANGUAGE for this process.
 * A missing file is fine; an unreadable or malformed one is CD_EINPUT naming it.
 */
int config_apply_language(struct cd_error *err);

/*
 * The duplicate thresholds: [duplicates] warn and block, 1-100 with warn <= block; the
 * model's defaults when the file or the keys are missing.  CD_EINPUT naming the file.
 */
int config_duplicates(struct cd_dupe_thresholds *t, struct cd_error *err);

#endif
