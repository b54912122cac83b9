/*
 * lock.c - the login and lock screen of the terminal interface.
 *
 * On a field kit (model/store/passphrase.h) the TUI starts here: a user name and a
 * passphrase (never echoed, not even as stars: its length is a secret too).  After the idle
 * minutes of [ui] lock_minutes the loop (ui.c) comes back here: the whole screen is covered,
 * so nothing of the person on it stays visible, until the same user's passphrase is given
 * again, or another user logs in, which ends the first user's session.  On a store that is
 * no field kit the lock is a privacy screen that Enter lifts: there the login account is
 * the identity and locking the account's session is the desktop's job.
 *
 * This is no screen of the stack (screens/ui.h) but a modal loop of its own: while it runs
 * no screen draws, so none can show what it holds.
 */
#include "screens/lock.h"

#include <stdint.h>
#include <string.h>

#include <curses.h>

#include "model/base/i18n.h"
#include "model/store/passphrase.h"
#include "screens/term.h"

enum { FIELD_USER, FIELD_PASS };

struct lock_form {
	char user[64];
	char pass[PASSPHRASE_MAX_BYTES + 1];
	size_t pass_len;
	int field;
	char message[CD_ERRMSG_MAX];
	int message_is_error;
};

static void draw(struct cd_store *store, const struct cd_actor *actor, const struct lock_form *f, int kit, int login)
{
	int rows, cols, y;
	char line[256];

	getmaxyx(stdscr, rows, cols);
	werase(stdscr);
	term_fill(stdscr, 0, 0, cols, ST_TITLE);
	if (login)
		snprintf(line, sizeof line, _("casedesk — field kit of office %s: log in"), store_office(store));
	else
		snprintf(line, sizeof line, _("casedesk — locked (idle); %s was working here"), actor->name);
	term_put_styled(stdscr, 0, 1, line, cols - 2, 0, ST_TITLE);
	y = rows / 3;
	if (!kit) {
		term_put(stdscr, y, 4, _("The screen is locked. Press Enter to go on, F10 to quit."), cols - 8, 0);
	} else {
		term_put(stdscr, y, 4,
			 login ? _("Your user name and passphrase. Tab moves, Enter logs in, F10 quits.")
			       : _("The same user's passphrase goes on; another user's login ends that session."),
			 cols - 8, 0);
		term_put_styled(stdscr, y + 2, 4, _("User:"), 14, 1, ST_LABEL);
		term_put_styled(stdscr, y + 2, 19, f->user, 34, 1, f->field == FIELD_USER ? ST_SELECTED : ST_NORMAL);
		term_put_styled(stdscr, y + 3, 4, _("Passphrase:"), 14, 1, ST_LABEL);
		/* Nothing of the passphrase is drawn, not even its length. */
		term_put_styled(stdscr, y + 3, 19, "", 34, 1, f->field == FIELD_PASS ? ST_SELECTED : ST_NORMAL);
	}
	if (f->message[0])
		term_put_styled(stdscr, rows - 2, 1, f->message, cols - 2, 0, f->message_is_error ? ST_ERROR : ST_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

static void wipe(struct lock_form *f)
{
	explicit_bzero(f->pass, sizeof f->pass);
	f->pass_len = 0;
}

static int is_enter(wint_t ch, int is_key)
{
	return is_key ? ch == KEY_ENTER : (ch == '\r' || ch == '\n');
}

/* The passphrase is bytes in UTF-8, whatever the locale: one character into out, its length back. */
static size_t encode_utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18 & 0x07));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static int is_quit(wint_t ch, int is_key)
{
	return (is_key && ch == KEY_F(10)) || (!is_key && ch == 0x11);   /* F10, ^Q */
}

int lock_run(struct cd_store *store, struct cd_actor *actor, int login, int *switched)
{
	struct lock_form f;
	struct cd_error err = CD_ERROR_INIT;
	int kit = 0, in = 0;

	*switched = 0;
	memset(&f, 0, sizeof f);
	/* A store that cannot say whether it is a kit is treated as one: the door stays shut. */
	if (kit_store_is(store, &kit, &err) != CD_OK)
		kit = 1;
	snprintf(f.user, sizeof f.user, "%s", actor->name);
	f.field = f.user[0] ? FIELD_PASS : FIELD_USER;
	timeout(-1);
	for (;;) {
		wint_t ch;
		int got, is_key;

		draw(store, actor, &f, kit, login);
		got = get_wch(&ch);
		if (got == ERR)
			continue;
		is_key = got == KEY_CODE_YES;
		if (is_key && ch == KEY_RESIZE)
			continue;
		if (is_quit(ch, is_key))
			break;
		if (!kit) {
			if (is_enter(ch, is_key)) {
				in = 1;
				break;
			}
			continue;
		}
		if ((!is_key && ch == '\t') || (is_key && (ch == KEY_BTAB || ch == KEY_UP || ch == KEY_DOWN))) {
			f.field = f.field == FIELD_USER ? FIELD_PASS : FIELD_USER;
			continue;
		}
		if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 0x7f || ch == 0x08))) {
			if (f.field == FIELD_PASS) {
				/* Back one character, not one byte. */
				while (f.pass_len > 0 && (f.pass[--f.pass_len] & 0xc0) == 0x80)
					f.pass[f.pass_len] = '\0';
				f.pass[f.pass_len] = '\0';
			} else if (f.user[0]) {
				f.user[strlen(f.user) - 1] = '\0';
			}
			continue;
		}
		if (is_enter(ch, is_key)) {
			if (f.field == FIELD_USER) {
				f.field = FIELD_PASS;
				continue;
			}
			struct cd_actor who;
			err = (struct cd_error)CD_ERROR_INIT;
			f.message[0] = '\0';
			term_put(stdscr, getmaxy(stdscr) - 2, 1, _("checking ..."), getmaxx(stdscr) - 2, 1);
			refresh();
			int rc = passphrase_login(store, f.user, f.pass, &who, &err);
			wipe(&f);
			if (rc == CD_OK) {
				*switched = strcmp(who.name, actor->name) != 0;
				*actor = who;
				in = 1;
				break;
			}
			snprintf(f.message, sizeof f.message, "%s", err.msg);
			f.message_is_error = 1;
			continue;
		}
		if (is_key || ch < ' ')
			continue;
		if (f.field == FIELD_USER) {
			/* User names are a-z, 0-9, '.', '_' and '-'; anything else cannot be one. */
			size_t n = strlen(f.user);
			if (ch < 0x80 && n + 1 < sizeof f.user) {
				f.user[n] = (char)ch;
				f.user[n + 1] = '\0';
			}
		} else {
			char mb[8];
			size_t n = encode_utf8((uint32_t)ch, mb);
			if (f.pass_len + n < sizeof f.pass) {
				memcpy(f.pass + f.pass_len, mb, n);
				f.pass_len += n;
				f.pass[f.pass_len] = '\0';
			}
			explicit_bzero(mb, sizeof mb);
		}
	}
	wipe(&f);
	werase(stdscr);
	wnoutrefresh(stdscr);
	return in;
}
