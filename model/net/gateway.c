/*
 * gateway.c - reading the check gateway's 2xx replies (issue 16): gateway_parse_reply and
 * gateway_answer_release.  The transfers live in gateway_run.c, which calls this file and
 * not the other way round (the layout lint's modules: one file each, no cycles); the
 * libFuzzer target (tests/fuzz/fuzz_gwreply.c) and the unit test reach the parser without
 * a network.
 *
 * The reply comes from outside and its answer decides whether a case may go ahead, so the
 * parser is strict where it matters and lenient where it does not: "result" must be the
 * string "clear" or "hit"; every field we keep has its type checked and must fit its
 * buffer (a longer one is refused, never cut: a cut reference would point elsewhere);
 * strings must be valid UTF-8 without control characters (they reach screens and the
 * store); a hit must say where it was found; a person's matches are at most
 * CD_GW_MAX_MATCHES.  Fields we do not know are ignored, so the gateway may add some.
 * json-c (libjson-c) does the tokenising, with its strict mode and UTF-8 check on.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/net/gateway.h"

/* The parser's own ceiling, whatever the caller's cap: json-c builds a tree in memory. */
#define REPLY_MAX_BYTES (1u << 20)
#define REPLY_MAX_DEPTH 16

static int refuse(struct cd_gw_answer *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct cd_gw_answer *out, const char *fmt, ...)
{
	va_list ap;

	free(out->matches);
	out->matches = NULL;
	out->n_matches = 0;
	out->list[0] = out->reference[0] = out->checked_at[0] = '\0';
	out->outcome = CD_GW_RETRY;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
	return CD_EINPUT;
}

/*
 * Whether the UTF-8 text at p (n bytes left) starts with a C1 control (U+0080-U+009F) or a
 * bidirectional control (U+200E/F, U+202A-U+202E, U+2066-U+2069, U+061C): a reference or
 * list name holding one can show on a screen as something it is not (a reversed reference
 * read as another), so a reply carrying one is refused.  The text is valid UTF-8 already
 * (json-c's check), so the lead byte says how many follow.
 */
static int invisible_control(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 1;
	if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C)
		return 1;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
		return 1;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
		return 1;
	return 0;
}

/*
 * Duplicate keys.  json-c keeps the last of a duplicate key and says nothing, so
 * {"result":"hit",...,"result":"clear"} would read as clear - and another reader of the same
 * body (a gateway's own log, an auditor's tool) may keep the first.  A reply is refused if
 * any of its objects repeats a key: the members written in the body (every ':' outside a
 * string is one member, in JSON that json-c has just accepted in strict mode) are counted
 * and compared with the members the parsed tree holds; a repeated key leaves the tree
 * with fewer (its earlier value, and everything under it, is dropped), so the counts
 * differ exactly when a key repeats.  The same walk refuses the escape \u0000 anywhere -
 * in a key too, where json-c would cut it short and "result\u0000x" would read as "result".
 */
static int raw_members(const char *b, size_t len, size_t *members)
{
	int in_string = 0;

	*members = 0;
	for (size_t i = 0; i < len; i++) {
		char c = b[i];
		if (in_string) {
			if (c == '\\') {
				if (i + 5 < len && b[i + 1] == 'u' && memcmp(b + i + 2, "0000", 4) == 0)
					return -1;
				i++;   /* the escaped character: never a quote that ends the string */
			} else if (c == '"') {
				in_string = 0;
			}
		} else if (c == '"') {
			in_string = 1;
		} else if (c == ':') {
			(*members)++;
		}
	}
	return 0;
}

/* The members of every object in the tree (its depth is bounded by the tokener). */
static size_t tree_members(struct json_object *o)
{
	size_t n = 0;

	if (json_object_get_type(o) == json_type_object) {
		n = (size_t)json_object_object_length(o);
		json_object_object_foreach(o, key, val) {
			(void)key;
			n += tree_members(val);
		}
	} else if (json_object_get_type(o) == json_type_array) {
		size_t len = json_object_array_length(o);
		for (size_t i = 0; i < len; i++)
			n += tree_members(json_object_array_get_idx(o, i));
	}
	return n;
}

/* A string member: absent or null is "" when !required; anything else must be a string
 * that fits dst (with its NUL) and holds no control character.  0, or -1 with the reason
 * already in out. */
static int get_string(struct json_object *obj, const char *key, char *dst, size_t cap, int required,
		      struct cd_gw_answer *out)
{
	struct json_object *v = NULL;
	const char *s;
	size_t len, i;

