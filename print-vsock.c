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

/* \summary: Linux vsock monitor (vsockmon) printer */

/*
 * A DLT_VSOCK packet is what a Linux vsockmon device hands to a packet
 * socket: a vsockmon header, then a transport header whose length the
 * vsockmon header gives, then the payload.  Every field is little-endian.
 * Sources: include/uapi/linux/vsockmon.h and virtio_vsock.h (Linux),
 * the virtio specification's socket device chapter.
 *
 * vsockmon header (struct af_vsockmon_hdr):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      source CID (64 bits)                     |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    destination CID (64 bits)                  |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          source port                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        destination port                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              op               |           transport           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    transport header length    |            reserved           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * virtio transport header (struct virtio_vsock_hdr), 44 bytes:
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               source CID (64 bits), as above                  |
 * |             destination CID (64 bits), as above               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          source port                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        destination port                       |
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
 *
 * The payload starts right after the transport header, whatever the
 * transport, so the header length is always honoured.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <stddef.h>

#include "netdissect.h"
#include "extract.h"

#define VSOCKMON_HDR_LEN	32
#define VIRTIO_VSOCK_HDR_LEN	44

/* vsockmon header: transport */
#define VSOCKMON_TRANSPORT_UNKNOWN	0
#define VSOCKMON_TRANSPORT_NO_INFO	1
#define VSOCKMON_TRANSPORT_VIRTIO	2

static const struct tok vsockmon_transport_values[] = {
	{ VSOCKMON_TRANSPORT_UNKNOWN,	"UNKNOWN" },
	{ VSOCKMON_TRANSPORT_NO_INFO,	"NO_INFO" },
	{ VSOCKMON_TRANSPORT_VIRTIO,	"VIRTIO" },
	{ 0, NULL }
};

/* vsockmon header: op */
#define VSOCKMON_OP_UNKNOWN	0
#define VSOCKMON_OP_CONNECT	1
#define VSOCKMON_OP_DISCONNECT	2
#define VSOCKMON_OP_CONTROL	3
#define VSOCKMON_OP_PAYLOAD	4

static const struct tok vsockmon_op_values[] = {
	{ VSOCKMON_OP_UNKNOWN,		"UNKNOWN" },
	{ VSOCKMON_OP_CONNECT,		"CONNECT" },
	{ VSOCKMON_OP_DISCONNECT,	"DISCONNECT" },
	{ VSOCKMON_OP_CONTROL,		"CONTROL" },
	{ VSOCKMON_OP_PAYLOAD,		"PAYLOAD" },
	{ 0, NULL }
};

/* virtio header: type (3, DGRAM, was proposed but never merged) */
#define VIRTIO_VSOCK_TYPE_STREAM	1
#define VIRTIO_VSOCK_TYPE_SEQPACKET	2

static const struct tok virtio_vsock_type_values[] = {
	{ VIRTIO_VSOCK_TYPE_STREAM,	"STREAM" },
	{ VIRTIO_VSOCK_TYPE_SEQPACKET,	"SEQPACKET" },
	{ 0, NULL }
};

/* virtio header: op */
#define VIRTIO_VSOCK_OP_INVALID		0
#define VIRTIO_VSOCK_OP_REQUEST		1
#define VIRTIO_VSOCK_OP_RESPONSE	2
#define VIRTIO_VSOCK_OP_RST		3
#define VIRTIO_VSOCK_OP_SHUTDOWN	4
#define VIRTIO_VSOCK_OP_RW		5
#define VIRTIO_VSOCK_OP_CREDIT_UPDATE	6
#define VIRTIO_VSOCK_OP_CREDIT_REQUEST	7

