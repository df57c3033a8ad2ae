/*
 * json: a small JSON writer on top of sb, for --json (one object per event).
 * Strings are escaped per RFC 8259: quotes, backslashes and control bytes
 * escaped, valid UTF-8 passed through, and bytes that are not valid UTF-8
 * replaced by U+FFFD, so the output always parses. Pure.
 */
#ifndef TCPSH_JSON_H
#define TCPSH_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

/* An object or array being written into out; n counts members for commas. */
struct json {
	struct sb *out;
	size_t n;
};

void json_string(struct sb *out, const char *s, size_t len); /* "..." escaped */
void json_object_begin(struct json *j, struct sb *out);      /* { */
void json_object_end(struct json *j);                         /* } */
void json_str(struct json *j, const char *key, const char *val);
void json_num(struct json *j, const char *key, double val);  /* integers print without a fraction */
void json_bool(struct json *j, const char *key, bool val);
/* "key": [ "a", "b" ] */
void json_str_array(struct json *j, const char *key, char *const *v, size_t n);

#endif
