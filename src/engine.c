/*
 * engine: set-up, the line queue and timing (see engine.h). Lines run in
 * order; each at its time (absolute from the session start, relative to the
 * previous line's scheduled time, or now). An expectation that waits for a
 * segment holds the queue; a blocked call does not (it runs on a worker).
 */
#include "engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "consts.h"
#include "privs.h"
#include "sandbox.h"

#define REFRESH_PERIOD 0.25 /* seconds between socket-state polls while sockets live */

void engine_cfg_default(struct engine_cfg *cfg)
{
	struct tun_cfg net; /* one source for the network defaults */
	tun_cfg_default(&net);
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = net.family;
	cfg->local_ip = net.local_ip;
	cfg->remote_ip = net.remote_ip;
	cfg->gateway_ip = net.gateway_ip;
	cfg->prefixlen = net.prefixlen;
	cfg->mtu = net.mtu;
	cfg->bind_port = 8080;
	cfg->connect_port = 8080;
	cfg->first_peer_port = 40000;
	cfg->format = ENGINE_FMT_TCPDUMP;
	cfg->utf8 = true;
	cfg->expect_wait = 2.0;
	cfg->present_delay = 1.0;
}

double engine_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void engine_print(struct engine *e, const char *text)
{
	if (e->cfg.quiet)
		return;
	if (e->cfg.json) /* --json: every line an object (engine_view.c) */
		view_json_text(e, text);
	else
		e->io.print(e->io.ctx, text);
}

void engine_printf(struct engine *e, const char *fmt, ...)
{
	struct sb s = SB_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&s, fmt, ap);
	va_end(ap);
	engine_print(e, sb_str(&s));
	sb_free(&s);
}

const char *engine_sym(const struct engine *e, const char *utf8, const char *ascii)
{
	return e->cfg.utf8 ? utf8 : ascii;
}

static void print_error(struct engine *e, const struct syn_error *err, const char *file, const char *text,
			size_t len, int first_line)
{
	const char *src;
	size_t n;
	syntax_find_line(text, len, first_line, err->line, &src, &n);
	struct sb out = SB_INIT;
	syntax_error_format(err, file, src, n, &out);
	if (e->scr) /* a script's input error is shown even when quiet */
		e->io.print(e->io.ctx, sb_str(&out));
	else
		engine_print(e, sb_str(&out));
	sb_free(&out);
}

void engine_error_at(struct engine *e, const struct qitem *q, int col, const char *msg, const char *hint)
{
	e->input_errors++;
	struct syn_error err;
	syntax_error_init(&err);
	err.line = q->ev.line;
	err.col = col;
	sb_add(&err.msg, msg);
	if (hint)
		sb_add(&err.hint, hint);
	print_error(e, &err, q->file, q->text, q->len, q->ev.line);
	syntax_error_free(&err);
	/* In a script a line that cannot run stops it, as a syntax error
	 * would have before the start: nothing after it can mean what the
	 * author meant. (At the prompt the session goes on unchanged.) */
	if (e->scr)
		script_stop(e);
}

void qitem_free(struct qitem *q)
{
	if (!q)
		return;
	syntax_event_free(&q->ev);
	free(q->sel);
	free(q->text);
	free(q->file);
	free(q);
}

static void on_timer(void *ctx, int fd, short revents);
static void on_notify(void *ctx, int fd, short revents);

static int parse_addrs(struct engine *e, struct sb *err)
{
	int af = e->cfg.family == 6 ? AF_INET6 : AF_INET; /* 46: IPv4 addresses on the wire */
	if (inet_pton(af, e->cfg.local_ip, e->kaddr) != 1) {
		sb_addf(err, "--local_ip=%s: not an IPv%d address", e->cfg.local_ip, e->cfg.family);
		return -1;
	}
	if (inet_pton(af, e->cfg.remote_ip, e->paddr) != 1) {
		sb_addf(err, "--remote_ip=%s: not an IPv%d address", e->cfg.remote_ip, e->cfg.family);
		return -1;
	}
	return 0;
}

