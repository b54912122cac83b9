/*
 * cmd_enrol.c - `casedesk enrol`: fingerprints and a face photo for a person through the
 * casedesk-enrol helper, 1:1 verification and 1:N search.  The captures of one enrolment
 * are stored together at the end or not at all (model/biometric.h does the work; this
 * file reads the command line and prints).
 *
 *   casedesk enrol PERSON [--fingers all|right_index,...] [--face FILE | --camera]
 *                  [--exception FINGER=REASON]... [--quality N] [--retries N]
 *   casedesk enrol verify PERSON --finger right_index
 *   casedesk enrol search --finger right_index
 *   casedesk enrol duplicates [PERSON]
 *
 * An enrolment first looks for the same fingers under another name: the policy (when to
 * search, what a hit or a failure means) is workflow/enrolment.h's, shared with the
 * enrolment screen; this file says what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/store/biometric.h"
#include "model/bio/wire.h"
#include "model/base/buf.h"
#include "model/store/dupes.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/person.h"
#include "workflow/enrolment.h"
#include "app/cli.h"

#define ENROL_USAGE "enrol PERSON [--fingers all|right_index,...] [--face FILE | --camera] " \
	"[--exception FINGER=REASON]... " \
	"[--quality N] [--retries N] | enrol verify PERSON --finger F | enrol search --finger F | " \
	"enrol duplicates [PERSON]"

struct progress {
	int searching;               /* the touch asked for is the duplicate search's */
};

/* Shows the helper's "place your finger" news on stderr; never cancels. */
static int show_progress(void *ctx, const char *finger, int stage, int stages)
{
	const struct progress *p = ctx;
	if (!finger)
		return 0;
	if (p && p->searching)
		fprintf(stderr, _("  %s: place the finger for the duplicate search\n"), finger);
	else if (stage == 0)
		fprintf(stderr, _("  %s: place the finger for a quality check\n"), finger);
	else if (stages > 1)
		fprintf(stderr, _("  %s: place the finger (%d of %d)\n"), finger, stage, stages);
	else
		fprintf(stderr, _("  %s: place the finger\n"), finger);
	return 0;
}

static int number_opt(struct cli *c, const char *name, int lo, int hi, int *out)
{
	const char *v = cli_take(c, name);
	char *end;
	if (!v)
		return c->err.code;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end || n < lo || n > hi)
		return cd_error_set(&c->err, CD_EUSAGE, _("%s takes a whole number from %d to %d"), name, lo, hi);
	*out = (int)n;
	return CD_OK;
}

/* "all" or a comma-separated list of finger names -> a set of ISO codes 1-10. */
static int parse_fingers(struct cli *c, const char *list, int want[BW_FINGERS + 1])
{
	if (strcmp(list, "all") == 0) {
		for (int i = 1; i <= BW_FINGERS; i++)
			want[i] = 1;
		return CD_OK;
	}
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char name[32];
		if (n == 0 || n >= sizeof name)
			return cd_error_set(&c->err, CD_EUSAGE, _("--fingers is all, or finger names separated by commas"));
		memcpy(name, p, n);
		name[n] = '\0';
		int code = bw_finger_code(name);
		if (!code)
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("unknown finger %s; fingers are right_thumb, right_index, right_middle, "
					      "right_ring, right_little and the same for left"), name);
		want[code] = 1;
		p += n + (comma ? 1 : 0);
	}
	return CD_OK;
}

/* Text from the store as out_safe writes it (control characters shown, not sent), for a
 * message that is one sentence for the translators. */
static char *safe_text(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	out_safe(m, text);
	fclose(m);
	return buf;
}

/*
 * The duplicate search before `finger`'s capture (the policy is workflow/enrolment.h's):
 * says what it found on stderr, and starts a fresh helper when the search failed.  CD_OK
 * unless that helper cannot be started.
 */
