/*
 * runner: the `tcpsh run` front end (see runner.h). Options are one table
 * row each; a script's own header lines (--name=value before the first
 * event) go through the same table after the command line's.
 */
#include "runner.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "json.h"
#include "sandbox.h"
#include "shellcmd.h"
#include "syntax.h"

struct run_opts {
	struct engine_cfg cfg;
	struct syn_define *defs;
	size_t ndefs;
	bool verbose, dry_run, allow_shell, warned_mss;
	char **cli;      /* the command line's options, applied again after a script's header */
	int ncli;
	char *init_scripts;
};

typedef int (*opt_fn)(struct run_opts *o, const char *name, const char *value, struct sb *err);

struct opt_row {
	const char *name;
	bool has_value;
	opt_fn fn;
	const char *unsupported; /* why it is refused, or NULL */
};

static int num_value(const char *name, const char *v, long lo, long hi, long *out, struct sb *err)
{
	char *end = NULL;
	errno = 0;
	long x = strtol(v, &end, 0);
	if (errno || !end || *end || x < lo || x > hi) {
		sb_addf(err, "--%s=%s: expected a number from %ld to %ld", name, v, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int opt_ip_version(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	if (!strcmp(v, "ipv4"))
		o->cfg.family = 4;
	else if (!strcmp(v, "ipv6"))
		o->cfg.family = 6;
	else if (!strcmp(v, "ipv4-mapped-ipv6"))
		o->cfg.family = 46;
	else {
		sb_addf(err, "--%s=%s: expected ipv4, ipv6 or ipv4-mapped-ipv6", name, v);
		return -1;
	}
	if (o->cfg.family == 6) {
		o->cfg.local_ip = "fd3d:0a0b:17d6::1";
		o->cfg.remote_ip = "fd3d:fa7b:d17d::1";
		o->cfg.gateway_ip = "fd3d:0a0b:17d6:8888::1";
		o->cfg.prefixlen = 64;
	}
	return 0;
}

static int opt_addr(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	(void)err;
	/* Copied: a header line's value lives in a buffer freed after parsing.
	 * The copies live as long as the child process that runs the script. */
	if (!strcmp(name, "local_ip"))
		o->cfg.local_ip = xstrdup(v);
	else if (!strcmp(name, "remote_ip"))
		o->cfg.remote_ip = xstrdup(v);
	else
		o->cfg.gateway_ip = xstrdup(v);
	return 0;
}

static int opt_netmask(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	struct in_addr a;
	if (inet_pton(AF_INET, v, &a) != 1) {
		sb_addf(err, "--%s=%s: expected a netmask like 255.255.0.0", name, v);
		return -1;
	}
	uint32_t m = ntohl(a.s_addr);
	int bits = 0;
	while (bits < 32 && (m & (0x80000000u >> bits)))
		bits++;
	o->cfg.prefixlen = bits;
	return 0;
}

static int opt_number(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	long x;
	if (num_value(name, v, 0, 100000000, &x, err))
		return -1;
	if (!strcmp(name, "bind_port"))
		o->cfg.bind_port = (uint16_t)x;
	else if (!strcmp(name, "connect_port"))
		o->cfg.connect_port = (uint16_t)x;
	else if (!strcmp(name, "mtu"))
		o->cfg.mtu = (int)x;
	else if (!strcmp(name, "tolerance_usecs"))
		o->cfg.tolerance_usecs = (uint32_t)x;
	else if (!strcmp(name, "tcp_ts_tick_usecs"))
		o->cfg.ts_tick_usecs = (uint32_t)x;
	else if (!strcmp(name, "mss") && !o->warned_mss) {
		fprintf(stderr, "tcpsh run: warning: --mss is accepted but not used: injected segments are "
				"never split to an MSS\n");
		o->warned_mss = true;
	}
	return 0;
}

static int opt_percent(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	char *end = NULL;
	double x = strtod(v, &end);
	if (!end || *end || !(x >= 0 && x <= 100)) {
		sb_addf(err, "--%s=%s: expected a percentage from 0 to 100", name, v);
		return -1;
	}
	o->cfg.tolerance_percent = x;
	return 0;
}

static int opt_flag(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	(void)v;
	(void)err;
	if (!strcmp(name, "tcp_ts_ecr_scaled"))
		o->cfg.ts_ecr_scaled = true;
	else if (!strcmp(name, "verbose"))
		o->verbose = true;
	else if (!strcmp(name, "json"))
		o->cfg.json = true;
	else if (!strcmp(name, "dry_run"))
		o->dry_run = true;
	else if (!strcmp(name, "allow-shell") || !strcmp(name, "allow_shell"))
		o->allow_shell = true;
	return 0; /* strict_segments, send_omit_free: our segments are always checked whole */
}

static int opt_non_fatal(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	(void)name;
	(void)err;
	o->cfg.non_fatal = strstr(v, "packet") != NULL;
	return 0;
}

static int opt_define(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v) {
		sb_addf(err, "--%s %s: expected NAME=VALUE", name, v);
		return -1;
	}
	o->defs = xrealloc(o->defs, (o->ndefs + 1) * sizeof(*o->defs));
	o->defs[o->ndefs].name = xstrndup(v, (size_t)(eq - v));
	o->defs[o->ndefs].value = xstrdup(eq + 1);
	o->ndefs++;
	return 0;
}

static int opt_init(struct run_opts *o, const char *name, const char *v, struct sb *err)
{
	(void)name;
	(void)err;
	free(o->init_scripts); /* the command line overrides the script's header line */
	o->init_scripts = xstrdup(v);
	return 0;
}

static const struct opt_row opts[] = {
	{"ip_version", true, opt_ip_version, NULL},
	{"local_ip", true, opt_addr, NULL},
	{"remote_ip", true, opt_addr, NULL},
	{"gateway_ip", true, opt_addr, NULL},
	{"netmask_ip", true, opt_netmask, NULL},
	{"bind_port", true, opt_number, NULL},
	{"connect_port", true, opt_number, NULL},
	{"mtu", true, opt_number, NULL},
	{"mss", true, opt_number, NULL},
	{"tolerance_usecs", true, opt_number, NULL},
	{"tolerance_percent", true, opt_percent, NULL},
	{"tcp_ts_tick_usecs", true, opt_number, NULL},
	{"tcp_ts_ecr_scaled", false, opt_flag, NULL},
	{"strict_segments", false, opt_flag, NULL},
	{"non_fatal", true, opt_non_fatal, NULL},
	{"define", true, opt_define, NULL},
	{"verbose", false, opt_flag, NULL},
	{"json", false, opt_flag, NULL},
	{"dry_run", false, opt_flag, NULL},
	{"init_scripts", true, opt_init, NULL},
	{"send_omit_free", false, opt_flag, NULL},
	{"allow-shell", false, opt_flag, NULL},
	{"allow_shell", false, opt_flag, NULL},
	{"wire_client", false, NULL, "tcpsh plays both ends on one machine: no wire client"},
	{"wire_server", false, NULL, "tcpsh plays both ends on one machine: no wire server"},
	{"wire_server_ip", true, NULL, "no wire mode"},
	{"wire_server_at", true, NULL, "no wire mode"},
	{"wire_server_port", true, NULL, "no wire mode"},
	{"wire_client_dev", true, NULL, "no wire mode"},
	{"wire_server_dev", true, NULL, "no wire mode"},
	{"so_filename", true, NULL, "no shared-object (userspace stack) mode"},
	{"so_flags", true, NULL, "no shared-object (userspace stack) mode"},
	{"code_command", true, NULL, "%{ }% blocks are evaluated natively, with no Python"},
	{"speed", true, NULL, "not supported"},
};

static const struct opt_row *opt_find(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == n && !strncmp(opts[i].name, name, n))
			return &opts[i];
	return NULL;
}

/* Applies "--name=value", "--name value" (advancing *i when argv is given) or "-D X=Y". */
static int apply_option(struct run_opts *o, const char *arg, int argc, char **argv, int *i, struct sb *err)
{
	if (!strcmp(arg, "-D") || !strcmp(arg, "-v")) {
		if (arg[1] == 'v')
			return opt_flag(o, "verbose", NULL, err);
		if (!argv || *i + 1 >= argc) {
			sb_add(err, "-D: expected NAME=VALUE after it");
			return -1;
		}
		return opt_define(o, "define", argv[++*i], err);
	}
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_row *r = opt_find(name, n);
	if (!r) {
		sb_addf(err, "unknown option '%s'", arg);
		return -1;
	}
	if (r->unsupported) {
		sb_addf(err, "--%s is not supported: %s", r->name, r->unsupported);
		return -1;
	}
	const char *value = eq ? eq + 1 : NULL;
	if (r->has_value && !value) {
		if (!argv || *i + 1 >= argc) {
			sb_addf(err, "--%s needs a value", r->name);
			return -1;
		}
		value = argv[++*i];
	}
	return r->fn(o, r->name, value ? value : "", err);
}

/* Largest script read: a huge file given by mistake must not be read
 * without end. Real scripts are a few KiB; generated ones (the parse
 * benchmark's million lines are 50 MiB) can be large. A device like
 * /dev/zero or a binary file stops at its first NUL byte instead, which the
 * parser then reports at its line and column. */
#define SCRIPT_MAX (256 << 20)

static int read_file(const char *path, struct sb *out, struct sb *err)
{
	struct stat st;
	if (stat(path, &st)) {
		sb_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		sb_addf(err, "%s: is a directory, not a script", path);
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		sb_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= SCRIPT_MAX)
		sb_grow(out, (size_t)st.st_size); /* one buffer, never copied as it grows */
	char buf[65536];
	size_t n;
	while (out->len <= SCRIPT_MAX && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		sb_addn(out, buf, n);
		if (memchr(buf, 0, n))
			break; /* not text: the parser says where */
	}
	int bad = ferror(f) ? errno : 0;
	fclose(f);
	if (bad) {
		sb_addf(err, "%s: cannot read it: %s", path, strerror(bad));
		return -1;
	}
	if (out->len > SCRIPT_MAX) {
		sb_addf(err, "%s: larger than %d MiB, so not a script (a file given by mistake?)", path,
			SCRIPT_MAX >> 20);
		return -1;
	}
	return 0;
}

/* True when the script has an event to run, not only options and comments. */
static bool has_events(const struct syn_script *s)
{
	for (size_t i = 0; i < s->nev; i++)
		if (s->ev[i].kind != SYN_OPTION && s->ev[i].kind != SYN_EMPTY)
			return true;
	return false;
}

static void print_err(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stdout);
	fflush(stdout);
}