static int open_fds(struct engine *e, struct sb *err)
{
	e->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->timer_fd < 0) {
		sb_addf(err, "timerfd_create: %s", strerror(errno));
		return -1;
	}
	if (pipe2(e->notify, O_NONBLOCK | O_CLOEXEC)) {
		sb_addf(err, "pipe2: %s", strerror(errno));
		return -1;
	}
	loop_add(e->loop, e->timer_fd, POLLIN, on_timer, e);
	loop_add(e->loop, e->notify[0], POLLIN, on_notify, e);
	return worker_init_signals(err);
}

struct engine *engine_new(const struct engine_cfg *cfg, struct loop *loop, const struct engine_io *io,
			  struct sb *err)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	e->cfg = *cfg;
	e->loop = loop;
	e->io = *io;
	e->timer_fd = -1;
	e->sut_fd = -1;
	e->notify[0] = e->notify[1] = -1;
	e->tun.fd = -1;
	conn_table_init(&e->conns, cfg->first_peer_port);
	clock_gettime(CLOCK_REALTIME, &e->t0_real);
	e->t0_mono = e->last_sched = engine_now();
	if (cfg->script)
		script_new(e);
	/* Set up: from here on only the capabilities privs.c keeps. */
	ejournal_open(e);
	if (parse_addrs(e, err) || open_fds(e, err) || wire_open(e, err) || privs_drop(cfg->allow_shell, err)) {
		engine_free(e);
		return NULL;
	}
	if (!cfg->script) /* before the student changes any: what `profile modern` restores */
		profile_defaults_read(&e->defaults);
	/* 46, ipv4-mapped-ipv6: IPv6 sockets with ::ffff:a.b.c.d, IPv4 on the wire */
	sys_env_init_mode(&e->sys, cfg->family, e->kaddr, cfg->bind_port, e->paddr, cfg->connect_port);
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	call_free_all(e);
	/* Stop capturing first: the segments of closing everything at exit are
	 * not part of the session. */
	wire_close(e);
	code_free(e);
	sys_env_close_all(&e->sys);
	script_free(e);
	for (size_t i = e->qhead; i < e->qn; i++)
		qitem_free(e->queue[i]);
	free(e->queue);
	qitem_free(e->expect);
	state_free(e);
	conn_table_free(&e->conns);
	profile_defaults_free(&e->defaults);
	free(e->profile);
	ejournal_close(e);
	if (e->timer_fd >= 0) {
		loop_del(e->loop, e->timer_fd);
		close(e->timer_fd);
	}
	for (int i = 0; i < 2; i++)
		if (e->notify[i] >= 0) {
			if (i == 0)
				loop_del(e->loop, e->notify[0]);
			close(e->notify[i]);
		}
	free(e);
}

static void enqueue(struct engine *e, struct qitem *q)
{
	if (e->qhead > 0 && e->qhead == e->qn)
		e->qhead = e->qn = 0;
	if (e->qn == e->qcap) {
		e->qcap = e->qcap ? e->qcap * 2 : 16;
		e->queue = xrealloc(e->queue, e->qcap * sizeof(*e->queue));
	}
	e->queue[e->qn++] = q;
}

static bool is_wait(const struct syn_event *ev)
{
	return ev->kind == SYN_COMMAND && !strcmp(ev->u.cmd.word, "wait");
}

/* `wait SECONDS`: hold the queue while the kernel goes on (timers fire). */
static int parse_wait(struct engine *e, struct qitem *q)
{
	const struct syn_command *c = &q->ev.u.cmd;
	char *end = NULL;
	double s = c->nargs == 1 ? strtod(c->args[0], &end) : -1;
	if (c->nargs != 1 || !end || *end || !(s >= 0 && s <= 3600)) {
		engine_error_at(e, q, c->nargs ? c->arg_cols[0] : (int)strlen(c->word) + 1,
				"wait: expected a number of seconds from 0 to 3600", "for example: wait 1.5");
		return -1;
	}
	q->wait = s;
	return 0;
}

/* The @NAME prefix of a shell line (engine_conn.c): its name into q->sel, and
 * the line to parse, with the prefix blanked so columns stay the line's. */
