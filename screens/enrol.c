/*
 * enrol.c - biometric enrolment of one person (issue 6): the ten fingers in two rows of
 * five with the live status of each capture, the face photo, exceptions, retries, 1:1
 * verification, and one save for the whole session.
 *
 * The captures go through model/biometric.h: the casedesk-enrol helper is started at the
 * first capture and stopped before the store is written.  Its calls block; the progress
 * callback keeps the screen alive meanwhile (it redraws the finger map with the live
 * stage and reads the keyboard without waiting, so that Esc cancels).  A helper that is
 * missing, crashes, hangs or writes garbage costs the capture at hand and nothing else:
 * the session stays in memory until F5 writes it in one transaction, and the helper is
 * started again at the next capture.
 *
 * The duplicate search before the first capture, and the fresh helper after a failed one,
 * are workflow/enrolment.h's policy, shared with `casedesk enrol`; this screen shows it: a
 * hit stays on the screen as a warning naming the other record until the screen is left,
 * and Esc cancels the search with the capture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/store/biometric.h"
#include "model/bio/wire.h"
#include "model/base/i18n.h"
#include "model/store/person.h"
#include "workflow/enrolment.h"
#include "screens/input.h"
#include "screens/term.h"
#include "screens/ui.h"

enum {
	E_LEFT = A_SCREEN_FIRST,
	E_RIGHT,
	E_ALL,
	E_EXCEPTION,
	E_FACE,
	E_RETRY,
	E_VERIFY,
};

static const struct ui_action enrol_actions[] = {
	{ E_LEFT, "bio-previous-finger", "Left h", N_("previous finger") },
	{ E_RIGHT, "bio-next-finger", "Right l", N_("next finger") },
	{ A_UP, "up", "Up", N_("the finger above (right hand)") },
	{ A_DOWN, "down", "Down", N_("the finger below (left hand)") },
	{ A_OPEN, "bio-capture", "Enter", N_("capture the highlighted finger") },
	{ E_ALL, "bio-capture-all", "a", N_("capture every finger not taken yet, one after the other") },
	{ E_EXCEPTION, "bio-exception", "x", N_("record an exception for the highlighted finger (missing, amputated ...)") },
	{ E_FACE, "bio-face", "f", N_("take the face photo from an image file or the camera") },
	{ E_RETRY, "bio-retry", "r", N_("capture the highlighted finger again") },
	{ E_VERIFY, "bio-verify", "v", N_("verify the highlighted finger 1:1 against the stored template") },
	{ A_SAVE, "save", "F5 ^S", N_("store this session's captures and exceptions together") },
	{ A_BACK, "back", "Esc", N_("cancel a running capture; else leave (nothing unsaved is stored)") },
};

/* The fingers as the screen names them, by ISO/IEC 19794-4 code (bw_finger_names). */
static const char *const finger_labels[BW_FINGERS + 1] = {
	NULL, N_("right thumb"), N_("right index"), N_("right middle"), N_("right ring"), N_("right little"),
	N_("left thumb"), N_("left index"), N_("left middle"), N_("left ring"), N_("left little"),
};

enum fstate { FS_NONE, FS_CAPTURING, FS_TAKEN, FS_LOW, FS_EXCEPTION, FS_FAILED };
enum prompt { PR_NONE, PR_EXCEPTION, PR_FACE, PR_LEAVE, PR_QUIT };

struct finger {
	enum fstate state;
	int stored;                 /* saved by an earlier F5 of this session */
	int stage, stages;          /* live, while capturing */
	int quality;
	struct bio_sample sample;   /* owns the template until saved */
	char device[64];
	char reason[201];           /* the exception */
};

struct enrol_view {
	struct screen *sc;
	char number[32];
	int on_file;                /* biometric rows the person has */
	struct bio_key key;
	int read_only;              /* no biometric key */
	char key_note[CD_ERRMSG_MAX];
	struct bio_helper *h;
	int reader;                 /* -1 unknown (helper not started), 0 none, 1 a reader */
	char reader_device[64];
	struct finger f[BW_FINGERS + 1];
	int sel;                    /* 1..10 */
	/* The face: state FS_NONE, FS_TAKEN, FS_LOW or FS_FAILED (refused). */
	struct finger face;
	char face_note[CD_ERRMSG_MAX];
	enum prompt prompt;
	struct input in;
	int busy;                   /* a capture or verification runs */
	int cancel;
	long busy_since;
	struct enr_policy pol;      /* the duplicate search of this session (workflow/enrolment.h) */
	int searching;              /* the running request is the duplicate search */
};

