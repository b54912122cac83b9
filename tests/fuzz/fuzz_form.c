/*
 * fuzz_form.c - libFuzzer target for the form template reader (print/form.c over
 * model/base/ini.c and iniparser): the templates in data/forms/ that offices edit.  Any
 * bytes must load or be refused with a message naming it; a template that loads must render
 * a page (with every placeholder empty) without tripping a sanitizer.  The first byte picks
 * the language read and whether to render (it loads fonts: slow).  `form lint` is left out:
 * it lays the template out in every language it has, loading the fonts each time (about
 * 0.15 s an input), which would make the kept corpus too slow for make check.
 *
 * Written against the API of ca685da (form_load, form_lint_file, form_render); when the
 * INI reader changes, this follows it.
 */
#define _GNU_SOURCE     /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/base/error.h"
#include "print/form.h"
#include "print/placeholder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const langs[] = { NULL, "en", "uk", "ru", "ka", "ro", "de" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct cd_error err = CD_ERROR_INIT;
	struct form_tpl *t = NULL;

	if (fd < 0) {
		/* The reader takes a path: a memory file stands for it. */
		if ((fd = memfd_create("form.ini", 0)) < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (size < 1)
		return 0;
	if (ftruncate(fd, 0) || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	int rc = form_load(path, langs[data[0] % (sizeof langs / sizeof langs[0])], &t, &err);
	if (rc == CD_OK) {
		struct form_doc *d = NULL;
		struct ph_vars vars = PH_VARS_INIT;
		if (!t)
			abort();
		if ((data[0] & 0x80) && form_doc_new(&d, &err) == CD_OK) {
			(void)form_render(d, t, &vars, NULL, data[0] & 1, &err);
			form_doc_free(d);
		}
		form_free(t);
	} else if (t || !strstr(err.msg, path)) {
		abort();
	}
	return 0;
}
