/*
 * shell: the interactive front end. GNU readline in callback mode inside the
 * one poll() loop, so kernel output printed while the student types lands
 * above the prompt and the half-typed line survives. When stdin is not a
 * terminal it reads lines one at a time, echoing each after the prompt, and
 * runs the next only when the previous one is done (for transcripts).
 */
#ifndef TCPSH_SHELL_H
#define TCPSH_SHELL_H

#include "engine.h"

/* Runs the shell until quit, Ctrl-D, EOF or SIGTERM/SIGHUP. Returns the
 * process exit status. sig_fd is a signalfd for SIGINT, SIGTERM, SIGHUP,
 * SIGWINCH. */
int shell_run(const struct engine_cfg *cfg, int sig_fd);

/*
 * The lesson player's --then-shell: the shell goes on with an engine that
 * already runs (the lesson's connection as it is). The engine must have
 * been made with print/command callbacks that forward through *io, which
 * this points at the shell's until it returns. The caller frees the engine.
 */
int shell_continue(struct engine *e, struct loop *loop, const struct engine_cfg *cfg, int sig_fd,
		   struct engine_io *io);

#endif
