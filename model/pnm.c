/* pnm.c - binary PGM/PPM decoding; see pnm.h. */
#include "pnm.h"

/* One header number: whitespace and # comments skipped; at most 6 digits, above 0. */
static int pnm_number(const unsigned char *d, size_t n, size_t *at, int *out)
{
	long v = 0;
	int digits = 0;
	while (*at < n) {
		if (d[*at] == '#') {
			while (*at < n && d[*at] != '\n')
				(*at)++;
		} else if (d[*at] == ' ' || d[*at] == '\t' || d[*at] == '\n' || d[*at] == '\r') {
			(*at)++;
		} else {
			break;
		}
	}
	while (*at < n && d[*at] >= '0' && d[*at] <= '9' && digits < 6) {
		v = v * 10 + (d[*at] - '0');
		(*at)++;
		digits++;
	}
	if (!digits || v <= 0)
		return -1;
	*out = (int)v;
	return 0;
}

const char *pnm_decode(const unsigned char *d, size_t n, struct pnm_image *p)
{
	size_t at = 2;
	int maxval;
	if (n < 2 || d[0] != 'P' || (d[1] != '5' && d[1] != '6'))
		return "the photo is not a binary PGM or PPM file";
	p->colour = d[1] == '6';
	if (pnm_number(d, n, &at, &p->w) || pnm_number(d, n, &at, &p->h) || pnm_number(d, n, &at, &maxval) ||
	    maxval != 255 || at >= n)
		return "the photo's header is damaged (only 8-bit PGM/PPM is read)";
	at++;   /* the single whitespace after maxval */
	size_t need = (size_t)p->w * (size_t)p->h * (p->colour ? 3u : 1u);
	if (n - at < need)
		return "the photo file is cut short";
	p->px = d + at;
	return 0;
}
