/*
 * json: the JSON writer (see json.h).
 */
#include "json.h"

#include <math.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, min = 0x80, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, min = 0x800, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
	if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

void json_string(struct sb *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	sb_addc(out, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
		} else if (c == '\n') {
			sb_add(out, "\\n");
		} else if (c == '\t') {
			sb_add(out, "\\t");
		} else if (c == '\r') {
			sb_add(out, "\\r");
		} else if (c < 0x20 || c == 0x7F) {
			sb_addf(out, "\\u%04x", c);
		} else {
			size_t n = utf8_len(s + i, len - i);
			if (!n) {
				sb_add(out, "\\ufffd");
				i++;
				continue;
			}
			sb_addn(out, s + i, n);
			i += n;
			continue;
		}
		i++;
	}
	sb_addc(out, '"');
}

void json_object_begin(struct json *j, struct sb *out)
{
	j->out = out;
	j->n = 0;
	sb_addc(out, '{');
}

void json_object_end(struct json *j)
{
	sb_addc(j->out, '}');
}

static void key(struct json *j, const char *k)
{
	if (j->n++)
		sb_addc(j->out, ',');
	json_string(j->out, k, strlen(k));
	sb_addc(j->out, ':');
}

void json_str(struct json *j, const char *k, const char *val)
{
	key(j, k);
	json_string(j->out, val, strlen(val));
}

void json_num(struct json *j, const char *k, double val)
{
	key(j, k);
	if (!isfinite(val))
		sb_add(j->out, "null"); /* JSON has no NaN or infinity */
	else if (val == floor(val) && fabs(val) < 1e15)
		sb_addf(j->out, "%.0f", val);
	else
		sb_addf(j->out, "%.6f", val);
}

void json_bool(struct json *j, const char *k, bool val)
{
	key(j, k);
	sb_add(j->out, val ? "true" : "false");
}

void json_str_array(struct json *j, const char *k, char *const *v, size_t n)
{
	key(j, k);
	sb_addc(j->out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(j->out, ',');
		json_string(j->out, v[i], strlen(v[i]));
	}
	sb_addc(j->out, ']');
}
