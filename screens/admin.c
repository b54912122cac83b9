/*
 * admin.c - administration in the terminal (reached from the reports screen, F6 then A):
 * who works here (name, roles, OS account, whether the account may act) with their roles
 * changed, disabled or enabled, and new users added; and the office's own settings
 * (letterhead, appeal court, appeal time limit) shown and edited.  Every rule (admins only,
 * the last admin, one's own account, what a good value is) is the model's
 * (model/store/users.h, office.h): this screen asks and shows its answer, so the CLI and
 * the screen cannot disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/office.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "screens/input.h"
#include "screens/term.h"
#include "screens/ui.h"

enum { AD_ROLES = A_SCREEN_FIRST, AD_ACTIVE, AD_ADD, AD_TAB };

static const struct ui_action admin_actions[] = {
	{ AD_TAB, "admin-tab", "Tab", N_("switch between users and the office's settings") },
	{ A_OPEN, "open", "Enter", N_("users: change the highlighted user's roles; office: edit the setting") },
	{ AD_ROLES, "admin-roles", "r", N_("change the highlighted user's roles") },
	{ AD_ACTIVE, "admin-active", "d", N_("disable the highlighted user, or enable a disabled one") },
	{ AD_ADD, "admin-add", "a", N_("add a user (name, roles, workflows)") },
	{ A_UP, "up", "Up", N_("previous line") },
	{ A_DOWN, "down", "Down", N_("next line") },
};

/* What the prompt line asks for. */
enum ask { ASK_NONE, ASK_ROLES, ASK_NEW_NAME, ASK_NEW_ROLES, ASK_NEW_WORKFLOWS, ASK_OFFICE };

/* One line of the office tab: a known key or a language variant the store holds. */
struct office_row {
	char key[64];
	char *value;          /* NULL: not set */
	const char *help;
};

struct admin {
	int tab;                          /* 0 users, 1 office */
	struct cd_user *users;
	size_t n_users, sel_user;
	struct office_row *rows;
	size_t n_rows, sel_row;
	int own_letterhead;
	enum ask asking;
	struct input in;
	char new_name[64], new_roles[160];
};

static void free_rows(struct admin *a)
{
	for (size_t i = 0; i < a->n_rows; i++)
		free(a->rows[i].value);
	free(a->rows);
	a->rows = NULL;
	a->n_rows = 0;
}

/* The known keys in their order, each followed by its language variants the store holds. */
static int load_office(struct screen *sc, struct cd_error *err)
{
	struct admin *a = sc->data;
	struct cd_office_setting *set = NULL;
	struct cd_letterhead lh;
	size_t n = 0, nkeys;
	const struct cd_office_key *keys = office_keys(&nkeys);
	int rc;

	free_rows(a);
	if ((rc = office_list(sc->ui->store, &set, &n, err)) ||
	    (rc = office_letterhead(sc->ui->store, NULL, &lh, &a->own_letterhead, err)))
		goto out;
	office_letterhead_release(&lh);
	if (!(a->rows = calloc(nkeys + n, sizeof *a->rows))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t k = 0; k < nkeys; k++) {
		size_t len = strlen(keys[k].key);
		struct office_row *r = &a->rows[a->n_rows++];
		snprintf(r->key, sizeof r->key, "%s", keys[k].key);
		r->help = keys[k].help;
		for (size_t i = 0; i < n; i++)
			if (strcmp(set[i].key, keys[k].key) == 0)
				r->value = strdup(set[i].value);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(set[i].key, keys[k].key, len) != 0 || set[i].key[len] != '[')
				continue;
			struct office_row *v = &a->rows[a->n_rows++];
			snprintf(v->key, sizeof v->key, "%s", set[i].key);
			v->value = strdup(set[i].value);
			v->help = keys[k].help;
		}
	}
	if (a->sel_row >= a->n_rows)
		a->sel_row = a->n_rows ? a->n_rows - 1 : 0;
out:
	office_list_free(set, n);
	return rc;
}

static void load(struct screen *sc)
{
	struct admin *a = sc->data;
	struct cd_error err = CD_ERROR_INIT;

	user_list_free(a->users, a->n_users);
	a->users = NULL;
	a->n_users = 0;
	if (user_list(sc->ui->store, &a->users, &a->n_users, &err) != CD_OK || load_office(sc, &err) != CD_OK)
		ui_error(sc->ui, "%s", err.msg);
	if (a->sel_user >= a->n_users)
		a->sel_user = a->n_users ? a->n_users - 1 : 0;
}

