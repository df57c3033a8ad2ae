/*
 * shellcmd_net: the native forms of the network tools packetdrill's scripts
 * call (ip tcp_metrics flush, tc qdisc, ethtool -K, ip route change), done
 * over netlink and ioctls on the current network namespace, with no
 * subprocess. Each takes a step shellcmd_parse.c already validated and put in
 * canonical order, and fails as the tool would: an exit status and one line.
 * Not for anything outside the namespace; shellcmd_run.c checks we are in it.
 */
#include "shellcmd.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/tcp_metrics.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

/* ip and tc exit with 2 when the kernel refuses, 1 for a missing device. */
#define TOOL_FAILED 2
#define NO_DEVICE 1

static void add_words(struct sb *diag, char *const *argv, size_t argc)
{
	for (size_t i = 0; i < argc; i++)
		sb_addf(diag, "%s%s", i ? " " : "", argv[i]);
}

static int no_device(const char *dev, char *const *argv, size_t argc, struct sb *diag)
{
	add_words(diag, argv, argc);
	sb_addf(diag, ": no device %s in tcpsh's namespace", dev);
	return NO_DEVICE;
}

/* Keeps the errno of a netlink error message, which libnl's own error
 * codes blur ("Unspecific failure"), so that messages say what ip says. */
static int keep_errno(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	*(int *)arg = -e->error;
	return NL_STOP;
}

/* Why a request failed: the kernel's errno when it sent one, else libnl's. */
static const char *failure(int e, int sys)
{
	return sys > 0 ? strerror(sys) : nl_geterror(e);
}

/* A netlink socket of the protocol, connected, whose requests leave the
 * kernel's errno in *sys; NULL with diag. */
static struct nl_sock *nl_open(int protocol, const char *what, int *sys, struct sb *diag)
{
	struct nl_sock *sk = nl_socket_alloc();
	*sys = 0;
	int e = sk ? nl_connect(sk, protocol) : -NLE_NOMEM;
	if (e == 0)
		e = nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, keep_errno, sys);
	if (e < 0) {
		sb_addf(diag, "%s: cannot open a netlink socket: %s", what, nl_geterror(e));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* ---- ip tcp_metrics flush all: TCP_METRICS_CMD_DEL with no address ---- */

static int family_id_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL) == 0 &&
	    tb[CTRL_ATTR_FAMILY_ID])
		*(int *)arg = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return NL_OK;
}

/* A generic netlink request of family (a number) and command; NULL when
 * out of memory. */
static struct nl_msg *genl_request(int family, uint8_t cmd, uint8_t version)
{
	struct nl_msg *msg = nlmsg_alloc_simple(family, 0);
	struct genlmsghdr hdr = {.cmd = cmd, .version = version};
	if (msg && nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* The number of the generic netlink family name, or a negative libnl error
 * (-NLE_OBJ_NOTFOUND when the kernel has no such family). */
static int genl_family(struct nl_sock *sk, const char *name)
{
	int id = -NLE_OBJ_NOTFOUND;
	struct nl_msg *msg = genl_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	if (!msg || nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	int e = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, family_id_cb, &id);
	if (e == 0)
		e = nl_send_sync(sk, msg); /* frees msg */
	else
		nlmsg_free(msg);
	return e < 0 ? e : id;
}

int shellcmd_net_metrics_flush(struct sb *diag)
{
	const char *what = "ip tcp_metrics flush all";
	int sys;
	struct nl_sock *sk = nl_open(NETLINK_GENERIC, what, &sys, diag);
	if (!sk)
		return TOOL_FAILED;
	int e = genl_family(sk, TCP_METRICS_GENL_NAME);
	if (e >= 0) {
		struct nl_msg *msg = genl_request(e, TCP_METRICS_CMD_DEL, TCP_METRICS_GENL_VERSION);
		e = msg ? nl_send_sync(sk, msg) : -NLE_NOMEM;
	}
	nl_socket_free(sk);
	if (e == -NLE_OBJ_NOTFOUND || sys == ENOENT)
		sb_addf(diag, "%s: this kernel keeps no TCP metrics", what);
	else if (e < 0)
		sb_addf(diag, "%s: %s", what, failure(e, sys));
	return e < 0 ? TOOL_FAILED : 0;
}

/* ---- tc qdisc VERB dev DEV root [KIND [limit N]] ---- */

/* The request tc sends: no options but a fifo's limit, so the kernel's
 * defaults apply as they do for tc (libnl's qdisc objects insist on some). */
static struct nl_msg *qdisc_request(const char *verb, unsigned ifindex, const char *kind,
				    const char *limit)
{
	bool del = strcmp(verb, "del") == 0;
	int flags = strcmp(verb, "add") == 0	   ? NLM_F_CREATE | NLM_F_EXCL
		    : strcmp(verb, "replace") == 0 ? NLM_F_CREATE | NLM_F_REPLACE
						   : 0;
	struct nl_msg *msg = nlmsg_alloc_simple(del ? RTM_DELQDISC : RTM_NEWQDISC, flags);
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC, .tcm_ifindex = (int)ifindex, .tcm_parent = TC_H_ROOT};
	int e = msg ? nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) : -NLE_NOMEM;
	if (e == 0 && kind)
		e = nla_put_string(msg, TCA_KIND, kind);
	if (e == 0 && limit) {
		struct tc_fifo_qopt opt = {.limit = (uint32_t)strtoul(limit, NULL, 10)};
		e = nla_put(msg, TCA_OPTIONS, sizeof(opt), &opt);
	}
	if (e < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int shellcmd_net_qdisc(char *const *argv, size_t argc, struct sb *diag)
{
	const char *dev = argv[4];
	unsigned ifindex = if_nametoindex(dev);
	if (ifindex == 0)
		return no_device(dev, argv, argc, diag);
	int sys;
	struct nl_sock *sk = nl_open(NETLINK_ROUTE, "tc qdisc", &sys, diag);
	if (!sk)
		return TOOL_FAILED;
	struct nl_msg *msg = qdisc_request(argv[2], ifindex, argc > 6 ? argv[6] : NULL,
					   argc > 8 ? argv[8] : NULL);
	int e = msg ? nl_send_sync(sk, msg) : -NLE_NOMEM; /* frees msg */
	if (e < 0) {
		add_words(diag, argv, argc);
		sb_addf(diag, ": %s",
			sys == ENOENT && argc > 6
				? "the kernel has no such qdisc, or no such root qdisc to change"
				: failure(e, sys));
	}
	nl_socket_free(sk);
	return e < 0 ? TOOL_FAILED : 0;
}

/* ---- ethtool -K DEV FEATURE on|off ... (the per-feature ioctls) ---- */

static uint32_t ethtool_cmd(const char *feature)
{
	static const struct {
		const char *name;
		uint32_t cmd;
	} cmds[] = {
		{"tso", ETHTOOL_STSO}, {"gso", ETHTOOL_SGSO},	{"gro", ETHTOOL_SGRO},
		{"sg", ETHTOOL_SSG},   {"tx", ETHTOOL_STXCSUM}, {"rx", ETHTOOL_SRXCSUM},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(feature, cmds[i].name) == 0)
			return cmds[i].cmd;
	return 0;
}

int shellcmd_net_ethtool(char *const *argv, size_t argc, struct sb *diag)
{
	const char *dev = argv[2];
	if (if_nametoindex(dev) == 0)
		return no_device(dev, argv, argc, diag);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		sb_addf(diag, "ethtool -K %s: socket: %s", dev, strerror(errno));
		return 1;
	}
	int status = 0;
	for (size_t i = 3; i + 1 < argc; i += 2) {
		struct ethtool_value ev = {.cmd = ethtool_cmd(argv[i]),
					   .data = strcmp(argv[i + 1], "on") == 0};
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, dev,
		       strlen(dev)); /* shorter than IFNAMSIZ: checked by the parser */
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
			sb_addf(diag, "%sethtool -K %s %s %s: %s", status ? "; " : "", dev, argv[i],
				argv[i + 1], strerror(errno));
			status = 1;
		}
	}
	(void)close(fd);
	return status;
}

