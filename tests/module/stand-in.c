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
 * What the capture module's API test needs from a kernel that has no
 * vsockmon, kept out of the module itself (pcap-vsockmon.c has no test
 * hooks): linked into vsockmon-api-test with -Wl,--wrap=sendto, so that
 * libpcap's own calls to sendto() come here.  When stand_in_kind is
 * set, a RTM_NEWLINK request for a device of kind "vsockmon" asks for
 * that kind instead: "ifb" makes a stand-in device, whose frames the
 * test sends itself, and a kind the kernel lacks tests the module's
 * "no vsockmon in this kernel" path.  Everything else goes to the C
 * library's sendto() unchanged.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "stand-in.h"

const char *stand_in_kind;

ssize_t __real_sendto(int, const void *, size_t, int,
    const struct sockaddr *, socklen_t);
ssize_t __wrap_sendto(int, const void *, size_t, int,
    const struct sockaddr *, socklen_t);

/* Rewrite IFLA_LINKINFO/IFLA_INFO_KIND "vsockmon" in a RTM_NEWLINK. */
static void
rewrite_kind(unsigned char *buf, size_t len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)buf;
	struct rtattr *rta, *sub;
	int left, subleft;

	if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg)) ||
	    nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_len > len)
		return;
	rta = (struct rtattr *)((char *)NLMSG_DATA(nh) +
	    NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	left = (int)nh->nlmsg_len -
	    (int)NLMSG_LENGTH(sizeof(struct ifinfomsg));
	for (; RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
		if (rta->rta_type != IFLA_LINKINFO)
			continue;
		sub = RTA_DATA(rta);
		subleft = (int)RTA_PAYLOAD(rta);
		for (; RTA_OK(sub, subleft); sub = RTA_NEXT(sub, subleft)) {
			if (sub->rta_type != IFLA_INFO_KIND ||
			    RTA_PAYLOAD(sub) < strlen(stand_in_kind) ||
			    strncmp(RTA_DATA(sub), "vsockmon",
			    RTA_PAYLOAD(sub)) != 0)
				continue;
			/* Same attribute length, the rest NULs. */
			memset(RTA_DATA(sub), 0, RTA_PAYLOAD(sub));
			memcpy(RTA_DATA(sub), stand_in_kind,
			    strlen(stand_in_kind));
		}
	}
}

ssize_t
__wrap_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	unsigned char copy[4096];

	if (stand_in_kind == NULL || to == NULL ||
	    to->sa_family != AF_NETLINK || len > sizeof(copy))
		return __real_sendto(fd, buf, len, flags, to, tolen);
	memcpy(copy, buf, len);
	rewrite_kind(copy, len);
	return __real_sendto(fd, copy, len, flags, to, tolen);
}