static int no_commands(void *ctx, const struct syn_event *ev)
{
	(void)ctx;
	(void)ev;
	return -1;
}

static int apply_cli(struct run_opts *o, struct sb *err)
{
	for (int i = 0; i < o->ncli; i++)
		if (apply_option(o, o->cli[i], o->ncli, o->cli, &i, err))
			return -1;
	return 0;
}

/* Header lines: --name=value before the first event. */
static int apply_header(struct run_opts *o, const struct syn_script *s, const char *path, struct sb *err)
{
	for (size_t i = 0; i < s->nev && s->ev[i].kind == SYN_OPTION; i++) {
		const char *name = s->ev[i].u.str.text;
		/* A script must not grant itself the shell: only the person running it can. */
		if (!strcmp(name, "allow-shell") || !strcmp(name, "allow_shell")) {
			sb_addf(err, "%s:%d: --allow-shell is only accepted on tcpsh's command line, not in a script",
				path, s->ev[i].line);
			return -1;
		}
		struct sb arg = SB_INIT;
		sb_addf(&arg, "--%s", s->ev[i].u.str.text);
		if (s->ev[i].u.str.value)
			sb_addf(&arg, "=%s", s->ev[i].u.str.value);
		struct sb why = SB_INIT;
		int r = apply_option(o, sb_str(&arg), 0, NULL, NULL, &why);
		if (r)
			sb_addf(err, "%s:%d: %s", path, s->ev[i].line, sb_str(&why));
		sb_free(&arg);
		sb_free(&why);
		if (r)
			return -1;
	}
	return 0;
}

