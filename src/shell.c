/*
 * shell: the interactive front end (see shell.h). Commands are a table.
 */
#include "shell.h"

#include <errno.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "consts.h"
#include "help.h"
#include "json.h"
#include "loop.h"

#define PROMPT "tcpsh> "
#define PROMPT_MORE "  ...> "
#define HISTORY_MAX 1000

struct shell {
	struct engine *e;
	struct loop *loop;
	bool tty;
	bool json;       /* --json: the shell's own lines are objects too */
	bool in_handler; /* inside readline's line handler: print directly */
	bool quit;
	bool eof;
	int lineno;
	struct sb pending; /* an incomplete (multi-line) event so far */
	int pending_line;
	struct sb inbuf;   /* non-terminal input not yet run */
	char *history;
};

static struct shell *the_shell; /* readline's callbacks carry no context */

/* ---- output ---- */

static void shell_print(void *ctx, const char *text)
{
	struct shell *sh = ctx;
	if (!sh->tty || sh->in_handler) {
		fputs(text, stdout);
		fflush(stdout);
		return;
	}
	/* Asynchronous: clear the prompt line, print, and redraw the half-typed line. */
	rl_clear_visible_line();
	fputs(text, stdout);
	fflush(stdout);
	rl_on_new_line();
	rl_redisplay();
}

/* The shell's own messages: text, or with --json {"type":TYPE,"text":...}. */
static void shell_say(struct shell *sh, const char *type, const char *text)
{
	if (!sh->json) {
		shell_print(sh, text);
		return;
	}
	struct sb out = SB_INIT;
	struct json j;
	json_object_begin(&j, &out);
	json_str(&j, "type", type);
	json_str(&j, "text", text);
	json_object_end(&j);
	sb_addc(&out, '\n');
	shell_print(sh, sb_str(&out));
	sb_free(&out);
}

/* ---- commands ---- */

typedef void (*cmd_fn)(struct shell *, const struct syn_command *);
#define ECHO_MAX 200 /* bytes of a non-terminal input line echoed after the prompt */

static void cmd_help(struct shell *sh, const struct syn_command *c)
{
	struct sb out = SB_INIT;
	help_text(c->nargs ? c->args[0] : NULL, &out);
	shell_say(sh, "help", sb_str(&out));
	sb_free(&out);
}

static void cmd_quit(struct shell *sh, const struct syn_command *c)
{
	(void)c;
	sh->quit = true;
}

static void cmd_state(struct shell *sh, const struct syn_command *c)
{
	(void)c;
	engine_show_state(sh->e);
}

static void set_color(struct shell *sh, const char *when)
{
	int on = engine_color_wanted(when, isatty(STDOUT_FILENO), getenv("NO_COLOR"));
	if (on < 0)
		shell_say(sh, "error", "set color: expected auto, always or never\n");
	else
		engine_set_color(sh->e, on);
}

static void cmd_set(struct shell *sh, const struct syn_command *c)
{
	if (c->nargs == 2 && !strcmp(c->args[0], "format") && !strcmp(c->args[1], "tcpdump"))
		engine_set_format(sh->e, ENGINE_FMT_TCPDUMP);
	else if (c->nargs == 2 && !strcmp(c->args[0], "format") && !strcmp(c->args[1], "packetdrill"))
		engine_set_format(sh->e, ENGINE_FMT_PACKETDRILL);
	else if (c->nargs == 2 && !strcmp(c->args[0], "color"))
		set_color(sh, c->args[1]);
	else if (c->nargs == 2 && !strcmp(c->args[0], "time") && engine_time_parse(c->args[1]) >= 0)
		engine_set_time(sh->e, (enum engine_time)engine_time_parse(c->args[1]));
	else
		shell_say(sh, "error", "set: expected 'set format tcpdump|packetdrill', 'set color auto|always|never' or "
				"'set time relative|absolute|delta'\n");
}

/* `explain on|off`: the teaching mode, a sentence naming the rule after each segment. */
static void cmd_explain(struct shell *sh, const struct syn_command *c)
{
	if (c->nargs == 1 && (!strcmp(c->args[0], "on") || !strcmp(c->args[0], "off")))
		engine_set_explain(sh->e, !strcmp(c->args[0], "on"));
	else
		shell_say(sh, "error", "explain: expected 'explain on' or 'explain off'\n");
}

