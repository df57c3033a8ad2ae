/*
 * tun_local: waits until the kernel has installed the local route of a new
 * IPv6 address (see tun_local.h for why adding the address is not enough).
 * Route notifications only wake the wait; a dump of the routing tables
 * decides, so a notification lost to a full socket buffer costs nothing.
 */
#include "tun_local.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>

struct tun_local {
	struct nl_sock *events; /* subscribed to RTNLGRP_IPV6_ROUTE */
	struct nl_sock *query;  /* for the dumps */
	const char *ifname;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct tun_local *tun_local_watch(const char *ifname, struct sb *err)
{
	struct tun_local *w = xcalloc(1, sizeof *w);
	w->ifname = ifname;
	w->events = nl_socket_alloc();
	w->query = nl_socket_alloc();
	int e = w->events && w->query ? 0 : -NLE_NOMEM;
	if (e == 0) {
		/* Notifications carry no sequence numbers of ours. */
		nl_socket_disable_seq_check(w->events);
		e = nl_connect(w->events, NETLINK_ROUTE);
	}
	if (e == 0)
		e = nl_socket_add_membership(w->events, RTNLGRP_IPV6_ROUTE);
	if (e == 0)
		e = nl_socket_set_nonblocking(w->events);
	if (e == 0)
		e = nl_connect(w->query, NETLINK_ROUTE);
	if (e < 0) {
		sb_addf(err, "%s: netlink socket to watch IPv6 routes: %s", ifname, nl_geterror(e));
		tun_local_free(w);
		return NULL;
	}
	return w;
}

/* 1 when the local table holds a local route for want, 0 if not, <0 on error. */
static int local_route_present(struct tun_local *w, struct nl_addr *want)
{
	struct nl_cache *cache = NULL;
	int e = rtnl_route_alloc_cache(w->query, AF_INET6, 0, &cache);
	if (e < 0)
		return e;
	int found = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		found = rtnl_route_get_table(r) == RT_TABLE_LOCAL &&
			rtnl_route_get_type(r) == RTN_LOCAL && dst && nl_addr_cmp(dst, want) == 0;
	}
	nl_cache_free(cache);
	return found;
}

/* Reads and discards the notifications that woke us: what they say is
 * re-read from the dump. ENOBUFS (some were lost) is as good as a wake-up. */
static void drain_events(struct tun_local *w)
{
	char buf[8192];
	int fd = nl_socket_get_fd(w->events);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0 && !(n < 0 && (errno == EINTR || errno == ENOBUFS)))
			break; /* EAGAIN: all read */
	}
}

int tun_local_wait(struct tun_local *w, const char *ip, int timeout_ms, struct sb *err)
{
	struct nl_addr *want = NULL;
	int e = nl_addr_parse(ip, AF_INET6, &want);
	if (e < 0) {
		sb_addf(err, "%s: '%s' is not an IPv6 address: %s", w->ifname, ip, nl_geterror(e));
		return -1;
	}
	nl_addr_set_prefixlen(want, 128);
	long long deadline = now_ms() + timeout_ms;
	int found;
	for (;;) {
		found = local_route_present(w, want);
		if (found != 0)
			break;
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd p = {.fd = nl_socket_get_fd(w->events), .events = POLLIN};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
			sb_addf(err, "%s: waiting for the local route of %s: poll: %s", w->ifname, ip,
				strerror(errno));
			nl_addr_put(want);
			return -1;
		}
		drain_events(w);
	}
	nl_addr_put(want);
	if (found < 0)
		sb_addf(err, "%s: cannot read the IPv6 routes to find the local route of %s: %s",
			w->ifname, ip, nl_geterror(found));
	else if (found == 0)
		sb_addf(err, "%s: the kernel did not make %s a local address within %d ms "
			     "(no local route for it in table local)", w->ifname, ip, timeout_ms);
	return found == 1 ? 0 : -1;
}

void tun_local_free(struct tun_local *w)
{
	if (!w)
		return;
	nl_socket_free(w->events); /* closes the socket too */
	nl_socket_free(w->query);
	free(w);
}
