/*
 * edge_smoke: checks the system edges (sandbox, tun, capture, sockdiag)
 * against the real kernel. A child process enters the private namespace,
 * plays a peer through tun0 and checks what the kernel did; the parent stays
 * on the host, touches nothing, and afterwards checks that the host is as it
 * was and that tcpdump reads the pcap files. Prints "PASS name" / "FAIL name"
 * lines (tests/run-all counts them); exit 0, 1 when a check failed, or 3 when
 * the environment allows no namespace (the reason is printed on one line).
 * Not a test of the codec: packets are built and parsed here, by hand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "capture.h"
#include "sandbox.h"
#include "sb.h"
#include "sockdiag.h"
#include "tun.h"

#define PEER "192.0.2.1"
#define KERNEL "192.168.0.1"
#define LOCAL6 "fd3d:a0b:17d6::1"
#define REMOTE6 "fd3d:fa7b:d17d::1"
#define MSS 1000
#define DATA_LEN 10000

static int failures; /* in the current test */
static int failed_tests;

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			printf("  %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                             \
			printf("\n");                                    \
			failures++;                                      \
		}                                                        \
	} while (0)

static void begin(void)
{
	failures = 0;
}

static void end(const char *name)
{
	printf("%s %s\n", failures ? "FAIL" : "PASS", name);
	if (failures)
		failed_tests++;
}

/* ---- packets, by hand ---- */

struct seg {
	bool out; /* sent by the kernel */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t sport, dport;
	size_t payload;
};

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Builds peer -> kernel IPv4 + TCP (with an MSS option on a SYN) into pkt;
 * returns its length. */
static size_t build(uint8_t pkt[64], uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		    uint8_t flags)
{
	size_t tcplen = flags & 0x02 ? 24 : 20, len = 20 + tcplen;
	uint8_t *ip = pkt, *tcp = pkt + 20;
	memset(pkt, 0, len);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)len);
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	inet_pton(AF_INET, PEER, ip + 12);
	inet_pton(AF_INET, KERNEL, ip + 16);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)(tcplen / 4) << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	if (flags & 0x02) {
		tcp[20] = 2;
		tcp[21] = 4;
		put16(tcp + 22, MSS);
	}
	uint8_t pseudo[12] = {0};
	memcpy(pseudo, ip + 12, 8);
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, (uint16_t)tcplen);
	put16(tcp + 16, fold(sum16(tcp, tcplen, sum16(pseudo, 12, 0))));
	return len;
}

static bool parse(const uint8_t *p, size_t len, struct seg *s)
{
	if (len < 40 || p[0] >> 4 != 4 || p[9] != IPPROTO_TCP)
		return false;
	size_t ihl = (size_t)(p[0] & 15) * 4, tot = (size_t)p[2] << 8 | p[3];
	const uint8_t *tcp = p + ihl;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	uint8_t kernel[4];
	inet_pton(AF_INET, KERNEL, kernel);
	s->out = memcmp(p + 12, kernel, 4) == 0;
	s->sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
	s->dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
	s->seq = get32(tcp + 4);
	s->ack = get32(tcp + 8);
	s->flags = tcp[13];
	s->payload = tot - ihl - doff;
	return true;
}

/* ---- capture plumbing ---- */

#define MAXPKT 64

struct seen {
	int n;
	struct seg segs[MAXPKT];
	struct timespec ts[MAXPKT];
	uint8_t *bytes[MAXPKT];
	size_t len[MAXPKT];
};

static void on_packet(void *user, const struct timespec *ts, const uint8_t *bytes, size_t len)
{
	struct seen *s = user;
	if (s->n == MAXPKT || !parse(bytes, len, &s->segs[s->n]))
		return;
	s->ts[s->n] = *ts;
	s->bytes[s->n] = xmalloc(len);
	memcpy(s->bytes[s->n], bytes, len);
	s->len[s->n] = len;
	s->n++;
}

static void seen_free(struct seen *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->bytes[i]);
	s->n = 0;
}