static long now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static int unsaved(const struct enrol_view *v)
{
	int n = 0;
	for (int i = 1; i <= BW_FINGERS; i++)
		n += !v->f[i].stored &&
		     (v->f[i].state == FS_TAKEN || v->f[i].state == FS_LOW || v->f[i].state == FS_EXCEPTION);
	n += !v->face.stored && (v->face.state == FS_TAKEN || v->face.state == FS_LOW);
	return n;
}

static void load_on_file(struct enrol_view *v)
{
	struct cd_person_record *r = NULL;
	/* Re-reading the person the desk has open: no audit row (person.c audited the open). */
	if (person_load(v->sc->ui->store, &v->sc->ui->actor, v->number, NULL, &r, NULL) == CD_OK) {
		v->on_file = r->biometrics;
		person_record_free(r);
	}
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void finger_status(const struct enrol_view *v, const struct finger *f, char *buf, size_t size)
{
	(void)v;
	switch (f->state) {
	case FS_NONE:
		snprintf(buf, size, "%s", _("not taken"));
		break;
	case FS_CAPTURING:
		if (f->stages == 0)
			snprintf(buf, size, "%s", _("capturing..."));
		else if (f->stage == 0)
			snprintf(buf, size, "%s", _("place finger"));
		else
			snprintf(buf, size, _("place finger %d/%d"), f->stage, f->stages);
		break;
	case FS_TAKEN:
		snprintf(buf, size, _("quality %d"), f->quality);
		break;
	case FS_LOW:
		snprintf(buf, size, _("kept below threshold %d"), f->quality);
		break;
	case FS_EXCEPTION:
		snprintf(buf, size, _("exception: %s"), f->reason);
		break;
	case FS_FAILED:
		snprintf(buf, size, "%s", _("failed: r retries"));
		break;
	}
	if (f->stored && f->state != FS_CAPTURING) {
		size_t n = strlen(buf);
		snprintf(buf + n, size - n, " %s", _("(saved)"));
	}
}

static void dup_line(const struct enrol_view *v, char *buf, size_t size)
{
	switch (v->pol.state) {
	case ENR_PENDING:
		snprintf(buf, size, "%s", v->pol.nobody_yet ? _("Duplicate search: nobody else in this office has the fingers "
							    "captured so far enrolled")
							  : _("Duplicate search: the first finger captured is first matched against "
							      "the office's enrolled people (one more touch)"));
		break;
	case ENR_CLEAR:
		snprintf(buf, size,
			 ngettext("Duplicate search: the %s matches none of the %d other person who has it enrolled",
				  "Duplicate search: the %s matches none of the %d other people who have it enrolled",
				  (unsigned long)v->pol.found.gallery),
			 _(finger_labels[bw_finger_code(v->pol.found.finger)]), v->pol.found.gallery);
		break;
	case ENR_HIT:
		snprintf(buf, size, _("These fingers are already enrolled for %s (%s): possible duplicate, recorded for a "
				      "supervisor"), v->pol.found.number, v->pol.found.name);
		break;
	case ENR_FAILED:
		snprintf(buf, size, _("Duplicate search: not made (%s); the enrolment goes on without it"), v->pol.failure);
		break;
	}
}

/* Text in a cell of `width` columns over at most two lines. */
static void cell_text(WINDOW *w, int y, int x, int width, const char *text, enum term_style st)
{
	if (term_width(text) <= width) {
		term_put_styled(w, y, x, text, width, 0, st);
		return;
	}
	size_t cut = term_fit(text, width);
	char first[256];
	if (cut >= sizeof first)
		cut = sizeof first - 1;
	memcpy(first, text, cut);
	first[cut] = '\0';
	term_put_styled(w, y, x, first, width, 0, st);
	text += cut;
	while (*text == ' ')
		text++;
	term_put_styled(w, y + 1, x, text, width, 0, st);
}

static void enrol_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct enrol_view *v = sc->data;
	char line[512], status[300];
	int y = 2, cw = (cols - 2) / 5;

	term_fill(w, 0, 0, cols, ST_TITLE);
	snprintf(line, sizeof line, _("Biometrics — %s"), v->number);
	term_put_styled(w, 0, 1, line, cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);

	if (v->read_only)
		term_put_styled(w, y++, 1, _("No biometric key: status only, nothing can be captured or saved."), cols - 2, 0,
				ST_WARN);
	snprintf(line, sizeof line, "%s %s   %s %d   %s %d",
		 _("Reader:"), v->reader < 0 ? _("not started yet") : v->reader ? v->reader_device
									  : _("none (exceptions and face only)"),
		 _("On file:"), v->on_file, _("Unsaved:"), unsaved(v));
	term_put(w, y++, 1, line, cols - 2, 0);
	dup_line(v, line, sizeof line);
	cell_text(w, y, 1, cols - 2, line, v->pol.state == ENR_HIT ? ST_ERROR : v->pol.state == ENR_FAILED ? ST_WARN : ST_DIM);
	y += term_width(line) > cols - 2 ? 2 : 1;
	y++;
	for (int hand = 0; hand < 2; hand++) {
		term_put_styled(w, y++, 1, hand ? _("Left hand") : _("Right hand"), cols - 2, 0, ST_LABEL);
		for (int k = 0; k < 5; k++) {
			int code = hand * 5 + k + 1, x = 1 + k * cw;
			const struct finger *f = &v->f[code];
			int sel = code == v->sel;
			snprintf(line, sizeof line, "%s%s", sel ? "> " : "  ", _(finger_labels[code]));
			term_put_styled(w, y, x, line, cw - 1, sel, sel ? ST_SELECTED : ST_NORMAL);
			finger_status(v, f, status, sizeof status);
			cell_text(w, y + 1, x + 2, cw - 2, status,
				  f->state == FS_FAILED ? ST_ERROR : f->state == FS_LOW ? ST_WARN
				  : f->state == FS_NONE ? ST_DIM : ST_NORMAL);
		}
		y += 4;
	}
	term_put_styled(w, y, 1, _("Face"), 8, 0, ST_LABEL);
	int camera = strcmp(v->face.device, "face:camera") == 0;
	if ((v->face.state == FS_TAKEN || v->face.state == FS_LOW) && camera)
		snprintf(status, sizeof status, v->face.state == FS_LOW ? _("from the camera, kept below threshold %d")
									 : _("from the camera, quality %d"), v->face.quality);
	else if (v->face.state == FS_TAKEN || v->face.state == FS_LOW)
		snprintf(status, sizeof status, v->face.state == FS_LOW ? _("from file, kept below threshold %d")
									 : _("from file, quality %d"), v->face.quality);
	else if (v->face.state == FS_FAILED)
		snprintf(status, sizeof status, _("refused: %s"), v->face_note);
	else
		snprintf(status, sizeof status, "%s", _("not taken"));
	if (v->face.stored) {
		size_t n = strlen(status);
		snprintf(status + n, sizeof status - n, " %s", _("(saved)"));
	}
	term_put(w, y++, 10, status, cols - 11, 0);
	y++;
	if (y < rows - 1)
		term_put_styled(w, y, 1,
				_("Enter captures, a all, x exception, f face, r retry, v verify, F5 saves; "
				  "enrolment can be finished later."), cols - 2, 0, ST_DIM);
	if (v->prompt == PR_EXCEPTION || v->prompt == PR_FACE) {
		const char *label = v->prompt == PR_FACE ? _("Face image file:")
							 : _("Reason (missing, amputated, injured, bandaged):");
		int lw = term_width(label);
		term_fill(w, rows - 1, 0, cols, ST_NORMAL);
		term_put_styled(w, rows - 1, 1, label, cols / 2, 0, ST_LABEL);
		if (lw > cols / 2)
			lw = cols / 2;
		input_draw(&v->in, w, rows - 1, lw + 2, cols - lw - 3, 1);
	}
}

