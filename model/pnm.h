/*
 * pnm.h - the binary PGM (P5) and PPM (P6) images casedesk keeps face photos in: read by
 * the enrolment helper to check a photo, and by print/ to put it on a form.  Pure: no
 * allocation, no I/O; the pixels point into the caller's bytes.
 */
#ifndef CD_PNM_H
#define CD_PNM_H

#include <stddef.h>

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

#endif
