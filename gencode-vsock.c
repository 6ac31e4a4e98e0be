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
 * Filter primitives for vsock traffic captured from a Linux vsockmon
 * device:
 *
 *	vsock
 *	vsock [src|dst] port N		(also plain "port N" on DLT_VSOCK)
 *	vsock [src|dst] portrange N-M	(also plain "portrange N-M")
 *	vsock [src|dst] cid N		(N up to 2^64-1)
 *	vsock op connect|disconnect|control|payload|unknown|N
 *	vsock type stream|seqpacket|N
 *	vsock vop request|response|rst|shutdown|rw|credit_update|
 *	    credit_request|invalid|N
 *
 * The frame is a struct af_vsockmon_hdr (include/uapi/linux/vsockmon.h),
 * optionally preceded by a Linux cooked header whose ARPHRD type is
 * ARPHRD_VSOCKMON, then a transport header of the length given in the
 * vsockmon header.  Every vsock field is little-endian, while BPF loads
 * are big-endian: an equality test compares the loaded word with the
 * byte-swapped constant; an ordered test (port ranges, the transport
 * header length) is done on individual bytes, see vsock_gen_range().
 *
 * A test of a field loads the whole field; on a packet too short to hold
 * it, the filter program rejects the packet, as it does for any other
 * primitive applied to a truncated packet.
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "pcap-int.h"
#include "gencode.h"
#include "gencode-vsock.h"

/* ARPHRD_VSOCKMON, as found in the ARPHRD type field of cooked headers. */
#define VSOCK_ARPHRD_VSOCKMON	826

/* Where the ARPHRD type is, and how long the cooked headers are. */
#define VSOCK_SLL_HATYPE	2
#define VSOCK_SLL_HDRLEN	16
#define VSOCK_SLL2_HATYPE	8
#define VSOCK_SLL2_HDRLEN	20

/* struct af_vsockmon_hdr */
#define VSOCK_OFF_SRC_CID	0
#define VSOCK_OFF_DST_CID	8
#define VSOCK_OFF_SRC_PORT	16
#define VSOCK_OFF_DST_PORT	20
#define VSOCK_OFF_OP		24
#define VSOCK_OFF_TRANSPORT	26
#define VSOCK_OFF_THDR_LEN	28
#define VSOCK_HDRLEN		32

#define VSOCK_TRANSPORT_VIRTIO	2

/* struct virtio_vsock_hdr, after the vsockmon header */
#define VSOCK_OFF_VIRTIO_TYPE	(VSOCK_HDRLEN + 28)
#define VSOCK_OFF_VIRTIO_OP	(VSOCK_HDRLEN + 30)

/*
 * The transport header length that covers a virtio field: where the
 * field ends in the virtio header (type: bytes 28-29, op: bytes 30-31).
 */
#define VSOCK_VIRTIO_TYPE_END	30
#define VSOCK_VIRTIO_OP_END	32

/* Byte i (0 = least significant) of v. */
#define VSOCK_BYTE(v, i)	(((v) >> (8 * (i))) & 0xff)

struct vsock_name {
	const char *name;
	bpf_u_int32 value;
};

static const struct vsock_name vsock_op_names[] = {
	{ "unknown",		0 },
	{ "connect",		1 },
	{ "disconnect",		2 },
	{ "control",		3 },
	{ "payload",		4 },
	{ NULL,			0 }
};

static const struct vsock_name vsock_type_names[] = {
	{ "stream",		1 },
	{ "seqpacket",		2 },
	{ NULL,			0 }
};

static const struct vsock_name vsock_vop_names[] = {
	{ "invalid",		0 },
	{ "request",		1 },
	{ "response",		2 },
	{ "rst",		3 },
	{ "shutdown",		4 },
	{ "rw",			5 },
	{ "credit_update",	6 },
	{ "credit-update",	6 },
	{ "credit_request",	7 },
	{ "credit-request",	7 },
	{ NULL,			0 }
};

/*
 * What a primitive is compiled against: the offset of the vsockmon
 * header, and, for cooked captures, the offset of the ARPHRD type
 * that must be ARPHRD_VSOCKMON (0 if there is nothing to check).
 */
struct vsock_link {
	compiler_state_t *cstate;
	u_int base;
	u_int hatype;
};

static int vsock_strcaseeq(const char *, const char *);

static bpf_u_int32
vsock_swap16(bpf_u_int32 v)
{
	return (((v & 0xff) << 8) | ((v >> 8) & 0xff));
}

static bpf_u_int32
vsock_swap32(bpf_u_int32 v)
{
	return (((v & 0xff) << 24) | ((v & 0xff00) << 8) |
	    ((v >> 8) & 0xff00) | ((v >> 24) & 0xff));
}