/* Draws the screen and the message line from inside a blocking call. */
static void paint(struct enrol_view *v)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	if (rows < 10 || cols < 40)
		return;
	WINDOW *content = derwin(stdscr, rows - 2, cols, 0, 0);
	if (content) {
		werase(content);
		enrol_draw(v->sc, content, rows - 2, cols);
		delwin(content);
	}
	term_fill(stdscr, rows - 2, 0, cols, ST_NORMAL);
	term_put_styled(stdscr, rows - 2, 1, v->sc->ui->message, cols - 2, 0,
			v->sc->ui->message_is_error ? ST_ERROR : ST_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

/*
 * The helper's progress, and a tick about every 200 ms while casedesk waits: show it,
 * read the keyboard without waiting, and cancel on Esc.
 */
static int on_progress(void *ctx, const char *finger, int stage, int stages)
{
	struct enrol_view *v = ctx;
	wint_t ch;
	int got;

	if (finger && v->busy > 0) {
		struct finger *f = &v->f[v->busy];
		f->stage = stage;
		f->stages = stages;
	}
	if (!v->cancel) {
		if (v->busy > 0 && v->searching)
			ui_say(v->sc->ui, _("duplicate search: place the %s to match it against the office (%ld s) — Esc cancels"),
			       _(finger_labels[v->busy]), now_s() - v->busy_since);
		else if (v->busy > 0)
			ui_say(v->sc->ui, _("capturing the %s (%ld s) — Esc cancels"), _(finger_labels[v->busy]),
			       now_s() - v->busy_since);
		else
			ui_say(v->sc->ui, _("working (%ld s) — Esc cancels"), now_s() - v->busy_since);
	}
	timeout(0);
	while ((got = get_wch(&ch)) != ERR) {
		if (got == OK && ch == 27) {
			v->cancel = 1;
			ui_say(v->sc->ui, "%s", _("cancelling..."));
		}
	}
	paint(v);
	return v->cancel;
}

/* ---- the helper ------------------------------------------------------------------------- */

static int refuse_read_only(struct enrol_view *v)
{
	if (!v->read_only)
		return 0;
	ui_error(v->sc->ui, "%s", v->key_note);
	return 1;
}

static int ensure_helper(struct enrol_view *v)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_helper_opts o = { .quality_threshold = -1, .retries = -1, .progress = on_progress,
				     .progress_ctx = v };
	if (v->h)
		return CD_OK;
	ui_say(v->sc->ui, "%s", _("starting the enrolment helper..."));
	v->busy = -1;
	v->cancel = 0;
	v->busy_since = now_s();
	int delay = wgetdelay(stdscr);
	paint(v);
	int rc = bio_helper_start(&o, &v->h, &err);
	timeout(delay);
	v->busy = 0;
	if (rc) {
		v->h = NULL;
		ui_error(v->sc->ui, "%s", err.msg);
		return rc;
	}
	v->reader = bio_helper_has_finger(v->h);
	snprintf(v->reader_device, sizeof v->reader_device, "%s", bio_helper_device(v->h, "finger"));
	v->sc->ui->message[0] = '\0';
	return CD_OK;
}