/* Dispatches for up to two seconds, until done(s) says enough. */
static void wait_for(struct capture *c, struct tun *t, struct seen *s, bool (*done)(const struct seen *))
{
	struct sb err = SB_INIT;
	for (int i = 0; i < 40 && !done(s); i++) {
		struct pollfd pfd = {capture_fd(c), POLLIN, 0};
		if (poll(&pfd, 1, 50) < 0)
			break;
		if (capture_dispatch(c, on_packet, s, &err) < 0) {
			CHECK(0, "%s", sb_str(&err));
			break;
		}
		tun_drain(t);
	}
	sb_free(&err);
}

static bool two_packets(const struct seen *s)
{
	return s->n >= 2;
}

static size_t out_payload(const struct seen *s, size_t *largest)
{
	size_t total = 0;
	*largest = 0;
	for (int i = 0; i < s->n; i++)
		if (s->segs[i].out) {
			total += s->segs[i].payload;
			if (s->segs[i].payload > *largest)
				*largest = s->segs[i].payload;
		}
	return total;
}

static bool all_data(const struct seen *s)
{
	size_t largest;
	return out_payload(s, &largest) >= DATA_LEN;
}

/* ---- the tests inside the namespace ---- */

static int listener(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, KERNEL, &a.sin_addr);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0) {
		CHECK(0, "listener on port %u: %s", port, strerror(errno));
		return -1;
	}
	return fd;
}

static bool link_up(const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, name, strlen(name));
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
	if (s >= 0)
		close(s);
	return up;
}

static void test_sysctl(void)
{
	begin();
	struct sb v = SB_INIT, err = SB_INIT;
	CHECK(sandbox_sysctl_set("net.ipv4.tcp_sack", "0", &err) == 0, "%s", sb_str(&err));
	CHECK(sandbox_sysctl_get("net/ipv4/tcp_sack", &v, &err) == 0 && strcmp(sb_str(&v), "0") == 0,
	      "got [%s] %s", sb_str(&v), sb_str(&err));
	sb_reset(&v);
	CHECK(sandbox_sysctl_set("/proc/sys/net/ipv4/tcp_wmem", "4096 32768\t4194304", &err) == 0,
	      "%s", sb_str(&err));
	CHECK(sandbox_sysctl_get("net.ipv4.tcp_wmem", &v, &err) == 0 &&
		      strcmp(sb_str(&v), "4096\t32768\t4194304") == 0,
	      "got [%s] %s", sb_str(&v), sb_str(&err));
	end("edge_sysctl_namespace");

	begin();
	static const char *const bad[] = {"kernel.hostname", "net/../kernel/hostname", "net",
					  "net.", "/proc/sys/kernel/panic", "net//ipv4/tcp_sack",
					  "network.x", "/proc/sys/net/ipv4/./tcp_sack"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sb_reset(&err);
		CHECK(sandbox_sysctl_set(bad[i], "1", &err) < 0 && err.len > 0, "%s accepted", bad[i]);
		printf("  refused: %s\n", sb_str(&err));
	}
	sb_reset(&err);
	CHECK(sandbox_sysctl_get("net.ipv4.no_such_knob", &v, &err) < 0 &&
		      strstr(sb_str(&err), "no such key"),
	      "%s", sb_str(&err));
	end("edge_sysctl_refused");
	sb_free(&v);
	sb_free(&err);
}

static int ethtool_get(const char *dev, uint32_t cmd)
{
	struct ethtool_value ev = {.cmd = cmd};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, dev, strlen(dev));
	ifr.ifr_data = (char *)&ev;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = s >= 0 && ioctl(s, SIOCETHTOOL, &ifr) == 0 ? (int)ev.data : -1;
	if (s >= 0)
		close(s);
	return rc;
}

