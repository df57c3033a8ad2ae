/*
 * outfile: writes a whole file the user named (save, diagram FILE.svg):
 * exactly that path, nothing beside it; errors name the file and the reason.
 */
#ifndef TCPSH_OUTFILE_H
#define TCPSH_OUTFILE_H

#include <stddef.h>

#include "sb.h"

/* Creates or truncates path (mode 0644 before the umask) and writes len
 * bytes. Returns 0, or -1 with err "PATH: cannot write: REASON". A file
 * left half-written by a full disk is left as it is: it is the one named. */
int outfile_write(const char *path, const void *data, size_t len, struct sb *err);

#endif
