/*
 * enrol_finger.c - fingerprints through libfprint: discovery, a quality touch and an
 * enrolment per finger, 1:1 verify against a template handed in, 1:N identify against an
 * in-memory gallery.  The first device libfprint offers is used and kept open.
 *
 * Quality: libfprint exposes no quality score, so each finger first gets one capture whose
 * minutiae (found by libfprint's NBIS detector) give quality = min(100, 2.5 x count).  This
 * is a heuristic and says so in the protocol; it is what is retried against
 * quality_threshold.  The template then comes from fp_device_enroll (the driver's own
 * number of touches) and is libfprint's serialised print, bound to its driver.
 */
#include <fprint.h>
#include <stdlib.h>
#include <string.h>

#include "app/enrol/enrol.h"

static FpContext *ctx;
static FpDevice *dev;                /* borrowed from ctx's list */
static int dev_open;
static GPtrArray *gallery;           /* FpPrint * */
static GPtrArray *gallery_refs;      /* char * */

int finger_discover(struct cd_buf *devices, int *count)
{
	GPtrArray *list;
	if (!ctx)
		ctx = fp_context_new();
	list = fp_context_get_devices(ctx);
	*count = 0;
	for (guint i = 0; list && i < list->len; i++) {
		FpDevice *d = g_ptr_array_index(list, i);
		struct cd_buf one = CD_BUF_INIT;
		buf_printf(&one, "finger:%s", fp_device_get_driver(d));
		buf_printf(devices, "%s", *count ? "," : "");
		json_buf_string(devices, buf_str(&one));
		buf_release(&one);
		(*count)++;
	}
	if (!dev && list && list->len)
		dev = g_ptr_array_index(list, 0);
	return *count ? BW_OK : BW_ENODEVICE;
}

/* Maps a libfprint failure to a protocol code. */
static int map_error(const GError *e, int op_rc)
{
	if (op_rc)
		return op_rc;            /* our timeout or cancel */
	if (!e)
		return BW_EINTERNAL;
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return BW_ECANCELLED;
	if (e->domain == FP_DEVICE_ERROR) {
		switch (e->code) {
		case FP_DEVICE_ERROR_NOT_SUPPORTED: return BW_EUNSUPPORTED;
		case FP_DEVICE_ERROR_BUSY: return BW_EBUSY;
		case FP_DEVICE_ERROR_DATA_INVALID: return BW_ETEMPLATE;
		default: return BW_EDEVICE;
		}
	}
	return BW_EDEVICE;
}

/* Finds and opens the device; a protocol code. */
static int need_device(struct enrol_req *r)
{
	GError *e = NULL;
	int count, rc;

	if (dev && dev_open)
		return BW_OK;
	if (!dev) {
		struct cd_buf ignored = CD_BUF_INIT;
		finger_discover(&ignored, &count);
		buf_release(&ignored);
	}
	if (!dev)
		return BW_ENODEVICE;
	void *c = enrol_op_begin(r->timeout_ms);
	int ok = fp_device_open_sync(dev, c, &e);
	rc = enrol_op_end(c);
	if (!ok) {
		rc = map_error(e, rc);
		g_clear_error(&e);
		return rc;
	}
	dev_open = 1;
	return BW_OK;
}

/* After a device failure the next request opens it again. */
static void drop_device(void)
{
	if (dev && dev_open)
		fp_device_close_sync(dev, NULL, NULL);
	dev_open = 0;
}

