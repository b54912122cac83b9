/*
 * tool_ttybench.c - measures the TUI as a caseworker's terminal sees it, for `make bench`:
 * the real casedesk in a pseudo-terminal (forkpty), 100x30 or --size COLSxROWS, xterm.
 *   - start-up: from exec to the first complete frame (the status line drawn);
 *   - per keystroke while typing searches: bytes the program wrote to the terminal, and
 *     the program's own time from the key to the end of its redraw (CASEDESK_UI_TIMING,
 *     written by screens/ui.c), p50/p99;
 *   - peak resident memory (VmHWM) at the end.
 * usage: tool_ttybench [--size COLSxROWS] CASEDESK STORE QUERY...
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads what the program writes until it has been quiet for quiet_ms; returns bytes read. */
static size_t drain(int fd, int quiet_ms, char *seen, size_t seen_size, size_t *seen_len)
{
	size_t total = 0;
	char buf[65536];
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, quiet_ms);
		if (r <= 0)
			return total;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return total;
		total += (size_t)n;
		if (seen) {
			size_t room = seen_size - *seen_len - 1;
			size_t k = (size_t)n < room ? (size_t)n : room;
			memcpy(seen + *seen_len, buf, k);
			*seen_len += k;
			seen[*seen_len] = '\0';
		}
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct winsize ws = { 30, 100, 0, 0 };
	char timing[] = "/tmp/casedesk-ttybench.XXXXXX";
	int master, tfd;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "--size") == 0) {
		unsigned cols, rows;
		char end;
		if (sscanf(argv[2], "%ux%u%c", &cols, &rows, &end) != 2 || cols < 20 || cols > 1000 ||
		    rows < 5 || rows > 500) {
			fprintf(stderr, "tool_ttybench: --size wants COLSxROWS, like 80x24, not %s\n", argv[2]);
			return 2;
		}
		ws.ws_col = (unsigned short)cols;
		ws.ws_row = (unsigned short)rows;
		argv += 2;
		argc -= 2;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: tool_ttybench [--size COLSxROWS] CASEDESK STORE QUERY...\n");
		return 2;
	}
	if ((tfd = mkstemp(timing)) < 0)
		return 1;
	close(tfd);
	double t0 = now_ms();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		return 1;
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("CASEDESK_USER", "caseworker", 1);
		setenv("CASEDESK_UI_TIMING", timing, 1);
		execl(argv[1], argv[1], "--store", argv[2], (char *)NULL);
		_exit(127);
	}
	/* Start-up: until the status line (which carries "unsynced") has been drawn. */
	static char seen[1 << 20];
	size_t seen_len = 0;
	double t_first = -1;
	while (t_first < 0 && now_ms() - t0 < 30000) {
		drain(master, 5, seen, sizeof seen, &seen_len);
		if (strstr(seen, "unsynced"))
			t_first = now_ms() - t0;
	}
	drain(master, 100, NULL, 0, NULL);

	/* Typing searches: one key at a time, counting what each key makes the program write. */
	size_t cap = 4096, n = 0;
	double *bytes = malloc(cap * sizeof *bytes);
	if (write(master, "/", 1) != 1)
		return 1;
	drain(master, 100, NULL, 0, NULL);
	for (int q = 3; q < argc; q++) {
		for (const char *c = argv[q]; *c; c++) {
			/* One UTF-8 character at a time. */
			int len = 1;
			unsigned char u = (unsigned char)*c;
			if (u >= 0xf0) len = 4; else if (u >= 0xe0) len = 3; else if (u >= 0xc0) len = 2;
			if (write(master, c, (size_t)len) != len)
				return 1;
			c += len - 1;
			size_t b = drain(master, 40, NULL, 0, NULL);
			if (n < cap)
				bytes[n++] = (double)b;
		}
		/* Clear the line for the next query: ^U, as in a shell. */
		if (write(master, "\x15", 1) != 1)
			return 1;
		drain(master, 40, NULL, 0, NULL);
	}
	/* Peak memory before leaving. */
	char path[64], line[256];
	long hwm_kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *st = fopen(path, "r");
	while (st && fgets(line, sizeof line, st))
		if (strncmp(line, "VmHWM:", 6) == 0)
			hwm_kb = atol(line + 6);
	if (st)
		fclose(st);
	if (write(master, "\x1b", 1) != 1 || write(master, "\x11", 1) != 1)   /* Esc, ^Q */
		return 1;
	drain(master, 200, NULL, 0, NULL);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	/* The program's own key-to-redraw times. */
	double *us = malloc(cap * sizeof *us);
	size_t nus = 0;
	FILE *tf = fopen(timing, "r");
	while (tf && nus < cap && fscanf(tf, "%lf", &us[nus]) == 1)
		nus++;
	if (tf)
		fclose(tf);
	unlink(timing);

	qsort(bytes, n, sizeof *bytes, cmp);
	qsort(us, nus, sizeof *us, cmp);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += bytes[i];
	printf("startup_ms %.1f\n", t_first);
	printf("keys %zu\n", n);
	printf("bytes_per_key_mean %.0f\n", n ? sum / (double)n : 0);
	printf("bytes_per_key_p99 %.0f\n", n ? bytes[(size_t)(0.99 * (double)(n - 1))] : 0);
	printf("key_to_redraw_p50_ms %.2f\n", nus ? us[nus / 2] / 1000 : -1);
	printf("key_to_redraw_p99_ms %.2f\n", nus ? us[(size_t)(0.99 * (double)(nus - 1))] / 1000 : -1);
	printf("peak_rss_mb %.1f\n", hwm_kb / 1024.0);
	free(bytes);
	free(us);
	return 0;
}
