/*
 * engine: the one engine behind every front end (shell, lesson player,
 * script runner). It owns the TUN device, the capture, the socket-state
 * reader and the connection model; takes parsed lines in order, runs each at
 * its time (injecting segments, running calls, checking expectations), and
 * reports everything that happens, including what the kernel does on its own
 * later, as finished lines of text through the front end's print callback.
 */
#ifndef TCPSH_ENGINE_H
#define TCPSH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "sb.h"
#include "syntax.h"

enum engine_format { ENGINE_FMT_TCPDUMP, ENGINE_FMT_PACKETDRILL };
/* The time column: since the session started, the wall clock, since the previous segment. */
enum engine_time { ENGINE_TIME_RELATIVE, ENGINE_TIME_ABSOLUTE, ENGINE_TIME_DELTA };

struct engine_cfg {
	int family;             /* 4 or 6 */
	const char *local_ip;   /* the kernel's address: 192.168.0.1 */
	const char *remote_ip;  /* the peer's address: 192.0.2.1 */
	const char *gateway_ip;
	int prefixlen;
	int mtu;
	uint16_t bind_port;     /* what bind(..., ...) uses: 8080 */
	uint16_t connect_port;  /* what connect(..., ...) uses: 8080 */
	uint16_t first_peer_port; /* the peer's port for the first passive open: 40000 */
	const char *pcap_path;  /* --pcap FILE, or NULL */
	bool pcap_append;       /* after `reset`: go on writing pcap_path, do not start it again */
	enum engine_format format;
	bool utf8;              /* ✓, →, · ; ASCII otherwise */
	double expect_wait;     /* seconds an expectation waits for a segment */
	/* tcpsh run: packetdrill's semantics (see engine_script.c) */
	bool script;            /* strict matching, timing checks, first failure stops */
	const char *file;       /* the script, for messages */
	uint32_t tolerance_usecs;
	double tolerance_percent;
	uint32_t ts_tick_usecs;
	bool ts_ecr_scaled;
	bool non_fatal;         /* packet mismatches are warnings */
	bool quiet;             /* print only failures and warnings */
	int tso;                /* the kernel's segments as TSO super-segments, as packetdrill sees them */
	bool allow_shell;       /* backquoted commands may run through /bin/sh */
	bool present;           /* presenter mode: segments and states are shown by the front end, from the journal */
	double present_delay;   /* presenter mode: seconds before the kernel's replies are shown */
	/* Teaching views (engine_view.c) */
	bool explain;           /* a sentence naming the TCP rule after each segment */
	bool color;             /* ANSI colours: your segments, the kernel's, failures */
	enum engine_time timefmt;
	bool json;              /* one JSON object per event instead of text */
};

struct engine_io {
	/* Prints finished text (one or more '\n'-terminated lines). */
	void (*print)(void *ctx, const char *text);
	/* A command line (help, quit, ...) reached its turn in the queue.
	 * Returns -1 when the word is no command (the engine reports it). */
	int (*command)(void *ctx, const struct syn_event *ev);
	void *ctx;
};

struct engine; /* opaque */

void engine_cfg_default(struct engine_cfg *cfg);
/* Sets up tun0, the capture and sockdiag. Call after sandbox_enter. */
struct engine *engine_new(const struct engine_cfg *cfg, struct loop *loop, const struct engine_io *io,
			  struct sb *err);
void engine_free(struct engine *e);

/*
 * Parses one line and queues it to run at its time. On a parse error prints
 * the error (file:line:col, the line, a caret, a hint) and returns -1, with
 * nothing changed. Returns 1 when the line is incomplete (open bracket,
 * comment or block): the caller appends the next line and submits again.
 */
int engine_submit(struct engine *e, const char *text, size_t len, const char *file, int lineno);
/* The input ended inside an event submit() called incomplete: reports it
 * (what is left open, where) as an input error. */
void engine_submit_eof(struct engine *e, const char *text, size_t len, const char *file, int lineno);
/* Nothing queued and nothing waiting on time or on an expectation. */
bool engine_idle(const struct engine *e);
/* Ctrl-C: abandons blocked calls, waits and queued lines. Returns whether
 * there was anything to abandon. */
