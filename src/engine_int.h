/*
 * engine_int: the engine's private state, shared by its files (engine.c: the
 * queue, timing and line execution; engine_wire.c: segments in and out and
 * expectations; engine_state.c: socket states from the kernel; engine_call.c:
 * system calls). Not for front ends: they use engine.h.
 */
#ifndef TCPSH_ENGINE_INT_H
#define TCPSH_ENGINE_INT_H

#include <time.h>

#include "annot.h"
#include "capture.h"
#include "conn.h"
#include "engine.h"
#include "profile.h"
#include "sockdiag.h"
#include "syscalls.h"
#include "tun.h"
#include "view.h"
#include "worker.h"

/* One queued line: the parsed event and its source, for messages. */
struct qitem {
	struct syn_event ev;
	char *text;
	size_t len;
	char *file;
	double due; /* monotonic seconds; valid once has_due */
	double due_end; /* end of a window a~b or of a blocking call a...b; = due without one */
	double offset;  /* script mode: what a relative time counted from */
	double wait; /* `wait SECONDS` */
	bool has_due;
	char *sel;          /* the shell's @NAME prefix: the connection the line is for, or NULL */
	bool has_sel_conn;  /* an expectation with @NAME: checked on that connection only */
	size_t sel_conn;
};

struct outpkt {
	struct pkt p;
	size_t conn;
	double t; /* when it was captured, monotonic seconds */
};

struct bg_call {
	struct worker *w;
	struct sys_job *job;
	struct qitem *q;
	double started;
	bool abandoned;
	bool timed;      /* script mode: a ... call, whose return time is checked */
	double finished; /* when the worker said it returned */
};

struct snap_item {
	char *key;
	char *state; /* the bare state, for "A → B" */
	char *text;
};

struct snap {
	struct snap_item *v;
	size_t n;
};

#define ENGINE_OUTQ_MAX 1024

/* Injected packets longer than the capture's snapshot kept at once; an older
 * one the capture never showed is forgotten. */
#define ENGINE_LONG_KEPT 16

struct engine {
	struct engine_cfg cfg;
	struct loop *loop;
	struct engine_io io;
	const struct qitem *cmd_item; /* the command line io.command is running, for its errors */
	struct tun tun;
	struct capture *cap;
	unsigned cap_dropped;   /* segments the capture ring lost, as last reported */
	/* Packets we injected that are longer than the capture keeps, oldest
	 * first, until the capture shows them (engine_wire.c). */
	struct sb long_pkts[ENGINE_LONG_KEPT];
	size_t long_first, nlong;
	struct sockdiag *diag;
	struct conn_table conns;
	struct view_tcpdump *td;
	struct annot *annot;  /* expert annotations (annot.c) */
	double last_seg_t;    /* set time delta: when the previous segment was printed */
	bool has_last_seg;
	struct sys_env sys;
	uint8_t kaddr[16], paddr[16];
	struct timespec t0_real;
	double t0_mono, last_sched;
	struct qitem **queue;
	size_t qhead, qn, qcap;
	int timer_fd;
	int notify[2];
	struct qitem *expect; /* an expectation waiting for a segment */
	double expect_deadline;
	struct outpkt *outq;
	size_t noutq;
	struct script_state *scr; /* script mode only */
	struct code_state *code;  /* %{ }% blocks (engine_code.c) */
	struct bg_call *bg;
	size_t nbg, capbg;
	double next_kick;     /* re-send SIGUSR1 to abandoned calls */
	struct snap prev;
	double next_refresh;
	int failures;
	int input_errors;
	int sut_fd;  /* script fd of the newest socket()/accept(): packetdrill's socket under test */
	struct profile_defaults defaults; /* the shell: this kernel's sysctls before any change */
	char *profile;       /* the profile chosen last ("classic", "modern"), or NULL */
	struct journal *journal; /* the session's record (engine_journal.c) */
};

