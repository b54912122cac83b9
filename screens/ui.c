/*
 * ui.c - the main loop: the screen stack, the status and message lines, keys to actions
 * through one binding table (defaults from the action tables, overridden by the keymap in
 * config), polling the store for other desks' changes, and the help screen.
 */
#include "screens/ui.h"

#include <assert.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/number.h"
#include "model/base/privilege.h"
#include "model/store/checkqueue.h"
#include "model/store/roles.h"
#include "model/store/kit.h"
#include "model/store/oplog.h"
#include "model/store/passphrase.h"
#include "model/store/users.h"
#include "screens/fmt.h"
#include "screens/lock.h"
#include "screens/term.h"

/* Checks for other desks' commits this often while the keyboard is idle. */
#define POLL_MS 700

/* The loop's own screen: the keys of the screen below it. */
static const struct screen_ops help_screen;

const struct ui_action ui_global_actions[] = {
	{ A_HELP, "help", "? F1", N_("show the keys of this screen") },
	{ A_SEARCH, "search", "/ F3", N_("search people by name, document or case number") },
	{ A_WORKLIST, "worklist", "F2", N_("back to the worklist") },
	{ A_REGISTER, "register", "F4", N_("register a new person") },
	{ A_REPORTS, "reports", "F6", N_("reports and administration") },
	{ A_BACK, "back", "Esc F12", N_("go back") },
	{ A_QUIT, "quit", "F10 ^Q", N_("quit casedesk") },
	{ A_UP, "up", "Up k", N_("previous line") },
	{ A_DOWN, "down", "Down j", N_("next line") },
	{ A_PAGE_UP, "page-up", "PgUp", N_("previous page") },
	{ A_PAGE_DOWN, "page-down", "PgDn", N_("next page") },
	{ A_HOME, "first", "Home", N_("first line") },
	{ A_END, "last", "End", N_("last line") },
	{ A_OPEN, "open", "Enter", N_("open the highlighted line") },
	{ A_NEXT_FIELD, "next-field", "Tab", N_("next field") },
	{ A_PREV_FIELD, "previous-field", "BTab", N_("previous field") },
	{ A_SAVE, "save", "F5 ^S", N_("save") },
	{ A_RELOAD, "reload", "^R", N_("read the store again") },
	{ A_SWITCH_USER, "switch-user", "F9", N_("training stores: act as the next user (clerk, caseworker, supervisor, admin)") },
	{ A_VIEW_MESSAGE, "view-message", "F8", N_("read the last message in full") },
	{ A_CONFLICTS, "conflicts", "F7", N_("the conflict queue sync leaves: keep ours, take theirs or type a value (supervisors)") },
};
const size_t ui_n_global_actions = sizeof ui_global_actions / sizeof ui_global_actions[0];

/* The editing keys screens/input.c handles (input_key), for the help of a screen with a text field. */
const struct ui_key_help ui_edit_keys[] = {
	{ "Left Right", N_("move the cursor (keeps a prefilled text for editing)") },
	{ "Home End ^A ^E", N_("start / end of the text") },
	{ "Up Down", N_("in a long text: the line above / below") },
	{ "Backspace Del", N_("delete before / at the cursor") },
	{ "^W", N_("delete the word before the cursor") },
	{ "^K", N_("delete to the end of the text") },
	{ "^U", N_("clear the field") },
	{ N_("typing"), N_("replaces a prefilled (highlighted) text; move the cursor first to edit it") },
};
const size_t ui_n_edit_keys = sizeof ui_edit_keys / sizeof ui_edit_keys[0];

/* ---- key names and bindings ------------------------------------------------------------ */

struct key_name {
	const char *name;
	int code;
	int is_key;   /* a curses KEY_ code rather than a character */
};

static const struct key_name key_names[] = {
	{ "Enter", '\r', 0 }, { "Enter", '\n', 0 }, { "Enter", KEY_ENTER, 1 }, { "Esc", 27, 0 },
	{ "Tab", '\t', 0 }, { "BTab", KEY_BTAB, 1 }, { "Up", KEY_UP, 1 }, { "Down", KEY_DOWN, 1 },
	{ "Left", KEY_LEFT, 1 }, { "Right", KEY_RIGHT, 1 }, { "PgUp", KEY_PPAGE, 1 },
	{ "PgDn", KEY_NPAGE, 1 }, { "Home", KEY_HOME, 1 }, { "End", KEY_END, 1 },
	{ "Backspace", KEY_BACKSPACE, 1 }, { "Del", KEY_DC, 1 }, { "Space", ' ', 0 },
};

struct binding {
	const struct screen_ops *scope;  /* NULL: every screen */
	int action;
	int code, is_key;
};