static void test_tun_config(const struct tun *t)
{
	begin();
	CHECK(t->ifindex > 0 && t->ifindex == (int)if_nametoindex("tun0"), "ifindex %d", t->ifindex);
	CHECK(link_up("tun0"), "tun0 is down");
	CHECK(ethtool_get("tun0", ETHTOOL_GTSO) == 0, "TSO %d", ethtool_get("tun0", ETHTOOL_GTSO));
	CHECK(ethtool_get("tun0", ETHTOOL_GGSO) == 0, "GSO %d", ethtool_get("tun0", ETHTOOL_GGSO));
	CHECK(ethtool_get("tun0", ETHTOOL_GTXCSUM) == 0, "tx checksum offload on");
	end("edge_tun_config");
}

/* Checks the two packets of the half-open handshake; returns the kernel's ISN. */
static uint32_t check_handshake(const struct seen *s, const uint8_t *syn, size_t synlen)
{
	CHECK(s->n == 2, "%d packets captured, want 2", s->n);
	if (s->n < 2)
		return 0;
	CHECK(!s->segs[0].out && s->len[0] == synlen && memcmp(s->bytes[0], syn, synlen) == 0,
	      "first packet is not our SYN");
	const struct seg *sa = &s->segs[1];
	CHECK(sa->out && sa->flags == 0x12 && sa->sport == 8080 && sa->dport == 40000 &&
		      sa->ack == 1001,
	      "second packet: out %d flags %#x ports %u>%u ack %u", sa->out, sa->flags, sa->sport,
	      sa->dport, sa->ack);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	bool sub_us = false;
	for (int i = 0; i < 2; i++) {
		CHECK(s->ts[i].tv_sec > now.tv_sec - 5 && s->ts[i].tv_sec <= now.tv_sec,
		      "timestamp %ld is not now (%ld)", (long)s->ts[i].tv_sec, (long)now.tv_sec);
		CHECK(s->ts[i].tv_nsec >= 0 && s->ts[i].tv_nsec < 1000000000L, "tv_nsec %ld",
		      s->ts[i].tv_nsec);
		sub_us |= s->ts[i].tv_nsec % 1000 != 0;
	}
	CHECK(sub_us, "no timestamp has nanosecond digits");
	CHECK(s->ts[0].tv_sec < s->ts[1].tv_sec ||
		      (s->ts[0].tv_sec == s->ts[1].tv_sec && s->ts[0].tv_nsec <= s->ts[1].tv_nsec),
	      "timestamps out of order");
	return sa->seq;
}

static void check_sockdiag(ino_t listen_ino)
{
	struct sb err = SB_INIT;
	struct sockdiag *d = sockdiag_open(&err);
	struct sockdiag_sock *socks = NULL;
	size_t n = 0;
	CHECK(d && sockdiag_dump(d, &socks, &n, &err) == 0, "%s", sb_str(&err));
	uint8_t k[4], p[4];
	inet_pton(AF_INET, KERNEL, k);
	inet_pton(AF_INET, PEER, p);
	bool listen_ok = false, synrecv_ok = false;
	for (size_t i = 0; i < n; i++) {
		const struct sockdiag_sock *s = &socks[i];
		printf("  sockdiag: IPv%d %u -> %u %s inode %u\n", s->family, s->sport, s->dport,
		       sockdiag_state_name(s->state), s->inode);
		if (s->family == 4 && s->sport == 8080 && !memcmp(s->src, k, 4))
			listen_ok |= strcmp(sockdiag_state_name(s->state), "LISTEN") == 0 &&
				     s->inode == listen_ino;
		if (s->family == 4 && s->sport == 8080 && s->dport == 40000 &&
		    !memcmp(s->src, k, 4) && !memcmp(s->dst, p, 4))
			synrecv_ok |= strcmp(sockdiag_state_name(s->state), "SYN_RECV") == 0 &&
				      s->inode == 0;
	}
	CHECK(listen_ok, "no LISTEN socket with the listener's inode %lu", (unsigned long)listen_ino);
	CHECK(synrecv_ok, "no SYN_RECV request socket with inode 0");
	struct sockdiag_sock *again = NULL;
	size_t n2 = 0;
	CHECK(d && sockdiag_dump(d, &again, &n2, &err) == 0 && n2 == n,
	      "second dump on the same socket: %zu sockets, first %zu; %s", n2, n, sb_str(&err));
	free(again);
	CHECK(strcmp(sockdiag_state_name(12), "NEW_SYN_RECV") == 0 &&
		      strcmp(sockdiag_state_name(99), "UNKNOWN") == 0,
	      "state names");
	free(socks);
	sockdiag_close(d);
	sb_free(&err);
}

