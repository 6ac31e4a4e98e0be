/*
 * Copyright (c) 2026 The vsockdump authors
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its
 *    contributors may be used to endorse or promote products derived from
 *    this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
 * A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
 * HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
 * SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
 * LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
 * DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * API test for libpcap's vsockmon module (pcap-vsockmon.c).  Run as
 * root, linked against a libpcap that contains the module.
 *
 * Two kinds of traffic:
 *
 *  raw   (default when the kernel has no vsockmon): ifb devices named
 *        vsockmonN stand in for vsockmon devices; the test sends
 *        crafted vsockmon frames on them with AF_PACKET, so every
 *        count is exact.  libpcap is the one that ships: the test
 *        makes the kernel look as the module expects, without hooks
 *        in the module.  It must run in network and mount namespaces
 *        of its own, with /sys mounted there (distro/check-distro.sh
 *        runs it so): a stand-in's /sys/class/net/NAME/type has "826"
 *        bind-mounted over it, /sys/module gets a tmpfs with or without
 *        a "vsockmon" entry (whether the kernel "can make one"), and,
 *        linked with -Wl,--wrap=sendto (stand-in.c), the module's
 *        RTM_NEWLINK for a vsockmon device makes an ifb device.
 *  vsock (when the kernel has vsockmon and vsock_loopback): real
 *        AF_VSOCK traffic over CID 1; counts are lower bounds, and
 *        only the invariants (captured + dropped == received) are
 *        exact.
 *
 * Prints one line per check and "N passed, N failed"; exit status 1 if
 * anything failed.
 */

#define _GNU_SOURCE	/* setns() */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <linux/vm_sockets.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <fcntl.h>

#include <pcap/pcap.h>

#include "stand-in.h"

#ifndef DLT_VSOCK
#define DLT_VSOCK 271
#endif

static int passed, failed;
static int raw_mode;
static pid_t test_pid;		/* in the test's own network namespace */
static const char *kind = "vsockmon";	/* "ifb" in raw mode */

static void
check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", ok ? "PASS" : "FAIL", name);
	if (fmt != NULL) {
		printf(" (");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(")");
	}
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
if_exists(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return stat(path, &st) == 0;
}

/* Names of the existing vsockmonN devices, space-separated. */
static void
list_vsockmon(char *buf, size_t len)
{
	char name[32];
	int i;

	buf[0] = '\0';
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "vsockmon%d", i);
		if (if_exists(name)) {
			strncat(buf, name, len - strlen(buf) - 2);
			strncat(buf, " ", len - strlen(buf) - 1);
		}
	}
}

/* Delete a device (first the type a stand-in has over it). */
static void
del_dev(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
	if (raw_mode)
		(void)umount2(path, MNT_DETACH);
	sh("ip link del %s 2>/dev/null", name);
}

static void
remove_all_vsockmon(void)
{
	char name[32];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "vsockmon%d", i);
		if (if_exists(name))
			del_dev(name);
	}
}

/* A stand-in: /sys/class/net/NAME/type says 826 (ARPHRD_VSOCKMON). */
static int
stand_in_type(const char *name)
{
	static const char file[] = "/tmp/vsockmon-api-test.type";
	char path[128];
	FILE *f;

	f = fopen(file, "w");
	if (f == NULL || fprintf(f, "826\n") < 0 || fclose(f) != 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
	return mount(file, path, NULL, MS_BIND, NULL);
}

/*
 * Whether the kernel "can make" a vsockmon device, as the module finds
 * out: /sys/module/vsockmon exists, on a tmpfs of ours over /sys/module.
 */
static void
stand_in_module(int loaded)
{
	(void)umount2("/sys/module", MNT_DETACH);
	if (mount("none", "/sys/module", "tmpfs", 0, NULL) == 0 && loaded)
		(void)mkdir("/sys/module/vsockmon", 0755);
}

static int
make_dev(const char *name, int up)
{
	if (sh("ip link add name %s type %s", name, kind) != 0)
		return -1;
	if (raw_mode) {
		/* An ifb stand-in would send IPv6 ND/MLD of its own. */
		sh("sysctl -q -w net.ipv6.conf.%s.disable_ipv6=1 "
		    ">/dev/null 2>&1", name);
		if (stand_in_type(name) != 0)
			return -1;
	}
	if (up && sh("ip link set %s up", name) != 0)
		return -1;
	return 0;
}

/*
 * The network namespace of a capture's socket, as an fd (SIOCGSKNS),
 * and whether it is the test's own.
 */
static int
capture_netns(pcap_t *p)
{
	return ioctl(pcap_fileno(p), SIOCGSKNS);
}

static int
same_netns(int nsfd)
{
	struct stat a, b;

	return fstat(nsfd, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/*
 * In the namespace nsfd: does it have a device NAME, and leave there a
 * veth whose peer, vsmwatch0, is in the test's namespace.  A veth
 * pair goes when either end goes, so vsmwatch0 disappears when that
 * namespace ends.  Returns 0 when both were done.
 */
static int
watch_netns(int nsfd, const char *name)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET) == -1 || if_nametoindex(name) == 0)
			_exit(1);
		_exit(sh("ip link add vsmwatch1 type veth peer name vsmwatch0 "
		    "netns %d", (int)test_pid) == 0 ? 0 : 2);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && if_exists("vsmwatch0") ?
	    0 : -1;
}

