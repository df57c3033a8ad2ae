/*
 * syscalls_msg: sendmsg and recvmsg, with the msghdr form of the language:
 *   {msg_name(...)=..., msg_iov(2)=[{..., 500}, {..., 20}], msg_flags=0,
 *    msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=9000}]}
 * A cmsg's data is an int, a "string", {scm_sec=S, scm_nsec=N} (an
 * SCM_TIMESTAMPING, its first timestamp in script time) or {ee_errno=...,
 * ee_origin=..., ee_type=..., ee_code=..., ee_info=..., ee_data=...} (the
 * error queue's IP_RECVERR / IPV6_RECVERR). For sendmsg the cmsgs are sent;
 * for recvmsg they are what the kernel must write: the control buffer it gets
 * is exactly their size, and msg_flags and each cmsg are compared, as in
 * packetdrill.
 */
#include "syscalls_int.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "consts.h"

static const char *const msghdr_names[] = {"msg_name", "msg_namelen", "msg_iov", "msg_iovlen",
					   "msg_control", "msg_flags", NULL};
static const char *const cmsg_names[] = {"cmsg_level", "cmsg_type", "cmsg_data", NULL};
static const char *const ee_names[] = {"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data", NULL};
static const char *const ts_names[] = {"scm_sec", "scm_nsec", NULL};

enum cmsg_form { CM_INT, CM_BYTES, CM_TIMESTAMPING, CM_EXTERR };

/* ---- building the control buffer ---- */

static int data_form(const struct syn_expr *d, enum cmsg_form *form, struct sb *err, int *col)
{
	if (sys_is_int(d))
		*form = CM_INT;
	else if (d->kind == SYN_E_STRING)
		*form = CM_BYTES;
	else if (d->kind == SYN_E_STRUCT && sys_field(d, "scm_sec"))
		*form = CM_TIMESTAMPING;
	else if (d->kind == SYN_E_STRUCT && sys_field(d, "ee_errno"))
		*form = CM_EXTERR;
	else
		return sys_fail(err, col, d,
				"cmsg_data must be a number, a \"string\", {scm_sec=S, scm_nsec=N} or "
				"{ee_errno=..., ee_origin=..., ee_type=..., ee_code=..., ee_info=..., ee_data=...}");
	if (*form == CM_TIMESTAMPING && sys_fields_known(d, ts_names, "cmsg_data", err, col))
		return -1;
	return *form == CM_EXTERR ? sys_fields_known(d, ee_names, "cmsg_data", err, col) : 0;
}

/* The data's size; an extended error is followed by the offender's
 * address, whose size the level gives (as the kernel writes it). */
