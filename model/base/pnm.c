/* pnm.c - binary PGM/PPM decoding; see pnm.h. */
#include "model/base/pnm.h"

#include <stdlib.h>

#include "model/base/buf.h"

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

/* One 8-bit channel from BT.601 fixed point (scaled by 256): rounded, clamped to 0-255. */
static unsigned char clamp8(int v)
{
	v += 128;
	if (v < 0)
		return 0;
	v /= 256;
	return (unsigned char)(v > 255 ? 255 : v);
}

int pnm_from_yuyv(const unsigned char *yuyv, int w, int h, size_t stride, struct cd_buf *out)
{
	if (w <= 0 || h <= 0 || w % 2 || stride < (size_t)w * 2)
		return -1;
	char *row_rgb = malloc((size_t)w * 3);
	if (!row_rgb)
		return -1;
	buf_printf(out, "P6\n%d %d\n255\n", w, h);
	for (int y = 0; y < h && !out->failed; y++) {
		const unsigned char *row = yuyv + (size_t)y * stride;
		unsigned char *px = (unsigned char *)row_rgb;
		for (int x = 0; x < w; x += 2) {
			/* Y0 U Y1 V: two pixels share their colour. */
			const unsigned char *q = row + (size_t)x * 2;
			int d = q[1] - 128, e = q[3] - 128;
			for (int k = 0; k < 2; k++) {
				int c = 298 * (q[k * 2] - 16);
				*px++ = clamp8(c + 409 * e);
				*px++ = clamp8(c - 100 * d - 208 * e);
				*px++ = clamp8(c + 516 * d);
			}
		}
		buf_add(out, row_rgb, (size_t)w * 3);
	}
	free(row_rgb);
	return out->failed ? -1 : 0;
}
