/*
 * shellcmd: backquoted commands in scripts. Sysctl assignments to net.* keys
 * (sysctl -q/-w/-n forms, several per line, `echo V > /proc/sys/net/...`,
 * and a helper script such as ../common/defaults.sh made only of such lines
 * and comments) are applied natively inside tcpsh's namespace; any other
 * command runs through /bin/sh only when allowed (--allow-shell).
 *
 * Besides sysctls, the native vocabulary holds the other harmless commands
 * packetdrill's scripts and helpers use on the namespace's own objects:
 * set_sysctls.py NAME=VALUE and its /tmp/sysctl_restore_${PPID}.sh (kept in
 * memory, no file written), `ip tcp_metrics flush all`, `tc qdisc` on a root
 * qdisc, `ethtool -K DEV feature on|off`, `ip route change|replace` with
 * metrics, `echo`, `true`, `set -e`; commands joined by newlines, `;`, `&&`
 * and `||`; output sent to /dev/null. Anything else (pipes, files, other
 * programs, other variables) is a shell command.
 *
 * shellcmd_parse.c and shellcmd_lex.c are pure (text in, plan out);
 * shellcmd_run.c and shellcmd_net.c are the system edge and act only inside
 * the namespace.
 */
#ifndef TCPSH_SHELLCMD_H
#define TCPSH_SHELLCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

struct shellcmd_cfg {
	bool allow_shell;        /* --allow-shell */
	const char *dir;         /* the script's directory: commands run there, helper paths resolve from there */
	long ppid;               /* what ${PPID} means (packetdrill: its own pid as seen by the command);
	                          * 0 in shellcmd_run means getpid(), the parent /bin/sh sees */
};

/* The pure part: if text is made only of native sysctl forms (and comments,
 * blank lines, `set -e`-style harmless lines you decide are safe), appends
 * each assignment as "key=value\n" (key in dotted form, value with ${PPID} and
 * $((...)) arithmetic expanded) to out and returns 1; returns 0 if it is not
 * native (out unchanged); -1 with err on a malformed native line.
 * The other native commands appear in order as "!" and their expanded words
 * ("!tc qdisc add dev tun0 root pfifo\n", "!../common/defaults.sh\n"), reads
 * as "?key\n". A helper script is native only if its text is: shellcmd_run
 * reads it; this function cannot. */
int shellcmd_parse_native(const char *text, const struct shellcmd_cfg *cfg, struct sb *out, struct sb *err);

/* Runs one backquoted command inside the current namespace: natively when it
 * can (applying the sysctls with sandbox_sysctl_set from src/sandbox.h; a
 * helper file named by the command, relative to cfg->dir, is read and parsed
 * natively), else through /bin/sh -c in cfg->dir when cfg->allow_shell, with
 * its stdout/stderr appended to output; else refuses. Returns 0 on success,
 * -1 with err ("`ip link set tun0 mtu 1300`: a shell command; tcpsh runs
 * those only with --allow-shell" / "exit status 1" / the sysctl error).
 * Refuses everything before sandbox_enter. Keeps what set_sysctls.py saved
 * for the restore script between calls; call it from one thread.
 * Natively, the shell's rules hold: a failing line that is not the last of a
 * helper only adds its message to output (so defaults.sh goes on, as under
 * sh); the last command's failure is the error. A helper must be an
 * executable shell script, as sh needs (a plain file holding only a path, a
 * git symlink checked out as text, is followed like the symlink). The shell
 * path: /bin/sh -c cmd, stdin /dev/null, environment PATH, HOME and
 * PACKETDRILL_PID=ppid, output kept up to 64 KiB. cfg->dir NULL means ".". */
int shellcmd_run(const struct shellcmd_cfg *cfg, const char *cmd, struct sb *output, struct sb *err);

/* ---- the plan: what a native command does, step by step ---- */

enum shellcmd_op {
	SHELLCMD_SYSCTL,        /* sysctl [-q -w -n -e] KEY[=VALUE]...; echo V > /proc/sys/net/KEY */
	SHELLCMD_SET_SYSCTLS,   /* DIR/set_sysctls.py /proc/sys/net/KEY=VALUE...: saves, then sets */
	SHELLCMD_RESTORE,       /* /tmp/sysctl_restore_${PPID}.sh: puts back what was saved */
	SHELLCMD_HELPER,        /* a script file of native commands (argv[0] is its path) */
	SHELLCMD_ECHO,          /* echo WORDS (printed) */
	SHELLCMD_TRUE,          /* true, : */
	SHELLCMD_SET,           /* set -e / set +e (argv[1]) */
	SHELLCMD_METRICS_FLUSH, /* ip tcp_metrics flush all */
	SHELLCMD_QDISC,         /* tc qdisc VERB dev DEV root [KIND [limit N]] */
	SHELLCMD_ETHTOOL,       /* ethtool -K DEV FEATURE on|off... */
	SHELLCMD_ROUTE,         /* ip -4|-6 route VERB DST via GW dev DEV [METRIC [lock] N]... */
};