void finger_info(struct enrol_req *r)
{
	struct cd_buf b = CD_BUF_INIT;
	int rc = need_device(r);
	if (rc) {
		enrol_reply_error(r, rc, NULL);
		return;
	}
	FpDeviceFeature f = fp_device_get_features(dev);
	buf_puts(&b, "\"error\":0,\"modality\":\"finger\",\"driver\":");
	json_buf_string(&b, fp_device_get_driver(dev));
	buf_puts(&b, ",\"name\":");
	json_buf_string(&b, fp_device_get_name(dev));
	buf_printf(&b, ",\"stages\":%d,\"identify\":%s,\"capture\":%s,\"helper\":\"%s\"",
		   fp_device_get_nr_enroll_stages(dev), (f & FP_DEVICE_FEATURE_IDENTIFY) ? "true" : "false",
		   (f & FP_DEVICE_FEATURE_CAPTURE) ? "true" : "false", ENROL_HELPER_VERSION);
	enrol_send(r, &b);
	buf_release(&b);
}

static FpFinger fp_finger_of(int iso)
{
	/* ISO/IEC 19794-4: 1-5 right thumb..little, 6-10 left thumb..little. */
	static const FpFinger map[11] = {
		FP_FINGER_UNKNOWN,
		FP_FINGER_RIGHT_THUMB, FP_FINGER_RIGHT_INDEX, FP_FINGER_RIGHT_MIDDLE, FP_FINGER_RIGHT_RING,
		FP_FINGER_RIGHT_LITTLE,
		FP_FINGER_LEFT_THUMB, FP_FINGER_LEFT_INDEX, FP_FINGER_LEFT_MIDDLE, FP_FINGER_LEFT_RING,
		FP_FINGER_LEFT_LITTLE,
	};
	return iso >= 1 && iso <= 10 ? map[iso] : FP_FINGER_UNKNOWN;
}

static void send_place(struct enrol_req *r, const char *finger, int stage, int stages)
{
	struct cd_buf b = CD_BUF_INIT;
	buf_printf(&b, "\"event\":\"place\",\"finger\":\"%s\",\"stage\":%d,\"stages\":%d", finger, stage, stages);
	enrol_event(r, &b);
	buf_release(&b);
}

struct progress {
	struct enrol_req *r;
	const char *finger;
};

static void on_enroll_progress(FpDevice *d, gint done, FpPrint *print, gpointer data, GError *e)
{
	struct progress *p = data;
	(void)print;
	(void)e;
	if (done < fp_device_get_nr_enroll_stages(d))
		send_place(p->r, p->finger, done + 1, fp_device_get_nr_enroll_stages(d));
}

/* One quality touch: its score in *quality, or a protocol code. */
static int quality_touch(struct enrol_req *r, int *quality)
{
	GError *e = NULL;
	void *c = enrol_op_begin(r->timeout_ms);
	FpImage *img = fp_device_capture_sync(dev, TRUE, c, &e);
	int rc = enrol_op_end(c);

	*quality = 0;
	if (!img) {
		/* A retry (finger too short, off centre) is a poor touch, not a failure. */
		if (!rc && e && e->domain == FP_DEVICE_RETRY) {
			g_clear_error(&e);
			return BW_OK;
		}
		rc = map_error(e, rc);
		g_clear_error(&e);
		return rc;
	}
	GPtrArray *minutiae = fp_image_get_minutiae(img);
	int n = minutiae ? (int)minutiae->len : 0;
	*quality = n * 5 / 2 > 100 ? 100 : n * 5 / 2;
	g_object_unref(img);
	return BW_OK;
}