static struct binding bindings[512];
static size_t n_bindings;
/* Actions the keymap rebound: their defaults are dropped. */
static struct {
	char name[32];
	char keys[96];
} overrides[64];
static size_t n_overrides;

/* "F5" -> KEY_F(5); "^S" -> 19; "r" -> 'r'.  Returns the number of codes (Enter has three). */
static int parse_key(const char *name, int codes[4], int is_key[4])
{
	int n = 0;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(key_names[i].name, name) == 0 && n < 4) {
			codes[n] = key_names[i].code;
			is_key[n++] = key_names[i].is_key;
		}
	if (n)
		return n;
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		long f;
		/* F1 ... F12 exactly: "F1x" is no key, not F1. */
		if (cd_parse_long(name + 1, "key", 1, 12, &f, NULL) == CD_OK) {
			codes[0] = KEY_F(f);
			is_key[0] = 1;
			return 1;
		}
	}
	if (name[0] == '^' && name[1] >= 'A' && name[1] <= 'Z' && !name[2]) {
		codes[0] = name[1] - '@';
		is_key[0] = 0;
		return 1;
	}
	if (name[0] && !name[1] && name[0] > ' ' && name[0] < 0x7f) {
		codes[0] = (unsigned char)name[0];
		is_key[0] = 0;
		return 1;
	}
	return 0;
}

static const char *override_of(const char *name)
{
	for (size_t i = 0; i < n_overrides; i++)
		if (strcmp(overrides[i].name, name) == 0)
			return overrides[i].keys;
	return NULL;
}

static void bind_all(const struct screen_ops *scope, const struct ui_action *actions, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *keys = override_of(actions[i].name);
		char buf[96], *save = NULL;
		snprintf(buf, sizeof buf, "%s", keys ? keys : actions[i].keys);
		for (char *k = strtok_r(buf, " \t", &save); k; k = strtok_r(NULL, " \t", &save)) {
			int codes[4], is_key[4], nc = parse_key(k, codes, is_key);
			for (int c = 0; c < nc && n_bindings < sizeof bindings / sizeof bindings[0]; c++)
				bindings[n_bindings++] = (struct binding){ scope, actions[i].id, codes[c], is_key[c] };
		}
	}
}

static void build_bindings(const struct ui_screens *screens)
{
	n_bindings = 0;
	for (size_t i = 0; i < screens->n; i++)
		bind_all(screens->entries[i].ops, screens->entries[i].ops->actions, screens->entries[i].ops->n_actions);
	bind_all(&help_screen, help_screen.actions, help_screen.n_actions);
	bind_all(NULL, ui_global_actions, ui_n_global_actions);
}

