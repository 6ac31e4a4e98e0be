/*
 * Copyright (c) 2016 Gerard Garcia <nouboh@gmail.com>
 * Copyright (c) 2017 Red Hat, Inc.
 * Copyright (c) 2026 The vsockdump authors
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 *   1. Redistributions of source code must retain the above copyright
 *      notice, this list of conditions and the following disclaimer.
 *   2. Redistributions in binary form must reproduce the above copyright
 *      notice, this list of conditions and the following disclaimer in
 *      the documentation and/or other materials provided with the
 *      distribution.
 *   3. The names of the authors may not be used to endorse or promote
 *      products derived from this software without specific prior
 *      written permission.
 *
 * THIS SOFTWARE IS PROVIDED ``AS IS'' AND WITHOUT ANY EXPRESS OR
 * IMPLIED WARRANTIES, INCLUDING, WITHOUT LIMITATION, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE.
 */

/* \summary: Linux vsock printer */

/*
 * specification: include/uapi/linux/vsockmon.h and
 * include/uapi/linux/virtio_vsock.h in Linux; the virtio specification,
 * "Socket Device".
 *
 * A vsockmon device hands over a vsockmon header, then a transport
 * header of the length the vsockmon header gives (whatever the
 * transport), then the payload.  All fields are little-endian.
 *
 * vsockmon header (struct af_vsockmon_hdr), 32 bytes:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     source CID (64 bits)                      |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   destination CID (64 bits)                   |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          source port                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       destination port                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              op               |           transport           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    transport header length    |           reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * virtio transport header (struct virtio_vsock_hdr), 44 bytes:
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         source and destination CIDs (64 bits each)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              source and destination ports (32 bits each)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        payload length                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             type              |              op               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             flags                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           buf_alloc                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            fwd_cnt                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

#include <config.h>

#include "netdissect-stdinc.h"

#include <stddef.h>

#define ND_LONGJMP_FROM_TCHECK
#include "netdissect.h"
#include "addrtoname.h"
#include "extract.h"

enum af_vsockmon_transport {
	AF_VSOCK_TRANSPORT_UNKNOWN = 0,
	AF_VSOCK_TRANSPORT_NO_INFO = 1,		/* No transport information */
	AF_VSOCK_TRANSPORT_VIRTIO = 2,		/* Virtio transport header */
};

static const struct tok vsock_transport[] = {
	{ AF_VSOCK_TRANSPORT_UNKNOWN,	"UNKNOWN" },
	{ AF_VSOCK_TRANSPORT_NO_INFO,	"NO_INFO" },
	{ AF_VSOCK_TRANSPORT_VIRTIO,	"VIRTIO" },
	{ 0, NULL }
};

enum af_vsockmon_op {
	AF_VSOCK_OP_UNKNOWN = 0,
	AF_VSOCK_OP_CONNECT = 1,
	AF_VSOCK_OP_DISCONNECT = 2,
	AF_VSOCK_OP_CONTROL = 3,
	AF_VSOCK_OP_PAYLOAD = 4,
};

static const struct tok vsock_op[] = {
	{ AF_VSOCK_OP_UNKNOWN,		"UNKNOWN" },
	{ AF_VSOCK_OP_CONNECT,		"CONNECT" },
	{ AF_VSOCK_OP_DISCONNECT,	"DISCONNECT" },
	{ AF_VSOCK_OP_CONTROL,		"CONTROL" },
	{ AF_VSOCK_OP_PAYLOAD,		"PAYLOAD" },
	{ 0, NULL }
};

/* Type 3, DGRAM, was proposed but never merged. */
enum virtio_vsock_type {
	VIRTIO_VSOCK_TYPE_STREAM = 1,
	VIRTIO_VSOCK_TYPE_SEQPACKET = 2,
};

static const struct tok virtio_type[] = {
	{ VIRTIO_VSOCK_TYPE_STREAM,	"STREAM" },
	{ VIRTIO_VSOCK_TYPE_SEQPACKET,	"SEQPACKET" },
	{ 0, NULL }
};

