/* input.c - the one-line editor; see input.h. */
#include "screens/input.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "model/base/text.h"
#include "screens/term.h"
#include "screens/ui.h"

void input_set(struct input *in, const char *utf8)
{
	mbstate_t st;
	const char *p = utf8 ? utf8 : "";
	size_t n;
	memset(&st, 0, sizeof st);
	n = mbsrtowcs(in->text, &p, INPUT_MAX, &st);
	in->len = n == (size_t)-1 ? 0 : (int)n;
	in->text[in->len] = L'\0';
	in->cursor = in->len;
}

int input_key(struct input *in, wint_t ch)
{
	if (ch & UI_FKEY) {
		int key = (int)(ch & ~UI_FKEY);
		if (key == KEY_LEFT && in->cursor > 0)
			in->cursor--;
		else if (key == KEY_RIGHT && in->cursor < in->len)
			in->cursor++;
		else if (key == KEY_HOME)
			in->cursor = 0;
		else if (key == KEY_END)
			in->cursor = in->len;
		else if (key == KEY_BACKSPACE && in->cursor > 0) {
			memmove(&in->text[in->cursor - 1], &in->text[in->cursor],
				(size_t)(in->len - in->cursor + 1) * sizeof(wchar_t));
			in->cursor--;
			in->len--;
			return 1;
		} else if (key == KEY_DC && in->cursor < in->len) {
			memmove(&in->text[in->cursor], &in->text[in->cursor + 1],
				(size_t)(in->len - in->cursor) * sizeof(wchar_t));
			in->len--;
			return 1;
		}
		return 0;
	}
	if (ch == 127 || ch == 8) {
		return input_key(in, KEY_BACKSPACE | UI_FKEY);
	}
	if (ch == 21) {   /* ^U clears, as in a shell */
		in->len = in->cursor = 0;
		in->text[0] = L'\0';
		return 1;
	}
	/* Control characters are never typed into a field: what goes in can be shown safely.
	 * Nor are surrogates or values past U+10FFFF, which no UTF-8 text may hold
	 * (model/base/text.h: the store refuses them too). */
	if (text_is_control((uint32_t)ch) || (ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff ||
	    in->len >= INPUT_MAX || !iswprint((wint_t)ch))
		return 0;
	memmove(&in->text[in->cursor + 1], &in->text[in->cursor], (size_t)(in->len - in->cursor + 1) * sizeof(wchar_t));
	in->text[in->cursor++] = (wchar_t)ch;
	in->len++;
	return 1;
}

void input_get(const struct input *in, char *buf, size_t size)
{
	mbstate_t st;
	const wchar_t *p = in->text;
	size_t n;
	memset(&st, 0, sizeof st);
	n = wcsrtombs(buf, &p, size - 1, &st);
	buf[n == (size_t)-1 ? 0 : n] = '\0';
}

void input_draw(const struct input *in, WINDOW *w, int y, int x, int width, int focused)
{
	int start = 0, cols = 0;
	/* Scroll so the cursor stays inside the box. */
	for (int i = in->cursor - 1; i >= 0; i--) {
		int cw = text_char_width((uint32_t)in->text[i]);
		cols += cw > 0 ? cw : 1;
		if (cols >= width - 1) {
			start = i + 1;
			break;
		}
	}
	term_style(w, focused ? ST_SELECTED : ST_DIM, 1);
	mvwhline(w, y, x, ' ', width);
	wmove(w, y, x);
	cols = 0;
	int cursor_x = x;
	for (int i = start; i < in->len; i++) {
		int cw = text_char_width((uint32_t)in->text[i]);   /* libunistring's width */
		if (cw < 0)
			cw = 1;
		if (cols + cw > width)
			break;
		if (i == in->cursor)
			cursor_x = x + cols;
		waddnwstr(w, &in->text[i], 1);
		cols += cw;
	}
	if (in->cursor >= in->len)
		cursor_x = x + cols;
	term_style(w, focused ? ST_SELECTED : ST_DIM, 0);
	if (focused && cursor_x < x + width) {
		/* A visible cursor mark that works without curs_set on every terminal. */
		mvwchgat(w, y, cursor_x, 1, A_UNDERLINE | A_REVERSE, 0, NULL);
	}
}
