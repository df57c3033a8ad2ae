/*
 * engine_call: system-call lines. A call that would not block runs at once
 * on the engine's thread; one that would (a blocking accept with nothing
 * pending, a read with nothing to read, a blocking connect) runs on a worker
 * thread, the prompt comes back, and its result is printed when the kernel
 * completes it. Ctrl-C abandons it.
 */
#include "engine_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consts.h"

#define KICK_PERIOD 0.05 /* re-interrupt an abandoned call that missed the signal */

static void print_outcome(struct engine *e, const struct sys_outcome *o, const char *lead)
{
	struct sb line = SB_INIT;
	sb_addf(&line, "       %s= %lld", lead, o->ret);
	if (o->ret == -1) {
		const char *name = consts_errno_name(o->err);
		sb_addf(&line, " %s (%s)", name ? name : "?", strerror(o->err));
	}
	if (o->detail.len)
		sb_addf(&line, "  [%s]", sb_str(&o->detail));
	if (o->checked)
		sb_addf(&line, " %s", o->ok ? engine_sym(e, "✓", "OK") : engine_sym(e, "✗", "FAIL"));
	sb_addc(&line, '\n');
	for (char *s = o->why.buf, *nl; s && (nl = strchr(s, '\n')); s = nl + 1)
		sb_addf(&line, "         %.*s\n", (int)(nl - s), s);
	engine_print(e, sb_str(&line));
	sb_free(&line);
}

static void finish(struct engine *e, const struct qitem *q, struct sys_job *job, const char *lead)
{
	struct sys_outcome o;
	sys_job_finish(&e->sys, job, &o);
	if (o.ret == 0 && !strcmp(sys_job_name(job), "listen"))
		e->conns.listen_gen++;
	if (o.new_fd >= 0 && (!strcmp(sys_job_name(job), "socket") || !strncmp(sys_job_name(job), "accept", 6)))
		e->sut_fd = o.new_fd;
	/* packetdrill: a new socket is the one under test, so the old
	 * connection's segments are no longer expected; its own SYN (or the
	 * peer's, after listen) will make the next connection current. */
	if (e->scr && o.new_fd >= 0 && !strcmp(sys_job_name(job), "socket"))
		e->conns.current = -1;
	print_outcome(e, &o, lead);
	ejournal_call(e, q, &o, *lead != '\0');
	if (!o.ok && e->scr)
		script_fail(e, q, "%s() %s", sys_job_name(job), sb_str(&o.why));
	else if (!o.ok)
		e->failures++;
	sys_outcome_free(&o);
	if (wire_drain(e) <= 0) /* segments arrived: their drain refreshed the states already */
		state_refresh(e);
}

static void start_background(struct engine *e, struct qitem *q, struct sys_job *job)
{
	struct sb err = SB_INIT;
	struct worker *w = worker_start(job, e->notify[1], &err);
	if (!w) {
		engine_error_at(e, q, q->ev.u.call.name_col, sb_str(&err), NULL);
		sb_free(&err);
		sys_job_free(job);
		qitem_free(q);
		return;
	}
	if (e->nbg == e->capbg) {
		e->capbg = e->capbg ? e->capbg * 2 : 4;
		e->bg = xrealloc(e->bg, e->capbg * sizeof(*e->bg));
	}
	e->bg[e->nbg++] = (struct bg_call){w, job, q, engine_now(), false, e->scr && q->ev.time.blocking, 0};
	if (e->scr)
		worker_settle(w, 0.5);
	engine_printf(e, "       %s(%d) blocks: it waits in the background, the prompt is yours (Ctrl-C abandons it)\n",
		      sys_job_name(job), sys_job_fd(job));
}

/* Script mode, as packetdrill: a call waits up to a second for a blocked
 * ...-call to return first (so accept's new fd is there for the next line). */
#define AWAIT_IDLE 1.0

static void await_idle(struct engine *e)
{
	double until = engine_now() + AWAIT_IDLE;
	while (e->nbg && !script_failed(e) && engine_now() < until) {
		struct pollfd p = {.fd = e->notify[0], .events = POLLIN};
		if (poll(&p, 1, (int)((until - engine_now()) * 1000) + 1) > 0)
			call_on_notify(e);
	}
}

/* Script mode: a call written without ...b may look like it would block
 * (a TFO connect returns at once): give it a second, then call it blocked. */
static void expect_return(struct engine *e, const struct qitem *q)
{
	int line = q->ev.line; /* q is freed if the call completes while we wait */
	await_idle(e);
	for (size_t i = 0; i < e->nbg; i++) {
		const struct qitem *b = e->bg[i].q;
		if (b->ev.line != line)
			continue;
		script_fail(e, b, "%s() blocked, and the script does not expect it to "
				  "(a blocking call is written with its return time: +0...0.1 %s(...))",
			    b->ev.u.call.name, b->ev.u.call.name);
		return;
	}
}

/* Script mode, as packetdrill's one syscall thread: a blocking call a...b
 * starts only once the blocking call before it has returned. Its line may
 * come at +0 after the event that ends that call (the ACK that completes an
 * accept), before the engine has reaped it: a read on accept's new fd would
 * then run before the fd exists. Still blocked after a second: an error. */
