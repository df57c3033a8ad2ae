/*
 * capture: libpcap on the TUN device, both directions, in immediate mode with
 * the kernel's nanosecond timestamps, optionally streamed to a pcap file; and
 * a writer for pcap files of packets kept in memory. Not for decoding
 * packets (codec.c) nor for deciding what they mean (conn.c).
 */
#include "capture.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#define CAPTURE_SNAPLEN 65535
/* The most of a packet that fits a 64 KiB ring frame with libpcap's
 * headers in front (68 or 84 bytes, whether it reads link headers or not). */
#define CAPTURE_SNAP_FRAME 65400
#define CAPTURE_FRAME (64u << 10)

struct capture {
	pcap_t *p;
	pcap_dumper_t *dump; /* NULL until capture_dump_open */
	char *dump_path;     /* for error messages; owned */
	char *ifname;        /* owned */
	int nano;            /* 1 when timestamps are in nanoseconds, else microseconds */
	int snaplen;
};

/* Sets up everything pcap_activate needs; nanosecond timestamps when the
 * platform offers them, microseconds otherwise. */
static int configure(struct capture *c, bool ring, struct sb *err)
{
	/*
	 * In immediate mode libpcap uses TPACKET_V2, whose ring has one frame
	 * per packet, and on a raw-IP device every frame is as large as the
	 * snapshot length allows. The kernel's segments on this device can be
	 * 64 KiB (TSO: packetdrill's scripts expect "> P. 1:10001(10000)"), so
	 * the snapshot cannot be the MTU. At 65535 a frame needed a 128 KiB
	 * block: a 1 MiB ring held 8 packets and a kernel burst of ten lost two
	 * (lesson 14 found it). At CAPTURE_SNAP_FRAME a frame fills a 64 KiB
	 * block exactly: CAPTURE_RING_FRAMES of them. A longer packet (a TSO
	 * segment cannot be; one we inject can) is cut: the engine keeps its
	 * own whole (capture_snaplen).
	 */
	c->snaplen = CAPTURE_SNAPLEN;
	int e = 0;
	if (ring) {
		c->snaplen = CAPTURE_SNAP_FRAME;
		e = pcap_set_buffer_size(c->p, (int)(CAPTURE_FRAME * CAPTURE_RING_FRAMES));
	}
	if (e == 0)
		e = pcap_set_snaplen(c->p, c->snaplen);
	if (e == 0)
		e = pcap_set_immediate_mode(c->p, 1);
	if (e == 0) {
		c->nano = pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO) == 0;
		if (!c->nano)
			e = pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_MICRO);
	}
	if (e != 0)
		sb_addf(err, "%s: capture set-up: %s", c->ifname, pcap_statustostr(e));
	return e != 0 ? -1 : 0;
}

static int activate(struct capture *c, struct sb *err)
{
	int e = pcap_activate(c->p);
	if (e < 0) {
		/* PCAP_ERROR has its message in geterr; the others may add details there. */
		const char *detail = pcap_geterr(c->p);
		sb_addf(err, "%s: cannot capture: %s", c->ifname,
			e == PCAP_ERROR ? detail : pcap_statustostr(e));
		if (e != PCAP_ERROR && detail[0])
			sb_addf(err, " (%s)", detail);
		return -1;
	}
	int dlt = pcap_datalink(c->p);
	if (dlt != DLT_RAW) {
		const char *name = pcap_datalink_val_to_name(dlt);
		sb_addf(err, "%s: capture link type is %s, not raw IP (is it a TUN device?)",
			c->ifname, name ? name : "unknown");
		return -1;
	}
	char ebuf[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(c->p, 1, ebuf) < 0) {
		sb_addf(err, "%s: capture: non-blocking mode: %s", c->ifname, ebuf);
		return -1;
	}
	return 0;
}

static struct capture *open_capture(const char *ifname, bool ring, struct sb *err)
{
	struct capture *c = xcalloc(1, sizeof *c);
	c->ifname = xstrdup(ifname);
	char ebuf[PCAP_ERRBUF_SIZE];
	c->p = pcap_create(ifname, ebuf);
	if (!c->p)
		sb_addf(err, "%s: cannot capture: %s", ifname, ebuf);
	if (!c->p || configure(c, ring, err) < 0 || activate(c, err) < 0) {
		capture_close(c);
		return NULL;
	}
	return c;
}

struct capture *capture_open(const char *ifname, struct sb *err)
{
	return open_capture(ifname, false, err);
}

struct capture *capture_open_ring(const char *ifname, struct sb *err)
{
	return open_capture(ifname, true, err);
}

int capture_snaplen(const struct capture *c)
{
	return c->snaplen;
}

int capture_fd(const struct capture *c)
{
	return pcap_get_selectable_fd(c->p);
}

struct dispatch {
	struct capture *c;
	capture_cb cb;
	void *user;
	int n;
};

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch *d = (struct dispatch *)arg;
	struct timespec ts = {
		.tv_sec = h->ts.tv_sec,
		.tv_nsec = d->c->nano ? h->ts.tv_usec : h->ts.tv_usec * 1000L,
	};
	if (d->c->dump)
		pcap_dump((u_char *)d->c->dump, h, bytes);
	d->cb(d->user, &ts, bytes, h->caplen);
	d->n++;
}

/* Flushes a dump file, so a write error (a full disk) shows now rather than
 * vanish in pcap_dump_close, which reports nothing. */
static int flush_dump(pcap_dumper_t *dump, const char *path, struct sb *err)
{
	errno = 0;
	if (pcap_dump_flush(dump) == 0 && !ferror(pcap_dump_file(dump)))
		return 0;
	sb_addf(err, "%s: cannot write pcap file: %s", path, strerror(errno ? errno : EIO));
	return -1;
}

