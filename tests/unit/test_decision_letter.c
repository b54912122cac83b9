/*
 * test_decision_letter.c - the pure parts of issue 14's decision letters: {a|b} in form
 * text (the first name with a value), the forms index's states and outcomes a form may be
 * printed in, and a state's legal_basis read, translated and kept out of the pinned text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/buf.h"
#include "print/placeholder.h"
#include "workflow/workflow.h"

static char scanned[256];
static void on_name(void *ctx, const char *name, size_t pos)
{
	(void)ctx;
	(void)pos;
	size_t n = strlen(scanned);
	snprintf(scanned + n, sizeof scanned - n, "%s;", name);
}

static void test_either(void **state)
{
	struct ph_vars v = PH_VARS_INIT;
	struct cd_buf out = CD_BUF_INIT;
	(void)state;

	assert_int_equal(ph_set(&v, "field.refusal_grounds", ""), 0);
	assert_int_equal(ph_set(&v, "field.rejection_grounds", "Unfounded"), 0);
	assert_int_equal(ph_expand("Grounds: {field.refusal_grounds|field.rejection_grounds}.", &v, &out, NULL, NULL), 0);
	assert_string_equal(out.data, "Grounds: Unfounded.");
	/* Only names of another workflow: unknown, expanded to nothing and reported once. */
	out.len = 0;
	assert_int_equal(ph_expand("[{field.x|field.y}]", &v, &out, NULL, NULL), 1);
	assert_string_equal(out.data, "[]");
	/* Set but empty: "" (the form then refuses it unless optional). */
	assert_string_equal(ph_get_either(&v, "field.nothing|field.refusal_grounds"), "");
	assert_null(ph_get_either(&v, "field.nothing"));
	/* Lint sees each name; the missing-value rule sees the group whole. */
	scanned[0] = '\0';
	assert_int_equal(ph_scan("{a.b|c.d} {e}", on_name, NULL), 2);
	assert_string_equal(scanned, "a.b;c.d;e;");
	scanned[0] = '\0';
	assert_int_equal(ph_scan_whole("{a.b|c.d} {e}", on_name, NULL), 2);
	assert_string_equal(scanned, "a.b|c.d;e;");
	/* An empty alternative is no placeholder: written as it is. */
	out.len = 0;
	ph_expand("{a||b} {|a} {a|}", &v, &out, NULL, NULL);
	assert_string_equal(out.data, "{a||b} {|a} {a|}");
	buf_release(&out);
	ph_vars_release(&v);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_index_states(void **state)
{
	char dir[] = "/tmp/casedesk-test-XXXXXX", path[128];
	struct wf_known known = { 0 };
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/index.ini", dir);
	write_file(path, "[form.grant]\ntitle = G\nstates = residence:granted, asylum:refugee_status\ndecision = yes\n"
			 "[form.refusal]\ntitle = R\noutcomes = refused, rejected\ndecision = yes\n"
			 "[form.ack]\ntitle = A\nstates = *\n[form.old]\ntitle = O\n");
	assert_int_equal(wf_known_load(path, &known, &err), CD_OK);
	assert_true(wf_form_allows(&known, "grant", "residence", "granted", "granted"));
	assert_false(wf_form_allows(&known, "grant", "residence", "refused", "refused"));
	/* A state id names one workflow's state: visa's "granted" is not residence's. */
	assert_false(wf_form_allows(&known, "grant", "visa", "granted", "granted"));
	assert_true(wf_form_allows(&known, "refusal", "asylum", "rejected_final", "rejected"));
	assert_false(wf_form_allows(&known, "refusal", "asylum", "proposed", NULL));
	assert_true(wf_form_allows(&known, "ack", "visa", "lodged", NULL));
	assert_true(wf_form_allows(&known, "old", "visa", "lodged", NULL));
	assert_false(wf_form_allows(&known, "nosuch", "visa", "lodged", NULL));
	assert_true(wf_form_is_decision(&known, "grant"));
	assert_false(wf_form_is_decision(&known, "ack"));
	wf_known_release(&known);
	write_file(path, "[form.a]\ntitle = A\ndecision = perhaps\n");
	assert_int_equal(wf_known_load(path, &known, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, ":3: decision is yes or no"));
	unlink(path);
	rmdir(dir);
}

static const char tiny[] =
	"[workflow]\nid = tiny\ntitle = Tiny\ntitle[uk] = Крихта\nprefix = TY\nversion = 1\ninitial = open\n"
	"[state.open]\ntitle = Open\ntitle[uk] = Відкрито\n"
	"[state.done]\ntitle = Done\ntitle[uk] = Готово\nfinal = yes\noutcome = refused\n"
	"legal_basis = Act 1, section 2\nlegal_basis[uk] = Закон 1, стаття 2\n"
	"[transition.close]\ntitle = Close\ntitle[uk] = Закрити\nfrom = open\nto = done\nrole = supervisor\n";

static void test_legal_basis(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(wf_load_text(tiny, "tiny", &wf, &err), CD_OK);
	const struct wf_state *st = wf_find_state(wf, "done");
	assert_string_equal(st->legal_basis, "Act 1, section 2");
	assert_null(wf_find_state(wf, "open")->legal_basis);
	wf_localize(wf, "uk", NULL);
	assert_string_equal(st->legal_basis, "Закон 1, стаття 2");
	assert_string_equal(st->title, "Готово");
	wf_localize(wf, NULL, NULL);
	assert_string_equal(st->legal_basis, "Act 1, section 2");
	/* A translation is no part of a version: the pinned text keeps only the plain key. */
	assert_null(strstr(wf->source, "legal_basis[uk]"));
	assert_non_null(strstr(wf->source, "legal_basis = Act 1"));
	wf_free(wf);

	/* A file translating into uk must translate the legal basis too: it is printed. */
	char *text = strdup(tiny);
	char *at = strstr(text, "legal_basis[uk]");
	memcpy(at, "; egal_basis[uk]", 16);
	int rc = wf_load_text(text, "tiny", &wf, &err);
	free(text);
	assert_int_equal(rc, CD_EINPUT);
	assert_non_null(strstr(err.msg, "has no legal_basis[uk]"));
	/* Only legal_basis and title carry a language in a state. */
	text = strdup(tiny);
	at = strstr(text, "legal_basis[uk]");
	memcpy(at, "    outcome[uk]", 15);
	rc = wf_load_text(text, "tiny", &wf, &err);
	free(text);
	assert_int_equal(rc, CD_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_either),
		cmocka_unit_test(test_index_states),
		cmocka_unit_test(test_legal_basis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
