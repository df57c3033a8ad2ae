/*
 * capture_nodbus: libpcap's D-Bus capture source, switched off, for a
 * static libpcap only (the Makefile links this file into tcpsh then, and
 * into nothing else).
 *
 * libpcap reaches every capture source through a table in pcap.o; Debian
 * builds it with D-Bus support, so a static link pulls in pcap-dbus.o and,
 * through it, libdbus-1 and what that loads: libsystemd, libgcrypt,
 * libgpg-error, liblzma, libzstd, liblz4, libcap. Nine shared objects that
 * tcpsh never uses cost about 2 ms of CPU on every start (loading, mapping,
 * relocating: README "Performance"). Defining the two entry points the
 * table names keeps pcap-dbus.o out of the link: pcap_create then asks this
 * source, is told the device is not its, and goes on to the Linux one, as
 * it does for any name that is not "dbus-system" or "dbus-session".
 *
 * The signatures are libpcap's own (pcap-dbus.h, not installed); the
 * Makefile only links this file when libpcap.a defines exactly these two.
 */
#include <stddef.h>

#include <pcap/pcap.h>

struct pcap_if_list;

pcap_t *dbus_create(const char *device, char *ebuf, int *is_ours);
int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf);

/* No device is ours: tcpsh captures on its TUN device only. */
pcap_t *dbus_create(const char *device, char *ebuf, int *is_ours)
{
	(void)device;
	(void)ebuf;
	*is_ours = 0;
	return NULL;
}

/* No D-Bus devices to list (success, nothing added). */
int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf)
{
	(void)devlistp;
	(void)errbuf;
	return 0;
}
