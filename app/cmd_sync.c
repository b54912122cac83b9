/*
 * cmd_sync.c - `casedesk sync`: this store's ops to the national tier (issue 15,
 * deliverable 4).  It joins the two models that know nothing of each other: the store's op
 * log (model/store/oplog.h: what is unsent, marking it sent) and the tier's push
 * (model/national/national_push.h: one batch, one PostgreSQL transaction).
 *
 * The order is the whole of its safety: read a batch, push it, and mark it sent only after
 * the tier acknowledged its commit.  Killed anywhere, the next sync sends again what was
 * not marked; the tier inserts nothing twice (op uuid) and checks the batch against the
 * origin's high-water mark.  The outcome is recorded in the store for the TUI's status line,
 * which never connects itself.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/base/clock.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/number.h"
#include "model/national/national.h"
#include "model/national/national_push.h"
#include "model/national/national_relay.h"
#include "model/store/apply.h"
#include "model/store/dupes.h"
#include "model/store/kit.h"
#include "model/store/oplog.h"
#include "app/cli.h"
#include "app/sync_relay.h"
#include "app/sync_blocks.h"

#define SYNC_BATCH_DEFAULT 5000   /* ops in a pull or relay batch; a push batch follows the link (push_all) */
#define SYNC_CACHE_FROM 1000   /* ops in a pull batch that make the name keys worth copying */
#define SYNC_BATCH_MAX 100000

struct sync_totals {
	int64_t sent, inserted, conflicts, waiting_at_start;
	int64_t pulled, applied, already, pull_conflicts;
};

static void progress(int show, int tty, int64_t done, int64_t total)
{
	if (!show)
		return;
	fprintf(stderr, _("sync: %lld/%lld ops"), (long long)done, (long long)total);
	fputs(tty ? "\r" : "\n", stderr);
	fflush(stderr);
}

/* A batch whose commit the tier acknowledged: only now the store may say so. */
static int push_landed(struct cli *c, const char *origin, const struct cd_push_batch *pb,
		       const struct cd_push_result *res, struct cd_error *err, int show, int tty, struct sync_totals *t)
{
	int rc = oplog_mark_sent(c->store, &c->actor, origin, pb->last, NULL, err);
	if (rc)
		return rc;
	t->sent += (int64_t)pb->n;
	t->inserted += res->inserted;
	t->conflicts += res->conflicts;
	progress(show, tty, t->sent, t->waiting_at_start);
	return CD_OK;
}

/* The store's next unsent ops after seq `after`, at most `batch`, encoded into pb (pb->n 0:
 * none left).  Under `resend_to` the ops go whether marked sent or not (push_all). */
static int push_encode_next(struct cli *c, int64_t after, int64_t resend_to, size_t batch, struct cd_push_op *ops,
			    struct cd_push_batch *pb)
{
	struct cd_op_batch b = { 0 };
	int rc = after < resend_to ? oplog_own_batch(c->store, after, batch, &b, &c->err)
				   : oplog_unsent_batch(c->store, after, batch, &b, &c->err);
	if (rc)
		return rc;
	for (size_t i = 0; i < b.n; i++) {
		const struct cd_op_row *r = &b.rows[i];
		ops[i] = (struct cd_push_op){ .uuid = r->uuid, .seq = r->seq, .at = r->at, .entity = r->entity,
					      .entity_uuid = r->entity_uuid, .op = r->op, .payload = b.payloads[i],
					      .name_keys = b.name_keys[i] };
	}
	rc = national_push_encode(ops, b.n, pb, &c->err);
	oplog_batch_release(&b);
	return rc;
}