static int action_for(const struct screen_ops *ops, int code, int is_key)
{
	/* The screen's own bindings first, then the global ones. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n_bindings; i++)
			if (bindings[i].scope == (pass ? NULL : ops) && bindings[i].code == code &&
			    bindings[i].is_key == is_key)
				return bindings[i].action;
	return A_NONE;
}

const char *ui_keys_of(const struct screen_ops *ops, int action)
{
	const struct ui_action *table[2] = { ops ? ops->actions : NULL, ui_global_actions };
	size_t sizes[2] = { ops ? ops->n_actions : 0, ui_n_global_actions };
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < sizes[t]; i++)
			if (table[t][i].id == action) {
				const char *o = override_of(table[t][i].name);
				return o ? o : table[t][i].keys;
			}
	return "";
}

static int known_action_name(const struct ui_screens *screens, const char *name)
{
	for (size_t i = 0; i < ui_n_global_actions; i++)
		if (strcmp(ui_global_actions[i].name, name) == 0)
			return 1;
	for (size_t s = 0; s < screens->n; s++)
		for (size_t i = 0; i < screens->entries[s].ops->n_actions; i++)
			if (strcmp(screens->entries[s].ops->actions[i].name, name) == 0)
				return 1;
	return 0;
}

int ui_keymap_set(const struct ui_screens *screens, const char *action, const char *keys, struct cd_error *err)
{
	char buf[96], *save = NULL;

	if (!known_action_name(screens, action))
		return cd_error_set(err, CD_EINPUT, _("unknown action `%s`; `?` in casedesk lists them"), action);
	if (strlen(keys) >= sizeof buf || strlen(keys) >= sizeof overrides[0].keys)
		return cd_error_set(err, CD_EINPUT, _("the keys for `%s` are too long"), action);
	snprintf(buf, sizeof buf, "%s", keys);
	for (char *k = strtok_r(buf, " \t", &save); k; k = strtok_r(NULL, " \t", &save)) {
		int codes[4], is_key[4];
		if (!parse_key(k, codes, is_key))
			return cd_error_set(err, CD_EINPUT,
					    _("unknown key `%s` (use a letter, F1-F12, ^A-^Z, Enter, Esc, "
					      "Tab, Up, Down, PgUp, PgDn, Home, End)"), k);
	}
	for (size_t i = 0; i < n_overrides; i++)
		if (strcmp(overrides[i].name, action) == 0) {
			snprintf(overrides[i].keys, sizeof overrides[i].keys, "%s", keys);
			return CD_OK;
		}
	if (n_overrides == sizeof overrides / sizeof overrides[0])
		return cd_error_set(err, CD_EINPUT, _("more than %zu key bindings"), sizeof overrides / sizeof overrides[0]);
	snprintf(overrides[n_overrides].name, sizeof overrides[n_overrides].name, "%s", action);
	snprintf(overrides[n_overrides].keys, sizeof overrides[n_overrides].keys, "%s", keys);
	n_overrides++;
	return CD_OK;
}

/* ---- messages and the stack --------------------------------------------------------------- */

static void ui_push(struct ui *ui, const struct screen_ops *ops, const char *arg)
{
	ui->push_ops = ops;
	snprintf(ui->push_arg, sizeof ui->push_arg, "%s", arg ? arg : "");
}

/* The table's entry for a kind, or for the global action that opens one; NULL when none. */
static const struct ui_screen_entry *entry_of(const struct ui_screens *screens, int by_action, int value)
{
	for (size_t i = 0; i < screens->n; i++)
		if (by_action ? screens->entries[i].action == value : (int)screens->entries[i].kind == value)
			return &screens->entries[i];
	return NULL;
}

void ui_open(struct ui *ui, enum ui_screen_kind kind, const char *arg)
{
	const struct ui_screen_entry *e = entry_of(ui->screens, 0, (int)kind);
	/* Every kind a screen asks for is in the caller's table: a missing one is a bug here. */
	assert(e);
	if (e)
		ui_push(ui, e->ops, arg);
}

void ui_view(struct ui *ui, const char *title, const char *text)
{
	free(ui->view_title);
	free(ui->view_text);
	ui->view_title = strdup(title ? title : "");
	ui->view_text = strdup(text ? text : "");
	if (!ui->view_title || !ui->view_text) {
		ui_error(ui, "%s", _("out of memory"));
		return;
	}
	ui_open(ui, UI_VIEWER, NULL);
}

void ui_say(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->message_is_error = 0;
	memcpy(ui->last_message, ui->message, sizeof ui->last_message);
}

void ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->message_is_error = 1;
	memcpy(ui->last_message, ui->message, sizeof ui->last_message);
}

const struct screen_ops *ui_screen_below(const struct ui *ui)
{
	return ui->depth >= 2 ? ui->stack[ui->depth - 2].ops : NULL;
}

static int push(struct ui *ui, const struct screen_ops *ops, const char *arg)
{
	struct cd_error err = CD_ERROR_INIT;
	if (ui->depth >= (int)(sizeof ui->stack / sizeof ui->stack[0])) {
		ui_error(ui, "%s", _("too many screens open; go back first"));
		return CD_EUSAGE;
	}
	struct screen *sc = &ui->stack[ui->depth];
	memset(sc, 0, sizeof *sc);
	sc->ops = ops;
	sc->ui = ui;
	ui->depth++;
	if (ops->open && ops->open(sc, arg, &err) != CD_OK) {
		ui->depth--;
		ui_error(ui, "%s", err.msg);
		return err.code;
	}
	return CD_OK;
}

static void pop(struct ui *ui)
{
	struct screen *sc = &ui->stack[ui->depth - 1];
	if (sc->ops->close)
		sc->ops->close(sc);
	ui->depth--;
}

/* ---- drawing ------------------------------------------------------------------------------ */

/* The field kit's name for the status line (TBS/K07), "" in an office store: read once when
 * the TUI starts, as a kit is named when it is made and nothing renames it while the TUI runs
 * (the status refresh after each commit need not ask the store again). */
static void kit_name_read(struct ui *ui)
{
	struct cd_error err = CD_ERROR_INIT;
	int is_kit = 0;
	if (kit_leased_is(ui->store, &is_kit, ui->kit_name, sizeof ui->kit_name, &err) != CD_OK || !is_kit)
		ui->kit_name[0] = '\0';
	/* A kit made by `init --kit` has users with passphrases but no name of its own. */
	if (!ui->kit_name[0] && kit_store_is(ui->store, &is_kit, &err) == CD_OK && is_kit)
		snprintf(ui->kit_name, sizeof ui->kit_name, "%s", _("kit"));
}

/* The status word of a field kit whose numbers run low (a fifth or less left), read when the
 * unsynced count is: "" elsewhere. */
