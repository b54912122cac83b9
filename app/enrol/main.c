/*
 * main.c - casedesk-enrol, the helper process that owns the biometric devices.
 *
 * casedesk starts it and speaks the line protocol of protocol.h over its stdin and
 * stdout.  Two threads: the reader (io.c) takes lines from stdin, answers `cancel` and
 * `status` at once and hands every other request to the main thread, one at a time (a
 * second one while the first runs gets 101 busy); the main thread (here) dispatches the
 * request to a device (enrol.h), which answers through io.c and runs against libfprint,
 * whose synchronous calls iterate GLib's default main context, where the request's timeout
 * and a cancel land as sources.  Kept in its own process so that a driver that hangs or
 * crashes takes down nothing but this helper.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/enrol/enrol.h"
#include "app/enrol/io.h"

/* ---- the main thread ---------------------------------------------------------------- */

/* Test-only: simulates a device or driver fault (see enrol_protocol.h).  "KIND:CMD" limits
 * it to one device command, e.g. crash:identify. */
static void maybe_fault(const char *cmd, int first)
{
	const char *env = getenv("CASEDESK_ENROL_FAULT"), *only;
	int device_cmd = strcmp(cmd, "capture") == 0 || strcmp(cmd, "verify") == 0 || strcmp(cmd, "identify") == 0;
	char fault[32];
	if (!env || !*env)
		return;
	snprintf(fault, sizeof fault, "%s", env);
	if ((only = strchr(env, ':'))) {
		fault[only - env < (long)sizeof fault ? only - env : (long)sizeof fault - 1] = '\0';
		if (strcmp(only + 1, cmd) != 0)
			return;
	}
	if (strcmp(fault, "early") == 0 && first) {
		enrol_write_raw("\x01\x02garbage{{{ \xff\n", 15);
		return;
	}
	if (!device_cmd)
		return;
	if (strcmp(fault, "crash") == 0)
		abort();
	if (strcmp(fault, "hang") == 0)
		for (;;)
			pause();
	if (strcmp(fault, "garbage") == 0)
		enrol_write_raw("<html>\x01 not the protocol\n", 26);
}

static void discover(struct enrol_req *r)
{
	struct cd_buf b = CD_BUF_INIT, devices = CD_BUF_INIT;
	int count = 0;
	int rc = finger_discover(&devices, &count);
	/* Photos from files need no hardware: the face "device" is always there. */
	buf_printf(&devices, "%s\"face:file\"", count ? "," : "");
	count++;
	if (camera_present()) {
		buf_puts(&devices, ",\"face:camera\"");
		count++;
	}
	buf_printf(&b, "\"error\":%d,\"devices\":[%s],\"count\":%d", rc, buf_str(&devices), count);
	enrol_send(r, &b);
	buf_release(&b);
	buf_release(&devices);
}

static void run(struct enrol_req *r, const char *cmd)
{
	const char *modality = bw_str(r->msg, "modality");
	int face = modality && strcmp(modality, "face") == 0;

	if (modality && !face && strcmp(modality, "finger") != 0) {
		enrol_reply_error(r, BW_EBADREQUEST, "modality is finger or face");
		return;
	}
	if (strcmp(cmd, "discover") == 0)
		discover(r);
	else if (strcmp(cmd, "info") == 0 && face)
		enrol_reply_error(r, BW_OK, NULL);
	else if (strcmp(cmd, "info") == 0)
		finger_info(r);
	else if (strcmp(cmd, "capture") == 0 && face)
		face_capture(r);
	else if (strcmp(cmd, "capture") == 0 && modality)
		finger_capture(r);
	else if (strcmp(cmd, "capture") == 0)
		enrol_reply_error(r, BW_EBADREQUEST, "capture needs a modality");
	else if (strcmp(cmd, "verify") == 0)
		finger_verify(r);
	else if (strcmp(cmd, "gallery_add") == 0)
		finger_gallery_add(r);
	else if (strcmp(cmd, "gallery_clear") == 0)
		finger_gallery_clear(r);
	else if (strcmp(cmd, "identify") == 0)
		finger_identify(r);
	else if (strcmp(cmd, "quit") == 0)
		enrol_reply_error(r, BW_OK, NULL);
	else
		enrol_reply_error(r, BW_EBADREQUEST, "unknown cmd");
}

int main(void)
{
	int first = 1;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (enrol_io_start() != 0) {
		fputs("casedesk-enrol: cannot start the reader thread\n", stderr);
		return 1;
	}
	for (;;) {
		struct bw_msg *m = enrol_io_next();
		struct enrol_req r = { 0 };
		long timeout = 30000;
		int quit;

		if (!m)
			break;
		const char *cmd = bw_str(m, "cmd");
		enrol_take_id(m, &r);
		r.msg = m;
		r.running = 1;
		if (bw_get(m, "timeout_ms") && (bw_int(m, "timeout_ms", &timeout) || timeout < 1 || timeout > 600000)) {
			enrol_reply_error(&r, BW_EBADREQUEST, "timeout_ms is 1-600000");
		} else {
			r.timeout_ms = (int)timeout;
			maybe_fault(cmd, first);
			run(&r, cmd);
		}
		if (!r.replied)
			enrol_reply_error(&r, BW_EINTERNAL, NULL);
		first = 0;
		quit = strcmp(cmd, "quit") == 0;
		bw_msg_release(m);
		free(m);
		if (quit)
			break;
	}
	finger_shutdown();
	/* The reader may still block on stdin after quit; leaving main ends it with us. */
	enrol_io_stop();
	_exit(0);
}
