/*
 * client.c - the casedesk-enrol child process seen from casedesk: starting it, its pipes,
 * the deadline on every wait, requests and their replies, captures, 1:1 and the 1:N
 * gallery; see client.h.  Templates pass through here only on their way to the helper.
 */
#define _GNU_SOURCE     /* pipe2 */
#include "model/bio/client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/base/clock.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/base/json.h"
#include "model/base/number.h"
#include "model/bio/wire.h"

#define REPLY_GRACE_MS 3000      /* beyond the helper's own timeout, for it to say so */
#define START_TIMEOUT_MS 10000   /* discover: enumerating USB readers takes a moment */

struct bio_helper {
	pid_t pid;
	int to_fd, from_fd;          /* our ends of its stdin and stdout */
	int dead;                    /* stopped: a fault ended the session */
	long next_id;
	struct cd_buf in;            /* bytes read but not yet a whole line */
	struct bio_helper_opts o;
	char finger_device[64], face_device[64];
	struct sigaction old_pipe;
};

/* Stops the child for good and says why in err (which the caller set). */
static void kill_helper(struct bio_helper *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = -1;
	}
	h->dead = 1;
}

/* After the pipe closed: reap the child and describe how it ended. */
static int helper_gone(struct bio_helper *h, const char *doing, struct cd_error *err)
{
	int status = 0;
	pid_t got = 0;
	/* It closed its stdout; give it a moment to finish dying. */
	for (int i = 0; i < 50 && (got = waitpid(h->pid, &status, WNOHANG)) == 0; i++)
		usleep(20000);
	if (got == 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, &status, 0);
	}
	h->pid = -1;
	h->dead = 1;
	if (WIFSIGNALED(status))
		return cd_error_set(err, CD_EDEVICE,
				    _("the enrolment helper crashed (signal %d) during %s; nothing was stored"),
				    WTERMSIG(status), doing);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return cd_error_set(err, CD_EDEVICE,
				    _("the enrolment helper could not be started; nothing was stored"));
	return cd_error_set(err, CD_EDEVICE,
			    _("the enrolment helper stopped (exit %d) during %s; nothing was stored"),
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1, doing);
}

static int send_line(struct bio_helper *h, const char *line, size_t n, const char *doing, struct cd_error *err)
{
	long deadline = cd_monotonic_ms() + START_TIMEOUT_MS;
	while (n) {
		ssize_t w = write(h->to_fd, line, n);
		if (w > 0) {
			line += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { h->to_fd, POLLOUT, 0 };
			long left = deadline - cd_monotonic_ms();
			if (left <= 0 || poll(&p, 1, (int)left) == 0) {
				kill_helper(h);
				return cd_error_set(err, CD_EDEVICE,
						    _("the enrolment helper stopped reading during %s and was stopped; "
						      "nothing was stored"), doing);
			}
			continue;
		}
		return helper_gone(h, doing, err);   /* EPIPE: it is gone */
	}
	return CD_OK;
}

/*
 * Reads the next whole line into *m, waiting until `deadline`; `progress` ticks while it
 * waits.  A timeout, end of file or a line that is not the protocol stops the helper.
 */
