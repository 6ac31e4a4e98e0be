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
 * Capture module for Linux vsockmon devices.
 *
 * A vsockmon device (ARPHRD_VSOCKMON, 826) receives a copy of every
 * AF_VSOCK packet that the virtio guest driver, vhost-vsock and the
 * loopback transport handle; each copy starts with a 32-byte
 * af_vsockmon_hdr, so the link-layer type is DLT_VSOCK.
 *
 * This module claims only vsockmon devices (and the pseudo-device
 * "vsockmon"); everything else stays with pcap-linux.c.  It reads
 * with a TPACKET_V3 memory-mapped ring on an AF_PACKET socket bound
 * to the device.  The behaviour that differs from pcap-linux.c, and
 * the reasons, are in doc/README.vsockmon.md; in short:
 *
 *  - Stopping loses nothing.  Once the read routine sees that
 *    pcap_breakloop() was called, it replaces the socket filter by
 *    one that accepts nothing (so the set of packets the kernel has
 *    counted stops growing), hands over every block the kernel has
 *    already retired, waits (at most about two block-retire periods)
 *    for the block being filled to be retired, hands that over too,
 *    and only then reports PCAP_ERROR_BREAK.  pcap_stats() called
 *    afterwards therefore satisfies
 *	ps_recv == packets handed to the callback + ps_drop.
 *    The next read call re-installs the real filter and resumes.
 *
 *  - The block-retire timeout is kept short (1 ms in immediate mode,
 *    otherwise the packet buffer timeout capped at 50 ms), so the
 *    wait above stays short.
 *
 *  - pcap_setdirection() is defined by vsock CIDs, since AF_PACKET
 *    reports every vsockmon packet as PACKET_OUTGOING: "in" keeps
 *    packets whose destination CID is local, "out" those whose
 *    source CID is local; loopback packets are both.
 *
 *  - Opening "vsockmon" uses an existing vsockmon device that is up,
 *    or creates one for this capture alone, in a network namespace of
 *    its own that nothing but the capture's packet socket holds (the
 *    vsock taps are global, so a vsockmon device sees every vsock
 *    packet whatever its namespace).  Closing the socket, which
 *    pcap_close() does and the kernel does at exit, ends the
 *    namespace, and the kernel deletes the device with it: no
 *    privilege is needed then, so the device goes even after the
 *    caller has dropped its privileges (tcpdump does, by default), and
 *    even if it dies.  A rtnetlink request could not do that: the
 *    kernel checks CAP_NET_ADMIN on the task sending it
 *    (netlink_net_capable()), not only on the socket's opener.
 *    Without the privilege to make a namespace (CAP_SYS_ADMIN), the
 *    open fails and says how to create a device by hand.
 */

/* For unshare() and setns(), as pcap-linux.c does. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <config.h>

#include "pcap-int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>

#include "pcap-vsockmon.h"
#include "pcap-util.h"
#include "extract.h"

#ifndef DLT_VSOCK
#define DLT_VSOCK		271
#endif

/* Offsets in struct af_vsockmon_hdr (all fields little-endian). */
#define VSM_OFF_SRC_CID		0
#define VSM_OFF_DST_CID		8

/*
 * Largest vsockmon packet seen today: the 32-byte vsockmon header,
 * the 44-byte virtio header and a 64 KiB payload.
 */
#define VSM_MAX_PACKET		(32 + 44 + 65536)

/*
 * Space the kernel puts in front of a packet in a TPACKET_V3 block,
 * rounded up generously: block descriptor (48), tpacket3_hdr plus
 * sockaddr_ll plus the 16 bytes reserved for a link-layer header,
 * aligned (96).
 */
#define VSM_BLOCK_OVERHEAD	256

/*
 * The kernel wakes the reader once per block it retires.  A block
 * that holds one largest packet costs a wakeup per 64 KiB packet, three
 * times as many as pcap-linux.c's 256 KiB blocks, and a bulk transfer
 * pays for them; a block holds at least this many of them.
 */
#define VSM_MIN_PACKETS_PER_BLOCK	2

#define VSM_DEFAULT_BUFFER	(2 * 1024 * 1024)
#define VSM_TOV_MAX_MS		50	/* cap on the block-retire timeout */
#define VSM_TOV_IMMEDIATE_MS	1

