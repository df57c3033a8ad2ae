/*
 * prep_corpus: parses packetdrill scripts and prepares every system call in
 * them (sys_prepare: arguments checked and converted, nothing run), printing
 * each call the executor rejects as FILE:LINE: message. A check that the
 * executor understands every argument form a corpus uses; it opens no
 * sockets (every script fd maps to the "not open" fd), so it runs anywhere.
 *   prep_corpus [-D NAME=VALUE]... FILE.pkt...
 * Exit status: 0 when every call prepared, 1 otherwise, 2 on a parse error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syntax.h"
#include "syscalls.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sb text = SB_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(&text, buf, n);
	fclose(f);
	*len = text.len;
	return text.buf ? sb_detach(&text) : xstrdup("");
}

/* Returns the number of calls rejected, or -1 when the script does not parse. */
static int check_script(const char *path, const struct syn_defines *defs, int *ncalls)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	struct syn_script s;
	struct syn_error perr;
	syntax_error_init(&perr);
	if (syntax_parse_script_defs(text, len, defs, &s, &perr) != SYN_OK) {
		printf("%s:%d:%d: parse error: %s\n", path, perr.line, perr.col, sb_str(&perr.msg));
		syntax_error_free(&perr);
		free(text);
		return -1;
	}
	syntax_error_free(&perr);
	static struct sys_env env;
	const uint8_t k[4] = {192, 168, 0, 1}, p[4] = {192, 0, 2, 1};
	sys_env_init(&env, AF_INET, k, 8080, p, 8080);
	int bad = 0;
	for (size_t i = 0; i < s.nev; i++) {
		if (s.ev[i].kind != SYN_SYSCALL)
			continue;
		struct sb err = SB_INIT;
		int col = 0;
		struct sys_job *j = sys_prepare(&env, &s.ev[i].u.call, &err, &col);
		(*ncalls)++;
		if (!j) {
			printf("%s:%d:%d: %s\n", path, s.ev[i].line, col, sb_str(&err));
			bad++;
		}
		sys_job_free(j);
		sb_free(&err);
	}
	syntax_script_free(&s);
	free(text);
	return bad;
}

int main(int argc, char **argv)
{
	struct syn_define defs[64];
	struct syn_defines d = {defs, 0};
	int bad = 0, unparsed = 0, ncalls = 0, nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-D") && i + 1 < argc && d.n < 64) {
			char *eq = strchr(argv[++i], '=');
			if (!eq)
				continue;
			*eq = '\0';
			defs[d.n++] = (struct syn_define){argv[i], eq + 1};
			continue;
		}
		int r = check_script(argv[i], &d, &ncalls);
		nfiles++;
		if (r < 0)
			unparsed++;
		else
			bad += r;
	}
	printf("%d scripts, %d calls: %d rejected, %d scripts did not parse\n", nfiles, ncalls, bad, unparsed);
	return unparsed ? 2 : bad ? 1 : 0;
}
