/*
 * test_wfrules.c - the cross-field date rules of a workflow file (`after = valid_from`,
 * `not_before = today` ...) and `confirm = yes`: each rule holding and broken, both
 * ways round (the rule's own field set, and the field it names set), through
 * wf_field_rules_check and through wf_check as the command line uses it; and the lint
 * refusing rules that name an unknown or a non-date field, at their FILE:LINE.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/caldate.h"
#include "model/store/roles.h"
#include "workflow/workflow.h"

static const char rules_ini[] =
	"[workflow]\n"                          /* 1 */
	"id = grant\n"
	"title = Grant\n"
	"prefix = GR\n"
	"version = 1\n"                         /* 5 */
	"initial = open\n"
	"[state.open]\n"
	"title = Open\n"
	"[state.granted]\n"
	"title = Granted\n"                     /* 10 */
	"final = yes\n"
	"outcome = granted\n"
	"[transition.ask]\n"
	"title = Ask for documents\n"
	"from = open\n"                         /* 15 */
	"to = open\n"
	"role = caseworker\n"
	"fields = documents_due\n"
	"confirm = yes\n"
	"[transition.grant]\n"                  /* 20 */
	"title = Grant\n"
	"from = open\n"
	"to = granted\n"
	"role = caseworker\n"
	"fields = valid_from, valid_until\n"    /* 25 */
	"optional = handed_over, returned\n"
	"[field.valid_from]\n"
	"type = date\n"
	"label = Valid from\n"
	"[field.valid_until]\n"                 /* 30 */
	"type = date\n"
	"label = Valid until\n"
	"after = valid_from\n"
	"[field.documents_due]\n"
	"type = date\n"                         /* 35 */
	"label = Documents due by\n"
	"not_before = today\n"
	"[field.handed_over]\n"
	"type = date\n"
	"label = Handed over\n"                 /* 40 */
	"not_after = today\n"
	"before = returned\n"
	"[field.returned]\n"
	"type = date\n"
	"label = Returned\n";                   /* 45 */

static struct workflow *wf;

