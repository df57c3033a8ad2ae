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
#include <strings.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "complete.h"
#include "consts.h"
#include "diagram.h"
#include "help.h"
#include "journal.h"
#include "json.h"
#include "loop.h"
#include "sandbox.h"
#include "outfile.h"
#include "present.h"
#include "savepkt.h"

#define PROMPT "tcpsh> "
#define PROMPT_MORE "  ...> "
#define HISTORY_MAX 1000
#define PROMPT_PRESENT "\n» "       /* presenter mode: a blank line before each step, no name */
#define PROMPT_PRESENT_ASCII "\n$ "

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
	int bad_input;     /* input refused as a whole (binary, an endless line) */
	char *history;
	struct sb prompt;  /* the prompt now: names the current connection when there are several */
	struct engine_cfg cfg; /* for the fresh engine of `reset` */
	bool reset;        /* `reset` ran: make a fresh namespace and engine before the next line */
	int failures, input_errors; /* of the engines before the last reset, for the exit status */
	bool owns_engine;  /* made its engine (shell_run), so `reset` may replace it */
	bool env_failed;   /* a reset could not make a fresh namespace and engine */
	size_t presented;  /* --present: journal entries shown so far */
};

static struct shell *the_shell; /* readline's callbacks carry no context */

/* ---- output ---- */

/* "tcpsh> ", "tcpsh[c2]> " once the session has several connections, or
 * the continuation prompt inside an unfinished line. */
static const char *prompt(struct shell *sh)
{
	sb_reset(&sh->prompt);
	if (sh->pending.len) {
		sb_add(&sh->prompt, PROMPT_MORE);
		return sb_str(&sh->prompt);
	}
	struct sb label = SB_INIT;
	if (sh->e)
		engine_conn_label(sh->e, &label);
	if (sh->cfg.present) /* presenter mode: a short prompt, no clutter */
		sb_add(&sh->prompt, sh->cfg.utf8 ? PROMPT_PRESENT : PROMPT_PRESENT_ASCII);
	else if (label.len)
		sb_addf(&sh->prompt, "tcpsh[%s]> ", sb_str(&label));
	else
		sb_add(&sh->prompt, PROMPT);
	sb_free(&label);
	return sb_str(&sh->prompt);
}

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
	rl_set_prompt(prompt(sh)); /* the kernel may have opened a connection */
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
/* Longest non-terminal input line: /dev/zero or a binary file on stdin must
 * not make tcpsh buffer without end. No real line comes near it. */
#define PIPE_LINE_MAX (1024 * 1024)

/* A wrong argument: one located message, counted as an input error. */
static void cmd_error(struct shell *sh, const struct syn_command *c, int arg, const char *msg, const char *hint)
{
	int col = arg < c->nargs ? c->arg_cols[arg] : (int)strlen(c->word) + 1;
	engine_command_error(sh->e, col, msg, hint);
}

static void cmd_help(struct shell *sh, const struct syn_command *c)
{
	struct sb out = SB_INIT;
	if (help_text(c->nargs ? c->args[0] : NULL, &out) < 0) {
		sb_truncate(&out, out.len && out.buf[out.len - 1] == '\n' ? out.len - 1 : out.len);
		cmd_error(sh, c, 0, sb_str(&out), "'help' alone gives the overview");
	} else {
		shell_say(sh, "help", sb_str(&out));
	}
	sb_free(&out);
}

static void cmd_quit(struct shell *sh, const struct syn_command *c)
{
	(void)c;
	sh->quit = true;
}

static void cmd_conn(struct shell *sh, const struct syn_command *c)
{
	engine_conn_command(sh->e, c);
}

static void cmd_info(struct shell *sh, const struct syn_command *c)
{
	engine_info_command(sh->e, c);
}

static void cmd_sysctl(struct shell *sh, const struct syn_command *c)
{
	engine_sysctl_command(sh->e, c);
}

static void cmd_profile(struct shell *sh, const struct syn_command *c)
{
	engine_profile_command(sh->e, c);
}

/* The engine is running this command: it is replaced only once the command
 * returned (shell_reset), and the lines queued after it are dropped. */
static void cmd_reset(struct shell *sh, const struct syn_command *c)
{
	if (c->nargs) {
		engine_command_error(sh->e, c->arg_cols[0], "reset: expected no argument",
				     "reset starts a fresh namespace: every socket and connection gone, the clock back at 0");
		return;
	}
	if (!sh->owns_engine) { /* a lesson's engine, lent to the shell: not ours to free */
		engine_command_error(sh->e, (int)strlen(c->word) + 1, "reset: this session's engine belongs to the lesson",
				     "quit, then start tcpsh for a fresh namespace");
		return;
	}
	engine_interrupt(sh->e);
	sh->reset = true;
}

