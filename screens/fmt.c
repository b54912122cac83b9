/* fmt.c - locale-aware dates and counts; see fmt.h. */
#include "screens/fmt.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/base/caldate.h"

static char thousands[8];

void fmt_init(void)
{
	const char *loc = setlocale(LC_NUMERIC, "");
	struct lconv *lc = localeconv();
	snprintf(thousands, sizeof thousands, "%s", lc && lc->thousands_sep ? lc->thousands_sep : "");
	(void)loc;
	setlocale(LC_NUMERIC, "C");
}

void fmt_day(long day, char *buf, size_t size)
{
	const char *d_fmt = nl_langinfo(D_FMT);
	struct tm tm;
	int y, m, d;

	if (day < 0) {
		snprintf(buf, size, "-");
		return;
	}
	/* The C locale's %x is 12/31/26: ambiguous across offices, so ISO there. */
	if (!d_fmt || strcmp(d_fmt, "%m/%d/%y") == 0) {
		cd_days_format(day, buf, (unsigned)size);
		return;
	}
	cd_days_to_date(day, &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	/* The locale's own date order, with a four-digit year: deadlines cross centuries of files. */
	char pattern[32];
	size_t o = 0;
	for (const char *p = d_fmt; *p && o + 3 < sizeof pattern; p++) {
		pattern[o++] = *p;
		if (*p == '%' && p[1] == 'y') {
			pattern[o++] = 'Y';
			p++;
		}
	}
	pattern[o] = '\0';
	if (strftime(buf, size, pattern, &tm) == 0)
		cd_days_format(day, buf, (unsigned)size);
}

void fmt_count(int64_t n, char *buf, size_t size)
{
	char digits[32], out[64];
	size_t len, o = 0, sep = strlen(thousands);
	int neg = n < 0;

	snprintf(digits, sizeof digits, "%lld", (long long)(neg ? -n : n));
	len = strlen(digits);
	if (neg)
		out[o++] = '-';
	for (size_t i = 0; i < len && o + sep + 2 < sizeof out; i++) {
		if (i && (len - i) % 3 == 0 && sep) {
			memcpy(out + o, thousands, sep);
			o += sep;
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

void col_put(WINDOW *w, int y, const struct col *c, const char *text, enum term_style st)
{
	if (c->w <= 0)
		return;
	int tw = term_width(text ? text : "");
	term_put_styled(w, y, col_text_x(c, tw), text ? text : "", tw < c->w ? tw : c->w, 0, st);
}

void cols_head(WINDOW *w, int y, const struct col *c, size_t n, enum term_style st)
{
	for (size_t i = 0; i < n; i++)
		col_put(w, y, &c[i], c[i].head, st);
}

int fmt_wrap(WINDOW *w, int y, int x, const char *text, int width, int skip, int rows, enum term_style st)
{
	int line = 0;
	const char *p = text ? text : "";

	if (width < 1)
		width = 1;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *para = strndup(p, len);
		const char *q = para;
		if (!para)
			break;
		do {
			size_t cut = term_fit(q, width);
			if (cut == 0 && *q)
				cut = 1;   /* a character wider than the line: never stuck */
			if (w && line >= skip && line - skip < rows) {
				char *piece = strndup(q, cut);
				if (piece) {
					term_put_styled(w, y + line - skip, x, piece, width, 0, st);
					free(piece);
				}
			}
			line++;
			q += cut;
			while (*q == ' ')
				q++;
		} while (*q);
		free(para);
		p += len;
		if (*p == '\n')
			p++;
	}
	return line;
}