/* Completes the handshake (kernel ISN isn), accepts, writes DATA_LEN bytes
 * and captures them; returns the largest segment's payload. The accepted
 * socket is closed, so the kernel's FIN follows the data. */
static size_t send_data(struct capture *c, struct tun *t, int lfd, uint16_t sport, uint16_t dport,
			uint32_t isn)
{
	struct sb err = SB_INIT;
	uint8_t pkt[64];
	size_t len = build(pkt, sport, dport, 1001, isn + 1, 0x10);
	CHECK(tun_write(t, pkt, len, &err) == 0, "%s", sb_str(&err));
	struct pollfd pfd = {lfd, POLLIN, 0};
	int fd = poll(&pfd, 1, 2000) == 1 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) : -1;
	CHECK(fd >= 0, "accept: %s", strerror(errno));
	static char data[DATA_LEN];
	CHECK(fd >= 0 && write(fd, data, sizeof data) == (ssize_t)sizeof data, "write: %s",
	      strerror(errno));
	if (fd >= 0)
		close(fd);
	struct seen s = {0};
	wait_for(c, t, &s, all_data);
	size_t largest, total = out_payload(&s, &largest);
	CHECK(total == DATA_LEN, "captured %zu bytes of data, want %d", total, DATA_LEN);
	seen_free(&s);
	sb_free(&err);
	return largest;
}

/* The state sock_diag reports for kernel port 8080 <-> peer port 40000, or 0;
 * *inode gets that socket's inode. */
static int conn_state(uint32_t *inode)
{
	struct sb err = SB_INIT;
	struct sockdiag *d = sockdiag_open(&err);
	struct sockdiag_sock *socks = NULL;
	size_t n = 0;
	int state = 0;
	if (d && sockdiag_dump(d, &socks, &n, &err) == 0)
		for (size_t i = 0; i < n; i++)
			if (socks[i].sport == 8080 && socks[i].dport == 40000) {
				state = socks[i].state;
				*inode = socks[i].inode;
			}
	CHECK(err.len == 0, "%s", sb_str(&err));
	free(socks);
	sockdiag_close(d);
	sb_free(&err);
	return state;
}

/* The closed connection is an orphan in FIN_WAIT1; ACKing the data, then the
 * kernel's FIN with ours, puts it in TIME_WAIT. Both have no fd: inode 0. */
static void test_orphans(struct tun *t, uint32_t isn)
{
	struct sb err = SB_INIT;
	uint32_t inode = 1;
	int state = conn_state(&inode);
	CHECK(strcmp(sockdiag_state_name(state), "FIN_WAIT1") == 0 && inode == 0,
	      "state %s inode %u, want FIN_WAIT1 inode 0", sockdiag_state_name(state), inode);
	uint8_t pkt[64];
	size_t len = build(pkt, 40000, 8080, 1001, isn + 1 + DATA_LEN, 0x10);
	CHECK(tun_write(t, pkt, len, &err) == 0, "%s", sb_str(&err)); /* frees cwnd for the FIN */
	poll(NULL, 0, 20);
	len = build(pkt, 40000, 8080, 1001, isn + 1 + DATA_LEN + 1, 0x11);
	CHECK(tun_write(t, pkt, len, &err) == 0, "%s", sb_str(&err));
	for (int i = 0; i < 20 && strcmp(sockdiag_state_name(state), "TIME_WAIT"); i++) {
		poll(NULL, 0, 10);
		inode = 1;
		state = conn_state(&inode);
	}
	CHECK(strcmp(sockdiag_state_name(state), "TIME_WAIT") == 0 && inode == 0,
	      "state %s inode %u, want TIME_WAIT inode 0", sockdiag_state_name(state), inode);
	sb_free(&err);
}

