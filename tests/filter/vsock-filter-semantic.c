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
 * Semantic test of libpcap's vsock filter primitives.
 *
 * Every expression of the table below is compiled (optimized) for
 * DLT_VSOCK, DLT_LINUX_SLL and DLT_LINUX_SLL2 and run with
 * pcap_offline_filter() on every packet of the captures named on the
 * command line and on a corpus of random packets; each verdict must
 * equal the one of a reference evaluator written here, independently of
 * libpcap: a small parser of the same expressions that reads the fields
 * from the packet bytes.  Then:
 *
 *  - a range test: random port ranges, compiled with and without the
 *    optimizer, against random port values;
 *  - the efficiency table: the optimized program length of each
 *    expression next to a hand-written link[] equivalent, which must
 *    never be shorter (and must agree with it on complete packets);
 *  - when run as root on Linux: every program compiled here is attached
 *    to an AF_PACKET socket with SO_ATTACH_FILTER and must be accepted
 *    by the kernel's verifier.
 *
 * Usage: vsock-filter-semantic [-R | -C [-e exprfile]...] [-n corpus-size]
 *	[-s seed] [capture...]
 * The last line is "N passed, N failed"; the exit status is 1 on any
 * failure.
 *
 * -R runs all of it on vsockdump's other path instead, for a libpcap
 * that has no vsock primitives: each expression is first rewritten by
 * src/filter-rewrite.c into one any libpcap compiles (the efficiency table
 * is then printed for information only: the rewrite is not tuned to it).
 *
 * -C compares the two paths, on a libpcap that has the primitives: for
 * every expression of the table and of each -e file (lines "LINKTYPE
 * <tab> EXPRESSION", more tab-separated fields ignored, # comments), on
 * each link type, the expression compiled by libpcap and its rewrite
 * compiled by libpcap must give the same verdict on every packet,
 * truncated ones included, or both be refused.
 *
 * The reference semantics.  A primitive is the conjunction of its
 * tests (the cooked header's ARPHRD type is 826; for a virtio field, the
 * transport is virtio and the transport header length covers that field:
 * at least 30 for the type, at least 32 for the op, as the printer shows
 * every virtio field within that length; the field has the value), "and" and "or" have equal precedence and
 * associate to the left, as in libpcap.  A field that is not within the
 * captured bytes is "unknown", and the logic is Kleene's three-valued
 * one.  On a packet that holds every field the expression refers to,
 * the filter's verdict must equal the reference's.  On a truncated one,
 * the BPF program rejects the packet when it reaches a load beyond the
 * captured bytes, so which fields it reads first decides (and the
 * optimizer may reorder the tests of an "or"): the filter must reject
 * whenever the reference is false or unknown, and may accept or reject
 * when the reference is true in spite of a missing field ("either");
 * those cases are counted apart.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "filter-rewrite.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <sys/socket.h>
#endif

#define LINK_VSOCK	271
#define LINK_SLL	113
#define LINK_SLL2	276

#define PKT_MAX		128

/*
 * The table.  "hand" is a hand-written equivalent for DLT_VSOCK, or
 * NULL; "vsock_only" marks expressions whose meaning on cooked links
 * is not a vsock one (plain "port").
 */
struct filter {
	const char *expr;
	const char *hand;
	int vsock_only;
};

/*
 * Hand-written virtio gates: the transport is virtio (2) and the
 * little-endian transport header length reaches the end of the field,
 * 30 for the type (virtio bytes 28-29), 32 for the op (bytes 30-31).
 */
#define V_GATE_T "link[26:2] = 0x0200 and (link[29] != 0 or link[28] >= 30)"
#define V_GATE_O "link[26:2] = 0x0200 and (link[29] != 0 or link[28] >= 32)"

static const struct filter filters[] = {
	{ "vsock", "", 0 },
	{ "vsock port 22",
	  "link[16:4] = 0x16000000 or link[20:4] = 0x16000000", 0 },
	{ "vsock src port 22", "link[16:4] = 0x16000000", 0 },
	{ "vsock dst port 1024", "link[20:4] = 0x00040000", 0 },
	{ "port 22", "link[16:4] = 0x16000000 or link[20:4] = 0x16000000", 1 },
	{ "src port 1025", "link[16:4] = 0x01040000", 1 },
	{ "dst port 4294967295", "link[20:4] = 0xffffffff", 1 },
	{ "vsock src and dst port 5000",
	  "link[16:4] = 0x88130000 and link[20:4] = 0x88130000", 0 },
	{ "vsock port 22 or 1024",
	  "link[16:4] = 0x16000000 or link[20:4] = 0x16000000 or "
	  "link[16:4] = 0x00040000 or link[20:4] = 0x00040000", 0 },
	{ "vsock portrange 1024-2047",
	  "(link[18:2] = 0 and link[17] >= 4 and link[17] <= 7) or "
	  "(link[22:2] = 0 and link[21] >= 4 and link[21] <= 7)", 0 },
	{ "vsock dst portrange 1-1023",
	  "link[22:2] = 0 and link[21] <= 3 and "
	  "(link[21] != 0 or link[20] != 0)", 0 },
	{ "vsock src portrange 1000-2000",
	  "link[18:2] = 0 and link[16] + link[17] * 256 >= 1000 and "
	  "link[16] + link[17] * 256 <= 2000", 0 },
	{ "portrange 65535-65537",
	  "(link[19] = 0 and "
	  "link[16] + link[17] * 256 + link[18] * 65536 >= 65535 and "
	  "link[16] + link[17] * 256 + link[18] * 65536 <= 65537) or "
	  "(link[23] = 0 and "
	  "link[20] + link[21] * 256 + link[22] * 65536 >= 65535 and "
	  "link[20] + link[21] * 256 + link[22] * 65536 <= 65537)", 1 },
	{ "vsock dst portrange 4294967040-4294967295",
	  "link[20:4] & 0xffffff = 0xffffff", 0 },
	{ "vsock src portrange 0-65535", "link[18:2] = 0", 0 },
	{ "vsock src portrange 1-4294967295", "link[16:4] != 0", 0 },
	{ "vsock src portrange 1000-70000",
	  "link[19] = 0 and "
	  "link[16] + link[17] * 256 + link[18] * 65536 >= 1000 and "
	  "link[16] + link[17] * 256 + link[18] * 65536 <= 70000", 0 },
	{ "vsock dst portrange 305419896-2271560481",
	  "link[20] + link[21] * 256 + link[22] * 65536 + "
	  "link[23] * 16777216 >= 305419896 and "
	  "link[20] + link[21] * 256 + link[22] * 65536 + "
	  "link[23] * 16777216 <= 2271560481", 0 },
	{ "vsock src portrange 1234-1234", "link[16:4] = 0xd2040000", 0 },
	/* Regressions: libpcap's optimizer concluded that these matched
	   nothing (tests/hardening/findings/filter-portrange-optimizer). */
	{ "vsock src portrange 0-3 and vsock src portrange 0-3",
	  "link[16:4] & 0xffffff = 0 and link[16] <= 3", 0 },
	{ "(vsock src portrange 0-3) and "
	  "(vsock src portrange 0-3 or 65536-70000)",
	  "link[16:4] & 0xffffff = 0 and link[16] <= 3", 0 },
	/* Regression: the optimizer moved the second range's upper
	   bound, a test of the value its lower bound had left in A, after
	   the loads of the destination port
	   (tests/hardening/findings/filter-range-test-of-a.txt). */
	{ "vsock src and dst portrange 1000-4000000000 and "
	  "vsock src portrange 1000-2000000000",
	  "link[16] + link[17] * 256 + link[18] * 65536 + "
	  "link[19] * 16777216 >= 1000 and "
	  "link[16] + link[17] * 256 + link[18] * 65536 + "
	  "link[19] * 16777216 <= 2000000000 and "
	  "link[20] + link[21] * 256 + link[22] * 65536 + "
	  "link[23] * 16777216 >= 1000 and "
	  "link[20] + link[21] * 256 + link[22] * 65536 + "
	  "link[23] * 16777216 <= 4000000000", 0 },
	{ "port 22 or portrange 9000-9001",
	  "link[16:4] = 0x16000000 or link[20:4] = 0x16000000 or "
	  "link[16:4] = 0x28230000 or link[16:4] = 0x29230000 or "
	  "link[20:4] = 0x28230000 or link[20:4] = 0x29230000", 1 },
	{ "vsock cid 3",
	  "(link[0:4] = 0x03000000 and link[4:4] = 0) or "
	  "(link[8:4] = 0x03000000 and link[12:4] = 0)", 0 },
	{ "vsock src cid 2", "link[0:4] = 0x02000000 and link[4:4] = 0", 0 },
	{ "vsock dst cid 4294967298",
	  "link[8:4] = 0x02000000 and link[12:4] = 0x01000000", 0 },
	{ "vsock src cid 18446744073709551615",
	  "link[0:4] = 0xffffffff and link[4:4] = 0xffffffff", 0 },
	{ "vsock dst cid 4294967295",
	  "link[8:4] = 0xffffffff and link[12:4] = 0", 0 },
	{ "vsock src and dst cid 1",
	  "link[0:4] = 0x01000000 and link[4:4] = 0 and "
	  "link[8:4] = 0x01000000 and link[12:4] = 0", 0 },
	{ "vsock op connect", "link[24:2] = 0x0100", 0 },
	{ "vsock op disconnect or control",
	  "link[24:2] = 0x0200 or link[24:2] = 0x0300", 0 },
	{ "vsock op 4", "link[24:2] = 0x0400", 0 },
	{ "vsock op 65535", "link[24:2] = 0xffff", 0 },
	{ "vsock type stream", V_GATE_T " and link[60:2] = 0x0100", 0 },
	{ "vsock type seqpacket", V_GATE_T " and link[60:2] = 0x0200", 0 },
	{ "vsock type 3", V_GATE_T " and link[60:2] = 0x0300", 0 },
	{ "vsock vop request", V_GATE_O " and link[62:2] = 0x0100", 0 },
	{ "vsock vop response or rst",
	  V_GATE_O " and (link[62:2] = 0x0200 or link[62:2] = 0x0300)", 0 },
	{ "vsock vop shutdown", V_GATE_O " and link[62:2] = 0x0400", 0 },
	{ "vsock vop rw", V_GATE_O " and link[62:2] = 0x0500", 0 },
	{ "vsock vop credit_update", V_GATE_O " and link[62:2] = 0x0600", 0 },
	{ "vsock vop credit_request", V_GATE_O " and link[62:2] = 0x0700", 0 },
	{ "vsock vop 0", V_GATE_O " and link[62:2] = 0", 0 },
	{ "vsock vop 65535", V_GATE_O " and link[62:2] = 0xffff", 0 },
	{ "vsock port 22 and vsock op payload",
	  "(link[16:4] = 0x16000000 or link[20:4] = 0x16000000) and "
	  "link[24:2] = 0x0400", 0 },
	{ "vsock cid 3 and not vsock port 1024",
	  "((link[0:4] = 0x03000000 and link[4:4] = 0) or "
	  "(link[8:4] = 0x03000000 and link[12:4] = 0)) and "
	  "not (link[16:4] = 0x00040000 or link[20:4] = 0x00040000)", 0 },
	{ "not vsock type stream",
	  "not (" V_GATE_T " and link[60:2] = 0x0100)", 0 },
	/*
	 * The literal conjunction of the two primitives' equivalents.  A
	 * hand-written filter that uses "length >= 32 implies >= 30" keeps
	 * only the second gate (12 instructions); ours has both (14), as
	 * libpcap's optimizer folds equal tests only, not implied ones.
	 */
	{ "vsock type seqpacket and vsock vop rw",
	  V_GATE_T " and link[60:2] = 0x0200 and "
	  V_GATE_O " and link[62:2] = 0x0500", 0 },
	{ "(vsock src cid 2 or vsock dst cid 2) and "
	  "vsock portrange 1024-1026",
	  "((link[0:4] = 0x02000000 and link[4:4] = 0) or "
	  "(link[8:4] = 0x02000000 and link[12:4] = 0)) and "
	  "((link[18:2] = 0 and link[17] = 4 and link[16] <= 2) or "
	  "(link[22:2] = 0 and link[21] = 4 and link[20] <= 2))", 0 },
	{ "vsock op payload and not (vsock vop rw)",
	  "link[24:2] = 0x0400 and not (" V_GATE_O " and "
	  "link[62:2] = 0x0500)", 0 },
	{ "not (vsock src port 1024 or vsock dst port 1234)",
	  "not (link[16:4] = 0x00040000 or link[20:4] = 0xd2040000)", 0 },
	{ "vsock dst port 1234 or vsock op connect and vsock vop request",
	  "(link[20:4] = 0xd2040000 or link[24:2] = 0x0100) and "
	  V_GATE_O " and link[62:2] = 0x0100", 0 },
	{ "vsock type stream or vsock type seqpacket",
	  V_GATE_T " and (link[60:2] = 0x0100 or link[60:2] = 0x0200)", 0 },
	{ "vsock vop rw and vsock dst cid 2 and vsock src port 1024",
	  V_GATE_O " and link[62:2] = 0x0500 and link[8:4] = 0x02000000 and "
	  "link[12:4] = 0 and link[16:4] = 0x00040000", 0 },
};
#define NFILTERS	(sizeof(filters) / sizeof(filters[0]))

/* ------------------------------------------------------------------ */
/* Reference evaluator. */

enum tv { TV_FALSE, TV_TRUE, TV_UNKNOWN };

/* End of the furthest field an expression refers to. */
static uint32_t ref_need;

static enum tv
k_and(enum tv a, enum tv b)
{
	if (a == TV_FALSE || b == TV_FALSE)
		return (TV_FALSE);
	return (a == TV_TRUE && b == TV_TRUE ? TV_TRUE : TV_UNKNOWN);
}

static enum tv
k_or(enum tv a, enum tv b)
{
	if (a == TV_TRUE || b == TV_TRUE)
		return (TV_TRUE);
	return (a == TV_FALSE && b == TV_FALSE ? TV_FALSE : TV_UNKNOWN);
}

struct packet {
	int linktype;
	uint32_t caplen, len;
	uint8_t data[PKT_MAX];
};

/* Qualifier of a primitive (kept for "port 22 or 23"). */
enum rfield { RF_NONE, RF_PORT, RF_RANGE, RF_CID, RF_OP, RF_TYPE, RF_VOP };
enum rdir { RD_EITHER, RD_SRC, RD_DST, RD_BOTH };

struct rqual {
	enum rfield field;
	enum rdir dir;
};

struct rstate {
	const char *p;
	const struct packet *pkt;
	struct rqual last;
	int error;
};

static void
skip_space(struct rstate *st)
{
	while (*st->p == ' ')
		st->p++;
}

/* Next word (letters, digits, '_', '-') or punctuation; not consumed. */
static size_t
peek(struct rstate *st, char *buf, size_t bufsize)
{
	const char *s;
	size_t n = 0;

	skip_space(st);
	s = st->p;
	if (*s == '(' || *s == ')' || *s == '!') {
		buf[0] = *s;
		buf[1] = '\0';
		return (1);
	}
	while (s[n] != '\0' && s[n] != ' ' && s[n] != '(' && s[n] != ')' &&
	    n + 1 < bufsize) {
		buf[n] = s[n];
		n++;
	}
	buf[n] = '\0';
	return (n);
}

static void
take(struct rstate *st, const char *word)
{
	char buf[64];
	size_t n = peek(st, buf, sizeof(buf));

	if (strcmp(buf, word) != 0) {
		st->error = 1;
		return;
	}
	st->p += n;
}

static int
is_word(struct rstate *st, const char *word)
{
	char buf[64];

	peek(st, buf, sizeof(buf));
	return (strcmp(buf, word) == 0);
}

/* Little-endian field of the vsockmon frame, or -1 if not captured. */
static int
ref_field(const struct packet *pkt, uint32_t off, uint32_t size,
    uint64_t *vp)
{
	uint32_t base = pkt->linktype == LINK_SLL ? 16 :
	    pkt->linktype == LINK_SLL2 ? 20 : 0;
	uint64_t v = 0;
	uint32_t i;

	if (base + off + size > ref_need)
		ref_need = base + off + size;
	if (base + off + size > pkt->caplen)
		return (-1);
	for (i = 0; i < size; i++)
		v |= (uint64_t)pkt->data[base + off + i] << (8 * i);
	*vp = v;
	return (0);
}

/* The frame is a vsockmon frame. */
static enum tv
ref_gate(const struct packet *pkt)
{
	uint32_t off;

	if (pkt->linktype == LINK_VSOCK)
		return (TV_TRUE);
	off = pkt->linktype == LINK_SLL ? 2 : 8;
	if (off + 2 > ref_need)
		ref_need = off + 2;
	if (off + 2 > pkt->caplen)
		return (TV_UNKNOWN);
	return (((pkt->data[off] << 8) | pkt->data[off + 1]) == 826 ?
	    TV_TRUE : TV_FALSE);
}

static enum tv
ref_eq(const struct packet *pkt, uint32_t off, uint32_t size, uint64_t v)
{
	uint64_t f;

	if (ref_field(pkt, off, size, &f) < 0)
		return (TV_UNKNOWN);
	return (f == v ? TV_TRUE : TV_FALSE);
}

static enum tv
ref_cid(const struct packet *pkt, uint32_t off, uint64_t v)
{
	return (k_and(ref_eq(pkt, off, 4, v & 0xffffffff),
	    ref_eq(pkt, off + 4, 4, v >> 32)));
}

static enum tv
ref_range(const struct packet *pkt, uint32_t off, uint64_t lo, uint64_t hi)
{
	uint64_t f;

	if (lo == 0 && hi == 0xffffffff)
		return (TV_TRUE);	/* tests nothing */
	if (ref_field(pkt, off, 4, &f) < 0)
		return (TV_UNKNOWN);
	return (f >= lo && f <= hi ? TV_TRUE : TV_FALSE);
}

/*
 * The virtio field at virtio-header offset "voff", "size" bytes long, is
 * there: the transport is virtio and the transport header length reaches
 * the field's end (voff + size).
 */
static enum tv
ref_virtio(const struct packet *pkt, uint32_t voff, uint32_t size)
{
	uint64_t t, len;
	enum tv a, b;

	a = ref_field(pkt, 26, 2, &t) < 0 ? TV_UNKNOWN :
	    t == 2 ? TV_TRUE : TV_FALSE;
	b = ref_field(pkt, 28, 2, &len) < 0 ? TV_UNKNOWN :
	    len >= voff + size ? TV_TRUE : TV_FALSE;
	return (k_and(a, b));
}

static const struct {
	enum rfield field;
	const char *name;
	uint64_t value;
} ref_names[] = {
	{ RF_OP, "unknown", 0 }, { RF_OP, "connect", 1 },
	{ RF_OP, "disconnect", 2 }, { RF_OP, "control", 3 },
	{ RF_OP, "payload", 4 },
	{ RF_TYPE, "stream", 1 }, { RF_TYPE, "seqpacket", 2 },
	{ RF_VOP, "invalid", 0 }, { RF_VOP, "request", 1 },
	{ RF_VOP, "response", 2 }, { RF_VOP, "rst", 3 },
	{ RF_VOP, "shutdown", 4 }, { RF_VOP, "rw", 5 },
	{ RF_VOP, "credit_update", 6 }, { RF_VOP, "credit_request", 7 },
};

/*
 * A value for "field": a number, a name, or for RF_RANGE "N-M" (a
 * port is a range of one).
 */
static int
ref_value(struct rstate *st, enum rfield field, uint64_t *lo, uint64_t *hi)
{
	char buf[64], *end;
	size_t n = peek(st, buf, sizeof(buf)), i;
	char *dash;

	if (n == 0)
		return (-1);
	st->p += n;
	if (field == RF_RANGE) {
		dash = strchr(buf, '-');
		if (dash == NULL)
			return (-1);
		*dash = '\0';
		*lo = strtoull(buf, &end, 0);
		*hi = strtoull(dash + 1, &end, 0);
		if (*lo > *hi) {
			uint64_t t = *lo;

			*lo = *hi;
			*hi = t;
		}
		return (0);
	}
	if (buf[0] >= '0' && buf[0] <= '9') {
		*lo = *hi = strtoull(buf, &end, 0);
		return (*end == '\0' ? 0 : -1);
	}
	if (field == RF_PORT)
		return (-1);
	for (i = 0; i < sizeof(ref_names) / sizeof(ref_names[0]); i++) {
		if (ref_names[i].field == field &&
		    strcmp(ref_names[i].name, buf) == 0) {
			*lo = *hi = ref_names[i].value;
			return (0);
		}
	}
	return (-1);
}

static enum tv
ref_apply(struct rstate *st, struct rqual q, uint64_t lo, uint64_t hi)
{
	const struct packet *pkt = st->pkt;
	enum tv g;
	uint32_t soff, doff;

	g = ref_gate(pkt);
	switch (q.field) {

	case RF_NONE:
		return (g);

	case RF_OP:
		return (k_and(g, ref_eq(pkt, 24, 2, lo)));

	case RF_TYPE:
	case RF_VOP:
		/* virtio header at 32: type at 28, op at 30, 2 bytes each */
		return (k_and(g, k_and(ref_virtio(pkt,
		    q.field == RF_TYPE ? 28 : 30, 2),
		    ref_eq(pkt, q.field == RF_TYPE ? 60 : 62, 2, lo))));

	default:
		break;
	}
	soff = q.field == RF_CID ? 0 : 16;
	doff = q.field == RF_CID ? 8 : 20;
#define ONE(off) (q.field == RF_CID ? ref_cid(pkt, off, lo) : \
    ref_range(pkt, off, lo, hi))
	switch (q.dir) {

	case RD_SRC:
		return (k_and(g, ONE(soff)));

	case RD_DST:
		return (k_and(g, ONE(doff)));

	case RD_BOTH:
		return (k_and(g, k_and(ONE(soff), ONE(doff))));

	default:
		return (k_and(g, k_or(ONE(soff), ONE(doff))));
	}
#undef ONE
}