/*
 * Pushes every unsent op of this store, batch by batch, as a pipeline over two connections
 * to the tier.  Batch i uses connection i % 2 and buffer i % 3.  In one round:
 *  - batch i is sent on its connection while the tier applies batch i-1 on the other: the
 *    tier stages batch i (what depends on the batch alone) at once and applies it as soon
 *    as batch i-1 has committed and let go of the push lock (national_push.h);
 *  - once batch i-1's commit is acknowledged, it is marked sent while the tier applies i,
 *    and this side reads and encodes batch i+1 from the store.
 * So the tier's two cores and this process work at once.  A batch is marked only after ITS
 * commit was acknowledged; a batch that fails stays unsent, and so do those after it (the
 * tier refuses a batch that does not follow its mark); the ones before it are marked all
 * the same (they committed).  Killed anywhere, the next sync sends again what was not
 * marked and the tier takes nothing twice.  Without a second connection (a backlog of one
 * batch, or the tier refused it) the batches take turns on the one.
 * `batch` 0: each batch's size follows the link (national_push_next_size), else `batch`.
 * The tier's word on what it holds comes first: when it holds fewer of this store's ops than
 * the store marked sent (a tier restored from an older backup, another national database
 * named since, a mark written by hand), the ops from its mark on go again, sent or not.
 * Nothing the tier lacks stays behind a mark; what it has it takes as a no-op.
 */
static int push_all(struct cli *c, struct cd_national *n, size_t batch, int show, struct sync_totals *t)
{
	const int tty = isatty(2);
	struct cd_push_origin origin;
	struct cd_sync_status st;
	struct cd_push_op *ops = NULL;
	struct cd_push_batch pb[3] = { { .n = 0 } };
	struct cd_national *conn[2] = { n, n }, *second = NULL;
	struct cd_national *on[3] = { NULL, NULL, NULL };   /* the connection pb[i] was sent on */
	int64_t sent_ms[3] = { 0, 0, 0 };                    /* when pb[i] was sent */
	size_t size = batch ? batch : NATIONAL_PUSH_FIRST, room = batch ? batch : NATIONAL_PUSH_MOST;
	struct cd_push_result res;
	struct cd_error later;     /* what failed after the first failure (the first is reported) */
	char kit_name[32] = "";
	int64_t tier_has = 0, marked_upto = 0, resend_to = 0;
	int is_kit = 0, rc;

	if ((rc = kit_leased_is(c->store, &is_kit, kit_name, sizeof kit_name, &c->err)) ||
	    (rc = oplog_sync_status(c->store, &st, &c->err)))
		return rc;
	origin.store_uuid = oplog_origin(c->store);
	origin.office = store_office(c->store);
	origin.kind = is_kit ? "kit" : "office";
	origin.name = is_kit && kit_name[0] ? kit_name : store_office(c->store);
	if ((rc = national_origin_high_water(n, origin.store_uuid, &tier_has, &c->err)) ||
	    (rc = oplog_sent_upto(c->store, &marked_upto, &c->err)))
		return rc;
	t->waiting_at_start = st.unsent;
	if (tier_has < marked_upto) {
		resend_to = marked_upto;
		t->waiting_at_start += marked_upto - tier_has;
		fprintf(stderr, _("sync: %s holds this store's ops up to %lld only, though ops up to %lld were marked sent here;"
				  " sending ops %lld to %lld again\n"),
			national_where(n), (long long)tier_has, (long long)marked_upto, (long long)tier_has + 1,
			(long long)marked_upto);
	}
	if (!(ops = calloc(room, sizeof *ops)))
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	/* A second connection is worth its setup only for a backlog of several batches. */
	if (t->waiting_at_start > (int64_t)size && national_connect_again(n, &second, &later) == CD_OK)
		conn[1] = second;
	rc = push_encode_next(c, resend_to ? tier_has : 0, resend_to, size, ops, &pb[0]);
	for (size_t i = 0; !rc; i++) {
		struct cd_push_batch *cur = &pb[i % 3], *prev = i ? &pb[(i + 2) % 3] : NULL, *next = &pb[(i + 1) % 3];
		struct cd_national *here = conn[i % 2], *there = conn[(i + 1) % 2];
		int landed = 0;
		/* One connection: the batch before is answered before this one may use it. */
		if (prev && prev->sent && here == there) {
			if ((rc = national_push_wait(there, prev, &res, &c->err)))
				break;
			landed = 1;
		}
		if (cur->n) {
			on[i % 3] = here;
			sent_ms[i % 3] = cd_monotonic_ms();
			rc = national_push_send(here, &origin, cur, &c->err);
		}
		if (prev && prev->sent && !landed) {
			int wrc = national_push_wait(there, prev, &res, rc ? &later : &c->err);
			if (!wrc)
				landed = 1;
			else if (!rc)
				rc = wrc;
		}
		if (landed) {
			int mrc = push_landed(c, origin.store_uuid, prev, &res, rc ? &later : &c->err, show, tty, t);
			if (!batch)
				size = national_push_next_size(size, prev->n, cd_monotonic_ms() - sent_ms[(i + 2) % 3]);
			if (!rc)
				rc = mrc;
		}
		/* Read once the batch before has landed, so that its pace sizes this one; the tier
		 * applies cur meanwhile. */
		if (!rc && cur->n)
			rc = push_encode_next(c, cur->last, resend_to, size, ops, next);
		if (!cur->n)
			break;
	}
	/* Stopped with batches on their way (the store failed meanwhile): their answers are still
	 * taken, and each marked if it committed, in order. */
	for (;;) {
		struct cd_push_batch *first = NULL;
		size_t at = 0;
		for (size_t i = 0; i < 3; i++)
			if (on[i] && pb[i].sent && (!first || pb[i].first < first->first))
				first = &pb[i], at = i;
		if (!first)
			break;
		if (!national_push_wait(on[at], first, &res, &later))
			push_landed(c, origin.store_uuid, first, &res, &later, show, tty, t);
	}
	if (show && tty && t->sent)
		fputs("\n", stderr);
	for (size_t i = 0; i < 3; i++)
		national_push_batch_release(&pb[i]);
	national_close(second);
	free(ops);
	return rc;
}

