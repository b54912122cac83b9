/*
 * cmd_checkrun.c - `check run [--watch] [--all] [--limit N] [--parallel N]`, `check hits` and
 * `check requeue`: the queued network checks (model/store/checkqueue.h) asked of the
 * country's check gateway (model/net/gateway.h), each answer recorded as it comes, and the
 * supervisors' side of what came back.  Apart from cmd_check.c (answers by hand) because
 * this is the one command that talks to the network; the rules stay the model's.
 *
 * Who runs it: a caseworker or a supervisor, or a service account (a user with the role
 * caseworker and the workflows it serves) under a systemd timer or `check run --watch`.
 * Each run asks only the checks of cases of the runner's workflows (need-to-know).
 */
#include "app/cmd_checkrun.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "model/base/i18n.h"
#include "model/base/number.h"
#include "model/base/privilege.h"
#include "model/net/gateway.h"
#include "model/store/checkqueue.h"
#include "model/store/checks.h"
#include "model/store/roles.h"
#include "model/store/store.h"
#include "app/cli.h"
#include "app/config.h"

/* A batch taken from the queue at once: bounded memory, and the queue read again after. */
#define RUN_BATCH 1000

static volatile sig_atomic_t stop_asked;

static void on_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

struct run {
	struct cli *c;
	struct cq_check *due;
	size_t asked, clear, hit, retry, failed, skipped;
	uint32_t rnd;
	int rc;                 /* a store error that stopped the run */
	struct cd_error err;
	/* Answers are committed in groups (ANSWERS_PER_COMMIT, or after COMMIT_MS): one commit
	 * per answer would make the store, not the gateway, the bottleneck.  A group never
	 * stays open across a wait for the network (on_idle commits it): the store's write
	 * lock would hold every other desk for as long as a slow gateway takes.  An answer
	 * lost to a crash before its commit is asked again, with the same Idempotency-Key. */
	int open;
	size_t in_txn;
	struct timespec since;
	const char *gateway;    /* host:port, for the disclosure rows */
};

#define ANSWERS_PER_COMMIT 200
#define COMMIT_MS 250

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int group_end(struct run *r)
{
	int rc = CD_OK;
	if (r->open)
		rc = store_commit(r->c->store, &r->err);
	r->open = 0;
	r->in_txn = 0;
	return rc;
}

/* xorshift32, seeded from the kernel: jitter needs no more. */
static unsigned next_random(struct run *r)
{
	uint32_t x = r->rnd ? r->rnd : 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->rnd = x;
	return x;
}

static int on_answer(void *ctx, size_t index, const struct cd_gw_answer *g)
{
	struct run *r = ctx;
	const struct cq_check *k = &r->due[index];
	struct cq_answer a = {
		.outcome = g->outcome == CD_GW_CLEAR ? CQ_CLEAR : g->outcome == CD_GW_HIT ? CQ_HIT
			 : g->outcome == CD_GW_FAILED ? CQ_FAILED : CQ_RETRY,
		.http_status = g->http_status,
		.retry_after_s = g->retry_after_s,
		.list = g->list,
		.reference = g->reference,
		.checked_at = g->checked_at,
		.reason = g->reason,
		.jitter = next_random(r),
		.gateway = r->gateway,
	};
	int rc;

	r->asked++;
	if (!r->open) {
		if ((rc = store_begin(r->c->store, &r->err))) {
			r->rc = rc;
			return rc;
		}
		r->open = 1;
		clock_gettime(CLOCK_MONOTONIC, &r->since);
	}
	rc = checkqueue_record(r->c->store, &r->c->actor, k->id, &a, (int64_t)time(NULL), &r->err);
	if (rc && rc != CD_ECONFLICT) {
		/* The store refuses: stop; this group's answers are asked again next time. */
		store_rollback(r->c->store);
		r->open = 0;
		r->rc = rc;
		return rc;
	}
	if (++r->in_txn >= ANSWERS_PER_COMMIT || ms_since(&r->since) >= COMMIT_MS) {
		int crc = group_end(r);
		if (crc) {
			r->rc = crc;
			return crc;
		}
	}
	if (rc == CD_ECONFLICT) {
		r->skipped++;   /* answered by hand meanwhile: that answer stands */
		return 0;
	}
	switch (a.outcome) {
	case CQ_CLEAR: r->clear++; break;
	case CQ_HIT: r->hit++; break;
	case CQ_RETRY: r->retry++; break;
	case CQ_FAILED: r->failed++; break;
	}
	return 0;
}

