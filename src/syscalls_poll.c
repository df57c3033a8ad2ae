/*
 * syscalls_poll: poll and epoll (epoll_create, epoll_create1, epoll_ctl,
 * epoll_wait). poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0) checks
 * each revents (an omitted revents means 0, as in packetdrill; revents=...
 * leaves it unchecked). epoll_wait(5, {events=EPOLLOUT, fd=4}, 1, 0) checks
 * the first event the kernel returns (a [list] of them checks as many). With
 * a timeout other than 0 both may block; a probe of readiness never consumes
 * an event (epoll is probed by polling its fd, which leaves edge-triggered
 * and one-shot events in place).
 */
#include "syscalls_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const pollfd_names[] = {"fd", "events", "revents", NULL};
static const char *const epev_names[] = {"events", "fd", "ptr", "u32", "u64", NULL};

/* ---- poll ---- */

static int one_pollfd(const struct sys_env *env, const struct syn_expr *st, struct pollfd *p, struct sb *err,
		      int *col)
{
	if (st->kind != SYN_E_STRUCT)
		return sys_fail(err, col, st, "poll: a pollfd is {fd=N, events=POLL..., revents=POLL...}");
	if (sys_fields_known(st, pollfd_names, "pollfd", err, col))
		return -1;
	const struct syn_expr *fd = sys_field(st, "fd"), *ev = sys_field(st, "events");
	const struct syn_expr *rev = sys_field(st, "revents");
	if (!fd || !ev)
		return sys_fail(err, col, st, "poll: a pollfd needs fd= and events=");
	if (!sys_is_int(fd) || !sys_is_int(ev) || (rev && !sys_is_int(rev) && rev->kind != SYN_E_ELLIPSIS))
		return sys_fail(err, col, st, "poll: fd and events must be numbers or constants, revents also ...");
	p->fd = fd->num < 0 ? -1 : sys_map_fd(env, fd->num);
	p->events = (short)ev->num;
	return 0;
}

/* poll([pollfds], nfds, timeout) */
int sys_prep_poll(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	const struct syn_expr *list = j->call->args[0];
	if (sys_int_arg(j, 1, err, col) || sys_int_arg(j, 2, err, col))
		return -1;
	j->timeout = (int)j->a[2];
	if (list->kind == SYN_E_NULL)
		return 0;
	if (list->kind != SYN_E_LIST || list->nitems > SYS_MAX_VEC)
		return sys_fail(err, col, list, "poll: the first argument must be a list of up to %d pollfds [{fd=N, "
						"events=POLLIN}]", SYS_MAX_VEC);
	if (j->call->args[1]->kind != SYN_E_ELLIPSIS && j->a[1] != list->nitems)
		return sys_fail(err, col, j->call->args[1], "poll: nfds is %lld but the list holds %d pollfd%s",
				j->a[1], list->nitems, list->nitems == 1 ? "" : "s");
	j->npfd = list->nitems;
	j->pfd = xcalloc((size_t)j->npfd + 1, sizeof(*j->pfd));
	for (int i = 0; i < j->npfd; i++)
		if (one_pollfd(env, list->items[i], &j->pfd[i], err, col))
			return -1;
	if (j->npfd)
		j->script_fd = (int)sys_field(list->items[0], "fd")->num;
	return 0;
}

long long sys_run_poll(struct sys_job *j)
{
	return poll(j->pfd, (nfds_t)j->npfd, j->timeout);
}