static void test_write_file(const struct seen *s, const char *dir)
{
	begin();
	struct capture_rec recs[2];
	for (int i = 0; i < 2 && i < s->n; i++)
		recs[i] = (struct capture_rec){s->ts[i], s->bytes[i], s->len[i]};
	struct sb path = SB_INIT, err = SB_INIT;
	sb_addf(&path, "%s/written.pcap", dir);
	CHECK(capture_write_file(path.buf, recs, 2, &err) == 0, "%s", sb_str(&err));
	sb_reset(&path);
	sb_addf(&path, "%s/no/such/dir.pcap", dir);
	sb_reset(&err);
	CHECK(capture_write_file(path.buf, recs, 2, &err) < 0 && strstr(sb_str(&err), path.buf) &&
		      strstr(sb_str(&err), "No such file"),
	      "[%s]", sb_str(&err));
	printf("  missing directory: %s\n", sb_str(&err));
	sb_reset(&err);
	CHECK(capture_write_file("/dev/full", recs, 2, &err) < 0 &&
		      strstr(sb_str(&err), "No space left"),
	      "[%s]", sb_str(&err));
	printf("  full disk: %s\n", sb_str(&err));
	end("edge_capture_write_file");
	sb_free(&path);
	sb_free(&err);
}

/* The handshake on the default tun0: SYN in, SYN-ACK out, both captured and
 * dumped; sock_diag sees LISTEN and SYN_RECV; then data at MSS size. */
static void test_handshake(const char *dir)
{
	struct sb err = SB_INIT, path = SB_INIT;
	struct tun_cfg cfg;
	struct tun t;
	tun_cfg_default(&cfg);
	begin();
	CHECK(tun_open(&t, &cfg, &err) == 0, "%s", sb_str(&err));
	end("edge_tun_open");
	if (t.fd < 0) {
		sb_free(&err);
		return;
	}
	test_tun_config(&t);

	begin();
	struct capture *c = capture_open("tun0", &err);
	sb_addf(&path, "%s/dump.pcap", dir);
	CHECK(c && capture_dump_open(c, path.buf, &err) == 0, "%s", sb_str(&err));
	int lfd = listener(8080);
	struct stat st = {0};
	CHECK(lfd >= 0 && fstat(lfd, &st) == 0, "fstat");
	uint8_t syn[64];
	size_t synlen = build(syn, 40000, 8080, 1000, 0, 0x02);
	CHECK(tun_write(&t, syn, synlen, &err) == 0, "%s", sb_str(&err));
	struct seen s = {0};
	if (c)
		wait_for(c, &t, &s, two_packets);
	uint32_t isn = check_handshake(&s, syn, synlen);
	end("edge_handshake");

	begin();
	check_sockdiag(st.st_ino);
	end("edge_sockdiag");

	test_write_file(&s, dir);
	seen_free(&s);

	begin();
	size_t largest = c ? send_data(c, &t, lfd, 40000, 8080, isn) : 0;
	CHECK(largest == MSS, "largest segment %zu bytes, want %d (offloads off)", largest, MSS);
	CHECK(c && capture_dropped(c) == 0, "capture dropped packets");
	end("edge_mss_segments");

	begin();
	test_orphans(&t, isn);
	end("edge_sockdiag_orphans");

	capture_close(c);
	tun_close(&t);
	if (lfd >= 0)
		close(lfd);
	sb_free(&err);
	sb_free(&path);
}

/* The same device re-created with TSO on: the kernel's super-segments are
 * captured whole, as packetdrill sees them. */
