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
 * The vsockmon device code that libpcap's capture module
 * (pcap-vsockmon.c) and vsockdump on a libpcap without that module
 * (src/vsockmon.c) share, so that both behave the same.  It is not a
 * compilation unit of its own: both files #include it, and
 * distro/mkpatches.sh puts everything after this comment in place of
 * that #include in the pcap-vsockmon.c that goes to libpcap, which thus
 * stays one self-contained file.  Static functions only, nothing of
 * libpcap's internals (of libpcap, the public PCAP_ERROR_ codes only);
 * messages go into buffers the caller gives.  The file that includes it
 * has included before it <config.h> with _GNU_SOURCE defined,
 * <pcap/pcap.h> (or pcap-int.h), <ctype.h>, <dirent.h>, <errno.h>,
 * <fcntl.h>, <limits.h>, <sched.h>, <stdint.h>, <stdio.h>, <stdlib.h>,
 * <string.h>, <time.h>, <unistd.h>, <sys/ioctl.h>, <sys/socket.h>,
 * <sys/stat.h>, <sys/utsname.h>, <net/if.h>, <linux/if_link.h>,
 * <linux/netlink.h>, <linux/rtnetlink.h> and <linux/vm_sockets.h>, and
 * defines
 *	vsm_errmsg(char *buf, size_t len, int errnum, const char *fmt, ...)
 * which writes the message, ": " and the text of errnum into buf, as
 * libpcap's pcapint_fmt_errmsg_for_errno() does.
 */

/*
 * vsockmon devices: which names are ours, sysfs, rtnetlink, the device
 * a capture makes for itself, the local CIDs, and how long a stop waits
 * for the ring.  The reasons for the choices are in
 * doc/README.vsockmon.md.
 */

#ifndef ARPHRD_VSOCKMON
#define ARPHRD_VSOCKMON		826
#endif

#ifndef VMADDR_CID_LOCAL	/* <linux/vm_sockets.h> of Linux 5.6 */
#define VMADDR_CID_LOCAL	1
#endif

#define VSM_PSEUDO_NAME		"vsockmon"
#define VSM_LINK_KIND		"vsockmon"
#define VSM_DESCRIPTION		"Linux vsock monitor"
#define VSM_PSEUDO_DESCRIPTION \
	"Linux vsock monitor (a vsockmon device is created when opened)"

/* A device made for a capture is the first free vsockmonN, N below this. */
#define VSM_MAX_UNITS		10000

#define VSM_MAX_LOCAL_CIDS	4

/*
 * How long a stop waits for the kernel to retire the ring block being
 * filled, beyond two block-retire periods: see vsm_drain_wait_ms().
 */
#define VSM_DRAIN_SLACK_MS	250

/*
 * sysfs.  /sys/class/net shows the network namespace that sysfs was
 * mounted in, normally the caller's; a device made for a capture, in a
 * namespace of its own, is not there.
 */

static int
vsm_valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IF_NAMESIZE)
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (strchr(name, '/') != NULL)
		return 0;
	return 1;
}

/*
 * Read /sys/class/net/NAME/ATTR as a number (decimal or 0x-hex).
 * Returns 0 and sets *value, or -1 if there is no such attribute.
 */
static int
vsm_sysfs_number(const char *name, const char *attr, long *value)
{
	char path[PATH_MAX];
	char buf[64];
	FILE *f;
	char *end;

	if (!vsm_valid_ifname(name))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	errno = 0;
	*value = strtol(buf, &end, 0);
	if (errno != 0 || end == buf)
		return -1;
	return 0;
}