static int setup(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	if (wf_load_text(rules_ini, "rules", &wf, &err) != CD_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wf_free(wf);
	return 0;
}

static long day(const char *text)
{
	long d = 0;
	assert_int_equal(cd_days_parse(text, "test", &d, NULL), CD_OK);
	return d;
}

/* Values by name, for wf_field_rules_check: pairs of field and value, NULL-ended. */
static const char *lookup(void *ctx, const char *field)
{
	const char *const *kv = ctx;
	for (; kv[0]; kv += 2)
		if (!strcmp(kv[0], field))
			return kv[1];
	return NULL;
}

static void test_rules_loaded(void **state)
{
	const struct wf_field *until = wf_find_field(wf, "valid_until");
	const struct wf_field *due = wf_find_field(wf, "documents_due");
	(void)state;
	assert_int_equal(until->n_rules, 1);
	assert_int_equal(until->rules[0].rel, WF_REL_AFTER);
	assert_ptr_equal(&wf->fields[until->rules[0].other], wf_find_field(wf, "valid_from"));
	assert_int_equal(due->rules[0].rel, WF_REL_NOT_BEFORE);
	assert_true(due->rules[0].other == WF_TODAY);
	assert_int_equal(wf_find_field(wf, "handed_over")->n_rules, 2);
	/* confirm = yes on a loop; a step into a final state confirms without saying so */
	assert_true(wf_transition_confirms(wf, wf_find_transition(wf, "ask")));
	assert_true(wf_transition_confirms(wf, wf_find_transition(wf, "grant")));
}

static void test_after_both_ways(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	const struct wf_field *from = wf_find_field(wf, "valid_from"), *until = wf_find_field(wf, "valid_until");
	const char *reversed[] = { "valid_from", "2026-12-10", "valid_until", "2025-12-09", NULL };
	const char *same[] = { "valid_from", "2026-12-10", "valid_until", "2026-12-10", NULL };
	const char *right[] = { "valid_from", "2026-12-10", "valid_until", "2027-12-09", NULL };
	const char *half[] = { "valid_until", "2025-12-09", NULL };
	long today = day("2026-12-04");
	(void)state;

	/* Left from the later field: the rule's own */
	assert_int_equal(wf_field_rules_check(wf, until, lookup, reversed, today, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Valid until must be after Valid from (2026-12-10)");
	/* Left from the field the rule names: the same rule, the same words */
	cd_error_clear(&err);
	assert_int_equal(wf_field_rules_check(wf, from, lookup, reversed, today, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Valid until must be after Valid from (2026-12-10)");
	/* strictly after */
	assert_int_equal(wf_field_rules_check(wf, until, lookup, same, today, &err), CD_EINPUT);
	assert_int_equal(wf_field_rules_check(wf, until, lookup, right, today, &err), CD_OK);
	assert_int_equal(wf_field_rules_check(wf, from, lookup, right, today, &err), CD_OK);
	/* the other date not given yet: nothing to compare */
	assert_int_equal(wf_field_rules_check(wf, until, lookup, half, today, &err), CD_OK);
}

static void test_today_rules(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	const struct wf_field *due = wf_find_field(wf, "documents_due"), *handed = wf_find_field(wf, "handed_over");
	const char *past[] = { "documents_due", "2020-01-01", NULL };
	const char *today_v[] = { "documents_due", "2026-12-04", NULL };
	const char *future_hand[] = { "handed_over", "2026-12-05", NULL };
	const char *today_hand[] = { "handed_over", "2026-12-04", NULL };
	long today = day("2026-12-04");
	(void)state;

	assert_int_equal(wf_field_rules_check(wf, due, lookup, past, today, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Documents due by must not be before today (2026-12-04)");
	assert_int_equal(wf_field_rules_check(wf, due, lookup, today_v, today, &err), CD_OK);
	assert_int_equal(wf_field_rules_check(wf, handed, lookup, future_hand, today, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Handed over must not be after today (2026-12-04)");
	assert_int_equal(wf_field_rules_check(wf, handed, lookup, today_hand, today, &err), CD_OK);
}

static void test_before_both_ways(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	const struct wf_field *handed = wf_find_field(wf, "handed_over"), *ret = wf_find_field(wf, "returned");
	const char *wrong[] = { "handed_over", "2026-11-10", "returned", "2026-11-10", NULL };
	const char *right[] = { "handed_over", "2026-11-10", "returned", "2026-11-11", NULL };
	long today = day("2026-12-04");
	(void)state;

	assert_int_equal(wf_field_rules_check(wf, handed, lookup, wrong, today, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Handed over must be before Returned (2026-11-10)");
	assert_int_equal(wf_field_rules_check(wf, ret, lookup, wrong, today, &err), CD_EINPUT);
	assert_int_equal(wf_field_rules_check(wf, ret, lookup, right, today, &err), CD_OK);
}

/* The case's own values, for wf_check: valid_from already on the case. */
static const char *case_values(void *ctx, const char *field)
{
	(void)ctx;
	return !strcmp(field, "valid_from") ? "2026-12-10" : NULL;
}

static void test_wf_check_applies_rules(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct wf_facts facts = { .state = "open", .actor = "ana", .actor_roles = CD_ROLE_CASEWORKER,
				  .value_of = case_values, .today = day("2026-12-04") };
	const struct wf_transition *grant = wf_find_transition(wf, "grant"), *ask = wf_find_transition(wf, "ask");
	struct wf_value reversed[] = { { "valid_from", "2026-12-10" }, { "valid_until", "2025-12-09" } };
	struct wf_value right[] = { { "valid_from", "2026-12-10" }, { "valid_until", "2027-12-09" } };
	struct wf_value only_until[] = { { "valid_until", "2025-12-09" } };
	struct wf_value past_due[] = { { "documents_due", "2020-01-01" } };
	struct wf_value due[] = { { "documents_due", "2026-12-18" } };
	(void)state;

	assert_int_equal(wf_check(wf, grant, &facts, reversed, 2, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "Valid until"));
	assert_non_null(strstr(err.msg, "Valid from"));
	assert_int_equal(wf_check(wf, grant, &facts, right, 2, &err), CD_OK);
	/* the other date taken from the case */
	assert_int_equal(wf_check(wf, grant, &facts, only_until, 1, &err), CD_EINPUT);
	assert_string_equal(err.msg, "Valid until must be after Valid from (2026-12-10)");
	assert_int_equal(wf_check(wf, ask, &facts, past_due, 1, &err), CD_EINPUT);
	assert_int_equal(wf_check(wf, ask, &facts, due, 1, &err), CD_OK);
}

/* rules_ini with the line `line` (1-based) replaced by `text`. */
static char *replace_line(int line, const char *text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *p = rules_ini;
	for (int n = 1; *p; n++) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (n == line)
			fprintf(f, "%s\n", text);
		else
			fwrite(p, 1, l, f);
		p += l;
	}
	fclose(f);
	return out;
}

static char *lint_text(const char *text, int *problems)
{
	char dir[] = "/tmp/cd_wfrulesXXXXXX", path[64];
	char *report = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/w.ini", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	FILE *out = open_memstream(&report, &len);
	*problems = wf_lint_file(path, NULL, out, NULL);
	fclose(out);
	unlink(path);
	rmdir(dir);
	return report;
}

static void test_lint_refuses_bad_rules(void **state)
{
	static const struct {
		int line;
		const char *text, *expect;
	} cases[] = {
		{ 33, "after = valid_form", ":33: after = valid_form: unknown field" },
		{ 37, "not_before = yesterday", ":37: not_before = yesterday: unknown field" },
		{ 33, "after = valid_until", ":33: after = valid_until: a field cannot be compared with itself" },
		{ 33, "after = label", ":33: after = label: unknown field" },
		{ 19, "confirm = maybe", ":19: confirm is yes or no" },
	};
	int problems;
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = replace_line(cases[i].line, cases[i].text);
		char *report = lint_text(text, &problems);
		if (!strstr(report, cases[i].expect))
			fail_msg("expected '%s' in: %s", cases[i].expect, report);
		assert_int_equal(problems, 1);
		free(report);
		free(text);
	}
	/* a rule naming a text field, and a rule on a text field */
	char *extra = NULL;
	assert_true(asprintf(&extra, "%s[field.note]\ntype = text\nlabel = Note\nafter = valid_from\n", rules_ini) > 0);
	char *text = NULL;
	{
		char *r = replace_line(33, "after = note");
		assert_true(asprintf(&text, "%s[field.note]\ntype = text\nlabel = Note\n", r) > 0);
		free(r);
	}
	char *report = lint_text(text, &problems);
	assert_non_null(strstr(report, ":33: after = note: field note is not a date"));
	free(report);
	report = lint_text(extra, &problems);
	assert_non_null(strstr(report, ":49: after is only for fields of type date"));
	free(report);
	free(text);
	free(extra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_loaded),
		cmocka_unit_test(test_after_both_ways),
		cmocka_unit_test(test_today_rules),
		cmocka_unit_test(test_before_both_ways),
		cmocka_unit_test(test_wf_check_applies_rules),
		cmocka_unit_test(test_lint_refuses_bad_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
