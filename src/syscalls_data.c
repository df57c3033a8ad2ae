/*
 * syscalls_data: the calls that move bytes through a descriptor: read,
 * write, send, recv, sendto, recvfrom, readv, writev. A buffer argument is
 * `...` (a zeroed buffer of the given size, as packetdrill makes), NULL (the
 * kernel answers EFAULT) or a "string" (its bytes, zero-padded to the size);
 * an iovec list is [{..., 1000}, {..., 20}].
 */
#include "syscalls_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_null(const struct syn_expr *e)
{
	return e->kind == SYN_E_NULL || (sys_is_int(e) && e->num == 0);
}

static int len_arg(const struct sys_job *j, const struct syn_expr *e, const char *what, long long *len,
		   struct sb *err, int *col)
{
	if (!sys_is_int(e) || e->num < 0 || e->num > SYS_MAX_BUF)
		return sys_fail(err, col, e, "%s: %s must be a number from 0 to %d", j->row->name, what, SYS_MAX_BUF);
	*len = e->num;
	return 0;
}

/* A data buffer: base (`...`, NULL, "string") and a size; *out is NULL for NULL. */
static int buffer(const struct sys_job *j, const struct syn_expr *base, long long len, void **out, struct sb *err,
		  int *col)
{
	*out = NULL;
	if (is_null(base))
		return 0;
	if (base->kind != SYN_E_ELLIPSIS && base->kind != SYN_E_STRING)
		return sys_fail(err, col, base, "%s: the buffer must be ..., NULL or a \"string\"", j->row->name);
	*out = xcalloc(1, len ? (size_t)len : 1);
	if (base->kind == SYN_E_STRING)
		memcpy(*out, base->name, (size_t)base->num < (size_t)len ? (size_t)base->num : (size_t)len);
	return 0;
}

/* fd, buffer, length: arguments 0, 1, 2. */
static int fd_buf_len(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	long long len = 0;
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) ||
	    len_arg(j, j->call->args[2], "the length", &len, err, col) ||
	    buffer(j, j->call->args[1], len, &j->buf, err, col))
		return -1;
	j->buflen = (size_t)len;
	j->want = j->buflen;
	j->nonblock = sys_fd_nonblocking(j->fd);
	return 0;
}

/* The flags of send/recv/sendto/recvfrom: argument 3. MSG_ERRQUEUE never waits. */
static int flags_arg(struct sys_job *j, struct sb *err, int *col)
{
	if (j->call->nargs <= 3)
		return 0;
	if (sys_int_arg(j, 3, err, col))
		return -1;
	j->nonblock = j->nonblock || (j->a[3] & (MSG_DONTWAIT | MSG_ERRQUEUE));
	return 0;
}

/* read(fd, buf, n), write(fd, buf, n), send/recv(fd, buf, n, flags) */
int sys_prep_rw(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return fd_buf_len(env, j, err, col) || flags_arg(j, err, col) ? -1 : 0;
}

/* sendto(fd, buf, n, flags, addr, addrlen): `...` is the peer's address. */
int sys_prep_sendto(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_buf_len(env, j, err, col) || flags_arg(j, err, col))
		return -1;
	return sys_addr_arg(env, j, 4, &env->remote, err, col);
}

/* recvfrom(fd, buf, n, flags, addr, addrlen): the address is written, not checked. */
int sys_prep_recvfrom(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_buf_len(env, j, err, col) || flags_arg(j, err, col))
		return -1;
	const struct syn_expr *a = j->call->args[4];
	if (is_null(a))
		return 0;
	if (a->kind != SYN_E_ELLIPSIS)
		return sys_fail(err, col, a, "recvfrom: the address must be ... or NULL");
	j->addr_ptr = (struct sockaddr *)&j->addr;
	j->addrlen = sizeof(j->addr);
	j->addrlen_ptr = is_null(j->call->args[5]) ? NULL : &j->addrlen;
	return 0;
}

