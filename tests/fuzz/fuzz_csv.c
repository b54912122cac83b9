/*
 * fuzz_csv.c - libFuzzer target for model/base/csv.c, the RFC 4180 writer behind every
 * export.  The input, cut at its NUL bytes, is a record's fields (any bytes: names hold
 * commas, quotes and line breaks); csv_record writes it, and a strict RFC 4180 reader here
 * must get exactly those fields back, so no value can shift another into the wrong column.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 64

/* Reads one CRLF-terminated record of `text` and checks it field by field; aborts on any
 * difference or on text a strict reader would refuse. */
static void read_back(const char *text, size_t len, char *const *fields, size_t n)
{
	size_t at = 0, i = 0;
	struct cd_buf f = CD_BUF_INIT;

	for (;;) {
		buf_reset(&f);
		buf_add(&f, "", 0);
		if (at < len && text[at] == '"') {
			at++;
			for (;;) {
				if (at >= len)
					abort();            /* quote never closed */
				if (text[at] == '"') {
					if (at + 1 < len && text[at + 1] == '"') {
						buf_add(&f, "\"", 1);
						at += 2;
						continue;
					}
					at++;
					break;
				}
				buf_add(&f, text + at++, 1);
			}
		} else {
			while (at < len && text[at] != ',' && !(text[at] == '\r' && at + 1 < len && text[at + 1] == '\n')) {
				if (text[at] == '"' || text[at] == '\r' || text[at] == '\n')
					abort();            /* must have been quoted */
				buf_add(&f, text + at++, 1);
			}
		}
		if (i >= n || strcmp(buf_str(&f), fields[i]) != 0)
			abort();
		i++;
		if (at < len && text[at] == ',') {
			at++;
			continue;
		}
		if (at + 2 != len || text[at] != '\r' || text[at + 1] != '\n')
			abort();                    /* one CRLF ends the record, nothing after it */
		break;
	}
	if (i != n)
		abort();
	buf_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *fields[MAX_FIELDS], *out = NULL;
	size_t n = 0, out_len = 0;
	FILE *f;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; n < MAX_FIELDS;) {
		fields[n++] = p;
		char *nul = memchr(p, '\0', size - (size_t)(p - copy) + 1);
		if (nul == copy + size)
			break;
		p = nul + 1;
	}
	f = open_memstream(&out, &out_len);
	if (!f) {
		free(copy);
		return 0;
	}
	if (csv_record(f, (const char *const *)fields, n) != 0)
		abort();
	fclose(f);
	read_back(out, out_len, fields, n);
	free(out);
	free(copy);
	return 0;
}
