/*
 * fuzz_workflow.c - libFuzzer target for the workflow reader: workflow/workflow.c's loader
 * and lint over model/base/ini.c's line scanner and iniparser.  Workflow files are written
 * by offices and installed into stores; any bytes must load or be refused with a message
 * naming a line, and lint (which goes on past the first problem, over the scanner's
 * cleaned text) must report at least one problem for a text the loader refuses (checked on
 * a quarter of them: lint costs as much as a load).
 *
 * Written against the API of ca685da (wf_load_text, wf_lint_file); when the INI reader
 * changes, this follows it.
 */
#define _GNU_SOURCE     /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/base/error.h"
#include "workflow/workflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static FILE *sink;
	static char path[64];
	struct cd_error err = CD_ERROR_INIT;
	struct workflow *wf = NULL;
	char *text = malloc(size + 1);

	if (fd < 0) {
		/* lint reads a path: a memory file stands for it. */
		if ((fd = memfd_create("workflow.ini", 0)) < 0 || !(sink = fopen("/dev/null", "w")))
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int rc = wf_load_text(text, "fuzz.ini", &wf, &err);
	if (rc == CD_OK) {
		if (!wf)
			abort();
		wf_write_dot(wf, sink);
		wf_free(wf);
	} else if (wf || !err.msg[0]) {
		abort();
	}
	/* Lint costs as much as a load again: on one refused input in four (by its length). */
	if (rc != CD_OK && size % 4 == 0) {
		if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size || wf_lint_file(path, NULL, sink, NULL) <= 0)
			abort();
	}
	free(text);
	return 0;
}
