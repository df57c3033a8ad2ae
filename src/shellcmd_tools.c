/*
 * shellcmd_tools: the network tools a backquoted command may call natively,
 * as shellcmd_parse.c's classifiers: `tc qdisc` on a root qdisc, `ip
 * tcp_metrics flush all`, `ip route change|replace` with metrics, `ethtool
 * -K`. Validates each and puts its words in the canonical order
 * shellcmd_net.c reads; anything else of these tools is refused with the
 * form tcpsh does understand. Pure: no I/O.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shellcmd_parse.h"

#define IP_ONLY                                                                                    \
	"tcpsh runs only `ip tcp_metrics flush all` and `ip route change|replace DST via GW "      \
	"dev DEV [METRIC [lock] N]...` itself"
#define TC_ONLY                                                                                    \
	"tcpsh runs only `tc qdisc add|replace|change|del dev DEV root [KIND [limit N]]` itself"
#define ETHTOOL_ONLY                                                                               \
	"tcpsh runs only `ethtool -K DEV FEATURE on|off...` (tso gso gro sg tx rx) itself"

static bool is_dev_name(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n < 16 && strcspn(name, "/: \t\n") == n && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

/* A decimal number that fits in 32 bits. */
static bool is_u32(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || strlen(s) > 10)
		return false;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	return strtoull(s, NULL, 10) <= UINT32_MAX;
}

int shellcmd_route_metric(const char *name)
{
	static const struct {
		const char *name;
		int rtax;
	} metrics[] = {
		{"mtu", RTAX_MTU},	     {"advmss", RTAX_ADVMSS},
		{"initcwnd", RTAX_INITCWND}, {"initrwnd", RTAX_INITRWND},
		{"window", RTAX_WINDOW},     {"ssthresh", RTAX_SSTHRESH},
		{"cwnd", RTAX_CWND},	     {"reordering", RTAX_REORDERING},
		{"hoplimit", RTAX_HOPLIMIT}, {"quickack", RTAX_QUICKACK},
	};
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strcmp(name, metrics[i].name) == 0)
			return metrics[i].rtax;
	return -1;
}

/* ADDR or ADDR/LEN of the family (4 or 6; 0: either, *family set). */
static bool is_prefix(const char *s, int *family)
{
	const char *slash = strchr(s, '/');
	char *addr = slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
	unsigned char buf[16];
	int fam = strchr(addr, ':') ? 6 : 4;
	bool ok = (*family == 0 || *family == fam) &&
		  inet_pton(fam == 6 ? AF_INET6 : AF_INET, addr, buf) == 1;
	free(addr);
	if (ok && slash)
		ok = is_u32(slash + 1) && strtoul(slash + 1, NULL, 10) <= (fam == 6 ? 128u : 32u);
	if (ok)
		*family = fam;
	return ok;
}

/* Appends the canonical words of a route after "ip -4|-6 route VERB". */
static void route_words(struct shellcmd_strv *v, int family, const char *dst, const char *via,
			const char *dev, const struct shellcmd_strv *metrics)
{
	shellcmd_strv_push(v, dst);
	if (via) {
		shellcmd_strv_push(v, "via");
		shellcmd_strv_push(v, via);
	}
	shellcmd_strv_push(v, "dev");
	shellcmd_strv_push(v, dev);
	for (size_t i = 0; i < metrics->n; i++)
		shellcmd_strv_push(v, metrics->v[i]);
	free(v->v[1]);
	v->v[1] = xstrdup(family == 6 ? "-6" : "-4");
}

/* The words of `ip route VERB` from w[0] on: DST, via GW, dev DEV, metrics.
 * Appends them in canonical order to v after "-4|-6 route VERB". */