static int duplicate_search(struct cli *c, const struct bio_key *key, struct bio_helper **h,
			    const struct bio_helper_opts *o, struct progress *prog, const char *finger,
			    struct enr_policy *pol)
{
	prog->searching = 1;
	enum enr_next next = enr_search(pol, c->store, &c->actor, key, h, c->argv[1], finger, NULL);
	prog->searching = 0;
	if (next != ENR_CAPTURE) {
		fprintf(stderr, _("warning: the duplicate search could not be made (%s); the enrolment goes on without "
				  "it\n"), pol->failure);
		return bio_helper_start(o, h, &c->err);
	}
	if (pol->state == ENR_HIT) {
		char *name = safe_text(pol->found.name);
		fprintf(stderr, _("warning: these fingers are already enrolled for %s (%s): the %s matches; recorded on "
				  "both records as a possible duplicate for a supervisor (casedesk enrol duplicates, "
				  "casedesk person merge)\n"), pol->found.number, name ? name : "?", finger);
		free(name);
	} else if (pol->state == ENR_CLEAR) {
		fprintf(stderr, ngettext("  duplicate search: the %s matches none of the %d other person who has it "
					 "enrolled\n",
					 "  duplicate search: the %s matches none of the %d other people who have it "
					 "enrolled\n", (unsigned long)pol->found.gallery),
			finger, pol->found.gallery);
	}
	return CD_OK;
}

