#!/bin/sh
# gen_ops.sql.sh - writes real-shaped registrations into a store's op log, fast (issue 15's
# bench, tests/bench/bench_national.sh).  Sourced; defines gen_registrations.
#
#   gen_registrations STORE N TAG PREFIX [LAST]
#
# Appends N registrations to STORE's outbox as 8 ops each, exactly as the CLI writes them
# (compare `person add`, `document add`, `case new residence`, `case move` in a store's
# outbox): a person insert (9 fields), a document insert (6), a case insert (7) and five
# steps (request_documents, documents_received, propose_decision, return_for_assessment,
# propose_decision), each with its base row version, old and new value, each op with its
# user and a case's with its clock (due_day, frozen_left).  Seqs follow the
# store's last one; TAG (a number < 65536) makes the uuids of one generator run its own;
# Names and dates of birth vary as a population's do (a few thousand spellings of each
# name, seventy years of births), so that the tier's indexes and a duplicate check see
# realistic spreads.  PREFIX makes the person and case numbers unique across stores
# (P-PREFIX-000001, RP-PREFIX-2026-000001): 2 to 5 capital letters, numbered as casedesk
# numbers them (six digits, more from 1,000,000 on), the one form the tier takes (national
# schema 9).  LAST (0..7, default 7) keeps ops 0..LAST of each registration: 0 writes
# persons only.  Only the op log is written (no person rows): the push reads the
# op log, and a person op then carries no name keys.  One SQL statement: 1,000,000 ops take
# seconds, where 125,000 registrations through the CLI would take hours.
gen_registrations() {
	sqlite3 "$1" "
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $2),
k(j) AS (SELECT * FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7)) WHERE column1 <= ${5:-7}),
base(b) AS (SELECT coalesce(max(origin_seq), 0) FROM outbox WHERE origin = (SELECT value FROM settings WHERE key = 'store_uuid')),
sn(n, s) AS (VALUES (0, 'Beridze'), (1, 'Kovalenko'), (2, 'Abashidze'), (3, 'Lomidze'), (4, 'Ivanova'),
 (5, 'Mohammadi'), (6, 'Haddad'), (7, 'Shevchenko'), (8, 'Nasser'), (9, 'Gelashvili'), (10, 'Petrenko'),
 (11, 'Karimi'), (12, 'Tsereteli'), (13, 'Bondarenko'), (14, 'Rahimi'), (15, 'Melikishvili'), (16, 'Al Hassan')),
gn(n, g) AS (VALUES (0, 'Nino'), (1, 'Irina'), (2, 'Levan'), (3, 'Tamar'), (4, 'Ahmad'), (5, 'Olena'), (6, 'Giorgi'),
 (7, 'Fatima'), (8, 'Oksana'), (9, 'Reza'), (10, 'Mariam'), (11, 'Dmytro'), (12, 'Zainab')),
reg AS (SELECT i, sn.s || CASE WHEN i % 7 = 0 THEN '' ELSE char(97 + i % 19) || char(97 + (i / 19) % 23) END AS sur,
  gn.g || CASE WHEN i % 5 = 0 THEN '' ELSE char(97 + (i / 391) % 17) || char(97 + (i / 7) % 21) END AS giv,
  printf('%04d', 1940 + (i / 3) % 70) || CASE WHEN i % 3 = 0 THEN '' ELSE printf('-%02d-%02d', 1 + i % 12, 1 + i % 28) END AS dob,
  printf('%08x-0001-7000-8000-%012x', $3, i) AS pu, printf('%08x-0002-7000-8000-%012x', $3, i) AS du,
  printf('%08x-0003-7000-8000-%012x', $3, i) AS cu, printf('P-%s-%06d', '$4', i) AS pn, printf('RP-%s-2026-%06d', '$4', i) AS cn
 FROM r JOIN sn ON sn.n = i % 17 JOIN gn ON gn.n = (i / 17) % 13),
