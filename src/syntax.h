/*
 * syntax: the packetdrill-compatible line and script language, text -> events.
 * Pure: no I/O, no globals. Every error carries a line, a column, a message
 * saying what was expected and, where it helps, a hint ("did you mean ...").
 * Constants and call names are checked against consts.h at parse time, so an
 * event that parses can be run without further name errors.
 */
#ifndef TCPSH_SYNTAX_H
#define TCPSH_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"

/* ---- timing: the first field of an event ---- */
enum syn_time_kind {
	SYN_TIME_NONE, /* no time given: "now" at the prompt */
	SYN_TIME_ABS,  /* 0.100: seconds since the script started */
	SYN_TIME_REL,  /* +0.1: seconds after the previous event */
	SYN_TIME_ANY,  /* *: no timing check */
};

struct syn_time {
	enum syn_time_kind kind;
	enum syn_time_kind end_kind; /* SYN_TIME_NONE unless a window or blocking end is given */
	double t;              /* seconds (ABS/REL) */
	double end;            /* seconds; same base rules as language.md */
	bool window;           /* a~b */
	bool blocking;         /* a...b */
};

/* ---- expressions: syscall arguments and results ---- */
enum syn_expr_kind {
	SYN_E_INT,      /* 42, -1, 0x10 */
	SYN_E_ELLIPSIS, /* ... */
	SYN_E_SYMBOL,   /* SO_REUSEADDR (num holds its value) */
	SYN_E_OR,       /* a|b (num holds the folded value when both sides are constant) */
	SYN_E_LIST,     /* [a, b] ([1] is a pointer to an int) */
	SYN_E_STRUCT,   /* {l_onoff=1, l_linger=0} (items are SYN_E_FIELD) */
	SYN_E_FIELD,    /* name=value inside a struct (left is the value) */
	SYN_E_STRING,   /* "text" (name holds the unescaped text, num its length) */
	SYN_E_NULL,     /* NULL */
};

struct syn_expr {
	enum syn_expr_kind kind;
	int col;             /* 1-based column where the expression starts */
	long long num;
	char *name;
	struct syn_expr *left, *right;
	struct syn_expr **items;
	int nitems;
};

/*
 * Inside braces, a "name=value" item is a FIELD with name set; a positional
 * item ("{..., 1000}", an iovec) is a FIELD whose name is NULL. A counted
 * field "msg_iov(1)=[...]" keeps the count expression (INT or ELLIPSIS) in
 * right and its value in num; num is -1 when no count was given.
 */

struct syn_syscall {
	char *name;
	int name_col;
	struct syn_expr **args;
	int nargs;
	bool has_result;          /* "= ..." was given */
	struct syn_expr *result;  /* INT or SYMBOL; NULL without "=" */
	int result_col;
	char *errno_name;         /* "EINPROGRESS" after "= -1", or NULL */
	int errno_col;
	char *note;               /* text of the trailing "(...)" comment, or NULL */
};

/* ---- packets ---- */
struct consts_icmp;

/* What a packet line describes. UDP packets use len for the payload size. */
enum syn_packet_proto { SYN_PROTO_TCP = 0, SYN_PROTO_UDP, SYN_PROTO_ICMP };

#define SYN_ECN_UNSPEC (-1)
#define SYN_ECN_ECT01 4 /* either ECT codepoint (outbound only) */

struct syn_packet {
	/* Fields grouped by size, so that an event stays small (a script of a
	 * million lines holds a million of them). */
	char dir;               /* '<' injected by the peer, '>' expected from the kernel */
	bool has_ack;
	bool has_win;
	bool has_urg;
	bool has_opts;          /* an option list was given (possibly empty "<>") */
	bool opts_any;          /* "<...>": any options */
	uint8_t nopts;
	bool icmp_has_seq;      /* ICMP: the quoted TCP segment was given (seq_start, seq_end, len) */
	uint16_t flags;         /* TCPF_* */
	uint16_t win;
	uint16_t urg;
	uint32_t seq_start, seq_end, len; /* relative; len == seq_end - seq_start */
	uint32_t ack;           /* relative to the other side's ISN */
	int ecn;                /* SYN_ECN_UNSPEC, PKT_NOT_ECT..PKT_CE, or SYN_ECN_ECT01 */
	int flags_col, seq_col, ack_col, win_col, opts_col; /* columns for explanations */
	/* Non-TCP packets: "< udp (N)" and "< icmp TYPE [CODE] [mtu N] [[start:end(len)]]". */
	enum syn_packet_proto proto;
	int icmp_mtu;           /* ICMP: "mtu N", or -1 */
	/* nopts options (at most PKT_MAX_OPTS), NULL when none; owned by the
	 * event (the heap for a line, the script's arena for a script). Out of
	 * line because an inline [PKT_MAX_OPTS] array made every event ~2 KB: a
	 * script of a million lines then touched 2 GB. Code that builds a
	 * syn_packet by hand points opts at its own array. SACK blocks are
	 * relative to the other side's ISN. */
	struct pkt_opt *opts;
	const struct consts_icmp *icmp_type; /* ICMP: the message type ("unreachable") */
	const struct consts_icmp *icmp_code; /* ICMP: the code ("frag_needed"), or NULL */
};