/* One iovec: {..., 1000}, {"text", 4} or {iov_base=..., iov_len=1000}. */
static int one_iov(struct sys_job *j, const struct syn_expr *e, struct iovec *v, struct sb *err, int *col)
{
	static const char *const names[] = {"iov_base", "iov_len", NULL};
	if (e->kind != SYN_E_STRUCT || e->nitems != 2)
		return sys_fail(err, col, e, "%s: an iovec is {..., LENGTH}", j->row->name);
	const struct syn_expr *base = e->items[0]->left, *len = e->items[1]->left;
	if (e->items[0]->name || e->items[1]->name) {
		if (sys_fields_known(e, names, "iovec", err, col))
			return -1;
		base = sys_field(e, "iov_base");
		len = sys_field(e, "iov_len");
		if (!base || !len)
			return sys_fail(err, col, e, "iovec: give both iov_base and iov_len");
	}
	long long n = 0;
	if (len_arg(j, len, "an iovec's length", &n, err, col) || buffer(j, base, n, &v->iov_base, err, col))
		return -1;
	v->iov_len = (size_t)n;
	return 0;
}

int sys_iov_arg(struct sys_job *j, const struct syn_expr *list, long long count, struct sb *err, int *col)
{
	if (is_null(list))
		return 0;
	if (list->kind != SYN_E_LIST)
		return sys_fail(err, col, list, "%s: the iovecs must be a list [{..., LENGTH}, ...]", j->row->name);
	if (list->nitems > SYS_MAX_VEC)
		return sys_fail(err, col, list, "%s: at most %d iovecs", j->row->name, SYS_MAX_VEC);
	if (count >= 0 && count != list->nitems)
		return sys_fail(err, col, list, "%s: the count says %lld iovec%s but the list holds %d", j->row->name,
				count, count == 1 ? "" : "s", list->nitems);
	j->iov = xcalloc((size_t)list->nitems + 1, sizeof(*j->iov));
	for (int i = 0; i < list->nitems; i++) {
		j->iovcnt = i + 1; /* what sys_job_free frees */
		if (one_iov(j, list->items[i], &j->iov[i], err, col))
			return -1;
		j->want += j->iov[i].iov_len;
	}
	j->iovcnt = list->nitems;
	if (j->want > SYS_MAX_BUF)
		return sys_fail(err, col, list, "%s: at most %d bytes in all", j->row->name, SYS_MAX_BUF);
	return 0;
}

/* readv(fd, [iovecs], count), writev(fd, [iovecs], count) */
int sys_prep_rwv(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 2, err, col))
		return -1;
	long long count = j->call->args[2]->kind == SYN_E_ELLIPSIS ? -1 : j->a[2];
	if (sys_iov_arg(j, j->call->args[1], count, err, col))
		return -1;
	if (count >= 0 && !j->iov)
		j->iovcnt = (int)count; /* NULL iovecs with a count: EFAULT from the kernel */
	j->nonblock = sys_fd_nonblocking(j->fd);
	return 0;
}

long long sys_run_read(struct sys_job *j)
{
	return read(j->fd, j->buf, j->buflen);
}

long long sys_run_write(struct sys_job *j)
{
	return write(j->fd, j->buf, j->buflen);
}

long long sys_run_recv(struct sys_job *j)
{
	return recv(j->fd, j->buf, j->buflen, (int)j->a[3]);
}

long long sys_run_send(struct sys_job *j)
{
	return send(j->fd, j->buf, j->buflen, (int)j->a[3]);
}

long long sys_run_sendto(struct sys_job *j)
{
	return sendto(j->fd, j->buf, j->buflen, (int)j->a[3], j->addr_ptr, j->addrlen);
}

long long sys_run_recvfrom(struct sys_job *j)
{
	return recvfrom(j->fd, j->buf, j->buflen, (int)j->a[3], j->addr_ptr, j->addrlen_ptr);
}

long long sys_run_readv(struct sys_job *j)
{
	return readv(j->fd, j->iov, j->iovcnt);
}

long long sys_run_writev(struct sys_job *j)
{
	return writev(j->fd, j->iov, j->iovcnt);
}