static void kit_numbers_read(struct ui *ui)
{
	char series[32];
	int64_t left = 0, total = 0;
	int low = 0, year = 0;
	struct cd_error err = CD_ERROR_INIT;
	ui->kit_numbers[0] = '\0';
	if (kit_block_low(ui->store, &low, series, sizeof series, &year, &left, &total, &err) == CD_OK && low)
		snprintf(ui->kit_numbers, sizeof ui->kit_numbers, _("%lld/%lld numbers"), (long long)left, (long long)total);
}

/* This store's own ops waiting and the last sync's recorded outcome (model/store/oplog.h): the
 * status line never connects to the national tier, so offline costs nothing.  The time is the
 * hour when the last sync was today, else the day. */
static void sync_read(struct ui *ui)
{
	struct cd_sync_status st;
	char today[32], when[8];
	struct cd_error err = CD_ERROR_INIT;
	if (oplog_sync_status(ui->store, &st, &err) != CD_OK) {
		store_unsynced_count(ui->store, &ui->unsynced, NULL);
		ui->sync_word[0] = '\0';
		return;
	}
	/* Neither sent nor carried by a bundle that was acknowledged: what is only here. */
	if (store_unsynced_count(ui->store, &ui->unsynced, NULL) != CD_OK)
		ui->unsynced = st.unsent;
	if (st.last_ok < 0 || strlen(st.last_at) < 16) {
		ui->sync_word[0] = '\0';   /* never synced: the count says it all */
		return;
	}
	store_now(ui->store, today, sizeof today);
	if (strncmp(today, st.last_at, 10) == 0)
		snprintf(when, sizeof when, "%.5s", st.last_at + 11);
	else
		snprintf(when, sizeof when, "%.5s", st.last_at + 5);
	snprintf(ui->sync_word, sizeof ui->sync_word, st.last_ok ? _("online %s") : _("offline %s"), when);
}

/* Network checks waiting for the gateway, read when the unsynced count is (0 when unreadable). */
static void checks_pending_read(struct ui *ui)
{
	struct cd_error err = CD_ERROR_INIT;
	if (checkqueue_pending_count(ui->store, &ui->checks_pending, &err) != CD_OK)
		ui->checks_pending = 0;
}

static void draw_status(struct ui *ui, int rows, int cols)
{
	char roles[96], line[256], clock[8], pending[48] = "";
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M", &tm);
	cd_roles_format(ui->actor.roles, roles, sizeof roles);
	/* The store is local or shared (on a server several desks use); offline comes with sync. */
	/* "3 checks pending": network checks the gateway has not answered yet. */
	if (ui->checks_pending > 0)
		snprintf(pending, sizeof pending, ngettext("%lld check pending │ ", "%lld checks pending │ ",
							   (unsigned long)ui->checks_pending), (long long)ui->checks_pending);
	/* A field kit says which one (TBS/K07): its numbers and its sync are its own.  What does
	 * not fit at 80 columns gives way whole, least needed first - the roles, then the checks
	 * pending - so that a kit's "30/180 numbers" is never cut to "30/180 number". */
	int n = 0;
	for (int drop = 0; drop <= 2; drop++) {
		char with_roles[112] = "";
		if (drop < 1)
			snprintf(with_roles, sizeof with_roles, " (%s)", roles);
		n = snprintf(line, sizeof line, " %s%s%s │ %s%s │ %s │ %lld %s%s%s │ %s%s%s", store_office(ui->store),
			     ui->kit_name[0] ? "/" : "", ui->kit_name, ui->actor.name, with_roles,
			     store_is_training(ui->store) ? _("training") : ui->shared ? _("shared") : _("local"),
			     (long long)ui->unsynced, _("unsynced"), ui->sync_word[0] ? ", " : "", ui->sync_word,
			     ui->kit_numbers, ui->kit_numbers[0] ? " │ " : "", drop < 2 ? pending : "");
		if (n < 0 || (size_t)n >= sizeof line || term_width(line) <= cols)
			break;
	}
	/* The clock is the first thing to go at 80 columns: half a time ("03:2") reads as wrong. */
	if (n > 0 && (size_t)n < sizeof line) {
		if (term_width(line) + (int)strlen(clock) + 1 <= cols)
			snprintf(line + n, sizeof line - (size_t)n, "%s ", clock);
		else if (n >= 4 && !strcmp(line + n - 4, "│ "))
			line[n - 4] = '\0';
	}
	term_fill(stdscr, rows - 1, 0, cols, ST_STATUS);
	term_put_styled(stdscr, rows - 1, 0, line, cols, 0, ST_STATUS);
	term_fill(stdscr, rows - 2, 0, cols, ST_NORMAL);
	if (!ui->message[0])
		return;
	enum term_style st = ui->message_is_error ? ST_ERROR : ST_NORMAL;
	const char *rest = ui->message;
	/*
	 * A message too long for one line takes the line above as well (over the screen's last
	 * line, until the next key): the end of a refusal is often the part that matters, such as
	 * who changed the case, and 80 columns cut it off.
	 */
	if (term_width(ui->message) > cols - 2) {
		size_t cut = term_fit(ui->message, cols - 2);
		char first[sizeof ui->message];
		memcpy(first, ui->message, cut);
		first[cut] = '\0';
		term_fill(stdscr, rows - 3, 0, cols, ST_NORMAL);
		term_put_styled(stdscr, rows - 3, 1, first, cols - 2, 0, st);
		rest += cut;
		while (*rest == ' ')
			rest++;
	}
	/* Longer still: the end is cut, and F8 reads it whole (screens/viewer.c). */
	if (term_width(rest) > cols - 2) {
		const char *more = _(" … F8 reads all");
		int mw = term_width(more);
		term_put_styled(stdscr, rows - 2, 1, rest, cols - 2 - mw, 0, st);
		term_put_styled(stdscr, rows - 2, cols - 1 - mw, more, mw, 0, ST_DIM);
		return;
	}
	term_put_styled(stdscr, rows - 2, 1, rest, cols - 2, 0, st);
}

