/* tui_screens.h - the screens of the terminal interface, with the global keys that open them. */
#ifndef CASEDESK_APP_TUI_SCREENS_H
#define CASEDESK_APP_TUI_SCREENS_H

#include "screens/ui.h"

const struct ui_screens *tui_screens(void);

#endif
