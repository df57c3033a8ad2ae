/*
 * sandbox: puts tcpsh in a private network namespace (through a user
 * namespace when it is not privileged), checks that /dev/net/tun is usable,
 * brings lo up, and reads and writes net.* sysctls of that namespace.
 * Not for the TUN device itself (tun.c) nor for anything outside net.*:
 * the host's settings are never written.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

/* True once this process has left the host's network namespace. */
static bool entered;

bool sandbox_inside(void)
{
	return entered;
}

/* Reads a small /proc file into out (trailing newline removed). 0 or -errno. */
static int read_proc(const char *path, struct sb *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char chunk[512];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		sb_addn(out, chunk, (size_t)n);
	int e = n < 0 ? -errno : 0;
	close(fd);
	if (e == 0 && out->len > 0 && out->buf[out->len - 1] == '\n')
		sb_truncate(out, out->len - 1);
	return e;
}

/* Writes text to a /proc file in one write(2), as the kernel requires.
 * 0 or -errno. */
static int write_proc(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, len);
	int e = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) < 0 && e == 0)
		e = -errno;
	return e;
}

/* The value of a /proc/sys knob as an integer, or -1 when it is absent. */
static long proc_knob(const char *path)
{
	struct sb v = SB_INIT;
	long val = -1;
	if (read_proc(path, &v) == 0 && v.len > 0) {
		char *end;
		errno = 0;
		val = strtol(v.buf, &end, 10);
		if (errno || *end)
			val = -1;
	}
	sb_free(&v);
	return val;
}

/* The command an administrator would run so that unprivileged users may
 * create user namespaces, judged from the knobs this kernel has; NULL when
 * every knob already allows them. */