/* Messages with an errno, for the device code below. */
#define vsm_errmsg	pcapint_fmt_errmsg_for_errno
#include "vsockmon-device.frag"

struct pcap_vsockmon {
	char		ifname[IF_NAMESIZE];
	int		ifindex;

	/* Ring. */
	u_char		*ring;
	size_t		ring_len;
	u_int		block_size;
	u_int		block_nr;
	u_int		block_idx;	/* block we read next */
	u_char		*pkt;		/* next packet in that block, or NULL */
	u_int		pkts_left;	/* packets left in that block */
	int		held;		/* block fully read, released on next call */
	int		tov_ms;

	int		evfd;		/* wakes poll() on pcap_breakloop() */
	int		nonblock;

	/*
	 * Stopping and draining (see vsockmon_read()).  In every state but
	 * VSM_CAPTURING, the kernel has a filter that accepts nothing.
	 */
	enum {
		VSM_CAPTURING,	/* the real filter is in the kernel */
		VSM_DRAINING,	/* handing over what the ring holds */
		VSM_DRAINED,	/* done, with packets: break at the next read */
		VSM_STOPPED,	/* break reported: resume at the next read */
		VSM_FAILED	/* device error reported: every read fails */
	}		state;
	struct timespec	drain_deadline;
	int		dev_err;	/* errno reported by the socket, or 0 */

	/* Filtering. */
	int		filter_in_kernel;	/* p->fcode runs in the kernel */
	int		dir_in_kernel;		/* direction test runs in the kernel */
	u_int		refilter_blocks;	/* blocks to filter again in userland */

	/* Statistics, accumulated (the kernel resets its counters). */
	uint64_t	kern_packets;
	uint64_t	kern_drops;
	uint64_t	user_rejected;

	uint64_t	local_cids[VSM_MAX_LOCAL_CIDS];
	int		n_local_cids;
};

/*
 * The packet socket, p->fd, in the calling thread's network namespace.
 * Protocol 0: nothing is queued until bind(), after the ring and the
 * filter are in place.  Returns 0, or a PCAP_ERROR_ value with
 * p->errbuf set.
 */
static int
vsm_open_socket(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;

	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (p->fd != -1)
		return 0;
	if (errno == EPERM || errno == EACCES) {
		vsm_raw_perm_msg(p->errbuf, PCAP_ERRBUF_SIZE, pv->ifname);
		return PCAP_ERROR_PERM_DENIED;
	}
	pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
	    "can't open a packet socket");
	return PCAP_ERROR;
}

/*
 * A vsockmon device for this capture alone (vsm_enter_private()), with
 * the packet socket on it (p->fd), opened in the device's namespace,
 * which from then on only that socket keeps alive.  Returns 0, or a
 * PCAP_ERROR_ value with p->errbuf set.
 */
static int
vsm_create_private_device(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	unsigned int idx;
	int home_ns, status;

	status = vsm_enter_private(pv->ifname, &home_ns, p->errbuf,
	    PCAP_ERRBUF_SIZE);
	if (status != 0)
		return status;
	idx = if_nametoindex(pv->ifname);
	if (idx == 0) {
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE,
		    errno, "created %s but can't find it", pv->ifname);
		status = PCAP_ERROR;
	} else {
		pv->ifindex = (int)idx;
		status = vsm_open_socket(p);
	}
	if (vsm_leave_private(&home_ns, p->errbuf, PCAP_ERRBUF_SIZE) != 0)
		status = PCAP_ERROR;
	return status;
}

/* Is the 64-bit little-endian CID at data+off one of ours? */
static int
vsm_cid_is_local(const struct pcap_vsockmon *pv, const u_char *data,
    u_int caplen, u_int off)
{
	uint64_t cid;
	int i;

	if (caplen < off + 8)
		return 0;
	cid = EXTRACT_LE_U_8(data + off);
	for (i = 0; i < pv->n_local_cids; i++)
		if (pv->local_cids[i] == cid)
			return 1;
	return 0;
}