/*
 * The gateway as the disclosure rows name it: host:port of [gateway] url, without the
 * scheme, any user:password@ and the path (a URL may carry credentials; the audit trail
 * must not).  "" when the URL has nothing printable to name.
 */
static void gateway_host(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://"), *end, *at;
	size_t n;
	int has_port = 0;

	out[0] = '\0';
	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;   /* the last '@' of the authority ends its user info */
	n = (size_t)(end - p);
	if (!n || n + 5 >= size)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return;
	/* A port after the host (or after an IPv6 literal's ']'). */
	for (size_t i = 0; i < n; i++)
		if (p[i] == ':')
			has_port = 1;
		else if (p[i] == ']')
			has_port = 0;
	snprintf(out, size, "%.*s%s", (int)n, p, has_port ? "" : ":443");
}

/* gateway_run waits for the network next: the group's transaction ends first. */
static int on_idle(void *ctx)
{
	struct run *r = ctx;
	int rc;

	if (r->open && (rc = group_end(r))) {
		r->rc = rc;
		return rc;
	}
	return 0;
}

/* The bearer token: the file's first line. */
static int read_token(const char *path, char *buf, size_t size, struct cd_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cd_error_set(err, CD_EINPUT, _("[gateway] token_file %s cannot be read: %s"), path, strerror(errno));
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0])
		return cd_error_set(err, CD_EINPUT, _("[gateway] token_file %s is empty"), path);
	return CD_OK;
}

/* One pass: every check due now (up to `limit`), in batches. */
/* `all`: every pending check, due or not (the gateway is back: no need to wait for the backoff). */
static int run_pass(struct cli *c, const struct cd_gw_config *gw, size_t limit, int all, struct run *r)
{
	int rc = CD_OK;

	while (!stop_asked && r->asked + r->skipped < limit) {
		struct cq_check *due = NULL;
		struct cd_gw_request *reqs = NULL;
		size_t n = 0, want = limit - r->asked - r->skipped;
		if ((rc = checkqueue_due(c->store, &c->actor, all ? INT64_MAX : (int64_t)time(NULL), want < RUN_BATCH ? want : RUN_BATCH,
					 &due, &n, &c->err)))
			return rc;
		if (!n) {
			checkqueue_free(due, n);
			break;
		}
		if (!(reqs = calloc(n, sizeof *reqs))) {
			checkqueue_free(due, n);
			return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
		}
		for (size_t i = 0; i < n; i++) {
			struct cd_gw_request *q = &reqs[i];
			q->kind = due[i].kind == CQ_DOCUMENT ? CD_GW_DOCUMENT : CD_GW_PERSON;
			q->uuid = due[i].uuid;
			q->purpose = due[i].purpose;
			q->number = due[i].number;
			q->issuer = due[i].issuer;
			q->doc_kind = due[i].doc_kind;
			q->surname = due[i].surname;
			q->given = due[i].given;
			q->dob = due[i].dob;
			q->nationality = due[i].nationality;
			q->threshold = 80;
		}
		r->due = due;
		size_t before = r->asked + r->skipped;
		rc = gateway_run(gw, reqs, n, on_answer, r, &c->err);
		if (r->open) {
			/* The last group: kept even when the run stopped early (those were answered). */
			int crc = group_end(r);
			if (crc && !r->rc)
				r->rc = crc;
		}
		r->due = NULL;
		free(reqs);
		checkqueue_free(due, n);
		if (r->rc) {
			c->err = r->err;
			return r->rc;
		}
		if (rc)
			return rc;
		if (r->asked + r->skipped == before)
			break;   /* nothing came back: do not spin */
	}
	return CD_OK;
}

