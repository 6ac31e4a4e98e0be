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
 * The capture socket of a libpcap without vsock support, where
 * pcap-linux.c falls short for vsock:
 *
 *  - On a cooked capture ("any"), the "vsock" test reads the ARPHRD type
 *    of the cooked header.  The kernel's socket filter sees no cooked
 *    header; pcap-linux.c maps the loads of its other fields to the
 *    kernel's ancillary fields (SKF_AD_PROTOCOL, ...) but not that one,
 *    so it filters in userland, after the kernel has copied and counted
 *    every packet of every device.  kernel_cooked_filter() gives the
 *    kernel the same program with that mapping too (SKF_AD_HATYPE),
 *    while libpcap keeps its own copy for the packets it still filters
 *    itself (those already in the ring when the filter changed).
 *
 *  - pcap-linux.c reads TPACKET_V3 ring blocks only once the kernel has
 *    retired them (when full, or a block timeout after they were
 *    opened), so on a stop it drops the packets of the block being
 *    filled; kernel_drain() fetches them first.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>
#include <linux/filter.h>

#include "kernel-socket.h"
#include "vsockmon.h"
#include "wire.h"

/*
 * How often the drain asks libpcap again: the kernel retires the block
 * being filled on a timer, which says nothing to poll() on an AF_PACKET
 * socket whose block has not been handed over yet.
 */
#define DRAIN_POLL_MS		20

/*
 * Where a load of the cooked header goes in the kernel: the offset of
 * a field of the header, the kernel's ancillary field for it.
 */
struct cooked_field {
	bpf_u_int32	off;
	bpf_u_int32	anc;
};

#define END_OF_FIELDS		0xffffffffU

static const struct cooked_field sll_fields[] = {
	{ SLL_OFF_PKTTYPE, SKF_AD_PKTTYPE },
	{ SLL_OFF_HATYPE, SKF_AD_HATYPE },
	{ SLL_OFF_PROTOCOL, SKF_AD_PROTOCOL },
	{ END_OF_FIELDS, 0 }
};

static const struct cooked_field sll2_fields[] = {
	{ SLL2_OFF_PROTOCOL, SKF_AD_PROTOCOL },
	{ SLL2_OFF_IFINDEX, SKF_AD_IFINDEX },
	{ SLL2_OFF_HATYPE, SKF_AD_HATYPE },
	{ SLL2_OFF_PKTTYPE, SKF_AD_PKTTYPE },
	{ END_OF_FIELDS, 0 }
};

/* The kernel's view of a load at k: 0, or -1 if it has none. */
static int
map_load(struct sock_filter *insn, bpf_u_int32 hdrlen,
    const struct cooked_field *fields)
{
	const struct cooked_field *f;

	if (insn->k >= (bpf_u_int32)SKF_AD_OFF)
		return 0;
	if (insn->k >= hdrlen) {
		insn->k -= hdrlen;
		return 0;
	}
	/* An ancillary field is one value: no index register. */
	if (BPF_MODE(insn->code) != BPF_ABS)
		return -1;
	for (f = fields; f->off != END_OF_FIELDS; f++) {
		if (f->off == insn->k) {
			insn->k = (bpf_u_int32)SKF_AD_OFF + f->anc;
			return 0;
		}
	}
	return -1;
}

int
kernel_cooked_filter(pcap_t *pd, const struct bpf_program *prog)
{
	const struct cooked_field *fields;
	struct sock_filter *insns;
	struct sock_fprog kprog;
	bpf_u_int32 hdrlen;
	u_int i;
	int r = 0, fd = pcap_fileno(pd);

	switch (pcap_datalink(pd)) {
	case DLT_LINUX_SLL:
		hdrlen = SLL_HDR_LEN;
		fields = sll_fields;
		break;
	case DLT_LINUX_SLL2:
		hdrlen = SLL2_HDR_LEN;
		fields = sll2_fields;
		break;
	default:
		return 0;	/* not cooked: libpcap's filter stands */
	}
	if (fd < 0 || prog->bf_len == 0 || prog->bf_len > BPF_MAXINSNS)
		return -1;
	insns = malloc(prog->bf_len * sizeof(*insns));
	if (insns == NULL)
		return -1;
	memcpy(insns, prog->bf_insns, prog->bf_len * sizeof(*insns));
	for (i = 0; r == 0 && i < prog->bf_len; i++) {
		switch (BPF_CLASS(insns[i].code)) {
		case BPF_LD:
		case BPF_LDX:
			if (BPF_MODE(insns[i].code) == BPF_ABS ||
			    BPF_MODE(insns[i].code) == BPF_IND ||
			    BPF_MODE(insns[i].code) == BPF_MSH)
				r = map_load(&insns[i], hdrlen, fields);
			break;
		}
	}
	if (r == 0) {
		kprog.len = (unsigned short)prog->bf_len;
		kprog.filter = insns;
		r = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &kprog,
		    sizeof(kprog));
	}
	free(insns);
	return r == 0 ? 0 : -1;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A filter that accepts nothing stops the kernel from counting more;
 * then the ring is read until it has handed over what it counted, for
 * at most the time libpcap's vsockmon module waits for the same ring
 * (vsockmon_drain_wait_ms(): two block-retire periods and a slack).
 * pcap-linux.c gives the ring the packet buffer timeout as its
 * block-retire timeout.  A read that fails (the device is gone) is
 * tried again: libpcap reports the failure only when no block is
 * ready, and the kernel still retires the last one on its timer.
 */
void
kernel_drain(pcap_t *pd, pcap_handler callback, u_char *user,
    int timeout_ms, const u_int *delivered, u_int limit)
{
	static struct sock_filter reject[] = {
		BPF_STMT(BPF_RET | BPF_K, 0)
	};
	struct sock_fprog prog = { 1, reject };
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_stat st;
	struct pollfd pfd;
	struct timespec t0;
	long wait_ms = vsockmon_drain_wait_ms(timeout_ms), left;
	int fd = pcap_fileno(pd);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) < 0 || pcap_setnonblock(pd, 1, ebuf) < 0)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (limit != 0 && *delivered >= limit)
			break;
		if (pcap_dispatch(pd, limit != 0 ? (int)(limit - *delivered) :
		    -1, callback, user) == PCAP_ERROR_BREAK)
			break;
		if (pcap_stats(pd, &st) == 0 &&
		    *delivered + st.ps_drop >= st.ps_recv)
			break;
		left = wait_ms - ms_since(&t0);
		if (left <= 0)
			break;
		(void)poll(&pfd, 1, left < DRAIN_POLL_MS ? (int)left :
		    DRAIN_POLL_MS);
	}
}
