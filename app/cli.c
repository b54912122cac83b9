/* cli.c - argument helpers, store opening and safe output shared by the commands. */
#include "app/cli.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/base/text.h"
#include "model/base/json.h"
#include "model/base/utf8.h"
#include "model/store/passphrase.h"
#include "model/store/users.h"
#include "print/case_form.h"

/* The folder a store file lies in ("." for a bare name), for the setgid checks below. */
static void store_folder(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		snprintf(dir, size, ".");
}

/*
 * Installed setgid (README, "An office server with thin clients"), a real store is safe only
 * while its folder is the group's alone: a folder others may enter or write lets them copy
 * the file or swap it.  casedesk refuses such a store rather than lend it the group.
 */
static int check_group_only(struct cli *c)
{
	char dir[4096];
	struct stat sd, sf;

	if (!privilege_setgid() || store_is_training(c->store))
		return CD_OK;
	store_folder(c->store_path, dir, sizeof dir);
	if (stat(dir, &sd) != 0 || stat(c->store_path, &sf) != 0 || sd.st_gid != getegid() || (sd.st_mode & 0007) ||
	    (sf.st_mode & 0007))
		return cd_error_set(&c->err, CD_EREFUSED,
				    _("%s: a real store on a server must sit in a folder of the group casedesk closed to "
				      "others (as root: chgrp casedesk FOLDER; chmod 2770 FOLDER; chmod o= STORE); "
				      "casedesk will not use it until it does"), c->store_path);
	return CD_OK;
}

/*
 * Installed setgid, casedesk lends its group only to a file in the group's own folder: a
 * file the user cannot read alone and that lies elsewhere (the biometric key, another
 * office's file) is refused before it is opened, so that --store tells nothing about it
 * (an auditor used "is not a SQLite file" as an oracle on /etc/casedesk/biometric.key).
 */
