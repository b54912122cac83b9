/*
 * bench_bio.c - `make bench`, issue 6: the biometric figures, measured through the real
 * casedesk-enrol (the release build) and libfprint's virtual_image driver, on a store and a
 * key file of the bench's own in a temporary directory.
 *
 * usage: build/bench_bio HELPER [GALLERY [DISTINCT]]
 *
 *   HELPER    the casedesk-enrol to drive (tests/bench.sh: ./casedesk-enrol)
 *   GALLERY   templates in the 1:N gallery (default 10000)
 *   DISTINCT  distinct fingers enrolled through the device to make them (default 60)
 *
 * 1. The pipe alone: `status` round trips to a helper started by hand (no device work).
 * 2. Enrolment: DISTINCT synthetic right index fingers, each through bio_helper_capture_finger
 *    (a quality touch, then libfprint's own enrolment touches), each with a helper of its own
 *    so that no touch of the previous finger is still in the socket (see feeder below).  The
 *    capture's round trip is request written -> final reply read; an enrolment adds the
 *    helper's start and the sealed commit to the store.
 * 3. The gallery: GALLERY people, each with one sealed right-index template.  Enrolling 10,000
 *    fingers through the device takes hours, so the DISTINCT enrolled prints are reused,
 *    each sealed for its own person (a template is bound to its person): people 1 ..
 *    GALLERY-1 cycle through the first DISTINCT-1 prints and the last person alone holds the
 *    last print.  The bench prints exactly that.
 * 4. 1:1: bio_verify of the first person, the matching finger touched.
 * 5. 1:N: bio_search over the whole gallery, three probes, each a fresh touch (another shift
 *    and noise than the enrolment's): the first person's finger (a match at the gallery's
 *    first print), the last person's (a match at its last print), and a finger enrolled for
 *    no one (every print compared: the worst case).  The "place" event of identify splits
 *    each search into loading the gallery and the touch with its matching.
 * 6. Where loading goes: the store read + AES-GCM open + base64 alone, and the helper's side
 *    (pipe, JSON, fp_print_deserialize) one print per request against 128 per request.
 *
 * The finger: a thread of this program plays it on the virtual_image socket, a touch every
 * FEED_MS from images drawn once (tests/tool/fp_synth.h), so every figure with a touch includes
 * up to FEED_MS of waiting for the finger.  The driver takes an image only while it waits
 * for a finger; one written while the helper is busy stays in the socket and is taken by
 * the next wait: hence a new helper (and a new connection) whenever the finger changes.
 *
 * Times are printed, never asserted; the program fails only when it cannot measure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "tests/tool/fp_synth.h"
#include "model/store/biometric.h"
#include "model/bio/wire.h"
#include "model/store/person.h"
#include "model/store/store.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"

#define FEED_MS 20
#define PIPE_ROUNDS 2000
#define CAPTURE_RUNS 10            /* extra captures of one finger for the round-trip figures */
#define VERIFY_RUNS 10
#define SEARCH_RUNS 3              /* per probe */
#define RAW_BATCH 128
#define FINGER "right_index"
#define SEED_BASE 101              /* seeds of the enrolled fingers: SEED_BASE + k */
#define SEED_NOBODY 977            /* a finger enrolled for no one */
#define PROBE_TOUCH 7              /* probes are this touch: shifted and noisy unlike the enrolment's */