static int
vsock_link_setup(compiler_state_t *cstate, struct vsock_link *l)
{
	int linktype = vsock_cstate_linktype(cstate);
	const char *name;

	l->cstate = cstate;
	switch (linktype) {

	case DLT_VSOCK:
		l->base = 0;
		l->hatype = 0;
		return (0);

	case DLT_LINUX_SLL:
		l->base = VSOCK_SLL_HDRLEN;
		l->hatype = VSOCK_SLL_HATYPE;
		return (0);

	case DLT_LINUX_SLL2:
		l->base = VSOCK_SLL2_HDRLEN;
		l->hatype = VSOCK_SLL2_HATYPE;
		return (0);
	}
	name = pcap_datalink_val_to_name(linktype);
	if (name != NULL)
		bpf_set_error(cstate,
		    "'vsock' supported only on VSOCK, LINUX_SLL and LINUX_SLL2 links, not on %s",
		    name);
	else
		bpf_set_error(cstate,
		    "'vsock' supported only on VSOCK, LINUX_SLL and LINUX_SLL2 links, not on link-layer type %d",
		    linktype);
	return (-1);
}

/*
 * Test "size" bytes at offset "off" from the start of the packet,
 * ANDed with "mask" unless it is all ones, against "k" with the jump
 * "jtype".
 */
static struct block *
vsock_cmp(struct vsock_link *l, u_int off, u_int size, bpf_u_int32 mask,
    int jtype, bpf_u_int32 k)
{
	struct slist *s;
	struct block *b;

	s = vsock_new_stmt(l->cstate, BPF_LD|BPF_ABS|size, off);
	if (mask != 0xffffffff && jtype == BPF_JEQ && k == 0) {
		/*
		 * "The masked bits are all 0" as a negated "jset", which
		 * is what the optimizer makes of "and; jeq #0" anyway:
		 * given "and; jeq #0" twice (as in "vsock src portrange
		 * 0-3 and vsock src portrange 0-3"), libpcap 1.10's
		 * optimizer concluded that nothing matched.
		 */
		b = vsock_new_block(l->cstate, s, BPF_JMP|BPF_JSET|BPF_K, mask);
		gen_not(b);
		return (b);
	}
	if (mask != 0xffffffff)
		s->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_AND|BPF_K,
		    mask);
	return (vsock_new_block(l->cstate, s, BPF_JMP|jtype|BPF_K, k));
}

static struct block *
vsock_byte_cmp(struct vsock_link *l, u_int off, int jtype, bpf_u_int32 k)
{
	return (vsock_cmp(l, off, BPF_B, 0xffffffff, jtype, k));
}

/* An always-true block. */
static struct block *
vsock_true(struct vsock_link *l)
{
	struct slist *s;

	s = vsock_new_stmt(l->cstate, BPF_LD|BPF_IMM, 0);
	return (vsock_new_block(l->cstate, s, BPF_JMP|BPF_JEQ|BPF_K, 0));
}

/*
 * AND "b" with the test that the frame is a vsockmon frame: nothing on
 * DLT_VSOCK, the ARPHRD type on cooked captures.
 */
static struct block *
vsock_gate(struct vsock_link *l, struct block *b)
{
	struct block *b0;

	if (l->hatype == 0)
		return (b);
	b0 = vsock_cmp(l, l->hatype, BPF_H, 0xffffffff, BPF_JEQ,
	    VSOCK_ARPHRD_VSOCKMON);
	gen_and(b0, b);
	return (b);
}

/*
 * An order-preserving image of a little-endian 16-bit field, in two
 * instructions.
 *
 * With the field's bytes lo (first) and hi, its value is
 * v = 256 * hi + lo, and "ldh" gives A = 256 * lo + hi.  Modulo 2^32,
 * A * 0x1000001 = A * 2^24 + A = hi * 2^24 + A, since lo * 2^32
 * vanishes; the sum is below 2^32 as A < 2^16.  So the result is
 * f(v) = hi * 2^24 + lo * 2^8 + hi.  f is strictly increasing: if
 * hi1 < hi2, f(v1) < (hi1 + 1) * 2^24 <= f(v2); if hi1 == hi2 and
 * lo1 < lo2, f(v1) < f(v2).  Hence v >= n if and only if f(v) >= f(n),
 * and v <= m if and only if f(v) <= f(m).
 */
#define VSOCK_MONO16_MUL	0x1000001U

static bpf_u_int32
vsock_mono16(bpf_u_int32 v)
{
	bpf_u_int32 lo = v & 0xff, hi = (v >> 8) & 0xff;

	return ((hi << 24) | (lo << 8) | hi);
}