static const char *userns_knob(void)
{
	if (proc_knob("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return "sysctl -w kernel.unprivileged_userns_clone=1"; /* Debian's kernels */
	if (proc_knob("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		return "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"; /* Ubuntu's */
	if (proc_knob("/proc/sys/user/max_user_namespaces") == 0)
		return "sysctl -w user.max_user_namespaces=15000";
	return NULL;
}

static void userns_error(int e, struct sb *err)
{
	const char *knob = userns_knob();
	sb_addf(err, "cannot create a network namespace: %s ", strerror(e));
	if (e == EINVAL)
		sb_add(err, "(this kernel has no user namespaces; run tcpsh with sudo)");
	else if (e == EUSERS)
		sb_add(err, "(too many nested user namespaces; run tcpsh with sudo)");
	else if (e == ENOSPC && !knob)
		sb_add(err, "(the limit user.max_user_namespaces is reached; run tcpsh with sudo)");
	else if (knob)
		sb_addf(err, "(run tcpsh with sudo, or ask an administrator to allow unprivileged "
			     "user namespaces: %s)", knob);
	else
		sb_add(err, "(run tcpsh with sudo; the sysctls allow unprivileged user namespaces, "
			    "so a container's seccomp profile, a security module or a chroot is "
			    "blocking them)");
}

/* Maps our own uid and gid to root inside the fresh user namespace, the one
 * mapping an unprivileged process may write. */
static int map_ids(struct sb *err)
{
	struct sb uid = SB_INIT, gid = SB_INIT;
	sb_addf(&uid, "0 %u 1\n", (unsigned)getuid());
	sb_addf(&gid, "0 %u 1\n", (unsigned)getgid());
	const char *what = "/proc/self/setgroups";
	int e = write_proc(what, "deny", 4);
	if (e == -ENOENT)
		e = 0; /* kernels before 3.19 have no setgroups file */
	if (e == 0)
		e = write_proc(what = "/proc/self/uid_map", uid.buf, uid.len);
	if (e == 0)
		e = write_proc(what = "/proc/self/gid_map", gid.buf, gid.len);
	if (e < 0)
		sb_addf(err, "cannot map user ids in the new user namespace: %s: %s", what,
			strerror(-e));
	sb_free(&uid);
	sb_free(&gid);
	return e < 0 ? -1 : 0;
}

/* Leaves the host's network namespace: directly when we may (root, or
 * CAP_SYS_ADMIN, which unshare(CLONE_NEWNET) needs), else through a new user
 * namespace in which we are root. */
static int enter_netns(struct sb *err)
{
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	if (errno == EINVAL) {
		sb_add(err, "cannot create a network namespace: this kernel has no network "
			    "namespaces (CONFIG_NET_NS)");
		return -1;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		userns_error(errno, err);
		return -1;
	}
	return map_ids(err);
}

static int check_tun(struct sb *err)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	int e = errno;
	sb_addf(err, "/dev/net/tun: %s ", strerror(e));
	if (e == ENOENT || e == ENODEV || e == ENXIO)
		sb_add(err, "(the TUN driver is missing: an administrator can run 'modprobe tun'; "
			    "in a container, pass the device in, e.g. docker run --device /dev/net/tun)");
	else
		sb_add(err, "(the TUN device must be readable and writable by you: an "
			    "administrator can run 'chmod 0666 /dev/net/tun'; or run tcpsh with sudo)");
	return -1;
}

static int lo_up(struct sb *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *lo = NULL, *change = NULL;
	int e = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (e == 0)
		e = rtnl_link_get_kernel(sk, 0, "lo", &lo);
	if (e == 0 && !(change = rtnl_link_alloc()))
		e = -NLE_NOMEM;
	if (e == 0) {
		rtnl_link_set_flags(change, IFF_UP);
		e = rtnl_link_change(sk, lo, change, 0);
	}
	if (e < 0)
		sb_addf(err, "lo: cannot bring the loopback device up: %s", nl_geterror(e));
	rtnl_link_put(change);
	rtnl_link_put(lo);
	nl_socket_free(sk);
	return e < 0 ? -1 : 0;
}

/*
 * A new namespace shares the host's TCP established-socket hash table,
 * hundreds of thousands of buckets that every sock_diag dump walks (about a
 * millisecond each on a 24 GiB machine). Since Linux 6.1 a namespace can
 * have its own small table, sized by tcp_child_ehash_entries of the
 * namespace that creates it: so set it in our first namespace (never the
 * host's) and move into a second, nested one. Where the kernel lacks the
 * knob, or anything fails, the first namespace is used as it is.
 */
#define PRIVATE_EHASH "1024"

static void private_ehash(void)
{
	int fd = open("/proc/sys/net/ipv4/tcp_child_ehash_entries", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = write(fd, PRIVATE_EHASH, strlen(PRIVATE_EHASH));
	close(fd);
	if (n == (ssize_t)strlen(PRIVATE_EHASH))
		unshare(CLONE_NEWNET); /* on failure we simply stay where we are */
}

int sandbox_enter(struct sb *err)
{
	if (enter_netns(err) < 0)
		return -1;
	entered = true;
	private_ehash();
	if (check_tun(err) < 0 || lo_up(err) < 0)
		return -1;
	return 0;
}

/* True when the n bytes at part are an empty, "." or ".." path component. */
static bool bad_part(const char *part, size_t n)
{
	return n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.');
}

/* Turns a sysctl key ("net.ipv4.tcp_sack", "net/ipv4/tcp_sack" or
 * "/proc/sys/net/ipv4/tcp_sack") into its /proc/sys path in path. Refuses
 * keys outside net/ and any empty, "." or ".." part. 0 or -1 with err. */
static int sysctl_path(const char *key, struct sb *path, struct sb *err)
{
	const char *k = key;
	if (strncmp(k, "/proc/sys/", 10) == 0)
		k += 10;
	bool dotted = strchr(k, '/') == NULL;
	sb_add(path, "/proc/sys/");
	size_t start = path->len;
	for (const char *p = k; *p; p++)
		sb_addc(path, dotted && *p == '.' ? (char)'/' : *p);
	const char *rel = path->buf + start;
	if (strncmp(rel, "net/", 4) != 0) {
		sb_addf(err, "sysctl %s: only net.* keys are allowed (they belong to tcpsh's "
			     "private network namespace; other keys would reach the host)", key);
		return -1;
	}
	for (const char *part = rel;; part++) {
		size_t n = strcspn(part, "/");
		if (bad_part(part, n)) {
			sb_addf(err, "sysctl %s: a key may not have empty, '.' or '..' parts", key);
			return -1;
		}
		part += n;
		if (*part == '\0')
			return 0;
	}
}

static void sysctl_error(const char *key, const char *doing, int e, struct sb *err)
{
	if (e == ENOENT)
		sb_addf(err, "sysctl %s: no such key in this kernel", key);
	else if (e == EISDIR)
		sb_addf(err, "sysctl %s: that is a group of keys, not a key", key);
	else if (e == EACCES || e == EPERM)
		sb_addf(err, "sysctl %s: cannot %s it: %s (it is read-only, or not per-namespace)",
			key, doing, strerror(e));
	else if (e == EINVAL)
		sb_addf(err, "sysctl %s: the kernel refused the value: %s", key, strerror(e));
	else
		sb_addf(err, "sysctl %s: cannot %s it: %s", key, doing, strerror(e));
}

int sandbox_sysctl_set(const char *key, const char *value, struct sb *err)
{
	if (!entered) {
		sb_addf(err, "sysctl %s: refusing to change it outside tcpsh's private network "
			     "namespace", key);
		return -1;
	}
	if (strchr(value, '\n')) {
		sb_addf(err, "sysctl %s: a value may not contain a newline", key);
		return -1;
	}
	struct sb path = SB_INIT, text = SB_INIT;
	int rc = sysctl_path(key, &path, err);
	if (rc == 0) {
		sb_addf(&text, "%s\n", value);
		int e = write_proc(path.buf, text.buf, text.len);
		if (e < 0) {
			sysctl_error(key, "set", -e, err);
			rc = -1;
		}
	}
	sb_free(&path);
	sb_free(&text);
	return rc;
}

int sandbox_sysctl_get(const char *key, struct sb *value, struct sb *err)
{
	struct sb path = SB_INIT;
	int rc = sysctl_path(key, &path, err);
	if (rc == 0) {
		size_t was = value->len;
		int e = read_proc(path.buf, value);
		if (e < 0) {
			sb_truncate(value, was);
			sysctl_error(key, "read", -e, err);
			rc = -1;
		}
	}
	sb_free(&path);
	return rc;
}