static void cmd_state(struct shell *sh, const struct syn_command *c)
{
	bool info = c->nargs == 1 && (!strcmp(c->args[0], "info") || !strcmp(c->args[0], "-i"));
	if (c->nargs && !info) {
		struct sb msg = SB_INIT;
		sb_addf(&msg, "state: unexpected argument '%s' (it takes 'info' or nothing)", c->args[0]);
		engine_command_error(sh->e, c->arg_cols[0], sb_str(&msg),
				     "state info adds every socket as ss -tan shows it, with its tcp_info");
		sb_free(&msg);
		return;
	}
	engine_show_state(sh->e);
	if (info)
		engine_state_info(sh->e);
}

static void set_color(struct shell *sh, const struct syn_command *c)
{
	int on = engine_color_wanted(c->args[1], isatty(STDOUT_FILENO), getenv("NO_COLOR"));
	if (on < 0)
		cmd_error(sh, c, 1, "set color: expected auto, always or never", "NO_COLOR=1 in the environment turns colour off too");
	else
		engine_set_color(sh->e, on);
}

static void cmd_set(struct shell *sh, const struct syn_command *c)
{
	static const char usage[] = "set: expected 'set format tcpdump|packetdrill', 'set color auto|always|never' "
				    "or 'set time relative|absolute|delta'";
	const char *what = c->nargs ? c->args[0] : "";
	if (strcmp(what, "format") && strcmp(what, "color") && strcmp(what, "time"))
		cmd_error(sh, c, 0, usage, "help set");
	else if (c->nargs == 2 && !strcmp(what, "format") && !strcmp(c->args[1], "tcpdump"))
		engine_set_format(sh->e, ENGINE_FMT_TCPDUMP);
	else if (c->nargs == 2 && !strcmp(what, "format") && !strcmp(c->args[1], "packetdrill"))
		engine_set_format(sh->e, ENGINE_FMT_PACKETDRILL);
	else if (c->nargs == 2 && !strcmp(what, "color"))
		set_color(sh, c);
	else if (c->nargs == 2 && !strcmp(what, "time") && engine_time_parse(c->args[1]) >= 0)
		engine_set_time(sh->e, (enum engine_time)engine_time_parse(c->args[1]));
	else
		cmd_error(sh, c, 1, usage, "help set");
}

/* `explain on|off`: the teaching mode, a sentence naming the rule after each segment. */
static void cmd_explain(struct shell *sh, const struct syn_command *c)
{
	if (c->nargs == 1 && (!strcmp(c->args[0], "on") || !strcmp(c->args[0], "off")))
		engine_set_explain(sh->e, !strcmp(c->args[0], "on"));
	else
		shell_say(sh, "error", "explain: expected 'explain on' or 'explain off'\n");
}

/* ---- diagram, save, pcap: the session's artefacts ---- */

static bool want_color(const struct shell *sh)
{
	const char *no = getenv("NO_COLOR");
	return sh->tty && isatty(STDOUT_FILENO) && !(no && *no);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcasecmp(s + n - m, tail);
}

static void write_artefact(struct shell *sh, const char *path, const struct sb *text, const char *what)
{
	struct sb err = SB_INIT, msg = SB_INIT;
	if (outfile_write(path, text->buf ? text->buf : "", text->len, &err))
		sb_addf(&msg, "tcpsh: %s\n", sb_str(&err));
	else
		sb_addf(&msg, "       wrote %s to %s (%zu bytes)\n", what, path, text->len);
	shell_print(sh, sb_str(&msg));
	sb_free(&err);
	sb_free(&msg);
}

static void cmd_diagram(struct shell *sh, const struct syn_command *c)
{
	const struct journal *j = engine_journal(sh->e);
	struct sb out = SB_INIT;
	if (c->nargs == 1 && ends_with(c->args[0], ".svg")) {
		diagram_svg(j, &out);
		write_artefact(sh, c->args[0], &out, "the ladder diagram (SVG)");
	} else if (c->nargs == 0 || (c->nargs == 1 && !strcmp(c->args[0], "--ascii"))) {
		struct diagram_opts o = {sh->cfg.utf8 && !c->nargs, !c->nargs && want_color(sh), 0};
		diagram_text(j, &o, &out);
		shell_print(sh, sb_str(&out));
	} else {
		shell_print(sh, "diagram: expected 'diagram', 'diagram --ascii' or 'diagram FILE.svg'\n");
	}
	sb_free(&out);
}

