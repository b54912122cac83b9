/*
 * fuzz_translit.c - libFuzzer target for model/identity/translit.c, which every name
 * typed, imported or read from a document goes through (ICAO Latin forms, skeleton keys,
 * folding, edit distance).  The tables are loaded once from data/translit/.  The first byte
 * picks a language hint and an output size (small sizes test the cut); the rest, split at
 * its first NUL, is two names.  ICAO forms hold only A-Z, space and hyphen; skeletons only
 * A-Z; the distance is symmetric, 0 from a (short) name to itself and capped at max + 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/error.h"
#include "model/identity/translit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const hints[] = { NULL, "UKR", "BLR", "BGR", "SRB", "MKD", "DEU", "TUR", "RUS", "GEO",
				     "ARM", "GRC", "ukrainian", "greek", "georgian", "armenian", "latin", "XXX" };

static void check_icao(const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == ' ' || s[i] == '-'))
			abort();
	if (memchr(s, '\0', len + 1) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *a, *b, icao[1024], key[256], fold[1024];
	size_t outsize;
	const char *hint;

	if (!ready) {
		struct cd_error err = CD_ERROR_INIT;
		if (translit_load(&err) != CD_OK) {
			fprintf(stderr, "fuzz_translit: %s\n", err.msg);
			abort();
		}
		ready = 1;
	}
	if (size < 1)
		return 0;
	hint = hints[data[0] % (sizeof hints / sizeof hints[0])];
	outsize = (data[0] & 0x80) ? 1 + data[0] % 24 : sizeof icao;
	if (!(a = malloc(size)))
		return 0;
	memcpy(a, data + 1, size - 1);
	a[size - 1] = '\0';
	b = a + strlen(a);
	if (b < a + size - 1)
		b++;

	int rc = translit_icao(a, hint, icao, outsize);
	if (rc < -1)
		abort();
	check_icao(icao, outsize - 1);
	if (rc >= 0) {
		/* Every word of a whole ICAO form has a skeleton of letters only. */
		char word[1024];
		for (char *p = icao; *p;) {
			size_t n = strcspn(p, " -");
			if (n) {
				memcpy(word, p, n);
				word[n] = '\0';
				size_t k = translit_skeleton(word, key, sizeof key);
				if (k >= sizeof key || strlen(key) != k)
					abort();
				for (size_t i = 0; i < k; i++)
					if (key[i] < 'A' || key[i] > 'Z')
						abort();
			}
			p += n;
			if (*p)
				p++;
		}
	}
	(void)translit_skeleton(a, key, 1 + (size_t)data[0] % 8);
	if (translit_fold(a, fold, (data[0] & 0x40) ? 1 + data[0] % 16 : sizeof fold) == 0 &&
	    memchr(fold, '\0', sizeof fold) == NULL)
		abort();
	int max = data[0] % 12;
	int d1 = translit_distance(a, b, max), d2 = translit_distance(b, a, max);
	if (d1 != d2 || d1 < 0 || d1 > max + 1 ||
	    (strlen(a) <= 64 && translit_distance(a, a, max) != 0))
		abort();
	free(a);
	return 0;
}