/* How a step joins the one before it: a newline or `;`, `&&`, `||`. */
enum shellcmd_link { SHELLCMD_SEQ, SHELLCMD_AND, SHELLCMD_OR };

#define SHELLCMD_F_OUT_NULL 0x01 /* stdout goes to /dev/null */
#define SHELLCMD_F_ERR_NULL 0x02 /* stderr goes to /dev/null */
#define SHELLCMD_F_QUIET    0x04 /* sysctl -q: do not echo assignments */
#define SHELLCMD_F_VALUES   0x08 /* sysctl -n: values without names */
#define SHELLCMD_F_IGNORE   0x10 /* sysctl -e: unknown keys are no error */

/* One sysctl: key in dotted form (slash form when a part holds a dot, as in
 * "net/ipv4/conf/eth0.1/forwarding"); value NULL for a read. */
struct shellcmd_kv {
	char *key;
	char *value;
};

struct shellcmd_plan;

/* One simple command. All strings are owned by the step. */
struct shellcmd_step {
	enum shellcmd_op op;
	enum shellcmd_link link;
	int line;                  /* 1-based line of the text where it starts */
	unsigned flags;            /* SHELLCMD_F_* */
	char **argv;               /* the expanded words, redirections left out; canonical
	                            * order for QDISC and ROUTE (see the enum) */
	size_t argc;
	struct shellcmd_kv *kv;    /* SYSCTL, SET_SYSCTLS */
	size_t nkv;
	char *source;              /* the command as written, on one line, for messages */
	struct shellcmd_plan *sub; /* HELPER: the helper's own plan, once shellcmd_run read it */
};

struct shellcmd_plan {
	struct shellcmd_step *steps;
	size_t n, cap;
};

/* Why a command is not native, for the refusal message. */
struct shellcmd_why {
	struct sb source; /* the command as written, on one line: "ethtool -i tun0" */
	struct sb where;  /* "" for a one-line text, "line 3", "../common/defaults.sh:5" */
	struct sb reason; /* a clause: "tcpsh runs only `ethtool -K DEV FEATURE on|off` itself" */
};
void shellcmd_why_free(struct shellcmd_why *why);

/*
 * Parses text into plan (appending; plan starts zeroed). Returns 1 when
 * every command is native; 0 when one is not, with why saying which and why;
 * -1 with err when a command tcpsh would run natively is malformed (an
 * unterminated quote, a division by zero, `sysctl -w KEY` without a value).
 * origin names the text in messages (a helper's path) or is NULL for the
 * backquoted text itself. On 0 or -1 the plan may hold a prefix of steps:
 * free it either way.
 */
int shellcmd_plan_parse(const char *text, const char *origin, const struct shellcmd_cfg *cfg,
			struct shellcmd_plan *plan, struct shellcmd_why *why, struct sb *err);
void shellcmd_plan_free(struct shellcmd_plan *plan); /* and its sub-plans; plan is zeroed */

/* Appends the "key=value\n" / "!words\n" / "?key\n" lines for plan (and its
 * sub-plans, in place) to out. */
void shellcmd_plan_render(const struct shellcmd_plan *plan, struct sb *out);

/* Evaluates a shell arithmetic expression (the inside of $((...))): integers
 * (decimal, 0x hex, 0 octal), + - * / % << >> & ^ | ~ ! and parentheses,
 * and the names PPID and PACKETDRILL_PID. 1 with *value, 0 when it uses
 * something else (another variable, an assignment), -1 with err. */
int shellcmd_arith(const char *expr, long ppid, long long *value, struct sb *err);

/* The RTAX_* number of a route metric tcpsh sets natively ("mtu", "advmss",
 * "initcwnd", ...), or -1. */
int shellcmd_route_metric(const char *name);

/* ---- the system edge for the non-sysctl steps (shellcmd_net.c) ---- */

/* Each runs one validated step in the current namespace: 0, or the exit
 * status the real tool would give (1 or 2) with a one-line diag. */
int shellcmd_net_metrics_flush(struct sb *diag);
int shellcmd_net_qdisc(char *const *argv, size_t argc, struct sb *diag);
int shellcmd_net_ethtool(char *const *argv, size_t argc, struct sb *diag);
int shellcmd_net_route(char *const *argv, size_t argc, struct sb *diag);

#endif
