/*
 * capture: libpcap on the TUN device, both directions, with the kernel's
 * timestamps (nanosecond precision, immediate mode); optionally also written
 * to a pcap file (LINKTYPE_RAW) as packets arrive.
 */
#ifndef TCPSH_CAPTURE_H
#define TCPSH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sb.h"

struct capture; /* opaque */

typedef void (*capture_cb)(void *user, const struct timespec *ts, const uint8_t *bytes, size_t len);

struct capture *capture_open(const char *ifname, struct sb *err);
/* The same with a ring of CAPTURE_RING_FRAMES packets of up to 65400 bytes
 * (the snapshot length) instead of libpcap's default (a 4 MiB ring of 32,
 * resident for the whole session). The loop drains the ring after every line it runs, so it holds
 * what arrives in between: a few segments, or one window's burst from the
 * kernel (ten at the initial window, fewer packets with TSO); 32 frames map
 * 2 MiB. A full ring drops and tcpsh says so. */
#define CAPTURE_RING_FRAMES 32
struct capture *capture_open_ring(const char *ifname, struct sb *err);
/* How many bytes of each packet the capture keeps. */
int capture_snaplen(const struct capture *c);
int capture_fd(const struct capture *c); /* for poll(); readable when packets wait */
/* Delivers every packet available now, without blocking, to cb (in capture
 * order). Returns the number delivered, or -1 with err. Packets are also
 * written to the dump file, if one is open, which is flushed afterwards. */
int capture_dispatch(struct capture *c, capture_cb cb, void *user, struct sb *err);
/* Starts writing every packet captured from now on to path. */
int capture_dump_open(struct capture *c, const char *path, struct sb *err);
/* The same, appending to the pcap file at path (written by an earlier
 * capture, before a `reset`). */
int capture_dump_append(struct capture *c, const char *path, struct sb *err);
/* Packets the kernel dropped before we read them (pcap_stats ps_drop). */
unsigned capture_dropped(struct capture *c);
void capture_close(struct capture *c); /* flushes and closes the dump too */

/* Writes the given packets to a new pcap file (for `pcap FILE` later on). */
struct capture_rec {
	struct timespec ts;
	const uint8_t *bytes;
	size_t len;
};
int capture_write_file(const char *path, const struct capture_rec *recs, size_t n, struct sb *err);

/* `pcap FILE` during a session: starts a dump into a new file at path that
 * first holds the n packets captured before (recs, in order), then every
 * packet captured from now on; replaces a dump already open. */
int capture_dump_open_with(struct capture *c, const char *path, const struct capture_rec *recs, size_t n,
			   struct sb *err);
/* `pcap off`: closes the dump, if any (its name appended to path). Returns
 * whether there was one. */
bool capture_dump_stop(struct capture *c, struct sb *path);

#endif
