/*
 * Unit tests for the teaching views' pure choices: when colour is on
 * (auto|always|never, a terminal, NO_COLOR) and the time column's names.
 */
#include "check.h"
#include "engine.h"

static void test_color_wanted(void)
{
	CHECK_INT(engine_color_wanted("always", false, NULL), 1);
	CHECK_INT(engine_color_wanted("always", true, "1"), 1); /* asked for: NO_COLOR is only a default */
	CHECK_INT(engine_color_wanted("never", true, NULL), 0);
	CHECK_INT(engine_color_wanted("auto", true, NULL), 1);
	CHECK_INT(engine_color_wanted("auto", false, NULL), 0);
	CHECK_INT(engine_color_wanted("auto", true, "1"), 0);
	CHECK_INT(engine_color_wanted("auto", true, ""), 1); /* no-color.org: an empty NO_COLOR does not count */
	CHECK_INT(engine_color_wanted("yes", true, NULL), -1);
}

static void test_time_names(void)
{
	CHECK_INT(engine_time_parse("relative"), ENGINE_TIME_RELATIVE);
	CHECK_INT(engine_time_parse("absolute"), ENGINE_TIME_ABSOLUTE);
	CHECK_INT(engine_time_parse("delta"), ENGINE_TIME_DELTA);
	CHECK_INT(engine_time_parse("later"), -1);
}

int main(void)
{
	RUN(test_color_wanted);
	RUN(test_time_names);
	CHECK_EXIT();
}