static int read_msg(struct bio_helper *h, long deadline, const char *doing, int *cancel, struct bw_msg *m,
		    struct cd_error *err)
{
	char chunk[65536];
	for (;;) {
		const char *nl = h->in.len ? memchr(h->in.data, '\n', h->in.len) : NULL;
		if (nl) {
			size_t len = (size_t)(nl - h->in.data);
			const char *why = NULL;
			int bad = bw_parse(h->in.data, len, m, &why) != 0;
			if (!bad && !bw_get(m, "error") && !bw_str(m, "event")) {
				bad = 1;
				why = "a line with neither error nor event";
			}
			/* Drop the line from the buffer. */
			memmove(h->in.data, nl + 1, h->in.len - len - 1);
			h->in.len -= len + 1;
			h->in.data[h->in.len] = '\0';
			if (bad) {
				bw_msg_release(m);
				kill_helper(h);
				return cd_error_set(err, CD_EDEVICE,
						    _("the enrolment helper wrote something that is not its protocol "
						      "during %s (%s); it was stopped and nothing was stored"),
						    doing, _(why));
			}
			return CD_OK;
		}
		if (h->in.len > BW_LINE_MAX) {
			kill_helper(h);
			return cd_error_set(err, CD_EDEVICE,
					    _("the enrolment helper wrote a line longer than its protocol allows during "
					      "%s; it was stopped and nothing was stored"), doing);
		}
		long left = deadline - cd_monotonic_ms();
		if (left <= 0) {
			kill_helper(h);
			return cd_error_set(err, CD_EDEVICE,
					    _("the enrolment helper did not answer in time during %s; it was stopped "
					      "and nothing was stored"), doing);
		}
		struct pollfd p = { h->from_fd, POLLIN, 0 };
		int pr = poll(&p, 1, left < 200 ? (int)left : 200);
		if (pr < 0 && errno != EINTR)
			return cd_error_set(err, CD_EINTERNAL, _("waiting for the enrolment helper failed"));
		if (pr <= 0) {
			/* Esc while the reader waits for a finger: the helper writes nothing until a
			 * touch, so the cancel goes out now (2: asked and sent), not with its next line. */
			if (h->o.progress && cancel && !*cancel && h->o.progress(h->o.progress_ctx, NULL, 0, 0)) {
				static const char req[] = "{\"cmd\":\"cancel\"}\n";
				int src = send_line(h, req, sizeof req - 1, doing, err);
				if (src)
					return src;
				*cancel = 2;
			}
			continue;
		}
		ssize_t r = read(h->from_fd, chunk, sizeof chunk);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return helper_gone(h, doing, err);
		if (buf_add(&h->in, chunk, (size_t)r)) {
			kill_helper(h);
			return cd_error_set(err, CD_EDEVICE,
					    _("the enrolment helper wrote a line longer than its protocol allows during "
					      "%s; it was stopped and nothing was stored"), doing);
		}
	}
}

/*
 * Sends one request (members without braces; id and cmd are added) and reads until its
 * final reply, which is left in *reply.  Event lines go to `on_event` (results) and to the
 * progress callback ("place").  The wait restarts with every line the helper writes.
 */
typedef int (*event_fn)(void *ctx, const struct bw_msg *m);

static int request(struct bio_helper *h, const char *cmd, const char *members, long wait_ms, const char *doing,
		   event_fn on_event, void *ctx, struct bw_msg *reply, struct cd_error *err)
{
	struct cd_buf line;
	long id = ++h->next_id, got_id;
	int rc, cancel = 0, cancel_sent = 0;

	memset(reply, 0, sizeof *reply);
	if (h->dead)
		return cd_error_set(err, CD_EDEVICE, _("the enrolment helper was stopped earlier in this session"));
	buf_init(&line, BW_LINE_MAX);
	buf_printf(&line, "{\"id\":%ld,\"cmd\":\"%s\"%s%s}\n", id, cmd, members && *members ? "," : "",
		   members ? members : "");
	if (line.failed) {
		buf_release(&line);
		return cd_error_set(err, CD_EINTERNAL, _("a request to the enrolment helper is too long"));
	}
	rc = send_line(h, buf_str(&line), line.len, doing, err);
	buf_release(&line);
	if (rc)
		return rc;
	/* Each line is parsed straight into *reply: a bw_msg points into its own text and
	 * pool, so it is never copied by value (a copy's array items would point into the
	 * original's pool, gone when this function returns). */
	for (;;) {
		struct bw_msg *m = reply;
		if ((rc = read_msg(h, cd_monotonic_ms() + wait_ms, doing, &cancel, m, err)))
			return rc;
		if (cancel == 2)
			cancel_sent = 1;
		if (cancel && !cancel_sent) {
			static const char req[] = "{\"cmd\":\"cancel\"}\n";
			cancel_sent = 1;
			if ((rc = send_line(h, req, sizeof req - 1, doing, err))) {
				bw_msg_release(m);
				return rc;
			}
		}
		const char *event = bw_str(m, "event");
		if (bw_int(m, "id", &got_id) || got_id != id) {
			/* The answer to our cancel (no id), or a stale line: not ours to act on. */
			bw_msg_release(m);
			continue;
		}
		if (!event)
			return CD_OK;         /* the final reply, already in *reply */
		if (strcmp(event, "place") == 0 && h->o.progress) {
			long stage = 0, stages = 0;
			bw_int(m, "stage", &stage);
			bw_int(m, "stages", &stages);
			if (!cancel && h->o.progress(h->o.progress_ctx, bw_str(m, "finger"), (int)stage, (int)stages))
				cancel = 1;
		} else if (on_event && (rc = on_event(ctx, m))) {
			bw_msg_release(m);
			return rc;
		}
		bw_msg_release(m);
	}
}

