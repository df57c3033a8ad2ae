/*
 * Unit tests for json: escaping of quotes, backslashes and control bytes,
 * UTF-8 passed through, invalid bytes replaced, numbers and arrays.
 */
#include <string.h>

#include "check.h"
#include "json.h"

static const char *esc(const char *s, size_t n)
{
	static struct sb out = SB_INIT;
	sb_reset(&out);
	json_string(&out, s, n);
	return sb_str(&out);
}

static void test_escapes(void)
{
	CHECK_STR(esc("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(esc("l1\nl2\tx\r", 8), "\"l1\\nl2\\tx\\r\"");
	CHECK_STR(esc("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	CHECK_STR(esc("nul\0in", 6), "\"nul\\u0000in\"");
	CHECK_STR(esc("", 0), "\"\"");
}

static void test_utf8(void)
{
	CHECK_STR(esc("✓ → ·", strlen("✓ → ·")), "\"✓ → ·\"");
	CHECK_STR(esc("\xff", 1), "\"\\ufffd\"");                 /* never a UTF-8 byte */
	CHECK_STR(esc("a\xc3", 2), "\"a\\ufffd\"");               /* cut short */
	CHECK_STR(esc("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");      /* overlong '/' */
	CHECK_STR(esc("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\""); /* a UTF-16 surrogate */
	CHECK_STR(esc("\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");   /* U+1F600 */
}

static void test_object(void)
{
	struct sb out = SB_INIT;
	struct json j;
	json_object_begin(&j, &out);
	json_str(&j, "type", "segment");
	json_num(&j, "seq", 4294967295.0);
	json_num(&j, "time", 0.25);
	json_bool(&j, "ok", false);
	char *items[] = {"retransmission, RTO 0.2 s", "window \"full\""};
	json_str_array(&j, "annotations", items, 2);
	json_str_array(&j, "none", NULL, 0);
	json_object_end(&j);
	CHECK_STR(sb_str(&out), "{\"type\":\"segment\",\"seq\":4294967295,\"time\":0.250000,\"ok\":false,"
				"\"annotations\":[\"retransmission, RTO 0.2 s\",\"window \\\"full\\\"\"],\"none\":[]}");
	sb_free(&out);
}

int main(void)
{
	RUN(test_escapes);
	RUN(test_utf8);
	RUN(test_object);
	CHECK_EXIT();
}
