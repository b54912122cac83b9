/*
 * gateway_run.c - the transfers to the country's check gateway (issue 16) with libcurl's multi
 * interface: one multi handle per run, so connections (and TLS sessions) are kept and
 * reused from one check to the next; at most max_parallel transfers in flight; HTTP/2
 * where the gateway offers it over TLS (several checks then share one connection).
 *
 * Every transfer is HTTPS only, with the gateway's CA pinned (the system's CAs and CA
 * directory are not consulted), peer and host verified, a client certificate for mutual
 * TLS, connect and total time-outs and a cap on the reply (a longer reply is cut off in
 * the write callback, not read on).  Each request ends in exactly one answer: CLEAR or HIT
 * from a 2xx reply the parser (gateway.c) accepts; RETRY for anything that may go
 * away (network, TLS, time-outs, 429/503 with Retry-After, other 5xx, a malformed or
 * oversized reply); FAILED for a refusal that asking again will not change (4xx other than
 * 429).  Reasons name files, hosts and HTTP statuses, never what was asked.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/net/gateway.h"

#define DEFAULT_CONNECT_MS 5000L
#define DEFAULT_TOTAL_MS 20000L
#define DEFAULT_MAX_REPLY 65536u
/* 0 in cd_gw_config: enough in flight that 1,000 checks answered in 100 ms each drain in
 * under 4 s on loopback (tests/bench/bench_gateway.sh); with HTTP/2 they share one
 * connection, with HTTP/1.1 each in-flight check holds one. */
#define DEFAULT_PARALLEL 64
#define MAX_PARALLEL 256

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* libcurl's global set-up is not to be run twice nor beside other threads' transfers:
 * once per process, never cleaned up (the process's exit does that). */
static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct xfer {
	size_t index;
	CURL *easy;
	struct curl_slist *headers;
	struct cd_buf body;            /* the request's JSON */
	struct cd_buf reply;           /* the reply, at most max_reply bytes */
	size_t max_reply;
	int too_big;                   /* the reply went past max_reply: cut off */
	long retry_after;              /* from the last response's Retry-After, -1 none */
	char errbuf[CURL_ERROR_SIZE];
};

struct run {
	const struct cd_gw_config *cfg;
	char url_doc[1024], url_person[1024];
	char host[256];                /* for reasons: where we tried to go */
	long connect_ms, total_ms;
	size_t max_reply;
	int parallel;
	char *auth_header;             /* "Authorization: Bearer ..." or NULL */
};

static size_t on_write(char *data, size_t size, size_t n, void *userp)
{
	struct xfer *x = userp;
	size_t len = size * n;

	if (x->reply.len + len > x->max_reply) {
		x->too_big = 1;
		return 0;              /* CURLE_WRITE_ERROR: the transfer stops here */
	}
	if (buf_add(&x->reply, data, len) != 0)
		return 0;
	return len;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3); -1 when neither. */
static long parse_retry_after(const char *v, size_t n)
{
	char tmp[128];
	size_t i;
	time_t when;
	long secs = 0;

	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	for (i = 0; i < n && isdigit((unsigned char)tmp[i]); i++) {
		if (secs > 86400L * 365)
			return 86400L * 365;
		secs = secs * 10 + (tmp[i] - '0');
	}
	if (i == n)
		return secs;
	if (i != 0)
		return -1;
	when = curl_getdate(tmp, NULL);
	if (when == (time_t)-1)
		return -1;
	secs = (long)(when - time(NULL));
	return secs < 0 ? 0 : secs;
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	struct xfer *x = userp;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		x->retry_after = -1;   /* a new response (after a 100 Continue): forget the old */
	else if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0)
		x->retry_after = parse_retry_after(data + sizeof name - 1, len - (sizeof name - 1));
	return len;
}