double engine_now(void); /* CLOCK_MONOTONIC seconds */
void engine_print(struct engine *e, const char *text);
void engine_printf(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void engine_arm_timer(struct engine *e);
void engine_pump(struct engine *e); /* runs what is due; arms the timer for the rest */
void engine_error_at(struct engine *e, const struct qitem *q, int col, const char *msg, const char *hint);
void qitem_free(struct qitem *q);
const char *engine_sym(const struct engine *e, const char *utf8, const char *ascii);

/* engine_script.c: packetdrill's semantics for tcpsh run */
void script_new(struct engine *e);
void script_free(struct engine *e);
double script_due(struct engine *e, struct qitem *q);
bool script_check_start(struct engine *e, const struct qitem *q);
void script_fail(struct engine *e, const struct qitem *q, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool script_failed(const struct engine *e);
/* Stops the script (as failed) without a failure message or count: its
 * caller reported an input error. */
void script_stop(struct engine *e);
void script_expect(struct engine *e, struct qitem *q);
void script_expect_deadline(struct engine *e);
int script_map_inbound(struct engine *e, struct pkt *p, const struct qitem *q);
bool script_check_return(struct engine *e, const struct bg_call *b);
double engine_mono_of(const struct engine *e, const struct timespec *ts);
void engine_drop_queue(struct engine *e);
int script_finish(struct engine *e);

/* engine_code.c */
void code_exec(struct engine *e, struct qitem *q);
int code_finish(struct engine *e);
void code_free(struct engine *e);

/* engine_shell.c */
void shell_exec(struct engine *e, struct qitem *q);

/* engine_wire.c */
int wire_open(struct engine *e, struct sb *err);
void wire_close(struct engine *e);
void wire_inject(struct engine *e, struct qitem *q);
void wire_expect(struct engine *e, struct qitem *q);
void wire_expect_deadline(struct engine *e);
int wire_drain(struct engine *e); /* everything captured so far, printed; how many (states refreshed if any) */

/* engine_state.c */
void state_refresh(struct engine *e);
void state_show_all(struct engine *e);
void state_free(struct engine *e);
bool state_anything_alive(const struct engine *e);
int state_script_fd(const struct engine *e, uint32_t ino); /* the script fd of a socket inode, or -1 */

/* engine_conn.c: several connections. sel_prefix: the length of an @NAME
 * prefix at the start of text (with *name_off, *name_len the name), 0 when
 * there is none, -1 when the '@' has no name. sel_apply: makes q's
 * connection current before q runs; -1 (reported) when there is none. */
int sel_prefix(const char *text, size_t len, size_t *name_off, size_t *name_len);
int sel_apply(struct engine *e, struct qitem *q);
void engine_conn_describe(const struct engine *e, size_t i, struct sb *out); /* "c2 (you ..., kernel ...)" */
/* The column of argument argi of the command running now (past the last:
 * just after the command word), for engine_command_error. */
int engine_arg_col(const struct engine *e, int argi);

/* engine_code.c: shared with engine_info.c */
bool code_same_addr(const struct sockaddr_storage *ss, const uint8_t *addr, uint16_t port);
int code_socket_under_test(const struct engine *e);

/* engine_journal.c: the hooks that feed the session journal */
void ejournal_open(struct engine *e);
void ejournal_close(struct engine *e);
/* p NULL: not TCP (dir is then read from the IP header) */
void ejournal_packet(struct engine *e, const struct timespec *ts, const uint8_t *bytes, size_t len,
		     const struct pkt *p, const struct conn *c, enum conn_dir dir);
/* blocked: the call returned in the background (it is recorded when it returned, others when they ran) */
void ejournal_call(struct engine *e, const struct qitem *q, const struct sys_outcome *o, bool blocked);
void ejournal_conn_state(struct engine *e, size_t i, const char *kernel, const char *peer);
void ejournal_fd_state(struct engine *e, int fd, const char *state);

/* engine_view.c */
enum view_paint { VIEW_PEER, VIEW_KERNEL, VIEW_FAIL, VIEW_NOTE, VIEW_RESET };
void view_time(struct engine *e, const struct timespec *ts, struct sb *line);
const char *view_color(const struct engine *e, enum view_paint what);
void view_explain(struct engine *e, const char *why);
void view_json_text(struct engine *e, const char *text);
void view_json_event(struct engine *e, const char *type, const char *text);
void view_json_segment(struct engine *e, const struct timespec *ts, const struct pkt *p, bool from_kernel,
		       const char *line, const struct annot_out *ann, const char *why);

/* engine_call.c */
void call_exec(struct engine *e, struct qitem *q);
void call_on_notify(struct engine *e);
bool call_interrupt(struct engine *e);
void call_kick(struct engine *e);
void call_settle(struct engine *e);
void call_free_all(struct engine *e);

#endif
