/*
 * biometric_wire.h - the wire format between casedesk and its enrolment helper
 * (casedesk-enrol): one flat JSON object a line, the error codes, the finger names and
 * base64.  Both ends compile this file; the protocol itself is written down in
 * app/enrol/protocol.h.
 *
 * The parser takes only what the protocol needs - a flat object whose values are strings,
 * numbers, true/false/null or arrays of strings - and refuses everything else (nesting,
 * duplicate keys, control characters, a NUL, trailing bytes, lines over BW_LINE_MAX).  It
 * never reads past the length it is given, so a helper or a client writing garbage costs
 * one refused line and nothing more.
 */
#ifndef CD_BIOMETRIC_WIRE_H
#define CD_BIOMETRIC_WIRE_H

#include <stddef.h>

#define BW_LINE_MAX (4u << 20)     /* the longest line either end accepts */
#define BW_MAX_KEYS 32             /* members of one object */
#define BW_MAX_ITEMS 256           /* strings in all the arrays of one object */

/* Error codes every reply carries in "error" (see app/enrol/protocol.h). */
enum bw_error {
	BW_OK = 0,
	BW_ENODEVICE = 100,        /* no device for the modality */
	BW_EBUSY = 101,            /* another request is running */
	BW_ETIMEOUT = 102,         /* nothing usable within timeout_ms */
	BW_ECANCELLED = 103,       /* a cancel request stopped it */
	BW_ELOWQUALITY = 104,      /* below quality_threshold after every retry; best sample kept */
	BW_EBADREQUEST = 105,      /* not a protocol line, unknown cmd, bad or missing member */
	BW_EINTERNAL = 106,        /* the helper's own failure */
	BW_EDEVICE = 107,          /* the device failed or went away */
	BW_EUNUSABLE = 108,        /* the sample cannot be used; "reason" says why */
	BW_EUNSUPPORTED = 109,     /* the device cannot do this (no capture, no identify) */
	BW_ETEMPLATE = 110,        /* a template handed in is not one this device can match */
};

enum bw_type { BW_NULL, BW_BOOL, BW_NUM, BW_STR, BW_ARR };

struct bw_value {
	enum bw_type type;
	double num;
	int boolean;
	const char *str;
	const char *const *items;  /* BW_ARR: n_items strings */
	size_t n_items;
};

/* One parsed line.  Strings point into `text`, which the message owns. */
struct bw_msg {
	char *text;
	size_t n;
	const char *keys[BW_MAX_KEYS];
	struct bw_value vals[BW_MAX_KEYS];
	const char *pool[BW_MAX_ITEMS];
	size_t n_pool;
};

#define BW_MSG_INIT { 0 }

/*
 * Parses one line (without its newline).  0 on success; -1 with *why set to a short
 * English phrase (a static string, never the input) on anything the protocol refuses.
 * The message is usable (and must be released) either way.
 */
int bw_parse(const char *line, size_t len, struct bw_msg *m, const char **why);
void bw_msg_release(struct bw_msg *m);

const struct bw_value *bw_get(const struct bw_msg *m, const char *key);
/* The string member `key`, or NULL when absent or not a string. */
const char *bw_str(const struct bw_msg *m, const char *key);
/* The integer member `key` in *out; -1 when absent, not a number or not a whole number in range. */
int bw_int(const struct bw_msg *m, const char *key, long *out);
/* 1 for true, 0 for false, -1 when absent or not a boolean. */
int bw_bool(const struct bw_msg *m, const char *key);

/* What an error code means, in English; mark with _() where shown. */
const char *bw_error_text(int code);

/*
 * Finger positions by their ISO/IEC 19794-4 codes 1-10: right_thumb (1) ... right_little (5),
 * left_thumb (6) ... left_little (10).  bw_finger_code() gives 0 for an unknown name.
 */
#define BW_FINGERS 10
extern const char *const bw_finger_names[BW_FINGERS + 1];
int bw_finger_code(const char *name);

/* Base64 (RFC 4648, padded).  Encoding returns a malloc'd string or NULL (out of memory). */
char *bw_base64(const void *data, size_t n);
/* Decodes into a malloc'd buffer; -1 on a character outside the alphabet or a bad length. */
int bw_unbase64(const char *text, unsigned char **out, size_t *n);

#endif