static struct slist *
vsock_load_mono16(struct vsock_link *l, u_int off)
{
	struct slist *s;

	s = vsock_new_stmt(l->cstate, BPF_LD|BPF_ABS|BPF_H, off);
	s->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_MUL|BPF_K,
	    VSOCK_MONO16_MUL);
	return (s);
}

/*
 * A virtio field is there: the transport is virtio and the transport
 * header length covers the field, i.e. is at least "need", where the
 * field ends in the virtio header (VSOCK_VIRTIO_TYPE_END, _OP_END).  As
 * the printer does, a field is tested when it lies within the transport
 * header, whether or not the whole virtio header (44 bytes) is there.
 * The length test is a single jump on the image above, so that the
 * optimizer can drop a repeated test (as in "vsock vop rw or vsock vop
 * rst") on the paths where the first one passed.
 */
static struct block *
vsock_virtio_present(struct vsock_link *l, u_int need)
{
	struct block *b0, *b1;

	b0 = vsock_cmp(l, l->base + VSOCK_OFF_TRANSPORT, BPF_H, 0xffffffff,
	    BPF_JEQ, vsock_swap16(VSOCK_TRANSPORT_VIRTIO));
	b1 = vsock_new_block(l->cstate,
	    vsock_load_mono16(l, l->base + VSOCK_OFF_THDR_LEN),
	    BPF_JMP|BPF_JGE|BPF_K, vsock_mono16(need));
	gen_and(b0, b1);
	return (b1);
}

/*
 * Lexicographic tests on the bytes 0..i (0 least significant) of a
 * little-endian field at offset "off": the bytes compare, from the most
 * significant down, as the numbers do.  A NULL return means "always
 * true".
 *
 * vsock_range_ge(): bytes 0..i of the field >= bytes 0..i of n.
 */
static bpf_u_int32
vsock_low_mask(int i)
{
	/* Bytes 0..i-1 of a 32-bit word. */
	return (i <= 0 ? 0 : (i >= 4 ? 0xffffffff : (1U << (8 * i)) - 1));
}

static struct block *
vsock_range_ge(struct vsock_link *l, u_int off, int i, bpf_u_int32 n)
{
	bpf_u_int32 nb = VSOCK_BYTE(n, i);
	struct block *b0, *b1, *rest;

	if ((n & vsock_low_mask(i + 1)) == 0)
		return (NULL);
	if ((n & vsock_low_mask(i)) == 0)
		return (vsock_byte_cmp(l, off + i, BPF_JGE, nb));
	rest = vsock_range_ge(l, off, i - 1, n);
	if (nb == 0) {
		/* > 0, or == 0 and the rest >= */
		b0 = vsock_byte_cmp(l, off + i, BPF_JGT, 0);
		gen_or(b0, rest);
		return (rest);
	}
	if (nb == 0xff) {
		b0 = vsock_byte_cmp(l, off + i, BPF_JEQ, 0xff);
		gen_and(b0, rest);
		return (rest);
	}
	b0 = vsock_byte_cmp(l, off + i, BPF_JGT, nb);
	b1 = vsock_byte_cmp(l, off + i, BPF_JEQ, nb);
	gen_and(b1, rest);
	gen_or(b0, rest);
	return (rest);
}

/* Bytes 0..i of the field <= bytes 0..i of m. */
static struct block *
vsock_range_le(struct vsock_link *l, u_int off, int i, bpf_u_int32 m)
{
	bpf_u_int32 mb = VSOCK_BYTE(m, i);
	bpf_u_int32 lm = vsock_low_mask(i);
	struct block *b0, *b1, *rest;

	if ((m & vsock_low_mask(i + 1)) == vsock_low_mask(i + 1))
		return (NULL);
	if ((m & lm) == lm) {
		b0 = vsock_byte_cmp(l, off + i, BPF_JGT, mb);
		gen_not(b0);
		return (b0);
	}
	rest = vsock_range_le(l, off, i - 1, m);
	if (mb == 0xff) {
		/* != 0xff, or == 0xff and the rest <= */
		b0 = vsock_byte_cmp(l, off + i, BPF_JEQ, 0xff);
		gen_not(b0);
		gen_or(b0, rest);
		return (rest);
	}
	if (mb == 0) {
		b0 = vsock_byte_cmp(l, off + i, BPF_JEQ, 0);
		gen_and(b0, rest);
		return (rest);
	}
	b0 = vsock_byte_cmp(l, off + i, BPF_JGE, mb);
	gen_not(b0);
	b1 = vsock_byte_cmp(l, off + i, BPF_JEQ, mb);
	gen_and(b1, rest);
	gen_or(b0, rest);
	return (rest);
}