static void draw_all(struct ui *ui)
{
	int rows, cols;
	term_follow_size();
	getmaxyx(stdscr, rows, cols);
	werase(stdscr);
	if (rows < 10 || cols < 40) {
		mvaddstr(0, 0, _("The terminal is too small; casedesk needs 80x24."));
	} else {
		struct screen *sc = &ui->stack[ui->depth - 1];
		WINDOW *content = derwin(stdscr, rows - 2, cols, 0, 0);
		if (content) {
			sc->ops->draw(sc, content, rows - 2, cols);
			delwin(content);
		}
		draw_status(ui, rows, cols);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Whether the top screen (all: any screen on the stack) holds unsaved input. */
static int stack_dirty(const struct ui *ui, int all)
{
	for (int i = all ? 0 : ui->depth - 1; i >= 0 && i < ui->depth; i++) {
		const struct screen *sc = &ui->stack[i];
		if (sc->ops->dirty && sc->ops->dirty(sc))
			return 1;
	}
	return 0;
}

int ui_ask_discard(struct ui *ui)
{
	wint_t ch = 0;
	int got;

	/* TRANSLATORS: the answer keys stay y and n (y discards, any other key keeps the input). */
	ui_error(ui, "%s", _("Discard what you typed? y/n"));
	for (;;) {
		draw_all(ui);
		timeout(-1);
		got = get_wch(&ch);
		if (got == KEY_CODE_YES && ch == KEY_RESIZE)
			continue;
		if (got != ERR)
			break;
	}
	if (got == OK && (ch == 'y' || ch == 'Y')) {
		ui->message[0] = '\0';
		return 1;
	}
	ui_say(ui, "%s", _("your input is kept"));
	return 0;
}

/*
 * Training stores have one user per role; switching lets one trainee play the four-eyes
 * rule through (propose as caseworker, decide as supervisor).  A real store has no such
 * key: there you are your login account.
 */
static void switch_user(struct ui *ui)
{
	static const char *const order[] = { "clerk", "caseworker", "supervisor", "admin" };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor next;
	size_t at = 0;

	if (!store_is_training(ui->store)) {
		ui_error(ui, "%s", _("switching users is for training stores; here you act as your login account"));
		return;
	}
	for (size_t i = 0; i < 4; i++)
		if (strcmp(order[i], ui->actor.name) == 0)
			at = i + 1;
	for (size_t k = 0; k < 4; k++) {
		const char *name = order[(at + k) % 4];
		if (user_resolve(ui->store, name, &next, &err) == CD_OK) {
			ui->actor = next;
			ui_say(ui, _("now acting as %s"), next.name);
			return;
		}
	}
	ui_error(ui, "%s", err.msg);
}

static double lock_minutes;
static char start_notice[256];

void ui_set_notice(const char *text)
{
	snprintf(start_notice, sizeof start_notice, "%s", text ? text : "");
}

void ui_set_lock_minutes(double minutes)
{
	lock_minutes = minutes;
}

/* The idle time that locks, in microseconds; 0: never. */
static double idle_limit_us(int kit)
{
	double m = lock_minutes;
	if (kit && (m <= 0 || m > UI_KIT_LOCK_MAX_MINUTES))
		m = UI_KIT_LOCK_MAX_MINUTES;
	return m > 0 ? m * 60e6 : 0;
}

/* Back to a first screen of its own for a user who logged in over another's session. */
static int restart_session(struct ui *ui, const struct screen_ops *home)
{
	while (ui->depth > 0)
		pop(ui);
	ui->message[0] = '\0';
	return push(ui, home, NULL);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * Another desk committed: the screen reads again, and who acts is read again too, since an
 * admin may have changed this user's roles or disabled them (model/store/users.h): a
 * disabled user's desk stops, with the model's message (CD_EREFUSED in err).
 */
static int poll_store(struct ui *ui, struct cd_error *err)
{
	int64_t v = store_data_version(ui->store);
	if (v != ui->data_version) {
		struct cd_actor now;
		ui->data_version = v;
		if (user_by_name(ui->store, ui->actor.name, &now, err) == CD_EREFUSED)
			return CD_EREFUSED;
		cd_error_clear(err);
		if (now.user_id) {
			ui->actor.roles = now.roles;
			snprintf(ui->actor.workflows, sizeof ui->actor.workflows, "%s", now.workflows);
		}
		struct screen *sc = &ui->stack[ui->depth - 1];
		if (sc->ops->reload)
			sc->ops->reload(sc);
		sync_read(ui);
		kit_numbers_read(ui);
		checks_pending_read(ui);
	}
	return CD_OK;
}

int ui_run(struct cd_store *s, const struct cd_actor *actor, struct wf_registry *reg,
	   const struct ui_screens *screens, struct cd_error *err)
{
	static struct ui ui;
	const struct ui_screen_entry *home = entry_of(screens, 0, UI_WORKLIST);
	double idle_limit, last_key;
	int rc = CD_OK, kit = 0;

	assert(home);
	memset(&ui, 0, sizeof ui);
	ui.screens = screens;
	ui.store = s;
	ui.actor = *actor;
	ui.reg = reg;
	ui.data_version = store_data_version(s);
	sync_read(&ui);
	kit_name_read(&ui);
	kit_numbers_read(&ui);
	checks_pending_read(&ui);
	build_bindings(screens);
	fmt_init();
	{
		/* A store owned by another account is the office server's, shared by the desks. */
		struct stat sb;
		ui.shared = stat(store_path(s), &sb) == 0 && sb.st_uid != getuid();
	}
	/* For `make bench`: the time from each key to the end of its redraw, in microseconds. */
	const char *timing_path = cd_env("CASEDESK_UI_TIMING");   /* never when setgid */
	FILE *timing = timing_path && *timing_path ? fopen(timing_path, "w") : NULL;
	double key_at = -1;
	ui.mono = term_start();
	{
		/* A field kit opens on its door: nobody is anybody until their passphrase says so. */
		int switched;
		if (kit_store_is(s, &kit, err) != CD_OK) {
			term_end();
			return err->code;
		}
		if (kit && !lock_run(s, &ui.actor, 1, &switched)) {
			term_end();
			return CD_OK;
		}
	}
	idle_limit = idle_limit_us(kit);
	last_key = now_us();
	if (push(&ui, home->ops, NULL) != CD_OK) {
		term_end();
		return cd_error_set(err, CD_ESTORE, "%s", ui.message);
	}
	if (start_notice[0])
		ui_error(&ui, "%s", start_notice);
	else
		ui_say(&ui, "%s", _("Welcome. ? shows the keys, / searches, F10 quits."));
	while (ui.depth > 0) {
		wint_t ch;
		int got, action;
		unsigned res;

		draw_all(&ui);
		if (timing && key_at >= 0) {
			fprintf(timing, "%.0f\n", now_us() - key_at);
			key_at = -1;
		}
		timeout(POLL_MS);
		got = get_wch(&ch);
		if (timing && got != ERR)
			key_at = now_us();
		if (got == ERR) {
			if (idle_limit > 0 && now_us() - last_key >= idle_limit) {
				/* Idle too long: cover the screen until a passphrase (or Enter) lifts it. */
				int switched;
				if (!lock_run(ui.store, &ui.actor, 0, &switched))
					break;
				if (switched && restart_session(&ui, home->ops) != CD_OK)
					break;
				last_key = now_us();
				continue;
			}
			if ((rc = poll_store(&ui, err)))
				break;
			continue;
		}
		last_key = now_us();
		if (got == KEY_CODE_YES && ch == KEY_RESIZE)
			continue;   /* the next draw uses the new size */
		struct screen *sc = &ui.stack[ui.depth - 1];
		int is_key = got == KEY_CODE_YES;
		/* In a text field, printable characters are text; only other keys are actions. */
		if (sc->ops->wants_text && sc->ops->wants_text(sc) && !is_key && ch >= ' ' && ch != 0x7f)
			action = A_NONE;
		else
			action = action_for(sc->ops, (int)ch, is_key);
		if (action != A_HELP && action != A_NONE && action != A_VIEW_MESSAGE)
			ui.message[0] = '\0';
		res = sc->ops->key(sc, action, is_key ? (ch | UI_FKEY) : ch);
		if (!(res & UI_HANDLED) && action != A_NONE && action != A_HELP && action != A_RELOAD) {
			/* Leaving a form typed into asks first: quitting and F2 close every screen. */
			const struct ui_screen_entry *e = entry_of(screens, 1, action);
			int all = action == A_QUIT || (e && e->ops == ui.stack[0].ops);
			if ((action == A_QUIT || action == A_BACK || action == A_SWITCH_USER || e) &&
			    stack_dirty(&ui, all) && !ui_ask_discard(&ui))
				res |= UI_HANDLED;
		}
		if (!(res & UI_HANDLED)) {
			switch (action) {
			case A_QUIT:
				res |= UI_QUIT;
				break;
			case A_BACK:
				res |= UI_BACK;
				break;
			case A_HELP:
				ui_push(&ui, &help_screen, NULL);
				break;
			case A_RELOAD:
				res |= UI_RELOAD;
				break;
			case A_SWITCH_USER:
				switch_user(&ui);
				res |= UI_RELOAD;
				break;
			case A_VIEW_MESSAGE:
				if (ui.last_message[0])
					ui_view(&ui, _("The last message"), ui.last_message);
				break;
			default: {
				/* F2 F3 F4 F6 ...: the screens of the caller's table; the first one's
				 * key goes back down to it rather than opening it again. */
				const struct ui_screen_entry *e = action != A_NONE ? entry_of(screens, 1, action) : NULL;
				if (e && e->ops == ui.stack[0].ops) {
					while (ui.depth > 1)
						pop(&ui);
					ui.stack[0].ops->reload(&ui.stack[0]);
				} else if (e) {
					ui_push(&ui, e->ops, NULL);
				}
				break;
			}
			}
		}
		if (res & UI_QUIT)
			break;
		if (res & UI_BACK) {
			if (ui.depth > 1) {
				pop(&ui);
				sc = &ui.stack[ui.depth - 1];
				if (sc->ops->reload)
					sc->ops->reload(sc);
			}
		}
		if (res & UI_RELOAD) {
			sc = &ui.stack[ui.depth - 1];
			if (sc->ops->reload)
				sc->ops->reload(sc);
		}
		if (ui.push_ops) {
			const struct screen_ops *ops = ui.push_ops;
			ui.push_ops = NULL;
			push(&ui, ops, ui.push_arg);
			res |= UI_RELOAD;
		}
		/* This desk's own commits move no data_version: a registration done here may have
		 * taken a field kit's number and written ops. */
		if (res & (UI_BACK | UI_RELOAD)) {
			sync_read(&ui);   /* and may have written ops: the status line's "N unsynced" */
			kit_numbers_read(&ui);
			checks_pending_read(&ui);
		}
	}
	while (ui.depth > 0)
		pop(&ui);
	free(ui.view_title);
	free(ui.view_text);
	term_end();
	if (timing)
		fclose(timing);
	return rc;
}

/* ---- help ------------------------------------------------------------------------------- */

/*
 * The keys of the screen below and the global ones, each help text wrapped to its column
 * (never cut: a translated line is often longer than the English).  When the screen is too
 * short for them all, a second column beside the first (at 80 columns and more), and when
 * that is not enough either, pages: PgDn and PgUp turn them, any other key closes the help.
 */
struct help_view {
	int page, pages;
};

enum help_kind { H_SECTION, H_KEY, H_GAP };

struct help_item {
	enum help_kind kind;
	const char *keys, *text;
};

static int help_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct help_view))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return CD_OK;
}

