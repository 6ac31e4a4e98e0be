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

#ifndef VSOCKDUMP_VSOCKMON_H
#define VSOCKDUMP_VSOCKMON_H

#include <stdint.h>
#include <sys/types.h>

#include <pcap/pcap.h>

/*
 * vsockmon devices for vsockdump on a libpcap without vsock support of
 * its own (src/vsockmon.c): what libpcap's vsockmon module
 * (pcap-vsockmon.c) does for a patched libpcap, done by vsockdump
 * around the system's libpcap.
 */

#define VSOCKMON_PSEUDO		"vsockmon"
#define VSOCKMON_MAX_CIDS	4

struct vsockmon_dev {
	char	name[16];	/* the vsockmon device captured on */
	int	created;	/* vsockdump created it, and removes it */
	int	keeper_fd;	/* our end of the keeper's socket, or -1 */
	pid_t	keeper_pid;
};

/* Non-zero if NAME is a vsockmon device (ARPHRD 826). */
extern int vsockmon_is_device(const char *);
/* Non-zero if NAME is "vsockmon" or looks like "vsockmonN". */
extern int vsockmon_is_name(const char *);

/*
 * For "vsockmon": a vsockmon device that is up, or a new one (created
 * over rtnetlink and brought up, removed again by vsockmon_release());
 * for "vsockmonN", that device.  Returns 0, or -1 with a message (and
 * advice: 'modprobe vsockmon', CAP_NET_ADMIN, ...) in ebuf.
 */
extern int vsockmon_open(const char *, struct vsockmon_dev *, char *,
    size_t);
/* Remove the device if vsockdump created it. */
extern void vsockmon_release(struct vsockmon_dev *);

/*
 * The advice for a libpcap error on a vsockmon device (missing
 * privileges, device down or gone), or NULL.
 */
extern const char *vsockmon_advice(const char *, int);

/*
 * For -D: the description of a vsockmon device that libpcap gives none
 * ("Linux vsock monitor"), or NULL if NAME is not one; and whether the
 * pseudo-device "vsockmon" belongs in a list of devices (none of them
 * is a vsockmon device, and the kernel can make one).
 */
#define VSOCKMON_DESCRIPTION	"Linux vsock monitor"
#define VSOCKMON_PSEUDO_DESCRIPTION \
	"Linux vsock monitor (a vsockmon device is created when opened)"
extern const char *vsockmon_description(const char *);
extern int vsockmon_pseudo_listed(const pcap_if_t *);

/* The local CIDs (1, this machine's, 2 on a vhost host); their count. */
extern int vsockmon_local_cids(uint64_t *, int);

#endif /* VSOCKDUMP_VSOCKMON_H */