/* After a failure the helper may be dead; the next capture starts a fresh one. */
static void drop_helper(struct enrol_view *v)
{
	bio_helper_stop(v->h);
	v->h = NULL;
}

static int need_reader(struct enrol_view *v)
{
	if (ensure_helper(v))
		return 0;
	if (!v->reader) {
		ui_error(v->sc->ui, "%s",
			 _("no fingerprint reader is connected: record exceptions (x) or a face photo (f); "
			   "enrolment can be finished later"));
		return 0;
	}
	return 1;
}

/*
 * The duplicate search before `code`'s capture, while none was made (the policy is
 * workflow/enrolment.h's; this says what happened).  0: go on with the capture (whatever
 * the search found, or if it failed); non-zero: Esc cancelled it, or no helper can be
 * started for the capture.
 */
static int duplicate_search(struct enrol_view *v, int code)
{
	struct finger *f = &v->f[code];
	enum fstate before = f->state;

	f->state = FS_CAPTURING;
	f->stage = f->stages = 0;
	v->busy = code;
	v->searching = 1;
	v->cancel = 0;
	v->busy_since = now_s();
	int delay = wgetdelay(stdscr);
	on_progress(v, NULL, 0, 0);
	enum enr_next next = enr_search(&v->pol, v->sc->ui->store, &v->sc->ui->actor, &v->key, &v->h, v->number,
					bw_finger_names[code], &v->cancel);
	timeout(delay);
	v->busy = 0;
	v->searching = 0;
	f->state = before;
	if (next == ENR_CANCELLED) {
		ui_error(v->sc->ui, "%s", _("duplicate search cancelled; nothing was captured"));
		return 1;
	}
	if (next == ENR_RESTART) {
		if (!need_reader(v))
			return 1;
		ui_error(v->sc->ui, _("the duplicate search could not be made (%s); the enrolment goes on without it"),
			 v->pol.failure);
		return 0;
	}
	if (v->pol.state == ENR_HIT)
		ui_error(v->sc->ui, _("these fingers are already enrolled for %s (%s)"), v->pol.found.number,
			 v->pol.found.name);
	return 0;
}