/* Header values: no control characters (they would split the header); bytes beyond ASCII
 * and '%' are percent-encoded so a purpose in any language goes out as plain ASCII. */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	struct cd_buf b = CD_BUF_INIT;
	struct curl_slist *l;
	const unsigned char *p;
	int rc = -1;

	buf_printf(&b, "%s: ", name);
	for (p = (const unsigned char *)(value ? value : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_add(&b, " ", 1);
		else if (*p >= 0x80 || *p == '%')
			buf_printf(&b, "%%%02X", *p);
		else
			buf_add(&b, (const char *)p, 1);
	}
	if (b.failed)
		goto out;
	l = curl_slist_append(*list, buf_str(&b));
	if (!l)
		goto out;
	*list = l;
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

static int write_body(const struct cd_gw_request *r, struct cd_buf *b)
{
	struct json_writer w;

	json_init(&w, b);
	json_object(&w);
	if (r->kind == CD_GW_DOCUMENT) {
		json_kv_string(&w, "number", r->number);
		json_kv_string(&w, "issuer", r->issuer);
		json_kv_string(&w, "kind", r->doc_kind);
	} else {
		json_kv_string(&w, "surname", r->surname);
		json_kv_string(&w, "given", r->given);
		json_kv_string(&w, "dob", r->dob);
		json_kv_string(&w, "nationality", r->nationality);
		json_kv_int(&w, "threshold", r->threshold);
	}
	json_object_end(&w);
	return json_done(&w, NULL);
}

static int uuid_ok(const char *u)
{
	size_t n = 0;

	if (!u)
		return 0;
	for (; u[n]; n++)
		if (!(isalnum((unsigned char)u[n]) || u[n] == '-' || u[n] == '_' || u[n] == '.'))
			return 0;
	return n > 0 && n <= 128;
}

static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	buf_release(&x->body);
	buf_release(&x->reply);
	free(x);
}