static int enrol_cmd(struct cli *c)
{
	struct bio_enrolment e = BIO_ENROLMENT_INIT;
	struct progress prog = { 0 };
	struct bio_helper_opts o = { .quality_threshold = -1, .retries = -1, .progress = show_progress,
				     .progress_ctx = &prog };
	struct enr_policy pol = ENR_POLICY_INIT;
	struct bio_helper *h = NULL;
	struct bio_key key = { 0 };
	struct bio_sample sample = { 0 };
	struct cd_buf out = CD_BUF_INIT;
	int want[BW_FINGERS + 1] = { 0 }, excepted[BW_FINGERS + 1] = { 0 }, n_fingers = 0, low = 0, rc;
	const char *fingers = cli_take(c, "--fingers"), *face = cli_take(c, "--face"), *ex;
	int camera = cli_flag(c, "--camera");
	int64_t pid;

	if ((rc = number_opt(c, "--quality", 0, 100, &o.quality_threshold)) ||
	    (rc = number_opt(c, "--retries", 0, 10, &o.retries)))
		goto out;
	/* --exception FINGER=REASON, as often as needed. */
	while ((ex = cli_take(c, "--exception"))) {
		const char *eq = strchr(ex, '=');
		char name[32];
		if (!eq || eq == ex || (size_t)(eq - ex) >= sizeof name) {
			rc = cd_error_set(&c->err, CD_EUSAGE, _("--exception takes FINGER=REASON, e.g. left_thumb=amputated"));
			goto out;
		}
		memcpy(name, ex, (size_t)(eq - ex));
		name[eq - ex] = '\0';
		if ((rc = bio_enrolment_add_exception(&e, name, eq + 1, &c->err)))
			goto out;
		excepted[bw_finger_code(name)] = 1;
	}
	if ((rc = cli_positional(c, 1, 1, ENROL_USAGE)))
		goto out;
	if (face && camera) {
		rc = cd_error_set(&c->err, CD_EUSAGE, _("--face FILE and --camera both name the photo; give one"));
		goto out;
	}
	if ((rc = parse_fingers(c, fingers ? fingers : face || camera ? "" : "all", want)))
		goto out;
	for (int i = 1; i <= BW_FINGERS; i++) {
		if (excepted[i])
			want[i] = 0;
		n_fingers += want[i];
	}
	/* Everything that can refuse without a device refuses before one is touched. */
	if ((rc = cli_open_acting(c)) || (rc = person_resolve(c->store, c->argv[1], &pid, &c->err)) ||
	    (rc = bio_key_load(&key, &c->err)))
		goto out;
	if (n_fingers || face || camera) {
		if ((rc = bio_helper_start(&o, &h, &c->err)))
			goto out;
	}
	for (int i = 1; i <= BW_FINGERS; i++) {
		if (!want[i])
			continue;
		if (enr_search_due(&pol, h) && (rc = duplicate_search(c, &key, &h, &o, &prog, bw_finger_names[i], &pol)))
			goto out;
		if ((rc = bio_helper_capture_finger(h, bw_finger_names[i], &sample, &c->err)))
			goto out;
		if (sample.code == BW_ELOWQUALITY) {
			fprintf(stderr, ngettext("  %s: kept with quality %d, below the threshold, after %d attempt\n",
						 "  %s: kept with quality %d, below the threshold, after %d attempts\n",
						 (unsigned long)sample.attempts),
				bw_finger_names[i], sample.quality, sample.attempts);
			low++;
		}
		buf_printf(&out, "%s%s q%d", out.len ? ", " : "", bw_finger_names[i], sample.quality);
		if ((rc = bio_enrolment_add_sample(&e, "finger", &sample, bio_helper_device(h, "finger"), &c->err)))
			goto out;
	}
	if (n_fingers && enr_search_due(&pol, h))
		fprintf(stderr, "%s\n", _("  duplicate search: nobody else in this office has these fingers enrolled; "
					   "nothing to search against"));
	if (face || camera) {
		if ((rc = bio_helper_capture_face(h, face, &sample, &c->err)))
			goto out;
		if (sample.code == BW_ELOWQUALITY) {
			fprintf(stderr, _("  face: kept with quality %d, below the threshold\n"), sample.quality);
			low++;
		}
		buf_printf(&out, "%sface q%d", out.len ? ", " : "", sample.quality);
		if ((rc = bio_enrolment_add_sample(&e, "face", &sample, bio_helper_device(h, camera ? "camera" : "face"),
						   &c->err)))
			goto out;
	}
	/* The helper is done; stop it before the store takes its write lock. */
	bio_helper_stop(h);
	h = NULL;
	if ((rc = bio_enrolment_commit(c->store, &c->actor, &key, c->argv[1], &e, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf j = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &j);
		json_object(&w);
		json_kv_string(&w, "person", c->argv[1]);
		json_kv_int(&w, "stored", (long long)e.n);
		json_kv_int(&w, "below_threshold", low);
		json_kv_string(&w, "duplicate_search", enr_search_outcome(&pol));
		json_kv_string(&w, "duplicate_of", pol.state == ENR_HIT ? pol.found.number : NULL);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&j);
		c->json_written = rc == CD_OK;
	} else {
		size_t n_ex = 0;
		for (size_t i = 0; i < e.n; i++)
			n_ex += e.items[i].exception != NULL;
		printf(ngettext("%s: enrolled %s; %zu exception recorded\n", "%s: enrolled %s; %zu exceptions recorded\n",
				(unsigned long)n_ex), c->argv[1], out.len ? buf_str(&out) : "-", n_ex);
		if (pol.state == ENR_HIT)
			printf(_("%s: possible duplicate of %s (the same %s)\n"), c->argv[1], pol.found.number,
			       pol.found.finger);
	}
out:
	bio_helper_stop(h);
	bio_sample_release(&sample);
	bio_enrolment_release(&e);
	bio_key_wipe(&key);
	buf_release(&out);
	return rc;
}

static int verify_cmd(struct cli *c)
{
	struct bio_helper_opts o = { .quality_threshold = -1, .retries = -1, .progress = show_progress };
	struct bio_helper *h = NULL;
	struct bio_key key = { 0 };
	const char *finger = cli_take(c, "--finger");
	int match = 0, rc;

	if ((rc = cli_positional(c, 1, 1, "enrol verify PERSON --finger F")))
		goto out;
	if (!finger) {
		rc = cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk enrol verify PERSON --finger F"));
		goto out;
	}
	if ((rc = cli_open_acting(c)) || (rc = bio_key_load(&key, &c->err)) ||
	    (rc = bio_helper_start(&o, &h, &c->err)) ||
	    (rc = bio_verify(c->store, &c->actor, &key, h, c->argv[1], finger, c->purpose, &match, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf j = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &j);
		json_object(&w);
		json_kv_bool(&w, "match", match);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&j);
		if (rc)
			goto out;
		c->json_written = 1;
	} else {
		printf("%s\n", match ? _("match") : _("no match"));
	}
	/* No match is an answer, but not the one a script hopes for: exit 4. */
	if (!match) {
		rc = cd_error_set(&c->err, CD_EREFUSED, _("the finger does not match %s's enrolled %s"), c->argv[1], finger);
		if (c->json)
			c->json_written = 1;
	}
out:
	bio_helper_stop(h);
	bio_key_wipe(&key);
	return rc;
}