enum virtio_vsock_op {
	VIRTIO_VSOCK_OP_INVALID = 0,
	VIRTIO_VSOCK_OP_REQUEST = 1,
	VIRTIO_VSOCK_OP_RESPONSE = 2,
	VIRTIO_VSOCK_OP_RST = 3,
	VIRTIO_VSOCK_OP_SHUTDOWN = 4,
	VIRTIO_VSOCK_OP_RW = 5,
	VIRTIO_VSOCK_OP_CREDIT_UPDATE = 6,
	VIRTIO_VSOCK_OP_CREDIT_REQUEST = 7,
};

static const struct tok virtio_op[] = {
	{ VIRTIO_VSOCK_OP_INVALID,		"INVALID" },
	{ VIRTIO_VSOCK_OP_REQUEST,		"REQUEST" },
	{ VIRTIO_VSOCK_OP_RESPONSE,		"RESPONSE" },
	{ VIRTIO_VSOCK_OP_RST,			"RST" },
	{ VIRTIO_VSOCK_OP_SHUTDOWN,		"SHUTDOWN" },
	{ VIRTIO_VSOCK_OP_RW,			"RW" },
	{ VIRTIO_VSOCK_OP_CREDIT_UPDATE,	"CREDIT UPDATE" },
	{ VIRTIO_VSOCK_OP_CREDIT_REQUEST,	"CREDIT REQUEST" },
	{ 0, NULL }
};

/* Flags of op SHUTDOWN. */
enum virtio_vsock_shutdown {
	VIRTIO_VSOCK_SHUTDOWN_RCV = 1,		/* will receive no more */
	VIRTIO_VSOCK_SHUTDOWN_SEND = 2,		/* will send no more */
};

static const struct tok virtio_shutdown_flags[] = {
	{ VIRTIO_VSOCK_SHUTDOWN_RCV,	"RCV" },
	{ VIRTIO_VSOCK_SHUTDOWN_SEND,	"SEND" },
	{ 0, NULL }
};

/* Flags of op RW on a SEQPACKET socket (Linux 5.14 named bit 0 EOR). */
enum virtio_vsock_rw {
	VIRTIO_VSOCK_SEQ_EOM = 1,		/* end of message */
	VIRTIO_VSOCK_SEQ_EOR = 2,		/* end of record */
};

static const struct tok virtio_seqpacket_flags[] = {
	{ VIRTIO_VSOCK_SEQ_EOM,	"EOM" },
	{ VIRTIO_VSOCK_SEQ_EOR,	"EOR" },
	{ 0, NULL }
};

struct af_vsockmon_hdr {
	nd_uint64_t	src_cid;
	nd_uint64_t	dst_cid;
	nd_uint32_t	src_port;
	nd_uint32_t	dst_port;
	nd_uint16_t	op;		/* enum af_vsockmon_op */
	nd_uint16_t	transport;	/* enum af_vsockmon_transport */
	nd_uint16_t	len;		/* size of transport header */
	nd_uint8_t	reserved[2];
};

struct virtio_vsock_hdr {
	nd_uint64_t	src_cid;
	nd_uint64_t	dst_cid;
	nd_uint32_t	src_port;
	nd_uint32_t	dst_port;
	nd_uint32_t	len;		/* payload length */
	nd_uint16_t	type;		/* enum virtio_vsock_type */
	nd_uint16_t	op;		/* enum virtio_vsock_op */
	nd_uint32_t	flags;
	nd_uint32_t	buf_alloc;
	nd_uint32_t	fwd_cnt;
};

/* Does field f of the virtio header lie within its first n bytes? */
#define VIRTIO_HAS(f, n) \
	(offsetof(struct virtio_vsock_hdr, f) + \
	 sizeof(((const struct virtio_vsock_hdr *)0)->f) <= (n))