/* --init_scripts=A,B: commands run in the namespace before the script, as
 * packetdrill runs them (natively when harmless, else with --allow-shell). */
static int run_init_scripts(const struct run_opts *o, const char *path)
{
	if (!o->init_scripts || !*o->init_scripts)
		return 0;
	char *list = xstrdup(o->init_scripts), *save = NULL;
	int r = 0;
	for (char *cmd = strtok_r(list, ",", &save); cmd && !r; cmd = strtok_r(NULL, ",", &save)) {
		struct shellcmd_cfg cfg = {o->allow_shell, ".", 0};
		struct sb out = SB_INIT, err = SB_INIT;
		r = shellcmd_run(&cfg, cmd, &out, &err);
		if (r)
			fprintf(stderr, "tcpsh: %s: init script '%s': %s\n", path, cmd, sb_str(&err));
		sb_free(&out);
		sb_free(&err);
	}
	free(list);
	return r ? 1 : 0;
}

/* A parsed script, from its checks to its verdict. Returns the exit status;
 * the caller frees the script, the text and err. */
static int run_parsed(struct run_opts *o, const char *path, struct syn_script *s, const struct sb *text,
		      struct sb *err)
{
	/* An empty script passes in packetdrill; here it is taken for what it
	 * almost always is, a wrong or truncated file. */
	if (!has_events(s)) {
		fprintf(stderr, "tcpsh: %s: %s: nothing to run\n", path,
			text->len ? "the script has no events, only comments or options" : "the file is empty");
		return 2;
	}
	/* As in packetdrill, the command line overrides the script's header lines. */
	if (apply_header(o, s, path, err) || apply_cli(o, err)) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(err));
		return 2;
	}
	if (o->dry_run)
		return 0;
	char *dir = xstrdup(path);
	int entered = chdir(dirname(dir));
	free(dir);
	if (entered) {
		fprintf(stderr, "tcpsh: %s: cannot enter the script's directory: %s\n", path, strerror(errno));
		return 3;
	}
	if (sandbox_enter(err)) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(err));
		return 3;
	}
	o->cfg.file = path;
	o->cfg.allow_shell = o->allow_shell;
	loop_steady_timing();
	o->cfg.quiet = !o->verbose && !o->cfg.json; /* --json: every event, for autograders */
	o->cfg.script = true;
	struct loop *loop = loop_new();
	struct engine_io io = {print_err, no_commands, NULL};
	struct engine *e = engine_new(&o->cfg, loop, &io, err);
	if (!e) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(err));
		loop_free(loop);
		return 3;
	}
	int r = run_init_scripts(o, path);
	if (!r)
		r = engine_run_script(e, s, sb_str(text), text->len);
	if (engine_input_errors(e)) /* a line the engine could not run: an input error, reported */
		r = 2;
	engine_free(e);
	loop_free(loop);
	return r;
}

