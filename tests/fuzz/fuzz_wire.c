/*
 * fuzz_wire.c - libFuzzer target for model/bio/wire.c, the codec casedesk decodes every
 * reply of its enrolment helper with (and the helper every request).  The helper is a
 * separate process talking over a pipe: whatever it writes must cost a refused line at
 * most.  Any bytes go to bw_parse; a parsed message must hold together (distinct keys,
 * strings inside the message's own text, array items counted in the pool) and its accessors
 * must answer for every key.  Base64 round trips both ways.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/bio/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t text_len;    /* the length of the line being checked */

/* A string of a parsed message: inside its text, and terminated there. */
static void check_str(const struct bw_msg *m, const char *s)
{
	if (!s || s < m->text || s > m->text + text_len || s + strlen(s) > m->text + text_len)
		abort();
}

static void check_base64(const uint8_t *data, size_t size)
{
	char *text = bw_base64(data, size), *again;
	unsigned char *raw = NULL, *raw2 = NULL;
	size_t n = 0, n2 = 0;

	if (!text)
		return;
	if (strlen(text) != (size + 2) / 3 * 4 || bw_unbase64(text, &raw, &n) || n != size ||
	    (size && memcmp(raw, data, size)))
		abort();
	free(raw);
	free(text);
	/* The input as base64 text: what decodes must encode to text that decodes the same. */
	text = malloc(size + 1);
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (bw_unbase64(text, &raw, &n) == 0) {
		if (n > strlen(text) / 4 * 3)
			abort();
		if ((again = bw_base64(raw, n)) != NULL) {
			if (bw_unbase64(again, &raw2, &n2) || n2 != n || (n && memcmp(raw, raw2, n)))
				abort();
			free(raw2);
			free(again);
		}
	}
	free(raw);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_msg m = BW_MSG_INIT;
	const char *why = NULL;
	/* An exact-size copy without a terminator: the parser is promised only `size` bytes. */
	char *line = malloc(size ? size : 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	text_len = size;
	if (bw_parse(line, size, &m, &why) == 0) {
		if (m.n > BW_MAX_KEYS || m.n_pool > BW_MAX_ITEMS)
			abort();
		for (size_t i = 0; i < m.n; i++) {
			const struct bw_value *v = &m.vals[i];
			long l;
			check_str(&m, m.keys[i]);
			for (size_t j = 0; j < i; j++)
				if (strcmp(m.keys[i], m.keys[j]) == 0)
					abort();
			if (bw_get(&m, m.keys[i]) != v)
				abort();
			switch (v->type) {
			case BW_STR:
				check_str(&m, v->str);
				if (bw_str(&m, m.keys[i]) != v->str)
					abort();
				break;
			case BW_ARR:
				if (v->n_items > m.n_pool)
					abort();
				for (size_t k = 0; k < v->n_items; k++)
					check_str(&m, v->items[k]);
				break;
			case BW_NUM:
				if (!isfinite(v->num))
					abort();
				if (bw_int(&m, m.keys[i], &l) == 0 && (double)l != v->num)
					abort();
				break;
			case BW_BOOL:
				if (bw_bool(&m, m.keys[i]) != v->boolean)
					abort();
				break;
			case BW_NULL:
				break;
			default:
				abort();
			}
		}
		(void)bw_error_text((int)m.n);
		if (bw_str(&m, "finger"))
			(void)bw_finger_code(bw_str(&m, "finger"));
	} else if (!why || m.n) {
		abort();
	}
	bw_msg_release(&m);
	free(line);
	check_base64(data, size < 3000 ? size : 3000);
	return 0;
}