	dst[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || json_object_get_type(v) == json_type_null) {
		if (required)
			return refuse(out, _("the gateway's reply lacks the field \"%s\""), key), -1;
		return 0;
	}
	if (json_object_get_type(v) != json_type_string)
		return refuse(out, _("the gateway's reply has a field \"%s\" that is not a string"), key), -1;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len >= cap)
		return refuse(out, _("the gateway's reply has a field \"%s\" longer than this version of casedesk keeps"), key), -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)   /* a NUL (\u0000) too: it would cut the text short */
			return refuse(out, _("the gateway's reply has a control character in the field \"%s\""), key), -1;
		if (invisible_control((const unsigned char *)s + i, len - i))
			return refuse(out, _("the gateway's reply has a C1 control or a text-direction control in the "
					     "field \"%s\""), key), -1;
	}
	if (required && len == 0)
		return refuse(out, _("the gateway's reply has an empty field \"%s\""), key), -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int get_matches(struct json_object *root, int hit, struct cd_gw_answer *out)
{
	struct json_object *arr = NULL;
	size_t n, i;

	if (!json_object_object_get_ex(root, "matches", &arr) || json_object_get_type(arr) == json_type_null) {
		if (hit)
			return refuse(out, _("the gateway's reply says \"hit\" but lacks the field \"%s\""), "matches"), -1;
		return 0;
	}
	if (json_object_get_type(arr) != json_type_array)
		return refuse(out, _("the gateway's reply has a field \"%s\" that is not an array"), "matches"), -1;
	n = json_object_array_length(arr);
	if (!hit && n > 0)
		return refuse(out, _("the gateway's reply says \"clear\" but lists matches")), -1;
	if (hit && n == 0)
		return refuse(out, _("the gateway's reply says \"hit\" but lists no matches")), -1;
	if (n > CD_GW_MAX_MATCHES)
		return refuse(out, _("the gateway's reply lists more matches than casedesk takes (100)")), -1;
	if (n == 0)
		return 0;
	out->matches = calloc(n, sizeof *out->matches);
	if (!out->matches)
		return refuse(out, _("out of memory reading the gateway's reply")), -1;
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(arr, i), *score = NULL;
		struct cd_gw_match *dst = &out->matches[i];
		int64_t sc;

		if (json_object_get_type(m) != json_type_object)
			return refuse(out, _("the gateway's reply has a match that is not an object")), -1;
		if (!json_object_object_get_ex(m, "score", &score) || json_object_get_type(score) != json_type_int)
			return refuse(out, _("the gateway's reply has a match whose \"%s\" is not a whole number"), "score"), -1;
		sc = json_object_get_int64(score);
		if (sc < 0 || sc > 100)
			return refuse(out, _("the gateway's reply has a match whose \"%s\" is outside 0-100"), "score"), -1;
		dst->score = (int)sc;
		if (get_string(m, "list", dst->list, sizeof dst->list, 1, out) ||
		    get_string(m, "reference", dst->reference, sizeof dst->reference, 0, out))
			return -1;
		out->n_matches = i + 1;
	}
	return 0;
}

int gateway_parse_reply(enum cd_gw_kind kind, const char *body, size_t len, struct cd_gw_answer *out)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL, *result = NULL;
	const char *r;
	size_t end, rlen;
	int rc = CD_EINPUT, hit;

	memset(out, 0, sizeof *out);
	out->outcome = CD_GW_RETRY;
	out->retry_after_s = -1;
	if (kind != CD_GW_DOCUMENT && kind != CD_GW_PERSON) {
		refuse(out, _("a reply for an unknown kind of check"));
		goto out;
	}
	if (!body || len == 0) {
		refuse(out, _("the gateway's reply is empty"));
		goto out;
	}
	if (len > REPLY_MAX_BYTES || len > (size_t)INT32_MAX) {
		refuse(out, _("the gateway's reply is too long to read"));
		goto out;
	}
	if (memchr(body, '\0', len)) {
		refuse(out, _("the gateway's reply is not JSON (it holds a NUL byte)"));
		goto out;
	}
	tok = json_tokener_new_ex(REPLY_MAX_DEPTH);
	if (!tok) {
		refuse(out, _("out of memory reading the gateway's reply"));
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, body, (int)len);
	if (!root && json_tokener_get_error(tok) == json_tokener_continue) {
		refuse(out, "%s", _("the gateway's reply ends before its JSON value does"));
		goto out;
	}
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		char where[160];
		snprintf(where, sizeof where, "%s, near byte %zu", json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok));
		refuse(out, _("the gateway's reply is not valid JSON (%s)"), where);
		goto out;
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (!strchr(" \t\r\n", body[end])) {
			refuse(out, _("the gateway's reply has something after its JSON value"));
			goto out;
		}
	}
	if (json_object_get_type(root) != json_type_object) {
		refuse(out, _("the gateway's reply is not a JSON object"));
		goto out;
	}
	{
		size_t written = 0;
		if (raw_members(body, len, &written)) {
			refuse(out, _("the gateway's reply has a control character: a NUL (\\u0000)"));
			goto out;
		}
		if (written != tree_members(root)) {
			refuse(out, _("the gateway's reply repeats a key in one of its objects"));
			goto out;
		}
	}
	if (!json_object_object_get_ex(root, "result", &result) || json_object_get_type(result) != json_type_string) {
		refuse(out, _("the gateway's reply lacks the string field \"%s\""), "result");
		goto out;
	}
	/* Compared with its length: "clear\u0000x" is not "clear". */
	r = json_object_get_string(result);
	rlen = (size_t)json_object_get_string_len(result);
	if (rlen == 5 && memcmp(r, "clear", 5) == 0) {
		hit = 0;
	} else if (rlen == 3 && memcmp(r, "hit", 3) == 0) {
		hit = 1;
	} else {
		refuse(out, _("the gateway's reply has a \"%s\" other than \"clear\" or \"hit\""), "result");
		goto out;
	}
	if (get_string(root, "checked_at", out->checked_at, sizeof out->checked_at, 0, out))
		goto out;
	if (kind == CD_GW_DOCUMENT) {
		/* A document hit must say which list found it; a clear may name the lists asked. */
		if (get_string(root, "list", out->list, sizeof out->list, hit, out) ||
		    get_string(root, "reference", out->reference, sizeof out->reference, 0, out))
			goto out;
	} else {
		if (get_matches(root, hit, out))
			goto out;
		if (out->n_matches) {
			memcpy(out->list, out->matches[0].list, sizeof out->list);
			memcpy(out->reference, out->matches[0].reference, sizeof out->reference);
		}
	}
	out->outcome = hit ? CD_GW_HIT : CD_GW_CLEAR;
	out->reason[0] = '\0';
	rc = CD_OK;
out:
	if (root)
		json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	return rc;
}

void gateway_answer_release(struct cd_gw_answer *a)
{
	if (!a)
		return;
	free(a->matches);
	a->matches = NULL;
	a->n_matches = 0;
}