static enum tv ref_expr(struct rstate *);

static enum tv
ref_not(enum tv v)
{
	return (v == TV_UNKNOWN ? v : v == TV_TRUE ? TV_FALSE : TV_TRUE);
}

static enum tv
ref_term(struct rstate *st)
{
	struct rqual q;
	uint64_t lo, hi;
	enum tv v;
	int vsock = 0;

	if (is_word(st, "not") || is_word(st, "!")) {
		if (is_word(st, "!"))
			take(st, "!");
		else
			take(st, "not");
		return (ref_not(ref_term(st)));
	}
	if (is_word(st, "(")) {
		take(st, "(");
		v = ref_expr(st);
		take(st, ")");
		return (v);
	}
	q.field = RF_NONE;
	q.dir = RD_EITHER;
	if (is_word(st, "vsock")) {
		take(st, "vsock");
		vsock = 1;
	}
	if (is_word(st, "src")) {
		take(st, "src");
		q.dir = RD_SRC;
		if (is_word(st, "and")) {
			take(st, "and");
			take(st, "dst");
			q.dir = RD_BOTH;
		}
	} else if (is_word(st, "dst")) {
		take(st, "dst");
		q.dir = RD_DST;
	}
	if (is_word(st, "port"))
		q.field = RF_PORT;
	else if (is_word(st, "portrange"))
		q.field = RF_RANGE;
	else if (is_word(st, "cid"))
		q.field = RF_CID;
	else if (is_word(st, "op"))
		q.field = RF_OP;
	else if (is_word(st, "type"))
		q.field = RF_TYPE;
	else if (is_word(st, "vop"))
		q.field = RF_VOP;
	else if (!vsock) {
		st->error = 1;
		return (TV_FALSE);
	}
	if (q.field != RF_NONE) {
		char buf[64];

		st->p += peek(st, buf, sizeof(buf));
		if (ref_value(st, q.field, &lo, &hi) < 0) {
			st->error = 1;
			return (TV_FALSE);
		}
	} else
		lo = hi = 0;
	st->last = q;
	return (ref_apply(st, q, lo, hi));
}

