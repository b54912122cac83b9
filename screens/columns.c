/* columns.c - fitting a list screen's columns to the terminal's width; see columns.h. */
#include "screens/columns.h"

#include <stdint.h>

#include "model/base/text.h"
#include "model/base/utf8.h"

/*
 * Columns as screens/term.c draws the text: a control character shown as ^X (two), a C1
 * one or a malformed byte as <9B> (four), other characters by their width (libunistring).
 * Kept here in step with term.c's draw() so that a name with an escape in it cannot push
 * the next column over.
 */
int col_text_width(const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int w = 0;
	while (*p) {
		wchar_t wc;
		size_t n = utf8_decode(p, &wc);
		if (n == 0) {
			w += 4;
			p++;
			continue;
		}
		if (text_is_control((uint32_t)wc))
			w += (uint32_t)wc < 0x20 || wc == 0x7f ? 2 : 4;
		else if (text_is_bidi_control((uint32_t)wc))
			w += 8;   /* <U+202E> */
		else {
			int cw = text_char_width((uint32_t)wc);
			w += cw < 0 ? 1 : cw;
		}
		p += n;
	}
	return w;
}

void col_want_width(struct col *c, int width)
{
	if (width > c->full)
		c->full = width;
	if (c->max > 0 && width > c->max)
		width = c->max;
	if (width > c->pref)
		c->pref = width;
}

void col_want(struct col *c, const char *text)
{
	col_want_width(c, col_text_width(text));
}

/* Display columns the shown columns need at their minimum, with a space between each two. */
static int need(const struct col *c, size_t n)
{
	int sum = 0, shown = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].w) {
			sum += c[i].w;
			shown++;
		}
	return shown ? sum + shown - 1 : 0;
}

int cols_layout(struct col *c, size_t n, int width)
{
	int avail = width - 2, extra, shown = 0, n_flex = 0;

	for (size_t i = 0; i < n; i++) {
		if (c[i].pref < c[i].min)
			c[i].pref = c[i].min;
		c[i].w = c[i].prio < 0 ? 0 : c[i].min > 0 ? c[i].min : 1;
		c[i].x = 0;
	}
	/* The lowest priority gives way first; among equals the rightmost, the least read. */
	while (need(c, n) > avail) {
		size_t drop = n;
		for (size_t i = 0; i < n; i++)
			if (c[i].w && c[i].prio < COL_KEEP && (drop == n || c[i].prio <= c[drop].prio))
				drop = i;
		if (drop == n)
			break;
		c[drop].w = 0;
	}
	extra = avail - need(c, n);
	/* Too narrow even for the columns that never go: cut them from the right. */
	for (size_t i = n; i > 0 && extra < 0; i--) {
		int give = c[i - 1].w - 1;
		if (give <= 0)
			continue;
		if (give > -extra)
			give = -extra;
		c[i - 1].w -= give;
		extra += give;
	}
	/* Up to the preferred width, the most important columns first (left before right). */
	while (extra > 0) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (c[i].w && c[i].w < c[i].pref && (best == n || c[i].prio > c[best].prio))
				best = i;
		if (best == n)
			break;
		int add = c[best].pref - c[best].w;
		if (add > extra)
			add = extra;
		c[best].w += add;
		extra -= add;
	}
	/*
	 * What is left goes to the flexible columns whose content is cut, shared evenly, each
	 * up to its whole content: past that, room is only blank at the right edge.
	 */
	for (int round = 0; round < 8 && extra > 0; round++) {
		n_flex = 0;
		for (size_t i = 0; i < n; i++)
			if (c[i].w && c[i].flex && (!c[i].full || c[i].w < c[i].full))
				n_flex++;
		if (!n_flex)
			break;
		int share = extra / n_flex > 0 ? extra / n_flex : 1;
		for (size_t i = 0; i < n && extra > 0; i++)
			if (c[i].w && c[i].flex && (!c[i].full || c[i].w < c[i].full)) {
				int add = share;
				if (c[i].full && add > c[i].full - c[i].w)
					add = c[i].full - c[i].w;
				if (add > extra)
					add = extra;
				c[i].w += add;
				extra -= add;
			}
	}
	{
		int x = 1;
		for (size_t i = 0; i < n; i++)
			if (c[i].w) {
				c[i].x = x;
				x += c[i].w + 1;
				shown++;
			}
	}
	return shown;
}

int col_text_x(const struct col *c, int text_width)
{
	if (c->align == COL_RIGHT && text_width < c->w)
		return c->x + c->w - text_width;
	return c->x;
}
