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

#include <net/if.h>

#include <pcap/pcap.h>

/*
 * vsockmon devices for vsockdump on a libpcap without vsock support of
 * its own (src/vsockmon.c): what libpcap's vsockmon module
 * (pcap-vsockmon.c) does for a patched libpcap, with the same code
 * (vsockmon-device.frag), done by vsockdump around the system's libpcap.
 */

/* The name of the pseudo-device, and the descriptions -D gives. */
extern const char vsockmon_pseudo_name[];
extern const char vsockmon_pseudo_description[];
#define VSOCKMON_PSEUDO			vsockmon_pseudo_name
#define VSOCKMON_PSEUDO_DESCRIPTION	vsockmon_pseudo_description

#define VSOCKMON_MAX_CIDS	4

struct vsockmon_dev {
	char	name[IF_NAMESIZE];	/* the vsockmon device captured on */
	int	created;	/* made for this capture, in a namespace of
				   its own that the capture's socket holds */
	int	home_ns;	/* while the calling thread is in that
				   namespace: its own namespace; else -1 */
};

/* Non-zero if NAME is a vsockmon device (ARPHRD 826). */
extern int vsockmon_is_device(const char *);
/*
 * Non-zero if a capture on NAME is vsockdump's own on a libpcap without
 * the module (as the module claims them): a vsockmon device; "vsockmon",
 * unless an interface of another type has that name; a "vsockmonN"
 * that does not exist (vsockmon_open() then says how to get one).
 */
extern int vsockmon_is_name(const char *);

/*
 * For "vsockmon": the vsockmon device that is up (lowest ifindex), or a
 * new one, made for this capture alone; for "vsockmonN", that device,
 * which must be up.  A new device is made in a new network namespace,
 * and vsockmon_open() returns with the calling thread in it
 * (dev->created set), so that pcap_activate() opens its packet socket
 * there; the caller then calls vsockmon_return().  Nothing else holds
 * that namespace: the kernel deletes the device when the capture's
 * socket is closed (pcap_close(), or the end of the process, killed or
 * not, with or without privileges).  Returns 0, or -1 with the message
 * in ebuf as vsockdump prints a failed pcap_activate() (the pcap status
 * text, then the reason and advice: 'modprobe vsockmon', the
 * privileges, the device to create by hand).
 */
extern int vsockmon_open(const char *, struct vsockmon_dev *, char *,
    size_t);
/*
 * After pcap_activate() of a device vsockmon_open() created: back to
 * the calling thread's own network namespace.  Does nothing otherwise
 * (also for a struct vsockmon_dev that is all zeros, or on a second
 * call).  Returns 0, or -1 with a message in ebuf.
 */
extern int vsockmon_return(struct vsockmon_dev *, char *, size_t);

/*
 * The advice for a libpcap error on a vsockmon device (missing
 * privileges, device down or gone), or NULL.
 */
extern const char *vsockmon_advice(const char *, int);

/*
 * For -D: the description of a vsockmon device that libpcap gives none
 * ("Linux vsock monitor"), or NULL if NAME is not one; and whether the
 * pseudo-device "vsockmon" belongs in a list of devices (none is named
 * "vsockmon", there is no vsockmon device, and the kernel can make
 * one).
 */
extern const char *vsockmon_description(const char *);
extern int vsockmon_pseudo_listed(const pcap_if_t *);

/* The local CIDs (1, this machine's, 2 on a vhost host); their count. */
extern int vsockmon_local_cids(uint64_t *, int);

/*
 * How long a stop waits, at most, for the kernel to hand over the ring
 * block it is filling, for a ring whose block-retire timeout is tov_ms
 * (the same rule as libpcap's module: vsockmon-device.frag).
 */
extern long vsockmon_drain_wait_ms(int);

#endif /* VSOCKDUMP_VSOCKMON_H */