/* Captures one finger; keeps what the finger had when it fails.  CD_OK or the failure. */
static int capture(struct enrol_view *v, int code)
{
	struct cd_error err = CD_ERROR_INIT;
	struct finger *f = &v->f[code];
	struct bio_sample s = { 0 };
	enum fstate before = f->state;

	if (enr_search_due(&v->pol, v->h) && duplicate_search(v, code))
		return CD_EDEVICE;
	f->state = FS_CAPTURING;
	f->stage = f->stages = 0;
	v->busy = code;
	v->cancel = 0;
	v->busy_since = now_s();
	int delay = wgetdelay(stdscr);
	on_progress(v, NULL, 0, 0);
	int rc = v->cancel ? CD_EDEVICE : bio_helper_capture_finger(v->h, bw_finger_names[code], &s, &err);
	timeout(delay);
	v->busy = 0;
	if (rc) {
		f->state = before == FS_NONE ? FS_FAILED : before;
		ui_error(v->sc->ui, "%s", err.msg[0] ? err.msg : _("cancelled; nothing was captured"));
		drop_helper(v);
		return rc;
	}
	bio_sample_release(&f->sample);
	f->sample = s;
	f->quality = s.quality;
	f->state = s.code == BW_ELOWQUALITY ? FS_LOW : FS_TAKEN;
	f->stored = 0;
	f->reason[0] = '\0';
	snprintf(f->device, sizeof f->device, "%s", bio_helper_device(v->h, "finger"));
	if (f->state == FS_LOW)
		ui_say(v->sc->ui, ngettext("%s: kept with quality %d, below the threshold, after %d attempt; r tries again",
					   "%s: kept with quality %d, below the threshold, after %d attempts; r tries again",
					   (unsigned long)s.attempts),
		       _(finger_labels[code]), s.quality, s.attempts);
	else
		ui_say(v->sc->ui, _("%s: quality %d"), _(finger_labels[code]), s.quality);
	return CD_OK;
}

static void capture_all(struct enrol_view *v)
{
	int n = 0;
	for (int i = 1; i <= BW_FINGERS; i++) {
		if (v->f[i].state != FS_NONE && v->f[i].state != FS_FAILED)
			continue;
		v->sel = i;
		if (capture(v, i))
			return;
		n++;
		if (!need_reader(v))
			return;
	}
	if (n)
		ui_say(v->sc->ui, ngettext("%d finger captured; F5 saves", "%d fingers captured; F5 saves", (unsigned long)n),
		       n);
	else
		ui_say(v->sc->ui, "%s", _("every finger is taken or excepted; r retakes one"));
}

/* A face photo from `file`, or from the helper's camera when `file` is empty. */
static void take_face(struct enrol_view *v, const char *file)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_sample s = { 0 };
	const char *from = *file ? file : NULL;
	if (ensure_helper(v))
		return;
	v->busy = -1;
	v->cancel = 0;
	v->busy_since = now_s();
	int delay = wgetdelay(stdscr);
	int rc = bio_helper_capture_face(v->h, from, &s, &err);
	timeout(delay);
	v->busy = 0;
	if (rc == CD_EINPUT) {
		if (!(v->face.state == FS_TAKEN || v->face.state == FS_LOW))
			v->face.state = FS_FAILED;
		snprintf(v->face_note, sizeof v->face_note, "%s", err.msg);
		ui_error(v->sc->ui, "%s", err.msg);
		return;
	}
	if (rc) {
		ui_error(v->sc->ui, "%s", err.msg);
		drop_helper(v);
		return;
	}
	bio_sample_release(&v->face.sample);
	v->face.sample = s;
	v->face.quality = s.quality;
	v->face.state = s.code == BW_ELOWQUALITY ? FS_LOW : FS_TAKEN;
	v->face.stored = 0;
	snprintf(v->face.device, sizeof v->face.device, "%s", bio_helper_device(v->h, from ? "face" : "camera"));
	ui_say(v->sc->ui, _("face: quality %d; F5 saves"), s.quality);
}

