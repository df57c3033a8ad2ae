/*
 * shellcmd_try: runs backquoted commands through shellcmd_run inside a
 * fresh tcpsh namespace, for tests/kernel/shellcmd.sh. Enters the sandbox
 * first (exit 3 with the reason when it cannot), optionally opens tun0 as
 * tcpsh does, then takes its arguments in order:
 *   --allow-shell / --no-shell   allow /bin/sh from here on, or not (the default)
 *   --get=KEY                    print "KEY=VALUE" as the namespace sees it
 *   anything else                a command: its output, then "ok" or "error: ..."
 * Options before the first of those: --tun, --dir DIR, --ppid N, and
 * --no-sandbox, which stays on the host to show that everything is refused.
 * Exit 0 when every command succeeded, 1 when one failed, 2 on bad usage.
 * Not a shell: it never runs anything itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "sb.h"
#include "shellcmd.h"
#include "tun.h"

static int run_one(const struct shellcmd_cfg *cfg, const char *cmd)
{
	struct sb out = SB_INIT, err = SB_INIT;
	int rc = shellcmd_run(cfg, cmd, &out, &err);
	fputs(sb_str(&out), stdout);
	if (rc == 0)
		printf("ok\n");
	else
		printf("error: %s\n", sb_str(&err));
	sb_free(&out);
	sb_free(&err);
	return rc == 0 ? 0 : 1;
}

static void get_one(const char *key)
{
	struct sb v = SB_INIT, err = SB_INIT;
	if (sandbox_sysctl_get(key, &v, &err) == 0)
		printf("%s=%s\n", key, sb_str(&v));
	else
		printf("%s: %s\n", key, sb_str(&err));
	sb_free(&v);
	sb_free(&err);
}

static int open_tun(struct tun *t)
{
	struct tun_cfg tc;
	struct sb err = SB_INIT;
	tun_cfg_default(&tc);
	int rc = tun_open(t, &tc, &err);
	if (rc < 0)
		fprintf(stderr, "shellcmd_try: %s\n", sb_str(&err));
	sb_free(&err);
	return rc;
}

int main(int argc, char **argv)
{
	struct shellcmd_cfg cfg = {false, ".", 0};
	bool tun = false, sandbox = true;
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--tun") == 0)
			tun = true;
		else if (strcmp(argv[i], "--no-sandbox") == 0)
			sandbox = false;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			cfg.dir = argv[++i];
		else if (strcmp(argv[i], "--ppid") == 0 && i + 1 < argc)
			cfg.ppid = strtol(argv[++i], NULL, 10);
		else
			break;
	}
	if (i == argc) {
		fprintf(stderr, "usage: shellcmd_try [--tun] [--no-sandbox] [--dir DIR] [--ppid N] "
				"[--allow-shell|--no-shell|--get=KEY|COMMAND]...\n");
		return 2;
	}
	struct sb err = SB_INIT;
	if (sandbox && sandbox_enter(&err) < 0) {
		printf("SKIP shellcmd_sandbox: %s\n", sb_str(&err));
		sb_free(&err);
		return 3;
	}
	sb_free(&err);
	struct tun t;
	if (tun && sandbox && open_tun(&t) < 0)
		return 1;
	int failed = 0;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--allow-shell") == 0)
			cfg.allow_shell = true;
		else if (strcmp(argv[i], "--no-shell") == 0)
			cfg.allow_shell = false;
		else if (strncmp(argv[i], "--get=", 6) == 0)
			get_one(argv[i] + 6);
		else
			failed |= run_one(&cfg, argv[i]);
		fflush(stdout);
	}
	if (tun && sandbox)
		tun_close(&t);
	return failed;
}