/* The vsockmon op the kernel puts beside a virtio op. */
static uint16_t
vsock_op_of_virtio_op(uint16_t op)
{
	switch (op) {
	case VIRTIO_VSOCK_OP_REQUEST:
	case VIRTIO_VSOCK_OP_RESPONSE:
		return AF_VSOCK_OP_CONNECT;
	case VIRTIO_VSOCK_OP_RST:
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		return AF_VSOCK_OP_DISCONNECT;
	case VIRTIO_VSOCK_OP_RW:
		return AF_VSOCK_OP_PAYLOAD;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		return AF_VSOCK_OP_CONTROL;
	default:
		return AF_VSOCK_OP_UNKNOWN;
	}
}

/*
 * ", flags [...]": the names that this op (and socket type) gives to
 * bits, then the other bits in hex ("RCV, SEND", "EOM, 0x4", "none").
 */
static void
virtio_flags_print(netdissect_options *ndo, uint16_t type, uint16_t op,
		   uint32_t flags)
{
	char buf[sizeof("RCV, SEND, 0xfffffffc")];
	const struct tok *bit = NULL;
	size_t n = 0;

	if (flags == 0) {
		ND_PRINT(", flags [none]");
		return;
	}
	if (op == VIRTIO_VSOCK_OP_SHUTDOWN)
		bit = virtio_shutdown_flags;
	else if (op == VIRTIO_VSOCK_OP_RW && type == VIRTIO_VSOCK_TYPE_SEQPACKET)
		bit = virtio_seqpacket_flags;
	for (; bit != NULL && bit->s != NULL; bit++) {
		if (flags & bit->v) {
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      n ? ", " : "", bit->s);
			flags &= ~bit->v;
		}
	}
	if (flags != 0)
		snprintf(buf + n, sizeof(buf) - n, "%s0x%x", n ? ", " : "",
			 flags);
	ND_PRINT(", flags [%s]", buf);
}

/*
 * " (...)": the virtio fields within the first hdr_len bytes of the
 * header.  The addresses are left out; vsock_notes_print() compares
 * them with the vsockmon header's.
 */
static void
virtio_vsock_hdr_print(netdissect_options *ndo,
		       const struct virtio_vsock_hdr *hdr, u_int hdr_len)
{
	uint16_t type = 0, op = 0;

	if (!VIRTIO_HAS(len, hdr_len))
		return;
	ND_PRINT(" (len %u", GET_LE_U_4(hdr->len));
	if (VIRTIO_HAS(type, hdr_len)) {
		type = GET_LE_U_2(hdr->type);
		ND_PRINT(", type %s", tok2str(virtio_type, "%u", type));
	}
	if (VIRTIO_HAS(op, hdr_len)) {
		op = GET_LE_U_2(hdr->op);
		ND_PRINT(", op %s", tok2str(virtio_op, "%u", op));
	}
	if (VIRTIO_HAS(flags, hdr_len))
		virtio_flags_print(ndo, type, op, GET_LE_U_4(hdr->flags));
	if (VIRTIO_HAS(buf_alloc, hdr_len))
		ND_PRINT(", buf_alloc %u", GET_LE_U_4(hdr->buf_alloc));
	if (VIRTIO_HAS(fwd_cnt, hdr_len))
		ND_PRINT(", fwd_cnt %u", GET_LE_U_4(hdr->fwd_cnt));
	ND_PRINT(")");
}

/* " [virtio src|dst C.P != C.P]" when the two headers disagree. */
static void
virtio_addr_check(netdissect_options *ndo, const char *what,
		  const u_char *cid, const u_char *port,
		  const u_char *vcid, const u_char *vport)
{
	uint64_t c = GET_LE_U_8(cid), vc = GET_LE_U_8(vcid);
	uint32_t p = GET_LE_U_4(port), vp = GET_LE_U_4(vport);

	if (vc != c || vp != p)
		ND_PRINT(" [virtio %s %" PRIu64 ".%u != %" PRIu64 ".%u]",
			 what, vc, vp, c, p);
}

