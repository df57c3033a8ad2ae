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

#endif