f(n, v) AS (SELECT 0, json_object('base', 0, 'old', NULL, 'new', NULL)),
st(j, tr, a, b) AS (VALUES (3, 'request_documents', 'lodged', 'awaiting_documents'),
 (4, 'documents_received', 'awaiting_documents', 'assessment'), (5, 'propose_decision', 'assessment', 'proposed'),
 (6, 'return_for_assessment', 'proposed', 'assessment'), (7, 'propose_decision', 'assessment', 'proposed'))
INSERT INTO outbox (uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)
SELECT printf('%08x-%04x-7000-8000-%012x', $3, 16 + j, i), (SELECT value FROM settings WHERE key = 'store_uuid'),
 b + (i - 1) * (${5:-7} + 1) + j + 1, printf('2026-03-0%dT%02d:%02d:00.000Z', 2 + (i * 3 / ($2 + 1)), 8 + (i % 10), i % 60),
 CASE WHEN j = 0 THEN 'person' WHEN j = 1 THEN 'document' ELSE 'case' END,
 CASE WHEN j = 0 THEN pu WHEN j = 1 THEN du ELSE cu END,
 CASE WHEN j < 3 THEN 'insert' ELSE 'transition' END,
 CASE j
 WHEN 0 THEN json_object('fields', json_object(
  'number', json_object('base', 0, 'old', NULL, 'new', pn), 'surname', json_object('base', 0, 'old', NULL, 'new', sur),
  'given', json_object('base', 0, 'old', NULL, 'new', giv),
  'surname_latin', json_object('base', 0, 'old', NULL, 'new', upper(sur)),
  'given_latin', json_object('base', 0, 'old', NULL, 'new', upper(giv)),
  'sex', json_object('base', 0, 'old', NULL, 'new', CASE WHEN i % 2 THEN 'F' ELSE 'M' END),
  'dob', json_object('base', 0, 'old', NULL, 'new', dob), 'nationality', json_object('base', 0, 'old', NULL, 'new', 'GEO'),
  'birth_place', json_object('base', 0, 'old', NULL, 'new', NULL)), 'by', 'clerk')
 WHEN 1 THEN json_object('fields', json_object(
  'person', json_object('base', 0, 'old', NULL, 'new', pu), 'kind', json_object('base', 0, 'old', NULL, 'new', 'passport'),
  'number', json_object('base', 0, 'old', NULL, 'new', printf('%s%07d', '$4', i)),
  'issuer', json_object('base', 0, 'old', NULL, 'new', 'GEO'), 'issued', json_object('base', 0, 'old', NULL, 'new', NULL),
  'expires', json_object('base', 0, 'old', NULL, 'new', '2030-01-01')), 'by', 'clerk')
 WHEN 2 THEN json_object('fields', json_object(
  'number', json_object('base', 0, 'old', NULL, 'new', cn), 'person', json_object('base', 0, 'old', NULL, 'new', pu),
  'workflow', json_object('base', 0, 'old', NULL, 'new', 'residence'),
  'workflow_version', json_object('base', 0, 'old', NULL, 'new', 6),
  'office', json_object('base', 0, 'old', NULL, 'new', (SELECT value FROM settings WHERE key = 'office')),
  'state', json_object('base', 0, 'old', NULL, 'new', 'lodged'), 'assignee', json_object('base', 0, 'old', NULL, 'new', NULL)),
  'due_day', 20606 + i % 30, 'frozen_left', NULL, 'by', 'clerk')
 ELSE (SELECT json_object('fields', json_object('state', json_object('base', j - 2, 'old', st.a, 'new', st.b)),
  'number', cn, 'transition', st.tr,
  'due_day', CASE WHEN st.b = 'awaiting_documents' THEN NULL ELSE 20640 + i % 30 END,
  'frozen_left', CASE WHEN st.b = 'awaiting_documents' THEN 80 END, 'by', 'caseworker') FROM st WHERE st.j = k.j)
 END
FROM reg, k, base ORDER BY i, j"
}