static const struct {
	const char *word;
	cmd_fn fn;
} commands[] = {
	{"help", cmd_help}, {"quit", cmd_quit}, {"exit", cmd_quit}, {"state", cmd_state},
	{"set", cmd_set},   {"wait", NULL}, /* wait is the engine's: it holds the queue */
	{"explain", cmd_explain},
};

static int on_command(void *ctx, const struct syn_event *ev)
{
	struct shell *sh = ctx;
	const struct syn_command *c = &ev->u.cmd;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(commands[i].word, c->word) && commands[i].fn) {
			commands[i].fn(sh, c);
			return 0;
		}
	}
	return -1;
}

/* ---- input ---- */

/* Submits one physical line, joining continuation lines of an open event. */
static void submit_line(struct shell *sh, const char *line, size_t len)
{
	sh->lineno++;
	if (!sh->pending.len)
		sh->pending_line = sh->lineno;
	else
		sb_addc(&sh->pending, '\n');
	sb_addn(&sh->pending, line, len);
	int r = engine_submit(sh->e, sh->pending.buf, sh->pending.len, "<stdin>", sh->pending_line);
	if (r == 1)
		return;
	sb_reset(&sh->pending);
}

static void on_readline(char *line)
{
	struct shell *sh = the_shell;
	sh->in_handler = true;
	if (!line) {
		fputs("\n", stdout);
		sh->quit = true;
	} else {
		if (*line) {
			add_history(line);
			if (sh->history)
				append_history(1, sh->history);
		}
		submit_line(sh, line, strlen(line));
		free(line);
		rl_set_prompt(sh->pending.len ? PROMPT_MORE : PROMPT);
	}
	sh->in_handler = false;
}

static void on_tty(void *ctx, int fd, short revents)
{
	(void)ctx;
	(void)fd;
	(void)revents;
	rl_callback_read_char();
}

static void on_pipe(void *ctx, int fd, short revents)
{
	struct shell *sh = ctx;
	char buf[4096];
	(void)revents;
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n > 0)
		sb_addn(&sh->inbuf, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		sh->eof = true;
		loop_del(sh->loop, fd);
	}
}

static void key_line(struct json *j, const char *line, size_t len)
{
	struct sb v = SB_INIT;
	sb_addn(&v, line, len);
	json_str(j, "line", sb_str(&v)); /* a NUL ends it: the parser rejects such a line anyway */
	sb_free(&v);
}

/* Shows a non-terminal input line after the prompt, as if typed: control
 * bytes escaped, a long line cut (the error message, if any, shows where). */
static void echo_line(struct shell *sh, const char *line, size_t len)
{
	struct sb out = SB_INIT;
	sb_add(&out, sh->pending.len ? PROMPT_MORE : PROMPT);
	for (size_t i = 0; i < len && i < ECHO_MAX; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch < 0x20 && ch != '\t')
			sb_addf(&out, "\\x%02x", ch);
		else
			sb_addc(&out, (char)ch);
	}
	if (len > ECHO_MAX)
		sb_addf(&out, "... (%zu bytes)", len);
	if (sh->json) { /* the line as typed, escaped by the JSON writer */
		struct sb obj = SB_INIT;
		struct json j;
		json_object_begin(&j, &obj);
		json_str(&j, "type", "input");
		key_line(&j, line, len < ECHO_MAX ? len : ECHO_MAX);
		json_object_end(&j);
		sb_free(&out);
		out = obj;
	}
	sb_addc(&out, '\n');
	fputs(sb_str(&out), stdout);
	sb_free(&out);
}

/* Non-terminal input: run the next whole line once the engine is idle. */
static void feed_pipe(struct shell *sh)
{
	while (!sh->quit && engine_idle(sh->e)) {
		char *nl = sh->inbuf.len ? memchr(sh->inbuf.buf, '\n', sh->inbuf.len) : NULL;
		size_t len = nl ? (size_t)(nl - sh->inbuf.buf) : sh->inbuf.len;
		if (!nl && !(sh->eof && len))
			return;
		char *line = xstrndup(sh->inbuf.buf, len);
		size_t used = nl ? len + 1 : len;
		memmove(sh->inbuf.buf, sh->inbuf.buf + used, sh->inbuf.len - used);
		sb_truncate(&sh->inbuf, sh->inbuf.len - used);
		echo_line(sh, line, len);
		submit_line(sh, line, len);
		free(line);
	}
}

/* ---- signals ---- */

