/*
 * loop: the one event loop. A poll() over registered descriptors, each with
 * a callback. tcpsh's single main thread runs it; the terminal, the capture,
 * timers, signals and the blocking-call workers all come in through here.
 */
#ifndef TCPSH_LOOP_H
#define TCPSH_LOOP_H

#include <stdbool.h>

typedef void (*loop_cb)(void *ctx, int fd, short revents);

struct loop; /* opaque */

struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Registers fd for events (POLLIN...); a second add of the same fd replaces it. */
void loop_add(struct loop *l, int fd, short events, loop_cb cb, void *ctx);
void loop_del(struct loop *l, int fd);
/* Waits up to timeout_ms (-1: forever) and runs the callbacks of ready fds.
 * Returns the number run, 0 on timeout, -1 on a poll error other than EINTR. */
int loop_once(struct loop *l, int timeout_ms);
/* The lowest real-time priority and memory locked as pages are touched, so
 * that timers fire on time on a busy machine. Best effort, never fails. */
void loop_steady_timing(void);
/* Ctrl-C, SIGTERM, SIGHUP and SIGWINCH blocked and delivered through the
 * returned signalfd (for loop_add), or -1 with the reason on stderr. */
int loop_signal_fd(void);

#endif
