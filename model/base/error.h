/*
 * error.h - the one error type every layer of casedesk fills.
 *
 * A function that can fail returns an int (CD_OK or one of the codes below) and, on
 * failure, fills a struct cd_error with a sentence a person can act on: what failed,
 * where (file:line, field) and what to do.  The message never carries personal data
 * (names, dates of birth, document numbers): it names fields and record ids instead.
 * The codes double as the command line's exit codes, documented in the README.
 */
#ifndef CD_ERROR_H
#define CD_ERROR_H

enum cd_code {
	CD_OK = 0,
	CD_EINTERNAL = 1,  /* a bug or an allocation failure */
	CD_EUSAGE = 2,     /* malformed command line */
	CD_ENOTFOUND = 3,  /* no such person, case, workflow, user */
	CD_EREFUSED = 4,   /* the workflow or the rules refuse (role, guard, state) */
	CD_ECONFLICT = 5,  /* someone else changed the record first */
	CD_EINPUT = 6,     /* bad input: a date, a code, a file */
	CD_ESTORE = 7,     /* the store cannot be opened, read or written */
	CD_EDEVICE = 8,    /* the biometric helper or its capture device failed */
	CD_EAUDITWARN = 9, /* audit verify: nothing forged, but something to see to (rows not yet sealed) */
	CD_ETAMPERED = 10, /* audit verify: the trail was changed, cut or forged */
	CD_EPENDING = 11,  /* check run: some checks are not answered; they wait in the queue */
};

#define CD_ERRMSG_MAX 512

struct cd_error {
	int code;
	char msg[CD_ERRMSG_MAX];
};

#define CD_ERROR_INIT { CD_OK, "" }

/* Fills err (when not NULL) and returns code, so that `return cd_error_set(...)` reads well. */
int cd_error_set(struct cd_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "prefix: " in front of an existing message, for context added on the way up. */
void cd_error_prefix(struct cd_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cd_error_clear(struct cd_error *err);

/* A short, stable name for a code ("conflict", "not found"), for --json output. */
const char *cd_code_name(int code);

#endif
