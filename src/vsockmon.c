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
 * module of its own: finding one that is up, creating one over
 * rtnetlink (and removing it at exit, also after vsockdump dropped its
 * privileges or died), naming them in -D, advice when the kernel module
 * or a privilege is missing, and the local CIDs that -Q is defined by.
 *
 * A device vsockdump created is removed by a keeper: a child process
 * that keeps the privileges vsockdump had when it created the device
 * and waits for the end of a socket pair.  vsockdump closes its end at
 * exit and waits for the keeper, so the device is gone when vsockdump
 * exits; if vsockdump is killed, the kernel closes the socket and the
 * keeper still removes the device.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>

#include "vsockmon.h"
#include "wire.h"

#define MAX_CREATE_TRIES	64

/* --- sysfs -------------------------------------------------------- */

static int
valid_ifname(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < IF_NAMESIZE && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* /sys/class/net/NAME/ATTR as a number; 0, or -1 if there is none. */
static int
sysfs_number(const char *name, const char *attr, long *value)
{
	char path[PATH_MAX], buf[64], *end;
	FILE *f;

	if (!valid_ifname(name))
		return -1;
	(void)snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name,
	    attr);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		(void)fclose(f);
		return -1;
	}
	(void)fclose(f);
	errno = 0;
	*value = strtol(buf, &end, 0);
	return errno != 0 || end == buf ? -1 : 0;
}

int
vsockmon_is_device(const char *name)
{
	long type;

	return sysfs_number(name, "type", &type) == 0 &&
	    type == ARPHRD_VSOCKMON;
}

int
vsockmon_is_name(const char *name)
{
	size_t n = strlen(VSOCKMON_PSEUDO);
	const char *cp;

	if (strncmp(name, VSOCKMON_PSEUDO, n) != 0)
		return 0;
	for (cp = name + n; *cp != '\0'; cp++)
		if (!isdigit((unsigned char)*cp))
			return 0;
	return 1;
}

static int
is_up(const char *name)
{
	long flags;

	return sysfs_number(name, "flags", &flags) == 0 && (flags & IFF_UP);
}

/* A line of FILE contains NEEDLE. */
static int
file_mentions(const char *path, const char *needle)
{
	char line[512];
	FILE *f;
	int found = 0;

	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	(void)fclose(f);
	return found;
}

/* The module is loaded or built in, or installed for this kernel. */
static int
kernel_can_create(void)
{
	static const char *const lists[][2] = {
		{ "modules.builtin", "/vsockmon.ko" },
		{ "modules.alias", "rtnl-link-vsockmon" },
		{ "modules.dep", "/vsockmon.ko" },
	};
	struct stat st;
	struct utsname un;
	char path[PATH_MAX];
	size_t i;

	if (stat("/sys/module/vsockmon", &st) == 0)
		return 1;
	if (uname(&un) == -1)
		return 0;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		(void)snprintf(path, sizeof(path), "/lib/modules/%s/%s",
		    un.release, lists[i][0]);
		if (file_mentions(path, lists[i][1]))
			return 1;
	}
	return 0;
}

/*
 * Call FN for each vsockmon device, in /sys/class/net order; stops
 * early when FN returns non-zero.
 */
static void
for_each_device(int (*fn)(const char *, void *), void *arg)
{
	struct dirent *de;
	DIR *d;

	d = opendir("/sys/class/net");
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (valid_ifname(de->d_name) && vsockmon_is_device(de->d_name) &&
		    fn(de->d_name, arg) != 0)
			break;
	(void)closedir(d);
}

struct pick {
	long	ifindex;
	char	name[IF_NAMESIZE];
};

/* The device that is up with the lowest interface index. */
static int
pick_up(const char *name, void *arg)
{
	struct pick *best = arg;
	long idx;

	if (is_up(name) && sysfs_number(name, "ifindex", &idx) == 0 &&
	    (best->name[0] == '\0' || idx < best->ifindex)) {
		best->ifindex = idx;
		(void)snprintf(best->name, sizeof(best->name), "%s", name);
	}
	return 0;
}

struct names {
	char	*buf;
	size_t	len;
};

static int
add_name(const char *name, void *arg)
{
	struct names *n = arg;
	size_t used = strlen(n->buf);

	if (used + strlen(name) + 3 >= n->len)
		return 1;
	(void)snprintf(n->buf + used, n->len - used, "%s%s",
	    used == 0 ? "" : ", ", name);
	return 0;
}

/* --- rtnetlink ---------------------------------------------------- */

struct nlreq {
	struct nlmsghdr		nh;
	struct ifinfomsg	ifi;
	char			attrs[128];
};

static void
nl_init(struct nlreq *req, int type, int flags, int ifindex)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req->nh.nlmsg_type = (unsigned short)type;
	req->nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK |
	    flags);
	req->ifi.ifi_family = AF_UNSPEC;
	req->ifi.ifi_index = ifindex;
}