/*
 * The reasons casedesk-enrol gives in English on its pipe (app/enrol_face.c,
 * app/enrol_camera.c, model/pnm.c), listed here so that xgettext puts them into the
 * catalogues and a caseworker reads them in their language.
 */
static const char *const helper_reasons[] __attribute__((unused)) = {
	N_("the photo is not a binary PGM or PPM file"),
	N_("the photo's header is damaged (only 8-bit PGM/PPM is read)"),
	N_("the photo file is cut short"),
	N_("the photo file cannot be read (missing, unreadable or over 2 MB)"),
	N_("the photo is smaller than 300x300 pixels"),
	N_("the photo is blank (almost no contrast)"),
	N_("no face-sized skin-toned region found"),
	N_("more than one face-sized region"),
	N_("the skin-toned region fills the photo; step back from the camera"),
	N_("the face region is not upright and face-shaped"),
	N_("the face is not centred"),
	N_("no face-sized region stands out from the background"),
	N_("no camera is connected: give a photo file instead"),
	N_("the camera cannot be opened (missing, or in use by another program)"),
	N_("the camera device does not answer as a Video4Linux2 camera"),
	N_("the video device cannot capture pictures"),
	N_("the camera does not offer YUYV pictures, the only format read"),
	N_("the camera gives no capture buffers"),
	N_("the camera does not start streaming"),
	N_("the camera sent no picture in time"),
	N_("the camera went away during the capture"),
	N_("the camera's picture cannot be converted"),
	N_("waiting for the camera failed"),
};

/* The sentence for a protocol error code the helper answered with (and its reason, when it gave one). */
static int device_error(long code, const char *reason, const char *doing, struct cd_error *err)
{
	if (code == BW_EUNUSABLE)
		return cd_error_set(err, CD_EINPUT, _("%s: %s; nothing was stored"), doing,
				    reason ? _(reason) : _(bw_error_text((int)code)));
	if (reason && code != BW_EBADREQUEST && code != BW_EINTERNAL && code != BW_ECANCELLED)
		return cd_error_set(err, CD_EDEVICE, _("%s: %s (code %ld: %s); nothing was stored"), doing,
				    _(bw_error_text((int)code)), code, _(reason));
	if (code == BW_EBADREQUEST || code == BW_EINTERNAL)
		return cd_error_set(err, CD_EINTERNAL, _("%s: the enrolment helper answered %ld (%s)"), doing, code,
				    _(bw_error_text((int)code)));
	return cd_error_set(err, CD_EDEVICE, _("%s: %s (code %ld); nothing was stored"), doing,
			    _(bw_error_text((int)code)), code);
}

static int find_helper(const char *given, char *path, size_t size, struct cd_error *err)
{
	const char *env = cd_env("CASEDESK_ENROL");
	if (given && *given) {
		snprintf(path, size, "%s", given);
	} else if (env && *env) {
		snprintf(path, size, "%s", env);
	} else {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n <= 0)
			return cd_error_set(err, CD_EDEVICE, _("cannot tell where casedesk is installed; set CASEDESK_ENROL"));
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, size, "%s/casedesk-enrol", self);
	}
	if (access(path, X_OK) != 0)
		return cd_error_set(err, CD_EDEVICE,
				    _("the enrolment helper %s is missing or not executable; install casedesk-enrol "
				      "next to casedesk or set CASEDESK_ENROL; nothing was stored"), path);
	return CD_OK;
}