/* Sets up one transfer; NULL with the reason in `reason` when it cannot be. */
static struct xfer *xfer_new(struct run *run, const struct cd_gw_request *r, size_t index, CURLSH *share,
			     char *reason, size_t reason_cap, int *permanent)
{
	const struct cd_gw_config *cfg = run->cfg;
	struct xfer *x = calloc(1, sizeof *x);
	CURL *e;
	CURLcode c = CURLE_OK;

	if (!x) {
		snprintf(reason, reason_cap, "%s", _("out of memory setting up the check"));
		return NULL;
	}
	x->index = index;
	x->retry_after = -1;
	x->max_reply = run->max_reply;
	buf_init(&x->body, 64 * 1024);
	buf_init(&x->reply, run->max_reply + 1);
	if (r->kind != CD_GW_DOCUMENT && r->kind != CD_GW_PERSON) {
		snprintf(reason, reason_cap, "%s", _("the check is of an unknown kind"));
		*permanent = 1;
		goto fail;
	}
	if (!uuid_ok(r->uuid)) {
		snprintf(reason, reason_cap, "%s", _("the check has no usable uuid for its Idempotency-Key"));
		*permanent = 1;
		goto fail;
	}
	if (write_body(r, &x->body) != CD_OK) {
		snprintf(reason, reason_cap, "%s", _("the check's request could not be written (too long?)"));
		*permanent = 1;
		goto fail;
	}
	if (add_header(&x->headers, "Content-Type", "application/json") ||
	    add_header(&x->headers, "Accept", "application/json") ||
	    add_header(&x->headers, "Idempotency-Key", r->uuid) ||
	    add_header(&x->headers, "X-Purpose", r->purpose) ||
	    add_header(&x->headers, "Expect", "") ||
	    (run->auth_header && !(x->headers = curl_slist_append(x->headers, run->auth_header)))) {
		snprintf(reason, reason_cap, "%s", _("out of memory setting up the check"));
		goto fail;
	}
	e = x->easy = curl_easy_init();
	if (!e) {
		snprintf(reason, reason_cap, "%s", _("libcurl could not set up a transfer"));
		goto fail;
	}
#define SET(opt, val) do { if (c == CURLE_OK) c = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_URL, r->kind == CD_GW_DOCUMENT ? run->url_doc : run->url_person);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDS, buf_str(&x->body));
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
	SET(CURLOPT_HTTPHEADER, x->headers);
	SET(CURLOPT_USERAGENT, "casedesk");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, 1L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_CAINFO, cfg->ca_file);
	SET(CURLOPT_CAPATH, (char *)NULL);
	if (cfg->client_cert) {
		SET(CURLOPT_SSLCERT, cfg->client_cert);
		SET(CURLOPT_SSLCERTTYPE, "PEM");
		SET(CURLOPT_SSLKEY, cfg->client_key ? cfg->client_key : cfg->client_cert);
		SET(CURLOPT_SSLKEYTYPE, "PEM");
	}
	SET(CURLOPT_CONNECTTIMEOUT_MS, run->connect_ms);
	SET(CURLOPT_TIMEOUT_MS, run->total_ms);
	/* A reply announcing more than the cap is refused before its body is read. */
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)run->max_reply);
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	/* Loopback never goes through a proxy the environment names. */
	SET(CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
	if (share)
		SET(CURLOPT_SHARE, share);
#undef SET
	if (c != CURLE_OK) {
		snprintf(reason, reason_cap, _("libcurl refused a transfer option: %s"), curl_easy_strerror(c));
		goto fail;
	}
	return x;
fail:
	xfer_free(x);
	return NULL;
}

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* The answer to a transfer libcurl finished with `res`. */
static void conclude(struct run *run, struct xfer *x, CURLcode res, const struct cd_gw_request *r,
		     struct cd_gw_answer *a)
{
	const struct cd_gw_config *cfg = run->cfg;
	const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);
	long status = 0;

	memset(a, 0, sizeof *a);
	a->outcome = CD_GW_RETRY;
	a->retry_after_s = -1;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (res == CURLE_OK) {
		a->http_status = status;
		if (status >= 200 && status < 300) {
			gateway_parse_reply(r->kind, x->reply.data, x->reply.len, a);
			a->http_status = status;
			return;
		}
		a->retry_after_s = x->retry_after;
		if (status == 429 || status == 503) {
			if (x->retry_after >= 0)
				snprintf(a->reason, sizeof a->reason,
					 _("the gateway at %s is busy (HTTP %ld) and asks to wait %ld s"),
					 run->host, status, x->retry_after);
			else
				snprintf(a->reason, sizeof a->reason, _("the gateway at %s is busy (HTTP %ld)"),
					 run->host, status);
		} else if (status >= 500) {
			snprintf(a->reason, sizeof a->reason, _("the gateway at %s failed (HTTP %ld); it will be asked again"),
				 run->host, status);
		} else if (status >= 400) {
			a->outcome = CD_GW_FAILED;
			if (status == 401 || status == 403)
				snprintf(a->reason, sizeof a->reason,
					 _("the gateway at %s refused casedesk (HTTP %ld): check the bearer token and the client certificate %s"),
					 run->host, status, cfg->client_cert ? cfg->client_cert : _("(none set)"));
			else
				snprintf(a->reason, sizeof a->reason,
					 _("the gateway at %s refused the check for good (HTTP %ld)"), run->host, status);
		} else {
			snprintf(a->reason, sizeof a->reason,
				 _("the gateway at %s answered with HTTP %ld, which casedesk does not follow: check the gateway's address"),
				 run->host, status);
		}
		return;
	}
	a->http_status = status;
	switch (res) {
	case CURLE_FILESIZE_EXCEEDED:
		x->too_big = 1;
		/* fall through */
	case CURLE_WRITE_ERROR:
		if (x->too_big) {
			snprintf(a->reason, sizeof a->reason,
				 _("the gateway's reply was longer than %zu bytes and was cut off"), run->max_reply);
			return;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(a->reason, sizeof a->reason, _("the gateway at %s did not answer in time (connect %ld ms, total %ld ms)"),
			 run->host, run->connect_ms, run->total_ms);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(a->reason, sizeof a->reason, _("the gateway's host %s could not be found (DNS)"), run->host);
		return;
	case CURLE_COULDNT_CONNECT:
		snprintf(a->reason, sizeof a->reason, _("could not connect to the gateway at %s (is it up? %s)"), run->host, why);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		if (contains(why, "subject name") || contains(why, "hostname"))
			snprintf(a->reason, sizeof a->reason,
				 _("the gateway's certificate is not made out to %s (%s)"), run->host, why);
		else
			snprintf(a->reason, sizeof a->reason,
				 _("the gateway's certificate is not signed by the pinned CA %s (%s)"), cfg->ca_file, why);
		return;
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(a->reason, sizeof a->reason, _("the pinned CA file %s could not be read (%s)"), cfg->ca_file, why);
		return;
	case CURLE_SSL_CERTPROBLEM:
		snprintf(a->reason, sizeof a->reason, _("the client certificate %s or its key %s could not be used (%s)"),
			 cfg->client_cert ? cfg->client_cert : "-", cfg->client_key ? cfg->client_key : "-", why);
		return;
	default:
		break;
	}
	/* The TLS errors that say the gateway refused our certificate come as handshake or,
	 * with TLS 1.3, read errors: name the file to look at. */
	if (contains(why, "certificate required") || contains(why, "bad certificate") ||
	    contains(why, "unknown ca") || contains(why, "certificate unknown")) {
		snprintf(a->reason, sizeof a->reason,
			 _("the gateway at %s refused the client certificate %s (%s)"), run->host,
			 cfg->client_cert ? cfg->client_cert : _("(none set)"), why);
	} else if (contains(why, "certificate verify failed") || contains(why, "self-signed") ||
		   contains(why, "unable to get local issuer")) {
		snprintf(a->reason, sizeof a->reason,
			 _("the gateway's certificate is not signed by the pinned CA %s (%s)"), cfg->ca_file, why);
	} else if (!cfg->client_cert && (res == CURLE_SSL_CONNECT_ERROR || res == CURLE_RECV_ERROR ||
					 res == CURLE_SEND_ERROR || res == CURLE_GOT_NOTHING)) {
		snprintf(a->reason, sizeof a->reason,
			 _("the gateway at %s closed the connection: it asks for a client certificate and none is set (%s)"),
			 run->host, why);
	} else if (res == CURLE_SSL_CONNECT_ERROR) {
		snprintf(a->reason, sizeof a->reason, _("the TLS handshake with the gateway at %s failed (%s)"),
			 run->host, why);
	} else if (res == CURLE_GOT_NOTHING || res == CURLE_RECV_ERROR || res == CURLE_SEND_ERROR ||
		   res == CURLE_PARTIAL_FILE || res == CURLE_HTTP2 || res == CURLE_HTTP2_STREAM) {
		long fresh = 0;
		curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &fresh);
		/* With TLS 1.3 the gateway checks our certificate after the handshake looks done
		 * to us: its refusal arrives as a broken connection.  Name the file when it can be. */
		if (fresh > 0)
			snprintf(a->reason, sizeof a->reason,
				 _("the connection to the gateway at %s broke off before an answer; if this repeats, the gateway may be refusing the client certificate %s (%s)"),
				 run->host, cfg->client_cert ? cfg->client_cert : _("(none set)"), why);
		else
			snprintf(a->reason, sizeof a->reason, _("the connection to the gateway at %s broke off (%s)"),
				 run->host, why);
	} else {
		snprintf(a->reason, sizeof a->reason, _("the transfer to the gateway at %s failed (%s)"), run->host, why);
	}
}

