/*
 * tun: creates the TUN device through which tcpsh plays the remote peer and
 * configures it over netlink with libnl-route (MTU, link up, the kernel's
 * address, a default route out of it, a noqueue qdisc), with offloads off so
 * the kernel's segments leave at MSS size. Writes injected packets and drains
 * what the kernel sends. Not for reading packets: capture.c sees them, with
 * timestamps. Refuses to run outside the sandbox's private namespace.
 */
#include "tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/route.h>
#include <netlink/route/tc.h>

#include "sandbox.h"
#include "tun_local.h"

/* How long the kernel may take to make a new IPv6 address local: its
 * addrconf workqueue normally does it within a millisecond, but on a loaded
 * machine the worker waits for a CPU. */
#define TUN_LOCAL_WAIT_MS 5000

/* Larger than any packet the device can hand us, TSO super-segments included. */
#define TUN_READ_MAX 65600

void tun_cfg_default(struct tun_cfg *cfg)
{
	cfg->name = "tun0";
	cfg->family = 4;
	cfg->local_ip = "192.168.0.1";
	cfg->remote_ip = "192.0.2.1";
	cfg->gateway_ip = "192.168.0.1";
	cfg->prefixlen = 16;
	cfg->mtu = 1500;
	cfg->tso = 0;
}

static int af_of(const struct tun_cfg *cfg)
{
	return cfg->family == 6 ? AF_INET6 : AF_INET;
}

static int check_cfg(const struct tun_cfg *cfg, struct sb *err)
{
	unsigned char bin[16];
	int maxlen = cfg->family == 6 ? 128 : 32;
	if (strlen(cfg->name) >= IFNAMSIZ)
		sb_addf(err, "%s: device name longer than %d characters", cfg->name, IFNAMSIZ - 1);
	else if (cfg->family != 4 && cfg->family != 6)
		sb_addf(err, "%s: family must be 4 or 6, not %d", cfg->name, cfg->family);
	else if (inet_pton(af_of(cfg), cfg->local_ip, bin) != 1)
		sb_addf(err, "%s: '%s' is not an IPv%d address", cfg->name, cfg->local_ip, cfg->family);
	else if (inet_pton(af_of(cfg), cfg->remote_ip, bin) != 1)
		sb_addf(err, "%s: '%s' is not an IPv%d address", cfg->name, cfg->remote_ip, cfg->family);
	else if (cfg->prefixlen < 1 || cfg->prefixlen > maxlen)
		sb_addf(err, "%s: prefix length %d out of range 1..%d", cfg->name, cfg->prefixlen, maxlen);
	else if (cfg->mtu < (cfg->family == 6 ? 1280 : 68) || cfg->mtu > 65535)
		sb_addf(err, "%s: MTU %d out of range for IPv%d", cfg->name, cfg->mtu, cfg->family);
	else
		return 0;
	return -1;
}

/* Creates the device (it lives as long as the descriptor) and sets its
 * offloads: none by default, so TCP's GSO segments are cut to MSS size
 * before they reach the device and its packet taps. */
static int create_device(struct tun *t, const struct tun_cfg *cfg, struct sb *err)
{
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		sb_addf(err, "%s: /dev/net/tun: %s", cfg->name, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, cfg->name, strlen(cfg->name));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		sb_addf(err, "%s: TUNSETIFF: %s", cfg->name, strerror(errno));
		return -1;
	}
	memcpy(t->name, ifr.ifr_name, sizeof t->name - 1);
	t->name[sizeof t->name - 1] = '\0';
	unsigned long offload = cfg->tso ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN : 0;
	if (ioctl(t->fd, TUNSETOFFLOAD, offload) < 0) {
		sb_addf(err, "%s: TUNSETOFFLOAD: %s", t->name, strerror(errno));
		return -1;
	}
	/* Closing a non-persistent TUN fd unregisters the device synchronously
	 * (20-30 ms at exit); a persistent one is removed with the namespace,
	 * in the background. Only ever inside tcpsh's own namespace. */
	if (sandbox_inside() && ioctl(t->fd, TUNSETPERSIST, 1) < 0) {
		sb_addf(err, "%s: TUNSETPERSIST: %s", t->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Turns generic segmentation offload off too (TUNSETOFFLOAD leaves it on), so
 * the device advertises no segmentation at all; the ethtool ioctl, because
 * rtnetlink has no message for device features. */
static int gso_off(const struct tun *t, struct sb *err)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		sb_addf(err, "%s: socket for SIOCETHTOOL: %s", t->name, strerror(errno));
		return -1;
	}
	struct ethtool_value ev = {.cmd = ETHTOOL_SGSO, .data = 0};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, t->name, sizeof t->name);
	ifr.ifr_data = (char *)&ev;
	int rc = ioctl(s, SIOCETHTOOL, &ifr);
	if (rc < 0)
		sb_addf(err, "%s: SIOCETHTOOL ETHTOOL_SGSO: %s", t->name, strerror(errno));
	close(s);
	return rc < 0 ? -1 : 0;
}

