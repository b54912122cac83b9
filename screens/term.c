/* term.c - the terminal layer; see term.h. */
#include "screens/term.h"

#include "model/base/text.h"
#include "model/base/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

static int mono = 1;

/* Monochrome fallbacks: every style still reads on a vt100. */
static const attr_t mono_attr[ST_COUNT] = {
	[ST_NORMAL] = A_NORMAL, [ST_TITLE] = A_BOLD | A_UNDERLINE, [ST_STATUS] = A_REVERSE,
	[ST_SELECTED] = A_REVERSE, [ST_OVERDUE] = A_BOLD, [ST_WARN] = A_UNDERLINE,
	[ST_ERROR] = A_BOLD, [ST_DIM] = A_DIM, [ST_LABEL] = A_BOLD, [ST_CONTROL] = A_REVERSE,
};

int term_start(void)
{
	const char *no_color = getenv("NO_COLOR");

	/* A short ESC delay: Esc goes back at once, yet arrow keys over ssh still parse. */
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/*
	 * ^S saves and ^Q quits: take them back from the terminal's XON/XOFF flow control,
	 * which cbreak() leaves on (^S would freeze the screen, ^Q never reach us).  raw()
	 * would do it too, but would also take ^C and ^Z away.  def_prog_mode() keeps the
	 * change across endwin/refresh; endwin() restores the shell's own settings.
	 */
	struct termios tio;
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag &= ~(tcflag_t)IXON;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
			def_prog_mode();
	}
	mono = !has_colors() || (no_color && *no_color);
	if (!mono) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);    /* title, status */
		init_pair(2, COLOR_BLACK, COLOR_CYAN);    /* selected */
		init_pair(3, COLOR_RED, -1);              /* overdue, error */
		init_pair(4, COLOR_YELLOW, -1);           /* warn */
		init_pair(5, COLOR_CYAN, -1);             /* label */
		init_pair(6, COLOR_WHITE, COLOR_RED);     /* control characters */
	}
	return mono;
}

/*
 * The terminal's size as the kernel has it, taken when it differs from curses' idea: a
 * resize that came while curses was starting (its SIGWINCH handler not yet in place, as
 * when a tmux pane is resized at once after the program starts) is otherwise never seen,
 * and every screen draws past the edge until the next resize.  One ioctl per redraw.
 */
void term_follow_size(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
}

void term_end(void)
{
	endwin();
}

void term_style(WINDOW *w, enum term_style st, int on)
{
	attr_t a = mono_attr[st];
	if (!mono) {
		static const short pair[ST_COUNT] = {
			[ST_TITLE] = 1, [ST_STATUS] = 1, [ST_SELECTED] = 2, [ST_OVERDUE] = 3,
			[ST_ERROR] = 3, [ST_WARN] = 4, [ST_LABEL] = 5, [ST_CONTROL] = 6,
		};
		a = pair[st] ? COLOR_PAIR(pair[st]) : A_NORMAL;
		if (st == ST_TITLE || st == ST_ERROR || st == ST_OVERDUE)
			a |= A_BOLD;
		if (st == ST_DIM)
			a = A_DIM;
	}
	if (on)
		wattron(w, a);
	else
		wattroff(w, a);
}

/* The visible form of a control character or a bad byte: ^[ for ESC, <9B> for C1, <U+202E>
 * for a bidi format character (it would reorder the text around it, unseen). */
static void visible(wchar_t wc, unsigned char byte, int bad, char out[12])
{
	static const char hex[] = "0123456789ABCDEF";
	if (!bad && text_is_bidi_control((uint32_t)wc)) {
		memcpy(out, "<U+", 3);
		for (int i = 0; i < 4; i++)
			out[3 + i] = hex[((unsigned)wc >> (12 - 4 * i)) & 15];
		memcpy(out + 7, ">", 2);
	} else if (!bad && wc < 0x20) {
		out[0] = '^';
		out[1] = (char)('@' + wc);
		out[2] = '\0';
	} else if (!bad && wc == 0x7f) {
		memcpy(out, "^?", 3);
	} else {
		unsigned v = bad ? byte : (unsigned)wc;
		out[0] = '<';
		out[1] = hex[(v >> 4) & 15];
		out[2] = hex[v & 15];
		out[3] = '>';
		out[4] = '\0';
	}
}

static int draw(WINDOW *w, int y, int x, const char *text, int width, int pad, int do_draw, int base_style,
		size_t *consumed)
{
	const unsigned char *start = (const unsigned char *)(text ? text : ""), *p = start;
	int used = 0;

	if (do_draw)
		wmove(w, y, x);
	while (*p && used < width) {
		wchar_t wc;
		size_t n = utf8_decode(p, &wc);
		if (n == 0 || text_is_control((uint32_t)wc) || text_is_bidi_control((uint32_t)wc)) {
			char vis[12];
			visible(wc, *p, n == 0, vis);
			int vw = (int)strlen(vis);
			if (used + vw > width)
				break;
			if (do_draw) {
				term_style(w, ST_CONTROL, 1);
				waddstr(w, vis);
				term_style(w, ST_CONTROL, 0);
				if (base_style >= 0)
					term_style(w, (enum term_style)base_style, 1);
			}
			used += vw;
			p += n ? n : 1;
			continue;
		}
		/* The width is libunistring's (model/base/text.h), not the locale's: every desk,
		 * whatever its LANG, lines up Cyrillic, Georgian and CJK columns alike. */
		int cw = text_char_width((uint32_t)wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > width)
			break;
		if (do_draw) {
			wchar_t s[2] = { wc, 0 };
			waddnwstr(w, s, 1);
		}
		used += cw;
		p += n;
	}
	if (pad && do_draw)
		for (int i = used; i < width; i++)
			waddch(w, ' ');
	if (consumed)
		*consumed = (size_t)(p - start);
	return pad ? width : used;
}

int term_width(const char *text)
{
	return draw(NULL, 0, 0, text, 1 << 20, 0, 0, -1, NULL);
}

size_t term_fit(const char *text, int width)
{
	size_t n = 0, cut;
	if (width <= 0)
		return 0;
	draw(NULL, 0, 0, text, width, 0, 0, -1, &n);
	if (!text[n])
		return n;
	/* Break after the last space on the line: a word is split only when it alone is wider
	 * than the line (a long Ukrainian or Georgian word in a narrow help column). */
	for (cut = n; cut > 0; cut--)
		if (text[cut - 1] == ' ')
			return cut;
	return n;
}

int term_put(WINDOW *w, int y, int x, const char *text, int width, int pad)
{
	if (width <= 0)
		return 0;
	return draw(w, y, x, text, width, pad, 1, -1, NULL);
}

int term_put_styled(WINDOW *w, int y, int x, const char *text, int width, int pad, enum term_style st)
{
	int n;
	if (width <= 0)
		return 0;
	term_style(w, st, 1);
	n = draw(w, y, x, text, width, pad, 1, (int)st, NULL);
	term_style(w, st, 0);
	return n;
}

void term_fill(WINDOW *w, int y, int x, int cols, enum term_style st)
{
	term_style(w, st, 1);
	mvwhline(w, y, x, ' ', cols - x);
	term_style(w, st, 0);
}

void term_columns(WINDOW *w, int y, const int *x, const char *const *texts, int n, int cols,
		  enum term_style st)
{
	for (int i = 0; i < n && x[i] < cols; i++) {
		int end = i + 1 < n ? x[i + 1] - 1 : cols - 1;
		term_put_styled(w, y, x[i], texts[i], end - x[i], 0, st);
	}
}