/* Estimated instruction counts of the two, after optimization. */
static int
vsock_range_ge_cost(int i, bpf_u_int32 n)
{
	bpf_u_int32 nb = VSOCK_BYTE(n, i);

	if ((n & vsock_low_mask(i + 1)) == 0)
		return (0);
	if ((n & vsock_low_mask(i)) == 0)
		return (2);
	return ((nb == 0 || nb == 0xff ? 2 : 3) +
	    vsock_range_ge_cost(i - 1, n));
}

static int
vsock_range_le_cost(int i, bpf_u_int32 m)
{
	bpf_u_int32 mb = VSOCK_BYTE(m, i);
	bpf_u_int32 lm = vsock_low_mask(i);

	if ((m & vsock_low_mask(i + 1)) == vsock_low_mask(i + 1))
		return (0);
	if ((m & lm) == lm)
		return (2);
	return ((mb == 0 || mb == 0xff ? 2 : 3) +
	    vsock_range_le_cost(i - 1, m));
}

/*
 * n <= bytes 0..j of the field <= m, where byte j is the most
 * significant byte in which n and m differ (byte j of n < byte j of m):
 *
 *	byte j > nb and (byte j < mb or (byte j == mb and rest <= m))
 *	or byte j == nb and rest >= n
 *
 * The second alternative is reached when the first fails; the test
 * "byte j <= nb" put before it is always true when byte j == nb, and
 * lets the optimizer send the paths on which byte j > nb straight to
 * "false".  When one of the sub-tests on the lower bytes is always true
 * the test is simpler.
 */
static struct block *
vsock_range_lexi(struct vsock_link *l, u_int off, int j, bpf_u_int32 n,
    bpf_u_int32 m, int *costp)
{
	bpf_u_int32 nb = VSOCK_BYTE(n, j), mb = VSOCK_BYTE(m, j);
	struct block *ge, *le, *lo, *hi, *b0, *b1;
	int cost;

	ge = j > 0 ? vsock_range_ge(l, off, j - 1, n) : NULL;
	le = j > 0 ? vsock_range_le(l, off, j - 1, m) : NULL;
	cost = (j > 0 ? vsock_range_ge_cost(j - 1, n) +
	    vsock_range_le_cost(j - 1, m) : 0);

	if (ge == NULL && le == NULL) {
		lo = hi = NULL;
		if (nb > 0)
			lo = vsock_byte_cmp(l, off + j, BPF_JGE, nb);
		if (mb < 0xff) {
			hi = vsock_byte_cmp(l, off + j, BPF_JGT, mb);
			gen_not(hi);
		}
		*costp = (lo != NULL || hi != NULL) + (lo != NULL) +
		    (hi != NULL);
		if (lo == NULL)
			return (hi);
		if (hi != NULL)
			gen_and(lo, hi);
		else
			hi = lo;
		return (hi);
	}

	/* byte j < mb, or == mb and the lower bytes <= m */
	if (le == NULL) {
		hi = NULL;
		if (mb < 0xff) {
			hi = vsock_byte_cmp(l, off + j, BPF_JGT, mb);
			gen_not(hi);
			cost += 1;
		}
	} else if (mb == 0xff) {
		b0 = vsock_byte_cmp(l, off + j, BPF_JEQ, 0xff);
		gen_not(b0);
		gen_or(b0, le);
		hi = le;
		cost += 1;
	} else {
		b0 = vsock_byte_cmp(l, off + j, BPF_JGE, mb);
		gen_not(b0);
		b1 = vsock_byte_cmp(l, off + j, BPF_JEQ, mb);
		gen_and(b1, le);
		gen_or(b0, le);
		hi = le;
		cost += 2;
	}

	if (ge == NULL) {
		/* byte j >= nb; byte j == nb < mb passes "hi" */
		cost += 1;
		if (nb > 0) {
			lo = vsock_byte_cmp(l, off + j, BPF_JGE, nb);
			gen_and(lo, hi);
			cost += 1;
		}
		*costp = cost;
		return (hi);
	}

	/* byte j > nb and hi, or byte j == nb and the lower bytes >= n */
	b0 = vsock_byte_cmp(l, off + j, BPF_JGT, nb);
	if (hi != NULL)
		gen_and(b0, hi);
	else
		hi = b0;
	b0 = vsock_byte_cmp(l, off + j, BPF_JGT, nb);
	gen_not(b0);
	if (nb > 0) {
		b1 = vsock_byte_cmp(l, off + j, BPF_JEQ, nb);
		gen_and(b0, b1);
		gen_and(b1, ge);
		cost += 1;
	} else
		gen_and(b0, ge);
	gen_or(hi, ge);
	*costp = cost + 2;
	return (ge);
}