void sys_check_poll(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	(void)env;
	const struct syn_expr *list = j->call->args[0];
	if (j->npfd)
		sb_add(&out->detail, "revents ");
	for (int i = 0; i < j->npfd; i++) {
		sb_add(&out->detail, i ? ", " : "");
		sys_flags_text(&out->detail, sys_poll_flags, (unsigned short)j->pfd[i].revents);
		const struct syn_expr *rev = sys_field(list->items[i], "revents");
		if (rev && rev->kind == SYN_E_ELLIPSIS)
			continue;
		unsigned short want = rev ? (unsigned short)rev->num : 0, got = (unsigned short)j->pfd[i].revents;
		out->checked = true;
		if (want == got)
			continue;
		sb_addf(&out->why, "pollfd %d (fd %lld): revents: expected ", i, sys_field(list->items[i], "fd")->num);
		sys_flags_text(&out->why, sys_poll_flags, want);
		sb_add(&out->why, ", the kernel wrote ");
		sys_flags_text(&out->why, sys_poll_flags, got);
		sb_addc(&out->why, '\n');
	}
}

/* ---- epoll ---- */

int sys_prep_epoll_create(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	(void)env;
	return sys_int_args(j, 0, err, col);
}

long long sys_run_epoll_create(struct sys_job *j)
{
	return epoll_create((int)j->a[0]);
}

long long sys_run_epoll_create1(struct sys_job *j)
{
	return epoll_create1((int)j->a[0]);
}

/* {events=..., fd=N | ptr=N | u32=N | u64=N}: into *ev; *fd_script is the
 * fd= value or -1. */
static int one_event(const struct sys_env *env, const struct syn_expr *st, struct epoll_event *ev, long long *fd_script,
		     struct sb *err, int *col)
{
	if (st->kind != SYN_E_STRUCT)
		return sys_fail(err, col, st, "epoll: an event is {events=EPOLL..., fd=N} (or ptr=, u32=, u64=)");
	if (sys_fields_known(st, epev_names, "epoll_event", err, col))
		return -1;
	const struct syn_expr *events = sys_field(st, "events"), *fd = sys_field(st, "fd");
	const struct syn_expr *data = fd ? fd : sys_field(st, "ptr");
	data = data ? data : sys_field(st, "u64");
	data = data ? data : sys_field(st, "u32");
	if (!events || !data || !sys_is_int(events) || !sys_is_int(data))
		return sys_fail(err, col, st,
				"epoll: an event needs events= and one of fd=, ptr=, u32=, u64= (numbers)");
	memset(ev, 0, sizeof(*ev));
	ev->events = (uint32_t)events->num;
	*fd_script = fd ? fd->num : -1;
	if (fd)
		ev->data.fd = sys_map_fd(env, fd->num);
	else if (data == sys_field(st, "u32"))
		ev->data.u32 = (uint32_t)data->num;
	else
		ev->data.u64 = (uint64_t)data->num;
	return 0;
}

/* epoll_ctl(epfd, op, fd, {events=..., fd=fd}) */
int sys_prep_epoll_ctl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 1, err, col) ||
	    sys_fd_arg(env, j, 2, &j->script_fd2, &j->fd2, err, col))
		return -1;
	const struct syn_expr *e = j->call->args[3];
	if (e->kind == SYN_E_NULL)
		return 0; /* EPOLL_CTL_DEL needs no event */
	long long fd_script;
	j->ev = xcalloc(1, sizeof(*j->ev));
	j->nev = 1;
	if (one_event(env, e, j->ev, &fd_script, err, col))
		return -1;
	if (fd_script >= 0 && fd_script != j->call->args[2]->num)
		return sys_fail(err, col, sys_field(e, "fd"),
				"epoll_ctl: the event's fd=%lld is not the fd argument %lld", fd_script,
				j->call->args[2]->num);
	return 0;
}

long long sys_run_epoll_ctl(struct sys_job *j)
{
	return epoll_ctl(j->fd, (int)j->a[1], j->fd2, j->ev);
}