static size_t data_len(enum cmsg_form form, long long level, const struct syn_expr *d)
{
	switch (form) {
	case CM_INT:
		return sizeof(int);
	case CM_BYTES:
		return (size_t)d->num;
	case CM_TIMESTAMPING:
		return sizeof(struct scm_timestamping);
	default:
		return sizeof(struct sock_extended_err) +
		       (level == SOL_IP ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	}
}

static long long field_num(const struct syn_expr *st, const char *name, struct sb *err, int *col, int *bad)
{
	const struct syn_expr *e = sys_field(st, name);
	if (!e)
		return 0;
	if (!sys_is_int(e))
		*bad = sys_fail(err, col, e, "%s must be a number or a constant", name);
	return e->num;
}

static int fill_data(void *p, enum cmsg_form form, const struct syn_expr *d, struct sb *err, int *col)
{
	int bad = 0;
	if (form == CM_INT) {
		int v = (int)d->num;
		memcpy(p, &v, sizeof(v));
	} else if (form == CM_BYTES) {
		memcpy(p, d->name, (size_t)d->num);
	} else if (form == CM_TIMESTAMPING) {
		struct scm_timestamping ts;
		memset(&ts, 0, sizeof(ts));
		ts.ts[0].tv_sec = (time_t)field_num(d, "scm_sec", err, col, &bad);
		ts.ts[0].tv_nsec = (long)field_num(d, "scm_nsec", err, col, &bad);
		memcpy(p, &ts, sizeof(ts));
	} else {
		struct sock_extended_err ee;
		memset(&ee, 0, sizeof(ee));
		ee.ee_errno = (uint32_t)field_num(d, "ee_errno", err, col, &bad);
		ee.ee_origin = (uint8_t)field_num(d, "ee_origin", err, col, &bad);
		ee.ee_type = (uint8_t)field_num(d, "ee_type", err, col, &bad);
		ee.ee_code = (uint8_t)field_num(d, "ee_code", err, col, &bad);
		ee.ee_info = (uint32_t)field_num(d, "ee_info", err, col, &bad);
		ee.ee_data = (uint32_t)field_num(d, "ee_data", err, col, &bad);
		memcpy(p, &ee, sizeof(ee));
	}
	return bad;
}

/* Checks one cmsg {cmsg_level=, cmsg_type=, cmsg_data=}; its data's size in *len. */
static int cmsg_parse(const struct syn_expr *c, long long *level, long long *type, enum cmsg_form *form,
		      size_t *len, struct sb *err, int *col)
{
	if (c->kind != SYN_E_STRUCT)
		return sys_fail(err, col, c, "a cmsg is {cmsg_level=..., cmsg_type=..., cmsg_data=...}");
	if (sys_fields_known(c, cmsg_names, "cmsg", err, col))
		return -1;
	const struct syn_expr *l = sys_field(c, "cmsg_level"), *t = sys_field(c, "cmsg_type");
	const struct syn_expr *d = sys_field(c, "cmsg_data");
	if (!l || !t || !d)
		return sys_fail(err, col, c, "a cmsg needs cmsg_level, cmsg_type and cmsg_data");
	if (!sys_is_int(l) || !sys_is_int(t))
		return sys_fail(err, col, sys_is_int(l) ? t : l,
				"cmsg_level and cmsg_type must be numbers or constants");
	*level = l->num;
	*type = t->num;
	if (data_form(d, form, err, col))
		return -1;
	*len = data_len(*form, *level, d);
	return 0;
}

/* The cmsgs of a msg_control list, laid out as the kernel lays them out. */
static int cmsgs_build(const struct syn_expr *list, struct sys_cmsgs *out, struct sb *err, int *col)
{
	if (list->kind != SYN_E_LIST)
		return sys_fail(err, col, list, "msg_control must be a list of cmsgs [{cmsg_level=..., ...}]");
	long long level = 0, type = 0;
	enum cmsg_form form = CM_INT;
	size_t len = 0, total = 0;
	for (int i = 0; i < list->nitems; i++) {
		if (cmsg_parse(list->items[i], &level, &type, &form, &len, err, col))
			return -1;
		total += CMSG_SPACE(len);
	}
	out->len = total;
	out->buf = total ? xcalloc(1, total) : NULL;
	struct msghdr m = {.msg_control = out->buf, .msg_controllen = total};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	for (int i = 0; i < list->nitems && c; i++, c = CMSG_NXTHDR(&m, c)) {
		if (cmsg_parse(list->items[i], &level, &type, &form, &len, err, col))
			return -1;
		c->cmsg_level = (int)level;
		c->cmsg_type = (int)type;
		c->cmsg_len = CMSG_LEN(len);
		if (fill_data(CMSG_DATA(c), form, sys_field(list->items[i], "cmsg_data"), err, col))
			return -1;
	}
	return 0;
}

/* ---- the msghdr ---- */

/* msg_name: `...` is the peer's address for sendmsg and a buffer for recvmsg. */
static int name_field(struct sys_env *env, struct sys_job *j, const struct syn_expr *f, bool recv, struct sb *err,
		      int *col)
{
	if (recv && f->left->kind == SYN_E_ELLIPSIS) {
		j->addr_ptr = (struct sockaddr *)&j->addr;
		j->addrlen = sizeof(j->addr);
	} else if (sys_addr_expr(env, j, f->left, &env->remote, err, col)) {
		return -1;
	}
	if (f->num >= 0 && j->addr_ptr)
		j->addrlen = (socklen_t)f->num;
	return 0;
}

static int msghdr_field(struct sys_env *env, struct sys_job *j, const struct syn_expr *f, bool recv, struct sb *err,
			int *col)
{
	if (!strcmp(f->name, "msg_name"))
		return name_field(env, j, f, recv, err, col);
	if (!strcmp(f->name, "msg_iov"))
		return sys_iov_arg(j, f->left, f->num, err, col);
	if (!strcmp(f->name, "msg_control"))
		return cmsgs_build(f->left, &j->want_cmsgs, err, col);
	if (!strcmp(f->name, "msg_flags")) {
		if (f->left->kind != SYN_E_ELLIPSIS && !sys_is_int(f->left))
			return sys_fail(err, col, f->left, "msg_flags must be a number, MSG_* constants or ...");
		if (!recv && sys_is_int(f->left) && f->left->num)
			return sys_fail(err, col, f->left,
					"sendmsg: the kernel ignores msg_flags here; write msg_flags=0");
		j->msg.msg_flags = sys_is_int(f->left) ? (int)f->left->num : 0;
		return 0;
	}
	if (!sys_is_int(f->left)) /* msg_namelen, msg_iovlen */
		return sys_fail(err, col, f->left, "%s must be a number", f->name);
	return 0;
}

/* The counts msg_namelen= and msg_iovlen= override what the lists give. */
static int msghdr_counts(struct sys_job *j, const struct syn_expr *st, struct sb *err, int *col)
{
	const struct syn_expr *namelen = sys_field(st, "msg_namelen"), *iovlen = sys_field(st, "msg_iovlen");
	if (namelen)
		j->addrlen = (socklen_t)namelen->num;
	if (iovlen && j->iov && iovlen->num != j->iovcnt)
		return sys_fail(err, col, iovlen, "msg_iovlen is %lld but msg_iov holds %d iovecs", iovlen->num,
				j->iovcnt);
	if (iovlen && !j->iov)
		j->iovcnt = (int)iovlen->num;
	return 0;
}

/* sendmsg/recvmsg(fd, {msghdr}, flags) */
static int prep_msg(struct sys_env *env, struct sys_job *j, bool recv, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 2, err, col))
		return -1;
	const struct syn_expr *st = j->call->args[1];
	if (st->kind != SYN_E_STRUCT)
		return sys_fail(err, col, st,
				"%s: the message must be a msghdr "
				"{msg_name(...)=..., msg_iov(1)=[{..., N}], msg_flags=0}",
				j->row->name);
	if (sys_fields_known(st, msghdr_names, "msghdr", err, col))
		return -1;
	for (int i = 0; i < st->nitems; i++)
		if (msghdr_field(env, j, st->items[i], recv, err, col))
			return -1;
	if (msghdr_counts(j, st, err, col))
		return -1;
	j->msg.msg_name = j->addr_ptr;
	j->msg.msg_namelen = j->addr_ptr ? j->addrlen : 0;
	j->msg.msg_iov = j->iov;
	j->msg.msg_iovlen = (size_t)j->iovcnt;
	j->nonblock = sys_fd_nonblocking(j->fd) || (j->a[2] & (MSG_DONTWAIT | (recv ? MSG_ERRQUEUE : 0)));
	return 0;
}

