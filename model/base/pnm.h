/*
 * pnm.h - the binary PGM (P5) and PPM (P6) images casedesk keeps face photos in: read by
 * the enrolment helper to check a photo, and by print/ to put it on a form; written by the
 * helper from a camera's YUYV frame.  No I/O; decoding does not allocate (the pixels point
 * into the caller's bytes).
 */
#ifndef CD_PNM_H
#define CD_PNM_H

#include <stddef.h>

#include "model/base/buf.h"

struct pnm_image {
	int w, h;
	int colour;                 /* 1: RGB (P6), 0: grey (P5) */
	const unsigned char *px;    /* w*h*(colour ? 3 : 1) bytes, rows top to bottom */
};

/*
 * Decodes an 8-bit (maxval 255) P5 or P6 image held in d[0, n).  NULL on success, else
 * the reason in English words (the helper's protocol carries it as is; callers that show
 * it to a person say it in their own translated words).
 */
const char *pnm_decode(const unsigned char *d, size_t n, struct pnm_image *out);

/*
 * Converts one YUYV 4:2:2 frame (the format every USB camera offers; ITU-R BT.601, video
 * range 16-235) of w x h pixels, rows `stride` bytes apart, to a binary PPM (P6) appended
 * to `out`.  -1 for an odd width, a stride shorter than a row, or no memory.
 */
int pnm_from_yuyv(const unsigned char *yuyv, int w, int h, size_t stride, struct cd_buf *out);

#endif