/* One finger: quality touches with retries, then enrolment.  Sends its result line. */
static int capture_one(struct enrol_req *r, const char *finger, long threshold, long retries)
{
	struct cd_buf b = CD_BUF_INIT;
	int best = -1, attempts = 0, rc = BW_OK, can_capture;
	FpPrint *tmpl = NULL, *enrolled = NULL;
	GError *e = NULL;
	guchar *data = NULL;
	gsize len = 0;
	char *b64 = NULL;

	can_capture = (fp_device_get_features(dev) & FP_DEVICE_FEATURE_CAPTURE) != 0;
	for (long i = 0; can_capture && i <= retries; i++) {
		int q;
		send_place(r, finger, 0, fp_device_get_nr_enroll_stages(dev));
		attempts++;
		if ((rc = quality_touch(r, &q)))
			goto out;
		if (q > best)
			best = q;
		if (q >= threshold)
			break;
	}
	tmpl = fp_print_new(dev);
	fp_print_set_finger(tmpl, fp_finger_of(bw_finger_code(finger)));
	{
		struct progress p = { r, finger };
		send_place(r, finger, 1, fp_device_get_nr_enroll_stages(dev));
		void *c = enrol_op_begin(r->timeout_ms);
		enrolled = fp_device_enroll_sync(dev, g_steal_pointer(&tmpl), c, on_enroll_progress, &p, &e);
		rc = enrol_op_end(c);
	}
	if (!enrolled) {
		rc = map_error(e, rc);
		goto out;
	}
	rc = BW_OK;
	if (!fp_print_serialize(enrolled, &data, &len, &e)) {
		rc = BW_EINTERNAL;
		goto out;
	}
	if (!(b64 = bw_base64(data, len))) {
		rc = BW_EINTERNAL;
		goto out;
	}
	if (best < 0)
		best = 0;    /* a device without image capture: no score of our own */
	if (can_capture && best < threshold)
		rc = BW_ELOWQUALITY;
out:
	buf_printf(&b, "\"event\":\"result\",\"finger\":\"%s\",\"error\":%d,\"attempts\":%d", finger, rc, attempts);
	if (best >= 0)
		buf_printf(&b, ",\"quality\":%d", best);
	if (b64)
		buf_printf(&b, ",\"template\":\"%s\"", b64);
	if (rc == BW_EDEVICE && e)
		buf_puts(&b, ",\"reason\":\"the fingerprint reader reported an error\"");
	enrol_event(r, &b);
	buf_release(&b);
	free(b64);
	g_free(data);
	g_clear_error(&e);
	if (tmpl)
		g_object_unref(tmpl);
	if (enrolled)
		g_object_unref(enrolled);
	if (rc == BW_EDEVICE)
		drop_device();
	return rc;
}

void finger_capture(struct enrol_req *r)
{
	const struct bw_value *fingers = bw_get(r->msg, "fingers");
	long threshold = 40, retries = 2;
	int first_error = BW_OK, results = 0, rc;
	struct cd_buf b = CD_BUF_INIT;

	if (!fingers || fingers->type != BW_ARR || fingers->n_items == 0 || fingers->n_items > BW_FINGERS) {
		enrol_reply_error(r, BW_EBADREQUEST, "fingers is a list of 1-10 finger names");
		return;
	}
	for (size_t i = 0; i < fingers->n_items; i++)
		if (!bw_finger_code(fingers->items[i])) {
			enrol_reply_error(r, BW_EBADREQUEST, "unknown finger name");
			return;
		}
	if ((bw_get(r->msg, "quality_threshold") &&
	     (bw_int(r->msg, "quality_threshold", &threshold) || threshold < 0 || threshold > 100)) ||
	    (bw_get(r->msg, "retries") && (bw_int(r->msg, "retries", &retries) || retries < 0 || retries > 10))) {
		enrol_reply_error(r, BW_EBADREQUEST, "quality_threshold is 0-100, retries 0-10");
		return;
	}
	if ((rc = need_device(r))) {
		enrol_reply_error(r, rc, NULL);
		return;
	}
	for (size_t i = 0; i < fingers->n_items; i++) {
		rc = capture_one(r, fingers->items[i], threshold, retries);
		results++;
		if (rc && !first_error)
			first_error = rc;
		/* A timeout, a cancel or a broken device ends the request; low quality does not. */
		if (rc && rc != BW_ELOWQUALITY)
			break;
	}
	buf_printf(&b, "\"error\":%d,\"results\":%d", first_error, results);
	enrol_send(r, &b);
	buf_release(&b);
}