/*
 * Into A, the little-endian value of the bytes 0..j of the field, or
 * for j == 1 its order-preserving image vsock_mono16().
 *
 * For the exact value of two bytes: "ldh" gives h = (b0 << 8) | b1;
 * h * 0x10001 = (h << 16) | h, as h < 2^16; shifted right by 8 and
 * masked with 0xffff, that is (b1 << 8) | b0.
 */
static struct slist *
vsock_swap_half(struct vsock_link *l, u_int off, struct slist **lastp)
{
	struct slist *s, *s1;

	s = vsock_new_stmt(l->cstate, BPF_LD|BPF_ABS|BPF_H, off);
	s->next = s1 = vsock_new_stmt(l->cstate, BPF_ALU|BPF_MUL|BPF_K,
	    0x10001);
	s1->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_RSH|BPF_K, 8);
	s1 = s1->next;
	s1->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_AND|BPF_K, 0xffff);
	*lastp = s1->next;
	return (s);
}

static struct slist *
vsock_assemble(struct vsock_link *l, u_int off, int j)
{
	struct slist *s, *last, *t;

	switch (j) {

	case 0:
		return (vsock_new_stmt(l->cstate, BPF_LD|BPF_ABS|BPF_B, off));

	case 1:
		return (vsock_load_mono16(l, off));

	case 2:
		s = vsock_new_stmt(l->cstate, BPF_LD|BPF_ABS|BPF_B, off + 2);
		last = s;
		break;

	default:
		s = vsock_swap_half(l, off + 2, &last);
		break;
	}
	/* The upper part, shifted into place, goes to X. */
	last->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_LSH|BPF_K, 16);
	last = last->next;
	last->next = vsock_new_stmt(l->cstate, BPF_MISC|BPF_TAX, 0);
	last = last->next;
	last->next = vsock_swap_half(l, off, &t);
	t->next = vsock_new_stmt(l->cstate, BPF_ALU|BPF_OR|BPF_X, 0);
	return (s);
}

static const int vsock_assemble_cost[4] = { 1, 2, 8, 11 };

static struct block *
vsock_range_assembled(struct vsock_link *l, u_int off, int j, bpf_u_int32 n,
    bpf_u_int32 m)
{
	bpf_u_int32 max = vsock_low_mask(j + 1), lo_k, hi_k;
	struct block *lo = NULL, *hi = NULL;

	n &= max;
	m &= max;
	lo_k = j == 1 ? vsock_mono16(n) : n;
	hi_k = j == 1 ? vsock_mono16(m) : m;
	if (n > 0)
		lo = vsock_new_block(l->cstate, vsock_assemble(l, off, j),
		    BPF_JMP|BPF_JGE|BPF_K, lo_k);
	if (m < max) {
		/*
		 * When it follows "lo", this test is reached only from
		 * it, with the value still in A: it needs no statements.
		 */
		hi = vsock_new_block(l->cstate,
		    lo != NULL ? NULL : vsock_assemble(l, off, j),
		    BPF_JMP|BPF_JGT|BPF_K, hi_k);
		gen_not(hi);
	}
	if (lo == NULL)
		return (hi);
	if (hi == NULL)
		return (lo);
	gen_and(lo, hi);
	return (hi);
}

/*
 * n <= the little-endian 32-bit field at "off" <= m, with n < m, tested
 * directly; *costp gets the expected instruction count.  NULL means
 * "always true" (n = 0 and m = 2^32 - 1).
 *
 * The bytes above the most significant byte in which n and m differ
 * must equal theirs: they are the last bytes of the field, so one load
 * of them (masked for three bytes) tests them.  The remaining bytes
 * are tested either lexicographically, byte by byte, or by computing
 * their value (or its image) in A and comparing it with two jumps,
 * whichever is expected to be shorter.
 */
static struct block *
vsock_range_direct(struct vsock_link *l, u_int off, bpf_u_int32 n,
    bpf_u_int32 m, int *costp)
{
	struct block *pre, *tail;
	int j, lexi_cost, asm_cost, cost;
	bpf_u_int32 max;

	for (j = 3; VSOCK_BYTE(n, j) == VSOCK_BYTE(m, j); j--)
		;
	switch (j) {

	case 2:
		pre = vsock_byte_cmp(l, off + 3, BPF_JEQ, VSOCK_BYTE(n, 3));
		cost = 2;
		break;

	case 1:
		pre = vsock_cmp(l, off + 2, BPF_H, 0xffffffff, BPF_JEQ,
		    (VSOCK_BYTE(n, 2) << 8) | VSOCK_BYTE(n, 3));
		cost = 2;
		break;

	case 0:
		pre = vsock_cmp(l, off, BPF_W, 0x00ffffff, BPF_JEQ,
		    vsock_swap32(n) & 0x00ffffff);
		cost = 3;
		break;

	default:
		pre = NULL;
		cost = 0;
		break;
	}

	tail = vsock_range_lexi(l, off, j, n, m, &lexi_cost);
	max = vsock_low_mask(j + 1);
	asm_cost = vsock_assemble_cost[j] + ((n & max) != 0) +
	    ((m & max) != max);
	if (asm_cost < lexi_cost) {
		tail = vsock_range_assembled(l, off, j, n, m);
		cost += asm_cost;
	} else
		cost += lexi_cost;
	*costp = cost;
	if (pre == NULL)
		return (tail);
	if (tail == NULL)
		return (pre);
	gen_and(pre, tail);
	return (tail);
}