static int
vsm_direction_ok(pcap_t *p, const u_char *data, u_int caplen)
{
	struct pcap_vsockmon *pv = p->priv;

	switch (p->direction) {
	case PCAP_D_IN:
		return vsm_cid_is_local(pv, data, caplen, VSM_OFF_DST_CID);
	case PCAP_D_OUT:
		return vsm_cid_is_local(pv, data, caplen, VSM_OFF_SRC_CID);
	default:
		return 1;
	}
}

/*
 * Kernel filter.
 */

static int
vsm_attach(pcap_t *p, struct sock_filter *insns, u_int len)
{
	struct sock_fprog prog;

	prog.len = (unsigned short)len;
	prog.filter = insns;
	return setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog));
}

/*
 * Build the kernel program: an optional direction test, followed by
 * the user's program (or "accept snapshot bytes"), followed by the
 * "reject" the direction test jumps to.
 */
static struct sock_filter *
vsm_build_program(pcap_t *p, int with_dir, int with_user, u_int *lenp)
{
	struct pcap_vsockmon *pv = p->priv;
	struct sock_filter *f, snap = BPF_STMT(BPF_RET | BPF_K, 0);
	u_int body_len, pro_len = 0, i, m, k = 0, off;

	snap.k = (uint32_t)p->snapshot;
	body_len = with_user ? p->fcode.bf_len : 1;
	m = (u_int)pv->n_local_cids;
	if (with_dir)
		pro_len = 4 + m;
	if (pro_len + body_len + (with_dir ? 1 : 0) > BPF_MAXINSNS)
		return NULL;
	f = calloc(pro_len + body_len + 1, sizeof(*f));
	if (f == NULL)
		return NULL;
	if (with_dir) {
		off = p->direction == PCAP_D_IN ? VSM_OFF_DST_CID :
		    VSM_OFF_SRC_CID;
		/* The upper half of the CID must be zero... */
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    off + 4);
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    0, 0, (uint8_t)(m + 1));
		/*
		 * ...and the lower half (loaded byte-swapped) a local CID,
		 * all of which fit in 32 bits (vsm_local_cids()).
		 */
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    off);
		for (i = 0; i < m; i++)
			f[k++] = (struct sock_filter)BPF_JUMP(
			    BPF_JMP | BPF_JEQ | BPF_K,
			    SWAPLONG((uint32_t)pv->local_cids[i]),
			    (uint8_t)(m - i), 0);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
		    body_len);
	}
	if (with_user) {
		for (i = 0; i < body_len; i++) {
			f[k].code = p->fcode.bf_insns[i].code;
			f[k].jt = p->fcode.bf_insns[i].jt;
			f[k].jf = p->fcode.bf_insns[i].jf;
			f[k].k = p->fcode.bf_insns[i].k;
			k++;
		}
	} else
		f[k++] = snap;
	if (with_dir)
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	*lenp = k;
	return f;
}

/*
 * Put the best possible program in the kernel: user filter and
 * direction test, else the direction test alone, else only the
 * snapshot length; whatever the kernel refuses runs in userland.
 */