/* A print from base64 text, compatible with the open device. */
static int print_from_text(const char *text, FpPrint **out)
{
	unsigned char *raw = NULL;
	size_t n = 0;
	GError *e = NULL;

	*out = NULL;
	if (!text || bw_unbase64(text, &raw, &n) || n == 0) {
		free(raw);
		return BW_EBADREQUEST;
	}
	*out = fp_print_deserialize(raw, n, &e);
	free(raw);
	g_clear_error(&e);
	if (!*out)
		return BW_ETEMPLATE;
	if (!fp_print_compatible(*out, dev)) {
		g_clear_object(out);
		return BW_ETEMPLATE;
	}
	return BW_OK;
}

/* A print from the request's "template" member. */
static int template_in(struct enrol_req *r, const char *member, FpPrint **out)
{
	return print_from_text(bw_str(r->msg, member), out);
}

void finger_verify(struct enrol_req *r)
{
	FpPrint *enrolled = NULL;
	GError *e = NULL;
	gboolean match = FALSE;
	struct cd_buf b = CD_BUF_INIT;
	const char *finger = bw_str(r->msg, "finger");
	int rc;

	if (finger && !bw_finger_code(finger)) {
		enrol_reply_error(r, BW_EBADREQUEST, "unknown finger name");
		return;
	}
	if ((rc = need_device(r)) || (rc = template_in(r, "template", &enrolled)))
		goto out;
	send_place(r, finger ? finger : "unknown", 1, 1);
	void *c = enrol_op_begin(r->timeout_ms);
	int ok = fp_device_verify_sync(dev, enrolled, c, NULL, NULL, &match, NULL, &e);
	rc = enrol_op_end(c);
	if (!ok)
		rc = map_error(e, rc);
	else
		rc = BW_OK;
out:
	if (rc)
		buf_printf(&b, "\"error\":%d", rc);
	else
		buf_printf(&b, "\"error\":0,\"match\":%s", match ? "true" : "false");
	enrol_send(r, &b);
	buf_release(&b);
	g_clear_error(&e);
	if (enrolled)
		g_object_unref(enrolled);
	if (rc == BW_EDEVICE)
		drop_device();
}

/*
 * One print ("ref", "template") or a batch ("refs", "templates": lists of the same length),
 * all or nothing: a batch costs one round trip instead of one per print (loading 10,000
 * prints about 1.5 times faster; what is left is mostly fp_print_deserialize, see
 * tests/bench_bio.c).
 */
void finger_gallery_add(struct enrol_req *r)
{
	const struct bw_value *refs = bw_get(r->msg, "refs"), *tmpls = bw_get(r->msg, "templates");
	const char *one_ref = bw_str(r->msg, "ref"), *one_tmpl = bw_str(r->msg, "template");
	const char *const *ref_v = &one_ref, *const *tmpl_v = &one_tmpl;
	GPtrArray *batch = NULL;
	struct cd_buf b = CD_BUF_INIT;
	size_t n = 1;
	int rc;

	if (refs || tmpls) {
		if (!refs || !tmpls || refs->type != BW_ARR || tmpls->type != BW_ARR || refs->n_items == 0 ||
		    refs->n_items != tmpls->n_items || one_ref || one_tmpl) {
			enrol_reply_error(r, BW_EBADREQUEST, "refs and templates are lists of the same length");
			return;
		}
		n = refs->n_items;
		ref_v = refs->items;
		tmpl_v = tmpls->items;
	}
	for (size_t i = 0; i < n; i++)
		if (!ref_v[i] || strlen(ref_v[i]) > 200) {
			enrol_reply_error(r, BW_EBADREQUEST, "ref is a string of at most 200 bytes");
			return;
		}
	if ((rc = need_device(r))) {
		enrol_reply_error(r, rc, NULL);
		return;
	}
	if ((gallery ? gallery->len : 0) + n > 100000) {
		enrol_reply_error(r, BW_EBADREQUEST, "the gallery is full");
		return;
	}
	batch = g_ptr_array_new_with_free_func(g_object_unref);
	for (size_t i = 0; i < n; i++) {
		FpPrint *p = NULL;
		if ((rc = print_from_text(tmpl_v[i], &p))) {
			buf_printf(&b, "\"error\":%d,\"index\":%zu", rc, i);
			enrol_send(r, &b);
			goto out;
		}
		g_ptr_array_add(batch, p);
	}
	if (!gallery) {
		gallery = g_ptr_array_new_with_free_func(g_object_unref);
		gallery_refs = g_ptr_array_new_with_free_func(g_free);
	}
	for (size_t i = 0; i < n; i++) {
		g_ptr_array_add(gallery, g_object_ref(g_ptr_array_index(batch, i)));
		g_ptr_array_add(gallery_refs, g_strdup(ref_v[i]));
	}
	buf_printf(&b, "\"error\":0,\"size\":%u,\"added\":%zu", gallery->len, n);
	enrol_send(r, &b);
out:
	buf_release(&b);
	g_ptr_array_unref(batch);
}

