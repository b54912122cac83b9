/*
 * tool_fpimage.c - synthetic biometric samples for the enrolment tests, and the finger that
 * touches libfprint's virtual_image sensor.
 *
 *   tool_fpimage finger SEED OUT.pgm          one synthetic fingerprint as a PGM (to look at)
 *   tool_fpimage feed SOCKET SEED [MS]        plays a finger on the virtual_image socket
 *   tool_fpimage face OUT.ppm ok|blank|small|noface   a face photo stand-in for the face checks
 *
 * The fingerprint is drawn by fp_synth.h (shared with tests/bench_bio.c).
 *
 * `feed` speaks libfprint's virtual_image protocol (libfprint/drivers/virtual-image.c): the
 * driver listens on the unix socket named by FP_VIRTUAL_IMAGE; a client writes two native
 * int32 (width, height) and then width*height bytes of 8-bit grey, one image per touch.
 * The driver only accepts an image while it waits for a finger and drops one that comes at
 * another moment, so the feeder touches again every MS milliseconds (default 400) and
 * reconnects whenever the device is closed and opened again.  It runs until it is killed.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tests/tool/fp_synth.h"

static int write_all(int fd, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int feed(const char *path, unsigned long seed, unsigned interval)
{
	static unsigned char img[FP_W * FP_H];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int32_t hdr[2] = { FP_W, FP_H };
	unsigned touch = 0;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "tool_fpimage: socket path too long\n");
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return 1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
			close(fd);
			sleep_ms(50);
			continue;
		}
		for (;;) {
			make_finger(seed, touch++, img);
			if (write_all(fd, hdr, sizeof hdr) || write_all(fd, img, sizeof img))
				break;
			sleep_ms(interval);
		}
		close(fd);
	}
}

static int write_pgm(const char *path, const unsigned char *img, int w, int h)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return 1;
	fprintf(f, "P5\n%d %d\n255\n", w, h);
	fwrite(img, 1, (size_t)w * (size_t)h, f);
	return fclose(f) != 0;
}

/* A stand-in for a passport photo: skin-toned oval with eyes and mouth on a pale wall. */
static int face(const char *path, const char *kind)
{
	int w = strcmp(kind, "small") == 0 ? 200 : 480, h = strcmp(kind, "small") == 0 ? 240 : 600;
	FILE *f = fopen(path, "wb");
	if (!f)
		return 1;
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	rng_state = 42;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			unsigned char r = 225, g = 228, b = 232;      /* the wall */
			if (strcmp(kind, "blank") == 0) {
				r = g = b = 200;
			} else if (strcmp(kind, "noface") != 0) {
				double ox = (x - w / 2.0) / (w * 0.28), oy = (y - h * 0.45) / (h * 0.30);
				if (ox * ox + oy * oy < 1.0) {
					r = 205, g = 160, b = 130;            /* skin */
					double eyl = (x - w * 0.40) / (w * 0.04), eyr = (x - w * 0.60) / (w * 0.04);
					double ey = (y - h * 0.40) / (h * 0.02);
					double my = (y - h * 0.56) / (h * 0.015), mx = (x - w / 2.0) / (w * 0.09);
					if (eyl * eyl + ey * ey < 1.0 || eyr * eyr + ey * ey < 1.0)
						r = 40, g = 30, b = 30;
					else if (mx * mx + my * my < 1.0)
						r = 150, g = 60, b = 60;
				} else if (y > h * 0.78 && fabs(x - w / 2.0) < w * 0.4) {
					r = 40, g = 50, b = 90;               /* shoulders */
				}
				int n = (int)(rnd() % 9) - 4;     /* sensor noise */
				r = (unsigned char)(r + n), g = (unsigned char)(g + n), b = (unsigned char)(b + n);
			}
			if (strcmp(kind, "noface") == 0) {
				/* A page of grey stripes: contrast, but nothing like a face. */
				r = g = b = (unsigned char)(((x / 20) % 2) ? 60 : 190);
			}
			fputc(r, f), fputc(g, f), fputc(b, f);
		}
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "finger") == 0) {
		static unsigned char img[FP_W * FP_H];
		make_finger(strtoul(argv[2], NULL, 10), 0, img);
		return write_pgm(argv[3], img, FP_W, FP_H);
	}
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "feed") == 0)
		return feed(argv[2], strtoul(argv[3], NULL, 10), argc == 5 ? (unsigned)atoi(argv[4]) : 400);
	if (argc == 4 && strcmp(argv[1], "face") == 0)
		return face(argv[2], argv[3]);
	fprintf(stderr, "usage: tool_fpimage finger SEED OUT.pgm | feed SOCKET SEED [MS] | face OUT.ppm ok|blank|small|noface\n");
	return 2;
}
