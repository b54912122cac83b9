/*
 * columns.h - the shared column layout of every list screen (worklist, search, person,
 * reports): a screen declares its columns with a minimum width, a preferred width and a
 * priority, and cols_layout fits them to the terminal's width.  At 80 columns the
 * lowest-priority columns give way first; the flexible ones shrink to their minimum before
 * anything is hidden, and grow into the room left at 200.  Columns marked COL_KEEP (a
 * case's person, its deadline) never go.  Widths are display columns (model/base/text.h:
 * wide CJK counts two, combining marks none), so a header or a cell in any script lines up.
 * No curses here: the unit test checks the arithmetic without a terminal.
 */
#ifndef CD_COLUMNS_H
#define CD_COLUMNS_H

#include <stddef.h>

/* A priority no width hides. */
#define COL_KEEP 1000

enum col_align { COL_LEFT, COL_RIGHT };

struct col {
	/* Declared by the screen. */
	const char *head;      /* the header, already translated */
	int min;               /* narrower than this the column says nothing: hide it instead */
	int pref;              /* the width it asks for (col_want raises it to its content) */
	int max;               /* col_want never raises pref past this; 0: no cap */
	int prio;              /* higher stays longer; COL_KEEP never goes; below 0 never shows */
	int flex;              /* takes a share of the room left over, past pref ... */
	int full;              /* ... up to its content's whole width (col_want); 0: no limit */
	enum col_align align;
	/* Set by cols_layout. */
	int x, w;              /* where it starts and its width; w == 0: hidden */
};

/* Display columns of text as screens/term.c draws it (control characters shown as ^[ or <9B>). */
int col_text_width(const char *text);
/* Raises c->pref to the display width of text (capped at c->max), and c->full uncapped. */
void col_want(struct col *c, const char *text);
/* Raises c->pref to a width in columns (capped at c->max). */
void col_want_width(struct col *c, int width);

/*
 * Places the n columns in `width` terminal columns, starting at column 1 with one space
 * between them and one at the right edge: sets x and w of each.  Returns how many show.
 */
int cols_layout(struct col *c, size_t n, int width);

/* The display column where a right-aligned text of `text_width` starts in column c. */
int col_text_x(const struct col *c, int text_width);

#endif
