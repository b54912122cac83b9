/*
 * biometric_wire.c - the flat JSON line codec, error texts, finger names and base64 shared
 * by casedesk and casedesk-enrol; see biometric_wire.h.  No allocation but one copy of the
 * line; every loop is bounded by the line's length.
 */
#include "model/bio/wire.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const bw_finger_names[BW_FINGERS + 1] = {
	"unknown",
	"right_thumb", "right_index", "right_middle", "right_ring", "right_little",
	"left_thumb", "left_index", "left_middle", "left_ring", "left_little",
};

int bw_finger_code(const char *name)
{
	for (int i = 1; name && i <= BW_FINGERS; i++)
		if (strcmp(name, bw_finger_names[i]) == 0)
			return i;
	return 0;
}

const char *bw_error_text(int code)
{
	switch (code) {
	case BW_OK: return "done";
	case BW_ENODEVICE: return "no device for this modality";
	case BW_EBUSY: return "the device is busy with another request";
	case BW_ETIMEOUT: return "nothing was captured in time";
	case BW_ECANCELLED: return "cancelled";
	case BW_ELOWQUALITY: return "quality stayed below the threshold after every retry";
	case BW_EBADREQUEST: return "bad request";
	case BW_EINTERNAL: return "the helper failed";
	case BW_EDEVICE: return "the device failed or was unplugged";
	case BW_EUNUSABLE: return "the sample cannot be used";
	case BW_EUNSUPPORTED: return "the device cannot do this";
	case BW_ETEMPLATE: return "the template does not fit this device";
	}
	return "unknown error";
}

/* ---- parser ----------------------------------------------------------------------- */

struct cursor {
	char *p, *end;
	const char *why;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static int fail(struct cursor *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return -1;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char ch = p[i];
		unsigned d;
		if (ch >= '0' && ch <= '9') d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f') d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F') d = (unsigned)(ch - 'A' + 10);
		else return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/* Writes code point v as UTF-8 at *w (the escape it replaces is at least as long). */
static void put_utf8(char **w, unsigned v)
{
	unsigned char *o = (unsigned char *)*w;
	if (v < 0x80) {
		*o++ = (unsigned char)v;
	} else if (v < 0x800) {
		*o++ = (unsigned char)(0xc0 | (v >> 6));
		*o++ = (unsigned char)(0x80 | (v & 0x3f));
	} else if (v < 0x10000) {
		*o++ = (unsigned char)(0xe0 | (v >> 12));
		*o++ = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
		*o++ = (unsigned char)(0x80 | (v & 0x3f));
	} else {
		*o++ = (unsigned char)(0xf0 | (v >> 18));
		*o++ = (unsigned char)(0x80 | ((v >> 12) & 0x3f));
		*o++ = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
		*o++ = (unsigned char)(0x80 | (v & 0x3f));
	}
	*w = (char *)o;
}

/* A string at c->p (on its opening quote), unescaped in place; *out points at it. */
static int parse_string(struct cursor *c, const char **out)
{
	char *w;
	if (c->p >= c->end || *c->p != '"')
		return fail(c, "a string was expected");
	w = ++c->p;
	*out = w;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p;
		if (ch == '"') {
			c->p++;
			*w = '\0';          /* the closing quote's place, or earlier: always inside the copy */
			return 0;
		}
		if (ch < 0x20)
			return fail(c, "a control character inside a string");
		if (ch != '\\') {
			*w++ = (char)ch;
			c->p++;
			continue;
		}
		if (c->end - c->p < 2)
			return fail(c, "an unfinished escape");
		char e = c->p[1];
		c->p += 2;
		switch (e) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '/': *w++ = '/'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u': {
			unsigned v, lo;
			if (c->end - c->p < 4 || hex4(c->p, &v))
				return fail(c, "a bad \\u escape");
			c->p += 4;
			if (v >= 0xd800 && v <= 0xdbff) {
				if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || hex4(c->p + 2, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(c, "a lone surrogate");
				c->p += 6;
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
			} else if (v >= 0xdc00 && v <= 0xdfff) {
				return fail(c, "a lone surrogate");
			}
			if (v == 0)
				return fail(c, "a NUL inside a string");
			put_utf8(&w, v);
			break;
		}
		default:
			return fail(c, "an unknown escape");
		}
	}
	return fail(c, "an unterminated string");
}

static int parse_number(struct cursor *c, double *out)
{
	char *start = c->p, *q = c->p;
	char tmp[64];
	if (q < c->end && *q == '-')
		q++;
	if (q >= c->end || !(*q >= '0' && *q <= '9'))
		return fail(c, "a bad number");
	if (*q == '0')
		q++;
	else
		while (q < c->end && *q >= '0' && *q <= '9')
			q++;
	if (q < c->end && *q == '.') {
		q++;
		if (q >= c->end || !(*q >= '0' && *q <= '9'))
			return fail(c, "a bad number");
		while (q < c->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < c->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < c->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= c->end || !(*q >= '0' && *q <= '9'))
			return fail(c, "a bad number");
		while (q < c->end && *q >= '0' && *q <= '9')
			q++;
	}
	if ((size_t)(q - start) >= sizeof tmp)
		return fail(c, "a number too long");
	memcpy(tmp, start, (size_t)(q - start));
	tmp[q - start] = '\0';
	*out = strtod(tmp, NULL);
	if (!isfinite(*out))
		return fail(c, "a number out of range");
	c->p = q;
	return 0;
}

static int parse_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, "an unknown word");
	c->p += n;
	return 0;
}

