/*
 * json.c - the one JSON writer: nesting, commas, string escaping and UTF-8 repair.
 * See json.h for the rules it keeps and why it replaces invalid UTF-8 with U+FFFD.
 */
#include "model/base/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"

void json_init(struct json_writer *w, struct cd_buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes), or 0 when it is invalid; then
 * *bad is the length of its maximal invalid subpart (the bytes one U+FFFD replaces).
 * RFC 3629 table 3-7: the second byte's range depends on the first.
 */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	*bad = 1;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;   /* ED A0..BF would encode a surrogate */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;   /* above U+10FFFF */
	} else
		return 0;    /* a stray continuation byte, C0, C1 or F5..FF */
	for (i = 1; i < len; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return len;
}

static int put_string(struct cd_buf *b, const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, run = 0, len, bad;

	buf_add(b, "\"", 1);
	while (i < n) {
		/* Copy runs of plain text at once; stop at anything that needs a look. */
		if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\') {
			run++;
			i++;
			continue;
		}
		buf_add(b, text + i - run, run);
		run = 0;
		if (p[i] == '"' || p[i] == '\\') {
			char esc[2] = { '\\', (char)p[i] };
			buf_add(b, esc, 2);
			i++;
		} else if (p[i] < 0x20 || p[i] == 0x7F) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", p[i]);
			buf_add(b, esc, 6);
			i++;
		} else if ((len = utf8_seq(p + i, n - i, &bad))) {
			buf_add(b, text + i, len);
			i += len;
		} else {
			buf_add(b, "\xEF\xBF\xBD", 3);   /* U+FFFD REPLACEMENT CHARACTER */
			i += bad;
		}
	}
	buf_add(b, text + i - run, run);
	return buf_add(b, "\"", 1);
}

int json_buf_string(struct cd_buf *b, const char *text)
{
	if (!text)
		return buf_puts(b, "null");
	return put_string(b, text, strlen(text));
}

/* Before any value: the comma, or the check that a key came first. */
static int before_value(struct json_writer *w)
{
	if (w->misuse)
		return -1;
	if (w->depth == 0) {
		if (w->complete)
			goto misuse;
		return 0;
	}
	if (w->is_object[w->depth - 1]) {
		if (!w->want_value)
			goto misuse;
		w->want_value = 0;
		return 0;
	}
	if (w->has_items[w->depth - 1])
		buf_add(w->out, ",", 1);
	w->has_items[w->depth - 1] = 1;
	return 0;
misuse:
	w->misuse = 1;
	return -1;
}

/* After a value: at depth 0 the document is whole. */
static int after_value(struct json_writer *w)
{
	if (w->depth == 0)
		w->complete = 1;
	return w->out->failed ? -1 : 0;
}

static int open_container(struct json_writer *w, int object)
{
	if (before_value(w))
		return -1;
	if (w->depth == JSON_MAX_DEPTH) {
		w->misuse = 1;
		return -1;
	}
	w->is_object[w->depth] = (unsigned char)object;
	w->has_items[w->depth] = 0;
	w->depth++;
	return buf_add(w->out, object ? "{" : "[", 1);
}

static int close_container(struct json_writer *w, int object)
{
	if (w->misuse)
		return -1;
	if (w->depth == 0 || w->is_object[w->depth - 1] != object || w->want_value) {
		w->misuse = 1;
		return -1;
	}
	w->depth--;
	buf_add(w->out, object ? "}" : "]", 1);
	return after_value(w);
}

int json_object(struct json_writer *w) { return open_container(w, 1); }
int json_object_end(struct json_writer *w) { return close_container(w, 1); }
int json_array(struct json_writer *w) { return open_container(w, 0); }
int json_array_end(struct json_writer *w) { return close_container(w, 0); }

int json_key(struct json_writer *w, const char *key)
{
	if (w->misuse)
		return -1;
	if (w->depth == 0 || !w->is_object[w->depth - 1] || w->want_value || !key) {
		w->misuse = 1;
		return -1;
	}
	if (w->has_items[w->depth - 1])
		buf_add(w->out, ",", 1);
	w->has_items[w->depth - 1] = 1;
	put_string(w->out, key, strlen(key));
	w->want_value = 1;
	return buf_add(w->out, ":", 1);
}

int json_string_n(struct json_writer *w, const char *text, size_t n)
{
	if (before_value(w))
		return -1;
	if (text)
		put_string(w->out, text, n);
	else
		buf_puts(w->out, "null");
	return after_value(w);
}

int json_string(struct json_writer *w, const char *text)
{
	return json_string_n(w, text, text ? strlen(text) : 0);
}

int json_int(struct json_writer *w, long long value)
{
	if (before_value(w))
		return -1;
	buf_printf(w->out, "%lld", value);
	return after_value(w);
}

int json_fixed(struct json_writer *w, double value, int decimals)
{
	if (!isfinite(value))
		return json_null(w);
	if (before_value(w))
		return -1;
	buf_printf(w->out, "%.*f", decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, value);
	return after_value(w);
}

int json_bool(struct json_writer *w, int value)
{
	if (before_value(w))
		return -1;
	buf_puts(w->out, value ? "true" : "false");
	return after_value(w);
}

int json_null(struct json_writer *w)
{
	if (before_value(w))
		return -1;
	buf_puts(w->out, "null");
	return after_value(w);
}

int json_kv_string(struct json_writer *w, const char *key, const char *text)
{
	return json_key(w, key) ? -1 : json_string(w, text);
}

int json_kv_int(struct json_writer *w, const char *key, long long value)
{
	return json_key(w, key) ? -1 : json_int(w, value);
}

int json_kv_bool(struct json_writer *w, const char *key, int value)
{
	return json_key(w, key) ? -1 : json_bool(w, value);
}

int json_kv_null(struct json_writer *w, const char *key)
{
	return json_key(w, key) ? -1 : json_null(w);
}

int json_done(const struct json_writer *w, struct cd_error *err)
{
	if (w->out->failed)
		return cd_error_set(err, CD_EINTERNAL,
				    _("the JSON text is larger than its %zu-byte ceiling, or memory ran out"), w->out->max);
	if (w->misuse || !w->complete || w->depth)
		return cd_error_set(err, CD_EINTERNAL,
				    _("internal error: JSON written out of order (%s); please report it"),
				    w->misuse ? "misuse" : "unfinished");
	return CD_OK;
}
