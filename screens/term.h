/*
 * term.h - the one thin layer that owns the terminal (htop's CRT.c): start and end,
 * colour pairs or monochrome attributes, display width of UTF-8 text, and the one
 * function that writes store text to the screen, showing control characters and
 * escape sequences instead of executing them.
 */
#ifndef CD_TERM_H
#define CD_TERM_H

#include <stddef.h>

#include <curses.h>

enum term_style {
	ST_NORMAL,
	ST_TITLE,      /* the screen's title bar */
	ST_STATUS,     /* the status line */
	ST_SELECTED,   /* the highlighted row */
	ST_OVERDUE,
	ST_WARN,       /* clock stopped, blocked steps */
	ST_ERROR,
	ST_DIM,
	ST_LABEL,
	ST_CONTROL,    /* a control character shown visibly */
	ST_COUNT
};

/* Starts curses; respects NO_COLOR and terminals without colour.  Returns 1 when monochrome. */
int term_start(void);
void term_end(void);
/* Takes the terminal's current size when curses missed a resize (see term.c). */
void term_follow_size(void);
void term_style(WINDOW *w, enum term_style st, int on);

/* Display columns of UTF-8 text as term_put would draw it. */
int term_width(const char *text);
/* How many bytes of text fit in `width` columns, broken after a space when one is near the end. */
size_t term_fit(const char *text, int width);

/*
 * Draws UTF-8 text at y,x in at most `width` columns, padded with spaces to `width` when
 * pad is set; wide and combining characters counted; control characters (C0, DEL, C1)
 * and malformed bytes drawn visibly (^[ or <9B>) in ST_CONTROL, never sent raw.
 * Returns the columns used.
 */
int term_put(WINDOW *w, int y, int x, const char *text, int width, int pad);
/* term_put with a style for the whole text. */
int term_put_styled(WINDOW *w, int y, int x, const char *text, int width, int pad, enum term_style st);

/*
 * Draws a row of column headers: texts[i] at x[i], each cut to the start of the next
 * column (display width, so translated headers in any script line up with the data).
 */
void term_columns(WINDOW *w, int y, const int *x, const char *const *texts, int n, int cols,
		  enum term_style st);

/* Fills a line from x to the end with spaces in a style. */
void term_fill(WINDOW *w, int y, int x, int cols, enum term_style st);

#endif
