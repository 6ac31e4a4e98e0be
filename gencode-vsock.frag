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
 * The vsock part of libpcap's gencode.c.  It is not a compilation unit
 * of its own: distro/mkpatches.sh appends everything after this comment
 * to gencode.c (the hunks in distro/libpcap-hunks/ add the hooks, the
 * prototypes, the keywords and the qualifiers), so that it uses
 * gencode.c's own primitives, gen_cmp() and friends, bpf_error() and
 * the compiler state, as the rest of gencode.c does.
 */

/*
 * Linux vsock, as captured from a vsockmon device (this part:
 * Copyright (c) 2026 The vsockdump authors):
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
 * The packet is a struct af_vsockmon_hdr (include/uapi/linux/vsockmon.h),
 * the link-layer header on DLT_VSOCK and the link-layer payload of a
 * LINUX_SLL or LINUX_SLL2 frame whose ARPHRD type is ARPHRD_VSOCKMON
 * (the "any" device), followed by a transport header of the length the
 * vsockmon header gives.  Every vsock field is little-endian and BPF
 * loads are big-endian: an equality compares the loaded field with the
 * byte-swapped value; an ordered test (port ranges, the transport header
 * length) is done on single bytes or on an order-preserving image of the
 * field computed in A, see gen_vsock_range().
 */

#ifndef ARPHRD_VSOCKMON
#define ARPHRD_VSOCKMON	826
#endif

/* Where the Linux cooked headers have the ARPHRD type. */
#define VSOCK_SLL_HATYPE	2
#define VSOCK_SLL2_HATYPE	8

/* struct af_vsockmon_hdr */
#define VSOCK_OFF_SRC_CID	0
#define VSOCK_OFF_DST_CID	8
#define VSOCK_OFF_SRC_PORT	16
#define VSOCK_OFF_DST_PORT	20
#define VSOCK_OFF_OP		24
#define VSOCK_OFF_TRANSPORT	26
#define VSOCK_OFF_THDR_LEN	28
#define VSOCK_HDRLEN		32

#define AF_VSOCK_TRANSPORT_VIRTIO	2

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

/* A 16-bit value as a big-endian load sees it little-endian. */
#define VSOCK_SWAP16(v)		(SWAPLONG(v) >> 16)

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
 * Where the vsockmon header is: the link-layer header on DLT_VSOCK, the
 * link-layer payload of a cooked frame.
 */
static enum e_offrel
gen_vsock_offrel(compiler_state_t *cstate)
{
	const char *name;

	switch (cstate->linktype) {

	case DLT_VSOCK:
		return (OR_LINKHDR);

	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		return (OR_LINKPL);
	}
	name = pcap_datalink_val_to_name(cstate->linktype);
	if (name != NULL)
		bpf_error(cstate,
		    "'vsock' supported only on VSOCK, LINUX_SLL and LINUX_SLL2 links, not on %s",
		    name);
	bpf_error(cstate,
	    "'vsock' supported only on VSOCK, LINUX_SLL and LINUX_SLL2 links, not on link-layer type %d",
	    cstate->linktype);
}

/*
 * AND b with the test that the frame is a vsockmon frame: nothing on
 * DLT_VSOCK, the ARPHRD type of a cooked header.
 */
static struct block *
gen_vsock_gate(compiler_state_t *cstate, struct block *b)
{
	struct block *b0;

	switch (cstate->linktype) {

	case DLT_LINUX_SLL:
		b0 = gen_cmp(cstate, OR_LINKHDR, VSOCK_SLL_HATYPE, BPF_H,
		    ARPHRD_VSOCKMON);
		break;

	case DLT_LINUX_SLL2:
		b0 = gen_cmp(cstate, OR_LINKHDR, VSOCK_SLL2_HATYPE, BPF_H,
		    ARPHRD_VSOCKMON);
		break;

	default:
		return (b);
	}
	return (gen_and(b0, b));
}