/* msg names the file with its one %s. */
static int check_file(const char *path, const char *msg, struct cd_error *err)
{
	if (access(path, R_OK) != 0)
		return cd_error_set(err, CD_EINPUT, msg, path);
	return CD_OK;
}

static int has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Checks the config and fills run: the URLs, the host for reasons, the defaults. */
static int prepare(const struct cd_gw_config *cfg, struct run *run, struct cd_error *err)
{
	const char *base = cfg ? cfg->base_url : NULL, *h, *end;
	size_t blen;
	int n;

	memset(run, 0, sizeof *run);
	run->cfg = cfg;
	if (!base || !*base)
		return cd_error_set(err, CD_EINPUT, _("no gateway address is set (gateway base URL)"));
	if (strncasecmp(base, "https://", 8) != 0)
		return cd_error_set(err, CD_EINPUT,
				    _("the gateway address must start with https:// (checks never go out unencrypted)"));
	if (has_control(base) || strchr(base, ' ') || strchr(base, '?') || strchr(base, '#'))
		return cd_error_set(err, CD_EINPUT, _("the gateway address is not a plain https:// URL"));
	blen = strlen(base);
	while (blen > 8 && base[blen - 1] == '/')
		blen--;
	h = base + 8;
	end = h + strcspn(h, "/");
	/* user:password@ in the address never goes into a reason. */
	for (const char *at = h; at < end; at++)
		if (*at == '@')
			h = at + 1;
	if (end == h || (size_t)(end - h) >= sizeof run->host)
		return cd_error_set(err, CD_EINPUT, _("the gateway address names no host"));
	memcpy(run->host, h, (size_t)(end - h));
	run->host[end - h] = '\0';
	n = snprintf(run->url_doc, sizeof run->url_doc, "%.*s/v1/documents/check", (int)blen, base);
	if (n < 0 || (size_t)n >= sizeof run->url_doc)
		return cd_error_set(err, CD_EINPUT, _("the gateway address is too long"));
	snprintf(run->url_person, sizeof run->url_person, "%.*s/v1/persons/match", (int)blen, base);
	if (!cfg->ca_file || !*cfg->ca_file)
		return cd_error_set(err, CD_EINPUT, _("no CA file is set for the gateway: its CA must be pinned"));
	if (check_file(cfg->ca_file, _("the gateway's CA file %s cannot be read"), err) ||
	    (cfg->client_cert && check_file(cfg->client_cert, _("the client certificate %s cannot be read"), err)) ||
	    (cfg->client_key && check_file(cfg->client_key, _("the client key %s cannot be read"), err)))
		return CD_EINPUT;
	if (cfg->bearer_token && *cfg->bearer_token) {
		struct cd_buf b = CD_BUF_INIT;
		if (has_control(cfg->bearer_token))
			return cd_error_set(err, CD_EINPUT, _("the gateway's bearer token holds a control character"));
		buf_printf(&b, "Authorization: Bearer %s", cfg->bearer_token);
		if (b.failed) {
			buf_release(&b);
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		}
		run->auth_header = buf_detach(&b);
	}
	run->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS;
	run->total_ms = cfg->total_timeout_ms > 0 ? cfg->total_timeout_ms : DEFAULT_TOTAL_MS;
	run->max_reply = cfg->max_reply_bytes > 0 ? cfg->max_reply_bytes : DEFAULT_MAX_REPLY;
	run->parallel = cfg->max_parallel > 0 ? cfg->max_parallel : DEFAULT_PARALLEL;
	if (run->parallel > MAX_PARALLEL)
		run->parallel = MAX_PARALLEL;
	return CD_OK;
}