static int parse_value(struct cursor *c, struct bw_msg *m, struct bw_value *v)
{
	if (c->p >= c->end)
		return fail(c, "a value was expected");
	switch (*c->p) {
	case '"':
		v->type = BW_STR;
		return parse_string(c, &v->str);
	case 't':
		v->type = BW_BOOL;
		v->boolean = 1;
		return parse_word(c, "true");
	case 'f':
		v->type = BW_BOOL;
		return parse_word(c, "false");
	case 'n':
		v->type = BW_NULL;
		return parse_word(c, "null");
	case '{':
		return fail(c, "nested objects are not part of the protocol");
	case '[':
		v->type = BW_ARR;
		v->items = &m->pool[m->n_pool];
		c->p++;
		skip_ws(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		for (;;) {
			const char *s;
			skip_ws(c);
			if (c->p < c->end && (*c->p == '[' || *c->p == '{'))
				return fail(c, "arrays hold strings only");
			if (parse_string(c, &s))
				return fail(c, "arrays hold strings only");
			if (m->n_pool >= BW_MAX_ITEMS)
				return fail(c, "too many array items");
			m->pool[m->n_pool++] = s;
			v->n_items++;
			skip_ws(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				return 0;
			}
			return fail(c, "an array is not closed");
		}
	default:
		v->type = BW_NUM;
		return parse_number(c, &v->num);
	}
}

int bw_parse(const char *line, size_t len, struct bw_msg *m, const char **why)
{
	struct cursor c = { 0 };
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (len > BW_LINE_MAX) {
		*why = "a line longer than the protocol allows";
		return -1;
	}
	if (memchr(line, '\0', len)) {
		*why = "a NUL byte in the line";
		return -1;
	}
	m->text = malloc(len + 1);
	if (!m->text) {
		*why = "out of memory";
		return -1;
	}
	memcpy(m->text, line, len);
	m->text[len] = '\0';
	c.p = m->text;
	c.end = m->text + len;
	skip_ws(&c);
	if (c.p >= c.end || *c.p != '{') {
		fail(&c, "not a JSON object");
		goto out;
	}
	c.p++;
	skip_ws(&c);
	if (c.p < c.end && *c.p == '}') {
		c.p++;
	} else {
		for (;;) {
			const char *key;
			skip_ws(&c);
			if (parse_string(&c, &key))
				goto out;
			for (size_t i = 0; i < m->n; i++)
				if (strcmp(m->keys[i], key) == 0) {
					fail(&c, "a duplicate member");
					goto out;
				}
			if (m->n >= BW_MAX_KEYS) {
				fail(&c, "too many members");
				goto out;
			}
			skip_ws(&c);
			if (c.p >= c.end || *c.p != ':') {
				fail(&c, "a colon was expected");
				goto out;
			}
			c.p++;
			skip_ws(&c);
			m->keys[m->n] = key;
			if (parse_value(&c, m, &m->vals[m->n]))
				goto out;
			m->n++;
			skip_ws(&c);
			if (c.p < c.end && *c.p == ',') {
				c.p++;
				continue;
			}
			if (c.p < c.end && *c.p == '}') {
				c.p++;
				break;
			}
			fail(&c, "a comma or a closing brace was expected");
			goto out;
		}
	}
	skip_ws(&c);
	if (c.p != c.end) {
		fail(&c, "bytes after the object");
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		*why = c.why ? c.why : "not a protocol line";
		m->n = 0;
	}
	return rc;
}

void bw_msg_release(struct bw_msg *m)
{
	if (!m)
		return;
	free(m->text);
	memset(m, 0, sizeof *m);
}

const struct bw_value *bw_get(const struct bw_msg *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0) {
			const struct bw_value *v = &m->vals[i];
			/* An array's items live in this message's own pool: a message copied by value
			 * points into another's, which may be gone (issue 11's dangling reply). */
			assert(v->type != BW_ARR || !v->n_items ||
			       (v->items >= m->pool && v->items + v->n_items <= m->pool + m->n_pool));
			return v;
		}
	return NULL;
}

const char *bw_str(const struct bw_msg *m, const char *key)
{
	const struct bw_value *v = bw_get(m, key);
	return v && v->type == BW_STR ? v->str : NULL;
}

int bw_int(const struct bw_msg *m, const char *key, long *out)
{
	const struct bw_value *v = bw_get(m, key);
	if (!v || v->type != BW_NUM || v->num != floor(v->num) || v->num < -2147483648.0 ||
	    v->num > 2147483647.0)
		return -1;
	*out = (long)v->num;
	return 0;
}

int bw_bool(const struct bw_msg *m, const char *key)
{
	const struct bw_value *v = bw_get(m, key);
	return v && v->type == BW_BOOL ? v->boolean : -1;
}

/* ---- base64 ----------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *bw_base64(const void *data, size_t n)
{
	const unsigned char *in = data;
	size_t out_len = (n + 2) / 3 * 4;
	char *out = malloc(out_len + 1), *w = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n) v |= in[i + 2];
		*w++ = b64[(v >> 18) & 63];
		*w++ = b64[(v >> 12) & 63];
		*w++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*w++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*w = '\0';
	return out;
}

static int b64_value(char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

int bw_unbase64(const char *text, unsigned char **out, size_t *n)
{
	size_t len = strlen(text), pad = 0, o = 0;
	unsigned char *buf;

	*out = NULL;
	*n = 0;
	if (len % 4)
		return -1;
	if (len && text[len - 1] == '=')
		pad++;
	if (len > 1 && text[len - 2] == '=')
		pad++;
	buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++) {
			int last_group = i + 4 == len;
			if (last_group && text[i + k] == '=' && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			v[k] = b64_value(text[i + k]);
			if (v[k] < 0) {
				free(buf);
				return -1;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		buf[o++] = (unsigned char)(w >> 16);
		buf[o++] = (unsigned char)(w >> 8);
		buf[o++] = (unsigned char)w;
	}
	*out = buf;
	*n = o - pad;
	return 0;
}
