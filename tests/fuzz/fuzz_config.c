/*
 * fuzz_config.c - libFuzzer target for the user's settings file, casedesk.ini (app/config.c,
 * included here: it is not part of the library).  Any bytes as the file named by
 * CASEDESK_CONFIG must be applied or refused with a message naming the file; a language
 * taken holds letters and '_' only (it becomes part of a path lookup); duplicate thresholds
 * taken lie within 1-100 with warn not above block.
 *
 * The settings are read once a process (config_load keeps a file that passed): each input
 * starts from a fresh state.  The [keys] section is checked by the screens' keymap, which is
 * not in the library: a stand-in below takes any binding (the keymap has its own tests).
 */
#define _GNU_SOURCE     /* memfd_create */
#include "app/config.c"

#include <stdint.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct ui_screens *tui_screens(void)
{
	return NULL;
}

int ui_keymap_set(const struct ui_screens *screens, const char *action, const char *keys, struct cd_error *err)
{
	(void)screens;
	(void)err;
	return action && keys ? CD_OK : CD_EINPUT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct cd_error err = CD_ERROR_INIT;
	struct cd_dupe_thresholds t;

	if (fd < 0) {
		char path[64];
		if ((fd = memfd_create("casedesk.ini", 0)) < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		setenv("CASEDESK_CONFIG", path, 1);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (cfg.loaded)
		ini_release(&cfg.ini);
	cfg.loaded = 0;
	unsetenv("LANGUAGE");
	if (config_apply_language(&err) == CD_OK) {
		const char *lang = getenv("LANGUAGE");
		for (const char *p = lang ? lang : ""; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
				abort();
	} else if (!err.msg[0]) {
		abort();
	}
	err.msg[0] = '\0';
	if (config_duplicates(&t, &err) == CD_OK) {
		if (t.warn < 1 || t.warn > 100 || t.block < 1 || t.block > 100 || t.warn > t.block)
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	return 0;
}