static int admin_open(struct screen *sc, const char *arg, struct cd_error *err)
{
	(void)arg;
	if (!(sc->data = calloc(1, sizeof(struct admin))))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	load(sc);
	if (!(sc->ui->actor.roles & CD_ROLE_ADMIN))
		ui_say(sc->ui, "%s", _("you may look; only an admin may change users or the office's settings"));
	return CD_OK;
}

static void admin_close(struct screen *sc)
{
	struct admin *a = sc->data;
	user_list_free(a->users, a->n_users);
	free_rows(a);
	free(a);
}

static void draw_users(struct admin *a, WINDOW *w, int y, int rows, int cols)
{
	static const int x[] = { 1, 18, 45, 62 };
	const char *const head[] = { _("Name"), _("Roles"), _("OS account"), _("Account") };
	char line[256];
	int visible = rows - y - 3;
	size_t top = 0;

	term_columns(w, y++, x, head, 4, cols, ST_LABEL);
	if (visible < 1)
		visible = 1;
	if (a->sel_user >= (size_t)visible)
		top = a->sel_user - (size_t)visible + 1;
	for (size_t i = top; i < a->n_users && y < rows - 3; i++, y++) {
		const struct cd_user *u = &a->users[i];
		char roles[128];
		int sel = i == a->sel_user;
		enum term_style st = sel ? ST_SELECTED : u->active ? ST_NORMAL : ST_DIM;
		cd_roles_format(u->roles, roles, sizeof roles);
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		/* Names come from the store: drawn by term_put, never executed. */
		term_put_styled(w, y, x[0], u->name, x[1] - x[0] - 1, 0, st);
		term_put_styled(w, y, x[1], roles, x[2] - x[1] - 1, 0, st);
		term_put_styled(w, y, x[2], u->os_account ? u->os_account : "-", x[3] - x[2] - 1, 0, st);
		snprintf(line, sizeof line, "%s", u->active ? _("active") : _("disabled"));
		term_put_styled(w, y, x[3], line, cols - x[3] - 1, 0, u->active || sel ? st : ST_WARN);
	}
}

static void draw_office(struct screen *sc, struct admin *a, WINDOW *w, int y, int rows, int cols)
{
	char line[256];
	int visible = rows - y - 4;
	size_t top = 0;

	snprintf(line, sizeof line, _("Office %s — letterhead: %s"), store_office(sc->ui->store),
		 a->own_letterhead ? _("this store's settings")
				   : _("the package's office.ini, until a name is set"));
	term_put_styled(w, y++, 1, line, cols - 2, 0, ST_LABEL);
	if (visible < 1)
		visible = 1;
	if (a->sel_row >= (size_t)visible)
		top = a->sel_row - (size_t)visible + 1;
	for (size_t i = top; i < a->n_rows && y < rows - 4; i++, y++) {
		const struct office_row *r = &a->rows[i];
		int sel = i == a->sel_row;
		if (sel)
			term_fill(w, y, 0, cols, ST_SELECTED);
		/* 30 columns: the longest key with a language, employment_service_address[ru] */
		term_put_styled(w, y, 1, r->key, 30, 0, sel ? ST_SELECTED : ST_LABEL);
		term_put_styled(w, y, 32, r->value ? r->value : _("(not set)"), cols - 33, 0,
				sel ? ST_SELECTED : r->value ? ST_NORMAL : ST_DIM);
	}
	/* What the highlighted setting is for, under the list. */
	if (a->n_rows && y < rows - 3)
		term_put_styled(w, rows - 4, 1, _(a->rows[a->sel_row].help), cols - 2, 0, ST_DIM);
}

static const char *ask_label(const struct admin *a, char *buf, size_t size)
{
	switch (a->asking) {
	case ASK_ROLES:
		snprintf(buf, size, _("Roles of %s:"), a->users[a->sel_user].name);
		return buf;
	case ASK_NEW_NAME:
		return _("New user's name (their login account):");
	case ASK_NEW_ROLES:
		snprintf(buf, size, _("Roles of %s:"), a->new_name);
		return buf;
	case ASK_NEW_WORKFLOWS:
		snprintf(buf, size, _("Workflows of %s:"), a->new_name);
		return buf;
	case ASK_OFFICE:
		snprintf(buf, size, "%s:", a->rows[a->sel_row].key);
		return buf;
	case ASK_NONE:
		break;
	}
	return "";
}

