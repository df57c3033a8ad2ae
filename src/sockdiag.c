/*
 * sockdiag: lists every TCP socket of the namespace as the kernel sees it,
 * over NETLINK_INET_DIAG with libnl-idiag: listeners, connections with and
 * without a file descriptor, SYN_RECV request sockets and TIME_WAIT sockets.
 * One sock_diag dump request per address family (libnl-idiag's cache sends
 * the old, family-blind request), each reply parsed by idiagnl_msg_parse.
 * tcp_info comes from the socket itself when an fd holds it; here only for
 * sockets without one (sockdiag_tcpinfo).
 */
#include "sockdiag.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>

/* Every state from TCP_ESTABLISHED (1) to TCP_NEW_SYN_RECV (12). */
#define ALL_STATES 0x1ffeu

struct sockdiag {
	struct nl_sock *sk;
};

/* What the reply callback fills while a dump is read. */
struct collect {
	struct sockdiag_sock *socks;
	size_t n, cap;
	int parse_err; /* first libnl error parsing a reply, or 0 */
};

struct sockdiag *sockdiag_open(struct sb *err)
{
	struct sockdiag *d = xcalloc(1, sizeof *d);
	d->sk = nl_socket_alloc();
	int e = d->sk ? idiagnl_connect(d->sk) : -NLE_NOMEM;
	if (e < 0) {
		sb_addf(err, "sock_diag: cannot open a NETLINK_INET_DIAG socket: %s", nl_geterror(e));
		sockdiag_close(d);
		return NULL;
	}
	nl_socket_enable_msg_peek(d->sk); /* replies may exceed a page */
	return d;
}

void sockdiag_close(struct sockdiag *d)
{
	if (!d)
		return;
	nl_socket_free(d->sk);
	free(d);
}

/* Copies an address out of a parsed message: 4 bytes for IPv4, 16 for IPv6. */
static void copy_addr(uint8_t out[16], struct nl_addr *a, int family)
{
	memset(out, 0, 16);
	if (!a)
		return;
	size_t want = family == 4 ? 4 : 16;
	size_t have = nl_addr_get_len(a);
	memcpy(out, nl_addr_get_binary_addr(a), have < want ? have : want);
}

static void fill(struct sockdiag_sock *s, struct idiagnl_msg *m)
{
	s->family = idiagnl_msg_get_family(m) == AF_INET6 ? 6 : 4;
	copy_addr(s->src, idiagnl_msg_get_src(m), s->family);
	copy_addr(s->dst, idiagnl_msg_get_dst(m), s->family);
	s->sport = ntohs(idiagnl_msg_get_sport(m)); /* libnl keeps the wire order */
	s->dport = ntohs(idiagnl_msg_get_dport(m));
	s->state = idiagnl_msg_get_state(m);
	s->inode = idiagnl_msg_get_inode(m);
	s->rqueue = idiagnl_msg_get_rqueue(m);
	s->wqueue = idiagnl_msg_get_wqueue(m);
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;
	struct idiagnl_msg *m = NULL;
	int e = idiagnl_msg_parse(nlmsg_hdr(msg), &m);
	if (e < 0) {
		if (!c->parse_err)
			c->parse_err = e;
		return NL_SKIP; /* read on to the end of the dump all the same */
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->socks = xrealloc(c->socks, c->cap * sizeof *c->socks);
	}
	fill(&c->socks[c->n++], m);
	idiagnl_msg_put(m);
	return NL_OK;
}

/* Sends one dump request for TCP sockets of family af in every state and
 * reads the replies into c. 0 or a negative libnl error. */
static int dump_family(struct sockdiag *d, int af, struct collect *c)
{
	struct inet_diag_req_v2 req;
	memset(&req, 0, sizeof req);
	req.sdiag_family = (uint8_t)af;
	req.sdiag_protocol = IPPROTO_TCP;
	req.idiag_states = ALL_STATES;
	int e = nl_send_simple(d->sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof req);
	if (e < 0)
		return e;
	e = nl_socket_modify_cb(d->sk, NL_CB_VALID, NL_CB_CUSTOM, on_reply, c);
	return e < 0 ? e : nl_recvmsgs_default(d->sk);
}

