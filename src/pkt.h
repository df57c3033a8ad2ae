/*
 * pkt: the decoded form of one IPv4/IPv6 + TCP segment, shared by the codec
 * (bytes <-> pkt), the connection model and the printers. Pure data: all
 * sequence and acknowledgement numbers here are the absolute on-the-wire
 * values; relative numbering is the connection model's business.
 */
#ifndef TCPSH_PKT_H
#define TCPSH_PKT_H

#include <stdbool.h>
#include <stdint.h>

/* TCP header flag bits as on the wire (byte 13), plus AE (byte 12, bit 0). */
enum {
	TCPF_FIN = 0x01,
	TCPF_SYN = 0x02,
	TCPF_RST = 0x04,
	TCPF_PSH = 0x08,
	TCPF_ACK = 0x10,
	TCPF_URG = 0x20,
	TCPF_ECE = 0x40,
	TCPF_CWR = 0x80,
	TCPF_AE = 0x100,
};

/* TCP option kinds we understand by name. */
enum {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACKOK = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TS = 8,
	TCPOPT_MD5 = 19,
	TCPOPT_FASTOPEN = 34,
	TCPOPT_EXP = 254, /* experimental; fast open uses magic 0xF989 */
};

#define PKT_MAX_OPTS 40
#define PKT_MAX_SACK 4
#define PKT_OPT_RAW_MAX 40

struct pkt_opt {
	uint8_t kind;
	uint8_t len; /* wire length including kind and length bytes; 1 for EOL/NOP */
	union {
		uint16_t mss;
		uint8_t wscale;
		struct {
			uint32_t val, ecr;
		} ts;
		struct {
			uint8_t n;
			struct {
				uint32_t left, right;
			} blk[PKT_MAX_SACK];
		} sack;
		struct {
			uint8_t n; /* bytes of data after kind/len (FO cookie, EXP magic+cookie, unknown kinds) */
			uint8_t data[PKT_OPT_RAW_MAX];
		} raw;
	} u;
};

/* ECN codepoint in the IP header's two low TOS/traffic-class bits. */
enum pkt_ecn { PKT_NOT_ECT = 0, PKT_ECT1 = 1, PKT_ECT0 = 2, PKT_CE = 3 };

struct pkt {
	int family;       /* 4 or 6 */
	uint8_t src[16];  /* IPv4 uses the first 4 bytes */
	uint8_t dst[16];
	uint8_t tos;      /* IPv4 TOS or IPv6 traffic class, ECN bits included */
	uint8_t ttl;      /* IPv4 TTL or IPv6 hop limit */
	uint16_t ip_id;   /* IPv4 only */
	bool df;          /* IPv4 don't-fragment */
	uint32_t flowlabel; /* IPv6 only */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t flags;   /* TCPF_* */
	uint16_t win;     /* raw 16-bit window field */
	uint16_t urg;
	uint8_t nopts;
	struct pkt_opt opts[PKT_MAX_OPTS];
	uint32_t payload_len;
	bool tcp_csum_ok; /* set by codec_decode */
	/* Non-TCP packets (proto != PKT_TCP): UDP uses sport, dport and
	 * payload_len; ICMP/ICMPv6 errors use the fields below and quote
	 * the offending packet (see codec_build_icmp). */
	uint8_t proto;       /* PKT_TCP (0 also means TCP), PKT_UDP, PKT_ICMP, PKT_ICMP6 */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_mtu;   /* "fragmentation needed" / "packet too big" */
};

enum { PKT_TCP = 6, PKT_UDP = 17, PKT_ICMP = 1, PKT_ICMP6 = 58 };

#endif
