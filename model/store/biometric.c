/*
 * biometric.c - the key, sealing templates (AES-256-GCM), the casedesk-enrol child process
 * and its protocol, and enrolment, 1:1 verification and 1:N search on the store; see
 * biometric.h.  The only file that opens a template; none leaves it but sealed, or to the
 * helper over its pipe.
 */
#define _GNU_SOURCE     /* pipe2 */
#include "model/store/biometric.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/bio/wire.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"

#define SEAL_MAGIC "CDB1"
#define SEAL_IV 12
#define SEAL_TAG 16
#define SEAL_HEAD (4 + SEAL_IV + SEAL_TAG)
#define REPLY_GRACE_MS 3000      /* beyond the helper's own timeout, for it to say so */
#define START_TIMEOUT_MS 10000   /* discover: enumerating USB readers takes a moment */

/* ---- 1. the key ----------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int bio_key_load(struct bio_key *key, struct cd_error *err)
{
	const char *path = cd_env("CASEDESK_KEY");
	unsigned char raw[80];
	struct stat sb;
	ssize_t n = 0;
	int fd = -1, rc;

	memset(key, 0, sizeof *key);
	if (!path || !*path)
		path = BIO_DEFAULT_KEY_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("no biometric key at %s (%s); create one readable by its owner only, e.g. "
				    "`head -c 32 /dev/urandom > FILE && chmod 600 FILE`, and set CASEDESK_KEY=FILE"),
				  path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = cd_error_set(err, CD_EREFUSED, _("the biometric key %s is not a regular file"), path);
		goto out;
	}
	/* Installed setgid, the key is the group's (root:casedesk 0640) like the store's folder. */
	if (sb.st_mode & (privilege_setgid() && sb.st_gid == getegid() ? 027 : 077)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the biometric key %s is open to group or others (mode %03o); refusing it: "
				    "`chmod 600 %s`, and consider the key exposed"),
				  path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	n = read(fd, raw, sizeof raw);
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		n--;
	if (n == 32) {
		memcpy(key->k, raw, 32);
	} else if (n == 64) {
		for (int i = 0; i < 32; i++) {
			int hi = hexval(raw[2 * i]), lo = hexval(raw[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				n = -1;
				break;
			}
			key->k[i] = (unsigned char)(hi * 16 + lo);
		}
	}
	if (n != 32 && n != 64) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the biometric key %s is not a key: it must hold 32 bytes, or 64 hex digits"), path);
		goto out;
	}
	key->loaded = 1;
	rc = CD_OK;
out:
	OPENSSL_cleanse(raw, sizeof raw);
	if (fd >= 0)
		close(fd);
	if (rc)
		bio_key_wipe(key);
	return rc;
}

void bio_key_wipe(struct bio_key *key)
{
	OPENSSL_cleanse(key, sizeof *key);
}