static void record_exception(struct enrol_view *v, const char *reason)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_enrolment check = BIO_ENROLMENT_INIT;
	struct finger *f = &v->f[v->sel];
	if (!*reason) {
		ui_say(v->sc->ui, "%s", _("no exception recorded"));
		return;
	}
	/* The model's own checks of the reason, on a scratch session. */
	int rc = bio_enrolment_add_exception(&check, bw_finger_names[v->sel], reason, &err);
	bio_enrolment_release(&check);
	if (rc) {
		ui_error(v->sc->ui, "%s", err.msg);
		return;
	}
	bio_sample_release(&f->sample);
	snprintf(f->reason, sizeof f->reason, "%s", reason);
	f->state = FS_EXCEPTION;
	f->stored = 0;
	ui_say(v->sc->ui, _("%s: exception recorded; F5 saves"), _(finger_labels[v->sel]));
}

/* A copy of a sample for the session to take, so that a failed save keeps the original. */
static int add_copy(struct bio_enrolment *e, const char *modality, const struct finger *f, struct cd_error *err)
{
	struct bio_sample c = f->sample;
	c.tmpl = malloc(f->sample.tmpl_len ? f->sample.tmpl_len : 1);
	if (!c.tmpl)
		return cd_error_set(err, CD_EINTERNAL, "%s", _("out of memory"));
	memcpy(c.tmpl, f->sample.tmpl, f->sample.tmpl_len);
	int rc = bio_enrolment_add_sample(e, modality, &c, f->device, err);
	bio_sample_release(&c);
	return rc;
}

static void save(struct enrol_view *v)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_enrolment e = BIO_ENROLMENT_INIT;
	int captures = 0, exceptions = 0, rc = CD_OK;

	if (refuse_read_only(v))
		return;
	for (int i = 1; i <= BW_FINGERS && !rc; i++) {
		struct finger *f = &v->f[i];
		if (f->stored)
			continue;
		if (f->state == FS_TAKEN || f->state == FS_LOW) {
			rc = add_copy(&e, "finger", f, &err);
			captures++;
		} else if (f->state == FS_EXCEPTION) {
			rc = bio_enrolment_add_exception(&e, bw_finger_names[i], f->reason, &err);
			exceptions++;
		}
	}
	if (!rc && !v->face.stored && (v->face.state == FS_TAKEN || v->face.state == FS_LOW)) {
		rc = add_copy(&e, "face", &v->face, &err);
		captures++;
	}
	if (!rc && e.n == 0) {
		ui_say(v->sc->ui, "%s", _("nothing to save: no capture and no exception in this session"));
		goto out;
	}
	/* The helper is done for now; stop it before the store takes its write lock. */
	drop_helper(v);
	if (!rc)
		rc = bio_enrolment_commit(v->sc->ui->store, &v->sc->ui->actor, &v->key, v->number, &e, &err);
	if (rc) {
		ui_error(v->sc->ui, "%s", err.msg);
		goto out;
	}
	for (int i = 1; i <= BW_FINGERS; i++)
		if (v->f[i].state == FS_TAKEN || v->f[i].state == FS_LOW || v->f[i].state == FS_EXCEPTION) {
			bio_sample_release(&v->f[i].sample);
			v->f[i].stored = 1;
		}
	if (v->face.state == FS_TAKEN || v->face.state == FS_LOW) {
		bio_sample_release(&v->face.sample);
		v->face.stored = 1;
	}
	load_on_file(v);
	/* One count a phrase: each takes its own plural. */
	char took[96], excepted[96];
	snprintf(took, sizeof took, ngettext("%d capture", "%d captures", (unsigned long)captures), captures);
	snprintf(excepted, sizeof excepted, ngettext("%d exception", "%d exceptions", (unsigned long)exceptions),
		 exceptions);
	if (v->pol.state == ENR_HIT)
		/* TRANSLATORS: "stored 3 captures and 1 exception for P-TBS-000001; ..." */
		ui_error(v->sc->ui, _("stored %s and %s for %s; the same fingers as %s: recorded as a possible duplicate"),
			 took, excepted, v->number, v->pol.found.number);
	else
		/* TRANSLATORS: "stored 3 captures and 1 exception for P-TBS-000001" */
		ui_say(v->sc->ui, _("stored %s and %s for %s"), took, excepted, v->number);
