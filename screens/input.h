/*
 * input.h - a one-line text editor for forms and the search line: wide characters,
 * cursor movement, and drawing that scrolls to keep the cursor in view.
 */
#ifndef CD_INPUT_H
#define CD_INPUT_H

#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#define INPUT_MAX 200

struct input {
	wchar_t text[INPUT_MAX + 1];
	int len, cursor;
};

void input_set(struct input *in, const char *utf8);
/* Handles an editing key or a printable character; 1 when the text changed. */
int input_key(struct input *in, wint_t ch);
/* The text as UTF-8 into buf. */
void input_get(const struct input *in, char *buf, size_t size);
void input_draw(const struct input *in, WINDOW *w, int y, int x, int width, int focused);

#endif
