/* barcode.c - the Code 39 table and encoder; see barcode.h. */
#include "print/barcode.h"

#include <string.h>

/* Characters and their 9 elements (b s b s b s b s b), 1 = wide. */
static const struct {
	char ch;
	const char *elems;
} code39[] = {
	{ '0', "000110100" }, { '1', "100100001" }, { '2', "001100001" }, { '3', "101100000" },
	{ '4', "000110001" }, { '5', "100110000" }, { '6', "001110000" }, { '7', "000100101" },
	{ '8', "100100100" }, { '9', "001100100" }, { 'A', "100001001" }, { 'B', "001001001" },
	{ 'C', "101001000" }, { 'D', "000011001" }, { 'E', "100011000" }, { 'F', "001011000" },
	{ 'G', "000001101" }, { 'H', "100001100" }, { 'I', "001001100" }, { 'J', "000011100" },
	{ 'K', "100000011" }, { 'L', "001000011" }, { 'M', "101000010" }, { 'N', "000010011" },
	{ 'O', "100010010" }, { 'P', "001010010" }, { 'Q', "000000111" }, { 'R', "100000110" },
	{ 'S', "001000110" }, { 'T', "000010110" }, { 'U', "110000001" }, { 'V', "011000001" },
	{ 'W', "111000000" }, { 'X', "010010001" }, { 'Y', "110010000" }, { 'Z', "011010000" },
	{ '-', "010000101" }, { '.', "110000100" }, { ' ', "011000100" }, { '$', "010101000" },
	{ '/', "010100010" }, { '+', "010001010" }, { '%', "000101010" }, { '*', "010010100" },
};

static const char *lookup(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	for (size_t i = 0; i < sizeof code39 / sizeof code39[0]; i++)
		if (code39[i].ch == ch)
			return code39[i].elems;
	return NULL;
}

int code39_encode(const char *text, char *out, size_t size)
{
	size_t len = strlen(text), n = 0;
	/* start + text + stop, 9 elements each, a gap between characters, NUL */
	size_t need = (len + 2) * 10;
	if (size < need)
		return -1;
	for (size_t i = 0; i < len + 2; i++) {
		char ch = (i == 0 || i == len + 1) ? '*' : text[i - 1];
		if (ch == '*' && i != 0 && i != len + 1)
			return -1;
		const char *e = lookup(ch);
		if (!e)
			return -1;
		if (i > 0)
			out[n++] = 'n';   /* inter-character gap: a narrow space */
		for (int k = 0; k < 9; k++)
			out[n++] = e[k] == '1' ? 'w' : 'n';
	}
	out[n] = '\0';
	return (int)n;
}
