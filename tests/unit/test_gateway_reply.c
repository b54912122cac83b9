/*
 * test_gateway_reply.c - unit tests for the check gateway's reply parser
 * (model/net/gateway.c, gateway_parse_reply): what it accepts (clear, hit, the
 * person's matches, unknown fields ignored) and what it refuses with a reason (not JSON,
 * trailing bytes, wrong types, a "result" other than clear/hit, strings too long for the
 * answer, control characters, invalid UTF-8, too many matches, a hit without its list).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/base/buf.h"
#include "model/net/gateway.h"

static int parse(enum cd_gw_kind kind, const char *body, struct cd_gw_answer *a)
{
	return gateway_parse_reply(kind, body, strlen(body), a);
}

/* Expects a refusal whose reason holds `words`. */
static void refused(enum cd_gw_kind kind, const char *body, const char *words)
{
	struct cd_gw_answer a;

	if (parse(kind, body, &a) != CD_EINPUT || a.outcome != CD_GW_RETRY || !strstr(a.reason, words)) {
		print_error("body %s: rc outcome %d reason '%s', wanted '%s'\n", body, a.outcome, a.reason, words);
		fail();
	}
	assert_null(a.matches);
	assert_int_equal(a.n_matches, 0);
	assert_int_equal(a.retry_after_s, -1);
	gateway_answer_release(&a);
}

static void test_document_clear_and_hit(void **state)
{
	struct cd_gw_answer a;
	(void)state;

	assert_int_equal(parse(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"list\":\"SLTD\",\"reference\":\"\","
			       "\"checked_at\":\"2026-03-02T10:00:00Z\"}", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_CLEAR);
	assert_string_equal(a.list, "SLTD");
	assert_string_equal(a.checked_at, "2026-03-02T10:00:00Z");
	assert_string_equal(a.reason, "");
	gateway_answer_release(&a);

	/* A clear with nothing but its result; whitespace around the value. */
	assert_int_equal(parse(CD_GW_DOCUMENT, " \n{\"result\":\"clear\"}\r\n", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_CLEAR);
	assert_string_equal(a.list, "");
	gateway_answer_release(&a);

	assert_int_equal(parse(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"reference\":\"INT-42\","
			       "\"future_field\":{\"deep\":[1,2,3]},\"score\":1.5}", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_HIT);
	assert_string_equal(a.list, "SLTD");
	assert_string_equal(a.reference, "INT-42");
	gateway_answer_release(&a);

	/* UTF-8 beyond ASCII is kept as it came. */
	assert_int_equal(parse(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"\xd0\xa1\xd0\x9f\xd0\x98\xd0\xa1\xd0\x9e\xd0\x9a\"}", &a), CD_OK);
	assert_string_equal(a.list, "\xd0\xa1\xd0\x9f\xd0\x98\xd0\xa1\xd0\x9e\xd0\x9a");
	gateway_answer_release(&a);
}

static void test_person_matches(void **state)
{
	struct cd_gw_answer a;
	(void)state;

	assert_int_equal(parse(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":93,\"list\":\"EU\","
			       "\"reference\":\"OS-1\",\"extra\":true},{\"score\":0,\"list\":\"UN\"}]}", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_HIT);
	assert_int_equal(a.n_matches, 2);
	assert_int_equal(a.matches[0].score, 93);
	assert_string_equal(a.matches[0].list, "EU");
	assert_string_equal(a.matches[0].reference, "OS-1");
	assert_int_equal(a.matches[1].score, 0);
	assert_string_equal(a.matches[1].reference, "");
	assert_string_equal(a.list, "EU");          /* the first match's */
	assert_string_equal(a.reference, "OS-1");
	gateway_answer_release(&a);
	assert_null(a.matches);

	assert_int_equal(parse(CD_GW_PERSON, "{\"result\":\"clear\",\"matches\":[]}", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_CLEAR);
	assert_int_equal(a.n_matches, 0);
	gateway_answer_release(&a);
	assert_int_equal(parse(CD_GW_PERSON, "{\"result\":\"clear\"}", &a), CD_OK);
	gateway_answer_release(&a);
}

static void test_not_json(void **state)
{
	(void)state;
	refused(CD_GW_DOCUMENT, "", "empty");
	refused(CD_GW_DOCUMENT, "{\"result\": \"clear\", \"list\": ", "ends before");
	refused(CD_GW_DOCUMENT, "<html>busy</html>", "not valid JSON");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\"} x", "JSON");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\"}{}", "JSON");
	refused(CD_GW_DOCUMENT, "{'result':'clear'}", "not valid JSON");          /* strict mode */
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",}", "not valid JSON");
	refused(CD_GW_DOCUMENT, "[\"clear\"]", "not a JSON object");
	refused(CD_GW_DOCUMENT, "\"clear\"", "not a JSON object");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"list\":\"\xff\xfe\"}", "not valid JSON");   /* invalid UTF-8 */
	/* Deeper than the parser goes. */
	refused(CD_GW_DOCUMENT, "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]],\"result\":\"clear\"}", "not valid JSON");
	{
		struct cd_gw_answer a;
		static const char nul[] = "{\"result\":\"clear\"}\0";
		assert_int_equal(gateway_parse_reply(CD_GW_DOCUMENT, nul, sizeof nul - 1, &a), CD_EINPUT);
		assert_non_null(strstr(a.reason, "NUL"));
	}
}

static void test_result_and_types(void **state)
{
	(void)state;
	refused(CD_GW_DOCUMENT, "{\"list\":\"SLTD\"}", "\"result\"");
	refused(CD_GW_DOCUMENT, "{\"result\":true}", "\"result\"");
	refused(CD_GW_DOCUMENT, "{\"result\":\"CLEAR\"}", "other than");
	refused(CD_GW_DOCUMENT, "{\"result\":\"maybe\"}", "other than");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\"}", "lacks the field \"list\"");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"\"}", "empty field \"list\"");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":42}", "not a string");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"reference\":[]}", "not a string");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"checked_at\":1}", "not a string");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"A\\nB\"}", "control character");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"A\\u0000B\"}", "control character");
	refused(CD_GW_PERSON, "{\"result\":\"hit\"}", "\"matches\"");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[]}", "no matches");
	refused(CD_GW_PERSON, "{\"result\":\"clear\",\"matches\":[{\"score\":1,\"list\":\"X\"}]}", "\"clear\" but lists");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":{}}", "not an array");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[7]}", "not an object");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":\"93\",\"list\":\"X\"}]}", "\"score\"");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":0.93,\"list\":\"X\"}]}", "\"score\"");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":101,\"list\":\"X\"}]}", "0-100");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":-1,\"list\":\"X\"}]}", "0-100");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":50}]}", "\"list\"");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":50,\"list\":\"X\"},{\"score\":50,\"list\":null}]}",
		"\"list\"");
}