/* Wait (2 s at most) for the namespace watch_netns() watches to end. */
static int
watched_netns_ended(void)
{
	int i;

	for (i = 0; i < 200 && if_exists("vsmwatch0"); i++)
		msleep(10);
	if (if_exists("vsmwatch0")) {
		sh("ip link del vsmwatch0 2>/dev/null");
		return 0;
	}
	return 1;
}

/*
 * Traffic.
 */

struct frame_spec {
	uint32_t src_cid, dst_cid, src_port, dst_port;
	unsigned payload;
};

static void
put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Send count crafted vsockmon frames on dev (raw mode). */
static int
send_raw(const char *dev, const struct frame_spec *fs, int count)
{
	unsigned char buf[1500];
	struct sockaddr_ll sll;
	size_t len = 76 + fs->payload;
	int fd, i;

	memset(buf, 0, sizeof(buf));
	put_le(buf + 0, fs->src_cid, 8);
	put_le(buf + 8, fs->dst_cid, 8);
	put_le(buf + 16, fs->src_port, 4);
	put_le(buf + 20, fs->dst_port, 4);
	put_le(buf + 24, 4, 2);		/* PAYLOAD */
	put_le(buf + 26, 2, 2);		/* VIRTIO */
	put_le(buf + 28, 44, 2);
	put_le(buf + 32, fs->src_cid, 8);
	put_le(buf + 40, fs->dst_cid, 8);
	put_le(buf + 48, fs->src_port, 4);
	put_le(buf + 52, fs->dst_port, 4);
	put_le(buf + 56, fs->payload, 4);
	put_le(buf + 60, 1, 2);		/* STREAM */
	put_le(buf + 62, 5, 2);		/* RW */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(dev);
	sll.sll_protocol = htons(ETH_P_IP);
	for (i = 0; i < count; i++) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) != (ssize_t)len) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

/*
 * Send count messages over vsock loopback (vsock mode): returns the
 * number of messages sent, each of which shows up as at least one
 * packet.
 */