int sys_prep_sendmsg(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (prep_msg(env, j, false, err, col))
		return -1;
	/* the cmsgs are the input: the message carries them */
	j->msg.msg_control = j->want_cmsgs.buf;
	j->msg.msg_controllen = j->want_cmsgs.len;
	j->want_cmsgs.buf = NULL;
	return 0;
}

int sys_prep_recvmsg(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (prep_msg(env, j, true, err, col))
		return -1;
	/* room for exactly the expected cmsgs: more would set MSG_CTRUNC */
	j->msg.msg_controllen = j->want_cmsgs.len;
	j->msg.msg_control = j->want_cmsgs.len ? xcalloc(1, j->want_cmsgs.len) : NULL;
	return 0;
}

long long sys_run_sendmsg(struct sys_job *j)
{
	return sendmsg(j->fd, &j->msg, (int)j->a[2]);
}

long long sys_run_recvmsg(struct sys_job *j)
{
	return recvmsg(j->fd, &j->msg, (int)j->a[2]);
}

/* ---- checking what recvmsg wrote ---- */

static long long usecs(const struct timespec *ts)
{
	return (long long)ts->tv_sec * 1000000 + ts->tv_nsec / 1000;
}

/* Timestamps the line gives (not 0) must be within the tolerance of script
 * time 0 plus their value. */
static void check_ts(const struct sys_env *env, int i, const struct scm_timestamping *want,
		     const struct scm_timestamping *got, struct sys_outcome *out)
{
	for (int k = 0; k < 3; k++) {
		if (!want->ts[k].tv_sec && !want->ts[k].tv_nsec)
			continue;
		long long t0 = usecs(&env->t0_real), exp = t0 + usecs(&want->ts[k]), act = usecs(&got->ts[k]);
		if (llabs(exp - act) > env->tolerance_usecs)
			sys_why(out, "cmsg %d SCM_TIMESTAMPING: timestamp %d: expected %.6f s after the start (within "
				     "%ld us), the kernel's is %.6f s",
				i, k, (double)(exp - t0) / 1e6, env->tolerance_usecs, (double)(act - t0) / 1e6);
	}
}

static void ee_field(struct sys_outcome *out, int i, const char *name, unsigned want, unsigned got)
{
	if (want != got)
		sys_why(out, "cmsg %d RECVERR: %s: expected %u, the kernel wrote %u", i, name, want, got);
}

static void check_ee(int i, const struct sock_extended_err *w, const struct sock_extended_err *g,
		     struct sys_outcome *out)
{
	if (w->ee_errno != g->ee_errno) {
		const char *wn = consts_errno_name((int)w->ee_errno), *gn = consts_errno_name((int)g->ee_errno);
		sys_why(out, "cmsg %d RECVERR: ee_errno: expected %s, the kernel wrote %s", i, wn ? wn : "0",
			gn ? gn : "0");
	}
	ee_field(out, i, "ee_origin", w->ee_origin, g->ee_origin);
	ee_field(out, i, "ee_type", w->ee_type, g->ee_type);
	ee_field(out, i, "ee_code", w->ee_code, g->ee_code);
	ee_field(out, i, "ee_info", w->ee_info, g->ee_info);
	ee_field(out, i, "ee_data", w->ee_data, g->ee_data);
}