/* Copy an interface name, cut to fit. */
static void
vsm_copy_ifname(char *dst, size_t dstlen, const char *src)
{
	size_t len = strlen(src);

	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int
vsm_if_exists(const char *name)
{
	long v;

	return vsm_sysfs_number(name, "ifindex", &v) == 0;
}

static int
vsm_is_vsockmon(const char *name)
{
	long type;

	if (vsm_sysfs_number(name, "type", &type) == -1)
		return 0;
	return type == ARPHRD_VSOCKMON;
}

static int
vsm_if_flags(const char *name, long *flags)
{
	return vsm_sysfs_number(name, "flags", flags);
}

/* "vsockmon" followed by one or more digits. */
static int
vsm_looks_like_vsockmon_name(const char *name)
{
	const char *cp;

	if (strncmp(name, VSM_PSEUDO_NAME, sizeof(VSM_PSEUDO_NAME) - 1) != 0)
		return 0;
	cp = name + sizeof(VSM_PSEUDO_NAME) - 1;
	if (*cp == '\0')
		return 0;
	for (; *cp != '\0'; cp++)
		if (!isdigit((unsigned char)*cp))
			return 0;
	return 1;
}

/*
 * Is a capture on NAME ours (a vsockmon capture), rather than the
 * generic Linux code's?  Yes for a vsockmon device; for "vsockmon",
 * unless an interface of another type has that name; and for a
 * "vsockmonN" that does not exist, so that the error can say how to
 * get such a device.
 */
static int
vsm_claims(const char *name)
{
	if (vsm_is_vsockmon(name))
		return 1;
	if (strcmp(name, VSM_PSEUDO_NAME) == 0)
		return !vsm_if_exists(name);
	return vsm_looks_like_vsockmon_name(name) && !vsm_if_exists(name);
}

/* Does a line of the file at PATH contain NEEDLE? */
static int
vsm_file_mentions(const char *path, const char *needle)
{
	char line[512];
	FILE *f;
	int found = 0;

	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, needle) != NULL) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Can the kernel make a vsockmon device?  Yes if the module is loaded
 * (or built in), or if it is installed for the running kernel.
 */
static int
vsm_kernel_can_create(void)
{
	struct stat st;
	struct utsname un;
	char path[PATH_MAX];

	if (stat("/sys/module/vsockmon", &st) == 0)
		return 1;
	if (uname(&un) == -1)
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin",
	    un.release);
	if (vsm_file_mentions(path, "/vsockmon.ko"))
		return 1;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias",
	    un.release);
	if (vsm_file_mentions(path, "rtnl-link-vsockmon"))
		return 1;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep",
	    un.release);
	if (vsm_file_mentions(path, "/vsockmon.ko"))
		return 1;
	return 0;
}

/*
 * Find the vsockmon device that is up with the lowest ifindex.
 * Returns 0 and fills name, or -1 if there is none.
 */
static int
vsm_find_up_device(char *name, size_t namelen)
{
	DIR *d;
	struct dirent *de;
	long best = LONG_MAX, idx, flags;
	int found = -1;

	d = opendir("/sys/class/net");
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!vsm_valid_ifname(de->d_name))
			continue;
		if (!vsm_is_vsockmon(de->d_name))
			continue;
		if (vsm_if_flags(de->d_name, &flags) == -1 ||
		    !(flags & IFF_UP))
			continue;
		if (vsm_sysfs_number(de->d_name, "ifindex", &idx) == -1)
			continue;
		if (idx < best) {
			best = idx;
			vsm_copy_ifname(name, namelen, de->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

/* A comma-separated list of the vsockmon devices, for messages. */
static void
vsm_list_devices(char *buf, size_t len)
{
	DIR *d;
	struct dirent *de;
	size_t used = 0;

	buf[0] = '\0';
	d = opendir("/sys/class/net");
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!vsm_valid_ifname(de->d_name) ||
		    !vsm_is_vsockmon(de->d_name))
			continue;
		if (used + strlen(de->d_name) + 3 >= len)
			break;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used == 0 ? "" : ", ", de->d_name);
	}
	closedir(d);
}

/*
 * Messages, the same wherever the condition is found.
 */

static void
vsm_no_such_device_msg(char *buf, size_t len, const char *dev)
{
	char list[128];

	vsm_list_devices(list, sizeof(list));
	if (list[0] != '\0')
		snprintf(buf, len, "%s: no such vsockmon device (there is "
		    "%s); open \"vsockmon\" to use one", dev, list);
	else if (vsm_kernel_can_create())
		snprintf(buf, len, "%s: no such vsockmon device; open "
		    "\"vsockmon\" to have one created, or 'ip link add name "
		    "%s type vsockmon'", dev, dev);
	else
		snprintf(buf, len, "%s: no such vsockmon device, and this "
		    "kernel has no vsockmon support loaded: run 'modprobe "
		    "vsockmon'", dev);
}

static void
vsm_down_msg(char *buf, size_t len, const char *dev)
{
	snprintf(buf, len, "%s is down: bring it up with 'ip link set %s "
	    "up', or open \"vsockmon\"", dev, dev);
}

