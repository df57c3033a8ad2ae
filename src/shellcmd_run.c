/*
 * shellcmd_run: runs a backquoted command inside tcpsh's namespace. A plan
 * shellcmd_parse.c accepts (with every helper script it names read here and
 * accepted too) is carried out natively: sysctls through sandbox.c, the
 * network tools through shellcmd_net.c, with the shell's rules for && || ;
 * and set -e. Anything else runs through /bin/sh -c, but only with
 * --allow-shell, and never before sandbox_enter. Not a shell, and not a
 * place to widen what runs without --allow-shell: that is the parser's list.
 */
#include "shellcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

#define OUTPUT_CAP ((size_t)65536)  /* of a shell command's output kept */
#define HELPER_CAP ((size_t)262144) /* the largest helper script read */
#define HELPER_DEPTH 8		    /* helpers calling helpers */
#define SHELL_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define NOT_FOUND 127	   /* the shell's status for a missing command */
#define NOT_EXECUTABLE 126 /* and for one it may not run */

/* What set_sysctls.py saved for its restore script, which tcpsh keeps here
 * rather than in /tmp: the old values, and the ${PPID} it was saved under. */
static struct {
	bool valid;
	long ppid;
	struct shellcmd_kv *kv;
	size_t n;
} saved;

static void saved_clear(void)
{
	for (size_t i = 0; i < saved.n; i++) {
		free(saved.kv[i].key);
		free(saved.kv[i].value);
	}
	free(saved.kv);
	memset(&saved, 0, sizeof(saved));
}

/* path as the shell in dir would open it. */
static void resolve(const char *dir, const char *path, struct sb *out)
{
	if (path[0] != '/')
		sb_addf(out, "%s/", dir);
	sb_add(out, path);
}

/* ---- helper scripts ---- */

/* Reads a helper: a regular file of at most HELPER_CAP bytes with no NUL.
 * *exec says whether it is executable, as the shell needs, and only then
 * may its text be parsed (and quoted in messages: a script must not make
 * tcpsh read out, say, /etc/shadow). 0 or -errno (-EINVAL: not a regular
 * file, -EFBIG, -ENOEXEC: binary). */
static int read_helper(const char *path, struct sb *text, bool *exec)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct stat st;
	int e = 0;
	if (fstat(fd, &st) < 0)
		e = -errno;
	else if (!S_ISREG(st.st_mode))
		e = -EINVAL;
	else
		*exec = (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	char chunk[4096];
	while (e == 0) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0)
			e = -errno;
		else if (n == 0)
			break;
		else if (text->len + (size_t)n > HELPER_CAP)
			e = -EFBIG;
		else
			sb_addn(text, chunk, (size_t)n);
	}
	(void)close(fd); /* read-only: nothing to lose */
	if (e == 0 && text->len && memchr(text->buf, '\0', text->len))
		e = -ENOEXEC;
	return e;
}

/* A git symlink checked out as a plain file (as in copies of packetdrill's
 * tests) holds only its target: one word, no "#!". Its target relative to the
 * file's own directory, in target, when that exists. */
static bool link_text(const char *path, const char *text, struct sb *target)
{
	size_t start = strspn(text, " \t\r\n"), n = strlen(text);
	while (n > start && strchr(" \t\r\n", text[n - 1]))
		n--;
	if (n == start || text[start] == '#' || strcspn(text + start, " \t\r\n") < n - start)
		return false;
	const char *slash = strrchr(path, '/');
	sb_reset(target);
	if (text[start] != '/' && slash)
		sb_addn(target, path, (size_t)(slash - path + 1));
	sb_addn(target, text + start, n - start);
	return access(target->buf, F_OK) == 0;
}

/* True when the text's "#!" line (if any) names a shell without options;
 * else what it is instead in what ("a python3 script"). */