/* After "and"/"or": a bare value repeats the last qualifier. */
static enum tv
ref_operand(struct rstate *st)
{
	char buf[64];
	uint64_t lo, hi;
	size_t i;
	int bare;

	peek(st, buf, sizeof(buf));
	bare = (buf[0] >= '0' && buf[0] <= '9');
	for (i = 0; i < sizeof(ref_names) / sizeof(ref_names[0]); i++)
		if (strcmp(ref_names[i].name, buf) == 0)
			bare = 1;
	if (!bare || st->last.field == RF_NONE)
		return (ref_term(st));
	if (ref_value(st, st->last.field, &lo, &hi) < 0) {
		st->error = 1;
		return (TV_FALSE);
	}
	return (ref_apply(st, st->last, lo, hi));
}

static enum tv
ref_expr(struct rstate *st)
{
	enum tv v, w;
	char buf[64];
	size_t n;
	int is_and;

	v = ref_term(st);
	for (;;) {
		n = peek(st, buf, sizeof(buf));
		if (strcmp(buf, "and") == 0 || strcmp(buf, "&&") == 0)
			is_and = 1;
		else if (strcmp(buf, "or") == 0 || strcmp(buf, "||") == 0)
			is_and = 0;
		else
			return (v);
		st->p += n;
		w = ref_operand(st);
		v = is_and ? k_and(v, w) : k_or(v, w);
	}
}