/* One script in its own namespace, in a child (run_each) or in this process
 * (run_alone): read, parsed, run. Returns the exit status. Every path frees
 * what it made: in this process, LeakSanitizer checks the exit. */
static int run_one(struct run_opts *o, const char *path)
{
	struct sb text = SB_INIT, err = SB_INIT;
	struct syn_defines defs = {o->defs, o->ndefs};
	struct syn_script s = {0};
	struct syn_error se;
	syntax_error_init(&se);
	int r;
	if (read_file(path, &text, &err)) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		r = 2;
	} else if (syntax_parse_script_defs(text.buf ? text.buf : "", text.len, &defs, &s, &se) != SYN_OK) {
		const char *line;
		size_t n;
		syntax_find_line(sb_str(&text), text.len, 1, se.line, &line, &n);
		struct sb out = SB_INIT;
		syntax_error_format(&se, path, line, n, &out);
		fputs(sb_str(&out), stderr);
		sb_free(&out);
		r = 2;
	} else {
		r = run_parsed(o, path, &s, &text, &err);
	}
	syntax_script_free(&s);
	syntax_error_free(&se);
	sb_free(&text);
	sb_free(&err);
	return r;
}

static const char run_usage[] =
	"usage: tcpsh run [OPTIONS] SCRIPT.pkt...\n"
	"Replays packetdrill scripts against the kernel, each in a fresh private\n"
	"namespace, with packetdrill's semantics and verdicts.\n"
	"  --ip_version=ipv4|ipv6|ipv4-mapped-ipv6   --local_ip= --remote_ip= --gateway_ip= --netmask_ip=\n"
	"  --bind_port= --connect_port= --mtu= --mss=  --tolerance_usecs= --tolerance_percent=\n"
	"  --tcp_ts_tick_usecs= --tcp_ts_ecr_scaled --non_fatal=packet  -D NAME=VALUE (--define)\n"
	"  --allow-shell (run backquoted commands through /bin/sh)  --verbose  --dry_run\n"
	"  --json (one JSON object per event and a verdict per script, on stdout)\n"
	"Exit status: 0 all passed, 1 a script failed, 2 usage or syntax error, 3 no privileges.\n";