static void on_signal(void *ctx, int fd, short revents)
{
	struct shell *sh = ctx;
	struct signalfd_siginfo si;
	(void)revents;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH) {
		if (sh->tty)
			rl_resize_terminal();
	} else if (si.ssi_signo == SIGINT) {
		if (engine_interrupt(sh->e))
			return;
		sb_reset(&sh->pending);
		if (sh->tty) {
			rl_replace_line("", 0);
			rl_set_prompt(PROMPT);
			fputs("^C\n", stdout);
			rl_on_new_line();
			rl_redisplay();
		}
	} else {
		sh->quit = true;
	}
}

/* ---- completion ---- */

static char *complete_word(const char *text, int state)
{
	static size_t phase, idx;
	size_t len = strlen(text);
	if (!state)
		phase = idx = 0;
	for (; phase < 3; phase++, idx = 0) {
		for (;;) {
			const char *name = NULL;
			if (phase == 0 && idx < consts_syscall_count())
				name = consts_syscall_at(idx)->name;
			else if (phase == 1 && idx < consts_count())
				name = consts_name_at(idx);
			else if (phase == 2 && idx < sizeof(commands) / sizeof(commands[0]))
				name = commands[idx].word;
			if (!name)
				break;
			idx++;
			if (strncmp(name, text, len))
				continue;
			if (phase == 0) { /* a call name: open its argument list */
				struct sb call = SB_INIT;
				sb_addf(&call, "%s(", name);
				return sb_detach(&call);
			}
			return xstrdup(name);
		}
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* no file names */
	rl_completion_append_character = '\0'; /* "socket(" and "SO_REUSEADDR" need no space after */
	return rl_completion_matches(text, complete_word);
}

/* ---- set-up and the loop ---- */

static void history_open(struct shell *sh)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return;
	struct sb p = SB_INIT;
	sb_addf(&p, "%s/.tcpsh_history", home);
	sh->history = sb_detach(&p);
	/* append_history() needs the file to exist: create it on first use. */
	if (read_history(sh->history) == ENOENT && write_history(sh->history))
		fprintf(stderr, "tcpsh: %s: cannot create the history file\n", sh->history);
}

static void tty_start(struct shell *sh, const struct engine_cfg *cfg)
{
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_readline_name = "tcpsh";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n(),[]{}|=<>";
	history_open(sh);
	printf("tcpsh — you are the remote peer %s, the kernel is %s.\n"
	       "Type a socket call or a segment; 'help' for more, Tab completes, Ctrl-D leaves.\n",
	       cfg->remote_ip, cfg->local_ip);
	rl_callback_handler_install(PROMPT, on_readline);
	loop_add(sh->loop, STDIN_FILENO, POLLIN, on_tty, sh);
}

static void tty_stop(struct shell *sh)
{
	rl_callback_handler_remove();
	if (sh->history)
		history_truncate_file(sh->history, HISTORY_MAX);
	free(sh->history);
}

int shell_run(const struct engine_cfg *cfg, int sig_fd)
{
	struct shell sh;
	memset(&sh, 0, sizeof(sh));
	the_shell = &sh;
	sh.tty = isatty(STDIN_FILENO);
	sh.json = cfg->json;
	sh.loop = loop_new();
	struct engine_io io = {shell_print, on_command, &sh};
	struct sb err = SB_INIT;
	sh.e = engine_new(cfg, sh.loop, &io, &err);
	if (!sh.e) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		sb_free(&err);
		loop_free(sh.loop);
		return 3;
	}
	loop_add(sh.loop, sig_fd, POLLIN, on_signal, &sh);
	if (sh.tty)
		tty_start(&sh, cfg);
	else
		loop_add(sh.loop, STDIN_FILENO, POLLIN, on_pipe, &sh);
	while (!sh.quit) {
		if (!sh.tty)
			feed_pipe(&sh);
		if (!sh.tty && sh.eof && !sh.inbuf.len && engine_idle(sh.e)) {
			if (sh.pending.len)
				engine_submit_eof(sh.e, sh.pending.buf, sh.pending.len, "<stdin>", sh.pending_line);
			break;
		}
		if (loop_once(sh.loop, -1) < 0) {
			perror("tcpsh: poll");
			break;
		}
	}
	if (sh.tty)
		tty_stop(&sh);
	int failures = engine_failures(sh.e);
	int input_errors = engine_input_errors(sh.e);
	engine_free(sh.e);
	loop_free(sh.loop);
	sb_free(&sh.pending);
	sb_free(&sh.inbuf);
	sb_free(&err);
	if (sh.tty)
		return 0;
	return failures ? 1 : input_errors ? 2 : 0;
}
