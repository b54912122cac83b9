/*
 * ui.h - the caseworker's terminal: a stack of screens over one store.
 *
 * Each screen is one file in screens/ exporting one `const struct screen_ops`.  The main
 * loop (ui.c) knows no screen by name: it draws the top screen and the status line,
 * turns a key into an action through the tables below (the same tables the `?` help
 * and the keymap in config read), and acts on what the screen answers.  Screens never
 * call each other: they ask for a screen by its kind (ui_open), or to go back; the loop
 * finds the screen in a table its caller gives (app/cmd_tui.c).  Screens speak
 * to model/ and workflow/ through their C APIs, never SQL.
 */
#ifndef CD_UI_H
#define CD_UI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "model/base/error.h"
#include "model/store/store.h"
#include "workflow/casework.h"

/* What a key handler answers (htop's HandlerResult). */
enum ui_result {
	UI_UNHANDLED = 0,
	UI_HANDLED = 1u << 0,
	UI_REDRAW = 1u << 1,   /* draw this screen again */
	UI_RELOAD = 1u << 2,   /* read the store again, then draw */
	UI_BACK = 1u << 3,     /* close this screen, back to the one below */
	UI_QUIT = 1u << 4,
};

/* Actions the main loop handles for every screen. */
enum ui_global_action {
	A_NONE = 0,
	A_QUIT = 1,
	A_BACK,
	A_HELP,
	A_SEARCH,
	A_WORKLIST,
	A_REGISTER,
	A_REPORTS,
	A_UP, A_DOWN, A_PAGE_UP, A_PAGE_DOWN, A_HOME, A_END,
	A_OPEN,
	A_NEXT_FIELD, A_PREV_FIELD,
	A_SAVE,
	A_RELOAD,
	A_SWITCH_USER,
	A_VIEW_MESSAGE,        /* the last message in full, in the text viewer */
	A_CONFLICTS,           /* the conflict queue sync leaves (screens/conflicts.c) */
	A_SCREEN_FIRST = 100,  /* screens number their own actions from here */
};

/* A curses KEY_ code handed to a screen is marked with this bit, to tell it from text. */
#define UI_FKEY 0x1000000u

/* One action: its name in the keymap, its default keys and its help line (N_() strings). */
struct ui_action {
	int id;
	const char *name;
	const char *keys;     /* space-separated key names: "Enter", "F5", "r", "^S", "Down" */
	const char *help;
};

struct ui;
struct screen;

struct screen_ops {
	const char *name;
	const struct ui_action *actions;   /* this screen's own, shown in its help */
	size_t n_actions;
	/* Printable keys go to the screen as text, not actions (a search line, an open form). */
	int (*wants_text)(const struct screen *sc);
	int (*open)(struct screen *sc, const char *arg, struct cd_error *err);
	void (*draw)(struct screen *sc, WINDOW *w, int rows, int cols);
	/* action from the tables (A_NONE for text); ch the character, or a KEY_ code | UI_FKEY */
	unsigned (*key)(struct screen *sc, int action, wint_t ch);
	void (*reload)(struct screen *sc);    /* another desk changed the store */
	/*
	 * The screen holds input not saved yet (a form typed into): the loop asks "Discard
	 * what you typed?" before Esc, a jump (F2 F3 F4 F6), F9 or quitting leaves it.  NULL:
	 * never.
	 */
	int (*dirty)(const struct screen *sc);
	void (*close)(struct screen *sc);
};

struct screen {
	const struct screen_ops *ops;
	struct ui *ui;
	void *data;
};

/*
 * The screens the loop may open, by kind: a screen asks for another by its kind (ui_open),
 * never by name, and the loop finds it in the table its caller gives (app/cmd_tui.c).
 */
enum ui_screen_kind {
	UI_WORKLIST,           /* the first screen, at the bottom of the stack */
	UI_SEARCH,
	UI_PERSON,             /* argument: a person number */
	UI_CASE,               /* argument: a case number */
	UI_REGISTER,
	UI_REPORTS,
	UI_ENROL,              /* argument: a person number */
	UI_ADMIN,              /* users and the office's settings (from the reports screen) */
	UI_VIEWER,             /* a long text in full: given with ui_view, not the argument */
	UI_CONFLICTS,          /* the conflict queue (supervisors) */
	UI_REVIEW,             /* possible duplicates from other offices (d on the worklist) */
	UI_CHECK_HITS,         /* check hits no supervisor has cleared (x on the worklist), issue 16 */
};