static const struct tok virtio_vsock_op_values[] = {
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

/* virtio header: flags of op SHUTDOWN */
static const struct tok virtio_vsock_shutdown_flags[] = {
	{ 0x1,	"RCV" },	/* the peer will receive no more */
	{ 0x2,	"SEND" },	/* the peer will send no more */
	{ 0, NULL }
};

/* virtio header: flags of op RW on a SEQPACKET socket */
static const struct tok virtio_vsock_seqpacket_flags[] = {
	{ 0x1,	"EOM" },	/* end of message (Linux 5.14 called it EOR) */
	{ 0x2,	"EOR" },	/* end of record */
	{ 0, NULL }
};

struct vsockmon_hdr {
	nd_uint64_t	src_cid;
	nd_uint64_t	dst_cid;
	nd_uint32_t	src_port;
	nd_uint32_t	dst_port;
	nd_uint16_t	op;
	nd_uint16_t	transport;
	nd_uint16_t	len;		/* transport header length */
	nd_uint16_t	reserved;
};

struct virtio_vsock_hdr {
	nd_uint64_t	src_cid;
	nd_uint64_t	dst_cid;
	nd_uint32_t	src_port;
	nd_uint32_t	dst_port;
	nd_uint32_t	len;		/* payload length */
	nd_uint16_t	type;
	nd_uint16_t	op;
	nd_uint32_t	flags;
	nd_uint32_t	buf_alloc;
	nd_uint32_t	fwd_cnt;
};

/* Does field f of the virtio header end within its first n bytes? */
#define VIRTIO_FIELD_WITHIN(f, n) \
	(offsetof(struct virtio_vsock_hdr, f) + \
	 sizeof(((const struct virtio_vsock_hdr *)0)->f) <= (n))

/*
 * How many bytes of a virtio header there are to decode: no more than
 * the transport header length says, than a virtio header has, or than
 * the packet (of at least VSOCKMON_HDR_LEN bytes) holds.
 */
static u_int
virtio_vsock_span(u_int hdr_len, u_int length)
{
	return ND_MIN(ND_MIN(hdr_len, VIRTIO_VSOCK_HDR_LEN),
		      length - VSOCKMON_HDR_LEN);
}

/* The vsockmon op the kernel puts beside a virtio op. */
static uint16_t
vsockmon_op_of_virtio_op(uint16_t virtio_op)
{
	switch (virtio_op) {
	case VIRTIO_VSOCK_OP_REQUEST:
	case VIRTIO_VSOCK_OP_RESPONSE:
		return VSOCKMON_OP_CONNECT;
	case VIRTIO_VSOCK_OP_RST:
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		return VSOCKMON_OP_DISCONNECT;
	case VIRTIO_VSOCK_OP_RW:
		return VSOCKMON_OP_PAYLOAD;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		return VSOCKMON_OP_CONTROL;
	default:
		return VSOCKMON_OP_UNKNOWN;
	}
}

/*
 * Format flags as the names of the bits that have one for this type and
 * op, then whatever bits are left as hex: "RCV, SEND", "EOM, 0x4",
 * "none".  buf must hold the longest, "RCV, SEND, 0xfffffffc".
 */
static const char *
virtio_vsock_flags_str(char *buf, size_t bufsize, uint16_t type, uint16_t op,
		       uint32_t flags)
{
	const struct tok *bit = NULL;
	uint32_t rest = flags;
	size_t n = 0;

	if (op == VIRTIO_VSOCK_OP_SHUTDOWN)
		bit = virtio_vsock_shutdown_flags;
	else if (op == VIRTIO_VSOCK_OP_RW &&
		 type == VIRTIO_VSOCK_TYPE_SEQPACKET)
		bit = virtio_vsock_seqpacket_flags;

	buf[0] = '\0';
	if (flags == 0)
		return "none";
	for (; bit != NULL && bit->s != NULL; bit++) {
		if (flags & bit->v) {
			n += snprintf(buf + n, bufsize - n, "%s%s",
				      n ? ", " : "", bit->s);
			rest &= ~bit->v;
		}
	}
	if (rest != 0)
		(void)snprintf(buf + n, bufsize - n, "%s0x%x",
			       n ? ", " : "", rest);
	return buf;
}

/*
 * Print " (...)" with the virtio fields that end within the first vlen
 * bytes of the header (a header shorter than 44 bytes is shown as far as
 * it goes).  The addresses are not printed here: they are checked
 * against the vsockmon header's instead.
 */
static void
virtio_vsock_fields_print(netdissect_options *ndo,
			  const struct virtio_vsock_hdr *vh, u_int vlen)
{
	char flags[sizeof("RCV, SEND, 0xfffffffc")];
	uint16_t type, op;

	if (!VIRTIO_FIELD_WITHIN(len, vlen))
		return;
	ND_PRINT(" (len %u", GET_LE_U_4(vh->len));
	if (!VIRTIO_FIELD_WITHIN(type, vlen))
		goto done;
	type = GET_LE_U_2(vh->type);
	ND_PRINT(", type %s", tok2str(virtio_vsock_type_values, "%u", type));
	if (!VIRTIO_FIELD_WITHIN(op, vlen))
		goto done;
	op = GET_LE_U_2(vh->op);
	ND_PRINT(", op %s", tok2str(virtio_vsock_op_values, "%u", op));
	if (!VIRTIO_FIELD_WITHIN(flags, vlen))
		goto done;
	ND_PRINT(", flags [%s]", virtio_vsock_flags_str(flags, sizeof(flags),
		 type, op, GET_LE_U_4(vh->flags)));
	if (!VIRTIO_FIELD_WITHIN(buf_alloc, vlen))
		goto done;
	ND_PRINT(", buf_alloc %u", GET_LE_U_4(vh->buf_alloc));
	if (!VIRTIO_FIELD_WITHIN(fwd_cnt, vlen))
		goto done;
	ND_PRINT(", fwd_cnt %u", GET_LE_U_4(vh->fwd_cnt));
done:
	ND_PRINT(")");
}

/*
 * At -v, say where the virtio header disagrees with the vsockmon header
 * or with the packet around it.  Only fields within vlen are looked at.
 */
static void
virtio_vsock_check(netdissect_options *ndo, const struct vsockmon_hdr *mh,
		   const struct virtio_vsock_hdr *vh, u_int vlen,
		   u_int hdr_len, u_int length)
{
	uint64_t cid, vcid;
	uint32_t port, vport, vpayload;
	uint16_t op, vop;

	if (hdr_len != VIRTIO_VSOCK_HDR_LEN)
		ND_PRINT(" [virtio hdr_len %u != %u]", hdr_len,
			 VIRTIO_VSOCK_HDR_LEN);
	if (VIRTIO_FIELD_WITHIN(dst_port, vlen)) {
		cid = GET_LE_U_8(mh->src_cid);
		port = GET_LE_U_4(mh->src_port);
		vcid = GET_LE_U_8(vh->src_cid);
		vport = GET_LE_U_4(vh->src_port);
		if (vcid != cid || vport != port)
			ND_PRINT(" [virtio src %" PRIu64 ".%u != %" PRIu64
				 ".%u]", vcid, vport, cid, port);
		cid = GET_LE_U_8(mh->dst_cid);
		port = GET_LE_U_4(mh->dst_port);
		vcid = GET_LE_U_8(vh->dst_cid);
		vport = GET_LE_U_4(vh->dst_port);
		if (vcid != cid || vport != port)
			ND_PRINT(" [virtio dst %" PRIu64 ".%u != %" PRIu64
				 ".%u]", vcid, vport, cid, port);
	}
	if (VIRTIO_FIELD_WITHIN(len, vlen) &&
	    length >= VSOCKMON_HDR_LEN + hdr_len) {
		vpayload = GET_LE_U_4(vh->len);
		if (vpayload != length - VSOCKMON_HDR_LEN - hdr_len)
			ND_PRINT(" [virtio len %u != %u payload bytes]",
				 vpayload, length - VSOCKMON_HDR_LEN - hdr_len);
	}
	if (VIRTIO_FIELD_WITHIN(op, vlen)) {
		op = GET_LE_U_2(mh->op);
		vop = GET_LE_U_2(vh->op);
		if (op != vsockmon_op_of_virtio_op(vop))
			ND_PRINT(" [vsockmon op %s != %s for virtio op %s]",
				 tok2str(vsockmon_op_values, "%u", op),
				 tok2str(vsockmon_op_values, "%u",
					 vsockmon_op_of_virtio_op(vop)),
				 tok2str(virtio_vsock_op_values, "%u", vop));
	}
}

/*
 * Print a vsockmon packet of wire length "length" at bp; the captured
 * part ends at ndo->ndo_snapend.  Also used for LINUX_SLL/SLL2 frames
 * whose ARPHRD type is ARPHRD_VSOCKMON (826).
 */
void
vsock_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	const struct vsockmon_hdr *mh = (const struct vsockmon_hdr *)bp;
	const struct virtio_vsock_hdr *vh =
	    (const struct virtio_vsock_hdr *)(bp + VSOCKMON_HDR_LEN);
	uint16_t transport = VSOCKMON_TRANSPORT_UNKNOWN;
	int have_transport, virtio_printed = 0;
	u_int hdr_len, headers, vlen = 0, reserved;
	u_int payload_len, caplen;
	uint64_t dst_cid;
	const char *sep;

	ndo->ndo_protocol = "vsock";
	if (length < VSOCKMON_HDR_LEN) {
		ND_PRINT("vsock, length %u", length);
		goto invalid;
	}

	/* -e: the vsockmon fields no other part of the line shows */
	if (ndo->ndo_eflag && ND_TTEST_4(mh->len))
		ND_PRINT("hdr_len %u, reserved 0x%04x: ",
			 GET_LE_U_2(mh->len), GET_LE_U_2(mh->reserved));

	/*
	 * The transport leads the line but sits at offset 26: when the
	 * capture stops before it, start with the addresses instead.
	 */
	have_transport = ND_TTEST_2(mh->transport);
	sep = "";
	if (have_transport) {
		transport = GET_LE_U_2(mh->transport);
		ND_PRINT("%s", tok2str(vsockmon_transport_values,
				       "transport %u", transport));
		sep = " ";
	}
	if (ndo->ndo_vflag && have_transport && ND_TTEST_2(mh->len)) {
		hdr_len = GET_LE_U_2(mh->len);
		if (transport == VSOCKMON_TRANSPORT_VIRTIO)
			vlen = virtio_vsock_span(hdr_len, length);
		if (transport != VSOCKMON_TRANSPORT_VIRTIO) {
			if (hdr_len != 0)
				ND_PRINT(" (hdr_len %u)", hdr_len);
			sep = "\n\t";
		} else if (!VIRTIO_FIELD_WITHIN(len, vlen) ||
			   ND_TTEST_LEN(vh, vlen)) {
			/*
			 * tcpdump 4.99's layout: virtio first, then addresses
			 * (unless a capture cut short leaves virtio fields
			 * to print after them).
			 */
			virtio_vsock_fields_print(ndo, vh, vlen);
			virtio_printed = 1;
			sep = "\n\t";
		}
	}

	if (ND_TTEST_LEN(bp, VSOCKMON_HDR_LEN)) {
		/* The usual case, in one print. */
		ND_PRINT("%s%" PRIu64 ".%u > %" PRIu64 ".%u %s, length %u", sep,
			 GET_LE_U_8(mh->src_cid), GET_LE_U_4(mh->src_port),
			 GET_LE_U_8(mh->dst_cid), GET_LE_U_4(mh->dst_port),
			 tok2str(vsockmon_op_values, "op %u",
				 GET_LE_U_2(mh->op)),
			 length);
	} else {
		/* Cut short: each field as soon as it is known captured. */
		ND_PRINT("%s%" PRIu64, sep, GET_LE_U_8(mh->src_cid));
		ND_PRINT(".%u", GET_LE_U_4(mh->src_port));
		dst_cid = GET_LE_U_8(mh->dst_cid);
		ND_PRINT(" > %" PRIu64 ".%u", dst_cid,
			 GET_LE_U_4(mh->dst_port));
		ND_PRINT(" %s, length %u", tok2str(vsockmon_op_values,
			 "op %u", GET_LE_U_2(mh->op)), length);
	}

	hdr_len = GET_LE_U_2(mh->len);
	reserved = GET_LE_U_2(mh->reserved);
	headers = VSOCKMON_HDR_LEN + hdr_len;

	if (ndo->ndo_vflag) {
		if (transport == VSOCKMON_TRANSPORT_VIRTIO) {
			vlen = virtio_vsock_span(hdr_len, length);
			/* cut short by the capture: as far as it goes */
			if (!virtio_printed)
				virtio_vsock_fields_print(ndo, vh, vlen);
			virtio_vsock_check(ndo, mh, vh, vlen, hdr_len, length);
		}
		if (reserved != 0)
			ND_PRINT(" [reserved 0x%04x]", reserved);
		if (length < headers)
			ND_PRINT(" [length %u < headers %u]", length, headers);
	}
	if (length < headers)
		goto invalid;
	ND_TCHECK_LEN(bp, headers);

	/* At -vv, the payload, for any op: whatever follows the headers. */
	if (ndo->ndo_vflag > 1 && length > headers) {
		payload_len = length - headers;
		caplen = ND_BYTES_AVAILABLE_AFTER(bp + headers);
		hex_print(ndo, "\n\t", bp + headers,
			  ND_MIN(payload_len, caplen));
		if (caplen < payload_len)
			goto trunc;
	}
	return;

trunc:
	nd_print_trunc(ndo);
	return;
invalid:
	nd_print_invalid(ndo);
}

void
vsock_if_print(netdissect_options *ndo, const struct pcap_pkthdr *h,
	       const u_char *cp)
{
	/* The vsockmon header is the link-layer header (for -x, -X, -A). */
	ndo->ndo_ll_hdr_len += ND_MIN(h->caplen, VSOCKMON_HDR_LEN);
	vsock_print(ndo, cp, h->len);
}
