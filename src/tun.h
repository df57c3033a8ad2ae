/*
 * tun: the TUN device through which tcpsh plays the remote peer. Creates it
 * inside the namespace and configures it over netlink with libnl-route (link
 * up, the kernel-side address, a route to the remote peer; no `ip`
 * subprocess), with offloads off so the kernel's segments appear at MSS size.
 */
#ifndef TCPSH_TUN_H
#define TCPSH_TUN_H

#include <stddef.h>

#include "sb.h"

struct tun_cfg {
	const char *name;    /* "tun0" */
	int family;          /* 4 or 6 */
	const char *local_ip;  /* the kernel's address, "192.168.0.1" */
	const char *remote_ip; /* the peer's address, "192.0.2.1" */
	const char *gateway_ip; /* "192.168.0.1" */
	int prefixlen;       /* 16 */
	int mtu;             /* 1500 */
	int tso;             /* 0: offloads off, the kernel's segments are MSS-sized (default);
	                      * 1: TSO and checksum offload on, as packetdrill sets them, so the
	                      * kernel's super-segments are captured whole (checksums partial) */
};

struct tun {
	int fd;              /* non-blocking, O_CLOEXEC */
	int ifindex;
	char name[16];
};

void tun_cfg_default(struct tun_cfg *cfg); /* the IPv4 defaults above */
int tun_open(struct tun *t, const struct tun_cfg *cfg, struct sb *err);
/* Writes one raw IP packet (the kernel receives it as from the peer). */
int tun_write(struct tun *t, const void *bytes, size_t len, struct sb *err);
/* Reads and discards every packet the kernel queued on the device, so the
 * kernel never blocks or drops; returns how many were discarded. */
int tun_drain(struct tun *t);
/* Closes the device and removes it (the namespace goes on without it). */
void tun_close(struct tun *t);
/* Closes our end only: the device stays until the namespace goes, which is
 * much faster at exit than removing it (see TUNSETPERSIST in tun.c). */
void tun_release(struct tun *t);

#endif