int bio_helper_start(const struct bio_helper_opts *opts, struct bio_helper **out, struct cd_error *err)
{
	struct bio_helper *h = NULL;
	char path[PATH_MAX];
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, rc;
	struct sigaction ign = { 0 };
	struct bw_msg reply = BW_MSG_INIT;

	*out = NULL;
	if ((rc = find_helper(opts ? opts->path : NULL, path, sizeof path, err)))
		return rc;
	if (!(h = calloc(1, sizeof *h)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	h->pid = -1;
	h->to_fd = h->from_fd = -1;
	sigaction(SIGPIPE, NULL, &h->old_pipe);   /* what bio_helper_stop restores, even on an early failure */
	buf_init(&h->in, BW_LINE_MAX + 65536);
	if (opts)
		h->o = *opts;
	if (h->o.timeout_ms <= 0) {
		const char *t = cd_env("CASEDESK_ENROL_TIMEOUT_MS");
		long ms = 30000;
		/* The protocol's ceiling is 600000 ms (app/enrol/protocol.h). */
		if (t && *t && (rc = cd_parse_long(t, "CASEDESK_ENROL_TIMEOUT_MS", 1, 600000, &ms, err)))
			goto fail;
		h->o.timeout_ms = (int)ms;
	}
	if (!opts) {
		h->o.quality_threshold = -1;
		h->o.retries = -1;
	}
	if (h->o.quality_threshold < 0)
		h->o.quality_threshold = 40;
	if (h->o.retries < 0)
		h->o.retries = 2;
	/* A helper that dies makes our writes fail with EPIPE instead of killing casedesk. */
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &h->old_pipe);
	if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
		rc = cd_error_set(err, CD_EINTERNAL, _("cannot make pipes for the enrolment helper"));
		goto fail;
	}
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0) {
		rc = cd_error_set(err, CD_EINTERNAL, _("cannot start the enrolment helper (fork failed)"));
		goto fail;
	}
	if (h->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		privilege_drop_for_child();   /* the helper runs with the user's ids only */
		if (dup2(in_pipe[0], STDIN_FILENO) < 0 || dup2(out_pipe[1], STDOUT_FILENO) < 0)
			_exit(127);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in_pipe[0]);
	close(out_pipe[1]);
	h->to_fd = in_pipe[1];
	h->from_fd = out_pipe[0];
	fcntl(h->to_fd, F_SETFL, fcntl(h->to_fd, F_GETFL) | O_NONBLOCK);
	in_pipe[1] = out_pipe[0] = -1;

	if ((rc = request(h, "discover", NULL, START_TIMEOUT_MS, _("starting the enrolment helper"), NULL, NULL,
			  &reply, err)))
		goto fail;
	const struct bw_value *devs = bw_get(&reply, "devices");
	for (size_t i = 0; devs && devs->type == BW_ARR && i < devs->n_items; i++) {
		const char *d = devs->items[i];
		if (strncmp(d, "finger:", 7) == 0 && !h->finger_device[0])
			snprintf(h->finger_device, sizeof h->finger_device, "%s", d);
		else if (strncmp(d, "face:", 5) == 0 && !h->face_device[0])
			snprintf(h->face_device, sizeof h->face_device, "%s", d);
	}
	bw_msg_release(&reply);
	*out = h;
	return CD_OK;
fail:
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
	}
	bio_helper_stop(h);
	return rc;
}

void bio_helper_stop(struct bio_helper *h)
{
	if (!h)
		return;
	if (h->pid > 0 && !h->dead) {
		static const char quit[] = "{\"cmd\":\"quit\"}\n";
		ssize_t w = write(h->to_fd, quit, sizeof quit - 1);
		(void)w;
		close(h->to_fd);
		h->to_fd = -1;
		int status;
		pid_t got = 0;
		for (int i = 0; i < 50 && (got = waitpid(h->pid, &status, WNOHANG)) == 0; i++)
			usleep(20000);
		if (got == 0) {
			kill(h->pid, SIGKILL);
			waitpid(h->pid, &status, 0);
		}
		h->pid = -1;
	}
	kill_helper(h);
	if (h->to_fd >= 0)
		close(h->to_fd);
	if (h->from_fd >= 0)
		close(h->from_fd);
	sigaction(SIGPIPE, &h->old_pipe, NULL);
	buf_release(&h->in);
	free(h);
}

