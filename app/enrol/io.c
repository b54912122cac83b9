/*
 * io.c - casedesk-enrol's side of the line protocol (protocol.h): the reader thread that
 * takes lines from stdin, answers `cancel` and `status` at once and queues every other
 * request for the main thread, one at a time (a second one while the first runs gets 101
 * busy); the replies and events written to stdout; and the cancellation and timeout of
 * the device call that waits.  The devices (finger.c, face.c, camera.c) and main.c use
 * it; it uses none of them, so main -> devices -> io has no way back.
 */
#include "app/enrol/io.h"
#include "model/base/json.h"

#include <errno.h>
#include <gio/gio.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GAsyncQueue *queue;          /* struct bw_msg * for the main thread; &quit_marker at the end */
static struct bw_msg quit_marker;
static int busy;                     /* a request is queued or running (under lock) */
static char busy_cmd[32];
static int cancel_flag;              /* a cancel arrived for the running request */
static GCancellable *op_cancel;      /* the device call that waits, if any (main thread) */
static int op_timed_out;
static guint op_timer;

/* ---- output ------------------------------------------------------------------------ */

void enrol_write_raw(const char *text, size_t n)
{
	static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&out);
	while (n) {
		ssize_t w = write(STDOUT_FILENO, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;          /* casedesk went away; the next read of stdin ends us */
		text += w;
		n -= (size_t)w;
	}
	pthread_mutex_unlock(&out);
}

static void send_line(const struct enrol_req *r, struct cd_buf *members)
{
	struct cd_buf line;
	buf_init(&line, BW_LINE_MAX);
	buf_printf(&line, "{\"id\":%s", r ? r->id : "null");
	if (members && members->len)
		buf_printf(&line, ",%s", buf_str(members));
	buf_puts(&line, "}\n");
	if (line.failed) {
		buf_reset(&line);
		buf_printf(&line, "{\"id\":%s,\"error\":%d,\"reason\":\"reply too long\"}\n", r ? r->id : "null",
			   BW_EINTERNAL);
	}
	enrol_write_raw(buf_str(&line), line.len);
	buf_release(&line);
}

void enrol_send(struct enrol_req *r, struct cd_buf *members)
{
	if (r->running) {
		pthread_mutex_lock(&lock);
		busy = 0;
		pthread_mutex_unlock(&lock);
	}
	r->replied = 1;
	send_line(r, members);
}

void enrol_event(const struct enrol_req *r, struct cd_buf *members)
{
	send_line(r, members);
}

void enrol_reply_error(struct enrol_req *r, int code, const char *reason)
{
	struct cd_buf b = CD_BUF_INIT;
	buf_printf(&b, "\"error\":%d", code);
	if (reason) {
		buf_puts(&b, ",\"reason\":");
		json_buf_string(&b, reason);
	}
	enrol_send(r, &b);
	buf_release(&b);
}

/* The request's id as JSON text: a number as it came, a string re-quoted, else null. */
void enrol_take_id(const struct bw_msg *m, struct enrol_req *r)
{
	const struct bw_value *v = m ? bw_get(m, "id") : NULL;
	snprintf(r->id, sizeof r->id, "null");
	/* Whole numbers up to 2^53 only: beyond it a double is no longer every integer, and
	 * converting one past long long's range is undefined. */
	if (v && v->type == BW_NUM && fabs(v->num) <= 9007199254740992.0 && v->num == floor(v->num)) {
		snprintf(r->id, sizeof r->id, "%lld", (long long)v->num);
	} else if (v && v->type == BW_STR && strlen(v->str) < 64) {
		struct cd_buf b = CD_BUF_INIT;
		json_buf_string(&b, v->str);
		/* Escaping can make it longer than r->id: cut, it would end the reply's JSON mid-string. */
		if (!b.failed && b.len < sizeof r->id)
			snprintf(r->id, sizeof r->id, "%s", buf_str(&b));
		buf_release(&b);
	}
}

/* ---- cancellation and timeouts ----------------------------------------------------- */

static gboolean on_timeout(gpointer data)
{
	(void)data;
	op_timer = 0;
	op_timed_out = 1;
	if (op_cancel)
		g_cancellable_cancel(op_cancel);
	return G_SOURCE_REMOVE;
}

static gboolean on_cancel(gpointer data)
{
	(void)data;
	if (op_cancel)
		g_cancellable_cancel(op_cancel);
	return G_SOURCE_REMOVE;
}

void *enrol_op_begin(int timeout_ms)
{
	GCancellable *c = g_cancellable_new();
	pthread_mutex_lock(&lock);
	op_cancel = c;
	op_timed_out = 0;
	if (cancel_flag)
		g_cancellable_cancel(c);
	pthread_mutex_unlock(&lock);
	if (timeout_ms > 0)
		op_timer = g_timeout_add((guint)timeout_ms, on_timeout, NULL);
	return c;
}

