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
 * libFuzzer harness for libpcap's filter compiler with our vsock
 * primitives (patches/libpcap), on DLT_VSOCK, DLT_LINUX_SLL and
 * DLT_LINUX_SLL2 (and now and then DLT_EN10MB, where "vsock" must be
 * refused).  Link it against a libpcap.a built by build-libpcap.sh
 * (ASan+UBSan and coverage in libpcap itself).
 *
 * Input layout:
 *
 *   byte 0	bits 0-1: link type (VSOCK, LINUX_SLL, LINUX_SLL2, and
 *		for 3: EN10MB if bit 7 is set, else VSOCK);
 *		bits 2-3: 3 = raw mode, else grammar mode;
 *		bits 4-6: depth limit of the expression (1..8)
 *   raw mode	the expression is the bytes from 1 up to the first NUL
 *		(at most MAX_EXPR); the bytes after it make the packets
 *   grammar	the following bytes pick productions of the vsock grammar
 *		(see gen_expr(), gen_leaf()); now and then a raw-byte
 *		"garbage" token is spliced in; the bytes left make the
 *		packets.  Bytes past the end read as 0.
 *
 * Each expression is compiled with pcap_compile() on a pcap_open_dead()
 * handle, optimized and not.  Checks (any failure aborts, which
 * libFuzzer reports as a crash):
 *
 *  - a compiled program passes bpf_validate();
 *  - the optimized program compiles when the unoptimized one does,
 *    except for "expression rejects all packets" (the optimizer's way to
 *    say the verdict is always 0; taken as such below) and for a
 *    division or modulus by a constant 0 (libpcap's constant folding of
 *    the user's arithmetic);
 *  - on a failure, pcap_geterr() says something;
 *  - pcap_offline_filter() and bpf_filter() agree on every packet;
 *  - for grammar expressions without garbage, on complete packets
 *    (every field present, caplen == len): the optimized and the
 *    unoptimized programs agree; every leaf compiled alone (unoptimized)
 *    agrees with a reference evaluator written here (the field semantics
 *    of tests/filter/vsock-filter-semantic.c); and the whole
 *    expression's verdict is the and/or/not combination of its leaves'
 *    verdicts.  An optimized program that goes wrong where the
 *    unoptimized one is right is a bug of libpcap's optimizer: if the
 *    expression rewritten in stock libpcap syntax goes wrong the same
 *    way, it is let through (optimizer_shape_bug()); any other is
 *    logged for a person to look at (optimizer_divergence()); with
 *    FUZZ_FILTER_STRICT set, both fail;
 *  - the whole expression compiles if and only if every leaf does;
 *  - vsockdump's path for a libpcap without vsock primitives
 *    (src/filter-rewrite.c): the expression, grammar or raw, rewritten
 *    into stock libpcap syntax, compiles if and only if libpcap compiles
 *    it, and the two unoptimized programs give the same verdict on every
 *    packet, truncated and raw ones included.
 *
 * Packets: two complete vsockmon frames (with the cooked header for
 * SLL/SLL2) whose fields are drawn from the numbers the expression uses,
 * a few edge values and the input bytes; the first of them cut at a
 * random caplen; and the remaining input bytes as a raw frame.  The
 * truncated and raw ones are only run (sanitizers, bounds of
 * bpf_filter()), their verdicts are not checked.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "filter-rewrite.h"

#define MAX_EXPR	4096	/* bytes of expression text */
#define MAX_LEAVES	10
#define MAX_VALUES	3	/* values of a list leaf ("port 1 or 2") */
#define MAX_POOL	32
#define MAX_PKT		512
#define ARPHRD_VSOCKMON	826

/* --- the input, read as choices ----------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n, i;
};

static unsigned
byte(struct in *in)
{
	return (in->i < in->n ? in->p[in->i++] : 0);
}

static uint64_t
bytes(struct in *in, int k)
{
	uint64_t v = 0;
	int j;

	for (j = 0; j < k; j++)
		v |= (uint64_t)byte(in) << (8 * j);
	return (v);
}

/* --- the expression ------------------------------------------------------ */

enum field { F_GATE, F_PORT, F_PORTRANGE, F_CID, F_OP, F_TYPE, F_VOP,
    F_PLAINPORT, F_PLAINRANGE, F_ADDRESS };
enum dir { D_DEFAULT, D_SRC, D_DST, D_AND };

struct leaf {
	enum field field;
	enum dir dir;
	int nvalues;
	uint64_t lo[MAX_VALUES], hi[MAX_VALUES];
	char text[MAX_VALUES][160];	/* "QUAL VALUE", compiled alone */
	int ok[MAX_VALUES];		/* that compiled */
	struct bpf_program prog[MAX_VALUES];
};

struct gen {
	struct in *in;
	char buf[MAX_EXPR];
	size_t len;
	int overflow;
	int garbage;			/* raw bytes were spliced in */
	int nleaves;
	struct leaf leaves[MAX_LEAVES];
	int nnodes;
	/* the tree, in postfix: leaf index >= 0, or an operator */
	int post[4 * MAX_LEAVES + 8];
	int npost;
	uint64_t pool[MAX_POOL];
	int npool;
};

#define OP_AND	(-1)
#define OP_OR	(-2)
#define OP_NOT	(-3)

/* Append to the text buf of size bytes, len used; stop at an overflow. */
static void
append_v(char *buf, size_t size, size_t *len, int *overflow,
    const char *fmt, va_list ap)
{
	int r;

	if (*overflow)
		return;
	r = vsnprintf(buf + *len, size - *len, fmt, ap);
	if (r < 0 || (size_t)r >= size - *len)
		*overflow = 1;
	else
		*len += (size_t)r;
}

static void
emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(g->buf, sizeof(g->buf), &g->len, &g->overflow, fmt, ap);
	va_end(ap);
}

static void
pool_add(struct gen *g, uint64_t v)
{
	if (g->npool < MAX_POOL)
		g->pool[g->npool++] = v;
}

