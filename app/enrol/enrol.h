/*
 * enrol.h - what the parts of casedesk-enrol share: the running request, the reply writer
 * and the device back-ends (enrol_finger.c through libfprint, enrol_face.c from image
 * files or enrol_camera.c's camera).  Not used by casedesk itself; the protocol is in enrol_protocol.h.
 */
#ifndef CD_ENROL_H
#define CD_ENROL_H

#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/json.h"
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

/* Fingers (libfprint). */
int finger_discover(struct cd_buf *devices, int *count);
void finger_info(struct enrol_req *r);
void finger_capture(struct enrol_req *r);
void finger_verify(struct enrol_req *r);
void finger_gallery_add(struct enrol_req *r);
void finger_gallery_clear(struct enrol_req *r);
void finger_identify(struct enrol_req *r);
void finger_shutdown(void);

/* Face from an image file, or from the camera when the request names no file. */
void face_capture(struct enrol_req *r);

/* The camera (enrol_camera.c, Video4Linux2): CASEDESK_CAMERA, else /dev/video0. */
const char *camera_path(void);
int camera_present(void);
/*
 * One still from the camera as a binary PPM appended to `ppm`.  NULL on success (*code
 * 0); else the reason in words and *code from the protocol's table (100 no camera, 102
 * timeout, 103 cancelled, 107 device failure, 109 unsupported camera).
 */
const char *camera_capture(int timeout_ms, struct cd_buf *ppm, int *code);

#endif