/*
 * A device is made in a network namespace of its own (see
 * vsm_enter_private()): CAP_SYS_ADMIN for the namespace, CAP_NET_ADMIN
 * for the device.  Without them, a device made by hand serves.  (Short
 * enough to fit PCAP_ERRBUF_SIZE with tcpdump's "vsockmon: You don't
 * have permission to perform this capture on that device" before it.)
 */
static void
vsm_create_perm_msg(char *buf, size_t len)
{
	snprintf(buf, len, "creating a vsockmon device needs CAP_NET_ADMIN "
	    "and CAP_SYS_ADMIN: run as root, or make one first with 'ip link "
	    "add name vsockmon0 type vsockmon && ip link set vsockmon0 up'");
}

static void
vsm_raw_perm_msg(char *buf, size_t len, const char *dev)
{
	snprintf(buf, len, "capturing on %s needs CAP_NET_RAW (run as "
	    "root, or give the program cap_net_raw)", dev);
}

/*
 * rtnetlink, to make a vsockmon device and bring it up.
 */

struct vsm_nlreq {
	struct nlmsghdr	nh;
	struct ifinfomsg ifi;
	char		attrs[256];
};

/*
 * Append an attribute to the request, within its max bytes.  Returns
 * it, or NULL if it does not fit.
 */
static struct rtattr *
vsm_nl_attr(struct nlmsghdr *nh, size_t max, unsigned short type,
    const void *data, size_t len)
{
	struct rtattr *rta;
	size_t need = NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len);

	if (need > max)
		return NULL;
	rta = (struct rtattr *)(void *)((char *)nh +
	    NLMSG_ALIGN(nh->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len != 0)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = (uint32_t)need;
	return rta;
}

/*
 * Send one request and wait for the kernel's acknowledgement.  Only
 * whole messages from the kernel (port 0) with our sequence number are
 * read, and an error message only if it holds a whole struct nlmsgerr.
 * Returns 0, or a positive errno value.
 */
static int
vsm_rtnl_talk(struct nlmsghdr *nh)
{
	struct sockaddr_nl sa, from;
	socklen_t fromlen;
	union {
		struct nlmsghdr	nh;
		char		buf[4096];
	} ans;
	struct nlmsgerr e;
	struct nlmsghdr *h;
	size_t left;
	ssize_t n;
	int fd, err = EIO;
	static uint32_t seq;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1)
		return errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = ++seq + (uint32_t)time(NULL);
	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		err = errno;
		close(fd);
		return err;
	}
	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(fd, ans.buf, sizeof(ans.buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (n == 0)
			break;
		if (fromlen < sizeof(from) || from.nl_pid != 0)
			continue;	/* not from the kernel */
		left = (size_t)n;
		for (h = &ans.nh; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != nh->nlmsg_seq ||
			    h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(e))) {
				err = EIO;
			} else {
				memcpy(&e, NLMSG_DATA(h), sizeof(e));
				err = e.error <= 0 ? -e.error : EIO;
			}
			close(fd);
			return err;
		}
	}
	close(fd);
	return err;
}

static int
vsm_rtnl_create(const char *name)
{
	struct vsm_nlreq req;
	struct rtattr *linkinfo;
	const char *kind = VSM_LINK_KIND;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.ifi.ifi_family = AF_UNSPEC;
	if (vsm_nl_attr(&req.nh, sizeof(req), IFLA_IFNAME, name,
	    strlen(name) + 1) == NULL)
		return EINVAL;
	linkinfo = vsm_nl_attr(&req.nh, sizeof(req), IFLA_LINKINFO, NULL, 0);
	if (linkinfo == NULL)
		return EINVAL;
	if (vsm_nl_attr(&req.nh, sizeof(req), IFLA_INFO_KIND, kind,
	    strlen(kind)) == NULL)
		return EINVAL;
	linkinfo->rta_len = (unsigned short)((char *)&req +
	    req.nh.nlmsg_len - (char *)linkinfo);
	return vsm_rtnl_talk(&req.nh);
}

static int
vsm_rtnl_set_up(int ifindex)
{
	struct vsm_nlreq req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	req.ifi.ifi_flags = IFF_UP;
	req.ifi.ifi_change = IFF_UP;
	return vsm_rtnl_talk(&req.nh);
}