static bool await_blocking_turn(struct engine *e, struct qitem *q)
{
	await_idle(e);
	if (script_failed(e)) /* the call before it returned, but not as the script said */
		return false;
	if (!e->nbg)
		return true;
	script_fail(e, q, "%s() starts while %s() (line %d) is still blocked: a blocking call waits up to %.0f s "
			  "for the one before it to return",
		    q->ev.u.call.name, e->bg[0].q->ev.u.call.name, e->bg[0].q->ev.line, AWAIT_IDLE);
	return false;
}

void call_exec(struct engine *e, struct qitem *q)
{
	if (e->scr && !q->ev.time.blocking)
		await_idle(e);
	if (e->scr && q->ev.time.blocking && !await_blocking_turn(e, q)) {
		qitem_free(q);
		return;
	}
	struct sb err = SB_INIT;
	int col = 0;
	struct sys_job *job = sys_prepare(&e->sys, &q->ev.u.call, &err, &col);
	if (!job) {
		engine_error_at(e, q, col, sb_str(&err), NULL);
		sb_free(&err);
		qitem_free(q);
		return;
	}
	sb_free(&err);
	if (e->scr && q->ev.time.blocking) { /* a...b: runs on a worker, must return at b */
		start_background(e, q, job);
		return;
	}
	if (sys_job_would_block(job)) {
		start_background(e, q, job);
		if (e->scr) /* a plain call must return at once, as in packetdrill */
			expect_return(e, q);
		return;
	}
	sys_job_run(job);
	finish(e, q, job, "");
	sys_job_free(job);
	qitem_free(q);
}

static void complete(struct engine *e, size_t i)
{
	struct bg_call b = e->bg[i];
	memmove(&e->bg[i], &e->bg[i + 1], (e->nbg - i - 1) * sizeof(*e->bg));
	e->nbg--;
	worker_join(b.w);
	struct sb lead = SB_INIT;
	sb_addf(&lead, "%s(%d) %s after %.3f s: ", sys_job_name(b.job), sys_job_fd(b.job),
		b.abandoned ? "abandoned" : "returned", engine_now() - b.started);
	if (!b.abandoned && b.timed && !script_check_return(e, &b))
		;
	else
		finish(e, b.q, b.job, sb_str(&lead));
	sb_free(&lead);
	sys_job_free(b.job);
	qitem_free(b.q);
	if (!e->nbg)
		e->next_kick = 0;
}

void call_on_notify(struct engine *e)
{
	struct worker *w;
	ssize_t n;
	while ((n = read(e->notify[0], &w, sizeof(w))) == (ssize_t)sizeof(w)) {
		for (size_t i = 0; i < e->nbg; i++) {
			if (e->bg[i].w == w) {
				e->bg[i].finished = worker_returned(w);
				complete(e, i);
				break;
			}
		}
	}
}

/*
 * After each line: a blocked call that the line made able to return (the
 * handshake completed for accept, data arrived for read) is waited for now,
 * so its result prints right after the line that caused it, not at some
 * later point of the loop.
 */
#define SETTLE_MAX 0.5 /* seconds; a ready call returns in microseconds */
#define SETTLE_RACE_MS 2 /* the call may have consumed the readiness already */

static bool settle_one(struct engine *e)
{
	for (size_t i = 0; i < e->nbg; i++) {
		struct bg_call *b = &e->bg[i];
		if (b->abandoned)
			continue;
		int wait_ms = worker_done(b->w) || sys_job_ready(b->job) ? (int)(SETTLE_MAX * 1000) : SETTLE_RACE_MS;
		struct pollfd p = {.fd = e->notify[0], .events = POLLIN};
		if (poll(&p, 1, wait_ms) > 0) {
			call_on_notify(e);
			return true;
		}
	}
	return false;
}

void call_settle(struct engine *e)
{
	while (e->nbg && settle_one(e))
		;
}

bool call_interrupt(struct engine *e)
{
	for (size_t i = 0; i < e->nbg; i++) {
		e->bg[i].abandoned = true;
		worker_interrupt(e->bg[i].w);
	}
	if (e->nbg)
		e->next_kick = engine_now() + KICK_PERIOD;
	return e->nbg > 0;
}

void call_kick(struct engine *e)
{
	for (size_t i = 0; i < e->nbg; i++)
		if (e->bg[i].abandoned)
			worker_interrupt(e->bg[i].w);
	e->next_kick = e->nbg ? engine_now() + KICK_PERIOD : 0;
}

/* At exit: interrupt every blocked call and wait for each to return. */
void call_free_all(struct engine *e)
{
	while (e->nbg) {
		call_interrupt(e);
		usleep(10000);
		struct worker *w;
		while (read(e->notify[0], &w, sizeof(w)) == (ssize_t)sizeof(w)) {
			for (size_t i = 0; i < e->nbg; i++) {
				if (e->bg[i].w != w)
					continue;
				worker_join(w);
				sys_job_free(e->bg[i].job);
				qitem_free(e->bg[i].q);
				e->bg[i] = e->bg[--e->nbg];
				break;
			}
		}
	}
	free(e->bg);
	e->bg = NULL;
}
