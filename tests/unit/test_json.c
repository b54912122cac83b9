/*
 * test_json.c - unit tests for model/base/json.c.  Every document the writer produces is
 * read back by a strict RFC 8259 parser written here (grammar, escapes, no raw control
 * characters, valid UTF-8 with no overlongs or surrogates), which also decodes strings so
 * that what went in can be compared with what comes out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <math.h>

#include <cmocka.h>

#include "model/base/json.h"

/* ---- a strict reader: returns 0 when p..end holds exactly one JSON value ---- */

struct reader {
	const unsigned char *p, *end;
	struct cd_buf *strings;   /* decoded strings, each followed by '\n' (when not NULL) */
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static void put_utf8(struct cd_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (!b)
		return;
	if (cp < 0x80) { u[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) { u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
				 u[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
	else { u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	       u[2] = (char)(0x80 | (cp >> 6 & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
	buf_add(b, u, n);
}

/* One UTF-8 character, decoded independently of json.c; -1 when invalid. */
static long read_utf8(struct reader *r)
{
	unsigned c = *r->p, n;
	unsigned long cp, min;

	if (c < 0x80) { r->p++; return c; }
	if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
	else return -1;
	if (r->end - r->p <= (long)n)
		return -1;
	for (unsigned i = 1; i <= n; i++) {
		if ((r->p[i] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (r->p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	r->p += n + 1;
	return (long)cp;
}

static int hex4(struct reader *r, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, r->p++) {
		if (r->p >= r->end)
			return -1;
		unsigned c = *r->p;
		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= c - '0';
		else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
		else return -1;
	}
	return 0;
}

static int read_string(struct reader *r)
{
	r->p++;   /* the opening quote */
	while (r->p < r->end && *r->p != '"') {
		if (*r->p < 0x20)
			return -1;   /* a raw control character */
		if (*r->p == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *k;
			unsigned long cp, lo;
			if (++r->p >= r->end)
				return -1;
			if (*r->p == 'u') {
				r->p++;
				if (hex4(r, &cp))
					return -1;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
						return -1;
					r->p += 2;
					if (hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
						return -1;
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else if (cp >= 0xDC00 && cp <= 0xDFFF)
					return -1;
				put_utf8(r->strings, cp);
			} else if (*r->p && (k = strchr(from, *r->p))) {
				if (r->strings)
					buf_add(r->strings, &to[k - from], 1);
				r->p++;
			} else
				return -1;
			continue;
		}
		long cp = read_utf8(r);
		if (cp < 0)
			return -1;
		put_utf8(r->strings, (unsigned long)cp);
	}
	if (r->p >= r->end)
		return -1;
	r->p++;
	if (r->strings)
		buf_add(r->strings, "\n", 1);
	return 0;
}

static int read_number(struct reader *r)
{
	const unsigned char *s = r->p;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	else
		return -1;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return -1;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	return r->p > s ? 0 : -1;
}

static int read_value(struct reader *r, int depth);

static int read_container(struct reader *r, int depth, unsigned char close)
{
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		skip_ws(r);
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"' || read_string(r))
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return -1;
		}
		if (read_value(r, depth + 1))
			return -1;
		skip_ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == close) {
			r->p++;
			return 0;
		}
		if (*r->p++ != ',')
			return -1;
	}
}

static int word(struct reader *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return -1;
	r->p += n;
	return 0;
}

static int read_value(struct reader *r, int depth)
{
	if (depth > 64)
		return -1;
	skip_ws(r);
	if (r->p >= r->end)
		return -1;
	switch (*r->p) {
	case '{': return read_container(r, depth, '}');
	case '[': return read_container(r, depth, ']');
	case '"': return read_string(r);
	case 't': return word(r, "true");
	case 'f': return word(r, "false");
	case 'n': return word(r, "null");
	default: return read_number(r);
	}
}

/* 0 when text is one valid JSON document; decoded strings go to `strings` when given. */
static int json_check(const char *text, struct cd_buf *strings)
{
	struct reader r = { (const unsigned char *)text, (const unsigned char *)text + strlen(text), strings };
	if (read_value(&r, 0))
		return -1;
	skip_ws(&r);
	return r.p == r.end ? 0 : -1;
}

/* ---- the tests ---- */

/* Writes one string value, checks the document and returns what the reader decoded. */
static char *roundtrip(const char *in, size_t n)
{
	struct cd_buf b = CD_BUF_INIT, dec = CD_BUF_INIT;
	struct json_writer w;
	struct cd_error err = CD_ERROR_INIT;

	json_init(&w, &b);
	json_string_n(&w, in, n);
	assert_int_equal(json_done(&w, &err), CD_OK);
	assert_int_equal(json_check(buf_str(&b), &dec), 0);
	buf_release(&b);
	assert_true(dec.len >= 1);
	dec.data[dec.len - 1] = '\0';   /* the reader's '\n' after the string */
	return buf_detach(&dec);
}

static void test_commas_placed_by_the_writer(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "a", "x");
	json_key(&w, "list");
	json_array(&w);
	json_int(&w, 1);
	json_object(&w);
	json_object_end(&w);
	json_array(&w);
	json_array_end(&w);
	json_null(&w);
	json_bool(&w, 1);
	json_array_end(&w);
	json_key(&w, "empty");
	json_object(&w);
	json_object_end(&w);
	json_kv_bool(&w, "no", 0);
	json_kv_null(&w, "nothing");
	json_kv_int(&w, "n", -7);
	json_object_end(&w);
	assert_int_equal(json_done(&w, &err), CD_OK);
	assert_string_equal(buf_str(&b),
			    "{\"a\":\"x\",\"list\":[1,{},[],null,true],\"empty\":{},\"no\":false,\"nothing\":null,\"n\":-7}");
	assert_int_equal(json_check(buf_str(&b), NULL), 0);
	buf_release(&b);
}

/* The first member skipped (the move whose first --set value was unchanged) leaves no stray comma. */
static void test_skipped_first_member(void **state)
{
	const char *names[] = { "same", "documents_due" }, *values[] = { NULL, "2026-01-02" };
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	json_init(&w, &b);
	json_object(&w);
	json_key(&w, "fields");
	json_object(&w);
	for (int i = 0; i < 2; i++)
		if (values[i])
			json_kv_string(&w, names[i], values[i]);
	json_object_end(&w);
	json_object_end(&w);
	assert_int_equal(json_done(&w, &err), CD_OK);
	assert_string_equal(buf_str(&b), "{\"fields\":{\"documents_due\":\"2026-01-02\"}}");
	buf_release(&b);
}

static void test_escapes(void **state)
{
	char in[64], *out;
	size_t n = 0;
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	(void)state;

	in[n++] = '"';
	in[n++] = '\\';
	in[n++] = '/';
	for (int c = 1; c < 0x20; c++)
		in[n++] = (char)c;
	in[n++] = 0x7F;
	in[n] = '\0';
	out = roundtrip(in, n);
	assert_string_equal(out, in);
	free(out);

	/* Control characters as \u00XX, quote and backslash with a backslash. */
	json_init(&w, &b);
	json_string(&w, "a\"b\\c\td\n\x1f");
	assert_string_equal(buf_str(&b), "\"a\\\"b\\\\c\\u0009d\\u000a\\u001f\"");
	buf_release(&b);

	/* A NUL inside a counted string is \u0000, not the end of the text. */
	json_init(&w, &b);
	json_string_n(&w, "a\0b", 3);
	assert_string_equal(buf_str(&b), "\"a\\u0000b\"");
	assert_int_equal(json_check(buf_str(&b), NULL), 0);
	buf_release(&b);

	/* Keys are escaped like values. */
	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "k\"\x01", NULL);
	json_object_end(&w);
	assert_string_equal(buf_str(&b), "{\"k\\\"\\u0001\":null}");
	buf_release(&b);
}

static void test_beyond_bmp_as_utf8(void **state)
{
	/* U+20000 (CJK Ext. B), U+1F600, U+10FFFF, with Cyrillic and Georgian around them. */
	static const char in[] = "\xF0\xA0\x80\x80 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF Жанна \xE1\x83\x90";
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	char *out;
	(void)state;

	json_init(&w, &b);
	json_string(&w, in);
	assert_non_null(strstr(buf_str(&b), "\xF0\xA0\x80\x80"));   /* as UTF-8, not \ud840\udc00 */
	assert_null(strstr(buf_str(&b), "\\u"));
	buf_release(&b);
	out = roundtrip(in, strlen(in));
	assert_string_equal(out, in);
	free(out);
}

static void test_invalid_utf8_replaced(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a\xED\xA0\x80z", "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz" },   /* encoded surrogate */
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },                    /* overlong '/' */
		{ "\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },     /* overlong, 3 bytes */
		{ "\xF0\x80\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "x\x80y", "x\xEF\xBF\xBDy" },                                /* stray continuation */
		{ "\xF5\x80", "\xEF\xBF\xBD\xEF\xBF\xBD" },                    /* beyond U+10FFFF */
		{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xE2\x82", "\xEF\xBF\xBD" },                                /* cut at the end */
		{ "\xE2\x82z", "\xEF\xBF\xBDz" },                              /* cut in the middle */
		{ "\xF0\xA0\x80\"", "\xEF\xBF\xBD\"" },                        /* cut before a quote */
		{ "\xFF", "\xEF\xBF\xBD" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = roundtrip(cases[i].in, strlen(cases[i].in));
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

/* Random bytes, deterministic seed: whatever comes in, the output parses. */
static void test_any_bytes_give_valid_json(void **state)
{
	unsigned long seed = 11;
	(void)state;

	for (int round = 0; round < 2000; round++) {
		char in[48];
		size_t n = (size_t)(round % 48);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			in[i] = (char)(seed >> 56);
		}
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		struct cd_error err = CD_ERROR_INIT;
		json_init(&w, &b);
		json_object(&w);
		json_key(&w, "k");
		json_string_n(&w, in, n);
		json_object_end(&w);
		assert_int_equal(json_done(&w, &err), CD_OK);
		assert_int_equal(json_check(buf_str(&b), NULL), 0);
		buf_release(&b);
	}
}

static void test_numbers(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	json_init(&w, &b);
	json_array(&w);
	json_int(&w, LLONG_MIN);
	json_int(&w, LLONG_MAX);
	json_int(&w, 0);
	json_fixed(&w, 2.25, 1);
	json_fixed(&w, NAN, 1);
	json_fixed(&w, -INFINITY, 1);
	json_array_end(&w);
	assert_int_equal(json_done(&w, &err), CD_OK);
	assert_string_equal(buf_str(&b), "[-9223372036854775808,9223372036854775807,0,2.2,null,null]");
	assert_int_equal(json_check(buf_str(&b), NULL), 0);
	buf_release(&b);
}

static void expect_misuse(struct json_writer *w, struct cd_buf *b)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(json_done(w, &err), CD_EINTERNAL);
	assert_non_null(strstr(err.msg, "JSON"));
	buf_release(b);
}

static void test_misuse_is_reported(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	(void)state;

	json_init(&w, &b);   /* a value in an object without its key */
	json_object(&w);
	assert_int_equal(json_int(&w, 1), -1);
	json_object_end(&w);
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* a key in an array */
	json_array(&w);
	assert_int_equal(json_key(&w, "k"), -1);
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* closing what is not open */
	json_array(&w);
	assert_int_equal(json_object_end(&w), -1);
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* a key without its value */
	json_object(&w);
	json_key(&w, "k");
	assert_int_equal(json_object_end(&w), -1);
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* left open */
	json_object(&w);
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* nothing written */
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* two documents */
	json_null(&w);
	assert_int_equal(json_null(&w), -1);
	assert_string_equal(buf_str(&b), "null");
	expect_misuse(&w, &b);

	json_init(&w, &b);   /* deeper than the writer keeps */
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		assert_int_equal(json_array(&w), 0);
	assert_int_equal(json_array(&w), -1);
	expect_misuse(&w, &b);
}

static void test_ceiling(void **state)
{
	struct cd_buf b;
	struct json_writer w;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	buf_init(&b, 32);
	json_init(&w, &b);
	json_array(&w);
	for (int i = 0; i < 20; i++)
		json_string(&w, "some text");
	json_array_end(&w);
	assert_int_equal(json_done(&w, &err), CD_EINTERNAL);
	assert_non_null(strstr(err.msg, "32-byte"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commas_placed_by_the_writer),
		cmocka_unit_test(test_skipped_first_member),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_beyond_bmp_as_utf8),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_any_bytes_give_valid_json),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_misuse_is_reported),
		cmocka_unit_test(test_ceiling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
