/*
 * national_internal.h - what the files of model/national/ share and nothing else sees: the
 * connection and the helpers that turn PostgreSQL's answers into a struct cd_error.  Later
 * parts of the tier (sync, number blocks, national search) are files beside national.c and
 * use these.
 */
#ifndef CD_NATIONAL_INTERNAL_H
#define CD_NATIONAL_INTERNAL_H

#include <libpq-fe.h>

#include "model/national/national.h"

struct cd_national {
	PGconn *conn;
	char *conninfo;    /* as given to national_connect: national_connect_again opens another */
	char where[256];   /* national_where() */
	/* Who reads persons through this connection (national_set_reader): each read of the
	 * tier's persons is recorded there under these (national schema, table reads). */
	char reader_origin[40], reader_office[16], reader_user[64], reader_purpose[64];
};

/*
 * Runs `sql` (one or several statements, no parameters) and checks that it succeeded; on
 * failure fills err with `what`, the database's name and PostgreSQL's primary message.
 */
int nat_exec(struct cd_national *n, const char *sql, const char *what, struct cd_error *err);

/*
 * Checks a result: CD_OK when its status is PGRES_COMMAND_OK or PGRES_TUPLES_OK, else
 * CD_ESTORE as nat_exec says it.  The result is not freed.
 */
int nat_check(struct cd_national *n, PGresult *res, const char *what, struct cd_error *err);

/* ROLLBACK of an open transaction, its own failure ignored (the connection may be gone). */
void nat_rollback(struct cd_national *n);

#endif