/* ---- commands: a bare word at the start of a line, never followed by "(" ---- */
struct syn_command {
	char *word;
	char **args;   /* the rest of the line split on blanks; quotes "..." group */
	int nargs;
	int *arg_cols;
};

enum syn_kind {
	SYN_EMPTY,   /* blank or comment-only line */
	SYN_PACKET,
	SYN_SYSCALL,
	SYN_COMMAND,
	SYN_SHELL,   /* `command` (text = the command) */
	SYN_CODE,    /* %{ ... }% (text = the code between the markers) */
	SYN_OPTION,  /* --name=value or --flag header line (text = "name", value = "value" or NULL) */
};

struct syn_event {
	enum syn_kind kind;
	int line;              /* 1-based line where the event starts */
	int end_line;          /* line where it ends (events may span lines) */
	bool in_arena;         /* what it holds belongs to its script's arena (see syn_script) */
	struct syn_time time;
	union {
		struct syn_packet pkt;
		struct syn_syscall call;
		struct syn_command cmd;
		struct {
			char *text;
			char *value;
		} str; /* SHELL, CODE, OPTION */
	} u;
};

struct syn_error {
	int line, col;      /* 1-based; col 0 when it is about the whole line */
	struct sb msg;      /* "unknown constant 'SO_REUSEADR'" */
	struct sb hint;     /* "did you mean SO_REUSEADDR?" or empty */
};

void syntax_error_init(struct syn_error *e);
void syntax_error_free(struct syn_error *e);

/* Return codes of the parsers. */
enum { SYN_OK = 0, SYN_ERR = -1, SYN_INCOMPLETE = 1 };

/*
 * Parses one interactive line (len bytes, may contain NULs, which are errors)
 * into ev. lineno is used for ev->line and errors. Returns SYN_OK (ev filled,
 * possibly SYN_EMPTY), SYN_ERR (err filled, ev untouched), or
 * SYN_INCOMPLETE when the text ends inside brackets, braces, a comment, a
 * `...` or a %{ block: the caller should read another line, append
 * "\n" + it, and parse the whole again.
 * Words that are commands: an identifier at the start of the line that is not
 * followed by "(" and is not a packet direction or a time.
 */
int syntax_parse_line(const char *text, size_t len, int lineno, struct syn_event *ev, struct syn_error *err);
void syntax_event_free(struct syn_event *ev);

/* ---- whole scripts ---- */
struct arena;

/*
 * A parsed script's events and everything they hold live in one arena
 * (arena.h), freed whole by syntax_script_free. An event moved out of the
 * script (engine_run_script queues them) keeps pointing into it: then
 * syntax_event_free on it frees nothing, and the script must outlive it.
 * A script built by hand leaves arena NULL: its events are freed one by one.
 */
struct syn_script {
	struct syn_event *ev;
	size_t nev;
	struct arena *arena;
};

/*
 * Parses a whole script: comments (line and block), header option lines
 * (--name=value before the first event, as SYN_OPTION events), events that span
 * several lines inside brackets, braces, %{ }% and backquotes. Returns SYN_OK or
 * SYN_ERR with err set to the first error.
 */
int syntax_parse_script(const char *text, size_t len, struct syn_script *out, struct syn_error *err);
void syntax_script_free(struct syn_script *s);

/*
 * Formats an error the one way tcpsh shows errors:
 *   FILE:LINE:COL: error: MSG
 *     <the line, long lines shown as a window around COL, control bytes escaped>
 *     <caret under COL>
 *     hint: HINT
 * src is the text of the offending line (length src_len, may hold NULs).
 */
void syntax_error_format(const struct syn_error *e, const char *file, const char *src, size_t src_len,
			 struct sb *out);

/*
 * Finds line number `line` in text (whose first line is numbered first_line),
 * for syntax_error_format: *start and *n describe it without its newline, or
 * an empty line when text has no such line.
 */
void syntax_find_line(const char *text, size_t len, int first_line, int line, const char **start,
		      size_t *n);

/*
 * Symbols defined outside the script (tcpsh -D NAME=VALUE). Wherever NAME
 * appears as a word, VALUE is read in its place: a number, a constant name
 * (CMSG_LEVEL_IP=SOL_IP), a Fast Open cookie (TFO_COOKIE=3021b9d889017eeb),
 * an ICMP code name, "a string" or `a command`.
 */
struct syn_define {
	const char *name;
	const char *value;
};

struct syn_defines {
	const struct syn_define *v;
	size_t n;
};

/* syntax_parse_line and syntax_parse_script with defined symbols (defs may be NULL). */
int syntax_parse_line_defs(const char *text, size_t len, int lineno, const struct syn_defines *defs,
			   struct syn_event *ev, struct syn_error *err);
int syntax_parse_script_defs(const char *text, size_t len, const struct syn_defines *defs,
			     struct syn_script *out, struct syn_error *err);

/* The TCP option names of <...> ("mss", "sackOK", ...), NULL past the last. */
const char *syntax_tcpopt_name_at(size_t i);

#endif
