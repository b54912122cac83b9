/*
 * kit.h - leased blocks of numbers: how a field kit issues person and case numbers offline
 * without ever colliding with its office or another kit (issue 15, "Field kits").
 *
 * A number series is what store_next_counter counts: "person" (not per year, year 0) and
 * "case:RP" per year (counter "case:RP:2026").  An office store leases a block of a series
 * to a kit (a row in number_blocks on both stores); its own counter skips every leased
 * block, and a kit issues numbers only from the blocks it holds.  The lease arithmetic is
 * pure (kit_range_*), so the national tier can lease the same way from PostgreSQL.
 *
 * The passphrase door of a kit (kit_store_is, kit_enable) is passphrase.h's; this module
 * knows a kit by its settings kit_name and kit_parent_uuid.
 */
#ifndef CD_KIT_H
#define CD_KIT_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/kit_range.h"
#include "model/store/store.h"

/* ---- the store ------------------------------------------------------------------------- */

/* One block as leased or shown. */
struct kit_block {
	char series[32];
	int year;
	int64_t first, last, returned;
	int64_t left, total;          /* kit_status only: left in this series and year, of total */
	char kit_name[32];
	char uuid[37];                /* the block's uuid (kit_status, kit_sync_topup) */
};
struct kit_blocks {
	struct kit_block *v;
	size_t n, cap;
};
void kit_blocks_release(struct kit_blocks *b);

/*
 * Who leases when the national tier is the authority for numbers (app/ joins the tier: the
 * store knows nothing of PostgreSQL).  Asked for one block of k->series and k->year for the
 * store `holder_uuid` (k->kit_name its name, `kind` "kit" or "office"), `size` numbers above
 * `floor`; it fills k->first and k->last.  The lease is committed on the tier before the
 * store writes it: a failure between leaves numbers burnt, never issued twice.
 */
typedef int (*kit_lease_fn)(void *ctx, const char *kind, const char *block_uuid, const char *holder_uuid,
			    const char *office, struct kit_block *k, int64_t size, int64_t floor, struct cd_error *err);

/* What `kit new` and `kit topup` lease: `block` numbers of "person" and of each case series
 * ("case:RP") for `year` (0: the office store's current year); from the national tier when
 * `lease` is set, else from the office store's own numbers. */
struct kit_lease_opts {
	kit_lease_fn lease;
	void *lease_ctx;
	const char *national_db;      /* with lease: the tier's connection string, which the kit syncs with */
	const char *office;           /* must be the office store's own code */
	const char *name;             /* kit new: NULL picks K01, K02 ... */
	int64_t block;
	int year;
	const char *const *case_prefixes;
	size_t n_case_prefixes;
};

/* Whether `s` is a field kit holding leased blocks: 1 with its name (when name != NULL). */
int kit_leased_is(struct cd_store *s, int *is, char *name, size_t size, struct cd_error *err);

/*
 * `kit new`: a kit store at `path` with the office's reference data (users, installed
 * workflows, lost/stolen list, office settings), no person or case, and a leased block of
 * each series.  The leases are committed on the office first, then written into the kit:
 * a failure between leaves numbers burnt at the office, never issued twice.  Admins only.
 * The kit's first seal key is made as `init` makes one; `escrow` gets the escrow's path.
 */
int kit_make(struct cd_store *office, const struct cd_actor *actor, const char *path,
	     const struct kit_lease_opts *o, struct kit_blocks *leased, char *escrow, size_t escrow_size,
	     struct cd_error *err);
/* `kit topup`: another block of each series into the kit at `kit_path`, leased by `office`;
 * for next year (o->year) the case series only, person numbers not being counted per year. */
int kit_topup(struct cd_store *office, const struct cd_actor *actor, const char *kit_path,
	      const struct kit_lease_opts *o, struct kit_blocks *leased, struct cd_error *err);
/*
 * `kit return`, run on a kit: every block's unused numbers are given back, one `void`
 * event per range and one `void` op of the block in the op log (so that sync and bundles
 * carry it to the national tier, which records the range void); with `office_path`, the
 * office marks the same blocks returned.
 * Returned numbers stay burnt everywhere.  *returned gets the void ranges (first..last).
 */
int kit_return(struct cd_store *kit, const struct cd_actor *actor, const char *office_path,
	       struct kit_blocks *returned, struct cd_error *err);
/*
 * At each sync of a field kit whose numbers come from the national tier: for each series it
 * holds, the next block when none is held for the year or a fifth or less is left (the size
 * of its newest block), and from 1 December next year's block of each case series, so that
 * a kit offline over New Year keeps registering.  Each block is leased through `lease`
 * (committed on the tier first) and written into the kit with an audit row.  *leased gets
 * what was taken (none: nothing was due).  A store that is no kit: CD_OK, nothing taken.
 */
int kit_sync_topup(struct cd_store *s, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
		   struct kit_blocks *leased, struct cd_error *err);
/*
 * An office store's own series on the national tier: once it leases from the tier, an
 * office numbers only from blocks the tier leased to it (store.c), since the tier leases
 * its kits' top-ups at their syncs, unknown to the office.  At each sync, and before a kit
 * is leased from the tier, the office takes a block of "person" and of each case series
 * (case_prefixes) for this year (and from 1 December the next) when it holds none or a
 * fifth or less is left: the size of its newest block, KIT_OFFICE_BLOCK at first, above
 * its own counter and every block it knows.  The office's write lock is held across the
 * lease, so no desk numbers in between.  A field kit: CD_OK, nothing taken.
 */
#define KIT_OFFICE_BLOCK 1000
int kit_office_topup(struct cd_store *office, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
		     const char *const *case_prefixes, size_t n_case_prefixes, struct kit_blocks *leased,
		     struct cd_error *err);
/* Every block of the store, with left/total per series and year (kit stores). */
int kit_status(struct cd_store *s, struct kit_blocks *out, struct cd_error *err);

/*
 * What is left of a kit's blocks of one series in a year (year 0 for "person"):
 * *left of *total; both 0 on a store that is no kit.
 */
int kit_block_status(struct cd_store *s, const char *series, int year, int64_t *left, int64_t *total,
		     struct cd_error *err);
/*
 * The series of the current year (and "person") running low on a kit: the one with the
 * fewest left, in series, *left and *total; *low 0 when none is (or the store is no kit).
 * For the warning the command line prints and the status word of the terminal.
 */
int kit_block_low(struct cd_store *s, int *low, char *series, size_t size, int *year, int64_t *left,
		  int64_t *total, struct cd_error *err);

/*
 * In December, a kit's case series of this year that holds no block for the next: *missing
 * 1 with the first such series and the next year, so that the kit is told to take next
 * year's numbers before the year turns.  0 in other months, on a store that is no kit, or
 * when every series has its next year's block.
 */
int kit_next_year_missing(struct cd_store *s, int *missing, char *series, size_t size, int *year,
			  struct cd_error *err);

#endif
