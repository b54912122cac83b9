/*
 * fmt.h - dates and counts as the user's locale writes them.  The process keeps
 * LC_NUMERIC at "C" so that numbers typed into fields and read from files parse the same
 * everywhere; the user's digit grouping is taken once at start and applied here.
 */
#ifndef CD_FMT_H
#define CD_FMT_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "screens/columns.h"
#include "screens/term.h"

/* Call once after setlocale(LC_ALL, ""): remembers grouping, then sets LC_NUMERIC to C. */
void fmt_init(void);
/* A day number as the locale writes dates (31.12.2026, 31/12/2026); ISO in the C locale. */
void fmt_day(long day, char *buf, size_t size);
/* 1234567 as 1 234 567 / 1,234,567 / 1.234.567 per the locale. */
void fmt_count(int64_t n, char *buf, size_t size);

/*
 * A cell of a laid-out column (screens/columns.h): the text cut to the column's width,
 * right-aligned when the column says so; nothing for a hidden column.
 */
void col_put(WINDOW *w, int y, const struct col *c, const char *text, enum term_style st);
/*
 * Text wrapped to `width` columns (new lines kept; a long line broken after a space near
 * its end): draws its lines skip .. skip + rows - 1 at y, x (nothing when w is NULL) and
 * returns how many lines the whole text takes.  The viewer and the help share it.
 */
int fmt_wrap(WINDOW *w, int y, int x, const char *text, int width, int skip, int rows, enum term_style st);

/* The header row of laid-out columns. */
void cols_head(WINDOW *w, int y, const struct col *c, size_t n, enum term_style st);

#endif
