/*
 * engine_sysctl: the shell's `sysctl KEY[=VALUE]...` and `profile
 * [classic|modern]` commands, run at their turn in the queue. net.* keys
 * only, applied inside tcpsh's namespace (sandbox.c refuses any other key
 * and says why); the profiles' table is profile.c. Not the backquoted
 * `sysctl -q ...` lines of scripts (shellcmd_*.c), which apply the same way.
 */
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

#define INDENT "       "

void engine_sysctl_command(struct engine *e, const struct syn_command *c)
{
	if (!c->nargs) {
		engine_command_error(e, engine_arg_col(e, 0), "sysctl: expected KEY or KEY=VALUE (net.* keys only)",
				 "for example: sysctl net.ipv4.tcp_sack=0, or sysctl net.ipv4.tcp_sack to read it");
		return;
	}
	for (int i = 0; i < c->nargs; i++) {
		const char *arg = c->args[i];
		char *key = xstrdup(arg);
		char *eq = strchr(key, '=');
		struct sb v = SB_INIT, err = SB_INIT;
		if (eq)
			*eq = '\0';
		int r = eq ? sandbox_sysctl_set(key, eq + 1, &err) : 0;
		if (r == 0)
			r = sandbox_sysctl_get(key, &v, &err);
		if (r == 0)
			engine_printf(e, INDENT "%s = %s\n", key, sb_str(&v));
		else
			engine_command_error(e, engine_arg_col(e, i), sb_str(&err),
					 strncmp(key, "net.", 4) && strncmp(key, "net/", 4)
						 ? "only net.* keys: they live in tcpsh's own namespace; kernel.*, vm.* "
						   "and the rest belong to the host"
						 : "'profile' lists the keys a class usually changes");
		sb_free(&v);
		sb_free(&err);
		free(key);
		if (r)
			return; /* later arguments are not applied after a refusal */
	}
}

void engine_profile_command(struct engine *e, const struct syn_command *c)
{
	struct sb out = SB_INIT;
	if (c->nargs == 0) {
		sb_addf(&out, INDENT "profile: %s\n", e->profile ? e->profile : "none chosen (this kernel's defaults)");
		profile_show(&e->defaults, INDENT "  ", &out);
	} else if (c->nargs == 1 && (!strcmp(c->args[0], "classic") || !strcmp(c->args[0], "modern"))) {
		bool classic = !strcmp(c->args[0], "classic");
		sb_addf(&out, INDENT "profile %s: %s\n", c->args[0],
			classic ? "an RFC 793-era TCP, in tcpsh's namespace only"
				: "this kernel's defaults again");
		int failed = profile_apply(c->args[0], &e->defaults, INDENT "  ", &out);
		if (failed > 0)
			sb_addf(&out, INDENT "%d setting%s could not be changed (see above)\n", failed,
				failed == 1 ? "" : "s");
		free(e->profile);
		e->profile = xstrdup(c->args[0]);
		sb_add(&out, INDENT "connections opened from now on use it; open ones keep what they negotiated\n");
	} else {
		engine_command_error(e, engine_arg_col(e, 0), "profile: expected 'profile classic', 'profile modern' or 'profile'",
				 "classic: no SACK, timestamps, window scaling, ECN...; modern: this kernel's defaults");
	}
	engine_print(e, sb_str(&out));
	sb_free(&out);
}

void engine_profile_restore(struct engine *e, const char *name)
{
	struct sb out = SB_INIT;
	int failed = profile_apply(name, &e->defaults, INDENT "  ", &out);
	if (failed < 0) {
		sb_free(&out);
		return;
	}
	free(e->profile);
	e->profile = xstrdup(name);
	if (failed > 0)
		engine_print(e, sb_str(&out));
	engine_printf(e, INDENT "profile %s applied again ('profile' shows its settings)\n", name);
	sb_free(&out);
}

const char *engine_profile(const struct engine *e)
{
	return e->profile;
}