static void
vsm_apply_kernel_filter(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	int want_dir = p->direction != PCAP_D_INOUT;
	int want_user = p->fcode.bf_insns != NULL;
	struct sock_filter *f;
	u_int len;
	int attempt;

	pv->filter_in_kernel = 0;
	pv->dir_in_kernel = 0;
	if (pv->state != VSM_CAPTURING)
		return;		/* installed on resume */
	for (attempt = 0; attempt < 3; attempt++) {
		int with_user = want_user && attempt == 0;
		int with_dir = want_dir && attempt <= 1;

		if (attempt > 0 && !want_user && !want_dir)
			break;
		if (attempt == 1 && !want_dir)
			continue;
		f = vsm_build_program(p, with_dir, with_user, &len);
		if (f == NULL)
			continue;
		if (vsm_attach(p, f, len) == 0) {
			free(f);
			pv->filter_in_kernel = with_user || !want_user;
			pv->dir_in_kernel = with_dir || !want_dir;
			return;
		}
		free(f);
	}
	/* Nothing accepted: filter everything in userland. */
	(void)setsockopt(p->fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
	pv->filter_in_kernel = !want_user;
	pv->dir_in_kernel = !want_dir;
}

static void
vsm_resume_kernel(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	int refilter = pv->refilter_blocks;

	pv->state = VSM_CAPTURING;
	vsm_apply_kernel_filter(p);
	/* Blocks in the ring were filtered by the program we restore. */
	pv->refilter_blocks = refilter;
}

static int
vsockmon_setfilter(pcap_t *p, struct bpf_program *fp)
{
	struct pcap_vsockmon *pv = p->priv;

	if (pcapint_install_bpf_program(p, fp) < 0)
		return -1;
	vsm_apply_kernel_filter(p);
	/* Packets already in the ring passed the previous filter. */
	pv->refilter_blocks = pv->block_nr + 1;
	return 0;
}

static int
vsockmon_setdirection(pcap_t *p, pcap_direction_t d)
{
	struct pcap_vsockmon *pv = p->priv;

	p->direction = d;
	vsm_apply_kernel_filter(p);
	pv->refilter_blocks = pv->block_nr + 1;
	return 0;
}

/*
 * Ring access.
 */

static struct tpacket_block_desc *
vsm_block(struct pcap_vsockmon *pv, u_int idx)
{
	return (struct tpacket_block_desc *)(void *)
	    (pv->ring + (size_t)idx * pv->block_size);
}

static int
vsm_block_is_ours(struct tpacket_block_desc *b)
{
	return (__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
	    TP_STATUS_USER) != 0;
}

static void
vsm_release_current(struct pcap_vsockmon *pv)
{
	struct tpacket_block_desc *b = vsm_block(pv, pv->block_idx);

	__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
	    __ATOMIC_RELEASE);
	pv->pkt = NULL;
	pv->pkts_left = 0;
	pv->held = 0;
	if (++pv->block_idx >= pv->block_nr)
		pv->block_idx = 0;
	if (pv->refilter_blocks > 0)
		pv->refilter_blocks--;
}

/* The kernel owns the block we read next and has put packets in it. */
static int
vsm_open_block_has_packets(struct pcap_vsockmon *pv)
{
	struct tpacket_block_desc *b = vsm_block(pv, pv->block_idx);

	if (vsm_block_is_ours(b))
		return 1;
	return __atomic_load_n(&b->hdr.bh1.num_pkts, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Hand over up to max packets from blocks the kernel has retired.
 * Returns the number handed over.
 */
static int
vsm_consume(pcap_t *p, int max, pcap_handler callback, u_char *user)
{
	struct pcap_vsockmon *pv = p->priv;
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	struct pcap_pkthdr hdr;
	u_char *end, *data;
	int n = 0;

	while (n < max) {
		b = vsm_block(pv, pv->block_idx);
		if (pv->pkt == NULL) {
			if (!vsm_block_is_ours(b))
				break;
			pv->pkts_left = b->hdr.bh1.num_pkts;
			if (b->hdr.bh1.offset_to_first_pkt >= pv->block_size)
				pv->pkts_left = 0;
			pv->pkt = (u_char *)b + b->hdr.bh1.offset_to_first_pkt;
		}
		end = (u_char *)b + pv->block_size;
		while (pv->pkts_left > 0 && n < max) {
			h = (struct tpacket3_hdr *)(void *)pv->pkt;
			if ((u_char *)h + sizeof(*h) > end ||
			    (u_char *)h + h->tp_mac + h->tp_snaplen > end) {
				/* Corrupt block: skip the rest of it. */
				pv->pkts_left = 0;
				break;
			}
			data = (u_char *)h + h->tp_mac;
			hdr.ts.tv_sec = h->tp_sec;
			if (p->opt.tstamp_precision == PCAP_TSTAMP_PRECISION_NANO)
				hdr.ts.tv_usec = h->tp_nsec;
			else
				hdr.ts.tv_usec = h->tp_nsec / 1000;
			hdr.len = h->tp_len;
			hdr.caplen = h->tp_snaplen;
			if (hdr.caplen > (u_int)p->snapshot)
				hdr.caplen = (u_int)p->snapshot;

			pv->pkts_left--;
			if (pv->pkts_left > 0)
				pv->pkt += h->tp_next_offset;

			if (p->fcode.bf_insns != NULL &&
			    (!pv->filter_in_kernel || pv->refilter_blocks > 0) &&
			    pcapint_filter(p->fcode.bf_insns, data, hdr.len,
			    hdr.caplen) == 0) {
				pv->user_rejected++;
				continue;
			}
			if (p->direction != PCAP_D_INOUT &&
			    (!pv->dir_in_kernel || pv->refilter_blocks > 0) &&
			    !vsm_direction_ok(p, data, hdr.caplen)) {
				pv->user_rejected++;
				continue;
			}
			callback(user, &hdr, data);
			n++;
		}
		if (pv->pkts_left > 0)
			break;		/* max reached inside the block */
		if (n >= max) {
			/*
			 * Keep the block until the next call: pcap_next()
			 * and pcap_next_ex() hand out a pointer into it.
			 */
			pv->held = 1;
			break;
		}
		vsm_release_current(pv);
	}
	return n;
}

static int
vsm_ms_until(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Record the error the socket reports, if any. */
static void
vsm_fetch_socket_error(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0 && pv->dev_err == 0)
		pv->dev_err = err;
}

/*
 * Wait for the kernel to retire a block, for pcap_breakloop() or for
 * an error.  Returns 1 to look again, 0 on timeout, PCAP_ERROR.
 */
static int
vsm_wait(pcap_t *p, int timeout_ms, int with_breakloop_fd)
{
	struct pcap_vsockmon *pv = p->priv;
	struct pollfd pfd[2];
	nfds_t nfds = 1;
	int r;

	pfd[0].fd = p->fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (with_breakloop_fd && pv->evfd != -1) {
		pfd[1].fd = pv->evfd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		nfds = 2;
	}
	r = poll(pfd, nfds, timeout_ms);
	if (r == -1) {
		if (errno == EINTR)
			return 1;
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
		    "poll on %s", pv->ifname);
		return PCAP_ERROR;
	}
	if (r == 0)
		return 0;
	if (pfd[0].revents & POLLNVAL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "poll on %s: invalid socket", pv->ifname);
		return PCAP_ERROR;
	}
	if (pfd[0].revents & (POLLERR | POLLHUP))
		vsm_fetch_socket_error(p);
	return 1;
}

