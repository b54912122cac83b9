/* cli.c - argument helpers, store opening and safe output shared by the commands. */
#include "app/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/base/json.h"
#include "model/base/utf8.h"
#include "model/store/passphrase.h"
#include "model/store/users.h"
#include "print/case_form.h"

int cli_open_store(struct cli *c)
{
	if (c->store)
		return CD_OK;
	if (!c->store_path || !*c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("which store? give --store FILE or set CASEDESK_STORE"));
	return store_open(c->store_path, &c->store, &c->err);
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
	char dir[4096];
	if (c->reg)
		return CD_OK;
	snprintf(dir, sizeof dir, "%s/workflows", cd_data_dir());
	int rc = registry_load(dir, &c->reg, &c->err);
	if (rc == CD_OK) {
		char lang[8];
		case_form_lang(NULL, lang);   /* the language of the messages, as forms take it */
		cli_display_lang(c, lang);
	}
	return rc;
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