static void admin_draw(struct screen *sc, WINDOW *w, int rows, int cols)
{
	struct admin *a = sc->data;
	char label[160];

	term_fill(w, 0, 0, cols, ST_TITLE);
	term_put_styled(w, 0, 1, _("Administration — users and the office's settings"), cols - 12, 0, ST_TITLE);
	term_put_styled(w, 0, cols - 10, _("? keys"), 9, 0, ST_TITLE);
	term_put_styled(w, 1, 1, _("Users"), 12, 0, a->tab == 0 ? ST_SELECTED : ST_DIM);
	term_put_styled(w, 1, 14, _("Office"), 12, 0, a->tab == 1 ? ST_SELECTED : ST_DIM);
	term_put_styled(w, 1, 28, _("(Tab switches)"), cols - 29, 0, ST_DIM);
	if (a->tab == 0)
		draw_users(a, w, 3, rows, cols);
	else
		draw_office(sc, a, w, 3, rows, cols);
	if (a->asking != ASK_NONE) {
		const char *l = ask_label(a, label, sizeof label);
		int lw = term_put_styled(w, rows - 3, 1, l, cols / 2, 0, ST_LABEL);
		input_draw(&a->in, w, rows - 3, lw + 2, cols - lw - 3, 1);
		term_put_styled(w, rows - 2, 1,
				a->asking == ASK_ROLES || a->asking == ASK_NEW_ROLES
					? _("clerk caseworker supervisor admin, separated by spaces; Enter saves, Esc cancels")
				: a->asking == ASK_NEW_WORKFLOWS
					? _("workflow ids separated by commas, all, or none; Enter adds, Esc cancels")
				: a->asking == ASK_OFFICE ? _("empty removes the setting; Enter saves, Esc cancels")
							  : _("Enter goes on, Esc cancels"),
				cols - 2, 0, ST_DIM);
	} else if (a->tab == 0) {
		term_put_styled(w, rows - 2, 1, _("r roles  d disable/enable  a add a user  Tab office  Esc back"), cols - 2,
				0, ST_DIM);
	} else {
		term_put_styled(w, rows - 2, 1, _("Enter edit the setting  Tab users  Esc back"), cols - 2, 0, ST_DIM);
	}
}

/* Typed role words into bits: 0 (with a message) when one is unknown or none is given. */
static unsigned parse_roles(struct screen *sc, const char *typed)
{
	char buf[160], *save = NULL;
	unsigned roles = 0;

	snprintf(buf, sizeof buf, "%s", typed);
	for (char *word = strtok_r(buf, " ,", &save); word; word = strtok_r(NULL, " ,", &save)) {
		unsigned bit = cd_role_from_name(word);
		if (!bit) {
			ui_error(sc->ui, _("%s is no role; roles are clerk, caseworker, supervisor, admin"), word);
			return 0;
		}
		roles |= bit;
	}
	if (!roles)
		ui_error(sc->ui, "%s", _("give at least one role: clerk, caseworker, supervisor, admin"));
	return roles;
}

static void start(struct admin *a, enum ask what, const char *text)
{
	a->asking = what;
	input_prefill(&a->in, text);   /* the value as it stands: the first key replaces it */
}