static bool shell_script(const char *text, struct sb *what)
{
	if (strncmp(text, "#!", 2) != 0)
		return true;
	const char *p = text + 2 + strspn(text + 2, " \t");
	size_t n = strcspn(p, " \t\r\n");
	const char *base = memrchr(p, '/', n);
	base = base ? base + 1 : p;
	n -= (size_t)(base - p);
	if (n == 3 && strncmp(base, "env", 3) == 0) { /* #!/usr/bin/env bash */
		p = base + 3 + strspn(base + 3, " \t");
		base = p;
		n = strcspn(p, " \t\r\n");
	}
	const char *rest = base + n + strspn(base + n, " \t\r");
	bool shell = (n == 2 && strncmp(base, "sh", 2) == 0) ||
		     (n == 4 && strncmp(base, "bash", 4) == 0) ||
		     (n == 4 && strncmp(base, "dash", 4) == 0);
	if (!shell)
		sb_addf(what, "a %.*s script", (int)n, base);
	else if (*rest && *rest != '\n')
		sb_add(what, "a shell script whose #! line has options");
	return what->len == 0;
}

/* The plans a helper lives in: where its step came from, for messages. */
struct origin {
	const char *name; /* the helper's path, NULL for the backquoted text */
	bool multiline;	  /* the backquoted text has several commands */
};

static int load_helpers(const struct shellcmd_cfg *cfg, struct shellcmd_plan *plan, struct origin o,
			int depth, struct shellcmd_why *why, struct sb *err);

static int helper_not_native(const struct shellcmd_step *s, struct origin o,
			     struct shellcmd_why *why, const char *fmt, const char *detail)
{
	sb_add(&why->source, s->source);
	if (o.name)
		sb_addf(&why->where, "%s:%d", o.name, s->line);
	else if (o.multiline)
		sb_addf(&why->where, "line %d", s->line);
	sb_addf(&why->reason, fmt, s->argv[0], detail);
	return 0;
}

/* Reads the helper a step names into its sub-plan. 1 when it is native (or
 * missing: running it then fails as the shell would), 0 or -1 as
 * shellcmd_plan_parse. */
static int load_helper(const struct shellcmd_cfg *cfg, struct shellcmd_step *s, struct origin o,
		       int depth, struct shellcmd_why *why, struct sb *err)
{
	if (depth >= HELPER_DEPTH) {
		sb_addf(err, "%s: helper scripts nest deeper than %d (does one run itself?)",
			s->argv[0], HELPER_DEPTH);
		return -1;
	}
	struct sb path = SB_INIT, text = SB_INIT, target = SB_INIT, interp = SB_INIT;
	resolve(cfg->dir, s->argv[0], &path);
	int e, r = 1;
	bool exec = false;
	for (int hops = 0;; hops++) {
		sb_reset(&text);
		e = read_helper(path.buf, &text, &exec);
		if (e < 0 || hops == HELPER_DEPTH || !link_text(path.buf, sb_str(&text), &target))
			break;
		sb_reset(&path);
		sb_add(&path, target.buf);
	}
	if (e == 0 && !exec)
		e = -EACCES;
	if (e == -ENOENT || e == -EACCES || e == -ENOTDIR || e == -ELOOP) {
		r = 1; /* no sub-plan: "not found" when it runs */
	} else if (e < 0) {
		r = helper_not_native(
			s, o, why, "tcpsh reads %s only as a shell script, and it is not one (%s)",
			e == -EINVAL	? "not a file"
			: e == -EFBIG	? "too large"
			: e == -ENOEXEC ? "a program"
					: strerror(-e));
	} else if (!shell_script(sb_str(&text), &interp)) {
		r = helper_not_native(s, o, why, "%s is %s, which tcpsh does not run itself",
				      interp.buf);
	} else {
		s->sub = xcalloc(1, sizeof(*s->sub));
		r = shellcmd_plan_parse(sb_str(&text), s->argv[0], cfg, s->sub, why, err);
		struct origin sub = {s->argv[0], true};
		if (r == 1)
			r = load_helpers(cfg, s->sub, sub, depth + 1, why, err);
	}
	sb_free(&path);
	sb_free(&text);
	sb_free(&target);
	sb_free(&interp);
	return r;
}

static int load_helpers(const struct shellcmd_cfg *cfg, struct shellcmd_plan *plan, struct origin o,
			int depth, struct shellcmd_why *why, struct sb *err)
{
	int r = 1;
	for (size_t i = 0; r == 1 && i < plan->n; i++)
		if (plan->steps[i].op == SHELLCMD_HELPER)
			r = load_helper(cfg, &plan->steps[i], o, depth, why, err);
	return r;
}