static int
send_vsock(unsigned port, int count, unsigned size)
{
	struct sockaddr_vm sa;
	int l, c, a, i, sent = 0;
	char buf[4096], rbuf[65536];

	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = VMADDR_CID_LOCAL;
	sa.svm_port = port;
	l = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (l == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(l, 1) == -1) {
		close(l);
		return -1;
	}
	c = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (c == -1 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(l);
		return -1;
	}
	a = accept(l, NULL, NULL);
	memset(buf, 'x', sizeof(buf));
	if (size > sizeof(buf))
		size = sizeof(buf);
	for (i = 0; i < count; i++) {
		if (send(c, buf, size, 0) == (ssize_t)size)
			sent++;
		(void)recv(a, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	}
	close(c);
	if (a != -1)
		close(a);
	close(l);
	return sent;
}

/* Generic: send count "data" packets; returns the exact or minimum count. */
static int
send_data(const char *dev, int count)
{
	static unsigned port = 40000;
	struct frame_spec fs = { 1, 1, 1234, 12345, 10 };

	if (raw_mode)
		return send_raw(dev, &fs, count) == 0 ? count : -1;
	return send_vsock(port++, count, 10);
}

/*
 * Capture helpers.
 */

static pcap_t *
open_dev(const char *dev, int immediate, int timeout, int snaplen,
    int *status, char *errbuf)
{
	pcap_t *p;

	p = pcap_create(dev, errbuf);
	if (p == NULL) {
		*status = PCAP_ERROR;
		return NULL;
	}
	pcap_set_snaplen(p, snaplen);
	pcap_set_timeout(p, timeout);
	pcap_set_immediate_mode(p, immediate);
	*status = pcap_activate(p);
	if (*status < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

struct counter {
	int n;
	unsigned last_caplen, last_len;
};

static void
count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	struct counter *c = (struct counter *)user;

	(void)b;
	c->n++;
	c->last_caplen = h->caplen;
	c->last_len = h->len;
}

/* Dispatch until want packets or ms milliseconds passed. */
static int
collect(pcap_t *p, struct counter *c, int want, int ms)
{
	double end = now_ms() + ms;

	while (c->n < want && now_ms() < end) {
		if (pcap_dispatch(p, -1, count_cb, (u_char *)c) < 0)
			return -1;
	}
	return c->n;
}

static void
quiet_period(pcap_t *p, struct counter *c, int ms)
{
	double end = now_ms() + ms;

	while (now_ms() < end)
		(void)pcap_dispatch(p, -1, count_cb, (u_char *)c);
}

/*
 * Tests.
 */

static void
test_findalldevs(const char *expect_dev, int expect_pseudo)
{
	pcap_if_t *all, *d;
	char errbuf[PCAP_ERRBUF_SIZE];
	int n_dev = 0, n_pseudo = 0, desc_ok = 1, other = 0;

	if (pcap_findalldevs(&all, errbuf) == -1) {
		check(0, "findalldevs", "%s", errbuf);
		return;
	}
	for (d = all; d != NULL; d = d->next) {
		if (strncmp(d->name, "vsockmon", 8) != 0)
			continue;
		if (strcmp(d->name, "vsockmon") == 0)
			n_pseudo++;
		else if (expect_dev && strcmp(d->name, expect_dev) == 0)
			n_dev++;
		else
			other++;
		if (d->description == NULL ||
		    strstr(d->description, "Linux vsock monitor") == NULL)
			desc_ok = 0;
	}
	pcap_freealldevs(all);
	if (expect_dev)
		check(n_dev == 1, "findalldevs lists the device once",
		    "%s listed %d times", expect_dev, n_dev);
	check(n_pseudo == (expect_pseudo ? 1 : 0),
	    expect_pseudo ? "findalldevs lists the vsockmon pseudo-device" :
	    "findalldevs has no pseudo-device when a device exists",
	    "%d entries", n_pseudo);
	check(desc_ok, "findalldevs description", NULL);
	(void)other;
}

static void
test_open_pseudo_creates(void)
{
	char before[512], during[512], after[512];
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int status, nsfd;

	list_vsockmon(before, sizeof(before));
	p = open_dev("vsockmon", 1, 100, 262144, &status, errbuf);
	check(p != NULL, "open \"vsockmon\" with no device",
	    "status %d %s", status, p ? "" : errbuf);
	if (p == NULL)
		return;
	check(pcap_datalink(p) == DLT_VSOCK, "datalink is DLT_VSOCK",
	    "%d", pcap_datalink(p));
	list_vsockmon(during, sizeof(during));
	check(strcmp(before, during) == 0,
	    "the created device is not in the caller's namespace",
	    "before '%s' during '%s'", before, during);
	nsfd = capture_netns(p);
	check(nsfd >= 0 && !same_netns(nsfd),
	    "the capture's socket is in a namespace of its own", "fd %d",
	    nsfd);
	check(nsfd >= 0 && watch_netns(nsfd, "vsockmon0") == 0,
	    "that namespace has the device vsockmon0", NULL);
	if (nsfd >= 0)
		close(nsfd);
	test_findalldevs(NULL, 1);
	pcap_close(p);
	check(watched_netns_ended(),
	    "pcap_close ends the namespace, and the device with it", NULL);
	list_vsockmon(after, sizeof(after));
	check(strcmp(before, after) == 0, "no device left behind",
	    "after '%s'", after);
}

/*
 * The created device goes even if the caller dropped its privileges
 * before pcap_close(), or exited without calling it.
 */
static void
test_private_device_lifetime(void)
{
	pid_t pid;
	int st = 0, how;

	for (how = 0; how < 2; how++) {
		pid = fork();
		if (pid == 0) {
			char errbuf[PCAP_ERRBUF_SIZE];
			int status, nsfd;
			pcap_t *p = open_dev("vsockmon", 1, 100, 262144,
			    &status, errbuf);

			if (p == NULL)
				_exit(2);
			nsfd = capture_netns(p);
			if (nsfd < 0 || watch_netns(nsfd, "vsockmon0") != 0)
				_exit(3);
			close(nsfd);
			if (how == 1)
				_exit(0);	/* no pcap_close at all */
			if (setgid(65534) == -1 || setuid(65534) == -1)
				_exit(4);
			pcap_close(p);
			_exit(0);
		}
		waitpid(pid, &st, 0);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		    watched_netns_ended(), how == 0 ?
		    "device removed at close after setuid" :
		    "device removed when the process exits without "
		    "pcap_close", "child status %d", WEXITSTATUS(st));
	}
}

static void
test_perm(const char *dev, const char *what, const char *needle)
{
	pid_t pid;
	int st = 0;
	int fds[2];
	char msg[PCAP_ERRBUF_SIZE + 16];
	ssize_t n;

	if (pipe(fds) == -1)
		return;
	pid = fork();
	if (pid == 0) {
		char errbuf[PCAP_ERRBUF_SIZE];
		int status;
		pcap_t *p;

		close(fds[0]);
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(3);
		p = open_dev(dev, 1, 100, 262144, &status, errbuf);
		if (p != NULL)
			_exit(4);
		dprintf(fds[1], "%d %s", status, errbuf);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	check(atoi(msg) == PCAP_ERROR_PERM_DENIED && strstr(msg, needle),
	    what, "%s", msg);
}

static void
test_nomodule(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int status;

	if (!raw_mode)
		return;
	stand_in_kind = "nosuchk";
	stand_in_module(0);
	p = open_dev("vsockmon", 1, 100, 262144, &status, errbuf);
	check(p == NULL && strstr(errbuf, "modprobe vsockmon") != NULL,
	    "module missing names modprobe", "status %d: %s", status,
	    p ? "opened" : errbuf);
	if (p != NULL)
		pcap_close(p);
	test_findalldevs(NULL, 0);
	stand_in_kind = "ifb";
	stand_in_module(1);
}

static void
test_errors(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int status;

	p = open_dev("vsockmon999", 1, 100, 262144, &status, errbuf);
	check(p == NULL && status == PCAP_ERROR_NO_SUCH_DEVICE &&
	    strstr(errbuf, "vsockmon") != NULL, "unknown vsockmonN",
	    "status %d: %s", status, p ? "opened" : errbuf);
	if (p)
		pcap_close(p);

	sh("ip link set %s down", dev);
	p = open_dev(dev, 1, 100, 262144, &status, errbuf);
	check(p == NULL && status == PCAP_ERROR_IFACE_NOT_UP &&
	    strstr(errbuf, "ip link set") != NULL, "device down",
	    "status %d: %s", status, p ? "opened" : errbuf);
	if (p)
		pcap_close(p);
	sh("ip link set %s up", dev);

	test_perm(dev, "no CAP_NET_RAW", "CAP_NET_RAW");
}

static void
test_basic(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE], before[512], after[512];
	struct counter c = { 0, 0, 0 };
	struct pcap_stat st, st2;
	pcap_t *p;
	int status, sent, r;

	/* "vsockmon" reuses an existing device that is up. */
	list_vsockmon(before, sizeof(before));
	p = open_dev("vsockmon", 1, 100, 262144, &status, errbuf);
	list_vsockmon(after, sizeof(after));
	check(p != NULL && strcmp(before, after) == 0,
	    "open \"vsockmon\" reuses the existing device", "'%s' -> '%s'",
	    before, after);
	if (p)
		pcap_close(p);
	list_vsockmon(after, sizeof(after));
	check(strcmp(before, after) == 0,
	    "close keeps a device we did not create", "'%s'", after);

	p = open_dev(dev, 1, 1000, 262144, &status, errbuf);
	check(p != NULL, "open by name", "%s", p ? dev : errbuf);
	if (p == NULL)
		return;

	sent = send_data(dev, 100);
	collect(p, &c, sent, 2000);
	quiet_period(p, &c, 100);
	if (raw_mode)
		check(c.n == sent, "capture count", "%d of %d", c.n, sent);
	else
		check(c.n >= sent, "capture count", "%d for %d sends", c.n,
		    sent);
	pcap_stats(p, &st);
	check(st.ps_recv == (u_int)c.n + st.ps_drop && st.ps_drop == 0,
	    "stats recv == captured + dropped", "recv %u drop %u captured %d",
	    st.ps_recv, st.ps_drop, c.n);

	/* Counters accumulate across calls. */
	c.n = 0;
	sent = send_data(dev, 20);
	collect(p, &c, sent, 2000);
	quiet_period(p, &c, 100);
	pcap_stats(p, &st2);
	check(st2.ps_recv == st.ps_recv + (u_int)c.n,
	    "stats accumulate", "%u then %u after %d more", st.ps_recv,
	    st2.ps_recv, c.n);

	r = pcap_inject(p, "x", 1);
	check(r == PCAP_ERROR && strstr(pcap_geterr(p), "injected") != NULL,
	    "inject refused", "%d: %s", r, pcap_geterr(p));

	check(pcap_get_selectable_fd(p) >= 0, "selectable fd", "%d",
	    pcap_get_selectable_fd(p));

	/* Non-blocking mode. */
	{
		double t0;
		struct pollfd pfd;

		pcap_setnonblock(p, 1, errbuf);
		check(pcap_getnonblock(p, errbuf) == 1, "getnonblock", NULL);
		c.n = 0;
		t0 = now_ms();
		r = pcap_dispatch(p, -1, count_cb, (u_char *)&c);
		check(r == 0 && now_ms() - t0 < 50,
		    "non-blocking dispatch returns at once", "%d in %.1f ms",
		    r, now_ms() - t0);
		sent = send_data(dev, 5);
		pfd.fd = pcap_get_selectable_fd(p);
		pfd.events = POLLIN;
		r = poll(&pfd, 1, 1000);
		check(r == 1, "selectable fd becomes readable", "poll %d", r);
		collect(p, &c, sent, 1000);
		check(c.n >= sent, "non-blocking capture", "%d of %d", c.n,
		    sent);
		pcap_setnonblock(p, 0, errbuf);
	}
	pcap_close(p);

	/* Packet buffer timeout: no traffic, dispatch returns 0. */
	p = open_dev(dev, 0, 200, 262144, &status, errbuf);
	if (p != NULL) {
		double t0 = now_ms();

		c.n = 0;
		r = pcap_dispatch(p, -1, count_cb, (u_char *)&c);
		check(r == 0 && now_ms() - t0 >= 150 && now_ms() - t0 < 1000,
		    "timeout expires with no packets", "%d after %.0f ms", r,
		    now_ms() - t0);
		pcap_close(p);
	}

	/* Snapshot length. */
	p = open_dev(dev, 1, 100, 40, &status, errbuf);
	if (p != NULL) {
		c.n = 0;
		sent = send_data(dev, 3);
		collect(p, &c, sent, 1000);
		check(c.n >= 1 && c.last_caplen == 40 && c.last_len > 40,
		    "snaplen 40", "caplen %u len %u", c.last_caplen,
		    c.last_len);
		pcap_close(p);
	}
}

/*
 * Stop by pcap_breakloop() from a signal handler, as tcpdump does,
 * right after traffic that is still in the open ring block.
 */
static pcap_t *bl_p;
static pthread_t main_thread;
static const char *bl_dev;
static int bl_sent;

static void
on_sigint(int sig)
{
	(void)sig;
	pcap_breakloop(bl_p);
}

static void *
bl_thread(void *arg)
{
	(void)arg;
	msleep(200);
	bl_sent = send_data(bl_dev, 50);
	pthread_kill(main_thread, SIGINT);
	return NULL;
}

static void
test_breakloop(const char *dev, int immediate)
{
	char errbuf[PCAP_ERRBUF_SIZE], name[96];
	struct counter c = { 0, 0, 0 };
	struct pcap_stat st, st2;
	struct sigaction sa;
	pthread_t t;
	pcap_t *p;
	int status, r, sent;
	double t0;

	p = open_dev(dev, immediate, 1000, 262144, &status, errbuf);
	if (p == NULL) {
		check(0, "breakloop open", "%s", errbuf);
		return;
	}
	bl_p = p;
	bl_dev = dev;
	main_thread = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	pthread_create(&t, NULL, bl_thread, NULL);
	r = pcap_loop(p, -1, count_cb, (u_char *)&c);
	t0 = now_ms();
	pthread_join(t, NULL);
	pcap_stats(p, &st);
	snprintf(name, sizeof(name), "breakloop drains the ring (%s)",
	    immediate ? "immediate" : "timeout 1000");
	check(r == PCAP_ERROR_BREAK && (raw_mode ? c.n == bl_sent :
	    c.n >= bl_sent), name, "loop %d, captured %d of %d", r, c.n,
	    bl_sent);
	check(st.ps_recv == (u_int)c.n + st.ps_drop,
	    "after breakloop: recv == captured + dropped",
	    "recv %u drop %u captured %d", st.ps_recv, st.ps_drop, c.n);

	/*
	 * Until the next read call the capture stays stopped: what is
	 * sent now is neither captured nor counted.
	 */
	sent = send_data(dev, 7);
	pcap_stats(p, &st2);
	check(st2.ps_recv == st.ps_recv, "stopped until the next read",
	    "recv %u then %u after %d sends", st.ps_recv, st2.ps_recv, sent);

	/* The next read resumes the capture. */
	c.n = 0;
	pcap_setnonblock(p, 1, errbuf);
	(void)pcap_dispatch(p, -1, count_cb, (u_char *)&c);
	pcap_setnonblock(p, 0, errbuf);
	check(c.n == 0, "nothing from the stopped period", "%d", c.n);
	sent = send_data(dev, 10);
	collect(p, &c, sent, 2000);
	check(raw_mode ? c.n == sent : c.n >= sent,
	    "capture resumes after breakloop", "%d of %d", c.n, sent);
	pcap_close(p);
	(void)t0;
	signal(SIGINT, SIG_DFL);
}

static void
test_filters(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct counter c = { 0, 0, 0 };
	struct bpf_program prog;
	struct pcap_stat st;
	struct frame_spec a = { 1, 1, 1234, 12345, 10 };
	struct frame_spec b = { 1, 1, 1234, 999, 10 };
	char *big;
	size_t len;
	pcap_t *p;
	int status, i, pass;

	if (!raw_mode)
		return;
	for (pass = 0; pass < 2; pass++) {
		p = open_dev(dev, 1, 100, 262144, &status, errbuf);
		if (p == NULL)
			return;
		if (pass == 0) {
			big = strdup("link[20:4] = 0x39300000");
		} else {
			/* Too long for the kernel: runs in userland. */
			len = 64 + 2200 * 40;
			big = malloc(len);
			strcpy(big, "link[20:4] = 0x39300000 and not (");
			for (i = 0; i < 2200; i++)
				sprintf(big + strlen(big), "%slink[64:4] = %d",
				    i ? " or " : "", 1000 + i);
			strcat(big, ")");
		}
		if (pcap_compile(p, &prog, big, 1, PCAP_NETMASK_UNKNOWN) ==
		    -1 || pcap_setfilter(p, &prog) == -1) {
			check(0, "filter", "%s", pcap_geterr(p));
			free(big);
			pcap_close(p);
			continue;
		}
		if (pass == 1)
			printf("      (userland filter of %u instructions)\n",
			    prog.bf_len);
		pcap_freecode(&prog);
		free(big);
		send_raw(dev, &a, 30);
		send_raw(dev, &b, 30);
		c.n = 0;
		collect(p, &c, 30, 2000);
		quiet_period(p, &c, 100);
		pcap_stats(p, &st);
		check(c.n == 30, pass ? "userland filter" : "kernel filter",
		    "%d of 30", c.n);
		check(st.ps_recv == 30 && st.ps_drop == 0,
		    pass ? "userland filter stats" : "kernel filter stats",
		    "recv %u drop %u", st.ps_recv, st.ps_drop);
		pcap_close(p);
	}
}

static void
test_direction(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct counter c;
	struct pcap_stat st;
	pcap_t *p;
	int status, d;
	/* 1 is always local; 0x7654321 never is. */
	struct frame_spec fs[4] = {
		{ 1, 1, 1, 2, 0 },		/* loopback: in and out */
		{ 0x7654321, 1, 1, 2, 0 },	/* in */
		{ 1, 0x7654321, 1, 2, 0 },	/* out */
		{ 0x7654321, 0x7654321, 1, 2, 0 },	/* neither */
	};
	static const char *names[] = { "-Q in", "-Q out", "-Q inout" };
	static const pcap_direction_t dirs[] = { PCAP_D_IN, PCAP_D_OUT,
	    PCAP_D_INOUT };
	static const int expect[] = { 20, 20, 40 };

	if (!raw_mode)
		return;
	for (d = 0; d < 3; d++) {
		int i;

		p = open_dev(dev, 1, 100, 262144, &status, errbuf);
		if (p == NULL)
			return;
		if (pcap_setdirection(p, dirs[d]) == -1) {
			check(0, names[d], "%s", pcap_geterr(p));
			pcap_close(p);
			continue;
		}
		for (i = 0; i < 4; i++)
			send_raw(dev, &fs[i], 10);
		memset(&c, 0, sizeof(c));
		collect(p, &c, expect[d], 2000);
		quiet_period(p, &c, 100);
		pcap_stats(p, &st);
		check(c.n == expect[d] && st.ps_recv == (u_int)expect[d],
		    names[d], "captured %d recv %u, expected %d", c.n,
		    st.ps_recv, expect[d]);
		pcap_close(p);
	}
}

/* The device is removed during the capture. */
static const char *vanish_dev;
static int vanish_sent;

static void *
vanish_thread(void *arg)
{
	(void)arg;
	msleep(200);
	vanish_sent = send_data(vanish_dev, 20);
	del_dev(vanish_dev);
	return NULL;
}

static void
test_vanish(const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct counter c = { 0, 0, 0 };
	pthread_t t;
	pcap_t *p;
	int status, r;

	p = open_dev(dev, 0, 1000, 262144, &status, errbuf);
	if (p == NULL) {
		check(0, "vanish open", "%s", errbuf);
		return;
	}
	vanish_dev = dev;
	pthread_create(&t, NULL, vanish_thread, NULL);
	do {
		r = pcap_loop(p, -1, count_cb, (u_char *)&c);
	} while (r == 0);
	pthread_join(t, NULL);
	check(r == PCAP_ERROR && strstr(pcap_geterr(p), "removed") != NULL,
	    "device removed mid-capture gives an error", "%d: %s", r,
	    pcap_geterr(p));
	check(raw_mode ? c.n == vanish_sent : c.n >= vanish_sent,
	    "packets before the removal are delivered", "%d of %d", c.n,
	    vanish_sent);
	pcap_close(p);
}

int
main(int argc, char **argv)
{
	struct stat st;
	const char *dev = "vsockmon7";

	if (argc > 1 && strcmp(argv[1], "-r") == 0)
		raw_mode = 1;
	else if (argc > 1 && strcmp(argv[1], "-v") == 0)
		raw_mode = 0;
	else
		raw_mode = stat("/sys/module/vsockmon", &st) != 0 &&
		    sh("ip link add name vsockmontry type vsockmon "
		    "2>/dev/null") != 0;
	if (!raw_mode)
		sh("ip link del vsockmontry 2>/dev/null");
	kind = raw_mode ? "ifb" : "vsockmon";
	test_pid = getpid();
	if (raw_mode) {
		stand_in_kind = "ifb";
		stand_in_module(1);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# %s; mode %s\n", pcap_lib_version(),
	    raw_mode ? "raw (ifb stand-ins)" : "vsock (real vsockmon)");

	remove_all_vsockmon();
	test_findalldevs(NULL, 1);
	test_perm("vsockmon", "creating needs CAP_NET_ADMIN", "CAP_NET_ADMIN");
	test_nomodule();
	test_open_pseudo_creates();
	test_private_device_lifetime();

	if (make_dev(dev, 1) != 0) {
		check(0, "create test device", "%s", dev);
		goto out;
	}
	test_findalldevs(dev, 0);
	test_basic(dev);
	test_breakloop(dev, 0);
	test_breakloop(dev, 1);
	test_filters(dev);
	test_direction(dev);
	test_errors(dev);
	test_vanish(dev);
out:
	remove_all_vsockmon();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