/*
 * n <= the little-endian 32-bit field at "off" <= m.
 *
 * Candidates, the shorter expected one is used: the direct test above;
 * for a range of a few values, one comparison with each (on a single
 * load); for all values but one, the negated comparison with that one.  Each candidate loads the
 * last byte of the field first (or the whole field), so each rejects a
 * packet that does not hold the whole field.
 */
#define VSOCK_RANGE_ENUM_MAX	8

static struct block *
vsock_gen_range(struct vsock_link *l, u_int off, bpf_u_int32 n,
    bpf_u_int32 m)
{
	struct block *best, *b, *b0;
	int best_cost;
	bpf_u_int32 v;

	if (n > m) {
		v = n;
		n = m;
		m = v;
	}
	if (n == m)
		return (vsock_cmp(l, off, BPF_W, 0xffffffff, BPF_JEQ,
		    vsock_swap32(n)));
	if (n == 0 && m == 0xffffffff) {
		/* Every value: nothing to test. */
		return (vsock_true(l));
	}

	if ((n == 0 && m == 0xfffffffe) || (n == 1 && m == 0xffffffff)) {
		/* All values but one: a single comparison, negated. */
		b = vsock_cmp(l, off, BPF_W, 0xffffffff, BPF_JEQ,
		    vsock_swap32(n == 0 ? 0xffffffff : 0));
		gen_not(b);
		return (b);
	}

	best = vsock_range_direct(l, off, n, m, &best_cost);

	if (m - n < VSOCK_RANGE_ENUM_MAX && (int)(m - n) + 2 < best_cost) {
		b = NULL;
		for (v = n;; v++) {
			b0 = vsock_cmp(l, off, BPF_W, 0xffffffff, BPF_JEQ,
			    vsock_swap32(v));
			if (b != NULL)
				gen_or(b, b0);
			b = b0;
			if (v == m)
				break;
		}
		best = b;
	}
	return (best);
}

static struct block *
vsock_gen_cid1(struct vsock_link *l, u_int off, uint64_t cid)
{
	struct block *b0, *b1;

	/* The lower half first: the upper half is usually 0. */
	b0 = vsock_cmp(l, off, BPF_W, 0xffffffff, BPF_JEQ,
	    vsock_swap32((bpf_u_int32)(cid & 0xffffffff)));
	b1 = vsock_cmp(l, off + 4, BPF_W, 0xffffffff, BPF_JEQ,
	    vsock_swap32((bpf_u_int32)(cid >> 32)));
	gen_and(b0, b1);
	return (b1);
}

/* Check the direction qualifier; 0 if it is acceptable. */
static int
vsock_check_dir(compiler_state_t *cstate, int dir, int directional)
{
	switch (dir) {

	case Q_DEFAULT:
		return (0);

	case Q_SRC:
	case Q_DST:
	case Q_OR:
	case Q_AND:
		if (directional)
			return (0);
		bpf_set_error(cstate,
		    "'src' and 'dst' apply only to vsock cid, port and portrange");
		return (-1);
	}
	bpf_set_error(cstate,
	    "'addr1', 'addr2', 'addr3', 'addr4', 'ra' and 'ta' are not valid for vsock");
	return (-1);
}

/*
 * The source test, the destination test, or both, by the direction
 * qualifier; "what" is 0 for cid (v64), 1 for port (lo), 2 for
 * portrange (lo..hi).
 */
