/*
 * audit.c - the bookkeeping rows every change writes (history events and audit rows, each
 * in its hash chain), the seals over both chains under a key that moves forward, and
 * `audit verify`.  See audit.h for the design; this file is the only one that knows the
 * chain formats, the key files and the seal MAC.
 *
 * A seal is written inside the caller's transaction, so it is all or nothing with the
 * change that triggered it; the key file moves forward only after that transaction has
 * committed (the store's txn_end hook): a seal that was rolled back must not have burnt
 * its key, and a crash between the commit and the key's move leaves a key one epoch
 * behind, which the next seal catches up on and verify reports as a warning only.
 */
#define _GNU_SOURCE     /* timegm */
#include "model/store/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/base/b64.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

#define KEY_BYTES 32
#define KEY_MAGIC "casedesk-seal-key 1"
#define ESCROW_MAGIC "casedesk-seal-escrow 1"
#define GENESIS "genesis"
/* What key[i] is hashed with to give key[i+1]. */
#define RATCHET_LABEL "casedesk seal key: next epoch"

/* ---- hashing ------------------------------------------------------------------------- */

static int unhex(const char *text, unsigned char *out, size_t n)
{
	if (strlen(text) != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = text[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		out[i / 2] = (unsigned char)(i % 2 ? (out[i / 2] << 4) | v : v);
	}
	return 0;
}

static void sha256_hex(const char *text, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
	hex_encode(md, 32, out);
}

/* The audit row's link, as it has been since schema 1: SHA-256 of the fields joined by '|'. */
static int audit_digest(const char *prev, const char *at, const char *user, const char *action,
			const char *entity, const char *entity_uuid, const char *purpose, char out[65])
{
	char *chain = sqlite3_mprintf("%s|%s|%s|%s|%s|%s|%s", prev, at, user, action, entity,
				      entity_uuid ? entity_uuid : "", purpose ? purpose : "");
	if (!chain)
		return -1;
	sha256_hex(chain, out);
	sqlite3_free(chain);
	return 0;
}

/*
 * Fields joined for hashing: `prefix`, then each field as "|length:text" or "|-" for NULL,
 * so that no two rows can run into each other.  `skip` (may be NULL) leaves fields out.
 * One buffer and one SHA256() call: a demo writes hundreds of thousands of events, and a
 * digest context per event cost more than the hashing itself.
 */
static void fields_digest(const char *prefix, const char *const *col, int n_cols, const unsigned char *skip,
			  char out[65])
{
	char stack[2048], *text = stack;
	size_t need = strlen(prefix) + 1, n = 0;
	unsigned char md[32];

	for (int i = 0; i < n_cols; i++)
		if (!skip || !skip[i])
			need += col[i] ? strlen(col[i]) + 24 : 2;
	if (need > sizeof stack && !(text = malloc(need))) {
		out[0] = '\0';   /* matches no stored hash: verify says so rather than crash */
		return;
	}
	memcpy(text, prefix, strlen(prefix));
	n = strlen(prefix);
	for (int i = 0; i < n_cols; i++) {
		if (skip && skip[i])
			continue;
		if (!col[i]) {
			memcpy(text + n, "|-", 2);
			n += 2;
			continue;
		}
		size_t len = strlen(col[i]);
		n += (size_t)snprintf(text + n, need - n, "|%zu:", len);
		memcpy(text + n, col[i], len);
		n += len;
	}
	SHA256((const unsigned char *)text, n, md);
	hex_encode(md, 32, out);
	if (text != stack)
		free(text);
}

/*
 * The history event's link.  Schema 8 chained every column ("casedesk-event 1"): the
 * event's texts were inside the chain, so retention could not blank a purged person's
 * words without breaking it.  Since schema 10 the texts (note, old and new value) are
 * committed to apart, in text_digest = SHA-256("casedesk-event-text 1", salt, the three
 * texts), and the link ("casedesk-event 2") covers every other column and text_digest
 * instead of the texts and the salt.  Erasing is then setting the texts and the salt to
 * NULL: the link still holds, and the digest kept without its salt cannot be used to
 * try out guesses of what the text was.  Events written before schema 10 have no
 * text_digest and keep the old link.
 */
#define EVENT_COLUMNS 15
#define EV_OLD 11
#define EV_NEW 12
#define EV_NOTE 13
#define SALT_BYTES 16
#define EVENT_SELECT                                                                     \
	"SELECT id, uuid, at, user_name, case_id, person_id, kind, transition, from_state," \
	" to_state, field, old_value, new_value, note, row_version, hash, text_salt, text_digest FROM event"
/* Columns of EVENT_SELECT after the EVENT_COLUMNS hashed ones. */
#define EV_HASH EVENT_COLUMNS
#define EV_SALT (EVENT_COLUMNS + 1)
#define EV_DIGEST (EVENT_COLUMNS + 2)

/* An event's text commitment: the salt, then the old value, the new value and the note. */
static void event_text_digest(const char *salt, const char *old_value, const char *new_value, const char *note,
			      char out[65])
{
	const char *col[4] = { salt, old_value, new_value, note };
	fields_digest("casedesk-event-text 1", col, 4, NULL, out);
}

/* The link of an event: with text_digest, over everything but the texts (schema 10). */
static void event_digest(const char *prev, const char *const col[EVENT_COLUMNS], const char *text_digest,
			 char out[65])
{
	static const unsigned char no_text[EVENT_COLUMNS + 2] = { [EV_OLD + 1] = 1, [EV_NEW + 1] = 1,
								 [EV_NOTE + 1] = 1 };
	const char *all[EVENT_COLUMNS + 2];
	char v1[96];

	if (!text_digest) {
		/* Schema 8's format: the previous hash joined as it is, then every column. */
		snprintf(v1, sizeof v1, "casedesk-event 1|%s", prev);
		fields_digest(v1, col, EVENT_COLUMNS, NULL, out);
		return;
	}
	all[0] = prev;
	memcpy(all + 1, col, EVENT_COLUMNS * sizeof *col);
	all[EVENT_COLUMNS + 1] = text_digest;
	fields_digest("casedesk-event 2", all, EVENT_COLUMNS + 2, no_text, out);
}

/* ---- the rows every change writes ------------------------------------------------------ */

static int maybe_seal(struct cd_store *s, struct cd_error *err);

int store_add_event(struct cd_store *s, const struct cd_actor *actor, const struct cd_event *ev,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char uuid[37], now[32], prev[65] = GENESIS, hash[65], idbuf[24], casebuf[24], personbuf[24], rvbuf[24];
	char salt[2 * SALT_BYTES + 1], text_digest[65];
	unsigned char salt_bytes[SALT_BYTES];
	int64_t id = 1;
	int rc;

	/* The id is chosen here, under the write lock, because the hash covers it. */
	rc = st_prepare(s, "SELECT id, coalesce(hash, '" GENESIS "') FROM event ORDER BY id DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	/* A failed read must not restart the chain at its genesis. */
	if ((rc = st_row(s, st, _("reading the history's last link"), err)) < 0) {
		st_finish(s, st);
		return CD_ESTORE;
	}
	if (rc) {
		id = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	rc = CD_OK;
	st_finish(s, st);
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	snprintf(casebuf, sizeof casebuf, "%lld", (long long)ev->case_id);
	snprintf(personbuf, sizeof personbuf, "%lld", (long long)ev->person_id);
	snprintf(rvbuf, sizeof rvbuf, "%lld", (long long)ev->row_version);
	const char *col[EVENT_COLUMNS] = {
		idbuf, uuid, ev->at ? ev->at : now, actor->name,
		ev->case_id ? casebuf : NULL, ev->person_id ? personbuf : NULL,
		ev->kind, ev->transition, ev->from_state, ev->to_state, ev->field,
		ev->old_value, ev->new_value, ev->note, ev->row_version ? rvbuf : NULL,
	};
	/* A fresh salt for each event: without it, the digest of a short text (a yes, a date)
	 * would give the text away to anyone who tries the likely ones. */
	if (RAND_bytes(salt_bytes, sizeof salt_bytes) != 1)
		return cd_error_set(err, CD_EINTERNAL, _("no random numbers for the history's text salt"));
	hex_encode(salt_bytes, sizeof salt_bytes, salt);
	event_text_digest(salt, ev->old_value, ev->new_value, ev->note, text_digest);
	event_digest(prev, col, text_digest, hash);
	rc = st_prepare(s, "INSERT INTO event(id, uuid, at, user_name, case_id, person_id, kind,"
			   " transition, from_state, to_state, field, old_value, new_value, note,"
			   " row_version, hash, text_salt, text_digest)"
			   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
			&st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	for (int i = 1; i < EVENT_COLUMNS; i++) {
		if (i == 4 || i == 5 || i == 14) {
			int64_t v = i == 4 ? ev->case_id : i == 5 ? ev->person_id : ev->row_version;
			if (v)
				sqlite3_bind_int64(st, i + 1, v);
			continue;
		}
		st_bind_text(st, i + 1, col[i]);
	}
	st_bind_text(st, 16, hash);
	st_bind_text(st, 17, salt);
	st_bind_text(st, 18, text_digest);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording history"), err);
	st_finish(s, st);
	return rc;
}

int store_add_audit(struct cd_store *s, const struct cd_actor *actor, const char *action,
		    const char *entity, const char *entity_uuid, const char *purpose,
		    struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], prev[65] = GENESIS, hash[65];
	char *nfc = NULL;
	int rc;

	if (s->bulk)
		return CD_OK;
	/* A purpose is typed by a person: one line of valid text, stored (and hashed) in NFC. */
	if ((rc = text_nfc(purpose, "purpose", TEXT_LINE, &nfc, err)))
		return rc;
	purpose = nfc;
	/* Each row's hash covers the previous row's hash: editing or deleting a row breaks
	 * every hash after it, and the seals make recomputing them show. */
	rc = st_prepare(s, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", &st, err);
	if (rc)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE) {
		rc = st_fail(s, _("reading the audit trail"), err);
		st_finish(s, st);
		goto out;
	}
	st_finish(s, st);
	store_now(s, now, sizeof now);
	if (audit_digest(prev, now, actor->name, action, entity, entity_uuid, purpose, hash)) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	rc = st_prepare(s, "INSERT INTO audit(at, user_name, action, entity, entity_uuid, purpose,"
			   " prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, err);
	if (rc)
		goto out;
	st_bind_text(st, 1, now);
	st_bind_text(st, 2, actor->name);
	st_bind_text(st, 3, action);
	st_bind_text(st, 4, entity);
	st_bind_text(st, 5, entity_uuid);
	st_bind_text(st, 6, purpose ? purpose : "");
	st_bind_text(st, 7, prev);
	st_bind_text(st, 8, hash);
	rc = CD_OK;
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("writing the audit trail"), err);
	st_finish(s, st);
	if (rc == CD_OK)
		rc = maybe_seal(s, err);
out:
	free(nfc);
	return rc;
}

/* ---- key files ------------------------------------------------------------------------ */

struct seal_key {
	char store[40];
	int64_t epoch;
	unsigned char key[KEY_BYTES];
	int has_head;             /* the heads of the last seal (epoch - 1) */
	int64_t audit_id, event_id;
	char audit_hash[65], event_hash[65];
};

static void key_wipe(struct seal_key *k)
{
	OPENSSL_cleanse(k, sizeof *k);
}

/* key[i] -> key[i+1]; the old key is overwritten in place. */
static void key_next(struct seal_key *k)
{
	unsigned char next[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	HMAC(EVP_sha256(), k->key, KEY_BYTES, (const unsigned char *)RATCHET_LABEL, strlen(RATCHET_LABEL),
	     next, &len);
	memcpy(k->key, next, KEY_BYTES);
	OPENSSL_cleanse(next, sizeof next);
	k->epoch++;
}

void audit_key_path(const struct cd_store *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s.seal.key", store_path(s));
}

void audit_escrow_path(const struct cd_store *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s.seal-escrow.key", store_path(s));
}

static int parse_key(const char *text, const char *magic, struct seal_key *k)
{
	const char *line = text;
	char word[16], a[80], b[80], c[80], d[80];
	int seen_key = 0, seen_epoch = 0;

	memset(k, 0, sizeof *k);
	if (strncmp(text, magic, strlen(magic)) != 0 || text[strlen(magic)] != '\n')
		return -1;
	for (line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		line++;
		if (sscanf(line, "%15s", word) != 1)
			continue;
		if (strcmp(word, "store") == 0 && sscanf(line, "store %39s", k->store) == 1)
			continue;
		if (strcmp(word, "epoch") == 0 && sscanf(line, "epoch %79s", a) == 1) {
			char *end;
			k->epoch = strtoll(a, &end, 10);
			if (*end || k->epoch < 0)
				return -1;
			seen_epoch = 1;
		} else if (strcmp(word, "key") == 0 && sscanf(line, "key %79s", a) == 1) {
			if (unhex(a, k->key, KEY_BYTES))
				return -1;
			seen_key = 1;
		} else if (strcmp(word, "head") == 0 && sscanf(line, "head %79s %79s %79s %79s", a, b, c, d) == 4) {
			char *e1, *e2;
			k->audit_id = strtoll(a, &e1, 10);
			k->event_id = strtoll(c, &e2, 10);
			if (*e1 || *e2 || strlen(b) > 64 || strlen(d) > 64)
				return -1;
			snprintf(k->audit_hash, sizeof k->audit_hash, "%s", b);
			snprintf(k->event_hash, sizeof k->event_hash, "%s", d);
			k->has_head = 1;
		} else {
			return -1;
		}
	}
	OPENSSL_cleanse(a, sizeof a);
	return seen_key && seen_epoch && k->store[0] ? 0 : -1;
}

/* Reads a key or escrow file from an open descriptor; fills *mode. */
static int read_key_fd(int fd, const char *magic, struct seal_key *k, unsigned *mode)
{
	char text[1024];
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int rc = -1;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	*mode = (unsigned)(sb.st_mode & 0777);
	while (got < sizeof text - 1 && (n = read(fd, text + got, sizeof text - 1 - got)) > 0)
		got += (size_t)n;
	text[got] = '\0';
	rc = parse_key(text, magic, k);
	OPENSSL_cleanse(text, sizeof text);
	return rc;
}

/* CD_OK, or errno-like: ENOENT missing, EACCES unreadable, EINVAL not a key file. */
static int read_key_file(const char *path, const char *magic, struct seal_key *k, unsigned *mode)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc;
	if (fd < 0)
		return errno == ENOENT ? ENOENT : errno == ELOOP ? EINVAL : EACCES;
	rc = read_key_fd(fd, magic, k, mode) ? EINVAL : 0;
	close(fd);
	return rc;
}

static void fsync_dir_of(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Creates `path` (never an existing file, never through a link), 0600, written and fsynced. */
static int write_key_new(const char *path, const char *magic, const struct seal_key *k, struct cd_error *err)
{
	char text[512], keyhex[2 * KEY_BYTES + 1];
	int fd, n, rc = CD_OK;

	hex_encode(k->key, KEY_BYTES, keyhex);
	n = snprintf(text, sizeof text, "%s\nstore %s\nepoch %lld\nkey %s\n", magic, k->store,
		     (long long)k->epoch, keyhex);
	if (k->has_head)
		n += snprintf(text + n, sizeof text - (size_t)n, "head %lld %s %lld %s\n", (long long)k->audit_id,
			      k->audit_hash, (long long)k->event_id, k->event_hash);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = cd_error_set(err, errno == EEXIST ? CD_EUSAGE : CD_ESTORE,
				  _("cannot create the seal key file %s: %s"), path, strerror(errno));
		goto out;
	}
	/* Installed setgid, every desk seals: the key is the casedesk group's, as the store is
	 * (README, "An office server with thin clients"), whatever the user's umask. */
	if (privilege_setgid() && (fchown(fd, (uid_t)-1, getegid()) != 0 || fchmod(fd, 0660) != 0)) {
		rc = cd_error_set(err, CD_ESTORE, _("cannot give the seal key file %s to the casedesk group: %s"), path,
				  strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	if (write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		rc = cd_error_set(err, CD_ESTORE, _("cannot write the seal key file %s: %s"), path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	close(fd);
	fsync_dir_of(path);
out:
	OPENSSL_cleanse(text, sizeof text);
	OPENSSL_cleanse(keyhex, sizeof keyhex);
	return rc;
}

/* Replaces the key file: a new file beside it, fsynced, renamed over it, the folder fsynced. */
static int write_key_replace(const char *path, const struct seal_key *k, struct cd_error *err)
{
	char tmp[4200];
	int rc;

	snprintf(tmp, sizeof tmp, "%s.new", path);
	/* A leftover of a crash (or anything planted there) goes; unlink removes a link, not its target. */
	unlink(tmp);
	if ((rc = write_key_new(tmp, KEY_MAGIC, k, err)))
		return rc;
	if (rename(tmp, path) != 0) {
		rc = cd_error_set(err, CD_ESTORE, _("cannot replace the seal key file %s: %s"), path, strerror(errno));
		unlink(tmp);
		return rc;
	}
	fsync_dir_of(path);
	return CD_OK;
}

/*
 * After the commit of a transaction that wrote a seal: the key file moves to the next
 * epoch, under an exclusive lock on the file, and never backwards (another desk may have
 * sealed again meanwhile).  Failures leave the key behind, which verify reports and the
 * next seal repairs; the change itself is already saved.
 */
static void advance_key_file(struct cd_store *s, const struct seal_key *next)
{
	char path[4200];
	audit_key_path(s, path, sizeof path);
	for (int attempt = 0; attempt < 8; attempt++) {
		struct stat a, b;
		struct seal_key cur;
		unsigned mode;
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return;
		if (flock(fd, LOCK_EX) != 0 || fstat(fd, &a) != 0) {
			close(fd);
			return;
		}
		/* Renamed over while we waited for the lock: take the lock on the new file. */
		if (stat(path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
			close(fd);
			continue;
		}
		if (read_key_fd(fd, KEY_MAGIC, &cur, &mode) == 0 && strcmp(cur.store, next->store) == 0 &&
		    cur.epoch < next->epoch)
			write_key_replace(path, next, NULL);
		key_wipe(&cur);
		close(fd);
		return;
	}
}

struct audit_pending {
	struct seal_key next;
};

static void txn_end(struct cd_store *s, int committed)
{
	struct audit_pending *p = s->txn_end_data;
	s->txn_end = NULL;
	s->txn_end_data = NULL;
	if (!p)
		return;
	if (committed)
		advance_key_file(s, &p->next);
	key_wipe(&p->next);
	free(p);
}

/* ---- seals ---------------------------------------------------------------------------- */

struct seal_row {
	int64_t epoch;            /* -1: none */
	char at[32];
	int64_t audit_id, event_id;
	char audit_hash[65], event_hash[65], prev_mac[65], mac[65];
};

static int read_setting_text(struct cd_store *s, const char *key, char *buf, size_t size, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT value FROM settings WHERE key = ?1", &st, err);
	if (rc)
		return rc;
	buf[0] = '\0';
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading the store's settings"), err)) > 0)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	return rc < 0 ? CD_ESTORE : CD_OK;
}

static long setting_long(struct cd_store *s, const char *key, long dflt)
{
	char buf[32];
	char *end;
	if (read_setting_text(s, key, buf, sizeof buf, NULL) || !buf[0])
		return dflt;
	long v = strtol(buf, &end, 10);
	return *end || v <= 0 ? dflt : v;
}

static int last_seal(struct cd_store *s, struct seal_row *r, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT epoch, at, audit_id, audit_hash, event_id, event_hash, prev_mac, mac"
			       " FROM audit_seal ORDER BY epoch DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	memset(r, 0, sizeof *r);
	r->epoch = -1;
	if ((rc = st_row(s, st, _("reading the seals"), err)) < 0) {
		st_finish(s, st);
		return CD_ESTORE;
	}
	if (rc) {
		r->epoch = sqlite3_column_int64(st, 0);
		snprintf(r->at, sizeof r->at, "%s", (const char *)sqlite3_column_text(st, 1));
		r->audit_id = sqlite3_column_int64(st, 2);
		snprintf(r->audit_hash, sizeof r->audit_hash, "%s", (const char *)sqlite3_column_text(st, 3));
		r->event_id = sqlite3_column_int64(st, 4);
		snprintf(r->event_hash, sizeof r->event_hash, "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(r->prev_mac, sizeof r->prev_mac, "%s", (const char *)sqlite3_column_text(st, 6));
		snprintf(r->mac, sizeof r->mac, "%s", (const char *)sqlite3_column_text(st, 7));
	}
	st_finish(s, st);
	return CD_OK;
}

/* The last row of a chain: its id and hash, or 0 and "genesis". */
static int chain_head(struct cd_store *s, int events, int64_t *id, char hash[65], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, events ? "SELECT id, coalesce(hash, '" GENESIS "') FROM event ORDER BY id DESC LIMIT 1"
				      : "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
			    &st, err);
	if (rc)
		return rc;
	*id = 0;
	snprintf(hash, 65, "%s", GENESIS);
	if ((rc = st_row(s, st, _("reading the audit trail"), err)) > 0) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	st_finish(s, st);
	return rc < 0 ? CD_ESTORE : CD_OK;
}

static void seal_mac(const unsigned char key[KEY_BYTES], const char *store, const struct seal_row *r, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char text[512];
	int n = snprintf(text, sizeof text, "casedesk-seal 1|%s|%lld|%s|%lld|%s|%lld|%s|%s", store,
			 (long long)r->epoch, r->at, (long long)r->audit_id, r->audit_hash, (long long)r->event_id,
			 r->event_hash, r->prev_mac);
	HMAC(EVP_sha256(), key, KEY_BYTES, (const unsigned char *)text, (size_t)n, md, &len);
	hex_encode(md, 32, out);
}

static int store_uuid(struct cd_store *s, char out[40], struct cd_error *err)
{
	return read_setting_text(s, "store_uuid", out, 40, err);
}

/* "YYYY-MM-DDTHH:MM:SS..." -> seconds since the epoch; -1 when it is not such a time. */
static long long parse_at(const char *at)
{
	struct tm tm = { 0 };
	if (sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/*
 * Writes the next seal inside the current transaction.  No usable key file is not an
 * error here: the change goes through unsealed and verify says so (*sealed stays 0).
 */
static int seal_write(struct cd_store *s, int *sealed, struct cd_error *err)
{
	struct seal_key k = { 0 };
	struct seal_row last, r;
	struct audit_pending *p = NULL;
	sqlite3_stmt *st = NULL;
	char path[4200], uuid[40];
	unsigned mode;
	int rc;

	*sealed = 0;
	audit_key_path(s, path, sizeof path);
	if ((rc = last_seal(s, &last, err)) || (rc = store_uuid(s, uuid, err)))
		return rc;
	if (read_key_file(path, KEY_MAGIC, &k, &mode) != 0 || strcmp(k.store, uuid) != 0)
		goto out;
	/* A key behind the store's seals (a crash after a commit) catches up; a key ahead of
	 * them means seals were removed, and nothing is sealed over that. */
	if (k.epoch > last.epoch + 1 || last.epoch + 1 - k.epoch > 1000000)
		goto out;
	while (k.epoch < last.epoch + 1)
		key_next(&k);
	memset(&r, 0, sizeof r);
	r.epoch = k.epoch;
	store_now(s, r.at, sizeof r.at);
	snprintf(r.prev_mac, sizeof r.prev_mac, "%s", last.epoch >= 0 ? last.mac : GENESIS);
	if ((rc = chain_head(s, 0, &r.audit_id, r.audit_hash, err)) ||
	    (rc = chain_head(s, 1, &r.event_id, r.event_hash, err)))
		goto out;
	seal_mac(k.key, uuid, &r, r.mac);
	if ((rc = st_prepare(s, "INSERT INTO audit_seal(epoch, at, audit_id, audit_hash, event_id, event_hash,"
				" prev_mac, mac) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, r.epoch);
	st_bind_text(st, 2, r.at);
	sqlite3_bind_int64(st, 3, r.audit_id);
	st_bind_text(st, 4, r.audit_hash);
	sqlite3_bind_int64(st, 5, r.event_id);
	st_bind_text(st, 6, r.event_hash);
	st_bind_text(st, 7, r.prev_mac);
	st_bind_text(st, 8, r.mac);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("sealing the audit trail"), err);
	st_finish(s, st);
	if (rc)
		goto out;
	/* The key for the next epoch, and the head it anchors, wait for the commit. */
	if (!(p = calloc(1, sizeof *p))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	p->next = k;
	key_next(&p->next);
	p->next.has_head = 1;
	p->next.audit_id = r.audit_id;
	p->next.event_id = r.event_id;
	snprintf(p->next.audit_hash, sizeof p->next.audit_hash, "%s", r.audit_hash);
	snprintf(p->next.event_hash, sizeof p->next.event_hash, "%s", r.event_hash);
	if (s->txn_end_data) {
		struct audit_pending *old = s->txn_end_data;
		key_wipe(&old->next);
		free(old);
	}
	s->txn_end = txn_end;
	s->txn_end_data = p;
	*sealed = 1;
out:
	key_wipe(&k);
	return rc;
}

/* After an audit row: a seal when audit_seal_rows rows or audit_seal_minutes have passed. */
static int maybe_seal(struct cd_store *s, struct cd_error *err)
{
	struct seal_row last;
	int64_t audit_id, event_id;
	char h[65];
	int rc, sealed;

	if ((rc = last_seal(s, &last, err)))
		return rc;
	if (last.epoch < 0)
		return CD_OK;     /* never sealed: no key was made for this store (`audit init`) */
	if ((rc = chain_head(s, 0, &audit_id, h, err)) || (rc = chain_head(s, 1, &event_id, h, err)))
		return rc;
	int64_t rows = (audit_id - last.audit_id) + (event_id - last.event_id);
	long max_rows = setting_long(s, "audit_seal_rows", AUDIT_SEAL_ROWS);
	long minutes = setting_long(s, "audit_seal_minutes", AUDIT_SEAL_MINUTES);
	char now[32];
	store_now(s, now, sizeof now);
	long long t0 = parse_at(last.at), t1 = parse_at(now);
	if (rows <= 0)
		return CD_OK;
	if (rows >= max_rows || (t0 >= 0 && t1 >= 0 && t1 - t0 >= (long long)minutes * 60))
		return seal_write(s, &sealed, err);
	return CD_OK;
}

int audit_seal_now(struct cd_store *s, struct cd_error *err)
{
	char path[4200];
	int rc, sealed = 0;

	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = seal_write(s, &sealed, err))) {
		store_rollback(s);
		return rc;
	}
	if (!sealed) {
		store_rollback(s);
		audit_key_path(s, path, sizeof path);
		return cd_error_set(err, CD_EREFUSED,
				    _("cannot seal: the seal key %s is missing, unreadable, of another store or "
				      "ahead of the store's seals; `casedesk audit verify` says which"),
				    path);
	}
	return store_commit(s, err);
}

int audit_keys_create(struct cd_store *s, char *escrow_out, size_t size, struct cd_error *err)
{
	struct seal_key k = { 0 };
	struct seal_row last;
	char path[4200], escrow[4200];
	int rc;

	audit_key_path(s, path, sizeof path);
	audit_escrow_path(s, escrow, sizeof escrow);
	snprintf(escrow_out, size, "%s", escrow);
	if ((rc = last_seal(s, &last, err)) || (rc = store_uuid(s, k.store, err)))
		goto out;
	if (last.epoch >= 0) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the audit trail of %s is sealed already (seal %lld); its first key cannot be made again"),
				  store_path(s), (long long)last.epoch);
		goto out;
	}
	if (!k.store[0]) {
		rc = cd_error_set(err, CD_ESTORE, _("store %s has no store_uuid setting"), store_path(s));
		goto out;
	}
	if (RAND_bytes(k.key, KEY_BYTES) != 1) {
		rc = cd_error_set(err, CD_EINTERNAL, _("no random numbers for the seal key"));
		goto out;
	}
	/* Escrow first: a key file whose first key is nowhere else would make the seals
	 * uncheckable from the start. */
	if ((rc = write_key_new(escrow, ESCROW_MAGIC, &k, err)))
		goto out;
	if ((rc = write_key_new(path, KEY_MAGIC, &k, err))) {
		unlink(escrow);
		goto out;
	}
	rc = audit_seal_now(s, err);
out:
	key_wipe(&k);
	return rc;
}

int audit_set_policy(struct cd_store *s, const struct cd_actor *actor, long rows, long minutes,
		     struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may change when the audit trail is sealed"));
	if ((rc = store_begin(s, err)))
		return rc;
	for (int i = 0; i < 2; i++) {
		long v = i ? minutes : rows;
		char text[24];
		if (v <= 0)
			continue;
		snprintf(text, sizeof text, "%ld", v);
		if ((rc = st_prepare(s, "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)", &st, err)))
			goto out;
		sqlite3_bind_text(st, 1, i ? "audit_seal_minutes" : "audit_seal_rows", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(s, _("writing settings"), err);
		st_finish(s, st);
		if (rc)
			goto out;
	}
	if ((rc = store_add_audit(s, actor, "change", "settings", NULL, "audit seal policy", err)))
		goto out;
	return store_commit(s, err);
out:
	store_rollback(s);
	return rc;
}

/* ---- verify --------------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void finding(struct audit_report *r, enum audit_severity sev, const char *fmt, ...)
{
	va_list ap;
	char text[512];
	struct audit_finding *f;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (sev == AUDIT_FAIL)
		r->failures++;
	else if (sev == AUDIT_WARN)
		r->warnings++;
	f = realloc(r->findings, (r->n_findings + 1) * sizeof *f);
	if (!f)
		return;
	r->findings = f;
	f[r->n_findings].severity = sev;
	if ((f[r->n_findings].text = strdup(text)))
		r->n_findings++;
}

void audit_report_release(struct audit_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].text);
	free(r->findings);
	memset(r, 0, sizeof *r);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int walk_audit(struct cd_store *s, struct audit_report *r, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char prev[65] = GENESIS, hash[65], prev_at[32] = "";
	int64_t prev_id = 0, broken = 0;
	int rc = st_prepare(s, "SELECT id, at, user_name, action, entity, entity_uuid, purpose, prev_hash, hash"
			       " FROM audit ORDER BY id", &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *at = col_text(st, 1), *stored_prev = col_text(st, 7), *stored = col_text(st, 8);
		/* NOT NULL in the schema; a row forged without them is simply broken. */
		at = at ? at : "";
		stored_prev = stored_prev ? stored_prev : "";
		stored = stored ? stored : "";
		if (r->audit_rows++ == 0) {
			r->audit_first_id = id;
			snprintf(r->first_at, sizeof r->first_at, "%s", at);
		}
		r->audit_last_id = id;
		snprintf(r->last_at, sizeof r->last_at, "%s", at);
		if (id != prev_id + 1) {
			if (r->gaps++ == 0)
				finding(r, AUDIT_FAIL, _("audit rows %lld to %lld are missing (ids jump from %lld to %lld)"),
					(long long)(prev_id + 1), (long long)(id - 1), (long long)prev_id, (long long)id);
		}
		if (prev_at[0] && strcmp(at, prev_at) < 0 && r->backwards++ == 0)
			finding(r, AUDIT_WARN, _("time runs backwards at audit row %lld (%s after %s)"), (long long)id,
				at, prev_at);
		if (audit_digest(stored_prev, at, col_text(st, 2) ? col_text(st, 2) : "",
				 col_text(st, 3) ? col_text(st, 3) : "", col_text(st, 4) ? col_text(st, 4) : "",
				 col_text(st, 5), col_text(st, 6), hash)) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		if (strcmp(stored_prev, prev) != 0 || strcmp(hash, stored) != 0) {
			if (!broken) {
				broken = id;
				if (strcmp(hash, stored) != 0)
					finding(r, AUDIT_FAIL,
						_("first broken link: audit row %lld does not match its own hash "
						  "(it was changed after it was written)"),
						(long long)id);
				else
					finding(r, AUDIT_FAIL,
						_("first broken link: audit row %lld does not follow row %lld "
						  "(a row between them was removed or changed)"),
						(long long)id, (long long)prev_id);
			}
		}
		snprintf(prev, sizeof prev, "%s", stored);
		snprintf(prev_at, sizeof prev_at, "%s", at);
		prev_id = id;
	}
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading the audit trail"), err);
	r->broken_id = broken;
out:
	st_finish(s, st);
	return rc;
}

/* Up to this many events are named one by one for each kind of text finding; the rest are counted. */
#define TEXT_FINDINGS_NAMED 10

/* Whether the case (or, for a person's own event, the person) of an event was purged (a
 * person anonymised counts, schema 13): the one condition under which the append-only
 * trigger lets retention erase its text. */
static int event_owner_purged(struct cd_store *s, sqlite3_stmt **st, sqlite3_stmt *ev, struct cd_error *err)
{
	int rc, purged = 0;
	if (!*st && (rc = st_prepare(s, "SELECT CASE WHEN ?1 IS NOT NULL"
					" THEN EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND purge_action = 'purge')"
					" ELSE EXISTS (SELECT 1 FROM person WHERE id = ?2"
					"  AND purge_action IN ('purge', 'anonymise')) END",
				     st, err)))
		return -1;
	sqlite3_reset(*st);
	sqlite3_bind_value(*st, 1, sqlite3_column_value(ev, 4));
	sqlite3_bind_value(*st, 2, sqlite3_column_value(ev, 5));
	if ((rc = st_row(s, *st, _("reading the history"), err)) < 0)
		return -1;
	if (rc)
		purged = sqlite3_column_int(*st, 0);
	sqlite3_reset(*st);
	return purged;
}

/*
 * An event's texts against its text_digest: 0 when they hold (or were erased as retention
 * erases them), 1 when they were changed (a finding is made for the first few), -1 when
 * the store could not be read.
 */
static int check_event_text(struct cd_store *s, struct audit_report *r, sqlite3_stmt *st, sqlite3_stmt **purged_st,
			    struct cd_error *err)
{
	int64_t id = sqlite3_column_int64(st, 0);
	const char *salt = col_text(st, EV_SALT), *digest = col_text(st, EV_DIGEST);
	char text_digest[65];
	int purged;

	if (salt) {
		event_text_digest(salt, col_text(st, EV_OLD), col_text(st, EV_NEW), col_text(st, EV_NOTE), text_digest);
		if (strcmp(text_digest, digest) == 0)
			return 0;
		if (r->events_text_changed++ < TEXT_FINDINGS_NAMED)
			finding(r, AUDIT_FAIL,
				_("event %lld: its note or values do not match their digest (changed after they were "
				  "written)"),
				(long long)id);
		return 1;
	}
	/* No salt: erased by retention, which is only allowed for a purged case or person, and
	 * takes the note and both values with the salt. */
	if (col_text(st, EV_OLD) || col_text(st, EV_NEW) || col_text(st, EV_NOTE)) {
		if (r->events_text_changed++ < TEXT_FINDINGS_NAMED)
			finding(r, AUDIT_FAIL,
				_("event %lld: its text salt is gone but its text is not (changed after it was written)"),
				(long long)id);
		return 1;
	}
	if ((purged = event_owner_purged(s, purged_st, st, err)) < 0)
		return -1;
	if (!purged) {
		if (r->events_text_changed++ < TEXT_FINDINGS_NAMED)
			finding(r, AUDIT_FAIL,
				sqlite3_column_type(st, 4) != SQLITE_NULL
					? _("event %lld: its text was erased, but its case is not purged")
					: _("event %lld: its text was erased, but its person is not purged"),
				(long long)id);
		return 1;
	}
	r->events_erased++;
	return 0;
}

static int walk_events(struct cd_store *s, struct audit_report *r, struct cd_error *err)
{
	sqlite3_stmt *st = NULL, *purged_st = NULL;
	char prev[65] = GENESIS, hash[65];
	int64_t prev_id = 0, gaps = 0;
	int chained = 0;
	int rc = st_prepare(s, EVENT_SELECT " ORDER BY id", &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *col[EVENT_COLUMNS];
		const char *stored = col_text(st, EV_HASH), *digest = col_text(st, EV_DIGEST);
		r->event_rows++;
		if (id != prev_id + 1 && gaps++ == 0)
			finding(r, AUDIT_FAIL, _("history events %lld to %lld are missing (ids jump from %lld to %lld)"),
				(long long)(prev_id + 1), (long long)(id - 1), (long long)prev_id, (long long)id);
		prev_id = id;
		if (!stored && !chained) {
			r->events_unchained++;   /* written before schema 8 chained events */
			continue;
		}
		chained = 1;
		for (int i = 0; i < EVENT_COLUMNS; i++)
			col[i] = col_text(st, i);
		event_digest(prev, col, digest, hash);
		if (!stored || strcmp(hash, stored) != 0) {
			if (!r->broken_event_id) {
				r->broken_event_id = id;
				finding(r, AUDIT_FAIL,
					_("first broken link in the history: event %lld does not follow the event "
					  "before it or was changed after it was written"),
					(long long)id);
			}
		}
		if (digest && check_event_text(s, r, st, &purged_st, err) < 0) {
			rc = CD_ESTORE;
			goto out;
		}
		snprintf(prev, sizeof prev, "%s", stored ? stored : GENESIS);
	}
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading the history"), err);
	r->gaps += gaps;
	if (r->events_text_changed > TEXT_FINDINGS_NAMED)
		finding(r, AUDIT_FAIL, _("%lld history events in all have a note or values changed or wrongly erased"),
			(long long)r->events_text_changed);
out:
	st_finish(s, purged_st);
	st_finish(s, st);
	return rc;
}

/* Whether row `id` of a chain still has `hash`: 1 yes, 0 changed, -1 gone. */
static int row_has_hash(struct cd_store *s, int events, int64_t id, const char *hash)
{
	sqlite3_stmt *st = NULL;
	int found = -1;
	if (id == 0)
		return strcmp(hash, GENESIS) == 0;
	if (st_prepare(s, events ? "SELECT coalesce(hash, '" GENESIS "') FROM event WHERE id = ?1"
				 : "SELECT hash FROM audit WHERE id = ?1",
		       &st, NULL))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = col_text(st, 0) && strcmp(col_text(st, 0), hash) == 0;
	st_finish(s, st);
	return found;
}

/* A head that is gone or changed is a failure; `quiet` counts it without a finding (seals
 * after the first that covers the same damage would only repeat it).  1 when it holds. */
static int check_head(struct cd_store *s, struct audit_report *r, const char *whose, int events, int64_t id,
		      const char *hash, int quiet)
{
	int ok = row_has_hash(s, events, id, hash);
	if (ok == 1)
		return 1;
	if (quiet) {
		r->failures++;
		return 0;
	}
	if (ok < 0)
		finding(r, AUDIT_FAIL,
			events ? _("%s covers history events up to %lld, but event %lld no longer exists: "
				   "the last events were deleted")
			       : _("%s covers audit rows up to %lld, but row %lld no longer exists: the last rows "
				   "were deleted"),
			whose, (long long)id, (long long)id);
	else
		finding(r, AUDIT_FAIL,
			events ? _("%s: history event %lld is not the one that was sealed (the chain was rewritten)")
			       : _("%s: audit row %lld is not the one that was sealed (the chain was rewritten)"),
			whose, (long long)id);
	return 0;
}

static int walk_seals(struct cd_store *s, struct audit_report *r, struct seal_key *escrow, const char *uuid,
		      struct seal_row *last, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char mac[65], whose[64];
	int64_t bad_mac = 0, bad_audit_head = 0, bad_event_head = 0;
	int rc = st_prepare(s, "SELECT epoch, at, audit_id, audit_hash, event_id, event_hash, prev_mac, mac"
			       " FROM audit_seal ORDER BY epoch", &st, err);
	if (rc)
		return rc;
	memset(last, 0, sizeof *last);
	last->epoch = -1;
	snprintf(last->mac, sizeof last->mac, "%s", GENESIS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct seal_row row = { 0 };
		row.epoch = sqlite3_column_int64(st, 0);
		snprintf(row.at, sizeof row.at, "%s", col_text(st, 1) ? col_text(st, 1) : "");
		row.audit_id = sqlite3_column_int64(st, 2);
		snprintf(row.audit_hash, sizeof row.audit_hash, "%s", col_text(st, 3) ? col_text(st, 3) : "");
		row.event_id = sqlite3_column_int64(st, 4);
		snprintf(row.event_hash, sizeof row.event_hash, "%s", col_text(st, 5) ? col_text(st, 5) : "");
		snprintf(row.prev_mac, sizeof row.prev_mac, "%s", col_text(st, 6) ? col_text(st, 6) : "");
		snprintf(row.mac, sizeof row.mac, "%s", col_text(st, 7) ? col_text(st, 7) : "");
		r->seals++;
		snprintf(whose, sizeof whose, _("seal %lld"), (long long)row.epoch);
		if (row.epoch != last->epoch + 1)
			finding(r, AUDIT_FAIL, _("seals %lld to %lld are missing"), (long long)(last->epoch + 1),
				(long long)(row.epoch - 1));
		else if (strcmp(row.prev_mac, last->mac) != 0)
			finding(r, AUDIT_FAIL, _("seal %lld does not follow seal %lld"), (long long)row.epoch,
				(long long)last->epoch);
		if (last->epoch >= 0 && row.audit_id < last->audit_id)
			finding(r, AUDIT_FAIL, _("seal %lld covers fewer audit rows than the seal before it"),
				(long long)row.epoch);
		if (last->epoch >= 0 && strcmp(row.at, last->at) < 0)
			finding(r, AUDIT_WARN, _("time runs backwards at seal %lld (%s after %s)"), (long long)row.epoch,
				row.at, last->at);
		if (!check_head(s, r, whose, 0, row.audit_id, row.audit_hash, bad_audit_head > 0))
			bad_audit_head++;
		if (!check_head(s, r, whose, 1, row.event_id, row.event_hash, bad_event_head > 0))
			bad_event_head++;
		if (escrow) {
			if (row.epoch < escrow->epoch || row.epoch - escrow->epoch > 10000000) {
				if (!bad_mac++)
					finding(r, AUDIT_FAIL, _("seal %lld cannot be checked with the escrow key"),
						(long long)row.epoch);
			} else {
				while (escrow->epoch < row.epoch)
					key_next(escrow);
				seal_mac(escrow->key, uuid, &row, mac);
				r->seals_mac_checked++;
				if (strcmp(mac, row.mac) != 0 && !bad_mac++)
					finding(r, AUDIT_FAIL,
						_("seal %lld is bad: its MAC does not match under the escrowed key "
						  "(the seal or what it covers was forged)"),
						(long long)row.epoch);
			}
		}
		*last = row;
	}
	rc = rc == SQLITE_DONE ? CD_OK : st_fail(s, _("reading the seals"), err);
	st_finish(s, st);
	if (bad_mac > 1)
		finding(r, AUDIT_FAIL, _("%lld seals in all have a bad MAC"), (long long)bad_mac);
	if (bad_audit_head > 1)
		finding(r, AUDIT_FAIL, _("%lld seals in all cover audit rows that are gone or changed"),
			(long long)bad_audit_head);
	if (bad_event_head > 1)
		finding(r, AUDIT_FAIL, _("%lld seals in all cover history events that are gone or changed"),
			(long long)bad_event_head);
	return rc;
}

static int count_after(struct cd_store *s, const char *sql, int64_t after, int64_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, after);
	*n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	st_finish(s, st);
	return CD_OK;
}

static void check_key_file(struct cd_store *s, struct audit_report *r, const char *uuid, const struct seal_row *last,
			   struct seal_key *escrow)
{
	struct seal_key k;
	char path[4200];
	unsigned mode = 0;
	int e = 0;

	audit_key_path(s, path, sizeof path);
	e = read_key_file(path, KEY_MAGIC, &k, &mode);
	if (e == ENOENT) {
		if (last->epoch >= 0)
			finding(r, AUDIT_FAIL, _("the seal key file %s is missing: the trail cannot be sealed and its "
						 "head cannot be checked"), path);
		else
			finding(r, AUDIT_WARN, _("the trail is not sealed: there is no seal key beside the store "
						 "(`casedesk audit init` makes one)"));
		return;
	}
	if (e == EACCES) {
		finding(r, AUDIT_WARN, _("cannot read the seal key file %s (only its owner may): the head recorded "
					 "beside the key was not checked"), path);
		return;
	}
	if (e) {
		finding(r, AUDIT_FAIL, _("%s is not a seal key file (or is a link)"), path);
		return;
	}
	r->key_checked = 1;
	if (strcmp(k.store, uuid) != 0) {
		finding(r, AUDIT_FAIL, _("the seal key file %s belongs to another store"), path);
		goto out;
	}
	/* Its owner's only; installed setgid, the casedesk group's too (every desk seals). */
	if (mode & (privilege_setgid() ? 007 : 077))
		finding(r, AUDIT_WARN, _("the seal key file %s may be read by others (mode %03o): make it 0600"),
			path, mode);
	if (k.epoch == last->epoch)
		finding(r, AUDIT_WARN, _("the seal key has not moved past seal %lld yet (interrupted after sealing?); "
					 "the next seal moves it"), (long long)last->epoch);
	else if (k.epoch > last->epoch + 1)
		finding(r, AUDIT_FAIL, _("the seal key is at epoch %lld but the store's last seal is %lld: "
					 "the seals after it, and the rows they covered, were removed"),
			(long long)k.epoch, (long long)last->epoch);
	else if (k.epoch < last->epoch)
		finding(r, AUDIT_FAIL, _("the store holds seals up to %lld but the seal key is at epoch %lld: "
					 "the key file was replaced with an older one"),
			(long long)last->epoch, (long long)k.epoch);
	if (k.has_head) {
		check_head(s, r, _("the head recorded beside the key"), 0, k.audit_id, k.audit_hash, 0);
		check_head(s, r, _("the head recorded beside the key"), 1, k.event_id, k.event_hash, 0);
	}
	if (escrow && k.epoch >= escrow->epoch && k.epoch - escrow->epoch < 10000000) {
		while (escrow->epoch < k.epoch)
			key_next(escrow);
		if (CRYPTO_memcmp(escrow->key, k.key, KEY_BYTES) != 0)
			finding(r, AUDIT_FAIL, _("the seal key file %s does not descend from the escrow key"), path);
	}
out:
	key_wipe(&k);
}

int audit_verify(struct cd_store *s, const char *escrow_file, struct audit_report *r, struct cd_error *err)
{
	struct seal_key escrow;
	struct seal_row last;
	char uuid[40];
	unsigned mode;
	int rc, have_escrow = 0;

	memset(r, 0, sizeof *r);
	memset(&escrow, 0, sizeof escrow);
	if ((rc = store_uuid(s, uuid, err)))
		goto out;
	if (escrow_file) {
		int e = read_key_file(escrow_file, ESCROW_MAGIC, &escrow, &mode);
		if (e) {
			rc = cd_error_set(err, CD_EINPUT,
					  e == ENOENT ? _("--escrow %s: no such file")
						      : e == EACCES ? _("--escrow %s: cannot read it")
								    : _("--escrow %s: not a seal escrow file"),
					  escrow_file);
			goto out;
		}
		if (strcmp(escrow.store, uuid) != 0) {
			rc = cd_error_set(err, CD_EINPUT, _("--escrow %s: the escrow key of another store"), escrow_file);
			goto out;
		}
		have_escrow = r->escrow_used = 1;
	}
	if ((rc = walk_audit(s, r, err)) || (rc = walk_events(s, r, err)) ||
	    (rc = walk_seals(s, r, have_escrow ? &escrow : NULL, uuid, &last, err)))
		goto out;
	check_key_file(s, r, uuid, &last, have_escrow ? &escrow : NULL);
	if (last.epoch >= 0) {
		if ((rc = count_after(s, "SELECT count(*) FROM audit WHERE id > ?1", last.audit_id, &r->unsealed_audit, err)) ||
		    (rc = count_after(s, "SELECT count(*) FROM event WHERE id > ?1", last.event_id, &r->unsealed_events, err)))
			goto out;
	} else {
		r->unsealed_audit = r->audit_rows;
		r->unsealed_events = r->event_rows;
	}
	if (r->unsealed_audit || r->unsealed_events)
		finding(r, AUDIT_WARN, _("%lld audit rows and %lld history events are not yet sealed"),
			(long long)r->unsealed_audit, (long long)r->unsealed_events);
	if (r->events_erased)
		finding(r, AUDIT_INFO, _("%lld history events' text erased by retention (their case or person was "
					 "purged); the chain still covers everything else about them"),
			(long long)r->events_erased);
	if (r->events_unchained)
		finding(r, AUDIT_INFO, _("%lld history events were written before events were chained (schema 8)"),
			(long long)r->events_unchained);
	if (!have_escrow && r->seals)
		finding(r, AUDIT_INFO, _("seal MACs were not checked: that needs the escrow key (--escrow FILE); "
					 "the chains, the seals' heads and the key file's head were"));
out:
	key_wipe(&escrow);
	return rc;
}