static void test_bounds(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct cd_gw_answer a;
	char name[80];
	(void)state;

	/* 63 bytes fit list[64]; 64 do not (refused, not cut). */
	memset(name, 'L', 63);
	name[63] = '\0';
	buf_printf(&b, "{\"result\":\"hit\",\"list\":\"%s\"}", name);
	assert_int_equal(parse(CD_GW_DOCUMENT, buf_str(&b), &a), CD_OK);
	assert_int_equal(strlen(a.list), 63);
	gateway_answer_release(&a);
	buf_reset(&b);
	buf_printf(&b, "{\"result\":\"hit\",\"list\":\"%sL\"}", name);
	refused(CD_GW_DOCUMENT, buf_str(&b), "longer than");
	buf_reset(&b);

	/* 100 matches are taken, 101 are not. */
	buf_puts(&b, "{\"result\":\"hit\",\"matches\":[");
	for (int i = 0; i < CD_GW_MAX_MATCHES; i++)
		buf_printf(&b, "%s{\"score\":%d,\"list\":\"L%d\",\"reference\":\"R%d\"}", i ? "," : "", i, i, i);
	buf_puts(&b, "]}");
	assert_int_equal(parse(CD_GW_PERSON, buf_str(&b), &a), CD_OK);
	assert_int_equal(a.n_matches, CD_GW_MAX_MATCHES);
	assert_string_equal(a.matches[99].reference, "R99");
	gateway_answer_release(&a);
	b.len -= 2;
	b.data[b.len] = '\0';
	buf_puts(&b, ",{\"score\":1,\"list\":\"L\"}]}");
	refused(CD_GW_PERSON, buf_str(&b), "more matches");
	buf_release(&b);

	/* A bad match after good ones frees what was taken (ASan's leak check). */
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":5,\"list\":\"A\"},{\"score\":5,\"list\":[]}]}",
		"not a string");
	refused(0, "{\"result\":\"clear\"}", "unknown kind");
}

/* Replies that would read one way here and another elsewhere (review18): a "result" with a
 * NUL after its word, a repeated key (json-c keeps the last), controls that hide or turn
 * text on a screen. */
static void test_smuggled(void **state)
{
	struct cd_gw_answer a;
	(void)state;

	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\\u0000x\"}", "NUL");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\\u0000\",\"list\":\"SLTD\"}", "NUL");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"result\\u0000x\":\"hit\"}", "NUL");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"result\":\"clear\"}", "repeats a key");
	/* the same key spelt with an escape is the same key */
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"r\\u0065sult\":\"clear\"}", "repeats a key");
	/* at any depth, and under a value a later duplicate dropped */
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":90,\"list\":\"A\",\"list\":\"B\"}]}",
		"repeats a key");
	refused(CD_GW_DOCUMENT, "{\"x\":{\"a\":1,\"b\":2},\"x\":{},\"result\":\"clear\"}", "repeats a key");
	/* colons and quotes inside strings are no members */
	assert_int_equal(parse(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"reference\":\"a:b\\\":c\","
			       "\"checked_at\":\"2026-03-02T10:00:00Z\",\"extra\":{\"k:\":[1,{\"z\":\"\\\\\"}]}}", &a), CD_OK);
	assert_int_equal(a.outcome, CD_GW_HIT);
	assert_string_equal(a.reference, "a:b\":c");
	gateway_answer_release(&a);
	/* C1 and direction controls, as escapes and as raw UTF-8 */
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"reference\":\"INT\\u0085-42\"}", "C1 control");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"reference\":\"\xc2\x9b" "31m\"}", "C1 control");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SLTD\",\"reference\":\"\\u202e24-TNI\"}", "direction");
	refused(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"SL\xe2\x81\xa6TD\"}", "direction");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"checked_at\":\"2026\\u200f-03-02\"}", "direction");
	refused(CD_GW_DOCUMENT, "{\"result\":\"clear\",\"checked_at\":\"2026\\u061c-03-02\"}", "direction");
	refused(CD_GW_PERSON, "{\"result\":\"hit\",\"matches\":[{\"score\":90,\"list\":\"A\\u2069\"}]}", "direction");
	/* other letters beyond ASCII stay welcome */
	assert_int_equal(parse(CD_GW_DOCUMENT, "{\"result\":\"hit\",\"list\":\"\xd0\xa1\xd0\x9f\",\"reference\":\"\\u00e9\\u2010\"}", &a),
			 CD_OK);
	assert_string_equal(a.reference, "\xc3\xa9\xe2\x80\x90");
	gateway_answer_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_clear_and_hit),
		cmocka_unit_test(test_person_matches),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_result_and_types),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_smuggled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
