/*
 * i18n.h - the gettext markers every layer uses for user-visible text.
 * _() translates now; N_() marks a string in a static table for xgettext and is
 * translated where it is shown.
 */
#ifndef CD_I18N_H
#define CD_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