int bio_helper_has_finger(const struct bio_helper *h)
{
	return h->finger_device[0] != '\0';
}

const char *bio_helper_device(const struct bio_helper *h, const char *modality)
{
	if (strcmp(modality, "camera") == 0)
		return "face:camera";
	if (strcmp(modality, "face") == 0)
		return h->face_device[0] ? h->face_device : "face:file";
	return h->finger_device[0] ? h->finger_device : "finger:none";
}

void bio_sample_release(struct bio_sample *s)
{
	if (!s)
		return;
	if (s->tmpl) {
		OPENSSL_cleanse(s->tmpl, s->tmpl_len);
		free(s->tmpl);
	}
	memset(s, 0, sizeof *s);
}

struct capture_ctx {
	struct bio_sample *out;
	long code;
	char reason[200];
	int got;
};

/* A "result" event: the one finger (or photo) we asked for. */
static int on_result(void *vctx, const struct bw_msg *m)
{
	struct capture_ctx *c = vctx;
	const char *event = bw_str(m, "event"), *t = bw_str(m, "template"), *why = bw_str(m, "reason");
	long q = 0, attempts = 0;

	if (!event || strcmp(event, "result") != 0 || c->got)
		return CD_OK;
	c->got = 1;
	bw_int(m, "error", &c->code);
	bw_int(m, "quality", &q);
	bw_int(m, "attempts", &attempts);
	c->out->quality = q < 0 ? 0 : q > 100 ? 100 : (int)q;
	c->out->attempts = (int)attempts;
	c->out->code = (int)c->code;
	if (why)
		snprintf(c->reason, sizeof c->reason, "%s", why);
	if (t && (c->code == BW_OK || c->code == BW_ELOWQUALITY) &&
	    (bw_unbase64(t, &c->out->tmpl, &c->out->tmpl_len) || c->out->tmpl_len == 0)) {
		free(c->out->tmpl);
		c->out->tmpl = NULL;
		c->code = -1;
	}
	return CD_OK;
}

static int capture(struct bio_helper *h, const char *members, const char *position, const char *doing,
		   struct bio_sample *out, struct cd_error *err)
{
	struct capture_ctx c = { out, 0, "", 0 };
	struct bw_msg reply;
	long final = 0;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->position, sizeof out->position, "%s", position);
	rc = request(h, "capture", members, h->o.timeout_ms + REPLY_GRACE_MS, doing, on_result, &c, &reply, err);
	if (rc)
		goto out;
	bw_int(&reply, "error", &final);
	/* A refusal before any capture (no camera, a bad request) gives its reason in the final reply. */
	if (!c.got && bw_str(&reply, "reason"))
		snprintf(c.reason, sizeof c.reason, "%s", bw_str(&reply, "reason"));
	bw_msg_release(&reply);
	if (c.code < 0 || (c.got && (c.code == BW_OK || c.code == BW_ELOWQUALITY) && !out->tmpl)) {
		rc = cd_error_set(err, CD_EDEVICE, _("%s: the enrolment helper sent a damaged template"), doing);
		goto out;
	}
	if (!c.got) {
		rc = device_error(final ? final : BW_EINTERNAL, c.reason[0] ? c.reason : NULL, doing, err);
		goto out;
	}
	if (c.code != BW_OK && c.code != BW_ELOWQUALITY) {
		rc = device_error(c.code, c.reason[0] ? c.reason : NULL, doing, err);
		goto out;
	}
	return CD_OK;
out:
	bio_sample_release(out);
	return rc;
}