static void test_tso(void)
{
	struct sb err = SB_INIT;
	struct tun_cfg cfg;
	struct tun t;
	begin();
	CHECK(if_nametoindex("tun0") == 0, "tun0 still exists after tun_close");
	tun_cfg_default(&cfg);
	cfg.tso = 1;
	CHECK(tun_open(&t, &cfg, &err) == 0, "%s", sb_str(&err));
	struct capture *c = t.fd >= 0 ? capture_open("tun0", &err) : NULL;
	CHECK(c, "%s", sb_str(&err));
	int lfd = listener(8081);
	uint8_t syn[64];
	size_t synlen = build(syn, 40001, 8081, 1000, 0, 0x02);
	struct seen s = {0};
	if (c && lfd >= 0 && tun_write(&t, syn, synlen, &err) == 0)
		wait_for(c, &t, &s, two_packets);
	CHECK(s.n == 2 && s.segs[1].flags == 0x12, "no SYN-ACK (%d packets)", s.n);
	size_t largest = s.n == 2 ? send_data(c, &t, lfd, 40001, 8081, s.segs[1].seq) : 0;
	CHECK(largest > MSS, "largest segment %zu bytes, want more than %d (TSO on)", largest, MSS);
	seen_free(&s);
	end("edge_tso_segments");
	capture_close(c);
	tun_close(&t);
	if (lfd >= 0)
		close(lfd);
	sb_free(&err);
}

/* Counts IPv6 packets: TCP SYNs from the kernel's address, and anything else. */
struct v6_seen {
	int syns, other;
};

static void on_v6_packet(void *user, const struct timespec *ts, const uint8_t *p, size_t len)
{
	struct v6_seen *v = user;
	uint8_t local[16];
	inet_pton(AF_INET6, LOCAL6, local);
	(void)ts;
	if (len >= 60 && p[0] >> 4 == 6 && p[6] == IPPROTO_TCP && !memcmp(p + 8, local, 16) &&
	    (p[40 + 13] & 0x12) == 0x02)
		v->syns++;
	else
		v->other++;
}

static bool v6_syn_state(uint16_t dport)
{
	struct sb err = SB_INIT;
	struct sockdiag *d = sockdiag_open(&err);
	struct sockdiag_sock *socks = NULL;
	size_t n = 0;
	CHECK(d && sockdiag_dump(d, &socks, &n, &err) == 0, "%s", sb_str(&err));
	uint8_t local[16], remote[16];
	inet_pton(AF_INET6, LOCAL6, local);
	inet_pton(AF_INET6, REMOTE6, remote);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= socks[i].family == 6 && socks[i].dport == dport &&
			 socks[i].state == 2 /* TCP_SYN_SENT */ && !memcmp(socks[i].src, local, 16) &&
			 !memcmp(socks[i].dst, remote, 16) && socks[i].inode != 0;
	free(socks);
	sockdiag_close(d);
	sb_free(&err);
	return found;
}

/* IPv6 as packetdrill configures it: the address is usable at once (no
 * DAD), a connect goes out of tun0, and nothing else does. */
static void test_ipv6(void)
{
	struct sb err = SB_INIT;
	struct tun_cfg cfg;
	struct tun t;
	begin();
	tun_cfg_default(&cfg);
	cfg.family = 6;
	cfg.local_ip = LOCAL6;
	cfg.remote_ip = REMOTE6;
	cfg.gateway_ip = "fd3d:0a0b:17d6:8888::1";
	cfg.prefixlen = 48;
	cfg.mtu = 1520;
	CHECK(tun_open(&t, &cfg, &err) == 0, "%s", sb_str(&err));
	struct capture *c = t.fd >= 0 ? capture_open("tun0", &err) : NULL;
	CHECK(c, "%s", sb_str(&err));
	struct sockaddr_in6 a = {.sin6_family = AF_INET6}, r = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, LOCAL6, &a.sin6_addr);
	inet_pton(AF_INET6, REMOTE6, &r.sin6_addr);
	r.sin6_port = htons(8080);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind to %s: %s", LOCAL6,
	      strerror(errno));
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&r, sizeof r) < 0 && errno == EINPROGRESS,
	      "connect: %s", strerror(errno));
	struct v6_seen v = {0, 0};
	for (int i = 0; c && i < 6; i++) {
		poll(&(struct pollfd){capture_fd(c), POLLIN, 0}, 1, 50);
		CHECK(capture_dispatch(c, on_v6_packet, &v, &err) >= 0, "%s", sb_str(&err));
	}
	CHECK(v.syns == 1 && v.other == 0, "%d SYNs and %d other packets, want 1 and 0", v.syns,
	      v.other);
	CHECK(v6_syn_state(8080), "sock_diag shows no IPv6 SYN_SENT socket");
	end("edge_ipv6");
	if (fd >= 0)
		close(fd);
	capture_close(c);
	tun_close(&t);
	sb_free(&err);
}