static void print_summary(struct cli *c, const struct run *r)
{
	if (c->json)
		return;
	printf(_("asked %zu: %zu clear, %zu hit, %zu to retry, %zu failed\n"), r->asked, r->clear, r->hit, r->retry,
	       r->failed);
	if (r->hit)
		printf(ngettext("%zu hit waits for a supervisor: casedesk check hits\n",
				"%zu hits wait for a supervisor: casedesk check hits\n", (unsigned long)r->hit), r->hit);
	fflush(stdout);
}

int check_run_cmd(struct cli *c)
{
	static const char usage[] = "check run [--watch] [--all] [--limit N] [--parallel N]";
	const char *limit_s = cli_take(c, "--limit"), *parallel_s = cli_take(c, "--parallel");
	int watch = cli_flag(c, "--watch"), all = cli_flag(c, "--all");
	struct cd_gateway_settings set;
	struct cd_gw_config gw;
	struct run r;
	char token[4096] = "";
	long limit = 0, parallel = 0;
	int64_t pending = 0;
	int rc;

	memset(&r, 0, sizeof r);
	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (limit_s && ((rc = cd_parse_long(limit_s, "--limit", 1, 1000000, &limit, &c->err))))
		return CD_EUSAGE;
	if (parallel_s && ((rc = cd_parse_long(parallel_s, "--parallel", 1, 256, &parallel, &c->err))))
		return CD_EUSAGE;
	if ((rc = config_gateway(&set, &c->err)) || (rc = cli_open_acting(c)))
		return rc;
	if (!(c->actor.roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR)))
		return cd_error_set(&c->err, CD_EREFUSED, _("asking the check gateway needs the role caseworker or supervisor "
							     "(a service account is a user with the role caseworker)"));
	if (set.user_section_ignored) {
		char path[4096];
		config_path(path, sizeof path);
		fprintf(stderr, _("casedesk: [gateway] in %s is not used: on this server only %s (root's) names the check "
				  "gateway\n"), path, set.from);
	}
	if (!set.url[0]) {
		rc = checkqueue_pending_count(c->store, &pending, &c->err);
		if (rc)
			return rc;
		char path[4096];
		config_path(path, sizeof path);
		if (privilege_setgid() || !strcmp(path, set.from))
			return cd_error_set(&c->err, pending ? CD_EPENDING : CD_EINPUT,
					    _("no [gateway] url in %s: %lld checks wait in the queue (see casedesk config)"),
					    set.from, (long long)pending);
		return cd_error_set(&c->err, pending ? CD_EPENDING : CD_EINPUT,
				    _("no [gateway] url in %s nor in %s: %lld checks wait in the queue (see casedesk config)"),
				    path, set.from, (long long)pending);
	}
	if (set.token_file[0] && (rc = read_token(set.token_file, token, sizeof token, &c->err)))
		return rc;
	memset(&gw, 0, sizeof gw);
	gw.base_url = set.url;
	gw.client_cert = set.client_cert[0] ? set.client_cert : NULL;
	gw.client_key = set.client_key[0] ? set.client_key : NULL;
	gw.ca_file = set.ca_file[0] ? set.ca_file : NULL;
	gw.bearer_token = token[0] ? token : NULL;
	gw.connect_timeout_ms = set.connect_timeout_s * 1000;
	gw.total_timeout_ms = set.total_timeout_s * 1000;
	gw.max_reply_bytes = (size_t)set.max_reply_kb * 1024;
	gw.max_parallel = parallel ? (int)parallel : set.parallel;
	gw.on_idle = on_idle;
	if (getrandom(&r.rnd, sizeof r.rnd, 0) != (ssize_t)sizeof r.rnd)
		r.rnd = (uint32_t)time(NULL);
	r.c = c;
	char gw_host[256];
	gateway_host(set.url, gw_host, sizeof gw_host);
	r.gateway = gw_host;
	if (watch) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	int first = 1;
	do {
		size_t cap = limit ? (size_t)limit : SIZE_MAX;
		/* --all asks each pending check once, due or not: a retried one waits for its turn. */
		if (first && all) {
			if ((rc = checkqueue_pending_count(c->store, &pending, &c->err)))
				break;
			if ((size_t)pending < cap)
				cap = (size_t)pending;
		}
		if ((rc = run_pass(c, &gw, cap, first && all, &r)))
			break;
		first = 0;
		print_summary(c, &r);
		if (!watch || stop_asked)
			break;
		/* Sleep until the next try falls due, a minute at most: new cases queue meanwhile. */
		int64_t when = 0, now = (int64_t)time(NULL);
		if ((rc = checkqueue_next_due(c->store, &c->actor, &when, &c->err)))
			break;
		int64_t wait = when > now ? when - now : 60;
		if (wait > 60)
			wait = 60;
		struct timespec ts = { .tv_sec = (time_t)wait, .tv_nsec = 0 };
		while (!stop_asked && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		memset(&r, 0, sizeof r);
		r.c = c;
		r.gateway = gw_host;
		r.rnd = (uint32_t)now | 1u;
	} while (!stop_asked);
	if (rc)
		return rc;
	if (c->json) {
		printf("{\"asked\":%zu,\"clear\":%zu,\"hit\":%zu,\"retry\":%zu,\"failed\":%zu}\n", r.asked, r.clear, r.hit,
		       r.retry, r.failed);
		c->json_written = 1;
	}
	if ((rc = checkqueue_pending_count(c->store, &pending, &c->err)))
		return rc;
	if (r.retry || r.failed || pending)
		return cd_error_set(&c->err, CD_EPENDING,
				    _("some checks are not answered: %lld wait in the queue, %zu failed "
				      "(casedesk check list NUMBER says why)"), (long long)pending, r.failed);
	return CD_OK;
}