static void
vsm_start_drain(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	uint64_t v;
	long ms;

	if (pv->evfd != -1)
		while (read(pv->evfd, &v, sizeof(v)) == (ssize_t)sizeof(v))
			;
	/*
	 * From now on the kernel accepts nothing more, so the ring holds
	 * everything it has counted.  If the filter can't be replaced,
	 * the drain still hands over what is in the ring.
	 */
	if (pv->state == VSM_CAPTURING)
		(void)vsm_attach(p, &none, 1);
	pv->state = VSM_DRAINING;
	clock_gettime(CLOCK_MONOTONIC, &pv->drain_deadline);
	ms = vsm_drain_wait_ms(pv->tov_ms);
	pv->drain_deadline.tv_sec += ms / 1000;
	pv->drain_deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (pv->drain_deadline.tv_nsec >= 1000000000L) {
		pv->drain_deadline.tv_sec++;
		pv->drain_deadline.tv_nsec -= 1000000000L;
	}
}

static void
vsm_device_error_message(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	unsigned int idx = if_nametoindex(pv->ifname);

	if (pv->dev_err == ENETDOWN && idx == (unsigned int)pv->ifindex)
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s went down during the capture (packets captured "
		    "until then were delivered); bring it up again with "
		    "'ip link set %s up' and restart the capture",
		    pv->ifname, pv->ifname);
	else if (pv->dev_err == ENETDOWN || pv->dev_err == ENODEV ||
	    pv->dev_err == ENXIO)
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s was removed during the capture (packets captured "
		    "until then were delivered)", pv->ifname);
	else
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, pv->dev_err,
		    "error on the packet socket for %s", pv->ifname);
}