static unsigned long netns_inode(void)
{
	struct stat st;
	return stat("/proc/self/ns/net", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/* A second sandbox_enter (the shell's `reset`) gives a fresh namespace
 * with lo up and no tun0, in which tun0 can be made again. */
static void test_reset(void)
{
	struct sb err = SB_INIT;
	struct tun_cfg cfg;
	struct tun t;
	begin();
	unsigned long before = netns_inode();
	CHECK(sandbox_enter(&err) == 0, "%s", sb_str(&err));
	CHECK(netns_inode() != before, "still in namespace %lu", before);
	CHECK(link_up("lo") && if_nametoindex("tun0") == 0, "lo down or tun0 present");
	tun_cfg_default(&cfg);
	CHECK(tun_open(&t, &cfg, &err) == 0, "%s", sb_str(&err));
	tun_close(&t);
	end("edge_reset");
	sb_free(&err);
}

/* The child: everything that needs the namespace. Reports its netns inode
 * on report_fd. Exit status 0, 1 (a check failed) or 3 (no namespace). */
static int child(const char *dir, int report_fd)
{
	struct sb err = SB_INIT;
	struct tun_cfg cfg;
	struct tun t;
	tun_cfg_default(&cfg);
	begin();
	CHECK(tun_open(&t, &cfg, &err) < 0 && strstr(sb_str(&err), "refusing"), "%s",
	      sb_str(&err));
	printf("  before the sandbox: %s\n", sb_str(&err));
	sb_reset(&err);
	CHECK(sandbox_sysctl_set("net.ipv4.tcp_sack", "0", &err) < 0, "host sysctl set allowed");
	end("edge_refuse_outside");
	sb_reset(&err);
	if (sandbox_enter(&err) < 0) {
		printf("SKIP edge_sandbox: %s\n", sb_str(&err));
		sb_free(&err);
		return 3;
	}
	unsigned long ino = netns_inode();
	if (write(report_fd, &ino, sizeof ino) != (ssize_t)sizeof ino)
		perror("edge_smoke: report pipe");
	begin();
	CHECK(sandbox_inside(), "sandbox_inside() is false");
	CHECK(link_up("lo"), "lo is down");
	CHECK(if_nametoindex("tun0") == 0, "a tun0 is already here");
	end("edge_sandbox");
	test_sysctl();
	test_handshake(dir);
	test_tso();
	test_ipv6();
	test_reset();
	sb_free(&err);
	return failed_tests ? 1 : 0;
}

/* ---- the host side ---- */

static bool host_has_tun0(void)
{
	return if_nametoindex("tun0") != 0;
}

/* True when some process still has the namespace with this inode. */
static bool netns_in_use(unsigned long ino)
{
	struct sb want = SB_INIT, cmd = SB_INIT;
	sb_addf(&want, "net:[%lu]", ino);
	sb_addf(&cmd, "find /proc/[0-9]*/ns/net /proc/[0-9]*/task/*/ns/net -printf '%%l\\n' "
		      "2>/dev/null | grep -qxF '%s'", want.buf);
	int rc = system(cmd.buf);
	sb_free(&want);
	sb_free(&cmd);
	return rc == 0;
}

/* Runs tcpdump on a pcap file; the output goes into out. */
static int run_tcpdump(const char *path, struct sb *out)
{
	struct sb cmd = SB_INIT;
	sb_addf(&cmd, "tcpdump -n --nano -r '%s' 2>&1", path);
	FILE *f = popen(cmd.buf, "r");
	sb_free(&cmd);
	if (!f)
		return -1;
	char chunk[256];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_addn(out, chunk, n);
	return pclose(f);
}

static void check_pcap_file(const char *name, const char *dir, const char *file)
{
	struct sb path = SB_INIT, out = SB_INIT;
	sb_addf(&path, "%s/%s", dir, file);
	begin();
	uint32_t magic = 0;
	FILE *f = fopen(path.buf, "rb");
	CHECK(f && fread(&magic, sizeof magic, 1, f) == 1 && magic == 0xa1b23c4d,
	      "%s: magic %#x, want nanosecond pcap", path.buf, magic);
	if (f)
		fclose(f);
	int rc = run_tcpdump(path.buf, &out);
	printf("%s", sb_str(&out));
	CHECK(rc == 0, "tcpdump exit %d", rc);
	CHECK(strstr(sb_str(&out), "IP " PEER ".40000 > " KERNEL ".8080: Flags [S], seq 1000, win "
				     "65535, options [mss 1000], length 0"),
	      "no SYN line");
	CHECK(strstr(sb_str(&out), "IP " KERNEL ".8080 > " PEER ".40000: Flags [S.], seq "),
	      "no SYN-ACK line");
	end(name);
	sb_free(&path);
	sb_free(&out);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sb host_sack = SB_INIT, host_wmem = SB_INIT, err = SB_INIT, now = SB_INIT;
	if (sandbox_sysctl_get("net.ipv4.tcp_sack", &host_sack, &err) < 0 ||
	    sandbox_sysctl_get("net.ipv4.tcp_wmem", &host_wmem, &err) < 0) {
		printf("FAIL edge_sysctl_host_read: %s\n", sb_str(&err));
		return 1;
	}
	bool had_tun0 = host_has_tun0();
	unsigned long host_ns = netns_inode();
	char dir[] = "/tmp/edge_smoke.XXXXXX";
	int report[2];
	if (!mkdtemp(dir) || pipe(report) < 0) {
		perror("edge_smoke");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(report[0]);
		_exit(child(dir, report[1]));
	}
	close(report[1]);
	unsigned long child_ns = 0;
	if (read(report[0], &child_ns, sizeof child_ns) != (ssize_t)sizeof child_ns)
		child_ns = 0;
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		printf("FAIL edge_child: did not exit normally\n");
		return 1;
	}
	int code = WEXITSTATUS(status);
	failed_tests = code == 1;

	begin();
	CHECK(sandbox_sysctl_get("net.ipv4.tcp_sack", &now, &err) == 0 &&
		      strcmp(sb_str(&now), sb_str(&host_sack)) == 0,
	      "host tcp_sack was %s, now %s", sb_str(&host_sack), sb_str(&now));
	sb_reset(&now);
	CHECK(sandbox_sysctl_get("net.ipv4.tcp_wmem", &now, &err) == 0 &&
		      strcmp(sb_str(&now), sb_str(&host_wmem)) == 0,
	      "host tcp_wmem was %s, now %s", sb_str(&host_wmem), sb_str(&now));
	CHECK(host_has_tun0() == had_tun0, "the host's tun0 changed");
	if (code != 3) {
		CHECK(child_ns != 0 && child_ns != host_ns, "child netns %lu, host %lu", child_ns,
		      host_ns);
		CHECK(!netns_in_use(child_ns), "namespace net:[%lu] still in use", child_ns);
	}
	end("edge_host_untouched");
	if (code != 3) {
		check_pcap_file("edge_pcap_dump", dir, "dump.pcap");
		check_pcap_file("edge_pcap_write_file", dir, "written.pcap");
	}
	struct sb rm = SB_INIT;
	sb_addf(&rm, "rm -rf '%s'", dir);
	if (system(rm.buf) != 0)
		printf("  could not remove %s\n", dir);
	sb_free(&rm);
	sb_free(&host_sack);
	sb_free(&host_wmem);
	sb_free(&now);
	sb_free(&err);
	return failed_tests ? 1 : code;
}