bool engine_interrupt(struct engine *e);
/*
 * Script mode: queues the events of a parsed script (the engine takes them
 * over; ev is emptied), runs them, and returns when they are all done or
 * one failed. Then finishes like packetdrill: waits up to a second for a
 * blocked call, evaluates the %{ }% blocks. Returns 0 when the script
 * passed, 1 when it failed (the failure is printed as FILE:LINE: ...).
 */
int engine_run_script(struct engine *e, struct syn_script *s, const char *text, size_t len);
/* Checks (= value, > expectations) that failed so far. */
int engine_failures(const struct engine *e);
/* Lines rejected as malformed so far. */
int engine_input_errors(const struct engine *e);
/* From inside io.command: the command's arguments are wrong. Reports it
 * like a syntax error (file:line:col of that command line, a caret at col,
 * the hint) and counts it as an input error. */
void engine_command_error(struct engine *e, int col, const char *msg, const char *hint);
/* Prints the state of every socket and connection now. */
void engine_show_state(struct engine *e);
/* Changes the output format. */
void engine_set_format(struct engine *e, enum engine_format f);
/* The teaching views (engine_view.c): explanations, colour, the time column. */
void engine_set_explain(struct engine *e, bool on);
void engine_set_color(struct engine *e, bool on);
void engine_set_time(struct engine *e, enum engine_time t);
/* Whether colour is wanted for WHEN (auto|always|never) given whether stdout
 * is a terminal and $NO_COLOR; -1 when WHEN is none of the three. */
int engine_color_wanted(const char *when, bool tty, const char *no_color);
/* WHEN (relative|absolute|delta) as an engine_time; -1 when none. */
int engine_time_parse(const char *when);

/* Commands of the shell beside the script lines, run at their turn in the
 * queue (from the front end's command callback). */
/* `conn`, `conn NAME`, `conn new [PORT]`: several connections (engine_conn.c). */
void engine_conn_command(struct engine *e, const struct syn_command *c);
/* The current connection's name for the prompt ("c2") when the session has
 * two or more; nothing otherwise. */
void engine_conn_label(const struct engine *e, struct sb *out);
/* How many connections the session has (c1..cN), for Tab completion. */
size_t engine_conn_count(const struct engine *e);
/* `info [FD|NAME]`: the kernel's tcp_info in words (engine_info.c). */
void engine_info_command(struct engine *e, const struct syn_command *c);
/* `state info`: one tcp_info line per connection and per other TCP socket. */
void engine_state_info(struct engine *e);
/* `sysctl KEY[=VALUE]...` (net.* only, in the namespace) and `profile
 * [classic|modern]` (engine_sysctl.c); engine_profile: the profile chosen
 * last, or NULL, for a front end that makes a fresh engine (reset). */
void engine_sysctl_command(struct engine *e, const struct syn_command *c);
void engine_profile_command(struct engine *e, const struct syn_command *c);
const char *engine_profile(const struct engine *e);
/* Applies profile name again on a fresh engine, saying so in one line. */
void engine_profile_restore(struct engine *e, const char *name);

/* The session so far (journal.h): segments, calls, states, in order. */
struct journal;
const struct journal *engine_journal(const struct engine *e);
/* `pcap FILE`: writes every packet captured so far to a new pcap file at
 * path, then keeps appending the session's packets. Returns how many it
 * wrote, or -1 with err naming the file and the reason. */
int engine_pcap_start(struct engine *e, const char *path, struct sb *err);
/* Appends a comment line per call still blocked ("// still blocked when
 * saved, not replayed: accept(3, ..., ...)"), for `save`. */
void engine_blocked_calls(const struct engine *e, struct sb *out);
/* Takes in the packets captured so far (printing them and recording them),
 * without waiting for more. */
void engine_drain(struct engine *e);
/* `pcap off`: stops the pcap file (its name appended to path); false when none was open. */
bool engine_pcap_stop(struct engine *e, struct sb *path);

#endif
