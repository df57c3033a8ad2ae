/*
 * engine_shell: backquoted command lines. The harmless forms (net.*
 * sysctls, a defaults helper made of them, ...) are applied natively inside
 * the namespace by shellcmd; anything else runs through /bin/sh only with
 * --allow-shell. In a script a refusal or a failing command fails the
 * script at its line; in the shell it is reported and the session goes on.
 */
#include "engine_int.h"

#include <string.h>
#include <unistd.h>

#include "shellcmd.h"

void shell_exec(struct engine *e, struct qitem *q)
{
	struct shellcmd_cfg cfg = {e->cfg.allow_shell, ".", 0};
	struct sb out = SB_INIT, err = SB_INIT;
	int r = shellcmd_run(&cfg, q->ev.u.str.text, &out, &err);
	if (out.len)
		engine_print(e, sb_str(&out));
	if (r) {
		if (e->scr)
			script_fail(e, q, "%s", sb_str(&err));
		else
			engine_error_at(e, q, 1, sb_str(&err), e->cfg.allow_shell ? NULL : "tcpsh --allow-shell runs any command");
	}
	sb_free(&out);
	sb_free(&err);
	qitem_free(q);
}
