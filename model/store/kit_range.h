/*
 * kit_range.h - the arithmetic of leased blocks of numbers (issue 15, "Field kits"), with
 * no store: which number an office or a kit issues next, where a new lease begins, what
 * is left, what a kit gives back.  store_next_counter (store.c) and the leases (kit.c)
 * both use it, and the national tier can lease by the same rules over its own rows; the
 * unit tests (tests/unit/test_kit.c) check it without a file.
 */
#ifndef CD_KIT_RANGE_H
#define CD_KIT_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"

/* One block of a series: first..last, and `returned` the first number given back unused
 * (0: none).  Usable are first..last, or first..returned-1. */
struct kit_range {
	int64_t first, last, returned;
};

/* 1 when first..last meets any block (returned or not: a leased number is never reused). */
int kit_range_overlaps(const struct kit_range *r, size_t n, int64_t first, int64_t last);
/* Where a new block begins: after the series' counter and after every block leased. */
int64_t kit_lease_first(const struct kit_range *r, size_t n, int64_t counter);
/* An office's next number: counter + 1, skipping every leased block. */
int64_t kit_office_next(const struct kit_range *r, size_t n, int64_t counter);
/* A kit's next number: the lowest usable number of its blocks above `counter`; 0 when spent.
 * A kit issues in ascending order, so whoever leases must lease above everything leased
 * before (kit_lease_first): a block below the kit's counter would never be used. */
int64_t kit_kit_next(const struct kit_range *r, size_t n, int64_t counter);
/*
 * What is left: *left usable numbers above `counter`, *total the size of the blocks still
 * holding some (the newest block's size once all are spent; 0 with no block).
 */
void kit_range_left(const struct kit_range *r, size_t n, int64_t counter, int64_t *left, int64_t *total);
/* A block's unused part above `counter` into *out: 1 when there is one, 0 when none. */
int kit_range_unused(const struct kit_range *r, int64_t counter, struct kit_range *out);
/* 1 when `left` of `total` is a fifth or less: the kit warns. */
int kit_range_low(int64_t left, int64_t total);

/* A counter's series and year: "case:RP:2026" -> "case:RP", 2026; "person" -> "person", 0.
 * CD_OK, or CD_EINTERNAL when `series` is too small. */
int kit_series_split(const char *counter, char *series, size_t size, int *year, struct cd_error *err);

/* How a number of `series` ("person", "case:RP") is written: "P-TBS-000500",
 * "RP-TBS-2026-000500"; n < 0 writes the form itself for messages: "RP-TBS-2027-NNNNNN". */
void kit_number_text(const char *office, const char *series, int year, int64_t n, char *buf, size_t size);

#endif