static void help_close(struct screen *sc)
{
	free(sc->data);
}

static unsigned help_key(struct screen *sc, int action, wint_t ch)
{
	struct help_view *h = sc->data;
	(void)ch;
	if (action == A_PAGE_DOWN || action == A_DOWN) {
		if (h->page + 1 < h->pages) {
			h->page++;
			return UI_HANDLED;
		}
	} else if (action == A_PAGE_UP || action == A_UP) {
		if (h->page > 0) {
			h->page--;
			return UI_HANDLED;
		}
	}
	/* Any other key closes the help, except the ones that would open it again. */
	return action == A_QUIT ? UI_UNHANDLED : (UI_HANDLED | UI_BACK);
}

static int widest_keys(const struct ui_action *a, size_t n, const struct screen_ops *scope, int widest)
{
	for (size_t i = 0; i < n; i++) {
		int kw = term_width(ui_keys_of(scope, a[i].id));
		if (kw > widest)
			widest = kw;
	}
	return widest;
}

/* Lines an item takes in a column of width colw with keys kw wide. */
static int help_item_lines(const struct help_item *it, int colw, int kw)
{
	if (it->kind != H_KEY)
		return 1;
	return fmt_wrap(NULL, 0, 0, _(it->text), colw - kw - 6, 0, 0, ST_NORMAL);
}

