/*
 * fuzz_mrz.c - a libFuzzer target for model/identity/mrz.c's parser.  Any bytes go in; the parser
 * must neither crash nor trip a sanitizer, and what it reports must hold together: counts
 * within their arrays, a valid MRZ without problems, a suggestion whose lines really
 * have every check digit right.  Built with clang as build/fuzz/fuzz_mrz (`make fuzz-bins`);
 * tests/script/t_fuzz.sh runs it from the kept corpus tests/fuzz/corpus/mrz/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/identity/mrz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4097];
	struct mrz_result r, s;
	struct cd_error err = CD_ERROR_INIT;
	long today = cd_date_to_days(2026, 3, 2);

	if (size > sizeof text - 1)
		size = sizeof text - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mrz_parse_on(text, today, &r, &err) != CD_OK)
		return 0;
	if (r.n_checks > MRZ_MAX_CHECKS || r.n_problems > MRZ_MAX_PROBLEMS || r.n_changes > MRZ_MAX_CHANGES ||
	    r.n_lines < 2 || r.n_lines > 3)
		abort();
	if (r.valid && (r.n_problems || r.has_suggestion))
		abort();
	for (int i = 0; i < r.n_checks; i++)
		if (r.checks[i].expected < '0' || r.checks[i].expected > '9')
			abort();
	if (r.has_suggestion) {
		char again[3 * (MRZ_MAX_LEN + 1) + 1];
		size_t k = 0;
		for (int i = 0; i < r.n_lines; i++) {
			size_t n = strlen(r.suggestion[i]);
			memcpy(again + k, r.suggestion[i], n);
			k += n;
			again[k++] = '\n';
		}
		again[k] = '\0';
		if (mrz_parse_on(again, today, &s, &err) != CD_OK)
			abort();
		for (int i = 0; i < s.n_checks; i++)
			if (!s.checks[i].ok)
				abort();
	}
	return 0;
}
