/*
 * buf.h - a growable text buffer with a ceiling (after curl's dynbuf): text that comes
 * from outside never goes into a fixed array, and no buffer grows without bound.
 * JSON is written with model/base/json.h, which builds on this buffer.
 */
#ifndef CD_BUF_H
#define CD_BUF_H

#include <stddef.h>

struct cd_buf {
	char *data;     /* always NUL-terminated once anything was added */
	size_t len, cap, max;
	int failed;     /* an append hit the ceiling or memory ran out; the text is cut */
};

#define CD_BUF_MAX_DEFAULT (16u << 20)
#define CD_BUF_INIT { NULL, 0, 0, CD_BUF_MAX_DEFAULT, 0 }

void buf_init(struct cd_buf *b, size_t max);
void buf_release(struct cd_buf *b);
void buf_reset(struct cd_buf *b);
int buf_add(struct cd_buf *b, const char *text, size_t n);
int buf_puts(struct cd_buf *b, const char *text);
int buf_printf(struct cd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty); owned by the buffer. */
const char *buf_str(const struct cd_buf *b);
/* Hands the text to the caller (free() it) and empties the buffer. */
char *buf_detach(struct cd_buf *b);

#endif