static bool is_recverr(const struct cmsghdr *c)
{
	return (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
	       (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR);
}

/* One cmsg the kernel wrote against the one the line gives. */
static void check_cmsg(const struct sys_env *env, int i, const struct cmsghdr *w, const struct cmsghdr *g,
		       struct sys_outcome *out)
{
	if (w->cmsg_level != g->cmsg_level || w->cmsg_type != g->cmsg_type) {
		sys_why(out,
			"cmsg %d: expected cmsg_level %d cmsg_type %d, "
			"the kernel wrote cmsg_level %d cmsg_type %d",
			i, w->cmsg_level, w->cmsg_type, g->cmsg_level, g->cmsg_type);
		return;
	}
	if (w->cmsg_len != g->cmsg_len) {
		sys_why(out, "cmsg %d: expected cmsg_len %zu, the kernel wrote %zu", i, (size_t)w->cmsg_len,
			(size_t)g->cmsg_len);
		return;
	}
	size_t n = w->cmsg_len - CMSG_LEN(0);
	if (is_recverr(g) && n >= sizeof(struct sock_extended_err)) {
		struct sock_extended_err we, ge;
		memcpy(&we, CMSG_DATA(w), sizeof(we));
		memcpy(&ge, CMSG_DATA(g), sizeof(ge));
		check_ee(i, &we, &ge, out);
	} else if (g->cmsg_level == SOL_SOCKET && g->cmsg_type == SCM_TIMESTAMPING &&
		   n >= sizeof(struct scm_timestamping)) {
		struct scm_timestamping wt, gt;
		memcpy(&wt, CMSG_DATA(w), sizeof(wt));
		memcpy(&gt, CMSG_DATA(g), sizeof(gt));
		check_ts(env, i, &wt, &gt, out);
	} else if (memcmp(CMSG_DATA(w), CMSG_DATA(g), n) != 0) {
		int wv = 0, gv = 0;
		memcpy(&wv, CMSG_DATA(w), n < sizeof(int) ? n : sizeof(int));
		memcpy(&gv, CMSG_DATA(g), n < sizeof(int) ? n : sizeof(int));
		if (n == sizeof(int))
			sys_why(out, "cmsg %d: cmsg_data: expected %d, the kernel wrote %d", i, wv, gv);
		else
			sys_why(out, "cmsg %d: cmsg_data: the %zu bytes differ", i, n);
	}
}

static int count_cmsgs(struct msghdr *m)
{
	int n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c && c->cmsg_len; c = CMSG_NXTHDR(m, c))
		n++;
	return n;
}

static void check_cmsgs(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	struct msghdr want = {.msg_control = j->want_cmsgs.buf, .msg_controllen = j->want_cmsgs.len};
	int nw = count_cmsgs(&want), ng = count_cmsgs(&j->msg);
	if (nw != ng) {
		sys_why(out, "msg_control: expected %d cmsg%s, the kernel wrote %d", nw, nw == 1 ? "" : "s", ng);
		return;
	}
	struct cmsghdr *w = CMSG_FIRSTHDR(&want), *g = CMSG_FIRSTHDR(&j->msg);
	for (int i = 0; w && g && i < nw; i++, w = CMSG_NXTHDR(&want, w), g = CMSG_NXTHDR(&j->msg, g))
		check_cmsg(env, i, w, g, out);
}

void sys_check_recvmsg(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_expr *flags = sys_field(j->call->args[1], "msg_flags");
	sb_add(&out->detail, "msg_flags ");
	sys_flags_text(&out->detail, sys_msg_flags, (unsigned)j->msg.msg_flags);
	int n = count_cmsgs(&j->msg);
	if (n)
		sb_addf(&out->detail, ", %d cmsg%s", n, n == 1 ? "" : "s");
	if (flags && sys_is_int(flags)) {
		out->checked = true;
		if ((int)flags->num != j->msg.msg_flags) {
			sb_add(&out->why, "msg_flags: expected ");
			sys_flags_text(&out->why, sys_msg_flags, (unsigned)flags->num);
			sb_add(&out->why, ", the kernel wrote ");
			sys_flags_text(&out->why, sys_msg_flags, (unsigned)j->msg.msg_flags);
			sb_addc(&out->why, '\n');
		}
	}
	if (sys_field(j->call->args[1], "msg_control"))
		out->checked = true;
	check_cmsgs(env, j, out);
}