static struct block *
vsock_gen_dir(struct vsock_link *l, int dir, int what, uint64_t v64,
    bpf_u_int32 lo, bpf_u_int32 hi)
{
	struct block *b[2];
	u_int srcoff, dstoff;
	int i;

	if (what == 0) {
		srcoff = l->base + VSOCK_OFF_SRC_CID;
		dstoff = l->base + VSOCK_OFF_DST_CID;
	} else {
		srcoff = l->base + VSOCK_OFF_SRC_PORT;
		dstoff = l->base + VSOCK_OFF_DST_PORT;
	}
	for (i = 0; i < 2; i++) {
		u_int off = i == 0 ? srcoff : dstoff;

		b[i] = NULL;
		if ((i == 0 && dir == Q_DST) || (i == 1 && dir == Q_SRC))
			continue;
		if (what == 0)
			b[i] = vsock_gen_cid1(l, off, v64);
		else if (what == 1)
			b[i] = vsock_cmp(l, off, BPF_W, 0xffffffff, BPF_JEQ,
			    vsock_swap32(lo));
		else
			b[i] = vsock_gen_range(l, off, lo, hi);
	}
	if (b[0] == NULL)
		return (vsock_gate(l, b[1]));
	if (b[1] == NULL)
		return (vsock_gate(l, b[0]));
	if (dir == Q_AND)
		gen_and(b[0], b[1]);
	else
		gen_or(b[0], b[1]);
	return (vsock_gate(l, b[1]));
}

/* A 16-bit field: the vsockmon op, the virtio type or op. */
static struct block *
vsock_gen_field16(struct vsock_link *l, int addr, bpf_u_int32 v)
{
	struct block *b0, *b1;
	const char *what;
	u_int off, need = 0;

	switch (addr) {

	case Q_VSOCK_OP:
		what = "op";
		off = VSOCK_OFF_OP;
		break;

	case Q_VSOCK_TYPE:
		what = "type";
		off = VSOCK_OFF_VIRTIO_TYPE;
		need = VSOCK_VIRTIO_TYPE_END;
		break;

	default:
		what = "vop";
		off = VSOCK_OFF_VIRTIO_OP;
		need = VSOCK_VIRTIO_OP_END;
		break;
	}
	if (v > 0xffff) {
		bpf_set_error(l->cstate,
		    "vsock %s %u out of range (0-65535)", what, v);
		return (NULL);
	}
	b1 = vsock_cmp(l, l->base + off, BPF_H, 0xffffffff, BPF_JEQ,
	    vsock_swap16(v));
	if (addr != Q_VSOCK_OP) {
		b0 = vsock_virtio_present(l, need);
		gen_and(b0, b1);
	}
	return (vsock_gate(l, b1));
}

/*
 * Parse a number written as the scanner does (decimal, 0x hexadecimal,
 * or octal with a leading 0), up to "end" or the end of the string.
 * Returns 0 on success, -1 if it is not a number, 1 if it does not fit
 * in 64 bits.
 */
static int
vsock_parse_u64(const char *s, const char *end, uint64_t *vp)
{
	uint64_t v = 0;
	u_int base = 10, digit;
	int ndigits = 0;

	if (end == NULL)
		end = s + strlen(s);
	if (s < end && s[0] == '0') {
		if (end - s >= 2 && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
			if (s == end)
				return (-1);
		} else
			base = 8;
	}
	for (; s < end; s++, ndigits++) {
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return (-1);
		if (digit >= base)
			return (-1);
		if (v > (UINT64_MAX - digit) / base)
			return (1);
		v = v * base + digit;
	}
	if (ndigits == 0 && base != 8)
		return (-1);
	*vp = v;
	return (0);
}

int
vsock_lex_bignum(const char *text)
{
	uint64_t v;

	return (vsock_parse_u64(text, NULL, &v) == 0 && v > 0xffffffffU);
}

int
vsock_qualifier(compiler_state_t *cstate, const char *name)
{
	if (vsock_strcaseeq(name, "cid"))
		return (Q_VSOCK_CID);
	if (vsock_strcaseeq(name, "op"))
		return (Q_VSOCK_OP);
	if (vsock_strcaseeq(name, "vop"))
		return (Q_VSOCK_VOP);
	bpf_set_error(cstate,
	    "unknown vsock qualifier '%s' (cid, port, portrange, op, type or vop)",
	    name);
	return (-1);
}

int
vsock_handles_qual(compiler_state_t *cstate, struct qual q)
{
	if (q.proto == Q_VSOCK)
		return (1);
	/* On DLT_VSOCK, a port can only be a vsock port. */
	return (q.proto == Q_DEFAULT &&
	    (q.addr == Q_PORT || q.addr == Q_PORTRANGE) &&
	    vsock_cstate_linktype(cstate) == DLT_VSOCK);
}

struct block *
vsock_gen_present(compiler_state_t *cstate)
{
	struct vsock_link l;

	if (vsock_link_setup(cstate, &l) < 0)
		return (NULL);
	return (vsock_gate(&l, vsock_true(&l)));
}