int bio_helper_capture_finger(struct bio_helper *h, const char *finger, struct bio_sample *out,
			      struct cd_error *err)
{
	char members[256], doing[96];
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	snprintf(doing, sizeof doing, _("capturing %s"), finger);
	if (!bio_helper_has_finger(h))
		return device_error(BW_ENODEVICE, NULL, doing, err);
	snprintf(members, sizeof members,
		 "\"modality\":\"finger\",\"fingers\":[\"%s\"],\"timeout_ms\":%d,\"quality_threshold\":%d,\"retries\":%d",
		 finger, h->o.timeout_ms, h->o.quality_threshold, h->o.retries);
	return capture(h, members, finger, doing, out, err);
}

int bio_helper_capture_face(struct bio_helper *h, const char *file, struct bio_sample *out, struct cd_error *err)
{
	struct cd_buf b = CD_BUF_INIT;
	char real[PATH_MAX];
	int rc;
	/* Without a file the helper asks its camera; whether one is there is its to say (it may be
	 * plugged in after the helper started), and it says so in words (code 100). */
	buf_puts(&b, "\"modality\":\"face\"");
	if (file) {
		/* The helper may run elsewhere in the file system's view; give it an absolute path. */
		if (!realpath(file, real))
			return cd_error_set(err, CD_EINPUT, _("the face photo %s cannot be read (%s)"), file,
					    strerror(errno));
		buf_puts(&b, ",\"file\":");
		json_buf_string(&b, real);
	}
	buf_printf(&b, ",\"quality_threshold\":%d,\"timeout_ms\":%d", h->o.quality_threshold, h->o.timeout_ms);
	rc = capture(h, buf_str(&b), "face", file ? _("checking the face photo") : _("taking the face photo with the camera"),
		     out, err);
	buf_release(&b);
	return rc;
}

/* ---- matching ---------------------------------------------------------------------------- */

/* Members for a template handed to the helper: "template":"BASE64". */
static int template_member(const unsigned char *t, size_t n, const char *name, struct cd_buf *b,
			   struct cd_error *err)
{
	char *b64 = bw_base64(t, n);
	if (!b64)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	buf_printf(b, "\"%s\":\"%s\"", name, b64);
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	return b->failed ? cd_error_set(err, CD_EINTERNAL, _("a template is too large for the protocol")) : CD_OK;
}

static void wipe_buf(struct cd_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	buf_release(b);
}


/* ---- 1:1 ----------------------------------------------------------------------------------- */

int bio_helper_verify(struct bio_helper *h, const char *finger, const void *tmpl, size_t n, const char *doing,
		      int *match, struct cd_error *err)
{
	struct cd_buf members = CD_BUF_INIT;
	struct bw_msg reply = BW_MSG_INIT;
	long code = 0;
	int rc;

	*match = 0;
	buf_printf(&members, "\"finger\":\"%s\",\"timeout_ms\":%d,", finger, h->o.timeout_ms);
	if ((rc = template_member(tmpl, n, "template", &members, err)))
		goto out;
	if ((rc = request(h, "verify", buf_str(&members), h->o.timeout_ms + REPLY_GRACE_MS, doing, NULL, NULL, &reply,
			  err)))
		goto out;
	bw_int(&reply, "error", &code);
	if (code) {
		rc = device_error(code, bw_str(&reply, "reason"), doing, err);
		goto out;
	}
	*match = bw_bool(&reply, "match") == 1;
out:
	bw_msg_release(&reply);
	wipe_buf(&members);
	return rc;
}

/* ---- the gallery: other people's templates for one finger, and one touch against them ---- */

/* Prints handed to the helper per gallery_add: half the protocol's array items (refs and
 * templates), and well under its line limit.  A round trip per print made loading a
 * 10,000-print gallery about 1.5 times slower (tests/bench/bench_bio.c); loading is a tenth of a
 * search that compares every print, the rest is libfprint's matching. */
#define GALLERY_BATCH (BW_MAX_ITEMS / 2)
#define GALLERY_BATCH_BYTES (1u << 20)

static void wipe_reset(struct cd_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	buf_reset(b);
}

int bio_helper_gallery_clear(struct bio_helper *h, const char *doing, struct cd_error *err)
{
	struct bw_msg reply = BW_MSG_INIT;
	long code = 0;
	int rc = request(h, "gallery_clear", NULL, START_TIMEOUT_MS, doing, NULL, NULL, &reply, err);
	if (rc)
		return rc;
	bw_int(&reply, "error", &code);
	bw_msg_release(&reply);
	return code ? device_error(code, NULL, doing, err) : CD_OK;
}