int enrol_op_end(void *cancellable)
{
	int rc = 0;
	if (op_timer) {
		g_source_remove(op_timer);
		op_timer = 0;
	}
	pthread_mutex_lock(&lock);
	if (op_timed_out)
		rc = BW_ETIMEOUT;
	else if (cancel_flag)
		rc = BW_ECANCELLED;
	op_cancel = NULL;
	pthread_mutex_unlock(&lock);
	/* Let a cancel that was queued for this call run now, while nothing waits. */
	while (g_main_context_pending(NULL))
		g_main_context_iteration(NULL, FALSE);
	g_object_unref(cancellable);
	return rc;
}

int enrol_cancel_requested(void)
{
	pthread_mutex_lock(&lock);
	int c = cancel_flag;
	pthread_mutex_unlock(&lock);
	return c;
}

/* ---- the reader thread -------------------------------------------------------------- */

static void answer_now(const struct bw_msg *m, const char *cmd)
{
	struct enrol_req r = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	enrol_take_id(m, &r);
	pthread_mutex_lock(&lock);
	if (strcmp(cmd, "cancel") == 0) {
		int running = busy;
		if (running) {
			cancel_flag = 1;
			g_main_context_invoke(NULL, on_cancel, NULL);
		}
		buf_printf(&b, "\"error\":0,\"cancelled\":%s", running ? "true" : "false");
	} else {
		buf_printf(&b, "\"error\":0,\"busy\":%s,\"cmd\":", busy ? "true" : "false");
		if (busy)
			json_buf_string(&b, busy_cmd);
		else
			buf_puts(&b, "null");
	}
	pthread_mutex_unlock(&lock);
	enrol_send(&r, &b);
	buf_release(&b);
}

static void take_line(const char *line, size_t len)
{
	struct bw_msg *m = calloc(1, sizeof *m);
	const char *why = NULL, *cmd;
	struct enrol_req r = { 0 };

	if (!m)
		return;
	if (bw_parse(line, len, m, &why) != 0) {
		enrol_take_id(NULL, &r);
		enrol_reply_error(&r, BW_EBADREQUEST, why);
		goto drop;
	}
	cmd = bw_str(m, "cmd");
	if (!cmd) {
		enrol_take_id(m, &r);
		enrol_reply_error(&r, BW_EBADREQUEST, "no cmd");
		goto drop;
	}
	if (strcmp(cmd, "cancel") == 0 || strcmp(cmd, "status") == 0) {
		answer_now(m, cmd);
		goto drop;
	}
	/* An unknown command is refused here and now: it never makes the helper busy, so a
	 * caller's next request is not turned away with 101 because of a typo. */
	static const char *const known[] = { "discover", "info", "capture", "verify", "gallery_add",
					     "gallery_clear", "identify", "quit" };
	int is_known = 0;
	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		is_known |= strcmp(cmd, known[k]) == 0;
	if (!is_known) {
		enrol_take_id(m, &r);
		enrol_reply_error(&r, BW_EBADREQUEST, "unknown cmd");
		goto drop;
	}
	pthread_mutex_lock(&lock);
	if (busy) {
		pthread_mutex_unlock(&lock);
		enrol_take_id(m, &r);
		enrol_reply_error(&r, BW_EBUSY, NULL);
		goto drop;
	}
	busy = 1;
	cancel_flag = 0;
	snprintf(busy_cmd, sizeof busy_cmd, "%s", cmd);
	pthread_mutex_unlock(&lock);
	g_async_queue_push(queue, m);
	return;
drop:
	bw_msg_release(m);
	free(m);
}

static void *reader(void *arg)
{
	struct cd_buf line;
	char chunk[65536];
	int overlong = 0;

	(void)arg;
	buf_init(&line, BW_LINE_MAX + 1);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			const char *nl = memchr(chunk + i, '\n', (size_t)(n - i));
			size_t take = nl ? (size_t)(nl - (chunk + i)) : (size_t)(n - i);
			if (!overlong && line.len + take > BW_LINE_MAX) {
				overlong = 1;
				buf_reset(&line);
			}
			if (!overlong)
				buf_add(&line, chunk + i, take);
			i += (ssize_t)take;
			if (!nl)
				break;
			if (overlong) {
				struct enrol_req r = { .id = "null" };
				enrol_reply_error(&r, BW_EBADREQUEST, "a line longer than the protocol allows");
			} else {
				take_line(line.data ? line.data : "", line.len);
			}
			overlong = 0;
			buf_reset(&line);
		}
	}
	buf_release(&line);
	/* End of input: stop what runs and let the main thread finish. */
	pthread_mutex_lock(&lock);
	if (busy) {
		cancel_flag = 1;
		g_main_context_invoke(NULL, on_cancel, NULL);
	}
	pthread_mutex_unlock(&lock);
	g_async_queue_push(queue, &quit_marker);
	return NULL;
}

int enrol_io_start(void)
{
	pthread_t th;
	queue = g_async_queue_new();
	return pthread_create(&th, NULL, reader, NULL) == 0 ? 0 : -1;
}

struct bw_msg *enrol_io_next(void)
{
	struct bw_msg *m = g_async_queue_pop(queue);
	return m == &quit_marker ? NULL : m;
}

void enrol_io_stop(void)
{
	g_async_queue_unref(queue);
}
