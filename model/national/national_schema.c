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
 * Version 2 adds cd_push() and cd_push_op(): the push of one batch (see there).
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

	/* 1 -> 2: the push (national_push.c).  Ops name settings and users by key, not only by
	 * uuid: entity_uuid becomes text.  cd_push() takes one batch of one origin's ops as a
	 * jsonb array and does everything a batch needs inside the statement's own transaction
	 * (one round trip, committed whole or not at all): the origin upserted, its high-water
	 * mark checked (the batch must start at high_water + 1, or lie at or under it: the
	 * retry of a batch whose commit was not seen) and moved, each op inserted ON CONFLICT
	 * (uuid) DO NOTHING, and each newly inserted op applied to persons and cases by
	 * cd_push_op() three ways per field.  A conflict keeps the server's value: base is the
	 * op's old value, theirs the server's, ours the op's new value.  Pushes take one advisory
	 * lock in turn, so that ops.server_seq grows in commit order: the pull's cursor. */
	"ALTER TABLE ops ALTER COLUMN entity_uuid TYPE text;"
	"CREATE FUNCTION cd_push_op(p_origin uuid, p_office text, p_op jsonb) RETURNS integer"
	" LANGUAGE plpgsql AS $cd$"
	" DECLARE"
	"  ent text := p_op->>'entity';"
	"  kind text := p_op->>'op';"
	"  flds jsonb := p_op->'payload'->'fields';"
	"  eu uuid; cur jsonb; f text; fv jsonb; col text; sv jsonb; nv jsonb;"
	"  changed boolean := false; is_new boolean := false; n_conf integer := 0; keys text[];"
	" BEGIN"
	"  IF ent NOT IN ('person', 'case') OR flds IS NULL OR jsonb_typeof(flds) <> 'object'"
	"   OR (p_op->>'entity_uuid') !~ '^[0-9a-fA-F-]{36}$' THEN RETURN 0; END IF;"
	"  eu := (p_op->>'entity_uuid')::uuid;"
	"  IF jsonb_typeof(p_op->'name_keys') = 'array' THEN"
	"   keys := ARRAY(SELECT jsonb_array_elements_text(p_op->'name_keys')); END IF;"
	"  IF ent = 'person' THEN SELECT to_jsonb(p) INTO cur FROM persons p WHERE p.uuid = eu FOR UPDATE;"
	"  ELSE SELECT to_jsonb(c) INTO cur FROM cases c WHERE c.uuid = eu FOR UPDATE; END IF;"
	"  IF cur IS NULL THEN"
	/* An update of a row the tier never had (its insert was made before ops had fields):
	 * kept as an op, applied to nothing. */
	"   IF kind <> 'insert' THEN RETURN 0; END IF;"
	"   is_new := true; cur := '{}'::jsonb;"
	"  END IF;"
	"  FOR f, fv IN SELECT key, value FROM jsonb_each(flds) LOOP"
	"   col := CASE WHEN ent = 'case' AND f = 'person' THEN 'person_uuid' ELSE f END;"
	"   IF ent = 'person' AND col NOT IN ('number', 'surname', 'given', 'surname_latin', 'given_latin', 'dob',"
	"    'nationality', 'sex', 'birth_place') THEN CONTINUE; END IF;"
	"   IF ent = 'case' AND col NOT IN ('number', 'office', 'workflow', 'workflow_version', 'state', 'person_uuid')"
	"    THEN CONTINUE; END IF;"
	"   nv := coalesce(fv->'new', 'null'::jsonb);"
	"   IF is_new THEN cur := jsonb_set(cur, ARRAY[col], nv); changed := true; CONTINUE; END IF;"
	"   sv := coalesce(cur->col, 'null'::jsonb);"
	"   IF sv = nv THEN CONTINUE;"
	"   ELSIF sv = coalesce(fv->'old', 'null'::jsonb) THEN cur := jsonb_set(cur, ARRAY[col], nv); changed := true;"
	"   ELSE"
	"    INSERT INTO conflicts (uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin)"
	"    VALUES (gen_random_uuid(), ent, eu, f, fv->'old', sv, nv, (p_op->>'uuid')::uuid, p_origin);"
	"    n_conf := n_conf + 1;"
	"   END IF;"
	"  END LOOP;"
	"  IF is_new AND ent = 'person' AND EXISTS (SELECT 1 FROM persons WHERE number = cur->>'number') OR"
	"     is_new AND ent = 'case' AND EXISTS (SELECT 1 FROM cases WHERE number = cur->>'number') THEN"
	/* Two stores gave one number (two stores made with one office code): the second row is
	 * not created, its number is a conflict for a supervisor. */
	"   INSERT INTO conflicts (uuid, entity, entity_uuid, field, base, theirs, ours, op_uuid, origin)"
	"   VALUES (gen_random_uuid(), ent, eu, 'number', NULL, NULL, cur->'number', (p_op->>'uuid')::uuid, p_origin);"
	"   RETURN n_conf + 1;"
	"  END IF;"
	"  IF ent = 'person' THEN"
	"   IF is_new THEN"
	"    INSERT INTO persons (uuid, number, surname, given, surname_latin, given_latin, dob, nationality, sex,"
	"     birth_place, origin_office, origin, name_keys)"
	"    SELECT eu, coalesce(r.number, ''), coalesce(r.surname, ''), coalesce(r.given, ''),"
	"     coalesce(r.surname_latin, ''), coalesce(r.given_latin, ''), coalesce(r.dob, ''),"
	"     coalesce(r.nationality, ''), coalesce(r.sex, 'X'), r.birth_place, p_office, p_origin, coalesce(keys, '{}')"
	"    FROM jsonb_populate_record(NULL::persons, cur) r;"
	"   ELSIF changed THEN"
	"    UPDATE persons p SET (number, surname, given, surname_latin, given_latin, dob, nationality, sex, birth_place)"
	"     = (r.number, r.surname, r.given, r.surname_latin, r.given_latin, r.dob, r.nationality, r.sex, r.birth_place),"
	"     name_keys = coalesce(keys, p.name_keys), row_version = p.row_version + 1, updated_at = now()"
	"    FROM jsonb_populate_record(NULL::persons, cur) r WHERE p.uuid = eu;"
	"   END IF;"
	"  ELSE"
	"   IF is_new THEN"
	/* A case whose person the tier does not hold (registered before ops had fields) waits. */
	"    IF NOT EXISTS (SELECT 1 FROM persons WHERE uuid::text = cur->>'person_uuid') THEN RETURN n_conf; END IF;"
	"    INSERT INTO cases (uuid, number, office, workflow, workflow_version, state, person_uuid, origin)"
	"    SELECT eu, coalesce(r.number, ''), coalesce(r.office, p_office), coalesce(r.workflow, ''), r.workflow_version,"
	"     coalesce(r.state, ''), r.person_uuid, p_origin"
	"    FROM jsonb_populate_record(NULL::cases, cur) r;"
	"   ELSIF changed THEN"
	"    UPDATE cases c SET (number, office, workflow, workflow_version, state, person_uuid)"
	"     = (r.number, r.office, r.workflow, r.workflow_version, r.state, r.person_uuid),"
	"     row_version = c.row_version + 1, updated_at = now()"
	"    FROM jsonb_populate_record(NULL::cases, cur) r WHERE c.uuid = eu;"
	"   END IF;"
	"  END IF;"
	"  RETURN n_conf;"
	" END $cd$;"
	"CREATE FUNCTION cd_push(p_origin uuid, p_office text, p_name text, p_kind text, p_ops jsonb,"
	"  OUT inserted integer, OUT conflicts integer, OUT high_water bigint)"
	" LANGUAGE plpgsql AS $cd$"
	" DECLARE hw bigint; first_seq bigint; expect bigint; o jsonb; seq bigint; got uuid;"
	" BEGIN"
	"  inserted := 0; conflicts := 0;"
	/* One push at a time: server_seq is then taken in commit order, so a pull that has read
	 * up to server_seq N never finds a smaller one committed later. */
	"  PERFORM pg_advisory_xact_lock(7161541336458782572);"
	"  INSERT INTO origins AS g (store_uuid, office, name, kind, last_sync) VALUES (p_origin, p_office, p_name, p_kind, now())"
	"   ON CONFLICT (store_uuid) DO UPDATE SET office = EXCLUDED.office, name = EXCLUDED.name, kind = EXCLUDED.kind,"
	"   last_sync = now();"
	"  SELECT g.high_water INTO hw FROM origins g WHERE g.store_uuid = p_origin FOR UPDATE;"
	"  first_seq := (p_ops->0->>'seq')::bigint;"
	"  IF first_seq IS NULL THEN high_water := hw; RETURN; END IF;"
	"  IF first_seq > hw + 1 THEN"
	"   RAISE EXCEPTION 'this batch starts at op %, but the national tier holds this store''s ops up to % only"
	" (ops % to % are missing)', first_seq, hw, hw + 1, first_seq - 1 USING ERRCODE = 'CD001';"
	"  END IF;"
	"  expect := first_seq;"
	"  FOR o IN SELECT value FROM jsonb_array_elements(p_ops) LOOP"
	"   seq := (o->>'seq')::bigint;"
	"   IF seq IS DISTINCT FROM expect THEN"
	"    RAISE EXCEPTION 'the ops of a batch must follow each other: op % came where % was due', seq, expect"
	"    USING ERRCODE = 'CD002';"
	"   END IF;"
	"   expect := expect + 1;"
	"   INSERT INTO ops (uuid, origin, origin_seq, entity, entity_uuid, op, at, payload)"
	"   VALUES ((o->>'uuid')::uuid, p_origin, seq, o->>'entity', o->>'entity_uuid', o->>'op',"
	"    (o->>'at')::timestamptz, o->'payload')"
	"   ON CONFLICT (uuid) DO NOTHING RETURNING uuid INTO got;"
	"   IF got IS NOT NULL THEN"
	"    inserted := inserted + 1;"
	"    conflicts := conflicts + cd_push_op(p_origin, p_office, o);"
	"   ELSIF NOT EXISTS (SELECT 1 FROM ops p WHERE p.uuid = (o->>'uuid')::uuid AND p.origin = p_origin"
	"     AND p.origin_seq = seq) THEN"
	"    RAISE EXCEPTION 'op % (number % of this store) is held by the national tier under another store or number',"
	"     o->>'uuid', seq USING ERRCODE = 'CD003';"
	"   END IF;"
	"  END LOOP;"
	"  high_water := greatest(hw, expect - 1);"
	"  UPDATE origins g SET high_water = cd_push.high_water WHERE g.store_uuid = p_origin;"
	" END $cd$;",

	/* 2 -> 3 and 3 -> 4: placeholders for other branches' migrations 3 and 4 (the lead
	 * renumbers at merge); they change nothing. */
	"SELECT 1;",
	"SELECT 1;",

	/* 4 -> 5: resolutions travel.  A store's conflict resolution is an op ("resolve") naming
	 * the two values it settles (payload.resolution: ours, theirs, by).  When one is inserted
	 * here, before cd_push_op applies it, this trigger writes its value where the tier holds
	 * either of the two (so the apply finds it done and queues no new conflict), and closes
	 * the tier's open conflicts on the same row and field between the same two values, with
	 * who resolved it, at which office, and when.  A trigger and not a change to cd_push:
	 * the push stays one function tuned for speed, and an op inserted by any path counts. */
	"CREATE FUNCTION cd_resolution_arrived() RETURNS trigger LANGUAGE plpgsql AS $cd$"
	" DECLARE"
	"  r jsonb := NEW.payload->'resolution';"
	"  a text; b text; f text; fv jsonb; nv jsonb; col text; eu uuid; sv text; who text;"
	" BEGIN"
	"  IF r IS NULL OR jsonb_typeof(r) <> 'object' OR jsonb_typeof(NEW.payload->'fields') IS DISTINCT FROM 'object'"
	"   OR NEW.entity_uuid !~ '^[0-9a-fA-F-]{36}$' THEN RETURN NULL; END IF;"
	"  a := r->>'ours'; b := r->>'theirs'; eu := NEW.entity_uuid::uuid;"
	"  SELECT coalesce(r->>'by', '?') || ' (' || g.name || ')' INTO who FROM origins g WHERE g.store_uuid = NEW.origin;"
	"  FOR f, fv IN SELECT key, value FROM jsonb_each(NEW.payload->'fields') LOOP"
	"   nv := coalesce(fv->'new', 'null'::jsonb);"
	"   col := CASE WHEN NEW.entity = 'case' AND f = 'person' THEN 'person_uuid' ELSE f END;"
	"   IF NEW.entity = 'person' AND col IN ('surname', 'given', 'surname_latin', 'given_latin', 'dob',"
	"    'nationality', 'sex', 'birth_place') THEN"
	"    SELECT to_jsonb(p)->>col INTO sv FROM persons p WHERE p.uuid = eu FOR UPDATE;"
	"    IF FOUND AND sv IS DISTINCT FROM nv #>> '{}' AND (sv IS NOT DISTINCT FROM a OR sv IS NOT DISTINCT FROM b) THEN"
	"     EXECUTE format('UPDATE persons p SET %I = r.%I, row_version = p.row_version + 1, updated_at = now()"
	" FROM jsonb_populate_record(NULL::persons, $1) r WHERE p.uuid = $2', col, col)"
	"      USING jsonb_build_object(col, nv), eu;"
	"    END IF;"
	"   ELSIF NEW.entity = 'case' AND col IN ('state', 'workflow_version', 'person_uuid') THEN"
	"    SELECT to_jsonb(c)->>col INTO sv FROM cases c WHERE c.uuid = eu FOR UPDATE;"
	"    IF FOUND AND sv IS DISTINCT FROM nv #>> '{}' AND (sv IS NOT DISTINCT FROM a OR sv IS NOT DISTINCT FROM b) THEN"
	"     EXECUTE format('UPDATE cases c SET %I = r.%I, row_version = c.row_version + 1, updated_at = now()"
	" FROM jsonb_populate_record(NULL::cases, $1) r WHERE c.uuid = $2', col, col)"
	"      USING jsonb_build_object(col, nv), eu;"
	"    END IF;"
	"   END IF;"
	"   UPDATE conflicts c SET resolved_by = coalesce(who, coalesce(r->>'by', '?')), resolved_at = NEW.at,"
	"    resolved_value = nv"
	"   WHERE c.resolved_at IS NULL AND c.entity = NEW.entity AND c.entity_uuid = eu AND c.field = f"
	"    AND ((c.theirs #>> '{}') IS NOT DISTINCT FROM a AND (c.ours #>> '{}') IS NOT DISTINCT FROM b"
	"     OR (c.theirs #>> '{}') IS NOT DISTINCT FROM b AND (c.ours #>> '{}') IS NOT DISTINCT FROM a);"
	"  END LOOP;"
	"  RETURN NULL;"
	" END $cd$;"
	"CREATE TRIGGER ops_resolution_arrived AFTER INSERT ON ops FOR EACH ROW WHEN (NEW.op = 'resolve')"
	" EXECUTE FUNCTION cd_resolution_arrived();",
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
