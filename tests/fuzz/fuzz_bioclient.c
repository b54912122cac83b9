/*
 * fuzz_bioclient.c - libFuzzer target for casedesk's side of the helper protocol
 * (model/store/biometric.c: bio_helper_start, the captures, the reply and event reading).
 * The input is everything a helper writes back: a stand-in helper (a shell script made at
 * start) replays it on its stdout and ignores the requests, so casedesk reads discover's
 * reply, a finger capture's events and reply, and a face capture's.  Whatever comes, the
 * client must end with a code and a message and never trip a sanitizer; a sample it
 * accepts must hold a template and a quality of 0-100.  One fork and exec per input: slow
 * (hundreds a second), but it is the real pipe code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/error.h"
#include "model/store/biometric.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/casedesk-fuzz-bio.XXXXXX";
static char helper[64], reply[64];

static void cleanup(void)
{
	unlink(helper);
	unlink(reply);
	rmdir(dir);
}

static void setup(void)
{
	FILE *f;
	if (!mkdtemp(dir))
		abort();
	snprintf(helper, sizeof helper, "%s/helper", dir);
	snprintf(reply, sizeof reply, "%s/reply", dir);
	if (!(f = fopen(helper, "w")))
		abort();
	fprintf(f, "#!/bin/sh\nexec cat %s\n", reply);
	fclose(f);
	if (chmod(helper, 0700))
		abort();
	atexit(cleanup);
}

static void check_sample(const struct bio_sample *s)
{
	if (!s->tmpl || !s->tmpl_len || s->quality < 0 || s->quality > 100 || (s->code != 0 && s->code != 104))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bio_helper_opts o = { .timeout_ms = 1000, .quality_threshold = -1, .retries = -1 };
	struct cd_error err = CD_ERROR_INIT;
	struct bio_helper *h = NULL;
	struct bio_sample s;
	FILE *f;

	if (!helper[0])
		setup();
	if (!(f = fopen(reply, "w")) || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	o.path = helper;
	if (bio_helper_start(&o, &h, &err) != CD_OK) {
		if (h || !err.msg[0])
			abort();
		return 0;
	}
	if (bio_helper_capture_finger(h, "right_index", &s, &err) == CD_OK) {
		check_sample(&s);
		bio_sample_release(&s);
	} else if (!err.msg[0]) {
		abort();
	}
	err.msg[0] = '\0';
	if (bio_helper_capture_face(h, NULL, &s, &err) == CD_OK) {
		check_sample(&s);
		bio_sample_release(&s);
	} else if (!err.msg[0]) {
		abort();
	}
	bio_helper_stop(h);
	return 0;
}