/* Edge values for numbers; some overflow their field on purpose. */
static const uint64_t edges[] = {
	0, 1, 2, 3, 4, 22, 1023, 1024, 1025, 9000, 65535, 65536, 70000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000ULL, 0x100000001ULL, 0x100000003ULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL,
};

/*
 * A number: an edge value, a small one, or random 16/32/64-bit.  "wide"
 * allows values beyond 32 bits (CIDs, and out-of-range tries elsewhere
 * now and then).
 */
static uint64_t
number(struct gen *g, int wide)
{
	unsigned c = byte(g->in);
	uint64_t v;

	switch (c % 8) {
	case 0: case 1: case 2:
		v = edges[byte(g->in) % (sizeof(edges) / sizeof(edges[0]))];
		break;
	case 3:
		v = byte(g->in);
		break;
	case 4:
		v = bytes(g->in, 2);
		break;
	case 5: case 6:
		v = bytes(g->in, 4);
		break;
	default:
		v = bytes(g->in, 8);
		break;
	}
	if (!wide && v > 0xffffffffULL && (c & 0x80) == 0)
		v &= 0xffffffffULL;
	return (v);
}

/* The text of a number: decimal, hex (0x, 0X), or octal. */
static void
fmt_number(char *s, size_t size, uint64_t v, unsigned how)
{
	switch (how % 6) {
	case 3:
		snprintf(s, size, "0x%llx", (unsigned long long)v);
		break;
	case 4:
		snprintf(s, size, "0X%llX", (unsigned long long)v);
		break;
	case 5:
		snprintf(s, size, "0%llo", (unsigned long long)v);
		break;
	default:
		snprintf(s, size, "%llu", (unsigned long long)v);
		break;
	}
}

static const char *const op_names[] = { "unknown", "connect",
    "disconnect", "control", "payload" };
static const char *const type_names[] = { "", "stream", "seqpacket" };
static const char *const vop_names[] = { "invalid", "request", "response",
    "rst", "shutdown", "rw", "credit_update", "credit_request" };

/* A raw-byte token (no NUL), 1 to 16 bytes. */
static void
garbage(struct gen *g)
{
	unsigned k = 1 + byte(g->in) % 16, j;
	char t[17];

	for (j = 0; j < k; j++) {
		t[j] = (char)byte(g->in);
		if (t[j] == '\0')
			t[j] = ' ';
	}
	t[k] = '\0';
	emit(g, "%s", t);
	g->garbage = 1;
}

/*
 * An address as the id of vsock qualifiers, any direction and any
 * address qualifier: "vsock src net 10.0.0.0/8", "vsock cid ::1",
 * "vsock addr1 port 00:11:22:33:44:55".  No vsock field holds an
 * address: the leaf is always refused (F_ADDRESS), and so is the whole
 * expression.  Each of the grammar's address shapes, as the sweep
 * (tests/filter/sweep-ids) has them.
 */
static const char *const address_ids[] = {
	"1.2", "1.2.3", "10.0.0.1", "10.0.0.0/8", "10.0.0.1/8",
	"10.0.0.0/33", "10.0.0.0 mask 255.0.0.0", "10.0.0.1 mask 255.0.0.0",
	"::1", "fe80::1", "::ffff:1.2.3.4", "fe80::/10", "::1/64", "::/129",
	"00:11:22:33:44:55", "00-11-22-33-44-55", "0011.2233.4455", "$01",
	"(::1)", "not fe80::1",
};

static int
gen_address_leaf(struct gen *g, struct leaf *l, unsigned c)
{
	static const char *const dirs[] = { "", "src ", "dst ",
	    "src or dst ", "src and dst ", "addr1 ", "ra " };
	static const char *const quals[] = { "host", "net", "port",
	    "portrange", "cid", "op", "type", "vop" };

	l->field = F_ADDRESS;
	l->nvalues = 1;
	snprintf(l->text[0], sizeof(l->text[0]), "vsock %s%s %s",
	    dirs[c % 7], quals[(c >> 3) % 8],
	    address_ids[byte(g->in) % (sizeof(address_ids) /
	    sizeof(address_ids[0]))]);
	emit(g, "%s", l->text[0]);
	return (g->nleaves++);
}

/*
 * A primitive: "vsock", "vsock [DIR] port|portrange|cid VALUE",
 * "vsock op|type|vop NAME|NUMBER", plain "[DIR] port|portrange VALUE";
 * a value may be a list ("port 22 or 1024", "cid (3 or 4)"), which
 * inherits the qualifiers.
 */
