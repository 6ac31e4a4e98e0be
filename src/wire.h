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

#ifndef VSOCKDUMP_WIRE_H
#define VSOCKDUMP_WIRE_H

/*
 * The vsock wire format, as a vsockmon device hands it over, defined
 * once for vsockdump's own files: the tracker, the filter rewrite, the
 * kernel filter, the printers of cooked frames, the analysis, the
 * vsockmon devices.  Sources: include/uapi/linux/vsockmon.h and
 * virtio_vsock.h, the virtio specification's socket device, libpcap's
 * sll.h.  Every vsock field is little-endian (read them with
 * netdissect's EXTRACT_LE_U_* of extract.h); the cooked headers are
 * big-endian.
 *
 * The files that go upstream (print-vsock.c, pcap-vsockmon.c,
 * gencode-vsock.frag, and vsockmon-device.frag, which src/vsockmon.c
 * shares with pcap-vsockmon.c) keep definitions of their own: tcpdump
 * and libpcap take each of them as the self-contained file it is.
 * vsockmon-device.frag's are behind #ifndef, so that src/vsockmon.c
 * uses this file's.
 */

/* Link-layer types, where the system's pcap.h lacks them. */
#ifndef DLT_LINUX_SLL
#define DLT_LINUX_SLL		113
#endif
#ifndef DLT_VSOCK
#define DLT_VSOCK		271
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2		276
#endif

/* The ARPHRD type of a vsockmon device (<linux/if_arp.h>). */
#ifndef ARPHRD_VSOCKMON
#define ARPHRD_VSOCKMON		826
#endif

/*
 * LINUX_SLL header:
 *	0 packet type, 2 ARPHRD type, 4 address length, 6 address (8 bytes),
 *	14 protocol (an Ethertype, or a value up to 1500 for non-Ethernet).
 */
#define SLL_HDR_LEN		16
#define SLL_OFF_PKTTYPE		0
#define SLL_OFF_HATYPE		2
#define SLL_OFF_HALEN		4
#define SLL_OFF_ADDR		6
#define SLL_OFF_PROTOCOL	14

/*
 * LINUX_SLL2 header:
 *	0 protocol, 2 reserved, 4 interface index, 8 ARPHRD type,
 *	10 packet type (1 byte), 11 address length (1 byte), 12 address.
 */
#define SLL2_HDR_LEN		20
#define SLL2_OFF_PROTOCOL	0
#define SLL2_OFF_IFINDEX	4
#define SLL2_OFF_HATYPE		8
#define SLL2_OFF_PKTTYPE	10
#define SLL2_OFF_HALEN		11
#define SLL2_OFF_ADDR		12

/*
 * struct af_vsockmon_hdr:
 *	0 src_cid (8), 8 dst_cid (8), 16 src_port (4), 20 dst_port (4),
 *	24 op (2), 26 transport (2), 28 len (2): the transport header's
 *	length, for every transport; 30 reserved (2).
 */
#define VSOCK_MON_HDR_LEN	32
#define VSOCK_MON_OFF_SRC_CID	0
#define VSOCK_MON_OFF_DST_CID	8
#define VSOCK_MON_OFF_SRC_PORT	16
#define VSOCK_MON_OFF_DST_PORT	20
#define VSOCK_MON_OFF_OP	24
#define VSOCK_MON_OFF_TRANSPORT	26
#define VSOCK_MON_OFF_THDR_LEN	28

/* vsockmon ops */
#define VSOCK_MON_OP_UNKNOWN	0
#define VSOCK_MON_OP_CONNECT	1
#define VSOCK_MON_OP_DISCONNECT	2
#define VSOCK_MON_OP_CONTROL	3
#define VSOCK_MON_OP_PAYLOAD	4

/* transports */
#define VSOCK_TRANSPORT_UNKNOWN	0
#define VSOCK_TRANSPORT_NO_INFO	1
#define VSOCK_TRANSPORT_VIRTIO	2

/*
 * struct virtio_vsock_hdr, after the vsockmon header; offsets within it:
 *	0 src_cid (8), 8 dst_cid (8), 16 src_port (4), 20 dst_port (4),
 *	24 len (4): the payload's, 28 type (2), 30 op (2), 32 flags (4),
 *	36 buf_alloc (4), 40 fwd_cnt (4).
 */
#define VSOCK_VIRTIO_HDR_LEN	44
#define VSOCK_VIRTIO_OFF_LEN	24
#define VSOCK_VIRTIO_OFF_TYPE	28
#define VSOCK_VIRTIO_OFF_OP	30
#define VSOCK_VIRTIO_OFF_FLAGS	32
#define VSOCK_VIRTIO_OFF_BUF_ALLOC 36
#define VSOCK_VIRTIO_OFF_FWD_CNT 40

/*
 * The transport header length that covers a virtio field: where the
 * field ends (the type at bytes 28-29, the op at 30-31).  A field is
 * tested and printed when the transport header covers it.
 */
#define VSOCK_VIRTIO_TYPE_END	30
#define VSOCK_VIRTIO_OP_END	32

/* virtio socket types (3, DGRAM, was proposed, never merged) */
#define VSOCK_TYPE_STREAM	1
#define VSOCK_TYPE_SEQPACKET	2

/* virtio ops */
#define VSOCK_OP_INVALID	0
#define VSOCK_OP_REQUEST	1
#define VSOCK_OP_RESPONSE	2
#define VSOCK_OP_RST		3
#define VSOCK_OP_SHUTDOWN	4
#define VSOCK_OP_RW		5
#define VSOCK_OP_CREDIT_UPDATE	6
#define VSOCK_OP_CREDIT_REQUEST	7

/* virtio flags: of op SHUTDOWN; of op RW on SEQPACKET */
#define VSOCK_SHUTDOWN_RCV	0x1
#define VSOCK_SHUTDOWN_SEND	0x2
#define VSOCK_SEQ_EOM		0x1
#define VSOCK_SEQ_EOR		0x2

/* Wildcards: VMADDR_CID_ANY and VMADDR_PORT_ANY of <linux/vm_sockets.h>. */
#define VSOCK_CID_ANY		0xffffffffU
#define VSOCK_PORT_ANY		0xffffffffU

/* A socket type as vsockdump names it, "?" for one it does not know. */
static inline const char *
vsock_type_name(unsigned int type)
{
	switch (type) {

	case VSOCK_TYPE_STREAM:
		return ("STREAM");

	case VSOCK_TYPE_SEQPACKET:
		return ("SEQPACKET");
	}
	return ("?");
}

#endif /* VSOCKDUMP_WIRE_H */
