/*
 * test_columns.c - the shared column layout of the list screens (screens/columns.c): at a
 * given width the lowest-priority columns give way first, the flexible ones shrink to
 * their minimum before anything is hidden and share the room left over, the columns marked
 * COL_KEEP never go, nothing ends past the last column, and widths are display widths
 * (CJK two columns, combining marks none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "screens/columns.h"

/* The worklist's columns as screens/worklist.c declares them. */
enum { CASE, WORKFLOW, STATE, DEADLINE, ASSIGNEE, PERSON, N_WL };

static void worklist(struct col c[N_WL])
{
	struct col def[N_WL] = {
		[CASE] = { .head = "Case", .min = 18, .pref = 18, .prio = 90 },
		[WORKFLOW] = { .head = "Workflow", .min = 8, .pref = 16, .prio = 20 },
		[STATE] = { .head = "State", .min = 10, .pref = 24, .prio = 40, .flex = 1 },
		[DEADLINE] = { .head = "Deadline", .min = 12, .pref = 14, .prio = COL_KEEP },
		[ASSIGNEE] = { .head = "Assignee", .min = 8, .pref = 11, .prio = 10 },
		[PERSON] = { .head = "Person", .min = 14, .pref = 28, .prio = COL_KEEP, .flex = 1 },
	};
	for (int i = 0; i < N_WL; i++)
		c[i] = def[i];
}

/* Nothing ends past width - 1 (one column kept free at the right edge), nothing overlaps. */
static void fits(const struct col *c, size_t n, int width)
{
	int end = 0;
	for (size_t i = 0; i < n; i++) {
		if (!c[i].w)
			continue;
		assert_true(c[i].x > end || (end == 0 && c[i].x == 1));
		end = c[i].x + c[i].w;
		assert_true(end <= width - 1);
	}
}

static void at_80_the_assignee_goes_first(void **state)
{
	struct col c[N_WL];
	(void)state;
	worklist(c);
	/* 18+8+10+12+8+14 = 70 and 5 gaps: 75 fit in 78, so at 80 every column shows ... */
	assert_int_equal(cols_layout(c, N_WL, 80), N_WL);
	fits(c, N_WL, 80);
	/* ... the most important first up to its wish: the deadline, then the person. */
	assert_int_equal(c[DEADLINE].w, 14);
	assert_int_equal(c[PERSON].w, 15);
	/* At 70 the least important gives way: the assignee. */
	worklist(c);
	assert_int_equal(cols_layout(c, N_WL, 70), 5);
	fits(c, N_WL, 70);
	assert_int_equal(c[ASSIGNEE].w, 0);
	/* At 60 the workflow too; person and deadline stay. */
	worklist(c);
	assert_int_equal(cols_layout(c, N_WL, 60), 4);
	fits(c, N_WL, 60);
	assert_int_equal(c[ASSIGNEE].w, 0);
	assert_int_equal(c[WORKFLOW].w, 0);
	assert_true(c[PERSON].w >= 14);
	assert_true(c[DEADLINE].w >= 12);
	assert_true(c[STATE].w >= 10);
}

static void name_and_deadline_never_go(void **state)
{
	struct col c[N_WL];
	(void)state;
	worklist(c);
	/* 40 columns: only what never goes is left, cut to fit. */
	assert_int_equal(cols_layout(c, N_WL, 40), 2);
	fits(c, N_WL, 40);
	assert_true(c[DEADLINE].w > 0);
	assert_true(c[PERSON].w > 0);
	assert_int_equal(c[CASE].w, 0);
	/* Narrower than both at their minimum: cut from the right, never hidden. */
	worklist(c);
	assert_int_equal(cols_layout(c, N_WL, 20), 2);
	fits(c, N_WL, 20);
	assert_true(c[PERSON].w >= 1 && c[DEADLINE].w >= 1);
}

static void wide_screens_grow_the_flexible_columns(void **state)
{
	struct col c[N_WL];
	(void)state;
	worklist(c);
	assert_int_equal(cols_layout(c, N_WL, 200), N_WL);
	fits(c, N_WL, 200);
	/* Fixed columns at their wish, the room left shared between state and person. */
	assert_int_equal(c[CASE].w, 18);
	assert_int_equal(c[WORKFLOW].w, 16);
	assert_int_equal(c[DEADLINE].w, 14);
	assert_int_equal(c[ASSIGNEE].w, 11);
	assert_true(c[STATE].w > 24 && c[PERSON].w > 28);
	assert_true(c[STATE].w - c[PERSON].w <= 4 + 1 && c[PERSON].w - c[STATE].w <= 4 + 1);
	/* Every column is used: the last one ends at the right margin. */
	assert_int_equal(c[PERSON].x + c[PERSON].w, 199);
	/* In declared order, one space apart. */
	assert_int_equal(c[CASE].x, 1);
	assert_int_equal(c[WORKFLOW].x, 20);
}

