/*
 * io.h - casedesk-enrol's protocol I/O (io.c): the request being served, the replies and
 * events it writes, the cancellation and timeout of a waiting device call, and the reader
 * thread that hands requests to the main thread.  The devices (enrol.h) and main.c use
 * it; it knows neither.
 */
#ifndef CD_ENROL_IO_H
#define CD_ENROL_IO_H

#include <stddef.h>

#include "model/base/buf.h"
#include "app/enrol/protocol.h"

/* A request being served: its id (as JSON text, "null" when none) and its parsed line. */
struct enrol_req {
	char id[96];
	const struct bw_msg *msg;
	int timeout_ms;
	int running;            /* served by the main thread: its final reply frees the device */
	int replied;
};

/*
 * Writes the request's final reply as one line to stdout (serialised with the reader
 * thread's replies).  The buffer holds an object's members without braces; "id" is put
 * first.  For a running request this also marks the helper idle, before the line goes
 * out, so that a client answering at once is not told "busy".
 */
void enrol_send(struct enrol_req *r, struct cd_buf *members);
/* An "event" line of a running request (progress, a finger's result); not its end. */
void enrol_event(const struct enrol_req *r, struct cd_buf *members);
/* A reply carrying only an error code (and a reason, when not NULL). */
void enrol_reply_error(struct enrol_req *r, int code, const char *reason);

/*
 * Cancellation and timeouts of the request that runs: the finger back-end asks for a
 * GCancellable per device call through these, so that `cancel` from the reader thread and
 * the request's timeout_ms both end the wait.  enrol_op_end() reports 102 for a timeout,
 * 103 for a cancel, 0 otherwise.
 */
void *enrol_op_begin(int timeout_ms);
int enrol_op_end(void *cancellable);
/* 1 once a cancel arrived for the running request. */
int enrol_cancel_requested(void);

/* The request's id as JSON text in r->id: a number as it came, a string re-quoted, else null. */
void enrol_take_id(const struct bw_msg *m, struct enrol_req *r);
/* Writes bytes to stdout as they are, serialised with every reply (the test faults use it). */
void enrol_write_raw(const char *text, size_t n);

/* Starts the reader thread; -1 when it cannot. */
int enrol_io_start(void);
/* The next request for the main thread (the caller releases and frees it); NULL at the end of input. */
struct bw_msg *enrol_io_next(void);
/* Lets go of the queue once the main thread is done. */
void enrol_io_stop(void);

#endif
