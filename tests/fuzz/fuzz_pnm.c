/*
 * fuzz_pnm.c - libFuzzer target for model/base/pnm.c.  Any bytes are a would-be photo for
 * pnm_decode (the helper reads photo files handed to it, print/ reads them from the store):
 * it must not read past them, and a decoded image's pixels must lie inside them.  The
 * first bytes also pick a small frame size for pnm_from_yuyv, whose PPM must decode back
 * to the same size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/pnm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that ASan sees any read past the end. */
	unsigned char *d = malloc(size ? size : 1);
	struct pnm_image im;
	unsigned sum = 0;

	if (!d)
		return 0;
	memcpy(d, data, size);
	if (!pnm_decode(d, size, &im)) {
		size_t need = (size_t)im.w * (size_t)im.h * (im.colour ? 3u : 1u);
		if (im.w <= 0 || im.h <= 0 || im.px < d || (size_t)(im.px - d) + need > size)
			abort();
		for (size_t i = 0; i < need; i++)
			sum += im.px[i];
	}
	if (size >= 3) {
		int w = 1 + d[0] % 16, h = 1 + d[1] % 16;
		size_t stride = (size_t)w * 2 + d[2] % 4;
		if ((size_t)h * stride <= size - 3) {
			struct cd_buf ppm = CD_BUF_INIT;
			int rc = pnm_from_yuyv(d + 3, w, h, stride, &ppm);
			if ((w % 2) != (rc != 0))
				abort();    /* odd widths refused, even ones converted */
			if (!rc) {
				struct pnm_image back;
				if (pnm_decode((const unsigned char *)ppm.data, ppm.len, &back) || back.w != w || back.h != h ||
				    !back.colour)
					abort();
			}
			buf_release(&ppm);
		}
	}
	free(d);
	return (int)(sum & 0);
}
