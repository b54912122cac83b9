/*
 * fp_synth.h - the synthetic fingerprint of the tests and the benchmark: an AM-FM ridge
 * pattern in the manner of Larkin and Fletcher, a smooth whorl phase plus a spiral phase
 * term per minutia, so that each seed places its own ridge endings and bifurcations where
 * NBIS (inside libfprint) can find them.  Nothing here is a real person's print.
 *
 * Header-only (static functions): included by tests/tool_fpimage.c, which plays the finger
 * for the integration tests, and tests/bench_bio.c, which plays it for `make bench`.
 */
#ifndef CD_FP_SYNTH_H
#define CD_FP_SYNTH_H

#include <math.h>
#include <stdint.h>

#define FP_W 320
#define FP_H 400
#define N_MINUTIAE 36

static uint64_t rng_state;

static inline uint32_t rnd(void)
{
	/* splitmix64: a seed gives the same print on every machine. */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static inline double rnd_unit(void)
{
	return rnd() / 4294967296.0;
}

/*
 * One fingerprint for `seed`; `touch` shifts it a little and adds sensor noise.  Seeds from
 * 1000 up draw a sparse print (few minutiae): a poor finger for the quality threshold.
 */
static inline void make_finger(unsigned long seed, unsigned touch, unsigned char *img)
{
	double mx[N_MINUTIAE], my[N_MINUTIAE], mp[N_MINUTIAE];
	double cx, cy, squash, period, rot, ex, ey, dx, dy;
	int n_min = seed >= 1000 ? 8 : N_MINUTIAE;

	rng_state = seed * 7919u + 17;
	cx = FP_W * (0.38 + 0.24 * rnd_unit());
	cy = FP_H * (0.38 + 0.24 * rnd_unit());
	squash = 0.6 + 0.5 * rnd_unit();
	period = 8.5 + 2.0 * rnd_unit();
	rot = 0.8 * (rnd_unit() - 0.5);
	ex = FP_W * (0.40 + 0.06 * rnd_unit());
	ey = FP_H * (0.42 + 0.05 * rnd_unit());
	for (int k = 0; k < n_min; k++) {
		mx[k] = FP_W * (0.15 + 0.7 * rnd_unit());
		my[k] = FP_H * (0.15 + 0.7 * rnd_unit());
		mp[k] = (rnd() & 1) ? 1.0 : -1.0;
	}
	rng_state = seed * 31u + touch * 1000003u + 5;
	dx = (double)(rnd() % 7) - 3.0;
	dy = (double)(rnd() % 7) - 3.0;
	for (int y = 0; y < FP_H; y++) {
		for (int x = 0; x < FP_W; x++) {
			double px = x - dx, py = y - dy;
			double ux = (px - cx) * cos(rot) - (py - cy) * sin(rot);
			double uy = (px - cx) * sin(rot) + (py - cy) * cos(rot);
			double phase = 2.0 * M_PI * sqrt(ux * ux + uy * uy * squash * squash) / period;
			for (int k = 0; k < n_min; k++)
				phase += mp[k] * atan2(py - my[k], px - mx[k]);
			double ox = (px - FP_W / 2.0) / ex, oy = (py - FP_H / 2.0) / ey;
			double r2 = ox * ox + oy * oy;
			/* The fingertip fades out smoothly towards its edge, as on a sensor. */
			double amp = r2 < 0.8 ? 1.0 : r2 > 1.0 ? 0.0 : (1.0 - r2) / 0.2;
			double noise = ((int)(rnd() % 21) - 10);
			double v = 255.0 - amp * (110.0 + 110.0 * cos(phase)) + noise * amp;
			img[y * FP_W + x] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

#endif