static int
vsockmon_read(pcap_t *p, int max_packets, pcap_handler callback,
    u_char *user)
{
	struct pcap_vsockmon *pv = p->priv;
	int n = 0, r, timeout;

	if (PACKET_COUNT_IS_UNLIMITED(max_packets))
		max_packets = INT_MAX;

	if (pv->held)
		vsm_release_current(pv);

	switch (pv->state) {

	case VSM_FAILED:
		vsm_device_error_message(p);
		return PCAP_ERROR;

	case VSM_DRAINED:
		/* The previous call finished the drain with packets. */
		pv->state = VSM_STOPPED;
		p->break_loop = 0;
		return PCAP_ERROR_BREAK;

	case VSM_STOPPED:
		if (!p->break_loop)
			vsm_resume_kernel(p);
		break;

	default:
		break;
	}

	for (;;) {
		n += vsm_consume(p, max_packets - n, callback, user);
		if (n >= max_packets)
			return n;

		if (p->break_loop || pv->dev_err != 0) {
			if (pv->state != VSM_DRAINING)
				vsm_start_drain(p);
			if (vsm_open_block_has_packets(pv)) {
				int left = vsm_ms_until(&pv->drain_deadline);

				if (left > 0) {
					r = vsm_wait(p, left, 0);
					if (r < 0)
						return r;
					continue;
				}
			}
			/* Everything the kernel had is handed over. */
			if (pv->dev_err != 0) {
				pv->state = VSM_FAILED;
				vsm_device_error_message(p);
				return n > 0 ? n : PCAP_ERROR;
			}
			if (n > 0) {
				pv->state = VSM_DRAINED;
				return n;
			}
			pv->state = VSM_STOPPED;
			p->break_loop = 0;
			return PCAP_ERROR_BREAK;
		}

		if (n > 0)
			return n;
		if (pv->nonblock)
			timeout = 0;
		else if (p->opt.timeout > 0)
			timeout = p->opt.timeout;
		else
			timeout = -1;
		r = vsm_wait(p, timeout, 1);
		if (r < 0)
			return r;
		if (r == 0) {
			/* One last look, so no block waits a timeout more. */
			n += vsm_consume(p, max_packets, callback, user);
			return n;
		}
	}
}

static void
vsockmon_breakloop(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	uint64_t one = 1;

	p->break_loop = 1;
	if (pv->evfd != -1)
		(void)write(pv->evfd, &one, sizeof(one));
}

static int
vsockmon_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct pcap_vsockmon *pv = p->priv;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	uint64_t recv;

	memset(&st, 0, sizeof(st));
	if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &st,
	    &len) == -1) {
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
		    "can't get statistics (PACKET_STATISTICS) for %s",
		    pv->ifname);
		return -1;
	}
	/*
	 * The kernel zeroes its counters on every read, and its packet
	 * count already includes the drops.
	 */
	pv->kern_packets += st.tp_packets;
	pv->kern_drops += st.tp_drops;
	recv = pv->kern_packets;
	recv = recv > pv->user_rejected ? recv - pv->user_rejected : 0;
	ps->ps_recv = (u_int)recv;
	ps->ps_drop = (u_int)pv->kern_drops;
	ps->ps_ifdrop = 0;
	return 0;
}

static int
vsockmon_inject(pcap_t *p, const void *buf _U_, int size _U_)
{
	struct pcap_vsockmon *pv = p->priv;

	snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
	    "packets can't be injected on %s: a vsockmon device only "
	    "monitors vsock traffic", pv->ifname);
	return PCAP_ERROR;
}

static int
vsockmon_getnonblock(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;

	return pv->nonblock;
}

static int
vsockmon_setnonblock(pcap_t *p, int nonblock)
{
	struct pcap_vsockmon *pv = p->priv;

	pv->nonblock = nonblock != 0;
	return 0;
}

static void
vsockmon_cleanup(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;

	if (pv->ring != NULL) {
		munmap(pv->ring, pv->ring_len);
		pv->ring = NULL;
	}
	if (pv->evfd != -1) {
		close(pv->evfd);
		pv->evfd = -1;
	}
	/* Closing p->fd also ends the namespace of a private device. */
	pcapint_cleanup_live_common(p);
}

/*
 * Choose the device (vsm_choose_device()): the one named, or for
 * "vsockmon" an existing one that is up, or a new one; and open the
 * packet socket on it.
 */