int sockdiag_dump(struct sockdiag *d, struct sockdiag_sock **out, size_t *n, struct sb *err)
{
	struct collect c = {NULL, 0, 0, 0};
	int e = dump_family(d, AF_INET, &c);
	if (e >= 0)
		e = dump_family(d, AF_INET6, &c);
	if (e >= 0 && c.parse_err)
		e = c.parse_err;
	if (e < 0) {
		sb_addf(err, "sock_diag: TCP socket dump failed: %s", nl_geterror(e));
		free(c.socks);
		return -1;
	}
	*out = c.socks;
	*n = c.n;
	return 0;
}

/* What the tcp_info callback looks for and finds. */
struct info_find {
	int family;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	void *buf;
	size_t cap, len;
	int found; /* 0 not seen, 1 seen without tcp_info, 2 with */
};

static int on_info_reply(struct nl_msg *msg, void *arg)
{
	struct info_find *f = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	if (f->found == 2 || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return NL_OK;
	const struct inet_diag_msg *m = nlmsg_data(nlh);
	size_t al = f->family == 6 ? 16 : 4;
	if (ntohs(m->id.idiag_sport) != f->sport || ntohs(m->id.idiag_dport) != f->dport ||
	    memcmp(m->id.idiag_src, f->src, al) || memcmp(m->id.idiag_dst, f->dst, al))
		return NL_OK;
	struct nlattr *a = nlmsg_find_attr(nlh, sizeof(*m), INET_DIAG_INFO);
	if (!a) {
		f->found = 1;
		return NL_OK;
	}
	size_t n = (size_t)nla_len(a);
	f->len = n < f->cap ? n : f->cap;
	memcpy(f->buf, nla_data(a), f->len);
	f->found = 2;
	return NL_OK;
}

int sockdiag_tcpinfo(struct sockdiag *d, int family, const uint8_t *src, uint16_t sport, const uint8_t *dst,
		     uint16_t dport, void *buf, size_t cap, size_t *len, struct sb *err)
{
	struct info_find f = {family, src, dst, sport, dport, buf, cap, 0, 0};
	struct inet_diag_req_v2 req;
	memset(&req, 0, sizeof req);
	req.sdiag_family = family == 6 ? AF_INET6 : AF_INET;
	req.sdiag_protocol = IPPROTO_TCP;
	req.idiag_states = ALL_STATES;
	req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
	int e = nl_send_simple(d->sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof req);
	if (e >= 0)
		e = nl_socket_modify_cb(d->sk, NL_CB_VALID, NL_CB_CUSTOM, on_info_reply, &f);
	if (e >= 0)
		e = nl_recvmsgs_default(d->sk);
	if (e < 0) {
		sb_addf(err, "sock_diag: tcp_info request failed: %s", nl_geterror(e));
		return -1;
	}
	*len = f.len;
	return f.found == 2 ? 0 : f.found == 1 ? 1 : 2;
}

const char *sockdiag_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTABLISHED",
		[TCP_SYN_SENT] = "SYN_SENT",
		[TCP_SYN_RECV] = "SYN_RECV",
		[TCP_FIN_WAIT1] = "FIN_WAIT1",
		[TCP_FIN_WAIT2] = "FIN_WAIT2",
		[TCP_TIME_WAIT] = "TIME_WAIT",
		[TCP_CLOSE] = "CLOSE",
		[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[TCP_LAST_ACK] = "LAST_ACK",
		[TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
		[12] = "NEW_SYN_RECV", /* request sockets; the kernel reports them as SYN_RECV */
	};
	if (state < 0 || (size_t)state >= sizeof names / sizeof names[0] || !names[state])
		return "UNKNOWN";
	return names[state];
}