/* Stops the dump after a write error, so capturing itself goes on. */
static void drop_dump(struct capture *c)
{
	pcap_dump_close(c->dump);
	c->dump = NULL;
	free(c->dump_path);
	c->dump_path = NULL;
}

/* As capture.h says; a dump file that cannot be written is closed, so one
 * error is reported once and capturing goes on. */
int capture_dispatch(struct capture *c, capture_cb cb, void *user, struct sb *err)
{
	struct dispatch d = {c, cb, user, 0};
	int rc;
	/* pcap_dispatch may stop at the end of one ring block; go on until empty. */
	while ((rc = pcap_dispatch(c->p, -1, on_packet, (u_char *)&d)) > 0)
		;
	if (rc < 0) {
		sb_addf(err, "%s: capture: %s", c->ifname, pcap_geterr(c->p));
		return -1;
	}
	if (c->dump && d.n > 0 && flush_dump(c->dump, c->dump_path, err) < 0) {
		sb_add(err, "; nothing more is written to it, the session goes on");
		drop_dump(c); /* the packets were still delivered to cb */
		return -1;
	}
	return d.n;
}

/* Opens path for writing a pcap file (close-on-exec), with errors naming it. */
static FILE *create_file(const char *path, struct sb *err)
{
	FILE *f = fopen(path, "wbe");
	if (!f)
		sb_addf(err, "%s: cannot create pcap file: %s", path, strerror(errno));
	return f;
}

/* Starts a dump on pcap handle p into a new file: the header is flushed at
 * once, so an unwritable path or a full disk is reported here. */
static pcap_dumper_t *start_dump(pcap_t *p, const char *path, struct sb *err)
{
	FILE *f = create_file(path, err);
	if (!f)
		return NULL;
	pcap_dumper_t *dump = pcap_dump_fopen(p, f);
	if (!dump) {
		/* libpcap has closed f if it could not write the header; its one
		 * other failure, an unsupported link type, cannot happen with raw IP. */
		sb_addf(err, "%s: cannot start pcap file: %s", path, pcap_geterr(p));
		return NULL;
	}
	if (flush_dump(dump, path, err) < 0) {
		pcap_dump_close(dump);
		return NULL;
	}
	return dump;
}

/* dump, opened on path, replaces the file being written, if any. */
static void use_dump(struct capture *c, pcap_dumper_t *dump, const char *path)
{
	if (c->dump)
		drop_dump(c);
	c->dump = dump;
	c->dump_path = xstrdup(path);
}

int capture_dump_open(struct capture *c, const char *path, struct sb *err)
{
	pcap_dumper_t *dump = start_dump(c->p, path, err);
	if (!dump)
		return -1;
	use_dump(c, dump, path);
	return 0;
}

int capture_dump_append(struct capture *c, const char *path, struct sb *err)
{
	pcap_dumper_t *dump = pcap_dump_open_append(c->p, path);
	if (!dump) {
		sb_addf(err, "%s: cannot append to the pcap file: %s", path, pcap_geterr(c->p));
		return -1;
	}
	use_dump(c, dump, path);
	return 0;
}

unsigned capture_dropped(struct capture *c)
{
	struct pcap_stat st;
	if (pcap_stats(c->p, &st) < 0)
		return 0;
	return st.ps_drop; /* not ps_ifdrop: the device's own drops are the kernel's business, not lost lines */
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->p)
		pcap_close(c->p);
	free(c->dump_path);
	free(c->ifname);
	free(c);
}

static void dump_record(pcap_dumper_t *dump, const struct capture_rec *r)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = r->ts.tv_sec;
	h.ts.tv_usec = r->ts.tv_nsec; /* the dead handle is in nanosecond precision */
	h.len = (bpf_u_int32)r->len;
	h.caplen = r->len < CAPTURE_SNAPLEN ? (bpf_u_int32)r->len : CAPTURE_SNAPLEN;
	pcap_dump((u_char *)dump, &h, r->bytes);
}

int capture_write_file(const char *path, const struct capture_rec *recs, size_t n, struct sb *err)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, CAPTURE_SNAPLEN,
							    PCAP_TSTAMP_PRECISION_NANO);
	if (!dead) {
		sb_addf(err, "%s: cannot write pcap file: out of memory", path);
		return -1;
	}
	pcap_dumper_t *dump = start_dump(dead, path, err);
	int rc = dump ? 0 : -1;
	if (dump) {
		for (size_t i = 0; i < n; i++)
			dump_record(dump, &recs[i]);
		rc = flush_dump(dump, path, err);
		pcap_dump_close(dump);
	}
	pcap_close(dead);
	return rc;
}

int capture_dump_open_with(struct capture *c, const char *path, const struct capture_rec *recs, size_t n,
			   struct sb *err)
{
	pcap_dumper_t *dump = start_dump(c->p, path, err);
	if (!dump)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct capture_rec r = recs[i];
		if (!c->nano) /* the live handle's file holds microseconds */
			r.ts.tv_nsec = r.ts.tv_nsec / 1000;
		dump_record(dump, &r);
	}
	if (flush_dump(dump, path, err) < 0) {
		pcap_dump_close(dump);
		return -1;
	}
	if (c->dump)
		drop_dump(c);
	c->dump = dump;
	c->dump_path = xstrdup(path);
	return 0;
}

bool capture_dump_stop(struct capture *c, struct sb *path)
{
	if (!c->dump)
		return false;
	sb_add(path, c->dump_path);
	drop_dump(c);
	return true;
}
