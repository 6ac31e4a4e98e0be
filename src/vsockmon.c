/*
 * Copyright (c) 2026 The vsockdump authors
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
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
 * vsockmon devices, for vsockdump on a libpcap that has no vsockmon
 * module of its own: finding one that is up, or making one for the
 * capture alone, naming them in -D, advice when the kernel module or a
 * privilege is missing, and the local CIDs that -Q is defined by.
 *
 * The work is done by vsockmon-device.frag, the code libpcap's module
 * (pcap-vsockmon.c) is built with too, so that both behave the same.  In
 * particular a device made for a capture lives in a network namespace
 * that only the capture's packet socket holds, as the module's does:
 * vsockdump enters the new namespace, libpcap's pcap_activate() opens
 * its socket there, and vsockdump returns to its own namespace, where
 * everything else it does (files, names, the process's own vsock
 * sockets) stays.  The kernel deletes the device when the socket is
 * closed: at exit, after -Z dropped the privileges, or if vsockdump is
 * killed, with no process of ours left to do it.
 *
 * libpcap's generic Linux code captures on the device by its socket
 * alone (interface index, ARPHRD type, binding, errors); the only
 * thing it reads by name is the interface's drop counters in sysfs, for
 * ps_ifdrop in promiscuous mode, which sysfs does not show for a device
 * in another namespace: the device gets a name no interface has here,
 * so that nothing else is read instead (ps_ifdrop stays 0, as it is
 * for a vsockmon device, which drops nothing itself).
 */

/* For unshare() and setns(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>

#include "vsockmon.h"
#include "wire.h"

/* What libpcap's pcapint_fmt_errmsg_for_errno() does, for the fragment. */
static void vsm_errmsg(char *, size_t, int, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static void
vsm_errmsg(char *buf, size_t len, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	used = strlen(buf);
	(void)snprintf(buf + used, len - used, ": %s", strerror(errnum));
}

#include "vsockmon-device.frag"

const char vsockmon_pseudo_name[] = VSM_PSEUDO_NAME;
const char vsockmon_pseudo_description[] = VSM_PSEUDO_DESCRIPTION;

int
vsockmon_is_device(const char *name)
{
	return vsm_is_vsockmon(name);
}

int
vsockmon_is_name(const char *name)
{
	return vsm_claims(name);
}

/*
 * A failed open, as vsockdump prints a failed pcap_activate() (its
 * open_live()): with the status's text where tcpdump gives it.
 */
static void
failure(char *ebuf, size_t len, const char *name, int status,
    const char *why)
{
	if (status == PCAP_ERROR_PERM_DENIED ||
	    status == PCAP_ERROR_NO_SUCH_DEVICE)
		(void)snprintf(ebuf, len, "%s: %s\n(%s)", name,
		    pcap_statustostr(status), why);
	else
		(void)snprintf(ebuf, len, "%s", why);
}

int
vsockmon_open(const char *name, struct vsockmon_dev *dev, char *ebuf,
    size_t len)
{
	char why[PCAP_ERRBUF_SIZE];
	int status;

	memset(dev, 0, sizeof(*dev));
	dev->home_ns = -1;
	status = vsm_choose_device(name, dev->name, sizeof(dev->name), why,
	    sizeof(why));
	if (status == 1) {
		status = vsm_enter_private(dev->name, &dev->home_ns, why,
		    sizeof(why));
		dev->created = status == 0;
	}
	if (status < 0) {
		failure(ebuf, len, name, status, why);
		return -1;
	}
	return 0;
}

int
vsockmon_return(struct vsockmon_dev *dev, char *ebuf, size_t len)
{
	if (!dev->created)
		return 0;
	return vsm_leave_private(&dev->home_ns, ebuf, len) == 0 ? 0 : -1;
}

const char *
vsockmon_advice(const char *name, int status)
{
	static char buf[PCAP_ERRBUF_SIZE];

	if (!vsm_is_vsockmon(name))
		return NULL;
	switch (status) {
	case PCAP_ERROR_PERM_DENIED:
		vsm_raw_perm_msg(buf, sizeof(buf), name);
		return buf;
	case PCAP_ERROR_IFACE_NOT_UP:
		vsm_down_msg(buf, sizeof(buf), name);
		return buf;
	}
	return NULL;
}

/* --- -D ------------------------------------------------------------------------ */

const char *
vsockmon_description(const char *name)
{
	return vsm_is_vsockmon(name) ? VSM_DESCRIPTION : NULL;
}

int
vsockmon_pseudo_listed(const pcap_if_t *devs)
{
	const pcap_if_t *d;
	char list[128];

	for (d = devs; d != NULL; d = d->next)
		if (strcmp(d->name, VSM_PSEUDO_NAME) == 0)
			return 0;
	vsm_list_devices(list, sizeof(list));
	return list[0] == '\0' && vsm_kernel_can_create();
}

/* --- local CIDs, drain -------------------------------------------------------- */

int
vsockmon_local_cids(uint64_t *cids, int max)
{
	return vsm_local_cids(cids, max);
}

long
vsockmon_drain_wait_ms(int tov_ms)
{
	return vsm_drain_wait_ms(tov_ms);
}
