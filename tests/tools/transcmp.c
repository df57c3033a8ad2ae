/*
 * transcmp: compares a transcript tcpsh printed with the one a test expects.
 * In the expected text '#' (or a run of them) matches one or more digits (times, ISNs, ports the
 * kernel chose), "\#" a '#' itself, and a line that is exactly "..." matches any number of
 * lines (output whose length depends on the kernel), and a line starting
 * with "? " is optional (a segment only a slow machine's timers produce).
 * Exit 0 on a match;
 * otherwise prints the first difference and exits 1.
 * usage: transcmp EXPECTED ACTUAL
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	char **v;
	size_t n;
	char *buf;
};

static int load(const char *path, struct lines *l)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	l->buf = malloc(cap + 1);
	size_t got;
	while (l->buf && (got = fread(l->buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			l->buf = realloc(l->buf, cap + 1);
		}
	}
	fclose(f);
	if (!l->buf)
		return -1;
	l->buf[len] = '\0';
	l->v = NULL;
	l->n = 0;
	for (char *s = l->buf; *s;) {
		char *nl = strchr(s, '\n');
		l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return 0;
}

static bool line_match(const char *want, const char *got)
{
	while (*want) {
		if (want[0] == '\\' && want[1] == '#') { /* "\#" is a literal '#' ("duplicate ACK \#2") */
			if (*got++ != '#')
				return false;
			want += 2;
		} else if (*want == '#') {
			if (!isdigit((unsigned char)*got))
				return false;
			while (isdigit((unsigned char)*got))
				got++;
			while (*want == '#') /* "#.###" reads as digits.digits */
				want++;
		} else if (*want++ != *got++) {
			return false;
		}
	}
	return *got == '\0';
}

/* Matches want[i..] against got[j..]; "..." lines match any run of lines. */
static bool match_from(const struct lines *want, size_t i, const struct lines *got, size_t j, size_t *fail_i,
		       size_t *fail_j)
{
	while (i < want->n) {
		if (!strcmp(want->v[i], "...")) {
			for (size_t k = j; k <= got->n; k++)
				if (match_from(want, i + 1, got, k, fail_i, fail_j))
					return true;
			return false;
		}
		if (!strncmp(want->v[i], "? ", 2)) {
			if (j < got->n && line_match(want->v[i] + 2, got->v[j]) &&
			    match_from(want, i + 1, got, j + 1, fail_i, fail_j))
				return true;
			i++;
			continue;
		}
		if (j >= got->n || !line_match(want->v[i], got->v[j])) {
			if (i > *fail_i || (i == *fail_i && j > *fail_j)) {
				*fail_i = i;
				*fail_j = j;
			}
			return false;
		}
		i++;
		j++;
	}
	if (j == got->n)
		return true;
	if (i > *fail_i || (i == *fail_i && j > *fail_j)) {
		*fail_i = i;
		*fail_j = j;
	}
	return false;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: transcmp EXPECTED ACTUAL\n");
		return 2;
	}
	struct lines want, got;
	if (load(argv[1], &want) || load(argv[2], &got))
		return 2;
	size_t fi = 0, fj = 0;
	int r = 0;
	if (!match_from(&want, 0, &got, 0, &fi, &fj)) {
		printf("  transcript differs at expected line %zu / actual line %zu:\n", fi + 1, fj + 1);
		printf("  expected: %s\n", fi < want.n ? want.v[fi] : "(end of transcript)");
		printf("  actual:   %s\n", fj < got.n ? got.v[fj] : "(end of output)");
		r = 1;
	}
	free(want.v);
	free(want.buf);
	free(got.v);
	free(got.buf);
	return r;
}
