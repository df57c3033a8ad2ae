/*
 * test_consts: the constant, errno, system-call and ICMP tables: values
 * match the system headers, names are unique, every constant the corpus
 * scripts use is there, and "did you mean" picks the right neighbour.
 */
#include "check.h"
#include "consts.h"
#include "consts_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static long long value_of(const char *name)
{
	long long v = -12345;
	CHECK(consts_lookup(name, &v));
	return v;
}

static void test_values(void)
{
	CHECK_INT(value_of("SO_REUSEADDR"), SO_REUSEADDR);
	CHECK_INT(value_of("SOL_SOCKET"), SOL_SOCKET);
	CHECK_INT(value_of("SOL_TCP"), IPPROTO_TCP);
	CHECK_INT(value_of("IPPROTO_TCP"), IPPROTO_TCP);
	CHECK_INT(value_of("SOCK_NONBLOCK"), SOCK_NONBLOCK);
	CHECK_INT(value_of("TCP_NODELAY"), TCP_NODELAY);
	CHECK_INT(value_of("TCP_FASTOPEN_CONNECT"), TCP_FASTOPEN_CONNECT);
	CHECK_INT(value_of("MSG_FASTOPEN"), MSG_FASTOPEN);
	CHECK_INT(value_of("O_NONBLOCK"), O_NONBLOCK);
	CHECK_INT(value_of("F_SETFL"), F_SETFL);
	CHECK_INT(value_of("POLLRDHUP"), POLLRDHUP);
	CHECK_INT(value_of("EPOLLET"), EPOLLET);
	CHECK_INT(value_of("TCP_ESTABLISHED"), TCP_ESTABLISHED);
	CHECK_INT(value_of("TCP_CA_Recovery"), TCP_CA_Recovery);
	CHECK_INT(value_of("TCPI_OPT_SYN_DATA"), TCPI_OPT_SYN_DATA);
	CHECK_INT(value_of("TCP_INFINITE_SSTHRESH"), 0x7fffffff);
	/* errno names are values too (ee_errno=ENOMSG) */
	CHECK_INT(value_of("ENOMSG"), ENOMSG);
	long long v;
	CHECK(!consts_lookup("SO_REUSEADR", &v));
	CHECK(!consts_lookup("so_reuseaddr", &v));
	CHECK(!consts_lookup("", &v));
}

/* Every uppercase name the corpus passes to a call or checks in %{ }%. */
static void test_corpus_names(void)
{
	static const char *const names[] = {
		"IPPROTO_TCP", "SOCK_STREAM", "SOL_SOCKET", "MSG_FASTOPEN", "SO_REUSEADDR", "O_RDWR", "F_SETFL",
		"O_NONBLOCK", "TCPI_OPT_SYN_DATA", "SOL_TCP", "EPOLLOUT", "MSG_ERRQUEUE", "TCP_FASTOPEN_CONNECT",
		"MSG_ZEROCOPY", "POLLOUT", "EPOLLET", "EPOLLERR", "MSG_EOR", "TCP_INFINITE_SSTHRESH", "SO_SNDBUF",
		"MSG_MORE", "EPOLLIN", "TCP_FASTOPEN", "SO_EE_CODE_ZEROCOPY_COPIED", "SO_EE_ORIGIN_ZEROCOPY",
		"TCP_CLOSE", "SO_ZEROCOPY", "TCP_NOTSENT_LOWAT", "TCP_MAXSEG", "SO_EE_ORIGIN_TIMESTAMPING",
		"SCM_TIMESTAMPING", "POLLIN", "POLLERR", "MSG_TRUNC", "ENOMSG", "MSG_DONTWAIT", "TCP_NODELAY",
		"TCP_CM_INQ", "SCM_TSTAMP_SND", "SCM_TSTAMP_SCHED", "SCM_TSTAMP_ACK", "EPOLL_CTL_ADD", "TCP_CORK",
		"SIOCINQ", "TCP_INQ", "SHUT_RDWR", "POLLHUP", "F_GETFL", "TCP_FASTOPEN_KEY", "TCP_CLOSE_WAIT",
		"SOF_TIMESTAMPING_SOFTWARE", "SOF_TIMESTAMPING_OPT_ID", "SHUT_RD", "MSG_NOSIGNAL",
		"TCP_USER_TIMEOUT", "TCP_SYNCNT", "SO_ERROR", "SOL_IP", "SHUT_WR", "EPOLLONESHOT",
		"SO_TIMESTAMPING", "SOF_TIMESTAMPING_TX_SOFTWARE", "SOF_TIMESTAMPING_TX_SCHED",
		"SOF_TIMESTAMPING_TX_ACK", "IP_TOS", "POLLRDHUP", "EPOLL_CTL_MOD", "EPOLLEXCLUSIVE", "AF_UNSPEC",
		"TCP_KEEPIDLE", "TCP_ESTABLISHED", "TCP_CA_CWR", "SO_MARK", "SO_KEEPALIVE", "O_RDONLY",
		"IP_PMTUDISC_DONT", "IP_MTU_DISCOVER", "IP_FREEBIND", "SOL_IPV6", "IPV6_RECVERR", "IP_RECVERR",
		"TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_LAST_ACK", "TCP_CA_Open", "TCP_CA_Loss", "TCP_CA_Disorder",
		"SIOCOUTQ", "SIOCOUTQNSD", "FIONREAD", "SPLICE_F_MOVE", "F_SETPIPE_SZ", "FD_CLOEXEC",
		"SOCK_CLOEXEC", "IPV6_TCLASS", "IPV6_V6ONLY", "TCP_ZEROCOPY_RECEIVE", "TCP_TX_DELAY",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		long long v;
		if (!consts_lookup(names[i], &v)) {
			printf("  missing %s\n", names[i]);
			check_failures++;
		}
	}
}

