/*
 * savepkt: a session's journal as a packetdrill script that `tcpsh run` (and
 * packetdrill) replays. Pure: the caller writes the text where the user said.
 */
#ifndef TCPSH_SAVEPKT_H
#define TCPSH_SAVEPKT_H

#include "journal.h"
#include "sb.h"

/*
 * Appends the script: the first line at time 0, every other line relative to
 * the one before (+0.250), to the millisecond, computed from rounded session
 * times so that rounding never adds up. The peer's segments become '<'
 * lines and the kernel's '>' expectations, both in packetdrill notation
 * relative to the ISNs, with TS val/ecr as seen on the wire (a replay maps
 * the script's values to the live ones, as packetdrill does). Calls come
 * with their observed result ("= 3", "= -1 ECONNREFUSED (...)"), placed when
 * they returned, so a call that blocked in the shell runs when it can
 * return. Calls abandoned with Ctrl-C and packets other than TCP cannot be
 * replayed: they become comments. A header option widens the timing
 * tolerance to 20 ms, as a shell session's timing is only that exact.
 * Returns the number of script lines (events).
 */
int savepkt_script(const struct journal *j, struct sb *out);

#endif
