/*
 * test_input.c - the text editor of screens/input.c without a terminal: a prefilled text
 * is replaced by the first key typed (`2026-06-02` then `2027-01-15` gives `2027-01-15`,
 * not both), moving the cursor first keeps it for editing, the shell keys (^U ^K ^W ^A
 * ^E), and long text wrapped into lines with the cursor moving up and down in them.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "screens/input.h"
#include "screens/ui.h"

static struct input in;

static void type(struct input *i, const char *s)
{
	for (; *s; s++)
		input_key(i, (wint_t)(unsigned char)*s);
}

static void key(struct input *i, int k)
{
	input_key(i, (wint_t)k | UI_FKEY);
}

static const char *text(const struct input *i)
{
	static char buf[INPUT_MAX * 4 + 1];
	input_get(i, buf, sizeof buf);
	return buf;
}

static void test_prefilled_replaced_by_first_key(void **state)
{
	(void)state;
	input_prefill(&in, "2026-06-02");
	assert_true(in.selected);
	type(&in, "2027-01-15");
	assert_string_equal(text(&in), "2027-01-15");
	/* input_set (the search line's arg, a line the reader typed) selects nothing */
	input_set(&in, "abc");
	type(&in, "d");
	assert_string_equal(text(&in), "abcd");
	/* entering a field selects again */
	input_select(&in);
	type(&in, "x");
	assert_string_equal(text(&in), "x");
	/* nothing to select in an empty field */
	input_prefill(&in, "");
	assert_false(in.selected);
}

static void test_moving_first_keeps_the_text(void **state)
{
	(void)state;
	input_prefill(&in, "2026-06-02");
	key(&in, KEY_LEFT);
	assert_false(in.selected);
	type(&in, "9");
	assert_string_equal(text(&in), "2026-06-092");
	input_prefill(&in, "2026-06-02");
	key(&in, KEY_HOME);
	type(&in, "x");
	assert_string_equal(text(&in), "x2026-06-02");
	input_prefill(&in, "2026-06-02");
	key(&in, KEY_END);
	type(&in, "x");
	assert_string_equal(text(&in), "2026-06-02x");
	/* Backspace on a selected text deletes all of it */
	input_prefill(&in, "2026-06-02");
	key(&in, KEY_BACKSPACE);
	assert_string_equal(text(&in), "");
	/* a control key that edits nothing leaves the selection */
	input_prefill(&in, "abc");
	input_key(&in, 2);
	type(&in, "z");
	assert_string_equal(text(&in), "z");
}

static void test_shell_keys(void **state)
{
	(void)state;
	input_set(&in, "proof of address");
	input_key(&in, 23);   /* ^W */
	assert_string_equal(text(&in), "proof of ");
	input_key(&in, 23);
	assert_string_equal(text(&in), "proof ");
	input_key(&in, 1);    /* ^A */
	assert_int_equal(in.cursor, 0);
	input_key(&in, 11);   /* ^K */
	assert_string_equal(text(&in), "");
	input_set(&in, "abc");
	input_key(&in, 1);
	input_key(&in, 5);    /* ^E */
	assert_int_equal(in.cursor, 3);
	input_key(&in, 21);   /* ^U */
	assert_string_equal(text(&in), "");
	input_set(&in, "abc");
	key(&in, KEY_LEFT);
	key(&in, KEY_DC);
	assert_string_equal(text(&in), "ab");
}

static void test_wrapped_lines(void **state)
{
	(void)state;
	/* 20 columns: the last is kept for the cursor, words break at spaces */
	input_set(&in, "The applicant lives with his family in the city since 2019.");
	assert_int_equal(input_rows(&in, 20), 4);   /* "The applicant lives " "with his family in " ... */
	assert_int_equal(input_rows(&in, 200), 1);
	input_set(&in, "");
	assert_int_equal(input_rows(&in, 20), 1);
	/* a word longer than the line breaks inside it */
	input_set(&in, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(input_rows(&in, 10), 4);
	/* a newline kept in the value starts a line */
	input_set(&in, "one\ntwo");
	assert_int_equal(input_rows(&in, 40), 2);
}

static void test_up_and_down(void **state)
{
	(void)state;
	/* lines at 10 (9 columns and the cursor's): "aaaa bbbb " "cccc dddd " "eeee ffff" */
	input_set(&in, "aaaa bbbb cccc dddd eeee ffff");
	assert_int_equal(input_rows(&in, 10), 3);
	int end = in.cursor;
	assert_int_equal(input_move_line(&in, 10, 1), 0);   /* on the last line: the form moves on */
	assert_int_equal(in.cursor, end);
	key(&in, KEY_LEFT);
	key(&in, KEY_LEFT);                                  /* column 7, before "ff" */
	assert_int_equal(input_move_line(&in, 10, -1), 1);
	assert_int_equal(in.cursor, 17);                     /* before "dd" */
	assert_int_equal(input_move_line(&in, 10, -1), 1);
	assert_int_equal(in.cursor, 7);
	assert_int_equal(input_move_line(&in, 10, -1), 0);   /* first line */
	/* typing goes where the cursor is */
	type(&in, "X");
	assert_string_equal(text(&in), "aaaa bbXbb cccc dddd eeee ffff");
	/* the text wraps again: "aaaa " "bbXbb " "cccc dddd " ...; the cursor is at column 3 of line 2 */
	assert_int_equal(input_rows(&in, 10), 4);
	assert_int_equal(input_move_line(&in, 10, 1), 1);
	assert_int_equal(in.cursor, 14);
	/* down keeps the column it started from across a short line */
	input_set(&in, "abcdefghij\nab\nabcdefghij");
	input_key(&in, 1);
	key(&in, KEY_RIGHT);
	for (int i = 0; i < 7; i++)
		key(&in, KEY_RIGHT);
	assert_int_equal(in.cursor, 8);
	assert_int_equal(input_move_line(&in, 40, 1), 1);
	assert_int_equal(in.cursor, 13);   /* the end of "ab" */
	assert_int_equal(input_move_line(&in, 40, 1), 1);
	assert_int_equal(in.cursor, 14 + 8);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefilled_replaced_by_first_key),
		cmocka_unit_test(test_moving_first_keeps_the_text),
		cmocka_unit_test(test_shell_keys),
		cmocka_unit_test(test_wrapped_lines),
		cmocka_unit_test(test_up_and_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