static int take_prefix(struct engine *e, struct qitem *q, const char *text, size_t len, const char *file,
		       int lineno, char **parse)
{
	size_t off = 0, n = 0;
	int end = sel_prefix(text, len, &off, &n);
	*parse = NULL;
	if (end == 0)
		return 0;
	if (end < 0) {
		struct syn_error err;
		syntax_error_init(&err);
		err.line = lineno;
		err.col = (int)(memchr(text, '@', len) ? (const char *)memchr(text, '@', len) - text : 0) + 1;
		sb_add(&err.msg, "expected a connection name after '@': c1, c2... or a port, then a blank");
		sb_add(&err.hint, "for example: @c2 < . 1:1(0) ack 1 win 1000 ('conn' lists the connections)");
		e->input_errors++;
		print_error(e, &err, file, text, len, lineno);
		syntax_error_free(&err);
		return -1;
	}
	q->sel = xstrndup(text + off, n);
	*parse = xstrndup(text, len);
	memset(*parse, ' ', (size_t)end);
	return 0;
}

int engine_submit(struct engine *e, const char *text, size_t len, const char *file, int lineno)
{
	struct syn_error err;
	syntax_error_init(&err);
	struct qitem *q = xcalloc(1, sizeof(*q));
	char *blanked;
	if (take_prefix(e, q, text, len, file, lineno, &blanked)) {
		syntax_error_free(&err);
		qitem_free(q);
		return -1;
	}
	int r = syntax_parse_line(blanked ? blanked : text, len, lineno, &q->ev, &err);
	free(blanked);
	if (r != SYN_OK) {
		if (r == SYN_ERR) {
			e->input_errors++;
			print_error(e, &err, file, text, len, lineno);
		}
		syntax_error_free(&err);
		qitem_free(q);
		return r == SYN_INCOMPLETE ? 1 : -1;
	}
	syntax_error_free(&err);
	if (q->ev.kind == SYN_EMPTY && !q->sel) {
		qitem_free(q);
		return 0;
	}
	q->text = xstrndup(text, len);
	q->len = len;
	q->file = xstrdup(file);
	if (is_wait(&q->ev) && parse_wait(e, q)) {
		qitem_free(q);
		return -1;
	}
	enqueue(e, q);
	engine_pump(e);
	return 0;
}

void engine_submit_eof(struct engine *e, const char *text, size_t len, const char *file, int lineno)
{
	/* As a whole script the text must be complete, so the script parser
	 * says what was left open. */
	struct syn_script s = {0};
	struct syn_error err;
	syntax_error_init(&err);
	if (syntax_parse_script(text, len, &s, &err) == SYN_OK) {
		sb_reset(&err.msg);
		sb_add(&err.msg, "the input ended inside an unfinished line");
		err.line = lineno;
		err.col = 0;
	} else {
		err.line += lineno - 1;
	}
	e->input_errors++;
	print_error(e, &err, file, text, len, lineno);
	syntax_script_free(&s);
	syntax_error_free(&err);
}

bool engine_idle(const struct engine *e)
{
	return e->qhead == e->qn && !e->expect;
}

int engine_failures(const struct engine *e)
{
	return e->failures;
}

int engine_input_errors(const struct engine *e)
{
	return e->input_errors;
}

void engine_command_error(struct engine *e, int col, const char *msg, const char *hint)
{
	if (e->cmd_item) {
		engine_error_at(e, e->cmd_item, col, msg, hint);
		return;
	}
	e->input_errors++;
	engine_printf(e, "error: %s\n", msg);
}

void engine_show_state(struct engine *e)
{
	state_show_all(e);
}

void engine_set_format(struct engine *e, enum engine_format f)
{
	e->cfg.format = f;
}

static double due_time(struct engine *e, const struct qitem *q)
{
	const struct syn_time *t = &q->ev.time;
	if (is_wait(&q->ev))
		return engine_now() + q->wait;
	switch (t->kind) {
	case SYN_TIME_ABS:
		return e->t0_mono + t->t;
	case SYN_TIME_REL:
		return e->last_sched + t->t;
	default:
		return engine_now();
	}
}

/* The shell's commands, for the hint (shell.c's table runs them; a new
 * command is added there, in help.c's "commands" page and here). */
static const char *const shell_commands[] = {"help", "state", "info", "conn", "sysctl", "profile", "set", "wait",
					     "reset", "diagram", "save", "pcap", "quit"};

