/*
 * profile: the classic and modern TCP profiles (see profile.h). One table
 * row per sysctl: adding a behaviour to switch off is one line.
 */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

static const struct profile_setting settings[] = {
	{"net.ipv4.tcp_sack", "0", "no selective acknowledgements (RFC 2018): only cumulative ACKs"},
	{"net.ipv4.tcp_dsack", "0", "no duplicate-SACK reports (RFC 2883)"},
	{"net.ipv4.tcp_timestamps", "0", "no timestamps option (RFC 7323): one RTT sample per window"},
	{"net.ipv4.tcp_window_scaling", "0", "no window scaling (RFC 7323): windows of at most 65535 bytes"},
	{"net.ipv4.tcp_ecn", "0", "no Explicit Congestion Notification (RFC 3168)"},
	{"net.ipv4.tcp_frto", "0", "no F-RTO (RFC 5682): every timeout counts as a loss"},
	{"net.ipv4.tcp_early_retrans", "0", "no tail loss probes: a lost last segment waits for the RTO"},
	{"net.ipv4.tcp_recovery", "0", "no RACK: three duplicate ACKs trigger fast retransmit"},
	{"net.ipv4.tcp_fastopen", "0", "no TCP Fast Open: no data in SYNs"},
	{"net.ipv4.tcp_syncookies", "0", "no SYN cookies: a full backlog drops SYNs"},
	{"net.ipv4.tcp_congestion_control", "reno", "Reno congestion control: slow start, then AIMD, as textbooks tell"},
	{"net.ipv4.tcp_no_metrics_save", "1", "nothing remembered between connections (RTT, ssthresh)"},
	{"net.ipv4.tcp_autocorking", "0", "no autocorking: small writes go out as Nagle allows"},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

const struct profile_setting *profile_setting_at(size_t i)
{
	return i < NSETTINGS ? &settings[i] : NULL;
}

void profile_defaults_read(struct profile_defaults *d)
{
	d->n = NSETTINGS;
	d->value = xcalloc(NSETTINGS, sizeof(*d->value));
	for (size_t i = 0; i < NSETTINGS; i++) {
		struct sb v = SB_INIT, err = SB_INIT;
		if (sandbox_sysctl_get(settings[i].key, &v, &err) == 0)
			d->value[i] = sb_detach(&v);
		sb_free(&v);
		sb_free(&err);
	}
}

void profile_defaults_free(struct profile_defaults *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->value[i]);
	free(d->value);
	d->value = NULL;
	d->n = 0;
}

int profile_apply(const char *name, const struct profile_defaults *d, const char *indent, struct sb *out)
{
	bool classic = !strcmp(name, "classic");
	if (!classic && strcmp(name, "modern"))
		return -1;
	int failed = 0;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v = classic ? settings[i].classic : i < d->n ? d->value[i] : NULL;
		if (!v) {
			sb_addf(out, "%s%s: not in this kernel, left alone\n", indent, settings[i].key);
			continue;
		}
		struct sb err = SB_INIT;
		if (sandbox_sysctl_set(settings[i].key, v, &err)) {
			sb_addf(out, "%s%s\n", indent, sb_str(&err));
			failed++;
		} else {
			sb_addf(out, "%s%s = %s", indent, settings[i].key, v);
			int pad = 44 - (int)(strlen(settings[i].key) + strlen(v)); /* the meanings in a column */
			if (classic)
				sb_addf(out, "%*s%s", pad > 1 ? pad : 1, "", settings[i].what);
			sb_addc(out, '\n');
		}
		sb_free(&err);
	}
	return failed;
}

void profile_show(const struct profile_defaults *d, const char *indent, struct sb *out)
{
	bool is_classic = true, is_modern = true;
	for (size_t i = 0; i < NSETTINGS; i++) {
		struct sb v = SB_INIT, err = SB_INIT;
		const char *def = i < d->n ? d->value[i] : NULL;
		if (sandbox_sysctl_get(settings[i].key, &v, &err)) {
			sb_addf(out, "%s%s\n", indent, sb_str(&err));
		} else {
			bool changed = def && strcmp(def, sb_str(&v));
			sb_addf(out, "%s%s = %s", indent, settings[i].key, sb_str(&v));
			if (changed)
				sb_addf(out, "   (this kernel's default: %s)", def);
			sb_addc(out, '\n');
			is_modern = is_modern && !changed;
			is_classic = is_classic && !strcmp(sb_str(&v), settings[i].classic);
		}
		sb_free(&v);
		sb_free(&err);
	}
	sb_addf(out, "%s%s\n", indent,
		is_classic  ? "these are the classic profile's values"
		: is_modern ? "these are this kernel's defaults: the modern profile"
			    : "neither profile: some values were changed by hand");
}