static void cmd_save(struct shell *sh, const struct syn_command *c)
{
	if (c->nargs != 1) {
		shell_print(sh, "save: expected 'save FILE.pkt' (the session so far as a packetdrill script)\n");
		return;
	}
	engine_drain(sh->e); /* segments already captured belong in the script */
	struct sb out = SB_INIT;
	savepkt_script(engine_journal(sh->e), &out);
	engine_blocked_calls(sh->e, &out);
	write_artefact(sh, c->args[0], &out, "the session as a packetdrill script");
	sb_free(&out);
}

static void cmd_pcap(struct shell *sh, const struct syn_command *c)
{
	struct sb msg = SB_INIT, err = SB_INIT;
	if (c->nargs == 1 && !strcmp(c->args[0], "off")) {
		struct sb path = SB_INIT;
		if (engine_pcap_stop(sh->e, &path))
			sb_addf(&msg, "       %s is complete: no more packets are written to it\n", sb_str(&path));
		else
			sb_add(&msg, "pcap: no pcap file is being written\n");
		sb_free(&path);
	} else if (c->nargs == 1) {
		int n = engine_pcap_start(sh->e, c->args[0], &err);
		if (n < 0)
			sb_addf(&msg, "tcpsh: %s\n", sb_str(&err));
		else
			sb_addf(&msg, "       writing %s: %d packet%s so far, and the rest of the session ('pcap off' stops)\n",
				c->args[0], n, n == 1 ? "" : "s");
	} else {
		sb_add(&msg, "pcap: expected 'pcap FILE' (everything so far, then the rest) or 'pcap off'\n");
	}
	shell_print(sh, sb_str(&msg));
	sb_free(&msg);
	sb_free(&err);
}


/* max_args: more is an error before the command runs (a stray word after
 * 'quit' or 'state' is a typo worth reporting, not something to ignore). */
static const struct {
	const char *word;
	cmd_fn fn;
	int max_args;
} commands[] = {
	{"help", cmd_help, 1}, {"quit", cmd_quit, 0}, {"exit", cmd_quit, 0}, {"state", cmd_state, 1},
	{"set", cmd_set, 2},   {"wait", NULL, 1}, /* wait is the engine's: it holds the queue */
	{"conn", cmd_conn, 2}, {"info", cmd_info, 1}, {"sysctl", cmd_sysctl, 64}, {"profile", cmd_profile, 1},
	{"reset", cmd_reset, 0}, {"diagram", cmd_diagram, 1}, {"save", cmd_save, 1},
	{"pcap", cmd_pcap, 1}, {"explain", cmd_explain, 1},
};

static int on_command(void *ctx, const struct syn_event *ev)
{
	struct shell *sh = ctx;
	const struct syn_command *c = &ev->u.cmd;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(commands[i].word, c->word) && commands[i].fn) {
			if (c->nargs > commands[i].max_args) {
				struct sb msg = SB_INIT;
				sb_addf(&msg, "%s: unexpected argument '%s' (it takes %s)", c->word,
					c->args[commands[i].max_args],
					commands[i].max_args == 0 ? "none" :
					commands[i].max_args == 1 ? "at most one" : "at most two");
				cmd_error(sh, c, commands[i].max_args, sb_str(&msg), "'help commands' lists them");
				sb_free(&msg);
				return 0;
			}
			commands[i].fn(sh, c);
			return 0;
		}
	}
	return -1;
}

/* ---- presenter mode ---- */