static char dir[64];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("bench_bio: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;
	fputs("bench_bio: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" ...\n", stderr);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct pct {
	double p50, p95, p99, max;
	size_t n;
};

/* Sorts the samples and picks by nearest rank (with few samples p99 is the slowest). */
static struct pct percentiles(double *v, size_t n)
{
	struct pct r = { 0, 0, 0, 0, n };
	if (!n)
		return r;
	qsort(v, n, sizeof *v, cmp_double);
	size_t i50 = (size_t)ceil(0.50 * (double)n), i95 = (size_t)ceil(0.95 * (double)n),
	       i99 = (size_t)ceil(0.99 * (double)n);
	r.p50 = v[i50 ? i50 - 1 : 0];
	r.p95 = v[i95 ? i95 - 1 : 0];
	r.p99 = v[i99 ? i99 - 1 : 0];
	r.max = v[n - 1];
	return r;
}

static void row(const char *figure, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row(const char *figure, const char *fmt, ...)
{
	char value[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	printf("%-52s %s\n", figure, value);
	fflush(stdout);
}

static void pct_row(const char *figure, const struct pct *p, const char *unit)
{
	row(figure, "p50 %.1f %s   p95 %.1f   p99 %.1f   (n=%zu)", p->p50, unit, p->p95, p->p99, p->n);
}

/* ---- the finger: a feeder thread on the virtual_image socket ------------------------- */

struct image {
	unsigned long seed;
	unsigned touch;
	unsigned char px[FP_W * FP_H];
};

static struct {
	pthread_mutex_t mu;
	struct image **cache;        /* every image drawn, kept until the end (the thread may hold one) */
	size_t n_cache, cap_cache;
	const struct image *touches[2];
	unsigned next;
	int stop;
	char path[108];
} feed = { .mu = PTHREAD_MUTEX_INITIALIZER };

static const struct image *image_of(unsigned long seed, unsigned touch)
{
	for (size_t i = 0; i < feed.n_cache; i++)
		if (feed.cache[i]->seed == seed && feed.cache[i]->touch == touch)
			return feed.cache[i];
	struct image *im = malloc(sizeof *im);
	if (!im)
		die("out of memory");
	im->seed = seed;
	im->touch = touch;
	make_finger(seed, touch, im->px);
	pthread_mutex_lock(&feed.mu);
	if (feed.n_cache == feed.cap_cache) {
		feed.cap_cache = feed.cap_cache ? feed.cap_cache * 2 : 64;
		feed.cache = realloc(feed.cache, feed.cap_cache * sizeof *feed.cache);
		if (!feed.cache)
			die("out of memory");
	}
	feed.cache[feed.n_cache++] = im;
	pthread_mutex_unlock(&feed.mu);
	return im;
}

/* The finger the feeder plays from now on: touches a and b in turn (b may equal a). */
static void finger_is(unsigned long seed, unsigned touch_a, unsigned touch_b)
{
	const struct image *a = image_of(seed, touch_a), *b = image_of(seed, touch_b);
	pthread_mutex_lock(&feed.mu);
	feed.touches[0] = a;
	feed.touches[1] = b;
	pthread_mutex_unlock(&feed.mu);
}

static int send_all(int fd, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *feeder(void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int32_t hdr[2] = { FP_W, FP_H };
	int fd = -1;
	(void)arg;
	memcpy(sa.sun_path, feed.path, strlen(feed.path) + 1);
	for (;;) {
		pthread_mutex_lock(&feed.mu);
		int stop = feed.stop;
		const struct image *im = feed.touches[feed.next++ & 1];
		pthread_mutex_unlock(&feed.mu);
		if (stop)
			break;
		if (fd < 0) {
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
				close(fd);
				fd = -1;
				sleep_ms(2);
				continue;
			}
		}
		if (im && (send_all(fd, hdr, sizeof hdr) || send_all(fd, im->px, sizeof im->px))) {
			close(fd);
			fd = -1;
			continue;
		}
		sleep_ms(FEED_MS);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ---- the helper through model/biometric.h -------------------------------------------- */

static int helper_log = -1;      /* the helper's stderr: libfprint's chatter about dropped touches */

struct watch {
	double start, loaded;        /* loaded: identify's "place" event (the gallery is in) */
	double places[16];
	int n_places;
};

static int on_progress(void *ctx, const char *finger, int stage, int stages)
{
	struct watch *w = ctx;
	(void)stage;
	(void)stages;
	if (!finger)
		return 0;
	double t = now_ms();
	if (w->n_places < 16)
		w->places[w->n_places++] = t;
	if (!w->loaded)
		w->loaded = t;
	return 0;
}

static struct bio_helper *helper_start(struct watch *w, double *took)
{
	struct bio_helper_opts o = { .timeout_ms = 20000, .quality_threshold = 0, .retries = 0,
				     .progress = on_progress, .progress_ctx = w };
	struct cd_error err = CD_ERROR_INIT;
	struct bio_helper *h = NULL;
	int saved = dup(2);
	dup2(helper_log, 2);
	double t0 = now_ms();
	int rc = bio_helper_start(&o, &h, &err);
	if (took)
		*took = now_ms() - t0;
	dup2(saved, 2);
	close(saved);
	if (rc)
		die("starting the helper: %s", err.msg);
	if (!bio_helper_has_finger(h))
		die("the helper sees no fingerprint reader (FP_VIRTUAL_IMAGE=%s)", feed.path);
	return h;
}

/* ---- 1 and 6: the protocol by hand ----------------------------------------------------- */

struct raw {
	pid_t pid;
	int to, from;
	char *buf;
	size_t len, cap;
};

static void raw_start(struct raw *r, const char *helper, const char *socket_path)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	r->pid = fork();
	if (r->pid < 0)
		die("fork: %s", strerror(errno));
	if (r->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(helper_log, 2);
		setenv("FP_VIRTUAL_IMAGE", socket_path, 1);
		execl(helper, helper, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->to = in[1];
	r->from = out[0];
	r->len = 0;
	r->cap = 1 << 16;
	r->buf = malloc(r->cap);
	if (!r->buf)
		die("out of memory");
}

static void raw_send(struct raw *r, const char *line, size_t n)
{
	while (n) {
		ssize_t w = write(r->to, line, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("the helper stopped reading");
		line += w;
		n -= (size_t)w;
	}
}

/* Reads the next line that is not an event; returns its "error". */
static long raw_reply(struct raw *r)
{
	for (;;) {
		char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - r->buf);
			struct bw_msg m;
			const char *why = NULL;
			long code = -1;
			if (bw_parse(r->buf, n, &m, &why))
				die("the helper wrote something that is not its protocol (%s)", why);
			int event = bw_str(&m, "event") != NULL;
			bw_int(&m, "error", &code);
			bw_msg_release(&m);
			memmove(r->buf, nl + 1, r->len - n - 1);
			r->len -= n + 1;
			if (!event)
				return code;
			continue;
		}
		if (r->len == r->cap) {
			r->cap *= 2;
			if (!(r->buf = realloc(r->buf, r->cap)))
				die("out of memory");
		}
		ssize_t got = read(r->from, r->buf + r->len, r->cap - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			die("the helper went away");
		r->len += (size_t)got;
	}
}

static void raw_stop(struct raw *r)
{
	static const char quit[] = "{\"cmd\":\"quit\"}\n";
	raw_send(r, quit, sizeof quit - 1);
	close(r->to);
	close(r->from);
	waitpid(r->pid, NULL, 0);
	free(r->buf);
}

/* ---- the store ------------------------------------------------------------------------ */

struct fixture {
	struct cd_store *s;
	struct cd_actor actor;
	struct bio_key key;
};

static void add_person(struct fixture *f, long i, struct cd_person *p)
{
	struct cd_error err = CD_ERROR_INIT;
	char given[32];
	snprintf(given, sizeof given, "Person %ld", i);
	struct cd_person_input in = { .surname = "Bench", .given = given, .sex = "X", .dob = "1980",
				      .nationality = "XXA" };
	if (person_add(f->s, &f->actor, &in, p, &err))
		die("adding a person: %s", err.msg);
}

static void enrol_copy(struct fixture *f, const char *number, const unsigned char *t, size_t n)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_enrolment e = BIO_ENROLMENT_INIT;
	struct bio_sample sm = { .position = FINGER, .quality = 90 };
	if (!(sm.tmpl = malloc(n)))
		die("out of memory");
	memcpy(sm.tmpl, t, n);
	sm.tmpl_len = n;
	if (bio_enrolment_add_sample(&e, "finger", &sm, "finger:virtual_image", &err) ||
	    bio_enrolment_commit(f->s, &f->actor, &f->key, number, &e, &err))
		die("enrolling: %s", err.msg);
	bio_enrolment_release(&e);
}

/* ---- main ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct fixture f = { 0 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store_create_opts co = { .office = "TBS", .training = 1 };
	char path[256], store[256];
	pthread_t th;
	long gallery = argc > 2 ? atol(argv[2]) : 10000, distinct = argc > 3 ? atol(argv[3]) : 60;
	double t0;

	if (argc < 2 || argc > 4 || gallery < 3 || distinct < 2 || distinct >= gallery || distinct > 800) {
		fprintf(stderr, "usage: build/bench_bio HELPER [GALLERY [DISTINCT]]  (make bench runs it)\n");
		return 2;
	}
	const char *helper = argv[1];
	if (access(helper, X_OK) != 0)
		die("%s: %s (make casedesk-enrol)", helper, strerror(errno));
	snprintf(dir, sizeof dir, "/tmp/casedesk-bench-bio.XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	/* The key file, owner-only, and the environment the helper and the model read. */
	snprintf(path, sizeof path, "%s/key", dir);
	{
		unsigned char k[32];
		FILE *r = fopen("/dev/urandom", "rb"), *w = fopen(path, "wb");
		if (!r || !w || fread(k, 1, sizeof k, r) != sizeof k || fwrite(k, 1, sizeof k, w) != sizeof k)
			die("writing the key file");
		fclose(r);
		fclose(w);
		chmod(path, 0600);
		OPENSSL_cleanse(k, sizeof k);
	}
	setenv("CASEDESK_KEY", path, 1);
	{
		char real[4096];
		if (!realpath(helper, real))
			die("%s: %s", helper, strerror(errno));
		setenv("CASEDESK_ENROL", real, 1);
	}
	snprintf(feed.path, sizeof feed.path, "%s/fp.sock", dir);
	setenv("FP_VIRTUAL_IMAGE", feed.path, 1);
	unsetenv("CASEDESK_ENROL_FAULT");
	snprintf(path, sizeof path, "%s/helper.log", dir);
	if ((helper_log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		die("%s: %s", path, strerror(errno));
	if (bio_key_load(&f.key, &err))
		die("%s", err.msg);
	snprintf(store, sizeof store, "%s/bio.casedesk", dir);
	if (store_create(store, &co, &err) || store_open(store, &f.s, &err) ||
	    user_resolve(f.s, "clerk", &f.actor, &err))
		die("the store: %s", err.msg);

	printf("\nBiometrics (casedesk-enrol %s, libfprint virtual_image, a synthetic finger touched every %d ms)\n",
	       helper, FEED_MS);
	printf("%-52s %s\n", "figure", "value");

	/* 1. The pipe alone. */
	{
		struct raw r;
		static double v[PIPE_ROUNDS];
		char line[64];
		snprintf(path, sizeof path, "%s/raw.sock", dir);
		raw_start(&r, helper, path);
		for (int i = 0; i < PIPE_ROUNDS; i++) {
			int n = snprintf(line, sizeof line, "{\"id\":%d,\"cmd\":\"status\"}\n", i);
			double t = now_ms();
			raw_send(&r, line, (size_t)n);
			if (raw_reply(&r) != 0)
				die("status failed");
			v[i] = (now_ms() - t) * 1000.0;
		}
		raw_stop(&r);
		struct pct p = percentiles(v, PIPE_ROUNDS);
		pct_row("protocol round trip, status (pipe only)", &p, "µs");
	}

	if (pthread_create(&th, NULL, feeder, NULL))
		die("cannot start the feeder thread");

	/* 2. Enrolment of the distinct fingers; the first one a few more times for the round trip. */
	unsigned char **tmpl = calloc((size_t)distinct, sizeof *tmpl);
	size_t *tmpl_n = calloc((size_t)distinct, sizeof *tmpl_n);
	double *cap_ms = calloc((size_t)distinct + CAPTURE_RUNS, sizeof *cap_ms);
	double *enrol_ms = calloc((size_t)distinct, sizeof *enrol_ms);
	double *start_ms = calloc((size_t)distinct, sizeof *start_ms);
	double *touch_ms = calloc(((size_t)distinct + CAPTURE_RUNS) * 16, sizeof *touch_ms);
	size_t n_cap = 0, n_touch = 0;
	struct cd_person *people = calloc((size_t)gallery, sizeof *people);
	if (!tmpl || !tmpl_n || !cap_ms || !enrol_ms || !start_ms || !touch_ms || !people)
		die("out of memory");
	progress("drawing and enrolling %ld distinct fingers through the device", distinct);
	for (long k = 0; k < distinct; k++) {
		struct watch w = { 0 };
		struct bio_sample sm = { 0 };
		finger_is(SEED_BASE + (unsigned long)k, 0, 1);
		struct bio_helper *h = helper_start(&w, &start_ms[k]);
		int runs = k == 0 ? 1 + CAPTURE_RUNS : 1;
		for (int run = 0; run < runs; run++) {
			memset(&w, 0, sizeof w);
			w.start = now_ms();
			if (bio_helper_capture_finger(h, FINGER, &sm, &err))
				die("capturing finger %ld: %s", k, err.msg);
			double end = now_ms();
			cap_ms[n_cap++] = end - w.start;
			for (int i = 1; i < w.n_places; i++)
				touch_ms[n_touch++] = w.places[i] - w.places[i - 1];
			if (w.n_places)
				touch_ms[n_touch++] = end - w.places[w.n_places - 1];
			if (run + 1 < runs)
				bio_sample_release(&sm);
		}
		bio_helper_stop(h);
		tmpl[k] = sm.tmpl;
		tmpl_n[k] = sm.tmpl_len;
		/* The enrolment as a desk does it: the helper, the capture, the sealed commit.  Person
		 * k gets print k % (distinct - 1), as the gallery below: the last print is kept for
		 * the gallery's last person alone. */
		long print = k % (distinct - 1);
		add_person(&f, k + 1, &people[k]);
		double c0 = now_ms();
		enrol_copy(&f, people[k].number, tmpl[print], tmpl_n[print]);
		enrol_ms[k] = start_ms[k] + cap_ms[n_cap - 1] + (now_ms() - c0);
	}
	{
		struct pct p = percentiles(start_ms, (size_t)distinct);
		pct_row("helper start (fork, exec, discover)", &p, "ms");
		p = percentiles(touch_ms, n_touch);
		pct_row("one touch in a capture (place event to the next)", &p, "ms");
		p = percentiles(cap_ms, n_cap);
		char label[96];
		snprintf(label, sizeof label, "capture round trip, request to reply (%.0f touches)",
			 (double)n_touch / (double)n_cap);
		pct_row(label, &p, "ms");
		p = percentiles(enrol_ms, (size_t)distinct);
		pct_row("one enrolled finger: start + capture + commit", &p, "ms");
		size_t tsum = 0;
		for (long k = 0; k < distinct; k++)
			tsum += tmpl_n[k];
		row("template size (libfprint print, before sealing)", "%.0f bytes on average", (double)tsum / (double)distinct);
	}

	/* 3. The gallery: the other people, each with a sealed copy of an enrolled print. */
	progress("filling the gallery to %ld people", gallery);
	t0 = now_ms();
	if (store_begin(f.s, &err))
		die("%s", err.msg);
	for (long i = distinct; i < gallery; i++) {
		long k = i == gallery - 1 ? distinct - 1 : i % (distinct - 1);
		add_person(&f, i + 1, &people[i]);
		enrol_copy(&f, people[i].number, tmpl[k], tmpl_n[k]);
	}
	if (store_commit(f.s, &err))
		die("%s", err.msg);
	{
		long lo = (gallery - 1) / (distinct - 1), hi = lo + ((gallery - 1) % (distinct - 1) != 0);
		char what[200];
		if (lo == hi)
			snprintf(what, sizeof what, "%ld templates = %ld distinct fingers x %ld people each + 1 finger for the last person alone",
				 gallery, distinct - 1, lo);
		else
			snprintf(what, sizeof what, "%ld templates = %ld distinct fingers x %ld-%ld people each + 1 finger for the last person alone",
				 gallery, distinct - 1, lo, hi);
		row("gallery", "%s", what);
		row("filling it (people + sealed templates, one transaction)", "%.1f s", (now_ms() - t0) / 1000.0);
	}

	double verify_p50 = 0, ident_p50[3] = { 0 }, total_p50[3] = { 0 };

	/* 4. 1:1 verify. */
	{
		struct watch w = { 0 };
		double v[VERIFY_RUNS];
		int match = 0, matched = 0;
		finger_is(SEED_BASE, PROBE_TOUCH, PROBE_TOUCH + 1);
		struct bio_helper *h = helper_start(&w, NULL);
		progress("1:1 verify, %d times", VERIFY_RUNS);
		for (int i = 0; i < VERIFY_RUNS; i++) {
			double t = now_ms();
			if (bio_verify(f.s, &f.actor, &f.key, h, people[0].number, FINGER, "bench", &match, &err))
				die("verify: %s", err.msg);
			v[i] = now_ms() - t;
			matched += match;
		}
		bio_helper_stop(h);
		struct pct p = percentiles(v, VERIFY_RUNS);
		pct_row("1:1 verify (bio_verify: store, open, 1 touch, match)", &p, "ms");
		verify_p50 = p.p50;
		if (matched != VERIFY_RUNS)
			row("  warning", "%d of %d verifications of the enrolled finger did not match", VERIFY_RUNS - matched,
			    VERIFY_RUNS);
	}

	/* 5. 1:N search. */
	{
		static const struct {
			const char *what;
			int who;             /* 0 first person, 1 last person, 2 nobody */
		} probes[] = {
			{ "1:N, match at the first print", 0 },
			{ "1:N, match at the last print", 1 },
			{ "1:N, enrolled for no one (all compared)", 2 },
		};
		for (size_t pi = 0; pi < sizeof probes / sizeof probes[0]; pi++) {
			struct watch w = { 0 };
			double total[SEARCH_RUNS], load[SEARCH_RUNS], ident[SEARCH_RUNS];
			char number[32], label[96], expect[32];
			int found = 0, size = 0, right = 0;
			unsigned long seed = probes[pi].who == 0 ? SEED_BASE
					     : probes[pi].who == 1 ? SEED_BASE + (unsigned long)distinct - 1 : SEED_NOBODY;
			snprintf(expect, sizeof expect, "%s", probes[pi].who == 0 ? people[0].number
							      : probes[pi].who == 1 ? people[gallery - 1].number : "");
			finger_is(seed, PROBE_TOUCH, PROBE_TOUCH + 1);
			struct bio_helper *h = helper_start(&w, NULL);
			progress("%s, %d searches of %ld", probes[pi].what, SEARCH_RUNS, gallery);
			for (int i = 0; i < SEARCH_RUNS; i++) {
				memset(&w, 0, sizeof w);
				w.start = now_ms();
				if (bio_search(f.s, &f.actor, &f.key, h, FINGER, "bench", &found, number, &size, &err))
					die("search: %s", err.msg);
				double end = now_ms();
				total[i] = end - w.start;
				load[i] = (w.loaded ? w.loaded : end) - w.start;
				ident[i] = end - (w.loaded ? w.loaded : end);
				right += found ? strcmp(number, expect) == 0 : !*expect;
			}
			bio_helper_stop(h);
			struct pct pt = percentiles(total, SEARCH_RUNS), pl = percentiles(load, SEARCH_RUNS),
				   pd = percentiles(ident, SEARCH_RUNS);
			ident_p50[pi] = pd.p50;
			total_p50[pi] = pt.p50;
			snprintf(label, sizeof label, "%s, %d", probes[pi].what, size);
			row(label, "%.0f ms (median of %d): gallery in %.0f ms, touch + identify %.0f ms", pt.p50,
			    SEARCH_RUNS, pl.p50, pd.p50);
			if (right != SEARCH_RUNS)
				row("  warning", "%d of %d searches did not answer %s", SEARCH_RUNS - right, SEARCH_RUNS,
				    *expect ? expect : "no match");
		}
	}

	row("  matching, a template (no one - first, identify)", "%.2f ms (%.0f%% of the worst search)",
	    (ident_p50[2] - ident_p50[0]) / (double)(gallery - 1),
	    total_p50[2] > 0 ? 100.0 * (ident_p50[2] - ident_p50[0]) / total_p50[2] : 0.0);
	row("  1:N worst case / 1:1 verify", "%.0f x", verify_p50 > 0 ? total_p50[2] / verify_p50 : 0.0);

	/* 6. Where loading the gallery goes. */
	double add_ms[2] = { 0, 0 };
	{
		sqlite3_stmt *st = NULL;
		char aad[160];
		long n = 0;
		char **b64 = calloc((size_t)gallery, sizeof *b64);
		if (!b64)
			die("out of memory");
		progress("loading the gallery piece by piece");
		t0 = now_ms();
		if (sqlite3_prepare_v2(f.s->db,
				       "SELECT p.uuid, b.template FROM biometric b JOIN person p ON p.id = b.person_id"
				       " WHERE b.id IN (SELECT max(id) FROM biometric WHERE position = ?1 GROUP BY person_id)"
				       " ORDER BY b.id", -1, &st, NULL) != SQLITE_OK)
			die("%s", sqlite3_errmsg(f.s->db));
		sqlite3_bind_text(st, 1, FINGER, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW && n < gallery) {
			unsigned char *plain = NULL;
			size_t plain_n = 0;
			bio_aad((const char *)sqlite3_column_text(st, 0), "finger", FINGER, aad, sizeof aad);
			if (bio_open(&f.key, aad, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &plain,
				     &plain_n, &err))
				die("%s", err.msg);
			b64[n++] = bw_base64(plain, plain_n);
			free(plain);
		}
		sqlite3_finalize(st);
		double prep = now_ms() - t0;
		row("  store read + AES-GCM open + base64, whole gallery", "%.0f ms (%.1f µs a print)", prep,
		    prep * 1000.0 / (double)n);

		struct raw r;
		snprintf(path, sizeof path, "%s/raw.sock", dir);
		raw_start(&r, helper, path);
		{
			/* The first print opens the device: not part of either figure. */
			size_t cap = strlen(b64[0]) + 96;
			char *line = malloc(cap);
			if (!line)
				die("out of memory");
			size_t len = (size_t)snprintf(line, cap, "{\"cmd\":\"gallery_add\",\"ref\":\"P0\",\"template\":\"%s\"}\n", b64[0]);
			raw_send(&r, line, len);
			if (raw_reply(&r) != 0)
				die("gallery_add failed");
			free(line);
		}
		for (int batched = 0; batched < 2; batched++) {
			size_t per = batched ? RAW_BATCH : 1;
			char *line = NULL;
			size_t cap = 0;
			raw_send(&r, "{\"cmd\":\"gallery_clear\"}\n", 24);
			raw_reply(&r);
			t0 = now_ms();
			for (long i = 0; i < n; i += (long)per) {
				size_t need = 64, len;
				long end = i + (long)per < n ? i + (long)per : n;
				for (long j = i; j < end; j++)
					need += strlen(b64[j]) + 48;
				if (need > cap && !(line = realloc(line, cap = need)))
					die("out of memory");
				if (!batched) {
					len = (size_t)snprintf(line, cap, "{\"cmd\":\"gallery_add\",\"ref\":\"P%ld\",\"template\":\"%s\"}\n",
							       i, b64[i]);
				} else {
					len = (size_t)snprintf(line, cap, "{\"cmd\":\"gallery_add\",\"refs\":[");
					for (long j = i; j < end; j++)
						len += (size_t)snprintf(line + len, cap - len, "%s\"P%ld\"", j > i ? "," : "", j);
					len += (size_t)snprintf(line + len, cap - len, "],\"templates\":[");
					for (long j = i; j < end; j++)
						len += (size_t)snprintf(line + len, cap - len, "%s\"%s\"", j > i ? "," : "", b64[j]);
					len += (size_t)snprintf(line + len, cap - len, "]}\n");
				}
				raw_send(&r, line, len);
				if (raw_reply(&r) != 0)
					die("gallery_add failed");
			}
			double ms = now_ms() - t0;
			add_ms[batched] = ms;
			row(batched ? "  helper: gallery_add 128 prints a request" : "  helper: gallery_add 1 print a request",
			    "%.0f ms (%.1f µs a print: pipe, JSON, base64, fp_print_deserialize)", ms, ms * 1000.0 / (double)n);
			free(line);
		}
		raw_stop(&r);
		row("  batched / one a request", "%.1f x faster", add_ms[1] > 0 ? add_ms[0] / add_ms[1] : 0.0);
		for (long i = 0; i < n; i++)
			free(b64[i]);
		free(b64);
	}

	pthread_mutex_lock(&feed.mu);
	feed.stop = 1;
	pthread_mutex_unlock(&feed.mu);
	pthread_join(th, NULL);
	for (size_t i = 0; i < feed.n_cache; i++)
		free(feed.cache[i]);
	free(feed.cache);
	for (long k = 0; k < distinct; k++) {
		OPENSSL_cleanse(tmpl[k], tmpl_n[k]);
		free(tmpl[k]);
	}
	free(tmpl);
	free(tmpl_n);
	free(cap_ms);
	free(enrol_ms);
	free(start_ms);
	free(touch_ms);
	free(people);
	bio_key_wipe(&f.key);
	store_close(f.s);
	close(helper_log);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "bench_bio: could not remove %s\n", dir);
	return 0;
}
