#!/usr/bin/env python3
"""natpush_gen.py - random batches of ops for the national push, as one SQL script.

    natpush_gen.py SEED STAGED|BATCH

Prints a script of twelve batches, each pushed in its own transaction either through
cd_push_staged (national schema 3: the reference, whose op-for-op meaning t_natpush checks
against cd_push) or through cd_push_stage + cd_push_batch (schema 8, what casedesk sends
now).  The same SEED gives the same batches both ways, so the two databases must end
equal (t_natpush_diff.sh).  Each batch's answer is printed as a line "batch N ...".

The ops are made to meet every path of the apply: persons and cases new in the batch,
held by the tier from an earlier batch, inserted twice, numbered alike inside a batch,
a case before its person, a case of an unknown person, fields changed on top of each
other in one batch, old values that match the tier and old values that do not
(conflicts), names with name keys and without, two origins taking turns.
"""
import json
import os
import random
import sys

seed, mode = int(sys.argv[1]), sys.argv[2]
# NATPUSH_MOVES=0 leaves cases with the person of their insert (to tell one finding from another).
MOVES = 0.1 if os.environ.get("NATPUSH_MOVES", "1") != "0" else 0.0
# NATPUSH_LONG=1: one batch in twelve 200-400 ops long (slower; chains dozens of ops deep).
LONG = os.environ.get("NATPUSH_LONG", "0") == "1"
SHIFT = os.environ.get("NATPUSH_SHIFT", "0") == "1"
rnd = random.Random(seed)

ORIGINS = [("00000000-0000-7000-8000-00000000000a", "TBS", "TBS", "office"),
           ("00000000-0000-7000-8000-00000000000b", "TBS", "K01", "kit")]
seqs = {o[0]: 0 for o in ORIGINS}
op_no = 0

PERSON_COLS = ["surname", "given", "surname_latin", "given_latin", "dob", "nationality", "sex", "birth_place"]
NAMES = ["Beridze", "Lomidze", "Ivanova", "Haddad", "", "Nasser"]
STATES = ["lodged", "awaiting", "assessment", "proposed", "decided"]

persons = [f"00000000-0001-7000-8000-{i:012x}" for i in range(1, 9)]
cases = [f"00000000-0002-7000-8000-{i:012x}" for i in range(1, 7)]
# What this generator believes each row holds (its view, often wrong on purpose).
belief = {}


def val(col):
    if col == "sex":
        return rnd.choice(["M", "F", "X"])
    if col == "dob":
        return rnd.choice(["1980", "1987-04", "1990-01-02", 1975])
    if col == "nationality":
        return rnd.choice(["GEO", "UKR", "SYR"])
    if col == "birth_place":
        return rnd.choice(["Tbilisi", None, "Kyiv"])
    if col == "state":
        return rnd.choice(STATES)
    if col == "workflow_version":
        return rnd.choice([6, 7, "7", " 8"])
    if col == "person":
        # A case moved to another person in the batch (one the tier may not hold yet; upper
        # case).  Never to a person no op makes: the tier's foreign key refuses the batch.
        made = [u for u in persons if u in belief] or persons[:1]
        return rnd.choice(made + [made[0].upper()])
    if rnd.random() < 0.06:
        # Odd JSON from a careless store: numbers written two ways, true, an object, a list.
        return rnd.choice([12, 12.0, True, {"x": "y"}, ["Haddad"], "\u00e9"])
    return rnd.choice(NAMES)


def field(old, new):
    return {"base": 0, "old": old, "new": new}


def number(prefix, u, batch):
    # Its own number mostly; now and then one two entities share, within one batch only
    # (across batches the tier refuses it before the apply: CD012).
    if rnd.random() < 0.15:
        return f"{prefix}9{batch:04d}{rnd.randint(0, 1)}"
    # Written as casedesk writes numbers (six digits): the tier refuses any other form (schema 9).
    return f"{prefix}{int(u[-12:].replace('FF', 'ff'), 16):06d}"


def person_insert(u):
    f = {"number": field(None, number("P-TBS-", u, cur_batch))}
    for c in PERSON_COLS:
        if rnd.random() < 0.9:
            f[c] = field(None, val(c))
    belief[u] = {k: v["new"] for k, v in f.items()}
    return "person", u, "insert", {"fields": f}


