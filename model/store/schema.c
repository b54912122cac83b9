/*
 * schema.c - the store's schema as forward-only migrations.
 *
 * migrations[i] takes a store from version i to version i+1.  A migration is never edited
 * once released: a change is a new entry at the end.  store.c runs them in one
 * transaction and sets PRAGMA user_version.
 */
#include "model/store/schema.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "model/base/text.h"
#include "model/identity/translit.h"

static const char *const migrations[] = {
	/* 0 -> 1: people, documents, users, workflows, cases, history, audit, outbox. */
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,"
	" os_account TEXT UNIQUE, roles INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE person ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, number TEXT NOT NULL UNIQUE,"
	" surname TEXT NOT NULL, given TEXT NOT NULL,"
	" surname_latin TEXT NOT NULL, given_latin TEXT NOT NULL,"
	" sex TEXT NOT NULL CHECK (sex IN ('M','F','X')),"
	" dob TEXT NOT NULL, nationality TEXT NOT NULL, birth_place TEXT,"
	" created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	" row_version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX person_latin ON person(surname_latin, given_latin);"
	"CREATE TABLE alias ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL, surname TEXT NOT NULL, given TEXT NOT NULL,"
	" surname_latin TEXT, given_latin TEXT, created_at TEXT NOT NULL);"
	"CREATE INDEX alias_person ON alias(person_id);"
	"CREATE TABLE document ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL, number TEXT NOT NULL, issuer TEXT NOT NULL,"
	" issued TEXT, expires TEXT, created_at TEXT NOT NULL);"
	"CREATE INDEX document_number ON document(number);"
	"CREATE INDEX document_person ON document(person_id);"
	"CREATE TABLE family ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" relative_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" relation TEXT NOT NULL CHECK (relation IN ('spouse','child','parent','sibling')),"
	" created_at TEXT NOT NULL, UNIQUE (person_id, relative_id));"
	"CREATE INDEX family_relative ON family(relative_id);"
	"CREATE TABLE address ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL, line TEXT NOT NULL, city TEXT, country TEXT,"
	" since TEXT, until TEXT, created_at TEXT NOT NULL);"
	"CREATE TABLE workflow_def ("
	" workflow_id TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,"
	" loaded_at TEXT NOT NULL, PRIMARY KEY (workflow_id, version)) WITHOUT ROWID;"
	"CREATE TABLE cases ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, number TEXT NOT NULL UNIQUE,"
	" workflow_id TEXT NOT NULL, workflow_version INTEGER NOT NULL,"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" office TEXT NOT NULL, state TEXT NOT NULL, state_since TEXT NOT NULL,"
	" entered_by TEXT NOT NULL, assignee_id INTEGER REFERENCES users(id),"
	" opened_at TEXT NOT NULL, closed_at TEXT,"
	" due_day INTEGER, frozen_left INTEGER,"
	" row_version INTEGER NOT NULL DEFAULT 1, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,"
	" FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_def(workflow_id, version));"
	"CREATE INDEX cases_person ON cases(person_id);"
	"CREATE INDEX cases_open ON cases(closed_at, due_day);"
	"CREATE INDEX cases_workflow_state ON cases(workflow_id, state);"
	"CREATE INDEX cases_assignee ON cases(assignee_id);"
	"CREATE TABLE case_field ("
	" case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,"
	" PRIMARY KEY (case_id, name)) WITHOUT ROWID;"
	"CREATE TABLE event ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, at TEXT NOT NULL, user_name TEXT NOT NULL,"
	" case_id INTEGER REFERENCES cases(id), person_id INTEGER REFERENCES person(id),"
	" kind TEXT NOT NULL, transition TEXT, from_state TEXT, to_state TEXT,"
	" field TEXT, old_value TEXT, new_value TEXT, note TEXT, row_version INTEGER);"
	"CREATE INDEX event_case ON event(case_id, id);"
	"CREATE INDEX event_person ON event(person_id, id);"
	/* Append-only, enforced by the store itself and not only by our code. */
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
	" BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END;"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
	" BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END;"
	"CREATE TABLE attachment ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" case_id INTEGER REFERENCES cases(id), person_id INTEGER REFERENCES person(id),"
	" kind TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL, data BLOB,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY, at TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL,"
	" entity TEXT NOT NULL, entity_uuid TEXT, purpose TEXT NOT NULL,"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, at TEXT NOT NULL,"
	" entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, op TEXT NOT NULL,"
	" payload TEXT NOT NULL, sent_at TEXT);"
	"CREATE INDEX outbox_unsent ON outbox(sent_at) WHERE sent_at IS NULL;",

	/* 1 -> 2: the search index (FTS5 trigram over names in every script, aliases). */
	"CREATE VIRTUAL TABLE person_fts USING fts5(names, tokenize = 'trigram');"
	"INSERT INTO person_fts(rowid, names)"
	" SELECT p.id, p.surname || ' ' || p.given || ' ' || p.surname_latin || ' ' || p.given_latin"
	"  || coalesce((SELECT ' ' || group_concat(a.surname || ' ' || a.given || ' '"
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"
	"   FROM alias a WHERE a.person_id = p.id), '')"
	" FROM person p;",

	/* 2 -> 3: biometric enrolments and external checks, which the guards read. */
	"CREATE TABLE biometric ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
	" modality TEXT NOT NULL, position TEXT, quality INTEGER, template BLOB,"
	" exception TEXT, device TEXT NOT NULL, synthetic INTEGER NOT NULL DEFAULT 0,"
	" captured_at TEXT NOT NULL);"
	"CREATE INDEX biometric_person ON biometric(person_id);"
	"CREATE TABLE checks ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" case_id INTEGER REFERENCES cases(id), person_id INTEGER REFERENCES person(id),"
	" list TEXT NOT NULL, asked_at TEXT NOT NULL, answered_at TEXT,"
	" result TEXT CHECK (result IN ('pending','clear','hit','error')),"
	" source TEXT NOT NULL);"
	"CREATE INDEX checks_case ON checks(case_id);",

	/* 3 -> 4: the worklist's order as an index, so the first page of a million-case
	 * office needs no sort: running clocks first, nearest deadline first. */
	"CREATE INDEX cases_worklist ON cases(frozen_left IS NOT NULL, due_day IS NULL, due_day, id)"
	" WHERE closed_at IS NULL;",

	/* 4 -> 5: skeleton keys of every name word and the date of birth as tokens, so that a
	 * spelling variant or a year finds a person through one MATCH.  cd_name_keys() is C
	 * (search.c), registered on every connection before migrations run. */
	"CREATE VIRTUAL TABLE person_key USING fts5(keys, tokenize = 'ascii', detail = none);"
	"INSERT INTO person_key(rowid, keys)"
	" SELECT p.id, cd_name_keys(p.nationality, p.dob, p.surname, p.given, p.surname_latin,"
	"  p.given_latin, (SELECT group_concat(a.surname || ' ' || a.given || ' '"
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"
	"   FROM alias a WHERE a.person_id = p.id))"
	" FROM person p;",

	/* 5 -> 6: the lost and stolen documents list, kept offline (issue 5), with every import
	 * it came from; and merged records: a duplicate's row stays, pointing to its survivor,
	 * so that its number still leads somewhere (model/merge.c). */
	"CREATE TABLE lostdoc_import ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, at TEXT NOT NULL, user_name TEXT NOT NULL,"
	" file TEXT NOT NULL, added INTEGER NOT NULL DEFAULT 0, replaced INTEGER NOT NULL DEFAULT 0,"
	" bad INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE lostdoc ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" number TEXT NOT NULL, issuer TEXT NOT NULL, kind TEXT NOT NULL, reported TEXT NOT NULL,"
	" source TEXT NOT NULL, imported_at TEXT NOT NULL,"
	" import_id INTEGER NOT NULL REFERENCES lostdoc_import(id),"
	" UNIQUE (number, issuer));"
	"ALTER TABLE person ADD COLUMN merged_into INTEGER REFERENCES person(id);"
	"ALTER TABLE person ADD COLUMN merged_at TEXT;"
	"CREATE INDEX person_merged ON person(merged_into) WHERE merged_into IS NOT NULL;",

	/* 6 -> 7: names in NFC (model/base/text.h), as every write now stores them.  A name
	 * typed decomposed (u + U+0308) got the Latin form of its bare letters (MULLER for
	 * Müller); where the kept Latin form is exactly that, it is derived again (MUELLER).
	 * Then both search indexes are rebuilt: the names changed, and so did the skeleton
	 * rules (SHTSCH, the German-English mix for Щ, is one sound class with SHCH now).
	 * cd_nfc() and cd_relatin() are C (schema_register_sql below). */
	"UPDATE person SET surname_latin = cd_relatin(surname, nationality, surname_latin),"
	" given_latin = cd_relatin(given, nationality, given_latin)"
	" WHERE surname IS NOT cd_nfc(surname) OR given IS NOT cd_nfc(given);"
	"UPDATE alias SET surname_latin = cd_relatin(surname, (SELECT nationality FROM person p"
	"  WHERE p.id = alias.person_id), surname_latin),"
	" given_latin = cd_relatin(given, (SELECT nationality FROM person p WHERE p.id = alias.person_id), given_latin)"
	" WHERE surname IS NOT cd_nfc(surname) OR given IS NOT cd_nfc(given);"
	"UPDATE person SET surname = cd_nfc(surname), given = cd_nfc(given), birth_place = cd_nfc(birth_place)"
	" WHERE surname IS NOT cd_nfc(surname) OR given IS NOT cd_nfc(given)"
	"  OR birth_place IS NOT cd_nfc(birth_place);"
	"UPDATE alias SET surname = cd_nfc(surname), given = cd_nfc(given)"
	" WHERE surname IS NOT cd_nfc(surname) OR given IS NOT cd_nfc(given);"
	"DELETE FROM person_fts; DELETE FROM person_key;"
	"INSERT INTO person_fts(rowid, names)"
	" SELECT p.id, p.surname || ' ' || p.given || ' ' || p.surname_latin || ' ' || p.given_latin"
	"  || coalesce((SELECT ' ' || group_concat(a.surname || ' ' || a.given || ' '"
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"
	"   FROM alias a WHERE a.person_id = p.id), '')"
	" FROM person p;"
	"INSERT INTO person_key(rowid, keys)"
	" SELECT p.id, cd_name_keys(p.nationality, p.dob, p.surname, p.given, p.surname_latin,"
	"  p.given_latin, (SELECT group_concat(a.surname || ' ' || a.given || ' '"
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"
	"   FROM alias a WHERE a.person_id = p.id))"
	" FROM person p;",
	/* 7 -> 8: an audit trail that proves itself (model/store/audit.c).  Audit rows refuse
	 * deletion as well as change; history events are chained (each hash covers the event
	 * before it; events of older stores keep a NULL hash and are reported as unchained);
	 * seals, each an HMAC under a key that moves forward, cover both chains' heads and
	 * can neither be changed nor removed. */
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
	"ALTER TABLE event ADD COLUMN hash TEXT;"
	"CREATE TABLE audit_seal ("
	" epoch INTEGER PRIMARY KEY, at TEXT NOT NULL,"
	" audit_id INTEGER NOT NULL, audit_hash TEXT NOT NULL,"
	" event_id INTEGER NOT NULL, event_hash TEXT NOT NULL,"
	" prev_mac TEXT NOT NULL, mac TEXT NOT NULL);"
	"CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_seal"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;"
	"CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;"
	"INSERT OR IGNORE INTO settings(key, value) VALUES ('audit_seal_rows', '256'), ('audit_seal_minutes', '10');",

	/* 8 -> 9: need-to-know (users.h).  Each user names the workflows whose cases they may
	 * read: '*' is all, which every user so far gets, so no office loses access on the
	 * upgrade (an admin narrows it with `casedesk user set NAME --workflows ...`).  A
	 * supervisor's read of a case outside them ("breaking the glass") is kept with its
	 * typed purpose until an admin has reviewed it. */
	"ALTER TABLE users ADD COLUMN workflows TEXT NOT NULL DEFAULT '*';"
	"CREATE TABLE break_glass ("
	" id INTEGER PRIMARY KEY, at TEXT NOT NULL, user_name TEXT NOT NULL,"
	" case_id INTEGER NOT NULL REFERENCES cases(id), purpose TEXT NOT NULL,"
	" reviewed_by TEXT, reviewed_at TEXT);"
	"CREATE INDEX break_glass_open ON break_glass(id) WHERE reviewed_at IS NULL;",

	/* 9 -> 10: retention (model/store/retention.c).  A person or case whose time is over is
	 * marked purged or anonymised; event rows stay (the trail is kept), but the one change
	 * the append-only trigger now lets through is erasing the personal text of a purged
	 * case's or person's event: the note, the old and new values and the event's text salt,
	 * all four set to NULL with every other column as it was.  The hash chain can allow
	 * that because, from this version on, an event's link covers its texts only through
	 * text_digest (a salted SHA-256 of them, see model/store/audit.c), which stays; only
	 * events that have one can be erased.  Anything else is refused as before, so history
	 * cannot be rewritten, only emptied of a purged person's words. */
	"ALTER TABLE person ADD COLUMN purged_at TEXT;"
	"ALTER TABLE person ADD COLUMN purge_action TEXT CHECK (purge_action IN ('purge','anonymise'));"
	"ALTER TABLE cases ADD COLUMN purged_at TEXT;"
	"ALTER TABLE cases ADD COLUMN purge_action TEXT CHECK (purge_action IN ('purge','anonymise'));"
	"ALTER TABLE event ADD COLUMN text_salt TEXT;"
	"ALTER TABLE event ADD COLUMN text_digest TEXT;"
	"DROP TRIGGER event_no_update;"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event WHEN NOT ("
	" new.id IS old.id AND new.uuid IS old.uuid AND new.at IS old.at AND new.user_name IS old.user_name"
	" AND new.case_id IS old.case_id AND new.person_id IS old.person_id AND new.kind IS old.kind"
	" AND new.transition IS old.transition AND new.from_state IS old.from_state"
	" AND new.to_state IS old.to_state AND new.field IS old.field AND new.row_version IS old.row_version"
	" AND new.hash IS old.hash AND old.text_digest IS NOT NULL AND new.text_digest IS old.text_digest"
	" AND new.note IS NULL AND new.old_value IS NULL AND new.new_value IS NULL AND new.text_salt IS NULL"
	" AND (EXISTS (SELECT 1 FROM cases c WHERE c.id = old.case_id AND c.purge_action = 'purge')"
	"  OR (old.case_id IS NULL AND EXISTS (SELECT 1 FROM person p WHERE p.id = old.person_id"
	"   AND p.purge_action = 'purge'))))"
	" BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END;",
	/* 10 -> 11: field kits (model/store/passphrase.c): a passphrase hash per user (scrypt, its
	 * parameters in the text), and failed passphrases counted per name typed - known user or
	 * not, so that the lock cannot tell who exists - with the lock's end in Unix seconds. */
	"ALTER TABLE users ADD COLUMN passphrase TEXT;"
	"CREATE TABLE login_lock ("
	" name TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0,"
	" locked_until INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO settings(key, value) VALUES ('kit', '0'), ('kit_lock_minutes', '15');",
	/* 11 -> 12: checks recorded by hand (model/store/checks.c): who answered, a note, and a
	 * supervisor's clearing of a hit with a reason.  A row is one answer; recording again
	 * adds a row (the newest per list counts), so a list's answers stay as they came, and
	 * a network check (source 'network') can be asked as 'pending' and answered later.
	 * The rules hold against any writer: a clearing is a supervisor's, of a hit, with a
	 * reason, once; an answer, once given, is not changed.  Rows from before (the demo's,
	 * list 'sis-lost-stolen', source 'demo') stay as disclosures; they answer no list a
	 * workflow names. */
	"ALTER TABLE checks ADD COLUMN recorded_by INTEGER REFERENCES users(id);"
	"ALTER TABLE checks ADD COLUMN note TEXT;"
	"ALTER TABLE checks ADD COLUMN cleared_by INTEGER REFERENCES users(id);"
	"ALTER TABLE checks ADD COLUMN cleared_at TEXT;"
	"ALTER TABLE checks ADD COLUMN clear_reason TEXT;"
	"CREATE INDEX checks_case_list ON checks(case_id, list, id);"
	"CREATE TRIGGER checks_insert BEFORE INSERT ON checks WHEN"
	" (new.source IN ('hand','demo') AND (new.recorded_by IS NULL OR new.result NOT IN ('clear','hit')))"
	" OR new.cleared_at IS NOT NULL OR new.cleared_by IS NOT NULL OR new.clear_reason IS NOT NULL"
	" BEGIN SELECT RAISE(ABORT, 'a check is recorded by a user with its answer, and cleared afterwards'); END;"
	"CREATE TRIGGER checks_answer_kept BEFORE UPDATE OF result, list, source, recorded_by, note, answered_at"
	" ON checks WHEN old.result IN ('clear','hit') AND (new.result IS NOT old.result OR new.list IS NOT old.list"
	"  OR new.source IS NOT old.source OR new.recorded_by IS NOT old.recorded_by OR new.note IS NOT old.note"
	"  OR new.answered_at IS NOT old.answered_at)"
	" BEGIN SELECT RAISE(ABORT, 'an answer once given is kept; record a new one'); END;"
	"CREATE TRIGGER checks_clearing BEFORE UPDATE OF cleared_by, cleared_at, clear_reason ON checks WHEN"
	" old.cleared_at IS NOT NULL OR new.result IS NOT 'hit' OR new.cleared_at IS NULL"
	" OR trim(coalesce(new.clear_reason, '')) = ''"
	" OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = new.cleared_by AND (u.roles & 4) != 0)"
	" BEGIN SELECT RAISE(ABORT, 'only a supervisor clears a hit, once, with a reason'); END;",

	/* 12 -> 13: an anonymised person's own history is emptied of their words as a purged
	 * one's is: corrections of bio-data (model/store/person_edit.c) keep the old and the
	 * new name in their event, which anonymisation must not leave behind.  The same one
	 * update as before (texts and salt to NULL, digest and links kept). */
	"DROP TRIGGER event_no_update;"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event WHEN NOT ("
	" new.id IS old.id AND new.uuid IS old.uuid AND new.at IS old.at AND new.user_name IS old.user_name"
	" AND new.case_id IS old.case_id AND new.person_id IS old.person_id AND new.kind IS old.kind"
	" AND new.transition IS old.transition AND new.from_state IS old.from_state"
	" AND new.to_state IS old.to_state AND new.field IS old.field AND new.row_version IS old.row_version"
	" AND new.hash IS old.hash AND old.text_digest IS NOT NULL AND new.text_digest IS old.text_digest"
	" AND new.note IS NULL AND new.old_value IS NULL AND new.new_value IS NULL AND new.text_salt IS NULL"
	" AND (EXISTS (SELECT 1 FROM cases c WHERE c.id = old.case_id AND c.purge_action = 'purge')"
	"  OR (old.case_id IS NULL AND EXISTS (SELECT 1 FROM person p WHERE p.id = old.person_id"
	"   AND p.purge_action IN ('purge', 'anonymise')))))"
	" BEGIN SELECT RAISE(ABORT, 'event rows are append-only'); END;",

	/* 13 -> 14: the checks' rules hold against sqlite3 on the file, too (review of issue 13).
	 * A check row goes only with its purged case (retention.c); what it is about (id, uuid,
	 * case, list, source, when asked) never changes, and its person only between a record
	 * and the record it is merged into (merge.c marks the duplicate before moving rows).
	 * A hand (or demo) answer is recorded by a caseworker or supervisor (roles bits 2|4,
	 * model/store/roles.h) and never changes; a network check is asked 'pending' and
	 * answered once (clear, hit or error) - issue 16 asks them.  A hit is cleared by a
	 * supervisor who is not the one who recorded it (four-eyes).  The search index is
	 * rebuilt to hold no merged or anonymised record (store_internal.h, SEARCH_INDEXED_SQL). */
	"CREATE TRIGGER checks_no_delete BEFORE DELETE ON checks WHEN NOT EXISTS"
	" (SELECT 1 FROM cases c WHERE c.id = old.case_id AND c.purge_action = 'purge')"
	" BEGIN SELECT RAISE(ABORT, 'checks are kept; they go only with their purged case'); END;"
	"DROP TRIGGER checks_insert;"
	"CREATE TRIGGER checks_insert BEFORE INSERT ON checks WHEN"
	" new.source NOT IN ('hand','demo','network')"
	" OR (new.source IN ('hand','demo') AND (new.result NOT IN ('clear','hit')"
	"  OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = new.recorded_by AND (u.roles & 6) != 0)))"
	" OR (new.source = 'network' AND (new.result IS NOT 'pending' OR new.answered_at IS NOT NULL))"
	" OR new.cleared_at IS NOT NULL OR new.cleared_by IS NOT NULL OR new.clear_reason IS NOT NULL"
	" BEGIN SELECT RAISE(ABORT, 'a check is recorded by a caseworker or supervisor with its answer, or asked"
	" of the network as pending; it is cleared afterwards'); END;"
	"CREATE TRIGGER checks_fixed BEFORE UPDATE ON checks WHEN"
	" new.id IS NOT old.id OR new.uuid IS NOT old.uuid OR new.case_id IS NOT old.case_id"
	" OR new.list IS NOT old.list OR new.source IS NOT old.source OR new.asked_at IS NOT old.asked_at"
	" OR (new.person_id IS NOT old.person_id AND NOT EXISTS (SELECT 1 FROM person p"
	"  WHERE (p.id = old.person_id AND p.merged_into = new.person_id)"
	"   OR (p.id = new.person_id AND p.merged_into = old.person_id)))"
	" BEGIN SELECT RAISE(ABORT, 'what a check is about does not change'); END;"
	"DROP TRIGGER checks_answer_kept;"
	"CREATE TRIGGER checks_answer_kept BEFORE UPDATE ON checks WHEN"
	" (new.result IS NOT old.result OR new.answered_at IS NOT old.answered_at"
	"  OR new.recorded_by IS NOT old.recorded_by OR new.note IS NOT old.note)"
	" AND NOT (old.source = 'network' AND old.result = 'pending' AND new.result IN ('clear','hit','error')"
	"  AND new.answered_at IS NOT NULL)"
	" BEGIN SELECT RAISE(ABORT, 'an answer once given is kept; record a new one'); END;"
	"DROP TRIGGER checks_clearing;"
	"CREATE TRIGGER checks_clearing BEFORE UPDATE OF cleared_by, cleared_at, clear_reason ON checks WHEN"
	" old.cleared_at IS NOT NULL OR new.result IS NOT 'hit' OR new.cleared_at IS NULL"
	" OR trim(coalesce(new.clear_reason, '')) = '' OR new.cleared_by IS old.recorded_by"
	" OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = new.cleared_by AND (u.roles & 4) != 0)"
	" BEGIN SELECT RAISE(ABORT, 'only a supervisor clears a hit, once, with a reason, and not one they recorded');"
	" END;"
	SEARCH_INDEX_CLEAR_SQL SEARCH_INDEX_FILL_SQL,

	/* 14 -> 15: decision letters printed (model/store/prints.c, issue 14): a reprint says
	 * "copy".  One row a print written out, kept as written: no update, no delete, from
	 * any writer.  No personal data: the case, the form, when and by whom. */
	"CREATE TABLE print_record ("
	" id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),"
	" form TEXT NOT NULL, at TEXT NOT NULL, user_name TEXT NOT NULL);"
	"CREATE INDEX print_record_case ON print_record(case_id, form);"
	"CREATE TRIGGER print_record_no_update BEFORE UPDATE ON print_record"
	" BEGIN SELECT RAISE(ABORT, 'print records are append-only'); END;"
	"CREATE TRIGGER print_record_no_delete BEFORE DELETE ON print_record"
	" BEGIN SELECT RAISE(ABORT, 'print records are append-only'); END;",

	/* 15 -> 16: the op log (model/store/oplog.h).  Every store gets its own uuid (the
	 * origin of its ops; stores made before store_uuid was kept get one now).  The outbox
	 * is rebuilt with the op's origin and its per-origin number, 1, 2, 3 ... in the order
	 * the rows were written; ops from before keep their payload as it was (no "fields").
	 * Ops are append-only: never deleted, never changed but for sent_at and acked_at, each
	 * set once, and the erasure of a purged or anonymised person's or case's values
	 * (retention.c), to {"purged":true}, the row and its number kept.  Every row sync
	 * merges has a row version, raised by the store itself on any update that does not
	 * raise it, and never lowered: base versions in ops mean the same to every writer. */
	"INSERT OR IGNORE INTO settings(key, value) SELECT 'store_uuid',"
	" lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'"
	"  || substr('89ab', 1 + abs(random() % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12))"
	" FROM (SELECT hex(randomblob(16)) AS h);"
	"CREATE TABLE outbox_16 ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" origin TEXT NOT NULL, origin_seq INTEGER NOT NULL CHECK (origin_seq > 0),"
	" at TEXT NOT NULL, entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, op TEXT NOT NULL,"
	" payload TEXT NOT NULL, sent_at TEXT, acked_at TEXT,"
	" UNIQUE (origin, origin_seq));"
	"INSERT INTO outbox_16(id, uuid, origin, origin_seq, at, entity, entity_uuid, op, payload, sent_at)"
	" SELECT id, uuid, (SELECT value FROM settings WHERE key = 'store_uuid'), row_number() OVER (ORDER BY id),"
	"  at, entity, entity_uuid, op, payload, sent_at FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_16 RENAME TO outbox;"
	"CREATE INDEX outbox_unsent ON outbox(origin, origin_seq) WHERE sent_at IS NULL;"
	"CREATE INDEX outbox_entity ON outbox(entity_uuid);"
	"CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox"
	" BEGIN SELECT RAISE(ABORT, 'ops are append-only: an op is never deleted'); END;"
	"CREATE TRIGGER outbox_no_update BEFORE UPDATE ON outbox WHEN NOT ("
	" new.id IS old.id AND new.uuid IS old.uuid AND new.origin IS old.origin"
	" AND new.origin_seq IS old.origin_seq AND new.at IS old.at AND new.entity IS old.entity"
	" AND new.entity_uuid IS old.entity_uuid AND new.op IS old.op"
	" AND (new.sent_at IS old.sent_at OR (old.sent_at IS NULL AND new.sent_at IS NOT NULL))"
	" AND (new.acked_at IS old.acked_at OR (old.acked_at IS NULL AND new.acked_at IS NOT NULL))"
	" AND (new.payload IS old.payload OR (new.payload = '{\"purged\":true}' AND old.op NOT IN ('purge', 'anonymise')"
	"  AND (EXISTS (SELECT 1 FROM person p WHERE p.purge_action IS NOT NULL AND p.uuid IN (old.entity_uuid,"
	"    CASE WHEN json_valid(old.payload) THEN json_extract(old.payload, '$.fields.person.new') END,"
	"    CASE WHEN json_valid(old.payload) THEN json_extract(old.payload, '$.person') END))"
	"   OR EXISTS (SELECT 1 FROM cases c WHERE c.purge_action IS NOT NULL AND c.uuid IN (old.entity_uuid,"
	"    CASE WHEN json_valid(old.payload) THEN json_extract(old.payload, '$.fields.case.new') END,"
	"    CASE WHEN json_valid(old.payload) THEN json_extract(old.payload, '$.case') END))))))"
	" BEGIN SELECT RAISE(ABORT, 'ops are append-only: only sent_at and acked_at are set, once each, and a"
	" purged record''s values erased'); END;"
	"ALTER TABLE document ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE alias ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE address ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE family ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE checks ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE users ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;"
	"CREATE TRIGGER person_row_version AFTER UPDATE ON person WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE person SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER person_row_version_rises BEFORE UPDATE OF row_version ON person"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER cases_row_version AFTER UPDATE ON cases WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE cases SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER cases_row_version_rises BEFORE UPDATE OF row_version ON cases"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER document_row_version AFTER UPDATE ON document WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE document SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER document_row_version_rises BEFORE UPDATE OF row_version ON document"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER alias_row_version AFTER UPDATE ON alias WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE alias SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER alias_row_version_rises BEFORE UPDATE OF row_version ON alias"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER address_row_version AFTER UPDATE ON address WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE address SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER address_row_version_rises BEFORE UPDATE OF row_version ON address"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER family_row_version AFTER UPDATE ON family WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE family SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER family_row_version_rises BEFORE UPDATE OF row_version ON family"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER checks_row_version AFTER UPDATE ON checks WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE checks SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER checks_row_version_rises BEFORE UPDATE OF row_version ON checks"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;"
	"CREATE TRIGGER users_row_version AFTER UPDATE ON users WHEN new.row_version IS old.row_version"
	" BEGIN UPDATE users SET row_version = old.row_version + 1 WHERE id = old.id; END;"
	"CREATE TRIGGER users_row_version_rises BEFORE UPDATE OF row_version ON users"
	" WHEN new.row_version < old.row_version"
	" BEGIN SELECT RAISE(ABORT, 'a row version never goes down'); END;",

	/* 16 -> 17: field kits lease blocks of numbers (model/store/kit.c).  A row is one block of
	 * one series ('person', or 'case:RP' per year; year 0 for a series not counted per year):
	 * on an office store a block it leased to a kit, which its own counter skips; on a kit
	 * store a block it was leased, the only numbers it may issue.  `returned` is the first
	 * number given back unused (the rest of the block up to `last`), NULL while in use: it is
	 * the only thing that changes, once.  Blocks never overlap and are never deleted - a
	 * number once leased may have been written on paper, so it is never issued again.
	 * In a kit store a person's or a case's number must fall in a block in use (the insert
	 * triggers; on an office store they cost one settings lookup). */
	"CREATE TABLE number_blocks ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" series TEXT NOT NULL, year INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,"
	" kit_name TEXT NOT NULL, kit_uuid TEXT NOT NULL, leased_at TEXT NOT NULL, leased_by TEXT NOT NULL,"
	" returned INTEGER, returned_at TEXT,"
	" CHECK (first >= 1 AND last >= first AND year >= 0),"
	" CHECK (returned IS NULL OR (returned >= first AND returned <= last)));"
	"CREATE INDEX number_blocks_series ON number_blocks(series, year, first);"
	"CREATE TRIGGER number_blocks_insert BEFORE INSERT ON number_blocks WHEN"
	" new.returned IS NOT NULL OR new.returned_at IS NOT NULL OR EXISTS (SELECT 1 FROM number_blocks b"
	"  WHERE b.series = new.series AND b.year = new.year AND b.first <= new.last AND new.first <= b.last)"
	" BEGIN SELECT RAISE(ABORT, 'a block of numbers overlaps one already leased, or is leased returned'); END;"
	"CREATE TRIGGER number_blocks_update BEFORE UPDATE ON number_blocks WHEN"
	" new.id IS NOT old.id OR new.uuid IS NOT old.uuid OR new.series IS NOT old.series"
	" OR new.year IS NOT old.year OR new.first IS NOT old.first OR new.last IS NOT old.last"
	" OR new.kit_name IS NOT old.kit_name OR new.kit_uuid IS NOT old.kit_uuid"
	" OR new.leased_at IS NOT old.leased_at OR new.leased_by IS NOT old.leased_by"
	" OR old.returned IS NOT NULL OR new.returned IS NULL OR new.returned_at IS NULL"
	" BEGIN SELECT RAISE(ABORT, 'a leased block changes only when its unused numbers are returned, once'); END;"
	"CREATE TRIGGER number_blocks_no_delete BEFORE DELETE ON number_blocks"
	" BEGIN SELECT RAISE(ABORT, 'leased blocks of numbers are kept'); END;"
	"CREATE TRIGGER kit_case_number BEFORE INSERT ON cases WHEN"
	" EXISTS (SELECT 1 FROM settings WHERE key = 'kit_name') AND NOT EXISTS (SELECT 1 FROM number_blocks b"
	"  WHERE b.series = 'case:' || substr(new.number, 1, instr(new.number, '-') - 1)"
	"  AND b.year = CAST(substr(new.number, instr(new.number, '-') + length(new.office) + 2, 4) AS INTEGER)"
	"  AND CAST(substr(new.number, instr(new.number, '-') + length(new.office) + 7) AS INTEGER)"
	"   BETWEEN b.first AND coalesce(b.returned - 1, b.last))"
	" BEGIN SELECT RAISE(ABORT, 'a field kit numbers a case only from a block it was leased'); END;"
	"CREATE TRIGGER kit_person_number BEFORE INSERT ON person WHEN"
	" EXISTS (SELECT 1 FROM settings WHERE key = 'kit_name') AND NOT EXISTS (SELECT 1 FROM number_blocks b"
	"  WHERE b.series = 'person' AND b.year = 0"
	"  AND CAST(substr(new.number, length((SELECT value FROM settings WHERE key = 'office')) + 4) AS INTEGER)"
	"   BETWEEN b.first AND coalesce(b.returned - 1, b.last))"
	" BEGIN SELECT RAISE(ABORT, 'a field kit numbers a person only from a block it was leased'); END;",

	/* 17 -> 18: ops of other stores applied here (model/store/apply.h) and the conflicts
	 * they left (model/store/conflicts.h).  applied_ops: one row an op applied (or skipped,
	 * with why), its uuid the idempotency key; origins: per origin the highest seq applied
	 * without a gap.  A conflict keeps base, theirs and ours as JSON text; it is resolved
	 * once (who, when, how, the value, the resolving op) and otherwise never changes or goes,
	 * whoever writes the file.  Applied ops are kept, too: they are the proof of what came. */
	"CREATE TABLE applied_ops ("
	" uuid TEXT PRIMARY KEY, origin TEXT NOT NULL, origin_seq INTEGER NOT NULL CHECK (origin_seq > 0),"
	" applied_at TEXT NOT NULL,"
	" outcome TEXT NOT NULL CHECK (outcome IN ('applied','conflicted','skipped')), note TEXT,"
	" UNIQUE (origin, origin_seq)) WITHOUT ROWID;"
	"CREATE TRIGGER applied_ops_no_update BEFORE UPDATE ON applied_ops"
	" BEGIN SELECT RAISE(ABORT, 'applied ops are append-only'); END;"
	"CREATE TRIGGER applied_ops_no_delete BEFORE DELETE ON applied_ops"
	" BEGIN SELECT RAISE(ABORT, 'applied ops are append-only'); END;"
	"CREATE TABLE origins ("
	" origin TEXT PRIMARY KEY, office TEXT, high_water INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TRIGGER origins_rise BEFORE UPDATE ON origins WHEN new.high_water < old.high_water"
	" OR new.origin IS NOT old.origin"
	" BEGIN SELECT RAISE(ABORT, 'an origin''s high-water mark never goes down'); END;"
	"CREATE TRIGGER origins_no_delete BEFORE DELETE ON origins"
	" BEGIN SELECT RAISE(ABORT, 'origins are kept'); END;"
	"CREATE TABLE conflicts ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, field TEXT NOT NULL,"
	" base TEXT, theirs TEXT, ours TEXT,"
	" op_uuid TEXT NOT NULL, origin TEXT NOT NULL, origin_office TEXT, at TEXT NOT NULL,"
	" resolved_by TEXT, resolved_at TEXT,"
	" resolution TEXT CHECK (resolution IN ('ours','theirs','typed')), resolved_value TEXT,"
	" reason TEXT, resolution_op TEXT);"
	"CREATE INDEX conflicts_open ON conflicts(resolved_at, id);"
	"CREATE INDEX conflicts_entity ON conflicts(entity_uuid);"
	"CREATE TRIGGER conflicts_insert BEFORE INSERT ON conflicts WHEN new.resolved_at IS NOT NULL"
	" OR new.resolved_by IS NOT NULL OR new.resolution IS NOT NULL OR new.resolved_value IS NOT NULL"
	" OR new.reason IS NOT NULL OR new.resolution_op IS NOT NULL"
	" BEGIN SELECT RAISE(ABORT, 'a conflict is queued open; it is resolved afterwards'); END;"
	"CREATE TRIGGER conflicts_no_delete BEFORE DELETE ON conflicts"
	" BEGIN SELECT RAISE(ABORT, 'conflicts are kept, resolved or not'); END;"
	"CREATE TRIGGER conflicts_fixed BEFORE UPDATE ON conflicts WHEN"
	" new.id IS NOT old.id OR new.uuid IS NOT old.uuid OR new.entity IS NOT old.entity"
	" OR new.entity_uuid IS NOT old.entity_uuid OR new.field IS NOT old.field OR new.base IS NOT old.base"
	" OR new.theirs IS NOT old.theirs OR new.ours IS NOT old.ours OR new.op_uuid IS NOT old.op_uuid"
	" OR new.origin IS NOT old.origin OR new.origin_office IS NOT old.origin_office OR new.at IS NOT old.at"
	" BEGIN SELECT RAISE(ABORT, 'what a conflict is about does not change'); END;"
	"CREATE TRIGGER conflicts_resolve_once BEFORE UPDATE ON conflicts WHEN"
	" old.resolved_at IS NOT NULL OR new.resolved_at IS NULL OR new.resolved_by IS NULL"
	" OR new.resolution IS NULL OR trim(coalesce(new.reason, '')) = ''"
	" OR NOT EXISTS (SELECT 1 FROM users u WHERE u.name = new.resolved_by AND (u.roles & 4) != 0)"
	" BEGIN SELECT RAISE(ABORT, 'a conflict is resolved once, by a supervisor, with a reason'); END;",

	/* 18 -> 19: bundles (model/store/bundle.h).  This store's Ed25519 key pair, made on first
	 * need and never changed (the private half never leaves the store; a real store is a
	 * group-protected file), and the other stores whose bundles and acknowledgements this
	 * store accepts: each origin with the office it is and the public key an admin trusted. */
	"CREATE TABLE bundle_key ("
	" id INTEGER PRIMARY KEY CHECK (id = 1), private_key TEXT NOT NULL, public_key TEXT NOT NULL,"
	" created_at TEXT NOT NULL);"
	"CREATE TRIGGER bundle_key_no_update BEFORE UPDATE ON bundle_key"
	" BEGIN SELECT RAISE(ABORT, 'a store''s bundle key is never changed'); END;"
	"CREATE TRIGGER bundle_key_no_delete BEFORE DELETE ON bundle_key"
	" BEGIN SELECT RAISE(ABORT, 'a store''s bundle key is never deleted'); END;"
	"CREATE TABLE trusted_origins ("
	" origin TEXT PRIMARY KEY, office TEXT NOT NULL, public_key TEXT NOT NULL,"
	" added_at TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER trusted_origins_no_update BEFORE UPDATE ON trusted_origins"
	" BEGIN SELECT RAISE(ABORT, 'a trusted key is never replaced'); END;",

	/* 19 -> 20: a kit's number rules are for the numbers it issues, not for the persons and
	 * cases it is sent (a pull, a bundle): op_apply marks its inserts with a row in
	 * `applying`, written and deleted inside the op's own transaction, never committed. */
	"CREATE TABLE applying (op TEXT NOT NULL);"
	"DROP TRIGGER kit_case_number;"
	"DROP TRIGGER kit_person_number;"
	"CREATE TRIGGER kit_case_number BEFORE INSERT ON cases WHEN"
	" EXISTS (SELECT 1 FROM settings WHERE key = 'kit_name') AND NOT EXISTS (SELECT 1 FROM applying)"
	" AND NOT EXISTS (SELECT 1 FROM number_blocks b"
	"  WHERE b.series = 'case:' || substr(new.number, 1, instr(new.number, '-') - 1)"
	"  AND b.year = CAST(substr(new.number, instr(new.number, '-') + length(new.office) + 2, 4) AS INTEGER)"
	"  AND CAST(substr(new.number, instr(new.number, '-') + length(new.office) + 7) AS INTEGER)"
	"   BETWEEN b.first AND coalesce(b.returned - 1, b.last))"
	" BEGIN SELECT RAISE(ABORT, 'a field kit numbers a case only from a block it was leased'); END;"
	"CREATE TRIGGER kit_person_number BEFORE INSERT ON person WHEN"
	" EXISTS (SELECT 1 FROM settings WHERE key = 'kit_name') AND NOT EXISTS (SELECT 1 FROM applying)"
	" AND NOT EXISTS (SELECT 1 FROM number_blocks b"
	"  WHERE b.series = 'person' AND b.year = 0"
	"  AND CAST(substr(new.number, length((SELECT value FROM settings WHERE key = 'office')) + 4) AS INTEGER)"
	"   BETWEEN b.first AND coalesce(b.returned - 1, b.last))"
	" BEGIN SELECT RAISE(ABORT, 'a field kit numbers a person only from a block it was leased'); END;",

	/* 20 -> 21: persons arriving from other origins that look like one of this store's
	 * (model/store/review.h).  A row names the pair by uuid, the score and dupes' reasons
	 * (levels, never a name), and the office it came from; it is queued undecided, its
	 * score may only rise while undecided (the person's document arrives after it), and it
	 * is decided once - dismissed or merged - by a supervisor, with a reason; it never goes. */
	"CREATE TABLE dupe_review ("
	" id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" person_uuid TEXT NOT NULL, candidate_uuid TEXT NOT NULL,"
	" score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100), reasons TEXT NOT NULL,"
	" origin_office TEXT, queued_at TEXT NOT NULL,"
	" decided_by TEXT, decided_at TEXT,"
	" decision TEXT CHECK (decision IN ('dismissed','merged')), reason TEXT,"
	" CHECK (person_uuid != candidate_uuid), UNIQUE (person_uuid, candidate_uuid));"
	"CREATE INDEX dupe_review_open ON dupe_review(decided_at, id);"
	"CREATE INDEX dupe_review_candidate ON dupe_review(candidate_uuid);"
	"CREATE TRIGGER dupe_review_insert BEFORE INSERT ON dupe_review WHEN new.decision IS NOT NULL"
	" OR new.decided_by IS NOT NULL OR new.decided_at IS NOT NULL OR new.reason IS NOT NULL"
	" BEGIN SELECT RAISE(ABORT, 'a possible duplicate is queued undecided; it is decided afterwards'); END;"
	"CREATE TRIGGER dupe_review_no_delete BEFORE DELETE ON dupe_review"
	" BEGIN SELECT RAISE(ABORT, 'duplicate reviews are kept, decided or not'); END;"
	"CREATE TRIGGER dupe_review_fixed BEFORE UPDATE ON dupe_review WHEN"
	" new.id IS NOT old.id OR new.uuid IS NOT old.uuid OR new.person_uuid IS NOT old.person_uuid"
	" OR new.candidate_uuid IS NOT old.candidate_uuid OR new.origin_office IS NOT old.origin_office"
	" OR new.queued_at IS NOT old.queued_at"
	" BEGIN SELECT RAISE(ABORT, 'which pair a duplicate review is about does not change'); END;"
	"CREATE TRIGGER dupe_review_decide_once BEFORE UPDATE ON dupe_review WHEN"
	" old.decision IS NOT NULL"
	" OR (new.decision IS NULL AND (new.score < old.score OR new.decided_by IS NOT NULL"
	"  OR new.decided_at IS NOT NULL OR new.reason IS NOT NULL))"
	" OR (new.decision IS NOT NULL AND (new.score IS NOT old.score OR new.reasons IS NOT old.reasons"
	"  OR new.decided_at IS NULL OR trim(coalesce(new.reason, '')) = ''"
	"  OR NOT EXISTS (SELECT 1 FROM users u WHERE u.name = new.decided_by AND (u.roles & 4) != 0)))"
	" BEGIN SELECT RAISE(ABORT, 'a duplicate review is decided once, by a supervisor, with a reason'); END;",

	/* 21 -> 22: nothing (a number given to a branch that needed no store migration; kept
	 * so that stores already at 23 or 24 keep their numbers). */
	"SELECT 1;",

	/* 22 -> 23: relay (model/store/oplog.h, app/sync_relay.c).  relay_ops: an op of another
	 * store that came here by hand (a bundle) and not from the national tier, kept with its
	 * payload and its origin's office, name and kind until this store's sync has handed it
	 * to the tier under that origin (relayed_at); then its values are dropped (payload NULL),
	 * the row kept as the proof of what was passed on.  Ops pulled from the tier never come
	 * here: nothing goes back where it came from.  A row changes only by its relay, once,
	 * or by the erasure of a purged record's values, like the outbox's.
	 * Resolutions travel: a conflict (or a duplicate review) closed here by an op of another
	 * store names that store's supervisor, who need not be a user here; the op must be one
	 * this store has applied (applied_ops, written before the close). */
	"CREATE TABLE relay_ops ("
	" uuid TEXT PRIMARY KEY, origin TEXT NOT NULL, origin_seq INTEGER NOT NULL CHECK (origin_seq > 0),"
	" origin_office TEXT NOT NULL, origin_name TEXT NOT NULL,"
	" origin_kind TEXT NOT NULL CHECK (origin_kind IN ('office', 'kit')),"
	" at TEXT NOT NULL, entity TEXT NOT NULL, entity_uuid TEXT NOT NULL, op TEXT NOT NULL,"
	" payload TEXT, received_at TEXT NOT NULL, relayed_at TEXT,"
	" CHECK ((relayed_at IS NULL) = (payload IS NOT NULL)),"
	" UNIQUE (origin, origin_seq));"
	"CREATE INDEX relay_ops_waiting ON relay_ops(origin, origin_seq) WHERE relayed_at IS NULL;"
	"CREATE TRIGGER relay_ops_no_delete BEFORE DELETE ON relay_ops"
	" BEGIN SELECT RAISE(ABORT, 'relayed ops are kept'); END;"
	"CREATE TRIGGER relay_ops_update BEFORE UPDATE ON relay_ops WHEN NOT ("
	" new.uuid IS old.uuid AND new.origin IS old.origin AND new.origin_seq IS old.origin_seq"
	" AND new.origin_office IS old.origin_office AND new.origin_name IS old.origin_name"
	" AND new.origin_kind IS old.origin_kind AND new.at IS old.at AND new.entity IS old.entity"
	" AND new.entity_uuid IS old.entity_uuid AND new.op IS old.op AND new.received_at IS old.received_at"
	" AND ((old.relayed_at IS NULL AND new.relayed_at IS NOT NULL AND new.payload IS NULL)"
	"  OR (new.relayed_at IS old.relayed_at AND (new.payload IS old.payload"
	"   OR (old.payload IS NOT NULL AND new.payload = '{\"purged\":true}')))))"
	" BEGIN SELECT RAISE(ABORT, 'an op waiting for relay changes only when relayed, once'); END;"
	"DROP TRIGGER conflicts_resolve_once;"
	"CREATE TRIGGER conflicts_resolve_once BEFORE UPDATE ON conflicts WHEN"
	" old.resolved_at IS NOT NULL OR new.resolved_at IS NULL OR new.resolved_by IS NULL"
	" OR new.resolution IS NULL OR trim(coalesce(new.reason, '')) = ''"
	" OR (NOT EXISTS (SELECT 1 FROM users u WHERE u.name = new.resolved_by AND (u.roles & 4) != 0)"
	"  AND NOT EXISTS (SELECT 1 FROM applied_ops a WHERE a.uuid = new.resolution_op))"
	" BEGIN SELECT RAISE(ABORT, 'a conflict is resolved once, by a supervisor, with a reason'); END;"
	"DROP TRIGGER dupe_review_decide_once;"
	"CREATE TRIGGER dupe_review_decide_once BEFORE UPDATE ON dupe_review WHEN"
	" old.decision IS NOT NULL"
	" OR (new.decision IS NULL AND (new.score < old.score OR new.decided_by IS NOT NULL"
	"  OR new.decided_at IS NOT NULL OR new.reason IS NOT NULL))"
	" OR (new.decision IS NOT NULL AND (new.score IS NOT old.score OR new.reasons IS NOT old.reasons"
	"  OR new.decided_at IS NULL OR trim(coalesce(new.reason, '')) = ''"
	"  OR (NOT EXISTS (SELECT 1 FROM users u WHERE u.name = new.decided_by AND (u.roles & 4) != 0)"
	"   AND NOT EXISTS (SELECT 1 FROM applying WHERE op = 'review'))))"
	" BEGIN SELECT RAISE(ABORT, 'a duplicate review is decided once, by a supervisor, with a reason'); END;",

	/* 23 -> 24: network checks queued in the same `checks` table as hand-recorded ones
	 * (model/store/checkqueue.h, issue 16).  A queued check is a row with source 'network'
	 * and result 'pending' (its uuid is the Idempotency-Key of every try): what it asks
	 * about (kind, the document when a document is asked), why (purpose, X-Purpose), how
	 * often it was tried, when next (Unix seconds; NULL: not asked again - answered,
	 * failed, or waiting for a document) and why the last try did not answer.  The
	 * gateway's answer is written once (schema 14's triggers); what it is about never
	 * changes, and its tries only count up. */
	"ALTER TABLE checks ADD COLUMN kind TEXT CHECK (kind IN ('document','person'));"
	"ALTER TABLE checks ADD COLUMN document_id INTEGER;"
	"ALTER TABLE checks ADD COLUMN purpose TEXT;"
	"ALTER TABLE checks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE checks ADD COLUMN next_try INTEGER;"
	"ALTER TABLE checks ADD COLUMN reason TEXT;"
	"CREATE INDEX checks_due ON checks(next_try, id) WHERE result = 'pending' AND source = 'network';"
	"CREATE INDEX checks_pending ON checks(case_id) WHERE result IN ('pending','error') OR"
	" (result = 'hit' AND cleared_at IS NULL);"
	"CREATE TRIGGER checks_queue_fixed BEFORE UPDATE ON checks WHEN"
	" new.kind IS NOT old.kind OR new.purpose IS NOT old.purpose OR new.attempts < old.attempts"
	" OR (new.document_id IS NOT old.document_id AND old.document_id IS NOT NULL)"
	" OR (old.result IS NOT 'pending' AND (new.next_try IS NOT NULL OR new.attempts IS NOT old.attempts))"
	" BEGIN SELECT RAISE(ABORT, 'what a queued check asks does not change, and its tries only count up'); END;"
	"CREATE TRIGGER checks_queue_insert BEFORE INSERT ON checks WHEN"
	" (new.source = 'network' AND (new.kind IS NULL OR new.purpose IS NULL OR new.attempts != 0))"
	" OR (new.source != 'network' AND (new.kind IS NOT NULL OR new.next_try IS NOT NULL))"
	" BEGIN SELECT RAISE(ABORT, 'a network check is queued with what it asks and why, untried'); END;",

	/* 24 -> 25: carrying on by hand what came from elsewhere (model/store/bundle.h, format 2).
	 * held_ops: every op of another store applied here (from a pull or a bundle), whole,
	 * in the order it arrived (pos), so that a bundle can carry it on to a store with no
	 * link under its own origin and seq, as the network's pull would; via: the store whose
	 * bundle brought it (NULL: a pull), never carried back there; after_seq: this store's own
	 * last op when it came, so that a bundle keeps the order things happened here (an own op
	 * on a person another store made goes after that person's insert).  carry_acks: per receiving
	 * store, the highest pos its acknowledgement says it has, so that a bundle does not grow
	 * without bound.  A held op changes only by learning its via once or the erasure of a
	 * purged record's values; ops and cursors are never deleted, cursors only rise. */
	"CREATE TABLE held_ops ("
	" pos INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,"
	" origin_seq INTEGER NOT NULL CHECK (origin_seq > 0), origin_office TEXT, at TEXT, entity TEXT NOT NULL,"
	" entity_uuid TEXT NOT NULL, op TEXT NOT NULL, payload TEXT NOT NULL, via TEXT,"
	" after_seq INTEGER NOT NULL DEFAULT 0, UNIQUE (origin, origin_seq));"
	"CREATE TRIGGER held_ops_no_delete BEFORE DELETE ON held_ops"
	" BEGIN SELECT RAISE(ABORT, 'held ops are kept'); END;"
	"CREATE TRIGGER held_ops_update BEFORE UPDATE ON held_ops WHEN NOT ("
	" new.pos IS old.pos AND new.uuid IS old.uuid AND new.origin IS old.origin"
	" AND new.origin_seq IS old.origin_seq AND new.origin_office IS old.origin_office AND new.at IS old.at"
	" AND new.entity IS old.entity AND new.entity_uuid IS old.entity_uuid AND new.op IS old.op"
	" AND new.after_seq IS old.after_seq"
	" AND (new.via IS old.via OR old.via IS NULL)"
	" AND (new.payload IS old.payload OR new.payload = '{\"purged\":true}'))"
	" BEGIN SELECT RAISE(ABORT, 'a held op changes only by its via, once, or its erasure'); END;"
	"CREATE TABLE carry_acks ("
	" receiver TEXT PRIMARY KEY, held INTEGER NOT NULL CHECK (held >= 0), acked_at TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER carry_acks_rise BEFORE UPDATE ON carry_acks WHEN new.held < old.held"
	" OR new.receiver IS NOT old.receiver"
	" BEGIN SELECT RAISE(ABORT, 'what a receiver acknowledged never goes down'); END;"
	"CREATE TRIGGER carry_acks_no_delete BEFORE DELETE ON carry_acks"
	" BEGIN SELECT RAISE(ABORT, 'acknowledgements are kept'); END;",

	/* 25 -> 26: this store's own ops acknowledged per receiver (model/store/bundle.h).
	 * outbox.acked_at says only that some store acknowledged an op; a bundle for kit B must
	 * still carry what kit A alone acknowledged.  own_acks: per receiving store, the highest
	 * own seq its acknowledgement says it has; it only rises and is never deleted.  A store
	 * that trusts one store only knew whose acknowledgements those were: they are that
	 * store's.  With several trusted, nobody knows whose: each gets the own ops again from
	 * the first, once, and takes those it has as already there. */
	"CREATE TABLE own_acks ("
	" receiver TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL CHECK (acked_seq >= 0), acked_at TEXT NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE TRIGGER own_acks_rise BEFORE UPDATE ON own_acks WHEN new.acked_seq < old.acked_seq"
	" OR new.receiver IS NOT old.receiver"
	" BEGIN SELECT RAISE(ABORT, 'what a receiver acknowledged never goes down'); END;"
	"CREATE TRIGGER own_acks_no_delete BEFORE DELETE ON own_acks"
	" BEGIN SELECT RAISE(ABORT, 'acknowledgements are kept'); END;"
	"INSERT INTO own_acks(receiver, acked_seq, acked_at)"
	" SELECT t.origin, o.seq, o.at FROM trusted_origins t,"
	"  (SELECT max(origin_seq) AS seq, max(acked_at) AS at FROM outbox WHERE acked_at IS NOT NULL"
	"   AND origin = (SELECT value FROM settings WHERE key = 'store_uuid')) o"
	" WHERE o.seq IS NOT NULL AND (SELECT count(*) FROM trusted_origins) = 1;",

	/* 26 -> 27: every op signed by the store that made it (model/store/opsig.h).  sig: the
	 * Ed25519 signature of the op by its origin's key (base64); sig_commit: the salt and the
	 * SHA-256 digest of its payload that the signature covers (96 hex digits; 64, the digest
	 * alone, once the payload is erased or relayed: the salt goes with the values).  outbox:
	 * this store's own, written with the op.  held_ops: as the op came to this store (set once,
	 * just after it was applied), so that a bundle carrying it on carries its origin's
	 * signature.  relay_ops: as the origin's own bundle brought it.
	 * NULL means no signature: an op made before its origin was at schema 27, or one pulled
	 * from the national tier (the tier keeps its payload as jsonb and gives it back
	 * re-encoded, so it keeps no signature).  Such an op is vouched for only by the store
	 * whose bundle brings it: a receiver that knows its origin's key does not apply it
	 * carried by another store (bundle.c) - it comes from its origin or the tier - and one
	 * that does not know the key applies it by the carrier's word, as before 27.
	 * A signature never changes; the commitment only loses its salt. */
	"ALTER TABLE outbox ADD COLUMN sig TEXT;"
	"ALTER TABLE outbox ADD COLUMN sig_commit TEXT;"
	"ALTER TABLE held_ops ADD COLUMN sig TEXT;"
	"ALTER TABLE held_ops ADD COLUMN sig_commit TEXT;"
	"ALTER TABLE relay_ops ADD COLUMN sig TEXT;"
	"ALTER TABLE relay_ops ADD COLUMN sig_commit TEXT;"
	"CREATE TRIGGER outbox_sig_fixed BEFORE UPDATE ON outbox WHEN NOT (new.sig IS old.sig"
	" AND (new.sig_commit IS old.sig_commit OR (length(old.sig_commit) = 96"
	"  AND new.sig_commit = substr(old.sig_commit, 33) AND new.payload = '{\"purged\":true}')))"
	" BEGIN SELECT RAISE(ABORT, 'an op''s signature never changes'); END;"
	"CREATE TRIGGER outbox_sig_erase AFTER UPDATE OF payload ON outbox"
	" WHEN new.payload = '{\"purged\":true}' AND length(new.sig_commit) = 96"
	" BEGIN UPDATE outbox SET sig_commit = substr(new.sig_commit, 33) WHERE id = new.id; END;"
	"CREATE TRIGGER held_ops_sig_fixed BEFORE UPDATE ON held_ops WHEN NOT ("
	" (old.sig IS NULL AND old.sig_commit IS NULL AND new.payload IS old.payload)"
	" OR (new.sig IS old.sig AND (new.sig_commit IS old.sig_commit OR (length(old.sig_commit) = 96"
	"  AND new.sig_commit = substr(old.sig_commit, 33) AND new.payload = '{\"purged\":true}'))))"
	" BEGIN SELECT RAISE(ABORT, 'a held op''s signature is set once and never changes'); END;"
	"CREATE TRIGGER held_ops_sig_erase AFTER UPDATE OF payload ON held_ops"
	" WHEN new.payload = '{\"purged\":true}' AND length(new.sig_commit) = 96"
	" BEGIN UPDATE held_ops SET sig_commit = substr(new.sig_commit, 33) WHERE pos = new.pos; END;"
	"CREATE TRIGGER relay_ops_sig_fixed BEFORE UPDATE ON relay_ops WHEN NOT (new.sig IS old.sig"
	" AND (new.sig_commit IS old.sig_commit OR (length(old.sig_commit) = 96"
	"  AND new.sig_commit = substr(old.sig_commit, 33)"
	"  AND (new.payload IS NULL OR new.payload = '{\"purged\":true}'))))"
	" BEGIN SELECT RAISE(ABORT, 'an op''s signature never changes'); END;"
	"CREATE TRIGGER relay_ops_sig_erase AFTER UPDATE OF payload ON relay_ops"
	" WHEN (new.payload IS NULL OR new.payload = '{\"purged\":true}') AND length(new.sig_commit) = 96"
	" BEGIN UPDATE relay_ops SET sig_commit = substr(new.sig_commit, 33) WHERE uuid = new.uuid; END;",

	/* 27 -> 28: ops sent to the national tier are marked by a mark that rises, not row by
	 * row.  A sync marked each batch with an UPDATE of every op in it, which rewrote each
	 * row (payload and signature with it), ran the append-only triggers per row and took it
	 * out of a partial index: a third of the sync's own work in a 1,000,000-op push, on the
	 * same two cores as the tier.  The tier takes a store's ops strictly in seq order (its
	 * high-water mark), so what went is always a prefix: ops 1..N.  outbox_sent keeps N, one
	 * row per acknowledged batch with when it was marked; an op is sent when its sent_at is
	 * set (marked before 28, kept as it was) or its seq is at or under its origin's highest
	 * mark, and was sent at the time of the first mark that covers it (outbox_state shows
	 * that).  A mark never goes down, never changes and is never deleted.  The marks of
	 * before 28 become one mark per origin: the longest run of ops from the first that were
	 * all sent (never one past an op that was not: that op would be lost).  Nor does a mark
	 * pass the origin's last op, or the ops made after it would count as sent.  outbox_unsent
	 * indexed the rows the UPDATE took out; what waits is now the range above the mark,
	 * which UNIQUE (origin, origin_seq) finds. */
	"CREATE TABLE outbox_sent ("
	" origin TEXT NOT NULL, upto_seq INTEGER NOT NULL CHECK (upto_seq > 0), at TEXT NOT NULL,"
	" PRIMARY KEY (origin, upto_seq)) WITHOUT ROWID;"
	"INSERT INTO outbox_sent(origin, upto_seq, at)"
	" SELECT o.origin, max(o.origin_seq), max(o.sent_at) FROM outbox o WHERE o.sent_at IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM outbox u WHERE u.origin = o.origin AND u.sent_at IS NULL"
	"  AND u.origin_seq < o.origin_seq)"
	" GROUP BY o.origin;"
	"CREATE TRIGGER outbox_sent_rises BEFORE INSERT ON outbox_sent"
	" WHEN new.upto_seq <= coalesce((SELECT max(m.upto_seq) FROM outbox_sent m WHERE m.origin = new.origin), 0)"
	" BEGIN SELECT RAISE(ABORT, 'the mark of ops sent only rises'); END;"
	"CREATE TRIGGER outbox_sent_made BEFORE INSERT ON outbox_sent"
	" WHEN new.upto_seq > coalesce((SELECT max(o.origin_seq) FROM outbox o WHERE o.origin = new.origin), 0)"
	" BEGIN SELECT RAISE(ABORT, 'a mark of ops sent never passes the last op: ops made later would count as sent'); END;"
	"CREATE TRIGGER outbox_sent_fixed BEFORE UPDATE ON outbox_sent"
	" BEGIN SELECT RAISE(ABORT, 'a mark of ops sent never changes'); END;"
	"CREATE TRIGGER outbox_sent_kept BEFORE DELETE ON outbox_sent"
	" BEGIN SELECT RAISE(ABORT, 'a mark of ops sent is kept'); END;"
	"DROP INDEX outbox_unsent;"
	"CREATE VIEW outbox_state AS SELECT o.id, o.uuid, o.origin, o.origin_seq, o.at, o.entity, o.entity_uuid,"
	" o.op, o.payload, coalesce(o.sent_at, (SELECT m.at FROM outbox_sent m WHERE m.origin = o.origin"
	"  AND m.upto_seq >= o.origin_seq ORDER BY m.upto_seq LIMIT 1)) AS sent_at,"
	" o.acked_at, o.sig, o.sig_commit FROM outbox o;",
};

int schema_latest(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *schema_migration(int from_version)
{
	if (from_version < 0 || from_version >= schema_latest())
		return NULL;
	return migrations[from_version];
}

/* ---- SQL functions the migrations use ------------------------------------------------ */

/* cd_nfc(text): its NFC form; text that is not valid UTF-8 is kept as it is (no migration
 * can guess what it meant; `store check` and the write paths are where it is refused). */
static void sql_nfc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	char *nfc;

	(void)argc;
	if (!text) {
		sqlite3_result_null(ctx);
		return;
	}
	if (!(nfc = text_nfc_dup(text))) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	sqlite3_result_text(ctx, nfc, -1, free);
}

/* The ICAO form of `name` (NULL when none can be derived), malloc'd. */
static char *icao(const char *name, const char *nationality)
{
	char buf[1024];
	if (translit_icao(name, nationality, buf, sizeof buf) < 0 || !buf[0])
		return NULL;
	return strdup(buf);
}

/*
 * cd_relatin(name, nationality, latin): the Latin form the name gets now, when `latin` is
 * what the old code derived from a decomposed name (its combining marks dropped);
 * otherwise `latin` as it is (a form given by hand or read from an MRZ stays).
 */
static void sql_relatin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	const char *nat = (const char *)sqlite3_value_text(argv[1]);
	const char *latin = (const char *)sqlite3_value_text(argv[2]);
	char *bare = NULL, *was = NULL, *now = NULL;
	size_t o = 0;

	(void)argc;
	sqlite3_result_value(ctx, argv[2]);
	if (!name || !latin || translit_load(NULL) || !text_valid(name, strlen(name)))
		return;
	if (!(bare = malloc(strlen(name) + 1)))
		goto out;
	for (const uint8_t *p = (const uint8_t *)name; *p;) {
		ucs4_t uc;
		int n = u8_strmbtouc(&uc, p);
		if (n <= 0)
			break;
		if (!uc_is_general_category(uc, UC_CATEGORY_M)) {
			memcpy(bare + o, p, (size_t)n);
			o += (size_t)n;
		}
		p += n;
	}
	bare[o] = '\0';
	if ((was = icao(bare, nat)) && strcmp(was, latin) == 0 && (now = icao(name, nat))) {
		sqlite3_result_text(ctx, now, -1, free);
		now = NULL;
	}
out:
	free(bare);
	free(was);
	free(now);
}

int schema_register_sql(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "cd_nfc", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_nfc, NULL,
					 NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "cd_relatin", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					     sql_relatin, NULL, NULL);
	return rc;
}
