/*
 * national_schema.c - the national tier's schema (PostgreSQL) as forward-only migrations,
 * all in this one file so that later work (sync, kits, conflicts) adds its migrations after
 * these.
 *
 * migrations[i] takes the national database from version i to version i+1.  A migration is
 * never edited once released: a change is a new entry at the end.  national.c runs each one
 * in its own transaction, under an advisory lock, and records it in schema_version; a
 * database at a version newer than this table knows is refused, never written.
 *
 * What version 1 holds, and why:
 *  - origins: every store (office or kit) that pushes, by its store uuid, with the highest
 *    per-origin sequence the tier has taken from it (its high-water mark);
 *  - ops: the op log as pushed; the op uuid is the idempotency key (a retried push inserts
 *    nothing), (origin, origin_seq) is unique, server_seq orders ops for pulling;
 *  - persons and cases: the current national rows, each with a row version for the
 *    three-way apply; persons carry the name keys casedesk computes on push (GIN) and their
 *    names for pg_trgm similarity (GIN, gin_trgm_ops);
 *  - number_blocks: the number ranges leased to kits and stores; an exclusion constraint
 *    makes two leases of one number (same office, prefix and year) impossible;
 *  - conflicts: a field changed on two sides, both values kept until a supervisor resolves.
 * Values of fields are jsonb (text, numbers and null alike).  Local integer ids never appear:
 * uuids do.
 */
#include "model/national/national_schema.h"

#include <stddef.h>

static const char *const migrations[] = {
	/* 0 -> 1: origins, ops, persons, cases, number blocks, conflicts. */
	"CREATE EXTENSION IF NOT EXISTS pg_trgm;"
	/* btree_gist: plain equality on text inside the number blocks' exclusion constraint. */
	"CREATE EXTENSION IF NOT EXISTS btree_gist;"
	"CREATE TABLE origins ("
	" store_uuid uuid PRIMARY KEY,"
	" office text NOT NULL CHECK (office <> ''),"
	" name text NOT NULL,"
	" kind text NOT NULL DEFAULT 'office' CHECK (kind IN ('office', 'kit', 'national')),"
	" high_water bigint NOT NULL DEFAULT 0 CHECK (high_water >= 0),"
	" first_seen timestamptz NOT NULL DEFAULT now(),"
	" last_sync timestamptz);"
	"CREATE TABLE ops ("
	" uuid uuid PRIMARY KEY,"
	" origin uuid NOT NULL REFERENCES origins(store_uuid),"
	" origin_seq bigint NOT NULL CHECK (origin_seq > 0),"
	" server_seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,"
	" entity text NOT NULL,"
	" entity_uuid uuid NOT NULL,"
	" op text NOT NULL,"
	" at timestamptz NOT NULL,"
	" payload jsonb NOT NULL,"
	" received_at timestamptz NOT NULL DEFAULT now(),"
	" UNIQUE (origin, origin_seq));"
	"CREATE INDEX ops_entity ON ops (entity, entity_uuid);"
	"CREATE TABLE persons ("
	" uuid uuid PRIMARY KEY,"
	" number text NOT NULL UNIQUE,"
	" surname text NOT NULL, given text NOT NULL,"
	" surname_latin text NOT NULL, given_latin text NOT NULL,"
	" dob text NOT NULL,"                 /* partial dates as the store keeps them: 1987, 1987-04 */
	" nationality text NOT NULL,"
	" sex text NOT NULL CHECK (sex IN ('M', 'F', 'X')),"
	" birth_place text,"
	" origin_office text NOT NULL,"
	" origin uuid REFERENCES origins(store_uuid),"
	" merged_into uuid,"
	" row_version bigint NOT NULL DEFAULT 1 CHECK (row_version > 0),"
	" name_keys text[] NOT NULL DEFAULT '{}',"
	" names text GENERATED ALWAYS AS"
	"  (surname_latin || ' ' || given_latin || ' ' || surname || ' ' || given) STORED,"
	" updated_at timestamptz NOT NULL DEFAULT now());"
	"CREATE INDEX persons_name_keys ON persons USING gin (name_keys);"
	"CREATE INDEX persons_names_trgm ON persons USING gin (names gin_trgm_ops);"
	"CREATE TABLE cases ("
	" uuid uuid PRIMARY KEY,"
	" number text NOT NULL UNIQUE,"
	" office text NOT NULL,"
	" workflow text NOT NULL,"
	" workflow_version integer,"
	" state text NOT NULL,"
	" person_uuid uuid NOT NULL REFERENCES persons(uuid) DEFERRABLE INITIALLY DEFERRED,"
	" origin uuid REFERENCES origins(store_uuid),"
	" row_version bigint NOT NULL DEFAULT 1 CHECK (row_version > 0),"
	" updated_at timestamptz NOT NULL DEFAULT now());"
	"CREATE INDEX cases_office_state ON cases (office, state);"
	"CREATE INDEX cases_person ON cases (person_uuid);"
	"CREATE TABLE number_blocks ("
	" id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" office text NOT NULL,"
	" prefix text NOT NULL,"                /* RP, AS ... as in RP-TBS-2026-000500 */
	" year integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),"
	" \"first\" bigint NOT NULL CHECK (\"first\" >= 1),"
	" \"last\" bigint NOT NULL,"
	" holder uuid NOT NULL,"                /* the kit's or store's uuid */
	" leased_at timestamptz NOT NULL DEFAULT now(),"
	" CHECK (\"last\" >= \"first\"),"
	" EXCLUDE USING gist (office WITH =, prefix WITH =, year WITH =,"
	"  int8range(\"first\", \"last\", '[]') WITH &&));"
	"CREATE INDEX number_blocks_holder ON number_blocks (holder);"
	"CREATE TABLE conflicts ("
	" uuid uuid PRIMARY KEY,"
	" entity text NOT NULL,"
	" entity_uuid uuid NOT NULL,"
	" field text NOT NULL,"
	" base jsonb, theirs jsonb, ours jsonb,"
	" op_uuid uuid REFERENCES ops(uuid),"
	" origin uuid REFERENCES origins(store_uuid),"
	" at timestamptz NOT NULL DEFAULT now(),"
	" resolved_by text, resolved_at timestamptz, resolved_value jsonb,"
	" CHECK ((resolved_by IS NULL) = (resolved_at IS NULL)));"
	"CREATE INDEX conflicts_open ON conflicts (entity, entity_uuid) WHERE resolved_at IS NULL;",
};

int national_schema_latest(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *national_schema_migration(int from_version)
{
	if (from_version < 0 || from_version >= national_schema_latest())
		return NULL;
	return migrations[from_version];
}