static int
gen_leaf(struct gen *g)
{
	struct leaf *l;
	static const char *const dirs[] = { "", "src ", "dst ", "src and dst " };
	static const char *const dirs_alt[] = { "", "src ", "dst ",
	    "dst and src " };
	const char *qual;
	char qbuf[64], num[3][40], vtext[MAX_VALUES][96];
	unsigned c, spell, k;
	int i, paren_list;

	if (g->nleaves >= MAX_LEAVES)
		return (-1);
	l = &g->leaves[g->nleaves];
	memset(l, 0, sizeof(*l));
	c = byte(g->in);
	l->field = (enum field)(c % 9);
	l->dir = (enum dir)((c >> 4) % 4);
	spell = byte(g->in);
	switch (l->field) {
	case F_GATE:
		if ((spell & 6) == 6)
			return (gen_address_leaf(g, l, byte(g->in)));
		l->nvalues = 1;
		snprintf(l->text[0], sizeof(l->text[0]), "vsock");
		emit(g, "%s", (spell & 1) ? "VSOCK" : "vsock");
		if (spell & 1)
			/* keywords are case-sensitive: must not compile */
			g->garbage = 1;
		return (g->nleaves++);
	case F_OP: case F_TYPE: case F_VOP: l->dir = D_DEFAULT; break;
	default: break;
	}
	switch (l->field) {
	case F_PORT:		qual = "port"; break;
	case F_PORTRANGE:	qual = "portrange"; break;
	case F_CID:		qual = "cid"; break;
	case F_OP:		qual = "op"; break;
	case F_TYPE:		qual = "type"; break;
	case F_VOP:		qual = "vop"; break;
	case F_PLAINPORT:	qual = "port"; break;
	default:		qual = "portrange"; break;
	}
	snprintf(qbuf, sizeof(qbuf), "%s%s%s",
	    l->field == F_PLAINPORT || l->field == F_PLAINRANGE ? "" : "vsock ",
	    ((spell & 2) ? dirs_alt : dirs)[l->dir], qual);
	l->nvalues = 1 + (int)(byte(g->in) % 4 == 0 ? byte(g->in) % MAX_VALUES : 0);
	paren_list = (spell & 4) != 0;
	for (i = 0; i < l->nvalues; i++) {
		unsigned how = byte(g->in);

		switch (l->field) {
		case F_PORTRANGE:
		case F_PLAINRANGE:
			l->lo[i] = number(g, 0);
			l->hi[i] = (how & 0x40) ? l->lo[i] : number(g, 0);
			pool_add(g, l->lo[i]);
			pool_add(g, l->hi[i]);
			fmt_number(num[0], sizeof(num[0]), l->lo[i], how);
			fmt_number(num[1], sizeof(num[1]), l->hi[i], how >> 3);
			if ((how & 0x40) && (how & 0x80))
				snprintf(vtext[i], sizeof(vtext[i]), "%s",
				    num[0]);
			else
				snprintf(vtext[i], sizeof(vtext[i]), "%s-%s",
				    num[0], num[1]);
			if (l->lo[i] > l->hi[i]) {
				uint64_t t = l->lo[i];

				l->lo[i] = l->hi[i];
				l->hi[i] = t;
			}
			break;
		case F_OP:
		case F_TYPE:
		case F_VOP:
			if (how & 1) {
				l->lo[i] = number(g, 0);
				if ((how & 2) == 0)
					l->lo[i] &= 0xffff;
				fmt_number(vtext[i], sizeof(vtext[i]),
				    l->lo[i], how >> 2);
			} else {
				const char *const *names =
				    l->field == F_OP ? op_names :
				    l->field == F_TYPE ? type_names : vop_names;
				unsigned nn = l->field == F_OP ? 5 :
				    l->field == F_TYPE ? 3 : 8;

				k = (how >> 1) % nn;
				if (l->field == F_TYPE && k == 0)
					k = 1;
				l->lo[i] = k;
				snprintf(vtext[i], sizeof(vtext[i]), "%s",
				    names[k]);
				if (how & 0x80) {
					/* names are case-insensitive */
					vtext[i][0] = (char)(vtext[i][0] - 32);
				}
				if (l->field == F_VOP && (k == 6 || k == 7) &&
				    (how & 0x40))
					vtext[i][6] = '-';
			}
			l->hi[i] = l->lo[i];
			pool_add(g, l->lo[i]);
			break;
		default:
			l->lo[i] = l->hi[i] = number(g, l->field == F_CID);
			pool_add(g, l->lo[i]);
			fmt_number(vtext[i], sizeof(vtext[i]), l->lo[i], how);
			break;
		}
		snprintf(l->text[i], sizeof(l->text[i]), "%s %s", qbuf,
		    vtext[i]);
	}
	/* The text: "Q v1 or v2", or "Q (v1 or v2)". */
	emit(g, "%s ", qbuf);
	if (l->nvalues > 1 && paren_list)
		emit(g, "(");
	for (i = 0; i < l->nvalues; i++)
		emit(g, "%s%s", i ? " or " : "", vtext[i]);
	if (l->nvalues > 1 && paren_list)
		emit(g, ")");
	return (g->nleaves++);
}

static void
post(struct gen *g, int v)
{
	if (g->npost < (int)(sizeof(g->post) / sizeof(g->post[0])))
		g->post[g->npost++] = v;
	else
		g->overflow = 1;
}

/*
 * expr: leaf | "not" expr | "(" expr ") and|or (" expr ")", with the
 * spellings "!", "&&", "||"; and/or have equal precedence and associate
 * to the left in libpcap, so every operand is parenthesized.
 */
static void
gen_expr(struct gen *g, int depth)
{
	unsigned c = byte(g->in);
	int i;

	if (c % 16 == 15 && !g->garbage) {
		garbage(g);
		if (byte(g->in) & 1)
			return;
	}
	if (depth <= 0 || g->nleaves >= MAX_LEAVES - 1 || c % 8 < 3) {
		i = gen_leaf(g);
		if (i < 0)
			g->overflow = 1;
		else
			post(g, i);
		return;
	}
	if (c % 8 == 3) {
		emit(g, "%s(", (c & 0x80) ? "! " : "not ");
		gen_expr(g, depth - 1);
		emit(g, ")");
		post(g, OP_NOT);
		return;
	}
	emit(g, "(");
	gen_expr(g, depth - 1);
	if (c % 8 < 6)
		emit(g, ") %s (", (c & 0x80) ? "&&" : "and");
	else
		emit(g, ") %s (", (c & 0x80) ? "||" : "or");
	gen_expr(g, depth - 1);
	emit(g, ")");
	post(g, c % 8 < 6 ? OP_AND : OP_OR);
}

/* --- the reference semantics of a leaf, on a complete frame -------------- */

static uint64_t
le(const uint8_t *p, int k)
{
	uint64_t v = 0;
	int j;

	for (j = 0; j < k; j++)
		v |= (uint64_t)p[j] << (8 * j);
	return (v);
}

/* The frame is a vsockmon frame: always on DLT_VSOCK, else by ARPHRD. */
static int
ref_hatype(int dlt, const uint8_t *pkt)
{
	if (dlt == DLT_VSOCK)
		return (1);
	if (dlt == DLT_LINUX_SLL)
		return (((pkt[2] << 8) | pkt[3]) == ARPHRD_VSOCKMON);
	return (((pkt[8] << 8) | pkt[9]) == ARPHRD_VSOCKMON);
}