/* One entry of that table: a kind, its screen and the global action that opens it (or A_NONE). */
struct ui_screen_entry {
	enum ui_screen_kind kind;
	const struct screen_ops *ops;
	int action;
};

/* The whole table.  Its UI_WORKLIST entry opens first, and its action goes back down to it. */
struct ui_screens {
	const struct ui_screen_entry *entries;
	size_t n;
};

struct ui {
	const struct ui_screens *screens;
	struct cd_store *store;
	struct cd_actor actor;
	struct wf_registry *reg;
	struct screen stack[16];
	int depth;
	char message[1024];    /* under the screen: what just happened, or why not (F8 reads it whole) */
	int message_is_error;
	int64_t data_version;
	int64_t unsynced;
	char sync_word[40];    /* the last sync's outcome, as recorded by `casedesk sync`: "online 10:00", "offline 03-01", "never synced" */
	char kit_numbers[48];  /* a field kit running low on numbers: "2/10 numbers" (model/store/kit.h), else "" */
	char kit_name[24];               /* a field kit's name (K07), "" in an office store: read once, at start */
	int64_t checks_pending;  /* network checks waiting for the gateway (model/store/checkqueue.h) */
	int mono;              /* no colour: NO_COLOR, or the terminal has none */
	int shared;            /* the store belongs to another account: an office server's */
	/* A push asked for by a screen (ui_open) or the loop, done after the key is handled. */
	const struct screen_ops *push_ops;
	char push_arg[64];
	char last_message[1024]; /* the last message said, kept after the line is cleared */
	/* The text ui_view hands to the viewer (screens/viewer.c takes it; malloc'd). */
	char *view_title, *view_text;
};

/*
 * Idle minutes (fractions allowed) after which the screen locks (screens/lock.c); 0 never,
 * except on a field kit, where UI_KIT_LOCK_MAX_MINUTES is both the default and the most.
 * From [ui] lock_minutes (app/config.c), set before ui_run.
 */
#define UI_KIT_LOCK_MAX_MINUTES 15
void ui_set_lock_minutes(double minutes);
/* A line for the message line at start instead of the welcome (a missing locale, app/config.c). */
void ui_set_notice(const char *text);

/*
 * Runs the TUI over `screens` until the user quits; CD_OK or the error that stopped it.  On
 * a field kit it starts with the login screen, and `actor` only suggests the user name.
 */
int ui_run(struct cd_store *s, const struct cd_actor *actor, struct wf_registry *reg,
	   const struct ui_screens *screens, struct cd_error *err);

/* Asks the loop to open the screen of `kind` on top of this one once the key is handled. */
void ui_open(struct ui *ui, enum ui_screen_kind kind, const char *arg);
/*
 * Opens the text viewer on top of this screen once the key is handled: the whole of
 * `text` wrapped to the width and scrolled (text cut elsewhere is read in full here).
 */
void ui_view(struct ui *ui, const char *title, const char *text);
void ui_say(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Asks "Discard what you typed? y/n" on the message line and waits for the answer: 1 for
 * y (go on and lose it), 0 for anything else (the input stays).  For a screen leaving a
 * form of its own (the case screen's step form); the loop asks for the rest.
 */
int ui_ask_discard(struct ui *ui);

/*
 * The editing keys of a text field (those screens/input.c handles), for the help of a
 * screen with one open.
 */
struct ui_key_help {
	const char *keys;
	const char *help;  /* N_() */
};
extern const struct ui_key_help ui_edit_keys[];
extern const size_t ui_n_edit_keys;

/* The global action table, for the help screen. */
extern const struct ui_action ui_global_actions[];
extern const size_t ui_n_global_actions;
/* The screen under the help screen, whose keys it shows. */
const struct screen_ops *ui_screen_below(const struct ui *ui);
/* The key names bound to an action now (after the keymap in config), for help lines. */
const char *ui_keys_of(const struct screen_ops *ops, int action);

/*
 * Binds `action` (of the loop or of one of `screens`) to `keys` ("/ F8": names separated by spaces), over its default keys.
 * The settings file's [keys] section comes here through app/config.c, which reads every
 * setting with the one INI reader; an unknown action or key name is CD_EINPUT (the caller
 * adds FILE:LINE).
 */
int ui_keymap_set(const struct ui_screens *screens, const char *action, const char *keys, struct cd_error *err);

#endif