static int
vsm_pick_device(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	unsigned int idx;
	int status;

	status = vsm_choose_device(p->opt.device, pv->ifname,
	    sizeof(pv->ifname), p->errbuf, PCAP_ERRBUF_SIZE);
	if (status == 1)
		return vsm_create_private_device(p);
	if (status != 0)
		return status;
	idx = if_nametoindex(pv->ifname);
	if (idx == 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s disappeared while being opened", pv->ifname);
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	pv->ifindex = (int)idx;
	return vsm_open_socket(p);
}

static int
vsm_setup_ring(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	struct tpacket_req3 req;
	int version = TPACKET_V3;
	u_int need, bufsize, pagesize;

	if (setsockopt(p->fd, SOL_PACKET, PACKET_VERSION, &version,
	    sizeof(version)) == -1) {
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
		    "can't select TPACKET_V3 (Linux 3.19 or later needed)");
		return PCAP_ERROR;
	}

	/* A block holds VSM_MIN_PACKETS_PER_BLOCK of the largest packets. */
	need = (u_int)p->snapshot;
	if (need > VSM_MAX_PACKET)
		need = VSM_MAX_PACKET;
	need += VSM_BLOCK_OVERHEAD;
	pagesize = (u_int)getpagesize();
	pv->block_size = pagesize;
	while (pv->block_size < VSM_MIN_PACKETS_PER_BLOCK * need)
		pv->block_size <<= 1;

	bufsize = p->opt.buffer_size != 0 ? p->opt.buffer_size :
	    VSM_DEFAULT_BUFFER;
	pv->block_nr = (bufsize + pv->block_size - 1) / pv->block_size;
	if (pv->block_nr < 2)
		pv->block_nr = 2;

	if (p->opt.immediate)
		pv->tov_ms = VSM_TOV_IMMEDIATE_MS;
	else if (p->opt.timeout > 0 && p->opt.timeout < VSM_TOV_MAX_MS)
		pv->tov_ms = p->opt.timeout;
	else
		pv->tov_ms = VSM_TOV_MAX_MS;

	for (;;) {
		memset(&req, 0, sizeof(req));
		req.tp_block_size = pv->block_size;
		req.tp_block_nr = pv->block_nr;
		req.tp_frame_size = pv->block_size;
		req.tp_frame_nr = pv->block_nr;
		req.tp_retire_blk_tov = (unsigned int)pv->tov_ms;
		if (setsockopt(p->fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(req)) == 0)
			break;
		if (errno != ENOMEM || pv->block_nr <= 1) {
			pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
			    "can't create the packet ring for %s",
			    pv->ifname);
			return PCAP_ERROR;
		}
		pv->block_nr -= pv->block_nr >= 20 ? pv->block_nr / 20 : 1;
	}

	pv->ring_len = (size_t)pv->block_size * pv->block_nr;
	pv->ring = mmap(NULL, pv->ring_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED, p->fd, 0);
	if (pv->ring == MAP_FAILED) {
		pv->ring = NULL;
		pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, errno,
		    "can't map the packet ring for %s", pv->ifname);
		return PCAP_ERROR;
	}
	pv->block_idx = 0;
	pv->pkt = NULL;
	return 0;
}

static int
vsockmon_activate(pcap_t *p)
{
	struct pcap_vsockmon *pv = p->priv;
	struct sockaddr_ll sll;
	int status, err;
	socklen_t len;

	pv->evfd = -1;

	if (p->opt.rfmon) {
		status = PCAP_ERROR_RFMON_NOTSUP;
		goto fail;
	}
	if (p->snapshot <= 0 || p->snapshot > MAXIMUM_SNAPLEN)
		p->snapshot = MAXIMUM_SNAPLEN;

	/* The device, and the packet socket on it (p->fd). */
	status = vsm_pick_device(p);
	if (status != 0)
		goto fail;
	pv->n_local_cids = vsm_local_cids(pv->local_cids, VSM_MAX_LOCAL_CIDS);

	status = vsm_setup_ring(p);
	if (status != 0)
		goto fail;

	p->direction = PCAP_D_INOUT;
	vsm_apply_kernel_filter(p);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = pv->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		err = errno;
		if (err == ENODEV || err == ENXIO) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "%s disappeared while being opened", pv->ifname);
			status = PCAP_ERROR_NO_SUCH_DEVICE;
		} else {
			pcapint_fmt_errmsg_for_errno(p->errbuf, PCAP_ERRBUF_SIZE, err,
			    "can't bind to %s", pv->ifname);
			status = PCAP_ERROR;
		}
		goto fail;
	}
	err = 0;
	len = sizeof(err);
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err == ENETDOWN) {
		vsm_down_msg(p->errbuf, PCAP_ERRBUF_SIZE, pv->ifname);
		status = PCAP_ERROR_IFACE_NOT_UP;
		goto fail;
	}

	pv->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	p->linktype = DLT_VSOCK;
	p->offset = 0;
	p->selectable_fd = p->fd;
	p->read_op = vsockmon_read;
	p->inject_op = vsockmon_inject;
	p->setfilter_op = vsockmon_setfilter;
	p->setdirection_op = vsockmon_setdirection;
	p->set_datalink_op = NULL;
	p->getnonblock_op = vsockmon_getnonblock;
	p->setnonblock_op = vsockmon_setnonblock;
	p->stats_op = vsockmon_stats;
	p->breakloop_op = vsockmon_breakloop;
	p->cleanup_op = vsockmon_cleanup;
	return 0;