/*
 * 1 accept, 0 reject, 2 either (true, but with a field missing), -1 if
 * the expression is not understood.
 */
static int
ref_eval(const char *expr, const struct packet *pkt)
{
	struct rstate st;
	enum tv v;

	ref_need = 0;
	st.p = expr;
	st.pkt = pkt;
	st.last.field = RF_NONE;
	st.last.dir = RD_EITHER;
	st.error = 0;
	v = ref_expr(&st);
	skip_space(&st);
	if (st.error || *st.p != '\0')
		return (-1);
	if (v == TV_TRUE && ref_need > pkt->caplen)
		return (2);
	return (v == TV_TRUE);
}

/* ------------------------------------------------------------------ */
/* Packets. */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL);
}

static uint64_t
pick(const uint64_t *v, size_t n)
{
	return (v[rnd() % n]);
}

static void
put_le(uint8_t *p, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const uint64_t cids[] = {
	0, 1, 2, 3, 4, 0xffffffff, 0x100000000ULL, 0x100000002ULL,
	0x100000003ULL, 0xffffffffffffffffULL, 0xffffffff00000003ULL,
	0x0300000000000000ULL, 0x200000003ULL
};
static const uint64_t ports[] = {
	0, 1, 2, 22, 23, 999, 1000, 1023, 1024, 1025, 1026, 1027, 1234,
	2000, 2001, 2047, 2048, 5000, 8999, 9000, 9001, 9002, 65535, 65536,
	65537, 65538, 69999, 70000, 70001, 0x16000000, 0x00040000,
	305419895, 305419896, 2271560481ULL, 2271560482ULL, 0xfffffeff,
	0xffffff00, 0xfffffffe, 0xffffffff, 0x01000016, 0x04000400
};
static const uint64_t hdrlens[] = {
	0, 1, 29, 30, 31, 32, 33, 43, 44, 45, 255, 256, 257, 300, 0x2c00,
	0x2b00, 0x1e00, 0x2000, 0x012b, 0x011e, 0xffff, 44, 44, 44, 44
};

/* A random vsockmon frame of the given link-layer type. */
static void
random_packet(struct packet *pkt, int linktype)
{
	uint32_t base = 0, full, i;
	uint8_t *v;
	uint64_t r;

	memset(pkt, 0, sizeof(*pkt));
	pkt->linktype = linktype;
	for (i = 0; i < PKT_MAX; i++)
		pkt->data[i] = (uint8_t)rnd();
	if (linktype == LINK_SLL || linktype == LINK_SLL2) {
		uint32_t hoff = linktype == LINK_SLL ? 2 : 8;
		uint32_t hatype;

		base = linktype == LINK_SLL ? 16 : 20;
		r = rnd() % 10;
		hatype = r < 7 ? 826 : r < 8 ? 1 : r < 9 ? 0x3a03 :
		    (uint32_t)(rnd() & 0xffff);
		pkt->data[hoff] = (uint8_t)(hatype >> 8);
		pkt->data[hoff + 1] = (uint8_t)hatype;
	}
	v = pkt->data + base;
	put_le(v + 0, rnd() % 4 ? pick(cids, sizeof(cids) / 8) : rnd(), 8);
	put_le(v + 8, rnd() % 4 ? pick(cids, sizeof(cids) / 8) : rnd(), 8);
	put_le(v + 16, rnd() % 4 ? pick(ports, sizeof(ports) / 8) :
	    (rnd() % 2 ? rnd() & 0xffffffff : rnd() % 3000), 4);
	put_le(v + 20, rnd() % 4 ? pick(ports, sizeof(ports) / 8) :
	    (rnd() % 2 ? rnd() & 0xffffffff : rnd() % 3000), 4);
	put_le(v + 24, rnd() % 5 ? rnd() % 5 :
	    (rnd() % 2 ? 0xffff : rnd() & 0xffff), 2);
	r = rnd() % 10;
	put_le(v + 26, r < 7 ? 2 : r < 8 ? 0 : r < 9 ? 1 : rnd() & 0xffff, 2);
	put_le(v + 28, rnd() % 3 ? 44 : pick(hdrlens, sizeof(hdrlens) / 8), 2);
	/* virtio header: cids and ports like the vsockmon ones, mostly */
	memcpy(v + 32, v, 24);
	put_le(v + 60, rnd() % 5 ? 1 + rnd() % 3 :
	    (rnd() % 2 ? 0xffff : rnd() & 0xffff), 2);
	put_le(v + 62, rnd() % 5 ? rnd() % 8 :
	    (rnd() % 2 ? 0xffff : rnd() & 0xffff), 2);
	full = base + 76 + (uint32_t)(rnd() % 16);
	if (full > PKT_MAX)
		full = PKT_MAX;
	pkt->len = full;
	if (rnd() % 7 == 0)
		pkt->caplen = (uint32_t)(rnd() % (full + 1));
	else
		pkt->caplen = full;
}

/* ------------------------------------------------------------------ */

static int verifier_ok = -1;	/* -1 not checked, 0 no, 1 yes */
static unsigned long verifier_pass, verifier_fail;

/* Attach the program to an AF_PACKET socket; count what the kernel says. */
static void
verify(const struct bpf_program *prog, const char *what)
{
#ifdef __linux__
	static int fd = -2;
	struct sock_fprog fp;

	if (fd == -2) {
		fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
		verifier_ok = fd >= 0;
		if (fd < 0)
			fprintf(stderr,
			    "note: no AF_PACKET socket (%s): verifier check skipped\n",
			    strerror(errno));
	}
	if (fd < 0)
		return;
	fp.len = (unsigned short)prog->bf_len;
	fp.filter = (struct sock_filter *)prog->bf_insns;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
	    sizeof(fp)) == 0)
		verifier_pass++;
	else {
		verifier_fail++;
		fprintf(stderr, "FAIL verifier rejects %s: %s\n", what,
		    strerror(errno));
	}