int bio_gallery_flush(struct bio_helper *h, struct bio_gallery *g, const char *doing, struct cd_error *err)
{
	struct cd_buf members;
	struct bw_msg reply = BW_MSG_INIT;
	long code = 0;
	int rc;

	if (!g->n)
		return CD_OK;
	buf_init(&members, BW_LINE_MAX);
	buf_printf(&members, "\"refs\":[%s],\"templates\":[%s]", buf_str(&g->refs), buf_str(&g->tmpls));
	if (members.failed || g->refs.failed || g->tmpls.failed)
		rc = cd_error_set(err, CD_EINTERNAL, _("a request to the enrolment helper is too long"));
	else
		rc = request(h, "gallery_add", buf_str(&members), START_TIMEOUT_MS, doing, NULL, NULL, &reply, err);
	wipe_buf(&members);
	wipe_reset(&g->refs);
	wipe_reset(&g->tmpls);
	g->n = 0;
	if (rc)
		return rc;
	bw_int(&reply, "error", &code);
	bw_msg_release(&reply);
	return code ? device_error(code, NULL, doing, err) : CD_OK;
}

int bio_gallery_add(struct bio_helper *h, struct bio_gallery *g, const char *ref, const void *tmpl, size_t n,
		    const char *doing, struct cd_error *err)
{
	char *b64 = bw_base64(tmpl, n);
	if (!b64)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	buf_puts(&g->refs, g->n ? "," : "");
	json_buf_string(&g->refs, ref);
	buf_printf(&g->tmpls, "%s\"%s\"", g->n ? "," : "", b64);
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	g->n++;
	if (g->n >= GALLERY_BATCH || g->tmpls.len >= GALLERY_BATCH_BYTES)
		return bio_gallery_flush(h, g, doing, err);
	return CD_OK;
}

void bio_gallery_release(struct bio_gallery *g)
{
	wipe_buf(&g->refs);
	wipe_buf(&g->tmpls);
	g->n = 0;
}

/* Matching after the touch: libfprint compares the touch with every print in turn, about
 * 1 ms a print on a 2-core desk (bozorth3, tests/bench/bench_bio.c); the wait allows twice that.
 * The helper's own deadline runs through touch and matching, so it is told the whole wait. */
#define MATCH_MS_PER_PRINT 2

int bio_helper_identify(struct bio_helper *h, const char *finger, int n, const char *doing, int *found,
			char ref_out[32], struct cd_error *err)
{
	struct bw_msg reply = BW_MSG_INIT;
	char members[96];
	long code = 0;
	int rc;

	*found = 0;
	ref_out[0] = '\0';
	long wait_ms = h->o.timeout_ms + (long)n * MATCH_MS_PER_PRINT;
	if (wait_ms > 600000)
		wait_ms = 600000;   /* the protocol's ceiling (app/enrol/protocol.h) */
	snprintf(members, sizeof members, "\"finger\":\"%s\",\"timeout_ms\":%ld", finger, wait_ms);
	if ((rc = request(h, "identify", members, wait_ms + REPLY_GRACE_MS, doing, NULL, NULL, &reply, err)))
		return rc;
	bw_int(&reply, "error", &code);
	if (code) {
		rc = device_error(code, NULL, doing, err);
	} else {
		const char *ref = bw_str(&reply, "ref");
		if (bw_bool(&reply, "match") == 1 && ref && strlen(ref) < 32) {
			*found = 1;
			snprintf(ref_out, 32, "%s", ref);
		}
	}
	bw_msg_release(&reply);
	return rc;
}

void bio_helper_gallery_drop(struct bio_helper *h, const char *doing)
{
	if (!h->dead) {
		struct bw_msg r2;
		struct cd_error ignored = CD_ERROR_INIT;
		if (request(h, "gallery_clear", NULL, START_TIMEOUT_MS, doing, NULL, NULL, &r2, &ignored) == CD_OK)
			bw_msg_release(&r2);
	}
}
