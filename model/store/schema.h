/* schema.h - the store's forward-only migrations; see schema.c. */
#ifndef CD_SCHEMA_H
#define CD_SCHEMA_H

/* The version a fully migrated store has (== CD_SCHEMA_VERSION). */
int schema_latest(void);
/* SQL taking a store from `from_version` to the next; NULL past the end. */
const char *schema_migration(int from_version);

/* Defines the SQL functions migrations call (cd_nfc, cd_relatin) on a connection; an
 * SQLite result code.  Every connection gets them before any migration runs. */
struct sqlite3;
int schema_register_sql(struct sqlite3 *db);

/*
 * Fills the search indexes from every person and alias (after SEARCH_INDEX_CLEAR_SQL, or on
 * empty indexes): person_fts holds every spelling of a person's names in one row, so one
 * trigram MATCH finds any; person_key holds the skeleton keys of every name word and the
 * date of birth as tokens (y1987, m198704), computed in C by the SQL function
 * cd_name_keys(nationality, dob, name, ...) that namekeys_register() defines.
 */
#define SEARCH_NAMES_SQL                                                                        \
	" SELECT p.id, p.surname || ' ' || p.given || ' ' || p.surname_latin || ' ' || p.given_latin" \
	"  || coalesce((SELECT ' ' || group_concat(a.surname || ' ' || a.given || ' '"            \
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"          \
	"   FROM alias a WHERE a.person_id = p.id), '')"                                           \
	" FROM person p"
#define SEARCH_KEYS_SQL                                                                         \
	" SELECT p.id, cd_name_keys(p.nationality, p.dob, p.surname, p.given, p.surname_latin,"    \
	"  p.given_latin, (SELECT group_concat(a.surname || ' ' || a.given || ' '"                 \
	"   || coalesce(a.surname_latin, '') || ' ' || coalesce(a.given_latin, ''), ' ')"          \
	"   FROM alias a WHERE a.person_id = p.id))"                                               \
	" FROM person p"
#define SEARCH_INDEX_CLEAR_SQL "DELETE FROM person_fts; DELETE FROM person_key;"
/* Who the search indexes hold: a purged or anonymised person (retention.c) keeps no names
 * to find, and a merged duplicate (merge.c) is found through its survivor, whose aliases
 * carry its names. */
#define SEARCH_INDEXED_SQL "p.purge_action IS NULL AND p.merged_into IS NULL"
#define SEARCH_INDEX_FILL_SQL                                                                   \
	"INSERT INTO person_fts(rowid, names)" SEARCH_NAMES_SQL " WHERE " SEARCH_INDEXED_SQL ";"   \
	"INSERT INTO person_key(rowid, keys)" SEARCH_KEYS_SQL " WHERE " SEARCH_INDEXED_SQL ";"

#endif