void finger_gallery_clear(struct enrol_req *r)
{
	if (gallery) {
		g_ptr_array_unref(gallery);
		g_ptr_array_unref(gallery_refs);
		gallery = gallery_refs = NULL;
	}
	struct cd_buf b = CD_BUF_INIT;
	buf_puts(&b, "\"error\":0,\"size\":0");
	enrol_send(r, &b);
	buf_release(&b);
}

void finger_identify(struct enrol_req *r)
{
	FpPrint *match = NULL;
	GError *e = NULL;
	struct cd_buf b = CD_BUF_INIT;
	const char *ref = NULL, *finger = bw_str(r->msg, "finger");
	int rc;

	if (finger && !bw_finger_code(finger)) {
		enrol_reply_error(r, BW_EBADREQUEST, "unknown finger name");
		return;
	}
	if ((rc = need_device(r)))
		goto out;
	if (!(fp_device_get_features(dev) & FP_DEVICE_FEATURE_IDENTIFY)) {
		rc = BW_EUNSUPPORTED;
		goto out;
	}
	if (!gallery || gallery->len == 0) {
		buf_puts(&b, "\"error\":0,\"match\":false");
		goto send;
	}
	send_place(r, finger ? finger : "unknown", 1, 1);
	void *c = enrol_op_begin(r->timeout_ms);
	int ok = fp_device_identify_sync(dev, gallery, c, NULL, NULL, &match, NULL, &e);
	rc = enrol_op_end(c);
	if (!ok) {
		rc = map_error(e, rc);
		goto out;
	}
	rc = BW_OK;
	/* libfprint hands back the gallery's own print; equal content is only the fallback. */
	for (guint i = 0; match && !ref && i < gallery->len; i++)
		if (g_ptr_array_index(gallery, i) == match)
			ref = g_ptr_array_index(gallery_refs, i);
	for (guint i = 0; match && !ref && i < gallery->len; i++)
		if (fp_print_equal(g_ptr_array_index(gallery, i), match))
			ref = g_ptr_array_index(gallery_refs, i);
out:
	if (rc) {
		buf_printf(&b, "\"error\":%d", rc);
	} else {
		buf_printf(&b, "\"error\":0,\"match\":%s", ref ? "true" : "false");
		if (ref) {
			buf_puts(&b, ",\"ref\":");
			json_buf_string(&b, ref);
		}
	}
send:
	enrol_send(r, &b);
	buf_release(&b);
	g_clear_error(&e);
	if (match)
		g_object_unref(match);
	if (rc == BW_EDEVICE)
		drop_device();
}

void finger_shutdown(void)
{
	if (gallery) {
		g_ptr_array_unref(gallery);
		g_ptr_array_unref(gallery_refs);
		gallery = gallery_refs = NULL;
	}
	drop_device();
	if (ctx)
		g_object_unref(ctx);
	ctx = NULL;
	dev = NULL;
}
