/*
 * libFuzzer target: one interactive line -> syntax_parse_line (with and
 * without -D defines), and on an error the message formatter, exactly as the
 * shell shows it. Built by `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "sb.h"
#include "syntax.h"


static const struct syn_define line_defs_v[] = {
	{"PORT", "8080"},
	{"LEVEL", "SOL_SOCKET"},
	{"COOKIE", "3021b9d889017eeb"},
	{"MSG", "\"hello\""},
	{"CMD", "`true`"},
};
static const struct syn_defines line_defs = {line_defs_v, sizeof line_defs_v / sizeof line_defs_v[0]};

static void line_one(const char *text, size_t len, const struct syn_defines *d)
{
	struct syn_event ev;
	struct syn_error err;
	memset(&ev, 0, sizeof ev);
	syntax_error_init(&err);
	int r = d ? syntax_parse_line_defs(text, len, 7, d, &ev, &err)
		  : syntax_parse_line(text, len, 7, &ev, &err);
	if (r == SYN_OK) {
		syntax_event_free(&ev);
	} else if (r == SYN_ERR) {
		const char *src;
		size_t n;
		struct sb out;
		sb_init(&out);
		syntax_find_line(text, len, 7, err.line, &src, &n);
		syntax_error_format(&err, "fuzz", src, n, &out);
		sb_free(&out);
	}
	syntax_error_free(&err);
}

int fuzz_line_one(const uint8_t *data, size_t size)
{
	/* A private copy of exactly size bytes, so any read past it is caught. */
	char *text = xmalloc(size ? size : 1);
	memcpy(text, data, size);
	line_one(text, size, NULL);
	line_one(text, size, &line_defs);
	free(text);
	return 0;
}

FUZZ_ENTRY(fuzz_line_one)