/* Append an attribute; returns it. */
static struct rtattr *
nl_attr(struct nlreq *req, unsigned short type, const void *data,
    size_t len)
{
	struct rtattr *rta;

	rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len != 0)
		memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) +
	    RTA_ALIGN(rta->rta_len);
	return rta;
}

/*
 * Send a request and wait for its acknowledgement.  Returns 0 or an
 * errno value.  Only system calls: the keeper calls it after fork().
 */
static int
nl_talk(struct nlreq *req)
{
	struct sockaddr_nl sa;
	union {
		struct nlmsghdr	nh;
		char		buf[4096];
	} ans;
	struct nlmsghdr *h;
	struct nlmsgerr *e;
	ssize_t n;
	size_t left;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1)
		return errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	req->nh.nlmsg_seq = (uint32_t)time(NULL);
	if (sendto(fd, req, req->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		err = errno;
		(void)close(fd);
		return err;
	}
	for (;;) {
		n = recv(fd, ans.buf, sizeof(ans.buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n == 0 ? EIO : errno;
			break;
		}
		left = (size_t)n;
		for (h = &ans.nh; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != req->nh.nlmsg_seq ||
			    h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = NLMSG_DATA(h);
			err = h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ? EIO :
			    -e->error;
			(void)close(fd);
			return err;
		}
	}
	(void)close(fd);
	return err;
}

static int
nl_create(const char *name)
{
	static const char kind[] = "vsockmon";
	struct nlreq req;
	struct rtattr *linkinfo;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	(void)nl_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	linkinfo = nl_attr(&req, IFLA_LINKINFO, NULL, 0);
	(void)nl_attr(&req, IFLA_INFO_KIND, kind, sizeof(kind) - 1);
	linkinfo->rta_len = (unsigned short)((char *)&req + req.nh.nlmsg_len -
	    (char *)linkinfo);
	return nl_talk(&req);
}

static int
nl_set_up(int ifindex)
{
	struct nlreq req;

	nl_init(&req, RTM_NEWLINK, 0, ifindex);
	req.ifi.ifi_flags = IFF_UP;
	req.ifi.ifi_change = IFF_UP;
	return nl_talk(&req);
}

/* By index and name, so that a device of the same index made since by
 * someone else is left alone. */
static int
nl_delete(int ifindex, const char *name)
{
	struct nlreq req;

	nl_init(&req, RTM_DELLINK, 0, ifindex);
	(void)nl_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(&req);
}

/* --- the keeper --------------------------------------------------- */

static void
keeper_main(int fd, int ifindex, const char *name)
{
	struct sigaction sa;
	long maxfd, i;
	ssize_t n;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGQUIT, &sa, NULL);
	(void)sigaction(SIGPIPE, &sa, NULL);
	/* Hold nothing of vsockdump's: no capture socket, no output file. */
	maxfd = sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (i = 0; i < maxfd; i++)
		if (i != fd)
			(void)close((int)i);
	do
		n = read(fd, &c, 1);
	while (n > 0 || (n == -1 && errno == EINTR));
	(void)nl_delete(ifindex, name);
	_exit(0);
}

static void
start_keeper(struct vsockmon_dev *dev, int ifindex)
{
	int sv[2];
	pid_t pid;

	dev->keeper_fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return;
	(void)fflush(NULL);
	pid = fork();
	if (pid == 0)
		keeper_main(sv[1], ifindex, dev->name);
	(void)close(sv[1]);
	if (pid == -1) {
		(void)close(sv[0]);
		return;
	}
	dev->keeper_fd = sv[0];
	dev->keeper_pid = pid;
}

void
vsockmon_release(struct vsockmon_dev *dev)
{
	unsigned int idx;

	if (!dev->created)
		return;
	dev->created = 0;
	if (dev->keeper_fd != -1) {
		(void)close(dev->keeper_fd);
		dev->keeper_fd = -1;
		while (waitpid(dev->keeper_pid, NULL, 0) == -1 &&
		    errno == EINTR)
			;
		return;
	}
	/* There is no keeper: remove it ourselves, if we still can. */
	idx = if_nametoindex(dev->name);
	if (idx != 0)
		(void)nl_delete((int)idx, dev->name);
}

/* --- opening ------------------------------------------------------ */

