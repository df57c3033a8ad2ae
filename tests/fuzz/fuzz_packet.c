/*
 * libFuzzer target: raw IP bytes as the kernel might send them ->
 * codec_decode_span -> every printer: view_tcpdump_any on the bytes (twice,
 * so tcpdump's sequence memory is exercised), and on what decodes
 * view_tcpdump_line_data (with the payload and with zeros) and view_pd_line
 * (with and without known ISNs, both directions); then the decoded segment,
 * sent several times from both ends, through the expert annotations and the
 * explanations (annot, explain), and the raw bytes through the JSON string
 * writer. Built by `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "annot.h"
#include "codec.h"
#include "explain.h"
#include "json.h"
#include "fuzz.h"
#include "sb.h"
#include "view.h"


int fuzz_packet_one(const uint8_t *data, size_t size)
{
	uint8_t *bytes = xmalloc(size ? size : 1);
	memcpy(bytes, data, size);
	struct sb out, err;
	sb_init(&out);
	sb_init(&err);
	struct view_tcpdump *v = view_tcpdump_new();

	view_tcpdump_any(v, bytes, size, &out);
	sb_reset(&out);
	view_tcpdump_any(v, bytes, size, &out);
	sb_reset(&out);

	struct pkt p;
	struct codec_span s;
	memset(&p, 0, sizeof p);
	int r = codec_decode_span(bytes, size, &p, &s, &err);
	if (r >= 0) {
		const uint8_t *payload = NULL;
		if (r == 0 && s.end <= size && s.start <= s.end && p.payload_len <= s.end - s.start)
			payload = bytes + s.end - p.payload_len;
		struct view_tcpdump *v2 = view_tcpdump_new();
		view_tcpdump_line_data(v2, &p, payload, &out);
		sb_reset(&out);
		view_tcpdump_line_data(v2, &p, NULL, &out);
		sb_reset(&out);
		view_tcpdump_line(v2, &p, &out);
		sb_reset(&out);
		view_tcpdump_free(v2);

		struct view_pd_isn none = {0};
		struct view_pd_isn both = {true, true, p.seq - 1, p.ack - 1};
		view_pd_line('<', &p, &none, &out);
		sb_reset(&out);
		view_pd_line('>', &p, &both, &out);
		sb_reset(&out);

		struct annot *a = annot_new();
		for (int i = 0; i < 6; i++) {
			bool k = i % 3 == 1; /* peer, kernel, peer, ... as a conversation */
			struct annot_out o;
			explain_segment(annot_find(a, &p, k), &p, k, &out);
			annot_segment(a, &p, k, 0.1 * i, &o);
			annot_out_join(&o, &out);
			annot_out_free(&o);
			p.seq += p.payload_len;
		}
		annot_free(a);
		sb_reset(&out);
	}
	json_string(&out, (const char *)bytes, size);
	view_tcpdump_free(v);
	sb_free(&out);
	sb_free(&err);
	free(bytes);
	return 0;
}

FUZZ_ENTRY(fuzz_packet_one)