/* Sets the MTU; with IPv6 present, also stops the kernel from making a
 * link-local address, whose router solicitations would be stray packets in
 * every capture. Done while the link is down: the kernel applies the mode
 * after the flags within one request, too late for the link-local address. */
static int set_mtu(struct nl_sock *sk, struct rtnl_link *link, const struct tun_cfg *cfg)
{
	struct rtnl_link *change = rtnl_link_alloc();
	if (!change)
		return -NLE_NOMEM;
	rtnl_link_set_mtu(change, (unsigned)cfg->mtu);
	int e = 0;
	if (access("/proc/sys/net/ipv6", F_OK) == 0)
		e = rtnl_link_inet6_set_addr_gen_mode(change, IN6_ADDR_GEN_MODE_NONE);
	if (e == 0)
		e = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	return e;
}

static int set_up(struct nl_sock *sk, struct rtnl_link *link)
{
	struct rtnl_link *change = rtnl_link_alloc();
	if (!change)
		return -NLE_NOMEM;
	rtnl_link_set_flags(change, IFF_UP);
	int e = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	return e;
}

/* Replaces the device's default qdisc with noqueue, so a segment reaches the
 * device (and the capture) in the call that sends it, never held back or
 * paced by a queue. */
static int set_noqueue(struct nl_sock *sk, const struct tun *t, struct sb *err)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int e = q ? 0 : -NLE_NOMEM;
	if (e == 0) {
		rtnl_tc_set_ifindex(TC_CAST(q), t->ifindex);
		rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
		e = rtnl_tc_set_kind(TC_CAST(q), "noqueue");
	}
	if (e == 0)
		e = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	if (e < 0)
		sb_addf(err, "%s: cannot set the noqueue qdisc: %s", t->name, nl_geterror(e));
	rtnl_qdisc_put(q);
	return e < 0 ? -1 : 0;
}

/* MTU, qdisc, then up: the qdisc is replaced while the link is down, because
 * on a running device the kernel deactivates it first and waits for an RCU
 * grace period (dev_deactivate), about a millisecond of every start. */
static int link_up(struct nl_sock *sk, struct tun *t, const struct tun_cfg *cfg, struct sb *err)
{
	struct rtnl_link *link = NULL;
	int e = rtnl_link_get_kernel(sk, 0, t->name, &link);
	if (e == 0) {
		t->ifindex = rtnl_link_get_ifindex(link);
		e = set_mtu(sk, link, cfg);
	}
	if (e < 0)
		sb_addf(err, "%s: cannot set MTU %d: %s", t->name, cfg->mtu, nl_geterror(e));
	else if (set_noqueue(sk, t, err) < 0)
		e = -1;
	else if ((e = set_up(sk, link)) < 0)
		sb_addf(err, "%s: cannot bring the link up: %s", t->name, nl_geterror(e));
	rtnl_link_put(link);
	return e < 0 ? -1 : 0;
}

/* Adds the kernel's address; IPv6 without duplicate address detection, so it
 * is never tentative. Even so an IPv6 address is not usable when the request
 * returns: the kernel adds its local route later (configure waits for it). */
static int add_address(struct nl_sock *sk, const struct tun *t, const struct tun_cfg *cfg,
		       struct sb *err)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int e = addr ? nl_addr_parse(cfg->local_ip, af_of(cfg), &local) : -NLE_NOMEM;
	if (e == 0) {
		nl_addr_set_prefixlen(local, cfg->prefixlen);
		rtnl_addr_set_ifindex(addr, t->ifindex);
		e = rtnl_addr_set_local(addr, local);
	}
	if (e == 0) {
		if (cfg->family == 6)
			rtnl_addr_set_flags(addr, IFA_F_NODAD);
		e = rtnl_addr_add(sk, addr, 0);
	}
	if (e < 0)
		sb_addf(err, "%s: cannot add address %s/%d: %s", t->name, cfg->local_ip,
			cfg->prefixlen, nl_geterror(e));
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return e < 0 ? -1 : 0;
}