/*
 * Places the items in columns of `rows` lines from `top` (n_cols side by side, a page
 * after that), drawing those of page `page` when w is given; returns how many pages.
 */
static int help_flow(WINDOW *w, const struct help_item *items, size_t n, int top, int rows, int colw, int n_cols,
		     int kw, int page)
{
	int p = 0, col = 0, y = top;
	for (size_t i = 0; i < n; i++) {
		int need = help_item_lines(&items[i], colw, kw);
		if (y > top && y + need > rows) {
			if (++col >= n_cols) {
				col = 0;
				p++;
			}
			y = top;
		}
		/* A gap or a section title does not start a column; a section title not end one. */
		if (items[i].kind == H_GAP && y == top)
			continue;
		if (items[i].kind == H_SECTION && y + 1 + help_item_lines(&items[i + 1 < n ? i + 1 : i], colw, kw) > rows &&
		    y > top) {
			if (++col >= n_cols) {
				col = 0;
				p++;
			}
			y = top;
		}
		if (w && p == page) {
			int x = col * colw;
			if (items[i].kind == H_SECTION)
				term_put_styled(w, y, x + 1, _(items[i].text), colw - 2, 0, ST_LABEL);
			else if (items[i].kind == H_KEY) {
				term_put_styled(w, y, x + 2, items[i].keys, kw, 1, ST_LABEL);
				fmt_wrap(w, y, x + kw + 4, _(items[i].text), colw - kw - 6, 0, rows - y, ST_NORMAL);
			}
		}
		y += need;
	}
	return p + 1;
}