static int
create_device(struct vsockmon_dev *dev, char *ebuf, size_t len)
{
	char name[IF_NAMESIZE];
	unsigned int n, idx;
	int err = EEXIST, tries = 0;	/* every name taken: as if EEXIST */

	for (n = 0; tries < MAX_CREATE_TRIES && n < 10000; n++) {
		(void)snprintf(name, sizeof(name), "%s%u", VSOCKMON_PSEUDO, n);
		if (if_nametoindex(name) != 0)
			continue;
		tries++;
		err = nl_create(name);
		if (err != EEXIST)
			break;
	}
	if (err == EPERM || err == EACCES) {
		(void)snprintf(ebuf, len, "creating a vsockmon device needs "
		    "CAP_NET_ADMIN: run as root, or have one created "
		    "beforehand with 'ip link add name vsockmon0 type "
		    "vsockmon && ip link set vsockmon0 up'");
		return -1;
	}
	if (err == EOPNOTSUPP || err == ENOENT || err == EAFNOSUPPORT) {
		(void)snprintf(ebuf, len, "this kernel has no vsockmon support "
		    "loaded: run 'modprobe vsockmon' (needs CONFIG_VSOCKMON)");
		return -1;
	}
	if (err != 0) {
		(void)snprintf(ebuf, len, "can't create a vsockmon device "
		    "(RTM_NEWLINK %s): %s", name, strerror(err));
		return -1;
	}
	(void)snprintf(dev->name, sizeof(dev->name), "%s", name);
	idx = if_nametoindex(name);
	if (idx == 0) {
		(void)snprintf(ebuf, len, "created %s but can't find it: %s",
		    name, strerror(errno));
		(void)nl_delete(0, name);
		return -1;
	}
	dev->created = 1;
	start_keeper(dev, (int)idx);
	err = nl_set_up((int)idx);
	if (err != 0) {
		(void)snprintf(ebuf, len, "can't bring up %s: %s", name,
		    strerror(err));
		vsockmon_release(dev);
		return -1;
	}
	return 0;
}

int
vsockmon_open(const char *name, struct vsockmon_dev *dev, char *ebuf,
    size_t len)
{
	struct pick best;
	char list[128];
	struct names names = { list, sizeof(list) };

	memset(dev, 0, sizeof(*dev));
	dev->keeper_fd = -1;
	if (strcmp(name, VSOCKMON_PSEUDO) == 0 && !vsockmon_is_device(name)) {
		memset(&best, 0, sizeof(best));
		for_each_device(pick_up, &best);
		if (best.name[0] == '\0')
			return create_device(dev, ebuf, len);
		(void)snprintf(dev->name, sizeof(dev->name), "%s", best.name);
		return 0;
	}
	if (vsockmon_is_device(name)) {
		(void)snprintf(dev->name, sizeof(dev->name), "%s", name);
		return 0;
	}
	list[0] = '\0';
	for_each_device(add_name, &names);
	if (list[0] != '\0')
		(void)snprintf(ebuf, len, "%s: no such vsockmon device (there "
		    "is %s); open \"vsockmon\" to use one", name, list);
	else if (kernel_can_create())
		(void)snprintf(ebuf, len, "%s: no such vsockmon device; open "
		    "\"vsockmon\" to have one created, or 'ip link add name "
		    "%s type vsockmon'", name, name);
	else
		(void)snprintf(ebuf, len, "%s: no such vsockmon device, and "
		    "this kernel has no vsockmon support loaded: run "
		    "'modprobe vsockmon'", name);
	return -1;
}

const char *
vsockmon_advice(const char *name, int status)
{
	static char buf[256];

	if (!vsockmon_is_device(name))
		return NULL;
	switch (status) {
	case PCAP_ERROR_PERM_DENIED:
		(void)snprintf(buf, sizeof(buf), "capturing on %s needs "
		    "CAP_NET_RAW (run as root, or give the program "
		    "cap_net_raw)", name);
		return buf;
	case PCAP_ERROR_IFACE_NOT_UP:
		(void)snprintf(buf, sizeof(buf), "%s is down: bring it up with "
		    "'ip link set %s up', or open \"vsockmon\"", name, name);
		return buf;
	}
	return NULL;
}

/* --- -D ------------------------------------------------------------------------ */

const char *
vsockmon_description(const char *name)
{
	return vsockmon_is_device(name) ? VSOCKMON_DESCRIPTION : NULL;
}

int
vsockmon_pseudo_listed(const pcap_if_t *devs)
{
	const pcap_if_t *d;

	for (d = devs; d != NULL; d = d->next)
		if (vsockmon_is_name(d->name) || vsockmon_is_device(d->name))
			return 0;
	return kernel_can_create();
}

/* --- local CIDs --------------------------------------------------- */

static int
add_cid(uint64_t *cids, int n, int max, uint64_t cid)
{
	int i;

	for (i = 0; i < n; i++)
		if (cids[i] == cid)
			return n;
	if (n < max)
		cids[n++] = cid;
	return n;
}

int
vsockmon_local_cids(uint64_t *cids, int max)
{
	struct stat st;
	unsigned int cid;
	int fd, n = 0;

	n = add_cid(cids, n, max, VMADDR_CID_LOCAL);
	fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) == 0 &&
		    cid != VMADDR_CID_ANY)
			n = add_cid(cids, n, max, cid);
		(void)close(fd);
	}
	if (stat("/dev/vhost-vsock", &st) == 0)
		n = add_cid(cids, n, max, VMADDR_CID_HOST);
	return n;
}
