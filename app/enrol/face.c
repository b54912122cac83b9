/*
 * enrol_face.c - a face photo from an image file (binary PGM or PPM), checked before it is
 * accepted: at least 300x300 pixels, not blank, and one face-sized region.
 *
 * The face-region check is a crude heuristic, not face detection: on a colour (PPM) photo,
 * pixels with a skin-like colour (the Kovac et al. RGB rule) are grouped in 8x8 blocks and
 * the largest 4-connected group of skin blocks must cover 4-70 % of the photo, stand
 * roughly upright (height/width 0.9-2.5) and be centred horizontally; a second group that
 * large means more than one face.  A grey (PGM) photo has no colour to go by: its centre
 * must differ clearly from its border (a subject in front of a plain background).
 * Quality (0-100) is half contrast, half how well the region fills a passport-style frame.
 * A photo from the camera (enrol_camera.c) goes through the same checks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/enrol/enrol.h"
#include "model/base/pnm.h"

#define FACE_FILE_MAX (2u << 20)        /* base64 of it still fits one protocol line */
#define MIN_SIDE 300
#define BLOCK 8

/* Reads the file into *data (at most FACE_FILE_MAX bytes); -1 when it cannot. */
static int slurp(const char *path, unsigned char **data, size_t *n)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, len = 0;
	unsigned char *buf = NULL;
	int rc = -1;

	if (!f)
		return -1;
	for (;;) {
		unsigned char *grown = realloc(buf, cap);
		if (!grown)
			goto out;
		buf = grown;
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
		if (len == cap) {
			if (cap >= FACE_FILE_MAX)
				goto out;
			cap *= 2;
		}
	}
	if (ferror(f))
		goto out;
	*data = buf;
	*n = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int is_skin(const unsigned char *c)
{
	int r = c[0], g = c[1], b = c[2];
	int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
	return r > 95 && g > 40 && b > 20 && mx - mn > 15 && abs(r - g) > 15 && r > g && r > b;
}

struct region {
	int blocks, x0, y0, x1, y1;
};

/* Largest and second-largest 4-connected groups of set cells in a bw x bh grid. */
static int regions(const unsigned char *grid, int bw, int bh, struct region *best, struct region *second)
{
	int *stack = malloc(sizeof *stack * (size_t)bw * (size_t)bh);
	unsigned char *seen = calloc((size_t)bw * (size_t)bh, 1);
	int rc = -1;

	memset(best, 0, sizeof *best);
	memset(second, 0, sizeof *second);
	if (!stack || !seen)
		goto out;
	for (int start = 0; start < bw * bh; start++) {
		if (!grid[start] || seen[start])
			continue;
		struct region r = { 0, bw, bh, -1, -1 };
		int top = 0;
		stack[top++] = start;
		seen[start] = 1;
		while (top) {
			int cell = stack[--top], x = cell % bw, y = cell / bw;
			r.blocks++;
			if (x < r.x0) r.x0 = x;
			if (x > r.x1) r.x1 = x;
			if (y < r.y0) r.y0 = y;
			if (y > r.y1) r.y1 = y;
			int nb[4] = { x > 0 ? cell - 1 : -1, x < bw - 1 ? cell + 1 : -1, y > 0 ? cell - bw : -1,
				      y < bh - 1 ? cell + bw : -1 };
			for (int k = 0; k < 4; k++)
				if (nb[k] >= 0 && grid[nb[k]] && !seen[nb[k]]) {
					seen[nb[k]] = 1;
					stack[top++] = nb[k];
				}
		}
		if (r.blocks > best->blocks) {
			*second = *best;
			*best = r;
		} else if (r.blocks > second->blocks) {
			*second = r;
		}
	}
	rc = 0;
out:
	free(stack);
	free(seen);
	return rc;
}

