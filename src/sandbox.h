/*
 * sandbox: the private world tcpsh runs in. Enters a fresh network namespace
 * (after a fresh user namespace when not privileged and the system allows it),
 * so the host's interfaces, routes, sysctls and sockets are never touched, and
 * everything vanishes when tcpsh exits. Also sets net.* sysctls inside it.
 * This and tun.c, capture.c, sockdiag.c, syscalls.c are the only files that
 * touch the system.
 */
#ifndef TCPSH_SANDBOX_H
#define TCPSH_SANDBOX_H

#include <stdbool.h>

#include "sb.h"

/*
 * Must be called before any thread is started. Returns 0 inside a fresh netns
 * with lo up; or -1 with one line in err saying what is missing (privilege,
 * user namespaces, /dev/net/tun) and how to get it (sudo, the sysctl an
 * administrator would set).
 */
int sandbox_enter(struct sb *err);

/* True once sandbox_enter has left the host's network namespace (even if a
 * later step of it failed). tun_open and sandbox_sysctl_set refuse to run
 * before, so nothing can configure the host by mistake. */
bool sandbox_inside(void);

/* net.* sysctls inside the namespace: key "net.ipv4.tcp_sack" or
 * "net/ipv4/tcp_sack". Keys outside net. are refused. 0 or -1 with err. */
int sandbox_sysctl_set(const char *key, const char *value, struct sb *err);
int sandbox_sysctl_get(const char *key, struct sb *value, struct sb *err);

#endif
