/*
 * privs_try: exercises src/privs.c in a process of its own, for
 * tests/privs/run. Enters a private network namespace (never touches the
 * host's), drops privileges as tcpsh does after set-up, then checks that
 * creating a network namespace fails without privs_with_sys_admin and works
 * with it (what `reset` needs), and that CAP_SYS_ADMIN is lowered again
 * afterwards. Prints one line per check ("ok ..." or "FAIL ..."); exit 0
 * when all hold, 1 otherwise, 2 when not run as root.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"
#include "sandbox.h"

static int failures;

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	if (!cond)
		failures++;
}

static int unshare_net(void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWNET);
}

/* The CapEff line of /proc/self/status, as a number. */
static unsigned long long cap_eff(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long v = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("privs_try: needs root\n");
		return 2;
	}
	struct sb err = SB_INIT;
	if (sandbox_enter(&err) < 0) {
		printf("FAIL sandbox_enter: %s\n", sb_str(&err));
		return 1;
	}
	check(privs_drop(false, &err) == 0, "privs_drop");
	check(privs_dropped(), "privs_dropped");
	check(cap_eff() == 0x7402, "CapEff is the kept set after the drop");
	int r = unshare(CLONE_NEWNET);
	check(r < 0 && errno == EPERM, "a new namespace without CAP_SYS_ADMIN fails with EPERM");
	check(privs_with_sys_admin(unshare_net, NULL) == 0, "privs_with_sys_admin makes a new namespace");
	check(cap_eff() == 0x7402, "CAP_SYS_ADMIN is lowered again afterwards");
	check(sandbox_enter(&err) == 0, "sandbox_enter works again after the drop (a reset)");
	sb_free(&err);
	return failures ? 1 : 0;
}