static void unknown_command(struct engine *e, const struct qitem *q)
{
	struct sb msg = SB_INIT, hint = SB_INIT;
	const char *w = q->ev.u.cmd.word;
	sb_add(&msg, "unknown command: expected a time, a segment ('<' or '>'), a system call or a command");
	const char *call = consts_syscall_suggest(w);
	const char *near = NULL;
	for (size_t i = 0; i < sizeof(shell_commands) / sizeof(shell_commands[0]) && !near; i++)
		if (consts_edit_distance(w, shell_commands[i], 1) <= 1)
			near = shell_commands[i];
	if (consts_syscall_lookup(w) || call) {
		sb_addf(&hint, "a system call needs parentheses: %s(...)", call ? call : w);
	} else if (e->scr) {
		sb_add(&hint, "a script has no shell commands (help, state, set, sysctl, ...): they work at "
			      "tcpsh's prompt only");
	} else {
		if (near)
			sb_addf(&hint, "did you mean '%s'? ", near);
		sb_add(&hint, "the commands:");
		for (size_t i = 0; i < sizeof(shell_commands) / sizeof(shell_commands[0]); i++)
			sb_addf(&hint, " %s", shell_commands[i]);
		sb_add(&hint, " ('help commands' says what each does; 'help' explains the lines)");
	}
	engine_error_at(e, q, 1, sb_str(&msg), sb_str(&hint));
	sb_free(&msg);
	sb_free(&hint);
}

static void exec_item(struct engine *e, struct qitem *q)
{
	if ((e->scr && !script_check_start(e, q)) || (q->sel && sel_apply(e, q))) {
		qitem_free(q);
		return;
	}
	switch (q->ev.kind) {
	case SYN_EMPTY: /* a bare @NAME: only selects the connection */
		break;
	case SYN_PACKET:
		if (q->ev.u.pkt.dir == '<')
			wire_inject(e, q);
		else
			wire_expect(e, q);
		return;
	case SYN_SYSCALL:
		call_exec(e, q);
		return;
	case SYN_CODE:
		code_exec(e, q);
		return;
	case SYN_SHELL:
		shell_exec(e, q);
		return;
	case SYN_COMMAND:
		if (is_wait(&q->ev))
			break;
		e->cmd_item = q;
		if (e->io.command(e->io.ctx, &q->ev) < 0)
			unknown_command(e, q);
		e->cmd_item = NULL;
		break;
	case SYN_OPTION:
		if (e->scr) /* header options: the runner applied them before the start */
			break;
		/* fall through */
	default:
		if (e->scr)
			script_fail(e, q, "this kind of line is not supported yet");
		else
			engine_error_at(e, q, 1, "this kind of line is not supported in the shell yet",
					"shell commands, %{ }% blocks and option lines come with `tcpsh run`");
		break;
	}
	qitem_free(q);
}

/* Runs every queued line whose time has come, unless an expectation holds the queue. */
void engine_pump(struct engine *e)
{
	while (e->qhead < e->qn && !e->expect && !script_failed(e)) {
		struct qitem *q = e->queue[e->qhead];
		if (!q->has_due) {
			if (e->scr) {
				script_due(e, q);
			} else {
				q->due = due_time(e, q);
				q->due_end = q->due;
			}
			q->has_due = true;
		}
		if (q->due > engine_now())
			break;
		e->qhead++;
		e->last_sched = q->due;
		exec_item(e, q);
		if (!e->scr) /* a script times its calls itself: no settling */
			call_settle(e);
	}
	engine_arm_timer(e);
}

/* Keeps the earliest of the times offered. */
static void earliest(double *next, bool *have, double t)
{
	if (!*have || t < *next)
		*next = t;
	*have = true;
}

