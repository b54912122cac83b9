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
		if (c < 0x20 || c == 0x7f)
			return refuse(out, _("the gateway's reply has a control character in the field \"%s\""), key), -1;
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
	size_t end;
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
	if (!json_object_object_get_ex(root, "result", &result) || json_object_get_type(result) != json_type_string) {
		refuse(out, _("the gateway's reply lacks the string field \"%s\""), "result");
		goto out;
	}
	r = json_object_get_string(result);
	if (strcmp(r, "clear") == 0) {
		hit = 0;
	} else if (strcmp(r, "hit") == 0) {
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