/* Enter on the prompt line: the change goes to the model, whose answer is shown. */
static void submit(struct screen *sc)
{
	struct admin *a = sc->data;
	struct cd_error err = CD_ERROR_INIT;
	char text[INPUT_MAX * 4 + 1];
	unsigned roles;
	int rc = CD_OK;

	input_get(&a->in, text, sizeof text);
	switch (a->asking) {
	case ASK_ROLES:
		if (!(roles = parse_roles(sc, text)))
			return;
		rc = user_set(sc->ui->store, &sc->ui->actor, a->users[a->sel_user].name, roles, NULL, &err);
		if (!rc)
			ui_say(sc->ui, _("changed the roles of %s"), a->users[a->sel_user].name);
		break;
	case ASK_NEW_NAME:
		if (!user_name_valid(text)) {
			ui_error(sc->ui, "%s", _("user name: use 2-32 characters a-z, 0-9, '.', '_' or '-', starting with a letter"));
			return;
		}
		snprintf(a->new_name, sizeof a->new_name, "%s", text);
		start(a, ASK_NEW_ROLES, "caseworker");
		return;
	case ASK_NEW_ROLES:
		if (!parse_roles(sc, text))
			return;
		snprintf(a->new_roles, sizeof a->new_roles, "%s", text);
		start(a, ASK_NEW_WORKFLOWS, "all");
		return;
	case ASK_NEW_WORKFLOWS:
		rc = user_add(sc->ui->store, &sc->ui->actor, a->new_name, parse_roles(sc, a->new_roles), NULL, text, &err);
		if (!rc)
			ui_say(sc->ui, _("added user %s"), a->new_name);
		break;
	case ASK_OFFICE:
		rc = office_set(sc->ui->store, &sc->ui->actor, a->rows[a->sel_row].key, text, &err);
		if (!rc)
			ui_say(sc->ui, _("office setting %s saved"), a->rows[a->sel_row].key);
		break;
	case ASK_NONE:
		return;
	}
	if (rc) {
		/* The prompt stays with what was typed, to be put right. */
		ui_error(sc->ui, "%s", err.msg);
		return;
	}
	a->asking = ASK_NONE;
	load(sc);
}

static unsigned ask_key(struct screen *sc, int action, wint_t ch)
{
	struct admin *a = sc->data;

	switch (action) {
	case A_BACK:
		a->asking = ASK_NONE;
		ui_say(sc->ui, "%s", _("nothing changed"));
		return UI_HANDLED;
	case A_OPEN:
		submit(sc);
		return UI_HANDLED;
	case A_QUIT:
	case A_HELP:
		return UI_UNHANDLED;
	}
	input_key(&a->in, ch);
	return UI_HANDLED;
}

static unsigned admin_key(struct screen *sc, int action, wint_t ch)
{
	struct admin *a = sc->data;
	size_t *sel = a->tab == 0 ? &a->sel_user : &a->sel_row;
	size_t n = a->tab == 0 ? a->n_users : a->n_rows;
	struct cd_error err = CD_ERROR_INIT;

	if (a->asking != ASK_NONE)
		return ask_key(sc, action, ch);
	switch (action) {
	case AD_TAB:
	case A_NEXT_FIELD:
	case A_PREV_FIELD:
		a->tab = !a->tab;
		return UI_HANDLED;
	case A_UP:
		if (*sel > 0)
			(*sel)--;
		return UI_HANDLED;
	case A_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return UI_HANDLED;
	case A_OPEN:
		if (a->tab == 1) {
			if (n)
				start(a, ASK_OFFICE, a->rows[a->sel_row].value ? a->rows[a->sel_row].value : "");
			return UI_HANDLED;
		}
		/* Enter on a user changes their roles. */
		/* fall through */
	case AD_ROLES:
		if (a->tab == 0 && n) {
			char roles[128];
			cd_roles_format(a->users[a->sel_user].roles, roles, sizeof roles);
			for (char *p = roles; *p; p++)
				if (*p == ',')
					*p = ' ';
			start(a, ASK_ROLES, roles);
		}
		return UI_HANDLED;
	case AD_ACTIVE:
		if (a->tab == 0 && n) {
			const struct cd_user *u = &a->users[a->sel_user];
			char name[64];
			int active = !u->active;
			snprintf(name, sizeof name, "%s", u->name);
			if (user_set_active(sc->ui->store, &sc->ui->actor, name, active, &err) != CD_OK) {
				ui_error(sc->ui, "%s", err.msg);
				return UI_HANDLED;
			}
			load(sc);
			ui_say(sc->ui, active ? _("enabled %s: they can act again") : _("disabled %s: they cannot act until enabled"),
			       name);
		}
		return UI_HANDLED;
	case AD_ADD:
		if (a->tab == 0)
			start(a, ASK_NEW_NAME, "");
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static int admin_wants_text(const struct screen *sc)
{
	const struct admin *a = sc->data;
	return a && a->asking != ASK_NONE;
}

const struct screen_ops admin_screen = {
	.name = "admin",
	.actions = admin_actions,
	.n_actions = sizeof admin_actions / sizeof admin_actions[0],
	.wants_text = admin_wants_text,
	.open = admin_open,
	.draw = admin_draw,
	.key = admin_key,
	.reload = load,
	.close = admin_close,
};