out:
	bio_enrolment_release(&e);
}

static void verify(struct enrol_view *v)
{
	struct cd_error err = CD_ERROR_INIT;
	int match = 0;
	if (refuse_read_only(v) || !need_reader(v))
		return;
	v->busy = v->sel;
	enum fstate before = v->f[v->sel].state;
	v->f[v->sel].state = FS_CAPTURING;
	v->f[v->sel].stage = v->f[v->sel].stages = 0;
	v->cancel = 0;
	v->busy_since = now_s();
	int delay = wgetdelay(stdscr);
	on_progress(v, NULL, 0, 0);
	int rc = v->cancel ? CD_EDEVICE
			   : bio_verify(v->sc->ui->store, &v->sc->ui->actor, &v->key, v->h, v->number,
					bw_finger_names[v->sel], "casework", &match, &err);
	timeout(delay);
	v->busy = 0;
	v->f[v->sel].state = before;
	if (rc == CD_ENOTFOUND) {
		ui_error(v->sc->ui, "%s", _("no stored template for this finger to verify against; F5 saves the session first"));
		return;
	}
	if (rc) {
		ui_error(v->sc->ui, "%s", err.msg[0] ? err.msg : _("cancelled"));
		if (rc == CD_EDEVICE)
			drop_helper(v);
		return;
	}
	if (match)
		ui_say(v->sc->ui, _("%s: match"), _(finger_labels[v->sel]));
	else
		ui_error(v->sc->ui, _("%s: no match"), _(finger_labels[v->sel]));
}

/* ---- the screen ------------------------------------------------------------------------- */

static int enrol_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	struct enrol_view *v = calloc(1, sizeof *v);
	struct cd_error kerr = CD_ERROR_INIT;
	int64_t pid;
	if (!v)
		return cd_error_set(err, CD_EINTERNAL, "%s", _("out of memory"));
	snprintf(v->number, sizeof v->number, "%s", arg ? arg : "");
	if (person_resolve(sc->ui->store, v->number, &pid, err) != CD_OK) {
		free(v);
		return err->code;
	}
	v->sc = sc;
	v->sel = 1;
	v->reader = -1;
	sc->data = v;
	load_on_file(v);
	if (bio_key_load(&v->key, &kerr) != CD_OK) {
		v->read_only = 1;
		snprintf(v->key_note, sizeof v->key_note, "%s", kerr.msg);
		ui_error(sc->ui, "%s", kerr.msg);
	}
	return CD_OK;
}

static void enrol_close(struct screen *sc)
{
	struct enrol_view *v = sc->data;
	if (!v)
		return;
	bio_helper_stop(v->h);
	for (int i = 1; i <= BW_FINGERS; i++)
		bio_sample_release(&v->f[i].sample);
	bio_sample_release(&v->face.sample);
	bio_key_wipe(&v->key);
	free(v);
}

static void enrol_reload(struct screen *sc)
{
	load_on_file(sc->data);
}

static int enrol_wants_text(const struct screen *sc)
{
	const struct enrol_view *v = sc->data;
	return v->prompt == PR_EXCEPTION || v->prompt == PR_FACE;
}

/* Captures not stored yet: a jump (F2 F3 F4), F9 or quitting from another screen asks (ui.c). */
static int enrol_dirty(const struct screen *sc)
{
	const struct enrol_view *v = sc->data;
	return v && unsaved(v) > 0;
}

static unsigned ask_leave(struct enrol_view *v, enum prompt which, unsigned otherwise)
{
	int n = unsaved(v);
	if (!n)
		return UI_HANDLED | otherwise;
	v->prompt = which;
	ui_error(v->sc->ui, ngettext("%d capture or exception not saved: y leaves and stores nothing (enrolment can be "
				     "finished later), any other key stays",
				     "%d captures or exceptions not saved: y leaves and stores nothing (enrolment can be "
				     "finished later), any other key stays", (unsigned long)n), n);
	return UI_HANDLED;
}