def case_insert(u):
    f = {"number": field(None, number("RP-TBS-2026-", u, cur_batch)),
         "person": field(None, rnd.choice(persons + ["00000000-0001-7000-8000-0000000000ff", "not-a-uuid",
                                                     persons[0].upper()])),
         "workflow": field(None, "residence"), "workflow_version": field(None, val("workflow_version")),
         "state": field(None, "lodged")}
    if rnd.random() < 0.7:
        f["office"] = field(None, "TBS")
    if rnd.random() < 0.2:
        f["assignee"] = field(None, "clerk")
    belief[u] = {k: v["new"] for k, v in f.items()}
    return "case", u, "insert", {"fields": f}


def update(ent, u):
    cols = PERSON_COLS if ent == "person" else ["state", "workflow_version", "assignee"]
    f = {}
    for c in rnd.sample(cols, rnd.randint(1, 2)):
        known = belief.get(u, {}).get(c)
        old = known if rnd.random() < 0.75 else val(c)
        new = val(c)
        f[c] = field(old, new)
        belief.setdefault(u, {})[c] = new
    if ent == "case" and rnd.random() < MOVES:
        # Now and then a case moved to another person in the batch (its person's value
        # through the batch decides whether its insert found one).
        known = belief.get(u, {}).get("person")
        new = val("person")
        f["person"] = field(known if rnd.random() < 0.75 else val("person"), new)
        belief.setdefault(u, {})["person"] = new
    kind = "transition" if ent == "case" and "state" in f else "update"
    return ent, u, kind, {"fields": f}


def other_op():
    return "document", f"00000000-0003-7000-8000-{rnd.randint(1, 99):012x}", "insert", \
        {"fields": {"kind": field(None, "passport")}}


def make_op():
    r = rnd.random()
    if r < 0.22:
        return person_insert(rnd.choice(persons))
    if r < 0.40:
        return case_insert(rnd.choice(cases))
    if r < 0.65:
        return update("case", rnd.choice(cases))
    if r < 0.90:
        return update("person", rnd.choice(persons))
    return other_op()


def lit(s):
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


for b in range(12):
    cur_batch = b
    origin = ORIGINS[b % 2] if rnd.random() < 0.8 else ORIGINS[rnd.randint(0, 1)]
    rows = []
    for i in range(rnd.randint(1, rnd.choice([6, 14, 40])) if not LONG or rnd.random() > 0.08 else rnd.randint(200, 400)):
        op_no += 1
        seqs[origin[0]] += 1
        ent, u, kind, payload = make_op()
        keys = None
        if ent == "person" and rnd.random() < 0.6:
            keys = "{" + ",".join(rnd.sample(["BRDZ", "LMDZ", "IVNV", "HDD", "NSR"], 2)) + "}"
        # Drawn as before, so that each seed makes the batches it made: an entity's uuid in
        # upper case was one entity to both pushes; the tier refuses it now (schema 9, CD017).
        # NATPUSH_SHIFT=1 leaves it out: the streams shift, and seed 21 then makes the batch
        # that found schema 8 giving a number two inserts carried to the later one.
        if not SHIFT:
            rnd.random()
        rows.append((i, f"00000000-0009-7000-8000-{seed % 65536:04x}{op_no:08x}", seqs[origin[0]],
                     f"2026-03-02T08:{i % 60:02d}:{i // 60:02d}Z", ent, u, kind, json.dumps(payload), keys))
    table = "cd_stage" if mode == "STAGED" else "cd_batch"
    out = [f"\\echo batch {b}", "BEGIN;", "SELECT cd_push_prepare();" if mode == "STAGED" else "SELECT cd_push_prepare8();"]
    for r in rows:
        out.append(f"INSERT INTO {table} (ord, uuid, seq, at, entity, entity_uuid, op, payload, name_keys) VALUES "
                   f"({r[0]}, '{r[1]}', {r[2]}, '{r[3]}', '{r[4]}', '{r[5]}', '{r[6]}', {lit(r[7])}, {lit(r[8])});")
    args = f"'{origin[0]}', '{origin[1]}', '{origin[2]}', '{origin[3]}'"
    if mode == "STAGED":
        out.append(f"SELECT 'batch {b}', inserted, conflicts, high_water FROM cd_push_staged({args});")
    else:
        out.append(f"SELECT cd_push_stage('{origin[1]}');")
        out.append(f"SELECT 'batch {b}', inserted, conflicts, high_water FROM cd_push_batch({args});")
    out.append("COMMIT;")
    print("\n".join(out))