static int lend_group_only_to_its_folder(struct cli *c)
{
	char dir[4096];
	struct stat sd;
	int fd, e;

	if (!privilege_setgid())
		return CD_OK;
	if (privilege_as_user() != 0)
		return cd_error_set(&c->err, CD_EINTERNAL, _("cannot take the user's own group to read %s"), c->store_path);
	fd = open(c->store_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	e = errno;
	privilege_restore();
	if (fd >= 0) {
		close(fd);   /* the user's own file: nothing is lent */
		return CD_OK;
	}
	if (e != EACCES && e != EPERM)
		return CD_OK;   /* missing and the like: the store's own message says so */
	store_folder(c->store_path, dir, sizeof dir);
	if (stat(dir, &sd) == 0 && sd.st_gid == getegid() && !(sd.st_mode & 0007))
		return CD_OK;
	return cd_error_set(&c->err, CD_EREFUSED,
			    _("%s: you cannot read it yourself, and it is not in a folder of the group casedesk "
			      "closed to others (as root: chgrp casedesk FOLDER; chmod 2770 FOLDER; chmod o= STORE); "
			      "casedesk lends its group to a store only there"), c->store_path);
}

/*
 * After the store would not open: is it this account's permissions?  SQLite says only
 * "unable to open database file" (an -shm it may not read), and the checks before it "cannot
 * read"; a person needs to know which file or folder lacks which permission, and how it is
 * granted where this casedesk runs: installed setgid, the group casedesk must have it; a
 * plain build in a folder of the group casedesk is not the installed program; elsewhere the
 * owner grants it.  Replaces c->err and returns 1 when it found the missing permission.
 */
static int permission_hint(struct cli *c)
{
	char dir[4096], side[4200], what[4300], grant[600];
	const char *missing = NULL;
	struct stat sb;
	char account[64], owner[64], ogname[64];
	struct passwd *pw = getpwuid(getuid());
	struct group *gr;
	int have_cd_group = 0;
	gid_t cd_gid = 0;

	/* getpwuid and getgrnam answer in one static buffer each: copy before the next call. */
	snprintf(account, sizeof account, "%s", pw && pw->pw_name ? pw->pw_name : "NAME");
	if ((gr = getgrnam("casedesk"))) {
		have_cd_group = 1;
		cd_gid = gr->gr_gid;
	}

	store_folder(c->store_path, dir, sizeof dir);
	/* Each in the order the kernel meets them: the folder, the file, the files beside it. */
	if (faccessat(AT_FDCWD, dir, X_OK, AT_EACCESS) != 0 && (errno == EACCES || errno == EPERM)) {
		snprintf(what, sizeof what, "%s", dir);
		missing = _("the folder %s is closed to this account %s: it may not enter it (x)");
	} else if (faccessat(AT_FDCWD, c->store_path, R_OK | W_OK, AT_EACCESS) != 0 && (errno == EACCES || errno == EPERM)) {
		snprintf(what, sizeof what, "%s", c->store_path);
		missing = faccessat(AT_FDCWD, c->store_path, R_OK, AT_EACCESS) == 0
				  ? _("the store file %s is read-only for this account %s: casedesk reads and writes it (rw)")
				  : _("the store file %s is closed to this account %s: casedesk reads and writes it (rw)");
	} else {
		static const char *const sides[] = { "-wal", "-shm" };
		for (size_t i = 0; i < 2 && !missing; i++) {
			snprintf(side, sizeof side, "%s%s", c->store_path, sides[i]);
			if (faccessat(AT_FDCWD, side, R_OK | W_OK, AT_EACCESS) != 0 && (errno == EACCES || errno == EPERM)) {
				snprintf(what, sizeof what, "%s", side);
				missing = _("%s, which SQLite keeps beside the store, is closed to this account %s: it must "
					    "read and write it (rw)");
			}
		}
		if (!missing && faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0 && (errno == EACCES || errno == EPERM)) {
			snprintf(what, sizeof what, "%s", dir);
			missing = _("the folder %s is read-only for this account %s: SQLite makes STORE-wal and "
				    "STORE-shm there (w)");
		}
	}
	if (!missing || stat(what, &sb) != 0)
		return 0;
	pw = getpwuid(sb.st_uid);
	snprintf(owner, sizeof owner, "%s", pw && pw->pw_name ? pw->pw_name : "?");
	gr = getgrgid(sb.st_gid);
	snprintf(ogname, sizeof ogname, "%s", gr && gr->gr_name ? gr->gr_name : "?");
	int is_dir = S_ISDIR(sb.st_mode);
	if (sb.st_uid == getuid())
		snprintf(grant, sizeof grant, _("it is the account's own: chmod u+%s %s"), is_dir ? "rwx" : "rw", what);
	else if (privilege_setgid())
		snprintf(grant, sizeof grant,
			 _("casedesk runs with the group casedesk, which must have it: as root, chgrp casedesk %s; "
			   "chmod %s %s"),
			 what, is_dir ? "2770" : "g+rw", what);
	else if (have_cd_group && sb.st_gid == cd_gid)
		snprintf(grant, sizeof grant,
			 _("this casedesk is not the installed one: `make install` as root installs casedesk setgid "
			   "to the group casedesk (PREFIX/bin, mode 2755), which alone opens the store; run that one. "
			   "(adduser %s casedesk would open it too, and to sqlite3 as well, so the README advises against it)"),
			 account);
	else
		/* Never "join the file's group": that may be root or someone's own group, and any
		 * account in the store's group opens it with sqlite3 too.  The store belongs to the
		 * group casedesk and is opened through the setgid program (README, "An office server
		 * with thin clients"). */
		snprintf(grant, sizeof grant,
			 _("as root, give it to the group casedesk: chgrp casedesk %s; chmod %s %s; and run the casedesk "
			   "that `make install` installs setgid to that group (README, \"An office server with thin "
			   "clients\"); do not add accounts to the group %s or to casedesk"),
			 what, is_dir ? "2770" : "g+rw", what, ogname);
	char why[4600], details[200];
	snprintf(details, sizeof details, _("(mode %03o, owner %s, group %s)"), (unsigned)(sb.st_mode & 0777), owner,
		 ogname);
	snprintf(why, sizeof why, missing, what, details);
	cd_error_set(&c->err, CD_ESTORE, _("the account %s cannot open the store %s: %s; %s"), account, c->store_path,
		     why, grant);
	return 1;
}

/*
 * On a real store only casedesk users read anything, `user list` and `store check`
 * included: an OS account that is no user is refused here, naming what to ask the admin
 * (user_resolve).  A training store holds no one's data and keeps its --user rules.
 */
int cli_open_store(struct cli *c)
{
	int rc;

	if (c->store)
		return CD_OK;
	if (!c->store_path || !*c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("which store? give --store FILE or set CASEDESK_STORE"));
	if ((rc = lend_group_only_to_its_folder(c)))
		return rc;
	if ((rc = store_open(c->store_path, &c->store, &c->err))) {
		if (rc == CD_ESTORE)
			permission_hint(c);
		return rc;
	}
	/* A field kit's users are proved by their passphrase (cli_open_acting), not the OS account. */
	int kit = 0;
	if ((rc = check_group_only(c)) != CD_OK || (rc = kit_store_is(c->store, &kit, &c->err)) != CD_OK ||
	    (!store_is_training(c->store) && !kit && !c->creating &&
	     (rc = user_resolve(c->store, c->user, &c->actor, &c->err)))) {
		store_close(c->store);
		c->store = NULL;
	}
	return rc;
}

/* One line from fd, a byte at a time so that the next read gets the next line. */
static int read_line_fd(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int over = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (ch == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = ch;
		else
			over = 1;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return over ? -2 : (int)n;
}

int cli_read_secret(struct cli *c, const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd, n, restore = 0;

	buf[0] = '\0';
	if (c->passphrase_fd >= 0) {
		if ((n = read_line_fd(c->passphrase_fd, buf, size)) == -2)
			return cd_error_set(&c->err, CD_EINPUT, _("a passphrase may have at most %d bytes"),
					    (int)size - 2);
		if (n <= 0)
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("--passphrase-fd %d gave no passphrase (an empty line or the end)"),
					    c->passphrase_fd);
		return CD_OK;
	}
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("this store is a field kit: a passphrase is needed, and there is no terminal to "
				      "type it; scripts give it with --passphrase-fd N"));
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; the read below still works. */
	}
	n = read_line_fd(fd, buf, size);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* as above */
	}
	close(fd);
	if (n == -2)
		return cd_error_set(&c->err, CD_EINPUT, _("a passphrase may have at most %d bytes"), (int)size - 2);
	if (n <= 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("no passphrase given"));
	return CD_OK;
}