static unsigned enrol_key(struct screen *sc, int action, wint_t ch)
{
	struct enrol_view *v = sc->data;
	char text[INPUT_MAX * 4 + 1];

	switch (v->prompt) {
	case PR_EXCEPTION:
	case PR_FACE:
		if (ch == 27) {
			ui_say(sc->ui, "%s", v->prompt == PR_FACE ? _("no face photo taken") : _("no exception recorded"));
			v->prompt = PR_NONE;
		} else if (action == A_OPEN || ch == '\r' || ch == '\n') {
			enum prompt p = v->prompt;
			v->prompt = PR_NONE;
			input_get(&v->in, text, sizeof text);
			if (p == PR_FACE)
				take_face(v, text);
			else
				record_exception(v, text);
		} else {
			input_key(&v->in, ch);
		}
		return UI_HANDLED;
	case PR_LEAVE:
	case PR_QUIT: {
		enum prompt p = v->prompt;
		v->prompt = PR_NONE;
		if (ch == 'y' || ch == 'Y')
			return UI_HANDLED | (p == PR_QUIT ? UI_QUIT : UI_BACK);
		ui_say(sc->ui, "%s", _("still here; F5 saves the session"));
		return UI_HANDLED;
	}
	case PR_NONE:
		break;
	}

	switch (action) {
	case E_LEFT:
		v->sel = v->sel > 1 ? v->sel - 1 : BW_FINGERS;
		return UI_HANDLED;
	case E_RIGHT:
		v->sel = v->sel < BW_FINGERS ? v->sel + 1 : 1;
		return UI_HANDLED;
	case A_UP:
		if (v->sel > 5)
			v->sel -= 5;
		return UI_HANDLED;
	case A_DOWN:
		if (v->sel <= 5)
			v->sel += 5;
		return UI_HANDLED;
	case A_OPEN:
		if (refuse_read_only(v))
			return UI_HANDLED;
		if (v->f[v->sel].state != FS_NONE && v->f[v->sel].state != FS_FAILED) {
			ui_say(sc->ui, _("the %s is taken or excepted already; r captures it again"),
			       _(finger_labels[v->sel]));
			return UI_HANDLED;
		}
		if (need_reader(v))
			capture(v, v->sel);
		return UI_HANDLED;
	case E_RETRY:
		if (!refuse_read_only(v) && need_reader(v))
			capture(v, v->sel);
		return UI_HANDLED;
	case E_ALL:
		if (!refuse_read_only(v) && need_reader(v))
			capture_all(v);
		return UI_HANDLED;
	case E_EXCEPTION:
		if (refuse_read_only(v))
			return UI_HANDLED;
		v->prompt = PR_EXCEPTION;
		input_set(&v->in, "");
		ui_say(sc->ui, _("exception for the %s: type the reason, Enter records it, Esc cancels"),
		       _(finger_labels[v->sel]));
		return UI_HANDLED;
	case E_FACE:
		if (refuse_read_only(v))
			return UI_HANDLED;
		v->prompt = PR_FACE;
		input_set(&v->in, "");
		ui_say(sc->ui, "%s", _("face photo: type the image file's path and Enter, or Enter alone for the camera; "
				       "Esc cancels"));
		return UI_HANDLED;
	case E_VERIFY:
		verify(v);
		return UI_HANDLED;
	case A_SAVE:
		save(v);
		return UI_HANDLED;
	case A_BACK:
		return ask_leave(v, PR_LEAVE, UI_BACK);
	case A_QUIT:
		return ask_leave(v, PR_QUIT, UI_QUIT);
	}
	return UI_UNHANDLED;
}

const struct screen_ops enrol_screen = {
	.name = "enrol",
	.actions = enrol_actions,
	.n_actions = sizeof enrol_actions / sizeof enrol_actions[0],
	.wants_text = enrol_wants_text,
	.dirty = enrol_dirty,
	.open = enrol_open,
	.draw = enrol_draw,
	.key = enrol_key,
	.reload = enrol_reload,
	.close = enrol_close,
};