/* ---- /bin/sh ---- */

/* Reads the shell's output until it ends (or the shell is gone and nothing
 * more is ready: a command it left in the background may hold the pipe),
 * keeping OUTPUT_CAP bytes. Reaps the shell into *wstatus. */
static void collect(int fd, pid_t pid, struct sb *output, int *wstatus)
{
	size_t kept = 0;
	bool exited = false, cut = false;
	char chunk[4096];
	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int n = poll(&pf, 1, exited ? 0 : 100);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0) {
			ssize_t got = read(fd, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			size_t keep =
				kept + (size_t)got > OUTPUT_CAP ? OUTPUT_CAP - kept : (size_t)got;
			sb_addn(output, chunk, keep);
			kept += keep;
			cut |= keep < (size_t)got;
			if (!(exited && cut))
				continue;
		}
		if (exited)
			break;
		pid_t w = waitpid(pid, wstatus, WNOHANG);
		exited = w == pid || (w < 0 && errno != EINTR);
	}
	while (!exited && waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	if (cut)
		sb_addf(output, "\n[tcpsh: output cut at %zu KiB]\n", OUTPUT_CAP / 1024);
}

/* The environment of a shell command: PATH, HOME, and the PACKETDRILL_PID
 * packetdrill exports (its own pid; set_sysctls.py names its file by it). */
static char **shell_env(long ppid)
{
	char **env = xcalloc(4, sizeof(char *));
	struct sb v = SB_INIT;
	size_t n = 0;
	env[n++] = xstrdup("PATH=" SHELL_PATH);
	sb_addf(&v, "PACKETDRILL_PID=%ld", ppid);
	env[n++] = sb_detach(&v);
	const char *home = getenv("HOME");
	if (home) {
		sb_addf(&v, "HOME=%s", home);
		env[n++] = sb_detach(&v);
	}
	return env;
}

static int spawn_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int out,
		       const char *dir)
{
	sigset_t none, all;
	(void)sigemptyset(&none); /* cannot fail on a valid set */
	(void)sigfillset(&all);
	/* out first, in case the pipe got descriptor 0 */
	int e = posix_spawn_file_actions_adddup2(fa, out, 1);
	if (e == 0)
		e = posix_spawn_file_actions_adddup2(fa, out, 2);
	if (e == 0)
		e = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_addchdir_np(fa, dir);
	if (e == 0)
		e = posix_spawn_file_actions_addclosefrom_np(fa, 3);
	if (e == 0) /* tcpsh blocks signals for its signalfd: the shell must not inherit that */
		e = posix_spawnattr_setsigmask(at, &none);
	if (e == 0)
		e = posix_spawnattr_setsigdefault(at, &all);
	if (e == 0)
		e = posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	return e;
}

/* Starts /bin/sh -c cmd in cfg->dir with stdin from /dev/null and stdout and
 * stderr on the descriptor out. 0 with *pid, or an errno. */
static int spawn_shell(const struct shellcmd_cfg *cfg, const char *cmd, int out, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int e = posix_spawn_file_actions_init(&fa);
	if (e != 0)
		return e;
	e = posix_spawnattr_init(&at);
	if (e != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return e;
	}
	e = spawn_setup(&fa, &at, out, cfg->dir);
	if (e == 0) {
		char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, NULL};
		char **env = shell_env(cfg->ppid);
		e = posix_spawn(pid, "/bin/sh", &fa, &at, argv, env);
		for (char **v = env; *v; v++)
			free(*v);
		free(env);
	}
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&at);
	return e;
}

/* Runs /bin/sh -c cmd (see spawn_shell), its output into output. Its exit
 * status (128+N when killed by signal N, with diag), or -1 with diag when it
 * could not start. */