/*
 * Pulls what other stores changed in this store's scope, batch by batch, each batch applied
 * whole in one store transaction with the cursor moved in it: killed anywhere, the next
 * pull starts after the last batch applied (and op_apply takes an op twice as a no-op).
 */
static int pull_all(struct cli *c, struct cd_national *n, size_t batch, struct sync_totals *t)
{
	struct cd_pull_batch b = { 0 };
	const char *self = oplog_origin(c->store), *office = store_office(c->store);
	int64_t cursor = 0;
	int rc, cached = 0, asked = 0;

	if ((rc = oplog_pull_cursor(c->store, &cursor, &c->err)))
		return rc;
	if ((rc = national_pull_send(n, self, office, cursor, batch, &c->err)))
		return rc;
	asked = 1;
	for (;;) {
		asked = 0;
		if ((rc = national_pull_take(n, &b, &c->err)))
			break;
		if (!b.n)
			break;
		/* The next batch is asked for now: the tier reads it while this one is applied
		 * (national_push.h).  Its cursor is this batch's last server_seq whether or not this
		 * batch commits here: killed before, the next pull asks from the stored cursor. */
		if ((rc = national_pull_send(n, self, office, b.ops[b.n - 1].server_seq, batch, &c->err)))
			break;
		asked = 1;
		if ((rc = store_begin(c->store, &c->err)))
			break;
		/* A long pull checks its persons against a copy of the name keys (dupes.h). */
		if (!cached && b.n >= SYNC_CACHE_FROM && !(rc = dupes_cache_begin(c->store, &c->err))) {
			cached = 1;
			apply_long_run(c->store, 1);   /* only speed depends on it */
		}
		for (size_t i = 0; i < b.n && !rc; i++) {
			const struct cd_pull_op *o = &b.ops[i];
			struct cd_remote_op rop = { .uuid = o->uuid, .origin = o->origin, .origin_seq = o->origin_seq,
						    .origin_office = o->origin_office, .entity = o->entity,
						    .entity_uuid = o->entity_uuid, .op = o->op, .at = o->at, .payload = o->payload,
						    .scoped = 1 };
			struct cd_apply_result res = { 0 };
			if ((i & 255) == 255)
				national_pull_poll(n);   /* the next batch's rows off the socket */
			if ((rc = op_apply(c->store, &c->actor, &rop, &res, &c->err)))
				break;
			t->pulled++;
			if (res.outcome == APPLY_ALREADY)
				t->already++;
			else
				t->applied++;
			t->pull_conflicts += res.n_conflicts;
		}
		/* The persons' search index rows waited for the batch (dupes.h): written before
		 * the batch commits with its cursor, so a kill never leaves them missing. */
		if (!rc)
			rc = dupes_index_flush(c->store, &c->err);
		if (!rc)
			rc = oplog_pull_cursor_set(c->store, b.ops[b.n - 1].server_seq, &c->err);
		if (rc) {
			store_rollback(c->store);
			break;
		}
		if ((rc = store_commit(c->store, &c->err)))
			break;
		national_pull_release(&b);
	}
	if (asked)
		national_pull_cancel(n);   /* the connection is used after the pull (sync_blocks) */
	national_pull_release(&b);
	if (cached) {
		dupes_cache_end(c->store);
		apply_long_run(c->store, 0);
	}
	return rc;
}

