/*
 * input.c - the text editor of forms and the search line; see input.h.  One editor for
 * every text a user types, so the editing keys are the same everywhere and the `?` help
 * lists them from one table.
 */
#include "screens/input.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "model/base/text.h"
#include "screens/term.h"
#include "screens/ui.h"

/* The keys handled here are listed for the `?` help in ui.c (ui_edit_keys): keep the two alike. */

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
	in->selected = 0;
	in->goal_col = -1;
}

void input_prefill(struct input *in, const char *utf8)
{
	input_set(in, utf8);
	input_select(in);
}

void input_select(struct input *in)
{
	in->selected = in->len > 0;
	in->cursor = in->len;
}

static void clear_text(struct input *in)
{
	in->len = in->cursor = 0;
	in->text[0] = L'\0';
}

static void delete_range(struct input *in, int from, int to)
{
	memmove(&in->text[from], &in->text[to], (size_t)(in->len - to + 1) * sizeof(wchar_t));
	in->len -= to - from;
	in->cursor = from;
}

int input_key(struct input *in, wint_t ch)
{
	int was_selected = in->selected;

	in->selected = 0;
	if (!(ch & UI_FKEY) || ((ch & ~UI_FKEY) != KEY_UP && (ch & ~UI_FKEY) != KEY_DOWN))
		in->goal_col = -1;
	if (ch & UI_FKEY) {
		int key = (int)(ch & ~UI_FKEY);
		/* Deleting a selected text deletes all of it, as in any editor. */
		if (was_selected && (key == KEY_BACKSPACE || key == KEY_DC)) {
			clear_text(in);
			return 1;
		}
		if (key == KEY_LEFT && in->cursor > 0)
			in->cursor--;
		else if (key == KEY_RIGHT && in->cursor < in->len)
			in->cursor++;
		else if (key == KEY_HOME)
			in->cursor = 0;
		else if (key == KEY_END)
			in->cursor = in->len;
		else if (key == KEY_BACKSPACE && in->cursor > 0) {
			delete_range(in, in->cursor - 1, in->cursor);
			return 1;
		} else if (key == KEY_DC && in->cursor < in->len) {
			delete_range(in, in->cursor, in->cursor + 1);
			return 1;
		}
		return 0;
	}
	if (ch == 127 || ch == 8) {
		in->selected = was_selected;
		return input_key(in, KEY_BACKSPACE | UI_FKEY);
	}
	if (ch == 21) {   /* ^U clears, as in a shell */
		clear_text(in);
		return 1;
	}
	if (ch == 1) {    /* ^A, ^E: start and end, as in a shell */
		in->cursor = 0;
		return 0;
	}
	if (ch == 5) {
		in->cursor = in->len;
		return 0;
	}
	if (ch == 11) {   /* ^K: to the end */
		if (in->cursor == in->len)
			return 0;
		in->len = in->cursor;
		in->text[in->len] = L'\0';
		return 1;
	}
	if (ch == 23) {   /* ^W: the word before the cursor */
		int from = in->cursor;
		while (from > 0 && iswspace((wint_t)in->text[from - 1]))
			from--;
		while (from > 0 && !iswspace((wint_t)in->text[from - 1]))
			from--;
		if (from == in->cursor)
			return 0;
		delete_range(in, from, in->cursor);
		return 1;
	}
	/* Control characters are never typed into a field: what goes in can be shown safely.
	 * Nor are surrogates or values past U+10FFFF, which no UTF-8 text may hold
	 * (model/base/text.h: the store refuses them too). */
	if (text_is_control((uint32_t)ch) || (ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff ||
	    !iswprint((wint_t)ch)) {
		in->selected = was_selected;
		return 0;
	}
	/* A prefilled text is replaced by the first key typed into it. */
	if (was_selected)
		clear_text(in);
	if (in->len >= INPUT_MAX)
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

static int char_cols(wchar_t c)
{
	int cw = text_char_width((uint32_t)c);   /* libunistring's width */
	return cw < 0 ? 1 : cw;
}

void input_draw(const struct input *in, WINDOW *w, int y, int x, int width, int focused)
{
	int start = 0, cols = 0;
	/* Scroll so the cursor stays inside the box. */
	for (int i = in->cursor - 1; i >= 0; i--) {
		cols += char_cols(in->text[i]) ? char_cols(in->text[i]) : 1;
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
		int cw = char_cols(in->text[i]);
		if (cols + cw > width)
			break;
		if (i == in->cursor)
			cursor_x = x + cols;
		/* A newline kept in a value is shown as a space on one line. */
		waddnwstr(w, in->text[i] == L'\n' || in->text[i] == L'\t' ? L" " : &in->text[i], 1);
		cols += cw;
	}
	if (in->cursor >= in->len)
		cursor_x = x + cols;
	term_style(w, focused ? ST_SELECTED : ST_DIM, 0);
	if (focused && in->selected)
		mvwchgat(w, y, x, cols, A_UNDERLINE | A_REVERSE, 0, NULL);
	else if (focused && cursor_x < x + width)
		/* A visible cursor mark that works without curs_set on every terminal. */
		mvwchgat(w, y, cursor_x, 1, A_UNDERLINE | A_REVERSE, 0, NULL);
}

/* ---- wrapped text ------------------------------------------------------------------------ */

/*
 * Where each wrapped line starts: lines break after the last space that fits, or
 * mid-word when a word is longer than the line, and after a newline kept in the text.
 * Returns the number of lines; starts[] gets at most `max` of them.
 */
static int wrap(const struct input *in, int width, int *starts, int max)
{
	int n = 0, start = 0;

	if (width < 2)
		width = 2;
	for (;;) {
		int cols = 0, i = start, brk = -1;
		if (n < max)
			starts[n] = start;
		n++;
		for (; i < in->len; i++) {
			if (in->text[i] == L'\n') {
				brk = i + 1;
				break;
			}
			int cw = char_cols(in->text[i]);
			/* The last column stays free for the cursor at the end of a full line. */
			if (cols + cw > width - 1) {
				if (in->text[i] == L' ')
					brk = i + 1;   /* a space may hang past the end */
				else if (brk < 0 || brk <= start)
					brk = i > start ? i : i + 1;
				break;
			}
			cols += cw;
			if (in->text[i] == L' ')
				brk = i + 1;
		}
		if (i >= in->len)
			return n;
		start = brk;
		if (start > in->len)
			return n;
	}
}

int input_rows(const struct input *in, int width)
{
	int dummy;
	return wrap(in, width, &dummy, 0);
}

/* The line the cursor is on; the end of a line that broke belongs to the next. */
static int cursor_line(const int *starts, int n, int cursor)
{
	int line = 0;
	for (int k = 1; k < n; k++)
		if (starts[k] <= cursor)
			line = k;
	return line;
}

static int col_of(const struct input *in, int from, int to)
{
	int cols = 0;
	for (int i = from; i < to; i++)
		cols += char_cols(in->text[i]);
	return cols;
}

int input_move_line(struct input *in, int width, int dir)
{
	int *starts = malloc(sizeof *starts * (INPUT_MAX + 2));
	int n, line, target, end, i, cols = 0, moved = 0;

	if (!starts)
		return 0;
	n = wrap(in, width, starts, INPUT_MAX + 2);
	line = cursor_line(starts, n, in->cursor);
	target = line + (dir < 0 ? -1 : 1);
	if (target < 0 || target >= n)
		goto out;
	if (in->goal_col < 0)
		in->goal_col = col_of(in, starts[line], in->cursor);
	end = target + 1 < n ? starts[target + 1] : in->len;
	/* Not past the break itself: the cursor would land on the next line. */
	if (target + 1 < n && end > starts[target])
		end--;
	for (i = starts[target]; i < end; i++) {
		int cw = char_cols(in->text[i]);
		if (cols + cw > in->goal_col)
			break;
		cols += cw;
	}
	in->cursor = i;
	in->selected = 0;
	moved = 1;
out:
	free(starts);
	return moved;
}

void input_draw_box(const struct input *in, WINDOW *w, int y, int x, int width, int height, int focused)
{
	int *starts = malloc(sizeof *starts * (INPUT_MAX + 2));
	int n, line, first = 0, cursor_y = -1, cursor_x = x;

	if (!starts || height < 1)
		goto out;
	n = wrap(in, width, starts, INPUT_MAX + 2);
	line = cursor_line(starts, n, in->cursor);
	if (line >= height)
		first = line - height + 1;
	term_style(w, focused ? ST_SELECTED : ST_DIM, 1);
	for (int r = 0; r < height; r++) {
		int k = first + r, cols = 0;
		mvwhline(w, y + r, x, ' ', width);
		if (k >= n)
			continue;
		int end = k + 1 < n ? starts[k + 1] : in->len;
		wmove(w, y + r, x);
		for (int i = starts[k]; i < end; i++) {
			int cw = char_cols(in->text[i]);
			if (i == in->cursor)
				cursor_y = y + r, cursor_x = x + cols;
			if (in->text[i] == L'\n' || cols + cw > width)
				continue;
			waddnwstr(w, in->text[i] == L'\t' ? L" " : &in->text[i], 1);
			cols += cw;
		}
		if (in->cursor == in->len && k == line)
			cursor_y = y + r, cursor_x = x + cols;
		if (focused && in->selected)
			mvwchgat(w, y + r, x, cols, A_UNDERLINE | A_REVERSE, 0, NULL);
	}
	term_style(w, focused ? ST_SELECTED : ST_DIM, 0);
	if (focused && !in->selected && cursor_y >= 0 && cursor_x < x + width)
		mvwchgat(w, cursor_y, cursor_x, 1, A_UNDERLINE | A_REVERSE, 0, NULL);
out:
	free(starts);
}