static struct block *
vsock_gen_value(compiler_state_t *cstate, uint64_t v, struct qual q)
{
	struct vsock_link l;

	if (vsock_link_setup(cstate, &l) < 0)
		return (NULL);
	switch (q.addr) {

	case Q_VSOCK_CID:
		if (vsock_check_dir(cstate, q.dir, 1) < 0)
			return (NULL);
		return (vsock_gen_dir(&l, q.dir, 0, v, 0, 0));

	case Q_PORT:
		if (vsock_check_dir(cstate, q.dir, 1) < 0)
			return (NULL);
		return (vsock_gen_dir(&l, q.dir, 1, 0, (bpf_u_int32)v, 0));

	case Q_PORTRANGE:
		if (vsock_check_dir(cstate, q.dir, 1) < 0)
			return (NULL);
		return (vsock_gen_dir(&l, q.dir, 2, 0, (bpf_u_int32)v,
		    (bpf_u_int32)v));

	case Q_VSOCK_OP:
	case Q_VSOCK_TYPE:
	case Q_VSOCK_VOP:
		if (vsock_check_dir(cstate, q.dir, 0) < 0)
			return (NULL);
		return (vsock_gen_field16(&l, q.addr, (bpf_u_int32)v));

	case Q_HOST:
		bpf_set_error(cstate, "'host' is not valid for vsock; use 'cid'");
		return (NULL);

	case Q_NET:
		bpf_set_error(cstate, "'net' is not valid for vsock");
		return (NULL);
	}
	bpf_set_error(cstate, "invalid vsock qualifier");
	return (NULL);
}

struct block *
vsock_gen_ncode(compiler_state_t *cstate, const char *s, bpf_u_int32 v,
    struct qual q)
{
	if (s != NULL) {
		bpf_set_error(cstate, "'%s' is not a valid vsock %s", s,
		    q.addr == Q_VSOCK_CID ? "cid" : "value");
		return (NULL);
	}
	return (vsock_gen_value(cstate, v, q));
}

/*
 * ASCII case-insensitive comparison (libpcap's own one changed its name
 * between releases).
 */
static int
vsock_strcaseeq(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return (0);
	} while (ca != '\0');
	return (1);
}

static int
vsock_lookup(const struct vsock_name *names, const char *name,
    bpf_u_int32 *vp)
{
	for (; names->name != NULL; names++) {
		if (vsock_strcaseeq(names->name, name)) {
			*vp = names->value;
			return (0);
		}
	}
	return (-1);
}

struct block *
vsock_gen_scode(compiler_state_t *cstate, const char *name, struct qual q)
{
	const struct vsock_name *names;
	struct vsock_link l;
	const char *dash, *what;
	uint64_t n, m;
	bpf_u_int32 v;

	switch (q.addr) {

	case Q_PORTRANGE:
		if (vsock_check_dir(cstate, q.dir, 1) < 0 ||
		    vsock_link_setup(cstate, &l) < 0)
			return (NULL);
		dash = strchr(name, '-');
		if (dash == NULL ||
		    vsock_parse_u64(name, dash, &n) != 0 ||
		    vsock_parse_u64(dash + 1, NULL, &m) != 0) {
			bpf_set_error(cstate,
			    "invalid vsock port range '%s' (N-M, numbers only)",
			    name);
			return (NULL);
		}
		if (n > 0xffffffffU || m > 0xffffffffU) {
			bpf_set_error(cstate,
			    "vsock port range '%s' out of range (0-4294967295)",
			    name);
			return (NULL);
		}
		return (vsock_gen_dir(&l, q.dir, 2, 0, (bpf_u_int32)n,
		    (bpf_u_int32)m));

	case Q_VSOCK_OP:
		names = vsock_op_names;
		what = "op";
		break;

	case Q_VSOCK_TYPE:
		names = vsock_type_names;
		what = "type";
		break;

	case Q_VSOCK_VOP:
		names = vsock_vop_names;
		what = "vop";
		break;

	case Q_PORT:
		bpf_set_error(cstate, "invalid vsock port '%s' (numbers only)",
		    name);
		return (NULL);

	case Q_VSOCK_CID:
		bpf_set_error(cstate, "invalid vsock cid '%s'", name);
		return (NULL);

	default:
		return (vsock_gen_value(cstate, 0, q));
	}
	if (vsock_lookup(names, name, &v) < 0) {
		bpf_set_error(cstate, "unknown vsock %s '%s'", what, name);
		return (NULL);
	}
	return (vsock_gen_value(cstate, v, q));
}

struct block *
vsock_gen_bignum(compiler_state_t *cstate, const char *s, struct qual q)
{
	uint64_t v;

	if (q.proto != Q_VSOCK || q.addr != Q_VSOCK_CID ||
	    vsock_parse_u64(s, NULL, &v) != 0) {
		bpf_set_error(cstate, "number %s overflows 32 bits", s);
		return (NULL);
	}
	return (vsock_gen_value(cstate, v, q));
}