static int route_args(struct shellcmd_parser *p, const struct shellcmd_cmd *c, char **w, size_t n,
		      int family, struct shellcmd_strv *v)
{
	const char *dst = NULL, *via = NULL, *dev = NULL;
	struct shellcmd_strv metrics = {0};
	int r = 1;
	for (size_t i = 0; r == 1 && i < n; i++) {
		bool has_next = i + 1 < n;
		if (strcmp(w[i], "to") == 0 || strcmp(w[i], "via") == 0 ||
		    strcmp(w[i], "dev") == 0) {
			if (!has_next)
				r = shellcmd_bad(p, c->line, "ip route: %s needs a value", w[i]);
			else if (w[i][0] == 'd')
				dev = w[++i];
			else if (w[i][0] == 'v')
				via = w[++i];
			else
				dst = w[++i];
		} else if (shellcmd_route_metric(w[i]) >= 0) {
			const char *name = w[i];
			shellcmd_strv_push(&metrics, name);
			if (has_next && strcmp(w[i + 1], "lock") == 0)
				shellcmd_strv_push(&metrics, w[++i]);
			if (i + 1 >= n || !is_u32(w[i + 1]))
				r = shellcmd_bad(p, c->line, "ip route: %s needs a number", name);
			else
				shellcmd_strv_push(&metrics, w[++i]);
		} else if (!dst && is_prefix(w[i], &family)) {
			dst = w[i];
		} else {
			r = shellcmd_refuse(p, c, "tcpsh does not set a route's %s itself", w[i]);
		}
	}
	if (r == 1 && (!dst || !dev))
		r = shellcmd_refuse(p, c, IP_ONLY);
	else if (r == 1 && !is_prefix(dst, &family))
		r = shellcmd_bad(p, c->line, "ip route: %s is not an IPv%d address or prefix", dst,
				 family);
	else if (r == 1 && via && (strchr(via, '/') || !is_prefix(via, &family)))
		r = shellcmd_bad(p, c->line, "ip route: via %s is not an IPv%d address", via,
				 family);
	else if (r == 1 && !is_dev_name(dev))
		r = shellcmd_bad(p, c->line, "ip route: dev %s is not a device name", dev);
	else if (r == 1)
		route_words(v, family, dst, via, dev, &metrics);
	shellcmd_strv_free(&metrics);
	return r;
}

int shellcmd_classify_ip(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link)
{
	char **w = c->words.v;
	size_t n = c->words.n, i = 1;
	int family = 0;
	for (; i < n && w[i][0] == '-'; i++) {
		if (strcmp(w[i], "-4") != 0 && strcmp(w[i], "-6") != 0)
			return shellcmd_refuse(p, c, "tcpsh understands only ip -4 and -6, not %s",
					       w[i]);
		family = w[i][1] - '0';
	}
	if (i + 3 == n && family == 0 &&
	    (strcmp(w[i], "tcp_metrics") == 0 || strcmp(w[i], "tcpmetrics") == 0) &&
	    strcmp(w[i + 1], "flush") == 0 && strcmp(w[i + 2], "all") == 0) {
		struct shellcmd_step *s = shellcmd_add_step(p, c, SHELLCMD_METRICS_FLUSH, link);
		struct shellcmd_strv v = {0};
		shellcmd_strv_push(&v, "ip");
		shellcmd_strv_push(&v, "tcp_metrics");
		shellcmd_strv_push(&v, "flush");
		shellcmd_strv_push(&v, "all");
		shellcmd_set_argv(s, &v);
		return 1;
	}
	if (i + 2 > n || strcmp(w[i], "route") != 0 ||
	    (strcmp(w[i + 1], "change") != 0 && strcmp(w[i + 1], "replace") != 0))
		return shellcmd_refuse(p, c, IP_ONLY);
	struct shellcmd_strv v = {0};
	shellcmd_strv_push(&v, "ip");
	shellcmd_strv_push(&v, "-4");
	shellcmd_strv_push(&v, "route");
	shellcmd_strv_push(&v, w[i + 1]);
	int r = route_args(p, c, w + i + 2, n - i - 2, family, &v);
	if (r == 1)
		shellcmd_set_argv(shellcmd_add_step(p, c, SHELLCMD_ROUTE, link), &v);
	shellcmd_strv_free(&v);
	return r;
}

static bool is_qdisc_kind(const char *k)
{
	static const char *const kinds[] = {"pfifo",	"bfifo", "pfifo_fast", "fq",
					    "fq_codel", "sfq",	 "codel",      NULL};
	for (const char *const *q = kinds; *q; q++)
		if (strcmp(k, *q) == 0)
			return true;
	return false;
}

