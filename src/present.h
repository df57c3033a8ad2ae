/*
 * present: presenter mode (tcpsh --present), for an instructor in front of
 * a class. After each step it shows the segments big and spaced, the
 * student's first, then, after a pause, the kernel's replies, and redraws
 * the ladder diagram. It reads the session journal; the engine prints no
 * segment or state lines of its own in this mode.
 */
#ifndef TCPSH_PRESENT_H
#define TCPSH_PRESENT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

struct present_opts {
	bool utf8;
	bool color;       /* by direction: you in cyan, the kernel in yellow */
	double delay;     /* seconds before the kernel's replies are shown */
	size_t max_rows;  /* diagram rows that fit the screen; 0: all */
};

typedef void (*present_print_fn)(void *ctx, const char *text);

/*
 * Shows the journal entries recorded since *shown (and moves *shown): the
 * peer's segments at once; then, when the step sent one or the kernel
 * already replied, waits delay seconds, takes in what the kernel sent
 * meanwhile, and shows the kernel's segments; then the whole diagram.
 * Does nothing when nothing new was recorded.
 */
void present_update(struct engine *e, size_t *shown, const struct present_opts *o, present_print_fn print,
		    void *ctx);

#endif