/*
 * At -v, where the headers disagree with each other or with the packet
 * length: each note is " [...]".  Only the virtio fields within the
 * first vlen bytes of the virtio header are looked at.
 */
static void
vsock_notes_print(netdissect_options *ndo, const struct af_vsockmon_hdr *hdr,
		  uint16_t transport, u_int hdr_len, u_int vlen, u_int length)
{
	const struct virtio_vsock_hdr *vhdr =
	    (const struct virtio_vsock_hdr *)(hdr + 1);
	u_int headers = sizeof(*hdr) + hdr_len;
	uint16_t reserved, op, vop;
	uint32_t vpayload;

	if (transport == AF_VSOCK_TRANSPORT_VIRTIO) {
		if (hdr_len != sizeof(*vhdr))
			ND_PRINT(" [virtio hdr_len %u != %zu]", hdr_len,
				 sizeof(*vhdr));
		if (VIRTIO_HAS(dst_port, vlen)) {
			virtio_addr_check(ndo, "src", hdr->src_cid,
			    hdr->src_port, vhdr->src_cid, vhdr->src_port);
			virtio_addr_check(ndo, "dst", hdr->dst_cid,
			    hdr->dst_port, vhdr->dst_cid, vhdr->dst_port);
		}
		if (VIRTIO_HAS(len, vlen) && length >= headers) {
			vpayload = GET_LE_U_4(vhdr->len);
			if (vpayload != length - headers)
				ND_PRINT(" [virtio len %u != %u payload bytes]",
					 vpayload, length - headers);
		}
		if (VIRTIO_HAS(op, vlen)) {
			op = GET_LE_U_2(hdr->op);
			vop = GET_LE_U_2(vhdr->op);
			if (op != vsock_op_of_virtio_op(vop))
				ND_PRINT(" [vsockmon op %s != %s for virtio op %s]",
					 tok2str(vsock_op, "%u", op),
					 tok2str(vsock_op, "%u",
						 vsock_op_of_virtio_op(vop)),
					 tok2str(virtio_op, "%u", vop));
		}
	}
	reserved = GET_LE_U_2(hdr->reserved);
	if (reserved != 0)
		ND_PRINT(" [reserved 0x%04x]", reserved);
	if (length < headers)
		ND_PRINT(" [length %u < headers %u]", length, headers);
}

/*
 * The vsockmon header, and at -v the transport header, on one line (two
 * at -v, as tcpdump has always printed them):
 *	[-e fields: ]TRANSPORT[ (transport fields)] SRC > DST OP, length N
 * SRC and DST are CID.PORT: numbers with -n, otherwise as
 * vsockcid_string() and vsockport_string() (addrtoname.c) give them.
 * Returns the transport header length.
 */