/* ---- ip -4|-6 route change|replace DST [via GW] dev DEV [METRIC [lock] N]... ---- */

/* Sets the metrics from argv[i] on; 0 or a libnl error. */
static int route_metrics(struct rtnl_route *r, char *const *argv, size_t argc, size_t i)
{
	unsigned locks = 0;
	int e = 0;
	while (e == 0 && i < argc) {
		int m = shellcmd_route_metric(argv[i++]);
		if (strcmp(argv[i], "lock") == 0) {
			locks |= 1u << m;
			i++;
		}
		e = rtnl_route_set_metric(r, m, (unsigned)strtoul(argv[i++], NULL, 10));
	}
	if (e == 0 && locks)
		e = rtnl_route_set_metric(r, RTAX_LOCK, locks);
	return e;
}

/* Fills r from the canonical words; 0 or a libnl error. */
static int route_build(struct rtnl_route *r, char *const *argv, size_t argc, int af,
		       unsigned ifindex)
{
	struct nl_addr *dst = NULL, *gw = NULL;
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	bool via = strcmp(argv[5], "via") == 0;
	int e = nh ? nl_addr_parse(argv[4], af, &dst) : -NLE_NOMEM;
	if (e == 0 && via)
		e = nl_addr_parse(argv[6], af, &gw);
	if (e == 0) {
		rtnl_route_set_family(r, (uint8_t)af);
		rtnl_route_set_table(r, RT_TABLE_MAIN);
		rtnl_route_set_protocol(r, RTPROT_BOOT);
		rtnl_route_set_scope(r, via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
		rtnl_route_set_type(r, RTN_UNICAST);
		e = rtnl_route_set_dst(r, dst);
	}
	if (e == 0) {
		rtnl_route_nh_set_ifindex(nh, (int)ifindex);
		if (gw)
			rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(r, nh); /* the route owns it now */
		nh = NULL;
		e = route_metrics(r, argv, argc, via ? 9 : 7);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(gw);
	return e;
}

int shellcmd_net_route(char *const *argv, size_t argc, struct sb *diag)
{
	int af = strcmp(argv[1], "-6") == 0 ? AF_INET6 : AF_INET;
	size_t devi = strcmp(argv[5], "via") == 0 ? 8 : 6;
	unsigned ifindex = if_nametoindex(argv[devi]);
	if (ifindex == 0)
		return no_device(argv[devi], argv, argc, diag);
	int sys;
	struct nl_sock *sk = nl_open(NETLINK_ROUTE, "ip route", &sys, diag);
	if (!sk)
		return TOOL_FAILED;
	struct rtnl_route *r = rtnl_route_alloc();
	int e = r ? route_build(r, argv, argc, af, ifindex) : -NLE_NOMEM;
	/* change and replace both replace: tcpsh's tun0 has no per-peer route
	 * for a script to change, as packetdrill's has, so one is made. */
	if (e == 0)
		e = rtnl_route_add(sk, r, NLM_F_REPLACE);
	if (e < 0) {
		add_words(diag, argv, argc);
		sb_addf(diag, ": %s", failure(e, sys));
	}
	rtnl_route_put(r);
	nl_socket_free(sk);
	return e < 0 ? TOOL_FAILED : 0;
}