/*
 * Ctrl-C, SIGTERM, SIGHUP reach the parent (a kill by pid, a closed
 * terminal) and must not leave a child running its script in its
 * namespace: the parent passes the signal on and stops after that child.
 */
static volatile sig_atomic_t child_pid, stop_signal;

static void forward_signal(int sig)
{
	stop_signal = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static void forward_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;
		/* A signal ignored by whoever started us (nohup, a background
		 * job) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* In the child: default signal actions again, and death with the parent
 * even if it is killed by a signal that cannot be passed on (SIGKILL). */
static void child_signals(pid_t parent)
{
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			signal(sigs[i], SIG_DFL);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(3);
}

/* --json: {"type":"verdict","script":...,"result":"pass"|"fail","exit":N[,"signal":N]} */
static void print_json_verdict(const char *script, int code, int sig)
{
	struct sb out = SB_INIT;
	struct json j;
	json_object_begin(&j, &out);
	json_str(&j, "type", "verdict");
	json_str(&j, "script", script);
	json_str(&j, "result", code == 0 ? "pass" : "fail");
	json_num(&j, "exit", code);
	if (sig)
		json_num(&j, "signal", sig);
	json_object_end(&j);
	printf("%s\n", sb_str(&out));
	sb_free(&out);
}

/*
 * One script without --json runs in this process: a fork costs more than
 * the rest of a short script (a 2-line script took 7 ms longer, CPU as
 * much: the child's copy-on-write faults, then two exits). The parent's
 * jobs are then done here: Ctrl-C, SIGTERM and SIGHUP still end the run
 * with the message and status 128 + signal (the kernel removes the
 * namespace as the process exits); a script that exits normally leaves
 * the same status. With several scripts, each still gets a fresh process
 * and namespace; with --json too, so that a crash still gets its verdict.
 */
static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (sizeof(stop_sigs) / sizeof(stop_sigs[0]))
static struct sb stop_msg[NSTOP]; /* written before the handler is installed */

/* A signal handler: write(2) and _exit(2) only. */
static void stop_alone(int sig)
{
	for (size_t i = 0; i < NSTOP; i++)
		if (stop_sigs[i] == sig && write(STDERR_FILENO, stop_msg[i].buf, stop_msg[i].len) < 0)
			break;
	_exit(128 + sig);
}

static int run_alone(struct run_opts *o, const char *path)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_alone;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++) {
		sb_addf(&stop_msg[i], "tcpsh run: %s: stopped by %s\n", path, strsignal(stop_sigs[i]));
		struct sigaction old;
		if (sigaction(stop_sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(stop_sigs[i], &sa, NULL);
	}
	int r = run_one(o, path);
	for (size_t i = 0; i < NSTOP; i++) {
		struct sigaction old;
		if (sigaction(stop_sigs[i], NULL, &old) == 0 && old.sa_handler == stop_alone)
			signal(stop_sigs[i], SIG_DFL);
		sb_free(&stop_msg[i]);
	}
	return r;
}

/* Each script in a forked child, in turn (see run_alone): the parent stays
 * outside the namespaces, reports each verdict, and passes Ctrl-C, SIGTERM
 * and SIGHUP on. Returns the worst exit status. */
static int run_each(struct run_opts *o, const char **scripts, size_t nscripts, int *passed,
		    int *failed)
{
	int worst = 0;
	pid_t parent = getpid();
	forward_signals();
	for (size_t i = 0; i < nscripts && !stop_signal; i++) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("tcpsh run: fork");
			return 3;
		}
		if (pid == 0) {
			child_signals(parent);
			_exit(run_one(o, scripts[i]));
		}
		child_pid = pid;
		if (stop_signal) /* arrived between fork and here */
			kill(pid, stop_signal);
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		if (stop_signal) {
			fprintf(stderr, "tcpsh run: %s: stopped by %s\n", scripts[i], strsignal(stop_signal));
			code = 128 + stop_signal;
		} else if (!WIFEXITED(st) && !o->cfg.json) {
			fprintf(stdout, "%s: tcpsh died with signal %d\n", scripts[i], WTERMSIG(st));
		}
		if (code == 0)
			(*passed)++;
		else
			(*failed)++;
		if (code > worst)
			worst = code;
		if (o->cfg.json)
			print_json_verdict(scripts[i], code, WIFEXITED(st) ? 0 : WTERMSIG(st));
		else if (nscripts > 1)
			printf("%s %s\n", code == 0 ? "PASS" : "FAIL", scripts[i]);
	}
	return worst;
}

