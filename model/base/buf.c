/* buf.c - growable text with a ceiling; see buf.h. */
#include "model/base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct cd_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : CD_BUF_MAX_DEFAULT;
	b->failed = 0;
}

void buf_release(struct cd_buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct cd_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct cd_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, ncap;
	char *p;

	if (b->failed)
		return -1;
	if (need <= b->cap)
		return 0;
	if (need > b->max) {
		b->failed = 1;
		return -1;
	}
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (ncap > b->max)
		ncap = b->max;
	p = realloc(b->data, ncap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int buf_add(struct cd_buf *b, const char *text, size_t n)
{
	if (grow(b, n))
		return -1;
	memcpy(b->data + b->len, text, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct cd_buf *b, const char *text)
{
	return buf_add(b, text, strlen(text));
}

int buf_printf(struct cd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *buf_str(const struct cd_buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct cd_buf *b)
{
	char *d = b->data ? b->data : strdup("");
	buf_init(b, b->max);
	return d;
}