static void present(struct shell *sh)
{
	if (!sh->cfg.present)
		return;
	int rows = 0, cols = 0;
	if (sh->tty)
		rl_get_screen_size(&rows, &cols);
	struct present_opts o = {sh->cfg.utf8, want_color(sh), sh->cfg.present_delay,
				 rows > 16 ? (size_t)(rows - 12) : 0};
	present_update(sh->e, &sh->presented, &o, shell_print, sh);
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
		present(sh);
		rl_set_prompt(prompt(sh));
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
	if (n > 0) {
		sb_addn(&sh->inbuf, buf, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		if (n < 0) { /* stdin a directory (tcpsh < /tmp), a dead device: say so, do not pass for EOF */
			fprintf(stdout, "tcpsh: cannot read the input: %s\n", strerror(errno));
			fflush(stdout);
			sh->bad_input = 1;
		}
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
	sb_add(&out, prompt(sh));
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

/* A line of a binary file rather than text with a stray byte: several NULs.
 * A stray NUL gets its own error and the session goes on; a binary file on
 * stdin would give an error per "line", so its first line ends the input. */
static bool looks_binary(const char *line, size_t len)
{
	int nuls = 0;
	for (const char *p = line; (p = memchr(p, '\0', len - (size_t)(p - line))) && nuls < 4; p++)
		nuls++;
	return nuls >= 4;
}

/* Non-terminal input that is not text: one message, and nothing more is
 * read (a binary file on stdin would otherwise give an error per "line"). */
static void refuse_input(struct shell *sh, const char *why)
{
	if (why) {
		fprintf(stdout, "<stdin>:%d: error: %s; the rest of the input is not read\n", sh->lineno + 1, why);
		fflush(stdout);
	}
	sh->bad_input = 1;
	sh->quit = true;
}

/* Non-terminal input: run the next whole line once the engine is idle. */
static void feed_pipe(struct shell *sh)
{
	while (!sh->quit && !sh->reset && engine_idle(sh->e)) {
		char *nl = sh->inbuf.len ? memchr(sh->inbuf.buf, '\n', sh->inbuf.len) : NULL;
		size_t len = nl ? (size_t)(nl - sh->inbuf.buf) : sh->inbuf.len;
		if (len > PIPE_LINE_MAX) {
			refuse_input(sh, "a line longer than 1 MiB (is the input a binary file?)");
			return;
		}
		if (!nl && !(sh->eof && len))
			return;
		bool binary = looks_binary(sh->inbuf.buf, len);
		char *line = xstrndup(sh->inbuf.buf, len);
		size_t used = nl ? len + 1 : len;
		memmove(sh->inbuf.buf, sh->inbuf.buf + used, sh->inbuf.len - used);
		sb_truncate(&sh->inbuf, sh->inbuf.len - used);
		echo_line(sh, line, len);
		submit_line(sh, line, len);
		free(line);
		present(sh);
		if (binary) { /* the parser said where; this note completes its message */
			fputs("  (the input is binary: nothing after this line is read)\n", stdout);
			refuse_input(sh, NULL);
			return;
		}
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
			rl_set_prompt(prompt(sh));
			fputs("^C\n", stdout);
			rl_on_new_line();
			rl_redisplay();
		}
	} else {
		sh->quit = true;
	}
}

/* ---- completion ---- */

/* The pure part is complete.c; here readline's buffer goes in, and file
 * names are added where complete.c says they fit. */
static const char *cmd_at(void *ctx, size_t i)
{
	(void)ctx;
	return i < sizeof(commands) / sizeof(commands[0]) ? commands[i].word : NULL;
}

static const char *conn_at(void *ctx, size_t i)
{
	struct shell *sh = ctx;
	static char *name; /* valid until the next call: complete.c copies it */
	if (!sh->e || i >= engine_conn_count(sh->e))
		return NULL;
	struct sb s = SB_INIT;
	sb_addf(&s, "c%zu", i + 1);
	free(name);
	name = sb_detach(&s);
	return name;
}

static struct complete_out completions;

static char *complete_word(const char *text, int state)
{
	(void)text; /* complete() filtered by it already */
	static size_t idx;
	if (!state)
		idx = 0;
	return idx < completions.n ? xstrdup(completions.v[idx++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	struct complete_src src = {cmd_at, conn_at, the_shell};
	complete_out_free(&completions);
	complete_line(rl_line_buffer, (size_t)start, text, &src, &completions);
	if (completions.files) {
		char *f;
		for (int st = 0; (f = rl_filename_completion_function(text, st)); st++) {
			complete_out_add(&completions, f);
			free(f);
		}
		rl_filename_completion_desired = 1;
	}
	rl_attempted_completion_over = 1; /* nothing but what complete.c offers */
	/* "socket(" and "SO_REUSEADDR" need no space after; commands carry theirs */
	rl_completion_append_character = '\0';
	char **m = rl_completion_matches(text, complete_word);
	complete_out_free(&completions);
	return m;
}

/* ---- reset ---- */

/*
 * `reset`: the old engine goes (its sockets, TUN device and capture with
 * it), this thread moves into a fresh namespace, and a new engine starts
 * there with its clock at 0; the profile chosen last is applied again. The
 * readline history stays. Returns -1 when no engine could be made.
 */
static int shell_reset(struct shell *sh)
{
	char *profile = engine_profile(sh->e) ? xstrdup(engine_profile(sh->e)) : NULL;
	struct sb err = SB_INIT;
	sh->reset = false;
	sh->failures += engine_failures(sh->e);
	sh->input_errors += engine_input_errors(sh->e);
	engine_free(sh->e);
	sh->e = NULL;
	sh->presented = 0; /* the fresh engine's journal starts empty */
	struct engine_io io = {shell_print, on_command, sh};
	if (sandbox_enter(&err) == 0) /* again: a fresh namespace made inside the current one */
		sh->e = engine_new(&sh->cfg, sh->loop, &io, &err);
	if (!sh->e) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		sb_free(&err);
		free(profile);
		return -1;
	}
	shell_print(sh, "       reset: a fresh namespace, no sockets and no connections; the clock starts again at 0\n");
	if (profile) /* the class chose it: it outlives the sockets */
		engine_profile_restore(sh->e, profile);
	if (sh->tty)
		rl_set_prompt(prompt(sh));
	free(profile);
	sb_free(&err);
	return 0;
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
	if (cfg->present)
		printf("\n  tcpsh — you are %s, the kernel is %s\n", cfg->remote_ip, cfg->local_ip);
	else
		printf("tcpsh — you are the remote peer %s, the kernel is %s.\n"
		       "Type a socket call or a segment; 'help' for more, Tab completes, Ctrl-D leaves.\n",
		       cfg->remote_ip, cfg->local_ip);
	rl_callback_handler_install(prompt(sh), on_readline);
	loop_add(sh->loop, STDIN_FILENO, POLLIN, on_tty, sh);
}

static void tty_stop(struct shell *sh)
{
	rl_callback_handler_remove();
	if (sh->history)
		history_truncate_file(sh->history, HISTORY_MAX);
	clear_history(); /* the lines typed: freed, not left for the exit to reclaim */
	free(sh->history);
}

/* The shell's loop over an engine that already exists; frees nothing of it. */
static void shell_loop(struct shell *sh, const struct engine_cfg *cfg, int sig_fd)
{
	loop_add(sh->loop, sig_fd, POLLIN, on_signal, sh);
	if (sh->tty)
		tty_start(sh, cfg);
	else
		loop_add(sh->loop, STDIN_FILENO, POLLIN, on_pipe, sh);
	while (!sh->quit) {
		/* A reset happens here, outside loop_once's dispatch, so no callback
		 * of the old engine can still be running with its state freed. */
		if (sh->reset && shell_reset(sh)) {
			sh->env_failed = true;
			break;
		}
		if (!sh->tty)
			feed_pipe(sh);
		if (sh->reset)
			continue;
		if (!sh->tty && sh->eof && !sh->inbuf.len && engine_idle(sh->e)) {
			if (sh->pending.len)
				engine_submit_eof(sh->e, sh->pending.buf, sh->pending.len, "<stdin>", sh->pending_line);
			break;
		}
		if (loop_once(sh->loop, -1) < 0) {
			perror("tcpsh: poll");
			break;
		}
		present(sh); /* what the kernel did on its own: a retransmission, a blocked call's return */
	}
}

int shell_continue(struct engine *e, struct loop *loop, const struct engine_cfg *cfg, int sig_fd,
		   struct engine_io *io)
{
	struct shell sh;
	memset(&sh, 0, sizeof(sh));
	the_shell = &sh;
	sh.tty = isatty(STDIN_FILENO);
	sh.loop = loop;
	sh.e = e;
	*io = (struct engine_io){shell_print, on_command, &sh};
	shell_loop(&sh, cfg, sig_fd);
	if (sh.tty)
		tty_stop(&sh);
	sb_free(&sh.pending);
	sb_free(&sh.inbuf);
	sb_free(&sh.prompt);
	loop_del(loop, sig_fd);
	loop_del(loop, STDIN_FILENO);
	return 0;
}

int shell_run(const struct engine_cfg *cfg, int sig_fd)
{
	struct shell sh;
	memset(&sh, 0, sizeof(sh));
	the_shell = &sh;
	sh.tty = isatty(STDIN_FILENO);
	sh.cfg = *cfg;
	sh.cfg.pcap_append = true; /* a reset's engine goes on with --pcap's file */
	sh.owns_engine = true;
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
	shell_loop(&sh, cfg, sig_fd);
	if (sh.tty)
		tty_stop(&sh);
	int failures = sh.failures + (sh.e ? engine_failures(sh.e) : 0);
	int input_errors = sh.input_errors + (sh.e ? engine_input_errors(sh.e) : 0);
	engine_free(sh.e);
	loop_free(sh.loop);
	sb_free(&sh.pending);
	sb_free(&sh.inbuf);
	sb_free(&sh.prompt);
	sb_free(&err);
	if (sh.env_failed)
		return 3;
	if (sh.tty)
		return 0;
	return failures ? 1 : input_errors || sh.bad_input ? 2 : 0;
}