int bio_seal(const struct bio_key *key, const char *aad, const void *plain, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err)
{
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *blob = NULL;
	int len = 0, rc = CD_EINTERNAL;

	*out = NULL;
	*out_n = 0;
	if (!key->loaded || n > INT_MAX - SEAL_HEAD)
		return cd_error_set(err, CD_EINTERNAL, _("sealing a template without a key"));
	if (!(blob = malloc(SEAL_HEAD + n + 16)) || !(cx = EVP_CIPHER_CTX_new()))
		goto out;
	memcpy(blob, SEAL_MAGIC, 4);
	if (RAND_bytes(blob + 4, SEAL_IV) != 1 ||
	    EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV, NULL) != 1 ||
	    EVP_EncryptInit_ex(cx, NULL, NULL, key->k, blob + 4) != 1 ||
	    EVP_EncryptUpdate(cx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(cx, blob + SEAL_HEAD, &len, plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(cx, blob + SEAL_HEAD + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, blob + 4 + SEAL_IV) != 1)
		goto out;
	*out = blob;
	*out_n = SEAL_HEAD + n;
	blob = NULL;
	rc = CD_OK;
out:
	EVP_CIPHER_CTX_free(cx);
	free(blob);
	if (rc)
		cd_error_set(err, rc, _("encrypting a template failed (OpenSSL)"));
	return rc;
}

int bio_open(const struct bio_key *key, const char *aad, const void *blob_in, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err)
{
	const unsigned char *blob = blob_in;
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *plain = NULL;
	int len = 0, len2 = 0, rc = CD_EREFUSED;

	*out = NULL;
	*out_n = 0;
	if (!key->loaded || n < SEAL_HEAD || n > INT_MAX || memcmp(blob, SEAL_MAGIC, 4) != 0)
		return cd_error_set(err, CD_EREFUSED, _("a stored template is not in casedesk's sealed format"));
	if (!(plain = malloc(n - SEAL_HEAD + 1)) || !(cx = EVP_CIPHER_CTX_new())) {
		rc = CD_EINTERNAL;
		goto out;
	}
	if (EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV, NULL) != 1 ||
	    EVP_DecryptInit_ex(cx, NULL, NULL, key->k, blob + 4) != 1 ||
	    EVP_DecryptUpdate(cx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(cx, plain, &len, blob + SEAL_HEAD, (int)(n - SEAL_HEAD)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, (void *)(blob + 4 + SEAL_IV)) != 1 ||
	    EVP_DecryptFinal_ex(cx, plain + len, &len2) != 1)
		goto out;
	*out = plain;
	*out_n = (size_t)len + (size_t)len2;
	plain = NULL;
	rc = CD_OK;
out:
	EVP_CIPHER_CTX_free(cx);
	if (plain) {
		OPENSSL_cleanse(plain, n - SEAL_HEAD);
		free(plain);
	}
	if (rc == CD_EREFUSED)
		cd_error_set(err, rc, _("a stored template does not open with this biometric key: the wrong key "
					"(a store copied without its key), or the template was altered"));
	else if (rc)
		cd_error_set(err, rc, _("out of memory"));
	return rc;
}

/* ---- 2. the helper -------------------------------------------------------------------- */

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

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	long deadline = now_ms() + START_TIMEOUT_MS;
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
			long left = deadline - now_ms();
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
		long left = deadline - now_ms();
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
	for (;;) {
		struct bw_msg m;
		if ((rc = read_msg(h, now_ms() + wait_ms, doing, &cancel, &m, err)))
			return rc;
		if (cancel == 2)
			cancel_sent = 1;
		if (cancel && !cancel_sent) {
			static const char req[] = "{\"cmd\":\"cancel\"}\n";
			cancel_sent = 1;
			if ((rc = send_line(h, req, sizeof req - 1, doing, err))) {
				bw_msg_release(&m);
				return rc;
			}
		}
		const char *event = bw_str(&m, "event");
		if (bw_int(&m, "id", &got_id) || got_id != id) {
			/* The answer to our cancel (no id), or a stale line: not ours to act on. */
			bw_msg_release(&m);
			continue;
		}
		if (!event) {
			*reply = m;
			return CD_OK;
		}
		if (strcmp(event, "place") == 0 && h->o.progress) {
			long stage = 0, stages = 0;
			bw_int(&m, "stage", &stage);
			bw_int(&m, "stages", &stages);
			if (!cancel && h->o.progress(h->o.progress_ctx, bw_str(&m, "finger"), (int)stage, (int)stages))
				cancel = 1;
		} else if (on_event && (rc = on_event(ctx, &m))) {
			bw_msg_release(&m);
			return rc;
		}
		bw_msg_release(&m);
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
	buf_init(&h->in, BW_LINE_MAX + 65536);
	if (opts)
		h->o = *opts;
	if (h->o.timeout_ms <= 0) {
		const char *t = cd_env("CASEDESK_ENROL_TIMEOUT_MS");
		h->o.timeout_ms = t && atoi(t) > 0 ? atoi(t) : 30000;
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
		buf_json_str(&b, real);
	}
	buf_printf(&b, ",\"quality_threshold\":%d,\"timeout_ms\":%d", h->o.quality_threshold, h->o.timeout_ms);
	rc = capture(h, buf_str(&b), "face", file ? _("checking the face photo") : _("taking the face photo with the camera"),
		     out, err);
	buf_release(&b);
	return rc;
}

/* ---- 3. enrolment --------------------------------------------------------------------- */

static struct bio_item *new_item(struct bio_enrolment *e, struct cd_error *err)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct bio_item *grown = realloc(e->items, cap * sizeof *grown);
		if (!grown) {
			cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			return NULL;
		}
		e->items = grown;
		e->cap = cap;
	}
	struct bio_item *it = &e->items[e->n];
	memset(it, 0, sizeof *it);
	return it;
}