/* Each index names a constant that looks up, and no name appears twice. */
static void test_table(void)
{
	size_t n = consts_count();
	CHECK(n > 400);
	for (size_t i = 0; i < n; i++) {
		long long v;
		const char *name = consts_name_at(i);
		CHECK(name && consts_lookup(name, &v));
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(name, consts_name_at(j)) == 0) {
				printf("  %s twice\n", name);
				check_failures++;
			}
	}
	CHECK(consts_name_at(n) == NULL);
}

static void test_errno(void)
{
	CHECK_INT(consts_errno_lookup("EINPROGRESS"), EINPROGRESS);
	CHECK_INT(consts_errno_lookup("EWOULDBLOCK"), EAGAIN);
	CHECK_INT(consts_errno_lookup("ENOTSUP"), EOPNOTSUPP);
	CHECK_INT(consts_errno_lookup("EFOO"), -1);
	CHECK_STR(consts_errno_name(EAGAIN), "EAGAIN");
	CHECK_STR(consts_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	CHECK_STR(consts_errno_name(EDEADLK), "EDEADLK");
	CHECK_STR(consts_errno_name(ECONNREFUSED), "ECONNREFUSED");
	CHECK_STR(consts_errno_name(EHWPOISON), "EHWPOISON");
	CHECK(consts_errno_name(0) == NULL);
	CHECK(consts_errno_name(100000) == NULL);
	CHECK_STR(consts_errno_suggest("EINPROGRES"), "EINPROGRESS");
	CHECK_STR(consts_errno_suggest("econnreset"), "ECONNRESET");
	CHECK(consts_errno_suggest("SO_REUSEADDR") == NULL);
}

static void test_syscalls(void)
{
	const struct consts_syscall *sc = consts_syscall_lookup("fcntl");
	CHECK(sc && sc->min_args == 2 && sc->max_args == 3);
	sc = consts_syscall_lookup("sendto");
	CHECK(sc && sc->min_args == 6 && sc->max_args == 6);
	CHECK(consts_syscall_lookup("Socket") == NULL);
	CHECK_STR(consts_syscall_suggest("sockt"), "socket");
	CHECK_STR(consts_syscall_suggest("Socket"), "socket");
	CHECK_STR(consts_syscall_suggest("epoll_wiat"), "epoll_wait");
	CHECK_STR(consts_syscall_suggest("acept4"), "accept4");
	CHECK(consts_syscall_suggest("frobnicate") == NULL);
	size_t n = consts_syscall_count();
	CHECK(n >= 33);
	for (size_t i = 0; i < n; i++)
		CHECK(consts_syscall_lookup(consts_syscall_at(i)->name) == consts_syscall_at(i));
	CHECK(consts_syscall_at(n) == NULL);
}

static void test_suggest(void)
{
	CHECK_STR(consts_suggest("SO_REUSEADR"), "SO_REUSEADDR");
	CHECK_STR(consts_suggest("so_reuseaddr"), "SO_REUSEADDR");
	CHECK_STR(consts_suggest("IPPROTO_TPC"), "IPPROTO_TCP");
	CHECK_STR(consts_suggest("EINPROGESS"), "EINPROGRESS");
	CHECK(consts_suggest("COMPLETELY_UNKNOWN") == NULL);
	CHECK(consts_suggest("X") == NULL);
	/* a 100 kB name is cheap: the length difference settles it */
	char *big = malloc(100001);
	memset(big, 'A', 100000);
	big[100000] = 0;
	CHECK(consts_suggest(big) == NULL);
	free(big);
}

static const char *const family_names[] = {"Y_ABCD", "X_ABCE"};

static const char *family_at(const void *ctx, size_t i)
{
	(void)ctx;
	return family_names[i];
}

/* Ties go to the same prefix family, then to the earlier name. */
static void test_closest(void)
{
	CHECK_STR(consts_closest("X_ABCD", family_at, NULL, 2), "X_ABCE");
	CHECK_STR(consts_closest("Z_ABCD", family_at, NULL, 2), "Y_ABCD");
	CHECK_INT(consts_edit_distance("kitten", "sitting", 5), 3);
	CHECK_INT(consts_edit_distance("kitten", "sitting", 2), 3);
	CHECK_INT(consts_edit_distance("", "abc", 5), 3);
	CHECK_INT(consts_edit_distance("abc", "abc", 0), 0);
	CHECK_INT(consts_edit_distance("abc", "ABC", 5), 3);
}

static void test_icmp(void)
{
	const struct consts_icmp *t = consts_icmp_type("unreachable");
	CHECK(t && t->v4 == 3 && t->v6 == 1);
	const struct consts_icmp *c = consts_icmp_code("unreachable", "frag_needed");
	CHECK(c && c->v4 == 4 && c->v6 == -1);
	c = consts_icmp_code("unreachable", "port_unreachable");
	CHECK(c && c->v4 == 3 && c->v6 == 4);
	CHECK(consts_icmp_type("frag_needed") == NULL);
	CHECK(consts_icmp_code("time_exceeded", "frag_needed") == NULL);
	CHECK(consts_icmp_code(NULL, "frag_needed") == NULL);
	CHECK_STR(consts_icmp_suggest(NULL, "unrechable"), "unreachable");
	CHECK_STR(consts_icmp_suggest("unreachable", "frag_neded"), "frag_needed");
	CHECK(consts_icmp_suggest(NULL, "frag_neded") == NULL);
}

int main(void)
{
	RUN(test_values);
	RUN(test_corpus_names);
	RUN(test_table);
	RUN(test_errno);
	RUN(test_syscalls);
	RUN(test_suggest);
	RUN(test_closest);
	RUN(test_icmp);
	CHECK_EXIT();
}