int cli_open_acting(struct cli *c)
{
	char pass[PASSPHRASE_MAX_BYTES + 2], prompt[128];
	int rc = cli_open_store(c), kit;

	if (rc || (rc = kit_store_is(c->store, &kit, &c->err)))
		return rc;
	if (!kit)
		return user_resolve(c->store, c->user, &c->actor, &c->err);
	/* A field kit: one OS account for everyone, so it proves nothing; the passphrase decides. */
	if (!c->user || !*c->user)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("this store is a field kit shared by several users: say who you are with "
				      "--user NAME or CASEDESK_USER"));
	snprintf(prompt, sizeof prompt, _("passphrase of %s: "), c->user);
	if (!(rc = cli_read_secret(c, prompt, pass, sizeof pass)))
		rc = passphrase_login(c->store, c->user, pass, &c->actor, &c->err);
	explicit_bzero(pass, sizeof pass);
	return rc;
}

int cli_load_workflows(struct cli *c)
{
	if (c->reg)
		return CD_OK;
	/* The store's installed versions, never a folder: CASEDESK_DATA changes no rules. */
	int rc = cli_open_store(c);
	if (rc == CD_OK)
		rc = registry_open(c->store, &c->reg, &c->err);
	if (rc == CD_OK) {
		char lang[8];
		case_form_lang(NULL, lang);   /* the language of the messages, as forms take it */
		cli_display_lang(c, lang);
	}
	return rc;
}

int cli_load_workflow_files(struct cli *c)
{
	char dir[4096];

	if (c->reg)
		return CD_OK;
	snprintf(dir, sizeof dir, "%s/workflows", cd_data_dir());
	return registry_load(dir, &c->reg, &c->err);
}

int cli_install_shipped(struct cli *c)
{
	struct cd_actor admin;
	char dir[4096];
	int rc;

	/* The store was just made: its first admin (the OS account, or the training "admin")
	 * installs what the package ships, whoever --user names. */
	int kit = 0;
	if ((rc = cli_open_store(c)) || (rc = kit_store_is(c->store, &kit, &c->err)) ||
	    (rc = kit && c->user && *c->user ? user_by_name(c->store, c->user, &admin, &c->err)
					     : user_resolve(c->store, store_is_training(c->store) ? "admin" : NULL,
							    &admin, &c->err)))
		return rc;
	snprintf(dir, sizeof dir, "%s/workflows", cd_data_dir());
	return registry_install_dir(c->store, &admin, dir, &c->err);
}

void cli_display_lang(struct cli *c, const char *lang)
{
	if (c->reg)
		registry_set_lang(c->reg, lang);
	countries_set_lang(lang);
}

static void remove_words(struct cli *c, int at, int n)
{
	memmove(&c->argv[at], &c->argv[at + n], (size_t)(c->argc - at - n) * sizeof *c->argv);
	c->argc -= n;
}

const char *cli_take(struct cli *c, const char *name)
{
	size_t len = strlen(name);
	for (int i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, name, len) != 0)
			continue;
		if (a[len] == '=') {
			remove_words(c, i, 1);
			return a + len + 1;
		}
		if (a[len] != '\0')
			continue;
		if (i + 1 >= c->argc) {
			cd_error_set(&c->err, CD_EUSAGE, _("%s needs a value"), name);
			remove_words(c, i, 1);
			return NULL;
		}
		const char *v = c->argv[i + 1];
		remove_words(c, i, 2);
		return v;
	}
	return NULL;
}

