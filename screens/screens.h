/*
 * screens.h - every screen of screens/, for the one caller that puts them in the loop's
 * table (app/cmd_tui.c).  The loop (ui.c) and the screens themselves do not include it:
 * they know screens by kind only (enum ui_screen_kind).
 */
#ifndef CD_SCREENS_H
#define CD_SCREENS_H

#include "screens/ui.h"

extern const struct screen_ops worklist_screen;
extern const struct screen_ops search_screen;
extern const struct screen_ops person_screen;
extern const struct screen_ops case_screen;
extern const struct screen_ops register_screen;
extern const struct screen_ops reports_screen;
extern const struct screen_ops enrol_screen;
extern const struct screen_ops admin_screen;
extern const struct screen_ops viewer_screen;
extern const struct screen_ops conflicts_screen;
extern const struct screen_ops review_screen;
extern const struct screen_ops checkhits_screen;

#endif
