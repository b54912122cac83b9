/*
 * test_pnm.c - unit tests for model/pnm.c: PGM/PPM decoding (comments in the header, every
 * kind of damage) and a camera's YUYV frame to PPM (BT.601 colours at their known values,
 * odd widths and short strides refused, the result decoding back to the same size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/pnm.h"

static void test_decode_grey_and_colour(void **state)
{
	static const unsigned char grey[] = "P5\n# a comment\n2 2\n255\n\x01\x02\x03\x04";
	static const unsigned char colour[] = "P6 1 2 255\n\xff\x00\x00\x00\xff\x00";
	struct pnm_image img;
	(void)state;

	assert_null(pnm_decode(grey, sizeof grey - 1, &img));
	assert_int_equal(img.w, 2);
	assert_int_equal(img.h, 2);
	assert_int_equal(img.colour, 0);
	assert_int_equal(img.px[3], 4);
	assert_null(pnm_decode(colour, sizeof colour - 1, &img));
	assert_int_equal(img.colour, 1);
	assert_int_equal(img.h, 2);
	assert_int_equal(img.px[4], 0xff);
}

static void test_decode_refuses_damage(void **state)
{
	/* Each damage with the reason it must be refused for (not merely some reason). */
#define DAMAGED(bytes, why) { (const unsigned char *)bytes, sizeof bytes - 1, why }
	static const struct {
		const unsigned char *d;
		size_t n;
		const char *why;
	} bad[] = {
		DAMAGED("P3\n1 1\n255\n0 0 0", "not a binary PGM or PPM"),          /* ASCII PPM */
		DAMAGED("P", "not a binary PGM or PPM"),                             /* nothing */
		DAMAGED("P6\n1 1\n65535\n\x00\x00", "header is damaged"),          /* 16-bit */
		DAMAGED("P6\n0 1\n255\n", "header is damaged"),                      /* no width */
		DAMAGED("P6\n1 x\n255\n\x00\x00\x00", "header is damaged"),         /* not a number */
		DAMAGED("P5\n4 4\n255\n\x01\x02", "cut short"),                     /* 2 of 16 pixels */
	};
#undef DAMAGED
	struct pnm_image img;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = pnm_decode(bad[i].d, bad[i].n, &img);
		assert_non_null(why);
		if (!strstr(why, bad[i].why))
			fail_msg("case %zu: refused because '%s', wanted '%s'", i, why, bad[i].why);
	}
}

/* One YUYV pixel pair of a single colour, converted: the RGB of its first pixel. */
static void yuyv_colour(int y, int u, int v, unsigned char rgb[3])
{
	unsigned char frame[4] = { (unsigned char)y, (unsigned char)u, (unsigned char)y, (unsigned char)v };
	struct cd_buf out = CD_BUF_INIT;
	struct pnm_image img;

	assert_int_equal(pnm_from_yuyv(frame, 2, 1, 4, &out), 0);
	assert_null(pnm_decode((const unsigned char *)out.data, out.len, &img));
	assert_int_equal(img.w, 2);
	assert_int_equal(img.colour, 1);
	memcpy(rgb, img.px, 3);
	assert_memory_equal(img.px, img.px + 3, 3);   /* the pair shares its colour */
	buf_release(&out);
}

static void assert_near(int got, int want)
{
	if (abs(got - want) > 2)
		fail_msg("channel %d, wanted %d +- 2", got, want);
}

static void test_yuyv_bt601_colours(void **state)
{
	unsigned char rgb[3];
	(void)state;

	yuyv_colour(235, 128, 128, rgb);   /* white */
	assert_near(rgb[0], 255), assert_near(rgb[1], 255), assert_near(rgb[2], 255);
	yuyv_colour(16, 128, 128, rgb);    /* black */
	assert_near(rgb[0], 0), assert_near(rgb[1], 0), assert_near(rgb[2], 0);
	yuyv_colour(81, 90, 240, rgb);     /* red, BT.601 */
	assert_near(rgb[0], 255), assert_near(rgb[1], 0), assert_near(rgb[2], 0);
	yuyv_colour(145, 54, 34, rgb);     /* green */
	assert_near(rgb[0], 0), assert_near(rgb[1], 255), assert_near(rgb[2], 0);
	yuyv_colour(41, 240, 110, rgb);    /* blue */
	assert_near(rgb[0], 0), assert_near(rgb[1], 0), assert_near(rgb[2], 255);
	yuyv_colour(0, 128, 128, rgb);     /* below black: clamped to 0, not wrapped */
	assert_int_equal(rgb[0], 0), assert_int_equal(rgb[1], 0), assert_int_equal(rgb[2], 0);
	yuyv_colour(255, 128, 128, rgb);   /* above white: clamped to 255 */
	assert_int_equal(rgb[0], 255), assert_int_equal(rgb[1], 255), assert_int_equal(rgb[2], 255);
}

static void test_yuyv_frame_geometry(void **state)
{
	enum { W = 6, H = 3, STRIDE = 16 };   /* rows padded past 2*W bytes, as drivers do */
	unsigned char frame[STRIDE * H];
	struct cd_buf out = CD_BUF_INIT;
	struct pnm_image img;
	(void)state;

	memset(frame, 0xEE, sizeof frame);                 /* padding that must not be read as pixels */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W * 2; x += 2) {
			frame[y * STRIDE + x] = (unsigned char)(y == 1 ? 235 : 16);   /* the middle row white */
			frame[y * STRIDE + x + 1] = 128;
		}
	assert_int_equal(pnm_from_yuyv(frame, W, H, STRIDE, &out), 0);
	assert_null(pnm_decode((const unsigned char *)out.data, out.len, &img));
	assert_int_equal(img.w, W);
	assert_int_equal(img.h, H);
	assert_true(img.px[0] < 3);                           /* row 0 black */
	assert_true(img.px[(1 * W + W - 1) * 3 + 2] > 252);   /* row 1 white to its last pixel */
	assert_true(img.px[(2 * W) * 3] < 3);                 /* row 2 black */
	buf_release(&out);

	assert_int_equal(pnm_from_yuyv(frame, 5, H, STRIDE, &out), -1);   /* odd width */
	assert_int_equal(pnm_from_yuyv(frame, W, H, 10, &out), -1);       /* stride shorter than a row */
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_grey_and_colour),
		cmocka_unit_test(test_decode_refuses_damage),
		cmocka_unit_test(test_yuyv_bt601_colours),
		cmocka_unit_test(test_yuyv_frame_geometry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