/*
 * The device a capture on DEV uses.  For "vsockmon" (when it is not
 * itself a vsockmon device): the vsockmon device that is up with the
 * lowest ifindex, or, if there is none, a new one; for any other name,
 * that vsockmon device, which must be up.  Returns 0 with NAME set to
 * an existing device, 1 with NAME set to the name a new device gets
 * (see vsm_enter_private()), or a PCAP_ERROR_ value with errbuf set.
 */
static int
vsm_choose_device(const char *dev, char *name, size_t namelen,
    char *errbuf, size_t errlen)
{
	char try[IF_NAMESIZE];
	long flags;
	int unit;

	if (strcmp(dev, VSM_PSEUDO_NAME) == 0 && !vsm_is_vsockmon(dev)) {
		if (vsm_find_up_device(name, namelen) == 0)
			return 0;
		/*
		 * The new device lives in a namespace of its own, where
		 * every name is free; it takes one that no interface has
		 * here, so that a message naming it is not mistaken for
		 * one of ours (nor sysfs read for it, as libpcap's Linux
		 * code does for its statistics).
		 */
		for (unit = 0; unit < VSM_MAX_UNITS; unit++) {
			snprintf(try, sizeof(try), "%s%d", VSM_PSEUDO_NAME,
			    unit);
			if (if_nametoindex(try) == 0)
				break;
		}
		vsm_copy_ifname(name, namelen, try);
		return 1;
	}
	if (!vsm_is_vsockmon(dev)) {
		vsm_no_such_device_msg(errbuf, errlen, dev);
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	vsm_copy_ifname(name, namelen, dev);
	if (vsm_if_flags(name, &flags) == 0 && !(flags & IFF_UP)) {
		vsm_down_msg(errbuf, errlen, name);
		return PCAP_ERROR_IFACE_NOT_UP;
	}
	return 0;
}

/*
 * Create the device NAME in the calling thread's network namespace and
 * bring it up.  Returns 0, or a PCAP_ERROR_ value with errbuf set.
 */
static int
vsm_create_here(const char *name, char *errbuf, size_t errlen)
{
	unsigned int idx;
	int err;

	err = vsm_rtnl_create(name);
	if (err == EOPNOTSUPP || err == ENOENT || err == EAFNOSUPPORT) {
		snprintf(errbuf, errlen, "this kernel has no vsockmon support "
		    "loaded: run 'modprobe vsockmon' (needs CONFIG_VSOCKMON)");
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	if (err == EPERM || err == EACCES) {
		vsm_create_perm_msg(errbuf, errlen);
		return PCAP_ERROR_PERM_DENIED;
	}
	if (err != 0) {
		vsm_errmsg(errbuf, errlen, err,
		    "can't create a vsockmon device (RTM_NEWLINK %s)", name);
		return PCAP_ERROR;
	}
	idx = if_nametoindex(name);
	if (idx == 0) {
		vsm_errmsg(errbuf, errlen, errno,
		    "created %s but can't find it", name);
		return PCAP_ERROR;
	}
	err = vsm_rtnl_set_up((int)idx);
	if (err != 0) {
		vsm_errmsg(errbuf, errlen, err, "can't bring up %s", name);
		return err == EPERM ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR;
	}
	return 0;
}

/*
 * A vsockmon device for one capture alone.  The calling thread leaves
 * its network namespace for a new one (the vsock taps are global, so a
 * vsockmon device sees every vsock packet whatever its namespace),
 * creates the device NAME there and brings it up.  On success it
 * returns 0 and leaves the thread in the new namespace, for the
 * capture's packet socket to be opened there; *home_ns is a descriptor
 * of the thread's own namespace, which vsm_leave_private() returns to.
 * From then on only that socket keeps the new namespace alive: when it
 * is closed, by the program or by the kernel when the process ends,
 * the namespace ends and the kernel deletes the device, whatever
 * privileges the process has kept.  On failure the thread is in its
 * own namespace, *home_ns is -1, and the return value is a PCAP_ERROR_
 * value with errbuf set: PCAP_ERROR_PERM_DENIED when the process may
 * not make a network namespace (CAP_SYS_ADMIN) or a device
 * (CAP_NET_ADMIN), PCAP_ERROR_NO_SUCH_DEVICE when the kernel has no
 * vsockmon.
 */
static int
vsm_enter_private(const char *name, int *home_ns, char *errbuf,
    size_t errlen)
{
	int status;

	*home_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*home_ns == -1)	/* before Linux 3.17 */
		*home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*home_ns == -1) {
		vsm_errmsg(errbuf, errlen, errno,
		    "can't open this thread's network namespace");
		return PCAP_ERROR;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		if (errno == EPERM) {
			vsm_create_perm_msg(errbuf, errlen);
			status = PCAP_ERROR_PERM_DENIED;
		} else {
			vsm_errmsg(errbuf, errlen, errno, "can't make a "
			    "network namespace for a vsockmon device");
			status = PCAP_ERROR;
		}
		close(*home_ns);
		*home_ns = -1;
		return status;
	}
	status = vsm_create_here(name, errbuf, errlen);
	if (status == 0)
		return 0;
	/* The namespace, and whatever was made in it, ends here. */
	if (setns(*home_ns, CLONE_NEWNET) == -1) {
		vsm_errmsg(errbuf, errlen, errno,
		    "can't return to this thread's network namespace");
		status = PCAP_ERROR;
	}
	close(*home_ns);
	*home_ns = -1;
	return status;
}

