/* csv.c - RFC 4180 quoting; see csv.h. */
#include "model/base/csv.h"

#include <string.h>

void csv_field(struct cd_buf *b, const char *text)
{
	if (!text)
		text = "";
	if (!strpbrk(text, ",\"\r\n")) {
		buf_puts(b, text);
		return;
	}
	buf_add(b, "\"", 1);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			buf_add(b, "\"", 1);
		buf_add(b, p, 1);
	}
	buf_add(b, "\"", 1);
}

int csv_record(FILE *f, const char *const *fields, size_t n)
{
	struct cd_buf b = CD_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_add(&b, ",", 1);
		csv_field(&b, fields[i]);
	}
	buf_add(&b, "\r\n", 2);
	int rc = b.failed || fwrite(buf_str(&b), 1, b.len, f) != b.len ? -1 : 0;
	buf_release(&b);
	return rc;
}
