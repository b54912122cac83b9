/*
 * term_version.c - the ncursesw version, told from here because only screens/ includes
 * curses.h.  No terminal is needed: curses_version() reads a constant of the library.
 */
#include "screens/term_version.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

size_t term_lib_versions(struct cd_libversion *out, size_t max)
{
	if (max < 1)
		return 0;
	out[0].name = "ncursesw";
	snprintf(out[0].built, sizeof out[0].built, "%s.%d", NCURSES_VERSION, NCURSES_VERSION_PATCH);
	/* The function, not the macro some curses.h define under the same name; it says
	 * "ncurses 6.4.20221231", the built one is told without the name. */
	const char *running = (curses_version)();
	if (strncmp(running, "ncurses ", 8) == 0)
		running += 8;
	snprintf(out[0].running, sizeof out[0].running, "%s", running);
	return 1;
}
