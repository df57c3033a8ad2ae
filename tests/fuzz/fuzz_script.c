/*
 * libFuzzer target: a whole script file -> syntax_parse_script_defs (with
 * and without -D defines), and on an error the message formatter as
 * `tcpsh run` shows it. Built by `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "sb.h"
#include "syntax.h"


static const struct syn_define script_defs_v[] = {
	{"PORT", "8080"},
	{"LEVEL", "SOL_SOCKET"},
	{"COOKIE", "3021b9d889017eeb"},
	{"MSG", "\"hello\""},
	{"CMD", "`true`"},
};
static const struct syn_defines script_defs = {script_defs_v, sizeof script_defs_v / sizeof script_defs_v[0]};

static void script_one(const char *text, size_t len, const struct syn_defines *d)
{
	struct syn_script s;
	struct syn_error err;
	memset(&s, 0, sizeof s);
	syntax_error_init(&err);
	if (syntax_parse_script_defs(text, len, d, &s, &err) == SYN_OK) {
		syntax_script_free(&s);
	} else {
		const char *src;
		size_t n;
		struct sb out;
		sb_init(&out);
		syntax_find_line(text, len, 1, err.line, &src, &n);
		syntax_error_format(&err, "fuzz.pkt", src, n, &out);
		sb_free(&out);
	}
	syntax_error_free(&err);
}

int fuzz_script_one(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size ? size : 1);
	memcpy(text, data, size);
	script_one(text, size, NULL);
	script_one(text, size, &script_defs);
	free(text);
	return 0;
}

FUZZ_ENTRY(fuzz_script_one)