int cli_flag(struct cli *c, const char *name)
{
	for (int i = 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "--") == 0)
			break;
		if (strcmp(c->argv[i], name) == 0) {
			remove_words(c, i, 1);
			return 1;
		}
	}
	return 0;
}

int cli_positional(struct cli *c, int min, int max, const char *usage)
{
	int n = 0;
	if (c->err.code)
		return c->err.code;
	for (int i = 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "--") == 0) {
			remove_words(c, i, 1);
			n += c->argc - i;
			break;
		}
		if (strncmp(c->argv[i], "--", 2) == 0)
			return cd_error_set(&c->err, CD_EUSAGE, _("unknown option %s; usage: casedesk %s"),
					    c->argv[i], usage);
		n++;
	}
	if (n < min || n > max)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	return CD_OK;
}

/* ---- output -------------------------------------------------------------------------- */

/* Writes text, showing what a terminal would execute; returns the columns it took. */
static int write_safe(FILE *f, const char *text)
{
	int cols = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p) {
		wchar_t wc;
		size_t n = utf8_decode(p, &wc);
		if (n == 0 || wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0)) {
			/* ESC, other controls, C1 and malformed bytes: visible, not executed. */
			size_t k = n ? n : 1;
			for (size_t i = 0; i < k; i++) {
				fprintf(f, "\\x%02x", p[i]);
				cols += 4;
			}
			p += k;
			continue;
		}
		if (text_is_bidi_control((uint32_t)wc)) {
			/* RLO, LRM and the like: named, not obeyed, so they cannot reorder the line. */
			cols += fprintf(f, "<U+%04X>", (unsigned)wc);
			p += n;
			continue;
		}
		fwrite(p, 1, n, f);
		int w = text_char_width((uint32_t)wc);   /* libunistring's, not the locale's */
		cols += w > 0 ? w : 0;
		p += n;
	}
	return cols;
}

void out_safe(FILE *f, const char *text)
{
	write_safe(f, text);
}

void out_safef(FILE *f, const char *fmt, ...)
{
	char small[512], *text = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof small) {
		if (!(text = malloc((size_t)n + 1)))
			return;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	/* The line's own end (from fmt, not from a text) stays a newline. */
	size_t len = strlen(text), flen = strlen(fmt);
	int eol = flen > 0 && fmt[flen - 1] == '\n' && len > 0 && text[len - 1] == '\n';
	if (eol)
		text[len - 1] = '\0';
	write_safe(f, text);
	if (eol)
		fputc('\n', f);
	if (text != small)
		free(text);
}

void out_safe_lines(FILE *f, const char *text)
{
	const char *p = text ? text : "";

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		if (!line)
			return;
		write_safe(f, line);
		free(line);
		if (p[len] == '\n') {
			fputc('\n', f);
			len++;
		}
		p += len;
	}
}

FILE *cli_report_open(struct cli_report *r)
{
	r->text = NULL;
	r->len = 0;
	r->f = open_memstream(&r->text, &r->len);
	return r->f ? r->f : stderr;
}

void cli_report_flush(struct cli_report *r, FILE *to)
{
	if (!r->f)
		return;
	fclose(r->f);
	r->f = NULL;
	out_safe_lines(to, r->text);
	free(r->text);
	r->text = NULL;
}

void out_safe_pad(FILE *f, const char *text, int width)
{
	int cols = write_safe(f, text);
	for (; cols < width; cols++)
		fputc(' ', f);
}

void cli_day(long day, char *buf, size_t size)
{
	if (day < 0)
		snprintf(buf, size, "-");
	else
		cd_days_format(day, buf, (unsigned)size);
}

int cli_json_print(struct cli *c, const struct json_writer *w)
{
	int rc = json_done(w, &c->err);
	if (rc == CD_OK) {
		fputs(buf_str(w->out), stdout);
		fputc('\n', stdout);
	}
	return rc;
}

void cli_json_error(const struct cli *c, int rc)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;

	/* Errors name fields and record ids, never personal data, so they may go out as they are. */
	json_init(&w, &b);
	json_object(&w);
	json_key(&w, "error");
	json_object(&w);
	json_kv_int(&w, "code", rc);
	json_kv_string(&w, "kind", cd_code_name(rc));
	json_kv_string(&w, "message", c->err.msg);
	json_object_end(&w);
	json_object_end(&w);
	if (json_done(&w, NULL) == CD_OK) {
		fputs(buf_str(&b), stdout);
		fputc('\n', stdout);
	}
	buf_release(&b);
}