int bio_enrolment_add_sample(struct bio_enrolment *e, const char *modality, struct bio_sample *s,
			     const char *device, struct cd_error *err)
{
	struct bio_item *it = new_item(e, err);
	if (!it)
		return CD_EINTERNAL;
	snprintf(it->modality, sizeof it->modality, "%s", modality);
	snprintf(it->position, sizeof it->position, "%s", s->position);
	snprintf(it->device, sizeof it->device, "%s", device);
	it->quality = s->quality;
	it->tmpl = s->tmpl;
	it->tmpl_len = s->tmpl_len;
	s->tmpl = NULL;
	s->tmpl_len = 0;
	e->n++;
	return CD_OK;
}

int bio_enrolment_add_exception(struct bio_enrolment *e, const char *position, const char *reason,
				struct cd_error *err)
{
	if (!bw_finger_code(position))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s in an exception; fingers are right_thumb ... "
						      "left_little"), position);
	if (!reason || !*reason || strlen(reason) > 200)
		return cd_error_set(err, CD_EINPUT, _("the exception for %s needs a reason of 1-200 bytes"), position);
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cd_error_set(err, CD_EINPUT, _("the exception reason for %s holds a control character"),
					    position);
	struct bio_item *it = new_item(e, err);
	if (!it)
		return CD_EINTERNAL;
	snprintf(it->modality, sizeof it->modality, "finger");
	snprintf(it->position, sizeof it->position, "%s", position);
	snprintf(it->device, sizeof it->device, "none");
	it->quality = -1;
	if (!(it->exception = strdup(reason)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	e->n++;
	return CD_OK;
}

void bio_enrolment_release(struct bio_enrolment *e)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->items[i].tmpl) {
			OPENSSL_cleanse(e->items[i].tmpl, e->items[i].tmpl_len);
			free(e->items[i].tmpl);
		}
		free(e->items[i].exception);
	}
	free(e->items);
	memset(e, 0, sizeof *e);
}

void bio_aad(const char *person_uuid, const char *modality, const char *position, char *out, size_t size)
{
	snprintf(out, size, "casedesk-biometric-1|%s|%s|%s", person_uuid, modality, position ? position : "");
}