int gateway_run(const struct cd_gw_config *cfg, const struct cd_gw_request *reqs, size_t n,
		cd_gw_on_answer on_answer, void *ctx, struct cd_error *err)
{
	struct run run;
	CURLM *multi = NULL;
	CURLSH *share = NULL;
	struct xfer **slots = NULL;    /* the transfers in flight, to abandon on a stop */
	size_t next = 0, in_flight = 0;
	int rc, running = 0;

	rc = prepare(cfg, &run, err);
	if (rc != CD_OK)
		goto out;
	if (!on_answer || (n && !reqs)) {
		rc = cd_error_set(err, CD_EINTERNAL, _("gateway_run called without requests or a callback"));
		goto out;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		rc = cd_error_set(err, CD_EINTERNAL, _("libcurl could not start: %s"), curl_easy_strerror(global_rc));
		goto out;
	}
	slots = calloc((size_t)run.parallel, sizeof *slots);
	multi = curl_multi_init();
	if (!multi || !slots) {
		rc = cd_error_set(err, CD_EINTERNAL, _("libcurl could not start a multi handle"));
		goto out;
	}
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)run.parallel);
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)run.parallel);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)run.parallel);
	/* TLS sessions and DNS answers shared between the run's transfers: a new connection
	 * to the same gateway resumes the session instead of a full handshake. */
	share = curl_share_init();
	if (share) {
		curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
		curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	}

	while (next < n || in_flight > 0) {
		CURLMsg *msg;
		int left;
		CURLMcode mc;

		/* Fill the free slots. */
		while (next < n && in_flight < (size_t)run.parallel) {
			struct cd_gw_answer a;
			struct xfer *x;
			int permanent = 0;

			memset(&a, 0, sizeof a);
			x = xfer_new(&run, &reqs[next], next, share, a.reason, sizeof a.reason, &permanent);
			if (x && curl_multi_add_handle(multi, x->easy) != CURLM_OK) {
				snprintf(a.reason, sizeof a.reason, "%s", _("libcurl could not take the transfer"));
				xfer_free(x);
				x = NULL;
			}
			if (!x) {
				a.outcome = permanent ? CD_GW_FAILED : CD_GW_RETRY;
				a.retry_after_s = -1;
				rc = on_answer(ctx, next++, &a);
				if (rc != 0)
					goto out;
				continue;
			}
			for (size_t s = 0; s < (size_t)run.parallel; s++)
				if (!slots[s]) {
					slots[s] = x;
					break;
				}
			next++;
			in_flight++;
		}
		if (in_flight == 0)
			continue;
		mc = curl_multi_perform(multi, &running);
		if (mc != CURLM_OK) {
			rc = cd_error_set(err, CD_EINTERNAL, _("libcurl failed: %s"), curl_multi_strerror(mc));
			goto out;
		}
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct xfer *x = NULL;
			struct cd_gw_answer a;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			conclude(&run, x, msg->data.result, &reqs[x->index], &a);
			curl_multi_remove_handle(multi, x->easy);
			for (size_t s = 0; s < (size_t)run.parallel; s++)
				if (slots[s] == x)
					slots[s] = NULL;
			in_flight--;
			rc = on_answer(ctx, x->index, &a);
			gateway_answer_release(&a);
			xfer_free(x);
			if (rc != 0)
				goto out;
		}
		if (running > 0 && (next >= n || in_flight >= (size_t)run.parallel)) {
			/* Nothing to hand over until the network says more: the caller lets go of
			 * what it must not hold across the wait (cd_gw_on_idle). */
			if (cfg->on_idle && (rc = cfg->on_idle(ctx)) != 0)
				goto out;
			mc = curl_multi_poll(multi, NULL, 0, 1000, NULL);
			if (mc != CURLM_OK) {
				rc = cd_error_set(err, CD_EINTERNAL, _("libcurl failed: %s"), curl_multi_strerror(mc));
				goto out;
			}
		}
	}
	rc = CD_OK;
out:
	if (multi) {
		/* Transfers still in flight (a stop asked by on_answer, or a failure): abandoned. */
		for (size_t s = 0; slots && s < (size_t)run.parallel; s++)
			if (slots[s]) {
				curl_multi_remove_handle(multi, slots[s]->easy);
				xfer_free(slots[s]);
			}
		curl_multi_cleanup(multi);
	}
	if (share)
		curl_share_cleanup(share);
	free(slots);
	free(run.auth_header);
	return rc;
}
