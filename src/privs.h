/*
 * privs: least privilege. Once tcpsh's namespace, TUN device and capture
 * are set up (engine_new), privs_drop keeps only the capabilities later
 * operations need and sets no_new_privs; the table in privs.c says which
 * and why. Capabilities are changed here and nowhere else.
 */
#ifndef TCPSH_PRIVS_H
#define TCPSH_PRIVS_H

#include <stdbool.h>

#include "sb.h"

/*
 * Drops every capability not in privs.c's keep table from the effective,
 * permitted, inheritable, ambient and bounding sets (CAP_SYS_ADMIN stays
 * permitted only, raised by privs_with_sys_admin), and sets no_new_privs
 * unless allow_shell (commands run through /bin/sh may need setuid
 * helpers; the bounding set still caps what they get). Idempotent. Returns
 * 0, or -1 with err saying which step failed; tcpsh does not go on then.
 */
int privs_drop(bool allow_shell, struct sb *err);

/* True once privs_drop has run in this process. */
bool privs_dropped(void);

/*
 * Makes CAP_SYS_ADMIN effective for one operation that needs it (creating
 * a network namespace again: sandbox_enter for `reset`), then lowers it.
 * Returns what fn returned; before privs_drop it only calls fn.
 */
int privs_with_sys_admin(int (*fn)(void *), void *arg);

#endif
