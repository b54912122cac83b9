/*
 * store_dir.h - the fixture the store-level unit tests share: a temporary folder holding
 * the test's store file, made by each test's setup and removed by teardown.  Included by
 * one test file each (after cmocka.h); `dir` and `path` are that file's.
 */
#ifndef CASEDESK_TEST_STORE_DIR_H
#define CASEDESK_TEST_STORE_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char dir[64];
static char path[128];

/* /tmp/cd-test-TAG.XXXXXX with `path` its t.casedesk; workflows and forms from the tree's data/. */
static void store_dir_make(const char *tag)
{
	snprintf(dir, sizeof dir, "/tmp/cd-test-%s.XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.casedesk", dir);
	setenv("CASEDESK_DATA", "data", 0);
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

#endif