#else
	(void)prog;
	(void)what;
#endif
}

static int rewrite_mode;		/* -R */

/*
 * Compile "expr", through vsockdump's rewrite if "rewrite"; on failure
 * the message goes to "msg" (if not NULL), else to the standard error.
 */
static int
compile_path(int linktype, const char *expr, int optimize,
    struct bpf_program *prog, int rewrite, char *msg, size_t msglen)
{
	char ebuf[PCAP_ERRBUF_SIZE], *rw = NULL;
	pcap_t *p;
	int r;

	if (rewrite) {
		rw = vsock_filter_rewrite(expr, linktype,
		    ebuf, sizeof(ebuf));
		if (rw == NULL) {
			if (msg != NULL)
				snprintf(msg, msglen, "%s", ebuf);
			else
				fprintf(stderr, "FAIL rewrite [%s] on %s: %s\n",
				    expr, pcap_datalink_val_to_name(linktype),
				    ebuf);
			return (-1);
		}
	}
	p = pcap_open_dead(linktype, 262144);
	r = pcap_compile(p, prog, rw != NULL ? rw : expr, optimize,
	    PCAP_NETMASK_UNKNOWN);
	if (r < 0) {
		if (msg != NULL)
			snprintf(msg, msglen, "%s", pcap_geterr(p));
		else
			fprintf(stderr, "FAIL compile [%s] on %s: %s\n", expr,
			    pcap_datalink_val_to_name(linktype), pcap_geterr(p));
	}
	pcap_close(p);
	free(rw);
	return (r);
}

