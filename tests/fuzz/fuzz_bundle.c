/*
 * fuzz_bundle.c - libFuzzer target for the bundle reader (bundle_parse in
 * model/store/bundle.c, what `casedesk bundle import` and `bundle ack` run on a file that
 * came by hand, before any key is looked at).  Any bytes: no crash, and what it accepts
 * holds what import relies on: a kind, a store uuid as origin, for a bundle of ops exactly
 * `count` ops numbered first..last in order, each of the bundle's origin with every member
 * there and a payload that is a JSON object, lines and offsets inside the input; then
 * (format 2) among them exactly `carried` ops of other origins, each origin's seqs rising.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/error.h"
#include "model/store/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle b;
	struct cd_error err = CD_ERROR_INIT;

	if (bundle_parse((const char *)data, size, &b, &err) != CD_OK) {
		if (!err.msg[0] || b.text || b.ops)
			abort();
		return 0;
	}
	if ((b.kind != BUNDLE_OPS && b.kind != BUNDLE_ACK) || strlen(b.origin) != 36 || !b.office[0])
		abort();
	if (b.kind == BUNDLE_ACK && (b.n_ops || strlen(b.for_origin) != 36))
		abort();
	if (b.kind == BUNDLE_OPS && ((int64_t)b.n_own != b.count || (int64_t)(b.n_ops - b.n_own) != b.carried ||
				     b.last != b.first + b.count - 1 || b.first < 1 || (b.carried && b.format < 2)))
		abort();
	size_t n_own = 0;
	for (size_t i = 0; i < b.n_ops; i++) {
		const struct cd_remote_op *op = &b.ops[i].op;
		int own = !b.ops[i].carried;
		for (size_t j = 0; !own && j < i; j++)
			if (b.ops[j].carried && strcmp(b.ops[j].op.origin, op->origin) == 0 &&
			    b.ops[j].op.origin_seq >= op->origin_seq)
				abort();
		if (own)
			n_own++;
		if ((own && op->origin_seq != b.first + (int64_t)n_own - 1) || (strcmp(op->origin, b.origin) == 0) != own ||
		    !op->uuid[0] ||
		    !op->entity[0] || !op->entity_uuid[0] || !op->op[0] || !op->at[0] || !op->origin_office[0] ||
		    op->payload[0] != '{' || op->payload[strlen(op->payload) - 1] != '}' || b.ops[i].offset >= size ||
		    b.ops[i].line < 12)
			abort();
	}
	bundle_free(&b);
	return 0;
}