int runner_main(int argc, char **argv)
{
	struct run_opts o;
	memset(&o, 0, sizeof(o));
	engine_cfg_default(&o.cfg);
	o.cfg.tolerance_usecs = 4000;
	o.cfg.tolerance_percent = 12.5;
	o.cfg.tso = 1; /* packetdrill's scripts expect the kernel's TSO super-segments */
	const char **scripts = xcalloc((size_t)argc + 1, sizeof(*scripts));
	o.cli = xcalloc((size_t)argc + 1, sizeof(*o.cli));
	size_t nscripts = 0;
	struct sb err = SB_INIT;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(run_usage, stdout);
			free(scripts);
			free(o.cli);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			int first = i;
			if (apply_option(&o, argv[i], argc, argv, &i, &err)) {
				fprintf(stderr, "tcpsh run: %s\n(tcpsh run --help lists the options)\n", sb_str(&err));
				sb_free(&err);
				free(scripts);
				free(o.cli);
				return 2;
			}
			for (int k = first; k <= i; k++)
				o.cli[o.ncli++] = argv[k];
		} else {
			scripts[nscripts++] = argv[i];
		}
	}
	if (!nscripts) {
		fputs(run_usage, stderr);
		free(scripts);
		free(o.cli);
		return 2;
	}
	int passed = 0, failed = 0, worst = 0;
	if (nscripts == 1 && !o.cfg.json)
		worst = run_alone(&o, scripts[0]);
	else
		worst = run_each(&o, scripts, nscripts, &passed, &failed);
	if (nscripts > 1 && o.cfg.json)
		printf("{\"type\":\"summary\",\"passed\":%d,\"failed\":%d}\n", passed, failed);
	else if (nscripts > 1)
		printf("%d passed, %d failed\n", passed, failed);
	free(scripts);
	free(o.cli);
	for (size_t i = 0; i < o.ndefs; i++) {
		free((char *)o.defs[i].name);
		free((char *)o.defs[i].value);
	}
	free(o.defs);
	free(o.init_scripts);
	sb_free(&err);
	return worst;
}