void engine_arm_timer(struct engine *e)
{
	double next = 0;
	bool have = false;
	if (e->qhead < e->qn && !e->expect && e->queue[e->qhead]->has_due)
		earliest(&next, &have, e->queue[e->qhead]->due);
	if (e->expect)
		earliest(&next, &have, e->expect_deadline);
	if (state_anything_alive(e))
		earliest(&next, &have, e->next_refresh);
	if (e->next_kick)
		earliest(&next, &have, e->next_kick);
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (have) {
		double now = engine_now();
		if (next < now)
			next = now + 1e-6; /* a zero it_value would disarm the timer */
		its.it_value.tv_sec = (time_t)next;
		its.it_value.tv_nsec = (long)((next - (double)(time_t)next) * 1e9);
	}
	if (timerfd_settime(e->timer_fd, TFD_TIMER_ABSTIME, &its, NULL))
		engine_printf(e, "tcpsh: timerfd_settime: %s\n", strerror(errno));
}

static void on_timer(void *ctx, int fd, short revents)
{
	struct engine *e = ctx;
	uint64_t n;
	(void)revents;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		engine_printf(e, "tcpsh: timerfd read: %s\n", strerror(errno));
	double now = engine_now();
	if (e->next_kick && now >= e->next_kick)
		call_kick(e);
	if (now >= e->next_refresh) {
		e->next_refresh = now + REFRESH_PERIOD;
		state_refresh(e);
	}
	if (e->expect && now >= e->expect_deadline)
		wire_expect_deadline(e);
	engine_pump(e);
}

static void on_notify(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	struct engine *e = ctx;
	call_on_notify(e);
	engine_pump(e);
}

void engine_drop_queue(struct engine *e)
{
	for (size_t i = e->qhead; i < e->qn; i++)
		qitem_free(e->queue[i]);
	e->qhead = e->qn = 0;
}

int engine_run_script(struct engine *e, struct syn_script *s, const char *text, size_t len)
{
	for (size_t i = 0; i < s->nev; i++) {
		struct qitem *q = xcalloc(1, sizeof(*q));
		q->ev = s->ev[i];
		memset(&s->ev[i], 0, sizeof(s->ev[i])); /* the queue owns it now */
		const char *line;
		size_t n;
		syntax_find_line(text, len, 1, q->ev.line, &line, &n);
		q->text = xstrndup(line, n);
		q->len = n;
		q->file = xstrdup(e->cfg.file ? e->cfg.file : "<script>");
		enqueue(e, q);
	}
	/* Backquoted commands before the first event are the script's init
	 * command: packetdrill runs it before the clock starts. */
	while (e->qhead < e->qn && !script_failed(e) &&
	       (e->queue[e->qhead]->ev.kind == SYN_SHELL || e->queue[e->qhead]->ev.kind == SYN_OPTION)) {
		struct qitem *q = e->queue[e->qhead++];
		if (q->ev.kind == SYN_SHELL)
			shell_exec(e, q);
		else
			qitem_free(q);
	}
	e->t0_mono = e->last_sched = engine_now();
	clock_gettime(CLOCK_REALTIME, &e->t0_real);
	sys_env_set_clock(&e->sys, &e->t0_real, e->cfg.tolerance_usecs); /* SCM_TIMESTAMPING checks */
	engine_pump(e);
	while (!engine_idle(e) && !script_failed(e))
		if (loop_once(e->loop, -1) < 0)
			break;
	return script_finish(e);
}

bool engine_interrupt(struct engine *e)
{
	bool any = call_interrupt(e);
	if (e->expect) {
		engine_printf(e, "       %s no longer waiting for the expected segment\n", engine_sym(e, "✗", "FAIL:"));
		qitem_free(e->expect);
		e->expect = NULL;
		e->failures++;
		any = true;
	}
	if (e->qhead < e->qn) {
		engine_printf(e, "       (dropped %zu waiting line%s)\n", e->qn - e->qhead, e->qn - e->qhead > 1 ? "s" : "");
		for (size_t i = e->qhead; i < e->qn; i++)
			qitem_free(e->queue[i]);
		e->qhead = e->qn = 0;
		any = true;
	}
	engine_arm_timer(e);
	return any;
}

int engine_arg_col(const struct engine *e, int argi)
{
	if (!e->cmd_item || e->cmd_item->ev.kind != SYN_COMMAND)
		return 1;
	const struct syn_command *c = &e->cmd_item->ev.u.cmd;
	return argi >= 0 && argi < c->nargs ? c->arg_cols[argi] : (int)strlen(c->word) + 1;
}
