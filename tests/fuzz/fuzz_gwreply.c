/*
 * fuzz_gwreply.c - libFuzzer target for the check gateway's reply parser
 * (model/net/gateway.c): the first byte picks the kind of check (document or
 * person), the rest is the reply's body as it came off the network.  Whatever the body,
 * the parser must answer CLEAR or HIT with CD_OK, or RETRY with CD_EINPUT and a reason;
 * every string it keeps must fit its field and hold no control character; the matches
 * must agree with n_matches and stay within CD_GW_MAX_MATCHES and scores 0-100.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/net/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n >= cap)
		abort();                        /* not terminated inside its field */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_gw_answer a;
	enum cd_gw_kind kind;
	char *body;
	int rc;

	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? CD_GW_PERSON : CD_GW_DOCUMENT;
	/* An exact-size copy, so ASan sees any read past the body's end. */
	body = malloc(size - 1 ? size - 1 : 1);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	rc = gateway_parse_reply(kind, body, size - 1, &a);
	if (rc == 0) {
		if (a.outcome != CD_GW_CLEAR && a.outcome != CD_GW_HIT)
			abort();
		if (a.reason[0])
			abort();
		if (kind == CD_GW_DOCUMENT && (a.n_matches || a.matches))
			abort();
		if (kind == CD_GW_PERSON && a.outcome == CD_GW_HIT && a.n_matches == 0)
			abort();
		if (a.outcome == CD_GW_HIT && !a.list[0])
			abort();
	} else {
		if (rc != CD_EINPUT || a.outcome != CD_GW_RETRY || !a.reason[0] || a.matches || a.n_matches)
			abort();
	}
	if (a.n_matches > CD_GW_MAX_MATCHES || (a.n_matches && !a.matches))
		abort();
	for (size_t i = 0; i < a.n_matches; i++) {
		if (a.matches[i].score < 0 || a.matches[i].score > 100)
			abort();
		check_string(a.matches[i].list, sizeof a.matches[i].list);
		check_string(a.matches[i].reference, sizeof a.matches[i].reference);
	}
	check_string(a.list, sizeof a.list);
	check_string(a.reference, sizeof a.reference);
	check_string(a.checked_at, sizeof a.checked_at);
	if (strnlen(a.reason, sizeof a.reason) >= sizeof a.reason)
		abort();
	gateway_answer_release(&a);
	free(body);
	return 0;
}
