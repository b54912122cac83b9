/*
 * input.h - the text editor of forms and the search line: wide characters, cursor
 * movement, a prefilled text selected until the first key (typing replaces it, moving the
 * cursor keeps it), and two ways to draw: one line that scrolls to keep the cursor in
 * view, or a box of wrapped lines that grows with the text (long text fields), with the
 * cursor moving up and down within it.
 */
#ifndef CD_INPUT_H
#define CD_INPUT_H

#include <stddef.h>
#include <wchar.h>

#include <curses.h>

/* Characters a field holds: a text field is a paragraph or two ("Reasons for the proposal"). */
#define INPUT_MAX 2000

struct input {
	wchar_t text[INPUT_MAX + 1];
	int len, cursor;
	int selected;      /* the whole text is selected: the first printable key replaces it */
	int goal_col;      /* up and down keep to this column across short lines; -1: the cursor's */
};

/* Sets the text, the cursor at its end, nothing selected. */
void input_set(struct input *in, const char *utf8);
/* A value given beforehand (the case's, the document reader's): set and selected. */
void input_prefill(struct input *in, const char *utf8);
/* Entering a field selects what it holds, so typing replaces it; empty: nothing to select. */
void input_select(struct input *in);
/* Handles an editing key or a printable character; 1 when the text changed. */
int input_key(struct input *in, wint_t ch);
/* The text as UTF-8 into buf. */
void input_get(const struct input *in, char *buf, size_t size);
void input_draw(const struct input *in, WINDOW *w, int y, int x, int width, int focused);

/* Lines the text takes wrapped at `width` columns (at least 1). */
int input_rows(const struct input *in, int width);
/*
 * Moves the cursor one wrapped line up (dir < 0) or down within `width` columns, keeping
 * its column; 0 when it is already on the first (last) line, so the form may move to the
 * field before (after).
 */
int input_move_line(struct input *in, int width, int dir);
/* Draws the text wrapped in a box of `height` lines, scrolled to show the cursor. */
void input_draw_box(const struct input *in, WINDOW *w, int y, int x, int width, int height, int focused);

/* The editing keys it handles are listed for the `?` help as ui_edit_keys (screens/ui.h). */

#endif
