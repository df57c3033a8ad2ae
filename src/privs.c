/*
 * privs: drops the capabilities tcpsh no longer needs once it is set up
 * (see privs.h), with capget/capset and prctl directly: no libcap.
 *
 * What stays, and why (everything else goes from every set, including the
 * bounding set, so no command tcpsh runs can get it back through execve):
 */
#include "privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	int cap;
	bool effective; /* false: permitted only, raised around its one use */
	const char *why;
} keep[] = {
	{CAP_NET_ADMIN, true,
	 "release the persistent tun0 at exit (TUNSETPERSIST), net.* sysctls whose handlers check it, "
	 "setsockopt options (SO_RCVBUFFORCE, SO_MARK, TCP_REPAIR, IP_TRANSPARENT, SO_PRIORITY > 6), "
	 "sock_diag, and ip/tc in --allow-shell commands"},
	{CAP_NET_RAW, true, "SOCK_RAW and SOCK_PACKET sockets in scripts, IP_TRANSPARENT, ping in commands"},
	{CAP_NET_BIND_SERVICE, true, "bind() to ports below 1024 in scripts"},
	{CAP_IPC_LOCK, true,
	 "tcpsh run locks its memory (mlockall MCL_FUTURE): every later allocation needs it"},
	{CAP_DAC_OVERRIDE, true,
	 "under sudo, files the user names at the prompt (save, history) live in the user's own "
	 "directories, which root may only write with it"},
	{CAP_SYS_ADMIN, false, "`reset` makes a new network namespace (unshare CLONE_NEWNET)"},
};
#define NKEEP (sizeof(keep) / sizeof(keep[0]))

static bool dropped;

bool privs_dropped(void)
{
	return dropped;
}

struct capsets {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

static int cap_get(struct capsets *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return (int)syscall(SYS_capget, &c->hdr, c->data);
}

static int cap_set(struct capsets *c)
{
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c->hdr.pid = 0;
	return (int)syscall(SYS_capset, &c->hdr, c->data);
}

static void cap_put(struct __user_cap_data_struct *d, int cap, bool on, int which)
{
	__u32 bit = 1u << (cap & 31), *w;
	struct __user_cap_data_struct *x = &d[cap >> 5];
	w = which == 0 ? &x->effective : which == 1 ? &x->permitted : &x->inheritable;
	*w = on ? (*w | bit) : (*w & ~bit);
}

static bool cap_has(const struct __user_cap_data_struct *d, int cap, int which)
{
	const struct __user_cap_data_struct *x = &d[cap >> 5];
	__u32 w = which == 0 ? x->effective : which == 1 ? x->permitted : x->inheritable;
	return (w >> (cap & 31)) & 1;
}

/* The row of keep[] for cap, or -1. */
static int kept(int cap)
{
	for (size_t i = 0; i < NKEEP; i++)
		if (keep[i].cap == cap)
			return (int)i;
	return -1;
}

/* The bounding set first (dropping from it needs CAP_SETPCAP, which the
 * capset below removes): every capability the kernel knows, up to the
 * first it says does not exist. SYS_ADMIN goes too: only tcpsh itself,
 * never a command it runs, may raise it. */
static int drop_bounding(struct sb *err)
{
	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (r < 0)
			break; /* EINVAL: past the last capability */
		int k = kept(cap);
		if (r == 0 || (k >= 0 && keep[k].effective))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			sb_addf(err, "cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int privs_drop(bool allow_shell, struct sb *err)
{
	if (dropped)
		return 0;
	struct capsets c;
	if (cap_get(&c) < 0) {
		sb_addf(err, "capget: %s", strerror(errno));
		return -1;
	}
	if (drop_bounding(err) < 0)
		return -1;
	/* Ambient capabilities would pass to commands as they are: none. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		sb_addf(err, "cannot clear the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	struct capsets want = c;
	memset(want.data, 0, sizeof(want.data));
	for (size_t i = 0; i < NKEEP; i++) {
		if (!cap_has(c.data, keep[i].cap, 1))
			continue; /* never had it: nothing to keep */
		cap_put(want.data, keep[i].cap, true, 1);
		cap_put(want.data, keep[i].cap, keep[i].effective, 0);
	}
	if (cap_set(&want) < 0) {
		sb_addf(err, "capset: %s", strerror(errno));
		return -1;
	}
	if (!allow_shell && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		sb_addf(err, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	dropped = true;
	return 0;
}

static int sys_admin(bool on)
{
	struct capsets c;
	if (cap_get(&c) < 0)
		return -1;
	cap_put(c.data, CAP_SYS_ADMIN, on, 0);
	return cap_set(&c);
}

int privs_with_sys_admin(int (*fn)(void *), void *arg)
{
	if (!dropped)
		return fn(arg);
	int raised = sys_admin(true) == 0;
	int r = fn(arg);
	int e = errno;
	if (raised)
		sys_admin(false);
	errno = e;
	return r;
}