static int person_uuid(struct cd_store *s, int64_t pid, char uuid[37], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT uuid FROM person WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(uuid, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		rc = st_fail(s, _("reading a person"), err);
	st_finish(s, st);
	return rc;
}

int bio_enrolment_commit(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 const char *person_ref, const struct bio_enrolment *e, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	unsigned char *sealed = NULL;
	size_t sealed_n = 0;
	char puuid[37], aad[160], uuid[37], now[32];
	int64_t pid;
	int rc;

	if (!e->n)
		return cd_error_set(err, CD_EUSAGE, _("nothing to enrol: no capture and no exception"));
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		goto out;
	for (size_t i = 0; i < e->n; i++) {
		const struct bio_item *it = &e->items[i];
		free(sealed);
		sealed = NULL;
		if (it->tmpl) {
			bio_aad(puuid, it->modality, it->position, aad, sizeof aad);
			if ((rc = bio_seal(key, aad, it->tmpl, it->tmpl_len, &sealed, &sealed_n, err)))
				goto out;
		}
		if ((rc = st_prepare(s, "INSERT INTO biometric(uuid, person_id, modality, position, quality, template,"
					" exception, device, synthetic, captured_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,0,?9)",
				     &st, err)))
			goto out;
		cd_uuid7(uuid);
		store_now(s, now, sizeof now);
		st_bind_text(st, 1, uuid);
		sqlite3_bind_int64(st, 2, pid);
		st_bind_text(st, 3, it->modality);
		st_bind_text(st, 4, it->position);
		if (it->quality >= 0)
			sqlite3_bind_int(st, 5, it->quality);
		if (sealed)
			sqlite3_bind_blob(st, 6, sealed, (int)sealed_n, SQLITE_STATIC);
		st_bind_text(st, 7, it->exception);
		st_bind_text(st, 8, it->device);
		st_bind_text(st, 9, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("recording a biometric capture"), err);
			goto out;
		}
		st_finish(s, st);
		st = NULL;
		/* History and the national tier learn what was captured, never the template. */
		struct cd_buf payload = CD_BUF_INIT;
		char q[16] = "";
		if (it->quality >= 0)
			snprintf(q, sizeof q, "%d", it->quality);
		buf_puts(&payload, "{\"person\":");
		buf_json_str(&payload, puuid);
		buf_puts(&payload, ",\"modality\":");
		buf_json_str(&payload, it->modality);
		buf_puts(&payload, ",\"position\":");
		buf_json_str(&payload, it->position);
		buf_printf(&payload, ",\"quality\":%s,\"exception\":%s}", it->quality >= 0 ? q : "null",
			   it->exception ? "true" : "false");
		struct cd_event ev = { .person_id = pid, .kind = it->exception ? "biometric_exception" : "biometric",
				       .field = it->modality, .new_value = it->position, .note = it->exception };
		if ((rc = store_add_event(s, actor, &ev, err)) ||
		    (rc = store_add_audit(s, actor, "change", "biometric", uuid, "enrolment", err)) ||
		    (rc = store_add_outbox(s, "biometric", uuid, "insert", buf_str(&payload), err))) {
			buf_release(&payload);
			goto out;
		}
		buf_release(&payload);
	}
	free(sealed);
	return store_commit(s, err);
out:
	free(sealed);
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- verification and search ----------------------------------------------------------- */

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

/* Records one verification or search: an event (person 0 for a search) and an audit row. */
static int record_check(struct cd_store *s, const struct cd_actor *actor, int64_t pid, const char *kind,
			const char *finger, const char *outcome, const char *audit_action, const char *entity_uuid,
			const char *purpose, struct cd_error *err)
{
	int rc;
	if ((rc = store_begin(s, err)))
		return rc;
	struct cd_event ev = { .person_id = pid, .kind = kind, .field = "finger", .new_value = finger, .note = outcome };
	if ((rc = store_add_event(s, actor, &ev, err)) ||
	    (rc = store_add_audit(s, actor, audit_action, "biometric", entity_uuid, purpose, err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- the gallery: other people's templates for one finger, and one touch against them ---- */

/* Prints handed to the helper per gallery_add: half the protocol's array items (refs and
 * templates), and well under its line limit.  A round trip per print made loading a
 * 10,000-print gallery about 1.5 times slower (tests/bench_bio.c); loading is a tenth of a
 * search that compares every print, the rest is libfprint's matching. */
#define GALLERY_BATCH (BW_MAX_ITEMS / 2)
#define GALLERY_BATCH_BYTES (1u << 20)

struct gallery_batch {
	struct cd_buf refs, tmpls;
	int n;
};

static void wipe_reset(struct cd_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	buf_reset(b);
}

static int gallery_flush(struct bio_helper *h, struct gallery_batch *g, const char *doing, struct cd_error *err)
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

/*
 * Empties the helper's gallery and fills it with the latest `finger` template of every
 * person of the store but `exclude` (0: nobody) and merged records, referred to by person
 * number; *n says how many.
 */
static int gallery_load(struct cd_store *s, const struct bio_key *key, struct bio_helper *h, const char *finger,
			int64_t exclude, const char *doing, int *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct gallery_batch g = { CD_BUF_INIT, CD_BUF_INIT, 0 };
	struct bw_msg reply = BW_MSG_INIT;
	char aad[160];
	int rc;

	*n = 0;
	if ((rc = request(h, "gallery_clear", NULL, START_TIMEOUT_MS, doing, NULL, NULL, &reply, err)))
		return rc;
	bw_msg_release(&reply);
	if ((rc = st_prepare(s, "SELECT p.number, p.uuid, b.template FROM biometric b JOIN person p ON p.id = b.person_id"
				" WHERE b.id IN (SELECT max(id) FROM biometric WHERE modality = 'finger' AND position = ?1"
				"  AND exception IS NULL AND template IS NOT NULL AND synthetic = 0 GROUP BY person_id)"
				" AND b.person_id <> ?2 AND p.merged_into IS NULL ORDER BY b.id", &st, err)))
		return rc;
	st_bind_text(st, 1, finger);
	sqlite3_bind_int64(st, 2, exclude);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char *plain = NULL;
		size_t plain_n = 0;
		bio_aad((const char *)sqlite3_column_text(st, 1), "finger", finger, aad, sizeof aad);
		if ((rc = bio_open(key, aad, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), &plain,
				   &plain_n, err)))
			goto out;
		char *b64 = bw_base64(plain, plain_n);
		OPENSSL_cleanse(plain, plain_n);
		free(plain);
		if (!b64) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		buf_puts(&g.refs, g.n ? "," : "");
		buf_json_str(&g.refs, (const char *)sqlite3_column_text(st, 0));
		buf_printf(&g.tmpls, "%s\"%s\"", g.n ? "," : "", b64);
		OPENSSL_cleanse(b64, strlen(b64));
		free(b64);
		g.n++;
		(*n)++;
		if ((g.n >= GALLERY_BATCH || g.tmpls.len >= GALLERY_BATCH_BYTES) && (rc = gallery_flush(h, &g, doing, err)))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		rc = st_fail(s, _("reading enrolled templates"), err);
		goto out;
	}
	rc = gallery_flush(h, &g, doing, err);
out:
	st_finish(s, st);
	wipe_buf(&g.refs);
	wipe_buf(&g.tmpls);
	return rc;
}

/* Matching after the touch: libfprint compares the touch with every print in turn, about
 * 1 ms a print on a 2-core desk (bozorth3, tests/bench_bio.c); the wait allows twice that.
 * The helper's own deadline runs through touch and matching, so it is told the whole wait. */
#define MATCH_MS_PER_PRINT 2

/* One touch of `finger` against the `n` prints loaded: *found and the matching ref. */
static int gallery_identify(struct bio_helper *h, const char *finger, int n, const char *doing, int *found,
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
		wait_ms = 600000;   /* the protocol's ceiling (app/enrol_protocol.h) */
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

static void gallery_drop(struct bio_helper *h, const char *doing)
{
	if (!h->dead) {
		struct bw_msg r2;
		struct cd_error ignored = CD_ERROR_INIT;
		if (request(h, "gallery_clear", NULL, START_TIMEOUT_MS, doing, NULL, NULL, &r2, &ignored) == CD_OK)
			bw_msg_release(&r2);
	}
}

/* A person's number, uuid and name as written ("Surname, Given"), by row id. */
static int person_brief(struct cd_store *s, int64_t pid, char number[32], char uuid[37], char *name, size_t name_size,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT number, uuid, surname, given FROM person WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(number, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(uuid, 37, "%s", (const char *)sqlite3_column_text(st, 1));
		if (name)
			snprintf(name, name_size, "%s, %s", (const char *)sqlite3_column_text(st, 2),
				 (const char *)sqlite3_column_text(st, 3));
	} else {
		rc = st_fail(s, _("reading a person"), err);
	}
	st_finish(s, st);
	return rc;
}

int bio_duplicate_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
			 struct bio_duplicate *out, struct cd_error *err)
{
	char doing[96], number[32], uuid[37], other_uuid[37] = "";
	int64_t pid, other = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	snprintf(doing, sizeof doing, _("the duplicate search by %s"), finger);
	snprintf(out->finger, sizeof out->finger, "%s", finger);
	if ((rc = person_resolve(s, person_ref, &pid, err)) ||
	    (rc = person_brief(s, pid, number, uuid, NULL, 0, err)))
		return rc;
	if ((rc = gallery_load(s, key, h, finger, pid, doing, &out->gallery, err)) || !out->gallery)
		goto out;
	if ((rc = gallery_identify(h, finger, out->gallery, doing, &out->found, out->number, err)))
		goto out;
	out->searched = 1;
	if (out->found) {
		char ignored[32];
		if ((rc = person_resolve(s, out->number, &other, err)) ||
		    (rc = person_brief(s, other, ignored, other_uuid, out->name, sizeof out->name, err)))
			goto out;
	}
	/* The search, and on a hit the candidate on both records and who it named: together. */
	if ((rc = store_begin(s, err)))
		goto out;
	struct cd_event ev = { .person_id = pid, .kind = "biometric_search", .field = "finger", .new_value = finger,
			       .note = out->found ? "duplicate check: match" : "duplicate check: no match" };
	struct cd_event mine = { .person_id = pid, .kind = "biometric_duplicate", .field = finger,
				 .new_value = out->number, .note = "the same finger is enrolled for this person" };
	struct cd_event theirs = { .person_id = other, .kind = "biometric_duplicate", .field = finger,
				   .new_value = number, .note = "the same finger was given at this person's enrolment" };
	if ((rc = store_add_event(s, actor, &ev, err)) ||
	    (rc = store_add_audit(s, actor, "search", "biometric", uuid, purpose, err)) ||
	    (out->found && ((rc = store_add_event(s, actor, &mine, err)) || (rc = store_add_event(s, actor, &theirs, err)) ||
			    (rc = store_add_audit(s, actor, "view", "person", other_uuid, purpose, err))))) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, err);
out:
	gallery_drop(h, doing);
	if (rc)
		out->found = out->searched = 0;
	return rc;
}

/*
 * The latest usable template of a person for `modality` at `position` (a finger, or
 * "face"), opened with `key` into *plain (malloc'd; the caller wipes it); its row's uuid
 * in row_uuid.  CD_ENOTFOUND, with no message, when there is none: the caller says what.
 */
static int latest_template(struct cd_store *s, const struct bio_key *key, int64_t pid, const char *puuid,
			   const char *modality, const char *position, char row_uuid[37], unsigned char **plain,
			   size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char aad[160];
	int rc = st_prepare(s, "SELECT uuid, template FROM biometric WHERE person_id = ?1 AND modality = ?2"
			       " AND position = ?3 AND exception IS NULL AND template IS NOT NULL AND synthetic = 0"
			       " ORDER BY id DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	st_bind_text(st, 2, modality);
	st_bind_text(st, 3, position);
	if (sqlite3_step(st) != SQLITE_ROW) {
		st_finish(s, st);
		return CD_ENOTFOUND;
	}
	snprintf(row_uuid, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	bio_aad(puuid, modality, position, aad, sizeof aad);
	rc = bio_open(key, aad, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), plain, n, err);
	st_finish(s, st);
	return rc;
}

int bio_verify(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
	       int *match, struct cd_error *err)
{
	unsigned char *plain = NULL;
	size_t plain_n = 0;
	struct cd_buf members = CD_BUF_INIT;
	struct bw_msg reply = BW_MSG_INIT;
	char puuid[37], row_uuid[37] = "", doing[96];
	int64_t pid;
	long code = 0;
	int rc;

	*match = 0;
	snprintf(doing, sizeof doing, _("verifying %s"), finger);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		return rc;
	rc = latest_template(s, key, pid, puuid, "finger", finger, row_uuid, &plain, &plain_n, err);
	if (rc == CD_ENOTFOUND)
		rc = cd_error_set(err, CD_ENOTFOUND, _("%s has no enrolled %s to verify against"), person_ref, finger);
	if (rc)
		goto out;
	buf_printf(&members, "\"finger\":\"%s\",\"timeout_ms\":%d,", finger, h->o.timeout_ms);
	if ((rc = template_member(plain, plain_n, "template", &members, err)))
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
	rc = record_check(s, actor, pid, "biometric_verify", finger, *match ? "match" : "no match", "verify", row_uuid,
			  purpose, err);
out:
	bw_msg_release(&reply);
	wipe_buf(&members);
	if (plain) {
		OPENSSL_cleanse(plain, plain_n);
		free(plain);
	}
	return rc;
}

int bio_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *finger, const char *purpose, int *found,
	       char person_number[32], int *gallery_size, struct cd_error *err)
{
	char doing[96], match_uuid[37] = "";
	int rc;

	*found = 0;
	*gallery_size = 0;
	person_number[0] = '\0';
	snprintf(doing, sizeof doing, _("searching by %s"), finger);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	if ((rc = gallery_load(s, key, h, finger, 0, doing, gallery_size, err)))
		goto out;
	if (*gallery_size && (rc = gallery_identify(h, finger, *gallery_size, doing, found, person_number, err)))
		goto out;
	rc = CD_OK;
	if (*found) {
		int64_t pid = 0;
		if ((rc = person_resolve(s, person_number, &pid, err)) || (rc = person_uuid(s, pid, match_uuid, err)))
			goto out;
	}
	/* The search itself, and who it named. */
	if ((rc = record_check(s, actor, 0, "biometric_search", finger, *found ? "match" : "no match", "search", NULL,
			       purpose, err)))
		goto out;
	if (*found) {
		if ((rc = store_begin(s, err)))
			goto out;
		if ((rc = store_add_audit(s, actor, "view", "person", match_uuid, purpose, err))) {
			store_rollback(s);
			goto out;
		}
		rc = store_commit(s, err);
	}
out:
	gallery_drop(h, doing);
	return rc;
}

/* ---- the face photo, for forms ---------------------------------------------------------- */

int bio_face_photo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
		   const char *person_ref, const char *purpose, unsigned char **photo, size_t *n,
		   struct cd_error *err)
{
	char puuid[37], row_uuid[37];
	int64_t pid;
	int rc;

	*photo = NULL;
	*n = 0;
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		return rc;
	rc = latest_template(s, key, pid, puuid, "face", "face", row_uuid, photo, n, err);
	if (rc == CD_ENOTFOUND)
		return cd_error_set(err, CD_ENOTFOUND, _("%s has no enrolled face photo"), person_ref);
	if (rc)
		return rc;
	if ((rc = store_begin(s, err)) == CD_OK) {
		if ((rc = store_add_audit(s, actor, "view", "biometric", row_uuid, purpose, err)))
			store_rollback(s);
		else
			rc = store_commit(s, err);
	}
	if (rc) {
		OPENSSL_cleanse(*photo, *n);
		free(*photo);
		*photo = NULL;
		*n = 0;
	}
	return rc;
}