/*
 * After vsm_enter_private(), once the capture's socket is open: the
 * calling thread returns to its own network namespace.  Does nothing
 * if *home_ns is -1.  Returns 0, or PCAP_ERROR with errbuf set.
 */
static int
vsm_leave_private(int *home_ns, char *errbuf, size_t errlen)
{
	int status = 0;

	if (*home_ns == -1)
		return 0;
	if (setns(*home_ns, CLONE_NEWNET) == -1) {
		vsm_errmsg(errbuf, errlen, errno,
		    "can't return to this thread's network namespace");
		status = PCAP_ERROR;
	}
	close(*home_ns);
	*home_ns = -1;
	return status;
}

/*
 * The local CIDs, which capture directions are defined by: 1 (loopback),
 * the CID the kernel reports for this machine (the guest's CID in a
 * guest, 2 on a vhost host), and 2 (host) when vhost-vsock is present.
 * CIDs are 64-bit on the wire; the kernel's are 32-bit, so a wire CID
 * with any of its upper 32 bits set is never local.  Fills cids with at
 * most max of them and returns their number.
 */
static int
vsm_add_local_cid(uint64_t *cids, int n, int max, uint64_t cid)
{
	int i;

	for (i = 0; i < n; i++)
		if (cids[i] == cid)
			return n;
	if (n < max)
		cids[n++] = cid;
	return n;
}

static int
vsm_local_cids(uint64_t *cids, int max)
{
	struct stat st;
	unsigned int cid;
	int fd, n = 0;

	n = vsm_add_local_cid(cids, n, max, VMADDR_CID_LOCAL);
	fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) == 0 &&
		    cid != VMADDR_CID_ANY)
			n = vsm_add_local_cid(cids, n, max, cid);
		close(fd);
	}
	if (stat("/dev/vhost-vsock", &st) == 0)
		n = vsm_add_local_cid(cids, n, max, VMADDR_CID_HOST);
	return n;
}

/*
 * How long a stop waits, at most, for the ring block being filled.  A
 * capture on a TPACKET_V3 ring sees a block only once the kernel has
 * retired it: when it is full, or on the block-retire timer.  That
 * timer runs every tov milliseconds and retires the open block only if
 * it was already open at the previous run (the kernel's
 * prb_retire_rx_blk_timer_expired()), so a block goes between one and
 * two tov after it was opened.  Each run can be late: the kernel rounds
 * tov up to whole jiffies (up to 10 ms at HZ=100) and the timer wheel
 * fires a timer of more than 63 jiffies up to about an eighth of its
 * period late (80 ms for a period of 1 s at HZ=100); then the reader
 * must be scheduled.  VSM_DRAIN_SLACK_MS covers two late runs of the
 * longest tov in use (1 s, the packet buffer timeout vsockdump gives
 * libpcap's generic Linux code: 2 * (80 + 10) ms) and leaves 70 ms for
 * scheduling on a loaded machine.  It is only a bound: a stop ends as
 * soon as the block is handed over.
 */
static long
vsm_drain_wait_ms(int tov_ms)
{
	return 2L * tov_ms + VSM_DRAIN_SLACK_MS;
}