/* The 32-bit little-endian field at off equals v. */
static struct block *
gen_vsock_cmp32(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    bpf_u_int32 v)
{
	return (gen_cmp(cstate, rel, off, BPF_W, SWAPLONG(v)));
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
gen_vsock_mono16(bpf_u_int32 v)
{
	bpf_u_int32 lo = v & 0xff, hi = (v >> 8) & 0xff;

	return ((hi << 24) | (lo << 8) | hi);
}

static struct slist *
gen_vsock_load_mono16(compiler_state_t *cstate, enum e_offrel rel, u_int off)
{
	struct slist *s, *s2;

	s = gen_load_a(cstate, rel, off, BPF_H);
	s2 = new_stmt(cstate, BPF_ALU|BPF_MUL|BPF_K);
	s2->s.k = VSOCK_MONO16_MUL;
	sappend(s, s2);
	return (s);
}

/* A block that jumps with jtype against k, after the statements s. */
static struct block *
gen_vsock_jmp(compiler_state_t *cstate, struct slist *s, int jtype,
    bpf_u_int32 k)
{
	struct block *b;

	b = new_block(cstate, BPF_JMP|jtype|BPF_K);
	b->stmts = s;
	b->s.k = k;
	return (b);
}

/*
 * A virtio field is there: the transport is virtio and the transport
 * header length covers the field, i.e. is at least "need", where the
 * field ends in the virtio header (VSOCK_VIRTIO_TYPE_END, _OP_END).  As
 * tcpdump prints it, a field is tested when it lies within the
 * transport header, whether or not the whole virtio header (44 bytes)
 * is there.
 */
static struct block *
gen_vsock_virtio_present(compiler_state_t *cstate, enum e_offrel rel,
    u_int need)
{
	struct block *b0, *b1;

	b0 = gen_cmp(cstate, rel, VSOCK_OFF_TRANSPORT, BPF_H,
	    VSOCK_SWAP16(AF_VSOCK_TRANSPORT_VIRTIO));
	b1 = gen_vsock_jmp(cstate,
	    gen_vsock_load_mono16(cstate, rel, VSOCK_OFF_THDR_LEN), BPF_JGE,
	    gen_vsock_mono16(need));
	return (gen_and(b0, b1));
}

/*
 * Port ranges.  n <= the little-endian 32-bit field at off <= m is
 * compiled in the shortest of these shapes (the filter tests compare
 * their lengths with hand-written link[] equivalents):
 *
 *  - the bytes above the most significant byte j in which n and m
 *    differ equal theirs: one load (masked for three bytes) tests them;
 *  - bytes 0..j compared lexicographically, one byte at a time, from
 *    the most significant down (gen_vsock_range_lexi());
 *  - or their value (or for two bytes the image above) computed in A
 *    and compared with a jump, or for both bounds a subtraction and a
 *    jump (gen_vsock_range_value());
 *  - for a range of a few values, one comparison with each.
 *
 * A NULL block means "always true".
 */
static bpf_u_int32
gen_vsock_low_mask(int i)
{
	/* Bytes 0..i-1 of a 32-bit word. */
	return (i <= 0 ? 0 : (i >= 4 ? 0xffffffff : (1U << (8 * i)) - 1));
}

/* Bytes 0..i of the field >= bytes 0..i of n; *costp += instructions. */
static struct block *
gen_vsock_range_ge(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    int i, bpf_u_int32 n, int *costp)
{
	bpf_u_int32 nb = VSOCK_BYTE(n, i);
	struct block *b0, *b1, *rest;

	if ((n & gen_vsock_low_mask(i + 1)) == 0)
		return (NULL);
	if ((n & gen_vsock_low_mask(i)) == 0) {
		*costp += 2;
		return (gen_cmp_ge(cstate, rel, off + i, BPF_B, nb));
	}
	rest = gen_vsock_range_ge(cstate, rel, off, i - 1, n, costp);
	if (nb == 0) {
		/* > 0, or == 0 and the rest >= */
		b0 = gen_cmp_gt(cstate, rel, off + i, BPF_B, 0);
		*costp += 2;
		return (gen_or(b0, rest));
	}
	if (nb == 0xff) {
		b0 = gen_cmp(cstate, rel, off + i, BPF_B, 0xff);
		*costp += 2;
		return (gen_and(b0, rest));
	}
	b0 = gen_cmp_gt(cstate, rel, off + i, BPF_B, nb);
	b1 = gen_cmp(cstate, rel, off + i, BPF_B, nb);
	*costp += 3;
	return (gen_or(b0, gen_and(b1, rest)));
}

/* Bytes 0..i of the field <= bytes 0..i of m; *costp += instructions. */
static struct block *
gen_vsock_range_le(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    int i, bpf_u_int32 m, int *costp)
{
	bpf_u_int32 mb = VSOCK_BYTE(m, i);
	bpf_u_int32 lm = gen_vsock_low_mask(i);
	struct block *b0, *b1, *rest;

	if ((m & gen_vsock_low_mask(i + 1)) == gen_vsock_low_mask(i + 1))
		return (NULL);
	if ((m & lm) == lm) {
		*costp += 2;
		return (gen_cmp_le(cstate, rel, off + i, BPF_B, mb));
	}
	rest = gen_vsock_range_le(cstate, rel, off, i - 1, m, costp);
	if (mb == 0xff) {
		/* != 0xff, or == 0xff and the rest <= */
		b0 = gen_not(gen_cmp(cstate, rel, off + i, BPF_B, 0xff));
		*costp += 2;
		return (gen_or(b0, rest));
	}
	if (mb == 0) {
		b0 = gen_cmp(cstate, rel, off + i, BPF_B, 0);
		*costp += 2;
		return (gen_and(b0, rest));
	}
	b0 = gen_cmp_lt(cstate, rel, off + i, BPF_B, mb);
	b1 = gen_cmp(cstate, rel, off + i, BPF_B, mb);
	*costp += 3;
	return (gen_or(b0, gen_and(b1, rest)));
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
 * "false".  When a sub-test on the lower bytes is always true the test
 * is simpler.
 */
static struct block *
gen_vsock_range_lexi(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    int j, bpf_u_int32 n, bpf_u_int32 m, int *costp)
{
	bpf_u_int32 nb = VSOCK_BYTE(n, j), mb = VSOCK_BYTE(m, j);
	struct block *ge = NULL, *le = NULL, *lo = NULL, *hi = NULL, *b0, *b1;

	*costp = 0;
	if (j > 0) {
		ge = gen_vsock_range_ge(cstate, rel, off, j - 1, n, costp);
		le = gen_vsock_range_le(cstate, rel, off, j - 1, m, costp);
	}

	if (ge == NULL && le == NULL) {
		if (nb > 0)
			lo = gen_cmp_ge(cstate, rel, off + j, BPF_B, nb);
		if (mb < 0xff)
			hi = gen_cmp_le(cstate, rel, off + j, BPF_B, mb);
		*costp = (lo != NULL || hi != NULL) + (lo != NULL) +
		    (hi != NULL);
		if (lo == NULL)
			return (hi);
		if (hi == NULL)
			return (lo);
		return (gen_and(lo, hi));
	}

	/* byte j < mb, or == mb and the lower bytes <= m */
	if (le == NULL) {
		if (mb < 0xff) {
			hi = gen_cmp_le(cstate, rel, off + j, BPF_B, mb);
			*costp += 1;
		}
	} else if (mb == 0xff) {
		b0 = gen_not(gen_cmp(cstate, rel, off + j, BPF_B, 0xff));
		hi = gen_or(b0, le);
		*costp += 1;
	} else {
		b0 = gen_cmp_lt(cstate, rel, off + j, BPF_B, mb);
		b1 = gen_cmp(cstate, rel, off + j, BPF_B, mb);
		hi = gen_or(b0, gen_and(b1, le));
		*costp += 2;
	}

	if (ge == NULL) {
		/* byte j >= nb; byte j == nb < mb passes "hi" */
		*costp += 1;
		if (nb > 0) {
			lo = gen_cmp_ge(cstate, rel, off + j, BPF_B, nb);
			hi = gen_and(lo, hi);
			*costp += 1;
		}
		return (hi);
	}

	/* byte j > nb and hi, or byte j == nb and the lower bytes >= n */
	b0 = gen_cmp_gt(cstate, rel, off + j, BPF_B, nb);
	hi = hi != NULL ? gen_and(b0, hi) : b0;
	b0 = gen_cmp_le(cstate, rel, off + j, BPF_B, nb);
	if (nb > 0) {
		b1 = gen_cmp(cstate, rel, off + j, BPF_B, nb);
		ge = gen_and(gen_and(b0, b1), ge);
		*costp += 1;
	} else
		ge = gen_and(b0, ge);
	*costp += 2;
	return (gen_or(hi, ge));
}

/*
 * Into A, the little-endian value of the bytes 0..j of the field (for
 * j == 1, its image gen_vsock_mono16()).  For three or four bytes, the
 * bytes above 1 are shifted into X and ORed into the low half, which
 * "ldh" loads swapped: h * 0x10001 = (h << 16) | h, as h < 2^16;
 * shifted right by 8 and masked with 0xffff, that is h swapped.
 */
static const int vsock_value_cost[4] = { 1, 2, 8, 11 };

static struct slist *
gen_vsock_stmt(compiler_state_t *cstate, int code, bpf_u_int32 k)
{
	struct slist *s;

	s = new_stmt(cstate, code);
	s->s.k = k;
	return (s);
}

static struct slist *
gen_vsock_load_swapped16(compiler_state_t *cstate, enum e_offrel rel,
    u_int off)
{
	struct slist *s;

	s = gen_load_a(cstate, rel, off, BPF_H);
	sappend(s, gen_vsock_stmt(cstate, BPF_ALU|BPF_MUL|BPF_K, 0x10001));
	sappend(s, gen_vsock_stmt(cstate, BPF_ALU|BPF_RSH|BPF_K, 8));
	sappend(s, gen_vsock_stmt(cstate, BPF_ALU|BPF_AND|BPF_K, 0xffff));
	return (s);
}

static struct slist *
gen_vsock_load_value(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    int j)
{
	struct slist *s;

	switch (j) {

	case 0:
		return (gen_load_a(cstate, rel, off, BPF_B));

	case 1:
		return (gen_vsock_load_mono16(cstate, rel, off));

	case 2:
		s = gen_load_a(cstate, rel, off + 2, BPF_B);
		break;

	default:
		s = gen_vsock_load_swapped16(cstate, rel, off + 2);
		break;
	}
	/* The upper part, shifted into place, goes to X. */
	sappend(s, gen_vsock_stmt(cstate, BPF_ALU|BPF_LSH|BPF_K, 16));
	sappend(s, new_stmt(cstate, BPF_MISC|BPF_TAX));
	sappend(s, gen_vsock_load_swapped16(cstate, rel, off));
	sappend(s, new_stmt(cstate, BPF_ALU|BPF_OR|BPF_X));
	return (s);
}

/*
 * n <= the value in A <= m: each bound alone is one jump; both are one
 * unsigned comparison, as A - n wraps around below n: A - n <= m - n
 * exactly when n <= A <= m.  Every block loads what it tests, as
 * libpcap's optimizer expects: it moves blocks on that premise (a
 * block that tested the value an earlier one had left in A was moved
 * after other loads).
 */
static struct block *
gen_vsock_range_value(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    int j, bpf_u_int32 n, bpf_u_int32 m)
{
	bpf_u_int32 max = gen_vsock_low_mask(j + 1);
	int need_lo = (n & max) != 0, need_hi = (m & max) != max;
	struct slist *s;

	n &= max;
	m &= max;
	if (j == 1) {
		n = gen_vsock_mono16(n);
		m = gen_vsock_mono16(m);
	}
	if (!need_lo && !need_hi)
		return (NULL);
	s = gen_vsock_load_value(cstate, rel, off, j);
	if (!need_hi)
		return (gen_vsock_jmp(cstate, s, BPF_JGE, n));
	if (need_lo) {
		sappend(s, gen_vsock_stmt(cstate, BPF_ALU|BPF_SUB|BPF_K, n));
		m -= n;
	}
	return (gen_not(gen_vsock_jmp(cstate, s, BPF_JGT, m)));
}

/* n <= the field <= m, with n < m, tested directly; see above. */
static struct block *
gen_vsock_range_direct(compiler_state_t *cstate, enum e_offrel rel,
    u_int off, bpf_u_int32 n, bpf_u_int32 m, int *costp)
{
	struct block *pre, *tail;
	int j, lexi_cost, value_cost;
	bpf_u_int32 max;

	for (j = 3; VSOCK_BYTE(n, j) == VSOCK_BYTE(m, j); j--)
		;
	switch (j) {

	case 2:
		pre = gen_cmp(cstate, rel, off + 3, BPF_B, VSOCK_BYTE(n, 3));
		*costp = 2;
		break;

	case 1:
		pre = gen_cmp(cstate, rel, off + 2, BPF_H,
		    VSOCK_SWAP16(n >> 16));
		*costp = 2;
		break;

	case 0:
		pre = gen_mcmp(cstate, rel, off, BPF_W,
		    SWAPLONG(n) & 0x00ffffff, 0x00ffffff);
		*costp = 3;
		break;

	default:
		pre = NULL;
		*costp = 0;
		break;
	}

	tail = gen_vsock_range_lexi(cstate, rel, off, j, n, m, &lexi_cost);
	max = gen_vsock_low_mask(j + 1);
	value_cost = vsock_value_cost[j] + ((n & max) != 0) +
	    ((m & max) != max);
	if (value_cost < lexi_cost) {
		/* The lexicographic blocks are left unused. */
		tail = gen_vsock_range_value(cstate, rel, off, j, n, m);
		*costp += value_cost;
	} else
		*costp += lexi_cost;
	if (pre == NULL)
		return (tail);
	if (tail == NULL)
		return (pre);
	return (gen_and(pre, tail));
}

#define VSOCK_RANGE_ENUM_MAX	8

static struct block *
gen_vsock_range(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    bpf_u_int32 n, bpf_u_int32 m)
{
	struct block *best, *b0;
	int best_cost;
	bpf_u_int32 v;

	if (n > m) {
		v = n;
		n = m;
		m = v;
	}
	if (n == m)
		return (gen_vsock_cmp32(cstate, rel, off, n));
	if (n == 0 && m == 0xffffffff)
		return (gen_true(cstate));
	if ((n == 0 && m == 0xfffffffe) || (n == 1 && m == 0xffffffff)) {
		/* All values but one. */
		return (gen_not(gen_vsock_cmp32(cstate, rel, off,
		    n == 0 ? 0xffffffff : 0)));
	}

	best = gen_vsock_range_direct(cstate, rel, off, n, m, &best_cost);
	if (m - n < VSOCK_RANGE_ENUM_MAX && (int)(m - n) + 2 < best_cost) {
		/* A few values: one comparison with each, on one load. */
		best = NULL;
		for (v = n;; v++) {
			b0 = gen_vsock_cmp32(cstate, rel, off, v);
			best = best != NULL ? gen_or(best, b0) : b0;
			if (v == m)
				break;
		}
	}
	return (best);
}

static struct block *
gen_vsock_cid(compiler_state_t *cstate, enum e_offrel rel, u_int off,
    uint64_t cid)
{
	struct block *b0, *b1;

	/* The lower half first: the upper half is usually 0. */
	b0 = gen_vsock_cmp32(cstate, rel, off, (bpf_u_int32)cid);
	b1 = gen_vsock_cmp32(cstate, rel, off + 4, (bpf_u_int32)(cid >> 32));
	return (gen_and(b0, b1));
}

/* The direction qualifier: none, or src/dst where "directional". */
static void
gen_vsock_check_dir(compiler_state_t *cstate, int dir, int directional)
{
	switch (dir) {

	case Q_DEFAULT:
		return;

	case Q_SRC:
	case Q_DST:
	case Q_OR:
	case Q_AND:
		if (directional)
			return;
		bpf_error(cstate,
		    "'src' and 'dst' apply only to vsock cid, port and portrange");
	}
	bpf_error(cstate,
	    "'addr1', 'addr2', 'addr3', 'addr4', 'ra' and 'ta' are not valid for vsock");
}

/*
 * The vsock field an address qualifier names.  After "vsock", "port"
 * and "portrange" are qualifiers of their own, Q_VSOCK_PORT and
 * Q_VSOCK_PORTRANGE, so that the grammar's checks of TCP and UDP ports
 * do not apply to them; a plain "port" or "portrange" on DLT_VSOCK is
 * the same field.
 */
static int
gen_vsock_field(int addr)
{
	switch (addr) {

	case Q_PORT:
		return (Q_VSOCK_PORT);

	case Q_PORTRANGE:
		return (Q_VSOCK_PORTRANGE);
	}
	return (addr);
}

static const char *
gen_vsock_field_name(int field)
{
	switch (field) {

	case Q_VSOCK_CID:
		return ("cid");

	case Q_VSOCK_PORT:
		return ("port");

	case Q_VSOCK_PORTRANGE:
		return ("portrange");

	case Q_VSOCK_OP:
		return ("op");

	case Q_VSOCK_TYPE:
		return ("type");
	}
	return ("vop");
}

/*
 * The qualifiers of a vsock primitive, checked before its id: the link
 * type carries vsock frames, the address qualifier names a vsock field,
 * and only cid, port and portrange take a direction.  Returns the
 * field.
 */
static int
gen_vsock_check_qual(compiler_state_t *cstate, struct qual q)
{
	int field = gen_vsock_field(q.addr);

	(void)gen_vsock_offrel(cstate);
	switch (field) {

	case Q_HOST:
		bpf_error(cstate, "'host' is not valid for vsock; use 'cid'");

	case Q_NET:
		bpf_error(cstate, "'net' is not valid for vsock");

	case Q_VSOCK_CID:
	case Q_VSOCK_PORT:
	case Q_VSOCK_PORTRANGE:
		gen_vsock_check_dir(cstate, q.dir, 1);
		return (field);

	case Q_VSOCK_OP:
	case Q_VSOCK_TYPE:
	case Q_VSOCK_VOP:
		gen_vsock_check_dir(cstate, q.dir, 0);
		return (field);
	}
	bpf_error(cstate, "invalid vsock qualifier");
}

/*
 * The source test, the destination test, or both, by the direction
 * qualifier: of the CID cid, or of the port range lo..hi.
 */
#define VSOCK_CID	0
#define VSOCK_PORTS	1

static struct block *
gen_vsock_dir(compiler_state_t *cstate, int dir, int what, uint64_t cid,
    bpf_u_int32 lo, bpf_u_int32 hi)
{
	enum e_offrel rel = gen_vsock_offrel(cstate);
	struct block *b0 = NULL, *b1 = NULL;

	if (dir != Q_DST)
		b0 = what == VSOCK_CID ?
		    gen_vsock_cid(cstate, rel, VSOCK_OFF_SRC_CID, cid) :
		    gen_vsock_range(cstate, rel, VSOCK_OFF_SRC_PORT, lo, hi);
	if (dir != Q_SRC)
		b1 = what == VSOCK_CID ?
		    gen_vsock_cid(cstate, rel, VSOCK_OFF_DST_CID, cid) :
		    gen_vsock_range(cstate, rel, VSOCK_OFF_DST_PORT, lo, hi);
	if (b0 == NULL)
		return (gen_vsock_gate(cstate, b1));
	if (b1 == NULL)
		return (gen_vsock_gate(cstate, b0));
	return (gen_vsock_gate(cstate,
	    dir == Q_AND ? gen_and(b0, b1) : gen_or(b0, b1)));
}

/* A 16-bit field: the vsockmon op, the virtio type or op. */
static struct block *
gen_vsock_field16(compiler_state_t *cstate, int field, bpf_u_int32 v)
{
	enum e_offrel rel = gen_vsock_offrel(cstate);
	struct block *b0, *b1;
	u_int off, need = 0;

	switch (field) {

	case Q_VSOCK_OP:
		off = VSOCK_OFF_OP;
		break;

	case Q_VSOCK_TYPE:
		off = VSOCK_OFF_VIRTIO_TYPE;
		need = VSOCK_VIRTIO_TYPE_END;
		break;

	default:
		off = VSOCK_OFF_VIRTIO_OP;
		need = VSOCK_VIRTIO_OP_END;
		break;
	}
	if (v > 0xffff)
		bpf_error(cstate, "vsock %s %u out of range (0-65535)",
		    gen_vsock_field_name(field), v);
	b1 = gen_cmp(cstate, rel, off, BPF_H, VSOCK_SWAP16(v));
	if (need != 0) {
		b0 = gen_vsock_virtio_present(cstate, rel, need);
		b1 = gen_and(b0, b1);
	}
	return (gen_vsock_gate(cstate, b1));
}

/*
 * A number as the scanner reads it (decimal, 0x hexadecimal, or octal
 * with a leading 0), from s up to end, or to the end of the string if
 * end is NULL.  Returns 0, -1 if it is not a number, 1 if it does not
 * fit in 64 bits.
 */
static int
gen_vsock_parse_u64(const char *s, const char *end, uint64_t *vp)
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

/*
 * For the scanner: a number too large for 32 bits.  A vsock CID takes
 * 64 bits, and vsock's messages for a number beyond its field are
 * vsock's own (gen_vsock_bignum()).
 */
int
vsock_lex_bignum(const char *text)
{
	uint64_t v;

	switch (gen_vsock_parse_u64(text, NULL, &v)) {

	case 0:
		return (v > 0xffffffffU);

	case 1:
		return (1);
	}
	return (0);
}

/* For the grammar: the qualifiers after "vsock" that are not keywords. */
int
vsock_qualifier(compiler_state_t *cstate, const char *name)
{
	if (pcapint_strcasecmp(name, "cid") == 0)
		return (Q_VSOCK_CID);
	if (pcapint_strcasecmp(name, "op") == 0)
		return (Q_VSOCK_OP);
	if (pcapint_strcasecmp(name, "vop") == 0)
		return (Q_VSOCK_VOP);
	bpf_set_error(cstate,
	    "unknown vsock qualifier '%s' (cid, port, portrange, op, type or vop)",
	    name);
	return (-1);
}

/* Does a code generator hand the qualifiers q to us? */
static int
gen_vsock_handles(compiler_state_t *cstate, struct qual q)
{
	if (q.proto == Q_VSOCK)
		return (1);
	/* On DLT_VSOCK, a port can only be a vsock port. */
	return (q.proto == Q_DEFAULT &&
	    (q.addr == Q_PORT || q.addr == Q_PORTRANGE) &&
	    cstate->linktype == DLT_VSOCK);
}

struct block *
gen_vsock(compiler_state_t *cstate)
{
	/*
	 * Catch errors reported by us and routines below us, and return NULL
	 * on an error.
	 */
	if (setjmp(cstate->top_ctx))
		return (NULL);

	(void)gen_vsock_offrel(cstate);
	return (gen_vsock_gate(cstate, gen_true(cstate)));
}

/* The test of the value v of a field whose qualifiers were checked. */
static struct block *
gen_vsock_field_value(compiler_state_t *cstate, int field, int dir,
    uint64_t v)
{
	switch (field) {

	case Q_VSOCK_CID:
		return (gen_vsock_dir(cstate, dir, VSOCK_CID, v, 0, 0));

	case Q_VSOCK_PORT:
	case Q_VSOCK_PORTRANGE:
		return (gen_vsock_dir(cstate, dir, VSOCK_PORTS, 0,
		    (bpf_u_int32)v, (bpf_u_int32)v));
	}
	return (gen_vsock_field16(cstate, field, (bpf_u_int32)v));
}

/* A number, or an IPv4 address s (which no vsock field holds). */
static struct block *
gen_vsock_ncode(compiler_state_t *cstate, const char *s, bpf_u_int32 v,
    struct qual q)
{
	int field = gen_vsock_check_qual(cstate, q);

	if (s != NULL)
		bpf_error(cstate, "'%s' is not a valid vsock %s", s,
		    gen_vsock_field_name(field));
	return (gen_vsock_field_value(cstate, field, q.dir, v));
}

/*
 * An address of another kind, as gen_mcode(), gen_mcode6(), gen_ecode()
 * and gen_acode() get it: "s mask s2", "s/masklen", or s alone when s2
 * and masklen are NULL.  (The length is passed by address: any 32-bit
 * number the grammar takes is one.)
 */
static struct block *
gen_vsock_addr(compiler_state_t *cstate, const char *s, const char *s2,
    const bpf_u_int32 *masklen, struct qual q)
{
	char id[PCAP_BUF_SIZE];
	int field;

	field = gen_vsock_check_qual(cstate, q);
	if (s2 != NULL)
		snprintf(id, sizeof(id), "%s mask %s", s, s2);
	else if (masklen != NULL)
		snprintf(id, sizeof(id), "%s/%u", s, *masklen);
	else
		snprintf(id, sizeof(id), "%s", s);
	bpf_error(cstate, "'%s' is not a valid vsock %s", id,
	    gen_vsock_field_name(field));
}

static struct block *
gen_vsock_scode(compiler_state_t *cstate, const char *name, struct qual q)
{
	const struct vsock_name *names;
	const char *dash;
	uint64_t n, m;
	int field;

	field = gen_vsock_check_qual(cstate, q);
	switch (field) {

	case Q_VSOCK_PORTRANGE:
		dash = strchr(name, '-');
		if (dash == NULL ||
		    gen_vsock_parse_u64(name, dash, &n) != 0 ||
		    gen_vsock_parse_u64(dash + 1, NULL, &m) != 0)
			bpf_error(cstate,
			    "invalid vsock port range '%s' (N-M, numbers only)",
			    name);
		if (n > 0xffffffffU || m > 0xffffffffU)
			bpf_error(cstate,
			    "vsock port range '%s' out of range (0-4294967295)",
			    name);
		return (gen_vsock_dir(cstate, q.dir, VSOCK_PORTS, 0,
		    (bpf_u_int32)n, (bpf_u_int32)m));

	case Q_VSOCK_PORT:
		bpf_error(cstate, "invalid vsock port '%s' (numbers only)",
		    name);

	case Q_VSOCK_CID:
		bpf_error(cstate, "invalid vsock cid '%s'", name);

	case Q_VSOCK_OP:
		names = vsock_op_names;
		break;

	case Q_VSOCK_TYPE:
		names = vsock_type_names;
		break;

	default:
		names = vsock_vop_names;
		break;
	}
	for (; names->name != NULL; names++)
		if (pcapint_strcasecmp(names->name, name) == 0)
			return (gen_vsock_field_value(cstate, field, q.dir,
			    names->value));
	bpf_error(cstate, "unknown vsock %s '%s'", gen_vsock_field_name(field),
	    name);
}

/*
 * A number that does not fit in 32 bits: the scanner reported it as
 * such, and then passed it on as LNUM, as it is valid as a vsock CID.
 * Elsewhere the scanner's report stands.
 */
struct block *
gen_vsock_bignum(compiler_state_t *cstate, const char *s, struct qual q)
{
	uint64_t v;
	int field, toobig;

	if (setjmp(cstate->top_ctx))
		return (NULL);

	if (!gen_vsock_handles(cstate, q))
		bpf_error(cstate, "number %s overflows 32 bits", s);
	/* Not the scanner's error here, but ours. */
	cstate->error_set = 0;
	field = gen_vsock_check_qual(cstate, q);
	toobig = gen_vsock_parse_u64(s, NULL, &v) != 0;
	switch (field) {

	case Q_VSOCK_CID:
		if (toobig)
			bpf_error(cstate,
			    "vsock cid %s out of range (0-18446744073709551615)",
			    s);
		return (gen_vsock_field_value(cstate, field, q.dir, v));

	case Q_VSOCK_PORT:
	case Q_VSOCK_PORTRANGE:
		bpf_error(cstate, "vsock port %s out of range (0-4294967295)",
		    s);
	}
	bpf_error(cstate, "vsock %s %s out of range (0-65535)",
	    gen_vsock_field_name(field), s);
}
