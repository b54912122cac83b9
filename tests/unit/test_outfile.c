/*
 * test_outfile.c - unit tests for model/base/outfile.c on real files in a fresh folder: what
 * a failure leaves behind (nothing), --force's temporary (gone after the rename, gone after an
 * abandon), the exit codes of outfile_check, and a device refused even with --force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/outfile.h"

static char dir[] = "/tmp/test_outfile.XXXXXX";

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

static void path_of(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_abandon_removes_what_it_made(void **state)
{
	struct outfile o = OUTFILE_INIT;
	struct cd_error err = CD_ERROR_INIT;
	char p[256];
	(void)state;
	path_of(p, sizeof p, "half.pdf");
	assert_int_equal(outfile_open(&o, p, 0, &err), CD_OK);
	assert_int_equal(outfile_write(&o, "half", 4, &err), CD_OK);
	outfile_abandon(&o);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(entries(), 0);
}

static void test_refused_open_leaves_the_existing_file(void **state)
{
	struct outfile o = OUTFILE_INIT;
	struct cd_error err = CD_ERROR_INIT;
	char p[256];
	struct stat sb;
	(void)state;
	path_of(p, sizeof p, "kept.txt");
	assert_int_equal(outfile_save(p, 0, "keep", 4, &err), CD_OK);
	assert_int_equal(outfile_open(&o, p, 0, &err), CD_EUSAGE);
	assert_non_null(strstr(err.msg, "--force"));
	outfile_abandon(&o);            /* after a refusal: must not remove someone's file */
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 4);
	unlink(p);
}

static void test_force_renames_and_abandon_removes_the_temporary(void **state)
{
	struct outfile o = OUTFILE_INIT;
	struct cd_error err = CD_ERROR_INIT;
	char p[256], got[16] = "";
	FILE *f;
	(void)state;
	path_of(p, sizeof p, "r.csv");
	assert_int_equal(outfile_save(p, 0, "old", 3, &err), CD_OK);
	assert_int_equal(outfile_open(&o, p, OUTFILE_FORCE, &err), CD_OK);
	assert_int_equal(entries(), 2);   /* the target and the temporary beside it */
	assert_int_equal(outfile_write(&o, "new!", 4, &err), CD_OK);
	outfile_abandon(&o);
	assert_int_equal(entries(), 1);   /* the temporary is gone, the target untouched */
	assert_non_null(f = fopen(p, "r"));
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, "old");
	assert_int_equal(outfile_save(p, OUTFILE_FORCE, "new!", 4, &err), CD_OK);
	assert_int_equal(entries(), 1);
	assert_non_null(f = fopen(p, "r"));
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, "new!");
	unlink(p);
}

static void test_check_codes(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char p[256], l[256], d[256];
	(void)state;
	path_of(p, sizeof p, "there");
	path_of(l, sizeof l, "link");
	path_of(d, sizeof d, "sub");
	assert_int_equal(outfile_check(p, 0, &err), CD_OK);
	assert_int_equal(outfile_save(p, 0, "x", 1, &err), CD_OK);
	assert_int_equal(outfile_check(p, 0, &err), CD_EUSAGE);
	assert_int_equal(outfile_check(p, OUTFILE_FORCE, &err), CD_OK);
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(outfile_check(l, OUTFILE_FORCE, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(outfile_check(d, OUTFILE_FORCE, &err), CD_EREFUSED);
	unlink(l);
	unlink(p);
	rmdir(d);
}

static void test_device_refused_even_with_force(void **state)
{
	struct outfile o = OUTFILE_INIT;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	/* A device is no regular file: --force does not make casedesk write into it. */
	assert_int_equal(outfile_open(&o, "/dev/null", OUTFILE_FORCE, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "/dev/null"));
	assert_int_equal(o.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abandon_removes_what_it_made),
		cmocka_unit_test(test_refused_open_leaves_the_existing_file),
		cmocka_unit_test(test_force_renames_and_abandon_removes_the_temporary),
		cmocka_unit_test(test_check_codes),
		cmocka_unit_test(test_device_refused_even_with_force),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