static int
compile(int linktype, const char *expr, int optimize,
    struct bpf_program *prog)
{
	return (compile_path(linktype, expr, optimize, prog, rewrite_mode,
	    NULL, 0));
}

static int
run(const struct bpf_program *prog, const struct packet *pkt)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = pkt->caplen;
	h.len = pkt->len;
	return (pcap_offline_filter(prog, &h, pkt->data) != 0);
}

static struct packet *pkts;
static size_t npkts, nalloc;

static void
add_packet(const struct packet *pkt)
{
	if (npkts == nalloc) {
		nalloc = nalloc ? 2 * nalloc : 1024;
		pkts = realloc(pkts, nalloc * sizeof(*pkts));
		if (pkts == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	pkts[npkts++] = *pkt;
}

static size_t
load_capture(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet pkt;
	size_t n = 0;
	pcap_t *p;

	p = pcap_open_offline(path, errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s\n", errbuf);
		exit(2);
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.linktype = pcap_datalink(p);
		/* the fields tested are within the first PKT_MAX bytes */
		pkt.caplen = h->caplen < PKT_MAX ? h->caplen : PKT_MAX;
		pkt.len = h->len;
		memcpy(pkt.data, data, pkt.caplen);
		add_packet(&pkt);
		n++;
	}
	pcap_close(p);
	return (n);
}

static unsigned long failures;

static void
fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (failures > 30)
		return;
	va_start(ap, fmt);
	fputs("FAIL ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Random ports for the range test: near the bounds, or anywhere. */
static uint32_t
near(uint32_t x)
{
	return (x + (uint32_t)(rnd() % 5) - 2);
}

static uint32_t
range_bound(void)
{
	switch (rnd() % 6) {

	case 0:
		return ((uint32_t)(rnd() % 70000));
	case 1:
		return ((uint32_t)rnd());
	case 2:
		return ((uint32_t)(rnd() % 256) << (8 * (rnd() % 4)));
	case 3:
		return (0xffffffffU - (uint32_t)(rnd() % 300));
	case 4:
		return ((uint32_t)(rnd() % 0x1000000));
	default:
		return ((uint32_t)(((rnd() % 2) ? 0xff : 0) |
		    ((rnd() % 2) ? 0xff00 : 0) | ((rnd() % 2) ? 0xff0000 : 0) |
		    ((rnd() % 2) ? 0xff000000U : 0)));
	}
}

/* -C: one expression on one link type, both paths. */
static unsigned long cmp_exprs, cmp_refused, cmp_verdicts, cmp_msgdiff;

static void
compare_one(int linktype, const char *expr)
{
	struct bpf_program a, b;
	char ma[PCAP_ERRBUF_SIZE], mb[PCAP_ERRBUF_SIZE];
	const char *ln = pcap_datalink_val_to_name(linktype);
	int ra, rb;
	size_t i;

	ra = compile_path(linktype, expr, 1, &a, 0, ma, sizeof(ma));
	rb = compile_path(linktype, expr, 1, &b, 1, mb, sizeof(mb));
	if (ra < 0 && rb < 0) {
		cmp_refused++;
		if (strcmp(ma, mb) != 0) {
			cmp_msgdiff++;
			printf("note: [%s] on %s refused by both, libpcap: "
			    "\"%s\", rewrite: \"%s\"\n", expr, ln, ma, mb);
		}
		return;
	}
	if (ra < 0 || rb < 0) {
		fail("[%s] on %s: %s refuses it (%s), %s compiles it", expr,
		    ln, ra < 0 ? "libpcap" : "the rewrite", ra < 0 ? ma : mb,
		    ra < 0 ? "the rewrite" : "libpcap");
		pcap_freecode(ra < 0 ? &b : &a);
		return;
	}
	cmp_exprs++;
	for (i = 0; i < npkts; i++) {
		int va, vb;

		if (pkts[i].linktype != linktype)
			continue;
		va = run(&a, &pkts[i]);
		vb = run(&b, &pkts[i]);
		cmp_verdicts++;
		if (va != vb)
			fail("[%s] on %s packet %zu (caplen %u, len %u): "
			    "libpcap %d, rewrite %d", expr, ln, i,
			    pkts[i].caplen, pkts[i].len, va, vb);
	}
	pcap_freecode(&a);
	pcap_freecode(&b);
}

/* -C with the -e files: returns the number of failures it added. */
static void
compare_paths(char **files, int nfiles)
{
	static const int links[] = { LINK_VSOCK, LINK_SLL, LINK_SLL2 };
	char line[1024], *tab, *end;
	size_t k, li;
	int f, lt;
	FILE *fp;

	for (k = 0; k < NFILTERS; k++)
		for (li = 0; li < 3; li++)
			if (!filters[k].vsock_only || links[li] == LINK_VSOCK)
				compare_one(links[li], filters[k].expr);
	for (f = 0; f < nfiles; f++) {
		fp = fopen(files[f], "r");
		if (fp == NULL) {
			perror(files[f]);
			exit(2);
		}
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (line[0] == '#' || line[0] == '\n')
				continue;
			line[strcspn(line, "\n")] = '\0';
			tab = strchr(line, '\t');
			if (tab == NULL)
				continue;
			*tab++ = '\0';
			end = strchr(tab, '\t');
			if (end != NULL)
				*end = '\0';
			lt = pcap_datalink_name_to_val(line);
			if (lt < 0)
				lt = atoi(line);
			compare_one(lt, tab);
		}
		fclose(fp);
	}
	printf("paths: %lu expressions compiled both ways gave the same "
	    "verdict on %lu/%lu packets; %lu refused both ways (%lu with "
	    "another message)\n", cmp_exprs, cmp_verdicts -
	    (failures > cmp_verdicts ? cmp_verdicts : failures), cmp_verdicts,
	    cmp_refused, cmp_msgdiff);
}

int
main(int argc, char **argv)
{
	static const int links[] = { LINK_VSOCK, LINK_SLL, LINK_SLL2 };
	size_t corpus = 100000, ncapture = 0, i, k, li;
	unsigned long agree = 0, total = 0, passed = 0, nranges = 0;
	unsigned long either = 0, hand_agree = 0, hand_total = 0, range_agree = 0,
	    range_total = 0;
	struct bpf_program prog, hprog;
	struct packet pkt;
	int c, longer = 0, compare = 0, nfiles = 0;
	char *files[8];

	while ((c = getopt(argc, argv, "Ce:Rn:s:")) != -1) {
		switch (c) {

		case 'C':
			compare = 1;
			break;

		case 'e':
			if (nfiles < 8)
				files[nfiles++] = optarg;
			break;

		case 'R':
			rewrite_mode = 1;
			break;

		case 'n':
			corpus = strtoul(optarg, NULL, 0);
			break;

		case 's':
			rng_state = strtoull(optarg, NULL, 0) | 1;
			break;

		default:
			fprintf(stderr,
			    "usage: vsock-filter-semantic [-R | -C [-e file]...] "
			    "[-n corpus-size] [-s seed] [capture...]\n");
			return (2);
		}
	}
	for (c = optind; c < argc; c++)
		ncapture += load_capture(argv[c]);
	for (i = 0; i < corpus; i++) {
		random_packet(&pkt, links[rnd() % 4 == 0 ? 1 + rnd() % 2 : 0]);
		add_packet(&pkt);
	}
	printf("packets: %zu from %d capture(s), %zu random\n", ncapture,
	    argc - optind, corpus);
	if (compare) {
		compare_paths(files, nfiles);
		printf("%lu passed, %lu failed\n", failures == 0 ? 1UL : 0UL,
		    failures);
		return (failures != 0);
	}

	/* The reference must understand every expression of the table. */
	for (k = 0; k < NFILTERS; k++) {
		if (ref_eval(filters[k].expr, &pkts[npkts - 1]) < 0) {
			fail("reference cannot parse [%s]", filters[k].expr);
			continue;
		}
	}

	/* Semantic test: every expression, every link type, every packet. */
	for (k = 0; k < NFILTERS; k++) {
		for (li = 0; li < 3; li++) {
			unsigned long a = 0, t = 0, e = 0;

			if (filters[k].vsock_only && links[li] != LINK_VSOCK)
				continue;
			if (compile(links[li], filters[k].expr, 1, &prog) < 0) {
				failures++;
				continue;
			}
			verify(&prog, filters[k].expr);
			for (i = 0; i < npkts; i++) {
				int ours, ref;

				if (pkts[i].linktype != links[li])
					continue;
				ours = run(&prog, &pkts[i]);
				ref = ref_eval(filters[k].expr, &pkts[i]);
				t++;
				if (ref == 2)
					e++;
				if (ours == ref || ref == 2)
					a++;
				else
					fail("[%s] on %s packet %zu (caplen %u): "
					    "filter %d, reference %d",
					    filters[k].expr,
					    pcap_datalink_val_to_name(links[li]),
					    i, pkts[i].caplen, ours, ref);
			}
			agree += a;
			total += t;
			either += e;
			pcap_freecode(&prog);
		}
	}
	printf("semantic: %lu/%lu verdicts agree with the reference "
	    "(%zu expressions, 3 link types; %lu of them \"either\": "
	    "truncated packets, reference true)\n", agree, total, NFILTERS,
	    either);

	/* Range test, optimized and not. */
	for (k = 0; k < 1500; k++) {
		uint32_t lo = range_bound(), hi = range_bound(), t;
		char expr[128];
		int opt = (int)(k % 2), dst = (int)(k / 2 % 2);

		if (lo > hi) {
			t = lo;
			lo = hi;
			hi = t;
		}
		snprintf(expr, sizeof(expr), "vsock %s portrange %u-%u",
		    dst ? "dst" : "src", lo, hi);
		if (compile(LINK_VSOCK, expr, opt, &prog) < 0) {
			failures++;
			continue;
		}
		nranges++;
		if (k % 10 == 0)
			verify(&prog, expr);
		for (i = 0; i < 200; i++) {
			uint32_t v;
			int want;

			switch (i % 4) {
			case 0:
				v = near(lo);
				break;
			case 1:
				v = near(hi);
				break;
			case 2:
				v = lo + (uint32_t)(rnd() % ((uint64_t)hi - lo + 1));
				break;
			default:
				v = (uint32_t)rnd();
				break;
			}
			random_packet(&pkt, LINK_VSOCK);
			pkt.caplen = pkt.len;
			put_le(pkt.data + (dst ? 20 : 16), v, 4);
			want = v >= lo && v <= hi;
			range_total++;
			if (run(&prog, &pkt) == want)
				range_agree++;
			else
				fail("[%s] (optimize %d) port %u: got %d",
				    expr, opt, v, !want);
		}
		pcap_freecode(&prog);
	}
	printf("ranges: %lu/%lu verdicts right (%lu random ranges)\n",
	    range_agree, range_total, nranges);

	/* Efficiency: our length next to the hand-written equivalent. */
	printf("\n%-62s %5s %5s\n", "expression (DLT_VSOCK)", "ours", "hand");
	for (k = 0; k < NFILTERS; k++) {
		if (filters[k].hand == NULL)
			continue;
		if (compile(LINK_VSOCK, filters[k].expr, 1, &prog) < 0) {
			failures++;
			continue;
		}
		if (compile(LINK_VSOCK, filters[k].hand, 1, &hprog) < 0) {
			failures++;
			pcap_freecode(&prog);
			continue;
		}
		verify(&hprog, filters[k].hand);
		printf("%-62s %5u %5u%s\n", filters[k].expr, prog.bf_len,
		    hprog.bf_len, prog.bf_len > hprog.bf_len ? "  LONGER" : "");
		if (prog.bf_len > hprog.bf_len && !rewrite_mode) {
			longer++;
			fail("[%s] is longer than its hand-written equivalent",
			    filters[k].expr);
		}
		/* The two must agree on complete packets. */
		for (i = 0; i < npkts; i++) {
			if (pkts[i].linktype != LINK_VSOCK ||
			    pkts[i].caplen < 80)
				continue;
			hand_total++;
			if (run(&prog, &pkts[i]) == run(&hprog, &pkts[i]))
				hand_agree++;
			else
				fail("[%s] and [%s] differ on packet %zu",
				    filters[k].expr, filters[k].hand, i);
		}
		pcap_freecode(&prog);
		pcap_freecode(&hprog);
	}
	printf("hand-written equivalents: %lu/%lu verdicts agree on complete "
	    "packets; ours longer: %d\n\n", hand_agree, hand_total, longer);

	if (verifier_ok == 1)
		printf("verifier: %lu programs accepted, %lu rejected\n",
		    verifier_pass, verifier_fail);
	else
		printf("verifier: not checked\n");
	failures += verifier_fail;

	passed = (agree == total) + (range_agree == range_total) +
	    (hand_agree == hand_total) + (longer == 0) + (verifier_fail == 0);
	printf("%lu passed, %lu failed\n", passed, failures);
	return (failures != 0);
}
