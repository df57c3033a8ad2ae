/*
 * parse: the parse-rate benchmark. Reads a script file once, then parses it
 * with syntax_parse_script (the parser alone: no kernel, no I/O) several
 * times and prints one line per run: "LINES SECONDS CPU_SECONDS" (wall clock,
 * then this process's CPU time, user + system: on a shared machine the
 * second is what the parser itself cost). Built by bench/run
 * against the objects in build/ except main.o; not part of tcpsh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syntax.h"

static double now_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: parse FILE RUNS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *text = malloc((size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size)
		return 2;
	text[size] = '\0';
	fclose(f);
	size_t lines = 0;
	for (long i = 0; i < size; i++)
		lines += text[i] == '\n';
	int runs = atoi(argv[2]);
	for (int r = 0; r < runs; r++) {
		struct syn_script s;
		struct syn_error err;
		memset(&s, 0, sizeof(s));
		syntax_error_init(&err);
		double c0 = now_clock(CLOCK_PROCESS_CPUTIME_ID), t0 = now_clock(CLOCK_MONOTONIC);
		int rc = syntax_parse_script(text, (size_t)size, &s, &err);
		double t1 = now_clock(CLOCK_MONOTONIC), c1 = now_clock(CLOCK_PROCESS_CPUTIME_ID);
		if (rc != SYN_OK) {
			fprintf(stderr, "parse: line %d: %s\n", err.line, sb_str(&err.msg));
			return 1;
		}
		syntax_script_free(&s);
		syntax_error_free(&err);
		printf("%zu %.6f %.6f\n", lines, t1 - t0, c1 - c0);
	}
	free(text);
	return 0;
}