/* Routes everything not local out of the device: the peer may answer from
 * any address, and nothing else lives in the namespace. A point-to-point
 * device needs no next hop, so cfg->gateway_ip does not change a packet. */
static int add_default_route(struct nl_sock *sk, const struct tun *t, const struct tun_cfg *cfg,
			     struct sb *err)
{
	static const unsigned char any[16];
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(af_of(cfg), any, cfg->family == 6 ? 16 : 4);
	int e = route && nh && dst ? 0 : -NLE_NOMEM;
	if (e == 0) {
		nl_addr_set_prefixlen(dst, 0);
		rtnl_route_set_family(route, (uint8_t)af_of(cfg));
		rtnl_route_set_table(route, RT_TABLE_MAIN);
		rtnl_route_set_scope(route, RT_SCOPE_LINK);
		e = rtnl_route_set_dst(route, dst);
	}
	if (e == 0) {
		rtnl_route_nh_set_ifindex(nh, t->ifindex);
		rtnl_route_add_nexthop(route, nh);
		nh = NULL; /* the route owns it now */
		e = rtnl_route_add(sk, route, NLM_F_EXCL);
	}
	if (e < 0)
		sb_addf(err, "%s: cannot add a default route through the device: %s", t->name,
			nl_geterror(e));
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	rtnl_route_put(route);
	return e < 0 ? -1 : 0;
}

static int configure(struct tun *t, const struct tun_cfg *cfg, struct sb *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int e = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (e < 0) {
		sb_addf(err, "%s: netlink route socket: %s", t->name, nl_geterror(e));
		nl_socket_free(sk);
		return -1;
	}
	/* IPv6: watched from before the address exists, so that the change
	 * that makes it local cannot slip by unseen. */
	struct tun_local *watch = NULL;
	int rc = 0;
	if (cfg->family == 6 && !(watch = tun_local_watch(t->name, err)))
		rc = -1;
	if (rc == 0)
		rc = link_up(sk, t, cfg, err);
	if (rc == 0)
		rc = add_address(sk, t, cfg, err);
	if (rc == 0)
		rc = add_default_route(sk, t, cfg, err);
	/* Until then a packet to the address is taken for one to forward and
	 * dropped (Ip6InAddrErrors): a script's first SYN went unanswered. */
	if (rc == 0 && watch)
		rc = tun_local_wait(watch, cfg->local_ip, TUN_LOCAL_WAIT_MS, err);
	tun_local_free(watch);
	nl_socket_free(sk);
	return rc;
}

int tun_open(struct tun *t, const struct tun_cfg *cfg, struct sb *err)
{
	t->fd = -1;
	t->ifindex = 0;
	t->name[0] = '\0';
	if (!sandbox_inside()) {
		sb_addf(err, "%s: refusing to create it outside tcpsh's private network namespace",
			cfg->name);
		return -1;
	}
	if (check_cfg(cfg, err) < 0 || create_device(t, cfg, err) < 0 ||
	    (!cfg->tso && gso_off(t, err) < 0) || configure(t, cfg, err) < 0) {
		tun_close(t);
		return -1;
	}
	return 0;
}

int tun_write(struct tun *t, const void *bytes, size_t len, struct sb *err)
{
	ssize_t n;
	do
		n = write(t->fd, bytes, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		sb_addf(err, "%s: write of a %zu-byte packet: %s", t->name, len, strerror(errno));
		return -1;
	}
	if ((size_t)n != len) {
		sb_addf(err, "%s: short write: %zd of %zu bytes", t->name, n, len);
		return -1;
	}
	return 0;
}

int tun_drain(struct tun *t)
{
	unsigned char *buf = xmalloc(TUN_READ_MAX);
	int count = 0;
	for (;;) {
		ssize_t n = read(t->fd, buf, TUN_READ_MAX);
		if (n > 0)
			count++;
		else if (n == 0 || errno != EINTR)
			break; /* EAGAIN: empty; anything else: nothing more to read */
	}
	free(buf);
	return count;
}

void tun_close(struct tun *t)
{
	if (t->fd >= 0) {
		ioctl(t->fd, TUNSETPERSIST, 0); /* so that close removes the device */
		close(t->fd);
	}
	t->fd = -1;
	t->ifindex = 0;
}

void tun_release(struct tun *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->ifindex = 0;
}