/* Where a virtio field ends in the transport header (type, op). */
static unsigned
virtio_need(enum field field)
{
	return (field == F_TYPE ? 30U : 32U);
}

/* f: the vsockmon header.  The transport is virtio ... */
static int
ref_virtio(const uint8_t *f)
{
	return (le(f + 26, 2) == 2);
}

/* ... and its header is at least "need" bytes long. */
static int
ref_thdr_len(const uint8_t *f, unsigned need)
{
	return (le(f + 28, 2) >= need);
}

/* The field test of a leaf's value vi alone, in direction "dir". */
static int
ref_field(const struct leaf *l, int vi, enum dir dir, const uint8_t *f)
{
	uint64_t s, d;

	switch (l->field) {
	case F_GATE:
		return (1);
	case F_OP:
		return (le(f + 24, 2) == l->lo[vi]);
	case F_TYPE:
		return (le(f + 60, 2) == l->lo[vi]);
	case F_VOP:
		return (le(f + 62, 2) == l->lo[vi]);
	case F_CID:
		s = le(f, 8);
		d = le(f + 8, 8);
		break;
	default:
		s = le(f + 16, 4);
		d = le(f + 20, 4);
		break;
	}
#define IN(x) ((x) >= l->lo[vi] && (x) <= l->hi[vi])
	switch (dir) {
	case D_SRC:	return (IN(s));
	case D_DST:	return (IN(d));
	case D_AND:	return (IN(s) && IN(d));
	default:	return (IN(s) || IN(d));
	}
#undef IN
}

/* base: offset of the vsockmon header (after a cooked header) */
static int
ref_value(const struct leaf *l, int vi, int dlt, const uint8_t *pkt,
    int base)
{
	const uint8_t *f = pkt + base;

	if (!ref_hatype(dlt, pkt))
		return (0);
	if ((l->field == F_TYPE || l->field == F_VOP) &&
	    (!ref_virtio(f) || !ref_thdr_len(f, virtio_need(l->field))))
		return (0);
	return (ref_field(l, vi, l->dir, f));
}

/* Whether the reference applies to the leaf on this link type. */
static int
has_ref(const struct leaf *l, int dlt)
{
	if (l->field == F_PLAINPORT || l->field == F_PLAINRANGE)
		return (dlt == DLT_VSOCK);
	return (dlt != DLT_EN10MB);
}

/* --- packets ------------------------------------------------------------- */

struct pkt {
	uint8_t data[MAX_PKT];
	struct pcap_pkthdr h;
	int complete;		/* every field present, caplen == len */
};

static uint64_t
pick(struct gen *g, int width)
{
	unsigned c = byte(g->in);
	uint64_t v;

	if (c < 150 && g->npool > 0)
		v = g->pool[c % g->npool];
	else if (c < 200)
		v = edges[c % (sizeof(edges) / sizeof(edges[0]))];
	else
		v = bytes(g->in, width);
	return (v);
}

static void
put(uint8_t *p, uint64_t v, int k)
{
	int j;

	for (j = 0; j < k; j++)
		p[j] = (uint8_t)(v >> (8 * j));
}

static int
cooked_len(int dlt)
{
	return (dlt == DLT_LINUX_SLL ? 16 : dlt == DLT_LINUX_SLL2 ? 20 :
	    dlt == DLT_EN10MB ? 14 : 0);
}

/* A complete vsockmon frame whose fields come from the pool. */
static void
make_frame(struct gen *g, int dlt, struct pkt *pk)
{
	int base = cooked_len(dlt), len, extra;
	uint8_t *f;
	unsigned c;
	uint64_t v;

	memset(pk, 0, sizeof(*pk));
	c = byte(g->in);
	v = (c & 3) ? ARPHRD_VSOCKMON : bytes(g->in, 2);
	if (dlt == DLT_LINUX_SLL) {
		pk->data[2] = (uint8_t)(v >> 8);
		pk->data[3] = (uint8_t)v;
		pk->data[5] = 0;
	} else if (dlt == DLT_LINUX_SLL2) {
		pk->data[8] = (uint8_t)(v >> 8);
		pk->data[9] = (uint8_t)v;
	} else if (dlt == DLT_EN10MB) {
		put(pk->data, bytes(g->in, 8), 8);
		put(pk->data + 8, bytes(g->in, 6), 6);
	}
	f = pk->data + base;
	put(f, pick(g, 8), 8);			/* src_cid */
	put(f + 8, pick(g, 8), 8);		/* dst_cid */
	put(f + 16, pick(g, 4), 4);		/* src_port */
	put(f + 20, pick(g, 4), 4);		/* dst_port */
	put(f + 24, pick(g, 2), 2);		/* op */
	put(f + 26, (c & 4) ? pick(g, 2) : 2, 2);	/* transport */
	put(f + 28, (c & 8) ? byte(g->in) % 50 : 44, 2);	/* len */
	memcpy(f + 32, f, 24);			/* virtio addresses */
	put(f + 56, pick(g, 4), 4);		/* len */
	put(f + 60, pick(g, 2), 2);		/* type */
	put(f + 62, pick(g, 2), 2);		/* op */
	put(f + 64, pick(g, 4), 4);		/* flags */
	extra = (int)(byte(g->in) % 24);
	len = base + 76 + extra;
	for (c = 0; c < (unsigned)extra; c++)
		f[76 + c] = (uint8_t)byte(g->in);
	pk->h.caplen = pk->h.len = (bpf_u_int32)len;
	pk->complete = 1;
}

/* --- running --------------------------------------------------------------- */