static void help_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct help_view *h = sc->data;
	const struct screen_ops *below = ui_screen_below(sc->ui);
	const struct screen *below_sc = sc->ui->depth >= 2 ? &sc->ui->stack[sc->ui->depth - 2] : NULL;
	size_t own = below ? below->n_actions : 0, n = 0;
	int editing = below_sc && below->wants_text && below->wants_text(below_sc);
	struct help_item *items = calloc(own + ui_n_global_actions + ui_n_edit_keys + 5, sizeof *items);
	int kw, n_cols = 1, colw = cols;
	char title[256];

	if (!items)
		return;
	if (own) {
		items[n++] = (struct help_item){ H_SECTION, NULL, N_("On this screen") };
		for (size_t i = 0; i < own; i++)
			items[n++] = (struct help_item){ H_KEY, ui_keys_of(below, below->actions[i].id), below->actions[i].help };
		items[n++] = (struct help_item){ H_GAP, NULL, NULL };
	}
	/* The editing keys of screens/input.c, for a screen with a text field open. */
	if (editing) {
		items[n++] = (struct help_item){ H_SECTION, NULL, N_("Editing text") };
		for (size_t i = 0; i < ui_n_edit_keys; i++)
			items[n++] = (struct help_item){ H_KEY, _(ui_edit_keys[i].keys), ui_edit_keys[i].help };
		items[n++] = (struct help_item){ H_GAP, NULL, NULL };
	}
	items[n++] = (struct help_item){ H_SECTION, NULL, N_("Everywhere") };
	for (size_t i = 0; i < ui_n_global_actions; i++)
		items[n++] = (struct help_item){ H_KEY, ui_keys_of(NULL, ui_global_actions[i].id), ui_global_actions[i].help };
	/* The keys take only the room they need (16 at most), the help texts the rest. */
	kw = widest_keys(ui_global_actions, ui_n_global_actions, NULL, 4);
	if (own)
		kw = widest_keys(below->actions, own, below, kw);
	for (size_t i = 0; editing && i < ui_n_edit_keys; i++)
		if (term_width(_(ui_edit_keys[i].keys)) > kw)
			kw = term_width(_(ui_edit_keys[i].keys));
	if (kw > 16)
		kw = 16;
	h->pages = help_flow(NULL, items, n, 2, rows, colw, 1, kw, 0);
	if (h->pages > 1 && cols >= 80) {
		n_cols = 2;
		colw = cols / 2;
		h->pages = help_flow(NULL, items, n, 2, rows, colw, n_cols, kw, 0);
	}
	if (h->page >= h->pages)
		h->page = h->pages - 1;
	term_fill(w, 0, 0, cols, ST_TITLE);
	if (h->pages > 1)
		snprintf(title, sizeof title, _("Keys, page %d of %d — PgDn, PgUp turn; any other key closes this help"),
			 h->page + 1, h->pages);
	else
		snprintf(title, sizeof title, "%s", _("Keys — any key closes this help"));
	term_put_styled(w, 0, 1, title, cols - 2, 0, ST_TITLE);
	help_flow(w, items, n, 2, rows, colw, n_cols, kw, h->page);
	free(items);
}

static const struct screen_ops help_screen = {
	.name = "help",
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.close = help_close,
};