static int search_cmd(struct cli *c)
{
	struct bio_helper_opts o = { .quality_threshold = -1, .retries = -1, .progress = show_progress };
	struct bio_helper *h = NULL;
	struct bio_key key = { 0 };
	const char *finger = cli_take(c, "--finger");
	char number[32];
	int found = 0, size = 0, rc;

	if ((rc = cli_positional(c, 0, 0, "enrol search --finger F")))
		goto out;
	if (!finger) {
		rc = cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk enrol search --finger F"));
		goto out;
	}
	if ((rc = cli_open_acting(c)) || (rc = bio_key_load(&key, &c->err)) ||
	    (rc = bio_helper_start(&o, &h, &c->err)) ||
	    (rc = bio_search(c->store, &c->actor, &key, h, finger, c->purpose, &found, number, &size, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf j = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &j);
		json_object(&w);
		json_kv_int(&w, "searched", size);
		json_kv_bool(&w, "match", found);
		if (found)
			json_kv_string(&w, "person", number);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&j);
		if (rc)
			goto out;
		c->json_written = 1;
	} else if (found) {
		printf(ngettext("%s (searched %d enrolled %s)\n", "%s (searched %d enrolled %s)\n", (unsigned long)size),
		       number, size, finger);
	} else {
		printf(ngettext("no match among %d enrolled %s\n", "no match among %d enrolled %s\n", (unsigned long)size),
		       size, finger);
	}
	if (!found) {
		rc = cd_error_set(&c->err, CD_ENOTFOUND, _("no enrolled person matches"));
		if (c->json)
			c->json_written = 1;
	}
out:
	bio_helper_stop(h);
	bio_key_wipe(&key);
	return rc;
}

/* The fingerprint duplicates still to be looked at: the office's, or one person's. */
static int duplicates_cmd(struct cli *c)
{
	struct cd_bio_dupe *d = NULL;
	size_t n = 0;
	int rc;

	if ((rc = cli_positional(c, 0, 1, "enrol duplicates [PERSON]")) || (rc = cli_open_acting(c)) ||
	    (rc = dupes_biometric(c->store, &c->actor, c->argc > 1 ? c->argv[1] : NULL, c->purpose, &d, &n, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf j = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &j);
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			json_object(&w);
			json_kv_string(&w, "person", d[i].person);
			json_kv_string(&w, "other", d[i].other);
			json_kv_string(&w, "finger", d[i].finger);
			json_kv_string(&w, "at", d[i].at);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&j);
	} else if (!n) {
		printf("%s\n", _("no fingerprint duplicates to look at"));
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%-16s %-16s %-13s %.19s  ", d[i].person, d[i].other, d[i].finger, d[i].at);
			out_safe(stdout, d[i].user);
			fputc('\n', stdout);
		}
		fprintf(stderr, "%s\n", _("the same fingers under two records: a supervisor looks at both (casedesk person "
					   "show) and merges them if they are one person (casedesk person merge SURVIVOR "
					   "DUPLICATE --reason TEXT)"));
	}
	free(d);
	return rc;
}

int cmd_enrol(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	if (strcmp(sub, "duplicates") == 0) {
		c->argv++;
		c->argc--;
		return duplicates_cmd(c);
	}
	if (strcmp(sub, "verify") == 0 || strcmp(sub, "search") == 0) {
		c->argv++;
		c->argc--;
		return strcmp(sub, "verify") == 0 ? verify_cmd(c) : search_cmd(c);
	}
	if (!*sub)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), ENROL_USAGE);
	return enrol_cmd(c);
}