static int run_shell(const struct shellcmd_cfg *cfg, const char *cmd, struct sb *output,
		     struct sb *diag)
{
	if (!sandbox_inside()) {
		sb_add(diag, "refusing to run a shell outside tcpsh's private network namespace");
		return -1;
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		sb_addf(diag, "cannot run /bin/sh: pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = -1;
	int e = spawn_shell(cfg, cmd, pfd[1], &pid);
	(void)close(pfd[1]); /* our copy of the write end: the shell has its own */
	if (e != 0) {
		(void)close(pfd[0]);
		sb_addf(diag, "cannot run /bin/sh in %s: %s", cfg->dir, strerror(e));
		return -1;
	}
	int ws = 0;
	collect(pfd[0], pid, output, &ws);
	(void)close(pfd[0]);
	if (WIFSIGNALED(ws)) {
		sb_addf(diag, "killed by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
		return 128 + WTERMSIG(ws);
	}
	if (WEXITSTATUS(ws))
		sb_addf(diag, "exit status %d", WEXITSTATUS(ws));
	return WEXITSTATUS(ws);
}

/* ---- the native steps ---- */

/* Carrying out a plan: stdout goes straight to output; the diagnostics of
 * the last command run wait in pending, since when its status ends the
 * whole command they become the error instead. */
struct xctx {
	const struct shellcmd_cfg *cfg;
	struct sb *output;
	struct sb pending;
	bool pending_shown; /* its stderr was not sent to /dev/null */
};

static void flush_pending(struct xctx *x)
{
	if (x->pending_shown)
		sb_addn(x->output, x->pending.buf ? x->pending.buf : "", x->pending.len);
	sb_reset(&x->pending);
}

static void add_line(struct sb *d, const struct sb *line)
{
	sb_addf(d, "%s%s", d->len ? "\n" : "", sb_str(line));
}

/* True when the sysctl key exists in this namespace. */
static bool key_exists(const char *key)
{
	struct sb path = SB_INIT;
	sb_add(&path, "/proc/sys/");
	bool dotted = strchr(key, '/') == NULL;
	for (const char *c = key; *c; c++) {
		char ch = *c;
		if (dotted && ch == '.')
			ch = '/';
		sb_addc(&path, ch);
	}
	bool ok = access(path.buf, F_OK) == 0;
	sb_free(&path);
	return ok;
}

static int run_sysctl(const struct shellcmd_step *s, struct sb *so, struct sb *d)
{
	int status = 0;
	for (size_t i = 0; i < s->nkv; i++) {
		const struct shellcmd_kv *kv = &s->kv[i];
		struct sb e = SB_INIT, v = SB_INIT;
		if ((s->flags & SHELLCMD_F_IGNORE) && !key_exists(kv->key)) {
			/* sysctl -e: an unknown key is no error */
		} else if (kv->value ? sandbox_sysctl_set(kv->key, kv->value, &e) < 0
				     : sandbox_sysctl_get(kv->key, &v, &e) < 0) {
			add_line(d, &e);
			status = 1;
		} else if (!kv->value || !(s->flags & SHELLCMD_F_QUIET)) {
			const char *val = kv->value ? kv->value : sb_str(&v);
			if (s->flags & SHELLCMD_F_VALUES)
				sb_addf(so, "%s\n", val);
			else
				sb_addf(so, "%s = %s\n", kv->key, val);
		}
		sb_free(&e);
		sb_free(&v);
	}
	return status;
}

/* set_sysctls.py: saves each old value for the restore script (replacing
 * what an earlier call saved, as it rewrites its file), then sets the new
 * one; a failed set is reported but, as there, does not fail the command. */
static int run_set_sysctls(const struct shellcmd_cfg *cfg, const struct shellcmd_step *s,
			   struct sb *d)
{
	struct sb path = SB_INIT;
	resolve(cfg->dir, s->argv[0], &path);
	bool found = access(path.buf, F_OK) == 0;
	sb_free(&path);
	if (!found) {
		sb_addf(d, "%s: not found", s->argv[0]);
		return NOT_FOUND;
	}
	saved_clear();
	saved.valid = true;
	saved.ppid = cfg->ppid;
	saved.kv = xcalloc(s->nkv ? s->nkv : 1, sizeof(*saved.kv));
	int status = 0;
	for (size_t i = 0; i < s->nkv && status == 0; i++) {
		struct sb old = SB_INIT, e = SB_INIT;
		if (sandbox_sysctl_get(s->kv[i].key, &old, &e) < 0) {
			add_line(d, &e);
			status = 1;
		} else {
			saved.kv[saved.n].key = xstrdup(s->kv[i].key);
			saved.kv[saved.n++].value = sb_detach(&old);
			if (sandbox_sysctl_set(s->kv[i].key, s->kv[i].value, &e) < 0)
				add_line(d, &e);
		}
		sb_free(&old);
		sb_free(&e);
	}
	return status;
}

/* /tmp/sysctl_restore_${PPID}.sh: puts back what set_sysctls.py saved; its
 * status is the last write's. With nothing saved, the real file (written by
 * a set_sysctls.py that ran through the shell) runs if the shell is allowed. */
static int run_restore(const struct xctx *x, const struct shellcmd_step *s, struct sb *so,
		       struct sb *d)
{
	if (!saved.valid || saved.ppid != x->cfg->ppid) {
		if (x->cfg->allow_shell)
			return run_shell(x->cfg, s->argv[0], so, d);
		sb_addf(d, "%s: not found (no set_sysctls.py saved values to restore)", s->argv[0]);
		return NOT_FOUND;
	}
	int status = 0;
	for (size_t i = 0; i < saved.n; i++) {
		struct sb e = SB_INIT;
		status = sandbox_sysctl_set(saved.kv[i].key, saved.kv[i].value, &e) < 0;
		if (status)
			add_line(d, &e);
		sb_free(&e);
	}
	return status;
}

static int exec_plan(struct xctx *x, const struct shellcmd_plan *plan, const char *origin,
		     unsigned quiet);

static int run_helper(struct xctx *x, const struct shellcmd_step *s, unsigned quiet, struct sb *d)
{
	if (s->sub)
		return exec_plan(x, s->sub, s->argv[0], quiet);
	struct sb path = SB_INIT;
	resolve(x->cfg->dir, s->argv[0], &path);
	bool exists = access(path.buf, F_OK) == 0;
	sb_free(&path);
	sb_addf(d, "%s: %s", s->argv[0], exists ? "Permission denied" : "not found");
	return exists ? NOT_EXECUTABLE : NOT_FOUND;
}

static void run_set(const struct shellcmd_step *s, bool *errexit)
{
	for (size_t i = 1; i < s->argc; i++)
		if (strchr(s->argv[i], 'e'))
			*errexit = s->argv[i][0] == '-';
}

static int run_step(struct xctx *x, const struct shellcmd_step *s, unsigned quiet, bool *errexit,
		    struct sb *so, struct sb *d)
{
	switch (s->op) {
	case SHELLCMD_SYSCTL: return run_sysctl(s, so, d);
	case SHELLCMD_SET_SYSCTLS: return run_set_sysctls(x->cfg, s, d);
	case SHELLCMD_RESTORE: return run_restore(x, s, so, d);
	case SHELLCMD_HELPER: return run_helper(x, s, quiet, d);
	case SHELLCMD_ECHO:
		for (size_t i = 1; i < s->argc; i++)
			sb_addf(so, "%s%s", i > 1 ? " " : "", s->argv[i]);
		sb_addc(so, '\n');
		return 0;
	case SHELLCMD_TRUE: return 0;
	case SHELLCMD_SET: run_set(s, errexit); return 0;
	case SHELLCMD_METRICS_FLUSH: return shellcmd_net_metrics_flush(d);
	case SHELLCMD_QDISC: return shellcmd_net_qdisc(s->argv, s->argc, d);
	case SHELLCMD_ETHTOOL: return shellcmd_net_ethtool(s->argv, s->argc, d);
	case SHELLCMD_ROUTE: return shellcmd_net_route(s->argv, s->argc, d);
	}
	return 0;
}

/* Runs one step: its stdout to the output unless quieted, its diagnostics,
 * each line prefixed with origin:line in a helper, to pending. */
static int exec_step(struct xctx *x, const struct shellcmd_step *s, const char *origin,
		     unsigned quiet, bool *errexit)
{
	quiet |= s->flags & (SHELLCMD_F_OUT_NULL | SHELLCMD_F_ERR_NULL);
	struct sb so = SB_INIT, d = SB_INIT;
	flush_pending(x);
	int status = run_step(x, s, quiet, errexit, &so, &d);
	if (!(quiet & SHELLCMD_F_OUT_NULL))
		sb_addn(x->output, so.buf ? so.buf : "", so.len);
	if (s->op != SHELLCMD_HELPER || !s->sub) {
		for (const char *line = sb_str(&d); *line;) {
			size_t n = strcspn(line, "\n");
			if (origin)
				sb_addf(&x->pending, "%s:%d: ", origin, s->line);
			sb_addf(&x->pending, "%.*s\n", (int)n, line);
			line += n + (line[n] == '\n');
		}
		x->pending_shown = !(quiet & SHELLCMD_F_ERR_NULL);
	}
	sb_free(&so);
	sb_free(&d);
	return status;
}

/* Runs the steps as the shell would: && and || by the last status, set -e
 * stopping at a failure that ends its && || list. The last status. */
static int exec_plan(struct xctx *x, const struct shellcmd_plan *plan, const char *origin,
		     unsigned quiet)
{
	int status = 0;
	bool errexit = false;
	for (size_t i = 0; i < plan->n; i++) {
		const struct shellcmd_step *s = &plan->steps[i];
		if ((s->link == SHELLCMD_AND && status != 0) ||
		    (s->link == SHELLCMD_OR && status == 0))
			continue;
		status = exec_step(x, s, origin, quiet, &errexit);
		bool ends_list = i + 1 == plan->n || plan->steps[i + 1].link == SHELLCMD_SEQ;
		if (status != 0 && errexit && ends_list)
			break;
	}
	return status;
}

static int run_native(const struct shellcmd_cfg *cfg, const struct shellcmd_plan *plan,
		      struct sb *output, struct sb *err)
{
	struct xctx x = {cfg, output, SB_INIT, false};
	int status = exec_plan(&x, plan, NULL, 0);
	if (status == 0) {
		flush_pending(&x);
	} else if (x.pending.len) {
		sb_truncate(&x.pending, x.pending.len - 1);
		for (const char *c = x.pending.buf; *c; c++)
			if (*c == '\n')
				sb_add(err, "; ");
			else
				sb_addc(err, *c);
	} else {
		sb_addf(err, "exit status %d", status);
	}
	sb_free(&x.pending);
	return status == 0 ? 0 : -1;
}

/* The backquoted text's first line, for messages. */
static void add_first_line(struct sb *out, const char *cmd)
{
	const char *p = cmd + strspn(cmd, " \t\r\n");
	size_t n = strcspn(p, "\n");
	sb_addf(out, "`%.*s%s`", (int)n, p, p[n] && p[n + strspn(p + n, " \t\r\n")] ? " ..." : "");
}

int shellcmd_run(const struct shellcmd_cfg *cfg, const char *cmd, struct sb *output, struct sb *err)
{
	if (!sandbox_inside()) {
		add_first_line(err, cmd);
		sb_add(err,
		       ": refusing to run a command outside tcpsh's private network namespace");
		return -1;
	}
	struct shellcmd_cfg c = *cfg;
	if (c.ppid == 0)
		c.ppid = (long)getpid();
	if (!c.dir)
		c.dir = ".";
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb perr = SB_INIT;
	int r = shellcmd_plan_parse(cmd, NULL, &c, &plan, &why, &perr);
	struct origin top = {NULL, plan.n > 1 || (plan.n == 1 && plan.steps[0].line > 1)};
	if (r == 1)
		r = load_helpers(&c, &plan, top, 0, &why, &perr);
	int rc = -1;
	if (r == 1) {
		rc = run_native(&c, &plan, output, err);
	} else if (c.allow_shell) {
		rc = run_shell(&c, cmd, output, err) == 0 ? 0 : -1;
	} else if (r == 0) {
		sb_addf(err, "`%s`", sb_str(&why.source));
		if (why.where.len)
			sb_addf(err, " (%s)", why.where.buf);
		sb_addf(err, ": a shell command; tcpsh runs those only with --allow-shell (%s)",
			sb_str(&why.reason));
	} else {
		add_first_line(err, cmd);
		sb_addf(err, ": %s", sb_str(&perr));
	}
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&perr);
	return rc;
}