static void flexible_shrink_before_anything_goes(void **state)
{
	struct col c[3] = {
		{ .head = "a", .min = 10, .pref = 30, .prio = 50, .flex = 1 },
		{ .head = "b", .min = 10, .pref = 10, .prio = 10 },
		{ .head = "c", .min = 10, .pref = 30, .prio = COL_KEEP, .flex = 1 },
	};
	(void)state;
	/* 38 available: 10+10+10+2 = 32 fit, so b stays though a and c are far from 30. */
	assert_int_equal(cols_layout(c, 3, 40), 3);
	assert_int_equal(c[1].w, 10);
	assert_int_equal(c[0].w + c[1].w + c[2].w + 2, 38);
	/* The keeper gets its wish before the one of lower priority. */
	assert_int_equal(c[2].w, 16);
	assert_int_equal(c[0].w, 10);
}

static void display_width_not_bytes(void **state)
{
	struct col c = { .head = "x", .min = 4, .pref = 4, .max = 20 };
	(void)state;
	/* 山田太郎: four CJK characters, eight columns (twelve bytes). */
	col_want(&c, "山田太郎");
	assert_int_equal(c.pref, 8);
	/* Шевченко with a combining acute: eight columns, whatever the bytes. */
	c.pref = 4;
	col_want(&c, "Шевче\xcc\x81нко");
	assert_int_equal(c.pref, 8);
	/* A control character counts as it is shown: ESC as ^[ (two), CSI U+009B as <9B> (four). */
	assert_int_equal(col_text_width("Evil\x1b[2Jname"), 4 + 2 + 3 + 4);
	assert_int_equal(col_text_width("a\xc2\x9b"), 1 + 4);
	assert_int_equal(col_text_width("\xff"), 4);
	/* Capped at max. */
	col_want(&c, "a name far longer than the column may ever be");
	assert_int_equal(c.pref, 20);
	/* Never lowered. */
	col_want(&c, "ab");
	assert_int_equal(c.pref, 20);
}

static void room_past_the_content_stays_blank(void **state)
{
	struct col c[2] = {
		{ .head = "State", .min = 10, .pref = 10, .max = 30, .prio = 40, .flex = 1 },
		{ .head = "Person", .min = 14, .pref = 14, .max = 40, .prio = COL_KEEP, .flex = 1 },
	};
	(void)state;
	col_want(&c[0], "assessment");                       /* 10 */
	col_want(&c[1], "PROCHAZKOVA, ZUZANA MARIE ELISABETH ANNA-LENA");  /* 45, past its max */
	assert_int_equal(c[1].pref, 40);
	assert_int_equal(c[1].full, 45);
	cols_layout(c, 2, 200);
	/* The state needs no more than its content; the person grows to its whole name. */
	assert_int_equal(c[0].w, 10);
	assert_int_equal(c[1].w, 45);
	/* A column of negative priority never shows. */
	c[0].prio = -1;
	assert_int_equal(cols_layout(c, 2, 200), 1);
	assert_int_equal(c[0].w, 0);
	assert_int_equal(c[1].x, 1);
}

static void numbers_align_right(void **state)
{
	struct col c[2] = {
		{ .head = "State", .min = 10, .pref = 10, .prio = 10 },
		{ .head = "Open", .min = 8, .pref = 8, .prio = 10, .align = COL_RIGHT },
	};
	(void)state;
	cols_layout(c, 2, 80);
	/* "12" in an 8-wide column starting at 12 ends at its right edge. */
	assert_int_equal(c[1].x, 12);
	assert_int_equal(col_text_x(&c[1], 2), 18);
	assert_int_equal(col_text_x(&c[0], 2), 1);
	/* Text wider than the column starts at its left edge (and is cut there). */
	assert_int_equal(col_text_x(&c[1], 12), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_80_the_assignee_goes_first),
		cmocka_unit_test(name_and_deadline_never_go),
		cmocka_unit_test(wide_screens_grow_the_flexible_columns),
		cmocka_unit_test(flexible_shrink_before_anything_goes),
		cmocka_unit_test(display_width_not_bytes),
		cmocka_unit_test(room_past_the_content_stays_blank),
		cmocka_unit_test(numbers_align_right),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
