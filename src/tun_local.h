/*
 * tun_local: waits until the kernel can receive on a freshly added IPv6
 * address. Adding an IPv6 address returns before the kernel has installed
 * its local route (addrconf does that later, from a workqueue, even with
 * IFA_F_NODAD on a NOARP device); a packet arriving in between is treated as
 * one to forward and dropped. IPv4 installs the route within the request.
 */
#ifndef TCPSH_TUN_LOCAL_H
#define TCPSH_TUN_LOCAL_H

#include "sb.h"

struct tun_local;

/* Subscribes to IPv6 route changes; call before adding the address, so that
 * no change is missed. ifname only names the device in error messages.
 * Returns NULL with a message in err on failure. */
struct tun_local *tun_local_watch(const char *ifname, struct sb *err);
/* Waits up to timeout_ms until the local route for ip (an IPv6 address) is in
 * the kernel's local table. 0 when it is, -1 with a message otherwise. */
int tun_local_wait(struct tun_local *w, const char *ip, int timeout_ms, struct sb *err);
void tun_local_free(struct tun_local *w);

#endif