int shellcmd_classify_tc(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link)
{
	char **w = c->words.v;
	size_t n = c->words.n;
	static const char *const verbs[] = {"add", "replace", "change", "del", "delete", NULL};
	const char *const *verb = verbs;
	while (n >= 3 && *verb && strcmp(w[2], *verb) != 0)
		verb++;
	if (n < 3 || strcmp(w[1], "qdisc") != 0 || !*verb)
		return shellcmd_refuse(p, c, TC_ONLY);
	const char *dev = NULL, *kind = NULL, *limit = NULL;
	bool root = false;
	for (size_t i = 3; i < n; i++) {
		if (strcmp(w[i], "dev") == 0 && i + 1 < n && !dev)
			dev = w[++i];
		else if (strcmp(w[i], "root") == 0 && !root)
			root = true;
		else if (strcmp(w[i], "limit") == 0 && i + 1 < n && kind && !limit)
			limit = w[++i];
		else if (is_qdisc_kind(w[i]) && !kind)
			kind = w[i];
		else
			return shellcmd_refuse(p, c, TC_ONLY);
	}
	if (!dev || !root || (limit && strcmp(kind, "pfifo") != 0 && strcmp(kind, "bfifo") != 0))
		return shellcmd_refuse(p, c, TC_ONLY);
	if (!is_dev_name(dev))
		return shellcmd_bad(p, c->line, "tc qdisc: dev %s is not a device name", dev);
	if (!kind && strncmp(*verb, "del", 3) != 0)
		return shellcmd_bad(p, c->line, "tc qdisc %s: which qdisc? (pfifo, fq, ...)",
				    *verb);
	if (limit && !is_u32(limit))
		return shellcmd_bad(p, c->line, "tc qdisc: limit %s is not a number", limit);
	struct shellcmd_strv v = {0};
	const char *canon[] = {"tc",
			       "qdisc",
			       strncmp(*verb, "del", 3) == 0 ? "del" : *verb,
			       "dev",
			       dev,
			       "root",
			       kind,
			       limit ? "limit" : NULL,
			       limit};
	for (size_t i = 0; i < sizeof(canon) / sizeof(canon[0]) && canon[i]; i++)
		shellcmd_strv_push(&v, canon[i]);
	shellcmd_set_argv(shellcmd_add_step(p, c, SHELLCMD_QDISC, link), &v);
	return 1;
}

/* An ethtool feature's short name, from either name; NULL if unknown. */
static const char *ethtool_feature(const char *name)
{
	static const char *const names[][2] = {
		{"tso", "tcp-segmentation-offload"}, {"gso", "generic-segmentation-offload"},
		{"gro", "generic-receive-offload"},  {"sg", "scatter-gather"},
		{"tx", "tx-checksumming"},	     {"rx", "rx-checksumming"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i][0]) == 0 || strcmp(name, names[i][1]) == 0)
			return names[i][0];
	return NULL;
}

int shellcmd_classify_ethtool(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			      enum shellcmd_link link)
{
	char **w = c->words.v;
	size_t n = c->words.n;
	if (n < 4 || (strcmp(w[1], "-K") != 0 && strcmp(w[1], "--features") != 0 &&
		      strcmp(w[1], "--offload") != 0))
		return shellcmd_refuse(p, c, ETHTOOL_ONLY);
	if (!is_dev_name(w[2]))
		return shellcmd_bad(p, c->line, "ethtool -K: %s is not a device name", w[2]);
	struct shellcmd_strv v = {0};
	shellcmd_strv_push(&v, "ethtool");
	shellcmd_strv_push(&v, "-K");
	shellcmd_strv_push(&v, w[2]);
	int r = 1;
	for (size_t i = 3; r == 1 && i < n; i += 2) {
		const char *f = ethtool_feature(w[i]);
		if (!f)
			r = shellcmd_refuse(p, c, ETHTOOL_ONLY);
		else if (i + 1 >= n ||
			 (strcmp(w[i + 1], "on") != 0 && strcmp(w[i + 1], "off") != 0))
			r = shellcmd_bad(p, c->line, "ethtool -K: %s needs on or off", w[i]);
		else {
			shellcmd_strv_push(&v, f);
			shellcmd_strv_push(&v, w[i + 1]);
		}
	}
	if (r == 1)
		shellcmd_set_argv(shellcmd_add_step(p, c, SHELLCMD_ETHTOOL, link), &v);
	shellcmd_strv_free(&v);
	return r;
}
