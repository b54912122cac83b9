/*
 * gateway.h - asking the country's check gateway over HTTPS (issue 16): a document
 * against the lost/stolen lists, a person against the watchlists.  casedesk speaks one
 * documented API (README, "External checks") that a country puts its gateway behind:
 *
 *   POST {base}/v1/documents/check  {"number","issuer","kind"}
 *        -> {"result":"clear"|"hit","list","reference","checked_at"}
 *   POST {base}/v1/persons/match    {"surname","given","dob","nationality","threshold"}
 *        -> {"result":"clear"|"hit","matches":[{"score","list","reference"}]}
 *
 * Every request carries Idempotency-Key (the check's uuid) and X-Purpose.  Mutual TLS
 * (client certificate and key, the gateway's CA pinned), optionally a bearer token.
 *
 * This module owns the transfers (libcurl's multi interface: bounded concurrency,
 * connection reuse, HTTP/2 where offered, time-outs, a cap on the reply) and the reply
 * parser.  It knows nothing of the store: the queue (model/store/checkqueue) picks the
 * due checks, app/cmd_check.c hands them here and records each answer as it comes.
 * No SQL, no drawing, no personal data in any reason text.
 */
#ifndef CD_GATEWAY_H
#define CD_GATEWAY_H

#include <stddef.h>

#include "model/base/error.h"

enum cd_gw_kind { CD_GW_DOCUMENT = 1, CD_GW_PERSON = 2 };

/*
 * Called before each wait for the network (curl_multi_poll), whenever no answer is ready to
 * hand over, with on_answer's ctx: the caller ends there whatever it must not hold across a
 * wait of up to a transfer's time-out - a store write transaction above all, which would
 * keep every other desk from writing while a slow gateway thinks.  A non-zero return stops
 * the run as on_answer's does.  NULL: nothing to do.
 */
typedef int (*cd_gw_on_idle)(void *ctx);

/* Where and how to ask; strings borrowed.  Zero/NULL fields take the defaults noted. */
struct cd_gw_config {
	const char *base_url;       /* https://gateway.example/api (no trailing slash needed) */
	const char *client_cert;    /* PEM: mutual TLS; NULL sends none (the gateway refuses) */
	const char *client_key;     /* PEM */
	const char *ca_file;        /* the gateway's CA, pinned: the system's CAs are not used */
	const char *bearer_token;   /* OAuth2 bearer token, or NULL */
	long connect_timeout_ms;    /* 0: 5000 */
	long total_timeout_ms;      /* 0: 20000 */
	size_t max_reply_bytes;     /* 0: 65536; a longer reply is an error, not read on */
	int max_parallel;           /* 0: 64 (the bench's target on loopback); transfers in flight at once */
	cd_gw_on_idle on_idle;      /* see above; NULL: none */
};

/* One check to ask; strings borrowed. */
struct cd_gw_request {
	enum cd_gw_kind kind;
	const char *uuid;           /* the check's uuid: Idempotency-Key, the same on every retry */
	const char *purpose;        /* X-Purpose, e.g. "asylum case AS-2026-000123 opened" (no names) */
	/* CD_GW_DOCUMENT */
	const char *number, *issuer, *doc_kind;
	/* CD_GW_PERSON */
	const char *surname, *given, *dob, *nationality;
	int threshold;              /* 0-100 */
};

enum cd_gw_outcome {
	CD_GW_CLEAR = 1,            /* answered: nothing found */
	CD_GW_HIT,                  /* answered: found (list, reference, matches) */
	CD_GW_RETRY,                /* not answered, ask again later: network, time-out, TLS,
	                               429/503/5xx, a malformed or oversized reply */
	CD_GW_FAILED                /* refused for good (4xx other than 429): do not ask again */
};

/* A person's reply listing more matches than this is refused as malformed. */
#define CD_GW_MAX_MATCHES 100

struct cd_gw_match {
	int score;                  /* 0-100 */
	char list[64];
	char reference[128];
};

/* One answer; gateway_answer_release frees matches. */
struct cd_gw_answer {
	enum cd_gw_outcome outcome;
	long http_status;           /* 0 when no HTTP answer came */
	long retry_after_s;         /* from Retry-After (seconds or HTTP date); -1 when none */
	char list[64];              /* document: the list that answered; person: the first match's */
	char reference[128];
	char checked_at[40];        /* the gateway's time, as sent */
	struct cd_gw_match *matches;
	size_t n_matches;
	char reason[256];           /* RETRY/FAILED: what went wrong, in words a person can act on
	                               ("the gateway's certificate is not signed by the pinned CA
	                               /etc/casedesk/gateway-ca.pem"); never personal data */
};

/*
 * Called once per request as its transfer completes (in completion order, not request
 * order): `index` is the request's place in reqs.  A non-zero return stops the run (the
 * transfers still in flight are abandoned; their checks stay queued) and is returned.
 */
typedef int (*cd_gw_on_answer)(void *ctx, size_t index, const struct cd_gw_answer *answer);

/*
 * Asks reqs[0..n) with at most cfg->max_parallel in flight.  Each request ends in exactly
 * one on_answer call, whatever the network did.  CD_OK when every request was answered
 * (an answer may be RETRY or FAILED); CD_EINPUT for a config that cannot work (no base
 * URL, an http:// URL, an unreadable CA, certificate or key file - named); CD_EINTERNAL
 * when libcurl itself fails to start.
 */
int gateway_run(const struct cd_gw_config *cfg, const struct cd_gw_request *reqs, size_t n,
		cd_gw_on_answer on_answer, void *ctx, struct cd_error *err);

/*
 * The reply parser alone (the libFuzzer target's entry): fills `out` from a 2xx body of
 * `len` bytes (not NUL-terminated).  CD_OK with outcome CLEAR or HIT; CD_EINPUT, with
 * out->outcome CD_GW_RETRY and out->reason saying what was wrong, for anything else.
 */
int gateway_parse_reply(enum cd_gw_kind kind, const char *body, size_t len, struct cd_gw_answer *out);

void gateway_answer_release(struct cd_gw_answer *a);

#endif
