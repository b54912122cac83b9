/*
 * fuzz_enrol.c - libFuzzer target for casedesk-enrol's request reader (app/enrol/io.c,
 * included here to reach its static take_line): the lines casedesk writes to the helper's
 * stdin.  Each input is some request lines; each goes through the reader thread's path
 * (parse, cmd check, cancel/status answered at once, busy, queued for the main thread),
 * the main thread's id handling runs on what was queued, and every line the helper writes
 * back must be a protocol line the client can read: a flat object with "id" and "error".
 * Needs GLib only for io.c's queue and cancellables; no device is touched.
 */
#define _GNU_SOURCE     /* memfd_create */
#include "app/enrol/io.c"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The helper's stdout is a memory file, read back after every input. */
static int out_fd = -1;

static void check_replies(void)
{
	off_t end = lseek(STDOUT_FILENO, 0, SEEK_CUR);
	char *text;

	if (end <= 0)
		return;
	if (!(text = malloc((size_t)end)) || pread(out_fd, text, (size_t)end, 0) != end)
		abort();
	for (char *p = text; p < text + end;) {
		char *nl = memchr(p, '\n', (size_t)(text + end - p));
		struct bw_msg m = BW_MSG_INIT;
		const char *why;
		long code;
		if (!nl)
			abort();                /* every reply ends in a newline */
		if (bw_parse(p, (size_t)(nl - p), &m, &why) || !bw_get(&m, "id") || bw_int(&m, "error", &code))
			abort();
		bw_msg_release(&m);
		p = nl + 1;
	}
	free(text);
	if (ftruncate(out_fd, 0) || lseek(STDOUT_FILENO, 0, SEEK_SET) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_msg *m;

	if (out_fd < 0) {
		queue = g_async_queue_new();
		if ((out_fd = memfd_create("enrol-out", 0)) < 0 || dup2(out_fd, STDOUT_FILENO) < 0)
			abort();
	}
	for (size_t at = 0; at < size;) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t take = nl ? (size_t)(nl - (data + at)) : size - at;
		/* An exact-size copy, as the reader hands over its line buffer's bytes. */
		char *line = malloc(take ? take : 1);
		if (!line)
			abort();
		memcpy(line, data + at, take);
		take_line(line, take);
		free(line);
		at += take + 1;
		/* What the main thread does with a queued request before any device. */
		while ((m = g_async_queue_try_pop(queue)) != NULL) {
			struct enrol_req r = { 0 };
			enrol_take_id(m, &r);
			r.msg = m;
			r.running = 1;
			if (!bw_str(m, "cmd") || strlen(r.id) >= sizeof r.id)
				abort();    /* only requests with a known cmd are queued */
			enrol_reply_error(&r, BW_OK, NULL);
			bw_msg_release(m);
			free(m);
		}
	}
	check_replies();
	return 0;
}