/* The checks; NULL when the photo passes, else the reason.  *quality is set either way. */
static const char *check(const struct pnm_image *p, int *quality)
{
	size_t npx = (size_t)p->w * (size_t)p->h;
	double sum = 0, sum2 = 0, fill = 0;
	int step = p->colour ? 3 : 1;

	*quality = 0;
	if (p->w < MIN_SIDE || p->h < MIN_SIDE)
		return "the photo is smaller than 300x300 pixels";
	for (size_t i = 0; i < npx; i++) {
		const unsigned char *c = p->px + i * (size_t)step;
		double y = p->colour ? 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] : c[0];
		sum += y;
		sum2 += y * y;
	}
	double mean = sum / (double)npx, sd = sqrt(fmax(0.0, sum2 / (double)npx - mean * mean));
	if (sd < 8.0)
		return "the photo is blank (almost no contrast)";

	if (p->colour) {
		int bw = p->w / BLOCK, bh = p->h / BLOCK;
		unsigned char *grid = calloc((size_t)bw * (size_t)bh, 1);
		struct region best, second;
		if (!grid)
			return "out of memory";
		for (int by = 0; by < bh; by++)
			for (int bx = 0; bx < bw; bx++) {
				int skin = 0;
				for (int y = by * BLOCK; y < (by + 1) * BLOCK; y++)
					for (int x = bx * BLOCK; x < (bx + 1) * BLOCK; x++)
						skin += is_skin(p->px + ((size_t)y * (size_t)p->w + (size_t)x) * 3);
				grid[by * bw + bx] = skin * 2 > BLOCK * BLOCK;
			}
		int failed = regions(grid, bw, bh, &best, &second);
		free(grid);
		if (failed)
			return "out of memory";
		double total = (double)bw * bh, area = best.blocks / total;
		if (area < 0.04)
			return "no face-sized skin-toned region found";
		if (second.blocks / total >= 0.04)
			return "more than one face-sized region";
		if (area > 0.70)
			return "the skin-toned region fills the photo; step back from the camera";
		double rw = best.x1 - best.x0 + 1, rh = best.y1 - best.y0 + 1, cx = (best.x0 + best.x1 + 1) / 2.0;
		if (rh / rw < 0.9 || rh / rw > 2.5)
			return "the face region is not upright and face-shaped";
		if (cx < bw * 0.25 || cx > bw * 0.75)
			return "the face is not centred";
		/* A passport frame wants the face to take roughly a fifth to a half of it. */
		fill = area < 0.15 ? area / 0.15 : area > 0.5 ? 0.5 / area : 1.0;
	} else {
		double cs = 0, bs = 0;
		size_t cn = 0, bn = 0;
		for (int y = 0; y < p->h; y++)
			for (int x = 0; x < p->w; x++) {
				double ox = (x - p->w / 2.0) / (p->w * 0.3), oy = (y - p->h * 0.45) / (p->h * 0.3);
				int border = x < p->w / 10 || x >= p->w - p->w / 10 || y < p->h / 10;
				double v = p->px[(size_t)y * (size_t)p->w + (size_t)x];
				if (ox * ox + oy * oy < 1.0)
					cs += v, cn++;
				else if (border)
					bs += v, bn++;
			}
		if (!cn || !bn || fabs(cs / (double)cn - bs / (double)bn) < 15.0)
			return "no face-sized region stands out from the background";
		fill = 0.7;
	}
	double contrast = sd / 64.0 > 1.0 ? 1.0 : sd / 64.0;
	*quality = (int)lround(50.0 * contrast + 50.0 * fill);
	return NULL;
}

void face_capture(struct enrol_req *r)
{
	const char *path = bw_str(r->msg, "file");
	unsigned char *data = NULL;
	size_t n = 0;
	struct pnm_image p = { 0 };
	const char *why;
	char *b64 = NULL;
	int quality = 0, code;
	long threshold = 40;
	struct cd_buf b = CD_BUF_INIT;

	int from_camera = !path || !*path;
	if (from_camera && !camera_present()) {
		enrol_reply_error(r, BW_ENODEVICE, "no camera is connected: give a photo file instead");
		return;
	}
	if (bw_get(r->msg, "quality_threshold") &&
	    (bw_int(r->msg, "quality_threshold", &threshold) || threshold < 0 || threshold > 100)) {
		enrol_reply_error(r, BW_EBADREQUEST, "quality_threshold is 0-100");
		return;
	}
	if (from_camera) {
		struct cd_buf shot = CD_BUF_INIT;
		if ((why = camera_capture(r->timeout_ms, &shot, &code))) {
			buf_release(&shot);
			goto out;
		}
		n = shot.len;
		data = (unsigned char *)buf_detach(&shot);
	} else if (slurp(path, &data, &n)) {
		why = "the photo file cannot be read (missing, unreadable or over 2 MB)";
		code = BW_EUNUSABLE;
		goto out;
	}
	if ((why = pnm_decode(data, n, &p)) || (why = check(&p, &quality))) {
		code = BW_EUNUSABLE;
		goto out;
	}
	if (!(b64 = bw_base64(data, n))) {
		code = BW_EINTERNAL;
		goto out;
	}
	/* One photo, no retries: below the threshold it is kept with its score (104). */
	code = quality >= threshold ? BW_OK : BW_ELOWQUALITY;
out:
	buf_printf(&b, "\"event\":\"result\",\"finger\":null,\"error\":%d,\"attempts\":1,\"quality\":%d", code, quality);
	if (why) {
		buf_puts(&b, ",\"reason\":");
		json_buf_string(&b, why);
	}
	if (b64)
		buf_printf(&b, ",\"width\":%d,\"height\":%d,\"template\":\"%s\"", p.w, p.h, b64);
	enrol_event(r, &b);
	buf_reset(&b);
	buf_printf(&b, "\"error\":%d,\"results\":1", code);
	enrol_send(r, &b);
	buf_release(&b);
	free(b64);
	free(data);
}