fail:
	vsockmon_cleanup(p);
	return status;
}

pcap_t *
vsockmon_create(const char *device, char *ebuf, int *is_ours)
{
	pcap_t *p;
	struct pcap_vsockmon *pv;

	*is_ours = 0;
	/* Everything else stays with pcap-linux.c. */
	if (!vsm_claims(device))
		return NULL;
	*is_ours = 1;

	p = PCAP_CREATE_COMMON(ebuf, struct pcap_vsockmon);
	if (p == NULL)
		return NULL;
	pv = p->priv;
	pv->evfd = -1;
	p->activate_op = vsockmon_activate;

	p->tstamp_precision_list = malloc(2 * sizeof(u_int));
	if (p->tstamp_precision_list == NULL) {
		pcapint_fmt_errmsg_for_errno(ebuf, PCAP_ERRBUF_SIZE, errno, "malloc");
		pcap_close(p);
		return NULL;
	}
	p->tstamp_precision_list[0] = PCAP_TSTAMP_PRECISION_MICRO;
	p->tstamp_precision_list[1] = PCAP_TSTAMP_PRECISION_NANO;
	p->tstamp_precision_count = 2;
	return p;
}

int
vsockmon_findalldevs(pcap_if_list_t *devlistp, char *errbuf)
{
	DIR *d;
	struct dirent *de;
	pcap_if_t *dev;
	bpf_u_int32 flags;
	long ifflags;
	int found = 0;

	d = opendir("/sys/class/net");
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!vsm_valid_ifname(de->d_name) ||
			    !vsm_is_vsockmon(de->d_name))
				continue;
			found++;
			/*
			 * pcap-linux.c has normally listed it already (it
			 * runs first); complete that entry rather than
			 * adding a second one.
			 */
			dev = pcapint_find_dev(devlistp, de->d_name);
			if (dev != NULL) {
				if (dev->description == NULL) {
					dev->description =
					    strdup(VSM_DESCRIPTION);
					if (dev->description == NULL) {
						pcapint_fmt_errmsg_for_errno(errbuf,
						    PCAP_ERRBUF_SIZE, errno,
						    "malloc");
						closedir(d);
						return -1;
					}
				}
				dev->flags = (dev->flags &
				    ~PCAP_IF_CONNECTION_STATUS) |
				    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
				continue;
			}
			flags = PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
			if (vsm_if_flags(de->d_name, &ifflags) == 0) {
				if (ifflags & IFF_UP)
					flags |= PCAP_IF_UP;
				if (ifflags & IFF_RUNNING)
					flags |= PCAP_IF_RUNNING;
			}
			if (pcapint_add_dev(devlistp, de->d_name, flags,
			    VSM_DESCRIPTION, errbuf) == NULL) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	if (found == 0 && pcapint_find_dev(devlistp, VSM_PSEUDO_NAME) == NULL &&
	    vsm_kernel_can_create()) {
		if (pcapint_add_dev(devlistp, VSM_PSEUDO_NAME,
		    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
		    VSM_PSEUDO_DESCRIPTION, errbuf) == NULL)
			return -1;
	}
	return 0;
}