static u_int
vsockmon_hdr_print(netdissect_options *ndo, const struct af_vsockmon_hdr *hdr,
		   u_int length)
{
	u_int caplen = ND_BYTES_AVAILABLE_AFTER(hdr);
	u_int hdr_len, vlen = 0;
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port;
	uint16_t transport, op;
	const char *sep = " ";
	int virtio_later = 0;

	/*
	 * -e: the fields nothing else shows.  They follow the transport
	 * and the addresses in the header, so they are left out of a
	 * header cut short, which still shows those.
	 */
	if (ndo->ndo_eflag && caplen >= sizeof(*hdr))
		ND_PRINT("hdr_len %u, reserved 0x%04x: ",
			 GET_LE_U_2(hdr->len), GET_LE_U_2(hdr->reserved));

	transport = GET_LE_U_2(hdr->transport);
	ND_PRINT("%s", tok2str(vsock_transport, "transport %u", transport));
	hdr_len = GET_LE_U_2(hdr->len);
	if (ndo->ndo_vflag) {
		sep = "\n\t";
		if (transport != AF_VSOCK_TRANSPORT_VIRTIO) {
			if (hdr_len != 0)
				ND_PRINT(" (hdr_len %u)", hdr_len);
		} else {
			/* The virtio bytes there are: no more than that. */
			vlen = ND_MIN(ND_MIN(hdr_len,
			    sizeof(struct virtio_vsock_hdr)),
			    length - sizeof(*hdr));
			/*
			 * A capture that ends inside them: the addresses
			 * first, then the virtio fields as far as they go.
			 */
			if (VIRTIO_HAS(len, vlen) &&
			    caplen < sizeof(*hdr) + vlen) {
				virtio_later = 1;
				sep = " ";
			} else
				virtio_vsock_hdr_print(ndo,
				    (const struct virtio_vsock_hdr *)(hdr + 1),
				    vlen);
		}
	}

	/* All of them, before any is printed: a cut header prints none. */
	src_cid = GET_LE_U_8(hdr->src_cid);
	src_port = GET_LE_U_4(hdr->src_port);
	dst_cid = GET_LE_U_8(hdr->dst_cid);
	dst_port = GET_LE_U_4(hdr->dst_port);
	op = GET_LE_U_2(hdr->op);
	if (ndo->ndo_nflag)
		ND_PRINT("%s%" PRIu64 ".%u > %" PRIu64 ".%u %s, length %u",
			 sep, src_cid, src_port, dst_cid, dst_port,
			 tok2str(vsock_op, "op %u", op), length);
	else
		ND_PRINT("%s%s.%s > %s.%s %s, length %u", sep,
			 vsockcid_string(ndo, src_cid),
			 vsockport_string(ndo, src_port),
			 vsockcid_string(ndo, dst_cid),
			 vsockport_string(ndo, dst_port),
			 tok2str(vsock_op, "op %u", op), length);

	if (ndo->ndo_vflag) {
		if (virtio_later)
			virtio_vsock_hdr_print(ndo,
			    (const struct virtio_vsock_hdr *)(hdr + 1), vlen);
		vsock_notes_print(ndo, hdr, transport, hdr_len, vlen, length);
	}
	return hdr_len;
}

/* At -vv, the payload in hex, for any op. */
static void
vsock_payload_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	u_int caplen;

	if (ndo->ndo_vflag < 2 || length == 0)
		return;
	caplen = ND_BYTES_AVAILABLE_AFTER(bp);
	hex_print(ndo, "\n\t", bp, ND_MIN(length, caplen));
	if (caplen < length)
		nd_trunc_longjmp(ndo);
}

/*
 * A vsockmon packet of wire length "length".  Also called for the
 * LINUX_SLL and LINUX_SLL2 frames of ARPHRD type 826 (ARPHRD_VSOCKMON).
 */
void
vsock_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	const struct af_vsockmon_hdr *hdr = (const struct af_vsockmon_hdr *)bp;
	u_int hdr_len;

	ndo->ndo_protocol = "vsock";
	if (length < sizeof(*hdr)) {
		ND_PRINT("vsock, length %u", length);
		goto invalid;
	}
	hdr_len = vsockmon_hdr_print(ndo, hdr, length);
	bp += sizeof(*hdr);
	length -= sizeof(*hdr);
	if (length < hdr_len)
		goto invalid;
	/* The transport header, decoded or not, precedes the payload. */
	ND_TCHECK_LEN(bp, hdr_len);
	vsock_payload_print(ndo, bp + hdr_len, length - hdr_len);
	return;

invalid:
	nd_print_invalid(ndo);
}

void
vsock_if_print(netdissect_options *ndo, const struct pcap_pkthdr *h,
	       const u_char *cp)
{
	/* The vsockmon header is the link-layer header (for -x, -X, -A). */
	ndo->ndo_ll_hdr_len += ND_MIN(h->caplen, sizeof(struct af_vsockmon_hdr));
	vsock_print(ndo, cp, h->len);
}