int check_hits_cmd(struct cli *c)
{
	static const char usage[] = "check hits";
	struct cq_hit *v = NULL;
	size_t n = 0;
	int rc;

	if ((rc = cli_positional(c, 0, 0, usage)) || (rc = cli_open_acting(c)) ||
	    (rc = checkqueue_hits(c->store, &c->actor, &v, &n, &c->err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct cq_hit *h = &v[i];
		/* Every text from the store: shown, never executed. */
		out_safe_pad(stdout, h->case_number, 22);
		fputc(' ', stdout);
		out_safe_pad(stdout, h->list, 20);
		fputc(' ', stdout);
		out_safe_pad(stdout, h->source ? h->source : "-", 8);
		fputc(' ', stdout);
		out_safef(stdout, "%.16s", h->answered_at ? h->answered_at : "-");
		if (h->note && h->note[0])
			out_safef(stdout, "  %s", h->note);
		fputc('\n', stdout);
	}
	printf(ngettext("%zu hit to review (casedesk check clear NUMBER --list L --reason TEXT)\n",
			"%zu hits to review (casedesk check clear NUMBER --list L --reason TEXT)\n", (unsigned long)n), n);
	checkqueue_hits_free(v, n);
	return CD_OK;
}

int check_requeue_cmd(struct cli *c)
{
	static const char usage[] = "check requeue NUMBER --list L";
	const char *list = cli_take(c, "--list");
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!list)
		return cd_error_set(&c->err, CD_EUSAGE, _("--list is required: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = checks_requeue(c->store, &c->actor, &(struct cd_check_answer){ .number = c->argv[1], .list = list },
				 &c->err)))
		return rc;
	out_safef(stdout, _("%s: the check on %s is queued again\n"), c->argv[1], list);
	return CD_OK;
}