/* epoll_wait(epfd, {event} or [{event}, ...] or ..., maxevents, timeout) */
int sys_prep_epoll_wait(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 2, err, col) ||
	    sys_int_arg(j, 3, err, col))
		return -1;
	const struct syn_expr *e = j->call->args[1];
	const struct syn_expr *const *want = e->kind == SYN_E_LIST ? (const struct syn_expr *const *)e->items : &e;
	int nwant = e->kind == SYN_E_LIST ? e->nitems : e->kind == SYN_E_ELLIPSIS ? 0 : 1;
	if (j->a[2] > SYS_MAX_VEC)
		return sys_fail(err, col, j->call->args[2], "epoll_wait: at most %d events", SYS_MAX_VEC);
	if (nwant > (j->a[2] > 0 ? j->a[2] : 1))
		return sys_fail(err, col, e, "epoll_wait: %d events to check but maxevents is %lld", nwant, j->a[2]);
	for (int i = 0; i < nwant; i++) {
		struct epoll_event ev;
		long long fd;
		if (one_event(env, want[i], &ev, &fd, err, col))
			return -1;
	}
	j->nev = j->a[2] > 0 ? (int)j->a[2] : 1;
	j->ev = xcalloc((size_t)j->nev, sizeof(*j->ev));
	j->timeout = (int)j->a[3];
	return 0;
}

long long sys_run_epoll_wait(struct sys_job *j)
{
	return epoll_wait(j->fd, j->ev, (int)j->a[2], j->timeout);
}

/* The data of an event the kernel returned, as the line would write it. */
static void event_text(const struct sys_env *env, struct sb *out, const struct epoll_event *ev)
{
	int sfd = ev->data.u64 >> 32 ? -1 : sys_script_fd(env, ev->data.fd);
	sb_add(out, "{events=");
	sys_flags_text(out, sys_epoll_flags, ev->events);
	if (sfd >= 0)
		sb_addf(out, ", fd=%d}", sfd);
	else
		sb_addf(out, ", u64=%llu}", (unsigned long long)ev->data.u64);
}

static void check_event(const struct sys_env *env, int i, const struct syn_expr *st, const struct epoll_event *got,
			struct sys_outcome *out)
{
	struct epoll_event want = {0, {0}};
	long long fd = -1;
	struct sb ignored = SB_INIT;
	int col = 0;
	int bad = one_event(env, st, &want, &fd, &ignored, &col);
	sb_free(&ignored);
	if (bad)
		return;
	out->checked = true;
	bool same_data = sys_field(st, "u32") ? want.data.u32 == got->data.u32
			 : fd >= 0		  ? want.data.fd == got->data.fd
						  : want.data.u64 == got->data.u64;
	if (want.events == got->events && same_data)
		return;
	sb_addf(&out->why, "event %d: expected ", i);
	event_text(env, &out->why, &want);
	sb_add(&out->why, ", the kernel wrote ");
	event_text(env, &out->why, got);
	sb_addc(&out->why, '\n');
}

void sys_check_epoll_wait(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_expr *e = j->call->args[1];
	for (long long i = 0; i < j->ret && i < j->nev; i++) {
		sb_add(&out->detail, i ? ", " : "");
		event_text(env, &out->detail, &j->ev[i]);
	}
	if (e->kind == SYN_E_LIST)
		for (int i = 0; i < e->nitems && i < j->nev; i++)
			check_event(env, i, e->items[i], &j->ev[i], out);
	else if (e->kind == SYN_E_STRUCT)
		check_event(env, 0, e, &j->ev[0], out);
}

/* ---- readiness without consuming anything ---- */

bool sys_poll_ready(const struct sys_job *j)
{
	if (j->ev) { /* epoll_wait: its fd is readable when an event is ready */
		struct pollfd p = {.fd = j->fd, .events = POLLIN};
		return poll(&p, 1, 0) > 0;
	}
	if (!j->npfd)
		return false;
	/* a copy of fd and events only: a running poll writes revents */
	struct pollfd *copy = xcalloc((size_t)j->npfd, sizeof(*copy));
	for (int i = 0; i < j->npfd; i++) {
		copy[i].fd = j->pfd[i].fd;
		copy[i].events = j->pfd[i].events;
	}
	bool ready = poll(copy, (nfds_t)j->npfd, 0) > 0;
	free(copy);
	return ready;
}