static pcap_t *
dead(int dlt)
{
	static pcap_t *p[4];
	static const int dlts[4] = { DLT_VSOCK, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	    DLT_EN10MB };
	int i;

	for (i = 0; i < 4; i++) {
		if (dlts[i] != dlt)
			continue;
		if (p[i] == NULL)
			p[i] = pcap_open_dead(dlt, 262144);
		if (p[i] == NULL)
			abort();
		return (p[i]);
	}
	abort();
}

static void
fail(const char *expr, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz-filter: expression \"%s\": ", expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Compiles; on success checks bpf_validate(), on failure the message. */
static char compile_error[PCAP_ERRBUF_SIZE];	/* of the last failure */

static int
compile(pcap_t *p, struct bpf_program *prog, const char *expr, int opt)
{
	const char *err;

	if (pcap_compile(p, prog, expr, opt, PCAP_NETMASK_UNKNOWN) != 0) {
		err = pcap_geterr(p);
		if (err == NULL || err[0] == '\0')
			fail(expr, "compile failed without a message");
		(void)snprintf(compile_error, sizeof(compile_error), "%s",
		    err);
		/*
		 * The optimizer refuses a program that can only reject:
		 * libpcap's way to say the verdict is always 0.
		 */
		if (opt && strstr(err, "expression rejects all packets"))
			return (-1);
		/*
		 * Its constant folding refuses a division or modulus by a
		 * constant 0, which the unoptimized program leaves to run
		 * time (where it rejects): libpcap's arithmetic, never ours
		 * (gencode-vsock.frag emits no division), and so even in stock
		 * libpcap ("1 = 9 % 55 / 615" on EN10MB; tests/hardening/
		 * findings/libpcap-optimizer-modulus-by-zero.txt).
		 */
		if (opt && (strstr(err, "division by zero") ||
		    strstr(err, "modulus by zero")))
			return (-2);
		return (0);
	}
	if (prog->bf_len == 0 || prog->bf_insns == NULL)
		fail(expr, "compiled to an empty program");
	if (!bpf_validate(prog->bf_insns, (int)prog->bf_len))
		fail(expr, "%s program (%u insns) fails bpf_validate",
		    opt ? "optimized" : "unoptimized", prog->bf_len);
	return (1);
}

static int
run(struct bpf_program *prog, const struct pkt *pk, const char *expr)
{
	int a, b;

	a = pcap_offline_filter(prog, &pk->h, pk->data) != 0;
	b = bpf_filter(prog->bf_insns, pk->data, pk->h.len, pk->h.caplen) != 0;
	if (a != b)
		fail(expr, "pcap_offline_filter %d, bpf_filter %d (caplen %u,"
		    " len %u)", a, b, pk->h.caplen, pk->h.len);
	return (a);
}

/* The verdict of the tree on a packet, from the leaves' verdicts. */
static int
combine(const struct gen *g, const int *leafv)
{
	int st[4 * MAX_LEAVES + 8], sp = 0, i, x;

	for (i = 0; i < g->npost; i++) {
		x = g->post[i];
		if (x >= 0)
			st[sp++] = leafv[x];
		else if (x == OP_NOT)
			st[sp - 1] = !st[sp - 1];
		else {
			sp--;
			st[sp - 1] = x == OP_AND ? (st[sp - 1] && st[sp]) :
			    (st[sp - 1] || st[sp]);
		}
	}
	return (sp == 1 ? st[0] : -1);
}

/*
 * The optimized program went wrong where the unoptimized one agrees with
 * the leaves.  Is that libpcap's optimizer on its own?  The expression is
 * rewritten in stock libpcap syntax on DLT_EN10MB, test by test as
 * gencode-vsock.frag makes them: the comparisons it makes on one load
 * (ARPHRD type, transport, op, virtio type and op, and port equalities,
 * a port range of at most 8 values being one equality per value) become
 * the same "ether[OFF:SIZE] = K" on the packet's own bytes; every other
 * test (transport header length, other ranges, CIDs) becomes a byte
 * test "ether[OFF] = 1" past the frame, one byte per distinct test,
 * holding its verdict.  A value of a leaf is the "and" of its tests, a
 * leaf the "or" of its values.  If the optimized rewrite goes wrong the
 * same way (and the unoptimized one does not), libpcap's optimizer
 * miscompiles it without any vsock code: its own bug, not one of
 * gencode-vsock.frag (tests/hardening/findings/libpcap-optimizer-*.txt).
 */
enum atom_kind { A_THDR_LEN, A_FIELD };

struct atom {
	enum atom_kind kind;
	enum field field;
	enum dir dir;
	uint64_t lo, hi;
};

#define SK_ATOMS	64
#define SK_ATOM_OFF	(MAX_PKT - SK_ATOMS)	/* where byte tests live */

struct skeleton {
	struct atom atoms[SK_ATOMS];
	int natoms;
	uint8_t frame[MAX_PKT];	/* the packet; byte SK_ATOM_OFF + K: the
				   verdict of byte test K */
	char text[4096];
	size_t len;
	int overflow;
};

static void
sk_emit(struct skeleton *sk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(sk->text, sizeof(sk->text), &sk->len, &sk->overflow, fmt,
	    ap);
	va_end(ap);
}

/* A test of one load, as gencode-vsock.frag makes it. */
static void
sk_load(struct skeleton *sk, int off, int size, uint32_t k)
{
	sk_emit(sk, "ether[%d:%d] = 0x%x", off, size, k);
}

/* A byte test standing for the test "a", whose verdict is v. */
static void
sk_atom(struct skeleton *sk, const struct atom *a, int v)
{
	int k;

	for (k = 0; k < sk->natoms; k++)
		if (memcmp(&sk->atoms[k], a, sizeof(*a)) == 0)
			break;
	if (k == sk->natoms) {
		if (k == SK_ATOMS) {
			sk->overflow = 1;
			return;
		}
		sk->atoms[sk->natoms++] = *a;
		sk->frame[SK_ATOM_OFF + k] = (uint8_t)v;
	}
	sk_emit(sk, "ether[%d] = 1", SK_ATOM_OFF + k);
}

static uint32_t
swap16(uint64_t v)
{
	return ((uint32_t)((v & 0xff) << 8 | ((v >> 8) & 0xff)));
}

static uint32_t
swap32(uint64_t v)
{
	return ((uint32_t)((v & 0xff) << 24 | ((v >> 8) & 0xff) << 16 |
	    ((v >> 16) & 0xff) << 8 | ((v >> 24) & 0xff)));
}

/* The field test of value vi of leaf l in direction dir. */
static void
sk_field(struct skeleton *sk, const struct leaf *l, int vi, enum dir dir,
    int base, const uint8_t *f)
{
	struct atom a;
	uint64_t lo = l->lo[vi], hi = l->hi[vi], v;
	int port = l->field == F_PORT || l->field == F_PORTRANGE ||
	    l->field == F_PLAINPORT || l->field == F_PLAINRANGE;

	if ((l->field == F_OP || l->field == F_TYPE || l->field == F_VOP) &&
	    lo <= 0xffff) {
		sk_load(sk, base + (l->field == F_OP ? 24 :
		    l->field == F_TYPE ? 60 : 62), 2, swap16(lo));
		return;
	}
	if (lo > hi) {
		v = lo;
		lo = hi;
		hi = v;
	}
	if (port && hi <= 0xffffffff && hi - lo < 8) {
		sk_emit(sk, "(");
		for (v = lo;; v++) {
			sk_emit(sk, v != lo ? " or " : "");
			sk_load(sk, base + (dir == D_SRC ? 16 : 20), 4,
			    swap32(v));
			if (v == hi)
				break;
		}
		sk_emit(sk, ")");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.kind = A_FIELD;
	a.field = l->field;
	a.dir = dir;
	a.lo = l->lo[vi];
	a.hi = l->hi[vi];
	sk_atom(sk, &a, ref_field(l, vi, dir, f));
}

/* The tests of value vi of leaf l, as gencode-vsock.frag makes them. */
static void
sk_value(struct skeleton *sk, const struct leaf *l, int vi, int dlt,
    const uint8_t *pkt)
{
	int base = cooked_len(dlt), n = 0;
	const uint8_t *f = pkt + base;
	struct atom a;

	sk_emit(sk, "(");
	if (dlt != DLT_VSOCK) {
		sk_load(sk, dlt == DLT_LINUX_SLL ? 2 : 8, 2, ARPHRD_VSOCKMON);
		n++;
	}
	if (l->field == F_TYPE || l->field == F_VOP) {
		sk_emit(sk, n++ ? " and " : "");
		sk_load(sk, base + 26, 2, swap16(2));
		memset(&a, 0, sizeof(a));
		a.kind = A_THDR_LEN;
		a.lo = virtio_need(l->field);
		sk_emit(sk, " and ");
		sk_atom(sk, &a, ref_thdr_len(f, (unsigned)a.lo));
	}
	if (l->field != F_GATE) {
		sk_emit(sk, n++ ? " and (" : "(");
		if (l->field == F_OP || l->field == F_TYPE ||
		    l->field == F_VOP || l->dir == D_SRC || l->dir == D_DST) {
			sk_field(sk, l, vi, l->dir, base, f);
		} else {
			sk_field(sk, l, vi, D_SRC, base, f);
			sk_emit(sk, l->dir == D_AND ? " and " : " or ");
			sk_field(sk, l, vi, D_DST, base, f);
		}
		sk_emit(sk, ")");
	}
	if (n == 0)
		sk_emit(sk, "1 = 1");	/* "vsock" on DLT_VSOCK */
	sk_emit(sk, ")");
}

static int
optimizer_shape_bug(const struct gen *g, int dlt, const struct pkt *pk,
    int want, int got)
{
	static struct skeleton sk;
	static char st[4 * MAX_LEAVES + 8][4096];
	char tmp[4096];
	struct bpf_program prog[2];
	static struct pkt frame;
	int verdict[2], sp = 0, i, k, x, ok, r = 0;
	pcap_t *p = dead(DLT_EN10MB);

	memset(&sk, 0, sizeof(sk));
	if (pk->h.len > SK_ATOM_OFF)
		return (0);
	memcpy(sk.frame, pk->data, pk->h.len);
	for (i = 0; i < g->npost; i++) {
		x = g->post[i];
		if (x >= 0) {
			const struct leaf *l = &g->leaves[x];

			sk.len = 0;
			sk.text[0] = '\0';
			sk_emit(&sk, "(");
			for (k = 0; k < l->nvalues; k++) {
				sk_emit(&sk, k ? " or " : "");
				sk_value(&sk, l, k, dlt, pk->data);
			}
			sk_emit(&sk, ")");
			if (sk.overflow)
				return (0);
			memcpy(st[sp++], sk.text, sk.len + 1);
		} else if (x == OP_NOT) {
			if (sp < 1)
				return (0);
			r = snprintf(tmp, sizeof(tmp), "not %s", st[sp - 1]);
			memcpy(st[sp - 1], tmp, sizeof(tmp));
		} else {
			if (sp < 2)
				return (0);
			sp--;
			r = snprintf(tmp, sizeof(tmp), "(%s %s %s)",
			    st[sp - 1], x == OP_AND ? "and" : "or", st[sp]);
			memcpy(st[sp - 1], tmp, sizeof(tmp));
		}
		if (r < 0 || (size_t)r >= sizeof(tmp))
			return (0);
	}
	if (sp != 1)
		return (0);

	memset(&frame, 0, sizeof(frame));
	memcpy(frame.data, sk.frame, sizeof(sk.frame));
	frame.h.caplen = frame.h.len = sizeof(sk.frame);
	for (k = 0; k < 2; k++) {
		ok = compile(p, &prog[k], st[0], k);
		if (ok == 0 || ok == -2)
			return (0);
		if (ok < 0) {
			verdict[k] = 0;		/* "rejects all packets" */
			continue;
		}
		verdict[k] = run(&prog[k], &frame, st[0]);
		pcap_freecode(&prog[k]);
	}
	if (verdict[0] != want || verdict[1] != got)
		return (0);
	if (getenv("FUZZ_FILTER_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-filter: libpcap's optimizer gets it"
		    " wrong without vsock code too: \"%s\" (unoptimized %d,"
		    " optimized %d)\n", st[0], verdict[0], verdict[1]);
	return (1);
}

/*
 * The optimized program went wrong where the unoptimized one, which is
 * what gencode-vsock.frag generates, agrees with the leaves, and the
 * rewrite in stock syntax does not go wrong.  That is still a bug of
 * libpcap's optimizer (the input it got was right), but it may be one a
 * different shape of our code avoids, as was done for
 * tests/hardening/findings/filter-portrange-optimizer.txt.  It is
 * appended to the file FUZZ_FILTER_OPTIMIZER_LOG names, for a person to
 * look at.  (With FUZZ_FILTER_STRICT set, neither this nor
 * optimizer_shape_bug() is asked: every divergence fails.)  Returns 1.
 */
static int
optimizer_divergence(const char *expr, int dlt, int pkt, int want, int got)
{
	const char *name = getenv("FUZZ_FILTER_OPTIMIZER_LOG");
	FILE *f;

	if (name != NULL && (f = fopen(name, "a")) != NULL) {
		fprintf(f, "dlt %d packet %d: unoptimized %d, optimized %d:"
		    " %s\n", dlt, pkt, want, got, expr);
		fclose(f);
	}
	return (1);
}

/*
 * An error about a vsock primitive: "vsock" outside the quoted names
 * (not "unknown ip proto 'provsockto'"), or the qualifier itself
 * ("'vsock' is not a valid qualifier for ..."); not "Linux vsock
 * link-layer type filtering not implemented", which is about another
 * primitive on DLT_VSOCK.
 */
static int
vsock_error(const char *msg)
{
	char bare[PCAP_ERRBUF_SIZE];
	size_t n = 0;
	int quoted = 0;

	if (strncmp(msg, "'vsock'", 7) == 0)
		return 1;
	if (strstr(msg, "link-layer type filtering not implemented") != NULL)
		return 0;
	for (; *msg != '\0' && n < sizeof(bare) - 1; msg++) {
		if (*msg == '\'')
			quoted = !quoted;
		else if (!quoted)
			bare[n++] = *msg;
	}
	bare[n] = '\0';
	return strstr(bare, "vsock") != NULL;
}

/*
 * A message in libpcap's scanner's or grammar's own words, which differ
 * between its versions and come in their order, not ours (sweep.sh
 * makes the same exceptions): a syntax error, a number that overflows
 * 32 bits, a plain port or portrange given an address.
 */
static int
upstream_words(const char *msg)
{
	static const char syntax[] =
	    "can't parse filter expression: syntax error";

	return strncmp(msg, syntax, sizeof(syntax) - 1) == 0 ||
	    strstr(msg, " overflows 32 bits") != NULL ||
	    strstr(msg, "' qualifier applied to IPv") != NULL;
}

/*
 * vsockdump's rewrite of the expression against libpcap's own vsock
 * primitives: the same refusals, the same verdicts (unoptimized, so that
 * a bug of libpcap's optimizer on one shape does not count), and where
 * the rewrite refuses a vsock primitive itself, libpcap's message word
 * for word (unless either is a syntax error).
 */
static void
check_rewrite(pcap_t *p, int dlt, const char *expr, int native_ok,
    struct bpf_program *native, const struct pkt *pk, int npk)
{
	char ebuf[PCAP_ERRBUF_SIZE], native_error[PCAP_ERRBUF_SIZE], *rw;
	struct bpf_program prog;
	int ok, i, a, b;

	(void)snprintf(native_error, sizeof(native_error), "%s",
	    native_ok ? "" : compile_error);
	rw = vsock_filter_rewrite(expr, dlt, ebuf,
	    sizeof(ebuf));
	ok = rw != NULL && compile(p, &prog, rw, 0) == 1;
	if (ok != native_ok)
		fail(expr, "libpcap %s it, vsockdump's rewrite %s (%s)",
		    native_ok ? "compiles" : "refuses",
		    ok ? "compiles it" : "does not",
		    rw == NULL ? ebuf : ok ? rw : compile_error);
	/*
	 * Which of a syntax error and a bad value comes first is the
	 * parsers' business: where either is in libpcap's own words
	 * (upstream_words()), both are right.  So is the order of a bad
	 * vsock value and an error of another primitive (one that
	 * DLT_VSOCK lacks, an unknown name): the rewrite checks vsock
	 * values before libpcap compiles the rest.
	 */
	if (rw == NULL && vsock_error(native_error) &&
	    strcmp(native_error, ebuf) != 0 &&
	    !upstream_words(native_error) && !upstream_words(ebuf))
		fail(expr, "libpcap says \"%s\", vsockdump's rewrite \"%s\"",
		    native_error, ebuf);
	if (ok && native_ok) {
		for (i = 0; i < npk; i++) {
			a = run(native, &pk[i], expr);
			b = run(&prog, &pk[i], rw);
			if (a != b)
				fail(expr, "packet %d (caplen %u, len %u): "
				    "libpcap %d, rewrite %d (\"%s\")", i,
				    pk[i].h.caplen, pk[i].h.len, a, b, rw);
		}
	}
	if (ok)
		pcap_freecode(&prog);
	free(rw);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g;
	static struct pkt pk[4];
	struct in in = { data, size, 0 };
	struct bpf_program whole[2];
	int whole_ok[2], dlt, raw, npk, i, j, v, all_leaves_ok, checked;
	int rejects_all, opt_refused;
	int leafv[MAX_LEAVES];
	unsigned c;
	pcap_t *p;

	if (size == 0)
		return (0);
	memset(&g, 0, sizeof(g));
	g.in = &in;
	c = byte(&in);
	switch (c & 3) {
	case 0: dlt = DLT_VSOCK; break;
	case 1: dlt = DLT_LINUX_SLL; break;
	case 2: dlt = DLT_LINUX_SLL2; break;
	default: dlt = (c & 0x80) ? DLT_EN10MB : DLT_VSOCK; break;
	}
	raw = ((c >> 2) & 3) == 3;
	p = dead(dlt);

	if (raw) {
		while (in.i < in.n && in.p[in.i] != 0 && g.len < MAX_EXPR - 1)
			g.buf[g.len++] = (char)in.p[in.i++];
		g.buf[g.len] = '\0';
		in.i++;
		g.garbage = 1;
	} else {
		gen_expr(&g, 1 + (int)((c >> 4) & 7));
		if (g.overflow)
			g.garbage = 1;
	}

	if (getenv("FUZZ_FILTER_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-filter: link type %d, %s expression"
		    " \"%s\"\n", dlt, g.garbage ? "raw" : "grammar", g.buf);

	/* The packets: two complete frames, one cut, the rest raw. */
	make_frame(&g, dlt, &pk[0]);
	make_frame(&g, dlt, &pk[1]);
	pk[2] = pk[0];
	pk[2].h.caplen = byte(&in) % (pk[0].h.len + 1);
	pk[2].complete = 0;
	memset(&pk[3], 0, sizeof(pk[3]));
	j = 0;
	while (in.i < in.n && j < MAX_PKT)
		pk[3].data[j++] = in.p[in.i++];
	pk[3].h.caplen = (bpf_u_int32)j;
	pk[3].h.len = (bpf_u_int32)j + (j ? pk[3].data[0] % 4 : 0);
	npk = 4;

	for (i = 0; i < 2; i++)
		whole_ok[i] = compile(p, &whole[i], g.buf, i);
	rejects_all = whole_ok[1] == -1;
	opt_refused = whole_ok[1] == -2;
	if (whole_ok[1] < 0)
		whole_ok[1] = 0;
	/*
	 * A refusal for a constant division by 0 may come from gencode.c
	 * as well (both fail then) or from the optimizer alone.
	 */
	if (!opt_refused && whole_ok[0] != (whole_ok[1] || rejects_all))
		fail(g.buf, "compiles %s the optimizer only (%s)",
		    whole_ok[1] ? "with" : "without", compile_error);
	for (i = 0; i < npk; i++) {
		for (j = 0; j < 2; j++) {
			if (whole_ok[j])
				(void)run(&whole[j], &pk[i], g.buf);
		}
	}
	check_rewrite(p, dlt, g.buf, whole_ok[0], &whole[0], pk, npk);

	checked = !g.garbage && g.nleaves > 0 && !opt_refused;
	if (checked) {
		all_leaves_ok = 1;
		for (i = 0; i < g.nleaves; i++) {
			struct leaf *l = &g.leaves[i];

			for (j = 0; j < l->nvalues; j++) {
				l->ok[j] = compile(p, &l->prog[j], l->text[j],
				    0);
				if (!l->ok[j])
					all_leaves_ok = 0;
			}
		}
		if (all_leaves_ok != whole_ok[0])
			fail(g.buf, "the whole %s, but %s",
			    whole_ok[0] ? "compiles" : "does not compile",
			    all_leaves_ok ? "every leaf does" :
			    "a leaf does not");
		for (i = 0; all_leaves_ok && i < npk; i++) {
			int base = cooked_len(dlt), got[2];

			if (!pk[i].complete)
				continue;
			for (j = 0; j < g.nleaves; j++) {
				struct leaf *l = &g.leaves[j];
				int k, any = 0, r;

				for (k = 0; k < l->nvalues; k++) {
					r = run(&l->prog[k], &pk[i], l->text[k]);
					if (has_ref(l, dlt) &&
					    r != ref_value(l, k, dlt,
					    pk[i].data, base))
						fail(l->text[k],
						    "verdict %d on a complete"
						    " frame (packet %d, whole"
						    " expression \"%s\"), the"
						    " reference says %d", r, i,
						    g.buf, !r);
					any |= r;
				}
				leafv[j] = any;
			}
			v = combine(&g, leafv);
			if (v < 0)
				fail(g.buf, "internal: bad tree");
			got[0] = run(&whole[0], &pk[i], g.buf);
			got[1] = rejects_all ? 0 : run(&whole[1], &pk[i], g.buf);
			if (got[0] == v && got[1] != v &&
			    getenv("FUZZ_FILTER_STRICT") == NULL &&
			    (optimizer_shape_bug(&g, dlt, &pk[i], v, got[1]) ||
			    optimizer_divergence(g.buf, dlt, i, v, got[1])))
				continue;
			if (got[0] != got[1] || got[1] != v)
				fail(g.buf, "packet %d: unoptimized %d,"
				    " optimized %d, from the leaves %d",
				    i, got[0], got[1], v);
		}
		for (i = 0; i < g.nleaves; i++)
			for (j = 0; j < g.leaves[i].nvalues; j++)
				if (g.leaves[i].ok[j])
					pcap_freecode(&g.leaves[i].prog[j]);
	} else if (whole_ok[0]) {
		/*
		 * Raw or garbage expressions: no oracle (link[] and len
		 * tests may read past a frame, where the optimizer may
		 * legitimately change which load fails first); the frames
		 * padded with zeros are only run, for the sanitizers.
		 */
		for (i = 0; i < 2; i++) {
			struct pkt padded = pk[i];

			padded.h.caplen = padded.h.len =
			    pk[i].h.len + 64 <= MAX_PKT ? pk[i].h.len + 64 :
			    MAX_PKT;
			for (j = 0; j < 2; j++)
				if (whole_ok[j])
					(void)run(&whole[j], &padded, g.buf);
		}
	}
	for (i = 0; i < 2; i++)
		if (whole_ok[i])
			pcap_freecode(&whole[i]);
	return (0);
}