/* `sync [--db CONNINFO] [--batch N] [--progress]`. */
int cmd_sync(struct cli *c)
{
	struct cd_national *n = NULL;
	struct sync_totals t = { 0 };
	const char *db = cli_take(c, "--db");
	const char *batch_s = cli_take(c, "--batch");
	int show = cli_flag(c, "--progress");
	long batch = SYNC_BATCH_DEFAULT;
	int rc, connected = 0;

	if (batch_s && cd_parse_long(batch_s, "--batch", 1, SYNC_BATCH_MAX, &batch, NULL))
		return cd_error_set(&c->err, CD_EUSAGE, _("--batch: give a number of ops from 1 to %d"), SYNC_BATCH_MAX);
	if ((rc = cli_positional(c, 0, 0, "sync [--db CONNINFO] [--batch N] [--progress]")) ||
	    (rc = cli_open_acting(c)))
		return rc;
	if (isatty(2))
		show = 1;
	if ((rc = cli_national_open(c, db, &n)) || (rc = national_require_current(n, &c->err)))
		goto out;
	connected = 1;
	if ((rc = push_all(c, n, batch_s ? (size_t)batch : 0, show, &t)))
		goto out;
	/* Other stores' ops that came here in bundles, each under its own origin (sync_relay.c). */
	struct relay_totals relayed;
	if ((rc = sync_relay(c, n, (size_t)batch, &relayed)))
		goto out;
	if (!(rc = pull_all(c, n, (size_t)batch, &t)))
		rc = sync_blocks(c, n); /* numbers: a kit's top-up from the tier (app/sync_blocks.h) */
out:
	/* Recorded whatever happened (a usage error aside): the status line shows the last outcome. */
	if (c->store) {
		struct cd_error ignored = CD_ERROR_INIT;
		oplog_sync_record(c->store, rc == CD_OK, &ignored);
	}
	if (rc == CD_OK) {
		struct cd_sync_status st;
		if (oplog_sync_status(c->store, &st, &c->err) != CD_OK)
			st.unsent = 0;
		if (c->json) {
			struct cd_buf b = CD_BUF_INIT;
			struct json_writer w;
			json_init(&w, &b);
			json_object(&w);
			json_kv_string(&w, "national", national_where(n));
			json_kv_int(&w, "sent", t.sent);
			json_kv_int(&w, "new", t.inserted);
			json_kv_int(&w, "conflicts", t.conflicts);
			json_kv_int(&w, "waiting", st.unsent);
			json_kv_int(&w, "pulled", t.pulled);
			json_kv_int(&w, "pull_applied", t.applied);
			json_kv_int(&w, "pull_conflicts", t.pull_conflicts);
			json_object_end(&w);
			if (!(rc = cli_json_print(c, &w)))
				c->json_written = 1;
			buf_release(&b);
		} else {
			printf(_("sync with %s: %lld ops sent (%lld new to the national tier, %lld already there), "
				 "%lld conflicts kept the national value; %lld waiting\n"),
			       national_where(n), (long long)t.sent, (long long)t.inserted, (long long)(t.sent - t.inserted),
			       (long long)t.conflicts, (long long)st.unsent);
			printf(_("pulled %lld ops of other stores: %lld applied, %lld had been applied before, "
				 "%lld conflicts queued\n"),
			       (long long)t.pulled, (long long)t.applied, (long long)t.already, (long long)t.pull_conflicts);
		}
	} else if (connected && t.sent) {
		fprintf(stderr, _("sync: %lld ops were sent and marked before the failure; the rest waits for the next sync\n"),
			(long long)t.sent);
	}
	national_close(n);
	return rc;
}
